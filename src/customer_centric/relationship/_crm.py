"""Adapters from a relationship state to the stage names CRMs use.

Two targets:

- **HubSpot** lifecycle stages (the ``lifecyclestage`` contact property):
  ``subscriber``, ``lead``, ``marketingqualifiedlead``,
  ``salesqualifiedlead``, ``opportunity``, ``customer``, ``evangelist``,
  ``other``.
- **ARTS** (OMG Retail, ARTS Operational Data Model 7.x) relationship stage
  codes: ARTS recommends at least ``CUST_ACQUISITION``, ``CUSTOMER``,
  ``INACTIVE_CUSTOMER`` and ``EX_CUSTOMER`` and lets retailers add their
  own.

Caveats, also on the docs page:

- HubSpot's stages are a sales funnel; the marketing and sales
  qualification steps (MQL, SQL, opportunity) are not modelled here and are
  never produced. Everyone who showed interest but has not bought maps to
  ``lead``.
- HubSpot moves lifecycle stages forward only by default; sending a lapsed
  advocate back to ``customer``, or a departed customer to ``other``, needs
  the property cleared first (or a workflow that allows backward moves).
- HubSpot has no "churned" stage: departed and win-back customers map to
  ``other``; keep our lifecycle stage in a custom property if you need it.
- ARTS' ``INACTIVE_CUSTOMER`` is about inactivity; potential divorce can
  also be triggered by dissatisfaction while the customer is still buying.
  A won-back customer maps to ``CUSTOMER`` again.
"""

from __future__ import annotations

import enum
from typing import Final

from customer_centric._stages import LifecycleStage, LoyaltyStage
from customer_centric.relationship._state import RelationshipState, check_state

__all__ = [
    "ArtsRelationshipStage",
    "HubSpotLifecycleStage",
    "to_arts",
    "to_hubspot",
]


@enum.unique
class HubSpotLifecycleStage(enum.StrEnum):
    """HubSpot's default lifecycle stage internal values.

    Examples:
        >>> from customer_centric.relationship import HubSpotLifecycleStage
        >>> HubSpotLifecycleStage.EVANGELIST.value
        'evangelist'

    .. versionadded:: 0.1
    """

    SUBSCRIBER = "subscriber"
    LEAD = "lead"
    MARKETING_QUALIFIED_LEAD = "marketingqualifiedlead"
    SALES_QUALIFIED_LEAD = "salesqualifiedlead"
    OPPORTUNITY = "opportunity"
    CUSTOMER = "customer"
    EVANGELIST = "evangelist"
    OTHER = "other"


@enum.unique
class ArtsRelationshipStage(enum.StrEnum):
    """The relationship stage codes the ARTS data model recommends.

    The values are the ARTS codes (``RelationshipStageCode``), which are
    upper case by the standard's convention.

    Examples:
        >>> from customer_centric.relationship import ArtsRelationshipStage
        >>> ArtsRelationshipStage.EX_CUSTOMER.value
        'EX_CUSTOMER'

    .. versionadded:: 0.1
    """

    CUST_ACQUISITION = "CUST_ACQUISITION"
    CUSTOMER = "CUSTOMER"
    INACTIVE_CUSTOMER = "INACTIVE_CUSTOMER"
    EX_CUSTOMER = "EX_CUSTOMER"


_HUBSPOT_BY_RUNG: Final[dict[LoyaltyStage, HubSpotLifecycleStage]] = {
    LoyaltyStage.SUSPECT: HubSpotLifecycleStage.SUBSCRIBER,
    LoyaltyStage.PROSPECT: HubSpotLifecycleStage.LEAD,
    LoyaltyStage.CUSTOMER: HubSpotLifecycleStage.CUSTOMER,
    LoyaltyStage.CLIENT: HubSpotLifecycleStage.CUSTOMER,
    LoyaltyStage.SUPPORTER: HubSpotLifecycleStage.CUSTOMER,
    LoyaltyStage.ADVOCATE: HubSpotLifecycleStage.EVANGELIST,
    LoyaltyStage.PARTNER: HubSpotLifecycleStage.EVANGELIST,
}

_ARTS_BY_STAGE: Final[dict[LifecycleStage, ArtsRelationshipStage]] = {
    LifecycleStage.ACQUISITION: ArtsRelationshipStage.CUST_ACQUISITION,
    LifecycleStage.WELCOME: ArtsRelationshipStage.CUSTOMER,
    LifecycleStage.GETTING_TO_KNOW: ArtsRelationshipStage.CUSTOMER,
    LifecycleStage.ACCOUNT_MANAGEMENT: ArtsRelationshipStage.CUSTOMER,
    LifecycleStage.INTENSIVE_CARE: ArtsRelationshipStage.CUSTOMER,
    LifecycleStage.POTENTIAL_DIVORCE: ArtsRelationshipStage.INACTIVE_CUSTOMER,
    LifecycleStage.DIVORCE: ArtsRelationshipStage.EX_CUSTOMER,
    LifecycleStage.WIN_BACK: ArtsRelationshipStage.EX_CUSTOMER,
}


def to_hubspot(state: RelationshipState, /) -> HubSpotLifecycleStage:
    """The HubSpot lifecycle stage for a state.

    Suspects are subscribers, prospects are leads, customers, clients and
    supporters are customers, advocates and partners are evangelists; a
    departed or win-back customer is ``other``. See the module caveats.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import to_hubspot
        >>> to_hubspot(RelationshipState(customer_id="C-1", loyalty="prospect",
        ...     peak_loyalty="prospect")).value
        'lead'

    .. versionadded:: 0.1
    """
    check_state(state)
    if state.lifecycle in {LifecycleStage.DIVORCE, LifecycleStage.WIN_BACK}:
        return HubSpotLifecycleStage.OTHER
    return _HUBSPOT_BY_RUNG[state.loyalty]


def to_arts(state: RelationshipState, /) -> ArtsRelationshipStage:
    """The ARTS relationship stage code for a state.

    Acquisition is ``CUST_ACQUISITION``; the running stages are
    ``CUSTOMER``; potential divorce is ``INACTIVE_CUSTOMER``; divorce and
    win back are ``EX_CUSTOMER``. See the module caveats.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import to_arts
        >>> to_arts(RelationshipState(customer_id="C-1")).value
        'CUST_ACQUISITION'

    .. versionadded:: 0.1
    """
    check_state(state)
    return _ARTS_BY_STAGE[state.lifecycle]
