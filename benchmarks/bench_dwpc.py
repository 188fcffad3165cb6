"""DWPC for all pairs, evgraph beside hetmatpy on the same graph, one metapath per hetmatpy category.

For each metapath both tools compute the DWPC of every (source, target) pair of the end classes
(damping 0.4, the same repeated-node exclusions) and the script checks they agree, then prints
the times and the ratio (hetmatpy time / evgraph time, > 1 means evgraph is faster).

* evgraph: :func:`evgraph.analytics.dwpc_matrix` (sparse matrix + node index) on the built graph.
  ``cold``: a freshly opened graph object (no column read yet) whose metaedge matrices are
  stored beside the graph (:mod:`evgraph.analytics.matrix_store`, written by one call before
  the timings, as hetmatpy's folder is written before its timings): the call reads the
  metapath's stored adjacency matrices, as hetmatpy's does. ``first``: a freshly opened graph
  with the store off (``disk_cache=False``): the call reads the Parquet columns and builds the
  matrices (what the very first call on a new graph pays). ``warm``: the same graph object
  again (matrices cached in memory, as in a session).
* hetmatpy 0.1.0: ``hetmatpy.degree_weight.dwpc`` on a HetMat folder written from the same edge
  arrays (one metanode per class, every cargo class merged into ``Cargo`` as evgraph's ``CG``
  does; binary adjacency matrices saved uncompressed, so reading them is cheap), no
  path-count cache, so every call reads the adjacency matrices from disk (``metaedge_to_adjacency_matrix``
  is not cached; only the node identifier lists are, on the HetMat object, after its first call):
  hetmatpy has one time per metapath, the same call cold or warm. The folder is written outside
  the timing.

Each measurement is the median of ``--repeats`` runs, interleaved (evgraph, hetmatpy, ...).
hetmatpy is a benchmark-only dependency (``pip install -e ".[bench-hetmatpy]"``).

    nice -n 10 python benchmarks/bench_dwpc.py --size 100k
    nice -n 10 python benchmarks/bench_dwpc.py --size 1m --repeats 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

#: hetmatpy category -> a metapath of that category on the synthetic graphs.
CASES: dict[str, str] = {
    "no_repeats": "CTrEVcCGaPW",
    "short_repeat": "C<riEVcCGbmC",
    "disjoint": "EVcCG<cEVriCscC",
    "BABA": "CTrEVuCTrEV",
    "BABA-cargo": "EVcCG<cEVcCG",
    "BAAB": "CG<cEVctC<ctEVcCG",
}


def _kinds(kg) -> np.ndarray:
    """hetmatpy metanode of every node: its class, every cargo class as ``Cargo``."""
    schema = kg.schema
    cls = kg.node_class.astype(str)
    cargo = {c for c, info in schema.classes.items() if "Cargo" in info.parents}
    return np.where(np.isin(cls, list(cargo)), "Cargo", cls).astype(object)


def write_hetmat(kg, mps, folder: Path):
    """A hetmatpy HetMat folder with the metaedges of ``mps``; returns (HetMat, {abbrev: MetaPath})."""
    import hetmatpy.hetmat
    import hetnetpy.hetnet
    import pandas as pd
    import scipy.sparse as sp

    from evgraph.analytics.metagraph import abbreviations

    cab, rab = abbreviations()
    kinds = _kinds(kg)
    name = {"Cargo": "Cargo"}
    for mp in mps:
        for c in mp.classes:
            name.setdefault(c, c)
    tuples = []
    for mp in mps:
        for i, rel in enumerate(mp.relations):
            a, b = mp.classes[i], mp.classes[i + 1]
            subj, obj = (b, a) if mp.reverse[i] else (a, b)
            t = (name[subj], name[obj], rel, "forward")
            if t not in tuples:
                tuples.append(t)
    kind_to_abbrev = {k: cab[k] if k != "Cargo" else "CG" for k in {x for t in tuples for x in t[:2]}}
    kind_to_abbrev.update({t[2]: rab[t[2]] for t in tuples})
    mg = hetnetpy.hetnet.MetaGraph.from_edge_tuples(tuples, kind_to_abbrev)
    hm = hetmatpy.hetmat.HetMat(folder, initialize=True)
    hm.metagraph = mg
    ids = kg.nodes["id"].to_numpy(dtype=object)
    pos = np.zeros(kg.num_nodes, dtype=np.int64)
    members = {}
    for kind in kind_to_abbrev:
        if kind not in mg.node_dict:
            continue
        codes = np.flatnonzero(kinds == kind)
        members[kind] = codes
        pos[codes] = np.arange(len(codes))
        pd.DataFrame({"position": np.arange(len(codes)), "identifier": ids[codes], "name": ids[codes]}).to_csv(
            hm.get_nodes_path(kind), sep="\t", index=False)
    pred = kg.edges["predicate"].astype(str).to_numpy()
    for subj, obj, rel, _ in tuples:
        sel = (pred == rel) & (kinds[kg.src] == subj) & (kinds[kg.dst] == obj) & (kg.src != kg.dst)
        r, c = pos[kg.src[sel]], pos[kg.dst[sel]]
        M = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(members[subj]), len(members[obj])))
        M.data[:] = 1.0
        me = mg.get_metaedge((subj, obj, rel, "forward"))
        sp.save_npz(str(hm.get_edges_path(me, file_format=None)) + ".sparse.npz", M.tocsc(), compressed=False)
    metapaths = {}
    for mp in mps:
        edges = []
        for i, rel in enumerate(mp.relations):
            a, b = mp.classes[i], mp.classes[i + 1]
            subj, obj = (b, a) if mp.reverse[i] else (a, b)
            me = mg.get_metaedge((name[subj], name[obj], rel, "forward"))
            edges.append(me.inverse if mp.reverse[i] else me)
        metapaths[mp.abbrev] = mg.get_metapath(tuple(edges))
    return hm, metapaths, members


def _median_time(fn, repeats: int) -> tuple[float, object]:
    out, times = None, []
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100k", choices=["10k", "100k", "1m"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--case", action="append", choices=sorted(CASES), help="only these categories (repeatable)")
    args = ap.parse_args()
    import logging

    logging.getLogger().setLevel(logging.ERROR)
    import hetmatpy
    import hetmatpy.degree_weight
    from synthetic import SIZES, ensure

    import evgraph
    from evgraph.analytics import dwpc_matrix
    from evgraph.analytics.metagraph import Metapath

    graph = ensure(SIZES[args.size])
    kg = evgraph.load(graph)
    cases = {k: v for k, v in CASES.items() if not args.case or k in args.case}
    mps = [Metapath.parse(m) for m in cases.values()]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        hm, hmps, members = write_hetmat(kg, mps, Path(tmp) / "graph.hetmat")
        for cat, text in cases.items():
            mp = Metapath.parse(text)
            got_cat = hetmatpy.degree_weight.categorize(hmps[text])
            cold, warm, peer, first, cpu = [], [], [], [], {"cold": [], "warm": [], "first": [], "hetmatpy": []}
            dwpc_matrix(evgraph.load(graph), mp)  # stores the metaedge matrices beside the graph (untimed)
            for _ in range(args.repeats):  # interleaved
                fresh = evgraph.load(graph)
                t, c = time.perf_counter(), time.process_time()
                built = dwpc_matrix(fresh, mp, disk_cache=False)
                first.append(time.perf_counter() - t)
                cpu["first"].append(time.process_time() - c)
                fresh = evgraph.load(graph)
                t, c = time.perf_counter(), time.process_time()
                ours = dwpc_matrix(fresh, mp)
                cold.append(time.perf_counter() - t)
                cpu["cold"].append(time.process_time() - c)
                # the stored matrices give exactly the built ones' result
                assert (ours.matrix != built.matrix).nnz == 0 and np.array_equal(ours.rows, built.rows)
                t, c = time.perf_counter(), time.process_time()
                ours = dwpc_matrix(fresh, mp)
                warm.append(time.perf_counter() - t)
                cpu["warm"].append(time.process_time() - c)
                t, c = time.perf_counter(), time.process_time()
                _, _, theirs = hetmatpy.degree_weight.dwpc(hm, hmps[text], damping=0.4, dense_threshold=1)
                peer.append(time.perf_counter() - t)
                cpu["hetmatpy"].append(time.process_time() - c)
            med = {k: statistics.median(v) for k, v in cpu.items()}
            # same answer: hetmatpy's matrix is over its metanode positions, ours over the class nodes
            kinds = _kinds(kg)
            src_kind, dst_kind = kinds[ours.rows[0]], kinds[ours.cols[0]]
            rpos = np.searchsorted(members[src_kind], ours.rows)
            cpos = np.searchsorted(members[dst_kind], ours.cols)
            # compared as sparse matrices (a dense copy of a 1M graph's all-pairs block would not fit)
            theirs = sp.csr_matrix(theirs) if not sp.issparse(theirs) else theirs.tocsr()
            ref = theirs[rpos][:, cpos].tocsr()
            outside = abs(theirs).sum() - abs(ref).sum()
            diff = abs(ours.matrix.tocsr() - ref)
            err = float(diff.max()) if diff.nnz else 0.0
            rows.append((cat, got_cat, text, ours.matrix.shape, ours.matrix.nnz, statistics.median(cold),
                         statistics.median(warm), statistics.median(peer), err, outside, statistics.median(first),
                         med))
            print(f"  {cat}: {text} done ({ours.matrix.nnz} nonzero pairs)", file=sys.stderr, flush=True)
    print(f"\nDWPC all pairs, {args.size} synthetic graph ({kg.num_nodes} nodes, {kg.num_edges} edges), "
          f"median of {args.repeats}; hetmatpy {getattr(hetmatpy, '__version__', '0.1.0')}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print("cold = fresh graph object, matrices stored beside the graph (as hetmatpy's); first = fresh graph "
          "object, store off (Parquet columns read, matrices built); warm = same object again; "
          "ratio = hetmatpy / evgraph, > 1: evgraph faster; cpu = median process CPU per call (the steadier "
          "figure on a loaded machine)")
    print(f"{'category':<13} {'hetmatpy says':<13} {'metapath':<20} {'pairs':>12} {'nnz':>9} {'evgraph cold':>12} "
          f"{'warm':>8} {'first':>8} {'hetmatpy':>9} {'ratio cold':>10} {'ratio warm':>10} {'ratio first':>11} "
          f"{'max |diff|':>10} {'cpu cold':>9} {'warm':>7} {'first':>7} {'cpu hetmatpy':>12} {'cpu ratio cold':>14}")
    for cat, hcat, text, shape, nnz, c, w, p, err, outside, f, cpu in rows:
        print(f"{cat:<13} {hcat:<13} {text:<20} {shape[0] * shape[1]:>12} {nnz:>9} {c:>11.3f}s {w:>7.3f}s "
              f"{f:>7.3f}s {p:>8.3f}s {p / c:>9.1f}x {p / w:>9.1f}x {p / f:>10.1f}x {err:>10.1e} "
              f"{cpu['cold']:>8.3f}s {cpu['warm']:>6.3f}s {cpu['first']:>6.3f}s {cpu['hetmatpy']:>11.3f}s "
              f"{cpu['hetmatpy'] / max(cpu['cold'], 1e-9):>13.1f}x"
              + ("" if abs(outside) < 1e-9 else f"  (hetmatpy mass outside: {outside})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
