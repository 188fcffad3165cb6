"""What the views need from the analyses: hub scores, propagation paths, crosstalk.

Each function uses :mod:`evgraph.analytics` when it is installed and provides the analysis, and
otherwise a small local computation (documented per function), so every view works on its own.

>>> import evgraph
>>> kg = evgraph.load()
>>> scores = hub_scores(kg, "degree")
>>> len(scores) == kg.num_nodes and float(scores.max()) > 0
True
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from ..errors import EvgraphError
from ..model import KnowledgeGraph

#: Hub measures a view can be sized by.
MEASURES = ("degree", "pagerank", "betweenness", "bridging")


def analytics() -> Any | None:
    """The :mod:`evgraph.analytics` module, or ``None`` when it is not there."""
    try:
        return importlib.import_module("evgraph.analytics")
    except ImportError:
        return None


#: Where each analysis lives if the package does not export it at the top.
_SUBMODULES = {"hubs": "centrality", "paths": "metapaths", "crosstalk": "crosstalk"}


def analysis(name: str) -> Any | None:
    """The ``evgraph.analytics`` function ``name`` (``hubs``, ``paths``, ``crosstalk``), or ``None``."""
    mod = analytics()
    fn = getattr(mod, name, None) if mod is not None else None
    if fn is None and mod is not None:
        try:
            fn = getattr(importlib.import_module(f"evgraph.analytics.{_SUBMODULES[name]}"), name, None)
        except ImportError:
            fn = None
    return fn if callable(fn) else None


def has_analysis(name: str) -> bool:
    """True if :mod:`evgraph.analytics` provides ``name``."""
    return analysis(name) is not None


def degree(kg: KnowledgeGraph) -> np.ndarray:
    """Number of edges at each node (both directions, parallel edges counted)."""
    return (np.bincount(kg.src, minlength=kg.num_nodes) + np.bincount(kg.dst, minlength=kg.num_nodes)).astype(float)


def hub_scores(kg: KnowledgeGraph, measure: str = "degree") -> np.ndarray:
    """One score per node (aligned with ``kg.nodes``) for a hub measure.

    ``degree`` (edges in and out, as in the analytics) is computed here; the other measures come
    from ``evgraph.analytics.hubs`` (an :class:`EvgraphError` names what is missing otherwise).
    """
    if measure not in MEASURES:
        raise EvgraphError(f"unknown hub measure '{measure}' (known: {', '.join(MEASURES)})")
    key = ("viz-hub", measure)
    if key in kg._cache:
        return kg._cache[key]
    if measure == "degree":
        scores = degree(kg)
    elif has_analysis("hubs"):
        table = analysis("hubs")(kg, measures=[measure])
        scores = _align(kg, table, measure)
    else:
        raise EvgraphError(f"sizing by {measure} needs evgraph.analytics.hubs, which is not available; "
                           "use --size-by degree")
    kg._cache[key] = scores
    return scores


def _align(kg: KnowledgeGraph, table: Any, measure: str) -> np.ndarray:
    """Scores from an analytics table (DataFrame with an ``id`` column or indexed by id)."""
    import pandas as pd

    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
    if "id" in frame.columns:
        frame = frame.set_index("id")
    if measure not in frame.columns:
        raise EvgraphError(f"evgraph.analytics.hubs returned no '{measure}' column")
    values = frame[measure].astype(float)
    values = values[~values.index.duplicated()]
    return values.reindex(kg.nodes["id"]).fillna(0.0).to_numpy(dtype=float)
