"""Readers are pure: each is tested here on its own, with no builder and no other source.

``READERS[name](path, options)`` returns :class:`~evgraph.build.records.SourceRecords`; the
checks compare what it returns with the fixture file it read (row counts, placeholders it
leaves for normalisation, lookup tables, QC counts), and show that reading twice gives the same.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

import evgraph
from evgraph.build.records import SourceRecords, norm_name
from evgraph.sources import READERS, read

SRC = Path(__file__).resolve().parent / "fixtures" / "sources"
CURATED = Path(__file__).resolve().parent / "fixtures" / "curated"

FIXTURES = {
    "ontologies": SRC / "ontologies",
    "genes": SRC / "genes_hetionet_nodes.tsv",
    "vesiclepedia": SRC / "vesiclepedia",
    "exocarta": SRC / "exocarta_v5",
    "mirtarbase": SRC / "mirtarbase" / "miRTarBase_MTI_v9.tsv",
    "reactome": SRC / "gmt" / "ReactomePathways.gmt",
    "wikipathways": SRC / "gmt" / "wikipathways-Homo_sapiens.gmt",
    "msigdb": SRC / "gmt" / "h.all.symbols.gmt",
    "hetio_pathways": SRC / "hetio_pathways.tsv",
    "disgenet": SRC / "disgenet_v3.txt.gz",
    "diseases": SRC / "diseases_knowledge.tsv",
    "ppi": SRC / "ppi_hetio.txt.gz",
    "ligand_receptor": SRC / "ligand_receptor.tsv",
    "curated": CURATED,
    # issue-14 readers (pure parse + adapter)
    "orthologs": SRC / "orthologs" / "homologene_pairs.tsv",
    "evmirna2": SRC / "evmirna2",
    "tissue_expression": SRC / "tissue_expression",
    "cell_markers": SRC / "cell_markers" / "cellmarker2_subset.tsv.gz",
    "go_annotations": SRC / "go",
    "nichenet": SRC / "priors" / "nichenet_v1_lr_network_subset.tsv",
    "omnipath": SRC / "priors" / "omnipath_subset.tsv",
}


#: reader options for the fixtures (evmirna2's default DESeq2 test needs the optional 'deseq' extra)
OPTIONS = {"evmirna2": {"test": "rank"}}


def frame(rec: SourceRecords, kind: str) -> pd.DataFrame:
    parts = [f.frame for f in getattr(rec, kind)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def test_every_registered_reader_has_a_fixture_here():
    assert set(READERS) - {"kgx", "rdf"} == set(FIXTURES)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_reader_returns_records_without_a_builder(name):
    rec = READERS[name](FIXTURES[name], OPTIONS.get(name, {}))
    assert isinstance(rec, SourceRecords)
    assert rec.name == name and rec.report.name == name
    for kind in ("nodes", "edges"):
        for f in getattr(rec, kind):
            assert f.file and len(f.frame)
    again = READERS[name](FIXTURES[name], OPTIONS.get(name, {}))
    assert rec.num_nodes == again.num_nodes and rec.num_edges == again.num_edges
    assert rec.report.to_dict() == again.report.to_dict()


def test_diseases_reader_counts_and_leaves_symbols_for_normalisation():
    path = FIXTURES["diseases"]
    rows = [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    doid = [r for r in rows if r[2].startswith("DOID:")]
    rec = READERS["diseases"](path, {})
    edges = frame(rec, "edges")
    assert rec.report.rows_read == len(rows)
    assert rec.report.imported == len(edges) == len(doid)
    assert edges["subject"].str.startswith("?sym:9606:").all()  # resolved later, by normalise
    assert set(edges["object"]) == {r[2] for r in doid}
    assert sum(rec.report.skipped.values()) == len(rows) - len(doid)


def test_disgenet_reader_teaches_symbols_and_keeps_umls_placeholders():
    with gzip.open(FIXTURES["disgenet"], "rt", encoding="utf-8") as fh:
        header, *rows = [ln.rstrip("\n").split("\t") for ln in fh if ln.strip()]
    col = {h.lower(): i for i, h in enumerate(header)}
    rec = READERS["disgenet"](FIXTURES["disgenet"], {})
    sym, gene = col["genesymbol"], col["geneid"]
    assert {rec.symbols["9606"][r[sym].upper()] for r in rows} == {r[gene] for r in rows}
    assert frame(rec, "edges")["object"].str.startswith("?umls:").all()


def test_gmt_reader_contributes_pathway_names():
    rec = READERS["reactome"](FIXTURES["reactome"], {})
    lines = [ln.split("\t") for ln in FIXTURES["reactome"].read_text(encoding="utf-8").splitlines() if ln.strip()]
    nodes = frame(rec, "nodes")
    assert set(rec.pathway_names.values()) <= set(nodes.loc[nodes["category"] == "Pathway", "id"])
    assert set(rec.pathway_names) == {norm_name(ln[0]) for ln in lines}


def test_options_reach_the_reader():
    strong = READERS["mirtarbase"](FIXTURES["mirtarbase"], {"support": "strong"})
    every = READERS["mirtarbase"](FIXTURES["mirtarbase"], {"support": "all"})
    assert strong.num_edges < every.num_edges
    assert read(f"mirtarbase={FIXTURES['mirtarbase']}#support=all").num_edges == every.num_edges


def test_final_readers_round_trip_an_export_without_a_builder(tmp_path, mini_kg):
    evgraph.export(mini_kg, "kgx", tmp_path / "kgx")
    evgraph.export(mini_kg, "rdf", tmp_path / "kg.nt")
    for name, path in (("kgx", tmp_path / "kgx"), ("rdf", tmp_path / "kg.nt")):
        rec = READERS[name](path, {}).finish()  # KGX maps its edges in finish() (their ends may be elsewhere)
        assert rec.final and rec.provenance == f"{name}={path}"
        assert rec.num_nodes == mini_kg.num_nodes
        assert len(frame(rec, "edges")) == mini_kg.num_edges


def test_a_reader_needing_a_path_says_so():
    with pytest.raises(evgraph.DataError, match="needs a path: diseases=FILE"):
        READERS["diseases"](None, {})
