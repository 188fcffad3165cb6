"""Exceptions raised by evgraph.

Every error that bad input can cause is an :class:`EvgraphError`; the command line prints its
message as one line and exits non-zero, never a traceback (unless ``--debug``).
"""

from __future__ import annotations

from dataclasses import dataclass


class EvgraphError(Exception):
    """Base class of the errors evgraph reports to users."""


@dataclass(frozen=True)
class Problem:
    """One problem found in the input: where it is, which field, what is wrong.

    >>> str(Problem("edges.tsv", 12, "predicate", "unknown relationship 'foo'"))
    "edges.tsv:12: field 'predicate': unknown relationship 'foo'"
    """

    file: str | None
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        message = one_line(self.message)
        if self.field:
            return f"{where}: field '{one_line(self.field, 80)}': {message}"
        return f"{where}: {message}"


#: A problem's message is cut to this many characters (a bad value can be megabytes long).
MAX_MESSAGE = 400


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` on one line (line breaks and other controls escaped), cut to ``limit`` characters.

    >>> one_line("a\\nb\\x00c")
    'a\\\\nb\\\\x00c'
    >>> len(one_line("x" * 10_000))
    400
    """
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) > limit:
        tail = f"... ({len(text)} chars)"
        text = text[: limit - len(tail)] + tail
    return text


class DataError(EvgraphError):
    """Bad input data: carries one or more :class:`Problem` records.

    ``str(error)`` is the first problem, plus a count of the others.
    """

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid data"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' * (more > 1)})" if more else ""))


class ValidationError(DataError):
    """The graph breaks the ontology: unknown types, domain/range, CURIEs, provenance."""


class SchemaError(EvgraphError):
    """The ontology file itself is inconsistent."""


class NotFoundError(EvgraphError):
    """A node, query or file the user named does not exist."""
