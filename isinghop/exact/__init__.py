"""Exact methods for small networks: every one of the 2^N states, no statistical error.

* :mod:`isinghop.exact.enumeration` — energies, the Boltzmann distribution,
  ln Z, thermal averages and P(q), ground states, fixed points,
  exact Monte Carlo sweep matrices and their stationary laws;
* :mod:`isinghop.exact.transitions` — state-transition graphs of the
  zero-temperature dynamics, their Markov matrices, absorption and basins;
* :mod:`isinghop.exact.landscape` — local minima, barriers and the
  disconnectivity tree of the energy.

Every name is available here (``ih.exact.sweep_matrix``); the most used are
re-exported by the top-level package.
"""

from isinghop.exact import enumeration, landscape, transitions
from isinghop.exact.enumeration import (
    MAX_SITES, MAX_INDEX_SITES, MAX_MATRIX_SITES, MAX_MATRIX_BYTES, GROUND_STATE_RTOL, STOCHASTIC_ATOL, ExactAverages,
    state_spins, state_index, energies, log_partition_function, free_energy, boltzmann, thermal_averages,
    replica_overlap_distribution, ground_states, fixed_points, sweep_matrix, equilibration_sweeps,
    sweep_matrix_bytes, stationary_distribution,
)
from isinghop.exact.transitions import (
    MAX_GRAPH_SITES, transition_graph, transition_matrix, Absorption, absorption, basin_fractions,
)
from isinghop.exact.landscape import (
    Landscape, energy_landscape, label_minima,
)

__all__ = [
    "enumeration",
    "transitions",
    "landscape",
    *enumeration.__all__,
    *transitions.__all__,
    *landscape.__all__,
]


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
