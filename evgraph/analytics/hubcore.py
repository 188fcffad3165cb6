"""The hub table's array core: numpy only (no pandas, no SciPy), shared by :func:`~.centrality.hubs`
and the ``evgraph hubs`` command.

The pieces every hub table is made of, on plain arrays:

* :func:`class_mask`, :func:`id_codes`: nodes by class and by id, from the stored codes;
* :func:`undirected_pairs`: the distinct undirected pairs ``u < v`` of the view, sorted;
* :func:`pagerank_pairs`: PageRank on those pairs (the update and stopping rule of
  ``networkx.pagerank``; each step a weighted ``np.bincount``, which adds every row's terms
  in column order, as SciPy's CSR product does, so the result is the same to the last bit);
* :func:`node_statements`: the curated statements on each node's edges and the condition
  categories they reach;
* :func:`explain`: the one-line explanation of a row.

:mod:`.hubtable` assembles them into the table ``evgraph hubs --format csv`` writes without
pandas or SciPy.

>>> u, v = np.array([0, 0]), np.array([1, 2])
>>> pagerank_pairs(u, v, 3).round(3).tolist()
[0.486, 0.257, 0.257]
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..arrays import gc_paused, unique
from ..errors import EvgraphError
from ..model import KnowledgeGraph


def class_codes(kg: KnowledgeGraph) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, names)`` of the node classes: ``names[codes]`` is each node's class."""
    return kg.cached(("evgraph.analytics", "class-codes"), lambda: kg.node_factorized("category"))


def class_mask(kg: KnowledgeGraph, classes: Sequence[str]) -> np.ndarray:
    """Boolean mask over node codes: the node's class is one of ``classes`` (one test per class).

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> bool(class_mask(kg, ["Organ"])[kg.index_of("UBERON:0002107")])
    True
    """
    codes, names = class_codes(kg)
    wanted = set(classes)
    hit = np.array([str(c) in wanted for c in names] + [False], dtype=bool)
    return hit[codes]  # code -1 (missing) -> False


def group_codes(kg: KnowledgeGraph) -> tuple[np.ndarray, list[str]]:
    """``(codes, groups)``: the ranking group of each node (``Cargo`` for every cargo class, else
    its class), as codes into ``groups``."""
    schema = kg.schema
    codes, names = class_codes(kg)
    mapping = {c: ("Cargo" if "Cargo" in schema.classes[c].parents else c) for c in schema.classes}
    per_class = [mapping.get(str(c), str(c)) for c in names]
    groups = sorted(set(per_class))
    lookup = np.array([groups.index(g) for g in per_class] + [-1], dtype=np.int64)
    return lookup[codes], groups


def node_ids(kg: KnowledgeGraph) -> list[str]:
    """Every node id, in code order (cached)."""
    return kg.cached(("evgraph.analytics", "node-id-list"), lambda: kg.node_text("id"))


def ids_sorted(kg: KnowledgeGraph) -> bool:
    """Whether the node ids are in code order (every built graph's are; cached)."""
    def make() -> bool:
        ids = node_ids(kg)
        return ids == sorted(ids)

    return kg.cached(("evgraph.analytics", "ids-sorted"), make)


def id_order(kg: KnowledgeGraph) -> np.ndarray:
    """Position of each node in id order (``arange`` for a built graph, whose ids are sorted)."""
    def make() -> np.ndarray:
        ids = node_ids(kg)
        if ids_sorted(kg):
            return np.arange(len(ids), dtype=np.int64)
        order = sorted(range(len(ids)), key=ids.__getitem__)
        key = np.empty(len(ids), dtype=np.int64)
        key[np.asarray(order, dtype=np.int64)] = np.arange(len(ids))
        return key

    return kg.cached(("evgraph.analytics", "id-order"), make)


def id_codes(kg: KnowledgeGraph, wanted: Sequence[str] | frozenset[str]) -> np.ndarray:
    """Codes of the nodes among ``wanted`` ids (absent ids skipped), sorted."""
    ids = node_ids(kg)
    if ids_sorted(kg):  # binary search per wanted id
        found = []
        for w in set(wanted):
            i = bisect_left(ids, w)
            if i < len(ids) and ids[i] == w:
                found.append(i)
        return np.array(sorted(found), dtype=np.int64)
    want = set(wanted)
    return np.array([i for i, x in enumerate(ids) if x in want], dtype=np.int64)


def undirected_pairs(keep: np.ndarray, src: np.ndarray, dst: np.ndarray,
                     edge_mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(codes, local, u, v)`` of the undirected simple view on the ``keep`` nodes.

    ``codes`` maps view positions to node codes, ``local`` node codes to view positions (-1
    outside), and ``u < v`` are the distinct pairs of view positions joined by an edge (self
    loops dropped), sorted by ``(u, v)`` (a sort, never a hash unique).

    >>> undirected_pairs(np.array([True, True, False, True]), np.array([0, 3, 1, 0, 2]),
    ...                  np.array([1, 0, 0, 1, 3]))[2:]
    (array([0, 0]), array([1, 2]))
    """
    codes = np.flatnonzero(keep)
    n = len(codes)
    local = np.full(len(keep), -1, dtype=np.int64)
    local[codes] = np.arange(n)
    ok = keep[src] & keep[dst] & (src != dst)
    if edge_mask is not None:
        ok &= edge_mask
    r, c = local[src[ok]], local[dst[ok]]
    key = unique(np.minimum(r, c) * n + np.maximum(r, c))
    return codes, local, key // n, key % n


def pagerank_pairs(u: np.ndarray, v: np.ndarray, n: int, alpha: float = 0.85, tol: float = 1e-8,
                   max_iter: int = 1000) -> np.ndarray:
    """PageRank of the undirected graph on ``n`` nodes with the distinct pairs ``(u, v)``
    (``u < v``, sorted by ``(u, v)``, as :func:`undirected_pairs` gives them).

    The update and the stopping rule of ``networkx.pagerank`` (uniform teleport; dangling nodes
    spread their rank uniformly; stop once the L1 change is below ``n * tol``). Each step is one
    weighted ``np.bincount`` over both directions of every pair, laid out so that each node's
    terms are added in increasing neighbour order, from zero: exactly the sums SciPy's CSR
    product makes, so the result equals
    :func:`~.centrality.pagerank_vector` ``(symmetric_csr(u, v, n), symmetric=True)`` bit for bit.

    >>> pagerank_pairs(np.array([0, 0]), np.array([1, 2]), 3, tol=1e-12).round(4).tolist()
    [0.4865, 0.2568, 0.2568]
    """
    if n == 0:
        return np.zeros(0)
    # row i's terms: first its smaller neighbours (pairs (j, i), in j order), then its larger ones
    rows = np.concatenate([v, u]).astype(np.intp, copy=False)
    cols = np.concatenate([u, v]).astype(np.intp, copy=False)
    out = np.bincount(rows, minlength=n).astype(np.float64)
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    p = np.full(n, 1.0 / n)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        xlast = x
        y = np.bincount(rows, weights=(xlast * inv)[cols], minlength=n)
        x = alpha * (y + xlast[dangling].sum() * p) + (1.0 - alpha) * p
        if np.abs(x - xlast).sum() < n * tol:
            return x
    raise EvgraphError(f"PageRank did not converge in {max_iter} iterations")


def node_statements(kg: KnowledgeGraph, nodes: np.ndarray | None = None
                    ) -> tuple[dict[int, list[str]] | list[list[str]], dict[int, list[str]] | list[list[str]]]:
    """Per node: the curated statements among its edges and the condition categories those
    statements reach (sorted lists); for every node (lists by code) or only ``nodes`` (dicts
    keyed by code).

    Arrays only: (node, statement) pairs de-duplicated by a sort; a statement reaches the
    categories of the Condition nodes on its edges (a Condition without a category reaches
    none); a node reaches what its statements reach. Only the ``statement`` edge column and the
    ``category`` and ``condition_category`` node columns are read.
    """
    n = kg.num_nodes
    if nodes is None:
        statements: Any = [[] for _ in range(n)]
        families: Any = [[] for _ in range(n)]
        asked = np.ones(n, dtype=bool)
    else:
        nodes = np.asarray(nodes, dtype=np.int64)
        statements = {c: [] for c in nodes.tolist()}
        families = {c: [] for c in nodes.tolist()}
        asked = np.zeros(n, dtype=bool)
        asked[nodes] = True
    if "statement" not in kg.edge_columns:
        return statements, families
    src, dst = kg.src, kg.dst
    codes, names = kg.edge_factorized("statement")
    names = np.asarray([str(x) for x in names], dtype=object)
    has = np.append(names != "", False)[codes]          # code -1 (missing) -> False
    if nodes is not None:  # only the statements on the edges of these nodes (all their edges)
        touch = has & (asked[src] | asked[dst])
        wanted = np.zeros(len(names) + 1, dtype=bool)
        wanted[codes[touch]] = True
        has &= wanted[codes]
    used = np.flatnonzero(np.bincount(codes[has], minlength=len(names)))  # statement codes followed
    order = used[np.argsort(names[used], kind="stable")]  # rank by name among the statements followed
    rank = np.zeros(len(names), dtype=np.int64)
    rank[order] = np.arange(len(order))
    sorted_names = names[order]
    m = max(len(order), 1)
    st_rank = rank[codes[has]]
    key = unique(np.concatenate([src[has], dst[has]]) * m + np.concatenate([st_rank, st_rank]))
    node, st = key // m, key % m
    mine = asked[node]
    with gc_paused():
        _fill(statements, node[mine], sorted_names[st[mine]])
    if "condition_category" not in kg.node_columns:
        return statements, families
    cat_codes, cat_names = kg.node_factorized("condition_category")
    cat_names = [str(x) for x in cat_names]
    cat_sorted = sorted(set(c for c in cat_names if c))
    if not cat_sorted:
        return statements, families
    cat_rank = np.array([cat_sorted.index(c) if c else -1 for c in cat_names] + [-1], dtype=np.int64)
    node_cat = cat_rank[cat_codes]                           # -1: no category
    cond = class_mask(kg, ["Condition"])[node] & (node_cat[node] >= 0)
    k = len(cat_sorted)
    reach = unique(st[cond] * k + node_cat[node[cond]])     # (statement, category) pairs, sorted
    r_st, r_cat = reach // k, reach % k
    # every (asked node, statement) pair joined with the categories that statement reaches
    a_node, a_st = node[mine], st[mine]
    lo = np.searchsorted(r_st, a_st, side="left")
    cnt = np.searchsorted(r_st, a_st, side="right") - lo
    if not cnt.sum():
        return statements, families
    idx = np.repeat(lo - np.cumsum(np.r_[0, cnt[:-1]]), cnt) + np.arange(int(cnt.sum()))
    key2 = unique(np.repeat(a_node, cnt) * k + r_cat[idx])
    with gc_paused():
        _fill(families, key2 // k, np.asarray(cat_sorted, dtype=object)[key2 % k])
    return statements, families


def _fill(lists: Any, node: np.ndarray, values: np.ndarray) -> None:
    """Put ``values`` (grouped by ascending ``node``) into ``lists[node]``."""
    if not len(node):
        return
    starts = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
    ends = np.r_[starts[1:], len(node)]
    vals = values.tolist()
    for nd, a, b in zip(node[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
        lists[nd] = vals[a:b]


def explain(label: str, cls: str, degree: float | None, z: float | None, pct: float | None, measure: str,
            families: list[str], statements: list[str]) -> str:
    """One line saying why a node is a hub: its edges, its excess over the null (when computed),
    the curated statements on its edges and the condition categories they reach.

    >>> explain("miR-21", "MicroRNA", 12, None, None, "pagerank", ["metabolic"], ["S1"])
    'miR-21 (MicroRNA); 12 edges; in 1 statement(s) (S1); reaches metabolic'
    """
    parts = [f"{label} ({cls})"]
    if degree is not None:
        parts.append(f"{int(degree)} edges")
    if z is not None and z == z:
        pct = float("nan") if pct is None else pct
        parts.append(f"{measure} {z:+.1f} SD vs degree-preserving null (above {pct:.0%} of null draws)")
    if statements:
        shown = ", ".join(statements[:3]) + (f" +{len(statements) - 3}" if len(statements) > 3 else "")
        parts.append(f"in {len(statements)} statement(s) ({shown})")
    else:
        parts.append("in no curated statement (database edges only)")
    if families:
        parts.append("reaches " + ", ".join(families))
    return "; ".join(parts)


def expand_classes(kg: KnowledgeGraph, names: Sequence[str]) -> set[str]:
    """Concrete classes for names that may be abstract (``Cargo`` -> Gene, MicroRNA, ...)."""
    schema = kg.schema
    out: set[str] = set()
    for name in names:
        if name in schema.classes:
            out.add(name)
            continue
        subs = {c for c, info in schema.classes.items() if name in info.parents}
        if not subs:
            raise EvgraphError(f"unknown class '{name}' (known: {', '.join(schema.classes)}, Cargo)")
        out |= subs
    return out


__all__ = ["class_mask", "explain", "id_codes", "node_statements", "pagerank_pairs", "undirected_pairs"]
