"""The graded neuron and the graded-response network (:mod:`isinghop.theory.graded`). The group:

* ``graded_neuron`` — one unit τ dv/dt = −v + tanh(h + λv): end states of the flow on the
  supercritical pitchfork at λ = 1 (imperfect at h ≠ 0); for λ > 1 a one-bit memory, switched by
  pulses stronger than the coercive input λ h_sp(T = 1/λ) (v = tanh(λ(v + h/λ)) is Curie–Weiss at
  T = 1/λ) and left alone by weaker ones;
* ``graded_spectrum`` — λ_max of Hebbian J (zero diagonal) against α beside the Marchenko–Pastur
  edge 1 + 2√α: the origin of τ dv_i/dt = −v_i + tanh(g Σ_j J_ij v_j) loses stability at
  g λ_max = 1, not at the Ising network's spin-glass line T_g = 1 + √α;
* ``graded_origin`` — the growth rate near the origin against g λ_max beside g λ_max − 1;
* ``graded_recall`` — the fixed point reached from a weak cue of ξ¹ against g, whose signs become
  the zero-temperature memory as g grows;
* ``graded_one_pattern`` — one pattern: the fixed-point overlap is Curie–Weiss at g(1 − 1/N).

Error bars come from independent pattern sets (the ``sample`` axis).
"""

import json

import numpy as np

import isinghop as ih
from isinghop.runtime import Config, Output
from isinghop.stats.report import Number, agreement, mean_error
from isinghop.theory import graded
from isinghop.theory.meanfield import curie_weiss, curie_weiss_spinodal
from isinghop.viz.figures import panels, sample_errorbar

GAIN = ("1/energy", "gain g", "slope of tanh(g(Jv + h)) at the origin, inverse units of J")
FORK = ("input", "lam_curve", "branch")

# --- the single neuron ---------------------------------------------------------------------------


def _pulses(fixed):
    """Rectangular input pulses of ``amplitudes`` at ``onsets``, each ``width`` long."""
    return graded.PulseTrain(fixed["onsets"], fixed["width"], fixed["amplitudes"])


def neuron_compute(point, fixed, disorder, thermal, checkpoint):
    """At one λ: end states of the flow from each start at each constant input; v(t) under the
    pulses from the lower memory; the weakest pulse of length ``hold`` that switches the unit
    (bisection; NaN for λ ≤ 1, where there is no memory)."""
    lam, hold, relax = point["lam"], fixed["hold"], [0, fixed["relax_time"]]
    ends = [
        [graded.neuron_trajectory(lam, h, relax, v0=v)[-1] for v in fixed["start"]]
        for h in fixed["input"]
    ]
    lower = float(graded.neuron_fixed_points(lam).v[0])  # the v < 0 memory (the origin for λ ≤ 1)
    low, high = 0.0, 2.0 * lam  # tanh(2λ + λv) > 0 for every v: a pulse of 2λ always switches
    for _ in range(24 if lam > 1 else 0):
        pulse = graded.PulseTrain((0.0,), hold, ((low + high) / 2,))
        switched = graded.neuron_trajectory(lam, pulse, [0, 1.5 * hold], v0=lower)[-1] > 0
        low, high = (low, (low + high) / 2) if switched else ((low + high) / 2, high)
    return {
        "relaxed": ends,
        "switch_v": graded.neuron_trajectory(lam, _pulses(fixed), fixed["time"], v0=lower),
        "threshold": high if lam > 1 else np.nan,
    }


def neuron_theory(config):
    """The pitchfork (fixed points, stability) on a fine λ grid at each input, the flow at h = 0,
    the coercive input λ h_sp(T = 1/λ) and the pulse train."""
    step = config.fixed["lam_step"]
    lam, v = np.round(np.arange(0, 3 + step / 2, step), 6), np.linspace(-1.2, 1.2, 241)
    points = graded.neuron_fixed_points(lam[None, :], np.asarray(config.batch["input"])[:, None])
    spinodal = curie_weiss_spinodal(1 / np.maximum(lam, 1.001))[1]  # exists for T = 1/λ < 1 only
    return {
        "lam_curve": ("lam_curve", lam),
        "v": ("v", v),
        "fixed_point": (FORK, points.v),
        "stable": (FORK, points.stable),
        "flow": (("lam", "v"), graded.neuron_velocity(v, np.asarray(config.grid["lam"])[:, None])),
        "coercive_input": ("lam_curve", np.where(lam > 1, lam * spinodal, np.nan)),
        "switch_input": ("time", _pulses(config.fixed)(np.asarray(config.batch["time"]))),
    }


def neuron_plot(ds):
    """Pitchfork and flow with the end states; switching; the long pulse's threshold."""
    fig, (fork, flow, switch, coercive) = panels(2, 2, height=2.6)
    ds, lam, memory = ds.isel(sample=0), ds["lam_curve"], ds.attrs["fixed_switch_lam"]
    for k, h in enumerate(ds["input"].values):
        v, stable = ds["fixed_point"].sel(input=h), ds["stable"].sel(input=h).astype(bool)
        upper, lower = v.where(stable).max("branch"), v.where(stable).min("branch")
        fork.plot(lam, upper, "-", lam, lower.where(lower < upper), "-", color=f"C{k}", lw=1)
        fork.plot(lam, v.where(~stable).max("branch"), ":", color=f"C{k}", lw=1)
        ends = ds["relaxed"].sel(input=h).transpose("lam", "start")
        grid = np.repeat(ds["lam"].values, ends.sizes["start"])
        fork.plot(grid, ends.values.ravel(), "o", mfc="none", color=f"C{k}", label=f"h = {h:g}")
    fork.set(xlabel="self-excitation λ", ylabel="fixed point v*", title="dotted: unstable")
    fork.legend(title="circles: end states", title_fontsize=7)
    for k, value in enumerate(ds["lam"].values):
        flow.plot(ds["v"], ds["flow"].sel(lam=value), color=f"C{k}", lw=1, label=f"λ = {value:g}")
        ends = np.unique(ds["relaxed"].sel(lam=value, input=0.0).round(6))
        flow.plot(ends, 0 * ends, "o", mfc="none", color=f"C{k}")
    flow.axhline(0, color="0.6", lw=0.6)
    flow.set(xlabel="neuron state v", ylabel="dv/dt (1/τ)", title="h = 0; circles: end states")
    flow.legend(ncol=2, loc="lower left")
    for value, color in ((ds["lam"].values[0], "C0"), (memory, "C3")):
        switch.plot(ds["time"], ds["switch_v"].sel(lam=value), color=color, label=f"λ = {value:g}")
    switch.plot(ds["time"], ds["switch_input"], color="0.5", lw=0.8, label="input h")
    edge = float(ds["coercive_input"].sel(lam_curve=memory))
    switch.hlines([edge, -edge], 0, ds["time"].max(), "k", ":", lw=0.8, label="± coercive input")
    title, limits = "one-bit memory, λ > 1", (-1.7, 2.5)
    switch.set(xlabel="time t (τ)", ylabel="state v, input h", ylim=limits, title=title)
    switch.legend(loc="upper left", ncol=2)
    coercive.plot(lam, ds["coercive_input"], "k-", lw=1, label="λ h_sp(T = 1/λ)")
    label = f"weakest {ds.attrs['fixed_hold']:g} τ pulse\nthat switches"
    coercive.plot(ds["lam"], ds["threshold"], "o", mfc="none", color="C3", label=label)
    for amplitude in {abs(a) for a in json.loads(ds.attrs["fixed_amplitudes"])}:
        coercive.axhline(amplitude, color="0.5", ls="--", lw=0.6)
    coercive.set(xlabel="self-excitation λ", ylabel="input h", title="dashed: |pulses| drawn left")
    coercive.legend(loc="upper left")
    return fig


def neuron_findings(ds):
    """The coercive input of the memory unit and the threshold of a long pulse there."""
    memory = ds.attrs["fixed_switch_lam"]
    return {
        "switch_lambda": Number(memory),
        "coercive_input": Number(ds["coercive_input"].sel(lam_curve=memory)),
        "hold": Number(ds.attrs["fixed_hold"]),
        "threshold": Number(ds["threshold"].sel(lam=memory, sample=0), digits=6),
    }


def _neuron(lams, step):
    fixed = {"lam_step": step, "switch_lam": 2.0, "amplitudes": (1.5, -0.4, -1.5, 0.4)}
    fixed |= {"onsets": (20, 40, 60, 80), "width": 2.0, "hold": 200.0, "relax_time": 1000.0}
    starts = tuple(np.round(np.linspace(-0.9, 0.9, 8), 4))
    batch = {"input": (0.0, 0.05), "start": starts, "time": tuple(np.linspace(0, 100, 201))}
    text = f"{len(lams)} λ; pitchfork every {step}"
    return Config({"lam": lams}, fixed, text, samples=1, batch=batch, minutes=0.2)


NEURON = ih.Study(
    name="graded_neuron",
    description="the graded neuron: pitchfork, flow, switching and the coercive input against lambda",
    configs={
        "quick": _neuron((0.5, 1.2, 2.0), 0.05),
        "full": _neuron((0.5, 0.9, 1.2, 1.5, 2.0, 3.0), 0.01),
    },
    compute=neuron_compute,
    theory=neuron_theory,
    outputs={
        "relaxed": Output(("input", "start"), "1", "end state v", "v after relax_time from start"),
        "switch_v": Output(("time",), "1", "neuron state v", "v(t) under the pulses"),
        "threshold": Output((), "1", "switching threshold", "weakest pulse of length hold"),
        "fixed_point": Output(FORK, "1", "fixed point v*", "v = tanh(h + λv), ascending", True),
        "stable": Output(FORK, "1", "stable", "λ(1 − v*²) < 1", True),
        "flow": Output(("lam", "v"), "1/tau", "dv/dt", "(−v + tanh(λv))/τ at h = 0", True),
        "coercive_input": Output(("lam_curve",), "1", "coercive input", "λ h_sp(T = 1/λ)", True),
        "switch_input": Output(("time",), "1", "input h", "the pulse train h(t)", True),
    },
    coordinates={
        "sample": ("1", "sample", "a single one: nothing here is random"),
        "lam": ("1", "self-excitation λ", "feedback of the unit on itself"),
        "lam_curve": ("1", "self-excitation λ", "fine grid of the theory"),
        "input": ("1", "input h", "constant input"),
        "start": ("1", "start v(0)", "initial state of the relaxation"),
        "time": ("tau", "time t", "in units of the time constant τ"),
        "branch": ("1", "branch", "fixed points in ascending order (NaN: absent)"),
        "v": ("1", "neuron state v", "grid of states"),
    },
    plot=neuron_plot,
    findings=neuron_findings,
)

# --- the network ---------------------------------------------------------------------------------


def _network(alpha, n, rng):
    """P = max(1, round(αN)) random patterns on N sites and their Hebbian network (zero diagonal)."""
    xi = ih.random_patterns(max(1, round(alpha * n)), n, rng=rng)
    return xi, ih.hebbian(xi)


def _sets(axis, values, n, samples, **fixed):
    """A grid over ``axis`` at N = ``n`` with ``samples`` pattern sets."""
    text = f"N = {n}, {samples} pattern sets"
    return Config({axis: values}, {"n_sites": n} | fixed, text, samples=samples)


def spectrum_compute(point, fixed, disorder, thermal, checkpoint):
    """λ_max of one Hebbian J at load α."""
    model = _network(point["alpha"], fixed["n_sites"], disorder)[1]
    return {"lambda_max": graded.largest_coupling_eigenvalue(model)}


def spectrum_theory(config):
    """1 + 2√α (N → ∞) on a fine grid; Johnstone's (2001) finite-N mean and spread of λ_max: the
    nonzero spectrum of J + α is that of ξξᵀ/N (Wishart: P variables, N samples), whose largest
    eigenvalue is (μ + σ TW₁)/N, μ = (√(N−1) + √P)², σ = (√(N−1) + √P)(1/√(N−1) + 1/√P)^⅓, with
    TW₁ of mean −1.2065 and standard deviation 1.2680."""
    n, alpha = config.fixed["n_sites"], np.asarray(config.grid["alpha"])
    p = np.maximum(1, np.round(alpha * n))
    edge = np.sqrt(n - 1) + np.sqrt(p)
    sigma = edge * (1 / np.sqrt(n - 1) + 1 / np.sqrt(p)) ** (1 / 3) / n
    fine = np.linspace(0, 1.05 * alpha.max(), 200)
    return {
        "alpha_curve": ("alpha_curve", fine),
        "edge_curve": ("alpha_curve", 1 + 2 * np.sqrt(fine)),
        "lambda_finite": ("alpha", (edge**2 - p) / n - 1.2065 * sigma),
        "lambda_finite_sd": ("alpha", 1.2680 * sigma),
    }


def spectrum_plot(ds):
    """λ_max against α beside the infinite-N edge and the finite-N mean (Tracy–Widom)."""
    fig, (ax,) = panels(width=4.0, height=3.0)
    sample_errorbar(ax, ds["alpha"], ds["lambda_max"], ls="", label="measured")
    alpha, curve = ds["alpha"], ds["alpha_curve"]
    ax.plot(alpha, ds["lambda_finite"], "x--", color="C1", lw=0.8, label="TW₁ mean at N, P")
    ax.plot(curve, ds["edge_curve"], "k-", lw=1, label="1 + 2√α (N → ∞)")
    ax.plot(curve, 1 + np.sqrt(curve), "k:", lw=1, label="1 + √α (T_g): not it")
    title = f"N = {ds.attrs['fixed_n_sites']}; origin unstable for g λ_max > 1"
    ax.set(xlabel="load α = P/N", ylabel="largest eigenvalue λ_max of J (energy)", title=title)
    ax.legend()
    return fig


def spectrum_findings(ds):
    """λ_max at the largest load beside the infinite-N edge."""
    alpha = float(ds["alpha"].max())
    return {
        "sites": Number(ds.attrs["fixed_n_sites"]),
        "alpha": Number(alpha),
        "lambda_max": mean_error(ds["lambda_max"].sel(alpha=alpha)),
        "lambda_edge": Number(1 + 2 * np.sqrt(alpha)),
    }


LOADS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
SPECTRUM = ih.Study(
    name="graded_spectrum",
    description="largest eigenvalue of Hebbian J against alpha beside 1 + 2 sqrt(alpha)",
    configs={
        "quick": _sets("alpha", (0.01, 0.03, 0.1, 0.2), 300, 4),
        "full": _sets("alpha", LOADS, 2000, 16),
    },
    compute=spectrum_compute,
    theory=spectrum_theory,
    outputs={
        "lambda_max": Output((), "energy", "λ_max", "largest eigenvalue of J (zero diagonal)"),
        "edge_curve": Output(("alpha_curve",), "energy", "1 + 2√α", "Marchenko–Pastur", True),
        "lambda_finite": Output(("alpha",), "energy", "mean λ_max", "Johnstone at N, P", True),
        "lambda_finite_sd": Output(("alpha",), "energy", "sd of λ_max", "Johnstone", True),
    },
    coordinates={"alpha_curve": ("1", "load α", "fine grid of the theory")},
    plot=spectrum_plot,
    findings=spectrum_findings,
)


def origin_compute(point, fixed, disorder, thermal, checkpoint):
    """The growth rate near the origin at g = (g λ_max)/λ_max on the sample's net."""
    model = _network(fixed["alpha"], fixed["n_sites"], disorder)[1]
    top = graded.largest_coupling_eigenvalue(model)
    gain = point["gain_ratio"] / top
    rate = graded.origin_growth_rate(model, gain=gain, time=fixed["time"], rng=thermal)
    return {"origin_rate": rate, "lambda_max": top}


def origin_theory(config):
    """Linear theory: the top mode grows at g λ_max − 1 per τ."""
    return {"linear_rate": ("gain_ratio", np.asarray(config.grid["gain_ratio"]) - 1)}


def origin_plot(ds):
    """Measured growth rate against g λ_max beside the linear theory."""
    fig, (ax,) = panels(width=3.6, height=3.0)
    sample_errorbar(ax, ds["gain_ratio"], ds["origin_rate"], ls="", label="measured")
    ax.plot(ds["gain_ratio"], ds["linear_rate"], "k-", lw=1, label="g λ_max − 1")
    ax.axhline(0, color="0.6", lw=0.6)
    title = f"N = {ds.attrs['fixed_n_sites']}, α = {ds.attrs['fixed_alpha']}"
    ax.set(xlabel="g λ_max", ylabel="growth rate near the origin (1/τ)", title=title)
    ax.legend()
    return fig


def origin_findings(ds):
    """The growth rate at the largest g λ_max against the linear theory."""
    ratio = float(ds["gain_ratio"].max())
    rate = mean_error(ds["origin_rate"].sel(gain_ratio=ratio))
    return {
        "sites": Number(ds.attrs["fixed_n_sites"]),
        "alpha": Number(ds.attrs["fixed_alpha"]),
        "ratio": Number(ratio),
        "rate": rate,
        "agreement": agreement(rate, ratio - 1, "the linear theory gΛ − 1"),
    }


RATIOS = (0.8, 0.9, 0.95, 0.98, 1.0, 1.02, 1.05, 1.1, 1.2)
ORIGIN = ih.Study(
    name="graded_origin",
    description="growth rate near the origin of the graded network against g lambda_max",
    configs={
        "quick": _sets("gain_ratio", (0.9, 0.95, 1.0, 1.05, 1.1), 300, 4, alpha=0.03, time=300.0),
        "full": _sets("gain_ratio", RATIOS, 2000, 16, alpha=0.03, time=300.0),
    },
    compute=origin_compute,
    theory=origin_theory,
    outputs={
        "origin_rate": Output((), "1/tau", "growth rate", "graded.origin_growth_rate"),
        "lambda_max": Output((), "energy", "λ_max", "largest eigenvalue of J"),
        "linear_rate": Output(("gain_ratio",), "1/tau", "g λ_max − 1", "linear theory", True),
    },
    coordinates={"gain_ratio": ("1", "g λ_max", "gain in units of the origin's instability")},
    disorder_keys=(),  # and the sample: each sample is one net, every ratio on it
    plot=origin_plot,
    findings=origin_findings,
)


def recall_compute(point, fixed, disorder, thermal, checkpoint):
    """The fixed point reached from cue ξ¹ + uniform noise at gain g, beside the zero-T memory
    reached from ξ¹ (net and noise are the sample's, the same at every g)."""
    n = fixed["n_sites"]
    xi, model = _network(fixed["alpha"], n, disorder)
    memory = ih.relax(model, xi[0], schedule="sequential", tie="keep").spins
    noise = np.random.default_rng(thermal).uniform(-1, 1, n) * fixed["noise"]
    cue = fixed["cue"] * xi[0] + noise
    v, converged = graded.graded_fixed_point(model, cue, gain=point["gain"])
    origin = np.abs(v).max() < 1e-8  # no sign to compare
    return {
        "overlap": v @ xi[0] / n,
        "sign_agreement": np.nan if origin else np.mean(np.sign(v) == memory),
        "spread": np.mean(v**2),
        "converged": converged,
        "lambda_max": graded.largest_coupling_eigenvalue(model),
    }


def _cw(gain):
    """The largest Curie–Weiss branch m = tanh(g m)."""
    return np.nanmax(curie_weiss(1 / gain).m, axis=-1)


def recall_theory(config):
    """Curie–Weiss m = tanh(g m): the overlap as α → 0."""
    gains = np.geomspace(min(config.grid["gain"]), max(config.grid["gain"]), 200)
    return {"gain_curve": ("gain_curve", gains), "overlap_cw": ("gain_curve", _cw(gains))}


def recall_plot(ds):
    """Overlap, sign agreement with the memory and mean v² against g."""
    fig, (left, right) = panels(2)
    sample_errorbar(left, ds["gain"], ds["overlap"], label="overlap m₁")
    left.plot(ds["gain_curve"], ds["overlap_cw"], "k--", lw=0.8, label="Curie–Weiss (α → 0)")
    sample_errorbar(right, ds["gain"], ds["sign_agreement"], label="sgn v = zero-T memory")
    sample_errorbar(right, ds["gain"], ds["spread"], label="mean v² (1: binary)")
    for ax in (left, right):
        ax.axvline(1 / float(ds["lambda_max"].mean()), color="0.6", ls=":", lw=0.8, label="1/λ_max")
        ax.set(xscale="log", xlabel="gain g (1/energy)")
        ax.legend()
    title = f"cue {ds.attrs['fixed_cue']} ξ¹ + noise, α = {ds.attrs['fixed_alpha']}"
    left.set(ylabel="overlap of the fixed point with ξ¹", title=title)
    right.set(ylabel="fraction of sites; mean v²", title=f"N = {ds.attrs['fixed_n_sites']}")
    return fig


GAINS = (0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1, 1.2, 1.35, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0)
GAINS += (7.0, 10.0, 15.0, 20.0, 30.0, 50.0)
CUE = {"alpha": 0.03, "cue": 0.1, "noise": 0.05}
RECALL = ih.Study(
    name="graded_recall",
    description="fixed point of the graded network from a weak cue against the gain",
    configs={
        "quick": _sets("gain", (0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0), 300, 4, **CUE),
        "full": _sets("gain", GAINS, 2000, 16, **CUE),
    },
    compute=recall_compute,
    theory=recall_theory,
    outputs={
        "overlap": Output((), "1", "overlap m1", "(1/N) Σ_i ξ_i^1 v_i at the fixed point"),
        "sign_agreement": Output((), "1", "agreement", "sgn v_i = the zero-T memory (NaN: v = 0)"),
        "spread": Output((), "1", "mean v²", "(1/N) Σ_i v_i² (1: binary)"),
        "converged": Output((), "1", "converged", "the residual fell below 1e-10"),
        "lambda_max": Output((), "energy", "λ_max", "largest eigenvalue of J"),
        "overlap_cw": Output(("gain_curve",), "1", "Curie–Weiss m", "m = tanh(g m)", True),
    },
    coordinates={"gain": GAIN, "gain_curve": GAIN},
    disorder_keys=(),  # and the sample: one net and one cue noise per sample, every gain on them
    thermal_keys=(),
    plot=recall_plot,
)


def one_compute(point, fixed, disorder, thermal, checkpoint):
    """Fixed-point overlap of the one-pattern network from 0.5 ξ at each gain."""
    n = point["n_sites"]
    xi = ih.random_patterns(1, n, rng=disorder)
    model = ih.hebbian(xi)
    ends = [graded.graded_fixed_point(model, 0.5 * xi[0], gain=g)[0] for g in fixed["gain"]]
    return {"overlap": np.array(ends) @ xi[0] / n}


def one_theory(config):
    """Curie–Weiss at g(1 − 1/N) for each N, and N → ∞, on a fine gain grid."""
    gains = np.linspace(min(config.batch["gain"]), max(config.batch["gain"]), 200)
    finite = [_cw(gains * (1 - 1 / n)) for n in config.grid["n_sites"]]
    return {
        "gain_curve": ("gain_curve", gains),
        "overlap_theory": (("n_sites", "gain_curve"), finite),
        "overlap_infinite": ("gain_curve", _cw(gains)),
    }


def one_plot(ds):
    """Overlap against g for each N beside Curie–Weiss at g(1 − 1/N)."""
    fig, (ax,) = panels(width=3.6, height=3.0)
    for k, n in enumerate(ds["n_sites"].values):
        overlap = ds["overlap"].sel(n_sites=n, sample=0)
        ax.plot(ds["gain"], overlap, "o", ms=3, mfc="none", color=f"C{k}", label=f"N = {n}")
        ax.plot(ds["gain_curve"], ds["overlap_theory"].sel(n_sites=n), color=f"C{k}", lw=0.8)
    ax.plot(ds["gain_curve"], ds["overlap_infinite"], "k--", lw=1, label="N → ∞")
    title = "lines: Curie–Weiss at g(1 − 1/N)"
    ax.set(xlabel="gain g (1/energy)", ylabel="fixed-point overlap m", title=title)
    ax.legend()
    return fig


def _one(sizes, gains):
    text = f"N ≤ {max(sizes)}, {len(gains)} gains"
    return Config({"n_sites": sizes}, {}, text, samples=1, batch={"gain": gains}, minutes=0.2)


ONE_PATTERN = ih.Study(
    name="graded_one_pattern",
    description="one pattern: graded fixed-point overlap against g, Curie-Weiss at g(1 - 1/N)",
    configs={
        "quick": _one((10, 50, 1000), (1.05, 1.2, 1.5, 2.0, 3.0)),
        "full": _one((10, 30, 100, 1000, 10000), tuple(np.round(np.arange(1.02, 3.0001, 0.04), 3))),
    },
    compute=one_compute,
    theory=one_theory,
    outputs={
        "overlap": Output(("gain",), "1", "overlap m", "(1/N) Σ_i ξ_i v_i at the fixed point"),
        "overlap_theory": Output(("n_sites", "gain_curve"), "1", "m", "Curie–Weiss", True),
        "overlap_infinite": Output(("gain_curve",), "1", "m", "Curie–Weiss, N → ∞", True),
    },
    coordinates={"gain": GAIN, "gain_curve": GAIN},
    plot=one_plot,
)

STUDIES = (NEURON, SPECTRUM, ORIGIN, RECALL, ONE_PATTERN)
