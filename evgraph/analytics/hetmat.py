"""Matrix kernels: metaedge matrices and degree-weighted path counts (DWPC) for all node pairs.

DWPC (Himmelstein & Baranzini 2015): every path's *path-degree product* multiplies, for each
hop, ``deg(u)^-w * deg(v)^-w`` where the degrees count the hop's metaedge (that relationship
between those classes, in that orientation); DWPC sums it over all paths (no node repeated),
with damping ``w`` = 0.4. Parallel edges between the same two nodes count once (their best
confidence and all their references are kept); self-loops are never on a path.

Kernels: for all pairs at once, DWPC is a product of sparse degree-weighted adjacency matrices
(scipy.sparse), sliced to the source rows and target columns first; short metapaths are
multiplied from the smaller end, long ones from both ends meeting at the position with fewest
nodes. Repeated nodes are excluded exactly: two-apart repeats by subtracting the walks that
return (``X (W1 W2 - diag(d))``, never forming the two-hop block), the two ends by dropping
``source == target``; metapaths with other repeats fall back to exact enumeration. Paths
between two nodes are enumerated meet-in-the-middle with numpy array expansion.

>>> import evgraph
>>> kg = evgraph.load()
>>> M = hetmat(kg).dwpc("C<riEVcCGctC")
>>> M.shape == (kg.num_nodes, kg.num_nodes) and bool((M.data > 0).all())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import EvgraphError
from ..model import KnowledgeGraph
from ._common import edge_filter
from .metagraph import DAMPING, Metapath, as_metapath


class HetMat:
    """Metaedge matrices of a graph (optionally filtered or with permuted edges), cached.

    ``src``, ``dst``, ``pred`` (relationship codes), ``conf`` are edge arrays; ``mask`` keeps
    some edges. Every metaedge matrix is an n x n CSR over node codes.
    """

    def __init__(self, kg: KnowledgeGraph, mask: np.ndarray | None = None, dst: np.ndarray | None = None):
        self.kg = kg
        self.n = kg.num_nodes
        m = np.ones(kg.num_edges, dtype=bool) if mask is None else mask
        self.edge_ids = np.flatnonzero(m)
        self.src = kg.src[m]
        self.dst = (kg.dst if dst is None else dst)[m]
        self.pred = kg.edges["predicate"].cat.codes.to_numpy()[m]
        self.conf = np.nan_to_num(kg.edges["confidence"].to_numpy(dtype=np.float64)[m], nan=0.0)
        self.pred_names = list(kg.edges["predicate"].cat.categories)
        cls = kg.nodes["category"]
        self.class_code = cls.cat.codes.to_numpy()
        self.class_names = list(cls.cat.categories)
        self.binary = False
        self._cache: dict = {}

    def class_mask(self, classes: frozenset[str]) -> np.ndarray:
        codes = [self.class_names.index(c) for c in classes if c in self.class_names]
        return np.isin(self.class_code, codes)

    def metaedge(self, rel: str, a: frozenset[str], b: frozenset[str], rev: bool
                 ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """``(B, C)``: binary adjacency a -> b of one hop and, with the same structure, best confidence."""
        key = (rel, a, b, rev)
        if key not in self._cache:
            schema = self.kg.schema
            p = self.pred_names.index(rel)
            sel = self.pred == p
            s, o, c = self.src[sel], self.dst[sel], self.conf[sel]
            x, y = (o, s) if rev else (s, o)
            if schema.relations[rel].symmetric:
                x, y, c = np.concatenate([x, y]), np.concatenate([y, x]), np.concatenate([c, c])
            ok = self.class_mask(a)[x] & self.class_mask(b)[y] & (x != y)
            x, y, c = x[ok], y[ok], c[ok]
            if getattr(self, "binary", False):  # permuted copies: no confidences, a sort-based dedup
                B = _binary_matrix(x, y, self.n)
                self._cache[key] = (B, B)
            else:
                self._cache[key] = _pair_matrices(x, y, c, self.n)
        return self._cache[key]

    def weighted(self, mp: Metapath, i: int, damping: float) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Degree-weighted matrix W of hop ``i`` and its confidence matrix (same structure)."""
        key = ("W", mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i], damping)
        flipped = ("W", mp.relations[i], mp.sets[i + 1], mp.sets[i], not mp.reverse[i], damping)
        if key not in self._cache and flipped in self._cache:  # the same hop walked the other way
            W, C = self._cache[flipped]
            self._cache[key] = (W.T.tocsr(), C.T.tocsr())
        if key not in self._cache:
            B, C = self.metaedge(mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i])
            dr = np.asarray(B.sum(axis=1)).ravel()
            dc = np.asarray(B.sum(axis=0)).ravel()
            W = B.copy()
            rows = np.repeat(np.arange(self.n), np.diff(B.indptr))
            with np.errstate(divide="ignore"):
                W.data = (dr[rows] ** -damping) * (dc[B.indices] ** -damping)
            self._cache[key] = (W, C)
        return self._cache[key]

    # ------------------------------------------------------------------ DWPC, all pairs
    def dwpc(self, mp: Metapath | str, damping: float = DAMPING, rows: np.ndarray | None = None,
             cols: np.ndarray | None = None) -> sp.csr_matrix:
        """DWPC of ``mp`` for every (source, target) node pair.

        Without ``rows``/``cols``: an n x n CSR over node codes. With them (node codes, e.g.
        the conditions): the ``len(rows) x len(cols)`` CSR of those sources and targets only.
        The chain of hop matrices starts from the sliced first (or last) hop matrix; metapaths
        of up to three hops are multiplied from the smaller end, longer ones from both ends
        meeting at the interior position with the fewest nodes (dense BLAS product when the
        result is dense, sparse otherwise): no n x n product is formed.
        """
        mp = as_metapath(mp)
        if rows is None and cols is None:
            r = np.flatnonzero(self.class_mask(mp.sets[0]))
            c = np.flatnonzero(self.class_mask(mp.sets[-1]))
            sub = self.dwpc(mp, damping, r, c).tocoo()
            out = sp.csr_matrix((sub.data, (r[sub.row], c[sub.col])), shape=(self.n, self.n))
            out.sort_indices()
            return out
        rows = np.arange(self.n) if rows is None else np.asarray(rows, dtype=np.int64)
        cols = np.arange(self.n) if cols is None else np.asarray(cols, dtype=np.int64)
        if mp.matrix_plan() is None:
            return self._dwpc_enumerated(mp, damping, rows, cols)
        h = self.halves(mp, damping, rows, cols)
        A, B = h.left, h.right
        dense_flops = float(A.shape[0]) * A.shape[1] * B.shape[0]
        sparse_flops = float(np.dot(np.diff(A.tocsc().indptr), np.diff(B.tocsc().indptr)))
        fits = A.shape[0] * B.shape[0] <= 40_000_000 and (A.shape[0] + B.shape[0]) * A.shape[1] <= 80_000_000
        if fits and dense_flops <= 40 * sparse_flops:
            P: np.ndarray | sp.csr_matrix = A.toarray() @ B.toarray().T
        else:
            P = (A @ B.T).tocsr()
        if h.corr_left is not None:
            P = _minus_returning(P, (h.corr_left @ h.corr_right.T).tocsr())
        out = sp.csr_matrix(P) if isinstance(P, np.ndarray) else P
        if (0, len(mp)) in mp.overlaps():
            coo = out.tocoo()
            keep = rows[coo.row] != cols[coo.col]
            out = sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=out.shape)
        out.eliminate_zeros()
        out.sort_indices()
        return out

    def dwpc_from(self, mp: Metapath | str, rows: np.ndarray, damping: float = DAMPING) -> sp.csr_matrix:
        """DWPC from the source nodes ``rows`` to every node: a ``len(rows) x n`` CSR.

        One forward pass along the metapath's matrix plan from the (few) source rows, repeats
        excluded as in :meth:`dwpc`; metapaths without a plan are enumerated from ``rows``. The
        permutation null uses it (few sources of a degree group, every target).
        """
        mp = as_metapath(mp)
        rows = np.asarray(rows, dtype=np.int64)
        if mp.matrix_plan() is None:
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
        plan = mp.matrix_plan()
        if plan is None:
            raise EvgraphError(f"metapath {mp.abbrev} has no matrix plan")
        k = len(mp)
        inv = mp.inverse()
        if k <= 3:  # short: one pass from the smaller end (sliced first or last hop matrix)
            m = k if len(rows) <= len(cols) else 0
        else:  # long: meet at the interior position with the fewest nodes (e.g. pathways)
            sizes = {x: int(self.class_mask(mp.sets[x]).sum()) for x in range(1, k)}
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
        L = (La @ self.weighted(mp, a, damping)[0][:, mid]).tocsr()
        R = (Rb @ self.weighted(inv, k - a - 2, damping)[0][:, mid]).tocsr()
        d = self.two_hop_diag(mp, a, damping)
        keep = np.flatnonzero(d)
        return Halves(L, R, (La[:, keep] @ sp.diags(d[keep])).tocsr(), Rb[:, keep].tocsr())

    def chain(self, mp: Metapath, rows: np.ndarray, upto: int, damping: float) -> sp.csr_matrix:
        """``len(rows) x n``: summed path-degree products of ``mp``'s paths from ``rows`` to
        every node at position ``upto`` (a boundary of the matrix plan), repeats excluded."""
        X = sp.csr_matrix((np.ones(len(rows)), (np.arange(len(rows)), rows)), shape=(len(rows), self.n))
        for a, b in mp.matrix_plan() or []:
            if b > upto:
                break
            W = self.weighted(mp, a, damping)[0]
            if b - a == 1:
                X = (X @ W).tocsr()
            else:  # two-hop block without returning walks: X (W1 W2 - diag(d))
                d = self.two_hop_diag(mp, a, damping)
                X = _minus_returning((X @ W @ self.weighted(mp, a + 1, damping)[0]).tocsr(),
                                     (X @ sp.diags(d)).tocsr())
        return X

    def two_hop_diag(self, mp: Metapath, a: int, damping: float) -> np.ndarray:
        """``d[v] = sum_u W_a[v, u] W_{a+1}[u, v]``: weight of the 2-hop walks that return to ``v``."""
        key = ("d", mp.relations[a:a + 2], tuple(mp.sets[a:a + 3]), mp.reverse[a:a + 2], damping)
        if key not in self._cache:
            W1 = self.weighted(mp, a, damping)[0]
            W2 = self.weighted(mp, a + 1, damping)[0]
            self._cache[key] = np.asarray(W1.multiply(W2.T).sum(axis=1)).ravel()
        return self._cache[key]

    def _block(self, mp: Metapath, a: int, b: int, damping: float) -> sp.csr_matrix:
        W = self.weighted(mp, a, damping)[0]
        if b - a == 1:
            return W
        M = (W @ self.weighted(mp, a + 1, damping)[0]).tocsr()
        return zero_diagonal(M)

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

    # ------------------------------------------------------------------ enumeration
    def expand(self, mp: Metapath, starts: np.ndarray, first: int, last: int, damping: float,
               backward: bool = False, max_paths: int = 20_000_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Enumerate partial paths over hops ``first..last-1`` from ``starts``.

        Forward: columns are positions ``first..last``. Backward (``starts`` at position
        ``last``): columns are still in metapath order. Returns ``(nodes, pdp, evidence)``;
        repeats among overlapping positions are removed.
        """
        paths = np.asarray(starts, dtype=np.int64)[:, None]
        pdp = np.ones(len(paths))
        ev = np.ones(len(paths))
        hops = range(first, last) if not backward else range(last - 1, first - 1, -1)
        for i in hops:
            W, C = self.weighted(mp, i, damping)
            if backward:
                W, C = self._transposed(mp, i, damping)
            tip = paths[:, -1] if not backward else paths[:, 0]
            cnt = np.diff(W.indptr)[tip]
            total = int(cnt.sum())
            if total > max_paths:
                raise EvgraphError(f"metapath {mp.abbrev}: more than {max_paths} partial paths; "
                                   "use a shorter or more specific metapath")
            rep = np.repeat(np.arange(len(paths)), cnt)
            offs = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            pos = W.indptr[tip][rep] + offs
            nxt = W.indices[pos]
            paths = (np.column_stack([paths[rep], nxt]) if not backward
                     else np.column_stack([nxt, paths[rep]]))
            pdp = pdp[rep] * W.data[pos]
            ev = ev[rep] * C.data[pos]
            # drop repeats among overlapping positions inside the window
            lo = first if not backward else i
            keep = np.ones(len(paths), dtype=bool)
            for a, b in mp.overlaps():
                if lo <= a and b <= lo + paths.shape[1] - 1:
                    keep &= paths[:, a - lo] != paths[:, b - lo]
            if not keep.all():
                paths, pdp, ev = paths[keep], pdp[keep], ev[keep]
        return paths, pdp, ev

    def _transposed(self, mp: Metapath, i: int, damping: float) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        key = ("WT", mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i], damping)
        if key not in self._cache:
            W, C = self.weighted(mp, i, damping)
            self._cache[key] = (W.T.tocsr(), C.T.tocsr())
        return self._cache[key]

    def paths_between(self, mp: Metapath, s: int | np.ndarray, t: int | np.ndarray, damping: float = DAMPING,
                      max_paths: int = 2_000_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All paths of ``mp`` from node ``s`` to node ``t``: ``(nodes, pdp, evidence)``.

        ``s`` and ``t`` may be arrays of node codes (every path from any of ``s`` to any of
        ``t``, e.g. a node and its ontology roll-up). Raises :class:`EvgraphError` when more
        than ``max_paths`` (partial) paths would be built.
        """
        k = len(mp)
        mid = (k + 1) // 2
        s_arr = np.unique(np.atleast_1d(np.asarray(s, dtype=np.int64)))
        t_arr = np.unique(np.atleast_1d(np.asarray(t, dtype=np.int64)))
        left, lp, le = self.expand(mp, s_arr, 0, mid, damping, max_paths=max_paths)
        right, rp, re_ = self.expand(mp, t_arr, mid, k, damping, backward=True, max_paths=max_paths)
        if len(left) == 0 or len(right) == 0:
            return np.zeros((0, k + 1), dtype=np.int64), np.zeros(0), np.zeros(0)
        order = np.argsort(right[:, 0], kind="stable")
        right, rp, re_ = right[order], rp[order], re_[order]
        lo = np.searchsorted(right[:, 0], left[:, -1], side="left")
        hi = np.searchsorted(right[:, 0], left[:, -1], side="right")
        cnt = hi - lo
        if int(cnt.sum()) > max_paths:
            raise EvgraphError(f"metapath {mp.abbrev}: more than {max_paths} paths between the two nodes")
        rep = np.repeat(np.arange(len(left)), cnt)
        ridx = np.repeat(lo, cnt) + (np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        nodes = np.column_stack([left[rep], right[ridx, 1:]])
        pdp = lp[rep] * rp[ridx]
        ev = le[rep] * re_[ridx]
        keep = np.ones(len(nodes), dtype=bool)
        for a, b in mp.overlaps():
            keep &= nodes[:, a] != nodes[:, b]
        return nodes[keep], pdp[keep], ev[keep]


def _minus_returning(P, Xd: sp.csr_matrix, rtol: float = 1e-10):
    """``P - Xd``: all walks minus those that revisit a node (``Xd``'s support lies within ``P``'s).

    Entries that cancel up to round-off (``|P - Xd| <= rtol * (P + Xd)``) become exact zeros,
    so a pair whose only walks revisit a node gets no entry, as in exact enumeration. ``P``
    may be a dense array (the result is then dense too).
    """
    if isinstance(P, np.ndarray):
        D = Xd.toarray()
        R = P - D
        R[np.abs(R) <= rtol * (P + D)] = 0.0
        return R
    R = (P - Xd).tocsr()
    T = (P + Xd).tocsr()
    return R.multiply(abs(R) > rtol * T).tocsr()


@dataclass
class Halves:
    """A metapath's DWPC between ``rows`` and ``cols`` split at one interior position.

    ``DWPC[i, j] = left[i] . right[j] - corr_left[i] . corr_right[j]``: ``left``/``right``
    hold the walks from the sources/targets to the meeting position (columns: that
    position's nodes); the correction (``None`` when the meeting position is a block
    boundary) removes walks that repeat a node across it. Category sums are
    ``(I_a left) (I_b right)^T - ...`` without forming the pair matrix.
    """

    left: sp.csr_matrix
    right: sp.csr_matrix
    corr_left: sp.csr_matrix | None
    corr_right: sp.csr_matrix | None

    def pairs(self, i: np.ndarray, j: np.ndarray, rtol: float = 1e-10) -> np.ndarray:
        """DWPC at the given (row position, column position) pairs."""
        P = np.asarray(self.left[i].multiply(self.right[j]).sum(axis=1)).ravel()
        if self.corr_left is None:
            return P
        C = np.asarray(self.corr_left[i].multiply(self.corr_right[j]).sum(axis=1)).ravel()
        out = P - C
        out[np.abs(out) <= rtol * (P + C)] = 0.0
        return out

    def group_sums(self, Ia: sp.spmatrix, Ib: sp.spmatrix) -> np.ndarray:
        """``Ia DWPC Ib^T`` (dense) for group-indicator matrices over rows and columns."""
        out = ((Ia @ self.left) @ (Ib @ self.right).T).toarray()
        if self.corr_left is not None:
            out -= ((Ia @ self.corr_left) @ (Ib @ self.corr_right).T).toarray()
        return out


def zero_diagonal(M: sp.csr_matrix) -> sp.csr_matrix:
    """``M`` (square CSR) with its diagonal entries removed, vectorised (no LIL round trip)."""
    M = M.tocsr()
    r = np.repeat(np.arange(M.shape[0]), np.diff(M.indptr))
    M.data[M.indices == r] = 0.0
    M.eliminate_zeros()
    return M


def _pair_matrices(x: np.ndarray, y: np.ndarray, c: np.ndarray, n: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Binary and best-confidence CSR matrices with identical, canonical structure."""
    key = x.astype(np.int64) * n + y
    order = np.lexsort((-c, key))
    key, c = key[order], c[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, c = key[first], c[first]
    rows, cols = key // n, key % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    B = sp.csr_matrix((np.ones(len(key)), cols, indptr), shape=(n, n))
    C = sp.csr_matrix((c, cols.copy(), indptr.copy()), shape=(n, n))
    return B, C


def _binary_matrix(x: np.ndarray, y: np.ndarray, n: int) -> sp.csr_matrix:
    """Binary CSR of the distinct pairs ``(x, y)`` (one sort of int64 keys)."""
    key = np.sort(x.astype(np.int64) * n + y)
    if len(key):
        key = key[np.r_[True, key[1:] != key[:-1]]]
    rows, cols = key // n, key % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return sp.csr_matrix((np.ones(len(key)), cols, indptr), shape=(n, n))


def hetmat(kg: KnowledgeGraph, species: str | Sequence[str] | None = None,
           min_knowledge_level: str | None = None, min_confidence: float | None = None) -> HetMat:
    """The (cached) :class:`HetMat` of ``kg`` under the given edge filters."""
    key = ("evgraph.analytics", "hetmat", species if isinstance(species, str | None) else tuple(species),
           min_knowledge_level, min_confidence)

    def make() -> HetMat:
        mask = None
        if species or min_knowledge_level or min_confidence is not None:
            mask = edge_filter(kg, species=species, min_knowledge_level=min_knowledge_level,
                               min_confidence=min_confidence)
        return HetMat(kg, mask)

    return kg.cached(key, make)


@dataclass
class DwpcMatrix:
    """DWPC of one metapath for every (source, target) pair of its end classes, as hetmatpy returns it.

    ``matrix`` is a ``len(rows) x len(cols)`` CSR; ``rows`` / ``cols`` are the node codes of
    its rows and columns (every node of the end classes, in code order), ``row_ids`` /
    ``col_ids`` their CURIEs. :meth:`to_frame` gives the long table of connected pairs.
    """

    metapath: Metapath
    rows: np.ndarray
    cols: np.ndarray
    row_ids: np.ndarray
    col_ids: np.ndarray
    matrix: sp.csr_matrix

    def to_frame(self) -> pd.DataFrame:
        """``source``, ``target``, ``dwpc`` for every pair with a path, sorted by source then target."""
        M = self.matrix.tocoo()
        df = pd.DataFrame({"source": self.row_ids[M.row], "target": self.col_ids[M.col], "dwpc": M.data})
        return df.sort_values(["source", "target"], kind="stable").reset_index(drop=True)


def dwpc_matrix(kg: KnowledgeGraph, metapath: Metapath | str, damping: float = DAMPING, **filters) -> DwpcMatrix:
    """DWPC of ``metapath`` for all pairs in matrix form: a sparse matrix and its node index.

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> res = dwpc_matrix(kg, "C<riEVcCGctC")
    >>> res.matrix.shape == (len(res.rows), len(res.cols)) and set(kg.node_class[res.rows]) == {"Condition"}
    True
    >>> len(res.to_frame()) == res.matrix.nnz
    True
    """
    mp = as_metapath(metapath)
    hm = hetmat(kg, **filters)
    r = np.flatnonzero(hm.class_mask(mp.sets[0]))
    c = np.flatnonzero(hm.class_mask(mp.sets[-1]))
    ids = kg.nodes["id"].to_numpy(dtype=object)
    return DwpcMatrix(mp, r, c, ids[r], ids[c], hm.dwpc(mp, damping, rows=r, cols=c))


def dwpc(kg: KnowledgeGraph, metapath: Metapath | str, damping: float = DAMPING, **filters) -> pd.DataFrame:
    """DWPC of a metapath for every connected (source, target) pair, as a long table (on request:
    :func:`dwpc_matrix` is the matrix form).

    Columns ``source``, ``target``, ``dwpc``; pairs with no path are left out.

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> df = dwpc(kg, "C<riEVcCGctC")
    >>> list(df.columns), bool((df["dwpc"] > 0).all())
    (['source', 'target', 'dwpc'], True)
    """
    return dwpc_matrix(kg, metapath, damping, **filters).to_frame()
