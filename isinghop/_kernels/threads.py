"""Replicas split over threads: each block runs a GIL-free compiled kernel.

Replicas are independent and carry their own generator states, so the split
(and the number of threads) cannot change any result.

One pool at a time, kept for the process (starting threads on every call
costs about a millisecond), with as many workers as numba's thread count
(``numba.get_num_threads()``) of the call that made it. A call under another
thread count shuts that pool down (its threads finish their work and exit)
and the next call that splits starts one of the new size, so the process
never holds more isinghop threads than the current thread count. A forked
child (a worker of a process pool, started after a kernel ran in the parent)
inherits a pool whose threads do not exist in it, so the child forgets the
inherited pool and starts its own.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

_lock = threading.Lock()
#: The pool and its number of workers; ``None`` before the first split and after a change of thread count.
_pool: ThreadPoolExecutor | None = None
_size = 0


def _forget() -> None:
    """In a forked child: drop the parent's pool (its threads are not in the child) and a lock another thread held."""
    global _lock, _pool, _size
    _lock, _pool, _size = threading.Lock(), None, 0


os.register_at_fork(after_in_child=_forget)


def _resize(n_threads: int) -> None:
    """Shut the pool down unless it has ``n_threads`` workers (under ``_lock``); a later split starts the new one."""
    global _pool, _size
    if _pool is not None and _size != n_threads:
        _pool.shutdown(wait=True)  # work already submitted runs to its end; then the threads exit
        _pool, _size = None, 0


def over_replicas(kernel, shared: tuple, per_replica: tuple) -> None:
    """Call ``kernel(*shared, *blocks)`` on contiguous blocks of replicas (axis 0 of ``per_replica``)."""
    global _pool, _size
    n_replica = len(per_replica[0])
    n_threads = numba.get_num_threads()
    n_blocks = max(1, min(n_threads, n_replica))
    bounds = np.linspace(0, n_replica, n_blocks + 1).astype(int)
    blocks = [tuple(array[lo:hi] for array in per_replica) for lo, hi in zip(bounds[:-1], bounds[1:])]
    with _lock:
        _resize(n_threads)
        if n_blocks > 1:
            if _pool is None:
                _pool, _size = ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="isinghop"), n_threads
            futures = [_pool.submit(kernel, *shared, *block) for block in blocks]
    if n_blocks == 1:
        kernel(*shared, *blocks[0])
        return
    for future in futures:
        future.result()
