"""Kernels of issue 17: matrix-form pivot dependencies (betweenness) against igraph, source by source."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from evgraph.analytics import centrality
from evgraph.analytics._common import view
from evgraph.analytics.centrality import betweenness_vector, pivot_dependencies

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))


@pytest.fixture(scope="module")
def syn():
    from synthetic import generate

    return generate(20_000, seed=3)


def _igraph_per_pivot(v, pivots):
    g = v.igraph()
    return np.array([g.betweenness(directed=False, sources=[int(s)]) for s in pivots])


@pytest.mark.parametrize("which", ["curated", "synthetic"])
def test_pivot_dependencies_equal_igraph_source_by_source(kg, syn, which):
    v = view(kg if which == "curated" else syn)
    pivots = np.sort(np.random.default_rng(1).choice(v.n, size=min(40, v.n), replace=False))
    ref = _igraph_per_pivot(v, pivots)
    got = pivot_dependencies(v.A, pivots, np.float32).T / 2.0  # the large-graph precision
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-3)
    exact = pivot_dependencies(v.A, pivots, np.float64).T / 2.0
    np.testing.assert_allclose(exact, ref, rtol=1e-10, atol=1e-8)


def test_pivot_dependencies_on_disconnected_parts_and_isolated_nodes():
    # a path 0-1-2-3, a triangle 4-5-6 with a tail 7, node 8 alone
    edges = [(0, 1), (1, 2), (2, 3), (4, 5), (5, 6), (4, 6), (6, 7)]
    n = 9
    r, c = zip(*edges, strict=True)
    A = sp.csr_matrix((np.ones(2 * len(edges)), (r + c, c + r)), shape=(n, n))
    import igraph as ig

    g = ig.Graph(n=n, edges=edges)
    sources = np.arange(n)
    got = pivot_dependencies(A, sources, np.float64).T / 2.0
    ref = np.array([g.betweenness(directed=False, sources=[int(s)]) for s in sources])
    np.testing.assert_allclose(got, ref, atol=1e-12)
    assert got[:, 8].sum() == 0 and got[8].sum() == 0


def test_sampled_betweenness_and_its_standard_error_follow_the_pivot_formula(syn, monkeypatch):
    v = view(syn)
    n, k = v.n, 48
    res = betweenness_vector(v, k=k, seed=5)
    pivots = np.sort(np.random.default_rng(5).choice(n, size=k, replace=False))
    per = _igraph_per_pivot(v, pivots)
    scale = 2.0 / ((n - 1) * (n - 2))
    est = per.sum(axis=0) * (n / k) * scale
    se = per.std(axis=0, ddof=1) * n / np.sqrt(k) * np.sqrt((n - k) / (n - 1)) * scale
    np.testing.assert_allclose(res.values, est, rtol=1e-4, atol=1e-9)
    np.testing.assert_allclose(res.stderr, se, rtol=1e-3, atol=1e-9)
    assert res.method == "sampled" and res.pivots == k
    # batches bounded by memory give the same figures
    monkeypatch.setattr(centrality, "BETWEENNESS_BATCH_BYTES", 36 * n * 5)
    small = betweenness_vector(v, k=k, seed=5)
    np.testing.assert_allclose(small.values, res.values, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(small.stderr, res.stderr, rtol=1e-6, atol=1e-12)


def test_exact_betweenness_is_unchanged(kg):
    import networkx as nx

    v = view(kg)
    res = betweenness_vector(v)
    G = nx.Graph()
    G.add_nodes_from(range(v.n))
    G.add_edges_from(zip(v.u.tolist(), v.v.tolist(), strict=True))
    ref = nx.betweenness_centrality(G)
    np.testing.assert_allclose(res.values, [ref[i] for i in range(v.n)], atol=1e-12)
    assert res.method == "exact"


def test_class_groups_map_every_node(kg):
    from evgraph.analytics._common import class_groups

    schema = kg.schema
    want = ["Cargo" if "Cargo" in schema.classes[str(c)].parents else str(c) for c in kg.node_class]
    assert class_groups(kg).tolist() == want


def test_the_view_network_holds_what_pyvis_holds():
    """The views' own Network gives the node dicts (keys, order, defaults) of pyvis.network.Network."""
    from pyvis.network import Network as PyvisNetwork

    from evgraph.viz.views import Network

    ours, theirs = Network(), PyvisNetwork(height="100%", width="100%", directed=True)
    calls = [(("A",), {"label": "a", "shape": "dot", "color": "#123456", "x": 1.0, "y": 2.0, "size": 3.0,
                       "physics": False, "cls": "Gene", "info": [["k", "v"]]}),
             (("B",), {}), (("A",), {"label": "again"}), (("C",), {"label": "", "group": "g", "x": 0.5})]
    for args, kwargs in calls:
        ours.add_node(*args, **kwargs)
        theirs.add_node(*args, **kwargs)
    assert ours.nodes == theirs.nodes
    assert [list(n) for n in ours.nodes] == [list(n) for n in theirs.nodes]


def test_schema_is_kept_between_runs_keyed_by_the_ontology(tmp_path):
    import os
    import subprocess

    env = {**os.environ, "EVGRAPH_CACHE": str(tmp_path / "cache")}
    code = ("import sys; from evgraph.schema import get_schema; s = get_schema(); "
            "print(len(s.classes), len(s.relations), 'rdflib' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    files = list((tmp_path / "cache" / "schema").glob("*.pickle"))
    assert len(files) == 1 and first.stdout.split()[2] == "True"
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert second.stdout.split()[:2] == first.stdout.split()[:2] and second.stdout.split()[2] == "False"
    files[0].write_bytes(b"not a pickle")  # damaged: parsed again and rewritten
    third = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert third.stdout.split() == first.stdout.split() and files[0].read_bytes() != b"not a pickle"
    off = subprocess.run([sys.executable, "-c", code], env={**env, "EVGRAPH_SCHEMA_CACHE": "0",
                                                             "EVGRAPH_CACHE": str(tmp_path / "none")},
                         capture_output=True, text=True, check=True)
    assert off.stdout.split()[2] == "True" and not (tmp_path / "none").exists()


def test_an_edited_ontology_gets_its_own_stored_schema(tmp_path, monkeypatch):
    from evgraph.schema import _read_schema, _schema_cache_file, get_schema, ontology_path

    monkeypatch.setenv("EVGRAPH_CACHE", str(tmp_path / "cache"))
    src = ontology_path()
    copy = tmp_path / "evgraph.ttl"
    copy.write_bytes(src.read_bytes() + b"\n# an edit\n")
    assert _schema_cache_file(copy) != _schema_cache_file(src)
    got = get_schema(str(copy))
    assert _schema_cache_file(copy).is_file()
    ref = _read_schema(src)
    assert sorted(got.classes) == sorted(ref.classes) and sorted(got.relations) == sorted(ref.relations)
