"""Metaedge matrices stored on disk beside a built graph, so a new process skips rebuilding them.

A built-graph folder (:mod:`evgraph.store`) gets a ``hetmat-cache/KEY/`` subfolder holding the
binary adjacency matrix of every metaedge that :class:`~evgraph.analytics.hetmat.HetMat` has
built for it (one ``.npy`` file each: ``[n, nnz, indptr..., indices...]``, sorted indices, the
values all 1) and the class code of every node (``classes.npy``). hetmatpy keeps its
adjacency matrices the same way in its HetMat folder; a DWPC call in a new process then reads
the few matrices of its metapath instead of the Parquet columns it would build them from.

Safety:

* ``KEY`` is a hash of the two tables' BLAKE2b checksums (those of the graph's manifest,
  which the tables were checked against when the graph was opened), the ontology's classes
  and relations as the code uses them (their order, which relations are symmetric) and
  :data:`CACHE_VERSION`. A changed graph or ontology gives a new key: stale matrices are never
  read, and the first write under a new key removes the other keys' subfolders. A rebuild
  replaces the whole folder (cache included) anyway.
* Only a graph whose tables are still the Parquet tables opened from the folder uses it
  (:func:`MatrixStore.of`); a graph built in memory, or whose tables were replaced, does not.
* Every file is written atomically (:func:`evgraph.atomic.atomic_path`: a temporary beside
  it, then a rename), so a reader sees a whole file or none; a file that does not parse or
  whose structure is wrong (sizes, bounds, ``indptr`` order) is ignored and rebuilt.
* A folder that cannot be written (read-only) just means no cache: nothing fails.

Turn it off for one call with ``hetmat(kg, disk_cache=False)``, or for the process with
``EVGRAPH_HETMAT_CACHE=0``.

>>> import evgraph, tempfile
>>> folder = tempfile.mkdtemp() + "/g"
>>> _ = evgraph.save(evgraph.load(), folder)
>>> store = MatrixStore.of(evgraph.load(folder))
>>> store.folder.parent.name, len(store.key)
('hetmat-cache', 32)
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..model import KnowledgeGraph
from ..schema import Schema

log = logging.getLogger(__name__)

#: bump when the stored layout or the meaning of a stored matrix changes
CACHE_VERSION = 1
#: subfolder of a built graph holding the stored matrices
SUBFOLDER = "hetmat-cache"
ENV_OFF = "EVGRAPH_HETMAT_CACHE"


_DIGESTS: dict[int, tuple[Schema, str]] = {}


def _schema_digest(schema: Schema) -> str:
    """What the stored matrices depend on in the ontology: class order, relations and their symmetry."""
    hit = _DIGESTS.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    h = hashlib.blake2b(digest_size=16)
    h.update("\n".join(schema.classes).encode())
    h.update(b"\0")
    h.update("\n".join(f"{r} {int(bool(info.symmetric))}" for r, info in schema.relations.items()).encode())
    _DIGESTS[id(schema)] = (schema, h.hexdigest())
    return h.hexdigest()


def disabled() -> bool:
    """Whether ``EVGRAPH_HETMAT_CACHE=0`` (or ``off``/``false``/``no``) turns the store off."""
    return os.environ.get(ENV_OFF, "").strip().lower() in ("0", "off", "false", "no")


def metaedge_name(rel: str, a: frozenset[str], b: frozenset[str], rev: bool) -> str:
    """File name of one metaedge's matrix (a hash of the relationship, the two class sets, the direction)."""
    text = f"{rel}\t{','.join(sorted(a))}\t{','.join(sorted(b))}\t{int(rev)}"
    return "B-" + hashlib.blake2b(text.encode(), digest_size=12).hexdigest() + ".npy"


class MatrixStore:
    """The stored matrices of one built graph (one ``KEY`` subfolder); see the module docstring."""

    def __init__(self, folder: Path, key: str, n: int):
        self.root = Path(folder)
        self.key = key
        self.folder = self.root / SUBFOLDER / key
        self.n = int(n)
        self._writable = True

    @classmethod
    def of(cls, kg: KnowledgeGraph) -> MatrixStore | None:
        """The store of ``kg``'s built folder, or None (a graph not opened from a folder, tables replaced)."""
        if disabled():
            return None
        tables = [kg._tables.get("nodes"), kg._tables.get("edges")]  # the opened tables, not copies
        sums = [getattr(t, "checksum", None) for t in tables]
        paths = [getattr(t, "path", None) for t in tables]
        if not all(sums) or not all(paths) or paths[0].parent != paths[1].parent:
            return None
        h = hashlib.blake2b(digest_size=16)
        h.update(f"v{CACHE_VERSION}\0{sums[0]}\0{sums[1]}\0{_schema_digest(kg.schema)}".encode())
        return cls(paths[0].parent, h.hexdigest(), kg.num_nodes)

    # ------------------------------------------------------------------ files
    def _read(self, name: str) -> np.ndarray | None:
        path = self.folder / name
        try:
            arr = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, EOFError) as exc:  # damaged: rebuilt and rewritten
            log.info("ignoring damaged matrix cache file %s: %s", path, exc)
            return None
        if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
            log.info("ignoring matrix cache file %s: not an integer vector", path)
            return None
        return arr

    def _write(self, name: str, arr: np.ndarray) -> None:
        if not self._writable:
            return
        from ..atomic import atomic_path

        try:
            if not self.folder.is_dir():
                self._drop_other_keys()
            with atomic_path(self.folder / name) as tmp, open(tmp, "wb") as fh:
                np.save(fh, arr, allow_pickle=False)
        except OSError as exc:  # read-only folder, full disk: no cache, nothing fails
            log.info("matrix cache not written in %s: %s", self.folder, exc)
            self._writable = False

    def _drop_other_keys(self) -> None:
        parent = self.root / SUBFOLDER
        if parent.is_dir():
            for old in parent.iterdir():
                if old.name != self.key and old.is_dir() and not old.name.startswith("."):
                    shutil.rmtree(old, ignore_errors=True)

    # ------------------------------------------------------------------ contents
    def classes(self, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """Class code of every node (``compute()`` once, then read from disk)."""
        arr = self._read("classes.npy")
        if arr is not None and len(arr) == self.n:
            return arr.astype(np.int64, copy=False)
        codes = np.asarray(compute(), dtype=np.int64)
        self._write("classes.npy", codes.astype(np.int16 if len(codes) == 0 or codes.max() < 2**15 else np.int64))
        return codes

    def adjacency(self, rel: str, a: frozenset[str], b: frozenset[str], rev: bool,
                  compute: Callable[[], sp.csr_matrix]) -> sp.csr_matrix:
        """The binary n x n adjacency of one metaedge (``compute()`` once, then read from disk)."""
        name = metaedge_name(rel, a, b, rev)
        arr = self._read(name)
        if arr is not None:
            M = self._parse(arr)
            if M is not None:
                return M
            log.info("ignoring matrix cache file %s: wrong structure", self.folder / name)
        M = compute()
        self._write(name, self._pack(M))
        return M

    def _pack(self, M: sp.csr_matrix) -> np.ndarray:
        big = max(self.n, M.nnz) >= 2**31 - 1
        dt = np.int64 if big else np.int32
        return np.concatenate([np.array([self.n, M.nnz], dtype=dt), M.indptr.astype(dt, copy=False),
                               M.indices.astype(dt, copy=False)])

    def _parse(self, arr: np.ndarray) -> sp.csr_matrix | None:
        n = self.n
        if len(arr) < n + 3 or int(arr[0]) != n:
            return None
        nnz = int(arr[1])
        if len(arr) != n + 3 + nnz:
            return None
        indptr, indices = arr[2:n + 3], arr[n + 3:]
        if indptr[0] != 0 or indptr[-1] != nnz or (n and bool((indptr[1:] < indptr[:-1]).any())):
            return None
        if nnz and (int(indices.min()) < 0 or int(indices.max()) >= n):
            return None
        M = sp.csr_matrix((np.ones(nnz), indices, indptr), shape=(n, n))
        M.has_sorted_indices = True
        return M


__all__ = ["CACHE_VERSION", "MatrixStore", "disabled", "metaedge_name"]
