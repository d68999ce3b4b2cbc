"""Shared test settings: a reproducible hypothesis profile."""

import os

import pytest

from hypothesis import HealthCheck, settings

# Derandomised, no deadline (first calls may compile), a modest number of examples.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def quick_stores(tmp_path_factory):
    """One directory of quick study stores (``<study>-quick``, root seed 0) for the whole session, shared by
    the study tests and the paper, so that each quick study runs once.

    Under pytest-xdist (``-n``) every worker uses the same directory: the stores' point locks let the
    workers share the points, and a worker that needs a point another is computing waits for it.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the basetemp all workers of this run share
    path = root / "quick-stores"
    path.mkdir(exist_ok=True)
    return path


def run_quick(stores, name):
    """The quick config of study ``name`` with root seed 0, run (or resumed) in the shared store."""
    import isinghop as ih

    return ih.run_study(name, "quick", stores / f"{name}-quick", rng=0)
