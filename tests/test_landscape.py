"""Energy landscapes against hand-computed barriers and a brute-force minimax search."""

import numpy as np
import pytest

import isinghop as ih
from isinghop.exact.landscape import energy_landscape, label_minima
from isinghop.viz.diagrams import draw_disconnectivity


@pytest.mark.parametrize("n", [9, 10])
def test_single_pattern_net_has_two_minima_joined_at_the_hand_computed_barrier(n):
    # Mattis, zero diagonal: H = -(N m^2 - 1)/2. A single-flip path from xi to -xi passes m = 0 (N even) or
    # m = +-1/N (N odd): barrier 1/2 (even) or 1/2 - 1/(2N) (odd); the minima sit at -(N - 1)/2.
    xi = ih.random_patterns(1, n, rng=n)
    landscape = energy_landscape(ih.hebbian(xi))
    assert sorted(landscape.minima) == sorted(ih.state_index(np.array([xi[0], -xi[0]])))
    np.testing.assert_allclose(landscape.energies, -(n - 1) / 2)
    barrier = 0.5 if n % 2 == 0 else 0.5 - 1 / (2 * n)
    assert landscape.barriers()[0, 1] == pytest.approx(barrier, abs=1e-12)
    assert label_minima(landscape.minima, xi) in (["ξ1", "−ξ1"], ["−ξ1", "ξ1"])


def _minimax_barrier(all_energies, a, b, n):
    """Brute force: the lowest E such that a and b are joined through states of energy <= E (BFS per level)."""
    for level in np.unique(all_energies):
        if level < max(all_energies[a], all_energies[b]):
            continue
        allowed = all_energies <= level + 1e-12
        seen, frontier = {a}, [a]
        while frontier:
            state = frontier.pop()
            for site in range(n):
                other = state ^ (1 << site)
                if allowed[other] and other not in seen:
                    seen.add(other)
                    frontier.append(other)
        if b in seen:
            return level
    raise AssertionError("hypercube is connected")


def test_barriers_of_a_spin_glass_against_a_brute_force_minimax_search():
    rng = np.random.default_rng(91)
    n = 8
    a = rng.normal(size=(n, n))
    model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T)
    landscape = energy_landscape(model)
    all_energies = ih.energies(model)
    assert len(landscape.minima) >= 3
    barriers = landscape.barriers()
    for i in range(len(landscape.minima)):
        for j in range(i + 1, len(landscape.minima)):
            expected = _minimax_barrier(all_energies, int(landscape.minima[i]), int(landscape.minima[j]), n)
            assert barriers[i, j] == pytest.approx(expected, abs=1e-10)
    # every minimum is a fixed point of the keep rule (zero diagonal), and conversely
    np.testing.assert_array_equal(np.sort(landscape.minima), np.sort(ih.state_index(ih.fixed_points(model))))


def test_hebbian_minima_are_named_and_drawn():
    xi = ih.random_patterns(3, 14, rng=2)
    landscape = energy_landscape(ih.hebbian(xi))
    labels = label_minima(landscape.minima, xi)
    assert {"ξ1", "−ξ1", "ξ2", "−ξ2", "ξ3", "−ξ3"} <= set(labels)
    ax = draw_disconnectivity(landscape, labels=labels)
    assert len(ax.lines) >= 3 * (len(landscape.minima) - 1)


def test_asymmetric_couplings_have_no_landscape():
    with pytest.raises(ValueError, match="model: asymmetric couplings have no energy function"):
        energy_landscape(ih.dense_model([[0.0, -1.0], [1.0, 0.0]], allow_asymmetric=True))


def test_relaxation_barrier_is_the_arrhenius_exponent_of_the_exact_relaxation_time():
    # Mattis N = 10: one valley pair, so the relaxation barrier is the saddle above the minima, 1/2 + (N - 1)/2
    mattis = energy_landscape(ih.hebbian(ih.random_patterns(1, 10, rng=1)))
    assert mattis.relaxation_barrier() == pytest.approx(5.0, abs=1e-12)
    # P = 3, N = 10: the slope of ln tau_exp (exact spectral gap of the random-site sweep) against 1/T between
    # T = 0.2 and 0.25 is the deepest valley to leave (1.6), not the top saddle above the lowest minimum (3.2),
    # within 20 % (the prefactor's temperature dependence)
    model = ih.hebbian(ih.random_patterns(3, 10, rng=0))
    landscape = energy_landscape(model)
    assert landscape.linkage[-1, 2] > 1.5 * landscape.relaxation_barrier()
    taus = [ih.stationary_distribution(ih.sweep_matrix(model, T=T, schedule="random"))[1] for T in (0.2, 0.25)]
    slope = np.log(taus[0] / taus[1]) / (1 / 0.2 - 1 / 0.25)
    assert abs(slope / landscape.relaxation_barrier() - 1) < 0.2
