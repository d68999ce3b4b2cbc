"""xoshiro256** (Blackman & Vigna 2018), one 4-word uint64 state per replica.

Each replica's state is seeded from its own SeedSequence child (see
:func:`isinghop.rng.replica_states`), so results do not depend on threads.
All arithmetic stays in uint64: numba would turn a uint64/int64 mix into floats.
"""

import numpy as np
from numba import njit

_ROT_7 = np.uint64(7)
_ROT_45 = np.uint64(45)
_SHIFT_17 = np.uint64(17)
_FIVE = np.uint64(5)
_NINE = np.uint64(9)
_SIXTY_FOUR = np.uint64(64)
_LOW_32 = np.uint64(0xFFFFFFFF)
_SHIFT_32 = np.uint64(32)
_SHIFT_11 = np.uint64(11)
_SHIFT_63 = np.uint64(63)
_TWO_POW_32 = np.uint64(1 << 32)
_INV_2_53 = 1.0 / 9007199254740992.0


@njit(inline="always")
def _rotl(x, k):
    return (x << k) | (x >> (_SIXTY_FOUR - k))


@njit(inline="always")
def next_uint64(state):
    """Advance ``state`` (uint64[4]) and return the next 64-bit output."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    result = _rotl(s1 * _FIVE, _ROT_7) * _NINE
    t = s1 << _SHIFT_17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, _ROT_45)
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return result


@njit(inline="always")
def uniform(state):
    """Uniform float64 in [0, 1) from the top 53 bits."""
    return float(next_uint64(state) >> _SHIFT_11) * _INV_2_53


@njit(inline="always")
def coin(state):
    """+1 or −1 with probability ½ each, from the top bit."""
    return 1 if (next_uint64(state) >> _SHIFT_63) else -1


@njit(inline="always")
def below(state, n):
    """Uniform integer in [0, n) for 1 ≤ n < 2^32 (Lemire's unbiased multiply-shift)."""
    bound = np.uint64(n)
    product = (next_uint64(state) >> _SHIFT_32) * bound
    low = product & _LOW_32
    if low < bound:
        threshold = (_TWO_POW_32 - bound) % bound
        while low < threshold:
            product = (next_uint64(state) >> _SHIFT_32) * bound
            low = product & _LOW_32
    return np.int64(product >> _SHIFT_32)


@njit(cache=True)
def uniforms(state, count):
    """``count`` uniforms from one state (for draws made outside the kernels, e.g. replica exchanges)."""
    out = np.empty(count)
    for k in range(count):
        out[k] = uniform(state)
    return out
