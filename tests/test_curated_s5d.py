"""Session-5 curation pass D (cur5b; statement ids WN..., files statements-s5d-*.tsv): new statements for the
liver and gut axes of issue 12, still short under the axis rule of ``tests/test_curated_axes.py``. Each
statement is checked for the edges its text read supports (curation-notes-s5d.md), and the ones written for
an axis are checked to count for it by that rule (``axis_members``), so a change to the rule or to a row that
drops them fails here. The generic per-file checks (rubric fields, one species, a note per reference naming
the statement, homing needs an in vivo or ex vivo model) are in test_curated_statement_files.py; the
cultured-cell rows in test_curated_cultured_cells.py."""

from __future__ import annotations

import pytest
from curated_pass import objects, pass_edges, statement_rows, subjects
from test_curated_axes import axis, axis_members

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "WN001": ("AX-LIVER", "adipose"),
}


def test_wn_pass_size(kg):
    assert pass_edges(kg, "WN")["statement"].nunique() >= len(AXIS_STATEMENTS)


@pytest.mark.parametrize("sid", sorted(AXIS_STATEMENTS))
def test_the_statement_counts_for_its_axis(kg, sid):
    aid, name = AXIS_STATEMENTS[sid]
    assert sid in axis_members(kg, axis(aid))[name]


def test_hepatocyte_evs_target_adipocytes_under_lipid_overload_in_mice(kg):
    """WN001 (Zhao 2020 Nat Commun, DOI 10.1038/s41467-020-14450-6): under lipid overload the mouse liver sends
    hepatocyte EVs targeting adipocytes (Ggpps/Rab27A-regulated secretion; liver Ggpps knockout mice store less
    fat): hepatocyte source in the liver, adipocyte target, in vivo, no context disease, no cargo, no pathway
    direction and no perturbation recorded (the abstract gives none of them), so tier3."""
    rows = statement_rows(kg, "WN001")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0000182"}
    assert objects(rows, "part_of") == {"UBERON:0002107"}
    assert objects(rows, "taken_up_by") == {"CL:0000136"}
    assert not rows["predicate"].isin(["homes_to", "released_in", "contributes_to", "carries", "affects"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo"} and set(rows["evidence_tier"]) == {"tier3"}
    assert "Ggpps" in kg.node("evgraph:EVP-WN001")["description"]
