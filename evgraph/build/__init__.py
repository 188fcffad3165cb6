"""The build pipeline, one module per stage: sources -> normalise -> build -> model.

* :mod:`~evgraph.build.config`: ``sources.toml`` (which sources a build reads);
* :mod:`~evgraph.build.normalise`: identifiers mapped across sources, roll-up edges, drop counts;
* :mod:`~evgraph.build.qc`: the per-source QC report;
* :mod:`~evgraph.build.builder`: :class:`~evgraph.build.builder.GraphBuilder` validates the
  records against the ontology and assembles the :class:`~evgraph.model.KnowledgeGraph`.
* :mod:`~evgraph.build.columns`: the builder's column operations, once per distinct value.

The package is also the build itself: ``evgraph.build(sources)`` calls
:func:`evgraph.api.build` (so ``evgraph.build`` stays the entry point while
``import evgraph.build.qc as qc`` still finds the module).

>>> import evgraph
>>> evgraph.build().num_edges > 0
True
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _BuildPackage(types.ModuleType):
    """This package, callable: ``evgraph.build(...)`` is :func:`evgraph.api.build`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from ..api import build

        return build(*args, **kwargs)


sys.modules[__name__].__class__ = _BuildPackage
