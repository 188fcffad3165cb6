"""Metapaths, degree-weighted path counts (DWPC) and biologically typed propagation paths.

A :class:`Metapath` is a typed walk through the schema: node classes (``Cargo`` stands for
every cargo class) joined by relationships, each traversed forward (subject -> object) or in
reverse. Two spellings are accepted and produced::

    C<riEVcCGctC
    Condition <-released_in- EVPopulation -carries-> Cargo -contributes_to-> Condition

Abbreviations: classes are upper-case (:data:`CLASS_ABBREV`), relationships lower-case
(:data:`RELATION_ABBREV`), ``<`` before a relationship means reverse traversal.

DWPC (Himmelstein & Baranzini 2015): every path's *path-degree product* multiplies, for each
hop, ``deg(u)^-w * deg(v)^-w`` where the degrees count the hop's metaedge (that relationship
between those classes, in that orientation); DWPC sums it over all paths (no node repeated),
with damping ``w`` = 0.4. Parallel edges between the same two nodes count once (their best
confidence and all their references are kept); self-loops are never on a path.

Kernels: for all pairs at once, DWPC is a product of sparse degree-weighted adjacency matrices
(scipy.sparse), sliced to the source rows and target columns first; short metapaths are
multiplied from the smaller end, long ones from both ends meeting at the position with fewest
nodes. Repeated nodes are excluded exactly: two-apart repeats by subtracting the walks that
return (``X (W1 W2 - diag(d))``, never forming the two-hop block), the two ends by dropping
``source == target``; metapaths with other repeats fall back to exact enumeration. Paths
between two nodes are enumerated meet-in-the-middle with numpy array expansion.

>>> mp = Metapath.parse("C<riEVcCGctC")
>>> str(mp)
'Condition <-released_in- EVPopulation -carries-> Cargo -contributes_to-> Condition'
>>> Metapath.parse(str(mp)) == mp and mp.abbrev == "C<riEVcCGctC" and len(mp) == 3
True
>>> mp.inverse().abbrev
'C<ctCG<cEVriC'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import EvgraphError
from ..model import KnowledgeGraph, split_list
from ..schema import Schema, get_schema
from ._common import edge_filter

DAMPING = 0.4

CLASS_ABBREV: dict[str, str] = {
    "Organ": "O", "Biofluid": "BF", "CellType": "CT", "EVPopulation": "EV", "VesicleType": "VT",
    "Gene": "G", "MicroRNA": "MI", "RNA": "R", "Lipid": "L", "Metabolite": "ME", "Organelle": "OL",
    "Pathway": "PW", "Condition": "C", "UptakeMechanism": "UM", "Publication": "PB", "Cargo": "CG",
}
RELATION_ABBREV: dict[str, str] = {
    "part_of": "po", "releases": "r", "has_vesicle_type": "hv", "sampled_from": "sf", "carries": "c",
    "taken_up_by": "u", "internalized_via": "iv", "homes_to": "h", "regulates": "rg",
    "participates_in": "pi", "affects": "a", "contributes_to": "ct", "released_in": "ri",
    "biomarker_for": "bm", "associated_with": "as", "interacts_with": "i", "subclass_of": "sc",
    "described_in": "d",
}

#: The default metapaths: organ/cell-type origins to conditions and targets, and
#: condition-to-condition propagation through the EV populations released in a condition.
DEFAULT_METAPATHS: tuple[str, ...] = (
    "OrEVcCGctC",            # organ releases EVs carrying cargo that contributes to a condition
    "O<poCTrEVcCGctC",       # organ <- cell type releases EVs, cargo contributes to a condition
    "O<poCTrEVcCGrgGasC",    # ... cargo regulates a target gene associated with a condition
    "O<poCTrEVcCGaPW<piGasC",  # ... cargo affects a pathway of a gene associated with a condition
    "O<poCTrEVuCT",          # organ <- cell type releases EVs taken up by a target cell type
    "CTrEVcCGctC",           # cell type releases EVs, cargo contributes to a condition
    "CTrEVuCT",              # cell type to target cell type
    "C<riEVctC",             # EVs released in condition A contribute to condition B
    "C<riEVcCGctC",          # ... carry cargo that contributes to B
    "C<riEVcCGasC",          # ... carry cargo associated with B
    "C<riEVcCGrgGasC",       # ... cargo regulates a gene associated with B
    "C<riEVcCGaPW<aCGctC",   # ... cargo affects a pathway that other cargo acting in B affects
    "C<riEVcCGaPW<piGasC",   # ... cargo affects a pathway of a gene associated with B
    "C<riEVuCTrEVctC",       # ... EVs taken up by a cell type whose EVs contribute to B
    # conditions linked through EV populations that *contribute to* condition A (many curated
    # conditions, e.g. type 2 diabetes, have few EVs released in them but many acting on them),
    # and through the condition hierarchy; at most 7 hops:
    "C<ctEVcCGaPW<aCG<cEVctC",  # EVs acting in A and EVs acting in B carry cargo hitting one pathway
    "C<ctEVcCGaPW<piGasC",   # EVs acting in A carry cargo affecting a pathway of a gene associated with B
    "C<ctEVcCGaPW<piGbmC",   # ... of a gene that is a biomarker for B
    "C<ctEVcCGaPW<aCGbmC",   # ... a pathway also affected by a biomarker of B
    "CscC<riEVctC<scC",      # EVs released in a parent of A contribute to a parent of B
)
#: Condition-to-condition metapaths used by crosstalk and robustness.
CROSSTALK_METAPATHS: tuple[str, ...] = (
    "C<riEVctC",
    "C<riEVcCGctC",
    "C<riEVcCGaPW<aCGctC",
    "C<riEVcCGaPW<piGasC",
)


def _abbrev_tables(schema: Schema) -> tuple[dict[str, str], dict[str, str]]:
    classes = dict(CLASS_ABBREV)
    for name in schema.classes:
        if name not in classes:
            classes[name] = "".join(ch for ch in name if ch.isupper()) or name.upper()
    rels = dict(RELATION_ABBREV)
    for name in schema.relations:
        if name not in rels:
            rels[name] = "".join(w[0] for w in name.split("_"))
    return classes, rels


_LONG_STEP = re.compile(r"\s*(<-|-)\s*([a-z_]+)\s*(->|-)\s*")


@dataclass(frozen=True)
class Metapath:
    """A typed sequence of classes and relationships (``len`` = number of hops)."""

    classes: tuple[str, ...]
    relations: tuple[str, ...]
    reverse: tuple[bool, ...]

    def __post_init__(self) -> None:
        if len(self.classes) != len(self.relations) + 1 or len(self.relations) != len(self.reverse):
            raise EvgraphError("a metapath needs one more class than relationships")
        if not self.relations:
            raise EvgraphError("a metapath needs at least one relationship")

    def __len__(self) -> int:
        return len(self.relations)

    # ------------------------------------------------------------------ text
    @classmethod
    def parse(cls, text: str, schema: Schema | None = None) -> Metapath:
        """Read the abbreviated (``C<riEVctC``) or long (``Condition <-released_in- ...``) form."""
        schema = schema or get_schema()
        cab, rab = _abbrev_tables(schema)
        text = text.strip()
        if "-" in text:
            parts = _LONG_STEP.split(text)
            names = parts[0::4]
            classes = tuple(n.strip() for n in names)
            rels = tuple(parts[2::4])
            rev = []
            for left, right in zip(parts[1::4], parts[3::4], strict=True):
                if (left, right) not in (("<-", "-"), ("-", "->"), ("-", "-")):
                    raise EvgraphError(f"bad arrow '{left}...{right}' in metapath '{text}'")
                rev.append(left == "<-")
            mp = cls(classes, rels, tuple(rev))
        else:
            cinv = {v: k for k, v in cab.items()}
            rinv = {v: k for k, v in rab.items()}
            tokens = re.findall(r"[A-Z]+|<?[a-z]+|.", text)
            classes_l: list[str] = []
            rels_l: list[str] = []
            rev_l: list[bool] = []
            for i, tok in enumerate(tokens):
                want_class = i % 2 == 0
                if want_class:
                    if tok not in cinv:
                        raise EvgraphError(f"unknown class abbreviation '{tok}' in metapath '{text}' "
                                           f"(known: {', '.join(sorted(cinv))})")
                    classes_l.append(cinv[tok])
                else:
                    r = tok.lstrip("<")
                    if r not in rinv:
                        raise EvgraphError(f"unknown relationship abbreviation '{tok}' in metapath '{text}' "
                                           f"(known: {', '.join(sorted(rinv))})")
                    rels_l.append(rinv[r])
                    rev_l.append(tok.startswith("<"))
            if len(classes_l) != len(rels_l) + 1:
                raise EvgraphError(f"metapath '{text}' must start and end with a class")
            mp = cls(tuple(classes_l), tuple(rels_l), tuple(rev_l))
        mp.validate(schema)
        return mp

    @property
    def abbrev(self) -> str:
        cab, rab = _abbrev_tables(get_schema())
        out = cab[self.classes[0]]
        for rel, rev, c in zip(self.relations, self.reverse, self.classes[1:], strict=True):
            out += ("<" if rev else "") + rab[rel] + cab[c]
        return out

    def __str__(self) -> str:
        out = self.classes[0]
        for rel, rev, c in zip(self.relations, self.reverse, self.classes[1:], strict=True):
            out += f" <-{rel}- {c}" if rev else f" -{rel}-> {c}"
        return out

    def inverse(self) -> Metapath:
        """The same metapath walked from its end to its start."""
        return Metapath(self.classes[::-1], self.relations[::-1], tuple(not r for r in self.reverse[::-1]))

    # ------------------------------------------------------------------ schema
    def validate(self, schema: Schema | None = None) -> None:
        """Raise if a hop is not allowed by the relationship's domain and range."""
        schema = schema or get_schema()
        for c in self.classes:
            expand_classes_schema(schema, c)
        for i, (rel, rev) in enumerate(zip(self.relations, self.reverse, strict=True)):
            r = schema.relations.get(rel)
            if r is None:
                raise EvgraphError(f"unknown relationship '{rel}' in metapath {self}")
            a, b = self.node_sets(schema)[i], self.node_sets(schema)[i + 1]
            subj, obj = (b, a) if rev else (a, b)
            ok = bool(subj & r.domain and obj & r.range)
            if r.symmetric:
                ok = ok or bool(obj & r.domain and subj & r.range)
            if not ok:
                raise EvgraphError(f"hop {i + 1} of metapath {self}: '{rel}' cannot link "
                                   f"{'/'.join(sorted(subj))} to {'/'.join(sorted(obj))}")

    def node_sets(self, schema: Schema | None = None) -> list[frozenset[str]]:
        """The concrete classes allowed at each position."""
        schema = schema or get_schema()
        return [frozenset(expand_classes_schema(schema, c)) for c in self.classes]

    @cached_property
    def _sets(self) -> list[frozenset[str]]:
        return self.node_sets()

    def overlaps(self) -> list[tuple[int, int]]:
        """Position pairs ``(i, j)``, ``i < j``, whose classes overlap (a node could repeat)."""
        s = self._sets
        return [(i, j) for i in range(len(s)) for j in range(i + 1, len(s)) if s[i] & s[j]]

    def matrix_plan(self) -> list[tuple[int, int]] | None:
        """Blocks ``(start, end)`` of hops whose product is exact, or None if enumeration is needed.

        Adjacent overlaps are self-loops (never in a metaedge); two-apart overlaps become a
        2-hop block with its diagonal zeroed; the two ends overlapping zero the final diagonal.
        """
        k = len(self)
        two = sorted({i for i, j in self.overlaps() if j - i == 2 and not (i == 0 and j == k and k != 2)})
        if any(j - i > 2 and not (i == 0 and j == k) for i, j in self.overlaps()):
            return None
        blocks: list[tuple[int, int]] = []
        used_edges: set[int] = set()
        for i in two:
            if {i, i + 1} & used_edges:
                return None
            used_edges |= {i, i + 1}
        pos = 0
        while pos < k:
            if pos in two:
                blocks.append((pos, pos + 2))
                pos += 2
            else:
                blocks.append((pos, pos + 1))
                pos += 1
        return blocks


def expand_classes_schema(schema: Schema, name: str) -> set[str]:
    if name in schema.classes:
        return {name}
    subs = {c for c, info in schema.classes.items() if name in info.parents}
    if not subs:
        raise EvgraphError(f"unknown class '{name}' in metapath")
    return subs


def as_metapath(mp: Metapath | str) -> Metapath:
    return mp if isinstance(mp, Metapath) else Metapath.parse(mp)


def default_metapaths() -> list[Metapath]:
    """The default set (:data:`DEFAULT_METAPATHS`) as :class:`Metapath` objects."""
    return [Metapath.parse(t) for t in DEFAULT_METAPATHS]


def metapaths_between(source_class: str, target_class: str, max_length: int = 3,
                      schema: Schema | None = None, exclude: Iterable[str] = ("Publication",)) -> list[Metapath]:
    """Every metapath over concrete classes from ``source_class`` to ``target_class`` up to ``max_length`` hops.

    >>> [m.abbrev for m in metapaths_between("Organ", "EVPopulation", 1)]
    ['O<hEV', 'OrEV', 'O<sfEV']
    """
    schema = schema or get_schema()
    skip = set(exclude)
    steps: list[tuple[str, str, bool, str]] = []
    for r in schema.relations.values():
        for s in sorted(r.domain):
            for o in sorted(r.range):
                if s in skip or o in skip:
                    continue
                steps.append((s, r.name, False, o))
                if not r.symmetric:
                    steps.append((o, r.name, True, s))
    out: list[Metapath] = []
    frontier: list[tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...]]] = [((source_class,), (), ())]
    for _ in range(max_length):
        nxt = []
        for classes, rels, rev in frontier:
            for s, r, rv, o in steps:
                if s == classes[-1]:
                    item = ((*classes, o), (*rels, r), (*rev, rv))
                    nxt.append(item)
                    if o == target_class:
                        out.append(Metapath(*item))
        frontier = nxt
    return out


# ====================================================================== hetmat
class HetMat:
    """Metaedge matrices of a graph (optionally filtered or with permuted edges), cached.

    ``src``, ``dst``, ``pred`` (relationship codes), ``conf`` are edge arrays; ``mask`` keeps
    some edges. Every metaedge matrix is an n x n CSR over node codes.
    """

    def __init__(self, kg: KnowledgeGraph, mask: np.ndarray | None = None, dst: np.ndarray | None = None):
        self.kg = kg
        self.n = kg.num_nodes
        m = np.ones(kg.num_edges, dtype=bool) if mask is None else mask
        self.edge_ids = np.flatnonzero(m)
        self.src = kg.src[m]
        self.dst = (kg.dst if dst is None else dst)[m]
        self.pred = kg.edges["predicate"].cat.codes.to_numpy()[m]
        self.conf = np.nan_to_num(kg.edges["confidence"].to_numpy(dtype=np.float64)[m], nan=0.0)
        self.pred_names = list(kg.edges["predicate"].cat.categories)
        cls = kg.nodes["category"]
        self.class_code = cls.cat.codes.to_numpy()
        self.class_names = list(cls.cat.categories)
        self._cache: dict = {}

    def class_mask(self, classes: frozenset[str]) -> np.ndarray:
        codes = [self.class_names.index(c) for c in classes if c in self.class_names]
        return np.isin(self.class_code, codes)

    def metaedge(self, rel: str, a: frozenset[str], b: frozenset[str], rev: bool
                 ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """``(B, C)``: binary adjacency a -> b of one hop and, with the same structure, best confidence."""
        key = (rel, a, b, rev)
        if key not in self._cache:
            schema = self.kg.schema
            p = self.pred_names.index(rel)
            sel = self.pred == p
            s, o, c = self.src[sel], self.dst[sel], self.conf[sel]
            x, y = (o, s) if rev else (s, o)
            if schema.relations[rel].symmetric:
                x, y, c = np.concatenate([x, y]), np.concatenate([y, x]), np.concatenate([c, c])
            ok = self.class_mask(a)[x] & self.class_mask(b)[y] & (x != y)
            x, y, c = x[ok], y[ok], c[ok]
            self._cache[key] = _pair_matrices(x, y, c, self.n)
        return self._cache[key]

    def weighted(self, mp: Metapath, i: int, damping: float) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Degree-weighted matrix W of hop ``i`` and its confidence matrix (same structure)."""
        key = ("W", mp.relations[i], mp._sets[i], mp._sets[i + 1], mp.reverse[i], damping)
        flipped = ("W", mp.relations[i], mp._sets[i + 1], mp._sets[i], not mp.reverse[i], damping)
        if key not in self._cache and flipped in self._cache:  # the same hop walked the other way
            W, C = self._cache[flipped]
            self._cache[key] = (W.T.tocsr(), C.T.tocsr())
        if key not in self._cache:
            B, C = self.metaedge(mp.relations[i], mp._sets[i], mp._sets[i + 1], mp.reverse[i])
            dr = np.asarray(B.sum(axis=1)).ravel()
            dc = np.asarray(B.sum(axis=0)).ravel()
            W = B.copy()
            rows = np.repeat(np.arange(self.n), np.diff(B.indptr))
            with np.errstate(divide="ignore"):
                W.data = (dr[rows] ** -damping) * (dc[B.indices] ** -damping)
            self._cache[key] = (W, C)
        return self._cache[key]

    # ------------------------------------------------------------------ DWPC, all pairs
    def dwpc(self, mp: Metapath | str, damping: float = DAMPING, rows: np.ndarray | None = None,
             cols: np.ndarray | None = None) -> sp.csr_matrix:
        """DWPC of ``mp`` for every (source, target) node pair.

        Without ``rows``/``cols``: an n x n CSR over node codes. With them (node codes, e.g.
        the conditions): the ``len(rows) x len(cols)`` CSR of those sources and targets only.
        The chain of hop matrices starts from the sliced first (or last) hop matrix; metapaths
        of up to three hops are multiplied from the smaller end, longer ones from both ends
        meeting at the interior position with the fewest nodes (dense BLAS product when the
        result is dense, sparse otherwise): no n x n product is formed.
        """
        mp = as_metapath(mp)
        if rows is None and cols is None:
            r = np.flatnonzero(self.class_mask(mp._sets[0]))
            c = np.flatnonzero(self.class_mask(mp._sets[-1]))
            sub = self.dwpc(mp, damping, r, c).tocoo()
            out = sp.csr_matrix((sub.data, (r[sub.row], c[sub.col])), shape=(self.n, self.n))
            out.sort_indices()
            return out
        rows = np.arange(self.n) if rows is None else np.asarray(rows, dtype=np.int64)
        cols = np.arange(self.n) if cols is None else np.asarray(cols, dtype=np.int64)
        if mp.matrix_plan() is None:
            return self._dwpc_enumerated(mp, damping, rows, cols)
        h = self.halves(mp, damping, rows, cols)
        A, B = h.left, h.right
        dense_flops = float(A.shape[0]) * A.shape[1] * B.shape[0]
        sparse_flops = float(np.dot(np.diff(A.tocsc().indptr), np.diff(B.tocsc().indptr)))
        fits = A.shape[0] * B.shape[0] <= 40_000_000 and (A.shape[0] + B.shape[0]) * A.shape[1] <= 80_000_000
        if fits and dense_flops <= 40 * sparse_flops:
            P: np.ndarray | sp.csr_matrix = A.toarray() @ B.toarray().T
        else:
            P = (A @ B.T).tocsr()
        if h.corr_left is not None:
            P = _minus_returning(P, (h.corr_left @ h.corr_right.T).tocsr())
        out = sp.csr_matrix(P) if isinstance(P, np.ndarray) else P
        if (0, len(mp)) in mp.overlaps():
            coo = out.tocoo()
            keep = rows[coo.row] != cols[coo.col]
            out = sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=out.shape)
        out.eliminate_zeros()
        out.sort_indices()
        return out

    def halves(self, mp: Metapath, damping: float, rows: np.ndarray, cols: np.ndarray) -> Halves:
        """The two halves of ``mp``'s matrix chain, meeting at its cheapest interior position.

        ``DWPC(rows[i], cols[j]) = left[i] . right[j] - corr_left[i] . corr_right[j]`` (before
        the two ends are required to differ); see :class:`Halves`. Needs a matrix plan.
        """
        plan = mp.matrix_plan()
        if plan is None:
            raise EvgraphError(f"metapath {mp.abbrev} has no matrix plan")
        k = len(mp)
        inv = mp.inverse()
        if k <= 3:  # short: one pass from the smaller end (sliced first or last hop matrix)
            m = k if len(rows) <= len(cols) else 0
        else:  # long: meet at the interior position with the fewest nodes (e.g. pathways)
            sizes = {x: int(self.class_mask(mp._sets[x]).sum()) for x in range(1, k)}
            m = min(sizes, key=lambda x: (sizes[x], abs(2 * x - k)))
        mid = np.flatnonzero(self.class_mask(mp._sets[m]))
        block = next(((a, b) for a, b in plan if a < m < b), None)
        if block is None:
            L = self.chain(mp, rows, m, damping)
            R = self.chain(inv, cols, k - m, damping)
            return Halves(L[:, mid].tocsr(), R[:, mid].tocsr(), None, None)
        a = block[0]
        La = self.chain(mp, rows, a, damping)
        Rb = self.chain(inv, cols, k - a - 2, damping)
        L = (La @ self.weighted(mp, a, damping)[0][:, mid]).tocsr()
        R = (Rb @ self.weighted(inv, k - a - 2, damping)[0][:, mid]).tocsr()
        d = self._two_hop_diag(mp, a, damping)
        keep = np.flatnonzero(d)
        return Halves(L, R, (La[:, keep] @ sp.diags(d[keep])).tocsr(), Rb[:, keep].tocsr())

    def chain(self, mp: Metapath, rows: np.ndarray, upto: int, damping: float) -> sp.csr_matrix:
        """``len(rows) x n``: summed path-degree products of ``mp``'s paths from ``rows`` to
        every node at position ``upto`` (a boundary of the matrix plan), repeats excluded."""
        X = sp.csr_matrix((np.ones(len(rows)), (np.arange(len(rows)), rows)), shape=(len(rows), self.n))
        for a, b in mp.matrix_plan() or []:
            if b > upto:
                break
            W = self.weighted(mp, a, damping)[0]
            if b - a == 1:
                X = (X @ W).tocsr()
            else:  # two-hop block without returning walks: X (W1 W2 - diag(d))
                d = self._two_hop_diag(mp, a, damping)
                X = _minus_returning((X @ W @ self.weighted(mp, a + 1, damping)[0]).tocsr(),
                                     (X @ sp.diags(d)).tocsr())
        return X

    def _two_hop_diag(self, mp: Metapath, a: int, damping: float) -> np.ndarray:
        """``d[v] = sum_u W_a[v, u] W_{a+1}[u, v]``: weight of the 2-hop walks that return to ``v``."""
        key = ("d", mp.relations[a:a + 2], tuple(mp._sets[a:a + 3]), mp.reverse[a:a + 2], damping)
        if key not in self._cache:
            W1 = self.weighted(mp, a, damping)[0]
            W2 = self.weighted(mp, a + 1, damping)[0]
            self._cache[key] = np.asarray(W1.multiply(W2.T).sum(axis=1)).ravel()
        return self._cache[key]

    def _block(self, mp: Metapath, a: int, b: int, damping: float) -> sp.csr_matrix:
        W = self.weighted(mp, a, damping)[0]
        if b - a == 1:
            return W
        M = (W @ self.weighted(mp, a + 1, damping)[0]).tocsr()
        return _zero_diagonal(M)

    def _dwpc_enumerated(self, mp: Metapath, damping: float, rows: np.ndarray, cols: np.ndarray
                         ) -> sp.csr_matrix:
        starts = rows[self.class_mask(mp._sets[0])[rows]]
        paths, pdp, _ = self.expand(mp, starts, 0, len(mp), damping)
        rpos = np.full(self.n, -1, dtype=np.int64)
        rpos[rows] = np.arange(len(rows))
        cpos = np.full(self.n, -1, dtype=np.int64)
        cpos[cols] = np.arange(len(cols))
        r, c = rpos[paths[:, 0]], cpos[paths[:, -1]]
        ok = c >= 0
        mat = sp.csr_matrix((pdp[ok], (r[ok], c[ok])), shape=(len(rows), len(cols)))
        mat.sum_duplicates()
        return mat

    # ------------------------------------------------------------------ enumeration
    def expand(self, mp: Metapath, starts: np.ndarray, first: int, last: int, damping: float,
               backward: bool = False, max_paths: int = 20_000_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Enumerate partial paths over hops ``first..last-1`` from ``starts``.

        Forward: columns are positions ``first..last``. Backward (``starts`` at position
        ``last``): columns are still in metapath order. Returns ``(nodes, pdp, evidence)``;
        repeats among overlapping positions are removed.
        """
        paths = np.asarray(starts, dtype=np.int64)[:, None]
        pdp = np.ones(len(paths))
        ev = np.ones(len(paths))
        hops = range(first, last) if not backward else range(last - 1, first - 1, -1)
        for i in hops:
            W, C = self.weighted(mp, i, damping)
            if backward:
                W, C = self._transposed(mp, i, damping)
            tip = paths[:, -1] if not backward else paths[:, 0]
            cnt = np.diff(W.indptr)[tip]
            total = int(cnt.sum())
            if total > max_paths:
                raise EvgraphError(f"metapath {mp.abbrev}: more than {max_paths} partial paths; "
                                   "use a shorter or more specific metapath")
            rep = np.repeat(np.arange(len(paths)), cnt)
            offs = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
            pos = W.indptr[tip][rep] + offs
            nxt = W.indices[pos]
            paths = (np.column_stack([paths[rep], nxt]) if not backward
                     else np.column_stack([nxt, paths[rep]]))
            pdp = pdp[rep] * W.data[pos]
            ev = ev[rep] * C.data[pos]
            # drop repeats among overlapping positions inside the window
            lo = first if not backward else i
            keep = np.ones(len(paths), dtype=bool)
            for a, b in mp.overlaps():
                if lo <= a and b <= lo + paths.shape[1] - 1:
                    keep &= paths[:, a - lo] != paths[:, b - lo]
            if not keep.all():
                paths, pdp, ev = paths[keep], pdp[keep], ev[keep]
        return paths, pdp, ev

    def _transposed(self, mp: Metapath, i: int, damping: float) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        key = ("WT", mp.relations[i], mp._sets[i], mp._sets[i + 1], mp.reverse[i], damping)
        if key not in self._cache:
            W, C = self.weighted(mp, i, damping)
            self._cache[key] = (W.T.tocsr(), C.T.tocsr())
        return self._cache[key]

    def paths_between(self, mp: Metapath, s: int, t: int, damping: float = DAMPING, max_paths: int = 2_000_000
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All paths of ``mp`` from node ``s`` to node ``t``: ``(nodes, pdp, evidence)``.

        Raises :class:`EvgraphError` when more than ``max_paths`` (partial) paths would be built.
        """
        k = len(mp)
        mid = (k + 1) // 2
        left, lp, le = self.expand(mp, np.array([s]), 0, mid, damping, max_paths=max_paths)
        right, rp, re_ = self.expand(mp, np.array([t]), mid, k, damping, backward=True, max_paths=max_paths)
        if len(left) == 0 or len(right) == 0:
            return np.zeros((0, k + 1), dtype=np.int64), np.zeros(0), np.zeros(0)
        order = np.argsort(right[:, 0], kind="stable")
        right, rp, re_ = right[order], rp[order], re_[order]
        lo = np.searchsorted(right[:, 0], left[:, -1], side="left")
        hi = np.searchsorted(right[:, 0], left[:, -1], side="right")
        cnt = hi - lo
        if int(cnt.sum()) > max_paths:
            raise EvgraphError(f"metapath {mp.abbrev}: more than {max_paths} paths between the two nodes")
        rep = np.repeat(np.arange(len(left)), cnt)
        ridx = np.repeat(lo, cnt) + (np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt))
        nodes = np.column_stack([left[rep], right[ridx, 1:]])
        pdp = lp[rep] * rp[ridx]
        ev = le[rep] * re_[ridx]
        keep = np.ones(len(nodes), dtype=bool)
        for a, b in mp.overlaps():
            keep &= nodes[:, a] != nodes[:, b]
        return nodes[keep], pdp[keep], ev[keep]


def _minus_returning(P, Xd: sp.csr_matrix, rtol: float = 1e-10):
    """``P - Xd``: all walks minus those that revisit a node (``Xd``'s support lies within ``P``'s).

    Entries that cancel up to round-off (``|P - Xd| <= rtol * (P + Xd)``) become exact zeros,
    so a pair whose only walks revisit a node gets no entry, as in exact enumeration. ``P``
    may be a dense array (the result is then dense too).
    """
    if isinstance(P, np.ndarray):
        D = Xd.toarray()
        R = P - D
        R[np.abs(R) <= rtol * (P + D)] = 0.0
        return R
    R = (P - Xd).tocsr()
    T = (P + Xd).tocsr()
    return R.multiply(abs(R) > rtol * T).tocsr()


@dataclass
class Halves:
    """A metapath's DWPC between ``rows`` and ``cols`` split at one interior position.

    ``DWPC[i, j] = left[i] . right[j] - corr_left[i] . corr_right[j]``: ``left``/``right``
    hold the walks from the sources/targets to the meeting position (columns: that
    position's nodes); the correction (``None`` when the meeting position is a block
    boundary) removes walks that repeat a node across it. Category sums are
    ``(I_a left) (I_b right)^T - ...`` without forming the pair matrix.
    """

    left: sp.csr_matrix
    right: sp.csr_matrix
    corr_left: sp.csr_matrix | None
    corr_right: sp.csr_matrix | None

    def pairs(self, i: np.ndarray, j: np.ndarray, rtol: float = 1e-10) -> np.ndarray:
        """DWPC at the given (row position, column position) pairs."""
        P = np.asarray(self.left[i].multiply(self.right[j]).sum(axis=1)).ravel()
        if self.corr_left is None:
            return P
        C = np.asarray(self.corr_left[i].multiply(self.corr_right[j]).sum(axis=1)).ravel()
        out = P - C
        out[np.abs(out) <= rtol * (P + C)] = 0.0
        return out

    def group_sums(self, Ia: sp.spmatrix, Ib: sp.spmatrix) -> np.ndarray:
        """``Ia DWPC Ib^T`` (dense) for group-indicator matrices over rows and columns."""
        out = ((Ia @ self.left) @ (Ib @ self.right).T).toarray()
        if self.corr_left is not None:
            out -= ((Ia @ self.corr_left) @ (Ib @ self.corr_right).T).toarray()
        return out


def _zero_diagonal(M: sp.csr_matrix) -> sp.csr_matrix:
    """``M`` (square CSR) with its diagonal entries removed, vectorised (no LIL round trip)."""
    M = M.tocsr()
    r = np.repeat(np.arange(M.shape[0]), np.diff(M.indptr))
    M.data[M.indices == r] = 0.0
    M.eliminate_zeros()
    return M


def _pair_matrices(x: np.ndarray, y: np.ndarray, c: np.ndarray, n: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Binary and best-confidence CSR matrices with identical, canonical structure."""
    key = x.astype(np.int64) * n + y
    order = np.lexsort((-c, key))
    key, c = key[order], c[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, c = key[first], c[first]
    rows, cols = key // n, key % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    B = sp.csr_matrix((np.ones(len(key)), cols, indptr), shape=(n, n))
    C = sp.csr_matrix((c, cols.copy(), indptr.copy()), shape=(n, n))
    return B, C


def hetmat(kg: KnowledgeGraph, species: str | Sequence[str] | None = None,
           min_knowledge_level: str | None = None, min_confidence: float | None = None) -> HetMat:
    """The (cached) :class:`HetMat` of ``kg`` under the given edge filters."""
    key = ("hetmat", species if isinstance(species, str | None) else tuple(species), min_knowledge_level,
           min_confidence)
    if key not in kg._cache:
        mask = None
        if species or min_knowledge_level or min_confidence is not None:
            mask = edge_filter(kg, species=species, min_knowledge_level=min_knowledge_level,
                               min_confidence=min_confidence)
        kg._cache[key] = HetMat(kg, mask)
    return kg._cache[key]


def dwpc(kg: KnowledgeGraph, metapath: Metapath | str, damping: float = DAMPING, **filters) -> pd.DataFrame:
    """DWPC of a metapath for every connected (source, target) pair, as a long table.

    Columns ``source``, ``target``, ``dwpc``; pairs with no path are left out.

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> df = dwpc(kg, "C<riEVcCGctC")
    >>> list(df.columns), bool((df["dwpc"] > 0).all())
    (['source', 'target', 'dwpc'], True)
    """
    M = hetmat(kg, **filters).dwpc(metapath, damping).tocoo()
    ids = kg.nodes["id"].to_numpy(dtype=object)
    df = pd.DataFrame({"source": ids[M.row], "target": ids[M.col], "dwpc": M.data})
    return df.sort_values(["source", "target"]).reset_index(drop=True)


# ====================================================================== edge lookup
class _EdgeIndex:
    """Edges sorted by (relationship, subject, object) for fast hop -> edges look-ups."""

    def __init__(self, kg: KnowledgeGraph):
        n = kg.num_nodes
        pred = kg.edges["predicate"].cat.codes.to_numpy().astype(np.int64)
        self.n = n
        self.keys = (pred * n + kg.src) * n + kg.dst
        self.order = np.argsort(self.keys, kind="stable")
        self.sorted = self.keys[self.order]

    def lookup(self, pred: int, s: int, o: int) -> np.ndarray:
        key = (pred * self.n + s) * self.n + o
        lo, hi = np.searchsorted(self.sorted, [key, key + 1])
        return self.order[lo:hi]


def _edge_index(kg: KnowledgeGraph) -> _EdgeIndex:
    if "edge-index" not in kg._cache:
        kg._cache["edge-index"] = _EdgeIndex(kg)
    return kg._cache["edge-index"]


def _hop_records(kg: KnowledgeGraph, hm: HetMat, mp: Metapath, nodes: np.ndarray) -> list[dict]:
    idx = _edge_index(kg)
    allowed = None if len(hm.edge_ids) == kg.num_edges else set(hm.edge_ids.tolist())
    ids = kg.nodes["id"].to_numpy(dtype=object)
    labels = kg.nodes["label"].to_numpy(dtype=object)
    edges = kg.edges
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
        sub = edges.iloc[np.sort(found)]
        refs = sorted({r for v in sub["publications"] for r in split_list(v)})
        species = sorted({r for v in sub["species"].astype(str) for r in split_list(v)})
        hops.append({
            "from": ids[a], "from_label": labels[a], "relationship": rel,
            "reverse": bool(rev), "to": ids[b], "to_label": labels[b],
            "subject": ids[s], "object": ids[o],
            "confidence": float(sub["confidence"].max()) if len(sub) else float("nan"),
            "direction": "|".join(sorted({str(x) for x in sub["direction"].astype(str) if x})),
            "knowledge_level": "|".join(sorted({str(x) for x in sub["knowledge_level"].astype(str)})),
            "species": species, "publications": refs,
            "edges": [str(x) for x in sub["id"]],
        })
    return hops


def _path_text(mp: Metapath, hops: list[dict]) -> str:
    out = hops[0]["from_label"]
    for h in hops:
        out += f" <-{h['relationship']}- " if h["reverse"] else f" -{h['relationship']}-> "
        out += h["to_label"]
    return out


# ====================================================================== paths()
def paths(kg: KnowledgeGraph, source: str, target: str, metapaths: Sequence[Metapath | str] | None = None, *,
          max_length: int = 6, k: int = 20, species: str | Sequence[str] | None = None,
          min_knowledge_level: str | None = None, min_confidence: float | None = None,
          damping: float = DAMPING, rank_by: str = "evidence", max_paths: int = 200_000) -> pd.DataFrame:
    """The top ``k`` propagation paths from ``source`` to ``target`` that follow metapaths.

    ``source``/``target``: CURIEs or unambiguous labels. ``metapaths``: Metapath objects or
    strings; by default the :data:`DEFAULT_METAPATHS` (or their inverses) that start at the
    source's class and end at the target's class, and if none does, every schema metapath
    between the two classes up to ``max_length`` (at most 4 hops then). Paths are ranked by
    ``rank_by``: ``evidence`` (product of the hops' confidences; ties by ``pdp``) or ``pdp``
    (the path's degree-weighted contribution to DWPC; ties by evidence). A metapath with more
    than ``max_paths`` paths between the two nodes is skipped and named in
    ``df.attrs["skipped_metapaths"]`` (hub-crossing metapaths on large graphs).

    Columns: ``rank``, ``metapath``, ``length``, ``evidence``, ``pdp``, ``dwpc`` (of the
    metapath for this source-target pair), ``n_paths`` (paths of the metapath), ``path``
    (readable), ``nodes`` (ids), ``hops`` (one dict per hop with relationship, orientation,
    confidence, species, knowledge level and ``publications``).

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> df = paths(kg, "obesity disorder", "Alzheimer disease", k=5)
    >>> len(df) <= 5 and list(df["rank"]) == list(range(1, len(df) + 1))
    True
    >>> all(h["publications"] for hops in df["hops"] for h in hops)
    True
    """
    if rank_by not in ("evidence", "pdp"):
        raise EvgraphError("rank_by must be 'evidence' or 'pdp'")
    s_id, t_id = kg.resolve(source), kg.resolve(target)
    s, t = kg.index_of(s_id), kg.index_of(t_id)
    s_cls, t_cls = str(kg.node_class[s]), str(kg.node_class[t])
    hm = hetmat(kg, species=species, min_knowledge_level=min_knowledge_level, min_confidence=min_confidence)
    if metapaths:
        chosen = [as_metapath(m) for m in metapaths]
        for m in chosen:
            if s_cls not in m._sets[0] or t_cls not in m._sets[-1]:
                raise EvgraphError(f"metapath {m.abbrev} runs from {m.classes[0]} to {m.classes[-1]}, "
                                   f"but {s_id} is a {s_cls} and {t_id} is a {t_cls}")
    else:
        chosen = []
        for m in default_metapaths():
            for cand in (m, m.inverse()):
                if (len(cand) <= max_length and s_cls in cand._sets[0] and t_cls in cand._sets[-1]
                        and cand not in chosen):
                    chosen.append(cand)
        if not chosen:
            chosen = metapaths_between(s_cls, t_cls, min(max_length, 4))
    chosen = [m for m in chosen if len(m) <= max_length]
    rows = []
    skipped = []
    for mp in chosen:
        try:
            nodes, pdp, ev = hm.paths_between(mp, s, t, damping, max_paths=max_paths)
        except EvgraphError:
            skipped.append(mp.abbrev)
            continue
        if len(nodes) == 0:
            continue
        total = float(pdp.sum())
        keys = (-ev, -pdp) if rank_by == "evidence" else (-pdp, -ev)
        order = np.lexsort(keys[::-1])[:k]
        for j in order:
            rows.append((mp, nodes[j], float(ev[j]), float(pdp[j]), total, len(nodes)))
    cols = ["rank", "metapath", "length", "evidence", "pdp", "dwpc", "n_paths", "path", "nodes", "hops"]
    if not rows:
        empty = pd.DataFrame(columns=cols)
        empty.attrs["skipped_metapaths"] = skipped
        return empty
    primary = 2 if rank_by == "evidence" else 3
    secondary = 3 if rank_by == "evidence" else 2
    rows.sort(key=lambda r: (-r[primary], -r[secondary], r[0].abbrev, tuple(r[1])))
    ids = kg.nodes["id"].to_numpy(dtype=object)
    out = []
    for i, (mp, nodes, ev, pdp, total, count) in enumerate(rows[:k]):
        hops = _hop_records(kg, hm, mp, nodes)
        out.append({"rank": i + 1, "metapath": mp.abbrev, "length": len(mp), "evidence": ev, "pdp": pdp,
                    "dwpc": total, "n_paths": count, "path": _path_text(mp, hops),
                    "nodes": [str(x) for x in ids[nodes]], "hops": hops})
    df = pd.DataFrame(out, columns=cols)
    df.attrs["skipped_metapaths"] = skipped
    return df
