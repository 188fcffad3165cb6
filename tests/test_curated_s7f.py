"""Session-7 curation pass N7F (statement ids XI..., file statements-s7f-gut.tsv): new statements for the
issue-12 gut axis (AX-GUT: gut/intestinal epithelium or gut-microbe vesicles -> liver, adipose, muscle).
Each statement is checked for the edges its text read supports (curation-notes-s7f.md: references, year,
species), and each is checked to count for the axis by the rule of ``tests/test_curated_axes.py``
(``axis_members``), so a change to the rule or to a row that drops it fails here. The generic per-file
checks (rubric fields, one species, a note per reference naming the statement, homing wording) are in
test_curated_statement_files.py."""

from __future__ import annotations

from curated_pass import objects, statement_rows, subjects

#: statement -> (axis, named target) it was written for.
AXIS_STATEMENTS = {
    "XI001": ("AX-GUT", "adipose"),
}

#: statement -> (references, publication year) as in curation-notes-s7f.md.
REFERENCES = {
    "XI001": ({"DOI:10.3390/metabo15050324"}, "2025"),
}


def test_intestinal_epithelial_exosomes_accumulate_in_adipose_tissue(kg):
    """XI001 (Han 2025 Metabolites, DOI 10.3390/metabo15050324): intestinal epithelial cell-derived exosomes
    of mice accumulate in adipose tissue, and those of cold-stimulated mice enhance adipose thermogenesis:
    intestinal epithelial cell (part of the intestine) source, exosomes, adipose-tissue homing, mouse, in
    vivo. No adipocyte uptake edge (effects only), no cargo node (mouse miR-674-3p), no condition."""
    rows = statement_rows(kg, "XI001")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0002563"}
    assert objects(rows, "part_of") == {"UBERON:0000160"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "homes_to") == {"UBERON:0001013"}
    assert not rows["predicate"].isin(["taken_up_by", "carries", "contributes_to", "released_in", "regulates"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo"}
    assert set(rows["evidence_tier"]) == {"tier3"}
