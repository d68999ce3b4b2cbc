"""One compiled copy of the sweep kernels per coupling storage, kept in numba's on-disk cache.

The kernels of :mod:`isinghop._kernels.sweeps` call their storage's ``init``, ``field`` and ``flip``
as module globals, so that numba inlines them (no function-typed dispatch). For each storage that
file is loaded as a module of its own with those three names set, and its functions are compiled
with ``cache=True`` under a name that carries the storage and a hash of every kernel source file:
numba keys its cache by file and name, and does not notice changes in the functions a cached
function calls, so a changed kernel file gives new names instead of stale code. The cache lives
where numba puts it (``__pycache__`` beside the sources, or ``NUMBA_CACHE_DIR``).
"""

import functools
import hashlib
import importlib.util
import sys
from pathlib import Path

from numba import njit

_HERE = Path(__file__).parent


@functools.cache
def _source_hash() -> str:
    """A hash of every kernel source file (any change compiles afresh)."""
    digest = hashlib.sha256()
    for path in sorted(_HERE.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _load(storage: str, variant: str, init, field, flip, numerator):
    """sweeps.py as a module of its own, with the storage's functions and ``numerator`` as its globals."""
    name = f"isinghop._kernels.sweeps_{storage}{variant}"
    spec = importlib.util.spec_from_file_location(name, _HERE / "sweeps.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a kernel loaded from the cache finds its globals through this name
    spec.loader.exec_module(module)
    module.init, module.field, module.flip, module.numerator = init, field, flip, numerator
    module.sample_replica = njit(inline="always")(module.sample_replica)
    return module


@functools.cache
def kernels(init, field, flip):
    """The sweep kernels (``relax``, ``sample``) compiled for the storage of ``init``, ``field``, ``flip``.

    ``sample`` runs the replicas of a model without field and self-couplings
    through a second copy of the replica loop, loaded with the plain numerator.
    """
    from isinghop._kernels.montecarlo import pair_numerator, plain_numerator

    storage = f"{init.py_func.__module__.rpartition('.')[2]}_{init.py_func.__name__}"
    module = _load(storage, "", init, field, flip, pair_numerator)
    module.sample_replica_plain = _load(storage, "_plain", init, field, flip, plain_numerator).sample_replica
    for function in ("relax", "sample"):
        python = getattr(module, function)
        python.__qualname__ = f"{function}_{storage}_{_source_hash()}"
        setattr(module, function, njit(nogil=True, cache=True)(python))
    return module
