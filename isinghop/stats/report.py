"""The report types of study findings: numbers with errors, and claims the data can make false.

A study's ``findings`` return :class:`Number` (a value, its standard error,
its unit and the number of independent samples it comes from) and
:class:`Claim` (a sentence chosen by the data, and whether the comparison
holds); :mod:`isinghop.paper` prints them. Every comparison of simulation
with theory is a test of size :data:`SIZE` (three normal standard errors,
two-sided; Student's t where an error comes from few samples), and values
print with the rounding of the Particle Data Group (two significant digits
of the error, or one from 355 up).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Number", "Claim", "SIZE", "MINUS", "SUPERSCRIPTS", "format_value", "agreement", "chi2_agreement", "combined_p_value", "mean_error"]

MINUS = "\u2212"
SUPERSCRIPTS = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def format_value(value: float, error: float | None = None, digits: int = 4) -> str:
    """``value ± error`` rounded as the error allows, or ``value`` to ``digits`` significant digits.

    The error keeps two significant digits when its leading digits are
    below 355, else one (the Particle Data Group's rule); the value is
    rounded to the same decimal place. Negative numbers get a true minus.

    Returns
    -------
    str
        E.g. ``"0.9515 ± 0.0006"``, ``"0.138 ± 0.012"``, ``"−0.375"``, ``"8.7 × 10⁻⁹"``.
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value: expected a finite number, got {value!r}")
    if error is not None and not (math.isfinite(float(error)) and float(error) >= 0):
        raise ValueError(f"error: expected a finite non-negative number or None, got {error!r}")
    if error is None or float(error) == 0:
        if value != 0 and abs(value) < 1e-3:
            mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
            mantissa = mantissa.rstrip("0").rstrip(".")  # as the plain format: 2.5e-5 is not 2.500e-5
            return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPTS)}".replace("-", MINUS)
        text = f"{value:.{digits}g}"
        return (f"{value:.0f}" if "e" in text else text).replace("-", MINUS)
    decimals, quantum = _rounding(float(error))
    rounded_error = round(float(error) / quantum) * quantum
    rounded_value = round(value / quantum) * quantum
    return f"{rounded_value:.{decimals}f} ± {rounded_error:.{decimals}f}".replace("-", MINUS)


def _rounding(error: float) -> tuple[int, float]:
    """Decimal places and rounding quantum of a value with this (positive) error, by the PDG rule."""
    exponent = math.floor(math.log10(error))
    leading = round(error / 10 ** (exponent - 2))
    if leading >= 950:
        exponent, leading = exponent + 1, 100
    significant = 2 if leading < 355 else 1
    return max(significant - 1 - exponent, 0), 10.0 ** (exponent - significant + 1)


@dataclass(frozen=True)
class Number:
    """A number the paper quotes: its value, its standard error (``None``: exact or theory), its unit.

    Attributes
    ----------
    value : float
        The value.
    error : float or None
        One standard error (from independent disorder samples or the
        statistics of a chain); ``None`` for exact and theoretical values.
    unit : str
        Text after the number (e.g. ``"%"`` or ``"s"``); empty for pure numbers.
    digits : int
        Significant digits when there is no error.
    samples : int or None
        The number of independent samples the error was estimated from
        (comparisons then use Student's t with ``samples − 1`` degrees of
        freedom); ``None``: the error is known.
    """

    value: float
    error: float | None = None
    unit: str = ""
    digits: int = 4
    samples: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "value", float(self.value))
        if self.error is not None:
            object.__setattr__(self, "error", float(self.error))
        format_value(self.value, self.error, self.digits)  # refuses NaN and infinities now

    @property
    def text(self) -> str:
        """The number as the paper prints it, with its error and unit."""
        number = format_value(self.value, self.error, self.digits)
        if self.error is not None and self.unit:
            number = f"({number})"
        return f"{number}\u2009{self.unit}" if self.unit else number


@dataclass(frozen=True)
class Claim:
    """A statement comparing simulation with theory whose wording the data choose.

    Attributes
    ----------
    holds : bool
        Whether the data support the claim.
    text : str
        The sentence that is true of the data (the claim, or its negation).
    """

    holds: bool
    text: str


def mean_error(data, dim: str = "sample") -> Number:
    """Mean over independent samples along ``dim`` and its standard error, as a :class:`Number`.

    Returns
    -------
    Number
        ``mean ± std(ddof=1)/√n`` over the ``dim`` axis of ``data`` (an
        ``xarray.DataArray``; every other axis averaged first), with
        ``samples = n``, by :func:`isinghop.stats.finite_size.sample_mean_error`:
        NaN samples are missing and do not count; the error is 0 when the
        samples agree to rounding. Fewer than 2 samples present, or an
        infinite one, is a ``ValueError``.
    """
    from isinghop.stats.finite_size import sample_mean_error

    if dim not in data.dims:
        raise ValueError(f"dim: {dim!r} is not a dimension of the data (dims {tuple(data.dims)})")
    others = [name for name in data.dims if name != dim]
    per_sample = data.mean(others) if others else data
    infinite = np.isinf(np.asarray(per_sample, dtype=float))
    if infinite.any():
        raise ValueError(f"data: {int(infinite.sum())} sample(s) along {dim!r} are infinite: no mean to quote")
    mean, error, count = (float(part) for part in sample_mean_error(per_sample.astype(float), dim))
    if count < 2:
        raise ValueError(f"data: need two or more finite samples along {dim!r} for an error, got {int(count)}")
    return Number(mean, error, samples=int(count))


#: Two-sided tail probability of 3 normal standard errors: the size of every test of the paper's claims.
SIZE = 0.0027


def _tail(z: float, samples: int | None) -> float:
    """Two-sided p-value of ``z`` standard errors: normal, or Student's t with ``samples − 1`` degrees of freedom."""
    from scipy import stats

    return float(2 * (stats.norm.sf(z) if samples is None else stats.t.sf(z, samples - 1)))


def agreement(measured: Number, theory: float, what: str) -> Claim:
    """Does ``measured`` agree with ``theory``? A two-sided test of size :data:`SIZE` (3σ for a known error).

    With an error estimated from ``measured.samples`` samples the tail is
    Student's t with ``samples − 1`` degrees of freedom.

    Returns
    -------
    Claim
        ``"agrees with WHAT (θ): z = …, p = …"``, or ``"differs from WHAT (θ)
        by z standard errors (p = …)"``.
    """
    if measured.error is None or not measured.error > 0:
        raise ValueError(f"measured: a comparison with theory needs an error, got {measured!r}")
    z = abs(measured.value - float(theory)) / measured.error
    p_value = _tail(z, measured.samples)
    # the theory to at least the decimals of the measurement: 0.99800 beside 0.99803 ± 0.00007, not 0.998
    reference = f"{what} ({_at_least(theory, _rounding(measured.error)[0])})"
    if p_value >= SIZE:
        return Claim(True, f"agrees with {reference}: z = {z:.1f}, p = {format_value(p_value, digits=2)}")
    return Claim(False, f"differs from {reference} by {z:.1f} standard errors (p = {format_value(p_value, digits=2)})")


def _at_least(theory: float, decimals: int) -> str:
    """``theory`` to 4 significant digits, or to ``decimals`` places where that shows more."""
    text = format_value(theory)
    shown = len(text.partition(".")[2]) if "×" not in text else decimals
    return text if shown >= decimals else f"{float(theory):.{decimals}f}".replace("-", MINUS)


def chi2_agreement(values, errors, theory, what: str, *, samples: int | None = None) -> Claim:
    """Do the independent ``values`` (standard ``errors``) agree with ``theory`` as a whole?

    Each residual ``z = (value − theory)/error`` is turned into the normal
    deviate of equal tail probability (Student's t with ``samples − 1``
    degrees of freedom when each error comes from ``samples`` samples), and
    their squares summed: a χ² with one degree of freedom per finite value.
    The claim holds when its p-value is at least :data:`SIZE`. The values
    must be independent (e.g. different sizes, or different disorder).

    Returns
    -------
    Claim
        ``"agree with WHAT: χ² = … for k values (p = …)"``, or ``"disagree …"``.
    """
    from scipy import stats

    values, errors, theory = (np.asarray(a, dtype=float) for a in _aligned(values, errors, theory))
    keep = np.isfinite(values) & np.isfinite(theory) & np.isfinite(errors) & (errors > 0)
    if not keep.any():
        raise ValueError("values: no finite value with a positive error to compare")
    z = np.abs(values - theory)[keep] / errors[keep]
    normal = z if samples is None else stats.norm.isf(stats.t.sf(z, samples - 1))
    statistic = float((normal ** 2).sum())
    p_value = float(stats.chi2.sf(statistic, keep.sum()))
    verb = "agree with" if p_value >= SIZE else "disagree with"
    return Claim(p_value >= SIZE, f"{verb} {what}: χ² = {statistic:.1f} for {keep.sum()} values "
                                  f"(p = {format_value(p_value, digits=2)})")


def _aligned(*arrays):
    """The arrays broadcast against each other: by dimension name for xarray objects, else by position."""
    import xarray as xr

    if all(isinstance(a, xr.DataArray) for a in arrays):
        return [a.values for a in xr.broadcast(*arrays)]
    return np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in arrays))


def combined_p_value(p_values, what: str) -> Claim:
    """Fisher's combination of independent tests' p-values; the claim holds when it is at least :data:`SIZE`.

    A p-value of exactly 1 (a test left with fewer than two categories) is
    no test, and is left out.

    Returns
    -------
    Claim
        ``"WHAT: Fisher's combination of the k tests gives p = …"``, worded
        as consistent or not.
    """
    from scipy.stats import combine_pvalues

    p_values = np.asarray(p_values, dtype=float).ravel()
    p_values = p_values[np.isfinite(p_values) & (p_values < 1.0)]
    if p_values.size == 0:
        raise ValueError("p_values: none is a finite test below 1")
    combined = float(combine_pvalues(p_values, method="fisher").pvalue)
    verdict = "consistent with" if combined >= SIZE else "inconsistent with"
    return Claim(combined >= SIZE, f"are {verdict} {what} (Fisher's combination of the {p_values.size} tests: "
                                   f"p = {format_value(combined, digits=2)})")


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
