"""Session-7 curation pass s7m (helper N7M; statement ids XP..., file statements-s7m-biomarkers.tsv): new circulating
EV biomarker statements from human cohorts for the AX-BIOMARKER axis and the statement floor of issue 12, written
small so that every element is stated in the abstract read (curation-notes-s7m.md). Each statement is checked for
the edges its text supports and for counting on its axis by the rule of ``tests/test_curated_axes.py``
(``axis_members``). The generic per-file checks (rubric fields, one species, a note per reference naming the
statement, the direction sentence) are in test_curated_statement_files.py; no XP statement rests on cultured
cells, so there is no cultured-cell row."""

from __future__ import annotations

import pytest
from curated_pass import condition_categories, objects, pass_edges, statement_rows
from test_curated_axes import axis, axis_members

#: statement -> (axis, named condition) it was written for (XP002: myocardial infarction is no AX-BIOMARKER
#: named condition, see test_mi_biomarker_counts_for_no_axis_condition).
AXIS_STATEMENTS = {
    "XP001": ("AX-BIOMARKER", "atherosclerosis/CAD"),
}

#: statement -> (references, publication year) as in the notes (the axis and reference checks run in
#: test_curated_pass_tables.py).
REFERENCES = {
    "XP001": ({"DOI:10.3389/fphys.2020.00654"}, "2020"),
    "XP002": ({"DOI:10.3389/fcvm.2024.1341918"}, "2024"),
}


def test_xp_pass_size(kg):
    assert set(pass_edges(kg, "XP")["statement"]) == set(REFERENCES)


def test_mi_biomarker_counts_for_no_axis_condition(kg):
    assert not any("XP002" in m for m in axis_members(kg, axis("AX-BIOMARKER")).values())


@pytest.mark.parametrize("sid", sorted(REFERENCES))
def test_a_human_cohort_cardiovascular_biomarker_design(kg, sid):
    rows = statement_rows(kg, sid)
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert condition_categories(kg, sid) == {"cardiovascular"}
    # a biomarker statement: no uptake, homing, mechanism or outcome edge
    assert not rows["predicate"].isin(["taken_up_by", "homes_to", "regulates", "affects", "contributes_to"]).any()


def test_serum_exosomal_mir21_mir126_pten_higher_in_acs(kg):
    """XP001 (Ling 2020 Front Physiol, DOI 10.3389/fphys.2020.00654): serum exosomal miR-21, miR-126 (arm-less
    names recorded as miR-21-5p and miR-126-3p) and PTEN higher in UA and AMI patients than in healthy controls;
    ultracentrifugation without a g-force, unnamed EM type and markers: no MISEV column recorded; no source."""
    rows = statement_rows(kg, "XP001")
    assert objects(rows, "sampled_from") == {"UBERON:0001977"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "carries") == {"mirbase:MIMAT0000076", "mirbase:MIMAT0000445", "NCBIGene:5728"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005542"}
    assert not rows["predicate"].isin(["releases", "part_of"]).any()
    assert objects(rows, "released_in") == {"MONDO:0005542"}  # UA and AMI patients, ACS (re-read c14b)
    for col in ("separation_method", "ev_markers_positive", "single_ev_characterisation"):
        assert set(rows[col].fillna("")) == {""}
    assert "higher in disease" in kg.node("evgraph:EVP-XP001")["description"]


def test_serum_exosomal_mir186_5p_higher_in_ami(kg):
    """XP002 (Ren 2024 Front Cardiovasc Med, DOI 10.3389/fcvm.2024.1341918): serum exosomal miR-186-5p raised in
    AMI patients vs healthy controls; no isolation method named, so no MISEV column; MACE prognosis not kept."""
    rows = statement_rows(kg, "XP002")
    assert objects(rows, "sampled_from") == {"UBERON:0001977"}
    assert objects(rows, "carries") == {"mirbase:MIMAT0000456"}
    assert kg.node("mirbase:MIMAT0000456")["label"] == "hsa-miR-186-5p"
    assert objects(rows, "biomarker_for") == {"MONDO:0005068"}
    assert not rows["predicate"].isin(["releases", "part_of"]).any()
    assert objects(rows, "released_in") == {"MONDO:0005068"}  # AMI patients (re-read c14b)
    assert set(rows["separation_method"].fillna("")) == {""}
    assert "higher in disease" in kg.node("evgraph:EVP-XP002")["description"]
