"""Degree-grouped null summaries of DWPC, computed once per metapath and reused by every pair.

This is the null of Hetionet's connectivity search (Himmelstein et al., hetmatpy's
"degree-grouped permutations"): for a metapath, the DWPC of a (source, target) pair is compared
with the DWPCs that node pairs *of the same degrees* get in degree-preserving permuted graphs
(:mod:`.permutation`). A node's degree here is its degree on the metapath's end metaedge (the
first hop for the source, the last for the target); the permutations keep every such degree.

**Groups.** The source group of degree ``d`` holds the source-class nodes whose first-hop degree
is exactly ``d`` (at most ``group_size`` of them, drawn with the seed when there are more); the
target group of degree ``d'`` holds *every* target-class node whose last-hop degree is exactly
``d'``. A group depends on the degree only, never on the query node, so one summary serves every
pair with those degrees.

**Summaries.** For a metapath and a source degree, the DWPC from each source of the group to
every target, in every permuted graph, is reduced per target node to three numbers: the sum,
the sum of squares and the count of non-zero values. A pair's null is then the sum of those
numbers over its target group: ``N = |source group| x |target group| x permutations`` values
(pairs of one node with itself left out), of which ``nonzero`` are positive, with their mean and
variance. Nothing per pair is computed on the permuted graphs: a second pair costs look-ups.

**p-value** (:func:`hurdle_p`): Hetionet's gamma hurdle, ``p = nonzero / N * GammaSF(dwpc)``
with the gamma's shape and scale from the non-zero values' mean and variance (method of
moments). With fewer than :data:`MIN_NONZERO` non-zero values (nothing to fit), ``p = (1 +
nonzero) / (1 + N)``: an upper bound of the empirical p (at most ``nonzero`` null values reach
the observed DWPC), so the thin case is never anti-conservative.

**Cache.** In memory on the graph object, and with ``cache_dir`` on disk as one ``.npz`` per
metapath under ``<cache_dir>/dwpc-null-<key>/`` (key: graph fingerprint, seed, permutations,
damping, group size, edge filters), written atomically and extended when a new source degree
is asked for.

>>> import evgraph
>>> from evgraph.analytics.hetmat import hetmat
>>> from evgraph.analytics.metagraph import Metapath
>>> kg = evgraph.load()
>>> nulls = DwpcNull(kg, permutations=20, seed=0)
>>> mp = Metapath.parse("C<riEVcCGasC")   # EVs of the condition carry a gene associated with the other
>>> s, t = kg.index_of("MONDO:0005148"), kg.index_of("MONDO:0004975")   # type 2 diabetes, Alzheimer disease
>>> summary = nulls.summary(mp, s, t)
>>> summary.size >= 20 and 0 < summary.nonzero <= summary.size
True
>>> nulls.summary(mp, s, t) == summary   # a look-up the second time
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from ..model import KnowledgeGraph
from ._common import edge_filter, progress
from .hetmat import HetMat, hetmat
from .metagraph import DAMPING, Metapath
from .permutation import DEFAULT_PERMUTATIONS, fingerprint, stacked_hetmat
from .permutation import permutations as draw_permutations

#: Non-zero null values needed to fit the gamma of the hurdle.
MIN_NONZERO = 5
#: Edges per stacked hetmat of permuted graphs (bounds memory: ~100 bytes per edge).
STACK_EDGES = 8_000_000
#: Source nodes per degree group (more are subsampled with the seed).
DEFAULT_GROUP_SIZE = 10


@dataclass(frozen=True)
class NullSummary:
    """The null of one pair for one metapath: ``size`` values, ``nonzero`` of them > 0, with
    ``total`` and ``total_sq`` their sum and sum of squares; the end degrees and group sizes."""

    size: int
    nonzero: int
    total: float
    total_sq: float
    source_degree: int
    target_degree: int
    source_group: int
    target_group: int

    @property
    def mean(self) -> float:
        return self.total / self.size if self.size else 0.0

    @property
    def nonzero_share(self) -> float:
        return self.nonzero / self.size if self.size else 0.0

    def p_value(self, observed: float) -> tuple[float, str]:
        """``(p, method)`` of ``observed`` against this null (:func:`hurdle_p`)."""
        return hurdle_p(observed, self.size, self.nonzero, self.total, self.total_sq)


def hurdle_p(observed: float, size: int, nonzero: int, total: float, total_sq: float) -> tuple[float, str]:
    """Gamma-hurdle p from a null's summary (see the module docstring): ``(p, method)``.

    >>> rng = np.random.default_rng(0)
    >>> null = np.r_[np.zeros(900), rng.gamma(2.0, 1.0, 100)]
    >>> p, how = hurdle_p(12.0, len(null), int((null > 0).sum()), null.sum(), (null ** 2).sum())
    >>> how, bool(0 < p < 1 / 1001)
    ('gamma-hurdle', True)
    >>> hurdle_p(1.0, 200, 0, 0.0, 0.0)   # nothing to fit: the empirical upper bound
    (0.004975124378109453, 'bound (fewer than 5 non-zero null values)')
    >>> hurdle_p(0.0, 200, 10, 1.0, 1.0)
    (1.0, 'no paths')
    """
    if observed <= 0:
        return 1.0, "no paths"
    if size <= 0:
        return 1.0, "not tested (empty null)"
    if nonzero >= MIN_NONZERO:
        mean = total / nonzero
        var = (total_sq - total * total / nonzero) / (nonzero - 1)
        if var > 1e-12 * mean * mean:
            shape, scale = mean * mean / var, var / mean
            p = (nonzero / size) * float(stats.gamma.sf(observed, shape, scale=scale))
            return min(1.0, max(p, np.finfo(float).tiny)), "gamma-hurdle"
    return min(1.0, (1.0 + nonzero) / (1.0 + size)), f"bound (fewer than {MIN_NONZERO} non-zero null values)"


def end_degrees(hm: HetMat, mp: Metapath, end: str) -> np.ndarray:
    """Degree of every node on ``mp``'s first (``end="source"``) or last (``"target"``) metaedge,
    0 outside the end's class."""
    key = ("end-degree", end, mp.relations[0 if end == "source" else -1],
           tuple(mp.sets[:2]) if end == "source" else tuple(mp.sets[-2:]),
           mp.reverse[0 if end == "source" else -1])
    if key not in hm._cache:
        if end == "source":
            B = hm.adjacency(mp.relations[0], mp.sets[0], mp.sets[1], mp.reverse[0])
            deg = np.diff(B.indptr)
        else:
            k = len(mp) - 1
            B = hm.adjacency(mp.relations[k], mp.sets[k], mp.sets[k + 1], mp.reverse[k])
            deg = np.bincount(B.indices, minlength=hm.n)
        hm._cache[key] = np.asarray(deg, dtype=np.int64)
    return hm._cache[key]


def source_group(deg: np.ndarray, d: int, size: int, seed: int) -> np.ndarray:
    """The source nodes of degree exactly ``d`` (at most ``size``, drawn with ``(seed, d)``)."""
    pool = np.flatnonzero(deg == d)
    if len(pool) > size:
        pool = np.sort(np.random.default_rng([seed, int(d)]).choice(pool, size, replace=False))
    return pool.astype(np.int64)


def _key_text(kg: KnowledgeGraph, n: int, seed: int, damping: float, group_size: int, filters: tuple) -> str:
    spec = json.dumps({"fingerprint": fingerprint(kg), "permutations": n, "seed": seed, "damping": damping,
                       "group_size": group_size, "filters": [str(f) for f in filters]}, sort_keys=True)
    return hashlib.blake2b(spec.encode(), digest_size=8).hexdigest()


class DwpcNull:
    """Degree-grouped null summaries of ``kg`` over ``permutations`` permuted graphs (see the module).

    ``species`` / ``min_knowledge_level``: the edge filters of the observed graph (the same
    edges are kept in every permuted graph, permuted among themselves so both ends keep their
    filtered degrees; part of the cache key).
    """

    def __init__(self, kg: KnowledgeGraph, permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0, *,
                 cache_dir: str | Path | None = None, group_size: int = DEFAULT_GROUP_SIZE,
                 damping: float = DAMPING, species: str | Sequence[str] | None = None,
                 min_knowledge_level: str | None = None, show_progress: bool | None = None):
        self.kg = kg
        self.n_perm = int(permutations)
        self.seed = int(seed)
        self.group_size = int(group_size)
        self.damping = float(damping)
        self.mask = None
        if species or min_knowledge_level:
            self.mask = edge_filter(kg, species=species, min_knowledge_level=min_knowledge_level)
        self.hm = hetmat(kg, species=species, min_knowledge_level=min_knowledge_level)
        filters = (species if isinstance(species, str | None) else tuple(sorted(species)), min_knowledge_level)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.show_progress = show_progress
        if self.mask is not None:  # permuted within the filter: summaries of the one-pool null are not reused
            filters += ("permuted within the filter",)
        key = _key_text(kg, self.n_perm, self.seed, self.damping, self.group_size, tuple(filters))
        self.folder = self.cache_dir / f"dwpc-null-{key}" if self.cache_dir is not None else None
        #: metapath abbrev -> {"pool": target codes, "degrees": {d: (g, s1, s2, nz)}}
        self.store: dict = kg.cached(("evgraph.analytics", "dwpc-null", key), dict)

    # ------------------------------------------------------------------ cache
    def _file(self, mp: Metapath) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / (hashlib.blake2b(mp.abbrev.encode(), digest_size=10).hexdigest() + ".npz")

    def _entry(self, mp: Metapath) -> dict:
        ent = self.store.get(mp.abbrev)
        if ent is None:
            deg_t = end_degrees(self.hm, mp, "target")
            ent = {"pool": np.flatnonzero(deg_t > 0), "degrees": {}}
            f = self._file(mp)
            if f is not None and f.is_file():
                with np.load(f, allow_pickle=False) as z:
                    if str(z["abbrev"]) == mp.abbrev and np.array_equal(z["pool"], ent["pool"]):
                        for i, d in enumerate(z["degrees"].tolist()):
                            ent["degrees"][int(d)] = (int(z["groups"][i]), z["s1"][i], z["s2"][i], z["nz"][i])
            self.store[mp.abbrev] = ent
        return ent

    def _save(self, mp: Metapath) -> None:
        f = self._file(mp)
        if f is None:
            return
        from ..atomic import atomic_open

        ent = self.store[mp.abbrev]
        ds = sorted(ent["degrees"])
        f.parent.mkdir(parents=True, exist_ok=True)
        manifest = f.parent / "manifest.json"
        if not manifest.is_file():
            with atomic_open(manifest) as fh:
                fh.write(json.dumps({"what": "degree-grouped DWPC null summaries (evgraph.analytics.dwpc_null)",
                                     "fingerprint": fingerprint(self.kg), "permutations": self.n_perm,
                                     "seed": self.seed, "damping": self.damping,
                                     "group_size": self.group_size}, indent=2) + "\n")
        with atomic_open(f, "wb") as fh:
            np.savez(fh, abbrev=np.array(mp.abbrev), pool=ent["pool"], degrees=np.array(ds, dtype=np.int64),
                     groups=np.array([ent["degrees"][d][0] for d in ds], dtype=np.int64),
                     s1=np.stack([ent["degrees"][d][1] for d in ds]), s2=np.stack([ent["degrees"][d][2] for d in ds]),
                     nz=np.stack([ent["degrees"][d][3] for d in ds]))

    # ------------------------------------------------------------------ compute
    def missing(self, wanted: Sequence[tuple[Metapath, int]]) -> list[tuple[Metapath, int]]:
        """The ``(metapath, source degree)`` summaries that ``wanted`` (metapath, source node) pairs
        need and neither memory nor the disk cache holds (what :meth:`prepare` would compute)."""
        out: list[tuple[Metapath, int]] = []
        for mp, s in wanted:
            d = int(end_degrees(self.hm, mp, "source")[s])
            if d not in self._entry(mp)["degrees"] and (mp, d) not in out:
                out.append((mp, d))
        return out

    def prepare(self, wanted: Sequence[tuple[Metapath, int]]) -> list[str]:
        """Make sure the summaries of every ``(metapath, source node)`` exist; return the metapaths
        whose null could not be computed (too many walks to enumerate)."""
        todo: dict[Metapath, dict[int, np.ndarray]] = {}
        for mp, d in self.missing(wanted):
            todo.setdefault(mp, {})[d] = source_group(end_degrees(self.hm, mp, "source"), d, self.group_size,
                                                      self.seed)
        if not todo:
            return []
        from ..errors import EvgraphError

        perms = draw_permutations(self.kg, self.n_perm, seed=self.seed, cache_dir=self.cache_dir,
                                  show_progress=self.show_progress, mask=self.mask)
        n = self.kg.num_nodes
        chunk = max(1, min(len(perms), STACK_EDGES // max(self.kg.num_edges, 1)))
        acc: dict[Metapath, dict | None] = {}
        for mp, groups in todo.items():
            ent = self._entry(mp)
            tpos = np.full(n, -1, dtype=np.int64)
            tpos[ent["pool"]] = np.arange(len(ent["pool"]))
            rows = np.concatenate(list(groups.values()))
            gidx = np.repeat(np.arange(len(groups)), [len(g) for g in groups.values()])
            z = np.zeros((len(groups), len(ent["pool"])))
            acc[mp] = {"rows": rows, "gidx": gidx, "tpos": tpos, "s1": z.copy(), "s2": z.copy(), "nz": z.copy()}
        failed: list[str] = []
        starts = range(0, len(perms), chunk)
        with progress(None, total=len(perms), desc="null DWPC on permuted graphs",
                      enabled=self.show_progress) as pb:
            for i in starts:
                P = min(chunk, len(perms) - i)
                hp = stacked_hetmat(self.kg, np.asarray(perms.dst[i:i + P]), self.mask, binary=True)
                for mp, a in acc.items():
                    if a is None:
                        continue
                    try:
                        self._accumulate(hp, mp, a, P, n)
                    except EvgraphError:
                        acc[mp] = None
                        failed.append(mp.abbrev)
                del hp
                pb.update(P)
        for mp, a in acc.items():
            if a is None:
                continue
            ent = self._entry(mp)
            for j, (d, g) in enumerate(todo[mp].items()):
                ent["degrees"][d] = (len(g), a["s1"][j], a["s2"][j], a["nz"][j])
            self._save(mp)
        return failed

    def _accumulate(self, hp: HetMat, mp: Metapath, a: dict, P: int, n: int) -> None:
        rows, r = a["rows"], len(a["rows"])
        R = ((np.arange(P, dtype=np.int64) * n)[:, None] + rows[None, :]).ravel()
        D = hp.dwpc_from(mp, R, self.damping).tocoo()
        keep = D.data > 0
        g = a["gidx"][D.row[keep] % r]
        t = a["tpos"][D.col[keep] % n]
        ok = t >= 0
        g, t, v = g[ok], t[ok], D.data[keep][ok]
        npool = a["s1"].shape[1]
        key = g * npool + t
        size = a["s1"].size
        a["s1"] += np.bincount(key, weights=v, minlength=size).reshape(a["s1"].shape)
        a["s2"] += np.bincount(key, weights=v * v, minlength=size).reshape(a["s1"].shape)
        a["nz"] += np.bincount(key, minlength=size).reshape(a["s1"].shape)

    # ------------------------------------------------------------------ look-up
    def summary(self, mp: Metapath, s: int, t: int) -> NullSummary | None:
        """The null of pair ``(s, t)`` for ``mp`` (computed if missing; None if it cannot be)."""
        if self.prepare([(mp, s)]):
            return None
        ent = self._entry(mp)
        deg_s = end_degrees(self.hm, mp, "source")
        deg_t = end_degrees(self.hm, mp, "target")
        d_s, d_t = int(deg_s[s]), int(deg_t[t])
        g, s1, s2, nz = ent["degrees"][d_s]
        tg = np.flatnonzero(deg_t[ent["pool"]] == d_t)
        codes = ent["pool"][tg]
        same = 0  # pairs of one node with itself are no pair (their DWPC is 0 by definition)
        if (0, len(mp)) in mp.overlaps():
            same = int(np.isin(source_group(deg_s, d_s, self.group_size, self.seed), codes).sum())
        size = (g * len(tg) - same) * self.n_perm
        return NullSummary(size=int(size), nonzero=int(nz[tg].sum()), total=float(s1[tg].sum()),
                           total_sq=float(s2[tg].sum()), source_degree=d_s, target_degree=d_t,
                           source_group=int(g), target_group=len(tg))


__all__ = ["DEFAULT_GROUP_SIZE", "MIN_NONZERO", "DwpcNull", "NullSummary", "end_degrees", "hurdle_p", "source_group"]
