"""Stores that never mix code, and merged files that never break a reader.

Each point records the fingerprint of the code that computed it (the study's point function with what it
uses, and the library modules imported from there, over syntax trees without docstrings); a run with other
code computes those points again, or keeps them when asked and says the store mixes code. The merged file
is replaced whole; two runs on one store both finish; a complete store is left untouched.
"""

import importlib
import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import isinghop as ih
from isinghop.cli import main
from isinghop.runtime.provenance import code_fingerprint

TESTS = Path(__file__).parent

MODULE = '''
"""A study module (docstring {doc})."""

import numpy as np

import isinghop as ih

SCALE = {scale}


def _draw(rng):
    return np.random.default_rng(rng).random(3)


def run_point(point, fixed, disorder, thermal, checkpoint):
    """The numbers (docstring {doc})."""
    return SCALE * _draw(disorder)


def plot(dataset):
    return "{title}"  # a figure: not part of the numbers
'''


def _fingerprint(tmp_path, name, **fields):
    (tmp_path / f"{name}.py").write_text(MODULE.format(**({"doc": "a", "scale": 1.0, "title": "t"} | fields)))
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module(name)
        return code_fingerprint(module.run_point)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


def test_the_fingerprint_follows_the_numbers_not_the_docstrings_or_the_figure(tmp_path):
    base = _fingerprint(tmp_path, "study_a")
    assert len(base) == 16 and base == _fingerprint(tmp_path, "study_a")
    assert _fingerprint(tmp_path, "study_a", doc="rewritten", title="another figure") == base
    assert _fingerprint(tmp_path, "study_a", scale=2.0) != base  # a constant the point function uses
    assert _fingerprint(tmp_path, "study_b") != base  # the module's name is part of it


def test_a_library_edit_changes_the_fingerprint_and_a_visual_one_does_not(monkeypatch):
    from isinghop.runtime import provenance

    study = ih.runtime.load_study("retrieval")
    base = code_fingerprint(study.compute)
    real = provenance._module_digest.__wrapped__

    def edited(target):
        def digest(name):
            tree_hash, imported = real(name)
            return (tree_hash + "edited" if name == target else tree_hash), imported
        return digest

    for target, changes in (("isinghop.montecarlo", True), ("isinghop._kernels.sweeps", True),
                            ("isinghop.viz.plotting", False)):
        monkeypatch.setattr(provenance, "_module_digest", edited(target))
        assert (code_fingerprint(study.compute) != base) is changes, target
    monkeypatch.undo()


def _toy(monkeypatch):
    sys.path.insert(0, str(TESTS))
    import toy_study

    monkeypatch.setattr(ih.runtime.declaration, "_entry_points",
                        lambda: {"toy": EntryPoint(name="toy", value="toy_study", group="isinghop.studies")})
    return toy_study


def test_a_run_with_other_code_recomputes_or_keeps_and_says_the_store_mixes_code(tmp_path, monkeypatch, capsys):
    toy = _toy(monkeypatch)
    first = ih.run_study(toy.STUDY, "quick", tmp_path, rng=3)
    old = first.attrs["code_fingerprint"]
    for path in sorted((tmp_path / "points").glob("*.nc"))[:3]:  # half the points are lost ...
        path.unlink()
    monkeypatch.setattr(ih.runtime.runner, "code_fingerprint", lambda function: "0123456789abcdef")  # ... code edited
    kept = ih.run_study(toy.STUDY, "quick", tmp_path, rng=3, reuse_stale=True)
    assert kept.attrs["points_computed"] == 3 and kept.attrs["code_fingerprint"] == "mixed"
    groups = json.loads(kept.attrs["code_fingerprints"])
    assert sorted(map(len, groups.values())) == [3, 3] and set(groups) == {old, "0123456789abcdef"}
    assert json.loads(kept.attrs["differing_provenance"])["code_fingerprint"] == {old: 3, "0123456789abcdef": 3}
    assert "computed by other code" in capsys.readouterr().err
    assert main(["info", str(tmp_path)]) == 0
    assert "points computed by 2 versions of the code" in capsys.readouterr().out
    again = ih.run_study(toy.STUDY, "quick", tmp_path, rng=3)  # without reuse_stale: the old points are redone
    assert again.attrs["points_computed"] == 3 and again.attrs["code_fingerprint"] == "0123456789abcdef"
    assert "differing_provenance" not in again.attrs


def test_a_checkpoint_of_other_code_is_discarded(tmp_path):
    ih.Checkpoint(tmp_path / "point", "aaaa").save("stage", done=np.array(2))
    assert ih.Checkpoint(tmp_path / "point", "aaaa").load("stage")["done"] == 2
    assert ih.Checkpoint(tmp_path / "point", "bbbb").load("stage") is None
    (tmp_path / "mine.txt").write_text("not a checkpoint")
    ih.Checkpoint(tmp_path, "cccc")  # a directory of other files: only saved states would go
    assert (tmp_path / "mine.txt").exists()


def test_a_complete_store_computes_nothing_and_leaves_its_files_untouched(tmp_path, monkeypatch, capsys):
    _toy(monkeypatch)
    store = tmp_path / "store"
    assert main(["run", "toy", "--store", str(store)]) == 0
    files = [store / "toy.nc", store / "toy.png", store / "study.json", *sorted((store / "points").glob("*.nc"))]
    before = {path: path.stat().st_mtime_ns for path in files}
    capsys.readouterr()
    assert main(["run", "toy", "--store", str(store)]) == 0
    output = capsys.readouterr()
    assert "nothing to compute" in output.err and "nothing to compute" in output.out
    assert {path: path.stat().st_mtime_ns for path in files} == before


def test_the_merged_file_is_replaced_whole_under_a_reader(tmp_path, monkeypatch):
    toy = _toy(monkeypatch)
    dataset = ih.run_study(toy.STUDY, "quick", tmp_path, rng=4)
    merged = ih.runtime.write_dataset(dataset, tmp_path / "toy.nc")
    with xr.open_dataset(merged, engine="h5netcdf") as reader:  # open, nothing read yet
        ih.runtime.write_dataset(dataset * 0.0, merged)  # another run writes the file meanwhile
        np.testing.assert_array_equal(reader["value"].values, dataset["value"].values)  # the old data, whole
    with xr.open_dataset(merged, engine="h5netcdf") as fresh:
        assert float(abs(fresh["value"]).max()) == 0.0
    assert not list(tmp_path.glob(".*.tmp"))


CONCURRENT = """
import sys
import isinghop as ih
import toy_study
store = sys.argv[1]
dataset = ih.run_study(toy_study.make({"x": (1, 2, 3), "y": (0.5, 1.5)}, pause=0.3), "quick", store, rng=5,
                       progress=False)
ih.runtime.write_dataset(dataset, f"{store}/toy.nc")
print(dataset.attrs["points_computed"])
"""


def test_two_runs_on_one_store_both_finish_and_share_the_points(tmp_path):
    environment = os.environ | {"PYTHONPATH": str(TESTS)}
    runs = [subprocess.Popen([sys.executable, "-c", CONCURRENT, str(tmp_path)], env=environment, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [error[-2000:] for _, error in outputs]
    assert sum(int(out.split()[-1]) for out, _ in outputs) == 6  # each point computed once, by one of them
    with xr.open_dataset(tmp_path / "toy.nc", engine="h5netcdf") as merged:
        xr.testing.assert_equal(merged.load()["value"], ih.load_store(tmp_path)["value"])


@pytest.mark.parametrize("study_name", ["toy", "kaufman_torus", "hysteresis"])
def test_points_placed_on_the_grid_equal_the_general_merge(tmp_path, monkeypatch, study_name):
    """load_store places complete points straight into arrays of the grid's shape (memory O(grid)); the result
    is the Dataset the point-by-point outer merge gives, theory and all."""
    study = _toy(monkeypatch).STUDY if study_name == "toy" else ih.runtime.load_study(study_name)
    ih.run_study(study, "quick", tmp_path, rng=9)
    fast = ih.load_store(tmp_path)
    monkeypatch.setattr(ih.runtime.store, "_tiled", lambda parts, grid: None)
    xr.testing.assert_identical(fast, ih.load_store(tmp_path))
