"""The Cypher query library and the embedded engine (no server needed).

Results are checked against reference implementations written with pandas over the graph
tables, not against stored outputs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import evgraph
from evgraph.model import split_list
from evgraph.query import QueryError, bind_params, embedded_engine, get_query, library, parse_query, run_query
from evgraph.query.embedded import DB_FILE, KEY_FILE, EmbeddedEngine
from evgraph.query.library import PARAM_TYPES, queries_dir, used_params

ROOT = Path(__file__).resolve().parent.parent
LIB = library()


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from evgraph.cli import main; sys.exit(main(obj={}))",
                           *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)


# ------------------------------------------------------------------ the library files
def test_library_has_at_least_15_documented_queries():
    assert len(LIB) >= 15
    assert sorted(p.stem for p in queries_dir().glob("*.cypher")) == sorted(LIB)


@pytest.mark.parametrize("name", sorted(LIB))
def test_header_is_complete_and_matches_the_cypher(name):
    q = LIB[name]
    assert q.description and q.columns
    assert all(p.type in PARAM_TYPES and p.doc for p in q.params)
    assert {p.name for p in q.params} == used_params(q.text), "declared parameters must be the ones used"


@pytest.mark.parametrize("name", sorted(LIB))
def test_every_query_runs_embedded_with_declared_columns(kg, name):
    df = run_query(kg, name)
    assert tuple(df.columns) == LIB[name].columns
    if "sources" not in LIB[name].notes:  # queries over public sources are tested in tests/test_queries_issue14.py
        assert len(df) > 0, f"{name} returns no rows with its defaults on the curated graph"


@pytest.mark.parametrize("name", sorted(LIB))
def test_every_query_runs_on_the_mini_graph(mini_kg, name):
    q = LIB[name]
    params = {p.name: "" for p in q.params if p.type == "node"}  # '' node: optional filters / no match
    try:
        df = run_query(mini_kg, q, params)
    except QueryError as exc:  # a required node that the mini graph lacks
        assert "no node" in str(exc) or "parameter" in str(exc)
        return
    assert tuple(df.columns) == q.columns


# ------------------------------------------------------------------ reference implementations
def _edges(kg, predicate=None) -> pd.DataFrame:
    e = kg.edges
    if predicate:
        e = e[e["predicate"] == predicate]
    return pd.DataFrame({"s": e["subject"].astype(str).to_numpy(), "o": e["object"].astype(str).to_numpy(),
                         "predicate": e["predicate"].astype(str).to_numpy(), "pubs": e["publications"].to_numpy(),
                         "species": e["species"].to_numpy(), "confidence": e["confidence"].to_numpy()})


def test_organs_sending_evs_to_matches_reference(kg):
    """Reference: a cell type stands for an organ only through a part_of edge of its own statement
    (or one of no statement); never through the part_of of another statement."""
    target = "UBERON:0000948"
    cls = dict(zip(kg.nodes["id"], kg.nodes["category"].astype(str), strict=True))
    e = kg.edges
    stmt = e["statement"].astype(str).replace("nan", "").to_numpy()

    def rows(predicate):
        m = (e["predicate"] == predicate).to_numpy()
        return zip(e["subject"].astype(str).to_numpy()[m], e["object"].astype(str).to_numpy()[m], stmt[m],
                   strict=True)

    organs_of: dict[tuple[str, str], set[str]] = {}  # (cell, statement) -> organs; statement "" = any
    for s, o, st in rows("part_of"):
        if cls[o] == "Organ":
            organs_of.setdefault((s, st), set()).add(o)

    def organs(node, st):
        return {node} if cls[node] == "Organ" else organs_of.get((node, st), set()) | organs_of.get((node, ""), set())

    reached: set[str] = set()
    for pred in ("homes_to", "taken_up_by"):
        for s, o, st in rows(pred):
            if target in organs(o, st):
                reached.add(s)
    evs_of: dict[str, set[str]] = {}
    for s, o, st in rows("releases"):
        if o in reached:
            for organ in organs(s, st):
                if organ != target:
                    evs_of.setdefault(organ, set()).add(o)
    expected = sorted(((-len(v), k, sorted(v)) for k, v in evs_of.items()))
    got = run_query(kg, "organs_sending_evs_to", {"target": target})
    assert [(-n, o, sorted(evs)) for o, n, evs in zip(got["organ_id"], got["n_ev_populations"],
                                                       got["ev_populations"], strict=True)] == expected
    assert set(got["organ_label"]) == {kg.label(o) for _, o, _ in expected}


def test_top_cargo_matches_reference(kg):
    carries = _edges(kg, "carries")
    carries["pubs"] = carries["pubs"].map(split_list)
    carries = carries[carries["pubs"].map(len) > 0]  # UNWIND of a missing list yields no row
    rows = []
    for cargo, group in carries.groupby("o"):
        pubs = {p for lst in group["pubs"] for p in lst}
        rows.append((-group["s"].nunique(), -len(pubs), cargo))
    expected = sorted(rows)[:7]
    got = run_query(kg, "top_cargo", {"limit": "7"})
    assert [(-a, -b, c) for a, b, c in zip(got["n_ev_populations"], got["n_publications"], got["cargo_id"],
                                            strict=True)] == expected
    mirna = run_query(kg, "top_cargo", {"cargo_class": "MicroRNA", "limit": 100})
    assert set(mirna["cargo_class"]) == {"MicroRNA"}


def test_publication_statements_matches_reference(kg):
    e = _edges(kg)
    pub = "PMID:28942920"
    hits = e[e["pubs"].map(lambda v: pub in split_list(v))].sort_values(["s", "predicate", "o"])
    got = run_query(kg, "publication_statements", {"publication": pub})
    assert list(zip(got["subject_id"], got["predicate"], got["object_id"], strict=True)) == \
        list(zip(hits["s"], hits["predicate"], hits["o"], strict=True))
    assert list(got["subject_label"]) == [kg.label(s) for s in hits["s"]]


def test_evidence_by_species_matches_reference(kg):
    e = _edges(kg)
    e["sp"] = e["species"].map(split_list)
    exploded = e.explode("sp").dropna(subset=["sp"])
    expected = exploded.groupby(["predicate", "sp"]).size().reset_index(name="n")
    got = run_query(kg, "evidence_by_species")
    assert list(zip(got["predicate"], got["species"], got["n_edges"], strict=True)) == \
        list(zip(expected["predicate"], expected["sp"], expected["n"], strict=True))


def test_edge_references_matches_reference(kg):
    s, o = "NCBIGene:351", "MONDO:0004975"
    e = kg.edges[(kg.edges["subject"] == s) & (kg.edges["object"] == o)]
    got = run_query(kg, "edge_references", {"subject": "APP", "object": "Alzheimer disease"})
    assert sorted(got["predicate"]) == sorted(e["predicate"].astype(str))
    assert sorted(map(sorted, got["publications"])) == sorted(sorted(split_list(p)) for p in e["publications"])
    only = run_query(kg, "edge_references", {"subject": s, "object": o, "predicate": "biomarker_for"})
    assert set(only["predicate"]) == {"biomarker_for"}
    assert len(only) == int((e["predicate"] == "biomarker_for").sum())


def test_node_parameters_accept_labels_and_synonyms(kg):
    by_id = run_query(kg, "organs_sending_evs_to", {"target": "UBERON:0000948"})
    by_label = run_query(kg, "organs_sending_evs_to", {"target": "Heart"})
    pd.testing.assert_frame_equal(by_id, by_label)


def test_kg_cypher_returns_a_dataframe(kg):
    df = evgraph.cypher(kg, "MATCH (c:Condition) WHERE c.condition_category = $cat RETURN count(*) AS n",
                        cat="metabolic")
    assert int(df["n"].iat[0]) == int((kg.nodes["condition_category"] == "metabolic").sum())
    counts = evgraph.cypher(kg, "MATCH ()-[r:CARRIES]->() RETURN count(r) AS n")
    assert int(counts["n"].iat[0]) == kg.counts()["edges"]["carries"]
    assert list(evgraph.cypher(kg, "top_cargo", limit=3).columns) == list(LIB["top_cargo"].columns)


def test_every_node_and_edge_reaches_the_embedded_database(kg):
    engine = embedded_engine(kg)
    for cls, n in kg.counts()["nodes"].items():
        assert int(engine.run(f"MATCH (n:{cls}) RETURN count(n) AS c")["c"].iat[0]) == n
    for rel, n in kg.counts()["edges"].items():
        t = kg.schema.relations[rel].neo4j_type
        assert int(engine.run(f"MATCH ()-[r:{t}]->() RETURN count(r) AS c")["c"].iat[0]) == n


# ------------------------------------------------------------------ cache
def test_cache_in_graph_folder_is_built_once_and_rebuilt_when_the_graph_changes(kg, mini_kg, tmp_path):
    folder = tmp_path / "g"
    evgraph.save(mini_kg, folder)
    first = EmbeddedEngine(evgraph.load(folder), folder)
    before = first.run("MATCH (n) RETURN count(n) AS c")
    first.close()
    db = folder / DB_FILE
    stamp = db.stat().st_mtime_ns
    again = EmbeddedEngine(evgraph.load(folder), folder)
    pd.testing.assert_frame_equal(again.run("MATCH (n) RETURN count(n) AS c"), before)
    again.close()
    assert db.stat().st_mtime_ns == stamp, "a cached database must be reused"
    assert (folder / KEY_FILE).is_file()
    evgraph.save(kg, folder)  # another graph in the same folder -> new key -> rebuild
    other = EmbeddedEngine(evgraph.load(folder), folder)
    assert int(other.run("MATCH (n) RETURN count(n) AS c")["c"].iat[0]) == kg.num_nodes
    other.close()
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []  # no temp leftovers


def test_builds_are_deterministic(kg):
    dump = ("MATCH (a)-[r]->(b) RETURN a.id AS a, r.id AS rid, r.predicate AS p, b.id AS b, r.publications AS pubs, "
            "r.confidence AS c ORDER BY rid")
    one, two = EmbeddedEngine(kg), EmbeddedEngine(kg)
    pd.testing.assert_frame_equal(one.run(dump), two.run(dump))
    assert len(one.run(dump)) == kg.num_edges


def test_cli_caches_in_built_graph(kg, tmp_path):
    folder = tmp_path / "built"
    evgraph.save(kg, folder)
    res = _cli("query", "top_cargo", "-p", "limit=3", "--graph", str(folder), "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert (folder / DB_FILE).is_file()
    lines = res.stdout.strip().splitlines()
    assert lines[0] == ",".join(LIB["top_cargo"].columns) and len(lines) == 4
    expected = run_query(kg, "top_cargo", {"limit": 3})
    assert [line.split(",")[0] for line in lines[1:]] == list(expected["cargo_id"])


# ------------------------------------------------------------------ bad input
def test_unknown_parameter_names_the_query(kg):
    with pytest.raises(QueryError, match=r"query top_cargo: unknown parameter 'bogus'"):
        run_query(kg, "top_cargo", {"bogus": "1"})


def test_bad_parameter_value(kg):
    with pytest.raises(QueryError, match=r"query top_cargo: parameter 'limit' \(int\): invalid value 'many'"):
        run_query(kg, "top_cargo", {"limit": "many"})


def test_unknown_node(kg):
    with pytest.raises(QueryError, match=r"query organs_sending_evs_to: parameter 'target': no node"):
        run_query(kg, "organs_sending_evs_to", {"target": "no such organ"})


def test_syntax_error_names_the_query(kg, tmp_path):
    bad = tmp_path / "broken.cypher"
    bad.write_text("MATCH (n:Organ RETURN n.id\n")
    with pytest.raises(QueryError, match=r"query broken \(.*broken.cypher\): syntax error"):
        run_query(kg, get_query(str(bad)))


def test_header_less_file_needs_every_parameter(kg, tmp_path):
    f = tmp_path / "mine.cypher"
    f.write_text("MATCH (o:Organ {id: $organ}) RETURN o.label AS label")
    q = get_query(str(f))
    with pytest.raises(QueryError, match="missing parameter 'organ'"):
        bind_params(q, {})
    assert run_query(kg, q, {"organ": "UBERON:0000948"})["label"].tolist() == ["heart"]


def test_bad_headers_name_file_line_and_field(tmp_path):
    with pytest.raises(QueryError, match=r"x.cypher:2: field 'param': unknown type 'date'"):
        parse_query("// name: x\n// param: when: date = \"2020\" -- d\n// description: d\n// columns: a\nRETURN 1 AS a",
                    str(tmp_path / "x.cypher"))
    with pytest.raises(QueryError, match=r"field 'columns': missing"):
        parse_query("// name: x\n// description: d\nRETURN 1 AS a", str(tmp_path / "x.cypher"))


@pytest.mark.parametrize("args, message", [
    (["query", "top_cargo", "-p", "nope=1"], "evgraph: error: query top_cargo: unknown parameter 'nope'"),
    (["query", "no_such_query"], "evgraph: error: no query named 'no_such_query'"),
    (["query", "top_cargo", "--neo4j", "bolt://127.0.0.1:1"], "evgraph: error: cannot connect to Neo4j at bolt://127.0.0.1:1"),
    (["neo4j", "load", "--uri", "bolt://127.0.0.1:1", "--no-progress"],
     "evgraph: error: cannot connect to Neo4j at bolt://127.0.0.1:1"),
    (["query", "top_cargo", "--neo4j", "http://127.0.0.1:1"], "evgraph: error: invalid Neo4j URI 'http://127.0.0.1:1'"),
])
def test_cli_errors_are_one_line_and_exit_1(args, message):
    res = _cli(*args)
    assert res.returncode == 1
    errors = [line for line in res.stderr.splitlines() if line.startswith("evgraph: error")]
    assert len(errors) == 1 and errors[0].startswith(message), res.stderr
    assert "Traceback" not in res.stderr


def test_cli_syntax_error_exit_1(tmp_path):
    bad = tmp_path / "oops.cypher"
    bad.write_text("MATCH (n RETURN n")
    res = _cli("query", str(bad))
    assert res.returncode == 1
    assert "evgraph: error: query oops (" in res.stderr and "syntax error" in res.stderr


def test_cli_list_and_show():
    res = _cli("query", "--list", "--format", "csv")
    assert res.returncode == 0
    assert set(LIB) <= {line.split(",")[0] for line in res.stdout.splitlines()[1:]}
    shown = _cli("query", "top_cargo", "--show")
    assert shown.stdout.startswith("// name: top_cargo")
