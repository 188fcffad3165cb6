"""Full build with every shared source (old and new): wall time, CPU time and peak memory, beside a pandas read.

The evgraph side is the whole command a user runs, ``evgraph build --source ... --out DIR``
(read, normalise, validate, write the graph folder and its QC report), in a fresh process; the
script prints that command. The peer is the floor any importer pays: pandas reading every raw
table of the same sources (no normalisation, validation or graph). The ratio says how much the
build costs on top of that.

    nice -n 10 python benchmarks/bench_full_build.py [--shared ../shared/data] [--without issue14|nichenet,...]
                                                     [--no-peer]

``--without issue14`` leaves out the sources of issue 14 (orthologs, evmirna2, tissue_expression,
cell_markers, go_annotations, nichenet, omnipath): the "full build without the priors" of issue 17.
Wall time, CPU time (user + system of the child, from ``os.wait4``) and peak resident memory
(``ru_maxrss`` of the child) are printed; on a shared machine the CPU time is the steadier figure.
PyDESeq2 results (evmirna2) and decoded R tables (nichenet) are read from ``$EVGRAPH_CACHE`` when
present (the first build fills them): the script says whether the caches were warm.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


ISSUE14 = ("orthologs", "evmirna2", "tissue_expression", "cell_markers", "go_annotations", "nichenet", "omnipath")


def specs(d: Path, without: set[str]) -> list[str]:
    all_specs = {
        "curated": "curated", "ontologies": f"ontologies={d / 'ontologies'}",
        "genes": f"genes={d / 'hetionet' / 'hetionet-v1.0-nodes.tsv'}",
        "vesiclepedia": f"vesiclepedia={d / 'ev_cargo'}", "exocarta": f"exocarta={d / 'ev_cargo'}",
        "mirtarbase": f"mirtarbase={d / 'mirna_targets' / 'mirtarbase_hsa_MTI_full.csv.gz'}",
        "reactome": f"reactome={d / 'pathways' / 'ReactomePathways.gmt'}",
        "wikipathways": f"wikipathways={d / 'pathways' / 'wikipathways-20230410-gmt-Homo_sapiens.gmt'}",
        "msigdb": f"msigdb={d / 'pathways' / 'h.all.v7.0.symbols.gmt'}",
        "hetio_pathways": f"hetio_pathways={d / 'pathways' / 'hetio_pathways_2016.tsv'}",
        "disgenet": f"disgenet={d / 'gene_disease' / 'disgenet_v3_curated_gene_disease_associations.txt.gz'}",
        "diseases": f"diseases={d / 'gene_disease' / 'jensen_DISEASES_human_disease_knowledge_filtered.tsv'}",
        "ppi": f"ppi={d / 'ppi' / 'hetio_dag_protein_interactions.txt.gz'}",
        "ligand_receptor": f"ligand_receptor={d / 'ligand_receptor' / 'liana_consensus_ligand_receptor.tsv'}",
        "orthologs": f"orthologs={d / 'orthologs'}", "evmirna2": f"evmirna2={d / 'ev_expression'}",
        "tissue_expression": f"tissue_expression={d / 'tissue_expression'}",
        "cell_markers": f"cell_markers={d / 'cell_markers'}", "go_annotations": f"go_annotations={d / 'go'}",
        "nichenet": f"nichenet={d / 'priors'}",
        "omnipath": f"omnipath={d / 'priors' / 'omnipath_carnival_signed_directed.tsv'}",
    }
    return [v for k, v in all_specs.items() if k not in without]


CHILD = r"""
import json, resource, sys, time
mode, payload = sys.argv[1], json.loads(sys.argv[2])
t0 = time.perf_counter()
if mode == "pandas":
    import pandas as pd, pyreadr
    from pathlib import Path
    rows = 0
    for f in payload:
        p = Path(f)
        if p.suffix == ".rda":
            rows += sum(len(v) for v in pyreadr.read_r(str(p)).values())
        elif p.name.endswith((".tsv", ".txt", ".csv", ".gz", ".gmt", ".data")) and not p.name.endswith(".zst"):
            try:
                sep = "," if ".csv" in p.name else "\t"
                rows += len(pd.read_csv(p, sep=sep, dtype=str, header=None, on_bad_lines="skip",
                                        quoting=3, engine="c"))
            except Exception:
                pass
    extra = {"rows": rows}
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
"""


def run(mode: str, payload) -> dict:
    env = {**os.environ, "EVGRAPH_PROGRESS": "0"}
    out = subprocess.run([sys.executable, "-c", CHILD, mode, json.dumps(payload)], capture_output=True, text=True,
                         env=env, cwd=ROOT)
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_cli(args: list[str]) -> dict:
    """Run a command in a child process: wall time, CPU time (user + system) and peak RSS of the child."""
    import time

    env = {**os.environ, "EVGRAPH_PROGRESS": "0"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"evgraph build failed:\n{err[-3000:]}")
    return {"seconds": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def cache_state() -> str:
    root = Path(os.environ.get("EVGRAPH_CACHE") or Path.home() / ".cache" / "evgraph")  # as evgraph resolves it
    warm = [n for n in ("evmirna2-pydeseq2", "priors") if (root / n).is_dir() and any((root / n).iterdir())]
    return f"{root}: warm {', '.join(warm) or 'none'}"


def compile_bytecode() -> None:
    """Write evgraph's bytecode once, as ``pip install`` does for an installed package (as ``bench_speed.py``).

    An editable checkout run with ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every
    evgraph module again in every timed process, while the peer's libraries (installed wheels)
    load their ``.pyc`` files; ``__pycache__`` is git-ignored."""
    import compileall

    compileall.compile_dir(str(ROOT / "evgraph"), quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--without", default="", help="comma-separated source names to leave out ('issue14': all of "
                                                   "issue 14's sources)")
    ap.add_argument("--out", default=None, help="graph folder to write (default: a temporary folder, removed)")
    ap.add_argument("--no-peer", action="store_true", help="skip the pandas read of the raw files")
    args = ap.parse_args()
    compile_bytecode()
    import shlex
    import shutil
    import tempfile

    d = Path(args.shared)
    without = {w.strip() for w in args.without.split(",") if w.strip()}
    if "issue14" in without:
        without = (without - {"issue14"}) | set(ISSUE14)
    s = specs(d, without)
    tmp = tempfile.mkdtemp(prefix="evgraph-fullbuild-")
    out = args.out or str(Path(tmp) / "graph")
    evgraph_bin = str(Path(sys.executable).with_name("evgraph"))
    cmd = [evgraph_bin, "build", *[a for spec in s for a in ("--source", spec)], "--out", out]
    print("command: " + " ".join(shlex.quote(a) for a in cmd), flush=True)
    print(f"caches before: {cache_state()}", flush=True)
    ev = run_cli(cmd)
    report = json.loads((Path(out) / "build-report.json").read_text())
    graph = report.get("graph", {})
    print(f"evgraph build, {len(s)} sources: {ev['seconds']:.1f} s wall, {ev['cpu_s']:.1f} s CPU, "
          f"peak {ev['peak_mb']:.0f} MB, {graph.get('num_nodes')} nodes, {graph.get('num_edges')} edges", flush=True)
    if not args.out:
        shutil.rmtree(tmp, ignore_errors=True)
    if not args.no_peer:
        files = sorted(str(p) for p in d.rglob("*") if p.is_file() and p.suffix not in (".md", ".py"))
        peer = run("pandas", files)
        print(f"pandas read of the same raw files: {peer['seconds']:.1f} s, peak {peer['peak_mb']:.0f} MB")
        print(f"ratio evgraph / pandas read: time {ev['seconds'] / peer['seconds']:.2f}x, "
              f"memory {ev['peak_mb'] / peer['peak_mb']:.2f}x")
    load = os.getloadavg()[0]
    print(f"machine load average at the end: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
