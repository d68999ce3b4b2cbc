"""Small networks: the lecture notes' state-transition pictures, computed exactly.

Every state of a net of N ≤ 3 units is a corner of the cube; the zero-T
update moves between them. For each seed network, schedule and tie rule the
Dataset holds the fixed points, the larger closed classes (cycles, and the
sets that ``flip``/``random`` ties wander through), the exact probability of
ending in each from every start (:func:`isinghop.absorption`) and the
expected sweeps to get there. The seeds:

* the 2-node Hebbian nets storing [−1, 1] and [1, 1]: synchronously the two
  states that were not stored (H = +½) oscillate; asynchronously they fall
  into the stored pair;
* the 3-node nets storing [−1, 1, 1], and [1, 1, 1] with [1, 1, −1], where
  the tie rule ``up`` leaves only [1, 1, 1] and [−1, −1, 1] as fixed points
  and ``keep`` keeps all four;
* the 2-unit asymmetric net (w₁₂ = −1, w₂₁ = +1: no fixed point, a
  synchronous 4-cycle, an asynchronous walk) and the symmetric one (w₁₂ = w₂₁ = −1);
* the frustrated triangle (w₁₂ = w₂₃ = +1, w₁₃ = −1) and its sign-flipped
  twin: 6 against 2 fixed points under ``keep``, 1 against 2 under ``up``/``down``.

The ``self_coupling`` section counts, by enumeration, the fixed points and
the spurious ones (neither a pattern nor its mirror) of Hebbian nets of P
random patterns with and without the diagonal J_ii = P/N, over N.
"""

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.runtime import labelled
from isinghop.exact.landscape import label_minima
from isinghop.vocabulary import SCHEDULES, TIE_RULES

SEEDS = {
    "hebb_2_minus_plus": ("Hebbian, stores [-1, 1]", [[-1, 1]], None),
    "hebb_2_plus_plus": ("Hebbian, stores [1, 1]", [[1, 1]], None),
    "hebb_3_one": ("Hebbian, stores [-1, 1, 1]", [[-1, 1, 1]], None),
    "hebb_3_two": ("Hebbian, stores [1, 1, 1] and [1, 1, -1]", [[1, 1, 1], [1, 1, -1]], None),
    "asymmetric_pair": ("w12 = -1, w21 = +1", None, [[0, -1], [1, 0]]),
    "antiferromagnetic_pair": ("w12 = w21 = -1", None, [[0, -1], [-1, 0]]),
    "frustrated_triangle": ("w12 = w23 = +1, w13 = -1", None, [[0, 1, -1], [1, 0, 1], [-1, 1, 0]]),
    "triangle_twin": ("w12 = w23 = -1, w13 = +1", None, [[0, -1, 1], [-1, 0, -1], [1, -1, 0]]),
}
MAX_STATES = 8

QUICK = ih.Config(
    grid={"section": ("seeds", "self_coupling")},
    fixed={"sc_sites": [8, 10, 12], "sc_patterns": 3, "sc_samples": 3},
    description="8 seed nets x 4 schedules x 5 tie rules, self-couplings at N = 8-12: seconds",
)
FULL = ih.Config(
    grid={"section": ("seeds", "self_coupling")},
    fixed={"sc_sites": [8, 9, 10, 11, 12, 13, 14, 15, 16], "sc_patterns": 3, "sc_samples": 10},
    description="8 seed nets, self-couplings at N = 8-16 with 10 pattern sets each",
)


def seed_model(name):
    """The IsingModel of a seed network (Hebbian, zero diagonal; or the given couplings)."""
    _, patterns, couplings = SEEDS[name]
    if patterns is not None:
        return ih.hebbian(np.array(patterns))
    J = np.array(couplings, dtype=np.float64)
    return ih.dense_model(J, allow_asymmetric=not np.array_equal(J, J.T))


def _seeds(fixed, disorder, thermal):
    names = list(SEEDS)
    shape = (len(names), len(SCHEDULES), len(TIE_RULES))
    fixed_points = np.zeros(shape, dtype=np.int64)
    closed = np.zeros(shape, dtype=np.int64)
    attractor_state = np.full(shape + (MAX_STATES,), -1, dtype=np.int64)
    attractor_size = np.zeros(shape + (MAX_STATES,), dtype=np.int64)
    probability = np.full(shape + (MAX_STATES, MAX_STATES), np.nan)
    sweeps = np.full(shape + (MAX_STATES,), np.nan)
    couplings = np.zeros((len(names), 3, 3))
    sites = np.zeros(len(names), dtype=np.int64)
    for k, name in enumerate(names):
        model = seed_model(name)
        n = model.n_sites
        sites[k] = n
        couplings[k, :n, :n] = model.couplings.to_dense()
        for s, schedule in enumerate(SCHEDULES):
            for t, tie in enumerate(TIE_RULES):
                found = ih.absorption(model, schedule=schedule, tie=tie)
                count = len(found.attractors)
                fixed_points[k, s, t] = len(found.fixed_points)
                closed[k, s, t] = count - len(found.fixed_points)
                attractor_state[k, s, t, :count] = [c[0] for c in found.attractors]
                attractor_size[k, s, t, :count] = [len(c) for c in found.attractors]
                probability[k, s, t, : 2**n, :count] = found.probabilities
                sweeps[k, s, t, : 2**n] = found.sweeps
    dims = ("net", "schedule", "tie")
    coords = {
        "net": labelled("net", names, "1", "network", "a seed network of the lecture notes"),
        "net_description": labelled("net", [SEEDS[n][0] for n in names], "1", "couplings", "what the network is"),
        "net_sites": labelled("net", sites, "1", "N", "units of the network"),
        "schedule": labelled("schedule", list(SCHEDULES), "1", "schedule",
                       "synchronous/sequential: one sweep; permutation: one sweep in a random order; "
                       "random: attempts at random units (sweeps = attempts / N)"),
        "tie": labelled("tie", list(TIE_RULES), "1", "tie rule", "update of a unit whose local field is zero"),
        "state": labelled("state", np.arange(MAX_STATES), "1", "state index", "sum_i 2^i [s_i = +1] (as isinghop.exact)"),
        "attractor": labelled("attractor", np.arange(MAX_STATES), "1", "attractor", "closed class, fixed points first"),
        "site_i": labelled("site_i", np.arange(3), "1", "unit i", "row of J"),
        "site_j": labelled("site_j", np.arange(3), "1", "unit j", "column of J"),
    }
    return xr.Dataset({
        "fixed_points": labelled(dims, fixed_points, "1", "fixed points", "single-state closed classes"),
        "cycles": labelled(dims, closed, "1", "larger closed classes",
                     "closed classes of more than one state (limit cycles, tie-driven wandering)"),
        "attractor_state": labelled(dims + ("attractor",), attractor_state, "1", "first state",
                              "smallest state index of each closed class (-1: none)"),
        "attractor_size": labelled(dims + ("attractor",), attractor_size, "1", "states", "states in each closed class"),
        "absorption": labelled(dims + ("state", "attractor"), probability, "1", "absorption probability",
                         "exact probability of ending in each closed class from each start (NaN: no such state)"),
        "absorption_sweeps": labelled(dims + ("state",), sweeps, "sweeps", "expected sweeps",
                                "exact expected sweeps until the state lies in a closed class"),
        "couplings": labelled(("net", "site_i", "site_j"), couplings, "energy", "J", "couplings J_ij (zero-padded)"),
    }, coords=coords)


def _self_coupling(fixed, disorder, thermal):
    sizes, n_patterns, samples = fixed["sc_sites"], fixed["sc_patterns"], fixed["sc_samples"]
    counts = np.zeros((len(sizes), samples, 2, 2), dtype=np.int64)
    seeds = disorder.spawn(len(sizes) * samples)
    for k, n in enumerate(sizes):
        for s in range(samples):
            xi = ih.random_patterns(n_patterns, n, rng=seeds[k * samples + s])
            for d, diagonal in enumerate((False, True)):
                points = ih.fixed_points(ih.hebbian(xi, self_coupling=diagonal), tie="keep")
                labels = label_minima(points, xi) if len(points) else []
                counts[k, s, d] = len(points), sum(not label.lstrip("−").startswith("ξ") for label in labels)
    coords = {
        "sc_sites": labelled("sc_sites", sizes, "1", "N", "units"),
        "sc_sample": labelled("sc_sample", np.arange(samples), "1", "disorder sample", "independent pattern set"),
        "diagonal": labelled("diagonal", ["zero", "P/N"], "1", "self-coupling", "J_ii = 0, or J_ii = P/N (Hebb's diagonal)"),
        "count_kind": labelled("count_kind", ["fixed_points", "spurious"], "1", "what is counted",
                         "all fixed points (tie keep), or those that are neither a pattern nor its mirror"),
    }
    return xr.Dataset({
        "self_coupling_counts": labelled(("sc_sites", "sc_sample", "diagonal", "count_kind"), counts, "1", "count",
                                   f"by enumeration of all 2^N states, P = {n_patterns} random patterns"),
    }, coords=coords)


def run_point(point, fixed, disorder, thermal, checkpoint):
    """The variables of one section: ``seeds`` or ``self_coupling``."""
    return {"seeds": _seeds, "self_coupling": _self_coupling}[point["section"]](fixed, disorder, thermal)


DRAWN = [("hebb_2_minus_plus", "synchronous", "keep"), ("hebb_2_minus_plus", "random", "keep"),
         ("hebb_3_two", "random", "keep"), ("hebb_3_two", "random", "up"),
         ("asymmetric_pair", "synchronous", "keep"), ("frustrated_triangle", "random", "keep")]


def plot(dataset):
    """Transition graphs of six seed/schedule/tie cases, the fixed-point counts, and the self-coupling counts."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(16, 13))
    axes = fig.subplots(3, 3).ravel()
    if "fixed_points" in dataset:
        for ax, (name, schedule, tie) in zip(axes[:6], DRAWN):
            n = int(dataset["net_sites"].sel(net=name))
            J = dataset["couplings"].sel(net=name).values[:n, :n]
            model = ih.dense_model(J, allow_asymmetric=not np.array_equal(J, J.T))
            ih.draw_transition_graph(ih.transition_graph(model, schedule=schedule, tie=tie), ax=ax)
            ax.set_title(f"{dataset['net_description'].sel(net=name).item()}\n{schedule}, tie {tie}; "
                         "fixed points red", fontsize=8)
        ax = axes[6]
        counts = dataset["fixed_points"].sel(schedule="random")
        for t, tie in enumerate(dataset["tie"].values):
            ax.bar(np.arange(dataset.sizes["net"]) + 0.16 * t, counts.sel(tie=tie), width=0.16, label=f"tie {tie}")
        ax.set_xticks(np.arange(dataset.sizes["net"]) + 0.32, dataset["net"].values, rotation=60, fontsize=6,
                      ha="right")
        ax.set_ylabel("fixed points (asynchronous)")
        ax.set_title("fixed points of each seed net by tie rule", fontsize=9)
        ax.legend(fontsize=6)
    if "self_coupling_counts" in dataset:
        ax = axes[7]
        n = dataset["sc_sites"].values
        for diagonal, marker in (("zero", "o"), ("P/N", "s")):
            for kind, style in (("fixed_points", "-"), ("spurious", "--")):
                values = dataset["self_coupling_counts"].sel(diagonal=diagonal, count_kind=kind)
                mean, error = ih.stats.disorder_average(values, dim="sc_sample", replica_dim=None)
                ax.errorbar(n, mean, yerr=error, fmt=style, marker=marker, capsize=3,
                            label=f"{kind.replace('_', ' ')}, J_ii {diagonal}")
        ax.set_yscale("log")
        ax.set_xlabel("N")
        ax.set_ylabel("count (mean over pattern sets ± error)")
        ax.set_title(f"self-couplings stabilise spurious states (P = {dataset.attrs.get('fixed_sc_patterns', '')})",
                     fontsize=9)
        ax.legend(fontsize=6)
    for ax in axes:
        if not ax.has_data():
            ax.set_axis_off()
    fig.suptitle("Small networks: exact zero-temperature dynamics")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


def findings(dataset):
    """The paper's numbers: fixed points of the frustrated triangle and of the two-pattern net under the
    tie rules, the synchronous 2-cycle, and the spurious fixed points with and without self-coupling."""
    from isinghop.stats.report import Number, mean_error

    sequential = dataset.sel(schedule="sequential")
    counts = dataset["self_coupling_counts"].sel(count_kind="spurious", sc_sites=dataset["sc_sites"].max())
    return {
        "triangle_keep": Number(sequential["fixed_points"].sel(net="frustrated_triangle", tie="keep")),
        "triangle_up": Number(sequential["fixed_points"].sel(net="frustrated_triangle", tie="up")),
        "two_patterns_keep": Number(sequential["fixed_points"].sel(net="hebb_3_two", tie="keep")),
        "two_patterns_up": Number(sequential["fixed_points"].sel(net="hebb_3_two", tie="up")),
        "synchronous_cycles": Number(dataset["cycles"].sel(net="hebb_2_minus_plus", schedule="synchronous",
                                                           tie="keep")),
        "spurious_sites": Number(dataset["sc_sites"].max()),
        "spurious_zero": mean_error(counts.sel(diagonal="zero"), "sc_sample"),
        "spurious_diagonal": mean_error(counts.sel(diagonal="P/N"), "sc_sample"),
    }

STUDY = ih.Study(
    name="small_networks",
    description="the lecture notes' small networks: fixed points, cycles, exact absorption, self-couplings",
    configs={"quick": QUICK, "full": FULL},
    run_point=run_point,
    plot=plot,
    coordinates={"section": {"units": "1", "long_name": "section", "description": "one experiment of the study"}},
    sections=("section",),
    findings=findings,
)
