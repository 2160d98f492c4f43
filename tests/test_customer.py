import pytest
from hypothesis import given
from pydantic import ValidationError

import customer_centric as cc
from strategies import customers


@pytest.mark.parametrize(
    ("is_employee", "buys_for_resale", "expected"),
    [
        (True, False, cc.CustomerType.INTERNAL),
        (True, True, cc.CustomerType.INTERNAL),
        (False, True, cc.CustomerType.INTERMEDIATE),
        (False, False, cc.CustomerType.EXTERNAL),
    ],
    ids=[
        "colleague",
        "employed-sales-rep",
        "independent-reseller",
        "end-customer",
    ],
)
def test_type_follows_from_facts(
    is_employee: bool, buys_for_resale: bool, expected: cc.CustomerType
) -> None:
    """The customer type is decided by facts, an employed rep is internal."""
    assert (
        cc.CustomerType.from_facts(
            is_employee=is_employee, buys_for_resale=buys_for_resale
        )
        is expected
    )
    customer = cc.Customer.from_facts(
        "C-1", is_employee=is_employee, buys_for_resale=buys_for_resale
    )
    assert customer.type is expected


def test_type_contradicting_facts_is_refused():
    """A stated type that the facts contradict raises and names the fix."""
    with pytest.raises(ValidationError, match=r"use Customer\.from_facts"):
        cc.Customer(
            customer_id="C-1",
            type=cc.CustomerType.EXTERNAL,
            is_employee=True,
            buys_for_resale=False,
        )


def test_type_alone_is_accepted_when_facts_unknown():
    """Without facts, a stated type is taken as given."""
    customer = cc.Customer(customer_id="C-1", type="intermediate")
    assert customer.type is cc.CustomerType.INTERMEDIATE
    assert customer.is_employee is None


def test_profile_is_optional_and_trimmed():
    """Profile fields are optional and their text is normalised."""
    profile = cc.CustomerProfile(location="  Tehran   north ")
    assert profile.location == "Tehran north"
    assert profile.age_band is None
    assert cc.Customer(customer_id="C-1", type="external").profile == (
        cc.CustomerProfile()
    )


@pytest.mark.parametrize(
    "data",
    [{"education": "   "}, {"pays_for": ["speed", ""]}, {"nickname": "Bob"}],
    ids=["blank-text", "blank-item", "unknown-field"],
)
def test_bad_profile_is_refused(data: dict[str, object]) -> None:
    """Blank text and unknown fields are refused rather than guessed."""
    with pytest.raises(ValidationError):
        cc.CustomerProfile.model_validate(data)


def test_actual_is_not_a_customer_field():
    """Potential vs actual is never stored on the customer."""
    assert not any("actual" in name for name in cc.Customer.model_fields)


@given(customers)
def test_customers_round_trip_through_json(customer: cc.Customer) -> None:
    """Every customer survives JSON out and back unchanged."""
    assert cc.Customer.model_validate_json(customer.model_dump_json()) == (
        customer
    )
