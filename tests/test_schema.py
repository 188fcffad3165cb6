"""The ontology parses, and the code's view of it agrees with the OWL file."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from evgraph.identifiers import check_curie, compress, expand
from evgraph.schema import EVGRAPH, get_schema, ontology_path

REQUIRED_CLASSES = {
    "Organ", "Biofluid", "CellType", "EVPopulation", "VesicleType", "Gene", "MicroRNA", "RNA", "Lipid",
    "Metabolite", "Organelle", "Pathway", "Condition", "UptakeMechanism", "Publication",
}
REQUIRED_RELATIONS = {
    "part_of", "releases", "has_vesicle_type", "sampled_from", "carries", "taken_up_by", "homes_to",
    "regulates", "participates_in", "affects", "contributes_to", "released_in", "biomarker_for",
    "associated_with", "interacts_with", "subclass_of",
}


def test_ontology_parses_as_owl():
    g = rdflib.Graph().parse(ontology_path(), format="turtle")
    assert (rdflib.URIRef("https://w3id.org/evgraph/ontology"), RDF.type, OWL.Ontology) in g
    classes = {str(c)[len(EVGRAPH):] for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(EVGRAPH)}
    assert REQUIRED_CLASSES <= classes


def test_schema_matches_owl_file():
    """Every class with an id prefix and every object property of the OWL file is in the schema."""
    g = rdflib.Graph().parse(ontology_path(), format="turtle")
    ev = rdflib.Namespace(EVGRAPH)
    owl_classes = {str(c)[len(EVGRAPH):] for c in g.subjects(ev.idPrefix, None)}
    owl_props = {str(p)[len(EVGRAPH):] for p in g.subjects(RDF.type, OWL.ObjectProperty)
                 if (p, ev.evidenceField, None) not in g}  # evidence slots are not relationships
    schema = get_schema()
    assert set(schema.classes) == owl_classes
    assert set(schema.relations) == owl_props
    assert REQUIRED_RELATIONS <= set(schema.relations)
    for name, rel in schema.relations.items():
        assert g.value(ev[name], RDFS.domain) is not None
        assert rel.domain and rel.range
        assert rel.biolink_predicate.startswith("biolink:")


def test_every_class_and_relation_aligned_to_biolink():
    g = rdflib.Graph().parse(ontology_path(), format="turtle")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    biolink = "https://w3id.org/biolink/vocab/"
    schema = get_schema()
    for item in [*schema.classes.values(), *schema.relations.values()]:
        matches = [str(o) for p in (skos.exactMatch, skos.closeMatch, skos.broadMatch, skos.narrowMatch)
                   for o in g.objects(rdflib.URIRef(item.iri), p)]
        assert any(m.startswith(biolink) for m in matches), item.name


def test_biolink_terms_exist_in_biolink_model(shared_data):
    """Every Biolink category and predicate we use is defined in the Biolink model 4.4.6."""
    text = (shared_data / "schema" / "biolink_model_4.4.6.yaml").read_text(encoding="utf-8")
    defined = {line.strip()[:-1] for line in text.splitlines() if line.startswith("  ") and not line.startswith("   ")
               and line.strip().endswith(":")}
    schema = get_schema()

    def norm(name: str) -> str:  # "RNA product" ~ biolink:RNAProduct, "part of" ~ biolink:part_of
        return name.replace(" ", "").replace("_", "").lower()

    defined = {norm(d) for d in defined}

    def words(curie: str) -> str:
        return norm(curie.split(":", 1)[1])

    for c in schema.classes.values():
        assert words(c.biolink_category) in defined, c.biolink_category
    for r in schema.relations.values():
        assert words(r.biolink_predicate) in defined, r.biolink_predicate


def test_curie_checks_and_expansion():
    assert check_curie("CL:0000235", "CellType") is None
    assert "does not fit class" in check_curie("UBERON:0001013", "CellType")
    assert "unknown CURIE prefix" in check_curie("FOO:1")
    assert "not a CURIE" in check_curie("CL0000235")
    assert "pattern" in check_curie("mirbase:miR-155")
    assert expand("UBERON:0001013") == "http://purl.obolibrary.org/obo/UBERON_0001013"
    assert compress("http://purl.obolibrary.org/obo/MONDO_0004975") == "MONDO:0004975"
