"""Finite-size analysis of study Datasets: averages over independent disorder samples.

Replicas that share one set of couplings are not independent estimates of a
disorder average; samples (independent pattern sets, the ``sample`` dim) are.
So errors come from the spread between samples, and a function of averages
gets its error by the jackknife over samples.
"""

from __future__ import annotations

import numpy as np

from isinghop.observables import jackknife

__all__ = ["disorder_average", "disorder_jackknife"]


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
        One-dimensional after averaging ``replica_dim``: values per sample.
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
    if data.ndim != 1:
        raise ValueError(f"data: expected one value per sample after averaging replicas, got dims {tuple(data.dims)}")
    return jackknife(estimator, data.transpose(dim).values, blocks=count)
