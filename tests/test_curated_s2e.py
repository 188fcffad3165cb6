"""Session-2 curation pass E (statement ids SE..., files statements-s2e-*.tsv): correlation-only
rows carry no biomarker edge, and each statement links exactly the condition families its paper
studies (the generic per-file checks - rubric
fields with one species, a note per reference, biomarker direction - are in
test_curated_statement_files.py)."""

from __future__ import annotations

from curated_pass import condition_categories, pass_edges

from evgraph.model import split_list


def test_se_pass_size(kg):
    assert pass_edges(kg, "SE")["statement"].nunique() >= 2


def test_nafld_serum_exosome_correlations_carry_no_biomarker_edge(kg):
    """SE001: serum exosomal miRNAs correlate with NAFLD histology scores within 41 patients
    (no control group, no direction per miRNA in the abstract): a human statistical association
    released in MASLD, sampled from serum, with no cargo, biomarker or outcome edge."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE001"]
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert not rows["predicate"].isin(["biomarker_for", "carries", "contributes_to"]).any()
    assert set(rows.loc[rows["predicate"] == "released_in", "object"]) == {"MONDO:0013209"}
    assert set(rows.loc[rows["predicate"] == "sampled_from", "object"]) == {"UBERON:0001977"}
    assert condition_categories(kg, "SE001") == {"hepatic"}
    assert set(rows["evidence_tier"]) == {"tier3"}


def test_adipocyte_sevs_in_alzheimer_stay_an_association_in_one_family(kg):
    """SE002: adipocyte-derived small EVs from serum and CSF of Alzheimer patients carry a miRNA
    module inversely correlated with MMSE; the CREB effect is predicted only, so the statement has
    the adipocyte source and both biofluids but no pathway, cargo or outcome edge, and no metabolic
    condition (obesity was the authors' motivation, not a studied condition)."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE002"]
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000136"}
    assert set(rows.loc[rows["predicate"] == "sampled_from", "object"]) == {"UBERON:0001359", "UBERON:0001977"}
    assert not rows["predicate"].isin(["affects", "carries", "contributes_to", "biomarker_for"]).any()
    assert condition_categories(kg, "SE002") == {"neurodegenerative"}


def test_hypertension_exosome_biomarker_bridges_to_cognitive_disorder(kg):
    """SE003: serum exosomal miR-330-3p is lower in hypertensive patients with cognitive impairment
    than in those with normal cognition and in controls; a human biomarker (lower in disease) in a
    hypertension context, so the statement links the cardiovascular and 'other' families, with no
    cargo node (the miRNA accession was not confirmed) and no mechanism edge."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE003"]
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "biomarker_for", "object"]) == {"MONDO:0002039"}
    assert set(rows.loc[rows["predicate"] == "released_in", "object"]) == {"MONDO:0005044"}
    assert kg.node("evgraph:EVP-SE003")["description"].startswith("Direction: lower in disease")
    assert not rows["predicate"].isin(["carries", "contributes_to", "affects"]).any()
    assert condition_categories(kg, "SE003") == {"cardiovascular", "other"}


def test_hypertensive_rat_brain_evs_raise_neuroinflammation_without_a_condition(kg):
    """SE004: brain EVs of hypertensive Dahl salt-sensitive rats raise neuroinflammatory gene
    expression in neurons and, injected, in the rat brain; a rat in vivo mechanism (tier3: no
    causal EV test or MISEV characterisation in the abstract) with an increased
    neuroinflammatory-response edge and no disease outcome."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE004"]
    assert set(rows["species"]) == {"NCBITaxon:10116"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"UBERON:0000955"}
    affects = rows[rows["predicate"] == "affects"]
    assert set(affects["object"]) == {"GO:0150076"} and set(affects["direction"]) == {"increased"}
    assert not rows["predicate"].isin(["contributes_to", "biomarker_for", "taken_up_by"]).any()
    assert condition_categories(kg, "SE004") == {"cardiovascular"}
    assert set(rows["evidence_tier"]) == {"tier3"}


def test_stroke_serum_exosome_biomarker_records_only_the_evidence_read(kg):
    """SE005: serum exosomes of acute ischaemic stroke patients carry more miR-134 than those of
    controls; a human biomarker (higher in disease) for the new ischemic stroke node with the EV
    markers the abstract names (CD9, CD63, TSG101) and no separation or single-EV method (not in
    the abstract), so the rubric gives tier3; no cargo node (accession below the two-hit rule)."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE005"]
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "biomarker_for", "object"]) == {"MONDO:1060198"}
    assert kg.node("MONDO:1060198")["condition_category"] == "cardiovascular"
    assert kg.node("evgraph:EVP-SE005")["description"].startswith("Direction: higher in disease")
    assert {m for v in rows["ev_markers_positive"] for m in split_list(v)} == {
        "NCBIGene:928", "NCBIGene:967", "NCBIGene:7251"}
    assert set(rows["single_ev_characterisation"]) == {""}
    assert not rows["predicate"].isin(["carries", "contributes_to"]).any()
    assert set(rows["evidence_tier"]) == {"tier3"}


def test_alzheimer_plasma_ev_proteins_keep_the_null_result_and_no_biomarker_edge(kg):
    """SE006: PEA profiling of plasma EVs in AD, MCI and controls (n = 10 each): EV number and size
    did not differ (a non-significant result, stated in the evidence); protein ratios separated the
    groups without a direction per protein, so there is no biomarker or cargo edge. The abstract
    records separation (20,000 g), CD9 and NTA/TEM, so the rubric gives tier2 (in vivo + MISEV)."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE006"]
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert not rows["predicate"].isin(["biomarker_for", "carries", "contributes_to"]).any()
    assert "non-significant" in kg.node("evgraph:EVP-SE006")["description"]
    assert set(rows["separation_method"]) == {"differential_centrifugation"}
    assert set(rows["evidence_tier"]) == {"tier2"}
    assert condition_categories(kg, "SE006") == {"neurodegenerative"}


def test_diabetic_endothelial_ev_pdgfb_is_a_human_cargo_statement_only(kg):
    """SE007: serum CD31+ EVs of people with type 2 diabetes carry more PDGF-BB; the smooth-muscle
    mechanism was shown in cells of unstated species, so the statement holds only the human cargo
    edge (endothelial source, serum, T2D context) with no target cell, pathway or biomarker edge."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE007"]
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "carries", "object"]) == {"NCBIGene:5155"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000115"}
    assert not rows["predicate"].isin(["taken_up_by", "affects", "biomarker_for", "contributes_to"]).any()
    assert condition_categories(kg, "SE007") == {"metabolic"}


def test_lps_macrophage_exosomes_and_kidney_injury_claim_no_sepsis_context(kg):
    """SE008: exosomes of LPS-stimulated macrophages injure renal endothelium in mice and ASM
    knockout lowers glomerular exosome secretion and injury (secretion block, tier2). LPS is the
    authors' sepsis model, not an infection, so no sepsis context is recorded and the statement is
    renal only; uptake and homing are not described, so no target cell or organ."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE008"]
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert set(rows.loc[rows["predicate"] == "contributes_to", "object"]) == {"MONDO:0002492"}
    assert set(rows.loc[rows["predicate"] == "contributes_to", "direction"]) == {"increased"}
    assert not rows["predicate"].isin(["released_in", "taken_up_by", "homes_to"]).any()
    assert set(rows["ev_perturbation"]) == {"secretion_block"}
    assert set(rows["evidence_tier"]) == {"tier2"}
    assert condition_categories(kg, "SE008") == {"renal"}


def test_septic_serum_exosomes_bridge_sepsis_to_kidney_and_lung_injury(kg):
    """SE009: serum exosomes of mice with Pseudomonas pneumonia-induced sepsis, injected i.v., cause
    acute kidney and lung injury through apoptosis and pyroptosis: an outcome bridge from the
    inflammatory family (a real infection, unlike the LPS model of SE008) to renal and 'other'
    outcomes, in mice, with no source cell or target claimed."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE009"]
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert set(rows.loc[rows["predicate"] == "released_in", "object"]) == {"MONDO:1040015"}
    assert set(rows.loc[rows["predicate"] == "contributes_to", "object"]) == {"MONDO:0002492", "MONDO:0015796"}
    affects = rows[rows["predicate"] == "affects"]
    assert set(affects["object"]) == {"GO:0006915", "GO:0070269"} and set(affects["direction"]) == {"increased"}
    assert not rows["predicate"].isin(["releases", "taken_up_by", "homes_to"]).any()
    assert condition_categories(kg, "SE009") == {"inflammatory", "renal", "other"}


def test_covid_platelet_evs_split_into_a_thrombosis_bridge_and_a_covid_biomarker(kg):
    """SE010 (Campello 2022: P-selectin+ platelet EVs above a threshold associated with thrombosis in
    hospitalised COVID-19) is a COVID-19 -> thrombotic disease biomarker bridge; SE011 (Raineri 2022:
    platelet EVs higher in SARS-CoV-2 patients than controls) is a COVID-19 biomarker only. Both human
    associations, both 'higher in disease', neither an EV effect."""
    e = pass_edges(kg, "SE")
    sd10, sd11 = e[e["statement"] == "SE010"], e[e["statement"] == "SE011"]
    assert set(sd10.loc[sd10["predicate"] == "biomarker_for", "object"]) == {"MONDO:0000831"}
    assert set(sd10.loc[sd10["predicate"] == "released_in", "object"]) == {"MONDO:0100096"}
    assert condition_categories(kg, "SE010") == {"inflammatory", "cardiovascular"}
    assert set(sd11.loc[sd11["predicate"] == "biomarker_for", "object"]) == {"MONDO:0100096"}
    assert condition_categories(kg, "SE011") == {"inflammatory"}
    for rows in (sd10, sd11):
        assert set(rows["species"]) == {"NCBITaxon:9606"}
        assert set(rows["knowledge_level"]) == {"statistical_association"}
        assert not rows["predicate"].isin(["contributes_to", "affects"]).any()


def test_covid_tissue_factor_microvesicles_are_a_biomarker_without_a_thrombosis_claim(kg):
    """SE012: plasma TF-bearing microvesicles higher in ICU COVID-19 patients than controls. Tissue
    factor defines the population whose level was measured, so it is an ev_markers_positive value,
    not cargo (rule 7, sweep w11c: curation-notes-w11c.md), and the COVID-19 biomarker edge leaves
    from the microvesicle population; no thrombosis edge is recorded because thrombosis was not an
    outcome of the study."""
    e = pass_edges(kg, "SE")
    rows = e[e["statement"] == "SE012"]
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert not (rows["predicate"] == "carries").any()
    assert set(rows["ev_markers_positive"]) == {"NCBIGene:2152"}
    biomarker = rows[rows["predicate"] == "biomarker_for"]
    assert set(biomarker["subject"]) == {"evgraph:EVP-SE012"}
    assert set(biomarker["object"]) == {"MONDO:0100096"}
    assert condition_categories(kg, "SE012") == {"inflammatory"}
    assert kg.node("evgraph:EVP-SE012")["description"].startswith("Direction: higher in disease")
