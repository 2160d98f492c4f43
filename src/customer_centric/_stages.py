"""Loyalty-ladder rungs, relationship-lifecycle stages and departure reasons.

Loyalty and lifecycle are two dimensions of one relationship (DESIGN §1.2,
§1.3): a client can be in intensive care. Each stage carries its metadata
(:class:`StageInfo`): rank, whether it counts as an actual customer, whether
it is active or terminal, English and Persian labels and its source.

The Persian labels are the words of the project's source texts
(``sources/000_*`` for the lifecycle, ``sources/003_*`` for the ladder);
``SUPPORTER`` and ``PARTNER`` do not appear there and carry our own
translation, marked as such in their source.
"""

from __future__ import annotations

import enum
from typing import Final, final

import attrs

__all__ = [
    "DepartureReason",
    "LifecycleStage",
    "LoyaltyStage",
    "StageInfo",
]

_ZWNJ: Final = "\u200c"  # Persian zero-width non-joiner, as in "خوش‌آمدگویی"

_LADDER_SOURCE: Final = (
    "Christopher, Payne & Ballantyne (1991), Relationship Marketing; "
    "Raphel & Raphel (1995), Up the Loyalty Ladder; Persian source: "
    "modiryar, 'customer loyalty ladder'"
)
_CYCLE_SOURCE: Final = (
    "Stone & Woodcock, the customer relationship cycle in financial "
    "services (mid-1990s); Dwyer, Schurr & Oh (1987); Persian source: "
    "Jafari, 'developing customer relationships in financial-services firms'"
)


@final
@attrs.frozen(kw_only=True)
class StageInfo:
    """What a stage means: its rank, role, labels and source.

    Attributes:
        rank: Position in its dimension, 1 first (lowest rung, or first
            lifecycle stage).
        is_actual_customer: Whether someone in this stage has bought and the
            relationship has not ended (ISO 9000:2015 §3.2.4 "actual" as
            opposed to "potential" customer).
        is_active: Whether the relationship is running (a customer who has
            bought and not left).
        is_terminal: Whether the relationship has ended. Terminal is not
            trapping: a win-back can still leave the stage.
        label_en: The English name.
        label_fa: The Persian name used by the source texts.
        source: Where the stage comes from.

    Examples:
        >>> from customer_centric import LifecycleStage
        >>> LifecycleStage.DIVORCE.info.is_terminal
        True
        >>> LifecycleStage.DIVORCE.info.label_fa
        'جدایی'

    .. versionadded:: 0.1
    """

    rank: int
    is_actual_customer: bool
    is_active: bool
    is_terminal: bool
    label_en: str
    label_fa: str
    source: str


@enum.unique
class LoyaltyStage(enum.StrEnum):
    """A rung of the loyalty ladder, lowest first.

    Suspects see the firm's marketing; prospects show interest; customers
    have bought once; clients buy repeatedly; advocates actively recommend
    the firm (Christopher, Payne & Ballantyne 1991; Raphel & Raphel 1995).
    ``SUPPORTER`` (between client and advocate) and ``PARTNER`` (above
    advocate) come from the 1991/1999 ladders and are opt-in rungs: a
    :class:`~customer_centric.relationship.Policy` enables them, the default
    ladder does
    not use them.

    Examples:
        >>> from customer_centric import LoyaltyStage
        >>> LoyaltyStage("client").rank > LoyaltyStage.CUSTOMER.rank
        True
        >>> LoyaltyStage.CLIENT.info.label_fa
        'مشتری وفادار'
        >>> [s.value for s in LoyaltyStage if s.is_optional]
        ['supporter', 'partner']

    .. versionadded:: 0.1
    """

    SUSPECT = "suspect"
    PROSPECT = "prospect"
    CUSTOMER = "customer"
    CLIENT = "client"
    SUPPORTER = "supporter"
    ADVOCATE = "advocate"
    PARTNER = "partner"

    @property
    def info(self) -> StageInfo:
        """The stage's metadata."""
        return _LOYALTY_INFO[self]

    @property
    def rank(self) -> int:
        """Position on the ladder, 1 for ``SUSPECT``."""
        return _LOYALTY_INFO[self].rank

    @property
    def is_optional(self) -> bool:
        """Whether the rung is opt-in (``SUPPORTER``, ``PARTNER``)."""
        return self in _OPTIONAL_RUNGS


@enum.unique
class LifecycleStage(enum.StrEnum):
    """A stage of the customer relationship cycle, in cycle order.

    The eight stages of Stone & Woodcock's cycle for financial services, as
    the Persian source lists them: acquisition, welcome, getting to know,
    account management, intensive care, potential divorce, divorce and win
    back. Dissolution is reachable from every active stage (Dwyer, Schurr &
    Oh 1987).

    Examples:
        >>> from customer_centric import LifecycleStage
        >>> LifecycleStage.INTENSIVE_CARE.info.is_active
        True
        >>> [s.value for s in LifecycleStage if s.info.is_actual_customer]
        ['welcome', 'getting_to_know', 'account_management', \
'intensive_care', 'potential_divorce']

    .. versionadded:: 0.1
    """

    ACQUISITION = "acquisition"
    WELCOME = "welcome"
    GETTING_TO_KNOW = "getting_to_know"
    ACCOUNT_MANAGEMENT = "account_management"
    INTENSIVE_CARE = "intensive_care"
    POTENTIAL_DIVORCE = "potential_divorce"
    DIVORCE = "divorce"
    WIN_BACK = "win_back"

    @property
    def info(self) -> StageInfo:
        """The stage's metadata."""
        return _LIFECYCLE_INFO[self]

    @property
    def rank(self) -> int:
        """Position in the cycle, 1 for ``ACQUISITION``."""
        return _LIFECYCLE_INFO[self].rank

    @property
    def group(self) -> StageGroup:
        """The stage's group in the cycle (healthy, in trouble, gone, ...)."""
        return _GROUP[self]


@enum.unique
class StageGroup(enum.StrEnum):
    """The lifecycle stages grouped by the health of the relationship.

    Stone & Woodcock's cycle runs from winning a customer (``PROSPECTIVE``:
    acquisition) through the stages of a working relationship (``HEALTHY``:
    welcome, getting to know, account management) and of one at risk
    (``IN_TROUBLE``: intensive care, potential divorce) to its end and the
    attempt to reverse it (``GONE``: divorce, win back). Rules, the playbook
    and reports read the groups from here.

    Examples:
        >>> from customer_centric import LifecycleStage
        >>> from customer_centric.relationship import StageGroup
        >>> LifecycleStage.POTENTIAL_DIVORCE.group
        <StageGroup.IN_TROUBLE: 'in_trouble'>
        >>> sorted(s.value for s in StageGroup.GONE.stages)
        ['divorce', 'win_back']

    .. versionadded:: 0.1
    """

    PROSPECTIVE = "prospective"
    HEALTHY = "healthy"
    IN_TROUBLE = "in_trouble"
    GONE = "gone"

    @property
    def stages(self) -> tuple[LifecycleStage, ...]:
        """The lifecycle stages in the group, in the cycle's order."""
        return _STAGES_IN[self]


@enum.unique
class DepartureReason(enum.StrEnum):
    """Why a customer left.

    The source: winning a customer back depends heavily on why they left; it
    is easier when they left for situational reasons such as a change of job
    or home than when they left dissatisfied with the service (Stone &
    Woodcock, via the Persian source ``000``). :attr:`is_situational` marks
    the easier cases.

    Examples:
        >>> from customer_centric.relationship import DepartureReason
        >>> DepartureReason.MOVED_HOME.is_situational
        True
        >>> DepartureReason.DISSATISFACTION.is_situational
        False

    .. versionadded:: 0.1
    """

    MOVED_HOME = "moved_home"
    NEW_JOB = "new_job"
    LIFE_EVENT = "life_event"
    SERVICE_FAILURE = "service_failure"
    DISSATISFACTION = "dissatisfaction"
    PRICE = "price"
    COMPETITOR = "competitor"
    FIRM_TERMINATED = "firm_terminated"
    UNKNOWN = "unknown"

    @property
    def is_situational(self) -> bool:
        """Whether the customer left because their circumstances changed."""
        return self in _SITUATIONAL

    @property
    def label_fa(self) -> str:
        """The Persian wording (source ``000`` where it names the reason)."""
        return _DEPARTURE_FA[self]


_OPTIONAL_RUNGS: Final = frozenset(
    {LoyaltyStage.SUPPORTER, LoyaltyStage.PARTNER}
)
_SITUATIONAL: Final = frozenset(
    {
        DepartureReason.MOVED_HOME,
        DepartureReason.NEW_JOB,
        DepartureReason.LIFE_EVENT,
    }
)
_DEPARTURE_FA: Final[dict[DepartureReason, str]] = {
    DepartureReason.MOVED_HOME: "تغییر منزل",
    DepartureReason.NEW_JOB: "تغییر شغل",
    DepartureReason.LIFE_EVENT: "تغییر شرایط شخصی",
    DepartureReason.SERVICE_FAILURE: "مشکل در خدمات",
    DepartureReason.DISSATISFACTION: "نارضایتی از خدمات دریافتی",
    DepartureReason.PRICE: "قیمت",
    DepartureReason.COMPETITOR: "رقبا",
    DepartureReason.FIRM_TERMINATED: "قطع رابطه از سوی بنگاه",
    DepartureReason.UNKNOWN: "نامعلوم",
}


def _rung(
    rank: int, en: str, fa: str, *, actual: bool, source: str = _LADDER_SOURCE
) -> StageInfo:
    return StageInfo(
        rank=rank,
        is_actual_customer=actual,
        is_active=actual,
        is_terminal=False,
        label_en=en,
        label_fa=fa,
        source=source,
    )


_LOYALTY_INFO: Final[dict[LoyaltyStage, StageInfo]] = {
    LoyaltyStage.SUSPECT: _rung(1, "Suspect", "بیننده", actual=False),
    LoyaltyStage.PROSPECT: _rung(2, "Prospect", "مشتری احتمالی", actual=False),
    LoyaltyStage.CUSTOMER: _rung(3, "Customer", "مشتری", actual=True),
    LoyaltyStage.CLIENT: _rung(4, "Client", "مشتری وفادار", actual=True),
    LoyaltyStage.SUPPORTER: _rung(
        5,
        "Supporter",
        "هوادار",
        actual=True,
        source=(
            "Christopher, Payne & Ballantyne (1991); the Persian label is "
            "our translation (not in the source texts)"
        ),
    ),
    LoyaltyStage.ADVOCATE: _rung(6, "Advocate", "مشتری حامی", actual=True),
    LoyaltyStage.PARTNER: _rung(
        7,
        "Partner",
        "شریک",
        actual=True,
        source=(
            "Christopher, Payne & Ballantyne (1991; 2nd ed. 1999); the "
            "Persian label is our translation (not in the source texts)"
        ),
    ),
}


def _stage(
    rank: int,
    en: str,
    fa: str,
    *,
    actual: bool = True,
    active: bool = True,
    terminal: bool = False,
) -> StageInfo:
    return StageInfo(
        rank=rank,
        is_actual_customer=actual,
        is_active=active,
        is_terminal=terminal,
        label_en=en,
        label_fa=fa,
        source=_CYCLE_SOURCE,
    )


_LIFECYCLE_INFO: Final[dict[LifecycleStage, StageInfo]] = {
    LifecycleStage.ACQUISITION: _stage(
        1, "Acquisition", "جذب", actual=False, active=False
    ),
    LifecycleStage.WELCOME: _stage(2, "Welcome", f"خوش{_ZWNJ}آمدگویی"),
    LifecycleStage.GETTING_TO_KNOW: _stage(3, "Getting to know", "آشنا شدن"),
    LifecycleStage.ACCOUNT_MANAGEMENT: _stage(
        4, "Account management", "مدیریت حساب"
    ),
    LifecycleStage.INTENSIVE_CARE: _stage(5, "Intensive care", "مراقبت شدید"),
    LifecycleStage.POTENTIAL_DIVORCE: _stage(
        6, "Potential divorce", "جدایی بالقوه"
    ),
    LifecycleStage.DIVORCE: _stage(
        7, "Divorce", "جدایی", actual=False, active=False, terminal=True
    ),
    LifecycleStage.WIN_BACK: _stage(
        8, "Win back", "بازگرداندن", actual=False, active=False
    ),
}
_GROUP: Final[dict[LifecycleStage, StageGroup]] = {
    LifecycleStage.ACQUISITION: StageGroup.PROSPECTIVE,
    LifecycleStage.WELCOME: StageGroup.HEALTHY,
    LifecycleStage.GETTING_TO_KNOW: StageGroup.HEALTHY,
    LifecycleStage.ACCOUNT_MANAGEMENT: StageGroup.HEALTHY,
    LifecycleStage.INTENSIVE_CARE: StageGroup.IN_TROUBLE,
    LifecycleStage.POTENTIAL_DIVORCE: StageGroup.IN_TROUBLE,
    LifecycleStage.DIVORCE: StageGroup.GONE,
    LifecycleStage.WIN_BACK: StageGroup.GONE,
}
_STAGES_IN: Final[dict[StageGroup, tuple[LifecycleStage, ...]]] = {
    group: tuple(s for s in LifecycleStage if _GROUP[s] is group)
    for group in StageGroup
}
