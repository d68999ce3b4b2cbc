"""Finite-size analysis of study Datasets: averages over independent disorder samples.

Replicas that share one set of couplings are not independent estimates of a
disorder average; samples (independent pattern sets, the ``sample`` dim) are.
So errors come from the spread between samples, and a function of averages
gets its error by the jackknife over samples.

Every mean ± standard error over samples in the package (these functions,
:func:`isinghop.stats.report.mean_error`, the studies' error bars) is
:func:`sample_mean_error`: a NaN sample is missing (no value: a curve that
never crossed, no chain left to average) and is left out of the mean, the
spread and the count; ``error = std(ddof=1) / √n`` over the ``n`` samples
present, NaN where fewer than 2 are present, and 0 where they agree to
rounding. An infinite sample is a value, not a missing one: it makes the mean
infinite and the error NaN.
"""

from __future__ import annotations

import warnings

import numpy as np

from isinghop._validate import number
from isinghop.stats.errors import jackknife

__all__ = ["disorder_average", "disorder_jackknife", "level_crossing", "curves_crossing", "extrapolate_in_size",
           "sample_mean_error"]

#: Samples whose spread is at most this many ulps of their largest magnitude agree but for rounding: error 0.
ROUNDING_ULPS = 16
#: Least relative spread of N^(−exponent) over the sizes of a fit: below it the limit and the slope are one.
SEPARABLE = 1e-6


def _samples(data, dim: str) -> int:
    if not hasattr(data, "dims"):
        raise TypeError(f"data: expected an xarray.DataArray with a {dim!r} dimension, got {type(data).__name__}")
    if dim not in data.dims:
        raise ValueError(f"dim: {dim!r} is not a dimension of the data (dims {tuple(data.dims)})")
    count = data.sizes[dim]
    if count < 2:
        raise ValueError(f"dim: an error from the spread between samples needs at least 2 along {dim!r}, got {count}")
    return count


def _mean_error_count(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, standard error and count of the samples present (not NaN) along the last axis."""
    values = np.asarray(values, dtype=np.float64)
    count = np.sum(~np.isnan(values), axis=-1)
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # empty slices and ddof ≥ n: NaN, handled below
        mean = np.nanmean(values, axis=-1)
        error = np.nanstd(values, axis=-1, ddof=1) / np.sqrt(count)
        spread = np.nanmax(values, axis=-1) - np.nanmin(values, axis=-1)
        scale = np.nanmax(np.abs(values), axis=-1)
    error = np.where(count >= 2, error, np.nan)
    # samples equal but for the last bits of their rounding (e.g. every recall exactly 1) have no spread
    identical = (count >= 2) & np.isfinite(scale) & (spread <= ROUNDING_ULPS * np.finfo(np.float64).eps * scale)
    return mean, np.where(identical, 0.0, error), count


def sample_mean_error(data, dim: str = "sample"):
    """Mean over independent samples along ``dim``, its standard error, and the number of samples present.

    The one mean ± error of the package (see the module notes): NaN samples
    are missing and left out; ``error = std(ddof=1) / √n`` over the ``n``
    samples present, NaN where ``n < 2``, 0 where they agree to rounding.

    Parameters
    ----------
    data : xarray.DataArray or array_like
        Values with a ``dim`` axis of independent samples, other dims kept;
        or a NumPy array with the samples on its last axis.
    dim : str
        The dimension of independent samples (of a DataArray).

    Returns
    -------
    tuple
        ``(mean, error, count)`` over the samples: DataArrays for a
        DataArray, else NumPy arrays (floats for 1-D data).

    Examples
    --------
    >>> import numpy as np
    >>> mean, error, count = sample_mean_error(np.array([1.0, 2.0, np.nan, np.nan]))
    >>> print(mean, error, count)
    1.5 0.5 2
    """
    import xarray as xr

    if not isinstance(data, xr.DataArray):
        values = np.asarray(data, dtype=np.float64)
        if values.ndim == 0 or values.shape[-1] == 0:
            raise ValueError(f"data: expected samples on the last axis, got shape {values.shape}")
        mean, error, count = _mean_error_count(values)
        if values.ndim == 1:
            return float(mean), float(error), int(count)
        return mean, error, count
    if dim not in data.dims:
        raise ValueError(f"dim: {dim!r} is not a dimension of the data (dims {tuple(data.dims)})")
    if data.sizes[dim] == 0:
        raise ValueError(f"data: no samples along {dim!r} (shape {data.shape})")
    return xr.apply_ufunc(_mean_error_count, data, input_core_dims=[[dim]], output_core_dims=[[], [], []])


def disorder_average(data, *, dim: str = "sample", replica_dim: str | None = "replica"):
    """Mean over disorder samples and its standard error from their spread.

    Parameters
    ----------
    data : xarray.DataArray
        Values with a ``dim`` axis of independent samples (and, optionally,
        a ``replica_dim`` axis of replicas on each sample, averaged first).
    dim : str
        The dimension of independent disorder samples (at least 2 along it).
    replica_dim : str or None
        The dimension of replicas sharing a sample's couplings; averaged
        within each sample before the spread is taken (ignored if absent;
        NaN replicas are left out, and a sample with none is missing).

    Returns
    -------
    tuple of xarray.DataArray
        ``(mean, error)`` over ``dim`` by :func:`sample_mean_error`:
        ``error = std(ddof=1) / √n`` over the ``n`` samples that are not NaN;
        NaN where fewer than 2 are.
    """
    _samples(data, dim)
    if replica_dim is not None and replica_dim in data.dims:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a sample with no replica left: missing (NaN)
            data = data.mean(replica_dim)
    mean, error, _ = sample_mean_error(data, dim)
    return mean, error


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
        leave-one-sample-out jackknife error (:func:`isinghop.stats.errors.jackknife`).
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


def curves_crossing(x_low, low, x_high, high, *, dim: str = "sample"):
    """Where the sample means of two curves cross, with the jackknife error over samples.

    ``high`` starts above ``low`` and falls through it: the crossing is the first x where
    ``mean(high) − mean(low)`` turns negative (``low`` interpolated linearly onto ``x_high``, which must lie
    inside ``x_low``'s range), as for the Binder cumulants of a larger size (``high``) and a smaller one
    against T. The error is the leave-one-sample-out jackknife (samples of the two curves left out
    together: they must be independent of each other, sample k of one with sample k of the other).

    Parameters
    ----------
    x_low, x_high : array_like
        Increasing abscissae of the two curves.
    low, high : xarray.DataArray
        The curves per sample: dims ``(x, dim)`` in any order, the same number of samples.
    dim : str
        The dim of independent samples.

    Returns
    -------
    tuple of float
        ``(x, error)``; NaN where the mean curves do not cross.
    """
    import xarray as xr

    x_low, x_high = np.asarray(x_low, dtype=np.float64), np.asarray(x_high, dtype=np.float64)
    if x_high.min() < x_low.min() or x_high.max() > x_low.max():
        raise ValueError(f"x_high: [{x_high.min():g}, {x_high.max():g}] must lie inside x_low's range "
                         f"[{x_low.min():g}, {x_low.max():g}]")

    def crossing(curves):  # (curve, x, sample) → the crossing of the sample means
        mean = curves.mean(axis=-1)
        return level_crossing(x_high, mean[1] - np.interp(x_high, x_low, mean[0]), 0.0)

    pair = [curve.transpose(..., dim).values for curve in (low, high)]
    stacked = xr.DataArray(np.stack(pair), dims=("curve", "x", dim))
    return disorder_jackknife(crossing, stacked, dim=dim, replica_dim=None)


def extrapolate_in_size(sizes, values, errors, *, exponent: float = 0.5) -> tuple[float, float, float, float]:
    """Weighted least-squares fit ``value(N) = limit + slope · N^(−exponent)``: the N → ∞ limit.

    Parameters
    ----------
    sizes : array_like
        Distinct system sizes N (> 0), at least 3 with an estimate (for a χ²
        with a degree of freedom).
    values, errors : array_like
        The finite-size estimates and their standard errors (finite, > 0). A
        size whose value or error is NaN has no estimate (e.g. a curve that
        never falls through its level) and is left out; a zero, negative or
        infinite error is refused, naming its sizes.
    exponent : float
        The finite-size exponent (finite, > 0; 1/2 for the capacity of the
        Hopfield model). One so small that ``N^(−exponent)`` hardly varies
        over the sizes (the limit and the slope cannot be told apart) is refused.

    Returns
    -------
    tuple of float
        ``(limit, limit_error, slope, chi2_per_dof)``; the errors are scaled up by
        √(χ²/dof) when the fit is worse than its error bars say.
    """
    n = np.asarray(sizes, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    sigma = np.asarray(errors, dtype=np.float64)
    if not (n.ndim == y.ndim == sigma.ndim == 1 and n.shape == y.shape == sigma.shape):
        raise ValueError(f"sizes, values, errors: expected three 1-D arrays of one length, got shapes "
                         f"{n.shape}, {y.shape}, {sigma.shape}")
    exponent = number(exponent, "exponent", low=0.0, low_open=True)
    bad = ~(np.isfinite(n) & (n > 0))
    if bad.any():
        raise ValueError(f"sizes: expected finite sizes N > 0, got {n[bad].tolist()}")
    distinct, repeats = np.unique(n, return_counts=True)
    if (repeats > 1).any():
        raise ValueError(f"sizes: each size once (combine the estimates of one N first); repeated: "
                         f"{distinct[repeats > 1].tolist()}")
    present = ~np.isnan(y) & ~np.isnan(sigma)
    bad = present & ~(np.isfinite(sigma) & (sigma > 0))
    if bad.any():
        raise ValueError("errors: expected finite standard errors > 0, got "
                         + ", ".join(f"{e:g} at N = {k:g}" for k, e in zip(n[bad], sigma[bad])))
    bad = present & ~np.isfinite(y)
    if bad.any():
        raise ValueError("values: expected finite values (NaN: no estimate), got "
                         + ", ".join(f"{v:g} at N = {k:g}" for k, v in zip(n[bad], y[bad])))
    n, y, sigma = n[present], y[present], sigma[present]
    if len(n) < 3:
        raise ValueError(f"values: need at least 3 sizes with finite values and errors, got {len(n)}")
    x = n ** -exponent
    scale = x.max()  # fitted in x / max(x), so that a large exponent does not leave x near the underflow
    if not scale > 0 or np.ptp(x) <= SEPARABLE * scale:
        raise ValueError(f"exponent: N^(-{exponent:g}) varies by {np.ptp(x) / scale if scale > 0 else 0:.3g} "
                         f"(relative) over the sizes {n.tolist()}: the limit and the slope cannot be told apart")
    # in units of the largest error (the weights' ratios are what matters), so that errors of 1e−160 or
    # 1e300 neither underflow nor overflow the normal equations
    unit = sigma.max()
    weights = unit / sigma
    design = np.column_stack([np.ones_like(n), x / scale]) * weights[:, None]
    coefficients, *_ = np.linalg.lstsq(design, y * weights, rcond=None)
    spread = np.sqrt(np.linalg.inv(design.T @ design)[0, 0])  # the limit's error in units of ``unit``
    residual = np.sqrt(np.sum((design @ coefficients - y * weights) ** 2) / (len(n) - 2))  # √(χ²/dof) · unit
    with np.errstate(over="ignore"):
        chi2 = float((residual / unit) ** 2)  # inf where the errors are far below what the values allow
    return (float(coefficients[0]), float(spread * max(unit, residual)), float(coefficients[1] / scale), chi2)


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
