"""Load and validate the 2019 dataset in ``data/``.

Every problem is reported as one :class:`DataError` naming the file, the line, the
column and the offending value, so a corrupted file never surfaces as a traceback.

>>> from explorer.data import load_dataset
>>> ds = load_dataset()
>>> len(ds.authorities), len(ds.forces)
(22, 4)
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from explorer import config
from explorer import csvtable as ct
from explorer.csvtable import DataError, read_csv_rows  # noqa: F401  (the public names)
from explorer.data_checks import check_forces_agree, check_health_boards, unique_folded
from explorer.limits import MAX_EDITION_CHANGES, MAX_SOURCE_LINK_CHARS
from explorer.model import (
    CHANGE_KINDS,
    SECTION_SEPARATOR,
    SOURCED_FILES,
    STATUSES,
    WELSH_CODES,
    WIDER_SCOPES,
    Arrangement,
    Authority,
    Change,
    Dataset,
    Event,
    Force,
    Hub,
    Item,
    Position,
    Section,
    section_ids,
)
from explorer.text import fold

#: The folder holding the committed dataset.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: Environment variable naming another copy of the dataset (used by the app and the CLI).
DATA_DIR_ENV = config.DATA_DIR_ENV


def resolve_data_dir(override: str | Path | None = None) -> Path:
    """The dataset folder: ``override`` (the CLI's ``--data``) if given, else
    ``MASH_DATA_DIR`` if set and not empty, else the committed ``data/``.

    The one resolver used by ``python -m explorer`` and by the app (``pages/ui/caches.py``).

    >>> resolve_data_dir("/tmp/d").as_posix()
    '/tmp/d'
    """
    if override is not None and str(override) != "":
        return Path(override)
    env = os.environ.get(DATA_DIR_ENV, "")
    return Path(env) if env.strip() else DATA_DIR


def _code(raw: str) -> str:
    value = raw.strip()
    if value not in WELSH_CODES:
        raise ValueError(
            "is not a Welsh local authority code (W06000001 to W06000024, no 07 or 17)"
        )
    return value


def _codes(raw: str) -> tuple[str, ...]:
    parts = [p.strip() for p in raw.split(";") if p.strip()]
    for part in parts:
        _code(part)
    if len(set(parts)) != len(parts):
        raise ValueError("lists a code twice")
    return tuple(parts)


def _nonempty_codes(raw: str) -> tuple[str, ...]:
    codes = _codes(raw)
    if not codes:
        raise ValueError("must list at least one authority code")
    return codes


def _section_refs(raw: str) -> str:
    """One section id, or several joined by ``;`` (a summary drawing on several places)."""
    ids = section_ids(raw)
    if not ids:
        raise ValueError("must not be empty")
    for section_id in ids:
        ct.ident(section_id)
    if len(set(ids)) != len(ids):
        raise ValueError("lists a section twice")
    return SECTION_SEPARATOR.join(ids)


def iso_date(raw: str) -> str:
    """A day written ``YYYY-MM-DD`` (a change record's ``source_date``)."""
    value = raw.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        parsed = _dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD") from None
    if not 2000 <= parsed.year <= 2100:
        raise ValueError("must be a date between 2000 and 2100")
    return value


def end_date(raw: str) -> str:
    """When something ended: a month ``YYYY-MM`` or a day ``YYYY-MM-DD`` (a year alone is
    not enough for an end reported after 2019), between 2000 and 2100; empty for none.

    >>> end_date("2026-03"), end_date(" 2026-03-31 "), end_date("")
    ('2026-03', '2026-03-31', '')
    >>> end_date("2026")
    Traceback (most recent call last):
    ...
    ValueError: must be a day (YYYY-MM-DD) or at least a month (YYYY-MM), not a year alone
    """
    value = raw.strip()
    if not value:
        return ""
    if re.fullmatch(r"\d{4}", value):
        raise ValueError("must be a day (YYYY-MM-DD) or at least a month (YYYY-MM), not a "
                         "year alone")
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if not match:
        raise ValueError("must be a day written YYYY-MM-DD or a month written YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= 2100:
        raise ValueError("must be a date between 2000 and 2100")
    if not 1 <= month <= 12:
        raise ValueError("has a month outside 01 to 12")
    if match.group(3):
        try:
            _dt.date(year, month, int(match.group(3)))
        except ValueError:
            raise ValueError("is not a day of the calendar") from None
    return value


def _link(raw: str) -> str:
    value = raw.strip()
    if not value:
        return ""
    if (len(value) > MAX_SOURCE_LINK_CHARS or not re.fullmatch(r"https?://[^\s<>\"'`]+", value)
            or any(not c.isprintable() for c in value)):
        raise ValueError(
            f"must be an http:// or https:// address of at most {MAX_SOURCE_LINK_CHARS} "
            "characters, without spaces or quotes"
        )
    return value


def _record_id(raw: str) -> str:
    value = raw.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", value):
        raise ValueError("must be a record's identifier (a hub_id, an authority code, ...)")
    return value


_year = ct.optional(ct.int_range(2000, 2030))
_lat = ct.float_range(51.0, 54.0)
_lon = ct.float_range(-5.8, -2.5)


_FORCE_IDS = ("dyfed_powys", "gwent", "north_wales", "south_wales")

TABLES: dict[str, ct.Table] = {
    "sections": ct.Table(
        "sections.csv",
        {
            "section_id": ct.ident,
            "force_heading": ct.text,
            "subheading": ct.optional_text,
            "paragraphs": ct.pattern(r"\d+(-\d+)?", "must be a paragraph number or range like 2-6"),
        },
        Section,
    ),
    "forces": ct.Table(
        "forces.csv",
        {
            "force_id": ct.choice(_FORCE_IDS),
            "name_en": ct.text,
            "name_cy": ct.text,
            "short_name": ct.text,
            "code": ct.pattern(r"W150000\d\d", "must be a police force area code W150000nn"),
            "position_summary": ct.text,
            "section_id": _section_refs,
        },
        Force,
    ),
    "authorities": ct.Table(
        "authorities.csv",
        {
            "code": _code,
            "name_en": ct.text,
            "name_cy": ct.text,
            "force_id": ct.ident,
            "health_board": ct.text,
            "health_board_cy": ct.text,
            "safeguarding_board": ct.text,
            "population_census2021": ct.int_range(1_000, 2_000_000),
            "population_mid2018": ct.int_range(1_000, 2_000_000),
            "land_area_km2": ct.float_range(1.0, 10_000.0),
            "office_town": ct.text,
            "office_lat": _lat,
            "office_lon": _lon,
        },
        Authority,
    ),
    "hubs": ct.Table(
        "hubs.csv",
        {
            "hub_id": ct.ident,
            "name": ct.text,
            "status": ct.choice(s for s in STATUSES if s != "no_mash"),
            "member_codes": _nonempty_codes,
            "host_code": ct.optional(_code),
            "location": ct.optional_text,
            "start_year": _year,
            "end_year": _year,
            "end_date": end_date,
            "dates_note": ct.optional_text,
            "section_id": _section_refs,
        },
        Hub,
        optional_columns=frozenset({"end_date"}),
    ),
    "positions": ct.Table(
        "positions.csv",
        {
            "code": _code,
            "status": ct.choice(STATUSES),
            "hub_id": ct.optional(ct.ident),
            "stance": ct.optional_text,
            "summary": ct.text,
            "section_id": _section_refs,
        },
        Position,
    ),
    "arrangements": ct.Table(
        "arrangements.csv",
        {
            "arrangement_id": ct.ident,
            "name": ct.text,
            "kind": ct.choice(
                (
                    "cru_police_only",
                    "cru_partner_links",
                    "vulnerability_hub_proposed",
                    "early_intervention_pathfinder",
                    "early_intervention_projects",
                )
            ),
            "status": ct.choice(("operating", "proposed")),
            "force_id": ct.ident,
            "member_codes": _nonempty_codes,
            "summary": ct.text,
            "section_id": _section_refs,
        },
        Arrangement,
    ),
    "events": ct.Table(
        "events.csv",
        {
            "event_id": ct.ident,
            "date": ct.partial_date,
            "date_label": ct.text,
            "approximate": ct.boolean,
            "planned": ct.boolean,
            "scope": ct.ident,
            "member_codes": _codes,
            "summary": ct.text,
            "section_id": _section_refs,
        },
        Event,
    ),
    "items": ct.Table(
        "items.csv",
        {
            "item_id": ct.ident,
            "scope": ct.ident,
            "kind": ct.choice(("context", "stance", "challenge", "plan", "guidance", "review")),
            "summary": ct.text,
            "section_id": _section_refs,
        },
        Item,
    ),
}


#: ``changes.csv``: only in a later edition's folder (an export); never in the 2019 ``data/``.
CHANGES = ct.Table(
    "changes.csv",
    {
        "change_id": ct.ident,
        "file": ct.choice(SOURCED_FILES),
        "record_id": _record_id,
        "kind": ct.choice(CHANGE_KINDS),
        "source_title": ct.optional_text,
        "reported_by": ct.optional_text,
        "source_date": iso_date,
        "source_link": _link,
        "reason": ct.text,
    },
    Change,
)
#: The one column order of each file: every writer of an edition's files (an update round's
#: rows, :func:`explorer.editions.files.dataset_texts`, the export of either) writes its
#: columns in this order; a column added after May 2019 (``hubs.csv``'s ``end_date``) has its
#: place here, after ``end_year``, whichever writer adds it.
FILE_COLUMNS: dict[str, tuple[str, ...]] = {
    t.file: tuple(t.columns) for t in (*TABLES.values(), CHANGES)}


def in_file_order(file: str, header: Iterable[str]) -> tuple[str, ...]:
    """``header``'s columns in :data:`FILE_COLUMNS` order (a column the file does not know
    stays, after the known ones).

    >>> in_file_order("hubs.csv", ["hub_id", "name", "end_year", "section_id", "end_date"])
    ('hub_id', 'name', 'end_year', 'end_date', 'section_id')
    """
    given = list(header)
    known = FILE_COLUMNS.get(file, ())
    return (*(c for c in known if c in given), *(c for c in given if c not in known))


#: The identifier column of each file whose rows an edition may change.
KEY_COLUMNS: dict[str, str] = {
    "forces.csv": "force_id", "hubs.csv": "hub_id", "positions.csv": "code",
    "arrangements.csv": "arrangement_id", "events.csv": "event_id", "items.csv": "item_id",
    "sections.csv": "section_id", "authorities.csv": "code",
}


def authority_keys(authorities: Iterable[Authority]) -> dict[str, str]:
    """Folded code, English name and Welsh name -> code (see :func:`explorer.text.fold`):
    how scenarios find an authority however its name is typed.

    >>> keys = authority_keys(load_dataset().authorities)
    >>> keys["ynys mon"], keys["w06000001"], keys["isle of anglesey"]
    ('W06000001', 'W06000001', 'W06000001')
    """
    keys: dict[str, str] = {}
    for a in authorities:
        for value in (a.code, a.name_en, a.name_cy):
            keys.setdefault(fold(value), a.code)
    return keys


def load_dataset(data_dir: Path | str = DATA_DIR) -> Dataset:
    """Read every file in ``data_dir``, validate it, and return a :class:`Dataset`.

    Beyond each cell, the files must agree with each other: codes and names are unique (in
    both languages, ignoring case, accents and punctuation), every reference resolves, and
    every police-force assignment agrees with ``authorities.csv``.

    Raises :class:`DataError` for the first problem found.
    """
    data_dir = Path(data_dir)
    parsed = {key: ct.parse_table(data_dir, table) for key, table in TABLES.items()}
    for key, attr in (
        ("sections", "section_id"),
        ("forces", "force_id"),
        ("authorities", "code"),
        ("hubs", "hub_id"),
        ("positions", "code"),
        ("arrangements", "arrangement_id"),
        ("events", "event_id"),
        ("items", "item_id"),
    ):
        ct.unique(TABLES[key].file, parsed[key], attr)

    changes: list[tuple[int, Change]] = []
    if (data_dir / CHANGES.file).exists():
        changes = ct.parse_table(data_dir, CHANGES)
        _check_changes(parsed, changes)
    known_sections = {r.section_id for _, r in parsed["sections"]}
    known_sources = known_sections | {c.change_id for _, c in changes}
    force_ids = {r.force_id for _, r in parsed["forces"]}
    scopes = force_ids | set(WIDER_SCOPES)
    hubs = {r.hub_id: r for _, r in parsed["hubs"]}

    def check(key: str, column: str, allowed: set[str], what: str) -> None:
        for line, rec in parsed[key]:
            value = getattr(rec, column)
            if value is not None and value not in allowed:
                raise DataError(
                    TABLES[key].file, f"no such {what}", line=line, column=column, value=value
                )

    for key in TABLES:
        if key != "sections" and "section_id" in TABLES[key].columns:
            for line, rec in parsed[key]:
                for section_id in section_ids(rec.section_id):
                    if section_id not in known_sources:
                        raise DataError(
                            TABLES[key].file,
                            "no such briefing section in sections.csv"
                            + (" (nor change in changes.csv)" if changes else ""),
                            line=line, column="section_id", value=section_id,
                        )
    check("authorities", "force_id", force_ids, "police force in forces.csv")
    check("arrangements", "force_id", force_ids, "police force in forces.csv")
    what = "scope (a force_id in forces.csv, 'wales' or 'england_and_wales')"
    check("events", "scope", scopes, what)
    check("items", "scope", scopes, what)
    check("positions", "hub_id", set(hubs), "hub in hubs.csv")

    unique_folded("authorities.csv", parsed["authorities"], ("code", "name_en", "name_cy"),
                   "code")
    unique_folded("forces.csv", parsed["forces"], ("name_en", "name_cy", "short_name"),
                   "force_id")
    unique_folded("forces.csv", parsed["forces"], ("code",), "force_id")
    unique_folded("hubs.csv", parsed["hubs"], ("name",), "hub_id")
    check_health_boards(parsed["authorities"])

    missing_forces = set(_FORCE_IDS) - force_ids
    if missing_forces:
        raise DataError("forces.csv", "missing police force: " + ", ".join(sorted(missing_forces)))
    for key in ("authorities", "positions"):
        present = {r.code for _, r in parsed[key]}
        missing = [c for c in WELSH_CODES if c not in present]
        if missing:
            raise DataError(
                TABLES[key].file,
                f"expected all 22 authorities; missing {', '.join(missing)}",
            )

    for line, hub in parsed["hubs"]:
        if hub.host_code is not None and hub.host_code not in hub.member_codes:
            raise DataError(
                "hubs.csv", "host is not one of the hub's members",
                line=line, column="host_code", value=hub.host_code,
            )
        if hub.end_date:
            if hub.end_year is not None and hub.end_year != int(hub.end_date[:4]):
                raise DataError(
                    "hubs.csv", f"disagrees with end_year ({hub.end_year}); give the same "
                    "year or leave end_year empty", line=line, column="end_date",
                    value=hub.end_date)
            if hub.start_year and int(hub.end_date[:4]) < hub.start_year:
                raise DataError("hubs.csv", f"ends before it starts ({hub.start_year})",
                                line=line, column="end_date", value=hub.end_date)
        if hub.start_year and hub.end_year and hub.end_year < hub.start_year:
            raise DataError(
                "hubs.csv", "ends before it starts", line=line, column="end_year",
                value=str(hub.end_year),
            )
    for line, pos in parsed["positions"]:
        hub = hubs.get(pos.hub_id) if pos.hub_id else None
        if hub is None and pos.status != "no_mash":
            raise DataError(
                "positions.csv", f"status {pos.status} needs a hub_id",
                line=line, column="hub_id", value="",
            )
        if hub is not None:
            if pos.status != hub.status:
                raise DataError(
                    "positions.csv",
                    f"status disagrees with hub '{hub.hub_id}' ({hub.status})",
                    line=line, column="status", value=pos.status,
                )
            if pos.code not in hub.member_codes:
                raise DataError(
                    "positions.csv", f"authority is not a member of hub '{hub.hub_id}'",
                    line=line, column="hub_id", value=pos.hub_id,
                )
    member_of = {r.code: r.hub_id for _, r in parsed["positions"]}
    for line, hub in parsed["hubs"]:
        for code in hub.member_codes:
            if member_of.get(code) != hub.hub_id:
                raise DataError(
                    "hubs.csv", f"member's row in positions.csv names hub {member_of.get(code)!r}",
                    line=line, column="member_codes", value=code,
                )

    check_forces_agree(parsed)

    def records(key: str) -> tuple[Any, ...]:
        return tuple(rec for _, rec in parsed[key])

    return Dataset(
        authorities=tuple(sorted(records("authorities"), key=lambda a: a.code)),
        forces=tuple(sorted(records("forces"), key=lambda f: f.name_en)),
        hubs=records("hubs"),
        positions=tuple(sorted(records("positions"), key=lambda p: p.code)),
        arrangements=records("arrangements"),
        events=tuple(sorted(records("events"), key=lambda e: (e.date, e.event_id))),
        items=records("items"),
        sections=records("sections"),
        changes=tuple(rec for _, rec in changes),
    )


def dataset_problems(data_dir: Path | str) -> list[DataError]:
    """Every problem in the files of ``data_dir``, not only the first: each bad cell of
    every file (file, line, column, value), each bad header or unreadable file; when every
    cell reads, the first problem between files (a reference that does not resolve, a force
    that disagrees) as :func:`load_dataset` finds it. Empty when the folder loads.

    What an edition's import reports (:func:`explorer.editions.files.validate`).
    """
    data_dir = Path(data_dir)
    problems: list[DataError] = []
    for table in TABLES.values():
        ct.parse_table(data_dir, table, problems)
    if (data_dir / CHANGES.file).exists():
        ct.parse_table(data_dir, CHANGES, problems)
    if problems:
        return problems
    try:
        load_dataset(data_dir)
    except DataError as exc:
        return [exc]
    return []


def _check_changes(parsed: dict[str, list[tuple[int, Any]]],
                   changes: Sequence[tuple[int, Change]]) -> None:
    """``changes.csv`` on its own terms: unique ids that are not section ids, and a source
    on every record (its reason is a required cell). Whether the records match the rows
    that differ from the previous published edition is checked where that edition is known
    (:func:`explorer.editions.model.check_against`)."""
    file = CHANGES.file
    if len(changes) > MAX_EDITION_CHANGES:
        raise DataError(file, f"has {len(changes)} change records; at most "
                        f"{MAX_EDITION_CHANGES:,} are accepted")
    ct.unique(file, changes, "change_id")
    sections = {r.section_id for _, r in parsed["sections"]}
    for line, c in changes:
        if c.change_id in sections:
            raise DataError(file, "is also a section id in sections.csv; a change needs an id "
                            "of its own", line=line, column="change_id", value=c.change_id)
        if not c.source_title and not c.reported_by:
            raise DataError(file, "a change needs a source: a document title (source_title) "
                            "or who reported it (reported_by)", line=line,
                            column="source_title", value="")
