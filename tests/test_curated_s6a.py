"""Session-6 curation pass N6A (statement ids XA..., files statements-s6a-*.tsv): new statements for the
issue-12 gut and skeletal-muscle axes. Each statement is checked for the edges its text read supports
(curation-notes-s6a.md: references, year, species, cultured-cell row), and each is checked to count for the
axis it was written for by the rule of ``tests/test_curated_axes.py`` (``axis_members``), so a change to the
rule or to a row that drops it fails here. The generic per-file checks (rubric fields, one species, a note
per reference naming the statement) are in test_curated_statement_files.py; the cultured-cell rows in
test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import objects, statement_rows, subjects
from test_curated_cultured_cells import register, registry

#: statement -> (axis, named target) it was written for.
AXIS_STATEMENTS = {
    "XA001": ("AX-MUSCLE", "adipose"),
}

#: statement -> (references, publication year) as in curation-notes-s6a.md.
REFERENCES = {
    "XA001": ({"DOI:10.3390/ijms24054561", "PMID:36901991"}, "2023"),
}


def test_muscle_cell_exosomes_deliver_mir146a_to_mouse_adipocytes(kg):
    """XA001 (Qin 2023 Int J Mol Sci, PMID 36901991): exosomes of C2C12 skeletal muscle cells transfer
    miR-146a-5p to 3T3-L1 adipocytes and inhibit adipogenesis, reversed by a miR-146a-5p inhibitor: myoblast
    source, exosome, miR-146a-5p cargo, adipocyte target; mouse through the registry (C2C12 row added by this
    pass, 3T3-L1 by cur5). No homing edge (the in vivo arrival in adipose tissue was not in the text read), no
    gene, pathway or condition edge."""
    rows = statement_rows(kg, "XA001")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0000056"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "carries") == {"mirbase:MIMAT0000449"}
    assert objects(rows, "taken_up_by") == {"CL:0000136"}
    assert not rows["predicate"].isin(["homes_to", "contributes_to", "released_in", "regulates", "affects"]).any()
    assert set(rows["model_system"]) == {"cell_line"}
    assert set(rows["ev_perturbation"]) == {"cargo_loss_of_function"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    reg = register()["XA001"]
    assert reg["basis"] == "cell_line_registry" and reg["cell_lines"] == "C2C12|3T3-L1"
    assert reg["_file"] == "cultured-cells-s6a.tsv"


def test_c2c12_registry_row_is_mouse():
    row = registry()["c2c12"]
    assert row["ncbi_taxon"] == "NCBITaxon:10090" and row["record"] == "DOI:10.7554/eLife.65672"
    assert row["seen_by"] == "N6A"
