"""The Python entry points: :func:`build`, :func:`load`, :func:`export`.

>>> import evgraph
>>> kg = evgraph.build()                       # the curated knowledge base
>>> sorted(kg.counts()["nodes"])[:3]
['Biofluid', 'CellType', 'Condition']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .builder import GraphBuilder
from .errors import EvgraphError
from .model import KnowledgeGraph
from .sources import READERS, parse_source
from .store import is_built_graph, load_built

DEFAULT_GRAPH_DIR = "evgraph-out"


def build(sources: Iterable[str | tuple[str, str | None]] | None = None) -> KnowledgeGraph:
    """Build and validate a graph from sources (default: the curated knowledge base).

    Each source is ``"NAME=PATH"``, ``"NAME"`` or a ``(name, path)`` tuple, e.g.
    ``evgraph.build(["curated", "kgx=exports/kgx"])``.
    """
    specs = list(sources) if sources is not None else ["curated"]
    if not specs:
        specs = ["curated"]
    builder = GraphBuilder()
    for spec in specs:
        name, path = parse_source(spec) if isinstance(spec, str) else spec
        if name not in READERS:
            raise EvgraphError(f"unknown source '{name}'")
        READERS[name](builder, path)
    return builder.build(metadata={"evgraph_version": __version__, "sources": builder.sources})


def load(path: str | Path | None = None) -> KnowledgeGraph:
    """Load a built graph folder; with no path, the curated knowledge base is built in memory."""
    if path is None:
        return build()
    if not is_built_graph(path):
        raise EvgraphError(f"{path}: not a built graph (run 'evgraph build --out {path}')")
    return load_built(path)


def export(kg: KnowledgeGraph, fmt: str, out: str | Path) -> list[Path]:
    """Write ``kg`` in an interchange format (``kgx``) to ``out``; return the files written."""
    from .formats import kgx

    writers = {"kgx": kgx.write_kgx}
    if fmt not in writers:
        raise EvgraphError(f"unknown export format '{fmt}' (known: {', '.join(sorted(writers))})")
    return writers[fmt](kg, out)
