"""State-transition graphs of small networks."""

import matplotlib
import numpy as np
import pytest

import isinghop as ih

matplotlib.use("Agg")


def spins_of(graph, nodes):
    return {graph.nodes[k]["spins"] for k in nodes}


def test_two_node_hebbian_net():
    model = ih.hebbian([[-1, 1]])
    sync = ih.transition_graph(model, schedule="synchronous")
    # [1,1] <-> [-1,-1] is a 2-cycle; the stored pattern and its inverse are fixed
    assert [spins_of(sync, a) for a in sync.graph["attractors"]] == [{(1, -1)}, {(-1, 1)}, {(-1, -1), (1, 1)}]
    single = ih.transition_graph(model, schedule="random")
    up = ih.state_index([1, 1])
    moves = {single.nodes[b]["spins"]: d["unit"] for _, b, d in single.out_edges(up, data=True)}
    assert moves == {(-1, 1): 0, (1, -1): 1}
    assert all(d["probability"] == 0.5 for _, _, d in single.out_edges(up, data=True))
    assert spins_of(single, [k for k in single if single.nodes[k]["fixed"]]) == {(1, -1), (-1, 1)}


def test_asymmetric_pair_has_one_four_cycle():
    graph = ih.transition_graph(ih.dense_model([[0.0, -1.0], [1.0, 0.0]], allow_asymmetric=True),
                                schedule="synchronous")
    assert graph.graph["attractors"] == [(0, 1, 2, 3)] and graph.graph["basin_sizes"] == [4]
    assert "energy" not in graph.nodes[0]


@pytest.mark.parametrize("tie", ih.vocabulary.TIE_RULES)
@pytest.mark.parametrize("schedule", ["random", "permutation", "sequential"])
def test_fixed_points_agree_with_enumeration(schedule, tie):
    rng = np.random.default_rng(5)
    a = rng.integers(-1, 2, size=(6, 6))
    model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T, h=rng.integers(-1, 2, size=6))
    graph = ih.transition_graph(model, schedule=schedule, tie=tie)
    fixed = spins_of(graph, [k for k in graph if graph.nodes[k]["fixed"]])
    assert fixed == {tuple(int(v) for v in s) for s in ih.fixed_points(model, tie=tie)}
    assert all(abs(sum(d["probability"] for *_, d in graph.out_edges(k, data=True)) - 1) < 1e-12 for k in graph)


@pytest.mark.parametrize("tie", ["keep", "up", "down", "flip", "random"])
def test_single_unit_moves_never_raise_the_energy(tie):
    xi = ih.random_patterns(3, 8, rng=7)
    graph = ih.transition_graph(ih.hebbian(xi), schedule="random", tie=tie)
    for a, b in graph.edges:
        assert graph.nodes[b]["energy"] <= graph.nodes[a]["energy"]
        if a != b:  # one unit changes
            assert sum(x != y for x, y in zip(graph.nodes[a]["spins"], graph.nodes[b]["spins"])) == 1


def test_sequential_sweep_graph_matches_relax():
    xi = ih.random_patterns(2, 9, rng=8)
    model = ih.hebbian(xi)
    order = np.random.default_rng(9).permutation(9)
    graph = ih.transition_graph(model, schedule="sequential", order=order)
    assert sum(graph.graph["basin_sizes"]) == 2**9  # a deterministic map: basins partition the states
    states = ih.state_spins(np.arange(2**9), 9)
    one_sweep = ih.relax(model, states, schedule="sequential", order=order, max_sweeps=1)
    successors = [next(iter(graph.successors(k))) for k in range(2**9)]
    np.testing.assert_array_equal(ih.state_index(one_sweep.spins), successors)


def test_frustrated_triangle_attractors():
    w = np.zeros((3, 3))
    w[0, 1] = w[1, 0] = w[1, 2] = w[2, 1] = 1.0
    w[0, 2] = w[2, 0] = -1.0
    keep = ih.transition_graph(ih.dense_model(w), schedule="random", tie="keep")
    assert len(keep.graph["attractors"]) == 6 and all(len(a) == 1 for a in keep.graph["attractors"])
    # under coin ties the six degenerate ground states form one recurrent class
    coin = ih.transition_graph(ih.dense_model(w), schedule="random", tie="random")
    assert [len(a) for a in coin.graph["attractors"]] == [6]


def test_drawing_marks_fixed_points_red():
    graph = ih.transition_graph(ih.hebbian([[1, 1, 1], [1, 1, -1]]), schedule="random", tie="up")
    ax = ih.draw_transition_graph(graph)
    colours = ax.collections[0].get_facecolors()
    red = matplotlib.colors.to_rgba("tab:red")
    assert sum(np.allclose(c, red) for c in colours) == 2
    with pytest.raises(ValueError, match="N <= 6"):
        ih.draw_transition_graph(ih.transition_graph(ih.hebbian(np.ones((1, 7))), schedule="synchronous"))


def test_size_limit():
    with pytest.raises(ValueError, match="N <= 16"):
        ih.transition_graph(ih.hebbian(np.ones((1, 17))), schedule="random")


def test_absorption_rows_sum_to_one_and_symmetric_keep_has_only_fixed_points():
    rng = np.random.default_rng(81)
    for n in (5, 7):
        a = rng.normal(size=(n, n))
        model = ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T, h=0.2 * rng.normal(size=n))
        for schedule in ("random", "permutation", "sequential"):
            found = ih.absorption(model, schedule=schedule, tie="keep")
            np.testing.assert_allclose(found.probabilities.sum(axis=1), 1.0, atol=1e-12)
            # every asynchronous step of symmetric J lowers H: the only closed classes are fixed points
            assert all(len(c) == 1 for c in found.attractors)
            expected = ih.state_index(ih.fixed_points(model, tie="keep"))
            np.testing.assert_array_equal(found.fixed_points, np.sort(expected))
    # the 2-unit asymmetric net (w12 = -1, w21 = +1) has no fixed point: one closed class of all four states
    asymmetric = ih.dense_model([[0.0, -1.0], [1.0, 0.0]], allow_asymmetric=True)
    for schedule in ("random", "synchronous"):
        found = ih.absorption(asymmetric, schedule=schedule)
        assert len(found.fixed_points) == 0 and [list(c) for c in found.attractors] == [[0, 1, 2, 3]]


def test_three_node_net_with_the_up_tie_rule_keeps_two_fixed_points():
    model = ih.hebbian([[1, 1, 1], [1, 1, -1]])
    keep = ih.absorption(model, schedule="random", tie="keep").fixed_points
    up = ih.absorption(model, schedule="random", tie="up").fixed_points
    assert {tuple(s) for s in ih.state_spins(keep, 3)} == {(1, 1, 1), (1, 1, -1), (-1, -1, -1), (-1, -1, 1)}
    assert {tuple(s) for s in ih.state_spins(up, 3)} == {(1, 1, 1), (-1, -1, 1)}


@pytest.mark.statistical
@pytest.mark.parametrize("schedule", ["random", "permutation"])
def test_absorption_probabilities_against_relax(schedule):
    # one start, 4000 independent relaxations: end-state counts against the exact absorption probabilities (chi^2);
    # power: the same counts against probabilities moved by 20 % between the two likeliest ends are rejected
    import scipy.stats

    xi = ih.random_patterns(3, 9, rng=82)
    model = ih.hebbian(xi)
    exact = ih.absorption(model, schedule=schedule, tie="keep")
    start = int(np.argmax((exact.probabilities > 0.05).sum(axis=1)))  # a start with several likely ends
    p = exact.probabilities[start]
    runs = 4000
    final = ih.relax(model, np.repeat(ih.state_spins(start, 9), runs, axis=0), schedule=schedule, rng=83)
    ends = ih.state_index(final.spins)
    index = {int(c[0]): k for k, c in enumerate(exact.attractors)}
    counts = np.bincount([index[int(e)] for e in ends], minlength=len(p))
    likely = p > 0
    assert counts[~likely].sum() == 0
    assert scipy.stats.chisquare(counts[likely], runs * p[likely]).pvalue > 1e-4
    moved = p.copy()
    first, second = np.argsort(-p)[:2]
    moved[first], moved[second] = p[first] - 0.2 * p[first], p[second] + 0.2 * p[first]
    assert scipy.stats.chisquare(counts[likely], runs * moved[likely]).pvalue < 1e-4
    # expected sweeps: the mean number the runs took agrees with the exact mean time to absorption within 5 sigma
    if schedule == "permutation":
        sweeps = final.sweeps  # sweeps in which the state changed: those until absorption
        assert abs(sweeps.mean() - exact.sweeps[start]) < 5 * sweeps.std() / np.sqrt(runs)


def test_layered_absorption_equals_the_fundamental_matrix():
    # the direct dense solve (I - Q)^-1 R and (I - Q)^-1 1 on nets with closed classes larger than one state
    xi = ih.random_patterns(2, 7, rng=84)
    for schedule, tie in [("random", "flip"), ("random", "random"), ("synchronous", "random"), ("sequential", "up")]:
        model = ih.hebbian(xi)
        found = ih.absorption(model, schedule=schedule, tie=tie)
        P = ih.transition_matrix(model, schedule=schedule, tie=tie).toarray()
        closed = np.concatenate(found.attractors)
        transient = np.setdiff1d(np.arange(len(P)), closed)
        R = np.column_stack([P[np.ix_(transient, c)].sum(axis=1) for c in found.attractors])
        fundamental = np.linalg.inv(np.eye(len(transient)) - P[np.ix_(transient, transient)])
        np.testing.assert_allclose(found.probabilities[transient], fundamental @ R, atol=1e-12)
        np.testing.assert_allclose(found.steps[transient], fundamental.sum(axis=1), rtol=1e-12)
