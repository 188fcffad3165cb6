"""Benchmark the interactive views: write time, file size and time until drawn in headless Chromium.

Targets (issue 6): a 2,000-node view written in <= 2 s, <= 5 MB, drawn in <= 3 s.

    python benchmarks/bench_viz.py                  # curated graph + 1M-edge synthetic graph
    python benchmarks/bench_viz.py --edges 100000   # another synthetic size
    python benchmarks/bench_viz.py --no-browser     # skip the Chromium timings

"write" is the time to build the view (selection, layout, pyvis network) and write the HTML,
with the hub scores already computed (they are reported separately, as "scores"); "drawn" is
the time from navigation until vis-network's first afterDrawing event (the page's own clock).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))  # the test-only Chromium client (tests/browser.py)

import evgraph  # noqa: E402
from evgraph.viz import visualize  # noqa: E402
from evgraph.viz.analyses import hub_scores  # noqa: E402


def views_for(kg: evgraph.KnowledgeGraph, cap: int) -> list[tuple[str, dict]]:
    out: list[tuple[str, dict]] = [("overview", {"cap": cap}), ("graph", {"cap": cap})]
    deg = hub_scores(kg, "degree")
    hub = str(kg.nodes["id"].iat[int(deg.argmax())])
    out.append(("ego", {"node": hub, "radius": 1, "cap": cap}))
    if kg.num_edges <= 100_000:  # evgraph.analytics.crosstalk took 763 s on the 1M-edge graph
        out.append(("crosstalk", {"permutations": 0}))
    else:
        print("  crosstalk  skipped above 100k edges (evgraph.analytics.crosstalk is the bottleneck)")
    return out


def run(name: str, kg: evgraph.KnowledgeGraph, cap: int, browser, folder: Path) -> None:
    t0 = time.perf_counter()
    hub_scores(kg, "degree")
    print(f"[{name}] {kg.num_nodes:,} nodes, {kg.num_edges:,} edges; degree scores {time.perf_counter() - t0:.2f} s")
    for view_name, options in views_for(kg, cap):
        t0 = time.perf_counter()
        try:
            view = visualize(kg, view_name, **options)
        except evgraph.EvgraphError as exc:
            print(f"  {view_name:10s} skipped: {exc}")
            continue
        path = view.write(folder / f"{name}-{view_name}.html")
        written = time.perf_counter() - t0
        size = path.stat().st_size / 1e6
        line = (f"  {view_name:10s} {view.num_nodes:5d} nodes {view.num_edges:6d} edges  "
                f"write {written:6.2f} s  {size:5.2f} MB")
        if browser is not None:
            res = browser.open(path, wait="window.evgraphDrawnAt !== undefined", timeout=60)
            drawn = browser.evaluate("window.evgraphDrawnAt") / 1000
            line += f"  drawn {drawn:5.2f} s" + (f"  ERRORS {res.errors}" if res.errors else "")
        print(line, flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edges", type=int, default=1_000_000, help="synthetic graph size (0 = curated only)")
    ap.add_argument("--cap", type=int, default=2000, help="node cap of the big views")
    ap.add_argument("--no-browser", action="store_true", help="skip the headless Chromium timings")
    args = ap.parse_args()
    browser = None
    if not args.no_browser:
        from browser import Chromium, find_chromium

        if find_chromium() is None:
            print("no Chromium found: skipping draw timings", file=sys.stderr)
        else:
            browser = Chromium(timeout=90).__enter__()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            kg = evgraph.load()
            print(f"curated graph built in {time.perf_counter() - t0:.2f} s")
            run("curated", kg, args.cap, browser, Path(tmp))
            if args.edges:
                from synthetic import ensure

                t0 = time.perf_counter()
                kg = evgraph.load(ensure(args.edges))
                print(f"synthetic {args.edges:,}-edge graph loaded in {time.perf_counter() - t0:.2f} s")
                run(f"syn{args.edges}", kg, args.cap, browser, Path(tmp))
    finally:
        if browser is not None:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
