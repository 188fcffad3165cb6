"""Bad input to the importers: a clear message naming file and line, never a traceback,
never a half-written build; skippable records are counted in the QC report."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import evgraph
from evgraph.build.qc import BuildReport
from evgraph.cli import main
from evgraph.errors import DataError

SRC = Path(__file__).parent / "fixtures" / "sources"


def cli_build(*args: str, out: Path):
    return CliRunner().invoke(main, ["build", *args, "--out", str(out)])


def assert_clean_failure(res, out: Path, *needles: str) -> None:
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    err = res.output.strip().splitlines()
    assert err and err[0].startswith("evgraph: error: ")
    for n in needles:
        assert n in err[0], err[0]
    assert not (out / "graph.json").exists() and not (out / "build-report.json").exists()


def test_truncated_gzip(tmp_path):
    data = (SRC / "mirtarbase" / "hsa_MTI_v7.csv.gz").read_bytes()
    bad = tmp_path / "hsa_MTI.csv.gz"
    bad.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out"
    res = cli_build("--source", f"mirtarbase={bad}", out=out)
    assert_clean_failure(res, out, str(bad), "truncated")


def test_wrong_delimiter(tmp_path):
    bad = tmp_path / "mti.txt"
    text = gzip.decompress((SRC / "mirtarbase" / "hsa_MTI_v7.csv.gz").read_bytes()).decode("utf-8-sig")
    bad.write_text(text.replace(",", " "), encoding="utf-8")
    out = tmp_path / "out"
    res = cli_build("--source", f"mirtarbase={bad}", out=out)
    assert_clean_failure(res, out, f"{bad}:1", "delimiter")


def test_unknown_column_layout(tmp_path):
    bad = tmp_path / "targets.tsv"
    bad.write_text("microRNA\tgene\nhsa-miR-21-5p\tPTEN\n", encoding="utf-8")
    out = tmp_path / "out"
    res = cli_build("--source", f"mirtarbase={bad}", out=out)
    assert_clean_failure(res, out, f"{bad}:1", "unknown column layout", "mirna", "header has: microrna, gene")


def test_ev_folder_without_files(tmp_path):
    (tmp_path / "README.md").write_text("nothing here")
    out = tmp_path / "out"
    res = cli_build("--source", f"exocarta={tmp_path}", out=out)
    assert_clean_failure(res, out, str(tmp_path), "no ExoCarta files")


def test_missing_path_and_unknown_option(tmp_path):
    out = tmp_path / "out"
    assert_clean_failure(cli_build("--source", "mirtarbase", out=out), out, "needs a path")
    res = cli_build("--source", f"mirtarbase={SRC / 'mirtarbase' / 'miRTarBase_MTI_v9.tsv'}#support=maybe", out=out)
    assert_clean_failure(res, out, "support", "maybe")
    assert_clean_failure(cli_build("--source", f"disgenet={tmp_path / 'nope.tsv'}", out=out), out,
                         "nope.tsv", "file not found")


def test_short_rows_and_undecodable_bytes_are_counted(tmp_path):
    folder = tmp_path / "exo"
    folder.mkdir()
    src = (SRC / "exocarta_v5" / "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt").read_bytes().split(b"\n")
    src.insert(3, b"77\tprotein\t5468\tPPAR\xff\xfeG\tHomo sapiens\t12\tWestern blotting")  # line 4
    (folder / "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt").write_bytes(b"\n".join(src))
    rep = BuildReport()
    kg = evgraph.build([f"exocarta={folder}"], report=rep)
    s = rep.sources[0]
    assert s.skipped["undecodable bytes (not UTF-8)"] == 1
    assert s.examples["undecodable bytes (not UTF-8)"][0].endswith("EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt:4")
    assert s.skipped["malformed row"] == 1
    assert "expected 7 fields" in s.examples["malformed row"][0]
    assert "NCBIGene:5468" not in set(kg.nodes["id"])


def test_corrupt_ontology_json(tmp_path):
    bad = tmp_path / "CL.json.zst"
    bad.write_bytes((SRC / "ontologies" / "MONDO-mini.json.zst").read_bytes()[:40])
    with pytest.raises(DataError, match=r"CL\.json\.zst"):
        evgraph.build([f"ontologies={bad}"])


def test_failed_build_leaves_previous_build_intact(tmp_path):
    out = tmp_path / "out"
    ok = cli_build("--source", f"exocarta={SRC / 'exocarta_v5'}", out=out)
    assert ok.exit_code == 0, ok.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "cut.csv.gz"
    shutil.copy(SRC / "mirtarbase" / "hsa_MTI_v7.csv.gz", bad)
    bad.write_bytes(bad.read_bytes()[:-30])
    res = cli_build("--source", f"exocarta={SRC / 'exocarta_v5'}", "--source", f"mirtarbase={bad}", out=out)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


# ---------------------------------------------------------------- issue 18: truncation, emptiness, thresholds, GMT

MTI_V9 = SRC / "mirtarbase" / "miRTarBase_MTI_v9.tsv"


def test_plain_file_cut_mid_line_is_an_error(tmp_path):
    data = MTI_V9.read_bytes()
    cut = tmp_path / "mti.tsv"
    cut.write_bytes(data[: len(data) - 7])  # the last row loses its line end and part of its PMID
    last = data.count(b"\n")
    out = tmp_path / "out"
    assert_clean_failure(cli_build("--source", f"mirtarbase={cut}", out=out), out, f"{cut}:{last}", "truncated")


def test_cut_gzip_content_is_an_error_too(tmp_path):
    text = gzip.decompress((SRC / "mirtarbase" / "hsa_MTI_v7.csv.gz").read_bytes())
    cut = tmp_path / "mti.csv.gz"
    cut.write_bytes(gzip.compress(text[:-5], mtime=0))  # a whole gzip stream of a cut table
    out = tmp_path / "out"
    assert_clean_failure(cli_build("--source", f"mirtarbase={cut}", out=out), out, str(cut), "truncated")


def test_header_only_and_allow_empty(tmp_path):
    head = tmp_path / "mti.tsv"
    head.write_bytes(MTI_V9.read_bytes().split(b"\n", 1)[0] + b"\n")
    out = tmp_path / "out"
    assert_clean_failure(cli_build("--source", f"mirtarbase={head}", out=out), out, f"{head}:1", "no data rows")
    res = cli_build("--source", "curated", "--source", f"mirtarbase={head}", "--allow-empty", out=out)
    assert res.exit_code == 0, res.output


def test_source_that_imports_nothing_is_an_error(tmp_path):
    bad = tmp_path / "diseases.tsv"
    bad.write_text((SRC / "diseases_knowledge.tsv").read_text(encoding="utf-8").replace("\t", " "), encoding="utf-8")
    out = tmp_path / "out"
    assert_clean_failure(cli_build("--source", f"diseases={bad}", out=out), out, str(bad), "imported nothing",
                         "malformed row")
    # a source whose every record is dropped while normalising (symbols nobody resolves) too
    lr = SRC / "ligand_receptor.tsv"
    assert_clean_failure(cli_build("--source", f"ligand_receptor={lr}", out=out), out, str(lr),
                         "contributed nothing", "genes=FILE")


def test_damaged_row_threshold(tmp_path):
    lines = MTI_V9.read_bytes().split(b"\n")
    bad_rows = [b"MIRT9%d\thsa-miR-1\tHomo sapiens" % i for i in range(5)]  # 5 rows of 3 fields
    bad = tmp_path / "mti.tsv"
    bad.write_bytes(b"\n".join(lines[:-1] + bad_rows) + b"\n")
    out = tmp_path / "out"
    assert_clean_failure(cli_build("--source", f"mirtarbase={bad}", out=out), out, "5 of", "skipped as damaged",
                         "max_bad=")
    rep = BuildReport()
    evgraph.build([f"mirtarbase={bad}#max_bad=0.5"], report=rep)
    assert rep.sources[0].skipped["malformed row"] == 5
    with pytest.raises(DataError, match="max_bad"):
        evgraph.build([f"mirtarbase={bad}#max_bad=2"])


def test_nul_bytes_and_huge_lines_are_counted(tmp_path):
    lines = MTI_V9.read_bytes().split(b"\n")
    lines.insert(2, lines[1].replace(b"3091", b"30\x0091"))
    lines.insert(3, lines[1] + b"\t" + b"A" * (5 << 20))
    bad = tmp_path / "mti.tsv"
    bad.write_bytes(b"\n".join(lines))
    rep = BuildReport()
    kg = evgraph.build([f"mirtarbase={bad}"], report=rep)
    ref = evgraph.build([f"mirtarbase={MTI_V9}"])
    assert sorted(kg.edges["id"]) == sorted(ref.edges["id"])
    s = rep.sources[0].skipped
    assert s["malformed line (NUL byte in the line)"] == 1 and s["malformed line (line longer than 4 MiB)"] == 1


def test_gmt_id_and_description_columns_are_checked(tmp_path):
    react = tmp_path / "ReactomePathways.gmt"
    rows = (SRC / "gmt" / "ReactomePathways.gmt").read_text(encoding="utf-8").splitlines()
    rows.append("Damaged pathway\tBANF1\tHMGA1\tLIG4")  # id column lost: must not become an MSigDB pathway
    react.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rep = BuildReport()
    kg = evgraph.build([f"reactome={react}"], report=rep)
    assert not any(str(i).startswith("MSigDB:") for i in kg.nodes["id"])
    assert rep.sources[0].skipped["malformed row"] == 1
    assert "no Reactome stable id" in rep.sources[0].examples["malformed row"][0]
    wp = tmp_path / "wikipathways.gmt"
    first = (SRC / "gmt" / "wikipathways-Homo_sapiens.gmt").read_text(encoding="utf-8").splitlines()
    name, _url, *genes = first[0].split("\t")
    wp.write_text("\n".join([*first, "\t".join([name, *genes])]) + "\n", encoding="utf-8")  # no URL column
    rep = BuildReport()
    evgraph.build([f"wikipathways={wp}"], report=rep)
    assert "looks like a gene" in rep.sources[0].examples["malformed row"][0]


def test_curated_folder_errors_are_one_line(tmp_path):
    cur = tmp_path / "cur"
    shutil.copytree(Path(__file__).parent / "fixtures" / "curated", cur)
    out = tmp_path / "out"
    st = cur / "statements-mini.tsv"
    good = st.read_bytes()
    st.write_bytes(good.replace(b"\n", b"\n\xe9", 1))
    assert_clean_failure(cli_build("--source", f"curated={cur}", out=out), out, f"{st}:2", "not UTF-8")
    st.write_bytes(good.rstrip(b"\n") + b"\t" + b"x" * 200_000 + b"\n")
    assert_clean_failure(cli_build("--source", f"curated={cur}", out=out), out, str(st))
    st.write_bytes(good.split(b"\n", 1)[0] + b"\n")  # header only: fine while edges-mini.tsv has rows
    assert cli_build("--source", f"curated={cur}", out=out).exit_code == 0
    edges = cur / "edges-mini.tsv"
    edges.write_bytes(edges.read_bytes().split(b"\n", 1)[0] + b"\n")
    assert_clean_failure(cli_build("--source", f"curated={cur}", out=tmp_path / "o2"), tmp_path / "o2", str(cur),
                         "no statements")
    st.unlink()
    edges.unlink()
    assert_clean_failure(cli_build("--source", f"curated={cur}", out=tmp_path / "o3"), tmp_path / "o3", str(cur),
                         "statements-*.tsv")


def test_pandas_readers_report_empty_and_cut_files(tmp_path):
    empty = tmp_path / "omnipath_subset.tsv"
    empty.write_bytes(b"")
    out = tmp_path / "out"
    assert_clean_failure(cli_build("--source", f"omnipath={empty}", out=out), out, str(empty))
    cut = tmp_path / "GO_annotations-9606-direct-expev.tsv"
    data = (SRC / "go" / "GO_annotations-9606-direct-expev.tsv").read_bytes()
    cut.write_bytes(data[:-3])
    assert_clean_failure(cli_build("--source", f"go_annotations={cut}", out=out), out, str(cut), "truncated")
