"""What a source reader returns: :class:`SourceRecords`.

A reader (``evgraph.sources.READERS[name](path, options)``) reads its files and returns one
:class:`SourceRecords`: node and edge frames (each frame from one file, each row with its
``_line``), the source's :class:`~evgraph.build.qc.SourceReport`, and the lookup tables it
contributes to identifier normalisation (gene symbols, ontology terms, pathway names). A
reader never sees a builder or another source; :mod:`evgraph.build.normalise` combines the
lookup tables of every source once all are read.

``final`` records (curated, KGX, RDF) already use the graph's identifiers: they are not
normalised, and their nodes win over nodes of the same id from other sources.

>>> import pandas as pd
>>> rec = SourceRecords("demo")
>>> rec.add(nodes=[{"id": "?sym:9606:TP53", "category": "Gene", "label": "", "_line": 2}])
>>> rec.learn_symbol("9606", "tp53", "7157")
>>> rec.symbols["9606"]["TP53"], rec.num_nodes, rec.num_edges
('7157', 1, 0)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

from .qc import SourceReport


class RecordFrame(NamedTuple):
    """Node or edge records read from one file (rows carry their ``_line``)."""

    file: str
    frame: pd.DataFrame


@dataclass
class Term:
    """One ontology term as the ``ontologies`` source gives it to normalisation."""

    label: str = ""
    synonyms: tuple[str, ...] = ()
    deprecated: bool = False
    parents: tuple[str, ...] = ()
    ancestors: frozenset[str] = frozenset()
    part_of: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()

    def merged(self, new: Term) -> Term:
        """This term combined with another release's view of it (this one's label wins)."""
        return Term(label=self.label or new.label, synonyms=tuple(dict.fromkeys(self.synonyms + new.synonyms)),
                    deprecated=self.deprecated and new.deprecated, parents=self.parents or new.parents,
                    ancestors=self.ancestors | new.ancestors,
                    part_of=tuple(dict.fromkeys(self.part_of + new.part_of)),
                    xrefs=tuple(dict.fromkeys(self.xrefs + new.xrefs)))


def _frame(records: list[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    return records if isinstance(records, pd.DataFrame) else pd.DataFrame(records)


@dataclass
class SourceRecords:
    """The records and lookup tables one source contributes to a build (see the module docstring).

    ``provenance`` is the source's entry in the graph's ``metadata["sources"]`` (default: its name).
    """

    name: str
    report: SourceReport = None  # type: ignore[assignment]  # set in __post_init__
    nodes: list[RecordFrame] = field(default_factory=list)
    edges: list[RecordFrame] = field(default_factory=list)
    final: bool = False
    provenance: str = ""
    #: a step the reader leaves to the build: called once, by :meth:`finish`, with the classes
    #: (id -> class) of the nodes earlier final sources gave (KGX edges may end at those)
    pending: Callable[[dict[str, str]], None] | None = field(default=None, repr=False)
    # ------------------------------------------------------------ lookup tables
    symbols: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    symbol_conflicts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    gene_labels: dict[str, str] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    pathway_names: dict[str, str] = field(default_factory=dict)
    #: other per-build tables a source contributes to normalisation, by name (e.g. ``orthologs``)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.report is None:
            self.report = SourceReport(self.name)
        if not self.provenance:
            self.provenance = self.name

    # ------------------------------------------------------------ records
    def add(self, nodes: list[dict[str, Any]] | pd.DataFrame | None = None,
            edges: list[dict[str, Any]] | pd.DataFrame | None = None, file: str | None = None) -> None:
        """Add node and/or edge records read from ``file`` (default: the source itself)."""
        where = file if file is not None else f"{self.report.name}:{self.report.path}"
        if nodes is not None and len(nodes):
            self.nodes.append(RecordFrame(where, _frame(nodes)))
        if edges is not None and len(edges):
            self.edges.append(RecordFrame(where, _frame(edges)))

    def finish(self, known: dict[str, str] | None = None) -> SourceRecords:
        """Run the reader's :attr:`pending` step (once) with the node classes other sources give."""
        step, self.pending = self.pending, None
        if step is not None:
            step(dict(known or {}))
        return self

    @property
    def num_nodes(self) -> int:
        return sum(len(f.frame) for f in self.nodes)

    @property
    def num_edges(self) -> int:
        return sum(len(f.frame) for f in self.edges)

    # ------------------------------------------------------------ lookup tables
    def learn_symbol(self, taxon: str, symbol: str, entrez: str) -> None:
        """Record that ``symbol`` is NCBI Gene ``entrez`` in ``taxon`` (first one wins)."""
        learn_symbol(self.symbols, self.symbol_conflicts, self.gene_labels, taxon, symbol, entrez)


def learn_symbol(symbols: dict[str, dict[str, str]], conflicts: dict[str, set[str]], labels: dict[str, str],
                 taxon: str, symbol: str, entrez: str) -> None:
    """Add ``symbol`` -> ``entrez`` to a symbol table (first one wins; a different later id is a conflict)."""
    if not symbol or not entrez or not entrez.isdigit():
        return
    key = symbol.strip().upper()
    table = symbols[taxon]
    prev = table.get(key)
    if prev is None:
        table[key] = entrez
    elif prev != entrez:
        conflicts[taxon].add(key)
    labels.setdefault(entrez, symbol.strip())


def norm_name(value: str) -> str:
    """Normalise a free-text name for table lookup (case, spaces).

    >>> norm_name("  Hepatic stellate cells ")
    'hepatic stellate cells'
    """
    return " ".join(value.split()).lower()


def frames(records: Iterable[SourceRecords], kind: str) -> Iterable[RecordFrame]:
    """Every node (``kind="nodes"``) or edge frame of ``records``, in order."""
    for rec in records:
        yield from getattr(rec, kind)
