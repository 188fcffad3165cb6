"""The Python entry points: :func:`build`, :func:`load`, :func:`export`.

>>> import evgraph
>>> kg = evgraph.build()                       # the curated knowledge base
>>> sorted(kg.counts()["nodes"])[:3]
['Biofluid', 'CellType', 'Condition']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ._version import __version__
from .build.builder import GraphBuilder
from .build.qc import BuildReport
from .errors import EvgraphError
from .model import KnowledgeGraph
from .sources import READERS, parse_source
from .store import is_built_graph, load_built

DEFAULT_GRAPH_DIR = "evgraph-out"


def build(sources: Iterable[str | tuple[str, str | None]] | None = None, *,
          report: BuildReport | None = None, strict: bool = False) -> KnowledgeGraph:
    """Build and validate a graph from sources (default: the curated knowledge base).

    Each source is ``"NAME=PATH"``, ``"NAME"``, a ``(name, path)`` tuple or a ``sources.toml``
    file naming several, e.g. ``evgraph.build(["curated", "kgx=exports/kgx"])``. Pass a
    :class:`~evgraph.build.qc.BuildReport` as ``report`` to receive the per-source QC counts.
    ``strict=True`` makes readers that skip unimportable records (KGX) stop at the first one.
    A progress bar (one step per source) shows on a terminal (see :mod:`evgraph.progress`).
    """
    from .build.config import expand_specs
    from .build.normalise import attach_report, finalize, track_source

    specs = expand_specs(list(sources)) if sources is not None else ["curated"]
    if not specs:
        specs = ["curated"]
    from .progress import bar

    builder = GraphBuilder()
    builder.strict = strict
    if report is not None:
        attach_report(builder, report)
    with bar(total=len(specs) + 2, desc="build", unit="step") as steps:
        for spec in specs:
            name, path = parse_source(spec) if isinstance(spec, str) else spec
            if name not in READERS:
                raise EvgraphError(f"unknown source '{name}'")
            steps.set_postfix_str(name)
            with track_source(builder, name, path):
                READERS[name](builder, path)
            steps.update()
        steps.set_postfix_str("normalise")
        finalize(builder)
        steps.update()
        steps.set_postfix_str("validate")
        kg = builder.build(metadata={"evgraph_version": __version__, "sources": builder.sources})
        steps.update()
    if report is not None:
        report.count_merges(builder.merges)
        report.graph = {"num_nodes": kg.num_nodes, "num_edges": kg.num_edges, "counts": kg.counts()}
    return kg


def load(path: str | Path | None = None) -> KnowledgeGraph:
    """Load a built graph folder; with no path, the curated knowledge base is built in memory."""
    if path is None:
        return build()
    if not is_built_graph(path):
        raise EvgraphError(f"{path}: not a built graph (run 'evgraph build --out {path}')")
    return load_built(path)


def export(kg: KnowledgeGraph, fmt: str, out: str | Path) -> list[Path]:
    """Write ``kg`` in an interchange format to ``out``; return the files written.

    Formats: ``kgx`` (folder with nodes.tsv/edges.tsv), ``rdf`` (one file; the RDF syntax
    follows the extension: .ttl, .nt, .nq, .trig, .jsonld), ``neo4j-csv`` (folder for
    ``neo4j-admin database import``).
    """
    from .formats import kgx, neo4j_csv, rdf

    writers = {
        "kgx": kgx.write_kgx,
        "rdf": lambda g, path: [rdf.write_rdf(g, path)],
        "neo4j-csv": neo4j_csv.write_neo4j_csv,
    }
    if fmt not in writers:
        raise EvgraphError(f"unknown export format '{fmt}' (known: {', '.join(sorted(writers))})")
    return list(writers[fmt](kg, out))
