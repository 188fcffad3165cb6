"""Interchange formats: one module per format, and one registry per direction.

* :data:`READERS`: formats a graph can be built from (``evgraph build --source NAME=PATH``);
  a reader is ``reader(path, options) -> SourceRecords`` like every source reader.
* :data:`WRITERS`: formats a graph can be written in (``evgraph export FORMAT``,
  :func:`evgraph.export`, the atlas's ``exports/`` folder).

Entries name their function as ``"module:function"`` and are imported on first use (the
plugin registry of rdflib works the same way), so listing the formats costs nothing. Adding a
format is one module (its reader and/or writer) plus one :func:`register_writer` /
:func:`register_reader` line below.

>>> list(WRITERS)
['kgx', 'rdf', 'neo4j-csv', 'graphml', 'gexf', 'cytoscape']
>>> WRITERS["kgx"].target, WRITERS["rdf"].target
('folder', 'file')
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Option:
    """An option a writer accepts: ``export(kg, fmt, out, NAME=VALUE)`` and ``evgraph export FORMAT --NAME VALUE``.

    ``name`` is the Python keyword (``include_ontology``; on the command line ``--include-ontology``).
    ``flag`` options are ``--NAME/--no-NAME`` switches (``True``/``False``; unset = the writer's default).
    """

    name: str
    help: str
    flag: bool = False


def _load(target: str) -> Callable[..., Any]:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class Writer:
    """One export format: ``write(kg, out, **options)`` returns the paths written.

    ``target`` is ``"folder"`` or ``"file"`` (what ``out`` names); ``default_name`` is the
    path the atlas gives it in its ``exports/`` folder and ``title`` its link text there.
    """

    name: str
    function: str
    description: str
    target: str
    default_name: str
    title: str
    options: tuple[Option, ...] = field(default=())

    def write(self, kg: Any, out: str | Path, **options: Any) -> list[Path]:
        unknown = set(options) - {o.name for o in self.options}
        if unknown:
            from ..errors import EvgraphError

            raise EvgraphError(f"export {self.name}: unknown option(s) {', '.join(sorted(unknown))} "
                               f"(known: {', '.join(o.name for o in self.options) or 'none'})")
        result = _load(self.function)(kg, out, **options)
        return [Path(p) for p in result] if isinstance(result, list | tuple) else [Path(result)]


@dataclass(frozen=True)
class Reader:
    """One import format: ``read(path, options) -> SourceRecords``."""

    name: str
    function: str
    description: str

    def __call__(self, path: str | Path | None, options: dict[str, str] | None = None) -> Any:
        return _load(self.function)(path, options)


WRITERS: dict[str, Writer] = {}
READERS: dict[str, Reader] = {}


def register_writer(name: str, function: str, description: str, *, target: str, default_name: str,
                    title: str = "", options: tuple[Option, ...] = ()) -> Writer:
    """Register an export format (``function`` as ``"module:function"``)."""
    if target not in ("file", "folder"):
        raise ValueError(f"target must be 'file' or 'folder', not {target!r}")
    WRITERS[name] = Writer(name, function, description, target, default_name, title or name, options)
    return WRITERS[name]


def register_reader(name: str, function: str, description: str) -> Reader:
    """Register an import format (``function`` as ``"module:function"``)."""
    READERS[name] = Reader(name, function, description)
    return READERS[name]


# ---------------------------------------------------------------------- the formats
register_writer("kgx", "evgraph.formats.kgx:write_kgx",
                "KGX TSV (nodes.tsv, edges.tsv) with Biolink categories, predicates and provenance.",
                target="folder", default_name="kgx", title="KGX TSV")
register_writer("rdf", "evgraph.formats.rdf.writer:export_rdf",
                "RDF: nodes as OBO PURLs / identifiers.org IRIs typed with their evgraph class, each edge as a "
                "direct triple plus a reified statement with its provenance (Biolink slots, PROV-O).",
                target="file", default_name="rdf/evgraph.ttl", title="RDF (Turtle)",
                options=(Option("format", "RDF syntax: ttl, nt, nq, trig or jsonld (default: from the --out "
                                          "extension, else ttl); nq/trig put the data and the ontology in two "
                                          "named graphs. A .gz suffix compresses."),
                         Option("include_ontology", "Also write the ontology's triples (default: yes for nq/trig, "
                                                    "no for the others).", flag=True)))
register_writer("neo4j-csv", "evgraph.formats.neo4j_csv:write_neo4j_csv",
                "CSV files for 'neo4j-admin database import full' (large graphs), with import.sh and "
                "constraints.cypher.", target="folder", default_name="neo4j", title="Neo4j import CSV")
register_writer("graphml", "evgraph.formats.network:write_graphml",
                "GraphML for Gephi, Cytoscape desktop, yEd, igraph or networkx (list attributes '|'-joined).",
                target="file", default_name="network/evgraph.graphml", title="GraphML")
register_writer("gexf", "evgraph.formats.network:write_gexf", "GEXF 1.2 for Gephi (list attributes '|'-joined).",
                target="file", default_name="network/evgraph.gexf", title="GEXF")
register_writer("cytoscape", "evgraph.formats.network:write_cytoscape",
                "Cytoscape.js JSON (elements with data; list attributes stay JSON arrays).",
                target="file", default_name="network/evgraph.cyjs", title="Cytoscape.js JSON")

register_reader("kgx", "evgraph.formats.kgx:read_kgx",
                "KGX TSV folder (nodes.tsv, edges.tsv; .tsv.gz too), e.g. an evgraph export or a Biolink KG.")
register_reader("rdf", "evgraph.formats.rdf.reader:read_rdf",
                "An evgraph RDF export (ttl, nt, nq, trig, jsonld; #format=SYNTAX overrides the extension).")
