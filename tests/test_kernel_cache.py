"""numba's on-disk cache of the compiled kernels: never stale when a source the kernels read changes."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import isinghop

# The kernels branch on integer codes that they read, at compile time, from the vocabularies' order. Each line
# printed is a result that must not depend on that order, then (last) how the kernels were found in the cache.
PROBE = textwrap.dedent("""
    import sys

    import numpy as np
    import isinghop as ih
    from isinghop._kernels import montecarlo
    from isinghop._kernels.specs import kernel_spec
    from isinghop._kernels.backends.cpu import kernels

    assert ih.__file__.startswith(sys.argv[1]), ih.__file__  # the copy, not the checkout
    free = ih.dense_model(np.zeros((4, 4), dtype=np.int64))  # every local field is exactly zero: ties everywhere
    print("up", ih.relax(free, np.array([-1, 1, -1, 1]), tie="up", schedule="sequential").spins.tolist())
    J = np.random.default_rng(0).integers(-3, 4, (8, 8))
    J = np.triu(J, 1) + np.triu(J, 1).T
    model = ih.dense_model(J, h=np.arange(8) % 3 - 1)
    spins = ih.random_spins(3, 8, rng=2)
    for tie in ("keep", "up", "down", "flip", "random"):
        for schedule in ("synchronous", "sequential", "permutation", "random"):
            print(tie, schedule, ih.relax(model, spins, tie=tie, schedule=schedule, rng=1).spins.tolist())
    for rule in ("metropolis", "glauber"):
        for schedule in ("sequential", "permutation", "random"):
            chain = ih.sample(model, spins, T=[0.5, 1.5, 4.0], rule=rule, schedule=schedule, sweeps=30, rng=3)
            print(rule, schedule, chain.spins.tolist(), chain.energy_per_spin.tolist(), chain.acceptance.tolist())
    spec = kernel_spec(model.couplings)
    compiled = kernels(spec.init, spec.field, spec.flip)
    functions = (compiled.relax, compiled.sample, montecarlo.fill_tables)
    print("cache", *(sum(getattr(function.stats, counter).values()) for function in functions
                     for counter in ("cache_hits", "cache_misses")))
""")


def _swap(source: str, literal: str, first: str, second: str) -> str:
    """``source`` with the names ``first`` and ``second`` of the ``Literal`` named ``literal`` swapped."""
    pattern = re.compile(rf"^{literal} = Literal\[(.*)\]$", re.MULTILINE)
    match = pattern.search(source)
    names = [name.strip() for name in match.group(1).split(",")]
    i, j = names.index(f'"{first}"'), names.index(f'"{second}"')
    names[i], names[j] = names[j], names[i]
    return source[:match.start(1)] + ", ".join(names) + source[match.end(1):]


@pytest.mark.slow
def test_reordering_a_vocabulary_recompiles_the_kernels(tmp_path):
    """With a warm cache, swapping two names of each vocabulary (so that every code the kernels baked in
    changes meaning) must compile afresh: the results stay those of the names (``tie="up"`` still sets +1),
    and the kernels and the Monte Carlo tables' ``fill_tables`` miss the cache once, then hit it."""
    package = tmp_path / "src" / "isinghop"
    shutil.copytree(Path(isinghop.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba"), "PYTHONDONTWRITEBYTECODE": "1",
                   "PYTHONPATH": str(package.parent)}

    def probe():
        done = subprocess.run([sys.executable, "-c", PROBE, str(package)], env=environment, cwd=tmp_path,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-3000:]
        lines = done.stdout.splitlines()
        return lines[:-1], [int(count) for count in lines[-1].split()[1:]]

    warm, compiled = probe()
    assert warm[0] == "up [1, 1, 1, 1]" and compiled[::2] == [0, 0, 0]  # a fresh cache: nothing found
    vocabulary = package / "vocabulary.py"
    source = vocabulary.read_text()
    for literal, first, second in (("TieRule", "up", "down"), ("Rule", "metropolis", "glauber"),
                                   ("Schedule", "sequential", "permutation")):
        source = _swap(source, literal, first, second)
    vocabulary.write_text(source)
    assert 'TieRule = Literal["keep", "down", "up", "flip", "random"]' in source
    reordered, recompiled = probe()
    assert reordered[0] == "up [1, 1, 1, 1]", reordered[0]  # a stale kernel reads the new code of "up" as "down"
    assert reordered == warm
    assert recompiled[::2] == [0, 0, 0] and all(recompiled[1::2]), recompiled  # compiled afresh, none loaded
    again, cached = probe()
    assert again == warm and all(cached[::2]) and cached[1::2] == [0, 0, 0], cached  # and cached in turn


def test_the_source_hash_follows_the_vocabulary_codes(monkeypatch, tmp_path):
    """The hash that names the cached kernels covers the vocabulary file whose codes the kernels import."""
    import importlib.util
    from types import SimpleNamespace

    from isinghop import vocabulary
    from isinghop._kernels import loader, montecarlo

    before = loader.source_hash()
    assert montecarlo.fill_tables.py_func.__qualname__ == f"fill_tables_{before}"  # cached under the hash too
    reordered = tmp_path / "vocabulary.py"
    reordered.write_text(_swap(Path(vocabulary.__file__).read_text(), "TieRule", "up", "down"))
    find_spec = importlib.util.find_spec

    def elsewhere(name, *args):
        return SimpleNamespace(origin=str(reordered)) if name == "isinghop.vocabulary" else find_spec(name, *args)

    monkeypatch.setattr(loader.importlib.util, "find_spec", elsewhere)
    loader.source_hash.cache_clear()
    try:
        assert loader.source_hash() != before
    finally:
        monkeypatch.undo()
        loader.source_hash.cache_clear()
    assert loader.source_hash() == before
