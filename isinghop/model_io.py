"""Models as files: :func:`save_model` and :func:`load_model` (NumPy ``.npz``, no pickles).

A file keeps the storage kind and everything that defines J and h exactly:
integer couplings stay integers with their scale (so ties stay exact), a
sparse matrix keeps its CSR arrays, pattern storage keeps the patterns
(and the P×P matrix A of a general pattern rule) instead of an N×N matrix.
Loading goes through the public constructors, so a damaged or foreign file
is refused with the reason, never turned into a model.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import scipy.sparse

from isinghop.model import (
    IsingModel,
    PatternCouplings,
    SparseCouplings,
    check_model,
    dense_model,
    sparse_model,
)

__all__ = ["save_model", "load_model", "MODEL_FORMAT"]

#: The ``format`` entry of every model file, with its version.
MODEL_FORMAT = ("isinghop-model", 1)


def save_model(model: IsingModel, path) -> Path:
    """Write ``model`` to ``path`` (``.npz`` is appended if missing), atomically.

    Parameters
    ----------
    model : IsingModel
    path : str or os.PathLike

    Returns
    -------
    pathlib.Path
        The file written. It appears whole or not at all (written beside it, then renamed).

    Examples
    --------
    >>> import isinghop as ih
    >>> model = ih.hebbian(ih.random_patterns(3, 50, rng=1))
    >>> path = ih.save_model(model, "network.npz")
    >>> again = ih.load_model(path)
    >>> state = ih.random_spins(1, 50, rng=2)[0]
    >>> print(ih.energy(again, state) == ih.energy(model, state))
    True
    """
    check_model(model)
    path = Path(os.fspath(path))
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    couplings = model.couplings
    arrays = {"format": np.array(MODEL_FORMAT[0]), "version": np.array(MODEL_FORMAT[1]), "h": model.h}
    if isinstance(couplings, PatternCouplings):
        arrays |= {"storage": np.array("patterns"), "site_patterns": couplings.site_patterns,
                   "self_coupling": np.array(couplings.self_coupling)}
        if couplings.matrix is not None:
            arrays["pattern_matrix"] = couplings.matrix
    else:
        arrays |= {"scale": np.array(couplings.scale), "symmetric": np.array(couplings.symmetric)}
        if isinstance(couplings, SparseCouplings):
            matrix = couplings.matrix
            arrays |= {"storage": np.array("sparse"), "data": matrix.data, "indices": matrix.indices,
                       "indptr": matrix.indptr, "shape": np.array(matrix.shape)}
        else:
            arrays |= {"storage": np.array("dense"), "matrix": couplings.matrix}
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as handle:
        np.savez(handle, **arrays)
    os.replace(partial, path)
    return path


def _entry(arrays, name, path):
    if name not in arrays:
        raise ValueError(f"path: {path} is not a complete isinghop model file (no '{name}' entry)")
    return arrays[name]


def load_model(path) -> IsingModel:
    """Read a model written by :func:`save_model`.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    IsingModel
        The same storage, couplings (integer ones as integers, with their
        scale) and field as the model saved.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not an isinghop model file, is damaged, or holds
        couplings or fields the constructors refuse (the message says which).
    """
    path = Path(os.fspath(path))
    if not path.is_file():
        raise FileNotFoundError(f"path: no model file at {path}")
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise ValueError(f"path: {path} is not a readable isinghop model file ({error})") from None
    if str(arrays.get("format", "")) != MODEL_FORMAT[0]:
        raise ValueError(f"path: {path} is not an isinghop model file (no format entry '{MODEL_FORMAT[0]}')")
    if int(_entry(arrays, "version", path)) != MODEL_FORMAT[1]:
        raise ValueError(f"path: {path} has model-file version {arrays['version']}, this isinghop reads "
                         f"{MODEL_FORMAT[1]}")
    storage, h = str(_entry(arrays, "storage", path)), _entry(arrays, "h", path)
    if storage == "patterns":
        couplings = PatternCouplings(site_patterns=_entry(arrays, "site_patterns", path),
                                     matrix=arrays.get("pattern_matrix"),
                                     self_coupling=bool(_entry(arrays, "self_coupling", path)))
        return IsingModel(couplings, h)
    scale, symmetric = float(_entry(arrays, "scale", path)), bool(_entry(arrays, "symmetric", path))
    if storage == "sparse":
        shape = tuple(int(size) for size in _entry(arrays, "shape", path))
        matrix = scipy.sparse.csr_array((_entry(arrays, "data", path), _entry(arrays, "indices", path),
                                         _entry(arrays, "indptr", path)), shape=shape)
        build = sparse_model
    elif storage == "dense":
        matrix, build = _entry(arrays, "matrix", path), dense_model
    else:
        raise ValueError(f"path: {path} names an unknown storage {storage!r}")
    self_coupling = bool(np.any(matrix.diagonal() != 0))
    model = build(matrix, scale=scale, h=h, allow_asymmetric=not symmetric, self_coupling=self_coupling)
    if model.couplings.symmetric != symmetric:
        raise ValueError(f"path: {path} marks its couplings {'' if symmetric else 'a'}symmetric, but they are not")
    return model
