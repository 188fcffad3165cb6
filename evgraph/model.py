"""The in-memory knowledge graph: columnar node and edge tables with integer codes.

A :class:`KnowledgeGraph` holds two pandas DataFrames:

* ``nodes``: one row per node, sorted by ``id`` (a CURIE); the row position is the node's
  integer code;
* ``edges``: one row per edge; ``subject`` and ``object`` are ``Categorical`` columns whose
  categories are the node ids, so ``edges.subject.cat.codes`` *is* the source-code array.

Everything else (sparse adjacency matrices, a networkx view) is derived from these arrays and
cached, so analyses at millions of edges pay no per-call conversion.

**One list convention.** A list-valued column (:data:`NODE_LIST_COLUMNS`,
:data:`EDGE_LIST_COLUMNS`: xrefs, synonyms, provided_by; species, publications and the
multi-valued evidence fields) holds, in the tables, *one string per cell* with the items joined
by :data:`LIST_SEP` (``|``; an item never contains ``|``) and ``""`` for the empty list, never a
Python list or a missing value. Record views (:meth:`KnowledgeGraph.edge_records`,
``to_networkx()``) give every such column as a Python list (:func:`split_list`); the writers
map it to the format's own list form (KGX ``|``, RDF one triple per item, Neo4j ``string[]``).

>>> import evgraph
>>> kg = evgraph.load()                       # the curated knowledge base
>>> kg.num_nodes > 100 and kg.num_edges > 300
True
>>> kg.resolve("Alzheimer disease")
'MONDO:0004975'
>>> G = kg.to_networkx()
>>> G.number_of_edges() == kg.num_edges
True
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np

from .errors import NotFoundError
from .evidence import EVIDENCE_COLUMNS
from .evidence import FIELDS as EVIDENCE_FIELDS
from .schema import Schema, get_schema

T = TypeVar("T")

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    import scipy.sparse as sp

#: Node table columns, in order. Lists are ``|``-joined strings.
NODE_COLUMNS: tuple[str, ...] = (
    "id",
    "category",
    "label",
    "condition_category",
    "xrefs",
    "synonyms",
    "description",
    "provided_by",
)

#: Edge table columns, in order. Lists are ``|``-joined strings.
EDGE_COLUMNS: tuple[str, ...] = (
    "id",
    "subject",
    "predicate",
    "object",
    "direction",
    "uptake_mechanism",
    "species",
    "publications",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "evidence",
    "confidence",
    "statement",
    *EVIDENCE_COLUMNS,  # the evidence-quality layer (evgraph.evidence)
)

#: Edge columns stored as categoricals (few distinct values).
EDGE_CATEGORICAL: tuple[str, ...] = (
    "predicate",
    "direction",
    "uptake_mechanism",
    "species",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    *EVIDENCE_COLUMNS,
)

LIST_SEP = "|"
#: list-valued node columns (``|``-joined strings in the table; see the module docstring)
NODE_LIST_COLUMNS: tuple[str, ...] = ("xrefs", "synonyms", "provided_by")
#: list-valued edge columns (``|``-joined strings in the table)
EDGE_LIST_COLUMNS: tuple[str, ...] = ("species", "publications",
                                      *(f.name for f in EVIDENCE_FIELDS if f.multi))


class ColumnSource(Protocol):
    """A table whose columns are read one at a time, on demand (a built graph's Parquet file,
    :class:`evgraph.store.ParquetTable`): what lets a :class:`KnowledgeGraph` open in the time
    of its metadata and a command read only the columns it uses.

    ``column(name)`` gives the column exactly as it appears in ``frame()`` (same dtype,
    categories and values); ``codes(name)`` the int64 node codes of ``subject``/``object``.
    """

    columns: tuple[str, ...]

    def __len__(self) -> int: ...

    def column(self, name: str) -> pd.Series: ...

    def codes(self, name: str) -> np.ndarray: ...

    def frame(self) -> pd.DataFrame: ...

    def factorize(self, name: str) -> tuple[np.ndarray, np.ndarray]: ...


def _is_frame(table: Any) -> bool:
    """Whether ``table`` is a pandas DataFrame (held in full), without importing pandas: a
    process that never imported pandas holds no DataFrame (a lazily opened graph's commands
    that work on arrays alone never load it)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(table, pd.DataFrame)


def split_list(value: Any) -> list[str]:
    """Split a ``|``-joined cell into a list (empty or missing -> ``[]``).

    >>> split_list("PMID:1|DOI:10.1/x")
    ['PMID:1', 'DOI:10.1/x']
    >>> split_list("")
    []
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    text = str(value)
    return [v for v in text.split(LIST_SEP) if v] if text else []


class KnowledgeGraph:
    """An EV-traffic knowledge graph: typed nodes keyed by CURIE, typed edges with provenance.

    Build one with :func:`evgraph.build` or :func:`evgraph.load`; do not mutate the tables in
    place (derived views are cached).

    A graph loaded from a built folder is *lazy*: ``nodes`` and ``edges`` are read in full only
    when first used as whole tables; :meth:`node_column`, :meth:`edge_column`, :attr:`src` and
    :attr:`dst` read just the column asked for (see :class:`ColumnSource`), so an analysis that
    needs the edge endpoints never decodes the provenance text.
    """

    def __init__(self, nodes: pd.DataFrame | ColumnSource, edges: pd.DataFrame | ColumnSource,
                 schema: Schema | None = None, metadata: dict[str, Any] | None = None):
        self.schema = schema or get_schema()
        self._tables: dict[str, pd.DataFrame | ColumnSource] = {"nodes": nodes, "edges": edges}
        self.metadata: dict[str, Any] = dict(metadata or {})
        self._cache: dict[Any, Any] = {}

    # ------------------------------------------------------------------ tables
    def _frame(self, which: str) -> pd.DataFrame:
        table = self._tables[which]
        if not _is_frame(table):
            table = self._tables[which] = table.frame()
        return table

    @property
    def nodes(self) -> pd.DataFrame:
        """The node table (read in full on first use for a lazily loaded graph)."""
        return self._frame("nodes")

    @nodes.setter
    def nodes(self, frame: pd.DataFrame) -> None:
        self._tables["nodes"] = frame

    @property
    def edges(self) -> pd.DataFrame:
        """The edge table (read in full on first use for a lazily loaded graph)."""
        return self._frame("edges")

    @edges.setter
    def edges(self, frame: pd.DataFrame) -> None:
        self._tables["edges"] = frame

    def is_loaded(self, which: str = "edges") -> bool:
        """Whether the ``"nodes"`` or ``"edges"`` table is held in full (not only opened)."""
        return _is_frame(self._tables[which])

    def node_column(self, name: str) -> pd.Series:
        """One column of the node table, without reading the others from a lazily loaded graph."""
        table = self._tables["nodes"]
        return table[name] if _is_frame(table) else table.column(name)

    def edge_column(self, name: str) -> pd.Series:
        """One column of the edge table, without reading the others from a lazily loaded graph.

        >>> import evgraph
        >>> kg = evgraph.load()
        >>> kg.edge_column("predicate").equals(kg.edges["predicate"])
        True
        """
        table = self._tables["edges"]
        return table[name] if _is_frame(table) else table.column(name)

    def edge_factorized(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A text edge column as ``(codes, values)``: ``values[codes]`` is the column (code -1 =
        missing); read straight from the stored dictionary of a lazily loaded graph, so no
        per-edge string is made.

        >>> import evgraph
        >>> kg = evgraph.load()
        >>> codes, values = kg.edge_factorized("statement")
        >>> bool((values[codes] == kg.edges["statement"].to_numpy(dtype=object)).all())
        True
        """
        table = self._tables["edges"]
        if _is_frame(table):
            import pandas as pd

            codes, values = pd.factorize(table[name].to_numpy(dtype=object))
            return codes.astype(np.int64), np.asarray(values, dtype=object)
        return table.factorize(name)

    def node_factorized(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """A text node column as ``(codes, values)`` (``values[codes]`` is the column, code -1 =
        missing); a lazily loaded graph reads it from its Parquet file without pandas.

        >>> import evgraph
        >>> kg = evgraph.load()
        >>> codes, values = kg.node_factorized("category")
        >>> bool((values[codes] == kg.node_class.astype(str)).all())
        True
        """
        table = self._tables["nodes"]
        if _is_frame(table):
            import pandas as pd

            codes, values = pd.factorize(table[name].astype(object).to_numpy(dtype=object))
            return codes.astype(np.int64), np.asarray(values, dtype=object)
        return table.factorize(name)

    def node_text(self, name: str, codes: np.ndarray | None = None) -> list[Any]:
        """The values of node column ``name`` at ``codes`` (all rows when None), as a list;
        a lazily loaded graph reads just those rows' strings (no per-node object for the rest).

        >>> import evgraph
        >>> kg = evgraph.load()
        >>> kg.node_text("id", np.array([2, 0])) == kg.nodes["id"].iloc[[2, 0]].tolist()
        True
        """
        table = self._tables["nodes"]
        if _is_frame(table):
            col = table[name].to_numpy(dtype=object)
            return (col if codes is None else col[np.asarray(codes, dtype=np.int64)]).tolist()
        return table.text(name, codes)

    @property
    def edge_columns(self) -> tuple[str, ...]:
        """Names of the edge table's columns (no data read)."""
        return tuple(self._tables["edges"].columns)

    @property
    def node_columns(self) -> tuple[str, ...]:
        """Names of the node table's columns (no data read)."""
        return tuple(self._tables["nodes"].columns)

    # ------------------------------------------------------------------ cache
    def cached(self, key: Hashable, factory: Callable[[], T]) -> T:
        """The value cached under ``key``, made by ``factory()`` on first use.

        Derived views (matrices, engines, indexes) are cached on the graph, which is never
        mutated. A key is a tuple whose first item names its owner; only the owner writes it:

        ==========================  =========================================================
        key                         owner
        ==========================  =========================================================
        ``("adj", ...)``            :meth:`adjacency` (predicates, undirected, weight)
        ``("evgraph.query", ...)``  :func:`evgraph.query.embedded_engine` (the engine)
        ``("evgraph.sparql", ...)`` :func:`evgraph.formats.rdf.sparql.sparql_engine`
        ``("evgraph.analytics", ...)`` :mod:`evgraph.analytics` (degrees, edge index, transfers)
        ``("evgraph.viz", ...)``    :mod:`evgraph.viz` (hub scores sizing the nodes)
        ==========================  =========================================================

        >>> import evgraph
        >>> kg = evgraph.load()
        >>> kg.cached(("demo",), lambda: 42), kg.cached(("demo",), lambda: 0), kg.is_cached(("demo",))
        (42, 42, True)
        """
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = factory()
            return value

    def is_cached(self, key: Hashable) -> bool:
        """Whether :meth:`cached` already holds ``key``."""
        return key in self._cache

    # ------------------------------------------------------------------ basics
    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.num_nodes} nodes, {self.num_edges} edges>"

    @property
    def num_nodes(self) -> int:
        return len(self._tables["nodes"])

    @property
    def num_edges(self) -> int:
        return len(self._tables["edges"])

    @cached_property
    def node_index(self) -> pd.Index:
        """CURIE -> integer code."""
        import pandas as pd

        return pd.Index(self.node_column("id").to_numpy(dtype=object))

    def _codes(self, name: str) -> np.ndarray:
        table = self._tables["edges"]
        if _is_frame(table):
            return table[name].cat.codes.to_numpy(dtype=np.int64)
        return table.codes(name)

    @cached_property
    def src(self) -> np.ndarray:
        """Integer code of each edge's subject."""
        return self._codes("subject")

    @cached_property
    def dst(self) -> np.ndarray:
        """Integer code of each edge's object."""
        return self._codes("object")

    @cached_property
    def node_class(self) -> np.ndarray:
        """Class name of each node (object array aligned with ``nodes``)."""
        return self.node_column("category").to_numpy(dtype=object)

    def index_of(self, curie: str) -> int:
        """Integer code of a node; :class:`NotFoundError` if absent."""
        try:
            return int(self.node_index.get_loc(curie))
        except KeyError:
            raise NotFoundError(f"no node '{curie}' in the graph") from None

    def has_node(self, curie: str) -> bool:
        return curie in self.node_index

    def node(self, curie: str) -> dict[str, Any]:
        """The node's attributes as a plain dict."""
        return self.nodes.iloc[self.index_of(curie)].to_dict()

    def label(self, curie: str) -> str:
        return str(self.node_column("label").iat[self.index_of(curie)])

    @cached_property
    def _label_lookup(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for cid, label, syn in zip(self.node_column("id"), self.node_column("label"), self.node_column("synonyms"),
                                   strict=True):
            for name in {str(label), *split_list(syn)}:
                if name:
                    out.setdefault(name.casefold(), []).append(cid)
        return out

    def resolve(self, term: str) -> str:
        """A CURIE, or an unambiguous label or synonym (case-insensitive), to a node id.

        Raises :class:`NotFoundError` for an unknown or ambiguous term, listing candidates.
        """
        if term in self.node_index:
            return term
        hits = sorted(set(self._label_lookup.get(term.casefold(), [])))
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise NotFoundError(f"'{term}' is ambiguous: {', '.join(hits[:10])}")
        raise NotFoundError(f"no node with id or label '{term}'")

    def nodes_of_class(self, *classes: str) -> pd.DataFrame:
        return self.nodes[self.nodes["category"].isin(classes)]

    # ------------------------------------------------------------------ summaries
    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts per class and edge counts per relationship (sorted, zero-free)."""
        n = self.node_column("category").value_counts()
        e = self.edge_column("predicate").astype(str).value_counts()
        return {
            "nodes": {str(k): int(n[k]) for k in sorted(n.index) if n[k]},
            "edges": {str(k): int(e[k]) for k in sorted(e.index) if e[k]},
        }

    def edge_records(self, mask: np.ndarray | None = None) -> list[dict[str, Any]]:
        """Edges as plain dicts (every list column of :data:`EDGE_LIST_COLUMNS` split into a
        Python list), optionally only where ``mask`` is true."""
        frame = self.edges if mask is None else self.edges[mask]
        lists = [c for c in EDGE_LIST_COLUMNS if c in frame.columns]
        out = []
        for rec in frame.astype(object).to_dict("records"):
            for key in lists:
                rec[key] = split_list(rec[key])
            out.append(rec)
        return out

    # ------------------------------------------------------------------ derived views
    def adjacency(self, predicates: Iterable[str] | None = None, *, undirected: bool = False,
                  weight: str | None = None) -> sp.csr_matrix:
        """Sparse adjacency matrix (rows = subjects, columns = objects), cached.

        ``predicates`` restricts to some relationship types; ``undirected`` adds the transpose;
        ``weight`` is an edge column (e.g. ``"confidence"``), else each edge counts 1. Parallel
        edges add up.
        """
        import scipy.sparse as sp

        key = ("adj", tuple(sorted(predicates)) if predicates is not None else None, undirected, weight)

        def make() -> sp.csr_matrix:
            mask = self.edge_mask(predicates)
            rows, cols = self.src[mask], self.dst[mask]
            data = (self.edge_column(weight).to_numpy(dtype=np.float64)[mask] if weight
                    else np.ones(len(rows), dtype=np.float64))
            n = self.num_nodes
            mat = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
            if undirected:
                mat = (mat + mat.T).tocsr()
            mat.sum_duplicates()
            return mat

        return self.cached(key, make)

    def edge_mask(self, predicates: Iterable[str] | None = None) -> np.ndarray:
        """Boolean mask of edges whose relationship is in ``predicates`` (all if ``None``)."""
        if predicates is None:
            return np.ones(self.num_edges, dtype=bool)
        wanted = set(predicates)
        unknown = wanted - set(self.schema.relations)
        if unknown:
            raise NotFoundError(f"unknown relationship(s): {', '.join(sorted(unknown))}")
        return self.edge_column("predicate").isin(wanted).to_numpy()

    def to_networkx(self, flat: bool = False) -> nx.MultiDiGraph:
        """A ``networkx.MultiDiGraph`` with every node and edge attribute.

        Node attributes: the node table's columns (``category`` is the evgraph class); edge
        keys are edge ids; list-valued provenance (``publications``, ``species``) are lists.
        With ``flat=True`` every attribute is a string, number or boolean (lists ``|``-joined,
        missing values ``""``), which ``nx.write_graphml`` and ``nx.write_gexf`` accept.

        >>> import io, evgraph, networkx as nx
        >>> nx.write_graphml(evgraph.load().to_networkx(flat=True), io.BytesIO())
        """
        import networkx as nx

        G = nx.MultiDiGraph(name="evgraph", **{k: v for k, v in self.metadata.items() if isinstance(v, str)})
        node_attrs = self.nodes.astype(object).where(self.nodes.notna(), "").to_dict("records")
        G.add_nodes_from((rec["id"], {k: v for k, v in rec.items() if k != "id"}) for rec in node_attrs)
        for rec in self.edge_records():
            s, o, key = rec.pop("subject"), rec.pop("object"), rec.pop("id")
            attrs = {k: ("" if v is None or (isinstance(v, float) and np.isnan(v)) else v) for k, v in rec.items()}
            if flat:
                attrs = {k: (LIST_SEP.join(v) if isinstance(v, list) else v.item() if isinstance(v, np.generic)
                             else v) for k, v in attrs.items()}
            G.add_edge(s, o, key=key, **attrs)
        return G
