"""Energy landscapes of small networks: local minima, barriers between them, disconnectivity graphs.

The states of N spins are the corners of the hypercube, joined by single
flips. A local minimum has no single flip that lowers H (ΔE_i ≥ 0 for every
i; with a zero diagonal these are the fixed points of the zero-T update under
the tie rule ``keep``). The barrier between two minima is the lowest saddle
on a single-flip path between them: ``min over paths of max H along the
path``. Adding the states in order of increasing energy and joining each to
its neighbours already added (union–find) merges the basins exactly at those
saddles, which gives the whole tree of minima at once (Becker & Karplus
1997; Wales, *Energy Landscapes*): the disconnectivity graph. Its merge
heights form an ultrametric, so the barrier between any two minima is the
height where their branches join.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product

import numpy as np

from isinghop.exact.enumeration import energies, state_spins
from isinghop.model import IsingModel, check_model, pair_numerators
from isinghop.spins import as_spins
from isinghop.exact.transitions import MAX_GRAPH_SITES
from isinghop.vocabulary import scaled_tolerance

__all__ = ["Landscape", "energy_landscape", "label_minima"]

#: label_minima enumerates every symmetric mixture: 3^P of them.
MAX_LABEL_PATTERNS = 10


@dataclass(frozen=True)
class Landscape:
    """The minima of H and the tree that joins them at their barriers.

    Attributes
    ----------
    minima : numpy.ndarray
        State indices of the local minima, by increasing energy (then index).
    energies : numpy.ndarray
        H at each minimum (energy units).
    linkage : numpy.ndarray
        ``(M − 1, 4)`` in SciPy's linkage format: clusters ``a`` and ``b``
        (minima are 0..M−1, merges M, M+1, …) join at height ``h`` above the
        lowest minimum, with ``n`` minima below; ``h + energies.min()`` is
        the barrier energy.
    """

    minima: np.ndarray
    energies: np.ndarray
    linkage: np.ndarray

    def relaxation_barrier(self) -> float:
        """The barrier that sets the slowest relaxation at low T: the Arrhenius exponent of τ_exp.

        Over the merges of the tree, the saddle energy minus the lowest
        minimum of the shallower of the two branches it joins (the deepest
        valley that must be left to equilibrate); 0 for a single minimum.

        Returns
        -------
        float
            Energy units.
        """
        lowest = list(self.energies)
        deepest = 0.0
        for a, b, height, _ in self.linkage:
            saddle = height + self.energies.min()
            deepest = max(deepest, saddle - max(lowest[int(a)], lowest[int(b)]))
            lowest.append(min(lowest[int(a)], lowest[int(b)]))
        return float(deepest)

    def barriers(self) -> np.ndarray:
        """Barrier energy between every pair of minima (the lowest saddle of a single-flip path).

        Returns
        -------
        numpy.ndarray
            ``(M, M)`` energies; the diagonal holds each minimum's own energy.
        """
        import scipy.cluster.hierarchy
        import scipy.spatial.distance

        count = len(self.minima)
        result = np.diag(self.energies).astype(np.float64)
        if count > 1:
            heights = scipy.spatial.distance.squareform(scipy.cluster.hierarchy.cophenet(self.linkage))
            result = heights + self.energies.min()
            np.fill_diagonal(result, self.energies)
        return result


def _local_minima(model: IsingModel, tol_s: float) -> np.ndarray:
    """States no single flip lowers by more than ``2 tol``: ``s_i p_i ≥ −scale · tol`` for every site."""
    n = model.n_sites
    found = []
    for start in range(0, 2**n, 1 << 14):
        states = state_spins(np.arange(start, min(start + (1 << 14), 2**n)), n)
        stable = np.all(states * pair_numerators(model, states) >= -tol_s, axis=1)
        found.append(start + np.flatnonzero(stable))
    return np.concatenate(found)


def energy_landscape(model: IsingModel, *, tol: float | None = None) -> Landscape:
    """Local minima of H, the barriers between them and their disconnectivity tree, by enumeration.

    Parameters
    ----------
    model : IsingModel
        Symmetric couplings, at most ``MAX_GRAPH_SITES`` = 16 sites.
    tol : float, optional
        A flip with ``ΔE ≥ −2 tol`` does not lower H (default
        :func:`~isinghop.vocabulary.tie_tolerance`: 0 for an exact model).

    Returns
    -------
    Landscape
    """
    if check_model(model).n_sites > MAX_GRAPH_SITES:
        raise ValueError(f"model: energy landscapes are limited to N <= {MAX_GRAPH_SITES} sites, got N = {model.n_sites}")
    if not model.couplings.symmetric:
        raise ValueError("model: asymmetric couplings have no energy function, hence no landscape")
    n = model.n_sites
    all_energies = energies(model)
    minima = _local_minima(model, scaled_tolerance(model, tol))
    minima = minima[np.lexsort((minima, all_energies[minima]))]
    cluster_of_minimum = {int(k): c for c, k in enumerate(minima)}
    parent = np.full(2**n, -1, dtype=np.int64)  # -1: not added yet
    cluster = {}  # root state -> cluster id of the minima below it
    rows = []
    sizes = {c: 1 for c in range(len(minima))}
    lowest = all_energies[minima].min()

    def find(k):
        root = k
        while parent[root] != root:
            root = parent[root]
        while parent[k] != root:
            parent[k], k = root, parent[k]
        return root

    for state in np.lexsort((np.arange(2**n), all_energies)):
        state = int(state)
        parent[state] = state
        if state in cluster_of_minimum:
            cluster[state] = cluster_of_minimum[state]
        for site in range(n):
            neighbour = state ^ (1 << site)
            if parent[neighbour] < 0:
                continue
            a, b = find(state), find(neighbour)
            if a == b:
                continue
            ca, cb = cluster.pop(a, None), cluster.pop(b, None)
            parent[b] = a
            if ca is None or cb is None:
                merged = ca if cb is None else cb
            else:
                merged = len(minima) + len(rows)
                sizes[merged] = sizes[ca] + sizes[cb]
                rows.append((min(ca, cb), max(ca, cb), all_energies[state] - lowest, sizes[merged]))
            if merged is not None:
                cluster[a] = merged
    linkage = np.array(rows, dtype=np.float64).reshape(-1, 4)
    return Landscape(minima=minima, energies=all_energies[minima], linkage=linkage)


def label_minima(minima, patterns) -> list[str]:
    """Name each state after the stored patterns: ``ξ2``, ``−ξ2``, ``mixture`` or ``spurious``.

    A mixture is ``sgn(Σ_{μ∈S} ε_μ ξ^μ)`` for a set S of an odd number (≥ 3) of
    patterns and signs ε_μ = ±1 (no zero sum can occur).

    Parameters
    ----------
    minima : array_like
        ``(state, site)`` ±1 states, or 1-D state indices when ``patterns`` fixes N.
    patterns : array_like
        ``(pattern, site)`` ±1.

    Returns
    -------
    list of str
        One label per state (patterns numbered from 1).
    """
    xi = as_spins(patterns, name="patterns").astype(np.int64)
    n_patterns, n = xi.shape
    if n_patterns > MAX_LABEL_PATTERNS:
        raise ValueError(f"patterns: mixtures are enumerated for at most {MAX_LABEL_PATTERNS} patterns "
                         f"(3^P sign choices), got {n_patterns}")
    values = np.asarray(minima)
    states = state_spins(values, n) if values.ndim <= 1 else as_spins(values, name="minima", n_sites=n)
    mixtures = {
        tuple(np.sign(np.array(signs) @ xi[list(members)]))
        for size in range(3, n_patterns + 1, 2) for members in combinations(range(n_patterns), size)
        for signs in product((1, -1), repeat=size)
    }
    labels = []
    for s in states.astype(np.int64):
        same = np.flatnonzero(np.all(xi == s, axis=1))
        mirror = np.flatnonzero(np.all(xi == -s, axis=1))
        if len(same):
            labels.append(f"ξ{same[0] + 1}")
        elif len(mirror):
            labels.append(f"−ξ{mirror[0] + 1}")
        else:
            labels.append("mixture" if tuple(s) in mixtures else "spurious")
    return labels


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
