"""Monte Carlo against the exact Boltzmann distribution and exact sweep matrices."""

import numba
import numpy as np
import pytest
import scipy.sparse
from scipy.stats import chi2

import isinghop as ih
from isinghop.exact import stationary_distribution, sweep_matrix

SINGLE_SITE = ("sequential", "permutation", "random")


def random_instance(n, seed):
    """J_ij ~ N(0, 1/N), h_i ~ N(0, 0.5^2)."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n)) / np.sqrt(n)
    return np.triu(a, 1) + np.triu(a, 1).T, rng.normal(0.0, 0.5, size=n)


def chi2_pvalue(states, probabilities):
    """Pearson chi-square p-value of sampled state indices; cells expected below 5 are pooled."""
    observed = np.bincount(states, minlength=len(probabilities)).astype(float)
    expected = probabilities * len(states)
    small = expected < 5
    observed = np.append(observed[~small], observed[small].sum())
    expected = np.append(expected[~small], expected[small].sum())
    if expected[-1] == 0:
        observed, expected = observed[:-1], expected[:-1]
    statistic = ((observed - expected) ** 2 / expected).sum()
    return chi2.sf(statistic, len(expected) - 1)


@pytest.mark.parametrize("rule", ["metropolis", "glauber"])
@pytest.mark.parametrize("schedule", SINGLE_SITE)
def test_boltzmann_vector_is_stationary_for_one_sweep(rule, schedule):
    J, h = random_instance(8, 1)
    model = ih.dense_model(J, h=h)
    for T in (0.5, 1.0, 2.0):
        matrix = sweep_matrix(model, T=T, rule=rule, schedule=schedule, order=np.random.default_rng(2).permutation(8)
                              if schedule == "sequential" else None)
        pi = ih.boltzmann(model, T=T)
        np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-12)
        assert np.abs(pi @ matrix - pi).max() < 1e-12


@pytest.mark.slow
def test_little_dynamics_is_not_boltzmann():
    J, h = random_instance(8, 3)
    model = ih.dense_model(J, h=h)
    matrix = sweep_matrix(model, T=1.0, rule="glauber", schedule="synchronous")
    little, tau = stationary_distribution(matrix)
    pi = ih.boltzmann(model, T=1.0)
    assert np.abs(little - pi).sum() > 0.05  # a different law
    # the synchronous sampler draws from Little's stationary law, not from Boltzmann
    replicas, sweeps = 40_000, int(np.ceil(20 * max(tau, 1.0)))
    chain = ih.sample(model, ih.random_spins(replicas, 8, rng=4), T=1.0, rule="glauber", schedule="synchronous",
                      sweeps=sweeps, record_every=sweeps, rng=5)
    states = ih.state_index(chain.spins)
    assert chi2_pvalue(states, little) > 1e-4
    assert chi2_pvalue(states, pi) < 1e-10
    with pytest.raises(ValueError, match="glauber"):
        ih.sample(model, np.ones(8), T=1.0, rule="metropolis", schedule="synchronous", sweeps=1)


def boltzmann_cases():
    J, h = random_instance(8, 20261125)
    xi = ih.random_patterns(3, 8, rng=5)
    return {
        "dense": ih.dense_model(J, h=h),
        "sparse": ih.sparse_model(scipy.sparse.csr_array(J), h=h),
        "hebbian-patterns": ih.hebbian(xi),
        "pseudo-inverse-patterns": ih.pseudo_inverse(xi),
    }


CASES = boltzmann_cases()
# Replicas per (model, T): chosen from the exact distributions so that the chi-square statistic
# against the Boltzmann law at 1.1 T is expected well beyond its 1e-10 quantile (R * sum (p-q)^2/q
# at least 2.5 times the excess needed); the test asserts that this power is really there.
REPLICAS = {
    ("dense", 0.5): 20_000, ("dense", 1.0): 22_000, ("dense", 2.0): 46_000,
    ("sparse", 0.5): 20_000, ("sparse", 1.0): 22_000, ("sparse", 2.0): 46_000,
    ("hebbian-patterns", 0.5): 30_000, ("hebbian-patterns", 1.0): 21_000, ("hebbian-patterns", 2.0): 80_000,
    ("pseudo-inverse-patterns", 0.5): 20_000, ("pseudo-inverse-patterns", 1.0): 50_000,
    ("pseudo-inverse-patterns", 2.0): 212_000,
}


@pytest.mark.slow
@pytest.mark.statistical
@pytest.mark.parametrize("schedule", SINGLE_SITE)
@pytest.mark.parametrize("rule", ["metropolis", "glauber"])
@pytest.mark.parametrize("T", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("kind", sorted(CASES))
def test_samples_follow_the_boltzmann_distribution(kind, T, rule, schedule):
    model = CASES[kind]
    replicas = REPLICAS[kind, T]
    sweeps = ih.exact.equilibration_sweeps(sweep_matrix(model, T=T, rule=rule, schedule=schedule), ih.boltzmann(model, T=T),
                                           replicas)
    seed = np.random.SeedSequence([sorted(CASES).index(kind), int(10 * T), len(rule), len(schedule)])
    starts, streams = seed.spawn(2)
    chain = ih.sample(model, ih.random_spins(replicas, 8, rng=starts), T=T, rule=rule, schedule=schedule,
                      sweeps=sweeps, record_every=sweeps, rng=streams)
    states = ih.state_index(chain.spins)
    assert chi2_pvalue(states, ih.boltzmann(model, T=T)) > 1e-4
    assert chi2_pvalue(states, ih.boltzmann(model, T=1.1 * T)) < 1e-10  # the test has power


def wide_field(model):
    """``model`` with its Hebbian pattern fields summed in 64 bits, the path of P·N ≥ 2³¹."""
    from isinghop._kernels import specs

    limit, specs.NARROW_FIELD_LIMIT = specs.NARROW_FIELD_LIMIT, 0
    try:
        spec = specs.kernel_spec(model.couplings)  # chosen now, then kept
    finally:
        specs.NARROW_FIELD_LIMIT = limit
    assert spec.field.py_func.__name__ == "hebb_field_wide"
    return model


def sampling_models():
    """Integer couplings in every storage: with a field and self-couplings (the general attempt) and
    without (the plain one, compiled apart)."""
    rng = np.random.default_rng(2024)
    xi = ih.random_patterns(3, 24, rng=rng)
    quarter = rng.integers(-1, 2, size=24) / 4  # h·N = 6k: exact
    a = rng.integers(-1, 2, size=(16, 16))
    return {
        "hebb-patterns": ih.hebbian(xi),
        "hebb-patterns-wide": wide_field(ih.hebbian(xi)),
        "hebb-patterns-field": ih.hebbian(xi).with_field(h=quarter),
        "hebb-dense": ih.hebbian(xi, storage="dense"),
        "hebb-dense-field": ih.hebbian(xi, storage="dense").with_field(h=quarter),
        "hebb-self-coupling": ih.hebbian(xi, self_coupling=True),
        "lattice-sparse": ih.square_lattice(5, h=rng.integers(-1, 2, size=25) * (rng.random(25) < 0.3)),
        "pm1-dense": ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T),
    }


SAMPLING_MODELS = sampling_models()


@pytest.mark.parametrize("rule, schedule", [(rule, schedule) for rule in ih.vocabulary.RULES
                                            for schedule in ih.vocabulary.SCHEDULES
                                            if schedule != "synchronous" or rule == "glauber"])
@pytest.mark.parametrize("kind", sorted(SAMPLING_MODELS))
def test_sample_kernel_equals_reference_bit_for_bit(kind, rule, schedule):
    """Every storage × rule × schedule: the compiled chain is the slow reference's, draw for draw."""
    from reference import reference_sample

    model = SAMPLING_MODELS[kind]
    n = model.n_sites
    spins = ih.random_spins(4, n, rng=5)
    order = np.random.default_rng(3).permutation(n) if schedule == "sequential" else None
    chain = ih.sample(model, spins, T=0.8, rule=rule, schedule=schedule, order=order, sweeps=12,
                      record="energy_per_spin", rng=11)
    J_raw = np.rint(ih.to_dense(model) * model.couplings.scale).astype(np.int64)
    expected = reference_sample(J_raw, model.couplings.scale, model.h, spins, rule=rule, schedule=schedule,
                                order=order if order is not None else np.arange(n), T=0.8, sweeps=12,
                                states=ih.rng.replica_states(11, 4))
    np.testing.assert_array_equal(chain.spins, np.array(expected["spins"]))
    np.testing.assert_array_equal(chain.rng_state, np.array(expected["rng_state"]))
    np.testing.assert_array_equal(np.rint(chain.acceptance * n * 12), expected["accepted"])
    np.testing.assert_allclose(chain.energy_per_spin, np.array(expected["energy"]), rtol=1e-14)


@pytest.mark.parametrize("schedule", SINGLE_SITE)
@pytest.mark.parametrize("rule, tie", [("metropolis", "flip"), ("glauber", "random")])
def test_zero_temperature_chain_equals_relax(rule, tie, schedule):
    xi = ih.random_patterns(3, 30, rng=6)
    lattice = ih.square_lattice(5, h=np.random.default_rng(7).integers(-1, 2, size=25))
    for model in (ih.hebbian(xi), ih.hebbian(xi, storage="dense"), lattice):
        n = model.n_sites
        starts = ih.random_spins(5, n, rng=8)
        relaxed = ih.relax(model, starts, schedule=schedule, tie=tie, max_sweeps=100, rng=9)
        states = ih.replica_states(9, 5)
        for r in np.flatnonzero(relaxed.sweeps > 0):
            chain = ih.sample(model, starts[r], T=0.0, rule=rule, schedule=schedule, sweeps=int(relaxed.sweeps[r]),
                              rng=states[r : r + 1])
            np.testing.assert_array_equal(chain.spins, relaxed.spins[r])
            np.testing.assert_array_equal(chain.rng_state[0], relaxed.rng_state[r])


def test_continuing_a_chain_is_exact():
    model = ih.hebbian(ih.random_patterns(4, 50, rng=10))
    start = ih.random_spins(3, 50, rng=11)
    whole = ih.sample(model, start, T=0.7, rule="glauber", sweeps=40, record=("energy_per_spin", "overlaps"), rng=12)
    first = ih.sample(model, start, T=0.7, rule="glauber", sweeps=20, record=("energy_per_spin", "overlaps"), rng=12)
    second = ih.sample(model, first.spins, T=0.7, rule="glauber", sweeps=20, record=("energy_per_spin", "overlaps"), rng=first.rng_state)
    np.testing.assert_array_equal(second.spins, whole.spins)
    np.testing.assert_array_equal(np.hstack([first.energy_per_spin, second.energy_per_spin]), whole.energy_per_spin)
    np.testing.assert_array_equal(np.concatenate([first.overlaps, second.overlaps], axis=1), whole.overlaps)


def test_recorded_observables_match_the_state():
    xi = ih.random_patterns(3, 60, rng=13)
    model = ih.hebbian(xi).with_field(h=0.25)
    chain = ih.sample(model, ih.random_spins(4, 60, rng=14), T=0.8, sweeps=30, record_every=10, burn_in=5,
                      record=("energy_per_spin", "magnetisation", "overlaps", "snapshots"), rng=15)
    assert chain.recorded_sweeps.tolist() == [15, 25, 35]
    for r in range(4):
        snapshots = chain.snapshots[r]
        np.testing.assert_allclose(chain.energy_per_spin[r], ih.energy(model, snapshots) / 60, atol=1e-12)
        np.testing.assert_array_equal(chain.magnetisation[r], snapshots.mean(axis=1))
        np.testing.assert_array_equal(chain.overlaps[r], snapshots @ xi.T.astype(np.int64) / 60)
    np.testing.assert_array_equal(chain.snapshots[:, -1], chain.spins)
    assert np.all((chain.acceptance > 0) & (chain.acceptance < 1))


@pytest.mark.parametrize("model", [ih.square_lattice(10), ih.hebbian(ih.random_patterns(4, 100, rng=15)),
                                   ih.hebbian(ih.random_patterns(4, 100, rng=15), storage="dense")],
                         ids=["sparse", "patterns", "dense"])
def test_results_do_not_depend_on_thread_count(model):
    start = ih.random_spins(6, 100, rng=16)
    runs = []
    for threads in (1, 2):
        numba.set_num_threads(threads)
        try:
            runs.append(ih.sample(model, start, T=2.3, rule="metropolis", schedule="random", sweeps=50, rng=17))
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    for name in ("spins", "energy_per_spin", "magnetisation", "acceptance", "rng_state"):
        np.testing.assert_array_equal(getattr(runs[0], name), getattr(runs[1], name))


def test_annealing_and_per_replica_temperatures():
    model = ih.square_lattice(8)
    start = ih.random_spins(3, 64, rng=18)
    protocol = ih.linear_anneal(4.0, 0.5, 200)
    annealed = ih.sample(model, start, anneal=protocol, sweeps=200, rng=19)
    np.testing.assert_array_equal(annealed.anneal, protocol)
    assert np.all(np.isnan(annealed.T))
    # slow cooling of the ferromagnet reaches low energy
    assert annealed.energy_per_spin[:, -1].max() < -1.7
    ladder = ih.sample(model, start, T=[0.5, 2.0, 10.0], sweeps=100, rng=20)
    assert ladder.energy_per_spin[0, -20:].mean() < ladder.energy_per_spin[1, -20:].mean() < ladder.energy_per_spin[2, -20:].mean()
    with pytest.raises(ValueError, match="T, anneal"):
        ih.sample(model, start, T=1.0, anneal=protocol, sweeps=200)
    with pytest.raises(ValueError, match=r"anneal: expected one temperature per sweep, shape \(210,\)"):
        ih.sample(model, start, anneal=protocol, sweeps=200, burn_in=10)
    with pytest.raises(ValueError, match=r"T: expected a scalar or one temperature per replica"):
        ih.sample(model, start, T=[1.0, 2.0], sweeps=5)
    with pytest.raises(ValueError, match="T: temperatures must be finite"):
        ih.sample(model, start, T=-1.0, sweeps=5)
    np.testing.assert_allclose(ih.geometric_anneal(4.0, 0.25, 5), [4, 2, 1, 0.5, 0.25])


def test_bad_arguments_are_refused_before_sampling():
    model = ih.square_lattice(4)
    with pytest.raises(ValueError, match="^rule: must be one of 'metropolis', 'glauber'"):
        ih.sample(model, np.ones(16), T=1.0, rule="wolff", sweeps=5)
    with pytest.raises(ValueError, match="^model: Monte Carlo .* symmetric"):
        ih.sample(ih.dense_model([[0.0, 1.0], [-1.0, 0.0]], allow_asymmetric=True), [1, 1], T=1.0, sweeps=5)
    with pytest.raises(ValueError, match="^T: expected a ladder of at least two ascending"):
        ih.tempering(model, np.ones(16), T=[2.0, 1.0], sweeps=10)
    with pytest.raises(ValueError, match="^sweeps: must be a multiple of exchange_every"):
        ih.tempering(model, np.ones(16), T=[1.0, 2.0], sweeps=15, exchange_every=10)
    with pytest.raises(ValueError, match="^spins: expected one configuration per temperature"):
        ih.tempering(model, np.ones((3, 16)), T=[1.0, 2.0], sweeps=10)


def test_tempering_continues_exactly():
    model = ih.square_lattice(4)
    ladder = [1.5, 2.5, 3.5]
    whole = ih.tempering(model, np.ones(16), T=ladder, sweeps=40, exchange_every=5, rng=3)
    first = ih.tempering(model, np.ones(16), T=ladder, sweeps=20, exchange_every=5, rng=3)
    second = ih.tempering(model, first.spins, T=ladder, sweeps=20, exchange_every=5, rng=first.rng_state)
    np.testing.assert_array_equal(np.hstack([first.energy_per_spin, second.energy_per_spin]), whole.energy_per_spin)
    np.testing.assert_array_equal(second.spins, whole.spins)
    assert whole.exchange_acceptance.min() > 0


def test_progress_bar_segments_give_the_same_chain():
    model = ih.hebbian(ih.random_patterns(3, 40, rng=21))
    start = ih.random_spins(3, 40, rng=22)
    kwargs = dict(T=0.8, rule="metropolis", sweeps=250, burn_in=37, record_every=3, record=("energy_per_spin", "magnetisation", "overlaps", "snapshots"))
    quiet = ih.sample(model, start, progress=False, rng=23, **kwargs)
    shown = ih.sample(model, start, progress=True, rng=23, **kwargs)  # 287 sweeps in segments of 2
    for name in ("spins", "energy_per_spin", "magnetisation", "overlaps", "snapshots", "acceptance", "rng_state"):
        np.testing.assert_array_equal(getattr(quiet, name), getattr(shown, name))


def _float_model():
    """Random Gaussian couplings on 30 sites: float arithmetic, where rounding could differ between runs."""
    rng = np.random.default_rng(30)
    a = rng.normal(size=(30, 30)) / np.sqrt(30)
    return ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T, h=rng.normal(size=30) * 0.1)


def test_float_chains_continue_bit_for_bit():
    model = _float_model()
    start = ih.random_spins(4, 30, rng=31)
    kwargs = dict(T=0.6, rule="metropolis", record=("energy_per_spin", "magnetisation"))
    whole = ih.sample(model, start, sweeps=300, rng=32, **kwargs)
    segmented = ih.sample(model, start, sweeps=300, rng=32, progress=True, **kwargs)  # 100 segments of 3 sweeps
    first = ih.sample(model, start, sweeps=150, rng=32, **kwargs)
    continued = ih.sample(model, first, sweeps=150, **kwargs)
    restarted = ih.sample(model, first.spins, sweeps=150, rng=first.rng_state, **kwargs)
    np.testing.assert_array_equal(segmented.energy_per_spin, whole.energy_per_spin)
    np.testing.assert_array_equal(np.hstack([first.energy_per_spin, continued.energy_per_spin]),
                                  whole.energy_per_spin)
    np.testing.assert_array_equal(continued.spins, whole.spins)
    # from spins and streams alone the running energy is recomputed: equal to rounding
    np.testing.assert_array_equal(restarted.spins, whole.spins)
    np.testing.assert_allclose(restarted.energy_per_spin, whole.energy_per_spin[:, 150:], rtol=1e-12)
    with pytest.raises(ValueError, match="^rng: a Chain continues its own random streams"):
        ih.sample(model, first, sweeps=10, rng=1, **kwargs)
    with pytest.raises(ValueError, match="^spins: a Chain continues only on the model"):
        ih.sample(model.with_field(h=0.0), first, sweeps=10, **kwargs)


def test_tempering_rounds_carry_the_running_energy():
    model = _float_model()
    run = ih.tempering(model, np.ones(30), T=[0.5, 1.0, 2.0], sweeps=200, exchange_every=10, rng=33)
    # the energy carried over 20 rounds is the energy of the final configurations, to rounding
    np.testing.assert_allclose(run.energy_per_spin[:, -1], ih.energy(model, run.spins) / 30, rtol=1e-12)
    with pytest.raises(ValueError, match="^burn_in: expected an integer >= 0, got -10"):
        ih.tempering(model, np.ones(30), T=[0.5, 1.0], sweeps=10, burn_in=-10)
    with pytest.raises(ValueError, match="^burn_in: expected an integer >= 0, got -1"):
        ih.sample(model, np.ones(30), T=0.5, sweeps=10, burn_in=-1)


def test_tempering_records_what_sample_records_at_the_ends_of_its_rounds():
    # every record is recomputed from the recorded snapshot: the carried energy, the magnetisation and the overlaps
    # with given patterns (here ξ and the all-up pattern, whose overlap is the magnetisation)
    model = _float_model()
    xi = np.vstack([ih.random_patterns(1, 30, rng=36), np.ones((1, 30))])
    run = ih.tempering(model, np.ones(30), T=[0.5, 1.0, 2.0], sweeps=60, burn_in=20, exchange_every=10, rng=37,
                       patterns=xi, record=("energy_per_spin", "magnetisation", "overlaps", "snapshots"))
    np.testing.assert_array_equal(run.recorded_sweeps, [30, 40, 50, 60, 70, 80])
    assert run.snapshots.shape == (3, 6, 30) and run.overlaps.shape == (3, 6, 2)
    energies = np.array([[ih.energy(model, frame) for frame in rung] for rung in run.snapshots]) / 30
    np.testing.assert_allclose(run.energy_per_spin, energies, rtol=1e-12)
    np.testing.assert_array_equal(run.magnetisation, run.snapshots.mean(axis=2))
    np.testing.assert_allclose(run.overlaps, run.snapshots @ xi.T / 30, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(run.overlaps[..., 1], run.magnetisation)
    quiet = ih.tempering(model, np.ones(30), T=[0.5, 1.0], sweeps=20, exchange_every=10, rng=38, record=())
    assert quiet.energy_per_spin is None and quiet.snapshots is None
    with pytest.raises(ValueError, match="^patterns: recording overlaps needs patterns"):
        ih.tempering(model, np.ones(30), T=[0.5, 1.0], sweeps=20, exchange_every=10, record="overlaps")


def test_continued_chains_keep_their_shape_and_tempering_continues_bit_for_bit():
    model = _float_model()
    one = ih.sample(model, np.ones(30), T=0.5, sweeps=10, rng=34)
    more = ih.sample(model, one, T=0.5, sweeps=10)
    assert more.spins.shape == (30,) and more.energy_per_spin.shape == (10,)
    kwargs = dict(T=[0.5, 1.0, 2.0], exchange_every=5)
    whole = ih.tempering(model, np.ones(30), sweeps=40, rng=35, **kwargs)
    first = ih.tempering(model, np.ones(30), sweeps=20, rng=35, **kwargs)
    second = ih.tempering(model, first, sweeps=20, **kwargs)
    np.testing.assert_array_equal(np.hstack([first.energy_per_spin, second.energy_per_spin]), whole.energy_per_spin)
    np.testing.assert_array_equal(second.spins, whole.spins)
