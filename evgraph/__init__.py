"""evgraph: a knowledge model of systemic extracellular-vesicle (EV) traffic.

>>> import evgraph
>>> kg = evgraph.load()
>>> kg.node("UBERON:0001013")["label"]
'adipose tissue'
"""

from __future__ import annotations

from . import build  # the build package; calling it builds (evgraph.build(...) -> evgraph.api.build)
from ._version import __version__
from .api import export, load
from .errors import DataError, EvgraphError, ValidationError
from .model import KnowledgeGraph
from .schema import get_schema

__all__ = [
    "DataError",
    "EvgraphError",
    "KnowledgeGraph",
    "ValidationError",
    "__version__",
    "build",
    "export",
    "get_schema",
    "load",
]
