"""Replicas split over threads: each block runs a GIL-free compiled kernel.

Replicas are independent and carry their own generator states, so the split
(and the number of threads) cannot change any result.

The pools live for the process; a forked child (a worker of a process pool,
started after a kernel ran in the parent) inherits a pool whose threads do
not exist in it, so the child forgets the inherited pools and starts its own.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numba
import numpy as np


@lru_cache(maxsize=None)
def _pool(n_threads: int) -> ThreadPoolExecutor:
    """One long-lived pool per thread count (starting threads on every call costs about a millisecond)."""
    return ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="isinghop")


os.register_at_fork(after_in_child=_pool.cache_clear)


def over_replicas(kernel, shared: tuple, per_replica: tuple) -> None:
    """Call ``kernel(*shared, *blocks)`` on contiguous blocks of replicas (axis 0 of ``per_replica``)."""
    n_replica = len(per_replica[0])
    n_blocks = max(1, min(numba.get_num_threads(), n_replica))
    bounds = np.linspace(0, n_replica, n_blocks + 1).astype(int)
    blocks = [tuple(array[lo:hi] for array in per_replica) for lo, hi in zip(bounds[:-1], bounds[1:])]
    if n_blocks == 1:
        kernel(*shared, *blocks[0])
        return
    pool = _pool(n_blocks)
    for future in [pool.submit(kernel, *shared, *block) for block in blocks]:
        future.result()
