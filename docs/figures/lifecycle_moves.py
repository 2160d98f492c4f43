"""The default policy's moves around the relationship cycle."""

from customer_centric.plot import plot_transitions

plot_transitions(dimension="lifecycle")
