"""The top-path listing of ``connectivity`` (issue 11 speed): hop records are read column by column
from cached arrays instead of row slices of the whole edge table, and roll-up chains from a cached
edge map. These tests pin the listing to the edge table itself: every hop field equals what the
edge rows behind it say (computed here with pandas from ``kg.edges``, the former formulas), on
the curated KB and the small curated fixture, in memory and lazily loaded from a built folder; and
``connectivity``'s listed paths (sign, coherence, statements, evidence, references) are the same on
both kinds of graph."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse import csgraph

import evgraph
from evgraph.analytics import connectivity, paths
from evgraph.analytics.closure import CLOSURE_RELATIONS, chain_edges, closure_graph
from evgraph.analytics.hetmat import hetmat
from evgraph.analytics.metagraph import Metapath
from evgraph.analytics.paths import _closure_hop, _hop_records, path_sign
from evgraph.model import split_list

OBESITY, AD, T2D, ATHERO = "MONDO:0011122", "MONDO:0004975", "MONDO:0005148", "MONDO:0005311"
GLUCOSE_INTOLERANCE = "MONDO:0001076"
PD = "MONDO:0005180"
LBD = "MONDO:0007488"


def _reference_hops(kg, mp: Metapath, nodes) -> list[dict]:
    """Hop fields straight from ``kg.edges`` rows (pandas), as the listing computed them before."""
    edges = kg.edges
    pred = edges["predicate"].astype(str).to_numpy()
    out = []
    for i, (rel, rev) in enumerate(zip(mp.relations, mp.reverse, strict=True)):
        a, b = int(nodes[i]), int(nodes[i + 1])
        s, o = (b, a) if rev else (a, b)
        hit = (pred == rel) & (kg.src == s) & (kg.dst == o)
        if kg.schema.relations[rel].symmetric:
            hit |= (pred == rel) & (kg.src == o) & (kg.dst == s)
        sub = edges.iloc[np.flatnonzero(hit)]
        out.append({
            "publications": sorted({r for v in sub["publications"] for r in split_list(v)}),
            "species": sorted({r for v in sub["species"].astype(str) for r in split_list(v)}),
            "statements": sorted({str(x) for x in sub["statement"].astype(str) if x}),
            "direction": "|".join(sorted({str(x) for x in sub["direction"].astype(str) if x})),
            "confidence": float(sub["confidence"].max()) if len(sub) else float("nan"),
            "knowledge_level": "|".join(sorted({str(x) for x in sub["knowledge_level"].astype(str)})),
            "edges": [str(x) for x in sub["id"]],
        })
    return out


@pytest.fixture(scope="module", params=["curated", "fixture"])
def graphs(request, kg, mini_kg, tmp_path_factory):
    """(in-memory graph, the same graph saved and loaded lazily from its folder)."""
    g = kg if request.param == "curated" else mini_kg
    folder = tmp_path_factory.mktemp(f"built-{request.param}") / "g"
    evgraph.save(g, folder)
    return g, evgraph.load(folder), request.param


def _sample_paths(g, limit: int = 40):
    """(metapath, nodes) of real paths of several metapaths between conditions of the graph."""
    hm = hetmat(g)
    out = []
    for text in ("C<riEVcCGctC", "C<riEVcCGasC", "O<poCTrEVcCGctC", "CTrEVuCT", "C<riEVctC"):
        mp = Metapath.parse(text)
        M = hm.dwpc(mp).tocoo()
        for s, t in list(zip(M.row.tolist(), M.col.tolist(), strict=True))[:4]:
            nodes, _, _ = hm.paths_between(mp, s, t)
            out += [(mp, row) for row in nodes[:5]]
    assert out, "the sample needs paths"
    return out[:limit]


def test_hop_records_equal_the_edge_rows(graphs):
    for g in graphs[:2]:
        hm = hetmat(g)
        for mp, nodes in _sample_paths(g):
            got = _hop_records(g, hm, mp, nodes)
            ref = _reference_hops(g, mp, nodes)
            for h, r in zip(got, ref, strict=True):
                assert h["edges"] == r["edges"] and h["edges"], (mp.abbrev, nodes)
                for key in ("publications", "species", "statements", "direction", "knowledge_level"):
                    assert h[key] == r[key], (key, mp.abbrev, nodes)
                assert h["confidence"] == r["confidence"] or (math.isnan(h["confidence"])
                                                              and math.isnan(r["confidence"]))
                assert all(type(x) is str for x in h["species"] + h["statements"] + h["edges"])


def test_roll_up_chains_are_the_first_closure_edges(graphs):
    """``chain_edges`` (cached edge map) against a search over the whole edge table."""
    for g in graphs[:2]:
        A = closure_graph(g)
        pred = g.edges["predicate"].astype(str).to_numpy()
        rel = np.isin(pred, list(set(CLOSURE_RELATIONS.values())))
        reach = csgraph.shortest_path(A, unweighted=True, directed=True)
        pairs = list(zip(*np.nonzero(np.isfinite(reach) & (reach > 0)), strict=True))[:200]
        assert pairs
        for child, parent in pairs:
            rows = chain_edges(g, int(child), int(parent))
            assert len(rows) == int(reach[child, parent])
            for r in rows:
                a, b = int(g.src[r]), int(g.dst[r])
                assert rel[r] and r == int(np.flatnonzero(rel & (g.src == a) & (g.dst == b))[0])
            hop = _closure_hop(g, int(child), int(parent), "narrower", len(rows), forward=True)
            assert hop["edges"] == [str(g.edges["id"].iat[r]) for r in rows]
            assert sp.issparse(A)


def test_paths_and_connectivity_listing_same_on_lazy_and_in_memory_graphs(graphs):
    g, lazy, name = graphs
    if g.has_node(OBESITY) and g.has_node(AD):
        # (OBESITY, GLUCOSE_INTOLERANCE) added by the session-6 re-read R6D (curation-notes-r6d.md): GM001, GM002
        # and GM005 lost their obesity context (a high-fat diet is not obesity) and GM004 its glucose-intolerance
        # outcome, after which none of the three obesity pairs above lists a significant path at 50 permutations;
        # obesity -> glucose intolerance still does, so the listing stays tested on the curated KB.
        # Session 14: after this session's row edits (from 3e9ab30, where AX005 lost its astrocyte source) the best
        # obesity -> glucose intolerance metapath has q 0.050 at 50 permutations, just above alpha 0.05, so it lists
        # no significant path (it listed 3 at bdd97fb); Parkinson disease -> Lewy body dementia (CSF exosomal
        # alpha-synuclein, NO007) lists 5, so it is added to keep the listing tested on the curated KB.
        pairs = [(OBESITY, AD), (OBESITY, ATHERO), (OBESITY, T2D), (OBESITY, GLUCOSE_INTOLERANCE), (PD, LBD)]
    else:  # the fixture: its two best-connected conditions
        pairs = [tuple(str(x) for x in g.nodes.loc[g.node_class == "Condition", "id"].iloc[:2])]
    cols = ["metapath", "sign", "coherence", "hypothesis", "bridged_at", "statements", "evidence", "pdp",
            "species", "via_closure", "path", "nodes", "references"]
    listed = found = 0
    for s, t in pairs:
        try:
            a = paths(g, s, t, k=30)
        except evgraph.errors.EvgraphError:
            continue
        b = paths(lazy, s, t, k=30)
        assert a[cols].to_dict("records") == b[cols].to_dict("records")
        found += len(a)
        assert all(path_sign(h) == x for h, x in zip(a["hops"], a["sign"], strict=True))
        ca = connectivity(g, s, t, permutations=50, max_length=3)
        cb = connectivity(lazy, s, t, permutations=50, max_length=3)
        assert ca.drop(columns=["top_paths"]).equals(cb.drop(columns=["top_paths"]))
        assert ca["top_paths"].tolist() == cb["top_paths"].tolist()
        listed += sum(len(x) for x in ca["top_paths"])
    assert found > 0
    if name == "curated":
        assert listed > 0  # the curated KB lists significant paths for these pairs
