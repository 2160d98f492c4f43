import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from pydantic import ValidationError

from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.kano import (
    POULIOT_TABLE,
    STANDARD_TABLE,
    KanoAnswer,
    KanoCategory,
    KanoTable,
    classify_response,
)
from strategies import kano_answers, kano_tables

DOCS = Path(__file__).resolve().parents[2] / "docs" / "kano.md"

A = KanoCategory.ATTRACTIVE
O = KanoCategory.ONE_DIMENSIONAL  # noqa: E741 - the literature's letter
M = KanoCategory.MUST_BE
I = KanoCategory.INDIFFERENT  # noqa: E741 - the literature's letter
R = KanoCategory.REVERSE
Q = KanoCategory.QUESTIONABLE

# Rows: functional answer 1..5; columns: dysfunctional answer 1..5
# (Berger et al. 1993; DESIGN.md section 1.4).
STANDARD_CELLS = [
    [Q, A, A, A, O],
    [R, I, I, I, M],
    [R, I, I, I, M],
    [R, I, I, I, M],
    [R, R, R, R, Q],
]
# Pouliot's variant: identical answers other than 3/3 are questionable.
POULIOT_CELLS = [
    [Q, A, A, A, O],
    [R, Q, I, I, M],
    [R, I, I, I, M],
    [R, I, I, Q, M],
    [R, R, R, R, Q],
]


def _cells(
    cells: list[list[KanoCategory]],
) -> list[tuple[int, int, KanoCategory]]:
    return [
        (f, d, cells[f - 1][d - 1]) for f in range(1, 6) for d in range(1, 6)
    ]


def _ids(cells: list[list[KanoCategory]]) -> list[str]:
    return [
        f"F{f}-{KanoAnswer.from_code(f).value}/D{d}-"
        f"{KanoAnswer.from_code(d).value}->{category.letter}"
        for f, d, category in _cells(cells)
    ]


@pytest.mark.parametrize(
    ("functional", "dysfunctional", "expected"),
    _cells(STANDARD_CELLS),
    ids=_ids(STANDARD_CELLS),
)
def test_standard_table_cell(
    functional: int, dysfunctional: int, expected: KanoCategory
):
    """Each cell of the standard table gives the literature's category."""
    assert classify_response(functional, dysfunctional) is expected
    assert (
        classify_response(
            KanoAnswer.from_code(functional),
            KanoAnswer.from_code(dysfunctional),
            table=STANDARD_TABLE,
        )
        is expected
    )


@pytest.mark.parametrize(
    ("functional", "dysfunctional", "expected"),
    _cells(POULIOT_CELLS),
    ids=_ids(POULIOT_CELLS),
)
def test_pouliot_table_cell(
    functional: int, dysfunctional: int, expected: KanoCategory
):
    """Each cell of Pouliot's table gives the variant's category."""
    assert (
        classify_response(functional, dysfunctional, table=POULIOT_TABLE)
        is expected
    )


def test_tables_differ_only_on_identical_answers():
    """Pouliot's table differs from the standard one only at (2,2), (4,4)."""
    differ = {
        (f, d)
        for f, d, category in _cells(STANDARD_CELLS)
        if POULIOT_CELLS[f - 1][d - 1] is not category
    }
    assert differ == {(2, 2), (4, 4)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, KanoAnswer.LIKE),
        ("2", KanoAnswer.MUST_BE),
        ("neutral", KanoAnswer.NEUTRAL),
        ("Live With", KanoAnswer.LIVE_WITH),
        ("live-with", KanoAnswer.LIVE_WITH),
        ("DISLIKE", KanoAnswer.DISLIKE),
        (KanoAnswer.LIKE, KanoAnswer.LIKE),
    ],
    ids=["code", "code-text", "value", "spaced", "dashed", "upper", "member"],
)
def test_answer_parse(value: KanoAnswer | int | str, expected: KanoAnswer):
    """Answers are read from members, values, names and codes."""
    assert KanoAnswer.parse(value) is expected


@pytest.mark.parametrize(
    "value",
    [0, 6, -1, "7", "love it", "", True, 2.0, None, "²", "9" * 5000, 10**400],
    ids=[
        "superscript-digit",
        "5000-digits",
        "huge-int",
        "zero",
        "six",
        "negative",
        "code-text-7",
        "unknown-text",
        "empty",
        "bool",
        "float",
        "none",
    ],
)
def test_unknown_answer_is_rejected(value: object):
    """An unknown answer raises InvariantError naming the value."""
    with pytest.raises(InvariantError, match="unknown Kano answer"):
        KanoAnswer.parse(value)  # type: ignore[arg-type]


def test_unknown_answer_in_classify_names_allowed_answers():
    """classify_response refuses an unknown answer and lists the codes."""
    with pytest.raises(InvariantError, match=r"codes 1 to 5"):
        classify_response("sometimes", 1)


def test_answer_codes_are_one_to_five():
    """The five answers carry the codes 1 to 5 in questionnaire order."""
    assert [a.code for a in KanoAnswer] == [1, 2, 3, 4, 5]
    assert [KanoAnswer.from_code(c) for c in range(1, 6)] == list(KanoAnswer)


@pytest.mark.parametrize(
    ("category", "letter", "source_name", "persian"),
    [
        (A, "A", "excitement", "نیاز انگیزشی"),
        (O, "O", "performance", "نیاز عملکردی"),
        (M, "M", "basic", "نیاز پایه"),
        (I, "I", None, "بی‌تفاوت"),
        (R, "R", None, "معکوس"),
        (Q, "Q", None, "مشکوک"),
    ],
    ids=["A", "O", "M", "I", "R", "Q"],
)
def test_category_metadata(
    category: KanoCategory, letter: str, source_name: str | None, persian: str
):
    """Each category has its letter, the sources' name and a Persian label."""
    assert category.letter == letter
    assert category.source_name == source_name
    assert category.persian_label == persian
    assert KanoCategory.from_letter(letter.lower()) is category


def test_category_values_are_snake_case():
    """Category values are the stable, snake_case serialised form."""
    assert [c.value for c in KanoCategory] == [
        "attractive",
        "one_dimensional",
        "must_be",
        "indifferent",
        "reverse",
        "questionable",
    ]


def test_unknown_letter_is_rejected():
    """A letter that is not A, O, M, I, R or Q is refused."""
    with pytest.raises(InvariantError, match="unknown Kano category letter"):
        KanoCategory.from_letter("X")


@pytest.mark.parametrize(
    "letters",
    ["QAAAO RIIIM RIIIM RIIIM", "QAAA RIIIM RIIIM RIIIM RRRRQ", ""],
    ids=["four-rows", "short-row", "empty"],
)
def test_malformed_table_letters_are_rejected(letters: str):
    """A table must have five rows of five letters."""
    with pytest.raises(InvariantError, match="5 rows of 5 letters"):
        KanoTable.from_letters(letters, name="x", source="y")


def test_table_json_round_trip():
    """A table survives JSON and back unchanged."""
    for table in (STANDARD_TABLE, POULIOT_TABLE):
        assert KanoTable.model_validate_json(table.model_dump_json()) == table


def test_table_rejects_wrong_shape_json():
    """A table parsed from JSON with four rows is refused by pydantic."""
    data = json.loads(STANDARD_TABLE.model_dump_json())
    data["rows"] = data["rows"][:4]
    with pytest.raises(ValidationError):
        KanoTable.model_validate(data)


def test_table_rejects_blank_name():
    """A table needs a name."""
    with pytest.raises(ValidationError, match="non-blank name"):
        KanoTable.from_letters(
            STANDARD_TABLE.to_letters(), name=" ", source="y"
        )


def test_table_is_immutable():
    """Tables are frozen values."""
    with pytest.raises(ValidationError):
        STANDARD_TABLE.name = "mine"  # type: ignore[misc]


@given(functional=kano_answers, dysfunctional=kano_answers, table=kano_tables)
def test_classification_is_total(
    functional: KanoAnswer, dysfunctional: KanoAnswer, table: KanoTable
):
    """Every answer pair, however spelt, has exactly one category."""
    category = classify_response(functional, dysfunctional, table=table)
    assert isinstance(category, KanoCategory)
    assert (
        classify_response(functional.code, dysfunctional.value, table=table)
        is category
    )


def _docs_tables() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    found = {}
    for name in ("standard", "pouliot"):
        match = re.search(
            rf"<!-- kano-table:{name} -->\n(.*?)\n<!-- /kano-table -->",
            text,
            re.DOTALL,
        )
        assert match, f"docs/kano.md has no {name} table markers"
        found[name] = match.group(1).strip()
    return found


def test_docs_tables_match_the_data():
    """The tables in docs/kano.md are the data values, rendered."""
    tables = _docs_tables()
    assert tables["standard"] == STANDARD_TABLE.to_markdown()
    assert tables["pouliot"] == POULIOT_TABLE.to_markdown()


@pytest.mark.parametrize(
    "code",
    [True, 1.0, 5.0, "1", None, 10**400],
    ids=["bool", "float-one", "float-five", "text", "none", "huge"],
)
def test_from_code_takes_whole_codes_only(code: object):
    """from_code refuses a bool or float that would hash like a code."""
    with pytest.raises(InvariantError, match="unknown Kano answer code"):
        KanoAnswer.from_code(code)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "letter", [None, 1, b"A", ["A"]], ids=["none", "int", "bytes", "list"]
)
def test_from_letter_needs_a_string(letter: object):
    """A letter that is not a string raises ArgumentTypeError naming it."""
    with pytest.raises(ArgumentTypeError, match="letter must be a str"):
        KanoCategory.from_letter(letter)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "letters", [None, 5, ["QAAAO"] * 5], ids=["none", "int", "list"]
)
def test_from_letters_needs_a_string(letters: object):
    """A table's letters that are not a string raise ArgumentTypeError."""
    with pytest.raises(ArgumentTypeError, match="letters must be a str"):
        KanoTable.from_letters(letters, name="x", source="y")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "table",
    [None, "standard", STANDARD_TABLE.rows],
    ids=["none", "name", "rows"],
)
def test_classify_response_needs_a_table(table: object):
    """classify_response refuses anything but a KanoTable, naming table."""
    with pytest.raises(ArgumentTypeError, match="table must be a KanoTable"):
        classify_response(1, 5, table=table)  # type: ignore[arg-type]


def test_persian_digits_are_codes():
    """Decimal digits of any script are read as codes, e.g. Persian 3."""
    assert KanoAnswer.parse("۳") is KanoAnswer.NEUTRAL
