"""Tissue of origin: which organs and cell types could have released a set of circulating cargo?

Two kinds of evidence, each tested separately for every candidate organ or cell type ``X``:

* ``expression``: the genes the graph says are specifically expressed in ``X`` or mark it
  (``expressed_in`` from HPA/GTEx/Bgee/TISSUES, ``marker_of`` from CellMarker/PanglaoDB; for an
  organ, also those of its cell types through ``part_of``);
* ``ev_release``: the cargo detected in EV populations that ``X`` releases (``releases`` ->
  ``carries``: curated statements, Vesiclepedia/ExoCarta cell-of-origin detections).

For each, a one-sided hypergeometric test of the overlap between the cargo set and ``X``'s
genes, against the universe of cargo that the evidence covers for any candidate (null: the
cargo set is a random draw from that universe); p-values are Benjamini-Hochberg adjusted over
the candidates of one evidence kind (``q_expression``, ``q_ev_release``). Candidates are ranked
by the smaller q, then the larger overlap; ``drivers`` name the cargo in the overlap. A high
rank is a lead on where a cargo *could* come from, not proof that it did.

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

CANDIDATE_CLASSES: tuple[str, ...] = ("Organ", "CellType")
EXPRESSION_RELATIONS: tuple[str, ...] = ("expressed_in", "marker_of")


def _bh(p: np.ndarray) -> np.ndarray:
    from scipy.stats import false_discovery_control

    out = np.full(len(p), np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = false_discovery_control(p[ok], method="bh")
    return out


def _membership(kg: KnowledgeGraph, candidates: np.ndarray) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """``(expression, ev_release)`` boolean matrices candidates x nodes."""
    n = kg.num_nodes
    pred = kg.edges["predicate"].astype(str).to_numpy()
    pos = np.full(n, -1, dtype=np.int64)
    pos[candidates] = np.arange(len(candidates))
    k = len(candidates)
    # expression: gene -expressed_in/marker_of-> candidate (organs also via their cell types)
    sel = np.isin(pred, EXPRESSION_RELATIONS)
    g, c = kg.src[sel], pos[kg.dst[sel]]
    ok = c >= 0
    expr = sp.csr_matrix((np.ones(int(ok.sum())), (c[ok], g[ok])), shape=(k, n))
    part = pred == "part_of"
    ps, po = pos[kg.src[part]], pos[kg.dst[part]]
    okp = (ps >= 0) & (po >= 0)
    if okp.any():
        up = sp.csr_matrix((np.ones(int(okp.sum())), (po[okp], ps[okp])), shape=(k, k))
        expr = expr + up @ expr
    # ev_release: candidate -releases-> EV -carries-> cargo
    rel = pred == "releases"
    rs, re_ = pos[kg.src[rel]], kg.dst[rel]
    okr = rs >= 0
    R = sp.csr_matrix((np.ones(int(okr.sum())), (rs[okr], re_[okr])), shape=(k, n))
    car = pred == "carries"
    C = sp.csr_matrix((np.ones(int(car.sum())), (kg.src[car], kg.dst[car])), shape=(n, n))
    ev = (R @ C).tocsr()
    if okp.any():
        ev = ev + up @ ev
    for M in (expr, ev):
        M.data[:] = 1.0
    return expr.tocsr(), ev.tocsr()


def tissue_of_origin(kg: KnowledgeGraph, cargo: Sequence[str], *, classes: Sequence[str] = CANDIDATE_CLASSES,
                     top: int | None = None) -> pd.DataFrame:
    """Rank organs and cell types by how specifically they express or release ``cargo`` (node ids).

    Columns: ``rank``, ``node``, ``label``, ``class``, ``overlap_expression``, ``set_expression``
    (the candidate's genes), ``p_expression``, ``q_expression``, the same three for
    ``ev_release``, ``drivers`` (cargo labels in either overlap). ``df.attrs`` gives each
    universe's size and how many cargo it covers.
    """
    index = {v: i for i, v in enumerate(kg.nodes["id"].to_numpy(dtype=object))}
    want = np.unique(np.array([index[c] for c in cargo if c in index], dtype=np.int64))
    if len(want) == 0:
        raise EvgraphError("no cargo of the set is a node of the graph")
    cls = kg.node_class.astype(str)
    candidates = np.flatnonzero(np.isin(cls, list(classes)))
    expr, ev = _membership(kg, candidates)
    from scipy.stats import hypergeom

    frames = {}
    attrs = {}
    for name, M in (("expression", expr), ("ev_release", ev)):
        universe = np.flatnonzero(np.asarray(M.sum(axis=0)).ravel() > 0)
        drawn = np.intersect1d(want, universe)
        sizes = np.asarray(M.sum(axis=1)).ravel()
        hits = np.asarray(M[:, drawn].sum(axis=1)).ravel() if len(drawn) else np.zeros(len(candidates))
        if len(drawn) and len(universe):
            p = hypergeom.sf(hits - 1, len(universe), sizes, len(drawn))
            p = np.where(sizes > 0, p, np.nan)
        else:
            p = np.full(len(candidates), np.nan)
        frames[name] = (hits.astype(int), sizes.astype(int), p, _bh(p), M[:, drawn] if len(drawn) else None, drawn)
        attrs[name] = {"universe": len(universe), "cargo_covered": len(drawn)}
    if all(v["cargo_covered"] == 0 for v in attrs.values()):
        raise EvgraphError("none of the cargo is covered by tissue expression, cell markers or EV-release "
                           "detections in this graph (build it with tissue_expression, cell_markers or vesiclepedia)")
    labels = kg.nodes["label"].to_numpy(dtype=object)
    ids = kg.nodes["id"].to_numpy(dtype=object)
    out = pd.DataFrame({"node": ids[candidates], "label": labels[candidates], "class": cls[candidates]})
    drivers: list[set[str]] = [set() for _ in candidates]
    for name, (hits, sizes, p, q, sub, drawn) in frames.items():
        out[f"overlap_{name}"] = hits
        out[f"set_{name}"] = sizes
        out[f"p_{name}"] = p
        out[f"q_{name}"] = q
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
    if top:
        out = out.head(top)
    out.attrs.update(attrs)
    return out
