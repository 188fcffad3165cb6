"""Session-8 curation pass cur8a (statement ids XR..., file statements-s8a-liver.tsv): new statements for the
issue-12 liver axis (AX-LIVER: liver/hepatocyte -> endothelium, adipose, pancreas, brain), all three on the
endothelium target. Each statement is checked for the edges its text read supports (curation-notes-s8a.md:
references, year, species, cultured-cell row), and each is checked to count for the axis by the rule of
``tests/test_curated_axes.py`` (``axis_members``). The lead's ruling on landing (session 8): they do **not** count.
The three rest on hepatocellular carcinoma cell lines (a malignant cell of the liver, the KB's convention for
tumour-cell EV sources, e.g. NO018, NO022) and human umbilical vein endothelial cells; none is a metabolic
(NAFLD/NASH, obesity, T2D) route, so the route rule leaves tumour EVs (released in an oncologic condition) out
of the organ's axis: they are tumour angiogenesis, not the liver's systemic traffic. The generic per-file
checks are in test_curated_statement_files.py; the
cultured-cell rows in test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import commented_statement_ids, objects, statement_rows, subjects
from test_curated_axes import axis, axis_members
from test_curated_cultured_cells import register

from evgraph.model import split_list

#: statement -> (axis, named target) it was written for; none counts (tumour EVs, see the module docstring).
WRITTEN_FOR = {
    "XR002": ("AX-LIVER", "endothelium"),
    "XR003": ("AX-LIVER", "endothelium"),
}
AXIS_STATEMENTS: dict[str, tuple[str, str]] = {}

#: statement -> (references, publication year) as in curation-notes-s8a.md.
REFERENCES = {
    "XR002": ({"DOI:10.1186/s13046-020-1529-9"}, "2020"),
    "XR003": ({"PMID:30704479", "DOI:10.1186/s12943-019-0948-8"}, "2019"),
}


def _hcc_exosomes_to_huvec(rows):
    """What the three statements share: HCC cell (malignant cell, part of the liver) exosomes released in
    hepatocellular carcinoma, taken up by HUVECs, angiogenesis increased, human cultured cells, no organ homing
    and no outcome condition."""
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0001064"}
    assert objects(rows, "part_of") == {"UBERON:0002107"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "released_in") == {"MONDO:0007256"}
    assert objects(rows, "taken_up_by") == {"CL:0002618"}
    assert objects(rows, "affects") == {"GO:0001525"}
    assert set(rows.loc[rows["predicate"] == "affects", "direction"]) == {"increased"}
    assert not rows["predicate"].isin(["homes_to", "contributes_to", "biomarker_for", "regulates"]).any()
    assert {frozenset(split_list(m)) for m in rows["model_system"]} == {frozenset({"cell_line", "cell_culture"})}


def test_hcc_exosomes_deliver_angpt2_into_huvecs_by_endocytosis(kg):
    """XR001 (Xie JY 2020 Cell Commun Signal 18(1):46): Hep3B / MHCC97H exosomes carry ANGPT2 and deliver it into
    HUVECs by exosome endocytosis, raising angiogenesis; ANGPT2 knock-down in the HCC cells inhibits it (cargo
    loss of function), so tier3.
    Held back after audit 11 (audit-2026-12-01-11.md, curation-notes-l12.md): no record read in session 12
    prints the journal beside its identifiers; the row is kept whole as a comment, with its register row."""
    assert "XR001" not in set(kg.edges["statement"]) and "XR001" in commented_statement_ids()
    assert "XR001" not in register()


def test_hcc_exosomes_transfer_circrna_100338_to_huvecs(kg):
    """XR002 (Huang XY 2020 J Exp Clin Cancer Res): exosomes of highly metastatic HCC cell lines transfer
    circRNA-100,338 to HUVECs, enhancing angiogenesis; no cargo node (no checked circRNA id), so the pathway
    edge leaves the EV population itself; no perturbation recorded, tier4."""
    rows = statement_rows(kg, "XR002")
    _hcc_exosomes_to_huvec(rows)
    assert not (rows["predicate"] == "carries").any()
    assert subjects(rows, "affects") == {"evgraph:EVP-XR002"}
    assert set(rows["evidence_tier"]) == {"tier4"}


def test_hcc_exosomes_transfer_loxl4_to_huvecs(kg):
    """XR003 (Li R 2019 Mol Cancer 18(1):18): HCC-derived exosomes transfer LOXL4 to HUVECs through a paracrine
    mechanism to promote angiogenesis; no perturbation recorded for the HUVEC result, tier4."""
    rows = statement_rows(kg, "XR003")
    _hcc_exosomes_to_huvec(rows)
    assert objects(rows, "carries") == {"NCBIGene:84171"}
    assert subjects(rows, "affects") == {"NCBIGene:84171"}
    assert set(rows["evidence_tier"]) == {"tier4"}


def test_tumour_evs_do_not_count_for_the_liver_axis_and_register_their_cells(kg):
    members = axis_members(kg, axis("AX-LIVER"))["endothelium"]
    assert not set(WRITTEN_FOR) & members
    for sid in WRITTEN_FOR:
        assert "MONDO:0007256" in objects(statement_rows(kg, sid), "released_in"), sid
        row = register()[sid]
        assert row["ncbi_taxon"] == "NCBITaxon:9606" and row["basis"] == "record", sid
