"""Retrieval: overlap with a stored pattern after zero-temperature recall and after thermal sampling.

Hebbian couplings of P = αN random patterns (pattern storage, zero diagonal).
For each disorder sample, every replica starts from pattern 1 with a fraction
``noise`` of its sites flipped; it is recalled by the zero-temperature
dynamics (random order, ties keep the spin), and, separately, sampled by
Metropolis at temperature T from the same cue. Below the storage capacity
(α_c ≈ 0.138 at T = 0) recall restores the pattern; temperature and load
melt the retrieval state (Amit, Gutfreund & Sompolinsky).
"""

import numpy as np
import xarray as xr

import isinghop as ih

QUICK = ih.Config(
    grid={"alpha": (0.02, 0.06, 0.1, 0.14, 0.18, 0.22), "noise": (0.1, 0.3)},
    fixed={"n_sites": 200, "T": [0.2, 0.6], "samples": 4, "replicas": 4, "sweeps": 100, "rule": "metropolis",
           "schedule": "permutation", "tie": "keep"},
    description="12 points at N = 200, 4 disorder samples: seconds",
)
FULL = ih.Config(
    grid={"alpha": tuple(np.round(np.arange(0.02, 0.201, 0.02), 3)), "noise": (0.1, 0.3)},
    fixed={"n_sites": 2000, "T": [0.2, 0.4, 0.6], "samples": 8, "replicas": 8, "sweeps": 1000,
           "rule": "metropolis", "schedule": "permutation", "tie": "keep"},
    description="20 points at N = 2000, 8 disorder samples: the paper's figure",
)


def run_point(point, fixed, disorder, thermal, checkpoint):
    """Overlaps ``(sample, replica)`` after recall, and ``(T, sample, replica)`` after Metropolis.

    The patterns of disorder sample s depend on α only (the study keys its
    disorder streams by α), so every noise level and temperature sees the
    same pattern sets. Recall runs once per sample; the Metropolis chains of
    all temperatures run in one call, one replica block per T, from the same
    cues. Finished samples are checkpointed, so a restarted point redoes at
    most one.
    """
    n, samples, replicas = fixed["n_sites"], fixed["samples"], fixed["replicas"]
    temperatures = np.asarray(fixed["T"], dtype=np.float64)
    n_patterns = max(1, int(round(point["alpha"] * n)))
    saved = checkpoint.load("samples") or {
        "recall": np.empty((samples, replicas)), "thermal": np.empty((len(temperatures), samples, replicas)),
        "sweeps": np.empty((samples, replicas), dtype=np.int64), "done": np.array(0)}
    recall, thermal_m, sweeps_used = saved["recall"], saved["thermal"], saved["sweeps"]
    for s, (patterns_seed, dynamics_seed) in enumerate(zip(disorder.spawn(samples), thermal.spawn(samples))):
        if s < int(saved["done"]):
            continue
        xi = ih.random_patterns(n_patterns, n, rng=patterns_seed)
        model = ih.hebbian(xi)
        cue_seed, relax_seed, chain_seed = dynamics_seed.spawn(3)
        cues = ih.flip_fraction(np.repeat(xi[:1], replicas, axis=0), point["noise"], rng=cue_seed)
        relaxed = ih.relax(model, cues, schedule=fixed["schedule"], tie=fixed["tie"], rng=relax_seed)
        recall[s] = relaxed.spins @ xi[0].astype(np.int64) / n
        sweeps_used[s] = relaxed.sweeps
        chain = ih.sample(model, np.tile(cues, (len(temperatures), 1)), T=np.repeat(temperatures, replicas),
                          rule=fixed["rule"], schedule=fixed["schedule"], sweeps=fixed["sweeps"], record="overlaps",
                          patterns=xi[:1], rng=chain_seed)
        thermal_m[:, s] = chain.overlaps[:, fixed["sweeps"] // 2 :, 0].mean(axis=1).reshape(len(temperatures), -1)
        checkpoint.save("samples", recall=recall, thermal=thermal_m, sweeps=sweeps_used, done=np.array(s + 1))
    coords = {
        "T": ih.runtime.labelled("T", temperatures, "energy", "temperature", "Metropolis temperature"),
        "sample": ("sample", np.arange(samples), {"units": "1", "long_name": "disorder sample",
                                                  "description": "independent pattern set (the same for every noise)"}),
        "replica": ("replica", np.arange(replicas), {"units": "1", "long_name": "replica",
                                                     "description": "independent cue and dynamics on one pattern set"}),
    }
    return xr.Dataset(
        {
            "overlap_recall": (("sample", "replica"), recall, {
                "units": "1", "long_name": "overlap after recall",
                "description": "m_1 = (1/N) sum_i xi_i^1 s_i after zero-temperature relaxation from the cue"}),
            "overlap_thermal": (("T", "sample", "replica"), thermal_m, {
                "units": "1", "long_name": "thermal overlap",
                "description": "m_1 averaged over the second half of a Metropolis chain at T started from the cue"}),
            "recall_sweeps": ih.runtime.labelled(("sample", "replica"), sweeps_used, "sweeps", "recall sweeps",
                                                 "sweeps the zero-temperature relaxation used"),
        },
        coords=coords,
    )


def plot(dataset):
    """Recall overlap against load for each noise level, and thermal overlap against load for each T."""
    from matplotlib.figure import Figure  # no pyplot: drawing never touches the caller's backend

    fig = Figure(figsize=(10, 4))
    left, right = fig.subplots(1, 2, sharey=True)
    alpha = dataset["alpha"].values
    for noise in dataset["noise"].values:
        mean, error = ih.stats.disorder_average(dataset["overlap_recall"].sel(noise=noise))
        left.errorbar(alpha, mean, yerr=error, marker="o", capsize=3, label=f"cue noise {noise:g}")
    lowest = dataset["noise"].values.min()
    for T in dataset["T"].values:
        mean, error = ih.stats.disorder_average(dataset["overlap_thermal"].sel(noise=lowest, T=T))
        right.errorbar(alpha, mean, yerr=error, marker="s", capsize=3, label=f"T = {T:g}")
    left.axvline(0.138, color="0.6", ls=":", lw=1, label="α_c ≈ 0.138 (T = 0)")
    for ax in (left, right):
        ax.set_xlabel("load α = P/N")
        ax.legend(fontsize=8)
    left.set_ylabel("overlap m₁ (mean over disorder samples ± error)")
    left.set_title("zero-temperature recall")
    right.set_title(f"Metropolis, cue noise {lowest:g}")
    n = dataset.attrs.get("fixed_n_sites", "")
    samples = dataset.sizes["sample"]
    fig.suptitle(f"Hebbian retrieval, N = {n}; error bars from {samples} independent pattern sets")
    fig.tight_layout()
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
        "samples": Number(dataset.attrs["fixed_samples"]),
        "sweeps": Number(dataset.attrs["fixed_sweeps"]),
        "alpha_low": Number(recall["alpha"].min()), "recall_low": mean_error(recall.sel(alpha=recall["alpha"].min())),
        "alpha_high": Number(loaded["alpha"]), "recall_high": mean_error(loaded),
    }

STUDY = ih.Study(
    name="retrieval",
    description="overlap after zero-T recall and after Metropolis over load α and cue noise, for several T",
    configs={"quick": QUICK, "full": FULL},
    run_point=run_point,
    plot=plot,
    coordinates={
        "alpha": {"units": "1", "long_name": "load α", "description": "stored patterns per site, P/N"},
        "noise": {"units": "1", "long_name": "cue noise", "description": "fraction of the cue's sites flipped"},
    },
    disorder_keys=("alpha",),
    findings=findings,
)
