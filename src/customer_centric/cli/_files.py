"""Reading users' files and writing to their terminal safely (internal).

Shared by every command: the consoles print user text as it is (no rich
markup, no ``:emoji:`` codes), a file is split into the lines an editor or
``grep -n`` numbers (at line feeds only; a carriage return before one is
dropped, a UTF-8 byte-order mark at the start is dropped), and a line that
is not UTF-8 becomes a problem to report with its number, not a crash.
"""

from __future__ import annotations

import codecs
import io
import sys
from typing import TYPE_CHECKING, Final, cast

import click

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console
    from rich.text import Text

BOM: Final = b"\xef\xbb\xbf"
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_ERRORS: Final = "customer_centric.cli.replace"


def _replace(error: UnicodeError, /) -> tuple[str, int]:
    """A bar block becomes ``#``, any other character ``?``.

    Registered for the output streams only, so ``error`` is always a
    :class:`UnicodeEncodeError`.
    """
    encoding = cast("UnicodeEncodeError", error)
    lacking = encoding.object[encoding.start : encoding.end]
    return "".join("#" if c == "█" else "?" for c in lacking), encoding.end


codecs.register_error(_ERRORS, _replace)


class NotUtf8Error(ValueError):
    """A line or cell that is not UTF-8 text (internal; reported by line)."""

    @classmethod
    def for_bytes(
        cls, data: bytes, error: UnicodeDecodeError, /
    ) -> NotUtf8Error:
        """The message for ``data``, which ``error`` could not decode."""
        byte = data[error.start]
        shown = data[max(0, error.start - 20) : error.start + 20]
        return cls(
            f"not UTF-8 text: byte 0x{byte:02x} at column {error.start + 1} "
            f"in {shown!r}; save the file as UTF-8 (for example re-encode it "
            "from Latin-1 or Windows-1252)"
        )


def tolerate_narrow_terminals() -> None:
    """Let standard output and error replace what their encoding lacks.

    A terminal or redirect in ASCII, Latin-1 or a Windows code page cannot
    encode the report's bars or every customer id; bars are drawn with
    ``#`` and other such characters shown as ``?`` instead of ending the
    command with an error.
    """
    for stream in (sys.stdout, sys.stderr):
        if (
            isinstance(stream, io.TextIOWrapper)
            and codecs.lookup(stream.encoding).name != "utf-8"
        ):
            stream.reconfigure(errors=_ERRORS)


def printable(text: str, /) -> str:
    r"""``text`` with control characters written as escapes.

    Terminal control sequences (an escape character, a carriage return, a
    line feed) in a customer id or a file name are shown, not obeyed.

    Examples:
        >>> from customer_centric.cli._files import printable
        >>> print(printable("K1\x1b[2J\nZoë"))
        K1\x1b[2J\nZoë
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def shown(text: str, /) -> Text:
    """User text for a table cell: printable, never markup or emoji."""
    from rich.text import Text  # noqa: PLC0415 - only when drawing

    return Text(printable(text))


def consoles() -> tuple[Console, Console]:
    """Standard output and standard error, without emoji codes.

    Markup stays on for the commands' own emphasis; user text is passed as
    :class:`rich.text.Text` or escaped, so it is shown as written.
    """
    from rich.console import Console  # noqa: PLC0415 - only when run

    return (
        Console(highlight=False, emoji=False),
        Console(stderr=True, highlight=False, emoji=False),
    )


def check_not_utf16(path: Path, head: bytes, /) -> None:
    """Refuse a file that starts with a UTF-16 (or UTF-32) byte-order mark."""
    if head.startswith(_UTF16_BOMS):
        msg = (
            f"{path} is UTF-16 text (it starts with a UTF-16 byte-order "
            "mark); save it as UTF-8"
        )
        raise click.ClickException(msg)


def decode(line: bytes, /) -> str:
    """A line as text; :class:`NotUtf8Error` says where it is not UTF-8."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8Error.for_bytes(line, exc) from None
