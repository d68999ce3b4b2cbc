"""The public API keeps its promises: documented returns, one vocabulary table per option."""

import importlib
import importlib.util
import inspect
from typing import get_args

import pytest

import isinghop as ih

MODULES = ["isinghop", "isinghop.model", "isinghop.learning", "isinghop.spins", "isinghop.dynamics",
           "isinghop.montecarlo", "isinghop.observables", "isinghop.exact", "isinghop.exact.enumeration",
           "isinghop.exact.transitions", "isinghop.exact.landscape", "isinghop.theory", "isinghop.theory.meanfield",
           "isinghop.theory.graded", "isinghop.theory.torus",
           "isinghop.vocabulary", "isinghop.rng", "isinghop.study", "isinghop.provenance", "isinghop.stats", "isinghop.stats.errors",
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
