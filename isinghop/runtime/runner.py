"""The runner of a study: every missing point computed and written to the store, resumably.

:func:`run_study` computes the points of a configuration that its store
lacks, in this process, a local process pool or a dask cluster, and returns
the merged Dataset. It adds each point's coordinates as length-one
dimensions, so the points merge by coordinates.

Reproducibility: each point draws from its own streams
(:meth:`~isinghop.runtime.declaration.Study.streams`: the root seed and the
point's coordinate values, never its position in the grid or when it ran).
So the merged Dataset is the same for one process, a process pool or a dask
cluster, and adding values to a grid reuses every finished point. Processes
that share a store share its points: each point is computed under an
``fcntl`` lock (``locks/<key hash>.lock``).

A store never mixes code silently: each point records the
:func:`~isinghop.runtime.provenance.code_fingerprint` of the code that
computed it, and a run with other code recomputes those points (or keeps
them when asked, ``reuse_stale=True``, and says which).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from functools import partial
from pathlib import Path

import numpy as np

from isinghop._validate import positive_int
from isinghop.runtime.declaration import (CF_CONVENTIONS, Checkpoint, Study, common_attrs, declared_point,
                                         labelled_arrays, load_study)
from isinghop.runtime.provenance import code_fingerprint, collect, stamp
from isinghop.runtime.store import (
    STUDY_FILE, StoreFullError, _digest, _grid_keys, _json_value, _point_fingerprint, _prepare_store, _read_record,
    _sound_points, _write_atomically, _write_point, load_store, store_lock,
)

__all__ = ["run_study"]


def _root_seed(rng) -> np.random.SeedSequence:
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return np.random.SeedSequence(int(rng))
    raise TypeError(f"rng: a study's root seed is an int >= 0, a SeedSequence or None, got {rng!r}")


def _lock_path(path) -> Path:
    """The lock of a point: ``locks/<key hash>.lock``, held by the process computing it."""
    path = Path(path)
    return path.parent.parent / "locks" / f"{path.stem}.lock"


def _locked_point(run_point, point: dict, fixed: dict, key: str, streams, path: str, **attrs) -> str:
    """:func:`_compute_point` under the point's lock, so that processes sharing a store share the work.

    Returns ``"computed"``; ``"busy"``, computing nothing, when another
    process holds the lock (it is computing the point); ``"found"`` when
    another process wrote the point since this run listed its tasks. The
    lock is an ``fcntl`` lock: the system releases it when its process
    ends, even by SIGKILL, so a dead process never blocks a resume.
    """
    import fcntl

    lock = _lock_path(path)
    lock.parent.mkdir(exist_ok=True)
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return "busy"
        if Path(path).exists() and _point_fingerprint(path) == attrs["provenance"]["code_fingerprint"]:
            return "found"  # another process finished it since this run listed its tasks
        return _compute_point(run_point, point, fixed, key, streams, path, **attrs)


def _wait_for_lock(path) -> None:
    """Block until no process holds the lock of the point written to ``path``."""
    import fcntl

    with open(_lock_path(path), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)


def _compute_point(run_point, point: dict, fixed: dict, key: str, streams, path: str, coordinates: dict,
                   provenance: dict) -> str:
    """Run one point and write its self-describing file atomically, its checksum first (runs in a worker).

    The file carries the point's coordinates as length-one dimensions with
    their attrs, the provenance and fixed parameters of the run, and
    ``point_key``; ``xarray.open_mfdataset`` on the point files merges them.
    The point runs with BLAS and OpenMP limited to one thread (parallelism is
    across points): a multithreaded eigensolver rounds differently with
    another thread count, and dask workers run with one.
    """
    import shutil

    from threadpoolctl import threadpool_limits

    checkpoints = Path(path).parent.parent / "checkpoints" / Path(path).stem
    begin = time.perf_counter()
    with threadpool_limits(limits=1):  # BLAS on one thread everywhere: its rounding then never depends on the route
        dataset = run_point(point, fixed, *streams, Checkpoint(checkpoints, provenance["code_fingerprint"]))
    provenance = provenance | {"compute_time_s": time.perf_counter() - begin}
    for name in reversed(list(point)):
        dataset = dataset.expand_dims({name: [point[name]]})
        dataset[name].attrs.update(coordinates.get(name, {}))
    _write_point(stamp(dataset, provenance | {"point_key": key}), path)
    shutil.rmtree(checkpoints, ignore_errors=True)
    return "computed"


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


def run_study(study: Study | str, config: str, store, *, scheduler=None, workers: int | None = None, rng=0,
              reuse_stale: bool = False, progress: bool | None = None):
    """Run every missing point of ``study``'s configuration into ``store`` and return the merged Dataset.

    Parameters
    ----------
    study : Study or str
        The study or its name (see :func:`~isinghop.runtime.declaration.study_names`).
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
    reuse_stale : bool
        Keep the points that other code computed (another ``code_fingerprint``)
        instead of computing them again; they are listed on stderr, and the
        merged Dataset says it mixes code.
    progress : bool, optional
        Show a progress bar over points (default: only on a terminal).

    Returns
    -------
    xarray.Dataset
        Merged over every finished point, provenance stamped last; attribute
        ``failed_points`` lists keys of points that raised (their errors are in
        ``store/failed/``), ``points_computed`` the points this call
        computed (0: nothing to compute, and the store was left untouched).
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
    fingerprint = provenance["code_fingerprint"] = code_fingerprint(study.compute or study.run_point)
    _write_theory(study, chosen, store)
    keys = _grid_keys(chosen.tasks)
    sound = _sound_points(store, keys)
    stale = [key for key in keys if key in sound and sound[key] != fingerprint]
    done = {key for key in sound if key not in stale or reuse_stale}
    tasks = [(point, key, study.streams(root, point), str(store / "points" / f"{_digest(key)}.nc"))
             for point, key in zip(chosen.points(), keys) if key not in done]
    name = f"{study.name} ({config})"
    if stale:
        print(f"{name}: {len(stale)} point(s) computed by other code (now {fingerprint}): "
              + ("kept (reuse_stale): " + ", ".join(stale) if reuse_stale else "computing them again"), file=sys.stderr)
    if not tasks:
        print(f"{name}: nothing to compute: all {len(keys)} points are in {store}", file=sys.stderr)
        return stamp(load_store(store), {"points_computed": 0})
    print(f"{name}: {len(tasks)} task(s) to compute, {len(keys) - len(tasks)} of {len(keys)} points done",
          file=sys.stderr)
    failed = []
    bar = tqdm(total=len(keys), initial=len(keys) - len(tasks), desc=f"{study.name} ({config})", unit="point",
               disable=(not progress) if progress is not None else None)

    busy, computed = [], []

    def finished(key, error=None, outcome=None):
        if outcome == "busy":  # another process holds the point's lock: wait for it at the end
            busy.append(key)
            return
        if outcome == "computed":
            computed.append(key)
        error_path = store / "failed" / f"{_digest(key)}.txt"
        if error is None:
            error_path.unlink(missing_ok=True)
        else:
            failed.append(key)
            _write_atomically(error_path, f"{key}\n{error}")
        bar.update()

    output_dims = [dim for output in (study.outputs or {}).values() if not output.theory for dim in output.dims]
    coordinates = {name: study.coordinate_attrs(name) for name in dict.fromkeys([*chosen.tasks, *chosen.batch,
                                                                                 *output_dims])}
    compute = partial(_locked_point, coordinates=coordinates, provenance=provenance)
    run_point = study.run_point if study.compute is None else partial(
        declared_point, study.compute, study.outputs, chosen.batch, coordinates)
    try:
        _execute(tasks, compute, run_point, chosen.fixed, scheduler, workers, finished)
        for point, key, streams, path in tasks:  # points other processes were computing: wait, then check
            if key in busy:
                _wait_for_lock(path)
                _execute([(point, key, streams, path)], compute, run_point, chosen.fixed, None, None, finished)
    finally:
        bar.close()
    start_time = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start))
    with store_lock(store):
        record = _read_record(store)
        record["provenance"] = provenance | {
            "failed_points": json.dumps(failed),
            "start_time": start_time,
            "end_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "wall_time_s": float(time.time() - start),
            "history": f"{start_time} isinghop.run_study({study.name!r}, {config!r}, rng={root.entropy})",
        }
        _write_atomically(store / STUDY_FILE, json.dumps(record, indent=1, default=_json_value))
    return stamp(load_store(store), {"points_computed": len(computed)})


def _write_theory(study: Study, config, store: Path) -> None:
    """The study's theory for this configuration, computed once into ``theory.nc`` (again only when its code
    changed); :func:`~isinghop.runtime.store.load_store` merges it on the matching coordinates."""
    if study.theory is None:
        return
    from isinghop.runtime.store import write_dataset

    path = store / "theory.nc"
    fingerprint = code_fingerprint(study.theory)
    if path.exists() and _point_fingerprint(path) == fingerprint:
        return
    theory = study.theory(config)
    if isinstance(theory, dict):  # plain arrays {name: (dims, values)}, labelled by the declared outputs
        dims = {dim for entry in theory.values() for dim in ((entry[0],) if isinstance(entry[0], str) else entry[0])}
        theory = labelled_arrays(theory, study.outputs or {}, config.grid | config.batch,
                                 {dim: study.coordinate_attrs(dim) for dim in dims}, "theory")
    for name in theory.dims:  # the theory's own attrs, else the study's, else the common ones
        if name in theory.coords:
            theory[name].attrs = common_attrs(name, study.declared_attrs(name) | dict(theory[name].attrs))
    write_dataset(stamp(theory, {"code_fingerprint": fingerprint}), path)


def _fixed_attrs(fixed: dict) -> dict:
    """The fixed parameters as flat netCDF attributes ``fixed_<name>`` (numbers and strings; others as JSON)."""
    return {f"fixed_{name}": value if isinstance(value, (str, int, float)) and not isinstance(value, bool)
            else json.dumps(value, default=_json_value) for name, value in fixed.items()}


def _execute(tasks, compute, run_point, fixed, scheduler, workers, finished) -> None:
    """Run the tasks with ``compute`` (:func:`_compute_point` with the run's attrs) in this process, a
    process pool or a dask cluster; report each as it ends."""
    if scheduler is not None:
        from distributed import Client, as_completed

        client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        try:
            futures = {client.submit(compute, run_point, point, fixed, key, streams, path, pure=False): key
                       for point, key, streams, path in tasks}
            for future in as_completed(futures):
                error = None if future.status == "finished" else future.exception()
                if isinstance(error, StoreFullError):
                    client.cancel(list(futures))
                    raise error
                finished(futures[future], None if error is None else "".join(traceback.format_exception(error)),
                         None if error is not None else future.result())
        finally:
            if client is not scheduler:  # made here from an address: closed here
                client.close()
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
                finished(key, None, result)
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
                     None if error is not None else future.result())


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
