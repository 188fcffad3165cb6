"""RDF reader: an RDF file written by :mod:`evgraph.formats.rdf.writer` (or shaped like it) back into records.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd

from ...build.records import SourceRecords
from ...errors import DataError, EvgraphError, Problem
from ...identifiers import compress
from ...model import LIST_SEP
from ...schema import EVGRAPH, ONTOLOGY_IRI, Schema, get_schema, ontology_path
from .mapping import (
    DATASET_IRI,
    DCT_IDENTIFIER,
    EDGE_NS,
    EDGE_SLOTS,
    NODE_SLOTS,
    OWL,
    RDF_TYPE,
    REIFICATION,
    STATEMENT_NS,
    STATEMENT_TYPES,
    VOID,
    Slot,
    biolink_class_iris,
    ox_format,
)
from .writer import (
    guess_format,
)


# ---------------------------------------------------------------------- reader
@cache
def _ontology_subjects() -> frozenset[str]:
    import pyoxigraph as ox

    return frozenset(q.subject.value for q in ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
                     if isinstance(q.subject, ox.NamedNode))


class _Reader:
    def __init__(self, path: Path, schema: Schema):
        self.path = path
        self.file = str(path)
        self.schema = schema
        self.problems: list[Problem] = []
        self.class_by_iri = {c.iri: c.name for c in schema.classes.values()}
        self.rel_by_iri = {r.iri: r.name for r in schema.relations.values()}
        self.node_slot = {s.predicate: s for s in NODE_SLOTS}
        self.edge_slot = {s.predicate: s for s in EDGE_SLOTS}
        self.other_types = {*STATEMENT_TYPES, VOID + "Dataset", OWL + "Ontology", *biolink_class_iris(schema)}

    def fail(self, line: int | None, field: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, field, message))
        if len(self.problems) >= 50:
            raise DataError(self.problems)


def _triple_text(q) -> str:
    return f"{q.subject} {q.predicate} {q.object}"


def read_rdf(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Read the nodes and edges of an evgraph RDF export (any format we write).

    ``options["format"]`` names the syntax (default: from the extension).

    Every problem names the file, the position of the offending triple in it (for N-Triples and
    N-Quads, the line) and the triple: unparseable input, an unknown class or predicate, an IRI
    that maps back to no CURIE, a statement whose subject or object is not a typed node.
    """
    import pyoxigraph as ox

    if path is None:
        raise EvgraphError("the rdf source needs a file: --source rdf=FILE")
    path = Path(path)
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, "file not found"))
    fmt = (options or {}).get("format") or guess_format(path)
    schema = get_schema()
    r = _Reader(path, schema)
    ont_subjects = _ontology_subjects()

    types: dict[str, list[tuple[str, int, Any]]] = {}
    props: dict[str, dict[str, list[tuple[Any, int]]]] = {}
    direct: list[tuple[str, str, str, int, Any]] = []
    first_line: dict[str, int] = {}
    try:
        source: Any = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")
        with source as fh:
            for line, q in enumerate(ox.parse(fh, format=ox_format(fmt)), start=1):
                g = q.graph_name
                if isinstance(g, ox.NamedNode) and g.value == ONTOLOGY_IRI:
                    continue
                subj, pred, obj = q.subject, q.predicate.value, q.object
                if not isinstance(subj, ox.NamedNode):
                    continue  # blank nodes only occur in the (optionally included) ontology
                s = subj.value
                if s == DATASET_IRI or s in ont_subjects:
                    continue
                first_line.setdefault(s, line)
                if pred == RDF_TYPE:
                    types.setdefault(s, []).append((obj.value if isinstance(obj, ox.NamedNode) else str(obj),
                                                    line, q))
                elif pred in r.rel_by_iri:
                    if not isinstance(obj, ox.NamedNode):
                        r.fail(line, "object", f"triple {_triple_text(q)}: the object of a relationship must be an IRI")
                        continue
                    direct.append((s, pred, obj.value, line, q))
                elif pred in r.node_slot or pred in r.edge_slot or pred in REIFICATION or pred == DCT_IDENTIFIER:
                    props.setdefault(s, {}).setdefault(pred, []).append((obj, line))
                else:
                    r.fail(line, "predicate", f"triple {_triple_text(q)}: unknown predicate <{pred}>")
    except SyntaxError as exc:
        raise DataError(Problem(str(path), None, None, f"cannot parse as {fmt}: {exc}")) from None
    except (ValueError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(Problem(str(path), None, None, f"cannot read as {fmt}: {exc}")) from None
    if r.problems:
        raise DataError(r.problems)

    # ---------------------------------------------------------------- classify subjects
    node_rows: list[dict[str, Any]] = []
    node_id: dict[str, str] = {}
    statements: list[str] = []
    for s, tlist in types.items():
        classes = []
        is_statement = False
        for t, line, q in tlist:
            if t in r.class_by_iri:
                classes.append(r.class_by_iri[t])
            elif t == STATEMENT_TYPES[0]:
                is_statement = True
            elif t not in r.other_types:
                r.fail(line, "category", f"triple {_triple_text(q)}: unknown class <{t}>")
        if is_statement:
            statements.append(s)
            continue
        if not classes:
            continue
        line = first_line[s]
        if len(classes) > 1:
            r.fail(line, "category", f"<{s}> has several evgraph classes: {', '.join(sorted(classes))}")
            continue
        p = props.get(s, {})
        ident = p.get(DCT_IDENTIFIER)
        if ident:
            cid = ident[0][0].value
        else:
            cid = compress(s)
            if cid is None:
                r.fail(line, "id", f"triple <{s}> <{RDF_TYPE}> <{tlist[0][0]}>: cannot map the IRI <{s}> back "
                                   "to a CURIE (no declared prefix matches; add dcterms:identifier)")
                continue
        row: dict[str, Any] = {"id": cid, "category": classes[0], "_line": line}
        for pred, values in p.items():
            slot = r.node_slot.get(pred)
            if slot is None:
                if pred != DCT_IDENTIFIER:
                    r.fail(values[0][1], "predicate", f"<{pred}> is an edge property, but <{s}> is a "
                                                      f"{classes[0]} node")
                continue
            texts = sorted({v.value for v, _ in values})
            row[slot.column] = LIST_SEP.join(texts) if slot.multi else texts[0]
        node_rows.append(row)
        node_id[s] = cid

    # ---------------------------------------------------------------- statements
    def node_ref(iri: str, line: int, field: str, q_text: str) -> str | None:
        cid = node_id.get(iri)
        if cid is None:
            r.fail(line, field, f"{q_text}: missing reference: <{iri}> is not a typed node of the graph")
        return cid

    edge_rows: list[dict[str, Any]] = []
    covered: set[tuple[str, str, str]] = set()
    for e in statements:
        p = props.get(e, {})
        line = first_line[e]
        ends = {}
        ok = True
        for pred in REIFICATION:
            vals = p.get(pred, [])
            if len(vals) != 1 or not isinstance(vals[0][0], ox.NamedNode):
                r.fail(line, pred.rsplit("#", 1)[1], f"statement <{e}> needs exactly one IRI for <{pred}>")
                ok = False
            else:
                ends[pred] = (vals[0][0].value, vals[0][1])
        if not ok:
            continue
        (s_iri, s_line), (p_iri, p_line), (o_iri, o_line) = (ends[x] for x in REIFICATION)
        if p_iri not in r.rel_by_iri:
            r.fail(p_line, "predicate", f"triple <{e}> <{REIFICATION[1]}> <{p_iri}>: unknown relationship")
            continue
        s_id = node_ref(s_iri, s_line, "subject", f"triple <{e}> <{REIFICATION[0]}> <{s_iri}>")
        o_id = node_ref(o_iri, o_line, "object", f"triple <{e}> <{REIFICATION[2]}> <{o_iri}>")
        if s_id is None or o_id is None:
            continue
        covered.add((s_iri, p_iri, o_iri))
        ident = p.get(DCT_IDENTIFIER)
        if ident:
            eid = ident[0][0].value
        elif e.startswith(EDGE_NS):
            eid = unquote(e[len(EDGE_NS):])
        else:
            eid = compress(e) or ""
        row = {"id": eid, "subject": s_id, "predicate": r.rel_by_iri[p_iri], "object": o_id, "_line": line}
        for pred, values in p.items():
            slot = r.edge_slot.get(pred)
            if slot is None:
                if pred in r.node_slot:
                    r.fail(values[0][1], "predicate", f"<{pred}> is a node property, but <{e}> is a statement")
                continue
            texts = []
            for v, vline in values:
                text = _read_value(slot, v, vline, e, r)
                if text is not None:
                    texts.append(text)
            if not texts:
                continue
            if slot.kind == "double":
                row[slot.column] = texts[0]
            else:
                uniq = sorted(set(texts))
                row[slot.column] = LIST_SEP.join(uniq) if slot.multi else uniq[0]
        edge_rows.append(row)

    for s_iri, p_iri, o_iri, line, q in direct:
        if (s_iri, p_iri, o_iri) in covered:
            continue
        s_id = node_ref(s_iri, line, "subject", f"triple {_triple_text(q)}")
        o_id = node_ref(o_iri, line, "object", f"triple {_triple_text(q)}")
        if s_id is not None and o_id is not None:
            edge_rows.append({"subject": s_id, "predicate": r.rel_by_iri[p_iri], "object": o_id, "_line": line})
    if r.problems:
        raise DataError(r.problems)
    if not node_rows:
        raise DataError(Problem(str(path), None, None, "no evgraph nodes found (is this an evgraph RDF export?)"))
    rec = SourceRecords("rdf", final=True, provenance=f"rdf={path}")
    rec.add(nodes=pd.DataFrame(node_rows), file=str(path))
    if edge_rows:
        rec.add(edges=pd.DataFrame(edge_rows), file=str(path))
    return rec


def _read_value(slot: Slot, v: Any, line: int, subject: str, r: _Reader) -> Any:
    import pyoxigraph as ox

    where = f"triple <{subject}> <{slot.predicate}> {v}"
    if slot.kind in ("literal", "category"):
        if not isinstance(v, ox.Literal):
            r.fail(line, slot.column, f"{where}: expected a literal")
            return None
        return v.value
    if slot.kind == "integer":
        if not isinstance(v, ox.Literal) or not re.fullmatch(r"-?\d+", v.value):
            r.fail(line, slot.column, f"{where}: not a whole number")
            return None
        return str(int(v.value))
    if slot.kind == "double":
        try:
            return float(v.value) if isinstance(v, ox.Literal) else r.fail(line, slot.column, f"{where}: not a number")
        except ValueError:
            r.fail(line, slot.column, f"{where}: '{v.value}' is not a number")
            return None
    if not isinstance(v, ox.NamedNode):
        r.fail(line, slot.column, f"{where}: expected an IRI")
        return None
    iri = v.value
    if slot.kind == "enum":
        if iri.startswith(EVGRAPH):
            return unquote(iri[len(EVGRAPH):])
    elif slot.kind == "statement":
        if iri.startswith(STATEMENT_NS):
            return unquote(iri[len(STATEMENT_NS):])
    else:
        cid = compress(iri)
        if cid is not None:
            return cid
    r.fail(line, slot.column, f"{where}: cannot map the IRI <{iri}> back to an evgraph value")
    return None
