"""RDF export and import (Turtle, N-Triples, N-Quads, TriG, JSON-LD).

The mapping, in one place (the SHACL shapes of :mod:`evgraph.shacl` are generated from the
same tables, :data:`NODE_SLOTS` and :data:`EDGE_SLOTS`, and from the ontology):

* **Nodes**: the CURIE expanded with the ontology's prefix declarations (OBO terms as OBO
  PURLs, ``UBERON:0001013`` -> ``http://purl.obolibrary.org/obo/UBERON_0001013``; NCBIGene,
  miRBase, Reactome, PubMed, DOI as their standard IRIs; evgraph's own nodes, e.g. EV
  populations, in ``https://w3id.org/evgraph/``), typed with the evgraph class
  (``a evgraph:Organ``), ``dcterms:identifier`` the CURIE, ``rdfs:label``, ``skos:altLabel``
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
  ``owl:versionInfo``, ``void:triples``. Quad formats (nq, trig) put the data in that named
  graph and the ontology itself in ``<https://w3id.org/evgraph/ontology>``.

Writing is vectorised: the text of every distinct value (node, CURIE, class, categorical
cell) is made once, and each chunk's triples are assembled by taking those texts by code and
joining them in one ``str.join`` (no string built per triple). N-Triples / N-Quads and Turtle /
TriG (subject blocks with ``;``, prefixed names where the local part allows) are written
directly; JSON-LD goes through pyoxigraph's serialiser. The text does not depend on the chunk
size. No IRI is ever invalid: identifier characters outside the IRI-safe set are
percent-encoded (labels are literals, escaped).

>>> import evgraph
>>> kg = evgraph.load()
>>> text = to_rdf_string(kg, "nt")
>>> "<http://purl.obolibrary.org/obo/UBERON_0001013> <http://www.w3.org/2000/01/rdf-schema#label> " \\
...     '"adipose tissue" .' in text
True
"""

from __future__ import annotations

import gzip
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

from ..atomic import atomic_path
from ..builder import GraphBuilder
from ..errors import DataError, EvgraphError, Problem
from ..evidence import FIELDS as EVIDENCE_FIELDS
from ..evidence import EvidenceField
from ..model import LIST_SEP, KnowledgeGraph
from ..schema import EVGRAPH, ONTOLOGY_IRI, Schema, get_schema, ontology_path

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


def _ox_format(fmt: str):
    import pyoxigraph as ox

    return {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}[fmt]


@dataclass(frozen=True)
class Slot:
    """How one node or edge column is written in RDF.

    ``kind``: ``literal`` (xsd:string), ``double`` (xsd:double), ``integer`` (xsd:integer,
    within ``minimum``/``maximum``), ``curie`` (an IRI expanded from
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
    minimum: int | None = None
    maximum: int | None = None
    pattern: str | None = None

    def allowed_prefixes(self, schema: Schema) -> tuple[str, ...]:
        if self.prefix_class:
            return schema.classes[self.prefix_class].prefixes
        return self.prefixes


def _evidence_slot(f: EvidenceField) -> Slot:
    """The RDF slot of an evidence field: ``evgraph:<name>`` on the reified edge."""
    kind = {"enum": "enum", "curie": "curie", "integer": "integer", "literal": "literal"}[f.kind]
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
    Slot("confidence", BIOLINK + "has_confidence_score", "double"),
    Slot("statement", PROV + "wasDerivedFrom", "statement"),
    *(_evidence_slot(f) for f in EVIDENCE_FIELDS),
)

#: Predicates of a reified edge besides its slots.
REIFICATION = (RDF + "subject", RDF + "predicate", RDF + "object")
STATEMENT_TYPES = (RDF + "Statement", BIOLINK + "Association")

# ---------------------------------------------------------------------- IRI safety
#: Characters kept as they are in an IRI path segment; anything else is percent-encoded.
_SAFE_CHARS = "-._~!$&'()*+,;=:@/"
_SAFE_RE = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$")
#: What an absolute IRI we emit must look like (no character N-Triples forbids in an IRIREF).
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*$")


def encode_local(value: str) -> str:
    """Percent-encode the characters of ``value`` that may not appear in an IRI path.

    >>> encode_local("10.1000/a b<c>")
    '10.1000/a%20b%3Cc%3E'
    >>> encode_local("R-HSA-1234")
    'R-HSA-1234'
    """
    return value if _SAFE_RE.match(value) else quote(value, safe=_SAFE_CHARS)


_UNSAFE_RE = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/]")
_BAD_IRI_CHARS = re.compile(r"[\x00-\x20<>\"{}|^`\\]")
_LIT_SPECIAL = re.compile(r"[\\\"\n\r]")


def _encode_series(values: pd.Series) -> pd.Series:
    values = values.astype(object)
    if not len(values) or not _UNSAFE_RE.search("".join(values.tolist())):
        return values  # one regex pass over the whole column: nothing to encode
    ok = values.str.match(_SAFE_RE.pattern).fillna(False).to_numpy(dtype=bool)
    if ok.all():
        return values
    out = values.copy()
    out[~ok] = [quote(v, safe=_SAFE_CHARS) for v in values[~ok]]
    return out


def curie_to_iri(curie: str, schema: Schema | None = None) -> str:
    """The IRI of a CURIE (the ontology's expansion; unsafe characters percent-encoded).

    Equals :func:`evgraph.identifiers.expand` for every well-formed identifier.

    >>> curie_to_iri("UBERON:0001013")
    'http://purl.obolibrary.org/obo/UBERON_0001013'
    >>> curie_to_iri("DOI:10.1016/j.cell.2017.08.035")
    'https://doi.org/10.1016/j.cell.2017.08.035'
    """
    schema = schema or get_schema()
    prefix, sep, local = curie.partition(":")
    info = schema.prefixes.get(prefix)
    if not sep or info is None:
        raise EvgraphError(f"cannot turn '{curie}' into an IRI: unknown CURIE prefix '{prefix}'")
    return info.uri_prefix + encode_local(local)


@cache
def _prefix_table() -> tuple[tuple[str, str], ...]:
    """(uri_prefix, curie prefix), longest IRI prefix first."""
    schema = get_schema()
    pairs = [(p.uri_prefix, p.prefix) for p in schema.prefixes.values()]
    return tuple(sorted(pairs, key=lambda x: (-len(x[0]), x[1])))


def iri_to_curie(iri: str) -> str | None:
    """Map an IRI back to its CURIE (``None`` when no declared prefix matches).

    >>> iri_to_curie("http://identifiers.org/ncbigene/5468")
    'NCBIGene:5468'
    >>> iri_to_curie("https://doi.org/10.1000/a%20b") is not None
    True
    """
    for uri_prefix, prefix in _prefix_table():
        if iri.startswith(uri_prefix) and len(iri) > len(uri_prefix):
            local = iri[len(uri_prefix):]
            return f"{prefix}:{unquote(local) if '%' in local else local}"
    return None


def edge_iri(edge_id: str) -> str:
    """IRI of a reified edge: ``evgraph:E...`` ids expand into the evgraph namespace.

    >>> edge_iri("evgraph:E00ff")
    'https://w3id.org/evgraph/E00ff'
    >>> edge_iri("urn:x y")
    'https://w3id.org/evgraph/edge/urn:x%20y'
    """
    return _edge_iris(pd.Series([edge_id], dtype=object))[0]


def _edge_iris(ids: pd.Series) -> np.ndarray:
    ids = ids.astype(object).reset_index(drop=True)
    values = ids.tolist()
    if values and all(v.startswith("evgraph:") for v in values):
        locals_ = [v[8:] for v in values]
        if all(locals_) and not re.search(r"[^A-Za-z0-9_.\-]", "".join(locals_)):
            return np.array([EVGRAPH + v for v in locals_], dtype=object)
    local = ids.str.slice(8)
    fast = (ids.str.startswith("evgraph:") & local.str.match(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")).to_numpy(dtype=bool)
    out = np.empty(len(ids), dtype=object)
    out[fast] = EVGRAPH + local[fast].to_numpy(dtype=object)
    if not fast.all():
        out[~fast] = EDGE_NS + _encode_series(ids[~fast]).to_numpy(dtype=object)
    return out


def statement_iri(statement: str) -> str:
    """IRI of a curated statement (``T001`` -> ``https://w3id.org/evgraph/statement/T001``)."""
    return STATEMENT_NS + encode_local(statement)


# ---------------------------------------------------------------------- ontology facts
@cache
def ontology_facts() -> dict[str, str]:
    """Version IRI, version and licence of the ontology (read from it, not repeated here)."""
    import rdflib

    g = rdflib.Graph()
    g.parse(ontology_path(), format="turtle")
    ont = rdflib.URIRef(ONTOLOGY_IRI)

    def val(pred: str) -> str:
        v = g.value(ont, rdflib.URIRef(pred))
        return str(v) if v is not None else ""

    return {"version_iri": val(OWL + "versionIRI"), "version": val(OWL + "versionInfo"),
            "license": val(DCTERMS + "license"), "title": val(DCTERMS + "title")}


def turtle_prefixes(schema: Schema | None = None) -> dict[str, str]:
    """Prefix map for Turtle/TriG: the vocabularies plus each CURIE prefix of the ontology."""
    schema = schema or get_schema()
    out = dict(VOCAB_PREFIXES)
    for p in schema.prefixes.values():
        out.setdefault(p.prefix, p.uri_prefix)
    return out


# ---------------------------------------------------------------------- literal helpers
def _escape(values: pd.Series | np.ndarray) -> np.ndarray:
    """The characters of string literals, escaped for N-Triples/Turtle (no quotes)."""
    s = pd.Series(values, dtype=object).astype(str)
    if not len(s) or not _LIT_SPECIAL.search("".join(s.tolist())):
        return s.to_numpy(dtype=object)
    s = (s.str.replace("\\", "\\\\", regex=False).str.replace('"', '\\"', regex=False)
         .str.replace("\n", "\\n", regex=False).str.replace("\r", "\\r", regex=False))
    return s.to_numpy(dtype=object)


def _lit(values: pd.Series | np.ndarray) -> np.ndarray:
    """N-Triples string literal tokens (escaped)."""
    esc = _escape(values)
    return ('"' + esc + '"') if len(esc) else esc


def _check_iris(iris: np.ndarray, what: str) -> None:
    """Refuse to write an invalid IRI (cannot happen for validated graphs; a guard)."""
    if not len(iris) or not _BAD_IRI_CHARS.search("".join(iris.tolist())):
        return  # one regex pass; schemes come from the ontology's prefix declarations
    ok = pd.Series(iris, dtype=object).str.match(IRI_RE.pattern).fillna(False).to_numpy(dtype=bool)
    if not ok.all():
        raise EvgraphError(f"refusing to write the invalid IRI <{iris[~ok][0]}> for a {what}")


def _curie_iris(values: pd.Series, schema: Schema, what: str) -> np.ndarray:
    """IRIs of a column of CURIEs (vectorised :func:`curie_to_iri`)."""
    values = values.astype(object).reset_index(drop=True)
    parts = values.str.split(":", n=1, expand=True).reindex(columns=[0, 1])
    prefix, local = parts[0].fillna(""), parts[1].fillna("")
    known = prefix.isin(list(schema.prefixes)) & (local != "")
    if not known.all():
        bad = values[~known].iloc[0]
        raise EvgraphError(f"{what} '{bad}': unknown CURIE prefix '{bad.partition(':')[0]}', cannot make an IRI")
    uri_prefix = prefix.map({p: i.uri_prefix for p, i in schema.prefixes.items()})
    return (uri_prefix + _encode_series(local)).to_numpy(dtype=object)


def _factor(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
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


# ---------------------------------------------------------------------- syntaxes
#: Local names and prefix names written as prefixed names in Turtle (a safe subset of the grammar's).
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_PN_PREFIX = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")


class Syntax:
    """How terms and triples are spelled: N-Triples/N-Quads lines, or Turtle/TriG subject blocks.

    In Turtle, IRIs under a declared prefix whose local part is a plain name are written as prefixed
    names (``UBERON:0001013``), ``rdf:type`` as ``a``, and the triples of one subject share it (``;``).

    >>> Syntax().term("http://purl.obolibrary.org/obo/UBERON_0001013")
    '<http://purl.obolibrary.org/obo/UBERON_0001013>'
    >>> Syntax(prefixes={"UBERON": "http://purl.obolibrary.org/obo/UBERON_"}).term(
    ...     "http://purl.obolibrary.org/obo/UBERON_0001013")
    'UBERON:0001013'
    """

    def __init__(self, graph: str | None = None, prefixes: dict[str, str] | None = None):
        self.turtle = prefixes is not None
        #: What ends a line: N-Triples ``' .\\n'`` (N-Quads: the graph, then ``' .\\n'``); Turtle: nothing.
        self.end = "" if self.turtle else (f" <{graph}> .\n" if graph else " .\n")
        #: What ends a whole triple written on its own line.
        self.stop = self.end or " .\n"
        self.names: dict[str, str] = {}
        for name, ns in (prefixes or {}).items():
            if _PN_PREFIX.match(name):
                self.names.setdefault(ns, name)
        self._by_len = sorted(self.names, key=lambda ns: (-len(ns), ns))

    def prefix_lines(self) -> str:
        """The ``@prefix`` declarations of the names used."""
        return "".join(f"@prefix {name}: <{ns}> .\n" for ns, name in self.names.items()) + "\n"

    def term(self, iri: str) -> str:
        """The token of one IRI."""
        for ns in self._by_len:
            if iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns):]):
                return f"{self.names[ns]}:{iri[len(ns):]}"
        return f"<{iri}>"

    def pred(self, iri: str) -> str:
        """The token of a predicate followed by a space (``rdf:type`` is ``a`` in Turtle)."""
        return ("a " if self.turtle and iri == RDF_TYPE else self.term(iri) + " ") if self.turtle \
            else f" <{iri}> "

    def tokens(self, iris: np.ndarray, namespaces: Iterable[str] | None = None) -> np.ndarray:
        """Tokens of many IRIs (Turtle: prefixed names under the given namespaces where possible)."""
        iris = np.asarray(iris, dtype=object)
        s = pd.Series(iris, dtype=object)
        out = ("<" + s + ">").to_numpy(dtype=object, copy=True) if len(s) else iris.copy()
        if not self.turtle or not len(s):
            return out
        todo = np.ones(len(s), dtype=bool)
        for ns in sorted(set(namespaces if namespaces is not None else self.names), key=lambda x: (-len(x), x)):
            name = self.names.get(ns)
            if name is None:
                continue
            hit = todo & s.str.startswith(ns).to_numpy(dtype=bool)
            if not hit.any():
                continue
            local = s[hit].str.slice(len(ns))
            ok = local.str.match(_PN_LOCAL.pattern).to_numpy(dtype=bool)
            idx = np.flatnonzero(hit)[ok]
            out[idx] = (name + ":" + local[ok]).to_numpy(dtype=object)
            todo[idx] = False
        return out

    def literal(self, value: str) -> str:
        return _lit([value])[0]


def _render(n: int, groups: list[tuple[np.ndarray | None, list[Any]]], subj: np.ndarray,
            syntax: Syntax) -> tuple[str, int]:
    """Text of the triples of ``n`` subjects, subject by subject, groups in order.

    A group is ``(rows, pieces)``: ``rows`` the (ascending) subject of each of its triples
    (``None``: exactly one triple per subject), ``pieces`` strings or arrays (one item per triple)
    whose concatenation is the rest of the triple after the subject. The text is put together
    with one ``str.join`` over the pieces: no string is built per triple.
    """
    counts, total = [], np.zeros(n, dtype=np.int64)
    per_row = np.zeros(n, dtype=np.int64)
    for rows, pieces in groups:
        c = np.ones(n, dtype=np.int64) if rows is None else np.bincount(rows, minlength=n).astype(np.int64)
        counts.append(c)
        per_row += c
        total += c * (len(pieces) + 1)
    has = per_row > 0
    if syntax.turtle:
        total += has
    starts = np.concatenate([[0], np.cumsum(total)[:-1]]).astype(np.int64) if n else total
    out = np.empty(int(total.sum()), dtype=object)
    pos = starts.copy()
    lines = 0
    for (rows, pieces), c in zip(groups, counts, strict=True):
        width = len(pieces) + 1
        if rows is None:
            base = pos
            out[base] = " ;\n    " if syntax.turtle else subj
        else:
            if not len(rows):
                continue
            first = np.cumsum(c) - c
            base = pos[rows] + (np.arange(len(rows)) - first[rows]) * width
            out[base] = " ;\n    " if syntax.turtle else subj[rows]
        for k, piece in enumerate(pieces):
            out[base + (k + 1)] = piece
        lines += len(base)
        pos = pos + c * width
    if syntax.turtle and has.any():
        out[starts[has]] = subj[has] + " "
        out[pos[has]] = " .\n"
    return "".join(out.tolist()), lines


# ---------------------------------------------------------------------- writer
#: Nodes or edges rendered at a time: chunks of text stay below ~30 MB, which the allocator reuses.
CHUNK_SIZE = 20_000


@dataclass
class _Column:
    """A column ready to write: value codes per row and the text of the triple(s) of each value."""

    codes: np.ndarray
    toks: np.ndarray
    counts: np.ndarray | None = None  # multi-valued: values per distinct cell, at ``offsets`` in ``toks``
    offsets: np.ndarray | None = None

    @property
    def present(self) -> np.ndarray:
        return self.toks != "" if len(self.toks) else np.zeros(0, dtype=bool)


class NTriplesWriter:
    """Renders a :class:`KnowledgeGraph` as N-Triples (or N-Quads, or Turtle) text, chunk by chunk.

    Each chunk is a string of complete triples; nodes come first (all triples of a node
    together), then edges: the direct triples of the chunk, then one block per reified edge.
    Every distinct value (a node, a CURIE, a class, a literal of a categorical column) is turned
    into its text once; the triples are then assembled by taking those texts by code.
    """

    def __init__(self, kg: KnowledgeGraph, graph: str | None = None, chunk_size: int = CHUNK_SIZE,
                 syntax: Syntax | None = None):
        self.kg = kg
        self.schema = kg.schema
        self.chunk_size = chunk_size
        self.syntax = syntax = syntax or Syntax(graph)
        self.end = syntax.end
        self.count = 0
        schema = self.schema
        nodes = kg.nodes
        ids = nodes["id"].astype(object)
        iris = _curie_iris(ids, schema, "node")
        _check_iris(iris, "node")
        self.node_iri = iris
        self.node_tok = syntax.tokens(iris, [p.uri_prefix for p in schema.prefixes.values()])
        codes, cats = _factor(nodes["category"])
        class_rest = np.array([syntax.pred(RDF_TYPE) + syntax.term(schema.classes[c].iri) + syntax.end
                               for c in cats], dtype=object)
        self.class_rest = class_rest[codes] if len(codes) else np.empty(0, dtype=object)
        self.id_rest = (syntax.pred(DCT_IDENTIFIER) + _lit(ids) + syntax.end) if len(ids) \
            else np.empty(0, dtype=object)
        self.rel_tok = np.array([syntax.term(r.iri) for r in schema.relations.values()], dtype=object)
        self.rel_codes = pd.Categorical(kg.edges["predicate"].astype(str),
                                        categories=list(schema.relations)).codes.astype(np.int64)
        # parallel edges (same subject, relationship, object) share one direct triple
        self.first_direct = ~pd.DataFrame({"s": kg.src, "p": self.rel_codes, "o": kg.dst}).duplicated().to_numpy()
        self._node_rest: dict[str, np.ndarray] = {}
        self._columns: dict[tuple[str, str], _Column] = {}

    # -------------------------------------------------------------- helpers
    def _rest_by_node(self, pred: str) -> np.ndarray:
        """For every node: the rest of a triple ``<x> pred <node>``."""
        if pred not in self._node_rest:
            self._node_rest[pred] = (self.syntax.pred(pred) + self.node_tok + self.end) if len(self.node_tok) \
                else self.node_tok
        return self._node_rest[pred]

    def _value_tokens(self, slot: Slot, uniques: np.ndarray) -> np.ndarray:
        """Object token for each unique cell value ('' = no triple), vectorised."""
        vals = pd.Series(uniques, dtype=object).astype(str)
        empty = (vals == "").to_numpy()
        if slot.kind in ("literal", "category"):
            toks = _lit(vals)
        elif slot.kind == "integer":
            toks = ('"' + vals + '"^^' + self.syntax.term(XSD + "integer")).to_numpy(dtype=object)
        elif slot.kind == "double":  # pragma: no cover - doubles go through _double_tokens
            raise ValueError(slot.kind)
        else:
            if slot.kind == "curie":
                iris = _curie_iris(vals[~empty], self.schema, slot.column)
                namespaces = [self.schema.prefixes[p].uri_prefix for p in slot.allowed_prefixes(self.schema)
                              if p in self.schema.prefixes] or None
            elif slot.kind == "enum":
                iris = (EVGRAPH + _encode_series(vals[~empty])).to_numpy(dtype=object)
                namespaces = [EVGRAPH]
            elif slot.kind == "statement":
                iris = (STATEMENT_NS + _encode_series(vals[~empty])).to_numpy(dtype=object)
                namespaces = [STATEMENT_NS]
            else:  # pragma: no cover
                raise ValueError(slot.kind)
            _check_iris(iris, slot.column)
            toks = np.full(len(vals), "", dtype=object)
            toks[~empty] = self.syntax.tokens(iris, namespaces)
        toks[empty] = ""
        return toks

    def _column(self, table: str, slot: Slot) -> _Column:
        """The texts of every distinct value of a node or edge column, made once per export."""
        key = (table, slot.column)
        if key not in self._columns:
            frame = self.kg.nodes if table == "nodes" else self.kg.edges
            self._columns[key] = self._prepare(slot, frame[slot.column])
        return self._columns[key]

    def _prepare(self, slot: Slot, values: pd.Series) -> _Column:
        rest = self.syntax.pred(slot.predicate)
        end = self.end
        if slot.kind == "double":
            codes, uniques = pd.factorize(pd.Series(values.to_numpy(dtype=np.float64)), use_na_sentinel=False)
            dtype = self.syntax.term(XSD + "double")
            toks = np.array(["" if np.isnan(u) else f'{rest}"{float(u)!r}"^^{dtype}{end}' for u in uniques],
                            dtype=object)
            return _Column(codes.astype(np.int64), toks)
        codes, uniques = _factor(values)
        if slot.multi:
            lists = [list(dict.fromkeys(x for x in u.split(LIST_SEP) if x)) for u in uniques]
            counts = np.array([len(x) for x in lists], dtype=np.int64)
            flat = np.array([x for lst in lists for x in lst], dtype=object)
            toks = (rest + self._value_tokens(slot, flat) + end) if len(flat) else flat
            offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
            return _Column(codes, toks, counts, offsets)
        toks = self._value_tokens(slot, uniques)
        if len(toks):
            toks = np.where(toks != "", rest + toks + end, "").astype(object)
        return _Column(codes, toks)

    def _slot_group(self, table: str, slot: Slot, sel: slice | np.ndarray
                    ) -> tuple[np.ndarray | None, list[Any]] | None:
        """The triples of one column for the rows ``sel``, as a :func:`_render` group (``None``: none)."""
        col = self._column(table, slot)
        codes = col.codes[sel]
        if not len(codes):
            return None
        if col.counts is not None:
            cnt = col.counts[codes]
            total = int(cnt.sum())
            if not total:
                return None
            rows = np.repeat(np.arange(len(codes)), cnt)
            within = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            return rows, [col.toks[np.repeat(col.offsets[codes], cnt) + within]]
        present = col.present[codes]
        if present.all():
            return None, [col.toks[codes]]
        rows = np.flatnonzero(present)
        return (rows, [col.toks[codes[rows]]]) if len(rows) else None

    def _render(self, n: int, groups: list, subj: np.ndarray) -> str:
        text, lines = _render(n, [g for g in groups if g is not None], subj, self.syntax)
        self.count += lines
        return text

    # -------------------------------------------------------------- nodes
    def node_chunk(self, idx: np.ndarray, full: bool = True) -> str:
        """Triples of the nodes at positions ``idx`` (``full=False``: only type and identifier)."""
        groups: list[Any] = [(None, [self.class_rest[idx]]), (None, [self.id_rest[idx]])]
        if full:
            groups += [self._slot_group("nodes", slot, idx) for slot in NODE_SLOTS]
        return self._render(len(idx), groups, self.node_tok[idx])

    # -------------------------------------------------------------- edges
    def direct_chunk(self, lo: int, hi: int) -> str:
        """The direct triples ``<subject> <relationship> <object>`` of edges ``lo:hi`` (one per
        distinct subject, relationship, object)."""
        kg = self.kg
        direct = lo + np.flatnonzero(self.first_direct[lo:hi])
        pieces = np.empty((len(direct), 6), dtype=object)
        pieces[:, 0] = self.node_tok[kg.src[direct]]
        pieces[:, 1] = " "
        pieces[:, 2] = self.rel_tok[self.rel_codes[direct]]
        pieces[:, 3] = " "
        pieces[:, 4] = self.node_tok[kg.dst[direct]]
        pieces[:, 5] = self.syntax.stop
        self.count += len(direct)
        return "".join(pieces.ravel().tolist())

    def statement_chunk(self, lo: int, hi: int) -> str:
        """The reified statements of edges ``lo:hi``, one block per edge."""
        kg, syntax, end = self.kg, self.syntax, self.end
        ids = kg.edges["id"].iloc[lo:hi]
        e_iri = _edge_iris(ids)
        _check_iris(e_iri, "edge")
        e = syntax.tokens(np.asarray(e_iri, dtype=object), [EVGRAPH])
        pred_rest = syntax.pred(REIFICATION[1]) + self.rel_tok + end
        groups: list[Any] = [
            (None, [syntax.pred(RDF_TYPE) + syntax.term(STATEMENT_TYPES[0]) + end]),
            (None, [syntax.pred(RDF_TYPE) + syntax.term(STATEMENT_TYPES[1]) + end]),
            (None, [self._rest_by_node(REIFICATION[0])[kg.src[lo:hi]]]),
            (None, [pred_rest[self.rel_codes[lo:hi]]]),
            (None, [self._rest_by_node(REIFICATION[2])[kg.dst[lo:hi]]]),
            (None, [syntax.pred(DCT_IDENTIFIER) + '"', _escape(ids), '"' + end]),
        ]
        groups += [self._slot_group("edges", slot, slice(lo, hi)) for slot in EDGE_SLOTS]
        return self._render(hi - lo, groups, e)

    def edge_chunk(self, lo: int, hi: int) -> str:
        """Direct triples then reified statements of edges ``lo:hi``."""
        return self.direct_chunk(lo, hi) + self.statement_chunk(lo, hi)

    # -------------------------------------------------------------- dataset
    def header(self, total: int | None = None) -> str:
        """The dataset description (call last so ``void:triples`` is known)."""
        from .. import __version__

        facts = ontology_facts()
        ds = f"<{DATASET_IRI}>"
        kg = self.kg
        triples = [
            (f"<{RDF_TYPE}>", f"<{VOID}Dataset>"),
            (f"<{RDF_TYPE}>", f"<{OWL}Ontology>"),
            (f"<{DCTERMS}title>", _lit(["evgraph knowledge graph of systemic extracellular-vesicle traffic"])[0]),
            (f"<{OWL}imports>", f"<{ONTOLOGY_IRI}>"),
            (f"<{DCTERMS}conformsTo>", f"<{facts['version_iri'] or ONTOLOGY_IRI}>"),
            (f"<{VOID}vocabulary>", f"<{EVGRAPH}>"),
            (f"<{VOID}vocabulary>", f"<{BIOLINK}>"),
            (f"<{OWL}versionInfo>", _lit([str(kg.metadata.get("evgraph_version", __version__))])[0]),
            (f"<{DCTERMS}hasVersion>", _lit([str(kg.metadata.get("evgraph_version", __version__))])[0]),
            (f"<{VOID}entities>", f'"{kg.num_nodes}"^^<{XSD}integer>'),
        ]
        if facts["license"]:
            triples.append((f"<{DCTERMS}license>", f"<{facts['license']}>"))
        n = len(triples) + 1
        total = (self.count if total is None else total) + n
        triples.append((f"<{VOID}triples>", f'"{total}"^^<{XSD}integer>'))
        self.count += n
        return "".join(f"{ds} {p} {o}{self.syntax.stop}" for p, o in triples)

    def chunks(self, progress: bool = False) -> Iterator[str]:
        """Every chunk of the data graph: nodes, the direct triples of the edges, their reified
        statements, then the dataset header (the text does not depend on ``chunk_size``)."""
        kg = self.kg
        step = self.chunk_size
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=kg.num_nodes + kg.num_edges, unit="rec", desc="rdf", leave=False)
        for lo in range(0, kg.num_nodes, step):
            hi = min(lo + step, kg.num_nodes)
            yield self.node_chunk(np.arange(lo, hi))
            if bar is not None:
                bar.update(hi - lo)
        for lo in range(0, kg.num_edges, step * 5):
            yield self.direct_chunk(lo, min(lo + step * 5, kg.num_edges))
        for lo in range(0, kg.num_edges, step):
            hi = min(lo + step, kg.num_edges)
            yield self.statement_chunk(lo, hi)
            if bar is not None:
                bar.update(hi - lo)
        if bar is not None:
            bar.close()
        yield self.header()


def ontology_lines(graph: str | None = None) -> str:
    """The ontology as N-Triples/N-Quads text, blank nodes renamed deterministically."""
    import pyoxigraph as ox

    names: dict[str, str] = {}

    def term(t) -> str:
        if isinstance(t, ox.BlankNode):
            return "_:o" + names.setdefault(t.value, str(len(names) + 1))
        return str(t)

    end = f" <{graph}> .\n" if graph else " .\n"
    out = []
    for q in ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE):
        out.append(f"{term(q.subject)} {term(q.predicate)} {term(q.object)}{end}")
    return "".join(out)


def iter_rdf_chunks(kg: KnowledgeGraph, fmt: str, include_ontology: bool | None = None,
                    chunk_size: int = CHUNK_SIZE, progress: bool = False) -> Iterator[str]:
    """The export as text, chunk by chunk: N-Triples / N-Quads lines for nt, nq and jsonld
    (which pyoxigraph serialises), Turtle / TriG written directly for ttl and trig.
    """
    quads = fmt in QUAD_FORMATS
    with_ontology = include_ontology if include_ontology is not None else quads
    if fmt in ("ttl", "trig"):
        syntax = Syntax(prefixes=turtle_prefixes(kg.schema))
        yield syntax.prefix_lines()
        if quads:
            yield f"<{DATASET_IRI}> {{\n"
        yield from NTriplesWriter(kg, chunk_size=chunk_size, syntax=syntax).chunks(progress=progress)
        if quads:
            yield "}\n"
        if with_ontology:
            yield (f"<{ONTOLOGY_IRI}> {{\n" + ontology_lines() + "}\n") if quads else ontology_lines()
        return
    writer = NTriplesWriter(kg, graph=DATASET_IRI if quads else None, chunk_size=chunk_size)
    yield from writer.chunks(progress=progress)
    if with_ontology:
        yield ontology_lines(ONTOLOGY_IRI if quads else None)


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise EvgraphError(f"unknown RDF format '{fmt}' (known: {', '.join(FORMATS)})")
    return fmt


def write_rdf_stream(kg: KnowledgeGraph, out: IO[bytes], fmt: str = "ttl", include_ontology: bool | None = None,
                     chunk_size: int = CHUNK_SIZE, progress: bool = False) -> None:
    """Write the export to a binary stream."""
    import pyoxigraph as ox

    _check_format(fmt)
    chunks = iter_rdf_chunks(kg, fmt, include_ontology, chunk_size, progress)
    if fmt != "jsonld":
        for chunk in chunks:
            out.write(chunk.encode("utf-8"))
        return

    def quads():
        for chunk in chunks:
            yield from ox.parse(chunk.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)

    ox.serialize(quads(), out, _ox_format(fmt), prefixes=turtle_prefixes(kg.schema))


def write_rdf(kg: KnowledgeGraph, path: str | Path, fmt: str | None = None, include_ontology: bool | None = None,
              chunk_size: int = CHUNK_SIZE, progress: bool = False) -> Path:
    """Write ``kg`` as RDF to ``path`` atomically (format from ``fmt`` or the extension)."""
    path = Path(path)
    fmt = _check_format(fmt or guess_format(path, default="ttl"))
    opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
    with atomic_path(path) as tmp, opener(tmp, "wb") as fh:
        write_rdf_stream(kg, fh, fmt, include_ontology, chunk_size, progress)
    return path


def to_rdf_string(kg: KnowledgeGraph, fmt: str = "ttl", include_ontology: bool | None = None) -> str:
    """The export as a string (small graphs)."""
    buf = io.BytesIO()
    write_rdf_stream(kg, buf, fmt, include_ontology)
    return buf.getvalue().decode("utf-8")


def guess_format(path: str | Path, default: str | None = None) -> str:
    """RDF format from a file name (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.gz``).

    >>> guess_format("out/kg.nt.gz")
    'nt'
    """
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    fmt = READ_EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        if default is None:
            raise EvgraphError(f"{path}: cannot tell the RDF format from the extension "
                               f"(use one of {', '.join(sorted(READ_EXTENSIONS))})")
        return default
    return fmt


# ---------------------------------------------------------------------- reader
@cache
def _ontology_subjects() -> frozenset[str]:
    import pyoxigraph as ox

    return frozenset(q.subject.value for q in ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
                     if isinstance(q.subject, ox.NamedNode))


class _Reader:
    def __init__(self, path: Path, schema: Schema):
        self.path = path
        self.file = str(path)
        self.schema = schema
        self.problems: list[Problem] = []
        self.class_by_iri = {c.iri: c.name for c in schema.classes.values()}
        self.rel_by_iri = {r.iri: r.name for r in schema.relations.values()}
        self.node_slot = {s.predicate: s for s in NODE_SLOTS}
        self.edge_slot = {s.predicate: s for s in EDGE_SLOTS}
        self.other_types = {*STATEMENT_TYPES, VOID + "Dataset", OWL + "Ontology"}

    def fail(self, line: int | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, field, message))
        if len(self.problems) >= 50:
            raise DataError(self.problems)


def _triple_text(q) -> str:
    return f"{q.subject} {q.predicate} {q.object}"


def read_rdf(builder: GraphBuilder, path: str | Path | None, fmt: str | None = None) -> None:
    """Add the nodes and edges of an evgraph RDF export (any format we write) to ``builder``.

    Every problem names the file, the position of the offending triple in it (for N-Triples and
    N-Quads, the line) and the triple: unparseable input, an unknown class or predicate, an IRI
    that maps back to no CURIE, a statement whose subject or object is not a typed node.
    """
    import pyoxigraph as ox

    if path is None:
        raise EvgraphError("the rdf source needs a file: --source rdf=FILE")
    path = Path(path)
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, "file not found"))
    fmt = fmt or guess_format(path)
    schema = builder.schema
    r = _Reader(path, schema)
    ont_subjects = _ontology_subjects()

    types: dict[str, list[tuple[str, int, Any]]] = {}
    props: dict[str, dict[str, list[tuple[Any, int]]]] = {}
    direct: list[tuple[str, str, str, int, Any]] = []
    first_line: dict[str, int] = {}
    try:
        source: Any = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")
        with source as fh:
            for line, q in enumerate(ox.parse(fh, format=_ox_format(fmt)), start=1):
                g = q.graph_name
                if isinstance(g, ox.NamedNode) and g.value == ONTOLOGY_IRI:
                    continue
                subj, pred, obj = q.subject, q.predicate.value, q.object
                if not isinstance(subj, ox.NamedNode):
                    continue  # blank nodes only occur in the (optionally included) ontology
                s = subj.value
                if s == DATASET_IRI or s in ont_subjects:
                    continue
                first_line.setdefault(s, line)
                if pred == RDF_TYPE:
                    types.setdefault(s, []).append((obj.value if isinstance(obj, ox.NamedNode) else str(obj),
                                                    line, q))
                elif pred in r.rel_by_iri:
                    if not isinstance(obj, ox.NamedNode):
                        r.fail(line, "object", f"triple {_triple_text(q)}: the object of a relationship must be an IRI")
                        continue
                    direct.append((s, pred, obj.value, line, q))
                elif pred in r.node_slot or pred in r.edge_slot or pred in REIFICATION or pred == DCT_IDENTIFIER:
                    props.setdefault(s, {}).setdefault(pred, []).append((obj, line))
                else:
                    r.fail(line, "predicate", f"triple {_triple_text(q)}: unknown predicate <{pred}>")
    except SyntaxError as exc:
        raise DataError(Problem(str(path), None, None, f"cannot parse as {fmt}: {exc}")) from None
    except (ValueError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(Problem(str(path), None, None, f"cannot read as {fmt}: {exc}")) from None
    if r.problems:
        raise DataError(r.problems)

    # ---------------------------------------------------------------- classify subjects
    node_rows: list[dict[str, Any]] = []
    node_id: dict[str, str] = {}
    statements: list[str] = []
    for s, tlist in types.items():
        classes = []
        is_statement = False
        for t, line, q in tlist:
            if t in r.class_by_iri:
                classes.append(r.class_by_iri[t])
            elif t == STATEMENT_TYPES[0]:
                is_statement = True
            elif t not in r.other_types:
                r.fail(line, "category", f"triple {_triple_text(q)}: unknown class <{t}>")
        if is_statement:
            statements.append(s)
            continue
        if not classes:
            continue
        line = first_line[s]
        if len(classes) > 1:
            r.fail(line, "category", f"<{s}> has several evgraph classes: {', '.join(sorted(classes))}")
            continue
        p = props.get(s, {})
        ident = p.get(DCT_IDENTIFIER)
        if ident:
            cid = ident[0][0].value
        else:
            cid = iri_to_curie(s)
            if cid is None:
                r.fail(line, "id", f"triple <{s}> <{RDF_TYPE}> <{tlist[0][0]}>: cannot map the IRI <{s}> back "
                                   "to a CURIE (no declared prefix matches; add dcterms:identifier)")
                continue
        row: dict[str, Any] = {"id": cid, "category": classes[0], "_line": line}
        for pred, values in p.items():
            slot = r.node_slot.get(pred)
            if slot is None:
                if pred != DCT_IDENTIFIER:
                    r.fail(values[0][1], "predicate", f"<{pred}> is an edge property, but <{s}> is a "
                                                      f"{classes[0]} node")
                continue
            texts = sorted({v.value for v, _ in values})
            row[slot.column] = LIST_SEP.join(texts) if slot.multi else texts[0]
        node_rows.append(row)
        node_id[s] = cid

    # ---------------------------------------------------------------- statements
    def node_ref(iri: str, line: int, field: str, q_text: str) -> str | None:
        cid = node_id.get(iri)
        if cid is None:
            r.fail(line, field, f"{q_text}: missing reference: <{iri}> is not a typed node of the graph")
        return cid

    edge_rows: list[dict[str, Any]] = []
    covered: set[tuple[str, str, str]] = set()
    for e in statements:
        p = props.get(e, {})
        line = first_line[e]
        ends = {}
        ok = True
        for pred in REIFICATION:
            vals = p.get(pred, [])
            if len(vals) != 1 or not isinstance(vals[0][0], ox.NamedNode):
                r.fail(line, pred.rsplit("#", 1)[1], f"statement <{e}> needs exactly one IRI for <{pred}>")
                ok = False
            else:
                ends[pred] = (vals[0][0].value, vals[0][1])
        if not ok:
            continue
        (s_iri, s_line), (p_iri, p_line), (o_iri, o_line) = (ends[x] for x in REIFICATION)
        if p_iri not in r.rel_by_iri:
            r.fail(p_line, "predicate", f"triple <{e}> <{REIFICATION[1]}> <{p_iri}>: unknown relationship")
            continue
        s_id = node_ref(s_iri, s_line, "subject", f"triple <{e}> <{REIFICATION[0]}> <{s_iri}>")
        o_id = node_ref(o_iri, o_line, "object", f"triple <{e}> <{REIFICATION[2]}> <{o_iri}>")
        if s_id is None or o_id is None:
            continue
        covered.add((s_iri, p_iri, o_iri))
        ident = p.get(DCT_IDENTIFIER)
        if ident:
            eid = ident[0][0].value
        elif e.startswith(EDGE_NS):
            eid = unquote(e[len(EDGE_NS):])
        else:
            eid = iri_to_curie(e) or ""
        row = {"id": eid, "subject": s_id, "predicate": r.rel_by_iri[p_iri], "object": o_id, "_line": line}
        for pred, values in p.items():
            slot = r.edge_slot.get(pred)
            if slot is None:
                if pred in r.node_slot:
                    r.fail(values[0][1], "predicate", f"<{pred}> is a node property, but <{e}> is a statement")
                continue
            texts = []
            for v, vline in values:
                text = _read_value(slot, v, vline, e, r)
                if text is not None:
                    texts.append(text)
            if not texts:
                continue
            if slot.kind == "double":
                row[slot.column] = texts[0]
            else:
                uniq = sorted(set(texts))
                row[slot.column] = LIST_SEP.join(uniq) if slot.multi else uniq[0]
        edge_rows.append(row)

    for s_iri, p_iri, o_iri, line, q in direct:
        if (s_iri, p_iri, o_iri) in covered:
            continue
        s_id = node_ref(s_iri, line, "subject", f"triple {_triple_text(q)}")
        o_id = node_ref(o_iri, line, "object", f"triple {_triple_text(q)}")
        if s_id is not None and o_id is not None:
            edge_rows.append({"subject": s_id, "predicate": r.rel_by_iri[p_iri], "object": o_id, "_line": line})
    if r.problems:
        raise DataError(r.problems)
    if not node_rows:
        raise DataError(Problem(str(path), None, None, "no evgraph nodes found (is this an evgraph RDF export?)"))
    builder.add_nodes(pd.DataFrame(node_rows), file=str(path))
    if edge_rows:
        builder.add_edges(pd.DataFrame(edge_rows), file=str(path))
    builder.sources.append(f"rdf={path}")


def _read_value(slot: Slot, v: Any, line: int, subject: str, r: _Reader) -> Any:
    import pyoxigraph as ox

    where = f"triple <{subject}> <{slot.predicate}> {v}"
    if slot.kind in ("literal", "category"):
        if not isinstance(v, ox.Literal):
            r.fail(line, slot.column, f"{where}: expected a literal")
            return None
        return v.value
    if slot.kind == "integer":
        if not isinstance(v, ox.Literal) or not re.fullmatch(r"-?\d+", v.value):
            r.fail(line, slot.column, f"{where}: not a whole number")
            return None
        return str(int(v.value))
    if slot.kind == "double":
        try:
            return float(v.value) if isinstance(v, ox.Literal) else r.fail(line, slot.column, f"{where}: not a number")
        except ValueError:
            r.fail(line, slot.column, f"{where}: '{v.value}' is not a number")
            return None
    if not isinstance(v, ox.NamedNode):
        r.fail(line, slot.column, f"{where}: expected an IRI")
        return None
    iri = v.value
    if slot.kind == "enum":
        if iri.startswith(EVGRAPH):
            return unquote(iri[len(EVGRAPH):])
    elif slot.kind == "statement":
        if iri.startswith(STATEMENT_NS):
            return unquote(iri[len(STATEMENT_NS):])
    else:
        cid = iri_to_curie(iri)
        if cid is not None:
            return cid
    r.fail(line, slot.column, f"{where}: cannot map the IRI <{iri}> back to an evgraph value")
    return None


def rdf_triples(text: str | bytes, fmt: str = "nt") -> list[str]:
    """Sorted N-Triples lines of an RDF document (a strict parse by pyoxigraph; for tests)."""
    import pyoxigraph as ox

    data = text.encode("utf-8") if isinstance(text, str) else text
    return sorted(itertools.chain.from_iterable(
        [str(q.triple if hasattr(q, "triple") else q)] for q in ox.parse(data, format=_ox_format(fmt))))
