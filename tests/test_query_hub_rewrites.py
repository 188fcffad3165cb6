"""The two library queries rewritten for hub parameters (issue 17 item 6) keep their answers.

``cargo_regulated_genes`` counts a source's EV populations per cargo before fanning out to the
cargo's genes; ``pathway_regulating_cargo`` counts each cargo's EV populations once before joining
back to its genes in the pathway. On a small graph built to hold every case where such a shortcut
could change the answer (a cargo carried by several EVs, by none, twice by one EV; a cargo
regulating several genes; one cargo-gene pair stated twice with one direction and once with
another; a gene in the pathway twice; an EV of another source), both engines must return exactly
what the question asks, computed independently here from the edge list.
"""

from __future__ import annotations

import pandas as pd
import pytest

from evgraph.build.builder import GraphBuilder
from evgraph.query import run_query

SRC, OTHER = "CL:0000235", "CL:0000236"
PATHWAY = "GO:0001525"
NODES = [
    (SRC, "CellType", "macrophage"), (OTHER, "CellType", "B cell"),
    ("evgraph:EVP-T1", "EVPopulation", "ev 1"), ("evgraph:EVP-T2", "EVPopulation", "ev 2"),
    ("evgraph:EVP-T3", "EVPopulation", "ev 3"), ("evgraph:EVP-T4", "EVPopulation", "ev 4 (other source)"),
    ("mirbase:MIMAT0000063", "MicroRNA", "m1"), ("mirbase:MIMAT0000064", "MicroRNA", "m2"),
    ("mirbase:MIMAT0000065", "MicroRNA", "m3 (carried by no EV)"),
    ("NCBIGene:1", "Gene", "g1"), ("NCBIGene:2", "Gene", "g2"), ("NCBIGene:3", "Gene", "g3 (not in pathway)"),
    (PATHWAY, "Pathway", "angiogenesis"),
]
# (subject, predicate, object, direction, publication)
EDGES = [
    (SRC, "releases", "evgraph:EVP-T1", None, "PMID:1"), (SRC, "releases", "evgraph:EVP-T2", None, "PMID:2"),
    (SRC, "releases", "evgraph:EVP-T3", None, "PMID:3"), (OTHER, "releases", "evgraph:EVP-T4", None, "PMID:4"),
    ("evgraph:EVP-T1", "carries", "mirbase:MIMAT0000063", None, "PMID:5"),
    ("evgraph:EVP-T1", "carries", "mirbase:MIMAT0000063", None, "PMID:6"),  # the same pair twice
    ("evgraph:EVP-T2", "carries", "mirbase:MIMAT0000063", None, "PMID:7"),
    ("evgraph:EVP-T3", "carries", "mirbase:MIMAT0000064", None, "PMID:8"),
    ("evgraph:EVP-T4", "carries", "mirbase:MIMAT0000064", None, "PMID:9"),
    ("mirbase:MIMAT0000063", "regulates", "NCBIGene:1", "downregulated", "PMID:10"),
    ("mirbase:MIMAT0000063", "regulates", "NCBIGene:1", "downregulated", "PMID:11"),  # stated twice
    ("mirbase:MIMAT0000063", "regulates", "NCBIGene:1", "upregulated", "PMID:12"),
    ("mirbase:MIMAT0000063", "regulates", "NCBIGene:2", "downregulated", "PMID:13"),
    ("mirbase:MIMAT0000064", "regulates", "NCBIGene:2", "downregulated", "PMID:14"),
    ("mirbase:MIMAT0000064", "regulates", "NCBIGene:3", "downregulated", "PMID:15"),
    ("mirbase:MIMAT0000065", "regulates", "NCBIGene:1", "downregulated", "PMID:16"),
    ("NCBIGene:1", "participates_in", PATHWAY, None, "PMID:17"),
    ("NCBIGene:1", "participates_in", PATHWAY, None, "PMID:18"),  # the same gene twice
    ("NCBIGene:2", "participates_in", PATHWAY, None, "PMID:19"),
]


@pytest.fixture(scope="module")
def hub_kg():
    b = GraphBuilder()
    b.add_nodes(pd.DataFrame(NODES, columns=["id", "category", "label"]), file="hub-rewrites")
    edges = pd.DataFrame(EDGES, columns=["subject", "predicate", "object", "direction", "publications"])
    edges["species"], edges["confidence"] = "NCBITaxon:9606", 0.8
    b.add_edges(edges, file="hub-rewrites")
    kg = b.build()
    assert kg.num_edges == len(EDGES)  # no edge merged away: the duplicates reach the engines
    return kg


def _edges(pred: str) -> list[tuple]:
    return [(s, o, d) for s, p, o, d, _ in EDGES if p == pred]


def expected_cargo_regulated_genes(source: str) -> list[tuple]:
    evs = {o for s, o, _ in _edges("releases") if s == source}
    cargo_evs: dict[str, set] = {}
    for s, o, _ in _edges("carries"):
        if s in evs:
            cargo_evs.setdefault(o, set()).add(s)
    rows = {(c, g, d, len(cargo_evs[c])) for c, g, d in _edges("regulates") if c in cargo_evs}
    return sorted(rows)


def expected_pathway_regulating_cargo(pathway: str) -> list[tuple]:
    genes = {s for s, o, _ in _edges("participates_in") if o == pathway}
    carried: dict[str, set] = {}
    for s, o, _ in _edges("carries"):
        carried.setdefault(o, set()).add(s)
    rows = {(c, g, d, len(carried.get(c, ()))) for c, g, d in _edges("regulates") if g in genes}
    return sorted(rows)


def _got(df: pd.DataFrame) -> list[tuple]:
    return list(zip(df["cargo_id"], df["gene_id"], df["direction"], df["n_ev_populations"], strict=True))


def test_the_graph_holds_the_cases():
    assert expected_cargo_regulated_genes(SRC) == [
        ("mirbase:MIMAT0000063", "NCBIGene:1", "downregulated", 2),
        ("mirbase:MIMAT0000063", "NCBIGene:1", "upregulated", 2),
        ("mirbase:MIMAT0000063", "NCBIGene:2", "downregulated", 2),
        ("mirbase:MIMAT0000064", "NCBIGene:2", "downregulated", 1),  # ev 4 is another source's
        ("mirbase:MIMAT0000064", "NCBIGene:3", "downregulated", 1),
    ]
    assert ("mirbase:MIMAT0000065", "NCBIGene:1", "downregulated", 0) in expected_pathway_regulating_cargo(PATHWAY)
    assert ("mirbase:MIMAT0000064", "NCBIGene:2", "downregulated", 2) in expected_pathway_regulating_cargo(PATHWAY)


@pytest.mark.parametrize("engine", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_rewritten_queries_answer_the_question(hub_kg, engine, request):
    if engine == "neo4j":
        from evgraph.query.neo4j import clear_graph, load_graph

        server = request.getfixturevalue("neo4j_server")
        clear_graph(hub_kg, server)
        load_graph(hub_kg, server, progress=False)
        request.addfinalizer(lambda: clear_graph(hub_kg, server))
        run_engine = server
    else:
        run_engine = None
    crg = run_query(hub_kg, "cargo_regulated_genes", {"source": SRC}, engine=run_engine)
    assert _got(crg) == expected_cargo_regulated_genes(SRC)
    prc = run_query(hub_kg, "pathway_regulating_cargo", {"pathway": PATHWAY}, engine=run_engine)
    assert _got(prc) == expected_pathway_regulating_cargo(PATHWAY)
