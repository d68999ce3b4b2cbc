"""Symmetry breaking by the field θ = −h: every memory ξ has its mirror −ξ until a field picks one.

At h = 0 the Hamiltonian ``H = −½ Σ J_ij s_i s_j`` is invariant under s → −s, so a stored pattern ξ
and its mirror −ξ are equally good memories. A field (uniform, or along ξ) breaks the symmetry, and
so, at T = 0, does the tie rule ``up`` (``s = +1 if φ ≥ θ``), an infinitesimal field. The group's
studies, one experiment each:

* ``exact_mirror`` — small Hebbian nets by enumeration: Boltzmann P(m₁ > 0) and the zero-T basins of
  ξ and −ξ for the deterministic schedules and tie rules as θ runs through zero;
* ``tie_rules`` — the transition graph under tie ``up`` (``down``) at h = 0 against tie ``keep`` at
  h = +ε (−ε), ε below the smallest nonzero |φ|, for every schedule;
* ``curie_weiss_field`` — Monte Carlo m(h) of the single-pattern (Mattis) model from ξ and −ξ, against
  the mean-field branches and the exact finite-N average;
* ``hysteresis`` — field sweeps up and down at T = 0.5: the coercive field against the spinodal;
* ``finite_size`` — reweighted susceptibility and Binder cumulant near T_c = 1 against the exact sums;
* ``hopfield_field`` — P > 1: where runs end from random starts and from a cue near −ξ¹, against h;
* ``biased_patterns`` — recall of patterns of mean activity a against a uniform θ, Hebb's and the
  covariance rule.
"""

import numpy as np
from scipy.special import gamma

import isinghop as ih
from isinghop.exact.transitions import transition_graph
from isinghop.observables import classify_states
from isinghop.runtime import Config, Output
from isinghop.stats.finite_size import curves_crossing, disorder_average
from isinghop.stats.report import Claim, Number, agreement, chi2_agreement, mean_error
from isinghop.stats.reweighting import histograms
from isinghop.theory import meanfield
from isinghop.viz.figures import panels, sample_band, sample_errorbar
from isinghop.vocabulary import SCHEDULES


def _mattis(n, seed):
    xi = ih.random_patterns(1, n, rng=seed)
    return xi[0], ih.hebbian(xi)


# --- exact nets ----------------------------------------------------------------------------------
TIES, DETERMINISTIC = ("keep", "flip", "up", "down"), ("synchronous", "sequential")
BASIN_DIMS = ("schedule", "tie", "field_kind", "theta_N", "target")


def exact_compute(point, fixed, disorder, thermal, checkpoint):
    """Enumerate one net: P(m₁ ≷ 0) at T and the basins of ξ, −ξ for each field direction and θ."""
    n = point["n_sites"]
    xi = ih.random_patterns(point["n_patterns"], n, rng=disorder)
    model, theta_n = ih.hebbian(xi), np.asarray(fixed["theta_N"], dtype=np.float64)
    m1 = ih.state_spins(np.arange(2**n), n) @ xi[0].astype(np.int64) / n
    plus, minus = np.empty((2, len(theta_n))), np.empty((2, len(theta_n)))
    basin = np.empty((len(DETERMINISTIC), len(TIES), 2, len(theta_n), 2))
    pair = np.array([xi[0], -xi[0]])
    for f, direction in enumerate((np.ones(n), xi[0].astype(np.float64))):  # uniform, along ξ
        for t, theta in enumerate(theta_n / n):
            tilted = model.with_field(theta=theta * direction)
            weights = ih.boltzmann(tilted, T=fixed["T"])
            plus[f, t], minus[f, t] = weights[m1 > 0].sum(), weights[m1 < 0].sum()
            for s, schedule in enumerate(DETERMINISTIC):
                for r, tie in enumerate(TIES):
                    basin[s, r, f, t] = ih.basin_fractions(tilted, pair, schedule=schedule, tie=tie)
    return {"boltzmann_plus": plus, "boltzmann_minus": minus, "basin": basin}


def exact_plot(ds):
    """Boltzmann P(m₁ > 0) and the basin difference of ξ and −ξ against Nθ."""
    fig, (left, right) = panels(2)
    theta, big = ds["theta_N"], int(ds["n_sites"].max())
    for p in ds["n_patterns"].values:
        for kind, style in (("uniform", "-"), ("pattern", "--")):
            plus = ds["boltzmann_plus"].sel(n_patterns=p, n_sites=big, field_kind=kind)
            sample_band(left, theta, plus, ls=style, color=f"C{p}", label=f"P = {p}, {kind}")
    n = next(n for n in ds["n_sites"].values[::-1] if (n - 1) % 2 == 0)  # P = 1: zero fields
    basin = ds["basin"].sel(n_sites=n, n_patterns=1, field_kind="pattern")
    gap = basin.sel(target="xi") - basin.sel(target="mirror")
    for k, tie in enumerate(TIES):  # markers shrink with k: rules that agree stay visible
        for schedule, style in zip(DETERMINISTIC, ("-", ":")):
            label = tie if schedule == "synchronous" else None
            here, mark = gap.sel(tie=tie, schedule=schedule), dict(marker="os^v"[k], ms=7 - 1.5 * k)
            sample_band(
                right, theta, here, ls=style, color=f"C{k}", mfc="none", **mark, label=label
            )
    left.set(xlabel="N θ (energy)", ylabel="P(m₁ > 0), exact Boltzmann")
    left.set_title(f"T = {ds.attrs['fixed_T']}; N = {big}")
    right.set(xlabel="N θ, θ along ξ (energy)", ylabel="basin(ξ) − basin(−ξ)")
    right.set_title(f"P = 1, N = {n}")
    left.legend()
    right.legend(loc="lower left", title="tie (dotted: sequential)")
    return fig


def _exact(patterns, sizes, theta_n, samples, minutes, text):
    theta_n = tuple(-t for t in theta_n[::-1]) + (0,) + theta_n  # the positive Nθ, mirrored
    batch = dict(field_kind=("uniform", "pattern"), theta_N=theta_n, schedule=DETERMINISTIC)
    batch |= dict(tie=TIES, target=("xi", "mirror"))
    grid = {"n_patterns": patterns, "n_sites": sizes}
    return Config(grid, {"T": 0.5}, text, samples=samples, batch=batch, minutes=minutes)


EXACT = ih.Study(
    name="exact_mirror",
    description="exact nets: Boltzmann P(m > 0), zero-T basins of xi and -xi as theta passes 0",
    configs={
        "quick": _exact((1, 3), (11, 12), (0.5, 1), 2, 0.2, "4 nets × 2 samples, N ≤ 12"),
        "full": _exact((1, 2, 3), (12, 13), (0.25, 0.5, 1, 2), 6, None, "6 nets × 6 samples"),
    },
    compute=exact_compute,
    outputs={
        "boltzmann_plus": Output(("field_kind", "theta_N"), "1", "P(m1 > 0)", "exact Boltzmann"),
        "boltzmann_minus": Output(("field_kind", "theta_N"), "1", "P(m1 < 0)", "exact Boltzmann"),
        "basin": Output(BASIN_DIMS, "1", "zero-T basin", "fraction of 2^N starts ending at target"),
    },
    coordinates={
        "field_kind": ("1", "field direction", "uniform, or along xi: theta_i = theta xi_i"),
        "theta_N": ("energy", "N theta", "threshold times N"),
        "target": ("1", "target", "xi or its mirror -xi"),
    },
    plot=exact_plot,
)


# --- tie rules as infinitesimal fields -----------------------------------------------------------
def ties_compute(point, fixed, disorder, thermal, checkpoint):
    """Transition graphs of one random net: tie up/down at h = 0 against keep at h = ±ε."""
    n = point["n_sites"]
    model = ih.hebbian(ih.random_patterns(point["n_patterns"], n, rng=disorder))
    raw = model.couplings.raw_fields(ih.state_spins(np.arange(2**n), n))
    epsilon = 0.5 * np.abs(raw[raw != 0]).min() / model.couplings.scale  # below every |φ| > 0
    same, edges = np.zeros((len(SCHEDULES), 2), bool), np.zeros((len(SCHEDULES), 2), int)
    for s, schedule in enumerate(SCHEDULES):
        for d, sign in enumerate((1.0, -1.0)):
            tied = transition_graph(model, schedule=schedule, tie=fixed["tie"][d])
            tilted = model.with_field(h=sign * epsilon)
            field = transition_graph(tilted, schedule=schedule, tie="keep")
            same[s, d] = dict(tied.edges.items()) == dict(field.edges.items())
            edges[s, d] = tied.number_of_edges()
    return {"graphs_identical": same, "graph_edges": edges, "zero_fields": (raw == 0).any()}


def ties_plot(ds):
    """Fraction of nets with zero fields whose tie-rule graph is the infinitesimal field's."""
    fig, (ax,) = panels()
    identical = ds["graphs_identical"].where(ds["zero_fields"])
    where = np.arange(ds.sizes["schedule"])
    for d, tie in enumerate(ds["tie"].values):
        fraction = identical.sel(tie=tie).mean(("n_sites", "n_patterns", "sample"))
        sign = "+" if tie == "up" else "−"
        ax.bar(where + 0.4 * d, fraction, width=0.38, label=f"{tie} at h = 0 vs keep at {sign}ε")
    ax.set_xticks(where + 0.2, ds["schedule"].values, fontsize=7, rotation=20)
    title = f"{int(ds['zero_fields'].sum())} nets, zero fields"
    ax.set(ylim=(0, 1.3), ylabel="fraction with identical graphs", title=title)
    ax.legend(loc="upper center")
    return fig


def ties_findings(ds):
    """The paper's claim: every graph of a net with zero fields is an infinitesimal field's."""
    same = ds["graphs_identical"].values[ds["zero_fields"].values]
    what = "transition graphs (nets with zero fields × schedules × signs) are identical to those"
    text = f"{same.sum()} of the {same.size} {what} of an infinitesimal field"
    return {"tie_graphs": Claim(bool(same.all()), text)}


def _ties(sizes, samples, text):
    grid = {"n_sites": sizes, "n_patterns": (1, 2, 3)}
    batch = {"schedule": SCHEDULES, "tie": ("up", "down")}
    return Config(grid, {}, text, samples=samples, batch=batch)


TIE_RULES = ih.Study(
    name="tie_rules",
    description="tie rules up and down at h = 0 against keep at an infinitesimal field",
    configs={
        "quick": _ties((4, 5, 6, 7), 2, "24 nets, N ≤ 7"),
        "full": _ties((5, 6, 7, 8, 9), 3, "45 nets, N ≤ 9"),
    },
    compute=ties_compute,
    outputs={
        "graphs_identical": Output(("schedule", "tie"), "1", "same graph", "at h = 0 and h = ±ε"),
        "graph_edges": Output(("schedule", "tie"), "1", "edges", "edges of the transition graph"),
        "zero_fields": Output((), "1", "zero fields", "some state has a site with local field 0"),
    },
    plot=ties_plot,
    findings=ties_findings,
)


# --- Curie–Weiss m(h) ----------------------------------------------------------------------------
BRANCH_DIMS = ("T", "h_curve", "branch")


def cw_compute(point, fixed, disorder, thermal, checkpoint):
    """Metropolis from ξ and −ξ at each T, field h along ξ: the mean overlap after burn-in."""
    xi, model = _mattis(point["n_sites"], disorder)
    T, sweeps = np.asarray(fixed["T"], dtype=np.float64), fixed["sweeps"]
    starts = np.array([xi, -xi]).repeat(len(T), axis=0)  # ξ at every T, then −ξ
    run = dict(T=np.tile(T, 2), sweeps=sweeps, burn_in=sweeps, record="overlaps", rng=thermal)
    chain = ih.sample(model.with_field(h=point["field"] * xi), starts, **run)
    return {"overlap": chain.overlaps[:, :, 0].mean(axis=1).reshape(2, len(T)).T}


def cw_theory(config):
    """Mean-field branches of m = tanh((m + h)/T) and the exact finite-N average, on a fine h grid."""
    field = config.grid["field"]
    T, h = np.asarray(config.batch["T"])[:, None], np.linspace(min(field), max(field), 241)
    branches = meanfield.curie_weiss(T, h)
    exact = [meanfield.curie_weiss_finite(n, T, h).magnetisation for n in config.grid["n_sites"]]
    return {
        "h_curve": ("h_curve", h),
        "branch_m": (BRANCH_DIMS, branches.m),
        "branch_stable": (BRANCH_DIMS, branches.stable),
        "exact_m": (("n_sites", "T", "h_curve"), exact),
    }


def cw_plot(ds):
    """m(h) of the largest N from both mirror states beside mean field and the exact finite-N curve."""
    fig, (ax,) = panels(width=4.0, height=3.4)
    n, h = ds["n_sites"].max(), ds["h_curve"]
    for k, T in enumerate(ds["T"].values):
        for start, face in (("xi", f"C{k}"), ("mirror", "none")):
            overlap = ds["overlap"].sel(n_sites=n, T=T, start=start)
            label = f"T = {T:g}" if start == "xi" else None
            sample_errorbar(ax, ds["field"], overlap, ls="", color=f"C{k}", mfc=face, label=label)
        m, stable = ds["branch_m"].sel(T=T), ds["branch_stable"].sel(T=T).astype(bool)
        ax.plot(h, m.where(stable), "-", h, m.where(~stable), ":", color=f"C{k}", lw=1)
        ax.plot(h, ds["exact_m"].sel(n_sites=n, T=T), "--", color=f"C{k}", lw=0.8, alpha=0.6)
    title = f"N = {int(n)}; open symbols: start at −ξ\ndotted: unstable branch; dashed: exact"
    ax.set(xlabel="field h along ξ (energy)", ylabel="overlap m", title=title)
    ax.legend(loc="lower right")
    return fig


def _cw(sizes, fields, samples, text):
    grid = {"n_sites": sizes, "field": tuple(np.round(np.linspace(-0.3, 0.3, fields), 4))}
    batch = {"T": (0.5, 0.8, 1.0, 1.5), "start": ("xi", "mirror")}
    return Config(grid, {"sweeps": 300}, text, samples=samples, batch=batch)


CURIE_WEISS_FIELD = ih.Study(
    name="curie_weiss_field",
    description="Curie-Weiss m(h) by Metropolis from xi and -xi against mean field and exact N",
    configs={
        "quick": _cw((100, 400), 9, 2, "N ≤ 400"),
        "full": _cw((100, 1000, 10000), 17, 4, "N ≤ 10^4"),
    },
    compute=cw_compute,
    theory=cw_theory,
    outputs={
        "overlap": Output(("T", "start")),
        "branch_m": Output(BRANCH_DIMS, "1", "mean-field m", "m = tanh((m + h)/T)", True),
        "branch_stable": Output(BRANCH_DIMS, "1", "stable", "a local minimum", True),
        "exact_m": Output(("n_sites", "T", "h_curve"), "1", "exact <m>", "binomial sum", True),
    },
    coordinates={
        "start": ("1", "start", "chains started in xi or in -xi"),
        "branch": ("1", "branch", "ascending; NaN where absent"),
        "h_curve": ("energy", "field h", "fine grid of the theory"),
    },
    plot=cw_plot,
)


# --- hysteresis ----------------------------------------------------------------------------------
def hysteresis_compute(point, fixed, disorder, thermal, checkpoint):
    """One loop: the field rises from −h_max to h_max from −ξ, then falls back."""
    xi, model = _mattis(point["n_sites"], disorder)
    h = np.asarray(fixed["field"])
    run = dict(T=fixed["T"], sweeps_per_field=point["sweeps_per_field"], along=xi)
    rising = ih.sweep_field(model, -xi, fields=h, rng=thermal, **run)
    falling = ih.sweep_field(model, rising, fields=h[::-1], **run)
    return {
        "overlap": [rising.order_parameter, falling.order_parameter[::-1]],
        "coercive_field": [rising.coercive_fields(), -falling.coercive_fields()],
    }


def hysteresis_theory(config):
    m_sp, h_sp = meanfield.curie_weiss_spinodal(config.fixed["T"])
    return {"spinodal_field": ((), h_sp), "spinodal_overlap": ((), m_sp)}


def hysteresis_plot(ds):
    """Loops of the largest N at each sweep rate; the coercive field against N beside h_sp."""
    fig, (left, right) = panels(2)
    n, step, h_sp = ds["n_sites"].max(), ds.attrs["fixed_step"], float(ds["spinodal_field"])
    for k, sweeps in enumerate(ds["sweeps_per_field"].values):
        loop = ds["overlap"].sel(n_sites=n, sweeps_per_field=sweeps).mean("sample")
        left.plot(ds["field"], loop.T, color=f"C{k}", lw=1, label=[f"{step / sweeps:.1e}", None])
        h_c = abs(ds["coercive_field"].sel(sweeps_per_field=sweeps)).mean("direction")
        sample_errorbar(right, ds["n_sites"], h_c, color=f"C{k}")
    for x in (-h_sp, h_sp):
        left.axvline(x, color="k", ls=":", lw=0.8)
    right.axhline(h_sp, color="k", ls=":", lw=0.8)
    title = f"N = {int(n)}, T = {ds.attrs['fixed_T']}"
    left.set(xlabel="field h along ξ (energy)", ylabel="overlap m", title=title)
    right.set(xscale="log", xlabel="N", ylabel="coercive field (energy)")
    right.set_title("colours as left; dotted: h_sp")
    right.set_xticks(ds["n_sites"].values, [f"{n:g}" for n in ds["n_sites"].values], minor=False)
    right.minorticks_off()
    left.legend(title="field step per sweep")
    return fig


def hysteresis_findings(ds):
    """The coercive field of the largest N at the slowest rate beside the spinodal field."""
    slowest = ds["sweeps_per_field"].max()
    slow = ds["coercive_field"].sel(n_sites=ds["n_sites"].max(), sweeps_per_field=slowest)
    return {
        "sites": Number(ds["n_sites"].max()),
        "T": Number(ds.attrs["fixed_T"]),
        "rate": Number(ds.attrs["fixed_step"] / slowest),
        "coercive_field": mean_error(abs(slow).mean("direction")),
        "spinodal_field": Number(ds["spinodal_field"]),
    }


def _loop(sizes, rates, step, h_max, samples, text):
    fields = tuple(np.round(np.arange(-h_max, h_max + step / 2, step), 6))
    fixed = {"T": 0.5, "step": step, "field": fields}
    batch = {"direction": ("up", "down"), "field": fields}
    grid = {"n_sites": sizes, "sweeps_per_field": rates}
    return Config(grid, fixed, text, samples=samples, batch=batch)


HYSTERESIS = ih.Study(
    name="hysteresis",
    description="Curie-Weiss hysteresis at T = 0.5: coercive field against N and sweep rate",
    configs={
        "quick": _loop((100, 400), (1, 10), 0.01, 0.4, 4, "N ≤ 400"),
        "full": _loop((100, 1000, 10000), (1, 10, 100), 0.0025, 0.35, 8, "N ≤ 10^4"),
    },
    compute=hysteresis_compute,
    theory=hysteresis_theory,
    outputs={
        "overlap": Output(("direction", "field"), description="overlap with xi, mean over a step"),
        "coercive_field": Output(("direction",), "energy", "coercive field", "|h| where m = 0"),
        "spinodal_field": Output((), "energy", "h_sp", "mean field: m_sp - T artanh m_sp", True),
        "spinodal_overlap": Output((), "1", "m_sp", "mean field: sqrt(1 - T)", True),
    },
    coordinates={
        "sweeps_per_field": ("sweeps", "sweeps per field step", "sweeps at each field"),
        "direction": ("1", "branch", "field rising, or falling"),
    },
    plot=hysteresis_plot,
    findings=hysteresis_findings,
)


# --- finite-size scaling -------------------------------------------------------------------------
SCALED = ("n_sites", "scaled_T")


def fss_compute(point, fixed, disorder, thermal, checkpoint):
    """Chains at T = 1 + x/√N from ξ, reweighted onto the fine scaled grid; the χ peak."""
    n, sweeps = point["n_sites"], fixed["sweeps"]
    xi, model = _mattis(n, disorder)
    T = 1.0 + np.asarray(fixed["sampled_x"]) / np.sqrt(n)
    run = dict(T=T, sweeps=sweeps, burn_in=sweeps // 10, record=("energy_per_spin", "overlaps"))
    chain = ih.sample(model, np.tile(xi, (len(T), 1)), rng=thermal, **run)
    hist = histograms(chain.energy_per_spin, chain.overlaps[:, :, 0], T=T, n_sites=n)
    curves = hist.reweight(1.0 + np.asarray(fixed["scaled_T"]) / np.sqrt(n))
    peak = hist.susceptibility_peak(T.min(), T.max())
    found = {"binder": curves.binder, "susceptibility": curves.susceptibility}
    return found | {"peak_T": peak.T, "peak_height": peak.height}


def fss_theory(config):
    """Exact binomial U₄ and χ on the scaled grid, the χ peak and the crossing with the next size."""
    x, sizes = np.asarray(config.batch["scaled_T"]), config.grid["n_sites"]
    exact = [meanfield.curie_weiss_finite(n, 1.0 + x / np.sqrt(n)) for n in sizes]
    fine = np.linspace(x.min(), x.max(), 20001)
    chi = [meanfield.curie_weiss_finite(n, 1.0 + fine / np.sqrt(n)).susceptibility for n in sizes]
    peaks = [1 + fine[np.argmax(c)] / np.sqrt(n) for n, c in zip(sizes, chi)]
    pairs = zip(sizes[:-1], sizes[1:])
    crossing = [meanfield.curie_weiss_binder_crossing(*pair) for pair in pairs] + [(np.nan,) * 2]
    return {
        "binder_exact": (SCALED, [e.binder for e in exact]),
        "susceptibility_exact": (SCALED, [e.susceptibility for e in exact]),
        "peak_T_exact": ("n_sites", peaks),
        "crossing_T_exact": ("n_sites", [c[0] for c in crossing]),
        "crossing_binder_exact": ("n_sites", [c[1] for c in crossing]),
    }


def binder_crossing(ds, small, large):
    """The crossing of the sample-mean U₄ curves of two sizes against T, with its jackknife error."""
    T = [1.0 + ds["scaled_T"] / np.sqrt(n) for n in (small, large)]
    U = [ds["binder"].sel(n_sites=n) for n in (small, large)]
    return Number(*curves_crossing(T[0], U[0], T[1], U[1]))


def fss_plot(ds):
    """U₄ against (T − 1)√N beside the exact curves; the shift of the χ peak and the crossings."""
    fig, (left, right) = panels(2)
    sizes, every_fourth = ds["n_sites"].values, ds["scaled_T"][::4]
    for k, n in enumerate(sizes):
        exact = ds["binder_exact"].sel(n_sites=n)
        left.plot(ds["scaled_T"], exact, lw=1, color=f"C{k}", label=f"N = {n}")
        binder = ds["binder"].sel(n_sites=n, scaled_T=every_fourth)
        sample_errorbar(left, every_fourth, binder, ls="", color=f"C{k}")
    star = 1.0 - gamma(0.25) ** 2 / (12.0 * gamma(0.75) ** 2)
    left.axhline(star, color="k", ls=":", lw=0.8, label="U₄* (N → ∞)")
    left.set(xlabel="(T − 1) √N", ylabel="Binder cumulant U₄", title="points: MC; lines: exact")
    sample_errorbar(right, sizes, 1.0 - ds["peak_T"], ls="", label="χ peak, MC")
    right.plot(sizes, 1.0 - ds["peak_T_exact"], "-x", color="C0", lw=1, label="χ peak, exact")
    pairs = list(zip(sizes[:-1], sizes[1:]))
    crossings = [binder_crossing(ds, *pair) for pair in pairs]
    middle = np.sqrt(np.prod(pairs, axis=1))
    shift, error = [1 - c.value for c in crossings], [c.error for c in crossings]
    right.errorbar(middle, shift, error, fmt="s", ms=3, capsize=2, label="U₄ crossing, MC")
    exact = 1.0 - ds["crossing_T_exact"].values[:-1]
    right.plot(middle, exact, "-x", color="C1", lw=1, label="U₄ crossing, exact")
    right.set(xscale="log", yscale="log", ylabel="1 − T (energy)")
    right.set_xlabel("N (pairs: geometric mean)")
    for ax in (left, right):
        ax.legend()
    return fig


def fss_findings(ds):
    """The χ peak temperatures against the exact ones, and the crossing of the two smallest sizes."""
    small, large = ds["n_sites"].values[:2]
    crossing = binder_crossing(ds, small, large)
    exact = float(ds["crossing_T_exact"].sel(n_sites=small))
    mean, error = disorder_average(ds["peak_T"], replica_dim=None)
    peaks = chi2_agreement(mean, error, ds["peak_T_exact"], "the exact peak temperatures")
    return {
        "peak_agreement": peaks,
        "crossing_T": crossing,
        "crossing_T_exact": Number(exact),
        "crossing_small": Number(small),
        "crossing_large": Number(large),
        "crossing_agreement": agreement(crossing, exact, "the exact crossing"),
    }


def _fss(sizes, samples, sweeps, minutes, text):
    fixed = {"sampled_x": (-2.5, -1.75, -1.0, -0.25, 0.5), "sweeps": sweeps}
    batch = {"scaled_T": tuple(np.round(np.linspace(-2.5, 0.5, 41), 4))}
    return Config({"n_sites": sizes}, fixed, text, samples=samples, batch=batch, minutes=minutes)


FINITE_SIZE = ih.Study(
    name="finite_size",
    description="Curie-Weiss near T_c, reweighted: chi peak and Binder crossings against exact",
    configs={
        "quick": _fss((64, 256), 4, 10000, 0.3, "N ≤ 256"),
        "full": _fss((100, 316, 1000, 3162, 10000), 8, 80000, None, "N ≤ 10^4"),
    },
    compute=fss_compute,
    theory=fss_theory,
    outputs={
        "binder": Output(("scaled_T",), "1", "U4", "Binder cumulant, reweighted"),
        "susceptibility": Output(("scaled_T",), "1/energy", "chi", "N (<m^2> - <|m|>^2)/T"),
        "peak_T": Output((), "energy", "T of the chi peak", "reweighted maximum of chi(T)"),
        "peak_height": Output((), "1/energy", "chi at the peak", "reweighted maximum of chi(T)"),
        "binder_exact": Output(SCALED, "1", "exact U4", "binomial sum", True),
        "susceptibility_exact": Output(SCALED, "1/energy", "exact chi", "", True),
        "peak_T_exact": Output(("n_sites",), "energy", "exact T of the chi peak", "", True),
        "crossing_T_exact": Output(("n_sites",), "energy", "exact crossing T", "with next N", True),
        "crossing_binder_exact": Output(("n_sites",), "1", "exact U4 at the crossing", "", True),
    },
    coordinates={"scaled_T": ("1", "(T - 1) sqrt(N)", "scaled distance from T_c = 1")},
    plot=fss_plot,
    findings=fss_findings,
)


# --- Hopfield with P > 1 -------------------------------------------------------------------------
CLASSES = ("xi1", "mirror_xi1", "other_pattern", "mixture", "spin_glass", "paramagnet", "other")


def hopfield_compute(point, fixed, disorder, thermal, checkpoint):
    """Where runs end from random starts and from a cue near −ξ¹, at T and a field h along ξ¹
    (the patterns and starts of a sample are the same at every T and h)."""
    n, replicas, T = fixed["n_sites"], fixed["replicas"], point["T"]
    patterns, starts, cues = disorder.spawn(3)
    xi = ih.random_patterns(max(2, round(fixed["alpha"] * n)), n, rng=patterns)
    model = ih.hebbian(xi).with_field(h=point["field"] * xi[0])
    cue = ih.flip_fraction(np.repeat(-xi[:1], replicas, axis=0), fixed["noise"], rng=cues)
    initial = [ih.random_spins(replicas, n, rng=starts), cue]
    fraction, overlap = np.empty((2, len(CLASSES))), np.empty(2)
    for a, (spins, rng) in enumerate(zip(initial, thermal.spawn(2))):
        if T == 0:
            final = ih.relax(model, spins, rng=rng).spins
        else:
            final = ih.sample(model, spins, T=T, sweeps=fixed["sweeps"], record=(), rng=rng).spins
        found = classify_states(final, xi)
        kind, first = found.kind, found.pattern == 0
        kind = np.where(np.isin(kind, ["retrieval", "mirror"]), "other_pattern", kind)
        label = np.where(first & (found.kind == "retrieval"), "xi1", kind)
        label = np.where(first & (found.kind == "mirror"), "mirror_xi1", label)
        fraction[a] = [np.mean(label == c) for c in CLASSES]
        overlap[a] = found.overlaps[:, 0].mean()
    return {"fraction": fraction, "overlap": overlap}


def hopfield_plot(ds):
    """Classes of the end states against h at the lowest T, from random starts and a cue near −ξ¹."""
    fig, axes = panels(2)
    T = ds["T"].min()
    for ax, start in zip(axes, ds["start"].values):
        for label in ("xi1", "mirror_xi1", "other_pattern", "mixture", "spin_glass"):
            fraction = ds["fraction"].sel(start=start, T=T, state_class=label)
            sample_errorbar(ax, ds["field"], fraction, label=label)
        title = f"{start.replace('_', ' ')} starts, T = {T:g}"
        ax.set(xlabel="field h along ξ¹ (energy)", ylabel="fraction of runs", title=title)
    axes[0].legend()
    return fig


def _hopfield(temperatures, fields, n, sweeps, samples):
    fixed = {"n_sites": n, "sweeps": sweeps, "alpha": 0.05, "replicas": 16, "noise": 0.2}
    batch = {"start": ("random", "mirror_cue"), "state_class": CLASSES}
    grid = {"T": temperatures, "field": fields}
    return Config(grid, fixed, f"N = {n}", samples=samples, batch=batch)


HOPFIELD_FIELD = ih.Study(
    name="hopfield_field",
    description="P > 1: a field along xi1 selects xi1 over -xi1; end states against h",
    configs={
        "quick": _hopfield((0.0, 0.3), (-0.2, 0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0), 200, 100, 3),
        "full": _hopfield(
            (0.0, 0.2, 0.4), (-0.2, 0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0), 1000, 200, 6
        ),
    },
    compute=hopfield_compute,
    outputs={
        "fraction": Output(("start", "state_class"), "1", "fraction of runs", "end states"),
        "overlap": Output(("start",), "1", "overlap m1", "with xi1, mean over replicas"),
    },
    coordinates={
        "start": ("1", "start", "random spins, or -xi1 with sites flipped"),
        "state_class": ("1", "final state", "observables.classify_states"),
    },
    disorder_keys=(),
    plot=hopfield_plot,
)


# --- biased patterns -----------------------------------------------------------------------------
def _recall(model, cues, xi, theta):
    """Centred overlap Σ_i (ξ_i − ā) s_i / (N (1 − ā²)) after sequential zero-T recall."""
    final = ih.relax(model.with_field(theta=theta), cues, schedule="sequential").spins
    mean = xi.mean()
    centred = (final @ xi.astype(np.int64) - mean * final.sum(axis=1)) / (len(xi) * (1 - mean**2))
    return centred.mean()


def biased_compute(point, fixed, disorder, thermal, checkpoint):
    """Recall of one biased pattern set against a uniform θ around θ_c = ⟨a Σ_j J_ij⟩, and with the
    named thresholds, for Hebb's and the covariance rule."""
    n, a, offsets = fixed["n_sites"], point["bias"], np.asarray(fixed["theta_offset"])
    xi = ih.random_patterns(max(1, round(point["alpha"] * n)), n, bias=a, rng=disorder)
    cues = np.repeat(xi[:1], fixed["replicas"], axis=0)
    cues = ih.flip_fraction(cues, fixed["noise"], rng=thermal)
    out = {"recall_scan": [], "recall_named": [], "theta_centre": [], "best_theta": []}
    for model in (ih.hebbian(xi), ih.covariance_rule(xi, a)):
        mean_field = a * ih.local_fields(model, np.ones(n, dtype=np.int8))  # θ_i = a Σ_j J_ij
        centre = mean_field.mean()
        scan = np.array([_recall(model, cues, xi[0], centre + d) for d in offsets])
        good = offsets[scan >= scan.max() - 0.01]  # the best θ: the middle of the plateau
        out["recall_scan"].append(scan)
        out["recall_named"].append([_recall(model, cues, xi[0], t) for t in (mean_field, centre)])
        out["theta_centre"].append(centre)
        out["best_theta"].append(centre + 0.5 * (good.min() + good.max()))
    return out


def biased_plot(ds):
    """Recall against θ at the lowest load; the best θ against a beside the signal estimates."""
    fig, (left, right) = panels(2)
    low, a = ds["alpha"].min(), ds["bias"].values
    for k, bias in enumerate(a):
        for rule, style in (("hebbian", "--"), ("covariance_rule", "-")):
            here = ds.sel(learning_rule=rule, bias=bias, alpha=low)
            theta = ds["theta_offset"] + float(here["theta_centre"].mean())
            label = f"a = {bias:g}" if rule == "hebbian" else None
            sample_band(left, theta, here["recall_scan"], ls=style, color=f"C{k}", label=label)
    left.set(xlim=(-2, 2), xlabel="uniform θ (energy)", ylabel="recall (centred overlap)")
    left.set_title(f"α = {low:g}; Hebb dashed, covariance solid")
    fine = np.linspace(a.min(), a.max(), 50)
    for k, alpha in enumerate(ds["alpha"].values):
        for rule, face in (("hebbian", "none"), ("covariance_rule", f"C{k}")):
            best = ds["best_theta"].sel(learning_rule=rule, alpha=alpha)
            label = f"α = {alpha:g}" if rule == "hebbian" else None
            sample_errorbar(right, a, best, ls="", color=f"C{k}", mfc=face, label=label)
        hebb = (round(alpha * ds.attrs["fixed_n_sites"]) - 1) * fine**3
        right.plot(fine, hebb, "--", color=f"C{k}", lw=0.8)
    right.plot(fine, -fine * (1 - fine**2), "k-", lw=0.8, label="−a(1 − a²)")
    right.set(xlabel="pattern activity a", ylabel="best uniform θ (energy)")
    right.set_title("dashed: (P − 1)a³ (Hebb, open)")
    left.legend(loc="upper left")
    right.legend()
    return fig


def biased_findings(ds):
    """Recall at the second-largest activity and the middle load: Hebb with the site-dependent and
    the uniform mean-field threshold, the covariance rule with the uniform one."""
    named = ds["recall_named"].sel(bias=ds["bias"][-2], alpha=ds["alpha"][ds.sizes["alpha"] // 2])
    hebb = named.sel(learning_rule="hebbian")
    covariance = named.sel(learning_rule="covariance_rule")
    return {
        "a": Number(named["bias"]),
        "alpha": Number(named["alpha"]),
        "noise": Number(ds.attrs["fixed_noise"]),
        "samples": Number(ds.sizes["sample"]),
        "hebb_site": mean_error(hebb.sel(named_theta="mean_field")),
        "hebb_uniform": mean_error(hebb.sel(named_theta="mean_field_constant")),
        "covariance_uniform": mean_error(covariance.sel(named_theta="mean_field_constant")),
    }


def _biased(n, loads, theta, samples, replicas):
    offsets = tuple(np.round(np.linspace(-1.5, 1.5, theta), 6))
    batch = {"learning_rule": ("hebbian", "covariance_rule")}
    batch |= {"named_theta": ("mean_field", "mean_field_constant"), "theta_offset": offsets}
    fixed = {"n_sites": n, "replicas": replicas, "noise": 0.1}
    grid = {"bias": (0.0, 0.2, 0.4, 0.6), "alpha": loads}
    return Config(grid, fixed, f"N = {n}", samples=samples, batch=batch)


BIASED_PATTERNS = ih.Study(
    name="biased_patterns",
    description="patterns of mean activity a: recall against a uniform theta, Hebb and covariance",
    configs={
        "quick": _biased(400, (0.02, 0.05), 31, 3, 8),
        "full": _biased(1000, (0.01, 0.03, 0.05), 81, 8, 16),
    },
    compute=biased_compute,
    outputs={
        "recall_scan": Output(("learning_rule", "theta_offset"), "1", "recall", "centred overlap"),
        "recall_named": Output(("learning_rule", "named_theta"), "1", "recall", "centred overlap"),
        "theta_centre": Output(("learning_rule",), "energy", "θ_c", "site mean of a Σ_j J_ij"),
        "best_theta": Output(("learning_rule",), "energy", "best θ", "middle of recall plateau"),
    },
    coordinates={
        "bias": ("1", "activity a", "mean of every pattern entry"),
        "theta_offset": ("energy", "theta - theta_c", "uniform threshold"),
        "named_theta": ("1", "threshold", "a sum_j J_ij per site, or its site average theta_c"),
    },
    plot=biased_plot,
    findings=biased_findings,
)

STUDIES = (
    EXACT,
    TIE_RULES,
    CURIE_WEISS_FIELD,
    HYSTERESIS,
    FINITE_SIZE,
    HOPFIELD_FIELD,
    BIASED_PATTERNS,
)
