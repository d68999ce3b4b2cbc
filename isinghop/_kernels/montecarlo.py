"""Metropolis and Glauber (heat-bath) Monte Carlo, replica by replica (threads split the replicas).

Made per storage like the relaxation kernel. Per attempt at site i the pair
field numerator is ``p = field_i − d_i s_i + scale·h_i`` (self-coupling
removed), so ``ΔE · scale = 2 s_i p``. Random numbers, per replica and in this
order: the schedule's draws (:mod:`isinghop._kernels.schedule`); Metropolis
draws one uniform only when ΔE > 0; Glauber draws one uniform per attempt. At
T = 0 (the explicit limit) Metropolis flips iff ``s_i p < 0`` or ``|p| ≤ tol``
(no draw), and Glauber sets ``sign(p)``, or a coin when ``|p| ≤ tol``.

For integer couplings and fields, at a temperature fixed for the run, the
acceptance and heat-bath probabilities come from a table over the integer
numerator (``table_size > 0`` entries each side), made once per temperature
by :func:`fill_tables` with the same expression as the direct path, so
results are identical either way.

A replica carries its running state between calls: the storage's ``aux``
(fields or overlaps) and the energy numerator ``scale · H`` (``e_nums``), so a
chain run in several calls is bit-identical to one call, float couplings
included.
"""

import functools
import math

import numpy as np
from numba import njit

from isinghop._kernels.random import below, coin, uniform
from isinghop._kernels.relax import energy_numerator
from isinghop._kernels.schedule import RANDOM, SEQUENTIAL, SYNCHRONOUS, start_sweep

from isinghop.vocabulary import RULE_CODES

METROPOLIS, GLAUBER = RULE_CODES["metropolis"], RULE_CODES["glauber"]


@njit(inline="always")
def metropolis_probability(k, beta, scale):
    """Acceptance ``exp(−β ΔE)`` of an uphill move with ``ΔE · scale = k > 0``."""
    return math.exp(-beta * k / scale)


@njit(inline="always")
def heat_bath_probability(p, beta, scale):
    """``P(s_i = +1) = 1 / (1 + exp(−2β φ_i))`` with ``φ_i · scale = p``."""
    return 1.0 / (1.0 + math.exp(-2.0 * beta * p / scale))


@njit
def fill_tables(temperatures, size, rule, scale):
    """One probability table per temperature > 0 (rows of zeros for T = 0, which uses no table).

    Metropolis: ``table[k] = exp(−βk/scale)``, k = 0..size; Glauber:
    ``table[p + size]`` = P(s = +1), |p| ≤ size.
    """
    tables = np.zeros((temperatures.size, 2 * size + 1))
    for row in range(temperatures.size):
        if temperatures[row] > 0.0:
            beta = 1.0 / temperatures[row]
            table = tables[row]
            if rule == METROPOLIS:
                for k in range(size + 1):
                    table[k] = metropolis_probability(float(k), beta, scale)
            else:
                for p in range(-size, size + 1):
                    table[p + size] = heat_bath_probability(float(p), beta, scale)
    return tables


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
        """
        n_replica, n = spins.shape
        n_patterns = patterns.shape[1]
        annealed = anneal.size > 0
        plain = True
        for i in range(n):
            plain = plain and hs[i] == 0.0 and raw_diagonal[i] == 0.0
        keep_e = energies.shape[1] > 0
        keep_mag = magnetisations.shape[1] > 0
        keep_snapshots = snapshots.shape[1] > 0
        keep_overlaps = overlaps.shape[1] > 0 and n_patterns > 0
        for r in range(n_replica):
            s = spins[r]
            a = aux[r]
            state = states[r]
            if fresh:
                init(data, s, a)
                e_nums[r] = energy_numerator(field, data, a, s, hs, raw_diagonal)
            e_num = e_nums[r]
            sites = np.empty(n, np.int64)
            proposal = np.empty(n, np.int8)
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
            sums = np.zeros(n_patterns, np.int64)
            for i in range(n):
                for mu in range(n_patterns):
                    sums[mu] += patterns[i, mu] * s[i]
            record = first_record
            for step in range(n_sweeps):
                sweep = first_sweep + step
                if annealed:
                    T = anneal[sweep]
                    beta = 1.0 / T if T > 0.0 else np.inf
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
                    if keep_e:
                        energies[r, record] = e_num / (scale * n)
                    if keep_mag:
                        magnetisations[r, record] = total_m / n
                    if keep_overlaps:
                        for mu in range(n_patterns):
                            overlaps[r, record, mu] = sums[mu] / n
                    if keep_snapshots:
                        snapshots[r, record] = s
                    record += 1
            e_nums[r] = e_num

    return sample
