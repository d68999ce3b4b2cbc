"""Replicas split over threads: each block runs a GIL-free compiled kernel.

Replicas are independent and carry their own generator states, so the split
(and the number of threads) cannot change any result.
"""

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np


def over_replicas(kernel, shared: tuple, per_replica: tuple) -> None:
    """Call ``kernel(*shared, *blocks)`` on contiguous blocks of replicas (axis 0 of ``per_replica``)."""
    n_replica = len(per_replica[0])
    n_blocks = max(1, min(numba.get_num_threads(), n_replica))
    bounds = np.linspace(0, n_replica, n_blocks + 1).astype(int)
    blocks = [tuple(array[lo:hi] for array in per_replica) for lo, hi in zip(bounds[:-1], bounds[1:])]
    if n_blocks == 1:
        kernel(*shared, *blocks[0])
        return
    with ThreadPoolExecutor(max_workers=n_blocks) as pool:
        for future in [pool.submit(kernel, *shared, *block) for block in blocks]:
            future.result()
