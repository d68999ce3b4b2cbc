"""Order parameters and fluctuation estimators (k_B = 1, β = 1/T), and the classes of final states.

Conventions (the package's conventions page):

* overlaps ``m_μ = (1/N) Σ_i ξ_i^μ s_i``; magnetisation ``m = (1/N) Σ_i s_i``;
* replica overlap ``q_ab = (1/N) Σ_i s_i^a s_i^b`` between replicas that share
  the couplings; Edwards–Anderson ``q_EA = √⟨q_ab²⟩`` over replica pairs (⟨q_ab⟩
  vanishes at h = 0 by the flip symmetry);
* susceptibility ``χ = β N (⟨m²⟩ − ⟨|m|⟩²)`` for a finite system, and
  ``χ_sym = β N ⟨m²⟩`` where the symmetry is unbroken; specific heat per spin
  ``C = β² N (⟨e²⟩ − ⟨e⟩²)`` with e the energy per spin; Binder cumulant
  ``U₄ = 1 − ⟨m⁴⟩ / (3 ⟨m²⟩²)``.

The errors of Monte Carlo averages (autocorrelation times, jackknife,
equilibration checks) are in :mod:`isinghop.stats.errors`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from isinghop._moments import binder_from_moments, specific_heat_from_variance, susceptibility_from_moments
from isinghop._validate import finite_array, number, positive_int
from isinghop.model import IsingModel, energy
from isinghop.spins import as_spins

__all__ = [
    "overlaps",
    "magnetisation",
    "energy_per_spin",
    "replica_overlaps",
    "replica_overlap_histogram",
    "edwards_anderson",
    "STATE_CLASSES",
    "StateClasses",
    "classify_states",
    "binder_cumulant",
    "susceptibility",
    "symmetric_susceptibility",
    "specific_heat",
]

def overlaps(spins, patterns) -> np.ndarray:
    """Overlaps ``m_μ = (1/N) Σ_i ξ_i^μ s_i`` with patterns ξ ``(pattern, site)``.

    Returns
    -------
    numpy.ndarray
        float64 ``(replica, pattern)``, in [−1, 1]; a 1-D ``spins`` gives
        ``(pattern,)`` (replica axis dropped).
    """
    batch = as_spins(spins)
    xi = as_spins(patterns, name="patterns", n_sites=batch.shape[1])
    result = batch.astype(np.int64) @ xi.T.astype(np.int64) / batch.shape[1]
    return result[0] if np.ndim(spins) == 1 else result


def magnetisation(spins) -> np.ndarray:
    """``m = (1/N) Σ_i s_i`` per replica.

    Returns
    -------
    numpy.ndarray
        float64 ``(replica,)``, in [−1, 1]; a 1-D ``spins`` gives a
        ``numpy.float64`` scalar (replica axis dropped).
    """
    batch = as_spins(spins)
    result = batch.mean(axis=1)
    return result[0] if np.ndim(spins) == 1 else result


def energy_per_spin(model: IsingModel, spins) -> np.ndarray:
    """``H(s)/N`` per replica (energy units per spin).

    Returns
    -------
    numpy.ndarray
        float64 ``(replica,)``; a 1-D ``spins`` gives a ``numpy.float64``
        scalar (replica axis dropped).
    """
    return np.asarray(energy(model, spins)) / model.n_sites


def replica_overlaps(spins) -> np.ndarray:
    """``q_ab`` for every pair a < b of replicas ``(replica, site)``, in (a, b) row-major order.

    Returns
    -------
    numpy.ndarray
        float64 ``(R(R−1)/2,)`` for R replicas, in [−1, 1]; at least two
        replicas are needed (a 1-D ``spins`` is a ``ValueError``).
    """
    batch = as_spins(spins).astype(np.float64)
    if len(batch) < 2:
        raise ValueError(f"spins: replica overlaps need at least two replicas, got {len(batch)}")
    upper = np.triu_indices(len(batch), k=1)
    return (batch @ batch.T / batch.shape[1])[upper]


def replica_overlap_histogram(q, n_sites: int) -> tuple[np.ndarray, np.ndarray]:
    """Empirical P(q) of the replica overlap on the N + 1 values ``−1, −1 + 2/N, …, 1``
    (as :func:`isinghop.exact.enumeration.replica_overlap_distribution`).

    Returns
    -------
    q : numpy.ndarray
        float64 ``(n_sites + 1,)``, the grid ``−1, −1 + 2/N, …, 1``.
    probability : numpy.ndarray
        float64 ``(n_sites + 1,)``, the fraction of samples at each value (sums to 1).
    """
    n_sites = positive_int(n_sites, "n_sites")
    values = finite_array(q, "q").ravel()
    index = np.rint((values + 1.0) * n_sites / 2.0).astype(np.int64)
    if np.any((index < 0) | (index > n_sites)) or not np.allclose(index, (values + 1.0) * n_sites / 2.0, atol=1e-9):
        raise ValueError(f"q: values must lie on the grid -1, -1 + 2/N, ..., 1 of N = {n_sites} sites")
    counts = np.bincount(index, minlength=n_sites + 1)
    return np.linspace(-1.0, 1.0, n_sites + 1), counts / counts.sum()


def edwards_anderson(spins) -> float:
    """``q_EA = √⟨q_ab²⟩`` over all replica pairs of ``(replica, site)`` spins.

    Returns
    -------
    float
        In [0, 1]; at least two replicas are needed (a 1-D ``spins`` is a ``ValueError``).
    """
    return float(np.sqrt(np.mean(replica_overlaps(spins) ** 2)))


def _moments(m):
    m = finite_array(m, "m").astype(np.float64)
    return np.mean(m**2), np.mean(m**4), np.mean(np.abs(m))


#: The labels of :func:`classify_states`, in the order they are tried.
STATE_CLASSES = ("retrieval", "mirror", "mixture", "spin_glass", "paramagnet", "other")


@dataclass(frozen=True)
class StateClasses:
    """Outcome of :func:`classify_states`; arrays are indexed by replica.

    Attributes
    ----------
    kind : numpy.ndarray
        One of :data:`STATE_CLASSES` per replica.
    pattern : numpy.ndarray
        The retrieved pattern (retrieval and mirror), else −1.
    components : numpy.ndarray
        Number of patterns in a symmetric mixture, else 0.
    overlaps : numpy.ndarray
        ``(replica, pattern)`` the overlaps m_μ.
    replica_overlap : numpy.ndarray
        ``√(mean_{b≠a} q_ab²)``, the rms overlap of each replica with the others.
    """

    kind: np.ndarray
    pattern: np.ndarray
    components: np.ndarray
    overlaps: np.ndarray
    replica_overlap: np.ndarray

    def fractions(self) -> dict[str, float]:
        """Fraction of replicas in each class.

        Returns
        -------
        dict
            ``{label: fraction}`` for every label of :data:`STATE_CLASSES`.
        """
        return {label: float(np.mean(self.kind == label)) for label in STATE_CLASSES}


def classify_states(spins, patterns, *, retrieval: float = 0.7, mixture: float = 0.25, equal: float = 0.15,
                    glass: float = 0.5) -> StateClasses:
    """Classify the final states of replicas that share one model by their overlaps.

    Tried in order, per replica, with ``|m|`` the overlaps sorted by size:

    * ``retrieval`` / ``mirror``: the largest ``|m_μ| ≥ retrieval`` and every other
      ``|m_ν| < mixture``; ``mirror`` when ``m_μ < 0`` (the state −ξ^μ);
    * ``mixture``: two or more overlaps ``≥ mixture``, all within ``equal`` of
      each other (the symmetric mixtures; e.g. sgn(ξ¹ + ξ² + ξ³) has three
      overlaps of 1/2 for large N);
    * with no overlap ``≥ mixture``: ``spin_glass`` when the replica's rms
      overlap with the other replicas ``√(mean_b q_ab²) ≥ glass`` (frozen and
      correlated across replicas), else ``paramagnet``;
    * ``other``: large overlaps that fit none of the above (asymmetric mixtures,
      partial retrieval).

    The thresholds suit unbiased patterns: with biased patterns (mean a ≠ 0)
    every state has overlaps of order a with all of them, and the uniform
    state can pass for a mixture.

    The replica test tells a glass from a paramagnet only for replicas at one
    temperature that had time to freeze; at T = 0 from independent random
    starts, distinct frozen states have small q_ab as well.

    Parameters
    ----------
    spins : array_like
        ``(replica, site)`` final states, at least two replicas.
    patterns : array_like
        ``(pattern, site)`` the stored patterns ξ.
    retrieval, mixture, equal, glass : float
        The thresholds above, in (0, 1]; ``mixture < retrieval``.

    Returns
    -------
    StateClasses
    """
    batch = as_spins(spins)
    if np.ndim(spins) != 2 or len(batch) < 2:
        raise ValueError(f"spins: classification needs the final states of at least 2 replicas (replica, site), "
                         f"got shape {np.shape(spins)}")
    retrieval = number(retrieval, "retrieval", low=0.0, high=1.0, low_open=True)
    mixture = number(mixture, "mixture", low=0.0, high=1.0, low_open=True)
    equal = number(equal, "equal", low=0.0, high=1.0, low_open=True)
    glass = number(glass, "glass", low=0.0, high=1.0, low_open=True)
    if not mixture < retrieval:
        raise ValueError(f"mixture: must be below retrieval = {retrieval}, got {mixture}")
    m = overlaps(batch, patterns)
    size = np.abs(m)
    order = np.argsort(-size, axis=1)
    ranked = np.take_along_axis(size, order, axis=1)
    second = ranked[:, 1] if m.shape[1] > 1 else np.zeros(len(m))
    large = size >= mixture
    count = large.sum(axis=1)
    spread = np.where(large, size, -np.inf).max(axis=1) - np.where(large, size, np.inf).min(axis=1)
    q = batch.astype(np.float64) @ batch.T.astype(np.float64) / batch.shape[1]
    np.fill_diagonal(q, 0.0)
    q_rms = np.sqrt((q**2).sum(axis=1) / (len(batch) - 1))
    best = order[:, 0]
    retrieved = (ranked[:, 0] >= retrieval) & (second < mixture)
    mirrored = retrieved & (m[np.arange(len(m)), best] < 0)
    mixed = ~retrieved & (count >= 2) & (spread <= equal)
    kind = np.select(
        [retrieved & ~mirrored, mirrored, mixed, (count == 0) & (q_rms >= glass), count == 0],
        list(STATE_CLASSES[:5]), default="other").astype(object)
    return StateClasses(kind=kind, pattern=np.where(retrieved, best, -1), components=np.where(mixed, count, 0),
                        overlaps=m, replica_overlap=q_rms)


def binder_cumulant(m) -> float:
    """``U₄ = 1 − ⟨m⁴⟩ / (3 ⟨m²⟩²)`` from samples of m (all axes averaged).

    Returns
    -------
    float
        Dimensionless (2/3 for a perfectly ordered sample, 0 for Gaussian m).
    """
    m2, m4, _ = _moments(m)
    return float(binder_from_moments(m2, m4))


def _beta(T) -> float:
    return 1.0 / number(T, "T", low=0.0, low_open=True)


def susceptibility(m, T: float, n_sites: int) -> float:
    """Finite-system susceptibility ``χ = β N (⟨m²⟩ − ⟨|m|⟩²)`` from samples of m.

    Returns
    -------
    float
        χ in inverse energy units (k_B = 1), all axes of ``m`` averaged.
    """
    m2, _, abs_m = _moments(m)
    return float(susceptibility_from_moments(_beta(T), positive_int(n_sites, "n_sites"), m2, abs_m))


def symmetric_susceptibility(m, T: float, n_sites: int) -> float:
    """``χ_sym = β N ⟨m²⟩``: the susceptibility where the Z2 symmetry is unbroken (⟨m⟩ = 0).

    Returns
    -------
    float
        χ_sym in inverse energy units (k_B = 1), all axes of ``m`` averaged.
    """
    m2, _, _ = _moments(m)
    return float(_beta(T) * positive_int(n_sites, "n_sites") * m2)


def specific_heat(e, T: float, n_sites: int) -> float:
    """Specific heat per spin ``C = β² N (⟨e²⟩ − ⟨e⟩²)`` from samples of the energy per spin e.

    Returns
    -------
    float
        C per spin, dimensionless (k_B = 1), all axes of ``e`` averaged.
    """
    e = finite_array(e, "e").astype(np.float64)
    return float(specific_heat_from_variance(_beta(T), positive_int(n_sites, "n_sites"), np.var(e)))


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
