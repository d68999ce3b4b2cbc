"""Dynamics against thermal sampling: one model, several routes to its low-energy states.

A group of five studies:

* ``exact_routes`` — Hebbian nets (P = 2–4) and Sherrington–Kirkpatrick instances small enough to
  enumerate; a task per (net, route). From uniform random starts, the end states of the zero-T
  dynamics of each schedule (tie ``keep``), of Metropolis and Glauber at T = 0 (whose zero-field moves
  are the tie rules ``flip`` and ``random``; random-site updates), each against its exact absorption
  distribution (:func:`isinghop.absorption`), and of Metropolis at a low T against the exact
  Boltzmann distribution: χ² p-values.
* ``annealing`` — simulated annealing of increasing length on the same nets: the residual energy, the
  fraction of runs in a ground state, and the end states against Boltzmann at the final T.
* ``relaxation_time`` — the exact relaxation time τ_exp = −1/ln|λ₂| of the permutation sweep against
  T (nets of N ≤ 10), beside the Arrhenius form τ ∝ exp(ΔE/T) with ΔE the exact barrier of the
  disconnectivity tree (:mod:`isinghop.exact.landscape`).
* ``heat_and_quench`` — N in the hundreds to thousands: from random starts and from cues, the
  fraction of runs ending in a pattern (or its mirror), a symmetric mixture or a spin-glass/spurious
  state after Metropolis at T and a zero-T quench. At small load a moderate temperature removes the
  symmetric mixtures (unstable above T ≈ 0.46 as α → 0) and keeps retrieval (Amit, Gutfreund &
  Sompolinsky 1985).
* ``escape_times`` — enumerable Hebbian nets started in ξ¹: the median number of Metropolis sweeps
  until the chain first reaches another local minimum, against T, beside the exact lowest saddle.
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
NETS = {
    "quick": ("hebb P=2 N=8", "hebb P=3 N=8", "SK N=8"),
    "full": (
        "hebb P=2 N=10",
        "hebb P=3 N=10",
        "SK N=10",
        "hebb P=2 N=12",
        "hebb P=3 N=14",
        "hebb P=4 N=16",
        "SK N=12",
    ),
}
NET = ("1", "network", "Hebbian net of P random patterns, or an SK instance (J ~ N(0, 1/N))")


def _net(name, disorder):
    """The model a net's name describes, ``"hebb P=2 N=8"`` or ``"SK N=8"``, drawn from ``disorder``."""
    n = int(re.search(r"N=(\d+)", name)[1])
    if name.startswith("hebb"):
        return ih.hebbian(ih.random_patterns(int(re.search(r"P=(\d+)", name)[1]), n, rng=disorder))
    a = np.triu(np.random.default_rng(disorder).normal(size=(n, n)) / np.sqrt(n), 1)
    return ih.dense_model(a + a.T)


# --- every route against its exact law -----------------------------------------------------------


def _class_counts(found, final):
    """End states per closed class of ``found`` (an Absorption), last those outside every class."""
    owner = np.full(found.probabilities.shape[0], len(found.attractors))
    for k, members in enumerate(found.attractors):
        owner[members] = k
    return np.bincount(owner[ih.state_index(final)], minlength=len(found.attractors) + 1)


def routes_compute(point, fixed, disorder, thermal, checkpoint):
    """End states of one route from uniform random starts, against its exact distribution."""
    model, route = _net(point["net"], disorder), point["route"]
    n, sweeps = model.n_sites, fixed["mc_sweeps"]
    start_seed, rng = thermal.spawn(2)
    starts = ih.random_spins(fixed["runs"], n, rng=start_seed)
    if route == "metropolis_low_T":
        final = ih.sample(model, starts, T=fixed["low_T"], sweeps=sweeps, record=(), rng=rng).spins
        counts = np.bincount(ih.state_index(final), minlength=2**n)
        return {"p_value": distribution_p_value(counts, ih.boltzmann(model, T=fixed["low_T"]))}
    if route == "permutation" and n > MAX_TAU_SITES:
        return {"p_value": np.nan}  # its exact per-sweep law (all N! orders) is out of reach
    if route in SCHEDULES:
        found = ih.absorption(model, schedule=route, tie="keep")
        final = ih.relax(model, starts, schedule=route, rng=rng).spins
    else:  # T = 0 Monte Carlo on random sites: the zero-field moves are the tie rules
        rule = route.split("_")[0]
        found = ih.absorption(
            model, schedule="random", tie="flip" if rule == "metropolis" else "random"
        )
        final = ih.sample(
            model, starts, T=0.0, rule=rule, schedule="random", sweeps=sweeps, record=(), rng=rng
        ).spins
    reference = np.append(found.probabilities.mean(axis=0), 0.0)  # uniform random starts
    return {"p_value": distribution_p_value(_class_counts(found, final), reference)}


def routes_plot(ds):
    """The p-value of every route on every net."""
    fig, (ax,) = panels(width=4.6, height=3.2)
    where = np.arange(ds.sizes["route"])
    for k, net in enumerate(ds["net"].values):
        ax.plot(
            where + 0.06 * k, ds["p_value"].sel(net=net).squeeze("sample"), "o", ms=4, label=net
        )
    ax.axhline(1e-4, color="k", ls=":", label="p = 10⁻⁴")
    ax.set_xticks(where, ds["route"].values, rotation=30, ha="right", fontsize=7)
    ax.set(
        yscale="log", ylabel="χ² p-value against the exact law", title="end states of every route"
    )
    ax.legend(fontsize=7, ncol=2, loc="lower left")
    return fig


def routes_findings(ds):
    """Every route's χ² test against the exact law, combined."""
    p = ds["p_value"]
    return {
        "route_tests": Number(np.isfinite(p).sum()),
        "route_agreement": combined_p_value(p, "the exact absorption and Boltzmann laws"),
    }


def _routes(nets, runs, sweeps, text):
    fixed = {"runs": runs, "low_T": 0.3, "mc_sweeps": sweeps}
    return Config({"net": nets, "route": ROUTES}, fixed, text, samples=1)


EXACT_ROUTES = ih.Study(
    name="exact_routes",
    description="end states of every zero-T schedule and T = 0 / low-T Monte Carlo against exact laws",
    configs={
        "quick": _routes(NETS["quick"], 2000, 200, "3 nets at N = 8, 21 tests"),
        "full": _routes(NETS["full"], 10000, 500, "7 nets up to N = 16, 49 tests"),
    },
    compute=routes_compute,
    outputs={
        "p_value": Output(
            (),
            "1",
            "chi^2 p-value",
            "end states from uniform random starts against the exact distribution",
        )
    },
    coordinates={
        "net": NET,
        "route": ("1", "route", "zero-T schedule (tie keep), T = 0 or low-T MC"),
    },
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
        ax.errorbar(
            ds["anneal_sweeps"],
            here["residual_energy"],
            here["residual_energy_error"],
            marker="o",
            ms=3,
            capsize=2,
            label=net,
        )
    T_hot, T_cold = json.loads(ds.attrs["fixed_anneal_T"])
    ax.set(
        xscale="log",
        xlabel="annealing length (sweeps)",
        ylabel="residual energy per spin (energy)",
        title=f"geometric annealing, T = {T_hot:g} → {T_cold:g}",
    )
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.legend(fontsize=7, ncol=2)
    return fig


def anneal_findings(ds):
    """The slowest anneal's test, and its runs' ground-state fraction on the net where it is worst."""
    slowest = ds.isel(anneal_sweeps=-1).squeeze("sample")
    worst = int(np.nanargmin(slowest["p_value"].values))
    hardest = float(slowest["ground_fraction"].isel(net=worst))
    T_hot, T_cold = json.loads(ds.attrs["fixed_anneal_T"])
    return {
        "sweeps_longest": Number(ds["anneal_sweeps"].max()),
        "p_smallest": Number(slowest["p_value"].min(), digits=2),
        "T_hot": Number(T_hot),
        "T_cold": Number(T_cold),
        "ground_hardest": Number(hardest, binomial_error(hardest, ds.attrs["fixed_runs"])),
        "ground_exact": Number(slowest["ground_fraction_exact"].isel(net=worst), digits=3),
    }


def _anneal(nets, lengths, runs, text):
    fixed = {"runs": runs, "anneal_T": (3.0, 0.1)}
    return Config({"net": nets, "anneal_sweeps": lengths}, fixed, text, samples=1)


ANNEALING = ih.Study(
    name="annealing",
    description="simulated annealing on enumerable nets: energy left and end states against Boltzmann",
    configs={
        "quick": _anneal(
            NETS["quick"],
            (10, 100, 1000),
            400,
            "3 nets at N = 8",
        ),
        "full": _anneal(NETS["full"], (10, 30, 100, 300, 1000, 3000), 2000, "7 nets up to N = 16"),
    },
    compute=anneal_compute,
    outputs={
        "residual_energy": Output(
            (), "energy", "residual energy", "(H_end - H_ground)/N, mean over runs"
        ),
        "residual_energy_error": Output(
            (), "energy", "error", "standard error over independent runs"
        ),
        "ground_fraction": Output(
            (), "1", "P(ground state)", "fraction of runs ending in a ground state"
        ),
        "ground_fraction_exact": Output(
            (), "1", "exact P(ground state)", "Boltzmann at the final T"
        ),
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
    return {
        "tau_exp": ih.stationary_distribution(matrix)[1],
        "barrier": energy_landscape(model).relaxation_barrier(),
    }


def arrhenius_barrier(T, times, count=3):
    """The slope of ln(time) against 1/T at the ``count`` lowest temperatures."""
    lowest = np.argsort(T)[:count]
    return np.polyfit(1.0 / np.asarray(T)[lowest], np.log(np.asarray(times)[lowest]), 1)[0]


def _arrhenius_line(ax, inverse, times, barrier, colour):
    """Dashed ``t ∝ exp(barrier / T)`` through the measured time at the lowest T that has one."""
    anchor = int(np.nanargmax(np.where(np.isfinite(times), inverse, np.nan)))
    ax.plot(
        inverse,
        times[anchor] * np.exp(barrier * (inverse - inverse[anchor])),
        "--",
        color=colour,
        lw=0.8,
    )


def tau_plot(ds):
    """τ_exp against 1/T beside Arrhenius with the exact barrier."""
    fig, (ax,) = panels(width=4.6, height=3.2)
    inverse = 1.0 / ds["T"].values
    for k, net in enumerate(ds["net"].values):
        here = ds.sel(net=net).squeeze("sample")
        barrier = float(here["barrier"][0])
        fitted = arrhenius_barrier(ds["T"].values, here["tau_exp"].values)
        ax.plot(
            inverse,
            here["tau_exp"],
            "o",
            color=f"C{k}",
            label=f"{net}: fit {fitted:.2f}, exact {barrier:.2f}",
        )
        _arrhenius_line(ax, inverse, here["tau_exp"].values, barrier, f"C{k}")
    ax.set(
        yscale="log",
        xlabel="1/T (1/energy)",
        ylabel="τ_exp (sweeps)",
        title="exact relaxation time; dashed: Arrhenius, exact ΔE",
    )
    ax.legend(fontsize=7)
    return fig


def tau_findings(ds):
    """The Arrhenius barriers fitted to the exact τ_exp against the exact ones."""
    nets = [ds.sel(net=net).squeeze("sample") for net in ds["net"].values]
    fitted = np.array([arrhenius_barrier(ds["T"].values, here["tau_exp"].values) for here in nets])
    exact = np.array([float(here["barrier"][0]) for here in nets])
    first = str(ds["net"].values[0])
    return {
        "exact": Number(exact[0]),
        "fitted": Number(fitted[0], digits=3),
        "patterns": Number(int(re.search(r"P=(\d+)", first)[1])),
        "sites": Number(int(re.search(r"N=(\d+)", first)[1])),
        "T_low": Number(ds["T"].min()),
        "T_high": Number(ds["T"].max()),
        "nets": Number(len(nets)),
        "deviation": Number(100 * np.max(np.abs(fitted / exact - 1)), unit="%", digits=2),
    }


RELAXATION_TIME = ih.Study(
    name="relaxation_time",
    description="exact tau_exp of the Metropolis sweep against T beside Arrhenius with the exact barrier",
    configs={
        "quick": Config(
            {"net": NETS["quick"], "T": (0.35, 0.4, 0.5, 0.6, 0.8)},
            {},
            "3 nets at N = 8",
            samples=1,
            minutes=0.2,
        ),
        "full": Config(
            {
                "net": NETS["full"][:3],
                "T": (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0),
            },
            {},
            f"the nets of N ≤ {MAX_TAU_SITES}: 33 tasks",
            samples=1,
        ),
    },
    compute=tau_compute,
    outputs={
        "tau_exp": Output(
            (), "sweeps", "tau_exp", "exact -1/ln|lambda_2| of the permutation sweep"
        ),
        "barrier": Output(
            (), "energy", "exact barrier", "Landscape.relaxation_barrier of the tree"
        ),
    },
    coordinates={"net": NET},
    disorder_keys=("net",),
    plot=tau_plot,
    findings=tau_findings,
)


# --- heating and a quench at large N -------------------------------------------------------------

CLASSES = ("pattern", "mixture", "spin_glass_or_spurious")


def quench_compute(point, fixed, disorder, thermal, checkpoint):
    """Random and cued starts of one pattern set: Metropolis at T (none at T = 0), then a zero-T quench;
    the classes and energy of the end states, and H/N during the heating from random starts."""
    n, replicas, T = fixed["n_sites"], fixed["replicas"], point["T"]
    patterns, begin_seed, cue_seed = disorder.spawn(3)  # one pattern set and starts at every T
    xi = ih.random_patterns(max(3, round(point["alpha"] * n)), n, rng=patterns)
    model = ih.hebbian(xi)
    starts = [ih.random_spins(replicas, n, rng=begin_seed)] + [
        ih.flip_fraction(np.repeat(xi[:1], replicas, axis=0), noise, rng=seed)
        for noise, seed in zip(fixed["cue_noise"], cue_seed.spawn(len(fixed["cue_noise"])))
    ]
    times = np.asarray(fixed["time"])
    fraction, energy = np.empty((len(starts), len(CLASSES))), np.empty(len(starts))
    heating = np.full(len(times), np.nan)
    for a, (spins, rng) in enumerate(zip(starts, thermal.spawn(len(starts)))):
        if T > 0:
            chain = ih.sample(
                model, spins, T=T, sweeps=fixed["sweeps"], record="energy_per_spin", rng=rng
            )
            spins, rng = chain.spins, chain.rng_state
            if a == 0:
                heating = chain.energy_per_spin[:, times - 1].mean(axis=0)
        final = ih.relax(model, spins, schedule="permutation", rng=rng).spins
        kind = classify_states(final, xi).kind
        pattern = np.isin(kind, ["retrieval", "mirror"])
        fraction[a] = (
            pattern.mean(),
            np.mean(kind == "mixture"),
            np.mean(~pattern & (kind != "mixture")),
        )
        energy[a] = ih.observables.energy_per_spin(model, final).mean()
    return {"end_fraction": fraction, "end_energy": energy, "heating_energy": heating}


def quench_plot(ds):
    """End classes from random starts, and from cues at the largest load, against T."""
    fig, (left, right) = panels(2)
    T = ds["T"]
    for k, alpha in enumerate(ds["alpha"].values):
        for cls, style in (("pattern", "-"), ("mixture", "--")):
            values = ds["end_fraction"].sel(start="random", alpha=alpha, end_class=cls)
            sample_errorbar(left, T, values, ls=style, color=f"C{k}", label=f"{cls}, α = {alpha:g}")
    left.axvline(0.46, color="0.6", ls=":", lw=0.8)
    alpha = ds["alpha"].values.max()
    for start in ds["start"].values[1:]:
        values = ds["end_fraction"].sel(start=start, alpha=alpha, end_class="pattern")
        sample_errorbar(right, T, values, label=f"cue overlap {start.split('_')[1]}")
    left.set(ylabel="fraction of runs", title="random starts; dotted: T₃ = 0.46")
    right.set(ylabel="fraction ending in a pattern", title=f"cued starts, α = {alpha:g}")
    for ax in (left, right):
        ax.set_xlabel("temperature before the quench (energy)")
        ax.legend(fontsize=7)
    return fig


def _quench(n, temperatures, samples, text):
    fixed = {"n_sites": n, "replicas": 16, "sweeps": 200, "cue_noise": (0.2, 0.35)}
    starts = ("random",) + tuple(f"cue_{1 - 2 * noise:g}" for noise in fixed["cue_noise"])
    batch = {
        "start": starts,
        "end_class": CLASSES,
        "time": tuple(int(t) for t in np.unique(np.geomspace(1, 200, 12).astype(int))),
    }
    grid = {"alpha": (0.005, 0.01, 0.05), "T": temperatures}
    return Config(grid, fixed | {"time": batch["time"]}, text, samples=samples, batch=batch)


HEAT_AND_QUENCH = ih.Study(
    name="heat_and_quench",
    description="end states after Metropolis at T and a zero-T quench, random and cued starts, large N",
    configs={
        "quick": _quench(400, (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6), 3, "N = 400"),
        "full": _quench(1000, (0.0, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6), 4, "N = 1000"),
    },
    compute=quench_compute,
    outputs={
        "end_fraction": Output(
            ("start", "end_class"), "1", "fraction of runs", "end states after the quench"
        ),
        "end_energy": Output(
            ("start",), "energy", "energy reached", "H/N after the quench, mean over runs"
        ),
        "heating_energy": Output(
            ("time",),
            "energy",
            "energy during heating",
            "H/N during Metropolis from random starts, mean over runs (NaN at T = 0)",
        ),
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
    model, landscape = ih.hebbian(xi), energy_landscape(ih.hebbian(xi))
    home = np.flatnonzero(landscape.minima == ih.state_index(xi[0]))
    nothing = {
        "escape_time": np.nan,
        "escaped_fraction": 0.0,
        "escape_T": np.nan,
        "barrier": np.nan,
    }
    if len(home) == 0 or len(landscape.minima) < 2:
        return nothing  # ξ¹ is not a local minimum of this draw
    others = np.arange(len(landscape.minima)) != home[0]
    barrier = landscape.barriers()[home[0], others].min() - landscape.energies[home[0]]
    if barrier <= 0:
        return nothing  # a neighbouring minimum of equal energy
    T = barrier / point["ratio"]
    elsewhere = np.zeros(2**n, dtype=bool)
    elsewhere[landscape.minima[others]] = True
    chain = ih.sample(
        model,
        np.repeat(xi[:1], replicas, axis=0),
        T=T,
        sweeps=limit,
        record="snapshots",
        rng=thermal,
    )
    away = elsewhere[ih.state_index(chain.snapshots.reshape(-1, n)).reshape(replicas, limit)]
    first = np.where(away.any(axis=1), np.argmax(away, axis=1) + 1, np.inf)
    escaped = np.isfinite(first).mean()
    return {
        "escape_time": np.median(first) if escaped > 0.5 else np.nan,
        "escaped_fraction": escaped,
        "escape_T": T,
        "barrier": barrier,
    }


def escape_barrier(ds, n_patterns, sample):
    """The slope of ln(median escape time) against 1/T of one net (NaN with fewer than two times)."""
    here = ds.sel(n_patterns=n_patterns, sample=sample)
    usable = np.isfinite(here["escape_time"].values)
    if usable.sum() < 2:
        return np.nan
    T, times = here["escape_T"].values[usable], here["escape_time"].values[usable]
    return arrhenius_barrier(T, times, count=len(T))


def escape_plot(ds):
    """Median escape times against 1/T beside Arrhenius with the exact barrier, every net."""
    fig, (ax,) = panels(width=4.6, height=3.2)
    for k, p in enumerate(ds["n_patterns"].values):
        for s in ds["sample"].values:
            here = ds.sel(n_patterns=p, sample=s)
            if not np.isfinite(here["escape_time"].values).any():
                continue
            inverse, barrier = 1.0 / here["escape_T"].values, float(here["barrier"][0])
            label = f"P = {p}: fit {escape_barrier(ds, p, s):.2f}, exact {barrier:.2f}"
            ax.plot(inverse, here["escape_time"], "os"[s % 2], color=f"C{k}", label=label)
            _arrhenius_line(ax, inverse, here["escape_time"].values, barrier, f"C{k}")
    title = f"N = {ds.attrs['fixed_n_sites']}; dashed: Arrhenius, exact ΔE"
    ax.set(
        yscale="log",
        xlabel="1/T (1/energy)",
        ylabel="median escape time from ξ¹ (sweeps)",
        title=title,
    )
    ax.legend(fontsize=7)
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
        "escape_time": Output(
            (), "sweeps", "median escape time", "sweeps to another local minimum"
        ),
        "escaped_fraction": Output((), "1", "escaped", "chains escaping within the run"),
        "escape_T": Output((), "energy", "temperature", "the exact barrier over the ratio"),
        "barrier": Output((), "energy", "exact barrier", "lowest saddle from xi1 above H(xi1)"),
    },
    coordinates={"ratio": ("1", "barrier / T", "exact barrier over the temperature")},
    disorder_keys=("n_patterns",),  # and the sample: each (P, sample) is one net, every ratio on it
    plot=escape_plot,
)

STUDIES = (EXACT_ROUTES, ANNEALING, RELAXATION_TIME, HEAT_AND_QUENCH, ESCAPE_TIMES)
