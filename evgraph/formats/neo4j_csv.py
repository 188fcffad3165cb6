"""CSV files for ``neo4j-admin database import full``: the fastest way to put a large graph into Neo4j.

:func:`write_neo4j_csv` writes, for the layout of :mod:`evgraph.query.graphdata`:

* ``nodes-<Class>.csv`` with header ``id:ID,:LABEL,label,category,...,xrefs:string[],...``;
* ``relationships-<TYPE>.csv`` with header ``:START_ID,:END_ID,:TYPE,id,predicate,...,
  publications:string[],confidence:double,...``;
* ``import.sh``: the ``neo4j-admin database import full`` command line for these files
  (``--array-delimiter='|'``, ``--id-type=string``), then ``constraints.cypher`` (the loader's
  uniqueness constraints) to run once the database is started.

List items are ``|``-separated (an item never contains ``|``: lists are ``|``-joined in
evgraph), empty cells are missing properties. Files are written atomically.

**Spreadsheet-safe text.** Scalar text cells (``string`` properties, ids, labels, types) that
start with ``=``, ``+``, ``-``, ``@``, a tab or a CR get an apostrophe in front, exactly as in
the other CSV outputs (:func:`evgraph.formats.csvsafe.neutralise`), so opening an import file in
a spreadsheet never runs a formula; Neo4j then stores that text with its apostrophe. Cells that
Neo4j imports as a number (``:double``, ``:int``) or as an array (``:string[]``) are written
exactly: a prefix would change the number, or only the array's first item. (evgraph ids are
CURIEs, which never start with one of those characters.)

**Vectorised.** Cells are made column by column with Arrow compute (list joins, number text,
quoting, neutralising) from the typed tables of :func:`~evgraph.query.graphdata.rel_tables` and
:func:`~evgraph.query.graphdata.node_tables`, and rows are joined in Arrow: no Python call per
edge. The bytes are those :mod:`csv` writes (``QUOTE_MINIMAL``, ``\\n`` line ends; the
characters that make :mod:`csv` quote a cell are probed from the running Python, floats are
``repr``-formatted once per distinct value). ``tests/test_neo4j_csv.py`` compares the files
with a :mod:`csv`-module writer of the row layout, byte for byte.

>>> import tempfile, pandas as pd
>>> from evgraph.build.builder import GraphBuilder
>>> b = GraphBuilder()
>>> b.add_nodes(pd.DataFrame({"id": ["CL:0000235", "UBERON:0001013"], "category": ["CellType", "Organ"],
...                           "label": ["macrophage", "adipose tissue"]}), file="demo")
>>> b.add_edges(pd.DataFrame({"subject": ["CL:0000235"], "predicate": ["part_of"], "object": ["UBERON:0001013"],
...     "publications": ["PMID:28942920"], "species": ["NCBITaxon:10090"], "confidence": [0.8]}), file="demo")
>>> out = tempfile.mkdtemp()
>>> [p.name for p in write_neo4j_csv(b.build(), out)]
['nodes-CellType.csv', 'nodes-Organ.csv', 'relationships-PART_OF.csv', 'constraints.cypher', 'import.sh']
>>> print(open(f"{out}/relationships-PART_OF.csv").read().splitlines()[0])
:START_ID,:END_ID,:TYPE,id,predicate,direction,uptake_mechanism,species:string[],publications:string[],knowledge_level,agent_type,primary_knowledge_source,evidence,confidence:double,statement,separation_method:string[],ev_markers_positive:string[],ev_markers_negative:string[],single_ev_characterisation:string[],carrier_control,model_system:string[],ev_perturbation:string[],dose,evtrack_id,ev_metric:int,publication_year:int,evidence_tier,log2_fold_change:double,q_value:double,n_cases:int,n_controls:int,ortholog_subject,ortholog_object,ortholog_group:string[]
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..atomic import atomic_open
from ..query.graphdata import NODE_PROPERTIES, REL_PROPERTIES, Prop, arrow_column, node_tables
from ..query.neo4j import schema_statements
from .csvsafe import TRIGGERS, neutralise

if TYPE_CHECKING:
    from ..model import KnowledgeGraph

ARRAY_DELIMITER = "|"
#: rows per Arrow batch when joining cells into lines (bounds memory; offsets stay 32-bit)
BATCH_ROWS = 32_768


def _header(prop: Prop, node: bool = False) -> str:
    if node and prop.name == "id":
        return "id:ID"
    return prop.name if prop.type == "string" else f"{prop.name}:{prop.type}"


def _csv_quoted_chars() -> str:
    """The characters that make this Python's :mod:`csv` writer quote a cell (``,`` ``"`` ``\\n``...)."""
    found = []
    for ch in ',"\r\n\t ;|\'\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029':
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow([f"a{ch}b", "x"])
        if buf.getvalue().startswith('"'):
            found.append(ch)
    return "".join(found)


_QUOTE_RE = "[" + "".join(re.escape(c) if c not in "\n\r" else {"\n": "\\n", "\r": "\\r"}[c]
                          for c in _csv_quoted_chars()) + "]"
_TRIGGER_RE = "^[" + "".join({"\t": "\\t", "\r": "\\r"}.get(c, re.escape(c)) for c in TRIGGERS) + "]"


def _number_text(arr: pa.Array) -> pa.Array:
    """Numbers as the text :mod:`csv` writes for them (``str``), null kept: ints by Arrow, floats by ``repr``."""
    if pa.types.is_integer(arr.type):
        return pc.cast(arr, pa.string())
    enc = pc.dictionary_encode(arr)  # few distinct values (confidence): repr once per value
    texts = pa.array([None if v is None else str(v) for v in enc.dictionary.to_pylist()], pa.string())
    return texts.take(enc.indices)


def cell_text(arr: pa.Array, text: bool) -> pa.Array:
    """One column of CSV cells (no nulls): lists ``|``-joined, numbers as text, missing ``""``, quoted
    as :mod:`csv` quotes; ``text`` (a scalar ``string`` property) also neutralises a formula prefix.

    >>> cell_text(pa.array([["a", "b"], None]), False).to_pylist()
    ['a|b', '']
    >>> cell_text(pa.array(["=1+1", 'say "hi", twice', None, "-0.5"]), True).to_pylist()
    ["'=1+1", '"say ""hi"", twice"', '', '-0.5']
    >>> cell_text(pa.array([0.9, None, 1e-05]), False).to_pylist()
    ['0.9', '', '1e-05']
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_list(arr.type) or pa.types.is_large_list(arr.type):
        arr = pc.binary_join(arr, ARRAY_DELIMITER)
    elif not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = _number_text(arr)
    arr = pc.fill_null(arr, "")
    if text:  # the few cells starting with a trigger: csvsafe.neutralise itself decides (exact rules)
        hit = pc.match_substring_regex(arr, _TRIGGER_RE)
        if pc.any(hit).as_py():
            vals = pc.filter(arr, hit).to_pylist()
            arr = pc.replace_with_mask(arr, hit, pa.array([neutralise(v) for v in vals], arr.type))
    quote = pc.match_substring_regex(arr, _QUOTE_RE)
    if pc.any(quote).as_py():
        doubled = pc.replace_substring(arr, '"', '""')
        quoted = pc.binary_join_element_wise(pa.scalar('"'), doubled, pa.scalar('"'), "")
        arr = pc.if_else(quote, quoted, arr)
    return arr


def _has_newline(cols: list[pa.Array]) -> bool:
    return any(pc.any(pc.match_substring(c, "\n")).as_py() for c in cols)


def _fold(cols: list[pa.Array | pa.Scalar]) -> list[pa.Array | pa.Scalar]:
    """The row's parts with the ``,`` separators: a column with one value in every row, and the
    separators around it, become one text scalar (``,,,`` for a run of empty columns), so only
    the columns that vary are joined per row."""
    parts: list[pa.Array | str] = []
    for i, col in enumerate(cols):
        if i:
            parts.append(",")
        if isinstance(col, pa.Array) and len(col) and pc.all(pc.equal(col, col[0])).as_py():
            col = col[0]
        if isinstance(col, pa.Scalar):
            col = col.as_py()
        if isinstance(col, str) and parts and isinstance(parts[-1], str):
            parts[-1] += col
        else:
            parts.append(col)
    return [pa.scalar(p, pa.string()) if isinstance(p, str) else p for p in parts if not isinstance(p, str) or p]


def _write_rows(fh, cols: list[pa.Array | pa.Scalar], n: int) -> None:
    """Write ``n`` rows: the cells of ``cols`` (arrays, or one scalar for every row) joined by ``,``, ``\\n`` ends."""
    if not n:
        return
    parts = [*_fold(cols), pa.scalar("\n")]
    if not any(isinstance(p, pa.Array) for p in parts):  # every column constant
        fh.write("".join(p.as_py() for p in parts).encode("utf-8") * n)
        return
    for start in range(0, n, BATCH_ROWS):
        part = [c if isinstance(c, pa.Scalar) else c.slice(start, BATCH_ROWS) for c in parts]
        lines = pc.binary_join_element_wise(*part, "") if len(part) > 1 else part[0]
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=lines.offset + len(lines) + 1)[lines.offset:]
        fh.write(memoryview(lines.buffers()[2])[int(offsets[0]):int(offsets[-1])])


def _header_line(cells: list[str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue().encode("utf-8")


_Cells = tuple  # (cells, codes): the text of each distinct value and each row's index into it (None: one per row)


def _edge_cells(edges, prop: Prop, text: bool) -> _Cells | str:
    """The CSV cells of one edge column, in edge order: a text when every row has the same cell,
    else ``(cells, codes)``; a categorical column is converted once per category."""
    if prop.name not in edges.columns:
        return ""
    col = edges[prop.name]
    if col.dtype == object and prop.type in ("string", "string[]"):
        col = _few_texts(col)
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        cats = cell_text(arrow_column(pd.DataFrame({prop.name: pd.Series(col.cat.categories, dtype=object)}), prop),
                         text)
        cells = pa.concat_arrays([cats, pa.array([""], pa.string())])  # code -1 (missing): the last cell
        codes = np.where(codes < 0, len(cats), codes).astype(np.int32)
        used = np.flatnonzero(np.bincount(codes, minlength=len(cells)))  # only the categories in use count
        if len(used) == 1:
            return cells[int(used[0])].as_py()
        remap = np.zeros(len(cells), dtype=np.int32)
        remap[used] = np.arange(len(used), dtype=np.int32)
        return cells.take(pa.array(used)), remap[codes]
    arr = cell_text(_fast_column(col, prop), text)
    if len(arr) and pc.all(pc.equal(arr, arr[0])).as_py():
        return arr[0].as_py()
    return arr, None


def _few_texts(col: pd.Series) -> pd.Series:
    """An object column of text with few distinct values (evidence, publications) as a categorical, so its
    cells are made once per value; other columns (ids: one value per row; numbers) as they are.

    >>> _few_texts(pd.Series(["a", None, "a", "a"])).cat.categories.tolist()
    ['a']
    >>> str(_few_texts(pd.Series(["a", "b"])).dtype), str(_few_texts(pd.Series([1, 1, 1, 1], dtype=object)).dtype)
    ('object', 'object')
    """
    values = col.to_numpy(dtype=object)
    if len(values) > 20_000 and 2 * len(pd.unique(values[:10_000])) > 10_000:  # ids: not worth a hash of every row
        return col
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    if 2 * len(uniq) > len(col) or pd.api.types.infer_dtype(uniq, skipna=False) != "string":
        return col
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(uniq, dtype=object), validate=False),
                     index=col.index, name=col.name)


def _fast_column(col: pd.Series, prop: Prop) -> pa.Array:
    """:func:`~evgraph.query.graphdata.arrow_column` of an object column of text, with fewer passes.

    Text goes to Arrow in one call (missing and ``""`` give the same empty cell); a ``|``-list
    whose cells have no empty item (no ``||``, no leading or trailing ``|``) is already its
    joined cell text. Anything else (numbers, lists with empty items) takes ``arrow_column``.
    """
    if prop.type not in ("string", "string[]") or col.dtype != object:
        return arrow_column(col.to_frame(prop.name), prop)
    try:
        arr = pa.array(col.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return arrow_column(col.to_frame(prop.name), prop)
    if prop.type == "string[]":
        filled = pc.fill_null(arr, "")
        if (pc.any(pc.match_substring(filled, ARRAY_DELIMITER * 2)).as_py()
                or pc.any(pc.starts_with(filled, ARRAY_DELIMITER)).as_py()
                or pc.any(pc.ends_with(filled, ARRAY_DELIMITER)).as_py()):
            return arrow_column(col.to_frame(prop.name), prop)
    return arr


def _edge_parts(kg: KnowledgeGraph, edges: pd.DataFrame) -> tuple[list[_Cells | str], bool]:
    """Every relationship row's parts in edge order (``,`` included: constant runs folded into one text),
    and whether a cell holds a newline."""
    pred = edges["predicate"]
    if isinstance(pred.dtype, pd.CategoricalDtype):
        types = pa.array([kg.schema.relations[str(c)].neo4j_type for c in pred.cat.categories], pa.string())
        type_cells: _Cells | str = (types, pred.cat.codes.to_numpy().astype(np.int32))
    else:
        uniq, codes = np.unique(pred.astype(str).to_numpy(), return_inverse=True)
        type_cells = (pa.array([kg.schema.relations[str(u)].neo4j_type for u in uniq], pa.string()),
                      codes.astype(np.int32))
    columns = [_edge_cells(edges, Prop("subject", "string"), True), _edge_cells(edges, Prop("object", "string"), True),
               type_cells, *[_edge_cells(edges, p, p.type == "string") for p in REL_PROPERTIES]]
    multiline = any("\n" in c if isinstance(c, str) else _has_newline([c[0]]) for c in columns)
    parts: list[_Cells | str] = []
    for i, c in enumerate(columns):
        if i:
            parts.append(",")
        if isinstance(c, str) and parts and isinstance(parts[-1], str):
            parts[-1] += c
        else:
            parts.append(c)
    if isinstance(parts[-1], str):
        parts[-1] += "\n"
    else:
        parts.append("\n")
    return [p for p in parts if p != ""], multiline


def _edge_runs(kg: KnowledgeGraph, edges: pd.DataFrame) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
    """The write order of the edges (by relation, subject class, object class; edge order kept within)
    and its runs ``(start, stop, relationship type)``: :func:`~evgraph.query.graphdata.rel_tables`' groups."""
    names, ncodes = np.unique(np.asarray(kg.node_class).astype(str), return_inverse=True)
    pred = edges["predicate"]
    if isinstance(pred.dtype, pd.CategoricalDtype):  # rank the categories by name: rel_tables' group order
        cats = np.array([str(c) for c in pred.cat.categories], dtype=object)
        preds = np.sort(cats)
        pcode = np.searchsorted(preds, cats)[pred.cat.codes.to_numpy()]
    else:
        preds, pcode = np.unique(pred.astype(str).to_numpy(), return_inverse=True)
    n = len(names)
    key = (pcode.astype(np.int64) * n + ncodes[kg.src]) * n + ncodes[kg.dst]
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    cuts = np.flatnonzero(np.diff(sorted_key)) + 1
    bounds = np.concatenate([[0], cuts, [len(order)]])
    runs = []
    for a, b in itertools.pairwise(bounds):
        pred = str(preds[int(sorted_key[a]) // (n * n)])
        runs.append((int(a), int(b), kg.schema.relations[pred].neo4j_type))
    return order, runs


def _write_taken(fh, parts: list[_Cells | str], rows: np.ndarray) -> None:
    """Write the relationship lines of edge positions ``rows`` (in that order)."""
    for start in range(0, len(rows), BATCH_ROWS):
        idx = rows[start:start + BATCH_ROWS]
        pick = pa.array(idx)
        arrays = [pa.scalar(p, pa.string()) if isinstance(p, str)
                  else p[0].take(pick) if p[1] is None else p[0].take(pa.array(p[1][idx])) for p in parts]
        if not any(isinstance(a, pa.Array) for a in arrays):
            fh.write("".join(a.as_py() for a in arrays).encode("utf-8") * len(idx))
            continue
        lines = pc.binary_join_element_wise(*arrays, "") if len(arrays) > 1 else arrays[0]
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=lines.offset + len(lines) + 1)[lines.offset:]
        fh.write(memoryview(lines.buffers()[2])[int(offsets[0]):int(offsets[-1])])


def write_neo4j_csv(kg: KnowledgeGraph, out_dir: str | Path, database: str = "neo4j") -> list[Path]:
    """Write the neo4j-admin import files for ``kg`` into ``out_dir``; the paths written, in order."""
    from ..progress import bar

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with bar(total=kg.num_nodes + kg.num_edges, desc="neo4j-csv export", unit="rec") as progress:
        return _write(kg, out, database, progress)


def _write(kg: KnowledgeGraph, out: Path, database: str, progress) -> list[Path]:
    written: list[Path] = []
    multiline = False
    node_files: list[str] = []
    for cls, table in node_tables(kg):
        path = out / f"nodes-{cls}.csv"
        cols = [cell_text(table.column(p.name), p.type == "string") for p in NODE_PROPERTIES]
        multiline = multiline or _has_newline(cols)
        with atomic_open(path, "wb") as fh:
            fh.write(_header_line([_header(NODE_PROPERTIES[0], True), ":LABEL",
                                   *[_header(p, True) for p in NODE_PROPERTIES[1:]]]))
            _write_rows(fh, [cols[0], pa.scalar(cls), *cols[1:]], table.num_rows)
        progress.update(table.num_rows)
        written.append(path)
        node_files.append(path.name)
    rel_files: dict[str, Path] = {}
    edges = kg.edges
    if len(edges):
        parts, edge_multiline = _edge_parts(kg, edges)
        multiline = multiline or edge_multiline
        order, runs = _edge_runs(kg, edges)
        handles: dict[str, object] = {}
        files: dict[str, object] = {}
        try:
            for start, stop, rel_type in runs:
                if rel_type not in files:
                    path = out / f"relationships-{rel_type}.csv"
                    cm = atomic_open(path, "wb")
                    handles[rel_type], files[rel_type], rel_files[rel_type] = cm, cm.__enter__(), path
                    files[rel_type].write(_header_line([":START_ID", ":END_ID", ":TYPE",
                                                        *[_header(p) for p in REL_PROPERTIES]]))
                _write_taken(files[rel_type], parts, order[start:stop])
                progress.update(stop - start)
        except BaseException as exc:
            for cm in reversed(list(handles.values())):
                cm.__exit__(type(exc), exc, exc.__traceback__)
            raise
        for cm in handles.values():
            cm.__exit__(None, None, None)
    written.extend(rel_files[t] for t in sorted(rel_files))
    constraints = out / "constraints.cypher"
    with atomic_open(constraints) as fh:
        fh.write("// Run after the import, once the database is started (e.g. cypher-shell -f constraints.cypher)\n")
        for stmt in schema_statements(kg):
            fh.write(stmt + ";\n")
    written.append(constraints)
    script = out / "import.sh"
    args = ["neo4j-admin", "database", "import", "full", "DATABASE", "--overwrite-destination=true", "--id-type=string",
            f"--array-delimiter={ARRAY_DELIMITER}", "--skip-duplicate-nodes=false"]
    if multiline:
        args.append("--multiline-fields=true")
    args += [f"--nodes={name}" for name in node_files]
    args += [f"--relationships={rel_files[t].name}" for t in sorted(rel_files)]
    with atomic_open(script) as fh:
        fh.write("#!/bin/sh\n# Import this graph into a STOPPED Neo4j 5 server (replaces the database), then start\n"
                 "# it and run constraints.cypher. Usage: sh import.sh [DATABASE]   (default: neo4j)\n"
                 "set -e\ncd \"$(dirname \"$0\")\"\n")
        line = " \\\n  ".join(shlex.quote(a) for a in args).replace("DATABASE", f'"${{1:-{database}}}"')
        fh.write(line + "\n")
    script.chmod(0o755)
    written.append(script)
    return written
