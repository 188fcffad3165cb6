"""Whole-command speed of evgraph beside the peer scripts a user would write (prints figures; no asserts).

Every case is a whole process (imports, reading, building, computing, printing), timed from
outside with its peak memory (``ru_maxrss`` of the child, from ``os.wait4``). evgraph reads the
built graph folder; the peers read the same graph's KGX TSV (``pandas.read_csv`` with only the
columns they use), as a networkx or igraph user would. Runs are interleaved (evgraph, peer,
peer, evgraph, ...) and the medians compared; ratio = peer time / evgraph time (> 1: evgraph is
faster). The 1-minute load average is printed beside every figure: on a 2-core machine shared
with other work, compare ratios measured in one run, not absolute times across runs.

Cases:

``pagerank``
    ``evgraph hubs --measure pagerank --null 0`` against a networkx script and an igraph script
    (read the TSV, drop the vocabulary classes evgraph drops by default, undirected simple
    graph, PageRank, print the top 20). The top-10 ids of every tool are compared.
``betweenness``
    sampled betweenness (64 pivots, standard errors) in process, against igraph's single
    ``betweenness(sources=pivots)`` call on the same pivots (no standard error).
``viz``
    ``evgraph viz graph --cap 2000`` (whole command, target <= 2.5 s at 1M edges).

Usage (from the repository root)::

    python benchmarks/bench_speed.py pagerank --size 1m --repeat 3
    python benchmarks/bench_speed.py betweenness --size 1m
    python benchmarks/bench_speed.py viz --size 1m --repeat 3
    python benchmarks/bench_speed.py all --size 100k
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

VOCABULARY = ("VesicleType", "UptakeMechanism", "Publication")  # evgraph.analytics.grouping.VOCABULARY_CLASSES


def evgraph_exe() -> list[str]:
    """The ``evgraph`` console script of this interpreter's environment (a whole CLI process)."""
    exe = Path(sys.executable).with_name("evgraph")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "evgraph.cli"]


def run(cmd: list[str], stdout: str | None = None, timeout: float | None = None) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds (user + sys of the child), the child's peak RSS in
    MB, the 1-minute load average before it. With ``timeout`` the child is killed after that many
    seconds and the result says ``timeout: True`` (times and memory up to the kill)."""
    import threading

    load = os.getloadavg()[0]
    out = open(stdout, "w") if stdout else subprocess.DEVNULL
    err_file = tempfile.TemporaryFile()  # a file, not a pipe: a chatty child never blocks on a full pipe
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err_file)
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        proc.kill()

    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if timer:
        timer.cancel()
    err_file.seek(0)
    err = err_file.read().decode(errors="replace")
    err_file.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout:
        out.close()
    result = {"s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024.0, "load": load,
              "timeout": killed.is_set()}
    if proc.returncode != 0 and not killed.is_set():
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    return result


def compile_bytecode() -> None:
    """Write evgraph's bytecode once, as ``pip install`` does for an installed package.

    An editable checkout run with ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every
    evgraph module again in every timed process, while the peers' libraries (installed wheels)
    load their ``.pyc`` files; ``__pycache__`` is git-ignored."""
    import compileall

    import evgraph

    compileall.compile_dir(str(Path(evgraph.__file__).parent), quiet=1)


# ------------------------------------------------------------------ peer scripts (run as whole processes)
def _read_kgx(kgx: Path):
    import pandas as pd

    nodes = pd.read_csv(kgx / "nodes.tsv", sep="\t", usecols=["id", "evgraph_class"], dtype=str,
                        keep_default_na=False)
    edges = pd.read_csv(kgx / "edges.tsv", sep="\t", usecols=["subject", "object"], dtype=str,
                        keep_default_na=False)
    keep = set(nodes["id"][~nodes["evgraph_class"].isin(VOCABULARY)])
    edges = edges[edges["subject"].isin(keep) & edges["object"].isin(keep) & (edges["subject"] != edges["object"])]
    return sorted(keep), edges


def peer_networkx_pagerank(kgx: Path) -> None:
    import networkx as nx

    keep, edges = _read_kgx(kgx)
    G = nx.Graph()
    G.add_nodes_from(keep)
    G.add_edges_from(zip(edges["subject"], edges["object"], strict=True))
    pr = nx.pagerank(G, tol=1e-8)
    for node, score in sorted(pr.items(), key=lambda kv: (-kv[1], kv[0]))[:20]:
        print(f"{node}\t{score:.6g}")


def peer_igraph_pagerank(kgx: Path) -> None:
    import igraph as ig
    import numpy as np
    import pandas as pd

    keep, edges = _read_kgx(kgx)
    index = pd.Index(keep)
    pairs = np.column_stack([index.get_indexer(edges["subject"]), index.get_indexer(edges["object"])])
    g = ig.Graph(n=len(keep), edges=pairs, directed=False)
    g.simplify()
    pr = np.asarray(g.pagerank(directed=False))
    for i in np.lexsort((np.arange(len(pr)), -pr))[:20]:
        print(f"{keep[i]}\t{pr[i]:.6g}")


def peer_top(path: str, k: int = 10) -> list[str]:
    return [line.split("\t")[0] for line in Path(path).read_text().splitlines()[:k]]


def evgraph_top(path: str, k: int = 10) -> list[str]:
    import csv

    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["id"] for r in sorted(rows, key=lambda r: (-float(r["pagerank"]), r["id"]))[:k]]


# ------------------------------------------------------------------ cases
def median_of(runs: list[dict]) -> dict:
    return {"s": statistics.median(r["s"] for r in runs), "cpu_s": statistics.median(r["cpu_s"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs),
            "load": statistics.median(r["load"] for r in runs), "runs": [round(r["s"], 2) for r in runs]}


def case_pagerank(graph: Path, kgx: Path, repeat: int) -> None:
    tmp = tempfile.mkdtemp(prefix="bench-speed-")
    ev_cmd = [*evgraph_exe(), "hubs", "--graph", str(graph), "--measure", "pagerank", "--null", "0",
              "--format", "csv"]
    peers = {"networkx": "peer-networkx-pagerank", "igraph": "peer-igraph-pagerank"}
    results: dict[str, list[dict]] = {"evgraph": [], **{p: [] for p in peers}}
    order = ["evgraph", *peers]
    for i in range(repeat):
        for name in (order if i % 2 == 0 else order[::-1]):
            out = f"{tmp}/{name}.txt"
            cmd = ev_cmd if name == "evgraph" else [sys.executable, __file__, peers[name], "--kgx", str(kgx)]
            results[name].append(run(cmd, stdout=out))
            print(f"  {name:<9} run {i + 1}: {results[name][-1]['s']:.2f} s (cpu {results[name][-1]['cpu_s']:.2f} s), "
                  f"{results[name][-1]['peak_mb']:.0f} MB, load {results[name][-1]['load']:.2f}", flush=True)
    med = {k: median_of(v) for k, v in results.items()}
    tops = {"evgraph": evgraph_top(f"{tmp}/evgraph.txt"), **{p: peer_top(f"{tmp}/{p}.txt") for p in peers}}
    print(f"\nPageRank, whole command ({graph}):")
    print(f"  evgraph: {' '.join(ev_cmd[1:])}")
    for name, m in med.items():
        ratio = "" if name == "evgraph" else (f"  ratio {m['s'] / med['evgraph']['s']:.2f}x wall, "
                                              f"{m['cpu_s'] / med['evgraph']['cpu_s']:.2f}x cpu")
        print(f"  {name:<9} median {m['s']:.2f} s wall, {m['cpu_s']:.2f} s cpu (runs {m['runs']}), "
              f"peak {m['peak_mb']:.0f} MB, load {m['load']:.2f}{ratio}")
    for p in peers:
        print(f"  top-10 ids evgraph vs {p}: {'same' if tops[p] == tops['evgraph'] else 'DIFFER'}"
              + ("" if tops[p] == tops["evgraph"] else f" {tops['evgraph']} vs {tops[p]}"))
    print("  targets: networkx ratio >= 10x, igraph ratio >= 1.5x")


def bench_betweenness(graph: str, pivots: int) -> dict:
    import numpy as np

    import evgraph
    from evgraph.analytics._common import view
    from evgraph.analytics.centrality import betweenness_vector

    kg = evgraph.load(graph)
    v = view(kg)
    v.igraph()
    g = v.igraph()
    rng = np.random.default_rng(0)
    piv = np.sort(rng.choice(v.n, size=pivots, replace=False))
    out: dict = {"nodes": v.n, "edges": int(v.A.nnz // 2), "loadavg": os.getloadavg()[0]}
    runs_ev, runs_ig = [], []
    for i in range(3):
        for who in (("ev", "ig") if i % 2 == 0 else ("ig", "ev")):
            t = time.perf_counter()
            if who == "ev":
                res = betweenness_vector(v, k=pivots, seed=0)
                runs_ev.append(time.perf_counter() - t)
            else:
                ref = np.asarray(g.betweenness(directed=False, sources=piv.tolist()))
                runs_ig.append(time.perf_counter() - t)
    n = v.n
    scale = 2.0 / ((n - 1) * (n - 2)) * (n / pivots)
    out.update(evgraph_s=statistics.median(runs_ev), igraph_s=statistics.median(runs_ig),
               runs_evgraph=[round(x, 2) for x in runs_ev], runs_igraph=[round(x, 2) for x in runs_ig],
               max_abs_diff=float(np.abs(res.values - ref * scale).max()), summary=res.summary(),
               stderr_finite=bool(np.isfinite(res.stderr).all()))
    return out


def case_betweenness(graph: Path, pivots: int) -> None:
    cmd = [sys.executable, __file__, "inproc-betweenness", "--graph", str(graph), "--pivots", str(pivots)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\nBetweenness, {pivots} pivots, in process ({graph}; view {r['nodes']} nodes, {r['edges']} edges; "
          f"load {r['loadavg']:.2f}):")
    print(f"  evgraph betweenness_vector(k={pivots}) with standard errors: median {r['evgraph_s']:.2f} s "
          f"(runs {r['runs_evgraph']})")
    print(f"  igraph g.betweenness(sources=pivots), one call, no error: median {r['igraph_s']:.2f} s "
          f"(runs {r['runs_igraph']})")
    print(f"  ratio {r['igraph_s'] / r['evgraph_s']:.2f}x (target >= 1); max |evgraph - igraph scaled| "
          f"{r['max_abs_diff']:.2e}; error summary {r['summary']}; all stderr finite: {r['stderr_finite']}")


def case_viz(graph: Path, repeat: int) -> None:
    tmp = tempfile.mkdtemp(prefix="bench-speed-")
    cmd = [*evgraph_exe(), "viz", "graph", "--graph", str(graph), "--cap", "2000", "--out", f"{tmp}/graph.html"]
    runs = [run(cmd) for _ in range(repeat)]
    m = median_of(runs)
    print(f"\nviz graph --cap 2000, whole command ({graph}):")
    print(f"  {' '.join(cmd[1:])}")
    print(f"  median {m['s']:.2f} s wall, {m['cpu_s']:.2f} s cpu (user + sys; the wall time of an idle core) "
          f"(runs {m['runs']}), peak {m['peak_mb']:.0f} MB, load {m['load']:.2f}; target <= 2.5 s at 1M edges")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("case", choices=["pagerank", "betweenness", "viz", "all", "peer-networkx-pagerank",
                                     "peer-igraph-pagerank", "inproc-betweenness"])
    ap.add_argument("--size", default="1m", help="synthetic graph size: 10k, 100k, 1m or an edge count")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pivots", type=int, default=64)
    ap.add_argument("--kgx", help=argparse.SUPPRESS)
    ap.add_argument("--graph", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case == "peer-networkx-pagerank":
        peer_networkx_pagerank(Path(args.kgx))
        return 0
    if args.case == "peer-igraph-pagerank":
        peer_igraph_pagerank(Path(args.kgx))
        return 0
    if args.case == "inproc-betweenness":
        print(json.dumps(bench_betweenness(args.graph, args.pivots)))
        return 0
    from synthetic import SIZES, ensure

    graph = ensure(SIZES.get(args.size) or int(args.size))
    kgx = graph.parent / "kgx"
    compile_bytecode()
    print(f"graph {graph}; {os.cpu_count()} cores; python {sys.version.split()[0]}; evgraph bytecode compiled "
          "(as an installed package has it)", flush=True)
    if args.case in ("pagerank", "all"):
        case_pagerank(graph, kgx, args.repeat)
    if args.case in ("betweenness", "all"):
        case_betweenness(graph, args.pivots)
    if args.case in ("viz", "all"):
        case_viz(graph, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
