"""The SHACL shapes hold with and without RDFS inference over ontology + data (pySHACL both ways).

Under RDFS inference every node also gets its evgraph superclasses (``evgraph:Cargo``,
``evgraph:Entity``) and the types implied by the relationships' domains and ranges; the shapes
therefore ask for exactly one *concrete* evgraph class among the ``rdf:type`` values
(``sh:qualifiedValueShape``), not for a single ``rdf:type``.
"""

from __future__ import annotations

import pyshacl
import pytest
import rdflib

from evgraph.formats.rdf import to_rdf_string
from evgraph.formats.rdf.shacl import load_shapes
from evgraph.schema import ontology_path


def _data_and_ontology(graph):
    data = rdflib.Graph().parse(data=to_rdf_string(graph, "nt", include_ontology=False), format="nt")
    onto = rdflib.Graph().parse(ontology_path(), format="turtle")
    return data, onto


@pytest.fixture(scope="module")
def data_and_ontology(kg):
    return _data_and_ontology(kg)


@pytest.fixture(scope="module")
def mini(mini_kg):
    return _data_and_ontology(mini_kg)


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_curated_export_conforms(data_and_ontology, inference):
    data, onto = data_and_ontology
    conforms, _, text = pyshacl.validate(data, shacl_graph=load_shapes(), ont_graph=onto, inference=inference,
                                         advanced=False, allow_warnings=True)
    assert conforms, text[:3000]


def test_inference_really_adds_types(mini):
    """The RDFS run is not a no-op: superclass types are inferred."""
    data, onto = mini
    g = rdflib.Graph()
    for t in data:
        g.add(t)
    import owlrl

    for t in onto:
        g.add(t)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(g)
    entity = rdflib.URIRef("https://w3id.org/evgraph/Entity")
    ev = next(data.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/evgraph/EVPopulation")))
    assert (ev, rdflib.RDF.type, entity) not in data
    assert (ev, rdflib.RDF.type, entity) in g


def test_a_node_with_two_evgraph_classes_still_fails(mini):
    data, onto = mini
    bad = rdflib.Graph()
    for t in data:
        bad.add(t)
    ev = next(data.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/evgraph/EVPopulation")))
    bad.add((ev, rdflib.RDF.type, rdflib.URIRef("https://w3id.org/evgraph/Organ")))
    for inference in ("none", "rdfs"):
        conforms, _, text = pyshacl.validate(bad, shacl_graph=load_shapes(), ont_graph=onto, inference=inference,
                                             advanced=False, allow_warnings=True)
        assert not conforms
        assert "exactly one evgraph class" in text
