"""Run the evgraph command line and SIGKILL it at a chosen point (for the crash tests).

    python tests/killpoint.py TARGET N -- evgraph-args...

``TARGET`` is ``module:attribute`` of a function (``os:replace``, ``os:rename``,
``pyarrow.parquet:write_table``, ...) or ``module:Class.method`` (``neo4j:Session.execute_write``).
The process kills itself with ``kill -9`` right after the ``N``-th call of that function returns
(``N`` counted from 1), so no ``finally`` block, atexit handler or buffered write runs: what is
on disk is what a power cut or the OOM killer leaves.
When the command finishes before the ``N``-th call the exit status is the command's and
``KILLPOINT_NOT_REACHED`` is printed on stderr.

This is test tooling, not part of the package: the production code has no kill hooks.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys


def arm(target: str, n: int) -> None:
    """Patch ``target`` so that its ``n``-th call is followed by SIGKILL."""
    module_name, attr = target.split(":")
    module = importlib.import_module(module_name)
    *owners, attr = attr.split(".")  # ``Class.method`` patches the class (every instance)
    for name in owners:
        module = getattr(module, name)
    original = getattr(module, attr)
    calls = [0]

    def patched(*args, **kwargs):
        result = original(*args, **kwargs)
        calls[0] += 1
        if calls[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(module, attr, patched)


def main(argv: list[str]) -> int:
    target, n = argv[0], int(argv[1])
    args = argv[3:] if argv[2:3] == ["--"] else argv[2:]
    arm(target, n)
    from evgraph.cli import main as cli

    code: object = 0
    try:
        cli(args=args, obj={}, prog_name="evgraph")
    except SystemExit as exc:
        code = exc.code
    print("KILLPOINT_NOT_REACHED", file=sys.stderr)
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
