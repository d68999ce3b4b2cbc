"""Dense couplings: the replica keeps its raw field vector ``K s`` (``aux``, length N).

``data = (KT,)`` with ``KT = Kᵀ`` C-contiguous (row j is column j of K, what a
flip of spin j changes; ``KT = K`` for symmetric couplings). Integer K keeps
integer fields, so ties are exact.
"""

from numba import njit


@njit(inline="always")
def init(data, s, aux):
    KT = data[0]
    for k in range(aux.size):  # a loop, not a slice: device code runs it too
        aux[k] = 0
    for j in range(s.size):
        row = KT[j]
        sj = s[j]
        for i in range(aux.size):
            aux[i] += sj * row[i]


@njit(inline="always")
def field(data, aux, s, i):
    return aux[i]


@njit(inline="always")
def flip(data, aux, s, i):
    row = data[0][i]
    delta = 2 * s[i]
    for k in range(aux.size):
        aux[k] += delta * row[k]
