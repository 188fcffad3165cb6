"""Array helpers on the ground floor: sort-based unique for edge-sized integer arrays.

numpy 2.3+ answers ``np.unique`` on integers with a hash table, which is slow on large, nearly
distinct keys (1M int64 edge keys: 2.7 s, against 0.02 s for a sort on this machine;
``python -c`` timing in the issue-17 note). These helpers sort instead and return the same
values as ``np.unique`` (sorted unique values, first-occurrence indices, inverse).

>>> a = np.array([5, 3, 5, 1, 3])
>>> unique(a).tolist(), unique(a, return_index=True)[1].tolist(), unique(a, return_inverse=True)[1].tolist()
([1, 3, 5], [3, 1, 0], [2, 1, 2, 0, 1])
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a block makes many small containers.

    Building one list per node (hundreds of thousands) triggers the collector again and again
    over every live object; the lists hold only strings, so no cycle is created and pausing is
    safe. The previous state is restored on exit.

    >>> with gc_paused():
    ...     lists = [[] for _ in range(3)]
    >>> len(lists)
    3
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def is_text_dtype(dtype: Any) -> bool:
    """True for an object column's dtype and for pandas' string dtypes (pandas 3 reads text as ``str``).

    >>> import pandas as pd
    >>> is_text_dtype(pd.Series(["a"], dtype=object).dtype), is_text_dtype(pd.Series(["a"], dtype="string").dtype)
    (True, True)
    >>> is_text_dtype(np.dtype("int64"))
    False
    """
    return str(dtype) == "object" or type(dtype).__name__ == "StringDtype"


def unique(a: Any, return_index: bool = False, return_inverse: bool = False) -> Any:
    """``np.unique`` of a 1-D array by sorting (same results; see the module docstring)."""
    a = np.asarray(a).ravel()
    if not return_index and not return_inverse:
        s = np.sort(a)
        keep = np.ones(len(s), dtype=bool)
        keep[1:] = s[1:] != s[:-1]
        return s[keep]
    order = np.argsort(a, kind="stable")
    s = a[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = s[1:] != s[:-1]
    out: list[Any] = [s[first]]
    if return_index:
        out.append(order[first])
    if return_inverse:
        inv = np.empty(len(a), dtype=np.int64)
        inv[order] = np.cumsum(first) - 1
        out.append(inv)
    return tuple(out)


def rank_min_desc(values: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """1 + the number of values strictly greater (within the same group): pandas'
    ``rank(ascending=False, method="min")``, by one sort instead of a hash group-by.

    >>> rank_min_desc(np.array([1.0, 3.0, 3.0, 2.0])).tolist()
    [4, 1, 1, 3]
    >>> rank_min_desc(np.array([1.0, 3.0, 3.0, 2.0]), np.array([0, 0, 1, 1])).tolist()
    [2, 1, 1, 2]
    """
    n = len(values)
    g = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups)
    order = np.argsort(-values, kind="stable")  # by value, then (stable) by group: lexsort's order
    if groups is not None:
        order = order[np.argsort(g[order], kind="stable")]
    sv, sg = values[order], g[order]
    new_group = np.r_[True, sg[1:] != sg[:-1]] if n else np.zeros(0, dtype=bool)
    new_value = new_group | np.r_[True, sv[1:] != sv[:-1]] if n else new_group
    pos = np.arange(n)
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    value_start = np.maximum.accumulate(np.where(new_value, pos, 0))
    out = np.empty(n, dtype=np.int64)
    out[order] = value_start - group_start + 1
    return out
