"""The package's floor plan holds: every import (at module level or inside a function) runs down the layers
declared in pyproject.toml, and no layer's siblings import one another (import-linter)."""

import os
from pathlib import Path

from importlinter import cli


def test_imports_run_down_the_layers(monkeypatch):
    monkeypatch.chdir(Path(__file__).parent.parent)  # pyproject.toml holds the contract
    assert cli.lint_imports(config_filename="pyproject.toml", no_cache=True) == cli.EXIT_STATUS_SUCCESS


def test_every_subpackage_is_installed():
    """A wheel holds the packages pyproject.toml lists: every folder of isinghop with an ``__init__.py`` is one."""
    import tomllib

    root = Path(__file__).parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(root).parts) for path in (root / "isinghop").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
