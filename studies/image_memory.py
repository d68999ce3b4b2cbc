"""Image memory: photographs stored as Hebbian memories, corrupted, and recalled at T = 0.

Pictures shipped with matplotlib become ±1 patterns (:mod:`isinghop.viz.pictures`:
grey scale, centre square, resized, thresholded at the median so that half
the pixels are +1). Two memories: one picture at 128 × 128 (N = 16 384,
P = 1) and two pictures at 64 × 64 (N = 4 096, P = 2), Hebbian couplings in
pattern storage (O(NP) memory, zero diagonal).

Each memory is cued with corrupted copies of its first picture — random
flips at rate p, the lower part masked with −1, +1 or noise, full
inversion, inversion of the upper half — and recalled by synchronous and
by asynchronous (fresh random order each sweep) zero-temperature updates,
ties keeping the spin; the overlaps with every stored picture are recorded
after every sweep. What it shows:

* the inverted picture −ξ is itself a fixed point (the mirror state: H is
  even in s);
* the half-inverted picture has overlap exactly 0 with a single stored
  picture; every local field then opposes its spin (φ_i = −s_i/N), so the
  synchronous update inverts every spin, again overlap 0: a 2-cycle. One
  asynchronous flip breaks the tie and the state falls to the picture or its
  mirror, each about half the time;
* with two pictures, recall goes to the stored picture of largest |m_μ|
  in the cue, with its sign — the picture, or its mirror −ξ^μ when
  m_μ < 0 (P = 2 Hebb: s_i → sgn(m₁ξ¹_i + m₂ξ²_i − 2s_i/N); the self-term
  matters only when |m₁ ± m₂| ≤ 2/N). A second picture masked with noise
  keeps its identity until the mask leaves almost nothing of it; then the
  noise's own overlaps, independent and of order N^(−1/2), decide, and the
  cue ends at ξ¹, −ξ¹, ξ² or −ξ² about a quarter of the time each — so a
  heavily masked second picture is often recalled as the first.
"""

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.stats.errors import binomial_error
from isinghop.viz.pictures import picture_pattern
from isinghop.runtime import labelled

CORRUPTIONS = ("flip 0.1", "flip 0.2", "flip 0.3", "flip 0.4", "mask -1", "mask +1", "mask noise", "inverted",
               "half inverted")
SCHEDULES = ("synchronous", "permutation")
MEMORIES = {"single": ("grace_hopper",), "pair": ("grace_hopper", "present")}
#: Overlap above which a final state counts as the picture (or, negative, its mirror).
RECALLED = 0.99

QUICK = ih.Config(
    grid={"memory": ("single", "pair")},
    fixed={"single_side": 128, "pair_side": 64, "replicas": 16, "mask_rows": 0.4, "max_sweeps": 50,
           "mask_sweep": [0.5, 0.9, 0.95, 0.98, 1.0], "animation_frames_per_sweep": 8},
    description="1 picture at 128 x 128 and 2 at 64 x 64, 9 corruptions x 2 schedules, 16 cues each: seconds",
)
FULL = ih.Config(
    grid={"memory": ("single", "pair")},
    fixed={"single_side": 128, "pair_side": 64, "replicas": 400, "mask_rows": 0.4, "max_sweeps": 100,
           "mask_sweep": [float(f) for f in np.round(np.concatenate([np.arange(0.0, 0.9, 0.1),
                                                                     np.arange(0.9, 1.0001, 0.01)]), 3)],
           "animation_frames_per_sweep": 16},
    description="the same with 400 cues per corruption and a finer mask sweep",
)


def corrupt(picture, name, side, mask_rows, replicas, rng):
    """``replicas`` cues ``(replica, site)`` made from ``picture`` by the named corruption."""
    cues = np.repeat(picture[None], replicas, axis=0)
    lower = (slice(side - int(round(mask_rows * side)), side), slice(None))
    kind, _, value = name.partition(" ")
    if kind == "flip":
        return ih.flip_fraction(cues, float(value), rng=rng)
    if kind == "mask":
        return ih.mask_block(cues, lower, fill="random" if value == "noise" else int(value), shape=(side, side),
                             rng=rng)
    if name == "inverted":
        return ih.invert(cues)
    return ih.invert_region(cues, (slice(0, side // 2), slice(None)), shape=(side, side))


def run_point(point, fixed, disorder, thermal, checkpoint):
    """Recall of every corruption under both schedules for one memory; for the pair, the mask sweep too."""
    memory = point["memory"]
    names = MEMORIES[memory]
    side, replicas, max_sweeps = fixed[f"{memory}_side"], fixed["replicas"], fixed["max_sweeps"]
    pictures = [picture_pattern(name, side) for name in names]
    xi = np.stack([p.spins for p in pictures])
    model = ih.hebbian(xi)
    n_sites = side * side
    shape = (len(CORRUPTIONS), len(SCHEDULES), replicas)
    overlaps = np.full(shape + (max_sweeps + 1, len(names)), np.nan)
    final = np.empty(shape + (len(names),))
    sweeps, cycle = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
    converged = np.zeros(shape, dtype=bool)
    cue_images = np.zeros((len(CORRUPTIONS), n_sites), dtype=np.int8)
    recalled_images = np.zeros((len(CORRUPTIONS), len(SCHEDULES), n_sites), dtype=np.int8)
    streams = thermal.spawn(len(CORRUPTIONS) + 2)
    for c, name in enumerate(CORRUPTIONS):
        cue_seed, *schedule_seeds = streams[c].spawn(1 + len(SCHEDULES))
        cues = corrupt(xi[0], name, side, fixed["mask_rows"], replicas, cue_seed)
        cue_images[c] = cues[0]
        for k, schedule in enumerate(SCHEDULES):
            run = ih.relax(model, cues, schedule=schedule, tie="keep", max_sweeps=max_sweeps, record="overlaps",
                           rng=schedule_seeds[k])
            overlaps[c, k, :, : run.overlaps.shape[1]] = run.overlaps
            final[c, k] = run.spins @ xi.T.astype(np.int64) / n_sites
            sweeps[c, k], cycle[c, k], converged[c, k] = run.sweeps, run.cycle_length, run.converged
            recalled_images[c, k] = run.spins[0]
    pre = f"{memory}_"
    site, pattern = f"{memory}_site", f"{memory}_pattern"
    per_run = ("corruption", "schedule", "replica")
    data = {
        pre + "patterns": labelled((pattern, site), xi, "1", "stored picture", "xi^mu as +-1 pixels, row-major"),
        pre + "picture": labelled(pattern, np.array(names), "1", "picture", "matplotlib sample picture"),
        pre + "threshold": labelled(pattern, [p.threshold for p in pictures], "1", "threshold",
                                    "median grey level (0 black, 1 white) separating -1 from +1"),
        pre + "fraction_up": labelled(pattern, [p.fraction_up for p in pictures], "1", "fraction +1",
                                      "fraction of pixels at +1"),
        pre + "cue": labelled(("corruption", site), cue_images, "1", "cue", "the first replica's corrupted picture"),
        pre + "recalled": labelled(("corruption", "schedule", site), recalled_images, "1", "recalled",
                                   "the first replica's final state"),
        pre + "overlap": labelled(per_run + ("sweep", pattern), overlaps, "1", "overlap",
                                  "m_mu = (1/N) sum_i xi_i^mu s_i after each sweep (sweep 0: the cue); NaN after "
                                  "the recall stopped"),
        pre + "final_overlap": labelled(per_run + (pattern,), final, "1", "final overlap",
                                        "m_mu when the recall stopped"),
        pre + "sweeps": labelled(per_run, sweeps, "sweeps", "sweeps", "sweeps until the recall stopped"),
        pre + "cycle_length": labelled(per_run, cycle, "sweeps", "cycle length",
                                       "period of a detected limit cycle (0: none)"),
        pre + "converged": labelled(per_run, converged, "1", "fixed point", "the final state is a fixed point"),
    }
    if memory == "single":
        data.update(_animation(model, xi[0], side, fixed, streams[-1]))
    else:
        data.update(_mask_sweep(model, xi, side, fixed, streams[-2]))
    coords = {
        "corruption": ("corruption", np.array(CORRUPTIONS), {"units": "1", "long_name": "corruption",
                       "description": "flip p: fraction p of pixels flipped; mask f: the lower rows set to f "
                                      "(noise: random); inverted: -xi; half inverted: upper half flipped"}),
        "schedule": ("schedule", np.array(SCHEDULES), {"units": "1", "long_name": "schedule",
                     "description": "synchronous: all sites at once; permutation: a fresh random order per sweep"}),
        "replica": ("replica", np.arange(replicas), {"units": "1", "long_name": "replica",
                    "description": "an independent cue (where the corruption is random) and update order"}),
        "sweep": labelled("sweep", np.arange(max_sweeps + 1), "sweeps", "sweep",
                          "N update attempts (one synchronous step)"),
    }
    return xr.Dataset(data, coords=coords)


def _mask_sweep(model, xi, side, fixed, stream):
    """The second picture with a growing lower fraction of its rows replaced by noise, recalled asynchronously."""
    fractions = np.asarray(fixed["mask_sweep"], dtype=np.float64)
    replicas, n_sites = fixed["replicas"], side * side
    cue_overlap = np.empty((len(fractions), replicas, len(xi)))
    final_overlap = np.empty_like(cue_overlap)
    example_cue = np.zeros((len(fractions), n_sites), dtype=np.int8)
    example_final = np.zeros_like(example_cue)
    example = np.zeros(len(fractions), dtype=np.int64)
    patterns = xi.T.astype(np.int64)
    for f, (fraction, seed) in enumerate(zip(fractions, stream.spawn(len(fractions)))):
        cue_seed, relax_seed = seed.spawn(2)
        rows = int(round(fraction * side))
        cues = ih.mask_block(np.repeat(xi[1:2], replicas, axis=0), (slice(side - rows, side), slice(None)),
                             fill="random", shape=(side, side), rng=cue_seed)
        run = ih.relax(model, cues, schedule="permutation", tie="keep", max_sweeps=fixed["max_sweeps"],
                       rng=relax_seed)
        cue_overlap[f] = cues @ patterns / n_sites
        final_overlap[f] = run.spins @ patterns / n_sites
        wrong = np.flatnonzero(final_overlap[f, :, 0] >= RECALLED)
        example[f] = wrong[0] if wrong.size else 0
        example_cue[f], example_final[f] = cues[example[f]], run.spins[example[f]]
    dims = ("mask_fraction", "replica", "pair_pattern")
    return {
        "mask_fraction": labelled("mask_fraction", fractions, "1", "masked fraction",
                                  "fraction of the second picture's rows (from the bottom) replaced by noise"),
        "pair_mask_cue_overlap": labelled(dims, cue_overlap, "1", "cue overlap", "m_mu of the masked cue"),
        "pair_mask_final_overlap": labelled(dims, final_overlap, "1", "final overlap",
                                            "m_mu after asynchronous recall (permutation order, ties keep)"),
        "pair_mask_example": labelled("mask_fraction", example, "1", "example replica",
                                      "the first replica recalled as the first picture, else replica 0"),
        "pair_mask_example_cue": labelled(("mask_fraction", "pair_site"), example_cue, "1", "example cue",
                                          "the example replica's cue"),
        "pair_mask_example_final": labelled(("mask_fraction", "pair_site"), example_final, "1", "example recall",
                                            "the example replica's final state"),
    }


def _animation(model, picture, side, fixed, stream):
    """Snapshots of one asynchronous recall of the half-inverted picture (the symmetry is broken by one flip)."""
    cue = ih.invert_region(picture, (slice(0, side // 2), slice(None)), shape=(side, side))
    n_sites = side * side
    every = -(-n_sites // fixed["animation_frames_per_sweep"])
    run = ih.relax(model, cue, schedule="permutation", tie="keep", record="snapshots", snapshot_every=every,
                   max_sweeps=fixed["max_sweeps"], rng=stream)
    return {
        "single_animation_frames": labelled(("frame", "single_site"), run.snapshots, "1", "snapshot",
                                            "spins during the asynchronous recall of the half-inverted picture"),
        "single_animation_time": labelled("frame", run.snapshot_times, "sweeps", "time",
                                          "sweeps done at each snapshot"),
    }


def outcome_fractions(final, threshold=RECALLED):
    """Fractions of replicas ending at each picture, at its mirror, or elsewhere, from final overlaps
    ``(..., replica, pattern)``; returns ``(picture, mirror, other)`` arrays ``(..., pattern)``, ``(...,)``."""
    final = np.asarray(final)
    picture = (final >= threshold).mean(axis=-2)
    mirror = (final <= -threshold).mean(axis=-2)
    other = 1.0 - picture.sum(axis=-1) - mirror.sum(axis=-1)
    return picture, mirror, other


def plot(dataset):
    """Original / corrupted / recalled rows for both memories, the half-inverted recall, the mask sweep."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(19, 18), layout="constrained")
    top, middle, lower = fig.subfigures(3, 1, height_ratios=[4, 4, 3])
    for panel, memory in ((top, "single"), (middle, "pair")):
        if f"{memory}_cue" in dataset:
            _picture_rows(panel, dataset, memory)
    bottom = lower.subplots(1, 4)
    if "single_overlap" in dataset:
        _half_inverted(bottom[:2], dataset)
    if "pair_mask_final_overlap" in dataset:
        _mask_sweep_plot(bottom[2:], dataset)
    for ax in bottom:
        if not ax.has_data():
            ax.set_axis_off()
    fig.suptitle("Image memory: Hebbian storage of pictures, zero-temperature recall (ties keep the spin)",
                 fontsize=13)
    return fig


def _picture_rows(panel, dataset, memory):
    side = int(dataset.attrs.get(f"fixed_{memory}_side", 0)) or int(np.sqrt(dataset.sizes[f"{memory}_site"]))
    shape = (side, side)
    patterns = dataset[f"{memory}_patterns"].values
    n_patterns = len(patterns)
    columns = len(CORRUPTIONS) + (2 if memory == "pair" else 0)
    grid = panel.subplots(4, columns)
    first = dataset[f"{memory}_overlap"].isel(sweep=0, replica=0, schedule=0)
    for c, name in enumerate(dataset["corruption"].values):
        final = dataset[f"{memory}_final_overlap"].sel(corruption=name)
        if c == 0:
            ih.viz.draw_spins(grid[0, c], patterns[0], shape, title="stored picture ξ¹")
        else:
            grid[0, c].set_axis_off()
        ih.viz.draw_spins(grid[1, c], dataset[f"{memory}_cue"].sel(corruption=name), shape,
                               title=f"{name}\nm = {_overlap_text(first.sel(corruption=name).values)}")
        for r, schedule in enumerate(SCHEDULES):
            run = dataset[f"{memory}_cycle_length"].sel(corruption=name, schedule=schedule)
            picture, mirror, _ = outcome_fractions(final.sel(schedule=schedule).values)
            note = f"{int(run[0])}-cycle" if int(run[0]) else f"m = {_overlap_text(final.sel(schedule=schedule).values[0])}"
            tally = " ".join(f"ξ{k + 1}:{picture[k]:.0%}" for k in range(n_patterns) if picture[k])
            tally += "".join(f" −ξ{k + 1}:{mirror[k]:.0%}" for k in range(n_patterns) if mirror[k])
            label = "sync" if schedule == "synchronous" else "async"
            ih.viz.draw_spins(grid[2 + r, c], dataset[f"{memory}_recalled"].sel(corruption=name,
                                                                                       schedule=schedule),
                                   shape, title=f"{label}: {note}\n{tally}")
    if memory == "pair":
        fractions = dataset["mask_fraction"].values
        heavy = int(np.argmax(fractions >= 0.95)) if (fractions >= 0.95).any() else len(fractions) - 1
        f = fractions[heavy]
        cue = dataset["pair_mask_example_cue"].isel(mask_fraction=heavy)
        final = dataset["pair_mask_example_final"].isel(mask_fraction=heavy)
        k = int(dataset["pair_mask_example"].isel(mask_fraction=heavy))
        m_cue = dataset["pair_mask_cue_overlap"].isel(mask_fraction=heavy, replica=k).values
        m_final = dataset["pair_mask_final_overlap"].isel(mask_fraction=heavy, replica=k).values
        ih.viz.draw_spins(grid[0, -2], patterns[1], shape, title="second picture ξ²")
        ih.viz.draw_spins(grid[1, -2], cue, shape, title=f"ξ², {f:.0%} masked (noise)\nm = {_overlap_text(m_cue)}")
        ih.viz.draw_spins(grid[3, -2], final, shape, title=f"async: m = {_overlap_text(m_final)}")
        for row, column in ((0, -1), (1, -1), (2, -2), (2, -1), (3, -1)):
            grid[row, column].set_axis_off()
    for ax, label in zip(grid[:, 0], ("stored", "cue", "synchronous", "asynchronous")):
        ax.set_ylabel(label, fontsize=9)
    names = " and ".join(dataset[f"{memory}_picture"].values)
    panel.suptitle(f"{names} at {side} × {side} (N = {side * side}, P = {n_patterns}): original, cue, "
                   f"recall; the tally counts the final states of {dataset.sizes['replica']} cues", fontsize=11)


def _overlap_text(values):
    return "(" + ", ".join(f"{v:+.2f}" for v in np.atleast_1d(values)) + ")"


def _half_inverted(axes, dataset):
    left, right = axes
    overlaps = dataset["single_overlap"].sel(corruption="half inverted").isel(single_pattern=0)
    for schedule, style in zip(SCHEDULES, ("-", "--")):
        runs = overlaps.sel(schedule=schedule)
        for r in range(min(12, runs.sizes["replica"])):
            left.plot(runs["sweep"], runs.isel(replica=r), style, color="C0" if schedule == "synchronous" else "C3",
                      lw=1, alpha=0.7, label=schedule if r == 0 else None)
    cycles = dataset["single_cycle_length"].sel(corruption="half inverted", schedule="synchronous").values
    left.set_xlim(0, max(4, int(dataset["single_sweeps"].sel(corruption="half inverted").max()) + 1))
    left.set_xlabel("sweep")
    left.set_ylabel("overlap m₁ with the picture")
    left.set_title(f"half-inverted picture: m₁ = 0 exactly\nsynchronous: {np.mean(cycles == 2):.0%} end in a 2-cycle",
                   fontsize=9)
    left.legend(fontsize=8)
    n = overlaps.sizes["replica"]
    for c, name in enumerate(("half inverted", "inverted")):
        values = dataset["single_final_overlap"].sel(corruption=name, schedule="permutation")
        picture, mirror, other = outcome_fractions(values.values)
        for x, (label, p) in enumerate((("picture ξ", picture[0]), ("mirror −ξ", mirror[0]), ("other", other))):
            right.errorbar(x + 0.15 * c, p, yerr=binomial_error(p, n), fmt="o" if c == 0 else "s", capsize=3,
                           color=f"C{c}", label=name if x == 0 else None)
    right.axhline(0.5, color="0.6", ls=":", lw=1)
    right.set_xticks([0, 1, 2], ["picture ξ", "mirror −ξ", "other"])
    right.set_ylabel(f"fraction of {n} asynchronous recalls (± binomial error)")
    right.set_ylim(-0.05, 1.05)
    right.set_title("asynchronous recall: where it ends", fontsize=9)
    right.legend(fontsize=8)


def _mask_sweep_plot(axes, dataset):
    left, right = axes
    fractions = dataset["mask_fraction"].values
    final = dataset["pair_mask_final_overlap"].values
    cue = dataset["pair_mask_cue_overlap"].values
    n = final.shape[1]
    picture, mirror, other = outcome_fractions(final)
    for k, (label, color) in enumerate((("ξ¹ (first picture)", "C3"), ("ξ² (the masked one)", "C0"))):
        left.errorbar(fractions, picture[:, k], yerr=binomial_error(picture[:, k], n), marker="o", capsize=3,
                      color=color, label=f"recalled as {label}")
    left.errorbar(fractions, mirror.sum(axis=1) + other, yerr=binomial_error(mirror.sum(axis=1) + other, n),
                  marker="s", capsize=3, color="0.5", label="mirror or other")
    predicted = (cue[..., 0] > np.abs(cue[..., 1])).mean(axis=1)
    left.plot(fractions, predicted, "k--", lw=1.5, marker="x", zorder=5, label="predicted: m₁ > |m₂| in the cue")
    left.set_xlabel("masked fraction of ξ² (rows replaced by noise)")
    left.set_ylabel(f"fraction of {n} cues (± binomial error)")
    left.set_title("masked second picture, asynchronous recall", fontsize=9)
    left.legend(fontsize=7)
    margin = cue[..., 0] - np.abs(cue[..., 1])
    won = final[..., 0] >= RECALLED
    right.scatter(margin[~won], np.full((~won).sum(), 0.0) + 0.02 * np.random.default_rng(0).standard_normal(
        (~won).sum()), s=6, color="C0", label="recalled as another state")
    right.scatter(margin[won], np.ones(won.sum()) + 0.02 * np.random.default_rng(1).standard_normal(won.sum()),
                  s=6, color="C3", label="recalled as ξ¹")
    right.axvline(0, color="0.5", lw=1)
    right.set_xlabel("m₁ − |m₂| of the cue")
    right.set_yticks([0, 1], ["ξ², −ξ¹, −ξ²", "ξ¹"])
    right.set_title("ξ¹ wins exactly when m₁ > |m₂| in the cue", fontsize=9)
    right.legend(fontsize=7)


def animate(dataset, directory):
    """The asynchronous recall of the half-inverted 128 × 128 picture as a GIF and an HTML page."""
    if "single_animation_frames" not in dataset:
        return []
    frames = dataset["single_animation_frames"].values
    patterns = dataset["single_patterns"].values
    side = int(np.sqrt(frames.shape[1]))
    model = ih.hebbian(patterns)
    n = frames.shape[1]
    paths = ih.viz.animate_frames(
        frames, directory / "image_memory_recall", shape=(side, side),
        times=dataset["single_animation_time"].values, overlaps=frames.astype(np.int64) @ patterns.T / n,
        energy_per_spin=ih.energy(model, frames) / n,
        title="half-inverted picture, asynchronous recall: one flip breaks the tie")
    return list(paths)


def findings(dataset):
    """The paper's numbers: the single picture (one stored pattern) after 40 % flips and inversion; half
    inversion, synchronous (the fraction of runs in a 2-cycle) and random-order (the fractions ending at the
    picture and at its mirror); the pair after masking 98 % of the second picture (the fractions of cues
    ending at it and at the first picture), each fraction with its binomial error."""
    from isinghop.stats.report import Number

    single = dataset["single_final_overlap"].isel(single_pattern=0)
    replicas = dataset.sizes["replica"]

    def fraction(value):
        return Number(value, float(binomial_error(value, replicas)))

    half, half_mirror, _ = outcome_fractions(single.sel(corruption="half inverted", schedule="permutation")
                                             .values[:, None])
    cycles = dataset["single_cycle_length"].sel(corruption="half inverted", schedule="synchronous").values
    mask = dataset["pair_mask_final_overlap"].sel(mask_fraction=0.98, method="nearest")
    mask_picture, mask_mirror, _ = outcome_fractions(mask.values)  # pattern 1 is the masked picture
    return {
        "single_sites": Number(dataset.sizes["single_site"]),
        "pair_sites": Number(dataset.sizes["pair_site"]),
        "cues": Number(replicas),
        "flip_fraction": Number(0.4),
        "flip_40": Number(single.sel(corruption="flip 0.4", schedule="permutation").mean("replica"), digits=3),
        "inverted": Number(single.sel(corruption="inverted", schedule="permutation").mean("replica"), digits=3),
        "half_synchronous_cycles": fraction(float(np.mean(cycles == 2))),
        "half_permutation_picture": fraction(float(half[0])),
        "half_permutation_mirror": fraction(float(half_mirror[0])),
        "mask_fraction": Number(mask["mask_fraction"]),
        "mask_own": fraction(float(mask_picture[1])),
        "mask_other": fraction(float(mask_picture[0] + mask_mirror[0])),
    }

STUDY = ih.Study(
    name="image_memory",
    description="pictures stored as Hebbian memories: corruptions, synchronous vs asynchronous recall, mirrors",
    configs={"quick": QUICK, "full": FULL},
    run_point=run_point,
    plot=plot,
    coordinates={"memory": {"units": "1", "long_name": "memory",
                            "description": "single: one picture at 128 x 128; pair: two pictures at 64 x 64"}},
    sections=("memory",),
    animate=animate,
    findings=findings,
)
