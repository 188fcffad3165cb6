"""Session-3 curation pass B (statement ids TB..., files statements-s3b-*.tsv): the pass's size, the
cardiosphere / cardiac progenitor axis reaching five statements, and the paper-specific checks (each
statement links exactly the condition families and organism its paper studies). The generic checks
(rubric fields, one species, a note per reference naming the statement, biomarker direction) are in
``test_curated_statement_files.py``."""

from __future__ import annotations

import re

from curated_pass import condition_categories, pass_edges, statement_rows

CARDIOSPHERE_AXIS = re.compile(r"cardiac progenitor|cardiosphere|cardiac stromal", re.I)


def test_pass_size(kg):
    assert pass_edges(kg, "TB")["statement"].nunique() >= 8


def test_cardiosphere_and_cardiac_progenitor_axis_has_at_least_five_statements(kg):
    """Issue 12 axis (pass-A rule): 'cardiac progenitor', 'cardiosphere' or 'cardiac stromal' in the
    evidence of a curated statement; AX002/AX003 were the only ones on main before this pass."""
    sids = sorted(set(kg.edges.loc[kg.edges["statement"] != "", "statement"]))
    axis = [s for s in sids if CARDIOSPHERE_AXIS.search(str(kg.node(f"evgraph:EVP-{s}")["description"]))]
    assert len(axis) >= 5, axis
    assert {"TB001", "TB002", "TB003", "TB004"} <= set(axis)


def test_child_cpc_exosomes_split_into_a_human_and_a_rat_statement(kg):
    """TB001/TB002 (Trac 2019, Figure 8): exosomes of aggregated child CPCs improve HUVEC tube
    formation (human) and reduce fibrotic gene expression of TGF-beta-stimulated rat cardiac
    fibroblasts (rat): one statement per organism, opposite-signed pathway edges, no uptake edge
    (uptake is not described) and no heart-failure context (the exosomes were not given in vivo)."""
    t1, t2 = statement_rows(kg, "TB001"), statement_rows(kg, "TB002")
    assert set(t1["species"]) == {"NCBITaxon:9606"} and set(t2["species"]) == {"NCBITaxon:10116"}
    a1, a2 = t1[t1["predicate"] == "affects"], t2[t2["predicate"] == "affects"]
    assert set(zip(a1["object"], a1["direction"], strict=True)) == {("GO:0001525", "increased")}
    assert set(zip(a2["object"], a2["direction"], strict=True)) == {("GO:0072537", "decreased")}
    for rows in (t1, t2):
        assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0011026"}
        assert ("CL:0011026", "part_of", "UBERON:0000948") in set(
            zip(rows["subject"], rows["predicate"], rows["object"], strict=True))
        assert not rows["predicate"].isin(["taken_up_by", "released_in", "contributes_to"]).any()
        assert set(rows["separation_method"]) == {"differential_centrifugation"}


def test_physoxic_cpc_exosome_release_is_an_observation_without_an_unattributed_effect(kg):
    """TB003 (Dougherty 2020): physoxia raises exosome release by human CPCs (NTA); the tube-formation
    cells are not named in the abstract, so there is no pathway or target edge at all."""
    rows = statement_rows(kg, "TB003")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows["knowledge_level"]) == {"observation"}
    assert not rows["predicate"].isin(["affects", "taken_up_by", "homes_to"]).any()
    assert set(rows["single_ev_characterisation"]) == {"nanoparticle_tracking_analysis"}


def test_cdc_exosomes_lower_cardiomyocyte_apoptosis_in_human_cells_only(kg):
    """TB004 (Namazi 2018): exosomes of human CDCs are anti-apoptotic for cobalt-chloride-stressed
    human ESC-derived cardiomyocytes; heart as source organ (no CL term for CDCs), decreased apoptotic
    process, no condition (an in vitro hypoxia mimic, not a disease)."""
    rows = statement_rows(kg, "TB004")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"UBERON:0000948"}
    a = rows[rows["predicate"] == "affects"]
    assert set(zip(a["object"], a["direction"], strict=True)) == {("GO:0006915", "decreased")}
    assert condition_categories(kg, "TB004") == set()
    assert set(rows["evidence_tier"]) == {"tier4"}


def test_t2d_plasma_exosome_let7c_bridges_to_cognitive_disorder(kg):
    """TB005 (J Diabetes 2023): within people with type 2 diabetes, plasma-exosome let-7c-5p is higher
    in those with mild cognitive impairment: a human biomarker (higher in disease) that links the
    metabolic context to the 'other' family (cognitive disorder); no pathway or outcome edge (the
    IL-10 link is the authors' inference from correlation)."""
    rows = statement_rows(kg, "TB005")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert set(rows.loc[rows["predicate"] == "carries", "object"]) == {"mirbase:MIMAT0000064"}
    assert set(rows.loc[rows["predicate"] == "biomarker_for", "object"]) == {"MONDO:0002039"}
    assert set(rows.loc[rows["predicate"] == "released_in", "object"]) == {"MONDO:0005148"}
    assert not rows["predicate"].isin(["affects", "contributes_to", "regulates"]).any()
    assert kg.node("evgraph:EVP-TB005")["description"].startswith("Direction: higher in disease")
    assert condition_categories(kg, "TB005") == {"metabolic", "other"}


def test_covid_ev_protein_signature_is_a_biomarker_without_cargo_or_endothelial_edges(kg):
    """TB006 (Krishnamachary 2021): circulating EVs of COVID-19 patients are enriched in inflammatory
    and procoagulant protein signatures (higher in disease); single proteins only correlate with
    severity, so no cargo edge, and the endothelial-apoptosis effect has no stated organism, so no
    pathway or target edge; one family (inflammatory)."""
    rows = statement_rows(kg, "TB006")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "biomarker_for", "object"]) == {"MONDO:0100096"}
    assert not rows["predicate"].isin(["carries", "affects", "taken_up_by", "contributes_to"]).any()
    # the text names "differential ultracentrifugation" without a g-force: the README records
    # differential_centrifugation (audit 7, TB004 follow-up, applied to every such row)
    assert set(rows["separation_method"]) == {"differential_centrifugation"}
    assert condition_categories(kg, "TB006") == {"inflammatory"}


def test_intrarenal_msc_evs_in_metabolic_renovascular_pigs_protect_the_heart(kg):
    """TB007 (Zhang 2020 Basic Res Cardiol): autologous adipose MSC EVs delivered into the stenotic
    kidney of pigs with metabolic syndrome and renal artery stenosis lessen cardiac injury: a pig in
    vivo statement (one species), released in a metabolic + renal context with a decreased
    cardiovascular outcome; no homing or target edge (the EVs were injected into the kidney)."""
    rows = statement_rows(kg, "TB007")
    assert set(rows["species"]) == {"NCBITaxon:9823"}
    assert set(rows.loc[rows["predicate"] == "released_in", "object"]) == {"MONDO:0000816", "MONDO:0006945"}
    c = rows[rows["predicate"] == "contributes_to"]
    assert set(zip(c["object"], c["direction"], strict=True)) == {("MONDO:0005267", "decreased")}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000134"}
    assert not rows["predicate"].isin(["homes_to", "taken_up_by", "biomarker_for"]).any()
    assert condition_categories(kg, "TB007") == {"metabolic", "renal", "cardiovascular"}
    assert set(rows["model_system"]) == {"animal_in_vivo"}


def test_intrarenal_msc_evs_in_metabolic_renovascular_pigs_reach_tubules_and_lower_fibrosis(kg):
    """TB008 (Eirin 2017 Kidney Int): autologous adipose MSC EVs delivered into the stenotic kidney
    of MetS+RAS pigs are found in tubular cells and macrophages and lessen inflammation and fibrosis;
    pig in vivo, metabolic + renal context, decreased renal fibrosis, no cargo (the IL10 knock-down
    result was not read)."""
    rows = statement_rows(kg, "TB008")
    assert set(rows["species"]) == {"NCBITaxon:9823"}
    assert set(rows.loc[rows["predicate"] == "taken_up_by", "object"]) == {"CL:1000494", "CL:0000235"}
    c = rows[rows["predicate"] == "contributes_to"]
    assert set(zip(c["object"], c["direction"], strict=True)) == {("MONDO:0000494", "decreased")}
    assert not rows["predicate"].isin(["carries", "homes_to", "biomarker_for"]).any()
    assert set(rows["ev_perturbation"]) == {""}
    assert condition_categories(kg, "TB008") == {"metabolic", "renal"}
