"""The transaction files ``score`` reads: formats, compression, rows.

A file is CSV (any delimiter), parquet, JSON Lines or CDNOW's
whitespace-separated layout, and CSV, JSON Lines and CDNOW files may be
gzip-compressed. This module tells which, and reads any of them row by
row in pure Python: the reference path, used when no dataframe library is
installed, when the columnar path cannot trust its line numbers, and to
say why a row the columnar path flagged is bad.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Final, Literal, cast, final

import attrs
import click

from customer_centric.cli._files import (
    BOM,
    NotUtf8Error,
    check_not_utf16,
    decode,
)

Format = Literal["csv", "parquet", "jsonl", "cdnow"]
"""The layouts ``score`` reads."""

FORMATS: Final[tuple[Format, ...]] = ("csv", "parquet", "jsonl", "cdnow")
GZIP_MAGIC: Final = b"\x1f\x8b"
DELIMITERS: Final = (",", ";", "\t", "|")
"""The delimiters tried on a CSV header when ``--delimiter`` is not given."""
CDNOW_COLUMNS: Final = ("customer_id", "date", "quantity", "amount")
"""CDNOW_master.txt's fields (the sample adds the master id in front)."""
_CDNOW_FIELDS: Final = (4, 5)
_SUFFIXES: Final[Mapping[str, Format]] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_CHUNK: Final = 1 << 20

Row = Mapping[str, object]


@final
@attrs.frozen(kw_only=True)
class Source:
    """A transactions file and how to read it."""

    path: Path
    format: Format
    compressed: bool
    delimiter: str = ","


@final
@attrs.frozen(kw_only=True)
class Columns:
    """Which of the file's columns hold the id, the date and the amount."""

    customer: str
    date: str
    amount: str | None
    date_format: str | None

    @property
    def names(self) -> list[str]:
        """The columns read, in order."""
        return [self.customer, self.date, *filter(None, [self.amount])]


def is_gzip(path: Path, /) -> bool:
    """Whether the file starts as gzip; an unreadable one is read later."""
    try:
        with path.open("rb") as raw:
            return raw.read(2) == GZIP_MAGIC
    except OSError:
        return False


def source_of(
    path: Path, /, *, format_: Format | None, delimiter: str | None
) -> Source:
    """How to read ``path``: the given format, or the one its name says.

    A gzip file is recognised by its first bytes; its format comes from
    the name without ``.gz``. The CSV delimiter, unless given, is the one
    of ``DELIMITERS`` the header line holds most of (a comma if none).
    """
    compressed = is_gzip(path)
    name = path.with_suffix("") if path.suffix.lower() == ".gz" else path
    chosen = format_ or _SUFFIXES.get(name.suffix.lower())
    if chosen is None:
        msg = (
            f"cannot tell the format of {path} from its name; name it "
            ".csv, .tsv, .parquet, .jsonl or .ndjson (optionally .gz), or "
            "pass --format csv, parquet, jsonl or cdnow"
        )
        raise click.UsageError(msg)
    if chosen == "parquet" and compressed:
        msg = (
            f"{path} is gzip-compressed; parquet compresses inside the "
            "file: decompress it first"
        )
        raise click.UsageError(msg)
    source = Source(path=path, format=chosen, compressed=compressed)
    if chosen == "csv":
        return attrs.evolve(
            source, delimiter=delimiter or sniff_delimiter(source)
        )
    return source


@contextmanager
def open_binary(source: Source, /) -> Iterator[IO[bytes]]:
    """The file's bytes, decompressed; unreadable files end the command."""
    try:
        raw: gzip.GzipFile | io.BufferedReader = (
            gzip.open(source.path, "rb")  # noqa: SIM115 - see the with below
            if source.compressed
            else source.path.open("rb")
        )
    except OSError as exc:
        msg = f"cannot read {source.path}: {exc.strerror or exc}"
        raise click.ClickException(msg) from exc
    with raw:
        try:
            check_not_utf16(source.path, raw.peek(2)[:2])
            yield cast("IO[bytes]", raw)
        except (OSError, EOFError, zlib.error) as exc:
            msg = f"cannot read {source.path}: {exc}"
            raise click.ClickException(msg) from exc


@contextmanager
def open_text(source: Source, /) -> Iterator[IO[str]]:
    """The file as UTF-8 text split at line feeds, a BOM dropped.

    Bytes that are not UTF-8 are kept as surrogates, so that a bad cell is
    reported with its line rather than ending the command.
    """
    with open_binary(source) as raw:
        yield io.TextIOWrapper(
            raw, encoding="utf-8-sig", errors="surrogateescape", newline="\n"
        )


def sniff_delimiter(source: Source, /) -> str:
    """The candidate delimiter the header line holds most of."""
    with open_binary(source) as raw:
        header = raw.readline().removeprefix(BOM)
    counts = {d: header.count(d.encode()) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def count_lines(source: Source, /) -> tuple[int, bool]:
    r"""The lines ``grep -n`` numbers, and whether a lone ``\r`` occurs.

    A lone carriage return (one not before a line feed) is where a
    dataframe reader and the line numbers may disagree.
    """
    lines = 0
    lone_cr = False
    carry = b""
    last = b""
    with open_binary(source) as raw:
        while chunk := raw.read(_CHUNK):
            lines += chunk.count(b"\n")
            data = carry + chunk
            carry = b"\r" if data.endswith(b"\r") else b""
            body = data.removesuffix(carry)
            lone_cr = lone_cr or body.count(b"\r") != body.count(b"\r\n")
            last = chunk[-1:]
    return lines + (last not in {b"", b"\n"}), lone_cr or bool(carry)


# -- rows, one by one -----------------------------------------------------


def csv_records(
    handle: IO[str], delimiter: str
) -> Iterator[tuple[int, list[str] | str]]:
    """Each non-blank record with its first line, or why it is unreadable."""
    reader = csv.reader(handle, delimiter=delimiter)
    last = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = (
                "a carriage return inside an unquoted cell; remove it or "
                "quote the cell"
                if "new-line character" in str(exc)
                else str(exc)
            )
            yield last + 1, f"cannot read the row as CSV: {problem}"
            last = reader.line_num
            continue
        first, last = last + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield first, cells


def csv_row(
    cells: list[str], header: list[str], columns: list[str]
) -> Row | str:
    """The cells of ``columns`` in one record, or why they cannot be had.

    Cells beyond the header are an error unless blank (trailing commas).
    """
    if any(cell.strip() for cell in cells[len(header) :]):
        return (
            f"the row has {len(cells)} cells but the header names "
            f"{len(header)} columns (extra cells {cells[len(header) :]!r}); "
            "a comma inside a cell? write amounts with a decimal point "
            "(12.50) and quote text that holds a comma"
        )
    where = {name: header.index(name) for name in columns}
    short = [name for name in columns if where[name] >= len(cells)]
    if short:
        return (
            f"the row has {len(cells)} cells but the header names "
            f"{len(header)} columns: no cell for "
            f"{', '.join(repr(name) for name in short)}"
        )
    return {name: cells[where[name]] for name in columns}


def _json_object(text: str) -> dict[str, object] | str:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"cannot read the line as JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(value, dict):
        return (
            f"the line is JSON {type(value).__name__}, not an object; write "
            'one transaction per line as {"customer_id": ..., ...}'
        )
    return value


def jsonl_row(line: bytes, columns: list[str]) -> Row | str:
    """The values of ``columns`` in one JSON Lines line (absent: empty)."""
    try:
        value = _json_object(decode(line))
    except NotUtf8Error as exc:
        return str(exc)
    if isinstance(value, str):
        return value
    return {name: value.get(name) for name in columns}


def cdnow_row(line: str) -> Row | str:
    """A CDNOW line's id, date and amount (the last four of its fields)."""
    fields = line.split()
    if len(fields) not in _CDNOW_FIELDS:
        return (
            f"the line has {len(fields)} fields; a CDNOW line has 4 "
            "(customer id, date YYYYMMDD, quantity, amount), or 5 in the "
            "CDNOW sample (the master id first)"
        )
    customer, day, _, amount = fields[-4:]
    return {"customer_id": customer, "date": day, "amount": amount}


def numbered_lines(source: Source, /) -> Iterator[tuple[int, bytes]]:
    """Each line as ``grep -n`` numbers it, without its line ending."""
    with open_binary(source) as raw:
        for number, line in enumerate(raw, start=1):
            text = line.removesuffix(b"\n").removesuffix(b"\r")
            yield number, text.removeprefix(BOM) if number == 1 else text


def text_rows(
    source: Source, /, *, header: list[str], columns: list[str]
) -> Iterator[tuple[int, Row | str]]:
    """Each non-blank row of a CSV, JSON Lines or CDNOW file, by line."""
    if source.format == "csv":
        with open_text(source) as handle:
            records = csv_records(handle, source.delimiter)
            next(records)  # the header, already read
            for line, cells in records:
                yield (
                    line,
                    (
                        cells
                        if isinstance(cells, str)
                        else csv_row(cells, header, columns)
                    ),
                )
        return
    for number, data in numbered_lines(source):
        if not data.strip():
            continue
        if source.format == "jsonl":
            yield number, jsonl_row(data, columns)
        else:
            try:
                yield number, cdnow_row(decode(data))
            except NotUtf8Error as exc:
                yield number, str(exc)


def jsonl_header(source: Source, /) -> list[str]:
    """The keys of the first JSON object in the file (none without one)."""
    for _, data in numbered_lines(source):
        try:
            value = _json_object(decode(data))
        except NotUtf8Error:
            continue
        if isinstance(value, dict):
            return list(value)
    return []
