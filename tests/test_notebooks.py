"""The tutorial notebooks in ``notebooks/`` run from top to bottom (nbclient, a real IPython kernel)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
BOOKS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _runner():
    spec = importlib.util.spec_from_file_location("notebooks_run", NOTEBOOKS / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_are_at_least_three_tutorials():
    assert len(BOOKS) >= 3


@pytest.mark.parametrize("path", BOOKS, ids=[p.stem for p in BOOKS])
def test_notebook_runs(path):
    book = _runner().execute(path)
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") == "error"]
    assert errors == []
    ran = [c for c in book.cells if c.cell_type == "code"]
    assert ran and all(c.get("execution_count") for c in ran)
    # the committed copy is an executed notebook, not a blank one
    import nbformat

    saved = nbformat.read(path, as_version=4)
    assert all(c.get("execution_count") for c in saved.cells if c.cell_type == "code")
