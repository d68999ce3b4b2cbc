"""The small_networks study: the lecture notes' counts, asserted from its Dataset."""

import numpy as np
import pytest

import isinghop as ih
from isinghop.testing import assert_study_dataset
from conftest import run_quick


@pytest.fixture(scope="module")
def quick(quick_stores):
    return run_quick(quick_stores, "seed_networks").squeeze("sample")


def _attractors(ds, net, schedule, tie):
    here = ds.sel(net=net, schedule=schedule, tie=tie)
    n = int(here["net_sites"])
    states = [int(k) for k in here["attractor_state"].values if k >= 0]
    sizes = [int(k) for k in here["attractor_size"].values[: len(states)]]
    return [(tuple(ih.state_spins(k, n)[0]), size) for k, size in zip(states, sizes)]


def test_quick_config_meets_the_contract_and_draws(quick, quick_stores):
    assert ih.runtime.study_groups()["small_networks"] == ("seed_networks", "self_coupling")
    dataset = run_quick(quick_stores, "seed_networks")
    assert_study_dataset(dataset)
    assert len(ih.load_study("seed_networks").plot(dataset).axes) == 6
    counts = run_quick(quick_stores, "self_coupling")
    assert_study_dataset(counts)
    assert len(ih.load_study("self_coupling").plot(counts).axes) == 1
    rows = quick["absorption"].sum("attractor", skipna=True)
    valid = quick["absorption"].notnull().any("attractor")
    assert float(abs(rows.where(valid, 1.0) - 1.0).max()) < 1e-12


def test_two_node_nets_oscillate_synchronously_and_settle_asynchronously(quick):
    for net, stored in (("hebb_2_minus_plus", (-1, 1)), ("hebb_2_plus_plus", (1, 1))):
        others = {(1, 1), (-1, -1)} if stored == (-1, 1) else {(1, -1), (-1, 1)}
        sync = _attractors(quick, net, "synchronous", "keep")
        assert {s for s, size in sync if size == 1} == {stored, tuple(-v for v in stored)}
        assert [size for s, size in sync if size > 1] == [2]  # the two unstored states (H = +1/2) swap
        for schedule in ("random", "permutation", "sequential"):
            found = _attractors(quick, net, schedule, "keep")
            assert {s for s, _ in found} == {stored, tuple(-v for v in stored)} and all(size == 1 for _, size in found)
            for start in others:  # each unstored state falls into the stored pair
                index = ih.state_index(np.array(start))
                assert float(quick["absorption"].sel(net=net, schedule=schedule, tie="keep", state=index).sum()) == 1.0


def test_three_node_nets_tie_rules_and_triangles(quick):
    keep = {s for s, _ in _attractors(quick, "hebb_3_two", "random", "keep")}
    up = {s for s, _ in _attractors(quick, "hebb_3_two", "random", "up")}
    assert keep == {(1, 1, 1), (1, 1, -1), (-1, -1, -1), (-1, -1, 1)} and up == {(1, 1, 1), (-1, -1, 1)}
    fixed = quick["fixed_points"].sel(schedule="random")
    assert int(fixed.sel(net="frustrated_triangle", tie="keep")) == 6
    assert int(fixed.sel(net="triangle_twin", tie="keep")) == 2
    for tie in ("up", "down"):
        assert int(fixed.sel(net="frustrated_triangle", tie=tie)) == 1
        assert int(fixed.sel(net="triangle_twin", tie=tie)) == 2


def test_asymmetric_pair_has_no_fixed_point(quick):
    assert int(quick["fixed_points"].sel(net="asymmetric_pair").max()) == 0
    assert _attractors(quick, "asymmetric_pair", "synchronous", "keep") == [((-1, -1), 4)]  # one 4-cycle
    assert int(quick["attractor_size"].sel(net="asymmetric_pair", schedule="random", tie="keep").max()) == 4
    symmetric = _attractors(quick, "antiferromagnetic_pair", "random", "keep")
    assert {s for s, _ in symmetric} == {(1, -1), (-1, 1)}


def test_self_couplings_add_spurious_fixed_points(quick_stores):
    counts = run_quick(quick_stores, "self_coupling")["counts"].mean("sample")
    assert bool((counts.sel(diagonal="P/N", count_kind="spurious") > counts.sel(diagonal="zero",
                                                                             count_kind="spurious")).all())
    # every stored pattern and its mirror stay fixed points at P = 3, so the non-spurious count is at most 2P
    assert bool(((counts.sel(count_kind="fixed_points") - counts.sel(count_kind="spurious")) <= 6).all())
