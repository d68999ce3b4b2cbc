"""Learning rules (patterns → couplings) and pattern generators.

Patterns ξ are ``int8`` ±1 arrays of shape ``(pattern, site)``. The pattern
storage of :mod:`isinghop.model` holds them site-major (ξᵀ, one row per site);
a pattern array that is the transpose of a C-contiguous ``(site, pattern)``
``int8`` array — what the generators return with ``layout="site"`` — is held
without a copy, so a large model keeps ξ once.

Rules, with N sites and P patterns (all return a model with h = 0):

* Hebb: ``J = (1/N) Σ_μ ξ^μ ξ^μᵀ``, diagonal zeroed (kept with
  ``self_coupling=True``: ``J_ii = P/N``);
* pseudo-inverse (projection rule): ``J = (1/N) ξᵀ C⁻¹ ξ`` with the pattern
  correlation matrix ``C = ξ ξᵀ / N``; every stored pattern is a fixed point
  as long as C is invertible, even for correlated patterns;
* Storkey (1997): an incremental, local rule with a larger capacity than Hebb.
"""

from __future__ import annotations

import numpy as np

from isinghop._validate import choice, numeric_array, positive_int
from isinghop.model import DenseCouplings, IsingModel, PatternCouplings, narrowest_integers
from isinghop.rng import RngLike, as_generator

__all__ = ["hebbian", "pseudo_inverse", "storkey", "random_patterns", "correlated_patterns"]

STORAGES = ("patterns", "dense")
LAYOUTS = ("pattern", "site")
#: Above this condition number the pattern correlation matrix counts as singular.
MAX_CONDITION = 1e10
#: Uniform draws made at once by the pattern generators (bounds temporary memory).
_DRAW_CHUNK = 1 << 20


def _site_patterns(patterns) -> np.ndarray:
    """Validate ±1 patterns ``(pattern, site)`` and return ξᵀ C-contiguous int8, copying only if needed.

    The check runs over blocks of sites, so no temporary as large as ξ is made.
    """
    array = numeric_array(patterns, "patterns")
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(f"patterns: expected a non-empty array of shape (pattern, site), got {array.shape}")
    values = array.T  # (site, pattern): C-contiguous for the site-major layout
    block_sites = max(_DRAW_CHUNK // values.shape[1], 1)
    for start in range(0, values.shape[0], block_sites):
        block = values[start : start + block_sites]
        bad = (block != 1) & (block != -1)
        if bad.any():
            i, mu = np.argwhere(bad)[0]
            raise ValueError(
                f"patterns: entries must be +1 or -1; bad entries [{mu}, {start + i}] = {block[i, mu].item()!r}"
            )
    return np.ascontiguousarray(values, dtype=np.int8)


def hebbian(patterns, *, self_coupling: bool = False, storage: str = "patterns") -> IsingModel:
    """Hebbian couplings ``J = (1/N) Σ_μ ξ^μ ξ^μᵀ`` (h = 0).

    Parameters
    ----------
    patterns : array_like
        ±1 patterns, shape ``(pattern, site)``.
    self_coupling : bool
        Keep the diagonal ``J_ii = P/N`` (default: zeroed).
    storage : {"patterns", "dense"}
        ``"patterns"`` keeps ξ (O(NP) memory); ``"dense"`` keeps the integer
        matrix ``K = ξᵀξ`` (O(N²)). Either way J = K/N exactly, so zero
        fields are exact.
    """
    storage = choice(storage, "storage", STORAGES)
    site = _site_patterns(patterns)
    if storage == "patterns":
        return IsingModel(PatternCouplings(site, None, bool(self_coupling)), None)
    xi = site.astype(np.float64)
    K = narrowest_integers(xi @ xi.T)  # exact: |K_ij| <= P < 2^53
    if not self_coupling:
        np.fill_diagonal(K, 0)
    K.flags.writeable = False
    return IsingModel(DenseCouplings(K, float(site.shape[0])), None)


def pseudo_inverse(patterns, *, self_coupling: bool = False, storage: str = "patterns") -> IsingModel:
    """Pseudo-inverse couplings ``J = (1/N) ξᵀ C⁻¹ ξ`` with ``C = ξ ξᵀ / N`` (h = 0).

    Parameters
    ----------
    patterns : array_like
        ±1 patterns, shape ``(pattern, site)``; they must be linearly
        independent (C invertible).
    self_coupling : bool
        Keep the diagonal ``J_ii`` (default: zeroed).
    storage : {"patterns", "dense"}
        Keep ξ and the P×P matrix C⁻¹, or the dense N×N J.

    Raises
    ------
    ValueError
        If C is numerically singular (condition number above ``MAX_CONDITION``),
        e.g. repeated or linearly dependent patterns, or P > N.
    """
    storage = choice(storage, "storage", STORAGES)
    site = _site_patterns(patterns)
    n_sites, n_patterns = site.shape
    correlation = PatternCouplings(site).pattern_gram() / n_sites
    condition = np.linalg.cond(correlation)
    if not condition <= MAX_CONDITION:
        rank = np.linalg.matrix_rank(correlation)
        raise ValueError(
            f"patterns: the correlation matrix C = ξξᵀ/N is numerically singular "
            f"(condition number {condition:.3g}, rank {rank} of {n_patterns}); "
            "the patterns are linearly dependent"
        )
    inverse = np.linalg.inv(correlation)
    inverse = (inverse + inverse.T) / 2
    inverse.flags.writeable = False
    coupling = PatternCouplings(site, inverse, bool(self_coupling))
    if storage == "patterns":
        return IsingModel(coupling, None)
    J = coupling.to_dense()
    J.flags.writeable = False
    return IsingModel(DenseCouplings(J), None)


def storkey(patterns) -> IsingModel:
    """Storkey's (1997) incremental rule, dense couplings (h = 0).

    Patterns are learnt one at a time: with ``h_i = Σ_k w_ik ξ_k`` and
    ``h_ij = Σ_{k≠i,j} w_ik ξ_k = h_i − w_ij ξ_j``,
    ``w_ij ← w_ij + (ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j)/N`` for i ≠ j, which is
    ``W ← W + (ξξᵀ − ξhᵀ − hξᵀ + 2W)/N`` off the diagonal; the diagonal
    stays zero.
    """
    site = _site_patterns(patterns)
    n_sites = site.shape[0]
    weights = np.zeros((n_sites, n_sites))
    for xi in site.T.astype(np.float64):
        local = weights @ xi
        weights += (np.outer(xi, xi) - np.outer(xi, local) - np.outer(local, xi) + 2 * weights) / n_sites
        np.fill_diagonal(weights, 0.0)
    weights = (weights + weights.T) / 2
    weights.flags.writeable = False
    return IsingModel(DenseCouplings(weights), None)


def _layout_array(n_patterns: int, n_sites: int, layout: str) -> np.ndarray:
    """An empty int8 ``(pattern, site)`` array, C-ordered or the transpose of a site-major block."""
    layout = choice(layout, "layout", LAYOUTS)
    if layout == "site":
        return np.empty((n_sites, n_patterns), dtype=np.int8).T
    return np.empty((n_patterns, n_sites), dtype=np.int8)


def _fill_signs(out: np.ndarray, probability_plus: float, generator: np.random.Generator) -> None:
    """Fill ``out`` (any layout) in memory order with +1 at ``probability_plus``, else −1."""
    flat = out.T.reshape(-1) if not out.flags.c_contiguous else out.reshape(-1)
    for start in range(0, flat.size, _DRAW_CHUNK):
        chunk = flat[start : start + _DRAW_CHUNK]
        np.less(generator.random(chunk.size, dtype=np.float32), probability_plus, out=chunk.view(bool))
        chunk *= 2
        chunk -= 1


def _in_range(value, name: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a number in [{low}, {high}], got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name}: expected a number in [{low}, {high}], got {value}")
    return float(value)


def random_patterns(n_patterns: int, n_sites: int, *, bias: float = 0.0, rng: RngLike = None,
                    layout: str = "pattern") -> np.ndarray:
    """Independent random ±1 patterns with mean ``bias``.

    Each entry is +1 with probability ``(1 + bias)/2``.

    Parameters
    ----------
    n_patterns, n_sites : int
        P and N.
    bias : float
        Mean of every entry, in [−1, 1].
    rng : Generator, SeedSequence, int or None
    layout : {"pattern", "site"}
        Memory layout of the ``(pattern, site)`` result: C-ordered, or the
        transposed view of a C-contiguous ``(site, pattern)`` block, which the
        pattern storage holds without a copy.

    Returns
    -------
    numpy.ndarray
        ``int8``, shape ``(n_patterns, n_sites)``; made in int8 throughout.
    """
    n_patterns = positive_int(n_patterns, "n_patterns")
    n_sites = positive_int(n_sites, "n_sites")
    bias = _in_range(bias, "bias", -1.0, 1.0)
    out = _layout_array(n_patterns, n_sites, layout)
    _fill_signs(out, (1.0 + bias) / 2.0, as_generator(rng))
    return out


def correlated_patterns(n_patterns: int, n_sites: int, c: float, *, rng: RngLike = None,
                        layout: str = "pattern") -> np.ndarray:
    """Patterns correlated through one shared random parent η.

    Site i of every pattern is ``η_i`` with probability ``(1 + c)/2`` and
    ``−η_i`` otherwise, independently, so ``⟨ξ_i^μ ξ_i^ν⟩ = c²`` for μ ≠ ν
    while each pattern is unbiased.

    Parameters
    ----------
    n_patterns, n_sites : int
    c : float
        Correlation with the parent, in [−1, 1].
    rng : Generator, SeedSequence, int or None
    layout : {"pattern", "site"}
        As in :func:`random_patterns`.
    """
    n_patterns = positive_int(n_patterns, "n_patterns")
    n_sites = positive_int(n_sites, "n_sites")
    c = _in_range(c, "c", -1.0, 1.0)
    generator = as_generator(rng)
    parent = np.empty(n_sites, dtype=np.int8)
    _fill_signs(parent, 0.5, generator)
    out = _layout_array(n_patterns, n_sites, layout)
    _fill_signs(out, (1.0 + c) / 2.0, generator)
    out *= parent
    return out
