"""JensenLab DISEASES gene-disease associations: ``--source diseases=FILE``.

Reads the header-less ``human_disease_knowledge_filtered.tsv`` / ``..._full.tsv`` (and the
experiments channel): ``protein id, gene symbol, DOID, disease name, source, evidence type,
confidence (stars 0-5)``. Rows whose disease is not a DOID (the full files also use
ICD-10 and AmyCo codes) are counted as skipped. Each row becomes ``gene associated_with
condition`` (human; confidence = stars / 5; ``infores:diseases``); genes are resolved from
their symbol at the end of the build, DOIDs merged with curated MONDO conditions through
their xrefs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..build.records import SourceRecords
from ._context import gene_placeholder, queue_gene_conditions, start_source
from ._io import Table, progress

NAMES = ("protein", "symbol", "disease", "disease name", "source", "evidence", "confidence")
_DOID = re.compile(r"^DOID:\d+$")


def read_diseases(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Import a JensenLab DISEASES channel file."""
    base, rec, rep = start_source("diseases", path)
    t = Table(base, rep, {n: () for n in NAMES}, required=("symbol", "disease"), names=NAMES, delimiter="\t")
    rows = []
    conds: dict[str, tuple[str, int]] = {}
    for line, f in progress(t, "diseases"):
        if len(f) < len(NAMES):
            rep.skip("malformed row", str(base), line, f"expected {len(NAMES)} tab-separated fields, found {len(f)}")
            continue
        sym, dis = t.get(f, "symbol"), t.get(f, "disease")
        if not _DOID.match(dis):
            rep.skip("disease id is not a DOID", str(base), line, repr(dis))
            continue
        try:
            stars = float(t.get(f, "confidence"))
        except ValueError:
            rep.skip("malformed confidence", str(base), line, repr(t.get(f, "confidence")))
            continue
        if not sym:
            rep.skip("missing gene symbol", str(base), line)
            continue
        rep.imported += 1
        conds.setdefault(dis, (t.get(f, "disease name"), line))
        ev = f"{t.get(f, 'evidence')} ({t.get(f, 'source')}); {t.get(f, 'protein')}"
        rows.append((gene_placeholder("9606", sym), dis, min(max(stars / 5.0, 0.0), 1.0), ev, line))
    queue_gene_conditions(rec, "diseases", rows, conds)
    return rec
