"""Session-12 curation pass s11a (helper cur11a; statement ids YB..., file statements-s11a-thrombosis.tsv): new
statements for the issue-12 thrombosis axis (AX-THROMBOSIS: platelet / leukocyte / monocyte / endothelial
microparticles in thrombosis, rule "context"). One statement was written (curation-notes-s11a.md): YB001,
monocyte-derived tissue factor-positive microparticles higher in the plasma of patients with deep venous
thrombosis than in healthy individuals. Each statement is checked for the edges its text read supports
(references, year, species, model system, tier). The generic per-file checks (rubric fields, one species, a
note per reference naming the statement, biomarker direction) are in test_curated_statement_files.py; the
table checks (axis membership, references and year) run in test_curated_pass_tables.py, where the lead
registered this pass."""

from __future__ import annotations

from curated_pass import condition_categories, objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "YB001": ("AX-THROMBOSIS", "thrombosis"),
}

#: statement -> (references, publication year) as in curation-notes-s11a.md.
REFERENCES = {
    "YB001": ({"DOI:10.1016/j.thromres.2011.10.014"}, "2011"),
}


def test_yb_pass_size(kg):
    assert set(pass_edges(kg, "YB")["statement"]) == set(REFERENCES)


def test_monocyte_tf_microparticles_are_higher_in_deep_venous_thrombosis(kg):
    """YB001 (Thromb Res, DOI 10.1016/j.thromres.2011.10.014): monocyte-derived TF+ microparticles in plasma
    higher in initial and recurrent DVT patients than in healthy individuals: monocyte source, microvesicles,
    blood plasma, thrombotic disease as the donors' disease and as biomarker target; tissue factor is a
    population marker (rule 7), not cargo; human cohort, tier 3 (V only: no separation method or single-EV
    method recorded)."""
    rows = statement_rows(kg, "YB001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000576"}
    assert objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "released_in") == {"MONDO:0000831"}
    assert subjects(rows, "biomarker_for") == {"evgraph:EVP-YB001"}
    assert objects(rows, "biomarker_for") == {"MONDO:0000831"}
    assert not rows["predicate"].isin(["carries", "taken_up_by", "homes_to", "contributes_to", "part_of",
                                       "affects"]).any()
    assert set(rows["ev_markers_positive"]) == {"NCBIGene:2152"}
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert condition_categories(kg, "YB001") == {"cardiovascular"}
