"""Strict reading of small TSV files with line numbers, for curated and configuration data; and
list/dict cells flattened for text tables (:func:`flatten_cells`).

>>> import io
>>> rows = list(iter_tsv(io.StringIO("a\\tb\\n# comment\\n1\\t2\\n"), "demo.tsv", required=("a",)))
>>> rows
[(3, {'a': '1', 'b': '2'})]
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO

from .errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def flatten_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose list cells are ``|``-joined and dict cells JSON (sorted keys), for CSV/TSV.

    >>> import pandas as pd
    >>> flatten_cells(pd.DataFrame({"a": [["x", "y"]], "b": [{"k": 1}], "c": ["z"]})).iloc[0].tolist()
    ['x|y', '{"k": 1}', 'z']
    """
    df = df.copy()
    for col in df.columns:
        if df[col].map(lambda x: isinstance(x, list | dict)).any():
            df[col] = df[col].map(lambda x: "|".join(map(str, x)) if isinstance(x, list)
                                  else json.dumps(x, sort_keys=True) if isinstance(x, dict) else x)
    return df


def iter_tsv(handle: TextIO, name: str, required: Iterable[str] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for each data row; ``#`` lines and blank lines are skipped.

    Raises :class:`DataError` naming the file, line and field for a missing column or a row
    with the wrong number of fields.
    """
    header: list[str] | None = None
    for lineno, raw in enumerate(handle, start=1):
        line = raw.rstrip("\r\n")
        if lineno == 1:
            line = line.lstrip("\ufeff")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if header is None:
            header = [h.strip() for h in fields]
            missing = [c for c in required if c not in header]
            if missing:
                raise DataError(Problem(name, lineno, missing[0],
                                        f"missing column (header has: {', '.join(header)})"))
            continue
        if len(fields) != len(header):
            field = header[len(fields)] if len(fields) < len(header) else None
            raise DataError(Problem(name, lineno, field,
                                    f"expected {len(header)} tab-separated fields, found {len(fields)}"))
        yield lineno, {h: v.strip() for h, v in zip(header, fields, strict=True)}
    if header is None:
        raise DataError(Problem(name, None, None, "empty file: no header row"))
