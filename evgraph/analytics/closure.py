"""Ontology roll-up: the MONDO subclass, UBERON part_of and CL is_a closure of the graph.

The closure is read from the graph's own ``subclass_of`` (Condition -> Condition, CellType ->
CellType) and ``part_of`` (Organ -> Organ) edges: built with ``ontologies=`` these are the
ontology files' roll-up edges, otherwise the curated ones. A node's *broader* terms are its
ancestors (Alzheimer disease -> cognitive disorder), its *narrower* terms its descendants
(brain -> hippocampus). Grouping terms (:mod:`.grouping`, e.g. ``disease``) are never used.

Evidence for a narrower term rolls up to a broader one at no cost (what holds for Alzheimer
disease holds for a cognitive disorder); evidence for a broader term applied to a narrower one
is a specialisation and costs :data:`SPECIALISATION_PENALTY` (documented in the README). Either
way the hop is marked ``via_closure``.

>>> import evgraph
>>> kg = evgraph.load()
>>> up = {kg.nodes["id"].iat[c]: d for c, d, _ in related(kg, kg.index_of("MONDO:0004975"))}
>>> up["MONDO:0002039"]
'broader'
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from ..model import KnowledgeGraph
from ._common import cached
from .grouping import excluded_nodes

#: Class -> the relationship whose transitive closure rolls its nodes up.
CLOSURE_RELATIONS: dict[str, str] = {"Condition": "subclass_of", "CellType": "subclass_of", "Organ": "part_of"}
#: Evidence factor when a broader term's evidence is applied to a narrower query node.
SPECIALISATION_PENALTY = 0.8


def closure_graph(kg: KnowledgeGraph) -> sp.csr_matrix:
    """child -> parent adjacency (n x n CSR) of the roll-up edges between nodes of one class."""
    def build() -> sp.csr_matrix:
        cat = kg.node_column("category")
        cls, cls_names = cat.cat.codes.to_numpy(), list(cat.cat.categories)
        pcol = kg.edge_column("predicate")
        pred, pred_names = pcol.cat.codes.to_numpy(), list(pcol.cat.categories)
        s, o = kg.src, kg.dst
        keep = np.zeros(kg.num_edges, dtype=bool)
        for c, rel in CLOSURE_RELATIONS.items():
            if c in cls_names and rel in pred_names:
                code = cls_names.index(c)
                keep |= (pred == pred_names.index(rel)) & (cls[s] == code) & (cls[o] == code)
        keep &= s != o
        n = kg.num_nodes
        A = sp.csr_matrix((np.ones(int(keep.sum())), (s[keep], o[keep])), shape=(n, n))
        A.data[:] = 1.0
        return A

    return cached(kg, "analytics-closure-graph", build)


def _steps(A: sp.csr_matrix, code: int) -> np.ndarray:
    if A.indptr[code + 1] == A.indptr[code]:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    d = csgraph.shortest_path(A, indices=[code], unweighted=True, directed=True)[0]
    hit = np.flatnonzero(np.isfinite(d) & (d > 0))
    return hit, d[hit]


def related(kg: KnowledgeGraph, code: int, exclude_grouping: bool = True) -> list[tuple[int, str, int]]:
    """``(node code, "broader" | "narrower", steps)`` for every closure relative of ``code``."""
    A = closure_graph(kg)
    out: list[tuple[int, str, int]] = []
    skip = excluded_nodes(kg) if exclude_grouping else np.zeros(kg.num_nodes, dtype=bool)
    for direction, M in (("broader", A), ("narrower", cached(kg, "analytics-closure-graph-T",
                                                             lambda: A.T.tocsr()))):
        hit, d = _steps(M, code)
        out += [(int(c), direction, int(k)) for c, k in zip(hit, d, strict=True) if not skip[c]]
    return sorted(out, key=lambda x: (x[2], x[1], x[0]))


def closure_factor(direction: str) -> float:
    """Evidence factor of a roll-up hop: 1 for narrower evidence, the penalty for broader evidence."""
    return SPECIALISATION_PENALTY if direction == "broader" else 1.0


def rolled_up(kg: KnowledgeGraph, ids: list[str] | str, exclude_grouping: bool = True) -> list[str]:
    """The ids and all their narrower terms (``any part of the brain``), sorted, ids first.

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> "MONDO:0004975" in rolled_up(kg, "MONDO:0002039")  # Alzheimer disease is a cognitive disorder
    True
    """
    ids = [ids] if isinstance(ids, str) else list(ids)
    names = kg.nodes["id"].to_numpy(dtype=object)
    out = list(dict.fromkeys(kg.resolve(i) for i in ids))
    extra = sorted({str(names[c]) for i in out for c, d, _ in related(kg, kg.index_of(i), exclude_grouping)
                    if d == "narrower"} - set(out))
    return out + extra


def chain_edges(kg: KnowledgeGraph, child: int, parent: int) -> list[int]:
    """Edge rows of the shortest roll-up chain from ``child`` up to ``parent`` ([] if none)."""
    A = closure_graph(kg)
    _, pred = csgraph.shortest_path(A, indices=[child], unweighted=True, directed=True, return_predecessors=True)
    pred = pred[0]
    if pred[parent] < 0:
        return []
    links = []
    node = parent
    while node != child:
        links.append((int(pred[node]), node))
        node = int(pred[node])
    first = _closure_edge_rows(kg)
    return [first[(a, b)] for a, b in reversed(links) if (a, b) in first]


def _closure_edge_rows(kg: KnowledgeGraph) -> dict[tuple[int, int], int]:
    """``(subject, object) -> first edge row`` of the roll-up relationships (cached on the graph)."""
    def build() -> dict[tuple[int, int], int]:
        pcol = kg.edge_column("predicate")
        names = list(pcol.cat.categories)
        codes = [names.index(r) for r in set(CLOSURE_RELATIONS.values()) if r in names]
        rows = np.flatnonzero(np.isin(pcol.cat.codes.to_numpy(), codes))
        out: dict[tuple[int, int], int] = {}
        for r, a, b in zip(rows.tolist(), kg.src[rows].tolist(), kg.dst[rows].tolist(), strict=True):
            out.setdefault((a, b), r)
        return out

    return cached(kg, "analytics-closure-edge-rows", build)
