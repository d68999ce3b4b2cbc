import numpy as np
import pytest

import isinghop as ih


def test_as_spins_shapes_and_dtype():
    one = ih.as_spins([1, -1, 1])
    assert one.shape == (1, 3) and one.dtype == np.int8
    batch = ih.as_spins(np.array([[1.0, -1.0], [-1.0, -1.0]]))
    assert batch.dtype == np.int8 and batch.flags.c_contiguous
    assert batch.tolist() == [[1, -1], [-1, -1]]


@pytest.mark.parametrize(
    "bad, named",
    [([1, 0, -1], r"\[1\] = 0"), ([[1, -1], [-1, 2]], r"\[1, 1\] = 2"), ([1.0, np.nan], r"\[1\] = nan")],
)
def test_bad_spin_values_are_named(bad, named):
    with pytest.raises(ValueError, match=r"spins: .*bad entries " + named):
        ih.as_spins(bad)


def test_binary_round_trip():
    bits = np.array([[0, 1, 1], [1, 0, 0]])
    spins = ih.from_binary(bits)
    assert spins.tolist() == [[-1, 1, 1], [1, -1, -1]]
    assert ih.to_binary(spins).tolist() == bits.tolist()
    assert ih.from_binary(np.array([True, False])).tolist() == [1, -1]
    with pytest.raises(ValueError, match="bits"):
        ih.from_binary([0, 2])
    with pytest.raises(TypeError, match="spins"):
        ih.as_spins(np.array([True, False]))


def test_random_spins_are_unbiased():
    spins = ih.random_spins(50, 2000, rng=1)
    assert spins.dtype == np.int8 and set(np.unique(spins)) == {-1, 1}
    # mean of 10^5 independent ±1: sigma = 1/sqrt(1e5)
    assert abs(spins.mean()) < 4 / np.sqrt(spins.size)
    assert np.array_equal(spins, ih.random_spins(50, 2000, rng=1))


def test_flip_fraction_sets_exact_overlap():
    xi = ih.random_spins(7, 500, rng=2)
    corrupted = ih.flip_fraction(xi, 0.2, rng=3)
    overlap = (corrupted * xi.astype(int)).mean(axis=1)
    np.testing.assert_array_equal(overlap, 1 - 2 * 100 / 500)
    # replicas get different sites
    assert not np.array_equal(corrupted[0] != xi[0], corrupted[1] != xi[1])
    assert np.array_equal(ih.flip_fraction(xi[0], 0.0, rng=1), xi[0])
    assert np.array_equal(ih.flip_fraction(xi[0], 1.0, rng=1), -xi[0])


def test_inputs_are_never_modified():
    xi = ih.random_spins(2, 16, rng=4)
    before = xi.copy()
    ih.flip_fraction(xi, 0.5, rng=1)
    ih.mask_block(xi, slice(0, 4))
    ih.invert_region(xi, slice(0, 4))
    ih.invert(xi)
    assert np.array_equal(xi, before)


def test_mask_block_fixed_and_random():
    image = np.ones((4, 4), dtype=np.int8).ravel()
    masked = ih.mask_block(image, (slice(0, 2), slice(1, 3)), fill=-1, shape=(4, 4))
    expected = np.ones((4, 4), dtype=np.int8)
    expected[0:2, 1:3] = -1
    assert np.array_equal(masked.reshape(4, 4), expected)
    many = ih.mask_block(np.ones((400, 100), dtype=np.int8), slice(10, 60), fill="random", rng=5)
    assert np.all(many[:, :10] == 1) and np.all(many[:, 60:] == 1)
    block = many[:, 10:60]
    # 20000 independent fair spins: |mean| below 4 sigma
    assert abs(block.mean()) < 4 / np.sqrt(block.size)
    with pytest.raises(ValueError, match="fill"):
        ih.mask_block(image, slice(0, 2), fill=0)
    with pytest.raises(ValueError, match="shape"):
        ih.mask_block(image, slice(0, 2), shape=(3, 3))


def test_invert_region_and_invert():
    spins = np.array([1, 1, -1, -1], dtype=np.int8)
    assert ih.invert(spins).tolist() == [-1, -1, 1, 1]
    assert ih.invert_region(spins, slice(1, 3)).tolist() == [1, -1, 1, -1]


def test_rng_arguments():
    a = ih.random_spins(1, 10, rng=np.random.SeedSequence(7))
    b = ih.random_spins(1, 10, rng=np.random.default_rng(np.random.SeedSequence(7)))
    assert np.array_equal(a, b)
    with pytest.raises(TypeError, match="rng"):
        ih.random_spins(1, 10, rng=1.5)
    with pytest.raises(ValueError, match="rng"):
        ih.random_spins(1, 10, rng=-1)
