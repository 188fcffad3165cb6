"""Session-12 curation pass s12h (helper s12h; statement ids YL..., file statements-s12h-biomarkers.tsv): a new
circulating EV biomarker statement from a human cohort, written for the statement margin (the KB's total must stay
>= 250 while rows elsewhere may be held back), every element stated in the abstract read (curation-notes-s12h.md).
YL001's condition, myocardial infarction, is no AX-BIOMARKER named condition (as XP002), so AXIS_STATEMENTS is
empty; the generic per-file checks (rubric fields, one species, a note per reference naming the statement, the
direction sentence) are in test_curated_statement_files.py; no YL statement rests on cultured cells."""

from __future__ import annotations

from curated_pass import condition_categories, objects, pass_edges, statement_rows
from test_curated_axes import axis, axis_members

#: statement -> (axis, named condition) it was written for: none (see test_mi_biomarker_counts_for_no_axis_condition).
AXIS_STATEMENTS: dict[str, tuple[str, str]] = {}

#: statement -> (references, publication year) as in the notes.
REFERENCES = {
    "YL001": ({"DOI:10.3389/fcvm.2022.1046839"}, "2022"),
}


def test_yl_pass_size(kg):
    assert set(pass_edges(kg, "YL")["statement"]) == set(REFERENCES)


def test_mi_biomarker_counts_for_no_axis_condition(kg):
    assert not any("YL001" in m for m in axis_members(kg, axis("AX-BIOMARKER")).values())


def test_ev_mir126_lower_in_coronary_blood_after_ami(kg):
    """YL001 (Yuan 2022 Front Cardiovasc Med, DOI 10.3389/fcvm.2022.1046839): EV-associated miR-126 in coronary
    blood lower in 20 AMI than in 20 stable-CAD patients; arm-less miR-126 recorded as hsa-miR-126-3p; no isolation
    or characterisation method in the abstract, so no MISEV column; no source cell."""
    rows = statement_rows(kg, "YL001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert condition_categories(kg, "YL001") == {"cardiovascular"}
    assert objects(rows, "sampled_from") == {"UBERON:0000178"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "carries") == {"mirbase:MIMAT0000445"}
    assert kg.node("mirbase:MIMAT0000445")["label"] == "hsa-miR-126-3p"
    assert objects(rows, "biomarker_for") == {"MONDO:0005068"}
    assert objects(rows, "released_in") == {"MONDO:0005068"}
    assert not rows["predicate"].isin(
        ["releases", "part_of", "taken_up_by", "homes_to", "regulates", "affects", "contributes_to"]
    ).any()
    for col in ("separation_method", "ev_markers_positive", "single_ev_characterisation"):
        assert set(rows[col].fillna("")) == {""}
    assert "lower in disease" in kg.node("evgraph:EVP-YL001")["description"]
