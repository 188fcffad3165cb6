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

import importlib
from typing import TYPE_CHECKING, Any

from .names import VIEWS

if TYPE_CHECKING:
    from ..model import KnowledgeGraph
    from .views import View

#: Names re-exported from :mod:`evgraph.viz.views`, imported on first use (the command line and
#: the web server start without loading the view machinery and the analytics behind it).
_LAZY = ("View", "crosstalk_view", "ego", "paths_view", "traffic_map", "whole_graph", "make_view")

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(".views", __name__), name)
    raise AttributeError(f"module 'evgraph.viz' has no attribute '{name}'")


def visualize(kg: KnowledgeGraph, view: str = "overview", **options: Any) -> View:
    """Build a view of ``kg``: ``overview``, ``graph``, ``ego``, ``paths``, ``crosstalk``, ``bodymap`` or ``sankey``.

    Options: ``size_by`` (hub measure), ``cap`` (node limit), ``node``/``radius`` (ego),
    ``source``/``target``/``k`` (paths), ``categories`` (crosstalk). Call ``.write(path)`` on
    the result, or let Jupyter display it.
    """
    from .views import make_view

    return make_view(kg, view, **options)
