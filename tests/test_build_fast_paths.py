"""The build's fast paths of session 4 (issue 17 item 5) give what the plain forms give.

* :meth:`evgraph.sources._io.Table.plain_frame` checks a table's bytes with numpy (blank,
  comment and over-long lines, UTF-8, byte-order marks, ``\\r``) instead of one Python call per
  line: it must read exactly what iterating the table reads, and decline (``None``, nothing
  counted) exactly the tables the row reader has to word;
* miRTarBase's ``_finish`` makes its ids, species and evidence texts once per distinct value, as
  categoricals: the same cells as the row-wise string formulas, on a slice of the real release;
* the builder checks only the evidence columns with a filled cell (``filled_columns``): the same
  problems as checking every column.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from evgraph.arrays import is_text_dtype
from evgraph.build.qc import SourceReport
from evgraph.sources import _io
from evgraph.sources import mirtarbase as mtb
from evgraph.sources._context import mirbase_prefixes, species_table
from evgraph.sources._io import Table

COLS = {"mirna": ("mirna",), "entrez": ("target gene (entrez gene id)",), "support": ("support type",)}
HEADER = b"miRNA,Target Gene (Entrez Gene ID),Support Type\n"


def _write(tmp_path: Path, name: str, data: bytes, gz: bool = False) -> Path:
    p = tmp_path / (name + (".csv.gz" if gz else ".csv"))
    p.write_bytes(gzip.compress(data) if gz else data)
    return p


def _both(path: Path, comment: str | None = None, delimiter: str | None = None):
    """plain_frame's frame and report, and the rows and report of iterating the same table."""
    rep_a, rep_b = SourceReport("a"), SourceReport("b")
    fast = Table(path, rep_a, COLS, required=("mirna", "entrez"), comment=comment,
                 delimiter=delimiter).plain_frame(tuple(COLS))
    t = Table(path, rep_b, COLS, required=("mirna", "entrez"), comment=comment, delimiter=delimiter)
    rows = [(line, [f[t.index[c]] for c in COLS]) for line, f in t]
    return fast, rep_a, rows, rep_b


PLAIN = {
    "crlf": HEADER.replace(b"\n", b"\r\n") + b"hsa-miR-1,1,Functional MTI\r\nhsa-miR-2,2,Functional MTI\r\n",
    "cr inside a field": HEADER + b"hsa-miR-1,1\r2,Functional MTI\nhsa-miR-2,2,Functional\r MTI\n",
    "one bom": b"\xef\xbb\xbf" + HEADER + b"hsa-miR-1,1,Functional MTI\n",
    "two boms": b"\xef\xbb\xbf\xef\xbb\xbf" + HEADER + b"hsa-miR-1,1,Functional MTI\n",
    "blank lines before the header": b"\n \n" + HEADER + b"hsa-miR-1,1,Functional MTI\n",
    "leading spaces and non-ascii": HEADER + b" hsa-miR-1,1,Functional MTI\n\xc3\xa9miR,2,Functional MTI\n"
                                    b"\thsa-miR-3,3,x\n",
    "quoted fields": HEADER + b'hsa-miR-1,1,"Functional, MTI"\nhsa-miR-2,2,"5""RACE"\n',
    "empty fields": HEADER + b",,\nhsa-miR-2,2,\n",
}


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("case", sorted(PLAIN))
def test_plain_frame_reads_what_iterating_reads(tmp_path, case, gz):
    fast, rep_a, rows, rep_b = _both(_write(tmp_path, "t", PLAIN[case], gz))
    assert fast is not None, case
    assert fast["_line"].tolist() == [line for line, _ in rows]
    assert fast.drop(columns="_line").to_numpy(dtype=object).tolist() == [r for _, r in rows]
    assert rep_a.rows_read == rep_b.rows_read == len(rows)


def test_plain_frame_with_comment_lines_before_the_header_and_tabs(tmp_path):
    data = b"# miRTarBase export\n#\n" + HEADER.replace(b",", b"\t") + b"hsa-miR-1\t1\tFunctional MTI\n"
    fast, _, rows, _ = _both(_write(tmp_path, "t", data), comment="#")
    assert fast is not None
    assert fast["_line"].tolist() == [line for line, _ in rows] == [4]
    assert fast.drop(columns="_line").to_numpy(dtype=object).tolist() == [r for _, r in rows]


DECLINED = {
    "empty line": HEADER + b"hsa-miR-1,1,x\n\nhsa-miR-2,2,x\n",
    "spaces-only line": HEADER + b"hsa-miR-1,1,x\n   \nhsa-miR-2,2,x\n",
    "no-break-space line": HEADER + b"hsa-miR-1,1,x\n\xc2\xa0\nhsa-miR-2,2,x\n",
    "em-space and cr line": HEADER + b"hsa-miR-1,1,x\n\xe2\x80\x83\r\nhsa-miR-2,2,x\n",
    "file-separator line": HEADER + b"hsa-miR-1,1,x\n\x1c\nhsa-miR-2,2,x\n",
    "blank last line": HEADER + b"hsa-miR-1,1,x\n \n",
    "bad utf-8 in a column not read": b"miRNA,Target Gene (Entrez Gene ID),Support Type,Notes\n"
                                      b"hsa-miR-1,1,x,\xff\xfe\n",
    "surrogate bytes": HEADER + b"hsa-miR-1,1,\xed\xa0\x80\n",
    "nul byte": HEADER + b"hsa-miR-1,1,x\x00\n",
    "no final line end": HEADER + b"hsa-miR-1,1,x\nhsa-miR-2,2,x",
    "short row": HEADER + b"hsa-miR-1,1\n",
    "header only": HEADER,
}


@pytest.mark.parametrize("case", sorted(DECLINED))
def test_plain_frame_declines_what_the_row_reader_must_word(tmp_path, case):
    path = _write(tmp_path, "t", DECLINED[case])
    rep = SourceReport(case)
    try:
        t = Table(path, rep, COLS, required=("mirna", "entrez"))
    except Exception:  # a file the row reader rejects outright (cut last line): no fast path either
        return
    assert t.plain_frame(tuple(COLS)) is None, case
    assert rep.rows_read == 0


def test_plain_frame_declines_comment_lines_in_the_body(tmp_path):
    path = _write(tmp_path, "t", HEADER + b"hsa-miR-1,1,x\n# a note\nhsa-miR-2,2,x\n")
    assert Table(path, SourceReport("c"), COLS, required=("mirna", "entrez"), comment="#").plain_frame(
        tuple(COLS)) is None
    # without a comment marker the same line is a (short) data row: still not plain
    assert Table(path, SourceReport("c"), COLS, required=("mirna", "entrez")).plain_frame(tuple(COLS)) is None


def test_plain_frame_long_lines_counted_in_characters(tmp_path, monkeypatch):
    """``MAX_LINE`` counts characters as the row reader does: a line of 2-byte characters may be longer in bytes."""
    monkeypatch.setattr(_io, "MAX_LINE", 60)
    fits = HEADER + b"hsa-miR-1,1," + ("é" * 40).encode() + b"\n"  # 52 characters, 92 bytes
    fast, _, rows, _ = _both(_write(tmp_path, "fits", fits))
    assert fast is not None and fast["support"].tolist() == [r[2] for _, r in rows] == ["é" * 40]
    too_long = HEADER + b"hsa-miR-1,1," + b"x" * 60 + b"\n"
    assert Table(_write(tmp_path, "long", too_long), SourceReport("l"), COLS,
                 required=("mirna", "entrez")).plain_frame(tuple(COLS)) is None


def test_plain_frame_declines_a_truncated_gzip(tmp_path):
    whole = gzip.compress(HEADER + b"hsa-miR-1,1,x\n" * 2000)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    try:
        t = Table(path, SourceReport("cut"), COLS, required=("mirna", "entrez"))
    except Exception:
        return
    assert t.plain_frame(tuple(COLS)) is None


def _finish_rowwise(names, entrez, taxa, methods, levels) -> dict[str, list]:
    """The cells ``_finish`` made before session 4, with one string operation per row."""
    lv = pd.Series(levels)
    support = lv.map(mtb.SUPPORT_NAMES).fillna("support not given")
    return {"subject": ["evmirna:" + str(v) for v in names], "object": ["NCBIGene:" + str(v) for v in entrez],
            "species": ("NCBITaxon:" + pd.Series(taxa, dtype=object)).tolist(),
            "evidence": (pd.Series(support) + "; " + pd.Series(methods, dtype=object)).tolist(),
            "direction": np.where(levels != 1, "downregulated", "").astype(object).tolist(),
            "knowledge_level": np.where(np.isin(levels, (3, 0)), "knowledge_assertion",
                                        "observation").astype(object).tolist()}


@pytest.mark.shared_data
@pytest.mark.parametrize("support", ["strong", "all"])
def test_mirtarbase_finish_cells_equal_the_rowwise_strings(shared_data, tmp_path, support):
    from test_build_vectorised import _slice

    path = _slice(shared_data, tmp_path, n=20000)
    rec = mtb.read_mirtarbase(path, {"support": support})
    t = Table(path, SourceReport("b"), mtb.COLUMNS, required=("mirna", "entrez"))
    _, (_, names, entrez, taxa, _, methods, levels, _) = mtb._pairs_rows(t, mtb.MIN_LEVEL[support], species_table(),
                                                                        mirbase_prefixes())
    edges = rec.edges[0].frame
    for col, want in _finish_rowwise(names, entrez, taxa, methods, levels).items():
        assert edges[col].astype(object).tolist() == want, col
        # categoricals (the later stages work on codes) of distinct texts
        assert isinstance(edges[col].dtype, pd.CategoricalDtype), col
        assert set(want) <= set(edges[col].cat.categories) and edges[col].cat.categories.is_unique, col
    assert len(edges["evidence"].cat.categories) < len(edges) / 5  # the slice shares evidence texts
    for col, text in (("predicate", "regulates"), ("agent_type", "manual_agent"),
                      ("primary_knowledge_source", "infores:mirtarbase")):
        assert edges[col].astype(object).tolist() == [text] * len(edges)
    nodes = rec.nodes[0].frame
    assert is_text_dtype(nodes["id"].dtype) and nodes["id"].is_unique
    assert set(nodes["id"]) == set(edges["subject"].astype(object)) | set(edges["object"].astype(object))


def test_builder_checks_only_filled_evidence_columns_with_the_same_problems():
    """``filled_columns`` leaves out the evidence columns with no filled cell: the problems found are those of
    checking every column (:func:`evgraph.evidence.check_values` on the whole frame)."""
    from evgraph.build.builder import GraphBuilder, prepare_frame
    from evgraph.build.columns import filled_columns
    from evgraph.evidence import EVIDENCE_COLUMNS, check_values
    from evgraph.model import EDGE_COLUMNS

    edges = pd.DataFrame({"subject": ["CL:0000235"] * 4, "predicate": ["part_of"] * 4,
                          "object": ["UBERON:0001013"] * 4, "publications": ["PMID:1"] * 4,
                          "species": ["NCBITaxon:10090"] * 4, "confidence": [0.8] * 4,
                          "separation_method": ["", "not a method", "", "not a method"],
                          "ev_markers_positive": [None, "", "FOO:1", ""],
                          "publication_year": ["", "", "", ""]})
    for categorical in (False, True):
        frame = prepare_frame(edges, EDGE_COLUMNS, "demo", categorical=categorical)
        assert filled_columns(frame, EVIDENCE_COLUMNS) == ["separation_method", "ev_markers_positive"]
        every = check_values(frame)
        assert len(every) == 2 and {p.field for p in every} == {"separation_method", "ev_markers_positive"}
        b = GraphBuilder(categorical=categorical)
        b.add_nodes(pd.DataFrame({"id": ["CL:0000235", "UBERON:0001013"], "category": ["CellType", "Organ"]}),
                    file="demo")
        b.add_edges(edges, file="demo")
        with pytest.raises(Exception) as err:
            b.build()
        found = [(p.file, p.line, p.field, p.message) for p in err.value.problems]
        assert found == [(p.file, p.line, p.field, p.message) for p in every]


@pytest.mark.parametrize("categorical", [False, True])
def test_apply_mapping_on_codes_equals_the_object_form(categorical):
    """``_apply_mapping`` on a categorical id column (codes as they are) gives the rows, order and counts of the
    object form: unmapped ids dropped and counted, a list expands a row once per new id, the rest kept."""
    from evgraph.build.normalise import _apply_mapping
    from evgraph.build.records import SourceRecords

    subj = ["?sym:9606:A", "evmirna:x", "?sym:9606:B", "evmirna:x", "CL:1", "?sym:9606:A"]
    edges = pd.DataFrame({"subject": pd.Categorical(subj) if categorical else np.array(subj, dtype=object),
                          "object": np.array(["o1", "o2", "o3", "o4", "o5", "o6"], dtype=object),
                          "_src": 0, "_line": np.arange(1, 7)})
    mapping = {"?sym:9606:A": "NCBIGene:1", "?sym:9606:B": None, "evmirna:x": ["evmirna:x-3p", "evmirna:x-5p"]}

    ctx = SimpleNamespace(pending=[SourceRecords("s")])
    out = _apply_mapping(ctx, edges, mapping)
    assert isinstance(out["subject"].dtype, pd.CategoricalDtype)
    assert list(zip(out["subject"].astype(object), out["object"], out["_line"], strict=True)) == [
        ("NCBIGene:1", "o1", 1), ("CL:1", "o5", 5), ("NCBIGene:1", "o6", 6),
        ("evmirna:x-3p", "o2", 2), ("evmirna:x-5p", "o2", 2), ("evmirna:x-3p", "o4", 4), ("evmirna:x-5p", "o4", 4)]
    assert ctx.pending[0].report.skipped == {"unmapped gene symbol (edges)": 1}
