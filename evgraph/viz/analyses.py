"""What the views need from the analyses: hub scores to size nodes by, and the analyses by name.

The analyses themselves live in :mod:`evgraph.analytics`; nothing is computed twice here.

>>> import evgraph
>>> kg = evgraph.load()
>>> scores = hub_scores(kg, "degree")
>>> len(scores) == kg.num_nodes and float(scores.max()) > 0
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import analytics
from ..analytics.centrality import MEASURES
from ..errors import EvgraphError
from ..model import KnowledgeGraph

#: The analyses the views and the atlas run, by name (each imported on first use).
ANALYSES: tuple[str, ...] = ("hubs", "paths", "crosstalk")


def analysis(name: str) -> Callable[..., Any]:
    """The :mod:`evgraph.analytics` function ``name`` (``hubs``, ``paths``, ``crosstalk``)."""
    if name not in ANALYSES:
        raise KeyError(name)
    return getattr(analytics, name)


def has_analysis(name: str) -> bool:
    """True if ``name`` is one of :data:`ANALYSES`."""
    return name in ANALYSES


def degree(kg: KnowledgeGraph) -> np.ndarray:
    """Number of edges at each node (both directions, parallel edges counted)."""
    return (np.bincount(kg.src, minlength=kg.num_nodes) + np.bincount(kg.dst, minlength=kg.num_nodes)).astype(float)


def hub_scores(kg: KnowledgeGraph, measure: str = "degree") -> np.ndarray:
    """One score per node (aligned with ``kg.nodes``) for a hub measure.

    ``degree`` counts edges in and out; the other measures come from :func:`evgraph.analytics.hubs`.
    """
    if measure not in MEASURES:
        raise EvgraphError(f"unknown hub measure '{measure}' (known: {', '.join(MEASURES)})")
    def compute() -> np.ndarray:
        if measure == "degree":
            return degree(kg)
        return _align(kg, analytics.hubs(kg, measures=[measure], null=0, explain=False), measure)

    return kg.cached(("evgraph.viz", "hub", measure), compute)


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
    return values.reindex(kg.node_column("id")).fillna(0.0).to_numpy(dtype=float)
