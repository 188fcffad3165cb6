"""Session-7 curation pass s7k (helper N7K; statement ids XN..., files statements-s7k-*.tsv, entities-s7k.tsv,
edges-s7k.tsv): new statements for the thrombosis axis of issue 12 (AX-THROMBOSIS, short under the axis rule of
``tests/test_curated_axes.py``). Each statement is checked for the edges its text read supports
(curation-notes-s7k.md): its references and year as noted, a single stated species, the axis it was written for
counts it (``axis_members``), and a cultured-cell register row where its model system has cultured cells. The
generic per-file checks are in test_curated_statement_files.py; the cultured-cell rows in
test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import commented_statement_ids, pass_edges

#: statement -> (axis, named target/condition) it was written for. Empty since sweep w10d held XN001/XN002 back
#: (curation-notes-w10d.md); they were written for AX-THROMBOSIS "thrombosis".
AXIS_STATEMENTS: dict = {}

#: statement -> (references, publication year) as in curation-notes-s7k.md. Empty since sweep w10d; the held-back
#: rows cite PMID:28052584 | DOI:10.1002/cyto.b.21507 (2018).
REFERENCES: dict = {}

#: the rows sweep w10d held back (no citation record printing the PMID or DOI read in that sweep).
HELD_BACK = ("XN001", "XN002")


def test_xn_pass_size(kg):
    """Sweep w10d (curation-notes-w10d.md) held XN001 and XN002 back: no record read by the sweep prints the
    PMID or DOI beside title, journal and year (rule 1), so the pass builds no edge."""
    assert set(pass_edges(kg, "XN")["statement"]) == set()


def test_xn_rows_are_held_back(kg):
    """Both rows stay in the file whole, as `# ` lines (with their reason line), and out of the graph."""
    held = commented_statement_ids()
    for sid in HELD_BACK:
        assert sid in held and sid not in set(kg.edges["statement"]), sid


def test_heparin_induced_thrombocytopenia_rolls_up_to_thrombotic_disease(kg):
    """edges-s7k.tsv: MONDO:0018048 is_a MONDO:0000831 (direct parent in the shared MONDO release)."""
    e = kg.edges
    hit = e[(e["subject"] == "MONDO:0018048") & (e["predicate"] == "subclass_of")]
    assert set(hit["object"]) == {"MONDO:0000831"}
