"""The argument preparation every kernel call shares: validated once, turned into kernel inputs."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from isinghop._kernels.backends import KernelBackend
from isinghop._kernels.backends import backend as kernel_backend
from isinghop._validate import choice, site_order
from isinghop.couplings import PatternCouplings
from isinghop.model import IsingModel
from isinghop.rng import RngLike, replica_states
from isinghop.spins import spin_batch
from isinghop.vocabulary import SCHEDULE_CODES, SCHEDULES, scaled_tolerance, tie_tolerance


def record_names(record, allowed: tuple[str, ...]) -> frozenset[str]:
    """The observables named by ``record`` (a name or an iterable of names), each one of ``allowed``."""
    names = (record,) if isinstance(record, str) else tuple(record or ())
    for name in names:
        choice(name, "record", allowed)
    return frozenset(names)


def overlap_patterns(model: IsingModel, patterns, wanted: bool) -> np.ndarray:
    """Site-major patterns ``(site, pattern)`` int8 whose overlaps a run records.

    ``patterns`` (given as ``(pattern, site)``), else the model's own (held,
    not copied); none (0 columns) if not ``wanted``.
    """
    if not wanted:
        return np.zeros((model.n_sites, 0), dtype=np.int8)
    if patterns is None:
        if not isinstance(model.couplings, PatternCouplings):
            raise ValueError("patterns: recording overlaps needs patterns (the model does not store any)")
        return model.couplings.site_patterns
    return np.ascontiguousarray(spin_batch(patterns, "patterns", model.n_sites)[0].T)


class KernelArguments(NamedTuple):
    """What every kernel call needs, validated once: see :func:`prepare`."""

    batch: np.ndarray
    single: bool
    schedule: int
    order: np.ndarray
    tol_scaled: float
    tol: float
    recorded: np.ndarray
    states: np.ndarray
    backend: KernelBackend


def prepare(model: IsingModel, spins, *, schedule: str, order, tol, patterns, record: frozenset[str],
            rng: RngLike, allowed_schedules: tuple[str, ...] = SCHEDULES, backend: str = "cpu") -> KernelArguments:
    """Validate the arguments shared by :func:`~isinghop.dynamics.relax` and
    :func:`~isinghop.montecarlo.sample` and turn them into kernel inputs.

    ``batch`` is a private copy of the start (the kernels update it in place);
    ``tol_scaled`` is the tie tolerance in the storages' raw units
    (``scale · tol``); ``states`` the per-replica generator states;
    ``backend`` the :class:`~isinghop._kernels.backends.KernelBackend` checked for the model.
    """
    backend = kernel_backend(backend, model.couplings)
    batch, single = spin_batch(spins, "spins", model.n_sites)
    schedule = choice(schedule, "schedule", allowed_schedules)
    if order is not None and schedule != "sequential":
        raise ValueError(f"order: only used with schedule='sequential', not {schedule!r}")
    sweep_order = site_order(order, model.n_sites)
    tol = tie_tolerance(model, tol)
    recorded = overlap_patterns(model, patterns, "overlaps" in record)
    states = replica_states(rng, batch.shape[0])
    return KernelArguments(batch.copy(), single, SCHEDULE_CODES[schedule], sweep_order, scaled_tolerance(model, tol),
                           tol, recorded, states, backend)
