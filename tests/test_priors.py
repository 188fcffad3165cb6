"""The nichenet and omnipath readers: directed gene edges with the source database of each."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from evgraph.cli import main
from evgraph.sources.priors import parse_nichenet, parse_omnipath

SRC = Path(__file__).parent / "fixtures" / "sources" / "priors"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EVGRAPH_CACHE", str(tmp_path / "cache"))


def test_nichenet_folder_three_networks(tmp_path):
    parsed = parse_nichenet(SRC, {})
    e = parsed.edges
    lr = e[e["evidence"].str.contains("ligand-receptor")]
    rows = list(csv.DictReader(io.StringIO((SRC / "nichenet_v1_lr_network_subset.tsv").read_text()), delimiter="\t"))
    assert set(zip(lr["subject"], lr["object"], strict=True)) == {
        (f"?sym:9606:{r['from']}", f"?sym:9606:{r['to']}") for r in rows}
    assert set(lr["predicate"]) == {"interacts_with"}
    dbs = {r["database"] for r in rows}
    assert {ev.rsplit(": ", 1)[1] for ev in lr["evidence"]} == dbs
    sig = e[e["evidence"].str.contains("signalling")]
    assert sig["subject"].str.startswith("NCBIGene:").all()
    bio = sig[sig["evidence"].str.endswith("source database: BioGRID")]
    assert len(bio) and set(bio["predicate"]) == {"interacts_with"}
    ctrl = sig[sig["evidence"].str.contains("PC-controls")]
    assert len(ctrl) == 0 or set(ctrl["predicate"]) == {"regulates"}
    gr = e[e["evidence"].str.contains("gene regulatory")]
    assert len(gr) and set(gr["predicate"]) == {"regulates"}
    assert (tmp_path / "cache" / "rdata").is_dir()  # decoded R tables cached as Parquet
    again = parse_nichenet(SRC, {})
    assert again.edges.equals(parsed.edges)
    only = parse_nichenet(SRC, {"networks": "lr"})
    assert len(only.edges) == len(lr)


def test_omnipath_signs():
    parsed = parse_omnipath(SRC / "omnipath_subset.tsv", {})
    rows = list(csv.DictReader(io.StringIO((SRC / "omnipath_subset.tsv").read_text()), delimiter="\t"))
    want = {(f"?sym:9606:{r['source']}", f"?sym:9606:{r['target']}",
             "upregulated" if r["interaction"] == "1" else "downregulated") for r in rows if r["source"] != r["target"]}
    e = parsed.edges
    assert set(zip(e["subject"], e["object"], e["direction"], strict=True)) == want
    assert set(e["predicate"]) == {"regulates"} and set(e["primary_knowledge_source"]) == {"infores:omnipath"}


def test_bad_input(tmp_path):
    bad = tmp_path / "omnipath_bad.tsv"
    bad.write_text("a\tb\nX\tY\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["build", "--source", f"omnipath={bad}", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "Traceback" not in res.output and f"{bad}:1" in res.output
    bad2 = tmp_path / "x_sig_network.rda"
    bad2.write_bytes(b"RDX2\nnot really R data")
    res = CliRunner().invoke(main, ["build", "--source", f"nichenet={bad2}", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "Traceback" not in res.output and str(bad2) in res.output


@pytest.mark.shared_data
def test_real_data_counts(shared_data):
    d = shared_data / "priors"
    rows = list(csv.DictReader(io.StringIO((d / "omnipath_carnival_signed_directed.tsv").read_text()), delimiter="\t"))
    want = {(r["source"].upper(), r["target"].upper(), r["interaction"]) for r in rows
            if r["interaction"] in ("1", "-1") and r["source"] != r["target"]}
    om = parse_omnipath(d / "omnipath_carnival_signed_directed.tsv", {})
    assert len(om.edges) == len(want)
    lr_rows = list(csv.DictReader(io.StringIO((d / "nichenet_v1_lr_network_noKEGG.tsv").read_text()), delimiter="\t"))
    lr = parse_nichenet(d / "nichenet_v1_lr_network_noKEGG.tsv", {})
    assert len(lr.edges) == len({(r["from"].upper(), r["to"].upper()) for r in lr_rows if r["from"] != r["to"]})
