"""A user's own tables (EV cargo lists, receiver gene lists or DE tables) mapped onto graph nodes.

A table is TSV or CSV (by content), optionally gzipped, with a header. The identifier column is
the first of ``id``, ``cargo``, ``gene``, ``symbol``, ``mirna``, ``name`` (any case), else the
first column. Each value is mapped, in order, by: the graph id itself; NCBI Gene numbers;
UniProt and Ensembl accessions (through node xrefs); the label or a synonym (exact, then
ignoring case); miRNA names without or with another species prefix (``miR-155-5p``,
``mmu-miR-155-5p`` -> ``hsa-miR-155-5p``). A match that ignores case or species is flagged as
an ortholog-by-name mapping (``mapped_by``). Every row that maps to nothing, or to several
nodes, is reported with its line number; none is dropped silently.

>>> import evgraph
>>> kg = evgraph.load()
>>> m = NameMapper(kg)
>>> m.map("PPARG")[0], m.map("5468")[0], m.map("Pparg")[1]
('NCBIGene:5468', 'NCBIGene:5468', 'label (case-insensitive; ortholog by name)')
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError, EvgraphError, Problem
from .model import KnowledgeGraph

ID_COLUMNS = ("id", "cargo", "gene", "symbol", "mirna", "name")
NUMERIC_COLUMNS = ("log2fc", "abundance", "q", "padj", "pvalue")
_MIRNA = re.compile(r"^(?:[a-z]{3}-)?(mir|let|miR)-?(.+)$", re.IGNORECASE)


def _err(path: Path | str, line: int | None, message: str, field: str | None = None) -> DataError:
    return DataError(Problem(str(path), line, field, message))


class NameMapper:
    """Maps user identifiers to graph node ids (see the module docstring)."""

    def __init__(self, kg: KnowledgeGraph, classes: tuple[str, ...] | None = None):
        nodes = kg.nodes
        if classes:
            nodes = nodes[np.isin(kg.node_class.astype(str), list(classes))]
        self.ids = set(nodes["id"].astype(str))
        self.exact: dict[str, set[str]] = {}
        self.folded: dict[str, set[str]] = {}
        for col in ("label", "synonyms", "xrefs"):
            if col not in nodes.columns:
                continue
            for nid, value in zip(nodes["id"].astype(str), nodes[col].astype(str), strict=True):
                for v in (value.split("|") if col != "label" else [value]):
                    v = v.strip()
                    if not v or v == "nan":
                        continue
                    keys = [v]
                    if col == "xrefs" and ":" in v:
                        keys.append(v.split(":", 1)[1])
                    for key in keys:
                        self.exact.setdefault(key, set()).add(nid)
                        self.folded.setdefault(key.casefold(), set()).add(nid)

    def map(self, value: str) -> tuple[str | None, str, list[str]]:
        """``(node id or None, how it was mapped, all candidates)``."""
        v = value.strip()
        if not v:
            return None, "empty", []
        if v in self.ids:
            return v, "id", [v]
        if v.isdigit() and f"NCBIGene:{v}" in self.ids:
            return f"NCBIGene:{v}", "NCBI Gene number", [f"NCBIGene:{v}"]
        base = v.split(".", 1)[0] if v.upper().startswith("ENS") else v
        for key, how in ((v, "label, synonym or xref"), (base, "xref (version dropped)")):
            hit = self.exact.get(key)
            if hit:
                return (sorted(hit)[0], how, sorted(hit)) if len(hit) == 1 else (None, "ambiguous", sorted(hit))
        m = _MIRNA.match(v)
        if m:
            stem = m.group(1).lower().replace("mir", "miR")
            for key in (f"hsa-{stem}-{m.group(2)}", f"hsa-{m.group(1)}-{m.group(2)}"):
                hit = self.exact.get(key)
                if hit and len(hit) == 1:
                    how = "miRNA name" if v.lower().startswith(("hsa-", "mir", "let")) else \
                        "miRNA name (other species prefix; ortholog by name)"
                    return sorted(hit)[0], how, sorted(hit)
        hit = self.folded.get(v.casefold())
        if hit:
            if len(hit) == 1:
                return sorted(hit)[0], "label (case-insensitive; ortholog by name)", sorted(hit)
            return None, "ambiguous", sorted(hit)
        return None, "not found", []


@dataclass
class UserTable:
    """A mapped user table: ``frame`` (``id`` plus the user's columns), and the mapping report."""

    path: str
    frame: pd.DataFrame
    report: pd.DataFrame            # line, value, id, mapped_by, candidates
    unmapped: list[dict] = field(default_factory=list)

    @property
    def mapped(self) -> int:
        return int(self.report["id"].notna().sum())


def _read_text(path: Path) -> str:
    if not path.exists():
        raise _err(path, None, "no such file")
    if path.is_dir():
        raise _err(path, None, "is a directory, not a table")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise _err(path, None, f"truncated or corrupt gzip ({exc})") from None
    if b"\x00" in raw:
        raise _err(path, None, "binary data (NUL bytes), not a text table")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise _err(path, line, "not UTF-8 text") from None
    return text


def read_table(path: str | Path, kg: KnowledgeGraph, *, classes: tuple[str, ...] | None = None,
               mapper: NameMapper | None = None) -> UserTable:
    """Read and map a cargo or receiver table (see the module docstring).

    Raises :class:`DataError` naming file, line and field for an unreadable table, a numeric
    column with a non-number, or a table none of whose rows maps to the graph.
    """
    path = Path(path)
    return parse_table(_read_text(path), str(path), kg, classes=classes, mapper=mapper)


def parse_table(text: str, name: str, kg: KnowledgeGraph, *, classes: tuple[str, ...] | None = None,
                mapper: NameMapper | None = None) -> UserTable:
    """:func:`read_table` on the text of a table (``name`` is the file name used in error messages).

    >>> import evgraph
    >>> t = parse_table("gene,log2fc\\nPPARG,1.5\\nNOPE1,2\\n", "upload", evgraph.load(), classes=("Gene",))
    >>> t.frame.to_dict("records"), t.unmapped[0]["line"]
    ([{'id': 'NCBIGene:5468', 'log2fc': 1.5}], 3)
    """
    path = name
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _err(path, 1, "empty table (a header and at least one row are needed)")
    delim = "\t" if "\t" in lines[0] else ","
    if delim == "," and "," not in lines[0] and len(lines) > 1 and ("," in lines[1] or "\t" in lines[1]):
        raise _err(path, 1, "the header has one column but the rows have several: wrong delimiter?")
    rows = list(csv.reader(io.StringIO(text), delimiter=delim))
    header = [h.strip() for h in rows[0]]
    body = [(i + 2, r) for i, r in enumerate(rows[1:]) if any(c.strip() for c in r)]
    if not body:
        raise _err(path, 1, "header only, no data rows")
    lower = [h.lower() for h in header]
    id_col = next((lower.index(c) for c in ID_COLUMNS if c in lower), 0)
    mapper = mapper or NameMapper(kg, classes)
    records, report, unmapped = [], [], []
    for line, r in body:
        if len(r) > len(header):
            raise _err(path, line, f"{len(r)} fields but the header has {len(header)}")
        r = r + [""] * (len(header) - len(r))
        value = r[id_col].strip()
        nid, how, cands = mapper.map(value)
        report.append({"line": line, "value": value, "id": nid, "mapped_by": how, "candidates": cands})
        if nid is None:
            unmapped.append({"line": line, "value": value, "reason": how, "candidates": cands})
            continue
        rec = {"id": nid}
        for j, h in enumerate(header):
            if j == id_col or not h:
                continue
            cell = r[j].strip()
            if h.lower() in NUMERIC_COLUMNS:
                try:
                    rec[h.lower()] = float(cell) if cell else np.nan
                except ValueError:
                    raise _err(path, line, f"'{cell}' is not a number", h) from None
            else:
                rec[h] = cell
        records.append(rec)
    if not records:
        first = unmapped[0]
        raise _err(path, first["line"], f"none of the {len(body)} rows maps to a graph node (first: "
                   f"'{first['value']}': {first['reason']})", header[id_col])
    frame = pd.DataFrame(records).drop_duplicates("id", keep="first").reset_index(drop=True)
    return UserTable(name, frame, pd.DataFrame(report), unmapped)


def receiver_set(table: UserTable, *, q_max: float = 0.05, min_abs_log2fc: float = 0.0) -> tuple[list[str], list[str]]:
    """``(receiver genes, background genes)`` of a receiver table.

    A DE table (with ``q``/``padj``) gives the genes with ``q <= q_max`` and
    ``|log2fc| >= min_abs_log2fc`` as the set and every listed gene as the background; a plain
    list is the set, with the default background.
    """
    f = table.frame
    qcol = "q" if "q" in f.columns else "padj" if "padj" in f.columns else None
    if qcol is None:
        return f["id"].tolist(), []
    keep = f[qcol] <= q_max
    if "log2fc" in f.columns:
        keep &= f["log2fc"].abs() >= min_abs_log2fc
    genes = f.loc[keep, "id"].tolist()
    if not genes:
        raise EvgraphError(f"{table.path}: no gene passes q <= {q_max}"
                           + (f" and |log2fc| >= {min_abs_log2fc}" if "log2fc" in f.columns else ""))
    return genes, f["id"].tolist()
