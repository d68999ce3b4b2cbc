"""Dynamics against thermal sampling: one model, several routes to its low-energy states.

* ``exact_routes`` — on nets small enough to enumerate, the end states from random starts of every
  zero-T schedule and of T = 0 and low-T Monte Carlo, each against its exact law: χ² p-values.
* ``annealing`` — simulated annealing of growing length on the same nets.
* ``relaxation_time`` — the exact τ_exp = −1/ln|λ₂| of the permutation sweep against T, beside
  Arrhenius with the exact barrier of the disconnectivity tree (:mod:`isinghop.exact.landscape`).
* ``heat_and_quench`` — Metropolis at T, then a zero-T quench, at N in the hundreds: at small load a
  moderate T removes the symmetric mixtures (unstable above T ≈ 0.46 as α → 0) and keeps retrieval
  (Amit, Gutfreund & Sompolinsky 1985).
* ``escape_times`` — escape from ξ¹ to another minimum against T, beside the exact lowest saddle.
"""

import json
import re

import numpy as np

import isinghop as ih
from isinghop.exact.landscape import energy_landscape
from isinghop.observables import classify_states
from isinghop.runtime import Config, Output
from isinghop.stats.errors import binomial_error, distribution_p_value
from isinghop.stats.report import Number, combined_p_value
from isinghop.viz.figures import panels, sample_errorbar

SCHEDULES = ("synchronous", "sequential", "permutation", "random")
ROUTES = SCHEDULES + ("metropolis_T0", "glauber_T0", "metropolis_low_T")
MAX_TAU_SITES = 10  # the permutation sweep matrix of N = 10 takes seconds; N = 12 minutes
QUICK_NETS = ("hebb P=2 N=8", "hebb P=3 N=8", "SK N=8")
SMALL_NETS = ("hebb P=2 N=10", "hebb P=3 N=10", "SK N=10")  # N ≤ MAX_TAU_SITES
FULL_NETS = SMALL_NETS + ("hebb P=2 N=12", "hebb P=3 N=14", "hebb P=4 N=16", "SK N=12")
NET = ("1", "network", "Hebbian net of P random patterns, or an SK instance (J ~ N(0, 1/N))")
ROUTE = ("1", "route", "zero-T schedule (tie keep), T = 0 or low-T MC")
TIE_AT_T0 = {"metropolis": "flip", "glauber": "random"}  # each rule's zero-field move at T = 0
CLASSES = ("pattern", "mixture", "spin_glass_or_spurious")


def _net(name, disorder):
    """The model a net's name describes, ``"hebb P=2 N=8"`` or ``"SK N=8"``, drawn from ``disorder``."""
    n = int(re.search(r"N=(\d+)", name)[1])
    if name.startswith("hebb"):
        return ih.hebbian(ih.random_patterns(int(re.search(r"P=(\d+)", name)[1]), n, rng=disorder))
    a = np.triu(np.random.default_rng(disorder).normal(size=(n, n)) / np.sqrt(n), 1)
    return ih.dense_model(a + a.T)


def arrhenius_barrier(T, times, count=3):
    """The slope of ln(time) against 1/T at the ``count`` lowest T with a finite time (None: all of
    them); NaN with fewer than two."""
    finite = np.isfinite(times)
    T, times = np.asarray(T)[finite], np.asarray(times)[finite]
    if len(T) < 2:
        return np.nan
    lowest = np.argsort(T)[:count]
    return np.polyfit(1.0 / T[lowest], np.log(times[lowest]), 1)[0]


def _arrhenius(ax, inverse, times, exact, fitted, name, colour, marker="o"):
    """Times against 1/T, and dashed ``t ∝ exp(exact / T)`` through the time at the lowest T."""
    label = f"{name}: fit {fitted:.2f}, exact {exact:.2f}"
    ax.plot(inverse, times, marker, color=colour, label=label)
    anchor = int(np.nanargmax(np.where(np.isfinite(times), inverse, np.nan)))
    line = times[anchor] * np.exp(exact * (inverse - inverse[anchor]))
    ax.plot(inverse, line, "--", color=colour, lw=0.8)


# --- every route against its exact law -----------------------------------------------------------
def routes_compute(point, fixed, disorder, thermal, checkpoint):
    """End states of one route from uniform random starts, against its exact distribution."""
    model, route = _net(point["net"], disorder), point["route"]
    n, sweeps, low_T = model.n_sites, fixed["mc_sweeps"], fixed["low_T"]
    start_seed, rng = thermal.spawn(2)
    starts = ih.random_spins(fixed["runs"], n, rng=start_seed)
    if route == "metropolis_low_T":
        final = ih.sample(model, starts, T=low_T, sweeps=sweeps, record=(), rng=rng).spins
        counts = np.bincount(ih.state_index(final), minlength=2**n)
        return {"p_value": distribution_p_value(counts, ih.boltzmann(model, T=low_T))}
    if route == "permutation" and n > MAX_TAU_SITES:
        return {"p_value": np.nan}  # its exact per-sweep law (all N! orders) is out of reach
    if route in SCHEDULES:
        found = ih.absorption(model, schedule=route, tie="keep")
        final = ih.relax(model, starts, schedule=route, rng=rng).spins
    else:  # T = 0 Monte Carlo on random sites: its zero-field moves are the tie rules
        rule = route.split("_")[0]
        found = ih.absorption(model, schedule="random", tie=TIE_AT_T0[rule])
        how = {"rule": rule, "schedule": "random", "sweeps": sweeps, "record": ()}
        final = ih.sample(model, starts, T=0.0, **how, rng=rng).spins
    index = ih.state_index(final)
    counts = [np.isin(index, members).sum() for members in found.attractors]  # per closed class
    counts.append(len(index) - sum(counts))  # end states outside every closed class
    reference = np.append(found.probabilities.mean(axis=0), 0.0)  # uniform random starts
    return {"p_value": distribution_p_value(counts, reference)}


def routes_plot(ds):
    """The p-value of every route on every net."""
    fig, (ax,) = panels(width=4.6, height=3.2)
    where, p = np.arange(ds.sizes["route"]), ds["p_value"].squeeze("sample")
    for k, net in enumerate(ds["net"].values):
        ax.semilogy(where + 0.06 * k, p.sel(net=net), "o", ms=4, label=net)
    ax.axhline(1e-4, color="k", ls=":", label="p = 10⁻⁴")
    ax.set_xticks(where, ds["route"].values, rotation=30, ha="right")
    ax.set(ylabel="χ² p-value against the exact law", title="end states of every route")
    fig.legend(loc="outside right upper")
    return fig


def routes_findings(ds):
    """Every route's χ² test against the exact law, combined."""
    p = ds["p_value"]
    agreement = combined_p_value(p, "the exact absorption and Boltzmann laws")
    return {"route_tests": Number(np.isfinite(p).sum()), "route_agreement": agreement}


def _routes(nets, runs, sweeps, text):
    fixed = {"runs": runs, "low_T": 0.3, "mc_sweeps": sweeps}
    return Config({"net": nets, "route": ROUTES}, fixed, text, samples=1)


EXACT_ROUTES = ih.Study(
    name="exact_routes",
    description="end states of every zero-T schedule and T = 0 / low-T Monte Carlo against exact laws",
    configs={
        "quick": _routes(QUICK_NETS, 2000, 200, "3 nets at N = 8, 21 tests"),
        "full": _routes(FULL_NETS, 10000, 500, "7 nets up to N = 16, 49 tasks, 45 tests"),
    },
    compute=routes_compute,
    outputs={"p_value": Output((), "1", "chi^2 p-value", "end states against their exact law")},
    coordinates={"net": NET, "route": ROUTE},
    disorder_keys=("net",),
    plot=routes_plot,
    findings=routes_findings,
)


# --- simulated annealing -------------------------------------------------------------------------
def anneal_compute(point, fixed, disorder, thermal, checkpoint):
    """Geometric annealing of one length from random starts: energy left, ground states, χ² test
    against Boltzmann at the final T, and the exact Boltzmann weight of the ground states there."""
    model, length = _net(point["net"], disorder), point["anneal_sweeps"]
    (T_hot, T_cold), n = fixed["anneal_T"], model.n_sites
    energies = ih.energies(model)
    ground, cold = np.isclose(energies, energies.min()), ih.boltzmann(model, T=T_cold)
    start_seed, rng = thermal.spawn(2)
    starts = ih.random_spins(fixed["runs"], n, rng=start_seed)
    anneal = ih.geometric_anneal(T_hot, T_cold, length)
    final = ih.sample(model, starts, anneal=anneal, sweeps=length, record=(), rng=rng).spins
    index = ih.state_index(final)
    excess = (energies[index] - energies.min()) / n
    return {
        "residual_energy": excess.mean(),
        "residual_energy_error": excess.std(ddof=1) / np.sqrt(len(excess)),
        "ground_fraction": ground[index].mean(),
        "ground_fraction_exact": cold[ground].sum(),
        "p_value": distribution_p_value(np.bincount(index, minlength=2**n), cold),
    }


def anneal_plot(ds):
    """The energy left against the annealing length, every net."""
    fig, (ax,) = panels(width=4.6, height=3.2)
    for net in ds["net"].values:
        here = ds.sel(net=net).squeeze("sample")
        energy, error = here["residual_energy"], here["residual_energy_error"]
        ax.errorbar(ds["anneal_sweeps"], energy, error, marker="o", ms=3, capsize=2, label=net)
    T_hot, T_cold = json.loads(ds.attrs["fixed_anneal_T"])
    ax.set(xscale="log", xlabel="annealing length (sweeps)", ylabel="residual H/N (energy)")
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set_title(f"geometric annealing, T = {T_hot:g} → {T_cold:g}")
    fig.legend(loc="outside right upper")
    return fig


def anneal_findings(ds):
    """The slowest anneal's test, and its runs' ground-state fraction on the net where it is worst."""
    slowest = ds.isel(anneal_sweeps=-1).squeeze("sample")
    worst = slowest.isel(net=int(np.nanargmin(slowest["p_value"].values)))
    hardest = float(worst["ground_fraction"])
    T_hot, T_cold = json.loads(ds.attrs["fixed_anneal_T"])
    return {
        "sweeps_longest": Number(ds["anneal_sweeps"].max()),
        "p_smallest": Number(slowest["p_value"].min(), digits=2),
        "T_hot": Number(T_hot),
        "T_cold": Number(T_cold),
        "ground_hardest": Number(hardest, binomial_error(hardest, ds.attrs["fixed_runs"])),
        "ground_exact": Number(worst["ground_fraction_exact"], digits=3),
    }


def _anneal(nets, lengths, runs, text):
    fixed = {"runs": runs, "anneal_T": (3.0, 0.1)}
    return Config({"net": nets, "anneal_sweeps": lengths}, fixed, text, samples=1)


ANNEALING = ih.Study(
    name="annealing",
    description="simulated annealing on enumerable nets: energy left and end states against Boltzmann",
    configs={
        "quick": _anneal(QUICK_NETS, (10, 100, 1000), 400, "3 nets at N = 8"),
        "full": _anneal(FULL_NETS, (10, 30, 100, 300, 1000, 3000), 2000, "7 nets up to N = 16"),
    },
    compute=anneal_compute,
    outputs={
        "residual_energy": Output((), "energy", "residual energy", "(H_end - H_ground)/N, mean"),
        "residual_energy_error": Output((), "energy", "error", "standard error over the runs"),
        "ground_fraction": Output((), "1", "P(ground state)", "runs ending in a ground state"),
        "ground_fraction_exact": Output((), "1", "exact P(ground)", "Boltzmann at the final T"),
        "p_value": Output((), "1", "chi^2 p-value", "end states against Boltzmann at the final T"),
    },
    coordinates={"net": NET, "anneal_sweeps": ("sweeps", "annealing length", "geometric schedule")},
    disorder_keys=("net",),
    plot=anneal_plot,
    findings=anneal_findings,
)


# --- exact relaxation time -----------------------------------------------------------------------
def tau_compute(point, fixed, disorder, thermal, checkpoint):
    """τ_exp of the permutation sweep at T, and the net's exact relaxation barrier."""
    model = _net(point["net"], disorder)
    matrix = ih.sweep_matrix(model, T=point["T"], schedule="permutation")
    barrier = energy_landscape(model).relaxation_barrier()
    return {"tau_exp": ih.stationary_distribution(matrix)[1], "barrier": barrier}


def tau_barriers(ds):
    """Per net, the Arrhenius barrier fitted to τ_exp at the 3 lowest T, and the exact one."""
    tau, T = ds["tau_exp"].squeeze("sample"), ds["T"].values
    fitted = [arrhenius_barrier(T, tau.sel(net=net).values) for net in ds["net"].values]
    return np.array(fitted), ds["barrier"].squeeze("sample").isel(T=0).values  # the same at every T


def tau_plot(ds):
    """τ_exp against 1/T beside Arrhenius with the exact barrier."""
    fig, (ax,) = panels(width=4.6, height=3.2)
    tau, inverse = ds["tau_exp"].squeeze("sample"), 1.0 / ds["T"].values
    for k, (net, fitted, exact) in enumerate(zip(ds["net"].values, *tau_barriers(ds))):
        _arrhenius(ax, inverse, tau.sel(net=net).values, exact, fitted, net, f"C{k}")
    title = "exact relaxation time; dashed: Arrhenius, exact ΔE"
    ax.set(yscale="log", xlabel="1/T (1/energy)", ylabel="τ_exp (sweeps)", title=title)
    ax.legend()
    return fig


def tau_findings(ds):
    """The Arrhenius barriers fitted to the exact τ_exp against the exact ones."""
    fitted, exact = tau_barriers(ds)
    first = str(ds["net"].values[0])
    return {
        "exact": Number(exact[0]),
        "fitted": Number(fitted[0], digits=3),
        "patterns": Number(int(re.search(r"P=(\d+)", first)[1])),
        "sites": Number(int(re.search(r"N=(\d+)", first)[1])),
        "T_low": Number(ds["T"].min()),
        "T_high": Number(ds["T"].max()),
        "nets": Number(len(fitted)),
        "deviation": Number(100 * np.max(np.abs(fitted / exact - 1)), unit="%", digits=2),
    }


QUICK_TAU = {"net": QUICK_NETS, "T": (0.35, 0.4, 0.5, 0.6, 0.8)}
FULL_TAU = {"net": SMALL_NETS, "T": (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0)}
RELAXATION_TIME = ih.Study(
    name="relaxation_time",
    description="exact tau_exp of the Metropolis sweep against T beside Arrhenius with the exact barrier",
    configs={
        "quick": Config(QUICK_TAU, {}, "3 nets at N = 8", samples=1, minutes=0.2),
        "full": Config(FULL_TAU, {}, f"the nets of N ≤ {MAX_TAU_SITES}: 33 tasks", samples=1),
    },
    compute=tau_compute,
    outputs={
        "tau_exp": Output((), "sweeps", "tau_exp", "exact -1/ln|lambda_2|, permutation sweep"),
        "barrier": Output((), "energy", "exact barrier", "Landscape.relaxation_barrier()"),
    },
    coordinates={"net": NET},
    disorder_keys=("net",),
    plot=tau_plot,
    findings=tau_findings,
)


# --- heating and a quench at large N -------------------------------------------------------------
def quench_compute(point, fixed, disorder, thermal, checkpoint):
    """Random and cued starts of one pattern set: Metropolis at T (none at T = 0), then a zero-T quench;
    the classes and energy of the end states, and H/N during the heating from random starts."""
    n, replicas, T, noises = fixed["n_sites"], fixed["replicas"], point["T"], fixed["cue_noise"]
    patterns, begin_seed, cue_seed = disorder.spawn(3)  # one pattern set and starts at every T
    xi = ih.random_patterns(max(3, round(point["alpha"] * n)), n, rng=patterns)
    model, cue = ih.hebbian(xi), np.repeat(xi[:1], replicas, axis=0)
    cues = [ih.flip_fraction(cue, p, rng=s) for p, s in zip(noises, cue_seed.spawn(len(noises)))]
    starts = [ih.random_spins(replicas, n, rng=begin_seed)] + cues
    heat = {"sweeps": fixed["sweeps"], "record": "energy_per_spin"}  # from every start, at T > 0
    times = np.asarray(fixed["time"])
    fraction, energy, heating = [], [], np.full(len(times), np.nan)
    for a, (spins, rng) in enumerate(zip(starts, thermal.spawn(len(starts)))):
        if T > 0:
            chain = ih.sample(model, spins, T=T, **heat, rng=rng)
            spins, rng = chain.spins, chain.rng_state
            if a == 0:
                heating = chain.energy_per_spin[:, times - 1].mean(axis=0)
        final = ih.relax(model, spins, schedule="permutation", rng=rng).spins
        kind = classify_states(final, xi).kind
        pattern, mixture = np.isin(kind, ["retrieval", "mirror"]), kind == "mixture"
        fraction.append([pattern.mean(), mixture.mean(), np.mean(~pattern & ~mixture)])
        energy.append(ih.observables.energy_per_spin(model, final).mean())
    out = {"end_fraction": fraction, "end_energy": energy, "heating_energy": heating}
    return out | {
        "n_patterns": len(xi)
    }  # at least 3: at small N the lowest loads hold more than αN


def quench_plot(ds):
    """End classes from random starts, and from cues at the largest load, against T."""
    fig, (left, right) = panels(2)
    T, fraction, alpha_max = ds["T"], ds["end_fraction"], ds["alpha"].values.max()
    for k, alpha in enumerate(ds["alpha"].values):
        for cls, style in (("pattern", "-"), ("mixture", "--")):
            values = fraction.sel(start="random", alpha=alpha, end_class=cls)
            sample_errorbar(left, T, values, ls=style, color=f"C{k}", label=f"{cls}, α = {alpha:g}")
    left.axvline(0.46, color="0.6", ls=":", lw=0.8)
    for start in ds["start"].values[1:]:
        values = fraction.sel(start=start, alpha=alpha_max, end_class="pattern")
        sample_errorbar(right, T, values, label=f"cue overlap {start.split('_')[1]}")
    xlabel = "temperature before the quench (energy)"
    left.set(xlabel=xlabel, ylabel="fraction of runs", title="random starts; dotted: T₃ = 0.46")
    right.set(xlabel=xlabel, ylabel="fraction ending in a pattern")
    right.set_title(f"cued starts, α = {alpha_max:g}")
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower left", ncol=3)
    right.legend(loc="lower left")
    return fig


def _quench(n, temperatures, samples, text):
    fixed = {"n_sites": n, "replicas": 16, "sweeps": 200, "cue_noise": (0.2, 0.35)}
    starts = ("random",) + tuple(f"cue_{1 - 2 * noise:g}" for noise in fixed["cue_noise"])
    times = tuple(int(t) for t in np.unique(np.geomspace(1, 200, 12).astype(int)))
    batch = {"start": starts, "end_class": CLASSES, "time": times}
    grid = {"alpha": (0.005, 0.01, 0.05), "T": temperatures}
    return Config(grid, fixed | {"time": times}, text, samples=samples, batch=batch)


HEAT_AND_QUENCH = ih.Study(
    name="heat_and_quench",
    description="end states after Metropolis at T and a zero-T quench, random and cued starts, large N",
    configs={
        "quick": _quench(400, (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6), 3, "N = 400"),
        "full": _quench(1000, (0.0, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6), 4, "N = 1000"),
    },
    compute=quench_compute,
    outputs={
        "end_fraction": Output(("start", "end_class"), "1", "fraction of runs", "after the quench"),
        "end_energy": Output(("start",), "energy", "energy reached", "mean H/N after the quench"),
        "heating_energy": Output(("time",), "energy", "H/N while heating", "random starts, T > 0"),
        "n_patterns": Output(()),
    },
    coordinates={
        "start": ("1", "start", "random spins, or pattern 1 with sites flipped"),
        "end_class": ("1", "end state", "a pattern or its mirror, a mixture, anything else"),
        "time": ("sweeps", "time", "sweeps of Metropolis from a random start"),
    },
    disorder_keys=("alpha",),
    plot=quench_plot,
)


# --- escape from a pattern -----------------------------------------------------------------------
def escape_compute(point, fixed, disorder, thermal, checkpoint):
    """Chains from ξ¹ at T = ΔE/ratio, ΔE the exact lowest saddle to another minimum: the median first
    time they reach another local minimum (NaN when fewer than half escape, or ξ¹ has no barrier)."""
    n, replicas, limit = fixed["n_sites"], fixed["replicas"], fixed["sweeps"]
    xi = ih.random_patterns(point["n_patterns"], n, rng=disorder)
    model = ih.hebbian(xi)
    landscape = energy_landscape(model)
    home = np.flatnonzero(landscape.minima == ih.state_index(xi[0]))
    empty = {
        "escape_time": np.nan,
        "escaped_fraction": np.nan,
        "escape_T": np.nan,
        "barrier": np.nan,
    }
    if len(home) == 0 or len(landscape.minima) < 2:
        return empty  # ξ¹ is not a local minimum of this draw, or the only one
    others = np.arange(len(landscape.minima)) != home[0]
    barrier = landscape.barriers()[home[0], others].min() - landscape.energies[home[0]]
    if barrier <= 0:
        return empty  # a neighbouring minimum of equal energy
    T = barrier / point["ratio"]
    elsewhere = np.isin(np.arange(2**n), landscape.minima[others])
    start = np.repeat(xi[:1], replicas, axis=0)
    chain = ih.sample(model, start, T=T, sweeps=limit, record="snapshots", rng=thermal)
    away = elsewhere[ih.state_index(chain.snapshots.reshape(-1, n)).reshape(replicas, limit)]
    first = np.where(away.any(axis=1), np.argmax(away, axis=1) + 1, np.inf)
    escaped = np.isfinite(first).mean()
    median = np.median(first) if escaped > 0.5 else np.nan
    return {"escape_time": median, "escaped_fraction": escaped, "escape_T": T, "barrier": barrier}


def escape_barrier(ds, n_patterns, sample):
    """The slope of ln(median escape time) against 1/T of one net (NaN with fewer than two times)."""
    here = ds.sel(n_patterns=n_patterns, sample=sample)
    return arrhenius_barrier(here["escape_T"].values, here["escape_time"].values, count=None)


def escape_plot(ds):
    """Median escape times against 1/T beside Arrhenius with the exact barrier, every net."""
    fig, (ax,) = panels(width=4.6, height=3.2)
    for k, p in enumerate(ds["n_patterns"].values):
        for s in ds["sample"].values:
            here = ds.sel(n_patterns=p, sample=s)
            times, barrier = here["escape_time"].values, float(here["barrier"][0])
            if np.isfinite(times).any():
                fitted, inverse = escape_barrier(ds, p, s), 1.0 / here["escape_T"].values
                _arrhenius(ax, inverse, times, barrier, fitted, f"P = {p}", f"C{k}", "os"[s % 2])
    ax.set(yscale="log", xlabel="1/T (1/energy)", ylabel="median escape time from ξ¹ (sweeps)")
    ax.set_title(f"N = {ds.attrs['fixed_n_sites']}; dashed: Arrhenius, exact ΔE")
    ax.legend()
    return fig


def _escape(n, patterns, ratios, replicas, sweeps, samples, text):
    fixed = {"n_sites": n, "replicas": replicas, "sweeps": sweeps}
    return Config({"n_patterns": patterns, "ratio": ratios}, fixed, text, samples=samples)


ESCAPE_TIMES = ih.Study(
    name="escape_times",
    description="escape from a pattern against T beside Arrhenius with the exact lowest saddle",
    configs={
        "quick": _escape(12, (2, 3), (4.0, 5.0, 6.0, 7.0), 64, 5000, 1, "N = 12, 8 tasks"),
        "full": _escape(16, (2, 3, 4), (4, 5, 6, 7, 8, 9.0), 128, 20000, 2, "N = 16, 36 tasks"),
    },
    compute=escape_compute,
    outputs={
        "escape_time": Output((), "sweeps", "median escape time", "to another local minimum"),
        "escaped_fraction": Output((), "1", "escaped", "within the run; NaN: no chains run"),
        "escape_T": Output((), "energy", "temperature", "the exact barrier over the ratio"),
        "barrier": Output((), "energy", "exact barrier", "lowest saddle from xi1 above H(xi1)"),
    },
    coordinates={"ratio": ("1", "barrier / T", "exact barrier over the temperature")},
    disorder_keys=("n_patterns",),  # and the sample: each (P, sample) is one net, every ratio on it
    plot=escape_plot,
)

STUDIES = (EXACT_ROUTES, ANNEALING, RELAXATION_TIME, HEAT_AND_QUENCH, ESCAPE_TIMES)
