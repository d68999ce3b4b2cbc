"""Dynamics against thermal sampling: one model, several routes to its low-energy states.

* ``exact_small`` — Hebbian nets (P = 2–4) and one Sherrington–Kirkpatrick
  instance small enough to enumerate. From uniform random starts: the end
  states of the zero-T dynamics for each schedule (tie ``keep``), of
  Metropolis and Glauber at T = 0 (whose zero-field moves are the tie rules
  ``flip`` and ``random``; random-site updates), each against its exact absorption distribution
  (:func:`isinghop.absorption`); Metropolis at a low T against the exact
  Boltzmann distribution; simulated annealing of increasing length, its
  residual energy and its end states against Boltzmann at the final T. All
  with χ² p-values. The exact relaxation time τ_exp = −1/ln|λ₂| of the
  permutation sweep against T, beside the Arrhenius form τ ∝ exp(ΔE/T) with
  ΔE the exact barrier of the disconnectivity tree (:mod:`isinghop.exact.landscape`).
* ``large`` — N in the hundreds to thousands: from random starts and from
  cues, the fraction of runs ending in a pattern (or its mirror), a
  symmetric mixture or a spin-glass/spurious state, after zero-T dynamics
  and after Metropolis at T followed by a zero-T quench. At small load a
  moderate temperature removes the symmetric mixtures (the 3-mixtures are
  unstable above T ≈ 0.46 as α → 0; they survive only for α ≲ 0.03) and
  keeps retrieval (Amit, Gutfreund & Sompolinsky 1985).
* ``escape`` — enumerable Hebbian nets started in ξ¹: the median number of
  Metropolis sweeps until the chain first reaches another local minimum,
  against T, and the Arrhenius barrier fitted to it beside the exact lowest
  saddle from ξ¹ to another minimum.
"""

import json

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.runtime import labelled
from isinghop.exact.landscape import energy_landscape
from isinghop.observables import classify_states
from isinghop.stats.errors import binomial_error, distribution_p_value

SCHEDULES = ("synchronous", "sequential", "permutation", "random")
ROUTES = SCHEDULES + ("metropolis_T0", "glauber_T0", "metropolis_low_T")
LARGE_CLASSES = ("pattern", "mixture", "spin_glass_or_spurious")

QUICK = ih.Config(
    grid={"section": ("exact_small", "large", "escape")},
    fixed={
        "nets": [["hebb", 2, 8], ["hebb", 3, 8], ["sk", 0, 8]], "runs": 2000, "low_T": 0.3, "mc_sweeps": 200,
        "anneal_sweeps": [10, 100, 1000], "anneal_T": [3.0, 0.1], "anneal_runs": 400,
        "tau_T": [0.35, 0.4, 0.5, 0.6, 0.8],
        "large_sites": 400, "large_alpha": [0.005, 0.01, 0.05], "large_T": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        "large_samples": 3, "large_replicas": 16, "large_sweeps": 200, "large_cue_noise": [0.2, 0.35],
        "escape_nets": [[2, 12], [3, 12]], "escape_ratio": [4.0, 5.0, 6.0, 7.0], "escape_replicas": 64,
        "escape_sweeps": 5000,
    },
    description="3 enumerable nets at N = 8, escapes at N = 12, N = 400 networks: about 25 s",
)
FULL = ih.Config(
    grid={"section": ("exact_small", "large", "escape")},
    fixed={
        "nets": [["hebb", 2, 10], ["hebb", 3, 10], ["sk", 0, 10], ["hebb", 2, 12], ["hebb", 3, 14], ["hebb", 4, 16],
                 ["sk", 0, 12]], "runs": 10000, "low_T": 0.3,
        "mc_sweeps": 500, "anneal_sweeps": [10, 30, 100, 300, 1000, 3000], "anneal_T": [3.0, 0.1],
        "anneal_runs": 2000, "tau_T": [0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1.0],
        "large_sites": 1000, "large_alpha": [0.005, 0.01, 0.05],
        "large_T": [0.0, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6], "large_samples": 4, "large_replicas": 16,
        "large_sweeps": 200, "large_cue_noise": [0.2, 0.35],
        "escape_nets": [[2, 16], [3, 16], [4, 16]], "escape_ratio": [4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        "escape_replicas": 128, "escape_sweeps": 20000,
    },
    description="7 enumerable nets up to N = 16, N = 1000 networks, escapes at N = 16: the paper's figures",
)
MAX_TAU_SITES = 10  # the permutation sweep matrix of N = 10 takes seconds; N = 12 minutes


def _net(kind, n_patterns, n, seed):
    if kind == "hebb":
        xi = ih.random_patterns(n_patterns, n, rng=seed)
        return ih.hebbian(xi)
    a = np.random.default_rng(seed).normal(size=(n, n)) / np.sqrt(n)
    return ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T)


def _class_counts(found, final):
    """Counts of the end states ``final`` (spins) per closed class of ``found`` (an Absorption), and last the
    runs that ended outside every class (not absorbed yet: probability 0 in the exact reference)."""
    index = ih.state_index(final)
    owner = np.full(found.probabilities.shape[0], len(found.attractors))
    for k, members in enumerate(found.attractors):
        owner[members] = k
    return np.bincount(owner[index], minlength=len(found.attractors) + 1)


def _exact_small(fixed, disorder, thermal):
    nets, runs, low_T, sweeps = fixed["nets"], fixed["runs"], fixed["low_T"], fixed["mc_sweeps"]
    lengths, (T_hot, T_cold) = fixed["anneal_sweeps"], fixed["anneal_T"]
    tau_T = np.asarray(fixed["tau_T"], dtype=np.float64)
    p_route = np.full((len(nets), len(ROUTES)), np.nan)
    p_anneal = np.full((len(nets), len(lengths)), np.nan)
    residual = np.full((len(nets), len(lengths)), np.nan)
    residual_error = np.full_like(residual, np.nan)
    ground_hit = np.full_like(residual, np.nan)
    ground_exact = np.full(len(nets), np.nan)
    tau = np.full((len(nets), len(tau_T)), np.nan)
    barrier = np.full(len(nets), np.nan)
    fitted = np.full(len(nets), np.nan)
    streams = thermal.spawn(len(nets))
    for k, ((kind, n_patterns, n), seed) in enumerate(zip(nets, disorder.spawn(len(nets)))):
        model = _net(kind, n_patterns, n, seed)
        start_seed, *route_seeds = streams[k].spawn(1 + len(ROUTES) + len(lengths))
        starts = ih.random_spins(runs, n, rng=start_seed)
        for r, route in enumerate(ROUTES):
            rng = route_seeds[r]
            if route in SCHEDULES:
                if route == "permutation" and n > MAX_TAU_SITES:
                    continue  # its exact per-sweep matrix (all N! orders) is out of reach: no reference
                found = ih.absorption(model, schedule=route, tie="keep")
                final = ih.relax(model, starts, schedule=route, rng=rng).spins
            elif route.endswith("T0"):  # T = 0 Monte Carlo on random sites: zero-field moves are the ties
                found = ih.absorption(model, schedule="random", tie="flip" if route.startswith("metropolis")
                                      else "random")
                final = ih.sample(model, starts, T=0.0, rule=route.split("_")[0], schedule="random", sweeps=sweeps,
                                  record=(), rng=rng).spins
            else:
                weights = ih.boltzmann(model, T=low_T)
                final = ih.sample(model, starts, T=low_T, sweeps=sweeps, record=(), rng=rng).spins
                p_route[k, r] = distribution_p_value(np.bincount(ih.state_index(final), minlength=2**n), weights)
                continue
            reference = np.append(found.probabilities.mean(axis=0), 0.0)  # uniform random starts
            p_route[k, r] = distribution_p_value(_class_counts(found, final), reference)
        energies = ih.energies(model)
        e_ground = energies.min()
        cold = ih.boltzmann(model, T=T_cold)
        ground = np.isclose(energies, e_ground)
        ground_exact[k] = cold[ground].sum()
        for j, length in enumerate(lengths):
            final = ih.sample(model, starts[: fixed["anneal_runs"]], anneal=ih.geometric_anneal(T_hot, T_cold, length),
                              sweeps=length, record=(), rng=route_seeds[len(ROUTES) + j]).spins
            index = ih.state_index(final)
            excess = (energies[index] - e_ground) / n
            residual[k, j], residual_error[k, j], _ = ih.stats.sample_mean_error(excess)
            ground_hit[k, j] = ground[index].mean()
            p_anneal[k, j] = distribution_p_value(np.bincount(index, minlength=2**n), cold)
        barrier[k] = energy_landscape(model).relaxation_barrier()
        if n <= MAX_TAU_SITES:
            for t, T in enumerate(tau_T):
                tau[k, t] = ih.stationary_distribution(ih.sweep_matrix(model, T=T, schedule="permutation"))[1]
            lowest = np.argsort(tau_T)[:3]
            fitted[k] = np.polyfit(1.0 / tau_T[lowest], np.log(tau[k, lowest]), 1)[0]
    coords = {
        "net": labelled("net", [f"{kind} P={p} N={n}" if kind == "hebb" else f"SK N={n}" for kind, p, n in nets], "1",
                  "network", "Hebbian net of P random patterns, or a Sherrington-Kirkpatrick instance (J ~ N(0, 1/N))"),
        "route": labelled("route", list(ROUTES), "1", "route",
                          "zero-T dynamics per schedule (tie keep; permutation only where its exact matrix is "
                          f"within reach, N <= {MAX_TAU_SITES}); Metropolis or Glauber at T = 0 on random sites; "
                          "Metropolis at the low T"),
        "anneal_sweeps": labelled("anneal_sweeps", np.asarray(lengths), "sweeps", "annealing length",
                            f"geometric annealing from T = {T_hot} to {T_cold}"),
        "tau_T": labelled("tau_T", tau_T, "energy", "temperature", "temperature of the exact sweep matrix"),
    }
    return xr.Dataset({
        "route_p_value": labelled(("net", "route"), p_route, "1", "chi^2 p-value",
                            f"{runs} end states from uniform random starts against the exact distribution "
                            f"(absorption, or Boltzmann at T = {low_T})"),
        "anneal_p_value": labelled(("net", "anneal_sweeps"), p_anneal, "1", "chi^2 p-value",
                             f"end states of annealing against Boltzmann at T = {T_cold}"),
        "residual_energy": labelled(("net", "anneal_sweeps"), residual, "energy", "residual energy",
                              "(H_end - H_ground)/N after annealing, mean over runs"),
        "residual_energy_error": labelled(("net", "anneal_sweeps"), residual_error, "energy", "error",
                                    "standard error over independent runs"),
        "ground_fraction": labelled(("net", "anneal_sweeps"), ground_hit, "1", "P(ground state)",
                              "fraction of annealing runs ending in a ground state"),
        "ground_fraction_exact": labelled("net", ground_exact, "1", "exact P(ground state)",
                                    f"Boltzmann probability of the ground states at T = {T_cold}"),
        "tau_exp": labelled(("net", "tau_T"), tau, "sweeps", "tau_exp",
                      "exact relaxation time -1/ln|lambda_2| of the Metropolis permutation sweep (NaN: N too large)"),
        "barrier": labelled("net", barrier, "energy", "exact barrier",
                      "the deepest valley to leave: max over the tree's merges of the saddle minus the "
                      "shallower branch's lowest minimum (Landscape.relaxation_barrier)"),
        "barrier_fitted": labelled("net", fitted, "energy", "Arrhenius barrier",
                             "slope of ln tau_exp against 1/T at the three lowest T"),
    }, coords=coords)


def _large(fixed, disorder, thermal):
    n, loads, temperatures = fixed["large_sites"], fixed["large_alpha"], np.asarray(fixed["large_T"], float)
    samples, replicas, sweeps, noises = (fixed["large_samples"], fixed["large_replicas"], fixed["large_sweeps"],
                                         fixed["large_cue_noise"])
    starts = ("random",) + tuple(f"cue_{1 - 2 * noise:g}" for noise in noises)
    fractions = np.zeros((len(starts), len(loads), len(temperatures), samples, len(LARGE_CLASSES)))
    energy = np.zeros((len(starts), len(loads), len(temperatures), samples))
    times = np.unique(np.geomspace(1, sweeps, 12).astype(int))
    trajectory = np.full((len(loads), len(temperatures), samples, len(times)), np.nan)
    pattern_seeds = disorder.spawn(len(loads) * samples)
    run_seeds = thermal.spawn(len(loads) * samples)
    for i, alpha in enumerate(loads):
        n_patterns = max(3, int(round(alpha * n)))
        for s in range(samples):
            xi = ih.random_patterns(n_patterns, n, rng=pattern_seeds[i * samples + s])
            model = ih.hebbian(xi)
            begin_seed, *seeds = run_seeds[i * samples + s].spawn(1 + len(noises) + len(starts) * len(temperatures))
            first = [ih.random_spins(replicas, n, rng=begin_seed)] + [
                ih.flip_fraction(np.repeat(xi[:1], replicas, axis=0), noise, rng=seed)
                for noise, seed in zip(noises, seeds[: len(noises)])]
            seeds = seeds[len(noises):]
            for t, T in enumerate(temperatures):
                for a, begin in enumerate(first):
                    rng = seeds[len(starts) * t + a]
                    if T == 0:
                        heated = begin
                    else:
                        chain = ih.sample(model, begin, T=T, sweeps=sweeps, record="energy_per_spin", rng=rng)
                        heated = chain.spins
                        if a == 0:  # random starts: the energy per spin during the heating, mean over runs
                            trajectory[i, t, s] = chain.energy_per_spin[:, times - 1].mean(axis=0)
                    final = ih.relax(model, heated, schedule="permutation", rng=rng)  # the zero-T quench
                    kind = classify_states(final.spins, xi).kind
                    fractions[a, i, t, s] = [np.mean(np.isin(kind, ["retrieval", "mirror"])), np.mean(kind == "mixture"),
                                             np.mean(~np.isin(kind, ["retrieval", "mirror", "mixture"]))]
                    energy[a, i, t, s] = ih.observables.energy_per_spin(model, final.spins).mean()
    coords = {
        "large_start": labelled("large_start", list(starts), "1", "start",
                          "random spins, or pattern 1 with sites flipped to the initial overlap named"),
        "large_alpha": labelled("large_alpha", np.asarray(loads, float), "1", "load alpha", "P/N (at least 3 patterns)"),
        "large_T": labelled("large_T", temperatures, "energy", "temperature",
                      f"Metropolis for {sweeps} sweeps before the zero-T quench (0: the quench alone)"),
        "large_sample": labelled("large_sample", np.arange(samples), "1", "disorder sample", "independent pattern set"),
        "large_time": labelled("large_time", times, "sweeps", "time", "sweeps of Metropolis from a random start"),
        "end_class": labelled("end_class", list(LARGE_CLASSES), "1", "end state",
                        "a pattern or its mirror, a symmetric mixture, anything else (observables.classify_states)"),
    }
    return xr.Dataset({
        "end_fraction": labelled(("large_start", "large_alpha", "large_T", "large_sample", "end_class"), fractions, "1",
                           "fraction of runs", f"fraction of {replicas} runs (N = {n}) ending in each class after the quench"),
        "end_energy": labelled(("large_start", "large_alpha", "large_T", "large_sample"), energy, "energy",
                         "energy reached", "H/N after the quench, mean over runs"),
        "heating_energy": labelled(("large_alpha", "large_T", "large_sample", "large_time"), trajectory, "energy",
                             "energy during heating", "H/N during Metropolis at T from random starts, mean over runs "
                             "(NaN at T = 0)"),
    }, coords=coords)


def _escape(fixed, disorder, thermal):
    nets, ratios = fixed["escape_nets"], np.asarray(fixed["escape_ratio"], dtype=np.float64)
    replicas, limit = fixed["escape_replicas"], fixed["escape_sweeps"]
    median = np.full((len(nets), len(ratios)), np.nan)
    temperatures_used = np.full((len(nets), len(ratios)), np.nan)
    escaped = np.zeros((len(nets), len(ratios)))
    exact, fitted = np.full(len(nets), np.nan), np.full(len(nets), np.nan)
    streams = thermal.spawn(len(nets) * len(ratios))
    for k, ((n_patterns, n), seed) in enumerate(zip(nets, disorder.spawn(len(nets)))):
        xi = ih.random_patterns(n_patterns, n, rng=seed)
        model = ih.hebbian(xi)
        landscape = energy_landscape(model)
        home = np.flatnonzero(landscape.minima == ih.state_index(xi[0]))
        if len(home) == 0 or len(landscape.minima) < 2:
            continue  # xi^1 is not a local minimum of this draw: nothing to escape from
        others = np.arange(len(landscape.minima)) != home[0]
        exact[k] = landscape.barriers()[home[0], others].min() - landscape.energies[home[0]]
        if exact[k] <= 0:
            continue  # a neighbouring minimum of equal energy: no barrier
        temperatures = temperatures_used[k] = exact[k] / ratios  # ΔE/T of 4-9: escapes take 10-10^4 sweeps
        elsewhere = np.zeros(2**n, dtype=bool)
        elsewhere[landscape.minima[others]] = True  # the other local minima
        for t, T in enumerate(temperatures):
            chain = ih.sample(model, np.repeat(xi[:1], replicas, axis=0), T=T, sweeps=limit, record="snapshots",
                              rng=streams[k * len(ratios) + t])
            away = elsewhere[ih.state_index(chain.snapshots.reshape(-1, n)).reshape(replicas, limit)]
            first = np.where(away.any(axis=1), np.argmax(away, axis=1) + 1, np.inf)
            escaped[k, t] = np.isfinite(first).mean()
            if escaped[k, t] > 0.5:
                median[k, t] = np.median(first)  # censored runs (no escape) lie above the median
        usable = np.isfinite(median[k])
        if usable.sum() >= 2:
            fitted[k] = np.polyfit(1.0 / temperatures[usable], np.log(median[k, usable]), 1)[0]
    coords = {
        "escape_net": labelled("escape_net", [f"P={p} N={n}" for p, n in nets], "1", "network", "Hebbian net"),
        "escape_ratio": labelled("escape_ratio", ratios, "1", "barrier / T", "exact barrier over the temperature"),
        "escape_T": labelled(("escape_net", "escape_ratio"), temperatures_used, "energy", "temperature",
                       "Metropolis temperature: the exact barrier over escape_ratio"),
    }
    return xr.Dataset({
        "escape_time": labelled(("escape_net", "escape_ratio"), median, "sweeps", "median escape time",
                                f"sweeps until the chain first reaches another local minimum ({replicas} chains from "
                                f"xi^1; NaN when fewer than half escape within {limit}, or where xi^1 is no local "
                                "minimum with a barrier in this draw)"),
        "escaped_fraction": labelled(("escape_net", "escape_ratio"), escaped, "1", "escaped", f"chains escaping within {limit}"),
        "escape_barrier": labelled("escape_net", exact, "energy", "exact barrier",
                             "lowest single-flip saddle from xi^1 to another minimum, above H(xi^1)"),
        "escape_barrier_fitted": labelled("escape_net", fitted, "energy", "Arrhenius barrier",
                                    "slope of ln(median escape time) against 1/T"),
    }, coords=coords)


def run_point(point, fixed, disorder, thermal, checkpoint):
    """The variables of one section: ``exact_small``, ``large`` or ``escape``."""
    return {"exact_small": _exact_small, "large": _large, "escape": _escape}[point["section"]](fixed, disorder, thermal)


def _arrhenius_line(ax, inverse, times, barrier, colour):
    """Dashed ``t ∝ exp(barrier / T)`` through the measured time at the lowest temperature that has one."""
    anchor = int(np.nanargmax(np.where(np.isfinite(times), inverse, np.nan)))
    ax.plot(inverse, times[anchor] * np.exp(barrier * (inverse - inverse[anchor])), "--", color=colour, lw=0.8)


def plot(dataset):
    """p-values of every route, annealing, tau_exp and escape times with their Arrhenius lines, and the end
    classes against T."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(16, 13))
    axes = fig.subplots(3, 3).ravel()
    if "route_p_value" in dataset:
        ax = axes[0]
        for k, net in enumerate(dataset["net"].values):
            ax.plot(np.arange(dataset.sizes["route"]), dataset["route_p_value"].sel(net=net), "o", label=net)
        ax.axhline(1e-4, color="k", ls=":", label="p = 10⁻⁴")
        ax.set_yscale("log")
        ax.set_xticks(np.arange(dataset.sizes["route"]), dataset["route"].values, rotation=40, ha="right", fontsize=7)
        ax.set_ylabel("χ² p-value against the exact distribution")
        ax.set_title("end states of each route against exact absorption / Boltzmann", fontsize=9)
        ax.legend(fontsize=6)
        ax = axes[1]
        for net in dataset["net"].values:
            here = dataset.sel(net=net)
            ax.errorbar(dataset["anneal_sweeps"], here["residual_energy"], yerr=here["residual_energy_error"],
                        marker="o", capsize=3, label=net)
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.set_xlabel("annealing length (sweeps)")
        ax.set_ylabel("residual energy per spin (energy)")
        ax.set_title("simulated annealing: residual energy against time", fontsize=9)
        ax.legend(fontsize=6)
        ax = axes[2]
        for k, net in enumerate(dataset["net"].values):
            tau = dataset["tau_exp"].sel(net=net)
            if tau.isnull().all():
                continue
            inverse = 1.0 / dataset["tau_T"].values
            line, = ax.plot(inverse, tau, "o", label=f"{net}: fit ΔE = {float(dataset['barrier_fitted'].sel(net=net)):.2f}, "
                                                       f"exact {float(dataset['barrier'].sel(net=net)):.2f}")
            _arrhenius_line(ax, inverse, tau.values, float(dataset["barrier"].sel(net=net)), line.get_color())
        ax.set_yscale("log")
        ax.set_xlabel("1/T (1/energy)")
        ax.set_ylabel("τ_exp (sweeps)")
        ax.set_title("exact relaxation time; dashed: Arrhenius with the exact barrier", fontsize=9)
        ax.legend(fontsize=6)
    if "end_fraction" in dataset:
        ax = axes[3]
        for alpha in dataset["large_alpha"].values:
            for cls, style in (("pattern", "-"), ("mixture", "--")):
                values = dataset["end_fraction"].sel(large_start="random", large_alpha=alpha, end_class=cls)
                mean, error = ih.stats.disorder_average(values, dim="large_sample", replica_dim=None)
                ax.errorbar(dataset["large_T"], mean, yerr=error, fmt=style, marker=".", capsize=2,
                            label=f"{cls}, α = {alpha:g}")
        ax.axvline(0.46, color="0.6", ls=":", lw=0.8)
        ax.set_xlabel("temperature before the quench (energy)")
        ax.set_ylabel("fraction of runs (± error over pattern sets)")
        ax.set_title("random starts: end states after heating and a zero-T quench; dotted: T = 0.46", fontsize=8)
        ax.legend(fontsize=6, ncol=2)
        ax = axes[4]
        alpha = dataset["large_alpha"].values.max()
        for start in dataset["large_start"].values[1:]:
            values = dataset["end_fraction"].sel(large_start=start, large_alpha=alpha, end_class="pattern")
            mean, error = ih.stats.disorder_average(values, dim="large_sample", replica_dim=None)
            ax.errorbar(dataset["large_T"], mean, yerr=error, marker=".", capsize=2,
                        label=f"cue overlap {start.split('_')[1]}")
        ax.set_xlabel("temperature before the quench (energy)")
        ax.set_ylabel("fraction ending in a pattern")
        ax.set_title(f"cued starts at α = {alpha:g}", fontsize=9)
        ax.legend(fontsize=6)
        ax = axes[5]
        for alpha in dataset["large_alpha"].values:
            values = dataset["end_energy"].sel(large_start="random", large_alpha=alpha)
            mean, error = ih.stats.disorder_average(values, dim="large_sample", replica_dim=None)
            ax.errorbar(dataset["large_T"], mean, yerr=error, marker="o", capsize=2, label=f"α = {alpha:g}")
        ax.set_xlabel("temperature before the quench (energy)")
        ax.set_ylabel("H/N after the quench (energy per spin)")
        ax.set_title("energies reached from random starts", fontsize=9)
        ax.legend(fontsize=6)
    if "escape_time" in dataset:
        ax = axes[6]
        for net in dataset["escape_net"].values:
            here = dataset.sel(escape_net=net)
            if not np.isfinite(here["escape_time"].values).any():
                continue
            inverse = 1.0 / here["escape_T"].values
            line, = ax.plot(inverse, here["escape_time"], "o",
                            label=f"{net}: fit ΔE = {float(here['escape_barrier_fitted']):.2f}, "
                                  f"exact {float(here['escape_barrier']):.2f}")
            _arrhenius_line(ax, inverse, here["escape_time"].values, float(here["escape_barrier"]), line.get_color())
        ax.set_yscale("log")
        ax.set_xlabel("1/T (1/energy)")
        ax.set_ylabel("median escape time from ξ¹ (sweeps)")
        ax.set_title("escape from a pattern; dashed: Arrhenius with the exact barrier", fontsize=9)
        ax.legend(fontsize=6)
    if "heating_energy" in dataset:
        ax = axes[7]
        alpha = dataset["large_alpha"].values.min()
        for T in dataset["large_T"].values[1:]:
            values = dataset["heating_energy"].sel(large_alpha=alpha, large_T=T)
            mean, error = ih.stats.disorder_average(values, dim="large_sample", replica_dim=None)
            ax.errorbar(dataset["large_time"], mean, yerr=error, marker=".", capsize=2, label=f"T = {T:g}")
        ax.set_xscale("log")
        ax.set_xlabel("Metropolis sweeps from a random start")
        ax.set_ylabel("H/N (energy per spin)")
        ax.set_title(f"energy against time, α = {alpha:g}", fontsize=9)
        ax.legend(fontsize=6, ncol=2)
    for ax in axes:
        if not ax.has_data():
            ax.set_axis_off()
    fig.suptitle("Dynamics against thermal sampling on the same model")
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig


def findings(dataset):
    """The paper's numbers: the χ² tests of every route against the exact laws, combined; the slowest
    anneal's test, and the fraction of its runs that end in a ground state on the net where that test is
    worst; the Arrhenius barriers fitted to the exact τ_exp against the exact ones."""
    from isinghop.stats.report import Number, combined_p_value

    slowest = dataset["anneal_p_value"].isel(anneal_sweeps=-1)
    worst = int(np.nanargmin(slowest.values))
    hardest = float(dataset["ground_fraction"].isel(anneal_sweeps=-1, net=worst))
    runs = min(dataset.attrs["fixed_anneal_runs"], dataset.attrs["fixed_runs"])
    T_hot, T_cold = json.loads(dataset.attrs["fixed_anneal_T"])
    _, first_patterns, first_sites = json.loads(dataset.attrs["fixed_nets"])[0]
    tau_T = json.loads(dataset.attrs["fixed_tau_T"])
    has_fit = np.isfinite(dataset["barrier_fitted"].values)
    fitted, exact = dataset["barrier_fitted"].values[has_fit], dataset["barrier"].values[has_fit]
    return {
        "route_tests": Number(np.isfinite(dataset["route_p_value"]).sum()),
        "route_agreement": combined_p_value(dataset["route_p_value"],
                                            "the exact absorption and Boltzmann laws"),
        "anneal_sweeps_longest": Number(dataset["anneal_sweeps"].max()),
        "anneal_p_smallest": Number(slowest.min(), digits=2),
        "anneal_T_hot": Number(T_hot),
        "anneal_T_cold": Number(T_cold),
        "anneal_ground_hardest": Number(hardest, binomial_error(hardest, runs)),
        "anneal_ground_exact": Number(dataset["ground_fraction_exact"].isel(net=worst), digits=3),
        "barrier_exact": Number(dataset["barrier"].isel(net=0)),
        "barrier_fitted": Number(dataset["barrier_fitted"].isel(net=0), digits=3),
        "barrier_patterns": Number(first_patterns),
        "barrier_sites": Number(first_sites),
        "barrier_T_low": Number(min(tau_T)),
        "barrier_T_high": Number(max(tau_T)),
        "barrier_nets": Number(fitted.size),
        "barrier_deviation": Number(100 * np.max(np.abs(fitted / exact - 1)), unit="%", digits=2),
    }

STUDY = ih.Study(
    name="dynamics_vs_thermal",
    description="zero-T dynamics, T = 0 Monte Carlo, annealing and Boltzmann on one model; end states at large N",
    configs={"quick": QUICK, "full": FULL},
    run_point=run_point,
    plot=plot,
    coordinates={"section": {"units": "1", "long_name": "section", "description": "one experiment of the study"}},
    sections=("section",),
    findings=findings,
)
