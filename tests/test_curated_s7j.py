"""Session-7 curation pass N7J (statement ids XM..., files statements-s7j-kidney.tsv and statements-s7j-vessel.tsv):
new statements for the issue-12 kidney (CKD / diabetic nephropathy) and vessel-wall (atherosclerosis) axes. Each
statement is checked for the edges its text read supports (curation-notes-s7j.md: references, year, species,
cultured-cell row), and each is checked to count for the axis it was written for by the rule of
``tests/test_curated_axes.py`` (``axis_members``), so a change to the rule or to a row that drops it fails here.
The generic per-file checks (rubric fields, one species, a note per reference naming the statement, biomarker
direction sentence) are in test_curated_statement_files.py; the cultured-cell rows in
test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import condition_categories, objects, statement_rows, subjects
from test_curated_cultured_cells import register

#: statement -> (axis, named condition) it was written for.
AXIS_STATEMENTS = {
    "XM001": ("AX-KIDNEY", "diabetic nephropathy"),
    "XM002": ("AX-VESSEL", "atherosclerosis"),
}

#: statement -> (references, publication year) as in curation-notes-s7j.md.
REFERENCES = {
    "XM001": ({"DOI:10.7150/thno.63735"}, "2022"),
    "XM002": ({"PMID:26564003", "DOI:10.1038/srep16658"}, "2015"),
}


def test_diabetic_mouse_tubular_cell_evs_carry_lrg1(kg):
    """XM001 (Jiang WJ 2022 Theranostics 12(1):324-339): renal primary tubular epithelial cells of HFD type 2
    diabetic mice with diabetic nephropathy release EVs; LRG1-enriched TEC EVs activate mouse bone marrow-derived
    macrophages via TGFbetaR1. Tubular cell source in the kidney, EV, LRG1 cargo, type 2 diabetes and diabetic
    nephropathy as the donors' context (so it bridges the metabolic and renal families); no macrophage target
    (an effect, no uptake shown), no outcome edge; mouse, primary cells, tier4."""
    rows = statement_rows(kg, "XM001")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:1000494"}
    assert objects(rows, "part_of") == {"UBERON:0002113"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "carries") == {"NCBIGene:116844"}
    assert objects(rows, "released_in") == {"MONDO:0005148", "MONDO:0005016"}
    assert not rows["predicate"].isin(["taken_up_by", "homes_to", "contributes_to", "biomarker_for",
                                       "regulates", "affects", "sampled_from"]).any()
    assert condition_categories(kg, "XM001") == {"metabolic", "renal"}
    assert set(rows["model_system"]) == {"primary_cells"}
    assert set(rows["separation_method"]) == {"differential_centrifugation"}
    assert set(rows["evidence_tier"]) == {"tier4"}
    reg = register()["XM001"]
    assert reg["basis"] == "record" and reg["ncbi_taxon"] == "NCBITaxon:10090"
    assert reg["_file"] == "cultured-cells-s7j.tsv"


def test_endothelial_microparticles_higher_in_carotid_atherosclerosis(kg):
    """XM002 (Schiro A 2015 Sci Rep 5:16658, PMID 26564003): circulating endothelial microparticles are higher in
    carotid endarterectomy patients (stenosis >= 70%, atherosclerotic plaques) than in controls. Endothelial cell
    source, microvesicle, blood, atherosclerosis as context and biomarker target; human cohort, no cargo, tier3."""
    rows = statement_rows(kg, "XM002")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000115"}
    assert objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert objects(rows, "sampled_from") == {"UBERON:0000178"}
    assert objects(rows, "released_in") == {"MONDO:0005311"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005311"}
    assert not rows["predicate"].isin(["carries", "taken_up_by", "homes_to", "contributes_to"]).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert "XM002" not in register()
