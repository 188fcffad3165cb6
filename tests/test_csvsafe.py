"""CSV tables for people never carry a spreadsheet formula (issue 18: CSV formula injection)."""

from __future__ import annotations

import csv
import io

import pandas as pd
from click.testing import CliRunner

import evgraph
from evgraph.build.builder import GraphBuilder
from evgraph.cli import main

EVIL = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tTAB", "\rCR"]


def test_query_csv_neutralises_formula_prefixes_and_keeps_numbers(tmp_path):
    b = GraphBuilder()
    ids = [f"UBERON:00000{i}" for i in range(10, 10 + len(EVIL))]
    b.add_nodes(pd.DataFrame({"id": ids, "category": ["Organ"] * len(EVIL), "label": EVIL}), file="evil")
    evgraph.save(b.build(), tmp_path / "g")
    q = tmp_path / "q.cypher"
    q.write_text("MATCH (n:Organ) RETURN n.label AS label, -1.5 AS number, n.id AS id ORDER BY id")
    res = CliRunner().invoke(main, ["query", str(q), "--graph", str(tmp_path / "g"), "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    labels = [r["label"] for r in rows]
    stripped = [e.strip() for e in EVIL]  # the builder strips outer whitespace
    assert labels == ["'" + s if s[:1] in "=+-@" else s for s in stripped]
    assert all(not v.startswith(("=", "+", "-", "@")) for v in labels)
    assert {r["number"] for r in rows} == {"-1.5"}, "numbers are not text and stay as they are"
