"""Validation: the samplers against exact laws they never saw.

Three sections, each against an independent exact result:

* ``boltzmann``: on networks small enough to enumerate (Hebbian pattern and
  dense storage with a field, self-couplings, the pseudo-inverse's float
  couplings, a sparse 3×3 torus (J = 1/4) with a field, random ±1 couplings), the
  final states of many independent Metropolis and Glauber chains from
  uniform starts are tested by χ² (:func:`isinghop.stats.errors.distribution_p_value`)
  against the Boltzmann law (:func:`isinghop.boltzmann`), after the sweeps
  the exact sweep matrix needs (:func:`isinghop.exact.enumeration.equilibration_sweeps`);
* ``curie_weiss``: ⟨|m|⟩ and ⟨E⟩/N of the N-spin Curie–Weiss model (Hebb,
  one uniform pattern) against the exact finite-N sums
  (:func:`isinghop.theory.meanfield.curie_weiss_finite`);
* ``kaufman``: the energy per spin of the L×L Ising torus against Kaufman's
  exact solution (:func:`isinghop.theory.torus.ising_torus_thermodynamics`), from
  cold starts below T_c and hot starts above.

Errors come from independent replicas (each a chain of its own).
"""

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.stats.finite_size import disorder_average
from isinghop.runtime import labelled

MODELS = ("hebb_patterns", "hebb_dense_field", "hebb_self_coupling", "pseudo_inverse", "lattice_field", "pm1_dense")

QUICK = ih.Config(
    grid={"section": ("boltzmann", "curie_weiss", "kaufman")},
    fixed={"bz_sites": 8, "bz_T": [0.7, 1.5], "bz_replicas": 4000,
           "cw_sites": [32, 128], "cw_T": [0.8, 1.0, 1.5], "cw_replicas": 16, "cw_sweeps": 2000,
           "kaufman_L": [4, 8], "kaufman_T": [1.5, 2.269, 3.0], "kaufman_replicas": 8, "kaufman_sweeps": 4000,
           "burn_in": 200},
    description="6 enumerable nets x 2 T x 2 rules x 2 schedules; Curie-Weiss N = 32, 128; tori L = 4, 8: seconds",
)
FULL = ih.Config(
    grid={"section": ("boltzmann", "curie_weiss", "kaufman")},
    fixed={"bz_sites": 9, "bz_T": [0.5, 1.0, 2.0], "bz_replicas": 20000,
           "cw_sites": [32, 128, 512], "cw_T": [0.6, 0.8, 0.9, 1.0, 1.1, 1.5], "cw_replicas": 32,
           "cw_sweeps": 20000,
           "kaufman_L": [4, 8, 16], "kaufman_T": [1.5, 2.0, 2.269, 2.5, 3.0], "kaufman_replicas": 16,
           "kaufman_sweeps": 40000, "burn_in": 1000},
    description="6 enumerable nets x 3 T; Curie-Weiss N = 32-512; tori L = 4-16 with 16 replicas",
)
#: T_c = 2/ln(1 + √2) of the infinite square lattice (units of J).
CRITICAL_TEMPERATURE = 2 / np.log(1 + np.sqrt(2))
RULE_SCHEDULES = (("metropolis", "permutation"), ("metropolis", "random"), ("glauber", "permutation"),
                  ("glauber", "random"))


def validation_model(kind, n_sites, rng):
    """One enumerable model of each kind (patterns and couplings drawn from ``rng``)."""
    xi = ih.random_patterns(2, n_sites, rng=rng)
    quarter = rng.integers(-1, 2, size=n_sites) / 4
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
    a = rng.choice(np.array([-1, 1]), size=(n_sites, n_sites))
    return ih.dense_model(np.triu(a, 1) + np.triu(a, 1).T)


def _boltzmann(fixed, disorder, thermal):
    temperatures = np.array(fixed["bz_T"], dtype=float)
    shape = (len(MODELS), len(temperatures), len(RULE_SCHEDULES))
    p_values, sweeps = np.full(shape, np.nan), np.zeros(shape, dtype=np.int64)
    model_seeds = disorder.spawn(len(MODELS))
    chain_seeds = thermal.spawn(np.prod(shape))
    for k, kind in enumerate(MODELS):
        model = validation_model(kind, fixed["bz_sites"], np.random.default_rng(model_seeds[k]))
        for t, T in enumerate(temperatures):
            law = ih.boltzmann(model, T=T)
            for c, (rule, schedule) in enumerate(RULE_SCHEDULES):
                seed = chain_seeds[np.ravel_multi_index((k, t, c), shape)]
                starts, stream = seed.spawn(2)
                matrix = ih.sweep_matrix(model, T=T, rule=rule, schedule=schedule)
                sweeps[k, t, c] = ih.exact.equilibration_sweeps(matrix, law, fixed["bz_replicas"])
                chain = ih.sample(model, ih.random_spins(fixed["bz_replicas"], model.n_sites, rng=starts), T=T,
                                  rule=rule, schedule=schedule, sweeps=int(sweeps[k, t, c]),
                                  record_every=int(sweeps[k, t, c]), rng=stream, record=())
                counts = np.bincount(ih.state_index(chain.spins), minlength=len(law))
                p_values[k, t, c] = ih.stats.distribution_p_value(counts, law)
    dims = ("bz_model", "bz_T", "bz_chain")
    return xr.Dataset(
        {"boltzmann_p_value": labelled(dims, p_values, "1", "χ² p-value",
                                       "p-value of the final states of bz_replicas independent chains against "
                                       "the Boltzmann law (uniform under the null hypothesis)"),
         "boltzmann_sweeps": labelled(dims, sweeps, "sweeps", "sweeps",
                                      "sweeps after which the exact law of a uniform start passes the test")},
        coords={"bz_model": ("bz_model", list(MODELS), {"units": "1", "long_name": "model",
                                                         "description": "kind of enumerable network"}),
                "bz_T": ("bz_T", temperatures, ih.runtime.cf_attrs({
                    "units": "energy", "long_name": "T", "description": "temperature (units of J)"})),
                "bz_chain": ("bz_chain", [f"{rule} {schedule}" for rule, schedule in RULE_SCHEDULES],
                             {"units": "1", "long_name": "rule and schedule",
                              "description": "Monte Carlo rule and site schedule"})},
    )


def _chain(model, T, replicas, sweeps, burn_in, rng, record, cold=False):
    """Independent chains recording ``record`` every sweep after ``burn_in``, from uniform random starts or
    (``cold``) from the all-up ground state."""
    starts, stream = rng.spawn(2)
    spins = np.ones((replicas, model.n_sites)) if cold else ih.random_spins(replicas, model.n_sites, rng=starts)
    return ih.sample(model, spins, T=T, sweeps=sweeps, burn_in=burn_in, rng=stream, record=record)


def _curie_weiss(fixed, disorder, thermal):
    sizes, temperatures = fixed["cw_sites"], np.array(fixed["cw_T"], dtype=float)
    shape = (len(sizes), len(temperatures), fixed["cw_replicas"])
    abs_m, energy = np.full(shape, np.nan), np.full(shape, np.nan)
    seeds = thermal.spawn(len(sizes) * len(temperatures))
    for a, n in enumerate(sizes):
        model = ih.hebbian(np.ones((1, n), dtype=np.int8))  # J = 1/N, zero diagonal: Curie–Weiss
        for t, T in enumerate(temperatures):
            chain = _chain(model, T, fixed["cw_replicas"], fixed["cw_sweeps"], fixed["burn_in"],
                                   seeds[a * len(temperatures) + t], ("energy_per_spin", "magnetisation"))
            abs_m[a, t] = np.abs(chain.magnetisation).mean(axis=1)
            energy[a, t] = chain.energy_per_spin.mean(axis=1)
    exact = ih.theory.curie_weiss_finite
    dims = ("cw_sites", "cw_T", "cw_replica")
    return xr.Dataset(
        {"cw_abs_m": labelled(dims, abs_m, "1", "⟨|m|⟩", "chain mean of |m| per replica"),
         "cw_energy": labelled(dims, energy, "energy", "⟨E⟩/N", "chain mean of E/N per replica"),
         "cw_abs_m_exact": labelled(dims[:2], [exact(n, temperatures).abs_magnetisation for n in sizes], "1",
                                    "exact ⟨|m|⟩", "finite-N Curie–Weiss sum"),
         "cw_energy_exact": labelled(dims[:2], [exact(n, temperatures).energy_per_spin for n in sizes], "energy",
                                     "exact ⟨E⟩/N", "finite-N Curie–Weiss sum")},
        coords={"cw_sites": ("cw_sites", sizes, {"units": "1", "long_name": "N", "description": "number of spins"}),
                "cw_T": ("cw_T", temperatures, ih.runtime.cf_attrs({"units": "energy", "long_name": "T",
                                                                     "description": "temperature (units of J)"})),
                "cw_replica": ("cw_replica", np.arange(shape[2]), {"units": "1", "long_name": "replica",
                                                                    "description": "independent chain"})},
    )


def _kaufman(fixed, disorder, thermal):
    sides, temperatures = fixed["kaufman_L"], np.array(fixed["kaufman_T"], dtype=float)
    shape = (len(sides), len(temperatures), fixed["kaufman_replicas"])
    energy = np.full(shape, np.nan)
    seeds = thermal.spawn(len(sides) * len(temperatures))
    fine = np.linspace(temperatures.min() * 0.9, temperatures.max() * 1.05, 60)
    for a, L in enumerate(sides):
        for t, T in enumerate(temperatures):
            # ordered phase: cold starts (a hot start can leave a stripe across the torus for very long)
            chain = _chain(ih.square_lattice(L), T, fixed["kaufman_replicas"], fixed["kaufman_sweeps"],
                           fixed["burn_in"], seeds[a * len(temperatures) + t], ("energy_per_spin",),
                           cold=T < CRITICAL_TEMPERATURE)
            energy[a, t] = chain.energy_per_spin.mean(axis=1)
    exact = [[ih.theory.ising_torus_thermodynamics(L, T)[0] for T in temperatures] for L in sides]
    curve = [[ih.theory.ising_torus_thermodynamics(L, T)[0] for T in fine] for L in sides]
    attrs_T = ih.runtime.cf_attrs({"units": "energy", "long_name": "T", "description": "temperature (units of J)"})
    return xr.Dataset(
        {"kaufman_energy": labelled(("kaufman_L", "kaufman_T", "kaufman_replica"), energy, "energy", "⟨E⟩/N",
                                    "chain mean of E/N per replica"),
         "kaufman_energy_exact": labelled(("kaufman_L", "kaufman_T"), exact, "energy", "exact ⟨E⟩/N",
                                          "Kaufman's exact energy per spin of the L×L torus"),
         "kaufman_curve": labelled(("kaufman_L", "kaufman_T_fine"), curve, "energy", "exact ⟨E⟩/N",
                                   "Kaufman's exact energy per spin on a fine temperature grid")},
        coords={"kaufman_L": ("kaufman_L", sides, {"units": "1", "long_name": "L", "description": "side of the torus"}),
                "kaufman_T": ("kaufman_T", temperatures, attrs_T),
                "kaufman_T_fine": ("kaufman_T_fine", fine, attrs_T),
                "kaufman_replica": ("kaufman_replica", np.arange(shape[2]),
                                    {"units": "1", "long_name": "replica", "description": "independent chain"})},
    )


def run_point(point, fixed, disorder, thermal, checkpoint):
    """The variables of one section: ``boltzmann``, ``curie_weiss`` or ``kaufman``."""
    return {"boltzmann": _boltzmann, "curie_weiss": _curie_weiss,
            "kaufman": _kaufman}[point["section"]](fixed, disorder, thermal)


def plot(dataset):
    """χ² p-values against the uniform law; Curie–Weiss and Kaufman against their exact values."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(16, 5), layout="constrained")
    pvalues, curie, torus = fig.subplots(1, 3)
    p = np.sort(dataset["boltzmann_p_value"].values.ravel())
    uniform = (np.arange(1, p.size + 1) - 0.5) / p.size
    pvalues.plot(uniform, p, "o", ms=4, label=f"{p.size} χ² tests (models × T × rule × schedule)")
    pvalues.plot([0, 1], [0, 1], "k-", lw=1, label="uniform: every sampler draws from Boltzmann")
    pvalues.set_xlabel("uniform quantile")
    pvalues.set_ylabel("sorted χ² p-value")
    pvalues.set_title("final states against the exact Boltzmann law", fontsize=10)
    pvalues.legend(fontsize=8)
    for k, n in enumerate(dataset["cw_sites"].values):
        here = dataset.sel(cw_sites=n)
        for variable, marker in (("cw_abs_m", "o"), ("cw_energy", "s")):
            mean, error = disorder_average(here[variable], dim="cw_replica", replica_dim=None)
            curie.errorbar(here["cw_T"], mean, yerr=error, fmt=marker, color=f"C{k}", capsize=2, ms=4,
                           label=f"N = {n}: {'⟨|m|⟩' if variable == 'cw_abs_m' else '⟨E⟩/N'} sampled")
            curie.plot(here["cw_T"], here[f"{variable}_exact"], "-", color=f"C{k}", lw=1)
    curie.set_xlabel("temperature T (units of J)")
    curie.set_ylabel("⟨|m|⟩ (1) and ⟨E⟩/N (units of J)")
    curie.set_title("Curie–Weiss: Metropolis (markers) against the exact finite-N sums (lines)", fontsize=10)
    curie.legend(fontsize=7)
    for k, L in enumerate(dataset["kaufman_L"].values):
        here = dataset.sel(kaufman_L=L)
        mean, error = disorder_average(here["kaufman_energy"], dim="kaufman_replica", replica_dim=None)
        torus.errorbar(here["kaufman_T"], mean, yerr=error, fmt="o", color=f"C{k}", capsize=2, ms=4,
                       label=f"L = {L}, Metropolis")
        torus.plot(here["kaufman_T_fine"], here["kaufman_curve"], "-", color=f"C{k}", lw=1,
                   label=f"L = {L}, Kaufman (exact)")
    torus.axvline(CRITICAL_TEMPERATURE, color="0.6", ls=":", lw=1, label="T_c of the infinite lattice")
    torus.set_xlabel("temperature T (units of J)")
    torus.set_ylabel("energy per spin ⟨E⟩/N (units of J)")
    torus.set_title("2D Ising torus against Kaufman's exact solution", fontsize=10)
    torus.legend(fontsize=7)
    fig.suptitle("The samplers against exact laws; error bars from independent replicas", fontsize=12)
    return fig


def findings(dataset):
    """The paper's numbers: the χ² tests against Boltzmann combined, and the Curie–Weiss and Kaufman
    comparisons as χ² over every (size, T)."""
    from isinghop.stats.report import Number, chi2_agreement, combined_p_value

    out = {"boltzmann_tests": Number(np.isfinite(dataset["boltzmann_p_value"]).sum()),
           "boltzmann_models": Number(dataset.sizes["bz_model"]),
           "boltzmann_agreement": combined_p_value(dataset["boltzmann_p_value"], "the Boltzmann laws")}
    for variable, dim, what in (("cw_abs_m", "cw_replica", "the exact finite-N values"),
                                ("cw_energy", "cw_replica", "the exact finite-N values"),
                                ("kaufman_energy", "kaufman_replica", "Kaufman's exact energies")):
        mean, error = disorder_average(dataset[variable], dim=dim, replica_dim=None)
        out[f"{variable}_agreement"] = chi2_agreement(mean, error, dataset[f"{variable}_exact"], what,
                                                      samples=dataset.sizes[dim])
    out["kaufman_largest"] = Number(dataset["kaufman_L"].max())
    out["cw_smallest"], out["cw_largest"] = Number(dataset["cw_sites"].min()), Number(dataset["cw_sites"].max())
    out["cw_T_low"], out["cw_T_high"] = Number(dataset["cw_T"].min()), Number(dataset["cw_T"].max())
    out["kaufman_T_low"], out["kaufman_T_high"] = Number(dataset["kaufman_T"].min()), Number(dataset["kaufman_T"].max())
    return out


STUDY = ih.Study(
    name="validation",
    description="the samplers against exact laws: χ² against Boltzmann, Curie–Weiss finite N, Kaufman's torus",
    configs={"quick": QUICK, "full": FULL},
    run_point=run_point,
    plot=plot,
    coordinates={"section": {"units": "1", "long_name": "section", "description": "one experiment of the study"}},
    sections=("section",),
    findings=findings,
)
