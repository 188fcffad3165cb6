"""Session-6 curation pass s6b (helper N6B; statement ids XB..., files statements-s6b-*.tsv): new statements
for the liver, islet and thrombosis axes of issue 12, short under the axis rule of ``tests/test_curated_axes.py``.
Each statement is checked for the edges its text read supports (curation-notes-s6b.md): its references and
year as noted, a single stated species, the axis it was written for counts it (``axis_members``), and a
cultured-cell register row where its model system has cultured cells. The generic per-file checks (rubric
fields, one species, a note per reference naming the statement, homing needs an in vivo or ex vivo model)
are in test_curated_statement_files.py; the cultured-cell rows in test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import condition_categories, objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "XB001": ("AX-THROMBOSIS", "thrombosis"),
}

#: statement -> (references, publication year) as in curation-notes-s6b.md.
REFERENCES = {
    "XB001": ({"PMID:32099444", "DOI:10.2147/IJGM.S236166"}, "2019"),
}



def test_xb_pass_size(kg):
    assert set(pass_edges(kg, "XB")["statement"]) == set(REFERENCES)




def test_platelet_microparticles_are_higher_in_cancer_associated_thrombosis(kg):
    """XB001 (Yamanaka 2019 Int J Gen Med, PMID 32099444): PDMPs (ELISA) higher in cancer patients with
    thrombotic complications than without: platelet source, microvesicles, cancer context, thrombotic disease
    biomarker; human cohort; no biofluid (the abstract names no sample), no cargo; an oncologic +
    cardiovascular bridge."""
    rows = statement_rows(kg, "XB001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000233"}
    assert objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert objects(rows, "released_in") == {"MONDO:0004992"}
    assert objects(rows, "biomarker_for") == {"MONDO:0000831"}
    assert not rows["predicate"].isin(["sampled_from", "carries", "taken_up_by", "homes_to", "contributes_to"]).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert condition_categories(kg, "XB001") == {"oncologic", "cardiovascular"}
