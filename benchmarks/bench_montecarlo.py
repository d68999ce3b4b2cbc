"""Single-spin Monte Carlo speed against the Ising samplers a user would pick instead.

Run: python -m pip install -e ".[bench]" && python benchmarks/bench_montecarlo.py [--quick] [--backend cuda]

Problem: Hebbian couplings of P = 100 random patterns on N = 2000 sites, h = 0,
started from pattern 1, at T = 0.4 and T = 0.5, one chain on one core. Every
sampler gets the same start and runs at fixed β. Peers write the energy as
``+Σ h s + Σ J s s``: they get −J and −h, and their reported energies are
checked against isinghop's for the same states.

Timing: each sampler runs S1 and S2 sweeps; the slope gives the attempts per
second of the sampling alone and the intercept the fixed per-call set-up
(reported apart). All figures come from this one run, side by side. The peers
sweep the sites in index order, like isinghop's ``sequential`` schedule;
``permutation`` (a fresh random order per sweep) is shown too. Thread scaling:
8 replicas on 1 and 2 threads, for dense and pattern storage. ``--backend
cuda`` adds rows for 1024 replicas on the GPU (and the CPU's rate on the same
1024 replicas).

Besides the table, the figures are written as JSON (``--json``, default
``benchmarks/results/bench_montecarlo.json``) with the machine, the versions
and the date, so that the paper quotes them from a file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time
from pathlib import Path

import numba
import numpy as np

import isinghop as ih

N_SITES, N_PATTERNS = 2000, 100


def timed(run, sweeps):
    """Best-of-three wall time of ``run(sweeps)`` and its last result."""
    best, result = np.inf, None
    for _ in range(3):
        start = time.perf_counter()
        result = run(sweeps)
        best = min(best, time.perf_counter() - start)
    return best, result


def rate(run, short, long):
    """Attempts per second from the slope between two sweep counts, the set-up, and the long run's state."""
    t_short, _ = timed(run, short)
    t_long, state = timed(run, long)
    per_sweep = (t_long - t_short) / (long - short)
    return N_SITES / per_sweep, t_short - short * per_sweep, state


def numpy_metropolis(J, start, T, sweeps, seed):
    """The floor: plain NumPy Metropolis with a kept field vector."""
    rng = np.random.default_rng(seed)
    s = start.astype(np.float64).copy()
    fields = J @ s
    for _ in range(sweeps):
        for i in rng.permutation(len(s)):
            delta = 2 * s[i] * fields[i]
            if delta <= 0 or rng.random() < np.exp(-delta / T):
                s[i] = -s[i]
                fields += 2 * s[i] * J[:, i]
    return s


def peers():
    """The peer samplers that are installed (the ``bench`` extra), as name -> factory."""
    found = {}
    try:
        import openjij

        found["openjij SASampler (dense, Metropolis)"] = ("openjij", openjij)
    except ImportError:
        print("openjij not installed: pip install -e '.[bench]'")
    try:
        from dwave.samplers import SimulatedAnnealingSampler

        found["dwave-samplers SA (Metropolis)"] = ("dwave", (SimulatedAnnealingSampler, "Metropolis"))
        found["dwave-samplers SA (Gibbs)"] = ("dwave", (SimulatedAnnealingSampler, "Gibbs"))
    except ImportError:
        print("dwave-samplers not installed: pip install -e '.[bench]'")
    return found


def peer_runner(kind, handle, h_peer, J_peer, start, T, seed):
    beta = 1.0 / T
    initial = start.tolist()
    if kind == "openjij":
        sampler = handle.SASampler()

        def run(sweeps):
            response = sampler.sample_ising(h_peer, J_peer, schedule=[(beta, sweeps)], num_reads=1,
                                            initial_state=initial, updater="single spin flip", sparse=False,
                                            seed=seed)
            return response.record.sample[0], response.record.energy[0]

        return run
    sampler_class, criterion = handle
    sampler = sampler_class()

    def run(sweeps):
        response = sampler.sample_ising(h_peer, J_peer, beta_range=[beta, beta], num_sweeps=sweeps, num_reads=1,
                                        initial_states=np.array([initial], dtype=np.int8), initial_states_generator="none",
                                        proposal_acceptance_criteria=criterion, seed=seed)
        order = np.argsort(response.variables)
        return response.record.sample[0][order], response.record.energy[0]

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sweeps, no NumPy floor")
    parser.add_argument("--backend", choices=ih.vocabulary.BACKENDS, default="cpu",
                        help="cuda: add the GPU rows (1024 replicas)")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "results" / "bench_montecarlo.json")
    args = parser.parse_args()
    results = {"problem": {"n_sites": N_SITES, "n_patterns": N_PATTERNS, "start": "pattern 1"},
               "machine": {"platform": platform.platform(), "processor": ih.runtime.cpu_model(), "cpu_count": os.cpu_count()},
               "versions": {"isinghop": ih.__version__, "numba": numba.__version__, "numpy": np.__version__,
                            "git": ih.runtime.collect(seed_entropy=0, parameters={})["git_describe"]},
               "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "rows": [], "thread_scaling": [], "gpu": []}
    # the peers spend about a second per call converting the model: long runs keep that out of the slope
    short, long = (1, 2000) if args.quick else (1, 20000)
    numba.set_num_threads(1)
    xi = ih.random_patterns(N_PATTERNS, N_SITES, rng=1)
    start = xi[0].copy()
    models = {"dense": ih.hebbian(xi, storage="dense"), "patterns": ih.hebbian(xi)}
    J = ih.to_dense(models["dense"])
    rows, cols = np.triu_indices(N_SITES, k=1)
    J_peer = {(int(i), int(j)): float(-J[i, j]) for i, j in zip(rows, cols)}  # peers' H = + sum J s s + sum h s
    h_peer = {i: 0.0 for i in range(N_SITES)}
    found = peers()
    print(f"isinghop {ih.__version__}; Hebbian N = {N_SITES}, P = {N_PATTERNS}, start at pattern 1, one core; "
          f"{short} and {long} sweeps")
    for T in (0.4, 0.5):
        print(f"\n## T = {T}")
        print(f"{'sampler':<42} {'M attempts/s':>12} {'set-up ms':>10} {'final m1':>9} {'vs fastest peer':>16}")
        rows_out = []
        for name, (kind, handle) in found.items():
            run = peer_runner(kind, handle, h_peer, J_peer, start, T, seed=7)
            speed, setup, (state, reported) = rate(run, short, long)
            state = np.asarray(state, dtype=np.int8)
            assert np.isclose(reported, ih.energy(models["dense"], state), atol=1e-6), "peer energy convention"
            rows_out.append((name, speed, setup, (state @ xi[0].astype(int)) / N_SITES, True))
        fastest_peer = max((row[1] for row in rows_out), default=np.nan)
        for storage, model in models.items():
            for rule in ("metropolis", "glauber"):
                for schedule in ("sequential", "permutation"):
                    def run(sweeps, model=model, rule=rule, schedule=schedule):
                        chain = ih.sample(model, start, T=T, rule=rule, schedule=schedule, sweeps=sweeps,
                                          record_every=sweeps, rng=7)
                        return chain.spins, chain.energy_per_spin[-1] * N_SITES
                    run(2)  # compile
                    speed, setup, (state, _) = rate(run, short, long)
                    rows_out.append((f"isinghop {storage} {rule} {schedule}", speed, setup,
                                     (state @ xi[0].astype(int)) / N_SITES, False))
        if not args.quick:
            sweeps = 3
            begin = time.perf_counter()
            state = numpy_metropolis(J, start, T, sweeps, seed=7)
            elapsed = time.perf_counter() - begin
            rows_out.append(("plain NumPy Metropolis (floor)", N_SITES * sweeps / elapsed, 0.0,
                             (state @ xi[0]) / N_SITES, False))
        for name, speed, setup, overlap, is_peer in rows_out:
            ratio = "" if is_peer else f"{speed / fastest_peer:.2f}x"
            print(f"{name:<42} {speed / 1e6:>12.2f} {setup * 1e3:>10.1f} {overlap:>9.3f} {ratio:>16}")
            results["rows"].append({"T": T, "sampler": name, "attempts_per_s": speed, "setup_s": setup,
                                    "final_m1": float(overlap), "peer": is_peer,
                                    "vs_fastest_peer": None if is_peer else speed / fastest_peer})

    print("\n## Thread scaling, Metropolis (permutation), 8 replicas, T = 0.4, side by side")
    replicas = np.repeat(start[None, :], 8, axis=0)
    for storage, model in models.items():
        rates = []
        for threads in (1, 2):
            numba.set_num_threads(threads)
            ih.sample(model, replicas, T=0.4, sweeps=2, rng=1)
            elapsed, _ = timed(lambda sweeps, model=model: ih.sample(model, replicas, T=0.4, sweeps=sweeps,
                                                                     record_every=sweeps, rng=1), long // 4)
            rates.append(8 * N_SITES * (long // 4) / elapsed)
            results["thread_scaling"].append({"storage": storage, "threads": threads, "attempts_per_s": rates[-1]})
        print(f"{storage:<9} 1 thread {rates[0] / 1e6:7.1f} M attempts/s, 2 threads {rates[1] / 1e6:7.1f}: "
              f"{rates[1] / rates[0]:.2f}x")
    numba.set_num_threads(1)
    if args.backend == "cuda":
        print("\n## GPU, 1024 replicas, Metropolis (permutation), T = 0.4, against the CPU (all its threads)")
        many = np.repeat(start[None, :], 1024, axis=0)
        for storage, model in models.items():
            for backend in ("cpu", "cuda"):
                numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
                ih.sample(model, many, T=0.4, sweeps=2, rng=1, backend=backend)
                sweeps = 200
                elapsed, _ = timed(lambda s, model=model, backend=backend: ih.sample(
                    model, many, T=0.4, sweeps=s, record_every=s, rng=1, backend=backend), sweeps)
                throughput = 1024 * N_SITES * sweeps / elapsed
                results["gpu"].append({"storage": storage, "backend": backend, "replicas": 1024,
                                       "attempts_per_s": throughput})
                print(f"{storage:<9} {backend:<5} {throughput / 1e6:9.1f} M attempts/s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))
    print(f"\nwritten: {args.json}")


if __name__ == "__main__":
    main()
