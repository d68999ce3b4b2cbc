"""Finite-size analysis of study Datasets: averages over independent disorder samples.

Replicas that share one set of couplings are not independent estimates of a
disorder average; samples (independent pattern sets, the ``sample`` dim) are.
So errors come from the spread between samples, and a function of averages
gets its error by the jackknife over samples.
"""

from __future__ import annotations

import numpy as np

from isinghop.observables import jackknife

__all__ = ["disorder_average", "disorder_jackknife", "level_crossing", "extrapolate_in_size"]


def _samples(data, dim: str) -> int:
    if dim not in data.dims:
        raise ValueError(f"dim: {dim!r} is not a dimension of the data (dims {tuple(data.dims)})")
    count = data.sizes[dim]
    if count < 2:
        raise ValueError(f"dim: an error from the spread between samples needs at least 2 along {dim!r}, got {count}")
    return count


def disorder_average(data, *, dim: str = "sample", replica_dim: str | None = "replica"):
    """Mean over disorder samples and its standard error from their spread.

    Parameters
    ----------
    data : xarray.DataArray
        Values with a ``dim`` axis of independent samples (and, optionally,
        a ``replica_dim`` axis of replicas on each sample, averaged first).
    dim : str
        The dimension of independent disorder samples.
    replica_dim : str or None
        The dimension of replicas sharing a sample's couplings; averaged
        within each sample before the spread is taken (ignored if absent).

    Returns
    -------
    tuple of xarray.DataArray
        ``(mean, error)`` over ``dim``: ``error = std(ddof=1) / √n_samples``.
    """
    count = _samples(data, dim)
    if replica_dim is not None and replica_dim in data.dims:
        data = data.mean(replica_dim)
    return data.mean(dim), data.std(dim, ddof=1) / np.sqrt(count)


def disorder_jackknife(estimator, data, *, dim: str = "sample", replica_dim: str | None = "replica"):
    """A function of the disorder-averaged replica means, with its jackknife error over samples.

    Parameters
    ----------
    estimator : callable
        Takes a NumPy array of per-sample values (samples on the last axis)
        and returns a number, e.g. ``lambda m: binder_cumulant(m)``.
    data : xarray.DataArray
        Values per sample after averaging ``replica_dim``; any other dims
        come first in the array the estimator gets (e.g. ``(alpha, sample)``
        for a crossing in α).
    dim, replica_dim : str
        As in :func:`disorder_average`.

    Returns
    -------
    tuple of float
        ``(value, error)``: ``estimator`` on all samples, and the
        leave-one-sample-out jackknife error (:func:`isinghop.observables.jackknife`).
    """
    count = _samples(data, dim)
    if replica_dim is not None and replica_dim in data.dims:
        data = data.mean(replica_dim)
    return jackknife(estimator, data.transpose(..., dim).values, blocks=count)


def level_crossing(x, values, level: float) -> float:
    """Where a curve sampled at increasing ``x`` first falls through ``level`` (linear interpolation).

    Parameters
    ----------
    x : array_like
        Increasing abscissae, e.g. loads α.
    values : array_like
        The curve at ``x`` (NaN entries are skipped).
    level : float
        The level, e.g. an overlap of 0.9 or a success fraction of 1/2.

    Returns
    -------
    float
        The first x with values ≥ level before and < level after; NaN if the curve never falls through.
    """
    x = np.asarray(x, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or x.shape != values.shape or np.any(np.diff(x) <= 0):
        raise ValueError(f"x, values: expected matching 1-D arrays with x increasing, got {x.shape}, {values.shape}")
    keep = np.isfinite(values)
    x, values = x[keep], values[keep]
    for k in range(len(x) - 1):
        if values[k] >= level > values[k + 1]:
            return float(x[k] + (values[k] - level) * (x[k + 1] - x[k]) / (values[k] - values[k + 1]))
    return np.nan


def extrapolate_in_size(sizes, values, errors, *, exponent: float = 0.5) -> tuple[float, float, float, float]:
    """Weighted least-squares fit ``value(N) = limit + slope · N^(−exponent)``: the N → ∞ limit.

    Parameters
    ----------
    sizes : array_like
        System sizes N (at least 3, for a χ² with a degree of freedom).
    values, errors : array_like
        The finite-size estimates and their standard errors (> 0).
    exponent : float
        The finite-size exponent (1/2 for the capacity of the Hopfield model).

    Returns
    -------
    tuple of float
        ``(limit, limit_error, slope, chi2_per_dof)``; the errors are scaled up by
        √(χ²/dof) when the fit is worse than its error bars say.
    """
    n = np.asarray(sizes, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    sigma = np.asarray(errors, dtype=np.float64)
    keep = np.isfinite(y) & np.isfinite(sigma) & (sigma > 0)
    n, y, sigma = n[keep], y[keep], sigma[keep]
    if len(n) < 3:
        raise ValueError(f"values: need at least 3 sizes with finite values and errors, got {len(n)}")
    design = np.column_stack([np.ones_like(n), n ** -exponent]) / sigma[:, None]
    coefficients, *_ = np.linalg.lstsq(design, y / sigma, rcond=None)
    covariance = np.linalg.inv(design.T @ design)
    chi2 = float(np.sum((design @ coefficients - y / sigma) ** 2) / (len(n) - 2))
    scale = max(1.0, chi2)
    return float(coefficients[0]), float(np.sqrt(covariance[0, 0] * scale)), float(coefficients[1]), chi2
