"""What an edition is, how two positions differ row by row, and the rule that every
difference carries a change record with a source and a reason.

An edition is a complete position in exactly the shape of ``data/`` (a
:class:`~explorer.model.Dataset`) plus its metadata (:class:`EditionInfo`). Edition 1 is the
May 2019 briefing read from ``data/``; later editions are stored in the database
(:mod:`explorer.editions.store`) and are checked here against the previous published one.

Change records live in ``changes.csv`` and are cumulative: an edition's file holds the
records its rows still cite, carried unchanged from earlier editions, plus its **own**
records (ids its base edition does not have), one for each row that differs from the base.

>>> from explorer.data import load_dataset
>>> ds = load_dataset()
>>> row_differences(ds, ds)
()
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from explorer.data import KEY_COLUMNS
from explorer.model import AS_AT, SOURCED_FILES, Change, Dataset, section_ids
from explorer.text import quote

#: The id of the May 2019 briefing, always present and never changed.
BASE_EDITION_ID = 1
BASE_TITLE = "Police liaison briefing note: MASH situation across Wales"
#: When the briefing note was sent (its publication, for the record).
BASE_PUBLISHED_AT = datetime(2019, 5, 31, tzinfo=UTC)
STATUSES = ("draft", "published")
#: Files an edition may not change: reference facts and the briefing's citable places.
FIXED_FILES = ("authorities.csv", "sections.csv")

_TABLE_ATTR = {
    "forces.csv": "forces", "hubs.csv": "hubs", "positions.csv": "positions",
    "arrangements.csv": "arrangements", "events.csv": "events", "items.csv": "items",
    "authorities.csv": "authorities", "sections.csv": "sections",
}


class EditionError(ValueError):
    """A refused edition action. ``problems`` holds one line per problem found."""

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class EditionInfo:
    """An edition's metadata (``edition.json``).

    ``base_id`` is the published edition its own changes are against (None for edition 1);
    ``own_changes`` the ids of the change records made in this edition.
    """

    id: int
    title: str
    as_at: str  # YYYY-MM-DD
    status: str  # draft or published
    created_at: datetime | None
    published_at: datetime | None
    corrects: int | None
    base_id: int | None
    own_changes: tuple[str, ...] = ()

    @property
    def published(self) -> bool:
        return self.status == "published"

    def to_json(self) -> dict[str, Any]:
        """``edition.json``: id, title, as-at date, status, when published, what it corrects."""
        return {
            "id": self.id,
            "title": self.title,
            "as_at": self.as_at,
            "status": self.status,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "corrects": self.corrects,
            "base": self.base_id,
            "changes": list(self.own_changes),
        }


BASE_INFO = EditionInfo(
    id=BASE_EDITION_ID, title=BASE_TITLE, as_at=AS_AT, status="published", created_at=None,
    published_at=BASE_PUBLISHED_AT, corrects=None, base_id=None,
)


@dataclass(frozen=True)
class Edition:
    info: EditionInfo
    dataset: Dataset

    def own_changes(self) -> tuple[Change, ...]:
        """The change records made in this edition, in file order."""
        own = set(self.info.own_changes)
        return tuple(c for c in self.dataset.changes if c.change_id in own)


@dataclass(frozen=True)
class RowDifference:
    """One row that differs between two positions: ``fields`` lists the changed columns."""

    file: str
    record_id: str
    kind: str  # added, changed, removed
    fields: tuple[str, ...]


def rows(ds: Dataset, file: str) -> dict[str, Any]:
    """Records of one file by identifier (``hubs.csv`` -> {hub_id: Hub})."""
    key = KEY_COLUMNS[file]
    return {getattr(r, key): r for r in getattr(ds, _TABLE_ATTR[file])}


def row_differences(old: Dataset, new: Dataset,
                    files: Iterable[str] = SOURCED_FILES) -> tuple[RowDifference, ...]:
    """Rows added, changed or removed going from ``old`` to ``new``, file by file, each
    file's rows in the order ``new`` (then ``old``) lists them."""
    out: list[RowDifference] = []
    for file in files:
        before, after = rows(old, file), rows(new, file)
        for key, rec in after.items():
            if key not in before:
                out.append(RowDifference(file, key, "added", ()))
                continue
            a, b = asdict(before[key]), asdict(rec)
            changed = tuple(col for col in b if a[col] != b[col])
            if changed:
                out.append(RowDifference(file, key, "changed", changed))
        out.extend(RowDifference(file, key, "removed", ())
                   for key in before if key not in after)
    return tuple(out)


def _cell(value: Any) -> str:
    if isinstance(value, tuple):
        return ";".join(value)
    return "" if value is None else str(value)


def check_against(base: Dataset, new: Dataset, base_id: int) -> tuple[str, ...]:
    """Every problem (one line each, naming file, row, column and value) that keeps ``new``
    from being the next edition after ``base``; empty when it may be.

    * ``authorities.csv`` and ``sections.csv`` are as in the base (reference facts and the
      briefing's places are not part of an edition);
    * each row that differs from the base has exactly one own change record (an id the base
      does not have) naming its file, row and kind; an added or changed row cites it in
      ``section_id``, so its later source is shown with it;
    * each own record describes a difference; a carried record is identical to the base's
      and still cited by a row;
    * something differs.
    """
    problems: list[str] = []
    for file in FIXED_FILES:
        for d in row_differences(base, new, (file,)):
            column = d.fields[0] if d.fields else KEY_COLUMNS[file]
            value = _cell(getattr(rows(new, file).get(d.record_id), column, d.record_id))
            problems.append(
                f"{file}, row {d.record_id}, column '{column}': value {quote(value, 60)}: "
                f"{file} must be as in edition {base_id} ({d.kind} here); an edition "
                "changes positions, not reference facts or the briefing's sections")
    base_changes = {c.change_id: c for c in base.changes}
    own = [c for c in new.changes if c.change_id not in base_changes]
    carried = [c for c in new.changes if c.change_id in base_changes]
    diffs = row_differences(base, new)
    own_for: dict[tuple[str, str], list[Change]] = {}
    for c in own:
        own_for.setdefault((c.file, c.record_id), []).append(c)
    for d in diffs:
        records = own_for.get((d.file, d.record_id), [])
        what = f"{d.file}, row {d.record_id}"
        if not records:
            column = d.fields[0] if d.fields else KEY_COLUMNS[d.file]
            value = ("" if d.kind == "removed"
                     else _cell(getattr(rows(new, d.file)[d.record_id], column)))
            problems.append(
                f"{what}, column '{column}': value {quote(value, 60)}: {d.kind} since "
                f"edition {base_id} but changes.csv has no change record for it (each "
                "change needs a source and a reason)")
            continue
        if len(records) > 1:
            problems.append(f"changes.csv, change '{records[1].change_id}', column "
                            f"'record_id': value {quote(d.record_id, 60)}: {what} already "
                            f"has change '{records[0].change_id}'; give one per row")
        record = records[0]
        if record.kind != d.kind:
            problems.append(f"changes.csv, change '{record.change_id}', column 'kind': "
                            f"value {quote(record.kind, 20)}: {what} is {d.kind} since "
                            f"edition {base_id}")
        if d.kind != "removed":
            cited = section_ids(rows(new, d.file)[d.record_id].section_id)
            if record.change_id not in cited:
                problems.append(
                    f"{what}, column 'section_id': value {quote(';'.join(cited), 60)}: "
                    f"must cite its change '{record.change_id}', so its source is shown "
                    "with it")
    differing = {(d.file, d.record_id) for d in diffs}
    for c in own:
        if (c.file, c.record_id) not in differing:
            problems.append(f"changes.csv, change '{c.change_id}', column 'record_id': value "
                            f"{quote(c.record_id, 60)}: {c.file}, row {c.record_id} is the "
                            f"same as in edition {base_id}; a change record needs a change")
    cited_anywhere = {sid for file in SOURCED_FILES for r in rows(new, file).values()
                      for sid in section_ids(r.section_id)}
    for c in carried:
        if c != base_changes[c.change_id]:
            problems.append(f"changes.csv, change '{c.change_id}', column 'change_id': value "
                            f"{quote(c.change_id, 60)}: edition {base_id} has a different "
                            "record with this id; a new change needs a new id")
        elif c.change_id not in cited_anywhere:
            problems.append(f"changes.csv, change '{c.change_id}', column 'change_id': value "
                            f"{quote(c.change_id, 60)}: carried from edition {base_id} but "
                            "no row cites it any more; remove it")
    if not diffs and not problems:
        problems.append(f"nothing differs from edition {base_id}: an edition must change at "
                        "least one row")
    return tuple(problems)


def own_change_ids(base: Dataset, new: Dataset) -> tuple[str, ...]:
    """Ids of the records in ``new`` that ``base`` does not have (its own changes)."""
    known = {c.change_id for c in base.changes}
    return tuple(c.change_id for c in new.changes if c.change_id not in known)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def format_date(iso: str, lang: str = "en") -> str:
    """``2019-05-31`` as people read it: ``31 May 2019`` (``31 Mai 2019`` in Welsh).

    >>> format_date("2019-05-31"), format_date("2026-03-01", "cy")
    ('31 May 2019', '1 Mawrth 2026')
    """
    if not _DATE.fullmatch(iso):
        return iso
    year, month, day = (int(p) for p in iso.split("-"))
    names = _MONTHS_CY if lang == "cy" else _MONTHS_EN
    return f"{day} {names[month - 1]} {year}"


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_MONTHS_CY = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
              "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")
