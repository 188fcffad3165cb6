"""Session-7 curation pass s7k (helper N7K; statement ids XN..., files statements-s7k-*.tsv, entities-s7k.tsv,
edges-s7k.tsv): new statements for the thrombosis axis of issue 12 (AX-THROMBOSIS, short under the axis rule of
``tests/test_curated_axes.py``). Each statement is checked for the edges its text read supports
(curation-notes-s7k.md): its references and year as noted, a single stated species, the axis it was written for
counts it (``axis_members``), and a cultured-cell register row where its model system has cultured cells. The
generic per-file checks are in test_curated_statement_files.py; the cultured-cell rows in
test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import condition_categories, objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "XN001": ("AX-THROMBOSIS", "thrombosis"),
    "XN002": ("AX-THROMBOSIS", "thrombosis"),
}

#: statement -> (references, publication year) as in curation-notes-s7k.md.
REFERENCES = {
    "XN001": ({"PMID:28052584", "DOI:10.1002/cyto.b.21507"}, "2018"),
    "XN002": ({"PMID:28052584", "DOI:10.1002/cyto.b.21507"}, "2018"),
}

NOT_READ = ["sampled_from", "taken_up_by", "homes_to", "contributes_to", "regulates"]


def test_xn_pass_size(kg):
    assert set(pass_edges(kg, "XN")["statement"]) == set(REFERENCES)




def test_heparin_induced_thrombocytopenia_rolls_up_to_thrombotic_disease(kg):
    """edges-s7k.tsv: MONDO:0018048 is_a MONDO:0000831 (direct parent in the shared MONDO release)."""
    e = kg.edges
    hit = e[(e["subject"] == "MONDO:0018048") & (e["predicate"] == "subclass_of")]
    assert set(hit["object"]) == {"MONDO:0000831"}


def test_platelet_pf4_microparticles_are_higher_in_heparin_induced_thrombocytopenia(kg):
    """XN001 (Campello 2018 Cytometry B Clin Cytom, PMID 28052584): activated platelet-derived (P-Selectin+)
    and PF4-bearing MPs (flow cytometry) higher in 45 HIT patients than 45 matched HIT-negative hospitalised
    patients; platelet source, microvesicles, PF4 cargo, HIT context and biomarker; human cohort; no biofluid
    (the abstract says only "circulating"); one condition family."""
    rows = statement_rows(kg, "XN001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000233"}
    assert objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert objects(rows, "released_in") == {"MONDO:0018048"}
    assert objects(rows, "carries") == {"NCBIGene:5196"}
    assert objects(rows, "biomarker_for") == {"MONDO:0018048"}
    assert not rows["predicate"].isin(NOT_READ).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert condition_categories(kg, "XN001") == {"cardiovascular"}


def test_leukocyte_tissue_factor_microparticles_mark_thrombosis_in_hit(kg):
    """XN002 (same paper): activated leukocyte-derived TF+ MPs (L-Selectin+ CD142+) significantly higher in
    HIT patients with thrombosis than without (P = 0.015; OR 3.78 above 52 MP/uL); leukocyte source,
    microvesicles, F3 cargo, HIT context, thrombotic disease biomarker; human cohort; one condition family."""
    rows = statement_rows(kg, "XN002")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000738"}
    assert objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert objects(rows, "released_in") == {"MONDO:0018048"}
    assert objects(rows, "carries") == {"NCBIGene:2152"}
    assert objects(rows, "biomarker_for") == {"MONDO:0000831"}
    assert not rows["predicate"].isin(NOT_READ).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert condition_categories(kg, "XN002") == {"cardiovascular"}
