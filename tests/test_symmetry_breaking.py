"""Symmetry breaking by θ: the study's quick run and its library pieces against exact results.

References are independent of the code under test: exact enumeration and
transition graphs (a separate implementation of the zero-T dynamics), the
binomial Curie-Weiss sums, the mirror symmetry s -> -s, and the closed-form
mean-field spinodal.
"""

import numpy as np
import pytest

import isinghop as ih
from isinghop.theory.meanfield import curie_weiss_finite, curie_weiss_spinodal
from isinghop.testing import assert_study_dataset
from isinghop.exact.transitions import transition_graph
from conftest import run_quick


MEMBERS = ("exact_mirror", "tie_rules", "curie_weiss_field", "hysteresis", "finite_size", "hopfield_field",
           "biased_patterns")


def test_the_group_runs_its_members():
    assert ih.runtime.study_groups()["symmetry_breaking"] == MEMBERS
    with pytest.raises(ValueError, match="a group of studies"):
        ih.load_study("symmetry_breaking")


@pytest.mark.slow
@pytest.mark.parametrize("name", MEMBERS)
def test_each_member_meets_the_study_contract_and_draws_at_most_two_panels(quick_stores, name):
    dataset = run_quick(quick_stores, name)
    assert_study_dataset(dataset)
    figure = ih.load_study(name).plot(dataset)
    assert 1 <= len([ax for ax in figure.axes if ax.has_data()]) <= 2
    assert figure.get_figwidth() <= 6.5  # the paper's text width: printed at least at its own size


@pytest.mark.slow
def test_mirror_basins_are_equal_at_zero_field_and_the_mirror_symmetry_holds(quick_stores):
    quick = run_quick(quick_stores, "exact_mirror")
    gap = quick["basin"].sel(target="xi") - quick["basin"].sel(target="mirror")
    # keep and flip commute with s -> -s: the basins of xi and -xi are equal without a field
    assert float(abs(gap.sel(theta_N=0.0, tie=["keep", "flip"])).max()) < 1e-12
    # up and down are infinitesimal fields: equal basins where parity forbids zero fields (P(N - 1) odd) ...
    no_ties = (quick["n_patterns"] * (quick["n_sites"] - 1)) % 2 == 1
    assert bool(no_ties.any()) and float(abs(gap.sel(theta_N=0.0).where(no_ties, 0.0)).max()) < 1e-12
    # ... and unequal on the single-pattern net with N odd, where zero fields occur
    mattis = gap.sel(theta_N=0.0, tie="up", n_patterns=1, n_sites=11)
    assert float(abs(mattis).min()) >= 2.0**-11  # basins are counts of the 2^N starts: at least one start
    # s -> -s maps (theta, up) to (-theta, down) and keep/flip to themselves: exact antisymmetry in theta
    reflected = gap.sel(theta_N=-quick["theta_N"].values).assign_coords(theta_N=quick["theta_N"].values)
    flipped_tie = reflected.sel(tie=["keep", "flip", "down", "up"]).assign_coords(tie=["keep", "flip", "up", "down"])
    assert float(abs(gap + flipped_tie).max()) < 1e-12
    # a field of one quantum (theta = 1/N) along the pattern breaks the symmetry of the single-pattern nets (a
    # uniform one need not: it cannot tell xi from -xi when sum_i xi_i = 0)
    assert float(abs(gap.sel(theta_N=1.0, tie="keep", n_patterns=1, field_kind="pattern")).min()) >= 2.0**-12


@pytest.mark.slow
def test_tie_rules_are_infinitesimal_fields_edge_for_edge(quick_stores):
    quick = run_quick(quick_stores, "tie_rules")
    zero = quick["zero_fields"]
    assert int(zero.sum()) >= 10  # nets on which the tie rule matters
    assert bool(quick["graphs_identical"].where(zero, True).all()) and int(quick["graph_edges"].min()) > 0
    # a local field is a sum of P(N - 1) terms ±1/N: zero fields need P(N - 1) even
    assert not bool((zero & ((quick["n_patterns"] * (quick["n_sites"] - 1)) % 2 == 1)).any())


@pytest.mark.slow
@pytest.mark.statistical
def test_binder_crossing_and_susceptibility_peaks_against_the_binomial_sums(quick_stores):
    from isinghop.studies.symmetry_breaking import binder_crossing

    quick = run_quick(quick_stores, "finite_size")
    mean, error = ih.stats.disorder_average(quick["peak_T"], replica_dim=None)
    assert float(error.max()) < 0.01 and bool((abs(mean - quick["peak_T_exact"]) < 4 * error).all())
    small, large = quick["n_sites"].values
    crossing = binder_crossing(quick, small, large)
    assert crossing.error < 0.01
    assert abs(crossing.value - float(quick["crossing_T_exact"].sel(n_sites=small))) < 4 * crossing.error


@pytest.mark.slow
@pytest.mark.statistical
def test_paramagnetic_curie_weiss_overlap_against_the_binomial_sums(quick_stores):
    # T = 1.5: m relaxes at rate 1 - 1/T per sweep, so 2 tau_int <= 2/(1 - 1/T) + 1 = 7 sweeps; the error of
    # the mean over sweeps x samples records is sqrt(var(m) 2 tau_int / records), var(m) from the binomial sums
    quick = run_quick(quick_stores, "curie_weiss_field")
    T, records = 1.5, quick.attrs["fixed_sweeps"] * quick.sizes["sample"]
    for n in quick["n_sites"].values:
        exact = curie_weiss_finite(int(n), T, quick["field"].values)
        error = np.sqrt((exact.magnetisation_2 - exact.magnetisation**2) * (2 / (1 - 1 / T) + 1) / records)
        measured = quick["overlap"].sel(n_sites=n, T=T).mean("sample")
        for start in ("xi", "mirror"):
            assert np.all(np.abs(measured.sel(start=start) - exact.magnetisation) < 5 * error), (n, start)


@pytest.mark.slow
def test_coercive_field_limits_and_field_selection(quick_stores):
    hysteresis = run_quick(quick_stores, "hysteresis")
    h_c = hysteresis["coercive_field"].mean(("direction", "sample"))
    fast, slow = hysteresis["sweeps_per_field"].values.min(), hysteresis["sweeps_per_field"].values.max()
    # at fixed N a slower sweep lets the system nucleate earlier; at a fixed rate a larger N holds out longer
    assert bool((h_c.sel(sweeps_per_field=slow) < h_c.sel(sweeps_per_field=fast)).all())
    assert float(h_c.sel(sweeps_per_field=slow).diff("n_sites").min()) > 0
    # P > 1 at T = 0: a cue near -xi^1 stays at -xi^1 without a field and goes to xi^1 in a strong one
    hopfield = run_quick(quick_stores, "hopfield_field")
    fraction = hopfield["fraction"].sel(start="mirror_cue", T=0.0).mean("sample")
    assert float(fraction.sel(field=0.0, state_class="mirror_xi1")) >= 0.9
    assert float(fraction.sel(field=1.0, state_class="xi1")) == 1.0
    # biased patterns: without a threshold Hebb loses a = 0.6 patterns; the covariance rule's best threshold is
    # negative (the signal is (1 - a)(1 - a^2) on +1 sites and -(1 + a)(1 - a^2) on -1 sites), Hebb's positive
    biased = run_quick(quick_stores, "biased_patterns")
    best = biased["best_theta"].mean("sample")
    assert bool((best.sel(learning_rule="covariance_rule", bias=[0.2, 0.4, 0.6]) < 0).all())
    assert bool((best.sel(learning_rule="hebbian", bias=[0.4, 0.6]) > 0).all())
    recall_at_zero = biased["recall_named"].sel(learning_rule="hebbian", bias=0.6, named_theta="mean_field_constant")
    assert float(recall_at_zero.mean()) < 0.5


def test_basin_fractions_against_transition_graphs():
    rng = np.random.default_rng(71)
    for P, N in [(1, 7), (2, 7), (3, 6)]:
        xi = ih.random_patterns(P, N, rng=rng)
        model = ih.hebbian(xi).with_field(theta=0.3 / N * xi[0])
        for schedule in ("synchronous", "sequential"):
            for tie in ("keep", "up", "down", "flip"):
                graph = transition_graph(model, schedule=schedule, tie=tie)
                expected = []
                for target in (xi[0], -xi[0]):
                    index = ih.state_index(target)
                    attractor = graph.graph["attractors"].index((index,)) if (index,) in graph.graph["attractors"] else None
                    expected.append(0 if attractor is None else graph.graph["basin_sizes"][attractor] / 2**N)
                found = ih.basin_fractions(model, np.array([xi[0], -xi[0]]), schedule=schedule, tie=tie)
                np.testing.assert_allclose(found, expected, atol=1e-15, err_msg=f"{schedule} {tie}")
    with pytest.raises(ValueError, match="schedule"):
        ih.basin_fractions(model, xi[:1], schedule="random")
    with pytest.raises(ValueError, match="tie"):
        ih.basin_fractions(model, xi[:1], schedule="sequential", tie="random")
    with pytest.raises(TypeError, match="schedule"):  # no default: the two deterministic schedules differ
        ih.basin_fractions(model, xi[:1])


def test_covariance_rule_against_its_formula_and_against_hebb_on_biased_patterns():
    xi = ih.random_patterns(6, 80, bias=0.5, rng=72)
    for activity, self_coupling in [(None, False), (0.5, False), (np.linspace(0.1, 0.6, 6), True)]:
        a = xi.mean(axis=1) if activity is None else np.broadcast_to(activity, (6,))
        centred = xi - a[:, None]
        J = centred.T @ centred / 80
        if not self_coupling:
            np.fill_diagonal(J, 0.0)
        model = ih.covariance_rule(xi, activity, self_coupling=self_coupling)
        spins = ih.random_spins(4, 80, rng=73)
        np.testing.assert_allclose(ih.local_fields(model, spins), spins @ J, atol=1e-12)
    # a = 0.6, alpha = 0.05: Hebb's ferromagnetic part (P a^3 ~ 4 against a signal of 1) drags recall away,
    # the covariance rule keeps the pattern a fixed point (Tsodyks & Feigel'man)
    xi = ih.random_patterns(20, 400, bias=0.6, rng=74)
    hebb = ih.relax(ih.hebbian(xi), xi[0], schedule="sequential").spins
    covariance = ih.relax(ih.covariance_rule(xi, 0.6).with_field(theta=-0.6 * (1 - 0.36)), xi[0],
                          schedule="sequential").spins
    assert np.mean(hebb == xi[0]) < 0.9 and np.mean(covariance == xi[0]) > 0.99
    with pytest.raises(ValueError, match="activity"):
        ih.covariance_rule(xi, 1.5)
    with pytest.raises(ValueError, match="activity"):
        ih.covariance_rule(xi, [0.1, 0.2])


@pytest.mark.statistical
def test_a_field_sweep_holds_the_metastable_branch_out_to_the_spinodal():
    # N = 3000, T = 0.5: nucleation over a barrier ~ N needs far longer than the sweep, so the branch lives until the
    # spinodal; a rate of 5e-4 per sweep lags by (rate tau)^(2/3) ~ 0.01 beyond it (tau ~ 10 sweeps there)
    n, T = 3000, 0.5
    xi = ih.random_patterns(1, n, rng=75)
    fields = np.arange(-0.4, 0.4001, 0.005)
    up = ih.sweep_field(ih.hebbian(xi), np.repeat(-xi, 4, axis=0), T=T, fields=fields, sweeps_per_field=10,
                        along=xi[0], rng=76)
    h_sp = float(curie_weiss_spinodal(T)[1])
    coercive = up.coercive_fields()
    assert up.rate == pytest.approx(5e-4)
    assert np.all((coercive > h_sp - 0.01) & (coercive < h_sp + 0.03)), (coercive, h_sp)
    with pytest.raises(ValueError, match="fields: expected evenly spaced"):
        ih.sweep_field(ih.hebbian(xi), xi, T=T, fields=[0.0, 0.1, 0.3])
    with pytest.raises(ValueError, match="T: expected a finite number >= 0"):
        ih.sweep_field(ih.hebbian(xi), xi, T=-0.5, fields=fields)


@pytest.mark.parametrize("rule", ["metropolis", "glauber"])
def test_a_zero_temperature_field_sweep_jumps_exactly_at_the_spinodal_both_ways(rule):
    # One Hebbian pattern on N sites: in the state -ξ every site feels ξ_i (field - (N-1)/N), so at T = 0 nothing moves
    # until the field passes (N-1)/N, where the first flip sets off all the others within the sweep (the T = 0
    # spinodal of Curie-Weiss at finite N); the way back jumps at -(N-1)/N. The burn-in sweep carries the jump.
    n = 50
    xi = ih.random_patterns(1, n, rng=79)
    fields = np.round(np.linspace(-1.5, 1.5, 31), 12)
    model = ih.hebbian(xi)
    up = ih.sweep_field(model, -xi[0], T=0.0, fields=fields, sweeps_per_field=2, burn_in=1, along=xi[0], rule=rule,
                        rng=80)
    back = ih.sweep_field(model, up, T=0.0, fields=fields[::-1], sweeps_per_field=2, burn_in=1, along=xi[0],
                          rule=rule)
    edge = (n - 1) / n
    np.testing.assert_array_equal(up.order_parameter, np.where(fields > edge, 1.0, -1.0))
    np.testing.assert_array_equal(back.order_parameter, np.where(fields[::-1] < -edge, -1.0, 1.0))
    assert up.rate == pytest.approx(0.1 / 3)
    with pytest.raises(ValueError, match="rng: a FieldSweep continues"):
        ih.sweep_field(model, up, T=0.0, fields=fields, rng=1)


def test_field_sweep_of_one_replica_and_bad_directions():
    xi = ih.random_patterns(2, 50, rng=77)
    sweep = ih.sweep_field(ih.hebbian(xi[:1]), -xi[0], T=0.5, fields=np.linspace(-0.6, 0.6, 25), along=xi[0], rng=78)
    assert np.ndim(sweep.coercive_fields()) == 0 and 0 < sweep.coercive_fields() < 0.6
    with pytest.raises(ValueError, match="along: expected one"):
        ih.sweep_field(ih.hebbian(xi), xi[0], T=0.5, fields=[0.0, 0.1], along=xi)
