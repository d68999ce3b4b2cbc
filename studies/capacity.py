"""Capacity: zero-temperature recall of Hebbian memories against the load α = P/N, and its size dependence.

For each size N and load α (pattern storage, zero diagonal, several
independent pattern sets), the zero-temperature dynamics (random order each
sweep, ties keep the spin) start from stored patterns and from cues with 10 %
of their sites flipped. Recorded per probe: the final overlap with the
pattern, whether the pattern itself is a fixed point, the fraction of wrong
bits (1 − m)/2 and the sweeps used. Beside them the Dataset holds the
replica-symmetric AGS theory at T = 0 (:func:`isinghop.theory.meanfield.ags_zero_temperature`):
m(α) and (1 − m)/2 for α < α_c = 0.1379.

Finite-size analysis (in the figure): the apparent capacity α_c(N) where
the mean final overlap falls through 0.9, and where the fraction of
successful recalls (final m ≥ 0.9) falls through 1/2, each with a jackknife
error over pattern sets, extrapolated as α_c(N) = α_c(∞) + b N^(−1/2).
:func:`extrapolations` gives α_c(∞) for every criterion of :data:`CRITERIA`
(mean m at 0.8, 0.9, 0.95; half the recalls at m ≥ 0.9, 0.95) and for the
exponents 1/2 and 1: their spread, the systematic error of the
extrapolation (larger than the statistical one), enters the paper's
number (:func:`findings`).
"""

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.stats.finite_size import disorder_jackknife, extrapolate_in_size, level_crossing
from isinghop.runtime import Config, Output, labelled

#: A recall counts as successful when the final overlap is at least this.
SUCCESS = 0.9

QUICK = Config(
    grid={"n_sites": (250, 500, 1000), "alpha": (0.06, 0.1, 0.13, 0.16, 0.22)}, samples=4,
    fixed={"probes": 8, "cue_noise": 0.1, "max_sweeps": 50},
    description="N = 250-1000, 5 loads, 4 pattern sets of 8 probes: seconds",
)
FULL = Config(
    grid={"n_sites": (500, 1000, 2000, 4000, 8000, 16000),
          "alpha": (0.08, 0.1, 0.11, 0.12, 0.125, 0.13, 0.135, 0.14, 0.145, 0.15, 0.155, 0.16, 0.17, 0.18, 0.2)},
    samples=8, fixed={"probes": 16, "cue_noise": 0.1, "max_sweeps": 200},
    description="N = 500-16000, 15 loads (every 0.005 near the crossing), 8 pattern sets of 16 probes",
)
HUGE = Config(
    grid={"n_sites": (32000, 64000, 100000), "alpha": (0.12, 0.13, 0.14, 0.15, 0.16)}, samples=4,
    fixed={"probes": 8, "cue_noise": 0.1, "max_sweeps": 200},
    description="N = 32000-100000: independent tasks for a dask.distributed cluster (--scheduler)",
)


def compute(point, fixed, disorder, thermal, checkpoint):
    """Recall from stored patterns and from 10 % cues at one (N, α), for one pattern set."""
    n = point["n_sites"]
    n_patterns = max(1, round(point["alpha"] * n))
    xi = ih.random_patterns(n_patterns, n, rng=disorder)
    model = ih.hebbian(xi)
    cue_seed, pattern_run, cue_run = thermal.spawn(3)
    stored = xi[: min(fixed["probes"], n_patterns)]
    weights = stored.astype(np.int64)
    from_pattern = ih.relax(model, stored, schedule="permutation", tie="keep", max_sweeps=fixed["max_sweeps"],
                            rng=pattern_run)
    cues = ih.flip_fraction(stored, fixed["cue_noise"], rng=cue_seed)
    from_cue = ih.relax(model, cues, schedule="permutation", tie="keep", max_sweeps=fixed["max_sweeps"], rng=cue_run)
    overlap = np.einsum("ps,ps->p", from_pattern.spins.astype(np.int64), weights) / n
    return {"overlap_from_pattern": overlap, "wrong_bits": (1 - overlap) / 2, "recall_sweeps": from_pattern.sweeps,
            "overlap_from_cue": np.einsum("ps,ps->p", from_cue.spins.astype(np.int64), weights) / n,
            "fixed_point": (stored * ih.local_fields(model, stored) > 0).all(axis=1)}  # a zero field is no margin


OUTPUTS = {
    "overlap_from_pattern": Output(("probe",), "1", "final overlap from ξ",
                                   "m after zero-T relaxation started at the stored pattern"),
    "overlap_from_cue": Output(("probe",), "1", "final overlap from a cue",
                               "m after relaxation from the pattern with cue_noise of its sites flipped"),
    "fixed_point": Output(("probe",), "1", "pattern is a fixed point",
                          "every site of the stored pattern is aligned with its field"),
    "wrong_bits": Output(("probe",), "1", "fraction of wrong bits", "(1 - m)/2 after relaxation from the pattern"),
    "recall_sweeps": Output(("probe",), "sweeps", "sweeps", "sweeps of the relaxation from the stored pattern"),
}


def theory(config):
    """The replica-symmetric AGS retrieval state at T = 0 at every load of the grid (NaN above α_c)."""
    alpha = np.asarray(config.grid["alpha"], dtype=np.float64)
    states = [ih.theory.ags_zero_temperature(a) for a in alpha]
    return xr.Dataset(
        {"theory_overlap": labelled("alpha", [s.m for s in states], "1", "AGS overlap",
                                    "replica-symmetric T = 0 retrieval overlap (NaN above alpha_c = 0.1379)"),
         "theory_wrong_bits": labelled("alpha", [s.wrong_bits for s in states], "1", "AGS wrong bits",
                                       "(1 - m)/2 of the RS theory")},
        coords={"alpha": alpha})


def _fittable(sizes, values, errors):
    """The sizes whose crossing was found with a positive jackknife error (the others carry no weight in a fit)."""
    keep = np.isfinite(values) & (errors > 0)
    return sizes[keep], values[keep], errors[keep]


def apparent_capacity(dataset, variable, level, transform=None):
    """α_c(N) per size where the sample-mean curve of ``variable`` falls through ``level``, with its
    jackknife error over pattern sets: ``(sizes, values, errors)``."""
    alpha = dataset["alpha"].values
    sizes, values, errors = [], [], []
    for n in dataset["n_sites"].values:
        data = dataset[variable].sel(n_sites=n)
        data = transform(data) if transform is not None else data
        value, error = disorder_jackknife(lambda block: level_crossing(alpha, np.nanmean(block, axis=-1), level),
                                          data.mean("probe").transpose("alpha", "sample"), replica_dim=None)
        sizes.append(int(n))
        values.append(value)
        errors.append(error)
    return np.array(sizes), np.array(values), np.array(errors)


def _succeeded(threshold):
    return lambda data: (data >= threshold).astype(float)


#: The criteria of the systematic table: (label, level, transform of the final overlap).
CRITERIA = (
    ("mean m = 0.8", 0.8, None),
    (f"mean m = {SUCCESS}", SUCCESS, None),
    ("mean m = 0.95", 0.95, None),
    (f"half with m ≥ {SUCCESS}", 0.5, _succeeded(SUCCESS)),
    ("half with m ≥ 0.95", 0.5, _succeeded(0.95)),
)


def extrapolations(dataset, exponents=(0.5, 1.0)):
    """α_c(∞) for every criterion of :data:`CRITERIA` and finite-size exponent: the systematic spread.

    Returns
    -------
    list of tuple
        ``(criterion, exponent, limit, error, chi2_per_dof)``; criteria with fewer
        than 3 sizes where the curve falls through its level are left out.
    """
    rows = []
    for label, level, transform in CRITERIA:
        sizes, values, errors = _fittable(*apparent_capacity(dataset, "overlap_from_pattern", level, transform))
        if len(sizes) < 3:
            continue
        for exponent in exponents:
            limit, error, _, chi2 = extrapolate_in_size(sizes, values, errors, exponent=exponent)
            rows.append((label, exponent, limit, error, chi2))
    return rows


def plot(dataset):
    """Recall against α for each N beside AGS (overlap, wrong bits, successful recalls) and α_c(N)
    extrapolated in N^(−1/2): four panels, readable at the paper's column width."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.0, 5.4), layout="constrained")
    (overlap, wrong), (success, sizes_ax) = fig.subplots(2, 2)
    alpha = dataset["alpha"].values
    fine = np.linspace(alpha.min(), alpha.max(), 300)
    rs = np.array([ih.theory.ags_zero_temperature(a).m for a in fine])
    capacity = ih.theory.ags_capacity(0.0)
    for k, n in enumerate(dataset["n_sites"].values):
        here, style = dataset.sel(n_sites=n), dict(marker="o", ms=3, capsize=2, color=f"C{k}", label=f"N = {n}")
        for axis, data in ((overlap, here["overlap_from_pattern"]), (wrong, here["wrong_bits"]),
                           (success, (here["overlap_from_pattern"] >= SUCCESS).astype(float))):
            mean, error = ih.stats.disorder_average(data.mean("probe"), replica_dim=None)
            axis.errorbar(alpha, mean, yerr=error, **style)
    overlap.plot(fine, rs, "k-", lw=1.2, label="AGS (RS), T = 0")
    wrong.plot(fine, (1 - rs) / 2, "k-", lw=1.2, label="AGS (RS)")
    success.axhline(0.5, color="0.6", lw=0.8)
    for axis, ylabel, title in ((overlap, "final overlap m from ξ", "recall from the stored pattern"),
                                (wrong, "wrong bits (1 − m)/2", "wrong bits after recall"),
                                (success, f"fraction of recalls with m ≥ {SUCCESS}", "successful recalls")):
        axis.axvline(capacity, color="0.5", ls=":", lw=1)
        axis.set(xlabel="load α = P/N", ylabel=ylabel)
        axis.set_title(title, fontsize=9)
        axis.legend(fontsize=7.5, loc="lower left" if axis is not wrong else "upper left")
    wrong.set_yscale("log")
    for label, variable, level, transform, marker in (
            (f"mean m = {SUCCESS}", "overlap_from_pattern", SUCCESS, None, "o"),
            ("half succeed", "overlap_from_pattern", 0.5, lambda d: (d >= SUCCESS).astype(float), "s")):
        sizes, values, errors = apparent_capacity(dataset, variable, level, transform)
        points = sizes_ax.errorbar(sizes ** -0.5, values, yerr=errors, fmt=marker, capsize=2, label=f"α_c(N): {label}")
        if len(_fittable(sizes, values, errors)[0]) >= 3:
            limit, limit_error, slope, _ = extrapolate_in_size(*_fittable(sizes, values, errors))
            x = np.linspace(0, sizes.min() ** -0.5, 50)
            sizes_ax.plot(x, limit + slope * x, "--", lw=1, color=points[0].get_color(),
                          label=f"fit: α_c(∞) = {limit:.3f} ± {limit_error:.3f}")
    sizes_ax.axhline(capacity, color="k", lw=1, label=f"RS theory {capacity:.4f}")
    sizes_ax.set(xlabel="N^(−1/2)", ylabel="apparent capacity α_c(N)", xlim=(0, None))
    sizes_ax.set_title("finite-size capacity", fontsize=9)
    sizes_ax.legend(fontsize=7.5, loc="upper left")
    fig.suptitle(f"Hebbian capacity at T = 0 against AGS; error bars from {dataset.sizes['sample']} pattern sets "
                 "(dotted: α_c)", fontsize=10)
    return fig


def findings(dataset):
    """The paper's numbers: α_c(∞) extrapolated in N^(−1/2) against the RS α_c, its error the statistical
    one and half the spread over criteria and exponents (taken as one standard error) in quadrature; and
    the overlap at α = 0.1 for the largest N against AGS."""
    from isinghop.stats.report import Number, agreement, mean_error

    capacity = ih.theory.ags_capacity(0.0)
    sizes, values, errors = apparent_capacity(dataset, "overlap_from_pattern", SUCCESS)
    limit, statistical, _, _ = extrapolate_in_size(*_fittable(sizes, values, errors), exponent=0.5)
    spread = np.ptp([row[2] for row in extrapolations(dataset)]) / 2
    extrapolated = Number(limit, float(np.hypot(statistical, spread)))
    largest = dataset.sel(n_sites=dataset["n_sites"].max(), alpha=0.1)
    overlap = mean_error(largest["overlap_from_pattern"])
    theory = float(largest["theory_overlap"])
    return {
        "alpha_c_rs": Number(capacity),
        "alpha_c": extrapolated,
        "alpha_c_statistical": Number(statistical, digits=1),
        "alpha_c_systematic": Number(spread, digits=1),
        "alpha_c_agreement": agreement(extrapolated, capacity, "the replica-symmetric capacity"),
        "largest_sites": Number(dataset["n_sites"].max()),
        "overlap_alpha": Number(0.1),
        "overlap_01": overlap,
        "overlap_01_theory": Number(theory),
        "overlap_01_agreement": agreement(overlap, theory, "the AGS overlap"),
    }

STUDY = ih.Study(
    name="capacity",
    description="zero-temperature recall against the load for N = 250-16000 beside the AGS T = 0 theory",
    configs={"quick": QUICK, "full": FULL, "huge": HUGE},
    compute=compute,
    outputs=OUTPUTS,
    theory=theory,
    plot=plot,
    coordinates={"probe": {"units": "1", "long_name": "probe", "description": "which stored pattern is recalled"}},
    findings=findings,
)
