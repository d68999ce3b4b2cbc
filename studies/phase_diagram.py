"""Phase diagram: thermal retrieval of Hebbian memories over load α and temperature T, against AGS theory.

A group of two studies: ``thermal_retrieval`` (tasks N × α × pattern set; every T and replica of a
task run together) and ``mixtures`` (tasks N × n × pattern set).

**Retrieval.** Metropolis chains (random order each sweep) start at ξ¹ of P = αN random patterns
(pattern storage, zero diagonal); after ``burn_in`` sweeps m₁ is recorded every sweep for ``sweeps``
sweeps. Where retrieval is metastable hot and cold starts disagree by design, so equilibration is
checked within the state: a short τ_int of m₁ and two halves that agree. A chain *is still
retrieved* when its mean m₁ over the last tenth of the run is at least 0.3: just below T_M the RS
overlap is at least 0.58 for α ≥ 0.01 (the transition is discontinuous there), and outside the
retrieval state m₁ is O(N^(−1/2)). Where half the chains have left, along T, is a finite-N,
finite-time *escape temperature*: for large N and long runs below T_M (where the barrier
vanishes); at small N it can lie above T_M, where m₁ decays slowly and stays above 0.3 for the run. The replicas at one T share the patterns and start at ξ¹, breaking the s → −s
symmetry, so the mean of ``q_ab = (1/N) Σ_i s_i^a s_i^b`` over ``blocks`` instants estimates
(1/N) Σ_i ⟨s_i⟩² within the state (the AGS q) without bias once the replicas have decorrelated, as
its half-chain z checks (the √⟨q_ab²⟩ of :func:`isinghop.observables.edwards_anderson` is biased up
by O(1/N)). Beside them, the replica-symmetric theory of Amit, Gutfreund & Sompolinsky
(:mod:`isinghop.theory.meanfield`): m, q, T_M(α), T_g(α) = 1 + √α, the de Almeida–Thouless T_AT(α),
and α_global(T), below which retrieval states are the global minima.

**Mixtures.** At α → 0 (P = ``patterns``), chains start at the symmetric n-mixture sgn(ξ¹ + … + ξⁿ)
(odd n). Below T_n it is a local minimum of the free energy (T₃ = 0.460, T₅ = 0.385); above it the
chain leaves for a pure state. The patterns are balanced (:func:`isinghop.balanced_patterns`: each
sign combination on N/2^P sites), so the α = 0 theory holds without quenched O(N^(−1/2)) tilts; with
random patterns those tilts can exceed the mixtures' shallow barriers (3-mixture: 0.012 per spin at
T = 0.2, 0.003 at T = 0.3, 0.00016 at T = 0.4), and at N = 2000 most random pattern sets lose the
3-mixture already at T = 0.3. As the barriers vanish at T_n, thermal activation ends the mixtures
below T_n at finite N. A chain *keeps its mixture* when the spread of its n component overlaps
(averaged over the second half) is at most half their mean and the mean is at least 0.1.
"""

from functools import partial

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.observables import replica_overlaps
from isinghop.runtime import Config, Output
from isinghop.stats.errors import compare_halves
from isinghop.stats.finite_size import disorder_average, disorder_jackknife, level_crossing
from isinghop.stats.report import Number, agreement, mean_error
from isinghop.theory import meanfield
from isinghop.viz.figures import panels, sample_errorbar

#: A chain is still retrieved when its mean m₁ over the last tenth of the run is at least this.
RETRIEVED = 0.3
CHAINS, PAIRS, CURVES = ("T", "replica"), ("T", "pair"), ("mixture", "T_curve")
#: Sweeps of burn-in, sweeps recorded, and the blocks whose ends give the replica overlaps.
QUICK_RUN = {"burn_in": 50, "sweeps": 200, "blocks": 4}
FULL_RUN = {"burn_in": 500, "sweeps": 1500, "blocks": 30}
_theory = partial(Output, theory=True)  # an output of the study's ``theory``, not its ``compute``
POINTS, TEMPERATURE = {"fmt": "o", "ms": 3, "capsize": 2}, "temperature T (energy)"


def _chains(model, starts, T, fixed, patterns, rng):
    """Metropolis from ``starts`` (``fixed`` checked first): m with each of ``patterns`` every sweep
    after the burn-in ``(chain, sweep, pattern)`` and the spins at the end of each of ``blocks``."""
    burn_in, sweeps, blocks = fixed["burn_in"], fixed["sweeps"], fixed["blocks"]
    if burn_in < 1 or blocks < 4 or sweeps % blocks or fixed["replica"] < 2:
        need = "burn_in >= 1, blocks >= 4 dividing sweeps, replica >= 2"
        got = f"{burn_in = }, {blocks = }, {sweeps = }, replica = {fixed['replica']}"
        raise ValueError(f"fixed: need {need}, got {got}")
    chain = ih.sample(model, starts, T=T, sweeps=burn_in, record=(), rng=rng)
    block, series, snapshots = sweeps // blocks, [], []
    for _ in range(blocks):
        chain = ih.sample(model, chain, T=T, sweeps=block, record="overlaps", patterns=patterns)
        series.append(chain.overlaps)
        snapshots.append(chain.spins)
    return np.concatenate(series, axis=1), np.array(snapshots)


def _fractions(ax, T, flags, color, label):
    """Per N, the fraction with ``flags`` against T: smaller N fainter, the largest labelled."""
    sizes = flags["n_sites"].values
    for k, n in enumerate(sizes):
        fraction = flags.sel(n_sites=n).astype(float).mean("replica")
        shade, legend = 0.4 + 0.6 * (k + 1) / len(sizes), label if n == sizes.max() else None
        sample_errorbar(ax, T, fraction, color=color, alpha=shade, label=legend)


def _steps(start, stop, step, digits=3):
    return tuple(round(t, digits) for t in np.arange(start, stop + step / 100, step))


def retrieval_compute(point, fixed, disorder, thermal, checkpoint):
    """Chains of every T and replica from ξ¹ of one pattern set at (N, α)."""
    n, T, replicas = point["n_sites"], np.asarray(fixed["T"], dtype=np.float64), fixed["replica"]
    xi = ih.random_patterns(max(1, round(point["alpha"] * n)), n, rng=disorder)
    starts = np.repeat(xi[:1], len(T) * replicas, axis=0)
    m, snapshots = _chains(ih.hebbian(xi), starts, np.repeat(T, replicas), fixed, xi[:1], thermal)
    m = m[..., 0].reshape(len(T), replicas, -1)
    check = compare_halves(m)
    spins = snapshots.reshape(len(snapshots), len(T), replicas, n)
    q = np.array([[replica_overlaps(at_T) for at_T in end] for end in spins])  # (block, T, pair)
    return {
        "overlap": m.mean(axis=-1),
        "retrieved": m[..., -max(1, m.shape[-1] // 10) :].mean(axis=-1) >= RETRIEVED,
        "tau_overlap": check.tau,
        "half_chain_z": check.z,
        "replica_overlap": q.mean(axis=0),
        "replica_overlap_z": compare_halves(np.moveaxis(q, 0, -1)).z,
    }


def retrieval_theory(config):
    """The AGS replica-symmetric theory at the simulated (α, T) and on lines of the (α, T) plane."""
    fixed, loads = config.fixed, config.grid["alpha"]
    theory_T, line_alpha, line_T = fixed["theory_T"], fixed["line_alpha"], fixed["line_T"]
    T_M, T_AT = meanfield.ags_retrieval_temperature, meanfield.ags_almeida_thouless_temperature
    # the solutions at every load and T; m[0], q[0]: the stable retrieval branch (NaN where none)
    at_points = [[meanfield.ags(alpha, t) for t in config.batch["T"]] for alpha in loads]
    line = [[meanfield.ags(alpha, t) for t in theory_T] for alpha in loads]
    return {
        "ags_overlap": (("alpha", "T"), [[ags.m[0] for ags in row] for row in at_points]),
        "ags_q": (("alpha", "T"), [[ags.q[0] for ags in row] for row in at_points]),
        "theory_T": ("theory_T", theory_T),
        "line_alpha": ("line_alpha", line_alpha),
        "line_T": ("line_T", line_T),
        "ags_overlap_line": (("alpha", "theory_T"), [[ags.m[0] for ags in row] for row in line]),
        "ags_q_line": (("alpha", "theory_T"), [[ags.q[0] for ags in row] for row in line]),
        "ags_retrieval_temperature": ("alpha", [T_M(alpha) for alpha in loads]),
        "spin_glass_temperature": ("alpha", meanfield.spin_glass_temperature(np.asarray(loads))),
        "line_retrieval_temperature": ("line_alpha", [T_M(alpha) for alpha in line_alpha]),
        "line_almeida_thouless": ("line_alpha", [T_AT(alpha) for alpha in line_alpha]),
        "line_global_load": ("line_T", [meanfield.ags_global_retrieval_load(t) for t in line_T]),
    }


def escape_temperature(dataset, n_sites, alpha):
    """Where the fraction still retrieved falls through 1/2 along T: ``(value, error)``, else NaN.
    The error adds in quadrature the jackknife over pattern sets and the T grid's resolution (its
    spacing at the crossing over √12): the jackknife is 0 when all sets cross between two Ts."""
    T = dataset["T"].values
    data = dataset["retrieved"].sel(n_sites=n_sites, alpha=alpha).transpose("T", ...).astype(float)
    value, error = disorder_jackknife(lambda sets: level_crossing(T, sets.mean(axis=-1), 0.5), data)
    if not np.isfinite(value):
        return np.nan, np.nan
    spacing = np.diff(T)[min(np.searchsorted(T, value) - 1, len(T) - 2)]
    return value, float(np.hypot(error, spacing / np.sqrt(12)))


def _diagram(ax, ds):
    """The (α, T) plane: the AGS lines and the escape temperatures of every N."""
    line_alpha, loads = ds["line_alpha"].values, ds["alpha"].values
    fine = np.linspace(0, max(0.16, loads.max()), 100)
    T_M = np.r_[1.0, ds["line_retrieval_temperature"], 0.0]  # from (0, 1) to (α_c, 0)
    ax.plot(np.r_[0.0, line_alpha, meanfield.ags_capacity(0.0)], T_M, "k-", lw=1.5, label="T_M")
    alpha_global, T_global = np.r_[ds["line_global_load"], 0.0], np.r_[ds["line_T"], 1.0]
    ax.plot(alpha_global, T_global, "k--", lw=1.2, label="T_c")
    ax.plot(fine, meanfield.spin_glass_temperature(fine), "k:", lw=1.2, label="T_g = 1 + √α")
    ax.plot(line_alpha, ds["line_almeida_thouless"], "k-.", lw=1, label="T_AT")
    for k, n in enumerate(ds["n_sites"].values):
        value, error = np.array([escape_temperature(ds, n, alpha) for alpha in loads]).T
        shifted = loads + 0.001 * (k - 1)  # the sizes side by side
        ax.errorbar(shifted, value, error, **POINTS, color=f"C{k}", label=f"escape, N = {n}")
    ax.set(xlim=(0, fine.max()), ylim=(0, 1.4), xlabel="load α = P/N", ylabel=TEMPERATURE)
    ax.set_title("AGS lines; points: escape T")
    ax.legend(loc="upper right", bbox_to_anchor=(1, 0.88))  # between T_M and T_g


def retrieval_plot(ds):
    """The phase diagram; m₁ and q_ab of retrieved chains beside AGS; the fraction retrieved."""
    fig, (diagram, overlap_ax, q_ax, fraction_ax) = panels(2, 2)
    _diagram(diagram, ds)
    sizes, T, sweeps = ds["n_sites"].values, ds["T"].values, ds.attrs["fixed_sweeps"]
    largest = ds.sel(n_sites=sizes.max())
    still = largest["retrieved"] == 1
    first, second = (xr.DataArray(k, dims="pair") for k in np.triu_indices(ds.sizes["replica"], 1))
    pair_still = still.isel(replica=first) & still.isel(replica=second)
    for a, alpha in enumerate(ds["alpha"].values):
        here, color, label = largest.sel(alpha=alpha), f"C{a}", f"α = {alpha:g}"
        chains = here["overlap"].where(still.sel(alpha=alpha))
        pairs = here["replica_overlap"].where(pair_still.sel(alpha=alpha))
        for ax, data, within, theory in (
            (overlap_ax, chains, "replica", "ags_overlap_line"),
            (q_ax, pairs, "pair", "ags_q_line"),
        ):
            mean, error = disorder_average(data, replica_dim=within)  # over those still retrieved
            ax.errorbar(T, mean, error, **POINTS, color=color, label=label)
            ax.plot(ds["theory_T"], ds[theory].sel(alpha=alpha), "-", color=color, lw=1)
        _fractions(fraction_ax, T, ds["retrieved"].sel(alpha=alpha), color, label)
        fraction_ax.axvline(float(here["ags_retrieval_temperature"]), color=color, ls=":", lw=1)
    overlap_ax.set(ylabel="overlap m₁", title=f"retrieved chains, N = {sizes.max()}")
    q_ax.set(ylabel="replica overlap q_ab", title=f"retrieved pairs, N = {sizes.max()}")
    note = f"{sweeps} sweeps; faint: smaller N; dotted: T_M"
    fraction_ax.set(ylabel=f"fraction with final m₁ ≥ {RETRIEVED}", title=note)
    for ax in (overlap_ax, q_ax, fraction_ax):
        ax.set(xlabel=TEMPERATURE)
    overlap_ax.legend(loc="lower center")  # the fractions fill their panel: colours as here
    q_ax.legend(loc="lower left")
    return fig


def retrieval_findings(ds):
    """T_M of both loads, and the overlap of the largest N at the smaller load at the grid T nearest
    T_M/2 against AGS (at one T: those of one pattern set are correlated)."""
    largest = ds.sel(n_sites=ds["n_sites"].max())
    low, high = largest["alpha"].values.min(), largest["alpha"].values.max()
    here, T_M = largest.sel(alpha=low), largest["ags_retrieval_temperature"]
    T = float(here["T"].sel(T=0.5 * float(here["ags_retrieval_temperature"]), method="nearest"))
    measured = mean_error(here["overlap"].sel(T=T))
    theory = float(here["ags_overlap"].sel(T=T))
    return {
        "alpha_low": Number(low),
        "alpha_high": Number(high),
        "T_M_low": Number(T_M.sel(alpha=low)),
        "T_M_high": Number(T_M.sel(alpha=high)),
        "T_g_high": Number(largest["spin_glass_temperature"].sel(alpha=high)),
        "largest_sites": Number(largest["n_sites"]),
        "overlap_T": Number(T),
        "samples": Number(ds.sizes["sample"]),
        "replicas": Number(ds.sizes["replica"]),
        "sweeps": Number(ds.attrs["fixed_sweeps"]),
        "overlap": measured,
        "overlap_agreement": agreement(measured, theory, "the AGS overlap"),
    }


#: AGS lines: the temperatures of m and q, the loads of T_M and T_AT, the temperatures of α_global.
QUICK_AGS = {"theory_T": _steps(0.05, 1.0, 0.05), "line_alpha": (0.05, 0.12), "line_T": (0.0, 0.5)}
FULL_AGS = {"theory_T": _steps(0.01, 1.05, 0.01), "line_alpha": (0.001, 0.003, 0.01, 0.02, 0.035)}
FULL_AGS["line_alpha"] += (0.05, 0.065, 0.08, 0.095, 0.11, 0.12, 0.13, 0.135, 0.137)
FULL_AGS["line_T"] = _steps(0.0, 0.9, 0.1, 1)
THERMAL_RETRIEVAL = ih.Study(
    name="thermal_retrieval",
    description="Metropolis from a stored pattern over (alpha, T) beside the AGS phase diagram",
    configs={
        "quick": Config(
            {"n_sites": (200, 400), "alpha": (0.03, 0.1)},
            QUICK_RUN | QUICK_AGS,
            "N = 200, 400; 2 loads, 8 temperatures",
            samples=6,
            batch={"T": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0), "replica": 2, "pair": 1},
        ),
        "full": Config(
            {"n_sites": (1000, 2000, 4000), "alpha": (0.01, 0.025, 0.05, 0.075, 0.1, 0.125)},
            FULL_RUN | FULL_AGS,
            "N = 1000-4000, 6 loads, 21 temperatures",
            samples=4,
            batch={"T": _steps(0.05, 1.05, 0.05, 2), "replica": 4, "pair": 6},
        ),
    },
    compute=retrieval_compute,
    theory=retrieval_theory,
    outputs={
        "overlap": Output(CHAINS, description="m_1 averaged over the recorded sweeps"),
        "retrieved": Output(CHAINS, "1", "still retrieved", f"last-tenth mean m_1 >= {RETRIEVED}"),
        "tau_overlap": Output(CHAINS, "sweeps", "τ_int of m₁", "Sokal window, c = 5"),
        "half_chain_z": Output(CHAINS, "1", "half-chain z of m₁", "halves' difference / its error"),
        "replica_overlap": Output(PAIRS, "1", "replica overlap q_ab", "(1/N) sum_i s_i^a s_i^b"),
        "replica_overlap_z": Output(PAIRS, "1", "half-chain z of q_ab", "over the block ends"),
        "ags_overlap": _theory(("alpha", "T"), "1", "AGS m", "RS retrieval overlap (NaN: none)"),
        "ags_q": _theory(("alpha", "T"), "1", "AGS q", "RS q of the retrieval state"),
        "ags_overlap_line": _theory(("alpha", "theory_T"), "1", "AGS m", "on the fine T line"),
        "ags_q_line": _theory(("alpha", "theory_T"), "1", "AGS q", "on the fine T line"),
        "ags_retrieval_temperature": _theory(("alpha",), "energy", "T_M", "no RS retrieval above"),
        "spin_glass_temperature": _theory(("alpha",), "energy", "T_g", "1 + sqrt(alpha)"),
        "line_retrieval_temperature": _theory(("line_alpha",), "energy", "T_M", "RS T_M(alpha)"),
        "line_almeida_thouless": _theory(("line_alpha",), "energy", "T_AT", "RS unstable below"),
        "line_global_load": _theory(("line_T",), "1", "α_global", "retrieval global minima below"),
    },
    coordinates={
        "pair": ("1", "replica pair", "(a, b), a < b, in observables.replica_overlaps order"),
        "theory_T": ("energy", "T (theory line)", "temperatures of the AGS m, q"),
        "line_alpha": ("1", "load α (theory line)", "loads of the AGS lines"),
        "line_T": ("energy", "T (theory line)", "temperatures of the global-minimum line"),
    },
    plot=retrieval_plot,
    findings=retrieval_findings,
)


def mixtures_compute(point, fixed, disorder, thermal, checkpoint):
    """Chains of every T and replica from the symmetric n-mixture of one balanced pattern set."""
    order, T, replicas = point["mixture"], np.asarray(fixed["T"]), fixed["replica"]
    if order < 3 or order % 2 == 0 or order > fixed["patterns"]:
        raise ValueError(f"mixture: odd, >= 3 and <= patterns = {fixed['patterns']}, got {order}")
    xi = ih.balanced_patterns(fixed["patterns"], point["n_sites"], rng=disorder)
    mixture = np.sign(xi[:order].sum(axis=0)).astype(np.int8)
    starts = np.repeat(mixture[None], len(T) * replicas, axis=0)
    m, _ = _chains(ih.hebbian(xi), starts, np.repeat(T, replicas), fixed, xi[:order], thermal)
    late = m[:, m.shape[1] // 2 :].mean(axis=1).reshape(len(T), replicas, order)
    mean, spread = late.mean(axis=-1), late.max(axis=-1) - late.min(axis=-1)
    kept = (spread <= 0.5 * mean) & (mean >= 0.1)
    return {"mixture_overlap": mean, "mixture_spread": spread, "mixture_kept": kept}


def mixtures_theory(config):
    """The α = 0 mixture overlap and its stability on a fine T line, and T_n."""
    orders, T = config.grid["mixture"], config.batch["T"]
    fine = np.linspace(min(T), max(T), 200)
    states = [[meanfield.mixture_state(order, t) for t in fine] for order in orders]
    T_n = [meanfield.mixture_stability_temperature(order) for order in orders]
    return {
        "T_curve": ("T_curve", fine),
        "theory_mixture_overlap": (CURVES, [[state.m for state in row] for row in states]),
        "theory_mixture_stable": (CURVES, [[state.stable for state in row] for row in states]),
        "mixture_stability_temperature": ("mixture", T_n),
    }


def mixtures_plot(ds):
    """The fraction of chains keeping the mixture and its component overlap, beside α = 0 theory."""
    fig, (ax,) = panels(width=4.6, height=3.4)
    T, largest, curve = ds["T"].values, ds["n_sites"].values.max(), ds["T_curve"]
    for k, order in enumerate(ds["mixture"].values):
        color, theory = f"C{k}", ds.sel(mixture=order)
        _fractions(ax, T, ds["mixture_kept"].sel(mixture=order), color, f"n = {order}, kept")
        overlap = ds["mixture_overlap"].sel(n_sites=largest, mixture=order).mean("replica")
        label = f"n = {order}, component overlap"
        sample_errorbar(ax, T, overlap, ls="", marker="D", mfc="none", color=color, label=label)
        m, stable = theory["theory_mixture_overlap"], theory["theory_mixture_stable"].astype(bool)
        ax.plot(curve, m.where(stable), "-", curve, m.where(~stable), "--", color=color, lw=1)
        ax.axvline(float(theory["mixture_stability_temperature"]), color=color, ls=":", lw=1)
    title = f"P = {ds.attrs['fixed_patterns']} balanced patterns; lines: α = 0 theory,\n"
    ax.set(xlabel=TEMPERATURE, ylabel="fraction kept / component overlap", ylim=(-0.05, 1.05))
    ax.set_title(title + "dashed where unstable; dotted: T_n")
    ax.legend()
    return fig


def mixtures_findings(ds):
    """The mixtures' stability temperatures."""
    return {f"T_{n}": Number(ds["mixture_stability_temperature"].sel(mixture=n)) for n in (3, 5)}


def _mixtures(sizes, T, samples, run, text):
    fixed, grid = {"patterns": 5} | run, {"n_sites": sizes, "mixture": (3, 5)}
    return Config(grid, fixed, text, samples=samples, batch={"T": T, "replica": 2})


FULL_MIXTURE_T = (0.1, 0.2, 0.3, 0.35, 0.38, 0.41, 0.44, 0.47, 0.5, 0.55, 0.6, 0.7, 0.8)
MIXTURES = ih.Study(
    name="mixtures",
    description="symmetric 3- and 5-mixtures at alpha -> 0 against their stability temperatures",
    configs={
        "quick": _mixtures((200, 400), (0.2, 0.35, 0.45, 0.55, 0.7), 3, QUICK_RUN, "N = 200, 400"),
        "full": _mixtures((1000, 2000, 4000), FULL_MIXTURE_T, 6, FULL_RUN, "N = 1000-4000"),
    },
    compute=mixtures_compute,
    theory=mixtures_theory,
    outputs={
        "mixture_overlap": Output(CHAINS, "1", "component overlap", "mean over the n, second half"),
        "mixture_spread": Output(CHAINS, "1", "component spread", "largest minus smallest"),
        "mixture_kept": Output(CHAINS, "1", "keeps the mixture", "spread <= mean / 2, mean >= 0.1"),
        "theory_mixture_overlap": _theory(CURVES, "1", "mixture m (α = 0)", "symmetric; 0: none"),
        "theory_mixture_stable": _theory(CURVES, "1", "mixture stable (α = 0)", "local minimum"),
        "mixture_stability_temperature": _theory(("mixture",), "energy", "T_n", "stable below"),
    },
    coordinates={
        "mixture": ("1", "n", "patterns in the symmetric mixture"),
        "T_curve": ("energy", "temperature", "fine line of the theory"),
    },
    disorder_keys=("n_sites",),
    plot=mixtures_plot,
    findings=mixtures_findings,
)

STUDIES = (THERMAL_RETRIEVAL, MIXTURES)
