"""``evgraph query`` (the Cypher library) and ``evgraph neo4j load``."""

from __future__ import annotations

import click

from ..errors import EvgraphError
from ..tabular import flatten_cells
from .app import emit, format_option, graph_option, main, open_graph


def _parse_params(items: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise EvgraphError(f"--param {item!r}: expected NAME=VALUE")
        out[key.strip()] = value
    return out


def _neo4j_options(fn):
    fn = click.option("--database", default=None, metavar="NAME",
                      help="Neo4j database (default: NEO4J_DATABASE, else the server's default).")(fn)
    return fn


def _embedded(graph_dir: str):
    """The embedded engine for --graph: cached in the folder when it is a built graph."""
    from ..query import embedded_engine
    from ..store import is_built_graph

    kg = open_graph(graph_dir)
    if is_built_graph(graph_dir):
        try:
            return kg, embedded_engine(kg, graph_dir)
        except OSError as exc:  # read-only folder: build in memory instead
            click.echo(f"evgraph: cannot cache the query database in {graph_dir}/ ({exc}); building it in memory",
                       err=True)
    return kg, embedded_engine(kg)


@main.command("query")
@click.argument("name_or_file", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter (repeatable); node parameters take an id or a label.")
@click.option("--neo4j", "neo4j_uri", default=None, metavar="URI", is_flag=False, flag_value="env",
              help="Run on a Neo4j server instead of the embedded engine (URI, or bare --neo4j for NEO4J_URI).")
@_neo4j_options
@click.option("--list", "list_queries", is_flag=True, help="List the library's queries and exit.")
@click.option("--show", is_flag=True, help="Print the query (header and Cypher) instead of running it.")
@graph_option
@format_option
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Write the result to this file.")
@click.option("--limit", type=click.IntRange(0), default=None, help="Return at most this many rows (one page).")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True,
              help="Skip this many rows of the ordered result first (the next page: --offset + --limit).")
def query_cmd(name_or_file: str | None, params: tuple[str, ...], neo4j_uri: str | None, database: str | None,
              list_queries: bool, show: bool, graph_dir: str, fmt: str, out: str | None, limit: int | None,
              offset: int) -> None:
    """Run a Cypher query from the library (by NAME) or a .cypher FILE.

    The embedded engine (no server) is the default; --neo4j runs the same query on a Neo4j
    server (settings from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE).

    \b
    Examples:
      evgraph query --list
      evgraph query organs_sending_evs_to --param target=heart
      evgraph query circulating_biomarkers -p condition="Alzheimer disease" --format csv
      evgraph query my_question.cypher -p organ=UBERON:0000948
      evgraph query top_cargo -p limit=5 --neo4j bolt://localhost:7687
      evgraph query cargo_in_biofluid --limit 100 --offset 200   # rows 201-300
    """
    import pandas as pd

    from ..query import bind_params, get_query, library, run_query

    if list_queries:
        rows = [{"name": q.name, "parameters": ", ".join(f"{p.name}={p.default!r}" for p in q.params),
                 "description": q.description} for q in library().values()]
        emit(pd.DataFrame(rows, columns=["name", "parameters", "description"]), fmt, out)
        return
    if not name_or_file:
        raise click.UsageError("give a query NAME or FILE (see 'evgraph query --list')")
    q = get_query(name_or_file)
    if show:
        click.echo(open(q.path, encoding="utf-8").read() if q.path else q.text)
        return
    values = _parse_params(params)
    bind_params(q, values)  # fail on bad parameters before loading anything
    q.page(offset, limit)  # and on a query that cannot be paged
    if neo4j_uri:
        from ..query.neo4j import Neo4jEngine

        with Neo4jEngine.from_env(None if neo4j_uri == "env" else neo4j_uri, database=database) as engine:
            result = run_query(None, q, values, engine=engine, offset=offset, limit=limit)
    else:
        kg, engine = _embedded(graph_dir)
        result = run_query(kg, q, values, engine=engine, offset=offset, limit=limit)
    emit(flatten_cells(result) if fmt != "json" else result, fmt, out)


@main.group("neo4j")
def neo4j_group() -> None:
    """Work with a Neo4j server (settings from NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE)."""


@neo4j_group.command("load")
@graph_option
@click.option("--uri", default=None, metavar="URI", help="Bolt/Neo4j URI (default: NEO4J_URI, else bolt://127.0.0.1:7687).")
@_neo4j_options
@click.option("--batch-size", default=10_000, show_default=True, type=click.IntRange(1, 1_000_000),
              help="Rows per write transaction.")
@click.option("--clear", is_flag=True, help="First delete every node with an evgraph label (and its relationships).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show a progress bar.")
def neo4j_load(graph_dir: str, uri: str | None, database: str | None, batch_size: int, clear: bool,
               progress: bool) -> None:
    """Write the graph into a Neo4j 5 database over Bolt.

    Creates a uniqueness constraint on id for every label and relationship type, then merges
    nodes and relationships in batches (UNWIND ... MERGE) in retried write transactions. Loading
    again changes nothing; an interrupted load, run again, ends with the same graph.

    \b
    Examples:
      evgraph neo4j load --uri bolt://localhost:7687
      NEO4J_URI=neo4j+s://xxxx.databases.neo4j.io NEO4J_PASSWORD=... evgraph neo4j load
    """
    from ..query.neo4j import Neo4jEngine, load_graph

    kg = open_graph(graph_dir)
    with Neo4jEngine.from_env(uri, database=database) as engine:
        report = load_graph(kg, engine, batch_size=batch_size, clear=clear, progress=progress)
    click.echo(f"loaded {report} into {engine.settings.uri} ({report.relationship_rate:,.0f} relationships/s)",
               err=True)
