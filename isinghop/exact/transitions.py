"""State-transition graphs of small networks under the zero-temperature update.

Every one of the 2^N states is a node (its state index, as in
:mod:`isinghop.exact`); edges carry the probability of one step:

* ``synchronous`` — one step updates all sites at once;
* ``sequential`` — one step is a sweep in the fixed ``order``;
* ``permutation`` and ``random`` — one step updates a single unit, each unit
  with probability 1/N: one edge per unit that changes the state, labelled
  with the unit (the lecture-note picture), plus a self-loop collecting the
  units that leave it unchanged.

The tie rule ``random`` splits a zero-field update into two edges of
probability ½. Attractors are the closed sets of states the dynamics cannot
leave (NetworkX's attracting components): fixed points and limit cycles; a
state's basin membership lists the attractors it can reach.

The same steps as a sparse row-stochastic matrix (:func:`transition_matrix`)
make the zero-T dynamics an absorbing Markov chain: :func:`absorption` gives,
from every start, the exact probability of ending in each attractor and the
expected time to reach one (fundamental-matrix algebra, solved class by class
in layers of the condensation).
"""

from __future__ import annotations

import numpy as np

from dataclasses import dataclass

from typing import Literal

from isinghop._validate import choice, site_order
from isinghop.exact.enumeration import DEFAULT_CHUNK, _check_model, _chunks, state_index, state_spins
from isinghop.model import IsingModel, check_model, energy, field_numerators
from isinghop.spins import as_spins
from isinghop.vocabulary import SCHEDULES, TIE_RULES, Schedule, TieRule, scaled_tolerance

__all__ = ["MAX_GRAPH_SITES", "transition_graph", "transition_matrix", "Absorption", "absorption", "basin_fractions"]

#: Transition graphs hold every state as a node: at most this many sites (65 536 nodes).
MAX_GRAPH_SITES = 16


def _update_site(batch, probability, origin, site, u, tie, tol_s):
    """Update ``site`` in every row given its field numerators ``u``; coin ties split a row in two."""
    current = batch[:, site]
    value = np.where(u > tol_s, 1, np.where(u < -tol_s, -1, 0)).astype(np.int8)
    tied = value == 0
    if tie != "random":
        fill = {"keep": current, "up": 1, "down": -1, "flip": -current}[tie]
        value[tied] = np.broadcast_to(fill, value.shape)[tied]
        rows = np.arange(len(batch))
        weights = np.ones(len(batch))
    else:
        split = np.flatnonzero(tied)
        rows = np.concatenate([np.arange(len(batch)), split])
        value = np.concatenate([np.where(tied, 1, value), np.full(len(split), -1, np.int8)])
        weights = np.where(np.concatenate([tied, np.ones(len(split), bool)]), 0.5, 1.0)
    updated = batch[rows]
    updated[:, site] = value
    return updated, probability[rows] * weights, origin[rows]


def _step(model, states, schedule, tie, order, tol_s):
    """All one-step transitions ``(origin, target, weight, unit)`` from ``states``.

    The weights are probabilities, except for the single-unit schedules,
    where they are N times the probability (the unit is drawn with
    probability 1/N): callers sum them first and divide by N once, so that
    the N self-loops of a fixed point make exactly 1.
    """
    n = states.shape[1]
    origin = np.arange(len(states))
    probability = np.ones(len(states))
    if schedule == "synchronous":
        u = field_numerators(model, states)  # every site sees the state before the step
        batch = states.copy()
        for site in range(n):
            batch, probability, origin = _update_site(batch, probability, origin, site, u[origin, site], tie, tol_s)
        return [(origin, batch, probability, None)]
    if schedule == "sequential":
        batch = states.copy()
        # an exact model's fields are integers: kept up to date flip by flip they equal fresh sums (a coin tie
        # splits rows, so the fields are summed afresh then)
        running = field_numerators(model, batch) if model.exact and tie != "random" else None
        for site in order:
            u = field_numerators(model, batch)[:, site] if running is None else running[:, site]
            before = batch[:, site].copy()
            batch, probability, origin = _update_site(batch, probability, origin, site, u, tie, tol_s)
            if running is not None:
                changed = np.flatnonzero(batch[:, site] != before)
                if len(changed):
                    running[changed] += (batch[changed, site].astype(np.float64)[:, None]
                                         * (2.0 * model.couplings.raw_column(site))[None, :])
        return [(origin, batch, probability, None)]
    u = field_numerators(model, states)
    moves = []
    for site in range(n):
        batch, weights, rows = _update_site(states, probability, origin, site, u[:, site], tie, tol_s)
        moves.append((rows, batch, weights, site))
    return moves


def transition_graph(model: IsingModel, *, schedule: Schedule, tie: TieRule = "keep", order=None,
                     tol: float | None = None):
    """Every state of a small network with its successors under the zero-T update.

    Parameters
    ----------
    model : IsingModel
        At most ``MAX_GRAPH_SITES`` sites; asymmetric couplings are allowed
        (nodes then carry no energy).
    schedule : {"random", "permutation", "sequential", "synchronous"}
        What one step is (see the module docstring); no default: the step,
        and with it the graph, differs from schedule to schedule.
    tie : {"keep", "up", "down", "flip", "random"}
        Rule for a zero field φ_i = 0.
    order : array_like of int, optional
        Site order of a ``sequential`` sweep (default 0..N−1).
    tol : float, optional
        Tie tolerance on φ (default :func:`~isinghop.vocabulary.tie_tolerance`: 0 for an exact model).

    Returns
    -------
    networkx.DiGraph
        Nodes: state indices with attributes ``spins`` (tuple of ±1),
        ``energy`` (H, symmetric couplings only), ``fixed`` (a fixed point of
        the rule) and ``reaches`` (indices of the attractors reachable).
        Edges: ``probability`` of the step and, for single-unit schedules,
        ``unit`` (the updated unit, 0-based; a tuple for the self-loop).
        Graph attributes: ``attractors`` (list of sorted state-index tuples,
        fixed points first), ``basin_sizes`` (states that can reach each),
        ``schedule``, ``tie``.
    """
    import networkx as nx

    schedule, tie = _checked(model, schedule, tie, order)
    n = model.n_sites
    tol_s = scaled_tolerance(model, tol)
    states = state_spins(np.arange(2**n), n)

    graph = nx.DiGraph(schedule=schedule, tie=tie)
    energies = energy(model, states) if model.couplings.symmetric else None
    for k, spins in enumerate(states):
        graph.add_node(k, spins=tuple(int(v) for v in spins))
        if energies is not None:
            graph.nodes[k]["energy"] = float(energies[k])
    steps = _step(model, states, schedule, tie, site_order(order, n), tol_s)
    for origin, batch, probability, unit in steps:
        targets = state_index(batch)
        for a, b, p in zip(origin.tolist(), targets.tolist(), probability.tolist()):
            if graph.has_edge(a, b):
                graph.edges[a, b]["probability"] += p
                if unit is not None:
                    merged = {int(u) for u in np.atleast_1d(graph.edges[a, b]["unit"])} | {unit}
                    graph.edges[a, b]["unit"] = tuple(sorted(merged))
            else:
                graph.add_edge(a, b, probability=p, **({} if unit is None else {"unit": unit}))
    if steps[0][3] is not None:  # single-unit steps: weights are N × probabilities
        for _, _, data in graph.edges(data=True):
            data["probability"] /= n
    for k in graph:
        graph.nodes[k]["fixed"] = graph.out_degree(k) == 1 and graph.has_edge(k, k)
    attractors = sorted((tuple(sorted(c)) for c in nx.attracting_components(graph)), key=lambda c: (len(c), c))
    graph.graph["attractors"] = attractors
    for k in graph:
        graph.nodes[k]["reaches"] = ()
    basin_sizes = []
    for a, members in enumerate(attractors):
        basin = nx.ancestors(graph, members[0]) | {members[0]}
        basin_sizes.append(len(basin))
        for k in basin:
            graph.nodes[k]["reaches"] += (a,)
    graph.graph["basin_sizes"] = basin_sizes
    return graph


def _checked(model: IsingModel, schedule: str, tie: str, order) -> tuple[str, str]:
    if check_model(model).n_sites > MAX_GRAPH_SITES:
        raise ValueError(f"model: transition graphs are limited to N <= {MAX_GRAPH_SITES} sites, got N = {model.n_sites}")
    schedule = choice(schedule, "schedule", SCHEDULES)
    tie = choice(tie, "tie", TIE_RULES)
    if order is not None and schedule != "sequential":
        raise ValueError(f"order: only used with schedule='sequential', not {schedule!r}")
    return schedule, tie


def transition_matrix(model: IsingModel, *, schedule: Schedule, tie: TieRule = "keep", order=None,
                      tol: float | None = None):
    """One step of the zero-T dynamics as a sparse row-stochastic matrix on the 2^N states.

    A step is what :func:`transition_graph` calls one: a synchronous update,
    a sequential sweep, or one attempt at a uniformly drawn unit
    (``random`` and ``permutation`` alike; for the per-sweep matrix of the
    ``permutation`` schedule see :func:`isinghop.exact.enumeration.sweep_matrix` with ``tie``).

    Parameters
    ----------
    model : IsingModel
        At most ``MAX_GRAPH_SITES`` sites; asymmetric couplings allowed.
    schedule, tie, order, tol
        As in :func:`transition_graph`.

    Returns
    -------
    scipy.sparse.csr_array
        ``(2^N, 2^N)``, ``P[a, b]`` the probability that one step takes state a to b.
    """
    import scipy.sparse

    schedule, tie = _checked(model, schedule, tie, order)
    n = model.n_sites
    tol_s = scaled_tolerance(model, tol)
    states = state_spins(np.arange(2**n), n)
    rows, columns, values = [], [], []
    steps = _step(model, states, schedule, tie, site_order(order, n), tol_s)
    for origin, batch, probability, _ in steps:
        rows.append(origin)
        columns.append(state_index(batch))
        values.append(probability)
    size = 2**n
    matrix = scipy.sparse.coo_array((np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
                                    shape=(size, size)).tocsr()  # duplicates summed
    if steps[0][3] is not None:  # single-unit steps: weights are N × probabilities
        matrix.data /= n
    return matrix


@dataclass(frozen=True)
class Absorption:
    """Where the zero-T dynamics ends, exactly, from every start state.

    Attributes
    ----------
    attractors : tuple of numpy.ndarray
        The closed classes (sets of states the dynamics cannot leave), each as
        sorted state indices, in the order of :func:`transition_graph`'s
        attractors: by size (fixed points first; then limit cycles and the
        classes that ``flip``/``random`` ties wander through), then by states.
    probabilities : numpy.ndarray
        ``(2^N, attractor)``: probability of ending in each attractor from
        each start state (rows sum to 1).
    steps : numpy.ndarray
        ``(2^N,)``: expected number of steps until the state first lies in an attractor.
    sweeps : numpy.ndarray
        ``steps`` in sweeps: steps / N for single-attempt steps, else ``steps``.
    schedule, tie : str
    """

    attractors: tuple
    probabilities: np.ndarray
    steps: np.ndarray
    sweeps: np.ndarray
    schedule: str
    tie: str

    @property
    def fixed_points(self) -> np.ndarray:
        """State indices of the attractors that are single states.

        Returns
        -------
        numpy.ndarray
            int64 state indices, ascending.
        """
        return np.array([a[0] for a in self.attractors if len(a) == 1], dtype=np.int64)


#: Transient classes larger than this are solved with a sparse LU of their block, not a dense solve.
_DENSE_CLASS_STATES = 512


def _absorb(matrix, coo, component: np.ndarray, between: np.ndarray, attractor_of: np.ndarray, n_attractors: int):
    """Absorption probabilities ``(state, attractor)`` and expected steps ``(state,)``, layer by layer."""
    import networkx as nx
    import scipy.sparse
    import scipy.sparse.linalg

    size = matrix.shape[0]
    probabilities = np.zeros((size, n_attractors))
    steps = np.zeros(size)
    absorbed = np.flatnonzero(attractor_of >= 0)
    probabilities[absorbed, attractor_of[absorbed]] = 1.0
    condensed = nx.DiGraph()
    condensed.add_nodes_from(np.unique(component).tolist())
    condensed.add_edges_from(zip(component[coo.col[between]].tolist(), component[coo.row[between]].tolist()))
    members = np.argsort(component, kind="stable")
    starts = np.searchsorted(component[members], np.arange(component.max() + 2))
    diagonal = matrix.diagonal()
    # a class's own entries of probabilities and steps are still 0 when it is solved, so the products with the
    # full matrix rows collect only the classes it leads to
    for layer in nx.topological_generations(condensed):  # every class after those it leads to
        layer = [c for c in layer if attractor_of[members[starts[c]]] < 0]
        if not layer:
            continue
        sizes = starts[np.array(layer) + 1] - starts[np.array(layer)]
        single = members[starts[np.array(layer)[sizes == 1]]]
        if len(single):
            keep = 1.0 - diagonal[single]
            probabilities[single] = (matrix[single] @ probabilities) / keep[:, None]
            steps[single] = (1.0 + matrix[single] @ steps) / keep
        for c in np.array(layer)[sizes > 1]:
            states = members[starts[c]:starts[c + 1]]
            rows = matrix[states]
            right = np.column_stack([rows @ probabilities, 1.0 + rows @ steps])
            if len(states) <= _DENSE_CLASS_STATES:
                solved = np.linalg.solve(np.eye(len(states)) - rows[:, states].toarray(), right)
            else:
                system = scipy.sparse.identity(len(states), format="csc") - rows[:, states].tocsc()
                solved = scipy.sparse.linalg.splu(system).solve(right)
            probabilities[states], steps[states] = solved[:, :-1], solved[:, -1]
    return probabilities, steps


def absorption(model: IsingModel, *, schedule: Schedule, tie: TieRule = "keep", order=None,
               tol: float | None = None) -> Absorption:
    """Exact absorption probabilities and times of the zero-T dynamics, from every one of the 2^N states.

    The dynamics is a Markov chain with matrix P (:func:`transition_matrix`;
    for ``permutation``, the per-sweep matrix averaged over all N! orders,
    :func:`isinghop.exact.enumeration.sweep_matrix` with ``tie``). Its closed classes
    (strongly connected components with no edge out) are the attractors;
    with Q the transient block and R the transient-to-class block,
    ``(I − Q) B = R`` gives the absorption probabilities B and
    ``(I − Q) t = 1`` the expected steps t. They are solved class by class
    of the transient states, in layers of the condensation (every class
    after all the classes it leads to): one sparse product per layer for the
    single states, a dense solve for each larger transient class (a sparse LU
    of its block above 512 states).

    Parameters
    ----------
    model : IsingModel
        At most ``MAX_GRAPH_SITES`` = 16 sites (``permutation``: at most
        ``exact.MAX_MATRIX_SITES`` = 12, the sweep-matrix memory guard).
    schedule : {"random", "permutation", "sequential", "synchronous"}
        ``random``: a step is one attempt at a uniformly drawn unit;
        ``permutation``: one sweep in a fresh random order; the others as in
        :func:`transition_graph`.
    tie : {"keep", "up", "down", "flip", "random"}
    order : array_like of int, optional
        Site order of ``sequential``.
    tol : float, optional
        Tie tolerance on φ (default :func:`~isinghop.vocabulary.tie_tolerance`: 0 for an exact model).

    Returns
    -------
    Absorption

    Examples
    --------
    Three sites storing (1, 1, 1) and (1, 1, −1), random-site updates. The
    third site's field is always zero, so the ``up`` tie rule sets it to +1
    and only (1, 1, 1) and its mirror's neighbour (−1, −1, 1) are left; from
    (1, −1, −1) either is reached with probability 1/2, after 7/6 sweeps on
    average:

    >>> import isinghop as ih
    >>> result = ih.absorption(ih.hebbian([[1, 1, 1], [1, 1, -1]]), schedule="random", tie="up")
    >>> [ih.state_spins(states, 3)[0].tolist() for states in result.attractors]
    [[-1, -1, 1], [1, 1, 1]]
    >>> start = ih.state_index([1, -1, -1])
    >>> print(result.probabilities[start], result.sweeps[start].round(4))
    [0.5 0.5] 1.1667
    """
    import scipy.sparse
    import scipy.sparse.csgraph

    schedule, tie = _checked(model, schedule, tie, order)
    if schedule == "permutation":
        from isinghop.exact.enumeration import sweep_matrix

        matrix = scipy.sparse.csr_array(sweep_matrix(model, T=0.0, schedule="permutation", tie=tie, tol=tol))
    else:
        matrix = transition_matrix(model, schedule=schedule, tie=tie, order=order, tol=tol)
    size = matrix.shape[0]
    _, component = scipy.sparse.csgraph.connected_components(matrix, directed=True, connection="strong")
    coo = matrix.tocoo()
    between = component[coo.row] != component[coo.col]
    open_component = np.zeros(component.max() + 1, dtype=bool)
    open_component[component[coo.row[between]]] = True
    closed = np.flatnonzero(~open_component)
    members = [np.flatnonzero(component == c) for c in closed]
    members.sort(key=lambda m: (len(m), tuple(m)))  # as transition_graph orders its attractors
    attractor_of = np.full(size, -1)
    for k, states in enumerate(members):
        attractor_of[states] = k
    probabilities, steps = _absorb(matrix, coo, component, between, attractor_of, len(members))
    per_sweep = model.n_sites if schedule == "random" else 1
    return Absorption(attractors=tuple(members), probabilities=probabilities, steps=steps, sweeps=steps / per_sweep,
                      schedule=schedule, tie=tie)


def basin_fractions(model: IsingModel, targets, *, schedule: Literal["synchronous", "sequential"],
                    tie: Literal["keep", "up", "down", "flip"] = "keep", order=None, tol: float | None = None,
                    chunk_size: int = DEFAULT_CHUNK) -> np.ndarray:
    """Fraction of all 2^N starting states whose zero-temperature dynamics ends at each target.

    Only the deterministic dynamics have sharp basins: the ``synchronous``
    and ``sequential`` schedules (no default: the two differ, and neither is
    the random-order sweep of the other functions) with the tie rules
    ``keep``, ``up``, ``down`` or ``flip``. One step of the dynamics maps
    every state to one successor (the steps of :func:`transition_graph`);
    following it 2^N steps (N doublings of the map) leaves every start on
    its final cycle, and a start counts for a target when that cycle is the
    target as a fixed point (starts that end in a limit cycle, or keep
    flipping zero-field sites under ``flip``, count for none).

    Parameters
    ----------
    model : IsingModel
        At most ``exact.MAX_SITES`` sites.
    targets : array_like
        ``(target, site)`` ±1 states (e.g. a pattern and its mirror).
    schedule : {"synchronous", "sequential"}
    tie : {"keep", "up", "down", "flip"}
    order : array_like of int, optional
        Site order of ``sequential`` (default 0..N−1).
    tol : float, optional
        Tie tolerance on φ (default :func:`~isinghop.vocabulary.tie_tolerance`: 0 for an exact model).
    chunk_size : int
        States stepped at once.

    Returns
    -------
    numpy.ndarray
        float64 ``(target,)``: basin size / 2^N, exact.
    """
    n = _check_model(model)
    schedule = choice(schedule, "schedule", ("synchronous", "sequential"))
    tie = choice(tie, "tie", ("keep", "up", "down", "flip"))
    if order is not None and schedule != "sequential":
        raise ValueError(f"order: only used with schedule='sequential', not {schedule!r}")
    sweep_order = site_order(order, n)
    wanted = state_index(as_spins(targets, name="targets", n_sites=n).reshape(-1, n))
    tol_s = scaled_tolerance(model, tol)
    successor = np.empty(1 << n, dtype=np.int64)
    for start, states in _chunks(n, chunk_size):
        ((_, stepped, _, _),) = _step(model, states, schedule, tie, sweep_order, tol_s)
        successor[start:start + len(states)] = state_index(stepped)
    final = successor
    for _ in range(n):  # 2^n steps: past every transient, onto the final cycle
        final = final[final]
    reached = final[successor[final] == final]
    return np.array([np.count_nonzero(reached == target) for target in wanted]) / float(1 << n)


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
