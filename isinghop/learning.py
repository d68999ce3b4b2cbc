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
* covariance: ``J = (1/N) Σ_μ (ξ^μ − a_μ)(ξ^μ − a_μ)ᵀ`` with a_μ the mean
  activity of pattern μ, for biased patterns (Tsodyks & Feigel'man 1988);
* Storkey (1997): an incremental, local rule with a larger capacity than Hebb.
"""

from __future__ import annotations

import warnings

import numpy as np

from isinghop._validate import choice, flag, number, positive_int, read_only
from isinghop.couplings import (MAX_DENSE_SITES, DenseCouplings, PatternCouplings, _unchecked, dense_guard,
                                site_major_patterns)
from isinghop.model import IsingModel
from isinghop.rng import RngLike, as_generator

__all__ = ["hebbian", "covariance_rule", "pseudo_inverse", "storkey", "random_patterns", "balanced_patterns", "correlated_patterns",
           "LEARNING_RULES"]

STORAGES = ("patterns", "dense")
LAYOUTS = ("pattern", "site")
#: Above this condition number the pattern correlation matrix counts as singular.
MAX_CONDITION = 1e10
#: Uniform draws made at once by the pattern generators (bounds temporary memory).
_DRAW_CHUNK = 1 << 20
#: Bytes of the temporary blocks of the dense rules (bounds their memory beside the N×N result).
_BLOCK_BYTES = 1 << 23


def _dense_hebbian(site: np.ndarray, self_coupling: bool) -> DenseCouplings:
    """``K = ξᵀξ`` as narrow integers, built in blocks of rows (peak memory: K plus one block)."""
    n_sites, n_patterns = site.shape
    K = np.empty((n_sites, n_sites), dtype=np.int16 if n_patterns < 2**15 else np.int32)  # |K_ij| <= P
    xi = site.astype(np.float32 if n_patterns < 2**24 else np.float64)  # integer sums exact below 2^24 / 2^53
    block = max(1, _BLOCK_BYTES // (4 * n_sites))
    for start in range(0, n_sites, block):
        K[start : start + block] = xi[start : start + block] @ xi.T
    if not self_coupling:
        np.fill_diagonal(K, 0)
    K.flags.writeable = False
    return _unchecked(DenseCouplings, matrix=K, scale=float(n_sites), symmetric=True)


def _patterns(patterns):
    """Site-major ±1 patterns of a learning rule; more patterns than sites warns (a transposed array, often)."""
    site = site_major_patterns(patterns)
    n_sites, n_patterns = site.shape
    if n_patterns > n_sites:
        warnings.warn(f"patterns: {n_patterns} patterns on {n_sites} sites (load α = P/N = {n_patterns / n_sites:.3g} "
                      "> 1); patterns are (pattern, site): pass patterns.T if the array holds one pattern per column",
                      UserWarning, stacklevel=3)
    return site


def hebbian(patterns, *, self_coupling: bool = False, storage: str = "patterns",
            max_sites: int = MAX_DENSE_SITES) -> IsingModel:
    """Hebbian couplings ``J = (1/N) Σ_μ ξ^μ ξ^μᵀ`` (h = 0).

    Parameters
    ----------
    patterns : array_like
        ±1 patterns, shape ``(pattern, site)``; the model keeps a private copy.
    self_coupling : bool
        Keep the diagonal ``J_ii = P/N`` (default: zeroed).
    storage : {"patterns", "dense"}
        ``"patterns"`` keeps ξ (O(NP) memory); ``"dense"`` keeps the integer
        matrix ``K = ξᵀξ`` (2 N² bytes as int16), built in blocks so the peak
        is K plus a float32 copy of ξ (4NP bytes) and 8 MB of working blocks.
        Either way J = K/N exactly, so zero fields are exact.
    max_sites : int
        With ``storage="dense"``, refuse N above this before allocating.

    Returns
    -------
    IsingModel
        h = 0; :class:`~isinghop.couplings.PatternCouplings` or integer
        :class:`~isinghop.couplings.DenseCouplings` (``K``, scale N): exact ties.

    Examples
    --------
    Three random patterns on 100 sites are each a fixed point of the
    zero-temperature dynamics (α = 0.03 is far below capacity):

    >>> import isinghop as ih
    >>> xi = ih.random_patterns(3, 100, rng=1)
    >>> model = ih.hebbian(xi)
    >>> [bool(ih.relax(model, pattern).sweeps == 0) for pattern in xi]
    [True, True, True]
    """
    storage = choice(storage, "storage", STORAGES)
    self_coupling = flag(self_coupling, "self_coupling")
    max_sites = positive_int(max_sites, "max_sites")
    site = _patterns(patterns)
    if storage == "patterns":
        return IsingModel(_unchecked(PatternCouplings, site_patterns=read_only(site), matrix=None,
                                     self_coupling=self_coupling), None)
    dense_guard(site.shape[0], 2, max_sites, "hebbian(storage='dense')")
    return IsingModel(_dense_hebbian(site, self_coupling), None)


def covariance_rule(patterns, activity=None, *, self_coupling: bool = False) -> IsingModel:
    """Covariance couplings ``J = (1/N) Σ_μ (ξ^μ − a_μ)(ξ^μ − a_μ)ᵀ`` for biased patterns (h = 0).

    Hebb's rule on patterns of mean activity a ≠ 0 adds a ferromagnetic part
    of order P a² that drags every state towards the majority sign; removing
    each pattern's mean cancels it. Held without an N×N matrix: with the
    all-ones vector 1 appended to the patterns, ``ξ^μ − a_μ 1`` are
    combinations of P + 1 ±1 vectors, so ``J = (1/N) Xᵀ A X`` with
    ``X = (ξ¹, …, ξᴾ, 1)`` and the (P+1)×(P+1) matrix
    ``A = [[I, −a], [−aᵀ, Σ_μ a_μ²]]`` (pattern storage, O(NP) memory).

    Parameters
    ----------
    patterns : array_like
        ±1 patterns, shape ``(pattern, site)``.
    activity : float or array_like, optional
        a_μ, the mean of the ±1 entries, in [−1, 1] (the fraction of active
        units of the 0/1 convention is (1 + a)/2): one number for all
        patterns, or one per pattern; default each pattern's own mean
        ``(1/N) Σ_i ξ_i^μ``.
    self_coupling : bool
        Keep the diagonal ``J_ii = (1/N) Σ_μ (ξ_i^μ − a_μ)²`` (default: zeroed).

    Returns
    -------
    IsingModel
        h = 0; :class:`~isinghop.couplings.PatternCouplings` whose patterns are
        ``(ξ¹, …, ξᴾ, 1)`` (so a run's default overlaps end with the
        magnetisation) and whose matrix is A.
    """
    site = _patterns(patterns)
    n_sites, n_patterns = site.shape
    if activity is None:
        a = site.sum(axis=0, dtype=np.int64) / n_sites
    else:
        a = np.asarray(activity, dtype=np.float64) if np.ndim(activity) else np.full(
            n_patterns, number(activity, "activity", low=-1.0, high=1.0))
        if a.shape != (n_patterns,) or not np.all(np.isfinite(a)) or np.any(np.abs(a) > 1):
            raise ValueError(f"activity: expected a number in [-1, 1] or {n_patterns} of them, got {activity!r}")
    matrix = np.eye(n_patterns + 1)
    matrix[:n_patterns, n_patterns] = matrix[n_patterns, :n_patterns] = -a
    matrix[n_patterns, n_patterns] = a @ a
    extended = np.empty((n_sites, n_patterns + 1), dtype=np.int8)
    extended[:, :n_patterns] = site
    extended[:, n_patterns] = 1
    return IsingModel(PatternCouplings(extended, matrix=matrix, self_coupling=flag(self_coupling, "self_coupling")),
                      None)


def pseudo_inverse(patterns, *, self_coupling: bool = False, storage: str = "patterns",
                   max_sites: int = MAX_DENSE_SITES) -> IsingModel:
    """Pseudo-inverse couplings ``J = (1/N) ξᵀ C⁻¹ ξ`` with ``C = ξ ξᵀ / N`` (h = 0).

    Parameters
    ----------
    patterns : array_like
        ±1 patterns, shape ``(pattern, site)``; they must be linearly
        independent (C invertible).
    self_coupling : bool
        Keep the diagonal ``J_ii`` (default: zeroed).
    storage : {"patterns", "dense"}
        Keep ξ and the P×P matrix C⁻¹, or the dense N×N float64 J.
    max_sites : int
        With ``storage="dense"``, refuse N above this before allocating.

    Returns
    -------
    IsingModel
        h = 0; :class:`~isinghop.couplings.PatternCouplings` (A = C⁻¹) or float64
        :class:`~isinghop.couplings.DenseCouplings`.

    Raises
    ------
    ValueError
        If C is numerically singular (condition number above ``MAX_CONDITION``),
        e.g. repeated or linearly dependent patterns, or P > N.
    """
    storage = choice(storage, "storage", STORAGES)
    self_coupling = flag(self_coupling, "self_coupling")
    max_sites = positive_int(max_sites, "max_sites")
    site = read_only(_patterns(patterns))
    n_sites, n_patterns = site.shape
    if storage == "dense":
        dense_guard(n_sites, 8, max_sites, "pseudo_inverse(storage='dense')")
    hebb = _unchecked(PatternCouplings, site_patterns=site, matrix=None, self_coupling=False)
    correlation = hebb.pattern_gram() / n_sites
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
    coupling = _unchecked(PatternCouplings, site_patterns=site, matrix=inverse,
                          self_coupling=self_coupling)
    if storage == "patterns":
        return IsingModel(coupling, None)
    J = coupling.to_dense()
    J.flags.writeable = False
    return IsingModel(_unchecked(DenseCouplings, matrix=J, scale=1.0, symmetric=True), None)


def storkey(patterns, *, max_sites: int = MAX_DENSE_SITES) -> IsingModel:
    """Storkey's (1997) incremental rule, dense float64 couplings (h = 0).

    Patterns are learnt one at a time: with ``h_i = Σ_k w_ik ξ_k`` and
    ``h_ij = Σ_{k≠i,j} w_ik ξ_k = h_i − w_ij ξ_j``,
    ``w_ij ← w_ij + (ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j)/N`` for i ≠ j, which is
    ``W ← W + (ξξᵀ − ξhᵀ − hξᵀ + 2W)/N`` off the diagonal; the diagonal
    stays zero. W is updated in blocks of rows: the peak memory is the
    8 N² bytes of W plus a float64 copy of ξ (8NP bytes) and 8 MB of
    working blocks.

    Parameters
    ----------
    patterns : array_like
        ±1 patterns, shape ``(pattern, site)``.
    max_sites : int
        Refuse N above this before allocating.

    Returns
    -------
    IsingModel
        h = 0; float64 :class:`~isinghop.couplings.DenseCouplings`, zero diagonal.
    """
    site = _patterns(patterns)
    n_sites = site.shape[0]
    dense_guard(n_sites, 8, max_sites, "storkey")
    weights = np.zeros((n_sites, n_sites))
    block = max(1, _BLOCK_BYTES // (8 * n_sites))
    for xi in site.T.astype(np.float64):
        local = weights @ xi
        for start in range(0, n_sites, block):
            rows = slice(start, start + block)
            update = np.multiply.outer(xi[rows], xi - local)
            update -= np.multiply.outer(local[rows], xi)
            update += 2 * weights[rows]
            update /= n_sites
            weights[rows] += update
        np.fill_diagonal(weights, 0.0)
    for start in range(0, n_sites, block):  # symmetrise the rounding, block by block
        for other in range(start, n_sites, block):
            upper = weights[start : start + block, other : other + block]
            lower = weights[other : other + block, start : start + block]
            mean = (upper + lower.T) / 2
            upper[...] = mean
            lower[...] = mean.T
    weights.flags.writeable = False
    return IsingModel(_unchecked(DenseCouplings, matrix=weights, scale=1.0, symmetric=True), None)


def _layout_array(n_patterns: int, n_sites: int, layout: str) -> np.ndarray:
    """An empty int8 ``(pattern, site)`` array, C-ordered or the transpose of a site-major block."""
    layout = choice(layout, "layout", LAYOUTS)
    if layout == "site":
        return np.empty((n_sites, n_patterns), dtype=np.int8).T
    return np.empty((n_patterns, n_sites), dtype=np.int8)


def _fill_signs(out: np.ndarray, probability_plus: float, generator: np.random.Generator) -> None:
    """Fill ``out`` (any memory layout) with +1 at ``probability_plus``, else −1.

    The draws follow the logical ``(pattern, site)`` order, blocks of whole
    rows at a time, so the values do not depend on the memory layout.
    """
    out2d = out.reshape(1, -1) if out.ndim == 1 else out
    rows = max(1, _DRAW_CHUNK // out2d.shape[1])
    for start in range(0, len(out2d), rows):
        block = out2d[start : start + rows]
        draws = generator.random(block.shape, dtype=np.float32) < probability_plus
        block[...] = draws
        block *= 2
        block -= 1


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
        transposed view of a C-contiguous ``(site, pattern)`` block, the
        layout of pattern storage (its private copy is then a straight block
        copy; the model holds ξ once more, so delete the caller's ξ at large N).

    Returns
    -------
    numpy.ndarray
        ``int8``, shape ``(n_patterns, n_sites)``; made in int8 throughout.

    Examples
    --------
    >>> import numpy as np
    >>> import isinghop as ih
    >>> xi = ih.random_patterns(3, 1000, rng=1)
    >>> print(xi.shape, xi.dtype, np.unique(xi), xi.mean(axis=1).round(2))
    (3, 1000) int8 [-1  1] [ 0.02 -0.05  0.  ]
    """
    n_patterns = positive_int(n_patterns, "n_patterns")
    n_sites = positive_int(n_sites, "n_sites")
    bias = number(bias, "bias", low=-1.0, high=1.0)
    out = _layout_array(n_patterns, n_sites, layout)
    _fill_signs(out, (1.0 + bias) / 2.0, as_generator(rng))
    return out


def balanced_patterns(n_patterns: int, n_sites: int, *, rng: RngLike = None) -> np.ndarray:
    """Patterns whose 2^P sign combinations each occupy N/2^P sites, in random order.

    Every combination ``(ξ_i^1, …, ξ_i^P)`` appears ⌊N/2^P⌋ or ⌈N/2^P⌉ times
    (exactly N/2^P when 2^P divides N), so averages over sites of any function
    of the patterns equal their α = 0 averages over independent signs up to
    O(2^P/N): the overlap between two patterns is at most 2^P/N instead of
    O(N^(−1/2)). The finite-P mean-field theory (e.g. of the symmetric
    mixtures, :func:`isinghop.theory.meanfield.mixture_state`) then describes the
    network without the quenched O(N^(−1/2)) tilts that random patterns give
    it, which can exceed the shallow free-energy barriers of mixture states.

    Parameters
    ----------
    n_patterns, n_sites : int
        P (at most 20) and N.
    rng : Generator, SeedSequence, int or None

    Returns
    -------
    numpy.ndarray
        ``int8``, shape ``(n_patterns, n_sites)``.
    """
    n_patterns = positive_int(n_patterns, "n_patterns")
    n_sites = positive_int(n_sites, "n_sites")
    if n_patterns > 20:
        raise ValueError(f"n_patterns: at most 20 (2^P sign combinations), got {n_patterns}")
    generator = as_generator(rng)
    count = 1 << n_patterns
    extra = generator.choice(count, n_sites % count, replace=False)  # which combinations get one site more
    combination = generator.permutation(np.concatenate([np.repeat(np.arange(count), n_sites // count), extra]))
    bits = (combination[None, :] >> np.arange(n_patterns)[:, None]) & 1
    return (2 * bits - 1).astype(np.int8)


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

    Returns
    -------
    numpy.ndarray
        ``int8`` ±1, shape ``(n_patterns, n_sites)``, memory layout per ``layout``.
    """
    n_patterns = positive_int(n_patterns, "n_patterns")
    n_sites = positive_int(n_sites, "n_sites")
    c = number(c, "c", low=-1.0, high=1.0)
    generator = as_generator(rng)
    parent = np.empty(n_sites, dtype=np.int8)
    _fill_signs(parent, 0.5, generator)
    out = _layout_array(n_patterns, n_sites, layout)
    _fill_signs(out, (1.0 + c) / 2.0, generator)
    out *= parent
    return out


#: The learning rules that store patterns without further parameters, by name: what the
#: letters study and the playground offer. (``vocabulary.RULES`` are the Monte Carlo rules.)
LEARNING_RULES = {"hebbian": hebbian, "storkey": storkey, "pseudo_inverse": pseudo_inverse}


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
