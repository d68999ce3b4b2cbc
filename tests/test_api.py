"""The public API keeps its promises: documented returns, one vocabulary table per option."""

import importlib
import importlib.util
import inspect
from typing import get_args

import pytest

import isinghop as ih

MODULES = ["isinghop", "isinghop.model", "isinghop.couplings", "isinghop.learning", "isinghop.spins", "isinghop.dynamics",
           "isinghop.montecarlo", "isinghop.observables", "isinghop.exact", "isinghop.exact.enumeration",
           "isinghop.exact.transitions", "isinghop.exact.landscape", "isinghop.theory", "isinghop.theory.meanfield",
           "isinghop.theory.graded", "isinghop.theory.torus",
           "isinghop.vocabulary", "isinghop.rng", "isinghop.runtime", "isinghop.runtime.declaration",
           "isinghop.runtime.runner", "isinghop.runtime.store", "isinghop.runtime.provenance", "isinghop.stats",
           "isinghop.stats.errors",
           "isinghop.stats.finite_size", "isinghop.stats.reweighting", "isinghop.stats.report",
           "isinghop.viz", "isinghop.viz.pictures", "isinghop.viz.plotting", "isinghop.viz.diagrams",
           "isinghop.viz.playground", "isinghop.viz.demo",
           "isinghop.testing", "isinghop.io", "isinghop.io.bqm", "isinghop.io.models", "isinghop.paper"]


def _public_callables():
    found = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            item = getattr(module, name)
            if inspect.isclass(item) and not issubclass(item, BaseException):
                for attribute, member in vars(item).items():
                    function = getattr(member, "__func__", member)
                    returns = inspect.isfunction(function) and inspect.signature(function).return_annotation
                    if not attribute.startswith("_") and returns not in (False, None, "None"):
                        found[f"{item.__module__}.{item.__qualname__}.{attribute}"] = function
            elif inspect.isfunction(item) and inspect.signature(item).return_annotation not in (None, "None"):
                found[f"{item.__module__}.{item.__qualname__}"] = item
    return found


@pytest.mark.parametrize("name, function", sorted(_public_callables().items()))
def test_every_public_function_documents_what_it_returns(name, function):
    doc = inspect.getdoc(function) or ""
    assert "Returns\n-------\n" in doc, f"{name} has no numpydoc Returns section"


def test_each_vocabulary_is_one_literal_with_codes_by_name():
    from isinghop import vocabulary as v

    for literal, names, codes in ((v.Schedule, v.SCHEDULES, v.SCHEDULE_CODES), (v.TieRule, v.TIE_RULES, v.TIE_CODES),
                                  (v.Rule, v.RULES, v.RULE_CODES)):
        assert names == get_args(literal) and sorted(codes.values()) == list(range(len(names)))
    from isinghop._kernels import montecarlo, relax, schedule

    assert (schedule.SYNCHRONOUS, schedule.SEQUENTIAL, schedule.PERMUTATION, schedule.RANDOM) == tuple(
        v.SCHEDULE_CODES[name] for name in ("synchronous", "sequential", "permutation", "random"))
    assert (relax.KEEP, relax.UP, relax.DOWN, relax.FLIP, relax.COIN) == tuple(
        v.TIE_CODES[name] for name in ("keep", "up", "down", "flip", "random"))
    assert (montecarlo.METROPOLIS, montecarlo.GLAUBER) == (v.RULE_CODES["metropolis"], v.RULE_CODES["glauber"])
    assert ih.vocabulary.RECORDABLE == ("energy_per_spin", "magnetisation", "overlaps", "snapshots")


@pytest.mark.parametrize("module_name", MODULES)
def test_public_modules_show_only_their_api(module_name):
    """``dir(module)`` lists the public API, not the imports a module uses (``np``, ``dataclass``, …), and every
    name of ``__all__`` resolves."""
    module = importlib.import_module(module_name)
    shown = {name for name in dir(module) if not name.startswith("_")}
    assert shown <= set(module.__all__), f"{module_name} shows {sorted(shown - set(module.__all__))}"
    for name in module.__all__:
        if name != "IsinghopSampler" or importlib.util.find_spec("dimod"):  # built on first use, needs dimod
            getattr(module, name)


def _public_functions():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            item = getattr(module, name, None)
            if inspect.isfunction(item):
                yield f"{item.__module__}.{item.__qualname__}", item


def test_a_temperature_is_T_and_keyword_only_beside_a_model():
    """Temperature is ``T`` everywhere (never ``temperature``/``temperatures``), and keyword-only in every
    function that also takes a model: ``boltzmann(model, T=0.5)``, never ``boltzmann(model, 0.5)``."""
    for name, function in dict(_public_functions()).items():
        parameters = inspect.signature(function).parameters
        assert not {"temperature", "temperatures"} & set(parameters), name
        if "model" in parameters and "T" in parameters:
            assert parameters["T"].kind is inspect.Parameter.KEYWORD_ONLY, f"{name}: T is not keyword-only"


def _parameters(function) -> dict:
    return dict(inspect.signature(function).parameters)


def test_no_public_parameter_is_a_boltzmann_beta_or_a_second_meaning():
    """``beta`` is not a parameter (temperature is ``T``; a neuron's gain is ``gain``), ``tol`` is the tie tolerance
    only (a convergence tolerance has its own name), and ``order`` is a site order only."""
    for name, function in dict(_public_functions()).items():
        parameters = _parameters(function)
        assert "beta" not in parameters, name
        if "tol" in parameters:
            assert "tie" in parameters or "schedule" in parameters or "model" in parameters, name
        if "order" in parameters:
            assert "schedule" in parameters, f"{name}: order without a schedule is not a site order"


def test_result_classes_use_one_meaning_per_name():
    """No result has an ``order`` (a sweep's site order elsewhere), an ``overlap`` (overlaps are pattern overlaps,
    ``overlaps``) or a ``beta`` field."""
    import dataclasses

    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            item = getattr(module, name, None)
            if inspect.isclass(item) and dataclasses.is_dataclass(item):
                fields = {field.name for field in dataclasses.fields(item)}
                assert not {"order", "overlap", "beta", "abs_order"} & fields, f"{module_name}.{name}: {fields}"


#: Where one step of the exact zero-temperature dynamics depends on the schedule: no default (see conventions).
NO_DEFAULT_SCHEDULE = ("transition_graph", "transition_matrix", "absorption", "basin_fractions")


def test_every_default_schedule_is_permutation():
    """One default schedule wherever a schedule has a default, and none where the step itself is the schedule's."""
    with_schedule = {name: _parameters(function)["schedule"] for name, function in dict(_public_functions()).items()
                     if "schedule" in _parameters(function)}
    assert len(with_schedule) >= 9, sorted(with_schedule)
    for name, parameter in with_schedule.items():
        if name.endswith(NO_DEFAULT_SCHEDULE):
            assert parameter.default is inspect.Parameter.empty, name
        else:
            assert parameter.default == "permutation", f"{name}: schedule={parameter.default!r}"


SIBLINGS = {
    # the runs: what one of them takes, every other takes too, with the same default
    ("relax", "sample", "tempering", "sweep_field"): ("schedule", "order", "backend", "rng"),
    # a tie tolerance wherever T = 0 can be reached (a tempering ladder is > 0)
    ("relax", "sample", "sweep_field"): ("tol",),
    ("sample", "tempering", "sweep_field"): ("rule", "burn_in", "progress"),
    ("relax", "sample", "tempering"): ("patterns",),
    # a chain records its energy and magnetisation by default; a relaxation, whose end is its result, records nothing
    ("sample", "tempering"): ("record",),
    # the exact zero-temperature Markov objects
    ("transition_graph", "transition_matrix", "absorption"): ("schedule", "tie", "order", "tol"),
}


@pytest.mark.parametrize("functions, arguments", sorted(SIBLINGS.items()))
def test_sibling_functions_share_argument_names_and_defaults(functions, arguments):
    assert "record" in _parameters(ih.relax)
    for argument in arguments:
        defaults = {name: _parameters(getattr(ih, name))[argument].default for name in functions}
        assert len({repr(value) for value in defaults.values()}) == 1, (argument, defaults)


def test_one_rule_for_the_replica_axis_and_for_records():
    """A run given one configuration drops the replica axis of every per-replica result (``rng_state`` keeps it);
    a batch keeps it; functions that make a batch always return one; ``tempering``'s axis is the ladder. Records
    are labelled by ``recorded_sweeps``: a relaxation's include its start (sweep 0), a chain's do not."""
    xi = ih.random_patterns(2, 24, rng=1)
    model = ih.hebbian(xi)
    one, batch = xi[0], xi[:2]
    runs = {
        "relax": lambda start: ih.relax(model, start, record="overlaps", rng=2),
        "sample": lambda start: ih.sample(model, start, T=0.5, sweeps=4, record="overlaps", rng=3),
        "sweep_field": lambda start: ih.sweep_field(model, start, T=0.5, fields=[0.0, 0.1], rng=4),
    }
    for name, run in runs.items():
        single, several = run(one), run(batch)
        assert single.spins.shape == (24,) and several.spins.shape == (2, 24), name
        assert single.rng_state.shape == (1, 4) and several.rng_state.shape == (2, 4), name
        if hasattr(single, "overlaps"):
            assert single.overlaps.shape[0] == len(single.recorded_sweeps), name
            assert several.overlaps.shape[:2] == (2, len(several.recorded_sweeps)), name
    relaxation = ih.relax(model, one, record="overlaps", rng=5)
    assert relaxation.recorded_sweeps[0] == 0 and relaxation.overlaps[0, 0] == 1.0  # the cue itself
    chain = ih.sample(model, one, T=0.5, sweeps=6, burn_in=4, record_every=2, rng=6)
    assert chain.recorded_sweeps.tolist() == [6, 8, 10]
    ladder = ih.tempering(model, one, T=[0.5, 1.0], sweeps=4, exchange_every=2, rng=7)
    assert ladder.spins.shape == (2, 24) and ladder.recorded_sweeps.tolist() == [2, 4]
    assert ih.as_spins(one).shape == (1, 24) and ih.state_spins(3, 5).shape == (1, 5)
    assert ih.random_spins(1, 5, rng=8).shape == (1, 5)
