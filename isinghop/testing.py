"""Assertions for users and tests: does a Dataset meet the study contract?"""

from __future__ import annotations

__all__ = ["assert_study_dataset"]

#: Provenance attributes every study Dataset carries.
PROVENANCE_KEYS = ("isinghop_version", "python_version", "numpy_version", "numba_version", "xarray_version",
                   "seed_entropy", "parameters", "study", "config", "start_time", "end_time", "wall_time_s")


def assert_study_dataset(dataset, *, dims=()) -> None:
    """Raise ``AssertionError`` unless ``dataset`` has the named ``dims``, units, long names and
    descriptions on every variable and coordinate, and the provenance attributes."""
    missing_dims = [d for d in dims if d not in dataset.dims]
    assert not missing_dims, f"dims {missing_dims} missing; the Dataset has {list(dataset.dims)}"
    for name, variable in {**dataset.data_vars, **dataset.coords}.items():
        for attr in ("units", "long_name", "description"):
            assert attr in variable.attrs, f"{name!r} has no {attr!r} attribute"
    for key in PROVENANCE_KEYS:
        assert key in dataset.attrs, f"provenance attribute {key!r} missing"
