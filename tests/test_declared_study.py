"""Declared studies: the runner owns the sample axis and builds the Dataset from plain arrays.

A declared study gives its grid, a number of disorder samples, batch axes one call computes together, and
its outputs with their dims; ``compute`` returns plain arrays for one grid point and one sample. Each
(point, sample) is a task with streams keyed by coordinate values, so a grid that grows keeps every number.
"""

import numpy as np
import pytest
import xarray as xr

import isinghop as ih
from conftest import run_quick
from isinghop.runtime import Config, Output


def _compute(point, fixed, disorder, thermal, checkpoint):
    draws = np.random.default_rng(disorder).random(fixed["replica"])
    return {"overlap": draws * point["x"], "energy_per_spin": -np.ones((len(fixed["T"]), fixed["replica"]))}


def _study(**changes):
    settings = dict(name="declared", description="declared study test",
                    configs={"quick": Config(grid={"x": (1.0, 2.0)}, fixed={}, samples=3,
                                             batch={"T": (0.5, 1.0), "replica": 2})},
                    compute=_compute, plot=lambda dataset: None,
                    outputs={"overlap": Output(("replica",)), "energy_per_spin": Output(("T", "replica"))},
                    coordinates={"x": {"units": "1", "long_name": "x", "description": "a swept number"}})
    return ih.Study(**(settings | changes))


def test_the_runner_builds_the_dataset_with_the_sample_axis_and_common_attrs(tmp_path):
    dataset = ih.run_study(_study(), "quick", tmp_path, rng=1)
    assert dataset["overlap"].dims == ("x", "sample", "replica")
    assert dataset["energy_per_spin"].dims == ("x", "sample", "T", "replica")
    assert dataset.attrs["points_computed"] == 6  # 2 grid points × 3 samples: the tasks
    assert dataset["T"].attrs["long_name"] == "temperature T" and dataset["T"].attrs["reduced_units"]
    assert dataset["sample"].attrs["long_name"] == "disorder sample"
    assert dataset["overlap"].attrs["description"].startswith("m = (1/N)")
    draws = dataset["overlap"].sel(x=2.0) / 2.0
    assert len({tuple(row) for row in draws.values}) == 3  # each sample draws its own numbers


def test_a_configuration_of_numpy_scalars_resumes(tmp_path):
    numpy_grid = Config(grid={"x": tuple(np.array([1.0, 2.0]))}, fixed={"times": tuple(np.arange(3))}, samples=2,
                        batch={"T": (0.5, 1.0), "replica": 2})
    study = _study(configs={"quick": numpy_grid})
    first = ih.run_study(study, "quick", tmp_path, rng=1)
    again = ih.run_study(study, "quick", tmp_path, rng=1)  # the stored record compares equal: nothing to do
    assert again.attrs["points_computed"] == 0 and first.attrs["points_computed"] == 4


def test_bad_declarations_and_bad_outputs_are_named(tmp_path):
    with pytest.raises(ValueError, match="either run_point"):
        _study(run_point=lambda *args: None)
    with pytest.raises(ValueError, match="needs samples="):
        _study(configs={"quick": Config(grid={"x": (1.0,)}, fixed={})})
    with pytest.raises(ValueError, match="x_new: not a common name"):
        ih.runtime.common_attrs("x_new")
    wrong = _study(outputs={"overlap": Output(("replica", "T")), "energy_per_spin": Output(("T", "replica"))})
    with pytest.raises(ValueError, match="no finished points"):  # every task failed ...
        ih.run_study(wrong, "quick", tmp_path / "wrong", rng=1)
    error = next((tmp_path / "wrong" / "failed").glob("*.txt")).read_text()  # ... and said why
    assert "overlap: declared dims ('replica', 'T'), but compute returned shape (2,)" in error


DECLARED = [name for name in ih.runtime.study_names() if ih.runtime.load_study(name).compute is not None]


def _with_grid(study, **grid):
    """``study`` whose quick configuration has the axes ``grid`` replaced."""
    quick = study.configs["quick"]
    changed = Config(grid=quick.grid | grid, fixed=quick.fixed, samples=quick.samples, batch=quick.batch)
    return ih.Study(**{**vars(study), "configs": {"quick": changed}})


def _assert_same_points(study, part, whole, points):
    """``part`` and ``whole`` hold identical simulation outputs at each of ``points``."""
    for point in points:
        for variable, output in study.outputs.items():
            if not output.theory:
                xr.testing.assert_identical(part[variable].sel(point), whole[variable].sel(point))


@pytest.mark.parametrize("name", DECLARED)
def test_a_grown_grid_keeps_every_number_on_two_workers(tmp_path, quick_stores, name):
    """Streams are keyed by coordinate values and the sample, never by list position, or by the process that
    computes a task: the quick grid without one value of its first axis, run on two worker processes,
    computes the numbers one process stored at the other points (two of them checked)."""
    study = ih.runtime.load_study(name)
    axis, values = next(iter(study.configs["quick"].grid.items()))
    fewer = _with_grid(study, **{axis: values[1:]})
    smaller = ih.run_study(fewer, "quick", tmp_path, workers=2, rng=0)
    points = fewer.configs["quick"].points()
    _assert_same_points(study, smaller, run_quick(quick_stores, name), (points[0], points[-1]))


@pytest.mark.parametrize("name", DECLARED)
def test_every_full_configuration_has_work_for_a_cluster(name):
    """At least 32 independent tasks (grid points × samples), unless the configuration declares itself under a
    minute of work: a 64-core cluster must not wait on a handful of long tasks."""
    for config_name, config in ih.runtime.load_study(name).configs.items():
        if config_name != "quick" and not (config.minutes is not None and config.minutes < 1):
            assert len(config.points()) >= 32, (config_name, len(config.points()))


@pytest.fixture(scope="module")
def cluster():
    """A dask LocalCluster of two worker processes."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.mark.slow
@pytest.mark.parametrize("name", DECLARED)
def test_a_declared_study_gives_the_same_numbers_on_a_dask_cluster(tmp_path, quick_stores, cluster, name):
    """The first value of the quick grid's first axis, every sample, computed on a dask cluster: the numbers
    one process stored."""
    study = ih.runtime.load_study(name)
    axis, values = next(iter(study.configs["quick"].grid.items()))
    first = _with_grid(study, **{axis: values[:1]})
    clustered = ih.run_study(first, "quick", tmp_path, scheduler=cluster, rng=0)
    assert clustered.attrs["points_computed"] == len(first.configs["quick"].points())
    _assert_same_points(study, clustered, run_quick(quick_stores, name), first.configs["quick"].points())
