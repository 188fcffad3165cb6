"""KGX TSV (``nodes.tsv`` + ``edges.tsv``), the Biolink interchange format.

Nodes carry their Biolink ``category`` and evgraph's own class (``evgraph_class``); edges carry
the Biolink ``predicate`` and evgraph's relationship (``evgraph_predicate``) plus provenance in
Biolink slots (``publications``, ``knowledge_level``, ``agent_type``,
``primary_knowledge_source``, ``species_context_qualifier``, ``object_direction_qualifier``,
``supporting_text``, ``has_confidence_score``) and the evidence-quality fields of
:mod:`evgraph.evidence` under their own names (``separation_method``, ``model_system``,
``evidence_tier``, ...). Lists are ``|``-separated.

Reading also accepts KGX written by other tools: without ``evgraph_class`` /
``evgraph_predicate`` the evgraph type is inferred from the Biolink category (and CURIE
prefix) or predicate (and the classes of both ends), and an ambiguous one is an error.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import atomic_path
from ..build.builder import GraphBuilder
from ..errors import DataError, Problem
from ..evidence import EVIDENCE_COLUMNS
from ..model import KnowledgeGraph
from ..schema import get_schema

#: evgraph node column -> KGX column
NODE_MAP = {
    "id": "id",
    "category": "evgraph_class",
    "label": "name",
    "condition_category": "condition_category",
    "xrefs": "xref",
    "synonyms": "synonym",
    "description": "description",
    "provided_by": "provided_by",
}
#: evgraph edge column -> KGX column
EDGE_MAP = {
    "id": "id",
    "subject": "subject",
    "object": "object",
    "predicate": "evgraph_predicate",
    "direction": "object_direction_qualifier",
    "uptake_mechanism": "uptake_mechanism",
    "species": "species_context_qualifier",
    "publications": "publications",
    "knowledge_level": "knowledge_level",
    "agent_type": "agent_type",
    "primary_knowledge_source": "primary_knowledge_source",
    "evidence": "supporting_text",
    "confidence": "has_confidence_score",
    "statement": "evgraph_statement",
    # the evidence-quality layer (evgraph.evidence): KGX columns named as the fields
    **{col: col for col in EVIDENCE_COLUMNS},
}
NODE_HEADER = ["id", "category", "name", "evgraph_class", "condition_category", "xref", "synonym",
               "description", "provided_by"]
EDGE_HEADER = ["id", "subject", "predicate", "object", "evgraph_predicate", "object_direction_qualifier",
               "uptake_mechanism", "species_context_qualifier", "publications", "knowledge_level",
               "agent_type", "primary_knowledge_source", "supporting_text", "has_confidence_score",
               "evgraph_statement", *EVIDENCE_COLUMNS]

_CLEAN = re.compile(r"[\t\r\n]+")


def _text(series: pd.Series) -> pd.Series:
    s = series.astype(object).where(series.notna(), "").astype(str)
    return s.str.replace(_CLEAN, " ", regex=True)


def write_kgx(kg: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``nodes.tsv`` and ``edges.tsv`` into ``out_dir`` (atomically); return the paths."""
    out = Path(out_dir)
    schema = kg.schema
    nodes = pd.DataFrame({kgx: _text(kg.nodes[col]) for col, kgx in NODE_MAP.items()})
    nodes["category"] = kg.nodes["category"].map(lambda c: schema.classes[c].biolink_category).astype(str)
    edges = pd.DataFrame({kgx: _text(kg.edges[col]) for col, kgx in EDGE_MAP.items() if col != "confidence"})
    edges["predicate"] = kg.edges["predicate"].map(
        lambda p: schema.relations[p].biolink_predicate).astype(str)
    edges["has_confidence_score"] = kg.edges["confidence"].map(repr)
    paths = []
    for name, frame, header in (("nodes.tsv", nodes, NODE_HEADER), ("edges.tsv", edges, EDGE_HEADER)):
        target = out / name
        with atomic_path(target) as tmp:
            frame[header].to_csv(tmp, sep="\t", index=False, lineterminator="\n",
                                 quoting=csv.QUOTE_NONE, escapechar="\\")
        paths.append(target)
    return paths


def _header(path: Path) -> list[str]:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except UnicodeDecodeError as exc:
        raise DataError(Problem(str(path), 1, None, f"not UTF-8 text: {exc.reason}")) from None
    except (OSError, EOFError) as exc:
        raise DataError(Problem(str(path), None, None, f"cannot read: {exc}")) from None
    if not first.strip():
        raise DataError(Problem(str(path), None, None, "empty file: no header row"))
    return [h.strip() for h in first.rstrip("\r\n").split("\t")]


def _check_field_counts(path: Path, header: list[str]) -> None:
    """Stream the file once and stop at the first row whose field count differs from the header."""
    import gzip

    want = len(header) - 1
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        fh.readline()
        for lineno, line in enumerate(fh, start=2):
            tabs = line.count(b"\t")
            if tabs != want:
                found = tabs + 1
                field = header[found] if found < len(header) else None
                raise DataError(Problem(str(path), lineno, field,
                                        f"expected {len(header)} tab-separated fields, found {found}"))


def _read(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """Read a KGX TSV strictly: every row must have exactly the header's number of fields."""
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, "file not found"))
    header = _header(path)
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(Problem(str(path), 1, missing[0], f"missing column (header has: {', '.join(header)})"))
    try:
        _check_field_counts(path, header)
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_values=[], quoting=csv.QUOTE_NONE,
                         skip_blank_lines=False, encoding="utf-8-sig", compression="infer", header=0,
                         names=header, index_col=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise DataError(Problem(str(path), int(m.group(2)), None,
                                    f"expected {m.group(1)} tab-separated fields, found {m.group(3)}")) from None
        raise DataError(Problem(str(path), None, None, f"cannot parse as TSV: {exc}")) from None
    except UnicodeDecodeError as exc:
        raise DataError(Problem(str(path), None, None, f"not UTF-8 text: {exc.reason}")) from None
    except (OSError, EOFError) as exc:  # truncated gzip and the like
        raise DataError(Problem(str(path), None, None, f"cannot read: {exc}")) from None
    df["_line"] = np.arange(2, len(df) + 2)
    return df


def read_kgx(builder: GraphBuilder, path: str | Path) -> None:
    """Add the nodes and edges of a KGX TSV folder (``nodes.tsv``, ``edges.tsv``) to ``builder``.

    ``path`` may also name ``nodes.tsv`` itself; gzip-compressed ``.tsv.gz`` files are read too.
    """
    schema = get_schema()
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent

    def find(stem: str) -> Path:
        for cand in (folder / f"{stem}.tsv", folder / f"{stem}.tsv.gz"):
            if cand.is_file():
                return cand
        return folder / f"{stem}.tsv"

    npath, epath = find("nodes"), find("edges")
    nodes = _read(npath, ("id", "category"))
    out_nodes = pd.DataFrame({col: nodes[kgx] if kgx in nodes.columns else "" for col, kgx in NODE_MAP.items()})
    out_nodes["_line"] = nodes["_line"]
    if "evgraph_class" not in nodes.columns or (nodes["evgraph_class"] == "").any():
        _infer_classes(nodes, out_nodes, schema, str(npath))
    builder.add_nodes(out_nodes, file=str(npath))

    edges = _read(epath, ("subject", "predicate", "object"))
    out_edges = pd.DataFrame({col: edges[kgx] if kgx in edges.columns else "" for col, kgx in EDGE_MAP.items()})
    out_edges["_line"] = edges["_line"]
    if "evgraph_predicate" not in edges.columns or (edges["evgraph_predicate"] == "").any():
        _infer_predicates(edges, out_edges, out_nodes, schema, str(epath))
    builder.add_edges(out_edges, file=str(epath))
    builder.sources.append(f"kgx={path}")


def _infer_classes(nodes: pd.DataFrame, out: pd.DataFrame, schema, file: str) -> None:
    todo = out["category"] == ""
    for idx in out.index[todo]:
        cats = [c for c in nodes.at[idx, "category"].split("|") if c]
        prefix = out.at[idx, "id"].split(":", 1)[0]
        if prefix not in schema.prefixes:
            raise DataError(Problem(file, int(nodes.at[idx, "_line"]), "id",
                                    f"unknown CURIE prefix '{prefix}' in '{out.at[idx, 'id']}'"))
        cands = sorted({cls for c in cats for cls in schema.class_by_biolink.get(c, ())
                        if prefix in schema.classes[cls].prefixes})
        if len(cands) != 1:
            why = "ambiguous: " + ", ".join(cands) if cands else "no evgraph class matches"
            raise DataError(Problem(file, int(nodes.at[idx, "_line"]), "category",
                                    f"cannot map '{nodes.at[idx, 'category']}' for '{out.at[idx, 'id']}' "
                                    f"to an evgraph class ({why}); add an evgraph_class column"))
        out.at[idx, "category"] = cands[0]


def _infer_predicates(edges: pd.DataFrame, out: pd.DataFrame, nodes: pd.DataFrame, schema, file: str) -> None:
    cls_of = dict(zip(nodes["id"], nodes["category"], strict=True))
    for idx in out.index[out["predicate"] == ""]:
        biolink = edges.at[idx, "predicate"]
        s, o = cls_of.get(out.at[idx, "subject"]), cls_of.get(out.at[idx, "object"])
        cands = [r for r in schema.relations_by_biolink.get(biolink, ()) if schema.allows(s, r, o)]
        if len(cands) != 1:
            why = "ambiguous: " + ", ".join(cands) if cands else "no evgraph relationship matches"
            raise DataError(Problem(file, int(edges.at[idx, "_line"]), "predicate",
                                    f"cannot map '{biolink}' between {s} and {o} ({why}); "
                                    "add an evgraph_predicate column"))
        out.at[idx, "predicate"] = cands[0]
