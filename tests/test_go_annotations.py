"""The go_annotations reader: BP annotations with their evidence class, column-wise."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from evgraph.cli import main
from evgraph.sources.go_annotations import parse_go_annotations, reserved_go_ids

SRC = Path(__file__).parent / "fixtures" / "sources" / "go"


def _expected(path: Path) -> set[tuple[str, str]]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t")
    return {(f"NCBIGene:{g}", r["go_id"]) for r in rows if r["go_domain"] == "biological_process"
            and r["go_id"] not in reserved_go_ids() for g in r["gene_ids"].split("|") if g}


def test_table_and_gmt():
    parsed = parse_go_annotations(SRC, {})
    e = parsed.edges
    table = e[e["evidence"].str.contains("gene2go")]
    want = _expected(SRC / "GO_annotations-9606-direct-expev.tsv")
    assert set(zip(table["subject"], table["object"], strict=True)) == want
    assert (table["evidence"].str.contains("experimental evidence codes")).all() and set(table["confidence"]) == {0.8}
    assert "GO:0006897" not in set(e["object"])  # endocytosis is an evgraph UptakeMechanism
    assert parsed.report.skipped["GO term not a biological process (molecular function / cellular component)"] == 1
    gmt = e[e["evidence"].str.contains("Enrichr")]
    assert len(gmt) and gmt["subject"].str.startswith("?sym:9606:").all()
    assert set(e["predicate"]) == {"participates_in"}
    nodes = parsed.nodes.set_index("id")
    assert nodes.loc["GO:0006954", "category"] == "Pathway"
    assert nodes.loc["GO:0006954", "label"] == "inflammatory response"


def test_bad_input(tmp_path):
    bad = tmp_path / "GO_annotations-bad.tsv"
    bad.write_text("go_id\tgo_domain\tgene_ids\nGO:12\tbiological_process\t1|2\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["build", "--source", f"go_annotations={bad}", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "Traceback" not in res.output and f"{bad}:2" in res.output and "go_id" in res.output


@pytest.mark.shared_data
def test_real_data_counts(shared_data):
    f = shared_data / "go" / "GO_annotations-9606-direct-expev.tsv"
    parsed = parse_go_annotations(f, {})
    assert set(zip(parsed.edges["subject"], parsed.edges["object"], strict=True)) == _expected(f)
    assert len(parsed.edges) > 30000
