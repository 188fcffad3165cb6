"""What the source readers share: name normalisation, placeholders, the reader preamble.

Readers return :class:`~evgraph.build.records.SourceRecords`; identifiers they cannot resolve
alone (gene symbols, UMLS ids, pathway names) are written as placeholders that
:mod:`evgraph.build.normalise` resolves once every source is read.

>>> gene_placeholder("9606", "tp53")
'?sym:9606:TP53'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..build.qc import SourceReport
from ..build.records import SourceRecords, norm_name  # noqa: F401  (norm_name: for the readers)
from ..errors import DataError, Problem
from .mappings import (  # noqa: F401  (the readers import the tables from here too)
    mappings_dir,
    mirbase_prefixes,
    sample_source_table,
    sample_table,
    separation_method_table,
    species_table,
    vesicle_type_table,
)


def gene_placeholder(taxon: str, symbol: str) -> str:
    return f"?sym:{taxon}:{symbol.strip().upper()}"


def taxon_curie(taxon: str) -> str:
    return f"NCBITaxon:{taxon}"


def queue_gene_conditions(rec: SourceRecords, source: str, rows: list[tuple[str, str, float, str, int]],
                          conditions: dict[str, tuple[str, int]]) -> None:
    """Add gene -associated_with-> condition edges (human) with their gene and condition nodes to ``rec``.

    ``rows`` are ``(gene id, condition id, confidence, evidence, line)``; ``conditions`` maps a
    condition id to ``(label, line)``. Shared by the gene-disease readers.
    """
    edges = pd.DataFrame(rows, columns=["subject", "object", "confidence", "evidence", "_line"])
    edges = edges.assign(predicate="associated_with", species="NCBITaxon:9606", knowledge_level="knowledge_assertion",
                         agent_type="manual_agent", primary_knowledge_source=f"infores:{source}")
    nodes = pd.concat([
        pd.DataFrame({"id": pd.unique(edges["subject"]), "category": "Gene", "label": "", "_line": 0}),
        pd.DataFrame([{"id": c, "category": "Condition", "label": n, "_line": ln} for c, (n, ln) in conditions.items()],
                     columns=["id", "category", "label", "_line"]),
    ], ignore_index=True)
    rec.add(nodes, edges)


def start_source(name: str, path: str | Path | None, kind: str = "FILE") -> tuple[str, SourceRecords, SourceReport]:
    """Common start of a reader: require a path, open the source's records and QC entry.

    Returns ``(path, records, report)``.

    >>> path, rec, rep = start_source("demo", "x.tsv")
    >>> rec.name, rep.path
    ('demo', 'x.tsv')
    """
    if not path:
        raise DataError(Problem(None, None, None, f"source '{name}' needs a path: {name}={kind}"))
    rec = SourceRecords(name)
    rec.report.path = str(path)
    return str(path), rec, rec.report
