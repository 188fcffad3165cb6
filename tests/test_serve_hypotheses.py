"""The web app's predictions, overlay and tissue-of-origin endpoints and pages, against a real uvicorn server.

The graph is the curated KB plus real public priors (miRTarBase strong evidence, Vesiclepedia,
HPA v18 tissue-specific genes); every answer is compared with the analytics function it wraps.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse

import numpy as np
import pandas as pd
import pytest
from serve_server import assert_error, request, running

from evgraph.analytics.origin import tissue_of_origin
from evgraph.analytics.overlay import overlay
from evgraph.analytics.predict import predict
from evgraph.serve import create_app
from evgraph.serve.hypotheses import CARGO_CLASSES
from evgraph.userdata import NameMapper

Q = urllib.parse.quote
LIVER = "UBERON:0002107"
#: hepatocyte-secreted plasma proteins (as tests/test_overlay.py)
LIVER_SECRETED = ["ALB", "APOA1", "APOB", "APOC3", "APOH", "FGA", "FGB", "FGG", "AHSG", "TF", "HP", "HPX", "SERPINA1",
                  "SERPINC1", "F2", "PLG", "KNG1", "ITIH1", "AMBP", "RBP4"]


@pytest.fixture(scope="module")
def base(priors_kg):
    with running(create_app(priors_kg)) as url:
        yield url


def post_json(base, path, payload):
    return request(base, path, method="POST", body=json.dumps(payload).encode(),
                   headers={"Content-Type": "application/json"})


def post_form(base, path, fields, accept="text/html"):
    return request(base, path, method="POST", body=urllib.parse.urlencode(fields).encode(),
                   headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept})


def planted(kg):
    """A miRNA with 20-80 miRTarBase targets, its targets, and 10 decoy miRNAs of similar degree."""
    e = kg.edges
    mti = e[(e["predicate"] == "regulates") & (e["primary_knowledge_source"] == "infores:mirtarbase")]
    degree = mti["subject"].astype(str).value_counts()
    mid = degree[(degree >= 20) & (degree <= 80)]
    mirna = str(mid.index[0])
    d = degree[mirna]
    decoys = [m for m in mid.index if m != mirna and abs(degree[m] - d) <= 0.25 * d][:10]
    targets = sorted(mti.loc[mti["subject"].astype(str) == mirna, "object"].astype(str).unique())
    return mirna, targets, decoys


def test_openapi_lists_the_new_endpoints(base):
    paths = request(base, "/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/predictions"]
    assert "post" in paths["/api/v1/overlay"] and "post" in paths["/api/v1/origin"]


# ---------------------------------------------------------------------- predictions
def test_predictions_are_hypotheses_and_match_predict(base, priors_kg):
    body = request(base, "/api/v1/predictions?source_class=CellType&target_class=Condition&top=10").json()
    direct = predict(priors_kg, ["CellType"], "Condition", top=10)
    assert [(r["source"], r["target"]) for r in body["rows"]] == list(zip(direct["source"], direct["target"],
                                                                          strict=True))
    assert [r["score"] for r in body["rows"]] == pytest.approx(direct["score"].tolist())
    assert body["hypothesis"] is True and "HYPOTHESIS" in body["note"] and "not that the biology" in body["note"]
    assert all(r["hypothesis"] is True and r["novel"] is True for r in body["rows"])
    assert [r["rank"] for r in body["rows"]] == sorted(r["rank"] for r in body["rows"])
    assert body["model"]["observed_pairs"] >= 10 and body["model"]["metapaths"]
    assert body["evaluated"] is True
    tops = body["rows"][0]["top_paths"]
    assert tops and tops[0]["metapath"] and "contribution" in tops[0]


def test_predictions_for_one_target_csv_and_view(base, priors_kg):
    ad = "MONDO:0004975"
    body = request(base, f"/api/v1/predictions?target={ad}&top=500").json()
    assert body["target"]["id"] == ad and body["rows"] and {r["target"] for r in body["rows"]} == {ad}
    reply = request(base, "/api/v1/predictions?top=5&format=csv")
    assert reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.body.decode())))
    assert len(rows) == 5 and {r["hypothesis"] for r in rows} == {"True"} and "top_metapaths" in rows[0]
    view = request(base, "/api/v1/predictions?top=5&format=html")
    assert view.status == 200 and b"<script" not in view.body and b"hypothesis" in view.body
    assert "script-src" not in view.headers["content-security-policy"]  # default-src 'none': no script at all


def test_unevaluated_prediction_models_say_so(base):
    body = request(base, "/api/v1/predictions?source_class=MicroRNA&top=3").json()
    assert body["evaluated"] is False and "not measured" in body["evaluation_note"]


def test_prediction_errors(base):
    assert "no prediction model" in assert_error(request(base, "/api/v1/predictions?target_class=Pathway"),
                                                 400)["error"]
    assert "no prediction model" in assert_error(request(base, "/api/v1/predictions?source_class=Lipid"),
                                                 400)["error"]
    assert_error(request(base, "/api/v1/predictions?target=no%20such%20condition"), 404)
    assert_error(request(base, "/api/v1/predictions?top=0"), 422)
    assert_error(request(base, "/api/v1/predictions?top=501"), 422)
    assert_error(request(base, "/api/v1/predictions?format=xlsx"), 422)


# ---------------------------------------------------------------------- overlay
def test_overlay_planted_signal_through_the_api(base, priors_kg):
    mirna, targets, decoys = planted(priors_kg)
    cargo = [*decoys, mirna, "NOT_A_CARGO_1"]
    body = post_json(base, "/api/v1/overlay", {"cargo": cargo, "receiver_genes": targets, "origin": False}).json()
    assert body["rows"][0]["cargo"] == mirna and body["rows"][0]["sign"] == "decreases"
    direct = overlay(priors_kg, [*decoys, mirna], targets)
    assert [r["cargo"] for r in body["rows"]] == direct["cargo"].tolist()
    assert [r["activity"] for r in body["rows"]] == pytest.approx(direct["activity"].tolist())
    assert body["receiver"]["genes"] == direct.attrs["receiver_size"]
    mapping = body["cargo_mapping"]
    assert mapping["rows"] == len(cargo) and mapping["mapped"] == len(cargo) - 1
    assert mapping["unmapped"] == [{"line": len(cargo) + 1, "value": "NOT_A_CARGO_1", "reason": "not found",
                                    "candidates": []}]  # line numbers count the header line
    hop = body["rows"][0]["mechanism"][0]
    assert hop["source_database"] == "infores:mirtarbase" and hop["publications"]
    assert "no p-value" in body["note"] and body["origin"] is None


def test_overlay_tsv_text_de_table_and_organ_receiver(base, priors_kg):
    mirna, targets, decoys = planted(priors_kg)
    cargo = "mirna\tlog2fc\n" + "".join(f"{m}\t{i - 3}\n" for i, m in enumerate([*decoys, mirna]))
    genes = priors_kg.nodes.set_index("id").loc[targets, "label"].tolist()
    others = [g for g in priors_kg.nodes.loc[priors_kg.node_class.astype(str) == "Gene", "label"] if g not in genes]
    de = "gene,log2fc,q\n" + "".join(f"{g},-1.5,0.001\n" for g in genes) + "".join(f"{g},0.1,0.9\n"
                                                                                  for g in others[:300])
    body = post_json(base, "/api/v1/overlay", {"cargo": cargo, "receiver_genes": de, "q_max": 0.05}).json()
    assert body["rows"][0]["cargo"] == mirna and "log2fc" in body["rows"][0]
    assert body["background_size"] <= len(genes) + 300 and body["receiver"]["genes"] <= len(genes)
    # an organ of the graph as the receiver: its tissue-enriched genes
    organ = post_json(base, "/api/v1/overlay", {"cargo": cargo, "receiver": "liver", "top": 3}).json()
    assert organ["receiver"]["id"] == LIVER and len(organ["rows"]) == 3
    direct = overlay(priors_kg, [*decoys, mirna], LIVER, top=3)
    assert [r["cargo"] for r in organ["rows"]] == direct["cargo"].tolist()


def test_overlay_downloads(base, priors_kg):
    mirna, targets, decoys = planted(priors_kg)
    payload = {"cargo": [*decoys, mirna], "receiver_genes": targets}
    reply = post_json(base, "/api/v1/overlay?format=csv", payload)
    assert reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.body.decode())))
    assert rows[0]["cargo"] == mirna and "-regulates->" in rows[0]["mechanism"]
    view = post_json(base, "/api/v1/overlay?format=html", payload)
    assert view.status == 200 and b"<script" not in view.body and b"<svg" in view.body
    assert "script-src" not in view.headers["content-security-policy"]


@pytest.mark.parametrize("payload, status, message", [
    ({"cargo": ["hsa-miR-155-5p"]}, 400, "give a receiver"),
    ({"cargo": ["hsa-miR-155-5p"], "receiver": "liver", "receiver_genes": ["ALB"]}, 400, "not both"),
    ({"cargo": "", "receiver": "liver"}, 400, "empty table"),
    ({"cargo": ["a\tb"], "receiver": "liver"}, 400, "cargo[0]"),
    ({"cargo": "gene\nNOPE1\nNOPE2\n", "receiver": "liver"}, 400, "cargo:2"),
    ({"cargo": "gene log2fc\nALB,1\nAPOB,2\n", "receiver": "liver"}, 400, "wrong delimiter"),
    ({"cargo": "gene,log2fc\nALB,high\n", "receiver": "liver"}, 400, "not a number"),
    ({"cargo": ["ALB"], "receiver": "ALB"}, 400, "give a CellType or Organ"),
    ({"cargo": ["ALB"], "receiver": "no such organ"}, 404, "no node"),
    ({"cargo": ["ALB"], "receiver_genes": "gene,q\nALB,0.9\n"}, 400, "no gene passes"),
    ({"cargo": ["ALB"], "receiver": "liver", "restart": 2}, 422, "restart"),
    ({"receiver": "liver"}, 422, "cargo"),
    ({"cargo": ["ALB"], "receiver": "liver", "bogus": 1}, 422, "bogus"),
    ({"cargo": ["ALB"], "receiver": "liver"}, 400, "no cargo is in the prior network"),
])
def test_overlay_errors(base, payload, status, message):
    reply = post_json(base, "/api/v1/overlay", payload)
    assert message in assert_error(reply, status)["error"]


def test_overlay_rejects_bodies_that_are_not_json(base):
    assert_error(request(base, "/api/v1/overlay", method="POST", body=b"cargo=ALB",
                         headers={"Content-Type": "application/json"}), 422)


# ---------------------------------------------------------------------- tissue of origin
def test_origin_ranks_liver_for_liver_secreted_proteins(base, priors_kg):
    body = post_json(base, "/api/v1/origin", {"cargo": LIVER_SECRETED, "classes": ["Organ"]}).json()
    assert body["rows"][0]["node"] == LIVER and body["rows"][0]["q_expression"] < 1e-6
    assert "null: " in body["note"] and "stratified by detection frequency" in body["note"] \
        and "Benjamini-Hochberg" in body["note"] and "not significant" in body["note"]
    mapper = NameMapper(priors_kg, CARGO_CLASSES)
    ids = [i for i in (mapper.map(g)[0] for g in LIVER_SECRETED) if i]
    assert body["cargo_mapping"]["mapped"] == len(ids) and len(ids) >= 16
    direct = tissue_of_origin(priors_kg, ids, classes=["Organ"], top=20)
    assert [r["node"] for r in body["rows"]] == direct["node"].tolist()
    got = np.array([np.nan if r["q_expression"] is None else r["q_expression"] for r in body["rows"]])
    assert np.allclose(got, direct["q_expression"].to_numpy(dtype=float), equal_nan=True)
    reply = post_json(base, "/api/v1/origin?format=csv", {"cargo": LIVER_SECRETED, "classes": ["Organ"]})
    assert pd.read_csv(io.StringIO(reply.body.decode()))["node"].iloc[0] == LIVER


def test_origin_errors(base):
    assert_error(post_json(base, "/api/v1/origin", {"cargo": ["ALB"], "classes": ["Gene"]}), 422)
    assert_error(post_json(base, "/api/v1/origin", {"cargo": ["ALB"], "classes": []}), 422)
    assert "none of the" in assert_error(post_json(base, "/api/v1/origin", {"cargo": ["NOPE1"]}), 400)["error"]


# ---------------------------------------------------------------------- pages
def test_predictions_page_labels_every_row_a_hypothesis(base):
    html = request(base, "/predictions?run=1&top=7", headers={"Accept": "text/html"}).body.decode()
    assert html.count('<tr class="hypothesis">') == 7 and html.count("<span class=\"badge\">hypothesis</span>") == 7
    assert "HYPOTHESIS" in html and 'id="model"' in html
    assert "/connectivity?source=" in html  # each row opens the connectivity search for its pair
    form = request(base, "/predictions").body.decode()
    assert 'id="predictions-form"' in form and 'id="predictions"' not in form
    bad = request(base, "/predictions?run=1&target_class=Pathway", headers={"Accept": "text/html"}).body.decode()
    assert 'id="error-message"' in bad and "no prediction model" in bad
    assert request(base, "/predictions?run=1&top=x", headers={"Accept": "text/html"}).status == 400


def test_overlay_form_page_and_downloads(base, priors_kg):
    assert 'id="overlay-form"' in request(base, "/overlay").body.decode()
    mirna, targets, decoys = planted(priors_kg)
    fields = {"cargo": "mirna\n" + "\n".join([*decoys, mirna, "NOT_A_CARGO_1"]), "receiver": "",
              "receiver_genes": "gene\n" + "\n".join(targets), "q_max": "0.05", "top": "50"}
    html = post_form(base, "/overlay", fields).body.decode()
    assert 'id="overlay"' in html and f"/nodes/{Q(mirna)}" in html and "NOT_A_CARGO_1" in html
    assert 'id="unmapped"' in html and html.count("<tr><td>") >= len(decoys) + 1
    csv_reply = post_form(base, "/overlay", {**fields, "format": "csv"})
    assert next(csv.DictReader(io.StringIO(csv_reply.body.decode())))["cargo"] == mirna
    js = json.loads(post_form(base, "/overlay", {**fields, "format": "json"}).body)
    assert js["rows"][0]["cargo"] == mirna and "_frame" not in js
    view = post_form(base, "/overlay", {**fields, "format": "view"})
    assert b"<svg" in view.body and "script-src" not in view.headers["content-security-policy"]
    err = post_form(base, "/overlay", {**fields, "receiver": "liver"}).body.decode()
    assert 'id="error-message"' in err and "not both" in err


def test_overlay_form_errors(base):
    assert request(base, "/overlay", method="POST", body=b'{"cargo": "x"}',
                   headers={"Content-Type": "application/json"}).status == 415
    assert "unknown form field" in assert_error(post_form(base, "/overlay", {"cargo": "x", "evil": "1"},
                                                          accept="application/json"), 400)["error"]
    assert_error(post_form(base, "/overlay", {"cargo": "x", "format": "pdf"}, accept="application/json"), 400)
    assert_error(post_form(base, "/overlay", {"cargo": "x", "q_max": "2"}, accept="application/json"), 400)


def test_whole_graph_view_is_served(base):
    reply = request(base, "/views/graph")
    assert reply.status == 200 and b"evgraphData" in reply.body
    assert "sha256-" in reply.headers["content-security-policy"]


# ---------------------------------------------------------------------- the atlas with --cargo
def test_atlas_with_cargo_has_the_overlay_view_and_origin(priors_kg, tmp_path):
    from click.testing import CliRunner

    import evgraph
    from evgraph.cli import main

    graph = tmp_path / "g"
    evgraph.save(priors_kg, str(graph))
    mirna, targets, decoys = planted(priors_kg)
    cargo = tmp_path / "cargo.tsv"
    cargo.write_text("mirna\n" + "\n".join([*decoys, mirna, "NOT_A_CARGO_1"]) + "\n")
    receiver = tmp_path / "receiver.txt"
    receiver.write_text("gene\n" + "\n".join(targets) + "\n")
    out = tmp_path / "atlas"
    res = CliRunner().invoke(main, ["atlas", "--graph", str(graph), "--out", str(out), "--no-exports", "--cap", "200",
                                    "--top-hubs", "0", "--permutations", "0", "-k", "1",
                                    "--cargo", str(cargo), "--receiver", str(receiver)])
    assert res.exit_code == 0, res.output
    assert f"line {len(decoys) + 3}: 'NOT_A_CARGO_1' not found" in res.output  # the unmapped row is reported
    view = (out / "views" / "overlay.html").read_text()
    assert "<script" not in view and "<svg" in view
    table = pd.read_csv(out / "tables" / "overlay.csv")
    direct = overlay(priors_kg, [*decoys, mirna], targets)
    assert table["cargo"].tolist() == direct["cargo"].tolist() and table["cargo"].iloc[0] == mirna
    index = (out / "index.html").read_text()
    assert "views/overlay.html" in index and "Tissue of origin of your cargo" in index and "no p-value" in index
    manifest = json.loads((out / "atlas.json").read_text())
    assert "views/overlay.html" in manifest["views"] and "overlay" in manifest["sections"]
    # cargo without a receiver: the tissue of origin only, and the index says why
    organs = tmp_path / "liver.tsv"
    organs.write_text("gene\n" + "\n".join(LIVER_SECRETED) + "\n")
    res = CliRunner().invoke(main, ["atlas", "--graph", str(graph), "--out", str(tmp_path / "a2"), "--no-exports",
                                    "--cap", "200", "--top-hubs", "0", "--permutations", "0", "-k", "1",
                                    "--cargo", str(organs)])
    assert res.exit_code == 0, res.output
    origin = pd.read_csv(tmp_path / "a2" / "tables" / "origin.csv")
    assert origin["node"].iloc[0] == LIVER
    assert "no receiver given" in (tmp_path / "a2" / "index.html").read_text()
    assert not (tmp_path / "a2" / "views" / "overlay.html").exists()
    bad = CliRunner().invoke(main, ["atlas", "--out", str(tmp_path / "a3"), "--receiver", "liver"])
    assert bad.exit_code != 0 and "--receiver needs --cargo" in bad.output
