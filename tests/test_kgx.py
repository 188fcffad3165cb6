"""KGX TSV export and import: lossless round trip, Biolink columns, clear errors."""

from __future__ import annotations

import pandas as pd
import pytest

import evgraph
from evgraph.build.qc import BuildReport
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
    # Biolink spelling; the DOI's "/" percent-encoded (KGX's CURIE pattern forbids "/" in a local part)
    assert releases["publications"] == "PMID:28942920|doi:10.1016%2Fj.cell.2017.08.035"
    assert releases["original_predicate"] == "evgraph:releases"
    assert releases["knowledge_level"] == "knowledge_assertion"
    assert releases["primary_knowledge_source"] == "infores:evgraph"
    assert releases["species_context_qualifier"] == "NCBITaxon:10090"


@pytest.mark.parametrize("graph", ["mini_kg", "kg"])
def test_own_export_without_evgraph_columns_builds_the_same_graph(graph, request, tmp_path):
    """KGX from other tools has only Biolink columns: evgraph's own export stripped of its
    ``evgraph_*`` columns must read back to the same graph (classes inferred by the documented
    tie-breaks, relationships from ``original_predicate``)."""
    kg = request.getfixturevalue(graph)
    write_kgx(kg, tmp_path)
    for name in ("nodes.tsv", "edges.tsv"):
        frame = pd.read_csv(tmp_path / name, sep="\t", dtype=str, keep_default_na=False, quoting=3)
        frame = frame.drop(columns=[c for c in frame.columns if c.startswith("evgraph_")])
        frame.to_csv(tmp_path / name, sep="\t", index=False, quoting=3, escapechar="\\")
    report = BuildReport()
    again = evgraph.build([f"kgx={tmp_path}"], report=report)
    assert report.sources[0].skipped == {}
    pd.testing.assert_frame_equal(as_plain(kg.nodes), as_plain(again.nodes))
    cols = [c for c in kg.edges.columns if c not in ("id", "statement")]
    pd.testing.assert_frame_equal(as_plain(kg.edges[cols]), as_plain(again.edges[cols]))


def test_biolink_only_kgx_infers_classes_and_reports_ambiguity(mini_kg, tmp_path):
    """Without evgraph_* columns and original_predicate, only Biolink categories/predicates remain."""
    write_kgx(mini_kg, tmp_path)
    nodes = pd.read_csv(tmp_path / "nodes.tsv", sep="\t", dtype=str, keep_default_na=False)
    edges = pd.read_csv(tmp_path / "edges.tsv", sep="\t", dtype=str, keep_default_na=False)
    nodes.drop(columns=["evgraph_class"]).to_csv(tmp_path / "nodes.tsv", sep="\t", index=False)
    edges.drop(columns=["evgraph_predicate", "original_predicate"]).to_csv(tmp_path / "edges.tsv", sep="\t",
                                                                           index=False)
    report = BuildReport()
    kg = evgraph.build([f"kgx={tmp_path}"], report=report)
    assert kg.node("CL:0000235")["category"] == "CellType"
    assert {"part_of", "regulates", "releases", "carries"} <= set(kg.edges["predicate"].astype(str))
    assert set(kg.counts()["nodes"]) == set(mini_kg.counts()["nodes"])
    # every edge not rebuilt is counted with a reason
    assert kg.num_edges + sum(report.sources[0].skipped.values()) == mini_kg.num_edges


def write(path, text):
    path.write_text(text, encoding="utf-8")


def test_row_with_too_many_fields(tmp_path):
    write(tmp_path / "nodes.tsv", "id\tcategory\tname\nCL:0000235\tbiolink:Cell\tmacrophage\textra\n")
    write(tmp_path / "edges.tsv", "subject\tpredicate\tobject\n")
    with pytest.raises(DataError) as info:
        read_kgx(tmp_path)
    assert str(info.value).endswith("nodes.tsv:2: expected 3 tab-separated fields, found 4")


def test_missing_column(tmp_path):
    write(tmp_path / "nodes.tsv", "identifier\tcategory\n")
    with pytest.raises(DataError, match=r"nodes.tsv:1: field 'id': missing column"):
        read_kgx(tmp_path)


def test_unknown_prefix_names_file_line_field(tmp_path):
    write(tmp_path / "nodes.tsv", "id\tcategory\tname\tevgraph_class\n"
          "CL:0000235\tbiolink:Cell\tmacrophage\tCellType\nFOO:1\tbiolink:Cell\tx\tCellType\n")
    write(tmp_path / "edges.tsv", "subject\tpredicate\tobject\n")
    report = BuildReport()
    kg = evgraph.build([f"kgx={tmp_path}"], report=report)  # skipped and counted by default
    assert kg.num_nodes == 1
    assert report.sources[0].skipped == {"unknown CURIE prefix": 1}
    assert report.sources[0].examples["unknown CURIE prefix"][0].endswith(
        "nodes.tsv:3: unknown CURIE prefix 'FOO' in 'FOO:1'")
    with pytest.raises(DataError) as info:  # strict: the first one stops the import
        evgraph.build([f"kgx={tmp_path}#strict=true"])
    assert str(info.value).endswith("nodes.tsv:3: field 'id': unknown CURIE prefix 'FOO' in 'FOO:1'")


def test_undecodable_bytes(tmp_path):
    (tmp_path / "nodes.tsv").write_bytes(b"id\tcategory\nCL:0000235\tbiolink:Cell\xff\xfe\n")
    with pytest.raises(DataError, match="not UTF-8"):
        read_kgx(tmp_path)


def test_ragged_row_is_padded_and_reported(tmp_path):
    """A trailing empty field left off (as KGX and pandas write and accept) is padded."""
    write(tmp_path / "nodes.tsv",
          "id\tcategory\tname\nCL:0000235\tbiolink:Cell\tmacrophage\nCL:0000182\tbiolink:Cell\n")
    write(tmp_path / "edges.tsv", "subject\tpredicate\tobject\n")
    report = BuildReport()
    kg = evgraph.build([f"kgx={tmp_path}"], report=report)
    assert kg.num_nodes == 2 and kg.node("CL:0000182")["label"] == ""
    assert any("1 rows had fewer fields than the header and were padded" in n and "line 3" in n
               for n in report.sources[0].notes)


def test_wrong_delimiter(tmp_path):
    write(tmp_path / "nodes.tsv", "id,category,name\nCL:0000235,biolink:Cell,macrophage\n")
    with pytest.raises(DataError, match=r"nodes.tsv:1: field 'id': missing column \(header has: id,category,name\)"):
        read_kgx(tmp_path)


def test_bar_in_single_valued_text_survives_and_is_not_a_kgx_list(mini_kg, tmp_path):
    nodes = mini_kg.nodes.copy()
    nodes["description"] = nodes["description"].astype(object)
    nodes.loc[0, "description"] = "isolation: Differential centrifugation|Ultracentrifugation"
    kg = evgraph.KnowledgeGraph(nodes, mini_kg.edges, mini_kg.schema, mini_kg.metadata)
    write_kgx(kg, tmp_path)
    text = (tmp_path / "nodes.tsv").read_text(encoding="utf-8")
    assert "centrifugation\u00a6Ultracentrifugation" in text and "centrifugation|Ultra" not in text
    again = evgraph.build([f"kgx={tmp_path}"])
    assert again.node(str(nodes.loc[0, "id"]))["description"] == nodes.loc[0, "description"]


def test_doi_ids_are_percent_encoded_in_kgx_and_decoded_back(kg, tmp_path):
    """DOI nodes, edge ends and publications travel as ``doi:10.x%2Fy`` and read back exactly."""
    from evgraph.formats.kgx import decode_local, encode_local

    write_kgx(kg, tmp_path)
    nodes = pd.read_csv(tmp_path / "nodes.tsv", sep="\t", dtype=str, keep_default_na=False, quoting=3)
    edges = pd.read_csv(tmp_path / "edges.tsv", sep="\t", dtype=str, keep_default_na=False, quoting=3)
    dois = sorted(i for i in kg.nodes["id"] if i.startswith("DOI:"))
    assert dois and all("/" in d for d in dois)
    written = {i for i in nodes["id"] if i.startswith("doi:")}
    assert written == {"doi:" + encode_local(d.split(":", 1)[1]) for d in dois}
    assert not any("/" in i for i in written)
    ends = set(edges["subject"]) | set(edges["object"])
    assert not any(e.startswith("doi:") and "/" in e for e in ends)
    pubs = {p for cell in edges["publications"] for p in cell.split("|") if p.startswith("doi:")}
    assert pubs and not any("/" in p for p in pubs)
    again = evgraph.build([f"kgx={tmp_path}"])
    assert sorted(i for i in again.nodes["id"] if i.startswith("DOI:")) == dois
    assert_same_graph(kg, again)
    # a DOI with the encoding's own characters survives too
    odd = "10.1000/a%2Fb:c d/e"
    assert decode_local(encode_local(odd)) == odd
    assert encode_local(odd) == "10.1000%2Fa%252Fb%3Ac%20d%2Fe"


def test_foreign_kgx_with_encoded_or_plain_doi_reads_the_same(tmp_path):
    """A foreign file may write a DOI percent-encoded (``%2F`` or ``%2f``) or plain: same node."""
    (tmp_path / "nodes.tsv").write_text(
        "id\tcategory\tname\n"
        "doi:10.1016%2fj.cell.2017.08.035\tbiolink:Publication\tEncoded lower\n"
        "DOI:10.1002/oby.20847\tbiolink:Publication\tPlain\n", encoding="utf-8")
    (tmp_path / "edges.tsv").write_text("subject\tpredicate\tobject\n", encoding="utf-8")
    rec = read_kgx(tmp_path)
    ids = sorted(i for f in rec.nodes for i in f.frame["id"])
    assert ids == ["DOI:10.1002/oby.20847", "DOI:10.1016/j.cell.2017.08.035"]
