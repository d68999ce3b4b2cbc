"""Assertions for users and tests: does a Dataset meet the study contract?"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["assert_study_dataset"]

#: Provenance attributes every study Dataset carries.
PROVENANCE_KEYS = ("isinghop_version", "python_version", "numpy_version", "numba_version", "xarray_version",
                   "seed_entropy", "parameters", "study", "config", "start_time", "end_time", "wall_time_s")

#: A netCDF/CF variable name: a letter, then letters, digits and underscores.
_CF_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def assert_study_dataset(dataset, *, dims=()) -> None:
    """Raise ``AssertionError`` unless ``dataset`` meets the study contract and the CF conventions.

    The contract: the named ``dims``; ``units``, ``long_name`` and
    ``description`` on every variable and coordinate; the provenance
    attributes. The CF conventions, where they apply: a ``Conventions``
    attribute ``CF-…``, names that start with a letter, ``units`` that
    UDUNITS reads (checked with the ``cf-units`` package of the ``test``
    extra), and numeric dimension coordinates strictly monotonic with no
    missing values.
    """
    try:
        from cf_units import Unit
    except ImportError as error:
        raise ImportError("assert_study_dataset reads units with cf-units: pip install 'isinghop[test]'") from error
    missing_dims = [d for d in dims if d not in dataset.dims]
    assert not missing_dims, f"dims {missing_dims} missing; the Dataset has {list(dataset.dims)}"
    assert str(dataset.attrs.get("Conventions", "")).startswith("CF-"), "no CF 'Conventions' attribute"
    for name, variable in {**dataset.data_vars, **dataset.coords}.items():
        assert _CF_NAME.match(str(name)), f"{name!r} is not a CF variable name"
        for attr in ("units", "long_name", "description"):
            assert attr in variable.attrs, f"{name!r} has no {attr!r} attribute"
        try:
            Unit(variable.attrs["units"])
        except ValueError:
            raise AssertionError(f"{name!r}: units {variable.attrs['units']!r} is not a UDUNITS unit") from None
    for name in dataset.dims:
        if name in dataset.coords and np.issubdtype(dataset[name].dtype, np.number):
            values = dataset[name].values.astype(np.float64)
            steps = np.diff(values)
            assert not np.isnan(values).any(), f"coordinate {name!r} has missing values"
            assert (steps > 0).all() or (steps < 0).all(), f"coordinate {name!r} is not strictly monotonic"
    for key in PROVENANCE_KEYS:
        assert key in dataset.attrs, f"provenance attribute {key!r} missing"


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
