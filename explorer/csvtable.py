"""A small typed-CSV reader: each column has a parser, each problem one :class:`DataError`
naming the file, the line, the column and the value. The 2019 dataset's schema
(:mod:`explorer.data`) and the preset list (:mod:`explorer.scenario`) are read with it.

>>> int_range(1, 9)(" 4 ")
4
>>> choice(("a", "b"))("c")
Traceback (most recent call last):
...
ValueError: must be one of a, b
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.limits import MAX_DATA_FILE_BYTES, MAX_DATA_TEXT_CHARS
from explorer.text import TextError, clean_text, terminal_safe


class DataError(ValueError):
    """One problem in one data file, with enough detail to find and fix it."""

    def __init__(
        self,
        file: str,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.problem = problem
        where = [file]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column '{column}'")
        text = ", ".join(where) + ": "
        if value is not None:
            text += f"value {value!r}: "
        super().__init__(text + problem)


# Field parsers: each takes the raw text and returns a value or raises ValueError.
def text(raw: str) -> str:
    """Text as data: NFC, stripped, one line, no control or bidirectional characters."""
    try:
        return clean_text(raw, "text", MAX_DATA_TEXT_CHARS)
    except TextError as exc:
        raise ValueError(str(exc).removeprefix("text ")) from None


def optional_text(raw: str) -> str:
    return text(raw) if raw.strip() else ""


def optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def parser(raw: str) -> Any:
        return parse(raw) if raw.strip() else None

    return parser


def int_range(lo: int, hi: int) -> Callable[[str], int]:
    def parser(raw: str) -> int:
        if not re.fullmatch(r"\s*\d+\s*", raw):
            raise ValueError("must be a whole number")
        value = int(raw)
        if not lo <= value <= hi:
            raise ValueError(f"must be between {lo:,} and {hi:,}")
        return value

    return parser


def float_range(lo: float, hi: float) -> Callable[[str], float]:
    def parser(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("must be a number") from None
        if not math.isfinite(value) or not lo <= value <= hi:
            raise ValueError(f"must be a number between {lo} and {hi}")
        return value

    return parser


def choice(options: Iterable[str]) -> Callable[[str], str]:
    allowed = tuple(options)

    def parser(raw: str) -> str:
        if raw.strip() not in allowed:
            raise ValueError("must be one of " + ", ".join(allowed))
        return raw.strip()

    return parser


def pattern(regex: str, message: str) -> Callable[[str], str]:
    def parser(raw: str) -> str:
        if not re.fullmatch(regex, raw.strip()):
            raise ValueError(message)
        return raw.strip()

    return parser


def boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise ValueError("must be true or false")
    return value == "true"


def partial_date(raw: str) -> str:
    value = raw.strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", value)
    if not match or not 2000 <= int(match.group(1)) <= 2030:
        raise ValueError("must be a year (YYYY) or a month (YYYY-MM) between 2000 and 2030")
    if match.group(2) and not 1 <= int(match.group(2)) <= 12:
        raise ValueError("has a month outside 01 to 12")
    return value


def ident(raw: str) -> str:
    value = raw.strip()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", value):
        raise ValueError("must be an identifier of lower-case letters, digits, _ or -")
    return value


@dataclass(frozen=True)
class Table:
    file: str
    columns: dict[str, Callable[[str], Any]]
    record: type
    #: Columns a file may leave out (read as empty in every row): columns added after the
    #: May 2019 files were written, which stay byte for byte as they are.
    optional_columns: frozenset[str] = frozenset()


def read_csv_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) rows of a UTF-8 CSV file; blank rows are skipped.

    Raises :class:`DataError` naming the file (and line) for a missing, unreadable,
    oversized, non-UTF-8, malformed or empty file. A row's line number is the line it
    *starts* on, so a quote that is never closed is reported where it opens, not at the end
    of the file. A row may not run over several lines (no cell holds a line break). Also
    used for ``scenarios/presets.csv``.
    """
    name = path.name
    try:
        if not path.is_file():
            raise DataError(name, f"file not found in {terminal_safe(str(path.parent))}")
        if path.stat().st_size > MAX_DATA_FILE_BYTES:
            raise DataError(name, f"file is larger than {MAX_DATA_FILE_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(name, f"cannot read the file ({exc.strerror or 'unreadable'})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(name, f"is not valid UTF-8 (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "end of data" in str(exc) or reader.line_num > start:
                raise DataError(
                    name, 'a quoted cell opens on this line and is never closed (a missing ")',
                    line=start,
                ) from None
            raise DataError(
                name, 'is not valid CSV (a " inside a cell must be doubled, and a quoted cell '
                "must be followed by a comma or the end of the line)", line=start,
            ) from None
        if reader.line_num > start:
            raise DataError(
                name, f"a quoted cell opens on this line and runs on to line {reader.line_num} "
                '(a missing closing ", or a line break inside a cell)', line=start,
            )
        if header is None:
            header = [h.strip() for h in fields]
            continue
        if not any(f.strip() for f in fields):
            continue
        rows.append((start, fields))
    if header is None:
        raise DataError(name, "file is empty (no header row)")
    return header, rows


def parse_table(data_dir: Path, table: Table,
                problems: list[DataError] | None = None) -> list[Any]:
    """The records of ``table`` in ``data_dir``, each as (line, record).

    Without ``problems``, the first problem is raised as a :class:`DataError`. With a list,
    every problem is appended to it instead (a bad header or an unreadable file stops that
    file; a bad cell only its row) and the rows that parsed are returned, so one pass reports
    every bad cell of every file (issue 18: an edition's import lists them all).
    """

    def fail(error: DataError) -> None:
        if problems is None:
            raise error
        problems.append(error)

    try:
        header, rows = read_csv_rows(data_dir / table.file)
    except DataError as exc:
        fail(exc)
        return []
    expected = list(table.columns)
    bad_header = ([DataError(table.file, "required column is missing", line=1, column=col)
                   for col in expected
                   if col not in header and col not in table.optional_columns]
                  + [DataError(table.file, "unexpected column", line=1, column=col)
                     for col in header if col not in table.columns])
    if len(set(header)) != len(header):
        bad_header.append(DataError(table.file, "a column name appears twice in the header",
                                    line=1))
    for error in bad_header:
        fail(error)
    if bad_header:
        return []
    records = []
    for line, fields in rows:
        if len(fields) != len(header):
            fail(DataError(table.file, f"has {len(fields)} fields, expected {len(header)}",
                           line=line))
            continue
        values = {col: table.columns[col]("") for col in table.optional_columns
                  if col not in header}
        for col, raw in zip(header, fields, strict=False):
            try:
                values[col] = table.columns[col](raw)
            except ValueError as exc:
                fail(DataError(table.file, str(exc), line=line, column=col, value=raw))
        if len(values) == len(table.columns):
            records.append((line, table.record(**values)))
    return records


def unique(file: str, records: Sequence[tuple[int, Any]], attr: str) -> None:
    seen: set[str] = set()
    for line, rec in records:
        key = getattr(rec, attr)
        if key in seen:
            raise DataError(file, "duplicate identifier", line=line, column=attr, value=key)
        seen.add(key)
