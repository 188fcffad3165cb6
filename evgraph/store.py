"""The built-graph folder: what ``evgraph build`` writes and every other command reads.

Layout::

    DIR/nodes.parquet   node table
    DIR/edges.parquet   edge table; subject/object stored as int32 node codes
    DIR/graph.json      manifest: format version, ontology version, sources, counts, and the
                        size and BLAKE2b checksum of every table

A save writes the whole folder beside the target (``.DIR.XXXXXXXX.tmp``) and swaps it in with
one atomic rename (:func:`evgraph.atomic.atomic_dir`), so ``DIR`` always names a complete graph,
old or new, even when the writer is killed; a reader refuses a folder whose tables disagree
with the manifest's checksums (a folder edited by hand or damaged on disk) with one line
naming the file. Files other than the graph's (a query cache, build reports) do not survive a
save into the same folder: they belonged to the old graph.

Parquet keeps a million-edge graph loadable in about a second; the codes map straight back
to ``Categorical`` columns without any string matching. Text columns are dictionary-coded
(:data:`DICTIONARY_PAGE_LIMIT`): a long text repeated over many edges (the evidence and the
statement fields of one curated statement) is stored once and referenced by its code.

Opening is lazy (:func:`load_built`, :class:`ParquetTable`): the manifest, the checksums and
the table footers are read at once; a column is read (memory-mapped, its dictionary kept as
codes) the first time a command uses it, so ``evgraph hubs`` reads the edge endpoints and the
statement codes and never the provenance text. Graphs written before the lazy reader (same
format version) read the same way.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .atomic import atomic_dir
from .errors import DataError, Problem
from .model import EDGE_CATEGORICAL, KnowledgeGraph
from .schema import get_schema

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

FORMAT_VERSION = 2
MANIFEST = "graph.json"
TABLES = ("nodes.parquet", "edges.parquet")
#: dictionary pages up to this size: every distinct text (a statement's evidence, a publication
#: list) is stored once per row group and each edge holds its code (Parquet's own 1 MB default
#: falls back to repeating the text per edge once the distinct values outgrow it)
DICTIONARY_PAGE_LIMIT = 256 << 20
#: node columns read as their stored dictionary (few distinct values); every other node text
#: column (ids, labels, descriptions: mostly distinct) is read plain, which is 4x faster than
#: decoding a dictionary as long as the column; edge text columns (evidence and statement
#: fields repeated over many edges) are always read as their dictionary, except ``id``
DICTIONARY_COLUMNS = ("category", "condition_category")


def file_checksum(path: str | Path) -> str:
    """BLAKE2b-256 of a file, hex."""
    h = hashlib.blake2b(digest_size=32)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save(kg: KnowledgeGraph, out_dir: str | Path, extra: dict[str, Any] | None = None, report: Any = None) -> Path:
    """Write ``kg`` into ``out_dir`` (replacing the folder as a whole, atomically); return the manifest path.

    ``report`` (a :class:`~evgraph.build.qc.BuildReport`) is written into the same folder, inside
    the same atomic swap (``build-report.json`` / ``.txt``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise DataError(Problem(str(out), None, None, "exists and is not a folder"))
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise DataError(Problem(str(out), None, None, "folder exists and is not a built graph; "
                                                      "choose another --out or remove it"))
    nodes = kg.nodes.copy()
    nodes["category"] = nodes["category"].astype(str)
    edges = kg.edges.copy(deep=False)  # columns are replaced below, never written into (a deep copy: GBs at 3M edges)
    edges["subject"] = kg.src.astype(np.int32)
    edges["object"] = kg.dst.astype(np.int32)
    with atomic_dir(out) as staging:
        files = {}
        for name, frame in zip(TABLES, (nodes, edges), strict=True):
            text = EDGE_CATEGORICAL if frame is edges else ()
            table = pa.table({c: _arrow_column(frame[c], c in text) for c in frame.columns})
            pq.write_table(table, staging / name, compression="zstd", use_dictionary=True, write_statistics=False,
                           dictionary_pagesize_limit=DICTIONARY_PAGE_LIMIT)
            files[name] = {"bytes": (staging / name).stat().st_size, "blake2b": file_checksum(staging / name)}
        manifest = {
            "format": "evgraph-built-graph",
            "format_version": FORMAT_VERSION,
            **{k: v for k, v in kg.metadata.items() if k not in ("counts", "files")},
            **(extra or {}),
            "num_nodes": kg.num_nodes,
            "num_edges": kg.num_edges,
            "counts": kg.counts(),
            "files": files,
        }
        with open(staging / MANIFEST, "w", encoding="utf-8", newline="") as fh:
            json.dump(manifest, fh, indent=2, sort_keys=True)
            fh.write("\n")
        if report is not None:
            report.write(staging)
    return out / MANIFEST


def _arrow_column(col: pd.Series, as_text: bool):
    """One column as :meth:`pyarrow.Table.from_pandas` converts it; ``as_text``: as ``col.astype(str)`` would be.

    A categorical of text whose every row has a category goes through its dictionary (each
    distinct text converted once, no per-row Python string); anything else is converted as
    before (``astype(str)`` first when ``as_text``: a missing value is the text ``nan``).
    """
    import pandas as pd
    import pyarrow as pa

    if as_text and isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        cats = col.cat.categories
        if not (codes < 0).any() and cats.dtype == object and all(type(c) is str for c in cats):
            dictionary = pa.array(np.asarray(cats, dtype=object), type=pa.string())
            return dictionary.take(pa.array(codes.astype(np.int32, copy=False)))
    if as_text:
        col = col.astype(str)
    return pa.Array.from_pandas(col)


def is_built_graph(path: str | Path) -> bool:
    return (Path(path) / MANIFEST).is_file()


def read_manifest(path: str | Path) -> dict[str, Any]:
    """The manifest of a built-graph folder, checked: format, version, counts and file list."""
    folder = Path(path)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise DataError(Problem(str(folder), None, None, f"not a built graph (no {MANIFEST}); run 'evgraph build'"))
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(Problem(str(manifest_path), exc.lineno, None, f"invalid JSON: {exc.msg}")) from None
    except (UnicodeDecodeError, OSError) as exc:
        raise DataError(Problem(str(manifest_path), None, None, f"unreadable: {exc}")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != "evgraph-built-graph":
        raise DataError(Problem(str(manifest_path), None, "format", "not an evgraph built-graph manifest"))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        hint = "; rebuild it with this evgraph ('evgraph build')" if isinstance(version, int) and \
            version < FORMAT_VERSION else ""
        raise DataError(Problem(str(manifest_path), None, "format_version",
                                f"unsupported built-graph version {version!r}{hint}"))
    for key in ("num_nodes", "num_edges"):
        if not isinstance(manifest.get(key), int) or manifest[key] < 0:
            raise DataError(Problem(str(manifest_path), None, key, "missing or not a count"))
    files = manifest.get("files")
    if not isinstance(files, dict) or sorted(files) != sorted(TABLES) or not all(
            isinstance(v, dict) and isinstance(v.get("bytes"), int) and isinstance(v.get("blake2b"), str)
            for v in files.values()):
        raise DataError(Problem(str(manifest_path), None, "files", f"must list {', '.join(TABLES)} with "
                                                                   "their bytes and blake2b"))
    return manifest


def verify_tables(path: str | Path, manifest: dict[str, Any]) -> None:
    """Refuse a folder whose tables are not the ones its manifest names (size, then checksum)."""
    folder = Path(path)
    for name, want in manifest["files"].items():
        file = folder / name
        try:
            size = file.stat().st_size
        except OSError:
            raise DataError(Problem(str(file), None, None, f"missing (the manifest {MANIFEST} names it); "
                                                           "rebuild the graph")) from None
        if size != want["bytes"] or file_checksum(file) != want["blake2b"]:
            raise DataError(Problem(str(file), None, None, f"does not match {MANIFEST} (size or checksum): the "
                                                           "folder was modified or damaged; rebuild the graph"))


class ParquetTable:
    """One table of a built graph, opened from its Parquet footer and read a column at a time.

    Implements :class:`evgraph.model.ColumnSource`: :meth:`column` reads one column (memory
    mapped; text read as its stored dictionary, so each distinct string is decoded once and
    every row refers to it), converts it to the model's dtype and checks it against the schema;
    :meth:`frame` assembles every column (reusing those already read). Both give identical
    columns, so a lazily used graph and a fully loaded one agree value for value.
    """

    def __init__(self, path: Path, kind: str, schema: Any, nodes: ParquetTable | None = None):
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path, self.kind, self.schema, self.nodes = path, kind, schema, nodes
        try:
            meta = pq.read_schema(path, memory_map=True)
            text = [f.name for f in meta if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
            self._file = pq.ParquetFile(path, memory_map=True, read_dictionary=[
                c for c in text if c in DICTIONARY_COLUMNS or (kind == "edges" and c != "id")])
        except (OSError, pa.ArrowException) as exc:
            raise DataError(Problem(str(path), None, None, f"unreadable table: {str(exc).splitlines()[0]}")) from None
        self.columns: tuple[str, ...] = tuple(meta.names)
        self._rows = int(self._file.metadata.num_rows)
        self._columns: dict[str, pd.Series] = {}
        self._codes: dict[str, np.ndarray] = {}
        self._dictionaries: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._node_dtype: pd.CategoricalDtype | None = None
        self._lock = threading.RLock()  # a served graph is read from several threads
        self.checksum: str | None = None  # the manifest's BLAKE2b of this file (set by open_built)

    def __len__(self) -> int:
        return self._rows

    def _read(self, name: str) -> Any:
        import pyarrow as pa

        if name not in self.columns:
            raise KeyError(name)
        try:
            with self._lock:
                return self._file.read(columns=[name], use_threads=False).column(0)
        except (OSError, pa.ArrowException) as exc:
            raise DataError(Problem(str(self.path), None, name,
                                    f"unreadable column: {str(exc).splitlines()[0]}")) from None

    def _fail(self, name: str, message: str) -> DataError:
        return DataError(Problem(str(self.path), None, name, message))

    def codes(self, name: str) -> np.ndarray:
        """The int64 node codes of ``subject`` or ``object``, range-checked."""
        with self._lock:
            return self._codes_of(name)

    def _codes_of(self, name: str) -> np.ndarray:
        if name not in self._codes:
            import pyarrow as pa

            column = self._read(name)
            if not pa.types.is_integer(column.type) or column.null_count:
                raise self._fail(name, "node codes out of range")
            values = arrow_ints(column)
            n = len(self.nodes) if self.nodes is not None else 0
            if len(values) and (values.min() < 0 or values.max() >= n):
                raise self._fail(name, "node codes out of range")
            self._codes[name] = values
        return self._codes[name]

    def column(self, name: str) -> pd.Series:
        if name in self._columns:
            return self._columns[name]
        with self._lock:
            return self._column(name)

    def _column(self, name: str) -> pd.Series:
        if name in self._columns:
            return self._columns[name]
        import pandas as pd

        if self.kind == "edges" and name in ("subject", "object"):
            if self._node_dtype is None:  # one dtype (one categories index) for both endpoint columns
                self._node_dtype = pd.CategoricalDtype(self.nodes.column("id").to_numpy(dtype=object))
            values = pd.Categorical.from_codes(self.codes(name), dtype=self._node_dtype, validate=False)
        else:
            values = self._convert(name, self._read(name))
        # an object array stays object (pandas 3 would copy its shared strings into a new ``str`` column)
        dtype = object if isinstance(values, np.ndarray) and values.dtype == object else None
        series = self._columns[name] = pd.Series(values, name=name, copy=False, dtype=dtype)
        return series

    def _convert(self, name: str, arr: Any) -> Any:
        import pyarrow as pa

        if not pa.types.is_dictionary(arr.type):
            if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
                # mostly distinct text (ids, labels): one string object per row, without pandas'
                # hash-based de-duplication of equal strings (3x slower at 1M rows)
                return arr.to_numpy(zero_copy_only=False)
            return arr.to_pandas()
        cat = arr.to_pandas().array  # a Categorical over the stored dictionary
        cats = np.asarray(cat.categories, dtype=object)
        if self.kind == "nodes" and name == "category":
            bad = sorted(set(cats) - set(self.schema.classes))
            if bad:
                raise self._fail(name, f"unknown class {bad[0]!r}")
            return cat.set_categories(list(self.schema.classes))
        if self.kind == "edges" and name == "predicate":
            bad = sorted(set(cats) - set(self.schema.relations))
            if bad:
                raise self._fail(name, f"unknown relation {bad[0]!r}")
            return cat.set_categories(list(self.schema.relations))
        if self.kind == "edges" and name in EDGE_CATEGORICAL:
            return cat.reorder_categories(sorted(cats)) if len(cats) else cat
        # plain text: an object array whose rows share the dictionary's string objects
        codes = np.asarray(cat.codes, dtype=np.int64)
        self._dictionaries[name] = (codes, cats)
        lookup = np.empty(len(cats) + 1, dtype=object)
        lookup[:-1] = cats
        lookup[-1] = None
        return lookup[codes]

    def _plain_text(self, name: str) -> bool:
        return not ((self.kind == "nodes" and name == "category") or (self.kind == "edges" and name in
                                                                      (*EDGE_CATEGORICAL, "subject", "object")))

    def factorize(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, values)`` of a text column from its stored dictionary (code -1 = missing);
        the per-row column is not built."""
        with self._lock:
            return self._factorize(name)

    def _factorize(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        import pyarrow as pa

        node_class = self.kind == "nodes" and name == "category"
        relation = self.kind == "edges" and name == "predicate"
        if name not in self._dictionaries and name not in self._columns and (self._plain_text(name) or node_class
                                                                              or relation):
            arr = self._read(name)
            if pa.types.is_dictionary(arr.type):
                codes, values = dictionary_codes(arr)
                if node_class or relation:  # checked as the column is (:meth:`_convert`), by a count, no hash
                    used = values[np.bincount(codes[codes >= 0], minlength=len(values)) > 0]
                    known = self.schema.classes if node_class else self.schema.relations
                    bad = sorted(set(used) - set(known))
                    if bad:
                        raise self._fail(name, f"unknown {'class' if node_class else 'relation'} {bad[0]!r}")
                self._dictionaries[name] = (codes, values)
        if name not in self._dictionaries and name in self._columns and hasattr(self._columns[name], "cat"):
            cat = self._columns[name].cat  # already read as a categorical: its own codes
            self._dictionaries[name] = (cat.codes.to_numpy(dtype=np.int64), np.asarray(cat.categories, dtype=object))
        if name not in self._dictionaries:
            import pandas as pd

            series = self.column(name)
            if name not in self._dictionaries:  # not dictionary-coded (or categorical): factorize
                codes, values = pd.factorize(series.to_numpy(dtype=object))
                self._dictionaries[name] = (codes.astype(np.int64), np.asarray(values, dtype=object))
        return self._dictionaries[name]

    def text(self, name: str, rows: np.ndarray | None = None) -> list[Any]:
        """The stored values of column ``name`` at ``rows`` (all when None) as Python objects,
        straight from Arrow: only the strings of those rows are made (no pandas)."""
        arr = self._read(name)
        if rows is None:
            return arr.to_pylist()
        rows = np.asarray(rows, dtype=np.int64).tolist()
        if len(rows) > 1000:
            every = arr.to_pylist()
            return [every[i] for i in rows]
        return [arr[i].as_py() for i in rows]  # a few rows: no take(), which loads pandas

    def frame(self) -> pd.DataFrame:
        """Every column, as a DataFrame in the stored order."""
        import pandas as pd

        return pd.DataFrame({c: self.column(c) for c in self.columns}, copy=False)


def arrow_ints(arr: Any, missing: int = -1) -> np.ndarray:
    """An integer Arrow array (or chunked array) as an int64 numpy array, missing values as
    ``missing``, read from its buffers.

    pyarrow's own ``to_numpy`` and ``take`` import pandas on first use (to recognise pandas
    objects); reading the buffers keeps a command that never needs pandas from loading it.

    >>> import pyarrow as pa
    >>> arrow_ints(pa.chunked_array([pa.array([3, None, 1], type=pa.int32()), pa.array([7], type=pa.int32())])).tolist()
    [3, -1, 1, 7]
    """
    import pyarrow as pa

    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    parts = []
    for ch in chunks:
        n, off = len(ch), ch.offset
        dtype = np.dtype(ch.type.to_pandas_dtype())
        values = np.frombuffer(ch.buffers()[1], dtype=dtype, count=off + n)[off:].astype(np.int64)
        if ch.null_count:
            bits = np.unpackbits(np.frombuffer(ch.buffers()[0], dtype=np.uint8), bitorder="little")
            values[~bits[off:off + n].astype(bool)] = missing
        parts.append(values)
    return np.concatenate(parts) if len(parts) != 1 else parts[0]


def dictionary_codes(arr: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, values)`` of a dictionary-encoded Arrow column: int64 codes (-1 = missing) and
    the dictionary as an object array, ``values[codes]`` being the column (no pandas).

    >>> import pyarrow as pa
    >>> codes, values = dictionary_codes(pa.chunked_array([pa.array(["b", None, "a", "b"]).dictionary_encode()]))
    >>> codes.tolist(), values.tolist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.unify_dictionaries().combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    values = np.empty(len(arr.dictionary), dtype=object)
    values[:] = arr.dictionary.to_pylist()
    return arrow_ints(arr.indices), values


def open_built(path: str | Path) -> KnowledgeGraph:
    """Open a built-graph folder written by :func:`save`: manifest, checksums and table footers only.

    Columns are read when first used (:meth:`KnowledgeGraph.edge_column`, ``kg.src``, or the
    whole ``kg.edges``); each is checked against the schema as it is read (codes in range,
    known classes and relations), and a damaged or foreign column fails with one line naming
    the file and the column."""
    folder = Path(path)
    manifest = read_manifest(folder)
    verify_tables(folder, manifest)
    schema = get_schema()
    nodes = ParquetTable(folder / "nodes.parquet", "nodes", schema)
    edges = ParquetTable(folder / "edges.parquet", "edges", schema, nodes=nodes)
    if len(nodes) != manifest["num_nodes"] or len(edges) != manifest["num_edges"]:
        raise DataError(Problem(str(folder), None, None, "tables do not match the manifest (interrupted write?)"))
    # the checksums the tables were just verified against: the key of caches derived from them
    nodes.checksum = manifest["files"]["nodes.parquet"]["blake2b"]
    edges.checksum = manifest["files"]["edges.parquet"]["blake2b"]
    required = {"nodes.parquet": (nodes, ("id", "category")),
                "edges.parquet": (edges, ("id", "subject", "predicate", "object"))}
    for name, (table, cols) in required.items():
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise DataError(Problem(str(folder / name), None, missing[0], "required column missing"))
    meta = {k: v for k, v in manifest.items() if k not in ("num_nodes", "num_edges", "counts", "files")}
    return KnowledgeGraph(nodes, edges, schema, meta)


def load_built(path: str | Path, lazy: bool = True) -> KnowledgeGraph:
    """Read a built-graph folder written by :func:`save`, after checking it against its manifest.

    Lazy by default (:func:`open_built`: columns are read when used); ``lazy=False`` reads
    and checks every column now.

    >>> import evgraph, tempfile
    >>> folder = tempfile.mkdtemp() + "/g"
    >>> _ = evgraph.save(evgraph.load(), folder)
    >>> kg = load_built(folder)
    >>> kg.is_loaded("edges"), kg.num_edges > 300, kg.is_loaded("edges")
    (False, True, False)
    >>> load_built(folder, lazy=False).edges.equals(kg.edges)
    True
    """
    kg = open_built(path)
    if not lazy:
        kg.nodes, kg.edges  # noqa: B018  (read and check every column)
    return kg
