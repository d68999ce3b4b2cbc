"""Replica-symmetric AGS theory of the Hopfield model and the α = 0 mixture states, against closed
forms, limits and independent numerical routes."""

import numpy as np
import pytest

from isinghop.theory import meanfield as mf


def test_capacity_at_zero_temperature_is_0_1379():
    """max_y ((erf y − 2y e^(−y²)/√π)/(√2 y))²; we get 0.1379056 (AGS: 0.138)."""
    capacity = mf.ags_capacity(0.0)
    assert round(capacity, 4) == 0.1379
    assert mf.ags_zero_temperature(capacity * (1 - 1e-9)).exists
    assert not mf.ags_zero_temperature(capacity * (1 + 1e-9)).exists


def test_zero_temperature_overlap_from_two_routes():
    """Closed T = 0 form against the finite-T equations at T = 0.005, 0.0025, 0.00125, extrapolated
    with m(T) = m₀ + bT + cT² (q = 1 − CT makes the first correction linear)."""
    exact = mf.ags_zero_temperature(0.1)
    temperatures = np.array([0.005, 0.0025, 0.00125])
    overlaps = np.array([mf.ags(0.1, T).m[0] for T in temperatures])
    energies = np.array([mf.ags(0.1, T).free_energy[0] for T in temperatures])
    fit = np.polyfit(temperatures, overlaps, 2)
    assert fit[-1] == pytest.approx(exact.m, abs=1e-6)
    assert np.polyfit(temperatures, energies, 2)[-1] == pytest.approx(exact.energy, abs=1e-6)
    assert exact.wrong_bits == pytest.approx((1 - exact.m) / 2)
    assert 0.001 < exact.wrong_bits < 0.0011  # about 0.1 % of the bits at α = 0.1


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.5])
def test_spin_glass_temperature_from_the_slope_of_the_q_map(alpha):
    """T_g is where Φ(q) = ⟨tanh² β√(αr(q)) z⟩, r = q/(1 − β(1 − q))², has slope 1 at q = 0. The slope
    is taken from the Gaussian averages at q = 1e-5 and 5e-6, Richardson-extrapolated (error O(q²))."""
    from scipy.optimize import brentq

    def slope(T):
        beta = 1 / T
        ratios = []
        for q in (1e-5, 5e-6):
            C = beta * (1 - q)
            _, _, sigma, averages = mf._ags_state(0.0, C, alpha, beta)
            ratios.append((1 - averages["sech2"]) / q)  # ⟨tanh²⟩ = 1 − ⟨sech²⟩
        return 2 * ratios[1] - ratios[0] - 1

    found = brentq(slope, 1.0 + 1e-6, 3.0, xtol=1e-13)
    assert found == pytest.approx(float(mf.spin_glass_temperature(alpha)), abs=1e-8)
    below, above = mf.ags(alpha, found - 1e-4), mf.ags(alpha, found + 1e-4)
    assert below.q[2] > 0 and np.isnan(above.q[2])


@pytest.mark.parametrize("T", [0.3, 0.7, 0.95])
def test_vanishing_load_gives_curie_weiss(T):
    branches = mf.ags(1e-10, T)
    cw = mf.curie_weiss(T)
    top = np.nanargmax(cw.m)
    assert branches.m[0] == pytest.approx(cw.m[top], abs=1e-8)
    assert branches.free_energy[0] == pytest.approx(cw.free_energy[top], abs=1e-8)


def test_no_retrieval_branch_above_capacity_and_melting_temperature():
    for T in (0.02, 0.1, 0.3):
        assert np.isnan(mf.ags(0.15, T).m[:2]).all()  # above every α_c(T), re-entrance included (≤ 0.1382)
    # just above α_c(0) the RS line is re-entrant: retrieval at T = 0.02 but not at T = 0
    assert not mf.ags_zero_temperature(0.1381).exists and np.isfinite(mf.ags(0.1381, 0.02).m[0])
    assert mf.ags_capacity(0.02) > mf.ags_capacity(0.0)
    t_m = mf.ags_retrieval_temperature(0.1)
    assert np.isfinite(mf.ags(0.1, t_m - 1e-3).m[0]) and np.isnan(mf.ags(0.1, t_m + 1e-3).m[0])
    # the two searches meet: α_c(T_M(α)) = α
    assert mf.ags_capacity(t_m) == pytest.approx(0.1, abs=2e-4)
    # T_M → 1 − 1.95√α as α → 0 (AGS 1987); at α = 0.001 the next order is below 0.01
    assert mf.ags_retrieval_temperature(0.001) == pytest.approx(1 - 1.95 * np.sqrt(0.001), abs=0.01)


def test_every_returned_solution_solves_the_equations():
    for alpha, T in ((0.05, 0.1), (0.1, 0.25), (0.02, 0.7), (0.3, 1.2)):
        b = mf.ags(alpha, T)
        for k in range(3):
            if np.isfinite(b.m[k]):
                C = (1 - b.q[k]) / T
                assert np.abs(mf._ags_residual((b.m[k], C), alpha, 1 / T)).max() < 1e-10
                assert b.r[k] == pytest.approx(b.q[k] / (1 - C) ** 2)


def test_retrieval_is_the_global_minimum_only_at_low_load():
    """AGS: below α ≈ 0.051 the retrieval state has a lower free energy than the spin glass at low T."""
    low, high = mf.ags(0.03, 0.1), mf.ags(0.1, 0.1)
    assert low.free_energy[0] < low.free_energy[2]
    assert high.free_energy[0] > high.free_energy[2]


def test_global_minimum_line_and_almeida_thouless_line():
    """AGS 1987: the retrieval state is the global minimum below α ≈ 0.051 at T = 0; the RS
    retrieval state breaks replica symmetry only at temperatures far below T_M: at α = 0.13
    (T_M = 0.149) it is unstable at T = 0.005 and stable from T = 0.015 on."""
    assert 0.050 < mf.ags_global_retrieval_load(0.0) < 0.053
    assert not mf.ags(0.13, 0.005).at_stable[0]
    assert mf.ags(0.13, 0.015).at_stable[0] and mf.ags(0.13, 0.1).at_stable[0]
    # small loads: the asymptote √(8α/9π) e^(−1/(2α)), far below 1e-3
    assert mf.ags_almeida_thouless_temperature(0.05) == pytest.approx(np.sqrt(0.4 / (9 * np.pi)) * np.exp(-10))
    assert np.isnan(mf.ags_almeida_thouless_temperature(0.2))


def test_global_minimum_line_moves_down_with_temperature():
    t_at = mf.ags_almeida_thouless_temperature(0.13)
    assert 0.005 < t_at < 0.015
    assert mf.ags_global_retrieval_load(0.3) < mf.ags_global_retrieval_load(0.0)


def test_mixture_states_at_zero_load():
    three = mf.mixture_state(3, 0.0)
    assert three.m == 0.5 and three.free_energy == -3 / 8  # ⟨|ξ¹ + ξ² + ξ³|⟩ = 3/2
    assert mf.mixture_state(3, 0.01).m == pytest.approx(0.5, abs=1e-12)
    assert mf.mixture_state(5, 0.0).free_energy == pytest.approx(-5 * (3 / 8) ** 2 / 2)
    t3, t5 = mf.mixture_stability_temperature(3), mf.mixture_stability_temperature(5)
    assert t3 == pytest.approx(0.46, abs=0.005)  # AGS 1985: 0.46
    assert t5 == pytest.approx(0.385, abs=0.005)  # and 0.385
    assert mf.mixture_state(3, t3 - 0.01).stable and not mf.mixture_state(3, t3 + 0.01).stable
    assert mf.mixture_stability_temperature(2) == 0.0 and not mf.mixture_state(2, 0.2).stable


def test_small_loads_keep_both_retrieval_branches():
    """α = 1e-6: the T = 0 saddle sits at m = erf(y_small) ≈ 0.05; the finite-T solver finds it."""
    assert mf.ags_zero_temperature(1e-4).m == pytest.approx(1.0)
    branches = mf.ags(1e-6, 1e-3)
    assert branches.m[0] == pytest.approx(1.0) and 0.01 < branches.m[1] < 0.1


def test_bad_ags_input():
    with pytest.raises(ValueError, match="^alpha"):
        mf.ags(0.0, 0.5)
    with pytest.raises(ValueError, match="^T"):
        mf.ags(0.1, 0.0)
    with pytest.raises(ValueError, match="^alpha"):
        mf.ags_zero_temperature(-0.1)
    with pytest.raises(ValueError, match="^n: at most 15"):
        mf.mixture_state(16, 0.1)
    with pytest.raises(ValueError, match="^name"):
        mf.ags(0.1, 0.5).branch("ferromagnet")
