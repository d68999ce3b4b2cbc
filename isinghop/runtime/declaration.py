"""The declaration of a study: named configurations of a parameter grid, a function of one grid point, a figure.

A study declares named configurations (``quick``: seconds, for tests and CI;
``full``: the paper's figures), each an ordered grid of swept coordinates
and fixed parameters, and a function ``run_point(point, fixed, disorder,
thermal, checkpoint)`` that returns an ``xarray.Dataset`` for one grid point,
its variables labelled with units, a long name and a description
(:func:`labelled`, CF-valid through :func:`cf_attrs`). Studies are found by
name: the modules of ``isinghop.studies`` and the entry-point group
``isinghop.studies`` (:func:`load_study`, :func:`study_names`).

Each point's random streams come from the root ``SeedSequence`` and a stable
key made of the point's coordinate values (:func:`point_key`; never its
position in the grid or when it ran), split into a *disorder* stream
(patterns, couplings) and a *thermal* stream (dynamics, Monte Carlo):
:meth:`Study.streams`.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["Config", "Study", "Output", "labelled", "Checkpoint", "load_study", "study_names", "study_groups",
           "point_key",
           "cf_attrs", "common_attrs", "COMMON_ATTRS", "CF_CONVENTIONS", "REDUCED_UNITS"]

#: The package of the built-in studies (the folder ``studies/`` of the source tree).
STUDY_PACKAGE = "isinghop.studies"
#: Entry-point group through which other packages add studies (each entry: a Study, or a module with ``STUDY``).
ENTRY_POINT_GROUP = "isinghop.studies"

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


#: Units, long name and description of the names many studies share: a study declares only what is new
#: to it (:func:`common_attrs`). Units as in :func:`labelled`.
COMMON_ATTRS = {
    "T": ("energy", "temperature T", "Boltzmann temperature (k_B = 1)"),
    "alpha": ("1", "load α = P/N", "stored patterns per site"),
    "n_sites": ("1", "N", "number of sites"),
    "n_patterns": ("1", "P", "number of stored patterns"),
    "sample": ("1", "disorder sample", "an independent draw of the patterns or couplings"),
    "replica": ("1", "replica", "an independent start and dynamics on one disorder sample"),
    "sweep": ("sweeps", "sweep", "Monte Carlo time, N update attempts a sweep"),
    "noise": ("1", "cue noise", "fraction of the cue's sites flipped from the stored pattern"),
    "field": ("energy", "field amplitude h", "the field along the pattern, h_i = h ξ_i"),
    "theta": ("energy", "threshold θ", "the Hopfield threshold θ = −h"),
    "overlap": ("1", "overlap m", "m = (1/N) Σ_i ξ_i s_i with the stored pattern"),
    "magnetisation": ("1", "magnetisation m", "m = (1/N) Σ_i s_i"),
    "energy_per_spin": ("energy", "energy per spin", "H/N"),
    "sweeps": ("sweeps", "sweeps", "sweeps the dynamics used"),
    "schedule": ("1", "schedule", "the order of updates (isinghop.vocabulary.SCHEDULES)"),
    "tie": ("1", "tie rule", "update of a spin whose local field is zero (isinghop.vocabulary.TIES)"),
    "learning_rule": ("1", "learning rule", "how the couplings are built from the patterns"),
}


def common_attrs(name: str, given: dict | None = None) -> dict:
    """The attributes of a variable or coordinate: ``given`` over the :data:`COMMON_ATTRS` of ``name``,
    CF-valid (:func:`cf_attrs`).

    Returns
    -------
    dict
        ``units``, ``long_name``, ``description`` (and ``reduced_units``).

    Raises
    ------
    ValueError
        A name that is not common and is declared without all three.
    """
    units, long_name, description = COMMON_ATTRS.get(name, (None, None, None))
    attrs = {"units": units, "long_name": long_name, "description": description} | {
        key: value for key, value in (given or {}).items() if value is not None}
    missing = [key for key in ("units", "long_name", "description") if attrs.get(key) is None]
    if missing:
        raise ValueError(f"{name}: not a common name (COMMON_ATTRS); declare its {', '.join(missing)}")
    return cf_attrs(attrs)


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
    samples : int, optional
        Independent disorder samples, for a declared study (``Study(compute=...)``):
        the runner adds the ``sample`` axis, and each (grid point, sample) is
        one task, the unit of checkpointing, resuming and parallel work.
    batch : dict
        Axes one call computes together (replicas, the temperatures of one
        chain set-up): name → values, or a count n for 0..n−1. They give
        the coordinates of the outputs' dims of those names.
    minutes : float, optional
        The configuration's estimated work in minutes on one core; a
        configuration under a minute may have fewer than 32 tasks.
    """

    grid: dict
    fixed: dict
    description: str = ""
    samples: int | None = None
    batch: dict = field(default_factory=dict)
    minutes: float | None = None

    @property
    def tasks(self) -> dict:
        """The grid the runner runs: ``grid`` and, for a declared study (``samples`` given), the ``sample``
        axis, whose values are the unit of checkpointing, resuming and parallel tasks.

        Returns
        -------
        dict
            Coordinate → tuple of values.
        """
        return self.grid if self.samples is None else self.grid | {"sample": tuple(range(self.samples))}

    def points(self) -> list[dict]:
        """Every task of :attr:`tasks`, as ``{coordinate: value}``.

        Returns
        -------
        list of dict
            One dict per point, coordinates in grid order, last coordinate varying fastest.
        """
        names = list(self.tasks)
        return [dict(zip(names, values)) for values in itertools.product(*self.tasks.values())]


@dataclass(frozen=True)
class Study:
    """A study: its configurations, its function of one point and its figure.

    ``run_point(point, fixed, disorder, thermal, checkpoint)`` gets the point's
    coordinate values, the fixed parameters, two ``SeedSequence`` objects and
    a :class:`Checkpoint`, and returns an ``xarray.Dataset`` without the grid
    dimensions. ``plot(dataset)``
    returns a matplotlib Figure drawn from the merged Dataset alone.
    ``coordinates`` maps each coordinate that is not common (:data:`COMMON_ATTRS`) to its
    ``units``, ``long_name`` and ``description``: a dict, or a tuple in that order. ``disorder_keys`` and ``thermal_keys`` name the
    coordinates that key the point's disorder and thermal streams (default:
    all of them): with ``disorder_keys=("alpha",)`` points that differ only
    in other coordinates draw the same patterns.
    ``animate(dataset, directory)``, when given, writes animations drawn
    from the merged Dataset into ``directory`` and returns their paths.
    ``findings(dataset)``, when given, returns the results the paper quotes,
    computed from the merged Dataset alone: a dict of name →
    :class:`isinghop.stats.report.Number` or :class:`isinghop.stats.report.Claim`.
    """

    name: str
    description: str
    configs: dict
    plot: Callable
    run_point: Callable | None = None
    coordinates: dict = field(default_factory=dict)
    disorder_keys: tuple | None = None
    thermal_keys: tuple | None = None
    animate: Callable | None = None
    findings: Callable | None = None
    compute: Callable | None = None
    outputs: dict | None = None
    theory: Callable | None = None

    def __post_init__(self):
        if (self.run_point is None) == (self.compute is None):
            raise ValueError(f"study {self.name!r}: give either run_point (a Dataset per point) or compute and "
                             "outputs (arrays per point and sample), not both")
        if self.compute is not None:
            if not self.outputs:
                raise ValueError(f"outputs: study {self.name!r} computes arrays; declare their dims (Output)")
            for config_name, config in self.configs.items():
                if config.samples is None:
                    raise ValueError(f"configs: {config_name!r} of the declared study {self.name!r} needs samples=")
            for keys in ("disorder_keys", "thermal_keys"):  # samples are independent draws in every stream
                names = getattr(self, keys)
                if names is not None and "sample" not in names:
                    object.__setattr__(self, keys, (*names, "sample"))

    def coordinate_attrs(self, name: str) -> dict:
        """The attributes of a coordinate: declared in ``coordinates``, or common (:data:`COMMON_ATTRS`).

        Returns
        -------
        dict
            CF-valid ``units``, ``long_name``, ``description``.
        """
        return common_attrs(name, self.declared_attrs(name))

    def declared_attrs(self, name: str) -> dict:
        """The attributes ``coordinates`` declares for ``name``.

        Returns
        -------
        dict
            ``units``, ``long_name``, ``description`` as declared (a tuple read in that order); empty if none.
        """
        given = self.coordinates.get(name, {})
        if isinstance(given, tuple):  # (units, long_name, description), as in COMMON_ATTRS
            given = dict(zip(("units", "long_name", "description"), given))
        return dict(given)

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


@dataclass(frozen=True)
class Output:
    """One output of a declared study's ``compute``: its dims (beyond the grid and ``sample``) and attrs.

    Attributes left out come from :data:`COMMON_ATTRS` when the output's name is common there.

    Attributes
    ----------
    dims : tuple of str
        The dims of the array ``compute`` returns, in order (``()`` for a scalar).
    units, long_name, description : str, optional
        As in :func:`labelled`.
    theory : bool
        The study's ``theory`` gives it (once per configuration), not ``compute``.
    """

    dims: tuple = ()
    units: str | None = None
    long_name: str | None = None
    description: str | None = None
    theory: bool = False

    @property
    def attrs(self) -> dict:
        """The declared ``units``, ``long_name`` and ``description``.

        Returns
        -------
        dict
            The three names; None where not declared.
        """
        return {"units": self.units, "long_name": self.long_name, "description": self.description}


def declared_point(compute, outputs: dict, batch: dict, coordinates: dict, point, fixed, disorder, thermal,
                   checkpoint):
    """The Dataset of one task of a declared study: ``compute``'s arrays labelled by ``outputs``, each dim
    with a coordinate (a batch axis's values, else 0..size−1; the runner adds the grid and ``sample``).

    Returns
    -------
    xarray.Dataset
    """
    outputs = {name: output for name, output in outputs.items() if not output.theory}
    values = compute(point, fixed | batch, disorder, thermal, checkpoint)  # compute sees the batch with the fixed
    if not isinstance(values, dict) or set(values) != set(outputs):
        got = sorted(values) if isinstance(values, dict) else type(values).__name__
        raise ValueError(f"compute: expected a dict of the outputs {sorted(outputs)}, got {got}")
    return labelled_arrays({name: (outputs[name].dims, value) for name, value in values.items()}, outputs, batch,
                           coordinates, "compute")


def labelled_arrays(arrays: dict, outputs: dict, axes: dict, coordinates: dict, source: str):
    """A Dataset of plain arrays ``{name: (dims, values)}``: attrs from the declared ``outputs`` (else
    :data:`COMMON_ATTRS`), every dim with a coordinate (an entry of ``arrays`` of that name, else the
    values in ``axes``, a count n meaning 0..n−1, else 0..size−1) labelled by ``coordinates[dim]``.

    Returns
    -------
    xarray.Dataset
    """
    import xarray as xr

    data, sizes = {}, {}
    for name, (dims, values) in arrays.items():
        array = np.asarray(values)
        dims = (dims,) if isinstance(dims, str) else tuple(dims)
        if array.ndim != len(dims):
            raise ValueError(f"{name}: declared dims {dims}, but {source} returned shape {array.shape}")
        sizes.update(zip(dims, array.shape))
        if dims != (name,):
            data[name] = (dims, array, common_attrs(name, outputs[name].attrs if name in outputs else None))
    coords = {}
    for dim, size in sizes.items():
        labels = np.asarray(arrays[dim][1]) if dim in arrays else np.arange(size)
        if dim in axes and dim not in arrays:
            labels = np.arange(axes[dim]) if isinstance(axes[dim], int) else np.asarray(axes[dim])
            if len(labels) != size:
                raise ValueError(f"{dim}: the configuration has {len(labels)} values, {source} returned {size}")
        coords[dim] = (dim, labels, coordinates[dim])
    return xr.Dataset(data, coords=coords)


class Checkpoint:
    """Partial results of one running point, so that a crash inside a long point loses little.

    A point that runs for minutes saves what it has after each stage (a
    disorder sample, a segment of a chain: spins and ``rng_state`` continue
    a chain exactly) and, when started again, loads it and goes on. Files
    are written under a temporary name and renamed; the runner removes them
    once the point's Dataset is written. Partial state saved by other code
    (another ``fingerprint``, see
    :func:`~isinghop.runtime.provenance.code_fingerprint`) is discarded.
    """

    def __init__(self, directory, fingerprint: str = ""):
        self.directory = Path(directory)
        self.fingerprint = str(fingerprint)
        mark = self.directory / "code_fingerprint"
        if self.directory.is_dir() and (not mark.exists() or mark.read_text() != self.fingerprint):
            for saved in self.directory.glob("*.npz"):  # partial state of other code: start afresh
                saved.unlink()
            mark.unlink(missing_ok=True)

    def save(self, name: str, **arrays) -> None:
        """Store ``arrays`` under ``name`` (replacing an earlier save)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        mark = self.directory / "code_fingerprint"
        if not mark.exists():
            mark.write_text(self.fingerprint)
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


def _built_in_modules() -> dict:
    """Module name → module, for every public module of ``isinghop.studies`` (imported once, then cached)."""
    from importlib import resources

    names = sorted(p.stem for p in resources.files(STUDY_PACKAGE).iterdir()
                   if p.suffix == ".py" and not p.stem.startswith("_"))
    return {name: importlib.import_module(f"{STUDY_PACKAGE}.{name}") for name in names}


def _entry_points() -> dict:
    from importlib.metadata import entry_points

    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


def _built_in() -> dict:
    """Built-in study name → Study: a module's ``STUDY``, or each of a group module's ``STUDIES``."""
    return {study.name: study for module in _built_in_modules().values()
            for study in getattr(module, "STUDIES", None) or (module.STUDY,)}


def study_groups() -> dict:
    """The groups of built-in studies: a module of ``isinghop.studies`` that declares several studies
    (``STUDIES``, one experiment each) is a group of that module's name; ``isinghop run GROUP`` runs them all.

    Returns
    -------
    dict
        Group name → tuple of its studies' names.
    """
    return {name: tuple(study.name for study in module.STUDIES)
            for name, module in _built_in_modules().items() if getattr(module, "STUDIES", None)}


def study_names() -> list[str]:
    """Names of the built-in studies (``isinghop.studies``: a module's ``STUDY`` or each of its ``STUDIES``)
    and of those other packages add through the entry-point group ``isinghop.studies``.

    Returns
    -------
    list of str
        Sorted names; a built-in name hides an entry point of the same name.
    """
    return sorted(set(_built_in()) | set(_entry_points()))


def load_study(name: str) -> Study:
    """The study ``name``: built in (``isinghop.studies``), or what its entry point gives.

    Returns
    -------
    Study
        The study object.
    """
    built_in = _built_in()
    if name in built_in:
        return built_in[name]
    groups = study_groups()
    if name in groups:
        raise ValueError(f"study: {name!r} is a group of studies ({', '.join(groups[name])}); load one of them")
    entry = _entry_points().get(name)
    if entry is None:
        close = difflib.get_close_matches(str(name), study_names() + list(groups), n=1)
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


def _point_streams(root: np.random.SeedSequence, disorder_key: str, thermal_key: str):
    """Disorder and thermal SeedSequences, derived from the root and their keys only."""
    def stream(key: str, which: int) -> np.random.SeedSequence:
        words = np.frombuffer(hashlib.sha256(key.encode()).digest()[:16], dtype=np.uint32)
        return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *(int(w) for w in words), which))

    return stream(disorder_key, 0), stream(thermal_key, 1)


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
