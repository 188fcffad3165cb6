"""Session-5 curation pass D (cur5b; statement ids WN..., files statements-s5d-*.tsv): new statements for the
liver and gut axes of issue 12, still short under the axis rule of ``tests/test_curated_axes.py``. Each
statement is checked for the edges its text read supports (curation-notes-s5d.md), and the ones written for
an axis are checked to count for it by that rule (``axis_members``), so a change to the rule or to a row that
drops them fails here. The generic per-file checks (rubric fields, one species, a note per reference naming
the statement, homing needs an in vivo or ex vivo model) are in test_curated_statement_files.py; the
cultured-cell rows in test_curated_cultured_cells.py."""

from __future__ import annotations

from curated_pass import pass_edges, statement_rows

# WN001 (AX-LIVER, adipose), the pass's only statement, was held back by the session-7 sweep W7C
# (curation-notes-w7c.md), so the pass has no statement in the graph and no axis test.


def test_held_back_hepatocyte_evs_to_adipocytes_statement_is_not_built(kg):
    """WN001 (Zhao 2020 Nat Commun, DOI 10.1038/s41467-020-14450-6) is a held-back ``#`` row: the abstract's
    "sends hepatocyte-derived extracellular vesicles (EVs) targeting adipocytes" names no organism and shows no
    uptake (species rule, target rule; curation-notes-w7c.md), so none of its edges is built."""
    assert statement_rows(kg, "WN001").empty
    assert pass_edges(kg, "WN").empty
