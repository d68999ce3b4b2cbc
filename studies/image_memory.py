"""Image memory: photographs stored as Hebbian memories, corrupted, and recalled at T = 0.

Pictures shipped with matplotlib become ±1 patterns (:mod:`isinghop.viz.pictures`: grey scale, centre
square, resized, thresholded at the median so that half the pixels are +1), stored by Hebb in
pattern storage (O(NP) memory, zero diagonal). The group's studies:

* ``picture_recall`` — one picture at 128 × 128 (N = 16 384, P = 1), cued with random flips at rate
  p, the lower rows masked with −1, +1 or noise, full inversion and inversion of the upper half, and
  recalled by synchronous and by asynchronous (fresh random order each sweep) updates, ties keeping
  the spin. The inverted picture −ξ is itself a fixed point (H is even in s). The half-inverted
  picture has overlap exactly 0; every local field then opposes its spin (φ_i = −s_i/N), so the
  synchronous update inverts every spin: a 2-cycle. One asynchronous flip breaks the tie and the
  state falls to the picture or its mirror, each about half the time.
* ``masked_pair`` — two pictures at 64 × 64 (P = 2): the second with a growing fraction of its rows
  replaced by noise. Recall goes to the picture of largest |m_μ| in the cue, with its sign
  (s_i → sgn(m₁ξ¹_i + m₂ξ²_i − 2s_i/N); the self-term matters only when |m₁ ± m₂| ≤ 2/N); once the
  mask leaves almost nothing of ξ², the noise's own overlaps of order N^(−1/2) decide, and the cue
  ends at ξ¹, −ξ¹, ξ² or −ξ² about a quarter of the time each.
"""

import numpy as np

import isinghop as ih
from isinghop.runtime import Config, Output
from isinghop.stats.errors import binomial_error
from isinghop.stats.report import Number
from isinghop.viz.figures import TEXT_WIDTH, panels
from isinghop.viz.pictures import picture_pattern

CORRUPTIONS = ("flip 0.1", "flip 0.2", "flip 0.3", "flip 0.4", "mask -1", "mask +1", "mask noise")
CORRUPTIONS += ("inverted", "half inverted")
SCHEDULES = ("synchronous", "permutation")
#: Overlap above which a final state counts as the picture (or, below minus it, its mirror).
RECALLED = 0.99
CUES = ("1", "cue", "an independent corrupted cue and update order")


def _fraction(value, n):
    return Number(value, float(binomial_error(value, n)))


def _montage(ax, images, side, rows, columns):
    """Pictures ``(row, column, side²)`` tiled with a grey border; rows and columns named on the axes."""
    tiles = np.pad(
        np.asarray(images, float).reshape(len(rows), len(columns), side, side),
        ((0, 0), (0, 0), (1, 1), (1, 1)),
        constant_values=0.0,
    )
    ax.imshow(
        tiles.transpose(0, 2, 1, 3).reshape(len(rows) * (side + 2), -1),
        cmap="gray",
        vmin=-1,
        vmax=1,
        interpolation="nearest",
    )
    centres = (np.arange(max(len(rows), len(columns))) + 0.5) * (side + 2)
    ax.set_xticks(centres[: len(columns)], columns, fontsize=7, rotation=30)
    ax.set_yticks(centres[: len(rows)], rows, fontsize=7)
    ax.tick_params(length=0)


# --- one picture ---------------------------------------------------------------------------------


def corrupt(picture, name, side, mask_rows, replicas, rng):
    """``replicas`` cues ``(replica, site)`` made from ``picture`` by the named corruption."""
    cues = np.repeat(picture[None], replicas, axis=0)
    kind, _, value = name.partition(" ")
    if kind == "flip":
        return ih.flip_fraction(cues, float(value), rng=rng)
    if kind == "mask":
        lower = (slice(side - round(mask_rows * side), side), slice(None))
        fill = "random" if value == "noise" else int(value)
        return ih.mask_block(cues, lower, fill=fill, shape=(side, side), rng=rng)
    if name == "inverted":
        return ih.invert(cues)
    return ih.invert_region(cues, (slice(0, side // 2), slice(None)), shape=(side, side))


def recall_compute(point, fixed, disorder, thermal, checkpoint):
    """Recall of one set of cues under both schedules: overlaps after every sweep, the end."""
    side, replicas, sweeps = fixed["side"], fixed["replicas"], fixed["max_sweeps"]
    xi = picture_pattern(fixed["picture"], side).spins
    model, (cue_seed, *seeds) = ih.hebbian(xi[None]), thermal.spawn(1 + len(SCHEDULES))
    cues = corrupt(xi, point["corruption"], side, fixed["mask_rows"], replicas, cue_seed)
    out = {name: [] for name in ("overlap", "final_overlap", "sweeps", "cycle_length", "converged")}
    out["recalled"] = []
    for schedule, seed in zip(SCHEDULES, seeds):
        how = dict(schedule=schedule, max_sweeps=sweeps, record="overlaps")
        run = ih.relax(model, cues, **how, rng=seed)
        padded = np.full((replicas, sweeps + 1), np.nan)
        padded[:, : run.overlaps.shape[1]] = run.overlaps[..., 0]
        found = (padded, run.spins @ xi.astype(np.int64) / xi.size, run.sweeps, run.cycle_length)
        for name, value in zip(out, (*found, run.converged, run.spins[0])):
            out[name].append(value)
    return out | {"cue": cues[0]}


def recall_theory(config):
    return {
        "stored": ("site", picture_pattern(config.fixed["picture"], config.fixed["side"]).spins)
    }


def recall_plot(ds):
    """Stored picture, cues and recalls; the half-inverted picture's recall; where recall ends."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(TEXT_WIDTH, 5.4), layout="constrained")
    top, left, right = fig.subplot_mosaic("AA;BC", height_ratios=(1.1, 1)).values()
    first, side = ds.sel(sample=0), int(ds.attrs["fixed_side"])
    rows = [first["cue"].values, *first["recalled"].transpose("schedule", ...).values]
    images = np.concatenate([[[ds["stored"].values] + [np.full(side * side, np.nan)] * 8], rows])
    _montage(top, images, side, ("stored", "cue", "sync", "async"), ds["corruption"].values)
    half = ds["overlap"].sel(corruption="half inverted").isel(sample=0)
    for schedule, color in zip(SCHEDULES, ("C0", "C3")):
        runs = half.sel(schedule=schedule).isel(replica=slice(0, 8))
        left.plot(ds["sweep"], runs.T, color=color, lw=1, alpha=0.7, label=[schedule] + [None] * 7)
    cycles = ds["cycle_length"].sel(corruption="half inverted", schedule="synchronous") == 2
    left.set(xlim=(0, 6), xlabel="sweep", ylabel="overlap m with ξ")
    left.set_title(f"half inverted: m = 0; synchronous: {float(cycles.mean()):.0%} 2-cycles")
    left.legend()
    final = ds["final_overlap"].sel(schedule="permutation")
    for c, name in enumerate(("half inverted", "inverted")):
        m = final.sel(corruption=name)
        fractions = [float((m >= RECALLED).mean()), float((m <= -RECALLED).mean())]
        fractions.append(1 - sum(fractions))
        errors = binomial_error(np.array(fractions), m.size)
        right.errorbar(
            np.arange(3) + 0.15 * c, fractions, errors, fmt="os"[c], capsize=3, label=name
        )
    right.axhline(0.5, color="0.6", ls=":", lw=0.8)
    right.set_xticks(range(3), ["picture ξ", "mirror −ξ", "other"])
    right.set(
        ylim=(-0.05, 1.05), ylabel=f"fraction of {final.sel(corruption='inverted').size} cues"
    )
    right.set_title("asynchronous: where recall ends")
    right.legend()
    return fig


def recall_findings(ds):
    """The picture after 40 % flips and inversion; half inversion, synchronous (2-cycles) and random
    order (picture, mirror), each fraction with its binomial error."""
    final = ds["final_overlap"].sel(schedule="permutation")
    half, cues = final.sel(corruption="half inverted"), final.sel(corruption="inverted").size
    cycles = ds["cycle_length"].sel(corruption="half inverted", schedule="synchronous") == 2
    return {
        "sites": Number(ds.sizes["site"]),
        "cues": Number(cues),
        "flip_fraction": Number(0.4),
        "flip_40": Number(final.sel(corruption="flip 0.4").mean(), digits=3),
        "inverted": Number(final.sel(corruption="inverted").mean(), digits=3),
        "half_synchronous_cycles": _fraction(float(cycles.mean()), cycles.size),
        "half_permutation_picture": _fraction(float((half >= RECALLED).mean()), cues),
        "half_permutation_mirror": _fraction(float((half <= -RECALLED).mean()), cues),
    }


def recall_animate(ds, directory):
    """One asynchronous recall of the half-inverted picture (seeded by the store's root seed), frame
    by frame, as a GIF and an HTML page."""
    side, xi = int(ds.attrs["fixed_side"]), ds["stored"].values.astype(np.int8)
    cue = ih.invert_region(xi, (slice(0, side // 2), slice(None)), shape=(side, side))
    model, every = ih.hebbian(xi[None]), -(-xi.size // int(ds.attrs["fixed_frames_per_sweep"]))
    seed = int(ds.attrs.get("seed_entropy", 0))
    run = ih.relax(model, cue, record="snapshots", max_sweeps=20, snapshot_every=every, rng=seed)
    frames, path = run.snapshots, directory / "image_memory_recall"
    drawn = dict(
        shape=(side, side),
        times=run.snapshot_times,
        energy_per_spin=ih.energy(model, frames) / xi.size,
    )
    title = "half-inverted picture, asynchronous recall: one flip breaks the tie"
    overlaps = frames.astype(np.int64) @ xi[:, None] / xi.size
    return list(ih.viz.animate_frames(frames, path, overlaps=overlaps, title=title, **drawn))


def _recall(replicas, samples, sweeps, frames, text):
    fixed = {"picture": "grace_hopper", "side": 128, "replicas": replicas, "mask_rows": 0.4}
    fixed |= {"max_sweeps": sweeps, "frames_per_sweep": frames}
    batch = {"schedule": SCHEDULES, "replica": replicas, "sweep": sweeps + 1}
    return Config({"corruption": CORRUPTIONS}, fixed, text, samples=samples, batch=batch)


PICTURE_RECALL = ih.Study(
    name="picture_recall",
    description="one picture at 128 x 128: corruptions, synchronous and asynchronous recall, mirrors",
    configs={
        "quick": _recall(8, 2, 30, 8, "9 corruptions × 16 cues"),
        "full": _recall(50, 8, 100, 16, "9 corruptions × 400 cues"),
    },
    compute=recall_compute,
    theory=recall_theory,
    outputs={
        "overlap": Output(
            ("schedule", "replica", "sweep"), description="after each sweep; then NaN"
        ),
        "final_overlap": Output(("schedule", "replica"), "1", "final overlap", "m at the end"),
        "sweeps": Output(("schedule", "replica")),
        "cycle_length": Output(("schedule", "replica"), "sweeps", "cycle", "period; 0: none"),
        "converged": Output(("schedule", "replica"), "1", "fixed point", "ended at one"),
        "recalled": Output(("schedule", "site"), "1", "recalled", "the first cue's end state"),
        "cue": Output(("site",), "1", "cue", "the first corrupted cue"),
        "stored": Output(("site",), "1", "stored picture", "ξ as ±1 pixels, row-major", True),
    },
    coordinates={
        "sample": CUES,
        "site": ("1", "pixel", "row-major"),
        "corruption": ("1", "corruption", "flips, masked lower rows, inversion of all or half"),
    },
    plot=recall_plot,
    findings=recall_findings,
    animate=recall_animate,
)


# --- two pictures, the second masked ---------------------------------------------------------------


def pair_compute(point, fixed, disorder, thermal, checkpoint):
    """The second picture with the lower ``mask_fraction`` of its rows replaced by noise, recalled in
    random order: overlaps of cue and end with both pictures; one cue that ends at ξ¹, if any."""
    side, replicas = fixed["side"], fixed["replicas"]
    xi = np.stack([picture_pattern(name, side).spins for name in fixed["pictures"]])
    cue_seed, relax_seed = thermal.spawn(2)
    lower = (slice(side - round(point["mask_fraction"] * side), side), slice(None))
    masked = dict(fill="random", shape=(side, side), rng=cue_seed)
    cues = ih.mask_block(np.repeat(xi[1:], replicas, axis=0), lower, **masked)
    run = ih.relax(ih.hebbian(xi), cues, schedule="permutation", max_sweeps=100, rng=relax_seed)
    final = run.spins @ xi.T.astype(np.int64) / xi.shape[1]
    example = np.argmax(final[:, 0] >= RECALLED)
    return {
        "cue_overlap": cues @ xi.T.astype(np.int64) / xi.shape[1],
        "final_overlap": final,
        "example_cue": cues[example],
        "example_final": run.spins[example],
    }


def pair_theory(config):
    side = config.fixed["side"]
    return {
        "stored": (
            ("picture", "site"),
            [picture_pattern(n, side).spins for n in config.fixed["pictures"]],
        )
    }


def pair_plot(ds):
    """Where recall ends against the masked fraction beside the cue's m₁ > |m₂|; the margin; one
    heavily masked cue and its end."""
    fig, (left, right, pictures) = panels(3, width=2.15, height=2.6)
    fraction = ds["mask_fraction"]
    final, cue = ds["final_overlap"], ds["cue_overlap"]
    for k, (label, color) in enumerate((("ξ¹ (the other)", "C3"), ("ξ² (the masked one)", "C0"))):
        ends = (final.isel(picture=k) >= RECALLED).mean(("sample", "replica"))
        n = final.sizes["sample"] * final.sizes["replica"]
        left.errorbar(
            fraction,
            ends,
            binomial_error(ends.values, n),
            marker="o",
            ms=3,
            capsize=2,
            color=color,
            label=f"ends at {label}",
        )
    predicted = (cue.isel(picture=0) > abs(cue.isel(picture=1))).mean(("sample", "replica"))
    left.plot(fraction, predicted, "k--x", lw=1, ms=4, label="m₁ > |m₂| in the cue", zorder=5)
    left.set(xlabel="masked fraction of ξ²", ylabel="fraction of cues", ylim=(-0.05, 1.05))
    left.legend(loc="center left")
    margin = (cue.isel(picture=0) - abs(cue.isel(picture=1))).values.ravel()
    won = (final.isel(picture=0) >= RECALLED).values.ravel()
    jitter = 0.03 * np.random.default_rng(0).standard_normal(margin.size)
    right.scatter(margin, won + jitter, s=4, c=np.where(won, "C3", "C0"))
    right.axvline(0, color="0.5", lw=0.8)
    right.set(xlabel="m₁ − |m₂| of the cue", yticks=[0, 1])
    right.set_title("ξ¹ wins iff m₁ > |m₂|")
    right.set_yticklabels(["other", "ξ¹"])
    heavy = ds.sel(mask_fraction=fraction[fraction >= 0.95][0], sample=0)
    side = int(ds.attrs["fixed_side"])
    images = [ds["stored"].values[1], heavy["example_cue"], heavy["example_final"]]
    _montage(
        pictures, images, side, ("",), ("ξ²", f"{float(heavy.mask_fraction):.0%} masked", "end")
    )
    return fig


def pair_findings(ds):
    """After masking 98 % of the second picture: the fractions of cues ending at it and at ±ξ¹."""
    final = ds["final_overlap"].sel(mask_fraction=0.98, method="nearest")
    n = final.sizes["sample"] * final.sizes["replica"]
    own = float((final.isel(picture=1) >= RECALLED).mean())
    other = float((abs(final.isel(picture=0)) >= RECALLED).mean())
    return {
        "sites": Number(ds.sizes["site"]),
        "mask_fraction": Number(final["mask_fraction"]),
        "cues": Number(n),
        "mask_own": _fraction(own, n),
        "mask_other": _fraction(other, n),
    }


def _pair(fractions, replicas, samples, text):
    fixed = {"pictures": ("grace_hopper", "present"), "side": 64, "replicas": replicas}
    batch = {"replica": replicas, "picture": fixed["pictures"]}
    return Config({"mask_fraction": fractions}, fixed, text, samples=samples, batch=batch)


MASKED_PAIR = ih.Study(
    name="masked_pair",
    description="two pictures at 64 x 64: the second masked by noise ends at the picture of largest |m|",
    configs={
        "quick": _pair((0.5, 0.9, 0.95, 0.98, 1.0), 8, 2, "5 masks × 16 cues"),
        "full": _pair(tuple(np.round(np.r_[0:0.9:0.1, 0.9:1.0001:0.01], 3)), 50, 8, "19 × 400"),
    },
    compute=pair_compute,
    theory=pair_theory,
    outputs={
        "cue_overlap": Output(("replica", "picture"), "1", "cue overlap", "m_μ of the cue"),
        "final_overlap": Output(("replica", "picture"), "1", "final overlap", "m_μ at the end"),
        "example_cue": Output(("site",), "1", "example cue", "a cue that ends at ξ¹, if any"),
        "example_final": Output(("site",), "1", "example end", "its end state"),
        "stored": Output(("picture", "site"), "1", "stored pictures", "±1 pixels", True),
    },
    coordinates={
        "sample": CUES,
        "site": ("1", "pixel", "row-major"),
        "picture": ("1", "picture", "matplotlib sample picture"),
        "mask_fraction": ("1", "masked fraction", "rows of ξ² (from the bottom) made noise"),
    },
    plot=pair_plot,
    findings=pair_findings,
)

STUDIES = (PICTURE_RECALL, MASKED_PAIR)
