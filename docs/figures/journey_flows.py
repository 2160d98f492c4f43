"""The demo base's lifecycle moves in 2025, as an alluvial diagram."""

from datetime import UTC, datetime

from customer_centric.datasets import load_demo_events
from customer_centric.plot import plot_stage_flows
from customer_centric.relationship import replay_many, stage_flows

replays = replay_many(load_demo_events(), on_error="collect")
flows = stage_flows(
    replays,
    dimension="lifecycle",
    start=datetime(2025, 1, 1, tzinfo=UTC),
    end=datetime(2026, 1, 1, tzinfo=UTC),
)
plot_stage_flows(flows)
