"""An interactive memory playground: paint patterns, train, paint or corrupt a cue, watch the recall.

``isinghop.playground()`` opens a matplotlib window (any interactive backend;
in Jupyter, ``%matplotlib widget`` with the ``playground`` extra, ipympl):

* up to three pattern grids: paint with the mouse (left button ink +1,
  right button paper −1, drag to keep painting), type letters into the
  ``letters`` box (A–Z, drawn in DejaVu Sans), or load a sample picture;
* a learning rule (Hebbian, Storkey, pseudo-inverse) and ``train``;
* a cue grid: paint it, copy a pattern into it, or corrupt it (flip 20 %);
* ``recall`` runs the zero-temperature dynamics (random order each sweep,
  ties keep the spin) and plays it, a frame every row of update attempts,
  with the overlaps m_μ and the energy per spin H/N traced beside it.

Every control is a method of :class:`Playground`, so the same session runs
headless (no window; on the Agg backend, driven by synthetic mouse events).
"""

from __future__ import annotations

import numpy as np

from isinghop._validate import choice, number, positive_int
from isinghop.dynamics import relax
from isinghop.learning import LEARNING_RULES
from isinghop.model import energy
from isinghop.viz.pictures import SAMPLE_PICTURES, letter_patterns, picture_pattern
from isinghop.spins import flip_fraction

__all__ = ["Playground", "playground"]

#: At most this many patterns.
MAX_PATTERNS = 3
#: Backends that draw without a window.
_HEADLESS = ("agg", "pdf", "ps", "svg", "pgf", "cairo", "template", "backend_inline")


class Playground:
    """A playground session on a ``side × side`` grid with ``n_patterns`` pattern slots.

    Parameters
    ----------
    side : int
        Cells per side of every grid (N = side²), 5 … 64.
    n_patterns : int
        Pattern slots, 1 … 3.
    figure : matplotlib.figure.Figure, optional
        Where to draw (default a new Figure on the Agg canvas, headless).
    rng : int, Generator or None
        Draws corruptions and update orders.
    """

    def __init__(self, *, side: int = 16, n_patterns: int = MAX_PATTERNS, figure=None, rng=None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from isinghop.rng import as_generator

        self.side = positive_int(side, "side")
        if not 5 <= self.side <= 64:
            raise ValueError(f"side: expected 5 to 64 cells, got {side}")
        n_patterns = positive_int(n_patterns, "n_patterns")
        if n_patterns > MAX_PATTERNS:
            raise ValueError(f"n_patterns: at most {MAX_PATTERNS}, got {n_patterns}")
        self.rng = as_generator(rng)
        n = self.side**2
        self.patterns = -np.ones((n_patterns, n), dtype=np.int8)
        self.cue = -np.ones(n, dtype=np.int8)
        self.learning_rule = "hebbian"
        self.model = None
        self.recall_run = None
        self.frame = 0
        self._picture = 0
        self._painting = None
        if figure is None:
            figure = Figure(figsize=(3.0 * (n_patterns + 3), 6.2))
            FigureCanvasAgg(figure)
        elif not isinstance(figure, Figure):
            raise TypeError(f"figure: expected a matplotlib Figure, got {type(figure).__name__}")
        self.figure = figure
        self._build()

    # the controls, usable without a window ------------------------------------------------

    def paint(self, grid: int, row: int, column: int, value: int = 1) -> None:
        """Set one cell: ``grid`` 0 … n_patterns − 1 for a pattern, −1 for the cue; ``value`` ±1."""
        if isinstance(value, bool) or value not in (-1, 1):
            raise ValueError(f"value: must be +1 or -1, got {value!r}")
        cell = (row, column)
        if any(isinstance(x, bool) or not isinstance(x, (int, np.integer)) for x in cell) or not (
                0 <= row < self.side and 0 <= column < self.side):
            raise ValueError(f"row, column: expected integers inside the {self.side} x {self.side} grid, got {cell}")
        self._target(grid)[row * self.side + column] = value
        self._edited(grid)

    def load_letters(self, letters: str) -> None:
        """Draw the letters into the pattern slots, in order (at most ``n_patterns``)."""
        if not isinstance(letters, str) or not letters.strip():
            raise ValueError(f"letters: expected some letters, got {letters!r}")
        letters = "".join(letters.split()).upper()[: len(self.patterns)]
        self.patterns[: len(letters)] = letter_patterns(letters, self.side)
        self._edited(0)

    def load_picture(self, slot: int = 0, name: str | None = None) -> str:
        """Load a sample picture (default: the next one in turn) into pattern ``slot``.

        Returns
        -------
        str
            The picture's name.
        """
        names = list(SAMPLE_PICTURES)
        if name is None:
            name = names[self._picture % len(names)]
            self._picture += 1
        self._target(slot)[:] = picture_pattern(name, self.side).spins
        self._edited(slot)
        return name

    def set_learning_rule(self, learning_rule: str) -> None:
        """Choose the learning rule (``hebbian``, ``storkey`` or ``pseudo_inverse``); train again to use it."""
        self.learning_rule = choice(learning_rule, "learning_rule", tuple(LEARNING_RULES))
        self.model = None
        self._status(f"learning rule: {self.learning_rule.replace('_', ' ')} (press train)")

    def train(self):
        """Store the pattern slots with the chosen rule.

        Returns
        -------
        IsingModel
            The trained model (also ``self.model``).
        """
        try:
            self.model = LEARNING_RULES[self.learning_rule](self.patterns)
        except ValueError as error:  # e.g. the pseudo-inverse of repeated patterns
            self.model = None
            self._status(f"cannot train: {error}")
            raise
        self._status(f"trained {len(self.patterns)} patterns, {self.learning_rule.replace('_', ' ')}")
        return self.model

    def copy_to_cue(self, slot: int = 0) -> None:
        """Copy pattern ``slot`` into the cue."""
        self.cue[:] = self._target(slot)
        self._redraw()

    def corrupt(self, fraction: float = 0.2) -> None:
        """Flip a fraction of the cue's cells at random."""
        fraction = number(fraction, "fraction", low=0.0, high=1.0)
        self.cue[:] = flip_fraction(self.cue, fraction, rng=self.rng)
        self._redraw()

    def clear(self, grid: int = -1) -> None:
        """Set a grid (−1: the cue) to paper, −1."""
        self._target(grid)[:] = -1
        self._edited(grid)

    def recall(self, *, max_sweeps: int = 50, play: bool = True):
        """Relax the cue under the trained model, a snapshot every ``side`` attempts, and play it.

        Returns
        -------
        Relaxation
            The run (``self.recall_run``); the cue grid then shows its first frame,
            and :meth:`step` (or the window's timer) advances it.
        """
        if self.model is None:
            self.train()
        self.recall_run = relax(self.model, self.cue, schedule="permutation", tie="keep", max_sweeps=max_sweeps,
                                record="snapshots", snapshot_every=self.side, rng=self.rng)
        frames = self.recall_run.snapshots
        n = frames.shape[1]
        self._times = self.recall_run.snapshot_times
        self._overlaps = frames.astype(np.int64) @ self.patterns.T.astype(np.int64) / n
        self._energies = energy(self.model, frames) / n
        self.frame = 0
        self._draw_frame()
        run = self.recall_run
        self._status(f"recall: {int(run.sweeps)} sweeps, " + ("fixed point" if run.converged else "not settled"))
        if play and self._timer is not None:
            self._timer.start()
        return run

    def step(self) -> bool:
        """Show the next recall frame.

        Returns
        -------
        bool
            False when the last frame is shown (the timer stops then).
        """
        if self.recall_run is None:
            return False
        last = len(self.recall_run.snapshots) - 1
        if self.frame >= last:
            return False
        self.frame += 1
        self._draw_frame()
        if self.frame == last and self._timer is not None:
            self._timer.stop()
        return self.frame < last

    # drawing and events ------------------------------------------------------------------------

    def _edited(self, grid: int) -> None:
        """A pattern changed: the trained model no longer stores it."""
        if grid != -1 and self.model is not None:
            self.model = None
            self._status("patterns changed: press train")
        self._redraw()

    def _target(self, grid: int) -> np.ndarray:
        if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or not -1 <= grid < len(self.patterns):
            raise ValueError(f"grid: expected -1 (the cue) or a pattern slot 0 … {len(self.patterns) - 1}, got {grid!r}")
        return self.cue if grid == -1 else self.patterns[grid]

    def _build(self):
        from matplotlib.widgets import Button, RadioButtons, TextBox

        fig = self.figure
        k = len(self.patterns)
        grids = fig.subplots(1, k + 3, gridspec_kw={"left": 0.03, "right": 0.98, "bottom": 0.42, "top": 0.9,
                                                    "wspace": 0.35, "width_ratios": [1] * (k + 1) + [1.3, 1.3]})
        self._grid_axes = list(grids[: k + 1])
        self._images = []
        for index, ax in enumerate(self._grid_axes):
            image = ax.imshow(np.zeros((self.side, self.side)), cmap="gray_r", vmin=-1, vmax=1,
                              interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"pattern ξ{index + 1}" if index < k else "cue / recall", fontsize=10)
            self._images.append(image)
        self._overlap_ax, self._energy_ax = grids[k + 1], grids[k + 2]
        self._controls = {}

        def button(name, rect, label, action):
            control = Button(fig.add_axes(rect), label)
            control.on_clicked(lambda event: self._guarded(action))
            self._controls[name] = control

        radio = RadioButtons(fig.add_axes((0.03, 0.05, 0.14, 0.25)), [name.replace("_", " ") for name in LEARNING_RULES])
        radio.on_clicked(lambda label: self._guarded(lambda: self.set_learning_rule(label.replace(" ", "_"))))
        self._controls["learning_rule"] = radio
        button("train", (0.2, 0.22, 0.1, 0.08), "train", self.train)
        button("recall", (0.2, 0.08, 0.1, 0.08), "recall", self.recall)
        for slot in range(k):
            button(f"copy{slot}", (0.33 + 0.09 * slot, 0.22, 0.08, 0.08), f"cue ← ξ{slot + 1}",
                   lambda slot=slot: self.copy_to_cue(slot))
        button("corrupt", (0.33, 0.08, 0.1, 0.08), "flip 20 %", lambda: self.corrupt(0.2))
        button("clear", (0.45, 0.08, 0.1, 0.08), "clear cue", lambda: self.clear(-1))
        button("picture", (0.62, 0.22, 0.14, 0.08), "picture → ξ1", lambda: self.load_picture(0))
        letters = TextBox(fig.add_axes((0.62, 0.08, 0.14, 0.08)), "letters ", initial="")
        letters.on_submit(lambda text: self._guarded(lambda: self.load_letters(text)) if text.strip() else None)
        self._controls["letters"] = letters
        self._message = fig.text(0.79, 0.15, "paint: left button ink, right button paper", fontsize=9, va="center",
                                 wrap=True)
        canvas = fig.canvas
        canvas.mpl_connect("button_press_event", self._press)
        canvas.mpl_connect("motion_notify_event", self._move)
        canvas.mpl_connect("button_release_event", self._release)
        self._timer = None
        if type(canvas).__name__ not in ("FigureCanvasAgg", "FigureCanvasBase"):
            self._timer = canvas.new_timer(interval=80)
            self._timer.add_callback(self.step)
        self._redraw()

    def _guarded(self, action):
        """Run a control's action; an error is shown in the window instead of escaping into the event loop."""
        try:
            action()
        except (ValueError, TypeError) as error:
            self._status(str(error))

    def _cell(self, event):
        for index, ax in enumerate(self._grid_axes):
            if event.inaxes is ax and event.xdata is not None:
                row, column = int(round(event.ydata)), int(round(event.xdata))
                if 0 <= row < self.side and 0 <= column < self.side:
                    return (index if index < len(self.patterns) else -1), row, column
        return None

    def _press(self, event):
        cell = self._cell(event)
        if cell is None or event.button not in (1, 3):
            return
        self._painting = 1 if event.button == 1 else -1
        self.paint(*cell, self._painting)

    def _move(self, event):
        if self._painting is not None and (cell := self._cell(event)) is not None:
            self.paint(*cell, self._painting)

    def _release(self, event):
        self._painting = None

    def _redraw(self):
        for image, values in zip(self._images, [*self.patterns, self.cue]):
            image.set_data(values.reshape(self.side, self.side).astype(np.float64))
        self._refresh()

    def _draw_frame(self):
        frames = self.recall_run.snapshots
        self._images[-1].set_data(frames[self.frame].reshape(self.side, self.side).astype(np.float64))
        shown = slice(0, self.frame + 1)
        for ax in (self._overlap_ax, self._energy_ax):
            ax.clear()
        for mu in range(len(self.patterns)):
            self._overlap_ax.plot(self._times[shown], self._overlaps[shown, mu], marker=".", label=f"m{mu + 1}")
        self._overlap_ax.set_xlim(0, max(self._times[-1], 1e-9))
        self._overlap_ax.set_ylim(-1.05, 1.05)
        self._overlap_ax.set_xlabel("sweep")
        self._overlap_ax.set_ylabel("overlap m_μ")
        self._overlap_ax.legend(fontsize=8, loc="lower right")
        self._energy_ax.plot(self._times[shown], self._energies[shown], color="C3", marker=".")
        self._energy_ax.set_xlim(0, max(self._times[-1], 1e-9))
        low, high = self._energies.min(), self._energies.max()
        self._energy_ax.set_ylim(low - 0.05 * (high - low + 1e-3), high + 0.05 * (high - low + 1e-3))
        self._energy_ax.set_xlabel("sweep")
        self._energy_ax.set_ylabel("energy per spin H/N")
        self._refresh()

    def _refresh(self) -> None:
        """Ask a window to redraw; a headless canvas draws when the figure is saved instead."""
        if self._timer is not None:
            self.figure.canvas.draw_idle()

    def _status(self, text: str) -> None:
        self._message.set_text(text)
        self._refresh()


def playground(*, side: int = 16, n_patterns: int = MAX_PATTERNS, rng=None) -> Playground:
    """Open the memory playground in a window (or, in Jupyter with ipympl, inline).

    Without an interactive matplotlib backend it says so in one line and
    returns the session anyway, to be driven through its methods.

    Returns
    -------
    Playground
        The session; keep a reference while the window is open.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend().lower()
    interactive = not any(backend.endswith(name) or backend == name for name in _HEADLESS)
    figure = plt.figure(figsize=(3.0 * (positive_int(n_patterns, "n_patterns") + 3), 6.2)) if interactive else None
    session = Playground(side=side, n_patterns=n_patterns, figure=figure, rng=rng)
    if interactive:
        plt.show(block=False)
    else:
        print(f"isinghop.playground: matplotlib's backend {backend!r} draws no window; install a GUI toolkit "
              "(e.g. pip install PyQt6) or, in Jupyter, pip install \"isinghop[playground]\" and run "
              "%matplotlib widget first")
    return session


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
