"""Phase diagram: thermal retrieval of Hebbian memories over load α and temperature T, against AGS theory.

**Retrieval.** At each size N, load α and temperature T, Metropolis chains
(random order each sweep) start at pattern ξ¹ of P = αN random patterns
(pattern storage, zero diagonal). After ``burn_in`` sweeps the overlap m₁
is recorded every sweep for ``sweeps`` sweeps. Per chain: the mean m₁, its
τ_int, and the z of its two halves' means. Hot and cold starts disagree by
design where retrieval is metastable, so the equilibration check is within
the state: a short τ_int and halves that agree. The replicas at one T share
the patterns, so ``q_ab = (1/N) Σ_i s_i^a s_i^b`` between them, averaged
over ``blocks`` instants and the pairs, estimates q_EA = (1/N) Σ_i ⟨s_i⟩²
of the state. A chain *stays retrieved* when its mean m₁ over the second
half is at least 0.3; outside the retrieval state m₁ is O(N^(−1/2)).

Beside the simulation the Dataset holds the replica-symmetric theory of
Amit, Gutfreund & Sompolinsky (:mod:`isinghop.meanfield`): the retrieval m
and q at every (α, T) (NaN where no retrieval branch exists), T_M(α) where
retrieval states disappear, T_g(α) = 1 + √α, the de Almeida–Thouless T_AT(α)
of the retrieval states, and the line where retrieval states become the
global minima, as α_global(T).

**Mixtures.** At α → 0 (P = ``mixture_patterns``), chains start at the
symmetric n-mixture sgn(ξ¹ + … + ξⁿ) (odd n). Below T_n the mixture is a
local minimum of the free energy (T₃ = 0.460, T₅ = 0.385); above it the
chain leaves for a pure state. The patterns are balanced
(:func:`isinghop.balanced_patterns`: each sign combination on N/2^P sites),
so the α = 0 theory holds without quenched O(N^(−1/2)) tilts; with random
patterns those tilts exceed the mixtures' shallow barriers (3-mixture at
T = 0.3: 0.003 per spin) and N = 2000 loses the 3-mixture already at
T = 0.3. Barriers still vanish as T → T_n, so at finite N thermal
activation ends the mixtures below T_n. Recorded: the n component overlaps
averaged over the second half; a chain *keeps its mixture* when their
spread is at most half their mean and the mean is at least 0.1.
"""

from functools import lru_cache

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.finite_size import disorder_average, disorder_jackknife, level_crossing
from isinghop.meanfield import (
    ags,
    ags_almeida_thouless_temperature,
    ags_capacity,
    ags_global_retrieval_load,
    ags_retrieval_temperature,
    mixture_stability_temperature,
    mixture_state,
    spin_glass_temperature,
)
from isinghop.observables import compare_halves
from isinghop.study import labelled

#: A chain stays retrieved when its mean m₁ over the second half is at least this.
RETRIEVED = 0.3

QUICK = ih.Config(
    grid={"part": ("retrieval", "mixtures"), "n_sites": (200, 400)},
    fixed={"alpha": [0.03, 0.1], "T": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0], "samples": 3, "replicas": 2,
           "burn_in": 50, "sweeps": 200, "blocks": 4,
           "line_alpha": [0.01, 0.05, 0.1, 0.13], "line_T": [0.0, 0.3, 0.6],
           "mixtures": [3, 5], "mixture_patterns": 5, "mixture_T": [0.2, 0.35, 0.45, 0.55, 0.7]},
    description="N = 200 and 400, 2 loads, 8 temperatures, 3 pattern sets: seconds",
)
FULL = ih.Config(
    grid={"part": ("retrieval", "mixtures"), "n_sites": (1000, 2000, 4000)},
    fixed={"alpha": [0.01, 0.025, 0.05, 0.075, 0.1, 0.125],
           "T": [round(t, 2) for t in np.arange(0.05, 1.0501, 0.05)], "samples": 4, "replicas": 4,
           "burn_in": 500, "sweeps": 1500, "blocks": 30,
           "line_alpha": [0.001, 0.003, 0.01, 0.02, 0.035, 0.05, 0.065, 0.08, 0.095, 0.11, 0.12, 0.13, 0.135, 0.137],
           "line_T": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
           "mixtures": [3, 5], "mixture_patterns": 5,
           "mixture_T": [0.1, 0.2, 0.3, 0.35, 0.38, 0.41, 0.44, 0.47, 0.5, 0.55, 0.6, 0.7, 0.8]},
    description="N = 1000-4000, 6 loads, 21 temperatures, 4 pattern sets of 4 replicas; mixtures n = 3, 5",
)


def run_point(point, fixed, disorder, thermal, checkpoint):
    """The retrieval chains over (α, T) at one N with the AGS theory, or the mixture chains at α → 0."""
    if point["part"] == "retrieval":
        return xr.merge([_retrieval(point["n_sites"], fixed, disorder, thermal, checkpoint), _theory(fixed)])
    return _mixtures(point["n_sites"], fixed, disorder, thermal, checkpoint)


def _chains(model, starts, T, fixed, patterns, rng):
    """Metropolis from ``starts``: m with each of ``patterns`` every sweep ``(chain, sweep, pattern)`` after
    the burn-in, and the spins at ``blocks`` evenly spaced instants ``(block, chain, site)``."""
    chain = ih.sample(model, starts, T=T, sweeps=fixed["burn_in"], record=(), rng=rng)
    length = fixed["sweeps"] // fixed["blocks"]
    series, snapshots = [], []
    for _ in range(fixed["blocks"]):
        chain = ih.sample(model, chain, T=T, sweeps=length, record="overlaps", patterns=patterns)
        series.append(chain.overlaps)
        snapshots.append(chain.spins)
    return np.concatenate(series, axis=1), np.array(snapshots)


def _retrieval(n, fixed, disorder, thermal, checkpoint):
    loads, temperatures = fixed["alpha"], np.asarray(fixed["T"], dtype=np.float64)
    samples, replicas = fixed["samples"], fixed["replicas"]
    shape = (len(loads), len(temperatures), samples, replicas)
    saved = checkpoint.load("retrieval") or {
        "overlap": np.full(shape, np.nan), "late": np.full(shape, np.nan), "tau": np.full(shape, np.nan),
        "z": np.full(shape, np.nan), "q": np.full(shape[:3], np.nan), "done": np.array(0)}
    seeds = list(zip(disorder.spawn(len(loads) * samples), thermal.spawn(len(loads) * samples)))
    for k, (pattern_seed, chain_seed) in enumerate(seeds):
        if k < int(saved["done"]):
            continue
        a, s = divmod(k, samples)
        xi = ih.random_patterns(max(1, round(loads[a] * n)), n, rng=pattern_seed)
        starts = np.repeat(xi[:1], len(temperatures) * replicas, axis=0)
        m, snapshots = _chains(ih.hebbian(xi), starts, np.repeat(temperatures, replicas), fixed, xi[:1], chain_seed)
        m = m[..., 0].reshape(len(temperatures), replicas, -1)
        check = compare_halves(m)
        saved["overlap"][a, :, s] = m.mean(axis=-1)
        saved["late"][a, :, s] = m[..., m.shape[-1] // 2:].mean(axis=-1)
        saved["tau"][a, :, s], saved["z"][a, :, s] = check.tau, check.z
        spins = snapshots.reshape(len(snapshots), len(temperatures), replicas, n).astype(np.float64)
        pairs = np.triu_indices(replicas, k=1)
        q = np.einsum("btrn,btsn->btrs", spins, spins)[..., pairs[0], pairs[1]] / n  # (block, T, pair)
        saved["q"][a, :, s] = q.mean(axis=(0, 2))
        saved["done"] = np.array(k + 1)
        checkpoint.save("retrieval", **saved)
    dims = ("alpha", "T", "sample", "replica")
    return xr.Dataset(
        {
            "overlap": labelled(dims, saved["overlap"], "1", "overlap m₁", "m_1 averaged over the recorded sweeps"),
            "retrieved": labelled(dims, saved["late"] >= RETRIEVED, "1", "stays retrieved",
                                  f"mean m_1 over the second half of the chain >= {RETRIEVED}"),
            "tau_overlap": labelled(dims, saved["tau"], "sweeps", "τ_int of m₁",
                                    "integrated autocorrelation time of m_1 (Sokal window, c = 5)"),
            "half_chain_z": labelled(dims, saved["z"], "1", "half-chain z",
                                     "(first-half mean - second-half mean) / combined error of m_1"),
            "edwards_anderson": labelled(dims[:3], saved["q"], "1", "q_EA",
                                         "q_ab between replicas at one T, averaged over pairs and instants"),
        },
        coords=_coords(fixed, "T", "alpha"),
    )


@lru_cache(maxsize=4)
def _theory_values(loads, temperatures, line_alpha, line_T):
    m = np.full((len(loads), len(temperatures)), np.nan)
    q = np.full_like(m, np.nan)
    for a, alpha in enumerate(loads):
        for t, T in enumerate(temperatures):
            branches = ags(alpha, T)
            m[a, t], q[a, t] = branches.m[0], branches.q[0]  # the stable retrieval branch (NaN if none)
    return (m, q, [ags_retrieval_temperature(a) for a in loads], [ags_almeida_thouless_temperature(a) for a in loads],
            [ags_retrieval_temperature(a) for a in line_alpha], [ags_global_retrieval_load(T) for T in line_T],
            [ags_almeida_thouless_temperature(a) for a in line_alpha])


def _theory(fixed):
    """The AGS replica-symmetric theory at the simulated (α, T) and along lines of the phase diagram."""
    loads, line_alpha = fixed["alpha"], fixed["line_alpha"]
    m, q, t_m, t_at, line_t_m, line_global, line_at = _theory_values(
        tuple(loads), tuple(fixed["T"]), tuple(line_alpha), tuple(fixed["line_T"]))
    return xr.Dataset(
        {
            "ags_overlap": labelled(("alpha", "T"), m, "1", "AGS m", "RS retrieval overlap (NaN: no retrieval state)"),
            "ags_q": labelled(("alpha", "T"), q, "1", "AGS q", "RS Edwards-Anderson q of the retrieval state"),
            "ags_retrieval_temperature": labelled("alpha", t_m, "energy (k_B = 1)", "T_M",
                                                  "RS temperature above which no retrieval state exists"),
            "spin_glass_temperature": labelled("alpha", spin_glass_temperature(np.asarray(loads)), "energy (k_B = 1)",
                                               "T_g", "spin-glass transition 1 + sqrt(alpha)"),
            "ags_almeida_thouless": labelled("alpha", t_at, "energy (k_B = 1)", "T_AT",
                                             "below it the RS retrieval solution is unstable (replica symmetry breaks)"),
            "line_retrieval_temperature": labelled("line_alpha", line_t_m, "energy (k_B = 1)", "T_M on a line",
                                                   "RS T_M(alpha) on the load line"),
            "line_almeida_thouless": labelled("line_alpha", line_at, "energy (k_B = 1)", "T_AT on a line",
                                              "RS T_AT(alpha) on the load line"),
            "line_global_load": labelled("line_T", line_global, "1", "α where retrieval is global",
                                         "below this load retrieval states are the global minima of the RS free energy"),
        },
        coords={
            "line_alpha": ("line_alpha", np.asarray(line_alpha, dtype=np.float64),
                           {"units": "1", "long_name": "load α (theory line)", "description": "loads of the AGS lines"}),
            "line_T": ("line_T", np.asarray(fixed["line_T"], dtype=np.float64),
                       {"units": "energy (k_B = 1)", "long_name": "T (theory line)",
                        "description": "temperatures of the global-minimum line"}),
        },
    )


def _mixtures(n, fixed, disorder, thermal, checkpoint):
    orders, temperatures = fixed["mixtures"], np.asarray(fixed["mixture_T"], dtype=np.float64)
    samples, replicas = fixed["samples"], fixed["replicas"]
    shape = (len(orders), len(temperatures), samples, replicas)
    saved = checkpoint.load("mixtures") or {"mean": np.full(shape, np.nan), "spread": np.full(shape, np.nan),
                                            "done": np.array(0)}
    seeds = list(zip(disorder.spawn(samples), thermal.spawn(samples)))
    for s, (pattern_seed, chain_seed) in enumerate(seeds):
        if s < int(saved["done"]):
            continue
        xi = ih.balanced_patterns(fixed["mixture_patterns"], n, rng=pattern_seed)
        model = ih.hebbian(xi)
        for k, (order, seed) in enumerate(zip(orders, chain_seed.spawn(len(orders)))):
            mixture = np.sign(xi[:order].sum(axis=0)).astype(np.int8)
            starts = np.repeat(mixture[None], len(temperatures) * replicas, axis=0)
            m, _ = _chains(model, starts, np.repeat(temperatures, replicas), fixed, xi[:order], seed)
            late = m[:, m.shape[1] // 2:].mean(axis=1).reshape(len(temperatures), replicas, order)
            saved["mean"][k, :, s] = late.mean(axis=-1)
            saved["spread"][k, :, s] = late.max(axis=-1) - late.min(axis=-1)
        saved["done"] = np.array(s + 1)
        checkpoint.save("mixtures", **saved)
    theory = np.array([[mixture_state(order, T).m for T in temperatures] for order in orders])
    stable = np.array([[mixture_state(order, T).stable for T in temperatures] for order in orders])
    dims = ("mixture", "T_mixture", "sample", "replica")
    kept = (saved["spread"] <= 0.5 * saved["mean"]) & (saved["mean"] >= 0.1)
    return xr.Dataset(
        {
            "mixture_overlap": labelled(dims, saved["mean"], "1", "component overlap",
                                        "mean of the n component overlaps over the second half"),
            "mixture_spread": labelled(dims, saved["spread"], "1", "component spread",
                                       "largest minus smallest component overlap over the second half"),
            "mixture_kept": labelled(dims, kept, "1", "keeps the mixture",
                                     "spread <= half the mean component overlap, and mean >= 0.1"),
            "theory_mixture_overlap": labelled(dims[:2], theory, "1", "mixture m (α = 0)",
                                               "symmetric n-mixture overlap at alpha = 0 (0: no mixture)"),
            "theory_mixture_stable": labelled(dims[:2], stable, "1", "mixture stable (α = 0)",
                                              "the mixture is a local minimum of the alpha = 0 free energy"),
            "mixture_stability_temperature": labelled("mixture", [mixture_stability_temperature(k) for k in orders],
                                                      "energy (k_B = 1)", "T_n", "the n-mixture is stable below it"),
        },
        coords={"mixture": ("mixture", np.asarray(orders), {"units": "1", "long_name": "n",
                                                          "description": "patterns in the symmetric mixture"}),
                **_coords(fixed, "T_mixture", None)},
    )


def _coords(fixed, temperature, load):
    coords = {
        temperature: (temperature, np.asarray(fixed["T" if load else "mixture_T"], dtype=np.float64),
                      {"units": "energy (k_B = 1)", "long_name": "temperature", "description": "Metropolis temperature"}),
        "sample": ("sample", np.arange(fixed["samples"]), {"units": "1", "long_name": "disorder sample",
                                                           "description": "independent pattern set"}),
        "replica": ("replica", np.arange(fixed["replicas"]), {"units": "1", "long_name": "replica",
                                                              "description": "independent chain on one pattern set"}),
    }
    if load:
        coords[load] = (load, np.asarray(fixed["alpha"], dtype=np.float64),
                        {"units": "1", "long_name": "load α", "description": "stored patterns per site, P/N"})
    return coords


def retrieval_temperature(dataset, n_sites, alpha):
    """The simulated T_M: where the fraction of chains that stay retrieved falls through 1/2 along T, with its
    jackknife error over pattern sets; ``(value, error)``."""
    temperatures = dataset["T"].values
    data = dataset["retrieved"].sel(n_sites=n_sites, alpha=alpha).astype(float).transpose("T", "sample", "replica")
    return disorder_jackknife(lambda block: level_crossing(temperatures, block.mean(axis=-1), 0.5), data)


def plot(dataset):
    """Phase diagram with AGS lines; m₁ and q_EA against T beside AGS; fraction retrieved; τ_int; mixtures."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(17, 10), layout="constrained")
    (diagram, overlap_ax, q_ax), (fraction_ax, tau_ax, mixture_ax) = fig.subplots(2, 3)
    sizes = dataset["n_sites"].values
    largest = dataset.sel(n_sites=sizes.max())
    loads, temperatures = dataset["alpha"].values, dataset["T"].values
    # the phase diagram: AGS lines and the simulated T_M
    line_alpha = dataset["line_alpha"].values
    t_m = np.concatenate([[1.0], dataset["line_retrieval_temperature"].isel(n_sites=0).values, [0.0]])
    diagram.plot(np.concatenate([[0.0], line_alpha, [ags_capacity(0.0)]]), t_m, "k-", lw=1.5, label="T_M (AGS)")
    diagram.plot(dataset["line_global_load"].isel(n_sites=0).values, dataset["line_T"].values, "k--", lw=1.2,
                 label="T_c: retrieval global (AGS)")
    fine = np.linspace(0, max(0.16, loads.max()), 100)
    diagram.plot(fine, spin_glass_temperature(fine), "k:", lw=1.2, label="T_g = 1 + √α")
    diagram.plot(line_alpha, dataset["line_almeida_thouless"].isel(n_sites=0).values, "k-.", lw=1,
                 label="T_AT (retrieval, AGS)")
    for k, n in enumerate(sizes):
        found = np.array([retrieval_temperature(dataset, n, a) for a in loads])
        diagram.errorbar(loads + 0.001 * (k - 1), found[:, 0], yerr=found[:, 1], fmt="o", ms=4, capsize=2,
                         color=f"C{k}", label=f"simulated T_M, N = {n}")
    diagram.set_xlim(0, fine.max())
    diagram.set_ylim(0, 1.4)
    diagram.set_xlabel("load α = P/N")
    diagram.set_ylabel("temperature T (k_B = 1)")
    diagram.set_title("(α, T) phase diagram: half the chains stay retrieved", fontsize=10)
    diagram.legend(fontsize=7)
    for a, alpha in enumerate(loads):
        color = f"C{a}"
        here = largest.sel(alpha=alpha)
        for axis, variable, theory in ((overlap_ax, "overlap", "ags_overlap"), (q_ax, "edwards_anderson", "ags_q")):
            mean, error = disorder_average(here[variable])
            axis.errorbar(temperatures, mean, yerr=error, fmt="o", ms=3, capsize=2, color=color, label=f"α = {alpha:g}")
            axis.plot(temperatures, here[theory].values, "-", color=color, lw=1)
        for k, n in enumerate(sizes):
            mean, error = disorder_average(dataset["retrieved"].sel(n_sites=n, alpha=alpha).astype(float))
            fraction_ax.errorbar(temperatures, mean, yerr=error, fmt="os^"[k % 3] + "-", ms=3, lw=0.8, capsize=2,
                                 color=color, alpha=0.4 + 0.6 * (k + 1) / len(sizes),
                                 label=f"α = {alpha:g}, N = {n}" if len(sizes) * len(loads) <= 12 else None)
        fraction_ax.axvline(float(here["ags_retrieval_temperature"]), color=color, ls=":", lw=1)
        tau = here["tau_overlap"].median(("sample", "replica"))
        disagree = (np.abs(here["half_chain_z"]) >= 3).mean(("sample", "replica"))
        tau_ax.plot(temperatures, tau, "o-", ms=3, color=color, label=f"α = {alpha:g}")
        bad = disagree.values > 0.1
        tau_ax.plot(temperatures[bad], tau.values[bad], "x", ms=8, color=color)
    overlap_ax.set_ylabel("overlap m₁ (mean ± error over pattern sets)")
    overlap_ax.set_title(f"retrieval overlap, N = {sizes.max()}; lines: AGS (RS)", fontsize=10)
    q_ax.set_ylabel("Edwards–Anderson q (replica pairs)")
    q_ax.set_title(f"q_EA within the state, N = {sizes.max()}; lines: AGS (RS)", fontsize=10)
    fraction_ax.axhline(0.5, color="0.6", lw=1)
    fraction_ax.set_ylabel(f"fraction of chains with m₁ ≥ {RETRIEVED} at the end")
    fraction_ax.set_title("chains that stay retrieved (faint → dark: N grows); dotted: AGS T_M", fontsize=10)
    tau_ax.set_yscale("log")
    tau_ax.set_ylabel("τ_int of m₁ (sweeps, median over chains)")
    tau_ax.set_title("equilibration within the state; ×: > 10 % of chains' halves disagree (|z| ≥ 3)", fontsize=10)
    for axis in (overlap_ax, q_ax, fraction_ax, tau_ax):
        axis.set_xlabel("temperature T (k_B = 1)")
        axis.legend(fontsize=7)
    _mixture_panel(mixture_ax, dataset)
    samples = dataset.sizes["sample"]
    fig.suptitle(f"Hebbian network, Metropolis from a stored pattern against Amit–Gutfreund–Sompolinsky theory; "
                 f"error bars from {samples} independent pattern sets", fontsize=12)
    return fig


def _mixture_panel(axis, dataset):
    temperatures = dataset["T_mixture"].values
    fine = np.linspace(temperatures.min(), temperatures.max(), 200)
    sizes = dataset["n_sites"].values
    largest = dataset.sel(n_sites=sizes.max())
    for k, order in enumerate(dataset["mixture"].values):
        color = f"C{k + 3}"
        here = largest.sel(mixture=order)
        for j, n in enumerate(sizes):
            mean, error = disorder_average(dataset["mixture_kept"].sel(n_sites=n, mixture=order).astype(float))
            axis.errorbar(temperatures, mean, yerr=error, fmt="os^"[j % 3] + "-", ms=4, lw=0.8, capsize=2, color=color,
                          alpha=0.4 + 0.6 * (j + 1) / len(sizes), label=f"{order}-mixture kept, N = {n}")
        mean, error = disorder_average(here["mixture_overlap"])
        axis.errorbar(temperatures, mean, yerr=error, fmt="D", ms=3, mfc="none", capsize=2, color=color,
                      label=f"{order}-mixture: mean component overlap, N = {sizes.max()}")
        states = [mixture_state(int(order), T) for T in fine]
        m = np.array([state.m for state in states])
        stable = np.array([state.stable for state in states])
        axis.plot(fine, np.where(stable, m, np.nan), "-", color=color, lw=1.5, label=f"{order}-mixture m at α = 0 (stable)")
        axis.plot(fine, np.where(stable, np.nan, m), "--", color=color, lw=1, label=f"{order}-mixture m at α = 0 (unstable)")
        axis.axvline(float(here["mixture_stability_temperature"]), color=color, ls=":", lw=1)
    axis.set_xlabel("temperature T (k_B = 1)")
    axis.set_ylabel("fraction kept / component overlap")
    axis.set_ylim(-0.05, 1.05)
    axis.set_title(f"symmetric mixtures at α → 0 (P = {dataset.attrs.get('fixed_mixture_patterns', '')} balanced "
                   "patterns); dotted: T_n", fontsize=10)
    axis.legend(fontsize=7)


STUDY = ih.Study(
    name="phase_diagram",
    description="Metropolis from a stored pattern over (alpha, T) and mixtures at alpha -> 0, beside AGS theory",
    configs={"quick": QUICK, "full": FULL},
    run_point=run_point,
    plot=plot,
    coordinates={
        "part": {"units": "1", "long_name": "part", "description": "retrieval over (alpha, T), or mixtures"},
        "n_sites": {"units": "1", "long_name": "N", "description": "number of sites"},
    },
    sections=("part",),
)
