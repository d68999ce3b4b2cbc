"""The loader every backend shares: sweeps.py compiled once per coupling storage, under names numba's on-disk cache cannot confuse.

The kernels of :mod:`isinghop._kernels.sweeps` call their storage's ``init``, ``field`` and ``flip``
as module globals, so that numba inlines them (no function-typed dispatch). For each storage that
file is loaded as a module of its own with those three names set, and its functions are compiled
with ``cache=True`` under a name that carries the storage and :func:`source_hash`, a hash of
everything the kernels are compiled from: numba keys its cache by file and name, checks only the
timestamp of the cached function's own file, and bakes the module globals a kernel reads into the
machine code as constants, so it notices neither a change in the functions a cached function calls
nor one in the vocabularies' codes (:mod:`isinghop.vocabulary`) that the kernel files import; a
change in either gives new names instead of stale code. :func:`cached` does the same for a kernel
function compiled on its own (``montecarlo.fill_tables``). The cache lives where numba puts it (``__pycache__``
beside the sources, or ``NUMBA_CACHE_DIR``).
"""

import functools
import hashlib
import importlib.util
import re
import sys
from pathlib import Path

from numba import njit
from numba.core import event
from numba.core.dispatcher import Dispatcher

_HERE = Path(__file__).parent
#: ``from isinghop.<module> import ...`` in a kernel file: a module whose names a kernel may bake in.
_OUTSIDE_IMPORT = re.compile(r"^from (isinghop(?:\.\w+)+) import", re.MULTILINE)


@functools.cache
def source_hash() -> str:
    """A hash of every source the kernels are compiled from: the files of this package and every isinghop
    module that a file compiling with ``njit`` imports from (the vocabularies, whose codes the kernels bake
    in as constants); any change in one compiles afresh."""
    digest = hashlib.sha256()
    read = set()
    for path in sorted(_HERE.rglob("*.py")):
        source = path.read_text()
        digest.update(str(path.relative_to(_HERE)).encode() + b"\0" + source.encode())
        for module in _OUTSIDE_IMPORT.findall(source) if "njit" in source else ():
            origin = importlib.util.find_spec(module).origin
            if not module.startswith("isinghop._kernels") and origin not in read:
                read.add(origin)
                digest.update(module.encode() + b"\0" + Path(origin).read_bytes())
    return digest.hexdigest()[:12]


def cached(function) -> Dispatcher:
    """``njit(cache=True)`` of a kernel function compiled on its own, under a name that carries
    :func:`source_hash` (numba would otherwise check only its own file's timestamp, and keep serving
    the codes it was first compiled with)."""
    function.__qualname__ = f"{function.__qualname__}_{source_hash()}"
    return njit(cache=True)(function)


def storage_name(field) -> str:
    """The storage of a kernel function triple, named by the module and name of its ``field``."""
    return f"{field.py_func.__module__.rpartition('.')[2]}_{field.py_func.__name__}"


#: The helpers of sweeps.py that call the storage's functions; inlined into the kernels.
HELPERS = ("general_numerator", "plain_numerator", "energy_numerator", "check", "relax_replica", "sample_replica")


def load_sweeps(name: str, plain: bool, init, field, flip, compile_helper, translate=None):
    """sweeps.py as a module of its own: the storage's functions as its globals, its helpers compiled
    by ``compile_helper``, ``numerator`` the plain or the general one; ``translate`` (a backend's)
    replaces the compiled functions it imports."""
    name = f"isinghop._kernels.{name}{'_plain' if plain else ''}"
    spec = importlib.util.spec_from_file_location(name, _HERE / "sweeps.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # a kernel loaded from the cache finds its globals through this name
    spec.loader.exec_module(module)
    if translate is not None:
        for key, value in list(vars(module).items()):
            if isinstance(value, Dispatcher):
                setattr(module, key, translate(value))
    module.init, module.field, module.flip = init, field, flip
    for helper in HELPERS:
        setattr(module, helper, compile_helper(getattr(module, helper)))
    module.numerator = module.plain_numerator if plain else module.general_numerator
    return module


class _CompileNotice(event.Listener):
    """Says once per process, in one line on stderr, that numba is compiling (a cache hit compiles nothing)."""

    said = False

    def on_start(self, event_data) -> None:
        if not _CompileNotice.said:
            _CompileNotice.said = True
            print("isinghop: compiling kernels (the CPU's are cached on disk: later runs skip this) ...",
                  file=sys.stderr, flush=True)

    def on_end(self, event_data) -> None:
        pass


def announced(function):
    """``function`` (a call into compiled kernels) that says so in one line when that call compiles them."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        if _CompileNotice.said:
            return function(*args, **kwargs)
        with event.install_listener("numba:compile", _CompileNotice()):
            return function(*args, **kwargs)

    return call
