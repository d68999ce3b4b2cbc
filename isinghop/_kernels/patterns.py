"""Pattern couplings ``N J = ξᵀ A ξ − diag``: the replica keeps P numbers, not N.

Hebb (A = I): ``data = (xi, removed)`` with ξᵀ as ``xi`` (site, pattern) int8
and ``removed`` the raw diagonal taken out per site (P, or 0 with
self-couplings); ``aux`` holds the integer overlaps ``M_μ = Σ_j ξ_j^μ s_j``
(int32, |M_μ| ≤ N); a field sums in 32 bits when P N < 2³¹
(:func:`hebb_field`), else in 64 (:func:`hebb_field_wide`).
One field costs O(P): ``N φ_i = ξ_i·M − removed_i s_i``; a flip updates M in O(P).

General A: ``data = (xi, removed, A)``; ``aux`` holds ``A M`` (float64), a
field costs O(P) and a flip O(P²).
"""

import numpy as np
from numba import njit


@njit(inline="always")
def hebb_init(data, s, aux):
    xi = data[0]
    for k in range(aux.size):  # a loop, not a slice: device code runs it too
        aux[k] = 0
    for j in range(s.size):
        row = xi[j]
        sj = s[j]
        for mu in range(aux.size):
            aux[mu] += sj * row[mu]


@njit(inline="always")
def hebb_field(data, aux, s, i):
    """``N φ_i`` summed in 32 bits, for P N < 2³¹ (then no partial sum of ``ξ_i·M`` overflows).

    ``ξ_μ M_μ`` is ``(M_μ ^ m) − m`` with the mask ``m = ξ_μ >> 1`` (0 or −1):
    no multiplication, and the casts keep the sum in 32-bit lanes, twice as
    many per vector as numba's widened 64-bit arithmetic.
    """
    xi, removed = data[0], data[1]
    row = xi[i]
    total = np.int32(0)
    for mu in range(aux.size):
        mask = np.int32(row[mu] >> 1)
        total = np.int32(total + np.int32((aux[mu] ^ mask) - mask))
    return np.int64(total) - removed[i] * s[i]


@njit(inline="always")
def hebb_field_wide(data, aux, s, i):
    """``N φ_i`` summed in 64 bits, for P N ≥ 2³¹ (a branch between the two in one field would make
    numba keep two reference-count calls per field)."""
    xi, removed = data[0], data[1]
    row = xi[i]
    total = 0
    for mu in range(aux.size):
        total += row[mu] * aux[mu]
    return total - removed[i] * s[i]


@njit(inline="always")
def hebb_flip(data, aux, s, i):
    row = data[0][i]
    delta = 2 * s[i]
    for mu in range(aux.size):
        aux[mu] += delta * row[mu]


@njit(inline="always")
def general_init(data, s, aux):
    xi, A = data[0], data[2]
    n_patterns = aux.size
    overlaps = aux * 0.0
    for j in range(s.size):
        row = xi[j]
        for mu in range(n_patterns):
            overlaps[mu] += s[j] * row[mu]
    for nu in range(n_patterns):
        total = 0.0
        for mu in range(n_patterns):
            total += A[nu, mu] * overlaps[mu]
        aux[nu] = total


@njit(inline="always")
def general_field(data, aux, s, i):
    xi, removed = data[0], data[1]
    row = xi[i]
    total = 0.0
    for mu in range(aux.size):
        total += row[mu] * aux[mu]
    return total - removed[i] * s[i]


@njit(inline="always")
def general_flip(data, aux, s, i):
    xi, A = data[0], data[2]
    row = xi[i]
    delta = 2.0 * s[i]
    for nu in range(aux.size):
        total = 0.0
        for mu in range(aux.size):
            total += A[nu, mu] * row[mu]
        aux[nu] += delta * total
