"""evgraph: a knowledge model of systemic extracellular-vesicle (EV) traffic.

>>> import evgraph
>>> kg = evgraph.load()
>>> kg.node("UBERON:0001013")["label"]
'adipose tissue'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import build, export, load  # noqa: E402
from .errors import DataError, EvgraphError, ValidationError  # noqa: E402
from .model import KnowledgeGraph  # noqa: E402
from .schema import get_schema  # noqa: E402

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
