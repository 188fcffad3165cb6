"""Curated human protein-protein interactions: ``--source ppi=FILE``.

Two layouts are recognised from the header:

* the Hetionet literature-curated set (dhimmel/ppi ``protein-interactions.txt.gz``:
  ``source_code, source_symbol, target_code, target_symbol, pubmed, interaction_type, method``,
  HGNC ids, PubMed ids): ``infores:hetionet``;
* Entrez/symbol pairs such as the CCSB HI-II-14 map (``Entrez Gene IDA, Symbol A, Entrez Gene
  IDB, Symbol B``): ``infores:huri``.

Each pair becomes one ``interacts_with`` edge (human), with the PubMed ids as publications.
Symbols without an Entrez id are resolved at the end of the build.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..build.records import SourceRecords
from ..errors import DataError, Problem
from ._context import gene_placeholder, start_source
from ._io import Table, progress

COLUMNS = {
    "entrez_a": ("entrez gene ida", "entrez gene id a", "entrez a", "gene a entrez", "source entrez"),
    "entrez_b": ("entrez gene idb", "entrez gene id b", "entrez b", "gene b entrez", "target entrez"),
    "symbol_a": ("source symbol", "symbol a", "gene a", "source genesymbol"),
    "symbol_b": ("target symbol", "symbol b", "gene b", "target genesymbol"),
    "code_a": ("source code",),
    "pubmed": ("pubmed", "pmid", "pubmed ids", "references"),
    "type": ("interaction type",),
    "method": ("method", "detection method"),
}


def read_ppi(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Import a protein-protein interaction table (see the module docstring)."""
    base, rec, rep = start_source("ppi", path)
    opts = dict(options or {})
    t = Table(base, rep, COLUMNS)
    if not ((t.has("entrez_a") and t.has("entrez_b")) or (t.has("symbol_a") and t.has("symbol_b"))):
        raise DataError(Problem(str(base), 1, None, "unknown column layout: expected Entrez or symbol columns for "
                                                    f"both interactors (header has: {', '.join(t.header)})"))
    infores = opts.get("infores") or ("infores:hetionet" if t.has("code_a") else "infores:huri")
    by_entrez = t.has("entrez_a") and t.has("entrez_b")
    rows = []
    for line, f in progress(t, "ppi"):
        ends = []
        for side in ("a", "b"):
            sym = t.get(f, f"symbol_{side}")
            if by_entrez:
                e = t.get(f, f"entrez_{side}")
                if not e.isdigit():
                    ends = None
                    break
                rec.learn_symbol("9606", sym, e)
                ends.append(f"NCBIGene:{e}")
            elif sym:
                ends.append(gene_placeholder("9606", sym))
            else:
                ends = None
                break
        if ends is None:
            rep.skip("missing gene identifier", str(base), line)
            continue
        a, b = sorted(ends)
        pm = sorted({p for p in re.split(r"[|,;\s]+", t.get(f, "pubmed")) if p.isdigit()}, key=int)
        ev = "; ".join(x for x in (t.get(f, "type"), t.get(f, "method")) if x) or "physical interaction"
        rep.imported += 1
        rows.append((a, b, "|".join(f"PMID:{p}" for p in pm), ev, line))
    edges = pd.DataFrame(rows, columns=["subject", "object", "publications", "evidence", "_line"])
    if edges.duplicated(["subject", "object"]).any():  # a pair stated twice: one edge, every reference kept
        def union(values: pd.Series, sep: str, key=None) -> str:
            items = dict.fromkeys(x for v in values for x in v.split(sep) if x)
            return sep.join(sorted(items, key=key) if key else items)

        edges = edges.groupby(["subject", "object"], sort=False, as_index=False).agg(
            publications=("publications", lambda v: union(v, "|", key=lambda p: int(p[5:]))),
            evidence=("evidence", lambda v: union(v, "; ")), _line=("_line", "min"))
        rep.rows_merged += len(rows) - len(edges)
    edges = edges.assign(predicate="interacts_with", species="NCBITaxon:9606", knowledge_level="knowledge_assertion",
                         agent_type="manual_agent", primary_knowledge_source=infores, confidence=0.8)
    genes = pd.unique(pd.concat([edges["subject"], edges["object"]], ignore_index=True))
    nodes = pd.DataFrame({"id": genes, "category": "Gene", "label": "", "_line": 0})
    rec.add(nodes, edges)
    return rec
