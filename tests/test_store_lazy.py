"""Lazy, column-pruned loading of built graphs (issue 17): same results as an eager load, only the
columns used are read, damaged columns fail with one line, old folders still open."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import evgraph
from evgraph.analytics import hubs
from evgraph.analytics._common import symmetric_csr, view
from evgraph.analytics.centrality import node_statements
from evgraph.errors import DataError
from evgraph.store import MANIFEST, file_checksum, load_built


@pytest.fixture(scope="module")
def folder(kg, tmp_path_factory):
    out = tmp_path_factory.mktemp("lazy") / "g"
    evgraph.save(kg, out)
    return out


def test_a_loaded_graph_opens_without_reading_tables(folder, kg):
    lazy = load_built(folder)
    assert not lazy.is_loaded("nodes") and not lazy.is_loaded("edges")
    assert (lazy.num_nodes, lazy.num_edges) == (kg.num_nodes, kg.num_edges)
    assert lazy.edge_columns == tuple(kg.edges.columns) and lazy.node_columns == tuple(kg.nodes.columns)
    # the endpoints, one column and the counts read only those columns
    assert (lazy.src == kg.src).all() and (lazy.dst == kg.dst).all()
    assert lazy.edge_column("confidence").equals(kg.edges["confidence"])
    assert lazy.counts() == kg.counts()
    assert not lazy.is_loaded("edges") and not lazy.is_loaded("nodes")
    table = lazy._tables["edges"]
    assert set(table._columns) <= {"confidence", "predicate"}, "only the columns used were read"


def test_every_lazy_column_equals_the_eager_table_and_the_built_graph(folder, kg):
    eager = load_built(folder, lazy=False)
    assert eager.is_loaded("edges") and eager.is_loaded("nodes")
    for which in ("nodes", "edges"):
        ref = getattr(kg, which)
        assert getattr(eager, which).equals(ref)
        for col in ref.columns:
            fresh = load_built(folder)  # each column read on its own, before any other
            got = fresh.node_column(col) if which == "nodes" else fresh.edge_column(col)
            pd.testing.assert_series_equal(got.reset_index(drop=True), ref[col].reset_index(drop=True),
                                           check_names=False)
            assert str(got.dtype) == str(ref[col].dtype), (which, col)
    # columns read first are reused when the whole table is asked for afterwards
    lazy = load_built(folder)
    first = lazy.edge_column("statement")
    assert lazy.edges["statement"] is first or lazy.edges["statement"].equals(first)
    assert lazy.edges.equals(kg.edges)


def test_factorized_text_is_the_stored_dictionary(folder, kg):
    lazy = load_built(folder)
    codes, values = lazy.edge_factorized("statement")
    assert (values[codes] == kg.edges["statement"].to_numpy(dtype=object)).all()
    assert len(values) == kg.edges["statement"].nunique()
    assert not lazy.is_loaded("edges")
    mem_codes, mem_values = kg.edge_factorized("statement")  # in-memory graph: same mapping
    assert (mem_values[mem_codes] == values[codes]).all()


def test_long_repeated_text_is_held_once(tmp_path, kg):
    """A statement's text repeated over its edges: one string object per distinct value after loading,
    and the file stays small (stored once per row group, referenced by code)."""
    edges = kg.edges.copy()
    texts = [f"evidence paragraph {i} " + "x" * 2000 for i in range(7)]
    edges["evidence"] = [texts[i % 7] for i in range(len(edges))]
    big = evgraph.KnowledgeGraph(kg.nodes, edges, kg.schema, kg.metadata)
    evgraph.save(big, tmp_path / "g")
    col = load_built(tmp_path / "g").edge_column("evidence")
    assert col.tolist() == edges["evidence"].tolist()
    assert len({id(x) for x in col}) == 7
    meta = pq.ParquetFile(tmp_path / "g" / "edges.parquet").metadata
    chunk = next(meta.row_group(0).column(i) for i in range(meta.num_columns)
                 if meta.row_group(0).column(i).path_in_schema == "evidence")
    assert "RLE_DICTIONARY" in chunk.encodings and chunk.total_uncompressed_size < 7 * 2100 + 8 * len(edges)


def test_analytics_on_a_lazy_graph_match_the_in_memory_graph(folder, kg):
    lazy = load_built(folder)
    got = hubs(lazy, ["degree", "pagerank"], null=0)
    assert got.equals(hubs(kg, ["degree", "pagerank"], null=0))
    assert node_statements(lazy) == node_statements(kg)
    assert not lazy.is_loaded("edges"), "hubs without a null reads columns, not the edge table"


def test_explain_top_explains_the_rows_shown_exactly(kg):
    full = hubs(kg, ["pagerank"], null=0)
    for top in (1, 5, 40):
        part = hubs(kg, ["pagerank"], null=0, explain_top=top)
        assert part.head(top).equals(full.head(top))
        assert (part["explanation"].iloc[top:] == "").all() and part["statements"].iloc[top:].map(len).eq(0).all()
    code = kg.index_of(full["id"].iloc[0])
    sub_st, sub_fam = node_statements(kg, np.array([code]))
    all_st, all_fam = node_statements(kg)
    assert sub_st[code] == all_st[code] and sub_fam[code] == all_fam[code]


def test_symmetric_csr_is_the_coo_built_matrix(kg):
    import scipy.sparse as sp

    v = view(kg)
    n = v.n
    ref = sp.csr_matrix((np.ones(2 * len(v.u)), (np.concatenate([v.u, v.v]), np.concatenate([v.v, v.u]))),
                        shape=(n, n))
    assert (v.A != ref).nnz == 0 and v.A.has_canonical_format
    assert symmetric_csr(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 0).shape == (0, 0)


def _rewrite(folder, column, values):
    """Replace one edge column and re-sign the manifest, so only the column check can catch it."""
    path = folder / "edges.parquet"
    table = pq.read_table(path)
    table = table.set_column(table.column_names.index(column), column, pa.array(values))
    pq.write_table(table, path)
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"]["edges.parquet"] = {"bytes": path.stat().st_size, "blake2b": file_checksum(path)}
    (folder / MANIFEST).write_text(json.dumps(manifest))


@pytest.mark.parametrize("column,bad,message", [
    ("object", "code", "node codes out of range"),
    ("predicate", "relation", "unknown relation 'not_a_relation'"),
])
def test_a_bad_column_fails_with_one_line_when_read(kg, tmp_path, column, bad, message):
    folder = tmp_path / "g"
    evgraph.save(kg, folder)
    n = kg.num_edges
    values = (np.full(n, kg.num_nodes + 5, dtype=np.int32) if bad == "code"
              else ["not_a_relation"] * n)
    _rewrite(folder, column, values)
    lazy = load_built(folder)  # opening reads no column
    with pytest.raises(DataError) as err:
        lazy.dst if column == "object" else lazy.edge_column(column)
    text = str(err.value)
    assert message in text and "edges.parquet" in text and column in text and "\n" not in text
    with pytest.raises(DataError, match=message):
        load_built(folder, lazy=False)
    res = subprocess.run([sys.executable, "-m", "evgraph.cli", "hubs", "--graph", str(folder), "--measure",
                          "degree", "--null", "0"], capture_output=True, text=True)
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and message in res.stderr


def test_a_graph_written_by_the_previous_writer_opens(kg, tmp_path):
    """Folders of the same format version written before the lazy reader (Parquet's default
    dictionary limit, pandas' own conversion) read identically."""
    folder = tmp_path / "old"
    evgraph.save(kg, folder)
    for name, frame in (("nodes.parquet", kg.nodes), ("edges.parquet", kg.edges)):
        frame = frame.copy()
        if name == "edges.parquet":
            frame["subject"], frame["object"] = kg.src.astype(np.int32), kg.dst.astype(np.int32)
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.CategoricalDtype):
                frame[col] = frame[col].astype(str)
        table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
        pq.write_table(table, folder / name, compression="zstd", use_dictionary=True, write_statistics=False)
    manifest = json.loads((folder / MANIFEST).read_text())
    for name in ("nodes.parquet", "edges.parquet"):
        manifest["files"][name] = {"bytes": (folder / name).stat().st_size, "blake2b": file_checksum(folder / name)}
    (folder / MANIFEST).write_text(json.dumps(manifest))
    old = load_built(folder)
    assert old.edges.equals(kg.edges) and old.nodes.equals(kg.nodes)


def test_an_older_format_version_asks_for_a_rebuild(kg, tmp_path):
    folder = tmp_path / "g"
    evgraph.save(kg, folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["format_version"] = 1
    (folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(DataError, match="rebuild it with this evgraph"):
        load_built(folder)


def test_analytics_names_import_on_first_use():
    code = ("import sys, evgraph.analytics as a; before = 'scipy.stats' in sys.modules; "
            "from evgraph.analytics import hubs, connectivity, Metapath; "
            "print(before, all(hasattr(a, n) for n in a.__all__), 'hubs' in dir(a))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.split() == ["False", "True", "True"]
    with pytest.raises(AttributeError):
        evgraph.analytics.not_a_name  # noqa: B018


def test_hubs_command_explains_the_rows_it_prints(folder, kg):
    res = subprocess.run([sys.executable, "-m", "evgraph.cli", "hubs", "--graph", str(folder), "--measure",
                          "pagerank", "--null", "0", "--top", "5", "--format", "json"],
                         capture_output=True, text=True, check=True)
    rows = json.loads(res.stdout)
    full = hubs(kg, ["pagerank"], null=0).head(5)
    assert [r["id"] for r in rows] == full["id"].tolist()
    assert [r["explanation"] for r in rows] == full["explanation"].tolist()
    assert all(r["explanation"] for r in rows)


def test_columns_read_from_several_threads_at_once(folder, kg):
    from concurrent.futures import ThreadPoolExecutor

    lazy = load_built(folder)
    names = list(kg.edges.columns) * 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lazy.edge_column, names))
        facts = list(pool.map(lazy.edge_factorized, ["statement", "publications"] * 4))
    for name, col in zip(names, got, strict=True):
        assert col.reset_index(drop=True).equals(kg.edges[name].reset_index(drop=True)), name
    assert all((v[c] == kg.edges["statement"].to_numpy(dtype=object)).all() for c, v in facts[::2])
    assert lazy.edges.equals(kg.edges)
