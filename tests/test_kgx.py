"""KGX TSV export and import: lossless round trip, Biolink columns, clear errors."""

from __future__ import annotations

import pandas as pd
import pytest

import evgraph
from evgraph.build.builder import GraphBuilder
from evgraph.errors import DataError
from evgraph.formats.kgx import read_kgx, write_kgx


def as_plain(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(object).where(df.notna(), "").reset_index(drop=True)


def assert_same_graph(a: evgraph.KnowledgeGraph, b: evgraph.KnowledgeGraph) -> None:
    pd.testing.assert_frame_equal(as_plain(a.nodes), as_plain(b.nodes))
    pd.testing.assert_frame_equal(as_plain(a.edges), as_plain(b.edges))


@pytest.mark.parametrize("graph", ["mini_kg", "kg"])
def test_round_trip_loses_nothing(graph, request, tmp_path):
    kg = request.getfixturevalue(graph)
    write_kgx(kg, tmp_path)
    again = evgraph.build([f"kgx={tmp_path}"])
    assert_same_graph(kg, again)
    # and exporting again gives byte-identical files
    write_kgx(again, tmp_path / "2")
    for name in ("nodes.tsv", "edges.tsv"):
        assert (tmp_path / name).read_bytes() == (tmp_path / "2" / name).read_bytes()


def test_biolink_columns(mini_kg, tmp_path):
    write_kgx(mini_kg, tmp_path)
    nodes = pd.read_csv(tmp_path / "nodes.tsv", sep="\t", dtype=str, keep_default_na=False)
    edges = pd.read_csv(tmp_path / "edges.tsv", sep="\t", dtype=str, keep_default_na=False)
    assert nodes.set_index("id").loc["CL:0000235", "category"] == "biolink:Cell"
    assert nodes.set_index("id").loc["UBERON:0001013", "category"] == "biolink:GrossAnatomicalStructure"
    releases = edges[edges["evgraph_predicate"] == "releases"].iloc[0]
    assert releases["predicate"] == "biolink:produces"
    assert releases["publications"] == "PMID:28942920|DOI:10.1016/j.cell.2017.08.035"
    assert releases["knowledge_level"] == "knowledge_assertion"
    assert releases["primary_knowledge_source"] == "infores:evgraph"
    assert releases["species_context_qualifier"] == "NCBITaxon:10090"


def test_foreign_kgx_without_evgraph_columns(mini_kg, tmp_path):
    """KGX from other tools has only Biolink categories and predicates: types are inferred."""
    write_kgx(mini_kg, tmp_path)
    nodes = pd.read_csv(tmp_path / "nodes.tsv", sep="\t", dtype=str, keep_default_na=False)
    edges = pd.read_csv(tmp_path / "edges.tsv", sep="\t", dtype=str, keep_default_na=False)
    keep = ~nodes["category"].isin(["biolink:CellularComponent"])  # EV populations/vesicle types are ambiguous
    nodes = nodes[keep].drop(columns=["evgraph_class"])
    ids = set(nodes["id"])
    edges = edges[edges["subject"].isin(ids) & edges["object"].isin(ids)].drop(columns=["evgraph_predicate"])
    nodes.to_csv(tmp_path / "nodes.tsv", sep="\t", index=False)
    edges.to_csv(tmp_path / "edges.tsv", sep="\t", index=False)
    kg = evgraph.build([f"kgx={tmp_path}"])
    assert kg.node("CL:0000235")["category"] == "CellType"
    assert set(kg.edges["predicate"].astype(str)) == {"part_of", "regulates", "subclass_of"}


def write(path, text):
    path.write_text(text, encoding="utf-8")


def test_row_with_too_many_fields(tmp_path):
    write(tmp_path / "nodes.tsv", "id\tcategory\tname\nCL:0000235\tbiolink:Cell\tmacrophage\textra\n")
    write(tmp_path / "edges.tsv", "subject\tpredicate\tobject\n")
    with pytest.raises(DataError) as info:
        read_kgx(GraphBuilder(), tmp_path)
    assert str(info.value).endswith("nodes.tsv:2: expected 3 tab-separated fields, found 4")


def test_missing_column(tmp_path):
    write(tmp_path / "nodes.tsv", "identifier\tcategory\n")
    with pytest.raises(DataError, match=r"nodes.tsv:1: field 'id': missing column"):
        read_kgx(GraphBuilder(), tmp_path)


def test_unknown_prefix_names_file_line_field(tmp_path):
    write(tmp_path / "nodes.tsv", "id\tcategory\tname\tevgraph_class\n"
          "CL:0000235\tbiolink:Cell\tmacrophage\tCellType\nFOO:1\tbiolink:Cell\tx\tCellType\n")
    write(tmp_path / "edges.tsv", "subject\tpredicate\tobject\n")
    with pytest.raises(DataError) as info:
        evgraph.build([f"kgx={tmp_path}"])
    assert "nodes.tsv:3: field 'id': unknown CURIE prefix 'FOO'" in str(info.value)


def test_undecodable_bytes(tmp_path):
    (tmp_path / "nodes.tsv").write_bytes(b"id\tcategory\nCL:0000235\tbiolink:Cell\xff\xfe\n")
    with pytest.raises(DataError, match="not UTF-8"):
        read_kgx(GraphBuilder(), tmp_path)


def test_row_with_too_few_fields(tmp_path):
    write(tmp_path / "nodes.tsv",
          "id\tcategory\tname\nCL:0000235\tbiolink:Cell\tmacrophage\nCL:0000182\tbiolink:Cell\n")
    with pytest.raises(DataError) as info:
        read_kgx(GraphBuilder(), tmp_path)
    assert str(info.value).endswith("nodes.tsv:3: field 'name': expected 3 tab-separated fields, found 2")


def test_wrong_delimiter(tmp_path):
    write(tmp_path / "nodes.tsv", "id,category,name\nCL:0000235,biolink:Cell,macrophage\n")
    with pytest.raises(DataError, match=r"nodes.tsv:1: field 'id': missing column \(header has: id,category,name\)"):
        read_kgx(GraphBuilder(), tmp_path)
