"""The orthologs reader: HomoloGene layouts, mouse/rat genes onto human nodes, QC rates."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

import evgraph
from evgraph.build.qc import BuildReport
from evgraph.cli import main
from evgraph.sources.orthologs import parse_orthologs

SRC = Path(__file__).parent / "fixtures" / "sources" / "orthologs"


def _build(orth: Path):
    rep = BuildReport()
    kg = evgraph.build([f"orthologs={orth}", f"exocarta={SRC / 'EXOCARTA_PROTEIN_MRNA_DETAILS_test.txt'}"], report=rep)
    return kg, rep


@pytest.mark.parametrize("layout", ["homologene_pairs.tsv", "homologene.data.gz"])
def test_mouse_and_rat_genes_land_on_human_nodes(layout):
    kg, rep = _build(SRC / layout)
    e = kg.edges
    carries = e[e["predicate"] == "carries"]
    objs = set(carries["object"].astype(str))
    assert {"NCBIGene:3684", "NCBIGene:967"} <= objs  # ITGAM (mouse Itgam), CD63 (mouse, rat, human)
    assert "NCBIGene:16409" not in objs and "NCBIGene:12512" not in objs and "NCBIGene:29186" not in objs
    assert "NCBIGene:99999999" in objs  # no ortholog: keeps its own id
    mouse = carries[(carries["object"] == "NCBIGene:3684")]
    assert mouse["species"].astype(str).tolist() == ["NCBITaxon:10090"]  # the organism observed is kept
    assert "ortholog: NCBIGene:16409 (Itgam, mouse) -> human, HomoloGene:526 (1:1)" in mouse["evidence"].iloc[0]
    cd63 = carries[carries["object"] == "NCBIGene:967"]
    assert sorted(cd63["species"].astype(str)) == ["NCBITaxon:10090", "NCBITaxon:10116", "NCBITaxon:9606"]
    node = kg.nodes.set_index("id").loc["NCBIGene:3684"]
    assert node["label"] == "ITGAM" and "NCBIGene:16409" in node["xrefs"]
    exo = next(s for s in rep.sources if s.name == "exocarta")
    assert exo.mappings["mouse gene -> human ortholog (HomoloGene)"] == {"mapped": 2, "total": 3, "rate": 0.6667}
    assert exo.mappings["rat gene -> human ortholog (HomoloGene)"]["mapped"] == 1


def test_many_to_many_groups_are_flagged():
    parsed = parse_orthologs(SRC / "homologene_pairs.tsv", {})
    pairs = parsed.extra["orthologs"]
    c4 = pairs[pairs["hid"] == "36030"]
    assert set(c4["kind"]) == {"many-to-many"} and len(c4) == 8
    assert set(pairs.loc[pairs["hid"] == "526", "kind"]) == {"1:1"}
    assert any("mouse: 9 genes with a human ortholog (1:1 7, many-to-many 2)" in n for n in parsed.report.notes)


def test_bad_orthologs_file_fails_cleanly(tmp_path):
    bad = tmp_path / "homologene_bad.tsv"
    bad.write_text("a\tb\n1\t2\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["build", "--source", f"orthologs={bad}", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"{bad}:1" in res.output and "unknown column layout" in res.output
    missing = tmp_path / "nope"
    res = CliRunner().invoke(main, ["build", "--source", f"orthologs={missing}", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "not found" in res.output


@pytest.mark.shared_data
def test_homologene_real_data_and_exocarta(shared_data):
    path = shared_data / "orthologs" / "homologene68_updated_human_mouse_rat.tsv"
    rows = list(csv.DictReader(io.StringIO(path.read_text()), delimiter="\t"))
    mouse = {r["other_gene_id"] for r in rows if r["other_taxon_id"] == "10090"}
    rat = {r["other_gene_id"] for r in rows if r["other_taxon_id"] == "10116"}
    parsed = parse_orthologs(shared_data / "orthologs", {})
    pairs = parsed.extra["orthologs"]
    assert set(pairs.loc[pairs["taxon"] == "10090", "other"]) == mouse
    assert set(pairs.loc[pairs["taxon"] == "10116", "other"]) == rat
    assert len(pairs) == len(rows) == 33956
    # ExoCarta mouse genes: every one with a HomoloGene pair lands on its human ortholog
    rep = BuildReport()
    kg = evgraph.build([f"orthologs={shared_data / 'orthologs'}", f"exocarta={shared_data / 'ev_cargo'}"], report=rep)
    exo = list(csv.DictReader(io.StringIO((shared_data / "ev_cargo" / "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt")
                                          .read_text()), delimiter="\t"))
    exo_mouse = {r["ENTREZ GENE ID"] for r in exo if r["SPECIES"] == "Mus musculus" and r["ENTREZ GENE ID"].isdigit()}
    e = kg.edges
    gene_objs = set(e.loc[e["predicate"] == "carries", "object"].astype(str))
    assert not {f"NCBIGene:{g}" for g in exo_mouse & mouse} & gene_objs
    human_of = {}
    for r in rows:
        if r["other_taxon_id"] == "10090":
            human_of.setdefault(r["other_gene_id"], set()).add(f"NCBIGene:{r['human_gene_id']}")
    assert set().union(*(human_of[g] for g in exo_mouse & mouse)) <= gene_objs
    m = next(s for s in rep.sources if s.name == "exocarta").mappings["mouse gene -> human ortholog (HomoloGene)"]
    assert m["mapped"] == len(exo_mouse & mouse) and m["total"] == len(exo_mouse)


def test_mouse_vesiclepedia_and_mirtarbase_genes_land_on_human_nodes():
    rep = BuildReport()
    kg = evgraph.build([f"orthologs={SRC / 'homologene_pairs.tsv'}",
                        f"vesiclepedia={SRC / 'Vesiclepedia_protein_mRNA_details_test.txt'}",
                        f"mirtarbase={SRC / 'mmu_MTI_test.tsv'}"], report=rep)
    e = kg.edges
    ves = e[(e["primary_knowledge_source"] == "infores:vesiclepedia") & (e["predicate"] == "carries")]
    assert set(ves["object"].astype(str)) == {"NCBIGene:967", "NCBIGene:10015"}  # CD63, PDCD6IP (human)
    mouse_cd63 = ves[(ves["object"] == "NCBIGene:967") & (ves["species"].astype(str) == "NCBITaxon:10090")]
    assert "ortholog: NCBIGene:12512 (Cd63, mouse) -> human, HomoloGene:37526 (1:1)" in mouse_cd63["evidence"].iloc[0]
    mti = e[e["primary_knowledge_source"] == "infores:mirtarbase"]
    assert mti["object"].astype(str).tolist() == ["NCBIGene:1072"]  # mouse Cfl1 -> human CFL1
    assert "ortholog: NCBIGene:12631 (Cfl1, mouse)" in mti["evidence"].iloc[0]
    ves_rep = next(s for s in rep.sources if s.name == "vesiclepedia")
    assert ves_rep.mappings["mouse gene -> human ortholog (HomoloGene)"] == {"mapped": 2, "total": 2, "rate": 1.0}
