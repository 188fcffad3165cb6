"""Importers of public EV / gene / disease databases, on small fixtures in the exact formats.

Expected values are derived here from the fixture files themselves (parsed with the csv
module, independently of the importers), not copied from importer output.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import evgraph
from evgraph.build.qc import BuildReport
from evgraph.cli import main

FIX = Path(__file__).parent / "fixtures"
SRC = FIX / "sources"
CURATED = FIX / "curated"


def build(*specs: str) -> tuple[evgraph.KnowledgeGraph, BuildReport]:
    rep = BuildReport()
    kg = evgraph.build(list(specs), report=rep)
    return kg, rep


def source(rep: BuildReport, name: str):
    return next(s for s in rep.sources if s.name == name)


def edges(kg, predicate=None, infores=None) -> pd.DataFrame:
    e = kg.edges.astype({"subject": str, "object": str, "predicate": str, "primary_knowledge_source": str,
                         "species": str, "direction": str, "knowledge_level": str})
    if predicate:
        e = e[e["predicate"] == predicate]
    if infores:
        e = e[e["primary_knowledge_source"] == infores]
    return e


def read_rows(path: Path, delimiter: str = "\t") -> list[dict[str, str]]:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "")
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


# ---------------------------------------------------------------------------- Vesiclepedia
@pytest.fixture(scope="module")
def vesiclepedia():
    return build(f"vesiclepedia={SRC / 'vesiclepedia'}", f"ontologies={SRC / 'ontologies'}")


def test_vesiclepedia_experiments_become_ev_populations(vesiclepedia):
    kg, rep = vesiclepedia
    exps = read_rows(SRC / "vesiclepedia" / "Vesiclepedia_experiment_details.txt")
    evps = set(kg.nodes_of_class("EVPopulation")["id"])
    for row in exps:
        assert f"evgraph:vesiclepedia-exp-{row['EXPERIMENT ID']}" in evps
    described = edges(kg, "described_in")
    pairs = set(zip(described["subject"], described["object"], strict=True))
    for row in exps:
        assert (f"evgraph:vesiclepedia-exp-{row['EXPERIMENT ID']}", f"PMID:{row['PUBMED ID']}") in pairs
    # samples mapped through the shipped table: plasma is a biofluid, stellate cells a cell type
    assert (("evgraph:vesiclepedia-exp-40", "UBERON:0001969") in
            set(zip(edges(kg, "sampled_from")["subject"], edges(kg, "sampled_from")["object"], strict=True)))
    rel = edges(kg, "releases")
    assert ("CL:0000632", "evgraph:vesiclepedia-exp-2033") in set(zip(rel["subject"], rel["object"], strict=True))
    assert kg.node("CL:0000632")["label"] == "hepatic stellate cell"
    vt = edges(kg, "has_vesicle_type")
    assert set(vt.loc[vt["subject"] == "evgraph:vesiclepedia-exp-3", "object"]) == {"GO:0070062"}
    # two species on one experiment
    sp = set(vt.loc[vt["subject"] == "evgraph:vesiclepedia-exp-15", "species"])
    assert sp == {"NCBITaxon:10090|NCBITaxon:9606"}
    # the bacterial sample is not mapped, counted, and the rate is reported
    src = source(rep, "vesiclepedia")
    mapped = [r for r in exps if r["SAMPLE"].strip() != "Neisseria meningitidis"]
    assert src.mappings["experiment sample -> CL/UBERON"] == {
        "mapped": len(mapped), "total": len(exps), "rate": round(len(mapped) / len(exps), 4)}


def test_vesiclepedia_cargo_and_stray_carriage_returns(vesiclepedia):
    kg, rep = vesiclepedia
    carries = edges(kg, "carries", "infores:vesiclepedia")
    got = set(zip(carries["subject"], carries["object"], strict=True))
    # the miRNA file has a stray CR inside a field on the miR-146b-5p row: still one clean row
    assert ("evgraph:vesiclepedia-exp-1333", "evmirna:hsa-miR-146b-5p") in got
    assert ("evgraph:vesiclepedia-exp-15", "evmirna:mmu-let-7a") in got
    assert ("evgraph:vesiclepedia-exp-40", "evmirna:hsa-miR-151-5p") in got  # 'hsa.miR.151.5p'
    src = source(rep, "vesiclepedia")
    assert "malformed row" not in src.skipped
    assert src.skipped["unknown species"] == 1  # Homo erectus
    assert "Vesiclepedia_miRNA_details.txt:8: " in src.examples["unknown species"][0]
    # lipids: one node per name, label kept
    lipids = read_rows(SRC / "vesiclepedia" / "Vesiclepedia_lipid_details.txt")
    labels = set(kg.nodes_of_class("Lipid")["label"])
    assert labels == {r["LIPID ID"] for r in lipids}
    # PTM rows carry the modified protein with the PTM in the evidence
    ptm = read_rows(SRC / "vesiclepedia" / "Vesiclepedia_PTM_details.txt")
    for r in ptm:
        e = carries[(carries["object"] == f"NCBIGene:{r['ENTREZ GENE ID']}")
                    & (carries["subject"] == f"evgraph:vesiclepedia-exp-{r['EXPERIMENT ID']}")]
        assert len(e) == 1 and r["PTM TYPE"] in e["evidence"].iloc[0]
    # GPAD: RNAs released by the CL cell type named in produced_by(...)
    gpad = [ln.split("\t") for ln in (SRC / "vesiclepedia" / "Vesiclepedia_RNAs_GPAD.txt").read_text().splitlines()
            if not ln.startswith("!")]
    for f in gpad:
        rna = f"RNACENTRAL:{f[1]}"
        evp = carries.loc[carries["object"] == rna, "subject"].iloc[0]
        cell = f[10][len("produced_by("):-1]
        rel = edges(kg, "releases")
        assert ((rel["subject"] == cell) & (rel["object"] == evp)).any()
    # provenance on every imported edge
    assert set(carries["knowledge_level"]) == {"observation"}
    assert (carries["publications"].str.startswith("PMID:")).all()


# ---------------------------------------------------------------------------- ExoCarta
def test_exocarta_header_variants_give_the_same_graph():
    kg5, rep5 = build(f"exocarta={SRC / 'exocarta_v5'}")
    kg6, _ = build(f"exocarta={SRC / 'exocarta_v6'}")
    c5, c6 = edges(kg5, "carries"), edges(kg6, "carries")
    key = ["subject", "object", "species", "evidence"]
    assert c5[key].sort_values(key).values.tolist() == c6[key].sort_values(key).values.tolist()
    rows = [r for r in read_rows(SRC / "exocarta_v6" / "EXOCARTA_PROTEIN_MRNA_DETAILS_6.csv.gz", ",")]
    expected = {(f"evgraph:exocarta-exp-{r['EXPERIMENT_ID']}", f"NCBIGene:{r['ENTREZ_GENE_ID']}") for r in rows}
    assert set(zip(c6["subject"], c6["object"], strict=True)) == expected
    # ExoCarta without an experiment file: populations are exosomes, nothing is invented
    assert set(edges(kg6, "has_vesicle_type")["object"]) == {"GO:0070062"}
    assert set(c6["primary_knowledge_source"]) == {"infores:exocarta"}
    # the v5 fixture has a row without an Entrez id (line 9) and a row with too few fields (line 10)
    s5 = source(rep5, "exocarta")
    assert s5.skipped == {"malformed row": 1, "missing or malformed Entrez gene id": 1}
    assert s5.examples["malformed row"][0].split(": ")[0].endswith("EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt:10")
    assert s5.rows_read == 9 and s5.imported == 7


# ---------------------------------------------------------------------------- miRTarBase
def _mti_pairs(rows: list[dict[str, str]], entrez_col: str, supports: set[str]) -> set[tuple[str, str]]:
    return {(f"evmirna:{r['miRNA']}", f"NCBIGene:{r[entrez_col]}") for r in rows if r["Support Type"] in supports}


@pytest.mark.parametrize("support,types", [
    ("strong", {"Functional MTI"}),
    ("all", {"Functional MTI", "Functional MTI (Weak)", "Non-Functional MTI"}),
])
def test_mirtarbase_releases_and_support_filter(support, types):
    v7 = SRC / "mirtarbase" / "hsa_MTI_v7.csv.gz"
    v9 = SRC / "mirtarbase" / "miRTarBase_MTI_v9.tsv"
    kg7, _ = build(f"mirtarbase={v7}#support={support}")
    kg9, rep9 = build(f"mirtarbase={v9}#support={support}")
    e7, e9 = edges(kg7, "regulates"), edges(kg9, "regulates")
    expected = _mti_pairs(read_rows(v7, ","), "Target Gene (Entrez Gene ID)", types)
    assert set(zip(e7["subject"], e7["object"], strict=True)) == expected
    assert set(zip(e9["subject"], e9["object"], strict=True)) == expected
    assert set(e9["primary_knowledge_source"]) == {"infores:mirtarbase"}
    rows = read_rows(v9)
    first = rows[0]
    target = f"NCBIGene:{first['Target Gene (Entrez ID)']}"
    e = e9[(e9["subject"] == f"evmirna:{first['miRNA']}") & (e9["object"] == target)]
    pmids = {f"PMID:{r['References (PMID)']}" for r in rows if (r["miRNA"], r["Target Gene (Entrez ID)"]) ==
             (first["miRNA"], first["Target Gene (Entrez ID)"]) and r["Support Type"] in types}
    assert set(e["publications"].iloc[0].split("|")) == pmids
    assert e["species"].iloc[0] == "NCBITaxon:9606" and e["direction"].iloc[0] == "downregulated"
    dropped = sum(r["Support Type"] not in types for r in rows)
    assert sum(v for k, v in source(rep9, "mirtarbase").skipped.items() if k.startswith("filtered")) == dropped
    if support == "all":
        nf = {(f"evmirna:{r['miRNA']}", f"NCBIGene:{r['Target Gene (Entrez ID)']}") for r in rows
              if r["Support Type"] == "Non-Functional MTI"}
        only_nf = nf - _mti_pairs(rows, "Target Gene (Entrez ID)", {"Functional MTI", "Functional MTI (Weak)"})
        sel = e9[[(s, o) in only_nf for s, o in zip(e9["subject"], e9["object"], strict=True)]]
        assert len(sel) == len(only_nf) and set(sel["confidence"]) == {0.3} and set(sel["direction"]) == {""}


# ---------------------------------------------------------------------------- pathways
def test_gmt_pathways_resolve_symbols_and_ids():
    genes = SRC / "genes_hetionet_nodes.tsv"
    kg, rep = build(f"genes={genes}", f"reactome={SRC / 'gmt' / 'ReactomePathways.gmt'}",
                    f"wikipathways={SRC / 'gmt' / 'wikipathways-Homo_sapiens.gmt'}",
                    f"msigdb={SRC / 'gmt' / 'h.all.symbols.gmt'}")
    sym = {r["name"]: r["id"].split("::")[1] for r in read_rows(genes) if r["kind"] == "Gene"}
    part = edges(kg, "participates_in")
    for file, infores in (("ReactomePathways.gmt", "infores:reactome"), ("h.all.symbols.gmt", "infores:msigdb"),
                          ("wikipathways-Homo_sapiens.gmt", "infores:wikipathways")):
        for line in (SRC / "gmt" / file).read_text().splitlines():
            name, desc, *members = line.split("\t")
            if infores == "infores:reactome":
                pid = f"REACT:{desc}"
            elif infores == "infores:wikipathways":
                pid = f"WIKIPATHWAYS:{name.split('%')[2]}"
            else:
                pid = f"MSigDB:{name}"
            ids = {f"NCBIGene:{g}" if g.isdigit() else (f"NCBIGene:{sym[g]}" if g in sym else None) for g in members}
            got = set(part.loc[(part["object"] == pid) & (part["primary_knowledge_source"] == infores), "subject"])
            assert got == ids - {None}, pid
    assert kg.node("REACT:R-HSA-164843")["label"] == "2-LTR circle formation"
    # HIV genes (gag, vif, ...) of the Reactome set have no human NCBI Gene: counted, not silently lost
    assert source(rep, "reactome").skipped["unmapped gene symbol (edges)"] >= 5


def test_hetio_pathways_match_reactome_by_name():
    kg, rep = build(f"reactome={SRC / 'gmt' / 'ReactomePathways.gmt'}",
                    f"hetio_pathways={SRC / 'hetio_pathways.tsv'}")
    rows = read_rows(SRC / "hetio_pathways.tsv")
    part = edges(kg, "participates_in")
    wp = next(r for r in rows if r["identifier"].startswith("WP"))
    got = set(part.loc[part["object"] == f"WIKIPATHWAYS:{wp['identifier'].split('_')[0]}", "subject"])
    assert got == {f"NCBIGene:{g}" for g in wp["genes"].split("|")}
    tak1 = next(r for r in rows if r["name"] == "activated TAK1 mediates p38 MAPK activation")
    react = next(ln.split("\t")[1] for ln in (SRC / "gmt" / "ReactomePathways.gmt").read_text().splitlines()
                 if ln.lower().startswith("activated tak1 mediates p38 mapk activation\t"))
    hetio = part[(part["object"] == f"REACT:{react}") & (part["primary_knowledge_source"] == "infores:reactome")
                 & part["evidence"].str.startswith("Hetionet")]
    assert set(hetio["subject"]) == {f"NCBIGene:{g}" for g in tak1["genes"].split("|")}
    pid = [r for r in rows if r["source"] == "pid"]
    skipped = source(rep, "hetio_pathways").skipped["pathway without a Reactome/WikiPathways id (edges)"]
    assert skipped == sum(len(r["genes"].split("|")) for r in pid)


# ---------------------------------------------------------------------------- diseases
def test_disgenet_maps_umls_to_doid_and_curated_mondo():
    onto = SRC / "ontologies"
    kg3, rep3 = build(f"curated={CURATED}", f"ontologies={onto}", f"disgenet={SRC / 'disgenet_v3.txt.gz'}")
    kg7, _ = build(f"curated={CURATED}", f"ontologies={onto}", f"disgenet={SRC / 'disgenet_v7.tsv'}")
    a3, a7 = edges(kg3, "associated_with", "infores:disgenet"), edges(kg7, "associated_with", "infores:disgenet")
    pairs3 = sorted(zip(a3["subject"], a3["object"], strict=True))
    assert pairs3 == sorted(zip(a7["subject"], a7["object"], strict=True))
    rows = read_rows(SRC / "disgenet_v3.txt.gz")
    t2d = {f"NCBIGene:{r['geneId']}" for r in rows if r["diseaseId"] == "umls:C0011860"}
    # curated type 2 diabetes (MONDO:0005148, xref DOID:9352) receives the DisGeNET associations
    assert set(a3.loc[a3["object"] == "MONDO:0005148", "subject"]) == t2d
    assert "DOID:9352" not in set(kg3.nodes["id"])
    score = {f"NCBIGene:{r['geneId']}": float(r["score"]) for r in rows if r["diseaseId"] == "umls:C0011860"}
    for s, c in zip(a3.loc[a3["object"] == "MONDO:0005148", "subject"],
                    a3.loc[a3["object"] == "MONDO:0005148", "confidence"], strict=True):
        assert c == pytest.approx(score[s])
    # Alzheimer's: UMLS C0002395 -> DOID:10652 (xref in the DO), neurodegenerative by its DO ancestors
    assert kg3.node("DOID:10652")["condition_category"] == "neurodegenerative"
    # CUIs without a DOID xref in the mini DO are counted
    unmapped = {r["diseaseId"] for r in rows} - {"umls:C0011860", "umls:C0002395"}
    n = sum(r["diseaseId"] in unmapped for r in rows)
    assert source(rep3, "disgenet").skipped["unmapped disease id (UMLS without DOID xref) (edges)"] == n


def test_jensen_diseases():
    kg, rep = build(f"curated={CURATED}", f"genes={SRC / 'genes_hetionet_nodes.tsv'}",
                    f"diseases={SRC / 'diseases_knowledge.tsv'}")
    rows = [ln.split("\t") for ln in (SRC / "diseases_knowledge.tsv").read_text().splitlines()]
    a = edges(kg, "associated_with", "infores:diseases")
    t2d = a[a["object"] == "MONDO:0005148"]
    assert len(t2d) == sum(r[2] == "DOID:9352" for r in rows)
    assert set(t2d["confidence"]) == {float(r[6]) / 5 for r in rows if r[2] == "DOID:9352"}
    assert source(rep, "diseases").skipped["disease id is not a DOID"] == sum(r[2].startswith("AmyCo") for r in rows)


# ---------------------------------------------------------------------------- interactions
def test_ppi_layouts():
    kg, _ = build(f"ppi={SRC / 'HI-II-14.tsv'}")
    rows = read_rows(SRC / "HI-II-14.tsv")
    e = edges(kg, "interacts_with")
    assert {tuple(sorted(p)) for p in zip(e["subject"], e["object"], strict=True)} == {
        tuple(sorted((f"NCBIGene:{r['Entrez Gene IDA']}", f"NCBIGene:{r['Entrez Gene IDB']}"))) for r in rows}
    assert kg.node("NCBIGene:14")["label"] == "AAMP"
    kg, rep = build(f"genes={SRC / 'genes_hetionet_nodes.tsv'}", f"ppi={SRC / 'ppi_hetio.txt.gz'}")
    e = edges(kg, "interacts_with")
    assert set(e["primary_knowledge_source"]) == {"infores:hetionet"}
    rows = read_rows(SRC / "ppi_hetio.txt.gz")
    assert set(e["publications"]) == {f"PMID:{r['pubmed']}" for r in rows}
    assert len(e) + sum(source(rep, "ppi").skipped.values()) == len(rows)


def test_ligand_receptor_complexes_and_uniprot_xrefs():
    kg, _ = build(f"genes={SRC / 'genes_hetionet_nodes.tsv'}", f"ligand_receptor={SRC / 'ligand_receptor.tsv'}")
    sym = {r["name"]: f"NCBIGene:{r['id'].split('::')[1]}" for r in read_rows(SRC / "genes_hetionet_nodes.tsv")
           if r["kind"] == "Gene"}
    e = edges(kg, "interacts_with", "infores:omnipath")
    got = set(zip(e["subject"], e["object"], strict=True))
    for r in read_rows(SRC / "ligand_receptor.tsv"):
        for rec in r["receptor_symbol"].split("_"):
            assert (sym[r["ligand_symbol"]], sym[rec]) in got
    assert "UniProtKB:O00182" in kg.node(sym["LGALS9"])["xrefs"]
    assert "UniProtKB:P21860" in kg.node(sym["ERBB3"])["xrefs"]


# ---------------------------------------------------------------------------- normalisation
def test_mirna_and_gene_names_meet_curated_nodes():
    kg, _ = build(f"curated={CURATED}", f"vesiclepedia={SRC / 'vesiclepedia'}",
                  f"mirtarbase={SRC / 'mirtarbase' / 'miRTarBase_MTI_v9.tsv'}",
                  f"reactome={SRC / 'gmt' / 'ReactomePathways.gmt'}")
    # 'miR-155' measured in human EVs and 'hsa-miR-155-5p' targets land on the curated MIMAT node
    carries = edges(kg, "carries", "infores:vesiclepedia")
    assert ("evgraph:vesiclepedia-exp-71", "mirbase:MIMAT0000646") in set(zip(carries["subject"], carries["object"],
                                                                              strict=True))
    reg = edges(kg, "regulates", "infores:mirtarbase")
    assert "mirbase:MIMAT0000646" in set(reg["subject"])
    assert not any(i.startswith("evmirna:hsa-miR-155") for i in kg.nodes["id"])
    # PPARG in the Reactome GMT is the curated NCBIGene:5468
    part = edges(kg, "participates_in", "infores:reactome")
    assert "NCBIGene:5468" in set(part["subject"])
    assert kg.node("NCBIGene:5468")["label"] == "PPARG"


def test_armless_mirna_links_both_arms(tmp_path):
    gmt = tmp_path / "mti.tsv"
    gmt.write_text("miRNA\tTarget Gene\tTarget Gene (Entrez ID)\tSpecies (Target Gene)\tSupport Type\t"
                   "References (PMID)\n"
                   "hsa-let-7a-5p\tHMGA2\t8091\tHomo sapiens\tFunctional MTI\t1\n"
                   "hsa-let-7a-3p\tHMGA2\t8091\tHomo sapiens\tFunctional MTI\t2\n"
                   "hsa-let-7a\tKRAS\t3845\tHomo sapiens\tFunctional MTI\t3\n")
    kg, _ = build(f"mirtarbase={gmt}")
    reg = edges(kg, "regulates")
    kras = set(reg.loc[reg["object"] == "NCBIGene:3845", "subject"])
    assert kras == {"evmirna:hsa-let-7a-5p", "evmirna:hsa-let-7a-3p"}


def test_ontology_rollup_and_labels():
    kg, rep = build(f"vesiclepedia={SRC / 'vesiclepedia'}", f"ontologies={SRC / 'ontologies'}")
    part = edges(kg, "part_of")
    # cl-basic: hepatocyte part_of liver (BFO:0000050)
    assert ("CL:0000182", "UBERON:0002107") in set(zip(part["subject"], part["object"], strict=True))
    assert kg.node("UBERON:0002107")["label"] == "liver"
    onto = source(rep, "ontologies")
    assert onto.skipped == {"deprecated/obsolete term": 1}
    data = json.loads((SRC / "ontologies" / "UBERON-mini.json").read_text())
    assert onto.rows_read >= len(data)


# ---------------------------------------------------------------------------- CLI, sources.toml, QC
def test_cli_build_writes_qc_report(tmp_path):
    out = tmp_path / "g"
    res = CliRunner().invoke(main, ["build", "--source", f"exocarta={SRC / 'exocarta_v5'}",
                                    "--source", f"mirtarbase={SRC / 'mirtarbase' / 'hsa_MTI_v7.csv.gz'}",
                                    "--out", str(out), "--format", "csv"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    report = json.loads((out / "build-report.json").read_text())
    names = [s["name"] for s in report["sources"]]
    assert names == ["exocarta", "mirtarbase"]
    exo = report["sources"][0]
    assert exo["rows_read"] == 9 and exo["records_skipped"] == 2
    assert report["graph"]["num_edges"] == evgraph.load(out).num_edges
    text = (out / "build-report.txt").read_text()
    assert "exocarta: 9 rows read, 7 records imported, 2 skipped" in text
    assert "malformed row" in text


def test_sources_toml(tmp_path):
    toml = tmp_path / "sources.toml"
    toml.write_text(f'[sources]\nexocarta = "{SRC / "exocarta_v5"}"\n'
                    f'mirtarbase = {{ path = "{SRC / "mirtarbase" / "hsa_MTI_v7.csv.gz"}", support = "all" }}\n')
    kg, rep = build(str(toml))
    kg2, _ = build(f"exocarta={SRC / 'exocarta_v5'}",
                   f"mirtarbase={SRC / 'mirtarbase' / 'hsa_MTI_v7.csv.gz'}#support=all")
    assert kg.num_edges == kg2.num_edges and [s.name for s in rep.sources] == ["exocarta", "mirtarbase"]
    res = CliRunner().invoke(main, ["build", "--source", str(toml), "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output


def test_sources_command_lists_readers():
    res = CliRunner().invoke(main, ["sources", "--format", "csv"])
    assert res.exit_code == 0
    listed = {r["source"] for r in csv.DictReader(io.StringIO(res.output))}
    assert {"vesiclepedia", "exocarta", "mirtarbase", "reactome", "disgenet", "ontologies"} <= listed


def test_import_is_deterministic():
    specs = (f"curated={CURATED}", f"vesiclepedia={SRC / 'vesiclepedia'}", f"ontologies={SRC / 'ontologies'}",
             f"mirtarbase={SRC / 'mirtarbase' / 'hsa_MTI_v7.csv.gz'}#support=all",
             f"reactome={SRC / 'gmt' / 'ReactomePathways.gmt'}", f"ligand_receptor={SRC / 'ligand_receptor.tsv'}",
             f"genes={SRC / 'genes_hetionet_nodes.tsv'}")  # resolves the ligand-receptor symbols (else: nothing)
    a, ra = build(*specs)
    b, rb = build(*specs)
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.edges, b.edges)
    assert ra.to_dict() == rb.to_dict()
