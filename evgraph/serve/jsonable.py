"""Answers as JSON: numpy scalars, NaN, tuples and frames turned into plain JSON values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars, NaN and tuples turned into JSON (NaN and inf -> ``None``).

    >>> jsonable({"a": np.float64("nan"), "b": (np.int64(2), "x")})
    {'a': None, 'b': [2, 'x']}
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [jsonable(v) for v in items]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as JSON-able records (list cells kept as lists)."""
    return [jsonable(r) for r in df.astype(object).to_dict("records")]
