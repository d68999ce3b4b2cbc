"""The letters study: Hebb, Storkey and pseudo-inverse on the 26 letters, asserted from its Dataset."""

import numpy as np
import pytest
from PIL import Image

import isinghop as ih
from isinghop.dynamics import recall_curve
from isinghop.testing import assert_study_dataset
from conftest import run_quick


@pytest.fixture(scope="module")
def quick(quick_stores):
    return run_quick(quick_stores, "letters")


def test_quick_config_meets_the_contract_draws_and_animates(quick, tmp_path):
    assert_study_dataset(quick)
    study = ih.load_study("letters")
    assert study.plot(quick) is not None
    one_rule = quick.sel(learning_rule=["pseudo_inverse"])  # each rule's animation is made the same way
    gif, html = study.animate(one_rule, tmp_path)
    assert Image.open(gif).n_frames > 12  # a frame every 12 attempts, a sweep or more
    assert html.read_text().count("data:image/png;base64,") == Image.open(gif).n_frames


def _couplings(xi, rule):
    """Dense J of each rule, computed here from its definition (zero diagonal)."""
    x = xi.astype(np.float64)
    n = x.shape[1]
    if rule == "hebbian":
        J = x.T @ x / n
    else:
        J = x.T @ np.linalg.solve(x @ x.T / n, x) / n
    np.fill_diagonal(J, 0.0)
    return J


@pytest.mark.parametrize("rule", ["hebbian", "pseudo_inverse"])
def test_stability_of_each_letter_matches_its_fields(quick, rule):
    here = quick.sel(learning_rule=rule)
    xi = quick["patterns"].values
    aligned = xi * (xi @ _couplings(xi, rule))
    np.testing.assert_array_equal(here["sites_against_field"], (aligned < -1e-9).sum(axis=1))
    np.testing.assert_array_equal(here["fixed_point"], (aligned > 1e-9).all(axis=1))
    # a letter that is a fixed point is recalled from a cue with no flips, and one that is not never is
    stable = here["basin_probability"].sel(flip_fraction=0.0).mean("sample")
    np.testing.assert_array_equal(stable, here["fixed_point"].astype(float))


def test_pseudo_inverse_stores_every_letter_and_recalls_at_least_as_many_as_hebb(quick):
    pinv, hebb = quick.sel(learning_rule="pseudo_inverse"), quick.sel(learning_rule="hebbian")
    assert bool(pinv["fixed_point"].all())
    recalled = {rule: int((quick["recall_probability"].sel(learning_rule=rule, noise=0.1).mean("sample")
                           >= 0.5).sum()) for rule in quick["learning_rule"].values}
    assert recalled["pseudo_inverse"] == 26 >= recalled["hebbian"]
    # Hebb's crosstalk: each letter's field is its signal plus sum_nu xi^nu C_nu,mu with C ~ 0.5
    assert int(hebb["fixed_point"].sum()) < 26


def test_hebb_falls_into_the_average_letter(quick):
    """Letters are mostly paper (mean a ≈ −0.6): Hebb's J holds a ferromagnetic part of order P a²
    that pulls every cue towards the common state sgn(Σ_μ ξ^μ), not towards any one letter."""
    xi = quick["patterns"].values.astype(np.int64)
    average = np.where(xi.sum(axis=0) > 0, 1, -1)
    for sample in quick["sample"].values:
        commonest = quick["end_state"].sel(learning_rule="hebbian", sample=sample, end_rank=0).values
        assert commonest @ average / xi.shape[1] > (xi @ commonest / xi.shape[1]).max()


def test_recall_curve_on_random_patterns_follows_signal_to_noise():
    """Random patterns, Hebb, P = 4, N = 200: a cue with f·N flips has m = 1 − 2f, and a site's field
    is ξ_i m plus crosstalk of standard deviation √((P − 1)/N) = 0.12. For f ≤ 0.2 one step leaves
    N·Φ(−0.6/0.12) ≈ 6e-5 wrong sites: every cue is recalled. For f = 0.6 the cue overlaps the mirror
    (m = −0.2) and never comes back to ξ; the basin radius lies between."""
    xi = ih.random_patterns(4, 200, rng=1)
    curve = recall_curve(ih.hebbian(xi), xi, [0.0, 0.1, 0.2, 0.3, 0.6], trials=30, rng=2)
    np.testing.assert_array_equal(curve.probability[:, :3], 1.0)
    np.testing.assert_array_equal(curve.probability[:, 4], 0.0)
    radius = curve.basin_radius()
    assert ((radius >= 0.2) & (radius < 0.6)).all()
    assert np.isnan(recall_curve(ih.dense_model([[0, -1], [-1, 0]]), [[1, 1]], [0.0], trials=2).basin_radius()[0])


def test_recall_curve_bad_input():
    model = ih.hebbian(ih.random_patterns(2, 10, rng=1))
    xi = ih.random_patterns(2, 10, rng=1)
    with pytest.raises(ValueError, match="^fractions: must increase"):
        recall_curve(model, xi, [0.2, 0.1])
    with pytest.raises(ValueError, match="^fractions: expected a 1-D array"):
        recall_curve(model, xi, [0.2, 1.5])
    with pytest.raises(ValueError, match="^trials"):
        recall_curve(model, xi, [0.1], trials=0)
    with pytest.raises(ValueError, match="^min_overlap"):
        recall_curve(model, xi, [0.1], min_overlap=0)
    with pytest.raises(ValueError, match="^patterns: expected 10 sites"):
        recall_curve(model, np.ones((2, 9)), [0.1])
