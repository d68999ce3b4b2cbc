"""Exact enumeration refuses what it cannot do: bad state indices, non-stochastic matrices, sweep
matrices beyond the memory bound; and the sweep matrices against their definitions."""

import itertools
import tracemalloc

import numpy as np
import pytest

import isinghop as ih
from isinghop.exact import enumeration as exact


def test_state_spins_refuses_indices_outside_the_states():
    np.testing.assert_array_equal(ih.state_spins([0, 7], 3), [[-1, -1, -1], [1, 1, 1]])
    for bad in ([-1], [8], [0, 2**40]):
        with pytest.raises(ValueError, match=r"^indices: .*\[0, 8\).*bad entries"):
            ih.state_spins(bad, 3)
    for bad in ([0.5], [np.nan], [1, 2.25]):
        with pytest.raises(ValueError, match=r"^indices: state indices must be integers"):
            ih.state_spins(bad, 3)
    with pytest.raises(ValueError, match="^indices: expected a scalar or a 1-D"):
        ih.state_spins([[1]], 3)
    with pytest.raises(ValueError, match=r"^n_sites: .*N <= 62.*N = 63"):
        ih.state_spins([0], 63)
    top = 2**62 - 1  # the largest state of 62 sites: every spin up, and back
    assert ih.state_spins([top], 62).tolist() == [[1] * 62]
    assert ih.state_index(np.ones(62, np.int8)) == top


def test_state_index_refuses_what_is_not_a_spin_state():
    with pytest.raises(ValueError, match=r"^spins: entries must be \+1 or -1"):
        ih.state_index([[0, 0.5, 2]])
    with pytest.raises(ValueError, match=r"^spins: .*N <= 62.*N = 70"):
        ih.state_index(np.ones((1, 70), np.int8))
    states = ih.state_spins(np.arange(64), 6)
    np.testing.assert_array_equal(ih.state_index(states), np.arange(64))


def test_stationary_distribution_of_a_two_state_chain_and_bad_matrices():
    a, b = 0.3, 0.1  # P(0 -> 1) = a, P(1 -> 0) = b: pi = (b, a)/(a + b), lambda_2 = 1 - a - b
    pi, tau = ih.stationary_distribution([[1 - a, a], [b, 1 - b]])
    np.testing.assert_allclose(pi, [b / (a + b), a / (a + b)], atol=1e-14)
    assert tau == pytest.approx(-1 / np.log(1 - a - b), rel=1e-12)
    cases = {
        "square": np.ones((2, 3)) / 3,
        ">= 0": [[1.5, -0.5], [0.5, 0.5]],
        "sum to 1": [[0.5, 0.4], [0.5, 0.5]],
        "finite": [[np.nan, 1.0], [0.5, 0.5]],
    }
    for expected, matrix in cases.items():
        with pytest.raises(ValueError, match=f"^matrix: .*{expected}"):
            ih.stationary_distribution(matrix)
    ih.stationary_distribution([[1 - 1e-10, 0.0], [0.5, 0.5]])  # within STOCHASTIC_ATOL = 1e-9


def single_site_matrices(model, T, rule):
    """P_i from the energies of all states: one attempt at site i (Metropolis or heat bath)."""
    energies = ih.energies(model)
    size = energies.size
    matrices = []
    for site in range(model.n_sites):
        partner = np.arange(size) ^ (1 << site)
        delta = energies[partner] - energies
        flip = np.minimum(1.0, np.exp(-delta / T)) if rule == "metropolis" else 1.0 / (1.0 + np.exp(delta / T))
        matrix = np.diag(1.0 - flip)
        matrix[np.arange(size), partner] = flip
        matrices.append(matrix)
    return matrices


@pytest.mark.parametrize("rule", ["metropolis", "glauber"])
def test_sweep_matrices_follow_their_definitions(rule):
    n, T = 5, 0.8
    rng = np.random.default_rng(21)
    a = rng.normal(size=(n, n))
    model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T, h=rng.normal(0, 0.5, size=n))
    singles = single_site_matrices(model, T, rule)
    product = lambda order: np.linalg.multi_dot([singles[i] for i in order])  # noqa: E731
    order = [3, 0, 4, 1, 2]
    np.testing.assert_allclose(ih.sweep_matrix(model, T=T, rule=rule, schedule="sequential", order=order),
                               product(order), atol=1e-14)
    every_order = np.mean([product(p) for p in itertools.permutations(range(n))], axis=0)  # all 120 orders
    np.testing.assert_allclose(ih.sweep_matrix(model, T=T, rule=rule), every_order, atol=1e-14)
    np.testing.assert_allclose(ih.sweep_matrix(model, T=T, rule=rule, schedule="random"),
                               np.linalg.matrix_power(np.mean(singles, axis=0), n), atol=1e-14)
    if rule == "glauber":  # Little: each site from the heat bath of the old state, independently
        states = ih.state_spins(np.arange(2**n), n)
        fields = ih.local_fields(model, states)
        up = 1.0 / (1.0 + np.exp(-2 * fields / T))
        little = np.prod(np.where(states[None, :, :] > 0, up[:, None, :], 1 - up[:, None, :]), axis=2)
        np.testing.assert_allclose(ih.sweep_matrix(model, T=T, rule=rule, schedule="synchronous"), little, atol=1e-14)


def measured_peak(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("n", [7, 8, 9])
def test_sweep_matrix_memory_follows_its_estimate(n):
    rng = np.random.default_rng(n)
    a = rng.normal(size=(n, n))
    model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T, h=rng.normal(size=n))
    for schedule in ("sequential", "random", "synchronous", "permutation"):
        rule = "glauber" if schedule == "synchronous" else "metropolis"
        ih.sweep_matrix(ih.dense_model(np.zeros((2, 2))), T=1.0, rule=rule, schedule=schedule)  # warm imports
        peak = measured_peak(lambda: ih.sweep_matrix(model, T=1.0, rule=rule, schedule=schedule))
        estimate = exact.sweep_matrix_bytes(n, schedule)
        assert peak >= 8 * 4**n  # the result itself
        assert peak <= estimate <= 2 * peak, (schedule, peak, estimate)
    # the subset programme over whole matrices held C(9, 4) + C(9, 5) = 252 of them (0.8 GB measured at N = 9)
    assert exact.sweep_matrix_bytes(9, "permutation") < 60 * 2**20
    for schedule in ("sequential", "random", "synchronous", "permutation"):
        assert exact.sweep_matrix_bytes(exact.MAX_MATRIX_SITES, schedule) <= exact.MAX_MATRIX_BYTES


def test_sweep_matrix_refuses_above_the_memory_bound_before_allocating(monkeypatch):
    model = ih.dense_model(np.zeros((10, 10)))
    monkeypatch.setattr(exact, "MAX_MATRIX_BYTES", 2**20)  # 1 MiB: N = 10 needs 8 MiB for the result alone
    with pytest.raises(ValueError, match=r"^model: the permutation sweep matrix of N = 10 sites needs about \d+ MiB, "
                                         r"more than MAX_MATRIX_BYTES = 1 MiB"):
        ih.sweep_matrix(model, T=1.0)
    peak = measured_peak(lambda: pytest.raises(ValueError, ih.sweep_matrix, model, T=1.0, schedule="sequential"))
    assert peak < 2**20  # refused before the 8 MiB result was allocated
    with pytest.raises(ValueError, match=r"N <= 12, got N = 13"):
        ih.sweep_matrix(ih.dense_model(np.zeros((13, 13))), T=1.0)


def test_arguments_a_schedule_does_not_use_are_refused():
    model = ih.hebbian(np.ones((1, 3)))
    with pytest.raises(ValueError, match="^order: only used with schedule='sequential'"):
        ih.sweep_matrix(model, T=1.0, schedule="random", order=[2, 1, 0])
    with pytest.raises(TypeError, match="^max_sites: expected a positive integer"):
        ih.hebbian(np.ones((1, 3)), max_sites=float("nan"))
