"""Validation: every kind of bad record is rejected with its file, line and field."""

from __future__ import annotations

import pandas as pd
import pytest

from evgraph.build.builder import GraphBuilder
from evgraph.errors import ValidationError

NODES = pd.DataFrame({
    "id": ["CL:0000235", "UBERON:0001013", "evgraph:EVP-X1", "mirbase:MIMAT0000646", "MONDO:0005148"],
    "category": ["CellType", "Organ", "EVPopulation", "MicroRNA", "Condition"],
    "label": ["macrophage", "adipose tissue", "ATM exosomes", "hsa-miR-155-5p", "type 2 diabetes mellitus"],
    "condition_category": ["", "", "", "", "metabolic"],
})


def edge(**overrides):
    row = {"subject": "CL:0000235", "predicate": "releases", "object": "evgraph:EVP-X1",
           "publications": "PMID:28942920", "species": "NCBITaxon:10090",
           "knowledge_level": "knowledge_assertion", "confidence": "0.8"}
    row.update(overrides)
    return pd.DataFrame([row])


def build(nodes=NODES, edges=None):
    b = GraphBuilder()
    b.add_nodes(nodes, file="nodes.tsv")
    if edges is not None:
        b.add_edges(edges, file="edges.tsv")
    return b.build()


def problem(nodes=NODES, edges=None):
    with pytest.raises(ValidationError) as info:
        build(nodes, edges)
    return info.value.problems[0], str(info.value)


def test_valid_graph_builds():
    kg = build(edges=edge())
    assert (kg.num_nodes, kg.num_edges) == (5, 1)
    assert kg.edges["confidence"].iloc[0] == 0.8
    assert kg.src[0] == kg.index_of("CL:0000235") and kg.dst[0] == kg.index_of("evgraph:EVP-X1")


def test_unknown_class_is_rejected():
    nodes = pd.concat([NODES, pd.DataFrame({"id": ["CL:0000182"], "category": ["Cell"], "label": ["x"]})])
    p, msg = problem(nodes)
    assert (p.file, p.line, p.field) == ("nodes.tsv", 6, "category")
    assert "unknown class 'Cell'" in msg


def test_prefix_must_fit_class():
    nodes = NODES.copy()
    nodes.loc[0, "id"] = "UBERON:0000235"
    p, msg = problem(nodes)
    assert p.field == "id" and "does not fit class CellType" in msg


@pytest.mark.parametrize("bad, reason", [
    ("CL0000235", "not a CURIE"),
    ("XYZ:0000235", "unknown CURIE prefix 'XYZ'"),
    ("CL:235", "does not match the CL pattern"),
])
def test_malformed_curies(bad, reason):
    nodes = NODES.copy()
    nodes.loc[0, "id"] = bad
    p, msg = problem(nodes)
    assert p.field == "id" and p.line == 1 and reason in msg


def test_unknown_relationship():
    p, msg = problem(edges=edge(predicate="secretes"))
    assert (p.file, p.line, p.field) == ("edges.tsv", 1, "predicate") and "unknown relationship" in msg


def test_domain_and_range_are_enforced():
    p, msg = problem(edges=edge(subject="mirbase:MIMAT0000646"))
    assert p.field == "subject" and "'releases' cannot link a MicroRNA to a EVPopulation" in msg
    p, msg = problem(edges=edge(predicate="part_of", object="MONDO:0005148"))
    assert p.field == "object" and "cannot link a CellType to a Condition" in msg


def test_dangling_edge():
    p, msg = problem(edges=edge(object="evgraph:EVP-NOPE"))
    assert p.field == "object" and "not a node of the graph" in msg


def test_curated_edge_needs_a_reference():
    p, msg = problem(edges=edge(publications=""))
    assert p.field == "publications" and "needs at least one reference" in msg


def test_imported_edge_may_lack_a_reference():
    kg = build(edges=edge(publications="", primary_knowledge_source="infores:exocarta"))
    assert kg.num_edges == 1


@pytest.mark.parametrize("field, value, reason", [
    ("confidence", "1.5", "outside [0, 1]"),
    ("confidence", "high", "not a number"),
    ("confidence", "", "missing confidence"),
    ("knowledge_level", "proven", "is not one of"),
    ("direction", "up", "is not one of"),
    ("species", "human", "not a CURIE"),
    ("species", "NCBITaxon:9606|UBERON:0001013", "must use one of the prefixes NCBITaxon"),
    ("publications", "PMID:abc", "does not match the PMID pattern"),
    ("publications", "UBERON:0001013", "must use one of the prefixes"),
])
def test_bad_edge_fields(field, value, reason):
    p, msg = problem(edges=edge(**{field: value}))
    assert p.field == field and p.line == 1 and reason in msg, msg


def test_conflicting_node_definitions():
    nodes = pd.concat([NODES, pd.DataFrame({"id": ["CL:0000235"], "category": ["Organ"], "label": ["x"]})])
    p, msg = problem(nodes)
    assert (p.field == "category" and "is a Organ here but a CellType" in msg) or "does not fit" in msg


def test_condition_category_values():
    nodes = NODES.copy()
    nodes.loc[4, "condition_category"] = "metabolism"
    p, msg = problem(nodes)
    assert p.field == "condition_category" and "unknown condition category" in msg


def test_duplicate_nodes_merge():
    extra = pd.DataFrame({"id": ["MONDO:0005148"], "category": ["Condition"], "label": [""],
                          "synonyms": ["T2D"], "xrefs": ["DOID:9352"]})
    kg = build(pd.concat([NODES, extra], ignore_index=True))
    node = kg.node("MONDO:0005148")
    assert node["label"] == "type 2 diabetes mellitus" and node["xrefs"] == "DOID:9352"
    assert kg.resolve("t2d") == "MONDO:0005148"


def test_all_problems_are_collected():
    bad = pd.concat([edge(predicate="secretes"), edge(confidence="2")], ignore_index=True)
    with pytest.raises(ValidationError) as info:
        build(edges=bad)
    assert len(info.value.problems) == 2
    assert "and 1 more problem" in str(info.value)
