"""Provenance of a study Dataset: flat string and number attrs, stamped last.

netCDF stores neither dicts, bools nor None, and xarray drops attrs in
arithmetic, so provenance is collected as flat values (nested parameters as
one JSON string) and written onto the finished Dataset by :func:`stamp`.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import json
import platform
import subprocess
from pathlib import Path

import numpy as np

__all__ = ["collect", "code_fingerprint", "cpu_model", "stamp", "TIMING_ATTRS", "NOT_PHYSICS"]

#: Attributes that differ between otherwise identical runs (``points_computed``: by the call that returned it).
TIMING_ATTRS = ("start_time", "end_time", "wall_time_s", "history", "compute_time_s", "points_computed")
#: The parts of the package that compute no study's numbers: a code fingerprint leaves them out.
NOT_PHYSICS = ("isinghop.viz", "isinghop.runtime", "isinghop.paper", "isinghop.cli", "isinghop.__main__",
               "isinghop.testing")


def _git_describe() -> str:
    """``git describe`` of the project's own checkout, or "" (an installed copy, or a repository that
    merely encloses site-packages)."""
    root = Path(__file__).resolve().parents[2]  # isinghop/runtime/provenance.py: the checkout holds isinghop/

    def git(*arguments) -> str:
        try:
            done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    top = git("rev-parse", "--show-toplevel")
    if not top or Path(top).resolve() != root or not (root / "pyproject.toml").is_file():
        return ""
    return git("describe", "--always", "--dirty", "--tags")


def cpu_model() -> str:
    """The processor's model name (``/proc/cpuinfo`` on Linux, where ``platform.processor()`` is empty),
    else what the platform says, else the machine type.

    Returns
    -------
    str
        For example ``"Intel(R) Xeon(R) Processor"``.
    """
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def collect(*, seed_entropy, parameters: dict) -> dict:
    """Versions, the root seed's entropy and the parameters, as flat netCDF-safe attrs.

    Returns
    -------
    dict
        str → str attributes (parameters as sorted JSON).
    """
    import numba
    import xarray

    from isinghop._version import __version__

    return {
        "isinghop_version": __version__,
        "git_describe": _git_describe(),
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "numba_version": numba.__version__,
        "xarray_version": xarray.__version__,
        "seed_entropy": str(seed_entropy),
        "parameters": json.dumps(parameters, sort_keys=True, default=str),
    }


def _without_docstrings(tree: ast.AST) -> ast.AST:
    """``tree`` with the docstring of the module and of every class and function removed (in place)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return tree


def _imported_modules(tree: ast.AST, package: str) -> set[str]:
    """The isinghop modules a syntax tree imports (inside functions too): ``from isinghop.x import y``
    names ``isinghop.x`` and, when ``y`` is a module, ``isinghop.x.y``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == "isinghop" and _is_module(name)}


def _is_module(name: str) -> bool:
    """Whether ``name`` is an importable module (not a function or class imported from one)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a name inside a module that is no package
        return False


@functools.cache
def _module_digest(name: str) -> tuple[str, frozenset]:
    """The hash of a module's syntax tree without docstrings (comments and layout never reach the tree),
    and the isinghop modules it imports."""
    spec = importlib.util.find_spec(name)
    tree = _without_docstrings(ast.parse(Path(spec.origin).read_text(encoding="utf-8")))
    package = name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest(), frozenset(_imported_modules(tree, package))


def _reachable(tree: ast.Module, root: str) -> ast.Module:
    """The top-level statements of a module that ``root`` (a top-level function) uses, directly or not:
    functions, classes and assignments it names; the imports stay. A study's figure code is never reached
    from its point function, so editing it keeps the fingerprint."""
    defined = {}
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined[statement.name] = statement
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        defined[node.id] = statement
    kept, pending = [], [root]
    while pending:
        statement = defined.pop(pending.pop(), None)
        if statement is None or any(statement is k for k in kept):
            continue
        kept.append(statement)
        pending.extend(node.id for node in ast.walk(statement) if isinstance(node, ast.Name) and node.id in defined)
    imports = [statement for statement in tree.body if isinstance(statement, (ast.Import, ast.ImportFrom))]
    return ast.Module(body=imports + sorted(kept, key=lambda statement: statement.lineno), type_ignores=[])


def _source_tree(function) -> ast.Module | None:
    """The syntax tree (without docstrings) of the module file that defines ``function`` at its top level,
    or None when there is none."""
    try:
        spec = importlib.util.find_spec(function.__module__)
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    except (ValueError, ImportError, AttributeError, TypeError, OSError, SyntaxError):
        return None
    defined = {statement.name for statement in tree.body if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return _without_docstrings(tree) if function.__name__ in defined else None


def _code_digest(code, docstring) -> str:
    """A hash of a code object's bytecode, names and constants (nested code objects too; not the docstring)."""
    parts = [code.co_code.hex(), repr(code.co_names)]
    for constant in code.co_consts:
        if hasattr(constant, "co_code"):
            parts.append(_code_digest(constant, None))
        elif not (isinstance(constant, str) and constant == docstring):
            parts.append(repr(constant))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def code_fingerprint(function) -> str:
    """A fingerprint of the code that computes a study's numbers: ``function`` (a study's point function)
    with what it uses in its module, and every isinghop module imported from there, transitively.

    Taken over syntax trees without docstrings, so that a docstring, a comment, the README or a figure
    (the study's plotting functions, :data:`NOT_PHYSICS`) can change without it; the package version is
    part of it. A function without a module file (defined in an interpreter or a doctest) is taken by its
    bytecode, with the whole library.

    Returns
    -------
    str
        16 hexadecimal digits.
    """
    from isinghop._version import __version__

    module = function.__module__
    tree = _source_tree(function)
    if tree is None:  # defined without a source file (an interpreter, a doctest): its bytecode, all the library
        own, pending = _code_digest(function.__code__, function.__doc__), ["isinghop"]
    else:
        used = _reachable(tree, function.__name__)
        own, pending = ast.dump(used), sorted(_imported_modules(used, module.rpartition(".")[0]))
    digest = hashlib.sha256(f"{__version__}\0{module}\0{own}".encode())
    seen = set()
    while pending:
        name = pending.pop()
        if name in seen or name.startswith(NOT_PHYSICS) or name == module:
            continue
        seen.add(name)
        pending.extend(sorted(_module_digest(name)[1]))
        if name.startswith(_LOADED_BY_PATH):  # one kernel module brings every file the loader reads by path
            pending.extend(module for module in _package_modules(_LOADED_BY_PATH) if module not in seen)
    for name in sorted(seen):  # the order of the walk must not matter
        digest.update(f"\0{name}\0{_module_digest(name)[0]}".encode())
    return digest.hexdigest()[:16]


#: The kernels are compiled from files the loader reads by path (no import names them): one of them in a
#: fingerprint brings all.
_LOADED_BY_PATH = "isinghop._kernels"


@functools.cache
def _package_modules(package: str) -> tuple[str, ...]:
    """Every module of ``package`` and its subpackages, by dotted name."""
    root = Path(importlib.util.find_spec(package).origin).parent
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        names.append(".".join((package, *parts[:-1])) if parts[-1] == "__init__" else ".".join((package, *parts)))
    return tuple(names)


def stamp(dataset, attrs: dict):
    """Return ``dataset`` with ``attrs`` added (flat: str, int, float); apply after all computation.

    Returns
    -------
    xarray.Dataset
        A shallow copy of ``dataset`` with the attributes added.
    """
    for key, value in attrs.items():
        if not isinstance(value, (str, int, float, np.integer, np.floating)) or isinstance(value, bool):
            raise TypeError(f"attrs: {key!r} must be a string or a number for netCDF, got {type(value).__name__}")
    out = dataset.copy()
    out.attrs.update(attrs)
    return out


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
