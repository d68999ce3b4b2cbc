"""Zero-temperature recall: speed and memory of `relax` against simple baselines.

Run: python benchmarks/bench_dynamics.py [--quick | --memory]

Every figure comes from this one run, after JIT compilation, on one thread:
* recall time vs N for pattern storage (P = 0.05 N) and dense storage (N <= 10^4),
  time per update attempt, and the ratio to a plain NumPy loop (J[i] @ s per update)
  and to a plain numba kernel (integer overlaps, orders drawn beforehand by NumPy);
* time per attempt vs N at fixed P (flat: an attempt costs O(P));
* peak RSS of a recall at N = 10^5, P = 5000 from 20 % noise, and of the capacity study's largest
  point, N = 10^5, P = 14 000 (α = 0.14) from a 10 % cue, with its recall time, each measured
  in a fresh subprocess.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

import numba
import numpy as np
from numba import njit

import isinghop as ih


@njit
def plain_numba_recall(xi, s, orders):
    """Baseline: asynchronous Hebbian recall with int overlaps, stop after a sweep without flips."""
    n, p = xi.shape
    m = np.zeros(p, np.int64)
    for j in range(n):
        for mu in range(p):
            m[mu] += xi[j, mu] * s[j]
    sweeps = 0
    for order in orders:
        sweeps += 1
        flips = 0
        for i in order:
            total = 0
            for mu in range(p):
                total += xi[i, mu] * m[mu]
            total -= p * s[i]
            if total * s[i] < 0:
                s[i] = -s[i]
                for mu in range(p):
                    m[mu] += 2 * s[i] * xi[i, mu]
                flips += 1
        if flips == 0:
            break
    return sweeps


def numpy_loop_recall(J, s, rng, max_sweeps=20):
    """Baseline: recompute phi_i = J[i] @ s for every update (dense J, no kernels)."""
    s = s.astype(np.int64)
    for sweep in range(1, max_sweeps + 1):
        flips = 0
        for i in rng.permutation(len(s)):
            field = J[i] @ s
            if field * s[i] < 0:
                s[i] = -s[i]
                flips += 1
        if flips == 0:
            return sweep
    return max_sweeps


def best_of(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return min(times), value


def cue(n_sites, n_patterns, seed, layout="site"):
    xi = ih.random_patterns(n_patterns, n_sites, rng=seed, layout=layout)
    return xi, ih.flip_fraction(xi[0], 0.2, rng=seed + 1)


def recall_table(sizes, dense_limit, numpy_limit, repeats):
    print("\n## Recall from 20 % noise, P = 0.05 N, schedule 'permutation', one thread")
    print(f"{'storage':>9} {'N':>7} {'P':>5} {'sweeps':>6} {'time ms':>9} {'ns/attempt':>10} "
          f"{'plain numba ms':>14} {'ratio':>6} {'numpy loop ms':>13} {'speed-up':>8}")
    for n in sizes:
        p = max(int(0.05 * n), 1)
        xi, start = cue(n, p, seed=n)
        for storage in ("patterns", "dense"):
            if storage == "dense" and n > dense_limit:
                continue
            model = ih.hebbian(xi, storage=storage)
            relax = lambda: ih.relax(model, start, rng=1)  # noqa: E731
            relax()  # compile
            elapsed, result = best_of(relax, repeats)
            assert result.converged and (result.spins == xi[0]).mean() > 0.99
            attempts = (result.sweeps + 1) * n  # sweeps plus the explicit stability checks
            plain = numpy_ms = ""
            ratio = speedup = ""
            if storage == "patterns":
                site = np.ascontiguousarray(xi.T)
                orders = np.array([np.random.default_rng(k).permutation(n) for k in range(20)])
                plain_numba_recall(site, start.astype(np.int8).copy(), orders)
                plain_time, _ = best_of(lambda: plain_numba_recall(site, start.astype(np.int8).copy(), orders), repeats)
                plain, ratio = f"{plain_time * 1e3:.2f}", f"{elapsed / plain_time:.2f}"
            if storage == "dense" and n <= numpy_limit:
                J = model.couplings.matrix
                numpy_time, _ = best_of(lambda: numpy_loop_recall(J, start, np.random.default_rng(0)), 1)
                numpy_ms, speedup = f"{numpy_time * 1e3:.0f}", f"{numpy_time / elapsed:.0f}x"
            print(f"{storage:>9} {n:>7} {p:>5} {int(result.sweeps):>6} {elapsed * 1e3:>9.3f} "
                  f"{elapsed / attempts * 1e9:>10.1f} {plain:>14} {ratio:>6} {numpy_ms:>13} {speedup:>8}")


def flat_table(sizes, n_patterns, repeats):
    print(f"\n## Time per attempt at fixed P = {n_patterns} (pattern storage, 3 sweeps from random spins)")
    print(f"{'N':>8} {'sequential ns/attempt':>22} {'permutation ns/attempt':>23}")
    for n in sizes:
        xi = ih.random_patterns(n_patterns, n, rng=n, layout="site")
        model = ih.hebbian(xi)
        start = ih.random_spins(1, n, rng=2)
        row = []
        for schedule in ("sequential", "permutation"):
            run = lambda: ih.relax(model, start, schedule=schedule, max_sweeps=3, rng=1)  # noqa: E731
            run()
            elapsed, result = best_of(run, repeats)
            row.append(elapsed / (int(result.sweeps[0]) * n) * 1e9)
        print(f"{n:>8} {row[0]:>22.1f} {row[1]:>23.1f}")
    print("(permutation order reads the rows of ξ at random: past the caches, memory latency shows)")


MEMORY_SCRIPT = """
import resource, numpy as np, isinghop as ih
base = ih.relax(ih.hebbian(ih.random_patterns(5, 100, rng=0)), np.ones(100), rng=0)  # compile first
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
numba.set_num_threads(1)
xi = ih.random_patterns({p}, {n}, rng=1, layout="site")
start = ih.flip_fraction(xi[0], {noise}, rng=2)
built = time.perf_counter()
model = ih.hebbian(xi)
modelled = time.perf_counter()
for schedule in ("permutation", "sequential"):
    began = time.perf_counter()
    result = ih.relax(model, start, schedule=schedule, rng=3)
    ended = time.perf_counter()
    print(schedule, int(result.sweeps), (result.spins == xi[0]).mean(), ended - began)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before / 1024, after / 1024, xi.nbytes / 2**20, modelled - built)
"""


def memory_row(n, p, noise):
    script = "import time, numba\n" + MEMORY_SCRIPT.format(n=n, p=p, noise=noise)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    *recalls, memory = done.stdout.splitlines()
    before, after, xi_mb, build = memory.split()
    print(f"\n## Peak memory, N = {n}, P = {p} (alpha = {p / n:g}), recall from {noise:.0%} noise (fresh process)")
    print(f"peak RSS after import and compile: {float(before):.0f} MiB; peak RSS at the end: {float(after):.0f} MiB; "
          f"xi alone: {float(xi_mb):.0f} MiB (the model holds its own copy); model built in {float(build):.1f} s")
    for line in recalls:
        schedule, sweeps, accuracy, seconds = line.split()
        print(f"recall, schedule {schedule}: {float(seconds):.1f} s on one thread over {sweeps} sweeps; "
              f"final fraction of correct bits {float(accuracy):.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--memory", action="store_true", help="only the peak-memory rows at N = 10^5")
    args = parser.parse_args()
    numba.set_num_threads(1)
    print(f"isinghop {ih.__version__}, numba {numba.__version__}, numpy {np.__version__}, one thread")
    if args.quick:
        recall_table([1000, 3000], dense_limit=3000, numpy_limit=1000, repeats=3)
        flat_table([1000, 10_000], 100, repeats=3)
        return
    if not args.memory:
        recall_table([1000, 3000, 10_000, 30_000, 100_000], dense_limit=10_000, numpy_limit=10_000, repeats=5)
        flat_table([1000, 10_000, 100_000, 1_000_000], 100, repeats=3)
    memory_row(100_000, 5000, 0.2)
    memory_row(100_000, 14_000, 0.1)
    print(f"\nthis process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
