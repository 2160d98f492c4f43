"""Customers: who they are (type, profile), never whether they are "actual".

A customer is anyone who could or does receive the firm's product or service
(ISO 9000:2015 §3.2.4). Whether a customer is *actual* rather than
*potential* is derived from the relationship state
(:attr:`customer_centric.RelationshipState.is_actual_customer`), never stored
on the customer.
"""

from __future__ import annotations

import enum
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from customer_centric._checks import check_instance
from customer_centric._types import CustomerId
from customer_centric.exceptions import InvariantError

__all__ = ["Customer", "CustomerProfile", "CustomerType"]


@enum.unique
class CustomerType(enum.StrEnum):
    """Internal, intermediate or external customer.

    ``INTERNAL``: employees, colleagues and managers ("without satisfied
    internal customers you never get satisfied external ones", TQM and the
    Persian source ``002``). ``INTERMEDIATE``: agents, dealers, resellers and
    independent sales representatives, who buy or sell on for resale
    (schema.org ``Reseller``). ``EXTERNAL``: the paying end customer. Decide
    the type from facts with :meth:`from_facts`, not from job titles.

    Examples:
        >>> from customer_centric import CustomerType
        >>> CustomerType.from_facts(is_employee=False, buys_for_resale=True)
        <CustomerType.INTERMEDIATE: 'intermediate'>

    .. versionadded:: 0.1
    """

    INTERNAL = "internal"
    INTERMEDIATE = "intermediate"
    EXTERNAL = "external"

    @classmethod
    def from_facts(
        cls, *, is_employee: bool, buys_for_resale: bool
    ) -> CustomerType:
        """Classify a customer by what they are, not what they are called.

        An employee is internal even when they sell on (an *employed* sales
        representative is a colleague); anyone else who buys or sells on
        for resale is intermediate; everyone else is external.

        Args:
            is_employee: Whether the person works for the firm.
            buys_for_resale: Whether they buy (or sell on) for resale.

        Returns:
            The customer type.

        Examples:
            >>> from customer_centric import CustomerType
            >>> CustomerType.from_facts(is_employee=True,
            ...                         buys_for_resale=True)
            <CustomerType.INTERNAL: 'internal'>
            >>> CustomerType.from_facts(is_employee=False,
            ...                         buys_for_resale=False)
            <CustomerType.EXTERNAL: 'external'>

        .. versionadded:: 0.1
        """
        check_instance(is_employee, bool, name="is_employee")
        check_instance(buys_for_resale, bool, name="buys_for_resale")
        if is_employee:
            return cls.INTERNAL
        if buys_for_resale:
            return cls.INTERMEDIATE
        return cls.EXTERNAL


def _clean_text(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        msg = (
            f"profile text must not be blank, got {value!r}; leave the "
            "field out (None) when it is unknown"
        )
        raise InvariantError(msg)
    return cleaned


_Text = Annotated[str, AfterValidator(_clean_text), Field(max_length=200)]


class CustomerProfile(BaseModel):
    """The source's "who is my customer, as precisely as possible".

    Every field is optional: record what is known, never guess. Text is
    trimmed; blank text is refused (leave the field out instead). Bands are
    free text in the firm's own banding (``"25-34"``, ``"top decile"``).

    Attributes:
        age_band (str | None): Age band.
        education (str | None): Highest education.
        income_band (str | None): Income band.
        values (tuple[str, ...]): What the customer holds important.
        location (str | None): Where they live or operate.
        organisation (str | None): The organisation they buy for.
        industry (str | None): That organisation's industry.
        values_most (tuple[str, ...]): What they value in the offer.
        pays_for (tuple[str, ...]): What they are willing to pay for.
        unmet_wants (tuple[str, ...]): Wants the firm does not meet yet.

    Examples:
        >>> from customer_centric import CustomerProfile
        >>> p = CustomerProfile(age_band="35-44", pays_for=("speed",))
        >>> p.education is None, p.pays_for
        (True, ('speed',))

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    age_band: _Text | None = None
    education: _Text | None = None
    income_band: _Text | None = None
    values: tuple[_Text, ...] = ()
    location: _Text | None = None
    organisation: _Text | None = None
    industry: _Text | None = None
    values_most: tuple[_Text, ...] = ()
    pays_for: tuple[_Text, ...] = ()
    unmet_wants: tuple[_Text, ...] = ()


class Customer(BaseModel):
    """Someone who could or does receive the firm's product or service.

    Attributes:
        customer_id (str): The host application's identifier.
        type (CustomerType): Internal, intermediate or external; see
            :meth:`CustomerType.from_facts`.
        is_employee (bool | None): Whether the customer works for the firm, if
            known.
        buys_for_resale (bool | None): Whether they buy for resale, if known.
        profile (CustomerProfile): What is known about them.

    When both facts are given, ``type`` must agree with them
    (:meth:`from_facts` builds a customer that does).

    Examples:
        >>> from customer_centric import Customer
        >>> c = Customer.from_facts("C-7", is_employee=False,
        ...                         buys_for_resale=True)
        >>> c.type
        <CustomerType.INTERMEDIATE: 'intermediate'>
        >>> Customer.model_validate_json(c.model_dump_json()) == c
        True

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    customer_id: CustomerId = Field(min_length=1)
    type: CustomerType
    is_employee: bool | None = None
    buys_for_resale: bool | None = None
    profile: CustomerProfile = CustomerProfile()

    @model_validator(mode="after")
    def _type_matches_facts(self) -> Self:
        if self.is_employee is None or self.buys_for_resale is None:
            return self
        expected = CustomerType.from_facts(
            is_employee=self.is_employee,
            buys_for_resale=self.buys_for_resale,
        )
        if self.type is not expected:
            msg = (
                f"customer {self.customer_id!r} has type {self.type.value!r} "
                f"but is_employee={self.is_employee!r} and "
                f"buys_for_resale={self.buys_for_resale!r} make it "
                f"{expected.value!r}; use Customer.from_facts() or fix the "
                "facts"
            )
            raise InvariantError(msg)
        return self

    @classmethod
    def from_facts(
        cls,
        customer_id: str,
        /,
        *,
        is_employee: bool,
        buys_for_resale: bool,
        profile: CustomerProfile | None = None,
    ) -> Self:
        """Build a customer whose type follows from the facts.

        Args:
            customer_id: The host application's identifier.
            is_employee: Whether the customer works for the firm.
            buys_for_resale: Whether they buy for resale.
            profile: What is known about them.

        Returns:
            The validated customer.

        Examples:
            >>> from customer_centric import Customer
            >>> Customer.from_facts("E-1", is_employee=True,
            ...                     buys_for_resale=False).type.value
            'internal'

        .. versionadded:: 0.1
        """
        return cls.model_validate(
            {
                "customer_id": customer_id,
                "type": CustomerType.from_facts(
                    is_employee=is_employee, buys_for_resale=buys_for_resale
                ),
                "is_employee": is_employee,
                "buys_for_resale": buys_for_resale,
                "profile": CustomerProfile() if profile is None else profile,
            }
        )
