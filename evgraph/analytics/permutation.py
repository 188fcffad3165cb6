"""The permutation null: degree-preserving permuted copies of the graph, built once and cached.

Within every (relationship, subject class, object class) stratum the objects of the edges are
shuffled, so every node keeps its degree per relationship and partner class; duplicate edges
and self-loops are then re-drawn by swaps inside the stratum (a vectorised stand-in for
Hetionet's XSwap). Permutation ``i`` of seed ``s`` is drawn from ``numpy.random.default_rng([s,
i])``, so a cache of 200 graphs extends to 500 without redrawing the first 200, and the result
does not depend on the order in which permutations are drawn.

With an edge filter (``mask``, e.g. a species filter: the edges the observed analysis keeps),
the edges that pass it are shuffled only among themselves (and the others among themselves), so
the *filtered* permuted graph keeps every node's degree at both ends, as the filtered observed
graph has it. Without the filter, a filtered edge could take the object of an edge the filter
drops, and the filtered null graph would keep only its subjects' degrees.

:func:`permutations` returns a :class:`Permutations`: the permuted object column of every edge
(``int32``, one row per permuted graph). With ``cache_dir`` (the CLI uses
``<graph>/permutations/``) the array is written once as ``.npy`` beside a JSON manifest with
the graph's fingerprint and memory-mapped afterwards; a graph that changed is re-permuted.

>>> import evgraph
>>> kg = evgraph.load()
>>> P = permutations(kg, 3, seed=1)
>>> P.dst.shape == (3, kg.num_edges)
True
>>> import numpy as np
>>> bool((np.bincount(P.dst[0], minlength=kg.num_nodes) == np.bincount(kg.dst, minlength=kg.num_nodes)).all())
True
>>> from evgraph.analytics._common import edge_filter
>>> mouse = edge_filter(kg, species="NCBITaxon:10090")
>>> Q = permutations(kg, 2, seed=1, mask=mouse)
>>> bool((np.bincount(Q.dst[0][mouse], minlength=kg.num_nodes)
...       == np.bincount(kg.dst[mouse], minlength=kg.num_nodes)).all())
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..arrays import unique
from ..model import KnowledgeGraph
from ._common import cached, progress
from .hetmat import HetMat, hetmat

#: Default number of permuted graphs (enough for an empirical p of 1/201 and q < 0.05 with
#: Benjamini-Hochberg over a few dozen tests).
DEFAULT_PERMUTATIONS = 200


#: Version of the permutation algorithm, stored in the cache manifest (a change redraws).
ALGORITHM = 2


def _group_order(group: np.ndarray) -> np.ndarray:
    """A stable argsort of small non-negative stratum codes (radix sort when they fit 16 bits)."""
    if len(group) and int(group.max()) < 2**16:
        return np.argsort(group.astype(np.uint16), kind="stable")
    return np.argsort(group, kind="stable")


def permute_edges(hm: HetMat, relations: Sequence[str], rng: np.random.Generator, rounds: int = 40,
                  mask: np.ndarray | None = None) -> np.ndarray:
    """Object codes of every edge of ``hm.kg`` after a degree-preserving shuffle of ``relations``.

    Objects are shuffled within each (relationship, subject class, object class) stratum, and
    with ``mask`` (a boolean edge filter) within each side of the filter too;
    then, for up to ``rounds`` rounds, every duplicate edge or self-loop swaps its object with
    a random edge of its stratum, a swap being kept only when neither new edge exists yet (an
    XSwap step, checked against the sorted edge keys by binary search, so a round costs the
    bad edges, not the graph). Degrees never change; the few duplicates left after the last
    round (none in most graphs) stay.
    """
    kg = hm.kg
    dst = kg.dst.copy()
    pred = kg.edge_column("predicate").cat.codes.to_numpy()
    codes = [hm.pred_names.index(r) for r in relations]
    sel = np.flatnonzero(np.isin(pred, codes))
    if len(sel) == 0:
        return dst
    ncls = len(hm.class_names) + 1
    s, o = kg.src[sel].astype(np.int64), dst[sel].astype(np.int64)
    ps = pred[sel].astype(np.int64)
    group = (ps * ncls + hm.class_code[s]) * ncls + hm.class_code[o]
    if mask is not None:  # filtered edges trade objects only with filtered edges
        group = group * 2 + np.asarray(mask, dtype=bool)[sel]
    a = _group_order(group)  # edges sorted by stratum
    shuffled = rng.permutation(len(sel))
    b = shuffled[_group_order(group[shuffled])]  # the same strata, random order inside each
    o_new = np.empty_like(o)
    o_new[a] = o[b]
    n = kg.num_nodes
    gs = group[a]
    brk = np.flatnonzero(gs[1:] != gs[:-1]) + 1
    bstart, bend = np.r_[0, brk], np.r_[brk, len(gs)]  # each stratum's range in the sorted order
    gid = np.zeros(len(gs), dtype=np.int64)
    gid[brk] = 1
    np.cumsum(gid, out=gid)
    pos_in_sorted = np.empty(len(sel), dtype=np.int64)
    pos_in_sorted[a] = np.arange(len(sel))
    base = (ps * n + s) * n
    key = base + o_new
    order = np.argsort(key)
    sk = key[order]
    dup = np.zeros(len(sel), dtype=bool)
    dup[order[1:]] = sk[1:] == sk[:-1]
    dup |= s == o_new
    bad = np.flatnonzero(dup)

    def present(k: np.ndarray) -> np.ndarray:
        i = np.minimum(np.searchsorted(sk, k), len(sk) - 1)
        return sk[i] == k

    for _ in range(rounds):
        if len(bad) == 0:
            break
        g = gid[pos_in_sorted[bad]]
        partner = a[bstart[g] + (rng.random(len(bad)) * (bend[g] - bstart[g])).astype(np.int64)]
        # disjoint swaps only: a partner is no bad edge and serves one bad edge
        ok = ~np.isin(partner, bad)
        e, f = bad[ok], partner[ok]
        _, first = unique(f, return_index=True)
        e, f = e[first], f[first]
        ke, kf = base[e] + o_new[f], base[f] + o_new[e]
        acc = (s[e] != o_new[f]) & (s[f] != o_new[e]) & (ke != kf) & ~present(ke) & ~present(kf)
        new = np.concatenate([ke[acc], kf[acc]])
        if len(new):  # two swaps of the batch must not make the same edge
            vals, cnt = np.unique(new, return_counts=True)
            clash = np.isin(ke, vals[cnt > 1]) | np.isin(kf, vals[cnt > 1])
            acc &= ~clash
        e, f = e[acc], f[acc]
        if len(e):
            old = np.sort(np.concatenate([key[e], key[f]]))
            left = np.searchsorted(sk, old)
            # equal old keys (duplicates) take successive positions
            rank = np.arange(len(old)) - np.searchsorted(old, old)
            sk = np.delete(sk, left + rank)
            tmp = o_new[e].copy()
            o_new[e] = o_new[f]
            o_new[f] = tmp
            key[e], key[f] = base[e] + o_new[e], base[f] + o_new[f]
            ins = np.sort(np.concatenate([key[e], key[f]]))
            sk = np.insert(sk, np.searchsorted(sk, ins), ins)
            dup[e] = False
            bad = np.flatnonzero(dup)
    dst[sel] = o_new
    return dst


def cache_dir_for(graph_dir: str | Path | None) -> str | None:
    """Where the permuted graphs (and the DWPC null summaries) of a built graph are cached:
    ``<graph>/permutations``; None (memory only) for anything but a built-graph folder. The CLI
    and the web app use it, so they share one cache."""
    if graph_dir is None:
        return None
    from ..store import is_built_graph

    return str(Path(graph_dir) / "permutations") if is_built_graph(graph_dir) else None


def fingerprint(kg: KnowledgeGraph) -> str:
    """A hash of the graph's structure (nodes, classes, edge ends, relationships)."""
    h = hashlib.blake2b(digest_size=16)
    for arr in (kg.src, kg.dst, kg.edge_column("predicate").cat.codes.to_numpy(),
                kg.node_column("category").cat.codes.to_numpy()):
        h.update(np.ascontiguousarray(arr).tobytes())
    h.update(str((kg.num_nodes, kg.num_edges)).encode())
    return h.hexdigest()


def _filter_mask(kg: KnowledgeGraph, mask: np.ndarray | None) -> np.ndarray | None:
    """``mask`` as a boolean edge array, or None when it keeps every edge (the unfiltered null)."""
    if mask is None:
        return None
    m = np.asarray(mask, dtype=bool)
    if m.shape != (kg.num_edges,):
        from ..errors import EvgraphError

        raise EvgraphError(f"the edge filter has {m.size} entries; the graph has {kg.num_edges} edges")
    return None if m.all() else m


def filter_digest(mask: np.ndarray | None) -> str | None:
    """A short hash of an edge filter (None: no filter), naming its permuted graphs in the cache."""
    if mask is None:
        return None
    return hashlib.blake2b(np.packbits(mask).tobytes() + str(len(mask)).encode(), digest_size=8).hexdigest()


@dataclass
class Permutations:
    """``dst[i]``: the object code of every edge in permuted graph ``i`` (subjects unchanged).

    ``mask``: the edge filter the graphs were permuted under (None: every edge in one pool).
    """

    kg: KnowledgeGraph
    dst: np.ndarray
    seed: int
    mask: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.dst.shape[0])

    def hetmats(self, mask: np.ndarray | None = None, show_progress: bool | None = None,
                desc: str = "permuted graphs") -> Iterator[HetMat]:
        """One :class:`HetMat` per permuted graph (``mask``: the same edge filter as the observed one;
        default: the filter the graphs were permuted under)."""
        mask = self.mask if mask is None else mask
        for i in progress(range(len(self)), total=len(self), desc=desc, enabled=show_progress):
            yield HetMat(self.kg, mask, dst=np.asarray(self.dst[i], dtype=np.int64))


def _draw(kg: KnowledgeGraph, start: int, stop: int, seed: int, show_progress: bool | None,
          mask: np.ndarray | None = None) -> np.ndarray:
    hm = hetmat(kg)
    rels = [r for r in hm.pred_names]
    out = np.empty((stop - start, kg.num_edges), dtype=np.int32)
    for j, i in enumerate(progress(range(start, stop), total=stop - start, desc="permuting the graph",
                                   enabled=show_progress)):
        out[j] = permute_edges(hm, rels, np.random.default_rng([seed, i]), mask=mask)
    return out


def permutations(kg: KnowledgeGraph, n: int = DEFAULT_PERMUTATIONS, seed: int = 0, cache_dir: str | Path | None = None,
                 show_progress: bool | None = None, mask: np.ndarray | None = None) -> Permutations:
    """``n`` degree-preserving permutations of ``kg`` drawn from ``seed`` (cached; see the module docstring).

    ``mask``: the observed analysis' edge filter (e.g. :func:`~._common.edge_filter` with a
    species); filtered edges are permuted among themselves, so both ends keep their degrees in
    the filtered graph. Each filter has its own cache entry (files ``...-f<digest>``); no
    filter, or one that keeps every edge, draws exactly the unfiltered graphs.
    """
    n = int(n)
    if n < 1:
        from ..errors import EvgraphError

        raise EvgraphError(f"permutations must be at least 1, not {n}")

    def in_memory() -> dict:
        return {}

    mask = _filter_mask(kg, mask)
    digest = filter_digest(mask)
    store = cached(kg, ("analytics-permutations", seed) + ((digest,) if digest else ()), in_memory)
    have = store.get("dst")
    if have is not None and len(have) >= n:
        return Permutations(kg, have[:n], seed, mask)
    if cache_dir is not None:
        folder = Path(cache_dir)
        stem = f"permutations-seed{seed}" + (f"-f{digest}" if digest else "")
        manifest = folder / f"{stem}.json"
        data = folder / f"{stem}.npy"
        fp = fingerprint(kg)
        old = None
        if manifest.is_file() and data.is_file():
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            same = (meta.get("fingerprint"), meta.get("algorithm"), meta.get("edge_filter")) == (fp, ALGORITHM, digest)
            if same:
                old = np.load(data, mmap_mode="r")
        if old is not None and len(old) >= n:
            store["dst"] = old
            return Permutations(kg, old[:n], seed, mask)
        start = 0 if old is None else len(old)
        new = _draw(kg, start, n, seed, show_progress, mask)
        full = new if old is None else np.concatenate([np.asarray(old), new])
        folder.mkdir(parents=True, exist_ok=True)
        from ..atomic import atomic_open

        with atomic_open(data, "wb") as fh:
            np.save(fh, full)
        with atomic_open(manifest) as fh:
            meta = {"fingerprint": fp, "algorithm": ALGORITHM, "seed": seed, "permutations": len(full),
                    "num_nodes": kg.num_nodes, "num_edges": kg.num_edges}
            if digest:
                meta |= {"edge_filter": digest, "filtered_edges": int(mask.sum())}
            fh.write(json.dumps(meta, indent=2) + "\n")
        store["dst"] = np.load(data, mmap_mode="r")
        return Permutations(kg, store["dst"][:n], seed, mask)
    start = 0 if have is None else len(have)
    new = _draw(kg, start, n, seed, show_progress, mask)
    store["dst"] = new if have is None else np.concatenate([have, new])
    return Permutations(kg, store["dst"][:n], seed, mask)


__all__ = ["DEFAULT_PERMUTATIONS", "Permutations", "cache_dir_for", "filter_digest", "fingerprint", "permutations",
           "permute_edges"]



def stacked_hetmat(kg: KnowledgeGraph, dst: np.ndarray, mask: np.ndarray | None = None,
                   binary: bool = False) -> HetMat:
    """One :class:`HetMat` over the disjoint union of the permuted graphs ``dst`` (rows).

    Copy ``p`` holds node ``v`` at code ``p * n + v``; one DWPC call then scores every copy at
    once (the copies share no edge, so no path crosses between them). ``binary``: metaedge
    matrices without confidences (enough for DWPC; cheaper to build).
    """
    P = int(dst.shape[0])
    n = kg.num_nodes
    m = np.ones(kg.num_edges, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    ids = np.flatnonzero(m)
    off = (np.arange(P, dtype=np.int64) * n)[:, None]
    hm = HetMat.__new__(HetMat)
    hm.kg = kg
    hm.n = P * n
    hm.edge_ids = np.tile(ids, P)
    hm.src = (kg.src[ids][None, :] + off).ravel()
    hm.dst = (np.asarray(dst[:, ids], dtype=np.int64) + off).ravel()
    hm.pred = np.tile(kg.edge_column("predicate").cat.codes.to_numpy()[ids], P)
    hm._conf = None  # tiled from the graph's confidences on first use (never for DWPC)
    hm._conf_rows = ids
    hm.pred_names = list(kg.edge_column("predicate").cat.categories)
    cls = kg.node_column("category")
    hm.class_code = np.tile(cls.cat.codes.to_numpy(), P)
    hm.class_names = list(cls.cat.categories)
    hm._cache = {}
    hm.binary = binary
    return hm
