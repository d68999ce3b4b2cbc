"""
Small networks: every state and where it goes
=============================================

Two patterns stored by Hebb in N = 4 units, (1, 1, 1, 1) and (1, 1, 1, −1).
They differ only in the fourth unit, whose field is zero in every state,
and each of the first three meets a zero field whenever the other two
disagree: the tie rule decides where the zero-temperature dynamics goes. The transition graph shows every state with
its successors under random-site updates: fixed points in red, each edge
labelled with the unit that flips (counted from 1 in the drawing, from 0 in
the arrays) and the probability of the step. The
absorption probabilities are exact, from the graph, not from sampling.
"""

import matplotlib.pyplot as plt

import isinghop as ih

patterns = [[1, 1, 1, 1], [1, 1, 1, -1]]
model = ih.hebbian(patterns)

fig, axes = plt.subplots(1, 2, figsize=(11, 5.2))
for ax, tie in zip(axes, ("keep", "up")):
    graph = ih.transition_graph(model, schedule="random", tie=tie)
    ih.draw_transition_graph(graph, ax=ax)
    ax.set_title(f"tie rule '{tie}': {len(graph.graph['attractors'])} attractors")
fig.suptitle("Hebbian net of 4 units storing (1,1,1,1) and (1,1,1,−1), random-site updates")
fig.tight_layout()

# %%
# Where the dynamics ends, exactly, for each tie rule: every attractor (a
# fixed point, or under ``flip`` and ``random`` the pair of states the free
# fourth unit wanders between) with the probability of ending there from a
# uniformly random start, and the mean time to get there.

for tie in ("keep", "up", "down", "flip", "random"):
    result = ih.absorption(model, schedule="random", tie=tie)
    ends = []
    for states, probability in zip(result.attractors, result.probabilities.mean(axis=0)):
        spins = ["".join("+" if s > 0 else "−" for s in state) for state in ih.state_spins(states, 4)]
        ends.append(f"{{{', '.join(spins)}}}: {probability:.3f}")
    print(f"{tie:>6}: {'; '.join(ends)}; mean time {result.sweeps.mean():.3f} sweeps")
