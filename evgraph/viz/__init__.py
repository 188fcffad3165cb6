"""Interactive network views (the atlas that gathers them is :mod:`evgraph.atlas`).

Every view is one self-contained HTML file that works offline (vis-network and all styles
inline, no CDN), laid out in Python so it opens at once, with a legend, class filter, search
box and tooltips; in Jupyter a view displays itself inline.

>>> import evgraph
>>> from evgraph.viz import visualize
>>> kg = evgraph.load()
>>> view = visualize(kg, "ego", node="macrophage", radius=1)
>>> view.name, view.center
('ego', 'CL:0000235')
>>> "cdn" in view.html().lower()
False
"""

from __future__ import annotations

from typing import Any

from ..model import KnowledgeGraph
from .views import (
    VIEWS,
    View,
    crosstalk_view,
    ego,
    make_view,
    paths_view,
    traffic_map,
    whole_graph,
)

__all__ = [
    "VIEWS",
    "View",
    "crosstalk_view",
    "ego",
    "paths_view",
    "traffic_map",
    "visualize",
    "whole_graph",
]


def visualize(kg: KnowledgeGraph, view: str = "overview", **options: Any) -> View:
    """Build an interactive view of ``kg``: ``overview``, ``graph``, ``ego``, ``paths`` or ``crosstalk``.

    Options: ``size_by`` (hub measure), ``cap`` (node limit), ``node``/``radius`` (ego),
    ``source``/``target``/``k`` (paths), ``categories`` (crosstalk). Call ``.write(path)`` on
    the result, or let Jupyter display it.
    """
    return make_view(kg, view, **options)
