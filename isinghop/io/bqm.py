"""Binary quadratic models of dimod: isinghop models to and from ``dimod.BinaryQuadraticModel``.

dimod writes the energy of a SPIN model as ``E(s) = Σ_i a_i s_i + Σ_{i<j} b_ij s_i s_j + c``;
isinghop writes ``H(s) = −½ Σ_{i≠j} J_ij s_i s_j − Σ_i h_i s_i``. So a = −h,
b_ij = −J_ij (each pair once) and the two energies agree state by state
(plus the BQM's constant c). A BINARY model in x ∈ {0, 1} goes through
s = 2x − 1: its biases become SPIN biases of a quarter-integer grid, so
integer BINARY biases give integer couplings ``K`` with ``J = K / 4``.

:class:`IsinghopSampler` is a dimod ``Sampler`` backed by isinghop's Monte
Carlo kernels: a dimod user changes one import to sample with them.

Needs the optional dependency dimod (``pip install "isinghop[dimod]"``).
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import scipy.sparse

from isinghop._validate import choice, numeric_array, positive_int
from isinghop.couplings import MAX_EXACT_FIELD, SparseCouplings
from isinghop.model import IsingModel, check_model, dense_model, sparse_model, to_dense
from isinghop.montecarlo import geometric_anneal, sample

__all__ = ["ImportedBQM", "to_bqm", "from_bqm", "VARTYPES", "DENSE_FRACTION", "IsinghopSampler", "default_beta_range"]  # noqa: F822 (IsinghopSampler is built on first use)

VARTYPES = ("SPIN", "BINARY")

#: from_bqm keeps dense storage when more than this fraction of all pairs interact.
DENSE_FRACTION = 0.1

#: Smallest β the sampler takes: T = 1/β must stay a finite float64.
_TINY_BETA = float(np.finfo(np.float64).tiny)


def _dimod():
    try:
        import dimod
    except ImportError:
        raise ImportError("isinghop.io.bqm needs dimod: pip install 'isinghop[dimod]'") from None
    return dimod


def _check_bqm(bqm, dimod) -> None:
    """Raise a ``TypeError`` naming ``bqm`` unless it is a dimod BinaryQuadraticModel."""
    if not isinstance(bqm, dimod.BinaryQuadraticModel):
        raise TypeError(f"bqm: expected a dimod.BinaryQuadraticModel, got {type(bqm).__name__}; build one with "
                        "dimod.BinaryQuadraticModel(linear, quadratic, offset, vartype)")


class _Vectors(NamedTuple):
    """A BQM's biases as float64 vectors: linear ``a_i``, the pairs ``(rows, cols)`` with ``b_ij``, the offset."""

    linear: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    offset: float


def _float_vectors(bqm, labels: tuple) -> _Vectors:
    """The biases of ``bqm`` (in its own vartype) in the order of ``labels``, as float64."""
    linear, (rows, cols, values), offset = bqm.to_numpy_vectors(variable_order=labels)
    return _Vectors(np.asarray(linear, dtype=np.float64), np.asarray(rows, dtype=np.int64),
                    np.asarray(cols, dtype=np.int64), np.asarray(values, dtype=np.float64), float(offset))


def _require_finite(vectors: _Vectors, labels: tuple, limit: int = 3) -> None:
    """Raise a ``ValueError`` naming up to ``limit`` non-finite biases by their variables."""
    bad_linear = np.flatnonzero(~np.isfinite(vectors.linear))
    bad_pairs = np.flatnonzero(~np.isfinite(vectors.values))
    bad_offset = not np.isfinite(vectors.offset)
    named = [f"linear bias of {labels[k]!r} is {vectors.linear[k]}" for k in bad_linear[:limit]]
    named += [f"quadratic bias of {tuple(labels[i] for i in sorted((vectors.rows[k], vectors.cols[k])))!r} is "
              f"{vectors.values[k]}" for k in bad_pairs[:limit]]
    named += [f"offset is {vectors.offset}"] if bad_offset else []
    total = len(bad_linear) + len(bad_pairs) + bad_offset
    if total:
        more = f" and {total - limit} more" if total > limit else ""
        raise ValueError(f"bqm: biases and offset must be finite; {', '.join(named[:limit])}{more}")


def _spin_vectors(bqm, dimod, labels: tuple) -> _Vectors:
    """The SPIN form of ``bqm`` in the order of ``labels``, every bias and the offset finite.

    A non-finite bias is named by its variables as the BQM holds it; a
    BINARY model whose SPIN form overflows float64 is refused.
    """
    vectors = _float_vectors(bqm, labels)
    _require_finite(vectors, labels)
    if bqm.vartype is dimod.BINARY:
        vectors = _float_vectors(bqm.spin, labels)
        try:
            _require_finite(vectors, labels)
        except ValueError:
            raise ValueError("bqm: the SPIN form (s = 2x − 1) of this BINARY model overflows float64; "
                             "divide its biases by a common factor") from None
    return vectors


def _magnitude_sums(vectors: _Vectors) -> np.ndarray:
    """``|a_i| + Σ_j |b_ij|`` per variable: the largest field a spin feels (exact for integers below 2^53)."""
    sums = np.abs(vectors.linear)
    np.add.at(sums, vectors.rows, np.abs(vectors.values))
    np.add.at(sums, vectors.cols, np.abs(vectors.values))
    return sums


def _exact_integers(vectors: _Vectors, scale: int) -> bool:
    """True when ``scale ×`` the SPIN biases are integers with every ``|scale·h_i| + Σ_j |scale·J_ij|`` below 2^53.

    Then every field numerator of the model is an exact integer. Float sums
    of integers are exact below 2^53 and never round down past it, so the
    test is exact; ``scale`` is 1 or 4, a power of two.
    """
    scaled = scale * np.concatenate([vectors.linear, vectors.values])
    return bool(np.all(scaled == np.round(scaled))
                and scale * _magnitude_sums(vectors).max(initial=0.0) < MAX_EXACT_FIELD)


class ImportedBQM(NamedTuple):
    """Outcome of :func:`from_bqm`.

    Attributes
    ----------
    model : IsingModel
        Couplings and field with ``H(s) = E(s) − offset`` for the SPIN form of the BQM.
    offset : float
        The constant of the BQM's SPIN form (dimod's ``bqm.spin.offset``).
    labels : tuple
        The BQM's variable labels in site order: site i is ``labels[i]``.
    """

    model: IsingModel
    offset: float
    labels: tuple


def to_bqm(model: IsingModel, *, vartype: str = "SPIN", labels=None):
    """The model as a dimod BinaryQuadraticModel with the same energy on every state.

    Parameters
    ----------
    model : IsingModel
        Symmetric couplings without self-couplings (dimod has no J_ii: s_i² = 1
        would make it a constant, while in isinghop it enters the zero-T field).
    vartype : {"SPIN", "BINARY"} or dimod.Vartype
        BINARY uses x = (s + 1)/2; the energy of x equals H of s = 2x − 1.
    labels : iterable, optional
        A distinct hashable label per site (default 0 … N−1).

    Returns
    -------
    dimod.BinaryQuadraticModel
        Linear biases −h_i, quadratic biases −J_ij for i < j, offset 0 (SPIN).
        Pattern storage is expanded to its N(N−1)/2 pairs (refused above
        :data:`isinghop.couplings.MAX_DENSE_SITES` sites).

    Examples
    --------
    dimod's energy of the BQM equals isinghop's, state by state (dimod
    negates h and J):

    >>> import isinghop as ih
    >>> from isinghop.io.bqm import to_bqm
    >>> model = ih.hebbian([[1, -1, 1], [1, 1, -1]])
    >>> bqm = to_bqm(model, labels="abc")
    >>> print(round(bqm.energy({"a": 1, "b": -1, "c": 1}), 9), round(ih.energy(model, [1, -1, 1]), 9))
    -0.666666667 -0.666666667
    """
    dimod = _dimod()
    check_model(model)
    vartype = choice(vartype.name if isinstance(vartype, dimod.Vartype) else vartype, "vartype", VARTYPES)
    couplings = model.couplings
    if not couplings.symmetric:
        raise ValueError("model: a BQM's energy needs symmetric couplings; this model has J != J^T")
    if np.any(couplings.raw_diagonal() != 0):
        raise ValueError("model: a BQM has no self-couplings J_ii (s_i^2 = 1 makes them a constant there), but "
                         "here they enter the zero-temperature field; build the model without self-couplings")
    n = model.n_sites
    if labels is not None and not isinstance(labels, Iterable):
        raise TypeError(f"labels: expected {n} distinct hashable labels, got {labels!r}")
    labels = list(range(n)) if labels is None else list(labels)
    for label in labels:
        try:
            hash(label)
        except TypeError:
            raise TypeError(f"labels: dimod keys variables by their labels, so each must be hashable; got {label!r}"
                            ) from None
    if len(labels) != n or len(set(labels)) != n:
        raise ValueError(f"labels: expected {n} distinct labels, got {len(labels)} ({len(set(labels))} distinct)")
    if isinstance(couplings, SparseCouplings):
        upper = scipy.sparse.triu(couplings.matrix, k=1).tocoo()
        rows, cols, values = upper.row, upper.col, upper.data / couplings.scale
    else:
        J = to_dense(model)
        rows, cols = np.triu_indices(n, k=1)
        values = J[rows, cols]
        keep = values != 0
        rows, cols, values = rows[keep], cols[keep], values[keep]
    bqm = dimod.BinaryQuadraticModel.from_numpy_vectors(
        -np.asarray(model.h, dtype=np.float64), (rows, cols, -np.asarray(values, dtype=np.float64)), 0.0,
        dimod.SPIN, variable_order=labels)
    return bqm.change_vartype(dimod.BINARY, inplace=True) if vartype == "BINARY" else bqm


def from_bqm(bqm) -> ImportedBQM:
    """An isinghop model from a dimod BinaryQuadraticModel (SPIN or BINARY).

    Parameters
    ----------
    bqm : dimod.BinaryQuadraticModel
        Any labels, finite biases and offset, at least one variable; a BINARY
        model is read in its SPIN form (s = 2x − 1).

    Returns
    -------
    ImportedBQM
        ``(model, offset, labels)``. Dense storage when more than
        :data:`DENSE_FRACTION` of the pairs interact, sparse otherwise. When
        the SPIN biases times 1 (SPIN) or 4 (BINARY) are all integers and every
        field stays exact (``|scale·h_i| + Σ_j |scale·J_ij| < 2^53``, see
        ``isinghop.couplings.MAX_EXACT_FIELD``), the couplings are kept as
        those integers with that scale (ties exact); otherwise as float64
        with scale 1, so a BQM of any size of bias imports.

    Raises
    ------
    TypeError
        If ``bqm`` is not a dimod BinaryQuadraticModel.
    ValueError
        If it has no variables, a bias or the offset is not finite (named by
        its variables), or the SPIN form of a BINARY model overflows float64.

    Examples
    --------
    A BINARY model with integer biases: its SPIN form is kept as integers
    with scale 4, and energy plus offset equals dimod's energy at x = (s + 1)/2:

    >>> import dimod
    >>> import isinghop as ih
    >>> from isinghop.io.bqm import from_bqm
    >>> bqm = dimod.BinaryQuadraticModel({"x": 1}, {("x", "y"): -2}, 0.5, "BINARY")
    >>> imported = from_bqm(bqm)
    >>> print(imported.labels, imported.offset, imported.model.couplings.scale)
    ('x', 'y') 0.5 4.0
    >>> print(ih.energy(imported.model, [1, 1]) + imported.offset, bqm.energy({"x": 1, "y": 1}))
    -0.5 -0.5
    """
    dimod = _dimod()
    _check_bqm(bqm, dimod)
    n = bqm.num_variables
    if n == 0:
        raise ValueError("bqm: has no variables; an isinghop model needs at least one site")
    labels = tuple(bqm.variables)
    spin = _spin_vectors(bqm, dimod, labels)
    scale = 4 if bqm.vartype is dimod.BINARY else 1
    if _exact_integers(spin, scale):
        couplings = np.round(-scale * spin.values).astype(np.int64)
    else:
        couplings, scale = -spin.values, 1
    pairs = np.concatenate([spin.rows, spin.cols]), np.concatenate([spin.cols, spin.rows])
    both = np.concatenate([couplings, couplings])
    if len(spin.rows) > DENSE_FRACTION * n * (n - 1) / 2:
        J = np.zeros((n, n), dtype=both.dtype)
        J[pairs] = both
        model = dense_model(J, scale=scale, h=-spin.linear)
    else:
        model = sparse_model(scipy.sparse.csr_array((both, pairs), shape=(n, n)), scale=scale, h=-spin.linear)
    return ImportedBQM(model, spin.offset, labels)


def default_beta_range(bqm) -> tuple[float, float]:
    """The annealing range in β used when none is given: ``(β_hot, β_cold)``.

    Hot: the largest single-flip energy change ``ΔE_max = max_i 2(|a_i| + Σ_j |b_ij|)``
    (SPIN form) is accepted with probability 1/2, ``β_hot = ln 2 / ΔE_max``.
    Cold: the smallest nonzero change ``ΔE_min = 2 min |bias|`` is accepted with
    probability 1/100, ``β_cold = ln 100 / ΔE_min``.

    Parameters
    ----------
    bqm : dimod.BinaryQuadraticModel
        Finite biases (as for :func:`from_bqm`).

    Returns
    -------
    tuple of float
        ``(β_hot, β_cold)`` in inverse energy units of the BQM; (1, 1) for a BQM without biases.
    """
    dimod = _dimod()
    _check_bqm(bqm, dimod)
    return _default_betas(_spin_vectors(bqm, dimod, tuple(bqm.variables)))


def _default_betas(spin: _Vectors) -> tuple[float, float]:
    """:func:`default_beta_range` of a BQM's SPIN vectors."""
    biases = np.abs(np.concatenate([spin.linear, spin.values]))
    biases = biases[biases > 0]
    if len(biases) == 0:
        return 1.0, 1.0
    largest, smallest = float(2 * _magnitude_sums(spin).max()), float(2 * biases.min())
    hot, cold = math.log(2) / largest, math.log(100) / smallest  # Python floats: inf on overflow, no warning
    if not (_TINY_BETA <= hot and cold < 1 / _TINY_BETA):
        raise ValueError(f"bqm: its energy changes range from {smallest:g} to {largest:g} in magnitude, beyond the "
                         "temperatures float64 holds; multiply the biases by a common factor, or pass beta_range")
    return hot, cold


def _beta(value, name: str, *, finite: bool) -> float:
    """``value`` as an inverse temperature β = 1/T > 0, finite if ``finite`` (else inf, T = 0, too)."""
    kind = "a finite number > 0 (β = 1/T)" if finite else "a number > 0 or inf (β = 1/T; inf is T = 0)"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected {kind}, got {value!r}")
    if value >= _TINY_BETA and (not finite or np.isfinite(value)):
        return float(value)
    if value == 0:
        remedy = "β = 0 is T = ∞, which the Monte Carlo kernels do not sample: pass a small β > 0 for a hot chain"
    elif value == np.inf:
        remedy = ("a geometric schedule in β cannot reach β = inf (T = 0): end at a large finite β, "
                  "or sample at the fixed beta=inf")
    elif value > 0:
        remedy = f"T = 1/β would overflow float64: pass β ≥ {_TINY_BETA:.3g}"
    else:
        remedy = "a temperature T = 1/β must be a number ≥ 0: pass β > 0"
    raise ValueError(f"{name}: expected {kind}, got {value}; {remedy}")


def _beta_range(value) -> tuple[float, float]:
    """``value`` as ``(β_first, β_last)``, two finite numbers > 0."""
    kind = "two finite numbers > 0 (β = 1/T at the first and at the last sweep)"
    if not isinstance(value, (tuple, list, np.ndarray)):
        raise TypeError(f"beta_range: expected {kind}, got {value!r}")
    if np.ndim(value) != 1 or len(value) != 2:
        raise ValueError(f"beta_range: expected {kind}, got {value!r}")
    return _beta(value[0], "beta_range[0]", finite=True), _beta(value[1], "beta_range[1]", finite=True)


def _seed(value):
    """``value`` if it is a seed the sampler takes: a non-negative int, a SeedSequence, a Generator or None."""
    kind = "a non-negative int, a numpy SeedSequence or Generator, or None"
    if value is None or isinstance(value, (np.random.Generator, np.random.SeedSequence)):
        return value
    if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"seed: expected {kind}, got {value!r}")
    if value < 0:
        raise ValueError(f"seed: expected {kind}, got {value}")
    return value


def _some(labels: list, limit: int = 5) -> str:
    return f"{labels[:limit]!r}" + (f" and {len(labels) - limit} more" if len(labels) > limit else "")


def _initial_states(initial_states, bqm, dimod, limit: int = 3) -> np.ndarray:
    """``initial_states`` as ±1 int8 spins ``(read, variable)`` in the order of ``bqm.variables``."""
    try:
        array, given = dimod.as_samples(initial_states)
    except (TypeError, ValueError) as error:
        raise TypeError(f"initial_states: expected samples dimod reads (a SampleSet, dicts, an array, or "
                        f"(array, labels)), got {type(initial_states).__name__} ({error})") from None
    array = numeric_array(array, "initial_states")
    if len(array) == 0:
        raise ValueError("initial_states: no states given; give at least one, or leave initial_states out "
                         "for uniformly random starts")
    column = {label: k for k, label in enumerate(given)}
    missing = [v for v in bqm.variables if v not in column]
    unknown = [v for v in given if v not in bqm.variables]
    if missing or unknown:
        problems = ([f"no value for the BQM's variables {_some(missing)}"] if missing else []) + (
            [f"variables {_some(unknown)} are not in the BQM"] if unknown else [])
        raise ValueError(f"initial_states: {'; '.join(problems)}; give one value to every variable of the BQM "
                         "and to no other")
    spin = bqm.vartype is dimod.SPIN
    bad = ~np.isin(array, (-1, 1) if spin else (0, 1))
    if bad.any():
        reads, columns = np.nonzero(bad)
        shown = ", ".join(f"read {r}, variable {given[c]!r} = {array[r, c]}"
                          for r, c in zip(reads[:limit], columns[:limit]))
        more = f" and {len(reads) - limit} more" if len(reads) > limit else ""
        raise ValueError(f"initial_states: values must be {'-1 or +1' if spin else '0 or 1'} for a "
                         f"{bqm.vartype.name} BQM; got {shown}{more}")
    starts = array[:, [column[v] for v in bqm.variables]].astype(np.int8)
    return starts if spin else (2 * starts - 1).astype(np.int8)


_SAMPLER = None


def __getattr__(name):
    if name == "IsinghopSampler":  # built on first use: dimod is an optional dependency
        global _SAMPLER
        if _SAMPLER is None:
            _SAMPLER = _sampler_class(_dimod())
        return _SAMPLER
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _sampler_class(dimod):
    class IsinghopSampler(dimod.Sampler):
        """A dimod sampler backed by isinghop's single-spin Monte Carlo.

        ``sample(bqm, num_reads=None, num_sweeps=1000, beta=None, beta_range=None, rule="metropolis",
        seed=None, initial_states=None)``: at fixed ``beta`` (a number > 0, or
        inf for the zero-temperature limit of the rule) the reads are
        independent chains at T = 1/β for ``num_sweeps`` sweeps (random order
        each sweep); without ``beta`` they anneal geometrically in β over
        ``beta_range`` (two finite β > 0; default :func:`default_beta_range`).
        ``num_reads`` defaults to one read per initial state, or 10 without
        ``initial_states`` (dimod samples, one value per variable of the BQM
        and no other, in its vartype). ``seed`` is a non-negative int, a numpy
        ``SeedSequence`` or ``Generator``, or None. The BQM becomes an isinghop
        model by :func:`from_bqm` (dense or sparse storage by its density);
        ``info`` holds the acceptance per read and the timing. Every argument
        is checked before the BQM is converted; errors name the keyword.
        """

        parameters = {"num_reads": [], "num_sweeps": [], "beta": [], "beta_range": [], "rule": [], "seed": [],
                      "initial_states": []}
        properties = {"rules": ("metropolis", "glauber"), "schedule": "permutation"}

        def sample(self, bqm, num_reads=None, num_sweeps=1000, beta=None, beta_range=None, rule="metropolis",
                   seed=None, initial_states=None, **kwargs):
            """Sample ``bqm`` (parameters as in the class docstring).

            Returns
            -------
            dimod.SampleSet
                The final states in the BQM's vartype with their energies; ``info``
                holds ``acceptance`` (per read) and ``timing`` (seconds).
            """
            self.remove_unknown_kwargs(**kwargs)
            start = time.perf_counter()
            _check_bqm(bqm, dimod)
            num_reads = None if num_reads is None else positive_int(num_reads, "num_reads")
            num_sweeps = positive_int(num_sweeps, "num_sweeps")
            rule = choice(rule, "rule", self.properties["rules"])
            seed = _seed(seed)
            if beta is not None and beta_range is not None:
                raise ValueError("beta, beta_range: give a fixed beta or an annealing beta_range, not both")
            beta = None if beta is None else _beta(beta, "beta", finite=False)
            beta_range = None if beta_range is None else _beta_range(beta_range)
            starts = None if initial_states is None else _initial_states(initial_states, bqm, dimod)
            if starts is not None and num_reads not in (None, len(starts)):
                raise ValueError(f"num_reads: got {num_reads}, but initial_states has {len(starts)} states (one read "
                                 f"each); leave num_reads out or make it {len(starts)}")
            num_reads = len(starts) if starts is not None else num_reads or 10
            if bqm.num_variables == 0:
                return dimod.SampleSet.from_samples_bqm((np.empty((num_reads, 0), dtype=np.int8), []), bqm)
            model, _, labels = from_bqm(bqm)
            if starts is None:
                starts = np.random.default_rng(seed).choice(np.array([-1, 1], dtype=np.int8),
                                                            size=(num_reads, len(labels)))
            if beta is not None:
                temperatures, anneal = 1.0 / beta, None  # beta = inf: T = 0
            else:
                hot, cold = beta_range if beta_range is not None else default_beta_range(bqm)
                temperatures, anneal = None, geometric_anneal(1.0 / hot, 1.0 / cold, num_sweeps)
            converted = time.perf_counter()
            chain = sample(model, starts, T=temperatures, anneal=anneal, rule=rule, sweeps=num_sweeps, record=(),
                           progress=False, rng=seed)
            spins = chain.spins.reshape(len(starts), -1)
            sampled = time.perf_counter()
            states = (spins + 1) // 2 if bqm.vartype is dimod.BINARY else spins
            info = {"acceptance": np.atleast_1d(chain.acceptance).tolist(),
                    "timing": {"preprocessing_s": converted - start, "sampling_s": sampled - converted}}
            return dimod.SampleSet.from_samples_bqm((states, labels), bqm, info=info)

    return IsinghopSampler


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
