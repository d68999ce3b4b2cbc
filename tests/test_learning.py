"""Learning rules and pattern generators against definitions and known results."""

import numpy as np
import pytest

import isinghop as ih


def stable_patterns(model, patterns):
    """Number of patterns that are fixed points: every site strictly aligned with its field."""
    fields = ih.local_fields(model, patterns)
    return int(np.all(fields * patterns > 0, axis=1).sum())


def test_hebbian_matches_definition():
    xi = ih.random_patterns(4, 12, rng=1)
    expected = sum(np.outer(p, p) for p in xi.astype(float)) / 12
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(ih.to_dense(ih.hebbian(xi, storage="dense")), expected, atol=1e-15)
    with_diagonal = ih.to_dense(ih.hebbian(xi, self_coupling=True))
    np.testing.assert_allclose(np.diag(with_diagonal), 4 / 12)


@pytest.mark.parametrize("n_sites", [100, 200])
def test_pseudo_inverse_stores_correlated_patterns_where_hebb_fails(n_sites):
    # c = 0.5 correlated patterns at P = N/2: cond(C) is O(N), which must be accepted
    n_patterns = n_sites // 2
    xi = ih.correlated_patterns(n_patterns, n_sites, 0.5, rng=n_sites)
    for storage in ("patterns", "dense"):
        model = ih.pseudo_inverse(xi, storage=storage)
        assert stable_patterns(model, xi) == n_patterns
    # Hebb: crosstalk from the shared parent destabilises every pattern
    assert stable_patterns(ih.hebbian(xi), xi) == 0


def test_pseudo_inverse_projects_onto_pattern_space():
    # with the diagonal kept, J is the orthogonal projector onto span(xi): J xi^mu = xi^mu
    xi = ih.random_patterns(6, 40, rng=3)
    J = ih.to_dense(ih.pseudo_inverse(xi, self_coupling=True))
    np.testing.assert_allclose(J @ xi.T, xi.T, atol=1e-10)
    np.testing.assert_allclose(J @ J, J, atol=1e-10)


def test_pseudo_inverse_refuses_dependent_patterns():
    xi = ih.random_patterns(3, 20, rng=4)
    repeated = np.vstack([xi, xi[:1]])
    with pytest.raises(ValueError, match=r"patterns: .*singular.*rank 3 of 4"):
        ih.pseudo_inverse(repeated)
    with pytest.raises(ValueError, match="patterns: .*singular"), pytest.warns(UserWarning, match="12 patterns on 10"):
        ih.pseudo_inverse(ih.random_patterns(12, 10, rng=5))


def storkey_by_definition(patterns):
    """Storkey (1997), literally: w_ij += (xi_i xi_j - xi_i h_ji - h_ij xi_j)/n, h_ij = sum_{k != i,j} w_ik xi_k."""
    n = patterns.shape[1]
    w = np.zeros((n, n))
    for xi in patterns.astype(float):
        old = w.copy()

        def local(i, j):
            return sum(old[i, k] * xi[k] for k in range(n) if k != i and k != j)

        for i in range(n):
            for j in range(n):
                if i != j:
                    w[i, j] = old[i, j] + (xi[i] * xi[j] - xi[i] * local(j, i) - local(i, j) * xi[j]) / n
    return w


def test_storkey_equals_its_definition():
    xi = ih.random_patterns(3, 8, rng=6)
    np.testing.assert_allclose(ih.to_dense(ih.storkey(xi)), storkey_by_definition(xi), atol=1e-14)


def test_storkey_keeps_more_patterns_than_hebb():
    # N = 200, alpha = 0.2 is above Hebb's capacity 0.138
    n_sites, n_patterns = 200, 40
    hebb = storkey = 0
    for seed in range(3):
        xi = ih.random_patterns(n_patterns, n_sites, rng=seed)
        hebb += stable_patterns(ih.hebbian(xi), xi)
        storkey += stable_patterns(ih.storkey(xi), xi)
    assert storkey > hebb
    assert storkey >= 0.9 * 3 * n_patterns


@pytest.mark.parametrize("bias", [0.0, 0.3, -0.6])
@pytest.mark.parametrize("layout", ["pattern", "site"])
def test_random_patterns_have_the_asked_mean(bias, layout):
    xi = ih.random_patterns(30, 5000, bias=bias, rng=7, layout=layout)
    assert xi.dtype == np.int8 and xi.shape == (30, 5000)
    assert set(np.unique(xi)) <= {-1, 1}
    sigma = np.sqrt((1 - bias**2) / xi.size)
    assert abs(xi.mean() - bias) < 4 * sigma
    # different sites and patterns are uncorrelated: <xi_i^1 xi_i^2> = bias^2
    product = (xi[0].astype(float) * xi[1]).mean()
    assert abs(product - bias**2) < 4 * np.sqrt((1 - bias**4) / xi.shape[1])


@pytest.mark.parametrize("c", [0.0, 0.5, 0.8])
def test_correlated_patterns_have_correlation_c_squared(c):
    n_sites = 20_000
    xi = ih.correlated_patterns(5, n_sites, c, rng=8)
    # one pair over N independent sites: mean c^2, variance 1 - c^4
    product = (xi[0].astype(float) * xi[3]).mean()
    assert abs(product - c**2) < 4 * np.sqrt((1 - c**4) / n_sites)
    # each pattern is unbiased (the parent is a fair coin)
    assert abs(xi[2].mean()) < 4 / np.sqrt(n_sites)


def test_generators_are_reproducible_and_validated():
    assert np.array_equal(ih.random_patterns(3, 9, rng=1), ih.random_patterns(3, 9, rng=1))
    with pytest.raises(ValueError, match="bias"):
        ih.random_patterns(3, 9, bias=1.5)
    with pytest.raises(ValueError, match="layout"):
        ih.random_patterns(3, 9, layout="column")
    with pytest.raises(ValueError, match="storage"):
        ih.hebbian(np.ones((1, 3)), storage="sparse")
    with pytest.raises(ValueError, match=r"patterns: .*bad entries \[0, 1\] = 0"):
        ih.hebbian([[1, 0, 1]])


@pytest.mark.parametrize("generate", [
    lambda layout: ih.random_patterns(7, 333, bias=0.2, rng=11, layout=layout),
    lambda layout: ih.correlated_patterns(7, 333, 0.4, rng=11, layout=layout),
])
def test_layout_is_a_memory_order_not_a_draw(generate):
    by_pattern, by_site = generate("pattern"), generate("site")
    assert by_pattern.flags.c_contiguous and by_site.T.flags.c_contiguous
    np.testing.assert_array_equal(by_pattern, by_site)
