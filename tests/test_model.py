"""Energy, fields and ΔE of the three coupling storages against brute-force formulas."""

import numpy as np
import pytest
import scipy.sparse
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import isinghop as ih


def brute_energy(J, h, s):
    """H(s) = -1/2 sum_{i != j} J_ij s_i s_j - sum_i h_i s_i, by explicit loops."""
    n = len(s)
    pair = sum(J[i][j] * s[i] * s[j] for i in range(n) for j in range(n) if i != j)
    return -0.5 * pair - sum(h[i] * s[i] for i in range(n))


@st.composite
def instances(draw, self_coupling=False):
    n = draw(st.integers(2, 7))
    elements = st.floats(-3, 3, allow_nan=False, width=32)
    a = draw(arrays(np.float64, (n, n), elements=elements))
    J = (a + a.T) / 2
    if not self_coupling:
        np.fill_diagonal(J, 0.0)
    h = draw(arrays(np.float64, n, elements=elements))
    s = draw(arrays(np.int8, n, elements=st.sampled_from([-1, 1])))
    return J, h, s


@given(instances())
def test_energy_matches_brute_force_and_flip_symmetry(instance):
    J, h, s = instance
    model = ih.dense_model(J, h=h)
    expected = brute_energy(J, h, s)
    assert ih.energy(model, s) == pytest.approx(expected, abs=1e-9)
    # H(s; J, h) = H(-s; J, -h)
    assert ih.energy(model.with_field(h=-h), -s) == pytest.approx(expected, abs=1e-9)
    sparse = ih.sparse_model(scipy.sparse.csr_array(J), h=h)
    assert ih.energy(sparse, s) == pytest.approx(expected, abs=1e-9)


@given(instances(self_coupling=True), st.booleans())
def test_delta_energy_is_energy_difference(instance, keep_diagonal):
    J, h, s = instance
    if not keep_diagonal:
        np.fill_diagonal(J, 0.0)
    model = ih.dense_model(J, h=h, self_coupling=keep_diagonal)
    delta = ih.delta_energy(model, s)
    for i in range(len(s)):
        flipped = s.copy()
        flipped[i] *= -1
        assert delta[i] == pytest.approx(brute_energy(J, h, flipped) - brute_energy(J, h, s), abs=1e-9)
    # the zero-temperature field includes the self-coupling J_ii s_i
    np.testing.assert_allclose(ih.local_fields(model, s), J @ s + h, atol=1e-12)


def hebbian_storages(patterns, self_coupling=False):
    dense = ih.hebbian(patterns, storage="dense", self_coupling=self_coupling)
    stored = ih.hebbian(patterns, storage="patterns", self_coupling=self_coupling)
    K = dense.couplings.matrix
    sparse = ih.sparse_model(scipy.sparse.csr_array(K), scale=patterns.shape[1], self_coupling=self_coupling)
    return {"dense": dense, "patterns": stored, "sparse": sparse}


@pytest.mark.parametrize("self_coupling", [False, True])
def test_three_storages_agree_on_hebbian_couplings(self_coupling):
    xi = ih.random_patterns(5, 40, rng=11)
    spins = ih.random_spins(6, 40, rng=12)
    h = np.random.default_rng(13).normal(size=40)
    models = {k: m.with_field(h=h) for k, m in hebbian_storages(xi, self_coupling).items()}
    fields = {k: ih.local_fields(m, spins) for k, m in models.items()}
    energies = {k: ih.energy(m, spins) for k, m in models.items()}
    deltas = {k: ih.delta_energy(m, spins) for k, m in models.items()}
    # independent formula: J = xi^T xi / N
    J = xi.T.astype(float) @ xi / 40
    if not self_coupling:
        np.fill_diagonal(J, 0.0)
    for kind in models:
        np.testing.assert_allclose(fields[kind], spins @ J + h, atol=1e-12)
        np.testing.assert_allclose(energies[kind], [brute_energy(J, h, s) for s in spins], atol=1e-9)
        np.testing.assert_allclose(deltas[kind], deltas["dense"], atol=1e-12)
        np.testing.assert_allclose(ih.to_dense(models[kind]), J, atol=1e-15)


def test_hebbian_energy_per_spin_from_overlaps():
    n, p = 300, 7
    xi = ih.random_patterns(p, n, rng=21)
    spins = ih.random_spins(4, n, rng=22)
    h = np.random.default_rng(23).normal(size=n)
    model = ih.hebbian(xi).with_field(h=h)
    m = spins @ xi.T.astype(float) / n
    expected = -0.5 * (m**2).sum(axis=1) + p / (2 * n) - spins @ h / n
    np.testing.assert_allclose(ih.energy(model, spins) / n, expected, atol=1e-12)


def test_single_pattern_is_curie_weiss():
    xi = np.ones((1, 50), dtype=np.int8)
    model = ih.hebbian(xi)
    spins = ih.random_spins(5, 50, rng=3)
    m = spins.mean(axis=1)
    np.testing.assert_allclose(ih.energy(model, spins) / 50, -(m**2) / 2 + 1 / (2 * 50), atol=1e-14)


@pytest.mark.parametrize("kind", ["dense", "patterns", "sparse"])
def test_field_update_after_flip_equals_recompute(kind):
    xi = ih.random_patterns(4, 30, rng=31)
    model = hebbian_storages(xi)[kind]
    couplings = model.couplings
    spins = ih.random_spins(1, 30, rng=32)
    raw = couplings.raw_fields(spins)[0]
    for j in np.random.default_rng(33).integers(0, 30, size=25):
        spins[0, j] *= -1
        raw = raw + couplings.raw_column(j) * 2 * spins[0, j]
        np.testing.assert_array_equal(raw, couplings.raw_fields(spins)[0])
    assert raw.dtype == np.int64  # Hebbian fields stay exact integers


def test_hebbian_integer_ties_are_exact_zeros():
    # patterns [1,1,1] and [1,1,-1]: K_13 = K_23 = 0, so site 3 feels exactly zero field in every state
    xi = np.array([[1, 1, 1], [1, 1, -1]], dtype=np.int8)
    states = ih.state_spins(np.arange(8), 3)
    for kind, model in hebbian_storages(xi).items():
        fields = ih.local_fields(model, states)
        assert np.all(fields[:, 2] == 0.0) and np.all(fields[:, :2] != 0.0), kind


def test_lecture_note_hebb_two_nodes():
    model = ih.hebbian(np.array([[-1, 1]]), storage="dense")
    assert ih.to_dense(model)[0, 1] == -0.5
    assert ih.to_dense(ih.hebbian(np.array([[-1, 1]])))[0, 1] == -0.5


def test_theta_is_minus_h():
    model = ih.dense_model(np.zeros((3, 3)), theta=[0.5, -1.0, 0.0])
    np.testing.assert_array_equal(model.h, [-0.5, 1.0, 0.0])
    np.testing.assert_array_equal(model.theta, [0.5, -1.0, 0.0])
    np.testing.assert_array_equal(ih.h_from_theta(ih.theta_from_h(model.h)), model.h)
    # the lowest state aligns with h, i.e. against theta
    assert ih.energy(model, [-1, 1, 1]) < ih.energy(model, [1, -1, 1])
    with pytest.raises(ValueError, match="not both"):
        ih.dense_model(np.zeros((3, 3)), h=1.0, theta=1.0)
    uniform = model.with_field(theta=0.25)
    np.testing.assert_array_equal(uniform.h, -0.25)


def test_models_are_immutable():
    model = ih.hebbian(ih.random_patterns(2, 10, rng=1), storage="dense")
    with pytest.raises(ValueError):
        model.h[0] = 1.0
    with pytest.raises(ValueError):
        model.couplings.matrix[0, 1] = 3
    with pytest.raises(AttributeError):
        model.h = np.ones(10)


def test_asymmetric_couplings_only_for_dynamics():
    J = np.array([[0.0, -1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match=r"J: couplings must be symmetric.*J\[\d, \d\]"):
        ih.dense_model(J)
    with pytest.raises(ValueError, match=r"J: couplings must be symmetric"):
        ih.sparse_model(scipy.sparse.csr_array(J))
    model = ih.dense_model(J, allow_asymmetric=True)
    np.testing.assert_array_equal(ih.local_fields(model, [1, 1]), [-1.0, 1.0])
    with pytest.raises(ValueError, match="asymmetric"):
        ih.energy(model, [1, 1])
    with pytest.raises(ValueError, match="asymmetric"):
        ih.delta_energy(model, [1, 1])


def test_self_coupling_must_be_asked_for():
    J = np.array([[1.0, 0.5], [0.5, 0.0]])
    with pytest.raises(ValueError, match=r"J: the diagonal must be zero.*\[0\] = 1"):
        ih.dense_model(J)
    model = ih.dense_model(J, self_coupling=True)
    # energy ignores J_ii; the field sees it
    assert ih.energy(model, [1, 1]) == -0.5
    np.testing.assert_array_equal(ih.local_fields(model, [1, 1]), [1.5, 0.5])


def test_square_lattice_structure_and_ground_energy():
    L = 5
    model = ih.square_lattice(L)
    J = ih.to_dense(model)
    assert np.all(J.sum(axis=1) == 4) and np.array_equal(J, J.T) and np.all(np.diag(J) == 0)
    assert model.couplings.exact
    assert ih.energy(model, np.ones(L * L)) == -2 * L * L
    # checkerboard (L odd breaks it on the seam): count unsatisfied bonds directly
    rows, cols = np.indices((L, L))
    checker = np.where((rows + cols) % 2 == 0, 1, -1).ravel()
    bonds = [(r * L + c, r * L + (c + 1) % L) for r in range(L) for c in range(L)]
    bonds += [(r * L + c, ((r + 1) % L) * L + c) for r in range(L) for c in range(L)]
    assert ih.energy(model, checker) == -sum(checker[i] * checker[j] for i, j in bonds)


def _held_arrays(couplings):
    """Every array a coupling storage holds."""
    if isinstance(couplings, ih.SparseCouplings):
        m = couplings.matrix
        return [m.data, m.indices, m.indptr]
    return [a for a in vars(couplings).values() if isinstance(a, np.ndarray)]


BUILDERS = {
    "hebbian-patterns": lambda xs: ih.hebbian(xs),
    "hebbian-dense": lambda xs: ih.hebbian(xs, storage="dense"),
    "pseudo-inverse-patterns": lambda xs: ih.pseudo_inverse(xs),
    "pseudo-inverse-dense": lambda xs: ih.pseudo_inverse(xs, storage="dense"),
    "storkey": lambda xs: ih.storkey(xs),
    "pattern-couplings": lambda xs: ih.IsingModel(ih.PatternCouplings(xs.T, np.eye(len(xs))), None),
}


@pytest.mark.parametrize("layout", ["pattern", "site"])
@pytest.mark.parametrize("build", sorted(BUILDERS))
def test_models_hold_private_read_only_patterns(build, layout):
    xs = ih.random_patterns(3, 100, rng=1, layout=layout)
    model = BUILDERS[build](xs)
    reference = xs.copy()
    J = ih.to_dense(model)
    cue = xs[0]
    cue[:20] *= -1  # the reproducer: the caller edits its own array afterwards
    np.testing.assert_array_equal(ih.to_dense(model), J)
    for array in _held_arrays(model.couplings):
        assert not array.flags.writeable
        assert not np.shares_memory(array, xs)
    # recall from that cue (overlap 0.6) returns pattern 0 exactly: alpha = 0.03 is far below capacity
    recall = ih.relax(model, cue, schedule="sequential", rng=2)
    assert ih.observables.overlaps(recall.spins, reference)[0] == 1.0


def test_matrix_models_hold_private_read_only_copies():
    J = np.array([[0, 2, -1], [2, 0, 3], [-1, 3, 0]])
    for model, source in ((ih.dense_model(J), J), (ih.sparse_model(scipy.sparse.csr_array(J)), J),
                          (ih.IsingModel(ih.DenseCouplings(J.astype(float)), None), J)):
        before = ih.to_dense(model)
        source[0, 1] = 100
        np.testing.assert_array_equal(ih.to_dense(model), before)
        assert all(not a.flags.writeable for a in _held_arrays(model.couplings))
        source[0, 1] = 2


def test_to_dense_has_a_size_guard():
    xi = ih.random_patterns(2, 30_000, rng=1, layout="site")
    with pytest.raises(ValueError, match=r"7.2 GB.*max_sites"):
        ih.to_dense(ih.hebbian(xi))


def test_large_integer_couplings_are_exact_or_refused():
    big = 3_000_000_000
    model = ih.dense_model(np.array([[0, big], [big, 0]]))
    assert ih.energy(model, [1, 1]) == -big  # H = -J s1 s2
    assert ih.energy(model, [1, -1]) == big
    huge = ih.dense_model(np.array([[0, 2**40], [2**40, 0]]))
    assert ih.energy(huge, [1, 1]) == -(2**40)
    np.testing.assert_array_equal(ih.local_fields(huge, [1, -1]), [-(2**40), 2**40])
    # the kernels see the same exact couplings: from (1, -1) the first update aligns, energy -2^40
    assert ih.relax(huge, [1, -1], schedule="sequential").spins.tolist() == [-1, -1]
    chain = ih.sample(huge, [1, -1], T=1.0, sweeps=3, rng=1)
    assert chain.energy_per_spin[-1] * 2 == -(2**40)
    with pytest.raises(ValueError, match=r"^J: integer couplings must be below 2\^53.*1152921504606846976"):
        ih.dense_model(np.array([[0, 2**60], [2**60, 0]]))
    with pytest.raises(ValueError, match=r"^J: integer fields must stay below 2\^53.*row 0"):
        ih.dense_model(np.array([[0, 2**52, 2**52], [2**52, 0, 0], [2**52, 0, 0]]))


def test_ordinary_integer_models_run():
    J = [[0, 20000, 20000], [20000, 0, 0], [20000, 0, 0]]
    model = ih.dense_model(J)
    # from (1, -1, -1) site 0 sees 2*20000*(-1): it flips down; all aligned at (-1, -1, -1)
    assert ih.relax(model, [1, -1, -1], schedule="sequential").spins.tolist() == [-1, -1, -1]
    # H(+,+,+) = -(J01 + J02) = -40000; at T = 1 no move uphill by 80000 is accepted
    assert ih.sample(model, [1, 1, 1], T=1.0, sweeps=2, rng=1).energy_per_spin[-1] == pytest.approx(-40000 / 3, rel=1e-15)
    xi = ih.random_patterns(100, 5000, rng=1)  # alpha = 0.02: every pattern is a fixed point
    dense, patterns = ih.hebbian(xi, storage="dense"), ih.hebbian(xi)
    start = ih.flip_fraction(xi[:2], 0.1, rng=2)
    a = ih.relax(dense, start, rng=3)
    b = ih.relax(patterns, start, rng=3)
    np.testing.assert_array_equal(a.spins, xi[:2])  # recalled
    np.testing.assert_array_equal(a.spins, b.spins)
    c, d = (ih.sample(m, xi[:2], T=0.3, sweeps=1, rng=4) for m in (dense, patterns))
    np.testing.assert_array_equal(c.spins, d.spins)


def test_coupling_constructors_validate():
    matrix = scipy.sparse.csr_array(np.eye(3)[::-1])
    matrix.indices[0] = 5_000_000  # corrupted after construction, as a user could
    with pytest.raises(ValueError, match="^matrix: not a valid sparse matrix"):
        ih.SparseCouplings(matrix)
    with pytest.raises(ValueError, match="^J: not a valid sparse matrix"):
        ih.sparse_model(matrix)
    with pytest.raises(ValueError, match=r"^matrix: expected a non-empty square matrix, got shape \(20000, 1\)"):
        ih.DenseCouplings(np.ones((20000, 1)))
    with pytest.raises(ValueError, match=r"^matrix: entries must be finite; bad entries \[0, 1\]"):
        ih.DenseCouplings(np.array([[0.0, np.nan], [np.nan, 0.0]]))
    with pytest.raises(ValueError, match=r"^matrix: couplings must be symmetric \(pass symmetric=False"):
        ih.DenseCouplings(np.array([[0.0, 1.0], [2.0, 0.0]]))
    with pytest.raises(ValueError, match=r"^matrix: couplings must be symmetric"):
        ih.SparseCouplings(scipy.sparse.csr_array(np.array([[0.0, 1.0], [2.0, 0.0]])))
    with pytest.raises(ValueError, match="^scale: expected a finite number > 0, got -1"):
        ih.DenseCouplings(np.zeros((2, 2)), scale=-1)
    with pytest.raises(TypeError, match="^symmetric: expected True or False"):
        ih.DenseCouplings(np.zeros((2, 2)), symmetric="no")
    with pytest.raises(ValueError, match=r"^site_patterns.T: entries must be \+1 or -1 \(convert 0/1 data with from_binary\); bad entries \[0, 0\] = 0"):
        ih.PatternCouplings(np.zeros((4, 2), np.int8))
    with pytest.raises(ValueError, match="^matrix: A must be symmetric"):
        ih.PatternCouplings(np.ones((4, 2), np.int8), np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"^matrix: expected shape \(2, 2\)"):
        ih.PatternCouplings(np.ones((4, 2), np.int8), np.eye(3))
    with pytest.raises(TypeError, match="^self_coupling: expected True or False, got 'no'"):
        ih.hebbian(np.ones((1, 3)), self_coupling="no")
    with pytest.raises(TypeError, match="^allow_asymmetric: expected True or False, got 'no'"):
        ih.dense_model(np.array([[0.0, 1.0], [2.0, 0.0]]), allow_asymmetric="no")
    with pytest.raises(TypeError, match="^max_sites: expected a positive integer, got nan"):
        ih.to_dense(ih.hebbian(np.ones((1, 3))), max_sites=np.nan)


def test_sums_of_large_integers_do_not_wrap():
    n = 2048  # every row sums to 2047 * 2^42 < 2^53, the energy to -2^42 n (n - 1) / 2, far beyond 2^63 / 2^42
    J = np.full((n, n), 2**42, dtype=np.int64)
    np.fill_diagonal(J, 0)
    assert ih.energy(ih.dense_model(J), np.ones(n)) == pytest.approx(-(2**42) * n * (n - 1) / 2, rel=1e-15)
    # duplicates of a sparse matrix are summed without wrapping in the input's dtype: 100 + 100 = 200
    pairs = scipy.sparse.coo_array((np.array([100, 100, 100, 100], np.int8), ([0, 0, 1, 1], [1, 1, 0, 0])),
                                   shape=(2, 2))
    assert ih.energy(ih.sparse_model(pairs), [1, 1]) == -200
    huge = scipy.sparse.coo_array((np.array([2**62, 2**62], np.int64), ([0, 1], [1, 0])), shape=(2, 2))
    with pytest.raises(ValueError, match=r"^J.data: integer couplings must be below 2\^53"):
        ih.sparse_model(huge)


@pytest.mark.parametrize("kind", ["csc", "coo"])
def test_corrupted_sparse_matrices_of_any_format_are_refused(kind):
    J = scipy.sparse.csr_array(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))
    J = J.tocsc() if kind == "csc" else J.tocoo()
    (J.indices if kind == "csc" else J.coords[0])[0] = 50_000_000  # scipy's conversion would read out of bounds
    with pytest.raises(ValueError, match="^J: not a valid sparse matrix"):
        ih.sparse_model(J)
