"""Graph sources: named, pure readers that return :class:`~evgraph.build.records.SourceRecords`.

``evgraph build --source NAME=PATH#key=value`` looks NAME up in :data:`READERS`. A reader is a
function ``reader(path, options) -> SourceRecords``: it reads its files and nothing else (no
builder, no other source); register new ones with :func:`register`. :func:`read` runs one
source spec and times it.

>>> rec = READERS["curated"](None, {})
>>> rec.name, rec.final
('curated', True)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path

from .. import formats
from ..build.records import SourceRecords
from ..errors import EvgraphError
from .cell_markers import read_cell_markers
from .curated import read_curated
from .diseases import read_diseases
from .disgenet import read_disgenet
from .evmirna2 import read_evmirna2
from .exocarta import read_exocarta
from .genes import read_genes
from .gmt import read_msigdb, read_reactome, read_wikipathways
from .go_annotations import read_go_annotations
from .hetio_pathways import read_hetio_pathways
from .ligand_receptor import read_ligand_receptor
from .mirtarbase import read_mirtarbase
from .ontologies import read_ontologies
from .orthologs import read_orthologs
from .ppi import read_ppi
from .priors import read_nichenet, read_omnipath
from .tissue_expression import read_tissue_expression
from .vesiclepedia import read_vesiclepedia

Reader = Callable[["str | Path | None", "Mapping[str, str] | None"], SourceRecords]

READERS: dict[str, Reader] = {
    "curated": read_curated,
    **formats.READERS,  # kgx, rdf (evgraph.formats)
    # public databases (issue 7): identifiers are normalised across them by evgraph.build.normalise
    "ontologies": read_ontologies,
    "genes": read_genes,
    "vesiclepedia": read_vesiclepedia,
    "exocarta": read_exocarta,
    "mirtarbase": read_mirtarbase,
    "reactome": read_reactome,
    "wikipathways": read_wikipathways,
    "msigdb": read_msigdb,
    "hetio_pathways": read_hetio_pathways,
    "disgenet": read_disgenet,
    "diseases": read_diseases,
    "ppi": read_ppi,
    "ligand_receptor": read_ligand_receptor,
    # issue 14: new shared data (importers)
    "orthologs": read_orthologs,
    "evmirna2": read_evmirna2,
    "tissue_expression": read_tissue_expression,
    "cell_markers": read_cell_markers,
    "go_annotations": read_go_annotations,
    "nichenet": read_nichenet,
    "omnipath": read_omnipath,
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


def gives_lookups(rec: SourceRecords) -> bool:
    """Whether ``rec`` contributes lookup tables (gene symbols, ontology terms, pathway names...)."""
    return bool(any(rec.symbols.values()) or rec.terms or rec.pathway_names or rec.gene_labels
                or any(v is not None and (not hasattr(v, "__len__") or len(v)) for v in rec.extra.values()))


def read(spec: str | tuple[str, str | None], strict: bool = False, allow_empty: bool = False) -> SourceRecords:
    """Read one source: ``"NAME=PATH#key=value"``, ``"NAME"`` or ``(name, path)``.

    The path's ``#options`` are passed to the reader (``strict=True`` adds ``strict=true``: readers
    that skip unimportable records, KGX, stop at the first one); the source's report records
    the spec's path as given and the seconds reading took.

    Bad input fails here, with one line naming the file: a source that gives no records, a table
    with a header and no data rows (both accepted with ``allow_empty=True``), and a source that
    skipped more of its rows as damaged than its threshold (:func:`evgraph.build.qc.check_damage`;
    option ``#max_bad=FRACTION``).

    >>> read("curated").report.name
    'curated'
    """
    from ..build.qc import ALLOW_EMPTY, check_damage, max_bad
    from ..errors import DataError, Problem
    from ._io import split_options

    name, path = parse_source(spec) if isinstance(spec, str) else spec
    if name not in READERS:
        raise EvgraphError(f"unknown source '{name}'")
    base, options = split_options(path)
    limit = max_bad(name, options.pop("max_bad", None), base)
    if strict:
        options = {**options, "strict": "true"}
    t0 = time.perf_counter()
    token = ALLOW_EMPTY.set(allow_empty)
    try:
        rec = READERS[name](base, options)
    finally:
        ALLOW_EMPTY.reset(token)
    rec.report.path = str(path or "")
    rec.report.seconds = time.perf_counter() - t0
    rep = rec.report
    if not allow_empty and rec.num_nodes + rec.num_edges == 0 and not gives_lookups(rec):
        skipped = sum(rep.skipped_counts.values())
        top = ", ".join(f"{n} {r}" for r, n in rep.skipped_counts.most_common(2))
        raise DataError(Problem(base or name, None, None,
                                f"source '{name}' imported nothing ({rep.rows_read} rows read, {skipped} skipped"
                                + (f": {top}" if top else "") + "); is this the right file? "
                                "(--allow-empty accepts a source without records)"))
    check_damage(rep, name, limit)
    return rec
