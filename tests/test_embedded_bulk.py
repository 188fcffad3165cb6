"""The embedded engine's bulk load: typed Arrow tables built column-wise, loaded with COPY.

The vectorised tables (:func:`node_tables`, :func:`rel_tables`) must hold exactly what the
row-wise layout (:func:`node_frames`, :func:`rel_groups`, used by the Neo4j loader and the
neo4j-admin CSV) holds, and each value must follow the layout's rules, checked here against a
plain-Python reference of those rules, on every pandas flavour of missing values.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import evgraph
from evgraph.model import LIST_SEP
from evgraph.query import run_query
from evgraph.query.embedded import EmbeddedEngine
from evgraph.query.graphdata import (
    NODE_PROPERTIES,
    REL_PROPERTIES,
    Prop,
    arrow_column,
    node_frames,
    node_tables,
    rel_groups,
    rel_tables,
)


def reference(values: list, prop: Prop) -> list:
    """The layout's value rules, one value at a time."""
    out = []
    for v in values:
        missing = v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))
        if prop.type in ("double", "int"):
            try:
                x = float(v) if not missing and str(v) != "" else math.nan
            except ValueError:
                x = math.nan
            out.append(None if math.isnan(x) else (int(x) if prop.type == "int" else x))
        elif missing or str(v) == "":
            out.append(None)
        elif prop.type == "string[]":
            items = [s for s in str(v).split(LIST_SEP) if s]
            out.append(items or None)
        else:
            out.append(str(v))
    return out


VALUES = ["a|b", "", None, np.nan, "c||d", "|", "x", "2019", "3.5", "-1"]


@pytest.mark.parametrize("flavour", ["object", "category", "string", "str"])
@pytest.mark.parametrize("ptype", ["string", "string[]", "double", "int"])
def test_arrow_column_follows_the_layout_rules(flavour, ptype):
    raw = pd.Series(VALUES, dtype=object)
    col = {"object": raw, "category": raw.astype("category"), "string": raw.astype("string"),
           "str": raw.astype(str).where(raw.notna(), np.nan)}[flavour]
    prop = Prop("v", ptype)
    got = arrow_column(pd.DataFrame({"v": col}), prop).to_pylist()
    assert got == reference(list(col.astype(object)), prop)


def test_a_missing_column_is_all_null():
    assert arrow_column(pd.DataFrame({"x": [1, 2]}), Prop("v", "string[]")).to_pylist() == [None, None]


@pytest.mark.parametrize("graph", ["mini_kg", "kg"])
def test_tables_hold_what_the_row_layout_holds(graph, request):
    kg = request.getfixturevalue(graph)
    frames = list(node_frames(kg))
    tables = list(node_tables(kg))
    assert [c for c, _ in frames] == [c for c, _ in tables]
    for (_, frame), (_, table) in zip(frames, tables, strict=True):
        assert table.column_names == [p.name for p in NODE_PROPERTIES]
        for p in NODE_PROPERTIES:
            assert table.column(p.name).to_pylist() == frame[p.name].tolist(), p.name
    groups = list(rel_groups(kg))
    rtables = list(rel_tables(kg))
    assert [(g.relation, g.from_class, g.to_class) for g in groups] == \
        [(t.relation, t.from_class, t.to_class) for t in rtables]
    assert sum(t.table.num_rows for t in rtables) == kg.num_edges
    for g, t in zip(groups, rtables, strict=True):
        assert t.rel_type == g.rel_type
        assert t.table.column_names == ["from", "to", *[p.name for p in REL_PROPERTIES]]
        for name in t.table.column_names:
            assert t.table.column(name).to_pylist() == g.frame[name].tolist(), (g.relation, name)


def test_values_follow_the_rules_on_the_curated_graph(kg):
    """Independent of the row layout: each column against the reference rules."""
    edges = kg.edges
    for p in REL_PROPERTIES:
        if p.name in edges.columns:
            assert arrow_column(edges, p).to_pylist() == reference(list(edges[p.name].astype(object)), p), p.name


def test_database_built_from_the_tables_answers_like_the_graph(kg, tmp_path):
    """Counts per relationship type and a property round trip on the cached (file) database."""
    folder = tmp_path / "g"
    evgraph.save(kg, folder)
    engine = EmbeddedEngine(kg, folder)
    try:
        got = engine.run("MATCH ()-[r]->() RETURN r.predicate AS p, count(*) AS n")
        want = kg.edges["predicate"].astype(str).value_counts()
        assert dict(zip(got["p"], got["n"], strict=True)) == want.to_dict()
        nodes = engine.run("MATCH (n) RETURN n.category AS c, count(*) AS n")
        classes = kg.nodes["category"].astype(str).value_counts().to_dict()
        assert dict(zip(nodes["c"], nodes["n"], strict=True)) == classes
        pubs = engine.run("MATCH ()-[r]->() RETURN r.id AS id, r.publications AS pubs, r.confidence AS c")
        by_id = pubs.set_index("id")
        for rec in kg.edges.head(200).astype(object).to_dict("records"):
            row = by_id.loc[rec["id"]]
            assert list(row["pubs"] or []) == [x for x in str(rec["publications"]).split("|") if x]
            assert row["c"] == pytest.approx(float(rec["confidence"]))
        # the build left no write-ahead log: the folder holds the database file and its key only
        assert sorted(p.name for p in folder.iterdir() if p.name.startswith("cypher")) == ["cypher.json", "cypher.lbug"]
    finally:
        engine.close()
    again = EmbeddedEngine(kg, folder)  # reopened read-only from the cache
    try:
        assert len(run_query(kg, "top_cargo", engine=again)) > 0
    finally:
        again.close()
