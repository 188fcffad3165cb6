"""RDF export speed: evgraph's vectorised writer vs a plain rdflib serialisation of the same graph.

Each measurement runs in its own child process so its peak memory (max RSS) is its own.

    python benchmarks/bench_rdf.py --edges 1000000            # N-Triples + Turtle, rdflib on 20k edges
    python benchmarks/bench_rdf.py --edges 100000 --rdflib-edges 100000

Prints, per format: triples written, seconds, triples/s, peak RSS. The rdflib baseline (Memory
store: ``Graph.add`` per triple, then ``serialize``) is run on the first ``--rdflib-edges`` edges
(and their nodes) and extrapolated linearly to the full graph: at about 60 s per million triples
to build and twice that to write Turtle, the full run would take many minutes.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _graph(edges: int):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import ensure  # type: ignore[import-not-found]

    import evgraph

    return evgraph.load(ensure(edges))


def _subset(kg, n_edges: int):
    import numpy as np

    from evgraph.model import KnowledgeGraph

    edges = kg.edges.iloc[:n_edges].copy()
    used = np.unique(np.concatenate([kg.src[:n_edges], kg.dst[:n_edges]]))
    nodes = kg.nodes.iloc[used].reset_index(drop=True)
    ids = nodes["id"].to_numpy(dtype=object)
    for col in ("subject", "object"):
        edges[col] = edges[col].astype(str).astype("category").cat.set_categories(ids)
    return KnowledgeGraph(nodes, edges.reset_index(drop=True), kg.schema, kg.metadata)


def one_evgraph(edges: int, fmt: str) -> dict:
    from evgraph.formats.rdf import write_rdf

    kg = _graph(edges)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"kg.{fmt}"
        t0 = time.perf_counter()
        write_rdf(kg, path, fmt)
        secs = time.perf_counter() - t0
        size = path.stat().st_size
        if fmt == "nt":
            with path.open("rb") as fh:
                triples = sum(1 for _ in fh)
        else:
            triples = None
    return {"tool": "evgraph", "format": fmt, "edges": kg.num_edges, "triples": triples, "seconds": secs,
            "bytes": size, "peak_mb": _peak_mb()}


def one_rdflib(edges: int, subset: int) -> dict:
    import rdflib

    from evgraph.formats.rdf import to_rdf_string

    kg = _subset(_graph(edges), subset)
    nt = to_rdf_string(kg, "nt")
    parsed = rdflib.Graph()
    parsed.parse(data=nt, format="nt")
    triples = list(parsed)
    del parsed
    g = rdflib.Graph()
    t0 = time.perf_counter()
    for t in triples:
        g.add(t)
    build = time.perf_counter() - t0
    out = {}
    for fmt, name in (("nt", "nt"), ("ttl", "turtle")):
        t0 = time.perf_counter()
        g.serialize(format=name)
        out[fmt] = time.perf_counter() - t0
    return {"tool": "rdflib", "edges": kg.num_edges, "triples": len(g), "build_seconds": build,
            "nt_seconds": out["nt"], "ttl_seconds": out["ttl"], "peak_mb": _peak_mb()}


def _child(args: list[str]) -> dict:
    res = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edges", type=int, default=1_000_000, help="synthetic graph size (default 1000000)")
    ap.add_argument("--rdflib-edges", type=int, default=20_000, help="edges for the rdflib baseline (default 20000)")
    ap.add_argument("--formats", default="nt,ttl", help="evgraph formats to time (default nt,ttl)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        one = args.one
        result = one_rdflib(args.edges, args.rdflib_edges) if one == "rdflib" else one_evgraph(args.edges, one)
        print(json.dumps(result))
        return 0

    _graph(args.edges)  # generate (and cache) the synthetic graph once, outside the timings
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"RDF export of the synthetic graph with {args.edges:,} edges (1-min load average {load})")
    nt_triples = None
    for fmt in args.formats.split(","):
        r = _child(["--edges", str(args.edges), "--one", fmt])
        triples = r["triples"] or nt_triples
        nt_triples = nt_triples or r["triples"]
        rate = f"{triples / r['seconds']:>12,.0f} triples/s" if triples else ""
        print(f"  evgraph {fmt:6} {triples or 0:>12,} triples {r['seconds']:8.1f} s {rate}  "
              f"{r['bytes'] / 1e6:9.1f} MB file  peak RSS {r['peak_mb']:7.0f} MB")
    b = _child(["--edges", str(args.edges), "--rdflib-edges", str(args.rdflib_edges), "--one", "rdflib"])
    scale = (nt_triples or b["triples"]) / b["triples"]
    print(f"  rdflib (Memory store) on {b['edges']:,} edges = {b['triples']:,} triples, extrapolated x{scale:.1f}:")
    for what in ("build", "nt", "ttl"):
        secs = b[f"{what}_seconds"]
        print(f"    {what:5} {secs:8.2f} s measured -> {secs * scale:9.1f} s for the full graph "
              f"({b['triples'] / secs:>10,.0f} triples/s)")
    print(f"    peak RSS {b['peak_mb']:.0f} MB on the subset")
    return 0


if __name__ == "__main__":
    sys.exit(main())
