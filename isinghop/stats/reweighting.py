"""Histogram reweighting: thermal averages at temperatures and fields that were not simulated.

The Hamiltonian is split as ``H = H₀ − h N m``, where m is the order
parameter and h the amplitude of the field conjugate to it (the ``field``
argument, energy units): m is the magnetisation for a uniform field
``h_i = h``, the pattern overlap ``m_ξ`` for a field along a pattern ξ,
``h_i = h ξ_i`` (θ = −h; see the conventions page). A sample drawn at ``(T_k, h_k)`` whose
energy per spin is e (H/N at h_k) has ``H₀ = N (e + h_k m)``; its reduced
energy at (T, h) is ``u(T, h) = (H₀ − h N m) / T`` (k_B = 1).

* Single histogram (Ferrenberg & Swendsen 1988): the samples of one state
  give ``⟨A⟩_{T,h} = Σ_n A_n w_n / Σ_n w_n`` with ``w_n = exp(u_0 − u(T, h))``.
* Multi-histogram (Ferrenberg & Swendsen 1989), in its optimal form MBAR
  (Shirts & Chodera 2008): samples pooled from K states,
  ``w_n = exp(−u(T, h)) / Σ_k N_k exp(f_k − u_k)``, with the dimensionless
  free energies f_k solved self-consistently by :mod:`pymbar`. With K = 1
  this is the single histogram (f = 0, nothing to solve).

Errors are a blocked jackknife over the time axis
(:func:`isinghop.stats.errors.jackknife`), the free energies solved anew for
every block left out, so the autocorrelation of the series and the
uncertainty of the f_k are both in the error.

A reweighted value is trusted only where the sampled histograms cover the
target distribution. The measure is Kish's effective sample size of the
weights, ``(Σ w)² / Σ w²``, as a fraction of the records of the smallest
sampled state: 1 at a lone sampled state, at least about 1 at every sampled
state, more where states overlap, e^{−d²} for a single Gaussian histogram
shifted by d standard deviations. Targets below ``min_effective_fraction``
are refused with a ``ValueError`` naming the trusted range.

The fraction cannot see what the records never reached: a frozen or constant
series (one energy in every record) gives every target the fraction 1, and
would return its one energy at any temperature with zero error. So a target
is also refused where the records carry no information about the move to it:
a temperature other than the sampled ones when the records hold a single
energy (at the target field), a field other than the sampled ones when they
hold a single value of the order parameter. And the trusted range is what
:meth:`Histograms.trusted_temperatures` and :meth:`Histograms.trusted_fields`
report: a target outside it (beyond their search reach, a factor 4 in T and
10 T in h past the sampled states, or past the first point outward where the
fraction falls below ``min_effective_fraction``) is refused too, so that no
value is returned where the package itself says it is not trusted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.special

from isinghop._moments import binder_from_moments, specific_heat_from_variance, susceptibility_from_moments
from isinghop._validate import finite_array, number, positive_int
from isinghop.stats.errors import integrated_time, jackknife

__all__ = ["Histograms", "Reweighted", "Peak", "Crossing", "histograms", "binder_crossing", "MIN_EFFECTIVE_FRACTION",
           "T_REACH", "FIELD_REACH"]

#: Default least effective sample fraction of a trusted reweighted value (a Gaussian histogram shifted by 1.5 σ).
MIN_EFFECTIVE_FRACTION = 0.1
#: At most this many records go into the solution for the free energies (thinned evenly beyond).
MAX_SOLVE_RECORDS = 40_000
#: Bytes of the (target, sample) weight blocks.
_BLOCK_BYTES = 1 << 25
#: Relative tolerance of "the same temperature or field" (a sampled state, an end of a trusted interval).
_SAME = 1e-9
#: How far the trusted intervals are searched past the sampled states: a factor in T, multiples of T in the field.
T_REACH = 4.0
FIELD_REACH = 10.0
#: Largest total energy or order parameter (record × n_sites) accepted: differences and β-products stay finite.
_LARGEST_TOTAL = 1e300


def _free_energies(reduced: np.ndarray, counts: np.ndarray, initial: np.ndarray | None) -> np.ndarray:
    """Dimensionless free energies f_k (f_0 = 0) of the sampled states, by MBAR when K > 1."""
    if len(counts) == 1:
        return np.zeros(1)
    quiet = logging.getLogger("pymbar")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # pymbar announces at import that JAX would be faster
    try:
        from pymbar import MBAR
        return np.asarray(MBAR(reduced, counts, initial_f_k=initial, verbose=False).f_k, dtype=np.float64)
    finally:
        quiet.setLevel(level)


@dataclass(frozen=True)
class Reweighted:
    """Reweighted thermal averages at target points ``(T, field)`` (arrays of the broadcast shape).

    Attributes
    ----------
    T, field : numpy.ndarray
        Target temperature and field amplitude h (energy units).
    energy_per_spin, specific_heat : numpy.ndarray
        ``⟨H⟩/N`` at the target (energy units) and ``C = β² N (⟨e²⟩ − ⟨e⟩²)`` (dimensionless).
    order_parameter, abs_order_parameter : numpy.ndarray
        ``⟨m⟩`` and ``⟨|m|⟩`` of the order parameter.
    susceptibility : numpy.ndarray
        ``χ = β N (⟨m²⟩ − ⟨|m|⟩²)`` (inverse energy units), as
        :func:`isinghop.observables.susceptibility`: the finite-size
        susceptibility of the symmetric system. In a field h ≠ 0 the linear
        response ∂⟨m⟩/∂h is ``β N (⟨m²⟩ − ⟨m⟩²)``, which equals it only where
        m keeps one sign.
    binder : numpy.ndarray
        ``U₄ = 1 − ⟨m⁴⟩ / (3 ⟨m²⟩²)`` (NaN where m is always 0).
    effective_fraction : numpy.ndarray
        Effective sample fraction of each target (see the module notes).
    *_error : numpy.ndarray
        Jackknife error of each quantity.
    """

    T: np.ndarray
    field: np.ndarray
    energy_per_spin: np.ndarray
    specific_heat: np.ndarray
    order_parameter: np.ndarray
    abs_order_parameter: np.ndarray
    susceptibility: np.ndarray
    binder: np.ndarray
    effective_fraction: np.ndarray
    energy_per_spin_error: np.ndarray
    specific_heat_error: np.ndarray
    order_parameter_error: np.ndarray
    abs_order_parameter_error: np.ndarray
    susceptibility_error: np.ndarray
    binder_error: np.ndarray


@dataclass(frozen=True)
class _Histogram:
    """The distinct (H₀, m) pairs of a set of series, their multiplicities and the MBAR denominators."""

    free: np.ndarray  # f_k of the sampled states
    H0: np.ndarray
    order_parameter: np.ndarray
    multiplicity: np.ndarray
    log_multiplicity: np.ndarray  # ln c_j − ln Σ_k N_k exp(f_k − u_k(j)): the weight at u = 0
    per_state: float  # records of the smallest sampled state


_QUANTITIES = ("energy_per_spin", "specific_heat", "order_parameter", "abs_order_parameter", "susceptibility",
               "binder")


@dataclass(frozen=True)
class Peak:
    """Position and height of a maximum of a reweighted curve, with jackknife errors.

    Attributes
    ----------
    T, T_error : float
        Temperature of the maximum (energy units).
    height, height_error : float
        Value at the maximum.
    """

    T: float
    T_error: float
    height: float
    height_error: float


@dataclass(frozen=True)
class Crossing:
    """Where the Binder cumulants of two sizes cross, with jackknife errors.

    Attributes
    ----------
    T, T_error : float
        Crossing temperature (energy units).
    binder, binder_error : float
        U₄ at the crossing.
    """

    T: float
    T_error: float
    binder: float
    binder_error: float


class Histograms:
    """Energy and order-parameter series from one or several ``(T, field)`` states, ready to reweight.

    Built by :func:`histograms`. Replicas at the same ``(T, field)`` form one state.

    Attributes
    ----------
    n_sites : int
    states : numpy.ndarray
        ``(K, 2)`` the sampled ``(T, field)``.
    counts : numpy.ndarray
        Samples per state.
    free_energies : numpy.ndarray
        Dimensionless ``f_k = −ln Z_k`` relative to the first row of ``states``
        (states sorted by T, then field).
    blocks : int
        Jackknife blocks along the time axis.
    min_effective_fraction : float
        Least effective sample fraction of a trusted value.
    """

    def __init__(self, energy_per_spin, order_parameter, replica_T, replica_field, n_sites, blocks,
                 min_effective_fraction):
        self.n_sites = n_sites
        self.blocks = blocks
        self.min_effective_fraction = min_effective_fraction
        self.states, replica_state = np.unique(np.stack([replica_T, replica_field], axis=1), axis=0,
                                               return_inverse=True)
        self._replica_state = replica_state.ravel()
        self.counts = np.bincount(self._replica_state, minlength=len(self.states)) * energy_per_spin.shape[1]
        records = energy_per_spin.size
        correlated = int(integrated_time(energy_per_spin, quiet=True)) if np.ptp(energy_per_spin) > 0 else 1
        self._stride = max(1, correlated, -(-records // MAX_SOLVE_RECORDS))
        field = self.states[self._replica_state, 1][:, None]
        H0 = n_sites * (energy_per_spin + field * order_parameter)  # H₀ = N (e + h_k m), (replica, time)
        pairs, codes = np.unique(H0 + 1j * order_parameter, return_inverse=True)  # the distinct (H₀, m) pairs
        self._H0, self._m = pairs.real, pairs.imag
        self._codes = codes.reshape(H0.shape)
        self._full = self._histogram(self._codes)
        self.free_energies = self._full.free
        self._intervals: dict = {}  # trusted intervals already searched, by (column, fixed value)
        self._sampled_values = (np.unique(self.states[:, 0]), np.unique(self.states[:, 1]))

    def _histogram(self, codes, initial=None) -> _Histogram:
        """Free energies and the (H₀, m) histogram of the records ``codes`` (indices of distinct pairs).

        The free energies are solved on the records thinned to one per τ_int
        of the energy, and to at most ``MAX_SOLVE_RECORDS`` (pymbar takes
        records, not a histogram; the solution is consistent at any stride and
        the jackknife error includes the noise of thinning). The averages use
        every record, pooled into the distinct (H₀, m) pairs.
        """
        codes = np.asarray(codes).astype(np.int64)
        thinned = codes[:, ::self._stride]
        sample_state = np.repeat(self._replica_state, thinned.shape[1])
        arrangement = np.argsort(sample_state, kind="stable")
        solve_counts = np.bincount(sample_state, minlength=len(self.states))
        kept = thinned.ravel()[arrangement]
        reduced = self._reduced(self._H0[kept], self._m[kept], self.states[:, 0], self.states[:, 1])
        free = _free_energies(reduced, solve_counts, initial)
        multiplicity = np.bincount(codes.ravel(), minlength=len(self._H0))
        present = np.flatnonzero(multiplicity)
        H0, m, multiplicity = self._H0[present], self._m[present], multiplicity[present]
        per_state = np.bincount(self._replica_state, minlength=len(self.states)) * codes.shape[1]
        reduced = self._reduced(H0, m, self.states[:, 0], self.states[:, 1])
        log_denominator = scipy.special.logsumexp(np.log(per_state)[:, None] + free[:, None] - reduced, axis=0)
        return _Histogram(free=free, H0=H0, order_parameter=m, multiplicity=multiplicity,
                          log_multiplicity=np.log(multiplicity) - log_denominator, per_state=per_state.min())

    def _reduced(self, H0, m, T, field) -> np.ndarray:
        """``u = (H₀ − h N m)/T`` for the points (T, field = h) (rows) and samples (columns)."""
        T = np.asarray(T, dtype=np.float64)[:, None]
        field = np.asarray(field, dtype=np.float64)[:, None]
        return (H0[None, :] - field * self.n_sites * m[None, :]) / T

    def _averages(self, histogram: _Histogram, T, field) -> np.ndarray:
        """``(7, points)``: the six quantities and the effective sample fraction at each point."""
        H0, m = histogram.H0, histogram.order_parameter
        results = np.empty((len(_QUANTITIES) + 1, len(T)))
        per_block = max(1, _BLOCK_BYTES // (8 * 4 * len(m)))
        for lo in range(0, len(T), per_block):
            sl = slice(lo, lo + per_block)
            log_w = histogram.log_multiplicity[None, :] - self._reduced(H0, m, T[sl], field[sl])
            log_w -= log_w.max(axis=1, keepdims=True)
            w = np.exp(log_w)  # weight of each distinct (H₀, m), its multiplicity included
            norm = w.sum(axis=1)
            e = H0[None, :] / self.n_sites - field[sl, None] * m[None, :]
            mean_e = (w * e).sum(axis=1) / norm
            var_e = (w * (e - mean_e[:, None]) ** 2).sum(axis=1) / norm
            abs_m = w @ np.abs(m) / norm
            m2 = w @ m**2 / norm
            m4 = w @ m**4 / norm
            beta = 1.0 / T[sl]
            results[0, sl] = mean_e
            results[1, sl] = specific_heat_from_variance(beta, self.n_sites, var_e)
            results[2, sl] = w @ m / norm
            results[3, sl] = abs_m
            results[4, sl] = susceptibility_from_moments(beta, self.n_sites, m2, abs_m)
            with np.errstate(divide="ignore", invalid="ignore"):  # m ≡ 0: U₄ is undefined (NaN)
                results[5, sl] = binder_from_moments(m2, m4)
            # Kish's effective sample size: a distinct pair of multiplicity c and weight w/c per record
            results[6, sl] = norm**2 / (w**2 / histogram.multiplicity).sum(axis=1) / histogram.per_state
        return results

    # --- public ---------------------------------------------------------------------------

    def _points(self, T, field) -> tuple[np.ndarray, np.ndarray, tuple]:
        T = finite_array(T, "T").astype(np.float64)
        if np.any(T <= 0):
            raise ValueError(f"T: temperatures must be > 0, got {T[T <= 0][:3].tolist()}")
        field = finite_array(self._sampled(1) if field is None else field, "field").astype(np.float64)
        try:
            T, field = np.broadcast_arrays(T, field)
        except ValueError:
            raise ValueError(f"T, field: shapes {T.shape} and {field.shape} do not broadcast") from None
        return T.ravel(), field.ravel(), T.shape

    def effective_fraction(self, T, field=None) -> np.ndarray:
        """Effective sample fraction at target points (1 at a lone sampled state; see the module notes).

        The fraction alone does not make a target trusted: a frozen series has
        the fraction 1 everywhere; :meth:`reweight` says which targets are.

        Parameters
        ----------
        T : float or array_like
            Target temperatures (> 0, energy units).
        field : float or array_like, optional
            Target field amplitudes h (energy units); default the sampled
            field when all states share one.

        Returns
        -------
        numpy.ndarray
            Of the broadcast shape of ``T`` and ``field``.
        """
        T, field, shape = self._points(T, field)
        return self._averages(self._full, T, field)[-1].reshape(shape)

    def _fraction(self, T: float, field: float) -> float:
        return float(self._averages(self._full, np.array([T]), np.array([field]))[-1, 0])

    def _sampled_value(self, x: float, column: int) -> bool:
        """Whether ``x`` is one of the sampled temperatures (column 0) or fields (column 1)."""
        sampled = self._sampled_values[column]
        return bool(np.any(np.abs(sampled - x) <= _SAME * np.maximum(np.abs(sampled), abs(x))))

    def _move_informed(self, column: int, fixed: float) -> bool:
        """Whether the records say anything about a move in T at field ``fixed`` (column 0: they hold more than
        one energy ``H₀ − h N m`` there) or in the field (column 1: more than one value of the order parameter)."""
        order_parameter = self._full.order_parameter
        values = (self._full.H0 - fixed * self.n_sites * order_parameter) if column == 0 else order_parameter
        return bool(np.ptp(values) > _SAME * np.abs(values).max())

    def _uninformed(self, T: float, field: float) -> str | None:
        """Why the records say nothing about the target ``(T, field)`` (a message naming the argument), or None.

        A sampled temperature or field needs no move; any other needs the records to vary along it.
        """
        m = self._full.order_parameter[0]
        if not self._sampled_value(field, 1) and not self._move_informed(1, T):
            return (f"order_parameter: every record has a single value m = {m:g} of the order parameter "
                    f"(a frozen or constant series): it says nothing about fields other than the sampled "
                    f"{self._sampled_values[1].tolist()}, so field = {field:g} cannot be reweighted to")
        if not self._sampled_value(T, 0) and not self._move_informed(0, field):
            energy = (self._full.H0[0] - field * self.n_sites * m) / self.n_sites
            return (f"energy_per_spin: every record has a single energy ({energy:g} per spin at field = {field:g}; "
                    f"a frozen or constant series): it says nothing about temperatures other than the sampled "
                    f"{self._sampled_values[0].tolist()}, so T = {T:g} cannot be reweighted to")
        return None

    def _trusted_interval_at(self, column: int, fixed: float) -> tuple[float, float]:
        key = (column, float(fixed))
        if key not in self._intervals:
            try:
                self._intervals[key] = self._search_interval(column, float(fixed))
            except ValueError as error:
                self._intervals[key] = error
        found = self._intervals[key]
        if isinstance(found, ValueError):
            raise ValueError(str(found))
        return found

    def _check_trusted(self, T, field) -> None:
        """Refuse every target the records do not cover: no information, too small a fraction, or outside the
        trusted interval that :meth:`trusted_temperatures` or :meth:`trusted_fields` reports."""
        for k in range(len(T)):
            reason = self._uninformed(T[k], field[k])
            if reason is not None:
                raise ValueError(reason)
        fraction = self._averages(self._full, T, field)[-1]
        bad = fraction < self.min_effective_fraction
        if bad.any():
            k = int(np.argmax(bad))
            try:
                low, high = self.trusted_temperatures(field=field[k])
                where = f"at field = {field[k]:g} values are trusted for T in [{low:.6g}, {high:.6g}]"
            except ValueError:
                where = f"no sampled temperature is trusted at field = {field[k]:g}"
            raise ValueError(
                f"T: reweighting to (T, field) = ({T[k]:g}, {field[k]:g}) is beyond the sampled histograms "
                f"(effective sample fraction {fraction[k]:.3g} < min_effective_fraction "
                f"{self.min_effective_fraction:g}); {where}")
        for k in range(len(T)):
            for column, (x, fixed) in enumerate(((T[k], field[k]), (field[k], T[k]))):
                if self._sampled_value(x, column):
                    continue
                name, other = ("T", "field") if column == 0 else ("field", "T")
                try:
                    low, high = self._trusted_interval_at(column, fixed)
                except ValueError as error:
                    raise ValueError(f"{name}: reweighting to (T, field) = ({T[k]:g}, {field[k]:g}) is outside the "
                                     f"trusted interval: {error}") from None
                slack = _SAME * max(abs(low), abs(high), abs(x))
                if not low - slack <= x <= high + slack:
                    raise ValueError(
                        f"{name}: reweighting to (T, field) = ({T[k]:g}, {field[k]:g}) is outside the trusted interval "
                        f"[{low:.6g}, {high:.6g}] of {name} at {other} = {fixed:g} (see trusted_"
                        f"{'temperatures' if column == 0 else 'fields'})")

    def reweight(self, T, field=None) -> Reweighted:
        """Thermal averages at the target points, with jackknife errors; refused outside the trusted range.

        A target is refused (``ValueError``, naming the argument and the
        reason) when the records carry no information about it (a single
        energy for a temperature that was not sampled, a single value of the
        order parameter for a field that was not), when its effective sample
        fraction is below ``min_effective_fraction``, or when it lies outside
        the interval :meth:`trusted_temperatures` (at its field) or
        :meth:`trusted_fields` (at its temperature) reports.

        Parameters
        ----------
        T : float or array_like
            Target temperatures (> 0, energy units).
        field : float or array_like, optional
            Target field amplitudes h (energy units, broadcast against ``T``);
            default the sampled field when all states share one.

        Returns
        -------
        Reweighted
        """
        T, field, shape = self._points(T, field)
        self._check_trusted(T, field)

        def averages(codes):
            return self._averages(self._histogram(codes, self.free_energies), T, field).ravel()

        value, error = jackknife(averages, self._codes, blocks=self.blocks)
        value = value.reshape(len(_QUANTITIES) + 1, -1)
        error = error.reshape(len(_QUANTITIES) + 1, -1)
        fields = {name: value[k].reshape(shape) for k, name in enumerate(_QUANTITIES)}
        fields.update({f"{name}_error": error[k].reshape(shape) for k, name in enumerate(_QUANTITIES)})
        return Reweighted(T=T.reshape(shape), field=field.reshape(shape), effective_fraction=value[-1].reshape(shape),
                          **fields)

    def _sampled(self, column: int) -> float:
        """The one sampled temperature (column 0) or field (column 1); several are a ``ValueError``."""
        values = np.unique(self.states[:, column])
        name, what = ("T", "temperatures") if column == 0 else ("field", "fields")
        if len(values) > 1:
            raise ValueError(f"{name}: the states were sampled at several {what} {values.tolist()}; name the target {name}")
        return float(values[0])

    def _search_interval(self, column: int, fixed: float) -> tuple[float, float]:
        """Outward from the extreme sampled values of ``column`` (T or field) that are trusted at the other
        coordinate ``fixed``, the last values whose effective sample fraction reaches ``min_effective_fraction``
        (to 1e-9 relative), at most the reach past them. Where the records say nothing about a move along
        ``column``, the sampled values themselves."""
        name, what = ("field", "temperature") if column == 0 else ("T", "field")
        point = (lambda x: (x, fixed)) if column == 0 else (lambda x: (fixed, x))
        reason = self._uninformed(*point(self._sampled_values[column][0]))  # the other coordinate's move
        if reason is not None:
            raise ValueError(f"{name}: no sampled {what} is trusted at {name} = {fixed:g}: {reason}")

        def gap(x):
            return self._fraction(*point(x)) - self.min_effective_fraction

        trusted = [x for x in self._sampled_values[column] if gap(x) >= 0]
        if not trusted:
            raise ValueError(f"{name}: no sampled {what} is trusted at {name} = {fixed:g}: the sampled histograms do "
                             "not reach it")
        if not self._move_informed(column, fixed):
            return float(min(trusted)), float(max(trusted))  # no move along this column: the sampled values only
        ends = []
        for start, direction in ((min(trusted), -1), (max(trusted), 1)):
            stop = start * T_REACH**direction if column == 0 else start + FIELD_REACH * fixed * direction
            ends.append(stop if gap(stop) >= 0 else scipy.optimize.brentq(gap, start, stop, xtol=1e-12, rtol=1e-9))
        return float(ends[0]), float(ends[1])

    def trusted_temperatures(self, field=None) -> tuple[float, float]:
        """The interval of T around the sampled temperatures where reweighting at ``field`` is trusted.

        Searched outward from the lowest and highest sampled temperature
        trusted at ``field`` to where the effective sample fraction falls
        below ``min_effective_fraction``, at most a factor 4 (``T_REACH``)
        beyond; gaps between widely spaced states are caught by
        :meth:`reweight`, which refuses every temperature outside this
        interval. Where the records hold a single energy (a frozen or
        constant series) they say nothing about other temperatures, and the
        interval is the sampled temperatures' range (``(T₀, T₀)`` for one
        state). A field at which no sampled temperature is trusted is a
        ``ValueError``.

        Parameters
        ----------
        field : float, optional
            The field amplitude h (energy units); default the sampled field
            when all states share one.

        Returns
        -------
        tuple of float
            ``(T_low, T_high)`` (energy units).
        """
        field = self._sampled(1) if field is None else number(field, "field")
        return self._trusted_interval_at(0, field)

    def trusted_fields(self, T=None) -> tuple[float, float]:
        """The interval of the field amplitude h around the sampled fields where reweighting at ``T`` is trusted.

        As :meth:`trusted_temperatures`, in the field: searched at most 10 T
        (``FIELD_REACH``) past the sampled fields; the sampled fields' range
        where the order parameter takes a single value.

        Parameters
        ----------
        T : float, optional
            The temperature; default the sampled temperature when all states share one.

        Returns
        -------
        tuple of float
            ``(field_low, field_high)`` (energy units).
        """
        T = self._sampled(0) if T is None else number(T, "T", low=0.0, low_open=True)
        return self._trusted_interval_at(1, T)

    def susceptibility_peak(self, T_low: float, T_high: float, field=None, *, grid: int = 64) -> Peak:
        """Maximum of the reweighted susceptibility χ(T) between ``T_low`` and ``T_high``.

        Located on a grid of ``grid`` temperatures, then refined by bounded
        scalar minimisation around the best grid point; the same search is
        repeated for every jackknife block left out. A maximum at either end
        of the interval (the peak lies outside) is a ``ValueError``.

        Parameters
        ----------
        T_low, T_high : float
            The search interval (energy units), inside the trusted range.
        field : float, optional
            The field amplitude h (energy units); default the sampled field
            when all states share one.
        grid : int
            Grid points of the first search.

        Returns
        -------
        Peak
        """
        points = self._interval(T_low, T_high, field, positive_int(grid, "grid", minimum=3))
        value, error = jackknife(lambda codes: self._peak(codes, points), self._codes, blocks=self.blocks)
        return Peak(T=float(value[0]), T_error=float(error[0]), height=float(value[1]), height_error=float(error[1]))

    def _interval(self, T_low, T_high, field, count) -> tuple[np.ndarray, np.ndarray]:
        field = self._sampled(1) if field is None else number(field, "field")
        T_low = number(T_low, "T_low", low=0.0, low_open=True)
        T_high = number(T_high, "T_high", low=0.0, low_open=True)
        if not T_low < T_high:
            raise ValueError(f"T_low, T_high: need T_low < T_high, got {T_low} and {T_high}")
        T, field, _ = self._points(np.linspace(T_low, T_high, count), field)
        self._check_trusted(T, field)
        return T, field

    def _curve(self, codes, quantity: str, field: float):
        histogram = self._histogram(codes, self.free_energies)
        row = _QUANTITIES.index(quantity)

        def curve(T):
            T = np.atleast_1d(np.asarray(T, dtype=np.float64))
            return self._averages(histogram, T, np.full_like(T, field))[row]
        return curve

    def _peak(self, codes, points) -> np.ndarray:
        T, field = points
        chi = self._curve(codes, "susceptibility", field[0])
        values = chi(T)
        k = int(np.argmax(values))
        if k in (0, len(T) - 1):
            raise ValueError(f"T_low, T_high: chi is largest at the end T = {T[k]:g} of the interval "
                             f"[{T[0]:g}, {T[-1]:g}]: the peak lies outside; widen the interval")
        lo, hi = T[max(k - 1, 0)], T[min(k + 1, len(T) - 1)]
        best = scipy.optimize.minimize_scalar(lambda t: -chi(t)[0], bounds=(lo, hi), method="bounded",
                                              options={"xatol": 1e-10 * hi})
        return np.array([best.x, -best.fun])


def _record_series(values, name: str) -> np.ndarray:
    array = finite_array(values, name).astype(np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(f"{name}: expected shape (time,) or (replica, time), got {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name}: no records (shape {np.shape(values)}): need at least one replica and one time step")
    return array


def _per_replica(values, name: str, n_replica: int, positive: bool) -> np.ndarray:
    array = finite_array(values, name).astype(np.float64)
    if array.ndim == 0:
        array = np.full(n_replica, float(array))
    if array.shape != (n_replica,):
        raise ValueError(f"{name}: expected a number or one value per replica ({n_replica}), got shape {array.shape}")
    if positive and np.any(array <= 0):
        raise ValueError(f"{name}: temperatures must be > 0, got {array[array <= 0][:3].tolist()}")
    return array


def histograms(energy_per_spin, order_parameter, *, T, n_sites: int, field=0.0, blocks: int = 20,
               min_effective_fraction: float = MIN_EFFECTIVE_FRACTION) -> Histograms:
    """Collect energy and order-parameter series for reweighting to other temperatures and fields.

    Parameters
    ----------
    energy_per_spin : array_like
        ``(replica, time)`` or ``(time,)``: H/N of each recorded configuration,
        with the field term at the replica's own field (as :func:`isinghop.montecarlo.sample` records it).
    order_parameter : array_like
        The order parameter m conjugate to ``field``, same shape: the
        magnetisation for a uniform field, or the overlap ``m_ξ`` with the
        pattern the field lies along.
    T : float or array_like
        Temperature of each replica (> 0); replicas at one ``(T, field)`` pool into one state.
        A Tempering's ladder and series fit directly: its ``magnetisation``
        for a uniform field, its ``overlaps[..., k]`` (``record="overlaps"``)
        for a field along pattern k.
    n_sites : int
    field : float or array_like
        The field amplitude h of each replica (energy units, default 0): the
        site fields are ``h_i = h`` (uniform) or ``h_i = h ξ_i`` (along the pattern ξ).
    blocks : int
        Jackknife blocks along the time axis (each should be much longer than τ_int).
    min_effective_fraction : float
        Least effective sample fraction of a trusted value, in (0, 1].

    Returns
    -------
    Histograms
        Several sampled states are joined by MBAR (pymbar).
    """
    energy = _record_series(energy_per_spin, "energy_per_spin")
    order_parameter = _record_series(order_parameter, "order_parameter")
    if order_parameter.shape != energy.shape:
        raise ValueError(f"order_parameter: shape {order_parameter.shape} differs from energy_per_spin's "
                         f"{energy.shape}")
    n_sites = positive_int(n_sites, "n_sites")
    for name, values in (("energy_per_spin", energy), ("order_parameter", order_parameter)):
        if np.abs(values).max() > _LARGEST_TOTAL / n_sites:
            raise ValueError(f"{name}: records up to {np.abs(values).max():g} times n_sites = {n_sites} exceed "
                             f"{_LARGEST_TOTAL:g}, beyond what reweighting factors exp(−ΔβE) can hold in float64")
    blocks = positive_int(blocks, "blocks", minimum=2)
    if energy.shape[1] < blocks:
        raise ValueError(f"blocks: each series has {energy.shape[1]} records, fewer than blocks = {blocks}")
    min_effective_fraction = number(min_effective_fraction, "min_effective_fraction", low=0.0, high=1.0,
                                    low_open=True)
    replica_T = _per_replica(T, "T", energy.shape[0], positive=True)
    replica_field = _per_replica(field, "field", energy.shape[0], positive=False)
    return Histograms(energy, order_parameter, replica_T, replica_field, n_sites, blocks, min_effective_fraction)


def binder_crossing(small: Histograms, large: Histograms, T_low: float, T_high: float, field=None) -> Crossing:
    """Temperature where the reweighted Binder cumulants of two sizes cross, and U₄ there.

    The root of ``U₄,small(T) − U₄,large(T)`` in ``[T_low, T_high]`` (Brent),
    found again for every jackknife block left out of both runs together
    (they are independent, so pairing their blocks is allowed).

    Parameters
    ----------
    small, large : Histograms
        The two sizes (same number of jackknife blocks).
    T_low, T_high : float
        A bracket of the crossing inside both trusted ranges.
    field : float, optional
        The field amplitude h (energy units); default the sampled field when
        all states share one.

    Returns
    -------
    Crossing
    """
    if not isinstance(small, Histograms) or not isinstance(large, Histograms):
        raise TypeError("small, large: expected Histograms from isinghop.stats.reweighting.histograms")
    if small is large or small.n_sites == large.n_sites:
        raise ValueError(f"large: the two histograms must be of two sizes, got N = {small.n_sites} twice")
    if field is None and small._sampled(1) != large._sampled(1):
        raise ValueError(f"field: the sizes were sampled at fields {small._sampled(1)} and {large._sampled(1)}; "
                         "name the field")
    if small.blocks != large.blocks:
        raise ValueError(f"large: jackknife blocks differ ({small.blocks} and {large.blocks}); build both with one blocks")
    points = [hist._interval(T_low, T_high, field, 3) for hist in (small, large)]
    ends = (points[0][0][0], points[0][0][-1])
    target_field = points[0][1][0]

    def crossing(codes_small, codes_large):
        u_small = small._curve(codes_small, "binder", target_field)
        u_large = large._curve(codes_large, "binder", target_field)
        gap = lambda t: (u_small(t) - u_large(t))[0]  # noqa: E731
        if not gap(ends[0]) * gap(ends[1]) < 0:
            raise ValueError(f"T_low, T_high: the Binder cumulants do not cross between {ends[0]:g} and {ends[1]:g}")
        T = scipy.optimize.brentq(gap, *ends, xtol=1e-12, rtol=1e-10)
        return np.array([T, 0.5 * (u_small(T)[0] + u_large(T)[0])])

    value, error = jackknife(crossing, small._codes, large._codes, blocks=small.blocks)
    return Crossing(T=float(value[0]), T_error=float(error[0]), binder=float(value[1]), binder_error=float(error[1]))


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
