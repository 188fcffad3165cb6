"""The interactive views: each returns a :class:`View` (a :class:`Network` plus page metadata).

Size: about 740 lines; the five views share the page model (:class:`View`, node and edge
styling, the string table) defined here. Splitting it per view is left for when the views are
next reworked (issue 10 notes), so the view and analytics work in flight does not conflict.

* :func:`traffic_map` (``overview``): organs and cell types, an arrow from each releaser to each
  EV target weighted by the number of supported transfers (EV populations);
* :func:`whole_graph` (``graph``): the top nodes by hub score (``cap``) and the edges between them;
* :func:`ego`: a node's neighbourhood to ``radius`` hops;
* :func:`paths_view` (``paths``): the top propagation paths between two nodes, highlighted;
* :func:`crosstalk_view` (``crosstalk``): condition categories and the cargo and pathways they share.

Layouts are computed in Python (:mod:`evgraph.viz.layout`) and physics is off, so pages open
at once. Write a view with :meth:`View.write`; in Jupyter a view displays itself.

>>> import evgraph
>>> kg = evgraph.load()
>>> view = traffic_map(kg)
>>> view.num_nodes > 10 and "<script" in view.html()
True
>>> ego(kg, "macrophage", radius=1).center
'CL:0000235'
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import analytics
from ..analytics.traffic import grouped_refs, neighbourhood, take, transfer_rows
from ..errors import EvgraphError
from ..model import KnowledgeGraph, split_list
from . import analyses
from .layout import declutter, spring_layout, wrap_label
from .names import VIEWS
from .render import iframe, render_page
from .style import class_label, relation_color, style_for

DEFAULT_CAP = 2000
#: Nodes of these classes are left out of the big views (their facts are in the tooltips).
DEFAULT_EXCLUDE = ("Publication",)
REFS_SHOWN = 8
DECREASES = frozenset({"decreased", "downregulated"})
INCREASES = frozenset({"increased", "upregulated"})
PATH_COLORS = ("#D62728", "#1F77B4", "#2CA02C", "#9467BD", "#FF7F0E", "#8C564B", "#E377C2", "#17BECF")


@dataclass
class View:
    """One interactive view: a :class:`Network` (pyvis' data model) and what the page says about it."""

    name: str
    title: str
    network: Any  # Network
    classes: list[dict[str, Any]]
    sizing: str = ""
    description: str = ""
    center: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    physics: bool = False
    back_link: str | None = None
    legend: list[dict[str, Any]] = field(default_factory=list)

    @property
    def num_nodes(self) -> int:
        return len(self.network.nodes)

    @property
    def num_edges(self) -> int:
        return len(self.network.edges)

    def data(self) -> dict[str, Any]:
        """The JSON the page is built from (nodes, edges, classes, options), packed by :func:`pack`."""
        return pack({"nodes": self.network.nodes, "edges": self.network.edges, "classes": self.classes,
                     "sizing": self.sizing, "physics": self.physics, "view": self.name, "legend": self.legend})

    def html(self) -> str:
        """The complete, self-contained HTML page."""
        subtitle = f"{self.num_nodes} nodes, {self.num_edges} edges"
        return render_page(self.data(), title=self.title, subtitle=subtitle, description=self.description,
                           back_link=self.back_link)

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` atomically; return the path."""
        from ..atomic import atomic_open

        path = Path(path)
        with atomic_open(path) as fh:
            fh.write(self.html())
        return path

    def _repr_html_(self) -> str:
        return iframe(self.html())

    def __repr__(self) -> str:
        return f"<View {self.name}: {self.num_nodes} nodes, {self.num_edges} edges>"


class Network:
    """The nodes and edges of a view as vis-network dicts: the data model of ``pyvis.network.Network``
    (``nodes`` and ``edges`` lists, ``add_node`` with pyvis' defaults and key order), held here
    because importing pyvis pulls networkx, jsonpickle and IPython into every ``evgraph viz``.

    >>> net = Network()
    >>> net.add_node("A", label="a", shape="dot", color="#fff", x=1.0)
    >>> net.add_node("A", label="again")  # an id already present is ignored, as in pyvis
    >>> net.nodes
    [{'color': '#fff', 'x': 1.0, 'id': 'A', 'label': 'a', 'shape': 'dot'}]
    """

    def __init__(self) -> None:
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self._ids: set[Any] = set()

    def add_node(self, n_id: str | int, label: str | None = None, shape: str = "dot", color: str = "#97c2fc",
                 **options: Any) -> None:
        if n_id in self._ids:
            return
        head = {} if "group" in options else {"color": color}
        self.nodes.append({**head, **options, "id": n_id, "label": label if label else n_id, "shape": shape})
        self._ids.add(n_id)


# ---------------------------------------------------------------------- page data
class Listing(str):
    """An info value listing names: its text is the first ``shown`` names and "and N more".

    The page stores each name once (see :func:`pack`); everywhere else it is a plain string.

    >>> text = Listing(["CD63", "CD9", "miR-21"], shown=2)
    >>> text, text.parts, text.more
    ('CD63, CD9 and 1 more', ('CD63', 'CD9'), 1)
    """

    parts: tuple[str, ...]
    more: int

    def __new__(cls, names: Sequence[str], shown: int = 8) -> Listing:
        parts = tuple(str(n) for n in names[:shown])
        more = max(0, len(names) - shown)
        obj = super().__new__(cls, ", ".join(parts) + (f" and {more} more" if more else ""))
        obj.parts, obj.more = parts, more
        return obj


def _split(curie: str) -> tuple[str, str]:
    prefix, _, local = curie.partition(":")
    return prefix, local


def pack(data: dict[str, Any]) -> dict[str, Any]:
    """The page's form of a view's data: each reference, info key and listed name stored once.

    ``strings`` holds every distinct reference CURIE, info key and :class:`Listing` name (sorted);
    a node's or edge's ``refs`` and info keys become indices into it, a listing becomes
    ``{"names": [indices], "more": n}`` (``more`` left out when 0). Links are rebuilt in the page
    from ``resolvers`` (CURIE prefix -> URL start, local id appended); ``links`` (string index ->
    URL or null) and a node's own ``url`` are kept only where that rule would give another link
    than :func:`resolver_url`. Defaults the page does not need (``more_refs`` 0, an edge's
    ``label`` None, ``dashes`` False) are left out. The input is not changed.

    >>> page = pack({"nodes": [], "edges": [{"id": 0, "info": [["cargo", Listing(["b", "a", "b"], 2)]],
    ...                                     "refs": [["PMID:1", "https://pubmed.ncbi.nlm.nih.gov/1"]]}]})
    >>> page["strings"], page["edges"][0]["info"], page["edges"][0]["refs"]
    (['PMID:1', 'a', 'b', 'cargo'], [[3, {'names': [2, 1], 'more': 1}]], [0])
    >>> page["resolvers"], page["links"]
    ({'PMID': 'https://pubmed.ncbi.nlm.nih.gov/'}, {})
    """
    items = [*data["nodes"], *data["edges"]]
    urls: dict[str, str | None] = {}
    names: set[str] = set()
    for item in items:
        for curie, url in item.get("refs") or ():
            urls[curie] = url
        for key, value in item.get("info") or ():
            names.add(key)
            if isinstance(value, Listing):
                names.update(value.parts)
    node_urls = {n["curie"]: n.get("url") for n in data["nodes"] if n.get("curie")}
    resolvers: dict[str, str] = {}
    for curie, url in sorted({**node_urls, **urls}.items()):
        prefix, local = _split(curie)
        if url and prefix not in resolvers and url.endswith(local) and url.startswith(("http://", "https://")):
            resolvers[prefix] = url[:len(url) - len(local)]

    def derived(curie: str) -> str | None:
        prefix, local = _split(curie)
        return resolvers[prefix] + local if prefix in resolvers else None

    strings = sorted(set(urls) | names)
    index = {s: i for i, s in enumerate(strings)}
    links = {str(index[c]): u for c, u in sorted(urls.items()) if derived(c) != u}

    def packed(item: dict[str, Any], edge: bool) -> dict[str, Any]:
        out = dict(item)
        if "refs" in out:
            out["refs"] = [index[c] for c, _ in out["refs"] or ()]
        if out.get("info"):
            out["info"] = [[index[k], listing(v) if isinstance(v, Listing) else v] for k, v in out["info"]]
        if out.get("curie") and "url" in out and derived(out["curie"]) == out["url"]:
            del out["url"]
        if out.get("more_refs") == 0:
            del out["more_refs"]
        if edge and "label" in out and out["label"] is None:
            del out["label"]
        if edge and out.get("dashes") is False:
            del out["dashes"]
        return out

    def listing(value: Listing) -> dict[str, Any]:
        return {"names": [index[x] for x in value.parts], **({"more": value.more} if value.more else {})}

    return {**data, "nodes": [packed(n, False) for n in data["nodes"]],
            "edges": [packed(e, True) for e in data["edges"]],
            "strings": strings, "resolvers": resolvers, "links": links}


# ---------------------------------------------------------------------- shared pieces
@lru_cache(maxsize=65536)
def _link(curie: str) -> str | None:
    from ..identifiers import resolver_url

    try:
        url = resolver_url(curie)
    except (ValueError, KeyError):
        return None
    return url if url.startswith(("http://", "https://")) else None


def _refs(cells: Iterable[Any]) -> list[str]:
    out: set[str] = set()
    for cell in cells:
        out.update(split_list(cell))
    return sorted(out)


def _ref_items(refs: Sequence[str]) -> tuple[list[list[Any]], int]:
    shown = [[r, _link(r)] for r in refs[:REFS_SHOWN]]
    return shown, max(0, len(refs) - REFS_SHOWN)


@dataclass
class _Edge:
    source: str
    target: str
    headline: str
    weight: float = 1.0
    refs: list[str] = field(default_factory=list)
    info: list[list[str]] = field(default_factory=list)
    color: str | None = None
    dashes: bool = False
    arrow: bool = True
    label: str | None = None
    width: float | None = None
    kind: str | None = None  # what the edge's look means, for the legend
    arrowhead: str = "arrow"  # "arrow", or "bar" for a decrease (inhibition)


@dataclass
class _Node:
    id: str
    label: str
    cls: str
    curie: str | None
    info: list[list[str]] = field(default_factory=list)
    mark: bool = False


def _kg_nodes(kg: KnowledgeGraph, codes: Sequence[int] | np.ndarray, extras: Sequence[list[list[str]]] | None = None,
              marks: Sequence[bool] | None = None) -> list[_Node]:
    """Nodes for the codes, reading only those rows of the node table (fast on big graphs)."""
    codes = np.asarray(codes, dtype=np.int64)
    ids, labels = take(kg.node_column("id"), codes), take(kg.node_column("label"), codes)
    cls = kg.node_class[codes]
    cats = (take(kg.node_column("condition_category"), codes) if "condition_category" in kg.node_columns
            else np.full(len(codes), "", dtype=object))
    out = []
    for i in range(len(codes)):
        info = [["class", class_label(str(cls[i]))]]
        if cats[i]:
            info.append(["condition category", str(cats[i])])
        if extras is not None:
            info += extras[i]
        curie = str(ids[i])
        out.append(_Node(curie, str(labels[i]), str(cls[i]), curie, info, bool(marks[i]) if marks is not None
                         else False))
    return out


def _kg_node(kg: KnowledgeGraph, code: int, extra: list[list[str]] | None = None, mark: bool = False) -> _Node:
    return _kg_nodes(kg, [code], [extra or []], [mark])[0]


def _sizes(values: np.ndarray, lo: float = 8.0, hi: float = 42.0) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return values
    top = float(values.max())
    if top <= 0:
        return np.full(len(values), (lo + hi) / 3)
    return lo + (hi - lo) * np.sqrt(np.clip(values, 0, None) / top)


def _assemble(name: str, title: str, nodes: list[_Node], edges: list[_Edge], scores: np.ndarray, measure: str, *,
              positions: np.ndarray | None = None, description: str = "", center: str | None = None,
              meta: dict[str, Any] | None = None, physics: bool = False, seed: int = 7,
              legend: list[dict[str, Any]] | None = None) -> View:
    """Lay out, style and pack nodes and edges into a :class:`Network` (labels decluttered, edge legend built)."""
    index = {n.id: i for i, n in enumerate(nodes)}
    if len(index) != len(nodes):
        raise EvgraphError(f"internal error: duplicate nodes in the {name} view")
    src = np.array([index[e.source] for e in edges], dtype=np.int64)
    dst = np.array([index[e.target] for e in edges], dtype=np.int64)
    if positions is None:
        positions = spring_layout(len(nodes), src, dst, np.array([e.weight for e in edges], dtype=float), seed=seed)
    sizes = _sizes(scores)
    shapes = [style_for(n.cls).shape for n in nodes]
    shown_labels = [wrap_label(n.label) for n in nodes]
    # collision-aware labels: small views are nudged apart, then labels that still collide are hidden
    positions, show = declutter(np.asarray(positions, dtype=float), shown_labels, sizes, shapes,
                                np.asarray(scores, dtype=float) + np.array([1e9 if n.mark else 0.0 for n in nodes]),
                                move=len(nodes) <= 400)
    node_refs: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        node_refs[e.source].update(e.refs)
        node_refs[e.target].update(e.refs)
    net = Network()
    for i, n in enumerate(nodes):
        style = style_for(n.cls)
        refs, more = _ref_items(sorted(node_refs.get(n.id, ())))
        info = [*n.info, [f"hub score ({measure})", f"{scores[i]:.4g}"]] if measure else n.info
        net.add_node(n.id, label=n.label, shape=style.shape, color=style.color, x=float(positions[i, 0]),
                     y=float(positions[i, 1]), size=round(float(sizes[i]), 1), physics=physics, cls=n.cls,
                     curie=n.curie, url=_link(n.curie) if n.curie else None, info=info, refs=refs,
                     more_refs=more, mark=n.mark, shown=shown_labels[i] if show[i] else "")
    max_w = max((e.weight for e in edges), default=1.0) or 1.0
    for j, e in enumerate(edges):
        refs, more = _ref_items(e.refs)
        width = e.width if e.width is not None else 1.0 + 5.0 * np.sqrt(e.weight / max_w)
        color = e.color or style_for(nodes[index[e.source]].cls).color
        net.edges.append({"id": j, "from": e.source, "to": e.target, "width": round(float(width), 2),
                          "color": color, "dashes": e.dashes, "arrow": e.arrow, "label": e.label,
                          **({"arrowhead": e.arrowhead} if e.arrowhead != "arrow" else {}),
                          "headline": e.headline, "info": e.info, "refs": refs, "more_refs": more})
    counts = pd.Series([n.cls for n in nodes], dtype=object).value_counts()
    classes = [{"name": c, "label": class_label(c), "color": style_for(c).color, "shape": style_for(c).shape,
                "count": int(counts[c])} for c in sorted(counts.index, key=lambda c: (-counts[c], c))]
    sizing = f"Node size: hub score ({measure})." if measure else ""
    hidden = int((~show).sum())
    if hidden:
        sizing += f" {hidden} label(s) hidden where they would overlap (hover or search to see them)."
    view = View(name, title, net, classes, sizing, description, center, dict(meta or {}), physics)
    view.legend = legend if legend is not None else edge_legend(edges)
    return view


def edge_legend(edges: Sequence[_Edge]) -> list[dict[str, Any]]:
    """The edge legend of a view: one entry per distinct (colour, dashes, arrowhead) with its meaning.

    Each edge's meaning is its ``kind`` (set by the view: a relationship, a path, a sign); edges
    without one are described by their colour alone.
    """
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in edges:
        key = (e.kind or "", e.color or "", e.dashes, e.arrow, e.arrowhead)
        if key not in seen and e.kind:
            seen[key] = {"label": e.kind, "color": e.color or "#888888", "dashes": e.dashes, "arrow": e.arrow,
                         "arrowhead": e.arrowhead}
    return sorted(seen.values(), key=lambda d: (d["label"], d["color"]))


def _top(scores: np.ndarray, eligible: np.ndarray, cap: int) -> np.ndarray:
    """Codes of the ``cap`` best-scored eligible nodes (ties broken by code), in code order."""
    codes = np.flatnonzero(eligible)
    if len(codes) > cap:
        order = np.lexsort((codes, -scores[codes]))
        codes = np.sort(codes[order[:cap]])
    return codes


def _collapse(kg: KnowledgeGraph, mask: np.ndarray, scores: np.ndarray, max_edges: int) -> list[_Edge]:
    """Edges under ``mask``, parallel ones (same ends and relationship) merged, strongest first if capped."""
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return []
    pred = kg.edge_column("predicate").cat.codes.to_numpy()[idx]
    src, dst = kg.src[idx], kg.dst[idx]
    order = np.lexsort((idx, pred, dst, src))
    idx, pred, src, dst = idx[order], pred[order], src[order], dst[order]
    new = np.ones(len(idx), dtype=bool)
    new[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1]) | (pred[1:] != pred[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(idx))
    if len(starts) > max_edges:
        strength = scores[src[starts]] + scores[dst[starts]]
        keep = np.sort(np.lexsort((np.arange(len(starts)), -strength))[:max_edges])
        starts, ends = starts[keep], ends[keep]
    ends_codes = np.unique(np.concatenate([src[starts], dst[starts]]))
    pos = {int(c): i for i, c in enumerate(ends_codes)}
    ids, labels = take(kg.node_column("id"), ends_codes), take(kg.node_column("label"), ends_codes)
    # only the rows of the shown edges are read (positions aligned with idx)
    pubs, direction = take(kg.edge_column("publications"), idx), take(kg.edge_column("direction"), idx)
    pnames = kg.edge_column("predicate").cat.categories.to_numpy(dtype=object)
    out = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        rows = slice(a, b)
        n_rows = b - a
        s, o = pos[int(src[a])], pos[int(dst[a])]
        p = str(pnames[pred[a]])
        info = [["relationship", p]]
        dirs = sorted({str(d) for d in direction[rows] if d})
        if dirs:
            info.append(["direction", ", ".join(dirs)])
        if n_rows > 1:
            info.append(["statements", str(n_rows)])
        down = bool(dirs) and set(dirs) <= DECREASES
        up = bool(dirs) and set(dirs) <= INCREASES
        kind = p + (" (decreased)" if down else " (increased)" if up else "")
        out.append(_Edge(str(ids[s]), str(ids[o]), f"{labels[s]} {p} {labels[o]}", float(n_rows),
                         _refs(pubs[rows]), info, color=relation_color(p), width=1.0 + np.log2(n_rows), kind=kind,
                         arrowhead="bar" if down else "arrow"))
    return out


# ---------------------------------------------------------------------- overview: EV traffic map
def traffic_map(kg: KnowledgeGraph, *, size_by: str = "degree", cap: int = DEFAULT_CAP, max_edges: int | None = None,
                **_: Any) -> View:
    """The organ-to-organ EV traffic map: organs and cell types, arrows weighted by supported transfers.

    At most ``cap`` nodes (best hub scores) and ``max_edges`` arrows (heaviest; default 4 x cap).
    The map holds the releasers and targets of EV transfers and the organs their cell types are
    ``part_of``; an organ's own ``part_of`` parents (e.g. UBERON's, in a build with ``ontologies=``)
    are not added, and their dashed ``part_of`` edge is drawn only when both organs are on the map.
    """
    scores = analyses.hub_scores(kg, size_by)
    tr = transfer_rows(kg)
    if tr.empty:
        raise EvgraphError("the graph has no EV transfers (releases + taken_up_by/homes_to) to map")
    pairs = (tr[["releaser", "target", "population"]].drop_duplicates()
             .groupby(["releaser", "target"], sort=True).size().rename("weight").reset_index())
    involved = np.unique(np.concatenate([pairs["releaser"].to_numpy(), pairs["target"].to_numpy()]))
    # organs the involved cell types are part of; an organ's own part_of parents (UBERON's hierarchy)
    # are not added (their edge is drawn below only when both organs are on the map anyway)
    part = (kg.edge_column("predicate") == "part_of").to_numpy()
    part_src, part_dst = kg.src[part], kg.dst[part]
    keep_part = np.isin(part_src, involved) & (kg.node_class[part_dst] == "Organ")
    codes = np.union1d(involved, part_dst[keep_part & (kg.node_class[part_src] == "CellType")])
    if len(codes) > cap:
        chosen = np.zeros(kg.num_nodes, dtype=bool)
        chosen[codes] = True
        codes = _top(scores, chosen, cap)
    in_view = np.zeros(kg.num_nodes, dtype=bool)
    in_view[codes] = True
    pairs = pairs[in_view[pairs["releaser"].to_numpy()] & in_view[pairs["target"].to_numpy()]]
    limit = max_edges if max_edges is not None else 4 * cap
    if len(pairs) > limit:
        pairs = pairs.iloc[np.sort(np.lexsort((np.arange(len(pairs)), -pairs["weight"].to_numpy()))[:limit])]
    pairs = pairs.reset_index(drop=True)
    n_pairs = len(pairs)
    kept = tr.merge(pairs[["releaser", "target"]].assign(pair=np.arange(n_pairs)), on=["releaser", "target"])
    pair = kept["pair"].to_numpy()
    pubs = kg.edge_column("publications")
    refs_of = grouped_refs(np.concatenate([pair, pair]),
                            np.concatenate([kept["row_r"].to_numpy(), kept["row_t"].to_numpy()]), pubs, n_pairs)
    # cargo carried by each pair's EV populations, by label
    pops = kept[["pair", "population"]].drop_duplicates()
    carries = (kg.edge_column("predicate") == "carries").to_numpy() & np.isin(kg.src, pops["population"].to_numpy())
    cargo = pops.merge(pd.DataFrame({"population": kg.src[carries], "cargo": kg.dst[carries]}), on="population")
    cargo = cargo[["pair", "cargo"]].drop_duplicates()
    uniq = np.unique(cargo["cargo"].to_numpy())
    names = pd.Series(take(kg.node_column("label"), uniq), index=uniq, dtype=object).astype(str)
    cargo = pd.DataFrame({"pair": cargo["pair"].to_numpy(),
                          "name": names.reindex(cargo["cargo"].to_numpy()).to_numpy()})
    cargo = cargo.drop_duplicates().sort_values(["pair", "name"], kind="stable")
    cargo_of: list[list[str]] = [[] for _ in range(n_pairs)]
    for p, group in cargo.groupby("pair", sort=True)["name"]:
        cargo_of[int(p)] = group.tolist()
    ends = np.unique(np.concatenate([pairs["releaser"].to_numpy(), pairs["target"].to_numpy(), part_src[keep_part],
                                     part_dst[keep_part]]))
    pos = {int(c): i for i, c in enumerate(ends)}
    ids, labels = take(kg.node_column("id"), ends), take(kg.node_column("label"), ends)
    edges = []
    for j, (r, t, weight) in enumerate(zip(pairs["releaser"].tolist(), pairs["target"].tolist(),
                                           pairs["weight"].tolist(), strict=True)):
        r, t = pos[r], pos[t]
        names_j = cargo_of[j]
        info = [["supported transfers (EV populations)", str(weight)]]
        if names_j:
            info.append(["cargo", Listing(names_j, 8)])
        releaser_cls = str(kg.node_class[ends[r]])
        edges.append(_Edge(str(ids[r]), str(ids[t]), f"{labels[r]} \u2192 {labels[t]}", float(weight), refs_of[j],
                           info, label=str(weight) if weight > 1 else None,
                           color=style_for(releaser_cls).color,
                           kind=f"EVs released by {_article(class_label(releaser_cls))} (width: EV populations)"))
    for s, o in zip(part_src[keep_part].tolist(), part_dst[keep_part].tolist(), strict=True):
        if in_view[s] and in_view[o]:
            kind = "cell type part of organ" if kg.node_class[s] == "CellType" else "organ part of organ"
            s, o = pos[s], pos[o]
            edges.append(_Edge(str(ids[s]), str(ids[o]), f"{labels[s]} part of {labels[o]}", 1.0,
                               info=[["relationship", "part_of"]], color="#BBBBBB", dashes=True, arrow=False,
                               width=1.0, kind=kind))
    nodes = _kg_nodes(kg, codes)
    return _assemble("overview", "EV traffic map", nodes, edges, scores[codes], size_by,
                     description=("Organs and cell types; an arrow from the releasing organ or cell type to the "
                                  "cell type that takes the EVs up or the organ they home to, its width the number "
                                  "of supported transfers (EV populations). Dashed: cell type part of organ, or organ "
                                  "part of organ when both are on the map."),
                     meta={"transfers": int(pairs["weight"].sum())})


# ---------------------------------------------------------------------- capped whole graph
def whole_graph(kg: KnowledgeGraph, *, size_by: str = "degree", cap: int = DEFAULT_CAP,
                max_edges: int | None = None, exclude: Sequence[str] = DEFAULT_EXCLUDE, **_: Any) -> View:
    """The ``cap`` top nodes by hub score and the edges among them (at most ``max_edges``)."""
    if cap < 1:
        raise EvgraphError("--cap must be at least 1")
    scores = analyses.hub_scores(kg, size_by)
    eligible = ~np.isin(kg.node_class, list(exclude))
    codes = _top(scores, eligible, cap)
    in_view = np.zeros(kg.num_nodes, dtype=bool)
    in_view[codes] = True
    mask = in_view[kg.src] & in_view[kg.dst]
    edges = _collapse(kg, mask, scores, max_edges if max_edges is not None else 4 * cap)
    nodes = _kg_nodes(kg, codes)
    shown = f"{len(codes)}" if len(codes) == int(eligible.sum()) else f"top {len(codes)} of {int(eligible.sum())}"
    return _assemble("graph", "Whole graph", nodes, edges, scores[codes], size_by,
                     description=(f"The {shown} nodes by hub score ({size_by}) and the edges between them"
                                  + (f"; {', '.join(exclude)} nodes are left out (see the tooltips)" if exclude else "")
                                  + "."),
                     meta={"cap": cap})


# ---------------------------------------------------------------------- ego network
def ego(kg: KnowledgeGraph, node: str | None = None, *, radius: int = 1, size_by: str = "degree",
        cap: int = DEFAULT_CAP, exclude: Sequence[str] = DEFAULT_EXCLUDE, **_: Any) -> View:
    """The neighbourhood of ``node`` (CURIE or label) to ``radius`` hops, the centre outlined."""
    if not node:
        raise EvgraphError("the ego view needs a node (--node CURIE or label)")
    if radius < 1:
        raise EvgraphError("--radius must be at least 1")
    center = kg.resolve(node)
    code = kg.index_of(center)
    scores = analyses.hub_scores(kg, size_by)
    dist = neighbourhood(kg, code, radius)
    excluded = set(exclude)
    candidates = np.array([c for c in sorted(dist) if c == code or kg.node_class[c] not in excluded], dtype=np.int64)
    if len(candidates) > cap:
        hops = np.array([dist[c] for c in candidates])
        order = np.lexsort((candidates, -scores[candidates], hops))[:cap]
        candidates = np.sort(candidates[order])
    in_view = np.zeros(kg.num_nodes, dtype=bool)
    in_view[candidates] = True
    edges = _collapse(kg, in_view[kg.src] & in_view[kg.dst], scores, 4 * cap)
    nodes = _kg_nodes(kg, candidates, [[["hops from centre", str(dist[int(c)])]] for c in candidates],
                      [int(c) == code for c in candidates])
    label = kg.label(center)
    return _assemble("ego", f"Neighbourhood of {label}", nodes, edges, scores[candidates], size_by, center=center,
                     description=f"Nodes within {radius} hop(s) of {label} ({center}), edges in either direction.",
                     meta={"radius": radius})


# ---------------------------------------------------------------------- propagation paths
def find_paths(kg: KnowledgeGraph, source: str, target: str, k: int = 5) -> list[dict[str, Any]]:
    """Top ``k`` propagation paths (:func:`evgraph.analytics.paths`) as ``{"nodes", "score", "hops", ...}``."""
    s, t = kg.resolve(source), kg.resolve(target)
    return normalise_paths(kg, analytics.paths(kg, s, t, k=k))


def normalise_paths(kg: KnowledgeGraph, result: Any) -> list[dict[str, Any]]:
    """Accept a list of dicts, a DataFrame or objects with ``nodes``/``score`` from the analytics."""
    if isinstance(result, pd.DataFrame):
        records = result.to_dict("records")
    else:
        records = list(result)
    out = []
    for rec in records:
        if not isinstance(rec, dict):
            rec = {k: getattr(rec, k) for k in ("nodes", "score", "edges") if hasattr(rec, k)}
        nodes = rec.get("nodes") or rec.get("path") or rec.get("node_ids")
        if isinstance(nodes, str):
            nodes = [n for n in nodes.replace(" -> ", "|").split("|") if n]
        if not nodes:
            continue
        score = rec.get("evidence", rec.get("score", 0.0))
        out.append({"nodes": [str(n) for n in nodes], "score": float(score or 0.0), "hops": rec.get("hops"),
                    "metapath": rec.get("metapath"), "path": rec.get("path"), "sign": rec.get("sign"),
                    "coherence": rec.get("coherence"), "bridged_at": list(rec.get("bridged_at") or [])})
    return out


def _hop_edges(kg: KnowledgeGraph, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[int]]:
    """Edge rows joining each unordered pair of codes."""
    if not pairs:
        return {}
    a = np.minimum(kg.src, kg.dst)
    b = np.maximum(kg.src, kg.dst)
    keys = pd.MultiIndex.from_arrays([a, b])
    wanted = pd.MultiIndex.from_tuples(sorted(pairs))
    rows = np.flatnonzero(keys.isin(wanted))
    out: dict[tuple[int, int], list[int]] = defaultdict(list)
    for r in rows:
        out[(int(a[r]), int(b[r]))].append(int(r))
    return out


def paths_view(kg: KnowledgeGraph, source: str | None = None, target: str | None = None, *, k: int = 5,
               size_by: str = "degree", paths: list[dict[str, Any]] | None = None, **_: Any) -> View:
    """The top ``k`` propagation paths from ``source`` to ``target``, one colour per path.

    Each hop's tooltip lists the relationships joining the two nodes and their references.
    """
    if not source or not target:
        raise EvgraphError("the paths view needs --from and --to (CURIEs or labels)")
    s, t = kg.resolve(source), kg.resolve(target)
    found = paths if paths is not None else find_paths(kg, s, t, k)
    if not found:
        raise EvgraphError(f"no path from {kg.label(s)} ({s}) to {kg.label(t)} ({t})")
    found = found[:k]
    scores = analyses.hub_scores(kg, size_by)
    codes_per_path = [[kg.index_of(n) for n in p["nodes"]] for p in found]
    pairs = {(min(x, y), max(x, y)) for path in codes_per_path for x, y in itertools.pairwise(path)}
    rows_of = _hop_edges(kg, pairs)
    order: list[int] = []
    xs: dict[int, list[float]] = defaultdict(list)
    ys: dict[int, list[float]] = defaultdict(list)
    ranks: dict[int, list[int]] = defaultdict(list)
    for rank, path in enumerate(codes_per_path):
        for hop, c in enumerate(path):
            if c not in xs:
                order.append(c)
            xs[c].append(hop / max(1, len(path) - 1))
            ys[c].append(rank - (len(codes_per_path) - 1) / 2)
            ranks[c].append(rank + 1)
    width = 260.0 * max(len(p) for p in codes_per_path)
    positions = np.array([[np.mean(xs[c]) * width - width / 2, np.mean(ys[c]) * 110.0] for c in order])
    ids = kg.node_column("id").to_numpy(dtype=object)
    labels = kg.node_column("label").to_numpy(dtype=object)
    pubs = kg.edge_column("publications")
    edges: list[_Edge] = []
    seen: dict[tuple[int, int], _Edge] = {}
    for rank, path in enumerate(codes_per_path):
        color = PATH_COLORS[rank % len(PATH_COLORS)]
        for x, y in itertools.pairwise(path):
            key = (x, y)
            if key in seen:
                seen[key].info.append(["also on path", str(rank + 1)])
                continue
            hop_no = path.index(x)
            info = [["path", f"{rank + 1} (score {found[rank]['score']:.3g})"]]
            if found[rank].get("metapath"):
                info.append(["metapath", str(found[rank]["metapath"])])
            for key in ("sign", "coherence"):
                if found[rank].get(key):
                    info.append([key, str(found[rank][key])])
            if found[rank].get("bridged_at"):
                info.append(["HYPOTHESIS", "two studies bridged at " + ", ".join(
                    kg.label(b) for b in found[rank]["bridged_at"])])
            hops = found[rank].get("hops")
            closure_hop = False
            if hops and hop_no < len(hops):
                hop = hops[hop_no]
                closure_hop = bool(hop.get("via_closure"))
                info.append(["edge", f"{labels[kg.index_of(hop['subject'])]} {hop['relationship']} "
                                     f"{labels[kg.index_of(hop['object'])]}"])
                if closure_hop:
                    info.append(["via closure", f"ontology roll-up ({hop.get('closure', '')} term)"])
                for key in ("direction", "knowledge_level", "confidence"):
                    if hop.get(key) not in (None, "") and not (isinstance(hop[key], float) and np.isnan(hop[key])):
                        info.append([key.replace("_", " "), str(hop[key])])
                if hop.get("species"):
                    info.append(["species", ", ".join(hop["species"])])
                refs = sorted(set(hop.get("publications") or []))
            else:
                rows = rows_of.get((min(x, y), max(x, y)), [])
                for r in rows[:6]:
                    pred = kg.edge_column('predicate').iat[r]
                    info.append(["edge", f"{labels[kg.src[r]]} {pred} {labels[kg.dst[r]]}"])
                refs = _refs(pubs.iloc[rows])
            edge = _Edge(str(ids[x]), str(ids[y]), f"hop {hop_no + 1} of path {rank + 1}: {labels[x]} \u2192 "
                         f"{labels[y]}", 1.0, refs, info, color=color, width=6.0 if rank == 0 else 3.0,
                         dashes=closure_hop, kind=_path_kind(rank, found[rank], closure_hop),
                         arrowhead="bar" if hops and hop_no < len(hops) and set(
                             str(hops[hop_no].get("direction") or "").split("|")) <= DECREASES else "arrow")
            seen[key] = edge
            edges.append(edge)
    nodes = [_kg_node(kg, c, [["on paths", ", ".join(map(str, sorted(set(ranks[c]))))]], mark=c in (
        codes_per_path[0][0], codes_per_path[0][-1])) for c in order]
    return _assemble("paths", f"Paths: {kg.label(s)} \u2192 {kg.label(t)}", nodes, edges, scores[order], size_by,
                     positions=positions,
                     description=(f"The top {len(found)} propagation path(s) from {kg.label(s)} ({s}) to "
                                  f"{kg.label(t)} ({t}); path 1 is the thickest. Hover a hop for its evidence. "
                                  "Dashed: ontology roll-up. A path marked HYPOTHESIS bridges two studies at a "
                                  "generic node."),
                     meta={"paths": found, "source": s, "target": t})


def _article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _path_kind(rank: int, path: dict[str, Any], closure_hop: bool) -> str:
    """Legend text of a path's edges: rank, sign, coherence, HYPOTHESIS when bridged, roll-up hops."""
    parts = [f"path {rank + 1}"]
    details = [str(path[k]) for k in ("sign", "coherence") if path.get(k)]
    if details:
        parts.append(": " + ", ".join(details))
    if path.get("coherence") == "bridged" or path.get("bridged_at"):
        parts.append(" (HYPOTHESIS)")
    if closure_hop:
        parts.append("; dashed: ontology roll-up")
    return "".join(parts)


# ---------------------------------------------------------------------- crosstalk
def crosstalk_view(kg: KnowledgeGraph, *, categories: Sequence[str] | None = None, size_by: str = "degree",
                   cap: int = 300, result: Any = None, permutations: int = 0, **_: Any) -> View:
    """Condition categories (boxes) and the cargo and pathways between them.

    From :func:`evgraph.analytics.crosstalk` (or its ``result``): an edge between two categories
    per scored pair (width = crosstalk score, p-value in the tooltip) and the EV populations,
    cargo and pathways that carry most of it.
    """
    if result is None:
        result = analytics.crosstalk(kg, permutations=permutations, seed=0)
    return _crosstalk_from_table(kg, result.table, categories, size_by)


_CURIE_IN_PARENS = re.compile(r"\(([^()\s]+:[^()\s]+)\)\s*$")


def _listed_ids(cell: Any) -> list[str]:
    """CURIEs from an analytics cell such as ``"CCL2 (NCBIGene:6347); miR-126 (mirbase:MIMAT0000445)"``."""
    if not isinstance(cell, str) or not cell:
        return []
    out = []
    for item in cell.split("; "):
        m = _CURIE_IN_PARENS.search(item.strip())
        if m:
            out.append(m.group(1))
    return out


def _fmt(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "n/a" if np.isnan(v) else f"{v:.3g}"


def _crosstalk_from_table(kg: KnowledgeGraph, table: pd.DataFrame, categories: Sequence[str] | None,
                          size_by: str) -> View:
    if "score" not in table.columns:  # no condition categories at all (error path, issue 18)
        raise EvgraphError("no crosstalk between condition categories (the graph has no categorised conditions)")
    rows = table[table["score"] > 0]
    if categories:
        wanted = set(categories)
        rows = rows[rows["category_a"].isin(wanted) & rows["category_b"].isin(wanted)]
    if rows.empty:
        raise EvgraphError("no crosstalk between condition categories (all scores are zero)")
    rows = rows.sort_values(["category_a", "category_b"])
    scores_all = analyses.hub_scores(kg, size_by)
    cats = sorted(set(rows["category_a"]) | set(rows["category_b"]))
    strength = defaultdict(float)
    items: dict[str, set[str]] = defaultdict(set)
    edges: list[_Edge] = []
    purple = style_for("ConditionCategory").color
    max_score = float(rows["score"].max())
    for r in rows.itertuples(index=False):
        a, b = f"category:{r.category_a}", f"category:{r.category_b}"
        strength[a] += r.score
        strength[b] += r.score
        info = [["crosstalk score", _fmt(r.score)]]
        for key in ("p_value", "q_value", "z", "n_condition_pairs"):
            if hasattr(r, key):
                info.append([key.replace("_", " "), _fmt(getattr(r, key))])
        if getattr(r, "note", ""):
            info.append(["note", str(r.note)])
        carried = [x for col in ("top_EV", "top_cargo", "top_pathway") for x in _listed_ids(getattr(r, col, ""))
                   if kg.has_node(x)]
        if carried:
            info.append(["carried by", ", ".join(kg.label(x) for x in carried)])
        edges.append(_Edge(a, b, f"{r.category_a} \u2192 {r.category_b}", float(r.score), info=info, color=purple,
                           width=1.5 + 8.0 * float(r.score) / max_score,
                           kind="crosstalk between categories (width: score)"))
        for x in carried:
            items[x].add(f"{r.category_a} \u2192 {r.category_b}")
            for end, head in ((a, f"{r.category_a} \u2192 {kg.label(x)}"), (b, f"{kg.label(x)} \u2192 {r.category_b}")):
                pair = (end, x) if end == a else (x, end)
                edges.append(_Edge(pair[0], pair[1], head, float(r.score), refs=[], info=[["pair", f"{r.category_a} "
                                   f"\u2192 {r.category_b}"]], color="#BBBBBB", dashes=True, width=1.0,
                                   kind="carried by (EV population, cargo or pathway)"))
    # merge duplicate item edges
    seen: dict[tuple[str, str], _Edge] = {}
    merged = []
    for e in edges:
        key = (e.source, e.target)
        if e.dashes and key in seen:
            seen[key].info.append(e.info[0])
            continue
        seen[key] = e
        merged.append(e)
    nodes = [_Node(f"category:{c}", c, "ConditionCategory", None, [["class", "condition category"]]) for c in cats]
    codes = sorted(kg.index_of(x) for x in items)
    nodes += [_kg_node(kg, c, [["crosstalk pairs", "; ".join(sorted(items[str(kg.node_column('id').iat[c])]))]])
              for c in codes]
    top_item = float(scores_all[codes].max()) if codes else 1.0
    cat_scores = np.array([strength[f"category:{c}"] for c in cats])
    cat_scores = cat_scores / (cat_scores.max() or 1.0) * (top_item or 1.0) * 1.2
    scores = np.concatenate([cat_scores, scores_all[codes]])
    # refs for carried nodes: their statements' references
    return _assemble("crosstalk", "Crosstalk between condition categories", nodes, merged, scores, size_by,
                     description=("Condition categories (boxes); an arrow from the category where EVs are released "
                                  "to the one they contribute to, its width the crosstalk score (evgraph.analytics."
                                  "crosstalk: DWPC over condition-to-condition metapaths, p-value from degree-"
                                  "preserving permutations), with the EV populations, cargo and pathways that "
                                  "carry most of it (dashed)."),
                     meta={"table": rows.reset_index(drop=True)})


# ---------------------------------------------------------------------- dispatch
def make_view(kg: KnowledgeGraph, view: str = "overview", **options: Any) -> View:
    """Build a view by name (see :data:`VIEWS`); options are passed to the view function."""
    builders = {"overview": traffic_map, "graph": whole_graph, "ego": ego, "paths": paths_view,
                "crosstalk": crosstalk_view}
    if view in ("bodymap", "sankey"):  # organ-level SVG figures (evgraph.viz.organs)
        from .organs import organ_view

        return organ_view(kg, view)
    if view not in builders:
        raise EvgraphError(f"unknown view '{view}' (known: {', '.join(VIEWS)})")
    return builders[view](kg, **options)
