"""The loyalty-ladder funnel of a customer base: where they are, how far."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import final

import attrs
from pydantic import BaseModel

from customer_centric._display import tables_html, tables_markdown
from customer_centric._stages import LoyaltyStage
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.relationship._policy import (
    DEFAULT_POLICY,
    Policy,
    check_policy,
)
from customer_centric.relationship._shown import funnel_repr, funnel_tables
from customer_centric.relationship._state import RelationshipState, check_state

__all__ = ["FunnelRung", "LoyaltyFunnel", "loyalty_funnel"]


@final
@attrs.frozen(kw_only=True)
class FunnelRung:
    """One rung of the ladder in a funnel.

    Attributes:
        stage: The rung.
        current: Customers on this rung now.
        reached: Customers whose peak rung is this one or higher: everyone
            the firm ever brought this far, including those who fell back.
        share: ``current`` as a share of all customers (0 when there are
            none).

    .. versionadded:: 0.1
    """

    stage: LoyaltyStage
    current: int
    reached: int
    share: float


@final
@attrs.frozen(kw_only=True)
class LoyaltyFunnel:
    """The loyalty ladder of a customer base, lowest rung first.

    Attributes:
        rungs: One :class:`FunnelRung` per rung of the policy's ladder.
        customers: How many states were counted.

    Examples:
        ``repr`` is one line; in Jupyter a funnel shows as a table of the
        rungs with the customers now, their share, how many ever reached
        the rung and the conversion from the rung below:

        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import loyalty_funnel
        >>> funnel = loyalty_funnel([RelationshipState(customer_id="A")])
        >>> funnel
        LoyaltyFunnel(customers=1, suspect=1, prospect=0, customer=0, \
client=0, advocate=0)
        >>> "Suspect" in funnel._repr_html_()
        True

    .. versionadded:: 0.1
    """

    rungs: tuple[FunnelRung, ...]
    customers: int

    def __repr__(self) -> str:
        """One line: customers, then the number on each rung."""
        return funnel_repr(self)

    def _repr_html_(self) -> str:
        return tables_html(funnel_tables(self))

    def _repr_markdown_(self) -> str:
        return tables_markdown(funnel_tables(self))

    def conversion(self, stage: LoyaltyStage, /) -> float | None:
        """Share of those who reached the rung below who also reached this.

        ``None`` for the lowest rung, or when nobody reached the one below.

        Examples:
            >>> from customer_centric import LoyaltyStage, RelationshipState
            >>> from customer_centric.relationship import loyalty_funnel
            >>> base = [RelationshipState(customer_id=f"C-{i}")
            ...         for i in range(3)]
            >>> base.append(RelationshipState(
            ...     customer_id="C-9", loyalty="prospect",
            ...     peak_loyalty="prospect"))
            >>> loyalty_funnel(base).conversion(LoyaltyStage.PROSPECT)
            0.25
        """
        stages = [rung.stage for rung in self.rungs]
        if stage not in stages:
            shown = ", ".join(repr(s.value) for s in stages)
            msg = (
                f"stage must be a rung of this funnel's ladder ({shown}), "
                f"got {stage!r}; pass a LoyaltyStage on the ladder"
            )
            raise InvariantError(msg)
        index = stages.index(stage)
        if index == 0 or self.rungs[index - 1].reached == 0:
            return None
        return self.rungs[index].reached / self.rungs[index - 1].reached


def loyalty_funnel(
    states: Iterable[RelationshipState], /, *, policy: Policy = DEFAULT_POLICY
) -> LoyaltyFunnel:
    """Count a customer base on the policy's loyalty ladder.

    The ladder (Christopher, Payne & Ballantyne 1991) is a funnel: everyone
    starts as a suspect and fewer reach each rung. ``current`` counts where
    customers stand now; ``reached`` counts their peak rung, so a client who
    fell back to customer still counts as having reached client. Current
    stage and peak stage are different facts (DESIGN.md §1.2).

    Args:
        states: One relationship state per customer.
        policy: Gives the ladder's rungs (opt-in rungs included).

    Returns:
        The funnel, lowest rung first.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import loyalty_funnel
        >>> base = [
        ...     RelationshipState(customer_id="A"),
        ...     RelationshipState(customer_id="B", loyalty="customer",
        ...                       peak_loyalty="client"),
        ... ]
        >>> funnel = loyalty_funnel(base)
        >>> [(r.stage.value, r.current, r.reached) for r in funnel.rungs]
        [('suspect', 1, 2), ('prospect', 0, 1), ('customer', 1, 1),
         ('client', 0, 1), ('advocate', 0, 0)]

    .. versionadded:: 0.1
    """
    check_policy(policy)
    given: object = states
    if not isinstance(given, Iterable) or isinstance(
        given, str | bytes | Mapping | BaseModel
    ):
        raise ArgumentTypeError.for_argument(
            "states", states, "an iterable of RelationshipState records"
        )
    current: Counter[LoyaltyStage] = Counter()
    peaks: Counter[int] = Counter()
    for index, item in enumerate(states):
        state = check_state(item, name=f"states[{index}]")
        current[state.loyalty] += 1
        peaks[state.peak_loyalty.rank] += 1
    total = sum(current.values())
    rungs = tuple(
        FunnelRung(
            stage=stage,
            current=current[stage],
            reached=sum(n for rank, n in peaks.items() if rank >= stage.rank),
            share=current[stage] / total if total else 0.0,
        )
        for stage in policy.ladder
    )
    return LoyaltyFunnel(rungs=rungs, customers=total)
