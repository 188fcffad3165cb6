"""Session-3 curation pass D (statement ids TD..., files statements-s3d-*.tsv): statements that
bridge the metabolic, cardiovascular and neurodegenerative condition families, the pass's size,
and the paper-specific checks (each statement links exactly the condition families and organism
its paper studies). The knowledge base's bridge floor (60) is checked once, by
``test_curated.py::test_bridging_statements``. The generic checks (rubric fields, one species, a
note per reference naming the statement, biomarker direction) are in
``test_curated_statement_files.py``."""

from __future__ import annotations

from curated_pass import condition_categories, pass_edges, statement_rows

CORE = {"metabolic", "cardiovascular", "neurodegenerative"}


def test_pass_size(kg):
    # 8 curated; TD001/TD002 held back by W7A (session 7)
    assert pass_edges(kg, "TD")["statement"].nunique() >= 6


def test_gustafson_2024_rows_are_held_back(kg):
    """TD001 and TD002 (Gustafson 2024, DOI:10.1007/s00125-024-06120-9) were held back by the W7A
    sweep (session 7, curation-notes-w7a.md): no record printing title, journal and year beside
    the DOI was returned again (the citation-record rule of audit 8, as UX002/WL001)."""
    assert "TD001" not in set(kg.edges["statement"])
    assert "TD002" not in set(kg.edges["statement"])


def test_endothelial_microparticles_are_higher_in_alzheimer_disease(kg):
    """TD003 (Xue 2012): plasma CD31+/CD42- and CD62E+/CD42- EMPs higher in AD patients: an
    endothelial source, a human biomarker of AD; conventional flow cytometry is not recorded as
    single-EV characterisation."""
    rows = statement_rows(kg, "TD003")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000115"}
    assert set(rows.loc[rows["predicate"] == "biomarker_for", "object"]) == {"MONDO:0004975"}
    assert set(rows["single_ev_characterisation"]) == {""}
    assert condition_categories(kg, "TD003") == {"neurodegenerative"}


def test_core_family_bridges_of_the_pass(kg):
    """The pass's statements that join two of the three central families."""
    sids = sorted(set(pass_edges(kg, "TD")["statement"]))
    core = [s for s in sids if len(condition_categories(kg, s) & CORE) >= 2]
    assert {"TD004", "TD007"} <= set(core)  # TD001 held back by W7A (session 7)


def test_diabetic_endothelial_microparticle_mirs_are_lower_in_diabetes_and_with_cad(kg):
    """TD004 (Jansen 2016 Cardiovasc Diabetol): miR-126 and miR-26a in circulating (mainly
    endothelial) MPs lower in type 2 diabetes, and low levels with concomitant CAD: one human
    statement, biomarker of both conditions, lower in disease (a metabolic + cardiovascular bridge)."""
    rows = statement_rows(kg, "TD004")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "carries", "object"]) == {"mirbase:MIMAT0000445", "mirbase:MIMAT0000082"}
    assert set(rows.loc[rows["predicate"] == "biomarker_for", "object"]) == {"MONDO:0005148", "MONDO:0005010"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000115"}
    assert not rows["predicate"].isin(["affects", "contributes_to"]).any()
    assert kg.node("evgraph:EVP-TD004")["description"].startswith("Direction: lower in disease")
    assert condition_categories(kg, "TD004") == {"metabolic", "cardiovascular"}


def test_alzheimer_serum_exosomes_weaken_the_brain_endothelial_barrier_in_vitro(kg):
    """TD005 (Bei 2023 J Alzheimers Dis): serum exosomes of AD patients (size-exclusion
    chromatography) lower VE-cadherin and barrier function of human brain microvascular
    endothelial cells in vitro: decreased establishment of endothelial barrier, no source cell, no
    uptake edge, tier from in vitro evidence only."""
    rows = statement_rows(kg, "TD005")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    a = rows[rows["predicate"] == "affects"]
    assert set(zip(a["object"], a["direction"], strict=True)) == {("GO:0061028", "decreased")}
    assert not rows["predicate"].isin(["releases", "taken_up_by", "contributes_to", "biomarker_for"]).any()
    assert set(rows["separation_method"]) == {"size_exclusion_chromatography"}
    assert set(rows["model_system"]) == {"cell_culture"}
    assert condition_categories(kg, "TD005") == {"neurodegenerative"}


def test_healthy_cerebral_endothelial_sevs_reach_neural_stem_cells_in_diabetic_rats(kg):
    """TD006 (Zhang L 2022 Front Aging Neurosci): sEVs of healthy rat cerebral endothelial cells,
    given i.v. to aged diabetic rats, cross into the brain, are taken up by neural stem cells and
    lessen cognitive deficits (no uptake mechanism since sweep5F: its cells are not placed): rat in
    vivo, no context condition (healthy donors), so one family (cognitive disorder, category other),
    and no cargo edge."""
    rows = statement_rows(kg, "TD006")
    assert set(rows["species"]) == {"NCBITaxon:10116"}
    assert set(rows.loc[rows["predicate"] == "taken_up_by", "object"]) == {"CL:0000047"}
    assert set(rows.loc[rows["predicate"] == "homes_to", "object"]) == {"UBERON:0000955"}
    c = rows[rows["predicate"] == "contributes_to"]
    assert set(zip(c["object"], c["direction"], strict=True)) == {("MONDO:0002039", "decreased")}
    assert not rows["predicate"].isin(["released_in", "carries", "biomarker_for"]).any()
    assert condition_categories(kg, "TD006") == {"other"}


def test_microvesicles_predict_cardiovascular_events_in_familial_hypercholesterolaemia(kg):
    """TD007 (Suades 2019 ATVB): in FH patients, leukocyte- and activated platelet-derived
    microvesicles are higher in those who go on to a major cardiovascular event: a human
    prognostic biomarker, higher in disease, FH (metabolic) context and cardiovascular disorder
    (a metabolic + cardiovascular bridge)."""
    rows = statement_rows(kg, "TD007")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000233", "CL:0000738"}
    assert set(rows.loc[rows["predicate"] == "released_in", "object"]) == {"MONDO:0005439"}
    assert set(rows.loc[rows["predicate"] == "biomarker_for", "object"]) == {"MONDO:0004995"}
    assert kg.node("evgraph:EVP-TD007")["description"].startswith("Direction: higher in disease")
    assert condition_categories(kg, "TD007") == {"metabolic", "cardiovascular"}


def test_endothelial_microparticles_are_higher_in_class_iii_obesity(kg):
    """TD008 (Moore 2013 PLoS One): plasma EMPs higher with BMI > 40; the cIMT result is not
    related to the EMPs in the abstract, so one family (obesity) and no cardiovascular edge."""
    rows = statement_rows(kg, "TD008")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "biomarker_for", "object"]) == {"MONDO:0011122"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000115"}
    assert kg.node("evgraph:EVP-TD008")["description"].startswith("Direction: higher in disease")
    assert condition_categories(kg, "TD008") == {"metabolic"}
