"""Closure-aware named queries (issue 11, ontology roll-up): a condition question also finds the
evidence for its narrower conditions (subclass_of, up to 3 steps), flagged ``via_closure``, on the
embedded Cypher engine and the SPARQL twin alike (Neo4j parity: tests/test_neo4j.py runs every
library query); ``closure=false`` gives the exact-node answer."""

from __future__ import annotations

import pytest
from test_evidence_queries import twins

CLOSURE_QUERIES = ("condition_ev_sources", "circulating_biomarkers", "condition_ev_pathways")


def _narrower(kg, condition: str, steps: int = 3) -> dict[str, int]:
    """Reference: every condition with a subclass_of chain of at most ``steps`` up to ``condition``."""
    e = kg.edges[kg.edges["predicate"] == "subclass_of"]
    children: dict[str, set[str]] = {}
    for s, o in zip(e["subject"].astype(str), e["object"].astype(str), strict=True):
        children.setdefault(o, set()).add(s)
    out, frontier = {condition: 0}, {condition}
    for k in range(1, steps + 1):
        frontier = {c for p in frontier for c in children.get(p, ())} - set(out)
        out.update({c: k for c in frontier})
    return {c: k for c, k in out.items() if kg.node(c)["category"] == "Condition"}


def _parent_with_evidence(kg, predicate: str) -> tuple[str, set[str]]:
    """A condition with no direct ``predicate`` edge whose narrower conditions have some."""
    e = kg.edges
    targets = set(e.loc[e["predicate"] == predicate, "object"].astype(str))
    best = None
    for parent in sorted(set(e.loc[e["predicate"] == "subclass_of", "object"].astype(str))):
        if kg.node(parent)["category"] != "Condition":
            continue
        hit = (set(_narrower(kg, parent)) - {parent}) & targets
        if hit and (best is None or len(hit) > len(best[1])):
            best = (parent, hit)
    assert best, f"no condition whose narrower conditions have {predicate} evidence"
    return best


def test_condition_ev_sources_rolls_up_narrower_conditions(kg):
    parent, narrower = _parent_with_evidence(kg, "contributes_to")
    df = twins(kg, "condition_ev_sources", {"condition": parent})
    assert set(df["condition_id"]) >= narrower and set(df["condition_id"]) <= set(_narrower(kg, parent))
    assert (df["via_closure"] == (df["condition_id"] != parent)).all()
    e = kg.edges
    want = {(s, o) for s, p, o in zip(e["subject"].astype(str), e["predicate"], e["object"].astype(str), strict=True)
            if p == "contributes_to" and o in _narrower(kg, parent) and kg.node(s)["category"] == "EVPopulation"}
    assert set(zip(df["ev_population"], df["condition_id"], strict=True)) == want
    exact = twins(kg, "condition_ev_sources", {"condition": parent, "closure": False})
    assert set(exact["condition_id"]) <= {parent} and not exact["via_closure"].any()


def test_circulating_biomarkers_of_a_broader_condition_include_narrower_ones(kg):
    parent, narrower = _parent_with_evidence(kg, "biomarker_for")
    species = "NCBITaxon:9606"
    df = twins(kg, "circulating_biomarkers", {"condition": parent, "species": species})
    e = kg.edges
    want = {(s, o) for s, p, o, sp in zip(e["subject"].astype(str), e["predicate"], e["object"].astype(str),
                                          e["species"].astype(str), strict=True)
            if p == "biomarker_for" and o in _narrower(kg, parent) and species in sp.split("|")}
    assert set(zip(df["marker_id"], df["condition_id"], strict=True)) == want
    assert {o for _, o in want} & narrower  # the roll-up finds markers of narrower conditions
    assert (df["via_closure"] == (df["condition_id"] != parent)).all()
    exact = twins(kg, "circulating_biomarkers", {"condition": parent, "species": species, "closure": False})
    assert not exact["via_closure"].any() and len(exact) <= len(df)


def test_condition_ev_pathways_lists_the_conditions_the_evs_came_from(kg):
    parent, _ = _parent_with_evidence(kg, "released_in")
    df = twins(kg, "condition_ev_pathways", {"condition": parent})
    allowed = set(_narrower(kg, parent))
    assert all(set(c) <= allowed for c in df["conditions"])
    exact = twins(kg, "condition_ev_pathways", {"condition": parent, "closure": False})
    assert all(set(c) <= {parent} for c in exact["conditions"])
    assert set(exact["pathway_id"]) <= set(df["pathway_id"])


@pytest.mark.parametrize("name", CLOSURE_QUERIES)
def test_closure_is_a_documented_parameter_with_the_flag_column(name):
    from evgraph.query import library

    q = library()[name]
    assert any(p.name == "closure" for p in q.params)
    assert "via_closure" in q.columns or "conditions" in q.columns
