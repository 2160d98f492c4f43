"""Two published-size Kano tallies on the better-worse diagram, with intervals.

The counts are the docs' examples (296 and 296 respondents); each respondent
is written as the answer pair the standard table reads as their category.
"""

from customer_centric.kano import (
    KanoResponse,
    analyze,
    coefficient_intervals,
)
from customer_centric.plot import plot_better_worse

PAIRS = {  # category: (functional, dysfunctional) in the standard table
    "attractive": ("like", "neutral"),
    "one_dimensional": ("like", "dislike"),
    "must_be": ("neutral", "dislike"),
    "indifferent": ("neutral", "neutral"),
    "reverse": ("dislike", "like"),
    "questionable": ("like", "like"),
}
TALLIES = {
    "loan machine": {
        "must_be": 65,
        "one_dimensional": 87,
        "attractive": 93,
        "indifferent": 51,
    },
    "service hotline": {
        "must_be": 15,
        "one_dimensional": 24,
        "attractive": 121,
        "indifferent": 124,
        "reverse": 6,
        "questionable": 6,
    },
}
responses = [
    KanoResponse(
        respondent_id=f"R{feature[0]}{category[0]}{i}",
        feature=feature,
        functional=PAIRS[category][0],
        dysfunctional=PAIRS[category][1],
    )
    for feature, tally in TALLIES.items()
    for category, count in tally.items()
    for i in range(count)
]
results = analyze(responses)
plot_better_worse(
    results,
    intervals={r.feature: coefficient_intervals(r.counts) for r in results},
)
