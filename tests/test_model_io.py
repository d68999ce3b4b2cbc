"""Models saved to and loaded from files."""

import numpy as np
import pytest
import scipy.sparse

import isinghop as ih


def models():
    rng = np.random.default_rng(1)
    xi = ih.random_patterns(4, 30, rng=2)
    J = rng.normal(size=(30, 30))
    asymmetric = rng.integers(-2, 3, (30, 30))
    np.fill_diagonal(asymmetric, 0)
    return {
        "hebbian patterns": ih.hebbian(xi),
        "hebbian self-coupled": ih.hebbian(xi, self_coupling=True),
        "hebbian dense integer": ih.hebbian(xi, storage="dense").with_field(h=rng.normal(size=30)),
        "pseudo-inverse": ih.pseudo_inverse(xi),
        "dense float": ih.dense_model(np.triu(J, 1) + np.triu(J, 1).T, theta=0.3),
        "dense asymmetric": ih.dense_model(asymmetric, scale=7, allow_asymmetric=True),
        "lattice": ih.square_lattice(5, coupling=1.5, h=0.25),
        "sparse integer": ih.sparse_model(scipy.sparse.csr_array(np.triu(asymmetric, 1) + np.triu(asymmetric, 1).T),
                                          scale=3),
    }


@pytest.mark.parametrize("name", sorted(models()))
def test_round_trip_keeps_storage_couplings_and_field(name, tmp_path):
    model = models()[name]
    path = ih.save_model(model, tmp_path / "net")
    assert path.name == "net.npz" and not list(tmp_path.glob("*.partial"))
    back = ih.load_model(path)
    assert type(back.couplings) is type(model.couplings)
    np.testing.assert_array_equal(back.h, model.h)
    spins = ih.random_spins(5, model.n_sites, rng=3)
    np.testing.assert_array_equal(ih.local_fields(back, spins), ih.local_fields(model, spins))
    if model.couplings.symmetric:
        np.testing.assert_array_equal(ih.energy(back, spins), ih.energy(model, spins))
    if isinstance(model.couplings, ih.PatternCouplings):
        np.testing.assert_array_equal(back.couplings.site_patterns, model.couplings.site_patterns)
        assert back.couplings.self_coupling == model.couplings.self_coupling
    else:
        assert back.couplings.scale == model.couplings.scale
        assert back.couplings.matrix.dtype == model.couplings.matrix.dtype  # integers stay integers
        assert back.couplings.symmetric == model.couplings.symmetric


def test_damaged_and_foreign_files_are_refused(tmp_path):
    path = ih.save_model(ih.hebbian(ih.random_patterns(3, 20, rng=4)), tmp_path / "net.npz")
    data = path.read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    (tmp_path / "noise.npz").write_bytes(np.random.default_rng(5).bytes(500))
    np.savez(tmp_path / "foreign.npz", x=np.arange(3))
    for name in ("cut.npz", "noise.npz", "foreign.npz"):
        with pytest.raises(ValueError, match="path: .* not"):
            ih.load_model(tmp_path / name)
    with np.load(path) as stored:
        arrays = dict(stored)
    np.savez(tmp_path / "newer.npz", **(arrays | {"version": np.array(99)}))
    with pytest.raises(ValueError, match="version 99"):
        ih.load_model(tmp_path / "newer.npz")
    np.savez(tmp_path / "incomplete.npz", **{k: v for k, v in arrays.items() if k != "site_patterns"})
    with pytest.raises(ValueError, match="site_patterns"):
        ih.load_model(tmp_path / "incomplete.npz")
    np.savez(tmp_path / "bad-spins.npz", **(arrays | {"site_patterns": 3 * arrays["site_patterns"]}))
    with pytest.raises(ValueError, match="site_patterns"):
        ih.load_model(tmp_path / "bad-spins.npz")
    with pytest.raises(FileNotFoundError, match="path"):
        ih.load_model(tmp_path / "absent.npz")
