"""
Curie–Weiss hysteresis against the spinodal
===========================================

One stored pattern makes the Hopfield network a Curie–Weiss magnet. Below
T_c = 1 the mean-field equation ``m = tanh β(m + h)`` has a metastable
branch that ends at the spinodal field ``h_sp(T)``. Monte Carlo sweeping the
field slowly up and then down (N = 2000, T = 0.6, four replicas) traces a
loop that holds the metastable branch close to the spinodal before it
jumps; the mean-field branches are drawn on the same axes.
"""

import matplotlib.pyplot as plt
import numpy as np

import isinghop as ih
from isinghop.theory import meanfield

T, n = 0.6, 2000
xi = ih.random_patterns(1, n, rng=1)
model = ih.hebbian(xi)
up = np.linspace(-0.4, 0.4, 41)
start = np.tile(-xi[0], (4, 1))
rising = ih.sweep_field(model, start, T=T, fields=up, sweeps_per_field=20, along=xi[0], rng=2)
falling = ih.sweep_field(model, rising.spins, T=T, fields=up[::-1], sweeps_per_field=20, along=xi[0],
                         rng=rising.rng_state)

h = np.linspace(-0.4, 0.4, 801)
branches = meanfield.curie_weiss(T, h)
_, h_sp = meanfield.curie_weiss_spinodal(T)

# the stable solutions split by sign into the two branches; fmax ignores the NaN of absent roots
upper = np.fmax.reduce(np.where(branches.stable & (branches.m > 0), branches.m, np.nan), axis=1)
lower = np.fmin.reduce(np.where(branches.stable & (branches.m < 0), branches.m, np.nan), axis=1)
unstable = np.fmax.reduce(np.where(~branches.stable, branches.m, np.nan), axis=1)

fig, ax = plt.subplots(figsize=(7.5, 5))
ax.plot(h, upper, color="0.3", lw=1.2, label="mean field, stable and metastable")
ax.plot(h, lower, color="0.3", lw=1.2)
ax.plot(h, unstable, color="0.3", lw=1.2, ls=":", label="mean field, unstable")
for sweep, name, marker in ((rising, "field rising", "^"), (falling, "field falling", "v")):
    mean = sweep.order_parameter.mean(axis=0)
    error = sweep.order_parameter.std(axis=0, ddof=1) / np.sqrt(sweep.order_parameter.shape[0])
    ax.errorbar(sweep.fields, mean, yerr=error, marker=marker, ls="none", ms=4, capsize=2,
                label=f"Metropolis, {name}")
for sign in (-1, 1):
    ax.axvline(sign * h_sp, color="C3", lw=0.8, ls="--")
ax.text(h_sp, -0.1, f" h_sp = {float(h_sp):.3f}", color="C3")
ax.set_xlabel("field h along ξ (units of J)")
ax.set_ylabel("overlap m with ξ (mean over 4 replicas ± error)")
ax.set_title(f"Curie–Weiss hysteresis, N = {n}, T = {T}\n20 sweeps per field step of 0.02")
ax.legend(fontsize=8, loc="center left")
fig.tight_layout()
