"""Models saved to and loaded from files."""

import errno
import io
import multiprocessing
import re
import time
import tracemalloc
import zipfile

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


def _concurrent_model(seed):
    """One of two models that differ everywhere (patterns and field), large enough that a save takes a while."""
    return ih.hebbian(ih.random_patterns(8, 20_000, rng=seed)).with_field(h=float(seed))


def _save_repeatedly(path, seed, barrier, seconds):
    model = _concurrent_model(seed)
    barrier.wait(timeout=120)
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        ih.save_model(model, path)


@pytest.mark.slow  # two processes started by spawn, then two seconds of saving and loading
def test_concurrent_saves_and_loads_see_whole_files_only(tmp_path):
    models = {seed: _concurrent_model(seed) for seed in (1, 2)}
    path = ih.save_model(models[1], tmp_path / "net.npz")
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    writers = [context.Process(target=_save_repeatedly, args=(path, seed, barrier, 2.0)) for seed in models]
    for writer in writers:
        writer.start()
    barrier.wait(timeout=120)
    reads, errors = 0, []
    stop = time.monotonic() + 2.0
    while time.monotonic() < stop:
        try:
            back = ih.load_model(path)
        except Exception as error:  # noqa: BLE001 -- every failure is reported below
            errors.append(repr(error))
            continue
        reads += 1
        expected = models[int(back.h[0])]
        np.testing.assert_array_equal(back.h, expected.h)
        np.testing.assert_array_equal(back.couplings.site_patterns, expected.couplings.site_patterns)
    for writer in writers:
        writer.join(timeout=120)
    assert errors == []
    assert reads > 0 and [writer.exitcode for writer in writers] == [0, 0]
    assert [entry.name for entry in tmp_path.iterdir()] == ["net.npz"]


@pytest.mark.parametrize("interruption", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_failed_save_keeps_the_old_file_and_leaves_nothing_behind(interruption, tmp_path, monkeypatch):
    old, new = ih.hebbian(ih.random_patterns(3, 20, rng=1)), ih.hebbian(ih.random_patterns(3, 20, rng=2))
    path = ih.save_model(old, tmp_path / "net.npz")

    def savez_then_fail(handle, **arrays):
        handle.write(b"PK\x03\x04 half of a file")
        raise interruption

    with monkeypatch.context() as patch:
        patch.setattr(np, "savez", savez_then_fail)
        with pytest.raises(type(interruption)):
            ih.save_model(new, path)
    assert [entry.name for entry in tmp_path.iterdir()] == ["net.npz"]
    np.testing.assert_array_equal(ih.load_model(path).couplings.site_patterns, old.couplings.site_patterns)
    ih.save_model(new, path)
    np.testing.assert_array_equal(ih.load_model(path).couplings.site_patterns, new.couplings.site_patterns)
    assert [entry.name for entry in tmp_path.iterdir()] == ["net.npz"]


@pytest.mark.parametrize("name", ["models", "models.npz"])
def test_save_refuses_a_directory(name, tmp_path):
    (tmp_path / name).mkdir()
    with pytest.raises(ValueError, match="^path: .*directory"):
        ih.save_model(ih.hebbian(ih.random_patterns(2, 10, rng=1)), tmp_path / name)
    assert [entry.name for entry in tmp_path.iterdir()] == [name]


def _npy(descr, shape, data=b""):
    """The bytes of a .npy file whose header declares ``descr`` and ``shape``, followed by ``data``."""
    stream = io.BytesIO()
    np.lib.format.write_array_header_1_0(stream, {"descr": descr, "fortran_order": False, "shape": shape})
    return stream.getvalue() + data


def _write_npz(path, entries):
    """An .npz of ``entries``: arrays, or the raw bytes of an entry."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, value in entries.items():
            archive.writestr(f"{name}.npy", value if isinstance(value, bytes) else _npy_of(value))
    return path


def _npy_of(array):
    stream = io.BytesIO()
    np.lib.format.write_array(stream, np.asanyarray(array), allow_pickle=True)
    return stream.getvalue()


def test_entries_are_checked_before_their_data_is_read(tmp_path):
    model = ih.hebbian(ih.random_patterns(3, 20, rng=4))
    path = ih.save_model(model, tmp_path / "net.npz")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("junk.npy", "w", force_zip64=True) as stream:
        np.lib.format.write_array_header_1_0(stream, {"descr": "|i1", "fortran_order": False, "shape": (10**8,)})
        chunk = bytes(2**20)
        for _ in range(10**8 // len(chunk)):
            stream.write(chunk)
        stream.write(bytes(10**8 % len(chunk)))
    assert path.stat().st_size < 10**6  # the junk declares 100 MB and takes about 100 kB
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=f"^path: {re.escape(str(path))}.*'junk'"):
            ih.load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10**7
    with np.load(path) as stored:
        arrays = {name: stored[name] for name in stored.files if name != "junk"}
    np.savez_compressed(tmp_path / "clean.npz", **arrays)  # deflated entries are read the same way
    np.testing.assert_array_equal(ih.load_model(tmp_path / "clean.npz").couplings.site_patterns,
                                  model.couplings.site_patterns)
    # a known entry whose header declares 8 TB: refused from the header, before any allocation
    huge = _write_npz(tmp_path / "huge.npz", arrays | {"h": _npy("<f8", (10**12,), bytes(8))})
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=f"^path: {re.escape(str(huge))}.*'h'"):
            ih.load_model(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10**7


def _stored(model, tmp_path):
    with np.load(ih.save_model(model, tmp_path / "base.npz")) as stored:
        return dict(stored)


def _pattern_arrays(tmp_path):
    return _stored(ih.hebbian(ih.random_patterns(3, 20, rng=4)), tmp_path)


def _sparse_arrays(tmp_path):
    return _stored(ih.square_lattice(4, h=0.5), tmp_path)


MALFORMED = {  # name: (stored arrays -> entries of a damaged file, the entry its refusal names)
    "version a word": (lambda a: a | {"version": np.array("one")}, "version.*'one'.*version 1"),
    "version a float": (lambda a: a | {"version": np.array(1.5)}, "version.*1.5.*version 1"),
    "version an array": (lambda a: a | {"version": np.array([1, 2])}, "version.*shape \\(2,\\).*version 1"),
    "unknown entry": (lambda a: a | {"notes": np.array("hello")}, "'notes'"),
    "entry of another storage": (lambda a: a | {"indptr": np.arange(3)}, "'indptr'"),
    "not an .npy entry": (lambda a: a | {"h": b"not an array"}, "'h'"),
    "h of the wrong length": (lambda a: a | {"h": np.zeros(21)}, "'h'.*\\(21,\\).*\\(20,\\)"),
    "h truncated": (lambda a: a | {"h": _npy("<f8", (20,), bytes(80))}, "'h'"),
    "h complex": (lambda a: a | {"h": np.zeros(20, complex)}, "'h'.*complex"),
    "h of objects": (lambda a: a | {"h": np.zeros(20, object)}, "'h'"),
    "patterns complex": (lambda a: a | {"site_patterns": a["site_patterns"] + 0j}, "'site_patterns'"),
    "patterns one-dimensional": (lambda a: a | {"site_patterns": a["site_patterns"][:, 0]}, "'site_patterns'"),
    "flag an integer": (lambda a: a | {"self_coupling": np.array(1)}, "'self_coupling'"),
    "storage a number": (lambda a: a | {"storage": np.array(3)}, "'storage'"),
    "pattern matrix of the wrong size": (lambda a: a | {"pattern_matrix": np.eye(4)}, "'pattern_matrix'"),
    "spins not ±1": (lambda a: a | {"site_patterns": 3 * a["site_patterns"]}, "site_patterns"),
}
SPARSE_MALFORMED = {
    "indptr of the wrong length": (lambda a: a | {"indptr": a["indptr"][:-1]}, "'indptr'"),
    "indices float": (lambda a: a | {"indices": a["indices"].astype(float)}, "'indices'"),
    "data and indices differ": (lambda a: a | {"data": a["data"][:-1]}, "'data'"),
    "scale an array": (lambda a: a | {"scale": np.ones(3)}, "'scale'"),
    "shape of three": (lambda a: a | {"shape": np.array([16, 16, 1])}, "'shape'"),
    "shape negative": (lambda a: a | {"shape": np.array([-16, -16])}, "'shape'"),
    "indptr beyond the data": (lambda a: a | {"indptr": a["indptr"] + 1}, "indptr|indices"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED) + sorted(SPARSE_MALFORMED))
def test_malformed_files_are_refused_with_the_path_and_the_entry(case, tmp_path):
    damage, reason = MALFORMED.get(case) or SPARSE_MALFORMED[case]
    arrays = (_pattern_arrays if case in MALFORMED else _sparse_arrays)(tmp_path)
    path = _write_npz(tmp_path / "damaged.npz", damage(arrays))
    with pytest.raises(ValueError, match=f"^path: {re.escape(str(path))}.*({reason})"):
        ih.load_model(path)


def test_an_npy_file_is_not_a_model_file(tmp_path):
    np.save(tmp_path / "couplings.npy", np.eye(3))
    with pytest.raises(ValueError, match=r"^path: .*couplings\.npy .*\.npy array.*not an isinghop model file \(\.npz"):
        ih.load_model(tmp_path / "couplings.npy")


def test_save_into_a_missing_directory_names_the_directory(tmp_path):
    missing = tmp_path / "no-such-dir"
    with pytest.raises(FileNotFoundError, match=f"path: no directory {missing}"):
        ih.save_model(ih.square_lattice(3), missing / "x.npz")
