"""Errors of Monte Carlo averages: autocorrelation, integrated times, jackknife, equilibration checks.

Time series have time on the last axis; a 2-D series ``(replica, time)``
holds independent chains. The integrated autocorrelation time follows
Sokal: ``τ_int = ½ + Σ_{t≥1} ρ(t)``, summed up to the smallest window
``M ≥ c τ_int(M)``, so that the variance of a mean of n correlated samples is
``2 τ_int σ² / n``. Replicas must also agree with each other: chains frozen
in different states (broken ergodicity) each look converged on their own, so
:func:`standard_error` tests the replica means against their errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.stats

from isinghop._validate import finite_array, number, positive_int

__all__ = [
    "AutocorrelationError",
    "ReplicaDisagreementError",
    "REPLICA_P_VALUE",
    "autocorrelation",
    "integrated_time",
    "standard_error",
    "jackknife",
    "binomial_error",
    "EquilibrationCheck",
    "compare_starts",
    "HalfChainCheck",
    "compare_halves",
    "distribution_p_value",
]

#: A series shorter than this many τ_int gives no reliable τ_int (Sokal).
MIN_LENGTH_IN_TAU = 50
#: Replica means disagree when the chi-square of their agreement has a p-value below this (about 5 σ).
REPLICA_P_VALUE = 1e-6


class AutocorrelationError(ValueError):
    """The series is too short to estimate its integrated autocorrelation time reliably.

    Run the chain longer (at least ``MIN_LENGTH_IN_TAU`` τ_int), or pass
    ``quiet=True`` to get the (unreliable) estimate anyway.
    """


class ReplicaDisagreementError(ValueError):
    """The means of independent replicas disagree beyond their errors.

    The chains have not mixed: they sit in different states (broken
    ergodicity, e.g. the two magnetised states below T_c) or have not
    equilibrated, and no error from within the replicas is honest. Sample
    across the barrier (tempering, longer runs), or pass ``quiet=True`` to
    get the mean with the spread of the replica means as its error.
    """


def _series(series) -> np.ndarray:
    values = finite_array(series, "series").astype(np.float64)
    if values.ndim not in (1, 2) or values.shape[-1] < 2:
        raise ValueError(f"series: expected shape (time,) or (replica, time) with time >= 2, got {values.shape}")
    return np.atleast_2d(values)


def autocorrelation(series) -> np.ndarray:
    """Normalised autocorrelation ρ(t), t = 0..n−1, by FFT; a 2-D series averages its replicas' functions.

    Returns
    -------
    numpy.ndarray
        float64 ``(time,)`` with ρ(0) = 1; a ``(replica, time)`` series gives one
        function for all replicas (replica axis averaged away).
    """
    values = _series(series)
    n = values.shape[1]
    centred = values - values.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    covariance = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :n].mean(axis=0)
    if covariance[0] == 0:
        raise ValueError("series: constant series have no autocorrelation")
    return covariance / covariance[0]


def integrated_time(series, *, c: float = 5.0, quiet: bool = False) -> float:
    """Integrated autocorrelation time ``τ_int = ½ + Σ_{t=1}^{M} ρ(t)`` (Sokal's window).

    Parameters
    ----------
    series : array_like
        ``(time,)`` or ``(replica, time)``, in units of the recording interval.
    c : float
        The window M is the smallest with ``M ≥ c τ_int(M)``; finite and > 0.
    quiet : bool
        Return the estimate even when the series is shorter than
        ``MIN_LENGTH_IN_TAU`` τ_int instead of raising.

    Returns
    -------
    float
        τ_int ≥ 0.5, in recording intervals; one value for all replicas.

    Raises
    ------
    AutocorrelationError
        If the series is shorter than ``MIN_LENGTH_IN_TAU · τ_int``.
    """
    c = number(c, "c", low=0.0, low_open=True)
    rho = autocorrelation(series)
    taus = np.cumsum(rho) - 0.5  # τ(M) = ½ + Σ_{t=1}^{M} ρ(t)
    window = np.arange(len(rho))
    fine = window >= c * taus
    M = int(np.argmax(fine)) if fine.any() else len(rho) - 1
    tau = float(max(taus[M], 0.5))
    length = np.shape(series)[-1]
    if length < MIN_LENGTH_IN_TAU * tau and not quiet:
        raise AutocorrelationError(
            f"series: {length} samples are fewer than {MIN_LENGTH_IN_TAU} tau_int = {MIN_LENGTH_IN_TAU * tau:.0f} "
            f"(tau_int ~ {tau:.1f}); run longer or pass quiet=True"
        )
    return tau


@dataclass(frozen=True)
class _Estimate:
    mean: float
    error: float
    replica_means: np.ndarray
    replica_errors: np.ndarray
    chi2: float
    p_value: float

    def disagreement(self) -> str:
        """Which replicas disagree: each against the weighted mean of the others, largest |z| first."""
        errors, means = self.replica_errors, self.replica_means
        weights = (errors.min() / errors) ** 2  # inverse variances, scaled so that the largest is 1
        others = weights.sum() - weights
        rest = (weights @ means - weights * means) / others  # weighted mean of the other replicas
        z = (means - rest) / np.sqrt(errors**2 + errors.min() ** 2 / others)
        cut = scipy.stats.norm.isf(REPLICA_P_VALUE / (2 * len(z)))  # Bonferroni over the replicas
        ranked = np.argsort(-np.abs(z))
        shown = [r for r in ranked if abs(z[r]) > cut] or list(ranked[:3])
        listed = "; ".join(
            f"replica {r}: {self.replica_means[r]:.6g} +- {self.replica_errors[r]:.2g} (z = {z[r]:+.1f})"
            for r in shown[:10]
        )
        more = f"; and {len(shown) - 10} more" if len(shown) > 10 else ""
        return (
            f"series: the means of the {len(z)} replicas disagree beyond their errors (chi2 = {self.chi2:.4g} "
            f"for {len(z) - 1} degrees of freedom, p = {self.p_value:.2g} < {REPLICA_P_VALUE:g}): {listed}{more}; "
            f"the chains have not mixed (frozen in different states or not equilibrated); sample across the "
            f"barrier or run longer, or pass quiet=True for the mean with the spread of the replica means as its error"
        )


def _estimate(series, tau, quiet: bool) -> _Estimate:
    values = _series(series)
    tau = integrated_time(values, quiet=quiet) if tau is None else number(tau, "tau", low=0.5)
    replicas, length = values.shape
    variances = values.var(axis=1)
    pooled = float(np.sqrt(variances.mean() * 2.0 * tau / values.size))
    means = values.mean(axis=1)
    if replicas == 1:
        return _Estimate(float(means[0]), pooled, means, np.array([pooled]), 0.0, 1.0)
    # a constant replica has no error of its own: floor at a relative 1e-12 so that equal means still agree
    floor = 1e-12 * (np.abs(means).max() + np.sqrt(variances.max())) + 1e-150
    errors = np.maximum(np.sqrt(variances * 2.0 * tau / length), floor)
    weights = (errors.min() / errors) ** 2  # inverse variances, scaled so that the largest is 1
    chi2 = float(np.sum(((means - weights @ means / weights.sum()) / errors) ** 2))
    spread = float(means.std(ddof=1) / np.sqrt(replicas))
    return _Estimate(float(values.mean()), max(pooled, spread), means, errors, chi2,
                     float(scipy.stats.chi2.sf(chi2, replicas - 1)))


def standard_error(series, *, tau: float | None = None, quiet: bool = False) -> tuple[float, float]:
    """Mean of a correlated series and its standard error, replicas checked against each other.

    For one series ``(time,)`` of n samples the error is ``σ √(2 τ_int / n)``.
    For ``(replica, time)`` the R replicas are independent chains with a
    common τ_int and the error is ``max(σ_τ, σ_R)``: ``σ_τ = √(2 τ_int ⟨σ_r²⟩
    / (R n))`` from the fluctuations inside the replicas, and ``σ_R =
    std(m_r) / √R`` (``ddof=1``) the standard error of the mean of the R
    replica means m_r, which assumes nothing about τ_int but scatters by about
    ``1/√(2(R−1))`` (25 % for R = 8). Both estimate the same error when the
    chains mix. They are first tested against each other: with replica errors
    ``e_r = σ_r √(2 τ_int / n)``, ``χ² = Σ_r (m_r − m̄_w)² / e_r²`` (m̄_w the
    inverse-variance weighted mean) must have a p-value (R − 1 degrees of
    freedom) of at least ``REPLICA_P_VALUE`` = 10⁻⁶.

    Parameters
    ----------
    series : array_like
        ``(time,)`` or ``(replica, time)``, finite.
    tau : float, optional
        τ_int in samples (finite, ≥ 0.5); estimated by :func:`integrated_time` if omitted.
    quiet : bool
        Do not raise :class:`AutocorrelationError` or
        :class:`ReplicaDisagreementError`; the error is then still
        ``max(σ_τ, σ_R)``, which includes the spread of the replica means.

    Returns
    -------
    tuple of float
        ``(mean, error)``, the mean over all replicas and times.

    Raises
    ------
    ReplicaDisagreementError
        If the replica means disagree (p < ``REPLICA_P_VALUE``); the message
        names the replicas that disagree most, with their means and errors.
    AutocorrelationError
        If the series is too short to estimate τ_int (see :func:`integrated_time`).

    Examples
    --------
    An AR(1) series ``x_t = a x_{t−1} + noise`` with a = 0.9 has
    ``τ_int = ½ (1 + a)/(1 − a) = 9.5``; the error bar grows by
    ``√(2 τ_int)`` = 4.36 over the naive one:

    >>> import numpy as np
    >>> from isinghop.stats import errors
    >>> rng = np.random.default_rng(1)
    >>> x = np.zeros(100_000)
    >>> for t in range(1, x.size):
    ...     x[t] = 0.9 * x[t - 1] + rng.normal()
    >>> mean, error = errors.standard_error(x)
    >>> naive = x.std() / np.sqrt(x.size)
    >>> print(round(error / naive, 1))
    4.3
    """
    estimate = _estimate(series, tau, quiet)
    if estimate.p_value < REPLICA_P_VALUE and not quiet:
        raise ReplicaDisagreementError(estimate.disagreement())
    return estimate.mean, estimate.error


def binomial_error(fraction, trials):
    """Standard error of a fraction of successes in independent trials, ``√(p (1 − p) / n)``.

    Floored at ``1/n``, about the error of one event in ``n``, so that a
    fraction of exactly 0 or 1 is not given an error of zero.

    Parameters
    ----------
    fraction : array_like
        Observed fractions p in [0, 1].
    trials : int or array_like
        Number of independent trials n behind each fraction (≥ 1).

    Returns
    -------
    numpy.ndarray
        The standard errors, broadcast over ``fraction`` and ``trials``.

    Examples
    --------
    A coin that came up heads 30 times in 100:

    >>> float(binomial_error(0.3, 100))  # √(0.3 · 0.7 / 100)
    0.0458257569495584
    """
    fraction = np.asarray(fraction, dtype=np.float64)
    trials = np.asarray(trials, dtype=np.float64)
    if not np.all((fraction >= 0) & (fraction <= 1)):
        raise ValueError(f"fraction: expected values in [0, 1], got {fraction!r}")
    if not np.all(trials >= 1):
        raise ValueError(f"trials: expected at least one trial, got {trials!r}")
    return np.sqrt(np.maximum(fraction * (1 - fraction), 1.0 / trials) / trials)


def jackknife(estimator, *series, blocks: int = 20):
    """Blocked jackknife ``(value, error)`` of ``estimator(*series)``.

    The time axis (last) of each series is cut into ``blocks`` blocks, each
    longer than the autocorrelation time for the error to be right; series of
    different lengths (independent runs) are cut in proportion, and block b
    of every series is left out together. ``estimator`` is evaluated on the
    data with one block left out at a time:
    ``error² = (B − 1)/B Σ_b (θ_b − θ̄)²``, element-wise when it returns an array.

    Returns
    -------
    tuple
        ``(value, error)``: ``estimator`` on the full series and its jackknife
        error; floats for a scalar estimator, arrays of its shape otherwise.
    """
    blocks = positive_int(blocks, "blocks")
    arrays = [np.asarray(s, dtype=np.float64) for s in series]
    shortest = min(a.shape[-1] for a in arrays)
    if blocks < 2 or shortest < blocks:
        raise ValueError(f"blocks: need 2 <= blocks <= series length (shortest {shortest}), got {blocks}")
    edges = [np.linspace(0, a.shape[-1], blocks + 1).astype(int) for a in arrays]
    estimates = []
    for b in range(blocks):
        kept = [np.concatenate([a[..., :e[b]], a[..., e[b + 1]:]], axis=-1) for a, e in zip(arrays, edges)]
        estimates.append(np.asarray(estimator(*kept), dtype=np.float64))
    estimates = np.array(estimates)
    error = np.sqrt((blocks - 1) / blocks * ((estimates - estimates.mean(axis=0)) ** 2).sum(axis=0))
    value = np.asarray(estimator(*arrays), dtype=np.float64)
    if value.ndim == 0:
        return float(value), float(error)
    return value, error


@dataclass(frozen=True)
class EquilibrationCheck:
    """Hot- and cold-start means of one observable and whether they agree.

    Attributes
    ----------
    hot, cold : float
        Means of the two runs.
    hot_error, cold_error : float
        Their standard errors (autocorrelation and spread of replica means
        included, as in :func:`standard_error`).
    z : float
        ``(hot − cold) / √(hot_error² + cold_error²)``.
    agree : bool
        ``|z| < threshold`` and ``replicas_agree``.
    replicas_agree : bool
        The replicas of each run agree among themselves (p ≥ ``REPLICA_P_VALUE``,
        see :func:`standard_error`); always true for single series.
    """

    hot: float
    cold: float
    hot_error: float
    cold_error: float
    z: float
    agree: bool
    replicas_agree: bool = True


def compare_starts(hot, cold, *, threshold: float = 3.0) -> EquilibrationCheck:
    """Do runs from a hot (random) and a cold (ordered) start agree within errors?

    A disagreement, between the two runs or between the replicas of one run,
    means at least one run has not equilibrated (or is stuck in a metastable
    state); agreement is necessary, not sufficient. Series are ``(time,)`` or
    ``(replica, time)``; a series too short for τ_int raises
    :class:`AutocorrelationError`.

    Returns
    -------
    EquilibrationCheck
        Both means, their errors, ``z`` and the verdicts ``agree`` and ``replicas_agree``.
    """
    hot_estimate = _estimate(hot, None, False)
    cold_estimate = _estimate(cold, None, False)
    hot_mean, hot_error = hot_estimate.mean, hot_estimate.error
    cold_mean, cold_error = cold_estimate.mean, cold_estimate.error
    z = (hot_mean - cold_mean) / np.hypot(hot_error, cold_error) if hot_error or cold_error else 0.0
    replicas = min(hot_estimate.p_value, cold_estimate.p_value) >= REPLICA_P_VALUE
    return EquilibrationCheck(hot_mean, cold_mean, hot_error, cold_error, float(z),
                              bool(abs(z) < threshold and replicas), replicas)


@dataclass(frozen=True)
class HalfChainCheck:
    """Outcome of :func:`compare_halves`; arrays have the shape of the series without their time axis.

    Attributes
    ----------
    tau : numpy.ndarray
        τ_int of each whole series, in recording intervals (0.5 for a constant series).
    z : numpy.ndarray
        ``(first − second) / √(e₁² + e₂²)``: the two halves' means, each with
        the error ``σ √(2 τ_int / n)`` from its own n samples, spread σ and
        τ_int (a drift between the halves would inflate a τ_int taken over
        the whole series and hide itself).
    agree : numpy.ndarray
        ``|z| < threshold``.
    """

    tau: np.ndarray
    z: np.ndarray
    agree: np.ndarray


def compare_halves(series, *, threshold: float = 3.0) -> HalfChainCheck:
    """Is each chain stationary? Its first and second halves must agree within their errors.

    The check for a chain held in one state: where a state is metastable, hot
    and cold starts disagree by design, but a chain equilibrated within its
    state has the same mean in both halves. A chain still drifting, or one
    that left its state half-way, fails. τ_int is estimated without the
    length check (a series shorter than ``MIN_LENGTH_IN_TAU`` τ_int has an
    uncertain error, which the caller sees in ``tau``).

    Parameters
    ----------
    series : array_like
        ``(..., time)``, finite, at least 4 samples long.
    threshold : float
        Largest ``|z|`` that counts as agreement (> 0).

    Returns
    -------
    HalfChainCheck
    """
    values = finite_array(series, "series").astype(np.float64)
    threshold = number(threshold, "threshold", low=0.0, low_open=True)
    if values.ndim < 1 or values.shape[-1] < 4:
        raise ValueError(f"series: expected shape (..., time) with time >= 4, got {values.shape}")
    flat = values.reshape(-1, values.shape[-1])
    half = flat.shape[1] // 2

    def tau_of(row):
        return integrated_time(row, quiet=True) if row.min() < row.max() else 0.5

    def error_of(part):
        return part.std() * np.sqrt(2 * tau_of(part) / len(part))

    tau, z = np.array([tau_of(row) for row in flat]), np.zeros(len(flat))
    for k, row in enumerate(flat):
        first, second = row[:half], row[half:]
        error = np.hypot(error_of(first), error_of(second))
        difference = first.mean() - second.mean()
        z[k] = difference / error if error > 0 else (0.0 if difference == 0 else np.inf * np.sign(difference))
    shape = values.shape[:-1]
    return HalfChainCheck(tau.reshape(shape), z.reshape(shape), (np.abs(z) < threshold).reshape(shape))


def distribution_p_value(counts, probabilities, *, min_expected: float = 5.0) -> float:
    """χ² p-value of observed category counts against exact probabilities.

    Categories whose expected count is below ``min_expected`` are pooled into
    one, and the pool, if still below it, into the least likely kept
    category, so that every category of the χ² sum expects at least
    ``min_expected``; a count in a category of probability 0 gives p = 0.

    Parameters
    ----------
    counts : array_like
        Non-negative integer counts per category.
    probabilities : array_like
        Exact probabilities of the same categories (summing to 1 within 1e-9).
    min_expected : float
        Least expected count of a category kept on its own.

    Returns
    -------
    float
        The p-value (1.0 when fewer than two categories remain).
    """
    counts = finite_array(counts, "counts").astype(np.float64).ravel()
    p = finite_array(probabilities, "probabilities").astype(np.float64).ravel()
    if counts.shape != p.shape or np.any(counts < 0) or np.any(p < 0) or abs(p.sum() - 1.0) > 1e-9:
        raise ValueError("counts, probabilities: expected one non-negative count per category and probabilities "
                         f"summing to 1; got shapes {counts.shape}, {p.shape} and sum {p.sum():.6g}")
    total = counts.sum()
    if np.any(counts[p == 0] > 0):
        return 0.0
    expected = total * p
    small = expected < number(min_expected, "min_expected", low=0.0)
    observed, wanted = counts[~small], expected[~small]
    pooled_count, pooled_expected = counts[small].sum(), expected[small].sum()
    if pooled_expected >= min_expected or len(wanted) == 0:
        observed, wanted = np.append(observed, pooled_count), np.append(wanted, pooled_expected)
    elif pooled_expected > 0:  # the pool is still rare: merge it into the least likely kept category
        k = int(np.argmin(wanted))
        observed, wanted = observed.copy(), wanted.copy()
        observed[k] += pooled_count
        wanted[k] += pooled_expected
    keep = wanted > 0
    if keep.sum() < 2:
        return 1.0
    return float(scipy.stats.chisquare(observed[keep], wanted[keep]).pvalue)


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
