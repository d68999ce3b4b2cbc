"""The study runner: reproducible, resumable, the same on one process, a pool or a dask cluster."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import isinghop as ih
import toy_study
from isinghop.runtime.provenance import TIMING_ATTRS
from isinghop.testing import assert_study_dataset

TESTS = Path(__file__).parent


def comparable(dataset):
    return dataset.drop_attrs(deep=False).assign_attrs(
        {k: v for k, v in dataset.attrs.items() if k not in TIMING_ATTRS})


def test_every_quick_config_meets_the_contract(tmp_path):
    for name in ("retrieval",):
        dataset = ih.run_study(name, "quick", tmp_path / name, rng=1)
        assert_study_dataset(dataset, dims=("sample", "replica"))
        assert json.loads(dataset.attrs["failed_points"]) == []


def test_retrieval_recalls_below_capacity_and_its_figure_does_not_mislead(tmp_path):
    study = ih.load_study("retrieval")
    dataset = ih.run_study(study, "quick", tmp_path, rng=2)
    # alpha = 0.06 is below alpha_c = 0.138: recall from 10 % noise is perfect
    assert float(dataset["overlap_recall"].sel(alpha=0.06, noise=0.1).min()) == 1.0
    # alpha = 0.22 is above it: recall degrades
    assert float(dataset["overlap_recall"].sel(alpha=0.22).mean()) < 0.9
    # zero-T recall is computed once per (alpha, noise), not again for every T; enough loads to see the drop
    assert "T" not in dataset["overlap_recall"].dims and dataset.sizes["alpha"] >= 6
    # the patterns depend on alpha only: both noise levels (and all T) recall from the same pattern sets
    root = np.random.SeedSequence(2)
    low, high = (study.streams(root, {"alpha": 0.1, "noise": noise, "sample": 0}) for noise in (0.1, 0.3))
    assert low[0].spawn_key == high[0].spawn_key and low[1].spawn_key != high[1].spawn_key
    other = study.streams(root, {"alpha": 0.1, "noise": 0.1, "sample": 1})  # samples are independent draws
    assert other[0].spawn_key != low[0].spawn_key
    figure = study.plot(dataset)
    recall_axes, thermal_axes = figure.axes
    assert recall_axes.containers and thermal_axes.containers  # error bars on both panels
    vertical = [line for line in thermal_axes.lines if np.ptp(line.get_xdata()) == 0]
    assert not vertical  # the T = 0 capacity line is drawn on the T = 0 panel only


def test_same_dataset_for_one_process_and_a_pool(tmp_path):
    serial = ih.run_study(toy_study.STUDY, "quick", tmp_path / "serial", rng=5)
    pooled = ih.run_study(toy_study.STUDY, "quick", tmp_path / "pool", workers=2, rng=5)
    xr.testing.assert_identical(comparable(serial), comparable(pooled))
    assert serial.sizes == {"x": 3, "y": 2, "sample": 3}


def test_extending_the_grid_runs_only_new_points(tmp_path):
    small = toy_study.make({"x": (1, 2), "y": (0.5, 1.5)})
    ih.run_study(small, "quick", tmp_path, rng=6)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "points").iterdir()}
    grown = ih.run_study(toy_study.STUDY, "quick", tmp_path, rng=6)
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "points").iterdir()}
    assert len(after) == 6 and all(after[name] == stamp for name, stamp in before.items())
    fresh = ih.run_study(toy_study.STUDY, "quick", tmp_path / "fresh", rng=6)
    xr.testing.assert_identical(comparable(grown), comparable(fresh))


def test_resume_with_other_parameters_is_refused(tmp_path):
    ih.run_study(toy_study.STUDY, "quick", tmp_path, rng=7)
    with pytest.raises(ValueError, match=r"seed_entropy: stored '7', asked '8'"):
        ih.run_study(toy_study.STUDY, "quick", tmp_path, rng=8)
    with pytest.raises(ValueError, match=r"fixed: stored \{\}, asked \{'pause': 0.0\}"):
        ih.run_study(toy_study.make({"x": (1, 2, 3), "y": (0.5, 1.5)}, pause=0.0), "quick", tmp_path, rng=7)


def test_a_failing_point_is_recorded_and_retried(tmp_path):
    marker = tmp_path / "fail-now"
    marker.touch()
    study = toy_study.make({"x": (1, 2, 3), "y": (0.5,)}, fail_marker=str(marker), fail_at=2)
    first = ih.run_study(study, "quick", tmp_path / "store", rng=9)
    assert json.loads(first.attrs["failed_points"]) == ["x=2,y=0.5"]
    assert "failed on purpose" in next((tmp_path / "store" / "failed").iterdir()).read_text()
    # the failed point is missing from the result: NaN on the whole grid, and named
    assert first.sizes["x"] == 3 and first["value"].sel(x=2).isnull().all()
    assert json.loads(first.attrs["missing_points"]) == ["x=2,y=0.5"]
    status = ih.store_status(tmp_path / "store")
    assert status["missing"] == status["failed"] == ["x=2,y=0.5"]
    marker.unlink()
    second = ih.run_study(study, "quick", tmp_path / "store", rng=9)
    assert json.loads(second.attrs["failed_points"]) == [] and second.sizes["x"] == 3
    assert not list((tmp_path / "store" / "failed").iterdir())


def test_a_killed_run_resumes_and_loses_nothing(tmp_path):
    store = tmp_path / "store"
    script = ("import isinghop as ih, toy_study; "
              "ih.run_study(toy_study.make({'x': (1, 2, 3, 4), 'y': (0.5, 1.5)}, pause=0.4), 'quick', "
              f"{str(store)!r}, rng=10, progress=False)")
    env = os.environ | {"PYTHONPATH": str(TESTS)}
    process = subprocess.Popen([sys.executable, "-c", script], env=env)
    points = store / "points"
    deadline = time.time() + 120
    while time.time() < deadline and (not points.exists() or len(list(points.glob("*.nc"))) < 2):
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    written = len(list(points.glob("*.nc")))
    assert 2 <= written < 8
    study = toy_study.make({"x": (1, 2, 3, 4), "y": (0.5, 1.5)}, pause=0.4)
    resumed = ih.run_study(study, "quick", store, rng=10)
    uninterrupted = ih.run_study(study, "quick", tmp_path / "whole", rng=10)
    xr.testing.assert_identical(comparable(resumed), comparable(uninterrupted))
    assert not list(points.glob("*.tmp"))


def test_the_same_dataset_on_a_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    serial = ih.run_study(toy_study.STUDY, "quick", tmp_path / "serial", rng=11)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        client.run(sys.path.insert, 0, str(TESTS))
        clustered = ih.run_study(toy_study.STUDY, "quick", tmp_path / "cluster", scheduler=client, rng=11)
    xr.testing.assert_identical(comparable(serial), comparable(clustered))


def test_a_dead_dask_worker_costs_only_a_retry(tmp_path):
    distributed = pytest.importorskip("distributed")
    attempts = tmp_path / "attempts.log"
    grid = {"x": (1, 2, 3), "y": (0.5,)}
    study = toy_study.make(grid, attempts_file=str(attempts), kill_at=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        client.run(sys.path.insert, 0, str(TESTS))
        clustered = ih.run_study(study, "quick", tmp_path / "cluster", scheduler=client, rng=12)
    assert attempts.read_text().count("attempt") == 2  # the point killed its worker once, then ran again
    serial = ih.run_study(toy_study.make(grid, attempts_file=str(tmp_path / "other.log"), kill_at=None), "quick",
                    tmp_path / "serial", rng=12)
    assert json.loads(clustered.attrs["failed_points"]) == []
    xr.testing.assert_identical(comparable(serial).drop_attrs(), comparable(clustered).drop_attrs())


def test_command_line(tmp_path, capsys):
    from isinghop.cli import main

    assert main(["run", "retrieval", "--store", str(tmp_path), "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    assert "figure written to" in printed and (tmp_path / "retrieval.png").stat().st_size > 10_000
    assert main(["info", str(tmp_path)]) == 0
    assert "48 done, 0 missing, 0 failed" in capsys.readouterr().out  # 12 points × 4 samples
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "retrieval", "--config", "huge", "--store", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "choose from quick, full" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "nosuch"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "unknown study 'nosuch'; choose from " in error


def test_a_point_killed_midway_resumes_from_its_checkpoint(tmp_path):
    stages = tmp_path / "stages.log"
    store = tmp_path / "store"
    script = ("import isinghop as ih, toy_study; "
              f"ih.run_study(toy_study.make({{'x': (1,), 'y': (0.5,)}}, stages_file={str(stages)!r}), 'quick', "
              f"{str(store)!r}, rng=13, progress=False)")
    done = subprocess.run([sys.executable, "-c", script], env=os.environ | {"PYTHONPATH": str(TESTS)})
    assert done.returncode == -signal.SIGKILL and not list((store / "points").glob("*.nc"))
    study = toy_study.make({"x": (1,), "y": (0.5,)}, stages_file=str(stages))
    resumed = ih.run_study(study, "quick", store, rng=13)
    # stages 0 and 1 were kept; only stage 2 ran after the crash; the checkpoint is gone
    assert stages.read_text().split("\n")[:-1] == ["stage 0", "stage 1", "stage 2"]
    assert not (store / "checkpoints").exists() or not any((store / "checkpoints").iterdir())
    fresh = ih.run_study(toy_study.make({"x": (1,), "y": (0.5,)}), "quick", tmp_path / "fresh", rng=13)
    xr.testing.assert_identical(resumed["value"], fresh["value"])


def test_point_keys_do_not_depend_on_the_numpy_version():
    from isinghop.runtime import point_key

    full = ih.load_study("retrieval").configs["full"]
    point = full.points()[1]  # alpha comes from np.round(np.arange(...)): a NumPy float64
    # the key names the file and seeds the point's streams: pinned, as plain Python values print
    assert point_key(point) == "alpha=0.02,noise=0.1,sample=1"
    assert point_key({"N": np.int64(500), "c": np.float32(0.5), "rule": np.str_("hebb")}) == "N=500,c=0.5,rule='hebb'"


def test_studies_install_inside_the_package_and_come_from_entry_points(tmp_path, monkeypatch, capsys):
    from importlib.metadata import EntryPoint

    from isinghop.runtime import declaration
    from isinghop.cli import main

    # installed as isinghop.studies; no top-level package "studies" (checked away from the source tree)
    probe = "import importlib.util as u; print(u.find_spec('isinghop.studies.retrieval') is not None, u.find_spec('studies'))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert done.stdout.split() == ["True", "None"], done.stderr
    # a package adds a study through the entry-point group "isinghop.studies"
    added = EntryPoint(name="toy", value="toy_study", group="isinghop.studies")
    monkeypatch.setattr(declaration, "_entry_points", lambda: {"toy": added})
    assert main(["list"]) == 0
    assert "toy: runner test" in capsys.readouterr().out
    dataset = ih.run_study("toy", "quick", tmp_path / "store", progress=False)
    assert dataset["value"].shape == (3, 2, 3)


def test_points_of_an_earlier_grid_are_kept_but_never_merged(tmp_path, capsys):
    from isinghop.cli import main

    ih.run_study(toy_study.STUDY, "quick", tmp_path, rng=9)  # x = 1, 2, 3
    shrunk = ih.run_study(toy_study.make({"x": (2, 5), "y": (0.5, 1.5)}), "quick", tmp_path, rng=9)
    assert shrunk["x"].values.tolist() == [2, 5] and not shrunk["value"].isnull().any()
    fresh = ih.run_study(toy_study.make({"x": (2, 5), "y": (0.5, 1.5)}), "quick", tmp_path / "fresh", rng=9)
    xr.testing.assert_identical(comparable(shrunk), comparable(fresh))
    status = ih.store_status(tmp_path)
    assert len(status["done"]) == 4 and len(status["stale"]) == 4  # x = 1 and 3, two y each
    assert main(["info", str(tmp_path)]) == 0
    assert "4 point file(s) of an earlier grid, kept but not merged" in capsys.readouterr().out


def test_study_json_is_written_atomically_and_named_when_damaged(tmp_path):
    ih.run_study(toy_study.STUDY, "quick", tmp_path, rng=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checksums", "failed", "locks", "points", "study.json"]
    (tmp_path / "study.json").write_text('{"study": "to')  # truncated, as a crash mid-write used to leave it
    with pytest.raises(ValueError, match=rf"^store: {tmp_path / 'study.json'} is damaged"):
        ih.run_study(toy_study.STUDY, "quick", tmp_path, rng=10)
    with pytest.raises(ValueError, match="study.json is damaged"):
        ih.load_store(tmp_path)


def test_version_and_no_backend_changes(tmp_path, capsys):
    import matplotlib

    from isinghop.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and capsys.readouterr().out.strip() == f"isinghop {ih.__version__}"
    before = matplotlib.get_backend()
    matplotlib.use("svg")  # a backend the caller chose: drawing must not switch it
    try:
        from isinghop.viz.demo import plot_demo, recall_demo

        plot_demo(recall_demo(side=8, n_patterns=2, rng=1), tmp_path / "demo.png")
        assert matplotlib.get_backend() == "svg" and (tmp_path / "demo.png").stat().st_size > 1000
    finally:
        matplotlib.use(before)


def test_point_files_describe_themselves_and_load_store_returns_what_run_returned(tmp_path):
    returned = ih.run_study("retrieval", "quick", tmp_path, rng=11)
    loaded = ih.load_store(tmp_path)
    assert returned.attrs.pop("points_computed") == 48  # 12 points × 4 samples: the one attribute the call adds
    xr.testing.assert_identical(loaded, returned)
    assert_study_dataset(loaded, dims=("sample", "replica"))
    one = xr.open_dataset(next((tmp_path / "points").glob("*.nc")), engine="h5netcdf")
    assert one.attrs["study"] == "retrieval" and one.attrs["point_key"].startswith("alpha=")
    assert one["alpha"].attrs["long_name"] == "load α = P/N" and one.attrs["fixed_n_sites"] == 200  # common attrs
    with xr.open_mfdataset(sorted((tmp_path / "points").glob("*.nc")), engine="h5netcdf") as merged:
        xr.testing.assert_allclose(merged["overlap_recall"].load(), returned["overlap_recall"])


def test_damaged_and_swapped_point_files_are_moved_aside_and_recomputed(tmp_path, capsys, monkeypatch):
    from importlib.metadata import EntryPoint

    from isinghop.cli import main

    toy = EntryPoint(name="toy", value="toy_study", group="isinghop.studies")
    monkeypatch.setattr(ih.runtime.declaration, "_entry_points", lambda: {"toy": toy})  # the CLI finds the toy study

    first = ih.run_study(toy_study.STUDY, "quick", tmp_path, rng=12)
    files = sorted((tmp_path / "points").glob("*.nc"))
    changed, swapped, truncated = files[:3]
    data = bytearray(changed.read_bytes())
    data[-100] ^= 0xFF  # one changed byte
    changed.write_bytes(bytes(data))
    swapped.write_bytes(files[3].read_bytes())  # another point's data under this point's name ...
    (tmp_path / "checksums" / f"{swapped.stem}.sha256").write_text(
        (tmp_path / "checksums" / f"{files[3].stem}.sha256").read_text())  # ... with a matching checksum
    truncated.write_bytes(truncated.read_bytes()[:200])
    with pytest.warns(ih.runtime.StoreWarning) as warned:
        partial = ih.load_store(tmp_path)
    reasons = " | ".join(str(w.message) for w in warned)
    for path in (changed, swapped, truncated):
        assert str(path) in reasons
    assert "holds point" in reasons and reasons.count("does not match its checksum") == 2
    assert len(json.loads(partial.attrs["missing_points"])) == 3 and int(partial["value"].isnull().sum()) == 9
    assert main(["plot", str(tmp_path)]) == 0
    assert "the figure is partial: 3 of 6 points are missing" in capsys.readouterr().err
    assert main(["info", str(tmp_path)]) == 0
    assert "3 damaged" in capsys.readouterr().out
    again = ih.run_study(toy_study.STUDY, "quick", tmp_path, rng=12)  # recomputes the three, merges nothing damaged
    assert "3 task(s) to compute, 3 of 6 points done" in capsys.readouterr().err
    xr.testing.assert_identical(comparable(again), comparable(first))


def test_a_full_disk_stops_the_run_with_one_line_and_keeps_finished_points(tmp_path, capsys, monkeypatch):
    import errno

    from importlib.metadata import EntryPoint

    from isinghop.cli import main

    monkeypatch.setattr(ih.runtime.declaration, "_entry_points",
                        lambda: {"toy": EntryPoint(name="toy", value="toy_study", group="isinghop.studies")})
    checks = iter([10**9, 10**9])  # room for two points, then none
    monkeypatch.setattr(ih.runtime.store, "_free_bytes", lambda store: next(checks, 1000))
    store = tmp_path / "store"
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "toy", "--store", str(store)])
    error = capsys.readouterr().err  # the task count the run starts with, then the error in one line
    assert exit_info.value.code == 1 and error.count("\n") == 2 and error.startswith("toy (quick): 6 task(s)")
    assert f"store: {store} is full: a point file needs about" in error and "0.00 MB are free" in error
    assert len(list((store / "points").glob("*.nc"))) == 2 and not list(store.rglob("*.tmp"))
    # the write itself runs out of space: the same error, and no temporary file is left
    monkeypatch.setattr(ih.runtime.store, "_free_bytes", lambda store: 10**9)

    def no_space(self, path, **kwargs):
        Path(path).write_bytes(b"\x89HDF half a file")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", no_space)
    with pytest.raises(ih.runtime.StoreFullError, match=f"^store: {store} is full"):
        ih.run_study("toy", "quick", store, rng=0)
    assert len(list((store / "points").glob("*.nc"))) == 2 and not list(store.rglob("*.tmp"))
    monkeypatch.undo()
    resumed = ih.run_study(toy_study.STUDY, "quick", store, rng=0)  # space again: the run completes
    assert not resumed["value"].isnull().any()


SHARED_STORE = """
import sys
import isinghop as ih
import toy_study
study = toy_study.make({"x": (1, 2, 3), "y": (0.5, 1.5)}, pause=1.0, log_file=sys.argv[2])
print(int(ih.run_study(study, "quick", sys.argv[1], rng=13, progress=False)["value"].notnull().all()))
"""


def test_two_processes_on_one_store_share_the_work(tmp_path):
    log = tmp_path / "computed.txt"
    runs = [subprocess.Popen([sys.executable, "-c", SHARED_STORE, str(tmp_path / "store"), str(log)],
                             env=os.environ | {"PYTHONPATH": str(TESTS)}, stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0] and [o.split()[-1] for o in outputs] == ["1", "1"]
    computed = log.read_text().split("\n")[:-1]
    points = [line.split(maxsplit=1)[1] for line in computed]
    assert sorted(points) == sorted(set(points)) and len(points) == 6  # every point computed once
    assert len({line.split()[0] for line in computed}) == 2  # by both processes


def test_provenance_describes_only_the_projects_own_checkout(tmp_path, monkeypatch):
    from isinghop.runtime import provenance

    if (Path(provenance.__file__).parents[2] / ".git").exists():
        assert provenance._git_describe()  # a checkout of the project: its own repository is described
    # an installed copy inside some other repository (say, a virtual environment kept in one)
    installed = tmp_path / "env" / "site-packages" / "isinghop" / "runtime"
    installed.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.setattr(provenance, "__file__", str(installed / "provenance.py"))
    assert provenance._git_describe() == ""


def test_tidy_turns_a_study_dataset_into_one_row_per_value():
    import xarray as xr

    from isinghop.runtime import labelled, tidy

    m = np.arange(12.0).reshape(2, 3, 2)
    m[1, 2, :] = np.nan  # a missing point
    dataset = xr.Dataset(
        {"overlap": labelled(("alpha", "T", "sample"), m, "1", "m", "overlap"),
         "other": labelled(("mixture",), [1.0, 2.0], "1", "x", "another section")},
        coords={"alpha": ("alpha", [0.05, 0.1], {"units": "1"}), "T": ("T", [0.1, 0.2, 0.3], {"units": "energy"}),
                "sample": [0, 1], "mixture": [3, 5]})
    frame = tidy(dataset, "overlap")
    assert list(frame.columns) == ["alpha", "T", "sample", "overlap"] and len(frame) == 10
    row = frame[(frame.alpha == 0.1) & (frame["T"] == 0.2) & (frame["sample"] == 1)]
    assert float(row.overlap.iloc[0]) == m[1, 1, 1]
    assert frame.attrs["units"]["T"] == "energy"
    with pytest.raises(ValueError, match="share their dims"):
        tidy(dataset, "overlap", "other")
    with pytest.raises(ValueError, match="not in the Dataset"):
        tidy(dataset, "absent")
