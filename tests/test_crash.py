"""No input reachable from the public API crashes the interpreter or runs on invalid couplings.

Models are built from arbitrary arrays (any size, dtype, NaN, infinities,
huge integers, asymmetric or corrupted sparse structure); each build either
raises a clear ``ValueError``/``TypeError`` naming an argument, or gives a
model on which one sweep of ``relax`` (and of ``sample``, when J is
symmetric) runs and returns valid spins.
"""

import re

import numpy as np
import pytest
import scipy.sparse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import isinghop as ih

DTYPES = st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint64, np.float32, np.float64])
#: Examples per test; the closing figures of the hardening work quote their sum.
EXAMPLES = 150
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REFUSAL = r"^[A-Za-z_.]+: "  # every refusal starts with the argument's name
pytestmark = pytest.mark.slow  # hundreds of builds, and the kernels compiled for every integer width


def _run_one_sweep(model):
    n = model.n_sites
    spins = np.ones((2, n), dtype=np.int8)
    spins[1, ::2] = -1
    result = ih.relax(model, spins, max_sweeps=1, rng=1)
    assert np.all(np.abs(result.spins) == 1)
    if model.couplings.symmetric:
        chain = ih.sample(model, spins, T=1.0, sweeps=1, rng=2)
        assert np.all(np.abs(chain.spins) == 1) and np.all(np.isfinite(chain.energy_per_spin))


def _build_or_refuse(build):
    try:
        model = build()
    except (ValueError, TypeError) as error:
        assert re.match(REFUSAL, str(error)), str(error)
        return
    _run_one_sweep(model)


@st.composite
def matrices(draw):
    n = draw(st.integers(1, 6))
    shape = draw(st.sampled_from([(n, n), (n, n), (n, n + 1), (n,), (n, n, 1)]))
    matrix = draw(arrays(DTYPES, shape))
    if draw(st.booleans()) and matrix.ndim == 2 and shape[0] == shape[1]:
        matrix = np.triu(matrix, 1) + np.triu(matrix, 1).T  # symmetric, zero diagonal: passes more checks
    return matrix


@SETTINGS
@given(matrices(), st.booleans(), st.booleans())
def test_dense_models_from_arbitrary_arrays(matrix, asymmetric, self_coupling):
    _build_or_refuse(lambda: ih.dense_model(matrix, allow_asymmetric=asymmetric, self_coupling=self_coupling))
    _build_or_refuse(lambda: ih.IsingModel(ih.DenseCouplings(matrix, symmetric=not asymmetric), None))


@SETTINGS
@given(st.integers(1, 6), st.data())
def test_sparse_models_from_arbitrary_structure(n, data):
    nnz = data.draw(st.integers(0, 8))
    values = data.draw(arrays(DTYPES, nnz))
    indices = data.draw(arrays(np.int64, nnz, elements=st.integers(-3, 5_000_000)))
    indptr = np.sort(data.draw(arrays(np.int64, n + 1, elements=st.integers(0, nnz))))
    indptr[0], indptr[-1] = 0, nnz
    kind = data.draw(st.sampled_from(["csr", "csc", "coo"]))
    try:
        matrix = scipy.sparse.csr_array((values, indices, indptr), shape=(n, n))
        matrix = {"csr": matrix, "csc": scipy.sparse.csc_array(matrix.T), "coo": matrix.tocoo()}[kind]
    except (ValueError, TypeError, IndexError):
        return  # scipy itself refused the structure
    if data.draw(st.booleans()):  # corrupted after scipy's checks, as a user could
        stored = matrix.coords[0] if matrix.format == "coo" else matrix.indices
        stored[...] = indices[: stored.size]
    symmetric = data.draw(st.booleans())
    _build_or_refuse(lambda: ih.sparse_model(matrix, allow_asymmetric=not symmetric, self_coupling=True))
    _build_or_refuse(lambda: ih.IsingModel(ih.SparseCouplings(matrix, symmetric=symmetric), None))


@pytest.mark.filterwarnings("ignore:patterns. .* patterns on .* sites:UserWarning")  # P > N is drawn on purpose
@SETTINGS
@given(st.integers(1, 8), st.integers(1, 4), st.data())
def test_pattern_models_from_arbitrary_arrays(n, p, data):
    if data.draw(st.booleans()):  # mostly valid spins, sometimes a 0 or a 2
        patterns = data.draw(arrays(np.int8, (p, n), elements=st.sampled_from([-1, 1, -1, 1, 0, 2])))
    else:
        patterns = data.draw(arrays(DTYPES, (p, n)))
    A = data.draw(st.one_of(st.none(), arrays(np.float64, (p, p))))
    _build_or_refuse(lambda: ih.hebbian(patterns))
    _build_or_refuse(lambda: ih.IsingModel(ih.PatternCouplings(patterns.T, A), None))
    if p <= n:
        _build_or_refuse(lambda: ih.pseudo_inverse(patterns))
