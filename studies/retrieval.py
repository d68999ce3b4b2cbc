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

FIXED = {"rule": "metropolis", "schedule": "permutation", "tie": "keep"}
QUICK = Config(
    grid={"alpha": (0.02, 0.06, 0.1, 0.14, 0.18, 0.22), "noise": (0.1, 0.3)}, samples=4,
    batch={"T": (0.2, 0.6), "replica": 4}, fixed={"n_sites": 200, "sweeps": 100, **FIXED},
    description="12 points × 4 samples at N = 200: seconds",
)
FULL = Config(
    grid={"alpha": tuple(np.round(np.arange(0.02, 0.201, 0.02), 3)), "noise": (0.1, 0.3)}, samples=8,
    batch={"T": (0.2, 0.4, 0.6), "replica": 8}, fixed={"n_sites": 2000, "sweeps": 1000, **FIXED},
    description="20 points × 8 samples at N = 2000: the paper's figure",
)


def compute(point, fixed, disorder, thermal, checkpoint):
    """One pattern set at load α (it depends on α and the sample only: every noise level sees it):
    recall of every replica's cue at T = 0, and Metropolis chains of every T from the same cues."""
    n, replicas, temperatures = fixed["n_sites"], fixed["replica"], np.asarray(fixed["T"], dtype=np.float64)
    xi = ih.random_patterns(max(1, int(round(point["alpha"] * n))), n, rng=disorder)
    model = ih.hebbian(xi)
    cue_seed, relax_seed, chain_seed = thermal.spawn(3)
    cues = ih.flip_fraction(np.repeat(xi[:1], replicas, axis=0), point["noise"], rng=cue_seed)
    relaxed = ih.relax(model, cues, schedule=fixed["schedule"], tie=fixed["tie"], rng=relax_seed)
    chain = ih.sample(model, np.tile(cues, (len(temperatures), 1)), T=np.repeat(temperatures, replicas),
                      rule=fixed["rule"], schedule=fixed["schedule"], sweeps=fixed["sweeps"], record="overlaps",
                      patterns=xi[:1], rng=chain_seed)
    thermal_overlap = chain.overlaps[:, fixed["sweeps"] // 2 :, 0].mean(axis=1)
    return {"overlap_recall": relaxed.spins @ xi[0].astype(np.int64) / n, "recall_sweeps": relaxed.sweeps,
            "overlap_thermal": thermal_overlap.reshape(len(temperatures), replicas)}


OUTPUTS = {
    "overlap_recall": Output(("replica",), "1", "overlap after recall",
                             "m_1 = (1/N) sum_i xi_i^1 s_i after zero-temperature relaxation from the cue"),
    "recall_sweeps": Output(("replica",), "sweeps", "recall sweeps", "sweeps the zero-temperature relaxation used"),
    "overlap_thermal": Output(("T", "replica"), "1", "thermal overlap",
                              "m_1 averaged over the second half of a Metropolis chain at T started from the cue"),
}


def theory(config):
    """The AGS T = 0 retrieval overlap on a fine grid of loads up to α_c (N → ∞)."""
    import xarray as xr

    alpha_c = ih.theory.ags_capacity()
    loads = np.linspace(1e-3, alpha_c, 60)
    overlap = [ih.theory.ags_zero_temperature(alpha).m for alpha in loads]
    return xr.Dataset(
        {"ags_overlap": ih.runtime.labelled("alpha_ags", overlap, "1", "AGS overlap",
                                            "T = 0 replica-symmetric retrieval overlap, N → ∞"),
         "alpha_c": ih.runtime.labelled((), alpha_c, "1", "α_c", "AGS storage capacity at T = 0")},
        coords={"alpha_ags": ih.runtime.labelled("alpha_ags", loads, "1", "load α", "loads of the AGS curve")})


def plot(dataset):
    """Recall overlap against load for each noise level beside the AGS T = 0 overlap and α_c, and the
    thermal overlap against load for each T."""
    from matplotlib.figure import Figure  # no pyplot: drawing never touches the caller's backend

    fig = Figure(figsize=(7.0, 3.2), layout="constrained")
    left, right = fig.subplots(1, 2, sharey=True)
    alpha = dataset["alpha"].values
    left.plot(dataset["alpha_ags"], dataset["ags_overlap"], "k-", lw=1, label="AGS, T = 0, N → ∞")
    left.axvline(float(dataset["alpha_c"]), color="0.5", ls=":", lw=1, label=f"α_c = {float(dataset['alpha_c']):.3f}")
    for noise in dataset["noise"].values:
        mean, error = ih.stats.disorder_average(dataset["overlap_recall"].sel(noise=noise))
        left.errorbar(alpha, mean, yerr=error, marker="o", ms=4, capsize=2, label=f"recall, cue noise {noise:g}")
    lowest = dataset["noise"].values.min()
    for T in dataset["T"].values:
        mean, error = ih.stats.disorder_average(dataset["overlap_thermal"].sel(noise=lowest, T=T))
        right.errorbar(alpha, mean, yerr=error, marker="s", ms=4, capsize=2, label=f"T = {T:g}")
    for ax in (left, right):
        ax.set_xlabel("load α = P/N")
        ax.legend(fontsize=7, loc="lower left" if ax is left else "upper right")
    left.set_ylabel("overlap m₁ (mean ± error over samples)")
    left.set_title("zero-temperature recall", fontsize=9)
    right.set_title(f"Metropolis, {dataset.attrs['fixed_sweeps']} sweeps, cue noise {lowest:g}", fontsize=9)
    fig.suptitle(f"Hebbian retrieval, N = {dataset.attrs['fixed_n_sites']}; {dataset.sizes['sample']} pattern "
                 "sets per load", fontsize=10)
    return fig


def findings(dataset):
    """The paper's numbers: zero-T recall from the least noisy cue at the smallest load and at the load
    nearest 0.18 (above α_c), mean over pattern sets."""
    from isinghop.stats.report import Number, mean_error

    recall = dataset["overlap_recall"].sel(noise=dataset["noise"].min())
    loaded = recall.sel(alpha=0.18, method="nearest")
    return {
        "noise": Number(dataset["noise"].min()),
        "sites": Number(dataset.attrs["fixed_n_sites"]),
        "samples": Number(dataset.sizes["sample"]),
        "sweeps": Number(dataset.attrs["fixed_sweeps"]),
        "alpha_low": Number(recall["alpha"].min()), "recall_low": mean_error(recall.sel(alpha=recall["alpha"].min())),
        "alpha_high": Number(loaded["alpha"]), "recall_high": mean_error(loaded),
    }


STUDY = ih.Study(
    name="retrieval",
    description="overlap after zero-T recall and after Metropolis over load α and cue noise, for several T",
    configs={"quick": QUICK, "full": FULL},
    compute=compute,
    outputs=OUTPUTS,
    theory=theory,
    plot=plot,
    disorder_keys=("alpha",),
    findings=findings,
)
