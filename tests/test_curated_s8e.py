"""Session-8 curation pass s8e (helper cur8e; statement ids XV..., file statements-s8e-islet.tsv): new
statements for the issue-12 islet axis (AX-ISLET: pancreatic islet / beta-cell EVs in T1D / T2D, rule
"context"). No candidate that would count for the axis could be written this pass (curation-notes-s8e.md,
"Candidates tried and not added"); the one statement added, XV001, is sound but names no T1D/T2D, so it
counts for no axis and ``AXIS_STATEMENTS`` is empty. Each statement is checked for the edges its text read
supports (references, year, species, model system, tier). The generic per-file checks (rubric fields, one
species, a note per reference naming the statement, homing wording) are in test_curated_statement_files.py."""

from __future__ import annotations

from curated_pass import objects, statement_rows, subjects

#: statement -> (axis, named target) it was written for: none (XV001 counts for no axis).
AXIS_STATEMENTS: dict[str, tuple[str, str]] = {}

#: statement -> (references, publication year) as in curation-notes-s8e.md.
REFERENCES = {
    "XV001": ({"DOI:10.34133/bmr.0346"}, "2026"),
}


def test_beta_cell_line_evs_applied_to_human_islets_raise_insulin_secretion(kg):
    """XV001 (Boucenna 2026 Biomaterials Research, DOI 10.34133/bmr.0346): EVs of the human EndoC-betaH1
    beta-cell line applied to human donor islets ex vivo raised their insulin secretion 3-fold: beta-cell
    source, EVs, islet target organ (ex vivo), insulin secretion increased, human, tier 4 (no EV perturbation
    or MISEV characterisation in the abstract read). No cargo, no beta-cell uptake edge, no condition."""
    rows = statement_rows(kg, "XV001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000169"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "homes_to") == {"UBERON:0000006"}
    assert objects(rows, "affects") == {"GO:0030073"}
    assert set(rows.loc[rows["predicate"] == "affects", "direction"]) == {"increased"}
    assert not rows["predicate"].isin(["taken_up_by", "carries", "contributes_to", "released_in",
                                       "biomarker_for", "part_of"]).any()
    assert set(rows["model_system"]) == {"cell_line|ex_vivo"}
    assert set(rows["evidence_tier"]) == {"tier4"}


def test_xv001_does_not_count_for_the_islet_axis(kg):
    """The notes say XV001 counts for no axis: it names no T1D/T2D. If a later change makes it count, the
    notes (and AXIS_STATEMENTS) must say so."""
    from test_curated_axes import axis, axis_members

    members = axis_members(kg, axis("AX-ISLET"))
    assert not any("XV001" in ids for ids in members.values())
