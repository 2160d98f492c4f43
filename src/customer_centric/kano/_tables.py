"""Kano answers, categories and evaluation tables.

A Kano questionnaire asks two questions about each feature: the
*functional* one ("how do you feel if the feature is present?") and the
*dysfunctional* one ("... if it is absent?"). Each is answered on the same
five-point scale; an evaluation table maps the pair to a category (Kano,
Seraku, Takahashi & Tsuji 1984; Berger et al. 1993).

The tables are data: immutable :class:`KanoTable` values that are
validated, serialised as JSON and rendered into the docs.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Final, Self, TypeAlias, TypeVar

import attrs
from pydantic import BaseModel, ConfigDict, field_validator

from customer_centric._checks import check_instance
from customer_centric._ranked import member_at, position
from customer_centric.exceptions import InvariantError

__all__ = [
    "POULIOT_TABLE",
    "STANDARD_TABLE",
    "KanoAnswer",
    "KanoCategory",
    "KanoTable",
    "classify_response",
]


@enum.unique
class KanoAnswer(enum.StrEnum):
    """An answer to a functional or dysfunctional Kano question.

    The five answers are coded 1 to 5 in the literature (Berger et al.
    1993); :attr:`code` gives the code and :meth:`parse` accepts a member,
    its value, its name or its code.

    Examples:
        >>> from customer_centric.kano import KanoAnswer
        >>> KanoAnswer.LIVE_WITH.code
        4
        >>> KanoAnswer.parse(2)
        <KanoAnswer.MUST_BE: 'must_be'>
        >>> KanoAnswer.parse("dislike")
        <KanoAnswer.DISLIKE: 'dislike'>

    .. versionadded:: 0.1
    """

    LIKE = "like"
    """Code 1, "I like it that way"."""
    MUST_BE = "must_be"
    """Code 2, "It must be that way" (I expect it)."""
    NEUTRAL = "neutral"
    """Code 3, "I am neutral"."""
    LIVE_WITH = "live_with"
    """Code 4, "I can live with it that way"."""
    DISLIKE = "dislike"
    """Code 5, "I dislike it that way"."""

    @property
    def code(self) -> int:
        """The answer's code on the questionnaire, 1 (like) to 5."""
        return position(self)

    @classmethod
    def from_code(cls, code: int, /) -> KanoAnswer:
        """Return the answer with questionnaire code ``code`` (1 to 5).

        Raises:
            InvariantError: ``code`` is not one of 1, 2, 3, 4, 5.

        Examples:
            >>> from customer_centric.kano import KanoAnswer
            >>> KanoAnswer.from_code(5)
            <KanoAnswer.DISLIKE: 'dislike'>
            >>> KanoAnswer.from_code(6)
            Traceback (most recent call last):
            ...
            customer_centric.exceptions.InvariantError: unknown Kano answer \
code 6; use 1 (like), 2 (must_be), 3 (neutral), 4 (live_with) or 5 (dislike)
        """
        given: object = code
        if isinstance(given, int) and not isinstance(given, bool):
            answer = member_at(cls, given)
            if answer is not None:
                return answer
        msg = f"unknown Kano answer code {code!r}; use {_CODES_HINT}"
        raise InvariantError(msg)

    @classmethod
    def parse(cls, value: KanoAnswer | int | str, /) -> KanoAnswer:
        """Read an answer given as a member, value, name or code.

        Strings are matched case-insensitively, ignoring surrounding
        spaces; ``"3"`` is read as code 3.

        Raises:
            InvariantError: ``value`` names no answer.

        Examples:
            >>> from customer_centric.kano import KanoAnswer
            >>> KanoAnswer.parse(" LIVE_WITH ")
            <KanoAnswer.LIVE_WITH: 'live_with'>
            >>> KanoAnswer.parse("3")
            <KanoAnswer.NEUTRAL: 'neutral'>
            >>> KanoAnswer.parse("love it")
            Traceback (most recent call last):
            ...
            customer_centric.exceptions.InvariantError: unknown Kano answer \
'love it'; use like, must_be, neutral, live_with or dislike, or the codes 1 \
to 5
        """
        if isinstance(value, KanoAnswer):
            return value
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            return cls.from_code(value)
        elif isinstance(value, str):
            text = value.strip().lower().replace("-", "_").replace(" ", "_")
            # isdecimal, not isdigit: int() refuses digits such as "²", and
            # a short length keeps int() under Python's digit limit.
            if text.isdecimal() and len(text) <= _MAX_CODE_DIGITS:
                return cls.from_code(int(text))
            for answer in cls:
                if text == answer.value:
                    return answer
        msg = (
            f"unknown Kano answer {value!r}; use like, must_be, neutral, "
            "live_with or dislike, or the codes 1 to 5"
        )
        raise InvariantError(msg)


_MAX_CODE_DIGITS: Final = 20
_CODES_HINT: Final = (
    "1 (like), 2 (must_be), 3 (neutral), 4 (live_with) or 5 (dislike)"
)


@enum.unique
class KanoCategory(enum.StrEnum):
    """What a feature does to satisfaction (Kano et al. 1984).

    The Persian source texts name three needs: *basic* (نیازهای پایه,
    :attr:`MUST_BE`: unspoken but expected, like a car's accelerator and
    brakes or a clean plate in a restaurant), *performance* (نیازهای
    عملکردی, :attr:`ONE_DIMENSIONAL`: the more the better, worth paying for,
    like ABS brakes) and *excitement* (نیازهای انگیزشی, :attr:`ATTRACTIVE`:
    unexpected delights, like a birthday gift from a restaurant one visits
    often). The questionnaire method adds :attr:`INDIFFERENT`,
    :attr:`REVERSE` and :attr:`QUESTIONABLE` (Berger et al. 1993).

    Examples:
        >>> from customer_centric.kano import KanoCategory
        >>> KanoCategory.MUST_BE.source_name
        'basic'
        >>> KanoCategory.ATTRACTIVE.letter
        'A'
        >>> KanoCategory.from_letter("O")
        <KanoCategory.ONE_DIMENSIONAL: 'one_dimensional'>

    .. versionadded:: 0.1
    """

    ATTRACTIVE = "attractive"
    """A, the excitement need; delights when present, no harm if absent."""
    ONE_DIMENSIONAL = "one_dimensional"
    """O, the performance need; satisfaction rises with fulfilment."""
    MUST_BE = "must_be"
    """M, the basic need; expected, its absence dissatisfies strongly."""
    INDIFFERENT = "indifferent"
    """I, neither its presence nor its absence matters."""
    REVERSE = "reverse"
    """R, the respondent prefers the feature absent."""
    QUESTIONABLE = "questionable"
    """Q, the two answers contradict each other."""

    @property
    def letter(self) -> str:
        """The one-letter code used in evaluation tables (A O M I R Q)."""
        return _LETTER[self]

    @property
    def source_name(self) -> str | None:
        """The sources' name (excitement, performance, basic), if any."""
        return _SOURCE_NAME.get(self)

    @property
    def persian_label(self) -> str:
        """The category's name in Persian, as the source texts write it."""
        return _PERSIAN[self]

    @classmethod
    def from_letter(cls, letter: str, /) -> KanoCategory:
        """Return the category written as ``letter`` in a table.

        Raises:
            ArgumentTypeError: ``letter`` is not a string.
            InvariantError: ``letter`` is not one of A, O, M, I, R, Q.
        """
        check_instance(letter, str, name="letter")
        for category, code in _LETTER.items():
            if letter.strip().upper() == code:
                return category
        msg = (
            f"unknown Kano category letter {letter!r}; use one of "
            "A, O, M, I, R, Q"
        )
        raise InvariantError(msg)


_LETTER: Final[dict[KanoCategory, str]] = {
    KanoCategory.ATTRACTIVE: "A",
    KanoCategory.ONE_DIMENSIONAL: "O",
    KanoCategory.MUST_BE: "M",
    KanoCategory.INDIFFERENT: "I",
    KanoCategory.REVERSE: "R",
    KanoCategory.QUESTIONABLE: "Q",
}
_SOURCE_NAME: Final[dict[KanoCategory, str]] = {
    KanoCategory.ATTRACTIVE: "excitement",
    KanoCategory.ONE_DIMENSIONAL: "performance",
    KanoCategory.MUST_BE: "basic",
}
_PERSIAN: Final[dict[KanoCategory, str]] = {
    KanoCategory.ATTRACTIVE: "نیاز انگیزشی",
    KanoCategory.ONE_DIMENSIONAL: "نیاز عملکردی",
    KanoCategory.MUST_BE: "نیاز پایه",
    KanoCategory.INDIFFERENT: "بی‌تفاوت",
    KanoCategory.REVERSE: "معکوس",
    KanoCategory.QUESTIONABLE: "مشکوک",
}

_SIZE: Final = 5

_Row: TypeAlias = tuple[
    KanoCategory, KanoCategory, KanoCategory, KanoCategory, KanoCategory
]


class KanoTable(BaseModel):
    """An evaluation table: (functional, dysfunctional) answer -> category.

    ``rows[f - 1][d - 1]`` is the category for functional answer code ``f``
    and dysfunctional answer code ``d``. Two tables ship:
    :data:`~customer_centric.kano.STANDARD_TABLE` and
    :data:`~customer_centric.kano.POULIOT_TABLE`.

    Attributes:
        name: A short name, e.g. ``"standard"``.
        source: Where the table comes from.
        rows: Five rows (functional answers) of five categories
            (dysfunctional answers).

    Examples:
        >>> from customer_centric.kano import KanoAnswer, STANDARD_TABLE
        >>> STANDARD_TABLE.classify(KanoAnswer.LIKE, KanoAnswer.DISLIKE)
        <KanoCategory.ONE_DIMENSIONAL: 'one_dimensional'>
        >>> print(STANDARD_TABLE.to_letters())
        QAAAO RIIIM RIIIM RIIIM RRRRQ
        >>> STANDARD_TABLE
        KanoTable('standard': QAAAO RIIIM RIIIM RIIIM RRRRQ)

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    source: str
    rows: tuple[_Row, _Row, _Row, _Row, _Row]

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            msg = "a Kano table needs a non-blank name, got ''"
            raise InvariantError(msg)
        return value

    @classmethod
    def from_letters(cls, letters: str, /, *, name: str, source: str) -> Self:
        """Build a table from five space-separated rows of letters.

        Args:
            letters: e.g. ``"QAAAO RIIIM RIIIM RIIIM RRRRQ"``; the rows are
                the functional answers 1 to 5, the letters in a row the
                dysfunctional answers 1 to 5.
            name: The table's name.
            source: Where the table comes from.

        Raises:
            ArgumentTypeError: ``letters`` is not a string.
            InvariantError: Not five rows of five known letters.

        Examples:
            >>> from customer_centric.kano import KanoTable
            >>> table = KanoTable.from_letters(
            ...     "QAAAO RIIIM RIIIM RIIIM RRRRQ", name="mine", source="me")
            >>> table.rows[0][4]
            <KanoCategory.ONE_DIMENSIONAL: 'one_dimensional'>
        """
        check_instance(letters, str, name="letters")
        rows = letters.split()
        if len(rows) != _SIZE or any(len(row) != _SIZE for row in rows):
            msg = (
                f"a Kano table needs 5 rows of 5 letters, got {letters!r}; "
                "write e.g. 'QAAAO RIIIM RIIIM RIIIM RRRRQ'"
            )
            raise InvariantError(msg)
        return cls(
            name=name,
            source=source,
            rows=tuple(  # type: ignore[arg-type]
                tuple(KanoCategory.from_letter(c) for c in row) for row in rows
            ),
        )

    def __repr__(self) -> str:
        return f"KanoTable({self.name!r}: {self.to_letters()})"

    def classify(
        self,
        functional: KanoAnswer | int | str,
        dysfunctional: KanoAnswer | int | str,
        /,
    ) -> KanoCategory:
        """Return the category for one pair of answers.

        Raises:
            InvariantError: Either answer is unknown.
        """
        f = KanoAnswer.parse(functional).code
        d = KanoAnswer.parse(dysfunctional).code
        return self.rows[f - 1][d - 1]

    def to_letters(self) -> str:
        """The table as five space-separated rows of category letters."""
        return " ".join(
            "".join(category.letter for category in row) for row in self.rows
        )

    def to_markdown(self) -> str:
        """The table as a Markdown table, as rendered in the docs.

        Examples:
            >>> from customer_centric.kano import STANDARD_TABLE
            >>> print(STANDARD_TABLE.to_markdown().splitlines()[2])
            | 1 like | Q | A | A | A | O |
        """
        header = "| functional \\ dysfunctional | " + " | ".join(
            f"{a.code} {a.value}" for a in KanoAnswer
        )
        lines = [header + " |", "|---" * (_SIZE + 1) + "|"]
        lines.extend(
            f"| {answer.code} {answer.value} | "
            + " | ".join(category.letter for category in row)
            + " |"
            for answer, row in zip(KanoAnswer, self.rows, strict=True)
        )
        return "\n".join(lines)


STANDARD_TABLE: Final[KanoTable] = KanoTable.from_letters(
    "QAAAO RIIIM RIIIM RIIIM RRRRQ",
    name="standard",
    source="Berger et al. (1993), after Kano et al. (1984)",
)
"""The standard Kano evaluation table (Berger et al. 1993)."""

POULIOT_TABLE: Final[KanoTable] = KanoTable.from_letters(
    "QAAAO RQIIM RIIIM RIIQM RRRRQ",
    name="pouliot",
    source=(
        "Pouliot's variant, in Berger et al. (1993): identical answers "
        "other than neutral/neutral are questionable"
    ),
)
"""Pouliot's variant: (2, 2) and (4, 4) are questionable, not indifferent."""


def classify_response(
    functional: KanoAnswer | int | str,
    dysfunctional: KanoAnswer | int | str,
    *,
    table: KanoTable = STANDARD_TABLE,
) -> KanoCategory:
    """Classify one respondent's pair of answers about one feature.

    Args:
        functional: The answer to "if the feature is present"; a
            :class:`KanoAnswer`, its value, name or code 1 to 5.
        dysfunctional: The answer to "if the feature is absent".
        table: The evaluation table to read.

    Returns:
        The category in the table's cell.

    Raises:
        InvariantError: Either answer is unknown.
        ArgumentTypeError: ``table`` is not a :class:`KanoTable`.

    Examples:
        >>> from customer_centric.kano import (
        ...     KanoAnswer, POULIOT_TABLE, classify_response)
        >>> classify_response(KanoAnswer.LIKE, KanoAnswer.NEUTRAL)
        <KanoCategory.ATTRACTIVE: 'attractive'>
        >>> classify_response(2, 5)
        <KanoCategory.MUST_BE: 'must_be'>
        >>> classify_response(4, 4, table=POULIOT_TABLE)
        <KanoCategory.QUESTIONABLE: 'questionable'>

    .. versionadded:: 0.1
    """
    return check_instance(table, KanoTable, name="table").classify(
        functional, dysfunctional
    )


_T = TypeVar("_T")


def _category(value: object, /, *, name: str) -> KanoCategory:
    """Return ``value`` as a category (a member or its value), or refuse it."""
    if isinstance(value, KanoCategory):
        return value
    if isinstance(value, str):
        for category in KanoCategory:
            if value == category.value:
                return category
    allowed = ", ".join(repr(category.value) for category in KanoCategory)
    msg = f"{name} must be a KanoCategory, one of {allowed}, got {value!r}"
    raise InvariantError(msg)


def _is(
    expected: type[_T],
) -> Callable[[object, attrs.Attribute[_T], _T], None]:
    """An attrs validator: the field holds an ``expected`` instance."""

    def validate(
        instance: object, attribute: attrs.Attribute[_T], value: _T
    ) -> None:
        del instance
        check_instance(value, expected, name=attribute.name)

    return validate
