"""Tissue of origin: which organs and cell types could have released a set of circulating cargo?

Two kinds of evidence, each tested separately for every candidate organ or cell type ``X``:

* ``expression``: the genes the graph says are specifically expressed in ``X`` or mark it
  (``expressed_in`` from HPA/GTEx/Bgee/TISSUES, ``marker_of`` from CellMarker/PanglaoDB; for an
  organ, also those of its cell types through ``part_of``);
* ``ev_release``: the cargo detected in EV populations that ``X`` releases (``releases`` ->
  ``carries``: curated statements, Vesiclepedia/ExoCarta cell-of-origin detections).

``expression`` is a one-sided hypergeometric test of the overlap between the cargo set and
``X``'s genes. Null (:data:`NULL_EXPRESSION`): the cargo set is a random draw, of its size, from
the genes the expression evidence covers for any candidate.

``ev_release`` is corrected for profiling frequency. Sources are not profiled equally (with
Vesiclepedia, breast, lung and colon EVs have 161-216 experiments each, the median profiled organ
5 or 6), and a cargo detected in many experiments (a ubiquitous EV miRNA or protein) sits in the release set of
every much-profiled source; a circulating cargo set tends to be rich in such cargo, so a plain
hypergeometric test names the most-profiled sources whatever the set. The test is therefore
*stratified by detection frequency*: every cargo of the universe gets its detection count (the
number of candidate-released EV populations that carry it), and the universe is cut into strata
of cargo of one kind (gene, miRNA, lipid, ...: sources are profiled for one kind at a time) with
the same count, neighbouring counts merged until a stratum holds ``min_stratum`` cargo
(:func:`detection_strata`). The null (:data:`NULL_EV_RELEASE`) is that the cargo set is a random
draw from the universe *with the set's own number of cargo in each stratum*. The overlap with
``X`` is then a sum of independent hypergeometric variables, one per stratum, and its upper tail
is computed exactly by convolving their distributions (:func:`stratified_hypergeom_sf`).
``expected_ev_release`` is the overlap that null expects. ``min_stratum=0`` (one stratum) is the
plain, uncorrected hypergeometric test. A set made only of the most often detected cargo fills
its strata and so carries (correctly) almost no information on its origin.

p-values are Benjamini-Hochberg adjusted over the candidates of one evidence kind
(``q_expression``, ``q_ev_release``); candidates whose set is empty are not tested. Candidates
are ranked by the smaller q, then the larger overlap; ``drivers`` name the cargo in the overlap.
A high rank is a lead on where a cargo *could* come from, not proof that it did; a q above 0.05
is reported as it is (not significant), never dropped.

>>> import evgraph
>>> kg = evgraph.load()
>>> ev_cargo = kg.edges.loc[kg.edges["predicate"] == "carries", "object"].astype(str).unique()[:5]
>>> df = tissue_of_origin(kg, list(ev_cargo))
>>> {"node", "label", "class", "q_ev_release", "drivers"} <= set(df.columns)
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import EvgraphError
from ..model import KnowledgeGraph
from .overlay import relation_mask

CANDIDATE_CLASSES: tuple[str, ...] = ("Organ", "CellType")
EXPRESSION_RELATIONS: tuple[str, ...] = ("expressed_in", "marker_of")
#: Smallest stratum of the EV-release null (cargo of one kind with the same or neighbouring detection counts).
MIN_STRATUM = 20
NULL_EXPRESSION = ("one-sided hypergeometric; null: the cargo set is a random draw, of its size, from the genes "
                   "the expression/marker evidence covers for any candidate")
NULL_EV_RELEASE = ("one-sided hypergeometric stratified by detection frequency; null: the cargo set is a random "
                   "draw from the cargo detected in any candidate's EVs that keeps the set's number of cargo in each "
                   "of {strata} strata (cargo of one kind with the same detection count, the number of profiled EV "
                   "populations carrying it, neighbouring counts merged to at least {min_size} cargo), so sources "
                   "whose EVs were profiled more often do not win by their number of detections")


#: The two nulls in one sentence, for pages and reports.
NULL_SUMMARY = ("Specific expression/markers: one-sided hypergeometric test, null: the cargo set is a random draw "
                "from the genes that evidence covers. EV-release detections: the same test stratified by detection "
                "frequency, null: a random draw from the cargo detected in any source's EVs that keeps the set's "
                "number of cargo of each kind and detection count, so sources whose EVs were profiled more often "
                "do not win by their number of detections. q: Benjamini-Hochberg over the candidates of each test; "
                "q > 0.05 is not significant. A lead, not proof of origin.")


def stratified_hypergeom_sf(hits: np.ndarray, K: np.ndarray, N: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``P(X >= hits[i])`` for ``X = sum_b X_b`` with independent ``X_b ~ Hypergeom(N[b], K[i, b], n[b])``.

    ``N[b]``: universe size of stratum ``b``; ``K[i, b]``: members of candidate ``i`` in it;
    ``n[b]``: cargo drawn from it. Exact: the per-stratum distributions are convolved and the
    upper tail summed (no ``1 - cdf`` cancellation). One stratum is the plain hypergeometric tail:

    >>> from scipy.stats import hypergeom
    >>> p = stratified_hypergeom_sf(np.array([3]), np.array([[10]]), np.array([50]), np.array([8]))
    >>> bool(np.isclose(p[0], hypergeom.sf(2, 50, 10, 8)))
    True
    """
    from scipy.stats import hypergeom

    hits = np.asarray(hits, dtype=np.int64)
    K = np.asarray(K, dtype=np.int64).reshape(len(hits), -1)
    out = np.ones(len(hits))
    todo = np.flatnonzero(hits > 0)
    if not len(todo):
        return out
    pmfs = [hypergeom.pmf(np.arange(n[b] + 1)[None, :], N[b], K[todo, b][:, None], n[b])
            for b in range(K.shape[1]) if n[b] > 0]
    for j, i in enumerate(todo):
        dist = np.ones(1)
        for pm in pmfs:
            dist = np.convolve(dist, pm[j])
        out[i] = float(dist[hits[i]:].sum()) if hits[i] < len(dist) else 0.0
    return np.clip(out, 0.0, 1.0)


def detection_strata(counts: np.ndarray, kinds: np.ndarray | None = None, min_size: int = MIN_STRATUM) -> np.ndarray:
    """Stratum (0, 1, ...) of each cargo: same kind (node class) and same detection count, with
    neighbouring counts of a kind merged (from the lowest up) until a stratum holds at least
    ``min_size`` cargo; a short remainder at the top joins the stratum below it.
    ``min_size=0`` puts every cargo in one stratum (the plain hypergeometric test).

    >>> detection_strata(np.array([1, 1, 1, 1, 2, 3, 8, 20]), min_size=2).tolist()
    [0, 0, 0, 0, 1, 1, 2, 2]
    >>> detection_strata(np.array([1, 1, 5, 5]), np.array(["Gene", "Gene", "MicroRNA", "MicroRNA"]), 1).tolist()
    [0, 0, 1, 1]
    """
    counts = np.asarray(counts, dtype=np.int64)
    out = np.zeros(len(counts), dtype=np.int64)
    if min_size <= 0 or not len(counts):
        return out
    kinds = np.zeros(len(counts), dtype=object) if kinds is None else np.asarray(kinds, dtype=object)
    next_id = 0
    for kind in sorted({str(k) for k in kinds}):
        members = np.flatnonzero(kinds.astype(str) == kind)
        values, sizes = np.unique(counts[members], return_counts=True)
        group = np.zeros(len(values), dtype=np.int64)
        g, filled = 0, 0
        for i, size in enumerate(sizes):
            if filled >= min_size:
                g, filled = g + 1, 0
            group[i] = g
            filled += int(size)
        if filled < min_size and g > 0:  # a short top stratum joins the one below
            group[group == g] = g - 1
        out[members] = next_id + group[np.searchsorted(values, counts[members])]
        next_id += int(group.max()) + 1
    return out


def _bh(p: np.ndarray) -> np.ndarray:
    from scipy.stats import false_discovery_control

    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = false_discovery_control(p[ok], method="bh")
    return out


def _membership(kg: KnowledgeGraph, candidates: np.ndarray) -> tuple[sp.csr_matrix, sp.csr_matrix, np.ndarray]:
    """``(expression, ev_release, detections)``: boolean matrices candidates x nodes, and per node
    the number of candidate-released EV populations that carry it."""
    n = kg.num_nodes
    src, dst = kg.src, kg.dst
    pos = np.full(n, -1, dtype=np.int64)
    pos[candidates] = np.arange(len(candidates))
    k = len(candidates)
    # expression: gene -expressed_in/marker_of-> candidate (organs also via their cell types)
    sel = relation_mask(kg, EXPRESSION_RELATIONS)
    g, c = src[sel], pos[dst[sel]]
    ok = c >= 0
    expr = sp.csr_matrix((np.ones(int(ok.sum())), (c[ok], g[ok])), shape=(k, n))
    part = relation_mask(kg, ["part_of"])
    ps, po = pos[src[part]], pos[dst[part]]
    okp = (ps >= 0) & (po >= 0)
    if okp.any():
        up = sp.csr_matrix((np.ones(int(okp.sum())), (po[okp], ps[okp])), shape=(k, k))
        expr = expr + up @ expr
    # ev_release: candidate -releases-> EV -carries-> cargo
    rel = relation_mask(kg, ["releases"])
    rs, re_ = pos[src[rel]], dst[rel]
    okr = rs >= 0
    R = sp.csr_matrix((np.ones(int(okr.sum())), (rs[okr], re_[okr])), shape=(k, n))
    car = relation_mask(kg, ["carries"])
    C = sp.csr_matrix((np.ones(int(car.sum())), (src[car], dst[car])), shape=(n, n))
    C.data[:] = 1.0  # an EV population carrying a cargo twice (two rows) is one detection
    released = np.zeros(n, dtype=bool)
    released[re_[okr]] = True
    detections = np.asarray(C[np.flatnonzero(released)].sum(axis=0)).ravel()
    ev = (R @ C).tocsr()
    if okp.any():
        ev = ev + up @ ev
    for M in (expr, ev):
        M.data[:] = 1.0
    return expr.tocsr(), ev.tocsr(), detections


def _top_study(kg: KnowledgeGraph, candidates: np.ndarray, drawn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate, the study (``described_in`` publication of its EV populations; an EV population
    without one is its own study) that alone accounts for most of its EV-release overlap with
    ``drawn``, and how many of the overlapping cargo that one study detected (organs also through
    their cell types, as in the test). A large share means one profile drives the row."""
    k = len(candidates)
    top = np.full(k, "", dtype=object)
    count = np.zeros(k, dtype=np.int64)
    if not len(drawn):
        return top, count
    src, dst = kg.src, kg.dst
    pos = np.full(kg.num_nodes, -1, dtype=np.int64)
    pos[candidates] = np.arange(k)
    rel = relation_mask(kg, ["releases"])
    ce = pd.DataFrame({"c": pos[src[rel]], "e": dst[rel]})
    ce = ce[ce["c"] >= 0]
    part = relation_mask(kg, ["part_of"])
    pc = pd.DataFrame({"child": pos[src[part]], "parent": pos[dst[part]]})
    pc = pc[(pc["child"] >= 0) & (pc["parent"] >= 0)]
    up = ce.merge(pc, left_on="c", right_on="child")[["parent", "e"]].rename(columns={"parent": "c"})
    ce = pd.concat([ce, up], ignore_index=True)
    car = np.flatnonzero(relation_mask(kg, ["carries"]))
    car = car[np.isin(dst[car], drawn) & np.isin(src[car], ce["e"].to_numpy())]
    ex = pd.DataFrame({"e": src[car], "x": dst[car]})
    di = relation_mask(kg, ["described_in"])
    es = pd.DataFrame({"e": src[di], "s": dst[di]})
    alone = np.setdiff1d(ex["e"].to_numpy(), es["e"].to_numpy())
    es = pd.concat([es, pd.DataFrame({"e": alone, "s": alone})], ignore_index=True)
    t = ce.merge(ex, on="e").merge(es, on="e")[["c", "s", "x"]].drop_duplicates()
    if not len(t):
        return top, count
    n = t.groupby(["c", "s"]).size().reset_index(name="n")
    ids = kg.node_column("id").to_numpy(dtype=object)
    n["sid"] = ids[n["s"].to_numpy()]
    best = n.sort_values(["c", "n", "sid"], ascending=[True, False, True], kind="stable").drop_duplicates("c")
    top[best["c"].to_numpy()] = best["sid"].to_numpy()
    count[best["c"].to_numpy()] = best["n"].to_numpy()
    return top, count


def tissue_of_origin(kg: KnowledgeGraph, cargo: Sequence[str], *, classes: Sequence[str] = CANDIDATE_CLASSES,
                     top: int | None = None, min_stratum: int = MIN_STRATUM) -> pd.DataFrame:
    """Rank organs and cell types by how specifically they express or release ``cargo`` (node ids).

    Columns: ``rank``, ``node``, ``label``, ``class``, ``overlap_expression``, ``set_expression``
    (the candidate's genes), ``p_expression``, ``q_expression``, the same for ``ev_release`` plus
    ``expected_ev_release`` (the overlap the stratified null expects), ``top_study`` and
    ``top_study_overlap`` (the one study whose EV profiles alone detected most of the EV-release
    overlap, and how many of it: when it is nearly all, one profile drives the row), ``drivers``
    (cargo labels in either overlap). ``df.attrs``: per evidence kind its ``universe`` size, ``cargo_covered``
    and ``null`` (the null hypothesis, in words); ``ev_release`` also ``strata`` (how many);
    ``significant``: how many candidates reach q < 0.05 in either test (counted before ``top``).
    ``min_stratum=0`` gives the plain, uncorrected hypergeometric EV-release test.
    """
    ids = kg.node_column("id").to_numpy(dtype=object)
    index = {v: i for i, v in enumerate(ids)}
    want = np.unique(np.array([index[c] for c in cargo if c in index], dtype=np.int64))
    if len(want) == 0:
        raise EvgraphError("no cargo of the set is a node of the graph")
    cls = kg.node_class
    candidates = np.flatnonzero(np.isin(cls, list(classes)))
    expr, ev, detections = _membership(kg, candidates)

    frames = {}
    attrs: dict[str, dict] = {}
    for name, M in (("expression", expr), ("ev_release", ev)):
        universe = np.flatnonzero(np.asarray(M.sum(axis=0)).ravel() > 0)
        drawn = np.intersect1d(want, universe)
        sizes = np.asarray(M.sum(axis=1)).ravel()
        sub = M[:, drawn] if len(drawn) else None
        hits = np.asarray(sub.sum(axis=1)).ravel().astype(np.int64) if sub is not None \
            else np.zeros(len(candidates), dtype=np.int64)
        if name == "ev_release":
            stratum = detection_strata(detections[universe], cls[universe], min_stratum)
            n_bins = int(stratum.max()) + 1 if len(stratum) else 1
            bin_of = np.zeros(kg.num_nodes, dtype=np.int64)
            bin_of[universe] = stratum
            N_b = np.bincount(stratum, minlength=n_bins)
            n_b = np.bincount(bin_of[drawn], minlength=n_bins)
            # candidate members per stratum: M restricted to the universe, summed by bin
            B = sp.csr_matrix((np.ones(len(universe)), (universe, stratum)), shape=(kg.num_nodes, n_bins))
            K_b = np.asarray((M @ B).todense()).astype(np.int64)
            expected = (K_b * (n_b / np.maximum(N_b, 1))).sum(axis=1)
            attrs[name] = {"universe": len(universe), "cargo_covered": len(drawn), "strata": n_bins,
                           "null": NULL_EV_RELEASE.format(strata=n_bins, min_size=min_stratum)}
        else:
            attrs[name] = {"universe": len(universe), "cargo_covered": len(drawn), "null": NULL_EXPRESSION}
        if len(drawn) and len(universe):
            if name == "ev_release":
                p = stratified_hypergeom_sf(hits, K_b, N_b, n_b)
            else:
                from scipy.stats import hypergeom

                p = hypergeom.sf(hits - 1, len(universe), sizes, len(drawn))
            p = np.where(sizes > 0, p, np.nan)
        else:
            p = np.full(len(candidates), np.nan)
        frames[name] = (hits, sizes.astype(int), p, _bh(p), sub, drawn)
        if name == "ev_release":
            frames[name] += (expected, *_top_study(kg, candidates, drawn))
    if all(v["cargo_covered"] == 0 for v in attrs.values()):
        raise EvgraphError("none of the cargo is covered by tissue expression, cell markers or EV-release "
                           "detections in this graph (build it with tissue_expression, cell_markers or vesiclepedia)")
    labels = kg.node_column("label").to_numpy(dtype=object)
    out = pd.DataFrame({"node": ids[candidates], "label": labels[candidates], "class": cls[candidates]})
    drivers: list[set[str]] = [set() for _ in candidates]
    for name, (hits, sizes, p, q, sub, drawn, *rest) in frames.items():
        out[f"overlap_{name}"] = hits
        out[f"set_{name}"] = sizes
        if rest:
            out[f"expected_{name}"] = np.round(rest[0], 3)
        out[f"p_{name}"] = p
        out[f"q_{name}"] = q
        if rest:
            out["top_study"] = rest[1]
            out["top_study_overlap"] = rest[2]
        if sub is not None:
            coo = sub.tocoo()
            for r, c in zip(coo.row, coo.col, strict=True):
                drivers[r].add(str(labels[drawn[c]]))
    out["drivers"] = [sorted(d) for d in drivers]
    best_q = np.fmin(out["q_expression"].to_numpy(dtype=float), out["q_ev_release"].to_numpy(dtype=float))
    out["best_q"] = best_q
    overlap = out["overlap_expression"] + out["overlap_ev_release"]
    out = out[overlap > 0].copy()
    out["_overlap"] = overlap[overlap > 0]
    out = out.sort_values(["best_q", "_overlap", "node"], ascending=[True, False, True], kind="stable",
                          na_position="last").drop(columns="_overlap").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    significant = int((out["best_q"] < 0.05).sum())
    if top:
        out = out.head(top)
    out.attrs.update(attrs)
    out.attrs["significant"] = significant  # candidates with q < 0.05 in either test, before ``top``
    return out
