"""What the presenter view (the board on the projector) shows, as plain text values.

The presenter view is read from the back of a room: every figure is text as shown
(``963,896``, ``47.6%``; never a bare number or ``None``), the May 2019 reference row is pinned
first, and once the facilitator reveals the votes the entries are sorted by votes with the
top three places named in words ("1st"), not by colour alone. A row changed in the last
:data:`CHANGED_S` seconds says so ("new", "updated") for the seconds that are left.

The HTML is :mod:`explorer.printing.presenter`; the Streamlit page is
``pages/ui/rooms/presenter.py``. No Streamlit here.

>>> places([(1, 4), (2, 9), (3, 4), (4, 0), (5, 1)])
{2: 1, 1: 2, 3: 2}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from explorer.coverage import CoverageResult
from explorer.i18n import number, percent, t
from explorer.planner import mash_count
from explorer.rooms.report import EntryFigures, Reference
from explorer.rooms.report import reference as report_reference

#: Seconds a new or changed entry stays marked on the presenter view.
CHANGED_S = 60.0
#: Rows (the reference row included) in one column of the presenter view; more entries than
#: fit make a second column side by side, so 30 entries are all on one 1920x1080 screen.
ROWS_PER_COLUMN = 16
#: At most this many columns side by side (more would be too narrow to read): a room with
#: more entries than two columns hold scrolls.
MAX_COLUMNS = 2
#: Places marked once votes are revealed.
TOP_PLACES = 3


@dataclass(frozen=True)
class PresenterRow:
    """One row of the presenter view; every figure is text as shown."""

    #: The entry's number ("Entry 9"), None for the May 2019 reference row.
    number: int | None
    author: str
    scenario: str
    authorities: str
    people: str
    share: str
    mashes: str
    #: Votes as shown, None while the votes are not revealed.
    votes: str | None = None
    #: 1, 2 or 3 for the top three once votes are revealed (ties share a place).
    place: int | None = None
    #: "new" or "updated" while the change is recent (see :data:`CHANGED_S`), else None.
    change: str | None = None
    #: Seconds the change mark has left.
    change_left_s: float = 0.0

    @property
    def reference(self) -> bool:
        return self.number is None


def places(votes: Iterable[tuple[int, int]], top: int = TOP_PLACES) -> dict[int, int]:
    """(entry number, votes) -> {entry number: place} for the first ``top`` places, ranked
    as in a competition (two entries with most votes are both 1st, the next is 3rd). An entry
    with no votes has no place. Ordered by place, then number."""
    ranked = sorted(((n, v) for n, v in votes if v > 0), key=lambda nv: (-nv[1], nv[0]))
    out: dict[int, int] = {}
    previous, place = None, 0
    for i, (n, v) in enumerate(ranked, start=1):
        if v != previous:
            place, previous = i, v
        if place > top:
            break
        out[n] = place
    return out


def change_mark(created_at: datetime, updated_at: datetime, now: datetime,
                within_s: float = CHANGED_S) -> tuple[str | None, float]:
    """("new" or "updated", seconds left) for an entry changed less than ``within_s`` seconds
    before ``now``; (None, 0.0) otherwise.

    >>> from datetime import UTC, datetime, timedelta
    >>> t0 = datetime(2026, 1, 1, tzinfo=UTC)
    >>> change_mark(t0, t0, t0 + timedelta(seconds=15))
    ('new', 45.0)
    >>> change_mark(t0, t0 + timedelta(seconds=10), t0 + timedelta(seconds=100))
    (None, 0.0)
    """
    age = (now - updated_at).total_seconds()
    if age >= within_s:
        return None, 0.0
    kind = "new" if updated_at == created_at else "updated"
    return kind, within_s - max(age, 0.0)


def _figures_text(r: CoverageResult | None, lang: str) -> dict[str, str]:
    if r is None:
        return {"authorities": "–", "people": "–", "share": "–", "mashes": "–"}
    return {
        "authorities": t("presenter.of_total", lang, n=number(r.authorities_covered, lang),
                         total=number(r.authorities_total, lang)),
        "people": number(r.population_covered, lang),
        "share": percent(r.population_share, lang),
        "mashes": number(mash_count(r), lang),
    }


def presenter_rows(figures: Sequence[EntryFigures], reference: CoverageResult, *,
                   revealed: bool, now: datetime, lang: str = "en",
                   named: Reference | None = None) -> tuple[PresenterRow, ...]:
    """The reference row, then every visible entry: in entry order while votes are hidden;
    most votes first (ties by entry number) with places once they are revealed. ``named``
    names the reference row when it is a later edition's (May 2019 by default)."""
    shown = [f for f in figures if not f.entry.hidden]
    if named is None or named == report_reference(lang):
        ref = PresenterRow(None, t("room.reference", lang),
                           t("presenter.reference_scenario", lang),
                           **_figures_text(reference, lang))
    else:
        ref = PresenterRow(None, named.label, named.scenario_name,
                           **_figures_text(reference, lang))
    counts = {f.entry.member_number: (f.entry.votes or 0) for f in shown}
    placed = places(counts.items()) if revealed else {}
    if revealed:
        shown.sort(key=lambda f: (-counts[f.entry.member_number], f.entry.member_number))
    else:
        shown.sort(key=lambda f: f.entry.member_number)
    rows = [ref]
    for f in shown:
        e = f.entry
        change, left = change_mark(e.created_at, e.updated_at, now)
        scenario = (f.scenario.name if f.scenario is not None
                    else t("presenter.unreadable", lang))
        rows.append(PresenterRow(
            e.member_number, e.author_label(lang), scenario, **_figures_text(f.result, lang),
            votes=number(counts[e.member_number], lang) if revealed else None,
            place=placed.get(e.member_number), change=change, change_left_s=left,
        ))
    return tuple(rows)


def columns(rows: Sequence[PresenterRow], per_column: int = ROWS_PER_COLUMN,
            most: int = MAX_COLUMNS) -> list[list[PresenterRow]]:
    """The rows in side-by-side columns of at most ``per_column`` (the reference row, first,
    in the first), as evenly filled as the count allows; never more than ``most`` columns
    (longer columns then).

    >>> [len(c) for c in columns([PresenterRow(None, "", "", "", "", "", "")] * 31)]
    [16, 15]
    >>> [len(c) for c in columns([PresenterRow(None, "", "", "", "", "", "")] * 9)]
    [9]
    """
    rows = list(rows)
    n = min(most, max(1, -(-len(rows) // per_column)))
    size = -(-len(rows) // n) if rows else 0
    return [rows[i:i + size] for i in range(0, len(rows), size)] if rows else [[]]


def strip_mode(entries: int, locked: bool) -> str:
    """How the join strip is drawn: "large" (code, QR and link) until entries arrive, one
    "line" after, "locked" (no joining) once the room is locked.

    >>> strip_mode(0, False), strip_mode(3, False), strip_mode(0, True)
    ('large', 'line', 'locked')
    """
    if locked:
        return "locked"
    return "line" if entries else "large"


def short_link(url: str) -> str:
    """A link as people type it: no scheme, no trailing slash.

    >>> short_link("https://mash.example.org/apps/mash/what-if?room=ABC2345")
    'mash.example.org/apps/mash/what-if?room=ABC2345'
    """
    parts = urlsplit(url)
    rest = parts.netloc + parts.path.rstrip("/")
    return rest + (f"?{parts.query}" if parts.query else "")


def place_label(place: int, lang: str = "en") -> str:
    """A place in words ("1st", Welsh "1af").

    >>> place_label(1), place_label(3, "cy")
    ('1st', '3ydd')
    """
    return t(f"presenter.place_{place}", lang)


def entry_heading(number_: int, author: str, votes: int | None, lang: str = "en") -> str:
    """The heading of one entry on the projector: "Entry 9 · Alice · 8 votes" (votes only once
    revealed: pass None before).

    >>> entry_heading(9, "Alice", 8), entry_heading(9, "Alice", None)
    ('Entry 9 · Alice · 8 votes', 'Entry 9 · Alice')
    >>> entry_heading(2, "Bob", 1)
    'Entry 2 · Bob · 1 vote'
    """
    head = t("presenter.entry_heading", lang, number=number_, author=author)
    if votes is None:
        return head
    key = "presenter.votes_one" if votes == 1 else "presenter.votes_many"
    return f"{head} · {t(key, lang, n=number(votes, lang))}"
