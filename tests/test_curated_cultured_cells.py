"""The cell-line organism policy (curation-notes-q4.md; curated README, "Species policy").

Every curated statement whose ``model_system`` includes cultured cells (``cell_line``,
``primary_cells``, ``cell_culture``, ``organoid``) has one row in a ``cultured-cells*.tsv`` register
saying where the cells' organism comes from:

* ``record``: the paper's own record names it (``words`` says where, ``record`` which record);
* ``cell_line_registry``: a named line of the reviewed registry ``cell-lines.tsv``, whose organism was
  taken once from a public record naming the line's species (Cellosaurus, ATCC, a peer-reviewed paper);
* ``in_vivo``: every kept edge also rests on the animals or people of the statement, the cultured part
  carrying no edge of its own.

The organism must be the statement's ``species`` (one per statement). A statement's evidence may not
name a registry line of another organism (a mouse line inside a human statement mixes species).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from evgraph.model import split_list
from evgraph.sources.curated import curated_dir

CULTURED = frozenset({"cell_line", "primary_cells", "cell_culture", "organoid"})
IN_VIVO = frozenset({"animal_in_vivo", "human_cohort"})
BASES = frozenset({"record", "cell_line_registry", "in_vivo"})
TAXON = re.compile(r"^NCBITaxon:\d+$")
REF = re.compile(r"^(PMID:\d+|DOI:10\.\S+)$")


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@cache
def registry() -> dict[str, dict[str, str]]:
    """Every name (line and synonyms) of ``cell-lines.tsv`` -> its row."""
    names: dict[str, dict[str, str]] = {}
    for row in _rows(curated_dir() / "cell-lines.tsv"):
        for name in [row["line"], *split_list(row["synonyms"])]:
            assert name.lower() not in names, f"cell-lines.tsv: {name} listed twice"
            names[name.lower()] = row
    return names


@cache
def register() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for path in sorted(curated_dir().glob("cultured-cells*.tsv")):
        for row in _rows(path):
            assert row["statement_id"] not in out, f"{path.name}: {row['statement_id']} registered twice"
            out[row["statement_id"]] = {**row, "_file": path.name}
    return out


def statements(kg) -> dict[str, dict[str, str]]:
    """statement id -> model_system, species and evidence, from the built graph."""
    e = kg.edges[kg.edges["statement"].astype(str) != ""].drop_duplicates("statement")
    out = {}
    for sid, ms, sp in e[["statement", "model_system", "species"]].itertuples(index=False):
        out[sid] = {"model_system": ms, "species": sp, "evidence": kg.node(f"evgraph:EVP-{sid}")["description"]}
    return out


def cultured(kg) -> dict[str, dict[str, str]]:
    return {sid: s for sid, s in statements(kg).items() if set(split_list(s["model_system"])) & CULTURED}


def test_the_registry_rows_are_complete():
    rows = _rows(curated_dir() / "cell-lines.tsv")
    assert len(rows) >= 5
    for row in rows:
        assert TAXON.match(row["ncbi_taxon"]), row["line"]
        assert REF.match(row["record"]), row["line"]
        assert row["organism"] and row["record_seen"] and row["seen_by"], row["line"]
    assert registry()["raw264.7"]["ncbi_taxon"] == "NCBITaxon:10090"
    assert registry()["thp-1"]["ncbi_taxon"] == "NCBITaxon:9606"


def test_every_cultured_statement_is_registered_and_nothing_else(kg):
    want = set(cultured(kg))
    have = set(register())
    assert len(want) >= 30
    assert not want - have, ("cultured-cell statements without a cultured-cells*.tsv row", sorted(want - have))
    assert not have - want, ("cultured-cells*.tsv rows for statements with no cultured model (stale)",
                             sorted(have - want))


def test_each_row_names_its_basis_and_the_statement_species(kg):
    cult = cultured(kg)
    notes = {p.name: p.read_text(encoding="utf-8") for p in curated_dir().glob("*.md")}
    bad = []
    for sid, row in register().items():
        s = cult.get(sid)
        if s is None:
            continue  # reported by the test above
        if row["basis"] not in BASES or not row["record"] or not row["words"] or not row["cultured_cells"]:
            bad.append((sid, "incomplete row"))
        if row["ncbi_taxon"] != s["species"]:
            bad.append((sid, f"organism {row['ncbi_taxon']} is not the statement's {s['species']}"))
        seen = row["seen_by"]
        if seen != "q4" and not (seen in notes and re.search(rf"\b{sid}\b", notes[seen])):
            bad.append((sid, f"seen_by {seen!r} is neither q4 nor a notes/audit file naming the statement"))
        if row["basis"] == "cell_line_registry":
            lines = split_list(row["cell_lines"])
            if not lines:
                bad.append((sid, "registry basis without a line"))
            for line in lines:
                reg = registry().get(line.lower())
                if reg is None:
                    bad.append((sid, f"{line} is not in cell-lines.tsv"))
                elif reg["ncbi_taxon"] != s["species"]:
                    bad.append((sid, f"{line} is {reg['organism']}, the statement is {s['species']}"))
        elif row["cell_lines"]:
            bad.append((sid, "cell_lines given without the registry basis"))
        if row["basis"] == "in_vivo" and not set(split_list(s["model_system"])) & IN_VIVO:
            bad.append((sid, "in_vivo basis but no in vivo model_system"))
    assert not bad, bad


def test_no_statement_names_a_registry_line_of_another_organism(kg):
    bad = []
    for sid, s in statements(kg).items():
        for name, reg in registry().items():
            if reg["ncbi_taxon"] != s["species"] and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])",
                                                                 s["evidence"], re.I):
                bad.append((sid, name, reg["organism"], s["species"]))
    assert not bad, bad


@pytest.mark.parametrize("name", ["RAW264.7", "raw 264.7", "Neuro-2a", "THP1"])
def test_registry_lookup_by_synonym_is_case_blind(name):
    assert name.lower() in registry()
