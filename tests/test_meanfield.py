"""Curie–Weiss mean-field theory against its own equation, its spinodal, and exact enumeration."""

import numpy as np
import pytest

import isinghop as ih
from isinghop.theory import meanfield as mf

T_GRID = np.array([0.2, 0.5, 0.8, 0.99, 1.0, 1.01, 1.5, 3.0])[:, None]
H_GRID = np.array([-0.5, -0.2, -0.05, 0.0, 0.03, 0.2, 0.7])[None, :]


def test_every_branch_solves_the_mean_field_equation():
    branches = mf.curie_weiss(T_GRID, H_GRID)
    m = branches.m
    residual = np.abs(m - np.tanh((m + H_GRID[..., None]) / T_GRID[..., None]))
    assert np.nanmax(residual) < 1e-12
    count = np.sum(~np.isnan(m), axis=-1)
    assert np.all(count[T_GRID[:, 0] >= 1.0] == 1)  # one branch at and above T_c
    assert np.all(count[T_GRID[:, 0] < 1.0][:, H_GRID[0] == 0.0] == 3)  # three at h = 0 below T_c
    # exactly one stable branch has the lowest free energy; the middle branch is never stable
    assert not np.any(branches.stable[..., 1] & (count == 3))


def test_spinodal_closed_form_is_where_the_branches_merge():
    for T in (0.3, 0.5, 0.8, 0.95):
        m_sp, h_sp = mf.curie_weiss_spinodal(T)
        low, high = 0.0, 1.0  # bisection on the number of branches: 3 below h_sp, 1 beyond
        for _ in range(60):
            middle = 0.5 * (low + high)
            three = np.sum(~np.isnan(mf.curie_weiss(T, middle).m)) == 3
            low, high = (middle, high) if three else (low, middle)
        assert low == pytest.approx(h_sp, abs=1e-8)
        merging = mf.curie_weiss(T, low).m[:2]  # the metastable and the unstable branch, about to merge at -m_sp
        assert np.all(np.abs(merging + m_sp) < 1e-6)


def test_susceptibility_above_tc_at_zero_field():
    T = np.array([1.1, 1.5, 2.0, 4.0])
    chi = mf.curie_weiss(T, 0.0).susceptibility[:, 0]
    np.testing.assert_allclose(chi, 1.0 / (T - 1.0), rtol=1e-12)


@pytest.mark.parametrize("h", [0.0, 0.05, -0.3])
@pytest.mark.parametrize("T", [0.4, 1.0, 2.5])
def test_finite_n_binomial_sums_equal_enumeration(T, h):
    n = 12
    exact = ih.thermal_averages(ih.hebbian(np.ones((1, n))).with_field(h=h), T=T)
    finite = mf.curie_weiss_finite(n, T, h)
    assert finite.magnetisation == pytest.approx(exact.magnetisation, abs=1e-10)
    assert finite.abs_magnetisation == pytest.approx(exact.abs_magnetisation, abs=1e-10)
    assert finite.magnetisation_2 == pytest.approx(exact.magnetisation_2, abs=1e-10)
    assert finite.magnetisation_4 == pytest.approx(exact.magnetisation_4, abs=1e-10)
    assert finite.binder == pytest.approx(exact.binder, abs=1e-10)
    assert finite.energy_per_spin == pytest.approx(exact.energy_per_spin, abs=1e-10)
    chi = n / T * (exact.magnetisation_2 - exact.abs_magnetisation**2)
    assert finite.susceptibility == pytest.approx(chi, abs=1e-10)


def test_large_n_approaches_the_stable_branch_without_overflow():
    # C(10^4, k) overflows a double: the sum runs in logarithms; at T = 0.5 <|m|> -> m* with O(1/N) corrections
    finite = mf.curie_weiss_finite(10_000, 0.5)
    m_star = mf.curie_weiss(0.5, 0.0).m[2]
    assert np.isfinite(finite.abs_magnetisation) and abs(finite.abs_magnetisation - m_star) < 1e-3


def test_bad_temperatures_are_refused():
    with pytest.raises(ValueError, match="^T: temperatures must be > 0, got 0.0"):
        mf.curie_weiss(0.0)
    with pytest.raises(ValueError, match="^T: temperatures must be > 0"):
        mf.curie_weiss_finite(10, [1.0, -1.0])
    with pytest.raises(ValueError, match="^T: the spinodal exists for T < 1 only"):
        mf.curie_weiss_spinodal(1.2)
