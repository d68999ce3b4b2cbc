"""A first recall experiment: store random patterns, corrupt one, recall it.

The recall is the zero-temperature asynchronous Hopfield update
``s_i ← sign(φ_i)`` (ties keep the spin) in a fresh random order each sweep
(:func:`isinghop.dynamics.relax`), with Hebbian couplings in pattern storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from isinghop._validate import number, positive_int
from isinghop.dynamics import relax
from isinghop.learning import hebbian, random_patterns
from isinghop.rng import as_generator
from isinghop.spins import flip_fraction

__all__ = ["DemoResult", "recall_demo", "plot_demo"]


@dataclass(frozen=True, eq=False)
class DemoResult:
    """Outcome of :func:`recall_demo`.

    Attributes
    ----------
    patterns : numpy.ndarray
        Stored patterns ``(pattern, site)``.
    corrupted, recalled : numpy.ndarray
        The cue and the final state ``(site,)``.
    overlaps : numpy.ndarray
        ``m_μ = (1/N) Σ_i ξ_i^μ s_i`` with every pattern, per sweep
        ``(sweep + 1, pattern)``; row 0 is the cue.
    side : int
        Image side: the sites form a ``side × side`` image.
    converged : bool
        Whether the recall reached a fixed point within ``max_sweeps``.
    """

    patterns: np.ndarray
    corrupted: np.ndarray
    recalled: np.ndarray
    overlaps: np.ndarray
    side: int
    converged: bool


def recall_demo(*, side: int = 32, n_patterns: int = 40, noise: float = 0.25, max_sweeps: int = 20,
                rng=0) -> DemoResult:
    """Store ``n_patterns`` random patterns on ``side²`` sites, flip a fraction ``noise`` of pattern 0, recall.

    Sweeps run until every site agrees with its field (a fixed point) or ``max_sweeps``.

    Returns
    -------
    DemoResult
        The patterns, the cue, the recalled state, the overlaps per sweep
        ``(sweep, pattern)`` and whether the recall converged.
    """
    side = positive_int(side, "side")
    n_patterns = positive_int(n_patterns, "n_patterns")
    noise = number(noise, "noise", low=0.0, high=1.0)
    generator = as_generator(rng)
    patterns = random_patterns(n_patterns, side * side, rng=generator, layout="site")
    corrupted = flip_fraction(patterns[0], noise, rng=generator)
    recall = relax(hebbian(patterns), corrupted, max_sweeps=max_sweeps, record="overlaps", rng=generator)
    return DemoResult(patterns, corrupted, recall.spins, recall.overlaps, side, bool(recall.converged))


def plot_demo(result: DemoResult, path) -> Path:
    """Draw stored pattern, cue, recalled state and the overlaps per sweep; write a PNG.

    Returns
    -------
    pathlib.Path
        The PNG written.
    """
    from matplotlib.figure import Figure  # no pyplot: drawing never touches the caller's backend

    side = result.side
    fig = Figure(figsize=(13, 3.4))
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 1, 1, 1.6]})
    panels = [
        (result.patterns[0], "stored pattern ξ¹"),
        (result.corrupted, f"cue, m₁ = {result.overlaps[0, 0]:.2f}"),
        (result.recalled, f"recalled, m₁ = {result.overlaps[-1, 0]:.3f}"),
    ]
    for ax, (image, title) in zip(axes, panels):
        ax.imshow(image.reshape(side, side), cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        ax.set_title(title)
        ax.set_axis_off()
    sweeps = np.arange(len(result.overlaps))
    axes[3].plot(sweeps, result.overlaps[:, 1:], color="0.75", lw=0.8)
    axes[3].plot(sweeps, result.overlaps[:, 0], color="C3", lw=2, marker="o", label="m₁ (cued pattern)")
    axes[3].plot([], [], color="0.75", label="m_μ, μ > 1")
    axes[3].xaxis.get_major_locator().set_params(integer=True)
    axes[3].set_xlabel("sweep")
    axes[3].set_ylabel("overlap m_μ")
    axes[3].set_ylim(-1.05, 1.05)
    axes[3].legend(loc="lower right", fontsize=8)
    n_patterns, n_sites = result.patterns.shape
    fig.suptitle(f"Hebbian recall at T = 0: N = {n_sites}, P = {n_patterns} (α = {n_patterns / n_sites:.3f})")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    return path


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
