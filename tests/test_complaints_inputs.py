"""Issue 7 for complaints: frozen records, decimal contexts, bad inputs."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from decimal import Decimal

import pytest
from pydantic import BaseModel

from customer_centric import (
    DEFAULT_TRIAGE_POLICY,
    PRIMARY_STUDIES,
    ComplaintStatus,
    DepartureReason,
    Priority,
    ProblemSize,
    RecoveryPath,
    ServiceLevelProfile,
    ServiceTarget,
    Severity,
    TriagePolicy,
    WinBackRates,
    repurchase_probability,
)
from customer_centric._frozen import FrozenDict

RESPOND = ServiceTarget(
    milestone=ComplaintStatus.RESPONDED, within=5, unit="business_days"
)
PROFILE = ServiceLevelProfile(
    name="retail", targets=dict.fromkeys(Priority, (RESPOND,))
)
RATES = WinBackRates(
    name="campaign",
    source="our data",
    rates={DepartureReason.MOVED_HOME: Decimal("0.3")},
)


def _set_triage() -> None:
    DEFAULT_TRIAGE_POLICY.severity_priority[Severity.CRITICAL] = (  # type: ignore[index]
        Priority.LOW
    )


def _set_repurchase_cell() -> None:
    row = PRIMARY_STUDIES.repurchase[RecoveryPath.RESOLVED_QUICKLY]
    row[ProblemSize.SMALL] = PRIMARY_STUDIES.small_problem_max  # type: ignore[index]


def _set_repurchase_row() -> None:
    PRIMARY_STUDIES.repurchase[RecoveryPath.RESOLVED_QUICKLY] = {}  # type: ignore[index]


def _set_rate() -> None:
    RATES.rates[DepartureReason.MOVED_HOME] = Decimal(7)  # type: ignore[index]


def _set_targets() -> None:
    PROFILE.targets[Priority.URGENT] = ()  # type: ignore[index]


@pytest.mark.parametrize(
    "mutate",
    [
        _set_triage,
        _set_repurchase_cell,
        _set_repurchase_row,
        _set_rate,
        _set_targets,
    ],
    ids=[
        "triage-severity-priority",
        "repurchase-cell",
        "repurchase-row",
        "win-back-rate",
        "service-targets",
    ],
)
def test_record_mappings_refuse_changes_in_place(
    mutate: Callable[[], None],
) -> None:
    """No caller can change a mapping inside a record another caller holds."""
    with pytest.raises(TypeError, match="does not support item assignment"):
        mutate()
    assert (
        DEFAULT_TRIAGE_POLICY.severity_priority[Severity.CRITICAL]
        is Priority.URGENT
    )
    assert repurchase_probability(
        RecoveryPath.RESOLVED_QUICKLY,
        ProblemSize.SMALL,
        assumptions=PRIMARY_STUDIES,
    ).expected == Decimal("0.9500")


def test_record_copies_the_callers_dict() -> None:
    """Changing the dict a record was built from leaves the record alone."""
    table = {DepartureReason.MOVED_HOME: Decimal("0.3")}
    rates = WinBackRates(name="mine", source="data", rates=table)
    table[DepartureReason.MOVED_HOME] = Decimal("0.9")
    assert rates.rates[DepartureReason.MOVED_HOME] == Decimal("0.3")


@pytest.mark.parametrize(
    "record",
    [DEFAULT_TRIAGE_POLICY, PRIMARY_STUDIES, RATES, PROFILE],
    ids=["triage-policy", "assumption-set", "win-back-rates", "profile"],
)
def test_frozen_records_round_trip_json_pickle_and_copy(
    record: BaseModel,
) -> None:
    """Records with frozen mappings survive JSON, pickle and deep copy."""
    kind = type(record)
    assert kind.model_validate_json(record.model_dump_json()) == record
    assert pickle.loads(pickle.dumps(record)) == record  # noqa: S301
    assert copy.deepcopy(record) == record
    assert kind.model_validate(record.model_dump()) == record


def test_frozen_records_hash_by_value() -> None:
    """Equal policies hash equal, so they can key a cache."""
    assert hash(TriagePolicy()) == hash(DEFAULT_TRIAGE_POLICY)


def test_frozen_dict_is_read_only_and_compares_as_a_mapping() -> None:
    """A FrozenDict equals a dict with its items and refuses attributes."""
    frozen = FrozenDict({"a": 1})
    assert frozen == {"a": 1}
    assert frozen != {"a": 2}
    assert frozen != [("a", 1)]
    assert repr(frozen) == "FrozenDict({'a': 1})"
    assert len(frozen) == 1
    assert list(frozen) == ["a"]
    with pytest.raises(AttributeError, match="read-only"):
        frozen._data = {}  # type: ignore[misc]
