"""Graded-response (analogue) Hopfield dynamics: the single neuron and the network.

**Single neuron** with self-excitation λ and input h(t) (the lecture notes'
memory unit):

    τ dv/dt = −v + tanh(h + λ v).

Its fixed points solve ``v = tanh(λ(v + h/λ))``, the Curie–Weiss equation
at β = λ and field h/λ: one fixed point for λ < 1, three at h = 0 for λ > 1
(a supercritical pitchfork at λ = 1, v* = ±√(3(λ − 1)) just above it); a
fixed point is stable when ``λ(1 − v²) < 1``. For λ > 1 the unit is a
one-bit memory: an input pulse above the coercive input λ h_sp(T = 1/λ)
(the Curie–Weiss spinodal), held long enough, switches it between v ≈ ±1;
a weaker pulse never does, and the time needed diverges as the amplitude
comes down to the coercive input.

**Network** on couplings J and field h at gain g (the slope of a neuron's
response at the origin, in inverse units of J):

    τ dv_i/dt = −v_i + tanh(g(Σ_j J_ij v_j + h_i)).

Its fixed points solve the naive mean-field (TAP without the Onsager term)
equations ``v = tanh(g(J v + h))`` of the Ising network at inverse
temperature β = g. The origin (h = 0) loses stability when
g λ_max(J) = 1; for Hebbian J with zero diagonal λ_max → 1 + 2√α
(Marchenko–Pastur edge (1 + √α)² minus the removed diagonal α), which is
not the spin-glass line T_g = 1 + √α of the Ising network. For one pattern
the fixed points are v = m ξ with ``m = tanh(g(1 − 1/N) m)``: Curie–Weiss
at g(1 − 1/N). As g → ∞, tanh becomes sgn and the stable fixed points
approach the memories of the zero-temperature network.

Times are absolute, in the unit τ is given in (with the default τ = 1, units
of τ), rates per that unit; fields, couplings and λ are in the units of J.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse.linalg
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from isinghop._validate import finite_array, number
from isinghop.theory.meanfield import curie_weiss
from isinghop.couplings import DenseCouplings, PatternCouplings
from isinghop.model import IsingModel, check_model

__all__ = [
    "NeuronFixedPoints",
    "neuron_fixed_points",
    "neuron_velocity",
    "PulseTrain",
    "neuron_trajectory",
    "GradedTrajectory",
    "graded_trajectory",
    "graded_fixed_point",
    "origin_growth_rate",
    "largest_coupling_eigenvalue",
]

#: Relative and absolute tolerances of every integration.
_RTOL, _ATOL = 1e-9, 1e-12
#: Self-excitation below which the single root is found by bracketing instead of Curie–Weiss at T = 1/λ.
_SMALL_GAIN = 1e-6
#: Longest integration, in units of τ (RK45 takes steps of order τ).
_MAX_SPAN = 1e6
#: Residual at which the flow hands over to Newton–Krylov.
_CLOSE = 1e-6
#: Seed of the fixed start vector of the Lanczos iteration (not a random stream of any run).
_LANCZOS_SEED = 0x1A2C
#: Below this many sites the largest eigenvalue comes from the dense spectrum.
_DENSE_SPECTRUM_SITES = 64


@dataclass(frozen=True, eq=False)
class NeuronFixedPoints:
    """Fixed points of the single graded neuron, from :func:`neuron_fixed_points`.

    Attributes
    ----------
    v : numpy.ndarray
        ``broadcast(lam, h) + (3,)``: the fixed points in ascending order, NaN
        where there are fewer than three.
    stable : numpy.ndarray
        Same shape, bool: ``λ(1 − v²) < 1`` (False where v is NaN).
    count : numpy.ndarray
        Number of fixed points, ``broadcast(lam, h)``.
    """

    v: np.ndarray
    stable: np.ndarray
    count: np.ndarray


def neuron_fixed_points(lam, h=0.0) -> NeuronFixedPoints:
    """All fixed points of ``τ dv/dt = −v + tanh(h + λ v)`` and their stability.

    Parameters
    ----------
    lam : float or array_like
        Self-excitation λ (any real; for λ ≤ 1 there is one fixed point).
    h : float or array_like
        Input; broadcast against ``lam``.

    Returns
    -------
    NeuronFixedPoints
        Fixed points (ascending, NaN-padded to three), stability and count.
    """
    lam = finite_array(lam, "lam").astype(np.float64)
    h = finite_array(h, "h").astype(np.float64)
    try:
        lam, h = np.broadcast_arrays(lam, h)
    except ValueError:
        raise ValueError(f"lam, h: shapes {lam.shape} and {h.shape} do not broadcast") from None
    curie = lam > _SMALL_GAIN  # v = tanh(λ(v + h/λ)): Curie–Weiss at T = 1/λ, field h/λ
    safe = np.where(curie, lam, 1.0)
    v = np.where(curie[..., None], curie_weiss(1.0 / safe, np.where(curie, h / safe, 0.0)).m, np.nan)
    for index in np.ndindex(lam.shape):  # λ ≤ 0 or tiny: tanh(h + λv) − v decreases, one root in (−1, 1)
        if curie[index]:
            continue
        a, b = lam[index], h[index]
        v[index + (0,)] = brentq(lambda x: np.tanh(b + a * x) - x, -1.0, 1.0, xtol=1e-15, rtol=1e-15)
    v = np.sort(v, axis=-1)  # NaN last
    with np.errstate(invalid="ignore"):
        stable = lam[..., None] * (1.0 - v**2) < 1.0
    return NeuronFixedPoints(v=v, stable=stable & np.isfinite(v), count=np.isfinite(v).sum(axis=-1))


def neuron_velocity(v, lam, h=0.0, *, tau: float = 1.0) -> np.ndarray:
    """The flow on the line, ``dv/dt = (−v + tanh(h + λ v))/τ``.

    Returns
    -------
    numpy.ndarray
        ``broadcast(v, lam, h)`` float64, per unit time (the unit of τ).
    """
    tau = number(tau, "tau", low=0.0, low_open=True)
    return (-np.asarray(v, dtype=np.float64) + np.tanh(np.asarray(h, dtype=np.float64)
                                                       + np.asarray(lam, dtype=np.float64) * v)) / tau


@dataclass(frozen=True)
class PulseTrain:
    """An input made of rectangular pulses: ``h(t) = base + Σ_k amplitudes[k]`` over
    ``onsets[k] ≤ t < onsets[k] + width`` (times in the unit of τ).

    Attributes
    ----------
    onsets : tuple of float
    width : float
    amplitudes : tuple of float
    base : float
    """

    onsets: tuple
    width: float
    amplitudes: tuple
    base: float = 0.0

    def __post_init__(self):
        onsets = finite_array(self.onsets, "onsets").astype(np.float64).ravel()
        amplitudes = finite_array(self.amplitudes, "amplitudes").astype(np.float64).ravel()
        if onsets.shape != amplitudes.shape:
            raise ValueError(f"amplitudes: expected one per onset ({onsets.size}), got {amplitudes.size}")
        object.__setattr__(self, "onsets", tuple(onsets))
        object.__setattr__(self, "amplitudes", tuple(amplitudes))
        object.__setattr__(self, "width", number(self.width, "width", low=0.0, low_open=True))
        object.__setattr__(self, "base", number(self.base, "base"))

    def __call__(self, t):
        """The input at time(s) ``t``."""
        t = np.asarray(t, dtype=np.float64)
        total = np.full(t.shape, self.base)
        for onset, amplitude in zip(self.onsets, self.amplitudes):
            total = total + amplitude * ((t >= onset) & (t < onset + self.width))
        return total

    def edges(self) -> np.ndarray:
        """Times where the input jumps, sorted.

        Returns
        -------
        numpy.ndarray
            float64, every onset and end.
        """
        onsets = np.asarray(self.onsets)
        return np.unique(np.concatenate([onsets, onsets + self.width]))


def neuron_trajectory(lam: float, h, times, *, v0: float = 0.0, tau: float = 1.0) -> np.ndarray:
    """Integrate ``τ dv/dt = −v + tanh(h(t) + λ v)`` (scipy ``solve_ivp``, RK45, rtol 1e-9).

    Parameters
    ----------
    lam : float
        Self-excitation λ.
    h : float or PulseTrain
        Constant input, or pulses (integrated piece by piece between their edges).
    times : array_like
        Increasing output times, the first being the start.
    v0 : float
        v at ``times[0]``, in [−1, 1].
    tau : float
        Time constant τ > 0 (``times`` in the same units).

    Returns
    -------
    numpy.ndarray
        v at ``times``, float64.
    """
    lam = number(lam, "lam")
    v0 = number(v0, "v0", low=-1.0, high=1.0)
    tau = number(tau, "tau", low=0.0, low_open=True)
    times = _times(times, tau)
    if isinstance(h, PulseTrain):
        drive, edges = h, h.edges()
    else:
        level = number(h, "h")
        drive, edges = (lambda t: level), np.empty(0)

    def velocity(t, v):
        return neuron_velocity(v, lam, drive(t), tau=tau)

    return _piecewise(velocity, np.array([v0]), times, edges)[:, 0]


@dataclass(frozen=True, eq=False)
class GradedTrajectory:
    """Outcome of :func:`graded_trajectory`.

    Attributes
    ----------
    times : numpy.ndarray
        ``(time,)`` in the unit of τ.
    v : numpy.ndarray
        ``(time, site)`` the graded states v_i ∈ (−1, 1).
    gain : float
        The gain g.
    """

    times: np.ndarray
    v: np.ndarray
    gain: float

    def overlaps(self, patterns) -> np.ndarray:
        """``m_μ(t) = (1/N) Σ_i ξ_i^μ v_i(t)``.

        Returns
        -------
        numpy.ndarray
            ``(time, pattern)`` float64.
        """
        xi = finite_array(patterns, "patterns").astype(np.float64)
        xi = xi.reshape(1, -1) if xi.ndim == 1 else xi
        if xi.shape[-1] != self.v.shape[1]:
            raise ValueError(f"patterns: expected {self.v.shape[1]} sites, got {xi.shape[-1]}")
        return self.v @ xi.T / self.v.shape[1]


def graded_trajectory(model: IsingModel, v0, *, gain: float, times, tau: float = 1.0) -> GradedTrajectory:
    """Integrate ``τ dv_i/dt = −v_i + tanh(g(Σ_j J_ij v_j + h_i))`` (RK45, rtol 1e-9).

    J acts through its storage (pattern storage: O(NP) per evaluation,
    never an N × N matrix).

    Parameters
    ----------
    model : IsingModel
        Symmetric couplings J (self-couplings included when stored) and field h.
    v0 : array_like
        ``(site,)`` start, entries in [−1, 1].
    gain : float
        Gain g ≥ 0 (inverse units of J): the naive mean-field equations at β = g.
    times : array_like
        Increasing output times (in the unit of τ), the first being the start.
    tau : float
        Time constant τ > 0.

    Returns
    -------
    GradedTrajectory
    """
    product, v0, gain, tau = _network(model, v0, gain, tau)
    times = _times(times, tau)
    h = model.h

    def velocity(t, v):
        return (-v + np.tanh(gain * (product(v) + h))) / tau

    return GradedTrajectory(times=times, v=_piecewise(velocity, v0, times, np.empty(0)), gain=gain)


def graded_fixed_point(model: IsingModel, v0, *, gain: float, residual_tol: float = 1e-10, max_time: float = 1e5,
                       tau: float = 1.0) -> tuple[np.ndarray, bool]:
    """Follow the graded dynamics from ``v0`` until it rests: a stable fixed point of
    ``v = tanh(g(J v + h))`` (the naive mean-field equations).

    The flow is integrated over growing spans until the residual
    ``max_i |tanh(g(Jv + h)_i) − v_i|`` is below 1e-6 (the integration
    itself cannot do much better), then the fixed point it is approaching
    is solved to ``residual_tol`` by Newton–Krylov iteration (matrix-free, O(NP) per
    step for pattern storage). Near a bifurcation the approach slows down
    (critical slowing down) and may need a large ``max_time``.

    Parameters
    ----------
    model, v0, gain, tau
        As in :func:`graded_trajectory`.
    residual_tol : float
        Largest residual ``|v − tanh(g(Jv + h))|`` accepted.
    max_time : float
        Give up after this time (in the unit of τ).

    Returns
    -------
    v : numpy.ndarray
        ``(site,)`` the state reached.
    converged : bool
        Whether the residual fell below ``residual_tol``.
    """
    product, v, gain, tau = _network(model, v0, gain, tau)
    residual_tol = number(residual_tol, "residual_tol", low=0.0, low_open=True)
    max_time = number(max_time, "max_time", low=0.0, low_open=True)
    h = model.h

    def residual(state):
        return np.tanh(gain * (product(state) + h)) - state

    def velocity(t, state):
        return residual(state) / tau

    if max_time / tau > _MAX_SPAN:
        raise ValueError(f"max_time: at most {_MAX_SPAN:.0e} tau = {_MAX_SPAN * tau:.3g}, got {max_time}")
    elapsed, span, limit = 0.0, 10.0 * tau, max_time
    while np.abs(residual(v)).max() >= max(residual_tol, _CLOSE):
        if elapsed >= limit:
            return v, False
        step = min(span, limit - elapsed)
        v = _piecewise(velocity, v, np.array([0.0, step]), np.empty(0))[-1]
        elapsed += step
        span *= 2.0
    if np.abs(residual(v)).max() < residual_tol:
        return v, True
    try:
        polished = scipy.optimize.newton_krylov(residual, v, f_tol=residual_tol, maxiter=100)
    except (scipy.optimize.NoConvergence, ValueError, np.linalg.LinAlgError):
        return v, False
    close = np.abs(polished - v).max() < 100 * _CLOSE  # the fixed point the flow was approaching
    return (polished, True) if close else (v, False)


def origin_growth_rate(model: IsingModel, *, gain: float, time: float = 600.0, segment: float = 20.0,
                       amplitude: float = 1e-4, tau: float = 1.0, rng=None) -> float:
    """Growth rate of a small state near v = 0 under the full graded flow (its leading Lyapunov
    exponent there), measured by integration with renormalisation.

    A random state of norm ``amplitude`` is integrated for ``segment``,
    rescaled to ``amplitude``, and so on for ``time``; the rate is the mean
    of ``ln(|v_end| / |v_start|)`` per unit time over the second half, where the
    fastest-growing mode dominates. Linear theory gives
    ``(g λ_max − 1)/τ`` (h = 0): its sign says whether the origin is stable.
    Modes within δλ of λ_max are told apart only when ``time`` ≫ 1/(g δλ).

    Parameters
    ----------
    model, gain, tau
        As in :func:`graded_trajectory` (h should vanish: the origin is then a fixed point).
    time : float
        Total integration time (in the unit of τ).
    segment : float
        Time between renormalisations (in the unit of τ).
    amplitude : float
        Norm of the state after each renormalisation (small: the linear regime).
    rng : int, Generator or None
        Draws the random start.

    Returns
    -------
    float
        The rate per unit time (the unit of τ).
    """
    from isinghop.rng import as_generator

    product, _, gain, tau = _network(model, np.zeros(model.n_sites), gain, tau)
    time = number(time, "time", low=0.0, low_open=True)
    segment = number(segment, "segment", low=0.0, low_open=True)
    amplitude = number(amplitude, "amplitude", low=0.0, high=1e-2, low_open=True)
    if time / tau > _MAX_SPAN or segment > time:
        raise ValueError(f"time: expected segment ({segment}) <= time <= {_MAX_SPAN:.0e} tau, got {time}")
    h = model.h

    def velocity(t, v):
        return (-v + np.tanh(gain * (product(v) + h))) / tau

    v = as_generator(rng).standard_normal(model.n_sites)
    v *= amplitude / np.linalg.norm(v)
    steps = max(2, int(round(time / segment)))
    logs = np.empty(steps)
    for k in range(steps):
        end = _piecewise(velocity, v, np.array([0.0, segment]), np.empty(0))[-1]
        size = np.linalg.norm(end)
        logs[k] = np.log(size / amplitude)
        v = end * (amplitude / size)
    return float(logs[steps // 2:].mean() / segment)


def largest_coupling_eigenvalue(model: IsingModel) -> float:
    """λ_max of the symmetric couplings J (diagonal as stored): the origin of the graded network
    at h = 0 is stable for g λ_max < 1 and unstable beyond.

    Computed by Lanczos iteration (scipy ``eigsh``) on J acting through its
    storage; dense eigenvalues below 64 sites.

    Returns
    -------
    float
        The largest eigenvalue, in the units of J.
    """
    check_model(model)
    if not model.couplings.symmetric:
        raise ValueError("model: the eigenvalues of asymmetric couplings can be complex; J must be symmetric")
    n = model.n_sites
    product = _coupling_product(model)
    if n < _DENSE_SPECTRUM_SITES:
        return float(np.linalg.eigvalsh(product(np.eye(n)))[-1])
    operator = scipy.sparse.linalg.LinearOperator((n, n), matvec=lambda x: product(np.ravel(x)), dtype=np.float64)
    start = np.random.default_rng(_LANCZOS_SEED).standard_normal(n)  # generic: never orthogonal to the top vector
    return float(scipy.sparse.linalg.eigsh(operator, k=1, which="LA", return_eigenvectors=False, v0=start,
                                           tol=1e-12)[0])


def _coupling_product(model: IsingModel):
    """``x ↦ J x`` for real vectors (or ``(site, k)`` columns), through the couplings' storage."""
    couplings = model.couplings
    scale = float(couplings.scale)
    if isinstance(couplings, PatternCouplings):
        xi = couplings.site_patterns.astype(np.float64)  # (site, pattern): O(NP)
        weights = np.eye(couplings.n_patterns) if couplings.matrix is None else couplings.matrix
        removed = 0.0 if couplings.self_coupling else np.einsum("ip,pq,iq->i", xi, weights, xi)

        def product(x):
            x = np.asarray(x, dtype=np.float64)
            removal = removed * x if x.ndim == 1 else removed[:, None] * x
            return (xi @ (weights @ (xi.T @ x)) - removal) / scale
        return product
    matrix = couplings.matrix
    if isinstance(couplings, DenseCouplings):
        return lambda x: matrix @ np.asarray(x, dtype=np.float64) / scale
    return lambda x: np.asarray(matrix @ np.asarray(x, dtype=np.float64), dtype=np.float64) / scale


def _network(model, v0, gain, tau):
    check_model(model)
    if not model.couplings.symmetric:
        raise ValueError("model: the graded network needs symmetric couplings (a Lyapunov function exists then)")
    v0 = finite_array(v0, "v0").astype(np.float64)
    if v0.shape != (model.n_sites,):
        raise ValueError(f"v0: expected shape ({model.n_sites},), got {v0.shape}")
    if np.any(np.abs(v0) > 1):
        raise ValueError("v0: graded states lie in [-1, 1]")
    gain = number(gain, "gain", low=0.0)
    tau = number(tau, "tau", low=0.0, low_open=True)
    return _coupling_product(model), v0, gain, tau


def _times(times, tau: float) -> np.ndarray:
    times = finite_array(times, "times").astype(np.float64)
    if times.ndim != 1 or times.size < 2 or np.any(np.diff(times) <= 0):
        raise ValueError(f"times: expected at least two increasing times, got {times!r}")
    if (times[-1] - times[0]) / tau > _MAX_SPAN:
        raise ValueError(f"times: spans {(times[-1] - times[0]) / tau:.3g} tau, more than {_MAX_SPAN:.0e} "
                         "(the integration takes steps of order tau)")
    return times


def _piecewise(velocity, start, times, edges):
    """Integrate ``dx/dt = velocity(t, x)`` from ``times[0]``, restarting at each input edge; x at ``times``."""
    out = np.empty((times.size, start.size))
    out[0] = start
    cuts = [times[0], *[e for e in edges if times[0] < e < times[-1]], times[-1]]
    state = start
    for low, high in zip(cuts[:-1], cuts[1:]):
        inside = (times > low) & (times <= high)
        solution = solve_ivp(velocity, (low, high), state, method="RK45", rtol=_RTOL, atol=_ATOL,
                             t_eval=np.union1d(times[inside], [high]))
        if not solution.success:
            raise RuntimeError(f"integration failed between t = {low} and {high}: {solution.message}")
        out[inside] = solution.y.T[: inside.sum()]
        state = solution.y[:, -1]
    return out


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
