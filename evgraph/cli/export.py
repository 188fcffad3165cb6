"""``evgraph export FORMAT``: write the graph in an interchange format.

The formats, their help and their options all come from :data:`evgraph.formats.WRITERS`; a
format registered there appears here with nothing else to change.
"""

from __future__ import annotations

from typing import Any

import click

from ..formats import WRITERS
from .app import graph_option, main, open_graph


def _format_help() -> str:
    lines = ["Write the graph in an interchange FORMAT.", "", "\b", "Formats:"]
    for w in WRITERS.values():
        summary = w.description.split(" (")[0].split(": ")[0].rstrip(".")
        lines.append(f"  {w.name:10s} {summary} (--out {w.target.upper()})")
    lines += ["", "A subgraph instead of the whole graph: --node (with --radius), --from/--to (paths) or --query.",
              "", "\b", "Examples:", "  evgraph export kgx --out kgx/", "  evgraph export rdf --out kg.ttl",
              "  evgraph export rdf --format nq --out kg.nq.gz", "  evgraph export neo4j-csv --out neo4j-import/",
              "  evgraph export graphml --node macrophage --radius 2 --out macrophage.graphml"]
    return "\n".join(lines)


def _writer_options(fn: Any) -> Any:
    """One click option per writer option (the union over formats; each says which format it belongs to)."""
    seen: dict[str, list[str]] = {}
    helps: dict[str, tuple[str, bool]] = {}
    for w in WRITERS.values():
        for opt in w.options:
            seen.setdefault(opt.name, []).append(w.name)
            helps.setdefault(opt.name, (opt.help, opt.flag))
    for name in reversed(list(seen)):
        text, flag = helps[name]
        dashed = name.replace("_", "-")
        decl = f"--{dashed}/--no-{dashed}" if flag else f"--{dashed}"
        fn = click.option(decl, name, default=None, help=f"[{', '.join(seen[name])}] {text}")(fn)
    return fn


def _select(kg, node, radius, source, target, metapath, k, query, params):
    """The whole graph, or the subgraph picked by --node, --from/--to or --query."""
    from ..errors import EvgraphError
    from ..formats import network

    chosen = [bool(node), bool(source or target), bool(query)]
    if sum(chosen) > 1:
        raise EvgraphError("pick one subgraph: --node, --from/--to or --query")
    if node:
        return network.ego_subgraph(kg, node, radius)
    if source or target:
        if not (source and target):
            raise EvgraphError("a paths subgraph needs both --from and --to")
        from ..analytics import paths

        found = paths(kg, source, target, [metapath] if metapath else None, k=k)
        if found.empty:
            raise EvgraphError(f"no path from {source} to {target}" + (f" for metapath {metapath}" if metapath else ""))
        return network.paths_subgraph(kg, found)
    if query:
        values = {}
        for item in params:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise EvgraphError(f"--param {item!r}: expected NAME=VALUE")
            values[key.strip()] = value
        from ..api import cypher

        return network.query_subgraph(kg, cypher(kg, query, **values))
    return kg


@main.command(help=_format_help())
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(WRITERS)))
@graph_option
@click.option("--out", required=True, type=click.Path(), help="File or folder to write (see the formats above).")
@click.option("--node", help="Only the neighbourhood of this node (CURIE or label).")
@click.option("--radius", type=click.IntRange(1, 6), default=1, show_default=True, help="Hops for --node.")
@click.option("--from", "source", help="Only the nodes and edges of the paths from this node ...")
@click.option("--to", "target", help="... to this node.")
@click.option("--metapath", help="Paths of this metapath only (with --from/--to).")
@click.option("-k", "k", type=click.IntRange(1, 500), default=10, show_default=True, help="Paths to keep.")
@click.option("--query", help="Only the nodes named in this named query's result (and the edges among them).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Parameter of --query.")
@_writer_options
def export(fmt: str, graph_dir: str, out: str, node: str | None, radius: int, source: str | None,
           target: str | None, metapath: str | None, k: int, query: str | None, params: tuple[str, ...],
           **options: Any) -> None:
    writer = WRITERS[fmt]
    given = {key: v for key, v in options.items() if v is not None}
    known = {o.name for o in writer.options}
    for key in sorted(set(given) - known):
        raise click.UsageError(f"--{key.replace('_', '-')} does not apply to 'export {fmt}'")
    kg = _select(open_graph(graph_dir), node, radius, source, target, metapath, k, query, params)
    whole = not (node or source or target or query)
    for path in writer.write(kg, out, **given):
        click.echo(f"wrote {path}" + ("" if whole else f" ({kg.num_nodes} nodes, {kg.num_edges} edges)"), err=True)
