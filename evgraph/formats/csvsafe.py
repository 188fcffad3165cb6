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
>>> import pandas as pd
>>> safe_frame(pd.DataFrame({"label": ["+1 cmd", "ok"], "n": [-1, 2]})).to_dict("list")
{'label': ["'+1 cmd", 'ok'], 'n': [-1, 2]}
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
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
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        out[col] = [[neutralise(x) for x in v] if isinstance(v, list) else neutralise(v) for v in series]
    return out


def _cell_text(column: Sequence[Any]) -> list[Any]:
    """One column's cells as ``DataFrame.to_csv`` writes them after :func:`safe_frame` and
    :func:`evgraph.tabular.flatten_cells`: a column of floats as numpy's shortest repr (what
    pandas does), missing values empty, lists ``|``-joined, text neutralised."""
    import numpy as np

    values = list(column)
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, float) for v in present):
        text = np.asarray([np.nan if v is None else v for v in values], dtype=np.float64).astype(str)
        return ["" if v is None or v != v else t for v, t in zip(values, text.tolist(), strict=True)]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present) and len(present) == len(values):
        return [str(v) for v in values]
    out = []
    for v in values:
        if isinstance(v, list | tuple):
            v = "|".join(map(str, v))
        out.append("" if v is None else neutralise(v))
    return out


def columns_csv(columns: Mapping[str, Sequence[Any]]) -> str:
    """A table given as columns of plain values (str, int, float, None, lists of str) as the CSV
    text ``safe_frame(flatten_cells(df)).to_csv(index=False, lineterminator="\\n")`` gives for
    the same table, byte for byte, without pandas.

    >>> print(columns_csv({"id": ["a", "b"], "score": [0.1, 1e-05], "n": [1, 2], "tags": [["x", "y"], []],
    ...                    "note": ["=1+1", None]}), end="")
    id,score,n,tags,note
    a,0.1,1,x|y,'=1+1
    b,1e-05,2,,
    """
    names = list(columns)
    cells = [_cell_text(columns[c]) for c in names]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", delimiter=",", quotechar='"', doublequote=True,
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow(names)
    writer.writerows(zip(*cells, strict=True))
    return buf.getvalue()
