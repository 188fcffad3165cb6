"""Session-12 curation pass s11e (helper cur11e; statement ids YC..., file statements-s11e-thrombosis.tsv): new
statements for the issue-12 thrombosis axis (AX-THROMBOSIS: platelet / leukocyte / monocyte / endothelial
microparticles in thrombosis, rule "context"). One statement was written (curation-notes-s11e.md): YC001,
platelet microparticles higher in the thrombotic than in the non-thrombotic antiphospholipid antibody-positive
patients (Jy 2007 Thromb Res, PMID 17582471). Each statement is checked for the edges its text read supports
(references, year, species, model system, tier). The generic per-file checks (rubric fields, one species, a
note per reference naming the statement, biomarker direction) are in test_curated_statement_files.py; the
table checks (axis membership, references and year) run in test_curated_pass_tables.py, where the lead
registered this pass."""

from __future__ import annotations

from curated_pass import condition_categories, objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "YC001": ("AX-THROMBOSIS", "thrombosis"),
}

#: statement -> (references, publication year) as in curation-notes-s11e.md.
REFERENCES = {
    "YC001": ({"PMID:17582471"}, "2007"),
}


def test_yc_pass_size(kg):
    assert set(pass_edges(kg, "YC")["statement"]) == set(REFERENCES)


def test_platelet_microparticles_are_higher_in_thrombotic_antiphospholipid_antibody_positive_patients(kg):
    """YC001 (Jy 2007 Thromb Res 121(3):319-25, PMID 17582471): platelet microparticles (flow cytometry) higher
    in the 60 thrombotic than in the 28 non-thrombotic APLA-positive patients (p = 0.03) and than controls:
    platelet source, microvesicles, thrombotic disease as the case group's disease and as biomarker target; no
    biofluid (the abstract names no sample), no cargo, no endothelial row (EMP did not differ); human cohort,
    tier 3 (V only)."""
    rows = statement_rows(kg, "YC001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000233"}
    assert objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert objects(rows, "released_in") == {"MONDO:0000831"}
    assert subjects(rows, "biomarker_for") == {"evgraph:EVP-YC001"}
    assert objects(rows, "biomarker_for") == {"MONDO:0000831"}
    assert not rows["predicate"].isin(["carries", "taken_up_by", "homes_to", "contributes_to", "part_of",
                                       "affects", "sampled_from"]).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert condition_categories(kg, "YC001") == {"cardiovascular"}
