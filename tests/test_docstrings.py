"""Every example in a public docstring and in the user guide runs and prints what it shows."""

import doctest
import importlib
from pathlib import Path

import numpy as np
import pytest

from test_api import MODULES

DOCS = Path(__file__).parents[1] / "docs"
GUIDE = [DOCS / "index.rst", *sorted((DOCS / "guide").glob("*.rst"))]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _docstring_tests():
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = {}
    for module_name in MODULES:
        for test in finder.find(importlib.import_module(module_name)):
            if test.examples and test.name.startswith("isinghop"):
                tests.setdefault(test.name, test)
    return tests


DOCSTRING_TESTS = _docstring_tests()


def _run(test, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    report = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    with np.printoptions(legacy=False):
        runner.run(test, out=report.append, clear_globs=True)
    assert runner.failures == 0, "".join(report)


def test_the_public_docstrings_have_examples():
    assert len(DOCSTRING_TESTS) >= 25


@pytest.mark.parametrize("name", sorted(DOCSTRING_TESTS))
def test_docstring_example(name, tmp_path, monkeypatch):
    _run(DOCSTRING_TESTS[name], tmp_path, monkeypatch)


@pytest.mark.parametrize("page", GUIDE, ids=[str(page.relative_to(DOCS)) for page in GUIDE])
def test_user_guide_page(page, tmp_path, monkeypatch):
    text = page.read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, page.stem, str(page), 0)
    _run(test, tmp_path, monkeypatch)
