"""Crosstalk between conditions and condition categories, on the same footing as connectivity.

For every ordered pair of conditions (s, t), s != t, the crosstalk score is the sum over the
condition-to-condition metapaths (by default :func:`crosstalk_metapaths`: every one up to
``max_length`` hops through an EV population with walks between conditions, vocabulary classes
left out, drawn from the set :func:`~.connectivity.connectivity` uses) of the DWPC. A pair of
categories (A, B) scores the mean over its condition pairs. Each score is compared with the same
score on the same cached degree-preserving permuted graphs as connectivity (:mod:`.permutation`): the p-value is
empirical where enough null scores reach the observed one and a gamma-hurdle fit where the tail
is thin (:func:`~.connectivity.gamma_hurdle_p`); ``q_value`` is Benjamini-Hochberg over all
category pairs (and, separately, over all listed condition pairs). A permutation never forms a
condition x condition matrix: each metapath's chain is split where it has fewest nodes
(:class:`~.hetmat.Halves`), category sums come from the two halves, the permuted graphs are
stacked as disjoint copies so one product scores many of them, and only the ``pair_tests``
listed condition pairs are scored. The cargo, pathways and EV populations that carry most of a
category pair's DWPC are listed with it; routes of the best condition pairs are counted by sign
(harmful ``increases`` vs protective ``decreases``).

>>> import evgraph
>>> from evgraph.analytics import crosstalk
>>> kg = evgraph.load()
>>> res = crosstalk(kg, permutations=5, seed=0, max_length=2)
>>> res.matrix.shape[0] == res.matrix.shape[1]
True
>>> {"category_a", "category_b", "score", "p_value", "q_value", "top_cargo"} <= set(res.table.columns)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..model import KnowledgeGraph
from ._common import progress
from .connectivity import NOT_MORE_THAN_EXPECTED, benjamini_hochberg, gamma_hurdle_p, walk_reach
from .dwpc_null import STACK_EDGES
from .grouping import VOCABULARY_CLASSES
from .hetmat import HetMat, hetmat, zero_diagonal
from .metagraph import DAMPING, Metapath, as_metapath, metapaths_between
from .permutation import DEFAULT_PERMUTATIONS, stacked_hetmat
from .permutation import permutations as draw_permutations

#: Longest condition-to-condition metapath crosstalk follows by default.
DEFAULT_MAX_LENGTH = 3


@dataclass
class CrosstalkResult:
    """``matrix``: category x category score (rows: where the EVs are released); ``pvalues``
    likewise; ``table``: one row per category pair; ``conditions``: the highest-scoring
    condition pairs (``pair_tests`` of them)."""

    matrix: pd.DataFrame
    pvalues: pd.DataFrame
    table: pd.DataFrame
    conditions: pd.DataFrame
    info: dict = field(default_factory=dict)


def _cond_scores(hm: HetMat, mps: list[Metapath], cond: np.ndarray, damping: float) -> sp.csr_matrix:
    """Summed DWPC of ``mps`` between every two different conditions (``len(cond)`` square CSR)."""
    S = None
    for mp in mps:
        D = hm.dwpc(mp, damping, rows=cond, cols=cond)
        S = D if S is None else S + D
    return zero_diagonal(S)


def _fast_scores(hm: HetMat, mps: list[Metapath], cond: np.ndarray, It: sp.csr_matrix, damping: float,
                 pi: np.ndarray, pj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Category-pair sums (``It S It^T``, s != t) and the scores of condition pairs ``(pi, pj)``,
    without forming the condition x condition matrix (see :class:`~.hetmat.Halves`)."""
    ncat = It.shape[0]
    tot = np.zeros((ncat, ncat))
    vals = np.zeros(len(pi))
    idx = np.arange(len(cond))
    for mp in mps:
        if mp.matrix_plan() is None:
            D = hm.dwpc(mp, damping, rows=cond, cols=cond)
            D = zero_diagonal(D)
            tot += (It @ D @ It.T).toarray()
            vals += np.asarray(D[pi, pj]).ravel()
            continue
        h = hm.halves(mp, damping, cond, cond)
        tot += h.group_sums(It, It)
        tot -= np.diag(It @ h.pairs(idx, idx))  # the s == t walks
        vals += h.pairs(pi, pj)
    return tot, vals


def _attribution(hm: HetMat, mp: Metapath, a: np.ndarray, b: np.ndarray, damping: float) -> dict[int, np.ndarray]:
    """Per position, each node's share of sum_{s in a, t in b, s != t} DWPC(s, t) (walk algebra, exact
    for matrix-plan metapaths)."""
    plan = mp.matrix_plan()
    if plan is None:
        return {}
    def left(X, blk):  # X @ block, without forming a two-hop block (X (W1 W2 - diag(d)))
        x, y = blk
        W = hm.weights(mp, x, damping)
        if y - x == 1:
            return X @ W
        d = hm.two_hop_diag(mp, x, damping)
        return X @ W @ hm.weights(mp, x + 1, damping) - (X * d if isinstance(X, np.ndarray) else X @ sp.diags(d))

    def right(X, blk):  # block @ X
        x, y = blk
        W = hm.weights(mp, x, damping)
        if y - x == 1:
            return W @ X
        d = hm.two_hop_diag(mp, x, damping)
        return W @ (hm.weights(mp, x + 1, damping) @ X) - (d * X if isinstance(X, np.ndarray) else sp.diags(d) @ X)

    both = a * b
    ends_same = (0, len(mp)) in mp.overlaps() and bool(both.any())  # else no s == t walk to remove
    keep = np.flatnonzero(both) if ends_same else np.zeros(0, dtype=np.int64)
    diag_rows = sp.csr_matrix((both[keep], (keep, keep)), shape=(len(a), len(a)))
    out: dict[int, np.ndarray] = {}
    # left vectors/matrices before each block, right ones after
    left_v = [a.copy()]
    left_m = [diag_rows]
    for blk in plan:
        left_v.append(left(left_v[-1], blk))
        left_m.append(sp.csr_matrix(left(left_m[-1], blk)) if ends_same else diag_rows)
    right_v = [b.copy()]
    right_m = [diag_rows]
    for blk in reversed(plan):
        right_v.append(right(right_v[-1], blk))
        right_m.append(sp.csr_matrix(right(right_m[-1], blk)) if ends_same else diag_rows)
    right_v, right_m = right_v[::-1], right_m[::-1]
    for bi, (x, y) in enumerate(plan):
        # boundary position x (skip 0 = sources); the last boundary is the targets
        if x > 0:
            contrib = left_v[bi] * right_v[bi]
            if ends_same:
                contrib = contrib - np.asarray(left_m[bi].multiply(right_m[bi].T).sum(axis=0)).ravel()
            out[x] = contrib
        if y - x == 2:  # middle position of a two-hop block
            W1 = hm.weights(mp, x, damping)
            W2 = hm.weights(mp, x + 1, damping)
            lv, rv = left_v[bi], right_v[bi + 1]
            WW = W1.multiply(W2.T).tocsr()  # (c, v): W1[c, v] * W2[v, c]
            contrib = (lv @ W1) * (W2 @ rv) - WW.T @ (lv * rv)
            if ends_same:
                Lm, Rm = left_m[bi], right_m[bi + 1]
                term = np.asarray(((Lm @ W1).tocsr().multiply((W2 @ Rm).T.tocsr())).sum(axis=0)).ravel()
                q = np.asarray(Lm.multiply(Rm.T).sum(axis=0)).ravel()
                contrib = contrib - (term - WW.T @ q)
            out[x + 1] = contrib
    return out


def crosstalk_metapaths(kg: KnowledgeGraph, max_length: int = DEFAULT_MAX_LENGTH, species=None,
                        min_knowledge_level: str | None = None) -> list[Metapath]:
    """The condition-to-condition metapaths of :func:`~.connectivity.connectivity` (same set, same
    exclusions) up to ``max_length`` that pass through an EV population (crosstalk is EV-mediated:
    a route through the disease ontology or a shared gene alone is not EV traffic) and along
    which one condition reaches another by walks."""
    hm = hetmat(kg, species=species, min_knowledge_level=min_knowledge_level)
    mps = [m for m in metapaths_between("Condition", "Condition", max_length, schema=kg.schema,
                                        exclude=VOCABULARY_CLASSES) if "EVPopulation" in m.classes]
    cond = np.flatnonzero(kg.node_class.astype(str) == "Condition")
    is_cond = np.zeros(kg.num_nodes, dtype=bool)
    is_cond[cond] = True
    return [mp for mp, reach in zip(mps, walk_reach(hm, mps, cond), strict=True) if len(reach) and is_cond[reach].any()]


def _stacked_inputs(cond: np.ndarray, It: sp.csr_matrix, pi: np.ndarray, pj: np.ndarray, n: int, P: int):
    base = np.arange(P, dtype=np.int64)
    cond_st = (base[:, None] * n + cond[None, :]).ravel()
    It_st = sp.kron(sp.identity(P, format="csr"), It, format="csr")
    pi_st = (base[:, None] * len(cond) + pi[None, :]).ravel()
    pj_st = (base[:, None] * len(cond) + pj[None, :]).ravel()
    return cond_st, It_st, pi_st, pj_st


def crosstalk(kg: KnowledgeGraph, metapaths: Sequence[Metapath | str] | None = None, *,
              permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0, damping: float = DAMPING, top: int = 5,
              species: str | Sequence[str] | None = None, min_knowledge_level: str | None = None,
              pair_tests: int = 10_000, max_length: int = DEFAULT_MAX_LENGTH, alpha: float = 0.05,
              signed_pairs: int = 30, cache_dir: str | Path | None = None,
              show_progress: bool | None = None) -> CrosstalkResult:
    """Crosstalk scores, p-values, q-values and connecting nodes for every pair of condition categories
    and the highest-scoring condition pairs.

    ``metapaths``: default every condition-to-condition metapath up to ``max_length`` with
    walks between conditions (:func:`crosstalk_metapaths`, the set connectivity uses).
    ``permutations`` degree-preserving permuted graphs drawn from ``seed`` (the same cached ones
    as :func:`~.connectivity.connectivity`; 0 = no test). p-values: empirical where the tail
    holds :data:`~.connectivity.MIN_TAIL` null values, else gamma-hurdle
    (:func:`~.connectivity.gamma_hurdle_p`); ``q_value``: Benjamini-Hochberg over all category
    pairs, and separately over all listed condition pairs. For the ``signed_pairs`` best
    condition pairs the routes are enumerated (:func:`~.paths.paths`) and counted by sign:
    ``routes_increases`` (harmful: the source condition's EVs raise the target), ``routes_decreases``
    (protective) and ``routes_unknown``. A pair with routes but ``q >= alpha`` gets the note
    :data:`~.connectivity.NOT_MORE_THAN_EXPECTED`.
    """
    mps = ([as_metapath(m) for m in metapaths] if metapaths else
           crosstalk_metapaths(kg, max_length, species=species, min_knowledge_level=min_knowledge_level))
    hm = hetmat(kg, species=species, min_knowledge_level=min_knowledge_level)
    cls = kg.node_class.astype(str)
    cond = np.flatnonzero(cls == "Condition")
    cats_all = kg.nodes["condition_category"].to_numpy(dtype=object).astype(str)
    cats = cats_all[cond]
    categories = sorted(set(cats) - {""})
    ncat = len(categories)
    cat_index = {c: i for i, c in enumerate(categories)}
    keep_c = np.array([c in cat_index for c in cats], dtype=bool)
    I = sp.csr_matrix((np.ones(int(keep_c.sum())), (np.flatnonzero(keep_c), [cat_index[c] for c in cats[keep_c]])),
                      shape=(len(cond), ncat))
    sizes = np.asarray(I.sum(axis=0)).ravel()
    npairs = np.outer(sizes, sizes) - np.diag(sizes)

    if mps:
        S = _cond_scores(hm, mps, cond, damping)
    else:
        S = sp.csr_matrix((len(cond), len(cond)))
    Sc = S.tocoo()
    r, c, sval = Sc.row, Sc.col, Sc.data
    ids = kg.nodes["id"].to_numpy(dtype=object)
    order = np.lexsort((ids[cond[c]], ids[cond[r]], -sval))
    tested = order[:pair_tests]
    It = I.T.tocsr()
    if mps:
        tot, _ = _fast_scores(hm, mps, cond, It, damping, r[tested], c[tested])
    else:
        tot = np.zeros((ncat, ncat))
    obs = np.divide(tot, npairs, out=np.zeros_like(tot), where=npairs > 0)
    null_cat = np.zeros((0, ncat, ncat))
    null_pair = np.zeros((0, len(tested)))
    if permutations and mps and len(cond):
        mask = None if len(hm.edge_ids) == kg.num_edges else np.isin(np.arange(kg.num_edges), hm.edge_ids)
        perms = draw_permutations(kg, permutations, seed=seed, cache_dir=cache_dir, show_progress=show_progress,
                                  mask=mask)
        chunk = max(1, min(len(perms), STACK_EDGES // max(kg.num_edges, 1)))
        cats_null, pairs_null = [], []
        for i in progress(range(0, len(perms), chunk), total=-(-len(perms) // chunk),
                          desc="crosstalk null", enabled=show_progress):
            P = min(chunk, len(perms) - i)
            hp = stacked_hetmat(kg, np.asarray(perms.dst[i:i + P]), mask)
            cond_st, It_st, pi_st, pj_st = _stacked_inputs(cond, It, r[tested], c[tested], kg.num_nodes, P)
            tp, vp = _fast_scores(hp, mps, cond_st, It_st, damping, pi_st, pj_st)
            for p in range(P):
                blk = tp[p * ncat:(p + 1) * ncat, p * ncat:(p + 1) * ncat]
                cats_null.append(np.divide(blk, npairs, out=np.zeros_like(blk), where=npairs > 0))
            pairs_null.append(vp.reshape(P, len(tested)))
        null_cat = np.stack(cats_null)
        null_pair = np.concatenate(pairs_null)
    tested_perm = len(null_cat) > 0
    pcat = np.ones_like(obs)
    pmethod = np.full(obs.shape, "no paths", dtype=object)
    if tested_perm:
        for i in range(ncat):
            for j in range(ncat):
                pcat[i, j], pmethod[i, j] = gamma_hurdle_p(obs[i, j], null_cat[:, i, j])
    mean = null_cat.mean(axis=0) if tested_perm else np.full_like(obs, np.nan)
    std = null_cat.std(axis=0) if tested_perm else np.full_like(obs, np.nan)
    qcat = benjamini_hochberg(pcat.ravel()).reshape(pcat.shape) if tested_perm else np.full_like(obs, np.nan)
    labels = kg.nodes["label"].to_numpy(dtype=object)

    groups = {"EV": np.isin(cls, ["EVPopulation"]), "pathway": cls == "Pathway"}
    cargo_classes = [c for c, info in kg.schema.classes.items() if "Cargo" in info.parents]
    groups["cargo"] = np.isin(cls, cargo_classes)
    # condition pairs: p, q and routes by sign for the best ones
    if tested_perm:
        pp = [gamma_hurdle_p(float(v), null_pair[:, x]) for x, v in enumerate(sval[tested])]
        pcond = np.array([x[0] for x in pp])
        pcond_method = [x[1] for x in pp]
        qcond = benjamini_hochberg(pcond)
    else:
        pcond = np.full(len(tested), np.nan)
        pcond_method = ["not tested"] * len(tested)
        qcond = np.full(len(tested), np.nan)
    rr, cc = r[tested], c[tested]
    conditions = pd.DataFrame({
        "condition_a": ids[cond[rr]], "label_a": labels[cond[rr]], "category_a": cats[rr],
        "condition_b": ids[cond[cc]], "label_b": labels[cond[cc]], "category_b": cats[cc],
        "score": sval[tested], "p_value": pcond, "p_method": pcond_method, "q_value": qcond,
    })
    for col in ("routes_increases", "routes_decreases", "routes_unknown"):
        conditions[col] = pd.array([pd.NA] * len(conditions), dtype="Int64")
    from .paths import paths as find_paths

    by_cat: dict[tuple[str, str], list[int]] = {}
    for x in range(min(signed_pairs, len(conditions))):
        found = find_paths(kg, conditions.at[x, "condition_a"], conditions.at[x, "condition_b"], mps, k=50,
                           closure=False, species=species, min_knowledge_level=min_knowledge_level)
        counts = found["sign"].value_counts() if len(found) else pd.Series(dtype=int)
        for sgn in ("increases", "decreases", "unknown"):
            conditions.at[x, f"routes_{sgn}"] = int(counts.get(sgn, 0))
        by_cat.setdefault((conditions.at[x, "category_a"], conditions.at[x, "category_b"]), []).append(x)
    conditions["note"] = [NOT_MORE_THAN_EXPECTED if tested_perm and s_ > 0 and q_ >= alpha else ""
                          for s_, q_ in zip(conditions["score"], conditions["q_value"], strict=True)]
    rows = []
    for i, A in enumerate(categories):
        for j, B in enumerate(categories):
            a = np.zeros(kg.num_nodes)
            a[cond[cats == A]] = 1.0
            b = np.zeros(kg.num_nodes)
            b[cond[cats == B]] = 1.0
            contrib = np.zeros(kg.num_nodes)
            if obs[i, j] > 0:
                for mp in mps:
                    for _pos, vec in _attribution(hm, mp, a, b, damping).items():
                        contrib += vec
            listed = conditions.iloc[by_cat.get((A, B), [])]
            rec = {"category_a": A, "category_b": B, "score": obs[i, j], "n_condition_pairs": int(npairs[i, j]),
                   "perm_mean": mean[i, j], "perm_std": std[i, j],
                   "z": (obs[i, j] - mean[i, j]) / std[i, j] if tested_perm and std[i, j] > 0 else np.nan,
                   "p_value": pcat[i, j] if tested_perm else np.nan, "p_method": pmethod[i, j],
                   "q_value": qcat[i, j],
                   "routes_increases": int(listed["routes_increases"].fillna(0).sum()),
                   "routes_decreases": int(listed["routes_decreases"].fillna(0).sum()),
                   "note": (NOT_MORE_THAN_EXPECTED if tested_perm and obs[i, j] > 0 and qcat[i, j] >= alpha
                            else "")}
            for name, gm in groups.items():
                cand = np.flatnonzero(gm & (contrib > 1e-15))
                best = cand[np.lexsort((ids[cand], -contrib[cand]))][:top]
                rec[f"top_{name}"] = "; ".join(f"{labels[x]} ({ids[x]})" for x in best)
            rows.append(rec)
    table = pd.DataFrame(rows)
    matrix = pd.DataFrame(obs, index=categories, columns=categories)
    pvalues = pd.DataFrame(pcat if tested_perm else np.full_like(obs, np.nan), index=categories, columns=categories)
    info = {"metapaths": [m.abbrev for m in mps], "permutations": permutations if tested_perm else 0, "seed": seed,
            "damping": damping, "max_length": max_length, "condition_pairs_nonzero": len(sval),
            "condition_pairs_listed": len(tested), "alpha": alpha}
    return CrosstalkResult(matrix, pvalues, table, conditions, info)
