"""Matrix kernels: metaedge matrices and degree-weighted path counts (DWPC) for all node pairs.

DWPC (Himmelstein & Baranzini 2015): every path's *path-degree product* multiplies, for each
hop, ``deg(u)^-w * deg(v)^-w`` where the degrees count the hop's metaedge (that relationship
between those classes, in that orientation); DWPC sums it over all paths (no node repeated),
with damping ``w`` = 0.4. Parallel edges between the same two nodes count once (their best
confidence and all their references are kept); self-loops are never on a path.

Kernels: for all pairs at once, DWPC is a product of sparse degree-weighted adjacency matrices
(scipy.sparse), sliced to the source rows and target columns first; short metapaths are
multiplied from the smaller end, long ones from both ends meeting at the position with fewest
nodes. Each sparse product is SciPy's own kernel without its counting pass, in the orientation
(CSR or CSC result) that walks fewer entries (:func:`._sparse.product`; at 1M edges the
no-repeat metapath's last product is 2.6x faster so, and the left-to-right order is already the
one with the fewest multiplications). Repeated nodes are excluded exactly: two-apart repeats
by subtracting the walks that return (``X (W1 W2 - diag(d))``: ``X zd(W1 W2)`` when the pair
product is the cheaper way and is cached, else one signed product), B A B A blocks by
inclusion-exclusion, the two ends by dropping ``source == target``; every subtraction happens
inside one sparse product whose signed factor carries its magnitudes
(:func:`._sparse.signed_product`), so round-off cancellations become exact zeros without
locating entries afterwards. Metapaths with other repeats fall back to exact enumeration. Paths
between two nodes are enumerated meet-in-the-middle with numpy array expansion
(:mod:`.enumeration`, a mixin of :class:`HetMat`).

Size: one class of matrix kernels sharing one matrix cache (metaedge matrices, chains, halves,
the repeat blocks) plus the all-pairs result type; path enumeration is in :mod:`.enumeration`,
the stored matrices in :mod:`.matrix_store`, the sparse helpers in :mod:`._sparse`.

>>> import evgraph
>>> kg = evgraph.load()
>>> M = hetmat(kg).dwpc("C<riEVctC")
>>> M.shape == (kg.num_nodes, kg.num_nodes) and M.nnz > 0 and bool((M.data > 0).all())
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import EvgraphError
from ..model import KnowledgeGraph
from ._common import edge_filter
from ._sparse import (
    Halves,
    binary_matrix,
    confidence_matrix,
    minus_returning,
    product,
    signed_product,
    take_columns,
    with_magnitude,
    zero_diagonal,
)
from .enumeration import PathEnumeration
from .matrix_store import MatrixStore
from .metagraph import DAMPING, Metapath, as_metapath


class HetMat(PathEnumeration):
    """Metaedge matrices of a graph (optionally filtered or with permuted edges), cached.

    ``src``, ``dst``, ``pred`` (relationship codes), ``conf`` are edge arrays; ``mask`` keeps
    some edges. Every metaedge matrix is an n x n CSR over node codes.
    """

    #: stored metaedge matrices beside the built graph (:mod:`.matrix_store`); None: in memory only
    store: MatrixStore | None = None

    def __init__(self, kg: KnowledgeGraph, mask: np.ndarray | None = None, dst: np.ndarray | None = None,
                 store: MatrixStore | None = None):
        self.kg = kg
        self.n = kg.num_nodes
        # every edge: the graph's own arrays, no copies; the arrays are read on first use, so a
        # metapath whose matrices are stored (``store``) reads no edge column at all
        self._conf_rows: np.ndarray | slice = slice(None) if mask is None else np.asarray(mask, dtype=bool)
        self._dst_in = dst
        self._conf: np.ndarray | None = None  # read on first use (DWPC never needs it)
        self.store = store
        self.binary = False
        self._cache: dict = {}

    @cached_property
    def edge_ids(self) -> np.ndarray:
        """Edge rows kept (all of them without a mask)."""
        m = self._conf_rows
        return np.arange(self.kg.num_edges) if isinstance(m, slice) else np.flatnonzero(m)

    @cached_property
    def src(self) -> np.ndarray:
        return self.kg.src[self._conf_rows]

    @cached_property
    def dst(self) -> np.ndarray:
        return (self.kg.dst if self._dst_in is None else self._dst_in)[self._conf_rows]

    @cached_property
    def _relations(self) -> tuple[np.ndarray, list[str]]:
        """Relationship code of every edge and the names the codes index: the loaded table's
        categorical codes, or for a graph opened from a folder the stored dictionary's codes
        mapped onto the ontology's relations (no per-edge string, no pandas conversion)."""
        if self.kg.is_loaded("edges"):
            col = self.kg.edge_column("predicate")
            return col.cat.codes.to_numpy(), list(col.cat.categories)
        names = list(self.kg.schema.relations)
        return _codes_into(*self.kg.edge_factorized("predicate"), names), names

    @cached_property
    def pred(self) -> np.ndarray:
        """Relationship code of every kept edge (into :attr:`pred_names`)."""
        return self._relations[0][self._conf_rows]

    @cached_property
    def pred_names(self) -> list[str]:
        return self._relations[1]

    @cached_property
    def class_names(self) -> list[str]:
        if self.store is not None or not self.kg.is_loaded("nodes"):
            return list(self.kg.schema.classes)
        return list(self.kg.node_column("category").cat.categories)

    @cached_property
    def class_code(self) -> np.ndarray:
        """Class of every node (into :attr:`class_names`, -1 = none)."""
        if self.store is not None:
            return self.store.classes(self._class_codes_by_schema)
        if not self.kg.is_loaded("nodes"):
            return self._class_codes_by_schema()
        return self.kg.node_column("category").cat.codes.to_numpy()

    def _class_codes_by_schema(self) -> np.ndarray:
        """Class of every node as an index into the ontology's classes (-1 = none), from the
        stored dictionary's codes for a graph opened from a folder."""
        if self.kg.is_loaded("nodes"):
            col = self.kg.node_column("category")
            codes, values = col.cat.codes.to_numpy(), np.asarray(col.cat.categories, dtype=object)
        else:
            codes, values = self.kg.node_factorized("category")
        return _codes_into(codes, values, list(self.kg.schema.classes))

    @property
    def conf(self) -> np.ndarray:
        """Confidence of every kept edge (0 where missing)."""
        if self._conf is None:
            c = np.nan_to_num(self.kg.edge_column("confidence").to_numpy(dtype=np.float64), nan=0.0)
            rows = self._conf_rows
            self._conf = np.tile(c[rows], len(self.src) // max(len(c[rows]), 1)) if len(c[rows]) else c[rows]
        return self._conf

    def class_mask(self, classes: frozenset[str]) -> np.ndarray:
        key = ("class-mask", classes)
        if key not in self._cache:
            lut = np.zeros(len(self.class_names) + 1, dtype=bool)  # last: missing class (code -1)
            lut[[self.class_names.index(c) for c in classes if c in self.class_names]] = True
            self._cache[key] = lut[self.class_code]
        return self._cache[key]

    def _hop_edges(self, rel: str, a: frozenset[str], b: frozenset[str], rev: bool, conf: bool):
        """``(x, y, c)``: the ends (and confidences) of the edges of one hop a -> b, self-loops dropped."""
        p = self.pred_names.index(rel)
        sel = np.flatnonzero(self.pred == p)
        s, o = self.src[sel], self.dst[sel]
        c = self.conf[sel] if conf else None
        x, y = (o, s) if rev else (s, o)
        if self.kg.schema.relations[rel].symmetric:
            x, y = np.concatenate([x, y]), np.concatenate([y, x])
            c = np.concatenate([c, c]) if conf else None
        ok = self.class_mask(a)[x] & self.class_mask(b)[y] & (x != y)
        return x[ok], y[ok], (c[ok] if conf else None)

    def adjacency(self, rel: str, a: frozenset[str], b: frozenset[str], rev: bool) -> sp.csr_matrix:
        """Binary adjacency a -> b of one hop (n x n CSR, parallel edges once, sorted indices)."""
        key = ("B", rel, a, b, rev)
        if key not in self._cache:
            flipped = ("B", rel, b, a, not rev)
            if flipped in self._cache:
                self._cache[key] = self._cache[flipped].T.tocsr()
                self._cache[key].sort_indices()
            elif self.store is not None:
                self._cache[key] = self.store.adjacency(rel, a, b, rev, lambda: self._binary(rel, a, b, rev))
            else:
                self._cache[key] = self._binary(rel, a, b, rev)
        return self._cache[key]

    def _binary(self, rel: str, a: frozenset[str], b: frozenset[str], rev: bool) -> sp.csr_matrix:
        x, y, _ = self._hop_edges(rel, a, b, rev, conf=False)
        return binary_matrix(x, y, self.n)

    def metaedge(self, rel: str, a: frozenset[str], b: frozenset[str], rev: bool
                 ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """``(B, C)``: binary adjacency a -> b of one hop and, with the same structure, best confidence."""
        B = self.adjacency(rel, a, b, rev)
        if self.binary:  # permuted copies: no confidences
            return B, B
        key = ("C", rel, a, b, rev)
        if key not in self._cache:
            x, y, c = self._hop_edges(rel, a, b, rev, conf=True)
            self._cache[key] = confidence_matrix(x, y, c, B)
        return B, self._cache[key]

    def weights(self, mp: Metapath, i: int, damping: float) -> sp.csr_matrix:
        """Degree-weighted matrix W of hop ``i``: ``B[u, v] deg_out(u)^-w deg_in(v)^-w``."""
        key = ("W", mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i], damping)
        flipped = ("W", mp.relations[i], mp.sets[i + 1], mp.sets[i], not mp.reverse[i], damping)
        if key not in self._cache and flipped in self._cache:  # the same hop walked the other way
            W = self._cache[flipped].T.tocsr()
            W.sort_indices()
            self._cache[key] = W
        if key not in self._cache:
            B = self.adjacency(mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i])
            dr = np.diff(B.indptr)
            dc = np.bincount(B.indices, minlength=self.n)
            # deg ** -w of each distinct degree once (a lookup table up to the largest degree), not per node
            with np.errstate(divide="ignore"):
                lut = np.arange(max(int(dr.max(initial=0)), int(dc.max(initial=0))) + 1,
                                dtype=np.float64) ** -damping
            fr = np.repeat(lut[dr], dr)  # the row factor of every entry
            self._cache[key] = sp.csr_matrix((fr * lut[dc][B.indices], B.indices, B.indptr), shape=B.shape)
        return self._cache[key]

    def weighted(self, mp: Metapath, i: int, damping: float) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Degree-weighted matrix W of hop ``i`` and its confidence matrix (same structure)."""
        return self.weights(mp, i, damping), self.metaedge(mp.relations[i], mp.sets[i], mp.sets[i + 1],
                                                           mp.reverse[i])[1]

    # ------------------------------------------------------------------ DWPC, all pairs
    def dwpc(self, mp: Metapath | str, damping: float = DAMPING, rows: np.ndarray | None = None,
             cols: np.ndarray | None = None, fmt: str | None = "csr") -> sp.csr_matrix | sp.csc_matrix:
        """DWPC of ``mp`` for every (source, target) node pair.

        Without ``rows``/``cols``: an n x n CSR over node codes. With them (node codes, e.g.
        the conditions): the ``len(rows) x len(cols)`` matrix of those sources and targets only,
        a CSR (``fmt="csr"``, the default) or, with ``fmt=None``, in the format the last product
        gave (CSR or CSC, see :func:`._sparse.product`; no conversion). The chain of hop
        matrices starts from the sliced first (or last) hop matrix; metapaths of up to three
        hops are multiplied from the smaller end, longer ones from both ends meeting at the
        interior position with the fewest nodes (dense BLAS product when the result is dense,
        sparse otherwise): no n x n product is formed.
        """
        mp = as_metapath(mp)
        if rows is None and cols is None:
            r = np.flatnonzero(self.class_mask(mp.sets[0]))
            c = np.flatnonzero(self.class_mask(mp.sets[-1]))
            sub = self.dwpc(mp, damping, r, c, fmt=None).tocoo()
            out = sp.csr_matrix((sub.data, (r[sub.row], c[sub.col])), shape=(self.n, self.n))
            out.sort_indices()
            return out
        rows = np.arange(self.n) if rows is None else np.asarray(rows, dtype=np.int64)
        cols = np.arange(self.n) if cols is None else np.asarray(cols, dtype=np.int64)
        plan = mp.matrix_plan(triples=True)
        if plan is None:
            return self._dwpc_enumerated(mp, damping, rows, cols)
        small, big = sorted((len(rows), len(cols)))
        if len(mp) <= 3 or not self._meeting_points(mp, plan) or small * 10 <= big:  # one pass from the smaller end
            if len(rows) <= len(cols):
                P = self.chain(mp, rows, len(mp), damping, cols=cols, fmt=None)
            else:
                P = self.chain(mp.inverse(), cols, len(mp), damping, cols=rows, fmt=None).T
            return self._as(self._finish(mp, P, rows, cols), fmt)
        h = self.halves(mp, damping, rows, cols)
        A, B = h.left, h.right
        dense_flops = float(A.shape[0]) * A.shape[1] * B.shape[0]
        sparse_flops = float(np.dot(np.diff(A.tocsc().indptr), np.diff(B.tocsc().indptr)))
        fits = A.shape[0] * B.shape[0] <= 40_000_000 and (A.shape[0] + B.shape[0]) * A.shape[1] <= 80_000_000
        if not (fits and dense_flops <= 40 * sparse_flops):  # sparse: one fused product (Halves.product)
            return self._as(h.product(self._same_node_pairs(mp, rows, cols)), fmt)
        P: np.ndarray = A.toarray() @ B.toarray().T
        if h.corr_left is not None:
            P = minus_returning(P, (h.corr_left @ h.corr_right.T).tocsr())
        return self._as(self._finish(mp, sp.csr_matrix(P), rows, cols), fmt)

    @staticmethod
    def _as(M: sp.csr_matrix | sp.csc_matrix, fmt: str | None) -> sp.csr_matrix | sp.csc_matrix:
        """``M`` in format ``fmt`` (``"csr"``/``"csc"``), or as it is (``None``)."""
        return M if fmt is None or M.format == fmt else M.asformat(fmt)

    @staticmethod
    def _same_node_pairs(mp: Metapath, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Positions ``(i, j)`` with ``rows[i] == cols[j]`` when the two ends can be one node, else None."""
        if (0, len(mp)) not in mp.overlaps():
            return None
        order = np.argsort(cols, kind="stable")
        lo, hi = np.searchsorted(cols[order], rows, "left"), np.searchsorted(cols[order], rows, "right")
        cnt = hi - lo  # how many columns hold each row's node (one, unless ``cols`` repeats a node)
        i = np.repeat(np.arange(len(rows)), cnt)
        at = np.repeat(lo, cnt) + (np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        return i, order[at]

    @staticmethod
    def _finish(mp: Metapath, out: sp.csr_matrix | sp.csc_matrix, rows: np.ndarray, cols: np.ndarray
                ) -> sp.csr_matrix | sp.csc_matrix:
        """Drop ``source == target`` pairs (when the ends can be one node; indices are left in product
        order: call ``sort_indices()`` when sorted ones are needed). The kernels' products hold no
        explicit zeros (scipy's product drops them, :func:`signed_product` removes its own), so the
        matrix is only compacted when a pair was dropped. ``out`` is a CSR or a CSC, kept so.

        When the minor axis's nodes are strictly increasing (the end classes' codes), each major
        position's own node is found once by a binary search and every entry compared with it
        (one pass, no per-entry node lookup); otherwise every entry's two nodes are compared."""
        if (0, len(mp)) in mp.overlaps() and out.nnz:
            major_nodes, minor_nodes = (rows, cols) if out.format == "csr" else (cols, rows)
            counts = np.diff(out.indptr)
            if len(minor_nodes) < 2 or bool((minor_nodes[1:] > minor_nodes[:-1]).all()):
                at = np.minimum(np.searchsorted(minor_nodes, major_nodes), len(minor_nodes) - 1)  # nnz > 0
                own = np.where(minor_nodes[at] == major_nodes, at, -1)
                same = out.indices == np.repeat(own, counts)
            else:
                same = major_nodes[np.repeat(np.arange(len(counts)), counts)] == minor_nodes[out.indices]
            if same.any():
                out.data[same] = 0.0
                out.eliminate_zeros()
        return out

    def _meeting_points(self, mp: Metapath, plan: list[tuple[int, int]]) -> list[int]:
        """Interior positions where :meth:`halves` may split ``mp`` (never inside a 3-hop block)."""
        inside = {x for a, b in plan if b - a == 3 for x in range(a + 1, b)}
        return [x for x in range(1, len(mp)) if x not in inside]

    def dwpc_from(self, mp: Metapath | str, rows: np.ndarray, damping: float = DAMPING) -> sp.csr_matrix:
        """DWPC from the source nodes ``rows`` to every node: a ``len(rows) x n`` CSR.

        One forward pass along the metapath's matrix plan from the (few) source rows, repeats
        excluded as in :meth:`dwpc`; metapaths without a plan are enumerated from ``rows``. The
        permutation null uses it (few sources of a degree group, every target).
        """
        mp = as_metapath(mp)
        rows = np.asarray(rows, dtype=np.int64)
        if mp.matrix_plan(triples=True) is None:
            return self._dwpc_enumerated(mp, damping, rows, np.arange(self.n))
        X = self.chain(mp, rows, len(mp), damping)
        if (0, len(mp)) in mp.overlaps():
            X = X.tocsr()
            r = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
            X.data[X.indices == rows[r]] = 0.0
        X.eliminate_zeros()
        return X

    def halves(self, mp: Metapath, damping: float, rows: np.ndarray, cols: np.ndarray) -> Halves:
        """The two halves of ``mp``'s matrix chain, meeting at its cheapest interior position.

        ``DWPC(rows[i], cols[j]) = left[i] . right[j] - corr_left[i] . corr_right[j]`` (before
        the two ends are required to differ); see :class:`Halves`. Needs a matrix plan.
        """
        plan = mp.matrix_plan(triples=True)
        if plan is None:
            raise EvgraphError(f"metapath {mp.abbrev} has no matrix plan")
        k = len(mp)
        inv = mp.inverse()
        points = self._meeting_points(mp, plan)
        if k <= 3 or not points:  # short: one pass from the smaller end (sliced first or last hop matrix)
            m = k if len(rows) <= len(cols) else 0
        else:  # long: meet at the interior position with the fewest nodes (e.g. pathways)
            sizes = {x: int(self.class_mask(mp.sets[x]).sum()) for x in points}
            m = min(sizes, key=lambda x: (sizes[x], abs(2 * x - k)))
        mid = np.flatnonzero(self.class_mask(mp.sets[m]))
        block = next(((a, b) for a, b in plan if a < m < b), None)
        if block is None:
            L = self.chain(mp, rows, m, damping)
            R = self.chain(inv, cols, k - m, damping)
            return Halves(L[:, mid].tocsr(), R[:, mid].tocsr(), None, None)
        a = block[0]
        La = self.chain(mp, rows, a, damping)
        Rb = self.chain(inv, cols, k - a - 2, damping)
        L = (La @ self.weights(mp, a, damping)[:, mid]).tocsr()
        R = (Rb @ self.weights(inv, k - a - 2, damping)[:, mid]).tocsr()
        d = self.two_hop_diag(mp, a, damping)
        keep = np.flatnonzero(d)
        return Halves(L, R, (La[:, keep] @ sp.diags(d[keep])).tocsr(), Rb[:, keep].tocsr())

    def chain(self, mp: Metapath, rows: np.ndarray, upto: int, damping: float,
              cols: np.ndarray | None = None, fmt: str | None = "csr") -> sp.csr_matrix | sp.csc_matrix:
        """``len(rows) x n``: summed path-degree products of ``mp``'s paths from ``rows`` to
        every node at position ``upto`` (a boundary of the matrix plan), repeats excluded.

        ``cols`` (strictly increasing node codes): only those end nodes, ``len(rows) x len(cols)``;
        the last block's right factor is restricted to them (cached), so no column is selected
        from the product afterwards. Every product is SciPy's kernel without its counting pass
        (:func:`._sparse.product`); the intermediate ones are CSR, the last one too with
        ``fmt="csr"``, or in its cheaper orientation (CSR or CSC) with ``fmt=None``."""
        X = sp.csr_matrix((np.ones(len(rows)), (np.arange(len(rows)), rows)), shape=(len(rows), self.n))
        blocks = [(a, b) for a, b in mp.matrix_plan(triples=True) or [] if b <= upto]
        for a, b in blocks:
            last = cols if (a, b) == blocks[-1] else None
            if b - a == 1:
                W = self.weights(mp, a, damping)
                if last is not None:
                    W = self._columns(("W", mp.relations[a], mp.sets[a], mp.sets[b], mp.reverse[a], damping), W, last)
                X = product(X, W, fmt if (a, b) == blocks[-1] else "csr")
            elif b - a == 2:  # two-hop block without returning walks: X (W1 W2 - diag(d))
                X = self._two_hop(X, mp, a, damping, last)
            else:  # B A B A block, inclusion-exclusion: ABC - diag(AB) C - A diag(BC) + (A o B^T o C)
                X = self._baba(X, mp, a, damping, last)
        if cols is not None and not blocks:
            X = take_columns(X, cols)
        return X if fmt is None or X.format == fmt else X.asformat(fmt)

    def _columns(self, key: tuple, M: sp.csr_matrix, cols: np.ndarray | None) -> sp.csr_matrix:
        """``M[:, cols]`` cached under ``key`` and the columns (``M`` itself when ``cols`` is None)."""
        if cols is None:
            return M
        cols = np.asarray(cols, dtype=np.int64)
        ck = ("columns", key, len(cols), hashlib.blake2b(cols.tobytes(), digest_size=16).digest())
        if ck not in self._cache:
            self._cache[ck] = take_columns(M, cols)
        return self._cache[ck]

    def _pair(self, X: sp.csr_matrix, mp: Metapath, i: int, damping: float) -> sp.csr_matrix | None:
        """``W_i W_{i+1}`` with its diagonal removed (cached), when multiplying ``X`` by it costs fewer
        (estimated) multiplications than ``(X W_i) W_{i+1}``, e.g. for all pairs of a class; else None."""
        key = ("pair0", mp.relations[i:i + 2], tuple(mp.sets[i:i + 3]), mp.reverse[i:i + 2], damping)
        if key not in self._cache:
            W1, W2 = self.weights(mp, i, damping), self.weights(mp, i + 1, damping)
            left = float(np.dot(np.bincount(X.indices, minlength=self.n), np.diff(W1.indptr)))
            pair = float(np.dot(np.bincount(W1.indices, minlength=self.n), np.diff(W2.indptr)))
            if pair >= left:
                return None
            self._cache[key] = zero_diagonal((W1 @ W2).tocsr())
        return self._cache[key]

    def _two_hop(self, X: sp.csr_matrix, mp: Metapath, a: int, damping: float,
                 cols: np.ndarray | None = None) -> sp.csr_matrix:
        """``X (W_a W_{a+1} - diag(d))``: the walks ``x u x`` removed. With the pair product cached it
        is ``X zd(W_a W_{a+1})`` (exact); otherwise one signed product ``[X W_a, X] [W_{a+1}; -diag(d)]``.
        ``cols``: only those end columns (see :meth:`chain`)."""
        pair = self._pair(X, mp, a, damping)
        if pair is not None:
            return (X @ self._columns(("pair0", mp.relations[a:a + 2], tuple(mp.sets[a:a + 3]),
                                       mp.reverse[a:a + 2], damping), pair, cols)).tocsr()
        key = ("two-hop", mp.relations[a:a + 2], tuple(mp.sets[a:a + 3]), mp.reverse[a:a + 2], damping)
        if key not in self._cache:
            d = self.two_hop_diag(mp, a, damping)
            self._cache[key] = with_magnitude(sp.vstack([self.weights(mp, a + 1, damping), sp.diags(-d)],
                                                        format="csr"))
        XA = (X @ self.weights(mp, a, damping)).tocsr()
        return signed_product(sp.hstack([XA, X], format="csr"), self._columns(key, self._cache[key], cols), "right")

    def _baba(self, X: sp.csr_matrix, mp: Metapath, a: int, damping: float,
              cols: np.ndarray | None = None) -> sp.csr_matrix:
        """The B A B A block from ``X``: ``XA zd(W_{a+1} W_{a+2}) + X Q`` with ``XA = X W_a`` and
        ``Q = (W_a o W_{a+1}^T o W_{a+2}) - diag(d_a) W_{a+2}`` (the walks ``x0 x1 x0 x3`` out,
        ``x0 x1 x0 x1`` back in), one signed product; ``(XA W_{a+1}) W_{a+2} - XA diag(d_{a+1})``
        in place of the first term when the pair product is the dearer way."""
        XA = (X @ self.weights(mp, a, damping)).tocsr()
        key = ("baba-q", mp.relations[a:a + 3], tuple(mp.sets[a:a + 4]), mp.reverse[a:a + 3], damping)
        if key not in self._cache:
            W3 = self.weights(mp, a + 2, damping)
            self._cache[key] = (self._baba_both(mp, a, damping) -
                                sp.diags(self.two_hop_diag(mp, a, damping)) @ W3).tocsr()
        Q = self._cache[key]
        pair = self._pair(XA, mp, a + 1, damping)
        if pair is not None:
            ck = ("baba-right-pair", *key[1:])
            if ck not in self._cache:
                self._cache[ck] = with_magnitude(sp.vstack([pair, Q], format="csr"))
            return signed_product(sp.hstack([XA, X], format="csr"), self._columns(ck, self._cache[ck], cols), "right")
        ck = ("baba-right", *key[1:])
        if ck not in self._cache:
            d2 = self.two_hop_diag(mp, a + 1, damping)
            self._cache[ck] = with_magnitude(sp.vstack([self.weights(mp, a + 2, damping), sp.diags(-d2), Q],
                                                       format="csr"))
        XAB = (XA @ self.weights(mp, a + 1, damping)).tocsr()
        return signed_product(sp.hstack([XAB, XA, X], format="csr"), self._columns(ck, self._cache[ck], cols), "right")

    def _baba_both(self, mp: Metapath, a: int, damping: float) -> sp.csr_matrix:
        """``W_a o W_{a+1}^T o W_{a+2}``: the walks ``x0 x1 x0 x1`` of a B A B A block (both repeats)."""
        key = ("baba", mp.relations[a:a + 3], tuple(mp.sets[a:a + 4]), mp.reverse[a:a + 3], damping)
        if key not in self._cache:
            W1, W2, W3 = (self.weights(mp, a + i, damping) for i in range(3))
            self._cache[key] = W1.multiply(W2.T).multiply(W3).tocsr()
        return self._cache[key]

    def two_hop_diag(self, mp: Metapath, a: int, damping: float) -> np.ndarray:
        """``d[v] = sum_u W_a[v, u] W_{a+1}[u, v]``: weight of the 2-hop walks that return to ``v``."""
        key = ("d", mp.relations[a:a + 2], tuple(mp.sets[a:a + 3]), mp.reverse[a:a + 2], damping)
        if key not in self._cache:
            W1 = self.weights(mp, a, damping)
            W2 = self.weights(mp, a + 1, damping)
            self._cache[key] = np.asarray(W1.multiply(W2.T).sum(axis=1)).ravel()
        return self._cache[key]

    def _dwpc_enumerated(self, mp: Metapath, damping: float, rows: np.ndarray, cols: np.ndarray
                         ) -> sp.csr_matrix:
        starts = rows[self.class_mask(mp.sets[0])[rows]]
        paths, pdp, _ = self.expand(mp, starts, 0, len(mp), damping)
        rpos = np.full(self.n, -1, dtype=np.int64)
        rpos[rows] = np.arange(len(rows))
        cpos = np.full(self.n, -1, dtype=np.int64)
        cpos[cols] = np.arange(len(cols))
        r, c = rpos[paths[:, 0]], cpos[paths[:, -1]]
        ok = c >= 0
        mat = sp.csr_matrix((pdp[ok], (r[ok], c[ok])), shape=(len(rows), len(cols)))
        mat.sum_duplicates()
        return mat


def _codes_into(codes: np.ndarray, values: np.ndarray, names: list[str]) -> np.ndarray:
    """``codes`` into ``values`` (-1 = missing) re-coded as indices into ``names`` (-1 = not there).

    >>> _codes_into(np.array([1, 0, -1, 1]), np.array(["b", "a"], dtype=object), ["a", "b", "c"]).tolist()
    [0, 1, -1, 0]
    """
    pos = {v: i for i, v in enumerate(names)}
    lut = np.array([pos.get(v, -1) for v in values] + [-1], dtype=np.int64)  # last: missing (code -1)
    return lut[np.asarray(codes, dtype=np.int64)]


def hetmat(kg: KnowledgeGraph, species: str | Sequence[str] | None = None,
           min_knowledge_level: str | None = None, min_confidence: float | None = None,
           disk_cache: bool = True) -> HetMat:
    """The (cached) :class:`HetMat` of ``kg`` under the given edge filters.

    Without filters, for a graph opened from a built folder, the metaedge matrices are also
    stored on disk beside it and read back by later processes (:mod:`.matrix_store`; off with
    ``disk_cache=False`` or ``EVGRAPH_HETMAT_CACHE=0``).
    """
    filtered = bool(species or min_knowledge_level or min_confidence is not None)
    key = ("evgraph.analytics", "hetmat", species if isinstance(species, str | None) else tuple(species),
           min_knowledge_level, min_confidence, disk_cache and not filtered)

    def make() -> HetMat:
        if not filtered:
            return HetMat(kg, store=MatrixStore.of(kg) if disk_cache else None)
        mask = edge_filter(kg, species=species, min_knowledge_level=min_knowledge_level,
                           min_confidence=min_confidence)
        return HetMat(kg, mask)

    return kg.cached(key, make)


@dataclass
class DwpcMatrix:
    """DWPC of one metapath for every (source, target) pair of its end classes, as hetmatpy returns it.

    ``matrix`` is a ``len(rows) x len(cols)`` sparse matrix, CSR or CSC: the format its last
    product gave, never converted (hetmatpy returns CSC; ``matrix.tocsr()`` for fast row
    access); ``rows`` / ``cols`` are the node codes of its rows and columns (every node of the
    end classes, in code order), ``row_ids`` / ``col_ids`` their CURIEs (read from the node
    table on first use). :meth:`to_frame` gives the long table of connected pairs.
    """

    metapath: Metapath
    rows: np.ndarray
    cols: np.ndarray
    matrix: sp.csr_matrix
    kg: KnowledgeGraph = field(repr=False, compare=False)

    @cached_property
    def row_ids(self) -> np.ndarray:
        return self.kg.node_column("id").to_numpy(dtype=object)[self.rows]

    @cached_property
    def col_ids(self) -> np.ndarray:
        return self.kg.node_column("id").to_numpy(dtype=object)[self.cols]

    def to_frame(self) -> pd.DataFrame:
        """``source``, ``target``, ``dwpc`` for every pair with a path, sorted by source then target."""
        M = self.matrix.tocoo()
        df = pd.DataFrame({"source": self.row_ids[M.row], "target": self.col_ids[M.col], "dwpc": M.data})
        return df.sort_values(["source", "target"], kind="stable").reset_index(drop=True)


def dwpc_matrix(kg: KnowledgeGraph, metapath: Metapath | str, damping: float = DAMPING, **filters) -> DwpcMatrix:
    """DWPC of ``metapath`` for all pairs in matrix form: a sparse matrix (CSR or CSC, see
    :class:`DwpcMatrix`) and its node index.

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> res = dwpc_matrix(kg, "C<riEVctC")
    >>> res.matrix.shape == (len(res.rows), len(res.cols)) and set(kg.node_class[res.rows]) == {"Condition"}
    True
    >>> len(res.to_frame()) == res.matrix.nnz > 0
    True
    """
    mp = as_metapath(metapath)
    hm = hetmat(kg, **filters)
    r = np.flatnonzero(hm.class_mask(mp.sets[0]))
    c = np.flatnonzero(hm.class_mask(mp.sets[-1]))
    return DwpcMatrix(mp, r, c, hm.dwpc(mp, damping, rows=r, cols=c, fmt=None), kg)


def dwpc(kg: KnowledgeGraph, metapath: Metapath | str, damping: float = DAMPING, **filters) -> pd.DataFrame:
    """DWPC of a metapath for every connected (source, target) pair, as a long table (on request:
    :func:`dwpc_matrix` is the matrix form).

    Columns ``source``, ``target``, ``dwpc``; pairs with no path are left out.

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> df = dwpc(kg, "C<riEVctC")
    >>> list(df.columns), len(df) > 0 and bool((df["dwpc"] > 0).all())
    (['source', 'target', 'dwpc'], True)
    """
    return dwpc_matrix(kg, metapath, damping, **filters).to_frame()
