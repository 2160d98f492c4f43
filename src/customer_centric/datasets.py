"""Data sets shipped with the package: the synthetic demo base and CDNOW.

The files live in ``customer_centric/data/`` and are read through
:mod:`importlib.resources`, so they work from a wheel, a zip or a source
checkout alike. Each loader parses the whole file into the library's own
records and returns a new tuple on every call.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Final

from customer_centric._types import CustomerId
from customer_centric.exceptions import DataError

if TYPE_CHECKING:
    from customer_centric._customer import Customer
    from customer_centric.relationship._events import Event
    from customer_centric.value._transactions import Transaction

__all__ = ["load_cdnow_sample", "load_demo_customers", "load_demo_events"]

_DEMO_CUSTOMERS: Final = "demo_customers.jsonl"
_DEMO_EVENTS: Final = "demo_events.jsonl"
_CDNOW_SAMPLE: Final = "CDNOW_sample.txt"
_CDNOW_COLUMNS: Final = 5


def _lines(name: str) -> list[str]:
    path = resources.files("customer_centric").joinpath("data").joinpath(name)
    return path.read_text(encoding="utf-8").splitlines()


def load_demo_customers() -> tuple[Customer, ...]:
    """Load the customers of the synthetic demo base.

    A few thousand invented customers of all three types (internal,
    intermediate, external) with partly known profiles, generated from a
    fixed seed by ``scripts/generate_demo_data.py``; their relationship
    events come from :func:`load_demo_events`. Nobody in it is real.

    Returns:
        The customers, in identifier order.

    Examples:
        >>> from collections import Counter
        >>> from customer_centric.datasets import load_demo_customers
        >>> customers = load_demo_customers()
        >>> customers[0].customer_id
        'C00001'
        >>> sorted(Counter(c.type.value for c in customers))
        ['external', 'intermediate', 'internal']

    .. versionadded:: 0.1
    """
    from customer_centric._customer import Customer  # noqa: PLC0415

    return tuple(
        Customer.model_validate_json(line)
        for line in _lines(_DEMO_CUSTOMERS)
        if line
    )


def load_demo_events() -> tuple[Event, ...]:
    """Load the relationship events of the synthetic demo base.

    The interleaved history of every customer of
    :func:`load_demo_customers`, sorted by time: interest, purchases,
    needs profiling, referrals, complaints and their resolution,
    dissatisfaction signals, inactivity checks, closures and win-backs,
    from January 2023 to the monitoring date, 31 December 2025. Replayed
    under the default policy, the base covers every lifecycle stage and
    every rung of the default loyalty ladder.

    Returns:
        The events, oldest first.

    Examples:
        >>> from customer_centric.datasets import load_demo_events
        >>> events = load_demo_events()
        >>> events[0].kind, events[0].event_id
        ('interest_shown', 'E000001')
        >>> all(a.occurred_at <= b.occurred_at
        ...     for a, b in zip(events, events[1:]))
        True

    .. versionadded:: 0.1
    """
    from customer_centric.relationship._events import parse_event  # noqa: PLC0415

    return tuple(parse_event(line) for line in _lines(_DEMO_EVENTS) if line)


def load_cdnow_sample() -> tuple[Transaction, ...]:
    """Load the CDNOW sample: 6,919 purchases by 2,357 customers.

    The 1/10 sample of the customers who first bought at the online music
    retailer CDNOW in the first quarter of 1997, with every purchase to
    30 June 1998 (Fader, Hardie & Lee 2005, "Counting Your Customers the
    Easy Way", *Marketing Science* 24(2); data from Bruce Hardie's notes,
    as shipped by lifetimes). The papers fit on the 39-week calibration
    period ending 30 September 1997 (``time_unit="W"``) and check the
    holdout to 30 June 1998.

    Each :class:`~customer_centric.value.Transaction` has the sample's customer
    number as a zero-padded id (``"0001"`` to ``"2357"``, so ids sort as
    numbers and ``int(id)`` is the ``ID`` of the published summary), the
    date, the dollar amount and the number of CDs. Eight purchases have an
    amount of 0.

    Returns:
        The transactions, in file order (by customer, then date).

    Raises:
        DataError: The shipped file is damaged (a line that does not have
            five columns, or a value that cannot be read).

    Examples:
        >>> from datetime import date
        >>> from customer_centric.datasets import load_cdnow_sample
        >>> from customer_centric.value import rfm_summary
        >>> log = load_cdnow_sample()
        >>> len(log), log[0].customer_id, log[0].amount
        (6919, '0001', Decimal('29.33'))
        >>> s = rfm_summary(log, observation_end=date(1997, 9, 30),
        ...                 time_unit="W", on_late="drop")
        >>> len(s), sum(s.frequency)
        (2357, 2457)

    .. versionadded:: 0.1
    """
    from customer_centric.value._transactions import Transaction  # noqa: PLC0415

    transactions: list[Transaction] = []
    for number, line in enumerate(_lines(_CDNOW_SAMPLE), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != _CDNOW_COLUMNS:
            msg = (
                f"line {number} of {_CDNOW_SAMPLE} has {len(fields)} "
                f"columns, expected {_CDNOW_COLUMNS}: {line!r}; reinstall "
                "customer-centric to restore the file"
            )
            raise DataError(msg)
        _, sample_id, day, quantity, amount = fields
        try:
            transaction = Transaction(
                customer_id=CustomerId(f"{int(sample_id):04d}"),
                occurred_at=date(int(day[:4]), int(day[4:6]), int(day[6:])),
                amount=Decimal(amount),
                quantity=int(quantity),
            )
        except (ValueError, ArithmeticError) as error:
            msg = (
                f"line {number} of {_CDNOW_SAMPLE} cannot be read: {line!r} "
                f"({error}); reinstall customer-centric to restore the file"
            )
            raise DataError(msg) from None
        transactions.append(transaction)
    return tuple(transactions)
