"""The evgraph schema, read from the OWL ontology (``ontology/evgraph.ttl``).

The ontology is the single source of truth: node classes, relationship types with their
domains and ranges, Biolink alignments, CURIE prefixes and their patterns all come from it.
Nothing here keeps a second, hand-written list.

>>> schema = get_schema()
>>> schema.relations["releases"].domain == frozenset({"CellType", "Organ"})
True
>>> schema.classes["CellType"].biolink_category
'biolink:Cell'
>>> schema.allows("CellType", "releases", "EVPopulation")
True
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from .errors import SchemaError

EVGRAPH = "https://w3id.org/evgraph/"
BIOLINK = "https://w3id.org/biolink/vocab/"
ONTOLOGY_IRI = "https://w3id.org/evgraph/ontology"


def ontology_dir() -> Path:
    """Folder holding ``evgraph.ttl`` and ``shapes.ttl``.

    Installed wheels carry it inside the package (``evgraph/ontology``); a source checkout
    (editable install) uses the top-level ``ontology/`` folder.
    """
    packaged = Path(str(resources.files("evgraph"))) / "ontology"
    if (packaged / "evgraph.ttl").is_file():
        return packaged
    source = Path(__file__).resolve().parent.parent / "ontology"
    if (source / "evgraph.ttl").is_file():
        return source
    raise SchemaError("cannot find the evgraph ontology (evgraph.ttl) next to the package")


def ontology_path() -> Path:
    """Path of ``evgraph.ttl``."""
    return ontology_dir() / "evgraph.ttl"


@dataclass(frozen=True)
class NodeClass:
    """A node class of the ontology (e.g. ``CellType``)."""

    name: str
    label: str
    iri: str
    biolink_category: str
    prefixes: tuple[str, ...]
    preferred_prefix: str
    definition: str
    parents: tuple[str, ...]
    #: Biolink categories KGX import maps to this class besides ``biolink_category``
    import_categories: tuple[str, ...] = ()
    #: tie-break on KGX import (lower wins) when a category and prefix fit several classes
    import_priority: int = 9


@dataclass(frozen=True)
class Relation:
    """A relationship type of the ontology (e.g. ``releases``)."""

    name: str
    label: str
    iri: str
    domain: frozenset[str]
    range: frozenset[str]
    biolink_predicate: str
    qualifiers: tuple[str, ...]
    symmetric: bool
    definition: str

    @property
    def neo4j_type(self) -> str:
        """Relationship type used in Cypher: UPPER_SNAKE of the name."""
        return self.name.upper()


@dataclass(frozen=True)
class Prefix:
    """A CURIE prefix with its IRI expansion and local-identifier pattern."""

    prefix: str
    uri_prefix: str
    pattern: str
    resolver: str | None
    #: spelling in the Biolink Model prefix map where it differs (``DOI`` -> ``doi``)
    biolink_prefix: str | None = None
    #: other spellings found in KGX of other tools (``FlyBase`` for ``FB``)
    synonyms: tuple[str, ...] = ()

    @property
    def biolink(self) -> str:
        """The prefix as the Biolink Model spells it."""
        return self.biolink_prefix or self.prefix

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


@dataclass(frozen=True)
class Schema:
    """Everything evgraph knows about its data model, as read from the ontology."""

    version: str
    classes: dict[str, NodeClass]
    relations: dict[str, Relation]
    prefixes: dict[str, Prefix]
    condition_categories: tuple[str, ...]
    directions: tuple[str, ...]
    knowledge_levels: tuple[str, ...]
    #: class or relationship name -> its metapath abbreviation (``evgraph:metapathAbbreviation``)
    abbreviations: dict[str, str] = field(default_factory=dict)
    #: every controlled vocabulary (an ``owl:oneOf`` class) -> its values (individual labels)
    vocabularies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: evidence-rubric weights: vocabulary value -> ``evgraph:confidenceWeight``
    weights: dict[str, float] = field(default_factory=dict)
    #: properties marked ``evgraph:evidenceField`` (edge slots, not relationships)
    evidence_fields: tuple[str, ...] = ()
    #: generic Biolink categories (NamedThing, ...) for which KGX import picks the class by prefix
    generic_categories: tuple[str, ...] = ()
    #: knowledge level -> confidence given on import to an edge without ``has_confidence_score``
    default_confidence: dict[str, float] = field(default_factory=dict)

    def classes_under(self, parent: str) -> tuple[str, ...]:
        """The node classes that are a subclass of ``parent`` (e.g. ``Cargo``), in schema order.

        >>> get_schema().classes_under("Cargo")
        ('Gene', 'Lipid', 'Metabolite', 'MicroRNA', 'Organelle', 'RNA')
        """
        return tuple(name for name, cls in self.classes.items() if parent in cls.parents)

    def allows(self, subject_class: str, relation: str, object_class: str) -> bool:
        """True if ``relation`` may link a ``subject_class`` node to an ``object_class`` node."""
        rel = self.relations.get(relation)
        if rel is None:
            return False
        ok = subject_class in rel.domain and object_class in rel.range
        if not ok and rel.symmetric:
            ok = object_class in rel.domain and subject_class in rel.range
        return ok

    @cached_property
    def class_by_biolink(self) -> dict[str, tuple[str, ...]]:
        """Biolink category -> evgraph classes that use it (several may share one)."""
        out: dict[str, list[str]] = {}
        for c in self.classes.values():
            out.setdefault(c.biolink_category, []).append(c.name)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def relations_by_biolink(self) -> dict[str, tuple[str, ...]]:
        """Biolink predicate -> evgraph relations that map to it."""
        out: dict[str, list[str]] = {}
        for r in self.relations.values():
            out.setdefault(r.biolink_predicate, []).append(r.name)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def prefix_aliases(self) -> dict[str, str]:
        """Biolink spellings and synonyms of prefixes -> evgraph prefix (``doi`` -> ``DOI``)."""
        out: dict[str, str] = {}
        for p in self.prefixes.values():
            for alias in (p.biolink_prefix, *p.synonyms):
                if alias and alias != p.prefix:
                    out[alias] = p.prefix
        return out

    @cached_property
    def classes_by_import_category(self) -> dict[str, tuple[str, ...]]:
        """Biolink category -> evgraph classes KGX import may map it to."""
        out: dict[str, list[str]] = {}
        for c in self.classes.values():
            for cat in (c.biolink_category, *c.import_categories):
                if c.name not in out.setdefault(cat, []):
                    out[cat].append(c.name)
        return {k: tuple(v) for k, v in out.items()}

    def class_iri(self, name: str) -> str:
        return self.classes[name].iri


def _local(iri: str) -> str:
    if not iri.startswith(EVGRAPH):
        raise SchemaError(f"{iri} is not in the evgraph namespace")
    return iri[len(EVGRAPH):]


def _curie(iri: str) -> str:
    if iri.startswith(BIOLINK):
        return "biolink:" + iri[len(BIOLINK):]
    return iri


#: bump when the :class:`Schema` classes change shape (invalidates every stored schema)
SCHEMA_CACHE_VERSION = 1


def _schema_cache_file(src: Path) -> Path | None:
    """Where the schema read from ``src`` is kept between runs: ``$EVGRAPH_CACHE`` (default
    ``~/.cache/evgraph``) ``/schema/<digest>.pickle``, the digest covering the ontology's bytes,
    this module and the Python version; ``None`` with ``EVGRAPH_SCHEMA_CACHE=0``."""
    import hashlib
    import os
    import sys

    if os.environ.get("EVGRAPH_SCHEMA_CACHE", "1") == "0":
        return None
    h = hashlib.blake2b(digest_size=16)
    h.update(src.read_bytes())
    h.update(Path(__file__).read_bytes())
    h.update(f"{SCHEMA_CACHE_VERSION} {sys.version}".encode())
    root = Path(os.environ.get("EVGRAPH_CACHE") or Path.home() / ".cache" / "evgraph")
    return root / "schema" / f"{h.hexdigest()}.pickle"


@cache
def get_schema(path: str | None = None) -> Schema:
    """Read the schema from the ontology (cached; ``path`` defaults to the packaged one).

    Parsing the ontology with rdflib costs about half a second, paid by every command; the
    result is therefore also kept on disk (:func:`_schema_cache_file`, keyed by the ontology's
    content) and read back when the ontology has not changed. A missing, unreadable or stale
    file is simply rebuilt."""
    import pickle

    src = Path(path) if path else ontology_path()
    try:
        stored = _schema_cache_file(src)
    except OSError:
        stored = None  # the ontology itself is unreadable: _read_schema names the problem
    if stored is not None and stored.is_file():
        try:
            with open(stored, "rb") as fh:
                schema = pickle.load(fh)
            if isinstance(schema, Schema):
                return schema
        except Exception:  # a damaged cache file is rebuilt below
            pass
    schema = _read_schema(src)
    if stored is not None:
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            tmp = stored.with_name(f".{stored.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(schema, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, stored)
        except OSError:
            pass  # a read-only home: parse every time
    return schema


def _read_schema(src: Path) -> Schema:
    """Parse the ontology at ``src`` into a :class:`Schema`."""
    import rdflib
    from rdflib.collection import Collection
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    ev = rdflib.Namespace(EVGRAPH)
    g = rdflib.Graph()
    try:
        g.parse(src, format="turtle")
    except Exception as exc:  # rdflib raises many types
        raise SchemaError(f"{src}: cannot parse the ontology: {exc}") from exc

    def text(node, prop, default: str = "") -> str:
        val = g.value(node, prop)
        return str(val) if val is not None else default

    # concrete node classes = those with an identifier prefix
    classes: dict[str, NodeClass] = {}
    subclasses: dict[str, set[str]] = {}
    for cls in g.subjects(RDF.type, OWL.Class):
        if not isinstance(cls, rdflib.URIRef) or not str(cls).startswith(EVGRAPH):
            continue
        for parent in g.objects(cls, RDFS.subClassOf):
            if str(parent).startswith(EVGRAPH):
                subclasses.setdefault(_local(str(parent)), set()).add(_local(str(cls)))
        prefixes = sorted(str(p) for p in g.objects(cls, ev.idPrefix))
        if not prefixes:
            continue
        name = _local(str(cls))
        preferred = text(cls, ev.preferredPrefix, prefixes[0])
        ordered = (preferred, *[p for p in prefixes if p != preferred])
        category = g.value(cls, ev.biolinkCategory)
        if category is None:
            raise SchemaError(f"class {name} has no evgraph:biolinkCategory")
        parents = tuple(
            sorted(_local(str(p)) for p in g.objects(cls, RDFS.subClassOf) if str(p).startswith(EVGRAPH))
        )
        classes[name] = NodeClass(
            name=name,
            label=text(cls, RDFS.label, name),
            iri=str(cls),
            biolink_category=_curie(str(category)),
            prefixes=ordered,
            preferred_prefix=preferred,
            definition=text(cls, SKOS.definition),
            parents=parents,
            import_categories=tuple(sorted(_curie(str(c)) for c in g.objects(cls, ev.importCategory))),
            import_priority=int(text(cls, ev.importPriority, "9")),
        )

    def concrete(name: str) -> set[str]:
        if name in classes:
            return {name}
        out: set[str] = set()
        for sub in subclasses.get(name, ()):
            out |= concrete(sub)
        if not out:
            raise SchemaError(f"class {name} has no concrete node class")
        return out

    def class_set(node) -> frozenset[str]:
        if isinstance(node, rdflib.URIRef):
            return frozenset(concrete(_local(str(node))))
        members = g.value(node, OWL.unionOf)
        if members is None:
            raise SchemaError("domain/range must be a class or an owl:unionOf")
        out: set[str] = set()
        for m in Collection(g, members):
            out |= concrete(_local(str(m)))
        return frozenset(out)

    relations: dict[str, Relation] = {}
    for prop in g.subjects(RDF.type, OWL.ObjectProperty):
        if not str(prop).startswith(EVGRAPH):
            continue
        if (prop, ev.evidenceField, None) in g:
            continue  # an evidence slot of edges (evgraph.evidence), not a relationship
        name = _local(str(prop))
        dom, rng = g.value(prop, RDFS.domain), g.value(prop, RDFS.range)
        pred = g.value(prop, ev.biolinkPredicate)
        if dom is None or rng is None or pred is None:
            raise SchemaError(f"relationship {name} needs rdfs:domain, rdfs:range and evgraph:biolinkPredicate")
        relations[name] = Relation(
            name=name,
            label=text(prop, RDFS.label, name),
            iri=str(prop),
            domain=class_set(dom),
            range=class_set(rng),
            biolink_predicate=_curie(str(pred)),
            qualifiers=tuple(sorted(str(q) for q in g.objects(prop, ev.qualifier))),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in g,
            definition=text(prop, SKOS.definition),
        )

    prefixes: dict[str, Prefix] = {}
    for node in g.subjects(RDF.type, ev.IdentifierPrefix):
        p = text(node, ev.prefix)
        prefixes[p] = Prefix(
            prefix=p,
            uri_prefix=text(node, ev.uriPrefix),
            pattern=text(node, ev.pattern),
            resolver=text(node, ev.resolver) or None,
            biolink_prefix=text(node, ev.biolinkPrefix) or None,
            synonyms=tuple(sorted(str(v) for v in g.objects(node, ev.prefixSynonym))),
        )
    for c in classes.values():
        for p in c.prefixes:
            if p not in prefixes:
                raise SchemaError(f"class {c.name} uses prefix {p}, which is not declared")

    def enum(cls_name: str) -> tuple[str, ...]:
        return tuple(sorted(text(i, RDFS.label) for i in g.subjects(RDF.type, ev[cls_name])))

    vocabularies = {_local(str(c)): tuple(text(i, RDFS.label) for i in Collection(g, g.value(c, OWL.oneOf)))
                    for c in g.subjects(OWL.oneOf, None) if str(c).startswith(EVGRAPH)}
    weights = {text(i, RDFS.label): float(w) for i, w in g.subject_objects(ev.confidenceWeight)}
    evidence_fields = tuple(sorted(_local(str(p)) for p in g.subjects(ev.evidenceField, None)))
    version = text(rdflib.URIRef(ONTOLOGY_IRI), OWL.versionInfo, "unknown")
    generic = tuple(sorted(_curie(str(c)) for c in g.objects(ev.Entity, ev.importCategory)))
    default_confidence = {text(i, RDFS.label): float(text(i, ev.defaultConfidence))
                          for i in g.subjects(RDF.type, ev.KnowledgeLevel) if g.value(i, ev.defaultConfidence)}
    return Schema(
        version=version,
        classes=dict(sorted(classes.items())),
        relations=dict(sorted(relations.items())),
        prefixes=dict(sorted(prefixes.items())),
        condition_categories=enum("ConditionCategory"),
        directions=enum("Direction"),
        knowledge_levels=enum("KnowledgeLevel"),
        abbreviations={_local(str(x)): str(a) for x, a in sorted(g.subject_objects(ev.metapathAbbreviation))},
        vocabularies=dict(sorted(vocabularies.items())),
        weights=weights,
        evidence_fields=evidence_fields,
        generic_categories=generic,
        default_confidence=dict(sorted(default_confidence.items())),
    )
