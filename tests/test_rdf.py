"""RDF export and import: IRIs, typing, reification, dataset header, round trips, bad input."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import curies
import pandas as pd
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, VOID

import evgraph
from evgraph.build.builder import GraphBuilder
from evgraph.cli import main
from evgraph.errors import DataError
from evgraph.formats.rdf import (
    BIOLINK,
    DATASET_IRI,
    FORMATS,
    ONTOLOGY_IRI,
    PROV,
    read_rdf,
    to_rdf_string,
    write_rdf,
)
from evgraph.model import split_list

#: an independent oracle for the IRIs: the curies library on the ontology's prefix declarations
_CONVERTER = curies.Converter([curies.Record(prefix=p.prefix, uri_prefix=p.uri_prefix)
                               for p in evgraph.get_schema().prefixes.values()])


def expand(curie: str) -> str:
    return _CONVERTER.expand(curie)


EV = rdflib.Namespace("https://w3id.org/evgraph/")
BL = rdflib.Namespace(BIOLINK)
OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
              "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


def _rdflib_graph(kg) -> rdflib.Graph:
    """The export parsed by rdflib (an independent parser)."""
    g = rdflib.Graph()
    g.parse(data=to_rdf_string(kg, "ttl"), format="turtle")
    return g


def _roundtrip(path: Path):
    b = GraphBuilder()
    b.add(read_rdf(path))
    return b.build()


def _nt_set(text: str) -> list[str]:
    return sorted(str(q.triple) for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES))


@pytest.fixture(scope="module")
def graph(kg) -> rdflib.Graph:
    return _rdflib_graph(kg)


@pytest.fixture(scope="module")
def kg_triples(kg) -> list[str]:
    """The curated graph's N-Triples, parsed strictly once for every round trip."""
    return _nt_set(to_rdf_string(kg, "nt"))


def test_nodes_have_standard_iris_classes_and_labels(kg, graph):
    assert (rdflib.URIRef("http://purl.obolibrary.org/obo/UBERON_0001013"), RDF.type, EV.Organ) in graph
    for rec in kg.nodes.astype(object).to_dict("records"):
        iri = rdflib.URIRef(expand(rec["id"]))  # the ontology's prefix declarations, via curies
        assert (iri, RDF.type, EV[str(rec["category"])]) in graph, rec["id"]
        assert (iri, DCTERMS.identifier, rdflib.Literal(rec["id"])) in graph
        if rec["label"]:
            assert set(graph.objects(iri, RDFS.label)) == {rdflib.Literal(rec["label"])}
    prefixes = {i.split(":")[0] for i in kg.nodes["id"]}
    assert {"NCBIGene", "mirbase", "REACT", "PMID", "DOI", "UBERON", "CL", "evgraph"} <= prefixes
    assert str(next(graph.subjects(DCTERMS.identifier, rdflib.Literal("NCBIGene:5468")))) == \
        "http://identifiers.org/ncbigene/5468"


def test_every_edge_is_a_direct_triple_and_a_reified_statement(kg, graph):
    statements = {}
    for st in graph.subjects(RDF.type, RDF.Statement):
        assert (st, RDF.type, BL.Association) in graph
        statements[str(graph.value(st, DCTERMS.identifier))] = st
    assert len(statements) == kg.num_edges
    for rec in kg.edge_records():
        s, o = rdflib.URIRef(expand(rec["subject"])), rdflib.URIRef(expand(rec["object"]))
        p = EV[str(rec["predicate"])]
        assert (s, p, o) in graph
        st = statements[rec["id"]]
        assert (graph.value(st, RDF.subject), graph.value(st, RDF.predicate), graph.value(st, RDF.object)) == (s, p, o)
        pubs = {str(x) for x in graph.objects(st, BL.publications)}
        assert pubs == {expand(x) for x in rec["publications"]}
        assert {str(x) for x in graph.objects(st, BL.species_context_qualifier)} == {expand(x) for x in rec["species"]}
        assert graph.value(st, BL.knowledge_level) == EV[str(rec["knowledge_level"])]
        assert str(graph.value(st, BL.primary_knowledge_source)) == expand(str(rec["primary_knowledge_source"]))
        assert float(graph.value(st, BL.has_confidence_score)) == rec["confidence"]
        if rec["direction"]:
            assert graph.value(st, BL.object_direction_qualifier) == EV[str(rec["direction"])]
        if rec["statement"]:
            assert str(graph.value(st, rdflib.URIRef(PROV + "wasDerivedFrom"))).endswith("/" + rec["statement"])


def test_dataset_header_references_ontology_version_and_licence(kg, graph):
    ds = rdflib.URIRef(DATASET_IRI)
    onto = rdflib.Graph().parse(evgraph.schema.ontology_path(), format="turtle")
    ont = rdflib.URIRef(ONTOLOGY_IRI)
    assert (ds, RDF.type, VOID.Dataset) in graph
    assert (ds, OWL.imports, ont) in graph
    assert graph.value(ds, DCTERMS.conformsTo) == onto.value(ont, OWL.versionIRI)
    assert graph.value(ds, DCTERMS.license) == onto.value(ont, DCTERMS.license)
    assert str(graph.value(ds, OWL.versionInfo)) == evgraph.__version__
    assert int(graph.value(ds, VOID.triples)) == len(graph)


def test_quad_formats_carry_the_ontology_in_its_own_graph(kg, graph):
    """Data in the default graph (queryable with or without default-graph-as-union), the
    ontology in its named graph."""
    ds = rdflib.Dataset()
    ds.parse(data=to_rdf_string(kg, "trig"), format="trig")
    names = {str(g.identifier) for g in ds.graphs()}
    assert ONTOLOGY_IRI in names and DATASET_IRI not in names
    onto = rdflib.Graph().parse(evgraph.schema.ontology_path(), format="turtle")
    assert isomorphic(ds.graph(rdflib.URIRef(ONTOLOGY_IRI)), onto)
    assert set(ds.default_graph) == set(graph)  # the same data as the Turtle export


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip_every_format(kg, kg_triples, tmp_path, fmt):
    path = write_rdf(kg, tmp_path / f"kg{FORMATS[fmt]}", fmt)
    list(ox.parse(path=str(path), format=OX_FORMATS[fmt]))  # strict parser accepts it
    parsed = rdflib.Dataset().parse(path, format=RDFLIB_FORMATS[fmt])  # and an independent one
    kg2 = _roundtrip(path)
    assert kg2.num_nodes == kg.num_nodes and kg2.num_edges == kg.num_edges
    # RDF -> graph -> RDF gives the same triples
    assert _nt_set(to_rdf_string(kg2, "nt")) == kg_triples
    if fmt == "ttl":
        g1 = rdflib.Graph()
        for t in parsed:  # the Turtle file as rdflib read it
            g1.add(t[:3])
        g2 = rdflib.Graph().parse(data=to_rdf_string(kg2, "ttl"), format="turtle")
        # no blank nodes in the data export: isomorphic graphs are equal sets of triples
        assert not any(isinstance(x, rdflib.BNode) for t in g1 for x in t)
        assert set(g1) == set(g2) and len(g1) == len(kg_triples)
    # and the graph survives: same node and edge tables (lists as sets)
    cols = ["id", "subject", "predicate", "object", "knowledge_level", "confidence", "statement", "direction"]
    a = kg.edges[cols].astype(str).sort_values("id").reset_index(drop=True)
    b = kg2.edges[cols].astype(str).sort_values("id").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    pubs1 = {r["id"]: set(r["publications"]) for r in kg.edge_records()}
    pubs2 = {r["id"]: set(r["publications"]) for r in kg2.edge_records()}
    assert pubs1 == pubs2


def test_gzip_and_determinism(mini_kg, tmp_path):
    a = write_rdf(mini_kg, tmp_path / "a.nt.gz")
    b = write_rdf(mini_kg, tmp_path / "b.nt")
    assert gzip.decompress(a.read_bytes()) == b.read_bytes()
    assert to_rdf_string(mini_kg, "ttl") == to_rdf_string(mini_kg, "ttl")
    assert to_rdf_string(mini_kg, "nt") == b.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["nt", "ttl", "nq", "trig"])
def test_output_does_not_depend_on_the_chunk_size(kg, kg_triples, fmt):
    from evgraph.formats.rdf import write_rdf_stream

    texts = []
    for chunk_size in (37, 100_000):  # many chunks (nodes, direct triples, statements) vs one
        buf = io.BytesIO()
        write_rdf_stream(kg, buf, fmt, chunk_size=chunk_size)
        texts.append(buf.getvalue())
    assert texts[0] == texts[1]
    quads = ox.parse(texts[0], format=OX_FORMATS[fmt])  # strict parser, then the data graph only
    triples = sorted(str(q.triple) for q in quads if str(q.graph_name) in ("DEFAULT", f"<{DATASET_IRI}>"))
    assert triples == kg_triples


def _nasty_graph():
    b = GraphBuilder()
    b.add_nodes(pd.DataFrame({
        "id": ["CL:0000235", "UBERON:0001013", "DOI:10.1000/a<b>\"c{d}|e^f`g\\h\u00e9\u4e2d"],
        "category": ["CellType", "Organ", "Publication"],
        "label": ['mac "rophage" <x> \\ \u00e9\u00e8 \u4e2d\nline2 \t tab', "adipose tissue", "weird doi"],
        "synonyms": ["a b|c>d", "", ""],
        "description": ["back\\slash and \r\n newline", "", ""],
    }), file="nasty")
    b.add_edges(pd.DataFrame({
        "id": ["my edge <1> \"q\" \u00e9", ""],
        "subject": ["CL:0000235", "CL:0000235"], "predicate": ["part_of", "part_of"],
        "object": ["UBERON:0001013", "UBERON:0001013"],
        "publications": ["DOI:10.1000/a<b>\"c{d}|e^f`g\\h\u00e9\u4e2d".replace("|", "%7C"), "PMID:1"],
        "species": ["NCBITaxon:9606", "NCBITaxon:10090"], "confidence": [0.5, 1e-05],
        "statement": ["S 1/\u00e9 <x>", ""], "evidence": ["quote \" and \\", ""],
    }), file="nasty")
    return b.build()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_unsafe_characters_never_make_an_invalid_iri(tmp_path, fmt):
    kg = _nasty_graph()
    path = write_rdf(kg, tmp_path / f"nasty{FORMATS[fmt]}", fmt)
    quads = list(ox.parse(path=str(path), format=OX_FORMATS[fmt]))  # strict: fails on an invalid IRI
    assert quads
    kg2 = _roundtrip(path)
    assert set(kg2.nodes["id"]) == set(kg.nodes["id"])
    assert kg2.node("CL:0000235")["label"] == kg.node("CL:0000235")["label"]
    assert kg2.node("CL:0000235")["description"] == kg.node("CL:0000235")["description"]
    assert sorted(kg2.edges["id"]) == sorted(kg.edges["id"])
    assert sorted(kg2.edges["statement"].astype(str)) == sorted(kg.edges["statement"].astype(str))
    assert sorted(split_list("|".join(kg2.edges["publications"]))) == \
        sorted(split_list("|".join(kg.edges["publications"])))
    assert _nt_set(to_rdf_string(kg2, "nt")) == _nt_set(to_rdf_string(kg, "nt"))


# ---------------------------------------------------------------------- bad input
GOOD_NODE = ('<http://purl.obolibrary.org/obo/CL_0000235> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
             '<https://w3id.org/evgraph/CellType> .\n')


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD_NODE + '<http://a/b> <http://a/c> "unterminated .\n', "cannot parse"),
    ('<http://purl.obolibrary.org/obo/CL_0000235> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
     '<https://w3id.org/evgraph/Spaceship> .\n', "unknown class <https://w3id.org/evgraph/Spaceship>"),
    (GOOD_NODE + '<http://purl.obolibrary.org/obo/CL_0000235> <https://w3id.org/evgraph/flies_to> '
     '<http://purl.obolibrary.org/obo/CL_0000235> .\n', "unknown predicate <https://w3id.org/evgraph/flies_to>"),
    ('<http://example.org/thing/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
     '<https://w3id.org/evgraph/CellType> .\n', "cannot map the IRI <http://example.org/thing/1> back"),
    (GOOD_NODE + '<http://purl.obolibrary.org/obo/CL_0000235> <https://w3id.org/evgraph/part_of> '
     '<http://purl.obolibrary.org/obo/UBERON_0001013> .\n', "missing reference"),
])
def test_bad_rdf_is_reported_with_the_triple(tmp_path, text, expected):
    path = tmp_path / "bad.nt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        _roundtrip(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--source", f"rdf={path}", "--out", str(out)], obj={})
    assert result.exit_code == 1
    assert expected in result.output
    assert not out.exists()  # no partial output


def test_cli_export_and_build_from_rdf(mini_kg, tmp_path):
    built = tmp_path / "g"
    evgraph.save(mini_kg, str(built))
    runner = CliRunner()
    res = runner.invoke(main, ["export", "rdf", "--graph", str(built), "--out", str(tmp_path / "kg.trig")], obj={})
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["build", "--source", f"rdf={tmp_path / 'kg.trig'}", "--out", str(tmp_path / "rt")],
                        obj={})
    assert res.exit_code == 0, res.output
    kg2 = evgraph.load(tmp_path / "rt")
    assert _nt_set(to_rdf_string(kg2, "nt")) == _nt_set(to_rdf_string(mini_kg, "nt"))
