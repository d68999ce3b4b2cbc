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


def _peak_growth(function):
    """Bytes allocated at the peak of ``function()`` beyond what was live before it (tracemalloc)."""
    tracemalloc.start()
    baseline, _ = tracemalloc.get_traced_memory()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - baseline


def test_pattern_storage_fields_energy_and_overlaps_take_o_n_plus_p():
    # 50 000 sites, 400 patterns: xi is 20 MB of int8, 160 MB as float64
    n_sites, n_patterns = 50_000, 400
    model = ih.hebbian(ih.random_patterns(n_patterns, n_sites, rng=1, layout="site"))
    spins = model.couplings.patterns[0]
    ih.relax(model, spins, max_sweeps=1, record="overlaps")  # compile outside the measurement
    xi_bytes = n_sites * n_patterns
    for run in (lambda: ih.local_fields(model, spins), lambda: ih.energy(model, spins),
                lambda: ih.relax(model, spins, max_sweeps=1, record="overlaps")):
        growth = _peak_growth(run)
        # the docstring's bound: O(N + P) vectors plus two 4 MB float64 blocks of xi^T (the one in use
        # and the next); a copy of xi (20 MB) or of its float64 form (160 MB) would exceed it
        assert growth < 8 * 2**20 + 48 * (n_sites + n_patterns), f"{growth / 1e6:.1f} MB against xi {xi_bytes / 1e6} MB"


@pytest.mark.parametrize("rule, itemsize", [("hebbian", 2), ("pseudo_inverse", 8), ("storkey", 8)])
def test_dense_rules_refuse_large_n_and_peak_below_twice_the_matrix(rule, itemsize):
    build = getattr(ih, rule)
    kwargs = {} if rule == "storkey" else {"storage": "dense"}
    with pytest.raises(ValueError, match=r"^max_sites: .*N = 100000 sites needs an N×N matrix of .* GB.*pattern storage"):
        build(ih.random_patterns(2, 100_000, rng=1), **kwargs)
    n_sites = 3000  # large enough that the N×N result outweighs the rules' 8 MB working blocks
    xi = ih.random_patterns(20, n_sites, rng=2)
    matrix_bytes = itemsize * n_sites**2
    growth = _peak_growth(lambda: build(xi, **kwargs))
    assert growth <= 2 * matrix_bytes, f"peak {growth / 1e6:.1f} MB for a {matrix_bytes / 1e6:.1f} MB matrix"


def test_relax_memory_follows_the_sweeps_used_not_max_sweeps():
    model = ih.hebbian(ih.random_patterns(2, 8, rng=3))
    start = ih.random_spins(4, 8, rng=4)
    ih.relax(model, start, record=("energy_per_spin", "overlaps"), rng=5)  # compile outside the measurement
    growth = _peak_growth(lambda: ih.relax(model, start, max_sweeps=50_000_000,
                                           record=("energy_per_spin", "overlaps"), rng=5))
    # records sized by max_sweeps would be 4 replicas x 5e7 sweeps x 8 bytes = 1.6 GB each
    assert growth < 200_000, f"{growth} bytes"


def test_sample_keeps_no_replica_by_sweep_temperature_table():
    model = ih.square_lattice(4)
    start = ih.random_spins(200, 16, rng=6)
    ih.sample(model, start[:1], T=2.0, sweeps=1, rng=7)  # compile outside the measurement
    growth = _peak_growth(lambda: ih.sample(model, start, T=2.0, sweeps=2_000, record_every=1_000, rng=7))
    # a (replica, sweep) float64 table would be 200 x 2000 x 8 = 3.2 MB; the output is a few kB
    assert growth < 500_000, f"{growth} bytes"


def test_dense_fields_and_many_temperatures_take_no_copy_of_the_matrix():
    model = ih.hebbian(ih.random_patterns(20, 3000, rng=8), storage="dense")  # K: 18 MB of int16
    spins = ih.random_spins(2, 3000, rng=9)
    ih.energy(model, spins)
    growth = _peak_growth(lambda: (ih.local_fields(model, spins), ih.energy(model, spins)))
    assert growth < 8 * 2**20, f"{growth / 1e6:.1f} MB for an 18 MB matrix"  # an int64 copy would be 72 MB
    start = ih.random_spins(500, 3000, rng=10)
    ih.sample(model, start[:2], T=1.0, sweeps=1, rng=11)
    growth = _peak_growth(lambda: ih.sample(model, start, T=np.linspace(0.1, 2.0, 500), sweeps=1, rng=11))
    # one probability table per temperature would take 500 x 2^15 x 8 = 131 MB; the tables are capped at 16 MB
    assert growth < 16 * 2**20 + 24 * 500 * 3000, f"{growth / 1e6:.1f} MB"
