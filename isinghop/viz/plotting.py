"""Pictures of spin configurations and animations of a recall.

:func:`animate_recall` turns a :func:`~isinghop.dynamics.relax` or
:func:`~isinghop.montecarlo.sample` record with snapshots into an animation:
the spins drawn as a picture, beside them the overlaps ``m_μ`` with the
stored patterns and the energy per spin, frame by frame. It writes an
animated GIF (through Pillow) and a self-contained HTML page that plays in
any browser (frames embedded as PNG, with a slider and play buttons).
:func:`animate_frames` does the same from plain arrays, e.g. those a study
stores in its Dataset. Nothing here touches pyplot or the caller's backend.
"""

from __future__ import annotations

import base64
import io
import json
from html import escape as html_escape
from pathlib import Path

import numpy as np

from isinghop._validate import finite_array, number, positive_int
from isinghop.couplings import PatternCouplings
from isinghop.model import IsingModel, energy
from isinghop.spins import spin_batch

__all__ = ["draw_spins", "animate_frames", "animate_recall"]


def draw_spins(ax, spins, shape, *, title: str | None = None, cmap: str = "gray"):
    """Draw ±1 spins as a picture of ``shape`` (rows, columns) on ``ax``: +1 white, −1 black
    with the default ``cmap`` (``"gray_r"`` for ink on paper); 0 (no spin) is mid grey.

    Returns
    -------
    matplotlib.image.AxesImage
    """
    image = ax.imshow(np.asarray(spins, dtype=np.float64).reshape(shape), cmap=cmap, vmin=-1, vmax=1,
                      interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=9)
    return image


def animate_frames(snapshots, path, *, shape, times, overlaps=None, energy_per_spin=None, labels=None,
                   highlight: int | None = None, time_label: str = "sweep", title: str = "", fps: float = 6.0,
                   cmap: str = "gray", dpi: int = 80) -> tuple[Path, Path]:
    """Write ``<path>.gif`` and ``<path>.html``: one frame per snapshot, the picture beside
    the overlaps and energy traced up to that frame.

    Parameters
    ----------
    snapshots : array_like
        ``(frame, site)`` ±1 spins.
    path : str or pathlib.Path
        Where to write: ``<path>.gif`` and ``<path>.html`` (a ``.gif`` or
        ``.html`` suffix of ``path`` is dropped first; any other is kept).
    shape : tuple of int
        ``(rows, columns)`` of the picture, ``rows · columns`` = sites.
    times : array_like
        ``(frame,)`` non-decreasing time of each frame, in units of ``time_label`` (sweeps).
    overlaps : array_like, optional
        ``(frame, pattern)`` overlaps ``m_μ`` to trace.
    energy_per_spin : array_like, optional
        ``(frame,)`` energy per spin H/N (units of the couplings).
    labels : sequence of str, optional
        A name per overlap trace (default m₁, m₂, …); a legend is drawn for up to 8 traces.
    highlight : int, optional
        The overlap trace drawn bold (e.g. the cued pattern's), the others thin and grey.
    fps : float
        Frames per second of the GIF and of the HTML player, in (0, 60].
    dpi : int
        Resolution of the frames, 20 … 300 dots per inch.

    Returns
    -------
    tuple of pathlib.Path
        The GIF and the HTML file.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    frames, _ = spin_batch(snapshots, "snapshots")
    n_frames = frames.shape[0]
    shape = _picture_shape(shape, frames.shape[1])
    times = _trace(times, "times", n_frames)
    if times.ndim != 1 or np.any(np.diff(times) < 0):
        raise ValueError("times: expected one non-decreasing time per frame")
    traces = [(name, _trace(values, name, n_frames)) for name, values in
              (("overlaps", overlaps), ("energy_per_spin", energy_per_spin)) if values is not None]
    n_overlaps = traces[0][1].reshape(n_frames, -1).shape[1] if overlaps is not None else 0
    labels = [f"$m_{{{k + 1}}}$" for k in range(n_overlaps)] if labels is None else [str(x) for x in labels]
    if len(labels) != n_overlaps:
        raise ValueError(f"labels: expected {n_overlaps}, one per overlap trace, got {len(labels)}")
    if highlight is not None and (isinstance(highlight, bool) or not isinstance(highlight, (int, np.integer))
                                  or not 0 <= highlight < n_overlaps):
        raise ValueError(f"highlight: expected the index of an overlap trace below {n_overlaps}, got {highlight!r}")
    fps = number(fps, "fps", low=0.0, high=60.0, low_open=True)
    dpi = positive_int(dpi, "dpi")
    if not 20 <= dpi <= 300:
        raise ValueError(f"dpi: expected 20 to 300, got {dpi}")
    base = Path(path)
    if base.is_dir():
        raise ValueError(f"path: {base} is a directory; give a file name without suffix inside it")
    stem = base.name[: -len(base.suffix)] if base.suffix in (".gif", ".html") else base.name

    fig = Figure(figsize=(4 + 3.6 * len(traces), 3.8), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = np.atleast_1d(fig.subplots(1, 1 + len(traces), gridspec_kw={"width_ratios": [1.1] + [1] * len(traces)}))
    picture = draw_spins(axes[0], frames[0], shape, cmap=cmap)
    heading = axes[0].set_title("", fontsize=9)
    moving = []
    for ax, (name, values) in zip(axes[1:], traces):
        columns = values.reshape(n_frames, -1)
        for k in range(columns.shape[1]):
            style = {"marker": ".", "lw": 1.5}
            if name == "overlaps" and highlight is not None:
                style = {"lw": 2.5, "color": "C3", "zorder": 3} if k == highlight else {"lw": 0.8, "color": "0.7"}
            line, = ax.plot(times[:1], columns[:1, k], label=labels[k] if name == "overlaps" else "$H/N$", **style)
            moving.append((line, columns[:, k]))
        ax.set_xlim(times[0], max(times[-1], times[0] + 1e-9))
        finite = columns[np.isfinite(columns)]
        low, high = (finite.min(), finite.max()) if finite.size else (-1.0, 1.0)
        pad = 0.05 * max(high - low, 1e-3)
        ax.set_ylim(low - pad, high + pad)
        ax.set_xlabel(time_label)
        ax.set_ylabel(r"overlap $m_\mu$" if name == "overlaps" else "energy per spin $H/N$")
        if columns.shape[1] <= 8:
            ax.legend(fontsize=7, loc="best")
        elif highlight is not None:
            ax.legend([line for line, _ in moving if line.get_color() == "C3"], [labels[highlight]], fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()

    gif, html = base.parent / f"{stem}.gif", base.parent / f"{stem}.html"
    gif.parent.mkdir(parents=True, exist_ok=True)
    images = []
    for frame in range(n_frames):  # each frame drawn once, for the GIF and the page alike
        picture.set_data(frames[frame].reshape(shape).astype(np.float64))
        heading.set_text(f"{time_label} {times[frame]:.3g}  (frame {frame + 1}/{n_frames})")
        for line, values in moving:
            line.set_data(times[: frame + 1], values[: frame + 1])
        fig.canvas.draw()
        images.append(Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()))
    duration = 1000.0 / fps
    images[0].save(gif, save_all=True, append_images=images[1:], duration=duration, loop=0, disposal=1)
    encoded = []
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False)
        encoded.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"))
    html.write_text(_PLAYER.format(title=html_escape(title or stem), frames=json.dumps(encoded),
                                   interval=duration), encoding="utf-8")
    return gif, html


def animate_recall(record, path, *, shape, model: IsingModel | None = None, patterns=None, replica: int = 0,
                   title: str = "", fps: float = 6.0, cmap: str = "gray") -> tuple[Path, Path]:
    """Animate one replica of a :func:`~isinghop.dynamics.relax` or
    :func:`~isinghop.montecarlo.sample` record that holds snapshots.

    A relaxation gives one frame per snapshot (the start, then every
    ``snapshot_every`` attempts; time in sweeps, fractional within a
    sweep) up to where the replica stopped; a chain one frame per record
    (time: ``recorded_sweeps``). Overlaps are computed from the snapshots
    with ``patterns`` (default the model's own, for pattern storage) and
    the energy per spin with ``model``.

    Parameters
    ----------
    record : Relaxation or Chain
        Run with ``record="snapshots"``.
    path : str or pathlib.Path
        Where to write ``<path>.gif`` and ``<path>.html``.
    shape : tuple of int
        ``(rows, columns)`` of the picture.
    model : IsingModel, optional
        For the energy trace and the default patterns.
    patterns : array_like, optional
        ``(pattern, site)`` ±1 patterns whose overlaps are traced.
    replica : int
        Which replica of a batch to draw.

    Returns
    -------
    tuple of pathlib.Path
        The GIF and the HTML file.
    """
    from isinghop.dynamics import Relaxation
    from isinghop.montecarlo import Chain

    if not isinstance(record, (Relaxation, Chain)):
        raise TypeError(f"record: expected a Relaxation or a Chain, got {type(record).__name__}")
    if record.snapshots is None:
        raise ValueError("record: it holds no snapshots; run relax or sample with record='snapshots'")
    snapshots = record.snapshots if record.snapshots.ndim == 3 else record.snapshots[None]
    if isinstance(replica, bool) or not isinstance(replica, (int, np.integer)) or not 0 <= replica < len(snapshots):
        raise ValueError(f"replica: expected an index below {len(snapshots)}, got {replica!r}")
    frames = snapshots[replica]
    if isinstance(record, Relaxation):
        frames = frames[: int(np.atleast_1d(record.sweeps)[replica]) * record.frames_per_sweep + 1]
        times = record.snapshot_times[: len(frames)]
    else:
        times = record.recorded_sweeps.astype(np.float64)
    if model is not None and not isinstance(model, IsingModel):
        raise TypeError(f"model: expected an IsingModel, got {type(model).__name__}")
    if model is not None and model.n_sites != frames.shape[1]:
        raise ValueError(f"model: it has {model.n_sites} sites, the record {frames.shape[1]}")
    if patterns is None and model is not None and isinstance(model.couplings, PatternCouplings):
        patterns = model.couplings.site_patterns.T
    overlaps = None
    if patterns is not None:
        stored, _ = spin_batch(patterns, "patterns", frames.shape[1])
        overlaps = frames.astype(np.int64) @ stored.T.astype(np.int64) / frames.shape[1]
    energies = energy(model, frames) / frames.shape[1] if model is not None and model.couplings.symmetric else None
    return animate_frames(frames, path, shape=shape, times=times, overlaps=overlaps, energy_per_spin=energies,
                          title=title, fps=fps, cmap=cmap)


#: The HTML page of an animation: the frames as embedded PNGs, a slider and play/pause/step buttons.
_PLAYER = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>body {{font-family: sans-serif; margin: 1em}} img {{max-width: 100%}} input[type=range] {{width: 60%}}</style>
</head><body>
<div><img id="frame" alt="{title}"></div>
<div><button id="back">&#9664;&#9664;</button> <button id="play">play</button>
<button id="step">&#9654;&#9654;</button> <input id="slider" type="range" min="0" value="0">
<span id="label"></span></div>
<script>
const frames = {frames};
const image = document.getElementById("frame"), slider = document.getElementById("slider");
const label = document.getElementById("label"), play = document.getElementById("play");
let current = 0, timer = null;
slider.max = frames.length - 1;
function show(k) {{
  current = (k + frames.length) % frames.length;
  image.src = frames[current]; slider.value = current;
  label.textContent = "frame " + (current + 1) + " / " + frames.length;
}}
function stop() {{ clearInterval(timer); timer = null; play.textContent = "play"; }}
play.onclick = () => {{
  if (timer) {{ stop(); return; }}
  play.textContent = "pause";
  timer = setInterval(() => {{ if (current === frames.length - 1) stop(); else show(current + 1); }}, {interval});
}};
document.getElementById("step").onclick = () => {{ stop(); show(current + 1); }};
document.getElementById("back").onclick = () => {{ stop(); show(current - 1); }};
slider.oninput = () => {{ stop(); show(Number(slider.value)); }};
show(0);
</script>
</body></html>
"""


def _trace(values, name: str, n_frames: int) -> np.ndarray:
    array = finite_array(values, name).astype(np.float64)
    if array.shape[:1] != (n_frames,):
        raise ValueError(f"{name}: expected {n_frames} rows, one per frame, got shape {array.shape}")
    return array


def _picture_shape(shape, n_sites: int) -> tuple[int, int]:
    """Validate ``shape`` as ``(rows, columns)`` of positive integers holding ``n_sites`` sites.

    Returns
    -------
    tuple of int
        ``(rows, columns)``.
    """
    values = np.asarray(shape, dtype=object).ravel() if not isinstance(shape, str) else None
    if (values is None or values.size != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer))
                                                  or v < 1 for v in values)):
        raise ValueError(f"shape: expected (rows, columns), two positive integers, got {shape!r}")
    rows, columns = (int(v) for v in values)
    if rows * columns != n_sites:
        raise ValueError(f"shape: {(rows, columns)} holds {rows * columns} sites, a snapshot has {n_sites}")
    return rows, columns


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
