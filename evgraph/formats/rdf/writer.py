"""RDF writer: Turtle, N-Triples, N-Quads, TriG, JSON-LD (the mapping is :mod:`evgraph.formats.rdf.mapping`).

Size: about 720 lines because :class:`NTriplesWriter` renders every slot kind of the mapping in
one vectorised pass, twice: with numpy object arrays (Turtle, and N-Triples with ``arrow=False``)
and with Arrow string kernels (N-Triples edge chunks); the per-slot branches read best side by side,
and the tests compare the two spellings byte for byte.

Writing is vectorised: the text of every distinct value (node, CURIE, class, categorical
cell) is made once, and each chunk's triples are assembled by taking those texts by code and
joining them in one ``str.join`` (no string built per triple); N-Triples edge chunks are joined
row-wise by Arrow and written from the Arrow buffer (no Python string at all). N-Triples / N-Quads and Turtle /
TriG (subject blocks with ``;``, prefixed names where the local part allows) are written
directly; JSON-LD goes through pyoxigraph's serialiser. The text does not depend on the chunk
size. No IRI is ever invalid: identifier characters outside the IRI-safe set are
percent-encoded (labels are literals, escaped).

>>> import evgraph
>>> kg = evgraph.load()
>>> text = to_rdf_string(kg, "nt")
>>> "<http://purl.obolibrary.org/obo/UBERON_0001013> <http://www.w3.org/2000/01/rdf-schema#label> " \\
...     '"adipose tissue" .' in text
True
"""

from __future__ import annotations

import gc
import gzip
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from ...atomic import atomic_path
from ...errors import EvgraphError
from ...evidence import decimals
from ...identifiers import encode_locals, expand_all
from ...model import LIST_SEP, KnowledgeGraph
from ...schema import EVGRAPH, ONTOLOGY_IRI, ontology_path
from .mapping import (
    BIOLINK,
    DATASET_IRI,
    DCT_IDENTIFIER,
    DCTERMS,
    EDGE_NS,
    EDGE_SLOTS,
    FORMATS,
    NODE_SLOTS,
    OWL,
    QUAD_FORMATS,
    RDF_TYPE,
    READ_EXTENSIONS,
    REIFICATION,
    STATEMENT_NS,
    STATEMENT_TYPES,
    VOID,
    XSD,
    Slot,
    biolink_iri,
    check_iris,
    edge_iris,
    escape,
    factor,
    lit,
    ontology_facts,
    ox_format,
    turtle_prefixes,
)

# ---------------------------------------------------------------------- syntaxes
#: Local names and prefix names written as prefixed names in Turtle (a safe subset of the grammar's).
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_PN_PREFIX = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")


class Syntax:
    """How terms and triples are spelled: N-Triples/N-Quads lines, or Turtle/TriG subject blocks.

    In Turtle, IRIs under a declared prefix whose local part is a plain name are written as prefixed
    names (``UBERON:0001013``), ``rdf:type`` as ``a``, and the triples of one subject share it (``;``).

    >>> Syntax().term("http://purl.obolibrary.org/obo/UBERON_0001013")
    '<http://purl.obolibrary.org/obo/UBERON_0001013>'
    >>> Syntax(prefixes={"UBERON": "http://purl.obolibrary.org/obo/UBERON_"}).term(
    ...     "http://purl.obolibrary.org/obo/UBERON_0001013")
    'UBERON:0001013'
    """

    def __init__(self, graph: str | None = None, prefixes: dict[str, str] | None = None):
        self.turtle = prefixes is not None
        #: What ends a line: N-Triples ``' .\\n'`` (N-Quads: the graph, then ``' .\\n'``); Turtle: nothing.
        self.end = "" if self.turtle else (f" <{graph}> .\n" if graph else " .\n")
        #: What ends a whole triple written on its own line.
        self.stop = self.end or " .\n"
        self.names: dict[str, str] = {}
        for name, ns in (prefixes or {}).items():
            if _PN_PREFIX.match(name):
                self.names.setdefault(ns, name)
        self._by_len = sorted(self.names, key=lambda ns: (-len(ns), ns))

    def prefix_lines(self) -> str:
        """The ``@prefix`` declarations of the names used."""
        return "".join(f"@prefix {name}: <{ns}> .\n" for ns, name in self.names.items()) + "\n"

    def term(self, iri: str) -> str:
        """The token of one IRI."""
        for ns in self._by_len:
            if iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns):]):
                return f"{self.names[ns]}:{iri[len(ns):]}"
        return f"<{iri}>"

    def pred(self, iri: str) -> str:
        """The token of a predicate followed by a space (``rdf:type`` is ``a`` in Turtle)."""
        return ("a " if self.turtle and iri == RDF_TYPE else self.term(iri) + " ") if self.turtle \
            else f" <{iri}> "

    def tokens(self, iris: np.ndarray, namespaces: Iterable[str] | None = None) -> np.ndarray:
        """Tokens of many IRIs (Turtle: prefixed names under the given namespaces where possible)."""
        iris = np.asarray(iris, dtype=object)
        s = pd.Series(iris, dtype=object)
        out = ("<" + s + ">").to_numpy(dtype=object, copy=True) if len(s) else iris.copy()
        if not self.turtle or not len(s):
            return out
        todo = np.ones(len(s), dtype=bool)
        for ns in sorted(set(namespaces if namespaces is not None else self.names), key=lambda x: (-len(x), x)):
            name = self.names.get(ns)
            if name is None:
                continue
            hit = todo & s.str.startswith(ns).to_numpy(dtype=bool)
            if not hit.any():
                continue
            local = s[hit].str.slice(len(ns))
            ok = local.str.match(_PN_LOCAL.pattern).to_numpy(dtype=bool)
            idx = np.flatnonzero(hit)[ok]
            out[idx] = (name + ":" + local[ok]).to_numpy(dtype=object)
            todo[idx] = False
        return out

    def literal(self, value: str) -> str:
        return lit([value])[0]


def _render(n: int, groups: list[tuple[np.ndarray | None, list[Any]]], subj: np.ndarray,
            syntax: Syntax) -> tuple[str, int]:
    """Text of the triples of ``n`` subjects, subject by subject, groups in order.

    A group is ``(rows, pieces)``: ``rows`` the (ascending) subject of each of its triples
    (``None``: exactly one triple per subject), ``pieces`` strings or arrays (one item per triple)
    whose concatenation is the rest of the triple after the subject. The text is put together
    with one ``str.join`` over the pieces: no string is built per triple.
    """
    counts, total = [], np.zeros(n, dtype=np.int64)
    per_row = np.zeros(n, dtype=np.int64)
    for rows, pieces in groups:
        c = np.ones(n, dtype=np.int64) if rows is None else np.bincount(rows, minlength=n).astype(np.int64)
        counts.append(c)
        per_row += c
        total += c * (len(pieces) + 1)
    has = per_row > 0
    if syntax.turtle:
        total += has
    starts = np.concatenate([[0], np.cumsum(total)[:-1]]).astype(np.int64) if n else total
    out = np.empty(int(total.sum()), dtype=object)
    pos = starts.copy()
    lines = 0
    for (rows, pieces), c in zip(groups, counts, strict=True):
        width = len(pieces) + 1
        if rows is None:
            base = pos
            out[base] = " ;\n    " if syntax.turtle else subj
        else:
            if not len(rows):
                continue
            first = np.cumsum(c) - c
            base = pos[rows] + (np.arange(len(rows)) - first[rows]) * width
            out[base] = " ;\n    " if syntax.turtle else subj[rows]
        for k, piece in enumerate(pieces):
            out[base + (k + 1)] = piece
        lines += len(base)
        pos = pos + c * width
    if syntax.turtle and has.any():
        out[starts[has]] = subj[has] + " "
        out[pos[has]] = " .\n"
    return "".join(out.tolist()), lines


def _relation_codes(predicate: pd.Series, relations: list[str]) -> np.ndarray:
    """Code of each edge's relationship in ``relations`` (the stored categorical's codes when they agree)."""
    if isinstance(predicate.dtype, pd.CategoricalDtype) and list(predicate.cat.categories) == relations:
        return predicate.cat.codes.to_numpy().astype(np.int64)
    return pd.Categorical(predicate.astype(str), categories=relations).codes.astype(np.int64)


#: Most bytes of one N-Triples chunk of reified statements (Arrow string arrays have 32-bit offsets).
MAX_CHUNK_BYTES = 256 * 2**20


def pa_array(values: np.ndarray) -> Any:
    """An Arrow string array of a numpy object array of str."""
    import pyarrow as pa

    return pa.array(values, type=pa.string())


#: An edge id written by Arrow string kernels: ``evgraph:`` and a local part needing no encoding.
_PLAIN_EDGE_ID = r"^evgraph:[A-Za-z0-9][A-Za-z0-9_.\-]*$"


def _buffer(arr: Any) -> memoryview:
    """The UTF-8 text of an Arrow string array: its rows one after the other, without a copy."""
    if not len(arr):
        return memoryview(b"")
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32, count=len(arr) + 1, offset=arr.offset * 4)
    return memoryview(arr.buffers()[2])[int(offsets[0]):int(offsets[-1])]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while the export runs (it makes no reference cycles; the
    collector's passes over the loaded graph's objects cost about 5 % of an export)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _text(arr: Any) -> str:
    """The rows of an Arrow string array joined into one string."""
    return bytes(_buffer(arr)).decode("utf-8")


# ---------------------------------------------------------------------- writer
#: Nodes or edges rendered at a time: chunks of text stay below ~30 MB, which the allocator reuses.
CHUNK_SIZE = 20_000


@dataclass
class _Column:
    """A column ready to write: value codes per row and the text of the triple(s) of each value."""

    codes: np.ndarray
    toks: np.ndarray
    counts: np.ndarray | None = None  # multi-valued: values per distinct cell, at ``offsets`` in ``toks``
    offsets: np.ndarray | None = None

    @property
    def present(self) -> np.ndarray:
        return self.toks != "" if len(self.toks) else np.zeros(0, dtype=bool)


class NTriplesWriter:
    """Renders a :class:`KnowledgeGraph` as N-Triples (or N-Quads, or Turtle) text, chunk by chunk.

    Each chunk is a string of complete triples; nodes come first (all triples of a node
    together), then edges: the direct triples of the chunk, then one block per reified edge.
    Every distinct value (a node, a CURIE, a class, a literal of a categorical column) is turned
    into its text once; the triples are then assembled by taking those texts by code.
    """

    def __init__(self, kg: KnowledgeGraph, graph: str | None = None, chunk_size: int = CHUNK_SIZE,
                 syntax: Syntax | None = None, arrow: bool | None = None):
        self.kg = kg
        self.schema = kg.schema
        self.chunk_size = chunk_size
        self.syntax = syntax = syntax or Syntax(graph)
        #: N-Triples edge chunks assembled by Arrow string kernels (the default for N-Triples;
        #: ``arrow=False`` keeps the object-array path Turtle uses, which spells the same text).
        self.arrow = not syntax.turtle if arrow is None else arrow
        if self.arrow and syntax.turtle:
            raise ValueError("the Arrow path writes N-Triples only")
        self.end = syntax.end
        self.count = 0
        schema = self.schema
        ids = kg.node_column("id").astype(object)
        iris = expand_all(ids, "node", schema)
        check_iris(iris, "node")
        self.node_iri = iris
        self.node_tok = syntax.tokens(iris, [p.uri_prefix for p in schema.prefixes.values()])
        codes, cats = factor(kg.node_column("category"))
        class_rest = np.array([syntax.pred(RDF_TYPE) + syntax.term(schema.classes[c].iri) + syntax.end
                               for c in cats], dtype=object)
        self.class_rest = class_rest[codes] if len(codes) else np.empty(0, dtype=object)
        # every node is also typed with its Biolink class (biolink:Cell, biolink:Gene, ...)
        biolink_rest = np.array([syntax.pred(RDF_TYPE) + syntax.term(biolink_iri(schema.classes[c].biolink_category))
                                 + syntax.end for c in cats], dtype=object)
        self.biolink_rest = biolink_rest[codes] if len(codes) else np.empty(0, dtype=object)
        self.id_rest = (syntax.pred(DCT_IDENTIFIER) + lit(ids) + syntax.end) if len(ids) \
            else np.empty(0, dtype=object)
        self.rel_tok = np.array([syntax.term(r.iri) for r in schema.relations.values()], dtype=object)
        self.rel_codes = _relation_codes(kg.edge_column("predicate"), list(schema.relations))
        # parallel edges (same subject, relationship, object) share one direct triple
        self.first_direct = ~pd.DataFrame({"s": kg.src, "p": self.rel_codes, "o": kg.dst}).duplicated().to_numpy()
        self._node_rest: dict[str, np.ndarray] = {}
        self._columns: dict[tuple[str, str], _Column] = {}
        self._arrow: dict[Any, Any] = {}  # N-Triples: Arrow copies of the token tables, made on first use

    # -------------------------------------------------------------- helpers
    def _rest_by_node(self, pred: str) -> np.ndarray:
        """For every node: the rest of a triple ``<x> pred <node>``."""
        if pred not in self._node_rest:
            self._node_rest[pred] = (self.syntax.pred(pred) + self.node_tok + self.end) if len(self.node_tok) \
                else self.node_tok
        return self._node_rest[pred]

    def _value_tokens(self, slot: Slot, uniques: np.ndarray) -> np.ndarray:
        """Object token for each unique cell value ('' = no triple), vectorised."""
        vals = pd.Series(uniques, dtype=object).astype(str)
        empty = (vals == "").to_numpy()
        if slot.kind in ("literal", "category"):
            toks = lit(vals)
        elif slot.kind == "integer":
            toks = ('"' + vals + '"^^' + self.syntax.term(XSD + "integer")).to_numpy(dtype=object)
        elif slot.kind == "double":  # pragma: no cover - doubles go through _double_tokens
            raise ValueError(slot.kind)
        else:
            if slot.kind == "curie":
                iris = expand_all(vals[~empty], slot.column, self.schema)
                namespaces = [self.schema.prefixes[p].uri_prefix for p in slot.allowed_prefixes(self.schema)
                              if p in self.schema.prefixes] or None
            elif slot.kind == "enum":
                iris = (EVGRAPH + encode_locals(vals[~empty])).to_numpy(dtype=object)
                namespaces = [EVGRAPH]
            elif slot.kind == "statement":
                iris = (STATEMENT_NS + encode_locals(vals[~empty])).to_numpy(dtype=object)
                namespaces = [STATEMENT_NS]
            else:  # pragma: no cover
                raise ValueError(slot.kind)
            check_iris(iris, slot.column)
            toks = np.full(len(vals), "", dtype=object)
            toks[~empty] = self.syntax.tokens(iris, namespaces)
        toks[empty] = ""
        return toks

    def _column(self, table: str, slot: Slot) -> _Column:
        """The texts of every distinct value of a node or edge column, made once per export
        (only this column is read from a lazily loaded graph)."""
        key = (table, slot.column)
        if key not in self._columns:
            kg = self.kg
            column, names, n = ((kg.node_column, kg.node_columns, kg.num_nodes) if table == "nodes"
                                else (kg.edge_column, kg.edge_columns, kg.num_edges))
            # a graph built before a field existed has no column for it: every cell is missing
            values = column(slot.column) if slot.column in names else pd.Series(np.full(n, None, dtype=object))
            self._columns[key] = self._prepare(slot, values)
        return self._columns[key]

    def _prepare(self, slot: Slot, values: pd.Series) -> _Column:
        rest = self.syntax.pred(slot.predicate)
        end = self.end
        if slot.kind == "double":
            if values.dtype.kind != "f":  # a decimal evidence field (evgraph.evidence): text cells, "" = missing
                values = pd.Series(decimals(values))  # float() per cell: exact, unlike pandas' parser
            codes, uniques = pd.factorize(pd.Series(values.to_numpy(dtype=np.float64)), use_na_sentinel=False)
            dtype = self.syntax.term(XSD + "double")
            toks = np.array(["" if np.isnan(u) else f'{rest}"{float(u)!r}"^^{dtype}{end}' for u in uniques],
                            dtype=object)
            return _Column(codes.astype(np.int64), toks)
        codes, uniques = factor(values)
        if slot.multi:
            lists = [list(dict.fromkeys(x for x in u.split(LIST_SEP) if x)) for u in uniques]
            counts = np.array([len(x) for x in lists], dtype=np.int64)
            flat = np.array([x for lst in lists for x in lst], dtype=object)
            toks = (rest + self._value_tokens(slot, flat) + end) if len(flat) else flat
            offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
            return _Column(codes, toks, counts, offsets)
        toks = self._value_tokens(slot, uniques)
        if len(toks):
            toks = np.where(toks != "", rest + toks + end, "").astype(object)
        return _Column(codes, toks)

    def _slot_group(self, table: str, slot: Slot, sel: slice | np.ndarray
                    ) -> tuple[np.ndarray | None, list[Any]] | None:
        """The triples of one column for the rows ``sel``, as a :func:`_render` group (``None``: none)."""
        col = self._column(table, slot)
        codes = col.codes[sel]
        if not len(codes):
            return None
        if col.counts is not None:
            cnt = col.counts[codes]
            total = int(cnt.sum())
            if not total:
                return None
            rows = np.repeat(np.arange(len(codes)), cnt)
            within = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            return rows, [col.toks[np.repeat(col.offsets[codes], cnt) + within]]
        present = col.present[codes]
        if present.all():
            return None, [col.toks[codes]]
        rows = np.flatnonzero(present)
        return (rows, [col.toks[codes[rows]]]) if len(rows) else None

    def _render(self, n: int, groups: list, subj: np.ndarray) -> str:
        text, lines = _render(n, [g for g in groups if g is not None], subj, self.syntax)
        self.count += lines
        return text

    # -------------------------------------------------------------- nodes
    def node_chunk(self, idx: np.ndarray, full: bool = True) -> str:
        """Triples of the nodes at positions ``idx`` (``full=False``: only type and identifier)."""
        groups: list[Any] = [(None, [self.class_rest[idx]]), (None, [self.biolink_rest[idx]]),
                             (None, [self.id_rest[idx]])]
        if full:
            groups += [self._slot_group("nodes", slot, idx) for slot in NODE_SLOTS]
        return self._render(len(idx), groups, self.node_tok[idx])

    # -------------------------------------------------------------- edges
    def direct_chunk(self, lo: int, hi: int) -> str:
        """The direct triples ``<subject> <relationship> <object>`` of edges ``lo:hi`` (one per
        distinct subject, relationship, object)."""
        if self.arrow:
            return _text(self.direct_lines(lo, hi))
        kg = self.kg
        direct = lo + np.flatnonzero(self.first_direct[lo:hi])
        pieces = np.empty((len(direct), 6), dtype=object)
        pieces[:, 0] = self.node_tok[kg.src[direct]]
        pieces[:, 1] = " "
        pieces[:, 2] = self.rel_tok[self.rel_codes[direct]]
        pieces[:, 3] = " "
        pieces[:, 4] = self.node_tok[kg.dst[direct]]
        pieces[:, 5] = self.syntax.stop
        self.count += len(direct)
        return "".join(pieces.ravel().tolist())

    def statement_chunk(self, lo: int, hi: int) -> str:
        """The reified statements of edges ``lo:hi``, one block per edge."""
        if self.arrow:
            return _text(self.statement_blocks(lo, hi))
        kg, syntax, end = self.kg, self.syntax, self.end
        ids = self.kg.edge_column("id").iloc[lo:hi]
        e_iri = edge_iris(ids)
        check_iris(e_iri, "edge")
        e = syntax.tokens(np.asarray(e_iri, dtype=object), [EVGRAPH])
        pred_rest = syntax.pred(REIFICATION[1]) + self.rel_tok + end
        groups: list[Any] = [
            (None, [syntax.pred(RDF_TYPE) + syntax.term(STATEMENT_TYPES[0]) + end]),
            (None, [syntax.pred(RDF_TYPE) + syntax.term(STATEMENT_TYPES[1]) + end]),
            (None, [self._rest_by_node(REIFICATION[0])[kg.src[lo:hi]]]),
            (None, [pred_rest[self.rel_codes[lo:hi]]]),
            (None, [self._rest_by_node(REIFICATION[2])[kg.dst[lo:hi]]]),
            (None, [syntax.pred(DCT_IDENTIFIER) + '"', escape(ids), '"' + end]),
        ]
        groups += [self._slot_group("edges", slot, slice(lo, hi)) for slot in EDGE_SLOTS]
        return self._render(hi - lo, groups, e)

    # -------------------------------------------------------------- N-Triples through Arrow
    def _a(self, key: Any, make: Any) -> Any:
        """An Arrow array cached under ``key`` (made by ``make()`` on first use)."""
        if key not in self._arrow:
            self._arrow[key] = make()
        return self._arrow[key]

    def _ids(self) -> Any:
        """The edge ids as an Arrow string array."""
        return self._a("ids", lambda: pa_array(self.kg.edge_column("id").to_numpy(dtype=object)))

    def _edge_terms(self, lo: int, hi: int) -> tuple[Any, Any]:
        """Arrow arrays for edges ``lo:hi``: the subject token of each reified statement and the
        rest of its ``dct:identifier`` triple.

        ``evgraph:`` ids with a plain local part (every id the builder makes) are spelled by Arrow
        string kernels; any other id goes through :func:`edge_iris` (percent-encoding) and
        :func:`escape` like the Turtle path.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        ids = self._ids()
        plain = self._a("plain_ids", lambda: len(ids) == 0 or pc.all(pc.match_substring_regex(
            ids, _PLAIN_EDGE_ID)).as_py() is True)
        pred = self.syntax.pred(DCT_IDENTIFIER)
        if plain:
            chunk = ids.slice(lo, hi - lo)
            e = pc.binary_join_element_wise("<" + EVGRAPH, pc.utf8_slice_codeunits(chunk, 8), ">", "")
            return e, pc.binary_join_element_wise(pred + '"', chunk, '"' + self.end, "")
        values = self.kg.edge_column("id").iloc[lo:hi]
        e_iri = edge_iris(values)
        check_iris(e_iri, "edge")
        e = self.syntax.tokens(np.asarray(e_iri, dtype=object), [EVGRAPH])
        ident = (pred + '"' + escape(values) + '"' + self.end) if len(values) else np.empty(0, dtype=object)
        return pa.array(e, type=pa.string()), pa.array(ident, type=pa.string())

    def _slot_args(self, slot: Slot, lo: int, hi: int, e: Any) -> list[Any]:
        """Arguments of the row-wise join for one edge column: ``[e, rest]`` when every row has a
        triple, else ``[line]`` (null where a row has none, or all its triples of a multi-valued cell)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        col = self._column("edges", slot)
        toks = self._a(("toks", slot.column), lambda: pa.array(
            col.toks, type=pa.string(), mask=(col.toks == "") if len(col.toks) else None))
        codes = col.codes[lo:hi]
        if col.counts is None:
            rest = toks.take(codes)
            return [e, rest] if rest.null_count == 0 else [pc.binary_join_element_wise(e, rest, "")]
        cnt = col.counts[codes]
        total = int(cnt.sum())
        if not total:
            return []
        ends = np.cumsum(cnt)
        within = np.arange(total) - np.repeat(ends - cnt, cnt)
        flat = toks.take(np.repeat(col.offsets[codes], cnt) + within)
        lines = pc.binary_join_element_wise(e.take(np.repeat(np.arange(len(codes)), cnt)), flat, "")
        offsets = pa.array(np.concatenate([[0], ends]), type=pa.int32())
        return [pc.binary_join(pa.ListArray.from_arrays(offsets, lines), "")]

    def statement_blocks(self, lo: int, hi: int) -> Any:
        """N-Triples of the reified statements of edges ``lo:hi``: an Arrow string array, one
        block of lines per edge (the same text as the Turtle path's N-Triples spelling).

        Each triple is ``subject + rest``; the rest of every distinct value (a node, a relation, a
        column value) is made once per export, taken by code, and each edge's lines are joined
        row-wise by Arrow's ``binary_join_element_wise``: no Python string per triple or per edge.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        kg, syntax, end = self.kg, self.syntax, self.end
        e, ident = self._edge_terms(lo, hi)
        rest_s = self._a("rest_s", lambda: pa.array(self._rest_by_node(REIFICATION[0]), type=pa.string()))
        rest_o = self._a("rest_o", lambda: pa.array(self._rest_by_node(REIFICATION[2]), type=pa.string()))
        rest_p = self._a("rest_p", lambda: pa.array(syntax.pred(REIFICATION[1]) + self.rel_tok + end,
                                                    type=pa.string()))
        args: list[Any] = [e, syntax.pred(RDF_TYPE) + syntax.term(STATEMENT_TYPES[0]) + end,
                           e, syntax.pred(RDF_TYPE) + syntax.term(STATEMENT_TYPES[1]) + end,
                           e, rest_s.take(kg.src[lo:hi]), e, rest_p.take(self.rel_codes[lo:hi]),
                           e, rest_o.take(kg.dst[lo:hi]), e, ident]
        for slot in EDGE_SLOTS:
            args += self._slot_args(slot, lo, hi, e)
        self.count += 6 * (hi - lo) + sum(self._slot_triples(slot, lo, hi) for slot in EDGE_SLOTS)
        return pc.binary_join_element_wise(*args, "", null_handling="skip")

    def _row_bytes(self, bound: bool = False) -> tuple[np.ndarray, int]:
        """An upper bound of the N-Triples bytes of each edge's reified statement, and its maximum
        (``bound=True``: only a bound of the maximum, from the largest value of each column, cheaply)."""
        import pyarrow.compute as pc

        def lengths(toks: np.ndarray) -> np.ndarray:
            if not len(toks):
                return np.zeros(0, dtype=np.int64)
            return pc.binary_length(pc.cast(pa_array(toks), "binary")).to_numpy(zero_copy_only=False).astype(np.int64)

        syntax, end = self.syntax, self.end
        ids = pc.binary_length(self._ids()).to_numpy(zero_copy_only=False).astype(np.int64)
        if bound:
            ids = ids.max(initial=0, keepdims=True)
        subject = len(EDGE_NS) + 2 + 3 * ids  # percent-encoding at most triples a byte
        lines = np.full(len(ids), 6, dtype=np.int64)
        fixed = sum(len((syntax.pred(RDF_TYPE) + syntax.term(t) + end).encode()) for t in STATEMENT_TYPES)
        fixed += len((syntax.pred(DCT_IDENTIFIER) + '""' + end).encode())
        fixed += int(lengths(syntax.pred(REIFICATION[1]) + self.rel_tok + end).max(initial=0))
        fixed += sum(int(lengths(self._rest_by_node(p)).max(initial=0)) for p in (REIFICATION[0], REIFICATION[2]))
        rest = fixed + 2 * ids  # the identifier literal: escaping at most doubles a byte
        for slot in EDGE_SLOTS:
            col = self._column("edges", slot)
            own = lengths(col.toks)
            if not len(own):
                continue
            if col.counts is None:
                per_value, count = own, col.present.astype(np.int64)
            else:
                total = np.concatenate([[0], np.cumsum(own)])
                per_value, count = total[col.offsets + col.counts] - total[col.offsets], col.counts
            if bound:
                rest += per_value.max(initial=0)
                lines += count.max(initial=0)
            else:
                rest += per_value[col.codes]
                lines += count[col.codes]
        size = lines * subject + rest
        return size, int(size.max(initial=0))

    def _statement_ranges(self, step: int) -> Iterator[tuple[int, int]]:
        """Edge ranges of at most ``step`` edges whose N-Triples text stays under :data:`MAX_CHUNK_BYTES`
        (memory bounded however long an edge's text is; Arrow's 32-bit string offsets never overflow)."""
        n = self.kg.num_edges
        if not n:
            return
        if self._row_bytes(bound=True)[1] * step <= MAX_CHUNK_BYTES:  # every chunk fits: the usual case
            yield from ((lo, min(lo + step, n)) for lo in range(0, n, step))
            return
        size, _ = self._row_bytes()
        ends = np.cumsum(size)
        lo = 0
        while lo < n:
            hi = min(lo + step, n)
            base = int(ends[lo - 1]) if lo else 0
            if int(ends[hi - 1]) - base > MAX_CHUNK_BYTES:
                hi = max(lo + 1, int(np.searchsorted(ends, base + MAX_CHUNK_BYTES, side="right")))
            yield lo, hi
            lo = hi

    def _slot_triples(self, slot: Slot, lo: int, hi: int) -> int:
        col = self._column("edges", slot)
        codes = col.codes[lo:hi]
        if col.counts is not None:
            return int(col.counts[codes].sum())
        return int(col.present[codes].sum())

    def direct_lines(self, lo: int, hi: int) -> Any:
        """N-Triples direct triples of edges ``lo:hi`` as an Arrow string array (see :meth:`direct_chunk`)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        kg = self.kg
        direct = lo + np.flatnonzero(self.first_direct[lo:hi])
        node = self._a("node_tok", lambda: pa.array(self.node_tok, type=pa.string()))
        rel = self._a("rel_tok", lambda: pa.array(self.rel_tok, type=pa.string()))
        self.count += len(direct)
        return pc.binary_join_element_wise(node.take(kg.src[direct]), " ", rel.take(self.rel_codes[direct]), " ",
                                           node.take(kg.dst[direct]), self.syntax.stop, "")

    def edge_chunk(self, lo: int, hi: int) -> str:
        """Direct triples then reified statements of edges ``lo:hi``."""
        return self.direct_chunk(lo, hi) + self.statement_chunk(lo, hi)

    # -------------------------------------------------------------- dataset
    def header(self, total: int | None = None) -> str:
        """The dataset description (call last so ``void:triples`` is known)."""
        from ..._version import __version__

        facts = ontology_facts()
        ds = f"<{DATASET_IRI}>"
        kg = self.kg
        triples = [
            (f"<{RDF_TYPE}>", f"<{VOID}Dataset>"),
            (f"<{RDF_TYPE}>", f"<{OWL}Ontology>"),
            (f"<{DCTERMS}title>", lit(["evgraph knowledge graph of systemic extracellular-vesicle traffic"])[0]),
            (f"<{OWL}imports>", f"<{ONTOLOGY_IRI}>"),
            (f"<{DCTERMS}conformsTo>", f"<{facts['version_iri'] or ONTOLOGY_IRI}>"),
            (f"<{VOID}vocabulary>", f"<{EVGRAPH}>"),
            (f"<{VOID}vocabulary>", f"<{BIOLINK}>"),
            (f"<{OWL}versionInfo>", lit([str(kg.metadata.get("evgraph_version", __version__))])[0]),
            (f"<{DCTERMS}hasVersion>", lit([str(kg.metadata.get("evgraph_version", __version__))])[0]),
            (f"<{VOID}entities>", f'"{kg.num_nodes}"^^<{XSD}integer>'),
        ]
        if facts["license"]:
            triples.append((f"<{DCTERMS}license>", f"<{facts['license']}>"))
        n = len(triples) + 1
        total = (self.count if total is None else total) + n
        triples.append((f"<{VOID}triples>", f'"{total}"^^<{XSD}integer>'))
        self.count += n
        return "".join(f"{ds} {p} {o}{self.syntax.stop}" for p, o in triples)

    def chunks(self, progress: bool = False) -> Iterator[str]:
        """Every chunk of the data graph: nodes, the direct triples of the edges, their reified
        statements, then the dataset header (the text does not depend on ``chunk_size``)."""
        for part in self.parts(progress):
            yield part if isinstance(part, str) else _text(part)

    def parts(self, progress: bool = False) -> Iterator[Any]:
        """The chunks of :meth:`chunks`, N-Triples edge chunks as Arrow string arrays (whose
        bytes :func:`_buffer` hands to ``write`` without a copy)."""
        kg = self.kg
        nt = self.arrow
        step = self.chunk_size
        bar = None
        if progress:
            from ...progress import bar as progress_bar

            bar = progress_bar(total=kg.num_nodes + kg.num_edges, unit="rec", desc="rdf")
        for lo in range(0, kg.num_nodes, step):
            hi = min(lo + step, kg.num_nodes)
            yield self.node_chunk(np.arange(lo, hi))
            if bar is not None:
                bar.update(hi - lo)
        for lo in range(0, kg.num_edges, step * 5):
            hi = min(lo + step * 5, kg.num_edges)
            yield self.direct_lines(lo, hi) if nt else self.direct_chunk(lo, hi)
        for lo, hi in self._statement_ranges(step) if nt else (
                (lo, min(lo + step, kg.num_edges)) for lo in range(0, kg.num_edges, step)):
            yield self.statement_blocks(lo, hi) if nt else self.statement_chunk(lo, hi)
            if bar is not None:
                bar.update(hi - lo)
        if bar is not None:
            bar.close()
        yield self.header()


def ontology_lines(graph: str | None = None) -> str:
    """The ontology as N-Triples/N-Quads text, blank nodes renamed deterministically."""
    import pyoxigraph as ox

    names: dict[str, str] = {}

    def term(t) -> str:
        if isinstance(t, ox.BlankNode):
            return "_:o" + names.setdefault(t.value, str(len(names) + 1))
        return str(t)

    end = f" <{graph}> .\n" if graph else " .\n"
    out = []
    for q in ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE):
        out.append(f"{term(q.subject)} {term(q.predicate)} {term(q.object)}{end}")
    return "".join(out)


def iter_rdf_chunks(kg: KnowledgeGraph, fmt: str, include_ontology: bool | None = None,
                    chunk_size: int = CHUNK_SIZE, progress: bool = False) -> Iterator[str]:
    """The export as text, chunk by chunk: N-Triples / N-Quads lines for nt, nq and jsonld
    (which pyoxigraph serialises), Turtle / TriG written directly for ttl and trig.
    """
    for part in _iter_parts(kg, fmt, include_ontology, chunk_size, progress):
        yield part if isinstance(part, str) else _text(part)


def _iter_parts(kg: KnowledgeGraph, fmt: str, include_ontology: bool | None = None,
                chunk_size: int = CHUNK_SIZE, progress: bool = False) -> Iterator[Any]:
    """:func:`iter_rdf_chunks`, N-Triples edge chunks left as Arrow string arrays."""
    quads = fmt in QUAD_FORMATS
    with_ontology = include_ontology if include_ontology is not None else quads
    if fmt in ("ttl", "trig"):
        syntax = Syntax(prefixes=turtle_prefixes(kg.schema))
        yield syntax.prefix_lines()
        yield from NTriplesWriter(kg, chunk_size=chunk_size, syntax=syntax).chunks(progress=progress)
        if with_ontology:
            yield (f"<{ONTOLOGY_IRI}> {{\n" + ontology_lines() + "}\n") if quads else ontology_lines()
        return
    writer = NTriplesWriter(kg, chunk_size=chunk_size)  # data in the default graph, also in quad formats
    yield from writer.parts(progress=progress)
    if with_ontology:
        yield ontology_lines(ONTOLOGY_IRI if quads else None)


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise EvgraphError(f"unknown RDF format '{fmt}' (known: {', '.join(FORMATS)})")
    return fmt


def write_rdf_stream(kg: KnowledgeGraph, out: IO[bytes], fmt: str = "ttl", include_ontology: bool | None = None,
                     chunk_size: int = CHUNK_SIZE, progress: bool = False) -> None:
    """Write the export to a binary stream."""
    import pyoxigraph as ox

    _check_format(fmt)
    if fmt != "jsonld":
        with _gc_paused():
            for part in _iter_parts(kg, fmt, include_ontology, chunk_size, progress):
                out.write(part.encode("utf-8") if isinstance(part, str) else _buffer(part))
        return
    chunks = iter_rdf_chunks(kg, fmt, include_ontology, chunk_size, progress)

    def quads():
        for chunk in chunks:
            yield from ox.parse(chunk.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)

    ox.serialize(quads(), out, ox_format(fmt), prefixes=turtle_prefixes(kg.schema))


def write_rdf(kg: KnowledgeGraph, path: str | Path, fmt: str | None = None, include_ontology: bool | None = None,
              chunk_size: int = CHUNK_SIZE, progress: bool = False) -> Path:
    """Write ``kg`` as RDF to ``path`` atomically (format from ``fmt`` or the extension)."""
    path = Path(path)
    fmt = _check_format(fmt or guess_format(path, default="ttl"))
    with atomic_path(path) as tmp, open(tmp, "wb") as raw:
        if path.suffix == ".gz":  # deterministic: no file name, mtime 0 in the gzip header
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
                write_rdf_stream(kg, fh, fmt, include_ontology, chunk_size, progress)
        else:
            write_rdf_stream(kg, raw, fmt, include_ontology, chunk_size, progress)
    return path


def export_rdf(kg: KnowledgeGraph, path: str | Path, format: str | None = None,
               include_ontology: bool | None = None) -> Path:
    """The ``rdf`` writer of :data:`evgraph.formats.WRITERS` (a progress bar on a terminal, see evgraph.progress)."""
    return write_rdf(kg, path, format, include_ontology=include_ontology, progress=True)


def to_rdf_string(kg: KnowledgeGraph, fmt: str = "ttl", include_ontology: bool | None = None) -> str:
    """The export as a string (small graphs)."""
    buf = io.BytesIO()
    write_rdf_stream(kg, buf, fmt, include_ontology)
    return buf.getvalue().decode("utf-8")


def guess_format(path: str | Path, default: str | None = None) -> str:
    """RDF format from a file name (``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``, ``.gz``).

    >>> guess_format("out/kg.nt.gz")
    'nt'
    """
    p = Path(path)
    suffixes = [s.lower() for s in p.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    fmt = READ_EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        if default is None:
            raise EvgraphError(f"{path}: cannot tell the RDF format from the extension "
                               f"(use one of {', '.join(sorted(READ_EXTENSIONS))})")
        return default
    return fmt


