"""Ligand-receptor pairs (OmniPath / LIANA consensus): ``--source ligand_receptor=FILE``.

Columns ``ligand_uniprot, receptor_uniprot, ligand_symbol, receptor_symbol`` (LIANA
``omni_resource.csv``; OmniPath ``source_genesymbol, target_genesymbol`` also work), CSV or TSV.
Complex members joined by ``_`` (``ITGA4_ITGB1``) are split: the ligand is linked to every
subunit. Each pair becomes ``ligand interacts_with receptor`` (human, ``infores:omnipath``)
with evidence ``ligand-receptor``: the link between an EV's surface cargo and a receptor on a
target cell. Symbols are resolved to NCBI Gene IDs at the end of the build; UniProt accessions
are kept as xrefs of the gene node.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..build.records import SourceRecords
from ._context import gene_placeholder, start_source
from ._io import Table, progress

COLUMNS = {
    "ligand": ("ligand symbol", "ligand", "source genesymbol", "ligand genesymbol"),
    "receptor": ("receptor symbol", "receptor", "target genesymbol", "receptor genesymbol"),
    "ligand_uniprot": ("ligand uniprot", "source"),
    "receptor_uniprot": ("receptor uniprot", "target"),
    "resource": ("resource", "sources"),
}
_UNIPROT = re.compile(r"^([OPQ][0-9][A-Z0-9]{3}[0-9]|[A-NR-Z][0-9]([A-Z][A-Z0-9]{2}[0-9]){1,2})$")


def read_ligand_receptor(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Import ligand-receptor pairs (see the module docstring)."""
    base, out, rep = start_source("ligand_receptor", path)
    opts = dict(options or {})
    t = Table(base, rep, COLUMNS, required=("ligand", "receptor"))
    infores = opts.get("infores", "infores:omnipath")
    rows, xrefs = [], {}
    for line, f in progress(t, "ligand_receptor"):
        lig = [s for s in t.get(f, "ligand").split("_") if s]
        rec = [s for s in t.get(f, "receptor").split("_") if s]
        if not lig or not rec:
            rep.skip("missing ligand or receptor symbol", str(base), line)
            continue
        for side, syms in (("ligand_uniprot", lig), ("receptor_uniprot", rec)):
            raw = t.get(f, side)
            ups = [u for u in raw.removeprefix("COMPLEX:").split("_") if _UNIPROT.match(u)]
            if len(ups) == len(syms):
                for s, u in zip(syms, ups, strict=True):
                    xrefs.setdefault(gene_placeholder("9606", s), set()).add(f"UniProtKB:{u}")
        rep.imported += 1
        complex_ = len(rec) > 1 or len(lig) > 1
        ev = "ligand-receptor" + (f" (complex {t.get(f, 'ligand')} -> {t.get(f, 'receptor')})" if complex_ else "")
        for a in lig:
            for b in rec:
                if a != b:
                    rows.append((gene_placeholder("9606", a), gene_placeholder("9606", b), ev, line))
    edges = pd.DataFrame(rows, columns=["subject", "object", "evidence", "_line"]).drop_duplicates(
        ["subject", "object"])
    edges = edges.assign(predicate="interacts_with", species="NCBITaxon:9606", knowledge_level="knowledge_assertion",
                         agent_type="manual_agent", primary_knowledge_source=infores, confidence=0.8)
    genes = pd.unique(pd.concat([edges["subject"], edges["object"]], ignore_index=True))
    nodes = pd.DataFrame({"id": genes, "category": "Gene", "label": "", "_line": 0,
                          "xrefs": ["|".join(sorted(xrefs.get(g, ()))) for g in genes]})
    out.add(nodes, edges)
    return out
