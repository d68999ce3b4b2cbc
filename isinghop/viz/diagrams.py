"""Diagrams of the exact methods: state-transition graphs on the hypercube and disconnectivity trees.

Drawing only: the graphs and landscapes come from :mod:`isinghop.exact`.
"""

from __future__ import annotations

import numpy as np

from isinghop.exact.landscape import Landscape

__all__ = ["draw_transition_graph", "draw_disconnectivity"]

#: Transition graphs are drawn for at most this many units (2^6 = 64 vertices).
MAX_DRAWN_SITES = 6


def draw_transition_graph(graph, *, ax=None):
    """Draw a transition graph of N ≤ 6 units on a projection of the hypercube.

    Vertex ``s`` sits at ``Σ_i b_i v_i`` (b_i = 1 for s_i = +1; v_i of length
    1/(1 + 0.45 i) at angle π i / N + 0.2, so no two vertices coincide), and
    single-unit moves run along cube edges. Fixed
    points are red; edges of single-unit schedules are labelled with the
    unit (1-based) and the probability of the step, other edges with their
    probability where it is below 1; self-loops are dotted and grey, with the
    probability of staying.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: ``ax``, or those of a new figure.
    """
    import matplotlib.pyplot as plt
    import networkx as nx

    n = len(graph.nodes[0]["spins"])
    if n > MAX_DRAWN_SITES:
        raise ValueError(f"graph: drawing is limited to N <= {MAX_DRAWN_SITES} units, got N = {n}")
    if ax is None:
        _, ax = plt.subplots(figsize=(2 + 1.2 * n, 2 + 1.2 * n))
    angles = np.pi * np.arange(n) / n + 0.2
    lengths = 1.0 / (1.0 + 0.45 * np.arange(n))
    directions = lengths[:, None] * np.column_stack([np.cos(angles), np.sin(angles)])
    node_size = 900 if n <= 3 else 2700 // n
    positions = {k: tuple((np.array(d["spins"]) > 0) @ directions) for k, d in graph.nodes(data=True)}
    colours = ["tab:red" if graph.nodes[k]["fixed"] else "0.85" for k in graph]
    edges = [(a, b) for a, b in graph.edges if a != b]
    loops = [(a, b) for a, b in graph.edges if a == b]
    nx.draw_networkx_nodes(graph, positions, ax=ax, node_color=colours, node_size=node_size, edgecolors="0.3")
    nx.draw_networkx_labels(
        graph, positions, ax=ax, font_size=8 if n <= 3 else 6,
        labels={k: "".join("+" if v > 0 else "−" for v in d["spins"]) for k, d in graph.nodes(data=True)},
    )
    nx.draw_networkx_edges(graph, positions, edgelist=edges, ax=ax, node_size=node_size, arrowsize=12,
                           connectionstyle="arc3,rad=0.12")
    nx.draw_networkx_edges(graph, positions, edgelist=loops, ax=ax, node_size=node_size, arrowsize=8,
                           edge_color="0.6", style="dotted")

    def label(edge):
        data = graph.edges[edge]
        probability = f"{data['probability']:.2g}"
        if "unit" not in data:
            return probability if data["probability"] < 1 else ""
        units = np.atleast_1d(data["unit"]) + 1
        return f"{','.join(map(str, units))}: {probability}"

    labels = {e: label(e) for e in edges if label(e)}
    if labels:
        nx.draw_networkx_edge_labels(graph, positions, ax=ax, font_size=6, connectionstyle="arc3,rad=0.12",
                                     edge_labels=labels)
    for a, _ in loops:  # the stay probability beside each self-loop (grey, dotted)
        x, y = positions[a]
        ax.annotate(f"stay {graph.edges[a, a]['probability']:.2g}", (x, y), textcoords="offset points",
                    xytext=(0, 14), ha="center", fontsize=6, color="0.4")
    ax.set_title(f"schedule {graph.graph['schedule']!r}, tie rule {graph.graph['tie']!r}; fixed points in red")
    ax.set_axis_off()
    return ax


def draw_disconnectivity(landscape: Landscape, *, labels=None, ax=None):
    """Draw the disconnectivity graph: each minimum a line from its energy up to where its basin joins others.

    Parameters
    ----------
    landscape : isinghop.exact.landscape.Landscape
    labels : list of str, optional
        One per minimum (e.g. :func:`isinghop.exact.landscape.label_minima`), written under its line.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import scipy.cluster.hierarchy

    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 4)).subplots()
    count = len(landscape.minima)
    lowest = landscape.energies.min()
    if count == 1:
        ax.plot([0, 0], [landscape.energies[0], landscape.energies[0] + 1], "k-")
        positions = {0: 0.0}
    else:
        tree = scipy.cluster.hierarchy.dendrogram(landscape.linkage, no_plot=True)
        order = tree["leaves"]
        positions = {leaf: 10.0 * k + 5.0 for k, leaf in enumerate(order)}
        for xs, ys in zip(tree["icoord"], tree["dcoord"]):
            bottoms = []
            for x, y in ((xs[0], ys[0]), (xs[3], ys[3])):
                leaf = [m for m, p in positions.items() if p == x and y == 0.0]
                bottoms.append(landscape.energies[leaf[0]] if leaf else y + lowest)
            top = ys[1] + lowest
            ax.plot([xs[0], xs[0]], [bottoms[0], top], "k-", lw=1)
            ax.plot([xs[3], xs[3]], [bottoms[1], top], "k-", lw=1)
            ax.plot([xs[0], xs[3]], [top, top], "k-", lw=1)
    for leaf, x in positions.items():
        ax.plot(x, landscape.energies[leaf], "o", color="tab:red", ms=4)
        if labels is not None:
            ax.annotate(labels[leaf], (x, landscape.energies[leaf]), textcoords="offset points", xytext=(0, -10),
                        ha="center", fontsize=7)
    ax.set_xticks([])
    ax.set_ylabel("energy H (energy units)")
    ax.set_title(f"disconnectivity graph: {count} minima, joined at their lowest saddles", fontsize=9)
    return ax


def __dir__():
    """The public names only (``__all__``), not the imports a module uses."""
    return sorted(__all__)
