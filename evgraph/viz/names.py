"""The names of the views (a light module: the command line's choices come from here).

>>> "bodymap" in VIEWS
True
"""

from __future__ import annotations

#: Views by name (``evgraph viz VIEW``, ``kg.visualize(view)``, the web app's ``/views/NAME``).
VIEWS = ("overview", "graph", "ego", "paths", "crosstalk", "bodymap", "sankey")
