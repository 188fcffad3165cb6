"""The evmirna2 reader: per-project case-control tests (PyDESeq2 / rank test + BH), cell-of-origin detections."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import evgraph
from evgraph.build.qc import BuildReport
from evgraph.cli import main
from evgraph.sources.evmirna2 import condition_table, parse_evmirna2, source_table

SRC = Path(__file__).parent / "fixtures" / "sources" / "evmirna2"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EVGRAPH_CACHE", str(tmp_path / "cache"))


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _matrix(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[0][1:], [r[0] for r in rows[1:]], np.array([[float(x) for x in r[1:]] for r in rows[1:]])


def _independent_bh(p: np.ndarray) -> np.ndarray:
    n = len(p)
    order = np.argsort(p)
    q = np.empty(n)
    prev = 1.0
    for rank in range(n, 0, -1):
        i = order[rank - 1]
        prev = min(prev, p[i] * n / rank)
        q[i] = prev
    return q


def test_fixture_projects_designs_and_qc():
    parsed = parse_evmirna2(SRC, {})
    notes = parsed.report.notes
    assert notes[0].startswith("3 projects;")
    pd_note = next(n for n in notes if n.startswith("PRJNA1123679"))
    assert "[case_control]" in pd_note and "(4) vs Healthy donor (4)" in pd_note and "PyDESeq2" in pd_note
    assert "-> MONDO:0005180 Parkinson disease" in pd_note
    gdm = next(n for n in notes if n.startswith("PRJNA472881"))
    assert "Mann-Whitney U (TPM)" in gdm and "MONDO:0005406 gestational diabetes" in gdm  # no count file
    assert any(n.startswith("PRJNA983206 [cell_source_reference, platelet]") for n in notes)
    e = parsed.edges
    ab = e[e["predicate"] == "abundance_changed_in"]
    assert set(ab["knowledge_level"]) <= {"statistical_association"}
    for ev in ab["evidence"]:
        fields = dict(x.split("=", 1) for x in ev.split("; "))
        assert float(fields["q"]) < 0.05 and abs(float(fields["log2FC"])) >= 1
        assert fields["BioProject"] in ("PRJNA1123679", "PRJNA472881")
    pdm = ab[ab["object"] == "MONDO:0005180"]
    index = {r["bioproject"]: r for r in csv.DictReader(io.StringIO(
        (SRC / "evmirna2_selected_projects.tsv").read_text()), delimiter="\t")}
    url = index["PRJNA1123679"]["reference_url"]
    want = "BioProject:PRJNA1123679" + (f"|PMID:{url.rstrip('/').rsplit('/', 1)[1]}" if "pubmed" in url else "")
    assert len(pdm) and set(pdm["publications"]) == {want}


def test_cell_of_origin_detections_match_the_tpm_file():
    parsed = parse_evmirna2(SRC, {})
    e = parsed.edges
    det = e[(e["predicate"] == "detected_in")]
    _runs, mirnas, x = _matrix(SRC / "evmirna2" / "PRJNA983206_expression.csv")
    expected = {f"evmirna:{m}" for m, row in zip(mirnas, x, strict=True)
                if row.mean() >= 10 and (row > 0).mean() >= 0.5}
    assert set(det["subject"]) == expected and set(det["object"]) == {"CL:0000233"}
    assert len(expected) > 10


def test_rank_test_matches_an_independent_computation():
    from scipy.stats import mannwhitneyu

    meta = _csv(SRC / "evmirna2" / "PRJNA472881_metadata.csv")
    case = [r["Run"] for r in meta if r["disease"] != "Healthy donor"]
    ctrl = [r["Run"] for r in meta if r["disease"] == "Healthy donor"]
    runs, mirnas, x = _matrix(SRC / "evmirna2" / "PRJNA472881_expression.csv")
    ci = [runs.index(r) for r in case]
    ki = [runs.index(r) for r in ctrl]
    keep = [i for i in range(len(mirnas)) if (x[i, ci + ki] >= 1).sum() >= min(len(ci), len(ki))]
    p = np.array([mannwhitneyu(x[i, ci], x[i, ki], alternative="two-sided").pvalue for i in keep])
    q = _independent_bh(p)
    lfc = np.array([np.log2((x[i, ci].mean() + 1) / (x[i, ki].mean() + 1)) for i in keep])
    expected = {f"evmirna:{mirnas[i]}" for i, qq, lf in zip(keep, q, lfc, strict=True) if qq < 0.2 and abs(lf) >= 0.5}
    parsed = parse_evmirna2(SRC, {"q": "0.2", "lfc": "0.5"})
    e = parsed.edges
    got = e[(e["predicate"] == "abundance_changed_in") & e["evidence"].str.contains("PRJNA472881")]
    assert set(got["subject"]) == expected
    note = next(n for n in parsed.report.notes if n.startswith("PRJNA472881"))
    assert f"{len(keep)} miRNAs tested, {len(expected)} passed" in note


def test_single_file_options_and_cache(tmp_path):
    one = parse_evmirna2(SRC / "evmirna2" / "PRJNA1123679_expression_count.csv", {})
    assert one.report.notes[0].startswith("1 projects;")
    none = parse_evmirna2(SRC, {"q": "1e-300"})
    assert not (none.edges["predicate"] == "abundance_changed_in").any()
    rank = parse_evmirna2(SRC, {"test": "rank"})
    assert "Mann-Whitney" in next(n for n in rank.report.notes if n.startswith("PRJNA1123679"))
    # PyDESeq2 results are cached by content digest and reused bit-identically
    first = parse_evmirna2(SRC, {}).edges
    cached = list((tmp_path / "cache" / "evmirna2-pydeseq2").glob("*.tsv"))
    assert len(cached) == 1
    again = parse_evmirna2(SRC, {}).edges
    assert first.equals(again)
    nocache = parse_evmirna2(SRC, {"cache": "no"}).edges
    assert sorted(nocache["evidence"]) == sorted(first["evidence"])


def test_build_and_cli(tmp_path):
    rep = BuildReport()
    kg = evgraph.build(["curated", f"evmirna2={SRC}"], report=rep)
    e = kg.edges
    ab = e[e["predicate"] == "abundance_changed_in"]
    assert len(ab) and set(ab["direction"].astype(str)) <= {"increased", "decreased"}
    ev = kg.nodes.set_index("id")
    assert ev.loc["evgraph:evmirna2-PRJNA1123679", "category"] == "EVPopulation"
    assert ev.loc["BioProject:PRJNA1123679", "category"] == "Publication"
    sampled = e[(e["predicate"] == "sampled_from") & (e["subject"] == "evgraph:evmirna2-PRJNA1123679")]
    assert sampled["object"].astype(str).tolist() == ["UBERON:0001977"]
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", "--source", f"evmirna2={SRC}#q=0.05", "--out", str(out)])
    assert res.exit_code == 0, res.output
    report = json.loads((out / "build-report.json").read_text())
    src = next(s for s in report["sources"] if s["name"] == "evmirna2")
    assert sum(1 for n in src["notes"] if n.startswith("PRJ")) >= 3


def test_bad_input(tmp_path):
    d = tmp_path / "ev"
    shutil.copytree(SRC, d)
    f = d / "evmirna2" / "PRJNA472881_expression.csv"
    lines = f.read_text().splitlines()
    cells = lines[3].split(",")
    cells[2] = "n/a"
    lines[3] = ",".join(cells)
    f.write_text("\n".join(lines) + "\n")
    res = CliRunner().invoke(main, ["build", "--source", f"evmirna2={d}", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "Traceback" not in res.output
    header = lines[0].split(",")
    assert f"{f}:4" in res.output and header[2] in res.output and "not a number" in res.output
    assert not (tmp_path / "o" / "build-report.json").exists()
    res = CliRunner().invoke(main, ["build", "--source", f"evmirna2={SRC}#q=abc", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "q" in res.output and "not a number" in res.output
    missing = tmp_path / "missing"
    res = CliRunner().invoke(main, ["build", "--source", f"evmirna2={missing}", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "not found" in res.output


def _terms(shared_data, prefix: str) -> dict:
    zstandard = pytest.importorskip("zstandard")
    path = next((shared_data / "ontologies").glob(f"{prefix}-ontology-*.json.zst"))
    with open(path, "rb") as fh:
        return json.loads(zstandard.ZstdDecompressor().stream_reader(fh).read())


@pytest.mark.shared_data
def test_mapping_tables_match_the_ontologies(shared_data):
    mondo = _terms(shared_data, "MONDO")
    for (_prj, disease), (tid, label) in condition_table().items():
        assert tid in mondo and not mondo[tid]["deprecated"], disease
        assert mondo[tid]["label"] == label, (disease, mondo[tid]["label"])
    anat = {**_terms(shared_data, "UBERON"), **_terms(shared_data, "CL")}
    for src, (tid, label, cat) in source_table().items():
        assert anat[tid]["label"] == label and not anat[tid]["deprecated"], src
        assert (cat == "CellType") == tid.startswith("CL:")
    # every run source of the case-control projects is mapped
    index = list(csv.DictReader(io.StringIO((shared_data / "ev_expression" / "evmirna2_selected_projects.tsv")
                                            .read_text()), delimiter="\t"))
    for r in index:
        if r["design"] == "case_control" and r["bioproject"] != "PRJEB48466":
            for run in _csv(shared_data / "ev_expression" / "evmirna2" / f"{r['bioproject']}_metadata.csv"):
                assert run["Source"].lower() in source_table(), (r["bioproject"], run["Source"])


@pytest.mark.shared_data
def test_parkinson_serum_real_data(shared_data):
    d = shared_data / "ev_expression" / "evmirna2"
    meta = _csv(d / "PRJNA1123679_metadata.csv")
    case = [r["Run"] for r in meta if r["disease"] == "Parkinson's disease (PD)"]
    ctrl = [r["Run"] for r in meta if r["disease"] == "Healthy donor"]
    assert (len(case), len(ctrl)) == (50, 50)
    runs, mirnas, counts = _matrix(d / "PRJNA1123679_expression_count.csv")
    ci, ki = [runs.index(r) for r in case], [runs.index(r) for r in ctrl]
    tested = [m for m, row in zip(mirnas, counts, strict=True) if (row[ci + ki] >= 10).sum() >= 50]
    parsed = parse_evmirna2(d / "PRJNA1123679_expression_count.csv", {})
    note = next(n for n in parsed.report.notes if n.startswith("PRJNA1123679"))
    assert f"{len(tested)} miRNAs tested" in note and "(50) vs Healthy donor (50)" in note
    e = parsed.edges
    ab = e[e["predicate"] == "abundance_changed_in"]
    assert len(ab) > 20 and set(ab["object"]) == {"MONDO:0005180"}
    assert all("cases=50; controls=50" in ev and "biofluid=blood serum (UBERON:0001977)" in ev for ev in ab["evidence"])
    assert {s[8:].lower() for s in ab["subject"]} <= {t.lower() for t in tested}  # miRBase case: mir -> miR
    # the sign of each change agrees with the library-size-normalised means of the raw counts
    cpm = counts / counts.sum(axis=0, keepdims=True) * 1e6
    agree = 0
    for s, direction in zip(ab["subject"], ab["direction"], strict=True):
        i = [m.lower() for m in mirnas].index(s[8:].lower())
        up = cpm[i, ci].mean() > cpm[i, ki].mean()
        agree += up == (direction == "increased")
    assert agree / len(ab) >= 0.9
