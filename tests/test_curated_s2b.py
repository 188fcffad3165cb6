"""Curation pass B (issue 12, session 2): the fixes of the re-audits (audit-2026-12-01-2/-3.md)
hold, every withdrawn statement is listed with its reason, and the SB statements are referenced
in curation-notes-s2b.md."""

from __future__ import annotations

import re

from curated_pass import commented_statement_ids

from evgraph.sources.curated import curated_dir

#: Statements the re-audits of this pass held back (kept as '#' lines).
HELD_BACK = ("HT002", "MC014", "NO015", "NO016", "NO017", "NO023", "SM001", "VW007", "BM013", "VW008", "SA014",
             "MC040")


def _notes() -> str:
    return (curated_dir() / "curation-notes-s2b.md").read_text(encoding="utf-8")


def _edges(kg, sid):
    return kg.edges[kg.edges["statement"] == sid]


def test_held_back_statements_are_out_of_the_graph_commented_and_explained(kg):
    statements = set(kg.edges["statement"])
    commented = commented_statement_ids()
    notes = _notes()
    for sid in HELD_BACK:
        assert sid not in statements, sid
        assert sid in commented, sid
        assert re.search(rf"\b{sid}\b", notes), sid


def test_cut_statements_keep_only_what_their_records_state(kg):
    kd014 = _edges(kg, "KD014")
    assert "taken_up_by" not in set(kd014["predicate"]) and "affects" not in set(kd014["predicate"])
    assert set(kd014["species"]) == {"NCBITaxon:10090"}
    assert not _edges(kg, "MC038")["subject"].astype(str).str.startswith("UBERON:0000074").any()
    for sid in ("GM010", "SM007", "TH008"):
        assert "taken_up_by" not in set(_edges(kg, sid)["predicate"]), sid
    no7 = _edges(kg, "NO007")
    assert "contributes_to" not in set(no7["predicate"]) and "biomarker_for" in set(no7["predicate"])
    assert set(_edges(kg, "TH008")["ev_markers_positive"]) == {"NCBIGene:928|NCBIGene:967|NCBIGene:975"}


def test_sb001_is_held_back_and_stays_in_the_notes(kg):
    """SB001, the pass's only statement, was held back in session 7 (W7D: sub-clinical cognitive decline is not
    a disorder; curation-notes-a8.md): a '#' row, no edge built, and still listed in the pass's notes."""
    assert "SB001" in commented_statement_ids()
    assert kg.edges[kg.edges["statement"].astype(str).str.startswith("SB")].empty
    assert re.search(r"^- SB001 - ", _notes(), re.M)


def test_audit_files_record_seed_sample_and_result():
    for name, seed, result in (("audit-2026-12-01-2.md", "122", "22 confirmed, 8 partly, 0 wrong"),
                               ("audit-2026-12-01-3.md", "1223", "24 confirmed, 6 partly, 0 wrong")):
        text = (curated_dir() / name).read_text(encoding="utf-8")
        assert f"Seed **{seed}**" in text and result in text, name
        rows = re.findall(r"^\| ([A-Z]{2}\d{3}[A-Z]?) \| (confirmed|partly|wrong) \|", text, re.M)
        assert len(rows) == 30, (name, len(rows))
        confirmed = sum(v == "confirmed" for _, v in rows)
        assert result.startswith(f"{confirmed} confirmed"), name
