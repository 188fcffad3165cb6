"""Atomic files and graph folders (issue 18: F3, F9).

The kill tests run the real command line in a child process that SIGKILLs itself right after
a chosen file-system step (``tests/killpoint.py``), then check what a user finds on disk and
that the next run cleans up and gives the same bytes as an uninterrupted run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import evgraph
from evgraph.atomic import atomic_dir, atomic_path, clean_stale
from evgraph.errors import DataError
from evgraph.store import MANIFEST, load_built

ROOT = Path(__file__).resolve().parent.parent
KILLPOINT = Path(__file__).resolve().parent / "killpoint.py"


def _killed(target: str, n: int, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(KILLPOINT), target, str(n), "--", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), "EVGRAPH_PROGRESS": "0"},
                          timeout=600)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from evgraph.cli import main; sys.exit(main(obj={}))",
                           *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "EVGRAPH_PROGRESS": "0"}, timeout=600)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# ------------------------------------------------------------------ atomic_path / atomic_dir
def test_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "old" and _hidden(tmp_path) == []


def test_stale_temporaries_are_cleaned_but_live_ones_kept(tmp_path):
    import fcntl

    target = tmp_path / "export.nt.gz"
    dead = tmp_path / ".export.nt.gz.dead1234.tmp"
    dead.write_bytes(b"x" * 1000)
    live = tmp_path / ".export.nt.gz.live1234.tmp"
    live.write_bytes(b"y")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a writer that is still running
    try:
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"done")
        assert not dead.exists() and live.exists()
    finally:
        os.close(fd)
    assert clean_stale(target) == [live]
    assert _hidden(tmp_path) == [] and target.read_bytes() == b"done"


def test_atomic_dir_replaces_the_folder_as_a_whole(tmp_path):
    target = tmp_path / "g"
    with atomic_dir(target) as d:
        (d / "a").write_text("1")
    with pytest.raises(ValueError), atomic_dir(target) as d:
        (d / "b").write_text("2")
        raise ValueError
    assert sorted(p.name for p in target.iterdir()) == ["a"] and _hidden(tmp_path) == []
    with atomic_dir(target) as d:
        (d / "b").write_text("2")
    assert sorted(p.name for p in target.iterdir()) == ["b"] and _hidden(tmp_path) == []


# ------------------------------------------------------------------ built-graph folders
def test_save_refuses_a_folder_that_is_not_a_graph(kg, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(DataError, match="not a built graph"):
        evgraph.save(kg, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("damage", ["truncate", "flip", "swap", "delete"])
def test_a_damaged_folder_is_refused_with_one_line(kg, mini_kg, tmp_path, damage):
    folder = tmp_path / "g"
    evgraph.save(kg, folder)
    edges = folder / "edges.parquet"
    if damage == "truncate":
        edges.write_bytes(edges.read_bytes()[:-100])
    elif damage == "flip":
        data = bytearray(edges.read_bytes())
        data[len(data) // 2] ^= 0xFF
        edges.write_bytes(bytes(data))
    elif damage == "swap":  # F3: new nodes beside old edges and manifest
        evgraph.save(mini_kg, tmp_path / "other")
        (folder / "nodes.parquet").write_bytes((tmp_path / "other" / "nodes.parquet").read_bytes())
    else:
        edges.unlink()
    with pytest.raises(DataError) as err:
        load_built(folder)
    assert "rebuild the graph" in str(err.value) and "\n" not in str(err.value)
    res = _cli("stats", "--graph", str(folder), cwd=tmp_path)
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert res.stderr.startswith("evgraph: error: ") and str(folder) in res.stderr


@pytest.mark.parametrize("manifest", ["{", '{"format": "evgraph-built-graph", "format_version": 1}', "[]",
                                      '{"format": "evgraph-built-graph", "format_version": 2, "num_nodes": 1}'])
def test_a_bad_manifest_is_refused_with_one_line(kg, tmp_path, manifest):
    folder = tmp_path / "g"
    evgraph.save(kg, folder)
    (folder / MANIFEST).write_text(manifest)
    res = _cli("stats", "--graph", str(folder), cwd=tmp_path)
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    assert MANIFEST in res.stderr


@pytest.mark.parametrize("target,n", [("pyarrow.parquet:write_table", 1), ("pyarrow.parquet:write_table", 2),
                                      ("evgraph.atomic:_exchange", 1)])
def test_build_killed_at_each_step_leaves_a_whole_graph_then_rerun_is_identical(tmp_path, target, n):
    """F3: a kill between (or during) the files of one save never mixes old and new tables."""
    fixture = ROOT / "tests" / "fixtures" / "curated"
    clean = tmp_path / "clean"
    clean.mkdir()
    ref = _cli("build", "--source", f"curated={fixture}", "--out", "g", cwd=clean)
    assert ref.returncode == 0, ref.stderr
    expected = _snapshot(clean / "g")
    work = tmp_path / "work"
    work.mkdir()
    res = _cli("build", "--out", "g", cwd=work)  # the old graph: the full curated knowledge base
    assert res.returncode == 0, res.stderr
    old = _snapshot(work / "g")
    killed = _killed(target, n, "build", "--source", f"curated={fixture}", "--out", "g", cwd=work)
    assert killed.returncode == -9, killed.stderr
    if target.endswith("_exchange"):  # killed right after the swap: the new graph, complete; the old one aside
        graph_files = ("nodes.parquet", "edges.parquet", MANIFEST)  # the build report comes after the save
        assert {k: v for k, v in _snapshot(work / "g").items() if k in graph_files} == \
            {k: v for k, v in expected.items() if k in graph_files}
    else:  # killed while writing the new folder: the old graph, untouched
        assert _snapshot(work / "g") == old
    load_built(work / "g")
    assert len(_hidden(work)) == 1, "the killed run leaves its temporary folder"
    rerun = _cli("build", "--source", f"curated={fixture}", "--out", "g", cwd=work)
    assert rerun.returncode == 0, rerun.stderr
    assert _hidden(work) == [], "the rerun removes what the killed run left"
    assert _snapshot(work / "g") == expected
