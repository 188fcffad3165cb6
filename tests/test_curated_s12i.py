"""Session-12 curation pass s12i (helper s12i; statement ids YM..., file statements-s12i-adipose.tsv): new
statements for the issue-12 adipose axis (AX-ADIPOSE: adipose tissue, adipocytes or adipose macrophages releasing
the EVs, and a named target - liver, muscle, pancreas, heart, vessels or brain - reached by ``taken_up_by`` a
target cell or ``homes_to`` an organ; rule "route"). Each statement is checked for the edges its text read
supports (curation-notes-s12i.md: references, year, species, model system, tier), and each is checked to count
for the axis it was written for by the rule of ``tests/test_curated_axes.py`` (``axis_members``), so a change to
the rule or to the row that drops it fails here. The generic per-file checks (rubric fields, one species, a note
per reference naming the statement, homing wording) are in test_curated_statement_files.py."""

from __future__ import annotations

from curated_pass import objects, statement_rows, subjects

#: statement -> (axis, named target) it was written for.
AXIS_STATEMENTS = {
    "YM001": ("AX-ADIPOSE", "pancreas"),
}

#: statement -> (references, publication year) as in curation-notes-s12i.md.
REFERENCES = {
    "YM001": ({"DOI:10.3390/cells10092451"}, "2021"),
}


def test_obese_adipose_macrophage_evs_applied_to_human_islets_lower_insulin_secretion(kg):
    """YM001 (Gao H et al., Cells 2021, 10(9), 2451, DOI 10.3390/cells10092451): EVs of adipose tissue
    macrophages of obese mice applied to human islets ex vivo gave the phenotypes seen in mice (insulin secretion
    suppressed). Adipose-macrophage source part_of adipose tissue, EVs, obesity context, islet target organ (ex
    vivo), insulin secretion decreased from the EV population (no cargo: miR-155 was shown in the mouse beta
    cells, not in the human islets); human, ex vivo, tier 4 (no EV perturbation or MISEV characterisation
    recorded for the human islets). No beta-cell uptake edge (the MIPGFP islets' organism is not named)."""
    rows = statement_rows(kg, "YM001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0002477"}
    assert objects(rows, "part_of") == {"UBERON:0001013"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "released_in") == {"MONDO:0011122"}
    assert objects(rows, "homes_to") == {"UBERON:0000006"}
    assert objects(rows, "affects") == {"GO:0030073"}
    assert set(rows.loc[rows["predicate"] == "affects", "direction"]) == {"decreased"}
    assert not rows["predicate"].isin(["taken_up_by", "carries", "regulates", "contributes_to",
                                       "biomarker_for", "sampled_from"]).any()
    assert set(rows["model_system"]) == {"ex_vivo"}
    assert set(rows["knowledge_level"]) == {"knowledge_assertion"}
    assert set(rows["evidence_tier"]) == {"tier4"}
