"""A lab's EV cargo against a receiver: which cargo could act there, how, and what is known.

EV-Net (Tejeda-Mora et al.; torrejoNia/EV-Net) and NicheNet (Browaeys et al., Nat Methods
2020) rank a sender's ligands by how well their *regulatory potential* predicts a receiver's
gene set; evgraph does the same for EV cargo over the priors held in the graph and joins each
cargo to the curated literature and its evidence tier.

* **Prior network**: every ``regulates`` edge (directed; miRTarBase miRNA -> target, curated,
  NicheNet/OmniPath gene regulation when those sources are built) and ``interacts_with`` edge
  (both ways; protein interactions, ligand-receptor pairs, signalling) between genes and
  miRNAs. Parallel edges count once.
* **Hub correction**: a step into node ``v`` is weighted ``deg(v) ** -hub`` (``hub`` = 0.5),
  as NicheNet corrects its networks for hubs, so that a ubiquitous interactor (UBC, a
  ubiquitin hub detected in almost every proteome) does not collect every walk.
* **Regulatory potential**: personalised PageRank (random walk with restart, restart
  probability ``restart`` = 0.5) from each cargo over the row-normalised prior network,
  computed for all cargo at once with sparse matrix products; the cargo's own entry is
  dropped.
* **Activity**: over the background genes (the receiver table's genes when it lists all
  tested genes, else every gene of the prior network), the area under the precision-recall
  curve of the potential against receiver-set membership, corrected for the background as
  NicheNet does (``activity = AUPR - |receiver| / |background|``; 0 = no better than chance),
  and the AUROC. Cargo are ranked by activity.
* **Mechanism**: for the cargo's best receiver target, the most probable of the shortest walks
  (at most 4 hops) in the prior network (max-product dynamic programming), each hop with its relationship,
  direction and source database; ``sign`` is the product of the signed hops
  (``regulates`` upregulated +1 / downregulated -1; ``interacts_with`` neutral; a
  ``regulates`` hop without direction makes it ``unknown``).
* **Literature**: the curated statements whose EV populations carry the cargo (statement ids,
  references, evidence tier) and the number of public EV detections (Vesiclepedia, ExoCarta).

>>> import evgraph
>>> kg = evgraph.load()
>>> genes = kg.nodes.loc[kg.node_class.astype(str) == "Gene", "id"].head(3).tolist()
>>> prior_network(kg).n > 0
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..arrays import unique
from ..errors import EvgraphError
from ..model import KnowledgeGraph

#: Relationships that make up the prior network, and whether each is walked both ways.
PRIOR_RELATIONS: dict[str, bool] = {"regulates": False, "interacts_with": True}
#: Node classes of the prior network.
PRIOR_CLASSES: tuple[str, ...] = ("Gene", "MicroRNA")
#: Restart probability of the personalised PageRank (NicheNet uses a damping of 0.5).
RESTART = 0.5
#: Hub correction exponent: a step into node v weighs deg(v) ** -HUB before row normalisation.
HUB = 0.5
_SIGN = {"upregulated": 1, "increased": 1, "downregulated": -1, "decreased": -1}


@dataclass
class PriorNetwork:
    """The gene/miRNA prior network as a row-normalised sparse transition matrix.

    ``edge_key`` (sorted ``u * n + v`` of every transition) and ``edge_id`` (the graph edge
    behind it, the first such edge) name the edge of each step; see :meth:`edge`.
    """

    nodes: np.ndarray          # graph node codes, position -> code
    P: sp.csr_matrix           # transition probabilities (rows sum to 1 or 0)
    edge_key: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    edge_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __post_init__(self) -> None:
        # the transitions grouped by column, rows ascending within one (for a per-column maximum with
        # reduceat in the path search): the CSC form of P, converted in C rather than sorted
        csc = self.P.tocsc()
        csc.sort_indices()
        counts = np.diff(csc.indptr)
        self.by_col_row = csc.indices.astype(np.int64)
        self.by_col_col = np.repeat(np.arange(self.P.shape[1], dtype=np.int64), counts)
        self.by_col_data = csc.data
        self.col_starts = csc.indptr[:-1][counts > 0].astype(np.int64)
        self.col_of_start = np.flatnonzero(counts > 0).astype(np.int64)

    def edge(self, u: int, v: int) -> int:
        """The graph edge index behind the step from position ``u`` to position ``v``."""
        key = int(u) * self.n + int(v)
        at = int(np.searchsorted(self.edge_key, key))
        if at >= len(self.edge_key) or self.edge_key[at] != key:
            raise KeyError((u, v))
        return int(self.edge_id[at])

    @property
    def n(self) -> int:
        return len(self.nodes)

    def position(self, codes: np.ndarray) -> np.ndarray:
        pos = np.full(int(self.nodes.max()) + 1 if len(self.nodes) else 0, -1, dtype=np.int64)
        pos[self.nodes] = np.arange(len(self.nodes))
        codes = np.asarray(codes, dtype=np.int64)
        out = np.full(len(codes), -1, dtype=np.int64)
        ok = codes < len(pos)
        out[ok] = pos[codes[ok]]
        return out


def prior_network(kg: KnowledgeGraph, hub: float = HUB) -> PriorNetwork:
    """The prior network of ``kg`` (see the module docstring), cached on the graph."""
    def make() -> PriorNetwork:
        cls = kg.node_class
        in_prior = np.isin(cls, PRIOR_CLASSES)
        src, dst = kg.src, kg.dst
        xs, ys, eidx = [], [], []
        for rel, both in PRIOR_RELATIONS.items():
            sel = np.flatnonzero(relation_mask(kg, [rel]))
            sel = sel[in_prior[src[sel]] & in_prior[dst[sel]] & (src[sel] != dst[sel])]
            xs.append(src[sel])
            ys.append(dst[sel])
            eidx.append(sel)
            if both:
                xs.append(dst[sel])
                ys.append(src[sel])
                eidx.append(sel)
        empty = np.zeros(0, dtype=np.int64)
        x, y, e = (np.concatenate(v) if v else empty for v in (xs, ys, eidx))
        nodes = unique(np.concatenate([x, y]))
        m = max(len(nodes), 1)
        pos = np.full(kg.num_nodes, -1, dtype=np.int64)
        pos[nodes] = np.arange(len(nodes))
        px, py = pos[x], pos[y]
        key_uv = px * m + py
        # parallel edges count once: keep the first (lowest index) edge of each (u, v)
        order = np.argsort(key_uv * max(kg.num_edges, 1) + e, kind="stable")
        key_uv, px, py, e = key_uv[order], px[order], py[order], e[order]
        first = np.ones(len(key_uv), dtype=bool)
        first[1:] = key_uv[1:] != key_uv[:-1]
        key_uv, px, py, e = key_uv[first], px[first], py[first], e[first]
        node_deg = np.bincount(np.concatenate([px, py]), minlength=len(nodes)).astype(float)
        A = sp.csr_matrix((node_deg[py] ** -hub, (px, py)), shape=(len(nodes), len(nodes)))
        deg = np.asarray(A.sum(axis=1)).ravel()
        with np.errstate(divide="ignore"):
            inv = np.where(deg > 0, 1.0 / deg, 0.0)
        P = (sp.diags(inv) @ A).tocsr()
        return PriorNetwork(nodes, P, key_uv, e.astype(np.int64))

    return kg.cached(("evgraph.analytics", "overlay-prior", hub), make)


#: Seeds per block of the batched personalised PageRank: a block of potentials (nodes x block,
#: float32) stays in the processor cache across the sparse products (128 measured fastest on the
#: full build's 3M-transition prior network, ``benchmarks/bench_overlay.py``).
BLOCK = 128


def regulatory_potential(net: PriorNetwork, seeds: np.ndarray, restart: float = RESTART, tol: float = 1e-6,
                         max_iter: int | None = None, dtype: type = np.float32, block: int = BLOCK,
                         workers: int | None = None) -> np.ndarray:
    """``len(seeds) x n`` personalised PageRank from each seed position (its own entry zeroed).

    Power iteration ``x <- (1 - restart) P^T x + restart e_seed`` for a block of seeds at once (one
    sparse-times-dense product per step). Each step shrinks the L1 error by at least
    ``1 - restart`` and the start's error is at most ``1 - restart``, so a fixed
    ``k = ceil(log(tol) / log(1 - restart))`` steps (``max_iter`` overrides it) leave an L1 error of
    at most ``tol`` per seed. The step count does not depend on the other seeds, so a cargo's
    potentials do not depend on which cargo it is ranked with. ``dtype`` float32 (the default)
    halves the memory traffic; float64 is the reference the tests and benchmark check it against.
    Blocks run on ``workers`` threads (default: one per processor, at most one per block; SciPy's
    sparse product releases the GIL); each block is computed alone, so the result does not depend
    on the number of threads.

    >>> P = sp.csr_matrix(np.array([[0, 1.0, 0], [0, 0, 1.0], [0, 0, 0]]))
    >>> r = regulatory_potential(PriorNetwork(np.arange(3), P), np.array([0]))
    >>> r.round(3).tolist()
    [[0.0, 0.25, 0.125]]
    """
    seeds = np.asarray(seeds, dtype=np.int64)
    k = len(seeds)
    steps = max_iter if max_iter is not None else int(np.ceil(np.log(tol) / np.log(1.0 - restart)))
    # iterate on X = R^T (nodes x seeds), so each step is one sparse-times-dense product
    PT = ((1.0 - restart) * net.P.T).tocsr().astype(dtype)
    PT.sort_indices()
    R = np.zeros((k, net.n), dtype=dtype)

    def run(lo: int) -> None:
        part = seeds[lo:lo + block]
        cols = np.arange(len(part))
        X = np.zeros((net.n, len(part)), dtype=dtype)
        X[part, cols] = restart
        for _ in range(steps):
            X = PT @ X
            X[part, cols] += restart
        R[lo:lo + len(part)] = X.T

    starts = list(range(0, k, block))
    workers = min(workers or os.cpu_count() or 1, len(starts))
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, starts))
    else:
        for lo in starts:
            run(lo)
    R[np.arange(k), seeds] = 0.0
    return R


def _auprc_auroc(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Average precision (tied scores form one threshold, as scikit-learn's ``average_precision_score``)
    and AUROC (Mann-Whitney with mid-ranks), without per-call overhead.

    >>> _auprc_auroc(np.array([.9, .8, .8, .1]), np.array([True, False, True, False]))
    (0.8333333333333333, 0.875)
    """
    npos = int(labels.sum())
    n = len(labels)
    if npos == 0 or npos == n:
        return float("nan"), float("nan")
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    last = np.flatnonzero(np.r_[s[1:] != s[:-1], True])   # end of each tied group (descending order)
    first = np.r_[0, last[:-1] + 1]
    tp = np.cumsum(y)[last]
    group_pos = np.diff(np.r_[0, tp])
    ap = float(np.sum(group_pos / npos * (tp / (last + 1))))
    # mid-rank AUROC from the same sort: a tied group [first, last] has ascending mid-rank n - (first + last) / 2
    rank_sum = float(np.sum(group_pos * (n - (first + last) / 2.0)))
    auroc = (rank_sum - npos * (npos + 1) / 2.0) / (npos * (n - npos))
    return ap, float(auroc)


def overlay(kg: KnowledgeGraph, cargo: Sequence[str] | pd.DataFrame, receiver: Sequence[str] | pd.DataFrame | str,
            *, background: Sequence[str] | None = None, restart: float = RESTART, hub: float = HUB,
            n_targets: int = 10, top: int | None = None) -> pd.DataFrame:
    """Rank ``cargo`` (graph node ids) by their regulatory activity on ``receiver`` genes.

    ``cargo``: node ids, or a frame with an ``id`` column (other columns, e.g. ``log2fc``, are
    kept). ``receiver``: gene node ids, or a CellType/Organ node id whose markers and
    tissue-enriched genes (``marker_of`` / ``expressed_in`` edges) become the set.
    ``background``: gene node ids tested in the receiver experiment (default: the prior
    network's genes). Columns: ``cargo``, ``label``, ``activity``, ``auroc``, ``rank``,
    ``targets``, ``mechanism``, ``sign``, ``literature``, then the user's columns.
    ``df.attrs``: ``receiver_size``, ``background_size``, ``not_in_network`` (cargo ids).
    """
    table = cargo.copy() if isinstance(cargo, pd.DataFrame) else pd.DataFrame({"id": list(cargo)})
    if "id" not in table.columns:
        raise EvgraphError("cargo table needs an 'id' column of graph node ids")
    net = prior_network(kg, hub)
    if net.n == 0:
        raise EvgraphError("the graph has no prior network (build it with mirtarbase, ppi, ligand_receptor, "
                           "nichenet or omnipath)")
    recv_ids = receiver_genes(kg, receiver) if isinstance(receiver, str) else list(
        receiver["id"] if isinstance(receiver, pd.DataFrame) else receiver)
    codes = kg.node_column("id").to_numpy(dtype=object)
    index = {v: i for i, v in enumerate(codes)}
    cls = kg.node_class
    gene_pos = np.flatnonzero(cls[net.nodes] == "Gene")
    if background is not None:
        bg_codes = np.array([index[b] for b in background if b in index], dtype=np.int64)
        bg = net.position(bg_codes)
        bg = np.unique(bg[bg >= 0])
    else:
        bg = gene_pos
    recv = net.position(np.array([index[r] for r in recv_ids if r in index], dtype=np.int64))
    recv = np.intersect1d(recv[recv >= 0], bg)
    if len(recv) == 0:
        raise EvgraphError("no receiver gene is in the prior network" if recv_ids else "the receiver set is empty")
    cargo_codes = np.array([index.get(c, -1) for c in table["id"]], dtype=np.int64)
    cpos = net.position(np.where(cargo_codes >= 0, cargo_codes, 0))
    cpos[cargo_codes < 0] = -1
    in_net = cpos >= 0
    if not in_net.any():
        raise EvgraphError("no cargo is in the prior network (nothing regulates or interacts with them)")
    R = regulatory_potential(net, cpos[in_net], restart)
    labels = np.isin(bg, recv)
    rows = []
    lit = literature(kg, table.loc[in_net, "id"].tolist())
    labels_of = kg.node_column("label").to_numpy(dtype=object)
    user = {k: table[k].to_numpy(dtype=object) for k in table.columns}
    for r, (i, c) in enumerate(zip(np.flatnonzero(in_net), cpos[in_net], strict=True)):
        pot = R[r, bg]
        aupr, auroc = _auprc_auroc(pot, labels)
        activity = aupr - labels.mean()
        recv_pot = R[r, recv]
        best = recv[np.lexsort((recv, -recv_pot))][:n_targets]
        best = best[R[r, best] > 0]
        mech, sign = _mechanism(kg, net, int(c), int(best[0])) if len(best) else ([], "unknown")
        cid = str(user["id"][i])
        rows.append({"cargo": cid, "label": labels_of[cargo_codes[i]], "activity": activity,
                     "auroc": auroc, "targets": [str(labels_of[net.nodes[t]]) for t in best],
                     "mechanism": mech, "sign": sign, "literature": lit.get(cid, {}),
                     **{k: v[i] for k, v in user.items() if k != "id"}})
    out = pd.DataFrame(rows)
    out = out.sort_values(["activity", "cargo"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.insert(4, "rank", np.arange(1, len(out) + 1))
    if top:
        out = out.head(top)
    out.attrs.update({"receiver_size": len(recv), "background_size": len(bg),
                      "not_in_network": table.loc[~in_net, "id"].tolist(), "restart": restart,
                      "hub": hub})
    return out


def mechanism_text(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of :func:`overlay` rows with ``mechanism`` and ``literature`` as short text (for tables).

    >>> hop = {"from_label": "miR-1", "relationship": "regulates", "to_label": "G", "source_database": "infores:x"}
    >>> mechanism_text(pd.DataFrame({"mechanism": [[hop]], "literature": [{"statements": [], "public_detections": 2}]}
    ...                             )).iloc[0].tolist()
    ['miR-1 -regulates-> G [infores:x]', '; 2 public EV detections']
    """
    df = df.copy()
    if "mechanism" in df.columns:
        df["mechanism"] = df["mechanism"].map(lambda hops: " ".join(
            [hops[0]["from_label"]] + [f"-{h['relationship']}-> {h['to_label']} [{h['source_database']}]"
                                       for h in hops]) if hops else "")
    if "literature" in df.columns:
        df["literature"] = df["literature"].map(lambda lit: ", ".join(s["statement"] for s in lit.get(
            "statements", [])) + (f"; {lit['public_detections']} public EV detections"
                                  if lit.get("public_detections") else "") if lit else "")
    return df


def receiver_genes(kg: KnowledgeGraph, node: str) -> list[str]:
    """Genes that mark or are specifically expressed in a CellType/Organ node (``marker_of``, ``expressed_in``)."""
    nid = kg.resolve(node)
    code = kg.index_of(nid)
    cls = str(kg.node_class[code])
    if cls not in ("CellType", "Organ", "Biofluid"):
        raise EvgraphError(f"receiver {nid} is a {cls}; give a CellType or Organ, or a gene list")
    sel = relation_mask(kg, ["marker_of", "expressed_in"]) & (kg.dst == code)
    genes = np.unique(kg.src[sel])
    genes = genes[kg.node_class[genes] == "Gene"]
    if len(genes) == 0:
        raise EvgraphError(f"no marker or tissue-enriched gene of {nid} in this graph (build it with the "
                           "cell_markers or tissue_expression sources, or give a gene list)")
    return kg.node_column("id").to_numpy(dtype=object)[genes].tolist()


def _best_path(net: PriorNetwork, source: int, target: int, max_hops: int = 4) -> list[int] | None:
    """The most probable of the shortest walks (at most ``max_hops`` steps) from ``source`` to ``target``
    (max-product dynamic programming over the transition matrix; no node repeated).

    A step from a small frontier reads only the frontier's rows; a step from a large one runs over
    all transitions sorted by column (a per-column maximum with ``np.maximum.reduceat``). Ties
    between predecessors go to the highest position.

    >>> P = sp.csr_matrix(np.array([[0, .5, .5, 0], [0, 0, 0, 1.0], [0, 0, 0, .2], [0, 0, 0, 0]]))
    >>> _best_path(PriorNetwork(np.arange(4), P), 0, 3)
    [0, 1, 3]
    """
    P = net.P
    nodes = np.array([source], dtype=np.int64)          # reached nodes (positive value), ascending
    vals = np.array([1.0])
    backs: list[tuple[np.ndarray, np.ndarray]] = []     # per hop: (reached nodes, their best predecessor)
    for _ in range(max_hops):
        starts, stops = P.indptr[nodes], P.indptr[nodes + 1]
        counts = stops - starts
        total = int(counts.sum())
        if total == 0:
            return None
        if total * 8 < P.nnz:  # small frontier: gather its rows, per-column maximum after a sort
            offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
            rows, cols = np.repeat(nodes, counts), P.indices[offsets].astype(np.int64)
            cand = np.repeat(vals, counts) * P.data[offsets]
            order = np.lexsort((-rows, -cand, cols))
            rows, cols, cand = rows[order], cols[order], cand[order]
            first = np.r_[True, cols[1:] != cols[:-1]]
            nxt_nodes, nxt_vals, preds = cols[first], cand[first], rows[first]
        else:  # large frontier: every transition, grouped by column
            layer = np.zeros(net.n)
            layer[nodes] = vals
            cand = layer[net.by_col_row] * net.by_col_data
            best = np.maximum.reduceat(cand, net.col_starts)
            hit = (cand > 0) & (cand == np.repeat(best, np.diff(np.r_[net.col_starts, len(cand)])))
            pred = np.maximum.reduceat(np.where(hit, net.by_col_row, -1), net.col_starts)
            ok = best > 0
            nxt_nodes, nxt_vals, preds = net.col_of_start[ok], best[ok], pred[ok]
        keep = nxt_nodes != source
        nodes, vals = nxt_nodes[keep], nxt_vals[keep]
        backs.append((nodes, preds[keep]))
        if not len(nodes):
            return None
        at = np.searchsorted(nodes, target)
        if at < len(nodes) and nodes[at] == target:
            chain = [target]
            for reached, pred_of in reversed(backs):
                chain.append(int(pred_of[np.searchsorted(reached, chain[-1])]))
            chain.reverse()
            if chain[0] == source and len(set(chain)) == len(chain):
                return chain
    return None


def _mechanism(kg: KnowledgeGraph, net: PriorNetwork, source: int, target: int) -> tuple[list[dict], str]:
    chain = _best_path(net, source, target)
    if chain is None:
        return [], "unknown"
    ids = kg.node_column("id").to_numpy(dtype=object)
    labels = kg.node_column("label").to_numpy(dtype=object)
    steps = list(pairwise(chain))
    hop_edges = np.array([net.edge(u, v) for u, v in steps], dtype=np.int64)
    text = _EdgeText(kg)
    cols = {c: text(c, hop_edges) for c in ("predicate", "direction", "primary_knowledge_source", "publications")}
    hops, sign = [], 1
    for h, (u, v) in enumerate(steps):
        e = int(hop_edges[h])
        rel, direction = cols["predicate"][h], cols["direction"][h]
        forward = int(kg.src[e]) == int(net.nodes[u])
        hops.append({"from": ids[net.nodes[u]], "from_label": labels[net.nodes[u]], "relationship": rel,
                     "reverse": not forward, "to": ids[net.nodes[v]], "to_label": labels[net.nodes[v]],
                     "direction": direction, "source_database": cols["primary_knowledge_source"][h],
                     "publications": [p for p in cols["publications"][h].split("|") if p]})
        if rel == "regulates":
            if direction not in _SIGN:
                sign = 0
            else:
                sign *= _SIGN[direction]
    return hops, ("unknown" if sign == 0 else "increases" if sign > 0 else "decreases")


class _EdgeText:
    """Text columns of chosen edges, read from each column's stored dictionary (missing = ""):
    no per-edge string is made for the millions of edges an overlay never looks at."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg

    def __call__(self, col: str, edges: np.ndarray | int) -> np.ndarray:
        kg = self.kg
        edges = np.atleast_1d(np.asarray(edges, dtype=np.int64))
        if col not in kg.edge_columns:
            return np.full(len(edges), "", dtype=object)
        codes, values = kg.cached(("evgraph.analytics", "overlay-edge-text", col), lambda: kg.edge_factorized(col))
        c = codes[edges]
        out = np.full(len(edges), "", dtype=object)
        ok = c >= 0
        out[ok] = np.asarray(values, dtype=object)[c[ok]].astype(str)
        return out


def literature(kg: KnowledgeGraph, cargo_ids: Sequence[str]) -> dict[str, dict]:
    """Per cargo: curated statements of EV populations carrying it (with references and tier) and public detections."""
    ids = kg.node_column("id").to_numpy(dtype=object)
    index = {v: i for i, v in enumerate(ids)}
    want = np.array([index[c] for c in cargo_ids if c in index], dtype=np.int64)
    sel = np.flatnonzero(relation_mask(kg, ["carries"]))
    sel = sel[np.isin(kg.dst[sel], want)]
    text = _EdgeText(kg)
    src_db, stmt, pubs, tier = (text(c, sel) for c in ("primary_knowledge_source", "statement", "publications",
                                                         "evidence_tier"))
    out: dict[str, dict] = {}
    for h, e in enumerate(sel):
        rec = out.setdefault(str(ids[kg.dst[e]]), {"statements": [], "public_detections": 0})
        if src_db[h] == "infores:evgraph" and stmt[h]:
            rec["statements"].append({"statement": stmt[h], "references": [p for p in pubs[h].split("|") if p],
                                      "evidence_tier": tier[h]})
        else:
            rec["public_detections"] += 1
    for rec in out.values():
        rec["statements"].sort(key=lambda s: s["statement"])
    return out


def relation_mask(kg: KnowledgeGraph, relations: Sequence[str]) -> np.ndarray:
    """Edges whose relationship is one of ``relations``, from the predicate column's stored codes
    (no per-edge string is made; a relationship absent from the graph selects nothing).

    >>> import evgraph
    >>> kg = evgraph.load()
    >>> bool((relation_mask(kg, ["carries"]) == (kg.edges["predicate"] == "carries").to_numpy()).all())
    True
    """
    codes, values = kg.cached(("evgraph.analytics", "overlay-edge-text", "predicate"),
                              lambda: kg.edge_factorized("predicate"))
    wanted = np.flatnonzero(np.isin(np.asarray(values, dtype=object).astype(str), list(relations)))
    if not len(wanted):
        return np.zeros(kg.num_edges, dtype=bool)
    if len(wanted) == 1:
        return codes == wanted[0]
    return np.isin(codes, wanted)
