"""Zero-temperature Hopfield dynamics, replica by replica (threads split the replicas).

A kernel is made per storage from its three functions (``init``, ``field``,
``flip``), which it calls with the storage's arrays (``data``); each replica keeps its auxiliary state in ``aux[r]``
(fields or overlaps). ``field`` returns ``scale · Σ_j J_ij s_j`` (self-coupling
included); the update adds ``hs = scale · h`` and compares with ``tol_s =
scale · tol``.

Random numbers, per replica and in this order: the schedule's (see
:mod:`isinghop._kernels.schedule`); the tie rule ``random`` draws one coin
per tie, when it happens.
"""

import functools

import numpy as np
from numba import njit

from isinghop._kernels.random import below, coin
from isinghop._kernels.schedule import RANDOM, SEQUENTIAL, SYNCHRONOUS, start_sweep

from isinghop.vocabulary import TIE_CODES

KEEP, UP, DOWN, FLIP, COIN = (TIE_CODES[name] for name in ("keep", "up", "down", "flip", "random"))
RUNNING, CONVERGED, SETTLED, CYCLE = 0, 1, 2, 3


@njit(inline="always")
def decide(u, tol_s, si, tie, state):
    """New value of a spin whose field numerator (h included) is ``u``."""
    if u > tol_s:
        return 1
    if u < -tol_s:
        return -1
    if tie == KEEP:
        return si
    if tie == UP:
        return 1
    if tie == DOWN:
        return -1
    if tie == FLIP:
        return -si
    return coin(state)


@njit(inline="always")
def check(field, data, aux, s, hs, tol_s, tie, free):
    """Explicit stability check of every site; returns the status it implies (or RUNNING)."""
    aligned = True
    any_free = False
    for i in range(s.size):
        u = field(data, aux, s, i) + hs[i]
        free[i] = False
        if u > tol_s:
            aligned = aligned and s[i] == 1
        elif u < -tol_s:
            aligned = aligned and s[i] == -1
        elif tie == UP:
            aligned = aligned and s[i] == 1
        elif tie == DOWN:
            aligned = aligned and s[i] == -1
        elif tie == FLIP or tie == COIN:
            free[i] = True
            any_free = True
        if not aligned:
            return RUNNING
    if any_free:
        return SETTLED
    return CONVERGED


@njit(inline="always")
def energy_numerator(field, data, aux, s, hs, raw_diagonal):
    """``scale · H = −Σ_i s_i [(f_i − d_i s_i)/2 + scale h_i]`` from the raw fields."""
    total = 0.0
    for i in range(s.size):
        total += s[i] * (0.5 * (field(data, aux, s, i) - raw_diagonal[i] * s[i]) + hs[i])
    return -total


@njit(inline="always")
def magnetisation(s):
    total = 0
    for i in range(s.size):
        total += s[i]
    return total / s.size


@njit(inline="always")
def record_overlaps(patterns, s, out):
    """``out[μ] = (1/N) Σ_i ξ_i^μ s_i`` from site-major ``patterns`` (site, pattern)."""
    n = s.size
    totals = np.zeros(patterns.shape[1], np.int64)
    for i in range(n):
        row = patterns[i]
        si = s[i]
        for mu in range(row.size):
            totals[mu] += si * row[mu]
    for mu in range(totals.size):
        out[mu] = totals[mu] / n


@functools.cache
def relax_kernel(init, field, flip):
    """The relaxation kernel for one storage (compiled on first use, once per storage)."""

    @njit(nogil=True)
    def relax(data, hs, raw_diagonal, scale, tol_s, schedule, tie, order, limit, zobrist, detect_cycles, patterns,
              spins, aux, states, sweeps, status, cycle, flips, history, energies, magnetisations, overlaps, free):
        """Run every RUNNING replica until it converges, settles, cycles or reaches sweep ``limit``.

        Called repeatedly with a growing ``limit`` (the caller grows the
        per-sweep arrays in between): a replica resumes at sweep
        ``sweeps[r]`` with its spins, ``aux`` and generator state as left, so
        the run is the same as one call with the final limit. A replica at
        sweep 0 is initialised (``aux``, history, records of the start).
        Records (``history`` of state hashes, kept only to detect cycles;
        ``energies``, ``magnetisations``, ``overlaps``, each kept only when it
        has columns) go to columns 0..sweeps.
        """
        n_replica, n = spins.shape
        record_e = energies.shape[1] > 0
        record_mag = magnetisations.shape[1] > 0
        record_m = overlaps.shape[1] > 0
        for r in range(n_replica):
            if status[r] != RUNNING:
                continue
            s = spins[r]
            a = aux[r]
            state = states[r]
            sites = np.empty(n, np.int64)
            proposal = np.empty(n, np.int8)
            code = np.uint64(0)
            for i in range(n):
                if s[i] > 0:
                    code ^= zobrist[i]
            sweep = sweeps[r]
            outcome = RUNNING
            if sweep == 0:
                init(data, s, a)
                if detect_cycles:
                    history[r, 0] = code
                if record_e:
                    energies[r, 0] = energy_numerator(field, data, a, s, hs, raw_diagonal) / (scale * n)
                if record_mag:
                    magnetisations[r, 0] = magnetisation(s)
                if record_m:
                    record_overlaps(patterns, s, overlaps[r, 0])
                outcome = check(field, data, a, s, hs, tol_s, tie, free[r])
            while outcome == RUNNING and sweep < limit:
                # the stopping rule is the explicit check of every site after each sweep (and before the first)
                sweep += 1
                changed = 0
                if schedule == SYNCHRONOUS:
                    for i in range(n):
                        proposal[i] = decide(field(data, a, s, i) + hs[i], tol_s, s[i], tie, state)
                    for i in range(n):
                        if proposal[i] != s[i]:
                            s[i] = proposal[i]
                            flip(data, a, s, i)
                            code ^= zobrist[i]
                            changed += 1
                else:
                    start_sweep(schedule, sites, state)
                    for attempt in range(n):
                        if schedule == RANDOM:  # written out: a helper returning the site halved the speed
                            i = below(state, n)
                        elif schedule == SEQUENTIAL:
                            i = order[attempt]
                        else:
                            i = sites[attempt]
                        value = decide(field(data, a, s, i) + hs[i], tol_s, s[i], tie, state)
                        if value != s[i]:
                            s[i] = value
                            flip(data, a, s, i)
                            code ^= zobrist[i]
                            changed += 1
                flips[r] += changed
                if detect_cycles:
                    history[r, sweep] = code
                if record_e:
                    energies[r, sweep] = energy_numerator(field, data, a, s, hs, raw_diagonal) / (scale * n)
                if record_mag:
                    magnetisations[r, sweep] = magnetisation(s)
                if record_m:
                    record_overlaps(patterns, s, overlaps[r, sweep])
                if changed == 0 and schedule != RANDOM and tie != COIN:
                    outcome = CONVERGED  # every site was just visited and found stable: the check would pass
                else:
                    outcome = check(field, data, a, s, hs, tol_s, tie, free[r])
                if outcome == RUNNING and detect_cycles:
                    for lag in range(1, sweep + 1):
                        if history[r, sweep - lag] == code:
                            cycle[r] = lag
                            outcome = CYCLE
                            break
            sweeps[r] = sweep
            status[r] = outcome

    return relax
