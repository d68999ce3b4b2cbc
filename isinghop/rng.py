"""Random streams.

Every public function of isinghop that draws random numbers takes ``rng``:
a :class:`numpy.random.Generator`, an integer seed, a
:class:`numpy.random.SeedSequence` or ``None`` (fresh OS entropy), following
Scientific Python SPEC 7. This module is the only place that turns such a
value into a generator; the package never touches NumPy's global state.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_generator"]

RngLike = np.random.Generator | np.random.SeedSequence | int | None


def as_generator(rng: RngLike) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng``.

    Parameters
    ----------
    rng : Generator, SeedSequence, int or None
        A generator is returned as it is (draws advance it); a seed or a
        seed sequence starts a new PCG64 stream; ``None`` takes fresh entropy
        from the operating system.

    Raises
    ------
    TypeError
        If ``rng`` is of any other type (a float, a legacy ``RandomState``).
    ValueError
        If ``rng`` is a negative integer.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, np.random.SeedSequence) or rng is None:
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng: a seed must be a non-negative integer, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        "rng: expected a numpy.random.Generator, a SeedSequence, an int seed or None, "
        f"got {type(rng).__name__}"
    )
