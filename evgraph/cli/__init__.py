"""The ``evgraph`` command line: one module per command family, imported explicitly.

* :mod:`~evgraph.cli.app`: the ``evgraph`` group and the options and helpers every command shares;
* :mod:`~evgraph.cli.build`: ``build``, ``stats``, ``validate``, ``schema``;
* :mod:`~evgraph.cli.export`: ``export kgx|rdf|neo4j-csv``;
* :mod:`~evgraph.cli.query`: ``query`` (Cypher library), ``neo4j load``;
* :mod:`~evgraph.cli.sparql`: ``sparql``;
* :mod:`~evgraph.cli.analytics`: ``hubs``, ``paths``, ``crosstalk``, ``propagate``, ``robustness``;
* :mod:`~evgraph.cli.predict`: ``predict`` (hypothesis engine);
* :mod:`~evgraph.cli.viz`: ``viz``, ``atlas``;
* :mod:`~evgraph.cli.data`: ``fetch``, ``sources``.
"""

from __future__ import annotations

from . import analytics, build, data, export, predict, query, sparql, viz  # noqa: F401  (each registers its commands)
from .app import main

__all__ = ["main", "run"]


def run() -> None:  # pragma: no cover - console entry point
    main(obj={})
