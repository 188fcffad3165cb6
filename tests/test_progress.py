"""Progress bars: on a terminal only (or EVGRAPH_PROGRESS=1), never with --quiet; every build
writes its build report; ``evgraph build --strict`` stops at the first unimportable KGX row."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from evgraph import progress
from evgraph.cli import main

KGX_GRAPH = Path(__file__).parent / "fixtures" / "kgx_foreign" / "kgx-graph"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_policy(monkeypatch):
    monkeypatch.delenv(progress.ENV, raising=False)
    assert progress.enabled(_Tty()) and not progress.enabled(io.StringIO())
    monkeypatch.setenv(progress.ENV, "0")
    assert not progress.enabled(_Tty())
    monkeypatch.setenv(progress.ENV, "1")
    assert progress.enabled(io.StringIO())
    out = _Tty()
    monkeypatch.delenv(progress.ENV)
    with progress.bar(range(3), desc="demo", file=out, delay=0, mininterval=0) as b:
        for _ in b:
            pass
    assert "demo" in out.getvalue()


def test_build_shows_no_bar_off_a_terminal_and_writes_its_report(tmp_path, monkeypatch):
    monkeypatch.delenv(progress.ENV, raising=False)
    res = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "g")])
    assert res.exit_code == 0, res.output
    assert "build:" not in res.output and "it/s" not in res.output
    report = (tmp_path / "g" / "build-report.txt").read_text()
    assert report.startswith("evgraph build report") and "curated" in report


def test_quiet_beats_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(progress.ENV, "1")
    res = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "g")])
    assert res.exit_code == 0 and "build:" in res.output  # forced on: the per-source build bar
    monkeypatch.setenv(progress.ENV, "1")
    res = CliRunner().invoke(main, ["--quiet", "build", "--out", str(tmp_path / "g2")])
    assert res.exit_code == 0 and "build:" not in res.output


def test_kgx_build_report_and_strict(tmp_path, monkeypatch):
    monkeypatch.setenv(progress.ENV, "0")
    res = CliRunner().invoke(main, ["build", "--source", f"kgx={KGX_GRAPH}", "--out", str(tmp_path / "g")])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "g" / "build-report.txt").read_text()
    assert "skipped 125: unknown CURIE prefix" in text and "nodes.tsv:367" in text
    res = CliRunner().invoke(main, ["build", "--strict", "--source", f"kgx={KGX_GRAPH}", "--out", str(tmp_path / "s")])
    assert res.exit_code != 0
    assert "kgx-graph/" in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "s").exists()  # no half-written output
