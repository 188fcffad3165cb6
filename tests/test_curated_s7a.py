"""Session-7 curation pass N7A (statement ids XE..., file statements-s7a-gut.tsv): new statements for the
issue-12 gut axis (AX-GUT: gut/intestinal epithelium or gut-microbe vesicles -> liver, adipose, muscle).
Each statement is checked for the edges its text read supports (curation-notes-s7a.md: references, year,
species), and each is checked to count for the axis by the rule of ``tests/test_curated_axes.py``
(``axis_members``), so a change to the rule or to a row that drops it fails here. The generic per-file
checks (rubric fields, one species, a note per reference naming the statement, homing wording) are in
test_curated_statement_files.py."""

from __future__ import annotations

from curated_pass import commented_statement_ids, objects, statement_rows, subjects

#: statement -> (axis, named target) it was written for.
AXIS_STATEMENTS = {
    "XE002": ("AX-GUT", "liver"),
}

#: statement -> (references, publication year) as in curation-notes-s7a.md.
REFERENCES = {
    "XE002": ({"DOI:10.4049/jimmunol.1203170"}, "2013"),
}


def test_gut_e_coli_omvs_transfer_cre_to_host_cells_and_organs(kg):
    """XE001 (Bittel 2021 J Extracell Vesicles, PMID 34664784): Cre-expressing E. coli colonising the
    intestine of Rosa26.tdTomato reporter mice transfer OMV-borne Cre to intestinal epithelial cells and
    macrophages, and to the heart, liver, kidney and brain: intestine source (microbial-EV rule), bacterial
    EVs, mouse, in vivo. No condition, cargo node or evidence-quality field beyond the model system.
    Session 13: held back (curation-notes-l13.md): no citation record read in session 13 by two readers (record pass
    r13d and the lead) prints the journal name beside PMID 34664784 or the DOI."""
    assert "XE001" not in set(kg.edges["statement"]) and "XE001" in commented_statement_ids()


def test_intestinal_mucosal_nanoparticles_carry_pge2_to_the_liver(kg):
    """XE002 (Deng 2013 J Immunol, DOI 10.4049/jimmunol.1203170): intestinal mucus-derived exosome-like
    nanoparticles (IDENs) migrate to the liver in mice and their PGE2 induces liver NKT-cell anergy, attenuated
    when PGE2 synthesis is blocked: intestine source, EVs (not exosomes), PGE2 cargo, liver homing, mouse, in
    vivo, cargo loss of function. No NKT-cell uptake edge and no condition."""
    rows = statement_rows(kg, "XE002")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"UBERON:0000160"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "carries") == {"CHEBI:15551"}
    assert kg.node("CHEBI:15551")["label"] == "prostaglandin E2"
    assert objects(rows, "homes_to") == {"UBERON:0002107"}
    assert not rows["predicate"].isin(["taken_up_by", "contributes_to", "released_in", "regulates"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo"}
    assert set(rows["ev_perturbation"]) == {"cargo_loss_of_function"}
    assert set(rows["evidence_tier"]) == {"tier2"}
