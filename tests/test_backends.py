"""Backends: the CUDA kernels (run by numba's CUDA simulator) give the CPU's chains bit for bit.

The simulator evaluates ``exp`` with the host's library, so these tests cannot see where a GPU's libdevice
``exp`` differs from the CPU's in the last bit (where a probability does not come from a table; the docstring
of :mod:`isinghop._kernels.backends.cuda` states the conditions)."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import isinghop as ih

# Run in a fresh interpreter: the simulator must be chosen before numba.cuda is first imported.
SIMULATED = textwrap.dedent("""
    import warnings
    import numpy as np
    import isinghop as ih

    warnings.simplefilter("ignore", RuntimeWarning)  # the simulator's uint64 arithmetic wraps, and says so
    xi = ih.random_patterns(3, 12, rng=1)
    models = {"patterns": ih.hebbian(xi), "patterns-field": ih.hebbian(xi).with_field(h=np.arange(-6, 6) / 12),
              "dense-self-coupling": ih.hebbian(xi, storage="dense", self_coupling=True)}
    cases = [("metropolis", "sequential"), ("metropolis", "permutation"), ("metropolis", "random"),
             ("glauber", "permutation"), ("glauber", "synchronous")]
    spins = ih.random_spins(3, 12, rng=2)
    for name, model in models.items():
        for rule, schedule in cases:
            runs = [ih.sample(model, spins, T=[0.5, 0.8, 1.5], rule=rule, schedule=schedule, sweeps=4, burn_in=1,
                              record=("energy_per_spin", "magnetisation", "overlaps"), patterns=xi, rng=3,
                              backend=backend) for backend in ("cpu", "cuda")]
            for field in ("spins", "energy_per_spin", "magnetisation", "overlaps", "acceptance", "rng_state"):
                assert np.array_equal(getattr(runs[0], field), getattr(runs[1], field)), (name, rule, schedule, field)
        # annealing computes exp on the device: the simulator's is the CPU's; a GPU's may differ in the last bit
        annealed = [ih.sample(model, spins, anneal=ih.linear_anneal(2.0, 0.2, 5), sweeps=5, rng=4, backend=backend)
                    for backend in ("cpu", "cuda")]
        assert np.array_equal(annealed[0].spins, annealed[1].spins), (name, "annealed")
        ladders = [ih.tempering(model, spins[0], T=[0.4, 0.8, 1.6], sweeps=4, exchange_every=2, rng=5,
                                backend=backend) for backend in ("cpu", "cuda")]
        for field in ("spins", "energy_per_spin", "exchange_acceptance", "rng_state"):
            assert np.array_equal(getattr(ladders[0], field), getattr(ladders[1], field)), (name, "tempering", field)
        for schedule in ("synchronous", "sequential", "permutation", "random"):
            for tie in ("keep", "random"):
                runs = [ih.relax(model, spins, schedule=schedule, tie=tie, patterns=xi, rng=6, backend=backend,
                                 record=("energy_per_spin", "overlaps", "snapshots")) for backend in ("cpu", "cuda")]
                for field in ("spins", "sweeps", "converged", "settled", "free", "cycle_length", "flips",
                              "energy_per_spin", "overlaps", "snapshots", "rng_state"):
                    assert np.array_equal(getattr(runs[0], field), getattr(runs[1], field), equal_nan=True), (
                        name, "relax", schedule, tie, field)

    # Past the tables' end. A ferromagnet scale·J = 40 000 (1 − δ_ij) on 6 sites, scale 2 000 (J = 20, exact): every
    # raw field is ±40 000 times an odd number, so every uphill Metropolis move costs ΔE·scale ≥ 80 000 and every
    # Glauber numerator has |φ·scale| ≥ 40 000, past MAX_TABLE = 16 384 (the tables exist, 3 rows): each of these
    # probabilities is an exp the kernel computes, none is read from a table. A random dense model with a field
    # mixes both. On a GPU that exp is libdevice's, which may differ from the CPU's in the last bit, so the chains
    # may part there (the docstring of isinghop._kernels.backends.cuda says when they cannot); under the simulator it is the
    # host's, so they must agree: this shows that the path past the tables runs on the device and matches the CPU's,
    # not what a real GPU's exp does. (The simulator also does integer arithmetic as NumPy does: a flip's
    # 2 s_i · K_ij stays in K's dtype, int16 for |K| < 2^15, where compiled numba, CPU or CUDA, widens it to int64;
    # so the ferromagnet's K is above int16's range, and 2·K fits the int32 it is stored in.)
    from isinghop.montecarlo import MAX_TABLE

    ferro = ih.dense_model(40_000 * (1 - np.eye(6, dtype=np.int64)), scale=2000)
    J = np.random.default_rng(7).integers(-3000, 3001, (12, 12))
    mixed = ih.dense_model(np.triu(J, 1) + np.triu(J, 1).T, scale=1000, h=np.arange(-6, 6) / 2)
    assert ferro.exact and mixed.exact and 2 * mixed.couplings.field_bound > MAX_TABLE > 16_000
    for name, model, start, T in (("ferro", ferro, np.ones((3, 6), dtype=np.int8), [60.0, 100.0, 200.0]),
                                  ("mixed", mixed, ih.random_spins(3, 12, rng=8), [2.0, 5.0, 10.0])):
        for rule in ("metropolis", "glauber"):
            runs = [ih.sample(model, start, T=T, rule=rule, sweeps=20, rng=9, backend=backend)
                    for backend in ("cpu", "cuda")]
            for field in ("spins", "energy_per_spin", "magnetisation", "acceptance", "rng_state"):
                assert np.array_equal(getattr(runs[0], field), getattr(runs[1], field)), (name, rule, field)
            if name == "ferro" and rule == "metropolis":  # the chains left the ground state (−50 per spin) uphill
                assert (runs[0].energy_per_spin > -50.0).any(axis=1).all(), runs[0].energy_per_spin
    print("identical")
""")


@pytest.mark.slow
def test_cuda_chains_equal_the_cpu_chains_in_the_simulator():
    """Dense and Hebbian pattern storage, with and without field and self-coupling; Metropolis and Glauber,
    every schedule; fixed T per replica, annealed, tempering, and the zero-T dynamics under a deterministic
    and a random tie rule; energy changes past the end of the probability tables: identical records and
    generator states (the simulator's exp is the host's: see the comments in the script)."""
    done = subprocess.run([sys.executable, "-c", SIMULATED], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "NUMBA_ENABLE_CUDASIM": "1"})
    assert done.returncode == 0 and "identical" in done.stdout, done.stderr[-3000:]


def test_backend_is_checked_before_running():
    model = ih.hebbian(ih.random_patterns(2, 20, rng=1))
    with pytest.raises(ValueError, match="backend"):
        ih.sample(model, np.ones(20), T=1.0, sweeps=1, backend="tpu")
    with pytest.raises(ValueError, match="backend: 'cuda' runs dense and Hebbian pattern couplings, not SparseCouplings"):
        ih.sample(ih.square_lattice(4), np.ones(16), T=1.0, sweeps=1, backend="cuda")
    with pytest.raises(ValueError, match="pattern matrix"):
        ih.sample(ih.pseudo_inverse(ih.random_patterns(2, 20, rng=1)), np.ones(20), T=1.0, sweeps=1, backend="cuda")
    from numba import cuda

    if not cuda.is_available():
        with pytest.raises(RuntimeError, match="NVIDIA GPU"):
            ih.tempering(model, np.ones(20), T=[1.0, 2.0], sweeps=2, exchange_every=1, backend="cuda")
        with pytest.raises(RuntimeError, match="NVIDIA GPU"):
            ih.relax(model, np.ones(20), backend="cuda")
