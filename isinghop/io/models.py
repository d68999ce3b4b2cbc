"""Models as files: :func:`save_model` and :func:`load_model` (NumPy ``.npz``, no pickles).

A file keeps the storage kind and everything that defines J and h exactly:
integer couplings stay integers with their scale (so ties stay exact), a
sparse matrix keeps its CSR arrays, pattern storage keeps the patterns
(and the P×P matrix A of a general pattern rule) instead of an N×N matrix.
Loading reads only the entries a model file has, checks each entry's
declared dtype and shape against the others before reading any data, and
goes through the public constructors, so a damaged or foreign file is
refused with the reason, never turned into a model.
"""

from __future__ import annotations

import math
import os
import secrets
import zipfile
from pathlib import Path

import numpy as np
import scipy.sparse

from isinghop.couplings import PatternCouplings, SparseCouplings
from isinghop.model import (
    IsingModel,
    check_model,
    dense_model,
    sparse_model,
)

__all__ = ["save_model", "load_model", "MODEL_FORMAT"]

#: The ``format`` entry of every model file, with its version.
MODEL_FORMAT = ("isinghop-model", 1)

#: The entries of a model file besides ``format``, ``version``, ``storage`` and ``h``, by storage
#: (``pattern_matrix`` is optional: without it A is the identity).
_STORAGE_ENTRIES = {
    "patterns": ("site_patterns", "self_coupling", "pattern_matrix"),
    "dense": ("scale", "symmetric", "matrix"),
    "sparse": ("scale", "symmetric", "shape", "indptr", "indices", "data"),
}
#: Longest ``format`` or ``storage`` string a file may declare, in characters.
_MAX_TEXT = 64
#: What an entry may hold, as NumPy ``dtype.kind`` letters, and how a refusal says it.
_REAL, _INTEGER, _FLAG, _TEXT = "iuf", "iu", "b", "U"
_KIND_NAMES = {_REAL: "real numbers", _INTEGER: "integers", _FLAG: "a boolean",
               _TEXT: f"a string (at most {_MAX_TEXT} characters)"}
_NPY_MAGIC = b"\x93NUMPY"
_NPY_HEADERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def save_model(model: IsingModel, path) -> Path:
    """Write ``model`` to ``path`` (``.npz`` is appended if missing), atomically.

    Parameters
    ----------
    model : IsingModel
    path : str or os.PathLike
        The file to write (replaced if it exists); not a directory.

    Returns
    -------
    pathlib.Path
        The file written. It appears whole or not at all: the model goes to
        a new temporary file beside it, is flushed to disk, and the
        temporary is renamed over ``path``. Readers, and writers in other
        processes, never see part of a file; a save that fails (or is
        interrupted) leaves the old file as it was and removes its temporary.

    Raises
    ------
    ValueError
        If ``path`` (or ``path`` with ``.npz`` appended) is a directory.

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
    given = Path(os.fspath(path))
    path = given if given.suffix == ".npz" or given.is_dir() else given.with_name(given.name + ".npz")
    if path.is_dir():
        raise ValueError(f"path: {path} is a directory; name the model file to write, e.g. {path / 'model.npz'}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"path: no directory {path.parent} to write {path.name} in")
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
    descriptor, temporary = _new_file(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def _new_file(path: Path) -> tuple[int, Path]:
    """A new file ``.NAME.<random>.tmp`` beside ``path``, opened for writing: ``(descriptor, its path)``.

    Created exclusively (no two writers share one), with the permissions
    :func:`open` would give ``path`` (0o666 less the umask).
    """
    while True:
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue


def _shape_text(shape) -> str:
    return f"({', '.join(str(size) for size in shape)}{',' if len(shape) == 1 else ''})"


class _ModelFile:
    """The ``.npy`` entries of an open ``.npz``, read from their headers before any data is read.

    Parameters
    ----------
    archive : zipfile.ZipFile
        The open file; every read goes through it, so a file renamed over
        ``path`` meanwhile does not mix into the one being read.
    path : pathlib.Path
        Its name, for the messages.
    """

    def __init__(self, archive: zipfile.ZipFile, path: Path):
        self._archive, self.path = archive, path
        self.members = archive.namelist()
        self._present = set(self.members)
        self._headers = {}

    def __contains__(self, name: str) -> bool:
        return f"{name}.npy" in self._present

    def refuse(self, reason: str) -> ValueError:
        return ValueError(f"path: {self.path}: {reason}")

    def header(self, name: str) -> tuple[tuple[int, ...], np.dtype]:
        """The shape and dtype that entry ``name``'s header declares, once its size is known to match the entry."""
        if name not in self._headers:
            info = self._archive.getinfo(f"{name}.npy")
            with self._archive.open(info) as stream:
                try:
                    version = np.lib.format.read_magic(stream)
                    if version not in _NPY_HEADERS:
                        raise ValueError(f".npy format version {version[0]}.{version[1]} is not 1.0 or 2.0")
                    shape, _, dtype = _NPY_HEADERS[version](stream)
                except ValueError as error:
                    raise self.refuse(f"entry '{name}' is not a NumPy array ({error})") from None
                data_start = stream.tell()
            declared = dtype.itemsize * math.prod(shape)
            if data_start + declared != info.file_size:
                raise self.refuse(f"entry '{name}' declares {dtype} of shape {_shape_text(shape)} ({declared} bytes) "
                                  f"but holds {info.file_size - data_start} bytes of data")
            self._headers[name] = shape, dtype
        return self._headers[name]

    def check(self, name: str, kinds: str, shape: tuple) -> tuple[int, ...]:
        """The shape entry ``name`` declares, once it is ``shape`` (a str stands for any size) of ``kinds``."""
        declared, dtype = self.header(name)
        if (dtype.kind not in kinds or len(declared) != len(shape)
                or any(not isinstance(size, str) and size != got for size, got in zip(shape, declared))
                or (dtype.kind == "U" and dtype.itemsize > 4 * _MAX_TEXT)):
            raise self.refuse(f"entry '{name}' holds {dtype} of shape {_shape_text(declared)}; expected "
                              f"{_KIND_NAMES[kinds]} of shape {_shape_text(shape)}")
        return declared

    def read(self, name: str, kinds: str, shape: tuple) -> np.ndarray:
        """The data of entry ``name``, read once its header is checked as in :meth:`check`."""
        self.check(name, kinds, shape)
        with self._archive.open(f"{name}.npy") as stream:
            return np.lib.format.read_array(stream, allow_pickle=False)


def _version(stored: _ModelFile) -> None:
    """Refuse a file without model-file version ``MODEL_FORMAT[1]``, saying which it has."""
    supported = f"this isinghop reads model-file version {MODEL_FORMAT[1]}"
    shape, dtype = stored.header("version")
    if shape != () or dtype.kind not in "biufU" or dtype.itemsize > 4 * _MAX_TEXT:
        raise stored.refuse(f"entry 'version' holds {dtype} of shape {_shape_text(shape)}, not a version number; "
                            f"{supported}")
    value = stored.read("version", dtype.kind, ()).item()
    if dtype.kind not in _INTEGER:
        raise stored.refuse(f"entry 'version' holds {value!r}, not a version number (an integer); {supported}")
    if value != MODEL_FORMAT[1]:
        raise ValueError(f"path: {stored.path} has model-file version {value}; {supported}")


def _read_entries(stored: _ModelFile) -> tuple[str, dict[str, np.ndarray]]:
    """The storage and the arrays of a model file, every entry checked against the others before data is read."""
    path = stored.path
    if "format" not in stored or str(stored.read("format", _TEXT, ())) != MODEL_FORMAT[0]:
        raise ValueError(f"path: {path} is not an isinghop model file (no format entry '{MODEL_FORMAT[0]}')")
    _version(stored)
    for name in ("storage", "h"):
        _require(stored, name)
    storage = str(stored.read("storage", _TEXT, ()))
    if storage not in _STORAGE_ENTRIES:
        raise ValueError(f"path: {path} names an unknown storage {storage!r} (one of {', '.join(_STORAGE_ENTRIES)})")
    allowed = {"format", "version", "storage", "h", *_STORAGE_ENTRIES[storage]}
    for member in stored.members:
        if not member.endswith(".npy") or member.removesuffix(".npy") not in allowed:
            raise stored.refuse(f"entry '{member.removesuffix('.npy')}' does not belong in a model file of "
                                f"{storage} storage")
    for name in _STORAGE_ENTRIES[storage]:
        if name != "pattern_matrix":
            _require(stored, name)
    if storage == "patterns":
        n_sites, n_patterns = stored.check("site_patterns", _REAL, ("N", "P"))
        expected = {"site_patterns": (_REAL, (n_sites, n_patterns)), "self_coupling": (_FLAG, ())}
        if "pattern_matrix" in stored:
            expected["pattern_matrix"] = (_REAL, (n_patterns, n_patterns))
    else:
        expected = {"scale": (_REAL, ()), "symmetric": (_FLAG, ())}
        if storage == "dense":
            n_sites = stored.check("matrix", _REAL, ("N", "N"))[0]
            expected["matrix"] = (_REAL, (n_sites, n_sites))
        else:
            n_sites, n_columns = (int(size) for size in stored.read("shape", _INTEGER, (2,)))
            if n_sites != n_columns or n_sites < 1:
                raise stored.refuse(f"entry 'shape' holds ({n_sites}, {n_columns}), not the shape of a non-empty "
                                    "square matrix")
            n_stored = stored.check("indices", _INTEGER, ("nnz",))[0]
            expected |= {"shape": (_INTEGER, (2,)), "indptr": (_INTEGER, (n_sites + 1,)), "indices": (_INTEGER, (n_stored,)),
                         "data": (_REAL, (n_stored,))}
    expected["h"] = (_REAL, (n_sites,))
    for name, (kinds, shape) in expected.items():
        stored.check(name, kinds, shape)
    return storage, {name: stored.read(name, kinds, shape) for name, (kinds, shape) in expected.items()}


def _require(stored: _ModelFile, name: str) -> None:
    if name not in stored:
        raise ValueError(f"path: {stored.path} is not a complete isinghop model file (no '{name}' entry)")


def load_model(path) -> IsingModel:
    """Read a model written by :func:`save_model`.

    Only the entries a model file has are read, and each only once its
    header's dtype and shape agree with the others (N, P, the number of
    stored couplings), so a file cannot make this allocate more than the
    model it declares.

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
        If the file is not an isinghop model file (a ``.npy`` array, say),
        has another model-file version, is damaged, holds an entry that does
        not belong or one of the wrong dtype or shape, or holds couplings or
        fields the constructors refuse; the message names the path, and the
        entry where there is one.
    """
    path = Path(os.fspath(path))
    if not path.is_file():
        raise FileNotFoundError(f"path: no model file at {path}")
    with open(path, "rb") as handle:
        if handle.read(len(_NPY_MAGIC)) == _NPY_MAGIC:
            raise ValueError(f"path: {path} is a NumPy .npy array file, not an isinghop model file (.npz, as "
                             "save_model writes)")
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as archive:
                storage, arrays = _read_entries(_ModelFile(archive, path))
        except (OSError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile,
                zipfile.LargeZipFile) as error:  # RuntimeError, NotImplementedError: encrypted or unknown compression
            raise ValueError(f"path: {path} is not a readable isinghop model file ({error})") from None
    return _build(storage, arrays, path)


def _build(storage: str, arrays: dict[str, np.ndarray], path: Path) -> IsingModel:
    """The model of the checked entries, through the public constructors (their refusals name ``path``)."""
    if storage == "sparse":
        try:
            matrix = scipy.sparse.csr_array((arrays["data"], arrays["indices"], arrays["indptr"]),
                                            shape=tuple(int(size) for size in arrays["shape"]))
        except ValueError as error:
            raise ValueError(f"path: {path}: entries 'data', 'indices', 'indptr' are not a CSR matrix ({error})") \
                from None
    elif storage == "dense":
        matrix = arrays["matrix"]
    try:
        if storage == "patterns":
            couplings = PatternCouplings(site_patterns=arrays["site_patterns"], matrix=arrays.get("pattern_matrix"),
                                         self_coupling=bool(arrays["self_coupling"]))
            return IsingModel(couplings, arrays["h"])
        symmetric = bool(arrays["symmetric"])
        model = (sparse_model if storage == "sparse" else dense_model)(
            matrix, scale=float(arrays["scale"]), h=arrays["h"], allow_asymmetric=not symmetric,
            self_coupling=bool(np.any(matrix.diagonal() != 0)))
    except ValueError as error:
        raise ValueError(f"path: {path} holds a model the constructors refuse: {error}") from None
    if model.couplings.symmetric != symmetric:
        raise ValueError(f"path: {path} marks its couplings {'' if symmetric else 'a'}symmetric, but they are not")
    return model


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
