"""The version string is kept in ``evgraph/_version.py``; ``pyproject.toml`` must say the same."""

import tomllib
from pathlib import Path

import evgraph
from evgraph._version import __version__


def test_version_matches_pyproject():
    meta = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    assert meta["project"]["version"] == __version__ == evgraph.__version__
