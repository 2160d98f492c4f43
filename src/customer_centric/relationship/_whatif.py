"""What if the policy changed: one history replayed under two policies.

A firm that keeps its rules as data (``current.toml``, ``proposed.toml``)
can ask, before switching, where its customers would stand under the
proposed rules. :func:`compare_policies` replays the same events with
:func:`~customer_centric.relationship.replay_many` under each policy and
compares the outcomes: a stage-by-stage matrix per dimension (rows: the
stage under the current policy, columns: under the proposed one), every
customer who lands elsewhere with the first move that differs, and a short
report.

.. versionadded:: 0.2
"""

from __future__ import annotations

import itertools
import textwrap
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, final

import attrs

from customer_centric._checks import check_choice, check_instance
from customer_centric._display import (
    NO_VALUE,
    Table,
    tables_html,
    tables_markdown,
)
from customer_centric._stages import LifecycleStage
from customer_centric.relationship._engine import (
    Replay,
    _check_events,
    replay_many,
)
from customer_centric.relationship._labels import reason_label
from customer_centric.relationship._policy import (
    DIMENSIONS,
    Dimension,
    Policy,
    Stage,
)

if TYPE_CHECKING:
    from datetime import datetime

    from customer_centric._types import CustomerId
    from customer_centric.relationship._events import Event
    from customer_centric.relationship._state import (
        RelationshipState,
        TransitionRecord,
    )

__all__ = [
    "Divergence",
    "PolicyComparison",
    "StageMatrix",
    "compare_policies",
]

_SHORT: Final = 12
"""Characters of a fingerprint shown, as elsewhere in reports."""
_WIDTH: Final = 80
"""The report's line width: a terminal's."""
_INDENT: Final = "    "
_HTML_ROWS: Final = 20
"""Customers a notebook table lists: the report is a summary."""


def _label(stage: Stage) -> str:
    return stage.info.label_en.lower()


@final
@attrs.frozen(kw_only=True)
class StageMatrix:
    """Customers by stage under two policies, in one dimension.

    Attributes:
        dimension: ``"loyalty"`` or ``"lifecycle"``.
        stages: The stages of the rows and of the columns, in the
            dimension's order (the rungs of both ladders, or the eight
            lifecycle stages).
        counts: ``counts[i][j]`` customers stand in ``stages[i]`` under the
            current policy and in ``stages[j]`` under the proposed one.

    Examples:
        >>> from customer_centric import LoyaltyStage
        >>> from customer_centric.relationship import StageMatrix
        >>> m = StageMatrix(dimension="loyalty",
        ...     stages=(LoyaltyStage.CUSTOMER, LoyaltyStage.CLIENT),
        ...     counts=((5, 0), (2, 3)))
        >>> m.total, m.moved
        (10, 2)
        >>> m.count(LoyaltyStage.CLIENT, LoyaltyStage.CUSTOMER)
        2
        >>> [(a.value, b.value, n) for a, b, n in m.moves()]
        [('client', 'customer', 2)]

    .. versionadded:: 0.2
    """

    dimension: Dimension
    stages: tuple[Stage, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def total(self) -> int:
        """The sum of all cells, which counts every customer once."""
        return sum(map(sum, self.counts))

    @property
    def moved(self) -> int:
        """Customers in another stage under the proposed policy."""
        return self.total - sum(row[i] for i, row in enumerate(self.counts))

    def count(self, current: Stage, proposed: Stage, /) -> int:
        """Customers in ``current`` now and ``proposed`` under the proposal.

        A stage outside :attr:`stages` has no customers: 0.
        """
        if current not in self.stages or proposed not in self.stages:
            return 0
        row = self.counts[self.stages.index(current)]
        return row[self.stages.index(proposed)]

    def moves(self) -> tuple[tuple[Stage, Stage, int], ...]:
        """The cells off the diagonal that hold customers, largest first.

        Ties keep the dimension's order of the current stage, then of the
        proposed one.
        """
        cells = [
            (self.stages[i], self.stages[j], n)
            for i, row in enumerate(self.counts)
            for j, n in enumerate(row)
            if i != j and n
        ]
        return tuple(sorted(cells, key=lambda cell: -cell[2]))


@final
@attrs.frozen(kw_only=True)
class Divergence:
    """A customer who lands elsewhere, and the first move that differs.

    The two histories agree up to :attr:`at`; there, in
    :attr:`dimension`, one policy made a move the other did not make (or
    made another one).

    Attributes:
        customer_id: The customer.
        current: The final state under the current policy.
        proposed: The final state under the proposed policy.
        dimension: The dimension of the first move that differs.
        at: When it happened: the earlier of the two moves.
        current_move: The move the current policy made there, or ``None``
            if it made no further move in that dimension.
        proposed_move: The move the proposed policy made there, or
            ``None``.

    .. versionadded:: 0.2
    """

    customer_id: CustomerId
    current: RelationshipState
    proposed: RelationshipState
    dimension: Dimension
    at: datetime
    current_move: TransitionRecord | None
    proposed_move: TransitionRecord | None

    def describe(self) -> str:
        """One sentence: where the customer lands, and why it differs.

        Stages and reasons show as words (see
        :func:`~customer_centric.relationship.reason_label`).
        """
        return (
            f"{self.customer_id}: {_where(self.current)} -> "
            f"{_where(self.proposed)}; first difference on "
            f"{self.at.date().isoformat()} in {self.dimension}: current "
            f"{_move(self.current_move)}, proposed "
            f"{_move(self.proposed_move)}."
        )


def _where(state: RelationshipState) -> str:
    return f"{_label(state.loyalty)}, {_label(state.lifecycle)}"


def _move(record: TransitionRecord | None) -> str:
    if record is None:
        return "no move"
    when = record.occurred_at.date().isoformat()
    return (
        f"{_label(record.to_stage)} by {record.rule_id} "
        f"({reason_label(record.reason_code)}; "
        f"{record.event_kind.replace('_', ' ')} on {when})"
    )


@final
@attrs.frozen(kw_only=True)
class PolicyComparison:
    """The same history under the current and a proposed policy.

    Attributes:
        current_fingerprint: The current policy's fingerprint.
        proposed_fingerprint: The proposed policy's fingerprint.
        customers: How many customers were replayed.
        loyalty: The loyalty matrix (rows: current, columns: proposed).
        lifecycle: The lifecycle matrix.
        divergences: The customers who land in another stage in either
            dimension, in the order the events first name them.
        rejected_current: Events the current policy refused.
        rejected_proposed: Events the proposed policy refused.

    .. versionadded:: 0.2
    """

    current_fingerprint: str
    proposed_fingerprint: str
    customers: int
    loyalty: StageMatrix
    lifecycle: StageMatrix
    divergences: tuple[Divergence, ...]
    rejected_current: int
    rejected_proposed: int

    @property
    def changed(self) -> bool:
        """Whether any customer lands elsewhere or refusals differ."""
        return bool(self.divergences) or (
            self.rejected_current != self.rejected_proposed
        )

    def matrix(self, dimension: Dimension, /) -> StageMatrix:
        """The matrix of one dimension."""
        check_choice(dimension, DIMENSIONS, name="dimension")
        return self.loyalty if dimension == "loyalty" else self.lifecycle

    def report(
        self,
        *,
        limit: int = 10,
        current_name: str = "current policy",
        proposed_name: str = "proposed policy",
    ) -> str:
        """A short report for people, at most 80 characters a line.

        Args:
            limit: How many customers who land elsewhere to describe.
            current_name: How the report names the current policy.
            proposed_name: How it names the proposed one.

        Returns:
            The headline, each dimension's moves (current stage ->
            proposed stage, with counts), and the first ``limit``
            customers who land elsewhere with the first move that differs.
        """
        check_instance(limit, int, name="limit")
        check_instance(current_name, str, name="current_name")
        check_instance(proposed_name, str, name="proposed_name")
        title = (
            f"What if: {current_name} ({self.current_fingerprint[:_SHORT]})"
            f" -> {proposed_name} ({self.proposed_fingerprint[:_SHORT]})"
        )
        lines = [
            _wrapped(title, first=""),
            _wrapped(_headline(self), first=""),
        ]
        if self.rejected_current or self.rejected_proposed:
            refused = (
                f"Events refused: {self.rejected_current:,} under the "
                f"{current_name}, {self.rejected_proposed:,} under the "
                f"{proposed_name}."
            )
            lines.append(_wrapped(refused, first=""))
        matrices = (self.loyalty, self.lifecycle)
        width = 2 + max(len(label) for m in matrices for label, _ in _rows(m))
        for matrix in matrices:
            lines.extend(("", *_matrix_lines(matrix, width)))
        shown = self.divergences[: max(limit, 0)]
        if shown:
            lines.extend(
                (
                    "",
                    (
                        f"Customers who land elsewhere ({len(shown):,} of "
                        f"{len(self.divergences):,}):"
                    ),
                )
            )
            lines.extend(_wrapped(d.describe()) for d in shown)
        return "\n".join(line.rstrip() for line in lines) + "\n"

    def __repr__(self) -> str:
        """One line: the two fingerprints and how many land elsewhere."""
        return (
            f"PolicyComparison({self.current_fingerprint[:_SHORT]} -> "
            f"{self.proposed_fingerprint[:_SHORT]}: "
            f"{len(self.divergences)} of {self.customers} customers land "
            "elsewhere)"
        )

    def _tables(self) -> tuple[Table, ...]:
        """The matrix moves and the customers, for the notebook displays."""
        caption = (
            f"What if: {self.current_fingerprint[:_SHORT]} -> "
            f"{self.proposed_fingerprint[:_SHORT]}; {_headline(self)}"
        )
        moves = [
            (m.dimension, _label(a), _label(b), n)
            for m in (self.loyalty, self.lifecycle)
            for a, b, n in m.moves()
        ]
        customers = [
            (
                d.customer_id,
                _where(d.current),
                _where(d.proposed),
                d.at.date().isoformat(),
                d.dimension,
                _rule(d.current_move),
                _rule(d.proposed_move),
            )
            for d in self.divergences[:_HTML_ROWS]
        ]
        return (
            Table(
                caption,
                moves,
                header=("dimension", "current", "proposed", "customers"),
            ),
            Table(
                f"Customers who land elsewhere ({len(customers):,} of "
                f"{len(self.divergences):,})",
                customers,
                header=(
                    "customer",
                    "current",
                    "proposed",
                    "first difference",
                    "dimension",
                    "current rule",
                    "proposed rule",
                ),
            ),
        )

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


def _wrapped(text: str, *, first: str = "  ") -> str:
    return textwrap.fill(
        text,
        _WIDTH,
        initial_indent=first,
        subsequent_indent=_INDENT,
        break_on_hyphens=False,
        break_long_words=True,
    )


def _rule(record: TransitionRecord | None) -> str:
    if record is None:
        return NO_VALUE
    return f"{record.rule_id} ({reason_label(record.reason_code)})"


def _headline(comparison: PolicyComparison) -> str:
    moved = len(comparison.divergences)
    share = moved / comparison.customers if comparison.customers else 0.0
    return (
        f"{comparison.customers:,} customers replayed; {moved:,} land "
        f"elsewhere ({share:.1%})."
    )


def _rows(matrix: StageMatrix) -> list[tuple[str, int]]:
    return [("unchanged", matrix.total - matrix.moved)] + [
        (f"{_label(a)} -> {_label(b)}", n) for a, b, n in matrix.moves()
    ]


def _matrix_lines(matrix: StageMatrix, width: int) -> list[str]:
    return [
        f"{matrix.dimension.capitalize()} (current -> proposed):",
        *(
            f"{_INDENT}{label:<{width}}{count:>9,}"
            for label, count in _rows(matrix)
        ),
    ]


def _matrix(
    dimension: Dimension,
    pairs: Sequence[tuple[Stage, Stage]],
    known: Iterable[Stage],
) -> StageMatrix:
    cells = Counter(pairs)
    stages = tuple(
        sorted(
            {*known, *(s for pair in pairs for s in pair)},
            key=lambda s: s.rank,
        )
    )
    return StageMatrix(
        dimension=dimension,
        stages=stages,
        counts=tuple(
            tuple(cells[row, column] for column in stages) for row in stages
        ),
    )


def _key(record: TransitionRecord | None) -> tuple[object, ...] | None:
    # Guards' observed values may differ with thresholds: the move is what
    # matters, not how close the customer came.
    if record is None:
        return None
    return (
        record.from_stage,
        record.to_stage,
        record.rule_id,
        record.reason_code,
        record.occurred_at,
        record.event_id,
        record.event_kind,
    )


def _first_difference(
    current: Replay, proposed: Replay
) -> tuple[
    datetime, int, Dimension, TransitionRecord | None, TransitionRecord | None
]:
    found = []
    for order, dimension in enumerate(DIMENSIONS):
        ours = [r for r in current.history if r.dimension == dimension]
        theirs = [r for r in proposed.history if r.dimension == dimension]
        for a, b in itertools.zip_longest(ours, theirs):
            if _key(a) != _key(b):
                when = min(r.occurred_at for r in (a, b) if r is not None)
                found.append((when, order, dimension, a, b))
                break
    # Final stages differ in some dimension, so its moves differ somewhere.
    return min(found, key=lambda item: item[:2])


def _divergence(current: Replay, proposed: Replay) -> Divergence:
    at, _, dimension, ours, theirs = _first_difference(current, proposed)
    return Divergence(
        customer_id=current.state.customer_id,
        current=current.state,
        proposed=proposed.state,
        dimension=dimension,
        at=at,
        current_move=ours,
        proposed_move=theirs,
    )


def _policy(value: object, name: str) -> Policy:
    return check_instance(
        value, Policy, name=name, what="a Policy, e.g. load_policy(path)"
    )


def compare_policies(
    events: Iterable[Event],
    /,
    *,
    current: Policy,
    proposed: Policy,
    initial: Mapping[CustomerId, RelationshipState] | None = None,
) -> PolicyComparison:
    """Replay one history under two policies and compare the outcomes.

    Both replays are :func:`~customer_centric.relationship.replay_many`
    with ``on_error="collect"``: an event one policy refuses is counted,
    not raised, because refusing it may be the proposal's point.

    Args:
        events: Any customers' events, oldest first per customer.
        current: The policy in force.
        proposed: The policy considered.
        initial: Starting states by customer id, as for ``replay_many``.

    Returns:
        The stage-by-stage matrix of each dimension, the customers who land
        elsewhere with the first move that differs, the refused events, and
        :meth:`PolicyComparison.report`.

    Raises:
        ArgumentTypeError: An argument or event of the wrong type.
        InvariantError: A state in ``initial`` under another customer's id.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import (
        ...     DEFAULT_POLICY, FirstPurchase, RepeatPurchase,
        ...     compare_policies,
        ... )
        >>> days = [datetime(2025, m, 1, tzinfo=UTC) for m in (1, 2, 3)]
        >>> events = [FirstPurchase(customer_id="C-1", occurred_at=days[0]),
        ...     *(RepeatPurchase(customer_id="C-1", occurred_at=d)
        ...       for d in days[1:])]
        >>> stricter = DEFAULT_POLICY.with_thresholds(client_min_purchases=4)
        >>> out = compare_policies(events, current=DEFAULT_POLICY,
        ...                        proposed=stricter)
        >>> out.loyalty.moves()[0][:2]
        (<LoyaltyStage.CLIENT: 'client'>, <LoyaltyStage.CUSTOMER: 'customer'>)
        >>> print(out.divergences[0].describe())
        C-1: client, welcome -> customer, welcome; first difference on \
2025-03-01 in loyalty: current client by loyalty.client (repeat buyer; repeat \
purchase on 2025-03-01), proposed no move.
        >>> compare_policies(events, current=stricter,
        ...                  proposed=stricter).changed
        False

    .. versionadded:: 0.2
    """
    _check_events(events)
    _policy(current, "current")
    _policy(proposed, "proposed")
    history = tuple(events)
    ours = replay_many(
        history, policy=current, initial=initial, on_error="collect"
    )
    theirs = replay_many(
        history, policy=proposed, initial=initial, on_error="collect"
    )
    divergences = tuple(
        _divergence(replay, theirs[cid])
        for cid, replay in ours.items()
        if (replay.state.loyalty, replay.state.lifecycle)
        != (theirs[cid].state.loyalty, theirs[cid].state.lifecycle)
    )
    return PolicyComparison(
        current_fingerprint=current.fingerprint,
        proposed_fingerprint=proposed.fingerprint,
        customers=len(ours),
        loyalty=_matrix(
            "loyalty",
            [
                (r.state.loyalty, theirs[c].state.loyalty)
                for c, r in ours.items()
            ],
            (*current.ladder, *proposed.ladder),
        ),
        lifecycle=_matrix(
            "lifecycle",
            [
                (r.state.lifecycle, theirs[c].state.lifecycle)
                for c, r in ours.items()
            ],
            tuple(LifecycleStage),
        ),
        divergences=divergences,
        rejected_current=_rejected(ours.values()),
        rejected_proposed=_rejected(theirs.values()),
    )


def _rejected(replays: Iterable[Replay]) -> int:
    return sum(len(r.rejected) for r in replays)
