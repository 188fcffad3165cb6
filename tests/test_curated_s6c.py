"""Session-6 curation pass N6C (statement ids XC..., file statements-s6c-bridges.tsv): new statements that
bridge two condition families (issue 12: >= 60 bridging statements, tests/test_curated.py::
test_bridging_statements). Each statement is checked for the edges its text read supports
(curation-notes-s6c.md): its references and year as noted, one stated species, its condition families (both
conditions are named in the text read; none was added to make a bridge), and that no cultured-cell register
row is missing. The generic per-file checks (rubric fields, one species, a note per reference naming the
statement, biomarker direction sentence) are in test_curated_statement_files.py; the cultured-cell rows in
test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import commented_statement_ids, objects, pass_edges, statement_rows

#: statement -> (references, publication_year, species, condition families it links).
STATEMENTS = {
    # XC001 held back by sweep w11d (session 12, curation-notes-w11d.md): no record read prints its PMID or DOI
    # beside journal and year; see test_t2dm_rat_msc_exosome_statement_is_held_back.
    "XC002": ({"PMID:27671694", "DOI:10.1007/s11239-016-1427-3"}, "2017", "NCBITaxon:9606",
              {"cardiovascular", "renal"}),
}


def test_xc_pass_size(kg):
    assert pass_edges(kg, "XC")["statement"].nunique() >= len(STATEMENTS)


def test_t2dm_rat_msc_exosome_statement_is_held_back(kg):
    """XC001 (Venkat 2020 Exp Neurol, PMID 32889008): held back by sweep w11d (session 12, curation-notes-w11d.md):
    the only record returned (scholarlycommons.henryford.com) prints the journal and the abstract but neither the
    PMID nor the DOI nor a year (rule 1 of the team brief). The row is kept whole as a '#' line."""
    assert "XC001" not in set(kg.edges["statement"])
    assert "XC001" in commented_statement_ids()


def test_endothelial_platelet_microparticles_rise_with_ckd_in_af_patients(kg):
    """XC002 (Lau 2017 J Thromb Thrombolysis 43(1), PMID 27671694; epub 2016): in 160 anticoagulated AF patients CD31+
    endothelial/platelet MPs rise with CKD stage: blood, AF context, biomarker for CKD, no source cell (CD31
    marks both endothelium and platelets), human cohort."""
    rows = statement_rows(kg, "XC002")
    assert objects(rows, "sampled_from") == {"UBERON:0000178"}
    assert objects(rows, "released_in") == {"MONDO:0004981"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005300"}
    assert not rows["predicate"].isin(["releases", "contributes_to", "taken_up_by"]).any()
    assert set(rows["model_system"]) == {"human_cohort"}
