"""Session-7 curation pass N7B (statement ids XF..., files statements-s7b-*.tsv): new statements for the
issue-12 liver and islet axes. Each statement is checked for the edges its text read supports
(curation-notes-s7b.md: references, year, species), and each is checked to count for the axis it was
written for by the rule of ``tests/test_curated_axes.py`` (``axis_members``), so a change to the rule or to
a row that drops it fails here. The generic per-file checks (rubric fields, one species, a note per
reference naming the statement, biomarker direction, homing evidence) are in
test_curated_statement_files.py."""

from __future__ import annotations

from curated_pass import objects, statement_rows, subjects

#: statement -> (axis, named target or condition) it was written for.
AXIS_STATEMENTS = {
    "XF001": ("AX-ISLET", "T1D"),
}

#: statement -> (references, publication year) as in curation-notes-s7b.md.
REFERENCES = {
    "XF001": ({"PMID:30801971", "DOI:10.1111/ajt.15322"}, "2019"),
}


def test_transplant_islet_exosomes_in_a_t1d_patient(kg):
    """XF001 (Korutla 2019 Am J Transplant, PMID 30801971): circulating transplant islet-specific exosomes
    in the plasma of a T1D islet recipient carry insulin and GAD65; fewer insulin-containing exosomes and more
    exosomal GAD65 before hyperglycaemia (recurrent T1D autoimmunity). Islet source, exosome, plasma, T1D
    context, INS and GAD2 cargo; human, one patient and three controls: an observation, no biomarker edge
    (a single case, cargo changes in opposite directions), no target."""
    rows = statement_rows(kg, "XF001")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"UBERON:0000006"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "released_in") == {"MONDO:0005147"}
    assert objects(rows, "carries") == {"NCBIGene:3630", "NCBIGene:2572"}
    assert not rows["predicate"].isin(["biomarker_for", "taken_up_by", "homes_to", "contributes_to",
                                       "regulates", "affects"]).any()
    assert set(rows["knowledge_level"]) == {"observation"}
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["ev_perturbation"]) == {"no_perturbation"}
    assert set(rows["evidence_tier"]) == {"tier3"}
