"""Study figures: panels sized for the paper, and averages over disorder samples drawn with their errors.

A study's figure is read at the paper's text width (6.5 in): :func:`panels` gives a row of panels that
together fit it, so text drawn at 7 pt prints at 7 pt or more. :func:`sample_errorbar` and
:func:`sample_band` draw the mean over independent samples with its standard error
(:func:`isinghop.stats.finite_size.disorder_average`). Nothing here touches pyplot or the caller's backend.
"""

from __future__ import annotations

from isinghop.stats.finite_size import disorder_average

__all__ = ["panels", "sample_errorbar", "sample_band", "style", "TEXT_WIDTH", "STYLE"]

#: The paper's text width in inches (A4 with 2.2 cm margins): a figure no wider prints at its own size.
TEXT_WIDTH = 6.5
#: Text sizes (points) of every study figure: at its own size no text is smaller than 7 pt.
STYLE = {"axes.titlesize": 9, "axes.labelsize": 9, "xtick.labelsize": 8, "ytick.labelsize": 8,
         "legend.fontsize": 7, "legend.title_fontsize": 7, "figure.titlesize": 10}


def style():
    """A context in which a study's figure is drawn and saved with the text sizes of :data:`STYLE`.

    Returns
    -------
    contextlib.AbstractContextManager
        ``matplotlib.rc_context(STYLE)``.
    """
    import matplotlib

    return matplotlib.rc_context(STYLE)


def panels(columns: int = 1, rows: int = 1, *, width: float = 3.2, height: float = 2.9):
    """A figure of ``rows`` × ``columns`` panels, each ``width`` × ``height`` inches.

    Parameters
    ----------
    columns, rows : int
        Panels side by side and above each other (at most two columns keep the figure within
        :data:`TEXT_WIDTH` at the default width; at most six panels in all).
    width, height : float
        Inches per panel.

    Returns
    -------
    tuple
        ``(figure, axes)``: a matplotlib ``Figure`` (constrained layout) and a 1-D array of its axes,
        row by row.
    """
    from matplotlib.figure import Figure

    if width * columns > TEXT_WIDTH:
        raise ValueError(f"width: {columns} panels of {width} in exceed the text width {TEXT_WIDTH} in")
    if rows * columns > 6:
        raise ValueError(f"rows: {rows} × {columns} panels; a figure a reader can follow has at most 6")
    figure = Figure(figsize=(width * columns, height * rows), layout="constrained")
    return figure, figure.subplots(rows, columns, squeeze=False).ravel()


def sample_errorbar(ax, x, data, *, dim: str = "sample", replica_dim: str | None = "replica", **style):
    """Draw the mean of ``data`` over ``dim`` against ``x`` with standard-error bars.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x : array_like
    data : xarray.DataArray
        One dim besides ``dim`` (and ``replica_dim``), matching ``x``; ``dim`` holds independent samples.
    dim, replica_dim : str
        As in :func:`isinghop.stats.finite_size.disorder_average`: replicas of one sample are averaged first.
    **style
        Passed to ``Axes.errorbar`` (default: round markers, capped bars).

    Returns
    -------
    matplotlib.container.ErrorbarContainer
    """
    mean, error = disorder_average(data, dim=dim, replica_dim=replica_dim)
    return ax.errorbar(x, mean, error, **({"marker": "o", "ms": 3, "capsize": 2} | style))


def sample_band(ax, x, data, *, dim: str = "sample", replica_dim: str | None = "replica", **style):
    """Draw the mean of ``data`` over ``dim`` against ``x`` as a line in a ±1 standard-error band.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    x : array_like
    data : xarray.DataArray
    dim, replica_dim : str
        As in :func:`sample_errorbar`.
    **style
        Passed to ``Axes.plot``.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    mean, error = disorder_average(data, dim=dim, replica_dim=replica_dim)
    (line,) = ax.plot(x, mean, **style)
    ax.fill_between(x, mean - error, mean + error, color=line.get_color(), alpha=0.25, lw=0)
    return line


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
