"""Graph analytics for evgraph: hubs, metapath propagation paths, crosstalk, diffusion, robustness.

Plain data in and out (a :class:`~evgraph.model.KnowledgeGraph` in, pandas DataFrames out),
networkx-style, one module per family:

* :func:`hubs` (:mod:`.centrality`): degree, PageRank, betweenness, cross-category bridging;
* :class:`Metapath`, :func:`paths`, :func:`dwpc` (:mod:`.metapaths`): typed propagation paths
  scored by evidence and degree-weighted path count;
* :func:`crosstalk` (:mod:`.crosstalk`): condition and category crosstalk with permutation tests;
* :func:`propagate` (:mod:`.diffusion`): random walk with restart from seed nodes;
* :func:`robustness` (:mod:`.robustness`): connectivity after removing hubs vs random nodes.

>>> import evgraph
>>> from evgraph.analytics import Metapath, paths
>>> kg = evgraph.load()
>>> Metapath.parse("C<riEVctC").abbrev
'C<riEVctC'
"""

from __future__ import annotations

from .centrality import hubs, pagerank_vector
from .crosstalk import CrosstalkResult, crosstalk
from .diffusion import propagate
from .metapaths import (
    CROSSTALK_METAPATHS,
    DEFAULT_METAPATHS,
    HetMat,
    Metapath,
    default_metapaths,
    dwpc,
    hetmat,
    metapaths_between,
    paths,
)
from .robustness import robustness

__all__ = [
    "CROSSTALK_METAPATHS",
    "DEFAULT_METAPATHS",
    "CrosstalkResult",
    "HetMat",
    "Metapath",
    "crosstalk",
    "default_metapaths",
    "dwpc",
    "hetmat",
    "hubs",
    "metapaths_between",
    "pagerank_vector",
    "paths",
    "propagate",
    "robustness",
]
