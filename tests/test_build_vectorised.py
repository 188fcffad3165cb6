"""The vectorised build (issue 14 item 4, issue 17 item 5) gives what the row-wise build gave.

Each fast path is compared with its row-wise twin on real data (slices of the shared
miRTarBase, Vesiclepedia and ExoCarta releases) and on hand-made bad input:

* :meth:`evgraph.sources._io.Table.plain_frame` (Arrow) against iterating the table;
* the column-wise miRTarBase grouping against its row loop, and its fallback on a bad row;
* the CURIE check of distinct values (Arrow RE2) against the row-wise check;
* categorical edge columns in the builder against plain object columns (the whole graph);
* edge signatures and generated ids against ``hash_pandas_object`` and ``format``.
"""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evgraph
from evgraph.build.builder import GraphBuilder
from evgraph.build.columns import concat_frames, edge_signatures, hex_ids
from evgraph.build.normalise import normalise
from evgraph.build.qc import SourceReport
from evgraph.evidence import ID_WHEN_FILLED
from evgraph.identifiers import _check_curie_rows, check_curies
from evgraph.model import EDGE_COLUMNS
from evgraph.schema import get_schema
from evgraph.sources import mirtarbase as mtb
from evgraph.sources import read
from evgraph.sources._context import mirbase_prefixes, species_table
from evgraph.sources._io import Table

MTB = Path("mirna_targets") / "mirtarbase_hsa_MTI_full.csv.gz"


def _slice(shared_data: Path, tmp_path: Path, n: int = 30000, extra: list[str] | None = None) -> Path:
    """The header, the first ``n`` rows and every quoted row of the real miRTarBase table, gzipped."""
    with gzip.open(shared_data / MTB, "rt", encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    quoted = [ln for ln in lines[n + 1:] if '"' in ln]
    out = tmp_path / "mti.csv.gz"
    with gzip.open(out, "wt", encoding="utf-8", newline="") as fh:
        fh.write("\n".join([*lines[: n + 1], *quoted, *(extra or [])]) + "\n")
    return out


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for c in a.columns:
        x, y = a[c].reset_index(drop=True), b[c].reset_index(drop=True)
        if x.dtype.kind == "f" or y.dtype.kind == "f":
            np.testing.assert_array_equal(x.to_numpy(dtype=float), y.to_numpy(dtype=float), err_msg=c)
        else:
            assert x.astype(object).tolist() == y.astype(object).tolist(), c


@pytest.mark.shared_data
def test_plain_frame_matches_row_iteration(shared_data, tmp_path):
    path = _slice(shared_data, tmp_path)
    rep_a, rep_b = SourceReport("a"), SourceReport("b")
    fast = Table(path, rep_a, mtb.COLUMNS, required=("mirna", "entrez")).plain_frame(tuple(mtb.COLUMNS))
    assert fast is not None
    t = Table(path, rep_b, mtb.COLUMNS, required=("mirna", "entrez"))
    rows = [(line, [f[t.index[c]] for c in fast.columns if c != "_line"]) for line, f in t]
    assert fast["_line"].tolist() == [line for line, _ in rows]
    assert fast.drop(columns="_line").to_numpy(dtype=object).tolist() == [r for _, r in rows]
    assert rep_a.rows_read == rep_b.rows_read == len(rows)
    quoted = fast[fast["experiments"].str.contains('"', regex=False)]
    assert len(quoted)  # the real file's CSV quoting ("5""RACE") is read as the csv module reads it


def test_plain_frame_declines_irregular_tables(tmp_path):
    """A short row, a blank line or bad UTF-8 leave the table to the row reader (which words them)."""
    header = "miRNA,Target Gene (Entrez Gene ID),Support Type\n"
    cases = {"short": header + "hsa-miR-1,1\n", "blank": header + "hsa-miR-1,1,Functional MTI\n\n"
             "hsa-miR-2,2,Functional MTI\n", "utf8": None}
    for name, text in cases.items():
        p = tmp_path / f"{name}.csv"
        if text is None:
            p.write_bytes(header.encode() + b"hsa-miR-1,\xff1,Functional MTI\nhsa-miR-2,2,Functional MTI\n")
        else:
            p.write_text(text)
        rep = SourceReport(name)
        t = Table(p, rep, mtb.COLUMNS, required=("mirna", "entrez"))
        assert t.plain_frame(("mirna", "entrez")) is None, name
        assert rep.rows_read == 0
        assert len(list(t)) >= 1  # still readable row by row


@pytest.mark.shared_data
@pytest.mark.parametrize("categorical", [False, True])
@pytest.mark.parametrize("support", ["strong", "all"])
def test_mirtarbase_column_wise_equals_row_loop(shared_data, tmp_path, support, categorical):
    path = _slice(shared_data, tmp_path)
    min_level, species, prefixes = mtb.MIN_LEVEL[support], species_table(), mirbase_prefixes()
    rep_a, rep_b = SourceReport("a"), SourceReport("b")
    t = Table(path, rep_a, mtb.COLUMNS, required=("mirna", "entrez"))
    frame = t.plain_frame(tuple(mtb.COLUMNS), categorical=categorical)
    assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) == categorical for c in frame.columns if c != "_line")
    fast = mtb._pairs_vectorised(frame, t, min_level, species, prefixes)
    slow = mtb._pairs_rows(Table(path, rep_b, mtb.COLUMNS, required=("mirna", "entrez")), min_level, species,
                           prefixes)
    assert fast is not None
    assert [tuple(map(str, x)) for x in fast[0]] == [tuple(map(str, x)) for x in slow[0]]  # symbols learned
    (fa, *fcols), (sa, *scols) = fast[1], slow[1]
    assert fa == sa  # rows filtered by support type
    for f, s in zip(fcols, scols, strict=True):
        assert np.asarray(f).tolist() == np.asarray(s).tolist()
    assert rep_a.imported == rep_b.imported > 0
    multi = [p for p in fcols[3] if "|" in p]
    assert multi  # pairs with several PMIDs are in the slice


@pytest.mark.shared_data
def test_mirtarbase_bad_row_falls_back_to_row_loop(shared_data, tmp_path):
    """A row the column-wise path cannot import sends the file to the row loop, which counts it by line."""
    bad = "MIRT9,hsa-miR-21-5p,Homo sapiens,X,12x,Homo sapiens,qPCR,Functional MTI,1"
    (tmp_path / "clean").mkdir()
    clean = read(f"mirtarbase={_slice(shared_data, tmp_path / 'clean', n=2000)}#support=all")
    path = _slice(shared_data, tmp_path, n=2000, extra=[bad])
    rec = read(f"mirtarbase={path}#support=all")
    assert rec.report.skipped == {"missing or malformed Entrez gene id": 1}
    assert rec.report.rows_read == clean.report.rows_read + 1
    assert rec.report.files == [str(path)]
    _frames_equal(rec.edges[0].frame, clean.edges[0].frame)


@pytest.mark.shared_data
def test_curie_check_of_distinct_values_equals_row_check(shared_data, tmp_path):
    rec = read(f"mirtarbase={_slice(shared_data, tmp_path, n=5000)}#support=all")
    pubs = pd.Series([p for cell in rec.edges[0].frame["publications"] for p in cell.split("|")])
    schema = get_schema()
    assert check_curies(pubs, None, ("PMID", "DOI"), schema) == _check_curie_rows(pubs, None, ("PMID", "DOI"),
                                                                                   schema, 1000) == []
    bad = pd.concat([pubs.head(50), pd.Series(["PMID:12a", "FOO:1", "nocolon", "", "DOI:10.1/x", "PMID:"])],
                    ignore_index=True)
    got = check_curies(bad, None, ("PMID",), schema)
    assert got == _check_curie_rows(bad, None, ("PMID",), schema, 1000)
    assert [pos for pos, _ in got] == [52, 55, 51, 50, 54]
    nodes = rec.nodes[0].frame
    classes = nodes["category"].where(nodes.index % 7 != 0, "Organ")  # genes and miRNAs called organs
    assert check_curies(nodes["id"], classes, None, schema) == _check_curie_rows(nodes["id"], classes, None,
                                                                                 schema, 1000) != []


def test_edge_signatures_and_ids_match_the_row_wise_forms():
    rng = np.random.default_rng(0)
    words = np.array(["", "a", "b c", "PMID:1|PMID:2", "évidence; x"], dtype=object)
    e = pd.DataFrame({c: words[rng.integers(0, len(words), 300)] for c in EDGE_COLUMNS})
    e["confidence"] = rng.choice([0.3, 0.6, 0.9], 300)
    e["species"] = pd.Categorical(e["species"])  # categorical and object columns hash alike
    e.loc[::2, list(ID_WHEN_FILLED)] = ""  # half the rows without the statistics
    ref = pd.util.hash_pandas_object(pd.DataFrame({c: e[c].to_numpy(dtype=np.float64) if c == "confidence"
                                                   else e[c].astype(str).to_numpy(dtype=object)
                                                   for c in EDGE_COLUMNS if c != "id" and c not in ID_WHEN_FILLED}),
                                     index=False).to_numpy().copy()  # writable (pandas 3 copy-on-write)
    # fields added later (the test statistics) enter only the signatures of the rows that fill one, row by row
    for i in range(len(e)):
        texts = [str(e.at[i, c]) for c in ID_WHEN_FILLED]
        if any(texts):
            ref[i] = pd.util.hash_pandas_object(pd.DataFrame({"s": [ref[i]], **{c: [t] for c, t in
                                                              zip(ID_WHEN_FILLED, texts, strict=True)}}),
                                                index=False).to_numpy()[0]
    assert 0 < sum(any(e.at[i, c] for c in ID_WHEN_FILLED) for i in range(len(e))) < len(e)
    sig = edge_signatures(e)
    assert (sig == ref).all()
    assert hex_ids(sig).tolist() == ["evgraph:E" + format(int(h), "016x") for h in sig]


def test_concat_frames_equals_pandas_concat():
    a = pd.DataFrame({"x": pd.Categorical(["p", "q"]), "y": [1.0, 2.0], "z": ["u", "v"]})
    b = pd.DataFrame({"x": pd.Categorical(["q", "r"]), "y": [3.0, 4.0]})
    got, ref = concat_frames([a, b]), pd.concat([a, b], ignore_index=True)
    assert got["x"].tolist() == ref["x"].astype(object).tolist() and str(got["x"].dtype) == "category"
    assert got["y"].tolist() == ref["y"].tolist()
    assert got["z"].tolist()[:2] == ["u", "v"] and pd.isna(got["z"]).tolist() == [False, False, True, True]


@pytest.mark.shared_data
def test_categorical_builder_builds_the_object_builder_graph(shared_data, tmp_path):
    """Curated + real slices of miRTarBase, Vesiclepedia and ExoCarta: one graph, both representations."""
    specs = ["curated", f"mirtarbase={_slice(shared_data, tmp_path, n=20000)}#support=all",
             f"vesiclepedia={shared_data / 'ev_cargo'}", f"exocarta={shared_data / 'ev_cargo'}"]
    graphs = []
    for categorical in (True, False):
        records = normalise([read(s) for s in specs])
        b = GraphBuilder(categorical=categorical)
        for r in records:
            b.add(r)
        graphs.append((b.build(), len(b.merges)))
    (kg_c, merged_c), (kg_o, merged_o) = graphs
    assert kg_c.num_edges > 20000 and merged_c == merged_o
    _frames_equal(kg_c.nodes, kg_o.nodes)
    _frames_equal(kg_c.edges, kg_o.edges)
    for c in kg_c.edges.columns:  # same dtypes and, for categoricals, the same (sorted) categories
        assert str(kg_c.edges[c].dtype) == str(kg_o.edges[c].dtype), c
        if str(kg_c.edges[c].dtype) == "category":
            assert kg_c.edges[c].cat.categories.tolist() == kg_o.edges[c].cat.categories.tolist(), c


def test_categorical_builder_reports_what_the_object_builder_reports():
    """Bad cells give the same problems (file, line, field, message) in both representations."""
    nodes = pd.DataFrame({"id": ["CL:0000235", "UBERON:0001013"], "category": ["CellType", "Organ"]})
    edges = pd.DataFrame({"subject": ["CL:0000235", "CL:0000235", "CL:0000235", ""],
                          "predicate": ["part_of", "part_of", "bogus", "part_of"],
                          "object": ["UBERON:0001013", "UBERON:0001013", "UBERON:0001013", "UBERON:0001013"],
                          "publications": ["PMID:1", "PMID:x1", "PMID:2", "PMID:3"],
                          "primary_knowledge_source": ["infores:evgraph", "evgraph", "", ""],
                          "confidence": [0.5, 2.0, "abc", ""], "_line": [2, 3, 4, 5]})
    messages = []
    for categorical in (True, False):
        b = GraphBuilder(categorical=categorical)
        b.add_nodes(nodes, file="n.tsv")
        b.add_edges(edges, file="e.tsv")
        with pytest.raises(evgraph.errors.ValidationError) as exc:
            b.build()
        messages.append([(p.file, p.line, p.field, p.message) for p in exc.value.problems])
    assert messages[0] == messages[1]
    assert {(line, field) for _, line, field, _ in messages[0]} >= {(3, "publications"), (3, "confidence"),
                                                                   (4, "predicate"), (5, "subject"),
                                                                   (3, "primary_knowledge_source")}


def test_pairs_grouping_helpers():
    pair, first = mtb._group(np.array(["a", "b", "a", "c", "b"], dtype=object),
                             np.array(["1", "1", "1", "2", "3"], dtype=object))
    assert pair.tolist() == [0, 1, 0, 2, 3] and first.tolist() == [0, 1, 3, 4]
    out = mtb._joined(pair, 4, np.array(["12", "3|12", "", "7", "x"], dtype=object), mtb._pmid_items,
                      key=int, fmt="PMID:{}", sep="|")
    assert out.tolist() == ["PMID:12", "PMID:3|PMID:12", "PMID:7", ""]
    assert list(itertools.chain.from_iterable([mtb._pmid_items(" 5 ")])) == ["5"]


def _fold_scores_rowwise(tpm: pd.DataFrame, genes: pd.DataFrame) -> np.ndarray:
    """The row-by-row specificity fold (the reader's form before vectorisation), the oracle here."""
    out = np.full(len(genes), np.nan)
    groups = genes[genes["cls"] == "group"].groupby("ensembl")["tissue"].agg(set).to_dict()
    cols = list(tpm.columns)
    for i, (g, t, c) in enumerate(zip(genes["ensembl"], genes["tissue"], genes["cls"], strict=True)):
        if g not in tpm.index or t not in cols:
            continue
        row = tpm.loc[g]
        if isinstance(row, pd.DataFrame):
            row = row.iloc[0]
        if c == "group":
            members = groups.get(g, {t})
            inside = row[[m for m in members if m in cols]]
            outside = row.drop(labels=[m for m in members if m in cols])
            denom = outside.max() if len(outside) else np.nan
            num = inside.min()
        else:
            others = row.drop(labels=[t])
            num = row[t]
            denom = others.max() if c == "enriched" else others.mean()
        out[i] = num / max(denom, 1e-9) if np.isfinite(denom) else np.nan
    return out


@pytest.mark.shared_data
@pytest.mark.parametrize("dataset", ["hpa_v18", "gtex"])
def test_fold_scores_equal_the_row_wise_folds(shared_data, dataset):
    from evgraph.sources import tissue_expression as te

    d = shared_data / "tissue_expression"
    tpm = te._tpm(d / f"tissueenrich_{dataset}_tissue_tpm.tsv.gz")
    spec = pd.read_csv(d / f"tissueenrich_{dataset}_tissue_specific_genes.tsv", sep="\t", dtype=str)
    spec.columns = [c.lower() for c in spec.columns]
    ens = next(c for c in spec.columns if "ensembl" in c or c == "gene")
    grp = next(c for c in spec.columns if "group" in c)
    rows = pd.DataFrame({"ensembl": spec[ens], "tissue": spec["tissue"],
                         "cls": spec[grp].str.lower().map(lambda g: "group" if "group" in g else
                                                          "enriched" if "enriched" in g else "enhanced")})
    rows = pd.concat([rows[spec["tissue"] != "All"],  # every specific row of the release
                      pd.DataFrame({"ensembl": ["ENSG_absent", rows["ensembl"].iat[0]], "tissue": ["Liver", "Nowhere"],
                                    "cls": ["enriched", "enhanced"]})], ignore_index=True)
    assert set(rows["cls"]) == {"enriched", "enhanced", "group"}
    got, ref = te.fold_scores(tpm, rows), _fold_scores_rowwise(tpm, rows)
    np.testing.assert_array_equal(got, ref)  # bit for bit (the evidence text rounds the fold to 2 decimals)
    assert np.isfinite(got).sum() > 5000 and np.isnan(got[-2:]).all()
