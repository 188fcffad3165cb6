"""evgraph: a knowledge model of systemic extracellular-vesicle (EV) traffic.

>>> import evgraph
>>> kg = evgraph.load()
>>> kg.node("UBERON:0001013")["label"]
'adipose tissue'

The package face (:func:`build`, :func:`load`, :func:`save`, :func:`export`, :func:`cypher`,
:func:`visualize`, :class:`KnowledgeGraph`, :func:`get_schema`) is imported on first use, so
``import evgraph`` and ``evgraph --help`` stay fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import build  # the build package; calling it builds (evgraph.build(...) -> evgraph.api.build)
from ._version import __version__
from .errors import DataError, EvgraphError, ValidationError

#: name -> module of the package face that defines it (imported on first use)
_FACE = {
    "cypher": "api",
    "export": "api",
    "load": "api",
    "save": "api",
    "visualize": "api",
    "KnowledgeGraph": "model",
    "get_schema": "schema",
}

__all__ = [
    "DataError",
    "EvgraphError",
    "KnowledgeGraph",
    "ValidationError",
    "__version__",
    "build",
    "cypher",
    "export",
    "get_schema",
    "load",
    "save",
    "visualize",
]


def __getattr__(name: str) -> Any:
    if name in _FACE:
        value = getattr(importlib.import_module(f".{_FACE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'evgraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_FACE))
