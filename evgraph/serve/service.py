"""What the web app shows, as plain JSON-able data: node pages, connectivity, paths, named queries.

:class:`GraphService` wraps one loaded :class:`~evgraph.model.KnowledgeGraph` (read-only) and
answers the app's questions; the HTML pages and the JSON API both use it, so they never
disagree. Edge look-ups use edge rows sorted by subject and by object (built once), so a node
page reads only that node's edges.

Connectivity is :func:`evgraph.analytics.connectivity` (metapaths with DWPC, p, adjusted p and
q values from a degree-grouped permutation null, cached beside a built graph).

>>> import evgraph
>>> svc = GraphService(evgraph.load())
>>> page = svc.node("UBERON:0001013")
>>> page["label"], page["class"]
('adipose tissue', 'Organ')
>>> any(g["relationship"] == "releases" for g in page["neighbourhood"])
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import EvgraphError, NotFoundError
from ..identifiers import resolver_url
from ..model import EDGE_COLUMNS, KnowledgeGraph, split_list
from .hypotheses import HypothesisService
from .index import SearchIndex
from .jsonable import jsonable, records

#: Edge columns that hold an evidence tier or grade, shown when the graph has them.
TIER_COLUMNS = ("evidence_tier", "evidence_grade", "evidence_level", "tier")
NEIGHBOURS_SHOWN = 25
STATEMENTS_SHOWN = 100


def link(curie: str) -> dict[str, Any]:
    """``{"curie", "url"}`` with the prefix's resolver page (``url`` ``None`` when unknown)."""
    try:
        url = resolver_url(curie)
    except (ValueError, KeyError):
        url = None
    if url and not url.startswith(("http://", "https://")):
        url = None
    return {"curie": curie, "url": url}


class _LRU:
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int):
        self.size, self.data, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        value = make()
        with self.lock:
            self.data[key] = value
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        return value


class _EdgeIndex:
    """Edge rows of a graph sorted by subject and by object, with pointers per node code."""

    def __init__(self, kg: KnowledgeGraph):
        self.out = np.argsort(kg.src, kind="stable")
        self.inc = np.argsort(kg.dst, kind="stable")
        n = kg.num_nodes
        self.out_ptr = np.searchsorted(kg.src[self.out], np.arange(n + 1))
        self.in_ptr = np.searchsorted(kg.dst[self.inc], np.arange(n + 1))
        predicate = kg.edge_column("predicate")
        self.pred = predicate.cat.codes.to_numpy()
        self.pred_names = [str(p) for p in predicate.cat.categories]
        self.statement_of = kg.edge_column("statement").fillna("").astype(str).to_numpy(dtype=object)
        self.edge_ids = kg.edge_column("id").astype(str).to_numpy(dtype=object)


class GraphService(HypothesisService):
    """Read-only answers about one graph for the web app and its API.

    Predictions, the cargo overlay and tissue of origin come from :class:`.hypotheses.HypothesisService`.

    ``engine`` runs the named queries: ``None``/``"embedded"`` (LadybugDB on the graph, cached
    in ``graph_dir``) or ``"neo4j"`` (a server from ``NEO4J_*`` or ``neo4j_uri``).
    """

    def __init__(self, kg: KnowledgeGraph, graph_dir: str | None = None, engine: str | None = None,
                 neo4j_uri: str | None = None):
        self.kg = kg
        self.graph_dir = graph_dir
        self.engine_name = engine or "embedded"
        self.neo4j_uri = neo4j_uri
        # single columns only: a lazily loaded graph reads nothing else at start
        self._ids = kg.node_column("id").to_numpy(dtype=object)
        self._labels = kg.node_column("label").fillna("").astype(str).to_numpy(dtype=object)
        self._index_lock, self._edges_lock = threading.Lock(), threading.Lock()
        self._index: SearchIndex | None = None
        self._edge_index: _EdgeIndex | None = None
        self.tier_columns = [c for c in TIER_COLUMNS if c in kg.edge_columns]
        #: evidence-quality columns beyond the core provenance (MISEV/EV-TRACK fields when present)
        self.quality_columns = [c for c in kg.edge_columns if c not in EDGE_COLUMNS and c not in self.tier_columns]
        self._cache = _LRU(64)
        self._engine: Any = None
        self._engine_lock = threading.Lock()
        self._stats_lock = threading.Lock()  # one permutation null at a time (it is cached after the first)
        self._summary: dict[str, Any] | None = None

    # ------------------------------------------------------------------ lazily built parts
    @property
    def index(self) -> SearchIndex:
        """The search index (built on first use, or by :meth:`warm` in the background)."""
        if self._index is None:
            with self._index_lock:
                if self._index is None:
                    self._index = SearchIndex(self.kg)
        return self._index

    @property
    def edge_index(self) -> _EdgeIndex:
        """Edge rows sorted by subject and by object (built on first use, or by :meth:`warm`)."""
        if self._edge_index is None:
            with self._edges_lock:
                if self._edge_index is None:
                    self._edge_index = _EdgeIndex(self.kg)
        return self._edge_index

    def warm(self) -> threading.Thread:
        """Build the search and edge indexes in a background thread (the server answers meanwhile;
        a request that needs them waits for them). Returns the thread."""
        def build() -> None:
            self.edge_index  # noqa: B018 - building is the point
            self.index  # noqa: B018

        thread = threading.Thread(target=build, name="evgraph-serve-warm", daemon=True)
        thread.start()
        return thread

    # ------------------------------------------------------------------ basics
    def resolve(self, term: str) -> str:
        """A CURIE or unambiguous label to a node id (:class:`NotFoundError` otherwise)."""
        return self.kg.resolve(term)

    def summary(self) -> dict[str, Any]:
        """Graph size, counts per class and relationship, and the query engine (computed once: every page shows it)."""
        if self._summary is None:
            self._summary = {
                "num_nodes": self.kg.num_nodes, "num_edges": self.kg.num_edges, **self.kg.counts(),
                "engine": self.engine_name,
                "metadata": jsonable({k: v for k, v in self.kg.metadata.items() if isinstance(v, (str, int, float))})}
        return self._summary

    def _class_label(self, cls: str) -> str:
        info = self.kg.schema.classes.get(cls)
        return info.label if info is not None and info.label else cls

    def _node_brief(self, code: int) -> dict[str, Any]:
        return {"id": str(self._ids[code]), "label": str(self._labels[code]), "class": str(self.kg.node_class[code])}

    def _rows(self, code: int) -> tuple[np.ndarray, np.ndarray]:
        e = self.edge_index
        return (e.out[e.out_ptr[code]:e.out_ptr[code + 1]], e.inc[e.in_ptr[code]:e.in_ptr[code + 1]])

    # ------------------------------------------------------------------ node page
    def node(self, curie: str) -> dict[str, Any]:
        """Everything the node page shows: class, identifiers, neighbourhood, statements."""
        code = self.kg.index_of(curie)
        row = {c: self.kg.node_column(c).iloc[code] for c in self.kg.node_columns}
        cls = str(row["category"])
        out_rows, in_rows = self._rows(code)
        identifiers = [{**link(str(row["id"])), "kind": "id"}]
        identifiers += [{**link(x), "kind": "xref"} for x in split_list(row.get("xrefs"))]
        page: dict[str, Any] = {
            "id": str(row["id"]), "label": str(row["label"]), "class": cls, "class_label": self._class_label(cls),
            "condition_category": str(row.get("condition_category") or ""),
            "description": str(row.get("description") or ""), "synonyms": split_list(row.get("synonyms")),
            "provided_by": split_list(row.get("provided_by")), "identifiers": identifiers,
            "degree": {"out": len(out_rows), "in": len(in_rows)},
        }
        page["neighbourhood"] = self._neighbourhood(out_rows, in_rows)
        page["statements"], page["statements_total"] = self._statements(np.concatenate([out_rows, in_rows]))
        return page

    def _neighbourhood(self, out_rows: np.ndarray, in_rows: np.ndarray) -> list[dict[str, Any]]:
        groups = []
        for direction, rows, ends in (("out", out_rows, self.kg.dst), ("in", in_rows, self.kg.src)):
            if not len(rows):
                continue
            preds = self.edge_index.pred[rows]
            for p in np.unique(preds):
                sel = rows[preds == p]
                others, counts = np.unique(ends[sel], return_counts=True)
                degree = self.index.degree[others]
                order = np.lexsort((others, -degree))
                shown = [{**self._node_brief(int(c)), "edges": int(counts[i])}
                         for i, c in ((i, others[i]) for i in order[:NEIGHBOURS_SHOWN])]
                groups.append({"relationship": self.edge_index.pred_names[int(p)], "direction": direction,
                               "count": len(others), "edges": len(sel), "neighbours": shown,
                               "more": max(0, len(others) - NEIGHBOURS_SHOWN)})
        return sorted(groups, key=lambda g: (g["direction"], g["relationship"]))

    def _statements(self, rows: np.ndarray) -> tuple[list[dict[str, Any]], int]:
        """The statements (curated or imported evidence) behind the node's edges, edges grouped per statement."""
        if not len(rows):
            return [], 0
        # the statement of each edge (an edge without one stands alone), then only the rows of the first
        # STATEMENTS_SHOWN statements are read: a hub's page costs what its shown statements cost
        stmt = self.edge_index.statement_of[rows]
        keys = np.where(stmt != "", stmt, "edge " + self.edge_index.edge_ids[rows].astype(str))
        uniq = np.unique(keys)
        total = len(uniq)
        rows = np.sort(rows[np.isin(keys, uniq[:STATEMENTS_SHOWN])])
        cols = ["id", "predicate", "direction", "species", "publications", "knowledge_level", "evidence",
                "confidence", "statement", "primary_knowledge_source", *self.tier_columns, *self.quality_columns]
        frame = pd.DataFrame({c: self.kg.edge_column(c).iloc[rows].to_numpy(dtype=object) for c in cols})
        frame = frame.where(frame.notna(), "")
        frame = frame.assign(s_code=self.kg.src[rows], o_code=self.kg.dst[rows])
        frame["statement"] = [s if s else f"edge {e}" for s, e in zip(frame["statement"], frame["id"], strict=True)]
        groups: dict[str, list[dict[str, Any]]] = {}
        for rec in frame.to_dict("records"):  # plain dicts: no per-group pandas overhead
            groups.setdefault(str(rec["statement"]), []).append(rec)
        out = []
        for sid in sorted(groups):
            group = groups[sid]

            def values(col: str, group: list[dict[str, Any]] = group) -> list[str]:
                return sorted({str(r[col]) for r in group if str(r[col]) not in ("", "nan", "None")})

            refs = sorted({x for r in group for x in split_list(r["publications"])})
            species = sorted({x for r in group for x in split_list(r["species"])})
            conf = [float(r["confidence"]) for r in group if r["confidence"] != ""]
            rec = {
                "statement": sid, "curated": not sid.startswith("edge "),
                "edges": [{"id": str(r["id"]), "subject": self._node_brief(int(r["s_code"])),
                           "predicate": str(r["predicate"]), "object": self._node_brief(int(r["o_code"])),
                           "direction": str(r["direction"])} for r in group],
                "references": [link(r) for r in refs], "species": species,
                "knowledge_level": values("knowledge_level"), "source": values("primary_knowledge_source"),
                "evidence": values("evidence"), "confidence": max(conf) if conf else None,
            }
            for col in self.tier_columns:
                rec[col] = values(col)
            rec["quality"] = {col: v for col in self.quality_columns if (v := values(col))}
            out.append(rec)
        return out, int(total)

    def nodes(self, curies: list[str]) -> list[dict[str, Any]]:
        """Batch: brief records (id, label, class, degree) or an error per requested id."""
        out = []
        for c in curies:
            try:
                code = self.kg.index_of(self.resolve(c))
            except NotFoundError as exc:
                out.append({"query": c, "error": str(exc)})
                continue
            out.append({"query": c, **self._node_brief(code), "degree": int(self.index.degree[code])})
        return out

    # ------------------------------------------------------------------ connectivity
    def connectivity(self, source: str, target: str) -> dict[str, Any]:
        """Metapaths between two nodes: DWPC, path count, p (degree-grouped permutation null), adjusted p, q.

        From :func:`evgraph.analytics.connectivity`; its permuted graphs are cached beside a built
        graph (``graph_dir``), so a second pair costs seconds. ``top_paths`` are left to
        :meth:`paths` (the paths page of a metapath).
        """
        s, t = self.resolve(source), self.resolve(target)
        if s == t:
            raise EvgraphError("source and target are the same node")
        return self._cache.get(("connectivity", s, t), lambda: self._connectivity(s, t))

    def _connectivity(self, s: str, t: str) -> dict[str, Any]:
        from ..analytics import Metapath, connectivity
        from ..analytics.permutation import cache_dir_for

        with self._stats_lock:
            table = connectivity(self.kg, s, t, cache_dir=cache_dir_for(self.graph_dir), show_progress=False)
        rows = records(table.drop(columns=[c for c in ("top_paths",) if c in table.columns]))
        for row in rows:
            row["metapath_long"] = str(Metapath.parse(row["metapath"]))
        return {"source": self._node_brief(self.kg.index_of(s)), "target": self._node_brief(self.kg.index_of(t)),
                "metapaths": rows, "method": "evgraph.analytics.connectivity",
                "note": ("p: degree-grouped permutation null (gamma-hurdle fit of the null DWPCs of pairs with the "
                         "same end degrees; an empirical upper bound where it has too few non-zero values); "
                         "adjusted_p: Bonferroni; q: Benjamini-Hochberg over the metapaths tested. DWPC alone "
                         "measures connectivity, not significance.")}

    def paths(self, source: str, target: str, metapath: str | None = None, k: int = 10) -> dict[str, Any]:
        """The top ``k`` paths between two nodes (of one metapath, or of the default ones)."""
        s, t = self.resolve(source), self.resolve(target)
        key = ("paths", s, t, metapath, k)
        return self._cache.get(key, lambda: self._paths(s, t, metapath, k))

    def _paths(self, s: str, t: str, metapath: str | None, k: int) -> dict[str, Any]:
        from ..analytics import paths

        df = paths(self.kg, s, t, [metapath] if metapath else None, k=k)
        rows = records(df)
        missing = [c for c in ("sign", "coherence", "statements") if c not in df.columns]
        return {"source": self._node_brief(self.kg.index_of(s)), "target": self._node_brief(self.kg.index_of(t)),
                "metapath": metapath, "paths": rows, "skipped_metapaths": list(df.attrs.get("skipped_metapaths", [])),
                "truncated_metapaths": list(df.attrs.get("truncated_metapaths", [])), "not_computed": missing}

    # ------------------------------------------------------------------ named queries
    def queries(self) -> list[dict[str, Any]]:
        """The named query library: name, description, parameters and columns of each query."""
        from ..query import library

        return [self.query_info(q) for q in library().values()]

    @staticmethod
    def query_info(q: Any) -> dict[str, Any]:
        return {"name": q.name, "description": q.description, "columns": list(q.columns),
                "params": [{"name": p.name, "type": p.type, "default": jsonable(p.default), "doc": p.doc}
                           for p in q.params]}

    def engine(self) -> Any:
        """The engine that runs named queries (opened once, shared)."""
        with self._engine_lock:
            if self._engine is None:
                if self.engine_name == "neo4j":
                    from ..query.neo4j import Neo4jEngine

                    self._engine = Neo4jEngine.from_env(uri=self.neo4j_uri)
                else:
                    from ..query import embedded_engine

                    self._engine = embedded_engine(self.kg, self.graph_dir)
            return self._engine

    def run_query(self, name: str, params: dict[str, Any]) -> pd.DataFrame:
        """Run a library query (only library queries: no free Cypher) with validated parameters."""
        from ..query import get_query, run_query
        from ..query.library import library

        if name not in library():
            raise NotFoundError(f"no named query '{name}' (see /api/v1/queries)")
        return run_query(self.kg, get_query(name), params, engine=self.engine())
