import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.kano import (
    KanoAnswer,
    KanoResponse,
    KanoSurveyFormat,
    parse_responses,
    read_responses,
)
from strategies import kano_responses

CSV = """\
respondent_id,feature,functional,dysfunctional,importance
R1,radio,like,neutral,7
R2,radio,5,2,
R3,radio,love it,5,3
R4,,1,5,3
R5,shampoo,1,6,-2
R1,radio,2,5,9
R6,shampoo,must-be,dislike,9
"""


def test_csv_keeps_good_rows_and_reports_bad_ones():
    """Good CSV rows become responses; each bad cell is reported once."""
    survey = parse_responses(CSV)
    assert [(r.respondent_id, r.feature) for r in survey.responses] == [
        ("R1", "radio"),
        ("R2", "radio"),
        ("R6", "shampoo"),
    ]
    assert survey.responses[0].importance == 7.0
    assert survey.responses[1].importance is None
    assert survey.responses[2].functional is KanoAnswer.MUST_BE
    found = [(e.row, e.column, e.value) for e in survey.errors]
    assert found == [
        (3, "functional", "love it"),
        (4, "feature", ""),
        (5, "dysfunctional", "6"),
        (5, "importance", "-2"),
        (6, "feature", "radio"),
    ]
    messages = {(e.row, e.column): e.message for e in survey.errors}
    assert "unknown Kano answer 'love it'" in messages[3, "functional"]
    assert "unknown Kano answer code 6" in messages[5, "dysfunctional"]
    assert (
        "importance must be a finite number >= 0"
        in (messages[5, "importance"])
    )
    assert "already answered this feature" in messages[6, "feature"]
    assert str(survey.errors[0]).startswith(
        "row 3, column 'functional', value 'love it': "
    )


def test_csv_without_importance_column():
    """The importance column is optional."""
    survey = parse_responses(
        "respondent_id,feature,functional,dysfunctional\nR1,x,1,5\n"
    )
    assert survey.errors == ()
    assert survey.responses[0].importance is None


@pytest.mark.parametrize(
    ("header", "match"),
    [
        ("respondent_id,feature,functional", r"missing columns \['dysfunct"),
        (
            "respondent_id,feature,functinal,dysfunctional",
            r"missing columns \['functional'\] and unknown columns",
        ),
        ("", "missing columns"),
        (
            "respondent_id,feature,functional,dysfunctional,colour",
            r"has unknown columns \['colour'\]",
        ),
    ],
    ids=["missing", "misspelt", "empty-file", "extra"],
)
def test_csv_with_wrong_columns_is_refused(header: str, match: str):
    """A CSV whose header is wrong is unusable as a whole."""
    with pytest.raises(DataError, match=match):
        parse_responses(header + "\n")


def test_json_rows():
    """JSON lists of objects load like CSV, reporting bad items."""
    text = json.dumps(
        [
            {
                "respondent_id": "R1",
                "feature": "radio",
                "functional": 1,
                "dysfunctional": 3,
                "importance": 4.5,
            },
            ["not", "an", "object"],
            {
                "respondent_id": "R2",
                "feature": "radio",
                "functional": 1,
                "dysfunctional": 3,
                "colour": "red",
            },
            {"respondent_id": "R3", "feature": "radio", "functional": 2},
            {
                "respondent_id": "R4",
                "feature": "radio",
                "functional": [1],
                "dysfunctional": 3,
            },
        ]
    )
    survey = parse_responses(text, file_format="json")
    assert len(survey.responses) == 1
    assert survey.responses[0].importance == 4.5
    found = [(e.row, e.column) for e in survey.errors]
    assert found == [
        (2, None),
        (3, "colour"),
        (4, "dysfunctional"),
        (5, "functional"),
    ]
    assert "row 2, the row" in str(survey.errors[0])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", "not valid JSON"),
        ('{"respondent_id": "R1"}', "must be a list of objects"),
    ],
    ids=["syntax", "object-not-list"],
)
def test_unusable_json_is_refused(text: str, match: str):
    """JSON that is not a list of rows is unusable as a whole."""
    with pytest.raises(DataError, match=match):
        parse_responses(text, file_format="json")


@pytest.mark.parametrize(
    "file_format",
    ["xlsx", "CSV", None, ["csv"]],
    ids=["xlsx", "upper", "none", "list"],
)
def test_unknown_format_is_refused(file_format: object):
    """Only csv and json are read; the error lists both."""
    with pytest.raises(
        InvariantError, match="file_format must be one of 'csv', 'json'"
    ):
        parse_responses("", file_format=file_format)  # type: ignore[arg-type]


def test_unknown_format_is_refused_when_reading(tmp_path: Path):
    """read_responses checks an explicit format before reading."""
    with pytest.raises(InvariantError, match="file_format must be one of"):
        read_responses(tmp_path / "x.csv", file_format="xls")  # type: ignore[arg-type]


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_read_from_path(tmp_path: Path, suffix: KanoSurveyFormat):
    """Files are read by suffix; the result equals parsing the text."""
    rows = [
        {
            "respondent_id": "R1",
            "feature": "radio",
            "functional": "like",
            "dysfunctional": "dislike",
        }
    ]
    path = tmp_path / f"survey.{suffix}"
    text = (
        json.dumps(rows)
        if suffix == "json"
        else "respondent_id,feature,functional,dysfunctional\n"
        "R1,radio,like,dislike\n"
    )
    path.write_text(text, encoding="utf-8")
    survey = read_responses(path)
    assert survey == parse_responses(text, file_format=suffix)
    assert survey.responses[0].dysfunctional is KanoAnswer.DISLIKE


def test_read_with_explicit_format(tmp_path: Path):
    """An explicit format overrides the suffix."""
    path = tmp_path / "survey.txt"
    path.write_text("[]", encoding="utf-8")
    assert read_responses(path, file_format="json").responses == ()
    with pytest.raises(DataError, match="cannot tell the survey format"):
        read_responses(path)


def test_read_utf8_with_bom(tmp_path: Path):
    """A UTF-8 byte-order mark (as spreadsheets write) is ignored."""
    path = tmp_path / "survey.csv"
    path.write_text(
        "\ufeffrespondent_id,feature,functional,dysfunctional\n"
        "R1,ضبط ماشین,1,3\n",
        encoding="utf-8",
    )
    survey = read_responses(path)
    assert survey.errors == ()
    assert survey.responses[0].feature == "ضبط ماشین"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("respondent_id", "  "),
        ("feature", ""),
        ("functional", 0),
        ("dysfunctional", "often"),
        ("importance", -1.0),
        ("importance", math.inf),
    ],
    ids=[
        "blank-id",
        "blank-feature",
        "code-0",
        "unknown-text",
        "negative-importance",
        "infinite-importance",
    ],
)
def test_response_record_rejects_bad_fields(field: str, value: object):
    """The record refuses blank names, unknown answers, bad importance."""
    data = {
        "respondent_id": "R1",
        "feature": "radio",
        "functional": 1,
        "dysfunctional": 5,
        field: value,
    }
    with pytest.raises(ValidationError, match=field):
        KanoResponse.model_validate(data)


def test_response_record_is_strict():
    """Unknown fields are refused and records are frozen."""
    with pytest.raises(ValidationError, match="extra"):
        KanoResponse.model_validate(
            {
                "respondent_id": "R1",
                "feature": "x",
                "functional": 1,
                "dysfunctional": 1,
                "colour": "red",
            }
        )
    response = KanoResponse(
        respondent_id="R1", feature="x", functional=1, dysfunctional=1
    )
    with pytest.raises(ValidationError):
        response.feature = "y"  # type: ignore[misc]


@given(kano_responses)
def test_response_json_round_trip(response: KanoResponse):
    """A response survives JSON and back unchanged."""
    assert KanoResponse.model_validate_json(response.model_dump_json()) == (
        response
    )


@given(st.lists(kano_responses, max_size=10))
def test_json_survey_round_trip(responses: list[KanoResponse]):
    """Responses dumped as a JSON list load back, minus later duplicates."""
    text = json.dumps([r.model_dump(mode="json") for r in responses])
    survey = parse_responses(text, file_format="json")
    seen = set()
    expected = []
    for r in responses:
        if (r.respondent_id, r.feature) not in seen:
            seen.add((r.respondent_id, r.feature))
            expected.append(r)
    assert list(survey.responses) == expected
    assert len(survey.errors) == len(responses) - len(expected)


HEADER = "respondent_id,feature,functional,dysfunctional,importance\n"


@pytest.mark.parametrize(
    ("text", "column", "value"),
    [
        (HEADER + "R1,radio,1,5,3,zzz\n", "(extra fields)", ["zzz"]),
        (HEADER + "R1,radio\n", "functional", None),
        (HEADER + "R1,radio,1,5,true\n", "importance", "true"),
        (HEADER + "R1,radio,1,5,1e999\n", "importance", "1e999"),
        (HEADER + "R1,radio,1,5,nan\n", "importance", "nan"),
        (HEADER + "R1,radio,\u00b2,5,1\n", "functional", "\u00b2"),
    ],
    ids=["extra-fields", "short-row", "bool-text", "overflow", "nan", "sup-2"],
)
def test_bad_csv_rows_are_reported_not_raised(
    text: str, column: str, value: object
):
    """Each bad CSV row becomes a row error; the good rows are kept."""
    survey = parse_responses(text + "R9,radio,1,5,3\n")
    assert [r.respondent_id for r in survey.responses] == ["R9"]
    assert survey.errors[0].row == 1
    assert survey.errors[0].column == column
    assert survey.errors[0].value == value


@pytest.mark.parametrize(
    ("text", "column", "value"),
    [
        (
            (
                '[{"respondent_id": "R1", "feature": "f", "functional": 1, '
                '"dysfunctional": 1, "importance": true}]'
            ),
            "importance",
            True,
        ),
        (
            (
                '[{"respondent_id": "R1", "feature": "f", "functional": 1, '
                '"dysfunctional": 1, "importance": NaN}]'
            ),
            "importance",
            math.nan,
        ),
        (
            (
                '[{"respondent_id": 5, "feature": "f", "functional": 1, '
                '"dysfunctional": 1}]'
            ),
            "respondent_id",
            5,
        ),
        (
            (
                '[{"respondent_id": "R1", "feature": "f", "functional": [1], '
                '"dysfunctional": 1}]'
            ),
            "functional",
            [1],
        ),
        ("[null]", None, None),
    ],
    ids=["bool-importance", "nan-importance", "int-id", "list-answer", "null"],
)
def test_bad_json_rows_are_reported_not_raised(
    text: str, column: str | None, value: object
):
    """Wrong-typed JSON values are reported per row, never raised."""
    survey = parse_responses(text, file_format="json")
    assert survey.responses == ()
    (error,) = survey.errors
    assert (error.row, error.column) == (1, column)
    assert error.value == value or (
        isinstance(value, float) and math.isnan(error.value)  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("text", "file_format", "match"),
    [
        ("[" * 100_000 + "]" * 100_000, "json", "not valid JSON"),
        ('[{"functional": ' + "1" * 5000 + "}]", "json", "not valid JSON"),
        (HEADER + "R1," + "x" * 200_000 + ",1,5,3\n", "csv", "at line 1"),
        (
            "respondent_id,feature,functional,dysfunctional,functional\n",
            "csv",
            "repeated columns",
        ),
    ],
    ids=["deep-json", "5000-digit-number", "huge-field", "repeated-column"],
)
def test_unreadable_text_is_a_data_error(
    text: str, file_format: KanoSurveyFormat, match: str
):
    """Text no parser can read raises DataError, not a parser's own error."""
    with pytest.raises(DataError, match=match):
        parse_responses(text, file_format=file_format)


@pytest.mark.parametrize(
    "text",
    [None, b"respondent_id", ["R1,radio,1,5"]],
    ids=["none", "bytes", "list"],
)
def test_text_must_be_a_string(text: object):
    """parse_responses names text and says to decode bytes."""
    with pytest.raises(ArgumentTypeError, match="text must be a str"):
        parse_responses(text)  # type: ignore[arg-type]


def test_text_with_a_byte_order_mark_is_read():
    """A BOM left by a plain UTF-8 decode does not hide the header."""
    survey = parse_responses("\ufeff" + HEADER + "R1,radio,1,5,3\n")
    assert survey.errors == ()
    assert len(survey.responses) == 1


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ((HEADER + "R1,\u00e9t\u00e9,1,5,3\n").encode("latin-1"), "byte 0xe9"),
        (bytes(range(128, 256)), "byte 0x80 at offset 0"),
        (b"\xff\xfe" + HEADER.encode("utf-16-le"), "not UTF-8 text"),
    ],
    ids=["latin-1", "random-bytes", "utf-16"],
)
def test_file_that_is_not_utf8_is_a_data_error(
    tmp_path: Path, content: bytes, match: str
):
    """A file in another encoding is named and refused, not a decode error."""
    path = tmp_path / "survey.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=match):
        read_responses(path)


@pytest.mark.parametrize(
    "name", ["missing.csv", ".", "nul\0.csv"], ids=["missing", "folder", "nul"]
)
def test_file_that_cannot_be_read_is_a_data_error(tmp_path: Path, name: str):
    """A missing path or a folder raises DataError naming the path."""
    with pytest.raises(DataError, match="cannot read the Kano survey file"):
        read_responses(tmp_path / name, file_format="csv")


@pytest.mark.parametrize(
    "path", [None, b"survey.csv", 5], ids=["none", "bytes", "int"]
)
def test_path_must_be_a_path(path: object):
    """read_responses names path when given something else."""
    with pytest.raises(ArgumentTypeError, match="path must be a path"):
        read_responses(path)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, False], ids=["true", "false"])
def test_importance_is_not_a_bool(value: bool):
    """True is not a rating of 1; the record refuses it."""
    with pytest.raises(ValidationError, match="importance must be a number"):
        KanoResponse(
            respondent_id="R1",
            feature="radio",
            functional=1,
            dysfunctional=5,
            importance=value,
        )
