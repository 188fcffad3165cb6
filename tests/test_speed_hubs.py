"""Issue 17, whole-command hubs: the numpy ranking, the symmetric PageRank step, node statements
for a few nodes, the class mask and id look-ups give exactly what the slower paths gave."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from evgraph.analytics import _common, centrality, hubcore
from evgraph.analytics._common import class_mask, node_codes, ranked, view
from evgraph.analytics.grouping import excluded_nodes, grouping_term_ids, grouping_terms

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))


@pytest.fixture(scope="module")
def syn():
    from synthetic import generate

    return generate(20_000, seed=5)


def _pandas_ranked(df, by, groups):
    return _common._ranked_pandas(df, by, groups).drop(columns="_row")


@pytest.mark.parametrize("seed", range(6))
def test_ranked_equals_pandas_rank_and_sort(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        n = int(rng.integers(0, 80))
        ids = np.array([f"id{x:04d}" for x in rng.permutation(2000)[:n]], dtype=object)
        if seed % 2:
            ids = np.sort(ids)  # the built-graph case: codes in id order
        values = rng.integers(0, 4, size=n).astype(float) if seed % 3 else rng.random(n)
        df = pd.DataFrame({"id": ids, "x": values, "group": rng.choice(["A", "B", "C"], size=n)})
        pd.testing.assert_frame_equal(ranked(df, "x", df["group"]), _pandas_ranked(df, "x", df["group"]))
        pd.testing.assert_frame_equal(ranked(df, "x"), _pandas_ranked(df, "x", None))
        where = rng.random(n) < 0.5
        full = _pandas_ranked(df.assign(_w=where), "x", df["group"])
        want = full[full.pop("_w")].reset_index(drop=True).head(5)
        got = ranked(df.assign(_w=where), "x", df["group"], where=where, head=5).drop(columns="_w")
        pd.testing.assert_frame_equal(got, want)


def test_ranked_with_missing_values_takes_pandas_path():
    df = pd.DataFrame({"id": ["a", "b", "c"], "x": [1.0, np.nan, 2.0]})
    with pytest.raises(Exception):  # noqa: B017  pandas' rank of NaN cannot become int64, as before
        ranked(df, "x")


def test_symmetric_pagerank_step_equals_the_general_one_and_networkx(syn):
    v = view(syn)
    a = centrality.pagerank_vector(v.A, tol=1e-15)
    b = centrality.pagerank_vector(v.A, tol=1e-15, symmetric=True)
    np.testing.assert_allclose(b, a, rtol=0, atol=1e-14)
    g = nx.Graph()
    g.add_nodes_from(range(v.n))
    g.add_edges_from(zip(v.u.tolist(), v.v.tolist(), strict=True))
    ref = nx.pagerank(g, tol=1e-15)
    np.testing.assert_allclose(b, [ref[i] for i in range(v.n)], rtol=0, atol=1e-10)
    # directed, weighted, with dangling nodes: the general path still matches networkx
    W = sp.random(60, 60, density=0.05, random_state=1, format="csr")
    W.setdiag(0)
    W.eliminate_zeros()
    pr = centrality.pagerank_vector(W)
    ref = nx.pagerank(nx.from_scipy_sparse_array(W, create_using=nx.DiGraph), tol=1e-8)
    np.testing.assert_allclose(pr, [ref[i] for i in range(60)], atol=1e-6)


@pytest.mark.parametrize("which", ["curated", "synthetic"])
def test_node_statements_of_a_few_nodes_equal_the_full_lists(kg, syn, which):
    g = kg if which == "curated" else syn
    statements, families = hubcore.node_statements(g)
    nodes = np.random.default_rng(2).choice(g.num_nodes, size=40, replace=False)
    few_st, few_fam = hubcore.node_statements(g, nodes)
    for c in nodes.tolist():
        assert few_st[c] == statements[c] and few_fam[c] == families[c]
    assert sum(map(len, statements)) > 0


@pytest.mark.parametrize("which", ["curated", "synthetic"])
def test_hubs_top_is_the_head_of_the_full_table(kg, syn, which):
    g = kg if which == "curated" else syn
    for classes in (None, ["Cargo", "Organ"]):
        full = centrality.hubs(g, ["degree", "pagerank"], null=0, classes=classes, explain_top=12)
        top = centrality.hubs(g, ["degree", "pagerank"], null=0, classes=classes, explain_top=12, top=12)
        pd.testing.assert_frame_equal(top, full.head(12))


def test_class_mask_and_node_codes_match_string_comparisons(kg, syn):
    for g in (kg, syn):
        cls = g.node_class.astype(str)
        for wanted in (["Organ"], ["Condition", "Gene"], [], ["NoSuchClass"]):
            assert (class_mask(g, wanted) == np.isin(cls, wanted)).all()
        ids = g.node_column("id").to_numpy(dtype=object)
        pick = [*ids[::97].tolist(), "NOPE:1", "zzz:0"]
        assert node_codes(g, pick).tolist() == np.flatnonzero(np.isin(ids, pick)).tolist()
    assert grouping_term_ids() == frozenset(grouping_terms()["id"])
    mask = excluded_nodes(kg, vocabulary=False, grouping=True)
    ids = kg.node_column("id")
    assert (mask == ids.isin(set(grouping_terms()["id"])).to_numpy()).all() and mask.any()
