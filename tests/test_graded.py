"""Graded-response dynamics: the single neuron's pitchfork and flow, the network's origin and
fixed points, checked against root finding, closed forms and dense linear algebra."""

import numpy as np
import pytest
from scipy.optimize import brentq

import isinghop as ih
from isinghop.theory import graded
from isinghop.theory.meanfield import curie_weiss, curie_weiss_spinodal
from isinghop.testing import assert_study_dataset
from conftest import run_quick


def _roots(lam, h=0.0):
    """Every root of tanh(h + λv) − v, bracketed on a fine grid and solved by Brent's method."""
    g = lambda v: np.tanh(h + lam * v) - v  # noqa: E731
    grid = np.linspace(-1.0001, 1.0001, 20001)
    values = g(grid)
    roots = [brentq(g, a, b, xtol=1e-14) for a, b, fa, fb in zip(grid[:-1], grid[1:], values[:-1], values[1:])
             if fa == 0 or fa * fb < 0]
    return np.array(roots)


@pytest.mark.parametrize("lam, h", [(0.3, 0.0), (0.9, 0.0), (1.1, 0.0), (1.5, 0.0), (3.0, 0.0), (2.0, 0.2),
                                    (2.0, 0.6), (0.0, 0.4), (1e-9, -0.3), (-1.5, 0.3)])
def test_neuron_fixed_points_match_root_finding(lam, h):
    points = graded.neuron_fixed_points(lam, h)
    found = points.v[np.isfinite(points.v)]
    expected = _roots(lam, h)
    assert points.count == len(expected)
    np.testing.assert_allclose(found, expected, atol=1e-8)
    slope = -1 + lam * (1 - np.tanh(h + lam * expected) ** 2)  # d(velocity)/dv at each fixed point
    np.testing.assert_array_equal(points.stable[np.isfinite(points.v)], slope < 0)


def test_pitchfork_one_fixed_point_below_one_three_above():
    lam = np.array([0.2, 0.5, 0.99, 1.01, 1.5, 2.5])
    points = graded.neuron_fixed_points(lam)
    np.testing.assert_array_equal(points.count, [1, 1, 1, 3, 3, 3])
    above = points.v[lam > 1]
    np.testing.assert_array_equal(points.stable[lam > 1], [[True, False, True]] * 3)  # the origin turned unstable
    np.testing.assert_allclose(above[:, 2], -above[:, 0], atol=1e-12)
    # tanh x = x − x³/3 + 2x⁵/15 turns v = tanh(λv) into (2λ⁵/15) u² − (λ³/3) u + (λ − 1) = 0 for u = v²,
    # whose small root gives v* with a relative error of order (λ − 1)² = 1e-4 at λ = 1.01
    lam = 1.01
    u = (lam**3 / 3 - np.sqrt(lam**6 / 9 - 8 * lam**5 * (lam - 1) / 15)) / (4 * lam**5 / 15)
    assert above[0, 2] == pytest.approx(np.sqrt(u), rel=1e-4)
    assert above[0, 2] == pytest.approx(np.sqrt(3 * 0.01), rel=0.02)  # the leading order √(3(λ − 1))


def test_neuron_trajectory_matches_the_linear_solution_and_switches_at_the_coercive_input():
    """λ = 0: τ dv/dt = −v + tanh h is linear, v(t) = tanh h + (v0 − tanh h) e^{−t/τ}."""
    t = np.linspace(0, 5, 51)
    v = graded.neuron_trajectory(0.0, 0.7, t, v0=-0.5, tau=2.0)
    np.testing.assert_allclose(v, np.tanh(0.7) + (-0.5 - np.tanh(0.7)) * np.exp(-t / 2.0), atol=1e-8)
    lam = 2.0
    coercive = lam * float(curie_weiss_spinodal(1 / lam)[1])  # v = tanh(λ(v + h/λ)) is Curie–Weiss at T = 1/λ
    start = float(graded.neuron_fixed_points(lam).v[0])
    t = np.linspace(0, 60, 601)
    for factor, switched in ((0.97, False), (1.03, True)):  # a long pulse just below / above it
        pulse = graded.PulseTrain(onsets=(5.0,), width=40.0, amplitudes=(factor * coercive,))
        assert (graded.neuron_trajectory(lam, pulse, t, v0=start)[-1] > 0) == switched


def test_network_origin_loses_stability_at_beta_lambda_max_one():
    xi = ih.random_patterns(6, 120, rng=3)
    model = ih.hebbian(xi)
    J = xi.T.astype(float) @ xi / 120
    np.fill_diagonal(J, 0)
    top = np.linalg.eigvalsh(J)[-1]
    assert graded.largest_coupling_eigenvalue(model) == pytest.approx(top, rel=1e-9)
    assert graded.largest_coupling_eigenvalue(ih.dense_model(J)) == pytest.approx(top, rel=1e-9)
    start = 1e-6 * np.random.default_rng(4).standard_normal(120)
    for ratio, grows in ((0.99, False), (1.01, True)):
        path = graded.graded_trajectory(model, start, gain=ratio / top, times=[0, 100, 600])
        norms = np.linalg.norm(path.v, axis=1)
        assert (norms[2] > norms[1]) == grows  # the top mode's rate is (βλ_max − 1)/τ = ±0.01
    # the measured rate crosses zero at β λ_max = 1 within 1 %; N = 120, P = 6 leaves a gap of order 0.1
    # below λ_max, so 600 τ suppress the other modes by e^(−60)
    crossing = brentq(lambda beta: graded.origin_growth_rate(model, gain=beta, rng=7), 0.9 / top, 1.1 / top,
                      xtol=1e-6)
    assert crossing * top == pytest.approx(1.0, abs=0.01)
    assert graded.origin_growth_rate(model, gain=1.2 / top, rng=8) == pytest.approx(0.2, abs=1e-3)


@pytest.mark.parametrize("n", [10, 100, 1000])
def test_one_pattern_fixed_point_is_curie_weiss_at_reduced_gain(n):
    """v = m ξ with m = tanh(β(1 − 1/N) m): the zero diagonal removes one of N terms."""
    xi = ih.random_patterns(1, n, rng=n)
    for beta in (1.3, 2.0, 4.0):
        v, converged = graded.graded_fixed_point(ih.hebbian(xi), 0.5 * xi[0], gain=beta)
        assert converged
        expected = curie_weiss(1 / (beta * (1 - 1 / n))).m[-1]
        np.testing.assert_allclose(v, expected * xi[0], atol=1e-8)


def test_max_time_is_an_absolute_time_like_every_graded_time():
    xi = ih.random_patterns(1, 50, rng=6)
    v, converged = graded.graded_fixed_point(ih.hebbian(xi), 0.5 * xi[0], gain=2.0, tau=1e4, max_time=1e6)
    assert converged  # 100 τ are plenty
    v, converged = graded.graded_fixed_point(ih.hebbian(xi), 0.5 * xi[0], gain=2.0, tau=1e4, max_time=100)
    assert not converged  # 100 time units are 0.01 τ: the flow has barely moved
    v, converged = graded.graded_fixed_point(ih.hebbian(xi), 0.5 * xi[0], gain=2.0, max_time=0.5)
    assert not converged


def test_largest_eigenvalue_of_a_balanced_memory_with_self_couplings():
    """Balanced patterns (Σ_i ξ_i = 0) make J·1 = 0: a start vector of ones would miss the top eigenvector."""
    xi = ih.viz.picture_pattern("present", 12).spins[None]  # 72 light, 72 dark
    assert graded.largest_coupling_eigenvalue(ih.hebbian(xi, self_coupling=True)) == pytest.approx(1.0, rel=1e-10)


def test_fixed_points_solve_the_mean_field_equations_and_become_binary():
    xi = ih.random_patterns(8, 400, rng=5)
    model = ih.hebbian(xi)
    memory = ih.relax(model, xi[0], schedule="sequential").spins
    J = xi.T.astype(float) @ xi / 400
    np.fill_diagonal(J, 0)
    for beta in (1.5, 50.0):
        v, converged = graded.graded_fixed_point(model, 0.1 * xi[0], gain=beta)
        assert converged
        np.testing.assert_allclose(v, np.tanh(beta * J @ v), atol=1e-9)
    np.testing.assert_array_equal(np.sign(v), memory)  # β = 50: the zero-temperature memory


def test_graded_neuron_relaxes_onto_the_pitchfork_and_switches_above_the_coercive_input(quick_stores):
    stored = run_quick(quick_stores, "graded_neuron")
    assert_study_dataset(stored, dims=("lam", "input", "start", "time"))
    assert ih.load_study("graded_neuron").plot(stored) is not None
    quick = stored.isel(sample=0)
    # the flow from v(0) ends on the stable fixed point on v(0)'s side of the unstable one
    for lam in quick["lam"].values:
        for h in quick["input"].values:
            points = graded.neuron_fixed_points(lam, h)
            stable, middle = points.v[points.stable], points.v[~points.stable & (points.count == 3)]
            start = quick["start"].values
            expected = np.where(start < middle.max(initial=-2), stable.min(), stable.max())
            np.testing.assert_allclose(quick["relaxed"].sel(lam=lam, input=h), expected, atol=1e-7)
    # λ = 2: the pulses ±1.5 exceed the coercive input and switch the unit, ±0.4 do not; the state
    # just before each later pulse and at the end. λ = 0.5 has no memory: |v| < 1 at a pulse's end
    # decays at least at the rate 1 − λ, by e^(−8.75) in the 17.5 τ to the next.
    coercive = 2 * float(curie_weiss_spinodal(0.5)[1])
    assert 0.4 < coercive < 1.5 and float(quick["coercive_input"].sel(lam_curve=2.0)) == coercive
    before = quick["switch_v"].sel(time=[39.5, 59.5, 79.5, 100.0])
    np.testing.assert_array_equal(np.sign(before.sel(lam=2.0)), [1, 1, -1, -1])
    np.testing.assert_allclose(before.sel(lam=0.5), 0, atol=np.exp(-0.5 * 17.5))
    # a pulse of length W crosses the ghost of the saddle-node in the time π/√(δh |v_s|) (the
    # velocity there is δh/λ + λ|v_s| u², v_s² = 1 − 1/λ), so it switches the unit once it exceeds
    # the coercive input by δh = π²/(|v_s| W²); the time to reach and leave the ghost shifts it by
    # tens of percent at most for W = 200 τ
    hold = quick.attrs["fixed_hold"]
    for lam in (1.2, 2.0):
        excess = float(quick["threshold"].sel(lam=lam) - quick["coercive_input"].sel(lam_curve=lam))
        assert excess == pytest.approx(np.pi**2 / (np.sqrt(1 - 1 / lam) * hold**2), rel=0.25)
    assert np.isnan(quick["threshold"].sel(lam=0.5))
    found = ih.load_study("graded_neuron").findings(stored)
    assert found["coercive_input"].value == coercive < found["threshold"].value < coercive + 1e-3


def test_graded_spectrum_lies_below_the_edge_at_the_finite_size_mean(quick_stores):
    quick = run_quick(quick_stores, "graded_spectrum")
    assert_study_dataset(quick, dims=("alpha", "sample"))
    assert ih.load_study("graded_spectrum").plot(quick) is not None
    measured = quick["lambda_max"].mean("sample")
    assert (measured < 1 + 2 * np.sqrt(quick["alpha"])).all()
    # the Tracy–Widom mean of the study's theory, with its standard deviation: the sample mean lies
    # within 3 standard errors where P ≥ 30 makes the limit law apt (its mean is about σ/2 high here)
    samples = quick.sizes["sample"]
    for alpha in (0.1, 0.2):
        here = quick.sel(alpha=alpha)
        error = 3 * float(here["lambda_finite_sd"]) / np.sqrt(samples)
        assert abs(float(measured.sel(alpha=alpha) - here["lambda_finite"])) < error
    found = ih.load_study("graded_spectrum").findings(quick)
    assert found["lambda_max"].value < found["lambda_edge"].value == 1 + 2 * np.sqrt(0.2)


def test_graded_origin_grows_at_the_linear_rate(quick_stores):
    quick = run_quick(quick_stores, "graded_origin")
    assert_study_dataset(quick, dims=("gain_ratio", "sample"))
    assert ih.load_study("graded_origin").plot(quick) is not None
    # each sample is one net, at every ratio (the disorder is keyed by the sample alone)
    assert (quick["lambda_max"] == quick["lambda_max"].isel(gain_ratio=0)).all()
    # the top mode dominates after 150 τ (P = 9 leaves a median gap of 0.08 below λ_max): the rate of
    # the second half is g λ_max − 1 per τ, and the amplitude 1e-4 keeps tanh linear to 1e-8
    rate = quick["origin_rate"] - quick["linear_rate"]
    np.testing.assert_allclose(rate, 0, atol=1e-4)
    assert ih.load_study("graded_origin").findings(quick)["agreement"].holds


def test_graded_recall_becomes_the_zero_temperature_memory(quick_stores):
    quick = run_quick(quick_stores, "graded_recall")
    assert_study_dataset(quick, dims=("gain", "sample"))
    assert ih.load_study("graded_recall").plot(quick) is not None
    assert quick["converged"].all()
    # below 1/λ_max the origin is the only fixed point; at g = 30 the signs are the zero-T memory
    below = quick.sel(gain=0.5)
    assert (0.5 * quick["lambda_max"] < 1).all() and (abs(below["overlap"]) < 1e-8).all()
    assert np.isnan(below["sign_agreement"]).all()
    np.testing.assert_array_equal(quick["sign_agreement"].sel(gain=30.0), 1.0)
    assert (quick["spread"].sel(gain=30.0) > 0.99).all()


def test_graded_one_pattern_is_curie_weiss_at_the_reduced_gain(quick_stores):
    quick = run_quick(quick_stores, "graded_one_pattern")
    assert_study_dataset(quick, dims=("n_sites", "gain"))
    assert ih.load_study("graded_one_pattern").plot(quick) is not None
    for n in quick["n_sites"].values:
        gain = quick["gain"].values * (1 - 1 / n)
        expected = np.nanmax(curie_weiss(1 / gain).m, axis=-1)
        np.testing.assert_allclose(quick["overlap"].sel(n_sites=n, sample=0), expected, atol=1e-8)


def test_bad_graded_input():
    model = ih.hebbian(ih.random_patterns(2, 10, rng=1))
    with pytest.raises(ValueError, match="^lam, h: shapes"):
        graded.neuron_fixed_points([1.0, 2.0], [0.0, 0.1, 0.2])
    with pytest.raises(ValueError, match="^times: spans"):
        graded.neuron_trajectory(1.0, 0.0, [0, 1e300])
    with pytest.raises(ValueError, match="^times: spans"):
        graded.graded_trajectory(model, np.zeros(10), gain=1.0, times=[0, 1], tau=1e-9)
    with pytest.raises(ValueError, match="^v0"):
        graded.neuron_trajectory(1.0, 0.0, [0, 1], v0=2.0)
    with pytest.raises(ValueError, match="^times: expected at least two increasing"):
        graded.neuron_trajectory(1.0, 0.0, [1, 0])
    with pytest.raises(ValueError, match="^amplitudes: expected one per onset"):
        graded.PulseTrain(onsets=(1, 2), width=1.0, amplitudes=(1,))
    with pytest.raises(ValueError, match="^v0: expected shape"):
        graded.graded_trajectory(model, np.zeros(9), gain=1.0, times=[0, 1])
    with pytest.raises(ValueError, match="^v0: graded states"):
        graded.graded_fixed_point(model, np.full(10, 1.5), gain=1.0)
    with pytest.raises(ValueError, match="^gain"):
        graded.graded_fixed_point(model, np.zeros(10), gain=-1.0)
    asymmetric = ih.dense_model([[0, 1], [-1, 0]], allow_asymmetric=True)
    with pytest.raises(ValueError, match="^model: the graded network needs symmetric"):
        graded.graded_trajectory(asymmetric, np.zeros(2), gain=1.0, times=[0, 1])
