"""Pure parsing results of the issue-14 readers, and the thin adapter that hands them to a build.

The readers of the new shared data (``evmirna2``, ``orthologs``, ``tissue_expression``,
``cell_markers``, ``go_annotations``, ``nichenet``, ``omnipath``) are written as *pure*
functions ``parse_X(path, options) -> Parsed``: they read files and return node and edge
pandas frames (each record with its ``_file`` and ``_line``), the QC entry and the gene
symbols they learned, and touch no builder. :func:`adapter` turns one into the reader
``read(path, options) -> SourceRecords``.

>>> import pandas as pd
>>> from evgraph.build.qc import SourceReport
>>> p = Parsed("demo", pd.DataFrame({"id": ["GO:0008150"], "category": ["Pathway"], "label": ["bp"]}),
...            pd.DataFrame(columns=["subject", "predicate", "object"]), SourceReport("demo"))
>>> rec = to_records(p)
>>> rec.name, rec.num_nodes, rec.num_edges
('demo', 1, 0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..build.qc import SourceReport
from ..build.records import SourceRecords
from ..errors import DataError, Problem


@dataclass
class Parsed:
    """What one source's files contained, as frames (see the module docstring)."""

    name: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    report: SourceReport
    #: ``(taxon, symbol, entrez)`` triples the files state (used to resolve symbols of other sources)
    symbols: list[tuple[str, str, str]] = field(default_factory=list)
    #: extra per-build state the source contributes (e.g. the ortholog table)
    extra: dict[str, Any] = field(default_factory=dict)


def to_records(parsed: Parsed) -> SourceRecords:
    """``parsed`` as the :class:`~evgraph.build.records.SourceRecords` every reader returns."""
    rec = SourceRecords(parsed.name, parsed.report)
    for taxon, symbol, entrez in parsed.symbols:
        rec.learn_symbol(taxon, symbol, entrez)
    rec.extra.update(parsed.extra)
    edges = parsed.edges.drop(columns=[c for c in ("_file",) if c in parsed.edges.columns])
    nodes = parsed.nodes.drop(columns=[c for c in ("_file",) if c in parsed.nodes.columns])
    rec.add(nodes, edges)
    return rec


def adapter(name: str, parse: Callable[[Path, dict[str, str]], Parsed], kind: str = "FOLDER|FILE"):
    """The reader ``read(path, options) -> SourceRecords`` of source ``name`` around its pure ``parse``."""

    def read(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
        if not path:
            raise DataError(Problem(None, None, None, f"source '{name}' needs a path: {name}={kind}"))
        return to_records(parse(Path(path), dict(options or {})))

    read.__doc__ = (parse.__doc__ or "").strip().splitlines()[0] if parse.__doc__ else name
    read.__name__ = f"read_{name}"
    return read


def pick_files(path: Path, source: str, patterns: dict[str, tuple[str, ...]]) -> dict[str, list[Path]]:
    """Files of a shared folder by role: ``patterns`` maps a role to lower-case name fragments.

    A single file is given the first role whose fragment its name contains (or the first role).
    A folder yields every file matching a role; none at all is an error naming what was expected.
    """
    if path.is_file():
        n = path.name.lower()
        role = next((r for r, frags in patterns.items() if any(f in n for f in frags)), next(iter(patterns)))
        return {role: [path]}
    if not path.is_dir():
        raise DataError(Problem(str(path), None, None, f"{source}: file or folder not found"))
    out: dict[str, list[Path]] = {}
    for p in sorted(path.iterdir()):
        if not p.is_file():
            continue
        n = p.name.lower()
        for role, frags in patterns.items():
            if any(f in n for f in frags):
                out.setdefault(role, []).append(p)
                break
    if not out:
        want = ", ".join(f"*{f}*" for frags in patterns.values() for f in frags)
        raise DataError(Problem(str(path), None, None, f"{source}: no input files in the folder (expected {want})"))
    return out


def option_float(opts: dict[str, str], key: str, default: float, file: str, lo: float | None = None,
                 hi: float | None = None) -> float:
    """A numeric reader option, checked (``DataError`` naming the option on a bad value)."""
    raw = opts.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise DataError(Problem(file, None, key, f"option {key}={raw!r} is not a number")) from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise DataError(Problem(file, None, key, f"option {key}={raw} is outside [{lo}, {hi}]"))
    return value
