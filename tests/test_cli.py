"""The command line: build, stats, validate, export kgx; deterministic output; clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "curated"


def run(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "evgraph.cli", *args], cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"evgraph {' '.join(args)} failed: {proc.stderr}")
    return proc


def test_build_default_writes_graph_and_counts(tmp_path, kg):
    proc = run("build", "--format", "json", cwd=tmp_path)
    rows = json.loads(proc.stdout)
    nodes = {r["type"]: r["count"] for r in rows if r["kind"] == "node"}
    edges = {r["type"]: r["count"] for r in rows if r["kind"] == "edge"}
    assert nodes == kg.counts()["nodes"] and edges == kg.counts()["edges"]
    out = tmp_path / "evgraph-out"
    assert {p.name for p in out.iterdir()} == {"nodes.parquet", "edges.parquet", "graph.json",
                                              "build-report.json", "build-report.txt"}  # every build reports
    manifest = json.loads((out / "graph.json").read_text())
    assert manifest["num_edges"] == kg.num_edges and manifest["ontology_version"] == kg.schema.version


def test_build_is_byte_identical(tmp_path):
    run("build", "--out", "a", cwd=tmp_path)
    run("build", "--out", "b", cwd=tmp_path)
    run("export", "kgx", "--graph", "a", "--out", "ka", cwd=tmp_path)
    run("export", "kgx", "--graph", "b", "--out", "kb", cwd=tmp_path)
    outputs = (("{}", ("nodes.parquet", "edges.parquet", "graph.json")), ("k{}", ("nodes.tsv", "edges.tsv")))
    for folder, names in outputs:
        for name in names:
            a = (tmp_path / folder.format("a") / name).read_bytes()
            b = (tmp_path / folder.format("b") / name).read_bytes()
            assert a == b, name


def test_stats_and_validate_read_a_built_graph(tmp_path):
    run("build", "--source", f"curated={FIXTURE}", "--out", "g", cwd=tmp_path)
    proc = run("stats", "--graph", "g", "--format", "csv", cwd=tmp_path)
    assert proc.stdout.splitlines()[0] == "kind,type,count"
    assert "edge,taken_up_by,2" in proc.stdout
    proc = run("validate", "--graph", "g", cwd=tmp_path)
    assert proc.stdout.startswith("valid: 13 nodes, 13 edges")


def test_kgx_export_then_build_from_it(tmp_path):
    run("build", "--source", f"curated={FIXTURE}", "--out", "g", cwd=tmp_path)
    run("export", "kgx", "--graph", "g", "--out", "kgx", cwd=tmp_path)
    run("build", "--source", "kgx=kgx", "--out", "g2", cwd=tmp_path)
    a = json.loads((tmp_path / "g" / "graph.json").read_text())["counts"]
    b = json.loads((tmp_path / "g2" / "graph.json").read_text())["counts"]
    assert a == b


@pytest.mark.parametrize("content, expected", [
    ("id\tcategory\nFOO:1\tbiolink:Cell\n", "nodes.tsv:2: field 'id'"),
    ("id\tcategory\nCL:0000235\tbiolink:Cell\textra\n", "nodes.tsv:2: expected 2 tab-separated fields, found 3"),
])
def test_bad_input_is_one_line_and_nothing_is_written(tmp_path, content, expected):
    src = tmp_path / "bad"
    src.mkdir()
    (src / "nodes.tsv").write_text(content)
    (src / "edges.tsv").write_text("subject\tpredicate\tobject\n")
    proc = run("build", "--source", "kgx=bad", "--out", "g", cwd=tmp_path, check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("evgraph: error: ") and expected in lines[0]
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "g").exists()


def test_bad_relationship_in_curated_statement(tmp_path):
    bad = tmp_path / "kb"
    bad.mkdir()
    for f in FIXTURE.iterdir():
        (bad / f.name).write_text(f.read_text())
    text = (bad / "edges-mini.tsv").read_text().replace("subclass_of", "is_a")
    (bad / "edges-mini.tsv").write_text(text)
    proc = run("build", "--source", f"curated={bad}", "--out", "g", cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert "edges-mini.tsv:2: field 'predicate': unknown relationship 'is_a'" in proc.stderr


def test_missing_reference_in_curated_statement(tmp_path):
    bad = tmp_path / "kb"
    bad.mkdir()
    for f in FIXTURE.iterdir():
        (bad / f.name).write_text(f.read_text())
    text = (bad / "statements-mini.tsv").read_text().replace("PMID:28942920|DOI:10.1016/j.cell.2017.08.035", "")
    (bad / "statements-mini.tsv").write_text(text)
    proc = run("build", "--source", f"curated={bad}", cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert "statements-mini.tsv:2: field 'references': statement T001 needs a value" in proc.stderr


def test_unknown_source_and_missing_graph(tmp_path):
    proc = run("build", "--source", "nope=x", cwd=tmp_path, check=False)
    assert proc.returncode == 1 and "unknown source 'nope'" in proc.stderr
    proc = run("stats", "--graph", "missing", cwd=tmp_path, check=False)
    assert proc.returncode == 1 and "not a built graph" in proc.stderr


def test_help_mentions_conventions(tmp_path):
    proc = run("build", "--help", cwd=tmp_path)
    assert "--source" in proc.stdout and "--out" in proc.stdout
