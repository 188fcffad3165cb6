"""A user's EV cargo against a receiver (``evgraph overlay``) and tissue of origin (``evgraph origin``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import hypergeom

import evgraph
from evgraph.analytics.origin import tissue_of_origin
from evgraph.analytics.overlay import overlay, prior_network, regulatory_potential
from evgraph.errors import DataError, EvgraphError
from evgraph.userdata import NameMapper, read_table, receiver_set
from evgraph.viz.overlay import overlay_page


@pytest.fixture(scope="module")
def mti_graph(shared_data, tmp_path_factory):
    """Curated KB + the real miRTarBase strong-evidence table + Vesiclepedia, saved for the CLI tests."""
    kg = evgraph.build(["curated",
                        f"mirtarbase={shared_data / 'mirna_targets' / 'mirtarbase_hsa_functional_MTI_strong.tsv'}",
                        f"vesiclepedia={shared_data / 'ev_cargo'}"])
    out = tmp_path_factory.mktemp("mti") / "g"
    evgraph.save(kg, str(out))
    return kg, out


def _targets(kg, mirna: str) -> list[str]:
    e = kg.edges
    sel = (e["predicate"] == "regulates") & (e["subject"].astype(str) == mirna)
    return sorted(e.loc[sel, "object"].astype(str).unique())


def test_planted_signal_ranks_the_mirna_first_among_equal_degree_decoys(mti_graph):
    kg, _ = mti_graph
    e = kg.edges
    mti = e[(e["predicate"] == "regulates") & (e["primary_knowledge_source"] == "infores:mirtarbase")]
    degree = mti["subject"].astype(str).value_counts()
    mid = degree[(degree >= 20) & (degree <= 80)]
    assert len(mid) >= 12
    rng = np.random.default_rng(7)
    for planted in rng.choice(mid.index.to_numpy(), size=3, replace=False):
        d = degree[planted]
        decoys = [m for m in mid.index if m != planted and abs(degree[m] - d) <= 0.25 * d][:15]
        assert len(decoys) >= 3
        df = overlay(kg, [*decoys, planted], _targets(kg, planted))
        assert df["cargo"].iloc[0] == planted, (planted, df[["cargo", "activity"]].head())
        assert df["activity"].iloc[0] > df["activity"].iloc[1]
        assert df["sign"].iloc[0] == "decreases"  # miRTarBase targets are repressed
        hop = df["mechanism"].iloc[0][0]
        assert hop["source_database"] == "infores:mirtarbase" and hop["relationship"] == "regulates"
        assert hop["publications"]


def test_activity_is_background_corrected_aupr(mti_graph):
    from sklearn.metrics import average_precision_score

    kg, _ = mti_graph
    net = prior_network(kg)
    mirna = kg.edges.loc[kg.edges["primary_knowledge_source"] == "infores:mirtarbase", "subject"].astype(str).iloc[0]
    recv = _targets(kg, mirna)[:10]
    df = overlay(kg, [mirna], recv)
    code = kg.index_of(mirna)
    R = regulatory_potential(net, net.position(np.array([code])))  # default restart and hub correction
    genes = np.flatnonzero(kg.node_class.astype(str)[net.nodes] == "Gene")
    labels = np.isin(genes, net.position(np.array([kg.index_of(g) for g in recv])))
    expected = average_precision_score(labels, R[0, genes]) - labels.mean()
    assert df["activity"].iloc[0] == pytest.approx(expected)
    assert df.attrs["receiver_size"] == labels.sum() and df.attrs["background_size"] == len(genes)


def test_blocked_float32_kernel_agrees_with_a_float64_solve(mti_graph):
    """The batched kernel (float32, blocks of seeds) against the exact float64 solution of
    r = restart e + (1 - restart) P^T r (a sparse direct solve), per seed; block size changes nothing."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import spsolve

    kg, _ = mti_graph
    net = prior_network(kg)
    seeds = np.argsort(-np.diff(net.P.indptr), kind="stable")[:40]
    R = regulatory_potential(net, seeds, block=16)
    assert R.dtype == np.float32 and R.shape == (40, net.n)
    A = (sp.identity(net.n, format="csc") - 0.5 * net.P.T.tocsc()).tocsc()
    for i in (0, 17, 39):
        exact = spsolve(A, 0.5 * np.eye(1, net.n, int(seeds[i])).ravel())
        exact[seeds[i]] = 0.0
        assert np.abs(R[i] - exact).sum() <= 2e-6  # L1 error <= tol (1e-6), plus float32 rounding
    assert np.allclose(regulatory_potential(net, seeds, block=128), R, atol=1e-7)
    assert np.array_equal(regulatory_potential(net, seeds, block=16, workers=1),
                          regulatory_potential(net, seeds, block=16, workers=3))  # threads change nothing
    R64 = regulatory_potential(net, seeds[:3], dtype=np.float64, tol=1e-12)
    assert R64.dtype == np.float64 and np.abs(R64 - R[:3]).max() < 1e-6


def test_overlay_view_draws_only_significant_senders():
    import pandas as pd

    df = pd.DataFrame([{"cargo": "x:1", "label": "miR-1", "activity": .4, "auroc": .8, "rank": 1, "targets": ["T1"],
                        "mechanism": [], "sign": "decreases", "literature": {}}])
    origin = pd.DataFrame({"label": ["colon", "liver"], "drivers": [["miR-1"], ["miR-1"]], "best_q": [0.3, 0.01]})
    page = overlay_page(df, receiver="neuron", origin=origin)
    assert "liver (q=1.0e-02)" in page and "colon" not in page
    page = overlay_page(df, receiver="neuron", origin=origin.iloc[:1])
    assert "no sender with q &lt; 0.05" in page and "colon" not in page


def test_literature_lists_curated_statements_with_references(kg):
    e = kg.edges
    cur = e[(e["predicate"] == "carries") & (e["primary_knowledge_source"] == "infores:evgraph")]
    cargo = cur["object"].astype(str).value_counts().index[0]
    from evgraph.analytics.overlay import literature

    lit = literature(kg, [cargo])[cargo]
    stmts = {s["statement"] for s in lit["statements"]}
    assert stmts == set(cur.loc[cur["object"].astype(str) == cargo, "statement"].astype(str))
    assert all(s["references"] for s in lit["statements"])


def test_name_mapping_reports_every_row(kg, tmp_path):
    m = NameMapper(kg)
    assert m.map("PPARG")[0] == "NCBIGene:5468"
    path = tmp_path / "cargo.tsv"
    path.write_text("symbol\tlog2fc\nPPARG\t1.5\n5468\t0.2\nPparg\t0.1\nNOT_A_GENE\t1\n\nmiR-155-5p\t-2\n")
    t = read_table(path, kg)
    assert t.mapped == 4 and len(t.unmapped) == 1
    assert t.unmapped[0] == {"line": 5, "value": "NOT_A_GENE", "reason": "not found", "candidates": []}
    assert list(t.frame["id"]) == ["NCBIGene:5468", "mirbase:MIMAT0000646"]  # duplicates kept once, first row
    assert t.frame["log2fc"].iloc[0] == 1.5
    assert "ortholog" in t.report.loc[t.report["value"] == "Pparg", "mapped_by"].iloc[0]


@pytest.mark.parametrize("content, message", [
    ("", "1: empty table"),
    ("symbol\n", "1: header only"),
    ("symbol\tlog2fc\nPPARG\tabc\n", "2: field 'log2fc': 'abc' is not a number"),
    ("symbol\nNOPE1\nNOPE2\n", "none of the 2 rows maps"),
    ("a\tb\nPPARG\t1\t2\n", "2: 3 fields but the header has 2"),
])
def test_bad_tables_are_one_clear_error(kg, tmp_path, content, message):
    path = tmp_path / "t.tsv"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        read_table(path, kg)


def test_binary_and_latin1_tables_are_refused(kg, tmp_path):
    (tmp_path / "b.tsv").write_bytes(b"symbol\n\x00\x01\x02")
    with pytest.raises(DataError, match="binary data"):
        read_table(tmp_path / "b.tsv", kg)
    (tmp_path / "l.tsv").write_bytes("symbol\nPPARG\nna\u00efve\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"l\.tsv:3: not UTF-8"):
        read_table(tmp_path / "l.tsv", kg)


def test_de_table_gives_set_and_background(kg, tmp_path):
    path = tmp_path / "de.tsv"
    path.write_text("gene,log2fc,padj\nPPARG,2,0.01\nTNF,-1,0.2\nCD36,0.5,0.001\n")
    genes, background = receiver_set(read_table(path, kg), q_max=0.05, min_abs_log2fc=1.0)
    assert genes == ["NCBIGene:5468"] and len(background) == 3
    with pytest.raises(EvgraphError, match="no gene passes"):
        receiver_set(read_table(path, kg), q_max=0.0001)


def test_receiver_node_without_markers_is_a_clear_error(kg):
    with pytest.raises(EvgraphError, match="no marker or tissue-enriched gene"):
        overlay(kg, ["NCBIGene:5468"], "CL:0000235")
    with pytest.raises(EvgraphError, match="give a CellType or Organ"):
        overlay(kg, ["NCBIGene:5468"], "NCBIGene:7124")


def _ev_release_by_hand(kg):
    """Per candidate (organ/cell type releasing EVs directly) its carried cargo, and per cargo the number of
    candidate-released EV populations carrying it, from the edge table with pandas (independent of origin.py)."""
    e = kg.edges
    cls = kg.nodes.set_index("id")["category"].astype(str)
    rel = e[e["predicate"] == "releases"][["subject", "object"]].astype(str)
    rel = rel[rel["subject"].map(cls).isin(["Organ", "CellType"])]
    car = e[e["predicate"] == "carries"][["subject", "object"]].astype(str).drop_duplicates()
    det = car[car["subject"].isin(set(rel["object"]))].groupby("object")["subject"].nunique()
    members = rel.merge(car, left_on="object", right_on="subject", suffixes=("", "_c"))
    sets = members.groupby("subject")["object_c"].agg(set).to_dict()
    part = e[e["predicate"] == "part_of"][["subject", "object"]].astype(str)
    rolled = {k: set(v) for k, v in sets.items()}
    for child, parent in part.itertuples(index=False):  # an organ also releases what its cell types release
        if child in sets and cls.get(parent) in ("Organ", "CellType"):
            rolled.setdefault(parent, set()).update(sets[child])
    return rolled, det, cls


def test_origin_ev_release_null_is_stratified_by_detection_frequency(mti_graph):
    """The EV-release p is the exact tail of a sum of per-stratum hypergeometric variables, strata being cargo of
    one kind and detection count (merged to >= 20); min_stratum=0 is the plain hypergeometric test; BH q."""
    from evgraph.analytics.origin import MIN_STRATUM, detection_strata, stratified_hypergeom_sf

    kg, _ = mti_graph
    sets, det, cls = _ev_release_by_hand(kg)
    liver = "UBERON:0002107"  # its set includes its cell types' (hepatocyte part_of liver)
    cargo = sorted(sets[liver])[:25]
    df = tissue_of_origin(kg, cargo)
    row = df[df["node"] == liver].iloc[0]
    info = df.attrs["ev_release"]
    assert "stratified by detection frequency" in info["null"] and "random draw" in df.attrs["expression"]["null"]
    universe = np.array(sorted(det.index))
    assert info["universe"] == len(universe)
    strata = detection_strata(det.loc[universe].to_numpy(), cls.loc[universe].to_numpy(), MIN_STRATUM)
    assert info["strata"] == strata.max() + 1
    of = dict(zip(universe, strata, strict=True))
    N = np.bincount(strata)
    n = np.bincount([of[c] for c in cargo], minlength=len(N))
    K = np.bincount([of[c] for c in sets[liver]], minlength=len(N))
    assert row["set_ev_release"] == len(sets[liver]) and row["overlap_ev_release"] == 25
    assert row["p_ev_release"] == pytest.approx(stratified_hypergeom_sf(np.array([25]), K[None, :], N, n)[0])
    assert row["expected_ev_release"] == pytest.approx((K * n / N).sum(), abs=1e-3)
    plain = tissue_of_origin(kg, cargo, min_stratum=0)
    prow = plain[plain["node"] == liver].iloc[0]
    assert plain.attrs["ev_release"]["strata"] == 1
    assert prow["p_ev_release"] == pytest.approx(hypergeom.sf(24, len(universe), len(sets[liver]), 25))
    for frame in (df, plain):
        q = frame["q_ev_release"].dropna().to_numpy()
        p = frame["p_ev_release"].dropna().to_numpy()
        assert (q >= p - 1e-15).all() and (q <= 1).all()
    assert set(row["drivers"]) <= set(kg.nodes.set_index("id").loc[cargo, "label"])
    assert (df["rank"] == np.arange(1, len(df) + 1)).all()
    # the one study behind most of the overlap, by hand: liver's and its cell types' EV populations, their
    # described_in publication, the cargo of the set each publication's EVs carry
    e = kg.edges[["subject", "predicate", "object"]].astype(str)
    part = e[(e["predicate"] == "part_of") & (e["object"] == liver)]["subject"]
    evs = set(e[(e["predicate"] == "releases") & e["subject"].isin({liver, *part})]["object"])
    pub = e[(e["predicate"] == "described_in") & e["subject"].isin(evs)][["subject", "object"]]
    car = e[(e["predicate"] == "carries") & e["subject"].isin(evs) & e["object"].isin(cargo)][["subject", "object"]]
    car = car.merge(pub.rename(columns={"object": "study"}), on="subject", how="left")  # an EV may cite several
    car["study"] = car["study"].fillna(car["subject"])
    per_study = car.groupby("study")["object"].nunique()
    best = per_study.reset_index().sort_values(["object", "study"], ascending=[False, True]).iloc[0]
    assert (row["top_study"], row["top_study_overlap"]) == (best["study"], best["object"])
    assert row["top_study_overlap"] <= row["overlap_ev_release"]


def test_stratified_tail_matches_simulated_stratified_draws():
    """The exact tail against 200,000 simulated draws that keep the per-stratum counts (seeded)."""
    from evgraph.analytics.origin import stratified_hypergeom_sf

    rng = np.random.default_rng(7)
    N, K, n = np.array([40, 25, 60]), np.array([30, 5, 12]), np.array([6, 4, 5])
    draws = sum(rng.hypergeometric(K[b], N[b] - K[b], n[b], size=200_000) for b in range(3))
    for hits in (6, 9, 12):
        exact = stratified_hypergeom_sf(np.array([hits]), K[None, :], N, n)[0]
        assert exact == pytest.approx((draws >= hits).mean(), abs=3e-3)
    assert stratified_hypergeom_sf(np.array([0]), K[None, :], N, n)[0] == 1.0


def test_origin_is_corrected_for_how_often_each_source_was_profiled(mti_graph):
    """The 60 most often detected EV miRNAs (no tissue signal: they are everywhere) make the plain hypergeometric
    test call many sources significant; the stratified test calls none. A set of
    cargo detected only in one organ's EVs still puts that organ first, significantly."""
    kg, _ = mti_graph
    sets, det, cls = _ev_release_by_hand(kg)
    mirnas = det[cls.loc[det.index].to_numpy() == "MicroRNA"].sort_values(ascending=False, kind="stable")
    common = list(mirnas.index[:60])
    plain = tissue_of_origin(kg, common, min_stratum=0)
    assert (plain["q_ev_release"] < 1e-10).sum() >= 5
    corrected = tissue_of_origin(kg, common)
    assert (corrected["q_ev_release"] >= 0.05).all(), corrected.head()
    assert corrected["expected_ev_release"].iloc[0] > 0.8 * corrected["overlap_ev_release"].iloc[0]
    # Cargo detected only in one organ's EVs (and its cell types') put that organ first, significantly. The check
    # used liver until session 12, when sweep w11d held back LV001 (curation-notes-w11d.md) and left liver one
    # such cargo, too few for any enrichment; it now runs over every organ with 3 to 30 such cargo.
    part = kg.edges[kg.edges["predicate"] == "part_of"][["subject", "object"]].astype(str)
    checked = []
    for organ in sorted(k for k in sets if cls.get(k) == "Organ"):
        family = {organ} | set(part.loc[part["object"] == organ, "subject"])
        only = sorted(c for c in sets[organ] if det.get(c, 99) <= 2
                      and not any(c in v for k, v in sets.items() if k not in family))
        if not 3 <= len(only) <= 30:
            continue
        df = tissue_of_origin(kg, only)
        assert organ in set(df["node"].head(2)), (organ, df.head())
        assert df.loc[df["node"] == organ, "q_ev_release"].iloc[0] < 0.05, (organ, df.head())
        checked.append(organ)
    assert len(checked) >= 2, checked


def test_overlay_page_is_scriptless_and_escaped():
    import pandas as pd

    df = pd.DataFrame([{"cargo": "x:1", "label": "<img src=x onerror=alert(1)>", "activity": .4, "auroc": .8,
                        "rank": 1, "targets": ["T1", "T2"], "mechanism": [], "sign": "decreases",
                        "literature": {"statements": [{"statement": "MC001", "references": ["PMID:1"],
                                                       "evidence_tier": "2"}], "public_detections": 3}}])
    page = overlay_page(df, receiver="neuron")
    assert "<script" not in page and "<img src=x" not in page
    assert page.count("<rect") == 2 and "MC001" in page and "pubmed" in page.lower()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evgraph.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_overlay_and_origin(mti_graph, tmp_path):
    kg, graph = mti_graph
    mirna = kg.edges.loc[kg.edges["primary_knowledge_source"] == "infores:mirtarbase", "subject"].astype(str)
    top = mirna.value_counts().index[:8]
    labels = kg.nodes.set_index("id").loc[list(top), "label"].tolist()
    (tmp_path / "cargo.tsv").write_text("mirna\tlog2fc\n" + "".join(f"{m}\t1\n" for m in labels) + "zzz-unknown\t2\n")
    recv = kg.nodes.set_index("id").loc[_targets(kg, top[0]), "label"].tolist()
    (tmp_path / "recv.txt").write_text("gene\n" + "\n".join(recv) + "\n")
    proc = _cli("overlay", "--graph", str(graph), "--cargo", "cargo.tsv", "--receiver", "recv.txt", "--format",
                "json", "--view", "o.html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows[0]["cargo"] == top[0] and {"activity", "targets", "mechanism", "sign", "literature"} <= set(rows[0])
    assert "8 of 9 rows mapped" in proc.stderr and "line 10: 'zzz-unknown' not found" in proc.stderr
    assert (tmp_path / "o.html").is_file()
    proc = _cli("origin", "--graph", str(graph), "--cargo", "cargo.tsv", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    origin_rows = json.loads(proc.stdout)
    assert origin_rows[0]["rank"] == 1 and "expected_ev_release" in origin_rows[0]
    # both nulls are stated, and how many candidates are significant (or that none is)
    assert "ev_release: 8 of the cargo covered" in proc.stderr and "stratified by detection frequency" in proc.stderr
    assert "expression: 0 of the cargo covered" in proc.stderr and "random draw" in proc.stderr
    full = tissue_of_origin(kg, list(top))  # the ids the 8 cargo names map to
    n_sig = int((full["best_q"] < 0.05).sum())
    assert full.attrs["significant"] == n_sig and f"evgraph: {n_sig} candidates with q < 0.05" in proc.stderr
    (tmp_path / "empty.txt").write_text("gene\n")
    proc = _cli("overlay", "--graph", str(graph), "--cargo", "cargo.tsv", "--receiver", "empty.txt", cwd=tmp_path)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) >= 1 and "empty.txt:1: header only" in proc.stderr


#: Plasma proteins secreted by hepatocytes, and adipokines / adipocyte markers (textbook sets, not tuned).
LIVER_SECRETED = ["ALB", "APOA1", "APOA2", "APOB", "APOC3", "APOH", "FGA", "FGB", "FGG", "AHSG", "TF", "HP", "HPX",
                  "SERPINC1", "F2", "PLG", "CP", "ITIH1", "AMBP", "RBP4"]
ADIPOKINES = ["ADIPOQ", "LEP", "CFD", "PLIN1", "PLIN4", "FABP4", "CIDEC", "CIDEA", "LIPE", "GPD1", "PPARG", "AQP7",
              "PCK1", "SAA1", "LPL", "CD36", "RETN", "TIMP4"]


@pytest.fixture(scope="module")
def tissue_graph(shared_data):
    """Hetionet genes + the real HPA v18 tissue-specific gene table (tissue_expression reader)."""
    hpa = shared_data / "tissue_expression" / "tissueenrich_hpa_v18_tissue_specific_genes.tsv"
    return evgraph.build([f"genes={shared_data / 'hetionet' / 'hetionet-v1.0-nodes.tsv'}", f"tissue_expression={hpa}"])


@pytest.mark.parametrize("symbols, organ", [(LIVER_SECRETED, "UBERON:0002107"), (ADIPOKINES, "UBERON:0001013")])
def test_tissue_of_origin_ranks_the_secreting_organ_first(tissue_graph, symbols, organ):
    m = NameMapper(tissue_graph, ("Gene",))
    ids = [m.map(s)[0] for s in symbols]
    assert sum(i is not None for i in ids) >= 0.8 * len(symbols)
    df = tissue_of_origin(tissue_graph, [i for i in ids if i], classes=["Organ"])
    assert df["node"].iloc[0] == organ, df.head()
    assert df["q_expression"].iloc[0] < 1e-6 and df["q_expression"].iloc[0] < df["q_expression"].iloc[1]
    assert len(df["drivers"].iloc[0]) >= 5
