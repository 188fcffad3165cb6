"""Test statistics as typed edge fields (issue 14): ``log2_fold_change``, ``q_value``, ``n_cases``,
``n_controls`` on the evmirna2 reader's ``abundance_changed_in`` edges, from the registry
(:mod:`evgraph.evidence`) to every export: KGX, Neo4j CSV and a real Neo4j server, the embedded
Cypher engine, RDF literals with xsd datatypes (read back), the OWL properties and the SHACL
shapes (pySHACL). Edges without the statistics keep the ids they had before the fields existed."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rdflib

import evgraph
from evgraph.build.builder import GraphBuilder
from evgraph.build.columns import edge_signatures, hex_ids
from evgraph.errors import ValidationError
from evgraph.evidence import BY_NAME, ID_WHEN_FILLED, STATISTIC_COLUMNS, decimals, number_text
from evgraph.query import run_query

SRC = Path(__file__).parent / "fixtures" / "sources"
EV = "https://w3id.org/evgraph/"
XSD = "http://www.w3.org/2001/XMLSchema#"
STATS = ("log2_fold_change", "q_value", "n_cases", "n_controls")


@pytest.fixture(scope="module")
def stats_kg(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("EVGRAPH_CACHE", str(tmp_path_factory.mktemp("cache")))
    try:
        yield evgraph.build(["curated", f"evmirna2={SRC / 'evmirna2'}"])
    finally:
        mp.undo()


def _abundance(kg) -> pd.DataFrame:
    e = kg.edges
    return e[e["predicate"].astype(str) == "abundance_changed_in"].assign(id=lambda d: d["id"].astype(str))


def test_registry_and_ontology_agree():
    assert STATISTIC_COLUMNS == STATS and set(STATS) <= set(ID_WHEN_FILLED)
    g = rdflib.Graph().parse(evgraph.schema.ontology_path())
    owl, rdfs, skos = rdflib.OWL, rdflib.RDFS, rdflib.SKOS
    for name in STATS:
        f = BY_NAME[name]
        prop = rdflib.URIRef(EV + name)
        assert (prop, rdflib.RDF.type, owl.DatatypeProperty) in g, name
        want = XSD + ("double" if f.kind == "float" else "integer")
        assert str(g.value(prop, rdfs.range)) == want, name
        exact = {str(o) for o in g.objects(prop, skos.exactMatch)}
        assert exact == ({"https://w3id.org/biolink/vocab/" + f.mapping.split(":")[1]} if f.mapping else set())
    assert BY_NAME["q_value"].mapping == "biolink:adjusted_p_value"


def test_reader_fills_the_fields_and_the_text_stays_readable(stats_kg):
    ab = _abundance(stats_kg)
    assert len(ab) > 0
    for rec in ab.to_dict("records"):
        lf, q = float(rec["log2_fold_change"]), float(rec["q_value"])
        assert number_text(lf) == rec["log2_fold_change"] and 0 <= q < 0.05
        m = re.search(r"log2FC=([-+][\d.]+); q=([\d.e-]+); .*cases=(\d+); controls=(\d+)", rec["evidence"])
        assert m and abs(float(m.group(1)) - lf) < 5e-4 and abs(float(m.group(2)) - q) <= 5e-3 * q
        assert (m.group(3), m.group(4)) == (rec["n_cases"], rec["n_controls"]) == ("4", "4")
        assert (lf > 0) == (rec["direction"] == "increased")
    other = stats_kg.edges[stats_kg.edges["predicate"].astype(str) != "abundance_changed_in"]
    for col in STATS:
        assert (other[col].astype(str) == "").all(), col


def test_edges_without_statistics_keep_their_ids(stats_kg):
    """An edge's id is the hash of its fields; the new columns take part only where filled."""
    e = stats_kg.edges
    ab = (e["predicate"].astype(str) == "abundance_changed_in").to_numpy()
    sig = edge_signatures(e)
    without = edge_signatures(e.drop(columns=list(STATS)))  # the signature as before the fields existed
    assert (sig[~ab] == without[~ab]).all() and (sig[ab] != without[ab]).all()
    generated = e["id"].astype(str).str.startswith("evgraph:E").to_numpy()
    assert (hex_ids(sig[generated]) == e["id"].astype(str).to_numpy()[generated]).all()
    # two edges differing only in a statistic are two edges
    two = _abundance(stats_kg).iloc[:1]
    assert len(set(edge_signatures(pd.concat([two, two.assign(q_value="0.001")], ignore_index=True)))) == 2


@pytest.mark.parametrize(("col", "value", "message"), [
    ("q_value", "1.5", "1.5 is outside [0, 1]"),
    ("q_value", "nan", "'nan' is not a decimal number"),
    ("log2_fold_change", "big", "'big' is not a decimal number"),
    ("n_cases", "0", "0 is outside [1, ]"),
    ("n_controls", "4.5", "'4.5' is not a whole number"),
])
def test_bad_values_are_one_line_errors(col, value, message):
    b = GraphBuilder()
    b.add_nodes(pd.DataFrame({"id": ["evmirna:hsa-miR-1-3p", "MONDO:0005180"], "category": ["MicroRNA", "Condition"],
                              "label": ["hsa-miR-1-3p", "Parkinson disease"]}), file="demo.tsv")
    b.add_edges(pd.DataFrame({"subject": ["evmirna:hsa-miR-1-3p"], "predicate": ["abundance_changed_in"],
                              "object": ["MONDO:0005180"], "publications": ["PMID:28942920"], "confidence": [0.6],
                              "knowledge_level": ["statistical_association"], col: [value]}), file="demo.tsv")
    with pytest.raises(ValidationError, match=rf"demo.tsv:1.*{col}.*{re.escape(message)}"):
        b.build()


def test_decimals_round_trip_exactly():
    x = np.random.default_rng(1).normal(size=200) * 10.0 ** np.arange(-100, 100)
    texts = pd.Series([number_text(v) for v in x], dtype="category")
    assert (decimals(texts) == x).all()


def test_kgx_columns_hold_the_numbers_and_read_back(stats_kg, tmp_path):
    from evgraph.formats.kgx import read_kgx, write_kgx

    write_kgx(stats_kg, tmp_path)
    rows = list(csv.DictReader((tmp_path / "edges.tsv").open(encoding="utf-8"), delimiter="\t"))
    ab = _abundance(stats_kg).set_index("id")
    got = [r for r in rows if r["evgraph_predicate"] == "abundance_changed_in"]
    assert len(got) == len(ab) and "q_value" not in rows[0]  # Biolink's slot name
    for r in got:
        edge = ab.loc[r["id"]]
        assert float(r["log2_fold_change"]) == float(edge["log2_fold_change"])
        assert float(r["adjusted_p_value"]) == float(edge["q_value"])
        assert int(r["n_cases"]) == 4 and int(r["n_controls"]) == 4
    assert all(r["adjusted_p_value"] == "" for r in rows if r["evgraph_predicate"] != "abundance_changed_in")
    b = GraphBuilder()
    b.add(read_kgx(tmp_path))
    back = _abundance(b.build()).set_index("id")
    for col in STATS:
        assert back.loc[ab.index, col].astype(str).tolist() == ab[col].astype(str).tolist(), col


def test_neo4j_csv_types_the_numbers(stats_kg, tmp_path):
    from evgraph.formats.neo4j_csv import write_neo4j_csv

    write_neo4j_csv(stats_kg, tmp_path)
    with (tmp_path / "relationships-ABUNDANCE_CHANGED_IN.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for col, typ in (("log2_fold_change", "double"), ("q_value", "double"), ("n_cases", "int"), ("n_controls", "int")):
        assert f"{col}:{typ}" in header
    ab = _abundance(stats_kg).set_index("id")
    i = {h.split(":")[0]: k for k, h in enumerate(header)}
    for r in rows[1:]:
        edge = ab.loc[r[i["id"]]]
        assert float(r[i["q_value"]]) == float(edge["q_value"]) and r[i["n_cases"]] == "4"
        assert float(r[i["log2_fold_change"]]) == float(edge["log2_fold_change"])


def test_embedded_cypher_returns_numbers(stats_kg):
    from evgraph.query import embedded_engine

    df = embedded_engine(stats_kg).run(
        "MATCH (m)-[a:ABUNDANCE_CHANGED_IN]->(c) RETURN a.id AS id, a.log2_fold_change AS lf, a.q_value AS q, "
        "a.n_cases AS nc, a.n_controls AS nk ORDER BY id")
    ab = _abundance(stats_kg).set_index("id")
    assert len(df) == len(ab)
    for rec in df.to_dict("records"):
        assert type(rec["lf"]) is float and type(rec["q"]) is float and type(rec["nc"]) is int
        edge = ab.loc[rec["id"]]
        assert rec["lf"] == float(edge["log2_fold_change"]) and rec["q"] == float(edge["q_value"])
        assert (rec["nc"], rec["nk"]) == (4, 4)
    # typed: numeric comparison in the engine
    n = embedded_engine(stats_kg).run("MATCH ()-[a:ABUNDANCE_CHANGED_IN]->() WHERE a.q_value < 0.01 "
                                      "RETURN count(a) AS n")
    assert int(n["n"].iat[0]) == int((decimals(ab["q_value"]) < 0.01).sum()) > 0


def test_rdf_literals_are_typed_read_back_and_conform(stats_kg, tmp_path):
    from evgraph.formats.rdf import read_rdf, to_rdf_string, write_rdf
    from evgraph.formats.rdf.shacl import validate_ntriples

    nt = to_rdf_string(stats_kg, "nt")
    ab = _abundance(stats_kg)
    for rec in ab.to_dict("records"):
        assert f'<{EV}q_value> "{float(rec["q_value"])!r}"^^<{XSD}double> .' in nt
        assert f'<{EV}log2_fold_change> "{float(rec["log2_fold_change"])!r}"^^<{XSD}double> .' in nt
    assert nt.count(f'<{EV}n_cases> "4"^^<{XSD}integer> .') == len(ab)
    assert nt.count(f"<{EV}q_value>") == len(ab)  # no empty literal on other edges
    # pySHACL, on the edges that carry the statistics (and a q-value out of range is caught)
    sub = evgraph.KnowledgeGraph(stats_kg.nodes, stats_kg.edges[stats_kg.edges["predicate"].astype(str).isin(
        ["abundance_changed_in"])].reset_index(drop=True), stats_kg.schema, stats_kg.metadata)
    sub_nt = to_rdf_string(sub, "nt")
    assert validate_ntriples(sub_nt) == []
    first_q = next(ln for ln in sub_nt.splitlines() if f"<{EV}q_value>" in ln)
    bad = sub_nt.replace(first_q, re.sub(r'"[^"]+"\^\^', '"1.5"^^', first_q))
    bad = bad.replace(f'<{EV}n_cases> "4"^^<{XSD}integer>', f'<{EV}n_cases> "four"', 1)
    found = "\n".join(map(str, validate_ntriples(bad)))
    assert "q_value" in found and "n_cases" in found
    # read back: same numbers, same ids
    path = tmp_path / "kg.ttl"
    write_rdf(stats_kg, path, "ttl")
    b = GraphBuilder()
    b.add(read_rdf(path))
    back = _abundance(b.build()).set_index("id")
    ref = ab.set_index("id")
    for col in STATS:
        assert (decimals(back.loc[ref.index, col]) == decimals(ref[col])).all(), col


def test_sparql_twin_gives_typed_numbers(stats_kg):
    from evgraph.formats.rdf.sparql import run_sparql

    cy = run_query(stats_kg, "ev_mirna_changes_in_condition")
    sp = run_sparql(stats_kg, "ev_mirna_changes_in_condition")
    assert len(cy) > 0 and list(cy.columns) == list(sp.columns)
    for a, b in zip(cy.sort_values(["mirna_id", "dataset"]).to_dict("records"),
                    sp.sort_values(["mirna_id", "dataset"]).to_dict("records"), strict=True):
        for col in STATS:
            assert a[col] == b[col] and type(a[col]) is type(b[col]), col


@pytest.mark.neo4j
def test_real_neo4j_stores_floats_and_ints(stats_kg, neo4j_server):
    from evgraph.query.neo4j import clear_graph, load_graph

    clear_graph(stats_kg, neo4j_server)
    try:
        load_graph(stats_kg, neo4j_server, progress=False)
        df = run_query(stats_kg, "ev_mirna_changes_in_condition", engine=neo4j_server)
        typed = neo4j_server.run(
            "MATCH ()-[a:ABUNDANCE_CHANGED_IN]->() RETURN a.id AS id, valueType(a.q_value) AS tq, "
            "valueType(a.log2_fold_change) AS tl, valueType(a.n_cases) AS tn, a.q_value AS q ORDER BY id")
    finally:
        clear_graph(stats_kg, neo4j_server)
    ab = _abundance(stats_kg).set_index("id")
    assert len(typed) == len(ab) and set(typed["tq"]) == set(typed["tl"]) == {"FLOAT NOT NULL"}
    assert set(typed["tn"]) == {"INTEGER NOT NULL"}
    assert [float(ab.loc[i, "q_value"]) for i in typed["id"]] == typed["q"].tolist()
    embedded = run_query(stats_kg, "ev_mirna_changes_in_condition")
    assert len(df) == len(embedded) > 0
    for col in STATS:
        assert sorted(df[col].tolist()) == sorted(embedded[col].tolist()), col


def test_numbers_do_not_depend_on_a_warm_cache(tmp_path, monkeypatch):
    """PyDESeq2 results read back from the cache are the exact doubles of a fresh run (same ids too)."""
    monkeypatch.setenv("EVGRAPH_CACHE", str(tmp_path / "cache"))
    cold = _abundance(evgraph.build([f"evmirna2={SRC / 'evmirna2'}"]))
    assert any((tmp_path / "cache" / "evmirna2-pydeseq2").iterdir())
    warm = _abundance(evgraph.build([f"evmirna2={SRC / 'evmirna2'}"]))
    cols = ["id", "subject", "object", *STATS]
    assert cold[cols].astype(str).values.tolist() == warm[cols].astype(str).values.tolist()


def test_a_graph_built_before_the_fields_exports(tmp_path):
    """A graph stored before these columns existed (no column at all) writes every format as if empty."""
    from evgraph.formats import WRITERS
    from evgraph.model import KnowledgeGraph

    kg = evgraph.load()
    old = KnowledgeGraph(kg.nodes, kg.edges.drop(columns=list(ID_WHEN_FILLED)), kg.schema, kg.metadata)
    for name, w in WRITERS.items():
        out = tmp_path / name
        paths = w.write(old, out if w.target == "folder" else out.with_suffix(".out"))
        assert paths, name
    header = (tmp_path / "kgx" / "edges.tsv").read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert "adjusted_p_value" in header and "ortholog_object" in header
    assert len(run_query(old, "ev_mirna_changes_in_condition")) == 0
