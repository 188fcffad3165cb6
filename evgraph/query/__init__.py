"""Cypher for evgraph: the query library, the embedded engine and the Neo4j client, loader and CSV export.

* :mod:`evgraph.query.library`: the named, documented queries in ``queries/*.cypher``;
* :mod:`evgraph.query.embedded`: the default engine, LadybugDB (embedded, no server), with the
  same labels and relationship types as Neo4j so one query text runs on both; its database is
  cached in a built-graph folder;
* :mod:`evgraph.query.neo4j`: a Neo4j 5 client and the Bolt loader;
* :mod:`evgraph.formats.neo4j_csv`: files for ``neo4j-admin database import``.

The Cypher subset both engines accept is described in ``queries/README.md``. Every list cell
of a result is returned sorted (``collect()`` order is unspecified in Cypher).

Run a library query (or any Cypher) on the embedded engine, no server needed:

>>> import evgraph
>>> from evgraph.query import run_query
>>> kg = evgraph.load()                                      # doctest: +SKIP
>>> run_query(kg, "organs_sending_evs_to", {"target": "heart"})  # doctest: +SKIP

or on a Neo4j server with ``engine=Neo4jEngine.from_env()`` (see :mod:`evgraph.query.neo4j`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .library import Param, Query, QueryError, bind_params, get_query, library, parse_query, queries_dir

if TYPE_CHECKING:
    from ..model import KnowledgeGraph

__all__ = [
    "Param",
    "Query",
    "QueryError",
    "bind_params",
    "embedded_engine",
    "get_query",
    "library",
    "parse_query",
    "prepare",
    "queries_dir",
    "run_query",
]


def embedded_engine(kg: KnowledgeGraph, graph_dir: str | None = None):
    """The embedded engine of ``kg``, kept on the graph so repeated queries reuse one database."""
    from .embedded import EmbeddedEngine

    key = ("evgraph.query", "embedded", str(graph_dir) if graph_dir else None)
    return kg.cached(key, lambda: EmbeddedEngine(kg, graph_dir))


def _as_query(query: str | Query) -> Query:
    """A Query from a library name, a ``.cypher`` path, Cypher text or a Query."""
    if isinstance(query, Query):
        return query
    text = query.strip()
    if ("\n" in text or " " in text) and not (text.endswith(".cypher") and "\n" not in text):
        if text.startswith("//"):
            return parse_query(text)
        return Query("<cypher>", "", (), (), text)
    return get_query(query)


def prepare(query: str | Query, params: dict[str, Any] | None, engine: Any) -> tuple[Query, dict[str, Any]]:
    """The query and its bound parameters, ``node`` parameters resolved to ids by ``engine``."""
    q = _as_query(query)
    values = bind_params(q, params)
    for p in q.params:
        if p.type == "node" and values.get(p.name):  # "" = no node (an optional filter)
            try:
                values[p.name] = engine.resolve(values[p.name])
            except QueryError as exc:
                raise QueryError(f"query {q.display}: parameter '{p.name}': {exc}") from None
    return q, values


def run_query(kg: KnowledgeGraph | None, query: str | Query, params: dict[str, Any] | None = None,
              engine: Any = None, *, offset: int = 0, limit: int | None = None) -> pd.DataFrame:
    """Run a library query, a ``.cypher`` file or Cypher text; a DataFrame of the result rows.

    ``engine`` is ``None``/``"embedded"`` (LadybugDB on ``kg``), ``"neo4j"`` (a server from the
    ``NEO4J_*`` environment variables) or an engine object (``EmbeddedEngine``, ``Neo4jEngine``).
    ``offset``/``limit`` return one page of an ordered result (:meth:`Query.page`).
    """
    if engine is None or engine == "embedded":
        if kg is None:
            raise QueryError("the embedded engine needs a graph")
        engine = embedded_engine(kg)
    elif engine == "neo4j":
        from .neo4j import Neo4jEngine

        engine = Neo4jEngine.from_env()
    elif isinstance(engine, str):
        raise QueryError(f"unknown engine '{engine}' (embedded or neo4j)")
    q, values = prepare(query, params, engine)
    q = q.page(offset, limit)
    return normalise(engine.run(q.text, values, name=q.display))


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Make results engine-independent: the items of every list cell sorted (``collect()`` order is
    unspecified in Cypher), missing values as ``None``.

    >>> normalise(pd.DataFrame({"a": [["b", "a"], None], "n": [1.0, float("nan")]})).to_dict("records")
    [{'a': ['a', 'b'], 'n': 1.0}, {'a': None, 'n': None}]
    """
    out = df.astype(object).where(df.notna(), None) if len(df) else df
    for col in out.columns:
        values = out[col].tolist()
        if any(isinstance(v, list) for v in values):
            out[col] = [_sorted(v) if isinstance(v, list) else v for v in values]
    return out


def _sorted(items: list) -> list:
    """``items`` in :func:`_sort_key` order; a list of only strings or only numbers (the usual
    ``collect()`` result, up to hundreds of thousands of items on a hub) sorts natively, without a key.

    >>> _sorted(["b", "a"]), _sorted([2, 1.5]), _sorted(["b", None, 1])
    (['a', 'b'], [1.5, 2], [None, 1, 'b'])
    """
    kinds = set(map(type, items))
    if kinds <= {str} or kinds <= {int, float}:
        return sorted(items)
    return sorted(items, key=_sort_key)


def _sort_key(value: Any) -> tuple[int, float, str]:
    if value is None:
        return (0, 0.0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, float(value), "")
    return (2, 0.0, str(value))
