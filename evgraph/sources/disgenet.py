"""DisGeNET gene-disease associations: ``--source disgenet=FILE``.

Reads the curated GDA table of any release (v3-v7: ``geneId, geneSymbol, diseaseId,
diseaseName, score, ...``; ``diseaseId`` as ``umls:C0019202`` or ``C0019202``). Each row becomes
``gene associated_with condition`` with the DisGeNET score as confidence, the association
type and original sources as evidence, species human and ``infores:disgenet``.

DisGeNET keys diseases by UMLS CUI, which evgraph maps to the Disease Ontology through the
DO's ``xref: UMLS_CUI:...`` lines, so pass the Disease Ontology too
(``--source ontologies=HumanDO.obo``); DOIDs that are cross-references of curated MONDO
conditions land on the curated node. Associations whose CUI has no DOID are counted as
skipped (``unmapped disease id``) in the QC report.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..build.records import SourceRecords
from ._context import queue_gene_conditions, start_source
from ._io import Table, progress

COLUMNS = {
    "gene": ("geneid", "gene id", "entrez id", "entrezgene"),
    "symbol": ("genesymbol", "gene symbol"),
    "disease": ("diseaseid", "disease id", "umls", "cui"),
    "disease_name": ("diseasename", "disease name"),
    "score": ("score", "score gda"),
    "npmids": ("numberofpubmeds", "nofpmids", "number of pubmeds"),
    "type": ("associationtype", "association type"),
    "source": ("source", "sources"),
}


def read_disgenet(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Import a DisGeNET curated gene-disease association table."""
    base, rec, rep = start_source("disgenet", path)
    t = Table(base, rep, COLUMNS, required=("gene", "disease"))
    rows = []
    conds: dict[str, tuple[str, int]] = {}
    for line, f in progress(t, "disgenet"):
        gene, dis = t.get(f, "gene"), t.get(f, "disease")
        if not gene.isdigit():
            rep.skip("missing or malformed Entrez gene id", str(base), line, repr(gene))
            continue
        cui = dis.split(":", 1)[1] if ":" in dis else dis
        if not (cui[:1] == "C" and cui[1:].isdigit()):
            rep.skip("malformed UMLS disease id", str(base), line, repr(dis))
            continue
        try:
            score = float(t.get(f, "score") or "nan")
        except ValueError:
            rep.skip("malformed score", str(base), line, repr(t.get(f, "score")))
            continue
        if not 0 <= score <= 1:
            score = 0.5
        rec.learn_symbol("9606", t.get(f, "symbol"), gene)
        rep.imported += 1
        cid = f"?umls:{cui}"
        conds.setdefault(cid, (t.get(f, "disease_name"), line))
        ev = "; ".join(x for x in (t.get(f, "type"), f"sources: {t.get(f, 'source')}" if t.get(f, "source") else "",
                                   f"{t.get(f, 'npmids')} PubMed articles" if t.get(f, "npmids") else "",
                                   f"UMLS:{cui}") if x)
        rows.append((f"NCBIGene:{gene}", cid, score, ev, line))
    queue_gene_conditions(rec, "disgenet", rows, conds)
    return rec
