"""The fluctuation formulas shared by the estimators, the reweighting and the mean-field theory (private).

Each takes moments already averaged, in any broadcastable shapes, and validates nothing.
"""


def binder_from_moments(m2, m4):
    """``U₄ = 1 − ⟨m⁴⟩ / (3 ⟨m²⟩²)`` (dimensionless)."""
    return 1.0 - m4 / (3.0 * m2**2)


def susceptibility_from_moments(beta, n_sites: int, m2, abs_m):
    """``χ = β N (⟨m²⟩ − ⟨|m|⟩²)`` (inverse energy units)."""
    return beta * n_sites * (m2 - abs_m**2)


def specific_heat_from_variance(beta, n_sites: int, variance):
    """``C = β² N Var(e)`` of the energy per spin e (dimensionless)."""
    return beta**2 * n_sites * variance
