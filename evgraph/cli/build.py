"""``evgraph build``, ``stats``, ``validate`` and ``schema``: make a graph and check it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import DEFAULT_GRAPH_DIR, counts_frame, emit, format_option, graph_option, main, open_graph

if TYPE_CHECKING:  # pragma: no cover
    pass


@main.command()
@click.option("--source", "sources", multiple=True, metavar="NAME=PATH",
              help="A source to build from (repeatable): curated, kgx=DIR, rdf=FILE, a public database "
                   "(vesiclepedia=DIR, exocarta=DIR, mirtarbase=FILE, reactome=GMT, ...; see 'evgraph sources') "
                   "or a sources.toml naming several. Default: curated.")
@click.option("--out", default=DEFAULT_GRAPH_DIR, show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the built graph (and build-report.json/.txt) to.")
@click.option("--strict", is_flag=True,
              help="Stop at the first record a source cannot import (KGX: unknown class or prefix, no evgraph "
                   "relationship, ...) instead of skipping it and counting it in the build report.")
@click.option("--allow-empty", is_flag=True,
              help="Accept a source that imports nothing, or a table with a header and no data rows "
                   "(by default both stop the build: they usually mean a wrong or cut file).")
@format_option
def build(sources: tuple[str, ...], out: str, fmt: str, strict: bool = False, allow_empty: bool = False) -> None:
    """Build, validate and save a graph (default: the curated knowledge base).

    \b
    Examples:
      evgraph build
      evgraph build --source curated --source kgx=other/kgx --out merged/
      evgraph build --source curated --source vesiclepedia=data/ev_cargo \\
                    --source mirtarbase=hsa_MTI.csv.gz#support=all --out full/
      evgraph build --source sources.toml --out full/

    Bad input stops the build with one line naming file, line and field: a cut file, a source that
    imports nothing (--allow-empty accepts it), more damaged rows than the reader's threshold
    (NAME=PATH#max_bad=FRACTION raises it). Everything skipped is counted in build-report.txt.
    """
    from ..api import build as build_graph
    from ..api import save as save_graph
    from ..build.qc import BuildReport

    report = BuildReport()
    kg = build_graph(list(sources) or None, report=report, strict=strict, allow_empty=allow_empty)
    save_graph(kg, out, report=report)  # every build writes its report (what each source gave and skipped)
    click.echo(f"wrote {out}/build-report.txt", err=True)
    click.echo(f"built {kg.num_nodes} nodes and {kg.num_edges} edges into {out}/", err=True)
    emit(counts_frame(kg.counts()), fmt)


@main.command()
@graph_option
@format_option
def stats(graph_dir: str, fmt: str) -> None:
    """Counts of nodes per class and edges per relationship."""
    kg = open_graph(graph_dir)
    emit(counts_frame(kg.counts()), fmt)


@main.command()
@click.option("--source", "sources", multiple=True, metavar="NAME=PATH",
              help="Validate these sources instead of a built graph (repeatable).")
@graph_option
@click.option("--shacl", is_flag=True, help="Also validate the RDF export against ontology/shapes.ttl (pySHACL).")
def validate(sources: tuple[str, ...], graph_dir: str, shacl: bool = False) -> None:
    """Check a graph (or sources) against the ontology; exit 1 listing every problem.

    Checks classes, CURIE prefixes and patterns, relationship domains and ranges,
    enumerations (direction, knowledge level) and that every curated edge has a reference.
    """
    from ..api import build as build_graph
    from ..build.builder import GraphBuilder

    if sources:
        kg = build_graph(list(sources))
    else:
        kg = open_graph(graph_dir)
        # re-validate the stored tables through the same checks the sources go through
        builder = GraphBuilder()
        builder.add_nodes(kg.nodes.astype(object).where(kg.nodes.notna(), ""), file=f"{graph_dir}/nodes.parquet")
        builder.add_edges(kg.edges.astype(object).where(kg.edges.notna(), ""), file=f"{graph_dir}/edges.parquet")
        builder.build()
    if shacl:
        from ..formats.rdf.shacl import check_kg

        check_kg(kg, progress=True)
    click.echo(f"valid: {kg.num_nodes} nodes, {kg.num_edges} edges conform to evgraph ontology "
               f"{kg.schema.version}")


@main.command()
@format_option
def schema(fmt: str) -> None:
    """The relationship types of the ontology with their domains, ranges and Biolink predicates."""
    import pandas as pd

    from ..schema import get_schema

    s = get_schema()
    rows = [{"relationship": r.name, "domain": ",".join(sorted(r.domain)), "range": ",".join(sorted(r.range)),
             "biolink": r.biolink_predicate} for r in s.relations.values()]
    emit(pd.DataFrame(rows), fmt)
