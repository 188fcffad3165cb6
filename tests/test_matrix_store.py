"""The metaedge matrices stored beside a built graph (evgraph.analytics.matrix_store): same DWPC as
matrices built from the edges, nothing read from the tables when stored, safe when the graph, the
ontology or a file changes, atomic, and harmless where the folder cannot be written."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest
from test_analytics import _synthetic  # the benchmark graph generator, loaded once for both files

import evgraph
from evgraph.analytics import dwpc_matrix, hetmat
from evgraph.analytics.matrix_store import SUBFOLDER, MatrixStore

#: one metapath per hetmatpy category (benchmarks/bench_dwpc.py), and one with a symmetric relation
METAPATHS = ["CTrEVcCGaPW", "C<riEVcCGbmC", "EVcCG<cEVriCscC", "CTrEVuCTrEV", "EVcCG<cEVcCG",
             "CG<cEVctC<ctEVcCG", "C<riEVuCTrEVctC", "GiGiG"]


@pytest.fixture(scope="module")
def syn():
    return _synthetic().generate(3000, seed=11)


@pytest.fixture()
def folder(tmp_path, syn):
    out = tmp_path / "graph"
    evgraph.save(syn, out)
    return out


def _same(a, b) -> bool:
    return (np.array_equal(a.rows, b.rows) and np.array_equal(a.cols, b.cols) and a.matrix.shape == b.matrix.shape
            and (a.matrix != b.matrix).nnz == 0)


def _stored(folder: Path) -> list[Path]:
    return sorted((folder / SUBFOLDER).glob("*/*"))


def _nothing_read(kg) -> bool:
    edges, nodes = kg._tables["edges"], kg._tables["nodes"]
    return not (edges._columns or edges._codes or edges._dictionaries or nodes._columns or nodes._dictionaries)


@pytest.mark.parametrize("text", METAPATHS)
def test_stored_matrices_give_the_same_dwpc_and_read_no_column(folder, syn, text):
    ref = dwpc_matrix(syn, text)  # in memory, from the edges
    first = dwpc_matrix(evgraph.load(folder), text)  # builds and stores
    assert _stored(folder), "the first call stores its matrices"
    kg = evgraph.load(folder)
    again = dwpc_matrix(kg, text)
    assert _same(first, ref) and _same(again, ref)
    assert _nothing_read(kg), "a stored metapath reads no table column"
    off = evgraph.load(folder)
    assert _same(dwpc_matrix(off, text, disk_cache=False), ref) and off._tables["edges"]._codes


def test_store_key_follows_tables_and_ontology(folder, syn):
    a = MatrixStore.of(evgraph.load(folder))
    assert a is not None and a.key == MatrixStore.of(evgraph.load(folder)).key
    kg = evgraph.load(folder)
    rel = next(iter(kg.schema.relations))
    info = kg.schema.relations[rel]
    kg.schema = dataclasses.replace(kg.schema, relations={
        **kg.schema.relations, rel: dataclasses.replace(info, symmetric=not info.symmetric)})
    assert MatrixStore.of(kg).key != a.key, "a relation's symmetry changes what is stored"
    kg = evgraph.load(folder)
    kg.edges = kg.edges.iloc[:10]  # tables replaced: not the folder's graph any more
    assert MatrixStore.of(kg) is None
    assert MatrixStore.of(syn) is None  # built in memory: no folder


def test_changed_graph_never_reads_stale_matrices(folder, syn):
    text = "C<riEVcCGbmC"
    dwpc_matrix(evgraph.load(folder), text)
    old_keys = {p.parent.name for p in _stored(folder)}
    fewer = evgraph.load(folder)
    fewer.edges = fewer.edges.iloc[: syn.num_edges // 2].reset_index(drop=True)
    evgraph.save(fewer, folder)  # the graph changes under the same folder name
    kg = evgraph.load(folder)
    got = dwpc_matrix(kg, text)
    assert _same(got, dwpc_matrix(evgraph.load(folder), text, disk_cache=False))
    assert not _same(got, dwpc_matrix(syn, text))
    assert {p.parent.name for p in _stored(folder)}.isdisjoint(old_keys)
    # a stale key's subfolder left beside a new one is removed by the first write under the new key
    stale = folder / SUBFOLDER / ("0" * 32)
    stale.mkdir()
    (stale / "B-x.npy").write_bytes(b"old")
    for p in (folder / SUBFOLDER).iterdir():
        if p != stale:
            shutil.rmtree(p)
    dwpc_matrix(evgraph.load(folder), text)
    assert not stale.exists()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "structure", "empty"])
def test_damaged_file_is_ignored_and_rewritten(folder, syn, damage):
    text = "CG<cEVctC<ctEVcCG"
    ref = dwpc_matrix(syn, text)
    dwpc_matrix(evgraph.load(folder), text)
    files = [p for p in _stored(folder) if p.name.startswith("B-")]
    assert files
    for p in files:
        raw = p.read_bytes()
        if damage == "truncate":
            p.write_bytes(raw[: len(raw) // 2])
        elif damage == "garbage":
            p.write_bytes(b"not a numpy file at all")
        elif damage == "empty":
            p.write_bytes(b"")
        else:  # a valid .npy whose indices point outside the graph
            arr = np.load(p)
            arr[-1] = 10**6
            np.save(p, arr)
    got = dwpc_matrix(evgraph.load(folder), text)
    assert _same(got, ref)
    kg = evgraph.load(folder)
    assert _same(dwpc_matrix(kg, text), ref) and _nothing_read(kg), "rewritten whole"


def test_unwritable_folder_still_works_and_leaves_no_temporaries(folder, syn):
    (folder / SUBFOLDER).write_text("a file where the cache folder would go")  # cannot be created
    text = "CTrEVuCTrEV"
    assert _same(dwpc_matrix(evgraph.load(folder), text), dwpc_matrix(syn, text))
    (folder / SUBFOLDER).unlink()
    dwpc_matrix(evgraph.load(folder), text)
    assert _stored(folder) and not list((folder / SUBFOLDER).rglob("*.tmp"))


def test_store_off_by_argument_environment_and_filters(folder, monkeypatch):
    text = "C<riEVcCGbmC"
    dwpc_matrix(evgraph.load(folder), text, disk_cache=False)
    kg = evgraph.load(folder)
    hetmat(kg, min_confidence=0.0).dwpc(text)  # filtered edges are never stored
    assert not (folder / SUBFOLDER).exists()
    monkeypatch.setenv("EVGRAPH_HETMAT_CACHE", "0")
    dwpc_matrix(evgraph.load(folder), text)
    assert not (folder / SUBFOLDER).exists()
    monkeypatch.delenv("EVGRAPH_HETMAT_CACHE")
    dwpc_matrix(evgraph.load(folder), text)
    assert _stored(folder)


def test_saving_the_graph_again_drops_the_store(folder):
    dwpc_matrix(evgraph.load(folder), "C<riEVcCGbmC")
    evgraph.save(evgraph.load(folder), folder)
    assert not (folder / SUBFOLDER).exists()


@pytest.mark.parametrize("text", METAPATHS)
def test_first_call_reads_the_stored_codes_not_pandas_columns(folder, syn, text):
    """Store off, on a graph opened from its folder: the relationship and class columns are read as
    their stored dictionary codes (no per-row pandas conversion), with the in-memory graph's DWPC."""
    kg = evgraph.load(folder)
    assert _same(dwpc_matrix(kg, text, disk_cache=False), dwpc_matrix(syn, text))
    edges, nodes = kg._tables["edges"], kg._tables["nodes"]
    assert set(edges._dictionaries) == {"predicate"} and set(nodes._dictionaries) == {"category"}
    assert not edges._columns and not nodes._columns and set(edges._codes) == {"subject", "object"}


def test_first_call_checks_the_relations_it_reads(folder):
    """A foreign relationship in the stored predicate column fails with the column's one line, as
    reading the column itself does (tests/test_store_lazy.py)."""
    from test_store_lazy import _rewrite

    from evgraph.errors import DataError

    n = evgraph.load(folder).num_edges
    _rewrite(folder, "predicate", ["not_a_relation"] * n)
    with pytest.raises(DataError, match="unknown relation 'not_a_relation'") as err:
        dwpc_matrix(evgraph.load(folder), "CTrEVcCGaPW", disk_cache=False)
    assert "edges.parquet" in str(err.value) and "predicate" in str(err.value) and "\n" not in str(err.value)


def test_codes_of_a_column_already_read_come_from_its_categorical(folder):
    """``edge_factorized`` on a column already read as a categorical reuses its codes (no
    per-row factorize) and agrees with the stored dictionary's codes."""
    a, b = evgraph.load(folder), evgraph.load(folder)
    a.edge_column("predicate")  # read (pandas) first
    ca, va = a.edge_factorized("predicate")
    cb, vb = b.edge_factorized("predicate")  # straight from the dictionary
    assert np.array_equal(va[ca], vb[cb]) and np.array_equal(va[ca], a.edge_column("predicate").astype(object))
