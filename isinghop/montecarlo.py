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

from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from isinghop._validate import choice, finite_array, number, positive_int
from isinghop.model import IsingModel, check_model
from isinghop.rng import RngLike, replica_states
from isinghop.spins import spin_batch
from isinghop._kernels.arguments import prepare, record_names
from isinghop.vocabulary import (
    RECORDABLE,
    Backend,
    RULE_CODES,
    RULES,
    SCHEDULE_CODES,
    SINGLE_SITE_SCHEDULES,
    Recordable,
    Rule,
    Schedule,
)

__all__ = ["Chain", "Tempering", "FieldSweep", "sample", "tempering", "sweep_field", "linear_anneal", "geometric_anneal",
           "DEFAULT_RECORD", "MAX_TABLE", "MAX_TABLE_BYTES"]

#: What :func:`sample` records unless told otherwise.
DEFAULT_RECORD = ("energy_per_spin", "magnetisation")
#: Most entries each side of a probability table (Metropolis: ``ΔE·scale = 0..size``; Glauber: ``|φ·scale| ≤ size``).
MAX_TABLE = 1 << 14
#: Most bytes of all the probability tables of one run (one row per distinct temperature).
MAX_TABLE_BYTES = 1 << 24


@dataclass(frozen=True, eq=False)
class Chain:
    """Outcome of :func:`sample`; arrays are indexed by replica first (that axis is
    dropped when the start was one 1-D configuration).

    Attributes
    ----------
    spins : numpy.ndarray
        Final spins ``(replica, site)`` int8.
    energy_per_spin : numpy.ndarray or None
        Energy per spin ``H/N`` at each recorded sweep ``(replica, record)``; when recorded.
    magnetisation : numpy.ndarray or None
        ``m = (1/N) Σ_i s_i`` at each recorded sweep; when recorded.
    overlaps : numpy.ndarray or None
        ``(replica, record, pattern)`` overlaps ``m_μ = (1/N) Σ_i ξ_i^μ s_i``; when recorded.
    snapshots : numpy.ndarray or None
        ``(replica, record, site)`` spins; when recorded.
    recorded_sweeps : numpy.ndarray
        Sweep number (1-based, burn-in included) of each record.
    acceptance : numpy.ndarray
        Fraction of attempts that changed the spin, per replica.
    T : numpy.ndarray
        Temperature of each replica ``(replica,)``; NaN when annealed.
    anneal : numpy.ndarray or None
        The temperature of every sweep ``(sweep,)`` of an annealed run.
    rng_state : numpy.ndarray
        ``(replica, 4)`` uint64 generator state (never dropped).
    rule, schedule : str

    Notes
    -----
    Pass the chain itself as the ``spins`` of :func:`sample` (same model,
    ``rng=None``) to continue it bit for bit: it carries the running fields
    and energy. Restarting from ``spins`` and ``rng=rng_state`` alone
    recomputes them, which with float couplings can differ in the last bits
    (energies agree to about 1e-12 relative). For this a chain keeps a reference to
    its model and O(N) numbers per replica (or O(P) for pattern storage).
    """

    spins: np.ndarray
    energy_per_spin: np.ndarray | None
    magnetisation: np.ndarray | None
    overlaps: np.ndarray | None
    snapshots: np.ndarray | None
    recorded_sweeps: np.ndarray
    acceptance: np.ndarray
    T: np.ndarray
    anneal: np.ndarray | None
    rng_state: np.ndarray
    rule: str
    schedule: str
    _running: _RunningState = field(repr=False)


@dataclass(frozen=True, eq=False)
class _RunningState:
    """What a chain carries to continue exactly: its model, spins, storage state and energy numerators."""

    model: IsingModel
    spins: np.ndarray
    aux: np.ndarray
    energy_numerators: np.ndarray


def _anneal_endpoints(T_start, T_end, n_sweeps):
    n_sweeps = positive_int(n_sweeps, "n_sweeps")
    T_start = number(T_start, "T_start", low=0.0)
    T_end = number(T_end, "T_end", low=0.0)
    return T_start, T_end, n_sweeps


def linear_anneal(T_start: float, T_end: float, n_sweeps: int) -> np.ndarray:
    """Temperatures of ``n_sweeps`` sweeps falling linearly from ``T_start`` to ``T_end``.

    Returns
    -------
    numpy.ndarray
        float64 ``(n_sweeps,)``, for the ``anneal`` argument of :func:`sample`.

    Examples
    --------
    >>> import isinghop as ih
    >>> print(ih.linear_anneal(2.0, 0.5, 4))
    [2.  1.5 1.  0.5]
    """
    T_start, T_end, n_sweeps = _anneal_endpoints(T_start, T_end, n_sweeps)
    return np.linspace(T_start, T_end, n_sweeps)


def geometric_anneal(T_start: float, T_end: float, n_sweeps: int) -> np.ndarray:
    """Temperatures of ``n_sweeps`` sweeps falling geometrically (both ends > 0).

    Returns
    -------
    numpy.ndarray
        float64 ``(n_sweeps,)``, for the ``anneal`` argument of :func:`sample`.
    """
    T_start, T_end, n_sweeps = _anneal_endpoints(T_start, T_end, n_sweeps)
    if T_start == 0 or T_end == 0:
        raise ValueError("T_start, T_end: a geometric schedule needs temperatures > 0")
    return np.geomspace(T_start, T_end, n_sweeps)


def _temperature_values(values, name: str) -> np.ndarray:
    """``values`` as float64 temperatures, each finite and ≥ 0 (errors name ``name``)."""
    values = finite_array(values, name).astype(np.float64)
    if np.any(values < 0):
        raise ValueError(f"{name}: temperatures must be finite and >= 0, got {values[values < 0].flat[0]}")
    return values


def _temperatures(T, anneal, n_replica: int, n_sweeps: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-replica temperatures ``(replica,)`` (NaN when annealed) and the per-sweep ``anneal`` (empty when T is fixed)."""
    if T is None and anneal is None:
        raise ValueError("T: give the temperature T (a scalar or one per replica), or an anneal protocol with anneal=")
    if T is not None and anneal is not None:
        raise ValueError("T, anneal: give a temperature T (scalar or one per replica) or an anneal protocol, not both")
    if anneal is not None:
        values = _temperature_values(anneal, "anneal")
        if values.shape != (n_sweeps,):
            raise ValueError(f"anneal: expected one temperature per sweep, shape ({n_sweeps},), got {values.shape}")
        return np.full(n_replica, np.nan), values
    values = _temperature_values(T, "T")
    if values.ndim == 0:
        values = np.full(n_replica, float(values))
    if values.shape != (n_replica,):
        raise ValueError(f"T: expected a scalar or one temperature per replica, shape ({n_replica},), got {values.shape}")
    return values, np.zeros(0)


def _tables(model: IsingModel, rule: str, temperatures: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Probability tables for fixed temperatures: ``(tables, size, table row of each temperature)``.

    Tables exist when every pair-field numerator is an integer
    (``model.exact``: integer couplings and an integral ``scale · h``); they cover every numerator that can occur, up to
    ``MAX_TABLE``, with one row per distinct temperature, and take at most
    ``MAX_TABLE_BYTES`` in all. Otherwise size 0: the kernel computes each
    probability directly, with the same expression and the same results.
    """
    from isinghop._kernels.montecarlo import fill_tables

    couplings = model.couplings
    none = np.zeros((1, 1)), 0, np.zeros(len(temperatures), dtype=np.int64)
    if not model.exact or np.all(np.isnan(temperatures)):
        return none
    bound = int(model.field_scale)  # an integer for an exact model
    size = int(min(MAX_TABLE, 2 * bound if rule == "metropolis" else bound))
    distinct, rows = np.unique(temperatures, return_inverse=True)
    if len(distinct) * (2 * size + 1) * 8 > MAX_TABLE_BYTES:
        return none
    return fill_tables(distinct, size, RULE_CODES[rule], float(couplings.scale)), size, rows.astype(np.int64)


def _runner(model: IsingModel, rule: str, schedule_code: int, order, tol_scaled: float, burn_in: int,
            record_every: int, recorded, anneal, T_values, backend):
    """The kernel call of one validated chain set-up, shared by :func:`sample` and :func:`tempering`.

    Returns ``(run, rows)``: ``run(first_sweep, n_sweeps, first_record,
    fresh, running, states, T_replica, table_row, records, accepted)`` runs
    sweeps ``first_sweep..`` of every replica in place; ``rows`` is the table
    row of each temperature of ``T_values``.
    """
    from isinghop._kernels.specs import kernel_spec

    couplings = model.couplings
    spec = kernel_spec(couplings)
    tables, size, rows = _tables(model, rule, T_values)
    hs, raw_diagonal = model.scaled_h, couplings.raw_diagonal().astype(np.float64)
    shared = (spec.data, hs, raw_diagonal, float(couplings.scale), tol_scaled, RULE_CODES[rule], schedule_code, order,
              burn_in, record_every, recorded, tables, size, anneal)
    plain = not (np.any(hs) or np.any(raw_diagonal))
    execute = backend.sample_runner(spec.init, spec.field, spec.flip, plain)

    def run(first_sweep, n_sweeps, first_record, fresh, running, states, T_replica, table_row, records, accepted):
        execute((*shared, first_sweep, n_sweeps, first_record, fresh),
                (running.spins, running.aux, running.energy_numerators, states, T_replica, table_row, *records,
                 accepted))

    return run, rows


def _fresh_state(model: IsingModel, batch: np.ndarray) -> _RunningState:
    """The running state of chains about to start from ``batch`` (filled by the kernel's first call)."""
    from isinghop._kernels.specs import kernel_spec

    spec = kernel_spec(model.couplings)
    return _RunningState(model, batch, np.zeros((len(batch), spec.aux_size), dtype=spec.aux_dtype),
                         np.zeros(len(batch)))


def _continued(previous, model: IsingModel, rng, kind: str) -> _RunningState:
    """The running state carried by a :class:`Chain` or :class:`Tempering`, checked against ``model`` and ``rng``."""
    running = previous._running
    if running.model is not model:
        raise ValueError(f"spins: a {kind} continues only on the model it was sampled from")
    if rng is not None:
        raise ValueError(f"rng: a {kind} continues its own random streams; pass rng=None")
    return _RunningState(model, running.spins, running.aux.copy(), running.energy_numerators.copy())


def sample(model: IsingModel, spins, *, T=None, rule: Rule = "metropolis", schedule: Schedule = "permutation",
           sweeps: int, burn_in: int = 0, record_every: int = 1, order=None, anneal=None, tol: float | None = None,
           patterns=None, record: Recordable | tuple = DEFAULT_RECORD, progress: bool | None = None,
           backend: Backend = "cpu", rng: RngLike = None) -> Chain:
    """Sample the Boltzmann distribution of ``model`` with single-spin Monte Carlo.

    Parameters
    ----------
    model : IsingModel
        Symmetric couplings J and field h (θ = −h).
    spins : array_like or Chain
        Start, ±1, ``(site,)`` or ``(replica, site)``, never modified; or a
        :class:`Chain` of this model to continue exactly (then ``rng=None``).
    T : float or array_like, optional
        Temperature (k_B = 1), a scalar or one per replica; 0 is the
        zero-temperature limit of the rule.
    rule : {"metropolis", "glauber"}
    schedule : {"permutation", "sequential", "random", "synchronous"}
        ``synchronous`` only with Glauber (Little dynamics; not Boltzmann).
    sweeps : int
        Sweeps after the burn-in.
    burn_in : int
        Sweeps (≥ 0) run before the first record.
    record_every : int
        Record every this many sweeps.
    order : array_like of int, optional
        Site order for ``sequential``.
    anneal : array_like, optional
        Instead of T: one temperature per sweep (``burn_in + sweeps`` values,
        e.g. from :func:`linear_anneal`), the same for every replica.
    tol : float, optional
        At T = 0, ``|φ'_i| ≤ tol`` is a tie (default :func:`~isinghop.vocabulary.tie_tolerance`: 0 for an exact model).
    patterns : array_like, optional
        Patterns ``(pattern, site)`` for the recorded overlaps (default the model's own).
    record : str or tuple of {"energy_per_spin", "magnetisation", "overlaps", "snapshots"}
        Observables recorded; default energy per spin and magnetisation.
    progress : bool, optional
        Progress bar over sweeps (default: only on a terminal); the chain is
        the same with or without it.
    backend : {"cpu", "cuda"}
        Where the kernel runs (see :mod:`isinghop.vocabulary`); with integer
        couplings at a fixed T the chain is the same on both.
    rng : int, SeedSequence, Generator, ndarray or None
        Random streams (one per replica), or a ``rng_state`` returned earlier.

    Returns
    -------
    Chain
        Records and final state; for a 1-D start every per-replica array
        drops its replica axis (``rng_state`` keeps it).

    Examples
    --------
    Metropolis at T = 0.5 from a stored pattern (α = 0.01): the chain stays in
    the retrieval state, whose overlap in the Curie–Weiss limit solves
    ``m = tanh(m/T)``, m = 0.957:

    >>> import isinghop as ih
    >>> xi = ih.random_patterns(2, 200, rng=1)
    >>> chain = ih.sample(ih.hebbian(xi), xi[0], T=0.5, sweeps=2000, burn_in=100,
    ...                   record="overlaps", rng=2)
    >>> m, error = ih.stats.standard_error(chain.overlaps[:, 0])
    >>> abs(m - 0.957) < 4 * error + 0.02   # finite N = 200 shifts m by O(1/N)
    True
    """
    check_model(model)
    if not model.couplings.symmetric:
        raise ValueError("model: Monte Carlo samples exp(-H/T), which needs symmetric couplings")
    continued = None
    if isinstance(spins, Chain):
        continued = _continued(spins, model, rng, "Chain")
        spins, rng = continued.spins.reshape(spins.spins.shape), spins.rng_state
    rule = choice(rule, "rule", RULES)
    names = record_names(record, RECORDABLE)
    args = prepare(model, spins, schedule=schedule, order=order, tol=tol, patterns=patterns, record=names, rng=rng,
                   backend=backend)
    if args.schedule == SCHEDULE_CODES["synchronous"] and rule != "glauber":
        raise ValueError("schedule: 'synchronous' is Little's dynamics, defined for rule='glauber' only")
    sweeps = positive_int(sweeps, "sweeps")
    burn_in = positive_int(burn_in, "burn_in", minimum=0)
    record_every = positive_int(record_every, "record_every")
    n_replica, n_sites = args.batch.shape
    total = burn_in + sweeps
    T_replica, anneal_values = _temperatures(T, anneal, n_replica, total)
    run, table_row = _runner(model, rule, args.schedule, args.order, args.tol_scaled, burn_in, record_every,
                             args.recorded, anneal_values, T_replica, args.backend)
    running = _fresh_state(model, args.batch) if continued is None else _RunningState(
        model, args.batch, continued.aux, continued.energy_numerators)
    n_records = sweeps // record_every

    def trace(name, *shape, dtype=np.float64):
        return np.zeros((n_replica, n_records if name in names else 0, *shape), dtype=dtype)

    records = (trace("energy_per_spin"), trace("magnetisation"),
               trace("overlaps", args.recorded.shape[1]), trace("snapshots", n_sites, dtype=np.int8))
    accepted = np.zeros(n_replica, dtype=np.int64)
    bar = tqdm(total=total, desc="sweeps", unit="sweep", disable=(not progress) if progress is not None else None,
               leave=False)
    segment = total if bar.disable else max(1, total // 100)  # a visible bar advances in segments; same numbers
    if args.backend.sweeps_per_launch is not None:
        segment = min(segment, args.backend.sweeps_per_launch)
    with bar:
        for first in range(0, total, segment):
            last = min(first + segment, total)
            first_record = max(0, first - burn_in) // record_every
            run(first, last - first, first_record, continued is None and first == 0, running, args.states, T_replica,
                table_row, records, accepted)
            bar.update(last - first)

    def shaped(array):
        return array[0] if args.single else array

    def recorded(name, array):
        return shaped(array) if name in names else None

    return Chain(
        spins=shaped(running.spins.copy()),
        energy_per_spin=recorded("energy_per_spin", records[0]),
        magnetisation=recorded("magnetisation", records[1]),
        overlaps=recorded("overlaps", records[2]),
        snapshots=recorded("snapshots", records[3]),
        recorded_sweeps=burn_in + record_every * np.arange(1, n_records + 1),
        acceptance=shaped(accepted / (n_sites * total)),
        T=shaped(T_replica),
        anneal=anneal_values if anneal is not None else None,
        rng_state=args.states,
        rule=rule,
        schedule=schedule,
        _running=running,
    )


@dataclass(frozen=True, eq=False)
class Tempering:
    """Outcome of :func:`tempering`; arrays are indexed by ladder temperature first.

    Attributes
    ----------
    T : numpy.ndarray
        The ladder, ascending.
    spins : numpy.ndarray
        Final configuration at each temperature ``(temperature, site)``.
    energy_per_spin, magnetisation : numpy.ndarray or None
        ``(temperature, record)`` energy per spin H/N and magnetisation of the
        configuration at that temperature, recorded after every exchange
        round past the burn-in; when recorded.
    overlaps : numpy.ndarray or None
        ``(temperature, record, pattern)`` overlaps ``m_μ = (1/N) Σ_i ξ_i^μ s_i``; when recorded.
    snapshots : numpy.ndarray or None
        ``(temperature, record, site)`` spins; when recorded.
    recorded_sweeps : numpy.ndarray
        Sweep number (1-based, burn-in included) of each record: the ends of the exchange rounds.
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
        each temperature, and the exchange stream last.

    Notes
    -----
    Pass the result itself as the ``spins`` of :func:`tempering` (same model,
    ``rng=None``) to continue bit for bit: it carries the running fields and
    energies (round-trip bookkeeping restarts). Restarting from ``spins`` and
    ``rng=rng_state`` recomputes them (float couplings: equal to about 1e-12).
    """

    T: np.ndarray
    spins: np.ndarray
    energy_per_spin: np.ndarray | None
    magnetisation: np.ndarray | None
    overlaps: np.ndarray | None
    snapshots: np.ndarray | None
    recorded_sweeps: np.ndarray
    exchange_acceptance: np.ndarray
    round_trips: np.ndarray
    temperature_index: np.ndarray
    rng_state: np.ndarray
    _running: _RunningState = field(repr=False)


def _ladder(T) -> np.ndarray:
    ladder = _temperature_values(T, "T")
    if ladder.ndim != 1 or len(ladder) < 2 or np.any(ladder <= 0) or np.any(np.diff(ladder) <= 0):
        raise ValueError(f"T: expected a ladder of at least two ascending temperatures > 0, got {T!r}")
    return ladder


def tempering(model: IsingModel, spins, *, T, rule: Rule = "metropolis", schedule: Schedule = "permutation",
              sweeps: int, exchange_every: int = 10, burn_in: int = 0, order=None, patterns=None, record: Recordable | tuple = DEFAULT_RECORD, progress: bool | None = None,
              backend: Backend = "cpu", rng: RngLike = None) -> Tempering:
    """Parallel tempering (replica exchange) over a temperature ladder.

    One configuration per temperature runs ``exchange_every`` sweeps of the
    :func:`sample` kernel (its running fields and energy carried from round
    to round); then each neighbouring pair of temperatures k, k+1, in ladder
    order, swaps configurations with probability
    ``min(1, exp((β_k − β_{k+1})(E_k − E_{k+1})))``, which keeps the joint
    Boltzmann distribution stationary. Needed to equilibrate below the
    spin-glass line, where single chains freeze.

    Parameters
    ----------
    model : IsingModel
    spins : array_like or Tempering
        Start, ``(site,)`` (copied to every temperature) or ``(temperature,
        site)``; or a :class:`Tempering` of this model to continue exactly
        (then ``rng=None``).
    T : array_like
        The ladder: at least two distinct temperatures > 0, ascending.
    rule, schedule : str
        As in :func:`sample` (single-site schedules).
    sweeps : int
        Sweeps after the burn-in; a multiple of ``exchange_every``.
    exchange_every : int
        Sweeps between exchange rounds.
    burn_in : int
        Sweeps (with exchanges) before recording, ≥ 0; a multiple of ``exchange_every``.
    order, patterns :
        As in :func:`sample`. (No ``tol``: every rung is at T > 0, where a
        zero field is no tie.)
    record : str or tuple of str
        What to record after every exchange round past the burn-in, as in :func:`sample`.
    progress : bool, optional
        Progress bar over sweeps (default: only on a terminal).
    backend : {"cpu", "cuda"}
        Where the sweeps between exchanges run, as in :func:`sample`.
    rng : int, SeedSequence, Generator, ndarray or None
        Streams, or the ``rng_state`` of an earlier run.

    Returns
    -------
    Tempering
        Records per ladder temperature (the temperature axis is always kept).
    """
    from isinghop._kernels.random import uniforms

    check_model(model)
    if not model.couplings.symmetric:
        raise ValueError("model: Monte Carlo samples exp(-H/T), which needs symmetric couplings")
    ladder = _ladder(T)
    continued = None
    if isinstance(spins, Tempering):
        continued = _continued(spins, model, rng, "Tempering")
        spins, rng = continued.spins, spins.rng_state
    rule = choice(rule, "rule", RULES)
    names = record_names(record, RECORDABLE)
    exchange_every = positive_int(exchange_every, "exchange_every")
    sweeps = positive_int(sweeps, "sweeps")
    burn_in = positive_int(burn_in, "burn_in", minimum=0)
    for name, value in (("sweeps", sweeps), ("burn_in", burn_in)):
        if value % exchange_every:
            raise ValueError(f"{name}: must be a multiple of exchange_every = {exchange_every}, got {value}")
    n_temps, n_sites = len(ladder), model.n_sites
    batch = np.asarray(spins)
    if batch.ndim == 1:
        batch = np.broadcast_to(batch, (n_temps, len(batch)))
    if batch.ndim == 2 and len(batch) != n_temps:
        raise ValueError(f"spins: expected one configuration per temperature ({n_temps}), got {len(batch)}")
    states = replica_states(rng, n_temps + 1)
    args = prepare(model, batch, schedule=schedule, order=order, tol=None, patterns=patterns, record=names,
                   rng=states[:-1], allowed_schedules=SINGLE_SITE_SCHEDULES, backend=backend)
    exchange_state = states[-1]
    running = _fresh_state(model, args.batch) if continued is None else _RunningState(
        model, args.batch, continued.aux, continued.energy_numerators)
    run, rung_rows = _runner(model, rule, args.schedule, args.order, args.tol_scaled, 0, exchange_every,
                             args.recorded, np.zeros(0), ladder, args.backend)
    no_records = (np.zeros((n_temps, 0)), np.zeros((n_temps, 0)), np.zeros((n_temps, 0, 0)),
                  np.zeros((n_temps, 0, n_sites), dtype=np.int8))
    moves = np.zeros(n_temps, dtype=np.int64)
    position = np.arange(n_temps)  # ladder index of each configuration
    betas = 1.0 / ladder
    tried = np.zeros(n_temps - 1)
    accepted = np.zeros(n_temps - 1)
    last_end = np.full(n_temps, -1)  # 0: last extreme visited was the lowest T, 1: the highest
    trips = np.zeros(n_temps, dtype=np.int64)
    records = {name: [] for name in names}
    n_rounds = (burn_in + sweeps) // exchange_every
    bar = tqdm(total=burn_in + sweeps, desc="sweeps", unit="sweep", leave=False,
               disable=(not progress) if progress is not None else None)
    for round_number in range(n_rounds):
        run(round_number * exchange_every, exchange_every, 0, continued is None and round_number == 0, running,
            args.states, ladder[position], rung_rows[position], no_records, moves)
        at = np.argsort(position)  # configuration at each ladder temperature
        energy_now = running.energy_numerators / model.couplings.scale
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
        bar.update(exchange_every)
        if (round_number + 1) * exchange_every > burn_in:
            configurations = running.spins[at]  # a fancy-indexed copy: the snapshot itself
            now = {"energy_per_spin": energy_now[at] / n_sites, "snapshots": configurations,
                   "magnetisation": configurations.sum(axis=1) / n_sites,
                   "overlaps": configurations.astype(np.int64) @ args.recorded / n_sites}
            for name in names:
                records[name].append(now[name])
    bar.close()
    by_temperature = np.argsort(position)
    by_rung = _RunningState(model, running.spins[by_temperature], running.aux[by_temperature],
                            running.energy_numerators[by_temperature])

    def recorded(name):
        return np.stack(records[name], axis=1) if name in names else None

    return Tempering(
        T=ladder,
        spins=by_rung.spins.copy(),
        energy_per_spin=recorded("energy_per_spin"),
        magnetisation=recorded("magnetisation"),
        overlaps=recorded("overlaps"),
        snapshots=recorded("snapshots"),
        recorded_sweeps=np.arange(burn_in + exchange_every, burn_in + sweeps + 1, exchange_every),
        exchange_acceptance=accepted / np.maximum(tried, 1),
        round_trips=trips,
        temperature_index=position,
        rng_state=np.vstack([args.states[by_temperature], exchange_state[None]]),
        _running=by_rung,
    )


@dataclass(frozen=True)
class FieldSweep:
    """Outcome of :func:`sweep_field`: the order parameter along a staircase of fields.

    Attributes
    ----------
    fields : numpy.ndarray
        The field amplitude of each step ``(step,)`` (energy units).
    order_parameter : numpy.ndarray
        ``(replica, step)``: the order parameter conjugate to the field (magnetisation,
        or the overlap with ``along``) averaged over the step's recorded sweeps.
    spins : numpy.ndarray
        Final spins ``(replica, site)``.
    rng_state : numpy.ndarray
        ``(replica, 4)``: continue with ``rng=rng_state`` (e.g. the way back).
    rate : float
        Field change per sweep, ``|Δfield| / (burn_in + sweeps_per_field)``.
    """

    fields: np.ndarray
    order_parameter: np.ndarray
    spins: np.ndarray
    rng_state: np.ndarray
    rate: float

    def coercive_fields(self) -> np.ndarray:
        """Per replica, the field where the order parameter first changes sign from its starting sign.

        Linear interpolation between the two steps around the sign change; the
        coercive field of a hysteresis branch.

        Returns
        -------
        numpy.ndarray or float
            ``(replica,)`` (a float for a 1-D start); NaN where the sign never changes.
        """
        series_by_replica = np.atleast_2d(self.order_parameter)
        result = np.full(len(series_by_replica), np.nan)
        for r, series in enumerate(series_by_replica):
            nonzero = np.flatnonzero(series)
            if len(nonzero) == 0:
                continue
            flipped = np.flatnonzero(series * series[nonzero[0]] < 0)  # the starting sign is the first nonzero one
            if len(flipped) == 0:
                continue
            k = int(flipped[0])
            m0, m1 = series[k - 1], series[k]
            h0, h1 = self.fields[k - 1], self.fields[k]
            result[r] = h0 + (h1 - h0) * m0 / (m0 - m1)
        return result[0] if np.ndim(self.order_parameter) == 1 else result


def sweep_field(model: IsingModel, spins, *, T: float, fields, sweeps_per_field: int = 1, burn_in: int = 0,
                along=None, rule: Rule = "metropolis", schedule: Schedule = "permutation", order=None,
                tol: float | None = None, backend: Backend = "cpu", progress: bool | None = None,
                rng: RngLike = None) -> FieldSweep:
    """Monte Carlo at temperature T while the field steps through ``fields`` (a hysteresis branch).

    At step k the field ``fields[k] · along`` is added to the model's own
    field h and held for ``burn_in + sweeps_per_field`` sweeps, of which the
    last ``sweeps_per_field`` are averaged; the chain carries its spins and
    random streams from step to step. The sweep rate
    ``|Δfield| / (burn_in + sweeps_per_field)`` sets how far the system lags
    behind equilibrium: a fast sweep holds a metastable branch out to the
    spinodal, a slow one lets it nucleate the stable branch earlier.

    Parameters
    ----------
    model : IsingModel
    spins : array_like or FieldSweep
        Start ``(replica, site)`` or ``(site,)``; or a :class:`FieldSweep` to
        continue from its spins and random streams (then ``rng=None``), e.g.
        the way back.
    T : float
        Temperature ≥ 0 (k_B = 1; T = 0 is the explicit limit, as in :func:`sample`).
    fields : array_like
        Field amplitudes (energy units), one per step, evenly spaced.
    sweeps_per_field : int
        Sweeps averaged at each field.
    burn_in : int
        Sweeps at each field before those averaged, ≥ 0.
    along : array_like, optional
        A ±1 pattern ξ: the added field is ``fields[k] · ξ`` and the order
        parameter the overlap with ξ; default uniform (the magnetisation).
    rule, schedule, order, tol, backend :
        As in :func:`sample`.
    progress : bool, optional
        Progress bar over steps (default: only on a terminal).
    rng : int, SeedSequence, Generator, ndarray or None

    Returns
    -------
    FieldSweep
    """
    check_model(model)
    if isinstance(spins, FieldSweep):
        if rng is not None:
            raise ValueError("rng: a FieldSweep continues its own random streams; pass rng=None")
        spins, rng = spins.spins, spins.rng_state
    T = number(T, "T", low=0.0)
    burn_in = positive_int(burn_in, "burn_in", minimum=0)
    values = finite_array(fields, "fields").astype(np.float64)
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"fields: expected at least two field values in a 1-D array, got shape {values.shape}")
    steps = np.diff(values)
    if not np.allclose(steps, steps[0], rtol=1e-9, atol=0.0) or steps[0] == 0:
        raise ValueError("fields: expected evenly spaced, distinct field values (a staircase of one step size)")
    sweeps_per_field = positive_int(sweeps_per_field, "sweeps_per_field")
    n = model.n_sites
    if along is None:
        direction = np.ones(n, dtype=np.int8)
    else:
        rows, _ = spin_batch(along, "along", n)
        if len(rows) != 1:
            raise ValueError(f"along: expected one ±1 pattern of {n} sites, got {len(rows)} rows")
        direction = rows[0]
    state, single = spin_batch(spins, "spins", n)
    order_parameter = np.empty((len(state), len(values)))
    for k, amplitude in enumerate(tqdm(values, desc="field sweep", unit="step", leave=False,
                                       disable=(not progress) if progress is not None else None)):
        chain = sample(model.with_field(h=model.h + amplitude * direction), state, T=T, rule=rule,
                       schedule=schedule, order=order, sweeps=sweeps_per_field, burn_in=burn_in, tol=tol,
                       record="overlaps",
                       patterns=direction[None], backend=backend, rng=rng)
        order_parameter[:, k] = chain.overlaps[:, :, 0].mean(axis=1)
        state, rng = chain.spins, chain.rng_state
    return FieldSweep(fields=values, order_parameter=order_parameter[0] if single else order_parameter,
                      spins=state[0] if single else state, rng_state=rng,
                      rate=float(abs(steps[0]) / (burn_in + sweeps_per_field)))


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
