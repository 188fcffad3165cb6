"""The Hetionet pathway table (dhimmel/pathways ``data/pathways.tsv``): ``hetio_pathways=FILE``.

Columns ``identifier, name, url, n_genes, n_coding_genes, source, license, genes, coding_genes``
with ``|``-separated NCBI Gene IDs. WikiPathways rows (``WP100_r74146``) become
``WIKIPATHWAYS:WP100``. Reactome and PID rows only carry Pathway Commons ids (``PC7_10442``):
they are matched by name to the Reactome pathways of the same build (``reactome=...``), and
counted as skipped (``pathway without a Reactome/WikiPathways id``) when none matches.
Every member gene becomes ``gene participates_in pathway`` with the row's source as primary
knowledge source (``infores:reactome``, ``infores:wikipathways``, ``infores:pid``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..build.records import SourceRecords
from ._context import start_source
from ._io import Table, progress

COLUMNS = {
    "identifier": ("id", "pathway id"),
    "name": ("pathway name",),
    "source": ("resource",),
    "license": (),
    "genes": ("entrez", "entrez ids", "gene ids"),
    "url": (),
}
_WP = re.compile(r"^(WP\d{1,5})(?:_r\d+)?$")


def read_hetio_pathways(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Import the Hetionet pathway TSV (see the module docstring)."""
    base, rec, rep = start_source("hetio_pathways", path)
    t = Table(base, rep, COLUMNS, required=("identifier", "name", "genes"))
    subj, obj, infores, lines, evidence = [], [], [], [], []
    nodes = []
    for line, f in progress(t, "hetio_pathways"):
        ident, name, src = t.get(f, "identifier"), t.get(f, "name"), t.get(f, "source").lower()
        m = _WP.match(ident)
        if m:
            pid = f"WIKIPATHWAYS:{m.group(1)}"
        elif ident.startswith("R-"):
            pid = f"REACT:{ident}"
        else:
            pid = f"?pwname:{name}"
        genes = [g for g in t.get(f, "genes").split("|") if g.strip()]
        bad = [g for g in genes if not g.strip().isdigit()]
        if bad:
            rep.skip("malformed Entrez gene id", str(base), line, repr(bad[0]), count=len(bad))
        genes = [g.strip() for g in genes if g.strip().isdigit()]
        if not genes:
            rep.skip("pathway without genes", str(base), line, ident)
            continue
        rep.imported += 1
        nodes.append({"id": pid, "category": "Pathway", "label": name, "_line": line})
        src_inf = f"infores:{re.sub(r'[^a-z0-9_.-]', '', src) or 'hetionet'}"
        ev = f"Hetionet pathways ({src}, {t.get(f, 'license')}); {ident}"
        for g in genes:
            subj.append(f"NCBIGene:{g}")
            obj.append(pid)
            infores.append(src_inf)
            lines.append(line)
            evidence.append(ev)
    edges = pd.DataFrame({"subject": subj, "predicate": "participates_in", "object": obj, "species": "NCBITaxon:9606",
                          "knowledge_level": "knowledge_assertion", "agent_type": "manual_agent",
                          "primary_knowledge_source": infores, "evidence": evidence, "confidence": 0.9,
                          "_line": lines})
    gene_nodes = pd.DataFrame({"id": pd.unique(edges["subject"]), "category": "Gene", "label": "", "_line": 0})
    rec.add(pd.concat([pd.DataFrame(nodes), gene_nodes], ignore_index=True), edges)
    return rec
