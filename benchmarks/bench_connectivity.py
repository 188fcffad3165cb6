"""Benchmark of the permutation null: permuted graphs, hubs against the null, connectivity search.

Prints figures (no asserts); each case runs in its own subprocess so its peak memory
(``ru_maxrss``) is its own. Peer: networkx ``directed_edge_swap`` (degree-preserving swaps on
a DiGraph, the textbook XSwap) on the same 1M-edge graph, timed for a fixed number of swaps
and extrapolated to one swap per edge (one permuted graph), so the ratio is per permuted graph.

    python benchmarks/bench_connectivity.py                       # 1M synthetic + full public build
    python benchmarks/bench_connectivity.py --size 100k --full-graph none
    python benchmarks/bench_connectivity.py --full-graph /tmp/full   # a graph saved by bench_build.py --save
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

NX_SWAPS = 20_000
NO_CLOSURE = "--no-closure" in sys.argv


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _pair(kg, source: str | None, target: str | None) -> tuple[str, str]:
    """The given pair, or the two conditions with most released_in + contributes_to edges."""
    import numpy as np

    if source and target and kg.has_node(source) and kg.has_node(target):
        return source, target
    pred = kg.edges["predicate"].astype(str).to_numpy()
    sel = np.isin(pred, ["released_in", "contributes_to"])
    deg = np.bincount(kg.dst[sel], minlength=kg.num_nodes)
    cond = np.flatnonzero(kg.node_class.astype(str) == "Condition")
    top = cond[np.argsort(-deg[cond], kind="stable")[:2]]
    ids = kg.nodes["id"].to_numpy(dtype=object)
    return str(ids[top[0]]), str(ids[top[1]])


def run_case(case: str, graph: str, cache: str, n: int, source: str | None, target: str | None) -> dict:
    import evgraph

    t_load, kg = _timed(lambda: evgraph.load(graph))
    res: dict = {"case": case, "load_s": t_load, "nodes": kg.num_nodes, "edges": kg.num_edges}
    from evgraph.analytics import connectivity, hubs
    from evgraph.analytics.permutation import permutations

    if case == "permute":
        res["time_s"], P = _timed(lambda: permutations(kg, n, seed=0, cache_dir=cache))
        res["permutations"] = len(P)
        res["cache_mb"] = sum(p.stat().st_size for p in Path(cache).iterdir()) / 2**20
    elif case == "nx_swap":
        import networkx as nx

        G = nx.DiGraph()
        G.add_edges_from(zip(kg.src.tolist(), kg.dst.tolist(), strict=True))
        res["graph_edges"] = G.number_of_edges()
        t, _ = _timed(lambda: nx.directed_edge_swap(G, nswap=NX_SWAPS, max_tries=NX_SWAPS * 100, seed=0))
        res["swaps"] = NX_SWAPS
        res["time_s"] = t
        res["per_graph_s"] = t / NX_SWAPS * G.number_of_edges()
    elif case == "hubs_null":
        permutations(kg, n, seed=0, cache_dir=cache)  # cached by the permute case
        cpu = time.process_time()
        res["time_s"], df = _timed(lambda: hubs(kg, ["degree", "pagerank"], null=n, cache_dir=cache))
        res["case_cpu_s"] = time.process_time() - cpu
        res["null"] = n
        res["rows"] = len(df)
    elif case == "connectivity":
        s, t = _pair(kg, source, target)
        res["pair"] = [s, t]
        cpu = time.process_time()
        res["time_s"], df = _timed(lambda: connectivity(kg, s, t, permutations=n, cache_dir=cache,
                                                        closure=not NO_CLOSURE))
        res["node_pairs"] = df.attrs["node_pairs"]
        res["case_cpu_s"] = time.process_time() - cpu
        res["metapaths_tested"] = df.attrs["tests"]
        res["metapaths_with_paths"] = len(df)
        res["significant"] = int(df["significant"].sum())
        res["summary"] = df.attrs["summary"]
    res["peak_rss_mb"] = _rss_mb()
    res["cpu_s"] = time.process_time()  # this process's CPU time (load + case): readable on a busy machine
    import os

    res["loadavg_1min"] = os.getloadavg()[0]
    return res


def spawn(case: str, graph: Path, cache: Path, n: int, source: str | None = None, target: str | None = None,
          timeout: float | None = None) -> dict:
    cmd = [sys.executable, __file__, "--case", case, "--graph", str(graph), "--cache", str(cache), "--n", str(n)]
    if NO_CLOSURE:
        cmd.append("--no-closure")
    if source and target:
        cmd += ["--source", source, "--target", target]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"case": case, "timeout_s": timeout}
    except subprocess.CalledProcessError as exc:
        return {"case": case, "error": exc.stderr.strip().splitlines()[-1] if exc.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1m", choices=["10k", "100k", "1m"])
    ap.add_argument("--permutations", type=int, default=200)
    ap.add_argument("--hub-null", type=int, default=20)
    ap.add_argument("--full-graph", default="/tmp/analytics-bench/full",
                    help="a built graph (benchmarks/bench_build.py --save DIR), or 'none'")
    ap.add_argument("--source", default="MONDO:0011122", help="connectivity source (default obesity disorder)")
    ap.add_argument("--target", default="MONDO:0004975", help="connectivity target (default Alzheimer disease)")
    ap.add_argument("--second-target", default="MONDO:0005148",
                    help="target of a second pair with the same source (default type 2 diabetes mellitus)")
    ap.add_argument("--only", choices=["permute", "hubs", "connectivity"], help="run one part only")
    ap.add_argument("--no-closure", action="store_true", help="connectivity of the exact pair only (no roll-up pairs)")
    ap.add_argument("--full-cache", help="keep the full build's permutations and null summaries in this folder "
                                         "(default: a temporary one; the first connectivity run is then cold)")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--graph", help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.graph, args.cache, args.n, args.source, args.target),
                         default=str))
        return 0
    from synthetic import SIZES, ensure

    graph = ensure(SIZES[args.size]) if args.only in (None, "permute", "hubs") else None  # the synthetic graph
    R: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "perm"
        cache.mkdir()
        if args.only in (None, "permute"):
            R["permute"] = spawn("permute", graph, cache, args.permutations)
            print(f"  permute: {R['permute']}", flush=True)
            R["nx_swap"] = spawn("nx_swap", graph, cache, 1, timeout=900)
            print(f"  nx_swap: {R['nx_swap']}", flush=True)
        if args.only in (None, "hubs"):
            hub_cache = Path(tmp) / "hubperm"
            hub_cache.mkdir()
            spawn("permute", graph, hub_cache, args.hub_null)
            R["hubs_null"] = spawn("hubs_null", graph, hub_cache, args.hub_null)
            print(f"  hubs_null: {R['hubs_null']}", flush=True)
        if args.only in (None, "connectivity") and args.full_graph != "none" and Path(args.full_graph).is_dir():
            full_cache = Path(args.full_cache) if args.full_cache else Path(tmp) / "fullperm"
            full_cache.mkdir(exist_ok=True)
            R["connectivity_cold"] = spawn("connectivity", Path(args.full_graph), full_cache, args.permutations,
                                           args.source, args.target)
            print(f"  connectivity (cold, permutes): {R['connectivity_cold']}", flush=True)
            R["connectivity"] = spawn("connectivity", Path(args.full_graph), full_cache, args.permutations,
                                      args.source, args.target)
            print(f"  connectivity (cached): {R['connectivity']}", flush=True)
            R["connectivity_pair2"] = spawn("connectivity", Path(args.full_graph), full_cache, args.permutations,
                                            args.source, args.second_target)
            print(f"  connectivity (second pair, same source): {R['connectivity_pair2']}", flush=True)
            R["connectivity_pair2_cached"] = spawn("connectivity", Path(args.full_graph), full_cache,
                                                   args.permutations, args.source, args.second_target)
            print(f"  connectivity (second pair again): {R['connectivity_pair2_cached']}", flush=True)
        shutil.rmtree(cache, ignore_errors=True)

    def fig(case, key="time_s"):
        v = R.get(case, {}).get(key)
        return float("nan") if v is None else float(v)

    def line(name, got, target, ok):
        print(f"{name:<62} {got:<36} target {target:<12} {('PASS' if ok else 'MISS') if target else ''}")

    p = R.get("permute", R.get("hubs_null", {}))
    print(f"\nRESULTS ({args.size}: {p.get('nodes')} nodes, {p.get('edges')} edges; 2-core machine shared)")
    print("CPU seconds per case (load included): " + ", ".join(f"{k} {v.get('cpu_s', float('nan')):.1f}"
                                                               for k, v in R.items()))
    print("1-minute load average at the end of each case: "
          + ", ".join(f"{k} {v.get('loadavg_1min', float('nan')):.1f}" for k, v in R.items()))
    if "permute" in R:
        _permute_lines(R, args, fig, line)
    if "hubs_null" in R:
        line(f"hubs (degree, PageRank) with a {args.hub_null}-graph null, cached",
             f"{fig('hubs_null'):.1f} s (CPU {fig('hubs_null', 'case_cpu_s'):.1f} s), "
             f"{fig('hubs_null', 'peak_rss_mb'):.0f} MB", "<= 10 s", fig("hubs_null") <= 10)
    if "connectivity" in R:
        _connectivity_lines(R, fig, line)
    return 0


def _permute_lines(R, args, fig, line) -> None:
    line(f"{args.permutations} permuted graphs (draw + write cache)", f"{fig('permute'):.1f} s, "
         f"{fig('permute', 'peak_rss_mb'):.0f} MB peak, cache {fig('permute', 'cache_mb'):.0f} MB",
         "<= 300 s, 4 GB", fig("permute") <= 300 and fig("permute", "peak_rss_mb") <= 4096)
    per = fig("permute") / max(args.permutations, 1)
    nxg = fig("nx_swap", "per_graph_s")
    line("  per permuted graph: evgraph vs networkx.directed_edge_swap",
         f"{per:.2f} s vs {nxg:.0f} s (extrapolated)", "", True)
    line("  speed-up per permuted graph", f"{nxg / per:.0f}x", "(info)", True)


def _connectivity_lines(R, fig, line) -> None:
    c = R["connectivity"]
    print(f"full public build: {c.get('nodes')} nodes, {c.get('edges')} edges; pair {c.get('pair')}")
    line("connectivity, one pair, first run (permutes, null summaries)", f"{fig('connectivity_cold'):.1f} s",
         "", True)
    line("connectivity, same pair, permutations + null cached", f"{fig('connectivity'):.1f} s "
         f"({c.get('metapaths_tested')} tests, {c.get('node_pairs')} node pairs, "
         f"{c.get('metapaths_with_paths')} rows with paths)",
         "<= 5 s", fig("connectivity") <= 5)
    print(f"  {c.get('summary')}")
    line("connectivity, second pair (same source: shared null reused)", f"{fig('connectivity_pair2'):.1f} s",
         "", True)
    line("connectivity, second pair again (all cached)", f"{fig('connectivity_pair2_cached'):.1f} s", "<= 5 s",
         fig("connectivity_pair2_cached") <= 5)


if __name__ == "__main__":
    sys.exit(main())
