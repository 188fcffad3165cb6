"""CURIE parsing, validation and IRI expansion.

Prefixes and their patterns come from the ontology (:mod:`evgraph.schema`); expansion and
compression use the `curies <https://curies.readthedocs.io>`_ library.

>>> split_curie("CL:0000235")
('CL', '0000235')
>>> check_curie("UBERON:0001013", "Organ") is None
True
>>> check_curie("UBERON:13", "Organ")
"local identifier '13' does not match the UBERON pattern ^\\\\d{7}$"
>>> expand("CL:0000235")
'http://purl.obolibrary.org/obo/CL_0000235'
"""

from __future__ import annotations

from functools import cache

import curies

from .schema import get_schema


def split_curie(curie: str) -> tuple[str, str]:
    """Split ``PREFIX:local`` at the first colon; raise ``ValueError`` if there is none."""
    prefix, sep, local = curie.partition(":")
    if not sep or not prefix or not local:
        raise ValueError(f"'{curie}' is not a CURIE (PREFIX:identifier)")
    return prefix, local


def check_curie(curie: str, node_class: str | None = None) -> str | None:
    """Return ``None`` if ``curie`` is well formed (and fits ``node_class``), else the reason."""
    schema = get_schema()
    if not curie or curie != curie.strip():
        return f"'{curie}' is empty or has surrounding spaces"
    try:
        prefix, local = split_curie(curie)
    except ValueError as exc:
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


@cache
def converter() -> curies.Converter:
    """A :class:`curies.Converter` for every prefix the ontology declares."""
    records = [
        curies.Record(prefix=p.prefix, uri_prefix=p.uri_prefix)
        for p in get_schema().prefixes.values()
    ]
    records.append(curies.Record(prefix="biolink", uri_prefix="https://w3id.org/biolink/vocab/"))
    return curies.Converter(records)


def expand(curie: str) -> str:
    """Expand a CURIE to its IRI (``ValueError`` for an unknown prefix)."""
    iri = converter().expand(curie)
    if iri is None:
        raise ValueError(f"cannot expand '{curie}': unknown prefix")
    return iri


def compress(iri: str) -> str | None:
    """Compress an IRI back to a CURIE, or ``None`` if no prefix matches."""
    return converter().compress(iri)


def resolver_url(curie: str) -> str:
    """A web page for a CURIE (the prefix's resolver, else its IRI)."""
    prefix, local = split_curie(curie)
    info = get_schema().prefixes.get(prefix)
    if info is not None and info.resolver:
        return info.resolver + local
    return expand(curie)
