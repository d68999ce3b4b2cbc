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

from isinghop._validate import choice, positive_int, site_order
from isinghop.model import TIE_RULES, IsingModel, overlap_patterns, tie_tolerance
from isinghop.rng import RngLike, replica_states
from isinghop.spins import spin_batch

__all__ = ["SCHEDULES", "TIE_RULES", "Relaxation", "relax"]

SCHEDULES = ("synchronous", "sequential", "permutation", "random")
RECORDABLE = ("energy", "overlaps")
#: Seed of the fixed random keys that hash states for cycle detection (not a random stream of the run).
_ZOBRIST_SEED = 0x15E6


@dataclass(frozen=True, eq=False)
class Relaxation:
    """Outcome of :func:`relax`; arrays are indexed by replica first.

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
    energy : numpy.ndarray or None
        ``(replica, sweep)`` energy H after each sweep (column 0: the start),
        NaN after a replica stopped; when recorded.
    overlaps : numpy.ndarray or None
        ``(replica, sweep, pattern)`` overlaps ``m_μ = (1/N) Σ_i ξ_i^μ s_i``; when recorded.
    rng_state : numpy.ndarray
        Generator state per replica ``(replica, 4)`` uint64; pass it as
        ``rng`` to continue with the same random streams.
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
    energy: np.ndarray | None
    overlaps: np.ndarray | None
    rng_state: np.ndarray
    schedule: str
    tie: str
    tol: float

    @property
    def unfinished(self) -> np.ndarray:
        """Replicas that reached ``max_sweeps`` without settling or cycling."""
        return ~self.settled & (self.cycle_length == 0)


@lru_cache(maxsize=4)
def _zobrist_keys(n_sites: int) -> np.ndarray:
    """Fixed random 64-bit keys per site: a state's hash is the XOR of the keys of its up spins."""
    return np.random.default_rng(_ZOBRIST_SEED).integers(0, 2**64, size=n_sites, dtype=np.uint64, endpoint=False)


def _record_names(record) -> tuple[str, ...]:
    names = (record,) if isinstance(record, str) else tuple(record or ())
    for name in names:
        choice(name, "record", RECORDABLE)
    return names


def relax(model: IsingModel, spins, *, schedule: str = "permutation", tie: str = "keep", max_sweeps: int = 1000,
          order=None, tol: float | None = None, record=(), patterns=None, rng: RngLike = None) -> Relaxation:
    """Run the zero-temperature Hopfield dynamics until every replica is stable.

    Parameters
    ----------
    model : IsingModel
        Couplings J and field h (threshold θ = −h); asymmetric J is allowed
        (energy recording is not).
    spins : array_like
        Start, ±1, ``(site,)`` or ``(replica, site)``; never modified.
    schedule : {"permutation", "sequential", "random", "synchronous"}
        Order of updates; see the module docstring.
    tie : {"keep", "up", "down", "flip", "random"}
        Rule for a zero field.
    max_sweeps : int
        Upper limit; replicas still moving then have ``settled`` False.
    order : array_like of int, optional
        Site order for ``schedule="sequential"`` (a permutation of 0..N−1).
    tol : float, optional
        ``|φ_i| ≤ tol`` is a tie; default exact (0) for integer couplings,
        ``model.DEFAULT_TIE_TOL`` for float couplings.
    record : {"energy", "overlaps"} or a tuple of them
        Observables stored after every sweep.
    patterns : array_like, optional
        Patterns for the recorded overlaps; default the model's own.
    rng : int, SeedSequence, Generator, ndarray or None
        Random streams (one per replica), or a ``rng_state`` returned earlier.

    Returns
    -------
    Relaxation
    """
    from isinghop._kernels import relax as kernel
    from isinghop._kernels.threads import over_replicas

    if not isinstance(model, IsingModel):
        raise TypeError(f"model: expected an IsingModel, got {type(model).__name__}")
    batch, single = spin_batch(spins, "spins", model.n_sites)
    schedule = choice(schedule, "schedule", SCHEDULES)
    tie = choice(tie, "tie", TIE_RULES)
    max_sweeps = positive_int(max_sweeps, "max_sweeps")
    if order is not None and schedule != "sequential":
        raise ValueError(f"order: only used with schedule='sequential', not {schedule!r}")
    sweep_order = site_order(order, model.n_sites)
    tol = tie_tolerance(model, tol)
    names = _record_names(record)
    if "energy" in names and not model.couplings.symmetric:
        raise ValueError("record: the energy is undefined for asymmetric couplings")
    recorded = overlap_patterns(model, patterns, "overlaps" in names)
    states = replica_states(rng, batch.shape[0])

    couplings = model.couplings
    spec = couplings.kernel_spec
    n_replica, n_sites = batch.shape
    final = batch.copy()
    aux = np.zeros((n_replica, spec.aux_size), dtype=spec.aux_dtype)
    deterministic = schedule in ("synchronous", "sequential") and tie != "random"
    zobrist = _zobrist_keys(n_sites) if deterministic else np.zeros(n_sites, dtype=np.uint64)
    sweeps = np.zeros(n_replica, dtype=np.int64)
    status = np.zeros(n_replica, dtype=np.int8)
    cycle = np.zeros(n_replica, dtype=np.int64)
    flips = np.zeros(n_replica, dtype=np.int64)
    energies = np.full((n_replica, max_sweeps + 1 if "energy" in names else 0), np.nan)
    overlaps = np.full((n_replica, max_sweeps + 1 if recorded.shape[1] else 0, recorded.shape[1]), np.nan)
    free = np.zeros((n_replica, n_sites), dtype=bool)
    over_replicas(
        kernel.relax_kernel(spec.init, spec.field, spec.flip),
        (spec.data, couplings.scale * model.h, couplings.raw_diagonal().astype(np.float64), float(couplings.scale),
         tol * couplings.scale, SCHEDULES.index(schedule), TIE_RULES.index(tie), sweep_order, max_sweeps, zobrist,
         deterministic, "energy" in names, recorded),
        (final, aux, states, sweeps, status, cycle, flips, energies, overlaps, free),
    )
    used = int(sweeps.max()) + 1
    converged = status == kernel.CONVERGED
    settled = converged | (status == kernel.SETTLED)
    free &= (status == kernel.SETTLED)[:, None]

    def shaped(array):
        return array[0] if single else array

    return Relaxation(
        spins=shaped(final),
        sweeps=shaped(sweeps),
        converged=shaped(converged),
        settled=shaped(settled),
        free=shaped(free),
        cycle_length=shaped(cycle),
        flips=shaped(flips),
        energy=shaped(energies[:, :used]) if "energy" in names else None,
        overlaps=shaped(overlaps[:, :used]) if recorded.shape[1] else None,
        rng_state=states,
        schedule=schedule,
        tie=tie,
        tol=tol,
    )
