"""Site schedules of a sweep (N update attempts), shared by every kernel.

The kernels pick each attempt's site inline (``random``: a bounded draw;
``sequential``: the fixed order; ``permutation``: the sweep's shuffled order).

Random numbers: ``permutation`` shuffles 0..N−1 at the start of each sweep
(Fisher–Yates from the top, one bounded draw per position N−1..1);
``random`` draws each attempt's site; ``sequential`` draws nothing.
"""

from numba import njit

from isinghop._kernels.random import below
from isinghop.vocabulary import SCHEDULE_CODES

SYNCHRONOUS, SEQUENTIAL = SCHEDULE_CODES["synchronous"], SCHEDULE_CODES["sequential"]
PERMUTATION, RANDOM = SCHEDULE_CODES["permutation"], SCHEDULE_CODES["random"]


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
