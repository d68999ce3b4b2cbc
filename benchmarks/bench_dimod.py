"""The dimod sampler: isinghop's IsinghopSampler against dwave-samplers' SimulatedAnnealingSampler.

Run: python -m pip install -e ".[bench,dimod]" && python benchmarks/bench_dimod.py

The same BQM for both: Hebbian couplings of P = 100 random patterns on N = 2000
sites (``isinghop.io.bqm.to_bqm``: 2 × 10⁶ quadratic biases), one read started
from pattern 1, fixed β = 2.5 (T = 0.4; dwave: ``beta_range=(β, β)``). Each
sampler runs S1 and S2 sweeps, best of three; the slope gives the attempts
per second of the sampling alone, the intercept the per-call set-up (for
isinghop: turning the BQM into a model). One core, one run, side by side.
"""

from __future__ import annotations

import time

import dimod
import numba
import numpy as np

import isinghop as ih
from isinghop.io.bqm import IsinghopSampler, to_bqm

N_SITES, N_PATTERNS, BETA, SHORT, LONG = 2000, 100, 2.5, 100, 1100


def best_time(run, sweeps):
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        sampleset = run(sweeps)
        best = min(best, time.perf_counter() - start)
    return best, sampleset


def main():
    numba.set_num_threads(1)
    xi = ih.random_patterns(N_PATTERNS, N_SITES, rng=1)
    bqm = to_bqm(ih.hebbian(xi))
    initial = dimod.SampleSet.from_samples((xi[:1], list(range(N_SITES))), dimod.SPIN, energy=[0.0])
    samplers = {"isinghop IsinghopSampler (Metropolis)": lambda sweeps: IsinghopSampler().sample(
        bqm, beta=BETA, num_sweeps=sweeps, initial_states=initial, seed=2)}
    try:
        from dwave.samplers import SimulatedAnnealingSampler

        for updater in ("Metropolis", "Gibbs"):
            samplers[f"dwave-samplers SA ({updater})"] = lambda sweeps, updater=updater: (
                SimulatedAnnealingSampler().sample(bqm, beta_range=(BETA, BETA), num_sweeps=sweeps, num_reads=1,
                                                   initial_states=initial, proposal_acceptance_criteria=updater,
                                                   beta_schedule_type="linear", seed=2))
    except ImportError:
        print("dwave-samplers not installed: pip install -e '.[bench]'")
    print(f"isinghop {ih.__version__}, dimod {dimod.__version__}; N = {N_SITES}, P = {N_PATTERNS}, beta = {BETA}, "
          f"one read, one thread; sweeps {SHORT} and {LONG}, best of three")
    print(f"{'sampler':40} {'M attempts/s':>12} {'set-up s':>9} {'final m1':>9}")
    rates = {}
    for name, run in samplers.items():
        run(2)  # compile
        t_short, _ = best_time(run, SHORT)
        t_long, sampleset = best_time(run, LONG)
        per_sweep = (t_long - t_short) / (LONG - SHORT)
        rates[name] = N_SITES / per_sweep
        spins = sampleset.record.sample[0][np.argsort(sampleset.variables)]
        print(f"{name:40} {rates[name] / 1e6:12.1f} {t_short - SHORT * per_sweep:9.3f} "
              f"{spins @ xi[0].astype(np.int64) / N_SITES:9.3f}")
    ours = rates["isinghop IsinghopSampler (Metropolis)"]
    for name, value in rates.items():
        print(f"isinghop / {name}: {ours / value:.2f}")


if __name__ == "__main__":
    main()
