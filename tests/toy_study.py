"""A numba-free study for testing the runner: random numbers from the point's two streams."""

import os
import signal
import time
from pathlib import Path

import numpy as np
import xarray as xr

import isinghop as ih


def run_point(point, fixed, disorder, thermal, checkpoint):
    """Values drawn from the disorder and thermal streams; optional pause, failure, self-kill and stage hooks."""
    time.sleep(fixed.get("pause", 0.0))
    if fixed.get("log_file"):  # which process computed which point
        with open(fixed["log_file"], "a") as log:
            log.write(f"{os.getpid()} {point['x']} {point['y']}\n")
    stages = fixed.get("stages_file")
    if stages:  # a long point in three checkpointed stages; it dies after stage 2 on its first attempt
        done = int((checkpoint.load("stage") or {"done": 0})["done"])
        for stage in range(done, 3):
            with open(stages, "a") as log:
                log.write(f"stage {stage}\n")
            checkpoint.save("stage", done=np.array(stage + 1))
            if stage == 1 and Path(stages).read_text().count("stage 1") == 1:
                os.kill(os.getpid(), signal.SIGKILL)
    attempts = fixed.get("attempts_file")
    if attempts and point["x"] == fixed.get("kill_at"):
        with open(attempts, "a") as log:
            log.write("attempt\n")
        if Path(attempts).read_text().count("attempt") == 1:
            os.kill(os.getpid(), signal.SIGKILL)  # the worker dies mid-study, on this point's first attempt
    marker = fixed.get("fail_marker")
    if marker and Path(marker).exists() and point["x"] == fixed.get("fail_at"):
        raise RuntimeError(f"point x={point['x']} failed on purpose")
    attrs = {"units": "1", "long_name": "draw", "description": "a uniform number"}
    values = np.random.default_rng(disorder).random(3) + point["x"] * np.random.default_rng(thermal).random(3)
    return xr.Dataset(
        {"value": (("sample",), values, attrs)},
        coords={"sample": ("sample", np.arange(3), {"units": "1", "long_name": "sample", "description": "index"})},
    )


def plot(dataset):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    dataset["value"].mean("sample").plot(ax=ax)
    return figure


def make(grid, **fixed):
    return ih.Study(
        name="toy",
        description="runner test",
        configs={"quick": ih.Config(grid=grid, fixed=fixed)},
        run_point=run_point,
        plot=plot,
        coordinates={"x": {"units": "1", "long_name": "x", "description": "swept"},
                     "y": {"units": "1", "long_name": "y", "description": "swept"}},
    )


STUDY = make({"x": (1, 2, 3), "y": (0.5, 1.5)})


def relax_point(point, fixed, disorder, thermal, checkpoint):
    """A point that runs a compiled kernel: zero-T recall of 4 random cues on 60 sites (replicas on threads)."""
    xi = ih.random_patterns(3, 60, rng=disorder)
    recall = ih.relax(ih.hebbian(xi), ih.flip_fraction(np.repeat(xi[:1], 4, axis=0), 0.1, rng=thermal), rng=thermal)
    overlap = ih.observables.overlaps(recall.spins, xi[:1])[:, 0]
    attrs = {"units": "1", "long_name": "overlap", "description": "overlap with pattern 1 after recall"}
    return xr.Dataset({"overlap": (("replica",), overlap, attrs)},
                      coords={"replica": ("replica", np.arange(4), {"units": "1", "long_name": "replica",
                                                         "description": "index"})})


NUMBA_STUDY = ih.Study(
    name="toy-relax",
    description="runner test with a compiled kernel",
    configs={"quick": ih.Config(grid={"x": (1, 2, 3, 4)}, fixed={})},
    run_point=relax_point,
    plot=plot,
    coordinates={"x": {"units": "1", "long_name": "x", "description": "swept"}},
)
