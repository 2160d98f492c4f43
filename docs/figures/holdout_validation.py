"""BG/NBD and Pareto/NBD checked on CDNOW's holdout (shipped sample).

Calibration to 30 September 1997, holdout to 30 June 1998, weeks (Fader,
Hardie & Lee 2005): the means by calibration frequency, and the tracking
plot with both models overlaid.
"""

from datetime import date

import matplotlib.pyplot as plt

from customer_centric.clv import fit_bg_nbd, fit_pareto_nbd, validate_holdout
from customer_centric.datasets import load_cdnow_sample
from customer_centric.plot import plot_calibration_vs_holdout, plot_tracking
from customer_centric.value import rfm_calibration_holdout

log = load_cdnow_sample()
split = rfm_calibration_holdout(
    log,
    calibration_end=date(1997, 9, 30),
    observation_end=date(1998, 6, 30),
    time_unit="W",
)
summary = split.calibration
rfm = (summary.frequency, summary.recency, summary.T)
report = validate_holdout(
    split,
    models={"BG/NBD": fit_bg_nbd(*rfm), "Pareto/NBD": fit_pareto_nbd(*rfm)},
    transactions=log,
)
fig, (by_frequency, tracking) = plt.subplots(
    1, 2, figsize=(13, 5), layout="constrained"
)
plot_calibration_vs_holdout(report, ax=by_frequency)
plot_tracking(report.tracking, ax=tracking, time_unit="weeks")
