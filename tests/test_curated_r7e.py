"""Session-7 re-read N7E (curation-notes-r7e.md): statements held back by earlier sessions for one missing item
(mostly a citation record with journal and year beside the identifier) and restored once a record read supplied
it, each cut to the elements its text read supports. All three were held back again later (sessions 12 and 13)."""

from __future__ import annotations

import pytest
from curated_pass import commented_statement_ids
from test_curated_cultured_cells import register

#: Every statement this re-read restored (LV003, LV004, SD006) is held back again (sweep w11d in session 12, the
#: lead in session 13), so no restored row remains to pin; the tests below assert each stays a '#' row.


@pytest.mark.parametrize("sid", ["LV003", "LV004"])
def test_lipotoxic_hepatocyte_ev_statements_are_held_back_again(kg, sid):
    """LV003 (primary mouse hepatocytes and NASH-diet mice) and LV004 (human Huh7 cells), Ibrahim, Hepatology,
    DOI 10.1002/hep.28252: restored by this re-read in session 7 on the ouci.dntb.gov.ua/en/works/9Zodr1Y7 record,
    held back again by sweep w11d (session 12, curation-notes-w11d.md): five searches returned the PMC4764421
    abstract without its citation line and no record printing the DOI beside journal and year (rule 1 of the team
    brief: a record read in this session). The rows and their register rows are kept as '#' lines."""
    assert sid not in set(kg.edges["statement"])
    assert sid in commented_statement_ids()
    assert sid not in register()


def test_plasma_ev_circrna_is_higher_in_diabetes_patients(kg):
    """SD006 (Lin 2024 Cardiovasc Diabetol, DOI 10.1186/s12933-024-02440-7; ouci prints 'Cardiovascular
    Diabetology, 2024, No 1'): plasma EV circ_0008362 higher in patients with DM than in normal controls. The
    circRNA has no node (no identifier scheme), so the biomarker edge is the EV population's; diabetes mellitus
    only (one family, no bridge); human cohort.
    Session 13: held back (curation-notes-l13.md): no citation record read in session 13 by two readers (record pass
    r13b and the lead) prints the DOI beside title, journal and year."""
    assert "SD006" not in set(kg.edges["statement"]) and "SD006" in commented_statement_ids()


