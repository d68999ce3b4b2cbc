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



from numba import njit

from isinghop._kernels.random import coin

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
def magnetisation(s):
    total = 0
    for i in range(s.size):
        total += s[i]
    return total / s.size


@njit(inline="always")
def record_overlaps(patterns, s, out):
    """``out[μ] = (1/N) Σ_i ξ_i^μ s_i`` from site-major ``patterns`` (site, pattern)."""
    n = s.size
    for mu in range(out.size):  # allocates nothing: device code runs it too
        total = 0
        for i in range(n):
            total += s[i] * patterns[i, mu]
        out[mu] = total / n
