"""Session-12 curation pass s12a (helper s12a; statement ids YE..., file statements-s12a-vessel.tsv): new
statements for the issue-12 vessel-wall axis (AX-VESSEL: endothelial cells, smooth muscle cells,
monocytes/macrophages, foam cells or the vessel wall releasing the EVs, with atherosclerosis as context, outcome
or biomarker target; rule "context"). Each statement is checked for the edges its text read supports
(curation-notes-s12a.md: references, year, species, cultured-cell row), and each is checked to count for the
axis it was written for by the rule of ``tests/test_curated_axes.py`` (``axis_members``), so a change to the rule
or to the row that drops it fails here. The generic per-file checks (rubric fields, one species, a note per
reference naming the statement) are in test_curated_statement_files.py; the cultured-cell rows in
test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import objects, statement_rows, subjects
from test_curated_cultured_cells import register

#: statement -> (axis, named condition) it was written for.
AXIS_STATEMENTS = {
    "YE001": ("AX-VESSEL", "atherosclerosis"),
}

#: statement -> (references, publication year) as in curation-notes-s12a.md.
REFERENCES = {
    "YE001": ({"PMID:33302032", "DOI:10.1016/j.intimp.2020.107138"}, "2021"),
}


def test_m1_macrophage_evs_carry_mir185_3p_and_aggravate_atherosclerosis_in_apoe_mice(kg):
    """YE001 (Int Immunopharmacol 2021 Jan;90:107138, PMID 33302032): EVs of M1 macrophages given to ApoE-/-
    mice elevated miR-185-3p and aggravated atherosclerosis by downregulating Smad7. Macrophage source, EVs,
    miR-185-3p and its target Smad7 named in the
    evidence only (the miRBase accession was not seen in a record, and a regulated gene needs its cargo),
    atherosclerosis increased; mouse, no context (M1 polarisation is
    no disease), no target (effects on endothelial cells, no uptake), no EV isolation method or perturbation
    recorded (not in the abstract read): tier3."""
    rows = statement_rows(kg, "YE001")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0000235"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    # miR-185-3p is named in the evidence only: its miRBase accession was not seen in a record (lead ruling).
    assert objects(rows, "carries") == set()
    assert objects(rows, "regulates") == set()  # a regulated gene needs its cargo (curated loader)
    assert objects(rows, "contributes_to") == {"MONDO:0005311"}
    assert set(rows.loc[rows["predicate"] == "contributes_to", "direction"]) == {"increased"}
    assert not rows["predicate"].isin(["released_in", "taken_up_by", "homes_to", "biomarker_for",
                                       "sampled_from", "part_of"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo|cell_culture"}
    assert set(rows["knowledge_level"]) == {"knowledge_assertion"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    reg = register()["YE001"]
    assert reg["basis"] == "in_vivo" and reg["ncbi_taxon"] == "NCBITaxon:10090"
    assert reg["_file"] == "cultured-cells-s12a.tsv"
