"""Session-12 curation pass s12d (helper s12d; statement ids YH..., file statements-s12d-brain.tsv): new
statements for the issue-12 brain axis (AX-BRAIN, Parkinson disease side, rule "context") and the thrombosis
axis (AX-THROMBOSIS). One statement was written (curation-notes-s12d.md): YH001, DJ-1 and alpha-synuclein
higher in plasma neural-derived exosomes of Parkinson disease patients than of controls (Zhao 2019 Front Aging
Neurosci, DOI 10.3389/fnagi.2018.00438). Pass s12e wrote the same paper independently as YI007 without a source
cell; the lead kept YI007 and held YH001 back as the duplicate (curation-notes-l13.md): "neural-derived" names
neither neurons nor the brain, and XD003 and YJ002 record no source for "neuronal-derived" exosomes. No
thrombosis statement could be written (every candidate missed one item; the notes' "Candidates tried and not
added")."""

from __future__ import annotations

from curated_pass import commented_statement_ids, objects, statement_rows


def test_yh001_is_held_back_as_the_duplicate_of_yi007(kg):
    assert "YH001" not in set(kg.edges["statement"]) and "YH001" in commented_statement_ids()
    rows = statement_rows(kg, "YI007")
    assert "DOI:10.3389/fnagi.2018.00438" in objects(rows, "described_in")
    assert "releases" not in set(rows["predicate"])
    assert objects(rows, "biomarker_for") == {"MONDO:0005180"}
