"""Scaling of whole commands with graph size: time and peak memory per size, and growth exponents.

For each size (synthetic graphs from ``synthetic.py``: 100k, 1M, 5M edges, or any count) every
step runs as its own process, timed from outside (wall and CPU = user + sys of the child) with
its peak memory (``ru_maxrss`` from ``os.wait4``):

``build``   ``evgraph build --source kgx=<the graph's KGX TSV> --out <tmp>`` (read, normalise,
            validate, save: the whole pipeline from interchange files)
``load``    ``evgraph.load(graph, lazy=False)``: every column read and checked
``open``    ``evgraph.load(graph)`` and the edge endpoints (``kg.src``, ``kg.dst``): what most
            commands pay before computing
``hubs``    ``evgraph hubs --measure degree,pagerank,betweenness --null 0`` (64 pivots)
``paths``   ``evgraph paths A B`` between the two conditions with the most released_in and
            contributes_to edges

and beside them the peers on the same input: ``nx-pagerank`` (the networkx script of
``bench_speed.py``: read the TSV, build, PageRank) where it fits the time limit. The growth
exponent of each step is the least-squares slope of log(time) (and log(peak memory)) against
log(edges) over the sizes run: 1 = linear. The 1-minute load average is printed per step.

    python benchmarks/bench_scale.py --sizes 100k,1m
    nice -n 10 python benchmarks/bench_scale.py --sizes 100k,1m,5m --steps build,load,open,hubs,paths

Generating the 5M-edge graph takes several minutes and about 9 GB; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_speed import compile_bytecode, evgraph_exe, run  # noqa: E402

STEPS = ("build", "load", "open", "hubs", "paths", "nx-pagerank")
PEER_LIMIT_EDGES = 2_000_000  # networkx at 5M edges takes many minutes and ~10 GB; skipped above this


def _edges(size: str) -> int:
    from synthetic import SIZES

    return SIZES.get(size) or int(float(size.lower().replace("m", "e6").replace("k", "e3")))


def _pair(graph: Path) -> tuple[str, str]:
    code = (f"import json, numpy as np, evgraph; kg = evgraph.load({str(graph)!r}); "
            "pred = kg.edge_column('predicate').astype(str).to_numpy(); "
            "sel = np.isin(pred, ['released_in', 'contributes_to']); "
            "deg = np.bincount(kg.dst[sel], minlength=kg.num_nodes); "
            "cond = np.flatnonzero(kg.node_class.astype(str) == 'Condition'); "
            "top = cond[np.argsort(-deg[cond], kind='stable')[:2]]; ids = kg.node_column('id').to_numpy(dtype=object); "
            "print(json.dumps([ids[top[0]], ids[top[1]]]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    a, b = json.loads(out.stdout.strip().splitlines()[-1])
    return a, b


def step_command(step: str, graph: Path, kgx: Path, tmp: Path, pair: tuple[str, str]) -> list[str]:
    ev = evgraph_exe()
    if step == "build":
        return [*ev, "--quiet", "build", "--source", f"kgx={kgx}", "--out", str(tmp / "built")]
    if step == "load":
        return [sys.executable, "-c", f"from evgraph.store import load_built; load_built({str(graph)!r}, lazy=False)"]
    if step == "open":
        return [sys.executable, "-c", f"import evgraph; kg = evgraph.load({str(graph)!r}); kg.src, kg.dst"]
    if step == "hubs":
        return [*ev, "--quiet", "hubs", "--graph", str(graph), "--measure", "degree,pagerank,betweenness",
                "--null", "0"]
    if step == "paths":
        return [*ev, "--quiet", "paths", "--graph", str(graph), pair[0], pair[1]]
    if step == "nx-pagerank":
        return [sys.executable, str(HERE / "bench_speed.py"), "peer-networkx-pagerank", "--kgx", str(kgx)]
    raise ValueError(step)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) on log(x)."""
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    den = sum((x - mx) ** 2 for x in lx)
    return sum((x - mx) * (y - my) for x, y in zip(lx, ly, strict=True)) / den if den else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100k,1m", help="comma-separated sizes: 100k, 1m, 5m or edge counts")
    ap.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated steps ({', '.join(STEPS)})")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds a step may take before it is killed and reported as a timeout (default 1800)")
    args = ap.parse_args()
    from synthetic import DATA_DIR, SIZES

    def graph_dir(n_edges: int) -> Path:  # the folder synthetic.ensure(n_edges) uses
        name = {v: k for k, v in SIZES.items()}.get(n_edges, str(n_edges))
        return DATA_DIR / f"syn-{name}" / "graph"

    steps = [s for s in args.steps.split(",") if s]
    bad = [s for s in steps if s not in STEPS]
    if bad:
        raise SystemExit(f"unknown step(s) {', '.join(bad)} (known: {', '.join(STEPS)})")
    compile_bytecode()
    table: dict[str, dict[str, dict]] = {}
    sizes = [s for s in args.sizes.split(",") if s]
    for size in sizes:
        m = _edges(size)
        graph = graph_dir(m)
        if not (graph / "graph.json").is_file():  # generated in a child process: its memory is freed after
            r = run([sys.executable, str(HERE / "synthetic.py"), "--edges", str(m), "--out", str(graph.parent)])
            print(f"  {size} {'generate':<12} {r['s']:8.2f} s wall {r['cpu_s']:8.2f} s cpu {r['peak_mb']:8.0f} MB peak"
                  f"  (load {r['load']:.2f}; synthetic.py, not an evgraph command)", flush=True)
        print(f"{size}: graph {graph} ready", flush=True)
        kgx = graph.parent / "kgx"
        pair = _pair(graph) if "paths" in steps else ("", "")
        tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        table[size] = {}
        try:
            for step in steps:
                if step == "nx-pagerank" and m > PEER_LIMIT_EDGES:
                    print(f"  {size} {step}: skipped (above {PEER_LIMIT_EDGES} edges)", flush=True)
                    continue
                r = run(step_command(step, graph, kgx, tmp, pair), timeout=args.timeout)
                table[size][step] = r
                print(f"  {size} {step:<12} {r['s']:8.2f} s wall {r['cpu_s']:8.2f} s cpu {r['peak_mb']:8.0f} MB peak"
                      f"  (load {r['load']:.2f}){'  TIMEOUT (killed)' if r['timeout'] else ''}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("\nSCALING (wall s / cpu s / peak MB; 2-core machine shared with other work, load average per row)")
    print(f"{'step':<12}" + "".join(f"{s:>30}" for s in sizes) + "   exponent cpu / memory")
    for step in steps:
        cells, xs, ts, ms = [], [], [], []
        for size in sizes:
            r = table[size].get(step)
            if r is None or r.get("timeout"):
                cells.append(f"{'-' if r is None else 'timeout > ' + str(int(r['s'])) + ' s':>30}")
                continue
            cells.append(f"{r['s']:>9.2f} /{r['cpu_s']:>8.2f} /{r['peak_mb']:>7.0f}   ")
            xs.append(_edges(size))
            ts.append(r["cpu_s"])
            ms.append(r["peak_mb"])
        exp = f"{slope(xs, ts):.2f} / {slope(xs, ms):.2f}" if len(xs) >= 2 else "-"
        print(f"{step:<12}" + "".join(cells) + f"   {exp}")
    print(json.dumps({"table": table}, default=str))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("EVGRAPH_PROGRESS", "0")
    sys.exit(main())
