"""Error analysis and order parameters against known answers."""

import numpy as np
import pytest

import isinghop as ih
from isinghop import observables as ob


def ar1(rho, length, replicas, seed):
    """x_t = rho x_{t-1} + sqrt(1 - rho^2) eta_t, started in equilibrium."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(replicas, length)) * np.sqrt(1 - rho**2)
    x = np.empty((replicas, length))
    x[:, 0] = rng.normal(size=replicas)
    for t in range(1, length):
        x[:, t] = rho * x[:, t - 1] + noise[:, t]
    return x


@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_integrated_time_of_an_ar1_process(rho):
    series = ar1(rho, 250_000, 8, seed=int(rho * 10))
    expected = (1 + rho) / (2 * (1 - rho))
    # statistical spread of the estimate: var/tau^2 ~ 4 c tau / n_total = 5e-5 * tau: 5 % is over 4 sigma
    assert ob.integrated_time(series) == pytest.approx(expected, rel=0.05)
    # the error of the mean accounts for it: 2 tau sigma^2 / n
    mean, error = ob.standard_error(series)
    assert error == pytest.approx(np.sqrt(2 * expected / series.size), rel=0.05)
    assert abs(mean) < 4 * error


def test_short_series_are_refused():
    series = ar1(0.99, 2000, 1, seed=3)[0]  # tau ~ 100: 2000 samples are fewer than 50 tau
    with pytest.raises(ob.AutocorrelationError, match="run longer"):
        ob.integrated_time(series)
    assert ob.integrated_time(series, quiet=True) > 10


def test_jackknife_of_a_variance():
    rng = np.random.default_rng(4)
    samples = rng.normal(scale=2.0, size=(4, 40_000))
    value, error = ob.jackknife(np.var, samples, blocks=40)
    # independent normal samples: var(s^2) = 2 sigma^4 / n
    assert error == pytest.approx(np.sqrt(2 * 16 / samples.size), rel=0.3)
    assert abs(value - 4.0) < 4 * error


def test_fluctuation_formulas_against_exact_enumeration():
    model = ih.square_lattice(4)
    T = 2.2
    exact = ih.thermal_averages(model, T)
    # independent draws from the exact Boltzmann distribution; errors by jackknife, asserted at 4 sigma
    draws = np.random.default_rng(9).choice(2**16, size=(1, 400_000), p=ih.boltzmann(model, T))
    states = ih.state_spins(draws.ravel(), 16)
    m = ob.magnetisation(states)[None, :]
    e = ob.energy_per_spin(model, states)[None, :]
    checks = [
        (ob.binder_cumulant, (m,), exact.binder),
        (lambda x: ob.specific_heat(x, T, 16), (e,), exact.specific_heat),
        (lambda x: ob.symmetric_susceptibility(x, T, 16), (m,), 16 / T * exact.magnetisation_2),
        (lambda x: ob.susceptibility(x, T, 16), (m,), 16 / T * (exact.magnetisation_2 - exact.abs_magnetisation**2)),
    ]
    for estimator, data, expected in checks:
        value, error = ob.jackknife(estimator, *data, blocks=40)
        assert abs(value - expected) < 4 * error


def test_replica_overlaps_and_histogram():
    spins = np.array([[1, 1, 1, 1], [1, 1, -1, -1], [-1, -1, -1, -1]])
    np.testing.assert_array_equal(ob.replica_overlaps(spins), [0.0, -1.0, 0.0])
    assert ob.edwards_anderson(spins) == pytest.approx(np.sqrt(1 / 3))
    q, p = ob.overlap_histogram(ob.replica_overlaps(spins), 4)
    np.testing.assert_array_equal(q, [-1, -0.5, 0, 0.5, 1])
    np.testing.assert_allclose(p, [1 / 3, 0, 2 / 3, 0, 0])
    xi = np.array([[1, -1, 1, -1]])
    np.testing.assert_array_equal(ob.overlaps(spins, xi)[:, 0], [0, 0, 0])
    with pytest.raises(ValueError, match="two replicas"):
        ob.replica_overlaps(spins[:1])


def test_hot_and_cold_starts():
    agree = ob.compare_starts(ar1(0.5, 20_000, 4, 5), ar1(0.5, 20_000, 4, 6))
    assert agree.agree
    stuck = ob.compare_starts(ar1(0.5, 20_000, 4, 7) + 0.5, ar1(0.5, 20_000, 4, 8))
    assert not stuck.agree and stuck.z > 3
