"""Session-12 curation pass s12l (helper s12l; statement ids YP..., file statements-s12l-biomarkers.tsv): new
statements for the issue-12 axes AX-VESSEL (vessel-wall source in atherosclerosis, rule "context") and
AX-BIOMARKER atherosclerosis/CAD (rule "biomarker"), plus margin for the size floor. Six statements were written
(curation-notes-s12l.md), all patients-vs-controls (or within-patient) microparticle counts in human cohorts:
YP001 (CD62E+ small endothelial microparticles higher in CAD), YP002 (endothelial microparticles higher in acute
coronary syndromes), YP003 (CD62E+ endothelial microparticles predict cardiovascular events after stroke),
YP004 (endothelial, monocyte and lymphocyte microparticles higher in familial hypercholesterolaemia), YP005
(leukocyte / lymphocyte microparticles higher with lipid-rich atherosclerotic plaques in familial
hypercholesterolaemia) and YP006 (platelet microparticles higher in myocardial-infarction survivors). YP001,
YP002 and YP005 count for AX-BIOMARKER atherosclerosis/CAD; none counts for AX-VESSEL (no vessel-source row
with atherosclerosis as context, outcome or biomarker target had a citation record). YP005 joins the metabolic
and cardiovascular families (familial hypercholesterolaemia context, atherosclerosis biomarker). Each statement
is checked for the edges its text read supports (references, year, species, model system, tier); the
population-defining antigens (CD62E, CD45) are EV markers, never cargo. The generic per-file checks are in
test_curated_statement_files.py; the table checks run in test_curated_pass_tables.py once the lead registers
this pass."""

from __future__ import annotations

import pytest
from curated_pass import condition_categories, objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "YP001": ("AX-BIOMARKER", "atherosclerosis/CAD"),
    "YP002": ("AX-BIOMARKER", "atherosclerosis/CAD"),
    "YP005": ("AX-BIOMARKER", "atherosclerosis/CAD"),
}

#: statement -> (references, publication year) as in curation-notes-s12l.md.
REFERENCES = {
    "YP001": ({"PMID:25116867", "DOI:10.1371/journal.pone.0104528"}, "2014"),
    "YP002": ({"PMID:10694520"}, "2000"),
    "YP003": ({"PMID:22563392", "DOI:10.1371/journal.pone.0035713"}, "2012"),
    "YP004": ({"DOI:10.1160/th13-07-0612"}, "2014"),
    "YP005": ({"DOI:10.1160/th13-07-0612"}, "2014"),
    "YP006": ({"PMID:18752144", "DOI:10.1080/00365510701794957"}, "2008"),
}

#: statement -> (source cells, biofluid, context, biomarker target, EV markers, separation, condition families)
EXPECTED = {
    "YP001": ({"CL:0000115"}, "UBERON:0000178", "MONDO:0005010", "MONDO:0005010", {"NCBIGene:6401"}, "",
              {"cardiovascular"}),
    "YP002": ({"CL:0000115"}, "UBERON:0000178", "MONDO:0005542", "MONDO:0005542", set(), "immunocapture",
              {"cardiovascular"}),
    "YP003": ({"CL:0000115"}, "UBERON:0000178", "MONDO:0005098", "MONDO:0004995", {"NCBIGene:6401"}, "",
              {"cardiovascular"}),
    "YP004": ({"CL:0000115", "CL:0000576", "CL:0000542"}, "UBERON:0000178", "MONDO:0005439", "MONDO:0005439",
              set(), "", {"metabolic"}),
    "YP005": ({"CL:0000738", "CL:0000542"}, "UBERON:0000178", "MONDO:0005439", "MONDO:0005311",
              {"NCBIGene:5788"}, "", {"metabolic", "cardiovascular"}),
    "YP006": ({"CL:0000233"}, "UBERON:0001969", "MONDO:0005068", "MONDO:0005068", set(), "", {"cardiovascular"}),
}


def test_yp_pass_size(kg):
    assert set(pass_edges(kg, "YP")["statement"]) == set(REFERENCES) == set(EXPECTED)


@pytest.mark.parametrize("sid", sorted(EXPECTED))
def test_microparticle_count_rows(kg, sid):
    """Every YP row: the named source cells release a microvesicle (microparticle) population sampled from the
    named biofluid, released in the case group's disease and biomarker for the named condition; the biomarker
    edge leaves from the EV population (no cargo: the antigens that define the populations are EV markers);
    no uptake, homing, pathway or outcome edge; human cohort, statistical association, tier 3 (V only: no
    single-EV method and no perturbation in the abstracts read)."""
    cells, fluid, context, target, markers, separation, families = EXPECTED[sid]
    rows = statement_rows(kg, sid)
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == cells
    assert objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert objects(rows, "sampled_from") == {fluid}
    assert objects(rows, "released_in") == {context}
    assert subjects(rows, "biomarker_for") == {f"evgraph:EVP-{sid}"}
    assert objects(rows, "biomarker_for") == {target}
    assert not rows["predicate"].isin(["carries", "taken_up_by", "homes_to", "contributes_to", "part_of",
                                       "affects", "regulates"]).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert {m for v in rows["ev_markers_positive"] for m in str(v).split("|") if m} == markers
    assert set(rows["separation_method"].astype(str)) == {separation}
    assert set(rows["publication_year"].astype(str)) == {REFERENCES[sid][1]}
    assert {r for p in rows["publications"] for r in str(p).split("|") if r} == REFERENCES[sid][0]
    assert condition_categories(kg, sid) == families


def test_three_rows_count_for_the_atherosclerosis_cad_biomarker_axis_and_none_for_the_vessel_axis(kg):
    from test_curated_axes import axis, axis_members

    members = axis_members(kg, axis("AX-BIOMARKER"))["atherosclerosis/CAD"]
    assert {sid for sid in EXPECTED if sid in members} == set(AXIS_STATEMENTS)
    vessel = axis_members(kg, axis("AX-VESSEL"))
    assert not any(sid in ids for ids in vessel.values() for sid in EXPECTED)


def test_yp005_is_a_core_family_bridge(kg):
    """Familial hypercholesterolaemia (metabolic) is the donors' disease and atherosclerosis (cardiovascular) the
    biomarker target of the same leukocyte-microparticle population: one more metabolic-cardiovascular bridge."""
    cats = condition_categories(kg, "YP005")
    assert {"metabolic", "cardiovascular"} <= cats
