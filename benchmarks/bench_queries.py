"""Benchmark the Cypher query library on the embedded engine and on Neo4j; prints figures.

For each graph: the embedded database build (cached in the graph folder after the first run)
and every library query's latency (median of --repeat warm runs), on LadybugDB and, when a
Neo4j server is given, on Neo4j after loading the graph over Bolt (load rate printed).

    python benchmarks/bench_queries.py                                  # curated graph, embedded only
    python benchmarks/bench_queries.py --graph 1m --neo4j bolt://127.0.0.1:7687
    python benchmarks/bench_queries.py --graph benchmarks/data/syn-100k/graph --hub
    python benchmarks/bench_queries.py --graph 1m --rebuild --phases --queries top_cargo --repeat 1

Parameters: on the curated graph the queries' defaults; on another graph each node parameter
gets a node of the same class as its default: a typical one (75th percentile of degree among
connected nodes of that class) and, with --hub, also the highest-degree one (worst case).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import evgraph  # noqa: E402
from evgraph.query import Query, library, run_query  # noqa: E402
from evgraph.query.embedded import EmbeddedEngine  # noqa: E402


def open_graph(spec: str) -> tuple[evgraph.KnowledgeGraph, str | None]:
    if spec == "curated":
        return evgraph.build(), None
    if spec in ("10k", "100k", "1m"):
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from synthetic import SIZES, ensure

        graph_dir = str(ensure(SIZES[spec]))
        return evgraph.load(graph_dir), graph_dir
    return evgraph.load(spec), spec


class ParamPicker:
    """Parameter values for a non-curated graph, by the class of each node parameter's default."""

    def __init__(self, kg: evgraph.KnowledgeGraph, curated: evgraph.KnowledgeGraph):
        self.kg, self.curated = kg, curated
        self.degree = np.bincount(np.concatenate([kg.src, kg.dst]), minlength=kg.num_nodes)

    def node(self, cls: str, hub: bool) -> str:
        codes = np.flatnonzero((self.kg.node_class == cls) & (self.degree > 0))
        if not len(codes):
            return ""
        order = codes[np.lexsort((codes, self.degree[codes]))]
        pick = order[-1] if hub else order[int(0.75 * (len(order) - 1))]
        return str(self.kg.nodes["id"].iat[pick])

    def params(self, q: Query, hub: bool) -> dict[str, Any]:
        kg, out = self.kg, {}
        for p in q.params:
            if p.type == "node" and p.default:
                out[p.name] = self.node(str(self.curated.nodes["category"].iat[self.curated.index_of(p.default)]), hub)
        if q.name == "edge_references":
            s_cls = self.curated.nodes["category"].iat[self.curated.index_of(q.bind()["subject"])]
            o_cls = self.curated.nodes["category"].iat[self.curated.index_of(q.bind()["object"])]
            mask = (kg.node_class[kg.src] == s_cls) & (kg.node_class[kg.dst] == o_cls)
            idx = np.flatnonzero(mask)
            if len(idx):
                score = self.degree[kg.src[idx]] + self.degree[kg.dst[idx]]
                i = idx[np.argmax(score)] if hub else idx[np.argsort(score, kind="stable")[int(0.75 * (len(idx) - 1))]]
                out = {"subject": str(kg.edges["subject"].iat[i]), "object": str(kg.edges["object"].iat[i])}
        if q.name == "condition_routes":  # anchor on one condition of the starting category
            cls_mask = kg.nodes["condition_category"].astype(str).to_numpy() == q.bind()["from_category"]
            codes = np.flatnonzero(cls_mask & (self.degree > 0))
            if len(codes):
                order = codes[np.lexsort((codes, self.degree[codes]))]
                out["source"] = str(kg.nodes["id"].iat[order[-1] if hub else order[int(0.75 * (len(order) - 1))]])
        if q.name == "publication_statements":
            counts = kg.edges["publications"].astype(str).str.split("|").explode().value_counts()
            counts = counts[counts.index != ""]
            out = {"publication": str(counts.index[0] if hub else counts.index[int(0.25 * (len(counts) - 1))])}
        return out


def build_phases(kg: evgraph.KnowledgeGraph, folder: Path) -> None:
    """Build the embedded database once more in a temporary folder, printing each phase's wall and
    CPU seconds (the steps of :func:`evgraph.query.embedded.populate`): on a loaded machine, a
    wall/CPU ratio that is the same in every phase says the gap is the shared CPU, not the disk."""
    import resource
    import shutil
    import tempfile

    import ladybug as lb

    from evgraph.query.embedded import populate

    tmp = Path(tempfile.mkdtemp(prefix=".bench-phases-", dir=folder))
    last = [time.perf_counter(), time.process_time()]

    def mark(what: str) -> None:
        t, c = time.perf_counter(), time.process_time()
        print(f"  {what:34s} {t - last[0]:7.2f} s wall {c - last[1]:7.2f} s CPU  peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True)
        last[:] = [t, c]

    print("embedded database build, phase by phase (a second build, in a temporary folder):")
    try:
        db = lb.Database(str(tmp / "phases.lbug"))
        conn = lb.Connection(db)
        populate(conn, kg, on_phase=mark)
        conn.close()
        db.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def timed(fn, repeat: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``repeat`` warm runs (CPU: this process, all its threads;
    on a loaded machine the steadier figure for the in-process embedded engine)."""
    result = fn()  # warm-up (plans, caches)
    times, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpus), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", default="curated", help="curated, 10k, 100k, 1m or a built-graph folder")
    ap.add_argument("--neo4j", default=None, metavar="URI", help="also load into and query this Neo4j server "
                    "(its evgraph nodes are replaced)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query (median printed)")
    ap.add_argument("--queries", default="", help="comma-separated query names (default: all)")
    ap.add_argument("--hub", action="store_true", help="also run with the highest-degree parameters")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached embedded database (timed)")
    ap.add_argument("--phases", action="store_true", help="also time the database build phase by phase "
                    "(an extra build in a temporary folder)")
    ap.add_argument("--batch-size", type=int, default=10_000, help="Neo4j load batch size")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    kg, graph_dir = open_graph(args.graph)
    print(f"graph {args.graph}: {kg.num_nodes:,} nodes, {kg.num_edges:,} edges (loaded in "
          f"{time.perf_counter() - t0:.1f}s)")
    curated = kg if args.graph == "curated" else evgraph.build()
    picker = None if args.graph == "curated" else ParamPicker(kg, curated)
    wanted = [n for n in args.queries.split(",") if n]
    queries = [q for q in library().values() if not wanted or q.name in wanted]

    t0, c0 = time.perf_counter(), time.process_time()
    if graph_dir and args.rebuild:
        from evgraph.query.embedded import DB_FILE, KEY_FILE

        for name in (DB_FILE, KEY_FILE):  # time a cold build
            (Path(graph_dir) / name).unlink(missing_ok=True)
    embedded = EmbeddedEngine(kg, graph_dir)
    import resource

    print(f"embedded database built or opened in {time.perf_counter() - t0:.2f}s wall, "
          f"{time.process_time() - c0:.2f}s CPU, peak RSS so far "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
          + (f" (cached in {graph_dir})" if graph_dir else " (in memory)"))
    t0 = time.perf_counter()
    if graph_dir:
        embedded.close()
        embedded = EmbeddedEngine(kg, graph_dir)
        print(f"embedded database opened from cache in {time.perf_counter() - t0:.2f}s")

    if args.phases:
        build_phases(kg, Path(graph_dir) if graph_dir else Path(tempfile.gettempdir()))

    engines: list[Any] = [embedded]
    if args.neo4j:
        from evgraph.query.neo4j import Neo4jEngine, load_graph

        neo = Neo4jEngine.from_env(args.neo4j)
        from evgraph.query.neo4j import clear_graph

        t0 = time.perf_counter()
        clear_graph(kg, neo)
        print(f"neo4j: cleared in {time.perf_counter() - t0:.1f}s")
        report = load_graph(kg, neo, batch_size=args.batch_size, progress=False)
        print(f"neo4j load: {report}")
        print(f"neo4j load rate: {report.relationship_rate:,.0f} relationships/s in the relationship phase "
              f"({report.relationships / report.seconds:,.0f}/s over the whole load incl. nodes and constraints)")
        t0 = time.perf_counter()
        again = load_graph(kg, neo, batch_size=args.batch_size, progress=False)
        print(f"neo4j second load (idempotent): {again.nodes_created} nodes, {again.relationships_created} "
              f"relationships created in {time.perf_counter() - t0:.1f}s")
        engines.append(neo)

    variants = [False, True] if (args.hub and picker) else [False]
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"1-min load average {load}; cpu ms = this process's CPU time (embedded engine only)")
    header = f"{'query':28s} {'params':8s} " + " ".join(
        f"{e.name + ' ms':>12s} {'cpu ms':>8s} {'rows':>8s}" for e in engines)
    print(header)
    print("-" * len(header))
    for q in queries:
        for hub in variants:
            params = picker.params(q, hub) if picker else {}
            cells = []
            for engine in engines:
                try:
                    secs, cpu, df = timed(lambda e=engine, q=q, p=params: run_query(kg, q, p, engine=e),
                                          args.repeat)
                    cpu_cell = f"{cpu * 1000:8.1f}" if engine is embedded else f"{'':>8s}"
                    cells.append(f"{secs * 1000:12.1f} {cpu_cell} {len(df):8d}")
                except Exception as exc:  # report and go on
                    cells.append(f"{'ERROR':>12s} {'':8s} {'':8s}")
                    print(f"  {q.name} on {engine.name}: {exc}", file=sys.stderr)
            label = "hub" if hub else ("default" if not picker else "typical")
            print(f"{q.name:28s} {label:8s} " + " ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
