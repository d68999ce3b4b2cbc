"""Parallel tempering: the cost of its exchange rounds against the sampling they wrap.

Run: python benchmarks/bench_tempering.py [--quick]

Dense Hebbian couplings, N = 2000, P = 100, a ladder of 8 temperatures,
Metropolis with the permutation schedule, after compilation, on one thread.
Each run of ``tempering`` is timed as a whole and inside its kernel calls
(the sampling); the set-up overhead is ``whole / sampling − 1``: what the
rounds cost beyond the sweeps themselves (argument handling, exchanges,
bookkeeping). Best of five. ``sample`` over the same sweeps in one call is
shown beside it; its time differs also because its chains never exchange,
so they sit in other states with other acceptance rates.
"""

from __future__ import annotations

import argparse
import importlib
import time

import numba
import numpy as np

import isinghop as ih


def best_time(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sweeps (a smoke run)")
    options = parser.parse_args()
    numba.set_num_threads(1)
    n_sites, n_patterns = 2000, 100
    xi = ih.random_patterns(n_patterns, n_sites, rng=1)
    model = ih.hebbian(xi, storage="dense")
    ladder = np.geomspace(0.3, 1.5, 8)
    start = np.repeat(xi[:1], len(ladder), axis=0)
    sweeps = 200 if options.quick else 2000
    repeats = 2 if options.quick else 5
    ih.tempering(model, start, T=ladder, sweeps=20, exchange_every=10, rng=2)  # compile
    ih.sample(model, start, T=ladder, sweeps=2, rng=2)
    print(f"dense Hebbian N = {n_sites}, P = {n_patterns}, {len(ladder)} temperatures, {sweeps} sweeps, one thread")
    one_call = best_time(lambda: ih.sample(model, start, T=ladder, sweeps=sweeps, rng=3), repeats)
    print(f"  sample, one call:               {one_call * 1e3:8.1f} ms")
    threads = importlib.import_module("isinghop._kernels.threads")
    kernel_calls = threads.over_replicas
    for every in (10, 100):
        best = None
        for _ in range(repeats):
            inside = [0.0]

            def timed(*args, **kwargs):
                begin = time.perf_counter()
                kernel_calls(*args, **kwargs)
                inside[0] += time.perf_counter() - begin

            threads.over_replicas = timed
            try:
                whole = best_time(lambda: ih.tempering(model, start, T=ladder, sweeps=sweeps, exchange_every=every,
                                                       rng=3), 1)
            finally:
                threads.over_replicas = kernel_calls
            if best is None or whole < best[0]:
                best = (whole, inside[0])
        whole, sampling = best
        print(f"  tempering, exchange_every={every:<3}: {whole * 1e3:8.1f} ms, sampling {sampling * 1e3:8.1f} ms, "
              f"set-up overhead {100 * (whole / sampling - 1):5.2f} %")


if __name__ == "__main__":
    main()
