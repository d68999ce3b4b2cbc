"""The storages of the couplings J: dense, sparse and patterns.

Three storages behind one small internal interface
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

from isinghop._validate import describe_entries, finite_array, flag, number, numeric_array, positive_int, read_only

__all__ = ["DenseCouplings", "SparseCouplings", "PatternCouplings", "MAX_DENSE_SITES", "MAX_EXACT_FIELD"]

#: Temporary float64 blocks of pattern storage are at most this many bytes (bounds extra memory).
_CHUNK_BYTES = 1 << 22
#: Relative tolerance of the symmetry check for float couplings.
_SYMMETRY_RTOL = 1e-10
#: Integer couplings stay exact while every field sum is below 2^53 (float64 holds such integers exactly).
MAX_EXACT_FIELD = 2**53
#: Largest N for which an N×N matrix is built unless a larger ``max_sites`` is passed.
MAX_DENSE_SITES = 20_000


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

    @classmethod
    def from_matrix(cls, J, *, scale: float = 1.0, allow_asymmetric: bool = False, self_coupling: bool = False):
        """The storage of ``J / scale``, validated once and kept without a second copy.

        Parameters
        ----------
        J : array_like or scipy sparse matrix, shape (N, N)
            ``scale ×`` the couplings (integer values are stored as integers).
        scale : float
            Divisor > 0.
        allow_asymmetric : bool
            Accept J ≠ Jᵀ (zero-temperature dynamics only).
        self_coupling : bool
            Accept a nonzero diagonal.

        Returns
        -------
        DenseCouplings or SparseCouplings
            Of the class it is called on.
        """
        allow_asymmetric = flag(allow_asymmetric, "allow_asymmetric")
        self_coupling = flag(self_coupling, "self_coupling")
        matrix = cls._private_matrix(J, "J")
        where = cls._find_asymmetry(matrix)
        if where is not None and not allow_asymmetric:
            raise ValueError(_asymmetry_message("J", matrix, where, "allow_asymmetric=True"))
        couplings = _unchecked(cls, "J", matrix=matrix, scale=number(scale, "scale", low=0.0, low_open=True),
                               symmetric=where is None)
        _check_diagonal(couplings.raw_diagonal(), self_coupling, "J")
        return couplings

    def __post_init__(self):
        object.__setattr__(self, "scale", number(self.scale, "scale", low=0.0, low_open=True))
        object.__setattr__(self, "symmetric", flag(self.symmetric, "symmetric"))
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
        return read_only(_stored_values(values, name))

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
            read_only(array)
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
        object.__setattr__(self, "site_patterns", read_only(site_major_patterns(site.T, "site_patterns.T")))
        object.__setattr__(self, "self_coupling", flag(self.self_coupling, "self_coupling"))
        if self.matrix is not None:
            matrix = finite_array(self.matrix, "matrix").astype(np.float64)
            if matrix.shape != (self.n_patterns, self.n_patterns):
                raise ValueError(f"matrix: expected shape ({self.n_patterns}, {self.n_patterns}), got {matrix.shape}")
            where = _dense_asymmetry(matrix)
            if where is not None:
                i, j = where
                raise ValueError(f"matrix: A must be symmetric; matrix[{i}, {j}] = {matrix[i, j]!r} "
                                 f"but matrix[{j}, {i}] = {matrix[j, i]!r}")
            object.__setattr__(self, "matrix", read_only(matrix))
        self._derive("matrix")

    def _derive(self, name: str):
        if self.matrix is None:
            diagonal = np.full(self.n_sites, self.n_patterns, dtype=np.int64)
        else:
            diagonal = np.concatenate([
                np.einsum("ip,pq,iq->i", xi, self.matrix, xi) for _, xi in self._site_chunks()
            ])
        object.__setattr__(self, "_diagonal", read_only(diagonal))

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


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
