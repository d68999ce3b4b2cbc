"""Spin configurations: validation, conversion, random states and corruptions.

Spins are ``int8`` arrays of ±1. A batch has shape ``(replica, site)``; a 1-D
array is one replica, and functions that take one give back the same shape.
Input in {0, 1} is accepted only through :func:`from_binary` (1 ↦ +1,
0 ↦ −1); any other value (0, 2, NaN) in a spin array is a ``ValueError`` that
names the first bad entries.
"""

from __future__ import annotations

import numpy as np

from isinghop._validate import describe_entries, number, numeric_array, positive_int
from isinghop.rng import RngLike, as_generator

__all__ = [
    "as_spins",
    "from_binary",
    "to_binary",
    "random_spins",
    "flip_fraction",
    "mask_block",
    "invert",
    "invert_region",
]


def spin_batch(spins, name: str = "spins", n_sites: int | None = None) -> tuple[np.ndarray, bool]:
    """Validate ``spins`` and return ``(batch, single)``.

    ``batch`` is a C-contiguous ``int8`` array ``(replica, site)`` (the input
    itself when it already is one) and ``single`` tells whether the input was
    one 1-D configuration.
    """
    array = numeric_array(spins, name)
    if array.ndim not in (1, 2):
        raise ValueError(f"{name}: expected shape (site,) or (replica, site), got {array.shape}")
    if array.shape[-1] == 0 or array.size == 0:
        raise ValueError(f"{name}: expected at least one site and one replica, got shape {array.shape}")
    bad = (array != 1) & (array != -1)
    if bad.any():
        raise ValueError(
            f"{name}: entries must be +1 or -1 (convert 0/1 data with from_binary); "
            f"bad entries {describe_entries(bad, array)}"
        )
    if n_sites is not None and array.shape[-1] != n_sites:
        raise ValueError(f"{name}: expected {n_sites} sites to match the model, got {array.shape[-1]}")
    single = array.ndim == 1
    batch = np.ascontiguousarray(array.reshape(1, -1) if single else array, dtype=np.int8)
    return batch, single


def as_spins(spins, *, name: str = "spins", n_sites: int | None = None) -> np.ndarray:
    """Validate a spin array and return it as ``int8`` of shape ``(replica, site)``.

    Parameters
    ----------
    spins : array_like
        Values ±1, shape ``(site,)`` (one replica) or ``(replica, site)``.
    name : str
        Argument name used in error messages.
    n_sites : int, optional
        Required number of sites.

    Returns
    -------
    numpy.ndarray
        C-contiguous ``int8`` batch ``(replica, site)``; the input itself when it
        already is one. The replica axis is always kept: a 1-D input gives ``(1, site)``.

    Raises
    ------
    ValueError
        Naming the first entries that are not ±1, or a wrong shape.
    TypeError
        For non-numeric input (booleans included: use :func:`from_binary`).
    """
    return spin_batch(spins, name, n_sites)[0]


def _restore(batch: np.ndarray, single: bool) -> np.ndarray:
    return batch[0] if single else batch


def from_binary(bits) -> np.ndarray:
    """Convert {0, 1} (or boolean) values to spins: 1 ↦ +1, 0 ↦ −1.

    The shape is kept; the result is ``int8``. Any value other than 0 and 1
    is a ``ValueError`` naming the first bad entries.

    Returns
    -------
    numpy.ndarray
        ``int8`` ±1, a new array of the shape of ``bits`` (a 1-D input stays 1-D).

    Examples
    --------
    >>> import isinghop as ih
    >>> print(ih.from_binary([0, 1, 1]), ih.to_binary([-1, 1, 1]))
    [-1  1  1] [0 1 1]
    """
    array = np.asarray(bits)
    if array.dtype == bool:
        array = array.astype(np.int8)
    array = numeric_array(array, "bits")
    bad = (array != 0) & (array != 1)
    if bad.any():
        raise ValueError(f"bits: entries must be 0 or 1; bad entries {describe_entries(bad, array)}")
    return (2 * array.astype(np.int8) - 1).astype(np.int8)


def to_binary(spins) -> np.ndarray:
    """Convert spins to {0, 1} ``int8`` values: +1 ↦ 1, −1 ↦ 0 (shape kept).

    Returns
    -------
    numpy.ndarray
        ``int8`` {0, 1}, a new array of the shape of ``spins``: ``(replica, site)``,
        or ``(site,)`` for a 1-D input (replica axis dropped).
    """
    batch, single = spin_batch(spins)
    return _restore(((batch + 1) // 2).astype(np.int8), single)


def random_spins(n_replicas: int, n_sites: int, *, rng: RngLike = None) -> np.ndarray:
    """Independent uniform ±1 spins.

    Returns
    -------
    numpy.ndarray
        ``int8`` of shape ``(n_replicas, n_sites)`` (the replica axis is always kept).
    """
    n_replicas = positive_int(n_replicas, "n_replicas")
    n_sites = positive_int(n_sites, "n_sites")
    bits = as_generator(rng).integers(0, 2, size=(n_replicas, n_sites), dtype=np.int8)
    return 2 * bits - np.int8(1)


def flip_fraction(spins, p: float, *, rng: RngLike = None) -> np.ndarray:
    """Flip exactly ``round(p * N)`` distinct sites of each replica, chosen uniformly.

    With an exact count the overlap with the original is exactly ``1 − 2k/N``
    (k flipped sites), so recall studies start from a known overlap.

    Parameters
    ----------
    spins : array_like
        ±1 spins, ``(site,)`` or ``(replica, site)``; never modified.
    p : float
        Fraction of sites to flip, in [0, 1].
    rng : Generator, SeedSequence, int or None
        Source of the sites; each replica gets its own draw.

    Returns
    -------
    numpy.ndarray
        ``int8`` ±1, a new array of the shape of ``spins``: ``(replica, site)``,
        or ``(site,)`` for a 1-D input (replica axis dropped).

    Examples
    --------
    Flipping a fraction p of the sites leaves an overlap 1 − 2p with the
    original:

    >>> import isinghop as ih
    >>> xi = ih.random_patterns(1, 500, rng=1)[0]
    >>> cue = ih.flip_fraction(xi, 0.2, rng=2)
    >>> print((cue * xi).mean())
    0.6
    """
    batch, single = spin_batch(spins)
    p = number(p, "p", low=0.0, high=1.0)
    n_flip = int(round(p * batch.shape[1]))
    out = batch.copy()
    if n_flip:
        keys = as_generator(rng).random(batch.shape)
        sites = np.argpartition(keys, n_flip - 1, axis=1)[:, :n_flip]
        rows = np.arange(batch.shape[0])[:, None]
        out[rows, sites] *= -1
    return _restore(out, single)


def _region_mask(n_sites: int, region, shape) -> np.ndarray:
    """Boolean mask over the sites for ``region`` (an index into the sites seen as ``shape``)."""
    shape = (n_sites,) if shape is None else tuple(int(n) for n in shape)
    if int(np.prod(shape)) != n_sites:
        raise ValueError(f"shape: {shape} holds {int(np.prod(shape))} sites, the spins have {n_sites}")
    mask = np.zeros(shape, dtype=bool)
    try:
        mask[region] = True
    except (IndexError, TypeError) as error:
        raise ValueError(f"region: {region!r} is not a valid index into shape {shape}: {error}") from None
    return mask.reshape(n_sites)


def mask_block(spins, region, *, fill: int | str = -1, shape=None, rng: RngLike = None) -> np.ndarray:
    """Overwrite a block of sites: the occlusion of part of a stored image.

    Parameters
    ----------
    spins : array_like
        ±1 spins, ``(site,)`` or ``(replica, site)``; never modified.
    region : slice, tuple of slices or index array
        The masked sites, indexing the sites arranged as ``shape``.
    fill : {-1, +1, "random"}
        The value the masked sites get: a fixed spin (default −1, a black
        block) or ``"random"``, independent uniform spins per replica.
    shape : tuple of int, optional
        Arrangement of the sites (e.g. the image's ``(rows, cols)``); default
        the flat site index.
    rng : Generator, SeedSequence, int or None
        Used only with ``fill="random"``.

    Returns
    -------
    numpy.ndarray
        ``int8`` ±1, a new array of the shape of ``spins``: ``(replica, site)``,
        or ``(site,)`` for a 1-D input (replica axis dropped).
    """
    batch, single = spin_batch(spins)
    mask = _region_mask(batch.shape[1], region, shape)
    out = batch.copy()
    if isinstance(fill, str) and fill == "random":
        if mask.any():
            out[:, mask] = random_spins(batch.shape[0], int(mask.sum()), rng=rng)
    elif not isinstance(fill, (bool, str)) and fill in (-1, 1):
        out[:, mask] = fill
    else:
        raise ValueError(f"fill: must be -1, +1 or 'random', got {fill!r}")
    return _restore(out, single)


def invert(spins) -> np.ndarray:
    """Flip every spin (the Z2 image of a configuration).

    Returns
    -------
    numpy.ndarray
        ``int8`` ±1 ``−spins``, a new array of the shape of ``spins``:
        ``(replica, site)``, or ``(site,)`` for a 1-D input (replica axis dropped).
    """
    batch, single = spin_batch(spins)
    return _restore(-batch, single)


def invert_region(spins, region, *, shape=None) -> np.ndarray:
    """Flip the spins of one region (indexing the sites arranged as ``shape``).

    Parameters
    ----------
    spins : array_like
        ±1 spins, ``(site,)`` or ``(replica, site)``; never modified.
    region : slice, tuple of slices or index array
        The flipped sites, as in :func:`mask_block`.
    shape : tuple of int, optional
        Arrangement of the sites; default the flat site index.

    Returns
    -------
    numpy.ndarray
        ``int8`` ±1, a new array of the shape of ``spins``: ``(replica, site)``,
        or ``(site,)`` for a 1-D input (replica axis dropped).
    """
    batch, single = spin_batch(spins)
    mask = _region_mask(batch.shape[1], region, shape)
    out = batch.copy()
    out[:, mask] *= -1
    return _restore(out, single)


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
