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

import isinghop as ih
from isinghop.runtime import Config, Output
from isinghop.stats.finite_size import disorder_jackknife, extrapolate_in_size, level_crossing
from isinghop.stats.report import Number, agreement, mean_error
from isinghop.viz.figures import panels, sample_errorbar

#: A recall counts as successful when the final overlap is at least this.
SUCCESS = 0.9
LOADS = (0.08, 0.1, 0.11, 0.12, 0.125, 0.13, 0.135, 0.14, 0.145, 0.15, 0.155, 0.16, 0.17, 0.18, 0.2)
CONFIGS = {
    "quick": Config(
        {"n_sites": (250, 500, 1000), "alpha": (0.06, 0.1, 0.13, 0.16, 0.22)},
        {"probes": 8, "cue_noise": 0.1, "max_sweeps": 50},
        "N ≤ 1000, 5 loads",
        samples=4,
    ),
    "full": Config(
        {"n_sites": (500, 1000, 2000, 4000, 8000, 16000), "alpha": LOADS},
        {"probes": 16, "cue_noise": 0.1, "max_sweeps": 200},
        "N ≤ 16000, 15 loads",
        samples=8,
    ),
    "huge": Config(
        {"n_sites": (32000, 64000, 100000), "alpha": (0.12, 0.13, 0.14, 0.15, 0.16)},
        {"probes": 8, "cue_noise": 0.1, "max_sweeps": 200},
        "N ≤ 10^5, for a cluster",
        samples=4,
    ),
}


def compute(point, fixed, disorder, thermal, checkpoint):
    """Recall from stored patterns and from 10 % cues at one (N, α), for one pattern set."""
    n, sweeps = point["n_sites"], fixed["max_sweeps"]
    n_patterns = max(1, round(point["alpha"] * n))
    xi = ih.random_patterns(n_patterns, n, rng=disorder)
    model = ih.hebbian(xi)
    cue_seed, pattern_run, cue_run = thermal.spawn(3)
    stored = xi[: min(fixed["probes"], n_patterns)]
    weights = stored.astype(np.int64)
    from_pattern = ih.relax(model, stored, max_sweeps=sweeps, rng=pattern_run)
    cues = ih.flip_fraction(stored, fixed["cue_noise"], rng=cue_seed)
    from_cue = ih.relax(model, cues, max_sweeps=sweeps, rng=cue_run)
    overlap = np.einsum("ps,ps->p", from_pattern.spins.astype(np.int64), weights) / n
    cue_overlap = np.einsum("ps,ps->p", from_cue.spins.astype(np.int64), weights) / n
    aligned = (stored * ih.local_fields(model, stored) > 0).all(axis=1)  # a zero field is no margin
    return {
        "overlap_from_pattern": overlap,
        "wrong_bits": (1 - overlap) / 2,
        "fixed_point": aligned,
        "recall_sweeps": from_pattern.sweeps,
        "overlap_from_cue": cue_overlap,
    }


def theory(config):
    """The replica-symmetric AGS retrieval state at T = 0 at every load of the grid (NaN above α_c)."""
    states = [ih.theory.ags_zero_temperature(a) for a in config.grid["alpha"]]
    return {
        "theory_overlap": ("alpha", [s.m for s in states]),
        "theory_wrong_bits": ("alpha", [s.wrong_bits for s in states]),
    }


def apparent_capacity(ds, level, success=None):
    """α_c(N) per size where the sample-mean final overlap (or, with ``success``, the fraction of recalls
    with m ≥ success) falls through ``level``, with its jackknife error over pattern sets.

    Returns
    -------
    tuple of numpy.ndarray
        ``(sizes, values, errors)``.
    """
    data = ds["overlap_from_pattern"]
    data = data if success is None else (data >= success).astype(float)
    alpha = ds["alpha"].values
    found = [
        disorder_jackknife(
            lambda block: level_crossing(alpha, np.nanmean(block, axis=-1), level),
            data.sel(n_sites=n).transpose("alpha", ...),
            replica_dim="probe",
        )
        for n in ds["n_sites"].values
    ]
    return (ds["n_sites"].values, *np.array(found).T)


def _fittable(sizes, values, errors):
    """The sizes whose crossing was found with a positive jackknife error (the others carry no weight)."""
    keep = np.isfinite(values) & (errors > 0)
    return sizes[keep], values[keep], errors[keep]


#: The criteria of the systematic spread: (label, level, success threshold or None for the mean m).
CRITERIA = (
    ("mean m = 0.8", 0.8, None),
    (f"mean m = {SUCCESS}", SUCCESS, None),
    ("mean m = 0.95", 0.95, None),
    (f"half with m ≥ {SUCCESS}", 0.5, SUCCESS),
    ("half with m ≥ 0.95", 0.5, 0.95),
)


def extrapolations(ds, exponents=(0.5, 1.0)):
    """α_c(∞) for every criterion of :data:`CRITERIA` and finite-size exponent: the systematic spread.

    Returns
    -------
    list of tuple
        ``(criterion, exponent, limit, error, chi2_per_dof)``; criteria with fewer
        than 3 sizes where the curve falls through its level are left out.
    """
    rows = []
    for label, level, success in CRITERIA:
        sizes, values, errors = _fittable(*apparent_capacity(ds, level, success))
        for exponent in exponents if len(sizes) >= 3 else ():
            limit, error, _, chi2 = extrapolate_in_size(sizes, values, errors, exponent=exponent)
            rows.append((label, exponent, limit, error, chi2))
    return rows


def plot(ds):
    """Recall against α for each N beside AGS (overlap, wrong bits, successful recalls) and α_c(N)
    extrapolated in N^(−1/2)."""
    fig, (overlap, wrong, success, sizes_ax) = panels(2, 2, height=2.7)
    fine = np.linspace(float(ds["alpha"].min()), float(ds["alpha"].max()), 300)
    rs = np.array([ih.theory.ags_zero_temperature(a).m for a in fine])
    capacity = ih.theory.ags_capacity(0.0)
    for k, n in enumerate(ds["n_sites"].values):
        m = ds["overlap_from_pattern"].sel(n_sites=n)
        for ax, data in (
            (overlap, m),
            (wrong, (1 - m) / 2),
            (success, (m >= SUCCESS).astype(float)),
        ):
            sample_errorbar(
                ax, ds["alpha"], data.mean("probe"), ms=3, color=f"C{k}", label=f"N = {n}"
            )
    overlap.plot(fine, rs, "k-", lw=1.2, label="AGS (RS), T = 0")
    wrong.plot(fine, (1 - rs) / 2, "k-", lw=1.2, label="AGS (RS)")
    success.axhline(0.5, color="0.6", lw=0.8)
    for ax, ylabel in (
        (overlap, "final overlap m from ξ"),
        (wrong, "wrong bits (1 − m)/2"),
        (success, f"fraction of recalls, m ≥ {SUCCESS}"),
    ):
        ax.axvline(capacity, color="0.5", ls=":", lw=1)
        ax.set(xlabel="load α = P/N", ylabel=ylabel)
        ax.legend(loc="upper left" if ax is wrong else "lower left")
    wrong.set_yscale("log")
    for label, level, criterion, marker in (
        (f"mean m = {SUCCESS}", SUCCESS, None, "o"),
        ("half succeed", 0.5, SUCCESS, "s"),
    ):
        sizes, values, errors = apparent_capacity(ds, level, criterion)
        points = sizes_ax.errorbar(sizes**-0.5, values, errors, fmt=marker, capsize=2, label=label)
        if len(_fittable(sizes, values, errors)[0]) >= 3:
            limit, limit_error, slope, _ = extrapolate_in_size(*_fittable(sizes, values, errors))
            x = np.linspace(0, sizes.min() ** -0.5, 50)
            sizes_ax.plot(
                x,
                limit + slope * x,
                "--",
                lw=1,
                color=points[0].get_color(),
                label=f"α_c(∞) = {limit:.3f} ± {limit_error:.3f}",
            )
    sizes_ax.axhline(capacity, color="k", lw=1, label=f"RS theory {capacity:.4f}")
    sizes_ax.set(xlabel="N^(−1/2)", ylabel="apparent capacity α_c(N)", xlim=(0, None))
    sizes_ax.legend(loc="upper left")
    return fig


def findings(ds):
    """α_c(∞) extrapolated in N^(−1/2) against the RS α_c, its error the statistical one and half the
    spread over criteria and exponents (taken as one standard error) in quadrature; the overlap at
    α = 0.1 for the largest N against AGS."""
    capacity = ih.theory.ags_capacity(0.0)
    found = _fittable(*apparent_capacity(ds, SUCCESS))
    limit, statistical, _, _ = extrapolate_in_size(*found, exponent=0.5)
    spread = np.ptp([row[2] for row in extrapolations(ds)]) / 2
    extrapolated = Number(limit, float(np.hypot(statistical, spread)))
    largest = ds.sel(n_sites=ds["n_sites"].max(), alpha=0.1)
    overlap, theory = mean_error(largest["overlap_from_pattern"]), float(largest["theory_overlap"])
    return {
        "alpha_c_rs": Number(capacity),
        "alpha_c": extrapolated,
        "alpha_c_statistical": Number(statistical, digits=1),
        "alpha_c_systematic": Number(spread, digits=1),
        "alpha_c_agreement": agreement(extrapolated, capacity, "the replica-symmetric capacity"),
        "largest_sites": Number(ds["n_sites"].max()),
        "overlap_alpha": Number(0.1),
        "overlap_01": overlap,
        "overlap_01_theory": Number(theory),
        "overlap_01_agreement": agreement(overlap, theory, "the AGS overlap"),
    }


STUDY = ih.Study(
    name="capacity",
    description="zero-temperature recall against the load for N = 250-16000 beside the AGS T = 0 theory",
    configs=CONFIGS,
    compute=compute,
    outputs={
        "overlap_from_pattern": Output(("probe",), "1", "final m from ξ", "after T = 0 relaxation"),
        "overlap_from_cue": Output(
            ("probe",), "1", "final overlap from a cue", "cue_noise flipped"
        ),
        "fixed_point": Output(
            ("probe",), "1", "fixed point", "every site of ξ aligned with its field"
        ),
        "wrong_bits": Output(("probe",), "1", "wrong bits", "(1 - m)/2 after relaxation from ξ"),
        "recall_sweeps": Output(("probe",), "sweeps", "sweeps", "of the relaxation from ξ"),
        "theory_overlap": Output(("alpha",), "1", "AGS overlap", "RS, T = 0; NaN above α_c", True),
        "theory_wrong_bits": Output(
            ("alpha",), "1", "AGS wrong bits", "(1 - m)/2 of the RS theory", True
        ),
    },
    theory=theory,
    plot=plot,
    coordinates={"probe": ("1", "probe", "which stored pattern is recalled")},
    findings=findings,
)
