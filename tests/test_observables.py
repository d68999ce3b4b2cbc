"""Error analysis and order parameters against known answers."""

import numpy as np
import pytest
from scipy.special import gammaln, logsumexp

import isinghop as ih
from isinghop import observables as ob
from isinghop.stats import errors as stats_errors
from reference import ar1


@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_integrated_time_of_an_ar1_process(rho):
    series = ar1(rho, 250_000, 8, seed=int(rho * 10))
    expected = (1 + rho) / (2 * (1 - rho))
    # statistical spread of the estimate: var/tau^2 ~ 4 c tau / n_total = 5e-5 * tau: 5 % is over 4 sigma
    assert stats_errors.integrated_time(series) == pytest.approx(expected, rel=0.05)
    # the error of the mean accounts for it: 2 tau sigma^2 / n, replica by replica (tau from that replica alone)
    for replica in series:
        assert stats_errors.standard_error(replica)[1] == pytest.approx(np.sqrt(2 * expected / replica.size), rel=0.05)
    # pooled: max(tau-based error, spread of the 8 replica means / sqrt(8)); the spread scatters by ~25 %,
    # and exceeds 1.5 times the true error with probability P(chi2_7 > 15.75) = 3 %
    mean, error = stats_errors.standard_error(series)
    assert 0.95 <= error / np.sqrt(2 * expected / series.size) <= 1.5
    assert abs(mean) < 4 * error


def test_short_series_are_refused():
    series = ar1(0.99, 2000, 1, seed=3)[0]  # tau ~ 100: 2000 samples are fewer than 50 tau
    with pytest.raises(stats_errors.AutocorrelationError, match="run longer"):
        stats_errors.integrated_time(series)
    assert stats_errors.integrated_time(series, quiet=True) > 10


def test_jackknife_of_a_variance():
    rng = np.random.default_rng(4)
    samples = rng.normal(scale=2.0, size=(4, 40_000))
    value, error = stats_errors.jackknife(np.var, samples, blocks=40)
    # independent normal samples: var(s^2) = 2 sigma^4 / n
    assert error == pytest.approx(np.sqrt(2 * 16 / samples.size), rel=0.3)
    assert abs(value - 4.0) < 4 * error


def test_fluctuation_formulas_against_exact_enumeration():
    model = ih.square_lattice(4)
    T = 2.2
    exact = ih.thermal_averages(model, T=T)
    # independent draws from the exact Boltzmann distribution; errors by jackknife, asserted at 4 sigma
    draws = np.random.default_rng(9).choice(2**16, size=(1, 400_000), p=ih.boltzmann(model, T=T))
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
        value, error = stats_errors.jackknife(estimator, *data, blocks=40)
        assert abs(value - expected) < 4 * error


def test_replica_overlaps_and_histogram():
    spins = np.array([[1, 1, 1, 1], [1, 1, -1, -1], [-1, -1, -1, -1]])
    np.testing.assert_array_equal(ob.replica_overlaps(spins), [0.0, -1.0, 0.0])
    assert ob.edwards_anderson(spins) == pytest.approx(np.sqrt(1 / 3))
    q, p = ob.replica_overlap_histogram(ob.replica_overlaps(spins), 4)
    np.testing.assert_array_equal(q, [-1, -0.5, 0, 0.5, 1])
    np.testing.assert_allclose(p, [1 / 3, 0, 2 / 3, 0, 0])
    xi = np.array([[1, -1, 1, -1]])
    np.testing.assert_array_equal(ob.overlaps(spins, xi)[:, 0], [0, 0, 0])
    with pytest.raises(ValueError, match="two replicas"):
        ob.replica_overlaps(spins[:1])


def test_hot_and_cold_starts():
    agree = stats_errors.compare_starts(ar1(0.5, 20_000, 4, 5), ar1(0.5, 20_000, 4, 6))
    assert agree.agree
    stuck = stats_errors.compare_starts(ar1(0.5, 20_000, 4, 7) + 0.5, ar1(0.5, 20_000, 4, 8))
    assert not stuck.agree and stuck.z > 3
    assert agree.replicas_agree and stuck.replicas_agree
    # one replica of the hot run sits elsewhere: not equilibrated, reported (not raised)
    split = ar1(0.5, 20_000, 4, 9)
    split[2] += 0.5
    check = stats_errors.compare_starts(split, ar1(0.5, 20_000, 4, 10))
    assert not check.agree and not check.replicas_agree
    with pytest.raises(stats_errors.ReplicaDisagreementError, match="replica 2: "):
        stats_errors.standard_error(split)


def test_bad_window_and_tau_are_refused():
    series = ar1(0.5, 5000, 2, seed=12)
    for c in (-1, 0, np.nan, np.inf):
        with pytest.raises(ValueError, match=r"^c: .*got"):
            stats_errors.integrated_time(series, c=c)
    for tau in (-1, 0.0, 0.49, np.nan, np.inf):
        with pytest.raises(ValueError, match=r"^tau: .*>= 0.5"):
            stats_errors.standard_error(series, tau=tau)
    assert stats_errors.standard_error(series, tau=0.5)[1] > 0


def frozen_curie_weiss():
    """Eight Curie-Weiss replicas at T = 0.5 < T_c: each stays in the +m or the -m state it fell into."""
    model = ih.hebbian(np.ones((1, 400), np.int8))
    return ih.sample(model, ih.random_spins(8, 400, rng=3), T=0.5, sweeps=2000, burn_in=200, rng=4).magnetisation


def curie_weiss_m2(n, T):
    """Exact finite-N <m^2> of Curie-Weiss (zero diagonal, E = -N m^2/2 + 1/2) by a binomial sum."""
    k = np.arange(n + 1)
    m = (2 * k - n) / n
    log_w = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1) + n * m**2 / (2 * T)
    p = np.exp(log_w - logsumexp(log_w))
    return p @ m**2


def test_frozen_replicas_are_refused_not_averaged():
    m = frozen_curie_weiss()
    # the truth is <m> = 0 by the flip symmetry; each replica alone looks converged at +-0.96
    with pytest.raises(stats_errors.ReplicaDisagreementError, match=r"^series: the means of the 8 replicas disagree") as info:
        stats_errors.standard_error(m)
    message = str(info.value)
    for r in range(8):  # every replica disagrees with the others, each named with its mean
        assert f"replica {r}: {m[r].mean():.6g}" in message
    assert isinstance(info.value, ValueError)
    # quiet: the mean, with an error that covers the spread of the replica means (and so the truth, 0)
    mean, error = stats_errors.standard_error(m, quiet=True)
    assert error >= m.mean(axis=1).std(ddof=1) / np.sqrt(8)
    assert abs(mean - 0.0) < 2 * error
    check = stats_errors.compare_starts(m, -m)  # hot and cold means agree (z ~ 0), but neither run has mixed
    assert not check.agree and not check.replicas_agree


def test_replica_errors_are_honest_for_mixing_chains():
    # 400 independent realisations of 8 AR(1) replicas x 2000 samples (tau_int = 4.5): the true error of
    # the mean is known in closed form; the returned errors must match it on average, cover the truth
    # (|mean| < 2 error in ~95 %), and no realisation may be refused (p >= 1e-6 each)
    rho, replicas, length, realisations = 0.8, 8, 2000, 400
    x = ar1(rho, length, replicas * realisations, seed=11).reshape(realisations, replicas, length)
    variance = ((1 + rho) / (1 - rho) - 2 * rho * (1 - rho**length) / (length * (1 - rho) ** 2)) / length
    true = np.sqrt(variance / replicas)
    results = np.array([stats_errors.standard_error(chains) for chains in x])
    means, errors = results[:, 0], results[:, 1]
    assert means.std() == pytest.approx(true, rel=0.1)  # the closed form is the truth (10 % = 2.8 sigma)
    assert 0.95 <= np.median(errors) / true <= 1.1
    assert 0.95 <= np.mean(errors) / true <= 1.2  # max(sigma_tau, sigma_R) is conservative by ~8 %
    assert np.mean(np.abs(means) < 2 * errors) >= 0.93


def test_ergodic_curie_weiss_replicas_agree():
    n, T = 400, 2.0
    model = ih.hebbian(np.ones((1, n), np.int8))
    m = ih.sample(model, ih.random_spins(8, n, rng=5), T=T, sweeps=2000, burn_in=200, rng=6).magnetisation
    mean, error = stats_errors.standard_error(m)  # does not raise: the replicas sample one symmetric state
    # tau_int >= 1/2: the error is at least that of independent samples of the exact <m^2>, and not much more
    independent = np.sqrt(curie_weiss_m2(n, T) / m.size)
    assert 0.9 <= error / independent <= 1.5
    assert abs(mean) < 4 * error


def test_classify_states_of_a_hopfield_network():
    n, T = 400, 0.2
    xi = ih.random_patterns(3, n, rng=61)
    model = ih.hebbian(xi)
    mixture = np.where(xi.sum(axis=0) > 0, 1, -1)  # sgn(xi1 + xi2 + xi3): overlaps 1/2 each for large N
    starts = np.array([xi[0], xi[0], -xi[1], -xi[1], mixture, mixture])
    # at T = 0.2 and alpha = 3/400 the patterns, their mirrors and the symmetric 3-mixture are all stable (AGS)
    chain = ih.sample(model, starts, T=T, sweeps=200, rng=62, record=())
    classes = ob.classify_states(chain.spins, xi)
    assert list(classes.kind) == ["retrieval"] * 2 + ["mirror"] * 2 + ["mixture"] * 2
    assert list(classes.pattern) == [0, 0, 1, 1, -1, -1] and list(classes.components) == [0] * 4 + [3, 3]
    # above T = 1 the network is a paramagnet: no overlap, replicas uncorrelated (|q| ~ N^-1/2)
    hot = ih.sample(model, ih.random_spins(8, n, rng=63), T=2.0, sweeps=200, rng=64, record=())
    assert ob.classify_states(hot.spins, xi).fractions()["paramagnet"] == 1.0


def test_classify_states_of_a_frozen_spin_glass():
    # Sherrington-Kirkpatrick at T = 0.1 (T_g = 1): replicas from one configuration stay in its valley (q_EA ~ 0.9)
    rng = np.random.default_rng(65)
    n = 200
    a = rng.normal(size=(n, n)) / np.sqrt(n)
    model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T)
    start = ih.relax(model, ih.random_spins(1, n, rng=66)[0], rng=67).spins
    chain = ih.sample(model, np.repeat(start[None], 6, axis=0), T=0.1, sweeps=20, rng=68, record=())
    patterns = ih.random_patterns(2, n, rng=69)  # no pattern is stored: overlaps with random ones are ~ N^-1/2
    assert ob.classify_states(chain.spins, patterns).fractions()["spin_glass"] == 1.0


def test_classify_states_refuses_bad_input():
    xi = ih.random_patterns(2, 50, rng=1)
    with pytest.raises(ValueError, match="spins: classification needs the final states of at least 2 replicas"):
        ob.classify_states(xi[:1], xi)
    with pytest.raises(ValueError, match="spins: classification needs"):
        ob.classify_states(xi[0], xi)
    with pytest.raises(ValueError, match="mixture: must be below retrieval"):
        ob.classify_states(xi, xi, retrieval=0.3, mixture=0.4)
    with pytest.raises(ValueError, match="glass"):
        ob.classify_states(xi, xi, glass=0.0)
