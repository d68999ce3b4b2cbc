"""
Letters under three learning rules
==================================

The 26 capital letters drawn on a 12 × 12 grid are strongly correlated,
biased patterns (P/N = 26/144 = 0.18, beyond Hebb's capacity for random
patterns). For each rule: which letters are fixed points, and how often a
letter is recalled exactly from cues with a fraction of its pixels flipped
(20 cues per letter and fraction, error bars binomial).
"""

import matplotlib.pyplot as plt
import numpy as np

import isinghop as ih

letters = ih.viz.letter_patterns()
n_letters, n = letters.shape
fractions = np.array([0.0, 0.05, 0.1, 0.15, 0.2])
cues_per_letter = 20

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5), gridspec_kw={"width_ratios": [1, 1.4]})
for rule in (ih.hebbian, ih.storkey, ih.pseudo_inverse):
    model = rule(letters)
    fixed = [bool(ih.relax(model, letter).sweeps == 0) for letter in letters]
    curve = ih.dynamics.recall_curve(model, letters, fractions, trials=cues_per_letter, rng=1)
    p = curve.probability.mean(axis=0)
    error = np.sqrt(p * (1 - p) / (n_letters * cues_per_letter))
    right.errorbar(fractions, p, yerr=error, marker="o", capsize=3, label=f"{rule.__name__}: {sum(fixed)}/26 fixed")
    left.bar(rule.__name__, sum(fixed))
left.set_ylabel("letters that are fixed points")
left.set_ylim(0, 26)
right.set_xlabel("fraction of pixels flipped in the cue")
right.set_ylabel("probability of exact recall")
right.legend(fontsize=8)
fig.suptitle(f"26 letters on a 12 × 12 grid (N = {n})")
fig.tight_layout()

# %%
# What Hebb does to the letter A: it falls into a spurious state.

model = ih.hebbian(letters)
run = ih.relax(model, letters[0], rng=2)
fig, axes = plt.subplots(1, 2, figsize=(5, 2.6))
ih.viz.draw_spins(axes[0], letters[0], (12, 12), title="stored A")
m = ih.observables.overlaps(run.spins, letters)
ih.viz.draw_spins(axes[1], run.spins, (12, 12), title=f"after recall: m_A = {m[0]:.2f}")
fig.tight_layout()
