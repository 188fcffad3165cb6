"""Session-3 curation pass A (statement ids TA..., files statements-s3a-*.tsv): every statement is
assessed by the evidence rubric with one species, each reference is in the pass's own curation notes
next to the statement id, biomarker rows state a direction, and each statement links exactly the
condition families its paper studies (the bridges the pass adds are checked one by one)."""

from __future__ import annotations

import re

import pytest

from evgraph.model import split_list
from evgraph.sources.curated import curated_dir


def ta_edges(kg):
    return kg.edges[kg.edges["statement"].str.match(r"^TA\d{3}$")]


def _categories(kg, sid):
    e = ta_edges(kg)
    objs = e.loc[(e["statement"] == sid) & e["object"].astype(str).str.startswith("MONDO:"), "object"]
    return {kg.node(str(o))["condition_category"] for o in objs}


def _rows(kg, sid):
    e = ta_edges(kg)
    return e[e["statement"] == sid]


def _objects(rows, predicate):
    return set(rows.loc[rows["predicate"] == predicate, "object"])


def test_every_ta_statement_has_model_system_year_tier_and_one_species(kg):
    e = ta_edges(kg)
    assert e["statement"].nunique() >= 4
    for col in ("model_system", "publication_year", "evidence_tier", "species"):
        missing = sorted(set(e.loc[e[col].astype(str) == "", "statement"]))
        assert not missing, (col, missing)
    assert (e["species"].map(lambda s: len(split_list(s))) == 1).all()


def test_ta_references_are_in_the_pass_notes_with_the_statement(kg):
    notes = (curated_dir() / "curation-notes-s3a.md").read_text(encoding="utf-8")
    e = ta_edges(kg)
    for sid, pubs in e.drop_duplicates("statement")[["statement", "publications"]].itertuples(index=False):
        for ref in split_list(pubs):
            line = next((ln for ln in notes.splitlines() if ref.split(":", 1)[1] in ln), "")
            assert line, (sid, ref)
            assert re.search(rf"\b{sid}\b", line), (sid, ref)


def test_ta_biomarker_statements_state_their_direction(kg):
    e = ta_edges(kg)
    sids = sorted(set(e.loc[e["predicate"] == "biomarker_for", "statement"]))
    assert sids
    for sid in sids:
        evidence = kg.node(f"evgraph:EVP-{sid}")["description"]
        assert re.match(r"^Direction: (higher|lower) in disease", evidence), sid


def test_urinary_exosomes_in_type_2_diabetes_mark_diabetic_kidney_disease(kg):
    """TA001 (Ren Fail 2023): urinary exosomal miR-615-3p higher in DKD than in T2DM and healthy
    people; the miRNA's accession was not confirmed, so the EV population itself is the marker of a
    metabolic (type 2 diabetes) context and a renal outcome."""
    rows = _rows(kg, "TA001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
    assert _objects(rows, "released_in") == {"MONDO:0005148"}
    assert _objects(rows, "sampled_from") == {"UBERON:0001088"}
    marker = rows[rows["predicate"] == "biomarker_for"]
    assert set(marker["subject"]) == {"evgraph:EVP-TA001"} and set(marker["object"]) == {"MONDO:0005016"}
    assert not rows["predicate"].isin(["carries", "contributes_to"]).any()
    assert _categories(kg, "TA001") == {"metabolic", "renal"}


@pytest.mark.parametrize(("sid", "cell", "marker"), [("TA002", "CL:0000233", "NCBIGene:959"),
                                                     ("TA003", "CL:0000115", "NCBIGene:6401")])
def test_microparticles_of_infarct_patients_mark_chronic_kidney_disease(kg, sid, cell, marker):
    """TA002/TA003 (Mörtberg 2019): in acute myocardial infarction, CD40L+ platelet and CD62E+
    endothelial microparticles are higher with CKD stage 4-5: two populations, each released in
    myocardial infarction and marking chronic kidney disease (cardiovascular + renal)."""
    rows = _rows(kg, sid)
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert set(rows.loc[rows["predicate"] == "releases", "subject"]) == {cell}
    assert _objects(rows, "has_vesicle_type") == {"GO:1990742"}
    assert _objects(rows, "released_in") == {"MONDO:0005068"}
    marker_rows = rows[rows["predicate"] == "biomarker_for"]
    assert set(marker_rows["subject"]) == {marker} and set(marker_rows["object"]) == {"MONDO:0005300"}
    assert _categories(kg, sid) == {"cardiovascular", "renal"}
    assert set(rows["evidence_tier"]) == {"tier3"}


def test_serum_exosomal_let7b_marks_hyperglycaemia_in_coronary_heart_disease(kg):
    """TA004 (Han 2023): hsa-let-7b-5p upregulated in serum exosomes of hyperglycaemic versus
    normoglycaemic patients with coronary heart disease (the microarray part read): a cardiovascular
    context and a metabolic marker, and no outcome edge (the ROC result was not read)."""
    rows = _rows(kg, "TA004")
    assert _objects(rows, "carries") == {"mirbase:MIMAT0000063"}
    assert _objects(rows, "released_in") == {"MONDO:0005010"}
    marker = rows[rows["predicate"] == "biomarker_for"]
    assert set(marker["subject"]) == {"mirbase:MIMAT0000063"} and set(marker["object"]) == {"MONDO:0002909"}
    assert "contributes_to" not in set(rows["predicate"])
    assert _categories(kg, "TA004") == {"cardiovascular", "metabolic"}
