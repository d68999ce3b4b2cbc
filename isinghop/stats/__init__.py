"""Statistics of simulation data: Monte Carlo errors, disorder averages and finite sizes, reweighting, reports.

* :mod:`isinghop.stats.errors` — autocorrelation, integrated times, standard
  errors of correlated series, jackknife, binomial errors, equilibration
  checks, χ² of counts against exact probabilities;
* :mod:`isinghop.stats.finite_size` — means over disorder samples, level
  crossings, extrapolation in the system size;
* :mod:`isinghop.stats.reweighting` — single- and multi-histogram
  reweighting in T and h;
* :mod:`isinghop.stats.report` — the :class:`~isinghop.stats.report.Number`
  and :class:`~isinghop.stats.report.Claim` of study findings.

Every name is available here (``ih.stats.jackknife``).
"""

from isinghop.stats import errors, finite_size, report, reweighting
from isinghop.stats.errors import (
    AutocorrelationError, ReplicaDisagreementError, REPLICA_P_VALUE, autocorrelation, integrated_time,
    standard_error, jackknife, binomial_error, EquilibrationCheck, compare_starts, HalfChainCheck,
    compare_halves, distribution_p_value,
)
from isinghop.stats.finite_size import (
    disorder_average, disorder_jackknife, level_crossing, curves_crossing, extrapolate_in_size, sample_mean_error,
)
from isinghop.stats.reweighting import (
    Histograms, Reweighted, Peak, Crossing, histograms, binder_crossing, MIN_EFFECTIVE_FRACTION, T_REACH, FIELD_REACH,
)
from isinghop.stats.report import (
    Number, Claim, SIZE, MINUS, SUPERSCRIPTS, format_value, agreement, chi2_agreement, combined_p_value,
    mean_error,
)

__all__ = [
    "errors",
    "finite_size",
    "reweighting",
    "report",
    *errors.__all__,
    *finite_size.__all__,
    *reweighting.__all__,
    *report.__all__,
]


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
