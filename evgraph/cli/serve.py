"""``evgraph serve``: the local web app and JSON API over a built graph."""

from __future__ import annotations

import click

from .app import graph_option, main, open_graph


@main.command()
@graph_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. The default answers only this machine; another address exposes the app.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="TCP port.")
@click.option("--neo4j", "use_neo4j", is_flag=True,
              help="Run the named queries on Neo4j (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD) instead of the embedded "
                   "engine; load the graph there first with 'evgraph neo4j load'.")
@click.option("--uri", help="Neo4j Bolt URI (with --neo4j; default $NEO4J_URI).")
@click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=30.0, show_default=True,
              help="Seconds of work allowed per request (then 504).")
def serve(graph_dir: str, host: str, port: int, use_neo4j: bool, uri: str | None, time_limit: float) -> None:
    """Serve a read-only web app and JSON API over the graph (stop with Ctrl-C).

    Open http://HOST:PORT/ for search, node pages, the connectivity workflow (metapaths ->
    paths -> subgraph downloads), the named queries as forms and the views; the JSON API is
    under /api/v1/ (OpenAPI schema at /api/v1/openapi.json). Nothing is loaded from other
    sites and nothing is written.

    \b
    Examples:
      evgraph serve                                # curated KB (or evgraph-out/) on http://127.0.0.1:8000/
      evgraph serve --graph full/ --port 8080
      evgraph serve --neo4j --uri bolt://localhost:7687
    """
    import time

    from ..serve import run
    from ..store import is_built_graph

    started = time.perf_counter()
    kg = open_graph(graph_dir)
    click.echo(f"evgraph: serving {kg.num_nodes} nodes and {kg.num_edges} edges on http://{host}:{port}/ "
               f"(loaded in {time.perf_counter() - started:.1f} s; Ctrl-C stops)", err=True)
    run(kg, host=host, port=port, graph_dir=graph_dir if is_built_graph(graph_dir) else None,
        engine="neo4j" if use_neo4j else "embedded", neo4j_uri=uri, time_limit=time_limit)
