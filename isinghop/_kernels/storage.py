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


@functools.cache
def kernels(init, field, flip):
    """The sweep kernels (``relax``, ``sample``) compiled for the storage of ``init``, ``field``, ``flip``."""
    storage = f"{init.py_func.__module__.rpartition('.')[2]}_{init.py_func.__name__}"
    name = f"isinghop._kernels.sweeps_{storage}"
    spec = importlib.util.spec_from_file_location(name, _HERE / "sweeps.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a kernel loaded from the cache finds its globals through this name
    spec.loader.exec_module(module)
    module.init, module.field, module.flip = init, field, flip
    for function in ("relax", "sample"):
        python = getattr(module, function)
        python.__qualname__ = f"{function}_{storage}_{_source_hash()}"
        setattr(module, function, njit(nogil=True, cache=True)(python))
    return module
