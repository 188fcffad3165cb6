"""CLI command of the hypothesis engine: ``predict`` (scores, evaluation, view)."""

from __future__ import annotations

import click

from .app import emit, emit_records, format_option, graph_option, main, open_graph


def _note(text: str) -> None:
    click.echo(f"evgraph: {text}", err=True)


@main.command("predict")
@graph_option
@click.option("--source-class", "source_classes", default="CellType,Organ", show_default=True,
              help="Comma-separated source classes (each gets its own model).")
@click.option("--target-class", default="Condition", show_default=True, help="Target class.")
@click.option("--target", default=None, help="Only predictions for this target node (CURIE or label).")
@click.option("--max-length", type=click.IntRange(1, 4), default=3, show_default=True,
              help="Longest feature metapath (hops).")
@click.option("--top", type=click.IntRange(min=0), default=20, show_default=True,
              help="Rows per source class (0 = all).")
@click.option("--include-observed", is_flag=True, help="Also list the observed (curated) pairs, novel = false.")
@click.option("--all-pairs", is_flag=True,
              help="Also list pairs no feature metapath joins (their score rests on degrees alone).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the negative sampling and folds.")
@click.option("--evaluate", "do_evaluate", is_flag=True,
              help="Print the held-out evaluation (time split and k-fold CV) beside the baselines instead.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Folds of --evaluate.")
@click.option("--split-year", type=int, default=None,
              help="Time split of --evaluate: train on statements published up to this year "
                   "(default: the 75th percentile of publication years).")
@click.option("--view", "view_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the predictions as a referenced HTML table to this file.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Write the table to this file (atomically) instead of stdout.")
@format_option
def predict_cmd(graph_dir: str, source_classes: str, target_class: str, target: str | None, max_length: int,
                top: int, include_observed: bool, all_pairs: bool, seed: int, do_evaluate: bool, folds: int,
                split_year: int | None, view_path: str | None, out: str | None, fmt: str) -> None:
    """Predict untested EV routes: score every unobserved (source, target) pair of two classes.

    Observed pairs are direct curated links (the source releases EVs that contribute to the
    condition; organs also through their cell types; with roll-up to parent conditions).
    Features are DWPC and signed DWPC over the metapaths between the classes (the link's own
    edges hidden), plus degrees; a regularised logistic regression against degree-matched
    negatives gives a calibrated score. Every row is a HYPOTHESIS, explained by the three
    metapaths that contribute most, with example paths and their references.

    \b
    Examples:
      evgraph predict --source-class CellType,Organ --target-class Condition --format json
      evgraph predict --target "Alzheimer disease" --view alzheimer-predictions.html
      evgraph predict --source-class CellType --evaluate
    """
    from ..analytics.predict import evaluate, predict

    kg = open_graph(graph_dir)
    classes = [c.strip() for c in source_classes.split(",") if c.strip()]
    if do_evaluate:
        frames = []
        for sc in classes:
            ev = evaluate(kg, sc, target_class, folds=folds, split_year=split_year, max_length=max_length, seed=seed)
            ev.insert(0, "source_class", sc)
            ev.insert(1, "target_class", target_class)
            frames.append(ev)
        import pandas as pd

        table = pd.concat(frames, ignore_index=True)
        _note("AUROC/AUPRC of held-out observed pairs ranked among all unobserved pairs; model = full "
              "(DWPC + signed DWPC + degree), unsigned (DWPC + degree) or degree (baseline)")
        if fmt == "json":
            emit_records(table, out)
        else:
            emit(table, fmt, out)
        return
    df = predict(kg, classes, target_class, target=target, max_length=max_length, top=top or None,
                 include_observed=include_observed, supported_only=not all_pairs, seed=seed)
    for info in df.attrs["models"].values():
        _note(f"{info['source_class']} -> {info['target_class']}: trained on {info['observed_pairs']} observed "
              f"pairs and {info['negatives']} degree-matched negatives; {info['unobserved_pairs']} unobserved "
              f"pairs scored over {len(info['metapaths'])} metapaths")
    _note("every prediction is a hypothesis to test, not a finding")
    if view_path:
        from ..viz.predictions import write_predictions

        title = f"Predicted EV routes to {df['target_label'].iloc[0]}" if target and len(df) else "Predicted EV routes"
        write_predictions(df, view_path, title=title)
        _note(f"wrote {view_path}")
    if fmt == "json":
        emit_records(df, out)
        return
    table = df.copy()
    table["top_metapaths"] = table["top_paths"].map(lambda tops: "|".join(t["metapath"] for t in tops))
    table["references"] = table["top_paths"].map(
        lambda tops: "|".join(sorted({r for t in tops for p in t["paths"] for r in p["references"]})))
    table = table.drop(columns=["top_paths"])
    emit(table, fmt, out)
