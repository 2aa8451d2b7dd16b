"""An update round's rules, as pure functions over plain values.

A round asks each of the four forces for its own section of the next edition. A section's
draft is a tuple of :class:`Edit` (one per row changed, added or removed), each with its
source and reason. :func:`check_edit` enforces what a force may touch (its own authorities'
positions, its own hubs, arrangements and items, its own summary); :func:`apply_edits`
writes the edits into the base edition's files as change records, so the result goes
through the editions' own validation and publishing (:mod:`explorer.editions`).

Rows are CSV cells by column (``dict[str, str]``), exactly as in ``data/``.

>>> next_state("save", "not_started"), next_state("submit", "draft")
('draft', 'submitted')
>>> next_state("save", "submitted") is None
True
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from explorer.data import KEY_COLUMNS, end_date, in_file_order, iso_date
from explorer.editions.files import CHANGES_FILE
from explorer.limits import (
    MAX_CHANGE_REASON_CHARS,
    MAX_CHANGE_SOURCE_CHARS,
    MAX_DATA_TEXT_CHARS,
    MAX_SECTION_EDITS,
    MAX_SOURCE_LINK_CHARS,
)
from explorer.model import section_ids
from explorer.text import TextError, clean_text, quote

FORCES = ("dyfed_powys", "gwent", "north_wales", "south_wales")
#: A section's states, in the order the review page lists them.
STATES = ("not_started", "draft", "submitted", "returned", "accepted")
ROUND_STATES = ("open", "published")
#: (action, state before) -> state after. Anything else is refused.
TRANSITIONS: Mapping[tuple[str, str], str] = {
    ("save", "not_started"): "draft",
    ("save", "draft"): "draft",
    ("save", "returned"): "returned",
    ("submit", "not_started"): "submitted",
    ("submit", "draft"): "submitted",
    ("submit", "returned"): "submitted",
    ("return", "submitted"): "returned",
    ("return", "accepted"): "returned",
    ("accept", "submitted"): "accepted",
}
ACTIONS = ("open", "reissue", "save", "submit", "return", "accept", "publish")
MAINTAINER = "maintainer"

#: Files a force edits, the kinds of change allowed in each, and the columns it may set.
EDITABLE: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "positions.csv": (("changed",), ("status", "hub_id", "stance", "summary")),
    "forces.csv": (("changed",), ("position_summary",)),
    "hubs.csv": (("added", "changed"), ("name", "status", "member_codes", "host_code",
                                        "location", "start_year", "end_date", "dates_note")),
    "arrangements.csv": (("added", "changed", "removed"),
                         ("name", "kind", "status", "member_codes", "summary")),
    "items.csv": (("added", "changed", "removed"), ("kind", "summary")),
    "events.csv": (("added", "changed", "removed"),
                   ("date", "date_label", "approximate", "planned", "member_codes", "summary")),
}
#: Where a row says which force it belongs to (hubs and positions go by their authorities).
_SCOPE_COLUMN = {"arrangements.csv": "force_id", "items.csv": "scope", "forces.csv": "force_id",
                 "events.csv": "scope"}
_IDENT = re.compile(r"[a-z0-9][a-z0-9_-]*")
#: Optional columns added after May 2019 that a section may set (written only into a file
#: the section changes, so an untouched file stays byte for byte as it was).
_ADDED_COLUMNS = {"hubs.csv": ("end_date",)}
#: Hub statuses that mean it has ended.
ENDED = "mash_ceased"


class RoundError(ValueError):
    """A refused round action. ``problems`` holds one line per problem found."""

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        super().__init__("\n".join(self.problems))


def next_state(action: str, state: str) -> str | None:
    """The section's state after ``action`` from ``state``, or None when refused."""
    return TRANSITIONS.get((action, state))


@dataclass(frozen=True)
class Edit:
    """One row a force changes, adds or removes, with where the claim comes from and why.

    ``values`` is the whole new row (CSV cells by column, ``section_id`` excepted) for an
    added or changed row; empty for a removed one.
    """

    file: str
    record_id: str
    kind: str
    values: tuple[tuple[str, str], ...] = ()
    source_title: str = ""
    reported_by: str = ""
    source_date: str = ""
    source_link: str = ""
    reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.file, self.record_id)

    def cells(self) -> dict[str, str]:
        return dict(self.values)

    def to_plain(self) -> dict[str, Any]:
        return {"file": self.file, "record_id": self.record_id, "kind": self.kind,
                "values": dict(self.values), "source_title": self.source_title,
                "reported_by": self.reported_by, "source_date": self.source_date,
                "source_link": self.source_link, "reason": self.reason}

    @classmethod
    def from_plain(cls, raw: Any) -> Edit:
        if not isinstance(raw, Mapping):
            raise RoundError("an edit must be an object")
        values = raw.get("values") or {}
        if not isinstance(values, Mapping):
            raise RoundError("an edit's values must be an object")
        text = {k: raw.get(k, "") for k in ("file", "record_id", "kind", "source_title",
                                             "reported_by", "source_date", "source_link",
                                             "reason")}
        if not all(isinstance(v, str) for v in text.values()) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
            raise RoundError("an edit holds text only")
        return cls(values=tuple(sorted(values.items())), **text)


def edits_to_plain(edits: Sequence[Edit]) -> list[dict[str, Any]]:
    return [e.to_plain() for e in edits]


def edits_from_plain(raw: Any) -> tuple[Edit, ...]:
    if not isinstance(raw, list):
        raise RoundError("a draft must be a list of edits")
    return tuple(Edit.from_plain(r) for r in raw)


# Rows ----------------------------------------------------------------------------------
def parse_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV file's header and rows (cells as text)."""
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), [dict(r) for r in reader]


def write_rows(header: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass(frozen=True)
class Base:
    """The base edition's files as rows, with who owns what (built once per round)."""

    texts: Mapping[str, str]
    headers: Mapping[str, tuple[str, ...]]
    rows: Mapping[str, Mapping[str, Mapping[str, str]]]  # file -> id -> cells
    force_of: Mapping[str, str]  # authority code -> force id
    names: Mapping[str, str] = field(default_factory=dict)  # authority code -> English name

    @classmethod
    def from_texts(cls, texts: Mapping[str, str]) -> Base:
        headers, rows = {}, {}
        for name, text in texts.items():
            header, records = parse_rows(text)
            for col in _ADDED_COLUMNS.get(name, ()):  # a column the 2019 files do not have
                if col not in header:
                    header.append(col)
                    records = [{**r, col: ""} for r in records]
            headers[name] = in_file_order(name, header)  # the one order every writer uses
            key = KEY_COLUMNS.get(name, "change_id")
            rows[name] = {r[key]: r for r in records}
        authorities = rows["authorities.csv"].values()
        return cls(texts=dict(texts), headers=headers, rows=rows,
                   force_of={a["code"]: a["force_id"] for a in authorities},
                   names={a["code"]: a["name_en"] for a in authorities})

    def codes_of(self, force_id: str) -> tuple[str, ...]:
        return tuple(c for c, f in self.force_of.items() if f == force_id)

    def owner(self, file: str, cells: Mapping[str, str]) -> set[str]:
        """The forces a row belongs to (several for a hub across forces)."""
        if file == "positions.csv":
            return {self.force_of.get(cells.get("code", ""), "")}
        if file == "hubs.csv":
            codes = [*section_ids(cells.get("member_codes", "")),
                     *([cells["host_code"]] if cells.get("host_code") else [])]
            return {self.force_of.get(c, "") for c in codes}
        if file == "events.csv":  # its scope, and the forces of the authorities it names
            return {cells.get("scope", ""), *(self.force_of.get(c, "") for c in
                                              section_ids(cells.get("member_codes", "")))}
        return {cells.get(_SCOPE_COLUMN[file], "")}

    def section_rows(self, force_id: str, file: str) -> tuple[Mapping[str, str], ...]:
        """The force's rows of one editable file, as in the base."""
        return tuple(r for r in self.rows[file].values() if self.owner(file, r) == {force_id})


def _text(value: str, what: str, limit: int, *, required: bool = False) -> str:
    if not value.strip():
        if required:
            raise RoundError(f"{what} must not be empty")
        return ""
    try:
        return clean_text(value, what, limit)
    except TextError as exc:
        raise RoundError(str(exc)) from None


def clean_edit(edit: Edit) -> Edit:
    """The edit with its free text normalised and held to the limits (one line refused)."""
    what = f"{edit.file}, row {quote(edit.record_id, 40)}"
    values = tuple((col, _text(v, f"{what}, column '{col}'", MAX_DATA_TEXT_CHARS))
                   for col, v in edit.values)
    link = edit.source_link.strip()
    if len(link) > MAX_SOURCE_LINK_CHARS:
        raise RoundError(f"{what}: the source link is longer than {MAX_SOURCE_LINK_CHARS} "
                         "characters")
    return Edit(
        file=edit.file, record_id=edit.record_id, kind=edit.kind, values=values,
        source_title=_text(edit.source_title, f"{what}: source", MAX_CHANGE_SOURCE_CHARS),
        reported_by=_text(edit.reported_by, f"{what}: reported by", MAX_CHANGE_SOURCE_CHARS),
        source_date=edit.source_date.strip(), source_link=link,
        reason=_text(edit.reason, f"{what}: reason", MAX_CHANGE_REASON_CHARS),
    )


def check_edit(base: Base, force_id: str, edit: Edit) -> None:
    """Refuse (one line) an edit the force may not make: another force's row, a file or
    column it does not edit, a kind of change not allowed there, an id taken."""
    what = f"{edit.file}, row {quote(edit.record_id, 40)}"
    if edit.file not in EDITABLE:
        raise RoundError(f"{what}: a section changes positions, hubs, arrangements, items, "
                         "events and the force's summary only")
    kinds, columns = EDITABLE[edit.file]
    if edit.kind not in kinds:
        raise RoundError(f"{what}: a row of {edit.file} cannot be {edit.kind} in a section "
                         f"(allowed: {', '.join(kinds)})")
    existing = base.rows[edit.file].get(edit.record_id)
    if edit.kind == "added":
        if existing is not None:
            raise RoundError(f"{what}: that id is taken; a new row needs a new id")
        if not _IDENT.fullmatch(edit.record_id) or not edit.record_id.startswith(force_id + "_"):
            raise RoundError(f"{what}: a new row's id must start with '{force_id}_' and use "
                             "lower-case letters, digits, _ or -")
    elif existing is None:
        raise RoundError(f"{what}: no such row in the edition this round starts from")
    elif base.owner(edit.file, existing) != {force_id}:
        raise RoundError(f"{what}: belongs to another force; a section changes only its own "
                         "force's rows")
    if edit.kind == "removed":
        if edit.values:
            raise RoundError(f"{what}: a removed row has no values")
        return
    cells = edit.cells()
    key = KEY_COLUMNS[edit.file]
    fixed = {c for c in base.headers[edit.file] if c not in columns and c != "section_id"}
    for col in cells:
        if col not in base.headers[edit.file] or col == "section_id":
            raise RoundError(f"{what}: no column '{quote(col, 30)}' to set")
    for col in fixed:
        expected = (edit.record_id if col == key
                    else force_id if col == _SCOPE_COLUMN.get(edit.file)
                    else (existing or {}).get(col, ""))
        if cells.get(col, expected) != expected:
            raise RoundError(f"{what}, column '{col}': value {quote(cells[col], 40)}: a "
                             "section cannot change this column")
    owners = base.owner(edit.file, {**(existing or {}), **cells,
                                    key: edit.record_id,
                                    **({_SCOPE_COLUMN[edit.file]: force_id}
                                       if edit.file in _SCOPE_COLUMN else {})})
    if not owners - {""}:
        raise RoundError(f"{what}: must name at least one of the force's authorities")
    if owners != {force_id}:
        raise RoundError(f"{what}: names authorities of another force; a section covers only "
                         "its own force's authorities")


def check_draft(base: Base, force_id: str, edits: Sequence[Edit]) -> tuple[Edit, ...]:
    """The draft cleaned and checked (one line refused): scope, limits, one edit per row."""
    if len(edits) > MAX_SECTION_EDITS:
        raise RoundError(f"a section changes at most {MAX_SECTION_EDITS} rows; this one "
                         f"changes {len(edits)}")
    seen: set[tuple[str, str]] = set()
    out = []
    for edit in edits:
        if edit.key in seen:
            raise RoundError(f"{edit.file}, row {quote(edit.record_id, 40)}: changed twice "
                             "in one section; keep one change per row")
        seen.add(edit.key)
        check_edit(base, force_id, edit)
        out.append(clean_edit(edit))
    return tuple(out)


def full_row(base: Base, force_id: str, edit: Edit, change_id: str) -> dict[str, str]:
    """The row an added or changed edit writes, citing its change record."""
    key = KEY_COLUMNS[edit.file]
    row = {col: "" for col in base.headers[edit.file]}
    row.update(base.rows[edit.file].get(edit.record_id, {}))
    row.update(edit.cells())
    row[key] = edit.record_id
    if edit.file in _SCOPE_COLUMN:
        row[_SCOPE_COLUMN[edit.file]] = force_id
    row["section_id"] = change_id
    if edit.file == "hubs.csv" and row.get("end_date"):
        row["end_year"] = row["end_date"][:4]  # the year, for what reads only the year
    return row


def effective(base: Base, edits: Sequence[Edit]) -> tuple[Edit, ...]:
    """The edits that make a difference (a "changed" edit equal to the base row is none)."""
    out = []
    for e in edits:
        if e.kind == "changed":
            old = base.rows[e.file][e.record_id]
            if all(old.get(c, "") == v for c, v in e.values):
                continue
        out.append(e)
    return tuple(out)


def submit_problems(edits: Sequence[Edit]) -> tuple[str, ...]:
    """What keeps a draft from being submitted: each change needs a source (a document or
    who reported it), a date and a reason. One line per problem."""
    problems = []
    for e in edits:
        what = f"{e.file}, row {quote(e.record_id, 40)}"
        if not e.source_title and not e.reported_by:
            problems.append(f"{what}: needs a source (a document title or who reported it)")
        try:
            iso_date(e.source_date)
        except ValueError as exc:
            problems.append(f"{what}: source date {quote(e.source_date, 20)} {exc}")
        if not e.reason:
            problems.append(f"{what}: needs a reason")
        if e.file == "hubs.csv" and e.kind != "removed":
            problems.extend(f"{what}: {p}" for p in hub_end_problems(e.cells()))
    return tuple(problems)


def hub_end_problems(cells: Mapping[str, str]) -> tuple[str, ...]:
    """What is wrong with a hub's end (one line each): an ended hub needs its end date, a day
    (YYYY-MM-DD) or at least a month (YYYY-MM); a hub still running has none.

    >>> hub_end_problems({"status": "mash_ceased", "end_date": "2026"})
    ("end date '2026' must be a day (YYYY-MM-DD) or at least a month (YYYY-MM), not a year alone",)
    >>> hub_end_problems({"status": "mash_ceased", "end_date": "2026-02"})
    ()
    """
    raw = cells.get("end_date", "")
    status = cells.get("status", "")
    if raw.strip():
        try:
            end_date(raw)
        except ValueError as exc:
            return (f"end date {quote(raw, 20)} {exc}",)
        if status and status != ENDED:
            return (f"has an end date but its status is {status}; to end the hub, make its "
                    "status 'tried and ended' (mash_ceased)",)
        return ()
    if status == ENDED:
        return ("an ended hub needs its end date: a day (YYYY-MM-DD) or at least a month "
                "(YYYY-MM)",)
    return ()


def change_id(round_id: int, force_id: str, n: int) -> str:
    """The id of a round's change record: round, force, number.

    >>> change_id(3, "gwent", 2)
    'r3-gwent-2'
    """
    return f"r{round_id}-{force_id.replace('_', '-')}-{n}"


def apply_edits(base: Base, round_id: int,
                sections: Mapping[str, Sequence[Edit]]) -> dict[str, str]:
    """The base edition's files with every section's edits written in, each differing row
    citing its own change record (``changes.csv``), base records kept while still cited."""
    rows = {name: dict(recs) for name, recs in base.rows.items()}
    records: list[dict[str, str]] = []
    for force_id in sorted(sections):
        for n, edit in enumerate(effective(base, sections[force_id]), start=1):
            cid = change_id(round_id, force_id, n)
            if edit.kind == "removed":
                rows[edit.file].pop(edit.record_id, None)
            else:
                rows[edit.file][edit.record_id] = full_row(base, force_id, edit, cid)
            records.append({"change_id": cid, "file": edit.file, "record_id": edit.record_id,
                            "kind": edit.kind, "source_title": edit.source_title,
                            "reported_by": edit.reported_by, "source_date": edit.source_date,
                            "source_link": edit.source_link, "reason": edit.reason})
    out: dict[str, str] = {}
    cited = {sid for name, recs in rows.items() if name != CHANGES_FILE
             for r in recs.values() for sid in section_ids(r.get("section_id", ""))}
    for name, header in base.headers.items():
        if name == CHANGES_FILE:
            continue
        out[name] = (base.texts[name] if rows[name] == base.rows[name]
                     else write_rows(header, rows[name].values()))
    carried = [r for cid, r in base.rows[CHANGES_FILE].items() if cid in cited]
    out[CHANGES_FILE] = write_rows(base.headers[CHANGES_FILE], [*carried, *records])
    return out


# Stale saves ----------------------------------------------------------------------------
def draft_changes(before: Sequence[Edit], after: Sequence[Edit]) -> tuple[str, ...]:
    """What another save changed in a draft, one line per row, for the stale-save message.

    >>> a = Edit("items.csv", "gwent_x", "added", (("summary", "Test"),))
    >>> draft_changes((), (a,))
    ('items.csv, row gwent_x: added to the draft',)
    """
    old = {e.key: e for e in before}
    new = {e.key: e for e in after}
    lines = []
    for key, e in new.items():
        if key not in old:
            lines.append(f"{e.file}, row {e.record_id}: added to the draft")
        elif old[key] != e:
            lines.append(f"{e.file}, row {e.record_id}: changed in the draft")
    lines.extend(f"{e.file}, row {e.record_id}: taken out of the draft"
                 for key, e in old.items() if key not in new)
    return tuple(lines)
