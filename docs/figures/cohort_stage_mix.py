"""The lifecycle of the demo customers acquired in the first half of 2023."""

from datetime import UTC, datetime

from customer_centric.datasets import load_demo_events
from customer_centric.plot import plot_stage_mix
from customer_centric.relationship import replay_many, stage_mix

replays = replay_many(load_demo_events(), on_error="collect")
mix = stage_mix(
    replays,
    dimension="lifecycle",
    dates=[
        datetime(year, month, 1, tzinfo=UTC)
        for year in (2023, 2024, 2025)
        for month in range(1, 13)
    ]
    + [datetime(2026, 1, 1, tzinfo=UTC)],
    acquired_from=datetime(2023, 1, 1, tzinfo=UTC),
    acquired_before=datetime(2023, 7, 1, tzinfo=UTC),
)
plot_stage_mix(mix)
