"""The default policy's moves on the loyalty ladder."""

from customer_centric.plot import plot_transitions

plot_transitions(dimension="loyalty")
