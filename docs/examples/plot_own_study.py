"""
Write your own study
====================

Metropolis ``⟨|m|⟩`` of one stored pattern (the Curie–Weiss magnet) against T for two sizes, beside the
N → ∞ mean field: a grid, disorder samples, one function of a point and a sample, a theory and a figure.
"""

import tempfile

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.runtime import Config, Output


def compute(point, fixed, disorder, thermal, checkpoint):
    xi = ih.random_patterns(1, point["n_sites"], rng=disorder)
    chain = ih.sample(ih.hebbian(xi), np.tile(xi, (fixed["replica"], 1)), T=point["T"], sweeps=fixed["sweeps"],
                      burn_in=fixed["sweeps"], record="overlaps", rng=thermal)
    return {"abs_overlap": np.abs(chain.overlaps[..., 0]).mean(axis=1)}


def theory(config):
    T = np.asarray(config.grid["T"])
    m = np.abs(np.nanmax(ih.theory.curie_weiss(T).m, axis=-1))
    mean_field = ih.runtime.labelled("T", m, "1", "|m|, N → ∞", "largest root of m = tanh(m/T)")
    return xr.Dataset({"mean_field": mean_field}, coords={"T": T})


def plot(dataset):
    from matplotlib.figure import Figure

    ax = (figure := Figure(figsize=(4.5, 3.2), layout="constrained")).subplots()
    for n in dataset["n_sites"].values:
        mean, error = ih.stats.disorder_average(dataset["abs_overlap"].sel(n_sites=n))
        ax.errorbar(dataset["T"], mean, yerr=error, marker="o", capsize=2, label=f"Metropolis, N = {n}")
    ax.plot(dataset["T"], dataset["mean_field"], "k-", label="mean field, N → ∞")
    ax.set(xlabel="temperature T (units of J, k_B = 1)", ylabel="⟨|m|⟩ (± error over samples)")
    ax.legend(fontsize=8)
    return figure


STUDY = ih.Study(
    name="curie_weiss_mc", description="Metropolis <|m|> of one pattern against T", compute=compute, theory=theory,
    configs={"quick": Config(grid={"n_sites": (50, 400), "T": (0.5, 0.8, 1.0, 1.2, 1.5)}, samples=4,
                             batch={"replica": 4}, fixed={"sweeps": 200})},
    outputs={"abs_overlap": Output(("replica",), "1", "|m|", "|m_1| averaged over the chain after its burn-in")},
    plot=plot)

if __name__ == "__main__":
    plot(ih.run_study(STUDY, "quick", tempfile.mkdtemp(), rng=1))
