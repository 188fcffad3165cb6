"""The query library: named, documented Cypher files in ``queries/``.

Every ``queries/NAME.cypher`` file starts with a header of ``//`` comment lines::

    // name: organs_sending_evs_to
    // description: Organs whose EVs (released directly or by their cell types) reach a target organ.
    // param: target: node = "UBERON:0000948"  -- organ the EVs reach (id or label)
    // param: min_confidence: float = 0.0      -- lowest edge confidence to use
    // columns: organ_id, organ_label, ev_populations, publications

* ``name`` equals the file name without ``.cypher``;
* ``param: NAME: TYPE = DEFAULT -- description`` (repeatable): TYPE is ``node`` (a CURIE or
  an unambiguous label/synonym, resolved to the node id before running), ``string``, ``int``,
  ``float``, ``bool`` or ``string[]``; DEFAULT is a JSON value;
* ``columns`` lists the result columns, in order;
* other ``// key: text`` lines (e.g. ``// note:``) are kept in :attr:`Query.notes`.

The SPARQL twins in ``queries/*.rq`` use the same header with ``#`` instead of ``//``.

>>> q = parse_query('''// name: demo
... // description: Nodes of a class.
... // param: cls: string = "CellType" -- class name
... // columns: id
... MATCH (n) WHERE n.category = $cls RETURN n.id AS id ORDER BY id''')
>>> q.name, [p.name for p in q.params], q.columns
('demo', ['cls'], ('id',))
>>> q.bind({"limit": "3"})
Traceback (most recent call last):
...
evgraph.query.library.QueryError: query demo: unknown parameter 'limit' (known: cls)
>>> q.bind({"cls": "Organ"})
{'cls': 'Organ'}
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import EvgraphError, NotFoundError

PARAM_TYPES = ("node", "string", "int", "float", "bool", "string[]")
_HEADER = re.compile(r"^\s*//\s?(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[a-z]+(?:\[\])?)\s*=\s*(?P<default>.+?)"
                    r"(?:\s+--\s*(?P<doc>.*))?$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Every engine stores integers in 64 bits: larger values are refused before they reach one.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
#: Parameters that count rows (a negative value would mean "all but the last n" to some engines).
COUNT_PARAMS = frozenset({"limit", "skip", "offset"})
_COUNT_USE = re.compile(r"\b(?:LIMIT|SKIP|OFFSET)\s+\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


class QueryError(EvgraphError):
    """A query that cannot run: bad file, syntax error, unknown parameter, engine failure."""


@dataclass(frozen=True)
class Param:
    """A declared query parameter."""

    name: str
    type: str
    default: Any
    doc: str = ""

    def coerce(self, value: Any, query: str) -> Any:
        """Turn a command-line string (or a Python value) into this parameter's type."""
        try:
            if self.type in ("node", "string"):
                if not isinstance(value, str):
                    raise ValueError("expected a string")
                return value
            if self.type == "int":
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                    raise ValueError("expected an integer")
                number = int(value)
                if not INT_MIN <= number <= INT_MAX:
                    raise ValueError("out of range (a 64-bit integer)")
                if self.name in COUNT_PARAMS and number < 0:
                    raise ValueError("must be 0 or more")
                return number
            if self.type == "float":
                if isinstance(value, bool):
                    raise ValueError("expected a number")
                real = float(value)
                if not math.isfinite(real):
                    raise ValueError("must be a finite number")
                return real
            if self.type == "bool":
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                if text in ("true", "yes", "1"):
                    return True
                if text in ("false", "no", "0"):
                    return False
                raise ValueError("expected true or false")
            # string[]
            if isinstance(value, (list, tuple)):
                return [str(v) for v in value]
            text = str(value).strip()
            if text.startswith("["):
                parsed = json.loads(text)
                if not isinstance(parsed, list):
                    raise ValueError("expected a list")
                return [str(v) for v in parsed]
            return [v.strip() for v in text.split(",") if v.strip()]
        except (ValueError, TypeError, OverflowError) as exc:
            raise QueryError(f"query {query}: parameter '{self.name}' ({self.type}): invalid value "
                             f"{value!r}: {exc}") from None


@dataclass(frozen=True)
class Query:
    """A parsed query file."""

    name: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    path: str | None = None
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def display(self) -> str:
        """How error messages name the query: its name, plus the file for user files."""
        if self.path and Path(self.path).parent.resolve() != _library_dir_or_none():
            return f"{self.name} ({self.path})"
        return self.name

    @property
    def has_order_by(self) -> bool:
        """True if the final result is ordered (an ``ORDER BY`` in the last RETURN part)."""
        tail = re.split(r"\bRETURN\b", _strip_comments(self.text), flags=re.IGNORECASE)[-1]
        return re.search(r"\bORDER\s+BY\b", tail, flags=re.IGNORECASE) is not None

    def page(self, offset: int = 0, limit: int | None = None, language: str = "cypher") -> Query:
        """This query returning one page of its ordered result: rows ``offset`` to ``offset + limit``.

        The paging convention of the library (both engines, both languages): any query whose
        final result is ordered can be paged without editing it; ``SKIP``/``LIMIT`` (Cypher) or
        ``OFFSET``/``LIMIT`` (SPARQL) are appended to the final ``ORDER BY``. Pages hold the
        same rows on every engine when the ``ORDER BY`` is a total order (the library's queries
        end their ordering with ids). A query with its own final ``LIMIT`` (``top_cargo``) pages
        through its ``limit`` parameter instead, and an unordered result cannot be paged.

        >>> q = Query("q", "", (), (), "MATCH (n) RETURN n.id AS id ORDER BY id")
        >>> q.page(20, 10).text
        'MATCH (n) RETURN n.id AS id ORDER BY id\\nSKIP 20 LIMIT 10'
        >>> q.page(5, language="sparql").text
        'MATCH (n) RETURN n.id AS id ORDER BY id\\nOFFSET 5'
        """
        offset = int(offset)
        if offset < 0 or (limit is not None and int(limit) < 0):
            raise QueryError(f"query {self.display}: offset and limit must be >= 0")
        if offset == 0 and limit is None:
            return self
        text = _strip_comments(self.text).rstrip()
        if language == "sparql":
            text = re.sub(r"#[^\n]*", "", self.text).rstrip()
            ordered = re.search(r"\bORDER\s+BY\b", text.rsplit("}", 1)[-1], flags=re.IGNORECASE) is not None
        else:
            ordered = self.has_order_by
        if re.search(r"\b(LIMIT|SKIP|OFFSET)\s+(\$?\w+)\s*$", text, flags=re.IGNORECASE):
            raise QueryError(f"query {self.display}: it ends with its own LIMIT; use its parameters to page")
        if not ordered:
            raise QueryError(f"query {self.display}: its result is not ordered (no final ORDER BY), "
                             "so it cannot be paged")
        skip = "OFFSET" if language == "sparql" else "SKIP"
        parts = ([f"{skip} {offset}"] if offset else []) + ([f"LIMIT {int(limit)}"] if limit is not None else [])
        tail = " ".join(parts)
        return replace(self, text=self.text.rstrip() + "\n" + tail)

    def bind(self, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """Parameter values: declared defaults overridden by ``values`` (coerced to their types)."""
        values = dict(values or {})
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise QueryError(f"query {self.display}: unknown parameter '{unknown[0]}' "
                             f"(known: {', '.join(known) or 'none'})")
        out = {}
        counted = {m["name"] for m in _COUNT_USE.finditer(self.text)}
        for p in self.params:
            out[p.name] = p.coerce(values[p.name], self.name) if p.name in values else p.default
            if p.name in counted and isinstance(out[p.name], int) and out[p.name] < 0:
                raise QueryError(f"query {self.display}: parameter '{p.name}' ({p.type}): invalid value "
                                 f"{values.get(p.name, p.default)!r}: must be 0 or more")
        return out


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def parse_query(text: str, path: str | None = None) -> Query:
    """Parse a query file's text (header + Cypher); :class:`QueryError` names file and line."""
    where = path or "<query>"
    meta: dict[str, str] = {}
    params: list[Param] = []
    body_start = 0
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if not line.lstrip().startswith("//"):
            body_start = i
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m["key"].lower(), m["value"]
        if key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise QueryError(f"{where}:{i + 1}: field 'param': expected 'NAME: TYPE = DEFAULT -- description'")
            if pm["type"] not in PARAM_TYPES:
                raise QueryError(f"{where}:{i + 1}: field 'param': unknown type '{pm['type']}' "
                                 f"(one of {', '.join(PARAM_TYPES)})")
            try:
                default = json.loads(pm["default"])
            except json.JSONDecodeError:
                raise QueryError(f"{where}:{i + 1}: field 'param': default {pm['default']!r} is not JSON") from None
            param = Param(pm["name"], pm["type"], None, pm["doc"] or "")
            default = param.coerce(default, meta.get("name", where)) if default is not None else None
            params.append(Param(pm["name"], pm["type"], default, pm["doc"] or ""))
        else:
            meta[key] = value
    else:
        body_start = len(lines)
    for key in ("name", "description", "columns"):
        if not meta.get(key):
            raise QueryError(f"{where}:1: field '{key}': missing '// {key}: ...' header line")
    if not _NAME.match(meta["name"]):
        raise QueryError(f"{where}:1: field 'name': '{meta['name']}' is not a lower_snake_case name")
    if path and Path(path).stem != meta["name"]:
        raise QueryError(f"{where}:1: field 'name': '{meta['name']}' differs from the file name")
    body = "\n".join(lines[body_start:]).strip()
    if not body:
        raise QueryError(f"{where}: no Cypher after the header")
    columns = tuple(c.strip() for c in meta["columns"].split(",") if c.strip())
    notes = {k: v for k, v in meta.items() if k not in ("name", "description", "columns")}
    return Query(meta["name"], meta["description"], tuple(params), columns, body, path, notes)


def queries_dir() -> Path:
    """Folder of the query library: ``evgraph/queries`` in a wheel, top-level ``queries/`` in a checkout."""
    packaged = Path(str(resources.files("evgraph"))) / "queries"
    if packaged.is_dir() and any(packaged.glob("*.cypher")):
        return packaged
    source = Path(__file__).resolve().parent.parent.parent / "queries"
    if source.is_dir():
        return source
    raise QueryError("cannot find the evgraph query library (queries/*.cypher) next to the package")


def _library_dir_or_none() -> Path | None:
    try:
        return queries_dir().resolve()
    except QueryError:
        return None


@cache
def _library(folder: str) -> dict[str, Query]:
    out: dict[str, Query] = {}
    for path in sorted(Path(folder).glob("*.cypher")):
        q = parse_query(path.read_text(encoding="utf-8"), str(path))
        out[q.name] = q
    return out


def library() -> dict[str, Query]:
    """Every query of the library by name (sorted).

    >>> "organs_sending_evs_to" in library()
    True
    """
    return dict(_library(str(queries_dir())))


def get_query(name_or_file: str) -> Query:
    """A library query by name, or any ``.cypher`` file by path (header optional for files)."""
    lib = library()
    if name_or_file in lib:
        return lib[name_or_file]
    path = Path(name_or_file)
    if path.suffix == ".cypher" or path.is_file():
        if not path.is_file():
            raise NotFoundError(f"query file {name_or_file} does not exist")
        text = path.read_text(encoding="utf-8")
        if not _HEADER.match(text.lstrip().splitlines()[0] if text.strip() else ""):
            body = text.strip()
            if not body:
                raise QueryError(f"{name_or_file}: empty query file")
            return Query(path.stem, "", (), (), body, str(path))
        return parse_query(text, str(path)) if Path(path).stem == _peek_name(text) else _loose(text, path)
    raise NotFoundError(f"no query named '{name_or_file}' (see 'evgraph query --list') and no such file")


def _peek_name(text: str) -> str | None:
    for line in text.splitlines():
        m = _HEADER.match(line)
        if m and m["key"].lower() == "name":
            return m["value"]
    return None


def _loose(text: str, path: Path) -> Query:
    """A user file whose header name differs from its file name: accept it under its header name."""
    q = parse_query(text, None)
    return Query(q.name, q.description, q.params, q.columns, q.text, str(path), q.notes)


def used_params(text: str) -> set[str]:
    """Names of the ``$parameters`` a Cypher text uses (strings and comments ignored).

    >>> sorted(used_params("MATCH (n {id: $node}) WHERE n.label <> '$x' RETURN n LIMIT $limit"))
    ['limit', 'node']
    """
    text = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", _strip_comments(text))
    return set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text))


def bind_params(query: Query, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parameter values for ``query``: declared ones via :meth:`Query.bind`; for a header-less
    file every ``$parameter`` it uses must be given, and no other."""
    values = dict(values or {})
    if query.params or query.columns:
        return query.bind(values)
    used = used_params(query.text)
    unknown = sorted(set(values) - used)
    if unknown:
        raise QueryError(f"query {query.display}: unknown parameter '{unknown[0]}' "
                         f"(the query uses: {', '.join(sorted(used)) or 'none'})")
    missing = sorted(used - set(values))
    if missing:
        raise QueryError(f"query {query.display}: missing parameter '{missing[0]}' "
                         f"(give it with --param {missing[0]}=...)")
    return values
