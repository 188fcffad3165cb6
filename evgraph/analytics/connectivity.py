"""Connectivity search (after Hetionet's): which metapaths join two nodes more than their degrees predict.

For a source and a target, every metapath between their classes up to ``max_length`` hops
(vocabulary classes left out, :mod:`.grouping`) is scored on the observed graph: ``path_count``
and ``dwpc`` (damping 0.4, :mod:`.hetmat`). Metapaths with no path get ``p = 1`` without further
work (reachability along the metapath is checked first).

**The null** (:mod:`.dwpc_null`, Hetionet's degree-grouped permutations). For each metapath
with paths, the DWPC of the source-target pair is compared with the DWPCs of node pairs *of the
same degrees* (the source's degree on the metapath's first metaedge, the target's on its last)
in ``permutations`` degree-preserving permuted graphs (:mod:`.permutation`, seeded, cached
beside the built graph). This asks: *do these two nodes share more paths of this type than
nodes of the same degrees do in a graph wired at random?* The null is summarised per metapath
and source degree (sum, sum of squares and non-zero count per target node), cached in memory and
beside the permutations, so a second pair of the same degrees, or the same pair again, costs
look-ups only.

**p-value.** The gamma hurdle of hetmatpy: ``p = P(null > 0) * GammaSF(observed)``, the
gamma's shape and scale from the mean and variance of the non-zero null values (method of
moments). With fewer than :data:`~.dwpc_null.MIN_NONZERO` non-zero null values there is
nothing to fit and ``p = (1 + nonzero) / (1 + N)``, an upper bound of the empirical p (never
anti-conservative). ``p_method`` says which.

**Multiple testing.** ``adjusted_p`` is Bonferroni within each length (p times the number of
metapaths of that length between the two classes, capped at 1, as Hetionet does);
``q_value`` is Benjamini-Hochberg over every metapath tested for the pair (those without paths
count, with p = 1). A metapath is ``significant`` when ``q_value < alpha``.

**Path score.** For each listed path, ``path_score = (pdp / dwpc) * -log10(adjusted_p)`` (the
path's share of its metapath's DWPC times the metapath's surprise), with the path's ``sign``,
``coherence``, ``statements``, ``evidence`` and references (:func:`~.paths.paths`).

>>> import evgraph
>>> kg = evgraph.load()
>>> res = connectivity(kg, "obesity disorder", "atherosclerosis", permutations=20, max_length=2)
>>> {"metapath", "dwpc", "path_count", "p_value", "adjusted_p", "q_value"} <= set(res.columns)
True
>>> bool(((res["q_value"] >= 0) & (res["q_value"] <= 1)).all())
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..arrays import unique
from ..errors import EvgraphError
from ..model import KnowledgeGraph
from .dwpc_null import DEFAULT_GROUP_SIZE, DwpcNull
from .grouping import VOCABULARY_CLASSES
from .hetmat import HetMat, hetmat
from .metagraph import DAMPING, Metapath, as_metapath, metapaths_between
from .permutation import DEFAULT_PERMUTATIONS

#: Null values at or above the observed DWPC needed to trust the empirical p.
MIN_TAIL = 10
#: Non-zero null values needed to fit the gamma of the hurdle.
MIN_NONZERO = 5
#: The sentence said whenever routes exist but none is significant.
NOT_MORE_THAN_EXPECTED = "routes exist but are not more than expected from node degrees"

COLUMNS = ["metapath", "length", "source_id", "target_id", "via_closure", "closure", "path_count", "dwpc",
           "source_degree", "target_degree", "null_mean", "null_nonzero",
           "null_size", "p_value",
           "p_method", "adjusted_p", "q_value", "significant", "path_score", "top_paths"]


def gamma_hurdle_p(observed: float, null: np.ndarray) -> tuple[float, str]:
    """p-value of ``observed`` against ``null`` values (see the module docstring): ``(p, method)``.

    >>> null = np.r_[np.zeros(900), np.random.default_rng(0).gamma(2.0, 1.0, 100)]
    >>> p, how = gamma_hurdle_p(12.0, null)
    >>> how, bool(0 < p < 1 / 1001)
    ('gamma-hurdle', True)
    >>> gamma_hurdle_p(0.0, null)
    (1.0, 'no paths')
    """
    if observed <= 0:
        return 1.0, "no paths"
    null = np.asarray(null, dtype=np.float64)
    n = len(null)
    ge = int((null >= observed * (1 - 1e-12)).sum())
    empirical = (1.0 + ge) / (1.0 + n)
    if ge >= MIN_TAIL:
        return empirical, "empirical"
    nz = null[null > 0]
    if len(nz) < MIN_NONZERO or float(nz.var()) <= 0:
        return empirical, "empirical (too few non-zero null values for a fit)"
    mean, var = float(nz.mean()), float(nz.var(ddof=1))
    shape, scale = mean * mean / var, var / mean
    p = (len(nz) / n) * float(stats.gamma.sf(observed, shape, scale=scale))
    return max(p, np.finfo(float).tiny), "gamma-hurdle"


def benjamini_hochberg(p: Sequence[float] | np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values (``scipy.stats.false_discovery_control``, method ``bh``)."""
    p = np.asarray(p, dtype=np.float64)
    if len(p) == 0:
        return p
    return np.asarray(stats.false_discovery_control(np.clip(p, 0.0, 1.0), method="bh"))


def bonferroni_by_length(p: np.ndarray, lengths: np.ndarray, tests_per_length: dict[int, int]) -> np.ndarray:
    """``min(1, p * m_L)``, ``m_L`` the number of metapaths of the same length tested."""
    m = np.array([tests_per_length[int(k)] for k in lengths], dtype=np.float64)
    return np.minimum(1.0, np.asarray(p, dtype=np.float64) * m)


def _closure_text(src: tuple[str, int], tgt: tuple[str, int]) -> str:
    """``"source broader 1; target narrower 2"``: how each end of a row relates to the query node."""
    parts = [f"{end} {d} {k}" for end, (d, k) in (("source", src), ("target", tgt)) if d]
    return "; ".join(parts)


def _ends_at(nodes: list[str], s_id: str, t_id: str, a: str, b: str) -> bool:
    """Whether a roll-up path (query source ... query target) has its evidence ends at ``a`` and ``b``."""
    first = nodes[0] if a == s_id else (nodes[1] if len(nodes) > 1 else "")
    last = nodes[-1] if b == t_id else (nodes[-2] if len(nodes) > 1 else "")
    return first == a and last == b


def walk_reach(hm: HetMat, mps: Sequence[Metapath], starts: np.ndarray) -> list[np.ndarray]:
    """Per metapath, the nodes its walks reach from ``starts`` (node codes); shared prefixes are
    walked once."""
    memo: dict[tuple, np.ndarray] = {}
    out = []
    for mp in mps:
        reach = np.asarray(starts, dtype=np.int64)
        key: tuple = ()
        for i in range(len(mp)):
            key = (*key, (mp.relations[i], mp.sets[i + 1], mp.reverse[i]))
            if key not in memo:
                B = hm.adjacency(mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i])
                memo[key] = unique(B[reach].indices) if len(reach) else reach
            reach = memo[key]
            if len(reach) == 0:
                break
        out.append(reach)
    return out


def reachable(hm: HetMat, mps: Sequence[Metapath], s: int, t: int) -> list[Metapath]:
    """The metapaths along which ``t`` can be reached from ``s`` by walks (a superset of those with paths)."""
    return [mp for mp, reach in zip(mps, walk_reach(hm, mps, np.array([s])), strict=True)
            if len(reach) and np.isin(t, reach)]


def connectivity(kg: KnowledgeGraph, source: str, target: str, *, max_length: int = 4,
                 metapaths: Sequence[Metapath | str] | None = None, permutations: int = DEFAULT_PERMUTATIONS,
                 seed: int = 0, cache_dir: str | Path | None = None, group_size: int = DEFAULT_GROUP_SIZE,
                 top_paths: int = 3,
                 alpha: float = 0.05, species: str | Sequence[str] | None = None,
                 min_knowledge_level: str | None = None, damping: float = DAMPING, all_metapaths: bool = False,
                 max_paths: int = 200_000, closure: bool = True, show_progress: bool | None = None) -> pd.DataFrame:
    """Every metapath from ``source`` to ``target`` with its DWPC, path count, p, adjusted p and q.

    One row per metapath that has at least one path (``all_metapaths=True``: every metapath
    tested), sorted by ``adjusted_p`` then ``dwpc``; columns :data:`COLUMNS`. ``top_paths``
    (records with ``path``, ``sign``, ``coherence``, ``statements``, ``evidence``,
    ``references``, ``path_score``) is filled for significant metapaths (``q_value < alpha``).
    ``df.attrs``: ``source``, ``target``, ``tests`` (metapaths tested), ``tests_per_length``,
    ``permutations``, ``seed``, ``summary`` (one sentence, e.g. :data:`NOT_MORE_THAN_EXPECTED`).
    See the module docstring for the null and the corrections.
    """
    if max_length < 1:
        raise EvgraphError(f"max_length must be at least 1, not {max_length}")
    s_id, t_id = kg.resolve(source), kg.resolve(target)
    s, t = kg.index_of(s_id), kg.index_of(t_id)
    if s == t:
        raise EvgraphError(f"source and target are the same node ({s_id})")
    s_cls, t_cls = str(kg.node_class[s]), str(kg.node_class[t])
    if metapaths:
        mps = [as_metapath(m) for m in metapaths]
        for m in mps:
            if s_cls not in m.sets[0] or t_cls not in m.sets[-1]:
                raise EvgraphError(f"metapath {m.abbrev} runs from {m.classes[0]} to {m.classes[-1]}, "
                                   f"but {s_id} is a {s_cls} and {t_id} is a {t_cls}")
    else:
        mps = metapaths_between(s_cls, t_cls, max_length, schema=kg.schema, exclude=VOCABULARY_CLASSES)
    if not mps:
        raise EvgraphError(f"no metapath joins a {s_cls} to a {t_cls} in at most {max_length} hops")
    from .paths import endpoints

    S = endpoints(kg, s, closure, True)  # node code -> (roll-up direction, steps): the same relatives as paths
    T = endpoints(kg, t, closure, True)
    n_pairs = len(S) * len(T)
    tests_per_length = {k: v * n_pairs for k, v in sorted(Counter(len(m) for m in mps).items())}
    hm = hetmat(kg, species=species, min_knowledge_level=min_knowledge_level)
    s_codes, t_codes = np.fromiter(S, dtype=np.int64), np.fromiter(T, dtype=np.int64)
    cand = [mp for mp, reach in zip(mps, walk_reach(hm, mps, s_codes), strict=True)
            if len(reach) and np.isin(t_codes, reach).any()]
    rows = []
    skipped: list[str] = []
    for mp in cand:
        if (s, t) in [(a, b) for a in S for b in T] and mp in reachable(hm, [mp], s, t):
            try:
                nodes, pdp, _ = hm.paths_between(mp, s, t, damping, max_paths=max_paths)
                count, value = len(nodes), float(pdp.sum())
            except EvgraphError:  # too many paths to list: the matrix kernels count (damping 0) and weigh them
                try:
                    count = round(float(hm.dwpc(mp, 0.0, rows=np.array([s]), cols=np.array([t])).sum()))
                    value = float(hm.dwpc(mp, damping, rows=np.array([s]), cols=np.array([t])).sum())
                except EvgraphError:  # no matrix plan and too many walks to enumerate: not scored
                    skipped.append(mp.abbrev)
                    count = 0
            if count:
                rows.append({"mp": mp, "s": s, "t": t, "path_count": count, "dwpc": value})
        if n_pairs == 1:
            continue
        try:  # the roll-up pairs: one matrix over the relatives (the query pair itself is done above)
            D = hm.dwpc(mp, damping, rows=s_codes, cols=t_codes).tocoo()
            N = hm.dwpc(mp, 0.0, rows=s_codes, cols=t_codes).tocsr()
        except EvgraphError:
            skipped.append(f"{mp.abbrev} (roll-up pairs)")
            continue
        for i, j, v in zip(D.row.tolist(), D.col.tolist(), D.data.tolist(), strict=True):
            a, b = int(s_codes[i]), int(t_codes[j])
            if (a, b) != (s, t) and v > 0:
                rows.append({"mp": mp, "s": a, "t": b, "path_count": round(float(N[i, j])), "dwpc": float(v)})
    if rows:
        nulls = DwpcNull(kg, permutations, seed, cache_dir=cache_dir, group_size=group_size, damping=damping,
                         species=species, min_knowledge_level=min_knowledge_level, show_progress=show_progress)
        failed = set(nulls.prepare([(r["mp"], r["s"]) for r in rows]))
        for r in rows:
            summ = None if r["mp"].abbrev in failed else nulls.summary(r["mp"], r["s"], r["t"])
            if summ is None:
                skipped.append(r["mp"].abbrev)
                r.update(null_mean=0.0, null_nonzero=0.0, null_size=0, p_value=1.0,
                         p_method="not tested (null too large to enumerate)")
                continue
            r.update(null_mean=summ.mean, null_nonzero=summ.nonzero_share, null_size=summ.size,
                     source_degree=summ.source_degree, target_degree=summ.target_degree)
            r["p_value"], r["p_method"] = summ.p_value(r["dwpc"])
    # every (metapath, pair) tested enters the corrections (no path: p = 1)
    n_tests = len(mps) * n_pairs
    allp = np.ones(n_tests)
    allp[:len(rows)] = [r["p_value"] for r in rows]
    q = benjamini_hochberg(allp)
    adj = bonferroni_by_length(allp[:len(rows)], np.array([len(r["mp"]) for r in rows], dtype=np.int64),
                               tests_per_length)
    ids = kg.node_column("id").to_numpy(dtype=object)
    out = []
    for i, r in enumerate(rows):
        rec = {"metapath": r["mp"].abbrev, "length": len(r["mp"]), "source_id": str(ids[r["s"]]),
               "target_id": str(ids[r["t"]]), "via_closure": (r["s"], r["t"]) != (s, t),
               "closure": _closure_text(S[r["s"]], T[r["t"]])}
        rec.update({k: v for k, v in r.items() if k not in ("mp", "s", "t")})
        rec.update({"adjusted_p": float(adj[i]), "q_value": float(q[i]), "significant": bool(q[i] < alpha),
                    "path_score": 0.0, "top_paths": []})
        out.append(rec)
    if all_metapaths:  # every metapath tested for the query pair itself, also those without paths
        done = {r["mp"] for r in rows if (r["s"], r["t"]) == (s, t)}
        for m in mps:
            if m not in done:
                out.append({"metapath": m.abbrev, "length": len(m), "source_id": s_id, "target_id": t_id,
                            "via_closure": False, "closure": "", "path_count": 0, "dwpc": 0.0, "source_degree": 0,
                            "target_degree": 0, "null_mean": 0.0, "null_nonzero": 0.0, "null_size": 0,
                            "p_value": 1.0, "p_method": "no paths", "adjusted_p": 1.0, "q_value": float(q[-1]),
                            "significant": False, "path_score": 0.0, "top_paths": []})
    df = pd.DataFrame(out, columns=COLUMNS)
    if len(df):
        df = df.sort_values(["adjusted_p", "dwpc", "metapath", "source_id", "target_id"],
                            ascending=[True, False, True, True, True], kind="stable").reset_index(drop=True)
        from .paths import paths as find_paths

        surprise = -np.log10(np.clip(df["adjusted_p"].to_numpy(dtype=float), 1e-300, 1.0))
        for i in np.flatnonzero(df["significant"].to_numpy()):
            rolled = bool(df.at[i, "via_closure"])
            found_paths = find_paths(kg, s_id, t_id, [df.at[i, "metapath"]], k=top_paths if not rolled else 200,
                                     rank_by="pdp", closure=rolled, species=species,
                                     min_knowledge_level=min_knowledge_level)
            recs = []
            for p in found_paths.to_dict("records"):
                if rolled and not _ends_at(p["nodes"], s_id, t_id, df.at[i, "source_id"], df.at[i, "target_id"]):
                    continue
                score = float(p["pdp"] / df.at[i, "dwpc"] * surprise[i]) if df.at[i, "dwpc"] > 0 else 0.0
                recs.append({"path": p["path"], "sign": p["sign"], "coherence": p["coherence"],
                             "hypothesis": p["hypothesis"], "via_closure": p["via_closure"],
                             "statements": p["statements"], "evidence": p["evidence"], "pdp": p["pdp"],
                             "path_score": score, "references": p["references"]})
                if len(recs) == top_paths:
                    break
            df.at[i, "top_paths"] = recs
            df.at[i, "path_score"] = max((x["path_score"] for x in recs), default=0.0)
    n_sig = int(df["significant"].sum()) if len(df) else 0
    n_with = int((df["path_count"] > 0).sum()) if len(df) else 0
    tested = f"{len(mps)} metapaths" + (f" x {n_pairs} node pairs with the roll-up" if n_pairs > 1 else "")
    if n_with == 0:
        summary = f"no path joins {s_id} to {t_id} along any of the {tested} tested"
    elif n_sig == 0:
        summary = (f"{n_with} metapath(s) have paths from {s_id} to {t_id}, but none has q < {alpha}: "
                   f"{NOT_MORE_THAN_EXPECTED}")
    else:
        summary = f"{n_sig} of {n_with} metapath(s) with paths have q < {alpha} ({tested} tested)"
    if skipped:
        summary += (f"; {len(skipped)} metapath(s) had too many paths to score and count as p = 1: "
                    + ", ".join(skipped[:5]) + (" ..." if len(skipped) > 5 else ""))
    df.attrs["skipped_metapaths"] = skipped
    df.attrs.update({"source": s_id, "target": t_id, "tests": n_tests, "tests_per_length": tests_per_length,
                     "closure": bool(closure), "node_pairs": n_pairs,
                     "permutations": permutations, "seed": seed, "alpha": alpha, "summary": summary})
    return df
