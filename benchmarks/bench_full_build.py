"""Full build with every shared source (old and new): wall time and peak memory, beside a pandas read of the same files.

The peer is the floor any importer pays: pandas reading every raw table of the same sources (no
normalisation, validation or graph). The ratio says how much the build costs on top of that.

    nice -n 10 python benchmarks/bench_full_build.py [--shared ../shared/data] [--without nichenet]

Peak memory is the process's maximum resident set size (``resource.getrusage``), measured in a
fresh subprocess per side. PyDESeq2 results (evmirna2) and decoded R tables (nichenet) are read
from ``$EVGRAPH_CACHE`` when present: the script reports whether the caches were warm.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
if mode == "evgraph":
    import evgraph
    from evgraph.build.qc import BuildReport
    rep = BuildReport()
    kg = evgraph.build(payload, report=rep)
    extra = {"nodes": kg.num_nodes, "edges": kg.num_edges, "sources": [s.name for s in rep.sources]}
else:
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--without", default="", help="comma-separated source names to leave out")
    args = ap.parse_args()
    d = Path(args.shared)
    without = {w.strip() for w in args.without.split(",") if w.strip()}
    s = specs(d, without)
    files = sorted(str(p) for p in d.rglob("*") if p.is_file() and p.suffix not in (".md", ".py"))
    ev = run("evgraph", s)
    peer = run("pandas", files)
    print(f"evgraph build, {len(s)} sources: {ev['seconds']:.1f} s, peak {ev['peak_mb']:.0f} MB, "
          f"{ev['nodes']} nodes, {ev['edges']} edges")
    print(f"pandas read of the same raw files: {peer['seconds']:.1f} s, peak {peer['peak_mb']:.0f} MB")
    print(f"ratio evgraph / pandas read: time {ev['seconds'] / peer['seconds']:.2f}x, "
          f"memory {ev['peak_mb'] / peer['peak_mb']:.2f}x")
    load = os.getloadavg()[0]
    print(f"machine load average at the end: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
