"""Survey of damaged rows in the public releases (the basis of evgraph.build.qc.DEFAULT_MAX_BAD).

    python tests/tools/damage_survey.py [READER ...]

Reads every release in ``../shared/data`` (or ``$EVGRAPH_SHARED_DATA``) with its reader and prints,
per reader, the rows read, the rows skipped as damaged (:data:`evgraph.build.qc.DAMAGE_PREFIXES`:
wrong field count, bad bytes, NUL, over-long lines, columns that do not fit the format) and every
skip reason. Reading only, no build; the nichenet networks take a few minutes.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from evgraph.build.qc import damaged
from evgraph.sources import READERS

ROOT = Path(__file__).resolve().parents[2]
D = Path(os.environ.get("EVGRAPH_SHARED_DATA", ROOT.parent / "shared" / "data"))
SPECS = [
    ("ontologies", D / "ontologies"), ("genes", D / "hetionet" / "hetionet-v1.0-nodes.tsv"),
    ("vesiclepedia", D / "ev_cargo"), ("exocarta", D / "ev_cargo"),
    ("mirtarbase", D / "mirna_targets" / "mirtarbase_hsa_MTI_full.csv.gz"),
    ("reactome", D / "pathways" / "ReactomePathways.gmt"),
    ("wikipathways", D / "pathways" / "wikipathways-20230410-gmt-Homo_sapiens.gmt"),
    ("msigdb", D / "pathways" / "h.all.v7.0.symbols.gmt"),
    ("hetio_pathways", D / "pathways" / "hetio_pathways_2016.tsv"),
    ("disgenet", D / "gene_disease" / "disgenet_v3_curated_gene_disease_associations.txt.gz"),
    ("diseases", D / "gene_disease" / "jensen_DISEASES_human_disease_knowledge_filtered.tsv"),
    ("ppi", D / "ppi" / "hetio_dag_protein_interactions.txt.gz"),
    ("ligand_receptor", D / "ligand_receptor" / "liana_consensus_ligand_receptor.tsv"),
    ("orthologs", D / "orthologs"), ("tissue_expression", D / "tissue_expression"),
    ("cell_markers", D / "cell_markers"), ("go_annotations", D / "go"), ("nichenet", D / "priors"),
    ("omnipath", D / "priors"), ("evmirna2", D / "ev_expression"),
]


def main(only: list[str]) -> int:
    for name, path in SPECS:
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        rep = READERS[name](str(path), {}).report
        bad, examples = damaged(rep)
        print(f"{name}: {rep.rows_read} rows read, {bad} damaged ({100 * bad / max(rep.rows_read, 1):.3f}%) "
              f"{examples[:2]}; skipped {dict(rep.skipped_counts)} ({time.perf_counter() - t0:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
