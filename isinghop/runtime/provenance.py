"""Provenance of a study Dataset: flat string and number attrs, stamped last.

netCDF stores neither dicts, bools nor None, and xarray drops attrs in
arithmetic, so provenance is collected as flat values (nested parameters as
one JSON string) and written onto the finished Dataset by :func:`stamp`.
"""

from __future__ import annotations

import json
import platform
import subprocess
from pathlib import Path

import numpy as np

__all__ = ["collect", "cpu_model", "stamp", "TIMING_ATTRS"]

#: Attributes that differ between otherwise identical runs.
TIMING_ATTRS = ("start_time", "end_time", "wall_time_s", "history", "compute_time_s")


def _git_describe() -> str:
    """``git describe`` of the project's own checkout, or "" (an installed copy, or a repository that
    merely encloses site-packages)."""
    root = Path(__file__).resolve().parents[2]  # isinghop/runtime/provenance.py: the checkout holds isinghop/

    def git(*arguments) -> str:
        try:
            done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    top = git("rev-parse", "--show-toplevel")
    if not top or Path(top).resolve() != root or not (root / "pyproject.toml").is_file():
        return ""
    return git("describe", "--always", "--dirty", "--tags")


def cpu_model() -> str:
    """The processor's model name (``/proc/cpuinfo`` on Linux, where ``platform.processor()`` is empty),
    else what the platform says, else the machine type.

    Returns
    -------
    str
        For example ``"Intel(R) Xeon(R) Processor"``.
    """
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def collect(*, seed_entropy, parameters: dict) -> dict:
    """Versions, the root seed's entropy and the parameters, as flat netCDF-safe attrs.

    Returns
    -------
    dict
        str → str attributes (parameters as sorted JSON).
    """
    import numba
    import xarray

    from isinghop._version import __version__

    return {
        "isinghop_version": __version__,
        "git_describe": _git_describe(),
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "numba_version": numba.__version__,
        "xarray_version": xarray.__version__,
        "seed_entropy": str(seed_entropy),
        "parameters": json.dumps(parameters, sort_keys=True, default=str),
    }


def stamp(dataset, attrs: dict):
    """Return ``dataset`` with ``attrs`` added (flat: str, int, float); apply after all computation.

    Returns
    -------
    xarray.Dataset
        A shallow copy of ``dataset`` with the attributes added.
    """
    for key, value in attrs.items():
        if not isinstance(value, (str, int, float, np.integer, np.floating)) or isinstance(value, bool):
            raise TypeError(f"attrs: {key!r} must be a string or a number for netCDF, got {type(value).__name__}")
    out = dataset.copy()
    out.attrs.update(attrs)
    return out


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
