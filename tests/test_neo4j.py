"""Loading into a real Neo4j 5 server and running the query library there.

The server is ``tests/neo4j/start.sh`` (Neo4j 5.26 Community through neo4j-harness, no auth)
named by ``NEO4J_URI``: the ``neo4j_server`` fixture of ``conftest.py``. In CI (``CI=true``) a
missing server fails these tests; elsewhere they are skipped.
Every test deletes the evgraph-labelled nodes of that database first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from evgraph.model import split_list
from evgraph.query import library, run_query
from evgraph.query.neo4j import Neo4jEngine, clear_graph, graph_counts, load_graph, load_plan

pytestmark = pytest.mark.neo4j
ROOT = Path(__file__).resolve().parent.parent
LIB = library()


@pytest.fixture(scope="module")
def neo4j(neo4j_server) -> Neo4jEngine:
    """The shared test-server connection (``conftest.neo4j_server``)."""
    return neo4j_server


def dump(engine: Neo4jEngine) -> tuple[list, list]:
    """Every node (labels, properties) and relationship (ends, type, properties), sorted."""
    nodes = engine.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.id")
    rels = engine.run("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props "
                      "ORDER BY r.id, a, b")
    return nodes.to_dict("records"), rels.to_dict("records")


def expected_counts(kg) -> dict[str, dict[str, int]]:
    counts = kg.counts()
    return {"nodes": dict(sorted(counts["nodes"].items())),
            "edges": dict(sorted((kg.schema.relations[r].neo4j_type, n) for r, n in counts["edges"].items()))}


def test_load_counts_equal_the_graph_and_properties_survive(kg, neo4j):
    clear_graph(kg, neo4j)
    report = load_graph(kg, neo4j, progress=False)
    assert report.nodes_created == kg.num_nodes and report.relationships_created == kg.num_edges
    assert graph_counts(neo4j) == expected_counts(kg)
    # every edge, with its ends and provenance, compared with the graph tables
    rels = neo4j.run("MATCH (a)-[r]->(b) RETURN r.id AS id, a.id AS s, b.id AS o, r.predicate AS p, "
                     "r.publications AS pubs, r.species AS species, r.confidence AS conf")
    got = rels.set_index("id").sort_index()
    e = kg.edges.set_index("id").sort_index()
    assert list(got.index) == list(e.index)
    assert list(got["s"]) == list(e["subject"].astype(str)) and list(got["o"]) == list(e["object"].astype(str))
    assert list(got["p"]) == list(e["predicate"].astype(str))
    assert [v or [] for v in got["pubs"]] == [split_list(v) for v in e["publications"]]
    assert [v or [] for v in got["species"]] == [split_list(v) for v in e["species"]]
    assert [None if pd.isna(v) else v for v in got["conf"]] == [None if pd.isna(v) else v for v in e["confidence"]]
    labels = neo4j.run("MATCH (n) RETURN n.id AS id, labels(n) AS labels").set_index("id").sort_index()
    assert [lab[0] for lab in labels["labels"]] == list(kg.nodes.set_index("id").sort_index()["category"].astype(str))
    assert all(len(lab) == 1 for lab in labels["labels"])


def test_second_load_changes_nothing(kg, neo4j):
    clear_graph(kg, neo4j)
    load_graph(kg, neo4j, progress=False)
    before = dump(neo4j)
    report = load_graph(kg, neo4j, progress=False)
    assert report.nodes_created == 0 and report.relationships_created == 0
    assert dump(neo4j) == before


def test_interrupted_load_then_full_load_is_identical(kg, neo4j):
    clear_graph(kg, neo4j)
    load_graph(kg, neo4j, progress=False, batch_size=100)
    reference = dump(neo4j)
    clear_graph(kg, neo4j)
    n_batches = len(list(load_plan(kg, batch_size=100)))

    class Interrupt(Exception):
        pass

    def stop_half_way(i, _batch):
        if i + 1 >= n_batches // 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        load_graph(kg, neo4j, progress=False, batch_size=100, on_batch=stop_half_way)
    partial = graph_counts(neo4j)
    assert sum(partial["nodes"].values()) + sum(partial["edges"].values()) < kg.num_nodes + kg.num_edges
    load_graph(kg, neo4j, progress=False, batch_size=100)
    assert dump(neo4j) == reference
    assert graph_counts(neo4j) == expected_counts(kg)


def test_constraints_exist_for_every_label_and_type(kg, neo4j):
    names = set(neo4j.run("SHOW CONSTRAINTS YIELD name RETURN name")["name"])
    assert {f"evgraph_{c}_id" for c in kg.schema.classes} <= names
    assert {f"evgraph_{r.neo4j_type}_id" for r in kg.schema.relations.values()} <= names


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from evgraph.cli import main; sys.exit(main(obj={}))",
                           *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)


def test_cli_load_and_query(kg, neo4j, neo4j_uri):
    clear_graph(kg, neo4j)
    res = _cli("neo4j", "load", "--uri", neo4j_uri, "--no-progress")
    assert res.returncode == 0, res.stderr
    assert graph_counts(neo4j) == expected_counts(kg)
    out = _cli("query", "organs_sending_evs_to", "-p", "target=heart", "--neo4j", neo4j_uri, "--format", "csv")
    assert out.returncode == 0, out.stderr
    local = _cli("query", "organs_sending_evs_to", "-p", "target=heart", "--format", "csv")
    assert out.stdout == local.stdout and len(out.stdout.splitlines()) > 1


def test_syntax_error_on_neo4j_names_the_query(kg, neo4j_uri, tmp_path):
    bad = tmp_path / "broken.cypher"
    bad.write_text("MATCH (n:Organ RETURN n.id")
    res = _cli("query", str(bad), "--neo4j", neo4j_uri)
    assert res.returncode == 1
    assert "evgraph: error: query broken (" in res.stderr and "syntax error" in res.stderr


# ------------------------------------------------------------------ parity with the embedded engine
@pytest.fixture(scope="module")
def loaded(kg, neo4j) -> Neo4jEngine:
    clear_graph(kg, neo4j)
    load_graph(kg, neo4j, progress=False)
    return neo4j


def _rows(df: pd.DataFrame, drop_lists: bool = False) -> list[tuple]:
    out = []
    for rec in df.itertuples(index=False, name=None):
        row = []
        for v in rec:
            if isinstance(v, list):
                if drop_lists:
                    continue
                row.append(tuple(v))
            elif isinstance(v, float):
                row.append(round(v, 9))
            else:
                row.append(v)
        out.append(tuple(row))
    return out


@pytest.mark.parametrize("name", sorted(LIB))
def test_parity_embedded_and_neo4j(kg, loaded, name):
    q = LIB[name]
    embedded = run_query(kg, q)
    server = run_query(kg, q, engine=loaded)
    assert list(embedded.columns) == list(server.columns) == list(q.columns)
    if "sources" not in q.notes:  # queries over public sources get rows only from them (test_queries_issue14.py)
        assert len(embedded) > 0
    key = lambda r: tuple((v is None, repr(v)) for v in r)  # noqa: E731
    assert sorted(_rows(embedded), key=key) == sorted(_rows(server), key=key)
    if q.has_order_by:  # same order (ties may differ only in list columns, which are unordered)
        assert _rows(embedded, drop_lists=True) == _rows(server, drop_lists=True)
