"""Metropolis and Glauber (heat-bath) Monte Carlo, replica by replica (threads split the replicas).

Made per storage like the relaxation kernel. Per attempt at site i the pair
field numerator is ``p = field_i − d_i s_i + scale·h_i`` (self-coupling
removed), so ``ΔE · scale = 2 s_i p``. Random numbers, per replica and in this
order: the schedule's draws (:mod:`isinghop._kernels.schedule`); Metropolis
draws one uniform only when ΔE > 0; Glauber draws one uniform per attempt. At
T = 0 (the explicit limit) Metropolis flips iff ``s_i p < 0`` or ``|p| ≤ tol``
(no draw), and Glauber sets ``sign(p)``, or a coin when ``|p| ≤ tol``.

For integer couplings and fields, at a temperature fixed for the run, the
acceptance and heat-bath probabilities come from a per-replica table over the
integer numerator (``table_size > 0`` entries each side), built with the same
expression as the direct path, so results are identical either way.
"""

import functools
import math

import numpy as np
from numba import njit

from isinghop._kernels.random import below, coin, uniform
from isinghop._kernels.relax import energy_numerator
from isinghop._kernels.schedule import RANDOM, SEQUENTIAL, SYNCHRONOUS, start_sweep

METROPOLIS, GLAUBER = 0, 1


@njit(inline="always")
def metropolis_probability(k, beta, scale):
    """Acceptance ``exp(−β ΔE)`` of an uphill move with ``ΔE · scale = k > 0``."""
    return math.exp(-beta * k / scale)


@njit(inline="always")
def heat_bath_probability(p, beta, scale):
    """``P(s_i = +1) = 1 / (1 + exp(−2β φ_i))`` with ``φ_i · scale = p``."""
    return 1.0 / (1.0 + math.exp(-2.0 * beta * p / scale))


@njit(inline="always")
def fill_table(table, size, rule, beta, scale):
    """Metropolis: ``table[k] = exp(−βk/scale)``, k = 0..size; Glauber: ``table[p + size]`` = P(+1), |p| ≤ size."""
    if rule == METROPOLIS:
        for k in range(size + 1):
            table[k] = metropolis_probability(float(k), beta, scale)
    else:
        for p in range(-size, size + 1):
            table[p + size] = heat_bath_probability(float(p), beta, scale)


@njit(inline="always")
def new_value(p, si, rule, T, beta, scale, tol_s, table, size, state):
    """The spin's value after one Monte Carlo attempt with pair numerator ``p``."""
    if rule == METROPOLIS:
        k = 2.0 * si * p
        if T == 0.0:
            if k < 0.0 or abs(p) <= tol_s:
                return -si
            return si
        if k <= 0.0:
            return -si
        if k <= size:
            acceptance = table[int(k)]
        else:
            acceptance = metropolis_probability(k, beta, scale)
        return -si if uniform(state) < acceptance else si
    if T == 0.0:
        if p > tol_s:
            return 1
        if p < -tol_s:
            return -1
        return coin(state)
    if abs(p) <= size:
        up = table[int(p) + size]
    else:
        up = heat_bath_probability(p, beta, scale)
    return 1 if uniform(state) < up else -1


@njit(inline="always")
def pair_numerator(field, data, aux, s, i, hs, raw_diagonal, plain):
    """``scale · (φ_i − J_ii s_i)``; ``plain`` (no field, no self-coupling) skips two loads."""
    if plain:
        return field(data, aux, s, i)
    return field(data, aux, s, i) - raw_diagonal[i] * s[i] + hs[i]


@functools.cache
def sample_kernel(init, field, flip):
    """The Monte Carlo kernel for one storage (compiled on first use, once per storage)."""

    @njit(nogil=True)
    def sample(data, hs, raw_diagonal, scale, tol_s, rule, schedule, order, burn_in, record_every, patterns,
               table_size, first_sweep, first_record, spins, aux, states, temperatures, energies, magnetisations,
               overlaps, snapshots, accepted):
        """Run ``temperatures.shape[1]`` sweeps per replica; record after ``burn_in``, every ``record_every``.

        The sweeps are numbers ``first_sweep, first_sweep + 1, …`` of the whole
        chain (so a chain run in segments records exactly as in one go); the
        first record written here is ``first_record``. ``temperatures[r, t]`` is
        replica r's temperature in this call's sweep t. ``spins`` and
        ``states`` are updated in place.
        """
        n_replica, n = spins.shape
        n_sweeps = temperatures.shape[1]
        n_patterns = patterns.shape[1]
        plain = True
        for i in range(n):
            plain = plain and hs[i] == 0.0 and raw_diagonal[i] == 0.0
        keep_snapshots = snapshots.shape[1] > 0
        for r in range(n_replica):
            s = spins[r]
            a = aux[r]
            state = states[r]
            init(data, s, a)
            sites = np.empty(n, np.int64)
            proposal = np.empty(n, np.int8)
            table = np.empty(2 * table_size + 1)
            size = -1  # no table until one is filled for a temperature > 0
            table_T = -1.0
            e_num = energy_numerator(field, data, a, s, hs, raw_diagonal)
            total_m = 0
            for i in range(n):
                total_m += s[i]
            sums = np.zeros(n_patterns, np.int64)
            for i in range(n):
                for mu in range(n_patterns):
                    sums[mu] += patterns[i, mu] * s[i]
            record = first_record
            for step in range(n_sweeps):
                sweep = first_sweep + step
                T = temperatures[r, step]
                beta = 1.0 / T if T > 0.0 else np.inf
                if table_size > 0 and T > 0.0 and T != table_T:
                    fill_table(table, table_size, rule, beta, scale)
                    size = table_size
                    table_T = T
                if schedule == SYNCHRONOUS:
                    for i in range(n):
                        p = pair_numerator(field, data, a, s, i, hs, raw_diagonal, plain)
                        proposal[i] = new_value(p, s[i], rule, T, beta, scale, tol_s, table, size, state)
                    for i in range(n):
                        if proposal[i] != s[i]:
                            p = pair_numerator(field, data, a, s, i, hs, raw_diagonal, plain)
                            e_num += 2.0 * s[i] * p
                            s[i] = proposal[i]
                            flip(data, a, s, i)
                            total_m += 2 * s[i]
                            for mu in range(n_patterns):
                                sums[mu] += 2 * s[i] * patterns[i, mu]
                            accepted[r] += 1
                else:
                    start_sweep(schedule, sites, state)
                    for attempt in range(n):
                        if schedule == RANDOM:  # written out: a helper returning the site halved the speed
                            i = below(state, n)
                        elif schedule == SEQUENTIAL:
                            i = order[attempt]
                        else:
                            i = sites[attempt]
                        p = pair_numerator(field, data, a, s, i, hs, raw_diagonal, plain)
                        value = new_value(p, s[i], rule, T, beta, scale, tol_s, table, size, state)
                        if value != s[i]:
                            e_num += 2.0 * s[i] * p
                            s[i] = value
                            flip(data, a, s, i)
                            total_m += 2 * value
                            for mu in range(n_patterns):
                                sums[mu] += 2 * value * patterns[i, mu]
                            accepted[r] += 1
                if sweep >= burn_in and (sweep - burn_in + 1) % record_every == 0:
                    energies[r, record] = e_num / (scale * n)
                    magnetisations[r, record] = total_m / n
                    for mu in range(n_patterns):
                        overlaps[r, record, mu] = sums[mu] / n
                    if keep_snapshots:
                        snapshots[r, record] = s
                    record += 1

    return sample
