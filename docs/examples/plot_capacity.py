"""
Storage capacity against the AGS theory
=======================================

Zero-temperature recall started from 16 of the stored patterns at loads
α = P/N around the replica-symmetric capacity α_c = 0.138 (Amit, Gutfreund
and Sompolinsky 1987), for N = 500 and 1000, four independent pattern sets
per point (error bars: standard errors of the mean over the pattern sets). The RS overlap of the
retrieval state and its end at α_c are drawn on the same axes; finite N
rounds the jump and shifts it to larger α.
"""

import matplotlib.pyplot as plt
import numpy as np

import isinghop as ih
from isinghop.theory import meanfield

alphas = np.round(np.arange(0.06, 0.221, 0.02), 3)
sets = 4
fig, ax = plt.subplots(figsize=(7, 4.8))
for n in (500, 1000):
    means, errors = [], []
    for alpha in alphas:
        overlaps = []
        for seed in range(sets):
            xi = ih.random_patterns(int(round(alpha * n)), n, rng=np.random.SeedSequence([n, int(round(alpha * 1000)), seed]))
            probes = xi[:16]
            run = ih.relax(ih.hebbian(xi), probes, max_sweeps=100, rng=seed)
            overlaps.append(np.mean(np.sum(run.spins * probes, axis=1) / n))
        means.append(np.mean(overlaps))
        errors.append(np.std(overlaps, ddof=1) / np.sqrt(sets))
    ax.errorbar(alphas, means, yerr=errors, marker="o", capsize=3, label=f"simulation, N = {n}")

theory_alpha = np.linspace(0.02, 0.1379, 200)
theory_m = [meanfield.ags_zero_temperature(a).m for a in theory_alpha]
ax.plot(theory_alpha, theory_m, color="k", label="AGS replica-symmetric m(α), T = 0")
ax.axvline(meanfield.ags_capacity(), color="k", ls=":", label=f"α_c = {meanfield.ags_capacity():.4f}")
ax.set_xlabel("load α = P/N")
ax.set_ylabel("overlap m after recall from ξ (mean ± error over pattern sets)")
ax.set_title("Hebbian storage capacity at T = 0")
ax.legend(fontsize=8)
fig.tight_layout()
