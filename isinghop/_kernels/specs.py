"""What the compiled kernels need of each coupling storage: its three functions, its arrays, its per-replica state.

The storages of :mod:`isinghop.model` hold J; this module adapts each to the
kernels (``init``, ``field``, ``flip`` of :mod:`isinghop._kernels.dense`,
:mod:`~isinghop._kernels.sparse` or :mod:`~isinghop._kernels.patterns`, and
the arrays they read), once per storage object, so that the model layer does
not reach up into the kernels.
"""

import weakref
from typing import NamedTuple

import numpy as np
import scipy.sparse

from isinghop._kernels import dense, patterns, sparse
from isinghop.couplings import DenseCouplings, PatternCouplings, SparseCouplings

#: Hebbian pattern fields are summed in 32 bits while P·N is below this (no partial sum can overflow).
NARROW_FIELD_LIMIT = 2**31


class KernelSpec(NamedTuple):
    """What the compiled kernels need of a storage: its three functions, its arrays, its per-replica state."""

    init: object
    field: object
    flip: object
    data: tuple
    aux_size: int
    aux_dtype: type


#: One spec per storage object, made on first use and dropped with the storage.
_SPECS = weakref.WeakKeyDictionary()


def kernel_spec(couplings) -> KernelSpec:
    """The :class:`KernelSpec` of a coupling storage (made once per storage object)."""
    spec = _SPECS.get(couplings)
    if spec is None:
        spec = _SPECS[couplings] = _make(couplings)
    return spec


def _make(couplings) -> KernelSpec:
    if isinstance(couplings, DenseCouplings):
        dtype = couplings.kernel_field_dtype
        matrix = couplings.matrix.astype(dtype) if couplings.matrix.dtype == np.int64 else couplings.matrix
        transposed = matrix if couplings.symmetric else np.ascontiguousarray(matrix.T)
        return KernelSpec(dense.init, dense.field, dense.flip, (transposed,), couplings.n_sites, dtype)
    if isinstance(couplings, SparseCouplings):
        dtype = couplings.kernel_field_dtype
        transposed = couplings.matrix if couplings.symmetric else scipy.sparse.csr_array(couplings.matrix.T)
        values = transposed.data.astype(dtype) if couplings.exact else transposed.data
        data = (transposed.indptr.astype(np.int64), transposed.indices.astype(np.int64), values)
        return KernelSpec(sparse.init, sparse.field, sparse.flip, data, couplings.n_sites, dtype)
    if isinstance(couplings, PatternCouplings):
        removed = np.zeros_like(couplings._diagonal) if couplings.self_coupling else couplings._diagonal
        if couplings.matrix is None:
            # |M_μ| ≤ N: int32 overlaps halve the memory traffic of a field
            overlap_dtype = np.int32 if couplings.n_sites < 2**31 else np.int64
            narrow = couplings.n_patterns * couplings.n_sites < NARROW_FIELD_LIMIT
            field = patterns.hebb_field if narrow else patterns.hebb_field_wide
            return KernelSpec(patterns.hebb_init, field, patterns.hebb_flip, (couplings.site_patterns, removed),
                              couplings.n_patterns, overlap_dtype)
        return KernelSpec(patterns.general_init, patterns.general_field, patterns.general_flip,
                          (couplings.site_patterns, removed, couplings.matrix), couplings.n_patterns, np.float64)
    raise TypeError(f"couplings: no kernels for {type(couplings).__name__}")
