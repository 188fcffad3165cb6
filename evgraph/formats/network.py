"""Network interchange for other tools: GraphML, GEXF and Cytoscape.js JSON, whole graph or a subgraph.

* :func:`write_graphml` (Gephi, Cytoscape desktop, yEd, igraph, networkx), :func:`write_gexf`
  (Gephi) and :func:`write_cytoscape` (Cytoscape.js ``{"elements": {"nodes": [...], "edges": [...]}}``);
* :func:`subgraph` cuts a graph down to some nodes (and the edges among them, or given edges);
  :func:`ego_subgraph`, :func:`paths_subgraph` and :func:`query_subgraph` pick the nodes of a
  neighbourhood, of propagation paths, or of the CURIEs in a named query's result.

**List attributes.** GraphML and GEXF have no list type, so list-valued attributes
(``publications``, ``species``, ``xrefs``, ``synonyms``, ...) are written as one string, the
items joined with ``|`` (the separator of evgraph's tables and of KGX TSV); missing values
are empty strings and every attribute is a string, number or boolean
(:meth:`~evgraph.model.KnowledgeGraph.to_networkx` with ``flat=True``). Cytoscape.js JSON
keeps real JSON arrays. Node ids are CURIEs; edge ids are evgraph edge ids; ``category``
is the evgraph class and ``predicate`` the relationship.

>>> import evgraph, networkx as nx, io
>>> kg = evgraph.load()
>>> sub = ego_subgraph(kg, "macrophage", radius=1)
>>> sub.num_nodes < kg.num_nodes and sub.has_node("CL:0000235")
True
>>> buf = io.BytesIO()
>>> nx.write_graphml(kg.to_networkx(flat=True), buf)
>>> nx.read_graphml(io.BytesIO(buf.getvalue())).number_of_edges() == kg.num_edges
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..atomic import atomic_open
from ..errors import EvgraphError
from ..model import KnowledgeGraph, split_list

#: The formats this module writes, with their file extension.
EXTENSIONS = {"graphml": ".graphml", "gexf": ".gexf", "cytoscape": ".cyjs"}
#: Node and edge columns holding ``|``-joined lists (arrays in Cytoscape.js JSON).
LIST_COLUMNS = frozenset({"xrefs", "synonyms", "provided_by", "species", "publications"})


# ---------------------------------------------------------------------- subgraphs
def subgraph(kg: KnowledgeGraph, nodes: Iterable[str], edges: Iterable[str] | None = None) -> KnowledgeGraph:
    """The graph restricted to ``nodes`` (CURIEs) and the edges among them (or only ``edges``, by id).

    Unknown node ids raise :class:`~evgraph.errors.NotFoundError`; an edge whose ends are not
    both kept is left out.
    """
    codes = np.unique(np.array([kg.index_of(n) for n in nodes], dtype=np.int64))
    keep = np.zeros(kg.num_nodes, dtype=bool)
    keep[codes] = True
    mask = keep[kg.src] & keep[kg.dst]
    if edges is not None:
        mask &= kg.edges["id"].isin(set(edges)).to_numpy()
    node_frame = kg.nodes.iloc[codes].reset_index(drop=True)
    ids = node_frame["id"].to_numpy(dtype=object)
    remap = np.full(kg.num_nodes, -1, dtype=np.int64)
    remap[codes] = np.arange(len(codes))
    edge_frame = kg.edges[mask].reset_index(drop=True).copy()
    edge_frame["subject"] = pd.Categorical.from_codes(remap[kg.src[mask]], categories=pd.Index(ids), validate=False)
    edge_frame["object"] = pd.Categorical.from_codes(remap[kg.dst[mask]], categories=pd.Index(ids), validate=False)
    return KnowledgeGraph(node_frame, edge_frame, kg.schema, {**kg.metadata, "subgraph_of": f"{kg.num_nodes} nodes"})


def ego_subgraph(kg: KnowledgeGraph, node: str, radius: int = 1) -> KnowledgeGraph:
    """The nodes within ``radius`` hops of ``node`` (CURIE or label; edges in either direction)."""
    from ..analytics.traffic import neighbourhood

    if radius < 1:
        raise EvgraphError("radius must be at least 1")
    center = kg.index_of(kg.resolve(node))
    ids = kg.nodes["id"].to_numpy(dtype=object)
    return subgraph(kg, [str(ids[c]) for c in neighbourhood(kg, center, radius)])


def paths_subgraph(kg: KnowledgeGraph, paths: pd.DataFrame | Iterable[dict[str, Any]]) -> KnowledgeGraph:
    """The nodes and the hop edges of propagation paths (records from :func:`evgraph.analytics.paths`)."""
    records = paths.to_dict("records") if isinstance(paths, pd.DataFrame) else list(paths)
    nodes: set[str] = set()
    edge_ids: set[str] = set()
    for rec in records:
        nodes.update(str(n) for n in rec.get("nodes") or ())
        for hop in rec.get("hops") or ():
            edge_ids.update(str(e) for e in hop.get("edges") or ())
    if not nodes:
        raise EvgraphError("no paths to export")
    return subgraph(kg, nodes, edge_ids if edge_ids else None)


def query_subgraph(kg: KnowledgeGraph, table: pd.DataFrame) -> KnowledgeGraph:
    """The nodes named anywhere in a query result (cells or list items that are node ids) and the edges among them."""
    found: set[str] = set()
    for col in table.columns:
        for value in table[col].tolist():
            items = value if isinstance(value, (list, tuple)) else [value]
            found.update(str(v) for v in items if isinstance(v, str) and kg.has_node(v))
    if not found:
        raise EvgraphError("the query result names no node of the graph")
    return subgraph(kg, found)


# ---------------------------------------------------------------------- writers
def write_graphml(kg: KnowledgeGraph, path: str | Path) -> list[Path]:
    """GraphML (directed multigraph; list attributes ``|``-joined); written atomically."""
    import networkx as nx

    G = kg.to_networkx(flat=True)
    path = Path(path)
    with atomic_open(path, "wb") as fh:
        nx.write_graphml(G, fh, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return [path]


def write_gexf(kg: KnowledgeGraph, path: str | Path) -> list[Path]:
    """GEXF 1.2 (list attributes ``|``-joined); written atomically."""
    import networkx as nx

    G = kg.to_networkx(flat=True)
    for _, data in G.nodes(data=True):
        data.setdefault("label", "")
    path = Path(path)
    with atomic_open(path, "wb") as fh:
        nx.write_gexf(G, fh, encoding="utf-8", prettyprint=True)
    return [path]


def cytoscape_elements(kg: KnowledgeGraph) -> dict[str, Any]:
    """Cytoscape.js elements: ``{"data": {...}, "elements": {"nodes": [...], "edges": [...]}}``.

    Node ``data``: ``id``, ``name`` (the label), ``value`` (the id again, for
    ``networkx.cytoscape_graph``) and every node column; edge ``data``: ``id``, ``key`` (the id
    again), ``source``, ``target``, ``interaction`` (the relationship) and every edge column. List
    columns are JSON arrays; missing values are left out.
    """
    def clean(rec: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in rec.items():
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            if key in LIST_COLUMNS:
                value = split_list(value)
            elif isinstance(value, np.generic):
                value = value.item()
            if value == "" or value == []:
                continue
            out[key] = value
        return out

    nodes = []
    for rec in kg.nodes.astype(object).to_dict("records"):
        data = clean(rec)
        data["name"] = data.get("label", data["id"])
        data["value"] = data["id"]  # what networkx.cytoscape_graph keys nodes by
        nodes.append({"data": data})
    edges = []
    for rec in kg.edges.astype(object).to_dict("records"):
        data = clean(rec)
        data["source"], data["target"] = data.pop("subject"), data.pop("object")
        data["interaction"] = data["predicate"]
        data["key"] = data["id"]
        edges.append({"data": data})
    meta = {k: v for k, v in kg.metadata.items() if isinstance(v, (str, int, float))}
    return {"format_version": "1.0", "generated_by": "evgraph", "data": {"name": "evgraph", **meta},
            "directed": True, "multigraph": True,
            "elements": {"nodes": nodes, "edges": edges}}


def write_cytoscape(kg: KnowledgeGraph, path: str | Path) -> list[Path]:
    """Cytoscape.js JSON (see :func:`cytoscape_elements`); written atomically."""
    path = Path(path)
    with atomic_open(path) as fh:
        json.dump(cytoscape_elements(kg), fh, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        fh.write("\n")
    return [path]


def to_bytes(kg: KnowledgeGraph, fmt: str) -> bytes:
    """The file a writer would produce, in memory (for the web app's downloads)."""
    import tempfile

    from . import WRITERS

    if fmt not in EXTENSIONS:
        raise EvgraphError(f"unknown network format '{fmt}' (known: {', '.join(EXTENSIONS)})")
    with tempfile.TemporaryDirectory(prefix="evgraph-export-") as tmp:
        path = Path(tmp) / f"graph{EXTENSIONS[fmt]}"
        WRITERS[fmt].write(kg, path)
        return path.read_bytes()
