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

import numpy as np
import scipy.sparse

from isinghop._validate import describe_entries, finite_array, number, numeric_array, positive_int
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
    "MAX_DENSE_SITES",
]

#: Temporary float64 blocks of pattern storage are at most this many bytes (bounds extra memory).
_CHUNK_BYTES = 1 << 22
#: Relative tolerance of the symmetry check for float couplings.
_SYMMETRY_RTOL = 1e-10
#: Integer couplings stay exact while every field sum is below 2^53 (float64 holds such integers exactly).
MAX_EXACT_FIELD = 2**53
#: Largest N for which an N×N matrix is built unless a larger ``max_sites`` is passed.
MAX_DENSE_SITES = 20_000


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _unchecked(cls, name: str = "matrix", **fields):
    """An instance of a frozen storage class from fields already validated and private (no copy, no check).

    ``name`` is the argument that errors of the derived quantities name.
    """
    instance = object.__new__(cls)
    for field_name, value in fields.items():
        object.__setattr__(instance, field_name, value)
    instance._derive(name)
    return instance


def dense_guard(n_sites: int, itemsize: int, max_sites, what: str) -> None:
    """Refuse to build an N×N array of ``itemsize``-byte entries when N exceeds ``max_sites``."""
    max_sites = positive_int(max_sites, "max_sites")
    if n_sites > max_sites:
        raise ValueError(
            f"max_sites: {what} for N = {n_sites} sites needs an N×N matrix of {itemsize * n_sites**2 / 1e9:.3g} GB; "
            f"the limit is max_sites = {max_sites} (pattern storage keeps O(NP) memory; "
            "raise max_sites deliberately if the memory is there)"
        )


def _integer_valued(values: np.ndarray) -> bool:
    """True when ``values`` are integers, or floats that are all integers small enough for int32."""
    if np.issubdtype(values.dtype, np.integer):
        return True
    return bool(np.all(values == np.round(values)) and np.all(np.abs(values) < 2**31))


def narrowest_integers(values: np.ndarray, name: str) -> np.ndarray:
    """Integer ``values`` exactly, as the narrowest of int16, int32, int64 that holds them (a new array).

    Narrow entries halve the memory traffic of a field update. Values of
    ``MAX_EXACT_FIELD`` or more are refused: their sums would not be exact.
    """
    largest = 0 if values.size == 0 else max(-int(values.min()), int(values.max()))  # Python ints: no wrap
    if largest >= MAX_EXACT_FIELD:
        raise ValueError(
            f"{name}: integer couplings must be below 2^53 in magnitude to stay exact, got {largest}; "
            "pass them as floats for inexact arithmetic"
        )
    for dtype in (np.int16, np.int32, np.int64):
        if largest <= np.iinfo(dtype).max:
            return values.astype(dtype)


def _stored_values(values, name: str) -> np.ndarray:
    """A new array of finite coupling values: narrow integers when integer-valued, else float64."""
    values = finite_array(values, name)
    if _integer_valued(values):
        return narrowest_integers(values, name)
    return values.astype(np.float64)


def _row_bound(magnitude_sums: np.ndarray, exact: bool, name: str) -> int:
    """Largest row sum of ``|scale · J|``; integer couplings must keep every field below ``MAX_EXACT_FIELD``."""
    largest = float(magnitude_sums.max(initial=0.0))
    if exact and largest >= MAX_EXACT_FIELD:
        i = int(np.argmax(magnitude_sums))
        raise ValueError(
            f"{name}: integer fields must stay below 2^53 to be exact, but row {i} sums to {largest:.17g} in "
            "magnitude; pass the couplings as floats for inexact arithmetic"
        )
    return int(np.ceil(largest))


def _flag(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r}")
    return bool(value)


def _check_diagonal(diagonal: np.ndarray, self_coupling: bool, name: str) -> None:
    if not self_coupling and np.any(diagonal != 0):
        raise ValueError(
            f"{name}: the diagonal must be zero (pass self_coupling=True to keep self-couplings); "
            f"nonzero diagonal entries {describe_entries(diagonal != 0, diagonal)}"
        )


def _asymmetry_message(name: str, matrix, where: tuple[int, int], remedy: str) -> str:
    i, j = where
    return (
        f"{name}: couplings must be symmetric (pass {remedy} for the dynamics of "
        f"asymmetric networks); {name}[{i}, {j}] = {matrix[i, j]!r} but {name}[{j}, {i}] = {matrix[j, i]!r}"
    )


def _symmetry_tolerance(values: np.ndarray) -> float:
    if np.issubdtype(values.dtype, np.integer) or values.size == 0:
        return 0.0
    return _SYMMETRY_RTOL * max(float(np.abs(values).max()), 1e-300)


def _dense_asymmetry(values: np.ndarray) -> tuple[int, int] | None:
    """The most asymmetric pair (i, j) of a square array beyond the tolerance, or None; O(block·N) extra memory."""
    tolerance = _symmetry_tolerance(values)
    block = max(1, _CHUNK_BYTES // (8 * len(values)))
    worst, where = tolerance, None
    for start in range(0, len(values), block):
        rows = values[start : start + block]
        difference = np.abs(rows.astype(np.float64) - values[:, start : start + block].T)
        k = int(np.argmax(difference))
        if difference.flat[k] > worst:
            worst, where = difference.flat[k], (start + k // len(values), k % len(values))
    return where


def _sparse_asymmetry(matrix: scipy.sparse.csr_array) -> tuple[int, int] | None:
    """As :func:`_dense_asymmetry` for a CSR matrix."""
    difference = abs(matrix.astype(np.float64) - matrix.T.astype(np.float64)).tocoo()
    if difference.nnz == 0 or difference.data.max() <= _symmetry_tolerance(matrix.data):
        return None
    k = int(np.argmax(difference.data))
    return int(difference.row[k]), int(difference.col[k])


@dataclass(frozen=True, eq=False)
class _MatrixCouplings:
    """Couplings held as a matrix ``scale · J`` (dense or sparse).

    The constructor validates its arguments and keeps a private read-only
    copy of the matrix (narrow integers when integer-valued).

    Attributes
    ----------
    matrix : numpy.ndarray or scipy.sparse.csr_array
        ``scale · J``; ``int16``/``int32``/``int64`` when integer-valued (exact
        ties; every field must stay below 2^53), else ``float64``.
    scale : float
        Divisor: N for Hebbian ``K``, 1 for general couplings.
    symmetric : bool
        False only for asymmetric networks (zero-temperature dynamics); an
        asymmetric matrix marked symmetric is refused.
    field_bound : int
        ``ceil(magnitude_bound)``: bounds every integer raw field.
    magnitude_bound : float
        ``max_i Σ_j |scale · J_ij|`` (diagonal included): bounds every raw
        field and sets the scale of its rounding.
    """

    matrix: np.ndarray | scipy.sparse.csr_array
    scale: float = 1.0
    symmetric: bool = True
    field_bound: int = field(init=False, repr=False)
    magnitude_bound: float = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "scale", number(self.scale, "scale", low=0.0, low_open=True))
        object.__setattr__(self, "symmetric", _flag(self.symmetric, "symmetric"))
        object.__setattr__(self, "matrix", self._private_matrix(self.matrix, "matrix"))
        if self.symmetric:
            where = self._find_asymmetry(self.matrix)
            if where is not None:
                raise ValueError(_asymmetry_message("matrix", self.matrix, where, "symmetric=False"))
        self._derive("matrix")

    def _derive(self, name: str):
        sums = self._magnitude_sums()
        object.__setattr__(self, "field_bound", _row_bound(sums, self.exact, name))
        object.__setattr__(self, "magnitude_bound", float(sums.max(initial=0.0)))

    @property
    def n_sites(self) -> int:
        return self.matrix.shape[0]

    @property
    def exact(self) -> bool:
        return np.issubdtype(self.matrix.dtype, np.integer)

    @property
    def field_dtype(self) -> type:
        """Integer raw fields for integer couplings (exact ties), else float64."""
        return np.int64 if self.exact else np.float64

    @property
    def kernel_field_dtype(self) -> type:
        """The field vector a kernel keeps: int32 where every field fits, else as :attr:`field_dtype`.

        :attr:`field_bound` (the largest ``Σ_j |scale · J_ij|``, diagonal
        included) bounds every raw field, in exact Python integers.
        """
        if self.exact and self.field_bound < 2**31:
            return np.int32
        return self.field_dtype


def _checked_structure(matrix):
    """``matrix`` (any SciPy sparse format) once its indices are known to lie inside its shape.

    Compressed formats (CSR, CSC, BSR) run SciPy's full check; COO checks
    its coordinates; the other formats hold Python-level structures that
    SciPy converts safely.
    """
    if matrix.format in ("csr", "csc", "bsr"):
        matrix.check_format(full_check=True)
    elif matrix.format == "coo":
        for coordinate, size in zip(matrix.coords, matrix.shape):
            if coordinate.size and (coordinate.min() < 0 or coordinate.max() >= size):
                raise ValueError(f"coordinates must lie in [0, {size}); got {coordinate.min()}..{coordinate.max()}")
    return matrix


def _square_shape(shape, name: str) -> None:
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] == 0:
        raise ValueError(f"{name}: expected a non-empty square matrix, got shape {shape}")


@dataclass(frozen=True, eq=False)
class DenseCouplings(_MatrixCouplings):
    """Dense couplings ``J = matrix / scale`` (N×N); see ``_MatrixCouplings`` for the attributes."""

    @staticmethod
    def _private_matrix(matrix, name: str) -> np.ndarray:
        values = numeric_array(matrix, name)
        _square_shape(values.shape, name)
        return _read_only(_stored_values(values, name))

    _find_asymmetry = staticmethod(_dense_asymmetry)

    def _magnitude_sums(self) -> np.ndarray:
        block = max(1, _CHUNK_BYTES // (8 * self.n_sites))
        return np.concatenate([np.abs(self.matrix[start : start + block].astype(np.float64)).sum(axis=1)
                               for start in range(0, self.n_sites, block)])

    @property
    def nbytes(self) -> int:
        return self.matrix.nbytes

    def raw_fields(self, batch: np.ndarray) -> np.ndarray:
        """``scale · Σ_j J_ij s_j`` per replica, self-couplings included.

        Returns
        -------
        numpy.ndarray
            ``(replica, site)``, int64 for integer couplings (``exact``), else
            float64; ``batch`` must be a 2-D ``(replica, site)`` int8 batch.
            Computed in float64 blocks of rows of at most ``_CHUNK_BYTES``
            (exact: every integer field is below 2^53), never a wide copy of
            the matrix.
        """
        spins = batch.astype(np.float64)
        fields = np.empty(batch.shape, dtype=self.field_dtype)
        block = max(1, _CHUNK_BYTES // (8 * self.n_sites))
        for start in range(0, self.n_sites, block):
            fields[:, start : start + block] = spins @ self.matrix[start : start + block].T.astype(np.float64)
        return fields

    def raw_diagonal(self) -> np.ndarray:
        """``scale · J_ii`` (the stored diagonal).

        Returns
        -------
        numpy.ndarray
            ``(site,)``, a new array of the stored dtype (narrow integers when
            ``exact``, else float64).
        """
        return np.diagonal(self.matrix).copy()

    def raw_column(self, j: int) -> np.ndarray:
        """``scale · J_ij`` over i: the change of every raw field per unit change of s_j.

        Returns
        -------
        numpy.ndarray
            ``(site,)``, a new array of the stored dtype (narrow integers when
            ``exact``, else float64).
        """
        return self.matrix[:, j].copy()

    def to_dense(self) -> np.ndarray:
        """J itself (``matrix / scale``).

        Returns
        -------
        numpy.ndarray
            float64 ``(N, N)``, a new array (no ``max_sites`` guard: see :func:`to_dense`).
        """
        return self.matrix / self.scale


@dataclass(frozen=True, eq=False)
class SparseCouplings(_MatrixCouplings):
    """Sparse couplings ``J = matrix / scale`` in CSR form (lattices, diluted networks).

    The constructor takes any SciPy sparse matrix or array, checks its
    indices, sums duplicates and drops explicit zeros.
    """

    @staticmethod
    def _private_matrix(matrix, name: str) -> scipy.sparse.csr_array:
        if not scipy.sparse.issparse(matrix):
            raise TypeError(f"{name}: expected a scipy.sparse matrix, got {type(matrix).__name__}")
        _square_shape(matrix.shape, name)
        try:
            coo = _checked_structure(matrix.copy()).tocoo()  # scipy's conversions trust the structure: check it first
        except (ValueError, TypeError, IndexError) as error:
            raise ValueError(f"{name}: not a valid sparse matrix: {error}") from None
        values = finite_array(coo.data, f"{name}.data")
        if np.issubdtype(values.dtype, np.integer):  # duplicates are summed below: first make sure they cannot wrap
            narrowest_integers(values, f"{name}.data")
            sums = scipy.sparse.csr_array((values.astype(np.float64), coo.coords), shape=coo.shape)
            narrowest_integers(sums.data, f"{name}.data")
            values = values.astype(np.int64)  # every entry and every sum below 2^53: exact in int64
        matrix = scipy.sparse.csr_array((values, coo.coords), shape=coo.shape)  # sums duplicates
        matrix.sum_duplicates()
        matrix.data = _stored_values(matrix.data, f"{name}.data")
        matrix.eliminate_zeros()
        matrix.sort_indices()
        for array in (matrix.data, matrix.indices, matrix.indptr):
            _read_only(array)
        return matrix

    _find_asymmetry = staticmethod(_sparse_asymmetry)

    def _magnitude_sums(self) -> np.ndarray:
        return np.asarray(abs(self.matrix.astype(np.float64)).sum(axis=1)).ravel()

    @property
    def nbytes(self) -> int:
        m = self.matrix
        return m.data.nbytes + m.indices.nbytes + m.indptr.nbytes

    def raw_fields(self, batch: np.ndarray) -> np.ndarray:
        """``scale · Σ_j J_ij s_j`` per replica, self-couplings included.

        Returns
        -------
        numpy.ndarray
            ``(replica, site)``, int64 for integer couplings (``exact``), else
            float64; ``batch`` must be a 2-D ``(replica, site)`` int8 batch.
        """
        return np.ascontiguousarray((self.matrix @ batch.T.astype(self.field_dtype)).T)

    def raw_diagonal(self) -> np.ndarray:
        """``scale · J_ii`` (the stored diagonal).

        Returns
        -------
        numpy.ndarray
            ``(site,)``, a new array of the stored dtype (narrow integers when
            ``exact``, else float64).
        """
        return self.matrix.diagonal()

    def raw_column(self, j: int) -> np.ndarray:
        """``scale · J_ij`` over i: the change of every raw field per unit change of s_j.

        Returns
        -------
        numpy.ndarray
            ``(site,)``, a new array of the stored dtype (narrow integers when
            ``exact``, else float64).
        """
        return self.matrix[:, [j]].toarray()[:, 0]

    def to_dense(self) -> np.ndarray:
        """J itself (``matrix / scale``) as a dense array.

        Returns
        -------
        numpy.ndarray
            float64 ``(N, N)``, a new array (no ``max_sites`` guard: see :func:`to_dense`).
        """
        return self.matrix.toarray() / self.scale


def site_major_patterns(patterns, name: str = "patterns") -> np.ndarray:
    """Validate ±1 patterns ``(pattern, site)``; return a new C-contiguous int8 ξᵀ ``(site, pattern)``.

    The check runs over blocks of sites, so no temporary as large as ξ is
    made beside the copy.
    """
    array = numeric_array(patterns, name)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"{name}: expected a non-empty array of shape (pattern, site), got {array.shape}")
    values = array.T  # (site, pattern)
    out = np.empty(values.shape, dtype=np.int8)
    block = max(_CHUNK_BYTES // (8 * values.shape[1]), 1)
    for start in range(0, values.shape[0], block):
        rows = values[start : start + block]
        bad = (rows != 1) & (rows != -1)
        if bad.any():
            i, mu = np.argwhere(bad)[0]
            raise ValueError(
                f"{name}: entries must be +1 or -1 (convert 0/1 data with from_binary); "
                f"bad entries [{mu}, {start + i}] = {rows[i, mu].item()!r}"
            )
        out[start : start + block] = rows
    return out


@dataclass(frozen=True, eq=False)
class PatternCouplings:
    """Pattern couplings ``J = (1/N) ξᵀ A ξ``, diagonal removed unless ``self_coupling``.

    The constructor validates its arguments and keeps private read-only
    copies (the caller's arrays can change afterwards without effect).

    Attributes
    ----------
    site_patterns : numpy.ndarray
        ξᵀ, ``int8`` ±1 of shape ``(site, pattern)``, C-contiguous (one row per
        site, as the update of one spin reads it).
    matrix : numpy.ndarray or None
        The symmetric P×P matrix A (float64); ``None`` means the identity
        (Hebb), whose fields are exact integers over N.
    self_coupling : bool
        Keep ``J_ii = ξ_i·A ξ_i / N`` (Hebb: P/N).
    """

    site_patterns: np.ndarray
    matrix: np.ndarray | None = None
    self_coupling: bool = False
    _diagonal: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        site = numeric_array(self.site_patterns, "site_patterns")
        if site.ndim != 2:
            raise ValueError(f"site_patterns: expected shape (site, pattern), got {site.shape}")
        object.__setattr__(self, "site_patterns", _read_only(site_major_patterns(site.T, "site_patterns.T")))
        object.__setattr__(self, "self_coupling", _flag(self.self_coupling, "self_coupling"))
        if self.matrix is not None:
            matrix = finite_array(self.matrix, "matrix").astype(np.float64)
            if matrix.shape != (self.n_patterns, self.n_patterns):
                raise ValueError(f"matrix: expected shape ({self.n_patterns}, {self.n_patterns}), got {matrix.shape}")
            where = _dense_asymmetry(matrix)
            if where is not None:
                i, j = where
                raise ValueError(f"matrix: A must be symmetric; matrix[{i}, {j}] = {matrix[i, j]!r} "
                                 f"but matrix[{j}, {i}] = {matrix[j, i]!r}")
            object.__setattr__(self, "matrix", _read_only(matrix))
        self._derive("matrix")

    def _derive(self, name: str):
        if self.matrix is None:
            diagonal = np.full(self.n_sites, self.n_patterns, dtype=np.int64)
        else:
            diagonal = np.concatenate([
                np.einsum("ip,pq,iq->i", xi, self.matrix, xi) for _, xi in self._site_chunks()
            ])
        object.__setattr__(self, "_diagonal", _read_only(diagonal))

    def _site_chunks(self):
        """``(start, ξᵀ block)`` in float64 blocks of at most ``_CHUNK_BYTES`` (exact integer sums, BLAS speed)."""
        block = max(1, _CHUNK_BYTES // (8 * self.n_patterns))
        for start in range(0, self.n_sites, block):
            yield start, self.site_patterns[start : start + block].astype(np.float64)

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

    @cached_property
    def magnitude_bound(self) -> float:
        """A bound on every raw field ``|N Σ_j J_ij s_j|``, the scale of its rounding.

        ``(N − 1) P`` for Hebb; ``N Σ_μν |A_μν| + max_i |N J_ii|`` with a
        pattern matrix A (the overlaps are at most N).
        """
        if self.matrix is None:
            return float(self.field_bound)
        return float(self.n_sites * np.abs(self.matrix).sum() + np.abs(self._diagonal).max(initial=0.0))

    def pattern_gram(self) -> np.ndarray:
        """``ξ ξᵀ`` (P×P float64, exact integers), summed over blocks of sites.

        Returns
        -------
        numpy.ndarray
            float64 ``(pattern, pattern)``, integer-valued (no ``1/N``).
        """
        return sum(xi.T @ xi for _, xi in self._site_chunks())

    def overlaps_raw(self, batch: np.ndarray) -> np.ndarray:
        """``M_μ = Σ_i ξ_i^μ s_i`` per replica (unnormalised overlaps, no ``1/N``).

        Returns
        -------
        numpy.ndarray
            float64 ``(pattern, replica)`` (note the order), integer-valued;
            ``batch`` must be a 2-D ``(replica, site)`` batch.
        """
        sums = np.zeros((self.n_patterns, batch.shape[0]))
        for start, xi in self._site_chunks():
            sums += xi.T @ batch[:, start : start + len(xi)].T
        return sums

    def raw_fields(self, batch: np.ndarray) -> np.ndarray:
        """``N · Σ_j J_ij s_j`` per replica through the overlaps ``M = ξ s``.

        O(NP) time; extra memory O(N + P) per replica beside the result, plus
        two float64 blocks of ξᵀ of ``_CHUNK_BYTES`` (4 MB) each.

        Returns
        -------
        numpy.ndarray
            ``(replica, site)``, int64 for Hebbian couplings (``exact``), else
            float64; ``batch`` must be a 2-D ``(replica, site)`` int8 batch.
        """
        weights = self.overlaps_raw(batch)
        if self.matrix is not None:
            weights = self.matrix @ weights
        fields = np.empty(batch.shape, dtype=np.int64 if self.exact else np.float64)
        for start, xi in self._site_chunks():
            stop = start + len(xi)
            block = (xi @ weights).T
            if not self.self_coupling:
                block -= self._diagonal[start:stop] * batch[:, start:stop]
            fields[:, start:stop] = block
        return fields

    def raw_diagonal(self) -> np.ndarray:
        """``N · J_ii``: ``ξ_i·A ξ_i`` with ``self_coupling``, else zeros.

        Returns
        -------
        numpy.ndarray
            ``(site,)``, a new array; int64 for Hebbian couplings, else float64.
        """
        if self.self_coupling:
            return self._diagonal.copy()
        return np.zeros(self.n_sites, dtype=self._diagonal.dtype)

    def raw_column(self, j: int) -> np.ndarray:
        """``N · J_ij`` over i: the change of every raw field per unit change of s_j.

        Returns
        -------
        numpy.ndarray
            ``(site,)``, a new array; int64 for Hebbian couplings, else float64.
        """
        weights = self.site_patterns[j].astype(np.float64)
        if self.matrix is not None:
            weights = self.matrix @ weights
        column = np.concatenate([xi @ weights for _, xi in self._site_chunks()])
        if not self.self_coupling:
            column[j] = 0.0
        return column.astype(np.int64) if self.exact else column

    def to_dense(self) -> np.ndarray:
        """J itself, ``ξᵀ A ξ / N`` (diagonal zeroed unless ``self_coupling``).

        Returns
        -------
        numpy.ndarray
            float64 ``(N, N)``, a new array (no ``max_sites`` guard: see :func:`to_dense`).
        """
        xi = self.site_patterns.astype(np.float64)
        a = np.eye(self.n_patterns) if self.matrix is None else self.matrix
        dense = xi @ a @ xi.T / self.n_sites
        if not self.self_coupling:
            np.fill_diagonal(dense, 0.0)
        return dense


Couplings = DenseCouplings | SparseCouplings | PatternCouplings


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
        return _read_only(self.couplings.scale * self.h)

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
        With :class:`DenseCouplings` holding a private copy of ``J``.

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
    allow_asymmetric = _flag(allow_asymmetric, "allow_asymmetric")
    self_coupling = _flag(self_coupling, "self_coupling")
    matrix = storage._private_matrix(J, "J")
    where = storage._find_asymmetry(matrix)
    if where is not None and not allow_asymmetric:
        raise ValueError(_asymmetry_message("J", matrix, where, "allow_asymmetric=True"))
    couplings = _unchecked(storage, "J", matrix=matrix, scale=number(scale, "scale", low=0.0, low_open=True), symmetric=where is None)
    _check_diagonal(couplings.raw_diagonal(), self_coupling, "J")
    return IsingModel(couplings, _field_vector(h, theta, couplings.n_sites))


def sparse_model(J, *, scale: float = 1.0, h=None, theta=None, allow_asymmetric: bool = False,
                 self_coupling: bool = False) -> IsingModel:
    """Model with sparse (CSR) couplings; arguments as in :func:`dense_model`.

    ``J`` is any SciPy sparse matrix or array; its indices are checked,
    duplicates summed and explicit zeros dropped.

    Returns
    -------
    IsingModel
        With :class:`SparseCouplings` holding a private CSR copy of ``J``.
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
        N = L² sites, :class:`SparseCouplings` (4 neighbours per site).

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
