"""Session-7 curation pass N7H (statement ids XK..., file statements-s7h-bridges.tsv): new statements that
bridge two condition families (issue 12: >= 60 bridging statements, tests/test_curated.py::
test_bridging_statements). Each statement is checked for the edges its text read supports
(curation-notes-s7h.md): its references and year as noted, one stated species, its condition families (both
conditions are named in the text read; none was added to make a bridge), and that no cultured-cell register
row is missing. The generic per-file checks (rubric fields, one species, a note per reference naming the
statement, biomarker direction sentence) are in test_curated_statement_files.py; the cultured-cell rows in
test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import commented_statement_ids, objects, pass_edges, statement_rows

from evgraph.model import split_list

#: statement -> (references, publication_year, species, condition families it links).
STATEMENTS = {
    "XK001": ({"PMID:36845141", "DOI:10.3389/fimmu.2023.1077645"}, "2023", "NCBITaxon:9606",
              {"inflammatory", "renal"}),
    "XK003": ({"PMID:28061889", "DOI:10.1186/s12882-016-0415-3"}, "2017", "NCBITaxon:9606",
              {"inflammatory", "renal"}),
    "XK004": ({"DOI:10.7619/jcmp.20243725"}, "2025", "NCBITaxon:9606", {"inflammatory", "cardiovascular"}),
}


def test_xk_pass_size(kg):
    assert pass_edges(kg, "XK")["statement"].nunique() >= len(STATEMENTS)


def test_urinary_exosome_tsrnas_are_higher_in_lupus_nephritis_than_in_sle_without_nephritis(kg):
    """XK001 (Chen S 2023 Front Immunol, PMID 36845141): urinary exosomes of SLE patients; tRF3-Ile-AAT-1 and
    tiRNA5-Lys-CTT-1 higher in lupus nephritis than in SLE without LN: urine, exosome, SLE context, the exosome
    population a biomarker for lupus nephritis (no tsRNA node, no cargo), human cohort, tier3."""
    rows = statement_rows(kg, "XK001")
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "sampled_from") == {"UBERON:0001088"}
    assert objects(rows, "released_in") == {"MONDO:0007915"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005556"}
    assert not rows["predicate"].isin(["releases", "carries", "contributes_to", "taken_up_by", "homes_to"]).any()
    assert set(rows["model_system"]) == {"human_cohort"} and set(rows["evidence_tier"]) == {"tier3"}
    assert kg.node("MONDO:0005556")["condition_category"] == "renal"
    assert kg.node("evgraph:EVP-XK001")["description"].startswith("Direction: higher in disease.")


def test_serum_exosomal_mir21_and_mir155_are_higher_in_sle_with_lupus_nephritis(kg):
    """XK002 (Li W 2020 Clinics, PMID 32876110): serum exosomal miR-21 and miR-155 higher in SLE patients with
    lupus nephritis than without: serum, exosome, SLE context, both miRNAs biomarkers for LN, human cohort, tier3.
    Sweep w10d (curation-notes-w10d.md) cut the CD63/CD81/TSG101 markers: no text read by the sweep shows them.
    Held back after audit 11 (audit-2026-12-01-11.md, curation-notes-l12.md): no record read in session 12 prints
    its PMID or DOI beside title, journal and year; the row is kept whole as a comment."""
    assert "XK002" not in set(kg.edges["statement"]) and "XK002" in commented_statement_ids()


def test_urinary_exosomal_atf3_is_higher_in_sepsis_induced_acute_kidney_injury(kg):
    """XK003 (Panich 2017 BMC Nephrol, PMID 28061889): urinary exosomal ATF3 higher in septic patients with AKI
    than without: urine, exosome, sepsis context, ATF3 a biomarker for AKI, human cohort only (the mouse kidney
    finding is not an EV claim), tier3."""
    rows = statement_rows(kg, "XK003")
    assert objects(rows, "sampled_from") == {"UBERON:0001088"}
    assert objects(rows, "released_in") == {"MONDO:1040015"}
    assert objects(rows, "carries") == {"NCBIGene:467"}
    bio = rows[rows["predicate"] == "biomarker_for"]
    assert set(bio["subject"]) == {"NCBIGene:467"} and set(bio["object"]) == {"MONDO:0002492"}
    assert not rows["predicate"].isin(["releases", "contributes_to", "taken_up_by", "homes_to"]).any()
    assert set(rows["model_system"]) == {"human_cohort"} and set(rows["evidence_tier"]) == {"tier3"}
    assert kg.node("evgraph:EVP-XK003")["description"].startswith("Direction: higher in disease.")


def test_endothelial_ev_caspase1_is_higher_in_sepsis_induced_cardiomyopathy(kg):
    """XK004 (Zhang B 2025 J Clin Med Pract, DOI 10.7619/jcmp.20243725): blood endothelial cell-derived EVs of
    septic patients with cardiomyopathy carry more caspase-1 than those of septic patients without: endothelial
    source, EV, blood, sepsis context, CASP1 a biomarker for cardiomyopathy, CD9/CD63/CD81, human cohort."""
    rows = statement_rows(kg, "XK004")
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {"CL:0000115"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "sampled_from") == {"UBERON:0000178"}
    assert objects(rows, "released_in") == {"MONDO:1040015"}
    assert objects(rows, "carries") == {"NCBIGene:834"}
    bio = rows[rows["predicate"] == "biomarker_for"]
    assert set(bio["subject"]) == {"NCBIGene:834"} and set(bio["object"]) == {"MONDO:0004994"}
    assert not rows["predicate"].isin(["contributes_to", "taken_up_by", "homes_to"]).any()
    markers = {m for v in rows["ev_markers_positive"] for m in split_list(v)}
    assert markers == {"NCBIGene:928", "NCBIGene:967", "NCBIGene:975"}
    assert set(rows["model_system"]) == {"human_cohort"} and set(rows["evidence_tier"]) == {"tier3"}
    assert kg.node("evgraph:EVP-XK004")["description"].startswith("Direction: higher in disease.")
