"""
Image recall
============

Three pictures from matplotlib's sample data, thresholded at their median
into 64 × 64 = 4096 spins, are stored by Hebb (α = 3/4096, far below
capacity). A cue with 30 % of its pixels flipped, and one with its lower
half blacked out, are recalled by the zero-temperature dynamics (random
order, ties keep the spin); a snapshot is taken every 409 update attempts
and at the end of each sweep.
"""

import matplotlib.pyplot as plt
import numpy as np

import isinghop as ih
from isinghop.viz.plotting import draw_spins

side = 64
names = ("grace_hopper", "mri", "present")
xi = np.stack([ih.viz.picture_pattern(name, side).spins for name in names])
model = ih.hebbian(xi)

noisy = ih.flip_fraction(xi[0], 0.3, rng=1)
masked = ih.mask_block(xi[1], (slice(side // 2, side), slice(None)), shape=(side, side))

fig, axes = plt.subplots(2, 5, figsize=(12, 5.4))
for row, (cue, memory) in enumerate(((noisy, 0), (masked, 1))):
    run = ih.relax(model, cue, record=("snapshots", "overlaps"), snapshot_every=side * side // 10, rng=2)
    frames = [0, 1, 3, 6, run.snapshots.shape[0] - 1]
    for ax, frame in zip(axes[row], frames):
        m = ih.observables.overlaps(run.snapshots[frame], xi)[memory]
        draw_spins(ax, run.snapshots[frame], (side, side), title=f"sweep {run.snapshot_times[frame]:.2f}: m = {m:.2f}")
    axes[row, 0].set_ylabel(("30 % flipped", "lower half masked")[row])
fig.suptitle("Recall of stored pictures (N = 4096, P = 3); m is the overlap with the stored picture")
fig.tight_layout()
