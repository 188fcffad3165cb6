"""Session-12 curation pass s12g (helper s12g; statement ids YK..., file statements-s12g-biomarkers.tsv): new
statements for the issue-12 biomarker axis (AX-BIOMARKER: a cargo or EV population ``biomarker_for`` a named
condition, the EVs ``sampled_from`` plasma, serum, CSF, urine or blood), focus type 2 diabetes, NAFLD/NASH and heart
failure. Two statements were written (curation-notes-s12g.md), both type 2 diabetes microparticle counts in human
cohorts: YK001, tissue factor-positive plasma microparticles twice as many in uncomplicated type 2 diabetes as in
healthy subjects (Diamant 2002 Circulation, PMID 12417540), which counts for the axis; YK002, total annexin
V-positive blood cell microparticles higher in type 2 diabetic patients than in age-matched controls (Sabatier 2002
Diabetes, DOI 10.2337/diabetes.51.9.2840), source blood cell, which records no biofluid (the abstract names none)
and so does not count for the axis. The generic per-file checks (rubric fields, one species, a note per reference
naming the statement, biomarker direction) are in test_curated_statement_files.py; the table checks (axis
membership, references and year) run in test_curated_pass_tables.py once the lead registers this pass."""

from __future__ import annotations

from curated_pass import condition_categories, objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named target/condition) it was written for (YK002 counts for no axis: no biofluid).
AXIS_STATEMENTS = {
    "YK001": ("AX-BIOMARKER", "T2D"),
}

#: statement -> (references, publication year) as in curation-notes-s12g.md.
REFERENCES = {
    "YK001": ({"PMID:12417540"}, "2002"),
    "YK002": ({"DOI:10.2337/diabetes.51.9.2840"}, "2002"),
}


def test_yk_pass_size(kg):
    assert set(pass_edges(kg, "YK")["statement"]) == set(REFERENCES)


def test_tissue_factor_positive_microparticles_are_higher_in_type_2_diabetes(kg):
    """YK001 (Diamant 2002 Circulation 106(19):2442-7, PMID 12417540): plasma microparticles stained with annexin
    V, cell-specific antibodies and an anti-TF antibody (flow cytometry); TF-positive microparticles twice as many
    in patients with uncomplicated type 2 diabetes as in healthy subjects (P=0.018): microvesicles, blood plasma,
    type 2 diabetes as the case group's disease and as biomarker target; tissue factor a population marker (rule 7),
    no source cell (the total TF+ population has none), no cargo; human cohort, tier 3 (V only)."""
    rows = statement_rows(kg, "YK001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "released_in") == {"MONDO:0005148"}
    assert subjects(rows, "biomarker_for") == {"evgraph:EVP-YK001"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005148"}
    assert not rows["predicate"].isin(["releases", "carries", "taken_up_by", "homes_to", "contributes_to",
                                       "part_of", "affects"]).any()
    assert set(rows["ev_markers_positive"]) == {"NCBIGene:2152"}
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert condition_categories(kg, "YK001") == {"metabolic"}


def test_total_annexin_v_microparticles_are_higher_in_type_2_diabetes(kg):
    """YK002 (Sabatier 2002 Diabetes 51(9):2840-5, DOI 10.2337/diabetes.51.9.2840): total annexin V-positive blood
    cell microparticles significantly higher in type 2 diabetic patients than in age-matched controls, without a
    rise in their procoagulant activity: microvesicles, type 2 diabetes as the case group's disease and biomarker
    target; source blood cell (the abstract's "blood cell microparticles"); no biofluid (the abstract names none),
    no cargo, no marker gene (annexin V binding is a phosphatidylserine stain); human cohort, tier 3 (V only)."""
    rows = statement_rows(kg, "YK002")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000081"}
    assert objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert objects(rows, "released_in") == {"MONDO:0005148"}
    assert subjects(rows, "biomarker_for") == {"evgraph:EVP-YK002"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005148"}
    assert not rows["predicate"].isin(["carries", "taken_up_by", "homes_to", "contributes_to", "part_of",
                                       "affects", "sampled_from"]).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    assert condition_categories(kg, "YK002") == {"metabolic"}


def test_yk001_counts_for_the_biomarker_axis_and_yk002_does_not(kg):
    """The notes say YK001 counts for AX-BIOMARKER (T2D) and YK002 for no axis (no biofluid). If a later change
    alters that, the notes (and AXIS_STATEMENTS) must say so."""
    from test_curated_axes import axis, axis_members

    members = axis_members(kg, axis("AX-BIOMARKER"))
    assert "YK001" in members["T2D"]
    assert not any("YK002" in ids for ids in members.values())
