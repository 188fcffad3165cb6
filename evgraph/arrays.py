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
