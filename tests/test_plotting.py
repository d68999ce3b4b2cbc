"""Recall animations: one frame per recorded step, in the GIF and in the HTML page."""


import numpy as np
import pytest
from PIL import Image

import isinghop as ih
from isinghop.viz.plotting import animate_frames, animate_recall


def _frames_in(html_path):
    return html_path.read_text().count("data:image/png;base64,")


def test_relaxation_animation_has_one_frame_per_snapshot(tmp_path):
    xi = ih.random_patterns(3, 64, rng=1)
    model = ih.hebbian(xi)
    cues = ih.flip_fraction(np.repeat(xi[:1], 2, axis=0), 0.3, rng=2)
    run = ih.relax(model, cues, record="snapshots", snapshot_every=16, rng=3)
    replica = int(np.argmax(run.sweeps))
    expected = int(run.sweeps[replica]) * 4 + 1  # 4 frames per sweep, and the start
    gif, html = animate_recall(run, tmp_path / "recall.gif", shape=(8, 8), model=model, replica=replica)
    assert (gif.name, html.name) == ("recall.gif", "recall.html")
    assert Image.open(gif).n_frames == expected
    assert _frames_in(html) == expected
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_snapshot_times_count_attempts_within_a_sweep(tmp_path):
    """N = 10, a snapshot every 4 attempts: frames after 4, 8 and 10 attempts of each sweep."""
    model = ih.hebbian(ih.random_patterns(2, 10, rng=4))
    run = ih.relax(model, ih.random_spins(1, 10, rng=5)[0], schedule="sequential", record="snapshots",
                   snapshot_every=4, max_sweeps=2)
    expected = [0.0] + [s + a for s in range(int(run.sweeps)) for a in (0.4, 0.8, 1.0)]
    np.testing.assert_allclose(run.snapshot_times, expected)
    gif, html = animate_recall(run, tmp_path / "run_beta1.5", shape=(2, 5), model=model)
    assert (gif.name, html.name) == ("run_beta1.5.gif", "run_beta1.5.html")  # a dot in the name stays


def test_chain_animation_has_one_frame_per_record(tmp_path):
    model = ih.square_lattice(6)
    chain = ih.sample(model, ih.random_spins(1, 36, rng=1)[0], T=2.0, sweeps=7, record="snapshots", rng=2)
    gif, html = animate_recall(chain, tmp_path / "chain", shape=(6, 6), model=model)
    assert Image.open(gif).n_frames == 7
    assert _frames_in(html) == 7


def test_bad_animation_input(tmp_path):
    model = ih.hebbian(ih.random_patterns(2, 16, rng=1))
    plain = ih.relax(model, np.ones(16), record="overlaps")
    with pytest.raises(ValueError, match="^record: it holds no snapshots"):
        animate_recall(plain, tmp_path / "x", shape=(4, 4))
    with pytest.raises(TypeError, match="^record: expected a Relaxation or a Chain"):
        animate_recall(np.ones((3, 16)), tmp_path / "x", shape=(4, 4))
    run = ih.relax(model, np.ones(16), record="snapshots")
    with pytest.raises(ValueError, match="^shape"):
        animate_recall(run, tmp_path / "x", shape=(3, 5))
    with pytest.raises(ValueError, match="^replica"):
        animate_recall(run, tmp_path / "x", shape=(4, 4), replica=1)
    with pytest.raises(ValueError, match="^times: expected 2 rows"):
        animate_frames(np.ones((2, 16)), tmp_path / "x", shape=(4, 4), times=[0])
    with pytest.raises(ValueError, match="^fps"):
        animate_frames(np.ones((2, 16)), tmp_path / "x", shape=(4, 4), times=[0, 1], fps=0)
    for shape in (16, (4.7, 4), "44", (-4, -4), (True, 16)):
        with pytest.raises(ValueError, match="^shape: expected"):
            animate_frames(np.ones((2, 16)), tmp_path / "x", shape=shape, times=[0, 1])
    with pytest.raises(ValueError, match="^times: entries must be finite"):
        animate_frames(np.ones((2, 16)), tmp_path / "x", shape=(4, 4), times=[0, np.nan])
    with pytest.raises(ValueError, match="^times: expected one non-decreasing"):
        animate_frames(np.ones((2, 16)), tmp_path / "x", shape=(4, 4), times=[1, 0])
    with pytest.raises(ValueError, match="^dpi"):
        animate_frames(np.ones((2, 16)), tmp_path / "x", shape=(4, 4), times=[0, 1], dpi=3000)
    with pytest.raises(ValueError, match="^path: .* is a directory"):
        animate_frames(np.ones((2, 16)), tmp_path, shape=(4, 4), times=[0, 1])
    with pytest.raises(ValueError, match="^highlight"):
        animate_frames(np.ones((2, 16)), tmp_path / "x", shape=(4, 4), times=[0, 1], overlaps=np.ones((2, 3)),
                       highlight=3)
    with pytest.raises(TypeError, match="^model: expected an IsingModel"):
        animate_recall(run, tmp_path / "x", shape=(4, 4), model="m")
