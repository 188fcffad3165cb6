"""RDF export speed: evgraph's writer vs pyoxigraph's serialiser and rdflib on the same triples.

Each measurement runs in its own child process so its peak memory (max RSS) is its own.

    python benchmarks/bench_rdf.py --edges 1000000            # N-Triples + Turtle, rdflib on 20k edges
    python benchmarks/bench_rdf.py --edges 100000 --rdflib-edges 100000

Prints, per format: triples written, seconds (wall and CPU), triples/s, peak RSS, for

* **evgraph, whole command**: ``python -m evgraph.cli export rdf --graph G --out kg.nt`` in a
  child process (interpreter start, imports, opening the graph, writing the file);
* **evgraph, in process**: :func:`evgraph.formats.rdf.write_rdf` on a loaded graph;
* **pyoxigraph** ``Store.dump`` of the same triples (evgraph's N-Triples bulk-loaded into an
  in-memory store first, not timed): its Rust serialiser on a prebuilt store, the best case of
  "serialise what you hold" (an on-disk RocksDB store dumps several times slower);
* **rdflib** (Memory store: ``Graph.add`` per triple, then ``serialize``) on the first
  ``--rdflib-edges`` edges (and their nodes), extrapolated linearly to the full graph.

The ratios printed are peer seconds / evgraph whole-command seconds (> 1: evgraph is faster),
by wall time and by CPU time (on a loaded machine, CPU time is the steadier of the two; both
tools are single-threaded here). The 1-minute load average is printed with the figures.

``--interleave N`` adds the fair wall-time comparison for N-Triples: with pyoxigraph's store
loaded once, ``Store.dump`` and the whole ``evgraph export rdf`` command (a child process) run
alternately N times each, so both see the same load; medians and their ratio are printed.

    python benchmarks/bench_rdf.py --edges 1000000 --skip-rdflib --formats nt --interleave 3
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


def _cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _cpu_self() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def one_cli(edges: int, fmt: str, count: bool = True) -> dict:
    """The whole command, ``evgraph export rdf``, in a child process (its own wall, CPU and RSS)."""
    import os

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import ensure  # type: ignore[import-not-found]

    graph = ensure(edges)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"kg.{fmt}"
        cpu0, t0 = _cpu_children(), time.perf_counter()
        subprocess.run([sys.executable, "-m", "evgraph.cli", "export", "rdf", "--graph", str(graph), "--out",
                        str(path)], check=True, capture_output=True, cwd=ROOT,
                       env={**os.environ, "EVGRAPH_PROGRESS": "off"})
        secs, cpu = time.perf_counter() - t0, _cpu_children() - cpu0
        size = path.stat().st_size
        triples = None
        if fmt == "nt" and count:
            with path.open("rb") as fh:
                triples = sum(1 for _ in fh)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"tool": "evgraph-cli", "format": fmt, "triples": triples, "seconds": secs, "cpu": cpu, "bytes": size,
            "peak_mb": peak}


def one_pyoxigraph(edges: int, interleave: int = 0) -> dict:
    """pyoxigraph's ``Store.dump`` (N-Triples and Turtle) of evgraph's triples, store prebuilt.

    With ``interleave`` > 0, then that many alternating rounds of (N-Triples ``Store.dump``, the
    whole ``evgraph export rdf`` N-Triples command), each timed: ``rounds`` in the result.
    """
    import pyoxigraph as ox

    from evgraph.formats.rdf import write_rdf
    from evgraph.formats.rdf.mapping import turtle_prefixes

    kg = _graph(edges)
    out = {"tool": "pyoxigraph"}
    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "in.nt"
        write_rdf(kg, nt, "nt")
        prefixes = turtle_prefixes(kg.schema)
        del kg
        store = ox.Store()  # in memory: the fastest store to dump from
        t0 = time.perf_counter()
        store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        out["load_seconds"] = time.perf_counter() - t0
        nt.unlink()
        out["triples"] = len(store)
        for fmt, rdf, kw in (("nt", ox.RdfFormat.N_TRIPLES, {}), ("ttl", ox.RdfFormat.TURTLE, {"prefixes": prefixes})):
            path = Path(tmp) / f"out.{fmt}"
            cpu0, t0 = _cpu_self(), time.perf_counter()
            store.dump(str(path), rdf, from_graph=ox.DefaultGraph(), **kw)
            out[f"{fmt}_seconds"], out[f"{fmt}_cpu"] = time.perf_counter() - t0, _cpu_self() - cpu0
            out[f"{fmt}_bytes"] = path.stat().st_size
            path.unlink()
        rounds = []
        for _ in range(interleave):
            path = Path(tmp) / "out.nt"
            cpu0, t0 = _cpu_self(), time.perf_counter()
            store.dump(str(path), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            peer = {"seconds": time.perf_counter() - t0, "cpu": _cpu_self() - cpu0}
            path.unlink()
            ours = one_cli(edges, "nt", count=False)
            rounds.append({"pyoxigraph": peer, "evgraph": {"seconds": ours["seconds"], "cpu": ours["cpu"]},
                           "load": _loadavg()})
        out["rounds"] = rounds
    out["peak_mb"] = _peak_mb()
    return out


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"


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
    ap.add_argument("--skip-pyoxigraph", action="store_true", help="leave out the pyoxigraph peer")
    ap.add_argument("--skip-rdflib", action="store_true", help="leave out the rdflib peer")
    ap.add_argument("--interleave", type=int, default=0, metavar="N",
                    help="also N alternating rounds of pyoxigraph's N-Triples dump and the whole evgraph "
                         "command, under the same load (medians and ratio printed)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        one = args.one
        if one == "rdflib":
            result = one_rdflib(args.edges, args.rdflib_edges)
        elif one == "pyoxigraph":
            result = one_pyoxigraph(args.edges, args.interleave)
        elif one.startswith("cli-"):
            result = one_cli(args.edges, one[4:])
        else:
            result = one_evgraph(args.edges, one)
        print(json.dumps(result))
        return 0

    _graph(args.edges)  # generate (and cache) the synthetic graph once, outside the timings
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"RDF export of the synthetic graph with {args.edges:,} edges (1-min load average {load})")
    nt_triples = None
    cli = {}
    for fmt in args.formats.split(","):
        r = _child(["--edges", str(args.edges), "--one", f"cli-{fmt}"])
        cli[fmt] = r
        nt_triples = nt_triples or r["triples"]
        print(f"  evgraph {fmt:6} whole command {r['seconds']:8.1f} s wall {r['cpu']:8.1f} s CPU  "
              f"{r['bytes'] / 1e6:9.1f} MB file  peak RSS {r['peak_mb']:7.0f} MB")
    if not args.skip_pyoxigraph:
        ox = _child(["--edges", str(args.edges), "--interleave", str(args.interleave), "--one", "pyoxigraph"])
        print(f"  pyoxigraph Store.dump of the same {ox['triples']:,} triples (bulk_load first: "
              f"{ox['load_seconds']:.1f} s, not timed), peak RSS {ox['peak_mb']:.0f} MB:")
        for fmt in ("nt", "ttl"):
            line = (f"    {fmt:5} {ox[f'{fmt}_seconds']:8.1f} s wall {ox[f'{fmt}_cpu']:8.1f} s CPU "
                    f"{ox[f'{fmt}_bytes'] / 1e6:9.1f} MB")
            if fmt in cli:
                line += (f"  -> pyoxigraph / evgraph whole command: {ox[f'{fmt}_seconds'] / cli[fmt]['seconds']:.2f}x "
                         f"wall, {ox[f'{fmt}_cpu'] / cli[fmt]['cpu']:.2f}x CPU")
            print(line)
        if ox["rounds"]:
            import statistics

            print("  interleaved N-Triples rounds (pyoxigraph Store.dump, then the whole evgraph command):")
            for i, r in enumerate(ox["rounds"], 1):
                peer = r["pyoxigraph"]
                print(f"    round {i}: pyoxigraph {peer['seconds']:7.1f} s wall {peer['cpu']:6.1f} s "
                      f"CPU | evgraph {r['evgraph']['seconds']:7.1f} s wall {r['evgraph']['cpu']:6.1f} s CPU "
                      f"(load {r['load']})")
            med = {t: {k: statistics.median(r[t][k] for r in ox["rounds"]) for k in ("seconds", "cpu")}
                   for t in ("pyoxigraph", "evgraph")}
            wall = med["pyoxigraph"]["seconds"] / med["evgraph"]["seconds"]
            print(f"    medians: pyoxigraph {med['pyoxigraph']['seconds']:.1f} s wall, evgraph whole command "
                  f"{med['evgraph']['seconds']:.1f} s wall -> {wall:.2f}x "
                  f"wall, {med['pyoxigraph']['cpu'] / med['evgraph']['cpu']:.2f}x CPU")
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"  (1-min load average now {load})")
    for fmt in args.formats.split(","):
        r = _child(["--edges", str(args.edges), "--one", fmt])
        triples = r["triples"] or nt_triples
        nt_triples = nt_triples or r["triples"]
        rate = f"{triples / r['seconds']:>12,.0f} triples/s" if triples else ""
        print(f"  evgraph {fmt:6} {triples or 0:>12,} triples {r['seconds']:8.1f} s {rate}  "
              f"{r['bytes'] / 1e6:9.1f} MB file  peak RSS {r['peak_mb']:7.0f} MB")
    if args.skip_rdflib:
        return 0
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
