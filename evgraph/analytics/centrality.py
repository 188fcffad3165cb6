"""Hubs: degree, PageRank, betweenness and a cross-category bridging score per node.

Measures run on the undirected simple "biology" view of the graph (parallel edges collapsed,
publications left out, see :func:`evgraph.analytics._common.view`); degrees count the edges of
the full graph, in and out, and per relationship type.

Kernels: PageRank is a scipy.sparse power iteration over a column-stochastic CSR matrix built
from ``kg.src``/``kg.dst`` (same update and stopping rule as ``networkx.pagerank``);
betweenness is igraph's Brandes implementation on a graph built from the same arrays, exact
below ``exact_threshold`` nodes and otherwise estimated from ``k`` pivots drawn with a fixed
seed (Brandes & Pich 2007), with a per-node standard error from the spread of the pivots'
dependencies.

>>> import evgraph
>>> from evgraph.analytics import hubs
>>> kg = evgraph.load()
>>> df = hubs(kg, measures=["degree", "pagerank"])
>>> list(df.columns[:4])
['id', 'label', 'class', 'group']
>>> bool(df["pagerank"].sum() > 0.99)
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
from ._common import DEFAULT_EXCLUDE_CLASSES, View, class_groups, node_frame, progress, ranked, view

MEASURES: tuple[str, ...] = ("degree", "pagerank", "betweenness", "bridging")
#: graphs with at most this many nodes get exact betweenness and bridging
EXACT_THRESHOLD = 5000


def pagerank_vector(A: sp.spmatrix, alpha: float = 0.85, personalization: np.ndarray | None = None,
                    tol: float = 1e-8, max_iter: int = 1000) -> np.ndarray:
    """PageRank of the graph with adjacency ``A`` (rows = sources; weights = entries).

    The update and the stopping rule are those of ``networkx.pagerank``: dangling nodes spread
    their rank by the personalization vector, and iteration stops once the L1 change is below
    ``n * tol``.

    >>> import scipy.sparse as sp
    >>> A = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float))
    >>> pagerank_vector(A, tol=1e-12).round(4).tolist()
    [0.4865, 0.2568, 0.2568]
    """
    A = sp.csr_matrix(A, dtype=np.float64)
    n = A.shape[0]
    if n == 0:
        return np.zeros(0)
    out = np.asarray(A.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    M = (A.multiply(inv[:, None])).T.tocsr()  # column-stochastic transpose: x_new = M @ x
    if personalization is None:
        p = np.full(n, 1.0 / n)
    else:
        p = np.asarray(personalization, dtype=np.float64)
        if p.sum() <= 0:
            raise EvgraphError("personalization must have a positive sum")
        p = p / p.sum()
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        xlast = x
        x = alpha * (M @ xlast + xlast[dangling].sum() * p) + (1.0 - alpha) * p
        if np.abs(x - xlast).sum() < n * tol:
            return x
    raise EvgraphError(f"PageRank did not converge in {max_iter} iterations")


@dataclass
class BetweennessResult:
    """Betweenness (networkx-normalised) with how it was computed."""

    values: np.ndarray
    stderr: np.ndarray
    method: str  # "exact" or "sampled"
    pivots: int
    seed: int | None

    def summary(self) -> dict:
        top = np.argsort(-self.values)[:100]
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.where(self.values[top] > 0, self.stderr[top] / self.values[top], np.nan)
        return {"method": self.method, "pivots": self.pivots, "seed": self.seed,
                "median_relative_stderr_top100": float(np.nanmedian(rel)) if np.isfinite(rel).any() else 0.0}


def betweenness_vector(v: View, k: int | None = None, seed: int = 0,
                       exact_threshold: int = EXACT_THRESHOLD, show_progress: bool | None = None
                       ) -> BetweennessResult:
    """Normalised betweenness of every view node (``networkx.betweenness_centrality`` scale).

    Exact when ``k`` is None and the view has at most ``exact_threshold`` nodes; otherwise
    estimated from ``k`` (default 64) pivots drawn with ``seed``: the estimate is
    ``n / k`` times the pivots' summed dependencies and its standard error comes from their
    spread (with the finite-population correction).
    """
    n = v.n
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    g = v.igraph()
    if k is None and n <= exact_threshold:
        vals = np.asarray(g.betweenness(directed=False), dtype=np.float64) * scale
        return BetweennessResult(vals, np.zeros(n), "exact", n, None)
    k = min(k or 64, n)
    rng = np.random.default_rng(seed)
    pivots = np.sort(rng.choice(n, size=k, replace=False))
    per = np.empty((k, n), dtype=np.float64)
    for i, s in enumerate(progress(pivots, total=k, desc="betweenness pivots", enabled=show_progress)):
        per[i] = g.betweenness(directed=False, sources=[int(s)])  # = half of s's dependencies
    est = per.sum(axis=0) * (n / k) * scale
    fpc = np.sqrt((n - k) / (n - 1)) if n > 1 else 0.0
    se = per.std(axis=0, ddof=1) * n / np.sqrt(k) * fpc * scale if k > 1 else np.full(n, np.nan)
    return BetweennessResult(est, se, "sampled", k, seed)


def bridging_vector(v: View, k: int | None = None, seed: int = 0, exact_threshold: int = EXACT_THRESHOLD,
                    show_progress: bool | None = None) -> tuple[np.ndarray, dict]:
    """Share of the shortest-path traffic between conditions of *different* categories through each node.

    For every ordered pair (s, t) of Condition nodes whose condition categories differ, the
    fraction of s-t shortest paths through the node (endpoints excluded), averaged over the
    pairs: 0 = carries none of the cross-category traffic, 1 = on every such path. Exact with
    all conditions as sources on small graphs, else from ``k`` (default 64) source conditions
    drawn with ``seed``.
    """
    kg = v.kg
    cond_codes = np.flatnonzero((kg.node_class.astype(str) == "Condition") & v.keep)
    cats = kg.nodes["condition_category"].to_numpy(dtype=object)[cond_codes].astype(str)
    local = v.local[cond_codes]
    out = np.zeros(v.n)
    info = {"method": "exact", "sources": len(local), "seed": None}
    if len(set(cats)) < 2:
        return out, {**info, "sources": 0}
    sources = np.arange(len(local))
    if not (k is None and v.n <= exact_threshold) and len(local) > (k or 64):
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(len(local), size=k or 64, replace=False))
        info = {"method": "sampled", "sources": len(sources), "seed": seed}
    g = v.igraph()
    pairs = 0
    for cat in progress(sorted(set(cats[sources])), desc="bridging", enabled=show_progress):
        src = local[sources[cats[sources] == cat]]
        tgt = local[cats != cat]
        if len(src) == 0 or len(tgt) == 0:
            continue
        out += 2.0 * np.asarray(g.betweenness(directed=False, sources=src.tolist(), targets=tgt.tolist()))
        pairs += len(src) * len(tgt)
    return (out / pairs if pairs else out), info


def degree_frame(kg: KnowledgeGraph) -> pd.DataFrame:
    """In, out and total degree of every node, and total degree per relationship (``degree_<rel>``)."""
    n = kg.num_nodes
    src, dst = kg.src, kg.dst
    out = {
        "in_degree": np.bincount(dst, minlength=n),
        "out_degree": np.bincount(src, minlength=n),
    }
    out["degree"] = out["in_degree"] + out["out_degree"]
    pred = kg.edges["predicate"].cat.codes.to_numpy().astype(np.int64)
    names = list(kg.edges["predicate"].cat.categories)
    both = np.bincount(np.concatenate([pred * n + src, pred * n + dst]), minlength=len(names) * n).reshape(
        len(names), n)
    for i, name in enumerate(names):
        if both[i].any():
            out[f"degree_{name}"] = both[i]
    return pd.DataFrame(out)


def hubs(kg: KnowledgeGraph, measures: Sequence[str] = MEASURES, *, rank_by: str | None = None,
         classes: Sequence[str] | None = None, exclude_classes: Sequence[str] = DEFAULT_EXCLUDE_CLASSES,
         k: int | None = None, seed: int = 0, exact_threshold: int = EXACT_THRESHOLD, alpha: float = 0.85,
         tol: float = 1e-8, show_progress: bool | None = None) -> pd.DataFrame:
    """Hub table: one row per node with the measures asked for, ranked overall and within its class.

    Columns: ``id``, ``label``, ``class``, ``group`` (``Cargo`` for every cargo class, else the
    class), the measures (``degree`` adds ``in_degree``, ``out_degree`` and ``degree_<rel>``;
    ``betweenness`` adds ``betweenness_stderr`` when sampled), ``rank`` (overall, by
    ``rank_by``, default the first measure) and ``class_rank`` (within ``group``). How
    betweenness and bridging were computed (exact or sampled, pivots, seed, error) is in
    ``df.attrs``. ``classes`` keeps only some classes in the output (``Cargo`` expands).

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> top = hubs(kg, ["pagerank"], classes=["Cargo"]).head(3)
    >>> set(top["group"]) == {"Cargo"} and list(top["class_rank"]) == [1, 2, 3]
    True
    """
    measures = list(dict.fromkeys(measures))
    bad = [m for m in measures if m not in MEASURES]
    if bad or not measures:
        raise EvgraphError(f"unknown measure(s) {', '.join(bad) or '(none)'} (known: {', '.join(MEASURES)})")
    rank_by = rank_by or measures[0]
    if rank_by not in measures:
        raise EvgraphError(f"cannot rank by '{rank_by}': it is not among the measures computed")
    v = view(kg, exclude_classes)
    df = node_frame(kg, v.codes)
    df.insert(3, "group", class_groups(kg)[v.codes])
    attrs: dict = {}
    for m in measures:
        if m == "degree":
            deg = degree_frame(kg).iloc[v.codes].reset_index(drop=True)
            deg = deg.loc[:, deg.any(axis=0)]
            df["degree"] = deg.pop("degree").to_numpy()
            for col in deg.columns:
                df[col] = deg[col].to_numpy()
        elif m == "pagerank":
            df["pagerank"] = pagerank_vector(v.A, alpha=alpha, tol=tol)
        elif m == "betweenness":
            res = betweenness_vector(v, k=k, seed=seed, exact_threshold=exact_threshold, show_progress=show_progress)
            df["betweenness"] = res.values
            if res.method == "sampled":
                df["betweenness_stderr"] = res.stderr
            attrs["betweenness"] = res.summary()
        elif m == "bridging":
            vals, info = bridging_vector(v, k=k, seed=seed, exact_threshold=exact_threshold,
                                         show_progress=show_progress)
            df["bridging"] = vals
            attrs["bridging"] = info
    df = ranked(df, rank_by, df["group"])
    if classes:
        from ._common import expand_classes

        wanted = expand_classes(kg, classes) | {c for c in classes if c == "Cargo"}
        df = df[df["class"].isin(wanted) | df["group"].isin(wanted)].reset_index(drop=True)
    df.attrs = attrs
    return df
