"""Compiled kernels (numba). Private: nothing here is part of the public API.

Kernels take contiguous arrays, scalars and integer codes only; they validate
nothing, and draw random numbers only from the per-replica xoshiro256**
states passed to them.
"""
