"""Figures where a picture beats a table (needs the ``[plot]`` extra).

Every function draws on the ``ax`` it is given (or a new one) and returns the
matplotlib ``Axes``; none calls ``plt.show()``.
"""

from __future__ import annotations

from customer_centric._extras import require_extra

require_extra("plot", "matplotlib")

# ruff: noqa: E402 - the imports below come after the extra's guard

from customer_centric.plot._clv import (
    plot_calibration_vs_holdout,
    plot_cumulative_transactions,
    plot_frequency_recency_matrix,
    plot_period_transactions,
    plot_probability_alive_matrix,
    plot_tracking,
)
from customer_centric.plot._funnel import plot_loyalty_funnel
from customer_centric.plot._journeys import plot_stage_flows, plot_stage_mix
from customer_centric.plot._kano import plot_better_worse
from customer_centric.plot._transitions import plot_transitions

__all__: list[str] = [
    "plot_better_worse",
    "plot_calibration_vs_holdout",
    "plot_cumulative_transactions",
    "plot_frequency_recency_matrix",
    "plot_loyalty_funnel",
    "plot_period_transactions",
    "plot_probability_alive_matrix",
    "plot_stage_flows",
    "plot_stage_mix",
    "plot_tracking",
    "plot_transitions",
]
