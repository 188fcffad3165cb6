"""The permutation null under an edge filter (a species filter): the filtered permuted graph keeps
every node's degree at both ends, as the filtered observed graph has it; the DWPC and crosstalk
nulls use those graphs; each filter has its own cache entry; no filter draws the graphs as before."""

from __future__ import annotations

import numpy as np
import pytest

from evgraph.analytics._common import edge_filter
from evgraph.analytics.dwpc_null import DwpcNull, end_degrees, source_group
from evgraph.analytics.hetmat import hetmat
from evgraph.analytics.metagraph import Metapath
from evgraph.analytics.permutation import filter_digest, permutations

MOUSE = "NCBITaxon:10090"
OBESITY, AD = "MONDO:0011122", "MONDO:0004975"


def _fresh(kg):
    """The same graph without its in-memory caches (a new process, as far as caches go)."""
    kg2 = type(kg).__new__(type(kg))
    kg2.__dict__.update(kg.__dict__)
    kg2._cache = {}
    return kg2


def _degrees(kg, ends: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per (relationship, node) degree of ``ends`` over the edges of ``mask``."""
    pred = kg.edge_column("predicate").cat.codes.to_numpy().astype(np.int64)
    n = kg.num_nodes
    return np.bincount((pred * n + ends)[mask], minlength=int(pred.max() + 1) * n)


def test_filtered_graph_keeps_both_ends_degrees(kg):
    kg = _fresh(kg)
    mask = edge_filter(kg, species=MOUSE)
    assert 0 < mask.sum() < kg.num_edges
    filtered = permutations(kg, 10, seed=4, mask=mask)
    plain = permutations(kg, 10, seed=4)
    want = _degrees(kg, kg.dst, mask)
    everything = np.ones(kg.num_edges, dtype=bool)
    for row in np.asarray(filtered.dst):
        assert np.array_equal(_degrees(kg, row, mask), want)  # objects of the filtered graph
        assert np.array_equal(_degrees(kg, row, everything), _degrees(kg, kg.dst, everything))  # whole graph too
        assert np.mean(row[mask] != kg.dst[mask]) > 0.3  # still a shuffle
    # subjects never move, so the filtered graph's subject degrees hold by construction;
    # the one-pool null (no mask) does not keep the filtered objects' degrees: the defect fixed here
    assert not all(np.array_equal(_degrees(kg, row, mask), want) for row in np.asarray(plain.dst))


def test_no_filter_or_full_filter_draws_the_unfiltered_graphs(kg):
    a = permutations(_fresh(kg), 5, seed=9)
    b = permutations(_fresh(kg), 5, seed=9, mask=np.ones(kg.num_edges, dtype=bool))
    assert b.mask is None and np.array_equal(np.asarray(a.dst), np.asarray(b.dst))


def test_each_filter_has_its_own_cache_entry(kg, tmp_path):
    mask = edge_filter(kg, species=MOUSE)
    plain = permutations(_fresh(kg), 6, seed=2, cache_dir=tmp_path)
    filtered = permutations(_fresh(kg), 6, seed=2, cache_dir=tmp_path, mask=mask)
    digest = filter_digest(mask)
    assert (tmp_path / "permutations-seed2.npy").is_file()
    assert (tmp_path / f"permutations-seed2-f{digest}.npy").is_file()
    assert not np.array_equal(np.asarray(plain.dst), np.asarray(filtered.dst))
    again = permutations(_fresh(kg), 6, seed=2, cache_dir=tmp_path, mask=mask)  # read back, memory-mapped
    assert isinstance(again.dst, np.memmap) and np.array_equal(np.asarray(again.dst), np.asarray(filtered.dst))
    assert np.array_equal(again.mask, mask)
    plain_again = permutations(_fresh(kg), 6, seed=2, cache_dir=tmp_path)
    assert np.array_equal(np.asarray(plain_again.dst), np.asarray(plain.dst))


def test_species_dwpc_null_equals_brute_force_over_filtered_permutations(kg):
    """With ``species``, a null summary is the brute-force DWPC null over the graphs permuted
    within the species filter and read through the same filter."""
    kg = _fresh(kg)
    mp = Metapath.parse("C<riEVctC<scC")
    s, t = kg.index_of(OBESITY), kg.index_of(AD)
    got = DwpcNull(kg, permutations=12, seed=3, group_size=4, species=MOUSE).summary(mp, s, t)
    hm = hetmat(kg, species=MOUSE)
    deg_s, deg_t = end_degrees(hm, mp, "source"), end_degrees(hm, mp, "target")
    rows = source_group(deg_s, int(deg_s[s]), 4, 3)
    cols = np.flatnonzero(deg_t == deg_t[t])
    mask = edge_filter(kg, species=MOUSE)
    vals = []
    for hp in permutations(kg, 12, seed=3, mask=mask).hetmats():
        D = hp.dwpc(mp, rows=rows, cols=cols).toarray()
        vals.append(D[rows[:, None] != cols[None, :]])
    null = np.concatenate(vals)
    assert null.sum() > 0  # a null with paths in it, so the comparison means something
    assert got.size == len(null) and got.nonzero == int((null > 0).sum())
    assert got.total == pytest.approx(null.sum()) and got.total_sq == pytest.approx((null ** 2).sum())


def test_species_crosstalk_null_is_drawn_within_the_filter(kg, tmp_path):
    from evgraph.analytics.crosstalk import crosstalk

    crosstalk(_fresh(kg), species=MOUSE, permutations=4, cache_dir=tmp_path, signed_pairs=0, show_progress=False)
    digest = filter_digest(edge_filter(kg, species=MOUSE))
    assert [p.name for p in tmp_path.glob("permutations-*.npy")] == [f"permutations-seed0-f{digest}.npy"]
