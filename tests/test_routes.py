"""One answer from every route: a differential test over random small models.

Every function that answers the same zero-temperature question must give the
identical answer, compared exactly (no tolerance):

* fixed points: ``fixed_points``, the diagonal of the exact sweep matrices
  (``sweep_matrix`` with ``tie``), of ``transition_matrix``, the singleton
  attractors of ``absorption`` and ``transition_graph``, one sweep of ``relax``;
* one step of the deterministic dynamics (``synchronous``, ``sequential`` with
  the tie rules ``keep``, ``up``, ``down``, ``flip``): ``transition_matrix``,
  ``sweep_matrix``, ``relax`` with one sweep and, for ``flip`` on couplings
  without self-coupling, T = 0 Metropolis (``sample``);
* the T → 0 limits of Monte Carlo: ``sweep_matrix(T=0, rule=...)`` equals the
  Hopfield update with ``flip`` (Metropolis) and ``random`` (Glauber) ties;
* where the dynamics ends: ``absorption`` against ``relax`` from every start,
  ``basin_fractions`` against ``absorption``;
* the energy: ``ground_states`` and ``boltzmann(T=0)`` pick the same states,
  each a fixed point under ``keep``; the local minima of ``energy_landscape``
  are exactly the fixed points under ``keep``.

The models are drawn to make ties frequent: small integer couplings with an
integer scale, fields that are multiples of 1/scale (exact ties) or of 1/3,
1/6, 1/10 (ties that only a tolerance can see), float couplings whose sums
cancel up to rounding (0.1 + 0.2 − 0.3), of order 1, 1e−10 and 1e7 (so that a
tie tolerance fixed in absolute units would fail), in dense, sparse and pattern storage,
with self-couplings and asymmetric couplings among them. Model number k is
drawn from the seed k, so a counterexample cannot turn the suite red at
random and is reproduced by its number: ``check_routes(*random_model(k))``;
the slow lane draws more models.
"""

import numpy as np
import pytest
import scipy.sparse

import isinghop as ih

DETERMINISTIC_TIES = ("keep", "up", "down", "flip")
#: Fields: none; ``cancel``, ``−(k_i + δ_i) · (1/scale)`` with k_i the raw field of a drawn state (ties there,
#: and ``scale · h`` integral or off by rounding, which a formula dividing by the scale first misses);
#: multiples of 1/scale; multiples of steps no scale makes integral.
FIELDS = (None, "cancel", "cancel", "scale", 1 / 3, 1 / 6, 1 / 10)
KINDS = ("integer", "float", "patterns", "self_coupling", "asymmetric")
#: Integer scales: 1; those for which ``k · (1/scale)`` and ``k/scale`` round differently for small k
#: (3, 6: k = 5; 49, 107: four or five of k = 1…8), so that ``raw/scale + h`` and ``raw + scale · h``
#: disagree about a tie; and 1e10: couplings of 1e−10 whose energies a fixed tolerance cannot tell apart.
SCALES = (1, 3, 6, 49, 107, 1e10)
#: Float couplings are FLOAT_VALUES times one of these: rounding of 1e−26 or of 1e−9 must not split routes.
FLOAT_MAGNITUDES = (1.0, 1e-10, 1.23456789e7)
FLOAT_VALUES = (0.0, 0.1, 0.2, 0.3, -0.1, -0.2, -0.3, 0.5, -0.6, 1 / 3, -2 / 3)


def random_model(seed: int):
    """Model number ``seed`` of the fuzzer: a small model with frequent ties, and its kind."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    kind = str(rng.choice(KINDS))
    scale = float(rng.choice(SCALES))
    if kind == "patterns":
        xi = rng.choice(np.array([-1, 1]), size=(int(rng.integers(1, 4)), n))
        model = ih.hebbian(xi, storage=str(rng.choice(["patterns", "dense"])))
        scale = model.couplings.scale
    else:
        upper = rng.choice(FLOAT_VALUES, size=(n, n)) if kind == "float" else rng.integers(-3, 4, size=(n, n))
        J = upper.astype(float) if kind == "asymmetric" else np.triu(upper, 1) + np.triu(upper, 1).T
        np.fill_diagonal(J, np.abs(np.diag(upper)) if kind == "self_coupling" else 0)
        if kind == "float":  # in units where the tie tolerance must be relative to be right
            scale = 1.0
            J = J * rng.choice(FLOAT_MAGNITUDES)
        build = ih.sparse_model if rng.random() < 0.5 else ih.dense_model
        model = build(scipy.sparse.csr_array(J) if build is ih.sparse_model else J, scale=scale,
                      allow_asymmetric=kind == "asymmetric", self_coupling=kind == "self_coupling")
    field = FIELDS[rng.integers(len(FIELDS))]
    if field is None:
        return model, kind
    step = 1 / scale if field in ("scale", "cancel") else field
    k = rng.integers(-8, 9, size=n)
    if field == "cancel":
        state = rng.choice(np.array([-1, 1], dtype=np.int8), size=n)
        k = -(model.couplings.raw_fields(state[None])[0] + np.where(np.abs(k) > 6, np.sign(k), 0))
    divide = field != "cancel" and rng.random() < 0.5  # k / scale, or k · (1/scale)
    return model.with_field(h=k / (1 / step) if divide else k * step), kind


def _all_states(n):
    return ih.state_spins(np.arange(2**n), n)


def _never_drawn(n_rows):
    """Generator states for deterministic runs (no stream is used)."""
    return np.ones((n_rows, 4), dtype=np.uint64)


def _targets(matrix) -> np.ndarray:
    """The one successor of each row of a deterministic (0/1) transition matrix."""
    dense = np.asarray(matrix.toarray() if scipy.sparse.issparse(matrix) else matrix)
    assert np.all((dense == 0) | (dense == 1)) and np.all(dense.sum(axis=1) == 1)
    return dense.argmax(axis=1)


def _fixed_indices(model, tie):
    return ih.state_index(ih.fixed_points(model, tie=tie))


def check_routes(model, kind):
    n = model.n_sites
    states = _all_states(n)
    energy_defined = kind != "asymmetric"
    no_self_coupling = kind not in ("asymmetric", "self_coupling")

    for tie in ("keep", "up", "down", "flip", "random"):
        fixed = _fixed_indices(model, tie)
        seq_sweep = ih.exact.sweep_matrix(model, T=0.0, schedule="sequential", tie=tie)
        np.testing.assert_array_equal(fixed, np.flatnonzero(np.diag(seq_sweep) == 1), err_msg=f"sweep_matrix, {tie}")
        one_step = ih.transition_matrix(model, schedule="random", tie=tie)
        np.testing.assert_array_equal(fixed, np.flatnonzero(one_step.diagonal() == 1), err_msg=f"transitions, {tie}")
        graph = ih.transition_graph(model, schedule="random", tie=tie)
        np.testing.assert_array_equal(fixed, sorted(k for k in graph if graph.nodes[k]["fixed"]), err_msg=tie)
        if tie in ("keep", "up", "down"):  # relax stops at once where flip or random ties are all that is left
            moved = ih.relax(model, states, schedule="sequential", tie=tie, max_sweeps=1, rng=_never_drawn(len(states)))
            unchanged = np.flatnonzero(np.all(moved.spins == states, axis=1))
            np.testing.assert_array_equal(fixed, unchanged, err_msg=f"relax, {tie}")
        absorbed = ih.absorption(model, schedule="random", tie=tie)
        np.testing.assert_array_equal(fixed, absorbed.fixed_points, err_msg=f"absorption, {tie}")

    for schedule in ("synchronous", "sequential"):
        for tie in DETERMINISTIC_TIES:
            step = _targets(ih.transition_matrix(model, schedule=schedule, tie=tie))
            np.testing.assert_array_equal(step, _targets(ih.exact.sweep_matrix(model, T=0.0, schedule=schedule, tie=tie)),
                                          err_msg=f"sweep_matrix, {schedule}, {tie}")
            moved = ih.relax(model, states, schedule=schedule, tie=tie, max_sweeps=1, rng=_never_drawn(len(states)))
            swept = moved.sweeps == 1  # relax does not sweep a stable start (nor, under flip, a settled one)
            np.testing.assert_array_equal(step[swept], ih.state_index(moved.spins)[swept],
                                          err_msg=f"relax, {schedule}, {tie}")
            idle = np.flatnonzero(~swept)
            stable = np.isin(idle, _fixed_indices(model, tie))
            assert np.all(stable | (moved.settled[idle] & (tie == "flip"))), (schedule, tie)
            # where the dynamics ends: relax from every start against the absorbing chain
            final = ih.relax(model, states, schedule=schedule, tie=tie, max_sweeps=200, rng=_never_drawn(len(states)))
            absorbed = ih.absorption(model, schedule=schedule, tie=tie)
            attractor_of = {k: a for a, members in enumerate(absorbed.attractors) for k in members}
            ends = ih.state_index(final.spins)
            for start in np.flatnonzero(final.converged):
                assert absorbed.probabilities[start, attractor_of[ends[start]]] == 1.0, (schedule, tie, start)
            if len(absorbed.fixed_points) and tie != "flip":
                basins = ih.basin_fractions(model, ih.state_spins(absorbed.fixed_points, n), schedule=schedule, tie=tie)
                singles = [attractor_of[k] for k in absorbed.fixed_points]
                np.testing.assert_array_equal(basins, absorbed.probabilities[:, singles].sum(axis=0) / 2**n)

    if no_self_coupling:
        # T = 0 Monte Carlo is the Hopfield update with flip (Metropolis) and coin (Glauber) ties
        for schedule in ("sequential", "random", "permutation"):
            np.testing.assert_array_equal(ih.exact.sweep_matrix(model, T=0.0, rule="metropolis", schedule=schedule),
                                          ih.exact.sweep_matrix(model, T=0.0, schedule=schedule, tie="flip"))
            np.testing.assert_array_equal(ih.exact.sweep_matrix(model, T=0.0, rule="glauber", schedule=schedule),
                                          ih.exact.sweep_matrix(model, T=0.0, schedule=schedule, tie="random"))
        chain = ih.sample(model, states, T=0.0, sweeps=1, schedule="sequential", record=(), rng=_never_drawn(len(states)))
        np.testing.assert_array_equal(ih.state_index(chain.spins),
                                      _targets(ih.transition_matrix(model, schedule="sequential", tie="flip")))

    if energy_defined:
        ground, e_min = ih.ground_states(model)
        ground = ih.state_index(ground)
        np.testing.assert_array_equal(ground, np.flatnonzero(ih.boltzmann(model, T=0.0) > 0))
        assert e_min == ih.energies(model).min()
        if no_self_coupling:
            fixed = _fixed_indices(model, "keep")
            assert np.all(np.isin(ground, fixed)), "a ground state that the zero-T update leaves"
            np.testing.assert_array_equal(np.sort(ih.exact.energy_landscape(model).minima), fixed)


#: Models the fuzzer draws: the default run, and the slow lane's additional ones.
FAST_CASES, SLOW_CASES = 80, 400


#: Small networks may hold more patterns than sites on purpose: the learning rules' warning is expected.
MORE_PATTERNS_THAN_SITES = "ignore:patterns. .* patterns on .* sites:UserWarning"


@pytest.mark.filterwarnings(MORE_PATTERNS_THAN_SITES)
@pytest.mark.parametrize("seed", range(FAST_CASES))
def test_every_route_gives_one_answer(seed):
    check_routes(*random_model(seed))


@pytest.mark.slow
@pytest.mark.filterwarnings(MORE_PATTERNS_THAN_SITES)
@pytest.mark.parametrize("seed", range(FAST_CASES, FAST_CASES + SLOW_CASES))
def test_every_route_gives_one_answer_thoroughly(seed):
    check_routes(*random_model(seed))


def test_field_numerator_ties_agree_across_routes():
    """The reproducer of the two field formulas: ``scale · h`` = −5 exactly cancels the raw field 5 of all-up."""
    model = ih.hebbian(np.ones((1, 6), int)).with_field(h=-5 * (1 / 6))
    assert model.exact
    up = np.ones(6, dtype=np.int8)
    all_up = 63
    assert all_up not in _fixed_indices(model, "down")
    assert np.all(ih.relax(model, up, schedule="sequential", tie="down").spins == -1)
    assert ih.exact.sweep_matrix(model, T=0, schedule="sequential", tie="down")[all_up, all_up] == 0.0
    assert np.all(ih.sample(model, up[None], T=0, sweeps=1, schedule="sequential", rng=0).spins == -1)


def test_rounded_field_is_a_tie_in_every_route():
    """``7 − 100 · 0.07`` is −8.9e−16, not 0: the model is not exact, and every route sees the tie by the tolerance."""
    model = ih.dense_model([[0, 7], [7, 0]], scale=100, h=[-0.07, 0])
    assert not model.exact and "exact=False" in repr(model)
    both_up = 3
    assert both_up in _fixed_indices(model, "keep")
    assert np.all(ih.relax(model, [1, 1], tie="keep").spins == 1)
    assert both_up in ih.absorption(model, schedule="random", tie="keep").fixed_points
    assert ih.transition_graph(model, schedule="random", tie="keep").nodes[both_up]["fixed"]


def test_integer_model_with_integral_scaled_field_is_exact():
    model = ih.dense_model([[0, 2], [2, 0]], scale=4, h=[0.25, -0.5])
    assert model.exact and "exact=True" in repr(model)
    assert ih.vocabulary.tie_tolerance(model, None) == 0.0


def test_ground_states_of_tiny_couplings_are_exact():
    """J = 1e−10 as the integer 1 over scale 1e10: two ground states (aligned), not all four."""
    model = ih.dense_model([[0, 1], [1, 0]], scale=1e10)
    states, e_min = ih.ground_states(model)
    assert ih.state_index(states).tolist() == [0, 3] and e_min == -1e-10
    np.testing.assert_array_equal(ih.boltzmann(model, T=0.0), [0.5, 0, 0, 0.5])


def test_ground_states_of_tiny_float_couplings_are_relative_to_the_energy_scale():
    """Float couplings 1e−10 and 2e−10: the degeneracy window scales with the energies, not a fixed 1e−9."""
    J = np.array([[0, 1e-10, 2e-10], [1e-10, 0, 1e-10], [2e-10, 1e-10, 0]]) * (1 + 1e-3)
    model = ih.dense_model(J)
    assert not model.exact
    states, e_min = ih.ground_states(model)
    assert ih.state_index(states).tolist() == [0, 7]
    assert e_min == pytest.approx(-4e-10 * (1 + 1e-3), rel=1e-12)


def test_state_index_of_no_fixed_points_is_empty():
    """A 2-cycle network has no fixed point: its (0, N) array indexes to an empty array, not an error."""
    model = ih.dense_model([[0, 1], [-1, 0]], allow_asymmetric=True)
    fixed = ih.fixed_points(model)
    assert fixed.shape == (0, 2)
    indices = ih.state_index(fixed)
    assert indices.shape == (0,) and indices.dtype == np.int64


def test_tiny_float_couplings_have_ties_only_where_the_fields_vanish():
    """Couplings of 1e−10: a tie tolerance fixed at 1e−9 made every field a tie (every state fixed); the
    default tolerance is relative to the field scale, so only the two aligned states are fixed."""
    J = np.array([[0, 1e-10, 2e-10], [1e-10, 0, 1e-10], [2e-10, 1e-10, 0]]) * (1 + 1e-3)
    model = ih.dense_model(J)
    assert _fixed_indices(model, "keep").tolist() == [0, 7]
    assert np.sort(ih.exact.energy_landscape(model).minima).tolist() == [0, 7]


def test_ground_states_of_large_float_couplings_are_fixed_points():
    """Couplings of 1e6 with a field of 2e−9: two states lie 4e−9 above the ground state, resolved in float64;
    they are neither ground states nor, at the default tolerance, ties."""
    J = np.full((3, 3), -(1e6 + 0.5))
    np.fill_diagonal(J, 0)
    model = ih.dense_model(J, h=[2e-9, 0, 0])
    ground = ih.state_index(ih.ground_states(model)[0])
    assert np.all(np.isin(ground, _fixed_indices(model, "keep")))
    np.testing.assert_array_equal(ground, np.flatnonzero(ih.boltzmann(model, T=0.0) > 0))


def test_exact_energies_are_compared_in_integers():
    """Couplings 3·2⁵⁰: the energy sums pass 2⁵³, where float64 would merge +++ and −−− (they differ by 2)."""
    a = 3 * 2**50
    model = ih.dense_model([[0, a, a], [a, 0, a], [a, a, 0]], h=[1, 0, 0])
    assert model.exact
    assert ih.state_index(ih.ground_states(model)[0]).tolist() == [7]
    assert np.flatnonzero(ih.boltzmann(model, T=0.0)).tolist() == [7]


def test_a_field_that_overflows_with_the_scale_is_refused():
    with pytest.raises(ValueError, match="h: the field times the couplings' scale"):
        ih.dense_model([[0, 1], [1, 0]], scale=1e10, h=[1e300, 0])
    with pytest.raises(ValueError, match="h:"):
        ih.dense_model([[0, 1], [1, 0]]).with_field(h=[1e308, 1e308])


def test_state_index_of_an_empty_array_still_checks_its_type():
    with pytest.raises(TypeError, match="spins"):
        ih.state_index(np.zeros((0, 4), dtype=str))
