"""The graded single neuron and the graded-response network (:mod:`isinghop.theory.graded`).

**Neuron** τ dv/dt = −v + tanh(h + λv): the fixed points against λ (the
supercritical pitchfork at λ = 1, and its imperfect version at h ≠ 0), the
flow on the line below and above λ = 1, and a memory unit at λ = 2 switched
between v ≈ ±1 by input pulses stronger than the coercive input
λ h_sp(T = 1/λ) (the Curie–Weiss spinodal field, since v = tanh(λ(v + h/λ)))
and left alone by weaker ones.

**Network** τ dv_i/dt = −v_i + tanh(g(Σ_j J_ij v_j)) on Hebbian couplings
(zero diagonal): the largest eigenvalue λ_max of J against α, beside the
Marchenko–Pastur value 1 + 2√α (the origin loses stability at g λ_max = 1 —
not at the Ising network's spin-glass line T_g = 1 + √α); the growth rate of
a small state around the origin against g, beside its linear theory
g λ_max − 1; the fixed point reached from a weak cue of ξ¹ against g, whose
signs approach the zero-temperature memory as g grows; and for one pattern
the fixed-point overlap against g for several N, which is Curie–Weiss at
g(1 − 1/N) and meets the N → ∞ curve.
"""

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.theory import graded
from isinghop.theory.meanfield import curie_weiss, curie_weiss_spinodal
from isinghop.runtime import labelled

QUICK = ih.Config(
    grid={"part": ("neuron", "network")},
    fixed={"lam": [round(x, 3) for x in np.arange(0.0, 3.0001, 0.05)], "imperfection": 0.05,
           "flow_lam": [0.5, 2.0], "switch_lam": 2.0, "switch_amplitudes": [1.5, -0.4, -1.5, 0.4],
           "switch_width": 2.0, "switch_period": 20.0,
           "n_sites": 300, "alpha": [0.01, 0.03, 0.1, 0.2], "samples": 4, "recall_alpha": 0.03,
           "gain": [0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0],
           "origin_gain_ratio": [0.9, 0.95, 1.0, 1.05, 1.1], "origin_time": 300.0,
           "one_pattern_sites": [10, 50, 1000], "one_pattern_gain": [1.05, 1.2, 1.5, 2.0, 3.0]},
    description="pitchfork, flow and switching of the neuron; network at N = 300, 4 pattern sets: seconds",
)
FULL = ih.Config(
    grid={"part": ("neuron", "network")},
    fixed={"lam": [round(x, 3) for x in np.arange(0.0, 3.0001, 0.01)], "imperfection": 0.05,
           "flow_lam": [0.5, 2.0], "switch_lam": 2.0, "switch_amplitudes": [1.5, -0.4, -1.5, 0.4],
           "switch_width": 2.0, "switch_period": 20.0,
           "n_sites": 2000, "alpha": [0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3], "samples": 16,
           "recall_alpha": 0.03,
           "gain": [0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1, 1.2, 1.35, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0, 7.0,
                    10.0, 15.0, 20.0, 30.0, 50.0],
           "origin_gain_ratio": [0.8, 0.9, 0.95, 0.98, 1.0, 1.02, 1.05, 1.1, 1.2], "origin_time": 300.0,
           "one_pattern_sites": [10, 30, 100, 1000, 10000],
           "one_pattern_gain": [round(x, 3) for x in np.arange(1.02, 3.0001, 0.04)]},
    description="finer grids; network at N = 2000 with 16 pattern sets per load",
)


def run_point(point, fixed, disorder, thermal, checkpoint):
    """One part of the study: the single neuron, or the graded network over its disorder samples."""
    return _neuron(fixed) if point["part"] == "neuron" else _network(fixed, disorder, thermal, checkpoint)


def _neuron(fixed):
    lam = np.asarray(fixed["lam"], dtype=np.float64)
    fields = np.array([0.0, fixed["imperfection"]])
    points = graded.neuron_fixed_points(lam[None, :], fields[:, None])
    v_grid = np.linspace(-1.2, 1.2, 241)
    flow_lam = np.asarray(fixed["flow_lam"], dtype=np.float64)
    flow = graded.neuron_velocity(v_grid[None, :], flow_lam[:, None])
    amplitudes = np.asarray(fixed["switch_amplitudes"], dtype=np.float64)
    period, width, switch_lam = fixed["switch_period"], fixed["switch_width"], fixed["switch_lam"]
    pulses = graded.PulseTrain(onsets=tuple(period * (1 + np.arange(len(amplitudes)))), width=width,
                               amplitudes=tuple(amplitudes))
    times = np.linspace(0.0, period * (len(amplitudes) + 1), 40 * (len(amplitudes) + 1) + 1)
    lower_memory = float(graded.neuron_fixed_points(switch_lam).v[0])  # start in the v < 0 memory
    v = graded.neuron_trajectory(switch_lam, pulses, times, v0=lower_memory)
    coercive = switch_lam * float(curie_weiss_spinodal(1.0 / switch_lam)[1])
    return xr.Dataset(
        {
            "neuron_fixed_point": labelled(("input", "lam", "branch"), points.v, "1", "fixed point v*",
                                           "solutions of v = tanh(h + lam v), ascending (NaN: absent)"),
            "neuron_stable": labelled(("input", "lam", "branch"), points.stable, "1", "stable",
                                      "lam (1 - v*^2) < 1"),
            "flow": labelled(("flow_lam", "v"), flow, "1/tau", "dv/dt", "(-v + tanh(lam v))/tau at h = 0"),
            "switch_v": labelled("time", v, "1", "neuron state v", "v(t) of the memory unit under the pulses"),
            "switch_input": labelled("time", pulses(times), "1", "input h", "the pulse train h(t)"),
            "coercive_input": labelled((), coercive, "1", "coercive input",
                                       "lam h_sp(T = 1/lam): the weakest constant input that switches the unit"),
        },
        coords={
            "input": ("input", fields, {"units": "1", "long_name": "input h", "description": "constant input"}),
            "lam": ("lam", lam, {"units": "1", "long_name": "self-excitation λ", "description": "feedback gain"}),
            "branch": ("branch", np.arange(3), {"units": "1", "long_name": "branch",
                                                "description": "fixed points in ascending order"}),
            "flow_lam": ("flow_lam", flow_lam, {"units": "1", "long_name": "λ of the flow",
                                                "description": "self-excitation of the drawn flow"}),
            "v": ("v", v_grid, {"units": "1", "long_name": "neuron state v", "description": "grid of states"}),
            "time": labelled("time", times, "tau", "time", "time in units of the neuron's time constant tau"),
        },
    )


def _network(fixed, disorder, thermal, checkpoint):
    n, samples = fixed["n_sites"], fixed["samples"]
    alphas = np.asarray(fixed["alpha"], dtype=np.float64)
    gains = np.asarray(fixed["gain"], dtype=np.float64)
    ratios = np.asarray(fixed["origin_gain_ratio"], dtype=np.float64)
    saved = checkpoint.load("network") or {
        "lambda_max": np.full((len(alphas), samples), np.nan), "overlap": np.full((len(gains), samples), np.nan),
        "sign_agreement": np.full((len(gains), samples), np.nan), "spread": np.full((len(gains), samples), np.nan),
        "converged": np.zeros((len(gains), samples), dtype=bool),
        "origin_rate": np.full((len(ratios), samples), np.nan), "recall_lambda_max": np.full(samples, np.nan),
        "done": np.array(0)}
    disorder_seeds, thermal_seeds = disorder.spawn(samples), thermal.spawn(samples)
    for s in range(int(saved["done"]), samples):
        pattern_seeds = disorder_seeds[s].spawn(len(alphas) + 1)
        for a, alpha in enumerate(alphas):
            xi = ih.random_patterns(max(1, round(alpha * n)), n, rng=pattern_seeds[a])
            saved["lambda_max"][a, s] = graded.largest_coupling_eigenvalue(ih.hebbian(xi))
        xi = ih.random_patterns(max(1, round(fixed["recall_alpha"] * n)), n, rng=pattern_seeds[-1])
        model = ih.hebbian(xi)
        top = graded.largest_coupling_eigenvalue(model)
        saved["recall_lambda_max"][s] = top
        memory = ih.relax(model, xi[0], schedule="sequential", tie="keep").spins
        cue_seed, origin_seed = thermal_seeds[s].spawn(2)
        noise = np.random.default_rng(cue_seed).uniform(-0.05, 0.05, n)
        for b, gain in enumerate(gains):
            v, ok = graded.graded_fixed_point(model, 0.1 * xi[0] + noise, gain=gain)
            saved["overlap"][b, s] = v @ xi[0] / n
            at_origin = np.abs(v).max() < 1e-8  # no sign to compare
            saved["sign_agreement"][b, s] = np.nan if at_origin else np.mean(np.sign(v) == memory)
            saved["spread"][b, s] = np.mean(v**2)
            saved["converged"][b, s] = ok
        for r, (ratio, seed) in enumerate(zip(ratios, origin_seed.spawn(len(ratios)))):
            saved["origin_rate"][r, s] = graded.origin_growth_rate(model, gain=ratio / top,
                                                                   time=fixed["origin_time"], rng=seed)
        saved["done"] = np.array(s + 1)
        checkpoint.save("network", **saved)
    one_sites = np.asarray(fixed["one_pattern_sites"], dtype=np.int64)
    one_gains = np.asarray(fixed["one_pattern_gain"], dtype=np.float64)
    one = np.empty((len(one_sites), len(one_gains)))
    for k, (size, seed) in enumerate(zip(one_sites, disorder.spawn(len(one_sites) + samples)[samples:])):
        xi = ih.random_patterns(1, int(size), rng=seed)
        for b, gain in enumerate(one_gains):
            v, _ = graded.graded_fixed_point(ih.hebbian(xi), 0.5 * xi[0], gain=gain)
            one[k, b] = v @ xi[0] / size
    per_gain = ("gain", "sample")
    return xr.Dataset(
        {
            "lambda_max": labelled(("alpha", "sample"), saved["lambda_max"], "energy", "largest eigenvalue",
                                   "lambda_max of Hebbian J (zero diagonal) at load alpha"),
            "recall_lambda_max": labelled("sample", saved["recall_lambda_max"], "energy",
                                          "largest eigenvalue", "lambda_max of the network recalled against gain"),
            "fixed_point_overlap": labelled(per_gain, saved["overlap"], "1", "overlap m1",
                                            "(1/N) sum_i xi_i^1 v_i at the fixed point reached from 0.1 xi^1 + noise"),
            "sign_agreement": labelled(per_gain, saved["sign_agreement"], "1", "agreement with the memory",
                                       "fraction of sites where sgn v_i equals the zero-T fixed point reached "
                                       "from xi^1 (NaN where the fixed point is the origin)"),
            "fixed_point_spread": labelled(per_gain, saved["spread"], "1", "mean v^2",
                                           "(1/N) sum_i v_i^2 at the fixed point (1: fully binary)"),
            "fixed_point_converged": labelled(per_gain, saved["converged"], "1", "converged",
                                              "the residual fell below 1e-10"),
            "origin_rate": labelled(("gain_ratio", "sample"), saved["origin_rate"], "1/tau", "growth rate",
                                    "growth rate of a small state near the origin (graded.origin_growth_rate)"),
            "one_pattern_overlap": labelled(("one_sites", "one_gain"), one, "1", "overlap m",
                                            "fixed-point overlap of the one-pattern network from 0.5 xi"),
        },
        coords={
            "alpha": ("alpha", alphas, {"units": "1", "long_name": "load α", "description": "P/N"}),
            "sample": ("sample", np.arange(samples), {"units": "1", "long_name": "disorder sample",
                                                      "description": "independent pattern set"}),
            "gain": labelled("gain", gains, "1/energy", "gain g", "gain g of tanh(g(Jv + h)), inverse units of J"),
            "gain_ratio": ("gain_ratio", ratios, {"units": "1", "long_name": "g λ_max",
                                                  "description": "gain in units of the origin's instability"}),
            "one_sites": ("one_sites", one_sites, {"units": "1", "long_name": "N",
                                                   "description": "sites of the one-pattern network"}),
            "one_gain": labelled("one_gain", one_gains, "1/energy", "gain g", "gain of the one-pattern network"),
        },
    )


def plot(dataset):
    """Pitchfork, flow and switching of the neuron; λ_max, origin growth, fixed points of the network."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(18, 9), layout="constrained")
    axes = fig.subplots(2, 4)
    if "neuron_fixed_point" in dataset:
        _neuron_panels(axes[0, :3], dataset)
    if "lambda_max" in dataset:
        _network_panels([axes[0, 3], *axes[1]], dataset)
    fig.suptitle("Graded neurons: the single unit τ dv/dt = −v + tanh(h + λv) and the network "
                 "τ dv/dt = −v + tanh(gJv) (Hebbian J, zero diagonal)", fontsize=12)
    return fig


def _neuron_panels(axes, dataset):
    pitchfork, flow, switch = axes
    lam = dataset["lam"].values
    for h, color in zip(dataset["input"].values, ("C0", "C1")):  # points, not lines: branches appear and vanish
        v = dataset["neuron_fixed_point"].sel(input=h).values
        stable = dataset["neuron_stable"].sel(input=h).values.astype(bool)
        grid = np.broadcast_to(lam[:, None], v.shape)
        pitchfork.plot(grid[stable], v[stable], "o", color=color, ms=2.5, label=f"h = {h:g}, stable")
        unstable = ~stable & np.isfinite(v)
        pitchfork.plot(grid[unstable], v[unstable], "o", mfc="none", color=color, ms=2.5, mew=0.6,
                       label=f"h = {h:g}, unstable")
    near = lam[(lam > 1) & (lam < 1.3)]
    pitchfork.plot(near, np.sqrt(3 * (near - 1)), ":", color="k", lw=1, label="√(3(λ − 1)) near λ = 1")
    pitchfork.axvline(1.0, color="0.6", lw=1)
    pitchfork.set_xlabel("self-excitation λ")
    pitchfork.set_ylabel("fixed point v*")
    pitchfork.set_title("supercritical pitchfork at λ = 1", fontsize=10)
    pitchfork.legend(fontsize=7)
    v_grid = dataset["v"].values
    for lam_value in dataset["flow_lam"].values:
        flow.plot(v_grid, dataset["flow"].sel(flow_lam=lam_value), label=f"λ = {lam_value:g}")
    flow.axhline(0, color="0.5", lw=1)
    flow.set_xlabel("neuron state v")
    flow.set_ylabel("dv/dt (1/τ)")
    flow.set_title("flow at h = 0: one zero for λ < 1, three for λ > 1", fontsize=10)
    flow.legend(fontsize=8)
    times = dataset["time"].values
    switch.plot(times, dataset["switch_v"], color="C3", lw=2, label="v(t)")
    switch.plot(times, dataset["switch_input"], color="0.4", lw=1, label="input h(t)")
    coercive = float(dataset["coercive_input"])
    for sign in (1, -1):
        switch.axhline(sign * coercive, color="0.6", ls=":", lw=1, label="± coercive input" if sign > 0 else None)
    switch.set_xlabel("time t (τ)")
    switch.set_ylabel("v, h (1)")
    switch.set_title(f"one-bit memory, λ = {dataset.attrs.get('fixed_switch_lam', 2)}: strong pulses switch it",
                     fontsize=10)
    switch.legend(fontsize=7)


def _network_panels(axes, dataset):
    eig, origin, recall, binary, one = axes
    alpha = dataset["alpha"].values
    mean, error = ih.stats.disorder_average(dataset["lambda_max"], replica_dim=None)
    eig.errorbar(alpha, mean, yerr=error, fmt="o", capsize=3, label=f"λ_max of J, N = {dataset.attrs.get('fixed_n_sites', '')}")
    fine = np.linspace(0, alpha.max() * 1.05, 200)
    eig.plot(fine, 1 + 2 * np.sqrt(fine), "k-", lw=1, label="1 + 2√α (Marchenko–Pastur)")
    eig.plot(fine, 1 + np.sqrt(fine), "k:", lw=1, label="T_g = 1 + √α: not this line")
    eig.set_xlabel("load α = P/N")
    eig.set_ylabel("largest eigenvalue of J (= 1/g at the origin's instability)")
    eig.set_title("the origin's instability (finite N lies below)", fontsize=10)
    eig.legend(fontsize=7)
    ratio = dataset["gain_ratio"].values
    mean, error = ih.stats.disorder_average(dataset["origin_rate"], replica_dim=None)
    origin.errorbar(ratio, mean, yerr=error, fmt="o", capsize=3, label="measured d ln|v|/dt")
    origin.plot(ratio, ratio - 1, "k-", lw=1, label="linear theory g λ_max − 1")
    origin.axhline(0, color="0.6", lw=1)
    origin.set_xlabel("g λ_max")
    origin.set_ylabel("growth rate near the origin (1/τ)")
    origin.set_title("the origin is unstable for g λ_max > 1", fontsize=10)
    origin.legend(fontsize=7)
    gain = dataset["gain"].values
    top = float(dataset["recall_lambda_max"].mean())
    for name, label, axis in (("fixed_point_overlap", "overlap m₁ with ξ¹", recall),
                              ("sign_agreement", "sgn v = zero-T memory (fraction of sites)", binary),
                              ("fixed_point_spread", "mean v² (1: binary)", binary)):
        mean, error = ih.stats.disorder_average(dataset[name], replica_dim=None)
        axis.errorbar(gain, mean, yerr=error, marker="o", capsize=3, label=label)
    for axis in (recall, binary):
        axis.axvline(1 / top, color="0.6", ls=":", lw=1, label="1/λ_max")
        axis.set_xscale("log")
        axis.set_xlabel("gain g")
        axis.legend(fontsize=7)
    recall.set_ylabel("overlap (mean over pattern sets ± error)")
    recall.set_title(f"fixed point from a weak cue of ξ¹, α = {dataset.attrs.get('fixed_recall_alpha', '')}",
                     fontsize=10)
    binary.set_ylabel("fraction (mean ± error)")
    binary.set_title("as g grows the fixed point becomes the binary memory", fontsize=10)
    one_gain = dataset["one_gain"].values
    fine = np.linspace(one_gain.min(), one_gain.max(), 200)
    for k, size in enumerate(dataset["one_sites"].values):
        one.plot(one_gain, dataset["one_pattern_overlap"].sel(one_sites=size), "o", color=f"C{k}",
                 label=f"N = {size}")
        one.plot(fine, np.nanmax(curie_weiss(1 / (fine * (1 - 1 / size))).m, axis=-1), "-", color=f"C{k}", lw=1)
    one.plot(fine, np.nanmax(curie_weiss(1 / fine).m, axis=-1), "k--", lw=1.5, label="Curie–Weiss, N → ∞")
    one.set_xlabel("gain g")
    one.set_ylabel("fixed-point overlap m")
    one.set_title("one pattern: Curie–Weiss at g(1 − 1/N) (lines)", fontsize=10)
    one.legend(fontsize=7)


def findings(dataset):
    """The paper's numbers: the unit's coercive input, λ_max of J at the largest load beside the
    infinite-N Marchenko–Pastur edge 1 + 2√α, and the origin's growth rate at the largest g λ_max (on the
    network at ``recall_alpha``) against the linear theory g λ_max − 1."""
    from isinghop.stats.report import Number, agreement, mean_error

    alpha = float(dataset["alpha"].max())
    ratio = float(dataset["gain_ratio"].max())
    rate = mean_error(dataset["origin_rate"].sel(gain_ratio=ratio))
    return {
        "coercive_input": Number(dataset["coercive_input"]),
        "switch_lambda": Number(dataset.attrs["fixed_switch_lam"]),
        "sites": Number(dataset.attrs["fixed_n_sites"]),
        "recall_alpha": Number(dataset.attrs["fixed_recall_alpha"]),
        "origin_agreement": agreement(rate, ratio - 1, "the linear theory gΛ − 1"),
        "alpha": Number(alpha),
        "lambda_max": mean_error(dataset["lambda_max"].sel(alpha=alpha)),
        "lambda_edge": Number(1 + 2 * np.sqrt(alpha)),
        "ratio": Number(ratio),
        "origin_rate": rate,
    }

STUDY = ih.Study(
    name="single_neuron",
    description="the graded single neuron (pitchfork, flow, switching) and the graded-response network",
    configs={"quick": QUICK, "full": FULL},
    run_point=run_point,
    plot=plot,
    coordinates={"part": {"units": "1", "long_name": "part", "description": "neuron or network"}},
    sections=("part",),
    findings=findings,
)
