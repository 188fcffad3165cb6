"""``evgraph export graphml|gexf|cytoscape``: the graph or a subgraph for Gephi, Cytoscape, yEd, networkx."""

from __future__ import annotations

import click

from .app import graph_option, open_graph
from .export import export


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
        return network.query_subgraph(kg, kg.cypher(query, **values))
    return kg


def _command(fmt: str, doc: str):
    @export.command(fmt, help=doc)
    @graph_option
    @click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
    @click.option("--node", help="Only the neighbourhood of this node (CURIE or label).")
    @click.option("--radius", type=click.IntRange(1, 6), default=1, show_default=True, help="Hops for --node.")
    @click.option("--from", "source", help="Only the nodes and edges of the paths from this node ...")
    @click.option("--to", "target", help="... to this node.")
    @click.option("--metapath", help="Paths of this metapath only (with --from/--to).")
    @click.option("-k", "k", type=click.IntRange(1, 500), default=10, show_default=True, help="Paths to keep.")
    @click.option("--query", help="Only the nodes named in this named query's result (and the edges among them).")
    @click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Parameter of --query.")
    def command(graph_dir, out, node, radius, source, target, metapath, k, query, params) -> None:
        from ..formats import network

        kg = _select(open_graph(graph_dir), node, radius, source, target, metapath, k, query, params)
        for path in network.WRITERS[fmt](kg, out):
            click.echo(f"wrote {path} ({kg.num_nodes} nodes, {kg.num_edges} edges)", err=True)

    return command


_LISTS = "List attributes (publications, species, xrefs, synonyms) are '|'-joined strings."
export_graphml = _command("graphml", "GraphML for Gephi, Cytoscape desktop, yEd, igraph or networkx. " + _LISTS)
export_gexf = _command("gexf", "GEXF 1.2 for Gephi. " + _LISTS)
export_cytoscape = _command("cytoscape", "Cytoscape.js JSON (elements with data); list attributes stay JSON arrays.")
