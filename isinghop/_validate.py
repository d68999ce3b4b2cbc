"""Argument checks shared by the public modules (private)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def describe_entries(mask: np.ndarray, values: np.ndarray, limit: int = 3) -> str:
    """Name up to ``limit`` entries where ``mask`` is true, with their values."""
    bad = np.argwhere(mask)
    shown = ", ".join(
        f"[{', '.join(str(int(k)) for k in index)}] = {values[tuple(index)].item()!r}"
        for index in bad[:limit]
    )
    more = f" and {len(bad) - limit} more" if len(bad) > limit else ""
    return f"{shown}{more}"


def numeric_array(value, name: str) -> np.ndarray:
    """Return ``value`` as a real numeric ndarray or raise ``TypeError`` naming it."""
    array = np.asarray(value)
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise TypeError(f"{name}: expected a real numeric array, got dtype {array.dtype}")
    return array


def finite_array(value, name: str) -> np.ndarray:
    """Return ``value`` as a numeric array whose entries are all finite."""
    array = numeric_array(value, name)
    if np.issubdtype(array.dtype, np.floating):
        bad = ~np.isfinite(array)
        if bad.any():
            raise ValueError(
                f"{name}: entries must be finite; bad entries {describe_entries(bad, array)}"
            )
    return array


def choice(value: str, name: str, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise naming them all."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name}: must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def positive_int(value, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer of at least ``minimum`` (default 1: positive)."""
    kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected {kind}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected {kind}, got {value}")
    return int(value)


def number(value, name: str, *, low: float = -np.inf, high: float = np.inf, low_open: bool = False) -> float:
    """Return ``value`` as a float if it is a finite real number in ``[low, high]`` (``(low, high]`` if ``low_open``)."""
    if high == np.inf:
        kind = "a finite number" if low == -np.inf else f"a finite number {'>' if low_open else '>='} {low:g}"
    else:
        kind = f"a number in {'(' if low_open else '['}{low:g}, {high:g}]"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected {kind}, got {value!r}")
    if not (np.isfinite(value) and (low < value if low_open else low <= value) and value <= high):
        raise ValueError(f"{name}: expected {kind}, got {value}")
    return float(value)


def site_order(order, n_sites: int) -> np.ndarray:
    """The site order of a sequential sweep: 0..N−1, or ``order`` if it is a permutation of them."""
    if order is None:
        return np.arange(n_sites, dtype=np.int64)
    values = np.asarray(order)
    if values.shape != (n_sites,) or not np.issubdtype(values.dtype, np.integer) or not np.array_equal(
        np.sort(values), np.arange(n_sites)
    ):
        raise ValueError(f"order: expected a permutation of 0..{n_sites - 1}, got {values!r}")
    return values.astype(np.int64)


def read_only(array: np.ndarray) -> np.ndarray:
    """``array`` itself, made read-only (the arrays a frozen result or storage holds)."""
    array.flags.writeable = False
    return array


def flag(value, name: str) -> bool:
    """``value`` as a bool; ``TypeError`` naming ``name`` unless it is one (no truthy stand-ins)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {value!r}")
    return bool(value)
