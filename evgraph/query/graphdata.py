"""The property-graph view of a :class:`~evgraph.model.KnowledgeGraph` shared by every Cypher backend.

One layout for the embedded engine, the Neo4j loader and the ``neo4j-admin`` CSV export:

* each node has exactly one label, its ontology class (``CellType``, ``EVPopulation``, ...),
  and the properties ``id``, ``label``, ``category`` (the class again, so queries can return
  it without ``labels()``), ``condition_category``, ``xrefs`` and ``synonyms`` (string lists)
  and ``description``;
* each edge is a relationship whose type is the UPPER_SNAKE relation name
  (:attr:`evgraph.schema.Relation.neo4j_type`), with the provenance as properties: ``id``,
  ``predicate`` (the evgraph relation name, so queries need no ``type()``), ``direction``,
  ``uptake_mechanism``, ``species`` and ``publications`` (string lists), ``knowledge_level``,
  ``agent_type``, ``primary_knowledge_source``, ``evidence``, ``confidence`` (float),
  ``statement`` and the evidence-quality fields of :mod:`evgraph.evidence`
  (``separation_method``, ``model_system``, ... as string lists, ``publication_year`` and
  ``ev_metric``, ``n_cases``, ``n_controls`` as integers, ``log2_fold_change`` and ``q_value`` as
  doubles, ``evidence_tier``, ``carrier_control``, ``dose``, ``evtrack_id``).

Empty strings and empty lists are stored as missing (null) properties on both engines, since
Neo4j cannot store nulls: ``r.publications IS NULL`` means "no reference".

>>> [p.name for p in NODE_PROPERTIES][:3]
['id', 'label', 'category']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..evidence import FIELDS as EVIDENCE_FIELDS
from ..evidence import decimals
from ..model import LIST_SEP

if TYPE_CHECKING:
    from ..model import KnowledgeGraph


@dataclass(frozen=True)
class Prop:
    """A property of the property-graph layout: name and type (``string``, ``string[]``, ``double``, ``int``)."""

    name: str
    type: str


NODE_PROPERTIES: tuple[Prop, ...] = (
    Prop("id", "string"),
    Prop("label", "string"),
    Prop("category", "string"),
    Prop("condition_category", "string"),
    Prop("xrefs", "string[]"),
    Prop("synonyms", "string[]"),
    Prop("description", "string"),
)

REL_PROPERTIES: tuple[Prop, ...] = (
    Prop("id", "string"),
    Prop("predicate", "string"),
    Prop("direction", "string"),
    Prop("uptake_mechanism", "string"),
    Prop("species", "string[]"),
    Prop("publications", "string[]"),
    Prop("knowledge_level", "string"),
    Prop("agent_type", "string"),
    Prop("primary_knowledge_source", "string"),
    Prop("evidence", "string"),
    Prop("confidence", "double"),
    Prop("statement", "string"),
    # the evidence-quality layer (evgraph.evidence): lists as string[], whole numbers as int, decimals as double
    *(Prop(f.name, "string[]" if f.multi else {"integer": "int", "float": "double"}.get(f.kind, "string"))
      for f in EVIDENCE_FIELDS),
)


#: Arrow type of each property type of the layout
ARROW_TYPES = {"string": pa.string(), "string[]": pa.list_(pa.string()), "double": pa.float64(), "int": pa.int64()}


def _strings(values: pd.Series) -> pa.Array:
    """Text values as an Arrow string array: missing (every pandas flavour) and ``""`` are null."""
    obj = values.astype(object).where(values.notna(), None)
    try:
        arr = pa.array(obj.to_numpy(), type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a non-text value: its str(), as every writer shows it
        arr = pa.array([None if v is None else str(v) for v in obj], type=pa.string())
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def _lists(text: pa.Array) -> pa.Array:
    """``|``-joined text as string lists: empty items dropped, an empty list is null."""
    split = pc.split_pattern(text, LIST_SEP)
    flat = pc.list_flatten(split)
    keep = pc.not_equal(flat, "")
    counts = np.bincount(pc.list_parent_indices(split).to_numpy()[keep.to_numpy(zero_copy_only=False)],
                         minlength=len(split))
    offsets = np.zeros(len(split) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), flat.filter(keep), type=ARROW_TYPES["string[]"],
                                    mask=pa.array(counts == 0))


def _convert(values: pd.Series, prop: Prop) -> pa.Array:
    if prop.type == "double":
        if values.dtype.kind not in "fiu":  # text cells (a decimal evidence field): Python's correctly
            values = pd.Series(decimals(values))  # rounded float(), not pandas' faster parser
        return pa.array(pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64), from_pandas=True)
    if prop.type == "int":
        num = pd.to_numeric(values.astype(object).where(values.notna(), ""), errors="coerce").to_numpy(
            dtype=np.float64)
        missing = np.isnan(num)
        return pa.array(np.where(missing, 0, num).astype(np.int64), mask=missing)
    text = _strings(values)
    return _lists(text) if prop.type == "string[]" else text


def arrow_column(frame: pd.DataFrame, prop: Prop) -> pa.Array:
    """One property column of the layout as a typed Arrow array (null for missing), vectorised.

    Text: missing and ``""`` are null; lists: ``|``-split, empty items dropped, empty lists null;
    numbers: what does not parse is null. A categorical column is converted once per category.

    >>> arrow_column(pd.DataFrame({"s": ["a|b", "", None, "c||"]}), Prop("s", "string[]")).to_pylist()
    [['a', 'b'], None, None, ['c']]
    >>> arrow_column(pd.DataFrame({"n": pd.Categorical(["3", "", "x"])}), Prop("n", "int")).to_pylist()
    [3, None, None]
    """
    if prop.name not in frame.columns:
        return pa.nulls(len(frame), ARROW_TYPES[prop.type])
    col = frame[prop.name]
    if isinstance(col.dtype, pd.CategoricalDtype):
        cats = _convert(pd.Series(col.cat.categories, dtype=object), prop)
        codes = col.cat.codes.to_numpy()
        return cats.take(pa.array(codes, mask=codes < 0))
    return _convert(col, prop)


def _column(frame: pd.DataFrame, prop: Prop) -> list[Any]:
    """One property column as Python values, empty -> ``None`` (:func:`arrow_column`'s values).

    Missing values of every pandas flavour (None, NaN of object/str columns, pd.NA of nullable
    and Arrow strings, NaT) become None, so no writer ever prints "nan", "None" or "<NA>".
    """
    return arrow_column(frame, prop).to_pylist()


def node_frames(kg: KnowledgeGraph) -> Iterator[tuple[str, pd.DataFrame]]:
    """``(class name, frame)`` for each node class with nodes, in class-name order.

    Frames have one ``object`` column per :data:`NODE_PROPERTIES` entry (``None`` for missing,
    never a NaN: pandas 3 would otherwise infer its NaN-backed ``str`` dtype) and keep the
    graph's id order, so every backend sees the same rows in the same order.
    """
    nodes = kg.nodes
    cats = nodes["category"].astype(str)
    for cls in sorted(cats.unique()):
        part = nodes[(cats == cls).to_numpy()]
        data = {p.name: _column(part, p) for p in NODE_PROPERTIES}
        data["category"] = [cls] * len(part)
        yield cls, pd.DataFrame(data, columns=[p.name for p in NODE_PROPERTIES], dtype=object)


@dataclass(frozen=True)
class RelGroup:
    """The edges of one relation between one subject class and one object class."""

    relation: str
    rel_type: str
    from_class: str
    to_class: str
    frame: pd.DataFrame  # object columns (None for missing): from, to, then REL_PROPERTIES


def rel_groups(kg: KnowledgeGraph) -> Iterator[RelGroup]:
    """Edges grouped by (relation, subject class, object class), sorted, edge order kept."""
    edges = kg.edges
    if not len(edges):
        return
    cls = kg.node_class
    key = pd.DataFrame({
        "predicate": edges["predicate"].astype(str).to_numpy(),
        "s": cls[kg.src].astype(str),
        "o": cls[kg.dst].astype(str),
    })
    subj = edges["subject"].astype(str).to_numpy(dtype=object)
    obj = edges["object"].astype(str).to_numpy(dtype=object)
    for (pred, s, o), idx in sorted(key.groupby(["predicate", "s", "o"], sort=True).indices.items()):
        part = edges.iloc[idx]
        data: dict[str, list[Any]] = {"from": list(subj[idx]), "to": list(obj[idx])}
        data.update({p.name: _column(part, p) for p in REL_PROPERTIES})
        data["predicate"] = [pred] * len(idx)
        frame = pd.DataFrame(data, columns=["from", "to", *[p.name for p in REL_PROPERTIES]], dtype=object)
        yield RelGroup(pred, kg.schema.relations[pred].neo4j_type, s, o, frame)


def sorted_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(col.astype(str), return_inverse=True)``: the sorted distinct texts of a column
    and each row's index into them; from a categorical column's codes (only its few categories
    are sorted, never the rows' strings, which numpy sorts slowly at a million rows).

    >>> names, codes = sorted_codes(pd.Series(["b", "a", "b", "c"], dtype="category"))
    >>> names.tolist(), codes.tolist()
    (['a', 'b', 'c'], [1, 0, 1, 2])
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy().astype(np.int64)
        if not (codes < 0).any():
            cats = np.asarray(col.cat.categories.astype(str), dtype=object)
            present = np.flatnonzero(np.bincount(codes, minlength=len(cats)))
            order = present[np.argsort(cats[present].astype(str), kind="stable")]
            rank = np.full(len(cats), -1, dtype=np.int64)
            rank[order] = np.arange(len(order))
            return np.array(cats[order].tolist(), dtype=str), rank[codes]
    # numpy's str() of every cell: a missing cell is 'nan'/'None' as pandas 2's astype(str) gave it (pandas 3 keeps NaN)
    names, inverse = np.unique(col.to_numpy(dtype=object).astype(str), return_inverse=True)
    return names.astype(object), inverse.astype(np.int64)


def _class_codes(kg: KnowledgeGraph) -> tuple[np.ndarray, np.ndarray]:
    """Sorted class names of the nodes, and each node's index into them."""
    return sorted_codes(kg.node_column("category"))


def _sorted_runs(key: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A stable order of ``key`` and the (start, stop) of each run of equal keys in that order."""
    order = np.argsort(key, kind="stable")
    if not len(order):
        return order, []
    cuts = np.flatnonzero(np.diff(key[order])) + 1
    bounds = np.concatenate([[0], cuts, [len(order)]])
    return order, [(int(a), int(b)) for a, b in pairwise(bounds)]


def node_tables(kg: KnowledgeGraph) -> Iterator[tuple[str, pa.Table]]:
    """:func:`node_frames` as typed Arrow tables (vectorised: the bulk-load path of the engines).

    Same classes, rows, order and values as :func:`node_frames`; columns are :data:`NODE_PROPERTIES`.
    """
    nodes = kg.nodes
    if not len(nodes):
        return
    names, codes = _class_codes(kg)
    props = [p for p in NODE_PROPERTIES if p.name != "category"]
    table = pa.table({p.name: arrow_column(nodes, p) for p in props})
    order, runs = _sorted_runs(codes)
    table = table.take(pa.array(order))
    for start, stop in runs:
        part = table.slice(start, stop - start)
        cls = str(names[codes[order[start]]])
        columns = [pa.array([cls] * len(part), pa.string()) if p.name == "category" else part.column(p.name)
                   for p in NODE_PROPERTIES]
        yield cls, pa.Table.from_arrays(columns, names=[p.name for p in NODE_PROPERTIES])


@dataclass(frozen=True)
class RelTable:
    """The edges of one (relation, subject class, object class) as a typed Arrow table:
    ``from``, ``to``, then :data:`REL_PROPERTIES` (what :class:`RelGroup` holds as a frame)."""

    relation: str
    rel_type: str
    from_class: str
    to_class: str
    table: pa.Table


def rel_tables(kg: KnowledgeGraph) -> Iterator[RelTable]:
    """:func:`rel_groups` as typed Arrow tables, vectorised: same groups, order and values."""
    edges = kg.edges
    if not len(edges):
        return
    names, codes = _class_codes(kg)
    preds, pcode = sorted_codes(edges["predicate"])
    n = len(names)
    key = (pcode.astype(np.int64) * n + codes[kg.src]) * n + codes[kg.dst]
    columns = {"from": arrow_column(edges, Prop("subject", "string")),
               "to": arrow_column(edges, Prop("object", "string"))}
    columns.update({p.name: arrow_column(edges, p) for p in REL_PROPERTIES})
    order, runs = _sorted_runs(key)
    table = pa.table(columns).take(pa.array(order))
    for start, stop in runs:
        k = int(key[order[start]])
        pred = str(preds[k // (n * n)])
        s_cls, o_cls = str(names[(k // n) % n]), str(names[k % n])
        yield RelTable(pred, kg.schema.relations[pred].neo4j_type, s_cls, o_cls, table.slice(start, stop - start))
