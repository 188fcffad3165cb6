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
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import click

from .._version import __version__
from ..errors import DataError, EvgraphError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Where ``evgraph build`` writes and every other command reads by default.
DEFAULT_GRAPH_DIR = "evgraph-out"
FORMATS = click.Choice(["table", "csv", "json"])


class RegistryChoice(click.Choice):
    """A :class:`click.Choice` whose values are read from a registry when first needed.

    The registry's module is imported only when a command's options are parsed or its help is
    shown, so ``evgraph --help`` stays fast and no list of values is kept twice.
    """

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load = load
        self._values: tuple[str, ...] | None = None
        self.case_sensitive = True

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        if self._values is None:
            self._values = tuple(self._load())
        return self._values

    @choices.setter
    def choices(self, value: Iterable[str]) -> None:
        self._values = tuple(value)


def view_names() -> tuple[str, ...]:
    from ..viz.names import VIEWS

    return VIEWS


def hub_measures() -> tuple[str, ...]:
    from ..analytics.centrality import MEASURES

    return MEASURES


VIEW_NAMES = RegistryChoice(view_names)
HUB_MEASURES = RegistryChoice(hub_measures)


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
        except EOFError as exc:  # a cut compressed file read past its end (click would print a bare "Aborted!")
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"evgraph: error: unexpected end of a compressed file, it looks truncated ({exc})", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="evgraph")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.option("--quiet", "-q", is_flag=True,
              help="No progress bars (they are shown only on a terminal anyway; EVGRAPH_PROGRESS=0/1 forces).")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool = False) -> None:
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
    if quiet:
        from ..progress import quiet as no_progress

        no_progress()
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
    from ..store import is_built_graph, load_built

    if is_built_graph(graph_dir):
        return load_built(graph_dir)  # lazy: a command reads only the columns it uses
    from ..api import build

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
        from ..formats.csvsafe import safe_frame

        buf = io.StringIO()
        safe_frame(df).to_csv(buf, index=False, lineterminator="\n")  # no formula reaches a spreadsheet
        return buf.getvalue()
    if df.empty:
        return "(no rows)\n"
    return df.to_string(index=False) + "\n"


def emit(df: pd.DataFrame, fmt: str, out: str | None = None) -> None:
    """Print a table, or write it atomically to ``out``."""
    emit_text(render(df, fmt), out)


def emit_records(df: pd.DataFrame, out: str | None = None) -> None:
    """Print the rows as a JSON array of records (nested lists and dicts kept), or write them to ``out``."""
    import json

    emit_text(json.dumps(df.to_dict("records"), indent=2, ensure_ascii=False, default=str) + "\n", out)


def emit_text(text: str, out: str | None = None) -> None:
    """Print ``text``, or write it atomically to ``out`` (and say so on stderr)."""
    if out:
        from ..atomic import atomic_open

        with atomic_open(out) as fh:
            fh.write(text)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


def counts_frame(counts: dict[str, dict[str, int]]) -> pd.DataFrame:
    import pandas as pd

    rows = [{"kind": "node", "type": k, "count": v} for k, v in counts["nodes"].items()]
    rows += [{"kind": "edge", "type": k, "count": v} for k, v in counts["edges"].items()]
    return pd.DataFrame(rows, columns=["kind", "type", "count"])
