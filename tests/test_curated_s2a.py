"""Session-2 curation pass A (statement ids SA..., files statements-s2a-*.tsv): every statement is
assessed by the evidence rubric, biomarker rows say their direction, each reference is in the
pass's own curation notes, and the metabolic-cardiovascular bridge is kept."""

from __future__ import annotations

import re

from evgraph.model import split_list
from evgraph.sources.curated import curated_dir


def sa_edges(kg):
    return kg.edges[kg.edges["statement"].str.match(r"^SA\d{3}$")]


def test_every_sa_statement_has_model_system_year_and_tier(kg):
    e = sa_edges(kg)
    assert e["statement"].nunique() >= 11
    for col in ("model_system", "publication_year", "evidence_tier", "species"):
        missing = sorted(set(e.loc[e[col].astype(str) == "", "statement"]))
        assert not missing, (col, missing)
    assert (e["species"].map(lambda s: len(split_list(s))) == 1).all()


def test_sa_biomarker_statements_state_their_direction(kg):
    e = sa_edges(kg)
    with_biomarker = set(e.loc[e["predicate"] == "biomarker_for", "statement"])
    assert with_biomarker
    for sid in sorted(with_biomarker):
        evidence = kg.node(f"evgraph:EVP-{sid}")["description"]
        assert re.match(r"^Direction: (higher|lower) in disease\.", evidence), sid


def test_sa_references_are_in_the_pass_notes_with_the_statement(kg):
    notes = (curated_dir() / "curation-notes-s2a.md").read_text(encoding="utf-8")
    e = sa_edges(kg)
    for sid, pubs in e.drop_duplicates("statement")[["statement", "publications"]].itertuples(index=False):
        for ref in split_list(pubs):
            line = next((ln for ln in notes.splitlines() if ref.split(":", 1)[1] in ln), "")
            assert line, (sid, ref)
            assert re.search(rf"\b{sid}\b", line), (sid, ref)


def test_type_2_diabetes_carotid_atherosclerosis_bridge(kg):
    """SA007: exosomal miRNAs of people with type 2 diabetes (metabolic context) are biomarkers of
    atherosclerosis (cardiovascular), so the statement bridges two condition families."""
    e = kg.edges[kg.edges["statement"] == "SA007"]
    conds = set(e.loc[e["object"].astype(str).str.startswith("MONDO:"), "object"].astype(str))
    cats = {kg.node(c)["condition_category"] for c in conds}
    assert {"metabolic", "cardiovascular"} <= cats
    assert set(e.loc[e["predicate"] == "biomarker_for", "subject"].astype(str)) == {
        "mirbase:MIMAT0000063", "mirbase:MIMAT0000421"}
