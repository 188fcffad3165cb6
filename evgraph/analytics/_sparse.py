"""Sparse-matrix pieces of the DWPC kernels (:mod:`.hetmat`): metaedge matrices from edge arrays,
the sparse product in its cheaper orientation, the returning-walk correction, a metapath split in
two halves, a zeroed diagonal.

>>> import numpy as np
>>> B = binary_matrix(np.array([0, 0, 1]), np.array([1, 1, 2]), 3)   # a parallel edge counts once
>>> B.toarray().tolist()
[[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

try:  # SciPy's own CSR product kernel (the one behind ``@``), called without its counting pass
    from scipy.sparse._sparsetools import csr_matmat as _csr_matmat
except ImportError:  # pragma: no cover - a SciPy without it: plain ``@``
    _csr_matmat = None

#: most entries :func:`product` allocates from its upper bound before the product's size is known
#: (16 bytes each with int64 indices); above it, SciPy's counting pass sizes the result exactly
BOUND_LIMIT = 1 << 23


def _kernel(L: sp.csr_matrix, R: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(indptr, indices, data)`` of the CSR product ``L @ R`` by SciPy's kernel.

    SciPy's ``@`` runs the kernel twice: a counting pass (``csr_matmat_maxnnz``) sizes the
    result, then the product fills it. Here the result is allocated from an upper bound instead
    (per row, the smaller of its multiplications and the row width), when the bound is small
    (:data:`BOUND_LIMIT`), and trimmed after: the same kernel, the same sums in the same order,
    one pass. Otherwise (or without the kernel) it is plain ``L @ R``.
    """
    M, N = L.shape[0], R.shape[1]
    if _csr_matmat is not None and L.nnz and R.nnz:
        rl = np.diff(R.indptr)
        cum = np.zeros(L.nnz + 1, dtype=np.int64)
        np.cumsum(rl[L.indices], out=cum[1:])
        bound = int(np.minimum(cum[L.indptr[1:]] - cum[L.indptr[:-1]], N).sum())
        if bound <= BOUND_LIMIT:
            big = max(bound, M + 1, N + 1, L.shape[1] + 1, L.nnz, R.nnz) >= 2**31 - 1
            it = np.int64 if big else np.int32
            dt = np.result_type(L.data, R.data)
            Cp = np.empty(M + 1, dtype=it)
            Cj = np.empty(bound, dtype=it)
            Cx = np.empty(bound, dtype=dt)
            _csr_matmat(M, N, L.indptr.astype(it, copy=False), L.indices.astype(it, copy=False),
                        L.data.astype(dt, copy=False), R.indptr.astype(it, copy=False),
                        R.indices.astype(it, copy=False), R.data.astype(dt, copy=False), Cp, Cj, Cx)
            nnz = int(Cp[-1])
            if nnz < bound:  # trimmed in place (the arrays are this function's own)
                Cj.resize(nnz, refcheck=False)
                Cx.resize(nnz, refcheck=False)
            return Cp, Cj, Cx
    P = (L @ R).tocsr()
    return P.indptr, P.indices, P.data


def product(L: sp.spmatrix, R: sp.spmatrix, fmt: str | None = None) -> sp.csr_matrix | sp.csc_matrix:
    """``L @ R`` (the same sums as SciPy's ``@``), as a CSR or a CSC matrix.

    SciPy's kernel builds the result one row at a time: for every entry ``(i, k)`` of the left
    factor it walks row ``k`` of the right one. The CSC result is the same kernel on the
    transposed factors (``R^T L^T``, rows of the result's transpose). Which is cheaper depends on
    the walk: each left entry is a jump into the other factor, so the orientation whose left
    factor has fewer entries makes fewer, longer walks (and its accumulator, as wide as the
    result's rows, is the narrower one when the left end is the short side). With ``fmt=None``
    the orientation is chosen so (CSR on a tie, or when the product is too small for the
    transposed copies to pay); ``fmt="csr"``/``"csc"`` forces it. No format conversion of the
    result is made: a CSC result is returned as CSC (indices in product order, unsorted).

    >>> import numpy as np, scipy.sparse as sp
    >>> L = sp.random(300, 40, density=0.5, random_state=1, format="csr")   # 6,000 entries
    >>> R = sp.random(40, 50, density=0.05, random_state=2, format="csr")   # 100 entries
    >>> P = product(L, R)
    >>> P.format, bool(abs(P - L @ R).max() < 1e-15)
    ('csc', True)
    """
    L, R = L.tocsr(), R.tocsr()
    if fmt is None:
        flops = float(np.dot(np.bincount(L.indices, minlength=L.shape[1]), np.diff(R.indptr)))
        fmt = "csc" if R.nnz < L.nnz and flops > 2.0 * (L.nnz + R.nnz) else "csr"
    if fmt == "csr":
        Cp, Cj, Cx = _kernel(L, R)
        out = sp.csr_matrix((Cx, Cj, Cp), shape=(L.shape[0], R.shape[1]))
    elif fmt == "csc":
        Cp, Cj, Cx = _kernel(R.T.tocsr(), L.T.tocsr())
        out = sp.csc_matrix((Cx, Cj, Cp), shape=(L.shape[0], R.shape[1]))
    else:
        raise ValueError(f"fmt must be 'csr', 'csc' or None, not {fmt!r}")
    out.has_sorted_indices = False
    return out


def minus_returning(P, Xd: sp.csr_matrix, rtol: float = 1e-10):
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
    P = P.tocsr()  # a product: no duplicate entries, indices possibly unsorted (never sorted here)
    Xd = Xd.tocsr()
    Xd.sum_duplicates()  # the (smaller) correction is made canonical: its keys are sorted
    ncol = P.shape[1]
    kx = np.repeat(np.arange(Xd.shape[0], dtype=np.int64), np.diff(Xd.indptr)) * ncol + Xd.indices
    if len(kx) == 0:
        return P
    kp = np.repeat(np.arange(P.shape[0], dtype=np.int64), np.diff(P.indptr)) * ncol + P.indices
    if P.shape[0] * ncol <= 400_000_000:  # a bitmap of the correction's keys first: few binary searches
        mark = np.zeros(P.shape[0] * ncol, dtype=bool)
        mark[kx] = True
        cand = np.flatnonzero(mark[kp])
        del mark
    else:
        cand = np.arange(len(kp))
    pos = np.minimum(np.searchsorted(kx, kp[cand]), len(kx) - 1)
    ok = kx[pos] == kp[cand]
    cand, pos = cand[ok], pos[ok]
    hit = np.zeros(len(kp), dtype=bool)
    hit[cand] = True
    full = np.zeros(len(kp), dtype=np.int64)
    full[cand] = pos
    pos = full
    if len(cand) != len(kx):  # the correction's support is not within P's: the general way
        P.sum_duplicates()
        R = (P - Xd).tocsr()
        T = (P + abs(Xd)).tocsr()
        return R.multiply(abs(R) > rtol * T).tocsr()
    where = np.flatnonzero(hit)
    corr = Xd.data[pos[where]]
    before = P.data[where]
    after = before - corr
    after[np.abs(after) <= rtol * (before + np.abs(corr))] = 0.0
    P.data[where] = after
    P.eliminate_zeros()
    return P


def signed_product(L: sp.spmatrix, R: sp.spmatrix, signed: str, rtol: float = 1e-10) -> sp.csr_matrix:
    """``L @ R`` where one factor (``signed``: ``"left"`` or ``"right"``) holds the negative terms
    of an inclusion-exclusion (walks that repeat a node, subtracted) and the other is >= 0.

    The signed factor is made complex, ``X + i|X|``, so one sparse product gives the value (real
    part) and the magnitude of every term summed into it (imaginary part): an entry that cancels
    up to round-off (``|value| <= rtol * magnitude``, as :func:`minus_returning`) becomes an exact
    zero and is dropped, and no entry has to be located afterwards (no key sort, no bitmap).
    Indices are left in product order.

    >>> import scipy.sparse as sp
    >>> A = sp.csr_matrix([[1.0, 1.0]]); B = sp.csr_matrix([[0.3, 0.2], [-0.3, 0.0]])
    >>> signed_product(A, B, "right").toarray().tolist()   # 0.3 - 0.3 cancels: no entry
    [[0.0, 0.2]]
    """
    def cx(M: sp.spmatrix) -> sp.csr_matrix:
        M = M.tocsr()
        if np.iscomplexobj(M.data):  # already X + i|X| (:func:`with_magnitude`)
            return M
        return with_magnitude(M)

    Z = (cx(L) @ R if signed == "left" else L @ cx(R)).tocsr()
    parts = Z.data.view(np.float64)
    value = parts[0::2].copy()
    # an entry with no subtracted term has value == magnitude exactly (same terms, same order):
    # only the others can cancel
    cand = np.flatnonzero(value != parts[1::2])
    gone = cand[np.abs(value[cand]) <= rtol * parts[1::2][cand]]
    out = sp.csr_matrix((value, Z.indices, Z.indptr), shape=Z.shape)
    if len(gone):
        value[gone] = 0.0
        out.eliminate_zeros()
    return out


def with_magnitude(M: sp.spmatrix) -> sp.csr_matrix:
    """``M + i|M|`` (complex CSR): the signed factor of :func:`signed_product`, made once and cached."""
    M = M.tocsr()
    return sp.csr_matrix((M.data + 1j * np.abs(M.data), M.indices, M.indptr), shape=M.shape)


def take_columns(P: sp.csr_matrix, cols: np.ndarray) -> sp.csr_matrix:
    """``P[:, cols]`` for strictly increasing ``cols``, by renumbering the kept indices in one
    vectorised pass (scipy's column indexing makes two passes with per-column counting)."""
    cols = np.asarray(cols, dtype=np.int64)
    if len(cols) > 1 and not bool((cols[1:] > cols[:-1]).all()):
        return P[:, cols].tocsr()
    P = P.tocsr()
    pos = np.full(P.shape[1] + 1, -1, dtype=np.int64)
    pos[cols] = np.arange(len(cols))
    new = pos[P.indices]
    keep = new >= 0
    if keep.all():
        return sp.csr_matrix((P.data, new, P.indptr), shape=(P.shape[0], len(cols)))
    kept = np.concatenate([[0], np.cumsum(keep)])
    return sp.csr_matrix((P.data[keep], new[keep], kept[P.indptr]), shape=(P.shape[0], len(cols)))


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

    def product(self, drop: tuple[np.ndarray, np.ndarray] | None = None, rtol: float = 1e-10) -> sp.csr_matrix:
        """``left right^T - corr_left corr_right^T`` as a CSR (indices unsorted), with the pairs
        ``drop = (i, j)`` (e.g. source == target) removed and entries that cancel up to round-off
        (``|value| <= rtol * magnitude``, as :func:`minus_returning`) made exact zeros, dropped.

        One sparse product does it all: the left factor is complex, its real part signed
        (``[left, -corr_left, -D]``), its imaginary part the magnitudes (``[left, corr_left, |D|]``),
        against the real ``[right, corr_right, S]`` (``D``, ``S`` put each dropped pair's value
        back out). The real part of the result is the DWPC, the imaginary part the magnitude of
        the walks summed into it, so no entry is located afterwards (no key sort, no bitmap) and
        no entry vanishes from the structure before the round-off test.
        """
        blocks_l, blocks_r = [self.left], [self.right]
        if self.corr_left is not None:
            blocks_l.append(self.corr_left)
            blocks_r.append(self.corr_right)
        if drop is not None and len(drop[0]):
            i, j = (np.asarray(x, dtype=np.int64) for x in drop)
            k = np.arange(len(i))
            blocks_l.append(sp.csr_matrix((self.pairs(i, j, rtol), (i, k)), shape=(self.left.shape[0], len(i))))
            blocks_r.append(sp.csr_matrix((np.ones(len(i)), (j, k)), shape=(self.right.shape[0], len(i))))
        if len(blocks_l) == 1:
            return (self.left @ self.right.T).tocsr()
        L = sp.hstack(blocks_l, format="csr")
        sign = np.full(L.shape[1], -1.0)
        sign[: self.left.shape[1]] = 1.0
        L.data *= sign[L.indices]
        return signed_product(L, sp.hstack(blocks_r, format="csr").T, "left", rtol)

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


def confidence_matrix(x: np.ndarray, y: np.ndarray, c: np.ndarray, B: sp.csr_matrix) -> sp.csr_matrix:
    """Best confidence of the edges ``(x, y)``, on the structure of their binary matrix ``B``."""
    n = B.shape[1]
    key = x.astype(np.int64) * n + y
    order = np.argsort(key)
    key, c = key[order], c[order]
    if len(key):
        start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        best = np.maximum.reduceat(c, start)
    else:
        best = c
    return sp.csr_matrix((best, B.indices.copy(), B.indptr.copy()), shape=B.shape)


def binary_matrix(x: np.ndarray, y: np.ndarray, n: int) -> sp.csr_matrix:
    """Binary CSR of the distinct pairs ``(x, y)`` (one sort of int64 keys)."""
    key = np.sort(x.astype(np.int64) * n + y)
    if len(key):
        key = key[np.r_[True, key[1:] != key[:-1]]]
    rows, cols = key // n, key % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return sp.csr_matrix((np.ones(len(key)), cols, indptr), shape=(n, n))


__all__ = ["BOUND_LIMIT", "Halves", "binary_matrix", "confidence_matrix", "minus_returning", "product",
           "signed_product", "take_columns", "with_magnitude", "zero_diagonal"]
