"""Bad input to the importers: a clear message naming file and line, never a traceback,
never a half-written build; skippable records are counted in the QC report."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import evgraph
from evgraph.build.qc import BuildReport
from evgraph.cli import main
from evgraph.errors import DataError

SRC = Path(__file__).parent / "fixtures" / "sources"


def cli_build(*args: str, out: Path):
    return CliRunner().invoke(main, ["build", *args, "--out", str(out)])


def assert_clean_failure(res, out: Path, *needles: str) -> None:
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    err = res.output.strip().splitlines()
    assert err and err[0].startswith("evgraph: error: ")
    for n in needles:
        assert n in err[0], err[0]
    assert not (out / "graph.json").exists() and not (out / "build-report.json").exists()


def test_truncated_gzip(tmp_path):
    data = (SRC / "mirtarbase" / "hsa_MTI_v7.csv.gz").read_bytes()
    bad = tmp_path / "hsa_MTI.csv.gz"
    bad.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    res = cli_build("--source", f"mirtarbase={bad}", out=out)
    assert_clean_failure(res, out, str(bad), "truncated")


def test_wrong_delimiter(tmp_path):
    bad = tmp_path / "mti.txt"
    text = gzip.decompress((SRC / "mirtarbase" / "hsa_MTI_v7.csv.gz").read_bytes()).decode("utf-8-sig")
    bad.write_text(text.replace(",", " "), encoding="utf-8")
    out = tmp_path / "out"
    res = cli_build("--source", f"mirtarbase={bad}", out=out)
    assert_clean_failure(res, out, f"{bad}:1", "delimiter")


def test_unknown_column_layout(tmp_path):
    bad = tmp_path / "targets.tsv"
    bad.write_text("microRNA\tgene\nhsa-miR-21-5p\tPTEN\n", encoding="utf-8")
    out = tmp_path / "out"
    res = cli_build("--source", f"mirtarbase={bad}", out=out)
    assert_clean_failure(res, out, f"{bad}:1", "unknown column layout", "mirna", "header has: microrna, gene")


def test_ev_folder_without_files(tmp_path):
    (tmp_path / "README.md").write_text("nothing here")
    out = tmp_path / "out"
    res = cli_build("--source", f"exocarta={tmp_path}", out=out)
    assert_clean_failure(res, out, str(tmp_path), "no ExoCarta files")


def test_missing_path_and_unknown_option(tmp_path):
    out = tmp_path / "out"
    assert_clean_failure(cli_build("--source", "mirtarbase", out=out), out, "needs a path")
    res = cli_build("--source", f"mirtarbase={SRC / 'mirtarbase' / 'miRTarBase_MTI_v9.tsv'}#support=maybe", out=out)
    assert_clean_failure(res, out, "support", "maybe")
    assert_clean_failure(cli_build("--source", f"disgenet={tmp_path / 'nope.tsv'}", out=out), out,
                         "nope.tsv", "file not found")


def test_short_rows_and_undecodable_bytes_are_counted(tmp_path):
    folder = tmp_path / "exo"
    folder.mkdir()
    src = (SRC / "exocarta_v5" / "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt").read_bytes().split(b"\n")
    src.insert(3, b"77\tprotein\t5468\tPPAR\xff\xfeG\tHomo sapiens\t12\tWestern blotting")  # line 4
    (folder / "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt").write_bytes(b"\n".join(src))
    rep = BuildReport()
    kg = evgraph.build([f"exocarta={folder}"], report=rep)
    s = rep.sources[0]
    assert s.skipped["undecodable bytes (not UTF-8)"] == 1
    assert s.examples["undecodable bytes (not UTF-8)"][0].endswith("EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt:4")
    assert s.skipped["malformed row"] == 1
    assert "expected 7 fields" in s.examples["malformed row"][0]
    assert "NCBIGene:5468" not in set(kg.nodes["id"])


def test_corrupt_ontology_json(tmp_path):
    bad = tmp_path / "CL.json.zst"
    bad.write_bytes((SRC / "ontologies" / "MONDO-mini.json.zst").read_bytes()[:40])
    with pytest.raises(DataError, match=r"CL\.json\.zst"):
        evgraph.build([f"ontologies={bad}"])


def test_failed_build_leaves_previous_build_intact(tmp_path):
    out = tmp_path / "out"
    ok = cli_build("--source", f"exocarta={SRC / 'exocarta_v5'}", out=out)
    assert ok.exit_code == 0, ok.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "cut.csv.gz"
    shutil.copy(SRC / "mirtarbase" / "hsa_MTI_v7.csv.gz", bad)
    bad.write_bytes(bad.read_bytes()[:-30])
    res = cli_build("--source", f"exocarta={SRC / 'exocarta_v5'}", "--source", f"mirtarbase={bad}", out=out)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
