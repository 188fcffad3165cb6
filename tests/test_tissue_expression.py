"""The tissue_expression reader: HPA/GTEx specificity classes, folds, the reviewed UBERON mapping."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import evgraph
from evgraph.build.qc import BuildReport
from evgraph.cli import main
from evgraph.sources.tissue_expression import parse_tissue_expression, tissue_table

SRC = Path(__file__).parent / "fixtures" / "sources" / "tissue_expression"
GENES = Path(__file__).parent / "fixtures" / "sources" / "genes_hetionet_nodes.tsv"


def test_folder_classes_and_folds():
    parsed = parse_tissue_expression(SRC, {})
    e = parsed.edges
    hpa = e[e["primary_knowledge_source"] == "infores:hpa"]
    # 11 rows: 2 'All' rows add nothing, 9 specific rows
    assert len(hpa) == 9
    assert parsed.report.skipped["not tissue-specific (expressed in all, mixed or not expressed)"] == 2
    alb = hpa[hpa["subject"] == "?sym:9606:ALB"].iloc[0]
    assert alb["object"] == "UBERON:0002107" and alb["confidence"] == 0.8
    # fold = liver TPM / highest other tissue TPM, from the TPM table beside it
    tpm = {}
    with gzip.open(SRC / "tissueenrich_hpa_v18_tissue_tpm.tsv.gz", "rt") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            tpm[r["symbol"]] = {k: float(v) for k, v in r.items() if k not in ("ensembl_gene_id", "symbol")}
    liver = tpm["ALB"]["Liver"]
    other = max(v for k, v in tpm["ALB"].items() if k != "Liver")
    assert f"fold={liver / other:.2f}" in alb["evidence"] and "specificity=tissue enriched" in alb["evidence"]
    myh7 = hpa[hpa["subject"] == "?sym:9606:MYH7"]
    assert set(myh7["object"]) == {"UBERON:0002349", "UBERON:0001134"} and set(myh7["confidence"]) == {0.7}
    apoa1 = hpa[hpa["subject"] == "?sym:9606:APOA1"]
    assert all("tissue enhanced" in ev for ev in apoa1["evidence"])
    gtex = e[e["primary_knowledge_source"] == "infores:gtex"]  # the CSV header variant
    assert len(gtex) == 4 and "no TPM table" in " ".join(parsed.report.notes)


def test_build_resolves_symbols_and_class_option():
    kg = evgraph.build([f"genes={GENES}", f"tissue_expression={SRC}#classes=enriched"])
    e = kg.edges[kg.edges["predicate"] == "expressed_in"]
    assert len(e) and all("tissue enriched" in ev for ev in e["evidence"])
    assert set(e["object"].astype(str)) <= {v[0] for v in tissue_table().values()}


def test_bad_input(tmp_path):
    bad = tmp_path / "x_tissue_specific_genes.tsv"
    bad.write_text("gene\tsymbol\nENSG1\tALB\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["build", "--source", f"tissue_expression={bad}", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "Traceback" not in res.output and f"{bad}:1" in res.output
    assert "no column 'tissue'" in res.output
    res = CliRunner().invoke(main, ["build", "--source", f"tissue_expression={SRC}#classes=weird",
                                    "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "classes" in res.output


@pytest.mark.shared_data
def test_tissue_table_matches_uberon(shared_data):
    zstandard = pytest.importorskip("zstandard")
    path = next((shared_data / "ontologies").glob("UBERON-ontology-*.json.zst"))
    with open(path, "rb") as fh:
        terms = json.loads(zstandard.ZstdDecompressor().stream_reader(fh).read())
    for name, (tid, label, cat) in tissue_table().items():
        assert tid in terms and not terms[tid]["deprecated"], name
        assert terms[tid]["label"] == label, (name, terms[tid]["label"], label)
        assert cat == "Organ"
    # every tissue of both TissueEnrich datasets is mapped
    for f in ("tissueenrich_hpa_v18_tissue_specific_genes.tsv", "tissueenrich_gtex_tissue_specific_genes.tsv"):
        rows = csv.DictReader(io.StringIO((shared_data / "tissue_expression" / f).read_text()), delimiter="\t")
        names = {r["tissue"] for r in rows} - {"All"}
        assert {n.lower() for n in names} <= set(tissue_table())


@pytest.mark.shared_data
def test_real_data_counts(shared_data):
    d = shared_data / "tissue_expression"
    expected, distinct = 0, set()
    for f in ("tissueenrich_hpa_v18_tissue_specific_genes.tsv", "tissueenrich_gtex_tissue_specific_genes.tsv"):
        for r in csv.DictReader(io.StringIO((d / f).read_text()), delimiter="\t"):
            if r["group"] in ("Tissue-Enriched", "Group-Enriched", "Tissue-Enhanced") and r["symbol"]:
                expected += 1
                distinct.add((f, r["symbol"].upper(), r["tissue"]))
    parsed = parse_tissue_expression(d, {})
    assert parsed.report.imported == expected
    assert len(parsed.edges) == len(distinct)  # one edge per (dataset, gene symbol, tissue)
    assert parsed.edges["evidence"].str.contains("fold=").mean() > 0.95
    rep = BuildReport()
    kg = evgraph.build([f"genes={shared_data / 'hetionet' / 'hetionet-v1.0-nodes.tsv'}",
                        f"tissue_expression={d}"], report=rep)
    src = next(s for s in rep.sources if s.name == "tissue_expression")
    m = src.mappings["gene symbol -> NCBI Gene"]
    assert m["rate"] > 0.9
    assert (kg.edges["predicate"] == "expressed_in").sum() == src.edges
