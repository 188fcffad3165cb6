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
to ``Categorical`` columns without any string matching.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .atomic import atomic_dir
from .errors import DataError, Problem
from .model import EDGE_CATEGORICAL, KnowledgeGraph
from .schema import get_schema

FORMAT_VERSION = 2
MANIFEST = "graph.json"
TABLES = ("nodes.parquet", "edges.parquet")


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
    edges = kg.edges.copy()
    edges["subject"] = kg.src.astype(np.int32)
    edges["object"] = kg.dst.astype(np.int32)
    for col in EDGE_CATEGORICAL:
        edges[col] = edges[col].astype(str)
    with atomic_dir(out) as staging:
        files = {}
        for name, frame in zip(TABLES, (nodes, edges), strict=True):
            table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
            pq.write_table(table, staging / name, compression="zstd", use_dictionary=True, write_statistics=False)
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


def load_built(path: str | Path) -> KnowledgeGraph:
    """Read a built-graph folder written by :func:`save`, after checking it against its manifest."""
    import pyarrow as pa

    folder = Path(path)
    manifest = read_manifest(folder)
    verify_tables(folder, manifest)
    schema = get_schema()
    try:
        nodes = pd.read_parquet(folder / "nodes.parquet")
        edges = pd.read_parquet(folder / "edges.parquet")
    except (OSError, pa.ArrowException) as exc:
        raise DataError(Problem(str(folder), None, None, f"unreadable table: {str(exc).splitlines()[0]}")) from None
    if len(nodes) != manifest["num_nodes"] or len(edges) != manifest["num_edges"]:
        raise DataError(Problem(str(folder), None, None, "tables do not match the manifest (interrupted write?)"))
    required = {"nodes.parquet": (nodes, ("id", "category")),
                "edges.parquet": (edges, ("id", "subject", "predicate", "object"))}
    for name, (frame, cols) in required.items():
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise DataError(Problem(str(folder / name), None, missing[0], "required column missing"))
    ids = nodes["id"].to_numpy(dtype=object)
    codes = {c: edges[c].to_numpy() for c in ("subject", "object")}
    for col, values in codes.items():
        if len(values) and (not np.issubdtype(values.dtype, np.integer) or values.min() < 0
                            or values.max() >= len(ids)):
            raise DataError(Problem(str(folder / "edges.parquet"), None, col, "node codes out of range"))
    bad_cls = sorted(set(nodes["category"].astype(str)) - set(schema.classes))
    if bad_cls:
        raise DataError(Problem(str(folder / "nodes.parquet"), None, "category", f"unknown class {bad_cls[0]!r}"))
    bad_rel = sorted(set(edges["predicate"].astype(str)) - set(schema.relations))
    if bad_rel:
        raise DataError(Problem(str(folder / "edges.parquet"), None, "predicate", f"unknown relation {bad_rel[0]!r}"))
    nodes["category"] = pd.Categorical(nodes["category"], categories=list(schema.classes))
    edges["subject"] = pd.Categorical.from_codes(codes["subject"], categories=ids, validate=False)
    edges["object"] = pd.Categorical.from_codes(codes["object"], categories=ids, validate=False)
    edges["predicate"] = pd.Categorical(edges["predicate"], categories=list(schema.relations))
    for col in EDGE_CATEGORICAL:
        if col != "predicate":
            edges[col] = edges[col].astype("category")
    meta = {k: v for k, v in manifest.items() if k not in ("num_nodes", "num_edges", "counts", "files")}
    return KnowledgeGraph(nodes, edges, schema, meta)
