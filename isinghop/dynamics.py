"""Zero-temperature Hopfield dynamics.

Each update sets ``s_i ← sign(φ_i)`` with ``φ_i = Σ_j J_ij s_j + h_i``
(self-coupling ``J_ii s_i`` included; θ = −h). A zero field, ``|φ_i| ≤ tol``,
is a tie, resolved by the tie rule:

* ``keep`` — the spin keeps its value (default);
* ``up`` — +1 (the ``≥ θ`` convention); ``down`` — −1;
* ``flip`` — the spin flips (the T → 0 limit of Metropolis);
* ``random`` — a fair coin (the T → 0 limit of Glauber).

Schedules (a sweep is N update attempts): ``synchronous`` (all sites at
once, Little's dynamics), ``sequential`` (a fixed order, 0..N−1 or
``order``), ``permutation`` (a fresh random order every sweep) and
``random`` (sites drawn with replacement).

With symmetric J and a zero diagonal every asynchronous update lowers the
energy or leaves it unchanged (a tie-rule flip may raise it by at most
``2·tol`` with float couplings); synchronous updates end in a fixed point or
a 2-cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from isinghop._validate import choice, finite_array, number, positive_int
from isinghop.model import IsingModel, check_model
from isinghop.rng import RngLike
from isinghop._kernels.arguments import prepare, record_names
from isinghop.vocabulary import (
    RECORDABLE,
    Backend,
    SCHEDULE_CODES,
    TIE_CODES,
    TIE_RULES,
    Schedule,
    TieRule,
)

__all__ = ["Relaxation", "relax", "RecallCurve", "recall_curve"]
#: Seed of the fixed random keys that hash states for cycle detection (not a random stream of the run).
_ZOBRIST_SEED = 0x15E6
#: Sweeps of room the per-sweep records start with; they double as replicas run longer.
_FIRST_CAPACITY = 64
#: Largest snapshot memory of one sweep (all replicas), and largest cue batch of recall_curve, in bytes.
_SNAPSHOT_BYTES = 2 * 10**9


@dataclass(frozen=True, eq=False)
class Relaxation:
    """Outcome of :func:`relax`; arrays are indexed by replica first (that axis is
    dropped when the start was one 1-D configuration).

    Attributes
    ----------
    spins : numpy.ndarray
        Final spins ``(replica, site)`` int8.
    sweeps : numpy.ndarray
        Sweeps performed per replica (a synchronous step counts as one).
    converged : numpy.ndarray
        True where the final state is a fixed point: every site is stable
        under the update and the tie rule (checked explicitly).
    settled : numpy.ndarray
        True where every site with a nonzero field is aligned with it; under
        ``flip`` and ``random`` the zero-field sites (``free``) keep changing,
        so such a replica is settled but not converged. Converged implies settled.
    free : numpy.ndarray
        ``(replica, site)`` bool: zero-field sites of a settled replica under
        ``flip`` or ``random`` (all False otherwise).
    cycle_length : numpy.ndarray
        Period in sweeps of a detected limit cycle (0: none). Detected for the
        deterministic schedules (``synchronous``, ``sequential``) with a
        deterministic tie rule.
    flips : numpy.ndarray
        Spin flips per replica.
    energy_per_spin : numpy.ndarray or None
        ``(replica, sweep)`` energy per spin H/N after each sweep (column 0:
        the start), NaN after a replica stopped; when recorded.
    magnetisation : numpy.ndarray or None
        ``(replica, sweep)`` magnetisation ``m = (1/N) Σ_i s_i``, likewise.
    overlaps : numpy.ndarray or None
        ``(replica, sweep, pattern)`` overlaps ``m_μ = (1/N) Σ_i ξ_i^μ s_i``; when recorded.
    snapshots : numpy.ndarray or None
        ``(replica, frame, site)`` int8 spins; when recorded. Frame 0 is the
        start; each sweep adds ``frames_per_sweep`` frames, taken after every
        ``snapshot_every``-th update attempt and after the sweep's last one
        (one per step for ``synchronous``). Frames after a replica stopped
        are 0 (no spin).
    snapshot_every : int
        Update attempts between snapshots within a sweep (N: one per sweep).
    recorded_sweeps : numpy.ndarray
        Sweep number of each per-sweep record (``energy_per_spin``,
        ``magnetisation``, ``overlaps``): 0 for the start (the cue), then
        every sweep. The records of :func:`isinghop.montecarlo.sample` are
        labelled the same way; a chain's start is not a sample, so its first
        record is a sweep ≥ 1.
    rng_state : numpy.ndarray
        Generator state per replica ``(replica, 4)`` uint64 (never dropped);
        pass it as ``rng`` to continue with the same random streams.
    schedule, tie : str
        The schedule and tie rule used.
    tol : float
        The tie tolerance on φ that was used.
    """

    spins: np.ndarray
    sweeps: np.ndarray
    converged: np.ndarray
    settled: np.ndarray
    free: np.ndarray
    cycle_length: np.ndarray
    flips: np.ndarray
    energy_per_spin: np.ndarray | None
    magnetisation: np.ndarray | None
    overlaps: np.ndarray | None
    snapshots: np.ndarray | None
    snapshot_every: int
    recorded_sweeps: np.ndarray
    rng_state: np.ndarray
    schedule: str
    tie: str
    tol: float

    @property
    def unfinished(self) -> np.ndarray:
        """Replicas that reached ``max_sweeps`` without settling or cycling."""
        return ~self.settled & (self.cycle_length == 0)

    @property
    def frames_per_sweep(self) -> int:
        """Snapshot frames per sweep: ``ceil(N / snapshot_every)`` (1 for ``synchronous``)."""
        n_sites = self.spins.shape[-1]
        return 1 if self.schedule == "synchronous" else -(-n_sites // self.snapshot_every)

    @property
    def snapshot_times(self) -> np.ndarray:
        """Time of each snapshot frame in sweeps: 0 for the start, then ``sweep − 1 + attempts/N``
        (fractional within a sweep; whole sweeps for ``synchronous``).

        Returns
        -------
        numpy.ndarray
            float64 ``(frame,)``, as many as ``snapshots`` holds (empty if none were recorded).
        """
        if self.snapshots is None:
            return np.empty(0)
        n_sites = self.spins.shape[-1]
        per_sweep = self.frames_per_sweep
        index = np.arange(1, self.snapshots.shape[-2])
        step = n_sites if per_sweep == 1 else self.snapshot_every
        attempts = np.minimum(((index - 1) % per_sweep + 1) * step, n_sites)
        return np.concatenate([[0.0], (index - 1) // per_sweep + attempts / n_sites])


@lru_cache(maxsize=4)
def _zobrist_keys(n_sites: int) -> np.ndarray:
    """Fixed random 64-bit keys per site: a state's hash is the XOR of the keys of its up spins."""
    return np.random.default_rng(_ZOBRIST_SEED).integers(0, 2**64, size=n_sites, dtype=np.uint64, endpoint=False)


def _grown(array: np.ndarray, columns: int, fill) -> np.ndarray:
    """``array`` with its axis 1 extended to ``columns`` (new entries ``fill``); unchanged if it records nothing."""
    if array.shape[1] == 0:
        return array
    grown = np.full((array.shape[0], columns, *array.shape[2:]), fill, dtype=array.dtype)
    grown[:, : array.shape[1]] = array
    return grown


def relax(model: IsingModel, spins, *, schedule: Schedule = "permutation", tie: TieRule = "keep",
          max_sweeps: int = 1000, order=None, tol: float | None = None, record=(), patterns=None,
          snapshot_every: int | None = None, backend: Backend = "cpu", rng: RngLike = None) -> Relaxation:
    """Run the zero-temperature Hopfield dynamics until every replica is stable.

    Parameters
    ----------
    model : IsingModel
        Couplings J and field h (threshold θ = −h); asymmetric J is allowed
        (energy recording is not).
    spins : array_like or Relaxation
        Start, ±1, ``(site,)`` or ``(replica, site)``; never modified. Or a
        :class:`Relaxation` to continue from its spins and random streams
        (then ``rng=None``), as :func:`~isinghop.montecarlo.sample` continues a chain.
    schedule : {"permutation", "sequential", "random", "synchronous"}
        Order of updates; see the module docstring.
    tie : {"keep", "up", "down", "flip", "random"}
        Rule for a zero field.
    max_sweeps : int
        Upper limit; replicas still moving then have ``settled`` False.
        Memory follows the sweeps actually run, not this limit.
    order : array_like of int, optional
        Site order for ``schedule="sequential"`` (a permutation of 0..N−1).
    tol : float, optional
        ``|φ_i| ≤ tol`` is a tie; default 0 for an exact model
        (``model.exact``), else relative to the field scale
        (:func:`~isinghop.vocabulary.tie_tolerance`).
    record : {"energy_per_spin", "magnetisation", "overlaps", "snapshots"} or a tuple of them
        Observables stored after every sweep; ``snapshots`` (the spins) also
        within a sweep, see ``snapshot_every``.
    patterns : array_like, optional
        Patterns ``(pattern, site)`` for the recorded overlaps; default the model's own.
    snapshot_every : int, optional
        Update attempts between recorded snapshots within a sweep of a
        single-site schedule (default N, one per sweep); needs
        ``record="snapshots"``. Memory: ``ceil(N / snapshot_every)`` frames of
        N bytes per sweep and replica.
    backend : {"cpu", "cuda"}
        Where the kernel runs (see :mod:`isinghop.vocabulary`); the result is
        the same on both.
    rng : int, SeedSequence, Generator, ndarray or None
        Random streams (one per replica), or a ``rng_state`` returned earlier.

    Returns
    -------
    Relaxation
        Per-replica outcome; for a 1-D ``spins`` every per-replica array
        drops its replica axis (``rng_state`` keeps it).

    Examples
    --------
    Recall of a stored pattern from a cue with 20 % of its sites flipped
    (α = 0.04, far below capacity), the overlaps recorded at the start and after every sweep:

    >>> import isinghop as ih
    >>> xi = ih.random_patterns(20, 500, rng=1)
    >>> cue = ih.flip_fraction(xi[0], 0.2, rng=2)
    >>> run = ih.relax(ih.hebbian(xi), cue, record="overlaps", rng=3)
    >>> print(run.converged, run.overlaps[:, 0])
    True [0.6 1. ]
    """
    from isinghop._kernels import relax as kernel
    from isinghop._kernels.specs import kernel_spec

    check_model(model)
    if isinstance(spins, Relaxation):
        if rng is not None:
            raise ValueError("rng: a Relaxation continues its own random streams; pass rng=None")
        spins, rng = spins.spins, spins.rng_state
    tie = choice(tie, "tie", TIE_RULES)
    max_sweeps = positive_int(max_sweeps, "max_sweeps")
    names = record_names(record, RECORDABLE)
    if "energy_per_spin" in names and not model.couplings.symmetric:
        raise ValueError("record: the energy is undefined for asymmetric couplings")
    args = prepare(model, spins, schedule=schedule, order=order, tol=tol, patterns=patterns, record=names, rng=rng,
                   backend=backend)
    if snapshot_every is None:
        snapshot_every = model.n_sites
    else:
        snapshot_every = positive_int(snapshot_every, "snapshot_every")
        if "snapshots" not in names:
            raise ValueError("snapshot_every: only used with record='snapshots'")
        if schedule == "synchronous":
            raise ValueError("snapshot_every: a synchronous step updates every site at once; "
                             "it records one snapshot per step")
        snapshot_every = min(snapshot_every, model.n_sites)  # at most one frame per sweep, plus the sweep's end
    frames = 1 if schedule == "synchronous" else -(-model.n_sites // snapshot_every)
    sweep_bytes = frames * model.n_sites * args.batch.shape[0] if "snapshots" in names else 0
    if sweep_bytes > _SNAPSHOT_BYTES:
        raise ValueError(f"snapshot_every: {snapshot_every} gives {frames} frames of {model.n_sites} sites per sweep "
                         f"for {args.batch.shape[0]} replicas, {sweep_bytes / 1e9:.1f} GB per sweep "
                         f"(limit {_SNAPSHOT_BYTES / 1e9:.0f} GB); take snapshots less often or fewer replicas")

    couplings = model.couplings
    spec = kernel_spec(couplings)
    final = args.batch
    n_replica, n_sites = final.shape
    aux = np.zeros((n_replica, spec.aux_size), dtype=spec.aux_dtype)
    deterministic = args.schedule in (SCHEDULE_CODES["synchronous"], SCHEDULE_CODES["sequential"]) and tie != "random"
    zobrist = _zobrist_keys(n_sites) if deterministic else np.zeros(n_sites, dtype=np.uint64)
    sweeps = np.zeros(n_replica, dtype=np.int64)
    status = np.zeros(n_replica, dtype=np.int8)
    cycle = np.zeros(n_replica, dtype=np.int64)
    flips = np.zeros(n_replica, dtype=np.int64)
    free = np.zeros((n_replica, n_sites), dtype=bool)
    limit = min(_FIRST_CAPACITY, max_sweeps)
    if sweep_bytes:  # snapshots start small and double as replicas run longer
        limit = max(1, min(limit, _SNAPSHOT_BYTES // (4 * sweep_bytes)))

    def columns(name):
        return limit + 1 if name in names else 0

    history = np.zeros((n_replica, limit + 1 if deterministic else 0), dtype=np.uint64)
    energies = np.full((n_replica, columns("energy_per_spin")), np.nan)
    magnetisations = np.full((n_replica, columns("magnetisation")), np.nan)
    overlaps = np.full((n_replica, columns("overlaps"), args.recorded.shape[1]), np.nan)
    snapshots = np.zeros((n_replica, limit * frames + 1 if "snapshots" in names else 0, n_sites), dtype=np.int8)
    run = args.backend.relax_runner(spec.init, spec.field, spec.flip)
    shared = (spec.data, model.scaled_h, couplings.raw_diagonal().astype(np.float64),
              float(couplings.scale), args.tol_scaled, args.schedule, TIE_CODES[tie], args.order)
    while True:
        run((*shared, limit, zobrist, deterministic, args.recorded, snapshot_every),
            (final, aux, args.states, sweeps, status, cycle, flips, history, energies, magnetisations, overlaps,
             snapshots, free))
        if limit == max_sweeps or not np.any(status == kernel.RUNNING):
            break
        limit = min(2 * limit, max_sweeps)
        history = _grown(history, limit + 1, 0)
        energies, magnetisations, overlaps = (_grown(a, limit + 1, np.nan)
                                              for a in (energies, magnetisations, overlaps))
        snapshots = _grown(snapshots, limit * frames + 1, 0)
    used = int(sweeps.max()) + 1
    converged = status == kernel.CONVERGED
    settled = converged | (status == kernel.SETTLED)
    free &= (status == kernel.SETTLED)[:, None]

    def shaped(array):
        return array[0] if args.single else array

    def recorded(name, array):
        return shaped(array[:, :used]) if name in names else None

    return Relaxation(
        spins=shaped(final),
        sweeps=shaped(sweeps),
        converged=shaped(converged),
        settled=shaped(settled),
        free=shaped(free),
        cycle_length=shaped(cycle),
        flips=shaped(flips),
        energy_per_spin=recorded("energy_per_spin", energies),
        magnetisation=recorded("magnetisation", magnetisations),
        overlaps=recorded("overlaps", overlaps),
        snapshots=shaped(snapshots[:, : (used - 1) * frames + 1].copy()) if "snapshots" in names else None,
        snapshot_every=snapshot_every,
        recorded_sweeps=np.arange(used),
        rng_state=args.states,
        schedule=schedule,
        tie=tie,
        tol=args.tol,
    )


@dataclass(frozen=True, eq=False)
class RecallCurve:
    """Outcome of :func:`recall_curve`.

    Attributes
    ----------
    fractions : numpy.ndarray
        ``(fraction,)`` flipped fraction of each cue (the exact count is
        ``round(fraction · N)`` sites).
    probability : numpy.ndarray
        ``(pattern, fraction)`` fraction of the trials recalled.
    final_overlap : numpy.ndarray
        ``(pattern, fraction, trial)`` overlap of the final state with the cued pattern.
    trials : int
        Independent cues (and update orders) per pattern and fraction.
    min_overlap : float
        The final overlap that counts as recalled.
    """

    fractions: np.ndarray
    probability: np.ndarray
    final_overlap: np.ndarray
    trials: int
    min_overlap: float

    def basin_radius(self, level: float = 0.5) -> np.ndarray:
        """Per pattern, the largest grid fraction up to which every cue fraction is recalled
        with probability ≥ ``level`` (the basin radius as a fraction of flipped sites).

        Returns
        -------
        numpy.ndarray
            ``(pattern,)``; NaN where the first grid fraction already falls
            below ``level`` (with 0 first: the pattern is not a stable fixed point).
        """
        level = number(level, "level", low=0.0, high=1.0)
        held = np.logical_and.accumulate(self.probability >= level, axis=1)
        count = held.sum(axis=1)
        return np.where(count > 0, self.fractions[np.maximum(count - 1, 0)], np.nan)


def recall_curve(model: IsingModel, patterns, fractions, *, trials: int = 100, schedule: Schedule = "permutation",
                 tie: TieRule = "keep", max_sweeps: int = 1000, min_overlap: float = 1.0,
                 rng: RngLike = None) -> RecallCurve:
    """Probability that the zero-temperature dynamics recall each pattern from cues with a
    fraction of their sites flipped: the basin of attraction, measured.

    For each pattern and fraction f, ``trials`` cues flip ``round(f·N)``
    distinct random sites; each is relaxed (:func:`relax`) and counts as
    recalled when its final overlap with the pattern is ``≥ min_overlap``
    (default 1: the pattern itself, exactly).

    Parameters
    ----------
    model : IsingModel
    patterns : array_like
        ``(pattern, site)`` ±1, the patterns to cue (usually the stored ones).
    fractions : array_like
        Increasing flipped fractions in [0, 1]; start at 0 to test stability too.
    trials : int
        Cues per pattern and fraction; the binomial error of a probability p
        is √(p(1 − p)/trials).
    schedule, tie, max_sweeps
        As in :func:`relax`.
    min_overlap : float
        Final overlap in (0, 1] that counts as a recall.
    rng : int, SeedSequence, Generator or None
        Draws the cues, then the update orders.

    Returns
    -------
    RecallCurve
        Probabilities, final overlaps and :meth:`RecallCurve.basin_radius`.
    """
    from isinghop.rng import as_generator
    from isinghop.spins import flip_fraction, spin_batch

    check_model(model)
    stored, _ = spin_batch(patterns, "patterns", model.n_sites)
    fractions = finite_array(fractions, "fractions").astype(np.float64)
    if fractions.ndim != 1 or fractions.size == 0 or not np.all((fractions >= 0) & (fractions <= 1)):
        raise ValueError(f"fractions: expected a 1-D array of values in [0, 1], got {fractions!r}")
    if np.any(np.diff(fractions) <= 0):
        raise ValueError(f"fractions: must increase, got {fractions!r}")
    trials = positive_int(trials, "trials")
    batch_bytes = trials * stored.shape[0] * model.n_sites
    if batch_bytes > _SNAPSHOT_BYTES:
        raise ValueError(f"trials: {trials} cues of {stored.shape[0]} patterns need {batch_bytes / 1e9:.1f} GB of "
                         f"spins at once (limit {_SNAPSHOT_BYTES / 1e9:.0f} GB); use fewer trials")
    min_overlap = number(min_overlap, "min_overlap", low=0.0, high=1.0, low_open=True)
    choice(tie, "tie", TIE_RULES)
    generator = as_generator(rng)
    n_patterns, n_sites = stored.shape
    final = np.empty((n_patterns, fractions.size, trials))
    for f, fraction in enumerate(fractions):
        cues = flip_fraction(np.repeat(stored, trials, axis=0), fraction, rng=generator)
        run = relax(model, cues, schedule=schedule, tie=tie, max_sweeps=max_sweeps, rng=generator)
        ends = run.spins.reshape(n_patterns, trials, n_sites).astype(np.int64)
        final[:, f] = np.einsum("pts,ps->pt", ends, stored.astype(np.int64)) / n_sites
    probability = (final >= min_overlap - 1e-12).mean(axis=2)
    return RecallCurve(fractions=fractions, probability=probability, final_overlap=final, trials=trials,
                       min_overlap=min_overlap)


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
