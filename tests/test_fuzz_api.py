"""Fuzz the whole public API with valid and adversarial arguments.

Every public function, and every public record's constructor, is called
with arguments drawn per parameter: a valid value for its annotation, or an
adversarial one (``None``, wrong types, NaN, infinities, huge numbers, naive
or out-of-range datetimes, unknown options, empty or ill-typed sequences).
Whatever happens must be one of three things:

- it returns an answer with no NaN in it;
- it raises one of our errors (:class:`CustomerCentricError`), or pydantic's
  ``ValidationError`` at a record boundary, with a message;
- never a bare ``TypeError``, ``AttributeError``, ``OverflowError``, decimal
  error or warning turned error.

Inputs are never mutated, whatever the outcome. The ``ci`` hypothesis
profile runs twice the examples of ``dev``; ``HYPOTHESIS_PROFILE=fuzz``
runs 2,000 per callable.
"""

from __future__ import annotations

import copy
import enum
import inspect
import math
import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import customer_centric as cc
import strategies as domain
from customer_centric import (
    clv,
    complaints,
    frames,
    kano,
    plot,
    records,
    relationship,
    risk,
    value,
)
from customer_centric.exceptions import CustomerCentricError

_NEW_YORK = ZoneInfo("America/New_York")

ADVERSARIAL: tuple[object, ...] = (
    None,
    True,
    -1,
    0,
    10**400,
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -5e-324,
    Decimal("NaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("1e999999"),
    Decimal(-1),
    Decimal("1e-999999"),
    "",
    "bogus",
    "[/]:100:",
    datetime(2026, 1, 5),  # noqa: DTZ001 - a naive datetime is the point
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=_NEW_YORK),
    date(1, 1, 1),
    date(9999, 12, 31),
    timedelta(days=-1),
    [],
    [None],
    [math.nan, 1.0],
    ["x", -1],
    (),
    {},
    {"bogus": 1},
    object(),
)
"""Values no public function should mishandle."""

_DEPTH = 6
"""How deep arguments and answers are looked into: enough for any here."""

_finite_floats = st.floats(0.0, 100.0)
_numbers = st.lists(_finite_floats, min_size=1, max_size=4)
_VALID: tuple[tuple[str, st.SearchStrategy[Any]], ...] = (
    # Matched against the annotation's text in this order: specific first.
    ("BusinessHours", domain.business_hours()),
    ("ClockTarget", domain.clock_targets),
    ("SlaMetric", domain.sla_metrics),
    ("SlaPolicy", domain.sla_policies()),
    # Health scorecards: many snapshots before one, then the records.
    ("Scorecard", domain.scorecards()),
    ("HealthProfile", domain.health_profiles()),
    (r"tuple\[Measure,", st.lists(domain.health_measures(), min_size=1)),
    ("Measure", domain.health_measures()),
    (r"Sequence\[HealthSnapshot", st.lists(domain.health_snapshots)),
    ("HealthSnapshot", domain.health_snapshots),
    ("HealthScore", domain.health_scores()),
    (r"Mapping\[str, float\]", domain.coefficients | domain.health_values),
    (r"Mapping\[str, float", domain.health_values),
    (r"Iterable\[Complaint", st.lists(domain.complaints(), max_size=2)),
    ("ClvSettings", domain.clv_settings()),
    # Covariates: paths, tables (per customer or long) and first purchases
    # (before "date"); coefficients share the health values' mapping.
    ("CovariatePaths", domain.covariate_path_sets()),
    ("Covariates", domain.covariate_tables()),
    (r"Mapping\[str, date", domain.first_purchase_days),
    ("CalibrationHoldout", domain.calibration_splits()),
    ("RFMSummary", domain.rfm_summaries()),
    ("RFMScores", domain.rfm_score_sets()),
    (r"Sequence\[SegmentRule", st.lists(domain.segment_rules, max_size=3)),
    (
        r"Mapping\[str, LoyaltyStage",
        st.dictionaries(
            st.sampled_from(["Gold", "Lost"]), domain.loyalty_stages
        ),
    ),
    (
        r"Mapping\[str, PurchaseModel",
        st.dictionaries(domain.customer_ids, domain.purchase_models()),
    ),
    # A fit that covariates and DERT accept (BG/NBD or Pareto/NBD).
    ("ParetoNbdFit", domain.purchase_models()),
    ("FittedModel", domain.fitted_models()),
    # A journey's answers, and the replays they are read from.
    ("StageFlows", domain.stage_flow_sets()),
    ("StageMix", domain.stage_mixes()),
    ("Replay", domain.replay_sets(max_customers=2, max_steps=8)),
    ("Dimension", st.sampled_from(["loyalty", "lifecycle"])),
    (r"Sequence\[datetime", st.lists(domain.aware_datetimes, max_size=3)),
    # Many states (one per customer) before one state.
    (
        r"Iterable\[RelationshipState",
        st.lists(domain.relationship_states(), max_size=1),
    ),
    ("RelationshipState", domain.relationship_states()),
    ("Policy", st.just(cc.relationship.DEFAULT_POLICY) | domain.policies()),
    ("Complaint", domain.complaints()),
    ("KeyRiskIndicator", domain.key_risk_indicators()),
    ("KanoNeed", domain.kano_needs()),
    # A mapping of names to counts (features or segments) before the
    # counts themselves; a list of categories before one category.
    (
        r"Mapping\[str, KanoCounts",
        st.dictionaries(domain.customer_ids, domain.kano_counts, max_size=3),
    ),
    ("KanoCounts", domain.kano_counts),
    (r"Iterable\[KanoCategory", st.lists(domain.kano_categories)),
    ("Transaction", domain.transaction_logs()),
    # A history (several events, any customers) before one event.
    (r"Iterable\[Event", st.lists(domain.events, max_size=4)),
    ("Event", domain.events),
    ("Customer", domain.customers),
    ("Severity", domain.severities),
    ("LoyaltyStage", domain.loyalty_stages),
    ("LifecycleStage", domain.lifecycle_stages),
    ("Decimal", domain.money),
    ("datetime", domain.aware_datetimes),
    ("date", st.dates()),
    ("timedelta", st.timedeltas(timedelta(0), timedelta(days=400))),
    ("bool", st.booleans()),
    ("int", st.integers(0, 50)),
    ("float", _finite_floats),
    ("ArrayLike", _numbers),
    ("Sequence", _numbers),
    ("str", domain.customer_ids),
)


_AREAS = (
    relationship,
    kano,
    value,
    complaints,
    risk,
    clv,
    records,
    frames,
    plot,
)


def _public() -> Iterator[tuple[str, Callable[..., object]]]:
    seen: set[int] = set()  # the top level re-exports some areas' nouns
    # The top level's nouns are its lazy names; its __all__ lists the areas.
    listed = [(area, area.__all__) for area in _AREAS]
    for namespace, names in [*listed, (cc, list(cc._HOME))]:
        for name in names:
            obj = getattr(namespace, name)
            if not callable(obj) or _skipped(obj) or id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{namespace.__name__}.{name}", obj


def _skipped(obj: object) -> bool:
    if not isinstance(obj, type):
        return not inspect.isfunction(obj)
    return (
        issubclass(obj, (BaseException, enum.Enum))
        or attrs.has(obj)  # answers: built by our code, never from outside
        or not issubclass(obj, BaseModel)
    )


PUBLIC: dict[str, Callable[..., object]] = dict(_public())


def _parameters(
    target: Callable[..., object],
) -> list[inspect.Parameter]:
    if isinstance(target, type) and issubclass(target, BaseModel):
        return [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, annotation=str(field)
            )
            for name, field in target.model_fields.items()
        ]
    return [
        p
        for p in inspect.signature(target).parameters.values()
        if p.kind not in {p.VAR_POSITIONAL, p.VAR_KEYWORD}
    ]


def _valid_for(annotation: object) -> st.SearchStrategy[Any] | None:
    text = str(annotation)
    for marker, strategy in _VALID:
        if re.search(rf"\b{marker}\b", text):
            return strategy
    return None


def _argument(parameter: inspect.Parameter) -> st.SearchStrategy[Any]:
    bad = st.sampled_from(ADVERSARIAL)
    valid = _valid_for(parameter.annotation)
    choices = [bad] if valid is None else [valid, valid, bad]
    if parameter.default is not parameter.empty:
        choices.append(st.just(parameter.default))
    return st.one_of(choices)


def _snapshot(value: object, depth: int = 0) -> object:
    """A comparable picture of ``value``, NaN-safe, arrays included."""
    if depth > 6:
        return repr(value)
    if isinstance(value, np.ndarray):
        return ("ndarray", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, BaseModel):
        return _snapshot(value.model_dump(), depth + 1)
    if isinstance(value, dict):
        return tuple(
            (repr(k), _snapshot(v, depth + 1)) for k, v in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        return (
            type(value).__name__,
            *(_snapshot(v, depth + 1) for v in value),
        )
    return repr(value)


def _is_nan(value: object) -> bool:
    if isinstance(value, float | Decimal):
        return (
            value.is_nan()
            if isinstance(value, Decimal)
            else (math.isnan(value))
        )
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return bool(np.isnan(value).any())
    return False


def _children(value: object) -> Iterator[object]:
    if isinstance(value, BaseModel):
        yield from (getattr(value, n) for n in type(value).model_fields)
    elif attrs.has(type(value)):
        yield from attrs.astuple(value, recurse=False)
    elif isinstance(value, list | tuple):
        yield from value
    elif isinstance(value, dict):
        yield from value.values()


def _has_nan(value: object, depth: int = 0) -> bool:
    """Whether a NaN hides in an answer (floats, Decimals, arrays, fields)."""
    if _is_nan(value):
        return True
    return depth < _DEPTH and any(
        _has_nan(child, depth + 1) for child in _children(value)
    )


def _call(
    name: str, target: Callable[..., object], data: st.DataObject
) -> None:
    args: list[object] = []
    kwargs: dict[str, object] = {}
    for parameter in _parameters(target):
        if (
            parameter.default is not parameter.empty
            and data.draw(st.integers(0, 2), label="omit") == 0
        ):
            continue
        value = data.draw(_argument(parameter), label=parameter.name)
        if parameter.kind == parameter.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[parameter.name] = value
    before = _snapshot((args, kwargs))
    shown = f"{name}(*{args!r}, **{kwargs!r})"
    try:
        result = target(*copy.copy(args), **kwargs)
    except (CustomerCentricError, ValidationError) as error:
        message = str(error)
    except Exception as error:  # noqa: BLE001 - this is what we look for
        pytest.fail(
            f"{shown} raised a bare {type(error).__name__}: {error}",
            pytrace=False,
        )
    else:
        message = "answered"
        assert not _has_nan(result), f"{shown} returned a NaN: {result!r}"
    finally:
        plot_close()
    assert message, f"{shown} raised an error with no message"
    assert _snapshot((args, kwargs)) == before, f"{shown} mutated its input"


def plot_close() -> None:
    """Close the figures a plot call opened."""
    import matplotlib.pyplot as plt  # noqa: PLC0415 - only when plotted

    plt.close("all")


_EXAMPLES = (
    settings().max_examples
    if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
    else min(settings().max_examples, 100)
)
"""Examples per callable: the profile's, at most 100, unless the ``fuzz``
profile asks for a long run (over 200 callables take about 2 minutes of
one core at the ``dev`` and ``ci`` profiles' 50)."""


@pytest.mark.parametrize("name", sorted(PUBLIC))
@settings(
    max_examples=_EXAMPLES,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_public_callable_survives_any_input(
    name: str, data: st.DataObject
) -> None:
    """Any input gives an answer without NaN or one of our errors."""
    _call(name, PUBLIC[name], data)


def test_the_fuzz_covers_the_public_api() -> None:
    """Every public function and record of the core and extras is fuzzed."""
    assert len(PUBLIC) > 120
    assert "customer_centric.relationship.apply_event" in PUBLIC
    assert "customer_centric.clv.fit_bg_nbd" in PUBLIC
    assert "customer_centric.relationship.compare_policies" in PUBLIC
    assert "customer_centric.relationship.load_policy" in PUBLIC
    assert "customer_centric.risk.score_health" in PUBLIC
    assert "customer_centric.frames.score_health" in PUBLIC
