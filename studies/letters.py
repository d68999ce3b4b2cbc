"""Letters: 26 strongly correlated patterns under Hebb, Storkey and pseudo-inverse learning.

The capital letters A–Z are drawn in DejaVu Sans (shipped with matplotlib) on a 12 × 12 grid, ink +1
and paper −1 (:func:`isinghop.viz.pictures.letter_patterns`): P = 26 patterns on N = 144 sites,
α = 0.18 — above Hebb's capacity for random patterns, and far from random: every letter is mostly
paper, so two letters overlap by about 0.5 where random patterns would overlap by ±1/√N ≈ 0.08.

Hebb's field at a stored letter is its own signal plus the crosstalk Σ_{ν≠μ} ξ^ν_i C_νμ with
C_νμ ≈ 0.5: the crosstalk outweighs the signal, no letter is a fixed point, and recall falls into a
few shared spurious states close to the average letter sgn(Σ_μ ξ^μ). Storkey's local rule subtracts
part of the crosstalk; the pseudo-inverse J = ξᵀC⁻¹ξ/N removes all of it: J without its diagonal
gives each stored letter the field φ_i = ξ_i (1 − D_ii), with D = ξᵀC⁻¹ξ/N the projector onto the
letters (D_ii = P/N on average), so all 26 letters are fixed points with basins of their own.

Exact, per rule (the theory): which letters are fixed points and how many sites each letter has
against its field. Simulated, per rule and cue set: the recall of 10 % and 25 % noisy letters
(recalled = the letter exactly), the recall probability against the flipped fraction (the basin),
the commonest end states from 10 % noise.
"""

import numpy as np

import isinghop as ih
from isinghop.dynamics import recall_curve
from isinghop.runtime import Config, Output
from isinghop.stats.report import Number, mean_error
from isinghop.viz.figures import panels, sample_errorbar
from isinghop.viz.pictures import letter_patterns

LEARNING_RULES = ih.learning.LEARNING_RULES
LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: End states kept per rule and cue set (the commonest ones reached from the least noisy cues).
END_STATES = 8


def compute(point, fixed, disorder, thermal, checkpoint):
    """Noisy recall, the recall curve and the commonest end states of the 26 letters under one rule."""
    xi, trials = letter_patterns("".join(LETTERS), fixed["side"]), fixed["trials"]
    model = LEARNING_RULES[point["learning_rule"]](xi)
    noise_seed, basin_seed = thermal.spawn(2)
    recalled = []
    for k, (noise, seed) in enumerate(zip(fixed["noise"], noise_seed.spawn(len(fixed["noise"])))):
        cue_seed, relax_seed = seed.spawn(2)
        cues = ih.flip_fraction(np.repeat(xi, trials, axis=0), noise, rng=cue_seed)
        ends = ih.relax(model, cues, rng=relax_seed).spins
        own = np.einsum("ij,ij->i", ends, np.repeat(xi, trials, axis=0).astype(np.int64))
        recalled.append((own == xi.shape[1]).reshape(len(xi), trials).mean(axis=1))
        if k == 0:
            states, counts = np.unique(ends, axis=0, return_counts=True)
            top = np.argsort(-counts, kind="stable")[:END_STATES]
            end_states = np.zeros((END_STATES, xi.shape[1]), dtype=np.int8)
            end_counts = np.zeros(END_STATES, dtype=np.int64)
            end_states[: len(top)], end_counts[: len(top)] = states[top], counts[top]
    flips = np.asarray(fixed["basin_flips"]) / xi.shape[1]
    curve = recall_curve(model, xi, flips, trials=trials, rng=basin_seed)
    return {
        "recall_probability": recalled,
        "basin_probability": curve.probability.T,
        "end_state": end_states,
        "end_count": end_counts,
    }


def theory(config):
    """The letters, their overlaps, and per rule the exact stability of every stored letter."""
    xi = letter_patterns("".join(LETTERS), config.fixed["side"])
    aligned = [
        xi * ih.local_fields(LEARNING_RULES[r](xi), xi) for r in config.grid["learning_rule"]
    ]
    return {
        "other_letter": ("other_letter", LETTERS),
        "patterns": (("letter", "site"), xi),
        "letter_overlap": (("letter", "other_letter"), xi @ xi.T.astype(np.int64) / xi.shape[1]),
        "fixed_point": (("learning_rule", "letter"), [(a > 1e-9).all(axis=1) for a in aligned]),
        "sites_against_field": (("learning_rule", "letter"), [(a < -1e-9).sum(1) for a in aligned]),
    }


def _montage(ax, tiles, side, columns, labels=None):
    """±1 letters ``(k, side²)`` in rows of ``columns`` (ink black) with a paper border, ``labels``
    below a single row."""
    tiles = np.asarray(tiles).reshape(-1, side, side)
    tiles = np.pad(tiles, ((0, -len(tiles) % columns), (1, 1), (1, 1)), constant_values=-1)
    rows = tiles.reshape(-1, columns, side + 2, side + 2).transpose(0, 2, 1, 3)
    ax.imshow(rows.reshape(len(rows) * (side + 2), -1), cmap="gray_r", vmin=-1, vmax=1)
    ax.set(xticks=(np.arange(columns) + 0.5) * (side + 2) if labels else [], yticks=[])
    if labels:
        ax.set_xticklabels(labels, fontsize=7)


def plot(ds):
    """Letters and their overlaps; stability and recall per rule; why Hebb fails; its end states."""
    fig, axes = panels(3, 2, width=2.16, height=2.3)
    letters, overlaps, stored, curves, against, ends = axes
    side, rules = int(ds.attrs["fixed_side"]), list(ds["learning_rule"].values)
    _montage(letters, ds["patterns"].values, side, 7)
    letters.set_title(f"the 26 letters, N = {side}²")
    off = ds["letter_overlap"].values[np.triu_indices(len(LETTERS), 1)]
    overlaps.hist(off, bins=20)
    random = 1 / np.sqrt(ds.sizes["site"])
    overlaps.axvspan(-random, random, color="0.8")
    overlaps.set(xlabel="overlap of two letters", ylabel="pairs")
    overlaps.set_title(f"mean {off.mean():.2f}; grey: random ±1/√N")
    width, low = 0.8 / len(rules), ds["noise"].min()
    for r, rule in enumerate(rules):
        here, name = ds.sel(learning_rule=rule), rule.replace("_", " ")
        recall = here["recall_probability"].mean("sample")
        values = [int(here["fixed_point"].sum())] + [
            int((recall.sel(noise=n) >= 0.5).sum()) for n in ds["noise"].values
        ]
        stored.bar_label(
            stored.bar(np.arange(3) + r * width, values, width, label=name), fontsize=7
        )
        basin = here["basin_probability"].mean("letter")
        sample_errorbar(curves, ds["flip_fraction"], basin, marker=".", label=name)
        against.bar(np.arange(26) + r * width, here["sites_against_field"], width, label=name)
    stored.set_xticks(np.arange(3) + width, ["fixed"] + [f"{n:.0%}" for n in ds["noise"].values])
    stored.set(ylabel="letters fixed; recalled (p ≥ ½)", ylim=(0, 30), xlabel="cue noise")
    curves.axhline(0.5, color="0.6", ls=":", lw=0.8)
    curves.set(xlabel="flipped fraction of the cue", ylabel="recall probability")
    curves.legend()
    against.set_xticks(np.arange(0, 26, 5) + width, LETTERS[::5])
    against.set(ylabel="sites with ξ_i φ_i < 0", xlabel="stored letter")
    hebb = ds.sel(learning_rule="hebbian", sample=0)
    used = hebb["end_state"].values[hebb["end_count"].values > 0][:4]
    average = np.where(ds["patterns"].values.sum(axis=0) > 0, 1, -1)
    share = hebb["end_count"].values[:4] / (len(LETTERS) * ds.attrs["fixed_trials"])
    labels = ["avg"] + [f"{s:.0%}" for s in share[: len(used)]]
    _montage(ends, np.concatenate([average[None], used]), side, len(labels), labels)
    ends.set_title(f"Hebb, {low:.0%} noise: ends")
    return fig


def animate(ds, directory):
    """The recall of one noisy letter under each rule (seeded by the store's root seed), as GIF and
    HTML."""
    side, paths = int(ds.attrs["fixed_side"]), []
    xi, letter = ds["patterns"].values.astype(np.int8), ds.attrs["fixed_animated_letter"]
    rng = np.random.default_rng(int(ds.attrs.get("seed_entropy", 0)))
    cue = ih.flip_fraction(xi[LETTERS.index(letter)], ds.attrs["fixed_animation_noise"], rng=rng)
    for rule in ds["learning_rule"].values:
        run = ih.relax(
            LEARNING_RULES[rule](xi),
            cue,
            max_sweeps=5,
            record="snapshots",
            snapshot_every=side,
            rng=rng,
        )
        title = f"{rule.replace('_', ' ')}: recall of a noisy {letter} (grey: the other letters)"
        paths.extend(
            ih.viz.animate_frames(
                run.snapshots,
                directory / f"letters_{rule}",
                shape=(side, side),
                times=run.snapshot_times,
                overlaps=run.snapshots.astype(np.int64) @ xi.T / xi.shape[1],
                cmap="gray_r",
                title=title,
                labels=[f"$m_{{{c}}}$" for c in LETTERS],
                highlight=LETTERS.index(letter),
            )
        )
    return paths


def findings(ds):
    """Per rule: the letters that are fixed points, and the recall probability from the least noisy
    cues (mean over letters; error over cue sets)."""
    low = ds["noise"].min()
    out = {
        "noise": Number(low),
        "letters": Number(ds.sizes["letter"]),
        "sites": Number(ds.sizes["site"]),
        "trials": Number(ds.attrs["fixed_trials"] * ds.sizes["sample"]),
    }
    for rule in ds["learning_rule"].values:
        out[f"fixed_{rule}"] = Number(ds["fixed_point"].sel(learning_rule=rule).sum())
        recall = ds["recall_probability"].sel(learning_rule=rule, noise=low).mean("letter")
        out[f"recall_{rule}"] = mean_error(recall)
    return out


def _config(trials, samples, flips, text):
    fixed = {"side": 12, "noise": (0.1, 0.25), "trials": trials, "basin_flips": flips}
    fixed |= {"animated_letter": "R", "animation_noise": 0.25}
    batch = {"noise": fixed["noise"], "letter": LETTERS, "end_rank": END_STATES}
    batch |= {"flip_fraction": tuple(np.asarray(flips) / 144), "site": 144}
    return Config(
        {"learning_rule": tuple(LEARNING_RULES)}, fixed, text, samples=samples, batch=batch
    )


STUDY = ih.Study(
    name="letters",
    description="the 26 capital letters as correlated patterns: Hebb vs Storkey vs pseudo-inverse",
    configs={
        "quick": _config(10, 2, tuple(range(0, 73, 4)), "3 rules × 20 cues, every 4 flips"),
        "full": _config(25, 16, tuple(range(73)), "3 rules × 400 cues, every flip count"),
    },
    compute=compute,
    theory=theory,
    outputs={
        "recall_probability": Output(
            ("noise", "letter"),
            "1",
            "recall probability",
            "fraction of noisy cues that end exactly at their letter",
        ),
        "basin_probability": Output(
            ("flip_fraction", "letter"),
            "1",
            "recall probability",
            "the same against the flipped fraction",
        ),
        "end_state": Output(("end_rank", "site"), "1", "end state", "commonest ends; 0: none"),
        "end_count": Output(("end_rank",), "1", "end-state count", "cues ending there"),
        "patterns": Output(("letter", "site"), "1", "letter", "+1 ink, −1 paper", True),
        "letter_overlap": Output(("letter", "other_letter"), "1", "overlap", "ξξᵀ/N", True),
        "fixed_point": Output(("learning_rule", "letter"), "1", "fixed point", "exact", True),
        "sites_against_field": Output(
            ("learning_rule", "letter"),
            "sites",
            "sites against their field",
            "ξ_i φ_i < 0 at the letter",
            True,
        ),
    },
    coordinates={
        "sample": ("1", "cue set", "independent cues and update orders"),
        "letter": ("1", "letter", "capital letter, DejaVu Sans"),
        "other_letter": ("1", "letter", "the letter compared with"),
        "site": ("1", "pixel", "row-major"),
        "end_rank": ("1", "rank", "0: commonest"),
        "flip_fraction": ("1", "flipped fraction", "of the cue's sites"),
    },
    plot=plot,
    animate=animate,
    findings=findings,
)
