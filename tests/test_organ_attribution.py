"""Organ attribution of EV traffic: a cell type stands for an organ only where its own statement
(or a fact of no statement, e.g. an ontology part_of) says so, never through another
statement's ``part_of``.

The fixture has one macrophage placed in adipose tissue by statement S1 only; S2 (macrophage
EVs of unnamed organ reaching the heart) and S3 (heart EVs taken up by macrophages of unnamed
organ) must not credit adipose tissue. Before the fix, organs_sending_evs_to, cargo_between_organs,
organ_condition_effects, routes_by_model_system and the body map/Sankey all did.
Each named query is run on the Cypher engine and its SPARQL twin (which must agree)."""

from __future__ import annotations

import csv

import pytest
from test_evidence_queries import twins

from evgraph.build.builder import GraphBuilder
from evgraph.sources.curated import curated_dir, read_curated
from evgraph.viz.organs import organ_flows

ADIPOSE, LIVER, HEART = "UBERON:0001013", "UBERON:0002107", "UBERON:0000948"
ENTITIES = """id\tcategory\tlabel\tcondition_category\txrefs\tsynonyms
UBERON:0001013\tOrgan\tadipose tissue\t\t\t
UBERON:0002107\tOrgan\tliver\t\t\t
UBERON:0000948\tOrgan\theart\t\t\t
CL:0000235\tCellType\tmacrophage\t\t\t
CL:0000182\tCellType\thepatocyte\t\t\t
CL:0000746\tCellType\tcardiac muscle cell\t\t\t
GO:0070062\tVesicleType\textracellular exosome\t\t\texosome
mirbase:MIMAT0000646\tMicroRNA\thsa-miR-155-5p\t\t\tmiR-155
mirbase:MIMAT0000076\tMicroRNA\thsa-miR-21-5p\t\t\tmiR-21
MONDO:0005148\tCondition\ttype 2 diabetes mellitus\tmetabolic\t\t
MONDO:0005252\tCondition\theart failure\tcardiovascular\t\t
"""
HEADER = ("statement_id", "source_organ", "source_cell", "vesicle_type", "biofluid", "context_condition", "cargo",
          "target_cell", "target_organ", "uptake_mechanism", "regulates", "regulation_direction", "pathway",
          "pathway_direction", "condition", "condition_direction", "biomarker_for", "species", "knowledge_level",
          "references", "evidence", "model_system", "publication_year")
STATEMENTS = [
    # S1: adipose macrophages -> liver (the only statement that places macrophages in an organ)
    ("S1", ADIPOSE, "CL:0000235", "GO:0070062", "", "", "mirbase:MIMAT0000646", "CL:0000182", LIVER, "", "", "",
     "", "", "MONDO:0005148", "increased", "", "NCBITaxon:10090", "knowledge_assertion", "PMID:28942920",
     "fixture", "animal_in_vivo", "2017"),
    # S2: macrophages of no named organ -> heart
    ("S2", "", "CL:0000235", "GO:0070062", "", "", "mirbase:MIMAT0000076", "CL:0000746", HEART, "", "", "",
     "", "", "MONDO:0005252", "increased", "", "NCBITaxon:10090", "knowledge_assertion", "PMID:28942920",
     "fixture", "cell_line", "2017"),
    # S3: heart -> macrophages of no named organ
    ("S3", HEART, "", "GO:0070062", "", "", "mirbase:MIMAT0000076", "CL:0000235", "", "", "", "",
     "", "", "", "", "", "NCBITaxon:10090", "knowledge_assertion", "PMID:28942920", "fixture", "cell_line", "2017"),
]


@pytest.fixture(scope="module")
def attr_kg(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attr") / "curated"
    folder.mkdir()
    (folder / "entities-attr.tsv").write_text(ENTITIES, encoding="utf-8")
    (folder / "statements-attr.tsv").write_text(
        "\n".join("\t".join(r) for r in [HEADER, *STATEMENTS]) + "\n", encoding="utf-8")
    b = GraphBuilder()
    b.add(read_curated(folder))
    return b.build()


def test_organs_sending_evs_to_credits_only_the_statements_own_organ(attr_kg):
    liver = twins(attr_kg, "organs_sending_evs_to", {"target": LIVER})
    assert dict(zip(liver["organ_id"], liver["ev_populations"], strict=True)) == {ADIPOSE: ["evgraph:EVP-S1"]}
    # S2's macrophages are not adipose macrophages: the heart gets EVs from no organ
    assert twins(attr_kg, "organs_sending_evs_to", {"target": HEART}).empty
    # S3's recipient macrophages are not in adipose tissue: adipose receives nothing
    assert twins(attr_kg, "organs_sending_evs_to", {"target": ADIPOSE}).empty


def test_cargo_between_organs_uses_the_statements_own_organs(attr_kg):
    to_liver = twins(attr_kg, "cargo_between_organs", {"source": ADIPOSE, "target": LIVER})
    assert list(to_liver["ev_population"]) == ["evgraph:EVP-S1"]
    assert twins(attr_kg, "cargo_between_organs", {"source": ADIPOSE, "target": HEART}).empty
    assert twins(attr_kg, "cargo_between_organs", {"source": HEART, "target": ADIPOSE}).empty


def test_organ_condition_effects_and_routes_use_the_statements_own_organs(attr_kg):
    effects = twins(attr_kg, "organ_condition_effects", {"organ": ADIPOSE})
    assert list(effects["condition_id"]) == ["MONDO:0005148"]  # not S2's heart failure
    assert list(effects["n_ev_populations"]) == [1]
    routes = twins(attr_kg, "routes_by_model_system", {})
    assert sorted(zip(routes["organ_id"], routes["condition_id"], strict=True)) == [(ADIPOSE, "MONDO:0005148")]


def test_body_map_flows_use_the_statements_own_organs(attr_kg):
    flows, missing = organ_flows(attr_kg)
    assert list(zip(flows["source"], flows["target"], flows["statements"], strict=True)) == [(ADIPOSE, LIVER, "S1")]
    # not drawn: S1's hepatocyte uptake (no organ of its own; S1's homes_to liver is drawn), S2's uptake and
    # homing (source without organ) and S3's uptake (target without organ)
    assert missing == 4


def _statement_rows() -> dict[str, dict[str, str]]:
    out = {}
    for file in sorted(curated_dir().glob("statements-*.tsv")):
        with file.open(encoding="utf-8") as fh:
            for row in csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t",
                                      quoting=csv.QUOTE_NONE):
                out[row["statement_id"]] = row
    return out


@pytest.mark.parametrize("target", ["liver", "heart", "brain", "adipose tissue", "kidney", "skeletal muscle tissue"])
def test_shipped_knowledge_base_credits_an_organ_only_where_the_statement_names_it(kg, target):
    """On the shipped KB each organ that organs_sending_evs_to names is the statement's own source organ,
    and the statement's target organ is the queried one (the artefact credited e.g. breast and pancreas
    for one tumour-exosome statement because other statements placed the same cell type there)."""
    rows = _statement_rows()
    df = twins(kg, "organs_sending_evs_to", {"target": target})
    organs = kg.nodes[kg.nodes["category"].astype(str) == "Organ"]
    (tid,) = organs.loc[organs["label"] == target, "id"].tolist()
    for organ, evs in zip(df["organ_id"], df["ev_populations"], strict=True):
        for ev in evs:
            row = rows[ev.removeprefix("evgraph:EVP-")]
            assert organ in row["source_organ"].split("|"), (ev, organ, row["source_organ"])
            assert tid in row["target_organ"].split("|") + row["source_organ"].split("|"), (ev, tid)


def test_shipped_body_map_credits_an_organ_only_where_the_statement_names_it(kg):
    rows = _statement_rows()
    flows, _ = organ_flows(kg)
    for src, tgt, statements in zip(flows["source"], flows["target"], flows["statements"], strict=True):
        for sid in statements.split(", "):
            row = rows[sid]
            named = row["source_organ"].split("|") + row["target_organ"].split("|")
            assert src in row["source_organ"].split("|"), (sid, src)
            assert tgt in named, (sid, tgt)  # a recipient cell placed by the statement's own part_of
