"""Link prediction (``evgraph predict``): fields, determinism, leakage-free features and splits."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from evgraph.analytics.predict import (
    KINDS,
    SignedHetMat,
    _label_edge_mask,
    edge_signs,
    evaluate,
    features,
    fit,
    label_metaedges,
    observed_pairs,
    predict,
    statement_years,
    time_split_mask,
)
from evgraph.errors import EvgraphError
from evgraph.viz.predictions import predictions_page

FIELDS = ["source", "source_label", "target", "target_label", "score", "rank", "percentile", "sign",
          "top_paths", "novel"]


@pytest.fixture(scope="module")
def predictions(kg):
    return predict(kg, ["CellType", "Organ"], "Condition", top=15)


def test_rows_have_every_field_and_sane_values(kg, predictions):
    df = predictions
    assert set(FIELDS) <= set(df.columns) and len(df) > 0
    assert df["novel"].all() and df["hypothesis"].all()
    assert ((df["score"] > 0) & (df["score"] < 1)).all()
    assert set(df["sign"]) <= {"increases", "decreases", "unknown"}
    for cls, group in df.groupby("source_class"):
        ranks = group["rank"].to_numpy()
        assert (ranks >= 1).all() and len(set(ranks)) == len(ranks)
        # within a class pair a better rank never has a lower score
        order = np.argsort(ranks)
        assert (np.diff(group["score"].to_numpy()[order]) <= 1e-12).all()
        assert ((group["percentile"] > 0) & (group["percentile"] <= 100)).all()
        assert cls in ("CellType", "Organ")


def test_predictions_are_unobserved_pairs(kg, predictions):
    for cls, group in predictions.groupby("source_class"):
        Y = observed_pairs(kg, cls, "Condition").tocoo()
        rows = np.flatnonzero(kg.node_class.astype(str) == cls)
        cols = np.flatnonzero(kg.node_class.astype(str) == "Condition")
        ids = kg.nodes["id"].to_numpy(dtype=object)
        observed = set(zip(ids[rows[Y.row]], ids[cols[Y.col]], strict=True))
        assert observed and not observed & set(zip(group["source"], group["target"], strict=True))


def test_explanations_name_metapaths_paths_and_references(kg, predictions):
    seen_paths = 0
    for tops in predictions["top_paths"]:
        assert 1 <= len(tops) <= 3  # supported_only: every listed pair has a supporting metapath
        contributions = [t["contribution"] for t in tops]
        assert contributions == sorted(contributions, reverse=True)
        for t in tops:
            assert t["dwpc"] > 0 and abs(t["signed_dwpc"]) <= t["dwpc"] + 1e-12
            for p in t["paths"]:
                seen_paths += 1
                assert p["nodes"][0] and p["path"]
                assert isinstance(p["references"], list)
    assert seen_paths > 0
    assert any(p["references"] for tops in predictions["top_paths"] for t in tops for p in t["paths"])


def test_sign_follows_signed_dwpc_of_top_metapaths(predictions):
    for sign, tops in zip(predictions["sign"], predictions["top_paths"], strict=True):
        s = sum(t["signed_dwpc"] for t in tops)
        u = sum(t["dwpc"] for t in tops)
        ratio = s / u
        expected = "increases" if ratio >= 1 / 3 else "decreases" if ratio <= -1 / 3 else "unknown"
        assert sign == expected


def test_deterministic(kg, predictions):
    again = predict(kg, ["CellType", "Organ"], "Condition", top=15)
    assert predictions.drop(columns=["top_paths"]).equals(again.drop(columns=["top_paths"]))
    assert list(predictions["top_paths"]) == list(again["top_paths"])


def test_features_never_see_label_or_context_edges(kg):
    labels = label_metaedges("CellType", "Condition")
    hidden = _label_edge_mask(kg, labels)
    preds = set(kg.edges["predicate"].astype(str)[hidden])
    assert preds == {"contributes_to", "released_in"}
    fs = features(kg, "CellType", "Condition")
    for mp in fs.metapaths:
        for i, rel in enumerate(mp.relations):
            ends = {*mp.sets[i], *mp.sets[i + 1]}
            assert not (rel in ("contributes_to", "released_in") and {"EVPopulation", "Condition"} <= ends), mp.abbrev


def test_signed_dwpc_matches_enumerated_paths(kg):
    """Net-signed DWPC equals the sum over enumerated paths of sign x path-degree product."""
    from evgraph.analytics.hetmat import HetMat
    from evgraph.analytics.metagraph import Metapath

    mp = Metapath.parse("CTrEVcGasC")
    hm, shm = HetMat(kg), SignedHetMat(kg)
    rows = np.flatnonzero(kg.node_class.astype(str) == "CellType")
    cols = np.flatnonzero(kg.node_class.astype(str) == "Condition")
    S = shm.dwpc(mp, rows=rows, cols=cols).toarray()
    D = hm.dwpc(mp, rows=rows, cols=cols).toarray()
    assert (np.abs(S) <= D + 1e-12).all()
    sign = edge_signs(kg)
    pred = kg.edges["predicate"].astype(str).to_numpy()
    checked = 0
    for i, j in zip(*np.nonzero(D), strict=True):
        nodes, pdp, _ = hm.paths_between(mp, int(rows[i]), int(cols[j]))
        total = 0.0
        for path, w in zip(nodes, pdp, strict=True):
            s = 1.0
            for a, b, rel in zip(path[:-1], path[1:], mp.relations, strict=True):
                e = np.flatnonzero((pred == rel) & (((kg.src == a) & (kg.dst == b)) | ((kg.src == b) & (kg.dst == a))))
                s *= float(np.sign(sign[e].sum()))
            total += s * w
        assert S[i, j] == pytest.approx(total, abs=1e-12)
        checked += 1
    assert checked > 0


def test_time_split_hides_later_statements(kg):
    years = statement_years(kg)
    assert years is not None and len(years) > 0
    year = int(np.quantile(years.to_numpy(), 0.75))
    keep = time_split_mask(kg, year)
    late = set(years[years > year].index)
    assert late
    stmts = kg.edges["statement"].astype(str).to_numpy()
    assert not set(stmts[keep]) & late
    # labels at the split are a subset of all labels, and later-only labels exist to test on
    y_train = observed_pairs(kg, "CellType", "Condition", mask=keep)
    y_all = observed_pairs(kg, "CellType", "Condition")
    assert (y_train - y_train.multiply(y_all)).nnz == 0
    assert (y_all - y_all.multiply(y_train)).nnz > 0
    # features at the split are unchanged by deleting every later statement's edges outright
    fs = features(kg, "CellType", "Condition", mask=keep)
    assert fs.dwpc.shape[0] == len(fs.rows) * len(fs.cols)
    assert isinstance(y_train, sp.csr_matrix)


def test_evaluate_reports_auroc_auprc_beside_baselines(kg):
    ev = evaluate(kg, "CellType", "Condition", folds=3)
    assert set(ev["model"]) == set(KINDS)
    assert {e.split("<")[0] for e in ev["evaluation"]} >= {"cv3", "time"}
    cv = ev[ev["evaluation"] == "cv3"]
    assert ((cv["auroc"] > 0) & (cv["auroc"] <= 1)).all() and ((cv["auprc"] > 0) & (cv["auprc"] <= 1)).all()
    assert (cv["n_test_positive"] > 0).all()
    ranks = ev.attrs["ranks"]
    assert len(ranks) and (ranks["rank"] >= 1).all() and (ranks["rank"] <= ranks["candidates"]).all()


def test_bad_input_is_one_clear_error(kg):
    with pytest.raises(EvgraphError, match="unknown class"):
        predict(kg, ["Cell"], "Condition")
    with pytest.raises(EvgraphError, match="no observed-link definition"):
        predict(kg, ["Pathway"], "Condition")
    fs = features(kg, "CellType", "Condition")
    y = np.zeros(len(fs.rows) * len(fs.cols), dtype=bool)
    y[:3] = True
    with pytest.raises(EvgraphError, match="3 observed pairs; at least 10 are needed"):
        fit(fs, y)
    with pytest.raises(EvgraphError, match="is not a Condition"):
        predict(kg, ["CellType"], "Condition", target="macrophage")


def test_view_is_escaped_static_and_labelled(predictions):
    df = predictions.head(3).copy()
    df.loc[df.index[0], "source_label"] = "<img src=x onerror=alert(1)>"
    page = predictions_page(df)
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert "<script" not in page and "default-src 'none'" in page
    assert page.count("hypothesis</span>") == len(df)


def test_cli_predict_json_evaluate_and_errors(tmp_path):
    import json
    import subprocess
    import sys

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "evgraph.cli", *args], cwd=tmp_path, capture_output=True,
                              text=True)

    assert cli("build").returncode == 0
    proc = cli("predict", "--source-class", "CellType,Organ", "--target-class", "Condition", "--top", "3",
               "--format", "json", "--view", "p.html")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows and all(set(FIELDS) <= set(r) for r in rows)
    assert {r["source_class"] for r in rows} == {"CellType", "Organ"}
    assert "hypothesis" in proc.stderr and (tmp_path / "p.html").is_file()
    proc = cli("predict", "--source-class", "CellType", "--evaluate", "--folds", "3", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("source_class,target_class,evaluation,model,auroc,auprc")
    proc = cli("predict", "--source-class", "Pathway")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "evgraph: error: no observed-link definition for Pathway -> Condition (known: CellType -> Condition, "
        "Organ -> Condition, Gene -> Condition, MicroRNA -> Condition, Organ -> Organ, CellType -> CellType)"]
