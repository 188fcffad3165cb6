"""Tolerant, streaming reading of the tables public EV and gene databases release.

Real releases differ in small ways from one version to the next: a UTF-8 byte-order mark,
CSV or TSV, gzip or not, ``EXPERIMENT ID`` vs ``EXPERIMENT_ID``, stray carriage returns
inside fields (Vesiclepedia's miRNA and PTM files). :class:`Table` hides all of that:
rows are split on ``\\n`` only, a trailing ``\\r`` is dropped and any other ``\\r`` inside a
field is removed, header names are compared after normalisation (:func:`norm_header`), and
columns are looked up through aliases.

Malformed rows (too few fields, undecodable bytes) are *skipped and counted* in the source's
QC report with their line numbers; a truncated gzip stream, an unknown column layout or a
file that is not a table stops the build with a :class:`~evgraph.errors.DataError` naming
the file, line and what was expected.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_bytes(b"\\xef\\xbb\\xbfEXPERIMENT_ID,Gene Symbol\\r\\n1,CD63\\r\\n2\\r\\n")
>>> from evgraph.build.qc import SourceReport
>>> rep = SourceReport("demo")
>>> t = Table(p, rep, {"experiment": ("experiment id",), "symbol": ("gene symbol",)},
...           required=("experiment", "symbol"))
>>> [(line, t.get(row, "experiment"), t.get(row, "symbol")) for line, row in t]
[(2, '1', 'CD63')]
>>> rep.skipped
{'malformed row': 1}
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..build.qc import ALLOW_EMPTY, SourceReport
from ..errors import DataError, Problem

GZIP_MAGIC = b"\x1f\x8b"
csv.field_size_limit(max(csv.field_size_limit(), 4 << 20))  # quoted fields up to MAX_LINE parse


def norm_header(name: str) -> str:
    """Normalise a column name: case, ``_``/``-``/repeated spaces, BOM and quotes.

    >>> norm_header("\\ufeffEXPERIMENT_ID ")
    'experiment id'
    >>> norm_header("Target Gene (Entrez Gene ID)")
    'target gene (entrez gene id)'
    """
    name = name.replace("\ufeff", "").strip().strip('"').lower()
    name = re.sub(r"[_\s]+", " ", name)
    return name.strip()


def open_binary(path: Path) -> io.BufferedIOBase:
    """Open ``path`` for reading bytes, transparently gunzipping (detected by magic bytes)."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        raise DataError(Problem(str(path), None, None, "file not found")) from None
    except IsADirectoryError:
        raise DataError(Problem(str(path), None, None, "expected a file, found a folder")) from None
    except PermissionError:
        raise DataError(Problem(str(path), None, None, "permission denied: the file is not readable")) from None
    except OSError as exc:
        raise DataError(Problem(str(path), None, None, f"cannot open the file: {exc.strerror or exc}")) from None
    if fh.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    return fh  # type: ignore[return-value]


#: A line longer than this is not a table row of any release evgraph reads: it is skipped and counted.
MAX_LINE = 4 << 20


class _Complete(io.RawIOBase):
    """A byte stream that raises :class:`DataError` at its end when its last line has no line end.

    A text table cut by a failed download or a full disk ends in the middle of a line; its last
    row would otherwise be imported with wrong values (``166-649`` for ``166-6495``).
    """

    def __init__(self, raw: io.BufferedIOBase, path: Path):
        self._raw, self._path = raw, path
        self._lines = 0
        self._tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        if n:
            buffer[:n] = data
            nl = data.count(b"\n")
            self._lines += nl
            self._tail = data[data.rfind(b"\n") + 1:] if nl else (self._tail + data)[-64:]
            return n
        if self._tail.strip():
            raise DataError(Problem(str(self._path), self._lines + 1, None,
                                    "the file ends in the middle of a line (its last line has no line end): "
                                    "it looks truncated; download it again (or end the last line if the file "
                                    "is complete)"))
        return 0

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


#: What reading a damaged table with pandas can raise (parser errors and an empty file are ValueErrors).
READ_ERRORS = (ValueError, UnicodeDecodeError, EOFError, OSError, zlib.error)


def open_table(path: Path) -> io.BufferedReader:
    """:func:`open_binary` for a text table: reading past its end raises when the last line is cut."""
    return io.BufferedReader(_Complete(open_binary(path), path), buffer_size=1 << 20)


def iter_lines(path: Path, report: SourceReport | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for each ``\\n``-terminated line of ``path``.

    A trailing ``\\r`` is removed, other ``\\r`` characters inside the line are removed, a
    UTF-8 BOM on line 1 is dropped. A line that is not valid UTF-8, holds a NUL byte or is longer
    than :data:`MAX_LINE` is skipped and counted when a report is given (else it raises); a
    truncated gzip stream or a last line without its line end (a cut file) raises.
    Lines are decoded in batches of about 1 MB, so the file is streamed, not loaded.
    """
    fh = open_table(path)
    lineno = 0
    try:
        with fh:
            while True:
                batch = fh.readlines(1 << 20)
                if not batch:
                    break
                try:
                    texts = b"".join(batch).decode("utf-8").split("\n")
                    if texts and texts[-1] == "":
                        texts.pop()
                    decoded = texts if len(texts) == len(batch) else None
                except UnicodeDecodeError:
                    decoded = None
                if decoded is None:  # find the bad line(s)
                    decoded = []
                    for k, raw in enumerate(batch):
                        try:
                            decoded.append(raw.decode("utf-8").rstrip("\n"))
                        except UnicodeDecodeError as exc:
                            if report is None:
                                raise DataError(Problem(str(path), lineno + k + 1, None,
                                                        f"undecodable bytes (not UTF-8) at byte {exc.start}")) from None
                            report.skip("undecodable bytes (not UTF-8)", str(path), lineno + k + 1)
                            decoded.append(None)
                for text in decoded:
                    lineno += 1
                    if text is None:
                        continue
                    if "\x00" in text or len(text) > MAX_LINE:
                        why = "NUL byte in the line" if "\x00" in text else f"line longer than {MAX_LINE >> 20} MiB"
                        if report is None:
                            raise DataError(Problem(str(path), lineno, None, f"malformed line: {why}"))
                        report.skip(f"malformed line ({why})", str(path), lineno)
                        continue
                    if lineno == 1:
                        text = text.lstrip("\ufeff")
                    if text.endswith("\r"):
                        text = text[:-1]
                    if "\r" in text:
                        text = text.replace("\r", "")
                    yield lineno, text
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise DataError(Problem(str(path), lineno + 1, None,
                                f"compressed file is truncated or corrupt ({exc}); download it again")) from None


def _valid_utf8(data: bytes) -> bool:
    """Whether ``data`` decodes as UTF-8 (checked by Arrow without making a Python string)."""
    import pyarrow as pa

    arr = pa.LargeStringArray.from_buffers(1, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)),
                                           pa.py_buffer(data))
    try:
        arr.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _categorical(col) -> pd.Categorical:
    """A dictionary-encoded Arrow column (one or more chunks) as a pandas Categorical of its text."""
    import pyarrow as pa

    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    cats = np.asarray(arr.dictionary.to_pylist(), dtype=object)
    if len(set(cats)) != len(cats):  # not unified: decode (never for Table.unify_dictionaries' output)
        return pd.Categorical(np.asarray(arr.to_pylist(), dtype=object))
    codes = arr.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
    return pd.Categorical.from_codes(codes, categories=pd.Index(cats, dtype=object), validate=False)


class Table:
    """A delimited table with a header row, read lazily with tolerant header matching.

    ``columns`` maps a canonical name to its accepted header spellings (already in
    :func:`norm_header` form); ``required`` lists the canonical names that must be present.
    ``header=False`` reads a header-less file whose columns are given positionally by
    ``names``. Iterating yields ``(line_number, fields)``; use :meth:`get` to read a field.
    """

    def __init__(self, path: str | Path, report: SourceReport, columns: Mapping[str, Sequence[str]],
                 required: Sequence[str] = (), *, names: Sequence[str] | None = None,
                 comment: str | None = None, delimiter: str | None = None):
        self.path = Path(path)
        self.report = report
        self.comment = comment
        self._lines = iter_lines(self.path, report)
        self.index: dict[str, int] = {}
        report.files.append(str(self.path))
        if names is not None:
            first = self._first_data_line()
            self.delimiter = delimiter or ("\t" if first is None or "\t" in first[1] else ",")
            self.header = list(names)
            self._pending = first
        else:
            first = self._first_data_line()
            if first is None:
                raise DataError(Problem(str(self.path), None, None, "empty file: expected a header row"))
            lineno, text = first
            self.delimiter = delimiter or self._sniff(text, lineno)
            self.header = [norm_header(h) for h in self._split(text)]
            self._pending = None
            self.header_line = lineno
        for canon, aliases in columns.items():
            for alias in (canon, *aliases):
                if alias in self.header:
                    self.index[canon] = self.header.index(alias)
                    break
        missing = [c for c in required if c not in self.index]
        if missing:
            want = columns.get(missing[0]) or (missing[0],)
            raise DataError(Problem(
                str(self.path), getattr(self, "header_line", 1), missing[0],
                f"unknown column layout: no column '{want[0] if want else missing[0]}' "
                f"(header has: {', '.join(self.header)})"))
        self.width = len(self.header)
        self.data_rows = 0
        self._need = max((self.index[c] for c in required), default=-1) + 1

    def _first_data_line(self) -> tuple[int, str] | None:
        for lineno, text in self._lines:
            if not text.strip():
                continue
            if self.comment and text.startswith(self.comment):
                continue
            return lineno, text
        return None

    def _sniff(self, header: str, lineno: int) -> str:
        if "\t" in header:
            return "\t"
        if "," in header:
            return ","
        if ";" in header:
            return ";"
        raise DataError(Problem(str(self.path), lineno, None,
                                "cannot tell the delimiter: expected a tab- or comma-separated header row"))

    def _split(self, text: str) -> list[str]:
        if self.delimiter == "\t":
            return text.split("\t")
        if '"' not in text:
            return text.split(self.delimiter)
        return next(csv.reader([text], delimiter=self.delimiter))

    def has(self, column: str) -> bool:
        return column in self.index

    def get(self, fields: list[str], column: str, default: str = "") -> str:
        i = self.index.get(column)
        if i is None or i >= len(fields):
            return default
        return fields[i].strip()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            yield from self._rows([pending])
        yield from self._rows(self._lines)

    def plain_frame(self, columns: Sequence[str], categorical: bool = False) -> pd.DataFrame | None:
        """The rest of a *plain* table at once: the fields of ``columns`` (canonical names) and ``_line``.

        A fast path for large, regular releases (miRTarBase: 500k rows), read by Arrow in one
        pass instead of row by row. It gives what iterating would give (fields unstripped,
        ``\\r`` removed, CSV quotes read like :mod:`csv`, ``rows_read`` counted) or ``None`` when
        the file is not plain (not UTF-8, a truncated stream, blank or comment lines, a row whose field count is
        not the header's); then iterate the table, whose row reader words every problem. Call
        it before iterating; a ``None`` leaves the table unread. ``categorical=True`` gives each
        column as a :class:`pandas.Categorical` (Arrow reads it dictionary-encoded: one string per
        distinct value, no per-cell Python object).
        """
        import pyarrow as pa
        import pyarrow.csv as pacsv

        if self._pending is not None or not hasattr(self, "header_line"):
            return None
        body = self._plain_body()
        if body is None:
            return None
        data, start, nrows = body
        want = {c: self.index[c] for c in columns if c in self.index}
        names = [f"c{i}" for i in range(self.width)]
        quoted = self.delimiter != "\t" and data.find(b'"', start) >= 0  # CSV quoting as the csv module reads it
        try:
            table = pacsv.read_csv(
                pa.BufferReader(pa.py_buffer(data)[start:]),
                read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
                parse_options=pacsv.ParseOptions(delimiter=self.delimiter, quote_char='"' if quoted else False,
                                                 double_quote=True,
                                                 newlines_in_values=False, ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.dictionary(pa.int32(), pa.string())
                                                                   if categorical else pa.string() for n in names},
                                                     include_columns=sorted({names[i] for i in want.values()}),
                                                     strings_can_be_null=False))
        except (pa.ArrowInvalid, ValueError):
            return None
        if table.num_rows != nrows:
            return None
        self.report.rows_read += nrows
        self._lines = iter(())  # consumed
        if categorical:
            table = table.unify_dictionaries()  # one dictionary per column over every read block
            frame = pd.DataFrame({c: _categorical(table.column(names[i])) for c, i in want.items()})
        else:
            frame = pd.DataFrame({c: table.column(names[i]).to_numpy(zero_copy_only=False) for c, i in want.items()})
        frame["_line"] = np.arange(self.header_line + 1, self.header_line + 1 + nrows)
        return frame

    def _plain_body(self) -> tuple[bytes, int, int] | None:
        """The whole file's bytes (gunzipped, ``\\r`` removed), where the rows after the header start and
        how many there are; ``None`` when the file is not plain (see :meth:`plain_frame`).

        The checks run over the bytes with numpy (one pass per check, not one Python call per
        line); a line that may be blank (its first byte a space, a control or a non-ASCII byte)
        or a comment, or may be too long, is decoded and checked as the row reader would.
        """
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
            if data[:2] == GZIP_MAGIC:
                data = gzip.decompress(data)
        except (EOFError, OSError, zlib.error):
            return None
        if not data.endswith(b"\n") or b"\x00" in data:  # a cut last line, NUL bytes: the row reader says so
            return None
        if not data.isascii() and not _valid_utf8(data):
            return None
        if b"\r" in data:
            data = data.replace(b"\r", b"")
        start = 0
        while data.startswith(b"\xef\xbb\xbf", start):  # byte-order marks at the start of the file
            start += 3
        for _ in range(self.header_line):  # the lines up to the header (blank or comment lines, the header)
            start = data.index(b"\n", start) + 1
        if start >= len(data):
            return None
        arr = np.frombuffer(data, dtype=np.uint8, offset=start)
        ends = np.flatnonzero(arr == 10)
        begins = np.empty_like(ends)
        begins[0], begins[1:] = 0, ends[:-1] + 1
        lengths = ends - begins
        first = arr[np.minimum(begins, len(arr) - 1)]
        maybe_blank = (lengths == 0) | (first <= 32) | (first >= 128)
        if self.comment:
            maybe_blank |= first == self.comment.encode("utf-8")[0]
        maybe_blank |= lengths > MAX_LINE  # bytes: a long line's text may still fit
        for k in np.flatnonzero(maybe_blank):
            line = data[start + begins[k]: start + ends[k]].decode("utf-8")
            if not line.strip() or len(line) > MAX_LINE or (self.comment and line.startswith(self.comment)):
                return None
        return data, start, len(ends)

    def _rows(self, lines) -> Iterator[tuple[int, list[str]]]:
        report, need, width, comment, split = self.report, self._need, self.width, self.comment, self._split
        for lineno, text in lines:
            if not text.strip() or (comment and text.startswith(comment)):
                continue
            report.rows_read += 1
            self.data_rows += 1
            try:
                fields = split(text)
            except csv.Error as exc:
                report.skip("malformed row", str(self.path), lineno, f"unreadable quoting ({exc})")
                continue
            if len(fields) < need:
                report.skip("malformed row", str(self.path), lineno,
                            f"expected {width} fields separated by {self.delimiter!r}, found {len(fields)}")
                continue
            yield lineno, fields
        if not self.data_rows and not ALLOW_EMPTY.get():
            where = getattr(self, "header_line", None)
            raise DataError(Problem(str(self.path), where, None,
                                    "no data rows" + (" (only a header)" if where else "")
                                    + ": the file is empty or cut; use --allow-empty if that is intended"))


def progress(iterable, desc: str):
    """Wrap ``iterable`` in a progress bar (policy of :mod:`evgraph.progress`: terminals only)."""
    from ..progress import bar

    return bar(iterable, desc=desc, unit=" rows")


def split_options(path: str | Path | None) -> tuple[str | None, dict[str, str]]:
    """Split ``PATH#key=value&key2=value2`` into the path and its reader options.

    >>> split_options("mti.csv.gz#support=all")
    ('mti.csv.gz', {'support': 'all'})
    >>> split_options("folder")
    ('folder', {})
    """
    if path is None:
        return None, {}
    text = str(path)
    base, sep, opts = text.partition("#")
    if not sep or "=" not in opts:
        return text, {}
    options = {}
    for part in opts.split("&"):
        k, _, v = part.partition("=")
        if k.strip():
            options[k.strip().lower()] = v.strip()
    return base, options
