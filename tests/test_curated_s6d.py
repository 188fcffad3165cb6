"""Session-6 curation pass s6d (helper N6D; statement ids XD..., files statements-s6d-*.tsv): new circulating EV
biomarker statements from human cohorts for the AX-BIOMARKER axis of issue 12 (a cargo ``biomarker_for`` a
named condition, the EVs ``sampled_from`` one of the axis biofluids), written small so that every element is
stated in the abstract read (curation-notes-s6d.md). Each statement is checked for the edges its text supports
and for counting on its axis by the rule of ``tests/test_curated_axes.py`` (``axis_members``). The generic
per-file checks (rubric fields, one species, a note per reference naming the statement) are in
test_curated_statement_files.py; no XD statement rests on cultured cells, so there is no cultured-cell row."""

from __future__ import annotations

import pytest
from curated_pass import objects, pass_edges, statement_rows, subjects

#: statement -> (axis, named condition) it was written for.
AXIS_STATEMENTS = {
    "XD001": ("AX-BIOMARKER", "AD"),
    "XD002": ("AX-BIOMARKER", "AD"),
    "XD003": ("AX-BIOMARKER", "AD"),
    "XD004": ("AX-BIOMARKER", "PD"),
    "XD005": ("AX-BIOMARKER", "PD"),
}

#: statement -> (references, publication year) as in the curation notes (the axis and reference checks run in
#: test_curated_pass_tables.py).
REFERENCES = {
    "XD001": ({"PMID:37842184", "DOI:10.20517/evcna.2023.13"}, "2023"),
    "XD002": ({"PMID:37842184", "DOI:10.20517/evcna.2023.13"}, "2023"),
    "XD003": ({"DOI:10.1002/alz.12166"}, "2021"),
    "XD004": ({"DOI:10.3389/fnagi.2021.665400"}, "2021"),
    "XD005": ({"DOI:10.3389/fnagi.2024.1332455"}, "2024"),
}


def test_xd_pass_size(kg):
    assert set(pass_edges(kg, "XD")["statement"]) == set(REFERENCES)


@pytest.mark.parametrize("sid", sorted(REFERENCES))
def test_a_human_cohort_biomarker_design(kg, sid):
    rows = statement_rows(kg, sid)
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    # a biomarker statement: no uptake, homing, mechanism or outcome edge
    assert not rows["predicate"].isin(["taken_up_by", "homes_to", "regulates", "affects", "contributes_to"]).any()


def test_plasma_neuron_derived_ev_ptau_higher_in_early_ad(kg):
    """XD001 (Eitan 2023 Extracell Vesicles Circ Nucleic Acids 4(1):133-150): plasma NDEVs (GAP43/NLGN3
    immunocapture) carry more p181-Tau (MAPT) in early AD; no context condition, immunocapture only."""
    rows = statement_rows(kg, "XD001")
    assert subjects(rows, "releases") == {"CL:0000540"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "carries") == {"NCBIGene:4137"}
    assert subjects(rows, "biomarker_for") == {"NCBIGene:4137"}
    assert objects(rows, "biomarker_for") == {"MONDO:0004975"}
    assert set(rows["separation_method"]) == {"immunocapture"}
    assert "higher in disease" in kg.node("evgraph:EVP-XD001")["description"]


def test_plasma_neuron_derived_ev_probdnf_and_glur2_lower_in_early_ad(kg):
    """XD002 (same paper): proBDNF (BDNF) and GluR2 (GRIA2) lower in AD; only the differences that survived
    multiple-comparison correction are kept."""
    rows = statement_rows(kg, "XD002")
    assert objects(rows, "carries") == {"NCBIGene:627", "NCBIGene:2891"}
    assert objects(rows, "biomarker_for") == {"MONDO:0004975"}
    assert "lower in disease" in kg.node("evgraph:EVP-XD002")["description"]


def test_blood_neuro_exosomal_synaptic_proteins_lower_in_ad(kg):
    """XD003 (Jia 2021 Alzheimer's Dement, DOI 10.1002/alz.12166): GAP43, neurogranin, SNAP25 and
    synaptotagmin 1 lower in AD; the abstract names the sample only as blood and says nothing of how the
    neuronal origin was shown, so blood and no source cell; no separation method stated."""
    rows = statement_rows(kg, "XD003")
    assert objects(rows, "sampled_from") == {"UBERON:0000178"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "carries") == {"NCBIGene:2596", "NCBIGene:4900", "NCBIGene:6616", "NCBIGene:6857"}
    assert not rows["predicate"].isin(["releases", "part_of"]).any()
    assert set(rows["separation_method"].fillna("")) == {""}
    assert "lower in disease" in kg.node("evgraph:EVP-XD003")["description"]


@pytest.mark.parametrize("sid", ["XD004", "XD005"])
def test_plasma_exosomal_ache_activity_lower_in_pd(kg, sid):
    """XD004 (Shim 2021 Front Aging Neurosci) and XD005 (Jeong 2024, CD9-positive exosomes by immunocapture, TEM
    and NTA): plasma exosomal AChE activity lower in PD; no source cell (XD005's L1CAM-positive exosomes showed
    no difference), no EV marker recorded (CD9 is the capture antigen)."""
    rows = statement_rows(kg, sid)
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "carries") == {"NCBIGene:43"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005180"}
    assert not rows["predicate"].isin(["releases", "part_of"]).any()
    assert set(rows["ev_markers_positive"].fillna("")) == {""}
    assert "lower in disease" in kg.node(f"evgraph:EVP-{sid}")["description"]
    methods = {"XD004": ("", ""), "XD005": ("immunocapture",
                                             "nanoparticle_tracking_analysis|transmission_electron_microscopy")}[sid]
    assert set(rows["separation_method"].fillna("")) == {methods[0]}
    assert set(rows["single_ev_characterisation"].fillna("")) == {methods[1]}
