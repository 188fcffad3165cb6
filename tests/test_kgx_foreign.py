"""KGX written by other tools: the public test graphs of biolink/kgx and kg-covid-19.

The eight graphs with CURIE ids build, every row evgraph cannot model is counted in the build
report with file:line examples; the three without CURIE ids fail with one line naming the first
unrecoverable problem. See tests/fixtures/kgx_foreign/README.md for sources and licences.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import evgraph
from evgraph.build.qc import BuildReport
from evgraph.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures" / "kgx_foreign"
# graph -> (nodes, edges) expected after import
CURIE_GRAPHS = {
    "kgx-chebi_kgx_tsv": (9, 0),
    "kgx-cm_test2": (9, 0),
    "kgx-complex_graph": (9, 0),
    "kgx-graph": (392, 22),  # 20 biolink:expressed_in Gene -> Organ edges map to evgraph's expressed_in
    "kgx-graph_multi_category": (6, 0),
    "kgx-graph_tiny": (5, 0),
    "kgx-test_infores_coercion": (2, 0),
    "kgcovid-P0DTC1": (1, 0),
}
NON_CURIE_GRAPHS = {
    "kgx-test": "nodes.tsv:2: field 'id': no node could be imported; first problem: unknown CURIE prefix "
                "'CURIE' in 'CURIE:123'",
    "kgx-test2": "nodes.tsv:2: field 'id': no node could be imported; first problem: unknown CURIE prefix "
                 "'CURIE' in 'CURIE:123'",
    "kgcovid-small_graph": "nodes.tsv:2: field 'id': 'd1' is not a CURIE (PREFIX:identifier)",
}


def test_all_eleven_fixtures_are_covered():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted({*CURIE_GRAPHS, *NON_CURIE_GRAPHS})


def count_rows(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in folder.glob("*.tsv"))


@pytest.mark.parametrize("name", sorted(CURIE_GRAPHS))
def test_curie_graph_builds_and_reports_what_was_skipped(name, tmp_path):
    report = BuildReport()
    kg = evgraph.build([f"kgx={FIXTURES / name}"], report=report)
    assert (kg.num_nodes, kg.num_edges) == CURIE_GRAPHS[name]
    (src,) = report.sources
    # nothing dropped silently: rows read = imported + skipped (+ duplicate node rows merged)
    assert src.rows_read == count_rows(FIXTURES / name)
    assert src.imported + sum(src.skipped.values()) == src.rows_read
    for reason, examples in src.examples.items():
        assert examples, reason
        assert all(":" in e and (".tsv:" in e) for e in examples), examples  # file:line
    # the report is written like any other build's
    written = report.write(tmp_path)
    assert (tmp_path / "build-report.txt").read_text().startswith("evgraph build report")
    assert len(written) == 2


def test_skip_reasons_name_the_biolink_terms():
    report = BuildReport()
    evgraph.build([f"kgx={FIXTURES / 'kgx-graph'}"], report=report)
    skipped = report.sources[0].skipped
    assert skipped["unknown CURIE prefix"] == 125  # HP phenotypes (no evgraph class, no prefix)
    assert skipped["no evgraph relationship for biolink:interacts_with from Gene to Gene"] == 165
    assert skipped["category biolink:MolecularActivity has no evgraph class"] == 8
    notes = "\n".join(report.sources[0].notes)
    assert "column 'taxon' is not an evgraph property; not imported (190 non-empty cells)" in notes
    assert "column 'aggregator_knowledge_source' is not an evgraph property" in notes
    assert "without has_confidence_score got the default confidence" in notes


def test_class_tie_breaks():
    """CHEBI NamedThing -> Metabolite; GO CellularComponent -> Organelle; known terms keep their class."""
    kg = evgraph.build([f"kgx={FIXTURES / 'kgx-chebi_kgx_tsv'}"])
    assert set(kg.nodes["category"].astype(str)) == {"Metabolite"}
    kg = evgraph.build([f"kgx={FIXTURES / 'kgx-graph'}"])
    cls = dict(zip(kg.nodes["id"], kg.nodes["category"].astype(str), strict=True))
    assert cls["GO:0005576"] == "Organelle"          # extracellular region: a cellular component
    assert cls["GO:0006897"] == "UptakeMechanism"    # endocytosis: a known evgraph uptake mechanism
    assert cls["GO:0097190"] == "Pathway"            # apoptotic signaling pathway (BiologicalProcess)
    assert cls["UBERON:0001150"] == "Organ"
    kg = evgraph.build([f"kgx={FIXTURES / 'kgcovid-P0DTC1'}"])
    assert kg.node("UniProtKB:O75347")["category"] == "Gene"  # a protein kept under its own id


def test_flybase_synonym_and_ragged_rows():
    kg = evgraph.build([f"kgx={FIXTURES / 'kgx-test_infores_coercion'}"])
    assert kg.node("FB:FBgn0000008")["category"] == "Gene"


@pytest.mark.parametrize("name", sorted(NON_CURIE_GRAPHS))
def test_non_curie_graph_fails_with_one_line(name):
    with pytest.raises(DataError) as info:
        evgraph.build([f"kgx={FIXTURES / name}"])
    message = str(info.value)
    assert "\n" not in message
    assert message.endswith(NON_CURIE_GRAPHS[name])


def test_strict_stops_at_the_first_skip():
    with pytest.raises(DataError) as info:
        evgraph.build([f"kgx={FIXTURES / 'kgx-graph'}#strict=true"])
    assert "kgx-graph/nodes.tsv:" in str(info.value) or "kgx-graph/edges.tsv:" in str(info.value)
