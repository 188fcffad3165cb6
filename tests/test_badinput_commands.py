"""Issue 18, F7 beyond the readers: commands given an unusual graph or a damaged file answer with
one line (or a warning and a partial result), never a traceback."""

from __future__ import annotations

import gzip
from pathlib import Path

from click.testing import CliRunner

from evgraph.cli import main

SRC = Path(__file__).parent / "fixtures" / "sources"


def run(*args: str):
    return CliRunner().invoke(main, list(args), obj={})


def test_atlas_of_a_graph_without_conditions(tmp_path):
    graph, atlas = tmp_path / "g", tmp_path / "atlas"
    assert run("build", "--source", f"exocarta={SRC / 'exocarta_v5'}", "--out", str(graph)).exit_code == 0
    res = run("atlas", "--graph", str(graph), "--out", str(atlas), "--no-exports")
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output and "no categorised conditions" in res.output
    assert (atlas / "index.html").is_file()


def test_cut_json_gz_ontology_is_one_line(tmp_path):
    cut = tmp_path / "UBERON.json.gz"
    cut.write_bytes(gzip.compress((SRC / "ontologies" / "UBERON-mini.json").read_bytes()[:2000], mtime=0))
    res = run("build", "--source", f"ontologies={cut}", "--source", "curated", "--out", str(tmp_path / "o"))
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert res.output.startswith(f"evgraph: error: {cut}:") and "invalid JSON" in res.output
    half = tmp_path / "UBERON2.json.gz"
    half.write_bytes(gzip.compress((SRC / "ontologies" / "UBERON-mini.json").read_bytes(), mtime=0)[:300])
    res = run("build", "--source", f"ontologies={half}", "--source", "curated", "--out", str(tmp_path / "o"))
    assert res.exit_code == 1 and "Traceback" not in res.output and str(half) in res.output
