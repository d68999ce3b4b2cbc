"""The capacity study and the finite-size tools it uses."""

import numpy as np
import pytest

import isinghop as ih
from isinghop.stats.finite_size import extrapolate_in_size, level_crossing
from isinghop.testing import assert_study_dataset
from conftest import run_quick


@pytest.fixture(scope="module")
def quick(quick_stores):
    return run_quick(quick_stores, "capacity")


def test_quick_config_meets_the_contract_and_holds_the_theory(quick):
    assert_study_dataset(quick, dims=("n_sites", "alpha", "sample", "probe"))
    assert ih.load_study("capacity").plot(quick) is not None
    for alpha in quick["alpha"].values:
        theory = ih.theory.ags_zero_temperature(float(alpha))
        stored = quick["theory_overlap"].sel(alpha=alpha).values
        if theory.exists:
            np.testing.assert_allclose(stored, theory.m)
        else:
            assert np.isnan(stored).all()


def test_recall_below_and_above_capacity(quick):
    """α = 0.06: crosstalk σ = √α ≈ 0.24 leaves about NΦ(−1/σ) ≈ 2e-5 N unstable bits — every probe
    is recalled with m ≥ 0.99. α = 0.22 > α_c: recall fails, most of all at the largest N."""
    low = quick["overlap_from_pattern"].sel(alpha=0.06)
    assert float(low.min()) >= 0.99
    high = quick["overlap_from_pattern"].sel(alpha=0.22, n_sites=1000)
    assert float(high.mean()) < 0.8


def test_level_crossing_and_size_extrapolation():
    assert level_crossing([0.1, 0.2, 0.3], [1.0, 0.8, 0.4], 0.6) == pytest.approx(0.25)
    assert np.isnan(level_crossing([0.1, 0.2], [1.0, 0.95], 0.5))
    sizes = np.array([500, 1000, 2000, 4000])
    values = 0.14 + 0.3 * sizes**-0.5
    limit, error, slope, chi2 = extrapolate_in_size(sizes, values, np.full(4, 1e-3))
    assert limit == pytest.approx(0.14, abs=1e-12) and slope == pytest.approx(0.3, abs=1e-10)
    assert chi2 == pytest.approx(0.0, abs=1e-12)
    # with noise of known size the error bar covers the truth: σ = 1e-3 on each point
    noisy = values + np.array([1e-3, -1e-3, 0.5e-3, -0.5e-3])
    limit, error, _, _ = extrapolate_in_size(sizes, noisy, np.full(4, 1e-3))
    assert abs(limit - 0.14) < 3 * error
    with pytest.raises(ValueError, match="^values: need at least 3 sizes"):
        extrapolate_in_size([1, 2], [0.1, 0.2], [0.1, 0.1])
