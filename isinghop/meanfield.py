"""Mean-field theory: the Curie–Weiss (single-pattern) model, at N → ∞ and exactly at finite N.

The single-pattern Hopfield model in the 1/N normalisation with zero
diagonal is the Curie–Weiss model (gauge ``s_i → ξ_i s_i``, field along the
pattern). Units: k_B = 1, β = 1/T; T_c = 1.

* N → ∞: the magnetisation solves ``m = tanh(β(m + h))``, one solution for
  T ≥ 1 or |h| > h_sp(T), three below; the free energy per spin of a
  branch is ``f = m²/2 − T ln 2cosh β(m + h)``; a branch is stable (a local
  minimum of f) where ``β(1 − m²) < 1``; its susceptibility is
  ``χ = ∂m/∂h = β(1 − m²) / (1 − β(1 − m²))`` (``1/(T − 1)`` at h = 0, T > 1).
  For T < 1 the metastable branch ends at the spinodal
  ``m_sp = √(1 − T)``, ``h_sp = m_sp − T artanh m_sp`` (the coercive field).
* finite N: with ``E/N = −m²/2 + 1/(2N) − h m`` (diagonal removed) every
  average is a sum over the N + 1 values of m weighted by ``C(N, k) e^{−βE}``,
  done in logarithms (C(10⁴, k) overflows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from isinghop._validate import finite_array, positive_int
from isinghop.observables import _binder_from_moments, _susceptibility_from_moments

__all__ = ["CurieWeissBranches", "FiniteCurieWeiss", "curie_weiss", "curie_weiss_spinodal",
           "curie_weiss_finite"]

#: Bisection steps that bracket every root to the last bit of a double in [−1, 1].
_BISECTIONS = 80


def _temperatures(T) -> np.ndarray:
    values = finite_array(T, "T").astype(np.float64)
    if np.any(values <= 0):
        raise ValueError(f"T: temperatures must be > 0, got {values[values <= 0].flat[0]}")
    return values


@dataclass(frozen=True, eq=False)
class CurieWeissBranches:
    """Every mean-field solution at each (T, h); arrays of shape ``broadcast(T, h) + (3,)``.

    Attributes
    ----------
    m : numpy.ndarray
        The solutions of ``m = tanh(β(m + h))``, ascending; NaN where fewer than three exist.
    stable : numpy.ndarray
        True for local minima of the free energy (``β(1 − m²) < 1``).
    free_energy : numpy.ndarray
        ``f = m²/2 − T ln 2cosh β(m + h)`` per spin (energy units).
    susceptibility : numpy.ndarray
        ``χ = ∂m/∂h = β(1 − m²) / (1 − β(1 − m²))`` per branch (per unit field).
    """

    m: np.ndarray
    stable: np.ndarray
    free_energy: np.ndarray
    susceptibility: np.ndarray


def _log_2cosh(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    return x + np.log1p(np.exp(-2.0 * x))


def _roots_between(beta, h, low, high):
    """The root of ``g(m) = m − tanh(β(m + h))`` in [low, high] where g changes sign there, else NaN."""
    def g(m):
        return m - np.tanh(beta * (m + h))

    g_low, g_high = g(low), g(high)
    valid = (np.sign(g_low) * np.sign(g_high) <= 0) & (low <= high)
    low_sign = np.sign(g_low)
    low, high = np.where(valid, low, 0.0), np.where(valid, high, 0.0)
    for _ in range(_BISECTIONS):
        middle = 0.5 * (low + high)
        same = np.sign(g(middle)) == low_sign
        low, high = np.where(same, middle, low), np.where(same, high, middle)
    return np.where(valid, 0.5 * (low + high), np.nan)


def curie_weiss(T, h=0.0) -> CurieWeissBranches:
    """All solutions of the Curie–Weiss mean-field equation ``m = tanh(β(m + h))``.

    Parameters
    ----------
    T : float or array_like
        Temperature(s) > 0 (k_B = 1; T_c = 1).
    h : float or array_like
        Field(s) along the pattern (θ = −h); broadcast against ``T``.

    Returns
    -------
    CurieWeissBranches
        Arrays of shape ``broadcast(T, h) + (3,)``: one branch (the others NaN)
        where the solution is unique, three (ascending) below the spinodal.
    """
    T = _temperatures(T)
    h = finite_array(h, "h").astype(np.float64)
    T, h = np.broadcast_arrays(T, h)
    beta = 1.0 / T
    # g(m) = m − tanh(β(m + h)) is increasing except between its extrema, where β(1 − m²) = 1, i.e.
    # β(m + h) = ±arccosh(√β) (T < 1 only); each monotone piece holds at most one root
    with np.errstate(invalid="ignore"):
        turn = np.where(beta > 1.0, np.arccosh(np.sqrt(np.maximum(beta, 1.0))) / beta, 0.0)
    lower_turn = np.clip(-h - turn, -1.0, 1.0)
    upper_turn = np.clip(-h + turn, -1.0, 1.0)
    ordered = beta > 1.0
    pieces = [(-np.ones_like(h), np.where(ordered, lower_turn, 1.0)),
              (lower_turn, upper_turn),
              (upper_turn, np.ones_like(h))]
    roots = [np.where(ordered | (k == 0), _roots_between(beta, h, low, high), np.nan)
             for k, (low, high) in enumerate(pieces)]
    m = np.stack(roots, axis=-1)
    for k in (1, 2):  # a root on a turning point is found twice: keep it once
        m[..., k] = np.where(np.abs(m[..., k] - m[..., k - 1]) < 1e-15, np.nan, m[..., k])
    m = np.sort(m, axis=-1)  # NaN last
    b, hh, TT = beta[..., None], h[..., None], T[..., None]
    curvature = b * (1.0 - m**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        free = 0.5 * m**2 - TT * _log_2cosh(b * (m + hh))
        chi = curvature / (1.0 - curvature)
    return CurieWeissBranches(m=m, stable=curvature < 1.0, free_energy=free, susceptibility=chi)


def curie_weiss_spinodal(T) -> tuple[np.ndarray, np.ndarray]:
    """The spinodal of the Curie–Weiss model for 0 < T < 1.

    Returns
    -------
    m_sp : numpy.ndarray
        ``√(1 − T)``: the magnetisation at which a metastable branch ends.
    h_sp : numpy.ndarray
        ``m_sp − T artanh m_sp`` (> 0): the coercive field; below |h_sp| three
        branches exist, beyond it one.
    """
    T = _temperatures(T)
    if np.any(T >= 1.0):
        raise ValueError(f"T: the spinodal exists for T < 1 only, got {T[T >= 1.0].flat[0]}")
    m_sp = np.sqrt(1.0 - T)
    return m_sp, m_sp - T * np.arctanh(m_sp)


@dataclass(frozen=True, eq=False)
class FiniteCurieWeiss:
    """Exact thermal averages of the N-spin Curie–Weiss (Mattis) model; arrays of shape ``broadcast(T, h)``.

    Attributes
    ----------
    magnetisation : numpy.ndarray
        ⟨m⟩ (odd in h; zero at h = 0 for every finite N).
    abs_magnetisation, magnetisation_2, magnetisation_4 : numpy.ndarray
        ⟨|m|⟩, ⟨m²⟩, ⟨m⁴⟩.
    binder : numpy.ndarray
        ``U₄ = 1 − ⟨m⁴⟩ / (3⟨m²⟩²)``.
    susceptibility : numpy.ndarray
        ``χ = βN(⟨m²⟩ − ⟨|m|⟩²)``.
    energy_per_spin : numpy.ndarray
        ⟨E⟩/N with ``E/N = −m²/2 + 1/(2N) − h m``.
    """

    magnetisation: np.ndarray
    abs_magnetisation: np.ndarray
    magnetisation_2: np.ndarray
    magnetisation_4: np.ndarray
    binder: np.ndarray
    susceptibility: np.ndarray
    energy_per_spin: np.ndarray


def curie_weiss_finite(n_sites: int, T, h=0.0) -> FiniteCurieWeiss:
    """Exact averages of the N-spin Curie–Weiss model by the binomial sum over m (in logarithms).

    Parameters
    ----------
    n_sites : int
        N.
    T : float or array_like
        Temperature(s) > 0.
    h : float or array_like
        Uniform field(s) along the pattern; broadcast against ``T``.

    Returns
    -------
    FiniteCurieWeiss
        Averages of shape ``broadcast(T, h)``.
    """
    n = positive_int(n_sites, "n_sites")
    T = _temperatures(T)
    h = finite_array(h, "h").astype(np.float64)
    T, h = np.broadcast_arrays(T, h)
    k = np.arange(n + 1)
    m = (2.0 * k - n) / n
    energy = -0.5 * m**2 + 0.5 / n - h[..., None] * m  # per spin
    log_weight = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) - n * energy / T[..., None]
    log_weight -= log_weight.max(axis=-1, keepdims=True)
    p = np.exp(log_weight)
    p /= p.sum(axis=-1, keepdims=True)
    abs_m, m2, m4 = (p @ np.abs(m)), (p @ m**2), (p @ m**4)
    return FiniteCurieWeiss(
        magnetisation=p @ m,
        abs_magnetisation=abs_m,
        magnetisation_2=m2,
        magnetisation_4=m4,
        binder=_binder_from_moments(m2, m4),
        susceptibility=_susceptibility_from_moments(1.0 / T, n, m2, abs_m),
        energy_per_spin=np.sum(p * energy, axis=-1),
    )
