"""Sparse couplings: the replica keeps its raw field vector; flips walk one CSR row.

``data = (indptr, indices, values)`` of ``Jᵀ`` in CSR form (row j lists the
sites whose field depends on s_j; ``J`` itself when symmetric).
"""

from numba import njit


@njit(inline="always")
def init(data, s, aux):
    indptr, indices, values = data
    for k in range(aux.size):  # a loop, not a slice: device code runs it too
        aux[k] = 0
    for j in range(s.size):
        sj = s[j]
        for k in range(indptr[j], indptr[j + 1]):
            aux[indices[k]] += sj * values[k]


@njit(inline="always")
def field(data, aux, s, i):
    return aux[i]


@njit(inline="always")
def flip(data, aux, s, i):
    indptr, indices, values = data
    delta = 2 * s[i]
    for k in range(indptr[i], indptr[i + 1]):
        aux[indices[k]] += delta * values[k]
