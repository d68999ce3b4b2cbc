"""Pattern storage never builds an N×N array."""

import tracemalloc

import numpy as np
import pytest

import isinghop as ih


def test_pattern_storage_fields_at_two_hundred_thousand_sites():
    n_sites, n_patterns = 200_000, 10
    xi = ih.random_patterns(n_patterns, n_sites, rng=1, layout="site")
    model = ih.hebbian(xi)
    spins = ih.flip_fraction(xi[0], 0.1, rng=2)
    ih.local_fields(model, spins)  # warm-up outside the measurement (first-call allocations)
    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    fields = ih.local_fields(model, spins)
    energy = ih.energy(model, spins)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    growth_mb = (peak - baseline) / 1e6
    # an N×N float64 J would need 8 N^2 = 320 GB; the budget is 50 MB
    assert growth_mb < 50, f"memory growth {growth_mb:.1f} MB"
    # and the numbers are right: phi = (xi^T (xi s) - P s) / N and E/N = -1/2 sum m^2 + P/(2N)
    xi64 = xi.astype(np.int64)
    sums = xi64 @ spins
    np.testing.assert_array_equal(fields, (sums @ xi64 - n_patterns * spins) / n_sites)
    m = sums / n_sites
    assert energy / n_sites == pytest.approx(-0.5 * (m**2).sum() + n_patterns / (2 * n_sites), rel=1e-13)
