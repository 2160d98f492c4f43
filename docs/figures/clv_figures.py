"""BG/NBD on the CDNOW sample (shipped with the package): the four figures.

Calibration: the first 39 weeks of 1997 (Fader, Hardie & Lee 2005), weeks
as the time unit; the tracking plot runs on to week 78.
"""

from datetime import date

import matplotlib.pyplot as plt
import numpy as np

from customer_centric.clv import fit_bg_nbd
from customer_centric.datasets import load_cdnow_sample
from customer_centric.plot import (
    plot_cumulative_transactions,
    plot_frequency_recency_matrix,
    plot_period_transactions,
    plot_probability_alive_matrix,
)

START, WEEK = date(1997, 1, 1), 7
days: dict[str, set[int]] = {}
for purchase in load_cdnow_sample():
    days.setdefault(purchase.customer_id, set()).add(
        (purchase.occurred_at - START).days
    )
calibration = [sorted(d for d in ds if d < 39 * WEEK) for ds in days.values()]
calibration = [c for c in calibration if c]
x = np.array([len(c) - 1 for c in calibration], dtype=float)
t_x = np.array([(c[-1] - c[0]) / WEEK for c in calibration])
T = np.array([39 - c[0] / WEEK for c in calibration])
fit = fit_bg_nbd(x, t_x, T)

births = np.array([min(d) / WEEK for d in days.values()])
repeats = np.array(
    [day / WEEK for d in days.values() for day in sorted(d)[1:]]
)
fig, axes = plt.subplots(2, 2, figsize=(12, 9), layout="constrained")
plot_probability_alive_matrix(
    fit, T=39, max_frequency=15, ax=axes[0, 0], time_unit="weeks"
)
plot_frequency_recency_matrix(
    fit, t=39, T=39, max_frequency=15, ax=axes[0, 1], time_unit="weeks"
)
plot_period_transactions(fit, x, T, ax=axes[1, 0])
plot_cumulative_transactions(
    fit,
    births,
    repeats,
    times=np.arange(1, 79),
    calibration_end=39,
    ax=axes[1, 1],
    time_unit="weeks",
)
