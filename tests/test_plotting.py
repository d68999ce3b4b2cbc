"""Recall animations: one frame per recorded step, in the GIF and in the HTML page."""


import numpy as np
import pytest
from PIL import Image

import isinghop as ih
from isinghop.plotting import animate_frames, animate_recall


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
