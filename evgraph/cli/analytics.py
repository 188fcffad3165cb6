"""CLI commands of the analytics: ``hubs``, ``paths``, ``crosstalk``, ``propagate``, ``robustness``."""

from __future__ import annotations

import click

from ..errors import EvgraphError
from ..tabular import flatten_cells
from .app import HUB_MEASURES, emit, emit_records, emit_text, format_option, graph_option, main, open_graph


def _out_option(fn):
    return click.option("--out", type=click.Path(dir_okay=False), default=None,
                        help="Write the table to this file (atomically) instead of stdout.")(fn)


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def _note(text: str) -> None:
    click.echo(f"evgraph: {text}", err=True)


def _cache_dir(graph_dir: str) -> str | None:
    """Where permuted graphs are cached (:func:`evgraph.analytics.permutation.cache_dir_for`)."""
    from ..analytics.permutation import cache_dir_for

    return cache_dir_for(graph_dir)


@main.command("hubs")
@graph_option
@click.option("--measure", "measures", default="degree,pagerank,betweenness,bridging", show_default=True,
              help="Comma-separated measures to compute: degree, pagerank, betweenness, bridging.")
@click.option("--rank-by", default=None,
              help="Column to rank by (default: pagerank_excess with the null, else the first measure).")
@click.option("--class", "classes", default=None,
              help="Comma-separated classes to list (Cargo = every cargo class), e.g. Cargo,Pathway,CellType,Organ.")
@click.option("--top", type=int, default=20, show_default=True, help="Rows to show (0 = all).")
@click.option("--null", "null", type=click.IntRange(0, None), default=20, show_default=True,
              help="Degree-preserving permuted graphs for PageRank z-scores (0 = none).")
@click.option("--include-vocabulary", is_flag=True,
              help="Keep vocabulary classes (vesicle types, uptake mechanisms, publications) and grouping terms.")
@click.option("--roles", is_flag=True,
              help="Sender / receiver / relay roles of organs and cell types on the EV traffic graph instead.")
@click.option("--pivots", type=int, default=None,
              help="Sampled betweenness/bridging with this many pivots (default: exact on graphs up to "
                   "5000 nodes, else 64).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the pivot sample and the null.")
@_out_option
@format_option
def hubs_cmd(graph_dir: str, measures: str, rank_by: str | None, classes: str | None, top: int, null: int,
             include_vocabulary: bool, roles: bool, pivots: int | None, seed: int, out: str | None,
             fmt: str) -> None:
    """Hub nodes, ranked by how much more central they are than their degree predicts.

    Degree, PageRank, betweenness and cross-category bridging on the graph without vocabulary
    nodes and grouping terms; PageRank is compared with degree-preserving permuted graphs
    (pagerank_z, pagerank_pct, pagerank_excess). Every row says why (explanation), which
    statements support it and which condition families it reaches.

    \b
    Examples:
      evgraph hubs --measure pagerank,betweenness --class Cargo --top 10
      evgraph hubs --roles
      evgraph hubs --measure bridging --null 0 --format csv --out hubs.csv
    """
    kg = open_graph(graph_dir)
    wanted = _csv(measures)
    if not roles and fmt == "csv" and null == 0 and wanted and (rank_by is None or rank_by in wanted):
        from ..analytics.hubtable import ARRAY_MEASURES

        if set(wanted) <= set(ARRAY_MEASURES):  # arrays only: the same CSV without pandas or SciPy
            from ..analytics.hubtable import hub_columns
            from ..formats.csvsafe import columns_csv

            cols = hub_columns(kg, wanted, rank_by=rank_by, classes=_csv(classes) or None,
                               exclude_classes=() if include_vocabulary else None,
                               exclude_grouping=not include_vocabulary, top=top or None)
            emit_text(columns_csv(cols), out)
            return
    from ..analytics import hubs
    from ..analytics.grouping import VOCABULARY_CLASSES
    from ..analytics.traffic import hub_roles

    if roles:
        df = hub_roles(kg, exclude_grouping=not include_vocabulary)
    else:
        df = hubs(kg, _csv(measures), rank_by=rank_by, classes=_csv(classes) or None, k=pivots, seed=seed,
                  null=null, null_seed=seed, exclude_classes=() if include_vocabulary else VOCABULARY_CLASSES,
                  exclude_grouping=not include_vocabulary, cache_dir=_cache_dir(graph_dir),
                  explain_top=top or None, top=top or None)  # only the rows printed are built and explained
        for name, info in df.attrs.items():
            if isinstance(info, dict):
                _note(f"{name}: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    df = df.head(top) if top else df
    if fmt == "table" and not roles:
        df = df[[c for c in ("rank", "id", "label", "class", "degree", "pagerank", "pagerank_z", "pagerank_pct",
                             "betweenness", "bridging", "condition_families", "explanation") if c in df.columns]]
    elif fmt == "table":
        df = df[["id", "label", "class", "role", "sends", "receives", "relay", "explanation"]]
    emit(flatten_cells(df) if fmt != "json" else df, fmt, out)


@main.command("paths")
@graph_option
@click.argument("source")
@click.argument("target")
@click.option("--metapath", "metapaths", multiple=True,
              help="Metapath to follow (repeatable), abbreviated (C<riEVcCGctC) or long "
                   "('Condition <-released_in- EVPopulation -carries-> Cargo ...'). Default: the built-in set.")
@click.option("--max-length", type=int, default=6, show_default=True, help="Longest metapath (hops).")
@click.option("--k", "k", type=int, default=20, show_default=True, help="Number of paths.")
@click.option("--species", default=None, help="Only edges observed in this NCBITaxon (or with no species).")
@click.option("--min-knowledge-level", default=None,
              help="Weakest knowledge level allowed: not_provided < prediction < statistical_association "
                   "< observation < logical_entailment < knowledge_assertion.")
@click.option("--rank-by", type=click.Choice(["evidence", "pdp"]), default="evidence", show_default=True,
              help="Rank by evidence (each statement's confidence once, a penalty per bridge) or by the "
                   "path's DWPC contribution.")
@click.option("--sign", type=click.Choice(["increases", "decreases", "unknown"]), default=None,
              help="Only paths with this net effect on the target.")
@click.option("--coherent", is_flag=True, help="Only coherent paths (no two studies bridged at a generic node).")
@click.option("--min-evidence", type=click.FloatRange(0.0, 1.0), default=None, help="Lowest evidence score kept.")
@click.option("--no-closure", is_flag=True, help="Do not roll the source and target up or down the ontology.")
@click.option("--include-grouping", is_flag=True,
              help="Allow junctions at vocabulary nodes and grouping terms (vesicle types, Reactome top-level "
                   "pathways, ontology roots).")
@_out_option
@format_option
def paths_cmd(graph_dir: str, source: str, target: str, metapaths: tuple[str, ...], max_length: int, k: int,
              species: str | None, min_knowledge_level: str | None, rank_by: str, sign: str | None,
              coherent: bool, min_evidence: float | None, no_closure: bool, include_grouping: bool,
              out: str | None, fmt: str) -> None:
    """Propagation paths from SOURCE to TARGET (CURIEs or labels) along biological metapaths.

    Each path has a sign (net effect on the target: increases, decreases, unknown), a coherence
    (single_statement, linked, or bridged = a HYPOTHESIS splicing two studies at a generic node),
    the statements behind it, an evidence score and its DWPC (damping 0.4). Roll-up hops
    (ontology closure) are drawn =subclass_of*=>. With --format json every record lists its
    hops with their references, species and statements.

    \b
    Examples:
      evgraph paths "obesity disorder" "Alzheimer disease"
      evgraph paths "diabetes mellitus" "diabetic kidney disease" --sign decreases --coherent
      evgraph paths MONDO:0005148 MONDO:0004975 --metapath C<riEVcCGctC --k 5 --format json
    """
    from ..analytics import paths

    kg = open_graph(graph_dir)
    df = paths(kg, source, target, list(metapaths) or None, max_length=max_length, k=k, species=species,
               min_knowledge_level=min_knowledge_level, rank_by=rank_by, sign=sign, coherent=coherent,
               min_evidence=min_evidence, closure=not no_closure, exclude_grouping=not include_grouping,
               exclude_vocabulary=not include_grouping)
    if df.empty:
        _note(f"no path from {source} to {target} passes the filters")
    elif df["hypothesis"].any():
        _note(f"{int(df['hypothesis'].sum())} of {len(df)} paths are hypotheses: they bridge two studies at a "
              "generic node (coherence = bridged)")
    if df.attrs.get("truncated_metapaths"):
        _note("too many paths to count, best ones listed (no dwpc/n_paths): "
              + ", ".join(df.attrs["truncated_metapaths"]))
    if df.attrs.get("skipped_metapaths"):
        _note("skipped (too many partial paths): " + ", ".join(df.attrs["skipped_metapaths"]))
    if fmt == "json":
        emit_records(df, out)
        return
    table = df.drop(columns=["hops"]).copy()
    if fmt == "table":
        table = table[["rank", "metapath", "sign", "coherence", "evidence", "statements", "dwpc", "path",
                       "references"]]
    emit(flatten_cells(table), fmt, out)


@main.command("connectivity")
@graph_option
@click.argument("source")
@click.argument("target")
@click.option("--max-length", type=click.IntRange(1, 6), default=4, show_default=True,
              help="Longest metapath tested (hops).")
@click.option("--metapath", "metapaths", multiple=True, help="Test only these metapaths (repeatable).")
@click.option("--permutations", type=click.IntRange(1, None), default=200, show_default=True,
              help="Degree-preserving permuted graphs for the null (cached beside a built graph).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the permutations and degree groups.")
@click.option("--group-size", type=click.IntRange(1, None), default=10, show_default=True,
              help="Sources of the same degree sampled per degree group in the null (targets: all).")
@click.option("--top-paths", type=int, default=3, show_default=True, help="Paths listed per significant metapath.")
@click.option("--alpha", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="q-value threshold for 'significant'.")
@click.option("--all", "all_metapaths", is_flag=True, help="List every metapath tested, also those without paths.")
@click.option("--species", default=None, help="Only edges observed in this NCBITaxon (or with no species).")
@click.option("--no-closure", "no_closure", is_flag=True,
              help="Test the two nodes only, not also their ontology relatives (the roll-up pairs, via_closure).")
@_out_option
@format_option
def connectivity_cmd(graph_dir: str, source: str, target: str, max_length: int, metapaths: tuple[str, ...],
                     permutations: int, seed: int, group_size: int, top_paths: int, alpha: float,
                     all_metapaths: bool, species: str | None, no_closure: bool, out: str | None, fmt: str) -> None:
    """Connectivity search: which metapaths join SOURCE and TARGET more than their degrees predict.

    Every metapath between the two nodes' classes up to --max-length hops gets its path count,
    DWPC, a p-value against pairs of the same end degrees in degree-preserving permuted graphs
    (a gamma-hurdle fit; the null is cached per metapath and degree, so later pairs are
    look-ups), a Bonferroni adjusted_p per
    length and a Benjamini-Hochberg q_value; significant metapaths list their top paths with
    sign, coherence (bridged = HYPOTHESIS) and references. With the ontology roll-up (default;
    --no-closure turns it off) the two nodes' broader and narrower terms are tested too, as extra
    node pairs (via_closure), and count in the corrections. See the README's statistics section.

    \b
    Examples:
      evgraph connectivity "obesity disorder" "Alzheimer disease"
      evgraph connectivity MONDO:0011122 MONDO:0005311 --max-length 3 --format json
    """
    from ..analytics import connectivity

    kg = open_graph(graph_dir)
    df = connectivity(kg, source, target, max_length=max_length, metapaths=list(metapaths) or None,
                      permutations=permutations, seed=seed, cache_dir=_cache_dir(graph_dir), group_size=group_size,
                      top_paths=top_paths, alpha=alpha, all_metapaths=all_metapaths, species=species,
                      closure=not no_closure)
    _note(df.attrs["summary"] + f"; null: {permutations} permuted graphs, seed {seed}")
    if fmt == "json":
        emit_records(df, out)
        return
    table = df.drop(columns=["top_paths"]).copy()
    table["top_path"] = [recs[0]["path"] if recs else "" for recs in df["top_paths"]]
    if fmt == "table":
        table = table[["metapath", "length", "source_id", "target_id", "via_closure", "path_count", "dwpc", "p_value",
                       "p_method", "adjusted_p", "q_value", "significant", "path_score", "top_path"]]
    emit(flatten_cells(table), fmt, out)


@main.command("crosstalk")
@graph_option
@click.option("--metapath", "metapaths", multiple=True,
              help="Condition-to-condition metapath (repeatable). Default: every one through an EV population "
                   "up to --max-length (the connectivity set).")
@click.option("--max-length", type=click.IntRange(1, 6), default=3, show_default=True,
              help="Longest default metapath (hops).")
@click.option("--permutations", type=click.IntRange(0, None), default=200, show_default=True,
              help="Degree-preserving permuted graphs for the p-values (0 = none; cached beside a built graph).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the permutations.")
@click.option("--level", type=click.Choice(["category", "condition", "matrix"]), default="category",
              show_default=True, help="Table of category pairs, of condition pairs, or the category matrix.")
@click.option("--top", type=int, default=0, help="Rows to show (0 = all).")
@click.option("--species", default=None, help="Only edges observed in this NCBITaxon (or with no species).")
@click.option("--pair-tests", type=int, default=10_000, show_default=True,
              help="Highest-scoring condition pairs listed and tested (--level condition).")
@_out_option
@format_option
def crosstalk_cmd(graph_dir: str, metapaths: tuple[str, ...], max_length: int, permutations: int, seed: int,
                  level: str, top: int, species: str | None, pair_tests: int, out: str | None, fmt: str) -> None:
    """Crosstalk between condition categories and conditions, with p- and q-values.

    Rows are sorted by q_value; the note column says when routes exist but are not more than
    expected from node degrees; routes_increases / routes_decreases count harmful and
    protective routes of the best condition pairs.

    \b
    Examples:
      evgraph crosstalk
      evgraph crosstalk --level matrix
      evgraph crosstalk --level condition --top 20 --format csv
    """
    from ..analytics import crosstalk

    kg = open_graph(graph_dir)
    res = crosstalk(kg, list(metapaths) or None, permutations=permutations, seed=seed, species=species,
                    pair_tests=pair_tests, max_length=max_length, cache_dir=_cache_dir(graph_dir))
    _note(f"{len(res.info['metapaths'])} metapaths; permutations={permutations}, seed={seed}")
    if level == "matrix":
        df = res.matrix.reset_index().rename(columns={"index": "category"})
    elif level == "condition":
        df = res.conditions.sort_values(["q_value", "score"], ascending=[True, False], kind="stable")
    else:
        df = res.table.sort_values(["q_value", "score", "category_a", "category_b"],
                                   ascending=[True, False, True, True], kind="stable")
    emit(df.head(top) if top else df, fmt, out)


@main.command("propagate")
@graph_option
@click.argument("seeds", nargs=-1, required=True)
@click.option("--restart", type=float, default=0.15, show_default=True, help="Restart probability of the walk.")
@click.option("--class", "classes", default=None, help="Comma-separated classes to list (Cargo = all cargo).")
@click.option("--top", type=int, default=20, show_default=True, help="Rows to show (0 = all).")
@_out_option
@format_option
def propagate_cmd(graph_dir: str, seeds: tuple[str, ...], restart: float, classes: str | None, top: int,
                  out: str | None, fmt: str) -> None:
    """What SEEDS reach: random walk with restart (personalized PageRank), ranked by class.

    \b
    Examples:
      evgraph propagate "obesity disorder" --class Condition,Pathway
      evgraph propagate UBERON:0001013 CL:0000235 --top 50 --format csv
    """
    from ..analytics import propagate

    kg = open_graph(graph_dir)
    df = propagate(kg, list(seeds), restart=restart, classes=_csv(classes) or None)
    emit(df.head(top) if top else df, fmt, out)


@main.command("robustness")
@graph_option
@click.option("--measure", type=HUB_MEASURES,
              default="pagerank", show_default=True, help="Hub measure deciding which nodes go first.")
@click.option("--k", "ks", default="1,5,10,20", show_default=True, help="Comma-separated numbers of nodes to remove.")
@click.option("--trials", type=int, default=10, show_default=True, help="Random removals per k.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random removals.")
@_out_option
@format_option
def robustness_cmd(graph_dir: str, measure: str, ks: str, trials: int, seed: int, out: str | None, fmt: str) -> None:
    """Cross-category connectivity after removing the top-k hubs versus k random nodes.

    \b
    Example:
      evgraph robustness --measure betweenness --k 1,5,10 --trials 20
    """
    from ..analytics import robustness

    try:
        klist = [int(x) for x in _csv(ks)]
    except ValueError:
        raise EvgraphError(f"--k must be comma-separated integers, not '{ks}'") from None
    kg = open_graph(graph_dir)
    emit(robustness(kg, klist, measure=measure, trials=trials, seed=seed), fmt, out)


__all__ = ["connectivity_cmd", "crosstalk_cmd", "hubs_cmd", "paths_cmd", "propagate_cmd", "robustness_cmd"]
