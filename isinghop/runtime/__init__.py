"""Running studies: their declaration, the runner, the store of their points, provenance.

* :mod:`isinghop.runtime.declaration` — a study and its configurations
  (grid, fixed parameters), labelled variables, study names and entry points,
  the keys and random streams of grid points, checkpoints of a running point;
* :mod:`isinghop.runtime.runner` — :func:`~isinghop.runtime.runner.run_study`,
  which computes the missing points of a configuration in this process, a
  process pool or a dask cluster, resumably;
* :mod:`isinghop.runtime.store` — the directory of point files: its layout,
  checksums, merging (:func:`~isinghop.runtime.store.load_store`), status,
  tidy tables;
* :mod:`isinghop.runtime.provenance` — versions, seed and parameters as flat
  attributes, stamped last.

Every name is available here (``ih.runtime.tidy``); the main ones also at the
top level (``ih.run_study("retrieval", "quick", "runs/retrieval-quick")``).
"""

from isinghop.runtime import declaration, provenance, runner, store
from isinghop.runtime.declaration import (
    Config, Study, Output, labelled, Checkpoint, load_study, study_names, study_groups, point_key, cf_attrs,
    common_attrs,
    COMMON_ATTRS, CF_CONVENTIONS,
    REDUCED_UNITS,
)
from isinghop.runtime.provenance import collect, code_fingerprint, cpu_model, stamp, NOT_PHYSICS, TIMING_ATTRS
from isinghop.runtime.runner import run_study
from isinghop.runtime.store import StoreWarning, StoreFullError, load_store, store_status, tidy, write_dataset

__all__ = [
    "declaration",
    "runner",
    "store",
    "provenance",
    *declaration.__all__,
    *runner.__all__,
    *store.__all__,
    *provenance.__all__,
]


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
