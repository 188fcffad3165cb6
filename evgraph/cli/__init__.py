"""The ``evgraph`` command line: one module per command family, imported explicitly.

* :mod:`~evgraph.cli.app`: the ``evgraph`` group and the options and helpers every command shares;
* :mod:`~evgraph.cli.build`: ``build``, ``stats``, ``validate``, ``schema``;
* :mod:`~evgraph.cli.export`: ``export FORMAT`` (every writer of :data:`evgraph.formats.WRITERS`; graph or subgraph);
* :mod:`~evgraph.cli.query`: ``query`` (Cypher library), ``neo4j load``;
* :mod:`~evgraph.cli.sparql`: ``sparql``;
* :mod:`~evgraph.cli.analytics`: ``hubs``, ``paths``, ``crosstalk``, ``propagate``, ``robustness``;
* :mod:`~evgraph.cli.predict`: ``predict`` (hypothesis engine);
* :mod:`~evgraph.cli.overlay`: ``overlay``, ``origin`` (a user's own EV cargo);
* :mod:`~evgraph.cli.viz`: ``viz``, ``atlas``;
* :mod:`~evgraph.cli.data`: ``fetch``, ``sources``;
* :mod:`~evgraph.cli.serve`: ``serve`` (the web app and JSON API).
"""

from __future__ import annotations

from . import (  # noqa: F401  (each registers its commands)
    analytics,
    build,
    data,
    export,
    overlay,
    predict,
    query,
    serve,
    sparql,
    viz,
)
from .app import main

__all__ = ["main", "run"]


def run() -> None:  # pragma: no cover - console entry point
    main(obj={})
