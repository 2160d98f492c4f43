"""The loyalty funnel of the demo customer base (shipped with the package)."""

from customer_centric.datasets import load_demo_events
from customer_centric.plot import plot_loyalty_funnel
from customer_centric.relationship import loyalty_funnel, replay_many

replays = replay_many(load_demo_events(), on_error="collect")
funnel = loyalty_funnel(replay.state for replay in replays.values())
plot_loyalty_funnel(funnel)
