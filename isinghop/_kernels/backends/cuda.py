"""The CUDA backend: the kernels of sweeps.py compiled for NVIDIA GPUs, a thread per replica.

One source for both backends. sweeps.py is loaded once per storage with device versions of every
compiled function it calls: :func:`device` recompiles a CPU kernel function's Python source with
``cuda.jit(device=True)``, its globals pointing at device versions in turn. A replica's chain so
draws the same random numbers in the same order as on the CPU, from its own xoshiro256** state. Every
product in the kernels' float sums is by ±1, ±2 or ½, so the fused multiply-adds the device compiler
makes are exact, and the zero-temperature dynamics (which use no probability) match the CPU's.

A Monte Carlo chain equals the CPU chain bit for bit when every Metropolis and Glauber probability it
uses comes from the host's tables (made by :func:`isinghop.montecarlo._tables`), that is when

* the model is exact (``model.exact``: integer couplings and an integral ``scale · h``);
* each temperature is fixed for the run (``T``, or a tempering ladder; not ``anneal``);
* the tables exist: ``n_T · (2·size + 1) · 8`` bytes, for ``n_T`` distinct temperatures, at most
  ``montecarlo.MAX_TABLE_BYTES`` (16 MiB: 64 temperatures when ``size`` is full);
* and every numerator met lies in them: with ``B = field_bound + max |scale · h|`` (raw units), the
  uphill ``ΔE · scale`` of Metropolis up to ``size = min(MAX_TABLE, 2B)`` and Glauber's ``|φ · scale|``
  up to ``min(MAX_TABLE, B)``, ``montecarlo.MAX_TABLE = 16 384``. ``2B ≤ MAX_TABLE`` (Metropolis) or
  ``B ≤ MAX_TABLE`` (Glauber) guarantees it; for Hebbian couplings without a field ``B = (N − 1) P``.

Elsewhere the device computes ``exp`` itself, with libdevice's, which may differ from the CPU's in the
last bit; where a draw falls between the two values (about once in 10^16 such draws) the GPU chain
parts from the CPU chain, and the rest of it differs. So the chains agree almost always, but not by
construction. Moves past a table's end are common in large models, not only improbable ones: with
Hebbian couplings on N = 16 000 sites (scale N) the Metropolis table ends at ``ΔE = 16 384/N ≈ 1``,
and a move that costs more is accepted with probability ``exp(−ΔE/T)``, far from negligible at T ~ 1.
Under numba's CUDA simulator ``exp`` is the host's, so there the chains agree in every case (the tests
show that the path past the tables runs and agrees; they cannot see libdevice's last bit).

The storages with a device version are dense and Hebbian pattern couplings. Under
``NUMBA_ENABLE_CUDASIM=1`` numba's CUDA simulator runs the kernels on the CPU (for tests).
"""

import functools
import types

import numpy as np
from numba import cuda, uint64
from numba.core.dispatcher import Dispatcher

from isinghop._kernels.loader import announced, load_sweeps, storage_name
from isinghop.couplings import DenseCouplings, PatternCouplings

#: What this backend runs.
RUNS = "dense and Hebbian pattern couplings"

#: Threads per block: one replica each.
THREADS_PER_BLOCK = 64
#: Monte Carlo sweeps per launch at most: a display's watchdog kills long launches, and Ctrl-C waits for one.
SWEEPS_PER_LAUNCH = 100


def unsupported(couplings) -> str | None:
    """``None`` for dense and Hebbian pattern couplings (the storages with a device version); else what ``couplings`` is."""
    if isinstance(couplings, DenseCouplings) or (isinstance(couplings, PatternCouplings) and couplings.matrix is None):
        return None
    if isinstance(couplings, PatternCouplings):
        return "pattern couplings with a pattern matrix A"
    return type(couplings).__name__


def check_available() -> None:
    """Raise ``RuntimeError`` unless a GPU (or numba's simulator, ``NUMBA_ENABLE_CUDASIM=1``) can run the kernels."""
    if not cuda.is_available():
        raise RuntimeError("backend: 'cuda' needs an NVIDIA GPU, its driver and numba-cuda "
                           "(pip install 'isinghop[cuda]'); NUMBA_ENABLE_CUDASIM=1 runs numba's CUDA simulator")


@functools.cache
def device(function):
    """The CUDA device version of a CPU kernel function (an ``njit`` dispatcher)."""
    python = function.py_func
    namespace = dict(python.__globals__)
    for name in python.__code__.co_names:  # the globals it uses (none calls itself)
        value = namespace.get(name)
        if isinstance(value, Dispatcher):
            namespace[name] = device(value)
    clone = types.FunctionType(python.__code__, namespace, python.__name__, python.__defaults__, python.__closure__)
    return cuda.jit(device=True)(clone)


def _replica_loops(init, field, flip):
    """sweeps.py loaded for the device, with the general and with the plain numerator."""
    functions = (device(init), device(field), device(flip))
    name = f"cuda_sweeps_{storage_name(field)}"
    compile_device = cuda.jit(device=True)
    return (load_sweeps(name, False, *functions, compile_device, translate=device),
            load_sweeps(name, True, *functions, compile_device, translate=device))


@functools.cache
def relax_kernel(init, field, flip):
    """The CUDA relaxation kernel of one storage: ``kernel[blocks, threads](…)`` runs replica r in thread r."""
    relax_replica = _replica_loops(init, field, flip)[0].relax_replica

    @cuda.jit
    def kernel(data, hs, raw_diagonal, scale, tol_s, schedule, tie, order, limit, zobrist, detect_cycles, patterns,
               snapshot_every, spins, aux, states, sweeps, status, cycle, flips, history, energies, magnetisations,
               overlaps, snapshots, free, sites, proposal):
        r = cuda.grid(1)
        if r < spins.shape[0] and status[r] == 0:  # RUNNING
            relax_replica(data, hs, raw_diagonal, scale, tol_s, schedule, tie, order, limit, zobrist, detect_cycles,
                          patterns, snapshot_every, spins, aux, states, sweeps, status, cycle, flips, history,
                          (energies, magnetisations, overlaps, snapshots), free, r, (sites[r], proposal[r]))

    return kernel


@functools.cache
def sample_kernel(init, field, flip):
    """The CUDA Monte Carlo kernel of one storage: ``kernel[blocks, threads](…)`` runs replica r in thread r."""
    loops = _replica_loops(init, field, flip)
    general, plain = loops[0].sample_replica, loops[1].sample_replica

    @cuda.jit
    def kernel(data, hs, raw_diagonal, scale, tol_s, rule, schedule, order, burn_in, record_every, patterns, tables,
               table_size, anneal, first_sweep, n_sweeps, first_record, fresh, is_plain, spins, aux, e_nums, states,
               T_replica, table_row, energies, magnetisations, overlaps, snapshots, accepted, sites, proposal, sums):
        r = cuda.grid(1)
        if r < spins.shape[0]:
            records = (energies, magnetisations, overlaps, snapshots)
            scratch = (sites[r], proposal[r], sums[r])
            state = cuda.local.array(4, uint64)  # the generator in the thread's own memory, not global
            for k in range(4):
                state[k] = states[r, k]
            if is_plain:
                flips = plain(data, hs, raw_diagonal, scale, tol_s, rule, schedule, order, burn_in, record_every,
                              patterns, tables, table_size, anneal, first_sweep, n_sweeps, first_record, fresh, spins,
                              aux, e_nums, T_replica, table_row, records, r, state, scratch)
            else:
                flips = general(data, hs, raw_diagonal, scale, tol_s, rule, schedule, order, burn_in, record_every,
                                patterns, tables, table_size, anneal, first_sweep, n_sweeps, first_record, fresh,
                                spins, aux, e_nums, T_replica, table_row, records, r, state, scratch)
            for k in range(4):
                states[r, k] = state[k]
            accepted[r] += flips

    return kernel


def _to_device(value, uploaded: dict):
    """Arrays (and tuples of arrays) to the device, each host array once per ``uploaded``; other values as they are."""
    if isinstance(value, tuple):
        return tuple(_to_device(item, uploaded) for item in value)
    if not isinstance(value, np.ndarray):
        return value
    if id(value) not in uploaded:
        uploaded[id(value)] = (value, cuda.to_device(np.ascontiguousarray(value)))  # the host array kept: ids stay unique
    return uploaded[id(value)][1]


def _launch(kernel, arguments: tuple, per_replica: tuple, scratch: tuple, uploaded: dict) -> None:
    """Launch a thread per replica; the per-replica arrays come back to the host in place."""
    on_device = [cuda.to_device(np.ascontiguousarray(array)) for array in per_replica]
    n_replica = per_replica[0].shape[0]
    blocks = (n_replica + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK
    kernel[blocks, THREADS_PER_BLOCK](*(_to_device(value, uploaded) for value in arguments), *on_device, *scratch)
    for host, array in zip(per_replica, on_device):
        array.copy_to_host(host)


def relax_runner(init, field, flip):
    """``run(shared, per_replica)``: the relaxation of one run on the device, with the CPU kernel's arguments
    (:func:`isinghop._kernels.sweeps.relax`); the couplings and other shared arrays are uploaded once."""
    kernel = relax_kernel(init, field, flip)
    uploaded = {}

    def run(shared: tuple, per_replica: tuple) -> None:
        n_replica, n = per_replica[0].shape
        _launch(kernel, shared, per_replica,
                (cuda.device_array((n_replica, n), np.int64), cuda.device_array((n_replica, n), np.int8)), uploaded)

    return announced(run)


def sample_runner(init, field, flip, plain: bool = False):
    """``run(shared, per_replica)``: Monte Carlo of one chain set-up on the device, with the CPU kernel's
    arguments (:func:`isinghop._kernels.sweeps.sample`; ``plain``: the model has neither field nor
    self-couplings); the couplings and other shared arrays are uploaded once."""
    kernel = sample_kernel(init, field, flip)
    uploaded = {}

    def run(shared: tuple, per_replica: tuple) -> None:
        patterns = shared[10]
        n_replica, n = per_replica[0].shape
        _launch(kernel, (*shared, plain), per_replica,
                (cuda.device_array((n_replica, n), np.int64), cuda.device_array((n_replica, n), np.int8),
                 cuda.device_array((n_replica, max(1, patterns.shape[1])), np.int64)), uploaded)

    return announced(run)
