"""Session-2 curation pass A (statement ids SA..., files statements-s2a-*.tsv): the pass keeps its
size and the metabolic-cardiovascular bridge (the generic per-file checks - rubric
fields with one species, a note per reference, biomarker direction - are in
test_curated_statement_files.py)."""

from __future__ import annotations

from curated_pass import condition_categories, pass_edges, statement_rows


def test_sa_pass_size_and_biomarker_rows(kg):
    """The pass keeps its size; its biomarker rows are checked per file in test_curated_statement_files.py."""
    e = pass_edges(kg, "SA")
    assert e["statement"].nunique() >= 11
    assert set(e.loc[e["predicate"] == "biomarker_for", "statement"])


def test_type_2_diabetes_carotid_atherosclerosis_bridge(kg):
    """SA007: exosomal miRNAs of people with type 2 diabetes (metabolic context) are biomarkers of
    atherosclerosis (cardiovascular), so the statement bridges two condition families."""
    e = statement_rows(kg, "SA007")
    assert {"metabolic", "cardiovascular"} <= condition_categories(kg, "SA007")
    assert set(e.loc[e["predicate"] == "biomarker_for", "subject"].astype(str)) == {
        "mirbase:MIMAT0000063", "mirbase:MIMAT0000421"}
