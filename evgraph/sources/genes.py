"""Gene symbol tables for resolving symbols to NCBI Gene IDs: ``--source genes=FILE``.

Sources such as Reactome GMT files, JensenLab DISEASES and ligand-receptor lists name genes by
symbol only. evgraph resolves symbols from the data being imported (ExoCarta, Vesiclepedia,
miRTarBase, DisGeNET and HI-II-14 rows carry symbol and Entrez ID together) and from a gene
table passed as this source, which adds no nodes:

* NCBI ``gene_info`` / ``Homo_sapiens.gene_info.gz`` (``#tax_id, GeneID, Symbol, ..., Synonyms``):
  official symbols first, then unambiguous synonyms;
* the Hetionet nodes table (``id, name, kind``; ``Gene::7157`` / ``TP53``), human;
* any table with ``entrez``/``gene id`` and ``symbol`` columns (and optionally ``tax_id``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from ..build.records import SourceRecords
from ..errors import DataError, Problem
from ._context import start_source
from ._io import Table, progress

COLUMNS = {
    "taxon": ("#tax id", "tax id", "taxon", "taxid"),
    "entrez": ("geneid", "gene id", "entrez", "entrez id", "entrez gene id", "ncbi gene id"),
    "symbol": ("symbol", "gene symbol", "official symbol"),
    "synonyms": ("synonyms",),
    "hetio_id": ("id",),
    "hetio_name": ("name",),
    "hetio_kind": ("kind",),
}


def read_genes(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Learn symbol -> NCBI Gene ID per species from a gene table (see the module docstring)."""
    base, rec, rep = start_source("genes", path)
    opts = dict(options or {})
    t = Table(base, rep, COLUMNS)
    hetio = t.has("hetio_kind") and t.has("hetio_id") and not t.has("entrez")
    if not hetio and not (t.has("entrez") and t.has("symbol")):
        raise DataError(Problem(str(base), 1, None, "unknown column layout: expected GeneID and Symbol columns "
                                                    f"(NCBI gene_info) or id/name/kind (Hetionet nodes); "
                                                    f"header has: {', '.join(t.header)}"))
    default_taxon = opts.get("taxon", "9606")
    synonyms: dict[tuple[str, str], set[str]] = defaultdict(set)
    for line, f in progress(t, "genes"):
        if hetio:
            if t.get(f, "hetio_kind") != "Gene":
                continue
            ident = t.get(f, "hetio_id")
            entrez = ident.split("::", 1)[1] if "::" in ident else ""
            symbol, taxon = t.get(f, "hetio_name"), default_taxon
        else:
            entrez, symbol = t.get(f, "entrez"), t.get(f, "symbol")
            taxon = t.get(f, "taxon") or default_taxon
            for s in t.get(f, "synonyms").split("|"):
                if s and s != "-":
                    synonyms[(taxon, s.upper())].add(entrez)
        if not entrez.isdigit() or not symbol:
            rep.skip("missing or malformed gene id or symbol", str(base), line)
            continue
        rep.imported += 1
        rec.learn_symbol(taxon, symbol, entrez)
    added = 0
    for (taxon, sym), ids in synonyms.items():
        if len(ids) == 1 and sym not in rec.symbols[taxon]:
            rec.learn_symbol(taxon, sym, next(iter(ids)))
            added += 1
    if added:
        rep.notes.append(f"{added} unambiguous synonyms added")
    return rec
