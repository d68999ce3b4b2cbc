"""isinghop models to and from dimod's BinaryQuadraticModel."""

import itertools
import unittest

import numpy as np
import pytest
import scipy.sparse

import isinghop as ih
from isinghop.io.bqm import from_bqm, to_bqm

dimod = pytest.importorskip("dimod")


def random_bqm(n, vartype, integer, seed, density=1.0, labels=None):
    rng = np.random.default_rng(seed)
    labels = list(range(n)) if labels is None else labels
    draw = (lambda size: rng.integers(-3, 4, size).astype(float)) if integer else (lambda size: rng.normal(size=size))
    linear = dict(zip(labels, draw(n)))
    quadratic = {(labels[i], labels[j]): value for (i, j), value in zip(itertools.combinations(range(n), 2),
                                                                          draw(n * (n - 1) // 2))
                 if rng.random() < density and value != 0}
    return dimod.BinaryQuadraticModel(linear, quadratic, float(draw(1)[0]), vartype)


@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
@pytest.mark.parametrize("integer", [True, False])
def test_energies_equal_dimods_exact_solver_on_every_state(vartype, integer):
    labels = ["a", ("b", 1), 7, "d", "e", "f", "g"]
    for seed in range(3):
        bqm = random_bqm(7, vartype, integer, seed, density=0.6, labels=labels)
        model, offset, order = from_bqm(bqm)
        assert set(order) == set(labels)
        exact = dimod.ExactSolver().sample(bqm)
        spins = exact.record.sample[:, [exact.variables.index(v) for v in order]].astype(np.int64)
        if vartype == "BINARY":
            spins = 2 * spins - 1
        np.testing.assert_allclose(ih.energy(model, spins) + offset, exact.record.energy, rtol=0, atol=1e-12)


def test_integer_bqms_give_integer_couplings():
    """Integer BINARY biases are quarter-integers in SPIN form: K = 4 J is integer with scale 4."""
    model, _, _ = from_bqm(random_bqm(6, "BINARY", True, 4))
    assert np.issubdtype(model.couplings.matrix.dtype, np.integer) and model.couplings.scale == 4
    model, _, _ = from_bqm(random_bqm(6, "SPIN", True, 5))
    assert np.issubdtype(model.couplings.matrix.dtype, np.integer) and model.couplings.scale == 1


@pytest.mark.parametrize("storage", ["dense", "sparse", "patterns"])
def test_spin_round_trip_is_exact(storage):
    rng = np.random.default_rng(6)
    n = 12
    if storage == "patterns":
        model = ih.hebbian(ih.random_patterns(3, n, rng=7))
    else:
        K = np.triu(rng.integers(-4, 5, (n, n)), 1)
        K = K + K.T
        make = ih.dense_model if storage == "dense" else lambda J, **kw: ih.sparse_model(scipy.sparse.csr_array(J), **kw)
        model = make(K, scale=3, h=rng.normal(size=n))
    labels = [f"x{i}" for i in range(n)]
    back, offset, order = from_bqm(to_bqm(model, labels=labels))
    assert order == tuple(labels) and offset == 0.0
    np.testing.assert_array_equal(ih.to_dense(back), ih.to_dense(model))
    np.testing.assert_array_equal(back.h, model.h)


def test_binary_round_trip():
    """Exact for integer couplings (scale 4 absorbs the s = 2x − 1 quarters), to 1e-12 for floats."""
    rng = np.random.default_rng(8)
    K = np.triu(rng.integers(-4, 5, (9, 9)), 1)
    integer = ih.dense_model(K + K.T, h=rng.integers(-2, 3, 9).astype(float))
    back, offset, _ = from_bqm(to_bqm(integer, vartype="BINARY"))
    np.testing.assert_array_equal(ih.to_dense(back), ih.to_dense(integer))
    np.testing.assert_array_equal(back.h, integer.h)
    assert offset == pytest.approx(0.0, abs=1e-12)
    J = np.triu(rng.normal(size=(9, 9)), 1)
    real = ih.dense_model(J + J.T, h=rng.normal(size=9))
    back, offset, _ = from_bqm(to_bqm(real, vartype="BINARY"))
    np.testing.assert_allclose(ih.to_dense(back), ih.to_dense(real), rtol=0, atol=1e-12)
    np.testing.assert_allclose(back.h, real.h, rtol=0, atol=1e-12)
    assert offset == pytest.approx(0.0, abs=1e-12)


def test_sparse_bqms_stay_sparse():
    chain = dimod.BinaryQuadraticModel({}, {(i, i + 1): -1.0 for i in range(99)}, 0.0, "SPIN")
    model, _, _ = from_bqm(chain)
    assert isinstance(model.couplings, ih.SparseCouplings) and model.couplings.matrix.nnz == 198


def test_models_a_bqm_cannot_hold_are_refused():
    with pytest.raises(ValueError, match="self-couplings"):
        to_bqm(ih.hebbian(ih.random_patterns(2, 6, rng=9), self_coupling=True))
    J = np.arange(9.0).reshape(3, 3)
    np.fill_diagonal(J, 0)
    with pytest.raises(ValueError, match="symmetric"):
        to_bqm(ih.dense_model(J, allow_asymmetric=True))
    with pytest.raises(ValueError, match="labels"):
        to_bqm(ih.dense_model(np.zeros((3, 3))), labels=["a", "a", "b"])
    with pytest.raises(ValueError, match="vartype"):
        to_bqm(ih.dense_model(np.zeros((3, 3))), vartype="ISING")
    with pytest.raises(TypeError, match="bqm"):
        from_bqm({"a": 1})


def _sampler():
    from isinghop.io.bqm import IsinghopSampler
    return IsinghopSampler


@dimod.testing.load_sampler_bqm_tests(_sampler())
class TestDimodConformance(unittest.TestCase):
    """dimod's own sampler tests: empty, one-variable and labelled BQMs of every BQM class, both vartypes."""


def test_sampler_api_and_ground_states():
    """Annealing 20 reads over 1000 sweeps finds the exact ground state of small random ±1 BQMs
    (n = 12, every pair coupled), checked against dimod's ExactSolver on all 4096 states."""
    sampler = _sampler()()
    dimod.testing.assert_sampler_api(sampler)
    for seed in range(3):
        for vartype in ("SPIN", "BINARY"):
            bqm = dimod.generators.ran_r(1, 12, seed=seed).change_vartype(vartype, inplace=False)
            sampleset = sampler.sample(bqm, num_reads=20, seed=seed)
            dimod.testing.assert_sampleset_energies(sampleset, bqm)
            assert sampleset.vartype is bqm.vartype
            assert sampleset.first.energy == pytest.approx(dimod.ExactSolver().sample(bqm).first.energy, abs=1e-9)
            assert len(sampleset.info["acceptance"]) == 20 and sampleset.info["timing"]["sampling_s"] > 0


def test_sampler_at_fixed_beta_and_from_given_states():
    bqm = dimod.generators.ran_r(1, 8, seed=4)
    sampler = _sampler()()
    frozen = sampler.sample(bqm, beta=100.0, num_sweeps=5, initial_states=sampler.sample(bqm, num_reads=3, seed=5),
                            seed=6)
    assert len(frozen) == 3  # one read per given state
    a = sampler.sample(bqm, beta=0.5, num_reads=4, num_sweeps=20, seed=7)
    b = sampler.sample(bqm, beta=0.5, num_reads=4, num_sweeps=20, seed=7)
    np.testing.assert_array_equal(a.record.sample, b.record.sample)  # seeded: reproducible


def _validated_first(monkeypatch):
    """Make the conversion of the BQM fail loudly: an argument error must come before any computation."""
    def conversion(bqm):
        raise AssertionError("from_bqm ran before the arguments were checked")
    monkeypatch.setattr(ih.io.bqm, "from_bqm", conversion)


BAD_KEYWORDS = [
    ({"beta": 0}, ValueError, r"^beta: .*got 0\b.*T = ∞"),
    ({"beta": -1.0}, ValueError, r"^beta: .*got -1\.0"),
    ({"beta": float("nan")}, ValueError, r"^beta: .*got nan"),
    ({"beta": "hot"}, TypeError, r"^beta: .*got 'hot'"),
    ({"beta": [1.0, 2.0]}, TypeError, r"^beta: .*got \[1\.0, 2\.0\]"),
    ({"beta": True}, TypeError, r"^beta: .*got True"),
    ({"beta": 1e-320}, ValueError, r"^beta: .*got 1e-320; T = 1/β would overflow"),
    ({"beta_range": (0, 1)}, ValueError, r"^beta_range\[0\]: .*got 0\b.*T = ∞"),
    ({"beta_range": (1, 0.0)}, ValueError, r"^beta_range\[1\]: .*got 0\.0"),
    ({"beta_range": (-1, 1)}, ValueError, r"^beta_range\[0\]: .*got -1"),
    ({"beta_range": (float("nan"), 1)}, ValueError, r"^beta_range\[0\]: .*got nan"),
    ({"beta_range": (1, float("inf"))}, ValueError, r"^beta_range\[1\]: .*finite.*got inf"),
    ({"beta_range": (1, 2, 3)}, ValueError, r"^beta_range: .*two .*got \(1, 2, 3\)"),
    ({"beta_range": 1.0}, TypeError, r"^beta_range: .*two .*got 1\.0"),
    ({"beta_range": "ab"}, TypeError, r"^beta_range: .*two .*got 'ab'"),
    ({"beta_range": (1, "b")}, TypeError, r"^beta_range\[1\]: .*got 'b'"),
    ({"beta": 1.0, "beta_range": (1, 2)}, ValueError, r"^beta, beta_range: .*not both"),
    ({"num_reads": 0}, ValueError, r"^num_reads: .*got 0"),
    ({"num_reads": -1}, ValueError, r"^num_reads: .*got -1"),
    ({"num_reads": 2.0}, TypeError, r"^num_reads: .*got 2\.0"),
    ({"num_sweeps": 0}, ValueError, r"^num_sweeps: .*got 0"),
    ({"num_sweeps": 0, "beta": 1.0}, ValueError, r"^num_sweeps: .*got 0"),
    ({"num_sweeps": 1.5}, TypeError, r"^num_sweeps: .*got 1\.5"),
    ({"seed": -1}, ValueError, r"^seed: .*got -1"),
    ({"seed": 1.5}, TypeError, r"^seed: .*got 1\.5"),
    ({"seed": "x"}, TypeError, r"^seed: .*got 'x'"),
    ({"rule": "metro"}, ValueError, r"^rule: .*got 'metro'"),
]


@pytest.mark.parametrize("keywords, error, message", BAD_KEYWORDS, ids=[repr(k) for k, _, _ in BAD_KEYWORDS])
def test_bad_sampler_keywords_are_named_as_typed_before_any_computation(keywords, error, message, monkeypatch):
    """Errors name the dimod keyword (never an internal name: T, n_sweeps, replicas, rng) and the value."""
    bqm = dimod.generators.ran_r(1, 5, seed=1)
    _validated_first(monkeypatch)
    with pytest.raises(error, match=message):
        _sampler()().sample(bqm, **keywords)


def test_sampler_at_infinite_beta_is_the_zero_temperature_limit():
    """beta = inf is T = 0, the zero-temperature limit of the rule: with generic real biases (no ties) Metropolis
    only descends, and every read ends in a single-flip local minimum."""
    bqm = random_bqm(10, "SPIN", False, 2)
    sampleset = _sampler()().sample(bqm, beta=float("inf"), num_reads=5, num_sweeps=100, seed=3)
    for sample, energy in sampleset.data(["sample", "energy"]):
        for v in bqm.variables:
            flipped = {**sample, v: -sample[v]}
            assert bqm.energy(flipped) >= energy


BAD_STARTS = [
    ({"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}, "SPIN", ValueError, r"^initial_states: .*no value for .*\b0\b.*4"),
    ({0: 1, 1: 1, 2: 1, 3: 1}, "SPIN", ValueError, r"^initial_states: .*no value for .*\[4\]"),
    ({0: 1, 1: 1, 2: 1, 3: 1, 4: 1, "z": 1}, "SPIN", ValueError, r"^initial_states: .*\['z'\] .*not .*BQM"),
    (np.ones((2, 4)), "SPIN", ValueError, r"^initial_states: .*no value for .*\[4\]"),
    ({0: 2, 1: 1, 2: 1, 3: 1, 4: 1}, "SPIN", ValueError, r"^initial_states: .*-1 or \+1.*read 0, variable 0 = 2"),
    ({0: 1, 1: 1, 2: 0, 3: 1, 4: 1}, "SPIN", ValueError, r"^initial_states: .*variable 2 = 0"),
    ({0: 1.5, 1: 1, 2: 1, 3: 1, 4: 1}, "SPIN", ValueError, r"^initial_states: .*variable 0 = 1\.5"),
    (np.full((1, 5), 257), "SPIN", ValueError, r"^initial_states: .*= 257"),
    (np.array([[np.nan, 1, 1, 1, 1]]), "SPIN", ValueError, r"^initial_states: .*= nan"),
    ({0: -1, 1: 1, 2: 1, 3: 1, 4: 1}, "BINARY", ValueError, r"^initial_states: .*0 or 1.*variable 0 = -1"),
    (np.ones((0, 5)), "SPIN", ValueError, r"^initial_states: .*no states"),
    (([["1", "x", "1", "1", "1"]], [0, 1, 2, 3, 4]), "SPIN", TypeError, r"^initial_states: "),
]


@pytest.mark.parametrize("states, vartype, error, message", BAD_STARTS, ids=[str(i) for i in range(len(BAD_STARTS))])
def test_bad_initial_states_name_the_labels_and_values(states, vartype, error, message, monkeypatch):
    bqm = dimod.generators.ran_r(1, 5, seed=1).change_vartype(vartype, inplace=False)
    _validated_first(monkeypatch)
    with pytest.raises(error, match=message):
        _sampler()().sample(bqm, num_sweeps=5, initial_states=states)


def test_num_reads_and_initial_states_must_agree():
    """Without num_reads the states set the number of reads; a different num_reads is refused, not ignored."""
    bqm = dimod.generators.ran_r(1, 5, seed=1)
    sampler = _sampler()()
    assert len(sampler.sample(bqm, num_sweeps=5, initial_states=np.ones((3, 5)), seed=1)) == 3
    assert len(sampler.sample(bqm, num_sweeps=5, num_reads=3, initial_states=np.ones((3, 5)), seed=1)) == 3
    with pytest.raises(ValueError, match=r"^num_reads: .*got 7.*initial_states.* 2 states"):
        sampler.sample(bqm, num_sweeps=5, num_reads=7, initial_states=np.ones((2, 5)))


def test_the_empty_bqm_checks_num_reads_too():
    sampler = _sampler()()
    assert len(sampler.sample(dimod.BinaryQuadraticModel("SPIN"), num_reads=3)) == 3
    for reads in (0, -1):
        with pytest.raises(ValueError, match=r"^num_reads: "):
            sampler.sample(dimod.BinaryQuadraticModel("SPIN"), num_reads=reads)


@pytest.mark.parametrize("thing", [None, {"a": 1.0}, np.zeros((2, 2))], ids=["None", "dict", "array"])
def test_objects_that_are_not_bqms_are_refused_by_name(thing):
    with pytest.raises(TypeError, match=r"^bqm: expected a dimod\.BinaryQuadraticModel, got \w+; .*dimod"):
        _sampler()().sample(thing)
    with pytest.raises(TypeError, match=r"^bqm: expected a dimod\.BinaryQuadraticModel"):
        ih.io.default_beta_range(thing)
    with pytest.raises(TypeError, match=r"^bqm: expected a dimod\.BinaryQuadraticModel"):
        from_bqm(thing)


@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
def test_non_finite_biases_are_named_by_their_variables(vartype):
    nan = float("nan")
    cases = [(({"a": nan, "b": 1.0}, {("a", "b"): 1.0}, 0.0), r"^bqm: .*finite.*linear bias of 'a' is nan"),
             (({"a": 1.0, "b": 1.0}, {("a", "b"): -np.inf}, 0.0),
              r"^bqm: .*finite.*quadratic bias of \('a', 'b'\) is -inf"),
             (({"a": 1.0, "b": 1.0}, {("a", "b"): 1.0}, np.inf), r"^bqm: .*finite.*offset is inf")]
    for (linear, quadratic, offset), message in cases:
        bqm = dimod.BinaryQuadraticModel(linear, quadratic, offset, vartype)
        for convert in (from_bqm, ih.io.default_beta_range, lambda b: _sampler()().sample(b, num_sweeps=2)):
            with pytest.raises(ValueError, match=message):
                convert(bqm)


def test_a_binary_model_whose_spin_form_overflows_is_refused():
    bqm = dimod.BinaryQuadraticModel({}, {(0, k): 1e308 for k in range(1, 9)}, 0.0, "BINARY")
    with pytest.raises(ValueError, match=r"^bqm: .*SPIN form.*overflows"):
        from_bqm(bqm)


def test_no_default_annealing_range_where_temperatures_leave_float64():
    """Subnormal biases put β_cold = ln 100 / ΔE_min beyond float64: the default range is refused, beta_range works."""
    tiny = dimod.BinaryQuadraticModel({0: 1e-310, 1: 0.0}, {(0, 1): 1e-310}, 0.0, "SPIN")
    with pytest.raises(ValueError, match=r"^bqm: its energy changes range from 2e-310 .*pass beta_range"):
        ih.io.default_beta_range(tiny)
    with pytest.raises(ValueError, match=r"^bqm: .*pass beta_range"):
        _sampler()().sample(tiny, num_sweeps=2)
    assert len(_sampler()().sample(tiny, beta_range=(0.1, 1.0), num_reads=2, num_sweeps=2, seed=1)) == 2


def _agrees_with_dimod(bqm, ulps):
    """from_bqm's energies equal dimod's on every state to ``ulps`` float64 roundings of the BQM's energy scale."""
    model, offset, labels = from_bqm(bqm)
    exact = dimod.ExactSolver().sample(bqm)
    spins = exact.record.sample[:, [exact.variables.index(v) for v in labels]].astype(np.int64)
    if bqm.vartype is dimod.BINARY:
        spins = 2 * spins - 1
    linear, (_, _, quadratic), offset_ = bqm.to_numpy_vectors()
    scale = np.abs(linear).sum() + np.abs(quadratic).sum() + abs(offset_)
    np.testing.assert_allclose(ih.energy(model, spins) + offset, exact.record.energy, rtol=0,
                               atol=ulps * np.finfo(np.float64).eps * scale)
    return model


@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
def test_huge_integer_bqms_import_in_float_storage(vartype):
    """Integers whose fields reach 2^53 cannot be exact: from_bqm stores floats instead of refusing the BQM."""
    big = dimod.BinaryQuadraticModel({0: 2**60, 1: 3, 2: -1}, {(0, 1): 2, (1, 2): -1}, 0.0, vartype)
    _agrees_with_dimod(big, 4)
    scale = 4 if vartype == "BINARY" else 1  # from_bqm's integers are scale × the SPIN biases
    rows = dimod.BinaryQuadraticModel({}, {(0, k): 2**51 // scale for k in range(1, 5)}, 0.0, "SPIN").change_vartype(
        vartype, inplace=False)  # the integer fields of row 0 sum to 2^53
    assert not _agrees_with_dimod(rows, 4).couplings.exact
    sampleset = _sampler()().sample(rows, num_reads=2, num_sweeps=5, seed=1)
    dimod.testing.assert_sampleset_energies(sampleset, rows)


def test_integer_storage_exactly_while_fields_stay_below_2_53():
    """|scale·h_i| + Σ_j |scale·J_ij| < 2^53 on every row keeps integers; one more and floats take over."""
    below = dimod.BinaryQuadraticModel({0: 2**52, 1: 0}, {(0, 1): 2**52 - 1}, 0.0, "SPIN")
    model = _agrees_with_dimod(below, 0)
    assert model.couplings.exact and model.couplings.scale == 1
    at = dimod.BinaryQuadraticModel({0: 2**52, 1: 0, 2: 0}, {(0, 1): 2**52 - 1, (0, 2): 1}, 0.0, "SPIN")
    model = _agrees_with_dimod(at, 0)
    assert not model.couplings.exact


def test_to_bqm_takes_dimods_vartypes_and_names_bad_labels():
    model = ih.dense_model([[0, 1], [1, 0]], h=[0.5, 0])
    assert to_bqm(model, vartype=dimod.BINARY).vartype is dimod.BINARY
    assert to_bqm(model, vartype=dimod.SPIN).vartype is dimod.SPIN
    with pytest.raises(ValueError, match=r"^vartype: must be one of 'SPIN', 'BINARY'; got 'SPN'"):
        to_bqm(model, vartype="SPN")
    with pytest.raises(TypeError, match=r"^labels: .*hashable.*\[1\]"):
        to_bqm(model, labels=[[1], [2]])
    with pytest.raises(TypeError, match=r"^labels: .*got 3"):
        to_bqm(model, labels=3)
