"""The thread pool that splits replicas over threads: one pool at a time, sized by numba's thread count."""

import os
import subprocess
import sys
import textwrap

# A fresh interpreter: NUMBA_NUM_THREADS is read when numba starts, and other tests' pools stay out of the count.
LOOP = textwrap.dedent("""
    import os
    import threading

    import numba
    import isinghop as ih

    def live():
        return sum(thread.name.startswith("isinghop") for thread in threading.enumerate())

    model = ih.hebbian(ih.random_patterns(2, 10, rng=1))
    most = numba.config.NUMBA_NUM_THREADS
    worst = 0
    for threads in (*range(1, most + 1), 3, most, 2, 1, most):  # up, then down and up again
        numba.set_num_threads(threads)
        for replicas in range(1, most + 1):
            ih.sample(model, ih.random_spins(replicas, 10, rng=2), T=1.0, sweeps=1, rng=3)
            worst = max(worst, live())
            assert live() <= numba.get_num_threads(), (threads, replicas, live())
        ih.relax(model, ih.random_spins(most, 10, rng=4), rng=5)
        assert live() <= numba.get_num_threads(), (threads, "relax", live())
    if os.fork() == 0:  # a forked child starts its own pool and finds the same results
        numba.set_num_threads(2)
        chain = ih.sample(model, ih.random_spins(4, 10, rng=2), T=1.0, sweeps=2, rng=3)
        os._exit(0 if live() <= 2 and chain.spins.shape == (4, 10) else 1)
    assert os.wait()[1] == 0
    print("most", worst)
""")


def test_replicas_over_threads_keep_at_most_one_pool():
    """Looping numba's thread count and the replica count through ``sample`` never leaves more live isinghop
    threads than numba's current thread count (each distinct count used to keep a pool of its own, for ever)."""
    done = subprocess.run([sys.executable, "-c", LOOP], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NUMBA_NUM_THREADS": "8"})
    assert done.returncode == 0, done.stderr[-3000:]
    word, most = done.stdout.split()
    # the pool did split the replicas (ThreadPoolExecutor starts a thread only when none is idle, so how many
    # of the 8 start depends on timing)
    assert word == "most" and int(most) >= 2
