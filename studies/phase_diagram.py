"""Phase diagram: thermal retrieval of Hebbian memories over load α and temperature T, against AGS theory.

**Retrieval.** At each size N, load α and temperature T, Metropolis chains
(random order each sweep) start at pattern ξ¹ of P = αN random patterns
(pattern storage, zero diagonal). After ``burn_in`` sweeps the overlap m₁
is recorded every sweep for ``sweeps`` sweeps. Per chain: the mean m₁, its
τ_int, and the z of its two halves' means. Hot and cold starts disagree by
design where retrieval is metastable, so the equilibration check is within
the state: a short τ_int and halves that agree. A chain *is still
retrieved* when its mean m₁ over the last tenth of the run is at least 0.3:
just below T_M the RS overlap is at least 0.58 for α ≥ 0.01 (the
transition is discontinuous there), and outside the retrieval state m₁ is
O(N^(−1/2)). Where half the chains have left, along T, is a finite-N,
finite-time *escape temperature*: the barrier vanishes at T_M, so it lies
below T_M by an amount that shrinks as N and the run grow.

The replicas at one T share the patterns and start at ξ¹, which breaks the
s → −s symmetry, so the mean of ``q_ab = (1/N) Σ_i s_i^a s_i^b`` over
``blocks`` instants is an unbiased estimate of (1/N) Σ_i ⟨s_i⟩² within the
state (the AGS q) once the replicas have decorrelated; its half-chain z
over the block series checks that. (This is the mean of q_ab, not the
√⟨q_ab²⟩ of :func:`isinghop.observables.edwards_anderson`, which is biased
up by O(1/N).) The figure averages m₁ over chains still retrieved and q_ab
over pairs of them.

Beside the simulation the Dataset holds the replica-symmetric theory of
Amit, Gutfreund & Sompolinsky (:mod:`isinghop.theory.meanfield`): the retrieval m
and q at every simulated (α, T) and on a fine line of T (NaN where no
retrieval branch exists), T_M(α) where retrieval states disappear,
T_g(α) = 1 + √α, and on a line of loads T_M and the de Almeida–Thouless
T_AT of the retrieval states, and the line where retrieval states become
the global minima, as α_global(T).

**Mixtures.** At α → 0 (P = ``mixture_patterns``), chains start at the
symmetric n-mixture sgn(ξ¹ + … + ξⁿ) (odd n). Below T_n the mixture is a
local minimum of the free energy (T₃ = 0.460, T₅ = 0.385); above it the
chain leaves for a pure state. The patterns are balanced
(:func:`isinghop.balanced_patterns`: each sign combination on N/2^P sites),
so the α = 0 theory holds without quenched O(N^(−1/2)) tilts; with random
patterns those tilts can exceed the mixtures' shallow barriers (3-mixture:
0.012 per spin at T = 0.2, 0.003 at T = 0.3, 0.00016 at T = 0.4), and at
N = 2000 most random pattern sets lose the 3-mixture already at T = 0.3.
As the barriers vanish at T_n, thermal activation ends the mixtures below
T_n at finite N. Recorded: the n component overlaps averaged over the
second half; a chain *keeps its mixture* when their spread is at most half
their mean and the mean is at least 0.1.
"""

from functools import lru_cache

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.stats.finite_size import disorder_average, disorder_jackknife, level_crossing
from isinghop.theory.meanfield import (
    ags,
    ags_almeida_thouless_temperature,
    ags_capacity,
    ags_global_retrieval_load,
    ags_retrieval_temperature,
    mixture_stability_temperature,
    mixture_state,
    spin_glass_temperature,
)
from isinghop.observables import replica_overlaps
from isinghop.stats.errors import compare_halves
from isinghop.runtime import labelled

#: A chain is still retrieved when its mean m₁ over the last tenth of the run is at least this.
RETRIEVED = 0.3

QUICK = ih.Config(
    grid={"part": ("retrieval", "mixtures"), "n_sites": (200, 400)},
    fixed={"alpha": [0.03, 0.1], "T": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0], "samples": 6, "replicas": 2,
           "burn_in": 50, "sweeps": 200, "blocks": 4,
           "theory_T": [round(t, 2) for t in np.arange(0.05, 1.0001, 0.05)],
           "line_alpha": [0.05, 0.12], "line_T": [0.0, 0.5],
           "mixtures": [3, 5], "mixture_patterns": 5, "T_mixture": [0.2, 0.35, 0.45, 0.55, 0.7]},
    description="N = 200 and 400, 2 loads, 8 temperatures, 6 pattern sets: about half a minute",
)
FULL = ih.Config(
    grid={"part": ("retrieval", "mixtures"), "n_sites": (1000, 2000, 4000)},
    fixed={"alpha": [0.01, 0.025, 0.05, 0.075, 0.1, 0.125],
           "T": [round(t, 2) for t in np.arange(0.05, 1.0501, 0.05)], "samples": 4, "replicas": 4,
           "burn_in": 500, "sweeps": 1500, "blocks": 30,
           "theory_T": [round(t, 3) for t in np.arange(0.01, 1.0501, 0.01)],
           "line_alpha": [0.001, 0.003, 0.01, 0.02, 0.035, 0.05, 0.065, 0.08, 0.095, 0.11, 0.12, 0.13, 0.135, 0.137],
           "line_T": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
           "mixtures": [3, 5], "mixture_patterns": 5,
           "T_mixture": [0.1, 0.2, 0.3, 0.35, 0.38, 0.41, 0.44, 0.47, 0.5, 0.55, 0.6, 0.7, 0.8]},
    description="N = 1000-4000, 6 loads, 21 temperatures, 4 pattern sets of 4 replicas; mixtures n = 3, 5",
)


def run_point(point, fixed, disorder, thermal, checkpoint):
    """The retrieval chains over (α, T) at one N with the AGS theory, or the mixture chains at α → 0."""
    _check(fixed)
    if point["part"] == "retrieval":
        return xr.merge([_retrieval(point["n_sites"], fixed, disorder, thermal, checkpoint), _theory(fixed)])
    return _mixtures(point["n_sites"], fixed, disorder, thermal, checkpoint)


def _check(fixed):
    """Refuse parameters the chains cannot honour, before any of them runs."""
    if fixed["burn_in"] < 1 or fixed["blocks"] < 4 or fixed["sweeps"] % fixed["blocks"]:
        raise ValueError(f"fixed: need burn_in >= 1 and blocks >= 4 dividing sweeps, got burn_in = "
                         f"{fixed['burn_in']}, blocks = {fixed['blocks']}, sweeps = {fixed['sweeps']}")
    if fixed["replicas"] < 2:
        raise ValueError(f"fixed: replica overlaps need replicas >= 2, got {fixed['replicas']}")
    if any(order < 3 or order % 2 == 0 or order > fixed["mixture_patterns"] for order in fixed["mixtures"]):
        raise ValueError(f"fixed: mixtures must be odd, >= 3 and <= mixture_patterns = {fixed['mixture_patterns']}, "
                         f"got {fixed['mixtures']}")


def _keyed(seed, *values):
    """A child stream of ``seed`` keyed by values (not by list positions): the same α and sample draw the same
    patterns whatever else the configuration lists."""
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, *values))


def _chains(model, starts, T, fixed, patterns, rng):
    """Metropolis from ``starts``: m with each of ``patterns`` every sweep ``(chain, sweep, pattern)`` after
    the burn-in, and the spins at the end of each of ``blocks`` equal blocks ``(block, chain, site)``."""
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
    pairs = np.triu_indices(replicas, k=1)
    shape = (len(loads), len(temperatures), samples)
    saved = checkpoint.load("retrieval") or {
        "overlap": np.full((*shape, replicas), np.nan), "end": np.full((*shape, replicas), np.nan),
        "tau": np.full((*shape, replicas), np.nan), "z": np.full((*shape, replicas), np.nan),
        "q": np.full((*shape, len(pairs[0])), np.nan), "q_z": np.full((*shape, len(pairs[0])), np.nan),
        "done": np.array(0)}
    for k in range(len(loads) * samples):
        if k < int(saved["done"]):
            continue
        a, s = divmod(k, samples)
        key = (round(loads[a] * 10**6), s)
        xi = ih.random_patterns(max(1, round(loads[a] * n)), n, rng=_keyed(disorder, *key))
        starts = np.repeat(xi[:1], len(temperatures) * replicas, axis=0)
        m, snapshots = _chains(ih.hebbian(xi), starts, np.repeat(temperatures, replicas), fixed, xi[:1],
                               _keyed(thermal, *key))
        m = m[..., 0].reshape(len(temperatures), replicas, -1)
        check = compare_halves(m)
        saved["overlap"][a, :, s] = m.mean(axis=-1)
        saved["end"][a, :, s] = m[..., -max(1, m.shape[-1] // 10):].mean(axis=-1)
        saved["tau"][a, :, s], saved["z"][a, :, s] = check.tau, check.z
        spins = snapshots.reshape(len(snapshots), len(temperatures), replicas, n)
        q = np.array([[replica_overlaps(block) for block in instant] for instant in spins])  # (block, T, pair)
        saved["q"][a, :, s] = q.mean(axis=0)
        saved["q_z"][a, :, s] = compare_halves(np.moveaxis(q, 0, -1)).z
        saved["done"] = np.array(k + 1)
        checkpoint.save("retrieval", **saved)
    dims, pair_dims = ("alpha", "T", "sample", "replica"), ("alpha", "T", "sample", "pair")
    coords = {**_coords("T", temperatures, fixed), **_load_coords(fixed),
              "pair": ("pair", np.arange(len(pairs[0])), {"units": "1", "long_name": "replica pair",
                                                          "description": "pair (replica_a, replica_b), a < b"}),
              "replica_a": ("pair", pairs[0], {"units": "1", "long_name": "first replica of the pair",
                                               "description": "replica index a"}),
              "replica_b": ("pair", pairs[1], {"units": "1", "long_name": "second replica of the pair",
                                               "description": "replica index b"})}
    return xr.Dataset(
        {
            "overlap": labelled(dims, saved["overlap"], "1", "overlap m₁", "m_1 averaged over the recorded sweeps"),
            "retrieved": labelled(dims, saved["end"] >= RETRIEVED, "1", "still retrieved",
                                  f"mean m_1 over the last tenth of the chain >= {RETRIEVED}"),
            "tau_overlap": labelled(dims, saved["tau"], "sweeps", "τ_int of m₁",
                                    "integrated autocorrelation time of m_1 (Sokal window, c = 5)"),
            "half_chain_z": labelled(dims, saved["z"], "1", "half-chain z of m₁",
                                     "(first-half mean - second-half mean) / combined error of m_1"),
            "replica_overlap": labelled(pair_dims, saved["q"], "1", "replica overlap q_ab",
                                        "(1/N) sum_i s_i^a s_i^b averaged over the block ends: estimates "
                                        "(1/N) sum_i <s_i>^2 of the state"),
            "replica_overlap_z": labelled(pair_dims, saved["q_z"], "1", "half-chain z of q_ab",
                                          "first- against second-half mean of q_ab over the block ends"),
        },
        coords=coords,
    )


@lru_cache(maxsize=4)
def _theory_values(loads, temperatures, theory_T, line_alpha, line_T):
    def branch(alpha, T):
        branches = ags(alpha, T)
        return branches.m[0], branches.q[0]  # the stable retrieval branch (NaN if none)

    at_points = np.array([[branch(alpha, T) for T in temperatures] for alpha in loads])
    on_line = np.array([[branch(alpha, T) for T in theory_T] for alpha in loads])
    return (at_points, on_line, [ags_retrieval_temperature(a) for a in loads],
            [ags_retrieval_temperature(a) for a in line_alpha], [ags_almeida_thouless_temperature(a) for a in line_alpha],
            [ags_global_retrieval_load(T) for T in line_T])


def _theory(fixed):
    """The AGS replica-symmetric theory at the simulated (α, T) and along lines of the phase diagram."""
    loads, line_alpha, theory_T = fixed["alpha"], fixed["line_alpha"], fixed["theory_T"]
    at_points, on_line, t_m, line_t_m, line_at, line_global = (
        np.array(value, dtype=np.float64) for value in _theory_values(
            tuple(loads), tuple(fixed["T"]), tuple(theory_T), tuple(line_alpha), tuple(fixed["line_T"])))
    return xr.Dataset(
        {
            "ags_overlap": labelled(("alpha", "T"), at_points[..., 0], "1", "AGS m",
                                    "RS retrieval overlap (NaN: no retrieval state)"),
            "ags_q": labelled(("alpha", "T"), at_points[..., 1], "1", "AGS q", "RS q of the retrieval state"),
            "ags_overlap_line": labelled(("alpha", "theory_T"), on_line[..., 0], "1", "AGS m",
                                         "RS retrieval overlap on the fine T line (NaN: no retrieval state)"),
            "ags_q_line": labelled(("alpha", "theory_T"), on_line[..., 1], "1", "AGS q",
                                   "RS q of the retrieval state on the fine T line"),
            "ags_retrieval_temperature": labelled("alpha", t_m, "energy", "T_M",
                                                  "RS temperature above which no retrieval state exists"),
            "spin_glass_temperature": labelled("alpha", spin_glass_temperature(np.asarray(loads)),
                                               "energy", "T_g", "spin-glass transition 1 + sqrt(alpha)"),
            "line_retrieval_temperature": labelled("line_alpha", line_t_m, "energy", "T_M on a line",
                                                   "RS T_M(alpha) on the load line"),
            "line_almeida_thouless": labelled("line_alpha", line_at, "energy", "T_AT on a line",
                                              "below it the RS retrieval solution is unstable (replica symmetry "
                                              "breaks)"),
            "line_global_load": labelled("line_T", line_global, "1", "α where retrieval is global",
                                         "below this load retrieval states are the global minima of the RS free "
                                         "energy"),
        },
        coords={
            "theory_T": labelled("theory_T", np.asarray(theory_T, dtype=np.float64), "energy", "T (theory line)",
                                 "temperatures of the AGS m, q"),
            "line_alpha": ("line_alpha", np.asarray(line_alpha, dtype=np.float64),
                           {"units": "1", "long_name": "load α (theory line)", "description": "loads of the AGS lines"}),
            "line_T": labelled("line_T", np.asarray(fixed["line_T"], dtype=np.float64), "energy", "T (theory line)",
                               "temperatures of the global-minimum line"),
        },
    )


def _mixtures(n, fixed, disorder, thermal, checkpoint):
    orders, temperatures = fixed["mixtures"], np.asarray(fixed["T_mixture"], dtype=np.float64)
    samples, replicas = fixed["samples"], fixed["replicas"]
    shape = (len(orders), len(temperatures), samples, replicas)
    saved = checkpoint.load("mixtures") or {"mean": np.full(shape, np.nan), "spread": np.full(shape, np.nan),
                                            "done": np.array(0)}
    for s in range(samples):
        if s < int(saved["done"]):
            continue
        xi = ih.balanced_patterns(fixed["mixture_patterns"], n, rng=_keyed(disorder, s))
        model = ih.hebbian(xi)
        for k, order in enumerate(orders):
            mixture = np.sign(xi[:order].sum(axis=0)).astype(np.int8)
            starts = np.repeat(mixture[None], len(temperatures) * replicas, axis=0)
            m, _ = _chains(model, starts, np.repeat(temperatures, replicas), fixed, xi[:order],
                           _keyed(thermal, order, s))
            late = m[:, m.shape[1] // 2:].mean(axis=1).reshape(len(temperatures), replicas, order)
            saved["mean"][k, :, s] = late.mean(axis=-1)
            saved["spread"][k, :, s] = late.max(axis=-1) - late.min(axis=-1)
        saved["done"] = np.array(s + 1)
        checkpoint.save("mixtures", **saved)
    theory = [[mixture_state(order, T) for T in temperatures] for order in orders]
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
            "theory_mixture_overlap": labelled(dims[:2], [[state.m for state in row] for row in theory], "1",
                                               "mixture m (α = 0)",
                                               "symmetric n-mixture overlap at alpha = 0 (0: no mixture)"),
            "theory_mixture_stable": labelled(dims[:2], [[state.stable for state in row] for row in theory], "1",
                                              "mixture stable (α = 0)",
                                              "the mixture is a local minimum of the alpha = 0 free energy"),
            "mixture_stability_temperature": labelled("mixture", [mixture_stability_temperature(k) for k in orders],
                                                      "energy", "T_n", "the n-mixture is stable below it"),
        },
        coords={"mixture": ("mixture", np.asarray(orders), {"units": "1", "long_name": "n",
                                                          "description": "patterns in the symmetric mixture"}),
                **_coords("T_mixture", temperatures, fixed)},
    )


def _coords(name, temperatures, fixed):
    return {
        name: labelled(name, np.asarray(temperatures, dtype=np.float64), "energy", "temperature",
                       "Metropolis temperature"),
        "sample": ("sample", np.arange(fixed["samples"]), {"units": "1", "long_name": "disorder sample",
                                                           "description": "independent pattern set"}),
        "replica": ("replica", np.arange(fixed["replicas"]), {"units": "1", "long_name": "replica",
                                                              "description": "independent chain on one pattern set"}),
    }


def _load_coords(fixed):
    return {"alpha": ("alpha", np.asarray(fixed["alpha"], dtype=np.float64),
                      {"units": "1", "long_name": "load α", "description": "stored patterns per site, P/N"})}


def escape_temperature(dataset, n_sites, alpha):
    """Where the fraction of chains still retrieved falls through 1/2 along T: ``(value, error)``.

    The error adds, in quadrature, the jackknife over pattern sets and the
    resolution of the T grid (the spacing around the crossing over √12): when
    every pattern set crosses between the same two temperatures the jackknife
    alone would be zero. NaN when the fraction never falls through 1/2.
    """
    temperatures = dataset["T"].values
    data = dataset["retrieved"].sel(n_sites=n_sites, alpha=alpha).astype(float).transpose("T", "sample", "replica")
    value, error = disorder_jackknife(lambda block: level_crossing(temperatures, block.mean(axis=-1), 0.5), data)
    if not np.isfinite(value):
        return np.nan, np.nan
    spacing = np.diff(temperatures)[min(np.searchsorted(temperatures, value) - 1, len(temperatures) - 2)]
    return value, float(np.hypot(error, spacing / np.sqrt(12)))


def plot(dataset):
    """Phase diagram with AGS lines; m₁ and q against T beside AGS; fraction retrieved; τ_int; mixtures."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(17, 10), layout="constrained")
    (diagram, overlap_ax, q_ax), (fraction_ax, tau_ax, mixture_ax) = fig.subplots(2, 3)
    sizes = dataset["n_sites"].values
    largest = dataset.sel(n_sites=sizes.max())
    theory = dataset.isel(n_sites=0)
    loads, temperatures = dataset["alpha"].values, dataset["T"].values
    sweeps = dataset.attrs.get("fixed_sweeps", "")
    _diagram_panel(diagram, dataset, theory, loads, sizes, sweeps)
    still = largest["retrieved"] == 1  # stored as 0.0 / 1.0 after the merge of the sections
    pair_still = still.isel(replica=largest["replica_a"]) & still.isel(replica=largest["replica_b"])
    for a, alpha in enumerate(loads):
        color = f"C{a}"
        here = largest.sel(alpha=alpha)
        for axis, data, line in (
                (overlap_ax, here["overlap"].where(still.sel(alpha=alpha)), "ags_overlap_line"),
                (q_ax, here["replica_overlap"].where(pair_still.sel(alpha=alpha)), "ags_q_line")):
            # over replicas (pairs) still retrieved first; a pattern set with none left is missing (NaN)
            mean, error = disorder_average(data, replica_dim=data.dims[-1])
            axis.errorbar(temperatures, mean, yerr=error, fmt="o", ms=3, capsize=2, color=color, label=f"α = {alpha:g}")
            axis.plot(theory["theory_T"], theory[line].sel(alpha=alpha), "-", color=color, lw=1)
        for k, n in enumerate(sizes):
            mean, error = disorder_average(dataset["retrieved"].sel(n_sites=n, alpha=alpha).astype(float))
            fraction_ax.errorbar(temperatures, mean, yerr=error, fmt="os^"[k % 3] + "-", ms=3, lw=0.8, capsize=2,
                                 color=color, alpha=0.4 + 0.6 * (k + 1) / len(sizes),
                                 label=f"α = {alpha:g}" if n == sizes.max() else None)
        fraction_ax.axvline(float(here["ags_retrieval_temperature"]), color=color, ls=":", lw=1)
        tau = here["tau_overlap"].median(("sample", "replica"))
        disagree = (np.abs(here["half_chain_z"]) >= 3).mean(("sample", "replica"))
        tau_ax.plot(temperatures, tau, "o-", ms=3, color=color, label=f"α = {alpha:g}")
        bad = disagree.values > 0.1
        tau_ax.plot(temperatures[bad], tau.values[bad], "x", ms=8, color=color)
    overlap_ax.set_ylabel("overlap m₁ of chains still retrieved (mean ± error over pattern sets)")
    overlap_ax.set_title(f"retrieval overlap, N = {sizes.max()}; lines: AGS (RS)", fontsize=10)
    q_ax.set_ylabel("replica overlap q_ab of pairs still retrieved")
    q_ax.set_title(f"q within the retrieval state, N = {sizes.max()}; lines: AGS (RS) q", fontsize=10)
    fraction_ax.axhline(0.5, color="0.6", lw=1)
    fraction_ax.set_ylabel(f"fraction of chains with m₁ ≥ {RETRIEVED} at the end")
    fraction_ax.set_title(f"still retrieved after {sweeps} sweeps, N = {', '.join(map(str, sizes))} (faint → dark); "
                          "dotted: AGS T_M", fontsize=9)
    tau_ax.set_yscale("log")
    tau_ax.set_ylabel("τ_int of m₁ (sweeps, median over chains)")
    tau_ax.set_title(f"equilibration, N = {sizes.max()}; ×: > 10 % of chains' halves disagree (|z| ≥ 3)", fontsize=9)
    for axis in (overlap_ax, q_ax, fraction_ax, tau_ax):
        axis.set_xlabel("temperature T (k_B = 1)")
        axis.legend(fontsize=7)
    _mixture_panel(mixture_ax, dataset)
    samples = dataset.sizes["sample"]
    fig.suptitle(f"Hebbian network, Metropolis from a stored pattern against Amit–Gutfreund–Sompolinsky theory; "
                 f"error bars from {samples} independent pattern sets", fontsize=12)
    return fig


def _diagram_panel(axis, dataset, theory, loads, sizes, sweeps):
    line_alpha = theory["line_alpha"].values
    axis.plot(np.concatenate([[0.0], line_alpha, [ags_capacity(0.0)]]),
              np.concatenate([[1.0], theory["line_retrieval_temperature"].values, [0.0]]), "k-", lw=1.5,
              label="T_M: retrieval states exist below (AGS)")
    axis.plot(np.append(theory["line_global_load"].values, 0.0), np.append(theory["line_T"].values, 1.0), "k--",
              lw=1.2, label="T_c: retrieval is global below")  # line_T ascending, ending at α → 0, T → 1
    fine = np.linspace(0, max(0.16, loads.max()), 100)
    axis.plot(fine, spin_glass_temperature(fine), "k:", lw=1.2, label="T_g = 1 + √α")
    axis.plot(line_alpha, theory["line_almeida_thouless"].values, "k-.", lw=1,
              label=f"T_AT of retrieval (≤ {np.nanmax(theory['line_almeida_thouless'].values):.3f})")
    for k, n in enumerate(sizes):
        found = np.array([escape_temperature(dataset, n, a) for a in loads])
        axis.errorbar(loads + 0.001 * (k - 1), found[:, 0], yerr=found[:, 1], fmt="o", ms=4, capsize=2,
                      color=f"C{k}", label=f"escape T within {sweeps} sweeps, N = {n}")
    axis.set_xlim(0, fine.max())
    axis.set_ylim(0, 1.4)
    axis.set_xlabel("load α = P/N")
    axis.set_ylabel("temperature T (k_B = 1)")
    axis.set_title("(α, T) phase diagram: AGS lines; points: half the chains have left ξ¹", fontsize=10)
    axis.legend(fontsize=7)


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
        axis.plot(fine, np.where(stable, np.nan, m), "--", color=color, lw=1,
                  label=f"{order}-mixture m at α = 0 (unstable)")
        axis.axvline(float(here["mixture_stability_temperature"]), color=color, ls=":", lw=1)
    axis.set_xlabel("temperature T (k_B = 1)")
    axis.set_ylabel("fraction kept / component overlap")
    axis.set_ylim(-0.05, 1.05)
    axis.set_title(f"symmetric mixtures at α → 0 (P = {dataset.attrs.get('fixed_mixture_patterns', '')} balanced "
                   "patterns); dotted: T_n", fontsize=10)
    axis.legend(fontsize=7)


def findings(dataset):
    """The paper's numbers: the AGS retrieval temperatures of both loads, the mixtures' stability
    temperatures, and the overlap of the largest N at the smaller load, at the grid temperature nearest
    T_M/2, against AGS (one temperature: those of one pattern set are correlated)."""
    from isinghop.stats.report import Number, agreement, mean_error

    largest = dataset.sel(n_sites=dataset["n_sites"].max())
    low, high = largest["alpha"].values.min(), largest["alpha"].values.max()
    here = largest.sel(alpha=low)
    T = float(here["T"].sel(T=0.5 * float(here["ags_retrieval_temperature"]), method="nearest"))
    measured = mean_error(here["overlap"].sel(T=T))
    mixtures = largest["mixture_stability_temperature"]
    return {
        "alpha_low": Number(low), "alpha_high": Number(high),
        "T_M_low": Number(largest["ags_retrieval_temperature"].sel(alpha=low)),
        "T_M_high": Number(largest["ags_retrieval_temperature"].sel(alpha=high)),
        "T_g_high": Number(largest["spin_glass_temperature"].sel(alpha=high)),
        "T_3": Number(mixtures.sel(mixture=3)), "T_5": Number(mixtures.sel(mixture=5)),
        "largest_sites": Number(largest["n_sites"]),
        "overlap_T": Number(T),
        "samples": Number(dataset.attrs["fixed_samples"]),
        "replicas": Number(dataset.attrs["fixed_replicas"]),
        "sweeps": Number(dataset.attrs["fixed_sweeps"]),
        "overlap": measured,
        "overlap_agreement": agreement(measured, float(here["ags_overlap"].sel(T=T)), "the AGS overlap"),
    }


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
    findings=findings,
)
