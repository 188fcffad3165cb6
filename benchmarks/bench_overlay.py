"""Benchmark: the whole ``evgraph overlay`` command, 500 cargo x 300 receiver genes, on the full build with the priors.

The graph is the full public build of ``bench_full_build.py`` (all its sources, NicheNet and
OmniPath included unless ``--without`` drops them). It is built once with ``evgraph build`` into
``--graph`` (default ``$TMPDIR/evgraph-bench-overlay-full``) and reused by later runs when its
``bench-sources.txt`` lists the same sources (a full build needs about 6 GB and 3-5 minutes).

The cargo are the 500 prior-network nodes with most outgoing transitions, the receiver 300 genes
drawn with seed 0 from the prior network; both are written as TSV files, then

    evgraph overlay --graph DIR --cargo cargo.tsv --receiver receiver.tsv --format csv --out ranked.csv

runs in a fresh process (``--repeat`` times) and the script prints its wall time, CPU time (user +
system) and peak memory (maximum resident set size of that process, from ``wait4``), beside the
targets (<= 30 s, <= 4 GB). ``evgraph origin`` on the same cargo is timed the same way.

The peer is networkx's personalised PageRank (``pagerank(personalization=...)``) on the same
row-normalised, hub-corrected prior network, for ``--peer-cargo`` cargo: the script prints the
per-cargo time ratio and the largest difference of the normalised potentials. It also checks the
float32 blocked kernel the command uses against a float64 run of the same iteration (largest
activity difference, and whether the ranking is the same).

    nice -n 10 python benchmarks/bench_overlay.py [--graph DIR] [--without nichenet,omnipath] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_full_build import specs  # noqa: E402

GIB = 1024 ** 3


def timed(cmd: list[str]) -> dict:
    """Run ``cmd``; its wall time, CPU time and peak RSS (this child only, from ``wait4``)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "EVGRAPH_PROGRESS": "0"})
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss * 1024, "stderr": err}


def ensure_graph(folder: Path, sources: list[str]) -> None:
    """Build the full graph into ``folder`` unless it already holds a build of exactly ``sources``."""
    stamp = folder / "bench-sources.txt"
    if stamp.is_file() and stamp.read_text().splitlines() == sources and (folder / "graph.json").is_file():
        print(f"graph: reusing {folder} (built from the same {len(sources)} sources)")
        return
    print(f"graph: building {folder} from {len(sources)} sources (about 6 GB and a few minutes) ...", flush=True)
    cmd = [sys.executable, "-m", "evgraph.cli", "build", "--out", str(folder)]
    for s in sources:
        cmd += ["--source", s]
    r = timed(cmd)
    print(f"  build: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU, peak {r['peak'] / GIB:.2f} GiB")
    stamp.write_text("\n".join(sources) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--graph", type=Path, default=Path(tempfile.gettempdir()) / "evgraph-bench-overlay-full",
                    help="built graph folder to reuse (built there when absent or from other sources)")
    ap.add_argument("--without", default="", help="comma-separated sources of bench_full_build.py to leave out")
    ap.add_argument("--cargo", type=int, default=500)
    ap.add_argument("--receiver", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=1, help="runs of the overlay command (each a fresh process)")
    ap.add_argument("--peer-cargo", type=int, default=3, help="cargo for the networkx peer (0 skips it)")
    args = ap.parse_args()
    without = {w.strip() for w in args.without.split(",") if w.strip()}
    sources = specs(args.data, without)
    print(f"1-minute load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
          "(the machine is shared with other jobs)")
    ensure_graph(args.graph, sources)

    import evgraph
    from evgraph.analytics.overlay import RESTART, _auprc_auroc, prior_network, regulatory_potential

    kg = evgraph.load(str(args.graph))
    net = prior_network(kg)
    priors = sorted({"nichenet", "omnipath"} - without)
    print(f"graph: {kg.num_nodes} nodes, {kg.num_edges} edges; prior network {net.n} nodes, {net.P.nnz} "
          f"transitions (priors on: {', '.join(priors) or 'none'})")
    out_deg = np.diff(net.P.indptr)
    order = np.argsort(-out_deg, kind="stable")
    ids = kg.node_column("id").to_numpy(dtype=object)
    seeds = order[: args.cargo]
    cargo = [str(ids[net.nodes[p]]) for p in seeds]
    rng = np.random.default_rng(0)
    genes = np.flatnonzero(kg.node_class[net.nodes] == "Gene")
    recv_pos = rng.choice(genes, size=args.receiver, replace=False)
    work = Path(tempfile.mkdtemp(prefix="bench-overlay-"))
    (work / "cargo.tsv").write_text("id\n" + "\n".join(cargo) + "\n")
    (work / "receiver.tsv").write_text("id\n" + "\n".join(str(ids[net.nodes[p]]) for p in recv_pos) + "\n")

    base = [sys.executable, "-m", "evgraph.cli"]
    cmd = [*base, "overlay", "--graph", str(args.graph), "--cargo", str(work / "cargo.tsv"), "--receiver",
                  str(work / "receiver.tsv"), "--format", "csv", "--out", str(work / "ranked.csv")]
    print("command: evgraph " + " ".join(cmd[3:]))
    for i in range(args.repeat):
        load = os.getloadavg()[0]
        r = timed(cmd)
        ok = "yes" if r["wall"] <= 30 and r["peak"] <= 4 * GIB else "NO"
        print(f"overlay run {i + 1}: {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, peak {r['peak'] / GIB:.2f} GiB "
              f"(target <= 30 s and <= 4 GB: {ok}; load {load:.2f} before)")
    import pandas as pd

    ranked = pd.read_csv(work / "ranked.csv")
    print(f"  {len(ranked)} cargo ranked; top 3: "
          + ", ".join(f"{r.label} {r.activity:.4f}" for r in ranked.head(3).itertuples()))
    r = timed([*base, "origin", "--graph", str(args.graph), "--cargo", str(work / "cargo.tsv"), "--format", "csv",
                      "--out", str(work / "origin.csv")])
    print(f"origin (same cargo): {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, peak {r['peak'] / GIB:.2f} GiB")

    # the float32 blocked kernel of the command against a float64 run of the same iteration
    bg = genes
    labels = np.isin(bg, recv_pos)
    t0 = time.process_time()
    r32 = regulatory_potential(net, seeds)
    t32 = time.process_time() - t0
    t0 = time.process_time()
    r64 = regulatory_potential(net, seeds, dtype=np.float64, tol=1e-12)
    t64 = time.process_time() - t0
    a32 = np.array([_auprc_auroc(r32[i, bg], labels)[0] for i in range(len(seeds))])
    a64 = np.array([_auprc_auroc(r64[i, bg], labels)[0] for i in range(len(seeds))])
    rank32, rank64 = (np.argsort(np.argsort(-a, kind="stable"), kind="stable") for a in (a32, a64))
    moved = rank32 != rank64
    from scipy.stats import spearmanr

    print(f"kernel: {len(seeds)} cargo float32 (tol 1e-6) {t32:.2f} s CPU, float64 (tol 1e-12) {t64:.2f} s CPU; "
          f"max |activity difference| {np.abs(a32 - a64).max():.2e}; {int(moved.sum())} cargo change rank, by at "
          f"most {int(np.abs(rank32 - rank64).max())}; same top 10: {bool((rank32[rank64 < 10] < 10).all())}; "
          f"Spearman {spearmanr(a32, a64).statistic:.6f}; max |potential difference| "
          f"{float(np.abs(r32 - r64).max()):.2e}")

    if args.peer_cargo:
        import networkx as nx

        coo = net.P.tocoo()
        G = nx.DiGraph()
        G.add_nodes_from(range(net.n))
        G.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True))
        peer = seeds[: args.peer_cargo]
        t_ours = t32 / len(seeds)
        t0 = time.process_time()
        worst = 0.0
        for i, s in enumerate(peer):
            pr = nx.pagerank(G, alpha=1 - RESTART, personalization={int(s): 1.0}, weight="weight", tol=1e-12,
                             max_iter=500, dangling={int(s): 1.0})
            v = np.array([pr[j] for j in range(net.n)])
            v[s] = 0.0
            mine = r64[i] / r64[i].sum()
            worst = max(worst, float(np.abs(v / v.sum() - mine).max()))
        t_nx = (time.process_time() - t0) / len(peer)
        print(f"personalised PageRank per cargo (CPU): evgraph {t_ours * 1e3:.1f} ms (float32, blocks of 128), "
              f"networkx {t_nx * 1e3:.0f} ms; ratio networkx/evgraph {t_nx / t_ours:.0f}x; "
              f"max |difference| of normalised potentials (float64 kernel vs networkx) {worst:.2e}")
    print(json.dumps({"load_end": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
