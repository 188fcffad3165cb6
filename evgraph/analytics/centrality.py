"""Hubs: degree, PageRank, betweenness and a cross-category bridging score per node.

Measures run on the undirected simple "biology" view of the graph (parallel edges collapsed,
vocabulary classes and grouping terms left out, see :mod:`evgraph.analytics.grouping`); degrees count the edges of
the full graph, in and out, and per relationship type.

Kernels: PageRank is a scipy.sparse power iteration over a column-stochastic CSR matrix built
from ``kg.src``/``kg.dst`` (same update and stopping rule as ``networkx.pagerank``);
betweenness is exact below ``exact_threshold`` nodes (igraph's Brandes implementation on a
graph built from the same arrays) and otherwise estimated from ``k`` pivots drawn with a fixed
seed (Brandes & Pich 2007), with a per-node standard error from the spread of the pivots'
dependencies, which :func:`pivot_dependencies` computes for all pivots at once in matrix form.

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
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..arrays import gc_paused
from ..errors import EvgraphError
from ..model import KnowledgeGraph
from . import hubcore as _hubcore
from ._common import View, cached, class_groups, node_frame, progress, ranked, view
from .grouping import VOCABULARY_CLASSES, excluded_nodes

MEASURES: tuple[str, ...] = ("degree", "pagerank", "betweenness", "bridging")
#: graphs with at most this many nodes get exact betweenness and bridging
EXACT_THRESHOLD = 5000


def pagerank_vector(A: sp.spmatrix, alpha: float = 0.85, personalization: np.ndarray | None = None,
                    tol: float = 1e-8, max_iter: int = 1000, symmetric: bool = False) -> np.ndarray:
    """PageRank of the graph with adjacency ``A`` (rows = sources; weights = entries).

    The update and the stopping rule are those of ``networkx.pagerank``: dangling nodes spread
    their rank by the personalization vector, and iteration stops once the L1 change is below
    ``n * tol``. ``symmetric=True`` says ``A`` equals its transpose (an undirected view): each
    step is then ``A @ (x / out_degree)`` on ``A`` itself, with no scaled transposed copy.

    >>> import scipy.sparse as sp
    >>> A = sp.csr_matrix(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0]], dtype=float))
    >>> pagerank_vector(A, tol=1e-12).round(4).tolist()
    [0.4865, 0.2568, 0.2568]
    """
    A = A if isinstance(A, sp.csr_matrix) and A.dtype == np.float64 else sp.csr_matrix(A, dtype=np.float64)
    n = A.shape[0]
    if n == 0:
        return np.zeros(0)
    out = np.asarray(A.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    if symmetric:
        def step(x: np.ndarray) -> np.ndarray:
            return A @ (x * inv)
    else:
        M = (A.multiply(inv[:, None])).T.tocsr()  # column-stochastic transpose: x_new = M @ x

        def step(x: np.ndarray) -> np.ndarray:
            return M @ x
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
        x = alpha * (step(xlast) + xlast[dangling].sum() * p) + (1.0 - alpha) * p
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


#: memory for the n x pivots work matrices of one batch of :func:`pivot_dependencies`
BETWEENNESS_BATCH_BYTES = 512 << 20


#: below this many cells (nodes x pivots of a batch) :func:`pivot_dependencies` runs in float64
#: (cheap there, and exact to 1e-12); above it, in float32
FLOAT64_CELLS = 1 << 22


def pivot_dependencies(A: sp.csr_matrix, sources: np.ndarray, dtype: type | None = None) -> np.ndarray:
    """Brandes dependencies ``delta[v, j]`` of every node on the shortest paths from ``sources[j]``.

    All sources at once, in matrix form (the batched algebraic Brandes of the GraphBLAS
    literature): a level-synchronous BFS counts shortest paths with one sparse x dense product
    per level (``sigma``), then the dependencies are accumulated back level by level,
    ``delta[v] = sum over children w of sigma[v] / sigma[w] * (1 + delta[w])``. ``A`` is the
    binary symmetric adjacency without self-loops. On large batches (more than
    :data:`FLOAT64_CELLS` nodes x sources) the products run in ``float32`` (3x faster than
    ``float64``; relative rounding error about 1e-5, far below the sampling error of a pivot
    estimate) and a batch whose path counts overflow is redone in ``float64``; smaller ones,
    or ``dtype=np.float64``, in ``float64``.

    >>> A = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))  # path 0-1-2
    >>> pivot_dependencies(A, np.array([0, 2])).round(6).tolist()
    [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    """
    n, k = A.shape[0], len(sources)
    if dtype is None:
        dtype = np.float64 if n * k <= FLOAT64_CELLS else np.float32
    cols = np.arange(k)
    M = A.astype(dtype)
    sigma = np.zeros((n, k), dtype=dtype)
    sigma[sources, cols] = 1.0
    depth = np.zeros((n, k), dtype=np.int16 if n < 32000 else np.int32)  # 0 = not reached, source = 1
    depth[sources, cols] = 1
    unseen = np.ones((n, k), dtype=dtype)
    unseen[sources, cols] = 0.0
    frontier, d = sigma.copy(), 1
    while True:
        nxt = M @ frontier   # shortest-path counts one level further
        nxt *= unseen
        new = nxt > 0
        if not new.any():
            break
        d += 1
        np.copyto(depth, d, where=new)
        sigma += nxt
        np.copyto(unseen, 0, where=new)
        frontier = nxt
    if not np.isfinite(sigma).all() and dtype is not np.float64:
        return pivot_dependencies(A, sources, np.float64)
    inv = np.divide(1.0, sigma, out=np.zeros_like(sigma), where=sigma > 0)
    delta = np.zeros((n, k), dtype=dtype)
    t = np.empty_like(delta)
    on = depth == d
    for level in range(d, 1, -1):
        np.add(delta, 1.0, out=t)
        t *= inv
        t *= on
        w = M @ t            # sum over children of (1 + delta) / sigma
        on = depth == level - 1
        w *= sigma
        w *= on
        delta += w
    delta[sources, cols] = 0.0
    return delta


def betweenness_vector(v: View, k: int | None = None, seed: int = 0,
                       exact_threshold: int = EXACT_THRESHOLD, show_progress: bool | None = None
                       ) -> BetweennessResult:
    """Normalised betweenness of every view node (``networkx.betweenness_centrality`` scale).

    Exact when ``k`` is None and the view has at most ``exact_threshold`` nodes (igraph);
    otherwise estimated from ``k`` (default 64) pivots drawn with ``seed``: the estimate is
    ``n / k`` times the pivots' summed dependencies and its standard error comes from their
    spread (with the finite-population correction). The pivots' dependencies come from
    :func:`pivot_dependencies`, all pivots of a batch in one pass (batches bounded by
    :data:`BETWEENNESS_BATCH_BYTES`).
    """
    n = v.n
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    if k is None and n <= exact_threshold:
        g = v.igraph()
        vals = np.asarray(g.betweenness(directed=False), dtype=np.float64) * scale
        return BetweennessResult(vals, np.zeros(n), "exact", n, None)
    k = min(k or 64, n)
    rng = np.random.default_rng(seed)
    pivots = np.sort(rng.choice(n, size=k, replace=False))
    per = np.empty((k, n), dtype=np.float64)
    size = int(max(1, min(k, BETWEENNESS_BATCH_BYTES // max(1, 36 * n))))
    starts = range(0, k, size)
    for a in progress(starts, total=len(starts), desc="betweenness pivots", enabled=show_progress):
        per[a:a + size] = pivot_dependencies(v.A, pivots[a:a + size]).T / 2.0  # igraph's scale: half
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
    cats = kg.node_column("condition_category").to_numpy(dtype=object)[cond_codes].astype(str)
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
    predicate = kg.edge_column("predicate")
    pred = predicate.cat.codes.to_numpy().astype(np.int64)
    names = list(predicate.cat.categories)
    both = np.bincount(np.concatenate([pred * n + src, pred * n + dst]), minlength=len(names) * n).reshape(
        len(names), n)
    for i, name in enumerate(names):
        if both[i].any():
            out[f"degree_{name}"] = both[i]
    return pd.DataFrame(out)


def node_statements(kg: KnowledgeGraph, nodes: np.ndarray | None = None) -> tuple[Any, Any]:
    """Per node code: the curated statements among its edges, and the condition categories those
    statements reach (sorted lists; :func:`.hubcore.node_statements`). With ``nodes`` (codes),
    dicts for those nodes only (not cached); without, lists for every node (cached)."""
    if nodes is not None:
        return _hubcore.node_statements(kg, nodes)
    return cached(kg, "analytics-node-statements", lambda: _hubcore.node_statements(kg))


def hubs(kg: KnowledgeGraph, measures: Sequence[str] = MEASURES, *, rank_by: str | None = None,
         classes: Sequence[str] | None = None, exclude_classes: Sequence[str] = VOCABULARY_CLASSES,
         exclude_grouping: bool = True, null: int = 20, null_measures: Sequence[str] = ("pagerank",),
         null_seed: int = 0, cache_dir: str | None = None, k: int | None = None, seed: int = 0,
         exact_threshold: int = EXACT_THRESHOLD, alpha: float = 0.85, tol: float = 1e-8,
         explain: bool = True, explain_top: int | None = None, top: int | None = None,
         show_progress: bool | None = None) -> pd.DataFrame:
    """Hub table: one row per node with the measures asked for, ranked overall and within its class.

    Vocabulary classes (:data:`~.grouping.VOCABULARY_CLASSES`: vesicle types, uptake mechanisms,
    publications) and grouping terms (Reactome top-level pathways, ontology roots, see
    :mod:`.grouping`) are left out by default (``exclude_classes=()``,
    ``exclude_grouping=False`` bring them back).

    ``null`` > 0 (default 20): each measure in ``null_measures`` (``pagerank``, ``degree``) is
    also computed on ``null`` degree-preserving permuted graphs (:mod:`.permutation`, cached
    with ``cache_dir``) and each node gets ``<measure>_null_mean``, ``<measure>_excess``
    (observed minus null mean), ``<measure>_z`` (excess over null SD) and ``<measure>_pct``
    (share of null values below the observed one). The default ranking is then by the first
    ``<measure>_excess``: a node is a hub because it is more central than its degree predicts
    (in the measure's own units, so a barely connected node with a tiny null spread does not
    top the list on its z alone), which corrects study bias: a cargo detected in every
    proteome keeps its degree in the null, so its expected PageRank is as high as its observed.

    Columns: ``id``, ``label``, ``class``, ``group`` (``Cargo`` for every cargo class, else the
    class), the measures (``degree`` adds ``in_degree``, ``out_degree`` and ``degree_<rel>``;
    ``betweenness`` adds ``betweenness_stderr`` when sampled), null columns, ``statements``
    (curated statement ids on the node's edges), ``condition_families`` (categories of the
    conditions those statements reach), ``explanation`` (one line), ``rank`` and ``class_rank``.
    How betweenness and bridging were computed is in ``df.attrs``. ``explain_top`` = N fills
    the last three columns for the first N rows only (the others get ``[]``, ``[]``, ``""``):
    what a command printing the top N needs, without explaining every node of a large graph.
    ``top`` = N returns only the first N rows (ranks still count every node).

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> top = hubs(kg, ["pagerank"], classes=["Cargo"]).head(3)
    >>> set(top["group"]) == {"Cargo"} and list(top["class_rank"]) == [1, 2, 3]
    True
    >>> "VesicleType" in set(hubs(kg, ["degree"])["class"])
    False
    """
    measures = list(dict.fromkeys(measures))
    bad = [m for m in measures if m not in MEASURES]
    if bad or not measures:
        raise EvgraphError(f"unknown measure(s) {', '.join(bad) or '(none)'} (known: {', '.join(MEASURES)})")
    null_measures = [m for m in null_measures if m in measures] if null else []
    bad_null = [m for m in null_measures if m not in ("pagerank", "degree")]
    if bad_null:
        raise EvgraphError(f"no null for {', '.join(bad_null)} (null measures: pagerank, degree)")
    rank_by = rank_by or (f"{null_measures[0]}_excess" if null_measures else measures[0])
    known = set(measures) | {f"{m}_{x}" for m in null_measures for x in ("z", "pct", "excess", "null_mean")}
    if rank_by not in known:
        raise EvgraphError(f"cannot rank by '{rank_by}': it is not among the measures computed")
    skip = excluded_nodes(kg, vocabulary=False, grouping=True) if exclude_grouping else None
    v = view(kg, tuple(exclude_classes), exclude_nodes=skip, cache_key=("grouping", exclude_grouping))
    df = node_frame(kg, v.codes)
    df.insert(3, "group", class_groups(kg)[v.codes])
    attrs: dict = {"excluded_classes": list(exclude_classes), "excluded_grouping_terms": bool(exclude_grouping)}
    for m in measures:
        if m == "degree":
            deg = degree_frame(kg).iloc[v.codes].reset_index(drop=True)
            deg = deg.loc[:, deg.any(axis=0)]
            df["degree"] = deg.pop("degree").to_numpy()
            for col in deg.columns:
                df[col] = deg[col].to_numpy()
        elif m == "pagerank":
            df["pagerank"] = _hubcore.pagerank_pairs(v.u, v.v, v.n, alpha=alpha, tol=tol)
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
    if null_measures:
        from .permutation import permutations

        perms = permutations(kg, null, seed=null_seed, cache_dir=cache_dir, show_progress=show_progress)
        draws = {m: np.empty((len(perms), v.n)) for m in null_measures}
        for i in progress(range(len(perms)), total=len(perms), desc="hub null", enabled=show_progress):
            pv = view(kg, tuple(exclude_classes), exclude_nodes=skip, dst=perms.dst[i])
            for m in null_measures:
                draws[m][i] = (_hubcore.pagerank_pairs(pv.u, pv.v, pv.n, alpha=alpha, tol=tol) if m == "pagerank"
                               else np.asarray(pv.A.sum(axis=1)).ravel())
        for m in null_measures:
            obs = df[m].to_numpy(dtype=float) if m != "degree" else np.asarray(v.A.sum(axis=1)).ravel()
            mu, sd = draws[m].mean(axis=0), draws[m].std(axis=0, ddof=1) if len(perms) > 1 else np.zeros(v.n)
            z = np.divide(obs - mu, sd, out=np.zeros(v.n), where=sd > 0)
            df[f"{m}_null_mean"] = mu
            df[f"{m}_excess"] = obs - mu
            df[f"{m}_z"] = z
            df[f"{m}_pct"] = (draws[m] < obs[None, :] - 1e-15).mean(axis=0)
        attrs["null"] = {"permutations": len(perms), "seed": null_seed, "measures": null_measures,
                         "what": "degree-preserving permutations of every relationship (same graph view)"}
    if explain:  # filled after ranking (only the rows explained); the columns keep their place
        df["statements"] = None
        df["condition_families"] = None
    df["_code"] = v.codes
    where = None
    if classes:
        from ._common import expand_classes

        wanted = expand_classes(kg, classes) | {c for c in classes if c == "Cargo"}
        where = (df["class"].isin(wanted) | df["group"].isin(wanted)).to_numpy()
    df = ranked(df, rank_by, df["group"], where=where, head=top)
    codes = df.pop("_code").to_numpy()
    if explain:
        shown = len(df) if explain_top is None else max(min(int(explain_top), len(df)), 0)
        statements, families = node_statements(kg) if shown == v.n else node_statements(kg, codes[:shown])
        with gc_paused():
            rest = len(df) - shown
            df["statements"] = [statements[c] for c in codes[:shown].tolist()] + [[] for _ in range(rest)]
            df["condition_families"] = [families[c] for c in codes[:shown].tolist()] + [[] for _ in range(rest)]
        lead = null_measures[0] if null_measures else rank_by.split("_")[0]
        rows = len(df)

        def col(name: str) -> list:
            return df[name].tolist() if name in df.columns else [None] * rows

        head = slice(0, shown)
        with gc_paused():
            df["explanation"] = [_hubcore.explain(*args, lead, fam, st) for *args, fam, st in zip(
                df["label"].tolist()[head], df["class"].tolist()[head], col("degree")[head],
                col(f"{lead}_z")[head], col(f"{lead}_pct")[head], df["condition_families"].tolist()[head],
                df["statements"].tolist()[head], strict=True)] + [""] * (len(df) - shown)
    df.attrs = attrs
    return df
