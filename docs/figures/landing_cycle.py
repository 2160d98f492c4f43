"""The landing page's picture: the cycle of the rules and a customer base.

Left, the moves the default rules allow around the relationship cycle;
right, the demo customer base the package ships, replayed under those
rules, on the loyalty ladder.
"""

import matplotlib.pyplot as plt

from customer_centric.datasets import load_demo_events
from customer_centric.plot import plot_loyalty_funnel, plot_transitions
from customer_centric.relationship import loyalty_funnel, replay_many

replays = replay_many(load_demo_events(), on_error="collect")
fig, (cycle, ladder) = plt.subplots(
    1, 2, figsize=(15, 6), width_ratios=(3, 2), layout="constrained"
)
plot_transitions(dimension="lifecycle", ax=cycle)
plot_loyalty_funnel(
    loyalty_funnel(replay.state for replay in replays.values()), ax=ladder
)
