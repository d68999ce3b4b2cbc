"""Mean-field theory: the Curie–Weiss (single-pattern) model, at N → ∞ and exactly at finite N,
and the Hopfield model at extensive load P = αN (Amit–Gutfreund–Sompolinsky, replica symmetric).

The single-pattern Hopfield model in the 1/N normalisation with zero
diagonal is the Curie–Weiss model (gauge ``s_i → ξ_i s_i``, field along the
pattern). Units: k_B = 1, β = 1/T; T_c = 1.

* N → ∞: the magnetisation solves ``m = tanh(β(m + h))``, one solution for
  T ≥ 1 or ``|h| > h_sp(T)``, three below; the free energy per spin of a
  branch is ``f = m²/2 − T ln 2cosh β(m + h)``; a branch is stable (a local
  minimum of f) where ``β(1 − m²) < 1``; its susceptibility is
  ``χ = ∂m/∂h = β(1 − m²) / (1 − β(1 − m²))`` (``1/(T − 1)`` at h = 0, T > 1).
  For T < 1 the metastable branch ends at the spinodal
  ``m_sp = √(1 − T)``, ``h_sp = m_sp − T artanh m_sp`` (the coercive field).
* finite N: with ``E/N = −m²/2 + 1/(2N) − h m`` (diagonal removed) every
  average is a sum over the N + 1 values of m weighted by ``C(N, k) e^{−βE}``,
  done in logarithms (C(10⁴, k) overflows).
* α > 0 (:func:`ags`): the RS equations for one condensed pattern, every
  branch (retrieval, its saddle, spin glass, paramagnet) with its free
  energy and de Almeida–Thouless stability; the T = 0 closed form
  (:func:`ags_zero_temperature`); α_c(T) (:func:`ags_capacity`, 0.1379 at
  T = 0), T_M(α) (:func:`ags_retrieval_temperature`), T_g = 1 + √α.
* α = 0 mixtures (:func:`mixture_state`): the symmetric n-mixtures, their
  energies (−3/8 for n = 3 at T = 0) and stability temperatures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from isinghop._moments import binder_from_moments, susceptibility_from_moments
from isinghop._validate import choice, finite_array, number, positive_int

__all__ = ["CurieWeissBranches", "FiniteCurieWeiss", "curie_weiss", "curie_weiss_spinodal", "curie_weiss_binder_crossing",
           "AGS_BRANCHES",
           "AGSBranches", "AGSZeroTemperature", "MixtureState", "ags", "ags_zero_temperature", "ags_capacity",
           "ags_retrieval_temperature", "ags_global_retrieval_load", "ags_almeida_thouless_temperature",
           "spin_glass_temperature", "mixture_state", "mixture_stability_temperature",
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


def curie_weiss(T, field=0.0) -> CurieWeissBranches:
    """All solutions of the Curie–Weiss mean-field equation ``m = tanh(β(m + h))`` at the field amplitude h.

    Parameters
    ----------
    T : float or array_like
        Temperature(s) > 0 (k_B = 1; T_c = 1).
    field : float or array_like
        Field amplitude(s) h along the pattern (``h_i = h ξ_i``, uniform for
        a ferromagnet; θ = −h), energy units; broadcast against ``T``.

    Returns
    -------
    CurieWeissBranches
        Arrays of shape ``broadcast(T, h) + (3,)``: one branch (the others NaN)
        where the solution is unique, three (ascending) below the spinodal.

    Examples
    --------
    Below T_c = 1 at h = 0 three branches: ±m* and the unstable m = 0:

    >>> from isinghop.theory import meanfield
    >>> branches = meanfield.curie_weiss(0.5)
    >>> print(branches.m.round(4) + 0.0)
    [-0.9575  0.      0.9575]
    """
    T = _temperatures(T)
    h = finite_array(field, "field").astype(np.float64)
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
        ``m_sp − T artanh m_sp`` (> 0): the coercive field; below ``|h_sp|`` three
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
        ``⟨|m|⟩, ⟨m²⟩, ⟨m⁴⟩``.
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


def curie_weiss_finite(n_sites: int, T, field=0.0) -> FiniteCurieWeiss:
    """Exact averages of the N-spin Curie–Weiss model by the binomial sum over m (in logarithms).

    Parameters
    ----------
    n_sites : int
        The number of sites N.
    T : float or array_like
        Temperature(s) > 0.
    field : float or array_like
        Field amplitude(s) h along the pattern (``h_i = h ξ_i``), energy
        units; broadcast against ``T``.

    Returns
    -------
    FiniteCurieWeiss
        Averages of shape ``broadcast(T, h)``.
    """
    n = positive_int(n_sites, "n_sites")
    T = _temperatures(T)
    h = finite_array(field, "field").astype(np.float64)
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
        binder=binder_from_moments(m2, m4),
        susceptibility=susceptibility_from_moments(1.0 / T, n, m2, abs_m),
        energy_per_spin=np.sum(p * energy, axis=-1),
    )


def curie_weiss_binder_crossing(small: int, large: int) -> tuple[float, float]:
    """Where the exact Binder cumulants of two sizes of the Curie–Weiss model cross, nearest T_c = 1.

    The root of ``U₄(small, T) − U₄(large, T)`` (binomial sums, :func:`curie_weiss_finite`) nearest
    T = 1 among the sign changes on a grid of 0.8 ≤ T ≤ 1.2, refined by Brent's method; it tends to
    T_c = 1 as the sizes grow.

    Parameters
    ----------
    small, large : int
        Two different numbers of sites.

    Returns
    -------
    tuple of float
        ``(T, U₄)``: the crossing temperature (energy units) and the cumulant there.
    """
    import scipy.optimize

    small, large = positive_int(small, "small"), positive_int(large, "large")
    if small == large:
        raise ValueError(f"large: two different sizes cross, got N = {small} twice")

    def gap(T):
        return float(curie_weiss_finite(small, T).binder - curie_weiss_finite(large, T).binder)

    grid = np.linspace(0.8, 1.2, 401)
    changes = np.flatnonzero(np.diff(np.sign([gap(T) for T in grid])))
    if len(changes) == 0:
        raise ValueError(f"small, large: the cumulants of N = {small} and {large} do not cross in 0.8 <= T <= 1.2")
    k = changes[np.argmin(abs(grid[changes] - 1.0))]
    T = scipy.optimize.brentq(gap, grid[k], grid[k + 1], xtol=1e-12)
    return float(T), float(curie_weiss_finite(small, T).binder)


# --- the Hopfield model at extensive load: Amit–Gutfreund–Sompolinsky, replica symmetric -------------

#: Branch names of :class:`AGSBranches`, in the order of its last axis.
AGS_BRANCHES = ("retrieval", "retrieval_unstable", "spin_glass", "paramagnet")
#: Half-width of the Gaussian average in units of σ (the weight beyond it is below 2e-22).
_Z_MAX = 10.0
#: No RS retrieval state exists above this load at any temperature (the re-entrant maximum is ≈ 0.1382).
_RS_MAX_LOAD = 0.145
#: Largest residual of an accepted AGS solution.
_AGS_RESIDUAL = 1e-10


def _gauss_averages(m: float, sigma: float, beta: float) -> dict:
    """``⟨g(β(m + σz))⟩`` over z ~ N(0, 1) for g = tanh, sech², sech⁴ and ln 2cosh / β.

    While βσ ≤ 2000: the trapezoid rule on z ∈ [−10, 10] with a step
    ≤ min(1/8, 1/(8βσ)). The integrands are analytic in a strip of
    half-width π/(2βσ) around the real axis (the poles of tanh), so the
    error is below ~e^(−8π²) ≈ 1e-34 of their size, plus the 2e-22 of the cut
    tails. Beyond, tanh is a step on the scale of the Gaussian, and scipy's
    adaptive ``quad_vec`` integrates with a breakpoint at the step,
    z = −m/σ (absolute error ≤ 1e-13).
    """
    def integrands(z):
        x = beta * (m + sigma * z)
        t = np.tanh(x)
        sech2 = 1.0 - t * t
        log_2cosh = np.abs(x) + np.log1p(np.exp(-2.0 * np.abs(x)))  # ln 2cosh x, without overflow
        return np.stack([t, sech2, sech2 * sech2, log_2cosh / beta])

    if sigma == 0.0:
        values = integrands(np.zeros(1))[:, 0]
    elif beta * sigma <= 2000.0:
        step = min(0.125, 0.125 / (beta * sigma))
        z = np.arange(-_Z_MAX, _Z_MAX + step / 2, step)
        values = integrands(z) @ (np.exp(-0.5 * z * z) * (step / np.sqrt(2.0 * np.pi)))
    else:
        from scipy.integrate import quad_vec

        kink = float(np.clip(-m / sigma, -_Z_MAX, _Z_MAX))
        weighted = lambda z: integrands(np.array([z]))[:, 0] * np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)  # noqa: E731
        values = sum(quad_vec(weighted, low, high, epsabs=1e-14, epsrel=1e-13)[0]
                     for low, high in ((-_Z_MAX, kink), (kink, _Z_MAX)) if high > low)
    return {"tanh": values[0], "sech2": values[1], "sech4": values[2], "log2cosh": values[3]}


def _ags_state(m: float, C: float, alpha: float, beta: float):
    """q, r, σ and the Gaussian averages of the RS state with overlap m and C = β(1 − q)."""
    q = 1.0 - C / beta
    r = q / (1.0 - C) ** 2
    sigma = np.sqrt(alpha * r)
    return q, r, sigma, _gauss_averages(m, sigma, beta)


def _ags_residual(x, alpha, beta):
    m, C = x
    if not (0.0 <= C < min(1.0, beta) and -1.0 <= m <= 1.0):
        return np.array([1.0, 1.0])  # outside the physical region: no root here
    _, _, _, avg = _ags_state(m, C, alpha, beta)
    return np.array([avg["tanh"] - m, beta * avg["sech2"] - C])


def _ags_free_energy(m, C, alpha, beta):
    """RS free energy per spin, zero diagonal (the α/2), in terms of m and C = β(1 − q)."""
    q, r, _, avg = _ags_state(m, C, alpha, beta)
    return (alpha / 2 + m * m / 2 + alpha / (2 * beta) * (np.log(1.0 - C) - beta * q / (1.0 - C))
            + alpha * r * C / 2 - avg["log2cosh"])


@dataclass(frozen=True, eq=False)
class AGSBranches:
    """Replica-symmetric AGS solutions at one (α, T); each array has one entry per branch of
    :data:`AGS_BRANCHES` (retrieval, retrieval_unstable, spin_glass, paramagnet), NaN where absent.

    Attributes
    ----------
    m : numpy.ndarray
        Overlap with the condensed pattern.
    q : numpy.ndarray
        Edwards–Anderson order parameter.
    r : numpy.ndarray
        Noise from the uncondensed patterns, ``r = q / (1 − β(1 − q))²``.
    free_energy : numpy.ndarray
        RS free energy per spin (units of J, zero diagonal).
    at_stable : numpy.ndarray
        True where the branch is stable against replica-symmetry breaking
        (below the de Almeida–Thouless line: ``αβ²⟨sech⁴⟩/(1 − C)² < 1``).
    """

    m: np.ndarray
    q: np.ndarray
    r: np.ndarray
    free_energy: np.ndarray
    at_stable: np.ndarray

    def branch(self, name: str) -> dict:
        """The named branch's values.

        Returns
        -------
        dict
            ``m``, ``q``, ``r``, ``free_energy``, ``at_stable`` (floats; NaN / False if absent).
        """
        k = AGS_BRANCHES.index(choice(name, "name", AGS_BRANCHES))
        return {key: getattr(self, key)[k] for key in ("m", "q", "r", "free_energy", "at_stable")}


def _at_value(m, C, alpha, beta):
    _, _, _, avg = _ags_state(m, C, alpha, beta)
    return alpha * beta * beta * avg["sech4"] / (1.0 - C) ** 2


def _solve_retrieval(alpha, beta, start):
    """Powell's hybrid method from ``start`` = (m, C); the solution or None.

    It works in unbounded variables, m = tanh w and C = min(1, β)/(1 + e^(−u)),
    so that no step leaves the physical region (C of the retrieval state is
    as small as 1e-7 at low load and temperature).
    """
    from scipy.optimize import root
    from scipy.special import expit, logit

    top = min(1.0, beta)

    def unpack(x):
        return np.tanh(x[0]), top * expit(x[1])

    m0, c0 = start
    x0 = [np.arctanh(np.clip(m0, -1 + 1e-15, 1 - 1e-15)), logit(np.clip(c0 / top, 1e-300, 1 - 1e-16))]
    solution = root(lambda x: _ags_residual(unpack(x), alpha, beta), x0, method="hybr", options={"xtol": 1e-14})
    m, C = unpack(solution.x)  # judged by the residual alone: hybr may report "no further improvement" at a root
    if np.abs(_ags_residual((m, C), alpha, beta)).max() > _AGS_RESIDUAL or not (1e-9 < m <= 1.0 and C < top):
        return None
    return float(m), float(C)


def _retrieval_candidates(alpha, beta, overlaps=(0.999, 0.95, 0.8, 0.6, 0.4, 0.2, 0.08),
                          fractions=(0.02, 0.2, 0.5, 0.8)):
    """Every distinct retrieval solution found from a grid of starts (m, C/min(1, β)), by decreasing m,
    and from the T = 0 retrieval state and saddle (which can sit at m ≪ 0.08 at small α)."""
    found = []
    if alpha > _RS_MAX_LOAD:
        return found
    top = min(1.0, beta)
    starts = _zero_temperature_seeds(alpha, top) + [(m0, c0 * top) for m0 in overlaps for c0 in fractions]
    for start in starts:
        solution = _solve_retrieval(alpha, beta, start)
        if solution is not None and all(abs(solution[0] - m) > 1e-7 for m, _ in found):
            found.append(solution)
        if len(found) == 2:  # one condensed pattern has at most the retrieval state and its saddle
            break
    return sorted(found, reverse=True)


def _zero_temperature_seeds(alpha, top):
    """(m, C) of the T = 0 retrieval state and saddle (the two roots y of the closed form), where they exist."""
    from scipy.optimize import brentq
    from scipy.special import erf

    peak, capacity = _capacity_point()
    if alpha >= capacity:
        return []
    seeds = []
    for low, high in ((1e-8, peak), (peak, max(50.0, 2.0 / np.sqrt(alpha)))):
        if (_alpha_of_y(low) - alpha) * (_alpha_of_y(high) - alpha) < 0:
            y = brentq(lambda v: _alpha_of_y(v) - alpha, low, high, xtol=1e-14)
            m = float(erf(y))
            C = 2.0 * y * np.exp(-y * y) / (np.sqrt(np.pi) * m)
            seeds.append((m, min(C, 0.99) * top))
    return seeds


def _spin_glass_C(alpha, beta):
    """C = β(1 − q) of the m = 0, q > 0 solution, or None (T ≥ 1 + √α)."""
    from scipy.optimize import brentq

    def g(C):
        return _ags_residual((0.0, C), alpha, beta)[1]

    top = min(1.0, beta) * (1.0 - 1e-12)
    # log-spaced towards both ends: q → 1 (C → 0) at low T, q → 0 (C → β) just below T_g
    near_zero = top * np.logspace(-12, 0, 250)
    near_paramagnet = beta * (1.0 - np.logspace(-12, 0, 250))
    grid = np.unique(np.concatenate([near_zero, near_paramagnet[(near_paramagnet > 0) & (near_paramagnet < top)]]))
    values = [g(C) for C in grid]
    for a, b, ga, gb in zip(grid[:-1], grid[1:], values[:-1], values[1:]):
        if ga * gb < 0:
            C = brentq(g, a, b, xtol=1e-15)
            if 1.0 - C / beta > 1e-10:
                return C
    return None


def ags(alpha: float, T: float) -> AGSBranches:
    """All replica-symmetric solutions of the Amit–Gutfreund–Sompolinsky equations at (α, T).

    For one condensed pattern, with ⟨·⟩ the average over z ~ N(0, 1):

        m = ⟨tanh β(m + √(αr) z)⟩,   q = ⟨tanh² β(m + √(αr) z)⟩,   r = q / (1 − β(1 − q))²,

        f = α/2 + m²/2 + (α/2β)[ln(1 − β + βq) − βq/(1 − β + βq)] + (αβ/2) r (1 − q)
            − T ⟨ln 2cosh β(m + √(αr) z)⟩

    (1/N normalisation, zero diagonal: the α/2). The equations are solved in
    m and C = β(1 − q) (finite as T → 0) from a grid of starts; a solution
    is kept only if both residuals are below 1e-10 and 0 ≤ C < min(1, β).

    Parameters
    ----------
    alpha : float
        Load P/N > 0.
    T : float
        Temperature > 0 (for T = 0 use :func:`ags_zero_temperature`).

    Returns
    -------
    AGSBranches
        retrieval (largest m) and retrieval_unstable (the saddle; both NaN
        where no retrieval state exists, e.g. above α_c(T) or T_M(α)),
        spin_glass (m = 0, q > 0; below T_g = 1 + √α), paramagnet (m = q = 0; T > 1).
    """
    alpha = number(alpha, "alpha", low=0.0, low_open=True)
    if not isinstance(T, bool) and isinstance(T, (int, float, np.integer, np.floating)) and T == 0:
        raise ValueError(f"T: ags solves T > 0; for T = 0 use ags_zero_temperature({alpha:g})")
    T = number(T, "T", low=0.0, low_open=True)
    beta = 1.0 / T
    values = np.full((5, len(AGS_BRANCHES)), np.nan)

    def store(k, m, C):
        q, r, _, _ = _ags_state(m, C, alpha, beta)
        values[:, k] = (m, q, r, _ags_free_energy(m, C, alpha, beta), _at_value(m, C, alpha, beta) < 1.0)

    for k, (m, C) in enumerate(_retrieval_candidates(alpha, beta)[:2]):
        store(k, m, C)
    glass = _spin_glass_C(alpha, beta)
    if glass is not None:
        store(2, 0.0, glass)
    if beta < 1.0:
        store(3, 0.0, beta)
    return AGSBranches(m=values[0], q=values[1], r=values[2], free_energy=values[3],
                       at_stable=np.where(np.isnan(values[0]), False, values[4] == 1.0))


@dataclass(frozen=True, eq=False)
class AGSZeroTemperature:
    """The T = 0 retrieval state of the AGS equations, from :func:`ags_zero_temperature`.

    Attributes
    ----------
    exists : bool
        False above α_c = 0.1379…: then every other field is NaN.
    m : float
        Retrieval overlap ``erf(y)``.
    wrong_bits : float
        Fraction of sites opposite to the pattern, ``(1 − m)/2``.
    C : float
        ``lim β(1 − q) = 2y e^(−y²) / (√π m)``.
    r : float
        ``1 / (1 − C)²``.
    energy : float
        Energy per spin (zero diagonal).
    """

    exists: bool
    m: float
    wrong_bits: float
    C: float
    r: float
    energy: float


def _alpha_of_y(y):
    """The load at which y = m/√(2αr) solves the T = 0 equation: ((erf y − 2y e^(−y²)/√π) / (√2 y))²."""
    from scipy.special import erf

    return ((erf(y) - 2.0 * y * np.exp(-y * y) / np.sqrt(np.pi)) / (np.sqrt(2.0) * y)) ** 2


def _capacity_point() -> tuple[float, float]:
    """(y*, α_c) where α(y) is largest: beyond α_c the T = 0 retrieval state is gone."""
    from scipy.optimize import minimize_scalar

    best = minimize_scalar(lambda y: -_alpha_of_y(y), bounds=(0.5, 3.0), method="bounded",
                           options={"xatol": 1e-13})
    return float(best.x), float(_alpha_of_y(best.x))


def ags_zero_temperature(alpha: float) -> AGSZeroTemperature:
    """The T = 0 limit of the AGS retrieval state in closed form.

    With y = m/√(2αr), the RS equations at β → ∞ (C = β(1 − q) finite) reduce to

        erf(y) = y (√(2α) + (2/√π) e^(−y²)),   m = erf(y),

    which has two roots y > 0 for α < α_c = max_y α(y) ≈ 0.1379 (the larger
    one is the retrieval state, the smaller a saddle) and none beyond. The
    energy per spin is ``α/2 + m²/2 + (α/2)(2C − 1)/(1 − C)² − m² − σ√(2/π) e^(−y²)``,
    σ = √(αr).

    Parameters
    ----------
    alpha : float
        Load P/N > 0.

    Returns
    -------
    AGSZeroTemperature
        ``exists`` False (and NaN values) above α_c.
    """
    from scipy.optimize import brentq
    from scipy.special import erf

    alpha = number(alpha, "alpha", low=0.0, low_open=True)
    peak, capacity = _capacity_point()
    if alpha > capacity:
        return AGSZeroTemperature(False, np.nan, np.nan, np.nan, np.nan, np.nan)
    top = max(50.0, 2.0 / np.sqrt(alpha))  # α(y) → 1/(2y²) for large y
    y = peak if alpha == capacity else brentq(lambda v: _alpha_of_y(v) - alpha, peak, top, xtol=1e-15,
                                              rtol=1e-15)
    m = float(erf(y))
    C = 2.0 * y * np.exp(-y * y) / (np.sqrt(np.pi) * m)
    r = 1.0 / (1.0 - C) ** 2
    sigma = np.sqrt(alpha * r)
    energy = (alpha / 2 + m * m / 2 + alpha / 2 * (2 * C - 1) / (1 - C) ** 2
              - (m * m + sigma * np.sqrt(2 / np.pi) * np.exp(-y * y)))
    return AGSZeroTemperature(True, m, (1.0 - m) / 2.0, float(C), float(r), float(energy))


def ags_capacity(T: float = 0.0) -> float:
    """α_c(T): the largest load at which a retrieval state exists at temperature T.

    T = 0 from the closed form (the maximum of α(y)); T > 0 by bisection on
    the existence of the retrieval branch of :func:`ags`, following it from
    low load (1e-5 absolute in α).

    Returns
    -------
    float
        α_c(T); 0 at and above T = 1, where no retrieval state exists at any load.

    Examples
    --------
    >>> from isinghop.theory import meanfield
    >>> print(round(meanfield.ags_capacity(), 4), round(meanfield.ags_capacity(0.2), 4))
    0.1379 0.1226
    """
    T = number(T, "T", low=0.0)
    if T == 0.0:
        return _capacity_point()[1]
    if T >= 1.0:
        return 0.0
    low = min(1e-4, 0.1 * ((1.0 - T) / 1.95) ** 2)  # α_c(T) ≈ ((1 − T)/1.95)² as T → 1
    return _last_with_retrieval(lambda a: (a, T), low, _RS_MAX_LOAD, 1e-5)


def ags_retrieval_temperature(alpha: float) -> float:
    """T_M(α): the highest temperature at which a retrieval state exists at load α (1e-5 absolute).

    Returns
    -------
    float
        T_M; 0 when no retrieval state exists at any T ≥ 0.002. Just above α_c(0) = 0.1379
        the RS line is re-entrant (retrieval only at low T > 0, up to α ≈ 0.1382 near
        T ≈ 0.02), an artefact of replica symmetry that lies below the AT line.
    """
    alpha = number(alpha, "alpha", low=0.0, low_open=True)
    if alpha >= _RS_MAX_LOAD:
        return 0.0
    # just above α_c(0) the RS line is re-entrant: retrieval exists only in a window of low T
    start = next((t for t in (0.02, 0.01, 0.005, 0.002) if np.isfinite(ags(alpha, t).m[0])), None)
    if start is None:
        return 0.0
    return _last_with_retrieval(lambda t: (alpha, t), start, 1.0, 1e-5)


def _last_with_retrieval(point, low, high, tolerance):
    """The end of the retrieval branch along ``point(x)`` for x from ``low`` (where it exists) up to ``high``.

    Continuation with step halving: each step starts the solver at the
    previous solution, so it follows the branch to its fold (where the
    retrieval and saddle branches meet) and never jumps to the spin glass.
    """
    a, t = point(low)
    candidates = _retrieval_candidates(a, 1.0 / t)
    if not candidates:
        return low
    known, step = candidates[0], (high - low) / 16
    while step > tolerance:
        trial = min(low + step, high)
        a, t = point(trial)
        solution = _solve_retrieval(a, 1.0 / t, known)
        if solution is None or solution[0] <= 0.5 * known[0]:  # the continuation lost it: search afresh
            solution = next(iter(_retrieval_candidates(a, 1.0 / t, (0.99, 0.8, 0.5), (0.02, 0.3, 0.7))), None)
        if solution is not None and solution[0] > 0.5 * known[0]:
            low, known = trial, solution
            if low >= high:
                return high
        else:
            step /= 2
    return low + step


def spin_glass_temperature(alpha) -> np.ndarray:
    """T_g(α) = 1 + √α, where the paramagnet's q = 0 becomes unstable.

    Linearising the q equation at q → 0 (m = 0): q = β²αr = β²αq/(1 − β)², so
    q > 0 appears when αβ² = (1 − β)², i.e. β = 1/(1 + √α).

    Returns
    -------
    numpy.ndarray
        T_g for each α ≥ 0.
    """
    alpha = finite_array(alpha, "alpha").astype(np.float64)
    if np.any(alpha < 0):
        raise ValueError("alpha: the load must be >= 0")
    return 1.0 + np.sqrt(alpha)


@dataclass(frozen=True, eq=False)
class MixtureState:
    """The symmetric n-mixture at α = 0, from :func:`mixture_state`.

    Attributes
    ----------
    n : int
        Patterns mixed, with equal overlaps.
    m : float
        Overlap with each of them (0 above the temperature where the mixture is born).
    free_energy : float
        Free energy per spin ``n m²/2 − T ⟨ln 2cosh(β m Σ_μ ξ^μ)⟩`` (the energy per spin at T = 0).
    hessian_eigenvalues : numpy.ndarray
        Eigenvalues of the Hessian of f in the overlaps: the n condensed directions, then the
        direction of an uncondensed pattern.
    stable : bool
        All eigenvalues > 0: a local minimum of the free energy.
    """

    n: int
    m: float
    free_energy: float
    hessian_eigenvalues: np.ndarray
    stable: bool


def _mixture_corners(n):
    """All 2ⁿ sign patterns ξ ∈ {±1}ⁿ, each with weight 2⁻ⁿ."""
    return np.array(np.meshgrid(*[[-1.0, 1.0]] * n, indexing="ij")).reshape(n, -1).T


def mixture_state(n: int, T: float) -> MixtureState:
    """The symmetric mixture of n patterns at α = 0 and temperature T (Amit, Gutfreund & Sompolinsky 1985).

    The overlaps m_μ = m (μ ≤ n) solve ``m = ⟨ξ¹ tanh(β m Σ_{μ≤n} ξ^μ)⟩``
    over the 2ⁿ equally likely ξ; at T = 0, ``m = ⟨|Σ_μ ξ^μ|⟩ / n`` and the
    energy per spin is ``−n m²/2`` (−3/8 for n = 3). Stability: the Hessian
    ``δ_μν − β⟨ξ^μ ξ^ν sech²(β m Σ ξ)⟩`` in the n condensed overlaps and
    ``1 − β⟨sech²⟩`` along any uncondensed one must be positive definite.

    Parameters
    ----------
    n : int
        1 … 15 patterns.
    T : float
        Temperature ≥ 0.

    Returns
    -------
    MixtureState
    """
    from scipy.optimize import brentq

    n = positive_int(n, "n")
    if n > 15:
        raise ValueError(f"n: at most 15 patterns (2^n terms), got {n}")
    T = number(T, "T", low=0.0)
    xi = _mixture_corners(n)
    total = xi.sum(axis=1)
    if T == 0.0:
        m = float(np.abs(total).mean() / n)
        sech2 = np.zeros_like(total)
        f = -n * m * m / 2
        beta = np.inf
    else:
        beta = 1.0 / T

        def g(x):
            return (xi[:, 0] * np.tanh(beta * x * total)).mean() - x

        m = brentq(g, 1e-12, 1.0, xtol=1e-15) if g(1e-12) > 0 else 0.0
        arguments = beta * m * total
        decay = np.exp(-2.0 * np.abs(arguments))
        sech2 = 4.0 * decay / (1.0 + decay) ** 2
        log_2cosh = np.abs(arguments) + np.log1p(decay)
        f = n * m * m / 2 - T * log_2cosh.mean()
    if T == 0.0:  # the T → 0 limit: β sech² → 0 where Σξ ≠ 0, → ∞ where Σξ = 0 (only for even n)
        eigenvalues = np.full(n + 1, -np.inf if n % 2 == 0 else 1.0)
    else:
        hessian = np.eye(n) - beta * (xi.T * sech2) @ xi / len(xi)
        outside = 1.0 - beta * sech2.mean()
        eigenvalues = np.append(np.linalg.eigvalsh(hessian), outside)
    return MixtureState(n=n, m=float(m), free_energy=float(f), hessian_eigenvalues=eigenvalues,
                        stable=bool(m > 0 and np.all(eigenvalues > 0)))


def mixture_stability_temperature(n: int) -> float:
    """The temperature below which the symmetric n-mixture is a local minimum of the free energy (α = 0).

    Returns
    -------
    float
        0 for even n (never stable); for odd n ≥ 3 the root of the smallest
        Hessian eigenvalue, by bisection to 1e-10; 1 for n = 1 (the pure state, T_c).
    """
    from scipy.optimize import brentq

    n = positive_int(n, "n")
    if n == 1:
        return 1.0
    if n % 2 == 0:
        return 0.0

    def smallest(T):
        state = mixture_state(n, T)
        return state.hessian_eigenvalues.min() if state.m > 0 else -1.0

    return float(brentq(smallest, 1e-3, 1.0 - 1e-9, xtol=1e-10))


def _spin_glass_zero_temperature(alpha):
    """Energy per spin of the RS spin glass at T = 0 (m = 0, y = 0 in the closed form)."""
    k = np.sqrt(2.0 / (np.pi * alpha))
    C = k / (1.0 + k)  # C = √(2/(παr)) with √r = 1/(1 − C)
    sigma = np.sqrt(alpha) / (1.0 - C)
    return alpha / 2 + alpha / 2 * (2 * C - 1) / (1 - C) ** 2 - sigma * np.sqrt(2.0 / np.pi)


def ags_global_retrieval_load(T: float = 0.0) -> float:
    """The load below which the retrieval state is the global minimum of the RS free energy at T
    (f_retrieval < f_spin_glass); above it, up to α_c(T), retrieval states are metastable.

    The line is computed as α(T): the first sign change of f_retrieval − f_spin_glass on a grid of
    α up from 1e-3, refined by Brent's method (α ≈ 0.051 at T = 0). In RS the line is re-entrant
    near α ≈ 0.052–0.053 (an artefact of replica symmetry): there the grid's first crossing is returned.

    Returns
    -------
    float
        The load; NaN where the retrieval state is never the global minimum at this T.
    """
    from scipy.optimize import brentq

    T = number(T, "T", low=0.0)
    if T == 0.0:
        def gap(alpha):
            state = ags_zero_temperature(alpha)
            return state.energy - _spin_glass_zero_temperature(alpha)
    else:
        def gap(alpha):
            branches = ags(alpha, T)
            return branches.free_energy[0] - branches.free_energy[2]
    top = ags_capacity(T)
    grid = np.linspace(1e-3, top * (1 - 1e-6), 25)
    values = [gap(a) for a in grid]
    for a, b, ga, gb in zip(grid[:-1], grid[1:], values[:-1], values[1:]):
        if np.isfinite(ga) and np.isfinite(gb) and ga < 0 <= gb:
            return float(brentq(gap, a, b, xtol=1e-10))
    return np.nan


def ags_almeida_thouless_temperature(alpha: float) -> float:
    """T_AT(α): below it the RS retrieval state is unstable to replica-symmetry breaking,
    ``αβ²⟨sech⁴ β(m + √(αr) z)⟩ / (1 − β(1 − q))² > 1`` (a very low temperature for α < α_c).

    Returns
    -------
    float
        T_AT by bisection (1e-5 absolute) between 1e-3 and T_M(α). When the retrieval
        state is already RS-stable at 1e-3, the small-α asymptote √(8α/9π) e^(−1/(2α))
        (exponentially small: 5e-6 at α = 0.05). NaN when no retrieval state exists.
    """
    alpha = number(alpha, "alpha", low=0.0, low_open=True)
    high = ags_retrieval_temperature(alpha)
    if high == 0.0:
        return np.nan

    def unstable(T):
        branches = ags(alpha, T)
        return np.isfinite(branches.m[0]) and not branches.at_stable[0]

    low = 1e-3
    if not unstable(low):  # below the resolved range: the small-α asymptote √(8α/9π) e^(−1/2α)
        return float(np.sqrt(8 * alpha / (9 * np.pi)) * np.exp(-0.5 / alpha))
    high *= 1 - 1e-6
    while high - low > 1e-5:
        middle = 0.5 * (low + high)
        low, high = (middle, high) if unstable(middle) else (low, middle)
    return 0.5 * (low + high)


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
