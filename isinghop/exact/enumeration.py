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
from math import comb

import numpy as np

from isinghop._validate import choice, describe_entries, finite_array, number, numeric_array, positive_int, site_order
from isinghop.model import (IsingModel, _require_symmetric, check_model, energy_numerators, field_numerators,
                            pair_numerators)
from isinghop.vocabulary import RULES, SCHEDULES, TIE_RULES, Rule, Schedule, TieRule, scaled_tolerance
from isinghop.spins import as_spins, spin_batch

__all__ = [
    "MAX_SITES",
    "MAX_INDEX_SITES",
    "MAX_MATRIX_SITES",
    "MAX_MATRIX_BYTES",
    "GROUND_STATE_RTOL",
    "STOCHASTIC_ATOL",
    "ExactAverages",
    "state_spins",
    "state_index",
    "energies",
    "log_partition_function",
    "free_energy",
    "boltzmann",
    "thermal_averages",
    "replica_overlap_distribution",
    "ground_states",
    "fixed_points",
    "sweep_matrix",
    "equilibration_sweeps",
    "sweep_matrix_bytes",
    "stationary_distribution",
]

#: Exact sweep matrices are 2^N × 2^N float64 arrays, 8·4^N bytes (N = 12: 128 MiB); larger N also takes too long.
MAX_MATRIX_SITES = 12
#: :func:`sweep_matrix` refuses a call whose estimated peak memory (:func:`sweep_matrix_bytes`) exceeds this (1 GiB).
MAX_MATRIX_BYTES = 2**30
#: Rows of a stochastic matrix must sum to 1 within this absolute tolerance.
STOCHASTIC_ATOL = 1e-9
#: Temporary row blocks of the sweep matrices are at most this many bytes.
_BLOCK_BYTES = 1 << 23
#: The permutation programme's levels for a block of start states take at most about this many bytes.
_WORK_BYTES = 1 << 27
#: Bytes per (state, site) of the per-state arrays of sweep_matrix (spins, flip probabilities, temporaries).
_PER_STATE_BYTES = 64
#: Fixed allowance of sweep_matrix_bytes: numpy's ufunc buffers (up to 3 × 8192 float64) and small arrays.
_FIXED_BYTES = 1 << 18

#: Enumeration visits all 2^N states: at most this many sites (2^24 = 16.8 million states).
MAX_SITES = 24
#: State indices are int64 and 2^N must fit: at most 62 sites.
MAX_INDEX_SITES = 62
DEFAULT_CHUNK = 1 << 16
#: For a model that is not exact, energies within ``GROUND_STATE_RTOL · N²`` times its field scale
#: ``max_i (Σ_j |J_ij| + |h_i|)`` of the minimum are degenerate ground states: eight unit roundings
#: of sums of N² terms, so that only rounding separates degenerate states; for N ≤ 1448 the window
#: is below the ``2 · tol`` of the default tie tolerance, so every ground state is a fixed point.
GROUND_STATE_RTOL = 2.0**-50


def _check_model(model: IsingModel) -> int:
    if check_model(model).n_sites > MAX_SITES:
        raise ValueError(
            f"model: exact enumeration is limited to N <= {MAX_SITES} sites (2^N states), got N = {model.n_sites}"
        )
    return model.n_sites


def _temperature(T) -> float:
    return number(T, "T", low=0.0)


def state_spins(indices, n_sites: int) -> np.ndarray:
    """Spins ``(len(indices), n_sites)`` int8 of the given state indices.

    Parameters
    ----------
    indices : array_like of int
        State indices ``0 ≤ k < 2^N`` (a scalar is one state); integer-valued
        floats are accepted, anything else is a ``ValueError`` naming the entries.
    n_sites : int
        N, at most ``MAX_INDEX_SITES`` (indices are int64).

    Returns
    -------
    numpy.ndarray
        ``int8`` ±1 ``(len(indices), n_sites)``; a scalar index gives ``(1, n_sites)``
        (the leading axis is always kept).
    """
    n_sites = _index_sites(positive_int(n_sites, "n_sites"), "n_sites")
    values = numeric_array(indices, "indices")
    if values.ndim > 1:
        raise ValueError(f"indices: expected a scalar or a 1-D array of state indices, got shape {values.shape}")
    values = np.atleast_1d(values)
    if np.issubdtype(values.dtype, np.floating):
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(values) | (values != np.round(values))
        if bad.any():
            raise ValueError(f"indices: state indices must be integers; bad entries {describe_entries(bad, values)}")
    outside = (values < 0) | (values >= 1 << n_sites)
    if outside.any():
        raise ValueError(
            f"indices: state indices of {n_sites} sites lie in [0, 2^{n_sites}) = [0, {1 << n_sites}); "
            f"bad entries {describe_entries(outside, values)}"
        )
    values = values.astype(np.int64)
    bits = (values[:, None] >> np.arange(n_sites, dtype=np.int64)) & 1
    return (2 * bits - 1).astype(np.int8)


def state_index(spins) -> np.ndarray:
    """State index ``Σ_i 2^i [s_i = +1]`` (int64) of each ±1 configuration ``(replica, site)``.

    At most ``MAX_INDEX_SITES`` sites; entries other than ±1 are a ``ValueError``.

    Returns
    -------
    numpy.ndarray or int
        int64 ``(replica,)``; a 1-D ``spins`` (one configuration) gives one int;
        no configurations, ``(0, N)`` (as :func:`fixed_points` may find), give
        an empty array.
    """
    if (np.ndim(spins) == 2 and np.shape(spins)[0] == 0 and np.shape(spins)[1] > 0
            and np.issubdtype(np.asarray(spins).dtype, np.number)):
        _index_sites(np.shape(spins)[1], "spins")
        return np.zeros(0, dtype=np.int64)
    batch, single = spin_batch(spins)
    _index_sites(batch.shape[1], "spins")
    indices = ((batch > 0).astype(np.int64) << np.arange(batch.shape[1], dtype=np.int64)).sum(axis=1)
    return int(indices[0]) if single else indices


def _index_sites(n_sites: int, name: str) -> int:
    if n_sites > MAX_INDEX_SITES:
        raise ValueError(
            f"{name}: state indices are int64, limited to N <= {MAX_INDEX_SITES} sites, got N = {n_sites}"
        )
    return n_sites


def _chunks(n_sites: int, chunk_size: int):
    """Yield ``(start, spins)`` blocks covering all 2^N states in index order."""
    chunk_size = positive_int(chunk_size, "chunk_size")
    total = 1 << n_sites
    for start in range(0, total, chunk_size):
        yield start, state_spins(np.arange(start, min(start + chunk_size, total)), n_sites)


def _numerators(model: IsingModel, chunk_size: int) -> np.ndarray:
    """``2 · scale · H`` of every state, in index order (int64, exact, for an exact model whose sums fit)."""
    n = _check_model(model)
    _require_symmetric(model, "energy")
    return np.concatenate([energy_numerators(model, spins) for _, spins in _chunks(n, chunk_size)])


def energies(model: IsingModel, *, chunk_size: int = DEFAULT_CHUNK) -> np.ndarray:
    """Energy ``H(s)`` of every state, in index order.

    Returns
    -------
    numpy.ndarray
        float64 ``(2^N,)``, total energy H (not per spin).
    """
    return _numerators(model, chunk_size) / (2.0 * model.couplings.scale)


def _ground(model: IsingModel, numerators: np.ndarray) -> np.ndarray:
    """Which states are ground states, from their energy numerators ``2 · scale · H``.

    Exactly the minimum for an exact model (integer numerators); otherwise
    within ``GROUND_STATE_RTOL · N²`` times the field scale of it.
    """
    lowest = numerators.min()
    if model.exact:
        return numerators == lowest
    return numerators <= lowest + GROUND_STATE_RTOL * model.n_sites**2 * 2.0 * model.field_scale  # 2·scale·H units


def _weights(model: IsingModel, numerators: np.ndarray, T: float) -> tuple[np.ndarray, float]:
    """Normalised Boltzmann probabilities and ln Z of the states with these energy numerators."""
    if T == 0:
        ground = _ground(model, numerators)
        return ground / ground.sum(), -np.inf
    all_energies = numerators / (2.0 * model.couplings.scale)
    e_min = all_energies.min()
    unnormalised = np.exp(-(all_energies - e_min) / T)
    total = unnormalised.sum()
    return unnormalised / total, -e_min / T + np.log(total)


def log_partition_function(model: IsingModel, *, T: float, chunk_size: int = DEFAULT_CHUNK) -> float:
    """``ln Z = ln Σ_s exp(−H(s)/T)`` for T > 0 (computed without overflow).

    Returns
    -------
    float
        ln Z (dimensionless, not per spin).
    """
    T = _temperature(T)
    if T == 0:
        raise ValueError("T: ln Z diverges at T = 0; use free_energy, which is E_min there")
    return _weights(model, _numerators(model, chunk_size), T)[1]


def free_energy(model: IsingModel, *, T: float, chunk_size: int = DEFAULT_CHUNK) -> float:
    """Free energy ``F = −T ln Z`` (not per spin); at T = 0 the ground-state energy.

    Returns
    -------
    float
        F in energy units, total (not per spin).
    """
    T = _temperature(T)
    numerators = _numerators(model, chunk_size)
    if T == 0:
        return float(numerators.min() / (2.0 * model.couplings.scale))
    return float(-T * _weights(model, numerators, T)[1])


def boltzmann(model: IsingModel, *, T: float, chunk_size: int = DEFAULT_CHUNK) -> np.ndarray:
    """Boltzmann probabilities ``exp(−H/T)/Z`` of all 2^N states, in index order.

    At T = 0, equal weight on every ground state (as :func:`ground_states`).

    Returns
    -------
    numpy.ndarray
        float64 ``(2^N,)``, summing to 1.

    Examples
    --------
    Two coupled spins (J = 1) at T = 1: the aligned states carry weight
    ``e / (2e + 2/e)`` each:

    >>> import numpy as np
    >>> import isinghop as ih
    >>> p = ih.boltzmann(ih.dense_model([[0, 1], [1, 0]]), T=1.0)
    >>> print(p.round(4), np.isclose(p[0], np.e / (2 * np.e + 2 / np.e)))
    [0.4404 0.0596 0.0596 0.4404] True
    """
    T = _temperature(T)
    return _weights(model, _numerators(model, chunk_size), T)[0]


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


def replica_overlap_distribution(model: IsingModel, *, T: float,
                                 chunk_size: int = DEFAULT_CHUNK) -> tuple[np.ndarray, np.ndarray]:
    """Exact P(q) of the overlap ``q_ab = (1/N) Σ_i s_i^a s_i^b`` of two independent replicas.

    Returns
    -------
    q : numpy.ndarray
        The N + 1 possible values ``−1, −1 + 2/N, …, 1``.
    probability : numpy.ndarray
        P(q) for each value (sums to 1).
    """
    n = _check_model(model)
    return _overlap_from_probabilities(boltzmann(model, T=T, chunk_size=chunk_size), n)


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
        ``⟨m⟩, ⟨|m|⟩, ⟨m²⟩, ⟨m⁴⟩`` with ``m = (1/N) Σ_i s_i``.
    binder : float
        ``U₄ = 1 − ⟨m⁴⟩ / (3⟨m²⟩²)``.
    site_magnetisation : numpy.ndarray
        ⟨s_i⟩ per site.
    overlaps, abs_overlaps : numpy.ndarray or None
        ``⟨m_μ⟩`` and ``⟨|m_μ|⟩`` with ``m_μ = (1/N) Σ_i ξ_i^μ s_i``, when patterns were given.
    replica_overlap : float
        ⟨q_ab⟩ = (1/N) Σ_i ⟨s_i⟩² for two independent replicas.
    q_values, q_distribution : numpy.ndarray
        The exact P(q) (see :func:`replica_overlap_distribution`).
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


def thermal_averages(model: IsingModel, *, T: float, patterns=None, chunk_size: int = DEFAULT_CHUNK) -> ExactAverages:
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

    Returns
    -------
    ExactAverages
        Every average at this T (energies total and per spin, as named).

    Examples
    --------
    The finite Curie–Weiss model (one Hebbian pattern, N = 10) at T = 0.5,
    averaged exactly over all 1024 states; at h = 0 the flip symmetry makes
    ``⟨m⟩`` vanish while ``⟨|m|⟩`` does not:

    >>> import isinghop as ih
    >>> xi = ih.random_patterns(1, 10, rng=1)
    >>> avg = ih.thermal_averages(ih.hebbian(xi), T=0.5, patterns=xi)
    >>> print(round(avg.magnetisation, 12) + 0.0, round(avg.abs_overlaps[0], 4))
    0.0 0.9155
    """
    n = _check_model(model)
    T = _temperature(T)
    numerators = _numerators(model, chunk_size)
    probabilities, _ = _weights(model, numerators, T)
    all_energies = numerators / (2.0 * model.couplings.scale)
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
    """All minimum-energy states, in index order.

    For an exact model (integer couplings and integral ``scale · h``,
    :attr:`~isinghop.model.IsingModel.exact`) the energies are compared
    exactly, in integers, whatever their scale; otherwise states within
    ``GROUND_STATE_RTOL · N²`` times the field scale ``max_i (Σ_j |J_ij| +
    |h_i|)`` of the minimum (a few roundings of the sums) are degenerate.

    Returns
    -------
    spins : numpy.ndarray
        ``int8`` ±1 ``(G, N)``, the G degenerate ground states.
    e_min : float
        The minimum energy H (total, not per spin).

    Examples
    --------
    Two stored patterns on four sites: the patterns and their mirror images
    are the ground states:

    >>> import isinghop as ih
    >>> states, e0 = ih.ground_states(ih.hebbian([[1, 1, 1, -1], [1, -1, 1, 1]]))
    >>> print(states, e0)
    [[-1  1 -1 -1]
     [ 1  1  1 -1]
     [-1 -1 -1  1]
     [ 1 -1  1  1]] -1.0
    """
    n = _check_model(model)
    numerators = _numerators(model, chunk_size)
    ground = np.flatnonzero(_ground(model, numerators))
    return state_spins(ground, n), float(numerators.min() / (2.0 * model.couplings.scale))


def fixed_points(model: IsingModel, *, tie: TieRule = "keep", tol: float | None = None,
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
        Tie tolerance on φ; default :func:`~isinghop.vocabulary.tie_tolerance`
        (0 for an exact model).

    Returns
    -------
    numpy.ndarray
        Fixed points ``(F, N)`` int8, in state-index order.

    Examples
    --------
    Under Hebb the third site of (1, 1, 1) and (1, 1, −1) has zero field in
    every state: with ``keep`` both patterns and their mirrors are fixed,
    with ``up`` only the states whose third spin is +1:

    >>> import isinghop as ih
    >>> model = ih.hebbian([[1, 1, 1], [1, 1, -1]])
    >>> print(ih.fixed_points(model, tie="keep"))
    [[-1 -1 -1]
     [ 1  1 -1]
     [-1 -1  1]
     [ 1  1  1]]
    >>> print(ih.fixed_points(model, tie="up"))
    [[-1 -1  1]
     [ 1  1  1]]
    """
    n = _check_model(model)
    tie = choice(tie, "tie", TIE_RULES)
    tol_s = scaled_tolerance(model, tol)
    found = []
    for _, spins in _chunks(n, chunk_size):
        found.append(spins[np.all(_hopfield_flips(model, tie, spins, tol_s) == 0, axis=1)])
    return np.concatenate(found)


def _hopfield_flips(model: IsingModel, tie: str, states: np.ndarray, tol_s: float) -> np.ndarray:
    """``(state, site)`` probability that the zero-T Hopfield update of the site flips it."""
    fields = field_numerators(model, states)
    tied = np.abs(fields) <= tol_s
    against = np.where(tied, False, np.sign(fields) != states)
    at_tie = {"keep": np.zeros(states.shape), "flip": np.ones(states.shape), "random": np.full(states.shape, 0.5),
              "up": (states < 0).astype(np.float64), "down": (states > 0).astype(np.float64)}[tie]
    return np.where(tied, at_tie, against.astype(np.float64))


def _flip_probabilities(model: IsingModel, T: float, rule: str, states: np.ndarray, tol_s: float) -> np.ndarray:
    """``(state, site)`` probability that one attempt at the site flips it (the kernels' expressions)."""
    p = pair_numerators(model, states)  # scale · φ'_i, self-coupling excluded
    scale = model.couplings.scale
    if rule == "metropolis":
        k = 2.0 * states * p  # scale · ΔE_i
        if T == 0:
            return ((k < 0) | (np.abs(p) <= tol_s)).astype(np.float64)
        return np.exp(-(1.0 / T) * np.clip(k, 0.0, None) / scale)  # exp(−β k / scale), as the kernel
    if T == 0:
        up = np.where(p > tol_s, 1.0, np.where(p < -tol_s, 0.0, 0.5))
    else:
        up = 0.5 * (1.0 + np.tanh(p / scale / T))  # 1 / (1 + exp(-2 φ'/T)) without overflow
    return np.where(states > 0, 1.0 - up, up)


def _times_site(rows: np.ndarray, flips: np.ndarray, site: int) -> None:
    """``rows ← rows · P_site`` in place, for a C-contiguous block of rows.

    ``P_site[t, t] = 1 − f(t)`` and ``P_site[t, t ⊕ 2^site] = f(t)`` with
    ``f = flips`` of length 2^N: column u gains from column u ⊕ 2^site, a swap
    of the middle axis of the view ``(row, high bits, bit, low bits)``.
    """
    moved = rows * flips
    rows *= 1.0 - flips
    shape = (len(rows), -1, 2, 1 << site)
    rows.reshape(shape)[...] += moved.reshape(shape)[:, :, ::-1, :]


def _block_rows(size: int) -> int:
    """Rows per block of a ``(size, size)`` float64 matrix: at most ``_BLOCK_BYTES`` (at least one row)."""
    return max(1, min(size, _BLOCK_BYTES // (8 * size)))


def _row_blocks(size: int) -> list[slice]:
    step = _block_rows(size)
    return [slice(start, min(start + step, size)) for start in range(0, size, step)]


def _subset_level_floats(n: int) -> int:
    """Floats per start state of the widest two adjacent levels of the permutation programme."""
    return max(comb(n, k) * 2**k + comb(n, k + 1) * 2 ** (k + 1) for k in range(n))


def _permutation_rows(n: int) -> int:
    """Start states handled at once by the permutation programme (its working set ≤ ``_WORK_BYTES``)."""
    per_row = 8 * (_subset_level_floats(n) + 4 * 2**n)
    return max(1, min(2**n, _WORK_BYTES // per_row))


def equilibration_sweeps(matrix, stationary, replicas: int, *, bias: float = 0.01, max_sweeps: int = 100_000) -> int:
    """Fewest sweeps after which independent chains from uniformly random starts pass for the stationary law.

    The exact law after t sweeps of a uniform start is ``p_t = u Pᵗ``; the
    chi-square statistic of ``replicas`` independent final states then
    exceeds its stationary expectation by ``R Σ (p_t − π)² / π``. This is the
    first t where that excess falls below ``bias``, so a test of the chains
    against π keeps its size. The chains are independent: only
    convergence matters, not the autocorrelation time (a uniform start
    never excites a mode odd under s → −s).

    Parameters
    ----------
    matrix : array_like
        Row-stochastic sweep matrix (:func:`sweep_matrix`).
    stationary : array_like
        Its stationary law π (e.g. :func:`boltzmann`), positive.
    replicas : int
        Number of independent chains R.
    bias : float
        Largest accepted excess of the expected chi-square.
    max_sweeps : int
        Give up (``ValueError``) beyond this many sweeps.

    Returns
    -------
    int
        Sweeps t ≥ 1.

    Examples
    --------
    A single spin in a field h = 1 at T = 1 under Glauber: one sweep draws
    from the heat bath, so one sweep suffices whatever the start.

    >>> import isinghop as ih
    >>> model = ih.dense_model([[0.0]], h=[1.0])
    >>> ih.exact.equilibration_sweeps(ih.sweep_matrix(model, T=1.0, rule="glauber"), ih.boltzmann(model, T=1.0), 10**6)
    1
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    pi = np.asarray(stationary, dtype=np.float64)
    replicas = positive_int(replicas, "replicas")
    if matrix.ndim != 2 or matrix.shape != (len(pi), len(pi)) or np.any(pi <= 0):
        raise ValueError(f"matrix, stationary: expected a square matrix of the law's size and a positive law, got "
                         f"shapes {matrix.shape} and {pi.shape}")
    p = np.full(len(pi), 1.0 / len(pi))
    for sweeps in range(1, max_sweeps + 1):
        p = p @ matrix
        if replicas * np.sum((p - pi) ** 2 / pi) < bias:
            return sweeps
    raise ValueError(f"max_sweeps: the chains are not equilibrated after {max_sweeps} sweeps")


def sweep_matrix_bytes(n_sites: int, schedule: Schedule = "permutation") -> int:
    """Estimated peak memory in bytes of :func:`sweep_matrix` for N sites and a schedule.

    The result is one ``(2^N, 2^N)`` float64 matrix, ``8·4^N`` bytes; the
    sequential, random and synchronous schedules work on it in place, by
    blocks of rows of at most ``_BLOCK_BYTES`` (random holds a block's
    product besides), and the permutation programme handles ``B`` start
    states at a time with ``8·B·max_k [C(N,k) 2^k + C(N,k+1) 2^(k+1)]`` bytes
    for two adjacent levels of visited-site subsets (:func:`sweep_matrix`).
    Per-state arrays (spins, flip probabilities and their temporaries) add
    ``_PER_STATE_BYTES · N · 2^N`` and numpy's buffers ``_FIXED_BYTES``. An
    upper bound: peaks measured with ``tracemalloc`` lie between 0.55 and 1
    times it for 7 ≤ N ≤ 12 (the fixed allowance dominates below N = 7).

    Returns
    -------
    int
        Estimated peak memory in bytes.
    """
    n = positive_int(n_sites, "n_sites")
    schedule = choice(schedule, "schedule", SCHEDULES)
    size = 2**n
    matrix = 8 * size * size
    per_state = _PER_STATE_BYTES * n * size + _FIXED_BYTES
    block = 8 * size * _block_rows(size)
    if schedule != "permutation":
        return matrix + {"sequential": 2, "synchronous": 3, "random": 4}[schedule] * block // 2 + per_state
    return matrix + 8 * _permutation_rows(n) * (_subset_level_floats(n) + 4 * size) + per_state


def sweep_matrix(model: IsingModel, *, T: float, rule: Rule = "metropolis", schedule: Schedule = "permutation",
                 order=None, tol: float | None = None, tie: TieRule | None = None) -> np.ndarray:
    """Exact transition matrix of one Monte Carlo sweep, ``P[a, b] = Prob(a → b)``.

    Parameters
    ----------
    model : IsingModel
        Symmetric couplings (asymmetric ones only with ``tie``, where the
        update needs no energy), at most ``MAX_MATRIX_SITES`` = 12 sites.
    T : float
        Temperature (0: the rule's zero-temperature limit).
    rule : {"metropolis", "glauber"}
    schedule : {"permutation", "sequential", "random", "synchronous"}
        ``sequential``: the product of single-site matrices in ``order``;
        ``random``: the N-th power of the one-attempt matrix (1/N) Σ_i P_i;
        ``permutation``: the average over all N! orders, by a dynamic
        programme over subsets of visited sites, ``F(S) = (1/|S|) Σ_{i∈S}
        F(S∖i) P_i``, run row by row (start state a) on the entries
        ``F(S)[a, a ⊕ x]``, x ⊆ S, the only ones that can be non-zero;
        ``synchronous`` (Glauber only): Little's dynamics, every site drawn
        from the heat bath of the same old state.
    order : array_like of int, optional
        Site order for ``sequential``.
    tol : float, optional
        Tie tolerance at T = 0.
    tie : {"keep", "up", "down", "flip", "random"}, optional
        At T = 0 only: the zero-temperature Hopfield update ``s_i ← sgn φ_i``
        (self-coupling included, as :func:`isinghop.dynamics.relax`) with this tie rule,
        instead of the T → 0 limit of ``rule`` (``rule`` is then unused);
        ``synchronous`` is then the deterministic (or, with ``random`` ties,
        coin-tossed) parallel update.

    Returns
    -------
    numpy.ndarray
        ``(2^N, 2^N)`` row-stochastic matrix in state-index order.

    Raises
    ------
    ValueError
        For N > ``MAX_MATRIX_SITES``, or when :func:`sweep_matrix_bytes`
        exceeds ``MAX_MATRIX_BYTES`` (1 GiB), before anything large is
        allocated. The result takes ``8·4^N`` bytes (N = 12: 128 MiB); the
        estimated peaks at N = 12 are 139 MiB (sequential), 143 MiB
        (synchronous), 147 MiB (random) and 258 MiB (permutation), so every
        schedule runs up to N = 12 = ``MAX_MATRIX_SITES``, which also bounds
        the time (the permutation average takes 2–3 minutes at N = 12).
        By memory alone the 1 GiB bound would allow N = 13 (0.52–0.63 GiB)
        for every schedule and refuse N ≥ 14 (2 GiB).
    """
    n = _check_model(model)
    if n > MAX_MATRIX_SITES:
        raise ValueError(f"model: exact sweep matrices are limited to N <= {MAX_MATRIX_SITES}, got N = {n}")
    T = _temperature(T)
    rule = choice(rule, "rule", RULES)
    schedule = choice(schedule, "schedule", SCHEDULES)
    if tie is not None:
        tie = choice(tie, "tie", TIE_RULES)
        if T != 0:
            raise ValueError(f"tie: the tie rule sets the zero-temperature update; got T = {T}")
    elif schedule == "synchronous" and rule != "glauber":
        raise ValueError("schedule: 'synchronous' is Little's dynamics, defined for rule='glauber' only")
    needed = sweep_matrix_bytes(n, schedule)
    if needed > MAX_MATRIX_BYTES:
        raise ValueError(
            f"model: the {schedule} sweep matrix of N = {n} sites needs about {needed / 2**20:.0f} MiB, "
            f"more than MAX_MATRIX_BYTES = {MAX_MATRIX_BYTES / 2**20:.0f} MiB"
        )
    tol_s = scaled_tolerance(model, tol)
    if order is not None and schedule != "sequential":
        raise ValueError(f"order: only used with schedule='sequential', not {schedule!r}")
    order = site_order(order, n) if schedule == "sequential" else None
    states = state_spins(np.arange(1 << n), n)
    if tie is not None:
        flips = _hopfield_flips(model, tie, states, tol_s)
    else:
        _require_symmetric(model, "energy change")
        flips = _flip_probabilities(model, T, rule, states, tol_s)
    flips = np.ascontiguousarray(flips.T)  # (site, state)
    if schedule == "permutation":
        return _permutation_average(flips, n)
    size = 1 << n
    matrix = np.zeros((size, size))
    keep = 1.0 - flips.mean(axis=0)  # random: the diagonal of the one-attempt matrix
    work = np.empty((2, _block_rows(size), size)) if schedule == "random" else None
    for rows in _row_blocks(size):
        block = matrix[rows]
        if schedule == "synchronous":
            block[...] = _little_rows(np.where(states[rows] > 0, 1.0 - flips[:, rows].T, flips[:, rows].T))
            continue
        block[np.arange(len(block)), np.arange(rows.start, rows.stop)] = 1.0
        for site in (order if schedule == "sequential" else ()):
            _times_site(block, flips[site], int(site))
        if schedule == "random":  # N attempts at uniformly drawn sites: block ← block · (1/N) Σ_i P_i, N times
            after, moved = work[0, : len(block)], work[1, : len(block)]
            for _ in range(n):
                np.multiply(block, keep, out=after)
                for site in range(n):
                    np.multiply(block, flips[site] / n, out=moved)
                    shape = (len(block), -1, 2, 1 << site)
                    after.reshape(shape)[...] += moved.reshape(shape)[:, :, ::-1, :]
                block[...] = after
    return matrix


def _little_rows(up: np.ndarray) -> np.ndarray:
    """Rows of Little's matrix, ``Π_i (up_i if b_i = +1 else 1 − up_i)``, from ``up[a, i] = P(s_i' = +1 | a)``."""
    product = np.ones((len(up), 1))
    for site in reversed(range(up.shape[1])):  # site 0 is the lowest bit of the column index
        pair = np.stack([1.0 - up[:, site], up[:, site]], axis=1)
        product = (product[:, :, None] * pair[:, None, :]).reshape(len(up), -1)
    return product


def _permutation_average(flips: np.ndarray, n: int) -> np.ndarray:
    """Average over all N! site orders of ``P_σ1 ··· P_σN`` (``flips`` is ``(site, state)``).

    For a block of start states a, level k holds, for each subset S of k
    visited sites, ``F(S)[a, a ⊕ x]`` with x ⊆ S as an array ``(a, 2^k)``
    indexed by the bits of x at the sites of S in increasing order; adding
    site i inserts its bit at its rank in S.
    """
    size = 1 << n
    matrix = np.empty((size, size))
    step = _permutation_rows(n)
    for start in range(0, size, step):
        rows = np.arange(start, min(start + step, size), dtype=np.int64)
        level = {0: (np.ones((len(rows), 1)), np.zeros(1, dtype=np.int64))}
        for k in range(n):
            following = {}
            while level:
                visited, (values, offsets) = level.popitem()
                targets = rows[:, None] ^ offsets[None, :]
                for site in range(n):
                    if visited >> site & 1:
                        continue
                    go = values * flips[site][targets]  # the attempt at site i flips it: x → x + 2^i
                    rank = bin(visited & ((1 << site) - 1)).count("1")
                    shape = (len(rows), -1, 1, 1 << rank)  # insert the bit of site i at its rank in S
                    grown = np.concatenate([(values - go).reshape(shape), go.reshape(shape)], axis=2)
                    key = visited | 1 << site
                    if key in following:
                        total = following[key][0]
                        total += grown.reshape(len(rows), -1)
                    else:
                        merged = np.concatenate([offsets.reshape(-1, 1, 1 << rank),
                                                 (offsets + (1 << site)).reshape(-1, 1, 1 << rank)], axis=1)
                        following[key] = (grown.reshape(len(rows), -1), merged.reshape(-1))
            for values, _ in following.values():
                values /= k + 1
            level = following
        values, offsets = level[size - 1]  # offsets == arange(size)
        matrix[rows[:, None], rows[:, None] ^ offsets[None, :]] = values
    return matrix


def stationary_distribution(matrix) -> tuple[np.ndarray, float]:
    """Stationary vector π (π P = π, Σ π = 1) of a row-stochastic matrix, and the
    exponential relaxation time ``τ_exp = −1 / ln|λ₂|`` in steps (inf if ``|λ₂| = 1``).

    ``matrix`` must be square and finite, with entries ≥ 0 and rows summing
    to 1, both within ``STOCHASTIC_ATOL`` = 10⁻⁹; else a ``ValueError``.

    Returns
    -------
    pi : numpy.ndarray
        float64 ``(state,)``, summing to 1.
    tau : float
        τ_exp in applications of ``matrix`` (sweeps, for :func:`sweep_matrix`).
    """
    matrix = _stochastic(matrix)
    values, vectors = np.linalg.eig(matrix.T)
    ordering = np.argsort(-np.abs(values))
    pi = np.real(vectors[:, ordering[0]])
    pi = pi / pi.sum()
    second = np.abs(values[ordering[1]]) if len(values) > 1 else 0.0
    tau = np.inf if second >= 1 else (0.0 if second == 0 else -1.0 / np.log(second))
    return pi, float(tau)


def _stochastic(matrix) -> np.ndarray:
    """``matrix`` as float64 if it is a square row-stochastic matrix (within ``STOCHASTIC_ATOL``)."""
    values = finite_array(matrix, "matrix").astype(np.float64)
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.size == 0:
        raise ValueError(f"matrix: expected a square (state, state) transition matrix, got shape {values.shape}")
    negative = values < -STOCHASTIC_ATOL
    if negative.any():
        raise ValueError(
            f"matrix: transition probabilities must be >= 0; bad entries {describe_entries(negative, values)}"
        )
    sums = values.sum(axis=1)
    off = np.abs(sums - 1.0) > STOCHASTIC_ATOL
    if off.any():
        raise ValueError(
            f"matrix: rows must sum to 1 within {STOCHASTIC_ATOL:g} (row-stochastic, P[a, b] = Prob(a -> b)); "
            f"row sums {describe_entries(off, sums)}"
        )
    return values


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
