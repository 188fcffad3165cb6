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

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import EvgraphError, NotFoundError
from ..identifiers import resolver_url
from ..model import EDGE_COLUMNS, KnowledgeGraph, split_list
from .index import SearchIndex

#: Edge columns that hold an evidence tier or grade, shown when the graph has them.
TIER_COLUMNS = ("evidence_tier", "evidence_grade", "evidence_level", "tier")
NEIGHBOURS_SHOWN = 25
STATEMENTS_SHOWN = 100


def jsonable(value: Any) -> Any:
    """``value`` with numpy scalars, NaN and tuples turned into JSON (NaN and inf -> ``None``).

    >>> jsonable({"a": np.float64("nan"), "b": (np.int64(2), "x")})
    {'a': None, 'b': [2, 'x']}
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [jsonable(v) for v in items]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def link(curie: str) -> dict[str, Any]:
    """``{"curie", "url"}`` with the prefix's resolver page (``url`` ``None`` when unknown)."""
    try:
        url = resolver_url(curie)
    except (ValueError, KeyError):
        url = None
    if url and not url.startswith(("http://", "https://")):
        url = None
    return {"curie": curie, "url": url}


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as JSON-able records (list cells kept as lists)."""
    return [jsonable(r) for r in df.astype(object).to_dict("records")]


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
        self.pred = kg.edges["predicate"].cat.codes.to_numpy()
        self.pred_names = [str(p) for p in kg.edges["predicate"].cat.categories]
        self.statement_of = kg.edges["statement"].fillna("").astype(str).to_numpy(dtype=object)
        self.edge_ids = kg.edges["id"].astype(str).to_numpy(dtype=object)


class GraphService:
    """Read-only answers about one graph for the web app and its API.

    ``engine`` runs the named queries: ``None``/``"embedded"`` (LadybugDB on the graph, cached
    in ``graph_dir``) or ``"neo4j"`` (a server from ``NEO4J_*`` or ``neo4j_uri``).
    """

    def __init__(self, kg: KnowledgeGraph, graph_dir: str | None = None, engine: str | None = None,
                 neo4j_uri: str | None = None):
        self.kg = kg
        self.graph_dir = graph_dir
        self.engine_name = engine or "embedded"
        self.neo4j_uri = neo4j_uri
        self._ids = kg.nodes["id"].to_numpy(dtype=object)
        self._labels = kg.nodes["label"].fillna("").astype(str).to_numpy(dtype=object)
        self._index_lock, self._edges_lock = threading.Lock(), threading.Lock()
        self._index: SearchIndex | None = None
        self._edge_index: _EdgeIndex | None = None
        self.tier_columns = [c for c in TIER_COLUMNS if c in kg.edges.columns]
        #: evidence-quality columns beyond the core provenance (MISEV/EV-TRACK fields when present)
        self.quality_columns = [c for c in kg.edges.columns if c not in EDGE_COLUMNS and c not in self.tier_columns]
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
        row = self.kg.nodes.iloc[code]
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
        frame = self.kg.edges.iloc[rows][cols].astype(object)
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

        with self._stats_lock:
            table = connectivity(self.kg, s, t, cache_dir=self.graph_dir, show_progress=False)
        rows = records(table.drop(columns=[c for c in ("top_paths",) if c in table.columns]))
        for row in rows:
            row["metapath_long"] = str(Metapath.parse(row["metapath"]))
        return {"source": self._node_brief(self.kg.index_of(s)), "target": self._node_brief(self.kg.index_of(t)),
                "metapaths": rows, "method": "evgraph.analytics.connectivity",
                "note": ("p: degree-grouped permutation null (empirical, or a gamma-hurdle fit in the thin tail); "
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
                "not_computed": missing}

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

    # ------------------------------------------------------------------ hypotheses and the user's data
    def predictions(self, source_class: str = "CellType", target_class: str = "Condition",
                    target: str | None = None, top: int = 20) -> dict[str, Any]:
        """Predicted (unobserved) source -> target links, each a hypothesis (:func:`evgraph.analytics.predict.predict`).

        One model per (source class, target class), trained once and cached with its rows;
        ``target`` keeps one target node's rows.
        """
        from ..analytics.predict import LABELS

        known = sorted({a for a, b in LABELS if b == target_class})
        if target_class not in {b for _, b in LABELS}:
            raise EvgraphError(f"no prediction model for target class '{target_class}' "
                               f"(known: {', '.join(sorted({b for _, b in LABELS}))})")
        if source_class not in known:
            raise EvgraphError(f"no prediction model for {source_class} -> {target_class} "
                               f"(source classes for {target_class}: {', '.join(known)})")
        t = self.resolve(target) if target else None
        return self._cache.get(("predictions", source_class, target_class, t, top),
                               lambda: self._predictions(source_class, target_class, t, top))

    def _predictions(self, source_class: str, target_class: str, target: str | None, top: int) -> dict[str, Any]:
        from ..analytics.predict import predict

        with self._stats_lock:
            df = predict(self.kg, [source_class], target_class, target=target, top=top)
        model = jsonable(next(iter(df.attrs.get("models", {}).values()), {}))
        return {"source_class": source_class, "target_class": target_class,
                "target": self._node_brief(self.kg.index_of(target)) if target else None,
                "rows": records(df), "model": model, "method": "evgraph.analytics.predict",
                "hypothesis": True, "note": PREDICTION_NOTE,
                "evaluated": (source_class, target_class) in EVALUATED_MODELS,
                "evaluation_note": EVALUATED_MODELS.get((source_class, target_class), NOT_EVALUATED)}

    def _mapper(self, classes: tuple[str, ...]) -> Any:
        from ..userdata import NameMapper

        return self._cache.get(("mapper", classes), lambda: NameMapper(self.kg, classes))

    def user_table(self, text: str, name: str, classes: tuple[str, ...]) -> Any:
        """A pasted or uploaded table mapped onto the graph (:func:`evgraph.userdata.parse_table`)."""
        from ..userdata import parse_table

        return parse_table(text, name, self.kg, classes=classes, mapper=self._mapper(classes))

    def overlay(self, cargo: str, receiver: str | None = None, receiver_table: str | None = None, *,
                q_max: float = 0.05, min_abs_log2fc: float = 0.0, restart: float = 0.5, top: int = 50,
                with_origin: bool = True) -> dict[str, Any]:
        """A lab's cargo table (text) ranked against a receiver node or a receiver gene list / DE table (text).

        See :func:`evgraph.analytics.overlay.overlay`; the mapping report names every row that
        did not map (line, value, reason), and ``origin`` is the cargo set's tissue of origin.
        """
        from ..analytics.overlay import overlay
        from ..userdata import receiver_set

        if bool(receiver) == bool(receiver_table):
            raise EvgraphError("give a receiver node (CellType or Organ) or a receiver gene table, not both")
        table = self.user_table(cargo, "cargo", CARGO_CLASSES)
        background: list[str] | None = None
        recv_report = None
        if receiver_table:
            rt = self.user_table(receiver_table, "receiver", ("Gene",))
            recv, background = receiver_set(rt, q_max=q_max, min_abs_log2fc=min_abs_log2fc)
            rec_arg: Any = recv
            recv_report = mapping_report(rt)
            receiver_name = "receiver gene set"
        else:
            assert receiver is not None
            rec_arg = self.resolve(receiver)
            receiver_name = str(self._labels[self.kg.index_of(rec_arg)])
        df = overlay(self.kg, table.frame, rec_arg, background=background or None, restart=restart, top=top or None)
        out: dict[str, Any] = {
            "receiver": ({**self._node_brief(self.kg.index_of(rec_arg)), "genes": int(df.attrs["receiver_size"])}
                         if isinstance(rec_arg, str) else {"label": receiver_name,
                                                           "genes": int(df.attrs["receiver_size"])}),
            "background_size": int(df.attrs["background_size"]), "restart": restart,
            "cargo_mapping": mapping_report(table), "receiver_mapping": recv_report,
            "not_in_network": list(df.attrs["not_in_network"]), "rows": records(df),
            "method": "evgraph.analytics.overlay", "note": OVERLAY_NOTE, "origin": None}
        if with_origin:
            try:
                out["origin"] = self._origin(table.frame["id"].tolist(), ("Organ", "CellType"), 10)
            except EvgraphError as exc:
                out["origin"] = {"error": str(exc)}
        out["_frame"] = df  # for the view and CSV (dropped from JSON answers)
        return out

    def origin(self, cargo: str, classes: tuple[str, ...] = ("Organ", "CellType"), top: int = 20) -> dict[str, Any]:
        """Tissue of origin of a cargo table (text): :func:`evgraph.analytics.origin.tissue_of_origin`."""
        table = self.user_table(cargo, "cargo", CARGO_CLASSES)
        return {"cargo_mapping": mapping_report(table), **self._origin(table.frame["id"].tolist(), classes, top)}

    def _origin(self, ids: list[str], classes: tuple[str, ...], top: int) -> dict[str, Any]:
        from ..analytics.origin import tissue_of_origin

        for c in classes:
            if c not in self.kg.schema.classes:
                raise EvgraphError(f"unknown class '{c}'")
        df = tissue_of_origin(self.kg, ids, classes=list(classes), top=top or None)
        return {"rows": records(df), "universes": jsonable(dict(df.attrs)), "method": "evgraph.analytics.origin",
                "note": ORIGIN_NOTE, "_frame": df}


#: Node classes a cargo table may name.
CARGO_CLASSES = ("Gene", "MicroRNA", "RNA", "Lipid", "Metabolite")

PREDICTION_NOTE = ("Every row is a HYPOTHESIS: an unobserved pair scored by a logistic model on metapath features "
                   "(DWPC, signed DWPC, node degrees) trained on the curated links against degree-matched "
                   "negatives. The score estimates the probability that a pair of this kind is a curated link, "
                   "not that the biology is true; it is explained by the metapaths that add most to it.")
#: Prediction models whose held-out performance was measured (benchmarks/bench_predict.py), and what it showed.
EVALUATED_MODELS = {
    ("CellType", "Condition"): ("Evaluated by 5-fold cross-validation (benchmarks/bench_predict.py): on the curated "
                                "KB alone the model does not beat node degree; on the full public build it ranks "
                                "held-out links better than degree."),
    ("Organ", "Condition"): ("Evaluated by 5-fold cross-validation (benchmarks/bench_predict.py): on the full public "
                             "build its AUROC is about that of the degree baseline."),
}
NOT_EVALUATED = "This model's held-out performance was not measured: treat its ranking as untested."
OVERLAY_NOTE = ("Activity = AUPR of each cargo's regulatory potential (personalised PageRank over the priors in the "
                "graph, NicheNet/EV-Net style) against the receiver genes, minus the background rate (0 = no better "
                "than chance). It ranks cargo by prior-network proximity to the receiver set; it is not a test "
                "and carries no p-value. Mechanisms are paths in the prior network (a hypothesis of how).")
ORIGIN_NOTE = ("Null: the cargo set is a random draw from the cargo the evidence covers (one-sided hypergeometric "
               "test per candidate, specific expression/markers and EV-release detections separately); q values "
               "are Benjamini-Hochberg over the candidates of each test. q > 0.05 is not significant. A lead, "
               "not proof of origin.")


def public(answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` without its private ``_`` keys (frames kept for views and downloads), nested dicts too."""
    return {k: public(v) if isinstance(v, dict) else v for k, v in answer.items() if not k.startswith("_")}


def mapping_report(table: Any) -> dict[str, Any]:
    """How many rows of a user table mapped, which did not (line, value, reason, candidates)."""
    flagged = table.report[table.report["mapped_by"].astype(str).str.contains("ortholog", na=False)]
    return {"rows": len(table.report), "mapped": int(table.mapped),
            "ortholog_by_name": len(flagged), "unmapped": jsonable(table.unmapped)}
