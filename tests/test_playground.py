"""The memory playground, driven headless by synthetic mouse events on the Agg canvas."""

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

import isinghop as ih
from isinghop.viz.playground import Playground


def _click(session, ax, x, y, button=1):
    """Press and release the mouse at data coordinates (x, y) of ``ax``."""
    canvas = session.figure.canvas
    px, py = ax.transData.transform((x, y))
    for name in ("button_press_event", "button_release_event"):
        canvas.callbacks.process(name, MouseEvent(name, canvas, px, py, button=button))


def _drag(session, ax, cells, button=1):
    """Press on the first cell, move over the others, release: paint a stroke."""
    canvas = session.figure.canvas
    points = [ax.transData.transform((column, row)) for row, column in cells]
    canvas.callbacks.process("button_press_event", MouseEvent("button_press_event", canvas, *points[0], button=button))
    for px, py in points[1:]:
        canvas.callbacks.process("motion_notify_event", MouseEvent("motion_notify_event", canvas, px, py,
                                                                   button=button))
    canvas.callbacks.process("button_release_event", MouseEvent("button_release_event", canvas, *points[-1],
                                                                button=button))


def _press_button(session, name):
    ax = session._controls[name].ax
    canvas = session.figure.canvas
    px, py = ax.transAxes.transform((0.5, 0.5))
    for event in ("button_press_event", "button_release_event"):
        canvas.callbacks.process(event, MouseEvent(event, canvas, px, py, button=1))


def test_a_painted_cue_is_recalled_to_the_painted_pattern():
    session = Playground(side=8, n_patterns=2, rng=1)
    session.figure.canvas.draw()
    cross = [(r, r) for r in range(8)] + [(r, 7 - r) for r in range(8)]
    bars = [(r, c) for r in (2, 5) for c in range(8)]
    first, second, cue = session._grid_axes[0], session._grid_axes[1], session._grid_axes[-1]
    _drag(session, first, cross)
    _drag(session, second, bars)
    expected = -np.ones((8, 8), dtype=np.int8)
    expected[tuple(np.array(cross).T)] = 1
    np.testing.assert_array_equal(session.patterns[0].reshape(8, 8), expected)
    _press_button(session, "train")
    assert session.model is not None
    _drag(session, cue, cross[:8])  # the cross's diagonal, nothing of the bars
    _click(session, cue, 3, 3, button=3)  # paper over one painted cell
    _press_button(session, "recall")
    while session.step():
        pass
    final = session.recall_run.spins
    np.testing.assert_array_equal(final, session.patterns[0])
    assert session._overlaps[-1, 0] == 1.0


def test_the_rule_choice_changes_the_couplings():
    session = Playground(side=8, n_patterns=3, rng=2)
    session.load_letters("ABC")
    couplings = {}
    for label in ("hebbian", "storkey", "pseudo inverse"):
        session._controls["learning_rule"].set_active(["hebbian", "storkey", "pseudo inverse"].index(label))
        assert session.model is None  # a new rule wants a new training
        _press_button(session, "train")
        couplings[label] = ih.to_dense(session.model)
    assert not np.allclose(couplings["hebbian"], couplings["storkey"])
    assert not np.allclose(couplings["hebbian"], couplings["pseudo inverse"])
    # the pseudo-inverse stores the three letters as fixed points
    session.copy_to_cue(1)
    assert session.recall().sweeps == 0


def test_pictures_corruption_and_messages():
    session = Playground(side=16, n_patterns=1, rng=3)
    assert session.load_picture(0) in ih.viz.SAMPLE_PICTURES
    assert session.patterns[0].sum() == 0  # median threshold: half light
    session.copy_to_cue(0)
    session.corrupt(0.1)
    assert (session.cue != session.patterns[0]).sum() == round(0.1 * 256)
    session._controls["letters"].set_val("Q")
    session._controls["letters"].stop_typing()
    np.testing.assert_array_equal(session.patterns[0], ih.viz.letter_patterns("Q", 16)[0])


def test_playground_without_a_window_says_so(capsys):
    session = ih.playground(side=6, n_patterns=1)
    assert "draws no window" in capsys.readouterr().out
    assert isinstance(session, Playground)


def test_bad_playground_input():
    with pytest.raises(ValueError, match="^side: expected 5 to 64"):
        Playground(side=4)
    with pytest.raises(ValueError, match="^n_patterns: at most 3"):
        Playground(n_patterns=4)
    session = Playground(side=6, n_patterns=1)
    with pytest.raises(ValueError, match="^grid"):
        session.paint(2, 0, 0)
    with pytest.raises(ValueError, match="^row, column"):
        session.paint(0, 6, 0)
    with pytest.raises(ValueError, match="^learning_rule"):
        session.set_learning_rule("oja")
