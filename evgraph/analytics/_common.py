"""Shared pieces of the analytics: graph views derived from the model's arrays, filters, ranks.

Every analysis works on integer node codes and scipy/igraph structures built straight from
``kg.src`` / ``kg.dst`` (never through networkx), cached on the graph object.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..arrays import rank_min_desc
from ..errors import EvgraphError
from ..model import KnowledgeGraph
from . import hubcore

if TYPE_CHECKING:
    import igraph

#: Classes left out of graph-wide measures by default: publications are provenance, not biology
#: (two EV populations from one paper are not biologically linked through it).
DEFAULT_EXCLUDE_CLASSES: tuple[str, ...] = ("Publication",)

#: evgraph's ordering of knowledge levels, weakest first (used by ``min_knowledge_level``).
KNOWLEDGE_LEVEL_ORDER: tuple[str, ...] = (
    "not_provided",
    "prediction",
    "statistical_association",
    "observation",
    "logical_entailment",
    "knowledge_assertion",
)


def progress(iterable: Iterable[Any], *, total: int | None = None, desc: str = "", enabled: bool | None = None):
    """A progress bar on stderr following the project's policy (:func:`evgraph.progress.bar`:
    shown on a terminal unless ``EVGRAPH_PROGRESS=0`` / ``--quiet``); ``enabled`` forces it on
    or off."""
    from ..progress import bar

    if enabled is None:
        return bar(iterable, total=total, desc=desc)
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, disable=not enabled, leave=False, delay=0.5,
                mininterval=0.5)


def class_mask(kg: KnowledgeGraph, classes: Iterable[str]) -> np.ndarray:
    """Boolean mask over node codes: the node's class is one of ``classes``
    (:func:`.hubcore.class_mask`: from the stored class codes, no string comparison per node).

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> bool(class_mask(kg, ["Organ"])[kg.index_of("UBERON:0002107")])
    True
    """
    return hubcore.class_mask(kg, list(classes))


def node_codes(kg: KnowledgeGraph, ids: Iterable[str]) -> np.ndarray:
    """Codes of the nodes among ``ids`` that the graph has (absent ids are skipped), sorted
    (:func:`.hubcore.id_codes`: a binary search in the sorted id column, as every built graph's is)."""
    return hubcore.id_codes(kg, frozenset(ids))


def class_groups(kg: KnowledgeGraph) -> np.ndarray:
    """Ranking group of each node: ``Cargo`` for every cargo class, else the node's class."""
    schema = kg.schema
    mapping = {c: ("Cargo" if "Cargo" in schema.classes[c].parents else c) for c in schema.classes}
    codes, names = pd.factorize(kg.node_class)  # one lookup per class, not per node
    groups = np.array([mapping.get(str(c), str(c)) for c in names], dtype=object)
    return groups[codes] if len(codes) else np.array([], dtype=object)


expand_classes = hubcore.expand_classes


def edge_filter(kg: KnowledgeGraph, *, species: str | Sequence[str] | None = None,
                min_knowledge_level: str | None = None, min_confidence: float | None = None) -> np.ndarray:
    """Boolean mask of edges passing the filters.

    ``species``: NCBITaxon CURIE(s); an edge passes if it names one of them, or names no
    species at all (ontology edges such as ``subclass_of`` hold for every species).
    ``min_knowledge_level``: see :data:`KNOWLEDGE_LEVEL_ORDER`.
    """
    mask = np.ones(kg.num_edges, dtype=bool)
    if species:
        wanted = [species] if isinstance(species, str) else list(species)
        col = kg.edges["species"].astype(str)
        hit = np.zeros(kg.num_edges, dtype=bool)
        for taxon in wanted:
            hit |= col.str.split("|").map(lambda xs, t=taxon: t in xs).to_numpy(dtype=bool)
        mask &= hit | (col == "").to_numpy()
    if min_knowledge_level:
        if min_knowledge_level not in KNOWLEDGE_LEVEL_ORDER:
            raise EvgraphError(f"unknown knowledge level '{min_knowledge_level}' "
                               f"(expected one of {', '.join(KNOWLEDGE_LEVEL_ORDER)})")
        rank = {lvl: i for i, lvl in enumerate(KNOWLEDGE_LEVEL_ORDER)}
        levels = kg.edges["knowledge_level"].astype(str).map(lambda x: rank.get(x, 0)).to_numpy()
        mask &= levels >= rank[min_knowledge_level]
    if min_confidence is not None:
        mask &= kg.edges["confidence"].to_numpy(dtype=np.float64) >= min_confidence
    return mask


def symmetric_csr(u: np.ndarray, v: np.ndarray, n: int) -> sp.csr_matrix:
    """Binary symmetric CSR matrix with the distinct pairs ``(u, v)`` (``u < v``) in both directions.

    Built straight from the pairs sorted by ``(u, v)`` (the upper triangle as CSR, plus its
    linear-time transpose; no COO conversion or sort): the same matrix as
    ``csr_matrix((ones, (r, c)))`` with sorted indices.

    >>> symmetric_csr(np.array([0, 0]), np.array([1, 2]), 3).toarray().astype(int).tolist()
    [[0, 1, 1], [1, 0, 0], [1, 0, 0]]
    """
    idx = np.int32 if n < 2**31 and 2 * len(u) < 2**31 else np.int64
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(u, minlength=n), out=indptr[1:])
    upper = sp.csr_matrix((np.ones(len(u), dtype=np.float64), np.asarray(v, dtype=idx), indptr.astype(idx)),
                          shape=(n, n))   # rows in key order: sorted by (u, v) already
    A = (upper + upper.T.tocsr()).tocsr()  # linear-time transpose and merge, no sort of the keys
    A.sort_indices()
    return A


class View:
    """The undirected simple graph analyses run on: an induced subgraph of ``kg``.

    ``keep`` (bool per node) selects nodes; ``codes`` maps view positions to node codes;
    ``A`` is the binary symmetric CSR adjacency without self-loops.
    """

    def __init__(self, kg: KnowledgeGraph, keep: np.ndarray, edge_mask: np.ndarray | None = None,
                 dst: np.ndarray | None = None):
        self.kg = kg
        self.keep = keep
        o = kg.dst if dst is None else np.asarray(dst, dtype=np.int64)
        self.codes, self.local, self.u, self.v = hubcore.undirected_pairs(keep, kg.src, o, edge_mask)
        self.A = symmetric_csr(self.u, self.v, len(self.codes))
        self._igraph: igraph.Graph | None = None

    @property
    def n(self) -> int:
        return len(self.codes)

    def igraph(self) -> igraph.Graph:
        """An ``igraph.Graph`` built from the edge arrays (no networkx conversion)."""
        if self._igraph is None:
            import igraph as ig

            g = ig.Graph(n=self.n, directed=False)
            g.add_edges(np.column_stack([self.u, self.v]))  # faster than Graph(edges=...)
            self._igraph = g
        return self._igraph

    def remove(self, nodes: np.ndarray) -> sp.csr_matrix:
        """Adjacency with the given view positions removed (rows and columns zeroed)."""
        d = np.ones(self.n)
        d[nodes] = 0.0
        D = sp.diags(d)
        return (D @ self.A @ D).tocsr()


def view(kg: KnowledgeGraph, exclude_classes: Sequence[str] = DEFAULT_EXCLUDE_CLASSES,
         edge_mask: np.ndarray | None = None, exclude_nodes: np.ndarray | None = None,
         dst: np.ndarray | None = None, cache_key: Any = None) -> View:
    """The :class:`View` of ``kg`` without ``exclude_classes`` and the ``exclude_nodes`` mask.

    Cached under ``cache_key`` (with the class list) when given, or when nothing but classes is
    excluded; ``dst`` replaces the edges' objects (a permuted graph, never cached).
    """
    def make() -> View:
        keep = ~class_mask(kg, exclude_classes) if exclude_classes else np.ones(kg.num_nodes, dtype=bool)
        if exclude_nodes is not None:
            keep &= ~exclude_nodes
        return View(kg, keep, edge_mask, dst=dst)

    cacheable = edge_mask is None and dst is None and (exclude_nodes is None or cache_key is not None)
    if not cacheable:
        return make()
    return kg.cached(("evgraph.analytics", "view", tuple(sorted(exclude_classes)), cache_key), make)


def ranked(df: pd.DataFrame, by: str, groups: np.ndarray | pd.Series | None = None, *,
           where: np.ndarray | None = None, head: int | None = None) -> pd.DataFrame:
    """Add ``rank`` (overall) and ``class_rank`` (within ``groups``) by descending ``by``; sort
    by rank, ties by ``id``.

    Ranks are pandas' ``rank(ascending=False, method="min")``, computed with sorts (numpy);
    a column with missing values takes pandas' own path. ``where`` (bool per row) keeps some
    rows after ranking (ranks still count every row) and ``head`` the first rows of the
    result: only those rows are copied, which is what a command printing the top rows needs.

    >>> ranked(pd.DataFrame({"id": ["b", "a", "c"], "x": [1.0, 1.0, 2.0]}), "x")[["id", "rank"]].values.tolist()
    [['c', 1], ['a', 2], ['b', 2]]
    """
    values = df[by].to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        out = _ranked_pandas(df, by, groups)
        rows = out.pop("_row").to_numpy()
        if where is not None:
            out = out[np.asarray(where, dtype=bool)[rows]].reset_index(drop=True)
        return out.head(head).reset_index(drop=True) if head is not None else out
    rank = rank_min_desc(values)
    class_rank = None
    if groups is not None:
        codes, _ = pd.factorize(np.asarray(groups))
        class_rank = rank_min_desc(values, codes.astype(np.int64))
    ids = pd.Index(df["id"].to_numpy(dtype=object))
    if ids.is_monotonic_increasing:
        id_key = np.arange(len(ids))
    else:  # the position of each row in id order
        id_key = np.empty(len(ids), dtype=np.int64)
        id_key[np.argsort(ids.to_numpy(), kind="stable")] = np.arange(len(ids))
    order = np.lexsort((id_key, rank))
    if where is not None:
        order = order[np.asarray(where, dtype=bool)[order]]
    if head is not None:
        order = order[:max(int(head), 0)]
    out = df.take(order).reset_index(drop=True)
    out["rank"] = rank[order]
    if class_rank is not None:
        out["class_rank"] = class_rank[order]
    return out


def _ranked_pandas(df: pd.DataFrame, by: str, groups: np.ndarray | pd.Series | None) -> pd.DataFrame:
    df = df.assign(_row=np.arange(len(df)))
    df["rank"] = df[by].rank(ascending=False, method="min").astype(np.int64)
    if groups is not None:
        df["class_rank"] = df.groupby(np.asarray(groups), sort=False)[by].rank(ascending=False, method="min").astype(
            np.int64)
    return df.sort_values(["rank", "id"], kind="stable").reset_index(drop=True)


def node_frame(kg: KnowledgeGraph, codes: np.ndarray) -> pd.DataFrame:
    """``id``, ``label``, ``class`` columns for node codes."""
    return pd.DataFrame({
        "id": kg.node_column("id").to_numpy(dtype=object)[codes],
        "label": kg.node_column("label").to_numpy(dtype=object)[codes],
        "class": kg.node_class.astype(str)[codes],
    })


def resolve_nodes(kg: KnowledgeGraph, terms: Iterable[str]) -> np.ndarray:
    """Node codes for CURIEs or unambiguous labels."""
    return np.array([kg.index_of(kg.resolve(t)) for t in terms], dtype=np.int64)


def cached(kg: KnowledgeGraph, key: Any, factory: Any) -> Any:
    """``kg.cached(key, factory)`` (see :meth:`evgraph.model.KnowledgeGraph.cached`)."""
    return kg.cached(key, factory)
