"""Parallel tempering: the cost of its exchange rounds against the sampling they wrap.

Run: python benchmarks/bench_tempering.py [--quick]

Dense Hebbian couplings, N = 2000, P = 100, a ladder of 8 temperatures,
Metropolis with the permutation schedule. In one run, after compilation and
on one thread, side by side (best of five):

* ``sample``: the 8 configurations, each at its ladder temperature, for all
  sweeps in one call: the sampling alone;
* ``tempering``: the same sweeps in rounds of ``exchange_every`` sweeps with
  exchanges in between.

The set-up overhead is ``tempering / sample − 1``.
"""

from __future__ import annotations

import argparse
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
    sampling = best_time(lambda: ih.sample(model, start, T=ladder, sweeps=sweeps, rng=3), repeats)
    print(f"  sample, one call:            {sampling * 1e3:8.1f} ms")
    for every in (10, 100):
        run = best_time(lambda: ih.tempering(model, start, T=ladder, sweeps=sweeps, exchange_every=every, rng=3),
                        repeats)
        print(f"  tempering, exchange_every={every:<3}: {run * 1e3:8.1f} ms   set-up overhead "
              f"{100 * (run / sampling - 1):5.1f} %")


if __name__ == "__main__":
    main()
