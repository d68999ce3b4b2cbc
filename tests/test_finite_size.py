"""Disorder averages: errors from the spread between independent samples, not between correlated replicas."""

import numpy as np
import pytest
import xarray as xr

from isinghop.stats import finite_size


def _synthetic(rng, samples=20, replicas=8, mu=0.3, sigma=0.1, within=0.01):
    """Per-sample means ~ N(mu, sigma); replicas of one sample differ only by a small noise (strongly correlated)."""
    per_sample = mu + sigma * rng.normal(size=samples)
    values = per_sample[:, None] + within * rng.normal(size=(samples, replicas))
    return xr.DataArray(values, dims=("sample", "replica"))


def test_disorder_errors_cover_the_truth_at_the_stated_rate():
    rng = np.random.default_rng(1)
    inside = []
    for _ in range(400):
        mean, error = finite_size.disorder_average(_synthetic(rng))
        inside.append(abs(float(mean) - 0.3) < 2 * float(error))
    # 20 samples: |t| < 2 with 19 degrees of freedom holds with probability 0.94; 400 trials give +-0.012 (1 sigma)
    assert 0.90 < np.mean(inside) < 0.98
    # the naive error over all 160 correlated values would be about sqrt(8) times too small
    data = _synthetic(rng)
    naive = float(data.std(ddof=1)) / np.sqrt(data.size)
    assert float(finite_size.disorder_average(data)[1]) > 2 * naive


def test_jackknife_of_a_function_of_the_replica_means():
    rng = np.random.default_rng(2)
    errors, estimates = [], []
    for _ in range(300):
        value, error = finite_size.disorder_jackknife(lambda m: np.mean(m) ** 2, _synthetic(rng, samples=40))
        estimates.append(value)
        errors.append(error)
    # delta method: the error of mean^2 is 2 |mu| sigma / sqrt(n) = 2 * 0.3 * 0.1 / sqrt(40); the spread of the
    # estimates over the 300 trials is the true error; both agree with the jackknife's typical error
    assert np.median(errors) == pytest.approx(2 * 0.3 * 0.1 / np.sqrt(40), rel=0.1)
    assert np.std(estimates) == pytest.approx(np.median(errors), rel=0.15)


def test_averages_need_independent_samples():
    data = xr.DataArray(np.ones((1, 4)), dims=("sample", "replica"))
    with pytest.raises(ValueError, match="^dim: an error from the spread between samples needs at least 2"):
        finite_size.disorder_average(data)
    with pytest.raises(ValueError, match="^dim: 'pattern_set' is not a dimension"):
        finite_size.disorder_average(data, dim="pattern_set")


def test_missing_samples_do_not_count_in_the_error():
    # two finite samples 1 and 2 among six: std 0.707 over sqrt(2), not over sqrt(6)
    mean, error = finite_size.disorder_average(xr.DataArray([1.0, 2, np.nan, np.nan, np.nan, np.nan], dims="sample"))
    assert float(mean) == 1.5 and float(error) == pytest.approx(0.5, rel=1e-12)
    # per position along another dim, each with its own count; a sample whose replicas are all NaN is missing
    values = np.array([[[1.0, 1.0], [2.0, 2.0], [3.0, np.nan], [np.nan, np.nan]],
                       [[4.0, 4.0], [np.nan, np.nan], [np.nan, np.nan], [np.nan, np.nan]],
                       [[np.nan, np.nan]] * 4])
    mean, error = finite_size.disorder_average(xr.DataArray(values, dims=("T", "sample", "replica")))
    assert mean.dims == ("T",) and error.dims == ("T",)
    assert mean.values[0] == 2.0 and error.values[0] == pytest.approx(1 / np.sqrt(3), rel=1e-12)
    # one finite sample: its value, and no error (NaN); none: NaN for both
    assert mean.values[1] == 4.0 and np.isnan(error.values[1])
    assert np.isnan(mean.values[2]) and np.isnan(error.values[2])


def test_one_mean_and_error_for_the_package():
    from isinghop.stats import report as paper

    rng = np.random.default_rng(5)
    values = rng.normal(size=(7, 3))
    values[2, :] = np.nan
    values[5, 1] = np.nan
    data = xr.DataArray(values, dims=("sample", "probe"))
    mean, error = finite_size.disorder_average(data, replica_dim="probe")
    number = paper.mean_error(data)
    assert number.value == float(mean) and number.error == float(error) and number.samples == 6
    # the phase diagram's error bars are the same numbers
    per_sample = data.mean("probe")
    assert float(error) == pytest.approx(float(per_sample.std(ddof=1)) / np.sqrt(6), rel=1e-12)
    # samples that agree but for rounding have no spread, in every route
    ones = xr.DataArray(np.array([1.0, 1 - 2.0 ** -53, 1.0, 1 - 2.0 ** -52]), dims="sample")
    assert float(finite_size.disorder_average(ones)[1]) == 0.0 and paper.mean_error(ones).error == 0.0


def test_extrapolation_refuses_what_it_cannot_fit(capfd):
    sizes, values, errors = [250, 500, 1000, 2000], [0.13, 0.135, 0.137, 0.138], [0.002, 0.002, 0.001, 0.001]
    limit, limit_error, slope, chi2 = finite_size.extrapolate_in_size(sizes, values, errors)
    assert np.isfinite([limit, limit_error, slope, chi2]).all() and limit_error > 0
    for bad in ([0.002, 0.0, 0.001, 0.001], [0.002, -0.001, 0.001, 0.001], [0.002, np.inf, 0.001, 0.001]):
        with pytest.raises(ValueError, match=r"^errors: .*N = 500"):
            finite_size.extrapolate_in_size(sizes, values, bad)
    for exponent in (0.0, 1e-9, np.inf, -0.5, np.nan):
        with pytest.raises(ValueError, match="^exponent: "):
            finite_size.extrapolate_in_size(sizes, values, errors, exponent=exponent)
    for bad in ([250, 250, 1000, 2000], [0, 500, 1000, 2000], [-250, 500, 1000, 2000], [np.nan, 500, 1000, 2000]):
        with pytest.raises(ValueError, match="^sizes: "):
            finite_size.extrapolate_in_size(bad, values, errors)
    with pytest.raises(ValueError, match="^sizes, values, errors: "):
        finite_size.extrapolate_in_size(sizes[:3], values, errors)
    captured = capfd.readouterr()
    assert "DLASCL" not in captured.out + captured.err  # nothing reached LAPACK
    # a size where the curve never falls through its level (NaN) is no estimate: left out, as documented
    with_missing = finite_size.extrapolate_in_size(sizes + [4000], values + [np.nan], errors + [np.nan])
    assert with_missing == pytest.approx((limit, limit_error, slope, chi2), rel=1e-12)
    # a wide range of exponents and sizes stays well conditioned
    big = finite_size.extrapolate_in_size([1e3, 1e4, 1e5], [1.0, 1.0 + 1e-12, 1.0 + 2e-12], [1e-3] * 3, exponent=4.0)
    assert big[0] == pytest.approx(1.0, abs=1e-6) and np.isfinite(big[1]) and big[1] > 0


def test_mean_error_edge_cases_are_not_silently_wrong():
    """An infinite sample has no finite spread (error NaN, not 0); an empty sample axis is named."""
    from isinghop.stats.finite_size import sample_mean_error

    assert np.isnan(sample_mean_error([1.0, np.inf])[1])
    assert np.isnan(sample_mean_error([-np.inf, np.inf])[1])
    with pytest.raises(ValueError, match="data: no samples"):
        sample_mean_error(xr.DataArray(np.zeros((2, 0)), dims=("x", "sample")))
    with pytest.raises(TypeError, match="data: expected an xarray.DataArray"):
        finite_size.disorder_average(np.zeros(3))


def test_extrapolation_does_not_depend_on_the_units_of_the_errors():
    """Errors scaled by 1e±150 scale the limit's error with them (and leave the fit alone): no underflow to NaN."""
    sizes, values = [10, 20, 40, 80], [1.0, 1.1, 1.25, 1.3]
    limit, error, slope, chi2 = finite_size.extrapolate_in_size(sizes, values, [0.1, 0.05, 0.2, 0.1])
    for factor in (1e-150, 1e150):
        scaled = finite_size.extrapolate_in_size(sizes, values, [0.1 * factor, 0.05 * factor, 0.2 * factor, 0.1 * factor])
        assert scaled[0] == pytest.approx(limit, rel=1e-12) and scaled[2] == pytest.approx(slope, rel=1e-12)
        # √(χ²/dof) scales the error up only when the fit is worse than its error bars
        expected = error / np.sqrt(max(1.0, chi2)) * factor * np.sqrt(max(1.0, chi2 / factor**2))
        assert scaled[1] == pytest.approx(expected, rel=1e-9)
