"""The 2019 MASH dataset as immutable records.

Every record is a frozen dataclass holding plain values, so records can be cached,
compared and passed between layers without fear of mutation. A record's ``section_id``
cites one place in the briefing, or several joined by ``;`` (see :func:`section_ids`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: The four MASH statuses, in display order.
STATUSES: tuple[str, ...] = ("mash", "mash_pilot", "mash_ceased", "no_mash")

#: Statuses that count as "served by a MASH" (operating or piloted) as at 31 May 2019.
ACTIVE_STATUSES: frozenset[str] = frozenset({"mash", "mash_pilot"})

#: The GSS codes of the 22 Welsh principal areas: W06000001 to W06000024 without 07 and 17.
WELSH_CODES: tuple[str, ...] = tuple(
    f"W060000{n:02d}" for n in range(1, 25) if n not in (7, 17)
)

#: Scopes that are not a police force: Wales, and England and Wales (the national MASH
#: guidance's working group draws on police experts from both).
WALES_SCOPE = "wales"
ENGLAND_AND_WALES_SCOPE = "england_and_wales"
WIDER_SCOPES: tuple[str, ...] = (WALES_SCOPE, ENGLAND_AND_WALES_SCOPE)

AS_AT = "2019-05-31"

#: Separates section ids where a row cites several places in the briefing (``nw-2;nw-4``).
SECTION_SEPARATOR = ";"


def section_ids(ref: str) -> tuple[str, ...]:
    """The section ids a citation cell names, in order: one id, or several joined by ``;``.

    >>> section_ids("nw-2;nw-4")
    ('nw-2', 'nw-4')
    """
    return tuple(part.strip() for part in ref.split(SECTION_SEPARATOR) if part.strip())


@dataclass(frozen=True)
class Section:
    """A place in the briefing note: a force heading, an optional sub-heading, paragraphs."""

    section_id: str
    force_heading: str
    subheading: str
    paragraphs: str

    def heading(self) -> str:
        """Force heading and sub-heading, e.g. ``South Wales Police › Current Landscape``."""
        if self.subheading:
            return f"{self.force_heading} › {self.subheading}"
        return self.force_heading

    def citation(self) -> str:
        """Human-readable citation, e.g. ``South Wales Police › Current Landscape, para 1``."""
        return f"{self.heading()}, {_paragraph_label([self.paragraphs])}"


def _paragraph_label(paragraphs: list[str]) -> str:
    """Paragraphs cited under one heading, in order, runs joined into ranges.

    >>> _paragraph_label(["1"]), _paragraph_label(["8-9"]), _paragraph_label(["4", "2"])
    ('para 1', 'paras 8–9', 'paras 2, 4')
    >>> _paragraph_label(["1", "2-6", "8-9"])
    'paras 1–6, 8–9'
    """
    numbers: set[int] = set()
    for spec in paragraphs:
        first, _, last = spec.partition("-")
        numbers.update(range(int(first), int(last or first) + 1))
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)
    return ("para " if len(numbers) == 1 else "paras ") + text


class _Bilingual:
    """Records with ``name_en`` and ``name_cy``."""

    name_en: str
    name_cy: str

    def name(self, lang: str = "en") -> str:
        return self.name_cy if lang == "cy" else self.name_en


@dataclass(frozen=True)
class Authority(_Bilingual):
    code: str
    name_en: str
    name_cy: str
    force_id: str
    health_board: str
    health_board_cy: str
    safeguarding_board: str
    population_census2021: int
    population_mid2018: int
    land_area_km2: float
    office_town: str
    office_lat: float
    office_lon: float


@dataclass(frozen=True)
class Force(_Bilingual):
    force_id: str
    name_en: str
    name_cy: str
    short_name: str
    code: str
    position_summary: str
    section_id: str


@dataclass(frozen=True)
class Hub:
    hub_id: str
    name: str
    status: str
    member_codes: tuple[str, ...]
    host_code: str | None
    location: str
    start_year: int | None
    end_year: int | None
    dates_note: str
    section_id: str
    #: When the hub ended, as a month (``YYYY-MM``) or a day (``YYYY-MM-DD``); empty when it
    #: has not ended or only the year is known (``end_year``, as in the 2019 data). An
    #: optional column of ``hubs.csv``: the May 2019 files do not have it.
    end_date: str = ""


@dataclass(frozen=True)
class Position:
    """The MASH position of one authority as at 31 May 2019."""

    code: str
    status: str
    hub_id: str | None
    stance: str
    summary: str
    section_id: str


@dataclass(frozen=True)
class Arrangement:
    """Something other than a MASH: a central referral unit, a pathfinder, a proposal."""

    arrangement_id: str
    name: str
    kind: str
    status: str
    force_id: str
    member_codes: tuple[str, ...]
    summary: str
    section_id: str


@dataclass(frozen=True)
class Event:
    event_id: str
    date: str  # YYYY or YYYY-MM, for sorting; ``date_label`` is what people read
    date_label: str
    approximate: bool
    planned: bool
    scope: str  # a force_id, "wales" or "england_and_wales"
    member_codes: tuple[str, ...]
    summary: str
    section_id: str


@dataclass(frozen=True)
class Item:
    """A force-level or Wales-level statement (context, stance, challenge, plan, ...)."""

    item_id: str
    scope: str
    kind: str
    summary: str
    section_id: str


#: The files whose rows carry a source (``section_id``): the rows an edition may change.
SOURCED_FILES: tuple[str, ...] = (
    "forces.csv", "hubs.csv", "positions.csv", "arrangements.csv", "events.csv", "items.csv",
)
#: Kinds of change a change record may describe.
CHANGE_KINDS: tuple[str, ...] = ("added", "changed", "removed")


@dataclass(frozen=True)
class Change:
    """One row of ``changes.csv``: why a row differs from the previous published edition.

    A later edition's changed or added row cites its change by ``change_id`` in its
    ``section_id`` cell, so the source shown beside it is the later one, never the briefing.
    ``source_title`` (a document) or ``reported_by`` (a role), or both, say where the claim
    comes from; ``source_date`` is ``YYYY-MM-DD``.
    """

    change_id: str
    file: str
    record_id: str
    kind: str
    source_title: str
    reported_by: str
    source_date: str
    source_link: str
    reason: str

    def source_label(self) -> str:
        """``Test source`` or ``reported by Test role`` (or both, joined by a comma)."""
        parts = (self.source_title, f"reported by {self.reported_by}" if self.reported_by else "")
        return ", ".join(p for p in parts if p)

    def citation(self) -> str:
        """``Test source, 2026-03-01`` or ``reported by Test role, 2026-03-01``."""
        return f"{self.source_label()}, {self.source_date}"


@dataclass(frozen=True)
class Dataset:
    authorities: tuple[Authority, ...]
    forces: tuple[Force, ...]
    hubs: tuple[Hub, ...]
    positions: tuple[Position, ...]
    arrangements: tuple[Arrangement, ...]
    events: tuple[Event, ...]
    items: tuple[Item, ...]
    sections: tuple[Section, ...]
    #: Change records of a later edition (``changes.csv``); none for the May 2019 briefing.
    changes: tuple[Change, ...] = ()
    _index: Mapping[str, Mapping[str, object]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index = {
            "authority": {a.code: a for a in self.authorities},
            "force": {f.force_id: f for f in self.forces},
            "hub": {h.hub_id: h for h in self.hubs},
            "position": {p.code: p for p in self.positions},
            "section": {s.section_id: s for s in self.sections},
            "change": {c.change_id: c for c in self.changes},
        }
        object.__setattr__(self, "_index", index)

    # Look-ups -----------------------------------------------------------------
    def authority(self, code: str) -> Authority:
        return self._index["authority"][code]  # type: ignore[return-value]

    def force(self, force_id: str) -> Force:
        return self._index["force"][force_id]  # type: ignore[return-value]

    def hub(self, hub_id: str) -> Hub:
        return self._index["hub"][hub_id]  # type: ignore[return-value]

    def position(self, code: str) -> Position:
        return self._index["position"][code]  # type: ignore[return-value]

    def section(self, section_id: str) -> Section:
        return self._index["section"][section_id]  # type: ignore[return-value]

    def citation(self, ref: str) -> str:
        """Citation text for a section id, or several joined by ``;``: paragraphs under the
        same heading are listed together, headings joined by ``; ``.

        >>> from explorer.data import load_dataset
        >>> ds = load_dataset()
        >>> ds.citation("nw-2;nw-4")
        'North Wales Police, paras 2, 4'
        >>> ds.citation("dp-3;gw-1;gw-8;gw-9")
        'Dyfed-Powys Police, para 3; Gwent Police, paras 1, 8–9'
        """
        by_heading: dict[str, list[str]] = {}
        later: list[str] = []
        for section_id in section_ids(ref):
            change = self._index["change"].get(section_id)
            if change is not None:
                later.append(change.citation())  # type: ignore[attr-defined]
                continue
            section = self.section(section_id)
            by_heading.setdefault(section.heading(), []).append(section.paragraphs)
        return "; ".join([*later, *(f"{head}, {_paragraph_label(paras)}"
                                    for head, paras in by_heading.items())])

    def change(self, change_id: str) -> Change:
        return self._index["change"][change_id]  # type: ignore[return-value]

    def codes(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.authorities)

    def status(self, code: str) -> str:
        return self.position(code).status

    def hub_of(self, code: str) -> Hub | None:
        hub_id = self.position(code).hub_id
        return self.hub(hub_id) if hub_id else None

    def authorities_of_force(self, force_id: str) -> tuple[Authority, ...]:
        return tuple(a for a in self.authorities if a.force_id == force_id)

    def arrangements_for(self, code: str) -> tuple[Arrangement, ...]:
        return tuple(a for a in self.arrangements if code in a.member_codes)

    def events_for(self, code: str) -> tuple[Event, ...]:
        return tuple(e for e in self.events if code in e.member_codes)

    def items_for(self, scope: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.scope == scope)
