"""isinghop: Hopfield networks as Ising Hamiltonians.

``H(s) = −½ Σ_{i≠j} J_ij s_i s_j − Σ_i h_i s_i`` with spins ±1, k_B = 1; the
Hopfield threshold is θ = −h. See :mod:`isinghop.model` for every convention.
"""

from isinghop._version import __version__
from isinghop.dynamics import Relaxation, relax
from isinghop.exact import (
    ExactAverages,
    boltzmann,
    energies,
    fixed_points,
    basin_fractions,
    free_energy,
    ground_states,
    log_partition_function,
    stationary_distribution,
    sweep_matrix,
    replica_overlap_distribution,
    state_index,
    state_spins,
    thermal_averages,
)
from isinghop.learning import balanced_patterns, correlated_patterns, covariance_rule, hebbian, pseudo_inverse, random_patterns, storkey
from isinghop import exact, io, observables, paper, runtime, stats, theory, vocabulary, viz
from isinghop.theory.torus import ising_torus_log_partition, ising_torus_thermodynamics
from isinghop.viz.playground import playground
from isinghop.montecarlo import Chain, FieldSweep, Tempering, geometric_anneal, linear_anneal, sample, sweep_field, tempering
from isinghop.couplings import DenseCouplings, PatternCouplings, SparseCouplings
from isinghop.model import (
    IsingModel,
    delta_energy,
    dense_model,
    energy,
    h_from_theta,
    local_fields,
    sparse_model,
    square_lattice,
    theta_from_h,
    to_dense,
)
from isinghop.rng import as_generator, replica_states
from isinghop.io.models import load_model, save_model
from isinghop.runtime import Checkpoint, Config, Study, load_store, load_study, run_study, store_status
from isinghop.exact.transitions import Absorption, absorption, transition_graph, transition_matrix
from isinghop.viz.diagrams import draw_transition_graph
from isinghop.spins import (
    as_spins,
    flip_fraction,
    from_binary,
    invert,
    invert_region,
    mask_block,
    random_spins,
    to_binary,
)

__all__ = [
    "__version__",
    # model
    "IsingModel",
    "DenseCouplings",
    "SparseCouplings",
    "PatternCouplings",
    "dense_model",
    "sparse_model",
    "square_lattice",
    "energy",
    "local_fields",
    "delta_energy",
    "to_dense",
    "h_from_theta",
    "theta_from_h",
    "save_model",
    "load_model",
    # zero-temperature dynamics
    "relax",
    "Relaxation",
    "transition_graph",
    "transition_matrix",
    "absorption",
    "Absorption",
    "draw_transition_graph",
    # Monte Carlo
    "sample",
    "Chain",
    "tempering",
    "Tempering",
    "sweep_field",
    "FieldSweep",
    "linear_anneal",
    "geometric_anneal",
    "observables",
    "io",
    "viz",
    "exact",
    "theory",
    "stats",
    "runtime",
    "paper",
    "playground",
    "vocabulary",
    # learning
    "hebbian",
    "covariance_rule",
    "pseudo_inverse",
    "storkey",
    "random_patterns",
    "balanced_patterns",
    "correlated_patterns",
    # spins
    "as_spins",
    "from_binary",
    "to_binary",
    "random_spins",
    "flip_fraction",
    "mask_block",
    "invert",
    "invert_region",
    # exact enumeration
    "ExactAverages",
    "state_spins",
    "state_index",
    "energies",
    "log_partition_function",
    "free_energy",
    "boltzmann",
    "thermal_averages",
    "replica_overlap_distribution",
    "ground_states",
    "fixed_points",
    "basin_fractions",
    "sweep_matrix",
    "stationary_distribution",
    # theory
    "ising_torus_log_partition",
    "ising_torus_thermodynamics",
    # studies
    "Study",
    "Config",
    "Checkpoint",
    "run_study",
    "load_study",
    "load_store",
    "store_status",
    # randomness
    "as_generator",
    "replica_states",
]


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
