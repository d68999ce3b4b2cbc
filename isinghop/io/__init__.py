"""Files and other tools: models as files, and dimod's binary quadratic models.

* :mod:`isinghop.io.models` — a model as an ``.npz`` file (``save_model``,
  ``load_model``; also re-exported by the top-level package);
* :mod:`isinghop.io.bqm` — dimod ``BinaryQuadraticModel`` to and from
  isinghop models, and a dimod sampler on isinghop's kernels (optional extra
  ``dimod``).

Every name is available here (``ih.io.to_bqm``).
"""

from isinghop.io import bqm, models
from isinghop.io.models import (
    save_model, load_model, MODEL_FORMAT,
)
from isinghop.io.bqm import (
    ImportedBQM, to_bqm, from_bqm, VARTYPES, DENSE_FRACTION, default_beta_range,
)

__all__ = [
    "models",
    "bqm",
    *models.__all__,
    *bqm.__all__,
]


def __getattr__(name):
    """``IsinghopSampler`` subclasses dimod's ``Sampler``: it is built on first use, when dimod is installed."""
    if name == "IsinghopSampler":
        return bqm.IsinghopSampler
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
