"""Histogram reweighting against exact enumeration, the binomial Curie-Weiss sums and Kaufman's torus.

Every statistical assertion is at 4 jackknife standard errors (20 blocks, each
hundreds of autocorrelation times long); the precision floors make sure the
errors are small enough for the comparison to be able to fail.
"""

import numpy as np
import pytest
import scipy.optimize

import isinghop as ih
from isinghop.theory import ising_torus_thermodynamics
from isinghop.theory.meanfield import curie_weiss_finite
from isinghop.stats.reweighting import binder_crossing, histograms


def _torus_chain(L, T, sweeps, seed):
    return ih.sample(ih.square_lattice(L), np.ones((8, L * L)), T=T, sweeps=sweeps, burn_in=2000, rng=seed)


def _mattis(n, T, field=0.0, seed=0, sweeps=20_000):
    """Single-pattern Hopfield (Curie-Weiss by the gauge s -> xi s), field of amplitude ``field`` along the pattern."""
    xi = ih.random_patterns(1, n, rng=seed)
    model = ih.hebbian(xi).with_field(h=field * xi[0])
    chain = ih.sample(model, np.repeat(xi, np.size(T), axis=0), T=T, sweeps=sweeps, burn_in=1000,
                      record=("energy_per_spin", "overlaps"), rng=seed + 1)
    return chain.energy_per_spin, chain.overlaps[:, :, 0]


@pytest.mark.statistical
def test_single_histogram_against_enumeration():
    model = ih.square_lattice(4)
    chain = _torus_chain(4, 2.3, 20_000, seed=1)
    hist = histograms(chain.energy_per_spin, chain.magnetisation, T=2.3, n_sites=16)
    low, high = hist.trusted_temperatures()
    assert low < 2.0 and high > 2.7  # N = 16: the energy histogram is wide
    result = hist.reweight([2.0, 2.3, 2.7])
    for k, T in enumerate(result.T):
        exact = ih.thermal_averages(model, T=T)
        for name, reference in [("energy_per_spin", exact.energy_per_spin), ("specific_heat", exact.specific_heat),
                                ("abs_order_parameter", exact.abs_magnetisation), ("binder", exact.binder)]:
            value, error = getattr(result, name)[k], getattr(result, f"{name}_error")[k]
            assert 0 < error < 0.03 * abs(reference), (name, T)
            assert abs(value - reference) < 4 * error, (name, T, value, reference, error)


@pytest.mark.statistical
def test_reweighting_in_the_field_against_the_binomial_sums():
    n, T = 40, 1.2
    energy, overlap = _mattis(n, T, field=0.0, seed=10)
    hist = histograms(energy, overlap, T=T, n_sites=n)
    low, high = hist.trusted_fields()
    assert low < -0.05 and high > 0.05
    targets_T, targets_field = np.array([1.2, 1.2, 1.25]), np.array([0.02, 0.05, 0.03])
    result = hist.reweight(targets_T, targets_field)
    exact = curie_weiss_finite(n, targets_T, targets_field)
    for name, reference, floor in [("energy_per_spin", exact.energy_per_spin, 0.01), ("abs_order_parameter", exact.abs_magnetisation, 0.01),
                                   ("binder", exact.binder, 0.01), ("susceptibility", exact.susceptibility, 0.1)]:
        value, error = getattr(result, name), getattr(result, f"{name}_error")
        assert np.all(error < floor), name
        assert np.all(np.abs(value - reference) < 4 * error), (name, value, reference, error)
    # the field breaks m -> -m: the signed order parameter follows it (exact <m> from the binomial weights)
    assert np.all(result.order_parameter > 0) and result.order_parameter[1] > result.order_parameter[0]


@pytest.mark.statistical
def test_single_histogram_on_the_torus_against_kaufman():
    L, T0 = 16, 2.3
    chain = _torus_chain(L, T0, 20_000, seed=2)
    result = histograms(chain.energy_per_spin, chain.magnetisation, T=T0, n_sites=L * L).reweight([2.25, 2.35])
    for k, T in enumerate(result.T):
        energy, heat = ising_torus_thermodynamics(L, T)
        assert result.energy_per_spin_error[k] <= 0.003 and result.specific_heat_error[k] <= 0.03 * heat
        assert abs(result.energy_per_spin[k] - energy) < 4 * result.energy_per_spin_error[k]
        assert abs(result.specific_heat[k] - heat) < 4 * result.specific_heat_error[k]


@pytest.mark.statistical
def test_multi_histogram_across_the_transition_against_kaufman():
    L = 16
    temperatures = np.repeat([2.15, 2.25, 2.35, 2.45], 2)
    chain = _torus_chain(L, temperatures, 20_000, seed=3)
    hist = histograms(chain.energy_per_spin, chain.magnetisation, T=temperatures, n_sites=L * L)
    grid = np.linspace(2.1, 2.5, 33)  # T_c = 2.269 and the specific-heat peak of L = 16 inside
    result = hist.reweight(grid)
    exact = np.array([ising_torus_thermodynamics(L, T) for T in grid])
    assert np.all(result.specific_heat_error <= 0.03 * exact[:, 1])
    assert np.all(np.abs(result.energy_per_spin - exact[:, 0]) < 4 * result.energy_per_spin_error)
    assert np.all(np.abs(result.specific_heat - exact[:, 1]) < 4 * result.specific_heat_error)


@pytest.mark.slow
@pytest.mark.statistical
def test_binder_crossing_and_susceptibility_peak_against_the_binomial_sums():
    sizes = (64, 256)
    temperatures = np.repeat([0.95, 1.0, 1.05], 4)
    hists = [histograms(*_mattis(n, temperatures, seed=n), T=temperatures, n_sites=n) for n in sizes]

    def gap(T):
        return curie_weiss_finite(sizes[0], T).binder - curie_weiss_finite(sizes[1], T).binder
    exact_T = scipy.optimize.brentq(gap, 0.9, 1.1, xtol=1e-12)
    exact_binder = float(curie_weiss_finite(sizes[0], exact_T).binder)
    crossing = binder_crossing(*hists, 0.95, 1.05)
    assert crossing.T_error < 0.005 and crossing.binder_error < 0.01
    assert abs(crossing.T - exact_T) < 4 * crossing.T_error
    assert abs(crossing.binder - exact_binder) < 4 * crossing.binder_error

    grid = np.linspace(0.88, 1.0, 24001)
    chi = curie_weiss_finite(sizes[1], grid).susceptibility
    peak = hists[1].susceptibility_peak(0.88, 1.0)
    assert peak.T_error < 0.005
    assert abs(peak.T - grid[np.argmax(chi)]) < 4 * peak.T_error
    assert abs(peak.height - chi.max()) < 4 * peak.height_error


def test_bad_input_is_refused_with_the_argument_named():
    energy, overlap = _mattis(20, 1.5, seed=5, sweeps=2_000)
    hist = histograms(energy, overlap, T=1.5, n_sites=20)
    assert hist.effective_fraction(1.5) == pytest.approx(1.0)  # one state: every record has the same weight
    with pytest.raises(ValueError, match="T: temperatures must be > 0"):
        hist.reweight(0.0)
    with pytest.raises(ValueError, match="T: temperatures must be > 0"):
        histograms(energy, overlap, T=-1.0, n_sites=20)
    low, high = hist.trusted_temperatures()
    with pytest.raises(ValueError, match="beyond the sampled histograms"):
        hist.reweight(low * 0.9)
    hist.reweight(low * 1.01)
    with pytest.raises(ValueError, match="order_parameter: shape"):
        histograms(energy, overlap[:, :-1], T=1.5, n_sites=20)
    with pytest.raises(ValueError, match="blocks"):
        histograms(energy[:, :10], overlap[:, :10], T=1.5, n_sites=20)
    with pytest.raises(ValueError, match="T: expected a number or one value per replica"):
        histograms(energy, overlap, T=[1.0, 2.0], n_sites=20)
    with pytest.raises(ValueError, match="energy_per_spin: entries must be finite"):
        histograms(np.full_like(energy, np.nan), overlap, T=1.5, n_sites=20)
    with pytest.raises(ValueError, match="min_effective_fraction"):
        histograms(energy, overlap, T=1.5, n_sites=20, min_effective_fraction=0.0)
    with pytest.raises(ValueError, match="T_low, T_high"):
        hist.susceptibility_peak(1.6, 1.5)
    with pytest.raises(TypeError, match="small, large"):
        binder_crossing(hist, None, 1.4, 1.6)
    two_fields = histograms(np.concatenate([energy, energy]), np.concatenate([overlap, overlap]), T=1.5,
                            field=[0.0] * len(energy) + [0.01] * len(energy), n_sites=20)
    with pytest.raises(ValueError, match="^field: the states were sampled at several fields"):
        two_fields.reweight(1.5)


def test_states_at_several_fields_and_unequal_sizes_are_trusted_where_sampled():
    e0, m0 = _mattis(60, 1.5, field=0.0, seed=20, sweeps=2_000)
    e1, m1 = _mattis(60, 1.0, field=0.3, seed=21, sweeps=2_000)
    hist = histograms(np.concatenate([e0, e1]), np.concatenate([m0, m1]), T=[1.5, 1.0], field=[0.0, 0.3],
                      n_sites=60)
    low, high = hist.trusted_temperatures(field=0.3)
    assert low < 1.0 < high
    assert hist.reweight(1.0, 0.3).effective_fraction >= 1.0  # a sampled state is always trusted
    # one replica beside many: its own temperature is still trusted
    few, few_m = _mattis(60, 1.5, seed=22, sweeps=2_000)
    many, many_m = _mattis(60, np.full(8, 1.4), seed=23, sweeps=2_000)
    mixed = histograms(np.concatenate([few, many]), np.concatenate([few_m, many_m]), T=[1.5] + [1.4] * 8, n_sites=60)
    assert mixed.effective_fraction(1.5) >= 1.0


def test_peaks_outside_the_interval_and_degenerate_crossings_are_refused():
    energy, overlap = _mattis(100, np.repeat([0.9, 0.95], 2), seed=24, sweeps=4_000)
    hist = histograms(energy, overlap, T=np.repeat([0.9, 0.95], 2), n_sites=100)
    with pytest.raises(ValueError, match="the peak lies outside"):
        hist.susceptibility_peak(0.93, 0.95)  # exact chi of N = 100 peaks near 0.89
    with pytest.raises(ValueError, match="two sizes"):
        binder_crossing(hist, hist, 0.9, 0.95)
    with pytest.raises(TypeError, match="^field: expected a finite number"):
        hist.susceptibility_peak(0.85, 0.95, field=np.zeros(64))
    frozen = histograms(np.full((2, 100), -0.5), np.ones((2, 100)), T=0.1, n_sites=10)  # constant series
    assert frozen.reweight(0.1).energy_per_spin == pytest.approx(-0.5)


def test_a_frozen_or_constant_series_is_trusted_only_where_it_was_sampled():
    # a 4 x 4 torus frozen in its ground state at T = 0.3: e = -2 in every record. Reweighting it to T = 50
    # gave -2 with zero error (exact -0.040): one energy says nothing about other temperatures
    chain = ih.sample(ih.square_lattice(4), np.ones((2, 16)), T=0.3, sweeps=400, rng=1,
                      record=("energy_per_spin", "magnetisation"))
    hist = histograms(chain.energy_per_spin, chain.magnetisation, T=0.3, n_sites=16)
    assert np.ptp(chain.energy_per_spin) == 0  # the premise: frozen
    assert hist.trusted_temperatures() == (0.3, 0.3)  # not the factor-4 search range (0.075, 1.2)
    for T in (50.0, 1.2, 0.31, 0.1):
        with pytest.raises(ValueError, match="^energy_per_spin: .*single energy"):
            hist.reweight(T)
    with pytest.raises(ValueError, match="^energy_per_spin: .*single energy"):
        hist.reweight([0.3, 50.0])
    with pytest.raises(ValueError, match="^order_parameter: .*single value"):
        hist.reweight(0.3, 0.1)  # the magnetisation is frozen too: nothing about a field
    at_sampled = hist.reweight(0.3)  # where it was sampled the plain average stands
    assert at_sampled.energy_per_spin == -2.0 and at_sampled.energy_per_spin_error == 0.0
    # a constant series (not from a chain) the same way, in T and in the field
    constant = histograms(np.full((2, 100), -0.5), np.full((2, 100), 0.2), T=0.1, n_sites=10)
    assert constant.trusted_temperatures() == (0.1, 0.1)
    assert constant.trusted_fields() == (0.0, 0.0)
    with pytest.raises(ValueError, match="^energy_per_spin: .*single energy"):
        constant.reweight(0.2)
    with pytest.raises(ValueError, match="^energy_per_spin: .*single energy"):
        constant.susceptibility_peak(0.05, 0.2)
    # two frozen replicas at m = +1 and -1 share one energy, but their order parameter varies: a field
    # can be reweighted at the sampled temperature (exactly the two-state answer tanh(N h / T)), T cannot
    pair = histograms(np.full((2, 100), -0.5), np.repeat([[1.0], [-1.0]], 100, axis=1), T=1.0, n_sites=10)
    assert pair.reweight(1.0, field=0.01).order_parameter == pytest.approx(np.tanh(10 * 0.01), rel=1e-12)
    with pytest.raises(ValueError, match="^energy_per_spin: .*single energy"):
        pair.reweight(1.5)


def test_no_target_outside_the_reported_trusted_interval_is_accepted():
    # two energy levels, each in half the records (a two-level system): the effective sample fraction never
    # falls below 1/2, so the search stops at its reach (a factor 4 in T, 10 T in h) and reports that
    # interval; reweight refused nothing beyond it (T = 50 went through)
    rng = np.random.default_rng(3)
    level = rng.integers(0, 2, size=(2, 400))
    energy, order_parameter = -0.5 + 0.1 * level, 0.2 + 0.2 * level
    hist = histograms(energy, order_parameter, T=1.0, n_sites=10)
    assert hist.effective_fraction(50.0) > 0.4  # the premise: the fraction alone trusts T = 50
    low, high = hist.trusted_temperatures()
    assert (low, high) == pytest.approx((0.25, 4.0))
    hist.reweight([low * 1.001, 1.0, high * 0.999])
    for T in (50.0, high * 1.01, low * 0.99):
        with pytest.raises(ValueError, match="^T: .*outside the trusted interval"):
            hist.reweight(T)
    field_low, field_high = hist.trusted_fields()
    assert (field_low, field_high) == pytest.approx((-10.0, 10.0))
    with pytest.raises(ValueError, match="^field: .*outside the trusted interval"):
        hist.reweight(1.0, 15.0)


def test_no_replicas_or_no_records_are_refused_with_the_argument_named():
    for shape in ((0, 40), (0,), (2, 0)):
        with pytest.raises(ValueError, match="^energy_per_spin: no records"):
            histograms(np.zeros(shape), np.zeros(shape), T=1.0, n_sites=16)


def test_records_beyond_float64_reach_are_refused():
    with pytest.raises(ValueError, match="energy_per_spin: records up to 1e"):
        ih.stats.histograms(np.array([1e308, -1e308] * 50), np.zeros(100), T=1.0, n_sites=16)
