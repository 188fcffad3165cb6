"""Propagation by diffusion: random walk with restart (personalized PageRank) from seed nodes.

The walk runs on the undirected simple biology view (see :mod:`evgraph.analytics.centrality`);
at each step it restarts at the seeds with probability ``restart`` (PageRank damping
``alpha = 1 - restart``), so a node's score is the stationary probability of finding the
walker there: how strongly the seeds reach it. Kernel: the same scipy.sparse power iteration as
PageRank, with the seeds as personalization (equal to ``networkx.pagerank(G,
personalization=...)``).

>>> import evgraph
>>> from evgraph.analytics import propagate
>>> kg = evgraph.load()
>>> df = propagate(kg, ["obesity disorder"], classes=["Condition"])
>>> bool(df["score"].is_monotonic_decreasing) and "MONDO:0011122" not in set(df["id"])
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import EvgraphError
from ..model import KnowledgeGraph
from ._common import DEFAULT_EXCLUDE_CLASSES, class_groups, expand_classes, node_frame, ranked, resolve_nodes, view
from .centrality import pagerank_vector


def propagate(kg: KnowledgeGraph, seeds: Sequence[str], *, restart: float = 0.15,
              weights: Sequence[float] | None = None, classes: Sequence[str] | None = None,
              include_seeds: bool = False, exclude_classes: Sequence[str] = DEFAULT_EXCLUDE_CLASSES,
              tol: float = 1e-10) -> pd.DataFrame:
    """Rank the nodes the seeds reach by random walk with restart.

    ``seeds``: CURIEs or unambiguous labels (optionally ``weights``). Columns: ``id``,
    ``label``, ``class``, ``group``, ``score`` (sums to 1 over all nodes), ``rank`` and
    ``class_rank`` (within ``group``, ``Cargo`` for all cargo). ``classes`` keeps only some
    classes in the output; seeds are left out unless ``include_seeds``.
    """
    if not seeds:
        raise EvgraphError("give at least one seed node")
    if not 0 < restart < 1:
        raise EvgraphError("restart must be between 0 and 1")
    v = view(kg, exclude_classes)
    codes = resolve_nodes(kg, seeds)
    local = v.local[codes]
    if (local < 0).any():
        bad = [s for s, x in zip(seeds, local, strict=True) if x < 0]
        raise EvgraphError(f"seed(s) {', '.join(bad)} are of an excluded class")
    p = np.zeros(v.n)
    w = np.ones(len(local)) if weights is None else np.asarray(weights, dtype=np.float64)
    np.add.at(p, local, w)
    score = pagerank_vector(v.A, alpha=1.0 - restart, personalization=p, tol=tol)
    df = node_frame(kg, v.codes)
    df.insert(3, "group", class_groups(kg)[v.codes])
    df["score"] = score
    if not include_seeds:
        keep = np.ones(v.n, dtype=bool)
        keep[local] = False
        df = df[keep]
    df = ranked(df, "score", df["group"])
    if classes:
        wanted = expand_classes(kg, classes) | set(classes)
        df = df[df["class"].isin(wanted) | df["group"].isin(wanted)].reset_index(drop=True)
    return df
