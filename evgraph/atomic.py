"""Atomic writes: a file or a whole folder is written beside its target, then renamed into place.

A reader never sees a half-written file or folder, and a failure (even ``kill -9``) leaves the
old one (or none) under the target name. Temporary names are ``.NAME.XXXXXXXX.tmp`` in the
target's folder. Each writer holds an ``flock`` on its temporary file or folder while it works;
the next write to the same target removes every temporary whose lock is free, that is, those
left by killed processes, and never one that a running process is still writing.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_path(d / "out.txt") as tmp:
...     _ = tmp.write_text("hello")
>>> (d / "out.txt").read_text()
'hello'
>>> with atomic_dir(d / "graph") as staging:
...     _ = (staging / "a.txt").write_text("one")
>>> with atomic_dir(d / "graph") as staging:     # replaces the whole folder in one step
...     _ = (staging / "b.txt").write_text("two")
>>> sorted(p.name for p in (d / "graph").iterdir()), sorted(p.name for p in d.iterdir())
(['b.txt'], ['graph', 'out.txt'])
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locks, no cleaning
    fcntl = None  # type: ignore[assignment]

SUFFIX = ".tmp"


def _try_lock(fd: int) -> bool:
    """Take an exclusive flock on ``fd`` without waiting; True when it was free."""
    if fcntl is None:  # pragma: no cover
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _stale_candidates(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.*{SUFFIX}"))


def clean_stale(target: str | Path) -> list[Path]:
    """Remove temporaries of ``target`` left by killed writers (their lock is free); return them.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / ".out.nt.abc123.tmp").write_bytes(b"half an export")
    >>> [p.name for p in clean_stale(d / "out.nt")], list(d.iterdir())
    (['.out.nt.abc123.tmp'], [])
    """
    target = Path(target)
    removed = []
    if not target.parent.is_dir():
        return removed
    for path in _stale_candidates(target):
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if not _try_lock(fd):
                continue  # a live writer
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in ``target``'s folder; rename it to ``target`` on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=SUFFIX, dir=target.parent)
    tmp_path = Path(tmp)
    try:
        _try_lock(fd)  # held until we are done: marks the temporary as live
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_open(target: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file for writing; it replaces ``target`` when the block succeeds."""
    with atomic_path(target) as tmp:
        kwargs = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with open(tmp, mode, **kwargs) as fh:
            yield fh


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(a))


def swap_into_place(staging: Path, target: Path) -> None:
    """Put the folder ``staging`` at ``target``, replacing an existing folder there.

    An existing target is exchanged with ``staging`` in one atomic rename where the system
    allows it (Linux), so ``target`` always names a complete folder; elsewhere it is moved
    aside first. The old folder, now at a temporary name, is then removed.
    """
    if not target.exists():
        os.rename(staging, target)
        return
    if not target.is_dir() or target.is_symlink():
        raise NotADirectoryError(f"{target}: exists and is not a folder")
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=SUFFIX, dir=target.parent))
    os.rename(target, aside / "old")
    os.rename(staging, target)
    shutil.rmtree(aside, ignore_errors=True)


@contextlib.contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield an empty staging folder beside ``target``; on success it replaces ``target`` as a whole.

    The staging folder is locked while the block runs (so :func:`clean_stale` leaves it alone)
    and removed on failure.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=SUFFIX, dir=target.parent))
    fd = os.open(staging, os.O_RDONLY)
    try:
        _try_lock(fd)
        yield staging
        os.chmod(staging, 0o755)
        swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.close(fd)
