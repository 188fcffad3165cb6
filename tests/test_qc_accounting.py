"""Nothing dropped without being counted (issue 18): a Hypothesis property over generated source files.

For any file a reader is given, every data row it reads ends up in exactly one place of the QC
report: an edge of the graph (``edges_added``), an edge record merged into an identical one
(``edges_merged``), a row folded by the reader into an earlier record of the same fact
(``rows_merged``), or a skip with its reason (reader checks, and normalisation drops such as an
unmapped gene symbol)::

    rows_read == edges_added + edges_merged + rows_merged + skipped

The rows are drawn from small pools (so duplicates, reversed pairs and unknown genes are common)
mixed with damaged rows of several kinds; the genes fixture resolves the known symbols.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import evgraph
from evgraph.build.qc import BuildReport
from evgraph.errors import DataError

SRC = Path(__file__).parent / "fixtures" / "sources"
GENES = f"genes={SRC / 'genes_hetionet_nodes.tsv'}"
KNOWN = ["A1BG", "AKT1", "ANXA7", "LGALS9", "PTPRC"]
SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

symbol = st.sampled_from([*KNOWN, "NOTAGENE1"])
doid = st.sampled_from(["DOID:9352", "DOID:1612", "DOID:10652"])
good_disease = st.tuples(st.just("ENSP0001"), symbol, doid, st.just("a disease"), st.just("TextMining"),
                         st.just("CURATED"), st.sampled_from(["1", "3", "4.5"])).map("\t".join)
bad_disease = st.one_of(
    st.tuples(symbol, st.just("ICD10:E11")).map(lambda t: f"ENSP2\t{t[0]}\t{t[1]}\tx\ts\tCURATED\t3"),  # not a DOID
    symbol.map(lambda s: f"ENSP3\t{s}\tDOID:9352\tx\ts\tCURATED\tmany"),                            # bad stars
    symbol.map(lambda s: f"ENSP4\t{s}"),                                                            # short row
    st.just("ENSP5\t\tDOID:9352\tx\ts\tCURATED\t2"),                                               # no symbol
)
entrez = st.sampled_from([("1", "A1BG"), ("207", "AKT1"), ("310", "ANXA7"), ("3965", "LGALS9")])
good_pair = st.tuples(entrez, entrez).map(lambda p: f"{p[0][0]}\t{p[0][1]}\t{p[1][0]}\t{p[1][1]}")
bad_pair = st.one_of(st.just("x\tA1BG\t207\tAKT1"), st.just("1\tA1BG"))


def _accounted(rep: BuildReport, name: str) -> None:
    s = next(x for x in rep.sources if x.name == name)
    skipped = sum(s.skipped_counts.values())
    assert s.rows_read == s.edges + s.edges_merged + s.rows_merged + skipped, s.to_dict()


def _build(tmp_path: Path, name: str, header: str, rows: list[str]) -> None:
    path = tmp_path / f"{name}.tsv"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    rep = BuildReport()
    try:
        evgraph.build([f"{name}={path}#max_bad=1", GENES], report=rep)
    except DataError as exc:  # only when nothing at all is importable
        assert any(w in str(exc) for w in ("imported nothing", "contributed nothing", "empty graph")), str(exc)
        return
    _accounted(rep, name)


@SETTINGS
@given(rows=st.lists(st.one_of(good_disease, good_disease, bad_disease), min_size=1, max_size=25))
def test_diseases_rows_are_all_accounted(tmp_path, rows):
    _build(tmp_path, "diseases", "", rows)


@SETTINGS
@given(rows=st.lists(st.one_of(good_pair, good_pair, bad_pair), min_size=1, max_size=25))
def test_ppi_rows_are_all_accounted(tmp_path, rows):
    _build(tmp_path, "ppi", "Entrez Gene IDA\tSymbol A\tEntrez Gene IDB\tSymbol B\n", rows)


def test_ppi_pairs_stated_twice_keep_every_reference(tmp_path):
    path = tmp_path / "ppi.tsv"
    path.write_text("source_code\tsource_symbol\ttarget_code\ttarget_symbol\tpubmed\n"
                    "HGNC:5\tA1BG\tHGNC:1\tAKT1\t111\nHGNC:1\tAKT1\tHGNC:5\tA1BG\t222\n", encoding="utf-8")
    rep = BuildReport()
    kg = evgraph.build([f"ppi={path}", GENES], report=rep)
    edge = kg.edges[kg.edges["predicate"] == "interacts_with"]
    assert len(edge) == 1 and set(str(edge["publications"].iat[0]).split("|")) == {"PMID:111", "PMID:222"}
    assert next(s for s in rep.sources if s.name == "ppi").rows_merged == 1


@pytest.mark.parametrize("support", ["strong", "all"])
def test_mirtarbase_rows_folded_into_pairs_are_counted(support):
    rep = BuildReport()
    evgraph.build([f"mirtarbase={SRC / 'mirtarbase' / 'hsa_MTI_v7.csv.gz'}#support={support}"], report=rep)
    _accounted(rep, "mirtarbase")
