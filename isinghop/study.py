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

Store layout: ``study.json`` (study, configuration, fixed parameters, root
seed), ``points/<key hash>.nc`` per finished point (written under a
temporary name and renamed, so a crash never leaves half a file),
``failed/<key hash>.txt`` with the error of a point that raised, and
``checkpoints/<key hash>/`` where a running point keeps its partial state
(removed once the point's file is written).
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from isinghop._validate import positive_int
from isinghop.provenance import collect, stamp

__all__ = ["Config", "Study", "Checkpoint", "load_study", "run", "load_store", "store_status", "point_key"]

#: The package of the built-in studies (the folder ``studies/`` of the source tree).
STUDY_PACKAGE = "isinghop.studies"
#: Entry-point group through which other packages add studies (each entry: a Study, or a module with ``STUDY``).
ENTRY_POINT_GROUP = "isinghop.studies"
STUDY_FILE = "study.json"


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
    and ``description`` attrs.
    """

    name: str
    description: str
    configs: dict
    run_point: Callable
    plot: Callable
    coordinates: dict


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
        raise ValueError(f"study: unknown study {name!r}; choose from {', '.join(study_names())}")
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


def _point_streams(root: np.random.SeedSequence, key: str):
    """Disorder and thermal SeedSequences of a point, derived from the root and the key only."""
    words = np.frombuffer(hashlib.sha256(key.encode()).digest()[:16], dtype=np.uint32)
    base = (*root.spawn_key, *(int(w) for w in words))
    return tuple(np.random.SeedSequence(root.entropy, spawn_key=(*base, k)) for k in (0, 1))


def _root_seed(rng) -> np.random.SeedSequence:
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return np.random.SeedSequence(int(rng))
    raise TypeError(f"rng: a study's root seed is an int >= 0, a SeedSequence or None, got {rng!r}")


def _compute_point(run_point, point: dict, fixed: dict, key: str, streams, path: str) -> str:
    """Run one point and write its file atomically (runs in a worker)."""
    import shutil

    checkpoints = Path(path).parent.parent / "checkpoints" / Path(path).stem
    dataset = run_point(point, fixed, *streams, Checkpoint(checkpoints))
    for name in reversed(list(point)):
        dataset = dataset.expand_dims({name: [point[name]]})
    dataset.attrs["point_key"] = key
    temporary = f"{path}.{os.getpid()}.tmp"
    dataset.to_netcdf(temporary, engine="h5netcdf")
    os.replace(temporary, path)
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
    tasks = []
    for point in chosen.points():
        key = point_key(point)
        path = store / "points" / f"{_digest(key)}.nc"
        if not path.exists():
            tasks.append((point, key, _point_streams(root, key), str(path)))
    failed = []
    bar = tqdm(total=len(tasks), desc=f"{study.name} ({config})", unit="point",
               disable=(not progress) if progress is not None else None)

    def finished(key, error=None):
        error_path = store / "failed" / f"{_digest(key)}.txt"
        if error is None:
            error_path.unlink(missing_ok=True)
        else:
            failed.append(key)
            error_path.write_text(f"{key}\n{error}")
        bar.update()

    try:
        _execute(tasks, study.run_point, chosen.fixed, scheduler, workers, finished)
    finally:
        bar.close()
    dataset = load_store(store)
    for name, attrs in study.coordinates.items():
        if name in dataset.coords:
            dataset[name].attrs.update(attrs)
    attrs = collect(seed_entropy=root.entropy, parameters={"grid": chosen.grid, "fixed": chosen.fixed}) | {
        "study": study.name,
        "config": config,
        "failed_points": json.dumps(failed),
        "start_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)),
        "end_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "wall_time_s": float(time.time() - start),
    }
    return stamp(dataset, attrs | {f"fixed_{k}": v for k, v in chosen.fixed.items() if isinstance(v, (str, int, float))})


def _execute(tasks, run_point, fixed, scheduler, workers, finished) -> None:
    """Run the tasks in this process, a process pool or a dask cluster; report each as it ends."""
    if scheduler is not None:
        from distributed import Client, as_completed

        client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        futures = {client.submit(_compute_point, run_point, point, fixed, key, streams, path, pure=False): key
                   for point, key, streams, path in tasks}
        for future in as_completed(futures):
            finished(futures[future], None if future.status == "finished" else "".join(
                traceback.format_exception(future.exception())))
        return
    if workers is None:
        for point, key, streams, path in tasks:
            try:
                _compute_point(run_point, point, fixed, key, streams, path)
            except Exception:  # a failing point is recorded; the others go on
                finished(key, traceback.format_exc())
            else:
                finished(key)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(_compute_point, run_point, point, fixed, key, streams, path): key
                   for point, key, streams, path in tasks}
        for future in as_completed(futures):
            error = future.exception()
            finished(futures[future], None if error is None else "".join(traceback.format_exception(error)))


def _grid_keys(grid: dict) -> list[str]:
    """The point keys of a grid, in grid order."""
    return [point_key(point) for point in Config(grid=grid, fixed={}).points()]


def load_store(store):
    """The merged Dataset of the finished points of the store's current grid (no provenance stamp).

    The grid is the one ``study.json`` records (the last run's); point files
    of other grids stay on disk but are not merged (:func:`store_status`
    lists them as ``stale``).

    Returns
    -------
    xarray.Dataset
        Combined by coordinates; attribute ``point_keys`` (JSON list) names the points.
    """
    import xarray as xr

    store = Path(store)
    keys = _grid_keys(_read_record(store)["grid"])
    paths = [path for path in (store / "points" / f"{_digest(key)}.nc" for key in keys) if path.exists()]
    if not paths:
        raise ValueError(f"store: no finished points of the current grid in {store}")
    parts = []
    for path in paths:
        with xr.open_dataset(path, engine="h5netcdf") as part:
            parts.append(part.load())
    keys = sorted(part.attrs.pop("point_key") for part in parts)
    merged = xr.combine_by_coords(parts, combine_attrs="drop_conflicts")
    merged.attrs["point_keys"] = json.dumps(keys)
    return merged


def store_status(store) -> dict:
    """What a store holds: its record, the keys of done, missing and failed points of its current
    grid, and the point files of other grids.

    Returns
    -------
    dict
        ``record`` (the parsed ``study.json``); ``done``, ``missing``, ``failed``
        (lists of point keys, in grid order); ``stale`` (names of point files
        that belong to no point of the current grid: kept, never merged).
    """
    store = Path(store)
    record = _read_record(store)
    keys = _grid_keys(record["grid"])
    done = [k for k in keys if (store / "points" / f"{_digest(k)}.nc").exists()]
    failed = [k for k in keys if (store / "failed" / f"{_digest(k)}.txt").exists()]
    missing = [k for k in keys if k not in done]
    current = {f"{_digest(k)}.nc" for k in keys}
    stale = sorted(path.name for path in (store / "points").glob("*.nc") if path.name not in current)
    return {"record": record, "done": done, "missing": missing, "failed": failed, "stale": stale}
