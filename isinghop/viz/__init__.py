"""Visuals: spins and recall as pictures and animations, diagrams, the interactive playground.

* :mod:`isinghop.viz.pictures` — ±1 patterns from the pictures and fonts
  matplotlib ships;
* :mod:`isinghop.viz.plotting` — spins as images, recall animations (GIF,
  HTML);
* :mod:`isinghop.viz.figures` — study figures: panels sized for the paper,
  sample means with their errors;
* :mod:`isinghop.viz.diagrams` — state-transition graphs and disconnectivity
  trees of the exact methods;
* :mod:`isinghop.viz.playground` — the interactive memory playground;
* :mod:`isinghop.viz.demo` — the recall demonstration the command line runs.

Every name is available here (``ih.viz.animate_recall``), except the playground itself,
:func:`isinghop.viz.playground.playground` (``isinghop.playground`` at the top level).
"""

from isinghop.viz import demo, diagrams, figures, pictures, playground, plotting
from isinghop.viz.pictures import (
    SAMPLE_PICTURES, Picture, sample_picture, picture_pattern, letter_patterns,
)
from isinghop.viz.plotting import (
    draw_spins, animate_frames, animate_recall,
)
from isinghop.viz.figures import panels, sample_errorbar, sample_band, style, TEXT_WIDTH, STYLE
from isinghop.viz.diagrams import (
    draw_transition_graph, draw_disconnectivity,
)
from isinghop.viz.playground import Playground  # the function is ``isinghop.playground``: here the name is the module
from isinghop.viz.demo import (
    DemoResult, recall_demo, plot_demo,
)

__all__ = [
    "pictures",
    "plotting",
    "figures",
    "diagrams",
    "playground",
    "demo",
    *pictures.__all__,
    *plotting.__all__,
    *figures.__all__,
    *diagrams.__all__,
    "Playground",
    *demo.__all__,
]


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
