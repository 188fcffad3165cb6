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
  ``ev_metric`` as integers, ``evidence_tier``, ``carrier_control``, ``dose``, ``evtrack_id``).

Empty strings and empty lists are stored as missing (null) properties on both engines, since
Neo4j cannot store nulls: ``r.publications IS NULL`` means "no reference".

>>> [p.name for p in NODE_PROPERTIES][:3]
['id', 'label', 'category']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..evidence import FIELDS as EVIDENCE_FIELDS
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
    # the evidence-quality layer (evgraph.evidence): lists as string[], whole numbers as int
    *(Prop(f.name, "string[]" if f.multi else "int" if f.kind == "integer" else "string") for f in EVIDENCE_FIELDS),
)


def _column(frame: pd.DataFrame, prop: Prop) -> list[Any]:
    """One property column as Python values, empty -> ``None``."""
    if prop.name not in frame.columns:
        return [None] * len(frame)
    col = frame[prop.name]
    if prop.type == "double":
        values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
        return [None if np.isnan(v) else float(v) for v in values]
    if prop.type == "int":
        values = pd.to_numeric(col.astype(object).where(col.notna(), ""), errors="coerce").to_numpy(dtype=np.float64)
        return [None if np.isnan(v) else int(v) for v in values]
    # missing values of every pandas flavour (None, NaN of object/str columns, pd.NA of nullable
    # and Arrow strings, NaT) become None, so no writer ever prints "nan", "None" or "<NA>"
    values = col.astype(object).where(col.notna(), None).to_numpy()
    out: list[Any] = []
    if prop.type == "string[]":
        for v in values:
            if v is None:
                out.append(None)
            else:
                items = [s for s in str(v).split(LIST_SEP) if s]
                out.append(items or None)
        return out
    for v in values:
        if v is None:
            out.append(None)
        else:
            s = str(v)
            out.append(s if s else None)
    return out


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
