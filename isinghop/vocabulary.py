"""The option vocabularies of the dynamics and the Monte Carlo, and their kernel codes.

Each vocabulary is one ``Literal`` type; its names, in order, give the
integer codes the compiled kernels branch on (``*_CODES``), and the kernels
read their constants from those tables by name. Adding a schedule, tie rule
or rule touches one ``Literal`` (and the kernel that implements it);
reordering one changes no result.

* schedules (a sweep is N update attempts): ``synchronous`` (all sites at
  once), ``sequential`` (a fixed order), ``permutation`` (a fresh random order
  every sweep), ``random`` (sites drawn with replacement);
* tie rules for a zero local field at T = 0: ``keep``, ``up`` (the ``≥ θ``
  convention), ``down``, ``flip`` (the T → 0 limit of Metropolis), ``random``
  (a fair coin: the T → 0 limit of Glauber);
* Monte Carlo rules: ``metropolis``, ``glauber`` (heat bath);
* backends, where the kernels run: ``cpu`` (compiled by numba, replicas
  over threads) and ``cuda`` (NVIDIA GPUs through numba-cuda, a GPU thread
  per replica; dense and Hebbian pattern storage; the optional extra
  ``cuda``). The zero-temperature dynamics agree on both; a Monte Carlo
  chain with the same seed equals the CPU's bit for bit where every
  probability comes from the host's tables (an exact model at temperatures
  fixed for the run, with tables that fit and cover every energy change met:
  see the README on GPUs); elsewhere the device's ``exp`` may
  differ in the last bit and the chains may part.
* recordable observables, named as the attributes that hold them:
  ``energy_per_spin`` (H/N), ``magnetisation`` (m = Σ s_i / N), ``overlaps``
  (m_μ = Σ ξ_i^μ s_i / N) and ``snapshots`` (the spins).
"""

from __future__ import annotations

from typing import Literal, get_args

from isinghop._validate import number
from isinghop.model import IsingModel

__all__ = [
    "Schedule",
    "TieRule",
    "Rule",
    "Recordable",
    "Backend",
    "SCHEDULES",
    "BACKENDS",
    "TIE_RULES",
    "RULES",
    "RECORDABLE",
    "SINGLE_SITE_SCHEDULES",
    "DEFAULT_TIE_RTOL",
    "tie_tolerance",
    "scaled_tolerance",
]

Schedule = Literal["synchronous", "sequential", "permutation", "random"]
TieRule = Literal["keep", "up", "down", "flip", "random"]
Rule = Literal["metropolis", "glauber"]
Recordable = Literal["energy_per_spin", "magnetisation", "overlaps", "snapshots"]
Backend = Literal["cpu", "cuda"]

#: The site orders of a sweep, by name.
SCHEDULES: tuple[str, ...] = get_args(Schedule)
#: The zero-temperature tie rules, by name.
TIE_RULES: tuple[str, ...] = get_args(TieRule)
#: The Monte Carlo rules, by name.
RULES: tuple[str, ...] = get_args(Rule)
#: Where the kernels run (``backend=``).
BACKENDS: tuple[str, ...] = get_args(Backend)
#: What a run can record (``record=``).
RECORDABLE: tuple[str, ...] = get_args(Recordable)
#: The schedules that update one site at a time (all but ``synchronous``).
SINGLE_SITE_SCHEDULES: tuple[str, ...] = tuple(name for name in SCHEDULES if name != "synchronous")
#: Name → kernel code, for each vocabulary.
SCHEDULE_CODES = {name: code for code, name in enumerate(SCHEDULES)}
TIE_CODES = {name: code for code, name in enumerate(TIE_RULES)}
RULE_CODES = {name: code for code, name in enumerate(RULES)}

#: Default tie tolerance of a model that is not exact, relative to its field scale ``field_scale / scale``,
#: a bound on ``max_i (Σ_j |J_ij| + |h_i|)`` (about 1e−9, some 10⁷ roundings of a field); exact models use 0.
DEFAULT_TIE_RTOL = 2.0**-30


def tie_tolerance(model: IsingModel, tol: float | None) -> float:
    """The tolerance below which ``|φ_i|`` counts as a zero field (a tie).

    ``None`` means exact (0) for an exact model (integer couplings and an
    integral ``scale · h``: :attr:`~isinghop.model.IsingModel.exact`) and
    ``DEFAULT_TIE_RTOL`` times the field scale otherwise, ``field_scale / scale``
    (:attr:`~isinghop.model.IsingModel.field_scale` is in raw units), an
    upper bound on ``max_i (Σ_j |J_ij| + |h_i|)`` in the units of J: far
    above the rounding of any field, whatever the units of the couplings. A tie-rule flip can then raise the energy by at most
    ``2·tol``. Every route compares the field numerator ``scale · φ_i`` with
    ``scale · tol`` (:func:`scaled_tolerance`); a ``tol`` given below the
    rounding of the fields (``tol=0`` on float couplings) lets routes that
    round differently (a field kept up to date flip by flip, or summed
    afresh) disagree about a tie.

    Returns
    -------
    float
        ``tol`` ≥ 0 in the units of the local field φ.
    """
    if tol is None:
        return 0.0 if model.exact else DEFAULT_TIE_RTOL * model.field_scale / model.couplings.scale
    return number(tol, "tol", low=0.0)


def scaled_tolerance(model: IsingModel, tol: float | None) -> float:
    """:func:`tie_tolerance` in the storage's raw units: what every route compares ``|scale · φ_i|`` with.

    Returns
    -------
    float
        ``scale · tol`` ≥ 0.
    """
    return tie_tolerance(model, tol) * model.couplings.scale


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
