"""Process pools under the study runner: forked and spawned workers, and workers whose parent dies."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

TESTS = Path(__file__).parent

KERNEL_IN_PARENT_THEN_POOL = """
import multiprocessing, sys
multiprocessing.set_start_method(sys.argv[2])
import isinghop as ih
import toy_study
model = ih.hebbian(ih.random_patterns(2, 50, rng=1))
ih.relax(model, ih.random_spins(4, 50, rng=2), rng=3)  # 4 replicas on the parent's kernel thread pool
dataset = ih.run_study(toy_study.NUMBA_STUDY, "quick", sys.argv[1], workers=2, progress=False)
print(dataset["overlap"].size, dataset.attrs["failed_points"])
"""


@pytest.mark.parametrize("start_method", ["fork", pytest.param("spawn", marks=pytest.mark.slow)])
def test_a_numba_study_runs_in_two_workers_after_a_kernel_ran_in_the_parent(tmp_path, start_method):
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", KERNEL_IN_PARENT_THEN_POOL, str(tmp_path / "store"),
                               start_method], env=os.environ | {"PYTHONPATH": str(TESTS)}, capture_output=True,
                              text=True, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the study hung with {start_method}ed workers")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["16", "[]"], done.stdout  # every point written, none failed
    print(f"{start_method}: {time.perf_counter() - started:.1f} s")


SLOW_POOL = """
import sys
import isinghop as ih
import toy_study
ih.run_study(toy_study.make({"x": (1, 2, 3, 4), "y": (0.5,)}, pause=120.0), "quick", sys.argv[1], workers=2, progress=False)
"""


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", SLOW_POOL, str(tmp_path / "store")],
                              env=os.environ | {"PYTHONPATH": str(TESTS)})
    try:
        deadline = time.monotonic() + 60
        while len(workers := psutil.Process(parent.pid).children()) < 2:
            assert time.monotonic() < deadline, "the pool never started"
            time.sleep(0.2)
        time.sleep(1.0)  # the workers are inside their 120 s points
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        gone, alive = psutil.wait_procs(workers, timeout=5)
        assert not alive, f"workers {[p.pid for p in alive]} outlived their parent by 5 s"
    finally:
        for process in psutil.Process().children(recursive=True):
            process.kill()
