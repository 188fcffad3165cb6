"""One progress-bar policy for every long-running step (tqdm on stderr).

A bar is shown only when stderr is a terminal, unless ``EVGRAPH_PROGRESS`` says otherwise
(``0``: never, ``1``: always); ``evgraph --quiet`` sets it to ``0``. Bars appear after half a
second, so quick steps stay silent.

>>> import io
>>> with bar(total=3, desc="demo", file=io.StringIO()) as b:   # not a terminal: disabled
...     b.disable
True
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

ENV = "EVGRAPH_PROGRESS"


def enabled(stream: Any = None) -> bool:
    """Whether progress bars are shown (``EVGRAPH_PROGRESS``, else: is ``stream``/stderr a TTY)."""
    flag = os.environ.get(ENV, "").strip().lower()
    if flag in ("0", "false", "no", "off"):
        return False
    if flag in ("1", "true", "yes", "on"):
        return True
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def bar(iterable: Iterable | None = None, *, total: int | None = None, desc: str = "", unit: str = "it",
        file: Any = None, **kwargs: Any):
    """A tqdm bar following the policy above (``disable`` set accordingly)."""
    from tqdm import tqdm

    out = file if file is not None else sys.stderr
    kwargs.setdefault("leave", False)
    kwargs.setdefault("delay", 0.5)
    kwargs.setdefault("mininterval", 0.5)
    return tqdm(iterable, total=total, desc=desc, unit=unit, file=out, disable=not enabled(out), **kwargs)


def quiet() -> None:
    """Turn every progress bar off for this process (``evgraph --quiet``)."""
    os.environ[ENV] = "0"
