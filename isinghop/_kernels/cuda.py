"""The CUDA backend: the kernels of sweeps.py compiled for NVIDIA GPUs, a thread per replica.

One source for both backends. sweeps.py is loaded once per storage with device versions of every
compiled function it calls: :func:`device` recompiles a CPU kernel function's Python source with
``cuda.jit(device=True)``, its globals pointing at device versions in turn. A replica's chain so
draws the same random numbers in the same order as on the CPU, from its own xoshiro256** state; with
integer couplings the probabilities come from the host's tables, and a GPU chain equals the CPU
chain bit for bit. (With float couplings ``exp`` on the device may differ in the last bit.)

The storages with a device version are dense and Hebbian pattern couplings. Under
``NUMBA_ENABLE_CUDASIM=1`` numba's CUDA simulator runs the kernels on the CPU (for tests).
"""

import functools
import types

import numpy as np
from numba import cuda
from numba.core.dispatcher import Dispatcher

#: Threads per block: one replica each.
THREADS_PER_BLOCK = 64


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
    from isinghop._kernels.storage import load_sweeps, storage_name

    functions = (device(init), device(field), device(flip))
    name = f"cuda_sweeps_{storage_name(init)}"
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
            if is_plain:
                flips = plain(data, hs, raw_diagonal, scale, tol_s, rule, schedule, order, burn_in, record_every,
                              patterns, tables, table_size, anneal, first_sweep, n_sweeps, first_record, fresh, spins,
                              aux, e_nums, T_replica, table_row, records, r, states[r], scratch)
            else:
                flips = general(data, hs, raw_diagonal, scale, tol_s, rule, schedule, order, burn_in, record_every,
                                patterns, tables, table_size, anneal, first_sweep, n_sweeps, first_record, fresh,
                                spins, aux, e_nums, T_replica, table_row, records, r, states[r], scratch)
            accepted[r] += flips

    return kernel


def _to_device(value):
    """Arrays (and tuples of arrays) to the device; other values as they are."""
    if isinstance(value, tuple):
        return tuple(_to_device(item) for item in value)
    return cuda.to_device(np.ascontiguousarray(value)) if isinstance(value, np.ndarray) else value


def _launch(kernel, arguments: tuple, per_replica: tuple, scratch: tuple) -> None:
    """Launch a thread per replica; the per-replica arrays come back to the host in place."""
    on_device = [_to_device(array) for array in per_replica]
    n_replica = per_replica[0].shape[0]
    blocks = (n_replica + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK
    kernel[blocks, THREADS_PER_BLOCK](*(_to_device(value) for value in arguments), *on_device, *scratch)
    for host, array in zip(per_replica, on_device):
        array.copy_to_host(host)


def run_relax(kernel, shared: tuple, per_replica: tuple) -> None:
    """Run ``kernel`` (:func:`relax_kernel`) on every replica, with the arguments of the CPU kernel."""
    n_replica, n = per_replica[0].shape
    _launch(kernel, shared, per_replica,
            (cuda.device_array((n_replica, n), np.int64), cuda.device_array((n_replica, n), np.int8)))


def run_sample(kernel, shared: tuple, per_replica: tuple) -> None:
    """Run ``kernel`` on every replica: the arrays go to the device and the per-replica ones come back in place.

    ``shared`` and ``per_replica`` are the arguments of the CPU kernel (see
    :func:`isinghop._kernels.sweeps.sample`), in its order.
    """
    hs, raw_diagonal = shared[1:3]
    is_plain = bool(np.all(hs == 0.0) and np.all(raw_diagonal == 0.0))
    n_replica, n = per_replica[0].shape
    patterns = shared[10]
    _launch(kernel, (*shared, is_plain), per_replica,
            (cuda.device_array((n_replica, n), np.int64), cuda.device_array((n_replica, n), np.int8),
             cuda.device_array((n_replica, max(1, patterns.shape[1])), np.int64)))
