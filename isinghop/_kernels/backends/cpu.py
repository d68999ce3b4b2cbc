"""The CPU backend: the kernels of sweeps.py compiled by numba for each storage, replicas split over threads."""

import functools

from numba import njit

from isinghop._kernels.loader import announced, load_sweeps, source_hash, storage_name
from isinghop._kernels.threads import over_replicas

#: What this backend runs (every storage).
RUNS = "every storage"
#: No limit on the sweeps of one call.
SWEEPS_PER_LAUNCH = None


def unsupported(couplings) -> None:
    """Nothing: every storage has CPU kernels."""
    return None


def check_available() -> None:
    """Every machine runs the CPU kernels."""


@functools.cache
def kernels(init, field, flip):
    """The sweep kernels compiled for the storage of ``init``, ``field``, ``flip``: ``relax``, ``sample``
    and ``sample_plain``, the Monte Carlo of a model without field and self-couplings, loaded with the
    plain numerator (each compiles on its first call only)."""
    storage = storage_name(field)
    inline = njit(inline="always")
    module = load_sweeps(f"sweeps_{storage}", False, init, field, flip, inline)
    plain = load_sweeps(f"sweeps_{storage}", True, init, field, flip, inline)
    for name, source, function in (("relax", module, "relax"), ("sample", module, "sample"),
                                   ("sample_plain", plain, "sample")):
        python = getattr(source, function)
        python.__qualname__ = f"{name}_{storage}_{source_hash()}"
        setattr(module, name, njit(nogil=True, cache=True)(python))
    return module


def relax_runner(init, field, flip):
    """``run(shared, per_replica)``: :func:`isinghop._kernels.sweeps.relax` of one storage over the replicas."""
    return announced(functools.partial(over_replicas, kernels(init, field, flip).relax))


def sample_runner(init, field, flip, plain: bool = False):
    """``run(shared, per_replica)``: :func:`isinghop._kernels.sweeps.sample` of one storage over the replicas
    (``plain``: the model has neither field nor self-couplings)."""
    module = kernels(init, field, flip)
    return announced(functools.partial(over_replicas, module.sample_plain if plain else module.sample))
