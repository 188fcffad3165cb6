"""Session-12 curation pass s12j (helper s12j; statement ids YN..., file statements-s12j-brain.tsv): new
statements for the issue-12 brain axis, glial side (AX-BRAIN: astrocyte / microglia / oligodendrocyte EVs with AD
or PD as context, outcome or biomarker target, rule "context") and margin for the KB total. Three statements were
written (curation-notes-s12j.md): YN001 (astrocytes cultured from AD patients' post-mortem brains release EVs with
more AQP4) counts for AX-BRAIN (AD); YN002/YN003 (brain-tissue and CSF EVs of Lewy body disorder cases carry
ceramides, alpha-synuclein and tau) have synucleinopathy as context, which does not roll up to Parkinson disease,
so they count for no axis. Each statement is checked for the edges its text read supports (references, year,
species, model system, tier). The generic per-file checks (rubric fields, one species, a note per reference naming
the statement) are in test_curated_statement_files.py; the cultured-cell register in
test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import commented_statement_ids, objects, pass_edges, statement_rows, subjects

AD = "MONDO:0004975"
SYNUCLEINOPATHY = "MONDO:0000510"
LBD_CARGO = {"CHEBI:17761", "NCBIGene:6622", "NCBIGene:4137"}

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "YN001": ("AX-BRAIN", "AD"),
}

#: statement -> (references, publication year) as in curation-notes-s12j.md.
REFERENCES = {
    "YN001": ({"DOI:10.3389/fnagi.2021.593927"}, "2021"),
}


def test_yn_pass_size(kg):
    assert set(pass_edges(kg, "YN")["statement"]) == set(REFERENCES)


def test_ad_patient_astrocyte_evs_carry_more_aqp4(kg):
    """YN001 (Gonzalez-Molina 2021 Front Aging Neurosci, DOI 10.3389/fnagi.2021.593927): astrocytes cultured from
    post-mortem brains of sporadic and familial AD patients release EVs with increased AQP4: astrocyte source, EVs,
    AD context, AQP4 cargo, human, cell culture, tier 4. No recipient cell, organ or outcome (the abstract names
    no organism for the recipient cells or animals)."""
    rows = statement_rows(kg, "YN001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000127"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "released_in") == {AD}
    assert objects(rows, "carries") == {"NCBIGene:361"}
    assert not rows["predicate"].isin(["taken_up_by", "homes_to", "contributes_to", "affects",
                                       "biomarker_for", "sampled_from", "part_of"]).any()
    assert set(rows["model_system"]) == {"cell_culture"}
    assert set(rows["evidence_tier"]) == {"tier4"}


def test_lewy_body_disorder_brain_and_csf_evs_carry_ceramide_synuclein_and_tau(kg):
    """YN002 (frontal-cortex EVs) and YN003 (CSF EVs) (Kurzawa-Akanbi 2021 Acta Neuropathol, PMID 34514546):
    post-mortem EVs of LBD cases (PD, PDD, DLB) heavily loaded with ceramides, alpha-synuclein and tau:
    synucleinopathy context, human, ex vivo, tier 4, no biomarker edge (no control comparison stated).
    Session 13: both held back by the lead (curation-notes-l13.md): the text read names no organism for the
    post-mortem donors (audit rule 4)."""
    assert "YN002" not in set(kg.edges["statement"]) and "YN002" in commented_statement_ids()
    assert "YN003" not in set(kg.edges["statement"]) and "YN003" in commented_statement_ids()


def test_axis_membership(kg):
    """YN001 counts for AX-BRAIN (AD); YN002/YN003 count for no axis (synucleinopathy is broader than PD, and
    there is no biomarker edge)."""
    from test_curated_axes import axis, axis_members

    brain = axis_members(kg, axis("AX-BRAIN"))
    counted = set().union(*brain.values())
    assert set(AXIS_STATEMENTS) <= counted
    assert not {"YN002", "YN003"} & counted
    biomarker = set().union(*axis_members(kg, axis("AX-BIOMARKER")).values())
    assert not {"YN001", "YN002", "YN003"} & biomarker
