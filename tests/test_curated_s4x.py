"""Session-4 curation pass X (statement ids UX..., files statements-s4x-*.tsv): new statements for the
issue-12 axes that were short under the axis rule of ``tests/test_curated_axes.py``. Each statement is
checked for the edges its abstract supports, and the ones written for an axis are checked to count for
it by that rule (``axis_members``), so a change to the rule or to a row that drops them fails here.
The generic per-file checks (rubric fields, one species, a note per reference naming the statement,
homing needs an in vivo or ex vivo model) are in test_curated_statement_files.py; the cultured-cell
rows in test_curated_cultured_cells.py."""

from __future__ import annotations

import pytest
from curated_pass import commented_statement_ids, condition_categories, objects, pass_edges, statement_rows
from test_curated_axes import axes, axis, axis_members

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "UX003": ("AX-THROMBOSIS", "thrombosis"),
    "UX004": ("AX-ISLET", "T1D"),
    "UX006": ("AX-ISLET", "T2D"),
}


def test_ux_pass_size(kg):
    # 7 written; UX001/UX002 held back by sweep5D in session 5 (no citation record found again,
    # curation-notes-r5d.md) and restored by R6E in session 6 (the thieme-connect record prints title,
    # journal and year beside the DOI; curation-notes-r6e.md, step 2); held back again in session 7 (audit 8:
    # the record was not returned to 30 searches; audit-2026-12-01-8.md, curation-notes-w7c.md), so 5 remain;
    # UX007, held back in session 13, restored in session 14 (ouci record, curation-notes-w14a.md, -l14.md).
    assert pass_edges(kg, "UX")["statement"].nunique() >= 5


@pytest.mark.parametrize("sid", ["UX005", "UX007"])
def test_statements_without_a_condition_or_target_count_for_no_axis(kg, sid):
    """UX005 (healthy islet EVs, no condition) and UX007 (hepatic exosomes, no target) are written for
    what the paper shows, not for an axis: the rule must not count them."""
    for one in axes():
        assert not any(sid in members for members in axis_members(kg, one).values()), one["axis_id"]


def test_venous_thrombosis_statements_are_held_back_again(kg):
    """UX001/UX002 (DOI:10.1160/TH08-09-0620, Thromb Haemost 2009): held back in session 5 (no record with
    title, journal and year beside the DOI found again), restored in session 6 by R6E (a thieme-connect record
    showed them; curation-notes-r6e.md), and held back again in session 7: the eighth audit and the sweep W7C
    found no such record in 30 searches (audit-2026-12-01-8.md, curation-notes-w7c.md). Both stay as '#' rows,
    so none of their edges is built."""
    for sid in ("UX001", "UX002"):
        assert statement_rows(kg, sid).empty and sid in commented_statement_ids(), sid


def test_platelet_microparticles_enhance_thrombosis_in_human_blood_ex_vivo(kg):
    """UX003 (Thromb Haemost 2012, PMID 23138460): healthy donors' platelet MPs added to human blood
    raise platelet and fibrin deposition on damaged and atherosclerotic arteries (Badimon chamber):
    ex vivo in human blood, no target organ, tier4 (no causal EV test or MISEV fields in the abstract)."""
    rows = statement_rows(kg, "UX003")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000233"}
    assert objects(rows, "affects") == {"REACT:R-HSA-76002"}
    outcome = rows[rows["predicate"] == "contributes_to"]
    assert set(outcome["object"]) == {"MONDO:0000831"} and set(outcome["direction"]) == {"increased"}
    assert not rows["predicate"].isin(["homes_to", "released_in"]).any()
    assert set(rows["model_system"]) == {"ex_vivo"} and set(rows["evidence_tier"]) == {"tier4"}
    assert condition_categories(kg, "UX003") == {"cardiovascular"}


def test_islet_microvesicle_retroviral_antigens_drive_type_1_diabetes_in_nod_mice(kg):
    """UX004 (Eur J Immunol 2017, PMID 28083937): islet-cell MVs carry ERV Env/Gag; Gag knock-down
    lowers the MV-induced T-cell response, diabetogenic on transfer: mouse, in vivo with a cargo
    loss-of-function test (tier2), no context condition (the islet cells' disease state is not stated)."""
    rows = statement_rows(kg, "UX004")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"UBERON:0000006"}
    assert objects(rows, "affects") == {"GO:0042110"}
    outcome = rows[rows["predicate"] == "contributes_to"]
    assert set(outcome["object"]) == {"MONDO:0005147"} and set(outcome["direction"]) == {"increased"}
    assert "released_in" not in set(rows["predicate"]) and "carries" not in set(rows["predicate"])
    assert set(rows["ev_perturbation"]) == {"cargo_loss_of_function"}
    assert set(rows["evidence_tier"]) == {"tier2"}


def test_islet_evs_suppress_iapp_amyloid_only_from_healthy_donors(kg):
    """UX005/UX006 (Ribeiro 2017 PNAS): healthy human islet EVs lower IAPP amyloid formation in vitro
    (UX005, no condition); T2D islet EVs have no effect and differ in insulin:C-peptide ratio and
    lipids (UX006: type 2 diabetes context, an observation with no pathway or outcome edge)."""
    healthy, t2d = statement_rows(kg, "UX005"), statement_rows(kg, "UX006")
    for rows in (healthy, t2d):
        assert set(rows["species"]) == {"NCBITaxon:9606"}
        assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"UBERON:0000006"}
        assert set(rows["model_system"]) == {"ex_vivo"}
    effect = healthy[healthy["predicate"] == "affects"]
    assert set(effect["object"]) == {"GO:1990000"} and set(effect["direction"]) == {"decreased"}
    assert not healthy["predicate"].isin(["released_in", "contributes_to"]).any()
    assert objects(t2d, "released_in") == {"MONDO:0005148"}
    assert not t2d["predicate"].isin(["affects", "contributes_to"]).any()
    assert set(t2d["knowledge_level"]) == {"observation"}


def test_hepatic_exosomes_lower_glucose_intolerance_without_a_route_edge(kg):
    """UX007 (Wu 2020 Metabolism): hepatic exosomes of miR-130a-3p-overexpressing mice, injected into
    high-fat-fed knockout mice, attenuate glucose intolerance; no target cell or organ (the adipocyte
    line's organism is not in the abstract), so it does not count for the liver route axis."""
    rows = statement_rows(kg, "UX007")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"UBERON:0002107"}
    outcome = rows[rows["predicate"] == "contributes_to"]
    assert set(outcome["object"]) == {"MONDO:0001076"} and set(outcome["direction"]) == {"decreased"}
    assert not rows["predicate"].isin(["taken_up_by", "homes_to", "carries"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo"} and set(rows["evidence_tier"]) == {"tier3"}
    assert not any("UX007" in m for m in axis_members(kg, axis("AX-LIVER")).values())
