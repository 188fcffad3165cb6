"""The N-Triples writer's Arrow path: the same bytes as the object-array path, valid for strict parsers.

N-Triples edge chunks are assembled by Arrow string kernels (``NTriplesWriter(arrow=True)``, the
default for N-Triples); Turtle keeps the object-array path, which can also spell N-Triples
(``arrow=False``). The two are independent implementations of the same text, so each test
compares them byte for byte, then parses the result with pyoxigraph (strict) and rdflib.
"""

from __future__ import annotations

import gzip
import io
import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
import pyoxigraph as ox
import pytest
import rdflib

import evgraph
from evgraph.build.builder import GraphBuilder
from evgraph.formats.rdf import to_rdf_string, write_rdf, write_rdf_stream
from evgraph.formats.rdf.writer import NTriplesWriter, _buffer, _text


def _texts(kg, chunk_size: int, plain: bool = True) -> tuple[str, str, int, int]:
    fast = NTriplesWriter(kg, chunk_size=chunk_size)
    slow = NTriplesWriter(kg, chunk_size=chunk_size, arrow=False)
    assert fast.arrow and not slow.arrow
    a, b = "".join(fast.chunks()), "".join(slow.chunks())
    assert fast._arrow["plain_ids"] is plain  # edge ids spelled by Arrow kernels, or the fallback
    return a, b, fast.count, slow.count


def _triples(data: bytes | str, fmt=ox.RdfFormat.N_TRIPLES) -> set[str]:
    data = data.encode() if isinstance(data, str) else data
    return {str(q.triple) for q in ox.parse(data, format=fmt)}


def _odd_graph():
    """Edge ids that need percent-encoding or escaping (the Arrow path's fallback), multi-valued
    cells with repeats and gaps, missing values, a double and a statement on some rows only."""
    b = GraphBuilder()
    b.add_nodes(pd.DataFrame({
        "id": ["CL:0000235", "UBERON:0001013", "UBERON:0000948", "PMID:1", "PMID:2"],
        "category": ["CellType", "Organ", "Organ", "Publication", "Publication"],
        "label": ['mac "rophage"\nx', "adipose tissue", "heart", "p1", "p2"],
        "synonyms": ["a|b|a", "", "c", "", ""],
    }), file="odd")
    b.add_edges(pd.DataFrame({
        "id": ['my edge <1> "q" \u00e9', "", "evgraph:Eplain", "back\\slash"],
        "subject": ["CL:0000235"] * 4, "predicate": ["part_of"] * 4,
        "object": ["UBERON:0001013", "UBERON:0001013", "UBERON:0000948", "UBERON:0000948"],
        "publications": ["PMID:1|PMID:2|PMID:1", "PMID:2||PMID:2", "PMID:2", "PMID:1"],
        "species": ["NCBITaxon:9606", "NCBITaxon:10090|NCBITaxon:9606", "", ""],
        "confidence": [0.5, 0.9, 1e-05, 0.25],
        "statement": ["S 1/\u00e9 <x>", "", "S2", ""], "evidence": ['quote " and \\', "", "", "e"],
    }), file="odd")
    return b.build()


@pytest.fixture(scope="module")
def reloaded(kg, tmp_path_factory):
    """The curated graph saved and opened lazily, as the ``evgraph export`` command sees it."""
    folder = tmp_path_factory.mktemp("built") / "graph"
    evgraph.save(kg, str(folder))
    return evgraph.load(str(folder))


@pytest.mark.parametrize("chunk_size", [7, 20_000])
def test_arrow_path_writes_the_same_bytes_on_the_curated_graph(kg, chunk_size):
    a, b, na, nb = _texts(kg, chunk_size)
    assert a == b
    assert na == nb == len(a.splitlines())  # void:triples counts every line
    assert f'"{na}"^^<http://www.w3.org/2001/XMLSchema#integer>' in a


@pytest.mark.parametrize("chunk_size", [1, 3, 20_000])
def test_arrow_path_writes_the_same_bytes_for_ids_that_need_encoding(chunk_size):
    kg = _odd_graph()
    a, b, na, nb = _texts(kg, chunk_size, plain=False)
    assert a == b and na == nb
    assert _triples(a) == _triples(to_rdf_string(kg, "ttl"), ox.RdfFormat.TURTLE)  # strict parser
    assert "%20" in a  # the id with spaces went through percent-encoding
    assert '"quote \\" and \\\\"' in a  # and the literal escaping


def test_arrow_path_on_a_lazily_opened_graph(kg, reloaded):
    assert not reloaded.is_loaded("edges")
    a, b, _, _ = _texts(reloaded, 50)
    assert a == b == "".join(NTriplesWriter(kg, chunk_size=50).chunks())
    assert not reloaded.is_loaded("edges")  # only the columns the export writes were read


def test_written_file_parses_with_pyoxigraph_and_rdflib(reloaded, tmp_path):
    path = write_rdf(reloaded, tmp_path / "kg.nt.gz")
    data = gzip.decompress(path.read_bytes())
    triples = _triples(data)
    assert triples == _triples(to_rdf_string(reloaded, "ttl"), ox.RdfFormat.TURTLE)
    g = rdflib.Graph()
    g.parse(data=data.decode(), format="nt")
    assert len(g) == len(triples)
    buf = io.BytesIO()
    write_rdf_stream(reloaded, buf, "nq")  # N-Quads: same data lines, then the ontology graph
    assert buf.getvalue().startswith(data[:1000])


def test_buffer_of_a_sliced_array_holds_only_its_rows():
    arr = pa.array(["ab", "c", None, "def", ""], type=pa.string())
    assert bytes(_buffer(arr.slice(1, 3))) == b"cdef"
    assert _text(arr.slice(3)) == "def"
    assert bytes(_buffer(arr.slice(2, 0))) == b""
    assert bytes(_buffer(pa.array([], type=pa.string()))) == b""


def test_arrow_path_refuses_turtle(kg):
    from evgraph.formats.rdf.mapping import turtle_prefixes
    from evgraph.formats.rdf.writer import Syntax

    with pytest.raises(ValueError, match="N-Triples only"):
        NTriplesWriter(kg, syntax=Syntax(prefixes=turtle_prefixes(kg.schema)), arrow=True)
    assert not np.any([NTriplesWriter(kg, syntax=Syntax(prefixes={})).arrow])


def test_ontology_facts_agree_with_rdflib():
    """The dataset header's facts, read with pyoxigraph, are what rdflib reads from the ontology."""
    from evgraph.formats.rdf.mapping import DCTERMS, OWL, ontology_facts
    from evgraph.schema import ONTOLOGY_IRI, ontology_path

    g = rdflib.Graph()
    g.parse(ontology_path(), format="turtle")
    ont = rdflib.URIRef(ONTOLOGY_IRI)
    expected = {key: str(g.value(ont, rdflib.URIRef(pred)) or "") for key, pred in (
        ("version_iri", OWL + "versionIRI"), ("version", OWL + "versionInfo"),
        ("license", DCTERMS + "license"), ("title", DCTERMS + "title"))}
    assert ontology_facts() == expected
    assert expected["version_iri"] and expected["license"]


def test_export_does_not_import_the_reader_or_rdflib(tmp_path):
    """``evgraph export rdf`` imports neither the RDF reader (and the build records) nor rdflib."""
    import subprocess
    import sys

    folder = tmp_path / "g"
    evgraph.save(_odd_graph(), str(folder))
    code = ("import sys; from evgraph.cli import main\n"
            f"try:\n    main(['export', 'rdf', '--graph', {str(folder)!r}, '--out', {str(tmp_path / 'kg.nt')!r}])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m == 'rdflib' or m.endswith('rdf.reader')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "EVGRAPH_PROGRESS": "off"})
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert _triples((tmp_path / "kg.nt").read_bytes())


def test_statement_chunks_stay_under_the_byte_budget(kg, monkeypatch):
    """However long an edge's text, a chunk of reified statements stays under MAX_CHUNK_BYTES
    (memory bounded, Arrow's 32-bit offsets safe); the text is the same."""
    from evgraph.formats.rdf import writer as W

    plain = "".join(NTriplesWriter(kg).chunks())
    w = NTriplesWriter(kg)
    size, biggest = w._row_bytes()
    blocks = [w.statement_blocks(lo, hi) for lo, hi in w._statement_ranges(w.chunk_size)]
    assert all(int(s) >= len(b.as_py().encode()) for s, b in zip(size, pa.concat_arrays(blocks), strict=True))
    budget = 4 * biggest  # a few edges per chunk
    monkeypatch.setattr(W, "MAX_CHUNK_BYTES", budget)
    w = NTriplesWriter(kg)
    ranges = list(w._statement_ranges(w.chunk_size))
    assert len(ranges) >= kg.num_edges // 10 and ranges[0][0] == 0 and ranges[-1][1] == kg.num_edges  # not one
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert all(len(_buffer(w.statement_blocks(lo, hi))) <= budget for lo, hi in ranges[:50])
    assert all(int(size[lo:hi].sum()) <= budget for lo, hi in ranges)
    assert "".join(NTriplesWriter(kg).chunks()) == plain
    assert w._row_bytes(bound=True)[1] >= biggest  # the cheap bound bounds the exact one


def test_a_graph_without_a_newer_field_exports_as_if_the_field_were_empty():
    """A graph built before an evidence field existed has no column for it: no triples, no error."""
    from evgraph.formats.rdf.mapping import EDGE_SLOTS
    from evgraph.model import KnowledgeGraph

    kg = _odd_graph()
    dropped = [s.column for s in EDGE_SLOTS[-4:]] + ["species"]  # the newest fields and a multi-valued one
    old = KnowledgeGraph(kg.nodes, kg.edges.drop(columns=dropped), kg.schema, kg.metadata)
    empty = kg.edges.copy()
    for c in dropped:
        empty[c] = None
    blank = KnowledgeGraph(kg.nodes, empty, kg.schema, kg.metadata)
    for arrow in (True, False):
        texts = ["".join(NTriplesWriter(g, arrow=arrow).chunks()) for g in (old, blank)]
        assert texts[0] == texts[1]
    assert "species_context_qualifier" not in to_rdf_string(old, "nt")
    assert "species_context_qualifier" in to_rdf_string(kg, "nt")
