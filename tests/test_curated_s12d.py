"""Session-12 curation pass s12d (helper s12d; statement ids YH..., file statements-s12d-brain.tsv): new
statements for the issue-12 brain axis (AX-BRAIN, Parkinson disease side, rule "context") and the thrombosis
axis (AX-THROMBOSIS). One statement was written (curation-notes-s12d.md): YH001, DJ-1 and alpha-synuclein
higher in plasma neural-derived exosomes of Parkinson disease patients than of controls (Zhao 2019 Front Aging
Neurosci, DOI 10.3389/fnagi.2018.00438). No thrombosis statement could be written (every candidate missed one
item; the notes' "Candidates tried and not added"). Each statement is checked for the edges its text read
supports (references, year, species, model system, tier). The generic per-file checks (rubric fields, one
species, a note per reference naming the statement, biomarker direction) are in
test_curated_statement_files.py; the table checks (axis membership, references and year) run in
test_curated_pass_tables.py once the lead registers this pass."""

from __future__ import annotations

from curated_pass import condition_categories, objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "YH001": ("AX-BRAIN", "PD"),
}

#: statement -> (references, publication year) as in curation-notes-s12d.md.
REFERENCES = {
    "YH001": ({"DOI:10.3389/fnagi.2018.00438"}, "2019"),
}


def test_yh_pass_size(kg):
    assert set(pass_edges(kg, "YH")["statement"]) == set(REFERENCES)


def test_dj1_and_alpha_synuclein_are_higher_in_plasma_neural_derived_exosomes_in_parkinson_disease(kg):
    """YH001 (Zhao 2019 Front Aging Neurosci 10:438, DOI 10.3389/fnagi.2018.00438): DJ-1 (PARK7) and
    alpha-synuclein (SNCA) in plasma neural-derived exosomes higher in PD patients than in controls (ELISA):
    neuron source, exosomes, plasma, PD as the case group's disease and as biomarker target of both cargoes;
    no target, pathway or outcome; human cohort, tier 3 (V only: no separation method, marker or single-EV
    method in the abstract read)."""
    rows = statement_rows(kg, "YH001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000540"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "released_in") == {"MONDO:0005180"}
    assert objects(rows, "carries") == {"NCBIGene:11315", "NCBIGene:6622"}
    assert subjects(rows, "biomarker_for") == {"NCBIGene:11315", "NCBIGene:6622"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005180"}
    assert not rows["predicate"].isin(["taken_up_by", "homes_to", "contributes_to", "part_of", "affects",
                                       "regulates"]).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert condition_categories(kg, "YH001") == {"neurodegenerative"}


def test_yh001_counts_for_the_pd_side_of_the_brain_axis_and_for_the_pd_biomarker_axis(kg):
    from test_curated_axes import axis, axis_members

    assert "YH001" in axis_members(kg, axis("AX-BRAIN"))["PD"]
    assert "YH001" in axis_members(kg, axis("AX-BIOMARKER"))["PD"]
    assert not any("YH001" in ids for ids in axis_members(kg, axis("AX-THROMBOSIS")).values())
