"""Shared inputs of the unit tests that came from the hardening issue: the dataset, a few
authority codes, share tokens of raw JSON, and checks on the CLI's refusals."""

from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path

from explorer.data import load_dataset
from explorer.text import is_unsafe

DS = load_dataset()
ANGLESEY, POWYS, NEWPORT = "W06000001", "W06000023", "W06000022"


def token_of(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def one_line_error(proc, *needles: str) -> str:
    """The CLI refused: status 2, nothing on stdout, exactly one line on stderr."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    assert proc.stderr.endswith("\n") and proc.stderr.count("\n") == 1, proc.stderr
    line = proc.stderr[:-1]
    assert line.startswith("error: ") and not any(is_unsafe(c) for c in line)
    for bad in ("Traceback", "set_int_max_str_digits", "at at", "Errno", "JSONDecodeError"):
        assert bad not in line
    for needle in needles:
        assert needle in line, line
    return line


def set_cell(path: Path, key: str, column: str, value: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = rows[0].index(column)
    matches = [row for row in rows[1:] if row[0] == key]
    assert len(matches) == 1, key
    matches[0][col] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
