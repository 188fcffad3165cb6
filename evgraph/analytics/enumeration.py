"""Path enumeration on a :class:`~evgraph.analytics.hetmat.HetMat`: partial paths by numpy array
expansion, every path between two node sets meet-in-the-middle, and the best ``k`` of them by a
top-k join when there are too many to list.

:class:`PathEnumeration` is a mixin of :class:`~evgraph.analytics.hetmat.HetMat`: it reads the
degree-weighted hop matrices and confidences (``weighted``) and the matrix cache (``_cache``).

>>> import evgraph
>>> from evgraph.analytics import hetmat, Metapath
>>> kg = evgraph.load()
>>> hm, mp = hetmat(kg), Metapath.parse("C<riEVctC")
>>> M = hm.dwpc(mp).tocoo()
>>> nodes, pdp, ev = hm.paths_between(mp, M.row[0], M.col[0])
>>> bool(abs(pdp.sum() - M.data[0]) < 1e-12)
True
>>> best = hm.top_paths_between(mp, M.row[0], M.col[0], k=2)
>>> bool((best[0] == nodes[np.lexsort((-pdp, -ev))[:2]]).all())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import EvgraphError
from .metagraph import DAMPING, Metapath


class PathEnumeration:
    """Enumeration methods of :class:`~evgraph.analytics.hetmat.HetMat` (see the module docstring)."""

    _cache: dict
    weighted: Any

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

    def _halves(self, mp: Metapath, s: int | np.ndarray, t: int | np.ndarray, damping: float,
                max_paths: int) -> tuple[tuple, tuple]:
        """The partial paths of both halves of ``mp``: forward from the sources ``s`` to the middle
        node, backward from the targets ``t`` to it (each a ``(paths, products, ends)`` triple)."""
        mid = (len(mp) + 1) // 2
        s_arr = np.unique(np.atleast_1d(np.asarray(s, dtype=np.int64)))
        t_arr = np.unique(np.atleast_1d(np.asarray(t, dtype=np.int64)))
        return (self.expand(mp, s_arr, 0, mid, damping, max_paths=max_paths),
                self.expand(mp, t_arr, mid, len(mp), damping, backward=True, max_paths=max_paths))

    def paths_between(self, mp: Metapath, s: int | np.ndarray, t: int | np.ndarray, damping: float = DAMPING,
                      max_paths: int = 2_000_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All paths of ``mp`` from node ``s`` to node ``t``: ``(nodes, pdp, evidence)``.

        ``s`` and ``t`` may be arrays of node codes (every path from any of ``s`` to any of
        ``t``, e.g. a node and its ontology roll-up). Raises :class:`EvgraphError` when more
        than ``max_paths`` (partial) paths would be built.
        """
        k = len(mp)
        (left, lp, le), (right, rp, re_) = self._halves(mp, s, t, damping, max_paths)
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

    def top_paths_between(self, mp: Metapath, s: int | np.ndarray, t: int | np.ndarray, k: int,
                          damping: float = DAMPING, rank_by: str = "evidence", blocked: np.ndarray | None = None,
                          max_paths: int = 2_000_000, budget: int | None = None
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The best ``k`` paths of ``mp`` from ``s`` to ``t`` without listing them all: ``(nodes, pdp, evidence)``.

        Exactly the first ``k`` rows of :meth:`paths_between` (with paths through a ``blocked``
        interior node left out) ordered by ``rank_by`` (``"evidence"``: the product of the hop
        confidences, ties by ``pdp``; ``"pdp"``: the other way round; full ties in listing order),
        but the join never holds more than about ``max_paths`` paths at once: the partial paths
        from each side are joined at the middle position, left ones in order of the best product
        they can reach, and a left partial path whose best product is below the ``k``-th best
        found so far is never joined (top-k join with a rising threshold). Each side's partial
        paths still have to fit in ``max_paths``; ``budget`` (default ``max_paths``) bounds the
        paths joined at once.
        """
        budget = max_paths if budget is None else int(budget)
        kk = len(mp)
        (left, lp, le), (right, rp, re_) = self._halves(mp, s, t, damping, max_paths)
        empty = np.zeros((0, kk + 1), dtype=np.int64), np.zeros(0), np.zeros(0)
        if k <= 0 or len(left) == 0 or len(right) == 0:
            return empty
        rorder = np.argsort(right[:, 0], kind="stable")  # listing order of the right partial paths
        rpos = np.empty(len(right), dtype=np.int64)
        rpos[rorder] = np.arange(len(right))
        lid = np.arange(len(left))
        if blocked is not None:  # interior nodes: left columns 1..mid, right columns mid..k-1
            okl = ~blocked[left[:, 1:]].any(axis=1)
            okr = ~blocked[right[:, :-1]].any(axis=1)
            left, lp, le, lid = left[okl], lp[okl], le[okl], lid[okl]
            right, rp, re_, rpos = right[okr], rp[okr], re_[okr], rpos[okr]
        l1, l2 = (le, lp) if rank_by == "evidence" else (lp, le)
        r1, r2 = (re_, rp) if rank_by == "evidence" else (rp, re_)
        # right side grouped by its middle node, best first inside a group
        o = np.lexsort((rpos, -r1, right[:, 0]))
        right, r1, r2, rpos, rp, re_ = right[o], r1[o], r2[o], rpos[o], rp[o], re_[o]
        lo = np.searchsorted(right[:, 0], left[:, -1], side="left")
        hi = np.searchsorted(right[:, 0], left[:, -1], side="right")
        has = hi > lo
        ub = np.where(has, l1 * r1[np.minimum(lo, len(right) - 1)], -np.inf)
        queue = np.lexsort((lid, -ub))
        queue = queue[has[queue]]
        overlaps = mp.overlaps()
        best: dict[str, np.ndarray] = {}
        theta = -np.inf
        ptr = 0
        while ptr < len(queue):
            if ub[queue[ptr]] < theta:
                break  # no remaining left partial path reaches the k-th best product
            batch = queue[ptr:ptr + 4096]
            batch = batch[ub[batch] >= theta]
            a, b = lo[batch].copy(), hi[batch].copy()  # partners with product >= theta: a prefix
            if theta > -np.inf:
                top = b.copy()
                for _ in range(64):  # vectorised bisection (products fall along each group)
                    live = a < top
                    if not live.any():
                        break
                    m = (a + top) // 2
                    ok = live & (l1[batch] * r1[np.minimum(m, len(right) - 1)] >= theta)
                    a = np.where(ok, m + 1, a)
                    top = np.where(live & ~ok, m, top)
                b, a = a, lo[batch]
            cnt = b - a
            cum = np.cumsum(cnt)
            take = max(1, int(np.searchsorted(cum, max(budget, int(cnt[0])), side="right")))
            batch, a, cnt = batch[:take], a[:take], cnt[:take]
            ptr += take if take < len(queue[ptr:ptr + 4096]) else len(queue[ptr:ptr + 4096])
            total = int(cnt.sum())
            if total == 0:
                continue
            li = np.repeat(batch, cnt)
            rj = np.repeat(a, cnt) + (np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt))
            nodes = np.column_stack([left[li], right[rj, 1:]])
            keep = np.ones(total, dtype=bool)
            for x, y in overlaps:
                keep &= nodes[:, x] != nodes[:, y]
            prim = l1[li] * r1[rj]
            keep &= prim >= theta
            cand = {"nodes": nodes[keep], "p1": prim[keep], "p2": (l2[li] * r2[rj])[keep],
                    "lid": lid[li][keep], "rpos": rpos[rj][keep], "pdp": (lp[li] * rp[rj])[keep],
                    "ev": (le[li] * re_[rj])[keep]}
            if best:
                cand = {key: np.concatenate([best[key], cand[key]]) for key in cand}
            order = np.lexsort((cand["rpos"], cand["lid"], -cand["p2"], -cand["p1"]))[:k]
            best = {key: v[order] for key, v in cand.items()}
            if len(best["p1"]) == k:
                theta = float(best["p1"][-1])
        if not best:
            return empty
        return best["nodes"], best["pdp"], best["ev"]


__all__ = ["PathEnumeration"]
