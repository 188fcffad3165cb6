"""Propagation paths between two nodes along metapaths: signed, statement-coherent, rolled up.

Paths are enumerated meet-in-the-middle on the :class:`~.hetmat.HetMat` of the graph and each
hop is read back to the edges behind it (relationship, orientation, confidence, direction,
species, knowledge level, statements, references). Each path then gets its ``sign``,
``coherence`` and ``evidence`` (:mod:`.path_evidence`). With ``closure`` (the default) the
source and target also stand for their ontology relatives (:mod:`.closure`): a path that ends
at "cognitive disorder" reaches "Alzheimer disease" through a roll-up hop marked
``via_closure``. Junctions at vocabulary nodes and grouping terms (:mod:`.grouping`) are left
out unless asked for.

>>> import evgraph
>>> kg = evgraph.load()
>>> df = paths(kg, "type 2 diabetes mellitus", "Alzheimer disease", k=3)
>>> {"metapath", "sign", "coherence", "statements", "evidence", "hops"} <= set(df.columns)
True
>>> bool(df["via_closure"].iloc[0])   # BR010: EVs -> cognitive disorder, rolled up to Alzheimer disease
True
>>> all(path_sign(h) == s for h, s in zip(df["hops"], df["sign"]))
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..arrays import unique
from ..errors import EvgraphError
from ..model import KnowledgeGraph, split_list
from .closure import CLOSURE_RELATIONS, chain_edges, related
from .grouping import excluded_nodes, grouping_terms
from .hetmat import HetMat, hetmat
from .metagraph import DAMPING, Metapath, as_metapath, default_metapaths, metapaths_between
from .path_evidence import coherence, hop_sign, path_evidence, path_sign, species_summary

SIGNS = ("increases", "decreases", "unknown")
COHERENCE = ("single_statement", "linked", "bridged")
HOP_SIGN_NAMES = {1: "increases", -1: "decreases", 0: "neutral", None: "unknown"}
#: Columns of the paths table, in order.
PATH_COLUMNS = ["rank", "metapath", "length", "sign", "coherence", "hypothesis", "bridged_at", "statements",
                "evidence", "pdp", "dwpc", "n_paths", "species", "cross_species", "via_closure", "path", "nodes",
                "hops", "references"]


class _EdgeIndex:
    """Edges sorted by (relationship, subject, object) for fast hop -> edges look-ups."""

    def __init__(self, kg: KnowledgeGraph):
        n = kg.num_nodes
        pred = kg.edge_column("predicate").cat.codes.to_numpy().astype(np.int64)
        self.n = n
        self.keys = (pred * n + kg.src) * n + kg.dst
        self.order = np.argsort(self.keys, kind="stable")
        self.sorted = self.keys[self.order]

    def lookup(self, pred: int, s: int, o: int) -> np.ndarray:
        key = (pred * self.n + s) * self.n + o
        lo, hi = np.searchsorted(self.sorted, [key, key + 1])
        return self.order[lo:hi]


def _edge_index(kg: KnowledgeGraph) -> _EdgeIndex:
    return kg.cached(("evgraph.analytics", "edge-index"), lambda: _EdgeIndex(kg))


class _EdgeRows:
    """Some edge rows, one column at a time, as numpy arrays: ``sub.raw(col)`` holds the values of
    ``kg.edges[col].iloc[rows]``, ``sub.text(col)`` those of ``.astype(str)`` (without building the
    whole edge table or a frame of every column)."""

    def __init__(self, kg: KnowledgeGraph, rows):
        self.kg, self.rows = kg, np.asarray(rows, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.rows)

    def _column(self, col: str) -> tuple[np.ndarray, np.ndarray | None]:
        """``(values, None)`` or, for a categorical column, ``(codes, category texts + "nan")``."""
        def make():
            ser = self.kg.edge_column(col)
            if isinstance(ser.dtype, pd.CategoricalDtype):
                cats = np.array([str(c) for c in ser.cat.categories] + ["nan"], dtype=object)
                return ser.cat.codes.to_numpy(), cats
            return ser.to_numpy(), None

        return self.kg.cached(("evgraph.analytics", "edge-column-array", col), make)

    def raw(self, col: str) -> np.ndarray:
        values, cats = self._column(col)
        return cats[values[self.rows]] if cats is not None else values[self.rows]

    def text(self, col: str) -> list[str]:
        values, cats = self._column(col)
        return cats[values[self.rows]].tolist() if cats is not None else [str(x) for x in values[self.rows]]


def _node_arrays(kg: KnowledgeGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ids, labels, classes)`` of every node as object / str arrays (cached: hop records read them often)."""
    return kg.cached(("evgraph.analytics", "node-arrays"),
                     lambda: (kg.node_column("id").to_numpy(dtype=object),
                              kg.node_column("label").to_numpy(dtype=object), kg.node_class.astype(str)))


def _hop_records(kg: KnowledgeGraph, hm: HetMat, mp: Metapath, nodes: np.ndarray) -> list[dict]:
    idx = _edge_index(kg)
    allowed = None
    if len(hm.edge_ids) != kg.num_edges:
        if ("allowed-edges",) not in hm._cache:
            hm._cache[("allowed-edges",)] = set(hm.edge_ids.tolist())
        allowed = hm._cache[("allowed-edges",)]
    ids, labels, classes = _node_arrays(kg)
    has_statement = "statement" in kg.edge_columns
    hops = []
    for i, (rel, rev) in enumerate(zip(mp.relations, mp.reverse, strict=True)):
        a, b = int(nodes[i]), int(nodes[i + 1])
        s, o = (b, a) if rev else (a, b)
        p = hm.pred_names.index(rel)
        found = idx.lookup(p, s, o)
        if kg.schema.relations[rel].symmetric:
            found = np.concatenate([found, idx.lookup(p, o, s)])
        if allowed is not None:
            found = np.array([e for e in found if e in allowed], dtype=np.int64)
        sub = _EdgeRows(kg, np.sort(found))
        refs = sorted({r for v in sub.raw("publications") for r in split_list(v)})
        species = sorted({r for v in sub.text("species") for r in split_list(v)})
        statements = sorted({x for x in sub.text("statement") if x}) if has_statement else []
        direction = "|".join(sorted({x for x in sub.text("direction") if x}))
        conf = sub.raw("confidence").astype(np.float64)
        conf = conf[~np.isnan(conf)]
        hops.append({
            "from": ids[a], "from_label": labels[a], "relationship": rel,
            "reverse": bool(rev), "to": ids[b], "to_label": labels[b],
            "subject": ids[s], "object": ids[o],
            "confidence": float(conf.max()) if len(conf) else float("nan"),
            "direction": direction,
            "sign": HOP_SIGN_NAMES[hop_sign(rel, direction)],
            "knowledge_level": "|".join(sorted(set(sub.text("knowledge_level")))),
            "species": species, "publications": refs, "statements": statements,
            "edges": sub.text("id"), "to_class": classes[b], "from_class": classes[a],
            "via_closure": False,
        })
    return hops


def _closure_hop(kg: KnowledgeGraph, a: int, b: int, direction: str, steps: int, forward: bool) -> dict:
    """A roll-up hop from ``a`` to ``b``; ``direction``: how the evidence node relates to the query
    node (``broader``/``narrower``); ``forward``: ``a`` is a subclass (part) of ``b``."""
    ids, labels, classes = _node_arrays(kg)
    cls = str(classes[b])
    rel = CLOSURE_RELATIONS.get(cls, "subclass_of")
    rows = chain_edges(kg, a, b) if forward else chain_edges(kg, b, a)
    sub = _EdgeRows(kg, rows)
    sources = sorted({x for x in sub.text("primary_knowledge_source") if x})
    return {"from": ids[a], "from_label": labels[a], "relationship": rel, "reverse": False, "to": ids[b],
            "to_label": labels[b], "subject": ids[a], "object": ids[b], "confidence": 1.0, "direction": "",
            "sign": "neutral", "knowledge_level": "logical_entailment", "species": [], "publications": [],
            "statements": [], "edges": sub.text("id"), "knowledge_sources": sources, "to_class": cls,
            "from_class": str(classes[a]),
            "via_closure": True, "closure": direction,
            "closure_steps": steps, "closure_forward": forward}


def path_text(hops: list[dict]) -> str:
    """Readable path: labels joined by arrows; a roll-up hop is drawn ``=rel*=>`` (or ``<=rel*=``)."""
    out = hops[0]["from_label"]
    for h in hops:
        rel = h["relationship"]
        if h.get("via_closure"):
            out += f" ={rel}*=> " if h.get("closure_forward", True) else f" <={rel}*= "
        else:
            out += f" <-{rel}- " if h["reverse"] else f" -{rel}-> "
        out += h["to_label"]
    return out


# ====================================================================== paths()
def _mark_end_hierarchy(hops: list[dict]) -> None:
    """Explicit ontology-hierarchy hops before the first or after the last statement hop relate the
    query node to the evidence node: they are roll-ups (``via_closure``) and cost what a roll-up
    costs (a broader term's evidence applied to a narrower node: the specialisation penalty)."""
    stmt = [i for i, h in enumerate(hops) if h.get("statements")]
    if not stmt:
        return
    first, last = stmt[0], stmt[-1]
    for i, h in enumerate(hops):
        cls = h.get("to_class")
        if h.get("via_closure") or h.get("from_class") != cls or CLOSURE_RELATIONS.get(cls) != h["relationship"]:
            continue
        up = not h["reverse"]  # walked from the narrower to the broader term
        if i < first:  # query source -> evidence: walking up means the evidence is about a broader term
            h.update(via_closure=True, closure="broader" if up else "narrower", closure_forward=up)
        elif i > last:  # evidence -> query target: walking up means the evidence is about a narrower term
            h.update(via_closure=True, closure="narrower" if up else "broader", closure_forward=up)


def endpoints(kg: KnowledgeGraph, code: int, closure: bool, exclude_grouping: bool) -> dict[int, tuple[str, int]]:
    """Node code -> (closure direction, steps) for a query node and its roll-up relatives."""
    out: dict[int, tuple[str, int]] = {code: ("", 0)}
    if closure:
        for c, d, k in related(kg, code, exclude_grouping):
            out.setdefault(c, (d, k))
    return out


def choose_metapaths(kg: KnowledgeGraph, s_cls: str, t_cls: str, metapaths: Sequence[Metapath | str] | None,
                     max_length: int, s_id: str = "source", t_id: str = "target") -> list[Metapath]:
    """The metapaths ``paths`` follows between two classes (given ones are checked against them)."""
    if metapaths:
        chosen = [as_metapath(m) for m in metapaths]
        for m in chosen:
            if s_cls not in m.sets[0] or t_cls not in m.sets[-1]:
                raise EvgraphError(f"metapath {m.abbrev} runs from {m.classes[0]} to {m.classes[-1]}, "
                                   f"but {s_id} is a {s_cls} and {t_id} is a {t_cls}")
        return chosen
    chosen = []
    for m in default_metapaths():
        for cand in (m, m.inverse()):
            if len(cand) <= max_length and s_cls in cand.sets[0] and t_cls in cand.sets[-1] and cand not in chosen:
                chosen.append(cand)
    if not chosen:
        chosen = metapaths_between(s_cls, t_cls, min(max_length, 4))
    return [m for m in chosen if len(m) <= max_length]


def paths(kg: KnowledgeGraph, source: str, target: str, metapaths: Sequence[Metapath | str] | None = None, *,
          max_length: int = 6, k: int = 20, species: str | Sequence[str] | None = None,
          min_knowledge_level: str | None = None, min_confidence: float | None = None,
          damping: float = DAMPING, rank_by: str = "evidence", max_paths: int = 200_000,
          sign: str | None = None, coherent: bool = False, min_evidence: float | None = None,
          closure: bool = True, exclude_grouping: bool = True, exclude_vocabulary: bool = True,
          candidates: int | None = None) -> pd.DataFrame:
    """The top ``k`` propagation paths from ``source`` to ``target`` that follow metapaths.

    ``source``/``target``: CURIEs or unambiguous labels. ``metapaths``: Metapath objects or
    strings; by default the :data:`~.metagraph.DEFAULT_METAPATHS` (or their inverses) that start
    at the source's class and end at the target's class, and if none does, every schema
    metapath between the two classes up to ``max_length`` (at most 4 hops then).

    Each path carries ``sign`` (``increases``/``decreases``/``unknown``), ``coherence``
    (``single_statement``/``linked``/``bridged``; a bridged path is a *hypothesis*: two studies
    spliced at ``bridged_at``), ``statements``, ``evidence`` (each statement's confidence once,
    a penalty per bridge, see :mod:`.path_evidence`), ``species`` (shared by every hop; hops keep
    their own), ``via_closure`` (a roll-up hop joins the query node to the evidence node).
    Filters: ``sign``, ``coherent`` (no bridged path), ``species`` (edges observed in it or
    naming none), ``min_evidence``, ``min_knowledge_level``, ``min_confidence``. Ranked by
    ``rank_by``: ``evidence`` (ties by ``pdp``) or ``pdp`` (the path's degree-weighted
    contribution to DWPC; ties by evidence). A metapath with more than ``max_paths`` paths
    between the two nodes gives its best ``candidates`` paths by a top-k join
    (:meth:`~.hetmat.HetMat.top_paths_between`, the same ones the full listing would give) and
    is named in ``df.attrs["truncated_metapaths"]``; its rows have no ``dwpc``/``n_paths``
    (``None``: not every path was counted). A metapath whose partial paths from one side alone
    exceed ``max_paths`` is skipped and named in ``df.attrs["skipped_metapaths"]``.

    Columns: :data:`PATH_COLUMNS` (``dwpc``/``n_paths``: of the metapath between the path's two
    end nodes; ``hops``: one dict per hop; ``references``: per hop, ``|``-joined).

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> df = paths(kg, "diabetes mellitus", "diabetic kidney disease", sign="decreases")
    >>> len(df) > 0 and set(df["sign"]) == {"decreases"}
    True
    """
    if rank_by not in ("evidence", "pdp"):
        raise EvgraphError("rank_by must be 'evidence' or 'pdp'")
    if sign is not None and sign not in SIGNS:
        raise EvgraphError(f"sign must be one of {', '.join(SIGNS)}, not '{sign}'")
    if min_evidence is not None and not 0.0 <= float(min_evidence) <= 1.0:
        raise EvgraphError(f"min_evidence must lie in [0, 1], not {min_evidence}")
    s_id, t_id = kg.resolve(source), kg.resolve(target)
    s, t = kg.index_of(s_id), kg.index_of(t_id)
    s_cls, t_cls = str(kg.node_class[s]), str(kg.node_class[t])
    hm = hetmat(kg, species=species, min_knowledge_level=min_knowledge_level, min_confidence=min_confidence)
    chosen = choose_metapaths(kg, s_cls, t_cls, metapaths, max_length, s_id, t_id)
    S = endpoints(kg, s, closure, exclude_grouping)
    T = endpoints(kg, t, closure, exclude_grouping)
    blocked = excluded_nodes(kg, vocabulary=exclude_vocabulary, grouping=exclude_grouping)
    group_ids = set(grouping_terms()["id"])
    per_mp = candidates or max(5 * k, 50)
    records = []
    skipped, truncated = [], []
    for mp in chosen:
        S_arr, T_arr = np.fromiter(S, dtype=np.int64), np.fromiter(T, dtype=np.int64)
        whole = True
        try:
            nodes, pdp, ev = hm.paths_between(mp, S_arr, T_arr, damping, max_paths=max_paths)
        except EvgraphError:
            try:  # too many paths to list: the best ones by a top-k join (no per-pair DWPC then)
                nodes, pdp, ev = hm.top_paths_between(mp, S_arr, T_arr, per_mp, damping, rank_by,
                                                      blocked if len(mp) > 1 else None, max_paths=max_paths)
            except EvgraphError:
                skipped.append(mp.abbrev)
                continue
            whole = False
            truncated.append(mp.abbrev)
        if whole and len(nodes) and nodes.shape[1] > 2:
            ok = ~blocked[nodes[:, 1:-1]].any(axis=1)
            nodes, pdp, ev = nodes[ok], pdp[ok], ev[ok]
        if len(nodes) == 0:
            continue
        if whole:  # DWPC and path count per (start, end) pair of this metapath
            pair = nodes[:, 0] * kg.num_nodes + nodes[:, -1]
            _, inv = unique(pair, return_inverse=True)
            pair_dwpc = np.bincount(inv, weights=pdp)
            pair_n = np.bincount(inv)
        order = np.lexsort((-pdp, -ev))[:per_mp] if rank_by == "evidence" else np.lexsort((-ev, -pdp))[:per_mp]
        for j in order:
            hops = _hop_records(kg, hm, mp, nodes[j])
            a, b = int(nodes[j][0]), int(nodes[j][-1])
            if a != s:
                d, steps = S[a]
                hops.insert(0, _closure_hop(kg, s, a, d, steps, forward=d == "broader"))
            if b != t:
                d, steps = T[b]
                hops.append(_closure_hop(kg, b, t, d, steps, forward=d == "narrower"))
            names = [str(h["from"]) for h in hops] + [str(hops[-1]["to"])]
            if len(set(names)) < len(names):  # a roll-up that walks back onto the path
                continue
            _mark_end_hierarchy(hops)
            coh = coherence(hops, group_ids)
            bridges = len(coh["bridged_at"])
            evidence = path_evidence(hops, bridges)
            sp_common, cross = species_summary(hops)
            records.append({
                "metapath": mp.abbrev, "length": len(hops), "sign": path_sign(hops),
                "coherence": coh["coherence"], "hypothesis": coh["coherence"] == "bridged",
                "bridged_at": coh["bridged_at"], "statements": coh["statements"], "evidence": evidence,
                "pdp": float(pdp[j]), "dwpc": float(pair_dwpc[inv[j]]) if whole else None,
                "n_paths": int(pair_n[inv[j]]) if whole else None,
                "species": sp_common, "cross_species": cross,
                "via_closure": any(h["via_closure"] for h in hops), "hops": hops,
                "nodes": [str(h["from"]) for h in hops] + [str(hops[-1]["to"])],
            })
    if sign is not None:
        records = [r for r in records if r["sign"] == sign]
    if coherent:
        records = [r for r in records if r["coherence"] != "bridged"]
    if min_evidence is not None:
        records = [r for r in records if r["evidence"] >= float(min_evidence)]
    primary, secondary = ("evidence", "pdp") if rank_by == "evidence" else ("pdp", "evidence")
    records.sort(key=lambda r: (-r[primary], -r[secondary], r["metapath"], tuple(r["nodes"])))
    out = []
    seen: set[tuple[str, ...]] = set()
    for r in records:
        key = (r["metapath"], *r["nodes"])
        if key in seen:
            continue
        seen.add(key)
        r["rank"] = len(out) + 1
        text = path_text(r["hops"])
        if r["hypothesis"]:
            where = ", ".join(f"{kg.label(x)} ({x})" for x in r["bridged_at"])
            text = f"HYPOTHESIS (studies bridged at {where}): {text}"
        r["path"] = text
        r["references"] = ";".join("|".join(h["publications"]) for h in r["hops"])
        out.append(r)
        if len(out) == k:
            break
    df = pd.DataFrame(out, columns=PATH_COLUMNS)
    df.attrs["skipped_metapaths"] = skipped
    df.attrs["truncated_metapaths"] = truncated
    df.attrs["metapaths"] = [m.abbrev for m in chosen]
    return df
