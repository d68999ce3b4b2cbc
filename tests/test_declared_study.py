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


@pytest.mark.parametrize("name", DECLARED)
def test_a_grown_grid_keeps_every_number(tmp_path, quick_stores, name):
    """Streams are keyed by coordinate values and the sample, never by list position: the quick grid without
    one value of its first axis computes the same numbers at the other points (two of them checked)."""
    full = run_quick(quick_stores, name)
    study = ih.runtime.load_study(name)
    quick = study.configs["quick"]
    axis, values = next(iter(quick.grid.items()))
    fewer = Config(grid=quick.grid | {axis: values[1:]}, fixed=quick.fixed, samples=quick.samples, batch=quick.batch)
    smaller = ih.run_study(ih.Study(**{**vars(study), "configs": {"quick": fewer}}), "quick", tmp_path, rng=0)
    points = fewer.points()
    for point in (points[0], points[-1]):
        here = dict(point)
        for variable, output in study.outputs.items():
            if not output.theory:
                xr.testing.assert_identical(smaller[variable].sel(here), full[variable].sel(here))


@pytest.mark.parametrize("name", DECLARED)
def test_every_full_configuration_has_work_for_a_cluster(name):
    """At least 32 independent tasks (grid points × samples), unless the configuration declares itself under a
    minute of work: a 64-core cluster must not wait on a handful of long tasks."""
    for config_name, config in ih.runtime.load_study(name).configs.items():
        if config_name != "quick" and not (config.minutes is not None and config.minutes < 1):
            assert len(config.points()) >= 32, (config_name, len(config.points()))


def _numbers(dataset):
    """The Dataset without the run's provenance and timings."""
    return dataset.drop_attrs(deep=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", DECLARED)
def test_a_declared_study_gives_one_dataset_in_one_process_and_on_two_workers(tmp_path, quick_stores, name):
    pooled = ih.run_study(name, "quick", tmp_path, workers=2, rng=0)
    xr.testing.assert_identical(_numbers(pooled), _numbers(run_quick(quick_stores, name)))


@pytest.fixture(scope="module")
def cluster():
    """A dask LocalCluster of two worker processes (after the process-pool tests: the two do not share a
    parent well)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.mark.slow
@pytest.mark.parametrize("name", DECLARED)
def test_a_declared_study_gives_one_dataset_on_a_dask_cluster(tmp_path, quick_stores, cluster, name):
    clustered = ih.run_study(name, "quick", tmp_path, scheduler=cluster, rng=0)
    xr.testing.assert_identical(_numbers(clustered), _numbers(run_quick(quick_stores, name)))
