"""Session-5 curation pass C (cur5; statement ids WM... and WL..., files statements-s5c-*.tsv): new statements
for the issue-12 axes still short under the axis rule of ``tests/test_curated_axes.py``. Each statement is
checked for the edges its text read supports (curation-notes-s5c.md), and the ones written for an axis are
checked to count for it by that rule (``axis_members``), so a change to the rule or to a row that drops them
fails here. The generic per-file checks (rubric fields, one species, a note per reference naming the
statement, homing needs an in vivo or ex vivo model) are in test_curated_statement_files.py; the
cultured-cell rows in test_curated_cultured_cells.py."""

from __future__ import annotations

import pytest
from curated_pass import objects, statement_rows, subjects
from test_curated_axes import FLOOR, SHORT_AXES, axis, axis_members, axis_table
from test_curated_cultured_cells import register, registry

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "WM001": ("AX-HEART", "MI"),
    "WL002": ("AX-LIVER", "pancreas"),
    "WL003": ("AX-LIVER", "pancreas"),
}


def test_wm_wl_pass_size(kg):
    e = kg.edges[kg.edges["statement"].str.match(r"^W[ML]\d{3}$")]
    assert e["statement"].nunique() >= len(AXIS_STATEMENTS)


def test_the_axes_this_pass_closed_reach_the_floor_and_left_the_short_list(kg):
    """The heart axis was at 4 before the pass; WM001 brings it to the floor, so it left SHORT_AXES."""
    counts = {aid: n for aid, _, n, _ in axis_table(kg)}
    assert counts["AX-HEART"] >= FLOOR and "AX-HEART" not in SHORT_AXES


def test_infarcted_cardiomyocyte_exosomes_in_mice_without_an_uptake_edge(kg):
    """WM001 (Morelli 2020 Int J Mol Sci, PMID 31892162): cardiosomes of cardiomyocytes isolated after MI in
    mice carry more miR-195 and activate primary cardiac fibroblasts: cardiomyocyte source in the heart, MI
    context; primary cells in culture (tier4), no cargo node (accession not confirmed), no outcome condition
    and no homing edge. Sweep w10c (curation-notes-w10c.md) cut the cardiac-fibroblast target: the abstract
    shows activation, not uptake (the transfer is the authors' conclusion), so the row is an observation."""
    rows = statement_rows(kg, "WM001")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0000746"}
    assert objects(rows, "part_of") == {"UBERON:0000948"}
    assert objects(rows, "released_in") == {"MONDO:0005068"}
    assert not rows["predicate"].isin(["taken_up_by", "homes_to", "contributes_to", "carries"]).any()
    assert set(rows["knowledge_level"]) == {"observation"}
    assert set(rows["model_system"]) == {"primary_cells"} and set(rows["evidence_tier"]) == {"tier4"}
    assert "miR-195" in kg.node("evgraph:EVP-WM001")["description"]


def test_hepatic_exosomes_raise_glucose_uptake_of_mouse_adipocytes_in_culture(kg):
    """WL001 (Wu 2020 Metabolism, DOI 10.1016/j.metabol.2019.154006): hepatic exosomes of miR-130a-3p-overexpressing
    mice raise glucose uptake (and lower lipid droplets) of 3T3-L1 adipocytes treated with them; mouse through the
    registry (3T3-L1 row added by this pass), no cargo node, no outcome condition. No adipocyte target: uptake is
    not described (cells treated with EVs are no ``taken_up_by`` target), so it counts for no route axis."""
    rows = statement_rows(kg, "WL001")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"UBERON:0002107"}
    assert "taken_up_by" not in set(rows["predicate"])
    assert "WL001" not in axis_members(kg, axis("AX-LIVER"))["adipose"]
    effect = rows[rows["predicate"] == "affects"]
    assert set(effect["object"]) == {"GO:0046323"} and set(effect["direction"]) == {"increased"}
    assert not rows["predicate"].isin(["homes_to", "contributes_to", "carries", "released_in"]).any()
    assert set(rows["model_system"]) == {"cell_line"} and set(rows["evidence_tier"]) == {"tier4"}
    reg = register()["WL001"]
    assert reg["basis"] == "cell_line_registry" and reg["cell_lines"] == "3T3-L1"


@pytest.mark.parametrize(("line", "pmid"), [("3T3-L1", "PMID:4426090"), ("MIN6", "PMID:2163307")])
def test_registry_rows_added_by_the_pass_are_mouse(line, pmid):
    row = registry()[line.lower()]
    assert row["ncbi_taxon"] == "NCBITaxon:10090" and row["record"] == pmid and row["seen_by"] == "cur5"


def test_ad004_rests_on_the_human_islets_only(kg):
    """AD004 (Gesmundo 2021 JCI Insight), re-read when 3T3-L1 entered the registry: a human statement on human
    islets ex vivo; the beta-cell target edge (a line of unnamed organism in the abstract) is gone and the
    evidence names no registry line of another organism."""
    rows = statement_rows(kg, "AD004")
    assert set(rows["species"]) == {"NCBITaxon:9606"} and set(rows["model_system"]) == {"ex_vivo"}
    assert objects(rows, "homes_to") == {"UBERON:0000006"}
    assert "taken_up_by" not in set(rows["predicate"])
    text = kg.node("evgraph:EVP-AD004")["description"]
    assert "human pancreatic islets" in text and "3T3" not in text


@pytest.mark.parametrize(("sid", "taxon"), [("WL002", "NCBITaxon:10090"), ("WL003", "NCBITaxon:9606")])
def test_lipotoxic_hepatocyte_sevs_impair_insulin_secretion_of_isolated_islets(kg, sid, taxon):
    """WL002/WL003 (Alen 2025 Diabetologia, PMID 40387904): sEVs of palmitic-acid-treated hepatocytes impair
    glucose-stimulated insulin secretion of isolated mouse (WL002) and human (WL003) islets: one statement per
    islet species, the islets as target organ ex vivo, no disease context (a lipotoxic treatment), no
    macrophage edge (the abstract does not say in which species' islets it was shown)."""
    rows = statement_rows(kg, sid)
    assert set(rows["species"]) == {taxon}
    assert subjects(rows, "releases") == {"CL:0000182"} and objects(rows, "part_of") == {"UBERON:0002107"}
    assert objects(rows, "homes_to") == {"UBERON:0000006"}
    effect = rows[rows["predicate"] == "affects"]
    assert set(effect["object"]) == {"GO:0035773"} and set(effect["direction"]) == {"decreased"}
    assert not rows["predicate"].isin(["taken_up_by", "released_in", "contributes_to", "carries"]).any()
    assert set(rows["model_system"]) == {"ex_vivo"}
    # "differential ultracentrifugation" without a g-force -> differential_centrifugation (README; audit 7 follow-up)
    assert set(rows["separation_method"]) == {"differential_centrifugation"}
    assert set(rows["evidence_tier"]) == {"tier4"}
