"""The build QC report: what each source contributed, what was skipped and why.

Every importer counts the rows it read, the records it imported and every record it skipped
with a reason (``unmapped gene symbol``, ``unknown species``, ``malformed row``, ...) and the
first few file:line locations; mapping rates (e.g. sample -> CL/UBERON) are recorded too.
Nothing is dropped silently. ``evgraph build`` writes the report as ``build-report.json`` and
a readable ``build-report.txt`` into the build folder.

>>> rep = BuildReport()
>>> src = rep.source("demo")
>>> src.rows_read += 3
>>> src.imported += 2
>>> src.skip("unknown species", "demo.tsv", 4, "'Homo erectus'")
>>> src.mapping("sample -> CL/UBERON", mapped=2, total=3)
>>> rep.to_dict()["sources"][0]["skipped"]
{'unknown species': 1}
>>> print(rep.summary().splitlines()[2])
demo: 3 rows read, 2 records imported, 1 skipped
"""

from __future__ import annotations

import contextvars
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import atomic_open

if TYPE_CHECKING:  # pragma: no cover
    from .records import SourceRecords

MAX_EXAMPLES = 5
#: ``evgraph build --allow-empty``: a table with a header and no data rows is accepted (set by
#: :func:`evgraph.sources.read` while a reader runs; readers consult it through ``ALLOW_EMPTY.get()``)
ALLOW_EMPTY: contextvars.ContextVar[bool] = contextvars.ContextVar("evgraph_allow_empty", default=False)
REPORT_JSON = "build-report.json"
REPORT_TEXT = "build-report.txt"


@dataclass
class SourceReport:
    """QC counters of one source (one ``--source NAME=PATH``)."""

    name: str
    path: str = ""
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    imported: int = 0
    skipped_counts: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    mappings: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    nodes: int = 0
    edges: int = 0
    seconds: float = 0.0
    #: edge records merged into an identical earlier record (the same fact stated twice)
    edges_merged: int = 0
    #: rows the reader folded into an earlier record of the same fact (a miRNA-gene pair over several
    #: rows, a protein pair stated twice), their references combined
    rows_merged: int = 0
    merge_examples: list[str] = field(default_factory=list)
    #: the ``file`` labels this source's records carry in the builder (to attribute merges)
    builder_files: set[str] = field(default_factory=set, repr=False)

    @property
    def skipped(self) -> dict[str, int]:
        return dict(sorted(self.skipped_counts.items()))

    def skip(self, reason: str, file: str | None = None, line: int | None = None, detail: str = "",
             count: int = 1) -> None:
        """Count ``count`` skipped records for ``reason``; keep the first few locations."""
        self.skipped_counts[reason] += count
        ex = self.examples.setdefault(reason, [])
        if len(ex) < MAX_EXAMPLES:
            where = f"{file}:{line}" if file and line is not None else (file or "")
            ex.append(f"{where}: {detail}" if where and detail else (detail or where))

    def mapping(self, what: str, mapped: int, total: int) -> None:
        """Record a mapping rate (``mapped`` of ``total`` values resolved)."""
        self.mappings[what] = {"mapped": mapped, "total": total,
                               "rate": round(mapped / total, 4) if total else None}

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "path": self.path, "files": self.files, "rows_read": self.rows_read,
            "records_imported": self.imported, "records_skipped": sum(self.skipped_counts.values()),
            "skipped": self.skipped, "skip_examples": {k: self.examples[k] for k in sorted(self.examples)},
            "mappings": self.mappings, "notes": self.notes, "nodes_added": self.nodes,
            "edges_added": self.edges, "edges_merged": self.edges_merged, "rows_merged": self.rows_merged,
            "merge_examples": self.merge_examples,
        }  # no timings: the report is part of the (deterministic) build output


@dataclass
class BuildReport:
    """The QC report of one build: one :class:`SourceReport` per source."""

    sources: list[SourceReport] = field(default_factory=list)
    graph: dict[str, Any] = field(default_factory=dict)

    def source(self, name: str, path: str | Path | None = None) -> SourceReport:
        rep = SourceReport(name, str(path or ""))
        self.sources.append(rep)
        return rep

    def to_dict(self) -> dict[str, Any]:
        return {"sources": [s.to_dict() for s in self.sources], "graph": self.graph}

    def count_merges(self, merges: list[Any]) -> None:
        """Attribute the builder's merged edge records (:class:`~evgraph.build.builder.EdgeMerge`) to sources.

        A merged record was identical to an earlier one in every field; ``edges_added`` of its
        source drops by one and ``edges_merged`` rises by one, with ``file:line`` examples.
        """
        owner: dict[str, SourceReport] = {}
        for s in self.sources:
            owner.setdefault(f"{s.name}:{s.path}", s)
            for f in (*s.builder_files, *s.files):
                owner.setdefault(str(f), s)
        for m in merges:
            rep = owner.get(m.file)
            if rep is None:
                rep = owner.setdefault(m.file, self.source(m.file))
            rep.edges_merged += 1
            rep.edges = max(rep.edges - 1, 0)
            if len(rep.merge_examples) < MAX_EXAMPLES:
                rep.merge_examples.append(f"{m.file}:{m.line}: same as {m.kept_file}:{m.kept_line}")

    def summary(self) -> str:
        """A readable multi-line summary."""
        lines = ["evgraph build report", "===================="]
        for s in self.sources:
            skipped = sum(s.skipped_counts.values())
            lines.append(f"{s.name}: {s.rows_read} rows read, {s.imported} records imported, {skipped} skipped")
            if s.path:
                lines.append(f"  path: {s.path}")
            if s.rows_merged:
                lines.append(f"  folded {s.rows_merged} rows into an earlier record of the same fact")
            if s.edges_merged:
                ex = "; ".join(s.merge_examples[:2])
                lines.append(f"  merged {s.edges_merged} edge records identical to an earlier record (e.g. {ex})")
            for reason, n in s.skipped.items():
                ex = "; ".join(s.examples.get(reason, [])[:2])
                lines.append(f"  skipped {n}: {reason}" + (f" (e.g. {ex})" if ex else ""))
            for what, m in s.mappings.items():
                rate = f"{100 * m['rate']:.1f}%" if m["rate"] is not None else "n/a"
                lines.append(f"  mapping {what}: {m['mapped']}/{m['total']} ({rate})")
            for note in s.notes:
                lines.append(f"  note: {note}")
        if self.graph:
            lines.append("graph:")
            lines.append(f"  {self.graph.get('num_nodes', 0)} nodes, {self.graph.get('num_edges', 0)} edges")
            for kind in ("nodes", "edges"):
                for k, v in self.graph.get("counts", {}).get(kind, {}).items():
                    lines.append(f"  {kind[:-1]} {k}: {v}")
        return "\n".join(lines) + "\n"

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write ``build-report.json`` and ``build-report.txt`` into ``out_dir`` (atomically)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        with atomic_open(out / REPORT_JSON) as fh:
            json.dump(self.to_dict(), fh, indent=2, sort_keys=False)
            fh.write("\n")
        with atomic_open(out / REPORT_TEXT) as fh:
            fh.write(self.summary())
        return [out / REPORT_JSON, out / REPORT_TEXT]


#: Skip reasons that mean *damaged rows* (wrong number of fields, bad bytes, NUL, a line of
#: megabytes, columns that do not fit the format), as opposed to records a reader leaves out by
#: design or because a release lacks a value (another species, a filter option, a missing id, an
#: unmapped name): a reason counts as damage when it starts with one of these.
DAMAGE_PREFIXES = ("malformed row", "malformed line", "undecodable")
#: The fraction of a source's rows that may be skipped as damaged before its build fails
#: (``NAME=PATH#max_bad=0.2`` raises it for one source). Public releases evgraph reads have at most
#: a handful of such rows (measured on the public releases the tests read, see README "Bad input");
#: more means the file is not what the reader expects (wrong file, wrong version, a cut download).
DEFAULT_MAX_BAD = 0.01
#: ... and never for this many damaged rows or fewer (small files: a few bad rows are noise, counted in the report)
MIN_BAD = 3
#: Readers whose releases are known to carry more damaged rows, with the reason.
MAX_BAD: dict[str, tuple[float, str]] = {}


def damaged(report: SourceReport) -> tuple[int, list[str]]:
    """Rows ``report`` skipped as damaged (:data:`DAMAGE_PREFIXES`) and example locations."""
    n, examples = 0, []
    for reason, k in report.skipped_counts.items():
        if reason.startswith(DAMAGE_PREFIXES):
            n += k
            examples += [f"{reason} at {e}" for e in report.examples.get(reason, [])[:1]]
    return n, examples


def max_bad(reader: str, option: str | None = None, file: str | None = None) -> float:
    """The damaged-row threshold of ``reader`` (``option``: the ``max_bad`` reader option, checked)."""
    from ..errors import DataError, Problem

    if option is None or option == "":
        return MAX_BAD.get(reader, (DEFAULT_MAX_BAD, ""))[0]
    try:
        value = float(option)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise DataError(Problem(file, None, "max_bad", f"option max_bad={option!r} is not a fraction in [0, 1]"))
    return value


def check_damage(report: SourceReport, reader: str, limit: float) -> None:
    """Fail when ``report`` skipped more than ``limit`` of its rows, and more than :data:`MIN_BAD`
    rows, as damaged (see :data:`DEFAULT_MAX_BAD`).

    >>> rep = SourceReport("demo", "demo.tsv")
    >>> rep.rows_read = 100
    >>> rep.skip("malformed row", "demo.tsv", 4, "expected 3 fields", count=10)
    >>> check_damage(rep, "demo", 0.2)
    >>> check_damage(rep, "demo", 0.05)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    evgraph.errors.DataError: demo.tsv:4: 10 of 100 rows (10.0%) skipped as damaged (...); the limit for demo is 5.0%...
    """
    from ..errors import DataError, Problem

    bad, examples = damaged(report)
    rows = max(report.rows_read, bad)
    if bad <= max(limit * rows, MIN_BAD):
        return
    first = next(iter(examples), "")
    where = first.split(" at ", 1)[1].split(": ", 1)[0] if " at " in first else (report.path or report.name)
    file, _, line = where.rpartition(":")
    loc = (file, int(line)) if line.isdigit() else (where, None)
    raise DataError(Problem(loc[0], loc[1], None,
                            f"{bad} of {rows} rows ({100 * bad / rows:.1f}%) skipped as damaged ({first}); "
                            f"the limit for {reader} is {100 * limit:.1f}%: is this the right file, complete and "
                            f"of a supported release? (raise the limit with {reader}=PATH#max_bad="
                            f"{min(1.0, round(2 * bad / rows, 2))})"))


FINAL_NOTE = "records validated by the builder (any problem stops the build)"


def count(records: list[SourceRecords], report: BuildReport | None = None,
          order: list[SourceRecords] | None = None) -> BuildReport:
    """The QC count, the same for every source: the nodes and edges it contributes to the graph.

    ``records`` are the records about to be assembled (after normalisation). A ``final`` source
    (curated, KGX, RDF) imports every record it reads, so its rows read and records imported are
    its nodes plus edges; the other readers count those (and what they skip) themselves. The
    reports are appended to ``report`` (a new one by default) in the order of ``order`` (the
    records as read; default ``records``), then any report only ``records`` have (the roll-up).

    >>> from evgraph.sources.curated import read_curated
    >>> rep = count([read_curated()])
    >>> s = rep.sources[0]
    >>> s.name, s.nodes > 0, s.rows_read == s.nodes + s.edges
    ('curated', True, True)
    """
    report = report if report is not None else BuildReport()
    for rec in records:
        rep = rec.report
        rep.nodes, rep.edges = rec.num_nodes, rec.num_edges
        rep.builder_files = {f.file for f in rec.edges if len(f.frame)}
        if rec.final and not rep.rows_read and not rep.imported:
            rep.rows_read = rep.imported = rep.nodes + rep.edges
            rep.notes.append(FINAL_NOTE)
    seen: set[int] = set()
    for rec in [*(order or []), *records]:
        if id(rec.report) not in seen:
            seen.add(id(rec.report))
            report.sources.append(rec.report)
    return report
