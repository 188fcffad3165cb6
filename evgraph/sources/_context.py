"""Shared state of the source readers of one build: mapping tables, symbol tables, queued records.

Readers queue their records in the build's :class:`ImportContext`; :mod:`evgraph.build.normalise`
normalises identifiers across sources once all are read.

>>> ctx = ImportContext()
>>> ctx.learn_symbol("9606", "TP53", "7157")
>>> ctx.symbols["9606"]["TP53"]
'7157'
>>> gene_placeholder("9606", "tp53")
'?sym:9606:TP53'
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ..build.builder import GraphBuilder
from ..build.qc import BuildReport, SourceReport

CONTEXT_ATTR = "_evgraph_import"



def mappings_dir() -> Path:
    """Folder of the curated mapping tables shipped with evgraph."""
    return Path(str(resources.files("evgraph"))) / "data" / "mappings"


def _read_mapping(name: str) -> list[dict[str, str]]:
    with open(mappings_dir() / name, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@cache
def species_table() -> dict[str, tuple[str, str]]:
    """Organism name (lower case) -> (NCBI taxon id, miRBase prefix).

    >>> species_table()["homo sapiens"]
    ('9606', 'hsa')
    """
    return {r["name"].strip().lower(): (r["taxon"], r["mirbase_prefix"]) for r in _read_mapping("species.tsv")}


@cache
def mirbase_prefixes() -> dict[str, str]:
    """miRBase species prefix -> NCBI taxon id (``hsa`` -> ``9606``)."""
    return {p: t for t, p in species_table().values() if p}


@cache
def sample_table() -> dict[str, tuple[str, str, str]]:
    """Sample name (normalised) -> (CL/UBERON id, label, category)."""
    return {norm_name(r["sample"]): (r["id"], r["label"], r["category"]) for r in _read_mapping("samples.tsv")}


@cache
def vesicle_type_table() -> dict[str, tuple[str, str]]:
    return {r["name"].lower(): (r["id"], r["label"]) for r in _read_mapping("vesicle_types.tsv")}


@cache
def separation_method_table() -> dict[str, str]:
    """Isolation-method text (normalised) -> evgraph ``separation_method`` ('' = not a separation method).

    >>> separation_method_table()["exoquick kit"]
    'precipitation'
    """
    return {norm_name(r["isolation_method"]): r["separation_method"] for r in _read_mapping("separation_methods.tsv")}


@cache
def sample_source_table() -> dict[str, tuple[str, str]]:
    """Vesiclepedia/ExoCarta sample-source code -> (model_system for human, for other organisms)."""
    return {r["sample_source"].strip().lower(): (r["human"], r["other_organism"])
            for r in _read_mapping("sample_sources.tsv")}


def norm_name(value: str) -> str:
    """Normalise a free-text name for table lookup (case, spaces).

    >>> norm_name("  Hepatic stellate cells ")
    'hepatic stellate cells'
    """
    return " ".join(value.split()).lower()


def gene_placeholder(taxon: str, symbol: str) -> str:
    return f"?sym:{taxon}:{symbol.strip().upper()}"


def taxon_curie(taxon: str) -> str:
    return f"NCBITaxon:{taxon}"


@dataclass
class Term:
    """One ontology term as seen by the importers."""

    label: str = ""
    synonyms: tuple[str, ...] = ()
    deprecated: bool = False
    parents: tuple[str, ...] = ()
    ancestors: frozenset[str] = frozenset()
    part_of: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()


@dataclass
class Pending:
    report: SourceReport
    nodes: list[pd.DataFrame] = field(default_factory=list)
    edges: list[pd.DataFrame] = field(default_factory=list)


class ImportContext:
    """Per-build state shared by the importers (see the module docstring)."""

    def __init__(self) -> None:
        self.report = BuildReport()
        self.symbols: dict[str, dict[str, str]] = defaultdict(dict)
        self.symbol_conflicts: dict[str, set[str]] = defaultdict(set)
        self.gene_labels: dict[str, str] = {}
        self.terms: dict[str, Term] = {}
        self.pathway_names: dict[str, str] = {}
        self.pending: list[Pending] = []
        self.finalized = False

    # ---------------------------------------------------------------- genes
    def learn_symbol(self, taxon: str, symbol: str, entrez: str) -> None:
        """Record that ``symbol`` is NCBI Gene ``entrez`` in ``taxon`` (first one wins)."""
        if not symbol or not entrez or not entrez.isdigit():
            return
        key = symbol.strip().upper()
        table = self.symbols[taxon]
        prev = table.get(key)
        if prev is None:
            table[key] = entrez
        elif prev != entrez:
            self.symbol_conflicts[taxon].add(key)
        self.gene_labels.setdefault(entrez, symbol.strip())

    # ---------------------------------------------------------------- records
    def queue(self, report: SourceReport, nodes: list[dict[str, Any]] | pd.DataFrame | None,
              edges: list[dict[str, Any]] | pd.DataFrame | None) -> None:
        """Queue node and edge records of ``report``'s source for :func:`finalize`."""
        pend = next((p for p in self.pending if p.report is report), None)
        if pend is None:
            pend = Pending(report)
            self.pending.append(pend)
        if nodes is not None and len(nodes):
            pend.nodes.append(nodes if isinstance(nodes, pd.DataFrame) else pd.DataFrame(nodes))
        if edges is not None and len(edges):
            pend.edges.append(edges if isinstance(edges, pd.DataFrame) else pd.DataFrame(edges))


def context_for(builder: GraphBuilder) -> ImportContext:
    """The :class:`ImportContext` of ``builder`` (created on first use)."""
    ctx = builder.__dict__.get(CONTEXT_ATTR)
    if ctx is None:
        ctx = ImportContext()
        builder.__dict__[CONTEXT_ATTR] = ctx
    return ctx


def report_of(builder: GraphBuilder) -> BuildReport | None:
    ctx = builder.__dict__.get(CONTEXT_ATTR)
    return ctx.report if ctx is not None else None



def queue_gene_conditions(builder: GraphBuilder, ctx: ImportContext, rep: Any, source: str,
                          rows: list[tuple[str, str, float, str, int]],
                          conditions: dict[str, tuple[str, int]], started: float) -> None:
    """Queue gene -associated_with-> condition edges (human) with their gene and condition nodes.

    ``rows`` are ``(gene id, condition id, confidence, evidence, line)``; ``conditions`` maps a
    condition id to ``(label, line)``. Shared by the gene-disease importers.
    """
    import time

    edges = pd.DataFrame(rows, columns=["subject", "object", "confidence", "evidence", "_line"])
    edges = edges.assign(predicate="associated_with", species="NCBITaxon:9606", knowledge_level="knowledge_assertion",
                         agent_type="manual_agent", primary_knowledge_source=f"infores:{source}")
    nodes = pd.concat([
        pd.DataFrame({"id": pd.unique(edges["subject"]), "category": "Gene", "label": "", "_line": 0}),
        pd.DataFrame([{"id": c, "category": "Condition", "label": n, "_line": ln} for c, (n, ln) in conditions.items()],
                     columns=["id", "category", "label", "_line"]),
    ], ignore_index=True)
    ctx.queue(rep, nodes, edges)
    builder.sources.append(source)
    rep.seconds = time.perf_counter() - started


def start_source(builder: GraphBuilder, name: str, path: str | Path | None,
                 kind: str = "FILE") -> tuple[str, dict[str, str], ImportContext, SourceReport, float]:
    """Common start of a reader: split ``PATH#options``, require a path, open the QC entry.

    Returns ``(path, options, context, report, start_time)``.
    """
    import time

    from ..errors import DataError, Problem
    from ._io import split_options

    base, opts = split_options(path)
    if not base:
        raise DataError(Problem(None, None, None, f"source '{name}' needs a path: {name}={kind}"))
    ctx = context_for(builder)
    return base, opts, ctx, ctx.report.source(name, path), time.perf_counter()
