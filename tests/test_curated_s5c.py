"""Session-5 curation pass C (cur5; statement ids WM... and WL..., files statements-s5c-*.tsv): new statements
for the issue-12 axes still short under the axis rule of ``tests/test_curated_axes.py``. Each statement is
checked for the edges its text read supports (curation-notes-s5c.md), and the ones written for an axis are
checked to count for it by that rule (``axis_members``), so a change to the rule or to a row that drops them
fails here. The generic per-file checks (rubric fields, one species, a note per reference naming the
statement, homing needs an in vivo or ex vivo model) are in test_curated_statement_files.py; the
cultured-cell rows in test_curated_cultured_cells.py."""

from __future__ import annotations

import pytest
from curated_pass import statement_rows
from test_curated_axes import FLOOR, SHORT_AXES, axes, axis_members, axis_table


def _objects(rows, predicate):
    return set(rows.loc[rows["predicate"] == predicate, "object"])


def _subjects(rows, predicate):
    return set(rows.loc[rows["predicate"] == predicate, "subject"])


def _axis(aid):
    return next(a for a in axes() if a["axis_id"] == aid)


#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "WM001": ("AX-HEART", "MI"),
}


def test_wm_wl_pass_size(kg):
    e = kg.edges[kg.edges["statement"].str.match(r"^W[ML]\d{3}$")]
    assert e["statement"].nunique() >= len(AXIS_STATEMENTS)


@pytest.mark.parametrize("sid", sorted(AXIS_STATEMENTS))
def test_the_statement_counts_for_its_axis(kg, sid):
    aid, name = AXIS_STATEMENTS[sid]
    assert sid in axis_members(kg, _axis(aid))[name]


def test_the_axes_this_pass_closed_reach_the_floor_and_left_the_short_list(kg):
    """The heart axis was at 4 before the pass; WM001 brings it to the floor, so it left SHORT_AXES."""
    counts = {aid: n for aid, _, n, _ in axis_table(kg)}
    assert counts["AX-HEART"] >= FLOOR and "AX-HEART" not in SHORT_AXES


def test_infarcted_cardiomyocyte_exosomes_reach_cardiac_fibroblasts_in_mice(kg):
    """WM001 (Morelli 2020 Int J Mol Sci, PMID 31892162): cardiosomes of cardiomyocytes isolated after MI in
    mice carry more miR-195 and activate primary cardiac fibroblasts: cardiomyocyte source in the heart, MI
    context, cardiac fibroblast target; primary cells in culture (tier4), no cargo node (accession not
    confirmed), no outcome condition and no homing edge."""
    rows = statement_rows(kg, "WM001")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert _subjects(rows, "releases") == {"CL:0000746"}
    assert _objects(rows, "part_of") == {"UBERON:0000948"}
    assert _objects(rows, "released_in") == {"MONDO:0005068"}
    assert _objects(rows, "taken_up_by") == {"CL:0002548"}
    assert not rows["predicate"].isin(["homes_to", "contributes_to", "carries"]).any()
    assert set(rows["model_system"]) == {"primary_cells"} and set(rows["evidence_tier"]) == {"tier4"}
    assert "miR-195" in kg.node("evgraph:EVP-WM001")["description"]
