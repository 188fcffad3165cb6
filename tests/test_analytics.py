"""Analytics against reference implementations: networkx for centralities and diffusion,
a brute-force path enumerator for DWPC, on small synthetic graphs and the curated KB."""

from __future__ import annotations

import importlib.util
import json
from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner

import evgraph
from evgraph.analytics import (
    CROSSTALK_METAPATHS,
    DEFAULT_METAPATHS,
    Metapath,
    crosstalk,
    hetmat,
    hubs,
    paths,
    propagate,
    robustness,
)
from evgraph.analytics._common import view
from evgraph.analytics.centrality import betweenness_vector, bridging_vector, degree_frame
from evgraph.analytics.crosstalk import _attribution
from evgraph.analytics.permutation import permute_edges
from evgraph.cli import main
from evgraph.errors import EvgraphError

ROOT = Path(__file__).resolve().parent.parent


def _synthetic():
    spec = importlib.util.spec_from_file_location("evgraph_bench_synthetic", ROOT / "benchmarks" / "synthetic.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def syn():
    return _synthetic().generate(3000, seed=7)


def _nx_view(v):
    G = nx.Graph()
    G.add_nodes_from(range(v.n))
    G.add_edges_from(zip(v.u.tolist(), v.v.tolist(), strict=True))
    return G


# ---------------------------------------------------------------------- synthetic generator
def test_synthetic_is_deterministic_and_schema_valid(syn):
    gen = _synthetic()
    again = gen.generate(3000, seed=7)
    assert syn.edges["id"].tolist() == again.edges["id"].tolist()
    assert (syn.edges["object"].astype(str) == again.edges["object"].astype(str)).all()
    schema = syn.schema
    assert set(syn.counts()["nodes"]) == set(schema.classes)
    assert set(syn.counts()["edges"]) == set(schema.relations)
    cls = syn.node_class.astype(str)
    for s, p, o in zip(cls[syn.src], syn.edges["predicate"].astype(str), cls[syn.dst], strict=True):
        assert schema.allows(s, p, o)
    assert set(syn.edges["primary_knowledge_source"].astype(str)) == {"infores:evgraph-synthetic"}
    cats = set(syn.nodes.loc[syn.nodes["category"] == "Condition", "condition_category"])
    assert cats == set(schema.condition_categories)
    # skewed degrees: the top 1% of nodes hold far more than 1% of the edge ends
    deg = np.sort(np.bincount(np.concatenate([syn.src, syn.dst])))[::-1]
    assert deg[: len(deg) // 100].sum() > 0.08 * deg.sum()


# ---------------------------------------------------------------------- centralities
def test_pagerank_matches_networkx(syn):
    # the default hub view leaves out vocabulary classes and grouping terms: compare on that view
    from evgraph.analytics.grouping import VOCABULARY_CLASSES, excluded_nodes

    df = hubs(syn, ["pagerank"], tol=1e-13, null=0)
    v = view(syn, VOCABULARY_CLASSES, exclude_nodes=excluded_nodes(syn, vocabulary=False))
    assert v.n == len(df)
    ref = nx.pagerank(_nx_view(v), tol=1e-13, max_iter=10000)
    ids = syn.nodes["id"].to_numpy(dtype=object)[v.codes]
    got = dict(zip(df["id"], df["pagerank"], strict=True))
    assert max(abs(got[ids[i]] - ref[i]) for i in range(v.n)) < 1e-9


def test_degrees_match_networkx(syn):
    G = syn.to_networkx()
    deg = degree_frame(syn)
    ids = syn.nodes["id"].tolist()
    for i in range(0, syn.num_nodes, 37):
        assert deg["in_degree"][i] == G.in_degree(ids[i])
        assert deg["out_degree"][i] == G.out_degree(ids[i])
    carries = sum(1 for _, _, d in G.edges(ids[0], data=True) if d["predicate"] == "carries")
    carries += sum(1 for _, _, d in G.in_edges(ids[0], data=True) if d["predicate"] == "carries")
    assert deg.get("degree_carries", np.zeros(1))[0] == carries


def test_exact_betweenness_matches_networkx(syn):
    v = view(syn)
    res = betweenness_vector(v)
    assert res.method == "exact"
    ref = nx.betweenness_centrality(_nx_view(v))
    assert np.abs(res.values - np.array([ref[i] for i in range(v.n)])).max() < 1e-9


def test_sampled_betweenness_is_reproducible_and_matches_subset_reference(syn):
    v = view(syn)
    a = betweenness_vector(v, k=16, seed=3)
    b = betweenness_vector(v, k=16, seed=3)
    assert a.method == "sampled" and np.array_equal(a.values, b.values)
    pivots = np.sort(np.random.default_rng(3).choice(v.n, size=16, replace=False)).tolist()
    G = _nx_view(v)
    ref = nx.betweenness_centrality_subset(G, pivots, list(G), normalized=False)
    n = v.n
    scale = 2.0 / ((n - 1) * (n - 2)) * n / 16
    assert np.abs(a.values - np.array([ref[i] for i in range(n)]) * scale).max() < 1e-9
    exact = betweenness_vector(v).values
    top = np.argsort(-exact)[:10]
    # the standard error is a sampling estimate itself: most top nodes lie within 3 of them
    assert (np.abs(a.values[top] - exact[top]) < 3 * a.stderr[top] + 1e-12).sum() >= 7


def test_bridging_matches_brute_force(syn):
    v = view(syn)
    got, info = bridging_vector(v)
    assert info["method"] == "exact"
    G = _nx_view(v)
    cond = np.flatnonzero(syn.node_class.astype(str) == "Condition")
    cats = syn.nodes["condition_category"].to_numpy(dtype=object)[cond]
    local = v.local[cond]
    assert np.all(got >= 0) and got.max() <= 1.0
    # full check with networkx's subset betweenness (brute-force above validates the definition)
    ref = np.zeros(v.n)
    npairs = 0
    for c in sorted(set(cats)):
        src = local[cats == c].tolist()
        tgt = local[cats != c].tolist()
        r = nx.betweenness_centrality_subset(G, src, tgt, normalized=False)
        ref += 2 * np.array([r[i] for i in range(v.n)])
        npairs += len(src) * len(tgt)
    assert np.abs(got - ref / npairs).max() < 1e-9


def test_hubs_ranks_and_measures(syn):
    df = hubs(syn, ["degree", "pagerank", "betweenness", "bridging"], rank_by="pagerank", classes=["Cargo"], null=0)
    assert set(df["group"]) == {"Cargo"}
    assert df["class_rank"].iloc[0] == 1 and df["class_rank"].is_monotonic_increasing  # ties share a rank
    assert {"in_degree", "out_degree", "degree_carries", "betweenness", "bridging"} <= set(df.columns)
    with pytest.raises(EvgraphError):
        hubs(syn, ["closeness"])


def test_propagate_matches_networkx_personalized_pagerank(syn):
    seeds = ["MONDO:9000001", "MONDO:9000002"]
    df = propagate(syn, seeds, restart=0.3, include_seeds=True, tol=1e-13)
    v = view(syn)
    G = _nx_view(v)
    pers = {int(v.local[syn.index_of(s)]): 1.0 for s in seeds}
    ref = nx.pagerank(G, alpha=0.7, personalization=pers, tol=1e-13, max_iter=10000)
    ids = syn.nodes["id"].to_numpy(dtype=object)[v.codes]
    got = dict(zip(df["id"], df["score"], strict=True))
    assert max(abs(got[ids[i]] - ref[i]) for i in range(v.n)) < 1e-9


# ---------------------------------------------------------------------- metapaths and DWPC
def test_metapath_parse_format_roundtrip():
    for text in DEFAULT_METAPATHS + CROSSTALK_METAPATHS:
        mp = Metapath.parse(text)
        assert mp.abbrev == text
        assert Metapath.parse(str(mp)) == mp
        assert mp.inverse().inverse() == mp
    with pytest.raises(EvgraphError, match="cannot link"):
        Metapath.parse("CrEV")  # conditions release nothing
    with pytest.raises(EvgraphError, match="unknown class"):
        Metapath.parse("XrEV")


def brute_dwpc(kg, mp: Metapath, damping=0.4):
    """Oracle: DWPC by explicit depth-first enumeration of simple paths (pure Python)."""
    cls = kg.node_class.astype(str)
    sets = mp.node_sets()
    pred = kg.edges["predicate"].astype(str).to_numpy()
    hops = []
    for i, (rel, rev) in enumerate(zip(mp.relations, mp.reverse, strict=True)):
        pairs = set()
        sym = kg.schema.relations[rel].symmetric
        for s, p, o in zip(kg.src.tolist(), pred, kg.dst.tolist(), strict=True):
            if p != rel:
                continue
            cands = [(o, s)] if rev else [(s, o)]
            if sym:
                cands = [(s, o), (o, s)]
            for a, b in cands:
                if a != b and cls[a] in sets[i] and cls[b] in sets[i + 1]:
                    pairs.add((a, b))
        out_deg, in_deg, adj = defaultdict(int), defaultdict(int), defaultdict(list)
        for a, b in pairs:
            out_deg[a] += 1
            in_deg[b] += 1
            adj[a].append(b)
        hops.append((adj, out_deg, in_deg))
    result = defaultdict(float)

    def dfs(path, weight):
        i = len(path) - 1
        if i == len(mp):
            result[(path[0], path[-1])] += weight
            return
        adj, od, idg = hops[i]
        for b in adj[path[-1]]:
            if b in path:
                continue
            dfs([*path, b], weight * od[path[-1]] ** -damping * idg[b] ** -damping)

    for s in np.flatnonzero(np.isin(cls, list(sets[0]))):
        dfs([int(s)], 1.0)
    return result


@pytest.mark.parametrize("text", [
    "C<riEVctC", "C<riEVcCGctC", "C<riEVcCGaPW<aCGctC", "C<riEVcCGaPW<piGasC", "O<poCTrEVcCGrgGasC",
    "O<poCTrEVuCT", "C<riEVuCTrEVctC", "GiGiG", "CscCscC",
    # hetmatpy's repeat categories: B A B A (one 3-hop block), inside a longer metapath, B A A B
    "EVcCG<cEVcCG", "CTrEVcCG<cEVcCG", "CG<cEVctC<ctEVcCG", "C<riEVcCGbmC",
])
def test_dwpc_matches_brute_force(syn, text):
    mp = Metapath.parse(text)
    M = hetmat(syn).dwpc(mp).tocoo()
    got = {(int(r), int(c)): float(d) for r, c, d in zip(M.row, M.col, M.data, strict=True) if d != 0}
    ref = {k: v for k, v in brute_dwpc(syn, mp).items() if v != 0}
    assert got.keys() == ref.keys()
    assert max((abs(got[k] - ref[k]) for k in ref), default=0.0) < 1e-9


@pytest.mark.parametrize("text", ["EVcCG<cEVcCG", "CTrEVcCG<cEVcCG", "C<riEVcCGbmC", "CG<cEVctC<ctEVcCG"])
def test_dwpc_matrix_form_and_row_slices_match_brute_force(syn, text):
    from evgraph.analytics import dwpc_matrix

    mp = Metapath.parse(text)
    ref = {k: v for k, v in brute_dwpc(syn, mp).items() if v != 0}
    assert ref  # the synthetic graph has paths of every category tested
    res = dwpc_matrix(syn, mp)
    M = res.matrix.tocoo()
    got = {(int(res.rows[r]), int(res.cols[c])): float(d) for r, c, d in zip(M.row, M.col, M.data, strict=True)}
    assert got.keys() == ref.keys() and max((abs(got[k] - ref[k]) for k in ref), default=0.0) < 1e-9
    assert len(res.to_frame()) == len(ref)
    hm = hetmat(syn)
    few = res.rows[:7]  # a few sources to every node (the null's kernel), and more sources than targets
    F = hm.dwpc_from(mp, few).tocoo()
    part = {(int(few[r]), int(c)): float(d) for r, c, d in zip(F.row, F.col, F.data, strict=True)}
    assert part.keys() == {k for k in ref if k[0] in set(few.tolist())}
    assert max((abs(part[k] - ref[k]) for k in part), default=0.0) < 1e-9
    T = hm.dwpc(mp, rows=res.rows, cols=res.cols[:5]).tocoo()
    tall = {(int(res.rows[r]), int(res.cols[c])): float(d) for r, c, d in zip(T.row, T.col, T.data, strict=True)}
    assert tall.keys() == {k for k in ref if k[1] in set(res.cols[:5].tolist())}


def test_paths_sum_to_dwpc_and_carry_references(syn):
    mp = Metapath.parse("C<riEVcCGctC")
    M = hetmat(syn).dwpc(mp).tocoo()
    best = int(np.argmax(M.data))
    s, t = int(M.row[best]), int(M.col[best])
    ids = syn.nodes["id"].to_numpy(dtype=object)
    df = paths(syn, ids[s], ids[t], [mp], k=1000, closure=False)
    assert len(df) == df["n_paths"].iloc[0]
    assert abs(df["pdp"].sum() - M.data[best]) < 1e-9
    assert abs(df["dwpc"].iloc[0] - M.data[best]) < 1e-9
    conf = syn.edges["confidence"].to_numpy()
    stmt = syn.edges["statement"].astype(str).to_numpy()
    for _, row in df.iterrows():
        prod = 1.0
        best: dict[str, float] = {}
        for hop in row["hops"]:
            assert hop["publications"] and hop["edges"]
            rows = [syn.edges.index[syn.edges["id"] == e][0] for e in hop["edges"]]
            prod *= max(conf[r] for r in rows)
            for r in rows:
                best[stmt[r]] = max(best.get(stmt[r], 0.0), conf[r])
        # each statement's confidence counts once: never below the per-hop product (bridges aside)
        assert 0 < row["evidence"] <= 1
        assert row["evidence"] / 0.5 ** len(row["bridged_at"]) >= prod - 1e-12
        if row["coherence"] == "single_statement" and len(best) == 1:
            assert abs(row["evidence"] - next(iter(best.values()))) < 1e-12
    assert (np.diff(df["evidence"].to_numpy()) <= 1e-15).all()


def test_paths_filters(syn):
    mp = Metapath.parse("C<riEVcCGctC")
    M = hetmat(syn).dwpc(mp).tocoo()
    best = int(np.argmax(M.data))
    ids = syn.nodes["id"].to_numpy(dtype=object)
    s, t = ids[M.row[best]], ids[M.col[best]]
    human = paths(syn, s, t, [mp], k=1000, species="NCBITaxon:9606")
    for hops in human["hops"]:
        for hop in hops:
            assert hop["species"] == [] or "NCBITaxon:9606" in hop["species"]
    strong = paths(syn, s, t, [mp], k=1000, min_knowledge_level="knowledge_assertion")
    for hops in strong["hops"]:
        assert all(h["knowledge_level"] == "knowledge_assertion" for h in hops)


# ---------------------------------------------------------------------- crosstalk, robustness
def test_crosstalk_scores_attribution_and_permutations(syn):
    mp = Metapath.parse("C<riEVcCGctC")
    res = crosstalk(syn, [mp], permutations=3, seed=1)
    again = crosstalk(syn, [mp], permutations=3, seed=1)
    assert res.table.equals(again.table)
    hm = hetmat(syn)
    D = hm.dwpc(mp).toarray()
    cond = np.flatnonzero(syn.node_class.astype(str) == "Condition")
    cats = syn.nodes["condition_category"].to_numpy(dtype=object)[cond]
    for _, row in res.table.iterrows():
        a = cond[cats == row["category_a"]]
        b = cond[cats == row["category_b"]]
        sub = D[np.ix_(a, b)].copy()
        if row["category_a"] == row["category_b"]:
            np.fill_diagonal(sub, 0.0)
        assert abs(sub.sum() / row["n_condition_pairs"] - row["score"]) < 1e-9
        va = np.zeros(syn.num_nodes)
        va[a] = 1
        vb = np.zeros(syn.num_nodes)
        vb[b] = 1
        for contrib in _attribution(hm, mp, va, vb, 0.4).values():  # every position splits the total
            assert abs(contrib.sum() - sub.sum()) < 1e-9
        assert 0 < row["p_value"] <= 1


def test_attribution_exact_for_two_hop_blocks(syn):
    mp = Metapath.parse("C<riEVcCGaPW<aCGctC")
    hm = hetmat(syn)
    D = hm.dwpc(mp).toarray()
    cond = np.flatnonzero(syn.node_class.astype(str) == "Condition")
    va = np.zeros(syn.num_nodes)
    va[cond] = 1
    total = D[np.ix_(cond, cond)].sum()
    parts = _attribution(hm, mp, va, va, 0.4)
    assert set(parts) == {1, 2, 3, 4}
    for contrib in parts.values():
        assert abs(contrib.sum() - total) < 1e-9 * max(1, total)


def test_permutation_preserves_degrees(syn):
    hm = hetmat(syn)
    rng = np.random.default_rng(0)
    dst = permute_edges(hm, ["carries", "released_in"], rng)
    pred = syn.edges["predicate"].astype(str).to_numpy()
    for rel in ("carries", "released_in"):
        sel = pred == rel
        assert np.array_equal(np.bincount(dst[sel], minlength=syn.num_nodes),
                              np.bincount(syn.dst[sel], minlength=syn.num_nodes))
        assert not np.array_equal(dst[sel], syn.dst[sel])
    other = ~np.isin(pred, ["carries", "released_in"])
    assert np.array_equal(dst[other], syn.dst[other])


def test_robustness_hubs_vs_random(syn):
    df = robustness(syn, ks=[5], measure="degree", trials=2, seed=0)
    assert list(df["scenario"]) == ["baseline", "hubs", "random"]
    base = df.iloc[0]
    assert base["reachable_pairs"] > 0 and base["connecting_paths"] > 0
    hub = df[df["scenario"] == "hubs"].iloc[0]
    assert hub["connecting_paths"] <= base["connecting_paths"]
    assert len(hub["removed"].split("|")) == 5


# ---------------------------------------------------------------------- curated KB and CLI
def test_curated_obesity_to_alzheimer_only_through_the_roll_up(kg):
    """Obesity -> Alzheimer disease (one of the issue's canonical links): since the session-6 re-read held back
    MC005 (curation-notes-r6a.md) no curated statement names both, so without the ontology roll-up there is no
    route; with it, XH001 (obese mice, astrocyte EVs -> neurons, cognitive impairment; curation-notes-s7d.md)
    reaches cognitive disorder, which Alzheimer disease rolls up to. Every route found takes a roll-up hop,
    and every such hop is labelled an ontology entailment."""
    for term in ("obesity disorder", "Alzheimer disease"):
        kg.resolve(term)
    assert paths(kg, "MONDO:0011122", "MONDO:0004975", k=10, closure=False).empty
    df = paths(kg, "MONDO:0011122", "MONDO:0004975", k=10)
    assert len(df) >= 1 and df["via_closure"].all()
    assert any("XH001" in s for s in df["statements"])
    for hops in df["hops"]:
        assert hops[0]["from"] == "MONDO:0011122" and hops[-1]["to"] == "MONDO:0004975"
        assert all(h["knowledge_level"] == "logical_entailment" for h in hops if h["via_closure"])


def test_curated_roll_up_route_cites_papers_and_names_the_entailment(kg):
    """Type 2 diabetes -> Alzheimer disease through BR010 (serum exosomes of T2D mice -> cognitive disorder) and
    the ontology roll-up of Alzheimer disease to cognitive disorder."""
    df = paths(kg, "MONDO:0005148", "MONDO:0004975", k=10)
    assert len(df) >= 1 and df["via_closure"].any()
    for hops in df["hops"]:
        assert hops[0]["from"] == "MONDO:0005148" and hops[-1]["to"] == "MONDO:0004975"
        # every hop backed by a statement cites its papers; roll-up hops are ontology entailments
        assert all(h["publications"] for h in hops if not h["via_closure"])
        assert all(h["knowledge_level"] == "logical_entailment" for h in hops if h["via_closure"])


def test_curated_type2_diabetes_to_alzheimer(kg):
    """T2D has EVs contributing to it rather than released in it: the default set covers that."""
    df = paths(kg, "MONDO:0005148", "MONDO:0004975", k=20)
    assert len(df) >= 1
    assert set(df["metapath"]) <= set(DEFAULT_METAPATHS) | {Metapath.parse(m).inverse().abbrev
                                                             for m in DEFAULT_METAPATHS}
    for hops in df["hops"]:
        assert hops[0]["from"] == "MONDO:0005148" and hops[-1]["to"] == "MONDO:0004975"
        assert all(h["edges"] for h in hops)
        # EV statements cite papers (ontology / Reactome membership edges may have none)
        assert all(h["publications"] for h in hops if h["relationship"] not in ("subclass_of", "participates_in"))


@pytest.fixture(scope="module")
def syn_dir(tmp_path_factory, syn):
    out = tmp_path_factory.mktemp("syn") / "graph"
    evgraph.save(syn, out)
    return str(out)


def test_cli_commands(syn_dir, syn):
    r = CliRunner()
    res = r.invoke(main, ["hubs", "--graph", syn_dir, "--measure", "pagerank,degree", "--class", "Cargo",
                          "--top", "5", "--format", "json"], obj={})
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 5 and rows[0]["class_rank"] == 1
    mp = Metapath.parse("C<riEVcCGctC")
    M = hetmat(syn).dwpc(mp).tocoo()
    best = int(np.argmax(M.data))
    ids = syn.nodes["id"].to_numpy(dtype=object)
    res = r.invoke(main, ["paths", "--graph", syn_dir, ids[M.row[best]], ids[M.col[best]], "--metapath",
                          "C<riEVcCGctC", "--k", "3", "--format", "json"], obj={})
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert 1 <= len(recs) <= 3
    assert all(h["publications"] for rec in recs for h in rec["hops"] if not h["via_closure"])
    res = r.invoke(main, ["crosstalk", "--graph", syn_dir, "--permutations", "2", "--format", "csv"], obj={})
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("category_a,category_b,score")
    res = r.invoke(main, ["propagate", "--graph", syn_dir, "MONDO:9000001", "--class", "Pathway", "--top", "3"],
                   obj={})
    assert res.exit_code == 0, res.output
    res = r.invoke(main, ["robustness", "--graph", syn_dir, "--k", "2", "--trials", "1", "--measure", "degree",
                          "--format", "csv"], obj={})
    assert res.exit_code == 0, res.output
    res = r.invoke(main, ["paths", "--graph", syn_dir, "MONDO:9000001", "nonexistent thing"], obj={})
    assert res.exit_code == 1 and "nonexistent thing" in res.stderr
    res = r.invoke(main, ["paths", "--graph", syn_dir, "MONDO:9000001", "MONDO:9000002", "--metapath", "CrEV"],
                   obj={})
    assert res.exit_code == 1 and "cannot link" in res.stderr


@pytest.mark.parametrize("text", (*CROSSTALK_METAPATHS, "O<poCTrEVcCGrgGasC", "CTrEVuCT"))
def test_dwpc_blocks_pairs_and_group_sums_match_full_matrix(syn, text):
    mp = Metapath.parse(text)
    hm = hetmat(syn)
    full = hm.dwpc(mp).toarray()
    rows = np.flatnonzero(hm.class_mask(mp.sets[0]))[::2]
    cols = np.flatnonzero(hm.class_mask(mp.sets[-1]))[1::3]
    sub = hm.dwpc(mp, rows=rows, cols=cols).toarray()
    assert np.abs(sub - full[np.ix_(rows, cols)]).max() < 1e-12
    h = hm.halves(mp, 0.4, rows, cols)
    i = np.repeat(np.arange(len(rows)), len(cols))
    j = np.tile(np.arange(len(cols)), len(rows))
    vals = h.pairs(i, j)
    differ = rows[i] != cols[j]
    assert np.abs(vals[differ] - sub[i[differ], j[differ]]).max() < 1e-12
    ga = (np.arange(len(rows)) % 3 == 0).astype(float)[None, :]
    gb = (np.arange(len(cols)) % 2 == 0).astype(float)[None, :]
    from scipy import sparse
    got = h.group_sums(sparse.csr_matrix(ga), sparse.csr_matrix(gb))[0, 0]
    ref = vals.reshape(len(rows), len(cols))
    assert abs(got - (ga @ ref @ gb.T)[0, 0]) < 1e-9


def test_crosstalk_pair_tests_limits_condition_pvalues(syn):
    res = crosstalk(syn, CROSSTALK_METAPATHS[:2], permutations=2, seed=3, pair_tests=5)
    full = crosstalk(syn, CROSSTALK_METAPATHS[:2], permutations=2, seed=3)
    cond = res.conditions
    assert len(cond) == 5 and cond["p_value"].notna().all()
    assert res.info["condition_pairs_nonzero"] == len(full.conditions) > 5  # small graph: all listed
    assert cond[["condition_a", "condition_b", "score"]].equals(full.conditions[["condition_a", "condition_b",
                                                                                  "score"]].head(5))
    assert full.conditions["p_value"].notna().all()
    assert np.allclose(res.matrix.to_numpy(), full.matrix.to_numpy())
    assert res.table["p_value"].equals(full.table["p_value"])


# ---------------------------------------------------------------------- metapath abbreviations
def test_abbreviations_come_from_the_ontology_and_are_unique():
    import dataclasses

    from evgraph.analytics.metagraph import abbreviations
    from evgraph.schema import get_schema

    schema = get_schema()
    classes, relations = abbreviations(schema)
    # every class and relationship has an explicit abbreviation in the ontology
    assert set(schema.classes) | {"Cargo"} <= set(schema.abbreviations)
    assert set(schema.relations) <= set(schema.abbreviations)
    assert len(set(classes.values())) == len(classes) and len(set(relations.values())) == len(relations)
    assert classes["Cargo"] == "CG" and relations["contributes_to"] == "ct"
    clash = dataclasses.replace(schema, abbreviations={**schema.abbreviations, "Gene": "MI"})
    with pytest.raises(EvgraphError, match="share the metapath abbreviation 'MI'"):
        abbreviations(clash)
    bad = dataclasses.replace(schema, abbreviations={**schema.abbreviations, "releases": "R"})
    with pytest.raises(EvgraphError, match="must match"):
        abbreviations(bad)


@pytest.mark.parametrize("text", ["CG<cEVctC<ctEVcCG", "C<riEVcCGaPW<aCGctC", "O<poCTrEVcCGrgGasC", "C<riEVuCTrEVctC"])
def test_fused_halves_product_matches_dense_and_brute_force(syn, text):
    """Halves.product (one complex sparse product: correction and source == target pairs inside it)
    gives the dense computation's entries and the brute-force enumeration's support."""
    from evgraph.analytics._sparse import minus_returning

    mp = Metapath.parse(text)
    hm = hetmat(syn)
    rows = np.flatnonzero(hm.class_mask(mp.sets[0]))
    cols = np.flatnonzero(hm.class_mask(mp.sets[-1]))
    h = hm.halves(mp, 0.4, rows, cols)
    drop = hm._same_node_pairs(mp, rows, cols)
    got = h.product(drop)
    P = h.left.toarray() @ h.right.toarray().T
    if h.corr_left is not None:
        P = minus_returning(P, (h.corr_left @ h.corr_right.T).tocsr())
    if drop is not None:
        P[drop] = 0.0
    assert np.abs(got.toarray() - P).max() < 1e-12
    assert set(zip(*got.nonzero(), strict=True)) == set(zip(*np.nonzero(P), strict=True))
    ref = {k for k, v in brute_dwpc(syn, mp).items() if v != 0}
    M = got.tocoo()
    assert {(int(rows[r]), int(cols[c])) for r, c in zip(M.row, M.col, strict=True)} == ref
    # repeated columns: every copy of a source's own node is dropped
    cols2 = np.concatenate([cols, cols[:3]])
    i, j = hm._same_node_pairs(mp, rows, cols2) if drop is not None else (np.zeros(0, int), np.zeros(0, int))
    assert all(rows[a] == cols2[b] for a, b in zip(i, j, strict=True))
    assert len(i) == (np.isin(rows, cols).sum() + np.isin(rows, cols[:3]).sum() if drop is not None else 0)


@pytest.mark.parametrize("text", ["EVcCG<cEVcCG", "CTrEVcCG<cEVcCG", "CTrEVuCTrEV", "C<riEVcCGctC", "CscCscC",
                                  "C<riEVuCTrEVctC"])
@pytest.mark.parametrize("pair", ["cached pair product", "no pair product"])
def test_two_hop_and_baba_blocks_both_ways_match_brute_force(syn, text, pair, monkeypatch):
    """The repeat blocks of HetMat.chain, with the pair product formed (X zd(W1 W2)) and without it
    (one signed product), from every source and from a few: the brute-force enumeration's values."""
    from evgraph.analytics import HetMat

    if pair == "no pair product":
        monkeypatch.setattr(HetMat, "_pair", lambda self, X, mp, i, damping: None)
    mp = Metapath.parse(text)
    ref = {k: v for k, v in brute_dwpc(syn, mp).items() if v != 0}
    assert ref
    hm = HetMat(syn)  # fresh: nothing cached from other tests
    M = hm.dwpc(mp).tocoo()
    got = {(int(r), int(c)): float(d) for r, c, d in zip(M.row, M.col, M.data, strict=True)}
    assert got.keys() == ref.keys() and max(abs(got[k] - ref[k]) for k in ref) < 1e-9
    few = np.unique(np.array([k[0] for k in ref]))[:4]
    F = HetMat(syn).dwpc_from(mp, few).tocoo()
    part = {(int(few[r]), int(c)): float(d) for r, c, d in zip(F.row, F.col, F.data, strict=True)}
    assert part.keys() == {k for k in ref if k[0] in set(few.tolist())}
    assert max(abs(part[k] - ref[k]) for k in part) < 1e-9


def test_take_columns_and_signed_product_match_scipy():
    from scipy import sparse

    from evgraph.analytics._sparse import signed_product, take_columns

    rng = np.random.default_rng(3)
    P = sparse.random(40, 60, density=0.2, random_state=4, format="csr")
    for cols in (np.array([1, 5, 6, 30, 59]), np.arange(60), np.array([], dtype=np.int64), np.array([7, 3])):
        assert (take_columns(P, cols) != P[:, cols]).nnz == 0 and take_columns(P, cols).shape == (40, len(cols))
    L = sparse.random(30, 20, density=0.3, random_state=5, format="csr")
    R = sparse.random(20, 25, density=0.3, random_state=6, format="csr")
    R.data -= 0.5  # signed terms
    ref = (L @ R).toarray()
    got = signed_product(L, R, "right")
    assert np.abs(got.toarray() - ref).max() < 1e-12 and (got.data != 0).all()
    got = signed_product(R.T.tocsr(), L.T.tocsr(), "left")
    assert np.abs(got.toarray() - ref.T).max() < 1e-12
    # an entry whose terms cancel exactly or up to round-off has no entry at all
    a = rng.random(5)
    L = sparse.csr_matrix(np.vstack([a, a]).T)              # 5 x 2
    R = sparse.csr_matrix(np.array([[0.1, 0.3], [-0.1, 0.2]]))  # 0.1 a - 0.1 a = 0 in column 0
    got = signed_product(L, R, "right")
    assert set(got.indices.tolist()) == {1}
    L = sparse.csr_matrix(np.vstack([a, a, a]).T)
    R = sparse.csr_matrix(np.array([[0.1], [0.2], [-0.3]]))   # cancels up to round-off only
    assert ((L @ R).toarray() != 0).any() and signed_product(L, R, "right").nnz == 0


@pytest.mark.parametrize("text", ["C<riEVcCGctC", "C<riEVcCGaPW<aCGctC", "CG<cEVctC<ctEVcCG", "C<riEVuCTrEVctC",
                                  "EVcCG<cEVcCG", "CTrEVcCGaPW", "O<poCTrEVcCGrgGasC"])
@pytest.mark.parametrize("rank_by", ["evidence", "pdp"])
def test_top_paths_join_equals_the_exhaustive_listing(syn, text, rank_by):
    """HetMat.top_paths_between: the first k rows of the full listing (blocked interior nodes out,
    ranked by rank_by, full ties in listing order), with a join budget far below the path count."""
    mp = Metapath.parse(text)
    hm = hetmat(syn)
    N = hm.dwpc(mp, damping=0.0).tocoo()  # path counts
    busiest = np.argsort(-N.data, kind="stable")[:4]
    rng = np.random.default_rng(0)
    blocked = rng.random(syn.num_nodes) < 0.05
    for pick in (busiest[:1], busiest):  # one pair; several sources and targets at once
        s, t = np.unique(N.row[pick]), np.unique(N.col[pick])
        nodes, pdp, ev = hm.paths_between(mp, s, t)
        ok = ~blocked[nodes[:, 1:-1]].any(axis=1)
        nodes, pdp, ev = nodes[ok], pdp[ok], ev[ok]
        order = np.lexsort((-pdp, -ev)) if rank_by == "evidence" else np.lexsort((-ev, -pdp))
        assert len(order) > 12
        for k in (1, 7, len(order) // 2, len(order) + 5):
            got = hm.top_paths_between(mp, s, t, k, rank_by=rank_by, blocked=blocked, budget=5)
            want = order[:k]
            assert np.array_equal(got[0], nodes[want]) and np.array_equal(got[1], pdp[want])
            assert np.array_equal(got[2], ev[want])


def test_paths_lists_the_best_paths_of_a_metapath_with_too_many(syn):
    mp = Metapath.parse("C<riEVcCGaPW<aCGctC")
    M = hetmat(syn).dwpc(mp).tocoo()
    b = int(np.argmax(M.data))
    ids = syn.nodes["id"].to_numpy(dtype=object)
    s, t = ids[M.row[b]], ids[M.col[b]]
    full = paths(syn, s, t, [mp], k=15, closure=False)
    assert full.attrs["truncated_metapaths"] == [] and full.attrs["skipped_metapaths"] == []
    hm = hetmat(syn)
    mid = (len(mp) + 1) // 2
    sides = max(len(hm.expand(mp, np.array([M.row[b]]), 0, mid, 0.4)[0]),
                len(hm.expand(mp, np.array([M.col[b]]), mid, len(mp), 0.4, backward=True)[0]))
    total = len(hm.paths_between(mp, M.row[b], M.col[b])[0])
    assert sides < total  # a budget that fits each side's partial paths but not the whole listing
    cut = paths(syn, s, t, [mp], k=15, closure=False, max_paths=sides)
    assert cut.attrs["truncated_metapaths"] == [mp.abbrev] and cut.attrs["skipped_metapaths"] == []
    cols = ["rank", "metapath", "sign", "coherence", "evidence", "pdp", "path", "nodes", "references"]
    assert cut[cols].equals(full[cols]) and len(cut) == 15
    assert cut["dwpc"].isna().all() and cut["n_paths"].isna().all()  # not every path was counted


@pytest.mark.parametrize("text", ["CTrEVcCGaPW", "C<riEVcCGbmC", "EVcCG<cEVriCscC", "CTrEVuCTrEV", "EVcCG<cEVcCG",
                                  "CG<cEVctC<ctEVcCG", "C<riEVctC", "GiGiG"])
def test_dwpc_matrix_holds_no_explicit_zeros(syn, text):
    from evgraph.analytics import dwpc_matrix

    M = dwpc_matrix(syn, text).matrix
    assert M.nnz and (M.data != 0).all()
