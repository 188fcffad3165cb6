"""Where the full build's time and memory go: each named stage and each source's read, timed.

Runs :func:`evgraph.build`'s stages one by one (``read`` per source, ``normalise``, ``count``,
``assemble``) on the sources of :mod:`bench_full_build` and prints wall time, CPU time and the
process's peak resident memory after each. A profiling aid beside ``bench_full_build.py`` (which
measures the whole build and runs the pandas peer); not a comparison.

    nice -n 10 python benchmarks/profile_full_build.py [--shared ../shared/data] [--without nichenet,omnipath]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--without", default="", help="comma-separated source names to leave out")
    args = ap.parse_args()
    from bench_full_build import specs

    without = {w.strip() for w in args.without.split(",") if w.strip()}
    t0, c0 = time.perf_counter(), time.process_time()

    def line(what: str, t: float, c: float) -> tuple[float, float]:
        t1, c1 = time.perf_counter(), time.process_time()
        print(f"{what:28s} wall {t1 - t:7.2f} s  cpu {c1 - c:7.2f} s  peak {_peak_mb():7.0f} MB", flush=True)
        return t1, c1

    from evgraph import __version__
    from evgraph.build.builder import assemble
    from evgraph.build.normalise import normalise
    from evgraph.build.qc import count
    from evgraph.sources import read

    t, c = line("imports", t0, c0)
    records = []
    for spec in specs(Path(args.shared), without):
        records.append(read(spec))
        t, c = line(f"read {spec.partition('=')[0]}", t, c)
    assembled = normalise(records)
    t, c = line("normalise", t, c)
    report = count(assembled, None, order=records)
    t, c = line("count", t, c)
    kg = assemble(assembled, metadata={"evgraph_version": __version__}, report=report)
    t, c = line("assemble", t, c)
    print(f"total wall {time.perf_counter() - t0:.1f} s, cpu {time.process_time() - c0:.1f} s, "
          f"peak {_peak_mb():.0f} MB; {kg.num_nodes} nodes, {kg.num_edges} edges; "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
