"""Kano survey responses as records, and loading them from CSV or JSON.

Loading never stops at the first bad row: each bad row is reported (row
number, column, value, what is wrong) and the good rows are kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Final, Literal, TypeAlias, final, get_args

import attrs
from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from customer_centric._checks import (
    check_choice,
    check_instance,
    check_non_negative,
    refuse_bool,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.kano._tables import KanoAnswer

__all__ = [
    "KanoResponse",
    "KanoRowError",
    "KanoSurvey",
    "KanoSurveyFormat",
    "parse_responses",
    "read_responses",
]

KanoSurveyFormat: TypeAlias = Literal["csv", "json"]
"""The file formats :func:`parse_responses` reads."""

_FORMATS: Final[tuple[KanoSurveyFormat, ...]] = get_args(KanoSurveyFormat)
_EXTRA: Final = "(extra fields)"

_REQUIRED: Final = ("respondent_id", "feature", "functional", "dysfunctional")
_OPTIONAL: Final = ("importance",)
_COLUMNS: Final = _REQUIRED + _OPTIONAL


class KanoResponse(BaseModel):
    """One respondent's answers about one feature.

    Answers may be given as :class:`KanoAnswer` members, their values or
    the codes 1 to 5. ``importance`` is the optional self-stated
    importance of the feature (Berger et al. 1993, §IIb: a separate
    question, e.g. on a 1-9 scale), any finite number >= 0.

    Examples:
        >>> from customer_centric.kano import KanoResponse
        >>> r = KanoResponse(respondent_id="R1", feature="radio",
        ...                  functional=1, dysfunctional="neutral")
        >>> r.functional
        <KanoAnswer.LIKE: 'like'>
        >>> KanoResponse.model_validate_json(r.model_dump_json()) == r
        True

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    respondent_id: str
    feature: str
    functional: KanoAnswer
    dysfunctional: KanoAnswer
    importance: float | None = None

    @field_validator("respondent_id", "feature")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        text = value.strip()
        if not text:
            msg = f"must not be blank, got {value!r}; give a name or id"
            raise InvariantError(msg)
        return text

    @field_validator("functional", "dysfunctional", mode="before")
    @classmethod
    def _answer(cls, value: object) -> KanoAnswer:
        if isinstance(value, (KanoAnswer, int, str)):
            return KanoAnswer.parse(value)
        msg = (
            f"unknown Kano answer {value!r}; use like, must_be, neutral, "
            "live_with or dislike, or the codes 1 to 5"
        )
        raise InvariantError(msg)

    @field_validator("importance", mode="wrap")
    @classmethod
    def _importance(
        cls, value: object, handler: ValidatorFunctionWrapHandler
    ) -> float | None:
        fix = "give the rating, e.g. 7, or leave it empty"
        importance: float | None = handler(
            refuse_bool(value, name="importance", fix=fix)
        )
        if importance is None:
            return None
        return check_non_negative(
            importance,
            name="importance",
            fix="leave it empty if the respondent did not rate it",
        )


@final
@attrs.frozen(kw_only=True)
class KanoRowError:
    """One problem in one row of a survey file.

    Attributes:
        row: The 1-based number of the data row (the CSV header and JSON
            brackets are not counted).
        column: The offending column, or None when the row as a whole is
            wrong (e.g. a JSON item that is not an object).
        value: The offending value as read.
        message: What is wrong and how to fix it.

    .. versionadded:: 0.1
    """

    row: int
    column: str | None
    value: object
    message: str

    def __str__(self) -> str:
        where = f"column {self.column!r}" if self.column else "the row"
        return f"row {self.row}, {where}, value {self.value!r}: {self.message}"


@final
@attrs.frozen(kw_only=True)
class KanoSurvey:
    """The good responses of a survey file, and every bad row's problems.

    Attributes:
        responses: The valid responses, in file order.
        errors: One entry per problem found; empty when the file is clean.

    .. versionadded:: 0.1
    """

    responses: tuple[KanoResponse, ...]
    errors: tuple[KanoRowError, ...]


def _blank_to_none(value: object) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _row_errors(
    row_number: int, raw: Mapping[str, object], error: ValidationError
) -> list[KanoRowError]:
    found: list[KanoRowError] = []
    for detail in error.errors():
        column = str(detail["loc"][0]) if detail["loc"] else None
        message = str(detail["msg"]).removeprefix("Value error, ")
        value = raw.get(column) if column is not None else dict(raw)
        found.append(
            KanoRowError(
                row=row_number, column=column, value=value, message=message
            )
        )
    return found


def _check_columns(columns: list[str], source: str) -> None:
    missing = [c for c in _REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in _COLUMNS]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if missing or unknown or repeated:
        parts = []
        if missing:
            parts.append(f"missing columns {missing!r}")
        if unknown:
            parts.append(f"unknown columns {unknown!r}")
        if repeated:
            parts.append(f"repeated columns {repeated!r}")
        msg = (
            f"the Kano survey {source} has {' and '.join(parts)}; use the "
            f"columns {list(_COLUMNS)!r} (importance is optional)"
        )
        raise DataError(msg)


def _records(text: str, fmt: KanoSurveyFormat) -> list[object]:
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text), restkey=_EXTRA)
        try:
            _check_columns(list(reader.fieldnames or []), "CSV header")
            return list(reader)
        except csv.Error as exc:
            msg = (
                f"the Kano survey CSV cannot be read at line "
                f"{reader.line_num} ({exc}); fix that line, e.g. close its "
                "quotes or shorten the field"
            )
            raise DataError(msg) from exc
    try:
        data = json.loads(text)
    # ValueError: also numbers past Python's digit limit; RecursionError:
    # arrays nested thousands deep.
    except (ValueError, RecursionError) as exc:
        msg = (
            f"the Kano survey is not valid JSON ({str(exc)[:200]}); write a "
            "JSON list of objects, one per respondent and feature"
        )
        raise DataError(msg) from None
    if not isinstance(data, list):
        msg = (
            f"a JSON Kano survey must be a list of objects, got a "
            f"{type(data).__name__}; wrap the rows in [...]"
        )
        raise DataError(msg)
    return data


def parse_responses(
    text: str, /, *, file_format: KanoSurveyFormat = "csv"
) -> KanoSurvey:
    """Read survey answers from CSV or JSON text, keeping the good rows.

    The columns (CSV header or JSON keys) are ``respondent_id``,
    ``feature``, ``functional``, ``dysfunctional`` and optionally
    ``importance``. Answers are names (``like``, ``must_be``,
    ``neutral``, ``live_with``, ``dislike``) or codes 1 to 5. A respondent
    who answers the same feature twice is reported; the first answer is
    kept.

    Args:
        text: The file's content.
        file_format: ``"csv"`` or ``"json"`` (a list of objects).

    Returns:
        The valid responses and one error per problem found.

    Raises:
        DataError: The file as a whole is unusable (wrong, missing or
            repeated columns, unreadable CSV, not JSON, not a list).
        ArgumentTypeError: ``text`` is not a string.
        InvariantError: ``file_format`` is not ``"csv"`` or ``"json"``.

    Examples:
        >>> from customer_centric.kano import parse_responses
        >>> survey = parse_responses(chr(10).join([
        ...     "respondent_id,feature,functional,dysfunctional",
        ...     "R1,radio,like,neutral",
        ...     "R2,radio,love it,5"]))
        >>> len(survey.responses)
        1
        >>> print(survey.errors[0])
        row 2, column 'functional', value 'love it': unknown Kano answer \
'love it'; use like, must_be, neutral, live_with or dislike, or the codes 1 \
to 5

    .. versionadded:: 0.1
    """
    check_instance(
        text, str, name="text", what="a str (decode bytes first, as UTF-8)"
    )
    file_format = check_choice(file_format, _FORMATS, name="file_format")
    responses: list[KanoResponse] = []
    errors: list[KanoRowError] = []
    seen: set[tuple[str, str]] = set()
    # A byte-order mark left by a reader that decoded as plain UTF-8.
    rows = _records(text.removeprefix("\ufeff"), file_format)
    for number, raw in enumerate(rows, start=1):
        if not isinstance(raw, dict):
            errors.append(
                KanoRowError(
                    row=number,
                    column=None,
                    value=raw,
                    message=(
                        "each row must be an object with the columns "
                        f"{list(_COLUMNS)!r}"
                    ),
                )
            )
            continue
        if file_format == "json":
            unknown = [k for k in raw if k not in _COLUMNS]
            errors.extend(
                KanoRowError(
                    row=number,
                    column=str(key),
                    value=raw[key],
                    message=f"unknown column; use {list(_COLUMNS)!r}",
                )
                for key in unknown
            )
            if unknown:
                continue
        cleaned = {str(k): _blank_to_none(v) for k, v in raw.items()}
        try:
            response = KanoResponse.model_validate(cleaned)
        except ValidationError as exc:
            errors.extend(_row_errors(number, raw, exc))
            continue
        key = (response.respondent_id, response.feature)
        if key in seen:
            errors.append(
                KanoRowError(
                    row=number,
                    column="feature",
                    value=response.feature,
                    message=(
                        f"respondent {response.respondent_id!r} already "
                        "answered this feature; the first answer is kept"
                    ),
                )
            )
            continue
        seen.add(key)
        responses.append(response)
    return KanoSurvey(responses=tuple(responses), errors=tuple(errors))


def read_responses(
    path: str | PathLike[str],
    /,
    *,
    file_format: KanoSurveyFormat | None = None,
) -> KanoSurvey:
    """Read a CSV or JSON survey file (UTF-8), keeping the good rows.

    Args:
        path: The file to read.
        file_format: ``"csv"`` or ``"json"``; by default taken from the file's
            suffix.

    Raises:
        DataError: The format cannot be told from the suffix, the file
            cannot be read or is not UTF-8 text, or the file as a whole is
            unusable (see :func:`parse_responses`).
        ArgumentTypeError: ``path`` is not a path.
        InvariantError: ``file_format`` is not ``"csv"``, ``"json"`` or
            None.

    Examples:
        >>> import pathlib, tempfile
        >>> from customer_centric.kano import read_responses
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = pathlib.Path(folder) / "answers.json"
        ...     _ = path.write_text('[{"respondent_id": "R1", '
        ...         '"feature": "shampoo", "functional": 1, '
        ...         '"dysfunctional": 3, "importance": 7}]')
        ...     survey = read_responses(path)
        >>> survey.responses[0].importance, survey.errors
        (7.0, ())

    .. versionadded:: 0.1
    """
    try:
        file = Path(path)
    except TypeError:
        raise ArgumentTypeError.for_argument(
            "path", path, "a path, a str or an os.PathLike"
        ) from None
    if file_format is not None:
        file_format = check_choice(file_format, _FORMATS, name="file_format")
    else:
        suffix = file.suffix.lower().lstrip(".")
        if suffix not in ("csv", "json"):
            msg = (
                f"cannot tell the survey format of {str(file)!r} from its "
                "suffix; name it .csv or .json, or pass file_format="
            )
            raise DataError(msg)
        file_format = "csv" if suffix == "csv" else "json"
    try:
        content = file.read_bytes()
    # ValueError: a path with a NUL character.
    except (OSError, ValueError) as exc:
        msg = (
            f"cannot read the Kano survey file {str(file)!r} ({exc}); check "
            "the path and that the file is readable"
        )
        raise DataError(msg) from exc
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = (
            f"the Kano survey file {str(file)!r} is not UTF-8 text (byte "
            f"{content[exc.start]:#04x} at offset {exc.start}); save it as "
            "UTF-8, e.g. 'CSV UTF-8' in a spreadsheet"
        )
        raise DataError(msg) from None
    return parse_responses(text, file_format=file_format)
