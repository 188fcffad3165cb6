"""Session-12 curation pass s12k (helper s12k; statement ids YO..., file statements-s12k-heart.tsv): new
statements for the issue-12 heart axis (AX-HEART: heart / cardiomyocyte / cardiac fibroblast EVs in heart
failure, MI or cardiomyopathy, rule "context") and the heart-failure target of AX-BIOMARKER. One statement was
written (curation-notes-s12k.md): YO001, EVs of cardiac release (coronary-sinus > radial-artery gradient of
Connexin-43+Troponin T+ / Connexin-43+Caveolin-3+ EVs) in the plasma of heart-failure patients (Matan 2022 Front
Cardiovasc Med). It has no biomarker edge (the abstract read gives no direction against the controls), so it
counts for AX-HEART only. The generic per-file checks are in test_curated_statement_files.py; the table checks
(axis membership, references and year) run in test_curated_pass_tables.py once the lead registers this pass."""

from __future__ import annotations

from curated_pass import condition_categories, objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "YO001": ("AX-HEART", "heart failure"),
}

#: statement -> (references, publication year) as in curation-notes-s12k.md.
REFERENCES = {
    "YO001": ({"DOI:10.3389/fcvm.2022.952974"}, "2022"),
}


def test_yo_pass_size(kg):
    assert set(pass_edges(kg, "YO")["statement"]) == set(REFERENCES)


def test_cardiac_released_evs_in_heart_failure_patients(kg):
    """YO001 (Matan 2022 Front Cardiovasc Med, DOI 10.3389/fcvm.2022.952974): EVs of presumed cardiomyocyte
    origin are 5-6 times higher in coronary-sinus than in radial-artery plasma (cardiac release) and HFrEF
    patients had high trans-coronary gradients: heart source (no source cell: the origin is 'presumed'), EVs,
    blood plasma, heart failure as the donors' disease; Connexin-43 / Troponin T / Caveolin-3 are population
    markers, not cargo; no biomarker edge (no direction against controls in the text read); human cohort,
    tier 3 (V only)."""
    rows = statement_rows(kg, "YO001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"UBERON:0000948"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "released_in") == {"MONDO:0005252"}
    assert not rows["predicate"].isin(["carries", "taken_up_by", "homes_to", "contributes_to", "part_of",
                                       "affects", "biomarker_for"]).any()
    assert set(rows["ev_markers_positive"]) == {"NCBIGene:2697|NCBIGene:7139|NCBIGene:859"}
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"observation"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert condition_categories(kg, "YO001") == {"cardiovascular"}


def test_yo001_counts_for_the_heart_axis_only(kg):
    from test_curated_axes import axis, axis_members

    heart = axis_members(kg, axis("AX-HEART"))
    assert any("YO001" in ids for ids in heart.values())
    biomarker = axis_members(kg, axis("AX-BIOMARKER"))
    assert not any("YO001" in ids for ids in biomarker.values())
