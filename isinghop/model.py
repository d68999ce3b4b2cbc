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

Couplings come in three storages behind one small internal interface
(``raw_fields``, ``raw_diagonal``, ``raw_column``, ``scale``, ``exact``):
the stored numbers are ``scale · J``. When they are integers (``exact``), as
for Hebbian couplings ``J = K/N`` with ``K = Σ_μ ξ^μ ξ^μᵀ``, every field is an
exact integer over ``scale`` and a zero field (a tie) is exactly zero.

* :class:`DenseCouplings` — any N×N matrix (asymmetric ones for dynamics only);
* :class:`SparseCouplings` — CSR matrix for lattices and diluted networks;
* :class:`PatternCouplings` — ``J = (1/N) ξᵀ A ξ`` from P patterns and a P×P
  matrix A (A = I: Hebb), the diagonal removed site by site; memory
  O(NP + P²), never an N×N array.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np
import scipy.sparse

from isinghop._validate import describe_entries, finite_array, positive_int
from isinghop.spins import spin_batch

__all__ = [
    "IsingModel",
    "DenseCouplings",
    "SparseCouplings",
    "PatternCouplings",
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

#: Sites processed at once when pattern couplings are applied (bounds temporary memory).
_SITE_CHUNK = 1 << 16
#: Relative tolerance of the symmetry check for float couplings.
_SYMMETRY_RTOL = 1e-10
#: Rules for a zero local field in the zero-temperature update (DESIGN: keep, up, down, flip, random).
TIE_RULES = ("keep", "up", "down", "flip", "random")
#: Default tie tolerance on φ for float couplings; integer couplings use 0 (exact ties).
DEFAULT_TIE_TOL = 1e-9


class KernelSpec(NamedTuple):
    """What the compiled kernels need of a storage: its three functions, its arrays, its per-replica state."""

    init: object
    field: object
    flip: object
    data: tuple
    aux_size: int
    aux_dtype: type


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _integer_valued(values: np.ndarray) -> bool:
    """True when float ``values`` are all integers small enough for exact int32 storage."""
    if np.issubdtype(values.dtype, np.integer):
        return True
    return bool(np.all(values == np.round(values)) and np.all(np.abs(values) < 2**31))


def narrowest_integers(values: np.ndarray) -> np.ndarray:
    """Integer-valued ``values`` as int16 when they fit (half the memory traffic of a field update), else int32."""
    fits16 = values.size == 0 or np.abs(values).max() < 2**15
    return values.astype(np.int16 if fits16 else np.int32)


def _stored_values(values: np.ndarray, name: str) -> np.ndarray:
    """Finite coupling values, kept as narrow integers when they are integer-valued."""
    values = finite_array(values, name)
    if _integer_valued(values):
        return narrowest_integers(values)
    return values.astype(np.float64)


def _check_diagonal(diagonal: np.ndarray, self_coupling: bool, name: str) -> None:
    if not self_coupling and np.any(diagonal != 0):
        raise ValueError(
            f"{name}: the diagonal must be zero (pass self_coupling=True to keep self-couplings); "
            f"nonzero diagonal entries {describe_entries(diagonal != 0, diagonal)}"
        )


def _asymmetry_message(name: str, i: int, j: int, a, b) -> str:
    return (
        f"{name}: couplings must be symmetric (pass allow_asymmetric=True for the dynamics of "
        f"asymmetric networks); {name}[{i}, {j}] = {a!r} but {name}[{j}, {i}] = {b!r}"
    )


@dataclass(frozen=True, eq=False)
class _MatrixCouplings:
    """Couplings held as a matrix ``scale · J`` (dense or sparse).

    Attributes
    ----------
    matrix : numpy.ndarray or scipy.sparse.csr_array
        ``scale · J``; ``int16``/``int32`` when integer-valued (exact ties), else ``float64``.
    scale : float
        Divisor: N for Hebbian ``K``, 1 for general couplings.
    symmetric : bool
        False only for networks built with ``allow_asymmetric=True``.
    """

    matrix: np.ndarray | scipy.sparse.csr_array
    scale: float = 1.0
    symmetric: bool = True

    @property
    def n_sites(self) -> int:
        return self.matrix.shape[0]

    @property
    def exact(self) -> bool:
        return np.issubdtype(self.matrix.dtype, np.integer)

    @cached_property
    def field_bound(self) -> int:
        """Largest ``|scale · Σ_{j≠i} J_ij s_j|`` over sites and states: the largest off-diagonal row sum."""
        magnitude = abs(self.matrix.astype(np.int64) if self.exact else self.matrix)
        sums = np.asarray(magnitude.sum(axis=1)).ravel() - np.abs(self.raw_diagonal())
        return int(np.ceil(sums.max()))

    @property
    def field_dtype(self) -> type:
        """Integer raw fields for integer couplings (exact ties), else float64."""
        return np.int64 if self.exact else np.float64

    @property
    def kernel_field_dtype(self) -> type:
        """The field vector a kernel keeps: int32 where every field fits, else as :attr:`field_dtype`."""
        if self.exact and self.field_bound + np.abs(self.raw_diagonal()).max(initial=0) < 2**31:
            return np.int32
        return self.field_dtype


@dataclass(frozen=True, eq=False)
class DenseCouplings(_MatrixCouplings):
    """Dense couplings ``J = matrix / scale`` (N×N); see ``_MatrixCouplings`` for the attributes."""

    @property
    def nbytes(self) -> int:
        return self.matrix.nbytes

    def raw_fields(self, batch: np.ndarray) -> np.ndarray:
        """``scale · Σ_j J_ij s_j`` per replica, ``(replica, site)``, self-couplings included."""
        return batch.astype(self.field_dtype) @ self.matrix.T

    def raw_diagonal(self) -> np.ndarray:
        return np.diagonal(self.matrix).copy()

    def raw_column(self, j: int) -> np.ndarray:
        """``scale · J_ij`` over i: the change of every raw field per unit change of s_j."""
        return self.matrix[:, j].copy()

    def to_dense(self) -> np.ndarray:
        return self.matrix / self.scale

    @cached_property
    def kernel_spec(self) -> KernelSpec:
        from isinghop._kernels import dense

        transposed = self.matrix if self.symmetric else np.ascontiguousarray(self.matrix.T)
        return KernelSpec(dense.init, dense.field, dense.flip, (transposed,), self.n_sites, self.kernel_field_dtype)


@dataclass(frozen=True, eq=False)
class SparseCouplings(_MatrixCouplings):
    """Sparse couplings ``J = matrix / scale`` in CSR form (lattices, diluted networks)."""

    @property
    def nbytes(self) -> int:
        m = self.matrix
        return m.data.nbytes + m.indices.nbytes + m.indptr.nbytes

    def raw_fields(self, batch: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray((self.matrix @ batch.T.astype(self.field_dtype)).T)

    def raw_diagonal(self) -> np.ndarray:
        return self.matrix.diagonal()

    def raw_column(self, j: int) -> np.ndarray:
        return self.matrix[:, [j]].toarray()[:, 0]

    def to_dense(self) -> np.ndarray:
        return self.matrix.toarray() / self.scale

    @cached_property
    def kernel_spec(self) -> KernelSpec:
        from isinghop._kernels import sparse

        transposed = self.matrix if self.symmetric else scipy.sparse.csr_array(self.matrix.T)
        data = (transposed.indptr.astype(np.int64), transposed.indices.astype(np.int64), transposed.data)
        return KernelSpec(sparse.init, sparse.field, sparse.flip, data, self.n_sites, self.kernel_field_dtype)


@dataclass(frozen=True, eq=False)
class PatternCouplings:
    """Pattern couplings ``J = (1/N) ξᵀ A ξ``, diagonal removed unless ``self_coupling``.

    Attributes
    ----------
    site_patterns : numpy.ndarray
        ξᵀ, ``int8`` of shape ``(site, pattern)``, C-contiguous (one row per
        site, as the update of one spin reads it). Held without a copy when
        the patterns came in this layout.
    matrix : numpy.ndarray or None
        The P×P matrix A; ``None`` means the identity (Hebb), whose fields
        are exact integers over N.
    self_coupling : bool
        Keep ``J_ii = ξ_i·A ξ_i / N`` (Hebb: P/N).
    """

    site_patterns: np.ndarray
    matrix: np.ndarray | None = None
    self_coupling: bool = False
    _diagonal: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        if self.matrix is None:
            diagonal = np.full(self.n_sites, self.n_patterns, dtype=np.int64)
        else:
            diagonal = np.concatenate([
                np.einsum("ip,pq,iq->i", xi, self.matrix, xi) for xi in self._site_chunks()
            ])
        object.__setattr__(self, "_diagonal", _read_only(diagonal))

    def _site_chunks(self):
        """ξᵀ in float64 blocks of sites (exact for integer sums, BLAS speed, bounded memory)."""
        for start in range(0, self.n_sites, _SITE_CHUNK):
            yield self.site_patterns[start : start + _SITE_CHUNK].astype(np.float64)

    @property
    def patterns(self) -> np.ndarray:
        """ξ as ``(pattern, site)`` (a transposed view, no copy)."""
        return self.site_patterns.T

    @property
    def n_sites(self) -> int:
        return self.site_patterns.shape[0]

    @property
    def n_patterns(self) -> int:
        return self.site_patterns.shape[1]

    @property
    def scale(self) -> float:
        return float(self.n_sites)

    @property
    def symmetric(self) -> bool:
        return True

    @property
    def exact(self) -> bool:
        return self.matrix is None

    @property
    def nbytes(self) -> int:
        extra = 0 if self.matrix is None else self.matrix.nbytes + self._diagonal.nbytes
        return self.site_patterns.nbytes + extra

    @property
    def field_bound(self) -> int:
        """A bound on the integer ``|N Σ_{j≠i} J_ij s_j|`` of Hebbian couplings: ``(N − 1) P``."""
        if not self.exact:
            raise ValueError("field_bound: only integer (Hebbian) pattern couplings have integer fields")
        return (self.n_sites - 1) * self.n_patterns

    def pattern_gram(self) -> np.ndarray:
        """``ξ ξᵀ`` (P×P float64, exact integers), summed over blocks of sites."""
        return sum(xi.T @ xi for xi in self._site_chunks())

    def overlaps_raw(self, batch: np.ndarray) -> np.ndarray:
        """``M_μ = Σ_i ξ_i^μ s_i`` per replica, ``(pattern, replica)`` float64 (exact integers)."""
        sums = np.zeros((self.n_patterns, batch.shape[0]))
        for start, xi in zip(range(0, self.n_sites, _SITE_CHUNK), self._site_chunks()):
            sums += xi.T @ batch[:, start : start + _SITE_CHUNK].T
        return sums

    def _apply(self, weights: np.ndarray) -> np.ndarray:
        """``ξᵀ A w`` for weights ``(pattern, k)``: ``(site, k)`` float64."""
        if self.matrix is not None:
            weights = self.matrix @ weights
        return np.concatenate([xi @ weights for xi in self._site_chunks()])

    def raw_fields(self, batch: np.ndarray) -> np.ndarray:
        """``N · Σ_j J_ij s_j`` through the overlaps: O(NP) time, O(N) extra memory."""
        fields = self._apply(self.overlaps_raw(batch)).T
        if not self.self_coupling:
            fields -= self._diagonal * batch
        return fields.astype(np.int64) if self.exact else np.ascontiguousarray(fields)

    def raw_diagonal(self) -> np.ndarray:
        if self.self_coupling:
            return self._diagonal.copy()
        return np.zeros(self.n_sites, dtype=self._diagonal.dtype)

    def raw_column(self, j: int) -> np.ndarray:
        column = self._apply(self.site_patterns[j].astype(np.float64)[:, None])[:, 0]
        if not self.self_coupling:
            column[j] = 0.0
        return column.astype(np.int64) if self.exact else column

    def to_dense(self) -> np.ndarray:
        xi = self.site_patterns.astype(np.float64)
        a = np.eye(self.n_patterns) if self.matrix is None else self.matrix
        dense = xi @ a @ xi.T / self.n_sites
        if not self.self_coupling:
            np.fill_diagonal(dense, 0.0)
        return dense

    @cached_property
    def kernel_spec(self) -> KernelSpec:
        from isinghop._kernels import patterns

        removed = np.zeros_like(self._diagonal) if self.self_coupling else self._diagonal
        if self.matrix is None:
            data = (self.site_patterns, removed)
            return KernelSpec(patterns.hebb_init, patterns.hebb_field, patterns.hebb_flip, data,
                              self.n_patterns, np.int64)
        data = (self.site_patterns, removed, self.matrix)
        return KernelSpec(patterns.general_init, patterns.general_field, patterns.general_flip, data,
                          self.n_patterns, np.float64)


Couplings = DenseCouplings | SparseCouplings | PatternCouplings


def h_from_theta(theta) -> np.ndarray:
    """Field from Hopfield threshold: ``h = −θ`` (float64 array)."""
    return -finite_array(theta, "theta").astype(np.float64)


def theta_from_h(h) -> np.ndarray:
    """Hopfield threshold from field: ``θ = −h`` (float64 array)."""
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
    return _read_only(np.array(values, dtype=np.float64))


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

    @property
    def n_sites(self) -> int:
        return self.couplings.n_sites

    @property
    def theta(self) -> np.ndarray:
        """Hopfield threshold ``θ = −h``."""
        return theta_from_h(self.h)

    def with_field(self, *, h=None, theta=None) -> IsingModel:
        """The same couplings with field ``h`` or threshold ``theta`` (= −h); a scalar is uniform."""
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
    """
    J = np.asarray(J)
    if J.ndim != 2 or J.shape[0] != J.shape[1] or J.shape[0] == 0:
        raise ValueError(f"J: expected a non-empty square matrix, got shape {J.shape}")
    values = _stored_values(J, "J")
    _check_diagonal(np.diagonal(values), self_coupling, "J")
    symmetric = _is_symmetric(values, "J", allow_asymmetric)
    return IsingModel(DenseCouplings(_read_only(values), _scale(scale), symmetric), _field_vector(h, theta, J.shape[0]))


def _scale(scale) -> float:
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)):
        raise TypeError(f"scale: expected a positive number, got {scale!r}")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale: expected a finite positive number, got {scale}")
    return float(scale)


def _is_symmetric(values: np.ndarray, name: str, allow_asymmetric: bool) -> bool:
    difference = np.abs(values - values.T)
    tolerance = 0 if np.issubdtype(values.dtype, np.integer) else _SYMMETRY_RTOL * max(np.abs(values).max(), 1e-300)
    if np.all(difference <= tolerance):
        return True
    if allow_asymmetric:
        return False
    i, j = np.unravel_index(np.argmax(difference), difference.shape)
    raise ValueError(_asymmetry_message(name, int(i), int(j), values[i, j], values[j, i]))


def sparse_model(J, *, scale: float = 1.0, h=None, theta=None, allow_asymmetric: bool = False,
                 self_coupling: bool = False) -> IsingModel:
    """Model with sparse (CSR) couplings; arguments as in :func:`dense_model`.

    ``J`` is any SciPy sparse matrix or array; explicit zeros are dropped.
    """
    if not scipy.sparse.issparse(J):
        raise TypeError(f"J: expected a scipy.sparse matrix, got {type(J).__name__}")
    matrix = scipy.sparse.csr_array(J, copy=True)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(f"J: expected a non-empty square matrix, got shape {matrix.shape}")
    matrix.sum_duplicates()
    matrix.data = _stored_values(matrix.data, "J.data")
    matrix.eliminate_zeros()
    matrix.sort_indices()
    _check_diagonal(matrix.diagonal(), self_coupling, "J")
    difference = abs(matrix - matrix.T)
    tolerance = 0 if np.issubdtype(matrix.dtype, np.integer) else _SYMMETRY_RTOL * max(
        np.abs(matrix.data).max(initial=0.0), 1e-300
    )
    symmetric = difference.nnz == 0 or difference.max() <= tolerance
    if not symmetric and not allow_asymmetric:
        coo = difference.tocoo()
        k = int(np.argmax(coo.data))
        i, j = int(coo.row[k]), int(coo.col[k])
        raise ValueError(_asymmetry_message("J", i, j, matrix[i, j], matrix[j, i]))
    for array in (matrix.data, matrix.indices, matrix.indptr):
        _read_only(array)
    return IsingModel(SparseCouplings(matrix, _scale(scale), bool(symmetric)), _field_vector(h, theta, matrix.shape[0]))


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


def tie_tolerance(model: IsingModel, tol: float | None) -> float:
    """The tolerance below which ``|φ_i|`` counts as a zero field (a tie).

    ``None`` means exact (0) for integer couplings and ``DEFAULT_TIE_TOL``
    otherwise. A tie-rule flip can then raise the energy by at most ``2·tol``.
    """
    if tol is None:
        return 0.0 if model.couplings.exact else DEFAULT_TIE_TOL
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)) or not (0 <= tol < np.inf):
        raise ValueError(f"tol: expected a finite tolerance >= 0, got {tol!r}")
    return float(tol)


def _model_batch(model: IsingModel, spins) -> tuple[np.ndarray, bool]:
    if not isinstance(model, IsingModel):
        raise TypeError(f"model: expected an IsingModel, got {type(model).__name__}")
    return spin_batch(spins, "spins", model.n_sites)


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
        float64, the shape of ``spins``; energy units per spin.
    """
    batch, single = _model_batch(model, spins)
    fields = model.couplings.raw_fields(batch) / model.couplings.scale + model.h
    return fields[0] if single else fields


def energy(model: IsingModel, spins) -> np.ndarray | float:
    """Energy ``H(s) = −½ Σ_{i≠j} J_ij s_i s_j − Σ_i h_i s_i`` (not per spin).

    Self-couplings do not enter. Returns a float for one configuration and an
    array ``(replica,)`` for a batch. Refused for asymmetric couplings.
    """
    batch, single = _model_batch(model, spins)
    _require_symmetric(model, "energy")
    couplings = model.couplings
    pair_sum = np.einsum("ri,ri->r", couplings.raw_fields(batch), batch) - couplings.raw_diagonal().sum()
    energies = -pair_sum / (2.0 * couplings.scale) - batch @ model.h
    return float(energies[0]) if single else energies


def delta_energy(model: IsingModel, spins) -> np.ndarray:
    """Energy change of flipping each spin alone: ``ΔE_i = 2 s_i (φ_i − J_ii s_i)``.

    Returns float64 of the shape of ``spins``. Refused for asymmetric couplings.
    """
    batch, single = _model_batch(model, spins)
    _require_symmetric(model, "energy change")
    couplings = model.couplings
    pair_fields = (couplings.raw_fields(batch) - couplings.raw_diagonal() * batch) / couplings.scale
    delta = 2.0 * batch * (pair_fields + model.h)
    return delta[0] if single else delta


def to_dense(model: IsingModel, *, max_sites: int = 20_000) -> np.ndarray:
    """The couplings as a dense float64 N×N matrix J (diagonal as stored).

    Parameters
    ----------
    max_sites : int
        Refuse larger N: an N×N float64 matrix needs 8 N² bytes
        (N = 200 000 would need 320 GB). Raise it deliberately if needed.
    """
    if not isinstance(model, IsingModel):
        raise TypeError(f"model: expected an IsingModel, got {type(model).__name__}")
    n = model.n_sites
    if n > max_sites:
        raise ValueError(
            f"model: N = {n} sites would need {8 * n * n / 1e9:.3g} GB as a dense matrix; "
            f"the limit is max_sites = {max_sites}"
        )
    return model.couplings.to_dense()


def overlap_patterns(model: IsingModel, patterns, wanted: bool) -> np.ndarray:
    """Patterns whose overlaps a run records: ``patterns``, else the model's own; none (0 rows) if not ``wanted``."""
    if not wanted:
        return np.zeros((0, model.n_sites), dtype=np.int8)
    if patterns is None:
        stored = getattr(model.couplings, "patterns", None)
        if stored is None:
            raise ValueError("patterns: recording overlaps needs patterns (the model does not store any)")
        return np.ascontiguousarray(stored)
    return spin_batch(patterns, "patterns", model.n_sites)[0]
