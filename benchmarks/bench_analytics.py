"""Benchmark of evgraph.analytics against networkx on synthetic graphs (prints figures; no asserts).

Each case runs in its own subprocess so its peak memory (``ru_maxrss``) is its own. The graphs
come from ``benchmarks/synthetic.py`` (generated once under ``benchmarks/data/``).

    python benchmarks/bench_analytics.py                 # 1M-edge graph (+10k for networkx betweenness)
    python benchmarks/bench_analytics.py --size 100k --permutations 20
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

NX_TIMEOUT = 600


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def _two_conditions(kg):
    """The two conditions with the most released_in + contributes_to edges (a busy pair)."""
    import numpy as np

    pred = kg.edges["predicate"].astype(str).to_numpy()
    sel = np.isin(pred, ["released_in", "contributes_to"])
    deg = np.bincount(kg.dst[sel], minlength=kg.num_nodes)
    cond = np.flatnonzero(kg.node_class.astype(str) == "Condition")
    top = cond[np.argsort(-deg[cond], kind="stable")[:2]]
    ids = kg.nodes["id"].to_numpy(dtype=object)
    return ids[top[0]], ids[top[1]]


def run_case(case: str, graph: str, permutations: int) -> dict:
    import numpy as np

    t_load, kg = _timed(lambda: __import__("evgraph").load(graph))
    res: dict = {"case": case, "loadavg_1min": os.getloadavg()[0], "load_s": t_load, "nodes": kg.num_nodes,
                 "edges": kg.num_edges}
    from evgraph.analytics import crosstalk, hetmat, paths
    from evgraph.analytics._common import view
    from evgraph.analytics.centrality import betweenness_vector, pagerank_vector

    if case == "load":
        pass
    elif case == "pagerank":
        res["view_s"], v = _timed(lambda: view(kg))
        res["time_s"], _ = _timed(lambda: pagerank_vector(v.A))
    elif case == "nx_pagerank":
        import networkx as nx

        v = view(kg)
        res["nx_build_s"], G = _timed(lambda: _nx_graph(nx, v))
        res["time_s"], _ = _timed(lambda: nx.pagerank(G, tol=1e-8))
    elif case == "betweenness":
        v = view(kg)
        res["igraph_build_s"], _ = _timed(v.igraph)
        res["time_s"], b = _timed(lambda: betweenness_vector(v, k=64, seed=0))
        res["summary"] = b.summary()
    elif case == "nx_betweenness":
        import networkx as nx

        v = view(kg)
        G = _nx_graph(nx, v)
        res["time_s"], _ = _timed(lambda: nx.betweenness_centrality(G, k=64, seed=0))
    elif case == "nx_betweenness_exact":
        import networkx as nx

        v = view(kg)
        G = _nx_graph(nx, v)
        res["time_s"], _ = _timed(lambda: nx.betweenness_centrality(G))
    elif case == "betweenness_exact":
        v = view(kg)
        res["time_s"], _ = _timed(lambda: betweenness_vector(v, k=None, exact_threshold=10**9))
    elif case == "paths":
        s, t = _two_conditions(kg)
        res["pair"] = [s, t]
        res["cold_s"], df = _timed(lambda: paths(kg, s, t, k=20))
        res["time_s"], df = _timed(lambda: paths(kg, s, t, k=20))
        res["paths"] = len(df)
    elif case == "dwpc":
        hm = hetmat(kg)
        cond = np.flatnonzero(kg.node_class.astype(str) == "Condition")
        res["cold_s"], M = _timed(lambda: hm.dwpc("C<riEVcCGctC", rows=cond, cols=cond))
        hm2 = hetmat(kg, min_confidence=0.0)  # fresh matrices (built inside the timing), edge index cached
        res["time_s"], M = _timed(lambda: hm2.dwpc("C<riEVcCGctC", rows=cond, cols=cond))
        res["pairs"] = int(len(cond) ** 2)
        res["nonzero"] = int(M.nnz)
    elif case == "crosstalk":
        res["time_s"], _r = _timed(lambda: crosstalk(kg, permutations=permutations, seed=0))
        res["permutations"] = permutations
    res["peak_rss_mb"] = _rss_mb()
    return res


def _nx_graph(nx, v):
    G = nx.Graph()
    G.add_nodes_from(range(v.n))
    G.add_edges_from(zip(v.u.tolist(), v.v.tolist(), strict=True))
    return G


def spawn(case: str, graph: Path, permutations: int, timeout: float | None = None) -> dict:
    cmd = [sys.executable, __file__, "--case", case, "--graph", str(graph), "--permutations", str(permutations)]
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
    ap.add_argument("--permutations", type=int, default=100)
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--graph", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.graph, args.permutations), default=str))
        return 0
    from synthetic import SIZES, ensure

    graph = ensure(SIZES[args.size])
    small = ensure(SIZES["10k"])
    print(f"graph: {graph} ({args.size}); networkx betweenness on {small} (10k) only", flush=True)
    R = {}
    for case in ("load", "pagerank", "nx_pagerank", "betweenness", "paths", "dwpc", "crosstalk"):
        R[case] = spawn(case, graph, args.permutations)
        print(f"  {case}: {json.dumps(R[case], default=str)}", flush=True)
    for case in ("betweenness", "nx_betweenness", "betweenness_exact", "nx_betweenness_exact"):
        R["10k_" + case] = spawn(case, small, args.permutations, timeout=NX_TIMEOUT)
        print(f"  10k {case}: {json.dumps(R['10k_' + case], default=str)}", flush=True)

    def fig(case, key="time_s"):
        v = R.get(case, {}).get(key)
        return float("nan") if v is None else float(v)

    def line(name, got, target, ok):
        print(f"{name:<58} {got:<34} target {target:<22} {('PASS' if ok else 'MISS') if target else ''}")

    print("1-minute load average when each case started: "
          + ", ".join(f"{k} {v.get('loadavg_1min', float('nan')):.2f}" for k, v in R.items()))
    print(f"\nRESULTS ({args.size}: {R['load'].get('nodes')} nodes, {R['load'].get('edges')} edges; 2-core machine)")
    line("loading a built graph (evgraph.load)", f"{fig('load', 'load_s'):.2f} s", "<= 3 s", fig('load', 'load_s') <= 3)
    pr, nxpr = fig("pagerank"), fig("nx_pagerank")
    line("PageRank (scipy.sparse power iteration, tol 1e-8)", f"{pr:.3f} s (+view {fig('pagerank', 'view_s'):.2f} s)",
         "<= 0.5 s", pr <= 0.5)
    line("  networkx.pagerank (same graph as nx.Graph, same tol), prebuilt",
         f"{nxpr:.2f} s (its build {fig('nx_pagerank', 'nx_build_s'):.1f} s, not counted)", "", True)
    line("  speed-up, kernel vs networkx.pagerank", f"{nxpr / pr:.0f}x", ">= 30x", nxpr / pr >= 30)
    prv = pr + fig("pagerank", "view_s")
    line("  speed-up, kernel + view build from arrays vs networkx", f"{nxpr / prv:.1f}x", "(info)", True)
    bt = fig("betweenness")
    line("sampled betweenness, 64 pivots (igraph from arrays)", f"{bt:.2f} s", "<= 15 s", bt <= 15)
    print(f"  error estimate: {R['betweenness'].get('summary')}")
    nxb = R["10k_nx_betweenness"]
    line("  10k graph: evgraph vs networkx (k=64)",
         f"{fig('10k_betweenness'):.3f} s vs {nxb.get('time_s', float('nan')):.2f} s", "", True)
    line("  10k graph exact: evgraph vs networkx",
         f"{fig('10k_betweenness_exact'):.3f} s vs {R['10k_nx_betweenness_exact'].get('time_s', float('nan')):.2f} s",
         "", True)
    line("top-20 metapath paths between two conditions (warm)",
         f"{fig('paths'):.3f} s (cold {fig('paths', 'cold_s'):.2f})", "<= 1 s", fig("paths") <= 1)
    line("DWPC of C<riEVcCGctC for all condition pairs", f"{fig('dwpc'):.3f} s (cold {fig('dwpc', 'cold_s'):.2f})",
         "<= 1 s", fig("dwpc") <= 1)
    line(f"crosstalk with {args.permutations} permutations", f"{fig('crosstalk'):.1f} s", "<= 300 s",
         fig("crosstalk") <= 300)
    peak = max(float(r.get("peak_rss_mb", 0)) for r in R.values())
    line("peak memory of any case (ru_maxrss)", f"{peak:.0f} MB", "<= 2048 MB", peak <= 2048)
    return 0


if __name__ == "__main__":
    sys.exit(main())
