"""Command modules of the ``evgraph`` CLI beyond the core ones in :mod:`evgraph.cli`.

Each module here defines click commands and attaches them to :data:`evgraph.cli.main`
(``@main.command()``); :func:`load_all` imports them all, in name order.
"""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}")
