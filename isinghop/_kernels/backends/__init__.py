"""The backends the kernels run on, behind one registry.

Each name of :data:`isinghop.vocabulary.BACKENDS` is a module here that says
which storages it runs (``unsupported(couplings)``: ``None``, or what it
cannot run), whether this machine can run it (``check_available()``), and
provides the runners of the two kernels (``relax_runner``,
``sample_runner``) and the most Monte Carlo sweeps one launch may take
(``SWEEPS_PER_LAUNCH``, ``None`` for no limit). Adding a backend is a name in
the vocabulary and a module here; nothing outside this package asks which
backend it holds.
"""

import importlib
from typing import NamedTuple

from isinghop._validate import choice
from isinghop.vocabulary import BACKENDS


class KernelBackend(NamedTuple):
    """A backend checked for one model: its name, its two kernel runners and its launch limit.

    ``relax_runner(init, field, flip)`` and ``sample_runner(init, field,
    flip, plain)`` return ``run(shared, per_replica)``, which runs the
    kernel of :mod:`isinghop._kernels.sweeps` on every replica with the CPU
    kernel's arguments, the per-replica arrays updated in place.
    """

    name: str
    relax_runner: object
    sample_runner: object
    sweeps_per_launch: int | None


def backend(name: str, couplings) -> KernelBackend:
    """The backend ``name`` (one of :data:`~isinghop.vocabulary.BACKENDS`), checked against ``couplings`` and this machine.

    Raises
    ------
    ValueError
        An unknown backend, or a storage it has no kernel for.
    RuntimeError
        A backend this machine cannot run (``cuda`` without a usable GPU).
    """
    name = choice(name, "backend", BACKENDS)
    module = importlib.import_module(f"{__name__}.{name}")
    missing = module.unsupported(couplings)
    if missing is not None:
        raise ValueError(f"backend: {name!r} runs {module.RUNS}, not {missing}")
    module.check_available()
    return KernelBackend(name, module.relax_runner, module.sample_runner, module.SWEEPS_PER_LAUNCH)
