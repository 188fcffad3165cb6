"""CLI commands for a user's own EV data: ``overlay`` (cargo against a receiver) and ``origin``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..tabular import flatten_cells
from .app import emit, emit_records, format_option, graph_option, main, open_graph

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _note(text: str) -> None:
    click.echo(f"evgraph: {text}", err=True)


def report_mapping(table, what: str) -> None:
    total = len(table.report)
    _note(f"{what} {table.path}: {table.mapped} of {total} rows mapped to graph nodes")
    flagged = table.report[table.report["mapped_by"].str.contains("ortholog", na=False)]
    if len(flagged):
        _note(f"  {len(flagged)} mapped by name across species or case (ortholog assumed), e.g. line "
              f"{int(flagged['line'].iloc[0])} '{flagged['value'].iloc[0]}' -> {flagged['id'].iloc[0]}")
    for rec in table.unmapped[:10]:
        extra = f" ({', '.join(rec['candidates'][:3])})" if rec["candidates"] else ""
        _note(f"  line {rec['line']}: '{rec['value']}' {rec['reason']}{extra}")
    if len(table.unmapped) > 10:
        _note(f"  ... and {len(table.unmapped) - 10} more unmapped rows")


def _write(df: pd.DataFrame, fmt: str, out: str | None) -> None:
    if fmt != "json":
        from ..analytics.overlay import mechanism_text

        df = mechanism_text(df)
    if fmt == "json":
        emit_records(df, out)
    else:
        emit(flatten_cells(df), fmt, out)


@main.command("overlay")
@graph_option
@click.option("--cargo", "cargo_path", required=True, type=click.Path(dir_okay=False),
              help="TSV/CSV of EV cargo: gene symbol, NCBI Gene, UniProt, Ensembl or miRNA name; optional "
                   "log2fc, abundance, species columns.")
@click.option("--receiver", required=True,
              help="A gene list or DE table file (optional log2fc and q/padj columns), or a CellType/Organ "
                   "of the graph (its markers and tissue-enriched genes).")
@click.option("--q-max", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="DE table: receiver genes have q <= this.")
@click.option("--min-abs-log2fc", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="DE table: receiver genes have |log2fc| >= this.")
@click.option("--restart", type=click.FloatRange(0.05, 0.95), default=0.5, show_default=True,
              help="Restart probability of the personalised PageRank.")
@click.option("--top", type=click.IntRange(min=0), default=0, help="Rows to show (0 = all).")
@click.option("--with-origin", is_flag=True, help="Also print the cargo set's tissue of origin (to stderr as a table).")
@click.option("--view", "view_path", type=click.Path(dir_okay=False), default=None,
              help="Also write a cargo x target heatmap with the mechanisms as HTML.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the table to this file.")
@format_option
def overlay_cmd(graph_dir: str, cargo_path: str, receiver: str, q_max: float, min_abs_log2fc: float,
                restart: float, top: int, with_origin: bool, view_path: str | None, out: str | None,
                fmt: str) -> None:
    """Rank a lab's EV cargo by their regulatory activity on a receiver tissue or gene set.

    Regulatory potential is a personalised PageRank from each cargo over the graph's priors
    (miRTarBase, protein and ligand-receptor interactions, NicheNet/OmniPath when built);
    activity is its AUPR against the receiver genes minus the background rate (NicheNet /
    EV-Net style). Each row gives the top receiver targets, a receptor/signalling mechanism
    path with the source database of each hop, its sign, and the curated EV statements and
    public EV detections of the cargo.

    \b
    Examples:
      evgraph overlay --cargo my_ev_mirnas.tsv --receiver neurons_de.tsv
      evgraph overlay --cargo ev_proteome.tsv --receiver "Kupffer cell" --view overlay.html
    """
    from pathlib import Path

    from ..analytics.overlay import overlay
    from ..userdata import read_table, receiver_set

    kg = open_graph(graph_dir)
    cargo = read_table(cargo_path, kg, classes=("Gene", "MicroRNA", "RNA", "Lipid", "Metabolite"))
    report_mapping(cargo, "cargo")
    background = None
    if Path(receiver).is_file():
        rt = read_table(receiver, kg, classes=("Gene",))
        report_mapping(rt, "receiver")
        recv, background = receiver_set(rt, q_max=q_max, min_abs_log2fc=min_abs_log2fc)
        rec_arg: list[str] | str = recv
    else:
        rec_arg = receiver
    df = overlay(kg, cargo.frame, rec_arg, background=background or None, restart=restart, top=top or None)
    _note(f"receiver set: {df.attrs['receiver_size']} genes in a background of {df.attrs['background_size']}")
    if df.attrs["not_in_network"]:
        _note(f"{len(df.attrs['not_in_network'])} mapped cargo have no prior-network edge and are not ranked: "
              + ", ".join(df.attrs["not_in_network"][:10]))
    org = None
    if with_origin or view_path:
        from ..analytics.origin import tissue_of_origin
        from ..errors import EvgraphError

        try:
            org = tissue_of_origin(kg, cargo.frame["id"].tolist(), top=10)
        except EvgraphError as exc:
            _note(f"tissue of origin not available: {exc}")
        if with_origin and org is not None:
            note_origin(org)
            click.echo(flatten_cells(org).to_string(index=False), err=True)
    if view_path:
        from ..viz.overlay import write_overlay

        write_overlay(df, view_path, receiver=receiver if not Path(receiver).is_file() else Path(receiver).name,
                      origin=org)
        _note(f"wrote {view_path}")
    _write(df, fmt, out)


@main.command("origin")
@graph_option
@click.option("--cargo", "cargo_path", required=True, type=click.Path(dir_okay=False),
              help="TSV/CSV of circulating cargo (gene symbols, ids or miRNA names).")
@click.option("--class", "classes", default="Organ,CellType", show_default=True,
              help="Comma-separated candidate classes.")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True, help="Rows to show (0 = all).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write the table to this file.")
@format_option
def origin_cmd(graph_dir: str, cargo_path: str, classes: str, top: int, out: str | None, fmt: str) -> None:
    """Which organs and cell types could have released a set of circulating EV cargo?

    Two one-sided tests per candidate, BH-adjusted over candidates. Specific expression/markers
    (expressed_in, marker_of): hypergeometric, null: the cargo set is a random draw from the
    genes that evidence covers. EV-release detections (releases -> carries): hypergeometric
    stratified by detection frequency, null: a random draw from the cargo detected in any
    source's EVs keeping the set's number of cargo of each kind and detection count, so sources
    profiled more often do not win by their number of detections (expected_ev_release: the
    overlap this null expects; top_study: the one study whose EV profiles alone detected most of
    the overlap). Ranked by the smaller q; drivers name the overlapping cargo;
    q > 0.05 is not significant. A lead, not proof.

    \b
    Example:
      evgraph origin --cargo plasma_ev_proteins.tsv --top 10
    """
    from ..analytics.origin import tissue_of_origin
    from ..userdata import read_table

    kg = open_graph(graph_dir)
    cargo = read_table(cargo_path, kg, classes=("Gene", "MicroRNA", "RNA", "Lipid", "Metabolite"))
    report_mapping(cargo, "cargo")
    df = tissue_of_origin(kg, cargo.frame["id"].tolist(), classes=[c.strip() for c in classes.split(",") if c.strip()],
                          top=top or None)
    note_origin(df)
    _write(df, fmt, out)


def note_origin(df: pd.DataFrame) -> None:
    """The origin tests' coverage, nulls and significance, one line each, to stderr."""
    for name, info in df.attrs.items():
        if isinstance(info, dict) and "universe" in info:
            _note(f"{name}: {info['cargo_covered']} of the cargo covered, universe {info['universe']}; "
                  f"{info['null']}")
    n_sig = int(df.attrs.get("significant", 0))
    _note(f"{n_sig} candidates with q < 0.05" + ("" if n_sig else " (no origin is significant)"))
