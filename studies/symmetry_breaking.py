"""Symmetry breaking by the field θ = −h: every memory ξ comes with its mirror −ξ until a field picks one.

At h = 0 the Hamiltonian ``H = −½ Σ J_ij s_i s_j`` is invariant under s → −s,
so a stored pattern ξ and its mirror −ξ are equally good memories. A field
(uniform, or along ξ) breaks the symmetry, and so, at T = 0, does the tie
rule ``up`` (``s = +1 if φ ≥ θ``), which acts as an infinitesimal field.
The study's sections (each one grid point, computed independently):

* ``exact`` — small Hebbian nets (N ≤ 13, P = 1–3) by enumeration: the
  Boltzmann probabilities of m₁ > 0 and m₁ < 0 as θ runs through zero, and
  the zero-T basin sizes of ξ and −ξ for the deterministic schedules and
  tie rules. Zero fields can occur only when P(N − 1) is even.
* ``ties`` — on random integer nets, the zero-T transition graph under tie
  ``up`` at h = 0 against tie ``keep`` at h = +ε (ε below the smallest
  nonzero |φ|), and ``down`` against h = −ε, for every schedule.
* ``magnetisation`` — the Curie–Weiss (single-pattern Mattis) model by
  Monte Carlo: m(h) at several T from both mirror states, against the
  mean-field branches and the exact finite-N average.
* ``hysteresis`` — field sweeps up and down at T = 0.5: the coercive field
  against the spinodal h_sp(T) for several N and sweep rates.
* ``finite_size`` — multi-histogram reweighting near T_c = 1: the
  susceptibility peak and Binder cumulant of several N, the crossings of
  neighbouring sizes, beside the exact binomial curves.
* ``hopfield`` — P > 1: a field along ξ¹ selects ξ¹ over −ξ¹; the classes of
  the final states from random starts and from a cue near −ξ¹, against h.
* ``biased`` — patterns of mean activity a: recall quality against a
  uniform θ for Hebb's and the covariance rule, with θ = 0, the mean-field
  threshold and the best θ found by scanning.
"""

import numpy as np
import scipy.optimize
import xarray as xr

import isinghop as ih
from isinghop.runtime import labelled
from isinghop.theory.meanfield import curie_weiss, curie_weiss_finite, curie_weiss_spinodal
from isinghop.observables import classify_states
from isinghop.stats.reweighting import binder_crossing, histograms

SECTIONS = ("exact", "ties", "magnetisation", "hysteresis", "finite_size", "hopfield", "biased")

QUICK = ih.Config(
    grid={"section": SECTIONS},
    fixed={
        "exact_nets": [[1, 12], [1, 13], [2, 12], [3, 12]], "exact_T": 0.5, "exact_theta_N": [-1, -0.5, 0, 0.5, 1],
        "tie_nets": 20, "tie_sites": [4, 7],
        "cw_sites": [100, 400], "cw_T": [0.5, 0.8, 1.0, 1.5], "cw_h": 9, "cw_h_max": 0.3, "cw_replicas": 4, "cw_sweeps": 300,
        "hys_T": 0.5, "hys_sites": [100, 400], "hys_sweeps_per_field": [1, 10], "hys_step": 0.01, "hys_h_max": 0.4,
        "hys_replicas": 4,
        "fss_sites": [64, 256], "fss_x": [-2.5, -1.5, -0.5, 0.5], "fss_replicas": 2, "fss_sweeps": 10000,
        "hop_sites": 200, "hop_alpha": 0.05, "hop_T": [0.0, 0.3], "hop_h": [-0.2, 0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0],
        "hop_samples": 3, "hop_replicas": 16, "hop_noise": 0.2, "hop_sweeps": 100,
        "bias_sites": 400, "bias_a": [0.0, 0.2, 0.4, 0.6], "bias_alpha": [0.02, 0.05], "bias_theta": 31,
        "bias_samples": 3, "bias_replicas": 8, "bias_noise": 0.1,
    },
    description="7 sections at N <= 400: about 30 s",
)
FULL = ih.Config(
    grid={"section": SECTIONS},
    fixed={
        "exact_nets": [[1, 12], [1, 13], [2, 12], [2, 13], [3, 12], [3, 13]], "exact_T": 0.5,
        "exact_theta_N": [-2, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 2],
        "tie_nets": 40, "tie_sites": [5, 9],
        "cw_sites": [100, 1000, 10000], "cw_T": [0.5, 0.8, 1.0, 1.5], "cw_h": 17, "cw_h_max": 0.3, "cw_replicas": 4,
        "cw_sweeps": 300,
        "hys_T": 0.5, "hys_sites": [100, 1000, 10000], "hys_sweeps_per_field": [1, 10, 100], "hys_step": 0.0025,
        "hys_h_max": 0.35, "hys_replicas": 8,
        "fss_sites": [100, 316, 1000, 3162, 10000], "fss_x": [-2.5, -1.75, -1.0, -0.25, 0.5], "fss_replicas": 2,
        "fss_sweeps": 30000,
        "hop_sites": 1000, "hop_alpha": 0.05, "hop_T": [0.0, 0.2, 0.4],
        "hop_h": [-0.2, 0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0], "hop_samples": 6, "hop_replicas": 16,
        "hop_noise": 0.2, "hop_sweeps": 200,
        "bias_sites": 1000, "bias_a": [0.0, 0.2, 0.4, 0.6], "bias_alpha": [0.01, 0.03, 0.05], "bias_theta": 81,
        "bias_samples": 8, "bias_replicas": 16, "bias_noise": 0.1,
    },
    description="7 sections up to N = 10^4: the paper's figures",
)

TIES = ("keep", "flip", "up", "down")
DETERMINISTIC = ("synchronous", "sequential")
FIELD_KINDS = ("uniform", "pattern")
CLASSES = ("xi1", "mirror_xi1", "other_pattern", "mixture", "spin_glass", "paramagnet", "other")


def _net(P, N, seed):
    return ih.random_patterns(P, N, rng=seed)


# --- sections ---------------------------------------------------------------------------------------------------


def _exact(fixed, disorder, thermal):
    nets, T = fixed["exact_nets"], fixed["exact_T"]
    theta_N = np.asarray(fixed["exact_theta_N"], dtype=np.float64)
    p_up = np.empty((len(nets), len(FIELD_KINDS), len(theta_N)))
    p_down = np.empty_like(p_up)
    basin = np.empty((len(nets), len(DETERMINISTIC), len(TIES), len(FIELD_KINDS), len(theta_N), 2))
    for k, ((P, N), seed) in enumerate(zip(nets, disorder.spawn(len(nets)))):
        xi = _net(P, N, seed)
        model = ih.hebbian(xi)
        m1 = ih.state_spins(np.arange(2**N), N) @ xi[0].astype(np.int64) / N
        for f, kind in enumerate(FIELD_KINDS):
            direction = np.ones(N) if kind == "uniform" else xi[0].astype(np.float64)
            for t, theta in enumerate(theta_N / N):
                tilted = model.with_field(theta=theta * direction)
                weights = ih.boltzmann(tilted, T=T)
                p_up[k, f, t], p_down[k, f, t] = weights[m1 > 0].sum(), weights[m1 < 0].sum()
                for s, schedule in enumerate(DETERMINISTIC):
                    for r, tie in enumerate(TIES):
                        basin[k, s, r, f, t] = ih.basin_fractions(tilted, np.array([xi[0], -xi[0]]),
                                                                  schedule=schedule, tie=tie)
    nets = np.asarray(nets)
    ties_possible = (nets[:, 0] * (nets[:, 1] - 1)) % 2 == 0
    coords = {
        "net": labelled("net", np.arange(len(nets)), "1", "exact net", "a small Hebbian net (P, N) with random patterns"),
        "net_patterns": labelled("net", nets[:, 0], "1", "P", "stored patterns of the net"),
        "net_sites": labelled("net", nets[:, 1], "1", "N", "sites of the net"),
        "net_ties_possible": labelled("net", ties_possible, "1", "zero fields possible",
                                "P(N - 1) even: a local field can vanish"),
        "exact_schedule": labelled("exact_schedule", list(DETERMINISTIC), "1", "schedule", "deterministic zero-T schedule"),
        "tie": labelled("tie", list(TIES), "1", "tie rule", "update of a spin whose local field is zero"),
        "field_kind": labelled("field_kind", list(FIELD_KINDS), "1", "field direction",
                         "uniform: theta_i = theta; pattern: theta_i = theta xi^1_i"),
        "theta_N": labelled("theta_N", theta_N, "energy", "N theta", "threshold times N (1/N is the field quantum)"),
        "target": labelled("target", ["xi", "mirror"], "1", "target state", "the pattern xi^1 or its mirror -xi^1"),
    }
    return xr.Dataset({
        "boltzmann_plus": labelled(("net", "field_kind", "theta_N"), p_up, "1", "P(m1 > 0)",
                             f"exact Boltzmann probability of a positive overlap with xi^1 at T = {T}"),
        "boltzmann_minus": labelled(("net", "field_kind", "theta_N"), p_down, "1", "P(m1 < 0)",
                              f"exact Boltzmann probability of a negative overlap with xi^1 at T = {T}"),
        "basin": labelled(("net", "exact_schedule", "tie", "field_kind", "theta_N", "target"), basin, "1", "basin size",
                    "fraction of all 2^N starts whose zero-T dynamics converges to the target"),
    }, coords=coords)


def _smallest_field(model):
    """Smallest nonzero |φ_i| over all states and sites (exact: integer numerators over N)."""
    n = model.n_sites
    raw = model.couplings.raw_fields(ih.state_spins(np.arange(2**n), n))
    nonzero = np.abs(raw[raw != 0])
    return nonzero.min() / model.couplings.scale


def _edges(graph):
    return {(a, b): tuple(sorted(data.items())) for a, b, data in graph.edges(data=True)}


def _ties(fixed, disorder, thermal):
    from isinghop.exact.transitions import transition_graph
    from isinghop.vocabulary import SCHEDULES

    count, (low, high) = fixed["tie_nets"], fixed["tie_sites"]
    rng = np.random.default_rng(disorder)
    same = np.zeros((count, len(SCHEDULES), 2), dtype=bool)
    edges = np.zeros((count, len(SCHEDULES), 2), dtype=np.int64)
    shapes = np.zeros((count, 2), dtype=np.int64)
    for k in range(count):
        while True:  # a net on which zero fields occur: P(N - 1) even
            N, P = int(rng.integers(low, high + 1)), int(rng.integers(1, 4))
            if P * (N - 1) % 2 == 0:
                break
        model = ih.hebbian(ih.random_patterns(P, N, rng=rng))
        epsilon = 0.5 * _smallest_field(model)
        shapes[k] = P, N
        for s, schedule in enumerate(SCHEDULES):
            for d, (tie, sign) in enumerate((("up", 1.0), ("down", -1.0))):
                tied = _edges(transition_graph(model, schedule=schedule, tie=tie))
                tilted = _edges(transition_graph(model.with_field(h=sign * epsilon), schedule=schedule, tie="keep"))
                same[k, s, d] = tied == tilted
                edges[k, s, d] = len(tied)
    coords = {
        "tie_net": labelled("tie_net", np.arange(count), "1", "random net", "a random Hebbian net with possible zero fields"),
        "tie_net_patterns": labelled("tie_net", shapes[:, 0], "1", "P", "stored patterns"),
        "tie_net_sites": labelled("tie_net", shapes[:, 1], "1", "N", "sites"),
        "graph_schedule": labelled("graph_schedule", list(SCHEDULES),
                                   "1", "schedule", "what one step of the transition graph is"),
        "tie_sign": labelled("tie_sign", ["up", "down"],
                             "1", "tie rule", "up at h = 0 against keep at +eps; down against keep at -eps"),
    }
    return xr.Dataset({
        "graphs_identical": labelled(("tie_net", "graph_schedule", "tie_sign"), same, "1", "graphs identical",
                               "the tie-rule graph at h = 0 equals the keep graph at h = +-eps, edge for edge "
                               "(targets, probabilities and unit labels)"),
        "graph_edges": labelled(("tie_net", "graph_schedule", "tie_sign"), edges, "1", "edges compared",
                          "edges of the transition graph"),
    }, coords=coords)


def _mattis(n, seed):
    xi = ih.random_patterns(1, n, rng=seed)
    return xi, ih.hebbian(xi)


def _magnetisation(fixed, disorder, thermal):
    sizes, temperatures = fixed["cw_sites"], np.asarray(fixed["cw_T"], dtype=np.float64)
    fields = np.linspace(-fixed["cw_h_max"], fixed["cw_h_max"], fixed["cw_h"])
    replicas, sweeps = fixed["cw_replicas"], fixed["cw_sweeps"]
    mean = np.empty((len(sizes), 2, len(temperatures), len(fields)))
    error = np.empty_like(mean)
    streams = thermal.spawn(len(sizes))
    for k, (n, seed) in enumerate(zip(sizes, disorder.spawn(len(sizes)))):
        xi, model = _mattis(n, seed)
        runs = streams[k].spawn(len(fields))
        for j, h in enumerate(fields):
            starts = np.concatenate([np.repeat(xi, replicas * len(temperatures), axis=0),
                                     np.repeat(-xi, replicas * len(temperatures), axis=0)])
            T = np.tile(np.repeat(temperatures, replicas), 2)
            chain = ih.sample(model.with_field(h=h * xi[0]), starts, T=T, sweeps=sweeps, burn_in=sweeps,
                              record="overlaps", rng=runs[j])
            m = chain.overlaps[:, :, 0].mean(axis=1).reshape(2, len(temperatures), replicas)
            mean[k, :, :, j], error[k, :, :, j], _ = ih.stats.sample_mean_error(m)
    branches = curie_weiss(temperatures[:, None], fields[None, :])
    exact = np.stack([curie_weiss_finite(n, temperatures[:, None], fields[None, :]).magnetisation for n in sizes])
    coords = {
        "cw_sites": labelled("cw_sites", sizes, "1", "N", "sites of the Curie-Weiss (single-pattern) model"),
        "cw_start": labelled("cw_start", ["xi", "mirror"], "1", "start", "chains started in xi or in -xi"),
        "cw_T": labelled("cw_T", temperatures, "energy", "temperature", "Metropolis temperature; T_c = 1"),
        "cw_h": labelled("cw_h", fields, "energy", "field h", "field along the pattern, h_i = h xi_i"),
        "branch": labelled("branch", np.arange(3),
                           "1", "branch", "solutions of m = tanh((m + h)/T), ascending (NaN where absent)"),
    }
    return xr.Dataset({
        "cw_overlap": labelled(("cw_sites", "cw_start", "cw_T", "cw_h"), mean, "1", "overlap m",
                         f"overlap with xi averaged over {sweeps} sweeps after {sweeps} of burn-in, mean over replicas"),
        "cw_overlap_error": labelled(("cw_sites", "cw_start", "cw_T", "cw_h"), error, "1", "error of m",
                               f"standard error over {replicas} independent replicas"),
        "cw_exact": labelled(("cw_sites", "cw_T", "cw_h"), exact, "1", "exact <m>",
                       "exact finite-N average by the binomial sum"),
        "cw_branch": labelled(("cw_T", "cw_h", "branch"), branches.m, "1", "mean-field m", "mean-field branch"),
        "cw_branch_stable": labelled(("cw_T", "cw_h", "branch"), branches.stable, "1", "stable",
                               "the branch is a local minimum of the mean-field free energy"),
    }, coords=coords)


def _hysteresis(fixed, disorder, thermal):
    T, sizes, rates = fixed["hys_T"], fixed["hys_sites"], fixed["hys_sweeps_per_field"]
    step, h_max, replicas = fixed["hys_step"], fixed["hys_h_max"], fixed["hys_replicas"]
    up = np.arange(-h_max, h_max + step / 2, step)
    loops = np.empty((len(sizes), len(rates), 2, len(up)))
    coercive = np.empty((len(sizes), len(rates), 2, replicas))
    streams = thermal.spawn(len(sizes) * len(rates))
    for k, (n, seed) in enumerate(zip(sizes, disorder.spawn(len(sizes)))):
        xi, model = _mattis(n, seed)
        for j, sweeps in enumerate(rates):
            rising = ih.sweep_field(model, np.repeat(-xi, replicas, axis=0), T=T, fields=up, sweeps_per_field=sweeps,
                                    along=xi[0], rng=streams[k * len(rates) + j])
            falling = ih.sweep_field(model, rising.spins, T=T, fields=up[::-1], sweeps_per_field=sweeps, along=xi[0],
                                     rng=rising.rng_state)
            loops[k, j, 0], loops[k, j, 1] = rising.order_parameter.mean(axis=0), falling.order_parameter.mean(axis=0)[::-1]
            coercive[k, j, 0], coercive[k, j, 1] = rising.coercive_fields(), -falling.coercive_fields()
    m_sp, h_sp = curie_weiss_spinodal(T)
    coords = {
        "hys_sites": labelled("hys_sites", sizes, "1", "N", "sites of the Curie-Weiss model"),
        "hys_rate": labelled("hys_rate", step / np.asarray(rates, dtype=np.float64), "energy/sweep", "sweep rate",
                       "field change per Monte Carlo sweep, |dh| / sweeps per field step"),
        "direction": labelled("direction", ["up", "down"], "1", "branch", "field rising from -h_max, or falling from +h_max"),
        "hys_h": labelled("hys_h", up, "energy", "field h", "field along the pattern"),
        "hys_replica": labelled("hys_replica", np.arange(replicas), "1", "replica", "independent chain"),
    }
    return xr.Dataset({
        "hys_overlap": labelled(("hys_sites", "hys_rate", "direction", "hys_h"), loops, "1", "overlap m",
                          f"overlap with xi at T = {T} averaged over each field step, mean over replicas"),
        "coercive_field": labelled(("hys_sites", "hys_rate", "direction", "hys_replica"), coercive, "energy",
                             "coercive field", "|h| where the overlap changes sign on the branch (down: sign flipped)"),
        "spinodal_field": labelled((), h_sp, "energy", "h_sp", f"mean-field coercive field at T = {T}: m_sp - T artanh m_sp"),
        "spinodal_overlap": labelled((), m_sp, "1", "m_sp", f"mean-field spinodal overlap at T = {T}: sqrt(1 - T)"),
    }, coords=coords)


def _exact_crossing(small, large, near):
    """The exact crossing of the binomial U4 curves of two sizes, bracketed around ``near``."""
    def gap(T):
        return float(curie_weiss_finite(small, T).binder - curie_weiss_finite(large, T).binder)
    T = scipy.optimize.brentq(gap, near - 0.3, min(near + 0.3, 1.5), xtol=1e-12)
    return T, float(curie_weiss_finite(small, T).binder)


def _finite_size(fixed, disorder, thermal):
    sizes, x = fixed["fss_sites"], np.asarray(fixed["fss_x"], dtype=np.float64)
    replicas, sweeps = fixed["fss_replicas"], fixed["fss_sweeps"]
    grid_x = np.linspace(x.min(), x.max(), 41)
    hists, curves = [], {name: np.empty((len(sizes), len(grid_x))) for name in
                         ("binder", "binder_error", "susceptibility", "susceptibility_error")}
    peak = np.empty((len(sizes), 4))
    exact_peak = np.empty(len(sizes))
    streams = thermal.spawn(len(sizes))
    for k, (n, seed) in enumerate(zip(sizes, disorder.spawn(len(sizes)))):
        xi, model = _mattis(n, seed)
        T = np.repeat(1.0 + x / np.sqrt(n), replicas)
        chain = ih.sample(model, np.repeat(xi, len(T), axis=0), T=T, sweeps=sweeps, burn_in=sweeps // 10,
                          record=("energy_per_spin", "overlaps"), rng=streams[k])
        hist = histograms(chain.energy_per_spin, chain.overlaps[:, :, 0], T=T, n_sites=n)
        hists.append(hist)
        result = hist.reweight(1.0 + grid_x / np.sqrt(n))
        for name in curves:
            curves[name][k] = getattr(result, name)
        found = hist.susceptibility_peak(T.min(), T.max())
        peak[k] = found.T, found.T_error, found.height, found.height_error
        fine = np.linspace(T.min(), T.max(), 20001)
        exact_peak[k] = fine[np.argmax(curie_weiss_finite(n, fine).susceptibility)]
    exact_curves = np.stack([[getattr(curie_weiss_finite(n, 1.0 + grid_x / np.sqrt(n)), name) for n in sizes]
                             for name in ("binder", "susceptibility")])
    pairs = list(zip(sizes[:-1], sizes[1:]))
    crossing = np.empty((len(pairs), 4))
    exact_crossing = np.empty((len(pairs), 2))
    for p, (small, large) in enumerate(zip(hists[:-1], hists[1:])):
        low = max(small.states[:, 0].min(), large.states[:, 0].min())
        high = min(small.states[:, 0].max(), large.states[:, 0].max())
        found = binder_crossing(small, large, low, high)
        crossing[p] = found.T, found.T_error, found.binder, found.binder_error
        exact_crossing[p] = _exact_crossing(*pairs[p], found.T)
    coords = {
        "fss_sites": labelled("fss_sites", sizes, "1", "N", "sites of the Curie-Weiss model"),
        "fss_x": labelled("fss_x", grid_x,
                          "1", "(T - 1) sqrt(N)", "scaled distance from T_c = 1 (mean-field finite-size scaling)"),
        "pair": labelled("pair", np.arange(len(pairs)), "1", "size pair", "neighbouring sizes whose Binder cumulants cross"),
        "pair_small": labelled("pair", [a for a, _ in pairs], "1", "smaller N", "the smaller size of the pair"),
        "pair_large": labelled("pair", [b for _, b in pairs], "1", "larger N", "the larger size of the pair"),
    }
    what = f"multi-histogram reweighting of {len(x)} temperatures x {replicas} replicas, {sweeps} sweeps each"
    return xr.Dataset({
        "fss_binder": labelled(("fss_sites", "fss_x"), curves["binder"], "1", "U4", f"Binder cumulant, {what}"),
        "fss_binder_error": labelled(("fss_sites", "fss_x"), curves["binder_error"], "1", "error of U4", "jackknife error"),
        "fss_susceptibility": labelled(("fss_sites", "fss_x"), curves["susceptibility"], "1/energy", "chi",
                                 f"chi = N (<m^2> - <|m|>^2)/T, {what}"),
        "fss_susceptibility_error": labelled(("fss_sites", "fss_x"), curves["susceptibility_error"], "1/energy",
                                       "error of chi", "jackknife error"),
        "fss_binder_exact": labelled(("fss_sites", "fss_x"), exact_curves[0], "1", "exact U4", "binomial sum"),
        "fss_susceptibility_exact": labelled(("fss_sites", "fss_x"), exact_curves[1], "1/energy", "exact chi",
                                       "binomial sum"),
        "chi_peak_T": labelled("fss_sites", peak[:, 0], "energy", "T of the chi peak", "reweighted maximum of chi(T)"),
        "chi_peak_T_error": labelled("fss_sites", peak[:, 1], "energy", "error", "jackknife error of the peak position"),
        "chi_peak_height": labelled("fss_sites", peak[:, 2], "1/energy", "chi at the peak", "reweighted maximum"),
        "chi_peak_height_error": labelled("fss_sites", peak[:, 3], "1/energy", "error", "jackknife error"),
        "chi_peak_T_exact": labelled("fss_sites", exact_peak, "energy", "exact T of the chi peak",
                               "maximum of the binomial chi(T) on a grid of 20001"),
        "crossing_T": labelled("pair", crossing[:, 0], "energy", "Binder crossing T", "reweighted U4 curves cross"),
        "crossing_T_error": labelled("pair", crossing[:, 1], "energy", "error", "jackknife error (blocks of both sizes)"),
        "crossing_binder": labelled("pair", crossing[:, 2], "1", "U4 at the crossing", "reweighted"),
        "crossing_binder_error": labelled("pair", crossing[:, 3], "1", "error", "jackknife error"),
        "crossing_T_exact": labelled("pair", exact_crossing[:, 0], "energy", "exact crossing T", "binomial U4 curves"),
        "crossing_binder_exact": labelled("pair", exact_crossing[:, 1], "1", "exact U4 at the crossing", "binomial sum"),
    }, coords=coords)


def _final_class(spins, xi):
    """Counts of each of ``CLASSES`` among the final states, ξ¹ singled out."""
    found = classify_states(spins, xi)
    first = found.pattern == 0
    labels = np.where(first & (found.kind == "retrieval"), "xi1",
                      np.where(first & (found.kind == "mirror"), "mirror_xi1",
                               np.where(np.isin(found.kind, ["retrieval", "mirror"]), "other_pattern", found.kind)))
    return np.array([np.sum(labels == c) for c in CLASSES]), found.overlaps[:, 0]


def _hopfield(fixed, disorder, thermal):
    n, temperatures, fields = fixed["hop_sites"], fixed["hop_T"], fixed["hop_h"]
    samples, replicas, noise, sweeps = fixed["hop_samples"], fixed["hop_replicas"], fixed["hop_noise"], fixed["hop_sweeps"]
    n_patterns = max(2, int(round(fixed["hop_alpha"] * n)))
    counts = np.zeros((2, len(temperatures), len(fields), samples, len(CLASSES)), dtype=np.int64)
    overlap = np.empty((2, len(temperatures), len(fields), samples))
    for s, (pattern_seed, run_seed) in enumerate(zip(disorder.spawn(samples), thermal.spawn(samples))):
        xi = ih.random_patterns(n_patterns, n, rng=pattern_seed)
        model = ih.hebbian(xi)
        start_seed, cue_seed, *runs = run_seed.spawn(2 + len(temperatures) * len(fields))
        starts = [ih.random_spins(replicas, n, rng=start_seed),
                  ih.flip_fraction(np.repeat(-xi[:1], replicas, axis=0), noise, rng=cue_seed)]
        for t, T in enumerate(temperatures):
            for j, h in enumerate(fields):
                tilted = model.with_field(h=h * xi[0])
                rng = runs[t * len(fields) + j]
                for a, begin in enumerate(starts):
                    if T == 0:
                        final = ih.relax(tilted, begin, schedule="permutation", rng=rng).spins
                    else:
                        final = ih.sample(tilted, begin, T=T, sweeps=sweeps, record=(), rng=rng).spins
                    counts[a, t, j, s], m1 = _final_class(final, xi)
                    overlap[a, t, j, s] = m1.mean()
    coords = {
        "hop_start": labelled("hop_start", ["random", "mirror_cue"], "1", "start",
                        f"random spins, or -xi^1 with a fraction {noise} of its sites flipped"),
        "hop_T": labelled("hop_T", np.asarray(temperatures, dtype=np.float64), "energy", "temperature",
                    f"0: zero-T dynamics (random order); else Metropolis for {sweeps} sweeps"),
        "hop_h": labelled("hop_h", np.asarray(fields, dtype=np.float64), "energy", "field h", "field along xi^1, h_i = h xi^1_i"),
        "hop_sample": labelled("hop_sample", np.arange(samples), "1", "disorder sample", "independent pattern set"),
        "state_class": labelled("state_class", list(CLASSES), "1", "final state",
                          "xi^1, -xi^1, another pattern or its mirror, a symmetric mixture, a spin glass, a paramagnet, "
                          "other (observables.classify_states, default thresholds)"),
    }
    return xr.Dataset({
        "hop_fraction": labelled(("hop_start", "hop_T", "hop_h", "hop_sample", "state_class"), counts / replicas, "1",
                           "fraction of runs", f"fraction of {replicas} replicas ending in each class "
                           f"(P = {n_patterns}, N = {n})"),
        "hop_overlap": labelled(("hop_start", "hop_T", "hop_h", "hop_sample"), overlap, "1", "overlap m1",
                          "final overlap with xi^1, mean over replicas"),
    }, coords=coords)


def _recall(model, cues, xi, theta):
    """Centred overlap ``Σ_i (ξ_i − ā) s_i / (N (1 − ā²))`` after zero-T recall, ā the mean of ξ
    (1: ξ recalled; 0: the uniform majority state)."""
    final = ih.relax(model.with_field(theta=theta), cues, schedule="sequential").spins
    mean = xi.mean()
    centred = (final @ xi.astype(np.int64) - mean * final.sum(axis=1)) / (len(xi) * (1.0 - mean * mean))
    return centred.mean()


def _plateau_centre(theta, recall, tolerance=0.01):
    """Middle of the θ interval where recall is within ``tolerance`` of its maximum (the best θ)."""
    good = theta[recall >= recall.max() - tolerance]
    return 0.5 * (good.min() + good.max())


def _biased(fixed, disorder, thermal):
    n, activities, loads = fixed["bias_sites"], fixed["bias_a"], fixed["bias_alpha"]
    samples, replicas, noise = fixed["bias_samples"], fixed["bias_replicas"], fixed["bias_noise"]
    rules = ("hebbian", "covariance_rule")  # the learning functions' names, as in letters
    offsets = np.linspace(-1.5, 1.5, fixed["bias_theta"])
    shape = (len(rules), len(activities), len(loads), samples)
    scan = np.empty(shape + (len(offsets),))
    named = np.empty(shape + (2,))
    centre, best = np.empty(shape), np.empty(shape)
    seeds = iter(disorder.spawn(len(activities) * len(loads) * samples))
    cue_seeds = iter(thermal.spawn(len(activities) * len(loads) * samples))
    for i, a in enumerate(activities):
        for j, alpha in enumerate(loads):
            n_patterns = max(1, int(round(alpha * n)))
            for s in range(samples):
                xi = ih.random_patterns(n_patterns, n, bias=a, rng=next(seeds))
                cues = ih.flip_fraction(np.repeat(xi[:1], replicas, axis=0), noise, rng=next(cue_seeds))
                for r, model in enumerate((ih.hebbian(xi), ih.covariance_rule(xi, a))):
                    mean_field = a * ih.local_fields(model, np.ones(n, dtype=np.int8))  # θ_i = a Σ_j J_ij
                    index = (r, i, j, s)
                    centre[index] = mean_field.mean()
                    scan[index] = [_recall(model, cues, xi[0], centre[index] + d) for d in offsets]
                    best[index] = centre[index] + _plateau_centre(offsets, scan[index])
                    named[index] = _recall(model, cues, xi[0], mean_field), _recall(model, cues, xi[0], centre[index])
    dims = ("learning_rule", "bias_a", "bias_alpha", "bias_sample")
    coords = {
        "learning_rule": labelled("learning_rule", list(rules), "1", "learning rule",
                   "Hebb: J = xi xi^T / N; covariance: (xi - a)(xi - a)^T / N"),
        "bias_a": labelled("bias_a", np.asarray(activities, dtype=np.float64), "1", "activity a", "mean of every pattern entry"),
        "bias_alpha": labelled("bias_alpha", np.asarray(loads, dtype=np.float64), "1", "load alpha", "P/N"),
        "bias_sample": labelled("bias_sample", np.arange(samples), "1", "disorder sample", "independent pattern set"),
        "theta_offset": labelled("theta_offset", offsets, "energy", "theta - theta_c",
                           "uniform threshold relative to theta_c, the site average of a sum_j J_ij"),
        "named_theta": labelled("named_theta", ["mean_field", "mean_field_constant"], "1", "threshold",
                          "theta_i = a sum_j J_ij (the field of the mean pattern), or its site average theta_c"),
    }
    what = f"centred overlap after sequential zero-T recall from xi^1 with {noise} of its sites flipped, " \
           f"mean over {replicas} cues (1: xi^1 recalled; 0: the uniform majority state)"
    return xr.Dataset({
        "recall_scan": labelled(dims + ("theta_offset",), scan, "1", "recall", what),
        "recall_named": labelled(dims + ("named_theta",), named, "1", "recall", what),
        "theta_centre": labelled(dims, centre, "energy", "theta_c", "site average of a sum_j J_ij"),
        "best_theta": labelled(dims, best, "energy", "best uniform theta",
                         "middle of the scanned theta interval where recall is within 0.01 of its maximum"),
    }, coords=coords)


RUNNERS = {"exact": _exact, "ties": _ties, "magnetisation": _magnetisation, "hysteresis": _hysteresis,
           "finite_size": _finite_size, "hopfield": _hopfield, "biased": _biased}


def run_point(point, fixed, disorder, thermal, checkpoint):
    """The variables of one section (see the module docstring); sections share no variables."""
    return RUNNERS[point["section"]](fixed, disorder, thermal)


# --- figure -----------------------------------------------------------------------------------------------------


def _panel_exact(ax, ds):
    for k in ds["net"].values:
        P, N = int(ds["net_patterns"][k]), int(ds["net_sites"][k])
        for kind, style in zip(FIELD_KINDS, ("-", "--")):
            ax.plot(ds["theta_N"], ds["boltzmann_plus"].sel(net=k, field_kind=kind), style, marker=".",
                    label=f"P={P}, N={N}, {kind}" if kind == "uniform" or k == 0 else None)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel("N θ (threshold × N, energy)")
    ax.set_ylabel("P(m₁ > 0), exact Boltzmann")
    ax.set_title(f"exact: θ picks ξ or −ξ (T = {ds.attrs.get('fixed_exact_T', '')}); dashed: θ along ξ", fontsize=9)
    ax.legend(fontsize=6)


def _panel_basins(ax, ds):
    net = int(np.flatnonzero(ds["net_ties_possible"].values)[0])
    P, N = int(ds["net_patterns"][net]), int(ds["net_sites"][net])
    for tie in TIES:
        for schedule, style in zip(DETERMINISTIC, ("-", ":")):
            b = ds["basin"].sel(net=net, exact_schedule=schedule, tie=tie, field_kind="uniform")
            ax.plot(ds["theta_N"], b.sel(target="xi") - b.sel(target="mirror"), style, marker=".",
                    label=f"{tie}, {schedule}")
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel("N θ (uniform threshold × N, energy)")
    ax.set_ylabel("basin(ξ) − basin(−ξ), fraction of 2^N")
    ax.set_title(f"exact zero-T basins, P={P}, N={N} (zero fields occur)", fontsize=9)
    ax.legend(fontsize=6, ncol=2)


def _panel_ties(ax, ds):
    schedules = list(ds["graph_schedule"].values)
    identical = ds["graphs_identical"].values
    edges = ds["graph_edges"].values
    for d, sign in enumerate(("up", "down")):
        ax.bar(np.arange(len(schedules)) + 0.4 * d, identical[:, :, d].mean(axis=0), width=0.38,
               label=f"tie {sign} at h=0 vs keep at h={'+' if sign == 'up' else '−'}ε")
    for s in range(len(schedules)):
        ax.text(s + 0.2, 0.5, f"{edges[:, s].sum():,} edges", rotation=90, ha="center", va="center", fontsize=7)
    ax.set_xticks(np.arange(len(schedules)) + 0.2, schedules, fontsize=7)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel(f"fraction of {len(ds['tie_net'])} random nets with identical graphs")
    ax.set_title("tie rules are infinitesimal fields", fontsize=9)
    ax.legend(fontsize=6, loc="lower right")


def _panel_magnetisation(ax, ds):
    n = ds["cw_sites"].values.max()
    for T, colour in zip(ds["cw_T"].values, ("C0", "C1", "C2", "C3")):
        for start, marker in (("xi", "o"), ("mirror", "s")):
            ax.errorbar(ds["cw_h"], ds["cw_overlap"].sel(cw_sites=n, cw_start=start, cw_T=T),
                        yerr=ds["cw_overlap_error"].sel(cw_sites=n, cw_start=start, cw_T=T), fmt=marker,
                        color=colour, ms=3, capsize=2, mfc="none" if start == "mirror" else colour,
                        label=f"T = {T:g}" if start == "xi" else None)
        for b in range(3):
            m = ds["cw_branch"].sel(cw_T=T, branch=b)
            stable = ds["cw_branch_stable"].sel(cw_T=T, branch=b).values.astype(bool)
            ax.plot(ds["cw_h"], np.where(stable, m, np.nan), "-", color=colour, lw=1)
            ax.plot(ds["cw_h"], np.where(~stable, m, np.nan), ":", color=colour, lw=1)
        ax.plot(ds["cw_h"], ds["cw_exact"].sel(cw_sites=n, cw_T=T), "--", color=colour, lw=0.8, alpha=0.6)
    ax.set_xlabel("field h along ξ (energy)")
    ax.set_ylabel("overlap m")
    ax.set_title(f"Curie–Weiss N = {n}: MC from ξ (filled) and −ξ (open); mean field (solid stable, dotted "
                 "unstable), exact finite N (dashed)", fontsize=7)
    ax.legend(fontsize=6)


def _panel_loops(ax, ds):
    n = ds["hys_sites"].values.max()
    for rate in ds["hys_rate"].values:
        loop = ds["hys_overlap"].sel(hys_sites=n, hys_rate=rate)
        line, = ax.plot(ds["hys_h"], loop.sel(direction="up"), lw=1, label=f"{rate:.1e} per sweep")
        ax.plot(ds["hys_h"], loop.sel(direction="down"), lw=1, color=line.get_color())
    h_sp = float(ds["spinodal_field"])
    for sign in (-1, 1):
        ax.axvline(sign * h_sp, color="k", ls=":", lw=0.8)
    ax.set_xlabel("field h along ξ (energy)")
    ax.set_ylabel("overlap m")
    ax.set_title(f"hysteresis, N = {n}, T = {ds.attrs.get('fixed_hys_T', '')}; dotted: ±h_sp", fontsize=9)
    ax.legend(fontsize=6, title="sweep rate", title_fontsize=6)


def _panel_coercive(ax, ds):
    h_c = ds["coercive_field"].stack(run=("direction", "hys_replica"))
    for rate in ds["hys_rate"].values:
        values = h_c.sel(hys_rate=rate)
        mean, error = ih.stats.disorder_average(values, dim="run", replica_dim=None)
        ax.errorbar(ds["hys_sites"], mean, yerr=error, marker="o", capsize=3, label=f"{rate:.1e} per sweep")
    ax.axhline(float(ds["spinodal_field"]), color="k", ls=":", label="mean-field h_sp(T)")
    ax.set_xscale("log")
    ax.set_xlabel("N")
    ax.set_ylabel("coercive field (energy)")
    ax.set_title("coercive field → h_sp as N grows at a fixed rate; → 0 as the rate slows", fontsize=8)
    ax.legend(fontsize=6)


def _panel_binder(ax, ds):
    x = ds["fss_x"]
    for n in ds["fss_sites"].values:
        line, = ax.plot(x, ds["fss_binder_exact"].sel(fss_sites=n), lw=1, label=f"N = {n}")
        mean, error = ds["fss_binder"].sel(fss_sites=n), ds["fss_binder_error"].sel(fss_sites=n)
        ax.fill_between(x, mean - error, mean + error, color=line.get_color(), alpha=0.3)
    ax.axhline(_binder_star(), color="k", ls=":", lw=0.8, label="U₄* (N → ∞)")
    ax.set_xlabel("(T − 1) √N")
    ax.set_ylabel("Binder cumulant U₄")
    ax.set_title("Binder cumulant: reweighted MC (bands ±1σ) and exact binomial (lines)", fontsize=8)
    ax.legend(fontsize=6)


def _binder_star():
    from scipy.special import gamma
    return 1.0 - gamma(0.25) ** 2 / (12.0 * gamma(0.75) ** 2)


def _panel_peaks(ax, ds):
    n = ds["fss_sites"].values
    ax.errorbar(n, 1.0 - ds["chi_peak_T"], yerr=ds["chi_peak_T_error"], fmt="o", capsize=3, label="χ peak, reweighted MC")
    ax.plot(n, 1.0 - ds["chi_peak_T_exact"], "-x", color="C0", lw=1, label="χ peak, exact")
    geometric = np.sqrt(ds["pair_small"].values * ds["pair_large"].values)
    ax.errorbar(geometric, 1.0 - ds["crossing_T"], yerr=ds["crossing_T_error"], fmt="s", capsize=3,
                label="Binder crossing, reweighted MC")
    ax.plot(geometric, 1.0 - ds["crossing_T_exact"], "-x", color="C1", lw=1, label="Binder crossing, exact")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("N (pairs: geometric mean)")
    ax.set_ylabel("1 − T (energy)")
    ax.set_title("shift of the χ peak ~ N^(−1/2) and of the Binder crossing", fontsize=8)
    ax.legend(fontsize=6)


def _panel_hopfield(ax, ds):
    T = ds["hop_T"].values.min()
    for start, style in (("mirror_cue", "-"), ("random", "--")):
        for label, colour in (("xi1", "C0"), ("mirror_xi1", "C3"), ("other_pattern", "C2"), ("mixture", "C4"),
                              ("spin_glass", "C5")):
            fraction = ds["hop_fraction"].sel(hop_start=start, hop_T=T, state_class=label)
            mean, error = ih.stats.disorder_average(fraction, dim="hop_sample", replica_dim=None)
            ax.errorbar(ds["hop_h"], mean, yerr=error, fmt=style, marker=".", color=colour, capsize=2,
                        label=f"{label} ({start})")
    ax.set_xlabel("field h along ξ¹ (energy)")
    ax.set_ylabel("fraction of runs")
    ax.set_title(f"Hopfield P > 1, T = {T:g}: where runs end (solid: cue near −ξ¹; dashed: random start)", fontsize=7)
    ax.legend(fontsize=5, ncol=2)


def _panel_biased(ax, ds):
    alpha = ds["bias_alpha"].values.min()
    for a, colour in zip(ds["bias_a"].values, ("C0", "C1", "C2", "C3")):
        for rule, style in (("hebbian", "--"), ("covariance_rule", "-")):
            here = dict(learning_rule=rule, bias_a=a, bias_alpha=alpha)
            mean, error = ih.stats.disorder_average(ds["recall_scan"].sel(**here), dim="bias_sample",
                                                          replica_dim=None)
            theta = ds["theta_offset"].values + float(ds["theta_centre"].sel(**here).mean())
            ax.plot(theta, mean, style, color=colour, lw=1, label=f"a = {a:g}, {rule.replace('_', ' ')}")
            ax.fill_between(theta, mean - error, mean + error, color=colour, alpha=0.2)
    ax.set_xlim(-2, 2)
    ax.set_xlabel("uniform threshold θ (energy)")
    ax.set_ylabel("recall (centred overlap)")
    ax.set_title(f"biased patterns, α = {alpha:g}: recall against θ (bands: ±1σ over pattern sets)", fontsize=8)
    ax.legend(fontsize=5, ncol=2)


def _panel_best_theta(ax, ds):
    a = ds["bias_a"].values
    n = ds.attrs.get("fixed_bias_sites", 0)
    fine = np.linspace(a.min(), a.max(), 50)
    for k, alpha in enumerate(ds["bias_alpha"].values):
        for rule, marker in (("hebbian", "s"), ("covariance_rule", "o")):
            mean, error = ih.stats.disorder_average(ds["best_theta"].sel(learning_rule=rule, bias_alpha=alpha),
                                                          dim="bias_sample", replica_dim=None)
            ax.errorbar(a + 0.01 * k, mean, yerr=error, fmt=marker, color=f"C{k}", capsize=2, ms=4,
                        mfc="none" if rule == "hebbian" else f"C{k}", label=f"{rule.replace('_', ' ')}, α = {alpha:g}")
        if n:
            ax.plot(fine, (round(alpha * n) - 1) * fine**3, "--", color=f"C{k}", lw=0.8)
    ax.plot(fine, -fine * (1 - fine**2), "k-", lw=0.8, label="covariance signal: −a(1 − a²)")
    ax.set_xlabel("pattern activity a")
    ax.set_ylabel("best uniform θ (energy)")
    ax.set_title("best θ: Hebb ≈ (P − 1)a³ (dashed), covariance ≈ −a(1 − a²)", fontsize=8)
    ax.legend(fontsize=5, ncol=2)


def plot(dataset):
    """Eleven panels: exact symmetry breaking, tie rules, Curie–Weiss m(h), hysteresis, finite-size scaling,
    Hopfield P > 1 and biased patterns (whichever sections the Dataset holds)."""
    from matplotlib.figure import Figure

    panels = [("boltzmann_plus", _panel_exact), ("basin", _panel_basins), ("graphs_identical", _panel_ties),
              ("cw_overlap", _panel_magnetisation), ("hys_overlap", _panel_loops), ("coercive_field", _panel_coercive),
              ("fss_binder", _panel_binder), ("chi_peak_T", _panel_peaks), ("hop_fraction", _panel_hopfield),
              ("recall_scan", _panel_biased), ("best_theta", _panel_best_theta)]
    present = [(name, draw) for name, draw in panels if name in dataset]
    columns = 3
    rows = max(1, -(-len(present) // columns))
    fig = Figure(figsize=(16, 4.6 * rows))
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, (_, draw) in zip(axes, present):
        draw(ax, dataset)
    for ax in axes[len(present):]:
        ax.set_axis_off()
    fig.suptitle("Symmetry breaking by the field θ = −h: every memory ξ has its mirror −ξ until a field picks one")
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    return fig


def findings(dataset):
    """The paper's numbers: finite-N Curie–Weiss against exact enumeration (the peak temperature of χ of
    each size, independent of each other, and the Binder crossing; the U₄ curves are left out: their
    points come from the same histograms), tie rules as infinitesimal fields, and the coercive field of
    the slowest sweep beside the mean-field spinodal; recall of biased patterns (the second-largest
    activity, the middle load) under Hebb's rule with the site-dependent and the uniform mean-field
    threshold, and under the covariance rule."""
    from isinghop.stats.report import Claim, Number, agreement, chi2_agreement, mean_error

    identical = dataset["graphs_identical"].values.astype(bool)
    biased = dataset["recall_named"].sel(bias_a=dataset["bias_a"][-2], bias_alpha=dataset["bias_alpha"][
        dataset.sizes["bias_alpha"] // 2])
    crossing = Number(dataset["crossing_T"].isel(pair=0), dataset["crossing_T_error"].isel(pair=0))
    slow = dataset["coercive_field"].sel(hys_sites=dataset["hys_sites"].max(), hys_rate=dataset["hys_rate"].min())
    return {
        "peak_agreement": chi2_agreement(dataset["chi_peak_T"], dataset["chi_peak_T_error"],
                                         dataset["chi_peak_T_exact"], "the exact peak temperatures"),
        "crossing_T": crossing,
        "crossing_T_exact": Number(dataset["crossing_T_exact"].isel(pair=0)),
        "crossing_small": Number(dataset["pair_small"].isel(pair=0)),
        "crossing_large": Number(dataset["pair_large"].isel(pair=0)),
        "crossing_agreement": agreement(crossing, float(dataset["crossing_T_exact"].isel(pair=0)),
                                        "the exact crossing"),
        "tie_graphs": Claim(bool(identical.all()),
                            f"{identical.sum()} of the {identical.size} transition graphs (nets × schedules × "
                            f"signs) are identical to those of an infinitesimal field"),
        "hysteresis_sites": Number(dataset["hys_sites"].max()),
        "hysteresis_rate": Number(dataset["hys_rate"].min()),
        "hysteresis_T": Number(dataset.attrs["fixed_hys_T"]),
        "coercive_field": mean_error(abs(slow), "hys_replica"),
        "spinodal_field": Number(dataset["spinodal_field"]),
        "bias_a": Number(biased["bias_a"]),
        "bias_alpha": Number(biased["bias_alpha"]),
        "bias_noise": Number(dataset.attrs["fixed_bias_noise"]),
        "bias_samples": Number(dataset.sizes["bias_sample"]),
        "bias_hebb_site": mean_error(biased.sel(learning_rule="hebbian", named_theta="mean_field"), "bias_sample"),
        "bias_hebb_uniform": mean_error(biased.sel(learning_rule="hebbian", named_theta="mean_field_constant"), "bias_sample"),
        "bias_covariance_uniform": mean_error(biased.sel(learning_rule="covariance_rule", named_theta="mean_field_constant"),
                                              "bias_sample"),
    }

STUDY = ih.Study(
    name="symmetry_breaking",
    description="how a field theta (or the tie rule) picks xi over -xi: exact nets, Curie-Weiss MC, hysteresis, "
                "finite-size scaling, Hopfield P > 1, biased patterns",
    configs={"quick": QUICK, "full": FULL},
    run_point=run_point,
    plot=plot,
    coordinates={"section": {"units": "1", "long_name": "section", "description": "one experiment of the study"}},
    sections=("section",),
    findings=findings,
)
