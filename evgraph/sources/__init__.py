"""Graph sources: named readers that add records to a :class:`~evgraph.builder.GraphBuilder`.

``evgraph build --source NAME=PATH`` looks NAME up in :data:`READERS`. A reader is a function
``reader(builder, path)``; register new ones with :func:`register`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..builder import GraphBuilder
from ..errors import EvgraphError
from ..formats.kgx import read_kgx
from .curated import read_curated

Reader = Callable[[GraphBuilder, "str | Path | None"], None]

READERS: dict[str, Reader] = {
    "curated": read_curated,
    "kgx": read_kgx,
}


def register(name: str) -> Callable[[Reader], Reader]:
    """Decorator registering a reader under ``name``."""

    def deco(fn: Reader) -> Reader:
        READERS[name] = fn
        return fn

    return deco


def parse_source(spec: str) -> tuple[str, str | None]:
    """Split ``NAME=PATH`` (or a bare ``NAME``) and check NAME is a known reader.

    >>> parse_source("kgx=out/kgx")
    ('kgx', 'out/kgx')
    >>> parse_source("curated")
    ('curated', None)
    """
    name, sep, path = spec.partition("=")
    name = name.strip()
    if name not in READERS:
        raise EvgraphError(f"unknown source '{name}' (known: {', '.join(sorted(READERS))})")
    return name, (path.strip() or None) if sep else None
