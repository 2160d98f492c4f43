"""Where a customer stands: the relationship state and its transition records.

:class:`RelationshipState` holds both dimensions (loyalty rung, lifecycle
stage), the counters the rules read, when each stage was entered, the peak
rung, the stage to resume after intensive care, and why and when the
customer left. Whether the customer is *actual* is derived from it, never
stored. :class:`TransitionRecord` is the audit trail of one move.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from customer_centric._checks import check_aware, check_choice, check_instance
from customer_centric._stages import (
    DepartureReason,
    LifecycleStage,
    LoyaltyStage,
    StageGroup,
)
from customer_centric._types import CustomerId, EventId
from customer_centric.exceptions import InvariantError
from customer_centric.relationship._events import Event, EventKind, UtcDatetime
from customer_centric.relationship._policy import DIMENSIONS, FiniteNumber

__all__ = ["GuardCheck", "RelationshipState", "TransitionRecord"]


_MAX_COUNT: Final = 2**63 - 1


def _count(value: int) -> int:
    if value < 0:
        msg = (
            f"counts cannot be negative, got {value!r}; counters start at 0 "
            "and only the engine changes them"
        )
        raise InvariantError(msg)
    if value > _MAX_COUNT:
        msg = (
            f"counts must be at most {_MAX_COUNT} (a 64-bit integer), got "
            f"{value!r}; counters start at 0 and only the engine changes them"
        )
        raise InvariantError(msg)
    return value


_Count = Annotated[int, AfterValidator(_count)]

_TROUBLE: Final = StageGroup.IN_TROUBLE.stages
_GONE: Final = StageGroup.GONE.stages


class RelationshipState(BaseModel):
    """Where one customer stands in both dimensions, and the facts behind it.

    Start a customer with ``RelationshipState(customer_id=...)`` (a suspect
    in acquisition) and move it only through
    :func:`~customer_centric.relationship.apply_event` or
    :func:`~customer_centric.relationship.replay`.

    Attributes:
        customer_id (str): Whose relationship this is.
        loyalty (LoyaltyStage): The current rung of the loyalty ladder.
        lifecycle (LifecycleStage): The current stage of the relationship
            cycle.
        purchases (int): Purchases so far, the first included.
        referrals (int): Referrals made so far.
        open_complaints (int): Complaints filed and not yet resolved.
        win_back_attempts (int): Win-back attempts started.
        win_backs (int): Times the customer came back after leaving.
        needs_profiled (bool): Whether needs, plans and aspirations were
            exchanged.
        peak_loyalty (LoyaltyStage): The highest rung ever reached.
        resume_lifecycle (LifecycleStage | None): The stage to return to after
            intensive care or potential divorce.
        departure_reason (DepartureReason | None): Why the customer left (while
            departed).
        departed_at (datetime.datetime | None): When the customer left (while
            departed).
        last_event_at (datetime.datetime | None): When the last applied event
            occurred.
        last_activity_at (datetime.datetime | None): When the customer last did
            something (bought, asked, referred, complained, came back).
        loyalty_since (datetime.datetime | None): When the current rung was
            entered.
        lifecycle_since (datetime.datetime | None): When the current lifecycle
            stage was entered.
        last_events (tuple[Event, ...]): The events with an ``event_id``
            applied at ``last_event_at``: a redelivery of one of them is
            recognised as a duplicate (see
            :func:`~customer_centric.relationship.apply_event`).

    Examples:
        >>> from customer_centric import RelationshipState
        >>> s = RelationshipState(customer_id="C-1")
        >>> s.loyalty.value, s.lifecycle.value, s.is_actual_customer
        ('suspect', 'acquisition', False)
        >>> RelationshipState.model_validate_json(s.model_dump_json()) == s
        True
        >>> RelationshipState(customer_id="C-1", purchases=-1)
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error ...
        purchases
          Value error, counts cannot be negative, got -1; ...

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    customer_id: CustomerId = Field(min_length=1)
    loyalty: LoyaltyStage = LoyaltyStage.SUSPECT
    lifecycle: LifecycleStage = LifecycleStage.ACQUISITION
    purchases: _Count = 0
    referrals: _Count = 0
    open_complaints: _Count = 0
    win_back_attempts: _Count = 0
    win_backs: _Count = 0
    needs_profiled: bool = False
    peak_loyalty: LoyaltyStage = LoyaltyStage.SUSPECT
    resume_lifecycle: LifecycleStage | None = None
    departure_reason: DepartureReason | None = None
    departed_at: UtcDatetime | None = None
    last_event_at: UtcDatetime | None = None
    last_activity_at: UtcDatetime | None = None
    loyalty_since: UtcDatetime | None = None
    lifecycle_since: UtcDatetime | None = None
    last_events: tuple[Event, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems: list[str] = []
        ids = [event.event_id for event in self.last_events]
        if (
            None in ids
            or len(set(ids)) != len(ids)
            or any(
                event.customer_id != self.customer_id
                or event.occurred_at != self.last_event_at
                for event in self.last_events
            )
        ):
            problems.append(
                "last_events must hold this customer's events with distinct "
                "event ids, each at last_event_at"
            )
        if self.peak_loyalty.rank < self.loyalty.rank:
            problems.append(
                f"peak_loyalty {self.peak_loyalty.value!r} is below the "
                f"current rung {self.loyalty.value!r}"
            )
        if self.resume_lifecycle is not None and (
            self.lifecycle not in _TROUBLE
            or self.resume_lifecycle in (*_TROUBLE, *_GONE)
        ):
            problems.append(
                f"resume_lifecycle {self.resume_lifecycle.value!r} is only "
                "meaningful in intensive care or potential divorce, and must "
                "be a healthy stage"
            )
        if (self.departure_reason is None) != (self.departed_at is None):
            problems.append(
                "departure_reason and departed_at go together: set both or "
                "neither"
            )
        if self.departed_at is not None and self.lifecycle not in _GONE:
            problems.append(
                f"a customer in {self.lifecycle.value!r} has not departed; "
                "departure_reason and departed_at belong to divorce and win "
                "back"
            )
        if (
            self.lifecycle is LifecycleStage.DIVORCE
            and self.departed_at is None
        ):
            problems.append("a divorced customer needs departed_at")
        last = self.last_event_at
        for name in ("last_activity_at", "loyalty_since", "lifecycle_since"):
            when: datetime | None = getattr(self, name)
            if when is not None and (last is None or when > last):
                problems.append(
                    f"{name} ({when.isoformat()}) is after last_event_at "
                    f"({last.isoformat() if last else None})"
                )
        if problems:
            msg = (
                f"inconsistent relationship state for {self.customer_id!r}: "
                + "; ".join(problems)
                + ". Build states with apply_event() or replay()"
            )
            raise InvariantError(msg)
        return self

    @property
    def is_actual_customer(self) -> bool:
        """Whether the customer has bought and the relationship is running.

        Derived from the state (ISO 9000:2015 §3.2.4 "actual" vs
        "potential" customer), never stored.

        Examples:
            >>> from customer_centric import RelationshipState
            >>> RelationshipState(customer_id="C-1", purchases=1,
            ...     loyalty="customer", peak_loyalty="customer",
            ...     lifecycle="welcome").is_actual_customer
            True
        """
        return self.purchases > 0 and self.lifecycle.info.is_actual_customer

    def days_in_stage(
        self, dimension: Literal["loyalty", "lifecycle"], /, *, as_of: datetime
    ) -> int | None:
        """Whole days spent in the current stage of a dimension, as of a time.

        Returns ``None`` when the stage was never entered by an event (the
        initial suspect and acquisition stages).

        Examples:
            >>> from datetime import datetime, UTC
            >>> from customer_centric import RelationshipState
            >>> day = datetime(2025, 1, 1, tzinfo=UTC)
            >>> s = RelationshipState(customer_id="C-1", last_event_at=day,
            ...                       lifecycle_since=day)
            >>> s.days_in_stage("lifecycle",
            ...                 as_of=datetime(2025, 1, 31, tzinfo=UTC))
            30
        """
        check_choice(dimension, DIMENSIONS, name="dimension")
        check_aware(as_of, name="as_of")
        since = (
            self.loyalty_since
            if dimension == "loyalty"
            else self.lifecycle_since
        )
        return None if since is None else (as_of - since).days


class GuardCheck(BaseModel):
    """One guard evaluated: what was observed against what was required.

    Examples:
        >>> from customer_centric.relationship import GuardCheck
        >>> c = GuardCheck(metric="purchases", op="at_least",
        ...                threshold="client_min_purchases", observed=2,
        ...                required=3, passed=False)
        >>> c.describe()
        'purchases at least client_min_purchases: observed 2, required 3'

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str
    op: Literal["at_least", "at_most", "equals"]
    threshold: str | FiniteNumber
    observed: FiniteNumber | None
    required: FiniteNumber
    passed: bool

    def describe(self) -> str:
        """The check as a sentence fragment."""
        return (
            f"{self.metric} {self.op.replace('_', ' ')} {self.threshold}: "
            f"observed {self.observed}, required {self.required}"
        )


class TransitionRecord(BaseModel):
    """The audit record of one dimension moving on one event.

    Attributes:
        customer_id (str): Whose relationship moved.
        dimension (str): ``"loyalty"`` or ``"lifecycle"``.
        from_stage (LoyaltyStage | LifecycleStage): The stage before.
        to_stage (LoyaltyStage | LifecycleStage): The stage after.
        rule_id (str): The rule that fired.
        reason (str): The rule's reason code.
        guards (tuple[GuardCheck, ...]): Each guard of the rule with its
            observed and required value.
        policy_fingerprint (str): The fingerprint of the policy that decided.
        event_kind (str): The kind of the event.
        event_id (str | None): The event's identifier, if it had one.
        occurred_at (datetime.datetime): When the event occurred (the move's
            time).

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState, apply_event
        >>> from customer_centric.relationship import (
        ...     FirstPurchase,
        ...     TransitionRecord,
        ... )
        >>> out = apply_event(RelationshipState(customer_id="C-1"),
        ...     FirstPurchase(customer_id="C-1",
        ...                   occurred_at=datetime(2025, 1, 2, tzinfo=UTC)))
        >>> rec = out.records[0]
        >>> rec.dimension, rec.from_stage.value, rec.to_stage.value
        ('loyalty', 'suspect', 'customer')
        >>> TransitionRecord.model_validate_json(rec.model_dump_json()) == rec
        True

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    customer_id: CustomerId
    dimension: Literal["loyalty", "lifecycle"]
    from_stage: LoyaltyStage | LifecycleStage
    to_stage: LoyaltyStage | LifecycleStage
    rule_id: str
    reason_code: str
    guards: tuple[GuardCheck, ...] = ()
    policy_fingerprint: str
    event_kind: EventKind
    event_id: EventId | None = None
    occurred_at: UtcDatetime


_STATE_WANTED: Final = (
    "a RelationshipState, e.g. RelationshipState(customer_id='C-1')"
)


def check_state(value: object, /, *, name: str = "state") -> RelationshipState:
    """Return ``value`` if it is a :class:`RelationshipState`.

    Raises:
        ArgumentTypeError: It is not.
    """
    return check_instance(
        value, RelationshipState, name=name, what=_STATE_WANTED
    )
