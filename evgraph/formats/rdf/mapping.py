"""The RDF mapping of evgraph, in one place: vocabularies, slots, CURIE <-> IRI, literal helpers.

The SHACL shapes of :mod:`evgraph.formats.rdf.shacl` are generated from the same tables,
:data:`NODE_SLOTS` and :data:`EDGE_SLOTS`, and from the ontology. The writer
(:mod:`~evgraph.formats.rdf.writer`) and the reader (:mod:`~evgraph.formats.rdf.reader`) share
them.

* **Nodes**: the CURIE expanded with the ontology's prefix declarations (OBO terms as OBO
  PURLs, ``UBERON:0001013`` -> ``http://purl.obolibrary.org/obo/UBERON_0001013``; NCBIGene,
  miRBase, Reactome, PubMed, DOI as their standard IRIs; evgraph's own nodes, e.g. EV
  populations, in ``https://w3id.org/evgraph/``), typed with the evgraph class
  (``a evgraph:Organ``) and with its Biolink class (``a biolink:GrossAnatomicalStructure``),
  ``dcterms:identifier`` the CURIE, ``rdfs:label``, ``skos:altLabel``
  (synonyms), ``oboInOwl:hasDbXref`` (xrefs), ``dcterms:description``, ``evgraph:category``.
* **Edges**, twice: a direct triple ``<subject> evgraph:releases <object>`` for easy SPARQL,
  and a reified statement ``<edge> a rdf:Statement, biolink:Association`` with
  ``rdf:subject/predicate/object`` and the provenance in Biolink association slots
  (``biolink:publications``, ``biolink:species_context_qualifier``,
  ``biolink:knowledge_level``, ``biolink:agent_type``, ``biolink:primary_knowledge_source``,
  ``biolink:supporting_text``, ``biolink:has_confidence_score``,
  ``biolink:object_direction_qualifier``), ``evgraph:uptake_mechanism``, and
  ``prov:wasDerivedFrom`` the curated statement it comes from.
* **Dataset**: ``<https://w3id.org/evgraph/dataset/kg> a void:Dataset, owl:Ontology`` with
  ``owl:imports`` / ``dcterms:conformsTo`` the ontology, ``dcterms:license``,
  ``owl:versionInfo``, ``void:triples``. Quad formats (nq, trig) put the data in the default
  graph (so a store queries it with or without "default graph as union") and the ontology itself
  in the named graph ``<https://w3id.org/evgraph/ontology>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from ...errors import EvgraphError
from ...evidence import FIELDS as EVIDENCE_FIELDS
from ...evidence import EvidenceField
from ...identifiers import encode_locals
from ...schema import EVGRAPH, ONTOLOGY_IRI, Schema, get_schema, ontology_path

# ---------------------------------------------------------------------- vocabularies
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
BIOLINK = "https://w3id.org/biolink/vocab/"
SH = "http://www.w3.org/ns/shacl#"

RDF_TYPE = RDF + "type"
DCT_IDENTIFIER = DCTERMS + "identifier"
DATASET_IRI = EVGRAPH + "dataset/kg"
EDGE_NS = EVGRAPH + "edge/"
STATEMENT_NS = EVGRAPH + "statement/"

#: Standard prefixes used in Turtle/TriG output (plus every CURIE prefix of the ontology).
VOCAB_PREFIXES = {
    "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "skos": SKOS, "dcterms": DCTERMS,
    "prov": PROV, "void": VOID, "oboInOwl": OIO, "biolink": BIOLINK,
}

#: Export format name -> file extension; all are written through pyoxigraph or directly.
FORMATS: dict[str, str] = {"ttl": ".ttl", "nt": ".nt", "nq": ".nq", "trig": ".trig", "jsonld": ".jsonld"}
QUAD_FORMATS = frozenset({"nq", "trig"})

#: Read format by extension (also RDF/XML); ``.gz`` is stripped first.
READ_EXTENSIONS = {".ttl": "ttl", ".nt": "nt", ".nq": "nq", ".trig": "trig", ".jsonld": "jsonld",
                   ".json": "jsonld", ".rdf": "xml", ".owl": "xml", ".xml": "xml"}


def ox_format(fmt: str):
    import pyoxigraph as ox

    return {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}[fmt]


@dataclass(frozen=True)
class Slot:
    """How one node or edge column is written in RDF.

    ``kind``: ``literal`` (xsd:string), ``double`` (xsd:double) or ``integer`` (xsd:integer), both
    within ``minimum``/``maximum`` when given, ``curie`` (an IRI expanded from
    a CURIE with one of ``prefixes``), ``enum`` (an individual of the ontology class ``enum``,
    IRI ``evgraph:<value>``), ``statement`` (a curated statement, IRI in :data:`STATEMENT_NS`),
    ``category`` (a condition category literal). ``multi``: ``|``-joined list, one triple each.
    """

    column: str
    predicate: str
    kind: str
    multi: bool = False
    prefixes: tuple[str, ...] = ()
    prefix_class: str | None = None
    enum: str | None = None
    max_one: bool = True
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None

    def allowed_prefixes(self, schema: Schema) -> tuple[str, ...]:
        if self.prefix_class:
            return schema.classes[self.prefix_class].prefixes
        return self.prefixes


def _evidence_slot(f: EvidenceField) -> Slot:
    """The RDF slot of an evidence field: ``evgraph:<name>`` on the reified edge."""
    kind = {"enum": "enum", "curie": "curie", "integer": "integer", "float": "double", "literal": "literal"}[f.kind]
    return Slot(f.name, EVGRAPH + f.name, kind, multi=f.multi, prefixes=(f.prefix,) if f.prefix else (),
                enum=f.vocabulary, minimum=f.minimum, maximum=f.maximum, pattern=f.pattern)


NODE_SLOTS: tuple[Slot, ...] = (
    Slot("label", RDFS + "label", "literal"),
    Slot("synonyms", SKOS + "altLabel", "literal", multi=True),
    Slot("xrefs", OIO + "hasDbXref", "literal", multi=True),
    Slot("description", DCTERMS + "description", "literal"),
    Slot("provided_by", BIOLINK + "provided_by", "literal", multi=True),
    Slot("condition_category", EVGRAPH + "category", "category"),
)

EDGE_SLOTS: tuple[Slot, ...] = (
    Slot("direction", BIOLINK + "object_direction_qualifier", "enum", enum="Direction"),
    Slot("uptake_mechanism", EVGRAPH + "uptake_mechanism", "curie", prefix_class="UptakeMechanism"),
    Slot("species", BIOLINK + "species_context_qualifier", "curie", multi=True, prefixes=("NCBITaxon",)),
    Slot("publications", BIOLINK + "publications", "curie", multi=True, prefix_class="Publication"),
    Slot("knowledge_level", BIOLINK + "knowledge_level", "enum", enum="KnowledgeLevel"),
    Slot("agent_type", BIOLINK + "agent_type", "literal"),
    Slot("primary_knowledge_source", BIOLINK + "primary_knowledge_source", "curie", prefixes=("infores",)),
    Slot("evidence", BIOLINK + "supporting_text", "literal"),
    Slot("confidence", BIOLINK + "has_confidence_score", "double", minimum=0, maximum=1),
    Slot("statement", PROV + "wasDerivedFrom", "statement"),
    *(_evidence_slot(f) for f in EVIDENCE_FIELDS),
)

def biolink_iri(category: str) -> str:
    """IRI of a Biolink category CURIE (``biolink:Cell`` -> ``https://w3id.org/biolink/vocab/Cell``).

    >>> biolink_iri("biolink:Cell")
    'https://w3id.org/biolink/vocab/Cell'
    """
    return BIOLINK + category.split(":", 1)[1] if category.startswith("biolink:") else category


def biolink_class_iris(schema: Schema) -> frozenset[str]:
    """The Biolink class IRIs evgraph nodes are typed with (besides their evgraph class)."""
    return frozenset(biolink_iri(c.biolink_category) for c in schema.classes.values())


#: Predicates of a reified edge besides its slots.
REIFICATION = (RDF + "subject", RDF + "predicate", RDF + "object")
STATEMENT_TYPES = (RDF + "Statement", BIOLINK + "Association")

# ---------------------------------------------------------------------- IRI safety
#: What an absolute IRI we emit must look like (no character N-Triples forbids in an IRIREF).
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*$")


_BAD_IRI_CHARS = re.compile(r"[\x00-\x20<>\"{}|^`\\]")
_LIT_SPECIAL = re.compile(r"[\\\"\n\r]")


def edge_iri(edge_id: str) -> str:
    """IRI of a reified edge: ``evgraph:E...`` ids expand into the evgraph namespace.

    >>> edge_iri("evgraph:E00ff")
    'https://w3id.org/evgraph/E00ff'
    >>> edge_iri("urn:x y")
    'https://w3id.org/evgraph/edge/urn:x%20y'
    """
    return edge_iris(pd.Series([edge_id], dtype=object))[0]


def edge_iris(ids: pd.Series) -> np.ndarray:
    ids = ids.astype(object).reset_index(drop=True)
    values = ids.tolist()
    # every id an evgraph: CURIE? (one C-level count over the joined ids, no per-id Python call;
    # ids never hold a NUL: the builder rejects control characters)
    if values and ("\x00" + "\x00".join(values)).count("\x00evgraph:") == len(values):
        locals_ = [v[8:] for v in values]
        if all(locals_) and not re.search(r"[^A-Za-z0-9_.\-]", "".join(locals_)):
            return np.array([EVGRAPH + v for v in locals_], dtype=object)
    local = ids.str.slice(8)
    fast = (ids.str.startswith("evgraph:") & local.str.match(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")).to_numpy(dtype=bool)
    out = np.empty(len(ids), dtype=object)
    out[fast] = EVGRAPH + local[fast].to_numpy(dtype=object)
    if not fast.all():
        out[~fast] = EDGE_NS + encode_locals(ids[~fast]).to_numpy(dtype=object)
    return out


# ---------------------------------------------------------------------- ontology facts
@cache
def ontology_facts() -> dict[str, str]:
    """Version IRI, version and licence of the ontology (read from it, not repeated here)."""
    import pyoxigraph as ox

    wanted = {OWL + "versionIRI": "version_iri", OWL + "versionInfo": "version", DCTERMS + "license": "license",
              DCTERMS + "title": "title"}
    out = dict.fromkeys(wanted.values(), "")
    for t in ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE):
        key = wanted.get(t.predicate.value)
        if key and not out[key] and isinstance(t.subject, ox.NamedNode) and t.subject.value == ONTOLOGY_IRI:
            out[key] = t.object.value
    return out


def turtle_prefixes(schema: Schema | None = None) -> dict[str, str]:
    """Prefix map for Turtle/TriG: the vocabularies plus each CURIE prefix of the ontology."""
    schema = schema or get_schema()
    out = dict(VOCAB_PREFIXES)
    for p in schema.prefixes.values():
        out.setdefault(p.prefix, p.uri_prefix)
    return out


# ---------------------------------------------------------------------- literal helpers
def escape(values: pd.Series | np.ndarray) -> np.ndarray:
    """The characters of string literals, escaped for N-Triples/Turtle (no quotes)."""
    s = pd.Series(values, dtype=object).astype(str)
    if not len(s) or not _LIT_SPECIAL.search("".join(s.tolist())):
        return s.to_numpy(dtype=object)
    s = (s.str.replace("\\", "\\\\", regex=False).str.replace('"', '\\"', regex=False)
         .str.replace("\n", "\\n", regex=False).str.replace("\r", "\\r", regex=False))
    return s.to_numpy(dtype=object)


def lit(values: pd.Series | np.ndarray) -> np.ndarray:
    """N-Triples string literal tokens (escaped)."""
    esc = escape(values)
    return ('"' + esc + '"') if len(esc) else esc


def check_iris(iris: np.ndarray, what: str) -> None:
    """Refuse to write an invalid IRI (cannot happen for validated graphs; a guard)."""
    if not len(iris) or not _BAD_IRI_CHARS.search("".join(iris.tolist())):
        return  # one regex pass; schemes come from the ontology's prefix declarations
    ok = pd.Series(iris, dtype=object).str.match(IRI_RE.pattern).fillna(False).to_numpy(dtype=bool)
    if not ok.all():
        raise EvgraphError(f"refusing to write the invalid IRI <{iris[~ok][0]}> for a {what}")


def factor(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques as str); missing values become ''."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        uniques = np.array([str(c) for c in values.cat.categories], dtype=object)
    else:
        codes, uniq = pd.factorize(values)
        codes = codes.astype(np.int64)
        uniques = np.array([str(u) for u in uniq], dtype=object)
    if (codes < 0).any():
        uniques = np.append(uniques, "")
        codes = np.where(codes < 0, len(uniques) - 1, codes)
    return codes, uniques


