"""Session-7 curation pass N7C (statement ids XG..., file statements-s7c-bridges.tsv): new statements that
bridge two condition families (issue 12: >= 60 bridging statements, tests/test_curated.py::
test_bridging_statements). Each statement is checked for the edges its text read supports
(curation-notes-s7c.md): its references and year as noted, one stated species, its condition families (both
conditions are named in the text read; none was added to make a bridge), and that no cultured-cell register
row is missing. The generic per-file checks (rubric fields, one species, a note per reference naming the
statement, biomarker direction sentence) are in test_curated_statement_files.py; the cultured-cell rows in
test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import objects, pass_edges, statement_rows

#: statement -> (references, publication_year, species, condition families it links).
STATEMENTS = {
    "XG001": ({"DOI:10.1016/j.isci.2023.106686"}, "2023", "NCBITaxon:9606", {"metabolic", "renal"}),
    "XG002": ({"DOI:10.3390/ijms24087567"}, "2023", "NCBITaxon:10090", {"inflammatory", "cardiovascular"}),
    "XG003": ({"PMID:30557159", "DOI:10.1097/QAD.0000000000002121"}, "2019", "NCBITaxon:9606",
              {"inflammatory", "other"}),
}


def test_xg_pass_size(kg):
    assert pass_edges(kg, "XG")["statement"].nunique() >= len(STATEMENTS)


def test_urinary_ev_stress_mrnas_are_higher_in_t1d_diabetic_kidney_disease(kg):
    """XG001 (Dwivedi 2023 iScience, DOI 10.1016/j.isci.2023.106686): uEV mRNAs of GPX3, NOX4, MSRA and CRYAB,
    among the 13 genes upregulated in T1D DKD, form a stress score of kidney-function decline: urine, EV, T1D
    context, four mRNA cargoes each a biomarker for DKD, human cohort; no source organ, no target."""
    rows = statement_rows(kg, "XG001")
    genes = {"NCBIGene:2878", "NCBIGene:50507", "NCBIGene:4482", "NCBIGene:1410"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "sampled_from") == {"UBERON:0001088"}
    assert objects(rows, "released_in") == {"MONDO:0005147"}
    assert objects(rows, "carries") == genes
    bio = rows[rows["predicate"] == "biomarker_for"]
    assert set(bio["subject"]) == genes and set(bio["object"]) == {"MONDO:0005016"}
    assert not rows["predicate"].isin(["releases", "contributes_to", "taken_up_by", "homes_to"]).any()
    assert set(rows["model_system"]) == {"human_cohort"} and set(rows["evidence_tier"]) == {"tier3"}
    assert kg.node("evgraph:EVP-XG001")["description"].startswith("Direction: higher in disease.")


def test_plasma_evs_of_people_with_hiv_increase_atherosclerosis_in_apoe_mice(kg):
    """XG002 (Da Fonseca Ferreira 2023 Int J Mol Sci, DOI 10.3390/ijms24087567): plasma EVs of people living
    with HIV, not EV-depleted plasma, increase atherosclerosis in apoE-/- mice; let-7b-5p antagomir EVs counteract
    it: plasma, EV, HIV context, let-7b-5p cargo, atherosclerosis increased, mouse in vivo, tier2."""
    rows = statement_rows(kg, "XG002")
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "released_in") == {"MONDO:0005109"}
    assert objects(rows, "carries") == {"mirbase:MIMAT0000063"}
    assert objects(rows, "contributes_to") == {"MONDO:0005311"}
    assert set(rows.loc[rows["predicate"] == "contributes_to", "direction"].astype(str)) == {"increased"}
    assert not rows["predicate"].isin(["releases", "taken_up_by", "homes_to", "biomarker_for"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo"}
    assert set(rows["ev_perturbation"]) == {"cargo_loss_of_function|ev_depletion"}
    assert set(rows["evidence_tier"]) == {"tier2"}
    assert kg.node("MONDO:0005109")["condition_category"] == "inflammatory"


def test_csf_ev_hla_dr_is_higher_in_hiv_neurocognitive_impairment(kg):
    """XG003 (Guha 2019 AIDS, PMID 30557159): CSF EVs of HIV+ people on cART rise with neurocognitive impairment
    and carry more HLA-DR: CSF, EV, HIV context, HLA-DRA cargo a biomarker for cognitive disorder, human cohort;
    no source, no separation method recorded."""
    rows = statement_rows(kg, "XG003")
    assert objects(rows, "sampled_from") == {"UBERON:0001359"}
    assert objects(rows, "released_in") == {"MONDO:0005109"}
    assert objects(rows, "carries") == {"NCBIGene:3122"}
    bio = rows[rows["predicate"] == "biomarker_for"]
    assert set(bio["subject"]) == {"NCBIGene:3122"} and set(bio["object"]) == {"MONDO:0002039"}
    assert not rows["predicate"].isin(["releases", "contributes_to", "taken_up_by", "homes_to"]).any()
    assert set(rows["model_system"]) == {"human_cohort"} and set(rows["evidence_tier"]) == {"tier3"}
    assert set(rows["single_ev_characterisation"]) == {"nanoparticle_tracking_analysis"}
    assert kg.node("evgraph:EVP-XG003")["description"].startswith("Direction: higher in disease.")
