"""Spreadsheet-safe CSV cells: text that a spreadsheet would run as a formula is neutralised.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula ("CSV injection"). Tables meant for people
(``--format csv``, the atlas tables, the web app's CSV downloads) prefix such text cells with
an apostrophe, which spreadsheets show as text and never evaluate. Numbers stay numbers:
only string cells are changed, and a string that is a plain number (``-0.5``) is left as is.
KGX keeps values exact (it is read back by machines and round-trips). ``neo4j-csv`` neutralises
its scalar text cells too, but not the cells Neo4j imports as numbers or arrays
(:mod:`evgraph.formats.neo4j_csv`).

>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("@SUM(A1)"), neutralise("-0.5"), neutralise("IL-6")
('\\'=HYPERLINK("http://x")', "'@SUM(A1)", '-0.5', 'IL-6')
>>> safe_frame(pd.DataFrame({"label": ["+1 cmd", "ok"], "n": [-1, 2]})).to_dict("list")
{'label': ["'+1 cmd", 'ok'], 'n': [-1, 2]}
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: Any) -> Any:
    """``value`` with an apostrophe in front when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (also inside lists) are neutralised; other cells unchanged."""
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        out[col] = [[neutralise(x) for x in v] if isinstance(v, list) else neutralise(v) for v in series]
    return out
