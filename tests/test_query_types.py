"""Both Cypher engines return the same Python types: sums of integers are ``int``, not ``Decimal``.

LadybugDB sums INT64 values into INT128, which its Python API hands back as ``Decimal``; Neo4j's
driver returns ``int``. :func:`evgraph.query.embedded.plain_numbers` converts them, so a result
compares equal, type for type, on the embedded engine and on a real Neo4j server. One difference
is left: the sum of no rows (0 on Neo4j, NULL on LadybugDB), pinned by its own test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from evgraph.query import run_query
from evgraph.query.embedded import EmbeddedEngine, plain_numbers
from evgraph.query.neo4j import clear_graph, load_graph

#: the sum of no rows: 0 on Neo4j (as openCypher says), NULL on LadybugDB; not converted, because
#: a NULL of an INT128 column may also be a real NULL (a CASE without ELSE around a sum)
EMPTY_SUM = "MATCH (e:EVPopulation) WHERE e.id = 'no such id' RETURN sum(1) AS total"

#: aggregates over the graph (counts, sums of counts, nested in lists and maps) and literals
QUERIES = {
    "sum_of_counts": "MATCH (e:EVPopulation)-[:CARRIES]->(c) WITH e, count(c) AS k "
                     "RETURN sum(k) AS total, min(k) AS least, max(k) AS most",
    "sum_per_row": "MATCH (e:EVPopulation)-[:CARRIES]->(c) WITH e, count(c) AS k "
                   "RETURN e.id AS ev, sum(k) AS total ORDER BY ev",
    "nested": "MATCH (e:EVPopulation)-[:CARRIES]->(c) WITH e, count(c) AS k "
              "RETURN collect(k) AS ks, {total: sum(k)} AS summary",
    "sum_of_literals": "UNWIND [1, 2, 3] AS i RETURN sum(i) AS total, sum(i * 0.5) AS half, avg(i) AS mean",
    "arithmetic": "MATCH (e:EVPopulation)-[:CARRIES]->(c) WITH e, count(c) AS k "
                  "RETURN sum(k) * 2 AS twice, sum(k) / 2.0 AS halved",
}


def _typed(value):
    """A value with the type of every part spelled out (lists and maps item by item)."""
    if isinstance(value, list):
        return ("list", sorted((_typed(v) for v in value), key=repr))
    if isinstance(value, dict):
        return ("map", sorted((k, _typed(v)) for k, v in value.items()))
    return (type(value).__name__, value)


def _cells(df) -> list[list]:
    """Every cell as plain Python values (``tolist``: numpy scalars of a typed column become int or
    float; an object column keeps what the engine returned, e.g. a ``Decimal``), typed."""
    return [[_typed(v) for v in row] for row in zip(*(df[c].tolist() for c in df.columns), strict=True)]


def test_plain_numbers_converts_wide_integers_and_decimals():
    assert plain_numbers(Decimal("3")) == 3 and type(plain_numbers(Decimal("3"))) is int
    assert type(plain_numbers(Decimal("2.50"))) is float
    assert plain_numbers({"a": [Decimal("1"), None], "b": "x"}) == {"a": [1, None], "b": "x"}
    assert plain_numbers(True) is True and plain_numbers(1.5) == 1.5


def test_embedded_sums_are_int(mini_kg):
    engine = EmbeddedEngine(mini_kg)
    try:
        df = engine.run(QUERIES["sum_of_counts"])
        assert df["total"].dtype.kind == "i"  # an integer column, not objects holding Decimals
        total = df["total"].tolist()[0]
        assert type(total) is int
        assert total == sum(1 for p in mini_kg.edges["predicate"] if p == "carries")  # every CARRIES edge
        nested = engine.run(QUERIES["nested"])
        assert type(nested["summary"].iat[0]["total"]) is int
        assert all(type(k) is int for k in nested["ks"].iat[0])
    finally:
        engine.close()


@pytest.fixture(scope="module")
def loaded(mini_kg, neo4j_server):
    clear_graph(mini_kg, neo4j_server)
    load_graph(mini_kg, neo4j_server, progress=False)
    return neo4j_server


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_same_values_and_types_as_neo4j(mini_kg, loaded, name):
    embedded = run_query(mini_kg, QUERIES[name])
    server = run_query(mini_kg, QUERIES[name], engine=loaded)
    assert list(embedded.columns) == list(server.columns)
    assert len(server) > 0
    assert _cells(embedded) == _cells(server)


@pytest.mark.neo4j
def test_the_sum_of_no_rows_differs_between_the_engines(mini_kg, loaded):
    """A known difference, left as it is (see EMPTY_SUM): this test fails once LadybugDB returns 0."""
    assert run_query(mini_kg, EMPTY_SUM, engine=loaded)["total"].tolist() == [0]
    assert run_query(mini_kg, EMPTY_SUM)["total"].tolist() == [None]
