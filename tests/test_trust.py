"""Issue 11: analytics an EV biologist can trust (signs, coherence, roll-up, vocabulary-free hubs,
calibrated connectivity). Properties, not exact scores: the curated statements may be re-scored."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from evgraph.analytics import paths
from evgraph.analytics.closure import related, rolled_up
from evgraph.analytics.path_evidence import BRIDGE_PENALTY, coherence, hop_sign, path_evidence, path_sign
from evgraph.cli import main


# ---------------------------------------------------------------------- sign algebra
def test_hop_sign_algebra():
    assert hop_sign("contributes_to", "increased") == 1
    assert hop_sign("regulates", "downregulated") == -1
    assert hop_sign("affects", "") is None  # a signed hop without direction is unknown
    assert hop_sign("biomarker_for", "") == 0  # biomarker_for is signed only with a direction
    assert hop_sign("biomarker_for", "decreased") == -1
    for rel in ("releases", "carries", "taken_up_by", "homes_to", "released_in", "part_of", "participates_in",
                "associated_with", "interacts_with", "subclass_of"):
        assert hop_sign(rel, "increased") == 0
    assert hop_sign("affects", "increased|decreased") is None  # conflicting parallel edges
    h = [{"relationship": "regulates", "direction": "downregulated"},
         {"relationship": "affects", "direction": "decreased"}]
    assert path_sign(h) == "increases"  # (-1) * (-1)
    assert path_sign(h[:1]) == "decreases"
    assert path_sign([{"relationship": "carries", "direction": ""}]) == "unknown"  # nothing signed


def test_coherence_and_evidence_rules():
    def hop(st, to_class, conf=0.8, to="X"):
        return {"relationship": "releases", "statements": st, "to_class": to_class, "to": to, "confidence": conf}

    one = [hop(["A"], "EVPopulation"), hop(["A"], "Condition")]
    assert coherence(one)["coherence"] == "single_statement"
    assert path_evidence(one) == pytest.approx(0.8)  # one statement counts once
    bridged = [hop(["A"], "CellType", to="CL:1"), hop(["B"], "EVPopulation", 0.6), hop(["B"], "Condition", 0.6)]
    c = coherence(bridged)
    assert c["coherence"] == "bridged" and c["bridged_at"] == ["CL:1"] and c["statements"] == ["A", "B"]
    assert path_evidence(bridged) == pytest.approx(0.8 * 0.6 * BRIDGE_PENALTY)
    linked = [hop(["A"], "MicroRNA", to="mirbase:1"), hop(["B"], "Condition", 0.6)]  # same cargo
    assert coherence(linked)["coherence"] == "linked"
    assert path_evidence(linked) == pytest.approx(0.48)
    via_db = [hop(["A"], "Gene"), hop([], "Pathway", 0.9), hop(["B"], "Condition", 0.6)]
    assert coherence(via_db)["coherence"] == "linked"  # joined by an explicit database edge
    assert coherence(bridged, grouping={"CL:1"})["coherence"] == "bridged"


# ---------------------------------------------------------------------- paths on the curated KB
def _check_records(df):
    assert len(df) > 0
    for _, r in df.iterrows():
        assert r["sign"] in ("increases", "decreases", "unknown")
        assert r["coherence"] in ("single_statement", "linked", "bridged")
        assert r["hypothesis"] == (r["coherence"] == "bridged")
        assert r["hypothesis"] == r["path"].startswith("HYPOTHESIS")
        assert bool(r["bridged_at"]) == r["hypothesis"]
        assert 0 < r["evidence"] <= 1 and r["evidence"] == r["evidence"]  # never NaN
        assert path_sign(r["hops"]) == r["sign"]  # the sign recomputed from the hops matches
        assert r["via_closure"] == any(h["via_closure"] for h in r["hops"])
        stmts = sorted({s for h in r["hops"] for s in h["statements"]})
        assert stmts == r["statements"]
        for h in r["hops"]:
            assert isinstance(h["species"], list)


@pytest.mark.parametrize("source,target", [("obesity disorder", "Alzheimer disease"),
                                           ("obesity disorder", "atherosclerosis"),
                                           ("MONDO:0005148", "MONDO:0004975")])
def test_every_path_has_sign_coherence_statements_evidence(kg, source, target):
    _check_records(paths(kg, source, target, k=30))


def test_obesity_alzheimer_closure_route_in_top3(kg):
    df = paths(kg, "obesity disorder", "Alzheimer disease", k=10)
    top = df.head(3)
    hit = top[top["statements"].map(lambda s: "MC005" in s) & top["via_closure"]]
    assert len(hit) >= 1, df[["metapath", "statements", "path"]]
    rec = hit.iloc[0]
    assert rec["coherence"] == "single_statement" and rec["sign"] == "increases"
    closure_hops = [h for h in rec["hops"] if h["via_closure"]]
    assert closure_hops and closure_hops[-1]["to"] == "MONDO:0004975"
    assert closure_hops[-1]["from"] == "MONDO:0002039"  # cognitive disorder
    assert closure_hops[-1]["edges"], "the roll-up hop names the ontology edge behind it"
    # the spliced MC005 + NO002 route is a hypothesis and ranks below the direct evidence
    spliced = df[df["statements"].map(lambda s: {"MC005", "NO002"} <= set(s))]
    assert len(spliced) and spliced["hypothesis"].all()
    assert spliced["rank"].min() > rec["rank"]
    # without roll-up the closure route disappears
    off = paths(kg, "obesity disorder", "Alzheimer disease", k=10, closure=False)
    assert not off["via_closure"].any()


def test_obesity_atherosclerosis_protective_routes_are_decreases(kg):
    df = paths(kg, "obesity disorder", "atherosclerosis", k=30)
    ec = df[df["statements"].map(lambda s: bool({"MC012", "MC013"} & set(s)))]
    assert len(ec) >= 1
    assert set(ec["sign"]) == {"decreases"}
    assert set(paths(kg, "obesity disorder", "atherosclerosis", sign="decreases")["sign"]) == {"decreases"}
    coherent = paths(kg, "obesity disorder", "atherosclerosis", coherent=True, k=30)
    assert not coherent["hypothesis"].any() and len(coherent) < len(df)
    strong = paths(kg, "obesity disorder", "atherosclerosis", min_evidence=0.5, k=30)
    assert (strong["evidence"] >= 0.5).all() and len(strong) <= len(df)


def test_no_vocabulary_junctions_by_default(kg):
    from evgraph.analytics.grouping import excluded_nodes

    blocked = excluded_nodes(kg)
    df = paths(kg, "obesity disorder", "Alzheimer disease", k=50, max_length=6)
    for nodes in df["nodes"]:
        assert not any(blocked[kg.index_of(n)] for n in nodes[1:-1])


def test_rollup_any_part_of_and_subclass(kg):
    ad = kg.index_of("MONDO:0004975")
    rel = {kg.nodes["id"].iat[c]: d for c, d, _ in related(kg, ad)}
    assert rel.get("MONDO:0002039") == "broader"
    assert "MONDO:0004975" in rolled_up(kg, "cognitive disorder")


def test_cli_paths_labels_hypotheses(kg):
    r = CliRunner()
    res = r.invoke(main, ["paths", "obesity disorder", "Alzheimer disease", "--format", "json"], obj={})
    assert res.exit_code == 0, res.output
    recs = json.loads(res.stdout)
    assert any(rec["hypothesis"] for rec in recs)
    assert all(rec["path"].startswith("HYPOTHESIS") == rec["hypothesis"] for rec in recs)
    res = r.invoke(main, ["paths", "obesity disorder", "Alzheimer disease"], obj={})
    assert res.exit_code == 0 and "HYPOTHESIS" in res.stdout and "sign" in res.stdout and "coherence" in res.stdout
    res = r.invoke(main, ["paths", "obesity disorder", "Alzheimer disease", "--coherent", "--format", "json"],
                   obj={})
    assert res.exit_code == 0 and not any(rec["hypothesis"] for rec in json.loads(res.stdout))


def test_bad_input_is_one_line(kg):
    r = CliRunner()
    res = r.invoke(main, ["paths", "no such node", "Alzheimer disease"], obj={})
    assert res.exit_code != 0
    errors = [x for x in res.output.splitlines() if "error" in x]
    assert len(errors) == 1 and "no such node" in errors[0], res.output
    res = r.invoke(main, ["paths", "obesity disorder", "Alzheimer disease", "--metapath", "OrEV"], obj={})
    assert res.exit_code != 0 and "metapath" in res.output
