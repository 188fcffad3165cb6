"""``evgraph sparql``: SPARQL on the RDF export, in memory."""

from __future__ import annotations

import click

from ..errors import EvgraphError
from .app import emit, format_option, graph_option, main, open_graph


@main.command("sparql")
@click.argument("query", metavar="NAME_OR_FILE", required=False)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter (repeatable); node parameters take a CURIE or a label.")
@graph_option
@click.option("--rdf", "rdf_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Query this RDF file instead of the export of --graph.")
@click.option("--list", "list_queries", is_flag=True, help="List the SPARQL queries of the library and exit.")
@click.option("--out", default=None, type=click.Path(dir_okay=False), help="Write the table to a file.")
@format_option
@click.option("--limit", type=click.IntRange(0), default=None, help="Return at most this many rows (one page).")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True,
              help="Skip this many rows of the ordered result first.")
def sparql(query: str | None, params: tuple[str, ...], graph_dir: str, rdf_file: str | None, list_queries: bool,
           out: str | None, fmt: str, limit: int | None, offset: int) -> None:
    """Run a SPARQL query (a library name, e.g. organs_sending_evs_to, or a .rq file) in memory on
    the RDF export of the graph; no server needed.

    \b
    Examples:
      evgraph sparql organs_sending_evs_to --param target=heart
      evgraph sparql my_query.rq --rdf kg.ttl --format csv
      evgraph sparql --list
    """
    import pandas as pd

    from ..formats.rdf.sparql import SparqlEngine, run_sparql, sparql_engine, sparql_library

    if list_queries:
        rows = [{"name": q.name, "params": ", ".join(f"{p.name}={p.default!r}" for p in q.params),
                 "description": q.description} for q in sparql_library().values()]
        emit(pd.DataFrame(rows), fmt, out)
        return
    if not query:
        raise EvgraphError("give a query name or .rq file (see 'evgraph sparql --list')")
    values = {}
    for spec in params:
        key, sep, value = spec.partition("=")
        if not sep or not key.strip():
            raise EvgraphError(f"--param '{spec}': expected KEY=VALUE")
        values[key.strip()] = value
    engine = SparqlEngine.from_file(rdf_file) if rdf_file else sparql_engine(open_graph(graph_dir))
    df = run_sparql(engine, query, values, offset=offset, limit=limit)
    for col in df.columns:
        if df[col].map(lambda v: isinstance(v, list)).any():
            df[col] = df[col].map(lambda v: "|".join(map(str, v)) if isinstance(v, list) else v) \
                if fmt != "json" else df[col]
    emit(df, fmt, out)
