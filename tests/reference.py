"""Slow, obviously correct NumPy/Python references for the compiled kernels.

They recompute every field from scratch (``J_raw[i] @ s``) and draw the same
random numbers from a pure-Python xoshiro256**, so a kernel can be compared
with them trajectory by trajectory, bit for bit, on integer couplings.
"""

import math

import numpy as np

MASK = (1 << 64) - 1
SCHEDULES = ("synchronous", "sequential", "permutation", "random")


class Xoshiro256:
    """xoshiro256** with Python integers (Blackman & Vigna's reference code)."""

    def __init__(self, state):
        self.s = [int(word) for word in state]

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & MASK  # noqa: E731
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def below(self, n):
        """Lemire's unbiased multiply-shift on the top 32 bits."""
        product = (self.next() >> 32) * n
        if (product & 0xFFFFFFFF) < n:
            threshold = ((1 << 32) - n) % n
            while (product & 0xFFFFFFFF) < threshold:
                product = (self.next() >> 32) * n
        return product >> 32

    def coin(self):
        return 1 if self.next() >> 63 else -1

    def state(self):
        return np.array(self.s, dtype=np.uint64)


def reference_sweep(rng, s, schedule, order, new_value):
    """One sweep by definition: N single-site updates in the schedule's order (the permutation shuffled
    Fisher–Yates from the top, random sites drawn per attempt), or one synchronous step of every site
    from the old state. ``new_value(i)`` reads the current ``s``. Returns the spins and how many changed."""
    n = len(s)
    if schedule == "synchronous":
        new = np.array([new_value(i) for i in range(n)])
        return new, int(np.sum(new != s))
    sites = list(range(n))
    if schedule == "permutation":
        for i in range(n - 1, 0, -1):
            j = rng.below(i + 1)
            sites[i], sites[j] = sites[j], sites[i]
    changed = 0
    for attempt in range(n):
        i = rng.below(n) if schedule == "random" else (order[attempt] if schedule == "sequential" else sites[attempt])
        value = new_value(i)
        if value != s[i]:
            s[i] = value
            changed += 1
    return s, changed


def reference_relax(J_raw, scale, h, spins, *, schedule, tie, order, max_sweeps, states, tol,
                    detect_cycles, patterns, record_energy):
    """Zero-temperature dynamics by definition; returns a dict of the Relaxation fields."""
    J_raw = np.asarray(J_raw, dtype=np.int64)
    diagonal = np.diag(J_raw).astype(np.float64)
    hs = scale * np.asarray(h, dtype=np.float64)
    n_replica, n = spins.shape
    out = {key: [] for key in ("spins", "sweeps", "status", "free", "cycle_length", "flips", "energy",
                               "overlaps", "rng_state")}
    for r in range(n_replica):
        rng = Xoshiro256(states[r])
        s = spins[r].astype(np.int64).copy()

        def u(i):
            return float(J_raw[i] @ s) + hs[i]

        def new_value(i):
            field = u(i)
            if field > tol * scale:
                return 1
            if field < -tol * scale:
                return -1
            if tie == "keep":
                return s[i]
            if tie == "up":
                return 1
            if tie == "down":
                return -1
            if tie == "flip":
                return -s[i]
            return rng.coin()

        def status():
            fields = np.array([u(i) for i in range(n)])
            zero = np.abs(fields) <= tol * scale
            aligned = np.where(zero, True, np.sign(fields) == s)
            if tie == "up":
                aligned &= ~zero | (s == 1)
            if tie == "down":
                aligned &= ~zero | (s == -1)
            if not aligned.all():
                return "running", np.zeros(n, bool)
            if tie in ("flip", "random") and zero.any():
                return "settled", zero
            return "converged", np.zeros(n, bool)

        def energy():
            # numerator exact for integer couplings and hs; one division, as H = -(s.Js/2 + h.s)
            return -(0.5 * (s @ (J_raw @ s) - diagonal.sum()) + hs @ s) / scale

        energies = [energy()]
        overlaps = [patterns @ s / n]
        history = [tuple(s)]
        flips = 0
        cycle = 0
        state, free = status()
        sweep = 0
        while state == "running" and sweep < max_sweeps:
            sweep += 1
            s, changed = reference_sweep(rng, s, schedule, order, new_value)
            flips += changed
            energies.append(energy())
            overlaps.append(patterns @ s / n)
            state, free = status()
            if state == "running" and detect_cycles and tuple(s) in history:
                cycle = sweep - (len(history) - 1 - history[::-1].index(tuple(s)))
                state = "cycle"
            history.append(tuple(s))
        out["spins"].append(s.astype(np.int8))
        out["sweeps"].append(sweep)
        out["status"].append(state)
        out["free"].append(free)
        out["cycle_length"].append(cycle)
        out["flips"].append(flips)
        out["energy"].append(energies)
        out["overlaps"].append(overlaps)
        out["rng_state"].append(rng.state())
    return out


def reference_sample(J_raw, scale, h, spins, *, rule, schedule, order, T, sweeps, states):
    """Metropolis or Glauber at fixed T > 0 by definition; returns final spins, energies per sweep,
    accepted flips and generator states per replica.

    Random numbers in the kernels' order: the schedule's draws (the
    permutation shuffled Fisher–Yates from the top, random sites drawn per
    attempt); Metropolis draws one uniform only for an uphill move, Glauber
    one per attempt (per site, in index order, for the synchronous step).
    """
    J_raw = np.asarray(J_raw, dtype=np.int64)
    diagonal = np.diag(J_raw)
    hs = scale * np.asarray(h, dtype=np.float64)
    beta = 1.0 / T
    n_replica, n = spins.shape
    out = {"spins": [], "energy": [], "accepted": [], "rng_state": []}
    for r in range(n_replica):
        rng = Xoshiro256(states[r])
        s = spins[r].astype(np.int64).copy()

        def uniform():
            return float(rng.next() >> 11) * (1.0 / 9007199254740992.0)

        def numerator(i):
            """scale · (φ_i − J_ii s_i): the pair field, self-coupling removed."""
            return float(J_raw[i] @ s - diagonal[i] * s[i]) + hs[i]

        def new_value(i):
            p = numerator(i)
            if rule == "metropolis":
                k = 2.0 * s[i] * p
                if k <= 0.0 or uniform() < math.exp(-beta * k / scale):
                    return -s[i]
                return s[i]
            return 1 if uniform() < 1.0 / (1.0 + math.exp(-2.0 * beta * p / scale)) else -1

        energies, accepted = [], 0
        for _ in range(sweeps):
            s, changed = reference_sweep(rng, s, schedule, order, new_value)
            accepted += changed
            energies.append(-(0.5 * (s @ (J_raw @ s) - diagonal.sum()) + hs @ s) / scale / n)
        out["spins"].append(s.astype(np.int8))
        out["energy"].append(energies)
        out["accepted"].append(accepted)
        out["rng_state"].append(rng.state())
    return out


def ar1(rho, length, replicas, seed):
    """x_t = rho x_{t-1} + sqrt(1 - rho^2) eta_t, started in equilibrium."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(replicas, length)) * np.sqrt(1 - rho**2)
    x = np.empty((replicas, length))
    x[:, 0] = rng.normal(size=replicas)
    for t in range(1, length):
        x[:, t] = rho * x[:, t - 1] + noise[:, t]
    return x
