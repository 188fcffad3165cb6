"""Session-12 curation pass s12f (helper s12f; statement ids YJ..., file statements-s12f-biomarkers.tsv): new
statements for the issue-12 biomarker axis (AX-BIOMARKER, rule "biomarker": a cargo biomarker_for a named
condition, the EVs sampled_from plasma, serum, CSF, urine or blood), Alzheimer and Parkinson disease side, written
as margin for the statement floor (curation-notes-s12f.md). Two statements: YJ001, DJ-1 higher in urine exosomes of
male Parkinson disease patients than of male controls (Ho 2014 Biomed Res Int, PMID 25478574), and YJ002, Abeta42,
total tau and P-T181-tau higher in peripheral blood neuronal-derived exosomes in Alzheimer disease (Jia 2019
Alzheimers Dement, DOI 10.1016/j.jalz.2019.05.002). Each statement is checked for the edges its text read
supports (references, year, species, model system, tier). The generic per-file checks (rubric fields, one
species, a note per reference naming the statement, biomarker direction) are in
test_curated_statement_files.py; the table checks (axis membership, references and year) run in
test_curated_pass_tables.py once the lead registers this pass."""

from __future__ import annotations

from curated_pass import condition_categories, objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "YJ001": ("AX-BIOMARKER", "PD"),
    "YJ002": ("AX-BIOMARKER", "AD"),
}

#: statement -> (references, publication year) as in curation-notes-s12f.md.
REFERENCES = {
    "YJ001": ({"PMID:25478574", "DOI:10.1155/2014/704678"}, "2014"),
    "YJ002": ({"DOI:10.1016/j.jalz.2019.05.002"}, "2019"),
}

NOT_MECHANISTIC = ["taken_up_by", "homes_to", "contributes_to", "part_of", "affects", "regulates", "releases"]


def test_yj_pass_size(kg):
    assert set(pass_edges(kg, "YJ")["statement"]) == set(REFERENCES)


def test_dj1_is_higher_in_urine_exosomes_of_male_parkinson_disease_patients(kg):
    """YJ001 (Ho 2014 Biomed Res Int 2014:704678, PMID 25478574): DJ-1 (PARK7) in urine exosomes 1.7-fold
    higher in male PD patients than in male non-PD controls: exosomes, urine, PD as the case group's disease
    and as biomarker target; no source cell (urine exosomes of unstated origin), no target or outcome; human
    cohort, tier 3 (V only: no isolation method, marker or single-EV method in the abstract read)."""
    rows = statement_rows(kg, "YJ001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "sampled_from") == {"UBERON:0001088"}
    assert objects(rows, "released_in") == {"MONDO:0005180"}
    assert objects(rows, "carries") == {"NCBIGene:11315"}
    assert subjects(rows, "biomarker_for") == {"NCBIGene:11315"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005180"}
    assert not rows["predicate"].isin(NOT_MECHANISTIC).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert condition_categories(kg, "YJ001") == {"neurodegenerative"}


def test_abeta42_and_tau_are_higher_in_blood_neuronal_derived_exosomes_in_alzheimer_disease(kg):
    """YJ002 (Jia 2019 Alzheimers Dement 15(8):1071-1080, DOI 10.1016/j.jalz.2019.05.002): Abeta42 (APP),
    total tau and P-T181-tau (MAPT) higher in peripheral blood neuronal-derived exosomes in AD than in aMCI
    and controls (P < .001): exosomes, blood, AD as the case group's disease and as biomarker target; no neuron
    source (the abstract does not say how neuronal origin was shown, as for XD003); human cohort, tier 3."""
    rows = statement_rows(kg, "YJ002")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "sampled_from") == {"UBERON:0000178"}
    assert objects(rows, "released_in") == {"MONDO:0004975"}
    assert objects(rows, "carries") == {"NCBIGene:351", "NCBIGene:4137"}
    assert subjects(rows, "biomarker_for") == {"NCBIGene:351", "NCBIGene:4137"}
    assert objects(rows, "biomarker_for") == {"MONDO:0004975"}
    assert not rows["predicate"].isin(NOT_MECHANISTIC).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert condition_categories(kg, "YJ002") == {"neurodegenerative"}


def test_yj_rows_count_for_the_biomarker_axis_only(kg):
    from test_curated_axes import axis, axis_members

    members = axis_members(kg, axis("AX-BIOMARKER"))
    assert "YJ001" in members["PD"]
    assert "YJ002" in members["AD"]
    assert not any({"YJ001", "YJ002"} & set(ids) for ids in axis_members(kg, axis("AX-BRAIN")).values())
