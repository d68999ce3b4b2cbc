"""Zero-temperature dynamics: kernels against the reference, and the physics of the updates."""

import numba
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import norm

import isinghop as ih
from isinghop.dynamics import relax
from isinghop.vocabulary import SCHEDULES, TIE_RULES
from reference import reference_relax

STATUS = {"running": (False, False), "converged": (True, True), "settled": (False, True), "cycle": (False, False)}


def integer_models():
    """Integer couplings in every storage, with fields that make ties common."""
    rng = np.random.default_rng(2024)
    xi = ih.random_patterns(3, 24, rng=rng)
    quarter = rng.integers(-1, 2, size=24) / 4  # h*N = 6k: exact, and ties occur
    lattice_h = rng.integers(-1, 2, size=25) * (rng.random(25) < 0.3)
    a = rng.integers(-1, 2, size=(16, 16))
    symmetric = np.triu(a, 1) + np.triu(a, 1).T
    asymmetric = rng.integers(-2, 3, size=(12, 12)) * (1 - np.eye(12, dtype=int))
    return {
        "hebb-patterns": ih.hebbian(xi).with_field(h=quarter),
        "hebb-dense": ih.hebbian(xi, storage="dense").with_field(h=quarter),
        "hebb-self-coupling": ih.hebbian(xi, self_coupling=True),
        "lattice-sparse": ih.square_lattice(5, h=lattice_h),
        "pm1-dense": ih.dense_model(symmetric),
        "asymmetric-dense": ih.dense_model(asymmetric, allow_asymmetric=True),
    }


MODELS = integer_models()


@pytest.mark.parametrize("tie", TIE_RULES)
@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_kernel_equals_reference_bit_for_bit(kind, schedule, tie):
    model = MODELS[kind]
    n = model.n_sites
    spins = ih.random_spins(4, n, rng=7)
    order = np.random.default_rng(8).permutation(n) if schedule == "sequential" else None
    symmetric = model.couplings.symmetric
    record = ("energy_per_spin", "overlaps") if symmetric else ("overlaps",)
    patterns = ih.random_patterns(2, n, rng=9)
    result = relax(model, spins, schedule=schedule, tie=tie, max_sweeps=20, order=order, record=record,
                   patterns=patterns, rng=11)
    J_raw = np.rint(ih.to_dense(model) * model.couplings.scale).astype(np.int64)
    expected = reference_relax(
        J_raw, model.couplings.scale, model.h, spins, schedule=schedule, tie=tie,
        order=order if order is not None else np.arange(n), max_sweeps=20,
        states=ih.rng.replica_states(11, 4), tol=0.0,
        detect_cycles=schedule in ("synchronous", "sequential") and tie != "random",
        patterns=patterns.astype(np.int64), record_energy=symmetric,
    )
    np.testing.assert_array_equal(result.spins, np.array(expected["spins"]))
    np.testing.assert_array_equal(result.sweeps, expected["sweeps"])
    np.testing.assert_array_equal(result.flips, expected["flips"])
    np.testing.assert_array_equal(result.cycle_length, expected["cycle_length"])
    np.testing.assert_array_equal(result.converged, [STATUS[s][0] for s in expected["status"]])
    np.testing.assert_array_equal(result.settled, [STATUS[s][1] for s in expected["status"]])
    np.testing.assert_array_equal(result.free, np.array(expected["free"]))
    np.testing.assert_array_equal(result.rng_state, np.array(expected["rng_state"]))
    for r in range(4):
        used = expected["sweeps"][r] + 1
        np.testing.assert_array_equal(result.overlaps[r, :used], expected["overlaps"][r])
        assert np.all(np.isnan(result.overlaps[r, used:]))
        if symmetric:
            np.testing.assert_allclose(result.energy_per_spin[r, :used] * n, expected["energy"][r], rtol=1e-14)


def test_results_do_not_depend_on_thread_count():
    model = ih.square_lattice(12)
    spins = ih.random_spins(8, 144, rng=1)
    runs = []
    for threads in (1, 2):
        numba.set_num_threads(threads)
        try:
            runs.append(relax(model, spins, schedule="random", tie="random", record="energy_per_spin", rng=5))
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    one, two = runs
    for name in ("spins", "sweeps", "flips", "settled", "free", "energy_per_spin", "rng_state"):
        np.testing.assert_array_equal(getattr(one, name), getattr(two, name))


def test_input_is_not_modified_and_streams_continue_exactly():
    xi = ih.random_patterns(30, 400, rng=2)
    model = ih.hebbian(xi)
    start = ih.flip_fraction(np.repeat(xi[:1], 3, axis=0), 0.3, rng=3)
    before = start.copy()
    whole = relax(model, start, schedule="random", max_sweeps=50, rng=4)
    assert np.array_equal(start, before)
    first = relax(model, start, schedule="random", max_sweeps=1, rng=4)
    assert first.unfinished.all()
    rest = relax(model, first.spins, schedule="random", max_sweeps=49, rng=first.rng_state)
    np.testing.assert_array_equal(rest.spins, whole.spins)
    np.testing.assert_array_equal(first.sweeps + rest.sweeps, whole.sweeps)
    np.testing.assert_array_equal(rest.rng_state, whole.rng_state)


@st.composite
def tie_rich_instances(draw):
    """±1/0 couplings and integer fields: zero local fields are common."""
    n = draw(st.integers(3, 8))
    upper = draw(arrays(np.int64, (n, n), elements=st.integers(-1, 1)))
    J = np.triu(upper, 1) + np.triu(upper, 1).T
    h = draw(arrays(np.int64, n, elements=st.integers(-1, 1)))
    spins = draw(arrays(np.int8, (3, n), elements=st.sampled_from([-1, 1])))
    return J, h, spins


def fraction_of_states_with_a_tie(model):
    states = ih.state_spins(np.arange(2**model.n_sites), model.n_sites)
    return np.mean(np.any(ih.local_fields(model, states) == 0, axis=1))


@given(tie_rich_instances(), st.sampled_from(["sequential", "permutation", "random"]), st.sampled_from(TIE_RULES),
       st.integers(0, 2**32))
def test_asynchronous_updates_never_raise_the_energy(instance, schedule, tie, seed):
    J, h, spins = instance
    model = ih.dense_model(J, h=h)
    assume(fraction_of_states_with_a_tie(model) >= 0.1)  # the tie rules are really exercised
    result = relax(model, spins, schedule=schedule, tie=tie, max_sweeps=30, record="energy_per_spin", rng=seed)
    for row, sweeps in zip(result.energy_per_spin, result.sweeps):
        steps = np.diff(row[: sweeps + 1])
        assert np.all(steps <= 0)  # integer couplings: energies are exact


@given(st.integers(3, 8), st.floats(0.01, 0.5), st.sampled_from(["flip", "random", "up", "down"]),
       st.integers(0, 2**32))
def test_tie_tolerance_bounds_the_energy_rise(n, tol, tie, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n)) * 0.3
    model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T, h=rng.normal(size=n) * 0.1)
    result = relax(model, ih.random_spins(4, n, rng=seed), schedule="permutation", tie=tie, tol=tol,
                   max_sweeps=1, record="energy_per_spin", rng=seed)
    # a flip inside the tolerance band |phi| <= tol raises H by at most 2 tol; forced flips lower it
    moved = result.sweeps == 1
    if moved.any():
        rise = (result.energy_per_spin[moved, 1] - result.energy_per_spin[moved, 0]) * n
        assert np.all(rise <= 2 * tol * result.flips[moved] + 1e-12)
    assert np.all(result.flips[~moved] == 0)


def test_synchronous_updates_end_in_fixed_points_or_two_cycles():
    lengths = []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        a = rng.normal(size=(20, 20))
        model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T, h=rng.normal(size=20) * 0.2)
        result = relax(model, ih.random_spins(10, 20, rng=seed), schedule="synchronous", max_sweeps=200, rng=seed)
        assert np.all(result.converged | (result.cycle_length == 2))
        lengths.extend(result.cycle_length)
    assert 0 < np.count_nonzero(lengths) < len(lengths)  # both outcomes occur


def test_asymmetric_two_unit_net_has_a_synchronous_four_cycle():
    model = ih.dense_model([[0.0, -1.0], [1.0, 0.0]], allow_asymmetric=True)
    for start in ([1, 1], [1, -1], [-1, 1], [-1, -1]):
        result = relax(model, start, schedule="synchronous", max_sweeps=20)
        assert result.cycle_length == 4 and not result.settled
    with pytest.raises(ValueError, match="asymmetric"):
        relax(model, [1, 1], record="energy_per_spin")


def test_two_node_hebbian_net_oscillates_synchronously_and_converges_asynchronously():
    model = ih.hebbian([[-1, 1]])
    result = relax(model, [1, 1], schedule="synchronous", max_sweeps=10, record="overlaps",
                   patterns=[[1, 1]])
    assert result.cycle_length == 2 and not result.converged
    np.testing.assert_array_equal(result.overlaps[:3, 0], [1, -1, 1])  # [1,1] -> [-1,-1] -> [1,1]
    for schedule in ("sequential", "permutation", "random"):
        for start in ([1, 1], [-1, -1]):
            done = relax(model, start, schedule=schedule, rng=1)
            assert done.converged and tuple(done.spins) in {(-1, 1), (1, -1)}


def test_isolated_zero_field_unit_is_free_under_flip():
    J = np.zeros((3, 3))
    J[0, 1] = J[1, 0] = 1.0
    model = ih.dense_model(J)
    for schedule in SCHEDULES:
        result = relax(model, [1, 1, 1], schedule=schedule, tie="flip", max_sweeps=50, rng=2)
        assert result.settled and not result.converged
        assert result.free.tolist() == [False, False, True]
        keep = relax(model, [1, 1, 1], schedule=schedule, tie="keep", rng=2)
        assert keep.converged and keep.sweeps == 0


@pytest.mark.parametrize("tie", TIE_RULES)
def test_relax_finds_exactly_the_enumerated_fixed_points(tie):
    for seed in range(4):
        rng = np.random.default_rng(seed)
        a = rng.integers(-2, 3, size=(7, 7))
        model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T, h=rng.integers(-1, 2, size=7))
        every_state = ih.state_spins(np.arange(128), 7)
        expected = {tuple(s) for s in ih.fixed_points(model, tie=tie)}
        for schedule in ("sequential", "permutation", "random"):
            result = relax(model, every_state, schedule=schedule, tie=tie, max_sweeps=100, rng=seed)
            assert result.settled.all()
            found = {tuple(s) for s in result.spins[result.converged]}
            assert found == expected
            # a start that is a fixed point is left alone
            assert set(map(tuple, every_state[(result.sweeps == 0) & result.converged])) == expected


@pytest.mark.parametrize("schedule", ["sequential", "permutation", "random"])
def test_recall_below_capacity(schedule):
    n_sites, n_patterns = 1000, 50
    xi = ih.random_patterns(n_patterns, n_sites, rng=100)
    cues = ih.flip_fraction(np.repeat(xi[:1], 20, axis=0), 0.2, rng=101)
    result = relax(ih.hebbian(xi), cues, schedule=schedule, record="overlaps", rng=102)
    assert result.converged.all()
    final = result.spins @ xi[0].astype(np.int64) / n_sites
    assert final.min() >= 0.99


def wrong_bits_after_one_step(self_coupling, repeats, n_sites=10_000, alpha=0.05, m0=0.6, seed=300):
    n_patterns = int(alpha * n_sites)
    wrong = []
    for sample in range(repeats):
        rng = np.random.default_rng([seed, sample])
        xi = ih.random_patterns(n_patterns, n_sites, rng=rng, layout="site")
        cue = ih.flip_fraction(xi[0], (1 - m0) / 2, rng=rng)
        step = relax(ih.hebbian(xi, self_coupling=self_coupling), cue, schedule="synchronous", max_sweeps=1, rng=rng)
        wrong.append(np.count_nonzero(step.spins != xi[0]))
    return np.array(wrong), n_sites * norm.cdf(-m0 / np.sqrt((n_patterns - 1) / n_sites))


@pytest.mark.statistical
def test_one_synchronous_step_matches_signal_to_noise():
    repeats = 60
    wrong, predicted = wrong_bits_after_one_step(False, repeats)
    # SD measured between pattern sets (wider than binomial: the crosstalk variance varies by set)
    tolerance = 4 * wrong.std(ddof=1) / np.sqrt(repeats)
    assert abs(wrong.mean() - predicted) < tolerance
    with_diagonal, _ = wrong_bits_after_one_step(True, repeats)
    assert abs(with_diagonal.mean() - predicted) > 4 * with_diagonal.std(ddof=1) / np.sqrt(repeats)


def test_pseudo_inverse_patterns_are_fixed_points_for_every_storage():
    xi = ih.correlated_patterns(20, 60, 0.5, rng=5)
    for storage in ("patterns", "dense"):
        model = ih.pseudo_inverse(xi, storage=storage)
        result = relax(model, xi, schedule="permutation", rng=1)
        assert result.converged.all() and (result.sweeps == 0).all()
        noisy = relax(model, ih.flip_fraction(xi, 0.05, rng=2), schedule="sequential", rng=1)
        assert noisy.converged.all()


@pytest.mark.parametrize("every", [1, 3, 7])
def test_snapshots_follow_the_update_rule_attempt_by_attempt(every):
    """Sequential order, a snapshot every ``every`` attempts: between two frames exactly the
    attempted sites may change, each to the sign of its field (dense J computed here, ties keep)."""
    xi = ih.random_patterns(3, 14, rng=5)
    model = ih.hebbian(xi)
    J = (xi.T.astype(float) @ xi) / 14
    np.fill_diagonal(J, 0)
    order = np.random.default_rng(6).permutation(14)
    cue = ih.flip_fraction(xi[0], 0.4, rng=7)
    run = relax(model, cue, schedule="sequential", order=order, record=("snapshots", "overlaps"),
                snapshot_every=every)
    frames = -(-14 // every)
    assert run.frames_per_sweep == frames
    assert run.snapshots.shape == (run.sweeps * frames + 1, 14)
    np.testing.assert_array_equal(run.snapshots[0], cue)
    np.testing.assert_array_equal(run.snapshots[-1], run.spins)
    s = cue.astype(float)
    for sweep in range(run.sweeps):
        for frame in range(frames):
            for i in order[frame * every: (frame + 1) * every]:
                phi = J[i] @ s
                s[i] = s[i] if phi == 0 else np.sign(phi)
            np.testing.assert_array_equal(run.snapshots[1 + sweep * frames + frame], s)
        np.testing.assert_allclose(run.overlaps[sweep + 1], xi @ s / 14)


def test_synchronous_snapshots_hold_each_step_and_stopped_replicas_hold_zeros():
    """J_12 = −1: [1, 1] flips to [−1, −1] and back (a 2-cycle); [1, −1] is fixed at once."""
    two_cycle = relax(ih.dense_model([[0, -1], [-1, 0]]), [[1, 1], [1, -1]], schedule="synchronous",
                      record="snapshots")
    np.testing.assert_array_equal(two_cycle.cycle_length, [2, 0])
    np.testing.assert_array_equal(two_cycle.snapshots[0, :3], [[1, 1], [-1, -1], [1, 1]])
    np.testing.assert_array_equal(two_cycle.snapshots[1, 0], [1, -1])
    assert (two_cycle.snapshots[1, 1:] == 0).all()


def test_bad_arguments():
    model = ih.hebbian(ih.random_patterns(2, 10, rng=1))
    with pytest.raises(ValueError, match="^schedule: must be one of 'synchronous', 'sequential'"):
        relax(model, np.ones(10), schedule="parallel")
    with pytest.raises(ValueError, match="^tie"):
        relax(model, np.ones(10), tie="ceil")
    with pytest.raises(ValueError, match="^order: expected a permutation"):
        relax(model, np.ones(10), schedule="sequential", order=[0] * 10)
    with pytest.raises(ValueError, match="^order: only used"):
        relax(model, np.ones(10), order=np.arange(10))
    with pytest.raises(ValueError, match="^max_sweeps"):
        relax(model, np.ones(10), max_sweeps=0)
    with pytest.raises(ValueError, match="^record"):
        relax(model, np.ones(10), record="spins")
    with pytest.raises(ValueError, match="^snapshot_every: only used with record='snapshots'"):
        relax(model, np.ones(10), snapshot_every=2)
    with pytest.raises(ValueError, match="^snapshot_every: a synchronous step"):
        relax(model, np.ones(10), schedule="synchronous", record="snapshots", snapshot_every=2)
    with pytest.raises(ValueError, match="^snapshot_every: expected a positive integer, got 0"):
        relax(model, np.ones(10), record="snapshots", snapshot_every=0)
    big = ih.hebbian(np.ones((1, 16384), dtype=np.int8))
    with pytest.raises(ValueError, match="^snapshot_every: 1 gives 16384 frames"):  # 268 MB per sweep and replica
        relax(big, np.ones((8, 16384)), record="snapshots", snapshot_every=1)
    assert relax(model, np.ones(10), record="snapshots", snapshot_every=10**30).frames_per_sweep == 1
    with pytest.raises(ValueError, match="^rng: a generator state"):
        relax(model, np.ones((2, 10)), rng=np.zeros((3, 4), dtype=np.uint64))
    with pytest.raises(ValueError, match="^patterns: recording overlaps"):
        relax(ih.square_lattice(3), np.ones(9), record="overlaps")
