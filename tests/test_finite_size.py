"""Disorder averages: errors from the spread between independent samples, not between correlated replicas."""

import numpy as np
import pytest
import xarray as xr

from isinghop import finite_size


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
