"""CURIEs, in one place: check, expand and compress, one value at a time or a column at once.

Prefixes, their IRI expansions and local-identifier patterns come from the ontology
(:mod:`evgraph.schema`); expansion and compression of single values use the
`curies <https://curies.readthedocs.io>`_ library, the column versions (what the builder and
the RDF writer use on millions of values) are vectorised with pandas and give the same text.
Characters a local identifier may hold but an IRI may not (a space in a DOI) are
percent-encoded on the way out and decoded on the way back.

>>> split_curie("CL:0000235")
('CL', '0000235')
>>> check_curie("UBERON:0001013", "Organ") is None
True
>>> check_curie("UBERON:13", "Organ")
"local identifier '13' does not match the UBERON pattern ^\\\\d{7}$"
>>> expand("CL:0000235")
'http://purl.obolibrary.org/obo/CL_0000235'
>>> compress("http://identifiers.org/ncbigene/5468")
'NCBIGene:5468'
>>> import pandas as pd
>>> list(expand_all(pd.Series(["CL:0000235", "DOI:10.1000/a b"])))
['http://purl.obolibrary.org/obo/CL_0000235', 'https://doi.org/10.1000/a%20b']
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

from .errors import EvgraphError
from .schema import Schema, get_schema

if TYPE_CHECKING:
    import curies

#: Characters kept as they are in an IRI path segment; anything else is percent-encoded.
SAFE_CHARS = "-._~!$&'()*+,;=:@/"
_SAFE_RE = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$")
_UNSAFE_RE = re.compile(r"[^A-Za-z0-9\-._~!$&'()*+,;=:@/]")


class CurieError(EvgraphError, ValueError):
    """A value that is not a CURIE evgraph can expand (or an IRI it cannot compress)."""


# ---------------------------------------------------------------------- check
def split_curie(curie: str) -> tuple[str, str]:
    """Split ``PREFIX:local`` at the first colon; raise :class:`CurieError` if there is none."""
    prefix, sep, local = curie.partition(":")
    if not sep or not prefix or not local:
        raise CurieError(f"'{curie}' is not a CURIE (PREFIX:identifier)")
    return prefix, local


def check_curie(curie: str, node_class: str | None = None) -> str | None:
    """Return ``None`` if ``curie`` is well formed (and fits ``node_class``), else the reason."""
    schema = get_schema()
    if not curie or curie != curie.strip():
        return f"'{curie}' is empty or has surrounding spaces"
    try:
        prefix, local = split_curie(curie)
    except CurieError as exc:
        return str(exc)
    info = schema.prefixes.get(prefix)
    if info is None:
        return f"unknown CURIE prefix '{prefix}' in '{curie}'"
    if not info.regex.match(local):
        return f"local identifier '{local}' does not match the {prefix} pattern {info.pattern}"
    if node_class is not None:
        cls = schema.classes.get(node_class)
        if cls is not None and prefix not in cls.prefixes:
            allowed = ", ".join(cls.prefixes)
            return f"prefix '{prefix}' does not fit class {node_class} (expected {allowed})"
    return None


def check_curies(values: pd.Series, classes: pd.Series | None = None,
                 allowed_prefixes: tuple[str, ...] | None = None, schema: Schema | None = None,
                 limit: int = 1000) -> list[tuple[int, str]]:
    """Vectorised CURIE check of a column (one CURIE per cell; empty cells pass).

    Returns ``(position, reason)`` for every bad cell, at most ``limit`` per kind of problem:
    not a CURIE, unknown prefix, local part not matching the prefix pattern, a prefix outside
    ``allowed_prefixes``, a prefix that does not fit the cell's class in ``classes``.

    >>> check_curies(pd.Series(["CL:0000235", "FOO:1", "", "CL:1"]))
    [(1, "unknown CURIE prefix 'FOO' in 'FOO:1'"), (3, "'CL:1' does not match the CL pattern ^\\\\d{7}$")]
    """
    schema = schema or get_schema()
    if values.empty:
        return []
    if _all_valid(values, classes, allowed_prefixes, schema):
        return []
    return _check_curie_rows(values, classes, allowed_prefixes, schema, limit)


def _all_valid(values: pd.Series, classes: pd.Series | None, allowed_prefixes: tuple[str, ...] | None,
               schema: Schema) -> bool:
    """True when every cell passes :func:`check_curies` (checked once per distinct value, in Arrow).

    Millions of edge cells hold few distinct CURIEs: each distinct value (and value-class pair)
    is checked once, the local-part patterns with Arrow's RE2 (anchored like :func:`re.match`).
    RE2 is at least as strict as :mod:`re` on these patterns (ASCII ``\\d``/``\\w``), so a
    ``False`` only sends the column to the row-wise check, which words every problem.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if classes is not None:
        pairs = pd.DataFrame({"v": values.to_numpy(dtype=object), "c": classes.to_numpy(dtype=object)})
        pairs = pairs.drop_duplicates()
        uniq, cls = pairs["v"].to_numpy(dtype=object), pairs["c"].to_numpy(dtype=object)
    else:
        uniq, cls = pd.unique(values.to_numpy(dtype=object)), None
    try:
        arr = pa.array(uniq, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return False  # not all text: the row-wise check words it
    if arr.null_count:
        return False
    present = pc.not_equal(arr, "")
    arr = pc.filter(arr, present)
    if cls is not None:
        cls = cls[np.asarray(present)]
    if not len(arr):
        return True
    if not pc.all(pc.match_substring_regex(arr, r"^[^:]+:.")).as_py():
        return False
    parts = pc.split_pattern(arr, ":", max_splits=1)
    prefix = pc.list_element(parts, 0)
    local = pc.list_element(parts, 1)
    known = list(schema.prefixes) if allowed_prefixes is None else [p for p in allowed_prefixes
                                                                     if p in schema.prefixes]
    if not pc.all(pc.is_in(prefix, value_set=pa.array(known, type=pa.string()))).as_py():
        return False
    for p in pc.unique(prefix).to_pylist():
        sel = pc.equal(prefix, p)
        pattern = "^(?:" + schema.prefixes[p].pattern.removeprefix("^") + ")"
        if not pc.all(pc.match_substring_regex(pc.filter(local, sel), pattern)).as_py():
            return False
    if cls is not None:
        pref = np.asarray(prefix.to_numpy(zero_copy_only=False), dtype=object)
        for c, p in set(zip(cls.tolist(), pref.tolist(), strict=True)):
            info = schema.classes.get(c)
            if info is not None and p not in info.prefixes:
                return False
    return True


def _check_curie_rows(values: pd.Series, classes: pd.Series | None, allowed_prefixes: tuple[str, ...] | None,
                      schema: Schema, limit: int) -> list[tuple[int, str]]:
    """The row-wise :func:`check_curies`: every bad cell with its reason (at most ``limit`` per kind)."""
    out: list[tuple[int, str]] = []
    values = values.reset_index(drop=True)
    if classes is not None:
        classes = classes.reset_index(drop=True)
    present = values != ""
    parts = values.str.partition(":")
    prefix, local = parts[0], parts[2]

    def add(mask: pd.Series, message) -> None:
        for pos in np.flatnonzero(mask.to_numpy())[:limit]:
            out.append((int(pos), message(values.iat[pos], prefix.iat[pos])))

    malformed = present & ((local == "") | (prefix == ""))
    add(malformed, lambda v, p: f"'{v}' is not a CURIE (PREFIX:identifier)")
    ok = present & ~malformed
    unknown = ok & ~prefix.isin(list(schema.prefixes))
    add(unknown, lambda v, p: f"unknown CURIE prefix '{p}' in '{v}'")
    ok &= ~unknown
    for p in prefix[ok].unique():
        info = schema.prefixes[p]
        sel = ok & (prefix == p)
        bad = sel & ~local.str.match(info.pattern)
        add(bad, lambda v, p, info=info: f"'{v}' does not match the {p} pattern {info.pattern}")
        ok &= ~bad
    if allowed_prefixes is not None:
        add(ok & ~prefix.isin(allowed_prefixes),
            lambda v, p: f"'{v}' must use one of the prefixes {', '.join(allowed_prefixes)}")
    if classes is not None:
        pairs = pd.DataFrame({"c": classes[ok], "p": prefix[ok]}).drop_duplicates()
        for c, p in pairs.itertuples(index=False):
            cls = schema.classes.get(c)
            if cls is None or p in cls.prefixes:
                continue
            sel = ok & (classes == c) & (prefix == p)
            add(sel, lambda v, p, cls=cls: f"prefix '{p}' of '{v}' does not fit class {cls.name} "
                                           f"(expected {', '.join(cls.prefixes)})")
    return out


def publication_prefixes(schema: Schema | None = None) -> tuple[str, ...]:
    """The prefixes an edge's ``publications`` may use: the ontology's ``Publication`` id prefixes.

    BioProject is among them: the data set a statistical association was computed from.

    >>> sorted(publication_prefixes())
    ['BioProject', 'DOI', 'PMID']
    """
    return (schema or get_schema()).classes["Publication"].prefixes


# ---------------------------------------------------------------------- IRI-safe local parts
def encode_local(value: str) -> str:
    """Percent-encode the characters of ``value`` that may not appear in an IRI path.

    >>> encode_local("10.1000/a b<c>")
    '10.1000/a%20b%3Cc%3E'
    >>> encode_local("R-HSA-1234")
    'R-HSA-1234'
    """
    return value if _SAFE_RE.match(value) else quote(value, safe=SAFE_CHARS)


def encode_locals(values: pd.Series) -> pd.Series:
    """:func:`encode_local` of a column (one regex pass when nothing needs encoding)."""
    values = values.astype(object)
    if not len(values) or not _UNSAFE_RE.search("".join(values.tolist())):
        return values
    ok = values.str.match(_SAFE_RE.pattern).fillna(False).to_numpy(dtype=bool)
    if ok.all():
        return values
    out = values.copy()
    out[~ok] = [quote(v, safe=SAFE_CHARS) for v in values[~ok]]
    return out


# ---------------------------------------------------------------------- expand / compress
@cache
def converter() -> curies.Converter:
    """A :class:`curies.Converter` for every prefix the ontology declares (``curies`` is imported here, on
    first use: it pulls in pydantic, 0.1 s the build does not need)."""
    import curies

    return curies.Converter([curies.Record(prefix=p.prefix, uri_prefix=p.uri_prefix)
                             for p in get_schema().prefixes.values()])


def expand(curie: str) -> str:
    """The IRI of a CURIE (the ontology's expansion; unsafe characters percent-encoded).

    >>> expand("DOI:10.1016/j.cell.2017.08.035")
    'https://doi.org/10.1016/j.cell.2017.08.035'
    """
    prefix, sep, local = curie.partition(":")
    iri = converter().expand(f"{prefix}:{encode_local(local)}") if sep and local else None
    if iri is None:
        raise CurieError(f"cannot turn '{curie}' into an IRI: unknown CURIE prefix '{prefix}'")
    return iri


def expand_all(values: pd.Series, what: str = "identifier", schema: Schema | None = None) -> np.ndarray:
    """IRIs of a column of CURIEs (vectorised :func:`expand`)."""
    schema = schema or get_schema()
    values = values.astype(object).reset_index(drop=True)
    # str.partition per value: 5x faster than pandas' str.split(expand=True), same split at the first ':'
    parts = [v.partition(":") if isinstance(v, str) else ("", "", "") for v in values.to_numpy()]
    prefix = pd.Series([p[0] for p in parts], dtype=object)
    local = pd.Series([p[2] for p in parts], dtype=object)
    known = prefix.isin(list(schema.prefixes)) & (local != "")
    if not known.all():
        bad = values[~known].iloc[0]
        raise CurieError(f"{what} '{bad}': unknown CURIE prefix '{bad.partition(':')[0]}', cannot make an IRI")
    uri_prefix = prefix.map({p: i.uri_prefix for p, i in schema.prefixes.items()})
    return (uri_prefix + encode_locals(local)).to_numpy(dtype=object)


def compress(iri: str) -> str | None:
    """The CURIE of an IRI (the longest matching prefix; percent-encoding decoded), else ``None``."""
    curie = converter().compress(iri)
    if curie is None:
        return None
    prefix, _, local = curie.partition(":")
    if not local:
        return None
    return f"{prefix}:{unquote(local)}" if "%" in local else curie


def resolver_url(curie: str) -> str:
    """A web page for a CURIE (the prefix's resolver, else its IRI)."""
    prefix, local = split_curie(curie)
    info = get_schema().prefixes.get(prefix)
    if info is not None and info.resolver:
        return info.resolver + local
    return expand(curie)
