"""RDF, one room: the mapping, a writer, a reader, SHACL shapes and validation, SPARQL.

* :mod:`~evgraph.formats.rdf.mapping`: vocabularies, node and edge slots, CURIE <-> IRI;
* :mod:`~evgraph.formats.rdf.writer`: Turtle, N-Triples, N-Quads, TriG, JSON-LD;
* :mod:`~evgraph.formats.rdf.reader`: an RDF file back into records;
* :mod:`~evgraph.formats.rdf.shacl`: shapes generated from the ontology, pySHACL validation;
* :mod:`~evgraph.formats.rdf.sparql`: SPARQL on the export (pyoxigraph), the ``.rq`` library.

The writer and reader are re-exported here (the reader, which pulls in the build records, on first
use: an export does not import it); ``shacl`` and ``sparql`` are imported on use.
"""

from __future__ import annotations

from .mapping import (
    BIOLINK,
    DATASET_IRI,
    EVGRAPH,
    FORMATS,
    ONTOLOGY_IRI,
    PROV,
    QUAD_FORMATS,
    XSD,
)
from .writer import guess_format, iter_rdf_chunks, to_rdf_string, write_rdf, write_rdf_stream

__all__ = [
    "BIOLINK",
    "DATASET_IRI",
    "EVGRAPH",
    "FORMATS",
    "ONTOLOGY_IRI",
    "PROV",
    "QUAD_FORMATS",
    "XSD",
    "guess_format",
    "iter_rdf_chunks",
    "read_rdf",
    "to_rdf_string",
    "write_rdf",
    "write_rdf_stream",
]


def __getattr__(name: str):
    if name == "read_rdf":
        from .reader import read_rdf

        return read_rdf
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
