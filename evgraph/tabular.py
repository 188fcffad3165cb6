"""Strict reading of small TSV files with line numbers, for curated and configuration data; and
list/dict cells flattened for text tables (:func:`flatten_cells`).

>>> import io
>>> rows = list(iter_tsv(io.StringIO("a\\tb\\n# comment\\n1\\t2\\n"), "demo.tsv", required=("a",)))
>>> rows
[(3, {'a': '1', 'b': '2'})]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO

from .errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def flatten_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose list (and tuple) cells are ``|``-joined and dict cells JSON (sorted keys),
    for CSV/TSV and text tables (evgraph's list convention).

    >>> import pandas as pd
    >>> flatten_cells(pd.DataFrame({"a": [["x", "y"]], "b": [{"k": 1}], "c": ["z"], "d": [("u", 2)]})).iloc[0].tolist()
    ['x|y', '{"k": 1}', 'z', 'u|2']
    """
    df = df.copy()
    for col in df.columns:
        if df[col].map(lambda x: isinstance(x, list | tuple | dict)).any():
            df[col] = df[col].map(lambda x: "|".join(map(str, x)) if isinstance(x, list | tuple)
                                  else json.dumps(x, sort_keys=True) if isinstance(x, dict) else x)
    return df


def _bad_utf8_line(name: str) -> int | None:
    """The first line of file ``name`` that is not UTF-8 (text is decoded in chunks, so the error
    itself does not say which line)."""
    from pathlib import Path

    try:
        with Path(name).open("rb") as fh:
            for lineno, raw in enumerate(fh, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    return lineno
    except OSError:
        return None
    return None


#: A curated or configuration field longer than this is an error (it is not a label, id or note).
MAX_FIELD = 1 << 16


def iter_tsv(handle: TextIO, name: str, required: Iterable[str] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, row)`` for each data row; ``#`` lines and blank lines are skipped.

    Raises :class:`DataError` naming the file, line and field for a missing column, a row with the
    wrong number of fields, a field over :data:`MAX_FIELD` characters, a NUL byte, text that is not
    UTF-8, or a last line without its line end (a cut file).

    >>> import io
    >>> list(iter_tsv(io.StringIO("a\\tb\\n1\\t2"), "cut.tsv"))
    Traceback (most recent call last):
    ...
    evgraph.errors.DataError: cut.tsv:2: the file ends in the middle of a line (no line end): it looks truncated
    """
    header: list[str] | None = None
    lineno = 0
    lines = iter(handle)
    while True:
        try:
            raw = next(lines)
        except StopIteration:
            break
        except UnicodeDecodeError as exc:
            raise DataError(Problem(name, _bad_utf8_line(name) or lineno + 1, None,
                                    f"the file is not UTF-8 text (undecodable byte "
                                    f"{exc.object[exc.start:exc.start + 1]!r}); save it as UTF-8")) from None
        lineno += 1
        if not raw.endswith("\n") and raw.strip():
            raise DataError(Problem(name, lineno, None,
                                    "the file ends in the middle of a line (no line end): it looks truncated"))
        line = raw.rstrip("\r\n")
        if lineno == 1:
            line = line.lstrip("\ufeff")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\x00" in line:
            raise DataError(Problem(name, lineno, None, "NUL byte in the line (a binary or damaged file)"))
        fields = line.split("\t")
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
        for h, v in zip(header, fields, strict=True):
            if len(v) > MAX_FIELD:
                raise DataError(Problem(name, lineno, h, f"value of {len(v)} characters (at most {MAX_FIELD})"))
        yield lineno, {h: v.strip() for h, v in zip(header, fields, strict=True)}
    if header is None:
        raise DataError(Problem(name, None, None, "empty file: no header row"))
