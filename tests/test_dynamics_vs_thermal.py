"""The dynamics_vs_thermal study: every route against its exact distribution, and the mixtures melting at small load."""

import numpy as np
import pytest

import isinghop as ih
from isinghop.testing import assert_study_dataset
from conftest import run_quick


@pytest.fixture(scope="module")
def quick(quick_stores):
    return run_quick(quick_stores, "dynamics_vs_thermal")


@pytest.mark.slow
def test_quick_config_meets_the_contract_and_draws(quick):
    assert_study_dataset(quick)
    assert ih.load_study("dynamics_vs_thermal").plot(quick) is not None


@pytest.mark.slow
@pytest.mark.statistical
def test_every_route_follows_its_exact_distribution(quick):
    # 21 chi^2 tests at p > 1e-4: a false alarm has probability ~2e-3 for the seed's draw
    assert float(quick["route_p_value"].min()) > 1e-4
    # longer annealing never leaves more energy behind (beyond 4 errors), and the exact tau_exp grows as T falls
    residual, error = quick["residual_energy"], quick["residual_energy_error"]
    assert bool((residual.isel(anneal_sweeps=-1) <= residual.isel(anneal_sweeps=0)
                 + 4 * np.hypot(error.isel(anneal_sweeps=-1), error.isel(anneal_sweeps=0))).all())
    tau = quick["tau_exp"].sortby("tau_T")
    assert bool((tau.diff("tau_T") < 0).all())


@pytest.mark.slow
def test_heating_melts_the_mixtures_and_keeps_retrieval_at_small_load(quick):
    fraction = quick["end_fraction"].sel(large_start="random").mean("large_sample")
    for alpha in (0.005, 0.01):
        at = fraction.sel(large_alpha=alpha)
        assert float(at.sel(large_T=0.0, end_class="mixture")) > 0.1
        assert float(at.sel(large_T=0.4, end_class="mixture")) < 0.02
        assert float(at.sel(large_T=0.4, end_class="pattern")) > 0.95


def test_distribution_p_value_pools_rare_categories_and_refuses_bad_input():
    rng = np.random.default_rng(95)
    p = np.array([0.5, 0.3, 0.199, 0.001])
    counts = rng.multinomial(2000, p)
    assert ih.stats.distribution_p_value(counts, p) > 1e-4
    assert ih.stats.distribution_p_value(counts, [0.3, 0.5, 0.199, 0.001]) < 1e-4
    assert ih.stats.distribution_p_value([5, 0], [0.0, 1.0]) == 0.0
    # a rare category stays pooled with a common one: one count where 0.1 is expected is no evidence
    assert ih.stats.distribution_p_value([99, 1], [0.999, 0.001]) > 0.05
    with pytest.raises(ValueError, match="counts, probabilities"):
        ih.stats.distribution_p_value([1, 2], [0.5, 0.6])


@pytest.mark.slow
def test_escape_times_follow_arrhenius_with_the_exact_barrier(quick):
    # median first-passage times to another minimum at Delta E / T = 4..7: the slope of ln t against 1/T is the
    # barrier up to the temperature dependence of the prefactor (several saddles, entropy), within 30 % where all
    # temperatures are low (T < 0.35, far below the retrieval melting); nets with a large barrier are probed at
    # higher T, where escape is partly entropic and the slope falls short of the barrier
    assert bool((quick["escaped_fraction"] > 0.5).all())
    cold = quick["escape_T"].max("escape_ratio") < 0.35
    assert bool(cold.any())
    assert bool((quick["escape_time"].diff("escape_ratio") > 0).where(cold, True).all())
    ratio = (quick["escape_barrier_fitted"] / quick["escape_barrier"]).where(cold, 1.0)
    assert bool(((ratio > 0.7) & (ratio < 1.3)).all())
