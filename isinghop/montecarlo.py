"""Monte Carlo sampling of the Boltzmann distribution ``exp(−H/T)/Z`` (k_B = 1).

Rules, for a proposed flip of spin i with ``ΔE_i = 2 s_i (φ_i − J_ii s_i)``:

* ``metropolis`` — accept with ``min(1, exp(−ΔE/T))``;
* ``glauber`` (heat bath) — set ``s_i = +1`` with probability
  ``1 / (1 + exp(−2 φ'_i / T))``, where ``φ'_i = φ_i − J_ii s_i`` excludes the
  self-coupling.

Both satisfy detailed balance for H with the single-site schedules
``sequential``, ``permutation`` and ``random`` (a sweep is N attempts).
``synchronous`` is allowed for Glauber only: it is Little's parallel
dynamics, whose stationary law is *not* the Boltzmann distribution of H.

T = 0 is the explicit limit of each rule: Metropolis then flips exactly when
ΔE < 0 or ΔE = 0 (zero-temperature tie rule ``flip``), Glauber sets
``sign(φ'_i)`` and tosses a fair coin when φ'_i = 0 (tie rule ``random``).
With a zero diagonal, a T = 0 chain equals :func:`isinghop.dynamics.relax`
with that tie rule for the same random streams.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from isinghop._validate import choice, positive_int, site_order
from isinghop.dynamics import SCHEDULES
from isinghop.model import IsingModel, overlap_patterns, tie_tolerance
from isinghop.rng import RngLike, replica_states
from isinghop.spins import spin_batch

__all__ = ["RULES", "Chain", "Tempering", "sample", "tempering", "linear_anneal", "geometric_anneal"]

RULES = ("metropolis", "glauber")


@dataclass(frozen=True, eq=False)
class Chain:
    """Outcome of :func:`sample`; arrays are indexed by replica first.

    Attributes
    ----------
    spins : numpy.ndarray
        Final spins ``(replica, site)`` int8.
    energy : numpy.ndarray
        Energy per spin ``H/N`` at each recorded sweep ``(replica, record)``.
    magnetisation : numpy.ndarray
        ``m = (1/N) Σ_i s_i`` at each recorded sweep.
    overlaps : numpy.ndarray or None
        ``(replica, record, pattern)`` overlaps ``m_μ = (1/N) Σ_i ξ_i^μ s_i``.
    snapshots : numpy.ndarray or None
        ``(replica, record, site)`` spins, when asked for.
    recorded_sweeps : numpy.ndarray
        Sweep number (1-based, burn-in included) of each record.
    acceptance : numpy.ndarray
        Fraction of attempts that changed the spin, per replica.
    temperature : numpy.ndarray
        ``(replica, sweep)`` temperature of every sweep.
    rng_state : numpy.ndarray
        ``(replica, 4)`` uint64 generator state; pass it back as ``rng`` (with
        the final spins) to continue the chain exactly.
    rule, schedule : str
    """

    spins: np.ndarray
    energy: np.ndarray
    magnetisation: np.ndarray
    overlaps: np.ndarray | None
    snapshots: np.ndarray | None
    recorded_sweeps: np.ndarray
    acceptance: np.ndarray
    temperature: np.ndarray
    rng_state: np.ndarray
    rule: str
    schedule: str


def _anneal_endpoints(T_start, T_end, n_sweeps):
    n_sweeps = positive_int(n_sweeps, "n_sweeps")
    for name, value in (("T_start", T_start), ("T_end", T_end)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name}: expected a temperature, got {value!r}")
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(f"{name}: expected a finite temperature >= 0, got {value}")
    return float(T_start), float(T_end), n_sweeps


def linear_anneal(T_start: float, T_end: float, n_sweeps: int) -> np.ndarray:
    """Temperatures of ``n_sweeps`` sweeps falling linearly from ``T_start`` to ``T_end``."""
    T_start, T_end, n_sweeps = _anneal_endpoints(T_start, T_end, n_sweeps)
    return np.linspace(T_start, T_end, n_sweeps)


def geometric_anneal(T_start: float, T_end: float, n_sweeps: int) -> np.ndarray:
    """Temperatures of ``n_sweeps`` sweeps falling geometrically (both ends > 0)."""
    T_start, T_end, n_sweeps = _anneal_endpoints(T_start, T_end, n_sweeps)
    if T_start == 0 or T_end == 0:
        raise ValueError("T_start, T_end: a geometric schedule needs temperatures > 0")
    return np.geomspace(T_start, T_end, n_sweeps)


def _temperature_table(T, anneal, n_replica: int, n_sweeps: int) -> np.ndarray:
    """``(replica, sweep)`` temperatures from a scalar/per-replica ``T`` or a per-sweep ``anneal``."""
    if (T is None) == (anneal is None):
        raise ValueError("T, anneal: give a temperature T (scalar or one per replica) or an anneal protocol, not both")
    if anneal is not None:
        values = np.asarray(anneal, dtype=np.float64)
        if values.shape != (n_sweeps,):
            raise ValueError(f"anneal: expected one temperature per sweep, shape ({n_sweeps},), got {values.shape}")
        name, table = "anneal", np.broadcast_to(values, (n_replica, n_sweeps))
    else:
        values = np.asarray(T, dtype=np.float64)
        if values.ndim == 0:
            values = np.full(n_replica, float(values))
        if values.shape != (n_replica,):
            raise ValueError(f"T: expected a scalar or one temperature per replica, shape ({n_replica},), got {values.shape}")
        name, table = "T", np.broadcast_to(values[:, None], (n_replica, n_sweeps))
    bad = ~np.isfinite(table) | (table < 0)
    if bad.any():
        raise ValueError(f"{name}: temperatures must be finite and >= 0, got {table[bad][0]}")
    return np.ascontiguousarray(table)


#: Most entries each side of a probability table (Metropolis: ΔE·scale = 0..size; Glauber: |φ·scale| ≤ size).
MAX_TABLE = 1 << 14


def _table_size(couplings, hs: np.ndarray, rule: str, temperatures: np.ndarray) -> int:
    """Entries of the probability table: 0 (none) unless every numerator is an integer and T is fixed per replica.

    The table covers every numerator that can occur, up to ``MAX_TABLE``; an
    annealed run changes T each sweep and computes probabilities directly.
    """
    if not (couplings.exact and np.all(hs == np.round(hs))) or np.any(temperatures != temperatures[:, :1]):
        return 0
    bound = couplings.field_bound + int(np.abs(hs).max(initial=0))
    return int(min(MAX_TABLE, 2 * bound if rule == "metropolis" else bound))


def sample(model: IsingModel, spins, *, T=None, rule: str = "metropolis", schedule: str = "permutation",
           sweeps: int, burn_in: int = 0, record_every: int = 1, order=None, anneal=None, tol: float | None = None,
           patterns=None, overlaps: bool = False, snapshots: bool = False, progress: bool | None = None,
           rng: RngLike = None) -> Chain:
    """Sample the Boltzmann distribution of ``model`` with single-spin Monte Carlo.

    Parameters
    ----------
    model : IsingModel
        Symmetric couplings J and field h (θ = −h).
    spins : array_like
        Start, ±1, ``(site,)`` or ``(replica, site)``; never modified.
    T : float or array_like, optional
        Temperature (k_B = 1), a scalar or one per replica; 0 is the
        zero-temperature limit of the rule.
    rule : {"metropolis", "glauber"}
    schedule : {"permutation", "sequential", "random", "synchronous"}
        ``synchronous`` only with Glauber (Little dynamics; not Boltzmann).
    sweeps : int
        Sweeps after the burn-in.
    burn_in : int
        Sweeps run before the first record.
    record_every : int
        Record energy, magnetisation (and overlaps, snapshots) every this many sweeps.
    order : array_like of int, optional
        Site order for ``sequential``.
    anneal : array_like, optional
        Instead of T: one temperature per sweep (``burn_in + sweeps`` values,
        e.g. from :func:`linear_anneal`), the same for every replica.
    tol : float, optional
        At T = 0, ``|φ'_i| ≤ tol`` is a tie (default exact for integer couplings).
    patterns : array_like, optional
        Patterns for the recorded overlaps (default the model's own).
    overlaps, snapshots : bool
        Record overlaps with the patterns, and the spins themselves.
    progress : bool, optional
        Progress bar over sweeps (default: only on a terminal); the chain is
        the same with or without it.
    rng : int, SeedSequence, Generator, ndarray or None
        Random streams (one per replica), or a ``rng_state`` returned earlier.
    """
    from isinghop._kernels import montecarlo as kernel
    from isinghop._kernels.threads import over_replicas

    if not isinstance(model, IsingModel):
        raise TypeError(f"model: expected an IsingModel, got {type(model).__name__}")
    if not model.couplings.symmetric:
        raise ValueError("model: Monte Carlo samples exp(-H/T), which needs symmetric couplings")
    batch, single = spin_batch(spins, "spins", model.n_sites)
    rule = choice(rule, "rule", RULES)
    schedule = choice(schedule, "schedule", SCHEDULES)
    if schedule == "synchronous" and rule != "glauber":
        raise ValueError("schedule: 'synchronous' is Little's dynamics, defined for rule='glauber' only")
    if order is not None and schedule != "sequential":
        raise ValueError(f"order: only used with schedule='sequential', not {schedule!r}")
    sweeps = positive_int(sweeps, "sweeps")
    burn_in = 0 if burn_in == 0 else positive_int(burn_in, "burn_in")
    record_every = positive_int(record_every, "record_every")
    n_replica, n_sites = batch.shape
    temperatures = _temperature_table(T, anneal, n_replica, burn_in + sweeps)
    tol = tie_tolerance(model, tol)
    recorded = overlap_patterns(model, patterns, overlaps)
    states = replica_states(rng, n_replica)

    couplings = model.couplings
    spec = couplings.kernel_spec
    hs = couplings.scale * model.h
    table_size = _table_size(couplings, hs, rule, temperatures)
    n_records = sweeps // record_every
    final = batch.copy()
    aux = np.zeros((n_replica, spec.aux_size), dtype=spec.aux_dtype)
    energies = np.zeros((n_replica, n_records))
    magnetisations = np.zeros((n_replica, n_records))
    overlap_trace = np.zeros((n_replica, n_records, recorded.shape[1]))
    snapshot_trace = np.zeros((n_replica, n_records if snapshots else 0, n_sites), dtype=np.int8)
    accepted = np.zeros(n_replica, dtype=np.int64)
    run = kernel.sample_kernel(spec.init, spec.field, spec.flip)
    shared = (spec.data, hs, couplings.raw_diagonal().astype(np.float64), float(couplings.scale),
              tol * couplings.scale, RULES.index(rule), SCHEDULES.index(schedule), site_order(order, n_sites),
              burn_in, record_every, recorded, table_size)
    total = burn_in + sweeps
    bar = tqdm(total=total, desc="sweeps", unit="sweep", disable=(not progress) if progress is not None else None,
               leave=False)
    segment = total if bar.disable else max(1, total // 100)  # a visible bar advances in segments; same numbers
    with bar:
        for first in range(0, total, segment):
            last = min(first + segment, total)
            first_record = max(0, first - burn_in) // record_every
            over_replicas(run, (*shared, first, first_record),
                          (final, aux, states, np.ascontiguousarray(temperatures[:, first:last]), energies,
                           magnetisations, overlap_trace, snapshot_trace, accepted))
            bar.update(last - first)

    def shaped(array):
        return array[0] if single else array

    return Chain(
        spins=shaped(final),
        energy=shaped(energies),
        magnetisation=shaped(magnetisations),
        overlaps=shaped(overlap_trace) if overlaps else None,
        snapshots=shaped(snapshot_trace) if snapshots else None,
        recorded_sweeps=burn_in + record_every * np.arange(1, n_records + 1),
        acceptance=shaped(accepted / (n_sites * (burn_in + sweeps))),
        temperature=shaped(temperatures),
        rng_state=states,
        rule=rule,
        schedule=schedule,
    )


@dataclass(frozen=True, eq=False)
class Tempering:
    """Outcome of :func:`tempering`; arrays are indexed by ladder temperature first.

    Attributes
    ----------
    temperatures : numpy.ndarray
        The ladder, ascending.
    spins : numpy.ndarray
        Final configuration at each temperature ``(temperature, site)``.
    energy, magnetisation : numpy.ndarray
        ``(temperature, record)`` energy per spin and magnetisation of the
        configuration at that temperature, recorded after every exchange
        round past the burn-in.
    exchange_acceptance : numpy.ndarray
        Accepted fraction of the exchanges tried between temperatures k and k+1.
    round_trips : numpy.ndarray
        Per configuration: walks from the lowest temperature to the highest
        and back.
    temperature_index : numpy.ndarray
        Current ladder position of each configuration (``spins`` is already
        sorted by temperature).
    rng_state : numpy.ndarray
        ``(temperature + 1, 4)`` uint64: the stream of the configuration at
        each temperature, and the exchange stream last; pass it back with
        ``spins`` to continue exactly (round-trip bookkeeping restarts).
    """

    temperatures: np.ndarray
    spins: np.ndarray
    energy: np.ndarray
    magnetisation: np.ndarray
    exchange_acceptance: np.ndarray
    round_trips: np.ndarray
    temperature_index: np.ndarray
    rng_state: np.ndarray


def tempering(model: IsingModel, spins, *, temperatures, rule: str = "metropolis", schedule: str = "permutation",
              sweeps: int, exchange_every: int = 10, burn_in: int = 0, rng: RngLike = None) -> Tempering:
    """Parallel tempering (replica exchange) over a temperature ladder.

    One configuration per temperature runs ``exchange_every`` sweeps of
    :func:`sample`; then each neighbouring pair of temperatures k, k+1, in
    ladder order, swaps configurations with probability
    ``min(1, exp((β_k − β_{k+1})(E_k − E_{k+1})))``, which keeps the joint
    Boltzmann distribution stationary. Needed to equilibrate below the
    spin-glass line, where single chains freeze.

    Parameters
    ----------
    model : IsingModel
    spins : array_like
        Start, ``(site,)`` (copied to every temperature) or ``(temperature, site)``.
    temperatures : array_like
        At least two distinct temperatures > 0, ascending.
    rule, schedule : str
        As in :func:`sample` (single-site schedules).
    sweeps : int
        Sweeps after the burn-in; a multiple of ``exchange_every``.
    exchange_every : int
        Sweeps between exchange rounds.
    burn_in : int
        Sweeps (with exchanges) before recording; a multiple of ``exchange_every``.
    rng : int, SeedSequence, Generator, ndarray or None
        Streams, or the ``rng_state`` of an earlier run.
    """
    from isinghop._kernels.random import uniforms

    ladder = np.asarray(temperatures, dtype=np.float64)
    if ladder.ndim != 1 or len(ladder) < 2 or not np.all(np.isfinite(ladder)) or np.any(ladder <= 0) or np.any(
        np.diff(ladder) <= 0
    ):
        raise ValueError(f"temperatures: expected at least two ascending temperatures > 0, got {temperatures!r}")
    schedule = choice(schedule, "schedule", SCHEDULES[1:])
    exchange_every = positive_int(exchange_every, "exchange_every")
    sweeps = positive_int(sweeps, "sweeps")
    for name, value in (("sweeps", sweeps), ("burn_in", burn_in)):
        if value % exchange_every:
            raise ValueError(f"{name}: must be a multiple of exchange_every = {exchange_every}, got {value}")
    n_temps = len(ladder)
    if not isinstance(model, IsingModel):
        raise TypeError(f"model: expected an IsingModel, got {type(model).__name__}")
    batch, _ = spin_batch(spins, "spins", model.n_sites)
    if len(batch) == 1:
        batch = np.repeat(batch, n_temps, axis=0)
    if len(batch) != n_temps:
        raise ValueError(f"spins: expected one configuration per temperature ({n_temps}), got {len(batch)}")
    states = replica_states(rng, n_temps + 1)
    exchange_state = states[-1]
    position = np.arange(n_temps)  # ladder index of each configuration
    betas = 1.0 / ladder
    tried = np.zeros(n_temps - 1)
    accepted = np.zeros(n_temps - 1)
    last_end = np.full(n_temps, -1)  # 0: last extreme visited was the lowest T, 1: the highest
    trips = np.zeros(n_temps, dtype=np.int64)
    energies, magnetisations = [], []
    n_rounds = (burn_in + sweeps) // exchange_every
    for round_number in range(n_rounds):
        chain = sample(model, batch, T=ladder[position], rule=rule, schedule=schedule, sweeps=exchange_every,
                       record_every=exchange_every, rng=states[:-1])
        batch, states[:-1] = chain.spins, chain.rng_state
        at = np.argsort(position)  # configuration at each ladder temperature
        energy_now = chain.energy[:, -1] * model.n_sites
        for k in range(n_temps - 1):
            a, b = at[k], at[k + 1]
            tried[k] += 1
            log_ratio = (betas[k] - betas[k + 1]) * (energy_now[a] - energy_now[b])
            if log_ratio >= 0 or uniforms(exchange_state, 1)[0] < np.exp(log_ratio):
                position[a], position[b] = k + 1, k
                at[k], at[k + 1] = b, a
                accepted[k] += 1
        for configuration in range(n_temps):
            if position[configuration] == 0:
                trips[configuration] += last_end[configuration] == 1
                last_end[configuration] = 0
            elif position[configuration] == n_temps - 1 and last_end[configuration] == 0:
                last_end[configuration] = 1
        if (round_number + 1) * exchange_every > burn_in:
            energies.append(chain.energy[at, -1])
            magnetisations.append(chain.magnetisation[at, -1])
    order = np.argsort(position)
    return Tempering(
        temperatures=ladder,
        spins=batch[order],
        energy=np.array(energies).T,
        magnetisation=np.array(magnetisations).T,
        exchange_acceptance=accepted / np.maximum(tried, 1),
        round_trips=trips,
        temperature_index=position,
        rng_state=np.vstack([states[:-1][order], states[-1:]]),
    )
