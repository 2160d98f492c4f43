"""Writing records as TOML that a business user can read and edit.

The standard library reads TOML (:mod:`tomllib`) but does not write it;
this module writes the JSON-shaped data a record dumps
(``model_dump(mode="json")``): strings, numbers, booleans, lists and
tables. A top-level list of tables becomes an array of tables
(``[[rules]]``), one block per item, so each rule reads as a paragraph;
tables inside it are written inline. Reading the text back with
:func:`tomllib.loads` gives the same data: integers stay integers and
floats floats, so a record's fingerprint survives the round trip.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Final, TypeGuard

from customer_centric.exceptions import InvariantError

__all__ = ["dumps"]

_BARE_KEY: Final = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES: Final[dict[str, str]] = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_INDENT: Final = "    "


def _string(text: str) -> str:
    # TOML basic strings refuse control characters and DEL unescaped.
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char < " " or char == "\x7f":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _comment(line: str) -> str:
    # Comments refuse control characters too; they are shown, not kept.
    shown = "".join(
        "?" if (char < " " and char != "\t") or char == "\x7f" else char
        for char in line
    )
    return f"# {shown}".rstrip()


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _string(name)


def _float(number: float) -> str:
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return repr(number)  # always has a "." or an exponent: stays a float


def _scalar(value: str | float) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):  # before int: True is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _float(value)


def _value(value: object) -> str:
    """One value, inline; a list of tables spans one line per table."""
    if isinstance(value, str | float | int):
        return _scalar(value)
    if isinstance(value, Mapping):
        pairs = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + pairs + " }" if pairs else "{}"
    if isinstance(value, Sequence):
        if value and all(isinstance(item, Mapping) for item in value):
            lines = "".join(f"{_INDENT}{_value(item)},\n" for item in value)
            return f"[\n{lines}]"
        return "[" + ", ".join(_value(item) for item in value) + "]"
    msg = (
        f"TOML cannot hold {value!r} ({type(value).__name__}); only "
        "strings, numbers, booleans, lists and tables can be written"
    )
    raise InvariantError(msg)


def _is_table_list(
    value: object,
) -> TypeGuard[Sequence[Mapping[str, object]]]:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and bool(value)
        and all(isinstance(item, Mapping) for item in value)
    )


def dumps(data: Mapping[str, object], /, *, header: str = "") -> str:
    r"""``data`` as a TOML document; ``header`` lines become comments.

    Raises:
        InvariantError: A value TOML cannot hold (``None``, for instance).

    Examples:
        >>> import tomllib
        >>> from customer_centric._toml import dumps
        >>> data = {"days": 90, "rate": 0.5, "name": 'a "b"',
        ...         "rules": [{"id": "r1", "guards": [{"op": "at_least"}]}]}
        >>> text = dumps(data, header="A policy.")
        >>> print(text)
        # A policy.
        days = 90
        rate = 0.5
        name = "a \"b\""
        <BLANKLINE>
        [[rules]]
        id = "r1"
        guards = [
            { op = "at_least" },
        ]
        <BLANKLINE>
        >>> tomllib.loads(text) == data
        True
    """
    lines = [_comment(line) for line in header.splitlines()]
    tables: list[tuple[str, Sequence[Mapping[str, object]]]] = []
    for name, value in data.items():
        if _is_table_list(value):
            tables.append((name, value))
        else:
            lines.append(f"{_key(name)} = {_value(value)}")
    for name, items in tables:
        for item in items:
            lines.extend(("", f"[[{_key(name)}]]"))
            lines.extend(f"{_key(k)} = {_value(v)}" for k, v in item.items())
    return "\n".join(lines) + "\n"
