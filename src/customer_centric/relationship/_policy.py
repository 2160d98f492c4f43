"""The relationship policy: every threshold and every transition rule, as data.

A :class:`Policy` is a record: it validates on creation (impossible
thresholds, unreachable stages and stages that trap a customer are refused),
serialises to JSON and has a stable :attr:`~Policy.fingerprint` that every
decision records. :data:`DEFAULT_POLICY` documents each default and why.

Rules are tried in order for the event's kind, separately in each dimension
(loyalty, lifecycle). The first rule whose source stages include the current
stage and whose guards all pass fires; a rule with target ``"stay"``
accepts the event without moving. An event that no rule lists for the
current stage in either dimension is illegal.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Hashable, Iterable, Mapping
from datetime import date
from importlib import resources
from typing import (
    Annotated,
    Any,
    Final,
    Literal,
    Self,
    TypeAlias,
    cast,
    final,
    get_args,
)

import attrs
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    ValidationError,
    model_validator,
)

from customer_centric._checks import check_choice, check_instance
from customer_centric._fingerprint import fingerprint_once
from customer_centric._severity import Severity
from customer_centric._stages import LifecycleStage, LoyaltyStage, StageGroup
from customer_centric._toml import dumps
from customer_centric.exceptions import ArgumentTypeError, PolicyError
from customer_centric.relationship._events import EVENT_KINDS, EventKind

__all__ = [
    "DEFAULT_POLICY",
    "Dimension",
    "DynamicTarget",
    "Guard",
    "GuardMetric",
    "GuardOp",
    "Policy",
    "Rule",
    "Stage",
    "ThresholdName",
]

Dimension: TypeAlias = Literal["loyalty", "lifecycle"]
"""Which of the relationship's two dimensions a rule moves."""
DIMENSIONS: Final[tuple[Dimension, ...]] = get_args(Dimension)

Stage: TypeAlias = LoyaltyStage | LifecycleStage
"""A stage in either dimension."""

DynamicTarget: TypeAlias = Literal[
    "stay", "one_rung_down", "resume", "win_back_reentry"
]
"""A rule target computed when the rule fires.

``stay`` accepts the event without moving; ``one_rung_down`` is the next
lower rung of the policy's ladder (loyalty); ``resume`` is the lifecycle
stage the customer was in before intensive care or potential divorce;
``win_back_reentry`` is the policy's :attr:`Policy.win_back_reentry_stage`.
"""

GuardMetric: TypeAlias = Literal[
    "purchases",
    "referrals",
    "open_complaints",
    "inactive_days",
    "complaint_severity",
    "dissatisfaction_score",
    "satisfied",
    "days_since_departure",
    "departure_winnable",
]
"""What a guard observes, after the event's counters are applied.

``inactive_days`` counts whole days from the last activity to an
``inactivity_observed`` event's ``as_of``; ``complaint_severity`` is the
complaint's :attr:`Severity.rank`; ``satisfied`` is 1 or 0;
``days_since_departure`` counts whole days since the relationship ended;
``departure_winnable`` is 0 when the firm ended the relationship, else 1.
"""

GuardOp: TypeAlias = Literal["at_least", "at_most", "equals"]
"""How a guard compares the observed value with the required one."""

ThresholdName: TypeAlias = Literal[
    "client_min_purchases",
    "supporter_min_purchases",
    "advocate_min_referrals",
    "partner_min_referrals",
    "account_management_min_purchases",
    "intensive_care_min_severity",
    "intensive_care_open_complaints",
    "dissatisfaction_threshold",
    "potential_divorce_inactivity_days",
    "lapse_inactivity_days",
    "divorce_inactivity_days",
    "win_back_window_days",
]
"""The policy thresholds a guard can refer to by name."""

_METRIC_EVENTS: Final[dict[GuardMetric, frozenset[str] | None]] = {
    "purchases": None,
    "referrals": None,
    "open_complaints": None,
    "inactive_days": frozenset({"inactivity_observed"}),
    "complaint_severity": frozenset({"complaint_filed"}),
    "dissatisfaction_score": frozenset({"dissatisfaction_signal"}),
    "satisfied": frozenset({"complaint_resolved"}),
    "days_since_departure": None,
    "departure_winnable": None,
}

_MAX_COUNT: Final = 1_000_000
_MAX_DAYS: Final = (date.max - date.min).days
# The values each metric can take, and whether they are whole numbers: a
# guard outside them can never pass (or always passes), so a rule that
# needs it traps or misleads. Counts above a million purchases, referrals
# or open complaints are refused as out of any real relationship's reach.
_METRIC_RANGE: Final[dict[str, tuple[float, float, bool]]] = {
    "purchases": (0, _MAX_COUNT, True),
    "referrals": (0, _MAX_COUNT, True),
    "open_complaints": (0, _MAX_COUNT, True),
    "inactive_days": (-_MAX_DAYS, _MAX_DAYS, True),
    "complaint_severity": (
        min(s.rank for s in Severity),
        max(s.rank for s in Severity),
        True,
    ),
    "dissatisfaction_score": (0.0, 1.0, False),
    "satisfied": (0, 1, True),
    "days_since_departure": (-_MAX_DAYS, _MAX_DAYS, True),
    "departure_winnable": (0, 1, True),
}


def _unmeetable(metric: str, op: str, required: float) -> str | None:
    """Why a guard can never pass, or None if it can."""
    low, high, whole = _METRIC_RANGE[metric]
    if op == "at_least" and required > high:
        return f"{metric} is never above {high}"
    if op == "at_most" and required < low:
        return f"{metric} is never below {low}"
    if op == "equals" and not (
        low <= required <= high and (not whole or required == int(required))
    ):
        kind = "a whole number" if whole else "a number"
        return f"{metric} is {kind} between {low} and {high}"
    return None


_MAX_NUMBER: Final = 2**63 - 1


def _bounded(value: float) -> float:
    if abs(value) > _MAX_NUMBER:
        msg = (
            f"a guard's numbers must be within +-{_MAX_NUMBER} (a 64-bit "
            f"integer), got {value!r}; pass a number a metric can take"
        )
        raise PolicyError(msg)
    return value


FiniteNumber: TypeAlias = Annotated[
    int | FiniteFloat, AfterValidator(_bounded)
]
"""A finite int or float within 64-bit range (pydantic field type)."""

_DYNAMIC_FOR: Final[dict[str, frozenset[str]]] = {
    "loyalty": frozenset({"stay", "one_rung_down"}),
    "lifecycle": frozenset({"stay", "resume", "win_back_reentry"}),
}

_CORE_RUNGS: Final = (
    LoyaltyStage.SUSPECT,
    LoyaltyStage.PROSPECT,
    LoyaltyStage.CUSTOMER,
    LoyaltyStage.CLIENT,
    LoyaltyStage.ADVOCATE,
)
# The stage groups in the cycle's order, as rule sources list them.
_HEALTHY: Final = StageGroup.HEALTHY.stages
_TROUBLE: Final = StageGroup.IN_TROUBLE.stages
# Where a customer returns from trouble when no stage to resume is known:
# account management, the stage of an established relationship.
_RESUME_FALLBACK: Final = LifecycleStage.ACCOUNT_MANAGEMENT


class Guard(BaseModel):
    """A condition a rule needs: ``metric`` compared with a threshold.

    ``threshold`` is either the name of a policy threshold (so that changing
    the threshold changes every rule that uses it) or a literal number.

    Examples:
        >>> from customer_centric.relationship import Guard
        >>> g = Guard(metric="purchases", op="at_least",
        ...           threshold="client_min_purchases")
        >>> g.describe()
        'purchases at least client_min_purchases'

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: GuardMetric
    op: GuardOp
    threshold: ThresholdName | FiniteNumber

    def describe(self) -> str:
        """The guard as a short phrase, e.g. ``"referrals at least 1"``."""
        return f"{self.metric} {self.op.replace('_', ' ')} {self.threshold}"


class Rule(BaseModel):
    """One transition rule: on an event, from some stages, to a target.

    Attributes:
        id (str): A stable identifier, recorded with every move it makes.
        event (str): The event kind that triggers the rule.
        dimension (str): ``"loyalty"`` or ``"lifecycle"``.
        sources (tuple[LoyaltyStage | LifecycleStage, ...]): The stages the
            rule applies in.
        target (LoyaltyStage | LifecycleStage | str): The stage to move to,
            or a dynamic target such as ``"stay"`` or
            ``"one_rung_down"``.
        guards (tuple[Guard, ...]): Conditions that must all hold for the rule
            to fire.
        reason_code (str): A snake_case code recorded with the move.
        description (str): Why the rule exists, with its source.

    Examples:
        >>> from customer_centric.relationship import Rule
        >>> r = Rule(id="loyalty.interest", event="interest_shown",
        ...          dimension="loyalty", sources=("suspect",),
        ...          target="prospect", reason_code="showed_interest",
        ...          description="Suspects who show interest are prospects.")
        >>> r.target
        <LoyaltyStage.PROSPECT: 'prospect'>

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
    event: EventKind
    dimension: Dimension
    sources: tuple[Stage, ...] = Field(min_length=1)
    target: Stage | DynamicTarget
    guards: tuple[Guard, ...] = ()
    reason_code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""

    @model_validator(mode="after")
    def _stages_fit_dimension(self) -> Self:
        enum_type = (
            LoyaltyStage if self.dimension == "loyalty" else LifecycleStage
        )
        wrong = [s.value for s in self.sources if not isinstance(s, enum_type)]
        if wrong:
            msg = (
                f"rule {self.id!r} moves the {self.dimension} dimension but "
                f"lists sources {wrong!r} from the other dimension; use "
                f"{enum_type.__name__} values"
            )
            raise PolicyError(msg)
        if len(set(self.sources)) != len(self.sources):
            msg = (
                f"rule {self.id!r} lists a source stage twice: "
                f"{[s.value for s in self.sources]!r}; list each once"
            )
            raise PolicyError(msg)
        target = self.target
        if isinstance(target, LoyaltyStage | LifecycleStage):
            if not isinstance(target, enum_type):
                msg = (
                    f"rule {self.id!r} moves the {self.dimension} dimension "
                    f"to {target.value!r}, a stage of the other dimension; "
                    f"use a {enum_type.__name__} value"
                )
                raise PolicyError(msg)
            if target in self.sources:
                msg = (
                    f"rule {self.id!r} moves {target.value!r} to itself; use "
                    "target 'stay' to accept an event without moving"
                )
                raise PolicyError(msg)
        elif target not in _DYNAMIC_FOR[self.dimension]:
            msg = (
                f"rule {self.id!r}: target {target!r} is not available in the "
                f"{self.dimension} dimension; use one of "
                f"{sorted(_DYNAMIC_FOR[self.dimension])!r} or a stage"
            )
            raise PolicyError(msg)
        for guard in self.guards:
            events = _METRIC_EVENTS[guard.metric]
            if events is not None and self.event not in events:
                msg = (
                    f"rule {self.id!r} on {self.event!r} guards on "
                    f"{guard.metric!r}, which only {sorted(events)!r} "
                    "events carry; the guard could never pass"
                )
                raise PolicyError(msg)
            if not isinstance(guard.threshold, str):
                _check_guard(self, guard, guard.threshold)
        return self

    @property
    def is_stay(self) -> bool:
        """Whether the rule accepts its event without moving."""
        return self.target == "stay"


def _check_guard(rule: Rule, guard: Guard, required: float) -> None:
    why = _unmeetable(guard.metric, guard.op, required)
    if why is not None:
        msg = (
            f"rule {rule.id!r}: guard {guard.describe()!r} needs "
            f"{guard.metric} {guard.op.replace('_', ' ')} {required!r}, "
            f"which can never be met ({why}); pass a threshold the metric "
            "can reach"
        )
        raise PolicyError(msg)


# A guard as the engine tests it: (metric, op, required value, threshold as
# written), plain values, so that testing a guard builds no GuardCheck (the
# engine builds those only for the rules it reports).
Test: TypeAlias = tuple[str, str, float, "str | float"]


@final
@attrs.frozen
class CompiledRule:
    """A rule with resolved guards, as the engine's lookup table holds it."""

    rule: Rule
    tests: tuple[Test, ...]
    stay: bool
    static_target: Stage | None
    shown: str  # the target as answers show it: a stage value or its name


def target_shown(rule: Rule, /) -> str:
    """A rule's target as answers show it: a stage's value, or its name."""
    target = rule.target
    return (
        target.value
        if isinstance(target, LoyaltyStage | LifecycleStage)
        else target
    )


@final
@attrs.frozen(kw_only=True)
class _Compiled:
    """A policy's lookup table, and the engine's decision plans for it."""

    fingerprint: str
    table: dict[tuple[str, Stage], tuple[CompiledRule, ...]]
    # The engine's decision plans by (event kind, loyalty, lifecycle, peak
    # rung), made on first use: a plan depends only on the policy and its
    # key, so the cache never changes an answer, and it only ever holds the
    # few keys that customers actually reach.
    plans: dict[Hashable, Any] = attrs.field(factory=dict)


# Compiled forms live beside the policies, never in them (a policy record
# holds no cache), keyed by fingerprint so that equal policies share one.
# The mapping is bounded: at the limit it is emptied (one atomic step, safe
# under threads), and each form is compiled again from its policy's fields
# when next used.
_MAX_COMPILED: Final = 64
_COMPILED: Final[dict[str, _Compiled]] = {}


def fingerprint_of(policy: Policy, /) -> str:
    """SHA-256 of the policy's canonical JSON, computed once per policy.

    The engine needs one per event and a dump and hash takes some 100 µs,
    so it is kept for each live policy (:func:`fingerprint_once`).
    """
    return fingerprint_once(policy)


def compiled(policy: Policy, /) -> _Compiled:
    """The lookup table of a policy, compiled from its fields.

    Compiled once per fingerprint and kept beside the policy, so a copy made
    by any means is compiled from its own fields.
    """
    fingerprint = fingerprint_of(policy)
    found = _COMPILED.get(fingerprint)
    if found is None:
        if len(_COMPILED) >= _MAX_COMPILED:
            _COMPILED.clear()
        found = _COMPILED[fingerprint] = _Compiled(
            fingerprint=fingerprint, table=_compile(policy)
        )
    return found


class Policy(BaseModel):
    """Thresholds and transition rules for the relationship engine.

    Build a variant with :meth:`with_thresholds`, :meth:`with_rules` or
    :meth:`without_rules`, or :meth:`default` for the opt-in ``SUPPORTER``
    and ``PARTNER`` rungs. Creating a policy validates it; at the parsing
    boundary (``Policy(...)``, ``model_validate_json``) pydantic reports a
    :class:`~customer_centric.exceptions.PolicyError` inside its
    ``ValidationError``; the helper methods raise ``PolicyError`` itself.

    Attributes:
        ladder: The loyalty rungs in use, lowest first. The five core rungs
            are required; ``supporter`` and ``partner`` are opt-in.
        client_min_purchases: Purchases (first included) that make a
            customer a client. Default 3: clients "buy repeatedly"
            (Christopher, Payne & Ballantyne 1991; Raphel & Raphel 1995),
            read as the first purchase plus more than one repeat; a single
            repeat can still be a trial.
        supporter_min_purchases: Purchases that make a client a supporter
            (opt-in rung). Default 6, twice the client threshold: our
            operationalisation, the sources give no number.
        advocate_min_referrals: Referrals that make a client an advocate.
            Default 1: advocates "actively recommend" the firm; one recorded
            referral is the evidence.
        partner_min_referrals: Referrals that make an advocate a partner
            (opt-in rung). Default 5: our operationalisation of a sustained,
            two-way relationship; the sources give no number.
        account_management_min_purchases: Purchases that move a customer
            from getting to know into account management. Default 3: the
            steady state is a repeat-buying relationship, as for clients.
        intensive_care_min_severity: The least severe complaint that puts a
            relationship into intensive care. Default ``HIGH``: intensive
            care is for problems that threaten the relationship (Stone &
            Woodcock); lower severities are handled by complaint handling
            (ISO 10002:2018 prioritises by severity).
        intensive_care_open_complaints: Open complaints that put a
            relationship into intensive care whatever their severity.
            Default 2: two unresolved problems at once threaten it.
        dissatisfaction_threshold: The behavioural dissatisfaction score
            (0 to 1) that signals potential divorce. Default 0.7: clearly
            dissatisfied; calibrate it to your signal.
        potential_divorce_inactivity_days: Days without activity that signal
            potential divorce. Default 90, a common "at risk" window in
            retail and banking CRM; the sources give no number, so tune it
            to your purchase cycle.
        lapse_inactivity_days: Days without activity after which a client or
            advocate falls one rung. Default 180, twice the at-risk window:
            falling down the ladder is slower than getting at risk.
        divorce_inactivity_days: Days without activity after which a
            customer in potential divorce is presumed lost. Default 365:
            TARP's yearly loss figures (10-15 % of customers lost a year)
            use a one-year horizon.
        win_back_window_days: Days after departure within which a win-back
            attempt is worth starting. Default 365, the same one-year
            horizon.
        win_back_reentry_stage: Where a won-back customer re-enters the
            lifecycle. Default ``GETTING_TO_KNOW``: the firm must learn again
            what the customer needs and why they left, and a won-back
            customer can bond more strongly than before (Stone & Woodcock).
        allow_out_of_order: Whether an event older than the last applied
            one is accepted. Default ``False``: a replay is only reproducible
            when events arrive in time order.
        rules: The transition rules, tried in order.

    Examples:
        >>> from customer_centric.relationship import DEFAULT_POLICY
        >>> DEFAULT_POLICY.client_min_purchases
        3
        >>> stricter = DEFAULT_POLICY.with_thresholds(client_min_purchases=5)
        >>> stricter.fingerprint != DEFAULT_POLICY.fingerprint
        True
        >>> DEFAULT_POLICY.with_thresholds(divorce_inactivity_days=30)
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.PolicyError: divorce_inactivity_days \
(30) must be greater than potential_divorce_inactivity_days (90): a customer \
is at risk before they are presumed lost; raise divorce_inactivity_days or \
lower potential_divorce_inactivity_days

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    ladder: tuple[LoyaltyStage, ...] = _CORE_RUNGS
    client_min_purchases: int = 3
    supporter_min_purchases: int = 6
    advocate_min_referrals: int = 1
    partner_min_referrals: int = 5
    account_management_min_purchases: int = 3
    intensive_care_min_severity: Severity = Severity.HIGH
    intensive_care_open_complaints: int = 2
    dissatisfaction_threshold: float = Field(default=0.7, allow_inf_nan=False)
    potential_divorce_inactivity_days: int = 90
    lapse_inactivity_days: int = 180
    divorce_inactivity_days: int = 365
    win_back_window_days: int = 365
    win_back_reentry_stage: LifecycleStage = LifecycleStage.GETTING_TO_KNOW
    allow_out_of_order: bool = False
    rules: tuple[Rule, ...] = Field(
        default_factory=lambda: default_rules()  # noqa: PLW0108 - defined below
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        _check_thresholds(self)
        _check_ladder(self.ladder)
        _check_rules(self)
        return self

    def model_post_init(self, context: object, /) -> None:
        """Compute the fingerprint and the engine's lookup table once."""
        del context
        compiled(self)

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Self:
        """A copy with ``update`` applied, validated and compiled again.

        Pydantic's ``model_copy`` would skip validation and keep the old
        fingerprint; this one is :meth:`with_thresholds` for any field.

        Raises:
            PolicyError: The result would be invalid.

        Examples:
            >>> from customer_centric.relationship import DEFAULT_POLICY
            >>> p = DEFAULT_POLICY.model_copy(
            ...     update={"client_min_purchases": 5})
            >>> p.fingerprint == DEFAULT_POLICY.fingerprint
            False
        """
        del deep  # a policy is immutable: a shallow copy is a deep one
        return self._replace(update or {})

    def __repr__(self) -> str:
        """Short: the full policy is long; its fingerprint identifies it."""
        return (
            f"Policy(fingerprint={self.fingerprint[:12]!r}, "
            f"rules={len(self.rules)}, "
            f"ladder={[rung.value for rung in self.ladder]!r})"
        )

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the policy's canonical JSON; equal policies share it.

        Examples:
            >>> from customer_centric.relationship import (
            ...     DEFAULT_POLICY,
            ...     Policy,
            ... )
            >>> copy = Policy.model_validate_json(
            ...     DEFAULT_POLICY.model_dump_json())
            >>> copy.fingerprint == DEFAULT_POLICY.fingerprint
            True
            >>> len(DEFAULT_POLICY.fingerprint)
            64
        """
        return fingerprint_of(self)

    def rules_for(self, event: str, stage: Stage, /) -> tuple[Rule, ...]:
        """The rules tried for an event kind in one stage, in order.

        Returns:
            The policy's own :class:`Rule` records, in the order the engine
            tries them in that stage's dimension: the first whose guards
            all pass fires.

        Examples:
            >>> from customer_centric import LoyaltyStage
            >>> from customer_centric.relationship import DEFAULT_POLICY
            >>> [r.id for r in DEFAULT_POLICY.rules_for(
            ...     "referral_made", LoyaltyStage.CLIENT)]
            ['loyalty.advocate']
        """
        check_choice(event, EVENT_KINDS, name="event")
        if not isinstance(stage, LoyaltyStage | LifecycleStage):
            raise ArgumentTypeError.for_argument(
                "stage", stage, "a LoyaltyStage or LifecycleStage"
            )
        table = compiled(self).table
        return tuple(c.rule for c in table.get((event, stage), ()))

    def moves(
        self, dimension: Dimension, /
    ) -> tuple[tuple[Stage, Stage, Rule], ...]:
        """Every stage-to-stage move the rules allow in a dimension.

        Returns:
            ``(from stage, to stage, rule)`` for each source of each rule
            that moves, in rule order. Dynamic targets are expanded:
            ``one_rung_down`` to the rung below, ``win_back_reentry`` to
            the policy's re-entry stage, ``resume`` to each healthy stage
            from which a rule leads into trouble. ``stay`` rules make no
            move. The state diagrams (``render_rules`` and
            ``customer_centric.plot.plot_transitions``) draw these.

        Examples:
            >>> from customer_centric.relationship import DEFAULT_POLICY
            >>> [(a.value, b.value) for a, b, _ in
            ...  DEFAULT_POLICY.moves("loyalty")][:2]
            [('suspect', 'prospect'), ('suspect', 'customer')]

        .. versionadded:: 0.2
        """
        check_choice(dimension, DIMENSIONS, name="dimension")
        return tuple(edges(self, dimension))

    @property
    def thresholds(self) -> dict[str, float]:
        """Every named threshold as a number (severity as its rank).

        Examples:
            >>> from customer_centric.relationship import DEFAULT_POLICY
            >>> DEFAULT_POLICY.thresholds["intensive_care_min_severity"]
            3
        """
        return {name: _threshold(self, name) for name in _THRESHOLD_NAMES}

    @classmethod
    def default(
        cls, *, supporter: bool = False, partner: bool = False
    ) -> Self:
        """The default policy, optionally with the opt-in rungs.

        Args:
            supporter: Add ``SUPPORTER`` between client and advocate: a
                client reaches it by buying ``supporter_min_purchases``
                times, and leaves it up by referring.
            partner: Add ``PARTNER`` above advocate, reached with
                ``partner_min_referrals`` referrals.

        Returns:
            The policy.

        Examples:
            >>> from customer_centric.relationship import Policy
            >>> p = Policy.default(supporter=True, partner=True)
            >>> [s.value for s in p.ladder]
            ['suspect', 'prospect', 'customer', 'client', 'supporter', \
'advocate', 'partner']
        """
        check_instance(supporter, bool, name="supporter")
        check_instance(partner, bool, name="partner")
        ladder = [*_CORE_RUNGS]
        if supporter:
            ladder.insert(4, LoyaltyStage.SUPPORTER)
        if partner:
            ladder.append(LoyaltyStage.PARTNER)
        return cls(
            ladder=tuple(ladder),
            rules=default_rules(supporter=supporter, partner=partner),
        )

    @classmethod
    def from_toml(cls, text: str, /) -> Self:
        """Read a policy from TOML text, as :meth:`to_toml` writes it.

        The keys are the policy's fields; a field left out takes its
        default (a file holding only thresholds keeps the default rules).
        Rules are ``[[rules]]`` tables, as in the package's
        ``default_rules.toml``. JSON text is read by
        ``Policy.model_validate_json``; files of either kind by
        :func:`load_policy`.

        Raises:
            PolicyError: The text is not TOML (the message gives the line
                and column), or names an unknown key, a value of the wrong
                type or an invalid policy (the message gives the key and the
                value).
            ArgumentTypeError: ``text`` is not a string.

        Examples:
            >>> from customer_centric.relationship import Policy
            >>> p = Policy.from_toml("client_min_purchases = 4")
            >>> p.client_min_purchases, len(p.rules) > 10
            (4, True)
            >>> Policy.from_toml("client_min_purchase = 4")
            Traceback (most recent call last):
            ...
            customer_centric.exceptions.PolicyError: invalid policy setting \
'client_min_purchase': Extra inputs are not permitted (got 4); the settings \
are the fields of Policy

        .. versionadded:: 0.2
        """
        check_instance(text, str, name="text")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = f"not valid TOML: {exc}; fix the text at that place"
            raise PolicyError(msg) from exc
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise _unwrap(exc) from exc

    def to_toml(self) -> str:
        """The policy as TOML text a business user can edit.

        Every threshold is written, then each rule as a ``[[rules]]``
        table; a header comment gives the fingerprint. Reading the text
        back with :meth:`from_toml` gives an equal policy with the same
        fingerprint. (JSON: ``model_dump_json(indent=2)``.)

        Examples:
            >>> from customer_centric.relationship import (
            ...     DEFAULT_POLICY,
            ...     Policy,
            ... )
            >>> text = DEFAULT_POLICY.to_toml()
            >>> print(text.splitlines()[4])
            client_min_purchases = 3
            >>> Policy.from_toml(text) == DEFAULT_POLICY
            True

        .. versionadded:: 0.2
        """
        header = (
            "A customer_centric relationship Policy: edit it, then read it "
            "with\ncustomer_centric.relationship.load_policy().\n"
            f"fingerprint {self.fingerprint}"
        )
        return dumps(self.model_dump(mode="json"), header=header)

    def with_thresholds(self, **changes: object) -> Self:
        """A copy with some thresholds or settings changed, validated again.

        Raises:
            PolicyError: The result would be invalid.

        Examples:
            >>> from customer_centric.relationship import DEFAULT_POLICY
            >>> DEFAULT_POLICY.with_thresholds(
            ...     lapse_inactivity_days=365).lapse_inactivity_days
            365
        """
        if "rules" in changes:
            msg = "change rules with with_rules() or without_rules()"
            raise PolicyError(msg)
        return self._replace(changes)

    def with_rules(self, *rules: Rule, first: bool = False) -> Self:
        """A copy with extra rules, tried after the others (or ``first``).

        Raises:
            PolicyError: The result would be invalid (e.g. a duplicate id).

        Examples:
            >>> from customer_centric.relationship import DEFAULT_POLICY, Rule
            >>> loud = Rule(id="lifecycle.any_complaint",
            ...     event="complaint_filed", dimension="lifecycle",
            ...     sources=("account_management",), target="intensive_care",
            ...     reason_code="any_complaint")
            >>> p = DEFAULT_POLICY.with_rules(loud, first=True)
            >>> p.rules[0].id
            'lifecycle.any_complaint'
        """
        check_instance(first, bool, name="first")
        new = (*rules, *self.rules) if first else (*self.rules, *rules)
        return self._replace({"rules": new})

    def without_rules(self, *rule_ids: str) -> Self:
        """A copy without the named rules.

        Raises:
            PolicyError: An id is unknown, or the result would be invalid
                (for example a stage nobody can leave).

        Examples:
            >>> from customer_centric.relationship import DEFAULT_POLICY
            >>> DEFAULT_POLICY.without_rules("lifecycle.reactivated")
            Traceback (most recent call last):
            ...
            customer_centric.exceptions.PolicyError: lifecycle stages \
['divorce', 'win_back'] trap customers: no chain of rules leads from them \
back to an active stage; add a rule leaving them (for example a \
reactivation or a lapse rule)
        """
        for index, rule_id in enumerate(rule_ids):
            check_instance(rule_id, str, name=f"rule_ids[{index}]")
        known = {r.id for r in self.rules}
        unknown = sorted(set(rule_ids) - known)
        if unknown:
            msg = (
                f"no rules with ids {unknown!r} in this policy; known ids: "
                f"{sorted(known)!r}"
            )
            raise PolicyError(msg)
        drop = set(rule_ids)
        return self._replace(
            {"rules": tuple(r for r in self.rules if r.id not in drop)}
        )

    def _replace(self, changes: Mapping[str, object]) -> Self:
        data: dict[str, object] = {
            name: getattr(self, name) for name in type(self).model_fields
        }
        data.update(changes)
        try:
            return type(self).model_validate(data)
        except ValidationError as exc:
            raise _unwrap(exc) from exc


def check_policy(value: object, /) -> Policy:
    """Return ``value`` if it is a :class:`Policy`.

    Raises:
        ArgumentTypeError: It is not.
    """
    return check_instance(
        value, Policy, name="policy", what="a Policy, e.g. DEFAULT_POLICY"
    )


def _unwrap(exc: ValidationError) -> PolicyError:
    for error in exc.errors():
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, PolicyError):
            return cause
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    fix = (
        "; the settings are the fields of Policy"
        if first["type"] == "extra_forbidden"
        else ""
    )
    what = f"invalid policy setting {where!r}" if where else "invalid policy"
    return PolicyError(f"{what}: {first['msg']} (got {first['input']!r}){fix}")


_THRESHOLD_NAMES: Final[tuple[ThresholdName, ...]] = get_args(ThresholdName)


def _threshold(policy: Policy, name: str) -> float:
    value = getattr(policy, name)
    if isinstance(value, Severity):
        return value.rank
    return float(value) if isinstance(value, float) else int(value)


def _fail(msg: str) -> None:
    raise PolicyError(msg)


def _check_thresholds(p: Policy) -> None:
    minimums = {
        "client_min_purchases": (2, "a client has bought more than once"),
        "account_management_min_purchases": (
            1,
            "account management follows at least one purchase",
        ),
        "advocate_min_referrals": (1, "an advocate has recommended the firm"),
        "intensive_care_open_complaints": (1, "it counts open complaints"),
        "potential_divorce_inactivity_days": (1, "it counts days"),
        "lapse_inactivity_days": (1, "it counts days"),
        "win_back_window_days": (0, "it counts days"),
    }
    for name, (low, why) in minimums.items():
        value = getattr(p, name)
        if value < low:
            _fail(
                f"{name} must be at least {low} ({why}), got {value!r}; "
                f"pass a value >= {low}"
            )
    for name in _THRESHOLD_NAMES:
        value = getattr(p, name)
        high = _MAX_DAYS if name.endswith("_days") else _MAX_COUNT
        if isinstance(value, int) and value > high:
            _fail(
                f"{name} must be at most {high}, got {value!r}: no customer "
                f"ever reaches it; pass a value <= {high}"
            )
    if p.supporter_min_purchases <= p.client_min_purchases:
        _fail(
            f"supporter_min_purchases ({p.supporter_min_purchases}) must be "
            f"greater than client_min_purchases ({p.client_min_purchases}): "
            "supporters are above clients on the ladder; raise "
            "supporter_min_purchases"
        )
    if p.partner_min_referrals <= p.advocate_min_referrals:
        _fail(
            f"partner_min_referrals ({p.partner_min_referrals}) must be "
            f"greater than advocate_min_referrals "
            f"({p.advocate_min_referrals}): partners are above advocates; "
            "raise partner_min_referrals"
        )
    if not 0.0 < p.dissatisfaction_threshold <= 1.0:
        _fail(
            "dissatisfaction_threshold must be in (0, 1], got "
            f"{p.dissatisfaction_threshold!r}; scores are in [0, 1] and a "
            "threshold of 0 would flag every customer"
        )
    if p.divorce_inactivity_days <= p.potential_divorce_inactivity_days:
        _fail(
            f"divorce_inactivity_days ({p.divorce_inactivity_days}) must be "
            "greater than potential_divorce_inactivity_days "
            f"({p.potential_divorce_inactivity_days}): a customer is at risk "
            "before they are presumed lost; raise divorce_inactivity_days or "
            "lower potential_divorce_inactivity_days"
        )
    if p.win_back_reentry_stage not in _HEALTHY:
        _fail(
            "win_back_reentry_stage must be one of "
            f"{sorted(s.value for s in _HEALTHY)!r}, got "
            f"{p.win_back_reentry_stage.value!r}: a won-back customer "
            "re-enters a healthy stage"
        )


def _check_ladder(ladder: tuple[LoyaltyStage, ...]) -> None:
    missing = [s.value for s in _CORE_RUNGS if s not in ladder]
    if missing:
        _fail(
            f"the ladder must contain the core rungs; missing {missing!r}. "
            "Only 'supporter' and 'partner' are optional"
        )
    if list(ladder) != sorted(set(ladder), key=lambda s: s.rank):
        _fail(
            f"the ladder {[s.value for s in ladder]!r} must list each rung "
            "once, lowest first"
        )


def _check_rules(p: Policy) -> None:
    seen: set[str] = set()
    for rule in p.rules:
        if rule.id in seen:
            _fail(
                f"two rules have the id {rule.id!r}; give each rule its own id"
            )
        seen.add(rule.id)
        for guard in rule.guards:
            if isinstance(guard.threshold, str):
                _check_guard(rule, guard, _threshold(p, guard.threshold))
        if rule.dimension == "loyalty":
            used = [*rule.sources]
            if isinstance(rule.target, LoyaltyStage):
                used.append(rule.target)
            outside = [s.value for s in used if s not in p.ladder]
            if outside:
                _fail(
                    f"rule {rule.id!r} uses rungs {outside!r} that are not "
                    f"on the ladder {[s.value for s in p.ladder]!r}; add "
                    "them to the ladder (Policy.default(supporter=True, "
                    "partner=True)) or change the rule"
                )
            if rule.target == "one_rung_down" and p.ladder[0] in rule.sources:
                _fail(
                    f"rule {rule.id!r} moves one rung down from "
                    f"{p.ladder[0].value!r}, the lowest rung; remove it "
                    "from the rule's sources"
                )
        elif rule.target == "resume" and not set(rule.sources) <= set(
            _TROUBLE
        ):
            _fail(
                f"rule {rule.id!r} resumes a previous stage from "
                f"{[s.value for s in rule.sources if s not in _TROUBLE]!r}; "
                "only 'intensive_care' and 'potential_divorce' remember a "
                "stage to resume"
            )
    _check_graph(p, "loyalty", p.ladder[0], p.ladder)
    _check_graph(
        p, "lifecycle", LifecycleStage.ACQUISITION, tuple(LifecycleStage)
    )


def edges(
    policy: Policy, dimension: Dimension
) -> list[tuple[Stage, Stage, Rule]]:
    """Every stage-to-stage move the policy's rules allow, in rule order.

    Dynamic targets are expanded: ``one_rung_down`` to the lower rung,
    ``win_back_reentry`` to the policy's re-entry stage, ``resume`` to each
    healthy stage from which a rule enters intensive care or potential
    divorce. ``stay`` rules add no edge.
    """
    ladder = policy.ladder
    resumable = _resumable(policy)
    out: list[tuple[Stage, Stage, Rule]] = []
    for rule in policy.rules:
        if rule.dimension != dimension or rule.is_stay:
            continue
        for source in rule.sources:
            targets: Iterable[Stage]
            if rule.target == "one_rung_down":
                rung = cast("LoyaltyStage", source)
                targets = (ladder[ladder.index(rung) - 1],)
            elif rule.target == "win_back_reentry":
                targets = (policy.win_back_reentry_stage,)
            elif rule.target == "resume":
                targets = resumable
            else:
                targets = (cast("Stage", rule.target),)
            out.extend((source, t, rule) for t in targets)
    return out


def _resumable(policy: Policy) -> tuple[LifecycleStage, ...]:
    found: set[LifecycleStage] = {
        cast("LifecycleStage", source)
        for rule in policy.rules
        if rule.dimension == "lifecycle" and rule.target in _TROUBLE
        for source in rule.sources
        if source in _HEALTHY
    }
    ordered = sorted(found, key=lambda s: s.rank)
    return tuple(ordered) or (_RESUME_FALLBACK,)


def _check_graph(
    p: Policy,
    dimension: Dimension,
    start: Stage,
    stages: tuple[Stage, ...],
) -> None:
    moves = edges(p, dimension)
    reached = _reach(start, moves)
    unreachable = [s.value for s in stages if s not in reached]
    if unreachable:
        _fail(
            f"{dimension} stages {unreachable!r} are unreachable from "
            f"{start.value!r}: no chain of rules leads there; add a rule "
            "that moves customers into them"
        )
    live = {
        s for s in stages if isinstance(s, LoyaltyStage) or s.info.is_active
    }
    trapped = [
        s.value
        for s in stages
        if not (_reach(s, moves) - {s}) or not (_reach(s, moves) & live)
    ]
    if trapped:
        _fail(
            f"{dimension} stages {trapped!r} trap customers: no chain of "
            "rules leads from them back to an active stage; add a rule "
            "leaving them (for example a reactivation or a lapse rule)"
        )


def _reach(start: Stage, moves: list[tuple[Stage, Stage, Rule]]) -> set[Stage]:
    reached = {start}
    frontier = [start]
    while frontier:
        here = frontier.pop()
        for source, target, _ in moves:
            if source == here and target not in reached:
                reached.add(target)
                frontier.append(target)
    return reached


def _compile(p: Policy) -> dict[tuple[str, Stage], tuple[CompiledRule, ...]]:
    table: dict[tuple[str, Stage], list[CompiledRule]] = {}
    for rule in p.rules:
        compiled = CompiledRule(
            rule=rule,
            tests=tuple(
                (
                    g.metric,
                    g.op,
                    (
                        _threshold(p, g.threshold)
                        if isinstance(g.threshold, str)
                        else g.threshold
                    ),
                    g.threshold,
                )
                for g in rule.guards
            ),
            stay=rule.is_stay,
            static_target=(
                rule.target
                if isinstance(rule.target, LoyaltyStage | LifecycleStage)
                else None
            ),
            shown=target_shown(rule),
        )
        for source in rule.sources:
            table.setdefault((rule.event, source), []).append(compiled)
    return {key: tuple(value) for key, value in table.items()}


# The default rules are data, shipped beside this module.
_DEFAULT_RULES: Final = "default_rules.toml"
_OPT_IN_RUNGS: Final = frozenset({"supporter", "partner"})


@functools.cache
def _default_rule_data() -> tuple[dict[str, Any], ...]:
    text = (
        resources.files("customer_centric.relationship")
        .joinpath(_DEFAULT_RULES)
        .read_text(encoding="utf-8")
    )
    return tuple(tomllib.loads(text)["rules"])


def default_rules(
    *, supporter: bool = False, partner: bool = False
) -> tuple[Rule, ...]:
    """The default transition rules, optionally with the opt-in rungs.

    They are read from ``default_rules.toml`` in this package, whose
    comments describe the format: a copy of it is a starting point for a
    firm's own rules. A rule marked ``only_with`` an opt-in rung, and that
    rung among a rule's sources, are left out unless the rung is asked for.

    Examples:
        >>> from customer_centric.relationship._policy import default_rules
        >>> len(default_rules()) < len(default_rules(supporter=True))
        True
    """
    left_out = _OPT_IN_RUNGS - {
        rung
        for rung, wanted in (("supporter", supporter), ("partner", partner))
        if wanted
    }
    return tuple(
        Rule.model_validate(
            {
                **{k: v for k, v in data.items() if k != "only_with"},
                "sources": tuple(
                    s for s in data["sources"] if s not in left_out
                ),
            }
        )
        for data in _default_rule_data()
        if data.get("only_with") not in left_out
    )


DEFAULT_POLICY: Final[Policy] = Policy(rules=default_rules())
"""The default policy: the five-rung ladder and the eight-stage cycle.

Each threshold's reason is documented on :class:`Policy`; each rule's reason
and source is in its ``description`` and on the rules page of the docs.
"""
