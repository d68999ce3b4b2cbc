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

from typing import NamedTuple

import time

import numpy as np
import scipy.sparse

from isinghop._validate import choice
from isinghop.model import IsingModel, SparseCouplings, check_model, dense_model, sparse_model, to_dense
from isinghop.montecarlo import geometric_anneal, sample

__all__ = ["ImportedBQM", "to_bqm", "from_bqm", "VARTYPES", "DENSE_FRACTION", "IsinghopSampler", "default_beta_range"]  # noqa: F822 (IsinghopSampler is built on first use)

VARTYPES = ("SPIN", "BINARY")

#: from_bqm keeps dense storage when more than this fraction of all pairs interact.
DENSE_FRACTION = 0.1


def _dimod():
    try:
        import dimod
    except ImportError:
        raise ImportError("isinghop.bqm needs dimod: pip install 'isinghop[dimod]'") from None
    return dimod


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
    vartype : {"SPIN", "BINARY"}
        BINARY uses x = (s + 1)/2; the energy of x equals H of s = 2x − 1.
    labels : sequence, optional
        A hashable label per site (default 0 … N−1).

    Returns
    -------
    dimod.BinaryQuadraticModel
        Linear biases −h_i, quadratic biases −J_ij for i < j, offset 0 (SPIN).
        Pattern storage is expanded to its N(N−1)/2 pairs (refused above
        :data:`isinghop.model.MAX_DENSE_SITES` sites).

    Examples
    --------
    dimod's energy of the BQM equals isinghop's, state by state (dimod
    negates h and J):

    >>> import isinghop as ih
    >>> from isinghop.bqm import to_bqm
    >>> model = ih.hebbian([[1, -1, 1], [1, 1, -1]])
    >>> bqm = to_bqm(model, labels="abc")
    >>> print(round(bqm.energy({"a": 1, "b": -1, "c": 1}), 9), round(ih.energy(model, [1, -1, 1]), 9))
    -0.666666667 -0.666666667
    """
    dimod = _dimod()
    check_model(model)
    vartype = choice(vartype, "vartype", VARTYPES)
    couplings = model.couplings
    if not couplings.symmetric:
        raise ValueError("model: a BQM's energy needs symmetric couplings; this model has J != J^T")
    if np.any(couplings.raw_diagonal() != 0):
        raise ValueError("model: a BQM has no self-couplings J_ii (s_i^2 = 1 makes them a constant there), but "
                         "here they enter the zero-temperature field; build the model without self-couplings")
    n = model.n_sites
    labels = list(range(n)) if labels is None else list(labels)
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


def _integral(values) -> bool:
    values = np.asarray(values, dtype=np.float64)
    return bool(np.all(values == np.round(values)) and np.all(np.abs(values) < 2.0**52))


def from_bqm(bqm) -> ImportedBQM:
    """An isinghop model from a dimod BinaryQuadraticModel (SPIN or BINARY).

    Parameters
    ----------
    bqm : dimod.BinaryQuadraticModel
        Any labels; a BINARY model is read in its SPIN form (s = 2x − 1).

    Returns
    -------
    ImportedBQM
        ``(model, offset, labels)``. Dense storage when more than
        :data:`DENSE_FRACTION` of the pairs interact, sparse otherwise. When
        the SPIN biases times 1 (SPIN) or 4 (BINARY) are all integers, the
        couplings are kept as those integers with that scale (ties exact).

    Examples
    --------
    A BINARY model with integer biases: its SPIN form is kept as integers
    with scale 4, and energy plus offset equals dimod's energy at x = (s + 1)/2:

    >>> import dimod
    >>> import isinghop as ih
    >>> from isinghop.bqm import from_bqm
    >>> bqm = dimod.BinaryQuadraticModel({"x": 1}, {("x", "y"): -2}, 0.5, "BINARY")
    >>> imported = from_bqm(bqm)
    >>> print(imported.labels, imported.offset, imported.model.couplings.scale)
    ('x', 'y') 0.5 4.0
    >>> print(ih.energy(imported.model, [1, 1]) + imported.offset, bqm.energy({"x": 1, "y": 1}))
    -0.5 -0.5
    """
    dimod = _dimod()
    if not isinstance(bqm, dimod.BinaryQuadraticModel):
        raise TypeError(f"bqm: expected a dimod.BinaryQuadraticModel, got {type(bqm).__name__}")
    n = bqm.num_variables
    if n == 0:
        raise ValueError("bqm: has no variables")
    scale = 4 if bqm.vartype is dimod.BINARY else 1
    spin = bqm.spin
    labels = tuple(spin.variables)
    linear, (rows, cols, values), offset = spin.to_numpy_vectors(variable_order=labels)
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    couplings = -scale * np.asarray(values, dtype=np.float64)
    if _integral(couplings) and _integral(-scale * np.asarray(linear, dtype=np.float64)):
        couplings = np.round(couplings).astype(np.int64)
    else:
        couplings, scale = -np.asarray(values, dtype=np.float64), 1
    h = -np.asarray(linear, dtype=np.float64)
    pairs = np.concatenate([rows, cols]), np.concatenate([cols, rows])
    both = np.concatenate([couplings, couplings])
    if len(rows) > DENSE_FRACTION * n * (n - 1) / 2:
        J = np.zeros((n, n), dtype=both.dtype)
        J[pairs] = both
        model = dense_model(J, scale=scale, h=h)
    else:
        model = sparse_model(scipy.sparse.csr_array((both, pairs), shape=(n, n)), scale=scale, h=h)
    return ImportedBQM(model, float(offset), labels)


def default_beta_range(bqm) -> tuple[float, float]:
    """The annealing range in β used when none is given: ``(β_hot, β_cold)``.

    Hot: the largest single-flip energy change ``ΔE_max = max_i 2(|a_i| + Σ_j |b_ij|)``
    (SPIN form) is accepted with probability 1/2, ``β_hot = ln 2 / ΔE_max``.
    Cold: the smallest nonzero change ``ΔE_min = 2 min |bias|`` is accepted with
    probability 1/100, ``β_cold = ln 100 / ΔE_min``.

    Returns
    -------
    tuple of float
        ``(β_hot, β_cold)`` in inverse energy units of the BQM; (1, 1) for a BQM without biases.
    """
    spin = bqm.spin
    linear, (rows, cols, values), _ = spin.to_numpy_vectors()
    sums = np.abs(np.asarray(linear, dtype=np.float64))
    np.add.at(sums, rows, np.abs(values))
    np.add.at(sums, cols, np.abs(values))
    biases = np.abs(np.concatenate([np.asarray(linear, dtype=np.float64), np.asarray(values, dtype=np.float64)]))
    biases = biases[biases > 0]
    if len(biases) == 0:
        return 1.0, 1.0
    return float(np.log(2) / (2 * sums.max())), float(np.log(100) / (2 * biases.min()))


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

        ``sample(bqm, num_reads=10, num_sweeps=1000, beta=None, beta_range=None, rule="metropolis",
        seed=None, initial_states=None)``: at fixed ``beta`` the reads are
        independent chains at T = 1/β for ``num_sweeps`` sweeps (random order
        each sweep); without ``beta`` they anneal geometrically in β over
        ``beta_range`` (default :func:`default_beta_range`). The BQM becomes an
        isinghop model by :func:`from_bqm` (dense or sparse storage by its
        density); ``info`` holds the acceptance per read and the timing.
        """

        parameters = {"num_reads": [], "num_sweeps": [], "beta": [], "beta_range": [], "rule": [], "seed": [],
                      "initial_states": []}
        properties = {"rules": ("metropolis", "glauber"), "schedule": "permutation"}

        def sample(self, bqm, num_reads=10, num_sweeps=1000, beta=None, beta_range=None, rule="metropolis",
                   seed=None, initial_states=None, **kwargs):
            """Sample ``bqm`` (parameters as in the class docstring; ``initial_states`` sets the number of reads).

            Returns
            -------
            dimod.SampleSet
                The final states in the BQM's vartype with their energies; ``info``
                holds ``acceptance`` (per read) and ``timing`` (seconds).
            """
            self.remove_unknown_kwargs(**kwargs)
            start = time.perf_counter()
            if bqm.num_variables == 0:
                return dimod.SampleSet.from_samples_bqm((np.empty((num_reads, 0), dtype=np.int8), []), bqm)
            model, _, labels = from_bqm(bqm)
            if initial_states is None:
                rng = np.random.default_rng(seed)
                starts = rng.choice(np.array([-1, 1], dtype=np.int8), size=(num_reads, len(labels)))
            else:
                array, given = dimod.as_samples(initial_states)
                starts = np.asarray(array)[:, [list(given).index(v) for v in labels]].astype(np.int8)
                if bqm.vartype is dimod.BINARY:
                    starts = (2 * starts - 1).astype(np.int8)
            if beta is not None:
                temperatures, anneal = 1.0 / float(beta), None
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
