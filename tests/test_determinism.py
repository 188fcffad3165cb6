"""Byte-identical outputs and crash recovery of exports and the atlas (issue 18: F9, F10).

Each kill test runs the real command line in a child process that SIGKILLs itself at a chosen
step (``tests/killpoint.py``), checks that nothing half-written sits under the final name,
reruns, and compares the result byte for byte with an uninterrupted run elsewhere.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KILLPOINT = Path(__file__).resolve().parent / "killpoint.py"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "EVGRAPH_PROGRESS": "0"}
ATLAS = ["--permutations", "10", "--top-hubs", "2", "--no-exports"]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from evgraph.cli import main; sys.exit(main(obj={}))",
                           *args], capture_output=True, text=True, cwd=cwd, env=ENV, timeout=900)


def _killed(target: str, n: int, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(KILLPOINT), target, str(n), "--", *args], capture_output=True,
                          text=True, cwd=cwd, env=ENV, timeout=900)


def _files(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name not in skip}


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("g")
    assert _cli("build", "--out", "g", cwd=d).returncode == 0
    return d / "g"


@pytest.mark.parametrize("fmt", ["nt", "ttl"])
def test_gzip_exports_are_byte_identical_and_carry_no_name_or_time(graph_dir, tmp_path, fmt):
    outs = []
    for name in ("one", "two"):
        res = _cli("export", "rdf", "--graph", str(graph_dir), "--out", f"{name}.{fmt}.gz", cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        outs.append((tmp_path / f"{name}.{fmt}.gz").read_bytes())
    assert outs[0] == outs[1]
    header = outs[0][:10]
    assert header[:2] == b"\x1f\x8b" and header[3] & 0x08 == 0, "no file name in the gzip header"
    assert header[4:8] == b"\0\0\0\0", "gzip mtime must be 0"
    assert gzip.decompress(outs[0])


def test_export_killed_before_the_rename_leaves_nothing_then_rerun_is_identical(graph_dir, tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    assert _cli("export", "rdf", "--graph", str(graph_dir), "--out", "kg.nt.gz", cwd=clean).returncode == 0
    work = tmp_path / "work"
    work.mkdir()
    killed = _killed("evgraph.formats.rdf.writer:write_rdf_stream", 1, "export", "rdf", "--graph", str(graph_dir),
                     "--out", "kg.nt.gz", cwd=work)
    assert killed.returncode == -9, killed.stderr
    assert not (work / "kg.nt.gz").exists() and len(_hidden(work)) == 1  # the temporary of the killed run
    res = _cli("export", "rdf", "--graph", str(graph_dir), "--out", "kg.nt.gz", cwd=work)
    assert res.returncode == 0, res.stderr
    assert _hidden(work) == [], "the rerun removes the killed run's temporary file"
    assert (work / "kg.nt.gz").read_bytes() == (clean / "kg.nt.gz").read_bytes()


def test_atlas_is_deterministic_and_survives_a_kill(graph_dir, tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    res = _cli("atlas", "--graph", str(graph_dir), "--out", "atlas", *ATLAS, cwd=clean)
    assert res.returncode == 0, res.stderr
    manifest = json.loads((clean / "atlas" / "atlas.json").read_text())
    assert "seconds" not in manifest and "seconds" in json.loads((clean / "atlas" / "timings.json").read_text())
    work = tmp_path / "work"
    work.mkdir()
    killed = _killed("evgraph.atlas:_build", 1, "atlas", "--graph", str(graph_dir), "--out", "atlas", *ATLAS,
                     cwd=work)
    assert killed.returncode == -9, killed.stderr
    assert not (work / "atlas").exists() and len(_hidden(work)) == 1
    res = _cli("atlas", "--graph", str(graph_dir), "--out", "atlas", *ATLAS, cwd=work)
    assert res.returncode == 0, res.stderr
    assert _hidden(work) == []
    assert _files(work / "atlas", skip=("timings.json",)) == _files(clean / "atlas", skip=("timings.json",))
