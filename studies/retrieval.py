"""Retrieval: overlap with a stored pattern after zero-temperature recall and after thermal sampling.

Hebbian couplings of P = αN random patterns (pattern storage, zero diagonal).
For each disorder sample, every replica starts from pattern 1 with a fraction
``noise`` of its sites flipped; it is recalled by the zero-temperature
dynamics (random order, ties keep the spin), and, separately, sampled by
Metropolis at temperature T from the same cue. Below the storage capacity
(α_c ≈ 0.138 at T = 0) recall restores the pattern; temperature and load
melt the retrieval state (Amit, Gutfreund & Sompolinsky). The AGS T = 0
overlap of the retrieval state is declared beside the simulation.
"""

import numpy as np

import isinghop as ih
from isinghop.runtime import Config, Output
from isinghop.stats.report import Number, mean_error
from isinghop.viz.figures import panels, sample_errorbar

FIXED = {"rule": "metropolis", "schedule": "permutation", "tie": "keep"}
QUICK = Config(
    {"alpha": (0.02, 0.06, 0.1, 0.14, 0.18, 0.22), "noise": (0.1, 0.3)},
    {"n_sites": 200, "sweeps": 100, **FIXED},
    "12 points × 4 samples at N = 200",
    samples=4,
    batch={"T": (0.2, 0.6), "replica": 4},
)
FULL = Config(
    {"alpha": tuple(np.round(np.arange(0.02, 0.201, 0.02), 3)), "noise": (0.1, 0.3)},
    {"n_sites": 2000, "sweeps": 1000, **FIXED},
    "20 points × 8 samples at N = 2000",
    samples=8,
    batch={"T": (0.2, 0.4, 0.6), "replica": 8},
)


def compute(point, fixed, disorder, thermal, checkpoint):
    """One pattern set at load α (it depends on α and the sample only: every noise level sees it):
    recall of every replica's cue at T = 0, and Metropolis chains of every T from the same cues."""
    n, replicas, temperatures = (
        fixed["n_sites"],
        fixed["replica"],
        np.asarray(fixed["T"], dtype=np.float64),
    )
    xi = ih.random_patterns(max(1, int(round(point["alpha"] * n))), n, rng=disorder)
    model = ih.hebbian(xi)
    cue_seed, relax_seed, chain_seed = thermal.spawn(3)
    cues = ih.flip_fraction(np.repeat(xi[:1], replicas, axis=0), point["noise"], rng=cue_seed)
    relaxed = ih.relax(model, cues, schedule=fixed["schedule"], tie=fixed["tie"], rng=relax_seed)
    chain = ih.sample(
        model,
        np.tile(cues, (len(temperatures), 1)),
        T=np.repeat(temperatures, replicas),
        rule=fixed["rule"],
        schedule=fixed["schedule"],
        sweeps=fixed["sweeps"],
        record="overlaps",
        patterns=xi[:1],
        rng=chain_seed,
    )
    thermal_overlap = chain.overlaps[:, fixed["sweeps"] // 2 :, 0].mean(axis=1)
    return {
        "overlap_recall": relaxed.spins @ xi[0].astype(np.int64) / n,
        "recall_sweeps": relaxed.sweeps,
        "overlap_thermal": thermal_overlap.reshape(len(temperatures), replicas),
    }


OUTPUTS = {
    "overlap_recall": Output(
        ("replica",), "1", "overlap after recall", "m₁ after T = 0 relaxation"
    ),
    "recall_sweeps": Output(("replica",), "sweeps", "recall sweeps", "of the T = 0 relaxation"),
    "overlap_thermal": Output(
        ("T", "replica"), "1", "thermal overlap", "m₁, second half of the chain"
    ),
    "ags_overlap": Output(
        ("alpha_ags",), "1", "AGS overlap", "T = 0 RS retrieval overlap, N → ∞", True
    ),
    "alpha_c": Output((), "1", "α_c", "AGS storage capacity at T = 0", True),
}


def theory(config):
    """The AGS T = 0 retrieval overlap on a fine grid of loads up to α_c (N → ∞)."""
    loads = np.linspace(1e-3, ih.theory.ags_capacity(), 60)
    overlap = [ih.theory.ags_zero_temperature(alpha).m for alpha in loads]
    return {
        "alpha_ags": ("alpha_ags", loads),
        "ags_overlap": ("alpha_ags", overlap),
        "alpha_c": ((), ih.theory.ags_capacity()),
    }


def plot(ds):
    """Recall overlap against load for each noise level beside the AGS T = 0 overlap and α_c, and the
    thermal overlap against load for each T."""
    fig, (left, right) = panels(2, height=3.0)
    alpha_c, lowest = float(ds["alpha_c"]), ds["noise"].values.min()
    left.plot(ds["alpha_ags"], ds["ags_overlap"], "k-", lw=1, label="AGS, T = 0, N → ∞")
    left.axvline(alpha_c, color="0.5", ls=":", lw=1, label=f"α_c = {alpha_c:.3f}")
    for noise in ds["noise"].values:
        recall = ds["overlap_recall"].sel(noise=noise)
        sample_errorbar(left, ds["alpha"], recall, ms=4, label=f"recall, cue noise {noise:g}")
    for T in ds["T"].values:
        thermal = ds["overlap_thermal"].sel(noise=lowest, T=T)
        sample_errorbar(right, ds["alpha"], thermal, marker="s", ms=4, label=f"T = {T:g}")
    left.set(ylabel="overlap m₁", title=f"T = 0 recall, N = {ds.attrs['fixed_n_sites']}")
    right.set(title=f"Metropolis, {ds.attrs['fixed_sweeps']} sweeps, noise {lowest:g}")
    for ax in (left, right):
        ax.set(xlabel="load α = P/N", ylim=(-0.05, 1.05))
        ax.legend(loc="lower left" if ax is left else "upper right")
    return fig


def findings(ds):
    """Zero-T recall from the least noisy cue at the smallest load and at the load nearest 0.18 (above
    α_c), mean over pattern sets."""
    recall = ds["overlap_recall"].sel(noise=ds["noise"].min())
    low, loaded = recall.isel(alpha=0), recall.sel(alpha=0.18, method="nearest")
    return {
        "noise": Number(ds["noise"].min()),
        "sites": Number(ds.attrs["fixed_n_sites"]),
        "samples": Number(ds.sizes["sample"]),
        "sweeps": Number(ds.attrs["fixed_sweeps"]),
        "alpha_low": Number(low["alpha"]),
        "recall_low": mean_error(low),
        "alpha_high": Number(loaded["alpha"]),
        "recall_high": mean_error(loaded),
    }


STUDY = ih.Study(
    name="retrieval",
    description="overlap after zero-T recall and after Metropolis over load α and cue noise, for several T",
    configs={"quick": QUICK, "full": FULL},
    compute=compute,
    outputs=OUTPUTS,
    theory=theory,
    plot=plot,
    coordinates={"alpha_ags": ("1", "load α", "loads of the AGS curve")},
    disorder_keys=("alpha",),
    findings=findings,
)
