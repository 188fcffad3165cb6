"""Issue 17 item 1: the array core of the hub table (evgraph.analytics.hubcore) and the CSV the
``evgraph hubs --measure pagerank --null 0 --format csv`` command writes from it without pandas
or SciPy give exactly what the pandas path gives, on the curated knowledge base, a graph built
from real shared sources and a synthetic graph."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner

import evgraph
from evgraph.analytics import centrality, hubcore, hubtable
from evgraph.analytics._common import symmetric_csr, view
from evgraph.analytics.grouping import VOCABULARY_CLASSES, excluded_nodes
from evgraph.cli import main
from evgraph.cli.app import render
from evgraph.formats.csvsafe import columns_csv, safe_frame
from evgraph.store import arrow_ints, dictionary_codes, load_built
from evgraph.tabular import flatten_cells

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))


@pytest.fixture(scope="module")
def syn():
    from synthetic import generate

    return generate(20_000, seed=3)


@pytest.fixture(scope="module")
def graphs(kg, priors_kg, syn):
    return {"curated": kg, "real-sources": priors_kg, "synthetic": syn}


@pytest.fixture(scope="module")
def built(graphs, tmp_path_factory):
    """Each graph saved as a built-graph folder (what the command reads, lazily)."""
    root = tmp_path_factory.mktemp("hubs-arrays")
    out = {}
    for name, g in graphs.items():
        evgraph.save(g, root / name)
        out[name] = str(root / name)
    return out


# ---------------------------------------------------------------- the PageRank kernel
@pytest.mark.parametrize("name", ["curated", "real-sources", "synthetic"])
def test_pagerank_pairs_equals_the_scipy_kernel_bit_for_bit_and_networkx(graphs, name):
    g = graphs[name]
    v = view(g, VOCABULARY_CLASSES, exclude_nodes=excluded_nodes(g, vocabulary=False), cache_key="t")
    old = centrality.pagerank_vector(symmetric_csr(v.u, v.v, v.n), symmetric=True)
    new = hubcore.pagerank_pairs(v.u, v.v, v.n)
    assert np.array_equal(old, new)  # same sums in the same order: identical to the last bit
    G = nx.Graph()
    G.add_nodes_from(range(v.n))
    G.add_edges_from(zip(v.u.tolist(), v.v.tolist(), strict=True))
    ref = nx.pagerank(G, tol=1e-10)
    np.testing.assert_allclose(hubcore.pagerank_pairs(v.u, v.v, v.n, tol=1e-10), [ref[i] for i in range(v.n)],
                               rtol=0, atol=1e-9)


def test_pagerank_pairs_with_dangling_nodes_and_empty_graphs():
    u, v = np.array([0, 0, 1]), np.array([1, 2, 2])  # a triangle and two isolated nodes
    pr = hubcore.pagerank_pairs(u, v, 5, tol=1e-14)
    assert np.array_equal(pr, centrality.pagerank_vector(symmetric_csr(u, v, 5), tol=1e-14, symmetric=True))
    G = nx.Graph([(0, 1), (0, 2), (1, 2)])
    G.add_nodes_from([3, 4])
    ref = nx.pagerank(G, tol=1e-14)
    np.testing.assert_allclose(pr, [ref[i] for i in range(5)], atol=1e-12)
    assert hubcore.pagerank_pairs(np.zeros(0, int), np.zeros(0, int), 0).tolist() == []
    np.testing.assert_allclose(hubcore.pagerank_pairs(np.zeros(0, int), np.zeros(0, int), 4), 0.25)


def test_undirected_pairs_are_the_distinct_sorted_pairs(syn):
    keep = ~excluded_nodes(syn)
    codes, local, u, v = hubcore.undirected_pairs(keep, syn.src, syn.dst)
    s, o = syn.src, syn.dst
    want = sorted({(min(local[a], local[b]), max(local[a], local[b])) for a, b in zip(s.tolist(), o.tolist(),
                                                                                     strict=True)
                   if keep[a] and keep[b] and a != b})
    assert list(zip(u.tolist(), v.tolist(), strict=True)) == want
    assert (codes == np.flatnonzero(keep)).all() and (local[codes] == np.arange(len(codes))).all()


# ---------------------------------------------------------------- statements of nodes
def _statements_by_sets(g):
    """Independent computation: per node, its statements and the categories of the conditions
    on those statements' edges (Python sets over the full edge table)."""
    e = g.edges
    st = e["statement"].astype(object).where(e["statement"].notna(), "").astype(str).to_numpy()
    ids = g.nodes["id"].to_numpy(dtype=object)
    cls = g.node_class.astype(str)
    cat = g.nodes["condition_category"].astype(object).where(g.nodes["condition_category"].notna(), "").astype(str)
    cat = cat.to_numpy()
    per_node: dict[int, set] = {}
    reach: dict[str, set] = {}
    for a, b, s in zip(g.src.tolist(), g.dst.tolist(), st.tolist(), strict=True):
        if not s:
            continue
        for x in (a, b):
            per_node.setdefault(x, set()).add(s)
            if cls[x] == "Condition" and cat[x]:
                reach.setdefault(s, set()).add(cat[x])
    out_st = [sorted(per_node.get(i, ())) for i in range(len(ids))]
    out_fam = [sorted(set().union(*(reach.get(s, set()) for s in per_node.get(i, ())))) for i in range(len(ids))]
    return out_st, out_fam


@pytest.mark.parametrize("name", ["curated", "real-sources", "synthetic"])
def test_node_statements_equal_an_independent_set_computation(graphs, name):
    g = graphs[name]
    want_st, want_fam = _statements_by_sets(g)
    st, fam = hubcore.node_statements(g)
    assert st == want_st and fam == want_fam
    assert sum(map(len, st)) > 0 and sum(map(len, fam)) > 0
    nodes = np.random.default_rng(4).choice(g.num_nodes, size=min(60, g.num_nodes), replace=False)
    few_st, few_fam = hubcore.node_statements(g, nodes)
    assert sorted(few_st) == sorted(nodes.tolist())
    for c in nodes.tolist():
        assert few_st[c] == want_st[c] and few_fam[c] == want_fam[c]


# ---------------------------------------------------------------- the table and its CSV
def _pandas_csv(g, measures=("pagerank",), classes=None, include_vocabulary=False, top=20, rank_by=None):
    """What the command printed before the array path: hubs() -> flatten_cells -> render csv."""
    df = centrality.hubs(g, list(measures), rank_by=rank_by, classes=classes, null=0,
                         exclude_classes=() if include_vocabulary else VOCABULARY_CLASSES,
                         exclude_grouping=not include_vocabulary, explain_top=top or None, top=top or None)
    df = df.head(top) if top else df
    return render(flatten_cells(df), "csv")


CASES = [  # (command options, the same as hubs() arguments)
    ([], {}),
    (["--class", "Cargo,Organ"], {"classes": ["Cargo", "Organ"]}),
    (["--class", "CellType", "--top", "7"], {"classes": ["CellType"], "top": 7}),
    (["--include-vocabulary", "--top", "30"], {"include_vocabulary": True, "top": 30}),
    (["--rank-by", "pagerank", "--top", "0"], {"rank_by": "pagerank", "top": 0}),
]


@pytest.mark.parametrize("name", ["curated", "real-sources", "synthetic"])
def test_hubs_csv_command_is_byte_identical_to_the_pandas_path(graphs, built, name):
    g = graphs[name]
    for extra, kwargs in CASES:
        args = ["hubs", "--graph", built[name], "--measure", "pagerank", "--null", "0", "--format", "csv", *extra]
        got = CliRunner().invoke(main, args, obj={}, catch_exceptions=False)
        assert got.exit_code == 0, got.output
        assert got.stdout == _pandas_csv(g, **kwargs), (name, extra)
        assert got.stdout.count("\n") > 3


def test_hub_columns_equal_the_hubs_frame(kg):
    cols = hubtable.hub_columns(kg, ["pagerank"], top=15)
    df = centrality.hubs(kg, ["pagerank"], null=0, explain_top=15, top=15)
    assert list(cols) == list(df.columns)
    for c in df.columns:
        assert cols[c] == df[c].tolist(), c


def test_hubs_csv_command_loads_neither_pandas_nor_scipy(built, tmp_path):
    code = ("import sys; from evgraph.cli import main; "
            f"main(['hubs', '--graph', {built['curated']!r}, '--measure', 'pagerank', '--null', '0', '--format', 'csv',"
            f" '--out', {str(tmp_path / 'h.csv')!r}], obj={{}}, standalone_mode=False); "
            "print(sorted(m for m in ('pandas', 'scipy', 'igraph', 'networkx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "h.csv").read_text().startswith("id,label,class,group,pagerank,statements,")


def test_other_measures_and_formats_keep_the_pandas_path(built, kg):
    for extra in (["--measure", "degree,pagerank", "--format", "csv"], ["--measure", "pagerank", "--format", "json"]):
        got = CliRunner().invoke(main, ["hubs", "--graph", built["curated"], "--null", "0", "--top", "5", *extra],
                                 obj={}, catch_exceptions=False)
        assert got.exit_code == 0
        if "csv" in extra:
            assert got.stdout == _pandas_csv(kg, measures=("degree", "pagerank"), top=5)


def test_columns_csv_equals_pandas_to_csv():
    rng = np.random.default_rng(7)
    floats = [0.1, 1e-05, 1e-300, 123456789012345678.0, -0.0, 2.5e-7, 1 / 3, *rng.random(20).tolist()]
    n = len(floats)
    texts = ["plain", "comma, inside", 'quote " inside', "line\nbreak", "=SUM(A1)", "-0.5", "+x", "@y", "", "é ü"]
    cols = {
        "id": [f"X:{i}" for i in range(n)],
        "score": floats,
        "rank": rng.integers(-5, 10**12, size=n).tolist(),
        "text": [texts[i % len(texts)] for i in range(n)],
        "tags": [[texts[i % len(texts)], "b"] if i % 3 else [] for i in range(n)],
        "maybe": [None if i % 4 == 0 else f"v{i}" for i in range(n)],
    }
    want = io.StringIO()
    safe_frame(flatten_cells(pd.DataFrame(cols))).to_csv(want, index=False, lineterminator="\n")
    assert columns_csv(cols) == want.getvalue()


# ---------------------------------------------------------------- arrays straight from Arrow
def test_arrow_ints_and_dictionary_codes_read_buffers_exactly():
    base = pa.array([5, None, 7, 1, None, 3], type=pa.int32())
    for arr in (base, base.slice(1, 4), pa.chunked_array([base.slice(2), base.slice(0, 2)])):
        want = [-1 if x is None else x for x in arr.to_pylist()]
        assert arrow_ints(arr).tolist() == want
    d = pa.chunked_array([pa.array(["b", None, "a"]).dictionary_encode(), pa.array(["c", "a"]).dictionary_encode()])
    codes, values = dictionary_codes(d)
    assert [None if c < 0 else values[c] for c in codes.tolist()] == d.to_pylist()


@pytest.mark.parametrize("name", ["curated", "synthetic"])
def test_lazy_node_columns_equal_the_loaded_table(graphs, built, name):
    g = graphs[name]
    lazy = load_built(built[name])
    for col in ("category", "condition_category"):
        codes, values = lazy.node_factorized(col)
        want = g.nodes[col].astype(object).to_numpy()
        got = np.array([None if c < 0 else values[c] for c in codes.tolist()], dtype=object)
        assert (got == want).all(), col
    rows = np.array([3, 0, g.num_nodes - 1])
    assert lazy.node_text("label", rows) == g.nodes["label"].iloc[rows].tolist()
    assert lazy.node_text("id") == g.nodes["id"].tolist()
    codes, values = lazy.edge_factorized("statement")
    assert (values[codes] == g.edges["statement"].to_numpy(dtype=object)).all()


# ---------------------------------------------------------------- query/graphdata: no np.unique over edge text
@pytest.mark.parametrize("name", ["curated", "real-sources", "synthetic"])
def test_graphdata_sorted_codes_equal_np_unique(graphs, built, name):
    from evgraph.query.graphdata import sorted_codes

    for g in (graphs[name], load_built(built[name])):
        for col in (g.edge_column("predicate"), g.node_column("category")):
            names, codes = sorted_codes(col)
            want_names, want_codes = np.unique(col.to_numpy(dtype=object).astype(str), return_inverse=True)
            assert names.tolist() == want_names.tolist() and codes.tolist() == want_codes.tolist()
    plain = pd.Series(["x", "a", "x", None], dtype=object)  # not categorical: np.unique as before
    names, codes = sorted_codes(plain)
    assert names.tolist() == ["None", "a", "x"] and codes.tolist() == [2, 1, 2, 0]


# ---------------------------------------------------------------- sort-based unique (view, synthetic graphs)
@pytest.mark.parametrize("seed", range(4))
def test_sort_unique_equals_numpy_unique(seed):
    from evgraph.arrays import unique

    rng = np.random.default_rng(seed)
    for size, high in ((0, 5), (1, 5), (50, 10), (5000, 10**12), (5000, 300)):
        a = rng.integers(-high, high, size=size)
        want = np.unique(a, return_index=True, return_inverse=True)
        got = unique(a, return_index=True, return_inverse=True)
        for w, g in zip(want, got, strict=True):
            assert w.tolist() == np.asarray(g).ravel().tolist()
        assert unique(a).tolist() == want[0].tolist()


# ---------------------------------------------------------------- KGX TSV lines made per chunk (synthetic 5M memory)
def test_kgx_tsv_is_the_same_whatever_the_chunk(syn, tmp_path, monkeypatch):
    from evgraph.formats import kgx

    kgx.write_kgx(syn, tmp_path / "one")  # 20k edges: one chunk
    monkeypatch.setattr(kgx, "TSV_CHUNK_ROWS", 997)
    kgx.write_kgx(syn, tmp_path / "many")
    for name in ("nodes.tsv", "edges.tsv"):
        one, many = (tmp_path / "one" / name).read_bytes(), (tmp_path / "many" / name).read_bytes()
        assert one == many and one.count(b"\n") > 1000
