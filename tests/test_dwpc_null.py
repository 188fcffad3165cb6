"""Degree-grouped DWPC null summaries (issue 11 speed): correct against a brute-force null, computed
once and reused across pairs and processes, and the permutations they rest on stay exact."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from evgraph.analytics.dwpc_null import DwpcNull, end_degrees, hurdle_p, source_group
from evgraph.analytics.hetmat import hetmat
from evgraph.analytics.metagraph import Metapath
from evgraph.analytics.permutation import permutations, permute_edges

ROOT = Path(__file__).resolve().parents[1]
OBESITY, AD, T2D, ATH, DM = "MONDO:0011122", "MONDO:0004975", "MONDO:0005148", "MONDO:0005311", "MONDO:0005015"


def _fresh(kg):
    """The same graph without its in-memory caches (a new process, as far as caches go)."""
    kg2 = type(kg).__new__(type(kg))
    kg2.__dict__.update(kg.__dict__)
    kg2._cache = {}
    return kg2


def test_summary_equals_brute_force_null(kg):
    """The summary of a pair is the sum, sum of squares and non-zero count of the DWPCs of every
    (source of the degree group, target of the degree group) pair in every permuted graph."""
    kg = _fresh(kg)
    mp = Metapath.parse("C<riEVaPW<aGasC")
    s, t = kg.index_of(OBESITY), kg.index_of(AD)
    nulls = DwpcNull(kg, permutations=12, seed=3, group_size=4)
    got = nulls.summary(mp, s, t)
    hm = hetmat(kg)
    deg_s, deg_t = end_degrees(hm, mp, "source"), end_degrees(hm, mp, "target")
    rows = source_group(deg_s, int(deg_s[s]), 4, 3)
    cols = np.flatnonzero(deg_t == deg_t[t])
    assert (s in rows or len(rows) == 4) and t in cols
    vals = []
    for hp in permutations(kg, 12, seed=3).hetmats():
        D = hp.dwpc(mp, rows=rows, cols=cols).toarray()
        vals.append(D[rows[:, None] != cols[None, :]])
    null = np.concatenate(vals)
    assert got.size == len(null) and got.nonzero == int((null > 0).sum())
    assert got.total == pytest.approx(null.sum()) and got.total_sq == pytest.approx((null ** 2).sum())
    assert got.source_degree == deg_s[s] and got.target_degree == deg_t[t]


def test_summaries_reused_across_pairs_and_processes(kg, tmp_path):
    from evgraph.analytics import connectivity

    kg1 = _fresh(kg)
    a = connectivity(kg1, T2D, ATH, permutations=30, max_length=3, cache_dir=tmp_path)
    folder = [p for p in tmp_path.iterdir() if p.name.startswith("dwpc-null-")]
    assert len(folder) == 1 and (folder[0] / "manifest.json").is_file() and list(folder[0].glob("*.npz"))
    nulls = DwpcNull(kg1, permutations=30, seed=0, cache_dir=tmp_path)
    # the metapaths tested from the query source itself (a roll-up row is tested from its broader source)
    tested = [Metapath.parse(m) for m, src in zip(a["metapath"], a["source_id"], strict=True) if src == T2D]
    s = kg1.index_of(T2D)
    assert nulls.missing([(mp, s) for mp in tested]) == []  # the same source again: nothing to compute
    # a second pair with the same source: its metapaths shared with the first need no permuted graph
    b = connectivity(kg1, T2D, DM, permutations=30, max_length=3, cache_dir=tmp_path)
    shared = ({m for m, src in zip(a["metapath"], a["source_id"], strict=True) if src == T2D}
              & {m for m, src in zip(b["metapath"], b["source_id"], strict=True) if src == T2D})
    # (type 2 diabetes -> atherosclerosis and -> diabetes mellitus since MC005, obesity -> AD, was held back)
    assert tested and shared
    assert nulls.missing([(Metapath.parse(m), s) for m in shared]) == []
    # a new process reads the summaries from disk: same p-values, no recomputation
    kg2 = _fresh(kg)
    fresh = DwpcNull(kg2, permutations=30, seed=0, cache_dir=tmp_path)
    assert fresh.missing([(mp, kg2.index_of(T2D)) for mp in tested]) == []
    again = connectivity(kg2, T2D, ATH, permutations=30, max_length=3, cache_dir=tmp_path)
    assert again.drop(columns=["top_paths"]).equals(a.drop(columns=["top_paths"]))
    # another seed or permutation count is another null, not a stale one
    assert DwpcNull(kg2, permutations=31, seed=0, cache_dir=tmp_path).missing([(tested[0], s)])


def test_hurdle_p_is_the_gamma_hurdle_of_the_moments():
    from scipy import stats

    rng = np.random.default_rng(4)
    nz = rng.gamma(1.5, 0.2, 300)
    null = np.r_[np.zeros(700), nz]
    p, how = hurdle_p(2.0, len(null), len(nz), nz.sum(), (nz ** 2).sum())
    mean, var = nz.mean(), nz.var(ddof=1)
    assert how == "gamma-hurdle"
    assert p == pytest.approx(0.3 * stats.gamma.sf(2.0, mean ** 2 / var, scale=var / mean))
    p, how = hurdle_p(1.0, 1000, 3, 0.3, 0.03)  # too few non-zero values to fit: never below (1+3)/1001
    assert how.startswith("bound") and p == pytest.approx(4 / 1001)
    assert hurdle_p(0.0, 1000, 300, 1.0, 1.0) == (1.0, "no paths")


def _synthetic_graph():
    spec = importlib.util.spec_from_file_location("evgraph_bench_synthetic", ROOT / "benchmarks" / "synthetic.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.generate(20_000, seed=11)


def test_permute_edges_keeps_degrees_and_leaves_no_duplicates():
    kg = _synthetic_graph()
    hm = hetmat(kg)
    dst = permute_edges(hm, hm.pred_names, np.random.default_rng([0, 1]))
    assert np.array_equal(dst, permute_edges(hm, hm.pred_names, np.random.default_rng([0, 1])))  # seeded
    pred = kg.edges["predicate"].cat.codes.to_numpy().astype(np.int64)
    n = kg.num_nodes
    size = int(pred.max() + 1) * n
    for ends in (dst, kg.dst):  # every node keeps its degree per relationship (objects; subjects never move)
        assert np.array_equal(np.bincount(pred * n + ends, minlength=size),
                              np.bincount(pred * n + kg.dst, minlength=size))
    cls = hm.class_code
    assert np.array_equal(np.sort(pred * 1000 + cls[dst]), np.sort(pred * 1000 + cls[kg.dst]))  # strata kept
    key = (pred * n + kg.src) * n + dst
    assert len(np.unique(key)) == len(key) and not (kg.src == dst).any()  # no duplicate, no self-loop
    assert np.mean(dst != kg.dst) > 0.5
