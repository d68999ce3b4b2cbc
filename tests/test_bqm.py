"""isinghop models to and from dimod's BinaryQuadraticModel."""

import itertools
import unittest

import numpy as np
import pytest
import scipy.sparse

import isinghop as ih
from isinghop.bqm import from_bqm, to_bqm

dimod = pytest.importorskip("dimod")


def random_bqm(n, vartype, integer, seed, density=1.0, labels=None):
    rng = np.random.default_rng(seed)
    labels = list(range(n)) if labels is None else labels
    draw = (lambda size: rng.integers(-3, 4, size).astype(float)) if integer else (lambda size: rng.normal(size=size))
    linear = dict(zip(labels, draw(n)))
    quadratic = {(labels[i], labels[j]): value for (i, j), value in zip(itertools.combinations(range(n), 2),
                                                                          draw(n * (n - 1) // 2))
                 if rng.random() < density and value != 0}
    return dimod.BinaryQuadraticModel(linear, quadratic, float(draw(1)[0]), vartype)


@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
@pytest.mark.parametrize("integer", [True, False])
def test_energies_equal_dimods_exact_solver_on_every_state(vartype, integer):
    labels = ["a", ("b", 1), 7, "d", "e", "f", "g"]
    for seed in range(3):
        bqm = random_bqm(7, vartype, integer, seed, density=0.6, labels=labels)
        model, offset, order = from_bqm(bqm)
        assert set(order) == set(labels)
        exact = dimod.ExactSolver().sample(bqm)
        spins = exact.record.sample[:, [exact.variables.index(v) for v in order]].astype(np.int64)
        if vartype == "BINARY":
            spins = 2 * spins - 1
        np.testing.assert_allclose(ih.energy(model, spins) + offset, exact.record.energy, rtol=0, atol=1e-12)


def test_integer_bqms_give_integer_couplings():
    """Integer BINARY biases are quarter-integers in SPIN form: K = 4 J is integer with scale 4."""
    model, _, _ = from_bqm(random_bqm(6, "BINARY", True, 4))
    assert np.issubdtype(model.couplings.matrix.dtype, np.integer) and model.couplings.scale == 4
    model, _, _ = from_bqm(random_bqm(6, "SPIN", True, 5))
    assert np.issubdtype(model.couplings.matrix.dtype, np.integer) and model.couplings.scale == 1


@pytest.mark.parametrize("storage", ["dense", "sparse", "patterns"])
def test_spin_round_trip_is_exact(storage):
    rng = np.random.default_rng(6)
    n = 12
    if storage == "patterns":
        model = ih.hebbian(ih.random_patterns(3, n, rng=7))
    else:
        K = np.triu(rng.integers(-4, 5, (n, n)), 1)
        K = K + K.T
        make = ih.dense_model if storage == "dense" else lambda J, **kw: ih.sparse_model(scipy.sparse.csr_array(J), **kw)
        model = make(K, scale=3, h=rng.normal(size=n))
    labels = [f"x{i}" for i in range(n)]
    back, offset, order = from_bqm(to_bqm(model, labels=labels))
    assert order == tuple(labels) and offset == 0.0
    np.testing.assert_array_equal(ih.to_dense(back), ih.to_dense(model))
    np.testing.assert_array_equal(back.h, model.h)


def test_binary_round_trip():
    """Exact for integer couplings (scale 4 absorbs the s = 2x − 1 quarters), to 1e-12 for floats."""
    rng = np.random.default_rng(8)
    K = np.triu(rng.integers(-4, 5, (9, 9)), 1)
    integer = ih.dense_model(K + K.T, h=rng.integers(-2, 3, 9).astype(float))
    back, offset, _ = from_bqm(to_bqm(integer, vartype="BINARY"))
    np.testing.assert_array_equal(ih.to_dense(back), ih.to_dense(integer))
    np.testing.assert_array_equal(back.h, integer.h)
    assert offset == pytest.approx(0.0, abs=1e-12)
    J = np.triu(rng.normal(size=(9, 9)), 1)
    real = ih.dense_model(J + J.T, h=rng.normal(size=9))
    back, offset, _ = from_bqm(to_bqm(real, vartype="BINARY"))
    np.testing.assert_allclose(ih.to_dense(back), ih.to_dense(real), rtol=0, atol=1e-12)
    np.testing.assert_allclose(back.h, real.h, rtol=0, atol=1e-12)
    assert offset == pytest.approx(0.0, abs=1e-12)


def test_sparse_bqms_stay_sparse():
    chain = dimod.BinaryQuadraticModel({}, {(i, i + 1): -1.0 for i in range(99)}, 0.0, "SPIN")
    model, _, _ = from_bqm(chain)
    assert isinstance(model.couplings, ih.SparseCouplings) and model.couplings.matrix.nnz == 198


def test_models_a_bqm_cannot_hold_are_refused():
    with pytest.raises(ValueError, match="self-couplings"):
        to_bqm(ih.hebbian(ih.random_patterns(2, 6, rng=9), self_coupling=True))
    J = np.arange(9.0).reshape(3, 3)
    np.fill_diagonal(J, 0)
    with pytest.raises(ValueError, match="symmetric"):
        to_bqm(ih.dense_model(J, allow_asymmetric=True))
    with pytest.raises(ValueError, match="labels"):
        to_bqm(ih.dense_model(np.zeros((3, 3))), labels=["a", "a", "b"])
    with pytest.raises(ValueError, match="vartype"):
        to_bqm(ih.dense_model(np.zeros((3, 3))), vartype="ISING")
    with pytest.raises(TypeError, match="bqm"):
        from_bqm({"a": 1})


def _sampler():
    from isinghop.bqm import IsinghopSampler
    return IsinghopSampler


@dimod.testing.load_sampler_bqm_tests(_sampler())
class TestDimodConformance(unittest.TestCase):
    """dimod's own sampler tests: empty, one-variable and labelled BQMs of every BQM class, both vartypes."""


def test_sampler_api_and_ground_states():
    """Annealing 20 reads over 1000 sweeps finds the exact ground state of small random ±1 BQMs
    (n = 12, every pair coupled), checked against dimod's ExactSolver on all 4096 states."""
    sampler = _sampler()()
    dimod.testing.assert_sampler_api(sampler)
    for seed in range(3):
        for vartype in ("SPIN", "BINARY"):
            bqm = dimod.generators.ran_r(1, 12, seed=seed).change_vartype(vartype, inplace=False)
            sampleset = sampler.sample(bqm, num_reads=20, seed=seed)
            dimod.testing.assert_sampleset_energies(sampleset, bqm)
            assert sampleset.vartype is bqm.vartype
            assert sampleset.first.energy == pytest.approx(dimod.ExactSolver().sample(bqm).first.energy, abs=1e-9)
            assert len(sampleset.info["acceptance"]) == 20 and sampleset.info["timing"]["sampling_s"] > 0


def test_sampler_at_fixed_beta_and_from_given_states():
    bqm = dimod.generators.ran_r(1, 8, seed=4)
    sampler = _sampler()()
    frozen = sampler.sample(bqm, beta=100.0, num_sweeps=5, initial_states=sampler.sample(bqm, num_reads=3, seed=5),
                            seed=6)
    assert len(frozen) == 3  # one read per given state
    a = sampler.sample(bqm, beta=0.5, num_reads=4, num_sweeps=20, seed=7)
    b = sampler.sample(bqm, beta=0.5, num_reads=4, num_sweeps=20, seed=7)
    np.testing.assert_array_equal(a.record.sample, b.record.sample)  # seeded: reproducible
