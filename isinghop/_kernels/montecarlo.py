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

import math

import numpy as np
from numba import njit

from isinghop._kernels.random import coin, uniform
from isinghop._kernels.loader import cached

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


@cached
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
        k = 2 * si * p  # an integer for integer couplings: exact, and no conversion
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
    return 2 * int(uniform(state) < up) - 1  # arithmetic, not a branch: the outcome is a coin toss to the CPU
