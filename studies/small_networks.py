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

A group of two studies: ``seed_networks`` (a task per net, schedule and tie rule) and
``self_coupling``, which counts, by enumeration, the fixed points and
the spurious ones (neither a pattern nor its mirror) of Hebbian nets of P
random patterns with and without the diagonal J_ii = P/N, over N.
"""

import numpy as np

import isinghop as ih
from isinghop.exact.landscape import label_minima
from isinghop.runtime import Config, Output
from isinghop.stats.report import Number, mean_error
from isinghop.viz.figures import panels, sample_errorbar
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


def seed_model(name):
    """The IsingModel of a seed network (Hebbian, zero diagonal; or the given couplings)."""
    _, patterns, couplings = SEEDS[name]
    if patterns is not None:
        return ih.hebbian(np.array(patterns))
    J = np.array(couplings, dtype=np.float64)
    return ih.dense_model(J, allow_asymmetric=not np.array_equal(J, J.T))


def seeds_compute(point, fixed, disorder, thermal, checkpoint):
    """The closed classes of one seed net under one schedule and every tie rule, and the exact
    probabilities and sweeps of ending in each from every start."""
    model = seed_model(point["net"])
    n, ties = model.n_sites, len(fixed["tie"])
    out = {
        "fixed_points": np.zeros(ties, dtype=int),
        "cycles": np.zeros(ties, dtype=int),
        "attractor_state": np.full((ties, MAX_STATES), -1),
        "attractor_size": np.zeros((ties, MAX_STATES), int),
        "absorption": np.full((ties, MAX_STATES, MAX_STATES), np.nan),
        "absorption_sweeps": np.full((ties, MAX_STATES), np.nan),
        "couplings": np.zeros((3, 3)),
        "net_sites": n,
    }
    for t, tie in enumerate(fixed["tie"]):
        found = ih.absorption(model, schedule=point["schedule"], tie=tie)
        count = len(found.attractors)
        out["fixed_points"][t] = len(found.fixed_points)
        out["cycles"][t] = count - len(found.fixed_points)
        out["attractor_state"][t, :count] = [c[0] for c in found.attractors]
        out["attractor_size"][t, :count] = [len(c) for c in found.attractors]
        out["absorption"][t, : 2**n, :count] = found.probabilities
        out["absorption_sweeps"][t, : 2**n] = found.sweeps
    out["couplings"][:n, :n] = model.couplings.to_dense()
    return out


DRAWN = [
    ("hebb_2_minus_plus", "synchronous", "keep"),
    ("hebb_3_two", "random", "keep"),
    ("hebb_3_two", "random", "up"),
    ("asymmetric_pair", "synchronous", "keep"),
    ("frustrated_triangle", "random", "keep"),
]


def seeds_plot(ds):
    """Transition graphs of five seed/schedule/tie cases, and the fixed points of every net by tie rule."""
    fig, axes = panels(2, 3, height=2.6)
    ds = ds.isel(sample=0)  # the nets are exact: one sample
    for ax, (name, schedule, tie) in zip(axes, DRAWN):
        here = ds.sel(net=name, schedule=schedule, tie=tie)
        n = int(here["net_sites"])
        J = here["couplings"].values[:n, :n]
        model = ih.dense_model(J, allow_asymmetric=not np.array_equal(J, J.T))
        ih.draw_transition_graph(ih.transition_graph(model, schedule=schedule, tie=tie), ax=ax)
        ax.set_title(f"{SEEDS[name][0]}\n{schedule}, tie {tie}", fontsize=8)
    ax, where = axes[-1], np.arange(ds.sizes["net"])
    for t, tie in enumerate(ds["tie"].values):
        counts = ds["fixed_points"].sel(schedule="random", tie=tie)
        ax.bar(where + 0.16 * t, counts, width=0.16, label=tie)
    names = [name.replace("_", " ") for name in ds["net"].values]
    ax.set_xticks(where + 0.32, names, rotation=60, fontsize=7, ha="right")
    ax.set(ylabel="fixed points (asynchronous)", title="fixed points by tie rule")
    ax.legend(ncol=2)
    return fig


def seeds_findings(ds):
    """Fixed points of the frustrated triangle and of the two-pattern net under the tie rules, and the
    synchronous 2-cycle."""
    ds = ds.isel(sample=0)  # the nets are exact: one sample
    sequential = ds["fixed_points"].sel(schedule="sequential")
    cycles = ds["cycles"].sel(net="hebb_2_minus_plus", schedule="synchronous", tie="keep")
    return {"synchronous_cycles": Number(cycles)} | {
        f"{key}_{tie}": Number(sequential.sel(net=net, tie=tie))
        for key, net in (("triangle", "frustrated_triangle"), ("two_patterns", "hebb_3_two"))
        for tie in ("keep", "up")
    }


SEED_GRID, SEED_BATCH = {"net": tuple(SEEDS), "schedule": SCHEDULES}, {"tie": TIE_RULES}
SEED_NETWORKS = ih.Study(
    name="seed_networks",
    description="the lecture notes' small nets: fixed points, cycles and exact absorption, every update",
    configs={
        "quick": Config(SEED_GRID, {}, "8 nets × 4 schedules", samples=1, batch=SEED_BATCH),
        "full": Config(SEED_GRID, {}, "the same: the nets are exact", samples=1, batch=SEED_BATCH),
    },
    compute=seeds_compute,
    outputs={
        "fixed_points": Output(("tie",), "1", "fixed points", "single-state closed classes"),
        "cycles": Output(("tie",), "1", "larger closed classes", "cycles, tie-driven wandering"),
        "attractor_state": Output(("tie", "attractor"), "1", "first state", "smallest; -1: none"),
        "attractor_size": Output(("tie", "attractor"), "1", "states", "in each closed class"),
        "absorption": Output(("tie", "state", "attractor"), "1", "absorption", "exact; NaN: none"),
        "absorption_sweeps": Output(("tie", "state"), "sweeps", "expected sweeps", "to absorption"),
        "couplings": Output(("site_i", "site_j"), "energy", "J", "couplings J_ij (zero-padded)"),
        "net_sites": Output((), "1", "N", "units of the network"),
    },
    coordinates={
        "net": ("1", "network", "a seed network of the lecture notes"),
        "state": ("1", "state index", "sum_i 2^i [s_i = +1] (as isinghop.exact)"),
        "attractor": ("1", "attractor", "closed class, fixed points first"),
        "site_i": ("1", "unit i", "row of J"),
        "site_j": ("1", "unit j", "column of J"),
    },
    plot=seeds_plot,
    findings=seeds_findings,
)


def self_coupling_compute(point, fixed, disorder, thermal, checkpoint):
    """Fixed points (tie keep) and spurious ones of one random Hebbian net, without and with J_ii = P/N."""
    xi = ih.random_patterns(fixed["n_patterns"], point["n_sites"], rng=disorder)
    counts = np.zeros((2, 2), dtype=int)
    for d, diagonal in enumerate((False, True)):
        points = ih.fixed_points(ih.hebbian(xi, self_coupling=diagonal), tie="keep")
        labels = label_minima(points, xi) if len(points) else []
        counts[d] = len(points), sum(not label.lstrip("−").startswith("ξ") for label in labels)
    return {"counts": counts}


def self_coupling_plot(ds):
    """Fixed points and spurious ones against N, with and without the diagonal."""
    fig, (ax,) = panels(width=4.2, height=3.2)
    for diagonal, marker in (("zero", "o"), ("P/N", "s")):
        for kind, style in (("fixed_points", "-"), ("spurious", "--")):
            counts = ds["counts"].sel(diagonal=diagonal, count_kind=kind)
            label = f"{kind.replace('_', ' ')}, J_ii {diagonal}"
            sample_errorbar(ax, ds["n_sites"], counts, ls=style, marker=marker, label=label)
    title = f"P = {ds.attrs['fixed_n_patterns']} random patterns, by enumeration"
    ax.set(yscale="log", xlabel="N", ylabel="count (mean over pattern sets)", title=title)
    ax.legend()
    return fig


def self_coupling_findings(ds):
    """The spurious fixed points of the largest N without and with self-coupling."""
    counts = ds["counts"].sel(count_kind="spurious", n_sites=ds["n_sites"].max())
    return {
        "sites": Number(ds["n_sites"].max()),
        "zero": mean_error(counts.sel(diagonal="zero")),
        "diagonal": mean_error(counts.sel(diagonal="P/N")),
    }


def _self_coupling(sizes, samples, text):
    batch = {"diagonal": ("zero", "P/N"), "count_kind": ("fixed_points", "spurious")}
    return Config({"n_sites": sizes}, {"n_patterns": 3}, text, samples=samples, batch=batch)


SELF_COUPLING = ih.Study(
    name="self_coupling",
    description="fixed points and spurious states of Hebbian nets with and without self-coupling",
    configs={
        "quick": _self_coupling((8, 10, 12), 3, "N = 8-12, 9 tasks"),
        "full": _self_coupling(tuple(range(8, 17)), 10, "N = 8-16, 90 tasks"),
    },
    compute=self_coupling_compute,
    outputs={"counts": Output(("diagonal", "count_kind"), "1", "count", "enumerating 2^N states")},
    coordinates={
        "diagonal": ("1", "self-coupling", "J_ii = 0, or J_ii = P/N (Hebb's diagonal)"),
        "count_kind": ("1", "what is counted", "fixed points (tie keep), or the spurious ones"),
    },
    plot=self_coupling_plot,
    findings=self_coupling_findings,
)

STUDIES = (SEED_NETWORKS, SELF_COUPLING)
