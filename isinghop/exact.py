"""Exact enumeration of all 2^N states of a small network: the oracle.

State ``k`` (0 ≤ k < 2^N) has spin ``s_i = 2·bit_i(k) − 1``: bit i of k set
means s_i = +1. States are processed in chunks of ``chunk_size``, so memory
stays O(2^N) for the per-state arrays and O(chunk · N) for the spins; the
limit is N = 24 (2^24 ≈ 1.7·10^7 states). Units: k_B = 1, β = 1/T; T = 0 is the
ground-state limit (uniform weight on the degenerate ground states).

The distribution P(q) of the overlap ``q_ab = (1/N) Σ_i s_i^a s_i^b`` of two
independent replicas is computed from the autocorrelation
``R(x) = Σ_a p_a p_{a⊕x}`` by a Walsh–Hadamard transform, O(N·2^N), since
q_ab depends only on the Hamming distance d = popcount(a ⊕ b): q = 1 − 2d/N.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from isinghop._validate import choice, positive_int, site_order
from isinghop.model import IsingModel, delta_energy, energy, local_fields
from isinghop.vocabulary import RULES, SCHEDULES, TIE_RULES, tie_tolerance
from isinghop.spins import as_spins

__all__ = [
    "MAX_SITES",
    "ExactAverages",
    "state_spins",
    "state_index",
    "energies",
    "log_partition_function",
    "free_energy",
    "boltzmann",
    "thermal_averages",
    "overlap_distribution",
    "ground_states",
    "fixed_points",
    "sweep_matrix",
    "stationary_distribution",
    "ising_torus_log_partition",
    "ising_torus_thermodynamics",
]

#: Exact sweep matrices are 2^N × 2^N dense arrays: 8 · 4^N bytes (N = 12: 134 MB).
MAX_MATRIX_SITES = 12

MAX_SITES = 24
DEFAULT_CHUNK = 1 << 16
#: Energies within this (relative to max(1, |E_min|)) of the minimum are degenerate ground states.
GROUND_STATE_RTOL = 1e-9


def _check_model(model: IsingModel) -> int:
    if not isinstance(model, IsingModel):
        raise TypeError(f"model: expected an IsingModel, got {type(model).__name__}")
    if model.n_sites > MAX_SITES:
        raise ValueError(
            f"model: exact enumeration is limited to N <= {MAX_SITES} sites (2^N states), got N = {model.n_sites}"
        )
    return model.n_sites


def _temperature(T) -> float:
    if isinstance(T, bool) or not isinstance(T, (int, float, np.integer, np.floating)):
        raise TypeError(f"T: expected a number >= 0, got {T!r}")
    if not (np.isfinite(T) and T >= 0):
        raise ValueError(f"T: expected a finite temperature >= 0, got {T}")
    return float(T)


def state_spins(indices, n_sites: int) -> np.ndarray:
    """Spins ``(len(indices), n_sites)`` int8 of the given state indices."""
    n_sites = positive_int(n_sites, "n_sites")
    indices = np.asarray(indices, dtype=np.int64)
    bits = (indices[:, None] >> np.arange(n_sites, dtype=np.int64)) & 1
    return (2 * bits - 1).astype(np.int8)


def state_index(spins) -> np.ndarray:
    """State index ``Σ_i 2^i [s_i = +1]`` of each configuration ``(replica, site)``."""
    spins = np.atleast_2d(np.asarray(spins))
    return ((spins > 0).astype(np.int64) << np.arange(spins.shape[1], dtype=np.int64)).sum(axis=1)


def _chunks(n_sites: int, chunk_size: int):
    """Yield ``(start, spins)`` blocks covering all 2^N states in index order."""
    chunk_size = positive_int(chunk_size, "chunk_size")
    total = 1 << n_sites
    for start in range(0, total, chunk_size):
        yield start, state_spins(np.arange(start, min(start + chunk_size, total)), n_sites)


def energies(model: IsingModel, *, chunk_size: int = DEFAULT_CHUNK) -> np.ndarray:
    """Energy ``H(s)`` of every state, float64 of length 2^N, in index order."""
    n = _check_model(model)
    out = np.empty(1 << n)
    for start, spins in _chunks(n, chunk_size):
        out[start : start + len(spins)] = energy(model, spins)
    return out


def _weights(all_energies: np.ndarray, T: float) -> tuple[np.ndarray, float]:
    """Normalised Boltzmann probabilities and ln Z for the given energies."""
    e_min = all_energies.min()
    if T == 0:
        ground = all_energies <= e_min + GROUND_STATE_RTOL * max(1.0, abs(e_min))
        return ground / ground.sum(), -np.inf
    unnormalised = np.exp(-(all_energies - e_min) / T)
    total = unnormalised.sum()
    return unnormalised / total, -e_min / T + np.log(total)


def log_partition_function(model: IsingModel, T: float, *, chunk_size: int = DEFAULT_CHUNK) -> float:
    """``ln Z = ln Σ_s exp(−H(s)/T)`` for T > 0 (computed without overflow)."""
    T = _temperature(T)
    if T == 0:
        raise ValueError("T: ln Z diverges at T = 0; use free_energy, which is E_min there")
    return _weights(energies(model, chunk_size=chunk_size), T)[1]


def free_energy(model: IsingModel, T: float, *, chunk_size: int = DEFAULT_CHUNK) -> float:
    """Free energy ``F = −T ln Z`` (not per spin); at T = 0 the ground-state energy."""
    T = _temperature(T)
    all_energies = energies(model, chunk_size=chunk_size)
    if T == 0:
        return float(all_energies.min())
    return -T * _weights(all_energies, T)[1]


def boltzmann(model: IsingModel, T: float, *, chunk_size: int = DEFAULT_CHUNK) -> np.ndarray:
    """Boltzmann probabilities ``exp(−H/T)/Z`` of all 2^N states, in index order.

    At T = 0, equal weight on every ground state (energies within
    ``GROUND_STATE_RTOL`` of the minimum).
    """
    T = _temperature(T)
    return _weights(energies(model, chunk_size=chunk_size), T)[0]


def _walsh_hadamard(values: np.ndarray) -> np.ndarray:
    """Unnormalised Walsh–Hadamard transform of a length-2^N vector, O(N·2^N)."""
    out = values.astype(np.float64, copy=True)
    half = 1
    while half < out.size:
        blocks = out.reshape(-1, 2, half)
        upper = blocks[:, 0, :].copy()
        blocks[:, 0, :] += blocks[:, 1, :]
        blocks[:, 1, :] = upper - blocks[:, 1, :]
        half *= 2
    return out


def _overlap_from_probabilities(probabilities: np.ndarray, n_sites: int) -> tuple[np.ndarray, np.ndarray]:
    transform = _walsh_hadamard(probabilities)
    autocorrelation = _walsh_hadamard(transform * transform) / probabilities.size
    popcount = np.zeros(probabilities.size, dtype=np.int64)
    index = np.arange(probabilities.size, dtype=np.int64)
    for bit in range(n_sites):
        popcount += (index >> bit) & 1
    by_distance = np.bincount(popcount, weights=autocorrelation, minlength=n_sites + 1)
    q_values = 1.0 - 2.0 * np.arange(n_sites + 1) / n_sites
    return q_values[::-1].copy(), np.clip(by_distance[::-1], 0.0, None)


def overlap_distribution(model: IsingModel, T: float, *, chunk_size: int = DEFAULT_CHUNK) -> tuple[np.ndarray, np.ndarray]:
    """Exact P(q) of the overlap ``q_ab = (1/N) Σ_i s_i^a s_i^b`` of two independent replicas.

    Returns
    -------
    q : numpy.ndarray
        The N + 1 possible values ``−1, −1 + 2/N, …, 1``.
    probability : numpy.ndarray
        P(q) for each value (sums to 1).
    """
    n = _check_model(model)
    return _overlap_from_probabilities(boltzmann(model, T, chunk_size=chunk_size), n)


@dataclass(frozen=True, eq=False)
class ExactAverages:
    """Exact thermal averages at one temperature (k_B = 1).

    Attributes
    ----------
    T : float
        Temperature.
    energy : float
        ⟨H⟩, total (not per spin).
    energy_per_spin : float
        ⟨H⟩/N.
    specific_heat : float
        Per spin, ``C = β² N (⟨e²⟩ − ⟨e⟩²)`` with e = H/N (0 at T = 0).
    magnetisation, abs_magnetisation, magnetisation_2, magnetisation_4 : float
        ⟨m⟩, ⟨|m|⟩, ⟨m²⟩, ⟨m⁴⟩ with ``m = (1/N) Σ_i s_i``.
    binder : float
        ``U₄ = 1 − ⟨m⁴⟩ / (3⟨m²⟩²)``.
    site_magnetisation : numpy.ndarray
        ⟨s_i⟩ per site.
    overlaps, abs_overlaps : numpy.ndarray or None
        ⟨m_μ⟩ and ⟨|m_μ|⟩ with ``m_μ = (1/N) Σ_i ξ_i^μ s_i``, when patterns were given.
    replica_overlap : float
        ⟨q_ab⟩ = (1/N) Σ_i ⟨s_i⟩² for two independent replicas.
    q_values, q_distribution : numpy.ndarray
        The exact P(q) (see :func:`overlap_distribution`).
    """

    T: float
    energy: float
    energy_per_spin: float
    specific_heat: float
    magnetisation: float
    abs_magnetisation: float
    magnetisation_2: float
    magnetisation_4: float
    binder: float
    site_magnetisation: np.ndarray
    overlaps: np.ndarray | None
    abs_overlaps: np.ndarray | None
    replica_overlap: float
    q_values: np.ndarray
    q_distribution: np.ndarray


def thermal_averages(model: IsingModel, T: float, *, patterns=None, chunk_size: int = DEFAULT_CHUNK) -> ExactAverages:
    """Exact thermal averages of energy, magnetisation, overlaps and q at temperature T.

    Parameters
    ----------
    model : IsingModel
        At most ``MAX_SITES`` sites.
    T : float
        Temperature (≥ 0; 0 is the ground-state average).
    patterns : array_like, optional
        ±1 patterns ``(pattern, site)`` for the overlaps m_μ.
    chunk_size : int
        States per block.
    """
    n = _check_model(model)
    T = _temperature(T)
    all_energies = energies(model, chunk_size=chunk_size)
    probabilities, _ = _weights(all_energies, T)
    xi = None
    if patterns is not None:
        xi = as_spins(patterns, name="patterns", n_sites=n).astype(np.float64)
    site_m = np.zeros(n)
    moments = np.zeros(4)  # <m>, <|m|>, <m^2>, <m^4>
    overlaps = np.zeros(0 if xi is None else len(xi))
    abs_overlaps = np.zeros_like(overlaps)
    for start, spins in _chunks(n, chunk_size):
        p = probabilities[start : start + len(spins)]
        m = spins.mean(axis=1)
        site_m += p @ spins
        moments += [p @ m, p @ np.abs(m), p @ m**2, p @ m**4]
        if xi is not None:
            m_mu = spins @ xi.T / n
            overlaps += p @ m_mu
            abs_overlaps += p @ np.abs(m_mu)
    mean_e = probabilities @ all_energies
    variance_e = max(probabilities @ (all_energies - mean_e) ** 2, 0.0)
    q_values, q_distribution = _overlap_from_probabilities(probabilities, n)
    return ExactAverages(
        T=T,
        energy=float(mean_e),
        energy_per_spin=float(mean_e / n),
        specific_heat=0.0 if T == 0 else float(variance_e / (n * T * T)),
        magnetisation=float(moments[0]),
        abs_magnetisation=float(moments[1]),
        magnetisation_2=float(moments[2]),
        magnetisation_4=float(moments[3]),
        binder=float(1.0 - moments[3] / (3.0 * moments[2] ** 2)),
        site_magnetisation=site_m,
        overlaps=None if xi is None else overlaps,
        abs_overlaps=None if xi is None else abs_overlaps,
        replica_overlap=float(site_m @ site_m / n),
        q_values=q_values,
        q_distribution=q_distribution,
    )


def ground_states(model: IsingModel, *, chunk_size: int = DEFAULT_CHUNK) -> tuple[np.ndarray, float]:
    """All minimum-energy states, ``(spins (G, N) int8, E_min)``, in index order."""
    n = _check_model(model)
    all_energies = energies(model, chunk_size=chunk_size)
    e_min = float(all_energies.min())
    ground = np.flatnonzero(all_energies <= e_min + GROUND_STATE_RTOL * max(1.0, abs(e_min)))
    return state_spins(ground, n), e_min


def fixed_points(model: IsingModel, *, tie: str = "keep", tol: float | None = None,
                 chunk_size: int = DEFAULT_CHUNK) -> np.ndarray:
    """Every state left unchanged by the zero-temperature single-spin update.

    The update sets ``s_i ← sign(φ_i)`` with ``φ_i = Σ_j J_ij s_j + h_i``
    (self-coupling included); a zero field (``|φ_i| ≤ tol``) is resolved by
    ``tie``: ``keep`` leaves s_i, ``up`` sets +1, ``down`` sets −1. Under
    ``flip`` (always flip) and ``random`` (fair coin) a zero-field site may
    change, so a fixed point there has no zero field at all.

    Parameters
    ----------
    model : IsingModel
        Symmetric or asymmetric couplings, at most ``MAX_SITES`` sites.
    tie : {"keep", "up", "down", "flip", "random"}
    tol : float, optional
        Tie tolerance on φ; default 0 for integer couplings (exact), else
        ``model.DEFAULT_TIE_TOL``.

    Returns
    -------
    numpy.ndarray
        Fixed points ``(F, N)`` int8, in state-index order.
    """
    n = _check_model(model)
    tie = choice(tie, "tie", TIE_RULES)
    tol = tie_tolerance(model, tol)
    found = []
    for _, spins in _chunks(n, chunk_size):
        fields = local_fields(model, spins)
        zero = np.abs(fields) <= tol
        stable = np.where(zero, False, np.sign(fields) == spins)
        if tie == "keep":
            stable |= zero
        elif tie == "up":
            stable |= zero & (spins == 1)
        elif tie == "down":
            stable |= zero & (spins == -1)
        found.append(spins[stable.all(axis=1)])
    return np.concatenate(found)


def _flip_probabilities(model: IsingModel, T: float, rule: str, states: np.ndarray, tol: float) -> np.ndarray:
    """``(state, site)`` probability that one attempt at the site flips it."""
    delta = delta_energy(model, states)  # ΔE_i = 2 s_i φ'_i, self-coupling excluded
    pair_field = delta / (2.0 * states)
    if rule == "metropolis":
        if T == 0:
            return ((delta < 0) | (np.abs(pair_field) <= tol)).astype(np.float64)
        return np.exp(-np.clip(delta, 0.0, None) / T)
    if T == 0:
        up = np.where(pair_field > tol, 1.0, np.where(pair_field < -tol, 0.0, 0.5))
    else:
        up = 0.5 * (1.0 + np.tanh(pair_field / T))  # 1 / (1 + exp(-2 φ'/T)) without overflow
    return np.where(states > 0, 1.0 - up, up)


def _after_site(matrix: np.ndarray, flips: np.ndarray, site: int) -> np.ndarray:
    """``matrix · P_site``: follow the states by one attempt at ``site`` (column t gains from t ⊕ 2^site)."""
    partner = np.arange(matrix.shape[1]) ^ (1 << site)
    moved = matrix * flips[:, site]
    return matrix * (1.0 - flips[:, site]) + moved[:, partner]


def sweep_matrix(model: IsingModel, T: float, *, rule: str = "metropolis", schedule: str = "permutation",
                 order=None, tol: float | None = None) -> np.ndarray:
    """Exact transition matrix of one Monte Carlo sweep, ``P[a, b] = Prob(a → b)``.

    Parameters
    ----------
    model : IsingModel
        Symmetric couplings, at most ``MAX_MATRIX_SITES`` sites.
    T : float
        Temperature (0: the rule's zero-temperature limit).
    rule : {"metropolis", "glauber"}
    schedule : {"permutation", "sequential", "random", "synchronous"}
        ``sequential``: the product of single-site matrices in ``order``;
        ``random``: the N-th power of the one-attempt matrix (1/N) Σ_i P_i;
        ``permutation``: the average over all N! orders, by a dynamic
        programme over subsets of visited sites, ``F(S) = (1/|S|) Σ_{i∈S}
        F(S∖i) P_i``; ``synchronous`` (Glauber only): Little's dynamics, every
        site drawn from the heat bath of the same old state.
    order : array_like of int, optional
        Site order for ``sequential``.
    tol : float, optional
        Tie tolerance at T = 0.

    Returns
    -------
    numpy.ndarray
        ``(2^N, 2^N)`` row-stochastic matrix in state-index order.
    """

    n = _check_model(model)
    if n > MAX_MATRIX_SITES:
        raise ValueError(f"model: exact sweep matrices are limited to N <= {MAX_MATRIX_SITES}, got N = {n}")
    T = _temperature(T)
    rule = choice(rule, "rule", RULES)
    schedule = choice(schedule, "schedule", SCHEDULES)
    if schedule == "synchronous" and rule != "glauber":
        raise ValueError("schedule: 'synchronous' is Little's dynamics, defined for rule='glauber' only")
    tol = tie_tolerance(model, tol)
    states = state_spins(np.arange(1 << n), n)
    flips = _flip_probabilities(model, T, rule, states, tol)
    size = 1 << n
    if schedule == "synchronous":
        up = np.where(states > 0, 1.0 - flips, flips)  # P(s_i' = +1 | s)
        matrix = np.ones((size, size))
        for site in range(n):
            matrix *= np.where(states[None, :, site] > 0, up[:, site, None], 1.0 - up[:, site, None])
        return matrix
    if schedule == "sequential":
        matrix = np.eye(size)
        for site in site_order(order, n):
            matrix = _after_site(matrix, flips, int(site))
        return matrix
    if schedule == "random":
        one_attempt = sum(_after_site(np.eye(size), flips, site) for site in range(n)) / n
        return np.linalg.matrix_power(one_attempt, n)
    level = {0: np.eye(size)}
    for _ in range(n):
        following = {}
        for visited, matrix in level.items():
            for site in range(n):
                if not visited >> site & 1:
                    key = visited | 1 << site
                    following[key] = following.get(key, 0.0) + _after_site(matrix, flips, site)
        level = {key: total / bin(key).count("1") for key, total in following.items()}
    return level[size - 1]


def stationary_distribution(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """Stationary vector π (π P = π, Σ π = 1) of a row-stochastic matrix, and the
    exponential relaxation time ``τ_exp = −1 / ln|λ₂|`` in steps (inf if |λ₂| = 1)."""
    values, vectors = np.linalg.eig(matrix.T)
    ordering = np.argsort(-np.abs(values))
    pi = np.real(vectors[:, ordering[0]])
    pi = pi / pi.sum()
    second = np.abs(values[ordering[1]]) if len(values) > 1 else 0.0
    tau = np.inf if second >= 1 else (0.0 if second == 0 else -1.0 / np.log(second))
    return pi, float(tau)


def _log_2cosh(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    return x + np.log1p(np.exp(-2.0 * x))


def _log_abs_2sinh(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    with np.errstate(divide="ignore"):
        return x + np.log(-np.expm1(-2.0 * x))


def ising_torus_log_partition(L: int, T: float, *, coupling: float = 1.0) -> float:
    """Exact ``ln Z`` of the ferromagnetic L×L periodic square lattice (Kaufman 1949).

    ``Z = ½ (2 sinh 2K)^{L²/2} (Z₁ + Z₂ + Z₃ + Z₄)`` with K = J/T,
    ``Z₁ = Π_r 2 cosh(L γ_{2r+1}/2)``, ``Z₂ = Π_r 2 sinh(L γ_{2r+1}/2)``,
    ``Z₃ = Π_r 2 cosh(L γ_{2r}/2)``, ``Z₄ = Π_r 2 sinh(L γ_{2r}/2)`` (r = 0..L−1),
    ``cosh γ_k = cosh 2K coth 2K − cos(πk/L)`` for k ≥ 1 and
    ``γ₀ = 2K + ln tanh K``, whose sign changes at T_c = 2/ln(1 + √2): for
    T > T_c, γ₀ < 0 and Z₄ is negative. Computed in logarithms (no overflow).
    The Hamiltonian is :func:`isinghop.model.square_lattice`'s, h = 0.
    """
    L = positive_int(L, "L")
    T = _temperature(T)
    if T == 0 or coupling <= 0:
        raise ValueError("T, coupling: the closed form needs T > 0 and a ferromagnetic coupling > 0")
    K = coupling / T
    k = np.arange(2 * L)
    gamma = np.arccosh(np.cosh(2 * K) / np.tanh(2 * K) - np.cos(np.pi * k / L))
    gamma[0] = 2 * K + np.log(np.tanh(K))
    odd, even = L * gamma[1::2] / 2, L * gamma[0::2] / 2
    logs = np.array([_log_2cosh(odd).sum(), _log_abs_2sinh(odd).sum(), _log_2cosh(even).sum(),
                     _log_abs_2sinh(even).sum()])
    signs = np.array([1.0, np.prod(np.sign(odd)), 1.0, np.prod(np.sign(even))])
    top = logs.max()
    total = np.sum(signs * np.exp(logs - top))
    return float(-np.log(2.0) + L * L / 2 * np.log(2 * np.sinh(2 * K)) + top + np.log(total))


def ising_torus_thermodynamics(L: int, T: float, *, coupling: float = 1.0) -> tuple[float, float]:
    """Exact energy per spin ``e = −∂ ln Z/∂β / N`` and specific heat per spin
    ``C = β² ∂² ln Z/∂β² / N`` of the L×L torus, by central differences in β
    of :func:`ising_torus_log_partition` (relative error about 10⁻⁷)."""
    T = _temperature(T)
    beta, step = 1.0 / T, 1e-4 / T
    values = [ising_torus_log_partition(L, 1.0 / (beta + d * step), coupling=coupling) for d in (-2, -1, 0, 1, 2)]
    first = (values[0] - 8 * values[1] + 8 * values[3] - values[4]) / (12 * step)
    second = (-values[0] + 16 * values[1] - 30 * values[2] + 16 * values[3] - values[4]) / (12 * step**2)
    n = L * L
    return float(-first / n), float(beta**2 * second / n)
