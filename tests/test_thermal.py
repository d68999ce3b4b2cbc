"""Thermal averages from Monte Carlo against exact results: Curie-Weiss and the 2D Ising model.

Every comparison is |MC - exact| < 4 sigma, with sigma the standard error from the
integrated autocorrelation time (means) or a blocked jackknife (C, U4).
"""

import numpy as np
import pytest
from scipy.special import gammaln, logsumexp

import isinghop as ih
from isinghop import observables as ob
from isinghop.stats import errors
from isinghop.theory import ising_torus_log_partition, ising_torus_thermodynamics

T_CRITICAL = 2 / np.log(1 + np.sqrt(2))


def curie_weiss(n, T):
    """Exact finite-N <|m|> and <E>/N of the single-pattern Hebbian model (zero diagonal)."""
    k = np.arange(n + 1)
    m = (2 * k - n) / n
    e = -(m**2) / 2 + 1 / (2 * n)
    log_w = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) - n * e / T
    p = np.exp(log_w - logsumexp(log_w))
    return p @ np.abs(m), p @ e


@pytest.mark.slow
@pytest.mark.statistical
@pytest.mark.parametrize("rule", ["metropolis", "glauber"])
@pytest.mark.parametrize("T", [0.5, 0.9, 1.1])
def test_curie_weiss_at_two_hundred_spins(T, rule):
    n = 200
    xi = ih.random_patterns(1, n, rng=1)  # the gauge s_i -> xi_i s_i maps Mattis onto Curie-Weiss
    chain = ih.sample(ih.hebbian(xi), np.repeat(xi, 8, axis=0), T=T, rule=rule, sweeps=40_000, burn_in=1000,
                      record=("energy_per_spin", "magnetisation", "overlaps"), rng=np.random.SeedSequence([int(10 * T), len(rule)]))
    abs_m, mean_e = curie_weiss(n, T)
    measured_m, error_m = errors.standard_error(np.abs(chain.overlaps[:, :, 0]))
    measured_e, error_e = errors.standard_error(chain.energy_per_spin)
    assert abs(measured_m - abs_m) < 4 * error_m
    assert abs(measured_e - mean_e) < 4 * error_e


def test_kaufman_against_enumeration():
    for L in (3, 4):
        model = ih.square_lattice(L)
        for T in (1.0, 2.0, T_CRITICAL, 2.5, 4.0):  # both signs of gamma_0 = 2K + ln tanh K
            assert ising_torus_log_partition(L, T) == pytest.approx(ih.log_partition_function(model, T=T), abs=1e-10)
            exact = ih.thermal_averages(model, T=T)
            energy, heat = ising_torus_thermodynamics(L, T)
            assert energy == pytest.approx(exact.energy_per_spin, abs=1e-9)
            assert heat == pytest.approx(exact.specific_heat, abs=1e-6)


@pytest.mark.slow
@pytest.mark.statistical
@pytest.mark.parametrize("rule", ["metropolis", "glauber"])
def test_small_torus_against_enumeration(rule):
    model = ih.square_lattice(4)
    T = 2.3
    exact = ih.thermal_averages(model, T=T)
    chain = ih.sample(model, np.ones((8, 16)), T=T, rule=rule, sweeps=100_000, burn_in=100, rng=len(rule))
    e, e_error = errors.standard_error(chain.energy_per_spin)
    abs_m, m_error = errors.standard_error(np.abs(chain.magnetisation))
    binder, binder_error = errors.jackknife(ob.binder_cumulant, chain.magnetisation, blocks=40)
    assert abs(e - exact.energy_per_spin) < 4 * e_error
    assert abs(abs_m - exact.abs_magnetisation) < 4 * m_error
    assert abs(binder - exact.binder) < 4 * binder_error


@pytest.mark.slow
@pytest.mark.statistical
@pytest.mark.parametrize("L, sweeps", [(16, 20_000), (32, 40_000)])
@pytest.mark.parametrize("T", [2.0, T_CRITICAL, 2.5])
def test_torus_energy_and_specific_heat_against_kaufman(L, sweeps, T):
    n = L * L
    chain = ih.sample(ih.square_lattice(L), np.ones((8, n)), T=T, rule="metropolis", sweeps=sweeps, burn_in=2000,
                      rng=np.random.SeedSequence([L, int(1000 * T)]))
    energy, heat = ising_torus_thermodynamics(L, T)
    e, e_error = errors.standard_error(chain.energy_per_spin)
    c, c_error = errors.jackknife(lambda x: ob.specific_heat(x, T, n), chain.energy_per_spin, blocks=20)
    # precision floor: the test can see a wrong answer (the error includes the spread of the 8 replica
    # means, which scatters by about 25 % at R = 8)
    assert e_error <= 0.003 and c_error / c <= 0.03
    assert abs(e - energy) < 4 * e_error
    assert abs(c - heat) < 4 * c_error


@pytest.mark.slow
@pytest.mark.statistical
def test_metropolis_and_glauber_agree_on_a_spin_glass():
    # no closed form here: the two rules must agree with each other (and with enumeration at N = 12)
    rng = np.random.default_rng(31)
    a = rng.normal(size=(12, 12)) / np.sqrt(12)
    model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T)
    T = 0.6
    exact = ih.thermal_averages(model, T=T)
    results = {}
    for rule in ("metropolis", "glauber"):
        chain = ih.sample(model, ih.random_spins(8, 12, rng=32), T=T, rule=rule, sweeps=50_000, rng=len(rule))
        results[rule] = errors.standard_error(chain.energy_per_spin)
        assert abs(results[rule][0] - exact.energy_per_spin) < 4 * results[rule][1]
    (e_m, s_m), (e_g, s_g) = results["metropolis"], results["glauber"]
    assert abs(e_m - e_g) < 4 * np.hypot(s_m, s_g)


@pytest.mark.slow
@pytest.mark.statistical
def test_parallel_tempering_across_the_transition():
    L = 16
    ladder = np.linspace(1.8, 3.0, 8)
    run = ih.tempering(ih.square_lattice(L), np.ones(L * L), T=ladder, sweeps=20_000, exchange_every=10,
                       burn_in=1000, rng=41)
    assert np.all(run.exchange_acceptance > 0.1) and run.round_trips.sum() > 10
    for k, T in enumerate(ladder):
        e, error = errors.standard_error(run.energy_per_spin[k])
        assert abs(e - ising_torus_thermodynamics(L, T)[0]) < 4 * error
