"""Site schedules of a sweep (N update attempts), shared by every kernel.

Random numbers: ``permutation`` shuffles 0..N−1 at the start of each sweep
(Fisher–Yates from the top, one bounded draw per position N−1..1);
``random`` draws each attempt's site; ``sequential`` draws nothing.
"""

from numba import njit

from isinghop._kernels.random import below

SYNCHRONOUS, SEQUENTIAL, PERMUTATION, RANDOM = 0, 1, 2, 3


@njit(inline="always")
def start_sweep(schedule, sites, state):
    """Draw the sweep's order into ``sites`` for the ``permutation`` schedule."""
    if schedule == PERMUTATION:
        n = sites.size
        for i in range(n):
            sites[i] = i
        for i in range(n - 1, 0, -1):
            j = below(state, i + 1)
            sites[i], sites[j] = sites[j], sites[i]


@njit(inline="always")
def site_of(attempt, schedule, order, sites, state):
    """The site of the sweep's ``attempt``-th update."""
    if schedule == RANDOM:
        return below(state, sites.size)
    if schedule == SEQUENTIAL:
        return order[attempt]
    return sites[attempt]
