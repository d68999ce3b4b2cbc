"""Exact enumeration against closed forms and independent sums."""

import itertools
import math

import numpy as np
import pytest
from scipy.special import comb, logsumexp

import isinghop as ih


def ring(n, coupling):
    J = np.zeros((n, n))
    for i in range(n):
        J[i, (i + 1) % n] = J[(i + 1) % n, i] = coupling
    return ih.dense_model(J)


@pytest.mark.parametrize("T", [0.3, 1.0, 4.0])
def test_free_spins_in_a_field(T):
    h = np.random.default_rng(1).normal(size=10)
    model = ih.dense_model(np.zeros((10, 10)), h=h)
    assert ih.log_partition_function(model, T=T) == pytest.approx(np.sum(np.log(2 * np.cosh(h / T))), rel=1e-12)
    averages = ih.thermal_averages(model, T=T)
    np.testing.assert_allclose(averages.site_magnetisation, np.tanh(h / T), atol=1e-12)
    assert averages.replica_overlap == pytest.approx(np.mean(np.tanh(h / T) ** 2), abs=1e-12)
    # P(q): sum of independent ±1 terms s_i^a s_i^b, each +1 with probability (1 + tanh^2)/2
    distribution = np.array([1.0])
    for t in np.tanh(h / T) ** 2:
        distribution = np.convolve(distribution, [(1 - t) / 2, (1 + t) / 2])
    q, p = ih.replica_overlap_distribution(model, T=T)
    np.testing.assert_allclose(q, np.linspace(-1, 1, 11), atol=1e-15)
    np.testing.assert_allclose(p, distribution, atol=1e-12)


@pytest.mark.parametrize("coupling, T", [(0.7, 1.0), (-1.3, 0.5), (1.0, 3.0)])
def test_ring_partition_function(coupling, T):
    n = 10
    beta = 1 / T
    z = (2 * np.cosh(beta * coupling)) ** n + (2 * np.sinh(beta * coupling)) ** n
    assert ih.log_partition_function(ring(n, coupling), T=T) == pytest.approx(np.log(z), rel=1e-12)
    assert ih.free_energy(ring(n, coupling), T=T) == pytest.approx(-T * np.log(z), rel=1e-12)


def curie_weiss_averages(n, T):
    """Finite-N Curie-Weiss (Mattis) averages by a binomial sum over k aligned spins."""
    k = np.arange(n + 1)
    m = (2 * k - n) / n
    e = -n * m**2 / 2 + 0.5  # E = N(-m^2/2 + 1/(2N)), zero diagonal
    log_w = np.log(comb(n, k)) - e / T
    p = np.exp(log_w - logsumexp(log_w))
    mean_e = p @ e
    return {
        "log_z": logsumexp(log_w),
        "abs_m": p @ np.abs(m),
        "m2": p @ m**2,
        "energy": mean_e,
        "specific_heat": (p @ (e - mean_e) ** 2) / (n * T * T),
    }


@pytest.mark.parametrize("T", [0.5, 0.9, 1.1, 2.0])
def test_mattis_model_is_finite_size_curie_weiss(T):
    n = 12
    xi = ih.random_patterns(1, n, rng=2)  # the gauge s_i -> xi_i s_i maps Mattis onto Curie-Weiss
    model = ih.hebbian(xi)
    exact = curie_weiss_averages(n, T)
    averages = ih.thermal_averages(model, T=T, patterns=xi)
    assert ih.log_partition_function(model, T=T) == pytest.approx(exact["log_z"], rel=1e-12)
    assert averages.abs_overlaps[0] == pytest.approx(exact["abs_m"], rel=1e-12)
    assert averages.energy == pytest.approx(exact["energy"], rel=1e-12)
    assert averages.specific_heat == pytest.approx(exact["specific_heat"], rel=1e-10)
    assert averages.overlaps[0] == pytest.approx(0.0, abs=1e-12)  # Z2 symmetry at h = 0
    assert averages.replica_overlap == pytest.approx(0.0, abs=1e-12)
    # <q^2> = (1/N^2) sum_ij <s_i s_j>^2, with <s_i s_j> (i != j) fixed by <m^2> = (N + N(N-1) c)/N^2
    c = (n * n * exact["m2"] - n) / (n * (n - 1))
    q, p = ih.replica_overlap_distribution(model, T=T)
    assert p @ q**2 == pytest.approx((n + n * (n - 1) * c**2) / n**2, rel=1e-10)


def test_overlap_distribution_equals_double_sum():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(8, 8)) / np.sqrt(8)
    model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T, h=rng.normal(0, 0.5, size=8))
    probabilities = ih.boltzmann(model, T=0.8)
    states = ih.state_spins(np.arange(256), 8).astype(float)
    q_matrix = states @ states.T / 8
    weights = np.outer(probabilities, probabilities)
    q, p = ih.replica_overlap_distribution(model, T=0.8)
    for value, prob in zip(q, p):
        assert prob == pytest.approx(weights[np.isclose(q_matrix, value)].sum(), abs=1e-14)


def test_boltzmann_ratios_and_state_order():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(6, 6))
    model = ih.dense_model((a + a.T) / 2 * (1 - np.eye(6)), h=rng.normal(size=6))
    p = ih.boltzmann(model, T=1.7)
    e = ih.energies(model)
    assert p.sum() == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(np.log(p[1:] / p[0]), -(e[1:] - e[0]) / 1.7, atol=1e-10)
    spins = ih.state_spins([0, 5, 63], 6)
    assert spins[0].tolist() == [-1] * 6 and spins[2].tolist() == [1] * 6
    assert spins[1].tolist() == [1, -1, 1, -1, -1, -1]
    assert ih.state_index(spins).tolist() == [0, 5, 63]
    np.testing.assert_allclose(ih.energies(model, chunk_size=7), e, rtol=1e-14)


def test_zero_temperature_is_the_ground_state_limit():
    model = ring(8, 1.0)
    p = ih.boltzmann(model, T=0.0)
    assert p[0] == p[255] == 0.5 and p.sum() == 1.0
    states, e_min = ih.ground_states(model)
    assert e_min == -8 and sorted(map(tuple, states)) == [(-1,) * 8, (1,) * 8]
    assert ih.free_energy(model, T=0.0) == -8
    averages = ih.thermal_averages(model, T=0.0)
    assert averages.abs_magnetisation == 1.0 and averages.specific_heat == 0.0


def test_square_lattice_ground_states_at_sixteen_sites():
    states, e_min = ih.ground_states(ih.square_lattice(4))
    assert e_min == -32 and len(states) == 2
    antiferro, e_af = ih.ground_states(ih.square_lattice(4, coupling=-1.0))
    assert e_af == -32 and len(antiferro) == 2  # the two checkerboards (bipartite torus)


def test_three_node_two_pattern_net_fixed_points():
    xi = np.array([[1, 1, 1], [1, 1, -1]])
    model = ih.hebbian(xi)
    up = {tuple(s) for s in ih.fixed_points(model, tie="up")}
    assert up == {(1, 1, 1), (-1, -1, 1)}
    keep = {tuple(s) for s in ih.fixed_points(model, tie="keep")}
    assert keep == {(1, 1, 1), (-1, -1, -1), (1, 1, -1), (-1, -1, 1)}
    assert {tuple(s) for s in ih.fixed_points(model, tie="down")} == {(1, 1, -1), (-1, -1, -1)}
    # site 3 has zero field everywhere: under flip and random nothing is fixed
    assert len(ih.fixed_points(model, tie="flip")) == len(ih.fixed_points(model, tie="random")) == 0


def test_frustrated_triangle_and_its_unfrustrated_twin():
    w = np.zeros((3, 3))
    w[0, 1] = w[1, 0] = w[1, 2] = w[2, 1] = 1.0
    w[0, 2] = w[2, 0] = -1.0
    frustrated = ih.dense_model(w)
    assert frustrated.couplings.exact
    assert len(ih.fixed_points(frustrated, tie="keep")) == 6
    assert len(ih.fixed_points(frustrated, tie="up")) == 1
    assert len(ih.fixed_points(frustrated, tie="down")) == 1
    twin = ih.dense_model(-w)
    for tie in ("keep", "up", "down", "flip", "random"):
        assert len(ih.fixed_points(twin, tie=tie)) == 2


def test_fixed_points_of_asymmetric_nets():
    # w12 = -1, w21 = +1: no fixed point without ties
    model = ih.dense_model([[0.0, -1.0], [1.0, 0.0]], allow_asymmetric=True)
    assert len(ih.fixed_points(model)) == 0


def test_float_couplings_use_the_tie_tolerance():
    model = ih.dense_model(np.array([[0.0, 0.1, -0.1], [0.1, 0.0, 0.0], [-0.1, 0.0, 0.0]]))
    # phi_1 = 0.1 (s2 - s3): zero up to rounding when s2 = s3
    assert len(ih.fixed_points(model, tie="keep")) == len(ih.fixed_points(model, tie="keep", tol=1e-12))
    with pytest.raises(ValueError, match="tol"):
        ih.fixed_points(model, tol=-1.0)


def test_enumeration_limit_and_sixteen_sites():
    xi = ih.random_patterns(2, 16, rng=9)
    averages = ih.thermal_averages(ih.hebbian(xi), T=0.7, patterns=xi)
    assert averages.q_distribution.sum() == pytest.approx(1.0, abs=1e-12)
    assert 0 < averages.abs_overlaps.max() <= 1
    with pytest.raises(ValueError, match=r"model: exact enumeration is limited to N <= 24.*N = 25"):
        ih.energies(ih.hebbian(ih.random_patterns(1, 25, rng=1)))
    with pytest.raises(ValueError, match="T"):
        ih.boltzmann(ih.hebbian(xi), T=-1.0)


def test_brute_force_enumeration_agrees_at_small_n():
    # itertools order differs from the index order: compare as sets of (state, energy)
    xi = ih.random_patterns(2, 5, rng=10)
    model = ih.hebbian(xi)
    e = ih.energies(model)
    J = xi.T.astype(float) @ xi / 5
    np.fill_diagonal(J, 0)
    for s in itertools.product([-1, 1], repeat=5):
        s = np.array(s)
        assert e[ih.state_index(s)] == pytest.approx(-0.5 * s @ J @ s, abs=1e-12)
    assert math.isclose(np.exp(-e).sum(), np.exp(ih.log_partition_function(model, T=1.0)), rel_tol=1e-12)


@pytest.mark.parametrize("L", [3, 4, 16])
def test_kaufman_log_partition_at_low_temperature(L):
    n = L * L
    # K = 1/T far above 355 (where cosh 2K overflows): ln Z -> 2 N K + ln 2, the two ground states,
    # up to 2 N exp(-8K)-sized corrections (one flipped spin costs 8 J)
    for T in (0.0028, 1e-3, 1e-6):
        value = ih.ising_torus_log_partition(L, T)
        assert np.isfinite(value)
        assert value == pytest.approx(2 * n / T + np.log(2), rel=1e-14)
    # continuous with moderate T: against the exact sum over states where enumeration can do it
    if n <= 16:
        model = ih.square_lattice(L)
        for T in (0.0028, 0.02, 0.1, 0.3, 1.0):
            assert ih.ising_torus_log_partition(L, T) == pytest.approx(ih.log_partition_function(model, T=T), rel=1e-13)
    with pytest.raises(ValueError, match="^T: ln Z diverges at T = 0"):
        ih.ising_torus_log_partition(L, 0.0)


@pytest.mark.parametrize("L", [3, 4])
def test_kaufman_thermodynamics_down_to_zero_temperature(L):
    model = ih.square_lattice(L)
    for T in (0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0):
        exact = ih.thermal_averages(model, T=T)
        energy, heat = ih.ising_torus_thermodynamics(L, T)
        assert energy == pytest.approx(exact.energy_per_spin, abs=1e-10)
        assert heat == pytest.approx(exact.specific_heat, abs=1e-8)
    # the T -> 0 limit: ground-state energy -2 J per spin (2 bonds per spin), no fluctuations
    assert ih.ising_torus_thermodynamics(L, 0.0) == (-2.0, 0.0)
    assert ih.ising_torus_thermodynamics(L, 0, coupling=0.5) == (-1.0, 0.0)
    for T in (1e-3, 1e-6):
        energy, heat = ih.ising_torus_thermodynamics(L, T)
        assert energy == pytest.approx(-2.0, abs=1e-12) and heat == pytest.approx(0.0, abs=1e-9)
    for coupling in (0.0, -1.0, np.nan):
        with pytest.raises(ValueError, match="^coupling: "):
            ih.ising_torus_thermodynamics(L, 1.0, coupling=coupling)


@pytest.mark.parametrize("L", [3, 4])
def test_kaufman_thermodynamics_at_every_temperature(L):
    model = ih.square_lattice(L)
    # both sides of each switch of method (K = 1e-3 and K = 200) and the extremes
    for T in (0.004, 900.0, 1100.0, 1e5):
        e, C = ih.ising_torus_thermodynamics(L, T)
        exact = ih.thermal_averages(model, T=T)
        assert e == pytest.approx(exact.energy_per_spin, rel=1e-7)
        assert C == pytest.approx(exact.specific_heat, rel=1e-7, abs=1e-12)
    for T in (1e-300, 1e-158):  # far below every excitation: the ground state, e = -2J
        assert ih.ising_torus_thermodynamics(L, T) == (-2.0, 0.0)
    for T in (1e8, 1e20, 1e150):  # far above: e = -2J tanh(J/T) to leading order, C > 0
        e, C = ih.ising_torus_thermodynamics(L, T)
        assert e == pytest.approx(-2.0 / T, rel=1e-6) and 0.0 <= C == pytest.approx(2.0 / T**2, rel=1e-6)


@pytest.mark.statistical
def test_spectral_gap_time_is_the_integrated_time_of_the_mirror_flip():
    # Mattis N = 8 at T = 0.5: the slowest mode of the permutation-sweep chain is the xi <-> -xi flip, which the
    # overlap m1 projects onto, so tau_int(m1) ~ tau_exp = -1/ln|lambda_2|. 16 chains of 2000 tau_exp each give
    # tau_int to about sqrt(2 (2M + 1) / n) ~ 2.5 % (window M ~ 5 tau): 10 % is 4 sigma.
    xi = ih.random_patterns(1, 8, rng=3)
    model = ih.hebbian(xi)
    matrix = ih.sweep_matrix(model, T=0.5, rule="metropolis", schedule="permutation")
    _, tau_exp = ih.stationary_distribution(matrix)
    eigenvalues = np.sort(np.abs(np.linalg.eigvals(matrix)))[::-1]
    assert tau_exp == pytest.approx(-1.0 / np.log(eigenvalues[1]), rel=1e-10) and tau_exp > 10
    chain = ih.sample(model, np.repeat(xi, 16, axis=0), T=0.5, sweeps=int(2000 * tau_exp), burn_in=200,
                      record="overlaps", rng=5)
    tau_int = ih.stats.integrated_time(chain.overlaps[:, :, 0])
    assert abs(tau_int / tau_exp - 1.0) < 0.10
