"""Edge identity (issue 18, F2): distinct facts never collapse, duplicates are merged in the open.

A generated edge id hashes every field of the record, so two records that differ in species,
evidence, confidence or anything else are two edges; records equal in every field are one
fact stated twice and are merged, counted per source in the QC report with file:line; an
explicit id (KGX) shared by two different edges stops the build with one line naming both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import evgraph
from evgraph.build.builder import GraphBuilder
from evgraph.build.qc import BuildReport
from evgraph.cli import main
from evgraph.errors import ValidationError

FIX = Path(__file__).resolve().parent / "fixtures" / "sources"
NODES = pd.DataFrame({"id": ["CHEBI:16113", "evgraph:EV_test"], "category": ["Lipid", "EVPopulation"],
                      "label": ["cholesterol", "exosome"]})


def _edge(**kw) -> dict:
    base = {"subject": "evgraph:EV_test", "predicate": "carries", "object": "CHEBI:16113",
            "publications": "PMID:19056867", "species": "NCBITaxon:9606", "confidence": 0.7,
            "primary_knowledge_source": "infores:vesiclepedia", "evidence": "Mass spectrometry"}
    return {**base, **kw}


def _build(rows: list[dict], file: str = "edges.tsv") -> tuple[evgraph.KnowledgeGraph, GraphBuilder]:
    b = GraphBuilder()
    b.add_nodes(NODES, file="nodes.tsv")
    b.add_edges(pd.DataFrame(rows).assign(_line=range(2, len(rows) + 2)), file=file)
    return b.build(), b


@pytest.mark.parametrize("field,value", [("species", "NCBITaxon:10090"), ("evidence", "Western blot"),
                                         ("confidence", 0.4), ("direction", "upregulated"),
                                         ("primary_knowledge_source", "infores:exocarta")])
def test_records_differing_in_one_field_are_two_edges(field, value):
    kg, b = _build([_edge(), _edge(**{field: value})])
    assert kg.num_edges == 2 and b.merges == []
    assert kg.edges["id"].nunique() == 2


def test_identical_records_are_merged_and_recorded():
    kg, b = _build([_edge(), _edge(species="NCBITaxon:10090"), _edge()])
    assert kg.num_edges == 2
    assert [(m.file, m.line, m.kept_file, m.kept_line) for m in b.merges] == [("edges.tsv", 4, "edges.tsv", 2)]


def test_ids_are_stable_and_deterministic():
    one, _ = _build([_edge(), _edge(species="NCBITaxon:10090")])
    two, _ = _build([_edge(species="NCBITaxon:10090"), _edge()])
    assert sorted(one.edges["id"]) == sorted(two.edges["id"])
    assert all(i.startswith("evgraph:E") and len(i) == len("evgraph:E") + 16 for i in one.edges["id"])


def test_explicit_duplicate_id_with_different_content_is_an_error():
    with pytest.raises(ValidationError) as err:
        _build([_edge(id="kgx:e1"), _edge(id="kgx:e1", species="NCBITaxon:10090")])
    msg = str(err.value)
    assert msg.startswith("edges.tsv:3: field 'id':") and "already used at edges.tsv:2" in msg


def test_explicit_duplicate_id_with_the_same_content_is_merged():
    kg, b = _build([_edge(id="kgx:e1"), _edge(id="kgx:e1")])
    assert kg.num_edges == 1 and len(b.merges) == 1 and b.merges[0].id == "kgx:e1"


@pytest.mark.parametrize("bad", ["tab\there", "new\nline", "nul\x00", "line\u2028sep", "x" * 513])
def test_malformed_edge_ids_are_refused(bad):
    with pytest.raises(ValidationError, match="field 'id'"):
        _build([_edge(id=bad)])


def test_vesiclepedia_lipid_in_human_and_mouse_is_two_edges(tmp_path):
    """The issue's reproducer: one lipid, one experiment, two species rows."""
    folder = tmp_path / "ves"
    shutil.copytree(FIX / "vesiclepedia", folder)
    lipid = folder / "Vesiclepedia_lipid_details.txt"
    lines = lipid.read_text().splitlines()
    lines = [lines[0], "1\tlipid\tCholesterol\tHomo sapiens\t15\tMass spectrometry",
             "2\tlipid\tCholesterol\tMus musculus\t15\tMass spectrometry"]
    lipid.write_text("\n".join(lines) + "\n")
    report = BuildReport()
    kg = evgraph.build([f"vesiclepedia={folder}"], report=report)
    e = kg.edges[(kg.edges["predicate"] == "carries") & kg.edges["object"].astype(str).str.contains("holesterol|CHEBI")]
    lipid_edges = e[kg.node_class[kg.dst[e.index]] == "Lipid"] if len(e) else e
    assert sorted(lipid_edges["species"].astype(str)) == ["NCBITaxon:10090", "NCBITaxon:9606"]
    src = next(s for s in report.sources if s.name == "vesiclepedia")
    assert src.edges_merged == 0


def test_qc_report_counts_merges_per_source_with_examples(kg, tmp_path):
    kgx = tmp_path / "kgx"
    res = CliRunner().invoke(main, ["export", "kgx", "--out", str(kgx)])
    assert res.exit_code == 0, res.output
    edges = (kgx / "edges.tsv").read_text().splitlines()
    (kgx / "edges.tsv").write_text("\n".join([*edges, edges[1], edges[2]]) + "\n")  # two rows stated twice
    report = BuildReport()
    back = evgraph.build([f"kgx={kgx}"], report=report)
    src = next(s for s in report.sources if s.name == "kgx")
    assert src.edges_merged == 2 and back.num_edges == kg.num_edges
    assert src.merge_examples[0] == f"{kgx / 'edges.tsv'}:{len(edges) + 1}: same as {kgx / 'edges.tsv'}:2"
    assert "merged 2 edge records" in report.summary()
    assert [s["edges_merged"] for s in report.to_dict()["sources"]] == [2]


def test_kgx_duplicate_id_with_different_content_stops_the_cli_build(tmp_path):
    kgx = tmp_path / "kgx"
    assert CliRunner().invoke(main, ["export", "kgx", "--out", str(kgx)]).exit_code == 0
    edges = (kgx / "edges.tsv").read_text().splitlines()
    header = edges[0].split("\t")
    first = edges[1].split("\t")
    n = next(i for i, e in enumerate(edges[2:], 2)  # a row of another subject/object pair
             if e.split("\t")[header.index("subject")] != first[header.index("subject")])
    row = edges[n].split("\t")
    row[header.index("id")] = first[header.index("id")]  # reuse the first edge's id
    edges[n] = "\t".join(row)
    (kgx / "edges.tsv").write_text("\n".join(edges) + "\n")
    res = CliRunner().invoke(main, ["build", "--source", f"kgx={kgx}", "--out", str(tmp_path / "g")])
    assert res.exit_code == 1 and not (tmp_path / "g").exists()
    line = res.stderr.splitlines()[0]
    assert line.startswith(f"evgraph: error: {kgx / 'edges.tsv'}:{n + 1}: field 'id'")
    assert ":2 by a different edge" in line


def test_disgenet_loses_no_association(shared_data):
    """On the real DisGeNET v3 file every mapped row is an edge (47 were lost before)."""
    report = BuildReport()
    dgn = shared_data / "gene_disease" / "disgenet_v3_curated_gene_disease_associations.txt.gz"
    kg = evgraph.build([f"ontologies={shared_data / 'ontologies' / 'HumanDO_2016.obo'}", f"disgenet={dgn}"],
                       report=report)
    src = next(s for s in report.sources if s.name == "disgenet")
    built = int((kg.edges["primary_knowledge_source"].astype(str) == "infores:disgenet").sum())
    # a UMLS id with two DOID xrefs expands to two edges, so rows map to at least one edge each
    assert built >= src.rows_read - sum(src.skipped_counts.values()) - src.edges_merged
    assert built == src.edges
