"""The health scorecard the risk and frames tests share."""

from __future__ import annotations

from customer_centric import LifecycleStage
from customer_centric.risk import (
    HealthProfile,
    Measure,
    MeasureGroup,
    Scorecard,
)

LOGINS = Measure(
    name="logins", direction="lower_is_worse", amber=8, red=3, weight=2
)
TICKETS = Measure(name="tickets", direction="higher_is_worse", amber=2, red=5)
NPS = Measure(
    name="nps",
    direction="lower_is_worse",
    amber=0,
    red=-30,
    scale="linear",
    best=50,
    worst=-50,
)
PROFILE = HealthProfile(
    groups=(
        MeasureGroup(name="usage", weight=2, measures=(LOGINS, NPS)),
        MeasureGroup(name="support", measures=(TICKETS,)),
    )
)
WELCOME = HealthProfile(
    groups=(MeasureGroup(name="usage", measures=(LOGINS,)),),
    combine="worst_of",
    missing="red",
)
CARD = Scorecard(
    name="retail",
    version=3,
    profile=PROFILE,
    stages={LifecycleStage.WELCOME: WELCOME},
)
