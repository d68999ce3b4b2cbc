"""The image_memory group and the picture patterns: recall, mirrors and 2-cycles, asserted from its Dataset."""

import tracemalloc

import numpy as np
import pytest

import isinghop as ih
from isinghop.viz.pictures import SAMPLE_PICTURES, letter_patterns, picture_pattern, sample_picture
from isinghop.testing import assert_study_dataset
from conftest import run_quick


@pytest.fixture(scope="module")
def recall(quick_stores):
    return run_quick(quick_stores, "picture_recall")


@pytest.fixture(scope="module")
def pair(quick_stores):
    return run_quick(quick_stores, "masked_pair")


def test_quick_configs_meet_the_contract_draw_and_animate(recall, pair, tmp_path):
    assert_study_dataset(recall)
    assert_study_dataset(pair)
    assert ih.load_study("masked_pair").plot(pair) is not None
    study = ih.load_study("picture_recall")
    assert study.plot(recall) is not None
    gif, html = study.animate(recall, tmp_path)
    from PIL import Image

    frames = Image.open(gif).n_frames
    assert frames > 8 and html.read_text().count("data:image/png;base64") == frames


def test_pictures_are_unbiased_and_sized_as_the_issue_asks(recall, pair):
    assert recall.sizes["site"] == 128 * 128 and pair.sizes["site"] == 64 * 64
    for stored in (recall["stored"].values[None], pair["stored"].values):
        np.testing.assert_array_equal(stored.sum(axis=1), 0)  # exactly half +1: median threshold, ties by rank


def test_flipped_picture_is_recalled(recall):
    assert float(recall["final_overlap"].sel(corruption="flip 0.2").min()) >= 0.99  # every cue, both schedules


def test_inverted_picture_is_a_fixed_point(recall):
    inverted = recall.sel(corruption="inverted")
    assert (inverted["final_overlap"] == -1).all() and inverted["converged"].all()
    assert (inverted["sweeps"] == 0).all()  # stable before any update


def test_half_inverted_picture_two_cycles_synchronously_and_settles_asynchronously(recall):
    """m₁ = 0 exactly: every field opposes its spin (φ_i = −s_i/N), so the synchronous step inverts
    the state, again at m₁ = 0 — a 2-cycle. Asynchronously one flip breaks the tie: picture or mirror,
    each with probability 1/2; 16 cues give a fraction within 1/2 ± 3σ, σ = √(1/4/16) = 0.125."""
    half = recall.sel(corruption="half inverted")
    assert (half["overlap"].sel(sweep=0) == 0).all()
    assert (half["cycle_length"].sel(schedule="synchronous") == 2).all()
    final = half["final_overlap"].sel(schedule="permutation")
    assert float(abs(final).min()) >= 0.99
    assert 0.5 - 3 * 0.125 <= float((final > 0).mean()) <= 0.5 + 3 * 0.125


def test_two_picture_recall_follows_the_larger_cue_overlap(pair):
    """Hebb, P = 2: with M_μ = N m_μ, a site where ξ¹ and ξ² differ has φ = (ξ¹(M₁ − M₂) − 2s)/N and a
    shared one φ = (ξ¹(M₁ + M₂) − 2s)/N; each flip moves M₁ ∓ M₂ further the way its sign points.
    So when |M₁ ± M₂| > 2 the recall ends exactly at the picture of largest |m_μ|, with that sign."""
    cue, final = pair["cue_overlap"].values, pair["final_overlap"].values
    n = pair.sizes["site"]
    clear = (np.abs(cue[..., 0] + cue[..., 1]) * n > 2) & (np.abs(cue[..., 0] - cue[..., 1]) * n > 2)
    winner = np.argmax(np.abs(cue), axis=-1)
    sign = np.sign(np.take_along_axis(cue, winner[..., None], axis=-1))[..., 0]
    reached = np.take_along_axis(final, winner[..., None], axis=-1)[..., 0]
    assert clear.sum() >= 0.9 * clear.size
    np.testing.assert_array_equal(reached[clear] * sign[clear], 1.0)
    # the heaviest mask (the whole picture noise) goes to the first picture for some cues
    assert (final[-1, ..., 0] >= 0.99).any()


def test_single_picture_memory_needs_no_n_by_n_matrix():
    """N = 16 384: an N × N int8 matrix alone would take 268 MB; the recall of a cue batch stays far below."""
    xi = picture_pattern("grace_hopper", 128).spins[None]
    cues = ih.flip_fraction(np.repeat(xi, 8, axis=0), 0.3, rng=1)
    tracemalloc.start()
    model = ih.hebbian(xi)
    run = ih.relax(model, cues, record="overlaps", rng=2)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20e6, f"peak {peak / 1e6:.1f} MB"
    assert (run.overlaps[:, -1, 0] == 1).all()


def test_picture_pattern_thresholds_at_the_median_and_breaks_ties_by_rank():
    """20 of 36 pixels are black (0): the 16 lit ones and 2 of the tied black ones go up, and the
    2 are taken where the neighbourhood is lightest — the black block wedged between two bright ones."""
    grey = np.kron(np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.5], [0.2, 0.9, 0.0]]), np.ones((2, 2)))
    picture = picture_pattern(grey, 6)  # resizing 6 → 6 keeps the values
    assert picture.fraction_up == 0.5 and picture.spins.sum() == 0
    assert picture.threshold == 0.0
    up = picture.spins.reshape(6, 6) == 1
    assert up[grey > 0].all()
    tied_up = np.argwhere(up & (grey == 0))
    assert len(tied_up) == 2 and (tied_up >= 4).all()  # both in the lower-right black block
    odd = picture_pattern(np.arange(25.0).reshape(5, 5), 5)
    np.testing.assert_array_equal(odd.spins, np.where(np.arange(25) >= 12, 1, -1))  # the median pixel goes up


def test_every_sample_picture_loads():
    for name in SAMPLE_PICTURES:
        grey = sample_picture(name)
        assert grey.ndim == 2 and 0.0 <= grey.min() and grey.max() <= 1.0 and grey.std() > 0.05


def test_letters_are_biased_correlated_patterns():
    letters = letter_patterns("AIO", side=12)
    assert letters.shape == (3, 144) and letters.dtype == np.int8
    ink = (letters == 1).mean(axis=1)
    assert (ink > 0.05).all() and (ink < 0.5).all()  # mostly paper
    i = letters[1].reshape(12, 12)
    column = (i == 1).sum(axis=0)
    assert column.max() >= 8  # the I is a tall vertical bar


def test_bad_picture_input():
    with pytest.raises(ValueError, match="^name: must be one of"):
        sample_picture("lena")
    with pytest.raises(ValueError, match="^image: expected grey levels of shape"):
        picture_pattern(np.zeros(5), 4)
    with pytest.raises(ValueError, match="^image: grey levels must be finite"):
        picture_pattern(np.full((4, 4), np.nan), 4)
    with pytest.raises(ValueError, match="^side"):
        picture_pattern("mri", 0)
    with pytest.raises(ValueError, match="^letters"):
        letter_patterns("A B")
    with pytest.raises(ValueError, match="^side: at least 5"):
        letter_patterns("A", side=4)
