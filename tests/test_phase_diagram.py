"""The phase-diagram study, balanced patterns and the half-chain check it uses."""

import numpy as np
import pytest
import scipy.stats

import isinghop as ih
from isinghop.stats.finite_size import disorder_average
from isinghop.stats.errors import compare_halves
from isinghop.studies.phase_diagram import escape_temperature
from isinghop.testing import assert_study_dataset
from reference import ar1
from conftest import run_quick

THEORY = ("ags_overlap", "ags_q", "ags_overlap_line", "ags_q_line", "ags_retrieval_temperature",
          "spin_glass_temperature", "line_retrieval_temperature", "line_almeida_thouless", "line_global_load")


@pytest.fixture(scope="module")
def quick(quick_stores):
    return run_quick(quick_stores, "thermal_retrieval")


@pytest.mark.slow
def test_quick_config_meets_the_contract_and_holds_the_theory(quick, quick_stores):
    assert ih.runtime.study_groups()["phase_diagram"] == ("thermal_retrieval", "mixtures")
    assert_study_dataset(quick, dims=("n_sites", "alpha", "sample", "T", "replica"))
    assert len(ih.load_study("thermal_retrieval").plot(quick).axes) == 4
    mixtures = run_quick(quick_stores, "mixtures")
    assert_study_dataset(mixtures, dims=("n_sites", "mixture", "sample", "T", "replica"))
    assert len(ih.load_study("mixtures").plot(mixtures).axes) == 1
    assert {"theory_mixture_overlap", "theory_mixture_stable", "mixture_stability_temperature"} <= set(mixtures)
    assert set(THEORY) <= set(quick.data_vars)
    np.testing.assert_allclose(quick["spin_glass_temperature"], 1 + np.sqrt([0.03, 0.1]))
    T = quick["T"].values
    for alpha in quick["alpha"].values:  # a retrieval branch exactly below T_M
        theory = quick.sel(alpha=alpha)
        above = T > float(theory["ags_retrieval_temperature"])
        assert np.isnan(theory["ags_overlap"].values[above]).all()
        assert np.isfinite(theory["ags_overlap"].values[~above]).all()


@pytest.mark.slow
def test_thermal_retrieval_follows_ags(quick):
    """α = 0.03, N = 400 (AGS T_M = 0.65): at T = 0.4 and 0.5, where RS m and q differ from 1 by 0.02-0.12,
    every chain stays retrieved and m₁ and q_ab match RS within the 99 % t-interval of the mean over 6
    pattern sets (5 degrees of freedom) plus 4/N for the O(1/N) finite-size corrections of a mean-field
    state. No chain stays at T = 1.0, at most a quarter at T = 0.8 (at N = 400 the overlap above T_M decays
    slowly from about 0.3, the threshold), and the escape temperature lies between the grid points that
    bracket T_M (0.6 and 0.8)."""
    here = quick.sel(n_sites=400, alpha=0.03)
    warm = [0.4, 0.5]
    assert bool(here["retrieved"].sel(T=warm).all())
    factor = scipy.stats.t.ppf(0.995, df=here.sizes["sample"] - 1)
    for variable, theory, within in (("overlap", "ags_overlap", "replica"), ("replica_overlap", "ags_q", "pair")):
        mean, error = disorder_average(here[variable].sel(T=warm), replica_dim=within)
        assert np.all(np.abs(mean - here[theory].sel(T=warm)) < factor * error + 4 / 400), variable
    assert not bool(here["retrieved"].sel(T=1.0).any())
    assert float(here["retrieved"].sel(T=0.8).mean()) <= 0.25  # N = 400 keeps an overlap ~0.3 a while above T_M
    value, error = escape_temperature(quick, 400, 0.03)
    assert 0.6 <= value <= 0.8 and error > 0


@pytest.mark.slow
def test_mixtures_stable_below_their_temperature_and_not_above():
    """Balanced patterns, N = 2000: the 3-mixture's free-energy barrier is 0.012 per spin at T = 0.2 and
    0.003 at T = 0.3 (N ΔF/T ≈ 120 and 20: no escape in 600 sweeps), while above T₃ = 0.460 the mixture
    is a saddle and the chain falls into one pure state within a few hundred sweeps."""
    xi = ih.balanced_patterns(3, 2000, rng=1)
    mixture = np.sign(xi.sum(axis=0)).astype(np.int8)
    T = [0.2, 0.2, 0.3, 0.3, 0.6, 0.6]
    chain = ih.sample(ih.hebbian(xi), np.repeat(mixture[None], 6, axis=0), T=T, sweeps=600, record="overlaps", rng=2)
    late = chain.overlaps[:, 300:].mean(axis=1)
    for r in range(4):  # thermal fluctuation of a 300-sweep mean of m: far below 0.02
        assert np.abs(late[r] - ih.theory.mixture_state(3, T[r]).m).max() < 0.02
    pure = ih.theory.curie_weiss(0.6).m.max()
    assert np.allclose(np.sort(np.abs(late[4:]), axis=1), [0, 0, pure], atol=0.03)


def test_balanced_patterns_hold_every_combination_equally():
    xi = ih.balanced_patterns(4, 1000, rng=3)
    assert xi.dtype == np.int8 and xi.shape == (4, 1000)
    counts = np.bincount(((xi > 0) * (1 << np.arange(4))[:, None]).sum(axis=0), minlength=16)
    assert counts.min() >= 1000 // 16 and counts.max() <= 1000 // 16 + 1
    overlaps = xi.astype(np.int64) @ xi.T.astype(np.int64) / 1000
    assert np.abs(overlaps - np.eye(4)).max() <= 16 / 1000
    with pytest.raises(ValueError, match="n_patterns"):
        ih.balanced_patterns(21, 10)


def test_compare_halves():
    """Stationary AR(1) with ρ = 0.9: τ_int = (1 + ρ)/(2(1 − ρ)) = 9.5; z is standard normal, so 200
    chains have |z| ≥ 3 about 0.5 times. A mean shift of 1 at mid-chain is found in every chain."""
    series = ar1(0.9, 4000, 200, 4)
    check = compare_halves(series)
    assert check.z.shape == (200,) and np.median(check.tau) == pytest.approx(9.5, rel=0.1)
    assert check.agree.sum() >= 197
    shifted = series + (np.arange(4000) >= 2000)
    assert not compare_halves(shifted).agree.any()
    constant = compare_halves(np.ones((2, 10)))
    assert np.all(constant.tau == 0.5) and np.all(constant.z == 0)
    with pytest.raises(ValueError, match="series"):
        compare_halves(np.ones(3))


def test_bad_configuration_is_refused_before_any_chain(tmp_path):
    streams = np.random.SeedSequence(0), np.random.SeedSequence(1), ih.Checkpoint(tmp_path)
    study = ih.load_study("thermal_retrieval")
    config = study.configs["quick"]
    fixed = config.fixed | config.batch | {"sweeps": 201}
    with pytest.raises(ValueError, match="blocks"):
        study.compute({"n_sites": 50, "alpha": 0.1, "sample": 0}, fixed, *streams)
    study = ih.load_study("mixtures")
    config = study.configs["quick"]
    with pytest.raises(ValueError, match="mixture"):
        study.compute({"n_sites": 50, "mixture": 4, "sample": 0}, config.fixed | config.batch, *streams)
