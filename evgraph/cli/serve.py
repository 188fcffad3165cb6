"""``evgraph serve``: the local web app and JSON API over a built graph."""

from __future__ import annotations

import click

from .app import DEFAULT_GRAPH_DIR, graph_option, main, open_graph


def curated_graph():
    """The curated knowledge base, built once and kept as a built graph in ``$EVGRAPH_CACHE``
    (default ``~/.cache/evgraph``) ``/serve-curated/<digest>/``, the digest covering evgraph's
    version, the packaged ontology and curated data; later starts load it (lazily) instead of
    building. A cache that cannot be written is skipped (the graph is built every time)."""
    import hashlib
    import os
    from pathlib import Path

    from .. import __version__
    from ..api import build, save
    from ..schema import ontology_dir
    from ..store import is_built_graph, load_built

    h = hashlib.blake2b(digest_size=16)
    h.update(__version__.encode())
    data = Path(__file__).resolve().parent.parent / "data"
    for root in (ontology_dir(), data):
        for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    folder = Path(os.environ.get("EVGRAPH_CACHE") or Path.home() / ".cache" / "evgraph") / "serve-curated" / \
        h.hexdigest()
    if is_built_graph(folder):
        return load_built(folder), str(folder)
    click.echo(f"evgraph: no built graph in {DEFAULT_GRAPH_DIR}/; building the curated knowledge base "
               f"(kept in {folder} for the next start)", err=True)
    kg = build()
    try:
        save(kg, folder)
    except OSError as exc:
        click.echo(f"evgraph: could not keep the built curated KB ({exc}); it is rebuilt next time", err=True)
        return kg, None
    return kg, str(folder)


@main.command()
@graph_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. The default answers only this machine; another address exposes the app.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="TCP port; 0 lets the system pick a free one (the chosen port is printed).")
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
    sites and the graph is never changed; caches (the built curated KB when no graph is given,
    the query engine's database, permuted graphs) are kept beside the graph or in $EVGRAPH_CACHE.

    \b
    Examples:
      evgraph serve                                # curated KB (or evgraph-out/) on http://127.0.0.1:8000/
      evgraph serve --graph full/ --port 8080
      evgraph serve --port 0                       # a free port the system picks (printed)
      evgraph serve --neo4j --uri bolt://localhost:7687
    """
    import os
    import time

    from ..errors import EvgraphError
    from ..serve import bind, run
    from ..store import is_built_graph

    try:  # bind first: a port in use fails at once, and the chosen port is held while the graph loads
        sock = bind(host, port)
    except OSError as exc:
        raise EvgraphError(f"cannot listen on {host}:{port}: {os.strerror(exc.errno) if exc.errno else exc}") from exc
    port = sock.getsockname()[1]
    started = time.perf_counter()
    if graph_dir != DEFAULT_GRAPH_DIR or is_built_graph(graph_dir):
        kg, cache_dir = open_graph(graph_dir), graph_dir if is_built_graph(graph_dir) else None
    else:
        kg, cache_dir = curated_graph()
    click.echo(f"evgraph: serving {kg.num_nodes} nodes and {kg.num_edges} edges on http://{host}:{port}/ "
               f"(loaded in {time.perf_counter() - started:.1f} s; Ctrl-C stops)", err=True)
    run(kg, host=host, sock=sock, graph_dir=cache_dir,
        engine="neo4j" if use_neo4j else "embedded", neo4j_uri=uri, time_limit=time_limit)
