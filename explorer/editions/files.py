"""An edition's files in and out.

Out: a ZIP of the ``data/`` CSV files (the eight the app reads), ``changes.csv`` and
``edition.json``; unzipped, the folder loads like ``data/`` (``MASH_DATA_DIR``). The ZIP is
deterministic (fixed member order and times), so an export can be kept under version
control and compared.

In: a ZIP or a folder holding those files. Only the expected names are read (a folder copy
of ``data/`` with its README and ``evidence.csv`` is fine), each within
:data:`~explorer.limits.MAX_DATA_FILE_BYTES`; the files are validated by the same loader as
``data/`` (:func:`explorer.data.load_dataset`), so a problem is one line naming the file,
line, column and value. Nothing is extracted anywhere but a private temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from explorer.data import (
    CHANGES,
    FILE_COLUMNS,
    TABLES,
    DataError,
    dataset_problems,
    iso_date,
    load_dataset,
)
from explorer.editions.model import EditionError, EditionInfo
from explorer.limits import (
    MAX_DATA_FILE_BYTES,
    MAX_EDITION_JSON_BYTES,
    MAX_EDITION_TITLE_CHARS,
    MAX_EDITION_ZIP_BYTES,
    MAX_EDITION_ZIP_ENTRIES,
    MAX_IMPORT_PROBLEMS_SHOWN,
)
from explorer.model import Dataset
from explorer.text import TextError, clean_text, quote, terminal_safe

#: The data files of an edition, in the order they are written.
DATA_FILES: tuple[str, ...] = tuple(t.file for t in TABLES.values())
CHANGES_FILE = CHANGES.file
META_FILE = "edition.json"
CHANGES_HEADER = ",".join(FILE_COLUMNS[CHANGES_FILE]) + "\n"
#: The record of the update round that made an edition (issue 19): written into the edition's
#: export beside its files, never imported (a draft made by an import has no round).
RECORD_FILES = ("round.json", "audit.csv")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Incoming:
    """Validated files of an edition being imported."""

    files: Mapping[str, str]  # file name -> text (the data files and changes.csv)
    dataset: Dataset
    title: str | None
    as_at: str | None
    corrects: int | None


def _limit(name: str) -> int:
    return MAX_EDITION_JSON_BYTES if name == META_FILE else MAX_DATA_FILE_BYTES


def _from_folder(folder: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for name in (*DATA_FILES, CHANGES_FILE, META_FILE):
        path = folder / name
        if not path.is_file():
            continue
        try:
            if path.stat().st_size > _limit(name):
                raise EditionError(f"{name}: file is larger than {_limit(name):,} bytes")
            out[name] = path.read_bytes()
        except OSError as exc:
            raise EditionError(f"{name}: cannot read the file ({exc.strerror})") from None
    return out


def _from_zip(data: bytes, label: str) -> dict[str, bytes]:
    if len(data) > MAX_EDITION_ZIP_BYTES:
        raise EditionError(f"{label}: larger than {MAX_EDITION_ZIP_BYTES:,} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise EditionError(f"{label}: not a readable ZIP file") from None
    if len(entries) > MAX_EDITION_ZIP_ENTRIES:
        raise EditionError(f"{label}: holds {len(entries)} entries; at most "
                           f"{MAX_EDITION_ZIP_ENTRIES} are accepted")
    wanted = {*DATA_FILES, CHANGES_FILE, META_FILE}
    out: dict[str, bytes] = {}
    for info in entries:
        if info.is_dir():
            continue
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        name = parts[-1] if parts else ""
        if name not in wanted:
            continue  # README.md, evidence.csv, scenarios/...: not part of an edition
        if len(parts) > 2 or any(p in ("..", "") or ":" in p for p in parts):
            raise EditionError(f"{label}: entry {quote(info.filename, 80)} must be at the top "
                               "of the ZIP or in one folder")
        if name in out:
            raise EditionError(f"{label}: holds {name} twice")
        if info.flag_bits & 0x1:
            raise EditionError(f"{label}: {name} is encrypted")
        if info.file_size > _limit(name):
            raise EditionError(f"{name}: file is larger than {_limit(name):,} bytes")
        try:
            with archive.open(info) as member:
                content = member.read(_limit(name) + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            raise EditionError(f"{label}: {name} cannot be read from the ZIP") from None
        if len(content) > _limit(name):
            raise EditionError(f"{name}: file is larger than {_limit(name):,} bytes")
        out[name] = content
    return out


def read_source(source: Path | str | bytes, label: str = "upload") -> dict[str, bytes]:
    """The edition files in a folder, a ZIP file's path, or a ZIP's bytes (``label`` names
    it in messages)."""
    if isinstance(source, bytes):
        return _from_zip(source, label)
    path = Path(source)
    shown = terminal_safe(str(path))
    if path.is_dir():
        return _from_folder(path)
    if not path.is_file():
        raise EditionError(f"{shown}: no such file or folder")
    try:
        if path.stat().st_size > MAX_EDITION_ZIP_BYTES:
            raise EditionError(f"{shown}: larger than {MAX_EDITION_ZIP_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise EditionError(f"{shown}: cannot read the file ({exc.strerror})") from None
    return _from_zip(data, shown)


def parse_meta(raw: bytes | None) -> dict[str, Any]:
    """``edition.json``'s title, as-at date and what it corrects (None where absent)."""
    out: dict[str, Any] = {"title": None, "as_at": None, "corrects": None}
    if raw is None:
        return out
    try:
        meta = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise EditionError(f"{META_FILE}: not valid JSON in UTF-8") from None
    if not isinstance(meta, dict):
        raise EditionError(f"{META_FILE}: must hold a JSON object")
    if meta.get("title") is not None:
        out["title"] = clean_title(meta["title"], f"{META_FILE}, field 'title'")
    if meta.get("as_at") is not None:
        out["as_at"] = check_date(meta["as_at"], f"{META_FILE}, field 'as_at'")
    corrects = meta.get("corrects")
    if corrects is not None:
        if not isinstance(corrects, int) or isinstance(corrects, bool) or not 1 <= corrects:
            raise EditionError(f"{META_FILE}, field 'corrects': value {quote(corrects)}: "
                               "must be an edition id (a whole number) or null")
        out["corrects"] = corrects
    return out


def clean_title(value: Any, what: str = "title") -> str:
    try:
        title = clean_text(value, what, MAX_EDITION_TITLE_CHARS)
    except TextError as exc:
        raise EditionError(str(exc)) from None
    if not title:
        raise EditionError(f"{what} must not be empty")
    return title


def check_date(value: Any, what: str = "as-at date") -> str:
    if not isinstance(value, str):
        raise EditionError(f"{what}: value {quote(value)}: must be a date written YYYY-MM-DD")
    try:
        return iso_date(value)
    except ValueError as exc:
        raise EditionError(f"{what}: value {quote(value)}: {exc}") from None


def validate(files: Mapping[str, bytes]) -> Incoming:
    """The files loaded by the same loader as ``data/`` (in a private temporary folder)."""
    meta = parse_meta(files.get(META_FILE))
    with tempfile.TemporaryDirectory(prefix="mash-edition-") as tmp:
        folder = Path(tmp)
        for name, content in files.items():
            if name != META_FILE:
                (folder / name).write_bytes(content)
        problems = dataset_problems(folder)
        if problems:
            raise EditionError(problem_lines([str(p) for p in problems]))
        try:
            dataset = load_dataset(folder)
        except DataError as exc:  # (dataset_problems found none: not expected)
            raise EditionError(str(exc)) from None
    texts = {name: files[name].decode("utf-8-sig") for name in DATA_FILES}
    texts[CHANGES_FILE] = (files[CHANGES_FILE].decode("utf-8-sig") if CHANGES_FILE in files
                           else CHANGES_HEADER)
    return Incoming(texts, dataset, meta["title"], meta["as_at"], meta["corrects"])


def problem_lines(problems: list[str], limit: int = MAX_IMPORT_PROBLEMS_SHOWN) -> list[str]:
    """At most ``limit`` problem lines, then one line saying how many more there are.

    >>> problem_lines(["a", "b", "c"], 2)
    ['a', 'b', '… and 1 more problem not shown']
    """
    if len(problems) <= limit:
        return list(problems)
    more = len(problems) - limit
    return [*problems[:limit],
            f"… and {more:,} more problem{'s' if more != 1 else ''} not shown"]


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ";".join(value)
    return "" if value is None else str(value)


def dataset_texts(ds: Dataset) -> dict[str, str]:
    """A position written as the files of an edition (the eight data files and
    ``changes.csv``), columns in :data:`explorer.data.FILE_COLUMNS` order, as an update
    round writes them. Loading the result gives ``ds`` back.

    >>> from explorer.data import load_dataset
    >>> texts = dataset_texts(load_dataset())
    >>> texts["hubs.csv"].splitlines()[1]
    'cwm_taf,Cwm Taf MASH,mash,W06000016;W06000024,,,,,,,sw-1'
    """
    attrs = {**{t.file: key for key, t in TABLES.items()}, CHANGES_FILE: "changes"}
    out: dict[str, str] = {}
    for name, attr in attrs.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        columns = FILE_COLUMNS[name]  # the one order every writer uses
        writer.writerow(columns)
        for record in getattr(ds, attr):
            values = asdict(record)
            writer.writerow([_cell(values[col]) for col in columns])
        out[name] = buffer.getvalue()
    return out


def base_files(data_dir: Path) -> dict[str, str]:
    """Edition 1's files, exactly as in ``data_dir`` (no ``changes.csv`` there: a header)."""
    out = {name: (data_dir / name).read_bytes().decode("utf-8") for name in DATA_FILES}
    changes = data_dir / CHANGES_FILE
    out[CHANGES_FILE] = (changes.read_bytes().decode("utf-8") if changes.is_file()
                         else CHANGES_HEADER)
    return out


def records_in(source: Path | str | bytes) -> tuple[str, ...]:
    """Which of :data:`RECORD_FILES` an export (a folder, a ZIP's path or bytes) holds: an
    import reads the edition's files only and says that these were left out."""
    try:
        if isinstance(source, bytes):
            names = zipfile.ZipFile(io.BytesIO(source)).namelist()
        elif Path(source).is_dir():
            names = [p.name for p in Path(source).iterdir()]
        else:
            with zipfile.ZipFile(Path(source)) as archive:
                names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return ()
    present = {PurePosixPath(n.replace("\\", "/")).name for n in names}
    return tuple(n for n in RECORD_FILES if n in present)


def export_zip(info: EditionInfo, files: Mapping[str, str],
               records: Mapping[str, str] | None = None) -> bytes:
    """The edition as a deterministic ZIP: the data files, ``changes.csv``, ``edition.json``
    in one folder named after the edition (``edition-2/``), and for an edition made by an
    update round its record (``round.json``, ``audit.csv``: :data:`RECORD_FILES`)."""
    buffer = io.BytesIO()
    folder = f"edition-{info.id}"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in (*DATA_FILES, CHANGES_FILE):
            entry = zipfile.ZipInfo(f"{folder}/{name}", _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, files[name].encode("utf-8"))
        entry = zipfile.ZipInfo(f"{folder}/{META_FILE}", _ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        meta = json.dumps(info.to_json(), ensure_ascii=False, indent=2) + "\n"
        archive.writestr(entry, meta.encode("utf-8"))
        for name in RECORD_FILES:
            if records and name in records:
                entry = zipfile.ZipInfo(f"{folder}/{name}", _ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, records[name].encode("utf-8"))
    return buffer.getvalue()
