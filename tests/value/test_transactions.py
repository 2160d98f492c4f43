from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import Transaction
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.value import (
    days_per_unit,
    rfm_calibration_holdout,
    rfm_summary,
    validate_rfm_summary,
)
from customer_centric.value._transactions import TimeUnit
from strategies import transaction_logs, transactions

CALIBRATION_END = date(1997, 9, 30)
HOLDOUT_END = date(1998, 6, 30)


def _cdnow(shared_data: Path) -> list[Transaction]:
    rows = []
    text = (shared_data / "CDNOW_sample.txt").read_text(encoding="ascii")
    for line in text.splitlines():
        _, customer, day, cds, dollars = line.split()
        rows.append(
            Transaction(
                customer_id=str(int(customer)),
                occurred_at=date(int(day[:4]), int(day[4:6]), int(day[6:])),
                amount=Decimal(dollars),
                quantity=int(cds),
            )
        )
    return rows


@pytest.fixture(scope="module")
def cdnow(shared_data: Path) -> list[Transaction]:
    """The CDNOW 1/10 sample as Transaction records."""
    return _cdnow(shared_data)


def _t(customer: str, day: int, amount: str | None = None) -> Transaction:
    return Transaction(
        customer_id=customer,
        occurred_at=date(2024, 1, day),
        amount=None if amount is None else Decimal(amount),
    )


def test_reproduces_the_cdnow_summary(
    cdnow: list[Transaction], shared_data: Path
):
    """The 39-week CDNOW summary matches lifetimes' published file."""
    split = rfm_calibration_holdout(
        cdnow,
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
    )
    summary = split.calibration
    path = shared_data / "cdnow_customers_summary.csv"
    with path.open(encoding="ascii") as handle:
        expected = {row["ID"]: row for row in csv.DictReader(handle)}
    assert len(summary) == len(expected) == 2357
    for i, customer in enumerate(summary.customer_ids):
        row = expected[customer]
        assert summary.frequency[i] == int(row["frequency"])
        assert round(summary.recency[i], 2) == float(row["recency"])
        assert round(summary.T[i], 2) == float(row["T"])


def test_reproduces_the_cdnow_mean_repeat_spend(
    cdnow: list[Transaction], shared_data: Path
):
    """monetary_value is zbar, the mean spend per repeat purchase day."""
    summary = rfm_summary(
        cdnow, observation_end=CALIBRATION_END, time_unit="W", on_late="drop"
    )
    path = shared_data / "cdnow_customers_summary_with_transactions.csv"
    with path.open(encoding="ascii") as handle:
        expected = {row["ID"]: row for row in csv.DictReader(handle)}
    assert summary.monetary_value is not None
    for customer, x, value in zip(
        summary.customer_ids,
        summary.frequency,
        summary.monetary_value,
        strict=True,
    ):
        row = expected[customer]
        assert x == int(row["x"])
        # The file was rounded half up (R), not half to even.
        cents = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert cents == Decimal(row["zbar"])
    validate_rfm_summary(
        summary.frequency,
        summary.recency,
        summary.T,
        customer_ids=summary.customer_ids,
        monetary_value=summary.monetary_value,
    )


def test_cdnow_holdout_counts_every_purchase_day(cdnow: list[Transaction]):
    """Holdout frequency counts distinct days in weeks 40 to 78."""
    split = rfm_calibration_holdout(
        cdnow,
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
    )
    days: dict[str, set[date]] = {}
    for t in cdnow:
        if CALIBRATION_END < t.day <= HOLDOUT_END:
            days.setdefault(t.customer_id, set()).add(t.day)
    assert split.frequency_holdout == tuple(
        len(days.get(c, ())) for c in split.calibration.customer_ids
    )
    assert split.duration_holdout == pytest.approx(39.0)
    assert split.holdout_end == HOLDOUT_END


def test_same_day_purchases_count_once_and_add_up():
    """Several transactions on one day are one purchase; amounts summed."""
    log = [
        _t("A", 1, "5"),
        _t("A", 3, "10"),
        _t("A", 3, "20"),
        _t("A", 5, "60"),
    ]
    summary = rfm_summary(log, observation_end=date(2024, 1, 8))
    assert summary.frequency == (2,)
    assert summary.recency == (4.0,)
    assert summary.T == (7.0,)
    assert summary.monetary_value == (Decimal(45),)


def test_first_purchase_counts_when_asked():
    """first_purchase_counts includes the first day in x and the mean."""
    log = [_t("A", 1, "5"), _t("A", 3, "10")]
    summary = rfm_summary(
        log, observation_end=date(2024, 1, 8), first_purchase_counts=True
    )
    assert summary.frequency == (2,)
    assert summary.monetary_value == (Decimal("7.5"),)
    assert summary.first_purchase_counts


def test_single_purchase_customers_have_zero_value():
    """A customer with no repeat purchase has x 0, recency 0, value 0."""
    summary = rfm_summary([_t("A", 2, "9")], observation_end=date(2024, 1, 2))
    assert (summary.frequency, summary.recency, summary.T) == (
        (0,),
        (0.0,),
        (0.0,),
    )
    assert summary.monetary_value == (Decimal(0),)


@pytest.mark.parametrize(
    ("unit", "days"),
    [
        ("D", 1.0),
        ("W", 7.0),
        ("M", 30.4375),
        ("Q", 91.3125),
        ("Y", 365.25),
        (timedelta(days=30), 30.0),
    ],
    ids=["day", "week", "month", "quarter", "year", "30-day-month"],
)
def test_time_units_scale_recency_and_t(
    unit: TimeUnit | timedelta, days: float
):
    """Recency and T are days divided by the unit's length."""
    log = [_t("A", 1), _t("A", 15)]
    summary = rfm_summary(
        log, observation_end=date(2024, 1, 29), time_unit=unit
    )
    assert days_per_unit(unit) == days
    assert summary.recency == (14 / days,)
    assert (28 / days,) == summary.T  # SIM300 mistakes T for a constant
    assert summary.time_unit == unit


@pytest.mark.parametrize(
    "unit", ["fortnight", timedelta(0)], ids=["unknown", "zero"]
)
def test_unknown_time_units_are_rejected(unit: object):
    """A unit outside TimeUnit, or an empty timedelta, raises."""
    with pytest.raises(InvariantError, match="time_unit"):
        rfm_summary(
            [_t("A", 1)],
            observation_end=date(2024, 1, 2),
            time_unit=unit,  # type: ignore[arg-type]
        )


def test_aware_datetimes_count_on_their_own_calendar_date():
    """A datetime counts on its date in its own UTC offset."""
    tehran = timezone(timedelta(hours=3, minutes=30))
    log = [
        Transaction(
            customer_id="A",
            occurred_at=datetime(2024, 1, 1, 23, 0, tzinfo=UTC),
        ),
        Transaction(
            customer_id="A",
            occurred_at=datetime(2024, 1, 2, 2, 0, tzinfo=tehran),
        ),
    ]
    summary = rfm_summary(
        log, observation_end=datetime(2024, 1, 3, 12, tzinfo=UTC)
    )
    assert summary.frequency == (1,)
    assert summary.recency == (1.0,)
    assert summary.observation_end == date(2024, 1, 3)
    assert summary.monetary_value is None


def test_customers_come_out_sorted_and_input_is_not_mutated():
    """The summary is sorted by customer id; the input list is unchanged."""
    log = [_t("B", 2), _t("C", 1), _t("A", 3)]
    before = list(log)
    summary = rfm_summary(log, observation_end=date(2024, 1, 9))
    assert summary.customer_ids == ("A", "B", "C")
    assert log == before


def test_transaction_round_trips_through_json():
    """Dates and aware datetimes survive model_dump_json and back."""
    for when in (
        date(2024, 2, 29),
        datetime(2024, 2, 29, 9, 30, tzinfo=timezone(timedelta(hours=-5))),
    ):
        t = Transaction(
            customer_id="A",
            occurred_at=when,
            amount=Decimal("1.10"),
            quantity=3,
        )
        again = Transaction.model_validate_json(t.model_dump_json())
        assert again == t
        assert type(again.occurred_at) is type(when)


@pytest.mark.parametrize(
    "fields",
    [
        {"occurred_at": datetime(2024, 1, 1, 12)},  # noqa: DTZ001 - the point
        {"occurred_at": "2024-01-01T12:00:00"},
        {"occurred_at": "01/02/2024"},
        {"amount": Decimal("-0.01")},
        {"quantity": -1},
        {"extra": 1},
        {"amount": Decimal("1e999999")},
        {"amount": Decimal("NaN")},
        {"amount": float("inf")},
        {"amount": "lots"},
        {"amount": 10**400},
        {"quantity": 10**400},
        {"customer_id": None},
        {"occurred_at": None},
    ],
    ids=[
        "naive",
        "naive-string",
        "not-iso",
        "negative-amount",
        "negative-quantity",
        "extra",
        "huge-amount",
        "nan-amount",
        "inf-amount",
        "text-amount",
        "huge-int-amount",
        "huge-quantity",
        "no-customer",
        "no-time",
    ],
)
def test_transaction_rejects_bad_fields(fields: dict[str, object]):
    """Naive times, bad dates, negative money and unknown fields fail."""
    data: dict[str, object] = {
        "customer_id": "A",
        "occurred_at": date(2024, 1, 1),
    }
    data.update(fields)
    with pytest.raises(ValidationError):
        Transaction.model_validate(data)


def test_empty_log_raises():
    """No transactions at all is a DataError."""
    with pytest.raises(DataError, match="no transactions"):
        rfm_summary([], observation_end=date(2024, 1, 1))


def test_late_transactions_are_named():
    """Transactions after the observation end are listed by row."""
    log = [_t("A", 1)] + [_t(f"L{i}", 20) for i in range(7)]
    with pytest.raises(DataError) as info:
        rfm_summary(log, observation_end=date(2024, 1, 10))
    message = str(info.value)
    assert "7 transaction(s) fall after the observation end 2024-01-10" in (
        message
    )
    assert "row 1 (customer 'L0', 2024-01-20)" in message
    assert "and 2 more" in message
    assert "on_late='drop'" in message


def test_late_transactions_can_be_dropped():
    """on_late='drop' ignores them."""
    log = [_t("A", 1), _t("A", 20), _t("B", 25)]
    summary = rfm_summary(
        log, observation_end=date(2024, 1, 10), on_late="drop"
    )
    assert summary.customer_ids == ("A",)
    assert summary.frequency == (0,)


def test_nothing_before_the_observation_end_raises():
    """If every transaction is late and dropped, there is no summary."""
    with pytest.raises(DataError, match="later observation_end"):
        rfm_summary(
            [_t("A", 20)], observation_end=date(2024, 1, 1), on_late="drop"
        )


def test_mixed_amounts_are_named():
    """Some transactions with an amount and some without raise."""
    with pytest.raises(DataError, match=r"1 of 2 .*row 1 \(customer 'A'"):
        rfm_summary(
            [_t("A", 1, "3"), _t("A", 2)], observation_end=date(2024, 1, 9)
        )


def test_non_transactions_are_rejected():
    """Items that are not Transaction records raise, naming the row."""
    with pytest.raises(DataError, match="row 1 is"):
        rfm_summary(
            [_t("A", 1), {"customer_id": "A"}],  # type: ignore[list-item]
            observation_end=date(2024, 1, 9),
        )


def test_calibration_end_must_precede_observation_end():
    """A holdout period needs calibration_end < observation_end."""
    with pytest.raises(DataError, match="must come before"):
        rfm_calibration_holdout(
            [_t("A", 1)],
            calibration_end=date(2024, 1, 9),
            observation_end=date(2024, 1, 9),
        )


def test_holdout_excludes_customers_first_seen_in_the_holdout():
    """Customers new in the holdout are not in the split; amounts kept."""
    log = [
        _t("A", 1, "1"),
        _t("A", 10, "4"),
        _t("A", 10, "6"),
        _t("A", 12, "20"),
        _t("B", 11, "7"),
        _t("C", 2, "3"),
    ]
    split = rfm_calibration_holdout(
        log,
        calibration_end=date(2024, 1, 5),
        observation_end=date(2024, 1, 15),
    )
    assert split.calibration.customer_ids == ("A", "C")
    assert split.frequency_holdout == (2, 0)
    assert split.monetary_value_holdout == (Decimal(15), Decimal(0))
    assert split.duration_holdout == 10.0
    assert len(split) == 2


@pytest.mark.parametrize(
    ("columns", "match"),
    [
        (([1], [0.0, 1.0], [2.0, 2.0]), "same length"),
        (([], [], []), "empty"),
        (([1.5], [1.0], [2.0]), "whole number"),
        (([-1], [0.0], [2.0]), "whole number"),
        (([1], [-1.0], [2.0]), "recency must be >= 0"),
        (([0], [0.0], [-2.0]), "T must be >= 0"),
        (([1], [3.0], [2.0]), r"recency must be <= T.*recency=3.0, T=2.0"),
        (([0], [1.0], [2.0]), "recency must be 0 when frequency is 0"),
        (([1], [float("nan")], [2.0]), "finite"),
        (([1], ["x"], [2.0]), "finite"),
        (([True], [1.0], [2.0]), "finite"),
        (([10**400], [1.0], [2.0]), "finite"),
        (([1], [Decimal("1e999999")], [2.0]), "finite"),
        (([1], [1.0], [float("inf")]), "finite"),
    ],
    ids=[
        "ragged",
        "empty",
        "fractional-frequency",
        "negative-frequency",
        "negative-recency",
        "negative-t",
        "recency-above-t",
        "recency-without-repeat",
        "nan",
        "text",
        "bool",
        "huge-int",
        "huge-decimal",
        "infinite",
    ],
)
def test_validate_rfm_summary_names_bad_rows(
    columns: tuple[list[object], list[object], list[object]], match: str
):
    """Each broken rule raises a DataError naming the rule and rows."""
    with pytest.raises(DataError, match=match):
        validate_rfm_summary(*columns)  # type: ignore[arg-type]


def test_validate_rfm_summary_checks_ids_and_money():
    """Duplicate customers and negative monetary values raise."""
    with pytest.raises(
        DataError, match=r"row 2 \(customer 'A', first at row 0"
    ):
        validate_rfm_summary(
            [0, 0, 0], [0, 0, 0], [1, 1, 1], customer_ids=["A", "B", "A"]
        )
    with pytest.raises(
        DataError, match=r"row 0 \(customer 'A', monetary_value=-1\)"
    ):
        validate_rfm_summary(
            [0], [0], [1], customer_ids=["A"], monetary_value=[-1]
        )


def test_validate_rfm_summary_reports_how_many_more():
    """Beyond five offending rows the message counts the rest."""
    with pytest.raises(DataError, match="and 3 more"):
        validate_rfm_summary([1] * 8, [5.0] * 8, [1.0] * 8)


@given(transaction=transactions)
def test_transaction_json_round_trip_property(transaction: Transaction):
    """Any transaction survives JSON and keeps its calendar day."""
    again = Transaction.model_validate_json(transaction.model_dump_json())
    assert again == transaction
    assert again.day == transaction.day


@given(data=st.data())
def test_summary_invariants_and_order_independence(data: st.DataObject):
    """0 <= recency <= T, valid summary, same result in any order."""
    log = data.draw(transaction_logs())
    summary = rfm_summary(log, observation_end=date(2024, 2, 1), time_unit="W")
    validate_rfm_summary(
        summary.frequency,
        summary.recency,
        summary.T,
        customer_ids=summary.customer_ids,
        monetary_value=summary.monetary_value,
    )
    for customer, x in zip(
        summary.customer_ids, summary.frequency, strict=True
    ):
        days = {t.day for t in log if t.customer_id == customer}
        assert x == len(days) - 1
    shuffled = data.draw(st.permutations(log))
    assert (
        rfm_summary(shuffled, observation_end=date(2024, 2, 1), time_unit="W")
        == summary
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"observation_end": None}, ArgumentTypeError, "observation_end"),
        ({"observation_end": "2024-01-31"}, ArgumentTypeError, "a date"),
        (
            {"observation_end": datetime(2024, 1, 31)},  # noqa: DTZ001
            InvariantError,
            "naive",
        ),
        ({"time_unit": None}, ArgumentTypeError, "time_unit"),
        ({"time_unit": ["D"]}, ArgumentTypeError, "time_unit"),
        ({"on_late": "ignore"}, InvariantError, "on_late"),
        ({"first_purchase_counts": "yes"}, ArgumentTypeError, "first_"),
        ({"first_purchase_counts": None}, ArgumentTypeError, "first_"),
    ],
    ids=[
        "no-end",
        "text-end",
        "naive-end",
        "no-unit",
        "list-unit",
        "bogus-on-late",
        "text-flag",
        "none-flag",
    ],
)
def test_rfm_options_are_checked(
    kwargs: dict[str, object], error: type[Exception], match: str
):
    """Wrong options raise our error naming them, in both summaries."""
    with pytest.raises(error, match=match):
        rfm_summary(
            [_t("A", 1)],
            **{"observation_end": date(2024, 1, 31), **kwargs},  # type: ignore[arg-type]
        )
    holdout_kwargs = {
        "calibration_end": date(2024, 1, 2),
        "observation_end": date(2024, 1, 31),
        **kwargs,
    }
    with pytest.raises(error, match=match):
        rfm_calibration_holdout([_t("A", 1)], **holdout_kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "calibration_end",
    [None, datetime(2024, 1, 2)],  # noqa: DTZ001 - the point
    ids=["none", "naive"],
)
def test_calibration_end_is_checked(calibration_end: object):
    """calibration_end must be a date or an aware datetime."""
    with pytest.raises((ArgumentTypeError, InvariantError), match="calib"):
        rfm_calibration_holdout(
            [_t("A", 1)],
            calibration_end=calibration_end,  # type: ignore[arg-type]
            observation_end=date(2024, 1, 31),
        )


@pytest.mark.parametrize("log", [None, 42], ids=["none", "number"])
def test_a_log_that_is_not_iterable_is_refused(log: object):
    """A log that is not an iterable of records is refused by name."""
    with pytest.raises(ArgumentTypeError, match="transactions"):
        rfm_summary(log, observation_end=date(2024, 1, 31))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="transactions"):
        rfm_calibration_holdout(
            log,  # type: ignore[arg-type]
            calibration_end=date(2024, 1, 2),
            observation_end=date(2024, 1, 31),
        )


def test_an_aware_observation_end_counts_on_its_date():
    """An aware datetime as observation_end counts on its calendar date."""
    summary = rfm_summary(
        [_t("A", 1)],
        observation_end=datetime(2024, 1, 31, 23, tzinfo=UTC),
    )
    assert summary.observation_end == date(2024, 1, 31)


@pytest.mark.parametrize(
    ("first", "end"),
    [
        (date(1, 1, 1), date(9999, 12, 31)),
        (
            datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=5))),
            datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
        ),
    ],
    ids=["dates", "aware-datetimes-at-the-edges"],
)
def test_summaries_span_the_whole_calendar(first: date, end: date):
    """Year 1 to year 9999 summarises without overflowing."""
    log = [Transaction(customer_id="A", occurred_at=first)]
    summary = rfm_summary(log, observation_end=end, time_unit="Y")
    assert summary.T[0] == pytest.approx(9999, abs=1)


@pytest.mark.parametrize(
    ("columns", "kwargs"),
    [
        ((None, [0.0], [1.0]), {}),
        (([0], "0", [1.0]), {}),
        (([0], [0.0], [1.0]), {"customer_ids": "A"}),
        (([0], [0.0], [1.0]), {"monetary_value": 3}),
    ],
    ids=["none-frequency", "text-recency", "text-ids", "number-money"],
)
def test_validate_rfm_summary_needs_sequences(
    columns: tuple[object, object, object], kwargs: dict[str, object]
):
    """Each column must be a sequence, not None, a string or a number."""
    with pytest.raises(ArgumentTypeError, match="a sequence"):
        validate_rfm_summary(*columns, **kwargs)  # type: ignore[arg-type]


def test_validate_rfm_summary_accepts_arrays():
    """Arrays from numpy are columns too."""
    np = pytest.importorskip("numpy")
    validate_rfm_summary(
        np.array([1, 0]), np.array([2.0, 0]), np.array([3.0, 3])
    )


def test_validate_rfm_summary_needs_text_ids():
    """Customer ids that are not strings are named, not a bare TypeError."""
    with pytest.raises(DataError, match=r"row 1 \(customer_ids=\[2\]\)"):
        validate_rfm_summary(
            [0, 0],
            [0, 0],
            [1, 1],
            customer_ids=["A", [2]],  # type: ignore[list-item]
        )
