"""Graph analytics for evgraph: hubs, metapath propagation paths, crosstalk, diffusion, robustness.

Plain data in and out (a :class:`~evgraph.model.KnowledgeGraph` in, pandas DataFrames out),
networkx-style, one module per family:

* :func:`hubs` (:mod:`.centrality`): degree, PageRank, betweenness, cross-category bridging;
* :class:`Metapath`, :func:`metapaths_between` (:mod:`.metagraph`): the metapath language;
* :class:`HetMat`, :func:`dwpc` (:mod:`.hetmat`): metaedge matrices and degree-weighted path counts;
* :func:`paths` (:mod:`.paths`): typed propagation paths between two nodes, hop by hop;
* :mod:`.traffic`: the organ/cell EV traffic (transfers, neighbourhoods, crosstalk links);
* :func:`connectivity` (:mod:`.connectivity`): Hetionet-style connectivity search with a
  degree-preserving permutation null (:mod:`.permutation`), p, adjusted p and q per metapath;
* :func:`crosstalk` (:mod:`.crosstalk`): condition and category crosstalk on the same null;
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
from .connectivity import connectivity
from .crosstalk import CrosstalkResult, crosstalk
from .diffusion import propagate
from .hetmat import HetMat, dwpc, hetmat
from .metagraph import CROSSTALK_METAPATHS, DEFAULT_METAPATHS, Metapath, default_metapaths, metapaths_between
from .paths import paths
from .robustness import robustness

__all__ = [
    "CROSSTALK_METAPATHS",
    "DEFAULT_METAPATHS",
    "CrosstalkResult",
    "HetMat",
    "Metapath",
    "connectivity",
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
