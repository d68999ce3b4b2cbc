"""Letters: 26 strongly correlated patterns under Hebb, Storkey and pseudo-inverse learning.

The capital letters A–Z are drawn in DejaVu Sans (shipped with matplotlib)
on a 12 × 12 grid, ink +1 and paper −1 (:func:`isinghop.viz.pictures.letter_patterns`):
P = 26 patterns on N = 144 sites, α = 0.18 — above Hebb's capacity for
random patterns, and far from random: every letter is mostly paper, so two
letters overlap by about 0.5 where random patterns would overlap by
±1/√N ≈ 0.08.

Hebb's field at a stored letter is its own signal plus the crosstalk
Σ_{ν≠μ} ξ^ν_i C_νμ with C_νμ ≈ 0.5: the crosstalk outweighs the signal, no
letter is a fixed point, and recall falls into a few shared spurious states
close to the average letter sgn(Σ_μ ξ^μ). Storkey's local rule
subtracts part of the crosstalk; the pseudo-inverse J = ξᵀC⁻¹ξ/N removes all
of it: J without its diagonal gives each stored letter the field
φ_i = ξ_i (1 − D_ii), with D = ξᵀC⁻¹ξ/N the projector onto the letters
(D_ii = P/N on average), so all 26 letters are fixed points with basins of
their own.

For each rule: which letters are fixed points and how many sites each
letter has against its field; the recall of 10 % and 25 % noisy letters
(recalled = the letter exactly, overlap 1); each letter's basin radius (the
largest flipped fraction recalled with probability ≥ 1/2, every smaller
fraction too); the commonest end states from 10 % noise.
"""

import numpy as np
import xarray as xr

import isinghop as ih
from isinghop.dynamics import recall_curve
from isinghop.stats.errors import binomial_error
from isinghop.viz.pictures import letter_patterns
from isinghop.runtime import labelled

LEARNING_RULES = ih.learning.LEARNING_RULES
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: End states kept per rule (the commonest ones reached from noisy letters).
END_STATES = 8

QUICK = ih.Config(
    grid={"learning_rule": tuple(LEARNING_RULES)},
    fixed={"side": 12, "noise": [0.1, 0.25], "trials": 20, "basin_flips": list(range(0, 73, 4)),
           "animated_letter": "R", "animation_noise": 0.25, "animation_sweeps": 5},
    description="26 letters at 12 x 12, 3 rules, 20 cues per letter and noise, basins every 4 flips: seconds",
)
FULL = ih.Config(
    grid={"learning_rule": tuple(LEARNING_RULES)},
    fixed={"side": 12, "noise": [0.1, 0.25], "trials": 400, "basin_flips": list(range(0, 73)),
           "animated_letter": "R", "animation_noise": 0.25, "animation_sweeps": 5},
    description="400 cues per letter and noise, basins at every flip count",
)


def run_point(point, fixed, disorder, thermal, checkpoint):
    """Stability, noisy recall, basin radii and end states of the 26 letters under one rule."""
    side, trials = fixed["side"], fixed["trials"]
    xi = letter_patterns(LETTERS, side)
    n_letters, n_sites = xi.shape
    model = LEARNING_RULES[point["learning_rule"]](xi)
    xi64 = xi.astype(np.int64)
    fields = ih.local_fields(model, xi)
    against = (xi * fields < 0).sum(axis=1)
    letter_seed, noise_seed, basin_seed, animation_seed = thermal.spawn(4)
    at_letter = ih.relax(model, xi, schedule="permutation", tie="keep", rng=letter_seed)
    fixed_point = at_letter.converged & (at_letter.sweeps == 0)
    noises = np.asarray(fixed["noise"], dtype=np.float64)
    final_overlaps = np.empty((len(noises), n_letters, trials, n_letters))
    ends = []
    for k, (noise, seed) in enumerate(zip(noises, noise_seed.spawn(len(noises)))):
        cue_seed, relax_seed = seed.spawn(2)
        cues = ih.flip_fraction(np.repeat(xi, trials, axis=0), noise, rng=cue_seed)
        run = ih.relax(model, cues, schedule="permutation", tie="keep", rng=relax_seed)
        final_overlaps[k] = (run.spins @ xi64.T / n_sites).reshape(n_letters, trials, n_letters)
        if k == 0:
            ends = run.spins
    recalled = np.einsum("kltl->klt", final_overlaps) == 1.0
    states, counts = np.unique(ends, axis=0, return_counts=True)
    top = np.argsort(-counts, kind="stable")[:END_STATES]
    end_states = np.zeros((END_STATES, n_sites), dtype=np.int8)
    end_counts = np.zeros(END_STATES, dtype=np.int64)
    end_states[: len(top)], end_counts[: len(top)] = states[top], counts[top]
    average_letter = np.where(xi64.sum(axis=0) > 0, 1, -1)
    end_overlaps = end_states.astype(np.int64) @ xi64.T / n_sites
    fractions = np.asarray(fixed["basin_flips"], dtype=np.float64) / n_sites
    curve = recall_curve(model, xi, fractions, trials=trials, schedule="permutation", tie="keep", rng=basin_seed)
    frames, times, length = _animation(model, xi, fixed, animation_seed)
    letter, letter_b = "letter", "other_letter"
    return xr.Dataset(
        {
            "patterns": labelled((letter, "site"), xi, "1", "letter pattern", "+1 ink, -1 paper, row-major"),
            "letter_overlap": labelled((letter, letter_b), xi64 @ xi64.T / n_sites, "1", "letter overlap",
                                       "C = xi xi^T / N between the letters"),
            "fixed_point": labelled(letter, fixed_point, "1", "fixed point",
                                    "the letter is stable under the zero-T update (ties keep)"),
            "sites_against_field": labelled(letter, against, "sites", "sites against their field",
                                            "sites of the letter with xi_i phi_i < 0 (they flip at once)"),
            "final_overlap": labelled(("noise", letter, "trial", letter_b), final_overlaps, "1", "final overlap",
                                      "overlap of the end state of a noisy letter with every letter"),
            "recall_probability": labelled(("noise", letter), recalled.mean(axis=2), "1", "recall probability",
                                           "fraction of the noisy cues that end exactly at their letter"),
            "basin_probability": labelled(("flip_fraction", letter), curve.probability.T, "1",
                                          "recall probability", "fraction of cues with this fraction of sites "
                                          "flipped that end exactly at their letter"),
            "basin_radius": labelled(letter, curve.basin_radius(0.5), "1", "basin radius",
                                     "largest flipped fraction recalled with probability >= 1/2 (every smaller "
                                     "one too); NaN: not a stable fixed point"),
            "end_state": labelled(("end_rank", "site"), end_states, "1", "end state",
                                  "the commonest end states of the 10 % noisy cues (0: unused rank)"),
            "end_count": labelled("end_rank", end_counts, "1", "end-state count",
                                  "cues (of 26 x trials) ending in this state"),
            "end_letter_overlap": labelled(("end_rank", letter), end_overlaps, "1", "end-state overlap",
                                           "overlap of the end state with each letter"),
            "end_average_overlap": labelled("end_rank", end_states.astype(np.int64) @ average_letter / n_sites,
                                            "1", "overlap with the average letter",
                                            "overlap with sgn(sum_mu xi^mu) (ties: paper)"),
            "animation_frames": labelled(("frame", "site"), frames, "1", "snapshot",
                                         "spins during the recall of the animated letter, a frame every row of "
                                         "attempts (0 after the recall stopped)"),
            "animation_time": labelled("frame", times, "sweeps", "time", "sweeps done at each snapshot (NaN: unused)"),
            "animation_length": labelled((), length, "frames", "animation length", "frames that hold spins"),
        },
        coords={
            letter: (letter, np.array(list(LETTERS)), {"units": "1", "long_name": "letter",
                                                       "description": "capital letter, DejaVu Sans"}),
            letter_b: (letter_b, np.array(list(LETTERS)), {"units": "1", "long_name": "letter",
                                                           "description": "the letter compared with"}),
            "noise": ("noise", noises, {"units": "1", "long_name": "cue noise",
                                        "description": "fraction of the letter's sites flipped"}),
            "trial": ("trial", np.arange(trials), {"units": "1", "long_name": "trial",
                                                   "description": "an independent cue and update order"}),
            "flip_fraction": ("flip_fraction", fractions, {"units": "1", "long_name": "flipped fraction",
                                                           "description": "fraction of sites flipped in the cue"}),
            "end_rank": ("end_rank", np.arange(END_STATES), {"units": "1", "long_name": "end-state rank",
                                                             "description": "0: the commonest end state"}),
        },
    )


def _animation(model, xi, fixed, seed):
    """Frames of one asynchronous recall of the animated letter from a noisy cue, a frame per ``side`` attempts."""
    side = fixed["side"]
    sweeps = fixed["animation_sweeps"]
    cue_seed, relax_seed = seed.spawn(2)
    cue = ih.flip_fraction(xi[LETTERS.index(fixed["animated_letter"])], fixed["animation_noise"], rng=cue_seed)
    run = ih.relax(model, cue, schedule="permutation", tie="keep", max_sweeps=sweeps, record="snapshots",
                   snapshot_every=side, rng=relax_seed)
    frames = np.zeros((sweeps * run.frames_per_sweep + 1, xi.shape[1]), dtype=np.int8)
    times = np.full(len(frames), np.nan)
    frames[: len(run.snapshots)], times[: len(run.snapshots)] = run.snapshots, run.snapshot_times
    return frames, times, len(run.snapshots)


def plot(dataset):
    """Letters and their overlaps; fixed points, recalls and basin radii per rule; Hebb's end states."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(18, 15), layout="constrained")
    top, middle, bottom = fig.subfigures(3, 1, height_ratios=[1, 1, 1.05])
    side = int(np.sqrt(dataset.sizes["site"]))
    rules = list(dataset["learning_rule"].values)
    first = dataset.isel(learning_rule=0)
    left, centre, right = top.subplots(1, 3, width_ratios=[1.7, 1, 1])
    left.imshow(_montage(first["patterns"].values, side, 13), cmap="gray_r", vmin=-1, vmax=1)
    left.set_axis_off()
    left.set_title(f"the 26 letters on {side} × {side} sites (ink +1), P/N = {26 / side**2:.2f}", fontsize=10)
    overlaps = first["letter_overlap"].values
    image = centre.imshow(overlaps, cmap="RdBu_r", vmin=-1, vmax=1)
    centre.set_xticks(range(26), list(LETTERS), fontsize=6)
    centre.set_yticks(range(26), list(LETTERS), fontsize=6)
    centre.set_title("letter overlaps C_μν", fontsize=10)
    top.colorbar(image, ax=centre, shrink=0.8, label="overlap (1)")
    off = overlaps[np.triu_indices(26, 1)]
    n_sites = dataset.sizes["site"]
    right.hist(off, bins=20, color="C0", label=f"letter pairs (mean {off.mean():.2f})")
    right.axvspan(-1 / np.sqrt(n_sites), 1 / np.sqrt(n_sites), color="0.8", label="random patterns: ±1/√N")
    right.set_xlabel("overlap between two letters")
    right.set_ylabel("pairs")
    right.set_title("letters are strongly correlated", fontsize=10)
    right.legend(fontsize=8)

    counts, basins, curves = middle.subplots(1, 3)
    width = 0.8 / len(rules)
    names = ["fixed points"] + [f"recalled from {n:.0%}" for n in dataset["noise"].values]
    for r, rule in enumerate(rules):
        here = dataset.sel(learning_rule=rule)
        values = [int(here["fixed_point"].sum())] + [int((here["recall_probability"].sel(noise=n) >= 0.5).sum())
                                                     for n in dataset["noise"].values]
        bars = counts.bar(np.arange(len(values)) + r * width, values, width, label=rule.replace("_", " "))
        counts.bar_label(bars, fontsize=7)
        radius = here["basin_radius"].values
        bars = basins.bar(np.arange(26) + r * width, np.nan_to_num(radius), width, label=rule.replace("_", " "))
        missing = np.flatnonzero(np.isnan(radius))
        basins.plot(missing + r * width, np.zeros(len(missing)), "x", color=bars.patches[0].get_facecolor(), ms=4)
        probability = here["basin_probability"]
        mean, error = ih.stats.disorder_average(probability, dim="letter", replica_dim=None)
        curves.errorbar(dataset["flip_fraction"], mean, yerr=error, marker=".", capsize=2,
                        label=rule.replace("_", " "))
    counts.set_xticks(np.arange(len(names)) + width, names)
    counts.set_ylabel("letters (of 26); recalled: with probability ≥ 1/2")
    counts.set_title("stored and recalled letters", fontsize=10)
    counts.legend(fontsize=8)
    basins.set_xticks(np.arange(26) + width, list(LETTERS), fontsize=7)
    basins.set_ylabel("basin radius (flipped fraction, 1)")
    basins.set_title("basin radius per letter (×: not a fixed point)", fontsize=10)
    basins.legend(fontsize=8)
    curves.axhline(0.5, color="0.6", ls=":", lw=1)
    curves.set_xlabel("flipped fraction of the cue")
    curves.set_ylabel("recall probability (mean over letters ± error)")
    curves.set_title(f"{dataset.sizes['trial']} cues per letter and fraction", fontsize=10)
    curves.legend(fontsize=8)

    against, ends = bottom.subplots(1, 2, width_ratios=[1, 1.6])
    for r, rule in enumerate(rules):
        against.bar(np.arange(26) + r * width, dataset["sites_against_field"].sel(learning_rule=rule), width,
                    label=rule.replace("_", " "))
    against.set_xticks(np.arange(26) + width, list(LETTERS), fontsize=7)
    against.set_ylabel("sites with ξ_i φ_i < 0 at the stored letter")
    against.set_title("why Hebb fails: the crosstalk of correlated letters outweighs the signal", fontsize=10)
    against.legend(fontsize=8)
    if "hebbian" in rules:
        hebb = dataset.sel(learning_rule="hebbian")
        used = int((hebb["end_count"] > 0).sum())
        average = np.where(first["patterns"].values.sum(axis=0) > 0, 1, -1)
        tiles = np.concatenate([average[None], hebb["end_state"].values[:used]])
        ends.imshow(_montage(tiles, side, END_STATES + 1), cmap="gray_r", vmin=-1, vmax=1)
        ends.set_axis_off()
        total = dataset.sizes["trial"] * 26
        labels = ["average letter\nsgn(Σ_μ ξ^μ)"]
        for k in range(used):
            overlaps_k = hebb["end_letter_overlap"].isel(end_rank=k)
            nearest = str(overlaps_k.idxmax("letter").item())
            labels.append(f"{int(hebb['end_count'][k]) / total:.0%}\nnearest {nearest} ({float(overlaps_k.max()):.2f})"
                          f"\navg letter {float(hebb['end_average_overlap'][k]):.2f}")
        for k, label in enumerate(labels):
            ends.text((k + 0.5) * (side + 1), side + 1.5, label, ha="center", va="top", fontsize=7)
        ends.set_title("Hebb: the commonest end states from 10 % noise (share of cues, nearest letter, "
                       "overlap with the average letter)", fontsize=10)
    fig.suptitle("Letters: correlated patterns under Hebb, Storkey and pseudo-inverse learning "
                 "(zero-T recall, random order, ties keep)", fontsize=13)
    return fig


def _montage(patterns, side, columns):
    """Patterns ``(k, side²)`` tiled in rows of ``columns`` with a one-cell paper border."""
    rows = -(-len(patterns) // columns)
    canvas = np.full((rows * (side + 1) + 1, columns * (side + 1) + 1), -1.0)
    for k, pattern in enumerate(patterns):
        r, c = divmod(k, columns)
        canvas[1 + r * (side + 1): 1 + r * (side + 1) + side, 1 + c * (side + 1): 1 + c * (side + 1) + side] = \
            pattern.reshape(side, side)
    return canvas


def animate(dataset, directory):
    """The recall of one noisy letter under each rule, as GIF and HTML."""
    paths = []
    side = int(np.sqrt(dataset.sizes["site"]))
    patterns = dataset["patterns"].isel(learning_rule=0).values
    letter = dataset.attrs.get("fixed_animated_letter", "")
    for rule in dataset["learning_rule"].values:
        here = dataset.sel(learning_rule=rule)
        length = int(here["animation_length"])
        frames = here["animation_frames"].values[:length].astype(np.int8)
        times = here["animation_time"].values[:length]
        overlaps = frames.astype(np.int64) @ patterns.T / frames.shape[1]
        paths.extend(ih.viz.animate_frames(
            frames, directory / f"letters_{rule}", shape=(side, side), times=times, overlaps=overlaps,
            labels=[f"$m_{{{c}}}$" for c in LETTERS], highlight=LETTERS.index(letter), cmap="gray_r",
            title=f"{rule.replace('_', ' ')}: recall of a noisy {letter} (grey: overlaps with the other letters)"))
    return paths


def findings(dataset):
    """The paper's numbers per learning rule: letters that are fixed points, and the recall probability
    from the least noisy cues (mean over letters, with the binomial error of each letter's cues)."""
    from isinghop.stats.report import Number

    out = {}
    per_letter = dataset["recall_probability"].sel(noise=dataset["noise"].min())
    for rule in dataset["learning_rule"].values:
        recall = per_letter.sel(learning_rule=rule).values
        error = np.sqrt((binomial_error(recall, dataset.sizes["trial"]) ** 2).sum()) / recall.size
        out[f"fixed_{rule}"] = Number(dataset["fixed_point"].sel(learning_rule=rule).sum())
        out[f"recall_{rule}"] = Number(recall.mean(), error)
    out["noise"] = Number(dataset["noise"].min())
    out["letters"] = Number(dataset.sizes["letter"])
    out["sites"] = Number(dataset.attrs["fixed_side"] ** 2)
    out["trials"] = Number(dataset.sizes["trial"])
    return out

STUDY = ih.Study(
    name="letters",
    description="the 26 capital letters as correlated patterns: Hebb vs Storkey vs pseudo-inverse",
    configs={"quick": QUICK, "full": FULL},
    run_point=run_point,
    plot=plot,
    coordinates={"learning_rule": {"units": "1", "long_name": "learning rule",
                          "description": "hebbian, storkey or pseudo_inverse couplings of the 26 letters"}},
    thermal_keys=(),
    animate=animate,
    findings=findings,
)
