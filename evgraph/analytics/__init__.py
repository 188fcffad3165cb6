"""Graph analytics for evgraph: hubs, metapath propagation paths, crosstalk, diffusion, robustness.

Plain data in and out (a :class:`~evgraph.model.KnowledgeGraph` in, pandas DataFrames out),
networkx-style, one module per family:

* :func:`hubs` (:mod:`.centrality`): degree, PageRank, betweenness, cross-category bridging;
* :class:`Metapath`, :func:`metapaths_between` (:mod:`.metagraph`): the metapath language;
* :class:`HetMat`, :func:`dwpc_matrix` (all pairs: sparse matrix + node index), :func:`dwpc` (long table)
  (:mod:`.hetmat`): metaedge matrices and degree-weighted path counts;
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

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .centrality import hubs, pagerank_vector
    from .connectivity import connectivity
    from .crosstalk import CrosstalkResult, crosstalk
    from .diffusion import propagate
    from .hetmat import DwpcMatrix, HetMat, dwpc, dwpc_matrix, hetmat
    from .metagraph import CROSSTALK_METAPATHS, DEFAULT_METAPATHS, Metapath, default_metapaths, metapaths_between
    from .paths import paths
    from .robustness import robustness

#: public name -> the module defining it; imported on first use (PEP 562), so ``evgraph hubs``
#: does not pay for scipy.stats, the connectivity search or the DWPC engine it never calls
_LAZY: dict[str, str] = {
    "hubs": "centrality", "pagerank_vector": "centrality", "connectivity": "connectivity",
    "CrosstalkResult": "crosstalk", "crosstalk": "crosstalk", "propagate": "diffusion",
    "HetMat": "hetmat", "DwpcMatrix": "hetmat", "dwpc": "hetmat", "dwpc_matrix": "hetmat",
    "hetmat": "hetmat", "CROSSTALK_METAPATHS": "metagraph",
    "DEFAULT_METAPATHS": "metagraph", "Metapath": "metagraph", "default_metapaths": "metagraph",
    "metapaths_between": "metagraph", "paths": "paths", "robustness": "robustness",
}


class _Package(types.ModuleType):
    """Importing a submodule sets it as an attribute of its package; where a function has the
    submodule's name (``hetmat``, ``paths``, ``connectivity``, ``crosstalk``, ``robustness``) the
    function is kept, as the eager ``from .paths import paths`` used to leave it."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CROSSTALK_METAPATHS",
    "DEFAULT_METAPATHS",
    "CrosstalkResult",
    "DwpcMatrix",
    "HetMat",
    "Metapath",
    "connectivity",
    "crosstalk",
    "default_metapaths",
    "dwpc",
    "dwpc_matrix",
    "hetmat",
    "hubs",
    "metapaths_between",
    "pagerank_vector",
    "paths",
    "propagate",
    "robustness",
]
