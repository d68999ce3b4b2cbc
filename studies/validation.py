"""Validation: the samplers against exact laws they never saw. The group's studies:

* ``boltzmann_chi2`` — on networks small enough to enumerate, the final states of many independent
  Metropolis and Glauber chains from uniform starts, after the sweeps the exact sweep matrix needs
  (:func:`isinghop.exact.enumeration.equilibration_sweeps`), tested by χ² against the Boltzmann law;
* ``curie_weiss_exact`` — ⟨|m|⟩ and ⟨E⟩/N of the N-spin Curie–Weiss model (Hebb, one uniform
  pattern) against the exact finite-N sums (:func:`isinghop.theory.meanfield.curie_weiss_finite`);
* ``kaufman_torus`` — the energy per spin of the L×L Ising torus against Kaufman's exact solution
  (:func:`isinghop.theory.torus.ising_torus_thermodynamics`), from cold starts below T_c.

Error bars come from independent chain sets (the ``sample`` axis).
"""

import numpy as np

import isinghop as ih
from isinghop.runtime import Config, Output
from isinghop.stats.finite_size import disorder_average
from isinghop.stats.report import Number, chi2_agreement, combined_p_value
from isinghop.theory import curie_weiss_finite, ising_torus_thermodynamics
from isinghop.viz.figures import panels, sample_errorbar

CHAIN_SETS = ("1", "chain set", "independent chains from their own starts (no disorder to draw)")

# --- χ² against Boltzmann ------------------------------------------------------------------------

NETWORKS = ("hebb_patterns", "hebb_dense_field", "hebb_self_coupling", "pseudo_inverse")
NETWORKS += ("lattice_field", "pm1_dense")
CHAINS = ("metropolis permutation", "metropolis random", "glauber permutation", "glauber random")


def enumerable_network(kind, n_sites, rng):
    """One enumerable network of each kind: Hebbian pattern and dense storage with a field,
    self-couplings, the pseudo-inverse's float couplings, a 3×3 torus (J = 1/4) with a field, random
    ±1 couplings (patterns, fields and couplings drawn from ``rng``)."""
    rng = np.random.default_rng(rng)
    xi, quarter = ih.random_patterns(2, n_sites, rng=rng), rng.integers(-1, 2, size=n_sites) / 4
    if kind == "hebb_patterns":
        return ih.hebbian(xi)
    if kind == "hebb_dense_field":
        return ih.hebbian(xi, storage="dense").with_field(h=quarter)
    if kind == "hebb_self_coupling":
        return ih.hebbian(xi, self_coupling=True)
    if kind == "pseudo_inverse":
        return ih.pseudo_inverse(xi)
    if kind == "lattice_field":
        return ih.square_lattice(3, coupling=0.25, h=rng.integers(-1, 2, size=9) * 0.25)
    a = np.triu(rng.choice(np.array([-1, 1]), size=(n_sites, n_sites)), 1)
    return ih.dense_model(a + a.T)


def chi2_compute(point, fixed, disorder, thermal, checkpoint):
    """χ² p-value of the final states of independent chains of each rule and schedule."""
    model, T = enumerable_network(point["network"], fixed["n_sites"], disorder), point["T"]
    law, chains = ih.boltzmann(model, T=T), fixed["chains"]
    p_value, sweeps = np.empty(len(CHAINS)), np.empty(len(CHAINS), dtype=np.int64)
    for c, (chain, seed) in enumerate(zip(CHAINS, thermal.spawn(len(CHAINS)))):
        rule, schedule = chain.split()
        starts, stream = seed.spawn(2)
        matrix = ih.sweep_matrix(model, T=T, rule=rule, schedule=schedule)
        sweeps[c] = ih.exact.equilibration_sweeps(matrix, law, chains)
        spins, length = ih.random_spins(chains, model.n_sites, rng=starts), int(sweeps[c])
        how = dict(rule=rule, schedule=schedule, sweeps=length, record_every=length, record=())
        final = ih.sample(model, spins, T=T, **how, rng=stream).spins
        counts = np.bincount(ih.state_index(final), minlength=len(law))
        p_value[c] = ih.stats.distribution_p_value(counts, law)
    return {"p_value": p_value, "sweeps": sweeps}


def chi2_plot(ds):
    """Sorted p-values against the uniform quantiles: a sampler that draws from Boltzmann lies on the
    diagonal."""
    fig, (ax,) = panels()
    for k, chain in enumerate(CHAINS):
        p = np.sort(ds["p_value"].sel(chain=chain).values.ravel())
        ax.plot((np.arange(1, p.size + 1) - 0.5) / p.size, p, "o", ms=3, color=f"C{k}", label=chain)
    ax.plot([0, 1], [0, 1], "k-", lw=0.8, label="uniform")
    ax.set(xlabel="uniform quantile", ylabel="sorted χ² p-value")
    ax.set_title(f"{ds['p_value'].size} tests against Boltzmann")
    ax.legend()
    return fig


def chi2_findings(ds):
    """The χ² tests combined by Fisher's method."""
    agreement = combined_p_value(ds["p_value"], "the Boltzmann laws")
    return {
        "tests": Number(ds["p_value"].size),
        "networks": Number(ds.sizes["network"]),
        "agreement": agreement,
    }


def _chi2(n, temperatures, chains, samples, minutes, text):
    grid = {"network": NETWORKS, "T": temperatures}
    fixed = {"n_sites": n, "chains": chains}
    return Config(grid, fixed, text, samples=samples, batch={"chain": CHAINS}, minutes=minutes)


BOLTZMANN_CHI2 = ih.Study(
    name="boltzmann_chi2",
    description="final states of Metropolis and Glauber chains against the exact Boltzmann law, by chi2",
    configs={
        "quick": _chi2(8, (0.7, 1.5), 4000, 1, 0.2, "6 networks × 2 T, N = 8, 4000 chains"),
        "full": _chi2(9, (0.5, 1.0, 2.0), 20000, 2, None, "6 networks × 3 T × 2, N = 9"),
    },
    compute=chi2_compute,
    outputs={
        "p_value": Output(("chain",), "1", "χ² p-value", "uniform under the null hypothesis"),
        "sweeps": Output(("chain",), "sweeps", "sweeps", "where the exact law passes the test"),
    },
    coordinates={
        "network": ("1", "network", "kind of enumerable network"),
        "chain": ("1", "rule and schedule", "Monte Carlo rule and site schedule"),
    },
    plot=chi2_plot,
    findings=chi2_findings,
)


# --- Curie–Weiss at finite N ---------------------------------------------------------------------


def _chains(model, T, fixed, thermal, record, cold=False):
    """Independent chains from uniform random starts or (``cold``) all up, recording after burn-in."""
    starts, stream = thermal.spawn(2)
    shape = (fixed["replicas"], model.n_sites)
    spins = np.ones(shape) if cold else ih.random_spins(*shape, rng=starts)
    sweeps, burn_in = fixed["sweeps"], fixed["burn_in"]
    return ih.sample(model, spins, T=T, sweeps=sweeps, burn_in=burn_in, rng=stream, record=record)


def cw_compute(point, fixed, disorder, thermal, checkpoint):
    """Chain means of |m| and E/N of one chain set (J = 1/N, zero diagonal: Curie–Weiss)."""
    model = ih.hebbian(np.ones((1, point["n_sites"]), dtype=np.int8))
    chain = _chains(model, point["T"], fixed, thermal, ("energy_per_spin", "magnetisation"))
    return {
        "abs_magnetisation": abs(chain.magnetisation).mean(),
        "energy_per_spin": chain.energy_per_spin.mean(),
    }


def cw_theory(config):
    exact = [curie_weiss_finite(n, np.asarray(config.grid["T"])) for n in config.grid["n_sites"]]
    return {
        "abs_magnetisation_exact": (("n_sites", "T"), [e.abs_magnetisation for e in exact]),
        "energy_per_spin_exact": (("n_sites", "T"), [e.energy_per_spin for e in exact]),
    }


def cw_plot(ds):
    """⟨|m|⟩ and ⟨E⟩/N against T beside the exact sums."""
    fig, (ax,) = panels(width=3.6, height=3.0)
    for k, n in enumerate(ds["n_sites"].values):
        for name, marker in (("abs_magnetisation", "o"), ("energy_per_spin", "s")):
            label, here = f"N = {n}" if marker == "o" else None, ds[name].sel(n_sites=n)
            sample_errorbar(ax, ds["T"], here, ls="", marker=marker, color=f"C{k}", label=label)
            ax.plot(ds["T"], ds[f"{name}_exact"].sel(n_sites=n), "-", color=f"C{k}", lw=0.8)
    ax.set(xlabel="temperature T (energy)", ylabel="⟨|m|⟩ (circles), ⟨E⟩/N (squares, energy)")
    ax.set_title("Curie–Weiss; lines: exact")
    ax.legend()
    return fig


def _agreement(ds, name, what):
    mean, error = disorder_average(ds[name], replica_dim=None)
    return chi2_agreement(mean, error, ds[f"{name}_exact"], what, samples=ds.sizes["sample"])


def cw_findings(ds):
    """χ² over every (N, T) of the chain means against the exact values."""
    n, T, what = ds["n_sites"], ds["T"], "the exact finite-N values"
    ranges = {"smallest": n.min(), "largest": n.max(), "T_low": T.min(), "T_high": T.max()}
    return {key: Number(value) for key, value in ranges.items()} | {
        "abs_m_agreement": _agreement(ds, "abs_magnetisation", what),
        "energy_agreement": _agreement(ds, "energy_per_spin", what),
    }


def _chain_sets(grid, replicas, samples, sweeps, burn_in, text):
    """A configuration of ``samples`` independent sets of ``replicas`` chains at every grid point."""
    fixed = {"replicas": replicas, "sweeps": sweeps, "burn_in": burn_in}
    return Config(grid, fixed, text, samples=samples)


CW_T = (0.6, 0.8, 0.9, 1.0, 1.1, 1.5)
CURIE_WEISS_EXACT = ih.Study(
    name="curie_weiss_exact",
    description="Curie-Weiss <|m|> and <E>/N by Metropolis against the exact finite-N sums",
    configs={
        "quick": _chain_sets(
            {"n_sites": (32, 128), "T": (0.8, 1.0, 1.5)}, 4, 4, 2000, 200, "N ≤ 128"
        ),
        "full": _chain_sets({"n_sites": (32, 128, 512), "T": CW_T}, 4, 8, 20000, 1000, "N ≤ 512"),
    },
    compute=cw_compute,
    theory=cw_theory,
    outputs={
        "abs_magnetisation": Output((), "1", "⟨|m|⟩", "chain mean of |m|"),
        "energy_per_spin": Output(()),
        "abs_magnetisation_exact": Output(("n_sites", "T"), "1", "exact ⟨|m|⟩", "", True),
        "energy_per_spin_exact": Output(("n_sites", "T"), "energy", "exact ⟨E⟩/N", "", True),
    },
    coordinates={"sample": CHAIN_SETS},
    plot=cw_plot,
    findings=cw_findings,
)


# --- Kaufman's torus -----------------------------------------------------------------------------

#: T_c = 2/ln(1 + √2) of the infinite square lattice (units of J).
CRITICAL_TEMPERATURE = 2 / np.log(1 + np.sqrt(2))


def torus_compute(point, fixed, disorder, thermal, checkpoint):
    """Chain mean of E/N; cold starts below T_c (a hot start can leave a stripe across the torus)."""
    T = point["T"]
    lattice = ih.square_lattice(point["side"])
    chain = _chains(lattice, T, fixed, thermal, ("energy_per_spin",), cold=T < CRITICAL_TEMPERATURE)
    return {"energy_per_spin": chain.energy_per_spin.mean()}


def torus_theory(config):
    sides, T = config.grid["side"], config.grid["T"]
    fine = np.linspace(min(T) * 0.9, max(T) * 1.05, 60)

    def energy(temperatures):
        return [[ising_torus_thermodynamics(L, t)[0] for t in temperatures] for L in sides]

    return {
        "T_curve": ("T_curve", fine),
        "energy_per_spin_exact": (("side", "T"), energy(T)),
        "energy_curve": (("side", "T_curve"), energy(fine)),
    }


def torus_plot(ds):
    """E/N against T beside Kaufman's exact curve."""
    fig, (ax,) = panels(width=3.6, height=3.0)
    for k, side in enumerate(ds["side"].values):
        energy = ds["energy_per_spin"].sel(side=side)
        sample_errorbar(ax, ds["T"], energy, ls="", color=f"C{k}", label=f"L = {side}")
        ax.plot(ds["T_curve"], ds["energy_curve"].sel(side=side), "-", color=f"C{k}", lw=0.8)
    ax.axvline(CRITICAL_TEMPERATURE, color="0.6", ls=":", lw=0.8, label="T_c (L → ∞)")
    ax.set(xlabel="temperature T (units of J)", ylabel="energy per spin ⟨E⟩/N (units of J)")
    ax.set_title("L × L torus; lines: Kaufman")
    ax.legend()
    return fig


def torus_findings(ds):
    """χ² over every (L, T) of the chain means against Kaufman's energies."""
    ranges = {"largest": ds["side"].max(), "T_low": ds["T"].min(), "T_high": ds["T"].max()}
    agreement = _agreement(ds, "energy_per_spin", "Kaufman's exact energies")
    return {key: Number(value) for key, value in ranges.items()} | {"agreement": agreement}


TORUS_T = (1.5, 2.0, 2.269, 2.5, 3.0)
KAUFMAN_TORUS = ih.Study(
    name="kaufman_torus",
    description="energy per spin of the L x L Ising torus by Metropolis against Kaufman's solution",
    configs={
        "quick": _chain_sets({"side": (4, 8), "T": (1.5, 2.269, 3.0)}, 2, 4, 4000, 200, "L ≤ 8"),
        "full": _chain_sets({"side": (4, 8, 16), "T": TORUS_T}, 2, 8, 40000, 1000, "L ≤ 16"),
    },
    compute=torus_compute,
    theory=torus_theory,
    outputs={
        "energy_per_spin": Output(()),
        "energy_per_spin_exact": Output(("side", "T"), "energy", "exact ⟨E⟩/N", "Kaufman", True),
        "energy_curve": Output(("side", "T_curve"), "energy", "exact ⟨E⟩/N", "Kaufman", True),
    },
    coordinates={
        "sample": CHAIN_SETS,
        "side": ("1", "L", "side of the torus"),
        "T_curve": ("energy", "temperature T", "fine grid of the exact curve"),
    },
    plot=torus_plot,
    findings=torus_findings,
)

STUDIES = (BOLTZMANN_CHI2, CURIE_WEISS_EXACT, KAUFMAN_TORUS)
