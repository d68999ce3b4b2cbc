"""Phase diagram: thermal retrieval of Hebbian memories over load α and temperature T, against AGS theory.

A group of two studies: ``thermal_retrieval`` (tasks N × α × pattern set; every T and replica
of a task run together) and ``mixtures`` (tasks N × n × pattern set).

**Retrieval.** At each size N, load α and temperature T, Metropolis chains
(random order each sweep) start at pattern ξ¹ of P = αN random patterns
(pattern storage, zero diagonal). After ``burn_in`` sweeps the overlap m₁
is recorded every sweep for ``sweeps`` sweeps. Per chain: the mean m₁, its
τ_int, and the z of its two halves' means. Hot and cold starts disagree by
design where retrieval is metastable, so the equilibration check is within
the state: a short τ_int and halves that agree. A chain *is still
retrieved* when its mean m₁ over the last tenth of the run is at least 0.3:
just below T_M the RS overlap is at least 0.58 for α ≥ 0.01 (the
transition is discontinuous there), and outside the retrieval state m₁ is
O(N^(−1/2)). Where half the chains have left, along T, is a finite-N,
finite-time *escape temperature*: the barrier vanishes at T_M, so it lies
below T_M by an amount that shrinks as N and the run grow.

The replicas at one T share the patterns and start at ξ¹, which breaks the
s → −s symmetry, so the mean of ``q_ab = (1/N) Σ_i s_i^a s_i^b`` over
``blocks`` instants is an unbiased estimate of (1/N) Σ_i ⟨s_i⟩² within the
state (the AGS q) once the replicas have decorrelated; its half-chain z
over the block series checks that. (This is the mean of q_ab, not the
√⟨q_ab²⟩ of :func:`isinghop.observables.edwards_anderson`, which is biased
up by O(1/N).) The figure averages m₁ over chains still retrieved and q_ab
over pairs of them.

Beside the simulation the Dataset holds the replica-symmetric theory of
Amit, Gutfreund & Sompolinsky (:mod:`isinghop.theory.meanfield`): the retrieval m
and q at every simulated (α, T) and on a fine line of T (NaN where no
retrieval branch exists), T_M(α) where retrieval states disappear,
T_g(α) = 1 + √α, and on a line of loads T_M and the de Almeida–Thouless
T_AT of the retrieval states, and the line where retrieval states become
the global minima, as α_global(T).

**Mixtures.** At α → 0 (P = ``mixture_patterns``), chains start at the
symmetric n-mixture sgn(ξ¹ + … + ξⁿ) (odd n). Below T_n the mixture is a
local minimum of the free energy (T₃ = 0.460, T₅ = 0.385); above it the
chain leaves for a pure state. The patterns are balanced
(:func:`isinghop.balanced_patterns`: each sign combination on N/2^P sites),
so the α = 0 theory holds without quenched O(N^(−1/2)) tilts; with random
patterns those tilts can exceed the mixtures' shallow barriers (3-mixture:
0.012 per spin at T = 0.2, 0.003 at T = 0.3, 0.00016 at T = 0.4), and at
N = 2000 most random pattern sets lose the 3-mixture already at T = 0.3.
As the barriers vanish at T_n, thermal activation ends the mixtures below
T_n at finite N. Recorded: the n component overlaps averaged over the
second half; a chain *keeps its mixture* when their spread is at most half
their mean and the mean is at least 0.1.
"""

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


def _check(fixed):
    """Refuse parameters the chains cannot honour, before any of them runs."""
    if fixed["burn_in"] < 1 or fixed["blocks"] < 4 or fixed["sweeps"] % fixed["blocks"]:
        raise ValueError(
            f"fixed: need burn_in >= 1 and blocks >= 4 dividing sweeps, got burn_in = "
            f"{fixed['burn_in']}, blocks = {fixed['blocks']}, sweeps = {fixed['sweeps']}"
        )
    if fixed["replica"] < 2:
        raise ValueError(f"fixed: replica overlaps need replica >= 2, got {fixed['replica']}")


def _chains(model, starts, T, fixed, patterns, rng):
    """Metropolis from ``starts``: m with each of ``patterns`` every sweep ``(chain, sweep, pattern)``
    after the burn-in, and the spins at the end of each of ``blocks`` equal blocks."""
    chain = ih.sample(model, starts, T=T, sweeps=fixed["burn_in"], record=(), rng=rng)
    series, snapshots = [], []
    for _ in range(fixed["blocks"]):
        chain = ih.sample(
            model,
            chain,
            T=T,
            sweeps=fixed["sweeps"] // fixed["blocks"],
            record="overlaps",
            patterns=patterns,
        )
        series.append(chain.overlaps)
        snapshots.append(chain.spins)
    return np.concatenate(series, axis=1), np.array(snapshots)


# --- retrieval over (α, T) -----------------------------------------------------------------------


def retrieval_compute(point, fixed, disorder, thermal, checkpoint):
    """Chains of every T and replica from ξ¹ of one pattern set at (N, α)."""
    _check(fixed)
    n, T, replicas = point["n_sites"], np.asarray(fixed["T"], dtype=np.float64), fixed["replica"]
    xi = ih.random_patterns(max(1, round(point["alpha"] * n)), n, rng=disorder)
    starts = np.repeat(xi[:1], len(T) * replicas, axis=0)
    m, snapshots = _chains(ih.hebbian(xi), starts, np.repeat(T, replicas), fixed, xi[:1], thermal)
    m = m[..., 0].reshape(len(T), replicas, -1)
    check = compare_halves(m)
    spins = snapshots.reshape(len(snapshots), len(T), replicas, n)
    q = np.array(
        [[replica_overlaps(block) for block in instant] for instant in spins]
    )  # (block, T, pair)
    return {
        "overlap": m.mean(axis=-1),
        "retrieved": m[..., -max(1, m.shape[-1] // 10) :].mean(axis=-1) >= RETRIEVED,
        "tau_overlap": check.tau,
        "half_chain_z": check.z,
        "replica_overlap": q.mean(axis=0),
        "replica_overlap_z": compare_halves(np.moveaxis(q, 0, -1)).z,
    }


def retrieval_theory(config):
    """The AGS replica-symmetric theory at the simulated (α, T) and along lines of the phase diagram."""
    fixed, loads, T = config.fixed, config.grid["alpha"], config.batch["T"]

    def branch(alpha, temperatures):  # the stable retrieval branch (NaN where there is none)
        return np.array(
            [[ags.m[0], ags.q[0]] for ags in (meanfield.ags(alpha, t) for t in temperatures)]
        )

    at_points = np.array([branch(alpha, T) for alpha in loads])
    line = np.array([branch(alpha, fixed["theory_T"]) for alpha in loads])
    return {
        "ags_overlap": (("alpha", "T"), at_points[..., 0]),
        "ags_q": (("alpha", "T"), at_points[..., 1]),
        "theory_T": ("theory_T", fixed["theory_T"]),
        "line_alpha": ("line_alpha", fixed["line_alpha"]),
        "line_T": ("line_T", fixed["line_T"]),
        "ags_overlap_line": (("alpha", "theory_T"), line[..., 0]),
        "ags_q_line": (("alpha", "theory_T"), line[..., 1]),
        "ags_retrieval_temperature": (
            "alpha",
            [meanfield.ags_retrieval_temperature(a) for a in loads],
        ),
        "spin_glass_temperature": ("alpha", meanfield.spin_glass_temperature(np.asarray(loads))),
        "line_retrieval_temperature": (
            "line_alpha",
            [meanfield.ags_retrieval_temperature(a) for a in fixed["line_alpha"]],
        ),
        "line_almeida_thouless": (
            "line_alpha",
            [meanfield.ags_almeida_thouless_temperature(a) for a in fixed["line_alpha"]],
        ),
        "line_global_load": (
            "line_T",
            [meanfield.ags_global_retrieval_load(t) for t in fixed["line_T"]],
        ),
    }


def escape_temperature(dataset, n_sites, alpha):
    """Where the fraction of chains still retrieved falls through 1/2 along T: ``(value, error)``.

    The error adds, in quadrature, the jackknife over pattern sets and the
    resolution of the T grid (the spacing around the crossing over √12): when
    every pattern set crosses between the same two temperatures the jackknife
    alone would be zero. NaN when the fraction never falls through 1/2.
    """
    T = dataset["T"].values
    data = dataset["retrieved"].sel(n_sites=n_sites, alpha=alpha).astype(float)
    value, error = disorder_jackknife(
        lambda block: level_crossing(T, block.mean(axis=-1), 0.5),
        data.transpose("T", "sample", "replica"),
    )
    if not np.isfinite(value):
        return np.nan, np.nan
    spacing = np.diff(T)[min(np.searchsorted(T, value) - 1, len(T) - 2)]
    return value, float(np.hypot(error, spacing / np.sqrt(12)))


def _diagram(ax, ds):
    """The (α, T) plane: the AGS lines and the escape temperatures of every N."""
    line_alpha, loads = ds["line_alpha"].values, ds["alpha"].values
    alpha_c = meanfield.ags_capacity(0.0)
    ax.plot(
        np.r_[0.0, line_alpha, alpha_c],
        np.r_[1.0, ds["line_retrieval_temperature"], 0.0],
        "k-",
        lw=1.5,
        label="T_M",
    )
    ax.plot(
        np.r_[ds["line_global_load"], 0.0], np.r_[ds["line_T"], 1.0], "k--", lw=1.2, label="T_c"
    )
    fine = np.linspace(0, max(0.16, loads.max()), 100)
    ax.plot(fine, meanfield.spin_glass_temperature(fine), "k:", lw=1.2, label="T_g = 1 + √α")
    ax.plot(line_alpha, ds["line_almeida_thouless"], "k-.", lw=1, label="T_AT")
    for k, n in enumerate(ds["n_sites"].values):
        found = np.array([escape_temperature(ds, n, a) for a in loads])
        ax.errorbar(
            loads + 0.001 * (k - 1),
            found[:, 0],
            found[:, 1],
            fmt="o",
            ms=3,
            capsize=2,
            color=f"C{k}",
            label=f"escape, N = {n}",
        )
    ax.set(
        xlim=(0, fine.max()),
        ylim=(0, 1.4),
        xlabel="load α = P/N",
        ylabel="temperature T (energy)",
        title="AGS lines; points: escape T",
    )
    ax.legend(fontsize=7, ncol=2)


def retrieval_plot(ds):
    """The phase diagram; m₁ and q_ab of chains still retrieved against T beside AGS; the fraction still
    retrieved for every N."""
    fig, (diagram, overlap_ax, q_ax, fraction_ax) = panels(2, 2)
    _diagram(diagram, ds)
    sizes, T = ds["n_sites"].values, ds["T"].values
    largest = ds.sel(n_sites=sizes.max())
    still = largest["retrieved"] == 1
    first, second = (
        xr.DataArray(k, dims="pair") for k in np.triu_indices(largest.sizes["replica"], k=1)
    )
    pair_still = still.isel(replica=first) & still.isel(replica=second)
    for a, alpha in enumerate(ds["alpha"].values):
        here, color = largest.sel(alpha=alpha), f"C{a}"
        for ax, data, line, within in (
            (
                overlap_ax,
                here["overlap"].where(still.sel(alpha=alpha)),
                "ags_overlap_line",
                "replica",
            ),
            (
                q_ax,
                here["replica_overlap"].where(pair_still.sel(alpha=alpha)),
                "ags_q_line",
                "pair",
            ),
        ):
            mean, error = disorder_average(
                data, replica_dim=within
            )  # chains (pairs) still retrieved
            ax.errorbar(
                T, mean, error, fmt="o", ms=3, capsize=2, color=color, label=f"α = {alpha:g}"
            )
            ax.plot(ds["theory_T"], ds[line].sel(alpha=alpha), "-", color=color, lw=1)
        for k, n in enumerate(sizes):
            fraction = ds["retrieved"].sel(n_sites=n, alpha=alpha).astype(float).mean("replica")
            sample_errorbar(
                fraction_ax,
                T,
                fraction,
                color=color,
                alpha=0.4 + 0.6 * (k + 1) / len(sizes),
                label=f"α = {alpha:g}" if n == sizes.max() else None,
            )
        fraction_ax.axvline(
            float(ds["ags_retrieval_temperature"].sel(alpha=alpha)), color=color, ls=":", lw=1
        )
    overlap_ax.set(
        ylabel="overlap m₁", title=f"retrieved chains, N = {sizes.max()}"
    )
    q_ax.set(
        ylabel="replica overlap q_ab", title=f"retrieved pairs, N = {sizes.max()}"
    )
    fraction_ax.set(
        ylabel=f"fraction with final m₁ ≥ {RETRIEVED}",
        title=f"{ds.attrs['fixed_sweeps']} sweeps; faint: smaller N",
    )
    for ax in (overlap_ax, q_ax, fraction_ax):
        ax.set_xlabel("temperature T (energy)")
        ax.legend(fontsize=7)
    return fig


def retrieval_findings(ds):
    """The AGS retrieval temperatures of both loads and the overlap of the largest N at the smaller
    load, at the grid temperature nearest T_M/2, against AGS (one temperature: those of one pattern
    set are correlated)."""
    largest = ds.sel(n_sites=ds["n_sites"].max())
    low, high = largest["alpha"].values.min(), largest["alpha"].values.max()
    here = largest.sel(alpha=low)
    T = float(here["T"].sel(T=0.5 * float(here["ags_retrieval_temperature"]), method="nearest"))
    measured = mean_error(here["overlap"].sel(T=T))
    return {
        "alpha_low": Number(low),
        "alpha_high": Number(high),
        "T_M_low": Number(largest["ags_retrieval_temperature"].sel(alpha=low)),
        "T_M_high": Number(largest["ags_retrieval_temperature"].sel(alpha=high)),
        "T_g_high": Number(largest["spin_glass_temperature"].sel(alpha=high)),
        "largest_sites": Number(largest["n_sites"]),
        "overlap_T": Number(T),
        "samples": Number(ds.sizes["sample"]),
        "replicas": Number(ds.sizes["replica"]),
        "sweeps": Number(ds.attrs["fixed_sweeps"]),
        "overlap": measured,
        "overlap_agreement": agreement(
            measured, float(here["ags_overlap"].sel(T=T)), "the AGS overlap"
        ),
    }


def _retrieval(sizes, loads, T, samples, replicas, burn_in, sweeps, blocks, theory_T, lines, text):
    fixed = {"burn_in": burn_in, "sweeps": sweeps, "blocks": blocks, "theory_T": theory_T}
    fixed |= {"line_alpha": lines[0], "line_T": lines[1]}
    batch = {"T": T, "replica": replicas, "pair": replicas * (replicas - 1) // 2}
    return Config({"n_sites": sizes, "alpha": loads}, fixed, text, samples=samples, batch=batch)


def _steps(start, stop, step, digits=3):
    return tuple(round(t, digits) for t in np.arange(start, stop + step / 100, step))


THERMAL_RETRIEVAL = ih.Study(
    name="thermal_retrieval",
    description="Metropolis from a stored pattern over (alpha, T) beside the AGS phase diagram",
    configs={
        "quick": _retrieval(
            (200, 400),
            (0.03, 0.1),
            (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0),
            6,
            2,
            50,
            200,
            4,
            _steps(0.05, 1.0, 0.05),
            ((0.05, 0.12), (0.0, 0.5)),
            "N = 200, 400; 2 loads, 8 temperatures",
        ),
        "full": _retrieval(
            (1000, 2000, 4000),
            (0.01, 0.025, 0.05, 0.075, 0.1, 0.125),
            _steps(0.05, 1.05, 0.05, 2),
            4,
            4,
            500,
            1500,
            30,
            _steps(0.01, 1.05, 0.01),
            (
                (
                    0.001,
                    0.003,
                    0.01,
                    0.02,
                    0.035,
                    0.05,
                    0.065,
                    0.08,
                    0.095,
                    0.11,
                    0.12,
                    0.13,
                    0.135,
                    0.137,
                ),
                _steps(0.0, 0.9, 0.1, 1),
            ),
            "N = 1000-4000, 6 loads, 21 temperatures",
        ),
    },
    compute=retrieval_compute,
    theory=retrieval_theory,
    outputs={
        "overlap": Output(("T", "replica"), description="m_1 averaged over the recorded sweeps"),
        "retrieved": Output(
            ("T", "replica"),
            "1",
            "still retrieved",
            f"mean m_1 over the last tenth of the chain >= {RETRIEVED}",
        ),
        "tau_overlap": Output(("T", "replica"), "sweeps", "τ_int of m₁", "Sokal window, c = 5"),
        "half_chain_z": Output(
            ("T", "replica"),
            "1",
            "half-chain z of m₁",
            "(first-half mean - second-half mean) / combined error",
        ),
        "replica_overlap": Output(
            ("T", "pair"),
            "1",
            "replica overlap q_ab",
            "(1/N) sum_i s_i^a s_i^b over the block ends",
        ),
        "replica_overlap_z": Output(
            ("T", "pair"), "1", "half-chain z of q_ab", "over the block ends"
        ),
        "ags_overlap": Output(
            ("alpha", "T"), "1", "AGS m", "RS retrieval overlap (NaN: none)", True
        ),
        "ags_q": Output(("alpha", "T"), "1", "AGS q", "RS q of the retrieval state", True),
        "ags_overlap_line": Output(("alpha", "theory_T"), "1", "AGS m", "on the fine T line", True),
        "ags_q_line": Output(("alpha", "theory_T"), "1", "AGS q", "on the fine T line", True),
        "ags_retrieval_temperature": Output(
            ("alpha",), "energy", "T_M", "RS retrieval ends above", True
        ),
        "spin_glass_temperature": Output(("alpha",), "energy", "T_g", "1 + sqrt(alpha)", True),
        "line_retrieval_temperature": Output(
            ("line_alpha",), "energy", "T_M", "RS T_M(alpha)", True
        ),
        "line_almeida_thouless": Output(
            ("line_alpha",), "energy", "T_AT", "RS unstable below", True
        ),
        "line_global_load": Output(
            ("line_T",),
            "1",
            "α where retrieval is global",
            "retrieval states are the global minima below this load",
            True,
        ),
    },
    coordinates={
        "pair": ("1", "replica pair", "pairs (a, b), a < b, in observables.replica_pairs order"),
        "theory_T": ("energy", "T (theory line)", "temperatures of the AGS m, q"),
        "line_alpha": ("1", "load α (theory line)", "loads of the AGS lines"),
        "line_T": ("energy", "T (theory line)", "temperatures of the global-minimum line"),
    },
    plot=retrieval_plot,
    findings=retrieval_findings,
)


# --- symmetric mixtures at α → 0 -----------------------------------------------------------------


def mixtures_compute(point, fixed, disorder, thermal, checkpoint):
    """Chains of every T and replica from the symmetric n-mixture of one balanced pattern set."""
    _check(fixed)
    n, order, T, replicas = (
        point["n_sites"],
        point["mixture"],
        np.asarray(fixed["T"]),
        fixed["replica"],
    )
    if order < 3 or order % 2 == 0 or order > fixed["patterns"]:
        raise ValueError(f"mixture: odd, >= 3 and <= patterns = {fixed['patterns']}, got {order}")
    xi = ih.balanced_patterns(fixed["patterns"], n, rng=disorder)
    starts = np.repeat(
        np.sign(xi[:order].sum(axis=0)).astype(np.int8)[None], len(T) * replicas, axis=0
    )
    m, _ = _chains(ih.hebbian(xi), starts, np.repeat(T, replicas), fixed, xi[:order], thermal)
    late = m[:, m.shape[1] // 2 :].mean(axis=1).reshape(len(T), replicas, order)
    mean, spread = late.mean(axis=-1), late.max(axis=-1) - late.min(axis=-1)
    return {
        "mixture_overlap": mean,
        "mixture_spread": spread,
        "mixture_kept": (spread <= 0.5 * mean) & (mean >= 0.1),
    }


def mixtures_theory(config):
    """The α = 0 mixture overlap and its stability on a fine T line, and T_n."""
    orders, T = config.grid["mixture"], config.batch["T"]
    fine = np.linspace(min(T), max(T), 200)
    states = [[meanfield.mixture_state(order, t) for t in fine] for order in orders]
    return {
        "T_curve": ("T_curve", fine),
        "theory_mixture_overlap": (("mixture", "T_curve"), [[s.m for s in row] for row in states]),
        "theory_mixture_stable": (
            ("mixture", "T_curve"),
            [[s.stable for s in row] for row in states],
        ),
        "mixture_stability_temperature": (
            "mixture",
            [meanfield.mixture_stability_temperature(k) for k in orders],
        ),
    }


def mixtures_plot(ds):
    """The fraction of chains that keep the mixture and its component overlap against T, beside the
    α = 0 theory."""
    fig, (ax,) = panels(width=4.6, height=3.4)
    T, sizes = ds["T"].values, ds["n_sites"].values
    for k, order in enumerate(ds["mixture"].values):
        color = f"C{k}"
        for j, n in enumerate(sizes):
            kept = ds["mixture_kept"].sel(n_sites=n, mixture=order).astype(float).mean("replica")
            sample_errorbar(
                ax,
                T,
                kept,
                color=color,
                alpha=0.4 + 0.6 * (j + 1) / len(sizes),
                label=f"n = {order}, kept" if n == sizes.max() else None,
            )
        overlap = ds["mixture_overlap"].sel(n_sites=sizes.max(), mixture=order).mean("replica")
        sample_errorbar(
            ax,
            T,
            overlap,
            ls="",
            marker="D",
            mfc="none",
            color=color,
            label=f"n = {order}, component overlap",
        )
        m, stable = (
            ds["theory_mixture_overlap"].sel(mixture=order),
            ds["theory_mixture_stable"].sel(mixture=order).astype(bool),
        )
        ax.plot(
            ds["T_curve"],
            m.where(stable),
            "-",
            ds["T_curve"],
            m.where(~stable),
            "--",
            color=color,
            lw=1,
        )
        ax.axvline(
            float(ds["mixture_stability_temperature"].sel(mixture=order)), color=color, ls=":", lw=1
        )
    ax.set(
        xlabel="temperature T (energy)",
        ylabel="fraction kept / component overlap",
        ylim=(-0.05, 1.05),
        title=f"P = {ds.attrs['fixed_patterns']} balanced patterns; lines: α = 0",
    )
    ax.legend(fontsize=7)
    return fig


def mixtures_findings(ds):
    """The mixtures' stability temperatures."""
    T_n = ds["mixture_stability_temperature"]
    return {"T_3": Number(T_n.sel(mixture=3)), "T_5": Number(T_n.sel(mixture=5))}


def _mixtures(sizes, T, samples, burn_in, sweeps, blocks, text):
    fixed = {"patterns": 5, "burn_in": burn_in, "sweeps": sweeps, "blocks": blocks}
    grid = {"n_sites": sizes, "mixture": (3, 5)}
    return Config(grid, fixed, text, samples=samples, batch={"T": T, "replica": 2})


MIXTURES = ih.Study(
    name="mixtures",
    description="symmetric 3- and 5-mixtures at alpha -> 0 against their stability temperatures",
    configs={
        "quick": _mixtures((200, 400), (0.2, 0.35, 0.45, 0.55, 0.7), 3, 50, 200, 4, "N = 200, 400"),
        "full": _mixtures(
            (1000, 2000, 4000),
            (0.1, 0.2, 0.3, 0.35, 0.38, 0.41, 0.44, 0.47, 0.5, 0.55, 0.6, 0.7, 0.8),
            6,
            500,
            1500,
            30,
            "N = 1000-4000",
        ),
    },
    compute=mixtures_compute,
    theory=mixtures_theory,
    outputs={
        "mixture_overlap": Output(
            ("T", "replica"),
            "1",
            "component overlap",
            "mean of the n component overlaps over the second half",
        ),
        "mixture_spread": Output(
            ("T", "replica"), "1", "component spread", "largest minus smallest"
        ),
        "mixture_kept": Output(
            ("T", "replica"),
            "1",
            "keeps the mixture",
            "spread <= half the mean component overlap, and mean >= 0.1",
        ),
        "theory_mixture_overlap": Output(
            ("mixture", "T_curve"),
            "1",
            "mixture m (α = 0)",
            "symmetric n-mixture overlap (0: none)",
            True,
        ),
        "theory_mixture_stable": Output(
            ("mixture", "T_curve"),
            "1",
            "mixture stable (α = 0)",
            "a local minimum of the alpha = 0 free energy",
            True,
        ),
        "mixture_stability_temperature": Output(
            ("mixture",), "energy", "T_n", "stable below", True
        ),
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
