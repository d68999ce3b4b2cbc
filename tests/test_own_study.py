"""The user guide's "Write your own study": its complete example runs, survives a crash, resumes and runs on
two workers with the same numbers, and stays short."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import xarray as xr

import isinghop as ih

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"
RUN = """
import sys
sys.path.insert(0, sys.argv[1])
import plot_own_study, isinghop as ih
ih.run_study(plot_own_study.STUDY, "quick", sys.argv[2], rng=1, workers=int(sys.argv[3]) or None, progress=False)
"""


def _run(store, workers=0):
    return subprocess.Popen([sys.executable, "-c", RUN, str(EXAMPLES), str(store), str(workers)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _values(dataset):
    """The numbers with their coordinates and attrs, not the run's provenance."""
    return dataset[["abs_overlap", "mean_field"]].drop_attrs(deep=False)


def test_the_example_is_short():
    code = (EXAMPLES / "plot_own_study.py").read_text().split('"""', 2)[2]  # after the gallery's header
    lines = [line for line in code.splitlines() if line.strip()]
    assert len(lines) <= 40, len(lines)


def test_the_example_study_crashes_resumes_and_runs_on_two_workers_with_the_same_numbers(tmp_path):
    whole = _run(tmp_path / "whole")
    assert whole.wait(timeout=300) == 0, whole.stderr.read()[-2000:]
    crashed = _run(tmp_path / "crashed")
    points = tmp_path / "crashed" / "points"
    while crashed.poll() is None and len(list(points.glob("*.nc"))) < 10:
        time.sleep(0.02)
    os.kill(crashed.pid, signal.SIGKILL)  # a crash part-way through: the finished points stay
    crashed.wait()
    done = len(list(points.glob("*.nc")))
    assert 10 <= done < 40, done
    sys.path.insert(0, str(EXAMPLES))
    try:
        import plot_own_study

        resumed = ih.run_study(plot_own_study.STUDY, "quick", tmp_path / "crashed", rng=1)
    finally:
        sys.path.remove(str(EXAMPLES))
    assert resumed.attrs["points_computed"] == 40 - done
    pooled = _run(tmp_path / "pooled", workers=2)
    assert pooled.wait(timeout=300) == 0, pooled.stderr.read()[-2000:]
    reference = _values(ih.load_store(tmp_path / "whole"))
    xr.testing.assert_identical(_values(resumed), reference)
    xr.testing.assert_identical(_values(ih.load_store(tmp_path / "pooled")), reference)
    assert float(reference["abs_overlap"].sel(T=0.5).mean()) > 0.9  # the ordered magnet, deep below T_c = 1
