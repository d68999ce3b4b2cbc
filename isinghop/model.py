"""The Ising model of a Hopfield network: couplings J and field h.

Conventions (the same everywhere in isinghop; k_B = 1, β = 1/T):

* energy ``H(s) = −½ Σ_{i≠j} J_ij s_i s_j − Σ_i h_i s_i`` with spins s_i = ±1,
  J symmetric; the diagonal is zero unless self-couplings are asked for, and
  never enters the energy;
* local field ``φ_i = Σ_j J_ij s_j + h_i``; with self-couplings it includes
  ``J_ii s_i`` (the zero-temperature update sees it);
* energy change of flipping spin i: ``ΔE_i = 2 s_i (φ_i − J_ii s_i)``;
* the Hopfield threshold is ``θ = −h`` (:func:`h_from_theta`,
  :func:`theta_from_h`); arguments are named ``h`` or ``theta``, never both
  under one name.

Names and units (one spelling, one unit, across the public API):

* ``energy`` is the total H; ``energy_per_spin`` is H/N (every recorded
  trace: :class:`~isinghop.dynamics.Relaxation`,
  :class:`~isinghop.montecarlo.Chain`, :class:`~isinghop.montecarlo.Tempering`);
* ``magnetisation`` is ``m = (1/N) Σ_i s_i``; ``overlaps`` are
  ``m_μ = (1/N) Σ_i ξ_i^μ s_i``; ``snapshots`` are recorded spins;
* ``T`` is a temperature (k_B = 1), a scalar or one per replica or per ladder
  rung; ``anneal`` a temperature per sweep;
* ``n_sites`` (N), ``n_patterns`` (P), ``n_replicas``; arrays are
  ``(replica, site)``, ``(pattern, site)``, ``(replica, sweep)``;
* what a run stores is chosen with ``record=`` (names from
  :data:`isinghop.vocabulary.RECORDABLE`); schedules, tie rules and Monte
  Carlo rules are the ``Literal`` vocabularies of :mod:`isinghop.vocabulary`;
* a function given one 1-D configuration drops the replica axis of its
  per-replica results (each Returns section says so); random-state arrays
  (``rng_state``) always keep it.

The couplings are held by one of three storages (:mod:`isinghop.couplings`):
dense, sparse, or patterns (O(NP) memory, never an N×N array).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse

from isinghop._validate import describe_entries, finite_array, positive_int, read_only
from isinghop.couplings import (MAX_DENSE_SITES, MAX_EXACT_FIELD, Couplings, DenseCouplings, PatternCouplings,
                                SparseCouplings, dense_guard)
from isinghop.spins import spin_batch

__all__ = [
    "IsingModel",
    "dense_model",
    "sparse_model",
    "square_lattice",
    "energy",
    "local_fields",
    "delta_energy",
    "to_dense",
    "h_from_theta",
    "theta_from_h",
]


def h_from_theta(theta) -> np.ndarray:
    """Field from Hopfield threshold: ``h = −θ``.

    Returns
    -------
    numpy.ndarray
        float64, a new array of the shape of ``theta`` (a scalar gives a ``numpy.float64``).

    Examples
    --------
    >>> import isinghop as ih
    >>> print(ih.h_from_theta([0.5, -1.0]))
    [-0.5  1. ]
    """
    return -finite_array(theta, "theta").astype(np.float64)


def theta_from_h(h) -> np.ndarray:
    """Hopfield threshold from field: ``θ = −h``.

    Returns
    -------
    numpy.ndarray
        float64, a new array of the shape of ``h`` (a scalar gives a ``numpy.float64``).
    """
    return -finite_array(h, "h").astype(np.float64)


def _field_vector(h, theta, n_sites: int) -> np.ndarray:
    """The field h as a read-only float64 vector; from ``h`` or ``theta``, not both."""
    if h is not None and theta is not None:
        raise ValueError("h, theta: give the field h or the threshold theta = -h, not both")
    if theta is not None:
        values, name = h_from_theta(theta), "theta"
    elif h is not None:
        values, name = finite_array(h, "h").astype(np.float64), "h"
    else:
        values, name = np.zeros(n_sites), "h"
    if values.ndim == 0:
        values = np.full(n_sites, float(values))
    if values.shape != (n_sites,):
        raise ValueError(f"{name}: expected a scalar or shape ({n_sites},) to match the couplings, got {values.shape}")
    return read_only(np.array(values, dtype=np.float64))


@dataclass(frozen=True, eq=False)
class IsingModel:
    """An Ising Hamiltonian ``H(s) = −½ Σ_{i≠j} J_ij s_i s_j − Σ_i h_i s_i``.

    Immutable: the couplings and the field are read-only. Build one with
    :func:`dense_model`, :func:`sparse_model`, :func:`square_lattice` or the
    learning rules of :mod:`isinghop.learning`; change the field with
    :meth:`with_field`.

    Attributes
    ----------
    couplings : DenseCouplings, SparseCouplings or PatternCouplings
        J in one of three storages.
    h : numpy.ndarray
        External field per site (float64, shape ``(N,)``); the Hopfield
        threshold is ``θ = −h``.
    """

    couplings: Couplings
    h: np.ndarray

    def __post_init__(self):
        if not isinstance(self.couplings, (DenseCouplings, SparseCouplings, PatternCouplings)):
            raise TypeError(f"couplings: expected a coupling storage, got {type(self.couplings).__name__}")
        object.__setattr__(self, "h", _field_vector(self.h, None, self.couplings.n_sites))
        with np.errstate(over="ignore"):
            huge = ~np.isfinite(self.couplings.scale * self.h)
        if np.any(huge) or not np.isfinite(self.n_sites * self.field_scale):
            where = huge if np.any(huge) else np.abs(self.h) == np.abs(self.h).max()
            raise ValueError(f"h: the field times the couplings' scale {self.couplings.scale:g} overflows float64 "
                             f"in the fields or energies; entries {describe_entries(where, self.h)}")

    @property
    def n_sites(self) -> int:
        return self.couplings.n_sites

    @property
    def theta(self) -> np.ndarray:
        """Hopfield threshold ``θ = −h``."""
        return theta_from_h(self.h)

    @cached_property
    def scaled_h(self) -> np.ndarray:
        """``scale · h``: the field in the storage's raw units, as every route adds it to the raw fields.

        Returns
        -------
        numpy.ndarray
            float64 ``(N,)``, read-only.
        """
        return read_only(self.couplings.scale * self.h)

    @cached_property
    def field_scale(self) -> float:
        """``max_i (Σ_j |scale · J_ij| + |scale · h_i|)``, bounded above: the largest a field numerator
        ``scale · φ_i`` can be, and the scale of its rounding (raw units)."""
        return self.couplings.magnitude_bound + float(np.abs(self.scaled_h).max(initial=0.0))

    @cached_property
    def exact(self) -> bool:
        """True when every field and energy numerator is an exact integer.

        That needs integer couplings (``couplings.exact``) and an integral
        ``scale · h``, with every field numerator below 2^53. Ties
        (``φ_i = 0``) are then detected exactly (tolerance 0) and energies
        compared exactly by every route; otherwise the tie tolerance of
        :func:`isinghop.vocabulary.tie_tolerance` decides, the same in every
        route.
        """
        hs = self.scaled_h
        return bool(self.couplings.exact and np.all(hs == np.round(hs)) and self.field_scale < MAX_EXACT_FIELD)

    def __repr__(self) -> str:
        couplings = self.couplings
        kind = type(couplings).__name__
        field = "0" if not np.any(self.h) else (repr(float(self.h[0])) if np.all(self.h == self.h[0]) else "per site")
        return (f"IsingModel(n_sites={self.n_sites}, couplings={kind}(scale={couplings.scale:g}"
                f"{'' if couplings.symmetric else ', asymmetric'}), h={field}, exact={self.exact})")

    def with_field(self, *, h=None, theta=None) -> IsingModel:
        """The same couplings with field ``h`` or threshold ``theta`` (= −h); a scalar is uniform.

        Returns
        -------
        IsingModel
            A new model sharing this one's (read-only) couplings; field zero if neither is given.
        """
        return IsingModel(self.couplings, _field_vector(h, theta, self.n_sites))


def dense_model(J, *, scale: float = 1.0, h=None, theta=None, allow_asymmetric: bool = False,
                self_coupling: bool = False) -> IsingModel:
    """Model with dense couplings.

    Parameters
    ----------
    J : array_like, shape (N, N)
        ``scale ×`` the couplings of ``H = −½ Σ_{i≠j} J_ij s_i s_j − Σ h_i s_i``.
        Integer values are stored as integers, so zero fields are exact.
    scale : float
        The couplings are ``J / scale``: integer J with an integer scale keep
        ties exact (e.g. Hebbian ``K = ξᵀξ`` with ``scale = N``).
    h, theta : float or array_like, optional
        External field h, or the Hopfield threshold θ = −h (not both).
    allow_asymmetric : bool
        Accept J ≠ Jᵀ (for zero-temperature dynamics; the energy is then
        undefined and refused).
    self_coupling : bool
        Accept a nonzero diagonal J_ii (it enters the zero-T field, not the energy).

    Returns
    -------
    IsingModel
        With :class:`~isinghop.couplings.DenseCouplings` holding a private copy of ``J``.

    Examples
    --------
    Two spins coupled ferromagnetically in a field h = 0.5 on the first:

    >>> import isinghop as ih
    >>> model = ih.dense_model([[0, 1], [1, 0]], h=[0.5, 0])
    >>> print(ih.energy(model, [1, 1]), ih.energy(model, [-1, -1]))
    -1.5 -0.5
    """
    return _matrix_model(DenseCouplings, J, scale, h, theta, allow_asymmetric, self_coupling)


def _matrix_model(storage, J, scale, h, theta, allow_asymmetric, self_coupling) -> IsingModel:
    """The model of :func:`dense_model` or :func:`sparse_model`: J validated once, kept without a second copy."""
    couplings = storage.from_matrix(J, scale=scale, allow_asymmetric=allow_asymmetric, self_coupling=self_coupling)
    return IsingModel(couplings, _field_vector(h, theta, couplings.n_sites))


def sparse_model(J, *, scale: float = 1.0, h=None, theta=None, allow_asymmetric: bool = False,
                 self_coupling: bool = False) -> IsingModel:
    """Model with sparse (CSR) couplings; arguments as in :func:`dense_model`.

    ``J`` is any SciPy sparse matrix or array; its indices are checked,
    duplicates summed and explicit zeros dropped.

    Returns
    -------
    IsingModel
        With :class:`~isinghop.couplings.SparseCouplings` holding a private CSR copy of ``J``.
    """
    return _matrix_model(SparseCouplings, J, scale, h, theta, allow_asymmetric, self_coupling)


def square_lattice(L: int, *, coupling: float = 1.0, h=None, theta=None) -> IsingModel:
    """Periodic L×L square-lattice Ising model (torus), sparse storage.

    ``H = −J Σ_⟨ij⟩ s_i s_j − Σ h_i s_i`` over the 2L² nearest-neighbour bonds;
    site ``i = row·L + col``. With ``coupling = 1`` the infinite lattice orders
    below ``T_c = 2 / ln(1 + √2) ≈ 2.269``.

    Parameters
    ----------
    L : int
        Linear size, at least 3 (so that each bond joins two distinct sites once).
    coupling : float
        Nearest-neighbour coupling J (ferromagnetic when positive).
    h, theta : float or array_like, optional
        Field h or threshold θ = −h (not both).

    Returns
    -------
    IsingModel
        N = L² sites, :class:`~isinghop.couplings.SparseCouplings` (4 neighbours per site).

    Examples
    --------
    The ferromagnetic 4 × 4 torus has 2L² = 32 bonds, so its ground states
    (all up, all down) have energy −32:

    >>> import isinghop as ih
    >>> states, e0 = ih.ground_states(ih.square_lattice(4))
    >>> print(len(states), e0)
    2 -32.0
    """
    L = positive_int(L, "L")
    if L < 3:
        raise ValueError(f"L: the periodic lattice needs L >= 3, got {L}")
    coupling = float(finite_array(coupling, "coupling"))
    site = np.arange(L * L).reshape(L, L)
    right = np.roll(site, -1, axis=1)
    down = np.roll(site, -1, axis=0)
    rows = np.concatenate([site.ravel(), right.ravel(), site.ravel(), down.ravel()])
    cols = np.concatenate([right.ravel(), site.ravel(), down.ravel(), site.ravel()])
    values = np.full(rows.size, coupling)
    J = scipy.sparse.csr_array((values, (rows, cols)), shape=(L * L, L * L))
    return sparse_model(J, h=h, theta=theta)


def check_model(model) -> IsingModel:
    """``model`` if it is an :class:`IsingModel`, else a ``TypeError`` naming it."""
    if not isinstance(model, IsingModel):
        raise TypeError(f"model: expected an IsingModel, got {type(model).__name__}")
    return model


def _model_batch(model: IsingModel, spins) -> tuple[np.ndarray, bool]:
    return spin_batch(spins, "spins", check_model(model).n_sites)


def _require_symmetric(model: IsingModel, what: str) -> None:
    if not model.couplings.symmetric:
        raise ValueError(
            f"model: the {what} is undefined for asymmetric couplings (built with allow_asymmetric=True); "
            "only zero-temperature dynamics apply"
        )


def local_fields(model: IsingModel, spins) -> np.ndarray:
    """Local fields ``φ_i = Σ_j J_ij s_j + h_i`` (self-coupling ``J_ii s_i`` included).

    Parameters
    ----------
    model : IsingModel
    spins : array_like
        ±1, ``(site,)`` or ``(replica, site)``.

    Returns
    -------
    numpy.ndarray
        float64, the shape of ``spins``: ``(replica, site)``, or ``(site,)`` for a
        1-D input (replica axis dropped); energy units (φ_i is the energy of
        spin i per unit of s_i). Extra memory: O(N) per replica for dense
        and sparse storage; for pattern storage O(N + P) per replica plus
        two 4 MB blocks, never a copy of ξ.

    Examples
    --------
    At a stored pattern the field of a site points along the pattern, with
    strength ``(N − 1)/N`` for a single Hebbian pattern:

    >>> import isinghop as ih
    >>> xi = ih.random_patterns(1, 10, rng=1)
    >>> phi = ih.local_fields(ih.hebbian(xi), xi[0])
    >>> print((phi * xi[0]).round(6))
    [0.9 0.9 0.9 0.9 0.9 0.9 0.9 0.9 0.9 0.9]
    """
    batch, single = _model_batch(model, spins)
    fields = field_numerators(model, batch) / model.couplings.scale
    return fields[0] if single else fields


def energy(model: IsingModel, spins) -> np.ndarray | float:
    """Energy ``H(s) = −½ Σ_{i≠j} J_ij s_i s_j − Σ_i h_i s_i`` (not per spin).

    Self-couplings do not enter. Refused for asymmetric couplings.

    Parameters
    ----------
    model : IsingModel
    spins : array_like
        ±1, ``(site,)`` or ``(replica, site)``.

    Returns
    -------
    numpy.ndarray or float
        float64 ``(replica,)``, total energy H; a 1-D input gives a ``float``
        (replica axis dropped). Extra memory as for :func:`local_fields`.

    Examples
    --------
    One stored pattern is the Curie–Weiss model: ``E/N = −m²/2 + 1/(2N)`` at
    the pattern (m = 1), here for N = 100:

    >>> import isinghop as ih
    >>> xi = ih.random_patterns(1, 100, rng=1)
    >>> print(ih.energy(ih.hebbian(xi), xi[0]) / 100)
    -0.495
    """
    batch, single = _model_batch(model, spins)
    _require_symmetric(model, "energy")
    energies = energy_numerators(model, batch) / (2.0 * model.couplings.scale)
    return float(energies[0]) if single else energies


def delta_energy(model: IsingModel, spins) -> np.ndarray:
    """Energy change of flipping each spin alone: ``ΔE_i = 2 s_i (φ_i − J_ii s_i)``.

    Refused for asymmetric couplings.

    Parameters
    ----------
    model : IsingModel
    spins : array_like
        ±1, ``(site,)`` or ``(replica, site)``.

    Returns
    -------
    numpy.ndarray
        float64, the shape of ``spins``: ``(replica, site)``, or ``(site,)`` for a
        1-D input (replica axis dropped); energy units (total H, not per spin).
    """
    batch, single = _model_batch(model, spins)
    _require_symmetric(model, "energy change")
    delta = 2.0 * batch * pair_numerators(model, batch) / model.couplings.scale
    return delta[0] if single else delta


# The numerators below are what the compiled kernels compare and accumulate: every route that
# decides a zero-temperature update, a tie or a ground state uses them, so that all routes agree
# exactly (integers when ``model.exact``).

def field_numerators(model: IsingModel, batch: np.ndarray) -> np.ndarray:
    """``scale · φ_i = raw_i + scale · h_i`` per replica and site, self-coupling included.

    The zero-temperature update compares these with ``scale · tol``.

    Parameters
    ----------
    model : IsingModel
    batch : numpy.ndarray
        ``(replica, site)`` int8 ±1 (already validated).

    Returns
    -------
    numpy.ndarray
        float64 ``(replica, site)``; exact integers when ``model.exact``.
    """
    return model.couplings.raw_fields(batch) + model.scaled_h


def pair_numerators(model: IsingModel, batch: np.ndarray) -> np.ndarray:
    """``scale · (φ_i − J_ii s_i)``: the field numerators without self-couplings (Monte Carlo's ``p``).

    A flip changes the energy by ``ΔE_i · scale = 2 s_i p_i``.

    Returns
    -------
    numpy.ndarray
        float64 ``(replica, site)``; exact integers when ``model.exact``.
    """
    couplings = model.couplings
    return (couplings.raw_fields(batch) - couplings.raw_diagonal().astype(np.float64) * batch) + model.scaled_h


def energy_numerators(model: IsingModel, batch: np.ndarray) -> np.ndarray:
    """``2 · scale · H(s)`` per replica: exact integers when ``model.exact``, so equal energies compare equal.

    Returns
    -------
    numpy.ndarray
        ``(replica,)``: int64 for an exact model whose sums fit (``2 N ·
        field_scale < 2^63``), else float64.
    """
    couplings = model.couplings
    if model.exact and 2.0 * model.n_sites * model.field_scale < 2.0**63:
        spins = batch.astype(np.int64)
        pair_sum = np.einsum("ri,ri->r", couplings.raw_fields(batch), spins) - couplings.raw_diagonal().sum(dtype=np.int64)
        return -(pair_sum + 2 * (spins @ model.scaled_h.astype(np.int64)))
    pair_sum = (np.einsum("ri,ri->r", couplings.raw_fields(batch), batch, dtype=np.float64)
                - couplings.raw_diagonal().sum(dtype=np.float64))
    return -(pair_sum + 2.0 * (batch @ model.scaled_h))


def to_dense(model: IsingModel, *, max_sites: int = MAX_DENSE_SITES) -> np.ndarray:
    """The couplings as a dense float64 N×N matrix J (diagonal as stored).

    Parameters
    ----------
    model : IsingModel
    max_sites : int
        Refuse larger N: an N×N float64 matrix needs 8 N² bytes
        (N = 200 000 would need 320 GB). Raise it deliberately if needed.

    Returns
    -------
    numpy.ndarray
        float64 ``(N, N)``, a new array.
    """
    dense_guard(check_model(model).n_sites, 8, max_sites, "to_dense")
    return model.couplings.to_dense()


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
