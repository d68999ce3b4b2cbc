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

__all__ = ["as_generator", "replica_states"]

RngLike = np.random.Generator | np.random.SeedSequence | int | np.ndarray | None

#: Words of one replica's xoshiro256** state.
STATE_WORDS = 4


def as_generator(rng: RngLike) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng``.

    Parameters
    ----------
    rng : Generator, SeedSequence, int or None
        A generator is returned as it is (draws advance it); a seed or a
        seed sequence starts a new PCG64 stream; ``None`` takes fresh entropy
        from the operating system.

    Returns
    -------
    numpy.random.Generator
        ``rng`` itself if it is one, else a new PCG64 generator.

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


def _children(seed: np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """Children ``0..n−1`` of ``seed`` without advancing it: child r depends on (seed, r) only."""
    return [
        np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, r), pool_size=seed.pool_size)
        for r in range(n)
    ]


def replica_states(rng: RngLike, n_replicas: int) -> np.ndarray:
    """Per-replica xoshiro256** states for the compiled kernels, ``(n_replicas, 4)`` uint64.

    Replica r's state is generated from the r-th child of a root
    :class:`~numpy.random.SeedSequence`, so it does not depend on the number
    of replicas, threads or processes.

    Parameters
    ----------
    rng : int, SeedSequence, Generator, ndarray or None
        An int or a SeedSequence is the root (the same root gives the same
        states on every call); a Generator spawns fresh children from its
        seed sequence (each call advances it); an ``(n_replicas, 4)`` uint64
        array is a state returned by an earlier run, continued exactly (it
        is copied); ``None`` takes fresh OS entropy.
    n_replicas : int
        Number of replicas.

    Returns
    -------
    numpy.ndarray
        uint64 ``(n_replicas, 4)``, a new C-contiguous array; the replica axis is
        always kept (``n_replicas = 1`` gives ``(1, 4)``).
    """
    if isinstance(rng, np.ndarray):
        if rng.dtype != np.uint64 or rng.shape != (n_replicas, STATE_WORDS):
            raise ValueError(
                f"rng: a generator state must be a uint64 array of shape ({n_replicas}, {STATE_WORDS}) "
                f"(one row per replica), got {rng.dtype} {rng.shape}"
            )
        if np.any(~rng.any(axis=1)):
            raise ValueError("rng: a generator state row is all zero, which xoshiro256** cannot leave")
        return np.array(rng, dtype=np.uint64, order="C")
    if isinstance(rng, np.random.Generator):
        seed = rng.bit_generator.seed_seq
        if not isinstance(seed, np.random.SeedSequence):
            raise TypeError("rng: this Generator has no SeedSequence to spawn replica streams from")
        children = seed.spawn(n_replicas)
    elif rng is None or isinstance(rng, np.random.SeedSequence):
        children = _children(np.random.SeedSequence() if rng is None else rng, n_replicas)
    elif isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng >= 0:
        children = _children(np.random.SeedSequence(int(rng)), n_replicas)
    else:
        as_generator(rng)  # raises the same errors as everywhere else
        raise TypeError(f"rng: cannot make replica streams from {type(rng).__name__}")
    states = np.array([child.generate_state(STATE_WORDS, np.uint64) for child in children], dtype=np.uint64)
    states[~states.any(axis=1), 0] = 1  # an all-zero state (probability 2^-256) would stay zero
    return states.reshape(n_replicas, STATE_WORDS)


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
