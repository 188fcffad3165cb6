"""Session-7 curation pass N7B (statement ids XF..., files statements-s7b-*.tsv): new statements for the
issue-12 liver and islet axes. Each statement is checked for the edges its text read supports
(curation-notes-s7b.md: references, year, species), and each is checked to count for the axis it was
written for by the rule of ``tests/test_curated_axes.py`` (``axis_members``), so a change to the rule or to
a row that drops it fails here. The generic per-file checks (rubric fields, one species, a note per
reference naming the statement, biomarker direction, homing evidence) are in
test_curated_statement_files.py."""

from __future__ import annotations

from curated_pass import commented_statement_ids

#: statement -> (axis, named target or condition) it was written for.
AXIS_STATEMENTS: dict[str, tuple[str, str]] = {}  # XF001 held back in session 13 (curation-notes-l13.md)

#: statement -> (references, publication year) as in curation-notes-s7b.md.
REFERENCES: dict[str, tuple[set[str], str]] = {}  # XF001 held back in session 13


def test_transplant_islet_exosomes_in_a_t1d_patient(kg):
    """XF001 (Korutla 2019 Am J Transplant, PMID 30801971): circulating transplant islet-specific exosomes
    in the plasma of a T1D islet recipient carry insulin and GAD65; fewer insulin-containing exosomes and more
    exosomal GAD65 before hyperglycaemia (recurrent T1D autoimmunity). Islet source, exosome, plasma, T1D
    context, INS and GAD2 cargo; human, one patient and three controls: an observation, no biomarker edge
    (a single case, cargo changes in opposite directions), no target.
    Session 13: held back (curation-notes-l13.md): no citation record read in session 13 by two readers (record pass
    r13d and the lead) prints the title beside PMID 30801971 or the DOI."""
    assert "XF001" not in set(kg.edges["statement"]) and "XF001" in commented_statement_ids()


