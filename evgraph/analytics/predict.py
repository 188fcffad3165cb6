"""Link prediction: which untested (source, target) pairs do the graph's metapaths point to?

Size: about 660 lines (features, model, evaluation and explanations of one engine); a split
by job is left to the analytics owner.

The hypothesis engine of evgraph, after Hetionet's Rephetio (Himmelstein et al., eLife 2017):

* **Observed pairs** (the labels) are direct curated links between the two classes, read from
  :data:`LABELS`: for cell types and organs against conditions, the source ``releases`` an EV
  population that ``contributes_to`` the condition (organs also through their cell types,
  ``part_of``); with ontology roll-up, a link to a condition also links its ancestors
  (``subclass_of``). The *label metaedges* (``EVPopulation -contributes_to-> Condition`` for
  conditions) are removed from the graph before any feature is computed, so no feature can see
  the link it is asked to predict.
* **Features**: for every metapath between the two classes up to ``max_length`` hops (from
  :func:`~evgraph.analytics.metagraph.metapaths_between`, label metaedges excluded), the
  degree-weighted path count (DWPC, damping 0.4) and the *signed* DWPC, in which each path
  counts ``+pdp`` or ``-pdp`` by the product of its hops' signs (``regulates``, ``affects``,
  ``contributes_to``, ``biomarker_for`` with a direction: +1 increased/upregulated, -1
  decreased/downregulated; structural hops +1; a signed hop without direction removes the path
  from the signed count). Both are ``asinh(x / mean|x|)`` transformed. Two degree features
  (``log1p`` of source and target degree, label edges excluded) are the baseline.
* **Model**: L2-regularised logistic regression (scikit-learn; the regularisation strength is
  the best of a fixed grid by seeded 5-fold cross-validated log-loss) on the observed pairs
  against *degree-matched* negatives (unobserved pairs drawn, for each positive, from the
  same source-degree and target-degree quantile bins), one model per (source class, target
  class). Scores are prior-corrected (King & Zeng 2001) from the sampled class balance to the
  observed prevalence among all pairs: ``score`` estimates the probability that a pair of
  this kind is a curated link, not that the biology is true.
* **Explanation**: each prediction names the (up to) three metapaths joining the pair whose
  terms add most to its logit (coefficient x standardised feature; a negative term means the
  model learnt that this kind of path argues against a link), with up to two concrete paths
  each and their references; ``sign`` is the direction those metapaths' signed DWPC points to
  (``increases`` or ``decreases`` when at least a third of their path weight agrees in sign,
  else ``unknown``). Every prediction is a hypothesis.

>>> import evgraph
>>> kg = evgraph.load()
>>> df = predict(kg, ["CellType"], "Condition", top=5, explain=False)
>>> list(df.columns[:7])
['source', 'source_label', 'source_class', 'target', 'target_label', 'score', 'rank']
>>> bool(df["novel"].all()) and bool(((df["score"] > 0) & (df["score"] < 1)).all())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import EvgraphError
from ..model import KnowledgeGraph
from .hetmat import HetMat
from .metagraph import DAMPING, Metapath, metapaths_between

#: Observed (label) links per (source class, target class): metapaths whose binary
#: reachability defines an observed pair. The last hop of each is a label metaedge.
LABELS: dict[tuple[str, str], tuple[str, ...]] = {
    ("CellType", "Condition"): ("CTrEVctC",),
    ("Organ", "Condition"): ("OrEVctC", "O<poCTrEVctC"),
    ("Gene", "Condition"): ("G<cEVctC",),
    ("MicroRNA", "Condition"): ("MI<cEVctC",),
    ("Organ", "Organ"): ("OrEVhO",),
    ("CellType", "CellType"): ("CTrEVuCT",),
}

#: Fewest observed pairs a model is trained on (5 cross-validation folds of at least 2).
MIN_POSITIVES = 10

#: Predicates whose hops carry a direction (see the module docstring); the others are neutral.
SIGNED_PREDICATES = frozenset({"regulates", "affects", "contributes_to", "biomarker_for"})
_POSITIVE = frozenset({"increased", "upregulated"})
_NEGATIVE = frozenset({"decreased", "downregulated"})


# ====================================================================== labels
def _label_metapaths(source_class: str, target_class: str) -> list[Metapath]:
    texts = LABELS.get((source_class, target_class))
    if not texts:
        known = ", ".join(f"{a} -> {b}" for a, b in LABELS)
        raise EvgraphError(f"no observed-link definition for {source_class} -> {target_class} (known: {known})")
    return [Metapath.parse(t) for t in texts]


#: Metaedges that record a statement's own context beside its label, hidden from the features
#: with the label metaedges: the condition an EV population was *released in* is read from the
#: same study as the condition it *contributes to*, so it would predict the link by restating it.
CONTEXT_METAEDGES: dict[str, tuple[str, ...]] = {"Condition": ("EVriC",)}


def label_metaedges(source_class: str, target_class: str) -> set[tuple[str, frozenset[str], frozenset[str], bool]]:
    """``(relationship, from classes, to classes, reverse)`` hidden from the features: the label hops
    (last hop of each label metapath) and the target's :data:`CONTEXT_METAEDGES`."""
    out = set()
    for mp in _label_metapaths(source_class, target_class):
        i = len(mp) - 1
        out.add((mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i]))
    for text in CONTEXT_METAEDGES.get(target_class, ()):
        mp = Metapath.parse(text)
        out.add((mp.relations[0], mp.sets[0], mp.sets[1], mp.reverse[0]))
    return out


def _uses_metaedge(mp: Metapath, edges: set) -> bool:
    for i in range(len(mp)):
        hop = (mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i])
        back = (mp.relations[i], mp.sets[i + 1], mp.sets[i], not mp.reverse[i])
        for rel, a, b, rev in edges:
            for r2, a2, b2, rv2 in (hop, back):
                if r2 == rel and rv2 == rev and a2 & a and b2 & b:
                    return True
    return False


def _reach(hm: HetMat, mp: Metapath, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    """Boolean reachability ``len(rows) x len(cols)`` along ``mp`` (any walk)."""
    X = sp.csr_matrix((np.ones(len(rows)), (np.arange(len(rows)), rows)), shape=(len(rows), hm.n))
    for i in range(len(mp)):
        B, _ = hm.metaedge(mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i])
        X = (X @ B).tocsr()
        X.data[:] = 1.0
    return X[:, cols].tocsr()


def _ancestor_matrix(kg: KnowledgeGraph, hm: HetMat, cols: np.ndarray) -> sp.csr_matrix:
    """``A[i, j] = 1`` when target ``cols[j]`` is ``cols[i]`` or one of its ``subclass_of`` ancestors."""
    n = len(cols)
    pos = np.full(hm.n, -1, dtype=np.int64)
    pos[cols] = np.arange(n)
    if "subclass_of" in hm.pred_names:
        sel = hm.pred == hm.pred_names.index("subclass_of")
        s, o = pos[hm.src[sel]], pos[hm.dst[sel]]
        ok = (s >= 0) & (o >= 0) & (s != o)
        P = sp.csr_matrix((np.ones(int(ok.sum())), (s[ok], o[ok])), shape=(n, n))
    else:
        P = sp.csr_matrix((n, n))
    A = sp.identity(n, format="csr")
    frontier = A
    for _ in range(64):  # ontology depth bound
        frontier = (frontier @ P).tocsr()
        frontier.data[:] = 1.0
        new = (frontier - frontier.multiply(A)).tocsr()
        new.eliminate_zeros()
        if new.nnz == 0:
            break
        A = (A + new).tocsr()
        A.data[:] = 1.0
        frontier = new
    return A


def observed_pairs(kg: KnowledgeGraph, source_class: str, target_class: str, *,
                   mask: np.ndarray | None = None, closure: bool = True) -> sp.csr_matrix:
    """Boolean ``sources x targets`` matrix of observed links (rows/cols: :func:`class_nodes`).

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> Y = observed_pairs(kg, "CellType", "Condition")
    >>> Y.shape == (len(class_nodes(kg, "CellType")), len(class_nodes(kg, "Condition"))) and Y.nnz > 0
    True
    """
    hm = HetMat(kg, mask)
    rows, cols = class_nodes(kg, source_class), class_nodes(kg, target_class)
    Y = sp.csr_matrix((len(rows), len(cols)))
    for mp in _label_metapaths(source_class, target_class):
        Y = (Y + _reach(hm, mp, rows, cols)).tocsr()
    if closure and target_class == "Condition":
        Y = (Y @ _ancestor_matrix(kg, hm, cols)).tocsr()
    Y.data[:] = 1.0
    Y.eliminate_zeros()
    return Y


def class_nodes(kg: KnowledgeGraph, name: str) -> np.ndarray:
    """Node codes of one concrete class, in code order."""
    if name not in kg.schema.classes:
        raise EvgraphError(f"unknown class '{name}' (known: {', '.join(sorted(kg.schema.classes))})")
    return np.flatnonzero(kg.node_class.astype(str) == name)


# ====================================================================== signs
def edge_signs(kg: KnowledgeGraph) -> np.ndarray:
    """Per-edge sign: +1/-1 for directed signed hops, 0 for a signed hop without direction, +1 otherwise."""
    pred = kg.edges["predicate"].astype(str).to_numpy()
    direction = kg.edges["direction"].astype(object).where(kg.edges["direction"].notna(), "").astype(str).to_numpy()
    sign = np.ones(kg.num_edges, dtype=np.float64)
    signed = np.isin(pred, list(SIGNED_PREDICATES))
    pos, neg = np.isin(direction, list(_POSITIVE)), np.isin(direction, list(_NEGATIVE))
    sign[signed] = 0.0
    sign[signed & pos] = 1.0
    sign[signed & neg] = -1.0
    # biomarker_for without a direction is neutral, not unknown
    sign[(pred == "biomarker_for") & ~pos & ~neg] = 1.0
    return sign


class SignedHetMat(HetMat):
    """A :class:`HetMat` whose hop weights carry the hop's sign, so DWPC becomes net-signed DWPC.

    Parallel edges between one node pair take the sign of their sum (mixed signs cancel to 0).
    """

    def __init__(self, kg: KnowledgeGraph, mask: np.ndarray | None = None):
        super().__init__(kg, mask)
        self.sign = edge_signs(kg)[self.edge_ids]
        self._signed: dict = {}

    def weights(self, mp: Metapath, i: int, damping: float) -> sp.csr_matrix:
        W = super().weights(mp, i, damping)
        key = (mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i], damping)
        if key not in self._signed:
            rel = mp.relations[i]
            sel = self.pred == self.pred_names.index(rel)
            s, o, g = self.src[sel], self.dst[sel], self.sign[sel]
            x, y = (o, s) if mp.reverse[i] else (s, o)
            if self.kg.schema.relations[rel].symmetric:
                x, y, g = np.concatenate([x, y]), np.concatenate([y, x]), np.concatenate([g, g])
            S = sp.csr_matrix((g, (x, y)), shape=(self.n, self.n))
            S.sum_duplicates()
            S.data = np.sign(S.data)
            Ws = W.multiply(S).tocsr()
            Ws.eliminate_zeros()
            self._signed[key] = Ws
        return self._signed[key]


# ====================================================================== features
@dataclass
class FeatureSet:
    """Feature matrices of every (source, target) pair of one class pair."""

    source_class: str
    target_class: str
    rows: np.ndarray                 # source node codes
    cols: np.ndarray                 # target node codes
    metapaths: list[Metapath]
    dwpc: np.ndarray                 # pairs x metapaths (raw DWPC), pair p = (p // len(cols), p % len(cols))
    signed: np.ndarray               # pairs x metapaths (raw net-signed DWPC)
    degree: np.ndarray               # pairs x 2 (log1p source, target degree)
    scale: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def matrix(self, kind: str = "full") -> np.ndarray:
        """Transformed features: ``full`` (DWPC + signed + degree), ``unsigned`` (DWPC + degree), ``degree``."""
        if kind == "degree":
            return self.degree
        d = np.arcsinh(self.dwpc / self.scale)
        if kind == "unsigned":
            return np.hstack([d, self.degree])
        if kind == "full":
            return np.hstack([d, np.arcsinh(self.signed / self.scale), self.degree])
        raise EvgraphError(f"unknown feature set '{kind}' (full, unsigned, degree)")

    def names(self, kind: str = "full") -> list[str]:
        deg = ["degree:source", "degree:target"]
        if kind == "degree":
            return deg
        d = [f"dwpc:{m.abbrev}" for m in self.metapaths]
        if kind == "unsigned":
            return d + deg
        return d + [f"signed:{m.abbrev}" for m in self.metapaths] + deg


def features(kg: KnowledgeGraph, source_class: str, target_class: str, *, max_length: int = 3,
             mask: np.ndarray | None = None, damping: float = DAMPING,
             metapaths: Sequence[Metapath | str] | None = None) -> FeatureSet:
    """DWPC, signed DWPC and degree features for every pair, label metaedges removed first.

    ``mask`` keeps a subset of edges (e.g. statements up to a year); features never see the
    label metaedges of :data:`LABELS`.
    """
    labels = label_metaedges(source_class, target_class)
    keep = np.ones(kg.num_edges, dtype=bool) if mask is None else mask.copy()
    keep &= ~_label_edge_mask(kg, labels)
    if metapaths is None:
        mps = [m for m in metapaths_between(source_class, target_class, max_length)
               if not _uses_metaedge(m, labels) and m.matrix_plan() is not None]
    else:
        mps = [m if isinstance(m, Metapath) else Metapath.parse(m) for m in metapaths]
    rows, cols = class_nodes(kg, source_class), class_nodes(kg, target_class)
    hm, shm = HetMat(kg, keep), SignedHetMat(kg, keep)
    n_pairs = len(rows) * len(cols)
    D, S, used = [], [], []
    for mp in mps:
        M = hm.dwpc(mp, damping, rows, cols)
        if M.nnz == 0:
            continue
        used.append(mp)
        D.append(np.asarray(M.toarray()).ravel())
        S.append(np.asarray(shm.dwpc(mp, damping, rows, cols).toarray()).ravel())
    dwpc = np.column_stack(D) if D else np.zeros((n_pairs, 0))
    signed = np.column_stack(S) if S else np.zeros((n_pairs, 0))
    deg = np.bincount(kg.src[keep], minlength=kg.num_nodes) + np.bincount(kg.dst[keep], minlength=kg.num_nodes)
    degree = np.column_stack([np.repeat(np.log1p(deg[rows]), len(cols)), np.tile(np.log1p(deg[cols]), len(rows))])
    scale = np.array([float(np.abs(c[c != 0]).mean()) if (c != 0).any() else 1.0 for c in dwpc.T])
    return FeatureSet(source_class, target_class, rows, cols, used, dwpc, signed, degree.astype(float), scale)


def _label_edge_mask(kg: KnowledgeGraph, labels: set) -> np.ndarray:
    cls = kg.node_class.astype(str)
    pred = kg.edges["predicate"].astype(str).to_numpy()
    out = np.zeros(kg.num_edges, dtype=bool)
    for rel, a, b, rev in labels:
        s_ok = np.isin(cls[kg.src], list(b if rev else a))
        o_ok = np.isin(cls[kg.dst], list(a if rev else b))
        out |= (pred == rel) & s_ok & o_ok
    return out


# ====================================================================== model
def _degree_matched_negatives(fs: FeatureSet, positives: np.ndarray, candidates: np.ndarray, ratio: int,
                              rng: np.random.Generator, bins: int = 4) -> np.ndarray:
    """Unobserved pair indices drawn per positive from its (source, target) degree-quantile bin."""
    def binned(values: np.ndarray) -> np.ndarray:
        edges = np.unique(np.quantile(values, np.linspace(0, 1, bins + 1)[1:-1]))
        return np.searchsorted(edges, values, side="right")
    sb, tb = binned(fs.degree[:, 0]), binned(fs.degree[:, 1])
    key = sb * (bins + 1) + tb
    pool: dict[int, np.ndarray] = {}
    cand_key = key[candidates]
    order = np.argsort(cand_key, kind="stable")
    sorted_keys = cand_key[order]
    for k in np.unique(key[positives]):
        lo, hi = np.searchsorted(sorted_keys, k, "left"), np.searchsorted(sorted_keys, k, "right")
        pool[int(k)] = candidates[order[lo:hi]]
    picked = []
    for p in positives:
        group = pool.get(int(key[p]))
        if group is None or len(group) == 0:
            group = candidates
        picked.append(rng.choice(group, size=min(ratio, len(group)), replace=False))
    return np.unique(np.concatenate(picked)) if picked else np.zeros(0, dtype=np.int64)


@dataclass
class Model:
    """A fitted link-prediction model of one class pair."""

    pipeline: object
    kind: str
    names: list[str]
    n_positive: int
    n_negative: int
    prevalence: float

    def logit(self, X: np.ndarray) -> np.ndarray:
        """Prior-corrected log-odds (sampled balance -> observed prevalence)."""
        raw = self.pipeline.decision_function(X)  # type: ignore[attr-defined]
        sampled = self.n_positive / max(self.n_negative, 1)
        prior = self.prevalence / max(1.0 - self.prevalence, 1e-12)
        return raw - np.log(sampled) + np.log(prior)

    def probability(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(X)))

    def contributions(self, X: np.ndarray) -> np.ndarray:
        """Per-feature terms of the logit (coefficient x standardised value)."""
        scaler, lr = self.pipeline.named_steps["scale"], self.pipeline.named_steps["lr"]  # type: ignore[attr-defined]
        return scaler.transform(X) * lr.coef_[0]


def fit(fs: FeatureSet, y: np.ndarray, *, kind: str = "full", train: np.ndarray | None = None,
        negative_ratio: int = 5, seed: int = 0) -> Model:
    """Fit the regularised logistic regression on observed pairs vs degree-matched negatives.

    ``y``: boolean per pair (observed); ``train``: pair indices allowed in training (default all).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    allowed = np.arange(len(y)) if train is None else np.asarray(train)
    pos = allowed[y[allowed]]
    if len(pos) < MIN_POSITIVES:
        raise EvgraphError(f"{fs.source_class} -> {fs.target_class}: {len(pos)} observed pairs; at least "
                           f"{MIN_POSITIVES} are needed to train a model")
    rng = np.random.default_rng(seed)
    neg = _degree_matched_negatives(fs, pos, allowed[~y[allowed]], negative_ratio, rng)
    idx = np.concatenate([pos, neg])
    X = fs.matrix(kind)[idx]
    target = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
    cv = StratifiedKFold(n_splits=int(min(5, len(pos) // 2)), shuffle=True, random_state=seed)

    def make(c: float) -> Pipeline:
        lr = LogisticRegression(C=c, solver="newton-cholesky", max_iter=1000)
        return Pipeline([("scale", StandardScaler()), ("lr", lr)])

    # regularisation strength: the best mean held-out log-loss over a fixed grid (ties: stronger)
    grid = np.logspace(-3, 2, 6)
    losses = [float(cross_val_score(make(c), X, target, cv=cv, scoring="neg_log_loss").mean()) for c in grid]
    pipe = make(float(grid[int(np.argmax(losses))]))
    pipe.fit(X, target)
    prevalence = float(y.sum()) / len(y)
    return Model(pipe, kind, fs.names(kind), len(pos), len(neg), prevalence)


# ====================================================================== predict
def predict(kg: KnowledgeGraph, source_classes: Sequence[str] | str = ("CellType", "Organ"),
            target_class: str = "Condition", *, target: str | None = None, max_length: int = 3,
            top: int | None = 100, include_observed: bool = False, supported_only: bool = True,
            explain: bool = True, negative_ratio: int = 5, seed: int = 0) -> pd.DataFrame:
    """Score every unobserved (source, target) pair of the class pairs; best first.

    Columns: ``source``, ``source_label``, ``source_class``, ``target``, ``target_label``,
    ``score`` (prior-corrected probability of a curated link), ``rank`` and ``percentile``
    (among the unobserved pairs of that class pair), ``sign``, ``top_paths`` (list of up to
    three ``{metapath, contribution, dwpc, signed_dwpc, paths: [{path, nodes, references}]}``),
    ``novel``, ``hypothesis`` (always true). ``target``: keep the rows of one target node.
    ``top``: rows per class pair (None = all). ``supported_only`` (default): list only pairs
    joined by at least one feature metapath (a score resting on degrees alone explains
    nothing); ranks and percentiles still count every unobserved pair.
    ``df.attrs["models"]`` describes each model.
    """
    if isinstance(source_classes, str):
        source_classes = [c.strip() for c in source_classes.split(",") if c.strip()]
    if target_class not in kg.schema.classes:
        raise EvgraphError(f"unknown class '{target_class}' (known: {', '.join(sorted(kg.schema.classes))})")
    for sc in source_classes:
        class_nodes(kg, sc)
        _label_metapaths(sc, target_class)
    t_code = kg.index_of(kg.resolve(target)) if target else None
    frames, models = [], {}
    for sc in source_classes:
        fs = features(kg, sc, target_class, max_length=max_length)
        if not fs.metapaths:
            raise EvgraphError(f"no metapath of up to {max_length} hops links {sc} to {target_class} in this graph")
        Y = observed_pairs(kg, sc, target_class)
        y = np.asarray(Y.toarray()).ravel() > 0
        model = fit(fs, y, negative_ratio=negative_ratio, seed=seed)
        X = fs.matrix("full")
        score = model.probability(X)
        unobs = np.flatnonzero(~y)
        order_unobs = unobs[np.lexsort((unobs, -score[unobs]))]
        rank = np.empty(len(y), dtype=np.int64)
        rank[order_unobs] = np.arange(1, len(order_unobs) + 1)
        pct = 100.0 * (1.0 - (rank - 1) / max(len(order_unobs), 1))
        chosen = order_unobs if not include_observed else np.concatenate([order_unobs, np.flatnonzero(y)])
        if supported_only:
            chosen = chosen[(fs.dwpc[chosen] > 0).any(axis=1)]
        if t_code is not None:
            tpos = np.flatnonzero(fs.cols == t_code)
            if len(tpos) == 0:
                raise EvgraphError(f"{target} is not a {target_class}")
            chosen = chosen[(chosen % len(fs.cols)) == tpos[0]]
        if top is not None:
            keep_obs = chosen[y[chosen]] if include_observed else chosen[:0]
            chosen = np.concatenate([chosen[~y[chosen]][:top], keep_obs])
        s_codes, t_codes = fs.rows[chosen // len(fs.cols)], fs.cols[chosen % len(fs.cols)]
        ids = kg.nodes["id"].to_numpy(dtype=object)
        labels = kg.nodes["label"].to_numpy(dtype=object)
        df = pd.DataFrame({
            "source": ids[s_codes], "source_label": labels[s_codes], "source_class": sc,
            "target": ids[t_codes], "target_label": labels[t_codes],
            "score": score[chosen], "rank": np.where(y[chosen], 0, rank[chosen]),
            "percentile": np.where(y[chosen], np.nan, pct[chosen]),
        })
        contrib = model.contributions(X[chosen])
        signs, tops = [], []
        for r, p in enumerate(chosen):
            s, tp = _explain(kg, fs, model, contrib[r], int(p), explain)
            signs.append(s)
            tops.append(tp)
        df["sign"] = signs
        df["top_paths"] = tops
        df["novel"] = ~y[chosen]
        df["hypothesis"] = True
        frames.append(df)
        models[sc] = {"source_class": sc, "target_class": target_class, "observed_pairs": int(y.sum()),
                      "unobserved_pairs": len(unobs), "negatives": model.n_negative,
                      "metapaths": [m.abbrev for m in fs.metapaths], "prevalence": model.prevalence}
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["novel", "score", "source", "target"], ascending=[False, False, True, True],
                          kind="stable").reset_index(drop=True)
    out.attrs["models"] = models
    return out


def _explain(kg: KnowledgeGraph, fs: FeatureSet, model: Model, contrib: np.ndarray, pair: int,
             with_paths: bool) -> tuple[str, list[dict]]:
    k = len(fs.metapaths)
    # a metapath's contribution: its DWPC term plus its signed term
    per_mp = contrib[:k] + contrib[k:2 * k]
    raw = fs.dwpc[pair]
    order = [j for j in np.argsort(-per_mp, kind="stable") if raw[j] > 0][:3]
    s_code, t_code = fs.rows[pair // len(fs.cols)], fs.cols[pair % len(fs.cols)]
    signed_sum = float(sum(fs.signed[pair, j] for j in order))
    unsigned_sum = float(sum(raw[j] for j in order))
    sign = "unknown"
    if unsigned_sum > 0:
        ratio = signed_sum / unsigned_sum
        sign = "increases" if ratio >= 1 / 3 else "decreases" if ratio <= -1 / 3 else "unknown"
    tops = []
    for j in order:
        mp = fs.metapaths[j]
        entry = {"metapath": mp.abbrev, "contribution": float(per_mp[j]), "dwpc": float(raw[j]),
                 "signed_dwpc": float(fs.signed[pair, j]), "paths": []}
        if with_paths:
            entry["paths"] = _example_paths(kg, mp, int(s_code), int(t_code))
        tops.append(entry)
    return sign, tops


def _example_paths(kg: KnowledgeGraph, mp: Metapath, s: int, t: int, k: int = 2) -> list[dict]:
    from .paths import paths as find_paths

    ids = kg.nodes["id"].to_numpy(dtype=object)
    try:
        df = find_paths(kg, str(ids[s]), str(ids[t]), [mp], k=k, max_length=len(mp))
    except EvgraphError:
        return []
    out = []
    for _, row in df.iterrows():
        refs = sorted({p for h in row["hops"] for p in (h.get("publications") or [])})
        rec = {"path": row["path"], "nodes": list(row["nodes"]), "references": refs}
        for key in ("sign", "coherence", "statements"):
            if key in row:
                rec[key] = row[key]
        out.append(rec)
    return out


# ====================================================================== evaluation
def _auc(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    if labels.all() or not labels.any():
        return float("nan"), float("nan")
    return float(roc_auc_score(labels, scores)), float(average_precision_score(labels, scores))


KINDS = ("full", "unsigned", "degree")


def evaluate(kg: KnowledgeGraph, source_class: str = "CellType", target_class: str = "Condition", *,
             folds: int = 5, split_year: int | None = None, max_length: int = 3, negative_ratio: int = 5,
             seed: int = 0) -> pd.DataFrame:
    """Held-out evaluation of the model beside its baselines (degree only; DWPC without signs).

    * ``cv``: k-fold over observed pairs; each fold's held-out pairs are ranked among all pairs
      not observed in training (features never see label edges, so a held-out link is hidden).
    * ``time``: features and labels from the statements published up to ``split_year`` (resource
      edges without a statement kept); the pairs first observed in later statements are ranked
      among the pairs unobserved up to then. Edges of later statements are removed from the
      feature graph (no test statement leaks into training features).

    Rows: ``evaluation``, ``model``, ``auroc``, ``auprc``, ``n_test_positive``, ``n_test``,
    ``median_rank`` (of held-out pairs among the test candidates); ``df.attrs["ranks"]``.
    """
    rows, ranks = [], []
    fs = features(kg, source_class, target_class, max_length=max_length)
    y = np.asarray(observed_pairs(kg, source_class, target_class).toarray()).ravel() > 0
    pos = np.flatnonzero(y)
    if len(pos) < MIN_POSITIVES:
        raise EvgraphError(f"{source_class} -> {target_class}: {len(pos)} observed pairs; at least "
                           f"{MIN_POSITIVES} are needed to evaluate")
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(len(pos)) % folds
    for kind in KINDS:
        all_scores, all_labels = [], []
        for f in range(folds):
            held = pos[fold_of == f]
            train_mask = np.ones(len(y), dtype=bool)
            train_mask[held] = False
            model = fit(fs, y & train_mask, kind=kind, train=np.flatnonzero(train_mask | ~y),
                        negative_ratio=negative_ratio, seed=seed + f)
            test = np.concatenate([held, np.flatnonzero(~y)])
            sc = model.logit(fs.matrix(kind)[test])
            lab = np.isin(test, held)
            all_scores.append(sc)
            all_labels.append(lab)
            if kind == "full":
                ranks.extend(_held_out_ranks(kg, fs, test, sc, lab, "cv"))
        s, lab = np.concatenate(all_scores), np.concatenate(all_labels)
        auroc, auprc = _auc(s, lab)
        rows.append({"evaluation": f"cv{folds}", "model": kind, "auroc": auroc, "auprc": auprc,
                     "n_test_positive": int(lab.sum()), "n_test": len(lab),
                     "median_rank": _median_rank(all_scores, all_labels)})
    years = statement_years(kg)
    if years is not None and len(years):
        yr = split_year if split_year is not None else int(np.quantile(years.to_numpy(), 0.75))
        rows.extend(_time_split(kg, source_class, target_class, yr, max_length, negative_ratio, seed, ranks))
    out = pd.DataFrame(rows)
    out.attrs["ranks"] = pd.DataFrame(ranks)
    return out


def _median_rank(scores: list[np.ndarray], labels: list[np.ndarray]) -> float:
    rk = []
    for s, lab in zip(scores, labels, strict=True):
        neg = np.sort(s[~lab])
        for v in s[lab]:
            rk.append(1 + len(neg) - np.searchsorted(neg, v, side="right"))
    return float(np.median(rk)) if rk else float("nan")


def _held_out_ranks(kg: KnowledgeGraph, fs: FeatureSet, test: np.ndarray, sc: np.ndarray, lab: np.ndarray,
                    evaluation: str) -> list[dict]:
    ids = kg.nodes["id"].to_numpy(dtype=object)
    neg = np.sort(sc[~lab])
    out = []
    for p, v in zip(test[lab], sc[lab], strict=True):
        out.append({"evaluation": evaluation, "source": ids[fs.rows[p // len(fs.cols)]],
                    "target": ids[fs.cols[p % len(fs.cols)]],
                    "rank": int(1 + len(neg) - np.searchsorted(neg, v, side="right")), "candidates": len(neg) + 1})
    return out


def statement_years(kg: KnowledgeGraph) -> pd.Series | None:
    """Publication year per statement id (from the ``publication_year`` edge or node field), or None."""
    for frame, key in ((kg.edges, "statement"), (kg.nodes, "statement")):
        if "publication_year" in frame.columns and key in frame.columns:
            df = frame[[key, "publication_year"]].dropna()
            df = df[df[key].astype(str) != ""]
            if len(df):
                yrs = pd.to_numeric(df["publication_year"], errors="coerce")
                return yrs.groupby(df[key].astype(str)).min().dropna().astype(int)
    if "publication_year" in kg.nodes.columns:
        ev = kg.nodes[kg.node_class.astype(str) == "EVPopulation"]
        yrs = pd.to_numeric(ev["publication_year"], errors="coerce")
        stmt = ev.get("statement", ev["id"].astype(str).str.rsplit(":", n=1).str[-1])
        s = pd.Series(yrs.to_numpy(), index=stmt.astype(str).to_numpy()).dropna()
        return s.astype(int) if len(s) else None
    return None


def time_split_mask(kg: KnowledgeGraph, split_year: int) -> np.ndarray:
    """Edges kept for training at ``split_year``: resource edges and statements published up to then."""
    years = statement_years(kg)
    if years is None:
        raise EvgraphError("the graph has no publication_year per statement; a time split needs it")
    stmt = kg.edges["statement"].astype(object).where(kg.edges["statement"].notna(), "").astype(str).to_numpy()
    late = set(years[years > split_year].index)
    return ~np.isin(stmt, list(late))


def _time_split(kg: KnowledgeGraph, sc: str, tc: str, year: int, max_length: int, negative_ratio: int,
                seed: int, ranks: list[dict]) -> list[dict]:
    mask = time_split_mask(kg, year)
    fs = features(kg, sc, tc, max_length=max_length, mask=mask)
    y_train = np.asarray(observed_pairs(kg, sc, tc, mask=mask).toarray()).ravel() > 0
    if not fs.metapaths:
        return []
    y_all = np.asarray(observed_pairs(kg, sc, tc).toarray()).ravel() > 0
    new = y_all & ~y_train
    rows = []
    test = np.flatnonzero(~y_train)
    for kind in KINDS:
        try:
            model = fit(fs, y_train, kind=kind, negative_ratio=negative_ratio, seed=seed)
        except EvgraphError as exc:
            return [{"evaluation": f"time<={year}", "model": kind, "auroc": np.nan, "auprc": np.nan,
                     "n_test_positive": int(new.sum()), "n_test": len(test), "median_rank": np.nan,
                     "note": str(exc)}]
        sc_ = model.logit(fs.matrix(kind)[test])
        lab = new[test]
        auroc, auprc = _auc(sc_, lab)
        rows.append({"evaluation": f"time<={year}", "model": kind, "auroc": auroc, "auprc": auprc,
                     "n_test_positive": int(lab.sum()), "n_test": len(lab), "median_rank": _median_rank([sc_], [lab])})
        if kind == "full":
            ranks.extend(_held_out_ranks(kg, fs, test, sc_, lab, f"time<={year}"))
    return rows
