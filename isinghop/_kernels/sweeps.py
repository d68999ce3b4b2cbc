"""The sweep kernels, written once for every coupling storage (loaded once per storage; private).

This file is not imported as a module of its own: :func:`isinghop._kernels.backends.cpu.kernels` (and the CUDA backend) loads it
once per storage, with the storage's ``init``, ``field`` and ``flip`` (see
:mod:`isinghop._kernels.dense`, :mod:`~isinghop._kernels.sparse`, :mod:`~isinghop._kernels.patterns`)
set as module globals beforehand, and compiles :func:`relax` and :func:`sample` with numba's
on-disk cache. The functions are plain Python here.
"""

import numpy as np

from isinghop._kernels.montecarlo import new_value
from isinghop._kernels.random import below
from isinghop._kernels.relax import (
    COIN,
    CONVERGED,
    CYCLE,
    DOWN,
    FLIP,
    RUNNING,
    SETTLED,
    UP,
    decide,
    magnetisation,
    record_overlaps,
)
from isinghop._kernels.schedule import RANDOM, SEQUENTIAL, SYNCHRONOUS, start_sweep

# set by the loader: the storage's functions and the Monte Carlo numerator (general_numerator or
# plain_numerator)
init = field = flip = numerator = None


def general_numerator(data, aux, s, i, hs, raw_diagonal):
    """``scale · (φ_i − J_ii s_i)``: the field of site i without its self-coupling."""
    return field(data, aux, s, i) - raw_diagonal[i] * s[i] + hs[i]


def plain_numerator(data, aux, s, i, hs, raw_diagonal):
    """:func:`general_numerator` of a model without field and self-couplings: the raw field itself, an
    integer for integer couplings (no loads of ``hs`` and ``raw_diagonal``, no conversion)."""
    return field(data, aux, s, i)


def energy_numerator(data, aux, s, hs, raw_diagonal):
    """``scale · H = −Σ_i s_i [(f_i − d_i s_i)/2 + scale h_i]`` from the raw fields."""
    total = 0.0
    for i in range(s.size):
        total += s[i] * (0.5 * (field(data, aux, s, i) - raw_diagonal[i] * s[i]) + hs[i])
    return -total


def check(data, aux, s, hs, tol_s, tie, free):
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


def relax(data, hs, raw_diagonal, scale, tol_s, schedule, tie, order, limit, zobrist, detect_cycles, patterns,
          snapshot_every, spins, aux, states, sweeps, status, cycle, flips, history, energies, magnetisations,
          overlaps, snapshots, free):
    """Run every RUNNING replica until it converges, settles, cycles or reaches sweep ``limit``.

    Called repeatedly with a growing ``limit`` (the caller grows the
    per-sweep arrays in between): a replica resumes at sweep
    ``sweeps[r]`` with its spins, ``aux`` and generator state as left, so
    the run is the same as one call with the final limit. A replica at
    sweep 0 is initialised (``aux``, history, records of the start).
    Records (``history`` of state hashes, kept only to detect cycles;
    ``energies``, ``magnetisations``, ``overlaps``, each kept only when it
    has columns) go to columns 0..sweeps. ``snapshots`` (when it has
    columns) holds the start in column 0 and, in each sweep, the spins after
    every ``snapshot_every``-th attempt and after the last one: ``frames =
    ceil(N / snapshot_every)`` columns per sweep (one for ``synchronous``).
    """
    n = spins.shape[1]
    records = (energies, magnetisations, overlaps, snapshots)
    scratch = (np.empty(n, np.int64), np.empty(n, np.int8))
    for r in range(spins.shape[0]):
        if status[r] == RUNNING:
            relax_replica(data, hs, raw_diagonal, scale, tol_s, schedule, tie, order, limit, zobrist, detect_cycles,
                          patterns, snapshot_every, spins, aux, states, sweeps, status, cycle, flips, history, records,
                          free, r, scratch)


def relax_replica(data, hs, raw_diagonal, scale, tol_s, schedule, tie, order, limit, zobrist, detect_cycles, patterns,
                  snapshot_every, spins, aux, states, sweeps, status, cycle, flips, history, records, free, r, scratch):
    """Replica ``r`` of :func:`relax`; allocates nothing (``scratch``: the caller's ``sites`` and
    ``proposal``, N each), so that every backend can run it."""
    energies, magnetisations, overlaps, snapshots = records
    n = spins.shape[1]
    record_e = energies.shape[1] > 0
    record_mag = magnetisations.shape[1] > 0
    record_m = overlaps.shape[1] > 0
    record_s = snapshots.shape[1] > 0
    frames = 1 if schedule == SYNCHRONOUS else (n + snapshot_every - 1) // snapshot_every
    s = spins[r]
    a = aux[r]
    state = states[r]
    sites, proposal = scratch
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
            energies[r, 0] = energy_numerator(data, a, s, hs, raw_diagonal) / (scale * n)
        if record_mag:
            magnetisations[r, 0] = magnetisation(s)
        if record_m:
            record_overlaps(patterns, s, overlaps[r, 0])
        if record_s:
            for i in range(n):
                snapshots[r, 0, i] = s[i]
        outcome = check(data, a, s, hs, tol_s, tie, free[r])
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
            if record_s:
                for i in range(n):
                    snapshots[r, sweep, i] = s[i]
        else:
            start_sweep(schedule, sites, state)
            frame = (sweep - 1) * frames
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
                if record_s and ((attempt + 1) % snapshot_every == 0 or attempt + 1 == n):
                    frame += 1
                    for k in range(n):
                        snapshots[r, frame, k] = s[k]
        flips[r] += changed
        if detect_cycles:
            history[r, sweep] = code
        if record_e:
            energies[r, sweep] = energy_numerator(data, a, s, hs, raw_diagonal) / (scale * n)
        if record_mag:
            magnetisations[r, sweep] = magnetisation(s)
        if record_m:
            record_overlaps(patterns, s, overlaps[r, sweep])
        if changed == 0 and schedule != RANDOM and tie != COIN:
            outcome = CONVERGED  # every site was just visited and found stable: the check would pass
        else:
            outcome = check(data, a, s, hs, tol_s, tie, free[r])
        if outcome == RUNNING and detect_cycles:
            for lag in range(1, sweep + 1):
                if history[r, sweep - lag] == code:
                    cycle[r] = lag
                    outcome = CYCLE
                    break
    sweeps[r] = sweep
    status[r] = outcome





def sample(data, hs, raw_diagonal, scale, tol_s, rule, schedule, order, burn_in, record_every, patterns,
           tables, table_size, anneal, first_sweep, n_sweeps, first_record, fresh, spins, aux, e_nums, states,
           T_replica, table_row, energies, magnetisations, overlaps, snapshots, accepted):
    """Run ``n_sweeps`` sweeps per replica; record after ``burn_in``, every ``record_every``.

    The sweeps are numbers ``first_sweep, first_sweep + 1, …`` of the whole
    chain (so a chain run in segments records exactly as in one go); the
    first record written here is ``first_record``. A replica's temperature
    is ``anneal[sweep]`` when ``anneal`` is not empty, else ``T_replica[r]``,
    whose probabilities are ``tables[table_row[r]]`` when ``table_size > 0``.
    ``fresh``: compute ``aux`` and ``e_nums`` from the spins; otherwise
    continue from them. ``spins``, ``aux``, ``e_nums``, ``states`` and
    ``accepted`` are updated in place; a record array with no columns is not kept.

    Loaded with the plain numerator (a model without field and
    self-couplings), the replica loop loads neither and keeps integer fields
    integer; the caller picks that copy (a run-time flag in the hot loop
    cost a factor of three, and compiling both copies into one kernel
    doubled its compile time).
    """
    n = spins.shape[1]
    records = (energies, magnetisations, overlaps, snapshots)
    scratch = (np.empty(n, np.int64), np.empty(n, np.int8), np.empty(patterns.shape[1], np.int64))
    for r in range(spins.shape[0]):
        state = states[r].copy()  # private: the states of neighbouring replicas share cache lines
        flips = sample_replica(data, hs, raw_diagonal, scale, tol_s, rule, schedule, order, burn_in, record_every,
                               patterns, tables, table_size, anneal, first_sweep, n_sweeps, first_record, fresh,
                               spins, aux, e_nums, T_replica, table_row, records, r, state, scratch)
        states[r] = state
        accepted[r] += flips


def sample_replica(data, hs, raw_diagonal, scale, tol_s, rule, schedule, order, burn_in, record_every, patterns,
                   tables, table_size, anneal, first_sweep, n_sweeps, first_record, fresh, spins, aux, e_nums,
                   T_replica, table_row, records, r, state, scratch):
    """Replica ``r`` of :func:`sample` with generator ``state``; returns its accepted flips (counted
    locally: replicas of other threads share cache lines of ``accepted``).

    Allocates nothing, so that every backend can run it: ``scratch`` holds
    the caller's arrays ``sites``, ``proposal`` (N each) and ``sums`` (one
    per recorded pattern); ``records`` the four record arrays of
    :func:`sample`. (Grouped: a call with more than 30 arguments is compiled
    by Python as a ``*args`` call, which numba cannot inline.)
    """
    energies, magnetisations, overlaps, snapshots = records
    sites, proposal, sums = scratch
    n = spins.shape[1]
    n_patterns = patterns.shape[1]
    annealed = anneal.size > 0
    keep_e = energies.shape[1] > 0
    keep_mag = magnetisations.shape[1] > 0
    keep_snapshots = snapshots.shape[1] > 0
    keep_overlaps = overlaps.shape[1] > 0 and n_patterns > 0
    s = spins[r]
    a = aux[r]
    if fresh:
        init(data, s, a)
        e_nums[r] = energy_numerator(data, a, s, hs, raw_diagonal)
    e_num = e_nums[r]
    size = -1  # no table unless the temperature is fixed and > 0
    table = tables[0]
    T = T_replica[r]
    if not annealed and table_size > 0 and T > 0.0:
        table = tables[table_row[r]]
        size = table_size
    beta = 1.0 / T if T > 0.0 else np.inf
    total_m = 0
    for i in range(n):
        total_m += s[i]
    for mu in range(n_patterns):
        sums[mu] = 0
    for i in range(n):
        for mu in range(n_patterns):
            sums[mu] += patterns[i, mu] * s[i]
    record = first_record
    flips = 0
    for step in range(n_sweeps):
        sweep = first_sweep + step
        if annealed:
            T = anneal[sweep]
            beta = 1.0 / T if T > 0.0 else np.inf
        if schedule == SYNCHRONOUS:
            for i in range(n):
                p = numerator(data, a, s, i, hs, raw_diagonal)
                proposal[i] = new_value(p, s[i], rule, T, beta, scale, tol_s, table, size, state)
            for i in range(n):
                if proposal[i] != s[i]:
                    p = numerator(data, a, s, i, hs, raw_diagonal)
                    e_num += 2.0 * s[i] * p
                    s[i] = proposal[i]
                    flip(data, a, s, i)
                    total_m += 2 * s[i]
                    for mu in range(n_patterns):
                        sums[mu] += 2 * s[i] * patterns[i, mu]
                    flips += 1
        else:
            start_sweep(schedule, sites, state)
            for attempt in range(n):
                if schedule == RANDOM:  # written out: a helper returning the site halved the speed
                    i = below(state, n)
                elif schedule == SEQUENTIAL:
                    i = order[attempt]
                else:
                    i = sites[attempt]
                p = numerator(data, a, s, i, hs, raw_diagonal)
                value = new_value(p, s[i], rule, T, beta, scale, tol_s, table, size, state)
                if value != s[i]:
                    e_num += 2.0 * s[i] * p
                    s[i] = value
                    flip(data, a, s, i)
                    total_m += 2 * value
                    for mu in range(n_patterns):
                        sums[mu] += 2 * value * patterns[i, mu]
                    flips += 1
        if sweep >= burn_in and (sweep - burn_in + 1) % record_every == 0:
            if keep_e:
                energies[r, record] = e_num / (scale * n)
            if keep_mag:
                magnetisations[r, record] = total_m / n
            if keep_overlaps:
                for mu in range(n_patterns):
                    overlaps[r, record, mu] = sums[mu] / n
            if keep_snapshots:
                for i in range(n):
                    snapshots[r, record, i] = s[i]
            record += 1
    e_nums[r] = e_num
    return flips
