"""The ``evgraph`` command line.

Conventions shared by every command: ``evgraph build`` writes a built graph to ``--out``
(default ``evgraph-out/``); every other command reads one from ``--graph`` (default
``evgraph-out/``; when it does not exist the curated knowledge base is built in memory),
writes files to ``--out`` and prints tables with ``--format table|csv|json``. Errors are one
line on stderr and a non-zero exit; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import click
import pandas as pd

from . import __version__
from .api import DEFAULT_GRAPH_DIR
from .errors import DataError, EvgraphError

FORMATS = click.Choice(["table", "csv", "json"])


class _Group(click.Group):
    """Turns evgraph errors into one clean line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EvgraphError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"evgraph: error: {exc}", err=True)
            if isinstance(exc, DataError) and len(exc.problems) > 1:
                for problem in exc.problems[1:20]:
                    click.echo(f"evgraph: error: {problem}", err=True)
                if len(exc.problems) > 20:
                    click.echo(f"evgraph: ... {len(exc.problems) - 20} more", err=True)
            ctx.exit(1)
        except (OSError, MemoryError) as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"evgraph: error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="evgraph")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """evgraph: a knowledge graph of systemic extracellular-vesicle (EV) traffic.

    \b
    Quick start:
      evgraph atlas --out atlas/     build, analyse and write a browsable atlas (open atlas/index.html)
      evgraph build                  build the curated knowledge base into evgraph-out/
      evgraph stats                  counts per class and relationship
      evgraph export kgx --out kgx/  KGX TSV for Biolink tools
      evgraph paths "obesity disorder" "Alzheimer disease"   ranked, referenced propagation paths
      evgraph query --list           the Cypher query library (no server needed)
    """
    ctx.ensure_object(dict)["debug"] = debug


# ---------------------------------------------------------------------- helpers
def graph_option(fn):
    return click.option("--graph", "graph_dir", default=DEFAULT_GRAPH_DIR, show_default=True,
                        type=click.Path(file_okay=False),
                        help="Built graph folder to read; if absent, the curated knowledge base is built.")(fn)


def format_option(fn):
    return click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
                        help="Output format for tables (json = array of records).")(fn)


def open_graph(graph_dir: str):
    """Load ``graph_dir`` if it is a built graph, else build the curated knowledge base."""
    from .api import build
    from .store import is_built_graph, load_built

    if is_built_graph(graph_dir):
        return load_built(graph_dir)
    if graph_dir != DEFAULT_GRAPH_DIR:
        raise EvgraphError(f"{graph_dir}: not a built graph (run 'evgraph build --out {graph_dir}')")
    click.echo(f"evgraph: no built graph in {graph_dir}/; using the curated knowledge base", err=True)
    return build()


def render(df: pd.DataFrame, fmt: str) -> str:
    """A table as text: aligned columns, CSV, or a JSON array of records."""
    if fmt == "json":
        return json.dumps(json.loads(df.to_json(orient="records", force_ascii=False)), indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        df.to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()
    if df.empty:
        return "(no rows)\n"
    return df.to_string(index=False) + "\n"


def emit(df: pd.DataFrame, fmt: str, out: str | None = None) -> None:
    """Print a table, or write it atomically to ``out``."""
    text = render(df, fmt)
    if out:
        from .atomic import atomic_open

        with atomic_open(out) as fh:
            fh.write(text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


def counts_frame(counts: dict[str, dict[str, int]]) -> pd.DataFrame:
    rows = [{"kind": "node", "type": k, "count": v} for k, v in counts["nodes"].items()]
    rows += [{"kind": "edge", "type": k, "count": v} for k, v in counts["edges"].items()]
    return pd.DataFrame(rows, columns=["kind", "type", "count"])


# ---------------------------------------------------------------------- commands
@main.command()
@click.option("--source", "sources", multiple=True, metavar="NAME=PATH",
              help="A source to build from (repeatable): curated, kgx=DIR, rdf=FILE, a public database "
                   "(vesiclepedia=DIR, exocarta=DIR, mirtarbase=FILE, reactome=GMT, ...; see 'evgraph sources') "
                   "or a sources.toml naming several. Default: curated.")
@click.option("--out", default=DEFAULT_GRAPH_DIR, show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the built graph (and build-report.json/.txt) to.")
@format_option
def build(sources: tuple[str, ...], out: str, fmt: str) -> None:
    """Build, validate and save a graph (default: the curated knowledge base).

    \b
    Examples:
      evgraph build
      evgraph build --source curated --source kgx=other/kgx --out merged/
      evgraph build --source curated --source vesiclepedia=data/ev_cargo \\
                    --source mirtarbase=hsa_MTI.csv.gz#support=all --out full/
      evgraph build --source sources.toml --out full/
    """
    from .api import build as build_graph
    from .qc import BuildReport

    report = BuildReport()
    kg = build_graph(list(sources) or None, report=report)
    kg.save(out)
    if any(s.name not in ("curated", "kgx", "rdf") for s in report.sources):  # a public-data import
        for path in report.write(out):
            click.echo(f"wrote {path}", err=True)
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
    from .api import build as build_graph
    from .builder import GraphBuilder

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
        from .shacl import check_kg

        check_kg(kg, progress=True)
    click.echo(f"valid: {kg.num_nodes} nodes, {kg.num_edges} edges conform to evgraph ontology "
               f"{kg.schema.version}")


@main.group()
def export() -> None:
    """Write the graph in an interchange format."""


@export.command("kgx")
@graph_option
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for nodes.tsv and edges.tsv.")
def export_kgx(graph_dir: str, out: str) -> None:
    """KGX TSV (nodes.tsv, edges.tsv) with Biolink categories, predicates and provenance."""
    from .formats.kgx import write_kgx

    kg = open_graph(graph_dir)
    for path in write_kgx(kg, out):
        click.echo(f"wrote {path}", err=True)


@main.command()
@format_option
def schema(fmt: str) -> None:
    """The relationship types of the ontology with their domains, ranges and Biolink predicates."""
    from .schema import get_schema

    s = get_schema()
    rows = [{"relationship": r.name, "domain": ",".join(sorted(r.domain)), "range": ",".join(sorted(r.range)),
             "biolink": r.biolink_predicate} for r in s.relations.values()]
    emit(pd.DataFrame(rows), fmt)


def _load_commands() -> None:
    from .commands import load_all

    load_all()


_load_commands()


def run() -> None:  # pragma: no cover - console entry point
    main(obj={})


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
