"""Robustness: how cross-category connectivity changes when the top hubs are removed.

For each ``k``, the top-``k`` hubs by a measure (Condition nodes excluded, so the pairs being
measured stay) are removed from the graph, and so are ``k`` random nodes (``trials`` times,
seeded, from the same candidate pool). Reported for each scenario:

* ``reachable_pairs``: ordered pairs of conditions in *different* categories still joined by
  some path in the undirected biology view (connected components, scipy.sparse.csgraph);
* ``connecting_paths``: number of cross-category condition-to-condition paths of the crosstalk
  metapaths (path count = DWPC with damping 0);
* ``dwpc``: summed cross-category DWPC of those metapaths.

>>> import evgraph
>>> from evgraph.analytics import robustness
>>> kg = evgraph.load()
>>> df = robustness(kg, ks=[1, 3], measure="degree", trials=2)
>>> list(df["scenario"].unique())
['baseline', 'hubs', 'random']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components

from ..errors import EvgraphError
from ..model import KnowledgeGraph
from ._common import DEFAULT_EXCLUDE_CLASSES, progress, view
from .centrality import MEASURES, hubs
from .hetmat import HetMat, hetmat
from .metagraph import CROSSTALK_METAPATHS, DAMPING, Metapath, as_metapath


def _cross_pairs(labels: np.ndarray, cond_local: np.ndarray, cats: np.ndarray, alive: np.ndarray) -> int:
    comp = labels[cond_local[alive]]
    cc = cats[alive]
    if len(comp) == 0:
        return 0
    frame = pd.DataFrame({"comp": comp, "cat": cc})
    per = frame.groupby(["comp", "cat"]).size()
    tot = per.groupby(level=0).sum()
    return int((tot**2).sum() - (per**2).sum())


def _path_scores(hm: HetMat, mps: list[Metapath], cond: np.ndarray, cats: np.ndarray) -> tuple[float, float]:
    count = 0.0
    total = 0.0
    diff = cats[:, None] != cats[None, :]
    for mp in mps:
        for damping, acc in ((0.0, "count"), (DAMPING, "dwpc")):
            M = hm.dwpc(mp, damping)[cond][:, cond].toarray()
            val = float(M[diff].sum())
            if acc == "count":
                count += val
            else:
                total += val
    return count, total


def robustness(kg: KnowledgeGraph, ks: Sequence[int] = (1, 5, 10, 20), *, measure: str = "pagerank",
               trials: int = 10, seed: int = 0, metapaths: Sequence[Metapath | str] = CROSSTALK_METAPATHS,
               exclude_classes: Sequence[str] = DEFAULT_EXCLUDE_CLASSES,
               show_progress: bool | None = None) -> pd.DataFrame:
    """Connectivity after removing the top-``k`` hubs by ``measure`` versus ``k`` random nodes.

    Columns: ``scenario`` (baseline, hubs, random), ``k``, ``trials``, ``reachable_pairs``,
    ``connecting_paths``, ``dwpc`` (means over trials for random), their fractions of the
    baseline (``*_fraction``) and ``removed`` (the hub ids, for the hub scenario).
    """
    if measure not in MEASURES:
        raise EvgraphError(f"unknown measure '{measure}'")
    mps = [as_metapath(m) for m in metapaths]
    v = view(kg, exclude_classes)
    cls = kg.node_class.astype(str)
    cond = np.flatnonzero((cls == "Condition") & v.keep)
    cats = kg.nodes["condition_category"].to_numpy(dtype=object).astype(str)[cond]
    cond_local = v.local[cond]
    ranking = hubs(kg, [measure], exclude_classes=exclude_classes, seed=seed, show_progress=show_progress)
    ranking = ranking[ranking["class"] != "Condition"]
    order = kg.node_index.get_indexer(ranking["id"])
    pool = np.flatnonzero(v.keep & (cls != "Condition"))
    base_hm = hetmat(kg)
    alive_all = np.ones(len(cond), dtype=bool)

    def evaluate(removed: np.ndarray) -> tuple[int, float, float]:
        A = v.remove(v.local[removed]) if len(removed) else v.A
        _, labels = connected_components(A, directed=False)
        reach = _cross_pairs(labels, cond_local, cats, alive_all)
        if len(removed):
            node_ok = np.ones(kg.num_nodes, dtype=bool)
            node_ok[removed] = False
            mask = node_ok[kg.src] & node_ok[kg.dst]
            hm = HetMat(kg, mask)
        else:
            hm = base_hm
        count, total = _path_scores(hm, mps, cond, cats)
        return reach, count, total

    base = evaluate(np.zeros(0, dtype=np.int64))
    rows = [{"scenario": "baseline", "k": 0, "trials": 1, "reachable_pairs": base[0], "connecting_paths": base[1],
             "dwpc": base[2], "removed": ""}]
    rng = np.random.default_rng(seed)
    ids = kg.nodes["id"].to_numpy(dtype=object)
    for k in progress(list(ks), desc="robustness", enabled=show_progress):
        top = order[:k]
        r = evaluate(top)
        rows.append({"scenario": "hubs", "k": k, "trials": 1, "reachable_pairs": r[0], "connecting_paths": r[1],
                     "dwpc": r[2], "removed": "|".join(ids[top])})
        res = np.array([evaluate(rng.choice(pool, size=min(k, len(pool)), replace=False)) for _ in range(trials)])
        rows.append({"scenario": "random", "k": k, "trials": trials, "reachable_pairs": float(res[:, 0].mean()),
                     "connecting_paths": float(res[:, 1].mean()), "dwpc": float(res[:, 2].mean()), "removed": ""})
    df = pd.DataFrame(rows)
    for col in ("reachable_pairs", "connecting_paths", "dwpc"):
        b = df.loc[0, col]
        df[f"{col}_fraction"] = df[col] / b if b else np.nan
    df = df.sort_values(["k", "scenario"], kind="stable").reset_index(drop=True)
    return df[["scenario", "k", "trials", "reachable_pairs", "reachable_pairs_fraction", "connecting_paths",
               "connecting_paths_fraction", "dwpc", "dwpc_fraction", "removed"]]
