"""Fetch entries for CellMarker 2.0 and TissueEnrich's HPA/GTEx tables (issue 14), and the readers
decoding the R data files those entries download (:mod:`evgraph.sources._rdata`)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from evgraph.cli import main
from evgraph.errors import DataError
from evgraph.fetch import DATASETS
from evgraph.sources import READERS
from evgraph.sources._rdata import read_rdata
from evgraph.sources.cell_markers import parse_cell_markers
from evgraph.sources.tissue_expression import parse_tissue_expression

SRC = Path(__file__).parent / "fixtures" / "sources"
ISSUE14 = ("orthologs", "evmirna2", "tissue_expression", "cell_markers", "go_annotations", "nichenet", "omnipath")


def _key(edges: pd.DataFrame) -> list[tuple]:
    cols = ["subject", "object", "species", "publications", "evidence", "confidence", "primary_knowledge_source"]
    return sorted(map(tuple, edges[[c for c in cols if c in edges.columns]].astype(str).values))


def test_entries_are_pinned_at_the_commits_the_shared_tables_came_from():
    cm, te = DATASETS["cellmarker2"], DATASETS["tissueenrich"]
    assert cm.source == "cell_markers" and te.source == "tissue_expression"
    (f,) = cm.files
    assert f.url == ("https://raw.githubusercontent.com/cran/SlimR/3210dff7658f3bd9b74c89af8967811be805f28e/"
                     "data/Cellmarker2_raw.rda")
    assert [x.filename for x in te.files] == ["proteinAtlasV18-TSEA.rda", "GTEx-combine-TSEA.rda", "geneMappings.rda"]
    assert all("/Tuteja-Lab/TissueEnrich/9f34df76bcc44f1eb3210895a6de0bc7dfedc1f0/TissueEnrich/data/" in x.url
               for x in te.files)
    for x in (*cm.files, *te.files):
        assert x.sha256 and re.fullmatch(r"[0-9a-f]{64}", x.sha256)


def test_every_issue14_reader_has_a_fetch_entry_in_sources_and_fetch_list():
    res = CliRunner().invoke(main, ["sources", "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = {r["source"]: r for r in csv.DictReader(io.StringIO(res.output))}
    for name in ISSUE14:
        assert name in READERS and rows[name]["fetch"], name
        for ds in rows[name]["fetch"].split():
            assert DATASETS[ds].source == name
    assert set(rows["cell_markers"]["fetch"].split()) == {"cellmarker2", "panglaodb"}
    assert set(rows["tissue_expression"]["fetch"].split()) == {"bgee", "tissueenrich"}
    listed = CliRunner().invoke(main, ["fetch", "--list", "--format", "csv"])
    fetch_rows = {r["dataset"]: r for r in csv.DictReader(io.StringIO(listed.output))}
    assert fetch_rows["cellmarker2"]["checksum"] == fetch_rows["tissueenrich"]["checksum"] == "pinned"
    assert "http:// only" in fetch_rows["cellmarker2"]["description"]


def test_cellmarker_r_data_reads_like_its_table(tmp_path, monkeypatch):
    """SlimR's object (ids and PubMed ids as R doubles) gives the edges of the same rows as TSV."""
    import pyreadr

    monkeypatch.setenv("EVGRAPH_CACHE", str(tmp_path / "cache"))
    rows = pd.read_csv(SRC / "cell_markers" / "cellmarker2_subset.tsv.gz", sep="\t", dtype=str, keep_default_na=False)
    r = rows.copy()
    for col in ("PMID", "year"):
        r[col] = pd.to_numeric(r[col], errors="coerce").astype(float)  # as R stores them
    r.loc[r.index[:3], "Title"] = "a title\twith a tab\r\nand a line break"  # R strings may hold them
    (tmp_path / "rda").mkdir()
    pyreadr.write_rdata(str(tmp_path / "rda" / "Cellmarker2_raw.rda"), r, df_name="Cellmarker2_raw")
    rows.to_csv(tmp_path / "cellmarker2.tsv", sep="\t", index=False)
    from_rda = parse_cell_markers(tmp_path / "rda", {})
    from_tsv = parse_cell_markers(tmp_path / "cellmarker2.tsv", {})
    assert len(from_rda.edges) == len(from_tsv.edges) >= 6
    assert _key(from_rda.edges) == _key(from_tsv.edges)
    assert from_rda.edges["_line"].tolist() == from_tsv.edges["_line"].tolist()  # line n + 1 = row n
    assert any("R data decoded" in n for n in from_rda.report.notes)
    assert (tmp_path / "cache" / "rdata").is_dir()  # decoded once, kept as Parquet and TSV
    again = parse_cell_markers(tmp_path / "rda", {})
    assert _key(again.edges) == _key(from_rda.edges)


def test_tissueenrich_r_data_reads_like_the_derived_tables():
    """A subset of the real proteinAtlasV18-TSEA.rda / geneMappings.rda (fixture README) gives the edges the
    shared folder's TSV export of the same genes gives (same classes, folds, tissues, symbols)."""
    from_rda = parse_tissue_expression(SRC / "tissueenrich_rda", {"cache": "no"})
    from_tsv = parse_tissue_expression(SRC / "tissue_expression", {"datasets": "hpa"})
    assert len(from_rda.edges) == len(from_tsv.edges) > 5
    assert _key(from_rda.edges) == _key(from_tsv.edges)
    assert from_rda.edges["evidence"].str.contains("fold=").all()  # the TPM object was read too


def test_r_data_errors_are_one_line(tmp_path):
    bad = tmp_path / "Cellmarker2_raw.rda"
    bad.write_bytes(b"RDX3\nnot really R data")
    with pytest.raises(DataError, match=r"Cellmarker2_raw.rda: cannot read the R data file"):
        parse_cell_markers(bad, {"cache": "no"})
    import pyreadr

    other = tmp_path / "te" / "proteinAtlasV18-TSEA.rda"
    other.parent.mkdir()
    pyreadr.write_rdata(str(other), pd.DataFrame({"Gene": ["ENSG1"]}), df_name="somethingElse")
    with pytest.raises(DataError, match=r"not a TissueEnrich data file: no object 'tissueSpecificGenes'"):
        parse_tissue_expression(other.parent, {"cache": "no"})


def test_read_rdata_cache_is_keyed_by_content(tmp_path):
    import pyreadr

    f = tmp_path / "t.rda"
    pyreadr.write_rdata(str(f), pd.DataFrame({"a": [1.0]}), df_name="t")
    assert read_rdata(f, cache_dir=tmp_path / "c")["t"]["a"].tolist() == [1.0]
    pyreadr.write_rdata(str(f), pd.DataFrame({"a": [2.0]}), df_name="t")  # same name, new content
    assert read_rdata(f, cache_dir=tmp_path / "c")["t"]["a"].tolist() == [2.0]
