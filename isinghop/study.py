"""Studies: a parameter grid, a function of one grid point, and a resumable runner.

A study declares named configurations (``quick``: seconds, for tests and CI;
``full``: the paper's figures), each an ordered grid of swept coordinates
and fixed parameters, and a function ``run_point(point, fixed, disorder,
thermal, checkpoint)`` that returns an ``xarray.Dataset`` for one grid point. The runner
adds the point's coordinates as length-one dimensions, so the points merge
by coordinates.

Reproducibility: each point's random streams come from the root
``SeedSequence`` and a stable key made of the point's coordinate values
(never its position in the grid or when it ran), split into a *disorder*
stream (patterns, couplings) and a *thermal* stream (dynamics, Monte Carlo).
So the merged Dataset is the same for one process, a process pool or a dask
cluster, and adding values to a grid reuses every finished point.

Store layout (every file written under a temporary name and renamed, so a
crash never leaves half a file):

* ``study.json`` — study, configuration, grid, fixed parameters, root seed,
  and the provenance of the last run;
* ``points/<key hash>.nc`` per finished point, self-describing (coordinates
  with their attrs, provenance, fixed parameters, ``point_key``);
* ``checksums/<key hash>.sha256`` — the SHA-256 of each point file, written
  before the file is renamed into place; a file that fails it (or does not
  open, or holds another point) is moved to ``damaged/`` and recomputed;
* ``failed/<key hash>.txt`` with the error of a point that raised;
* ``locks/<key hash>.lock`` — the ``fcntl`` lock held by the process that
  computes the point, so processes that share a store share its points;
* ``checkpoints/<key hash>/`` where a running point keeps its partial state
  (removed once the point's file is written).
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import importlib
import itertools
import json
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from isinghop._validate import positive_int
from isinghop.provenance import collect, stamp

__all__ = ["Config", "Study", "labelled", "Checkpoint", "StoreWarning", "StoreFullError", "load_study", "study_names", "run", "load_store", "store_status",
           "point_key", "tidy", "cf_attrs", "CF_CONVENTIONS", "REDUCED_UNITS"]

#: The package of the built-in studies (the folder ``studies/`` of the source tree).
STUDY_PACKAGE = "isinghop.studies"
#: Entry-point group through which other packages add studies (each entry: a Study, or a module with ``STUDY``).
ENTRY_POINT_GROUP = "isinghop.studies"
STUDY_FILE = "study.json"


#: The version of the CF conventions that study Datasets follow (their ``Conventions`` attribute).
CF_CONVENTIONS = "CF-1.11"

#: The model's own units. A study variable in one of them is dimensionless for CF (``units = "1"``, as
#: UDUNITS reads it) and names its model unit in the attribute ``reduced_units``: energies, fields,
#: thresholds and temperatures (k_B = 1) are in the energy unit of the couplings J.
REDUCED_UNITS = {
    "energy": "energy (the unit of J and h; temperatures too, k_B = 1)",
    "1/energy": "1/energy (the inverse unit of J and h, k_B = 1)",
    "energy/sweep": "energy per sweep (a field changing with Monte Carlo time)",
    "sweeps": "sweeps (N update attempts each)",
    "sites": "sites",
    "frames": "frames of an animation",
    "tau": "tau (the time constant of the graded neuron)",
    "1/tau": "1/tau (a rate of the graded neuron)",
}


def cf_attrs(attrs: dict) -> dict:
    """A variable's attributes with its ``units`` made CF-valid.

    Parameters
    ----------
    attrs : dict
        Attributes with ``units`` either a UDUNITS string (kept) or a key of
        :data:`REDUCED_UNITS` (written as ``units = "1"`` plus ``reduced_units``).

    Returns
    -------
    dict
        A new dict of attributes.
    """
    units = attrs.get("units")
    if units in REDUCED_UNITS:
        return {**attrs, "units": "1", "reduced_units": REDUCED_UNITS[units]}
    return dict(attrs)


def labelled(dims, values, units: str, long_name: str, description: str) -> tuple:
    """A Dataset variable with the attributes every study variable carries.

    Parameters
    ----------
    dims : str or tuple of str
    values : array_like
    units : str
        A UDUNITS string (``"1"`` for dimensionless) or a model unit of
        :data:`REDUCED_UNITS` (``"energy"``, ``"1/energy"``, ``"sweeps"``, …).
    long_name, description : str

    Returns
    -------
    tuple
        ``(dims, numpy array, attrs)`` with ``units``, ``long_name`` and
        ``description`` (and ``reduced_units``, see :func:`cf_attrs`), for
        the ``data_vars`` or ``coords`` of an ``xarray.Dataset``.
    """
    return dims, np.asarray(values), cf_attrs({"units": units, "long_name": long_name, "description": description})


@dataclass(frozen=True)
class Config:
    """One configuration of a study: an ordered grid of swept coordinates and fixed parameters.

    Attributes
    ----------
    grid : dict
        Coordinate name → tuple of values, in the order of the Dataset's dims.
    fixed : dict
        Parameters shared by every point (JSON-serialisable).
    description : str
        One line: what this configuration is for.
    """

    grid: dict
    fixed: dict
    description: str = ""

    def points(self) -> list[dict]:
        """Every grid point, as ``{coordinate: value}``.

        Returns
        -------
        list of dict
            One dict per point, coordinates in grid order, last coordinate varying fastest.
        """
        names = list(self.grid)
        return [dict(zip(names, values)) for values in itertools.product(*self.grid.values())]


@dataclass(frozen=True)
class Study:
    """A study: its configurations, its function of one point and its figure.

    ``run_point(point, fixed, disorder, thermal, checkpoint)`` gets the point's
    coordinate values, the fixed parameters, two ``SeedSequence`` objects and
    a :class:`Checkpoint`, and returns an ``xarray.Dataset`` without the grid
    dimensions. ``plot(dataset)``
    returns a matplotlib Figure drawn from the merged Dataset alone.
    ``coordinates`` maps each swept coordinate to its ``units``, ``long_name``
    and ``description`` attrs. ``disorder_keys`` and ``thermal_keys`` name the
    coordinates that key the point's disorder and thermal streams (default:
    all of them): with ``disorder_keys=("alpha",)`` points that differ only
    in other coordinates draw the same patterns. ``sections`` names grid
    coordinates whose values are separate experiments of one study: each
    computes its own variables (distinct names), so those coordinates key the
    point but are not made dimensions of the merged Dataset.
    ``animate(dataset, directory)``, when given, writes animations drawn
    from the merged Dataset into ``directory`` and returns their paths.
    ``findings(dataset)``, when given, returns the results the paper quotes,
    computed from the merged Dataset alone: a dict of name →
    :class:`isinghop.stats.report.Number` or :class:`isinghop.stats.report.Claim`.
    """

    name: str
    description: str
    configs: dict
    run_point: Callable
    plot: Callable
    coordinates: dict
    disorder_keys: tuple | None = None
    thermal_keys: tuple | None = None
    sections: tuple = ()
    animate: Callable | None = None
    findings: Callable | None = None

    def streams(self, root: np.random.SeedSequence, point: dict) -> tuple:
        """The disorder and thermal ``SeedSequence`` of a point, from the root seed and the keyed coordinates.

        Returns
        -------
        tuple of numpy.random.SeedSequence
            ``(disorder, thermal)``; they depend on the root and on the values
            of the keyed coordinates only (never on the grid position or the time).
        """
        def keyed(names):
            return point_key(point if names is None else {name: point[name] for name in names})

        return _point_streams(root, keyed(self.disorder_keys), keyed(self.thermal_keys))


class Checkpoint:
    """Partial results of one running point, so that a crash inside a long point loses little.

    A point that runs for minutes saves what it has after each stage (a
    disorder sample, a segment of a chain: spins and ``rng_state`` continue
    a chain exactly) and, when started again, loads it and goes on. Files
    are written under a temporary name and renamed; the runner removes them
    once the point's Dataset is written.
    """

    def __init__(self, directory):
        self.directory = Path(directory)

    def save(self, name: str, **arrays) -> None:
        """Store ``arrays`` under ``name`` (replacing an earlier save)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / f"{name}.{os.getpid()}.tmp.npz"
        np.savez(temporary, **arrays)
        os.replace(temporary, self.directory / f"{name}.npz")

    def load(self, name: str) -> dict | None:
        """The arrays saved under ``name``, or None if there are none.

        Returns
        -------
        dict or None
            Array name → ``numpy.ndarray`` as passed to :meth:`save`; None if nothing is saved.
        """
        path = self.directory / f"{name}.npz"
        if not path.exists():
            return None
        with np.load(path) as saved:
            return {key: saved[key] for key in saved.files}


def _built_in_names() -> list[str]:
    from importlib import resources

    return sorted(p.stem for p in resources.files(STUDY_PACKAGE).iterdir()
                  if p.suffix == ".py" and not p.stem.startswith("_"))


def _entry_points() -> dict:
    from importlib.metadata import entry_points

    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


def study_names() -> list[str]:
    """Names of the built-in studies (``isinghop.studies``, one module each) and of those other
    packages add through the entry-point group ``isinghop.studies``.

    Returns
    -------
    list of str
        Sorted names; a built-in name hides an entry point of the same name.
    """
    return sorted(set(_built_in_names()) | set(_entry_points()))


def load_study(name: str) -> Study:
    """The study ``name``: the ``STUDY`` of ``isinghop.studies.<name>``, or what its entry point gives.

    Returns
    -------
    Study
        The study object.
    """
    if name in _built_in_names():
        return importlib.import_module(f"{STUDY_PACKAGE}.{name}").STUDY
    entry = _entry_points().get(name)
    if entry is None:
        close = difflib.get_close_matches(str(name), study_names(), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"study: unknown study {name!r}; {hint}choose from {', '.join(study_names())}")
    loaded = entry.load()
    study = loaded if isinstance(loaded, Study) else getattr(loaded, "STUDY", None)
    if not isinstance(study, Study):
        raise TypeError(f"study: the entry point {name!r} ({entry.value}) gives neither a Study nor a module "
                        "with a STUDY")
    return study


def _plain(value):
    """A coordinate value as a plain Python value: NumPy scalars become int, float, bool or str."""
    return value.item() if isinstance(value, np.generic) else value


def point_key(point: dict) -> str:
    """Stable text key of a grid point from its coordinate values (order of the grid).

    Values are normalised to plain Python values first, so the key (the
    point's file name and random streams) is the same under every NumPy
    version: ``np.float64(0.02)`` and ``0.02`` both give ``alpha=0.02``.

    Returns
    -------
    str
        ``"name=repr(value),..."`` in the point's order.
    """
    return ",".join(f"{name}={_plain(value)!r}" for name, value in point.items())


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def _point_streams(root: np.random.SeedSequence, disorder_key: str, thermal_key: str):
    """Disorder and thermal SeedSequences, derived from the root and their keys only."""
    def stream(key: str, which: int) -> np.random.SeedSequence:
        words = np.frombuffer(hashlib.sha256(key.encode()).digest()[:16], dtype=np.uint32)
        return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *(int(w) for w in words), which))

    return stream(disorder_key, 0), stream(thermal_key, 1)


def _root_seed(rng) -> np.random.SeedSequence:
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return np.random.SeedSequence(int(rng))
    raise TypeError(f"rng: a study's root seed is an int >= 0, a SeedSequence or None, got {rng!r}")


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _lock_path(path) -> Path:
    """The lock of a point: ``locks/<key hash>.lock``, held by the process computing it."""
    path = Path(path)
    return path.parent.parent / "locks" / f"{path.stem}.lock"


def _locked_point(run_point, point: dict, fixed: dict, key: str, streams, path: str, **attrs) -> str | None:
    """:func:`_compute_point` under the point's lock, so that processes sharing a store share the work.

    Returns None, computing nothing, when another process holds the lock (it
    is computing the point). The lock is an ``fcntl`` lock: the system
    releases it when its process ends, even by SIGKILL, so a dead process
    never blocks a resume.
    """
    import fcntl

    lock = _lock_path(path)
    lock.parent.mkdir(exist_ok=True)
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        if Path(path).exists():  # another process finished it since this run listed its tasks
            return key
        return _compute_point(run_point, point, fixed, key, streams, path, **attrs)


def _wait_for_lock(path) -> None:
    """Block until no process holds the lock of the point written to ``path``."""
    import fcntl

    with open(_lock_path(path), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)


#: Bytes a point file takes beyond its data (HDF5 headers, attributes), for the free-space check.
_FILE_OVERHEAD = 1 << 16


class StoreFullError(Exception):
    """The store's file system has no room for the next point file; the run stops, finished points are kept."""

    def __init__(self, store, needed: int):
        self.store, self.needed = str(store), int(needed)
        super().__init__(store, needed)

    def __str__(self) -> str:
        return (f"store: {self.store} is full: a point file needs about {self.needed / 1e6:.2f} MB, "
                f"{_free_bytes(self.store) / 1e6:.2f} MB are free; finished points are kept, free space and run again")


def _free_bytes(store) -> int:
    import shutil

    return shutil.disk_usage(store).free


def _checksum_path(path) -> Path:
    """Where the checksum of a point file lives: ``checksums/<key hash>.sha256``."""
    path = Path(path)
    return path.parent.parent / "checksums" / f"{path.stem}.sha256"


def _compute_point(run_point, point: dict, fixed: dict, key: str, streams, path: str, coordinates: dict,
                   provenance: dict, sections: tuple = ()) -> str:
    """Run one point and write its self-describing file atomically, its checksum first (runs in a worker).

    The file carries the point's coordinates as length-one dimensions with
    their attrs, the provenance and fixed parameters of the run, and
    ``point_key``; ``xarray.open_mfdataset`` on the point files merges them.
    """
    import shutil

    checkpoints = Path(path).parent.parent / "checkpoints" / Path(path).stem
    begin = time.perf_counter()
    dataset = run_point(point, fixed, *streams, Checkpoint(checkpoints))
    provenance = provenance | {"compute_time_s": time.perf_counter() - begin}
    for name in reversed([name for name in point if name not in sections]):
        dataset = dataset.expand_dims({name: [point[name]]})
        dataset[name].attrs.update(cf_attrs(coordinates.get(name, {})))
    dataset = stamp(dataset, provenance | {"point_key": key})
    store = Path(path).parent.parent
    needed = dataset.nbytes + _FILE_OVERHEAD
    if _free_bytes(store) < needed:  # checked first: HDF5 does not always survive a write that runs out of space
        raise StoreFullError(store, needed)
    temporary = Path(f"{path}.{os.getpid()}.tmp")
    try:
        dataset.to_netcdf(temporary, engine="h5netcdf")
        checksum = _checksum_path(path)
        checksum.parent.mkdir(exist_ok=True)
        _write_atomically(checksum, _sha256(temporary))
        os.replace(temporary, path)
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StoreFullError(store, needed) from None
        raise
    finally:
        temporary.unlink(missing_ok=True)
    shutil.rmtree(checkpoints, ignore_errors=True)
    return key


def _exit_with_parent(parent: int) -> None:
    """In a pool worker: exit as soon as ``parent`` is gone (a SIGKILLed parent cannot stop its workers).

    A daemon thread polls the parent process id twice a second; when the
    worker is re-parented, it ends the process at once.
    """
    import threading

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="isinghop-parent-watch", daemon=True).start()


def _read_record(store: Path) -> dict:
    """The parsed ``study.json`` of ``store``; errors name the file."""
    path = Path(store) / STUDY_FILE
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"store: {path} does not exist (not a study store?)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"store: {path} is damaged ({error}); restore it or use another store") from None


def _json_value(value):
    """JSON form of what ``json`` cannot write: NumPy scalars as plain values, anything else as text."""
    return _plain(value) if isinstance(value, np.generic) else str(value)


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: readers see the old or the new file."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _prepare_store(store: Path, study: Study, config_name: str, config: Config, root) -> None:
    record = {"study": study.name, "config": config_name, "fixed": config.fixed, "seed_entropy": str(root.entropy),
              "spawn_key": list(root.spawn_key)}
    path = store / STUDY_FILE
    if path.exists():
        previous = _read_record(store)
        differences = [name for name in record if previous.get(name) != json.loads(json.dumps(record[name]))]
        if differences:
            detail = "; ".join(f"{name}: stored {previous.get(name)!r}, asked {record[name]!r}" for name in differences)
            raise ValueError(f"store: {store} holds a different run ({detail}); use another store to start afresh")
    (store / "points").mkdir(parents=True, exist_ok=True)
    (store / "failed").mkdir(exist_ok=True)
    _write_atomically(path, json.dumps(record | {"grid": {k: list(v) for k, v in config.grid.items()}}, indent=1,
                                       default=_json_value))


def run(study: Study | str, config: str, store, *, scheduler=None, workers: int | None = None, rng=0,
        progress: bool | None = None):
    """Run every missing point of ``study``'s configuration into ``store`` and return the merged Dataset.

    Parameters
    ----------
    study : Study or str
        The study or its name (see :func:`study_names`).
    config : str
        Configuration name (``quick``, ``full``).
    store : path
        Directory of the point files; a second run resumes, running only
        missing or failed points. Refused if the store holds another study,
        configuration, fixed parameters or root seed.
    scheduler : str or distributed.Client, optional
        A dask.distributed scheduler address or client: points run on that cluster.
    workers : int, optional
        Run points in a local pool of this many processes (default: in this process).
    rng : int, SeedSequence or None
        Root seed of the study.
    progress : bool, optional
        Show a progress bar over points (default: only on a terminal).

    Returns
    -------
    xarray.Dataset
        Merged over every finished point, provenance stamped last; attribute
        ``failed_points`` lists keys of points that raised (their errors are in
        ``store/failed/``).
    """
    from tqdm.auto import tqdm

    study = load_study(study) if isinstance(study, str) else study
    if config not in study.configs:
        raise ValueError(f"config: unknown configuration {config!r} of study {study.name!r}; "
                         f"choose from {', '.join(study.configs)}")
    if workers is not None:
        workers = positive_int(workers, "workers")
    if scheduler is not None and workers is not None:
        raise ValueError("scheduler, workers: give a dask scheduler or a number of local workers, not both")
    chosen = study.configs[config]
    root = _root_seed(rng)
    store = Path(store)
    _prepare_store(store, study, config, chosen, root)
    start = time.time()
    provenance = collect(seed_entropy=root.entropy, parameters={"grid": chosen.grid, "fixed": chosen.fixed}) | {
        "study": study.name, "config": config, "Conventions": CF_CONVENTIONS,
        "title": f"{study.name} ({config}): {study.description}"} | _fixed_attrs(chosen.fixed)
    provenance["source"] = f"isinghop {provenance['isinghop_version']}"
    keys = _grid_keys(chosen.grid)
    sound = _sound_points(store, keys)
    tasks = [(point, key, study.streams(root, point), str(store / "points" / f"{_digest(key)}.nc"))
             for point, key in zip(chosen.points(), keys) if key not in sound]
    if sound and tasks:
        print(f"{study.name} ({config}): resuming: {len(sound)} of {len(keys)} points done", file=sys.stderr)
    failed = []
    bar = tqdm(total=len(keys), initial=len(keys) - len(tasks), desc=f"{study.name} ({config})", unit="point",
               disable=(not progress) if progress is not None else None)

    busy = []

    def finished(key, error=None, computing_elsewhere=False):
        if computing_elsewhere:  # another process holds the point's lock: wait for it at the end
            busy.append(key)
            return
        error_path = store / "failed" / f"{_digest(key)}.txt"
        if error is None:
            error_path.unlink(missing_ok=True)
        else:
            failed.append(key)
            _write_atomically(error_path, f"{key}\n{error}")
        bar.update()

    compute = partial(_locked_point, coordinates=study.coordinates, provenance=provenance, sections=study.sections)
    try:
        _execute(tasks, compute, study.run_point, chosen.fixed, scheduler, workers, finished)
        for point, key, streams, path in tasks:  # points other processes were computing: wait, then check
            if key in busy:
                _wait_for_lock(path)
                _execute([(point, key, streams, path)], compute, study.run_point, chosen.fixed, None, None,
                         finished)
    finally:
        bar.close()
    record = _read_record(store)
    start_time = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start))
    record["provenance"] = provenance | {
        "failed_points": json.dumps(failed),
        "start_time": start_time,
        "end_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "wall_time_s": float(time.time() - start),
        "history": f"{start_time} isinghop.run({study.name!r}, {config!r}, rng={root.entropy})",
    }
    _write_atomically(store / STUDY_FILE, json.dumps(record, indent=1, default=_json_value))
    return load_store(store)


def _fixed_attrs(fixed: dict) -> dict:
    """The fixed parameters as flat netCDF attributes ``fixed_<name>`` (numbers and strings; others as JSON)."""
    return {f"fixed_{name}": value if isinstance(value, (str, int, float)) and not isinstance(value, bool)
            else json.dumps(value, default=_json_value) for name, value in fixed.items()}


class StoreWarning(UserWarning):
    """A point file of a store was damaged, or belongs to another point: it was moved aside and is recomputed."""


def _sound_points(store: Path, keys: list[str]) -> set[str]:
    """The keys whose point files are sound; a damaged file is moved to ``damaged/`` with a warning naming it.

    Sound: the checksum kept in ``checksums/`` matches, the file opens, and
    its ``point_key`` is the key its name stands for.
    """
    import xarray as xr

    sound = set()
    for key in keys:
        path = store / "points" / f"{_digest(key)}.nc"
        if not path.exists():
            continue
        checksum = _checksum_path(path)
        reason = None
        if not checksum.exists():
            reason = "has no checksum (written by an interrupted run or an older version)"
        elif checksum.read_text().strip() != _sha256(path):
            reason = "does not match its checksum (changed or truncated)"
        else:
            try:
                with xr.open_dataset(path, engine="h5netcdf") as part:
                    stored = part.attrs.get("point_key")
            except (OSError, ValueError) as error:
                stored, reason = None, f"does not open ({error})"
            if reason is None and stored != key:
                reason = f"holds point {stored!r}, not {key!r}"
        if reason is None:
            sound.add(key)
            continue
        damaged = store / "damaged"
        damaged.mkdir(exist_ok=True)
        os.replace(path, damaged / path.name)
        checksum.unlink(missing_ok=True)
        warnings.warn(f"store: {path} {reason}; moved to {damaged / path.name}, the point will be recomputed",
                      StoreWarning, stacklevel=3)
    return sound


def _execute(tasks, compute, run_point, fixed, scheduler, workers, finished) -> None:
    """Run the tasks with ``compute`` (:func:`_compute_point` with the run's attrs) in this process, a
    process pool or a dask cluster; report each as it ends."""
    if scheduler is not None:
        from distributed import Client, as_completed

        client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        futures = {client.submit(compute, run_point, point, fixed, key, streams, path, pure=False): key
                   for point, key, streams, path in tasks}
        for future in as_completed(futures):
            error = None if future.status == "finished" else future.exception()
            if isinstance(error, StoreFullError):
                client.cancel(list(futures))
                raise error
            finished(futures[future], None if error is None else "".join(traceback.format_exception(error)),
                     error is None and future.result() is None)
        return
    if workers is None:
        for point, key, streams, path in tasks:
            try:
                result = compute(run_point, point, fixed, key, streams, path)
            except StoreFullError:
                raise
            except Exception:  # a failing point is recorded; the others go on
                finished(key, traceback.format_exc())
            else:
                finished(key, None, result is None)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(compute, run_point, point, fixed, key, streams, path): key
                   for point, key, streams, path in tasks}
        for future in as_completed(futures):
            error = future.exception()
            if isinstance(error, StoreFullError):
                pool.shutdown(wait=True, cancel_futures=True)
                raise error
            finished(futures[future], None if error is None else "".join(traceback.format_exception(error)),
                     error is None and future.result() is None)


def _grid_keys(grid: dict) -> list[str]:
    """The point keys of a grid, in grid order."""
    return [point_key(point) for point in Config(grid=grid, fixed={}).points()]


def load_store(store):
    """The merged Dataset of the store's current grid, as :func:`run` returned it.

    Point files are verified first (see :func:`run`); a damaged one is
    moved to ``damaged/`` with a :class:`StoreWarning` and counts as missing.
    Missing points are NaN, listed in the attribute ``missing_points``. Point
    files of other grids are not merged (:func:`store_status` lists them).

    Returns
    -------
    xarray.Dataset
        The points merged by coordinates (outer join over the grid; a
        missing section's variables are absent), with
        the coordinates' attrs, the fixed parameters and the last run's
        provenance; attributes ``point_keys`` and ``missing_points`` (JSON
        lists) and ``compute_time_s``, the seconds spent computing the
        finished points (NaN for points written before it was recorded).
    """
    import xarray as xr

    store = Path(store)
    record = _read_record(store)
    keys = _grid_keys(record["grid"])
    sound = _sound_points(store, keys)
    if not sound:
        raise ValueError(f"store: no finished points of the current grid in {store}")
    parts = []
    compute_time = 0.0
    for key in keys:
        if key in sound:
            with xr.open_dataset(store / "points" / f"{_digest(key)}.nc", engine="h5netcdf") as part:
                parts.append(part.load())
            compute_time += float(parts[-1].attrs.get("compute_time_s", np.nan))
    merged = xr.merge(parts, join="outer", compat="no_conflicts", combine_attrs="drop_conflicts")
    dims = [name for name in record["grid"] if name in merged.dims]  # section coordinates are not dims
    merged = merged.reindex({name: record["grid"][name] for name in dims})
    for name in dims:
        merged[name].attrs.update(next(part for part in parts if name in part.dims)[name].attrs)
    merged.attrs.pop("point_key", None)
    attrs = record.get("provenance", {}) | {"compute_time_s": compute_time, "point_keys": json.dumps([k for k in keys if k in sound]),
                                            "missing_points": json.dumps([k for k in keys if k not in sound])}
    return stamp(merged, attrs)


def tidy(dataset, *variables):
    """Study variables as one tidy pandas DataFrame: a row per grid value, a column per coordinate and variable.

    For seaborn or plain pandas. The variables must share their dims (a
    study's sections have different ones: take them one section at a time);
    rows where every variable is NaN (points of another section, missing
    points) are dropped.

    Parameters
    ----------
    dataset : xarray.Dataset
        A study's merged Dataset (:func:`run`, :func:`load_store`).
    *variables : str
        The variables (at least one).

    Returns
    -------
    pandas.DataFrame
        Columns: the dims, then the variables; ``attrs["units"]`` maps each
        column to its unit: ``reduced_units`` where the variable has one
        (the model's energy unit, sweeps, …), else ``units``.

    Examples
    --------
    >>> import numpy as np
    >>> import xarray as xr
    >>> from isinghop import study
    >>> dataset = xr.Dataset({"overlap": (("alpha", "sample"), np.array([[1.0, 0.9], [0.4, np.nan]]),
    ...                                   {"units": "1"})}, coords={"alpha": [0.05, 0.2], "sample": [0, 1]})
    >>> frame = study.tidy(dataset, "overlap")
    >>> print(frame)
       alpha  sample  overlap
    0   0.05       0      1.0
    1   0.05       1      0.9
    2   0.20       0      0.4
    """
    if not variables:
        raise ValueError("variables: name at least one variable of the Dataset")
    missing = [name for name in variables if name not in dataset.data_vars]
    if missing:
        raise ValueError(f"variables: {missing} not in the Dataset (it has {sorted(dataset.data_vars)})")
    dims = {dataset[name].dims for name in variables}
    if len(dims) > 1:
        raise ValueError(f"variables: they must share their dims for one table, got {sorted(dims)}")
    frame = dataset[list(variables)].reset_coords(drop=True).to_dataframe().reset_index()
    frame = frame.dropna(subset=list(variables), how="all").reset_index(drop=True)
    frame.attrs["units"] = {name: dataset[name].attrs.get("reduced_units", dataset[name].attrs.get("units", ""))
                            for name in frame.columns if name in dataset}
    return frame


def store_status(store) -> dict:
    """What a store holds: its record, the keys of done, missing and failed points of its current
    grid, and the point files of other grids.

    Returns
    -------
    dict
        ``record`` (the parsed ``study.json``); ``done``, ``missing``, ``failed``
        (lists of point keys, in grid order; ``done`` counts files present,
        verified when loaded); ``stale`` (names of point files that belong to
        no point of the current grid: kept, never merged); ``damaged`` (files
        moved to ``damaged/``); ``checkpoints`` (points with partial state).
    """
    store = Path(store)
    record = _read_record(store)
    keys = _grid_keys(record["grid"])
    done = [k for k in keys if (store / "points" / f"{_digest(k)}.nc").exists()]
    failed = [k for k in keys if (store / "failed" / f"{_digest(k)}.txt").exists()]
    missing = [k for k in keys if k not in done]
    current = {f"{_digest(k)}.nc" for k in keys}
    stale = sorted(path.name for path in (store / "points").glob("*.nc") if path.name not in current)
    damaged = sorted(path.name for path in (store / "damaged").glob("*.nc"))
    checkpoints = sorted(path.name for path in (store / "checkpoints").glob("*") if path.is_dir())
    return {"record": record, "done": done, "missing": missing, "failed": failed, "stale": stale,
            "damaged": damaged, "checkpoints": checkpoints}


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
