"""The table checks the new-statement passes share (issue 12, sessions 4-7).

Each pass file (``test_curated_s4x.py`` ... ``test_curated_s7k.py``) declares, beside its own per-statement
tests, the tables its notes fix: ``AXIS_STATEMENTS`` (statement -> the axis and named target or condition it
was written for), ``REFERENCES`` (statement -> its references and publication year) and, for the bridge
passes, ``STATEMENTS`` (statement -> references, year, species and the two condition families it links).
The same checks run here over every pass's tables, so a pass adds rows to a table, not another copy of the
test: each statement counts for its axis by the rule of ``tests/test_curated_axes.py``; it cites exactly
its references, carries its year and one species; a bridge links exactly its families; and a statement has
a cultured-cell register row exactly when its model system is cultured cells."""

from __future__ import annotations

import importlib

import pytest
from curated_pass import CULTURED, condition_categories, statement_rows
from test_curated_axes import axis, axis_members
from test_curated_cultured_cells import register

from evgraph.model import split_list

AXIS_PASSES = ("s4x", "s5c", "s6a", "s6b", "s6d", "s7a", "s7b", "s7f", "s7j", "s7k", "s7m", "s11a", "s11e",
               "s12a", "s12e", "s12f", "s12g", "s12i", "s12j", "s12k", "s12l")
REFERENCE_PASSES = ("s6a", "s6b", "s6d", "s7a", "s7b", "s7f", "s7j", "s7k", "s7m", "s8a", "s8e", "s11a", "s11e",
                    "s12a", "s12e", "s12f", "s12g", "s12h", "s12i", "s12j", "s12k", "s12l")
BRIDGE_PASSES = ("s6c", "s7c", "s7d", "s7h")


def _rows(table: str, passes: tuple[str, ...]) -> list:
    out = []
    for name in passes:
        module = importlib.import_module(f"test_curated_{name}")
        out += [pytest.param(sid, value, module, id=f"{name}-{sid}")
                for sid, value in sorted(getattr(module, table).items())]
    return out


@pytest.mark.parametrize("sid,target,module", _rows("AXIS_STATEMENTS", AXIS_PASSES))
def test_the_statement_counts_for_its_axis(kg, sid, target, module):
    aid, name = target
    assert sid in axis_members(kg, axis(aid))[name]


@pytest.mark.parametrize("sid,expected,module", _rows("REFERENCES", REFERENCE_PASSES))
def test_references_year_and_one_stated_species(kg, sid, expected, module):
    refs, year = expected
    rows = statement_rows(kg, sid)
    got = {r for pubs in rows["publications"] for r in str(pubs).split("|") if r}
    assert got == refs
    assert set(rows["publication_year"].astype(str)) == {year}
    assert rows["species"].nunique() == 1


@pytest.mark.parametrize("sid,expected,module", _rows("STATEMENTS", BRIDGE_PASSES))
def test_reference_year_species_and_bridge(kg, sid, expected, module):
    refs, year, species, families = expected
    rows = statement_rows(kg, sid)
    assert len(rows) > 0
    assert {r for p in rows["publications"] for r in split_list(p)} == refs
    assert set(rows["publication_year"].astype(str)) == {year}
    assert set(rows["species"]) == {species}
    assert condition_categories(kg, sid) == families and len(families) >= 2


@pytest.mark.parametrize("sid,expected,module", _rows("STATEMENTS", BRIDGE_PASSES)
                         + _rows("REFERENCES", REFERENCE_PASSES))
def test_no_cultured_cell_row_is_missing(kg, sid, expected, module):
    models = {m for v in statement_rows(kg, sid)["model_system"] for m in split_list(v)}
    assert (sid in register()) == bool(models & CULTURED)
