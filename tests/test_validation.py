"""The validation group: the samplers against Boltzmann, finite-N Curie–Weiss and Kaufman's torus."""

import numpy as np
import pytest

import isinghop as ih
from conftest import run_quick
from isinghop.testing import assert_study_dataset


def test_final_states_follow_boltzmann(quick_stores):
    # under the null hypothesis the 48 p-values (6 networks × 2 T × 4 rules and schedules) are uniform;
    # Fisher's combination is then uniform too, and below 1e-3 with probability 1e-3
    quick = run_quick(quick_stores, "boltzmann_chi2")
    assert_study_dataset(quick, dims=("network", "T", "sample", "chain"))
    p = quick["p_value"].values
    assert np.isfinite(p).all() and p.size == 48
    assert ih.stats.combined_p_value(p, "tests").holds
    assert (quick["sweeps"] >= 1).all()
    assert ih.load_study("boltzmann_chi2").plot(quick) is not None


@pytest.mark.parametrize("name, variable", [("curie_weiss_exact", "abs_magnetisation"),
                                            ("curie_weiss_exact", "energy_per_spin"),
                                            ("kaufman_torus", "energy_per_spin")])
def test_chain_means_agree_with_the_exact_values(quick_stores, name, variable):
    # chain sets are independent: the error of their mean is std/√S; the χ² over every (size, T), with
    # Student's t for S samples, has p ≥ 1e-3 unless the sampler is biased
    quick = run_quick(quick_stores, name)
    data = quick[variable]
    mean, error = data.mean("sample"), data.std("sample", ddof=1) / np.sqrt(data.sizes["sample"])
    exact = quick[f"{variable}_exact"]
    assert ih.stats.chi2_agreement(mean, error, exact, "exact", samples=data.sizes["sample"]).holds
    # and the test has power: a 2 % shift of the exact values is rejected
    assert not ih.stats.chi2_agreement(mean, error, exact * 1.02, "exact", samples=data.sizes["sample"]).holds
    assert ih.load_study(name).plot(quick) is not None


def test_equilibration_sweeps_follow_the_exact_law():
    # two spins, J = 1, h = (0.5, −0.3), T = 0.5, Metropolis over random permutations: the law of a uniform
    # start after t sweeps, u Pᵗ by matrix powers here, approaches Boltzmann geometrically; the answer is the
    # first t whose excess chi-square R Σ (p_t − π)²/π falls below the bias, and grows like ln R
    model = ih.dense_model([[0.0, 1.0], [1.0, 0.0]], h=[0.5, -0.3])
    matrix, law = ih.sweep_matrix(model, T=0.5), ih.boltzmann(model, T=0.5)
    found = []
    for replicas in (10, 10**4, 10**8):
        excess = [replicas * np.sum((np.full(4, 0.25) @ np.linalg.matrix_power(matrix, t) - law) ** 2 / law)
                  for t in range(1, 200)]
        found.append(ih.exact.equilibration_sweeps(matrix, law, replicas))
        assert found[-1] == 1 + next(t for t, value in enumerate(excess) if value < 0.01)
    assert found[0] < found[1] < found[2]
    with pytest.raises(ValueError, match="max_sweeps"):
        ih.exact.equilibration_sweeps(matrix, law, 10**8, max_sweeps=10)
