"""Session-7 curation pass N7F (statement ids XI..., file statements-s7f-gut.tsv): new statements for the
issue-12 gut axis (AX-GUT: gut/intestinal epithelium or gut-microbe vesicles -> liver, adipose, muscle).
Each statement is checked for the edges its text read supports (curation-notes-s7f.md: references, year,
species), and each is checked to count for the axis by the rule of ``tests/test_curated_axes.py``
(``axis_members``), so a change to the rule or to a row that drops it fails here. The generic per-file
checks (rubric fields, one species, a note per reference naming the statement, homing wording) are in
test_curated_statement_files.py."""

from __future__ import annotations

from curated_pass import commented_statement_ids

#: statement -> (axis, named target) it was written for. XI001 was held back by sweep w10c
#: (curation-notes-w10c.md: no organism named for the recipient animals), so the pass counts for no axis now.
AXIS_STATEMENTS: dict = {}

#: statement -> (references, publication year) as in curation-notes-s7f.md (XI001 held back: none kept).
REFERENCES: dict = {}


def test_xi001_is_held_back(kg):
    """XI001 (Han 2025 Metabolites, DOI 10.3390/metabo15050324): intestinal epithelial cell-derived exosomes
    accumulate in adipose tissue and, from cold-stimulated mice, enhance adipose thermogenesis; the abstract
    names mice only as the exosome donors, not the animals that received them (species rule for in vivo
    recipients, as MC029/MC030). Held back by sweep w10c: a commented row kept whole, out of the graph."""
    assert "XI001" not in set(kg.edges["statement"])
    assert "XI001" in commented_statement_ids()
