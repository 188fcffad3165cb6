"""``evgraph viz`` (one interactive view as an offline HTML file) and ``evgraph atlas``."""

from __future__ import annotations

import click

from .app import HUB_MEASURES, VIEW_NAMES, graph_option, main, open_graph


@main.command()
@click.argument("view", type=VIEW_NAMES, default="overview")
@graph_option
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="HTML file to write (bodymap and sankey: .svg for the figure alone, or .html).")
@click.option("--node", help="ego: the centre node (CURIE or label).")
@click.option("--radius", type=click.IntRange(1, 6), default=1, show_default=True, help="ego: hops from the centre.")
@click.option("--from", "source", help="paths: source node (CURIE or label).")
@click.option("--to", "target", help="paths: target node (CURIE or label).")
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True, help="paths: how many paths.")
@click.option("--category", "categories", multiple=True, help="crosstalk: only these condition categories.")
@click.option("--cap", type=click.IntRange(1, 20000), default=2000, show_default=True,
              help="At most this many nodes (the best by hub score).")
@click.option("--size-by", type=HUB_MEASURES, default="degree",
              show_default=True, help="Hub measure that sizes the nodes.")
@click.option("--physics", is_flag=True, help="Let vis-network's physics move the nodes (slow for big views).")
def viz(view: str, graph_dir: str, out: str, node: str | None, radius: int, source: str | None, target: str | None,
        k: int, categories: tuple[str, ...], cap: int, size_by: str, physics: bool) -> None:
    """Write an interactive network VIEW as one self-contained HTML file (works offline).

    \b
    Views:
      overview   organ-to-organ EV traffic map (organs and cell types)
      graph      the whole graph, capped to the top --cap nodes by hub score
      ego        the neighbourhood of --node to --radius hops
      paths      the top -k propagation paths --from a node --to another
      crosstalk  condition categories and the cargo and pathways between them
      bodymap    organ-to-organ EV traffic on a human body outline (SVG; sign and evidence)
      sankey     organ-to-organ EV flows as a Sankey diagram (SVG)
    \b
    Examples:
      evgraph viz --out traffic.html
      evgraph viz ego --node macrophage --radius 2 --out macrophage.html
      evgraph viz paths --from "obesity disorder" --to "Alzheimer disease" --out paths.html
    """
    from ..errors import EvgraphError
    from ..viz import visualize

    if view == "ego" and not node:
        raise EvgraphError("the ego view needs a node (--node CURIE or label)")
    if view == "paths" and not (source and target):
        raise EvgraphError("the paths view needs --from and --to (CURIEs or labels)")
    kg = open_graph(graph_dir)
    if view in ("bodymap", "sankey"):
        figure = visualize(kg, view)
        click.echo(f"wrote {figure.write(out)} ({len(figure.flows)} organ-to-organ flows)", err=True)
        return
    options = {"size_by": size_by, "cap": cap}
    if view == "ego":
        options.update(node=node, radius=radius)
    elif view == "paths":
        options.update(source=source, target=target, k=k)
    elif view == "crosstalk":
        options.update(categories=list(categories) or None)
    result = visualize(kg, view, **options)
    result.physics = physics
    path = result.write(out)
    click.echo(f"wrote {path} ({result.num_nodes} nodes, {result.num_edges} edges)", err=True)


@main.command()
@click.option("--source", "sources", multiple=True, metavar="NAME=PATH",
              help="Build the graph from these sources (repeatable, as in 'evgraph build'). Default: curated.")
@click.option("--graph", "graph_dir", type=click.Path(file_okay=False),
              help="Use this built graph folder instead of building one.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write the atlas to.")
@click.option("--cap", type=click.IntRange(1, 20000), default=2000, show_default=True,
              help="Node limit of the big views.")
@click.option("--size-by", type=HUB_MEASURES, default="degree",
              show_default=True, help="Hub measure that sizes the nodes.")
@click.option("--top-hubs", type=click.IntRange(0, 500), default=20, show_default=True,
              help="Hub rows (each with its neighbourhood view).")
@click.option("-k", "k", type=click.IntRange(1, 50), default=5, show_default=True,
              help="Propagation paths per condition pair.")
@click.option("--permutations", type=click.IntRange(0, 10000), default=100, show_default=True,
              help="Permutations for the crosstalk p-values.")
@click.option("--no-exports", is_flag=True, help="Skip the KGX, RDF and Neo4j exports.")
@click.option("--cargo", "cargo_path", type=click.Path(dir_okay=False),
              help="Also place your EV cargo (TSV/CSV, as 'evgraph overlay --cargo'): overlay view, tissue of origin.")
@click.option("--receiver", default=None,
              help="With --cargo: a receiver gene list / DE table file, or a CellType/Organ of the graph.")
@click.option("--q-max", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="With a DE table as --receiver: receiver genes have q <= this.")
def atlas(sources: tuple[str, ...], graph_dir: str | None, out: str, cap: int, size_by: str, top_hubs: int, k: int,
          permutations: int, no_exports: bool, cargo_path: str | None, receiver: str | None, q_max: float) -> None:
    """Build the graph, run the analyses and write a browsable atlas folder (open OUT/index.html).

    The atlas holds the interactive views (EV traffic map, whole graph, crosstalk, propagation
    paths between condition categories, the neighbourhoods of the top hubs), sortable tables
    linking to them, and the KGX, RDF and Neo4j exports. Everything works offline.

    \b
    Examples:
      evgraph atlas --out atlas/
      evgraph atlas --source curated --source kgx=more/kgx --out atlas/
      evgraph atlas --graph full/ --cargo my_ev_mirnas.tsv --receiver neuron --out atlas/
    """
    from ..api import build
    from ..atlas import write_atlas
    from ..store import load_built

    if receiver and not cargo_path:
        raise click.UsageError("--receiver needs --cargo")
    kg = load_built(graph_dir) if graph_dir else build(list(sources) or None)
    cargo = recv = background = None
    if cargo_path:
        from pathlib import Path

        from ..userdata import read_table, receiver_set
        from .overlay import report_mapping

        table = read_table(cargo_path, kg, classes=("Gene", "MicroRNA", "RNA", "Lipid", "Metabolite"))
        report_mapping(table, "cargo")
        cargo = table.frame
        if receiver and Path(receiver).is_file():
            rt = read_table(receiver, kg, classes=("Gene",))
            report_mapping(rt, "receiver")
            recv, background = receiver_set(rt, q_max=q_max)
        elif receiver:
            recv = kg.resolve(receiver)
    index = write_atlas(kg, out, size_by=size_by, cap=cap, top_hubs=top_hubs, k=k, permutations=permutations,
                        exports=not no_exports, cargo=cargo, receiver=recv, background=background or None)
    click.echo(f"wrote the atlas of {kg.num_nodes} nodes and {kg.num_edges} edges: open {index}", err=True)
