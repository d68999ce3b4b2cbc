"""Shared test settings: a reproducible hypothesis profile."""

import os

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
