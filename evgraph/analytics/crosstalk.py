"""Crosstalk between conditions and condition categories, with permutation significance.

For every ordered pair of conditions (s, t), s != t, the crosstalk score is the sum over the
condition-to-condition metapaths (:data:`~evgraph.analytics.metagraph.CROSSTALK_METAPATHS`:
EV populations released in s that contribute to t, directly, through their cargo, or through
pathways) of the DWPC. A pair of categories (A, B) scores the mean over its condition pairs.
Each score is compared with the same score on degree-preserving permutations of the graph:
within every (relationship, subject class, object class) stratum the objects of the edges are
shuffled, so every node keeps its degree per relationship and partner class, then duplicate
edges are re-drawn (a vectorised stand-in for Hetionet's XSwap); only the relationships the
metapaths use are permuted, from one seeded generator (deterministic). ``p = (1 + #{perm >=
obs}) / (1 + permutations)``. A permutation never forms a condition x condition matrix: each
metapath's chain is split where it has fewest nodes (:class:`~.hetmat.Halves`), category
sums come from the two halves and only the ``pair_tests`` listed condition pairs are scored.
The cargo, pathways and EV populations that carry most of a category
pair's DWPC are listed with it.

>>> import evgraph
>>> from evgraph.analytics import crosstalk
>>> kg = evgraph.load()
>>> res = crosstalk(kg, permutations=5, seed=0)
>>> res.matrix.shape[0] == res.matrix.shape[1]
True
>>> {"category_a", "category_b", "score", "p_value", "top_cargo"} <= set(res.table.columns)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..model import KnowledgeGraph
from ._common import progress
from .hetmat import HetMat, hetmat, zero_diagonal
from .metagraph import CROSSTALK_METAPATHS, DAMPING, Metapath, as_metapath


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


def permute_edges(hm: HetMat, relations: Sequence[str], rng: np.random.Generator, rounds: int = 10) -> np.ndarray:
    """Object codes of every edge of ``hm.kg`` after a degree-preserving shuffle of ``relations``."""
    kg = hm.kg
    dst = kg.dst.copy()
    pred = kg.edges["predicate"].cat.codes.to_numpy()
    codes = [hm.pred_names.index(r) for r in relations]
    sel = np.flatnonzero(np.isin(pred, codes))
    if len(sel) == 0:
        return dst
    ncls = len(hm.class_names) + 1
    s, o = kg.src[sel], dst[sel]
    group = (pred[sel].astype(np.int64) * ncls + hm.class_code[s]) * ncls + hm.class_code[o]
    a = np.argsort(group, kind="stable")
    b = np.lexsort((rng.random(len(sel)), group))
    o_new = np.empty_like(o)
    o_new[a] = o[b]
    n = kg.num_nodes
    # re-draw duplicates and self-loops by swapping with random edges of the same stratum
    gs = group[a]
    starts = np.searchsorted(gs, gs, side="left")
    ends = np.searchsorted(gs, gs, side="right")
    pos_in_sorted = np.empty(len(sel), dtype=np.int64)
    pos_in_sorted[a] = np.arange(len(sel))
    for _ in range(rounds):
        key = (pred[sel].astype(np.int64) * n + s) * n + o_new
        order = np.argsort(key, kind="stable")
        dup = np.zeros(len(sel), dtype=bool)
        dup[order[1:]] = key[order[1:]] == key[order[:-1]]
        dup |= s == o_new
        bad = np.flatnonzero(dup)
        if len(bad) == 0:
            break
        p = pos_in_sorted[bad]
        partner_sorted = starts[p] + (rng.random(len(bad)) * (ends[p] - starts[p])).astype(np.int64)
        partner = a[partner_sorted]
        o_new[bad], o_new[partner] = o_new[partner], o_new[bad].copy()
    dst[sel] = o_new
    return dst


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
        W = hm.weighted(mp, x, damping)[0]
        if y - x == 1:
            return X @ W
        d = hm.two_hop_diag(mp, x, damping)
        return X @ W @ hm.weighted(mp, x + 1, damping)[0] - (X * d if isinstance(X, np.ndarray) else X @ sp.diags(d))

    def right(X, blk):  # block @ X
        x, y = blk
        W = hm.weighted(mp, x, damping)[0]
        if y - x == 1:
            return W @ X
        d = hm.two_hop_diag(mp, x, damping)
        return W @ (hm.weighted(mp, x + 1, damping)[0] @ X) - (d * X if isinstance(X, np.ndarray) else sp.diags(d) @ X)

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
            W1 = hm.weighted(mp, x, damping)[0]
            W2 = hm.weighted(mp, x + 1, damping)[0]
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


def crosstalk(kg: KnowledgeGraph, metapaths: Sequence[Metapath | str] = CROSSTALK_METAPATHS, *,
              permutations: int = 100, seed: int = 0, damping: float = DAMPING, top: int = 5,
              species: str | Sequence[str] | None = None, min_knowledge_level: str | None = None,
              pair_tests: int = 10_000, show_progress: bool | None = None) -> CrosstalkResult:
    """Crosstalk scores, p-values and connecting nodes for every pair of condition categories and conditions.

    ``permutations`` degree-preserving permutations drawn from ``seed`` (0 = no test). ``top``
    connecting cargo, pathways and EV populations are listed per category pair. Condition
    pairs: the ``pair_tests`` highest-scoring pairs (ties by ids) are listed, each with a
    permutation p-value (``info["condition_pairs_nonzero"]`` counts all non-zero pairs), so
    that a permutation never has to form the full condition x condition matrix (category scores are summed from the two
    halves of each metapath's matrix chain, see :class:`~.hetmat.Halves`).
    """
    mps = [as_metapath(m) for m in metapaths]
    hm = hetmat(kg, species=species, min_knowledge_level=min_knowledge_level)
    cls = kg.node_class.astype(str)
    cond = np.flatnonzero(cls == "Condition")
    cats_all = kg.nodes["condition_category"].to_numpy(dtype=object).astype(str)
    cats = cats_all[cond]
    categories = sorted(set(cats) - {""})
    ncat = len(categories)
    I = sp.csr_matrix((np.ones(len(cond)), (np.arange(len(cond)), [categories.index(c) for c in cats])),
                      shape=(len(cond), ncat)) if len(cond) else sp.csr_matrix((0, ncat))
    sizes = np.asarray(I.sum(axis=0)).ravel()
    npairs = np.outer(sizes, sizes) - np.diag(sizes)

    S = _cond_scores(hm, mps, cond, damping)
    Sc = S.tocoo()
    r, c, sval = Sc.row, Sc.col, Sc.data
    ids = kg.nodes["id"].to_numpy(dtype=object)
    # condition pairs tested by permutation: the ``pair_tests`` highest-scoring ones
    order = np.lexsort((ids[cond[c]], ids[cond[r]], -sval))
    tested = order[:pair_tests]
    It = I.T.tocsr()
    tot, _ = _fast_scores(hm, mps, cond, It, damping, r[tested], c[tested])
    obs = np.divide(tot, npairs, out=np.zeros_like(tot), where=npairs > 0)
    ge_cat = np.zeros_like(obs)
    ge_cond = np.zeros(len(tested))
    perm_sum = np.zeros_like(obs)
    perm_sq = np.zeros_like(obs)
    rels = sorted({rel for mp in mps for rel in mp.relations})
    rng = np.random.default_rng(seed)
    mask = None if len(hm.edge_ids) == kg.num_edges else np.isin(np.arange(kg.num_edges), hm.edge_ids)
    for _ in progress(range(permutations), total=permutations, desc="crosstalk permutations",
                      enabled=show_progress):
        dst = permute_edges(hm, rels, rng)
        hp = HetMat(kg, mask, dst=dst)
        tp, vp = _fast_scores(hp, mps, cond, It, damping, r[tested], c[tested])
        sc = np.divide(tp, npairs, out=np.zeros_like(tp), where=npairs > 0)
        ge_cat += sc >= obs - 1e-12
        perm_sum += sc
        perm_sq += sc * sc
        ge_cond += vp >= sval[tested] - 1e-12
    P = max(permutations, 1)
    pcat = (1 + ge_cat) / (1 + permutations) if permutations else np.full_like(obs, np.nan)
    mean = perm_sum / P
    std = np.sqrt(np.maximum(perm_sq / P - mean**2, 0.0))
    labels = kg.nodes["label"].to_numpy(dtype=object)

    # connecting nodes per category pair
    groups = {"EV": np.isin(cls, ["EVPopulation"]), "cargo": np.zeros(kg.num_nodes, dtype=bool),
              "pathway": cls == "Pathway"}
    cargo_classes = [c for c, info in kg.schema.classes.items() if "Cargo" in info.parents]
    groups["cargo"] = np.isin(cls, cargo_classes)
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
            rec = {"category_a": A, "category_b": B, "score": obs[i, j], "n_condition_pairs": int(npairs[i, j]),
                   "perm_mean": mean[i, j] if permutations else np.nan,
                   "perm_std": std[i, j] if permutations else np.nan,
                   "z": (obs[i, j] - mean[i, j]) / std[i, j] if permutations and std[i, j] > 0 else np.nan,
                   "p_value": pcat[i, j]}
            for name, gm in groups.items():
                cand = np.flatnonzero(gm & (contrib > 1e-15))
                best = cand[np.lexsort((ids[cand], -contrib[cand]))][:top]
                rec[f"top_{name}"] = "; ".join(f"{labels[x]} ({ids[x]})" for x in best)
            rows.append(rec)
    table = pd.DataFrame(rows)
    matrix = pd.DataFrame(obs, index=categories, columns=categories)
    pvalues = pd.DataFrame(pcat, index=categories, columns=categories)
    cg = cond
    pcond = (1 + ge_cond) / (1 + permutations) if permutations else np.full(len(tested), np.nan)
    r, c = r[tested], c[tested]  # already in (score desc, condition_a, condition_b) order
    conditions = pd.DataFrame({
        "condition_a": ids[cg[r]], "label_a": labels[cg[r]], "category_a": cats[r],
        "condition_b": ids[cg[c]], "label_b": labels[cg[c]], "category_b": cats[c],
        "score": sval[tested],
        "p_value": pcond,
    })
    info = {"metapaths": [m.abbrev for m in mps], "permutations": permutations, "seed": seed, "damping": damping,
            "condition_pairs_nonzero": len(sval), "condition_pairs_listed": len(tested)}
    return CrosstalkResult(matrix, pvalues, table, conditions, info)
