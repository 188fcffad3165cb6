"""Session-3 curation pass A (statement ids TA..., files statements-s3a-*.tsv): each statement links
exactly the condition families its paper studies, with the edges the abstract supports (the bridges
the pass adds are checked one by one). The generic per-file checks - rubric fields with one species,
a note per reference naming the statement, biomarker direction - are in
test_curated_statement_files.py."""

from __future__ import annotations

import pytest
from curated_pass import commented_statement_ids, condition_categories, pass_edges, statement_rows


def _objects(rows, predicate):
    return set(rows.loc[rows["predicate"] == predicate, "object"])


def test_ta_pass_size(kg):
    assert pass_edges(kg, "TA")["statement"].nunique() >= 4


def test_urinary_exosomes_in_diabetes_mark_diabetic_kidney_disease(kg):
    """TA001 (Ren Fail 2023): urinary exosomal miR-615-3p higher in DKD than in T2DM and healthy
    people; the miRNA's accession was not confirmed, so the EV population itself is the marker of a
    metabolic context (diabetes mellitus: the DKD patients' diabetes type is not stated, audit 9) and a
    renal outcome."""
    rows = statement_rows(kg, "TA001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert _objects(rows, "released_in") == {"MONDO:0005015"}
    assert _objects(rows, "sampled_from") == {"UBERON:0001088"}
    marker = rows[rows["predicate"] == "biomarker_for"]
    assert set(marker["subject"]) == {"evgraph:EVP-TA001"} and set(marker["object"]) == {"MONDO:0005016"}
    assert not rows["predicate"].isin(["carries", "contributes_to"]).any()
    assert condition_categories(kg, "TA001") == {"metabolic", "renal"}


@pytest.mark.parametrize(("sid", "cell", "marker"), [("TA002", "CL:0000233", "evgraph:EVP-TA002"),
                                                     ("TA003", "CL:0000115", "evgraph:EVP-TA003")])
def test_microparticles_of_infarct_patients_mark_chronic_kidney_disease(kg, sid, cell, marker):
    """TA002/TA003 (Mörtberg 2019): in acute myocardial infarction, CD40L+ platelet and CD62E+
    endothelial microparticles are higher with CKD stage 4-5: two populations, each released in
    myocardial infarction and marking chronic kidney disease (cardiovascular + renal). Sweep w10b
    (curation-notes-w10b.md, rule 7): TA003's E-selectin (CD62E) defines the population, so it is an
    ev_markers_positive value, not cargo, and the CKD marker edge leaves from the EV population; the lead
    applied the same to TA002's CD40 ligand (CD40LG), which defines its platelet MP population."""
    rows = statement_rows(kg, sid)
    assert not (rows["predicate"] == "carries").any()
    assert set(rows["ev_markers_positive"]) == {"NCBIGene:959" if sid == "TA002" else "NCBIGene:6401"}
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {cell}
    assert _objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert _objects(rows, "released_in") == {"MONDO:0005068"}
    marker_rows = rows[rows["predicate"] == "biomarker_for"]
    assert set(marker_rows["subject"]) == {marker} and set(marker_rows["object"]) == {"MONDO:0005300"}
    assert condition_categories(kg, sid) == {"cardiovascular", "renal"}
    assert set(rows["evidence_tier"]) == {"tier3"}


def test_serum_exosomal_let7b_marks_hyperglycaemia_in_coronary_heart_disease(kg):
    """TA004 (Han 2023): hsa-let-7b-5p upregulated in serum exosomes of hyperglycaemic versus
    normoglycaemic patients with coronary heart disease (the microarray part read): a cardiovascular
    context and a metabolic marker, and no outcome edge (the ROC result was not read)."""
    rows = statement_rows(kg, "TA004")
    assert _objects(rows, "carries") == {"mirbase:MIMAT0000063"}
    assert _objects(rows, "released_in") == {"MONDO:0005010"}
    marker = rows[rows["predicate"] == "biomarker_for"]
    assert set(marker["subject"]) == {"mirbase:MIMAT0000063"} and set(marker["object"]) == {"MONDO:0002909"}
    assert "contributes_to" not in set(rows["predicate"])
    assert condition_categories(kg, "TA004") == {"cardiovascular", "metabolic"}


def test_exercised_muscle_evs_home_to_liver_and_lower_glucose_intolerance_and_atherosclerosis(kg):
    """TA005 (Wang 2023 Aging Dis): skeletal-muscle EVs of exercised mice, injected into obese and
    ApoE-/- mice, are taken up mainly by liver and adipose tissue and protect like exercise: the first
    skeletal muscle -> liver statement, a metabolic + cardiovascular bridge shown in mice in vivo."""
    rows = statement_rows(kg, "TA005")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"UBERON:0001134"}
    assert _objects(rows, "homes_to") == {"UBERON:0002107", "UBERON:0001013"}
    outcome = rows[rows["predicate"] == "contributes_to"]
    assert set(outcome["object"]) == {"MONDO:0001076", "MONDO:0005311"}
    assert set(outcome["direction"]) == {"decreased"}
    assert set(rows["model_system"]) == {"animal_in_vivo"} and set(rows["ev_perturbation"]) == {"secretion_block"}
    assert set(rows["evidence_tier"]) == {"tier2"}
    assert condition_categories(kg, "TA005") == {"metabolic", "cardiovascular"}


def test_endothelial_microparticles_in_type_2_diabetes_mark_hypertension(kg):
    """TA006 (Dec-Gilowska 2019): within type 2 diabetes, serum EMPs are higher with hypertension."""
    rows = statement_rows(kg, "TA006")
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000115"}
    assert _objects(rows, "released_in") == {"MONDO:0005148"}
    assert _objects(rows, "sampled_from") == {"UBERON:0001977"}
    assert _objects(rows, "biomarker_for") == {"MONDO:0005044"}
    assert condition_categories(kg, "TA006") == {"metabolic", "cardiovascular"}


def test_brain_evs_constrict_vessels_without_a_recorded_injury_context(kg):
    """TA007 (Wang 2022 J Neurotrauma): infused brain-derived EVs constrict vessels through
    vascular smooth muscle and cut cerebral blood flow in mice; the infused EVs' origin in injured
    brains is not stated, so the statement carries no injury context and bridges nothing. No smooth
    muscle target (audit 6 follow-up): calcium influx into the cells is an effect, not uptake."""
    rows = statement_rows(kg, "TA007")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"UBERON:0000955"}
    assert "taken_up_by" not in set(rows["predicate"])
    assert _objects(rows, "affects") == {"GO:0042310"}
    assert _objects(rows, "contributes_to") == {"MONDO:0005299"}
    assert "released_in" not in set(rows["predicate"])
    assert condition_categories(kg, "TA007") == {"cardiovascular"}


def test_urinary_exosomal_mir146a_falls_with_albuminuria_in_hypertension(kg):
    """TA008 (Perez-Hernandez 2018): in essential hypertension, urinary exosomal miR-146a is lower
    with albuminuria (recorded as proteinuria): a cardiovascular context and a renal marker."""
    rows = statement_rows(kg, "TA008")
    assert _objects(rows, "released_in") == {"MONDO:0005044"}
    assert _objects(rows, "sampled_from") == {"UBERON:0001088"}
    marker = rows[rows["predicate"] == "biomarker_for"]
    assert set(marker["subject"]) == {"mirbase:MIMAT0000449"} and set(marker["object"]) == {"MONDO:0003634"}
    assert kg.node("evgraph:EVP-TA008")["description"].startswith("Direction: lower in disease")
    assert set(rows["single_ev_characterisation"]) == {"tunable_resistive_pulse_sensing"}
    assert condition_categories(kg, "TA008") == {"cardiovascular", "renal"}


def test_obese_endothelial_microvesicles_act_on_endothelial_cells_in_culture_only(kg):
    """TA009 (Am J Physiol Endocrinol Metab 2023): CD144+ EMVs of obese adults raise apoptotic and
    inflammatory markers in cultured endothelial cells; an in vitro claim in human cells, released
    in obesity, with no disease outcome, so it stays in the metabolic family and is tier4."""
    rows = statement_rows(kg, "TA009")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert _objects(rows, "released_in") == {"MONDO:0011122"}
    assert _objects(rows, "affects") == {"GO:0006915"}
    assert not rows["predicate"].isin(["contributes_to", "taken_up_by", "biomarker_for"]).any()
    assert set(rows["model_system"]) == {"cell_culture"} and set(rows["evidence_tier"]) == {"tier4"}
    assert condition_categories(kg, "TA009") == {"metabolic"}


def test_statements_held_back_by_the_session_5_re_read(kg):
    """TA010 (no sample and no cell of origin named in the abstract, so no EV origin) was held back by
    sweep5D (curation-notes-r5d.md): out of the graph, kept as a commented row. TA015, held back by
    sweep5D for want of a record with journal and year beside its id, was restored by R6B in session 6
    (curation-notes-r6b.md: ouci prints title, journal and 2005 beside DOI:10.1016/j.diabres.2004.10.010).
    Sweep w10b (session 11) did not find that record again and held TA015 back; the lead restored it
    (curation-notes-w10b.md, lead ruling: a record read and quoted by R6B is not undone by a failed re-search)."""
    commented = commented_statement_ids()
    for sid in ("TA010",):
        assert statement_rows(kg, sid).empty, sid
        assert sid in commented, sid


def test_ta015_restored_without_a_biofluid(kg):
    """TA015 (Ogata 2005 Diabetes Res Clin Pract): platelet-derived microparticles are higher in diabetic
    patients and rise with retinopathy stage. Restored by R6B (session 6) without the blood biofluid:
    the abstract does not name the sample the PMPs were measured in."""
    rows = statement_rows(kg, "TA015")
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000233"}
    assert _objects(rows, "biomarker_for") == {"MONDO:0005266"}
    assert _objects(rows, "released_in") == {"MONDO:0005015"}
    assert not (rows["predicate"] == "sampled_from").any()
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert condition_categories(kg, "TA015") == {"metabolic", "other"}


@pytest.mark.parametrize(("sid", "cell"), [("TA011", "CL:0000233"), ("TA012", "CL:0000233"), ("TA013", "CL:0000232")])
def test_psoriasis_microvesicles_stay_in_the_inflammatory_family(kg, sid, cell):
    """TA011-TA013 (Papadavid 2016, Margouta 2022): platelet and erythrocyte microvesicles are higher
    in psoriasis; carotid IMT and PWV did not differ, so no cardiovascular condition is recorded."""
    rows = statement_rows(kg, sid)
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {cell}
    assert _objects(rows, "biomarker_for") == {"MONDO:0005083"}
    assert condition_categories(kg, sid) == {"inflammatory"}


def test_rbc_evs_mark_poor_glucose_control_in_diabetic_heart_failure_with_atrial_fibrillation(kg):
    """TA014 (Berezin 2023): RBC-derived EVs higher with HbA1c >= 7% among AF patients with T2D and
    heart failure: released in T2D, heart failure and AF, marking hyperglycaemia."""
    rows = statement_rows(kg, "TA014")
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000232"}
    assert _objects(rows, "released_in") == {"MONDO:0005148", "MONDO:0005252", "MONDO:0004981"}
    assert _objects(rows, "biomarker_for") == {"MONDO:0002909"}
    assert condition_categories(kg, "TA014") == {"metabolic", "cardiovascular"}


def test_tissue_factor_microparticles_in_type_1_diabetes_mark_retinopathy(kg):
    """TA016 (Zhang 2019 DMSO): TF+PS+ MPs higher in type 1 diabetes and, within it, with diabetic
    retinopathy. Sweep w10b (curation-notes-w10b.md, rule 7): tissue factor defines the population
    (TF+PS+ MPs), so it is an ev_markers_positive value, not cargo, and the marker edges leave from the EVs."""
    rows = statement_rows(kg, "TA016")
    assert not (rows["predicate"] == "carries").any()
    assert set(rows["ev_markers_positive"]) == {"NCBIGene:2152"}
    assert set(rows.loc[rows["predicate"] == "biomarker_for", "subject"]) == {"evgraph:EVP-TA016"}
    assert _objects(rows, "biomarker_for") == {"MONDO:0005147", "MONDO:0005266"}
    assert condition_categories(kg, "TA016") == {"metabolic", "other"}


def test_platelet_microparticles_mark_diabetic_nephropathy(kg):
    """TA017 (Shao 2024): PMPs higher in diabetic nephropathy than in diabetes without it."""
    rows = statement_rows(kg, "TA017")
    assert _objects(rows, "released_in") == {"MONDO:0005015"}
    assert _objects(rows, "biomarker_for") == {"MONDO:0005016"}
    assert condition_categories(kg, "TA017") == {"metabolic", "renal"}


def test_urinary_ev_podocalyxin_marks_diabetic_nephropathy(kg):
    """TA018 (Wu 2018): urinary EV podocalyxin higher in diabetic nephropathy than in diabetes without
    it; TEM/NTA and TSG101 recorded, so the statement carries MISEV fields but no in vivo EV test. Sweep
    w10b (curation-notes-w10b.md): the full text names the 57 diabetic patients as type 2 diabetic, so
    the context is type 2 diabetes mellitus."""
    rows = statement_rows(kg, "TA018")
    assert _objects(rows, "released_in") == {"MONDO:0005148"}
    marker = rows[rows["predicate"] == "biomarker_for"]
    assert set(marker["subject"]) == {"NCBIGene:5420"} and set(marker["object"]) == {"MONDO:0005016"}
    assert set(rows["ev_markers_positive"]) == {"NCBIGene:7251"}
    assert condition_categories(kg, "TA018") == {"metabolic", "renal"}


def test_endothelial_microparticles_mark_hypertension_and_metabolic_syndrome(kg):
    """TA019 (Amabile 2014 Eur Heart J, Framingham): CD144+ EMPs associated with hypertension and
    metabolic syndrome in people without cardiovascular disease; no context condition."""
    rows = statement_rows(kg, "TA019")
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000115"}
    assert _objects(rows, "biomarker_for") == {"MONDO:0005044", "MONDO:0000816"}
    assert not _objects(rows, "released_in")
    assert condition_categories(kg, "TA019") == {"cardiovascular", "metabolic"}


def test_urinary_ev_plakoglobin_marks_diabetic_retinopathy(kg):
    """TA020 (Mighty 2023 Front Endocrinol): JUP in urinary EVs of DR patients, absent in diabetes without DR."""
    rows = statement_rows(kg, "TA020")
    marker = rows[rows["predicate"] == "biomarker_for"]
    assert set(marker["subject"]) == {"NCBIGene:3728"} and set(marker["object"]) == {"MONDO:0005266"}
    assert _objects(rows, "released_in") == {"MONDO:0005015"}
    assert condition_categories(kg, "TA020") == {"metabolic", "other"}


def test_igg_laden_plasma_exosomes_worsen_diabetic_retinopathy_in_mice(kg):
    """TA021 (Huang 2018 Diabetes): IgG-laden plasma exosomes and retinal vascular damage in diabetic mice,
    with a cargo loss-of-function test; mouse only."""
    rows = statement_rows(kg, "TA021")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert "MONDO:0005266" in set(rows["object"])
    assert set(rows["ev_perturbation"]) == {"cargo_loss_of_function"}
    assert condition_categories(kg, "TA021") == {"metabolic", "other"}


def test_hepatic_ischaemia_reperfusion_serum_exosomes_induce_pyroptosis_and_brain_injury(kg):
    """TA022 (Wang 2023 Transplantation): serum exosomes of hepatic I/R rats: pyroptosis and brain injury; rat; no
    source organ (origin not shown), so not a liver -> brain statement. Sweep w11d (session 12,
    curation-notes-w11d.md) cut the microglia target (the abstract does not say whether the uptake was shown in the
    rats or in the co-cultured primary microglia of unnamed organism) and the hippocampal-formation target (no
    exosomes shown reaching the hippocampus; the text reports effects there)."""
    rows = statement_rows(kg, "TA022")
    assert set(rows["species"]) == {"NCBITaxon:10116"}
    assert "MONDO:0043510" in set(rows["object"]) and "GO:0070269" in set(rows["object"])
    assert not rows["predicate"].isin(["taken_up_by", "homes_to"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo"}
    assert "UBERON:0002107" not in set(rows["subject"]) | set(rows["object"])
