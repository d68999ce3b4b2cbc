"""Theory: closed forms and mean-field solutions to set beside simulation.

* :mod:`isinghop.theory.meanfield` — Curie–Weiss (infinite and finite N),
  the replica-symmetric AGS theory of the Hopfield model, mixture states;
* :mod:`isinghop.theory.graded` — the graded-response single neuron and
  network (deterministic ODEs);
* :mod:`isinghop.theory.torus` — Kaufman's exact solution of the Ising model
  on the L × L torus.

Every name is available here (``ih.theory.ags``).
"""

from isinghop.theory import graded, meanfield, torus
from isinghop.theory.meanfield import (
    CurieWeissBranches, FiniteCurieWeiss, curie_weiss, curie_weiss_spinodal, curie_weiss_binder_crossing,
    AGS_BRANCHES, AGSBranches,
    AGSZeroTemperature, MixtureState, ags, ags_zero_temperature, ags_capacity, ags_retrieval_temperature,
    ags_global_retrieval_load, ags_almeida_thouless_temperature, spin_glass_temperature, mixture_state,
    mixture_stability_temperature, curie_weiss_finite,
)
from isinghop.theory.graded import (
    NeuronFixedPoints, neuron_fixed_points, neuron_velocity, PulseTrain, neuron_trajectory, GradedTrajectory,
    graded_trajectory, graded_fixed_point, origin_growth_rate, largest_coupling_eigenvalue,
)
from isinghop.theory.torus import (
    ising_torus_log_partition, ising_torus_thermodynamics,
)

__all__ = [
    "meanfield",
    "graded",
    "torus",
    *meanfield.__all__,
    *graded.__all__,
    *torus.__all__,
]


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
