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
    # the original id and the group are typed fields of every mapped edge (mouse and rat)
    exo_rat = {r["ENTREZ GENE ID"] for r in exo
               if r["SPECIES"] == "Rattus norvegicus" and r["ENTREZ GENE ID"].isdigit()}
    for r in rows:
        if r["other_taxon_id"] == "10116":
            human_of.setdefault(r["other_gene_id"], set()).add(f"NCBIGene:{r['human_gene_id']}")
    # rows labelled human whose id is a mouse/rat gene (a source inconsistency) move too, and are counted
    exo_human_other = {r["ENTREZ GENE ID"] for r in exo if r["SPECIES"] == "Homo sapiens"} & (mouse | rat)
    moved = e[e["ortholog_object"].astype(str) != ""]
    assert set(moved["ortholog_object"].astype(str)) == {
        f"NCBIGene:{g}" for g in (exo_mouse & mouse) | (exo_rat & rat) | exo_human_other}
    mislabelled = moved[moved["species"].astype(str) == "NCBITaxon:9606"]
    assert set(mislabelled["ortholog_object"].astype(str)) == {f"NCBIGene:{g}" for g in exo_human_other} != set()
    note = next(n for n in next(s for s in rep.sources if s.name == "exocarta").notes if "labelled human" in n)
    assert note.startswith(f"{len(mislabelled)} edges labelled human")
    for orig, obj in zip(moved["ortholog_object"].astype(str), moved["object"].astype(str), strict=True):
        assert obj in human_of[orig.split(":")[1]]
    assert moved["ortholog_group"].astype(str).str.fullmatch(r"HomoloGene:\d+ \((1:1|one-to-many|many-to-one|"
                                                             r"many-to-many)\)").all()
    assert (e.loc[e["ortholog_object"].astype(str) == "", "ortholog_group"].astype(str) == "").all()
    # the rate per species: rat ExoCarta genes get their own line
    assert exo_rat
    m = next(s for s in rep.sources if s.name == "exocarta").mappings["rat gene -> human ortholog (HomoloGene)"]
    assert m["mapped"] == len(exo_rat & rat) and m["total"] == len(exo_rat)

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


@pytest.fixture(scope="module")
def mouse_vesiclepedia():
    return evgraph.build([f"orthologs={SRC / 'homologene_pairs.tsv'}",
                          f"vesiclepedia={SRC / 'Vesiclepedia_protein_mRNA_details_test.txt'}"])


def test_ortholog_provenance_is_typed_in_every_export(mouse_vesiclepedia, tmp_path):
    """Vesiclepedia's format, mouse rows: the original mouse id and the HomoloGene group reach KGX, Neo4j
    CSV, RDF (an NCBI Gene IRI and a literal, SHACL-valid) and the embedded Cypher engine."""
    from evgraph.formats.kgx import write_kgx
    from evgraph.formats.neo4j_csv import write_neo4j_csv
    from evgraph.formats.rdf import to_rdf_string
    from evgraph.formats.rdf.shacl import validate_kg
    from evgraph.query import embedded_engine

    kg = mouse_vesiclepedia
    e = kg.edges
    moved = e[e["ortholog_object"].astype(str) != ""].assign(id=lambda d: d["id"].astype(str))
    want = {("NCBIGene:967", "NCBIGene:12512", "HomoloGene:37526 (1:1)"),
            ("NCBIGene:10015", "NCBIGene:18571", "HomoloGene:22614 (1:1)")}
    assert set(zip(moved["object"].astype(str), moved["ortholog_object"].astype(str),
                   moved["ortholog_group"].astype(str), strict=True)) == want
    assert (moved["species"].astype(str) == "NCBITaxon:10090").all()  # the organism observed stays
    human = e[(e["predicate"] == "carries") & (e["species"].astype(str) == "NCBITaxon:9606")]
    assert (human["ortholog_object"].astype(str) == "").all()

    write_kgx(kg, tmp_path / "kgx")
    rows = list(csv.DictReader((tmp_path / "kgx" / "edges.tsv").open(encoding="utf-8"), delimiter="\t"))
    assert {(r["object"], r["ortholog_object"], r["ortholog_group"]) for r in rows if r["ortholog_object"]} == want
    write_neo4j_csv(kg, tmp_path / "neo")
    text = (tmp_path / "neo" / "relationships-CARRIES.csv").read_text(encoding="utf-8")
    assert "ortholog_object" in text.splitlines()[0] and "ortholog_group:string[]" in text.splitlines()[0]
    assert "NCBIGene:12512" in text and "HomoloGene:37526 (1:1)" in text
    nt = to_rdf_string(kg, "nt")
    ev = "https://w3id.org/evgraph/"
    assert f"<{ev}ortholog_object> <http://identifiers.org/ncbigene/12512> ." in nt
    assert f'<{ev}ortholog_group> "HomoloGene:37526 (1:1)" .' in nt
    assert validate_kg(kg) == []
    from evgraph.build.builder import GraphBuilder
    from evgraph.formats.kgx import read_kgx
    from evgraph.formats.rdf import read_rdf, write_rdf

    write_rdf(kg, tmp_path / "kg.ttl", "ttl")
    for records in (read_rdf(tmp_path / "kg.ttl"), read_kgx(tmp_path / "kgx")):  # both read back
        b = GraphBuilder()
        b.add(records)
        back = b.build().edges
        got = back[back["ortholog_object"].astype(str) != ""]
        assert set(zip(got["object"].astype(str), got["ortholog_object"].astype(str),
                       got["ortholog_group"].astype(str), strict=True)) == want
    df = embedded_engine(kg).run("MATCH (:EVPopulation)-[r:CARRIES]->(g:Gene) WHERE r.ortholog_object IS NOT NULL "
                                 "RETURN g.id AS gene, r.ortholog_object AS mouse, r.ortholog_group AS grp")
    assert {(g, m, grp[0]) for g, m, grp in zip(df["gene"], df["mouse"], df["grp"], strict=True)} == want


@pytest.mark.neo4j
def test_ortholog_provenance_on_a_real_neo4j(mouse_vesiclepedia, neo4j_server):
    from evgraph.query.neo4j import clear_graph, load_graph

    kg = mouse_vesiclepedia
    clear_graph(kg, neo4j_server)
    try:
        load_graph(kg, neo4j_server, progress=False)
        df = neo4j_server.run("MATCH ()-[r:CARRIES]->(g) WHERE r.ortholog_object IS NOT NULL "
                              "RETURN g.id AS gene, r.ortholog_object AS mouse, r.ortholog_group AS grp ORDER BY gene")
    finally:
        clear_graph(kg, neo4j_server)
    assert df.to_dict("records") == [{"gene": "NCBIGene:10015", "mouse": "NCBIGene:18571",
                                      "grp": ["HomoloGene:22614 (1:1)"]},
                                     {"gene": "NCBIGene:967", "mouse": "NCBIGene:12512",
                                      "grp": ["HomoloGene:37526 (1:1)"]}]


@pytest.mark.shared_data
def test_human_mirtarbase_rows_with_mouse_or_rat_target_ids(shared_data):
    """miRTarBase's human file names some targets by a mouse or rat Entrez id (e.g. rat Rab38, 252916, for
    hsa-miR-124-3p). An NCBI Gene id is one organism's gene, so with orthologs in the build the target moves
    to its human ortholog (what the row's human label says), keeps the human label, records the original id
    and is counted in the QC report; without orthologs it stays the rodent id."""
    mti = shared_data / "mirna_targets" / "mirtarbase_hsa_MTI_full.csv.gz"
    pairs = list(csv.DictReader(io.StringIO((shared_data / "orthologs" / "homologene68_updated_human_mouse_rat.tsv")
                                            .read_text()), delimiter="\t"))
    rodent = {r["other_gene_id"]: r["human_gene_id"] for r in pairs}
    import gzip

    with gzip.open(mti, "rt", encoding="utf-8-sig") as fh:
        raw = list(csv.DictReader(fh))
    ids = {r["Target Gene (Entrez Gene ID)"] for r in raw
           if r["Species (Target Gene)"] == "Homo sapiens" and r["Species (miRNA)"] == "Homo sapiens"
           and r["Target Gene (Entrez Gene ID)"] in rodent}
    assert "252916" in ids
    rep = BuildReport()
    kg = evgraph.build([f"orthologs={shared_data / 'orthologs'}", f"mirtarbase={mti}#support=all"], report=rep)
    e = kg.edges
    moved = e[(e["ortholog_object"].astype(str) != "") & (e["species"].astype(str) == "NCBITaxon:9606")]
    assert set(moved["ortholog_object"].astype(str)) == {f"NCBIGene:{g}" for g in ids}
    for orig, obj in zip(moved["ortholog_object"].astype(str), moved["object"].astype(str), strict=True):
        assert any(r["other_gene_id"] == orig[9:] and obj == f"NCBIGene:{r['human_gene_id']}" for r in pairs)
    note = next(n for n in next(s for s in rep.sources if s.name == "mirtarbase").notes if "labelled human" in n)
    assert note.startswith(f"{len(moved)} edges labelled human")
    plain = evgraph.build([f"mirtarbase={mti}#support=all"]).edges
    assert {f"NCBIGene:{g}" for g in ids} <= set(plain["object"].astype(str))
