"""Ontology enrichment, the last step of normalisation: labels, condition categories and roll-up edges.

:func:`ontology_enrichment` reads the ontology terms the build loaded (CL, UBERON, MONDO, DOID, GO)
and gives the graph's nodes their labels and synonyms, each condition its category (the first
:data:`CATEGORY_ANCHORS` ancestor it has), and the roll-up edges the closure analytics walk.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..model import LIST_SEP
from .columns import per_value, starts_with
from .records import Term

# condition category anchors, most specific first (checked in this order)
CATEGORY_ANCHORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("neurodegenerative", ("MONDO:0005559", "DOID:1289")),
    ("cardiovascular", ("MONDO:0004995", "DOID:1287")),
    ("hepatic", ("MONDO:0005154", "DOID:409")),
    ("renal", ("MONDO:0005240", "DOID:557")),
    ("metabolic", ("MONDO:0005066", "DOID:0014667")),
    ("oncologic", ("MONDO:0004992", "DOID:162")),
    ("inflammatory", ("MONDO:0021166",)),
)
ONTOLOGY_INFORES = {"CL": "infores:cl", "UBERON": "infores:uberon", "MONDO": "infores:mondo",
                    "DOID": "infores:doid", "GO": "infores:go"}

def ontology_enrichment(terms: dict[str, Term], nodes: pd.DataFrame, edges: pd.DataFrame,
                        existing: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Label the graph's CL/UBERON/MONDO/DOID/GO nodes from ``terms``, set condition categories from
    the disease hierarchy, and return ``(nodes, roll-up edges)``: cell type ``part_of`` organ, cell
    type and condition ``subclass_of`` their parents, organ ``part_of`` its nearest broader organs,
    all between nodes of the graph (an organ a cell type is part of is added as a node)."""
    empty = pd.DataFrame(columns=list(edges.columns))
    if not terms or (nodes.empty and existing.empty):  # final sources' nodes (curated) get roll-up edges too
        return nodes, empty
    onto = pd.Series(starts_with(nodes["id"], ("CL:", "UBERON:", "MONDO:", "DOID:", "GO:")), index=nodes.index)
    ids = nodes.loc[onto, "id"]
    labels = pd.Series(per_value(ids, lambda i: terms[i].label if i in terms else ""), index=ids.index)
    nodes.loc[onto & (labels != "").reindex(nodes.index, fill_value=False), "label"] = labels[labels != ""]
    syn = pd.Series(per_value(ids, lambda i: LIST_SEP.join(terms[i].synonyms[:10]) if i in terms else ""),
                    index=ids.index)
    nodes.loc[onto & (nodes["synonyms"] == ""), "synonyms"] = syn

    is_cond = nodes["category"] == "Condition"
    cond_ids = nodes.loc[is_cond, "id"]
    cats = pd.Series(per_value(cond_ids, lambda i: _condition_category(terms.get(i))), index=cond_ids.index)
    nodes.loc[is_cond & (nodes["condition_category"] == ""), "condition_category"] = cats

    present = dict(zip(existing["id"], existing["category"], strict=True))
    present.update({i: c for i, c in zip(nodes["id"], nodes["category"], strict=True) if i not in present})
    rows: list[dict[str, Any]] = []
    new_nodes: list[dict[str, Any]] = []
    for cid, cat in list(present.items()):
        term = terms.get(cid)
        if term is None:
            continue
        if cat == "CellType":
            for organ in term.part_of:
                if not organ.startswith("UBERON:") or organ not in terms:
                    continue
                ocat = present.get(organ)
                if ocat is None:
                    ocat = "Organ"
                    present[organ] = ocat
                    new_nodes.append({"id": organ, "category": ocat, "label": terms[organ].label, "_src": -1})
                if ocat in ("Organ", "Biofluid"):
                    rows.append(_rollup(cid, "part_of", organ))
            # the CL is_a roll-up between cell types of the graph (analytics.closure, issue 14)
            rows += [_rollup(cid, "subclass_of", p) for p in term.parents if present.get(p) == "CellType"]
        elif cat == "Condition":
            for parent in term.parents:
                if present.get(parent) == "Condition":
                    rows.append(_rollup(cid, "subclass_of", parent))
        elif cat == "Organ":  # the anatomical roll-up ("any part of the brain"; analytics3, issue 11)
            rows += [_rollup(cid, "part_of", o) for o in _broader_organs(cid, term, terms, present)]
    if new_nodes:
        add = pd.DataFrame(new_nodes)
        for col in nodes.columns:
            if col not in add.columns:
                add[col] = ""
        nodes = pd.concat([nodes, add[nodes.columns]], ignore_index=True)
    extra = pd.DataFrame(rows) if rows else empty
    if len(extra):
        extra["_src"] = -1
    return nodes, extra


def _broader_organs(cid: str, term: Term, terms: dict[str, Term], present: dict[str, str]) -> list[str]:
    """The nearest broader organs of organ ``cid`` among the graph's organs: its UBERON ancestors
    (CELLxGENE's ancestor lists join is_a and part_of; an OBO file's is_a ancestors and direct
    part_of) that are Organ nodes, without those already above another one (a transitive
    reduction, so the roll-up walks the hierarchy step by step)."""
    up = {a for a in (*term.ancestors, *term.part_of) if a != cid and present.get(a) == "Organ" and a in terms}

    def above(b: str) -> set[str]:
        t = terms[b]
        return {x for x in (*t.ancestors, *t.part_of) if x != b}

    higher = {a for b in up for a in above(b)}
    return sorted(up - higher)


def _rollup(s: str, p: str, o: str) -> dict[str, Any]:
    return {"subject": s, "predicate": p, "object": o, "knowledge_level": "knowledge_assertion",
            "agent_type": "manual_agent", "primary_knowledge_source": ONTOLOGY_INFORES.get(s.split(":")[0], ""),
            "evidence": "ontology hierarchy", "confidence": 1.0, "_line": 0}


def _condition_category(term: Term | None) -> str:
    if term is None:
        return ""
    for cat, anchors in CATEGORY_ANCHORS:
        if any(a in term.ancestors for a in anchors):
            return cat
    return "other"
