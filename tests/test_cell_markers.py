"""The cell_markers reader: CellMarker 2.0 (CL ids, PMIDs) and PanglaoDB (reviewed CL mapping)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import evgraph
from evgraph.cli import main
from evgraph.sources.cell_markers import panglao_table, parse_cell_markers

SRC = Path(__file__).parent / "fixtures" / "sources" / "cell_markers"
ORTH = Path(__file__).parent / "fixtures" / "sources" / "orthologs" / "homologene_pairs.tsv"


def _cellmarker_groups(path: Path) -> dict[tuple[str, str, str], set[str]]:
    out: dict[tuple[str, str, str], set[str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["species"] in ("Human", "Mouse") and r["cancer_type"] == "Normal" \
                    and r["cellontology_id"].startswith("CL_") and r["GeneID"].isdigit():
                key = (f"NCBIGene:{r['GeneID']}", r["cellontology_id"].replace("_", ":"),
                       "NCBITaxon:9606" if r["species"] == "Human" else "NCBITaxon:10090")
                out.setdefault(key, set())
                if r["PMID"].isdigit():
                    out[key].add(f"PMID:{r['PMID']}")
    return out


def test_fixture_markers_with_pmids():
    parsed = parse_cell_markers(SRC, {})
    e = parsed.edges
    cm = e[e["primary_knowledge_source"] == "infores:cellmarker"]
    groups = _cellmarker_groups(SRC / "cellmarker2_subset.tsv.gz")
    assert {(s, o, sp) for s, o, sp in zip(cm["subject"], cm["object"], cm["species"], strict=True)} == set(groups)
    for s, o, sp, pubs in zip(cm["subject"], cm["object"], cm["species"], cm["publications"], strict=True):
        assert set(filter(None, pubs.split("|"))) == groups[(s, o, sp)]
    pg = e[e["primary_knowledge_source"] == "infores:panglaodb"]
    assert len(pg) and set(pg["publications"]) == {""} and pg["subject"].str.startswith("?sym:9606:").all()
    assert set(pg["object"]) <= {v[0] for v in panglao_table().values()}
    assert set(e["predicate"]) == {"marker_of"}


def test_build_maps_mouse_markers_to_human_and_cancer_option():
    kg = evgraph.build([f"orthologs={ORTH}", f"cell_markers={SRC / 'cellmarker2_subset.tsv.gz'}"])
    e = kg.edges
    mouse = e[e["species"].astype(str) == "NCBITaxon:10090"]
    if len(mouse):
        assert not mouse["object"].astype(str).str.startswith("NCBIGene").any()
    with_cancer = parse_cell_markers(SRC / "cellmarker2_subset.tsv.gz", {"cancer": "yes"})
    assert len(with_cancer.edges) >= len(parse_cell_markers(SRC / "cellmarker2_subset.tsv.gz", {}).edges)


def test_bad_input(tmp_path):
    bad = tmp_path / "cellmarker_bad.tsv"
    bad.write_text("species\tSymbol\nHuman\tCD68\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["build", "--source", f"cell_markers={bad}", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "Traceback" not in res.output and f"{bad}:1" in res.output
    assert "unknown column layout" in res.output


@pytest.mark.shared_data
def test_panglao_table_matches_cl(shared_data):
    zstandard = pytest.importorskip("zstandard")
    path = next((shared_data / "ontologies").glob("CL-ontology-*.json.zst"))
    with open(path, "rb") as fh:
        terms = json.loads(zstandard.ZstdDecompressor().stream_reader(fh).read())
    for name, (tid, label) in panglao_table().items():
        assert tid in terms and not terms[tid]["deprecated"], name
        assert terms[tid]["label"] == label, (name, terms[tid]["label"])


@pytest.mark.shared_data
def test_real_data_counts(shared_data):
    d = shared_data / "cell_markers"
    groups = _cellmarker_groups(d / "cellmarker2_all.tsv.gz")
    parsed = parse_cell_markers(d, {})
    e = parsed.edges
    cm = e[e["primary_knowledge_source"] == "infores:cellmarker"]
    assert len(cm) == len(groups) > 20000
    rows = list(csv.DictReader(io.StringIO((d / "panglaodb_markers_27_Mar_2020.tsv").read_text()), delimiter="\t"))
    table = panglao_table()
    expected = {(r["official gene symbol"].strip().upper(), table[r["cell type"].lower()][0]) for r in rows
                if "Hs" in r["species"].split() and r["cell type"].lower() in table and r["official gene symbol"]}
    pg = e[e["primary_knowledge_source"] == "infores:panglaodb"]
    assert {(s[10:], o) for s, o in zip(pg["subject"], pg["object"], strict=True)} == expected
