"""SHACL shapes for evgraph's RDF export, generated from the ontology, and validation.

``ontology/shapes.ttl`` is *generated* by :func:`generate_shapes` from the ontology (classes,
relationship domains and ranges, identifier prefixes and patterns, enumerations) and from the
RDF mapping of :mod:`evgraph.formats.rdf` (which property carries which column); a test checks
the committed file equals the generated text. Regenerate with::

    python -m evgraph.formats.rdf.shacl > ontology/shapes.ttl

Validation runs pySHACL over the export of a graph. pySHACL costs about 0.1 ms a triple, so
graphs above :data:`SHARD_EDGES` edges are validated in shards: nodes in blocks, then edges in
blocks, each edge block carrying the type and identifier of the nodes it references, so every
shape (closedness, domain, range, the reified statement's direct triple) is checked exactly
as on the whole graph, in memory bounded by the shard size.

>>> text = generate_shapes()
>>> "sh:targetSubjectsOf evgraph:releases" in text
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...arrays import unique
from ...errors import Problem, ValidationError
from ...identifiers import compress
from ...model import KnowledgeGraph
from ...schema import EVGRAPH, ONTOLOGY_IRI, Schema, get_schema, ontology_dir
from .mapping import (
    DCT_IDENTIFIER,
    EDGE_SLOTS,
    NODE_SLOTS,
    REIFICATION,
    STATEMENT_NS,
    STATEMENT_TYPES,
    Slot,
    ontology_facts,
)
from .writer import NTriplesWriter

SHAPES_NS = "https://w3id.org/evgraph/shapes/"
#: Graphs with more edges than this are validated shard by shard.
SHARD_EDGES = 50_000

_PREFIXES = {
    "sh": "http://www.w3.org/ns/shacl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "biolink": "https://w3id.org/biolink/vocab/",
    "evgraph": EVGRAPH,
    "shapes": SHAPES_NS,
}


def shapes_path() -> Path:
    """Path of the committed ``shapes.ttl`` (next to the ontology)."""
    return ontology_dir() / "shapes.ttl"


def _q(iri: str) -> str:
    """An IRI as a prefixed name when a prefix fits, else ``<iri>``."""
    for name, ns in sorted(_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_\-]*", iri[len(ns):]):
            return f"{name}:{iri[len(ns):]}"
    return f"<{iri}>"


def _s(text: str) -> str:
    """A Turtle string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _local(pattern: str) -> str:
    return pattern.removeprefix("^").removesuffix("$")


def _alts(items: list[str]) -> str:
    return "|".join(items)


def _curie_pattern(schema: Schema, prefixes: tuple[str, ...]) -> str:
    """Regex for a CURIE with one of ``prefixes`` and its local pattern."""
    return "^(" + _alts([f"{p}:({_local(schema.prefixes[p].pattern)})" for p in prefixes]) + ")$"


def _iri_pattern(schema: Schema, prefixes: tuple[str, ...]) -> str:
    """Regex for the IRI expansion of ``prefixes`` (the local part may be percent-encoded)."""
    return "^(" + _alts([re.escape(schema.prefixes[p].uri_prefix) for p in prefixes]) + ")"


def _slot_property(schema: Schema, slot: Slot) -> list[str]:
    out = [f"sh:path {_q(slot.predicate)}", f"sh:name {_s(slot.column)}"]
    if not slot.multi:
        out.append("sh:maxCount 1")
    if slot.kind in ("literal", "category"):
        out.append("sh:datatype xsd:string")
        if slot.pattern:
            out.append(f"sh:pattern {_s(slot.pattern)}")
        if slot.kind == "category":
            out.append("sh:in ( " + " ".join(_s(c) for c in schema.condition_categories) + " )")
    elif slot.kind in ("double", "integer"):
        out.append(f"sh:datatype xsd:{slot.kind}")
        out += [f"sh:minInclusive {slot.minimum}"] if slot.minimum is not None else []
        out += [f"sh:maxInclusive {slot.maximum}"] if slot.maximum is not None else []
    elif slot.kind == "curie":
        out += ["sh:nodeKind sh:IRI", f"sh:pattern {_s(_iri_pattern(schema, slot.allowed_prefixes(schema)))}"]
    elif slot.kind == "enum":
        values = schema.vocabularies[slot.enum or ""]
        out.append("sh:in ( " + " ".join(_q(EVGRAPH + v) for v in values) + " )")
    elif slot.kind == "statement":
        out += ["sh:nodeKind sh:IRI", f"sh:pattern {_s('^' + re.escape(STATEMENT_NS))}"]
    return out


def _block(subject: str, lines: list[str], props: list[list[str]]) -> str:
    body = [f"    {line}" for line in lines]
    for p in props:
        body.append("    sh:property [ " + " ; ".join(p) + " ]")
    return f"{subject}\n" + " ;\n".join(body) + " .\n"


def generate_shapes(schema: Schema | None = None) -> str:
    """The SHACL shapes (Turtle text) for the RDF export, derived from the ontology."""
    schema = schema or get_schema()
    facts = ontology_facts()
    rel_iris = [r.iri for r in schema.relations.values()]
    out = [
        "# evgraph SHACL shapes: GENERATED by evgraph.formats.rdf.shacl.generate_shapes() from the ontology",
        "# (ontology/evgraph.ttl) and the RDF mapping (evgraph/formats/rdf.py). Do not edit by hand:",
        "#     python -m evgraph.formats.rdf.shacl > ontology/shapes.ttl",
        "",
        *[f"@prefix {k}: <{v}> ." for k, v in _PREFIXES.items()],
        "",
        f"<{SHAPES_NS}> a owl:Ontology ;",
        f"    rdfs:label {_s('evgraph SHACL shapes')} ;",
        f"    dcterms:source <{ONTOLOGY_IRI}> ;",
        f"    owl:versionInfo {_s(schema.version)} .",
        "",
        "# ---- every node class: IRI namespace, identifier, node properties; closed",
    ]
    node_slots = [s for s in NODE_SLOTS if s.kind != "category"]
    category = next(s for s in NODE_SLOTS if s.kind == "category")
    all_classes = " ".join(_q(c.iri) for c in schema.classes.values())
    for cls in schema.classes.values():
        # rdf:type holds the evgraph class, the Biolink class and, under RDFS inference, the
        # superclasses: exactly one of the values is a (concrete) evgraph class
        props = [["sh:path rdf:type", f"sh:qualifiedValueShape [ sh:in ( {all_classes} ) ]",
                  "sh:qualifiedMinCount 1", "sh:qualifiedMaxCount 1",
                  f"sh:message {_s('a node has exactly one evgraph class')}"],
                 ["sh:path dcterms:identifier", "sh:name \"id\"", "sh:minCount 1", "sh:maxCount 1",
                  "sh:datatype xsd:string", f"sh:pattern {_s(_curie_pattern(schema, cls.prefixes))}"]]
        props += [_slot_property(schema, s) for s in node_slots]
        if cls.name == "Condition":
            props.append(_slot_property(schema, category))
        ignored = " ".join(_q(i) for i in ["http://www.w3.org/1999/02/22-rdf-syntax-ns#type", *rel_iris])
        out.append(_block(f"shapes:{cls.name}", [
            "a sh:NodeShape",
            f"sh:targetClass {_q(cls.iri)}",
            "sh:nodeKind sh:IRI",
            f"sh:pattern {_s(_iri_pattern(schema, cls.prefixes))}",
            "sh:closed true",
            f"sh:ignoredProperties ( {ignored} )",
        ], props))

    out.append("# ---- relationships: domain and range (a missing reference has no class and fails)")
    for rel in schema.relations.values():
        classes = sorted(schema.classes)
        subj = [c for c in classes if any(schema.allows(c, rel.name, o) for o in classes)]
        obj = [c for c in classes if any(schema.allows(s, rel.name, c) for s in classes)]
        for kind, target, names in (("domain", "sh:targetSubjectsOf", subj), ("range", "sh:targetObjectsOf", obj)):
            role = "subject" if kind == "domain" else "object"
            msg = f"the {role} of '{rel.name}' must be a node of class {' or '.join(names)}"
            classes_in = " ".join(_q(schema.classes[n].iri) for n in names)
            out.append(_block(f"shapes:{rel.name}-{kind}", [
                "a sh:NodeShape",
                f"{target} {_q(rel.iri)}",
                "sh:nodeKind sh:IRI",
            ], [["sh:path rdf:type", f"sh:qualifiedValueShape [ sh:in ( {classes_in} ) ]", "sh:qualifiedMinCount 1",
                 f"sh:message {_s(msg)}"]]))

    out.append("# ---- every subject with an identifier is a node of a known class or a statement")
    typed = " ".join(_q(schema.classes[c].iri) for c in schema.classes)
    typed += " " + " ".join(_q(t) for t in STATEMENT_TYPES)
    out.append(_block("shapes:Identified", [
        "a sh:NodeShape",
        f"sh:targetSubjectsOf {_q(DCT_IDENTIFIER)}",
    ], [["sh:path rdf:type", f"sh:qualifiedValueShape [ sh:in ( {typed} ) ]", "sh:qualifiedMinCount 1",
         f"sh:message {_s('not a node of a known evgraph class (unknown class or missing rdf:type)')}"]]))

    out.append("# ---- reified edges: rdf:Statement + biolink:Association with their provenance")
    rels = " ".join(_q(i) for i in rel_iris)
    props = [["sh:path rdf:subject", "sh:minCount 1", "sh:maxCount 1", "sh:nodeKind sh:IRI"],
             ["sh:path rdf:predicate", "sh:minCount 1", "sh:maxCount 1", f"sh:in ( {rels} )"],
             ["sh:path rdf:object", "sh:minCount 1", "sh:maxCount 1", "sh:nodeKind sh:IRI"],
             ["sh:path dcterms:identifier", "sh:name \"id\"", "sh:maxCount 1", "sh:datatype xsd:string"]]
    for slot in EDGE_SLOTS:
        p = _slot_property(schema, slot)
        if slot.column in ("confidence", "knowledge_level", "primary_knowledge_source"):
            p.append("sh:minCount 1")
        props.append(p)
    # that each statement has its direct triple is checked in bulk by direct_triple_violations()
    # (a SHACL-SPARQL constraint costs pySHACL one query per statement)
    out.append(_block("shapes:Statement", [
        "a sh:NodeShape",
        f"sh:targetClass {_q(STATEMENT_TYPES[0])}",
        "sh:nodeKind sh:IRI",
        "sh:closed true",
        "sh:ignoredProperties ( rdf:type )",
    ], props))

    out.append("# ---- the dataset description")
    out.append(_block("shapes:Dataset", [
        "a sh:NodeShape",
        "sh:targetClass void:Dataset",
    ], [
        ["sh:path owl:imports", f"sh:hasValue <{ONTOLOGY_IRI}>"],
        ["sh:path dcterms:conformsTo", f"sh:hasValue <{facts['version_iri'] or ONTOLOGY_IRI}>"],
        ["sh:path dcterms:license", "sh:minCount 1", "sh:nodeKind sh:IRI"],
        ["sh:path owl:versionInfo", "sh:minCount 1", "sh:maxCount 1"],
        ["sh:path void:triples", "sh:minCount 1", "sh:maxCount 1", "sh:datatype xsd:integer"],
    ]))
    return "\n".join(out)


# ---------------------------------------------------------------------- validation
@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, in words."""

    focus: str
    path: str
    value: str
    message: str
    shape: str

    def __str__(self) -> str:
        where = self.focus + (f" {self.path}" if self.path else "")
        val = f" (value {self.value})" if self.value and self.value != self.focus else ""
        return f"{where}: {self.message}{val} [{self.shape}]"

    def problem(self, file: str) -> Problem:
        return Problem(file, None, self.path or None, f"{self.focus}: {self.message}"
                       + (f" (value {self.value})" if self.value and self.value != self.focus else "")
                       + f" [{self.shape}]")


def _short(term) -> str:
    import rdflib

    if term is None:
        return ""
    if isinstance(term, rdflib.URIRef):
        iri = str(term)
        curie = compress(iri)
        if curie and not iri.startswith(EVGRAPH):
            return curie
        q = _q(iri)
        return q
    if isinstance(term, rdflib.Literal):
        return repr(str(term)) if term.datatype is None or str(term.datatype).endswith("#string") else str(term)
    return str(term)


def load_shapes():
    """The shapes as an rdflib graph (the committed ``shapes.ttl``)."""
    import rdflib

    g = rdflib.Graph()
    g.parse(shapes_path(), format="turtle")
    return g


def validate_ntriples(text: str, shapes=None) -> list[Violation]:
    """Validate N-Triples text against the shapes; return the violations (sorted)."""
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    data = rdflib.Graph()
    data.parse(data=text, format="nt")
    shapes = shapes if shapes is not None else load_shapes()
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                            advanced=False, allow_warnings=True)
    out = direct_triple_violations(data)
    if conforms:
        return sorted(set(out))
    for res in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        msgs = sorted(str(m) for m in results.objects(res, SH.resultMessage))
        out.append(Violation(
            focus=_short(results.value(res, SH.focusNode)),
            path=_short(results.value(res, SH.resultPath)),
            value=_short(results.value(res, SH.value)),
            message="; ".join(msgs) or "constraint violated",
            shape=_short(results.value(res, SH.sourceShape)) if isinstance(
                results.value(res, SH.sourceShape), rdflib.URIRef) else
            _short(results.value(res, SH.sourceConstraintComponent)),
        ))
    return sorted(set(out))


def direct_triple_violations(data) -> list[Violation]:
    """Reified statements whose direct triple is missing (a bulk check beside the shapes)."""
    import rdflib

    s_, p_, o_ = (rdflib.URIRef(x) for x in REIFICATION)
    out = []
    for st in data.subjects(rdflib.RDF.type, rdflib.URIRef(STATEMENT_TYPES[0])):
        s, p, o = data.value(st, s_), data.value(st, p_), data.value(st, o_)
        if None not in (s, p, o) and (s, p, o) not in data:
            out.append(Violation(_short(st), "", "", f"the statement has no direct triple {s} {p} {o}",
                                 "shapes:Statement"))
    return out


def iter_shards(kg: KnowledgeGraph, shard_edges: int = SHARD_EDGES) -> Iterator[str]:
    """N-Triples shards of the export that can each be validated on their own."""
    w = NTriplesWriter(kg)
    for lo in range(0, kg.num_nodes, shard_edges):
        yield w.node_chunk(np.arange(lo, min(lo + shard_edges, kg.num_nodes)))
    for lo in range(0, kg.num_edges, shard_edges):
        hi = min(lo + shard_edges, kg.num_edges)
        refs = unique(np.concatenate([kg.src[lo:hi], kg.dst[lo:hi]]))
        yield w.node_chunk(refs, full=False) + w.edge_chunk(lo, hi)
    yield w.header()


def validate_kg(kg: KnowledgeGraph, shard_edges: int | None = None, progress: bool = False) -> list[Violation]:
    """Validate the RDF export of ``kg`` against ``shapes.ttl`` (sharded for big graphs)."""
    from .writer import iter_rdf_chunks

    shapes = load_shapes()
    if shard_edges is None and kg.num_edges <= SHARD_EDGES and kg.num_nodes <= SHARD_EDGES:
        return validate_ntriples("".join(iter_rdf_chunks(kg, "nt", include_ontology=False)), shapes)
    shards = iter_shards(kg, shard_edges or SHARD_EDGES)
    if progress:
        from ...progress import bar

        n = -(-kg.num_nodes // (shard_edges or SHARD_EDGES)) - (-kg.num_edges // (shard_edges or SHARD_EDGES)) + 1
        shards = bar(shards, total=n, desc="shacl shards", unit="shard")
    out: set[Violation] = set()
    for text in shards:
        out.update(validate_ntriples(text, shapes))
    return sorted(out)


def validate_file(path: str | Path, fmt: str | None = None) -> list[Violation]:
    """Validate an RDF file (any format evgraph writes; the ontology graph is skipped)."""
    import pyoxigraph as ox

    from ...errors import DataError
    from .mapping import ox_format
    from .writer import guess_format

    path = Path(path)
    fmt = fmt or guess_format(path)
    lines = []
    try:
        for q in ox.parse(path=str(path), format=ox_format(fmt)):
            g = q.graph_name
            if isinstance(g, ox.NamedNode) and g.value == ONTOLOGY_IRI:
                continue
            if isinstance(q.subject, ox.BlankNode):
                continue
            lines.append(f"{q.subject} {q.predicate} {q.object} .\n")
    except (SyntaxError, OSError) as exc:
        raise DataError(Problem(str(path), None, None, f"cannot parse as {fmt}: {exc}")) from None
    return validate_ntriples("".join(lines))


def check_kg(kg: KnowledgeGraph, progress: bool = False) -> None:
    """Raise :class:`ValidationError` listing every SHACL violation of ``kg``'s export."""
    violations = validate_kg(kg, progress=progress)
    if violations:
        raise ValidationError([v.problem("SHACL") for v in violations])


if __name__ == "__main__":  # pragma: no cover
    import sys

    sys.stdout.write(generate_shapes())
