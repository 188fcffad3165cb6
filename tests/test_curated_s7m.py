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

#: statement -> (axis, named condition, references, publication year, condition families) as in the notes.
STATEMENTS = {
    "XP001": ("AX-BIOMARKER", "atherosclerosis/CAD", "DOI:10.3389/fphys.2020.00654", "2020", {"cardiovascular"}),
    "XP002": (None, None, "DOI:10.3389/fcvm.2024.1341918", "2024", {"cardiovascular"}),
}


def test_xp_pass_size(kg):
    assert set(pass_edges(kg, "XP")["statement"]) == set(STATEMENTS)


@pytest.mark.parametrize("sid", sorted(STATEMENTS))
def test_the_statement_counts_for_its_axis(kg, sid):
    aid, name, _, _, _ = STATEMENTS[sid]
    if aid is None:  # XP002: myocardial infarction is no AX-BIOMARKER named condition
        assert not any(sid in m for m in axis_members(kg, axis("AX-BIOMARKER")).values())
        return
    assert sid in axis_members(kg, axis(aid))[name]


@pytest.mark.parametrize("sid", sorted(STATEMENTS))
def test_references_year_species_design_and_families(kg, sid):
    _, _, refs, year, families = STATEMENTS[sid]
    rows = statement_rows(kg, sid)
    assert set(rows["publications"]) == {refs}
    assert set(rows["publication_year"].astype(str)) == {year}
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert condition_categories(kg, sid) == families
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
    assert not rows["predicate"].isin(["releases", "part_of", "released_in"]).any()
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
    assert not rows["predicate"].isin(["releases", "part_of", "released_in"]).any()
    assert set(rows["separation_method"].fillna("")) == {""}
    assert "higher in disease" in kg.node("evgraph:EVP-XP002")["description"]
