"""Neo4j parity, with rows, for the two library queries over public sources.

On the curated graph they return nothing (their data is not curated), so ``test_neo4j.py`` can only
compare them as empty. Here a graph built from the curated KB and the public-source fixtures is
loaded into the real Neo4j test server, and the embedded engine, Neo4j and the SPARQL twin must give
the same non-empty rows, with the parameters that ``tests/test_sparql.py`` uses.
"""

from __future__ import annotations

import pytest
from test_neo4j import _rows

from evgraph.formats.rdf.sparql import run_sparql
from evgraph.query import run_query
from evgraph.query.neo4j import clear_graph, load_graph

pytestmark = pytest.mark.neo4j
CASES = [
    ("organs_expressing_cargo", {"cargo": "NCBIGene:929"}),
    ("organs_expressing_cargo", {"cargo": "NCBIGene:3630"}),
    ("ev_mirna_changes_in_condition", {}),
]


@pytest.fixture(scope="module")
def server(public_kg, neo4j_server):
    engine = neo4j_server
    clear_graph(public_kg, engine)
    load_graph(public_kg, engine, progress=False)
    yield engine
    clear_graph(public_kg, engine)


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_public_source_queries_have_rows_and_parity(public_kg, server, name, params):
    embedded = run_query(public_kg, name, params)
    neo = run_query(public_kg, name, params, engine=server)
    assert len(embedded) > 0
    key = lambda r: tuple((v is None, repr(v)) for v in r)  # noqa: E731
    assert sorted(_rows(embedded), key=key) == sorted(_rows(neo), key=key)
    assert _rows(embedded, drop_lists=True) == _rows(neo, drop_lists=True)  # same order
    twin = run_sparql(public_kg, name, params)
    assert sorted(_rows(twin), key=key) == sorted(_rows(embedded), key=key)
