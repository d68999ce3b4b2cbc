"""Bad input is refused before any computation, with the argument and the entries named."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import isinghop as ih

BAD_SPIN_VALUES = st.sampled_from([0, 2, -2, 3, np.nan, np.inf, 0.5])


@st.composite
def spins_with_one_bad_entry(draw):
    shape = draw(st.tuples(st.integers(1, 4), st.integers(2, 9)))
    good = draw(arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    r, i = draw(st.integers(0, shape[0] - 1)), draw(st.integers(0, shape[1] - 1))
    good[r, i] = draw(BAD_SPIN_VALUES)
    return good, (r, i)


SPIN_FUNCTIONS = {
    "energy": lambda s: ih.energy(ih.hebbian(np.ones((1, s.shape[1]))), s),
    "local_fields": lambda s: ih.local_fields(ih.hebbian(np.ones((1, s.shape[1]))), s),
    "delta_energy": lambda s: ih.delta_energy(ih.hebbian(np.ones((1, s.shape[1]))), s),
    "flip_fraction": lambda s: ih.flip_fraction(s, 0.1, rng=0),
    "to_binary": ih.to_binary,
    "invert": ih.invert,
}


@given(spins_with_one_bad_entry(), st.sampled_from(sorted(SPIN_FUNCTIONS)))
def test_bad_spins_name_the_argument_and_the_entry(case, function):
    spins, (r, i) = case
    with pytest.raises(ValueError, match=rf"^spins: .*bad entries \[{r}, {i}\]"):
        SPIN_FUNCTIONS[function](spins)


@pytest.mark.filterwarnings("ignore:patterns. .* patterns on .* sites:UserWarning")  # P > N: drawn shapes
@given(spins_with_one_bad_entry(), st.sampled_from(["hebbian", "pseudo_inverse", "storkey"]))
def test_bad_patterns_are_named(case, rule):
    patterns, (r, i) = case
    with pytest.raises(ValueError, match=rf"^patterns: .*bad entries \[{r}, {i}\]"):
        getattr(ih, rule)(patterns)


@given(st.integers(2, 6), st.data(), st.sampled_from([np.nan, np.inf, -np.inf]))
def test_non_finite_couplings_and_fields_are_named(n, data, bad):
    J = np.zeros((n, n))
    i, j = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
    J[i, j] = bad
    with pytest.raises(ValueError, match=rf"^J: entries must be finite; bad entries \[{i}, {j}\]"):
        ih.dense_model(J)
    h = np.zeros(n)
    h[i] = bad
    with pytest.raises(ValueError, match=rf"^h: entries must be finite; bad entries \[{i}\]"):
        ih.dense_model(np.zeros((n, n)), h=h)
    with pytest.raises(ValueError, match=rf"^theta: entries must be finite; bad entries \[{i}\]"):
        ih.hebbian(np.ones((1, n))).with_field(theta=h)


@given(st.integers(2, 8), st.integers(2, 8))
def test_mismatched_sizes_are_refused(n_model, n_spins):
    if n_model == n_spins:
        return
    model = ih.hebbian(np.ones((1, n_model)))
    with pytest.raises(ValueError, match=rf"^spins: expected {n_model} sites .*got {n_spins}"):
        ih.energy(model, np.ones(n_spins))
    with pytest.raises(ValueError, match=rf"^h: expected a scalar or shape \({n_model},\)"):
        model.with_field(h=np.zeros(n_spins))


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match="^model"):
        ih.energy("not a model", [1, -1])
    with pytest.raises(TypeError, match="^J: expected a scipy.sparse"):
        ih.sparse_model(np.eye(2))
    with pytest.raises(TypeError, match="^spins"):
        ih.as_spins(["a", "b"])
    with pytest.raises(TypeError, match="^T"):
        ih.boltzmann(ih.hebbian(np.ones((1, 3))), T="hot")
    with pytest.raises(ValueError, match="^tie: must be one of 'keep', 'up', 'down', 'flip', 'random'; got 'ceil'"):
        ih.fixed_points(ih.hebbian(np.ones((1, 3))), tie="ceil")
    with pytest.raises(ValueError, match=re.escape("J: expected a non-empty square matrix, got shape (2, 3)")):
        ih.dense_model(np.zeros((2, 3)))


def test_errors_a_newcomer_hits_say_what_to_do():
    """The mistakes of a first session: transposed patterns, 0/1 patterns, no temperature, T = 0 in AGS."""
    xi = ih.random_patterns(5, 400, rng=1)
    with pytest.warns(UserWarning, match=r"patterns: 400 patterns on 5 sites .* pass patterns.T"):
        ih.hebbian(xi.T)
    with pytest.raises(ValueError, match="patterns: entries must be \\+1 or -1 \\(convert 0/1 data with from_binary\\)"):
        ih.hebbian((xi + 1) // 2)
    with pytest.raises(ValueError, match=r"^T: give the temperature T .* or an anneal protocol with anneal="):
        ih.sample(ih.hebbian(xi), xi[0], sweeps=10)
    with pytest.raises(ValueError, match=r"T: ags solves T > 0; for T = 0 use ags_zero_temperature\(0.2\)"):
        ih.theory.ags(0.2, 0.0)
