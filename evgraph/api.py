"""The package face: :func:`build`, :func:`load`, :func:`save`, :func:`export`, :func:`cypher`, :func:`visualize`.

>>> import evgraph
>>> kg = evgraph.build()                       # the curated knowledge base
>>> sorted(kg.counts()["nodes"])[:3]
['Biofluid', 'CellType', 'Condition']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .build.builder import assemble
from .build.config import expand_specs
from .build.normalise import normalise
from .build.qc import BuildReport, count
from .errors import EvgraphError
from .model import KnowledgeGraph
from .sources import read
from .store import is_built_graph, load_built

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd



#: The named stages of :func:`build`, in order (each a plain function of the stage's module).
STAGES = (
    ("read", "evgraph.sources.read: each source spec -> SourceRecords (pure readers)"),
    ("normalise", "evgraph.build.normalise.normalise: identifiers mapped across sources, roll-up"),
    ("count", "evgraph.build.qc.count: one QC count per source"),
    ("assemble", "evgraph.build.builder.assemble: validate against the ontology -> KnowledgeGraph"),
)


def build(sources: Iterable[str | tuple[str, str | None]] | None = None, *,
          report: BuildReport | None = None, strict: bool = False, allow_empty: bool = False) -> KnowledgeGraph:
    """Build and validate a graph from sources (default: the curated knowledge base).

    Each source is ``"NAME=PATH"``, ``"NAME"``, a ``(name, path)`` tuple or a ``sources.toml``
    file naming several, e.g. ``evgraph.build(["curated", "kgx=exports/kgx"])``. Pass a
    :class:`~evgraph.build.qc.BuildReport` as ``report`` to receive the per-source QC counts.
    ``strict=True`` makes readers that skip unimportable records (KGX) stop at the first one.
    A source that imports nothing, or a table with no data rows, is an error unless
    ``allow_empty=True`` (see :func:`evgraph.sources.read`, which also applies the damaged-row
    thresholds of :mod:`evgraph.build.qc`).
    A progress bar (one step per source) shows on a terminal (see :mod:`evgraph.progress`).
    The stages are :data:`STAGES`.
    """
    specs = expand_specs(list(sources)) if sources is not None else ["curated"]
    specs = specs or ["curated"]
    from .progress import bar

    with bar(total=len(specs) + 2, desc="build", unit="step") as steps:
        records = []
        for spec in specs:                                             # read
            steps.set_postfix_str(str(spec).partition("=")[0])
            records.append(read(spec, strict=strict, allow_empty=allow_empty))
            steps.update()
        steps.set_postfix_str("normalise")
        assembled = normalise(records)                                 # normalise
        steps.update()
        report = count(assembled, report, order=records)               # count
        steps.set_postfix_str("validate")
        kg = assemble(assembled, metadata={"evgraph_version": __version__,  # assemble
                                           "sources": [r.provenance for r in records]}, report=report)
        steps.update()
    if not allow_empty:
        _require_contribution(records)
        if kg.num_nodes + kg.num_edges == 0:
            from .errors import DataError, Problem

            raise DataError(Problem(", ".join(r.report.path or r.name for r in records), None, None,
                                    "the build gives an empty graph: these sources only give lookup tables "
                                    "(gene symbols, ontology terms...) to other sources; add one with records "
                                    "(or use --allow-empty)"))
    report.graph = {"num_nodes": kg.num_nodes, "num_edges": kg.num_edges, "counts": kg.counts()}
    return kg


def _require_contribution(records: list) -> None:
    """A source whose every record was dropped while normalising is an error (``allow_empty`` accepts it)."""
    from .errors import DataError, Problem
    from .sources import gives_lookups

    for rec in records:
        rep = rec.report
        if rep.nodes + rep.edges == 0 and not gives_lookups(rec):
            top = ", ".join(f"{n} {r}" for r, n in rep.skipped_counts.most_common(2))
            raise DataError(Problem(
                rep.path or rep.name, None, None,
                f"source '{rep.name}' contributed nothing to the graph ({rep.rows_read} rows read"
                + (f"; skipped: {top}" if top else "") + "): add the source that resolves its names "
                "(e.g. genes=FILE for gene symbols) or use --allow-empty"))


def load(path: str | Path | None = None) -> KnowledgeGraph:
    """Load a built graph folder; with no path, the curated knowledge base is built in memory."""
    if path is None:
        return build()
    if not is_built_graph(path):
        raise EvgraphError(f"{path}: not a built graph (run 'evgraph build --out {path}')")
    return load_built(path)


def export(kg: KnowledgeGraph, fmt: str, out: str | Path, **options: Any) -> list[Path]:
    """Write ``kg`` in an interchange format to ``out``; return the files written.

    ``fmt`` is a name of :data:`evgraph.formats.WRITERS` (``kgx``, ``rdf``, ``neo4j-csv``, ...);
    ``options`` are that writer's options, e.g. ``export(kg, "rdf", "kg.nq", format="nq")``.

    >>> import evgraph, tempfile
    >>> paths = evgraph.export(evgraph.load(), "kgx", tempfile.mkdtemp())
    >>> {"nodes.tsv", "edges.tsv"} <= {p.name for p in paths}
    True
    """
    from .formats import WRITERS

    if fmt not in WRITERS:
        raise EvgraphError(f"unknown export format '{fmt}' (known: {', '.join(sorted(WRITERS))})")
    return WRITERS[fmt].write(kg, out, **options)


def save(kg: KnowledgeGraph, out_dir: str | Path, **kwargs: Any) -> Path:
    """Write ``kg`` as a built-graph folder (read it back with :func:`load`); see :mod:`evgraph.store`."""
    from .store import save as save_graph

    return save_graph(kg, out_dir, **kwargs)


def visualize(kg: KnowledgeGraph, view: str = "overview", **options: Any) -> Any:
    """An interactive view (``overview``, ``graph``, ``ego``, ``paths``, ``crosstalk``); see :mod:`evgraph.viz`.

    Displays itself in Jupyter; ``.write("view.html")`` saves a self-contained offline page.
    """
    from .viz import visualize as make_view

    return make_view(kg, view, **options)


def cypher(kg: KnowledgeGraph, query: str, engine: Any = None, **params: Any) -> pd.DataFrame:
    """Run Cypher (text, a library query name or a ``.cypher`` file) on ``kg``; a DataFrame.

    ``engine``: ``None`` = embedded (no server), ``"neo4j"`` = server from ``NEO4J_*``, or an
    engine object. See :mod:`evgraph.query`.

    >>> import evgraph
    >>> evgraph.cypher(evgraph.load(), "MATCH (o:Organ {id: $id}) RETURN o.label AS label", id="UBERON:0000948")
       label
    0  heart
    """
    from .query import run_query

    return run_query(kg, query, params, engine=engine)
