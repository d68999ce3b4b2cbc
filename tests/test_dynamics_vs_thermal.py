"""The dynamics_vs_thermal study: every route against its exact distribution, and the mixtures melting at small load."""

import numpy as np
import pytest

import isinghop as ih
from isinghop.testing import assert_study_dataset
from conftest import run_quick


MEMBERS = ("exact_routes", "annealing", "relaxation_time", "heat_and_quench", "escape_times")


@pytest.mark.slow
@pytest.mark.parametrize("name", MEMBERS)
def test_each_member_meets_the_contract_and_draws(quick_stores, name):
    assert ih.runtime.study_groups()["dynamics_vs_thermal"] == MEMBERS
    dataset = run_quick(quick_stores, name)
    assert_study_dataset(dataset)
    figure = ih.load_study(name).plot(dataset)
    assert 1 <= len(figure.axes) <= 2 and figure.get_figwidth() <= 6.5


@pytest.mark.slow
@pytest.mark.statistical
def test_every_route_follows_its_exact_distribution(quick_stores):
    # 21 chi^2 tests at p > 1e-4: a false alarm has probability ~2e-3 for the seed's draw
    assert float(run_quick(quick_stores, "exact_routes")["p_value"].min()) > 1e-4
    # longer annealing never leaves more energy behind (beyond 4 errors), and the exact tau_exp grows as T falls
    annealing = run_quick(quick_stores, "annealing")
    residual, error = annealing["residual_energy"], annealing["residual_energy_error"]
    assert bool((residual.isel(anneal_sweeps=-1) <= residual.isel(anneal_sweeps=0)
                 + 4 * np.hypot(error.isel(anneal_sweeps=-1), error.isel(anneal_sweeps=0))).all())
    tau = run_quick(quick_stores, "relaxation_time")["tau_exp"].sortby("T")
    assert bool((tau.diff("T") < 0).all())


@pytest.mark.slow
def test_heating_melts_the_mixtures_and_keeps_retrieval_at_small_load(quick_stores):
    fraction = run_quick(quick_stores, "heat_and_quench")["end_fraction"].sel(start="random").mean("sample")
    for alpha in (0.005, 0.01):
        at = fraction.sel(alpha=alpha)
        assert float(at.sel(T=0.0, end_class="mixture")) > 0.1
        assert float(at.sel(T=0.4, end_class="mixture")) < 0.02
        assert float(at.sel(T=0.4, end_class="pattern")) > 0.95


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
def test_escape_times_follow_arrhenius_with_the_exact_barrier(quick_stores):
    # median first-passage times to another minimum at Delta E / T = 4..7: the slope of ln t against 1/T is the
    # barrier up to the temperature dependence of the prefactor (several saddles, entropy), within 30 % where all
    # temperatures are low (T < 0.35, far below the retrieval melting); nets with a large barrier are probed at
    # higher T, where escape is partly entropic and the slope falls short of the barrier
    from isinghop.studies.dynamics_vs_thermal import escape_barrier

    quick = run_quick(quick_stores, "escape_times").isel(sample=0)
    assert bool((quick["escaped_fraction"] > 0.5).all())
    cold = quick["escape_T"].max("ratio") < 0.35
    assert bool(cold.any())
    assert bool((quick["escape_time"].diff("ratio") > 0).where(cold, True).all())
    for p in quick["n_patterns"].values[cold.values]:  # the barrier is the net's: the same at every ratio
        ratio = escape_barrier(run_quick(quick_stores, "escape_times"), p, 0) / float(quick["barrier"].sel(
            n_patterns=p).max())
        assert 0.7 < ratio < 1.3
