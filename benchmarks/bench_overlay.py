"""Benchmark: ``overlay`` with 500 cargo and a 300-gene receiver set on the full public build.

Builds the full public graph (every source of ``bench_build.py``, plus any of the prior
sources given with ``--extra NAME=PATH``, e.g. ``--extra nichenet=../shared/data/priors``),
then times ``overlay`` for 500 cargo (the miRNAs and genes with most prior-network edges) against
300 receiver genes, and the tissue-of-origin tests for the same cargo. The peer is networkx's
personalised PageRank on the same row-normalised, hub-corrected prior network (the same walk),
run for ``--peer-cargo`` cargo; the script checks that both give the same potentials and prints
the per-cargo time ratio. Targets: overlay <= 30 s and <= 4 GB.

    python benchmarks/bench_overlay.py [--data ../shared/data] [--support all] [--extra NAME=PATH ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_build import specs  # noqa: E402

import evgraph  # noqa: E402
from evgraph.analytics.origin import tissue_of_origin  # noqa: E402
from evgraph.analytics.overlay import RESTART, overlay, prior_network, regulatory_potential  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--support", default="all", choices=["strong", "weak", "all"])
    ap.add_argument("--extra", action="append", default=[], help="additional source NAME=PATH (repeatable)")
    ap.add_argument("--cargo", type=int, default=500)
    ap.add_argument("--receiver", type=int, default=300)
    ap.add_argument("--peer-cargo", type=int, default=10)
    args = ap.parse_args()

    print(f"1-minute load average at start: {os.getloadavg()[0]:.2f} (2-core machine shared with other jobs)")
    t0 = time.perf_counter()
    kg = evgraph.build(specs(args.data, args.support, True) + args.extra)
    print(f"build: {time.perf_counter() - t0:.1f} s, {kg.num_nodes} nodes, {kg.num_edges} edges")
    t0 = time.perf_counter()
    net = prior_network(kg)
    t_net = time.perf_counter() - t0
    print(f"prior network: {net.n} nodes, {net.P.nnz} transitions, {t_net:.2f} s")
    out_deg = np.diff(net.P.indptr)
    order = np.argsort(-out_deg, kind="stable")
    ids = kg.nodes["id"].to_numpy(dtype=object)
    cargo = [str(ids[net.nodes[p]]) for p in order[: args.cargo]]
    rng = np.random.default_rng(0)
    genes = np.flatnonzero(kg.node_class.astype(str)[net.nodes] == "Gene")
    receiver = [str(ids[net.nodes[p]]) for p in rng.choice(genes, size=args.receiver, replace=False)]

    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    df = overlay(kg, cargo, receiver)
    t_overlay = time.perf_counter() - t0
    t0 = time.perf_counter()
    org = tissue_of_origin(kg, cargo)
    t_origin = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    print(f"overlay ({len(df)} cargo ranked, {df.attrs['receiver_size']} receiver genes): {t_overlay:.2f} s "
          f"(target <= 30 s; 1-minute load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after)")
    print(f"tissue of origin ({len(org)} candidates): {t_origin:.2f} s")
    print(f"peak memory (max RSS, build included): {peak:.2f} GiB")

    import networkx as nx

    coo = net.P.tocoo()
    G = nx.DiGraph()
    G.add_nodes_from(range(net.n))
    G.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
    seeds = order[: args.peer_cargo]
    t0 = time.perf_counter()
    ours = regulatory_potential(net, seeds)
    t_ours = (time.perf_counter() - t0) / len(seeds)
    t0 = time.perf_counter()
    worst = 0.0
    for i, s in enumerate(seeds):
        pr = nx.pagerank(G, alpha=1 - RESTART, personalization={int(s): 1.0}, weight="weight", tol=1e-12,
                         max_iter=500, dangling={int(s): 1.0})
        v = np.array([pr[j] for j in range(net.n)])
        v[s] = 0.0
        mine = ours[i] / ours[i].sum()
        worst = max(worst, float(np.abs(v / v.sum() - mine).max()))
    t_nx = (time.perf_counter() - t0) / len(seeds)
    print(f"personalised PageRank per cargo: evgraph {t_ours * 1e3:.1f} ms (batched), networkx {t_nx * 1e3:.1f} ms; "
          f"ratio networkx/evgraph {t_nx / t_ours:.1f}x; max |difference| of normalised potentials {worst:.2e}")


if __name__ == "__main__":
    main()
