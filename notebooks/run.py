"""Execute the tutorial notebooks in place (outputs refreshed) with nbclient, from this folder.

    python notebooks/run.py              # all notebooks
    python notebooks/run.py 01-*.ipynb   # some

CI runs them too (``tests/test_notebooks.py``), without writing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def execute(path: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run every cell of ``path`` (working directory: this folder); raise on the first error."""
    book = nbformat.read(path, as_version=4)
    NotebookClient(book, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
    return book


def main(argv: list[str]) -> int:
    paths = [HERE / a for a in argv] if argv else sorted(HERE.glob("*.ipynb"))
    for path in paths:
        book = execute(path)
        for cell in book.cells:
            cell.get("metadata", {}).pop("execution", None)
            if cell.cell_type == "code":  # progress bars and library warnings are noise in a tutorial
                cell.outputs = [o for o in cell.outputs if not (o.get("name") == "stderr")]
        nbformat.write(book, path)
        print(f"executed {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
