"""The DWPC kernels' sparse product (evgraph.analytics._sparse.product): SciPy's own kernel without its
counting pass, in the cheaper orientation (CSR or CSC). Checked against SciPy's ``@`` (bit for bit in
the CSR orientation), and the all-pairs DWPC it gives against the plain left-to-right chain of
degree-weighted hop matrices, on the curated KB and a synthetic graph."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from test_analytics import _synthetic  # the benchmark graph generator

import evgraph
from evgraph.analytics import Metapath, _sparse, dwpc_matrix, hetmat
from evgraph.analytics._sparse import product

#: bench_dwpc.py's metapaths (one per hetmatpy category) and a few more with overlapping ends
METAPATHS = ["CTrEVcCGaPW", "C<riEVcCGbmC", "EVcCG<cEVriCscC", "CTrEVuCTrEV", "EVcCG<cEVcCG",
             "CG<cEVctC<ctEVcCG", "C<riEVctC", "C<riEVcCGctC", "GiGiG", "O<poCTrEVcCGrgGasC"]


@pytest.fixture(scope="module")
def syn():
    return _synthetic().generate(3000, seed=5)


@pytest.fixture(scope="module")
def curated():
    return evgraph.load()


def _pairs(L, R):
    rng = np.random.default_rng(0)
    yield L, R
    yield R.T.tocsr(), L.T.tocsr()
    # signed complex factor (as the repeat subtraction uses), int64 indices, an empty factor
    C = sp.csr_matrix((R.data * (1 - 2 * (rng.random(R.nnz) < 0.3)) + 1j * R.data, R.indices, R.indptr),
                      shape=R.shape)
    yield L, C
    L64 = sp.csr_matrix((L.data, L.indices.astype(np.int64), L.indptr.astype(np.int64)), shape=L.shape)
    yield L64, R
    yield L, sp.csr_matrix(R.shape)


def _factors():
    L = sp.random(300, 400, density=0.05, random_state=1, format="csr")
    R = sp.random(400, 250, density=0.01, random_state=2, format="csr")
    return L, R


@pytest.mark.parametrize("fmt", ["csr", "csc", None])
def test_product_equals_scipy_matmul(fmt):
    for L, R in _pairs(*_factors()):
        ref = (L @ R).tocsr()
        got = product(L, R, fmt)
        assert got.shape == ref.shape and got.format in ("csr", "csc") and (fmt is None or got.format == fmt)
        assert got.dtype == ref.dtype and got.nnz == ref.nnz
        if got.format == "csr":  # the same kernel, the same sums in the same order: identical arrays
            assert np.array_equal(got.indptr, ref.indptr) and np.array_equal(got.indices, ref.indices)
            assert np.array_equal(got.data, ref.data)
        # (compared before any arithmetic: SciPy's subtraction sorts its operands' indices in place)
        assert abs(got.tocsr() - ref).max() <= 1e-15 * max(abs(ref).max(), 1.0) if ref.nnz else got.nnz == 0


def test_product_beyond_the_bound_limit_is_scipys_product(monkeypatch):
    L, R = _factors()
    monkeypatch.setattr(_sparse, "BOUND_LIMIT", 0)  # every product now takes SciPy's counting pass
    for fmt in ("csr", "csc"):
        got = product(L, R, fmt)
        assert got.format == fmt and (got.tocsr() != (L @ R).tocsr()).nnz == 0


def test_product_picks_the_orientation_with_fewer_walks():
    L, R = _factors()  # the right factor holds far fewer entries: one walk per entry of R^T
    assert R.nnz < L.nnz and product(L, R).format == "csc"
    assert product(R.T.tocsr(), L.T.tocsr()).format == "csr"  # the mirror image stays CSR
    tiny = sp.identity(4, format="csr")
    assert product(tiny, tiny).format == "csr"  # too small for the transposed copies to pay
    with pytest.raises(ValueError, match="fmt"):
        product(L, R, "coo")


def _plain_chain(kg, mp):
    """DWPC of a metapath without repeated classes: the plain left-to-right product of its hop
    matrices, each ``D_out^-w B D_in^-w`` from the binary metaedge matrix, sliced to the end classes."""
    hm = hetmat(kg)
    P = None
    for i in range(len(mp)):
        B = hm.adjacency(mp.relations[i], mp.sets[i], mp.sets[i + 1], mp.reverse[i])
        with np.errstate(divide="ignore"):
            dr = np.where(np.diff(B.indptr) > 0, np.diff(B.indptr).astype(float) ** -0.4, 0.0)
            dc = np.bincount(B.indices, minlength=B.shape[1]).astype(float)
            dc = np.where(dc > 0, dc ** -0.4, 0.0)
        W = sp.diags(dr) @ B @ sp.diags(dc)
        P = W if P is None else P @ W
    r = np.flatnonzero(hm.class_mask(mp.sets[0]))
    c = np.flatnonzero(hm.class_mask(mp.sets[-1]))
    P = P.tocsr()[r][:, c]
    P.eliminate_zeros()
    return P.tocsr()


@pytest.mark.parametrize("graph", ["curated", "syn"])
@pytest.mark.parametrize("text", ["CTrEVcCGaPW", "O<poCTrEV", "CTrEVcCG", "C<riEVcCGaPW"])
def test_chosen_orientation_gives_the_plain_chains_dwpc(graph, text, request):
    """The no-repeat metapaths: the DWPC matrix (in whichever format its last product gave) has the
    plain chain's entries and values, on the curated KB and on a synthetic graph."""
    kg = request.getfixturevalue(graph)
    mp = Metapath.parse(text)
    assert not mp.overlaps()
    ref = _plain_chain(kg, mp)
    res = dwpc_matrix(kg, mp)
    got = res.matrix.tocsr()
    assert got.shape == ref.shape and got.nnz == ref.nnz
    if ref.nnz:
        assert (abs(got - ref) > 1e-15 * abs(ref).max()).nnz == 0
    assert graph == "curated" or ref.nnz  # the synthetic graph has paths of every metapath tested


@pytest.mark.parametrize("text", METAPATHS)
def test_dwpc_in_its_own_format_equals_the_csr(syn, text):
    """``HetMat.dwpc(fmt=None)`` (no conversion: CSR or CSC) holds exactly the entries of the CSR
    result, and no source == target pair where the two ends can be one node."""
    hm = hetmat(syn)
    mp = Metapath.parse(text)
    r = np.flatnonzero(hm.class_mask(mp.sets[0]))
    c = np.flatnonzero(hm.class_mask(mp.sets[-1]))
    own = hm.dwpc(mp, rows=r, cols=c, fmt=None)
    csr = hm.dwpc(mp, rows=r, cols=c)
    assert csr.format == "csr" and own.format in ("csr", "csc")
    assert hm.dwpc(mp, rows=r, cols=c, fmt="csc").format == "csc"
    assert own.nnz == csr.nnz and (own.tocsr() != csr).nnz == 0 and (own.data != 0).all()
    M = own.tocoo()
    assert csr.nnz and not (r[M.row] == c[M.col]).any()


def test_a_csc_result_drops_same_node_pairs(syn):
    """``HetMat._finish`` on a CSC (its columns are the major axis) drops the source == target
    entries exactly as on the CSR, and keeps the CSC format."""
    from evgraph.analytics import HetMat

    hm = hetmat(syn)
    returning = 0
    for text in ("C<riEVcCGctC", "C<riEVctC", "CTrEVuCT", "GiGiG"):
        mp = Metapath.parse(text)
        assert (0, len(mp)) in mp.overlaps()
        r = np.flatnonzero(hm.class_mask(mp.sets[0]))
        walks = hm.chain(mp, r, len(mp), 0.4, cols=r, fmt="csc")  # before the ends are required to differ
        assert walks.format == "csc"
        returning += bool(walks.diagonal().any())
        own = HetMat._finish(mp, walks.copy(), r, r)
        ref = HetMat._finish(mp, walks.tocsr(), r, r)
        assert own.format == "csc" and not own.diagonal().any() and own.nnz == ref.nnz
        assert (own.tocsr() != ref).nnz == 0
    assert returning  # some of them have walks back to their source, dropped


@pytest.mark.parametrize("text", ["C<riEVcCGbmC", "C<riEVcCGctC"])
def test_same_node_pairs_dropped_for_any_column_order(syn, text):
    """``_finish`` finds each row's own node by a binary search when the columns are the end class
    in code order, and compares every entry's two nodes otherwise (shuffled or repeated columns):
    the same entries are dropped either way."""
    from evgraph.analytics import HetMat

    hm = hetmat(syn)
    mp = Metapath.parse(text)
    r = np.flatnonzero(hm.class_mask(mp.sets[0]))
    walks = hm.chain(mp, r, len(mp), 0.4, cols=r)  # CSR, the ends not yet required to differ
    assert walks.diagonal().any()
    ref = walks.tocsr().copy()
    ref.setdiag(0)
    ref.eliminate_zeros()
    for fmt in ("csr", "csc"):
        got = HetMat._finish(mp, walks.asformat(fmt, copy=True), r, r)
        assert got.format == fmt and (got.tocsr() != ref).nnz == 0
    perm = np.random.default_rng(1).permutation(len(r))
    cols = np.concatenate([r[perm], r[:3]])  # shuffled, three nodes twice
    full = walks.tocsr()[:, np.concatenate([perm, np.arange(3)])]
    for fmt in ("csr", "csc"):
        got = HetMat._finish(mp, full.asformat(fmt, copy=True), r, cols).tocoo()
        kept = {(int(i), int(j)) for i, j in zip(got.row, got.col, strict=True)}
        want = {(int(i), int(j)) for i, j in zip(*full.nonzero(), strict=True) if r[i] != cols[j]}
        assert kept == want
