"""The paging convention: ``offset``/``limit`` on any ordered library query, Cypher and SPARQL."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from evgraph.cli import main
from evgraph.formats.rdf.sparql import run_sparql, sparql_library
from evgraph.query import QueryError, library, run_query

PAGEABLE = sorted(n for n, q in library().items()
                  if q.has_order_by and "limit" not in {p.name for p in q.params})


def _rows(df: pd.DataFrame) -> list[tuple]:
    return [tuple(tuple(v) if isinstance(v, list) else v for v in rec) for rec in df.itertuples(index=False)]


def test_every_unbounded_query_is_pageable():
    """top_cargo has its own limit; ev_population_profile returns one row (one EV population)."""
    assert set(library()) - set(PAGEABLE) == {"top_cargo", "ev_population_profile"}


@pytest.mark.parametrize("name", PAGEABLE)
def test_cypher_pages_concatenate_to_the_whole_result(kg, name):
    whole = run_query(kg, name)
    size = max(1, len(whole) // 3)
    pages = [run_query(kg, name, offset=o, limit=size) for o in range(0, len(whole) + size, size)]
    assert all(len(p) <= size for p in pages)
    assert [r for p in pages for r in _rows(p)] == _rows(whole)
    assert len(run_query(kg, name, offset=len(whole))) == 0


@pytest.mark.parametrize("name", [n for n in PAGEABLE if n in sparql_library()])
def test_sparql_pages_concatenate_to_the_whole_result(kg, name):
    whole = run_sparql(kg, name)
    size = max(1, len(whole) // 3)
    pages = [run_sparql(kg, name, offset=o, limit=size) for o in range(0, len(whole) + size, size)]
    assert [r for p in pages for r in _rows(p)] == _rows(whole)


def test_first_page_is_the_same_on_both_languages_when_the_order_is_total(kg):
    """organs_sending_evs_to orders by count, then organ id: a total order."""
    cy = run_query(kg, "organs_sending_evs_to", {"target": "liver"}, limit=2)
    sp = run_sparql(kg, "organs_sending_evs_to", {"target": "liver"}, limit=2)
    assert len(cy) == 2 and list(cy["organ_id"]) == list(sp["organ_id"])


def test_queries_that_cannot_be_paged_say_why(kg):
    with pytest.raises(QueryError, match="its own LIMIT"):
        run_query(kg, "top_cargo", limit=5)
    with pytest.raises(QueryError, match="not ordered"):
        run_query(kg, "MATCH (o:Organ) RETURN o.id AS id", limit=5)
    with pytest.raises(QueryError, match=">= 0"):
        run_query(kg, "cell_crosstalk", offset=-1)
    assert len(run_query(kg, "MATCH (o:Organ) RETURN o.id AS id")) > 5  # no paging asked: runs


def test_cli_limit_and_offset(kg):
    whole = run_query(kg, "cell_crosstalk")
    res = CliRunner().invoke(main, ["query", "cell_crosstalk", "--limit", "2", "--offset", "1", "--format", "csv"],
                             obj={})
    assert res.exit_code == 0, res.output
    lines = [x for x in res.output.strip().splitlines() if not x.startswith("evgraph:")]
    assert len(lines) == 3 and lines[1].startswith(f"{whole['source_id'].iat[1]},")
    res = CliRunner().invoke(main, ["sparql", "cell_crosstalk", "--limit", "2", "--format", "csv"], obj={})
    assert res.exit_code == 0, res.output
    assert len([x for x in res.output.strip().splitlines() if not x.startswith("evgraph:")]) == 3
    res = CliRunner().invoke(main, ["query", "top_cargo", "--limit", "2"], obj={})
    assert res.exit_code != 0 and "its own LIMIT" in res.output
