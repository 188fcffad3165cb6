"""Benchmark: build the graph from all of ../shared/data, with the complete human miRTarBase table.

Prints wall time per source and in total, peak memory (RSS) and the graph's size (nodes and
edges per class). Targets: <= 60 s and <= 4 GB. Progress bars per source go to stderr.

    python benchmarks/bench_build.py [--data ../shared/data] [--support all] [--no-curated] [--save DIR]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import evgraph  # noqa: E402
from evgraph.build.qc import BuildReport  # noqa: E402


def specs(d: Path, support: str, curated: bool) -> list[str]:
    out = [
        f"ontologies={d / 'ontologies'}",
        f"genes={d / 'hetionet' / 'hetionet-v1.0-nodes.tsv'}",
        f"vesiclepedia={d / 'ev_cargo'}",
        f"exocarta={d / 'ev_cargo'}",
        f"mirtarbase={d / 'mirna_targets' / 'mirtarbase_hsa_MTI_full.csv.gz'}#support={support}",
        f"reactome={d / 'pathways' / 'ReactomePathways.gmt'}",
        f"wikipathways={d / 'pathways' / 'wikipathways-20230410-gmt-Homo_sapiens.gmt'}",
        f"msigdb={d / 'pathways' / 'h.all.v7.0.symbols.gmt'}",
        f"hetio_pathways={d / 'pathways' / 'hetio_pathways_2016.tsv'}",
        f"disgenet={d / 'gene_disease' / 'disgenet_v3_curated_gene_disease_associations.txt.gz'}",
        f"diseases={d / 'gene_disease' / 'jensen_DISEASES_human_disease_knowledge_filtered.tsv'}",
        f"ppi={d / 'ppi' / 'hetio_dag_protein_interactions.txt.gz'}",
        f"ligand_receptor={d / 'ligand_receptor' / 'liana_consensus_ligand_receptor.tsv'}",
    ]
    return (["curated"] if curated else []) + out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--support", default="all", choices=["strong", "weak", "all"])
    ap.add_argument("--no-curated", action="store_true")
    ap.add_argument("--save", type=Path, default=None, help="also save the built graph here (timed)")
    args = ap.parse_args()

    rep = BuildReport()
    t0 = time.perf_counter()
    kg = evgraph.build(specs(args.data, args.support, not args.no_curated), report=rep)
    t_build = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        out = args.save or Path(tmp) / "g"
        t1 = time.perf_counter()
        evgraph.save(kg, str(out))
        rep.write(out)
        t_save = time.perf_counter() - t1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # KiB -> GiB

    print(f"{'source':18s} {'rows read':>10s} {'imported':>10s} {'skipped':>9s} {'edges':>9s} {'seconds':>8s}")
    for s in rep.sources:
        print(f"{s.name:18s} {s.rows_read:10d} {s.imported:10d} {sum(s.skipped_counts.values()):9d} "
              f"{s.edges:9d} {s.seconds:8.2f}")
    readers = sum(s.seconds for s in rep.sources)
    print(f"\nbuild (read + normalise + validate): {t_build:.1f} s (readers {readers:.1f} s, "
          f"merge/validate {t_build - readers:.1f} s); save: {t_save:.1f} s; total {t_build + t_save:.1f} s")
    print(f"peak memory (max RSS): {peak:.2f} GiB")
    print(f"graph: {kg.num_nodes} nodes, {kg.num_edges} edges")
    counts = kg.counts()
    for kind in ("nodes", "edges"):
        for k, v in sorted(counts[kind].items(), key=lambda kv: -kv[1]):
            print(f"  {kind[:-1]:4s} {k:18s} {v:9d}")


if __name__ == "__main__":
    main()
