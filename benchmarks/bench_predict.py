"""Benchmark and evaluation table of the hypothesis engine (``evgraph predict``).

Builds the curated KB and the full public build (every source of ``bench_build.py`` from
../shared/data), then for each graph and each source class (CellType, Organ) against
Condition: the wall time and peak memory of ``predict`` (all unobserved pairs scored,
explanations for the top 20) and the held-out evaluation (k-fold CV and time split) of the
model beside its baselines (degree only; DWPC without signs). Writes the table as TSV
(``--out``) and prints it. Target: the full build's (CellType|Organ) x Condition prediction
in <= 60 s on a 2-core machine.

    python benchmarks/bench_predict.py [--data ../shared/data] [--support all] [--out benchmarks/results/predict.tsv]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_build import specs  # noqa: E402

import evgraph  # noqa: E402
from evgraph.analytics.predict import evaluate, predict  # noqa: E402


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


def run(name: str, kg: evgraph.KnowledgeGraph, folds: int) -> tuple[list[dict], list[dict]]:
    timing, table = [], []
    t0 = time.perf_counter()
    df = predict(kg, ["CellType", "Organ"], "Condition", top=20)
    seconds = time.perf_counter() - t0
    models = df.attrs["models"]
    timing.append({"graph": name, "nodes": kg.num_nodes, "edges": kg.num_edges, "predict_seconds": round(seconds, 2),
                   "peak_gib": round(_peak_gib(), 2),
                   **{f"{k}_observed": v["observed_pairs"] for k, v in models.items()},
                   **{f"{k}_metapaths": len(v["metapaths"]) for k, v in models.items()}})
    for sc in ("CellType", "Organ"):
        t1 = time.perf_counter()
        ev = evaluate(kg, sc, "Condition", folds=folds)
        for rec in ev.to_dict("records"):
            table.append({"graph": name, "source_class": sc, **rec})
        print(f"  {name} {sc}: evaluation {time.perf_counter() - t1:.1f} s", file=sys.stderr)
    return timing, table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--support", default="all", choices=["strong", "weak", "all"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "predict.tsv")
    args = ap.parse_args()
    timing, table = [], []
    kg = evgraph.build()
    t, e = run("curated", kg, args.folds)
    timing += t
    table += e
    t0 = time.perf_counter()
    full = evgraph.build(specs(args.data, args.support, True))
    print(f"  full build: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    t, e = run("full", full, args.folds)
    timing += t
    table += e
    pd.set_option("display.width", 200)
    print(pd.DataFrame(timing).to_string(index=False))
    print()
    out = pd.DataFrame(table)
    cols = ["graph", "source_class", "evaluation", "model", "auroc", "auprc", "n_test_positive", "n_test",
            "median_rank"]
    print(out[cols].to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.out, sep="\t", index=False)
    print(f"\nwrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
