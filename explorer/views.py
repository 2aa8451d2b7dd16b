"""What each page shows, as plain data: pages only render these.

Every function takes the dataset and a language and returns plain values (strings,
numbers, lists, dicts), so it is cheap to test and safe to cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from explorer.i18n import number, percent, t
from explorer.model import STATUSES, WIDER_SCOPES, Dataset
from explorer.summary import counts_by_force, counts_by_status, headline, status_records


def status_label(status: str, lang: str = "en") -> str:
    return t(f"status.{status}", lang)


def authority_name(ds: Dataset, code: str, lang: str = "en") -> str:
    return ds.authority(code).name(lang)


def authority_options(ds: Dataset, lang: str = "en") -> list[str]:
    """Authority codes sorted by their name in ``lang`` (for pick lists)."""
    return sorted(ds.codes(), key=lambda c: authority_name(ds, c, lang).casefold())


@dataclass(frozen=True)
class HeadlineView:
    authorities: str
    hubs: str
    hubs_note: str
    population: str
    population_share: str


def headline_view(ds: Dataset, lang: str = "en") -> HeadlineView:
    h = headline(ds)
    return HeadlineView(
        authorities=t("headline.authorities", lang, n=h.authorities_active,
                      total=h.authorities_total),
        hubs=number(h.hubs_active, lang),
        hubs_note=t("headline.hubs_help", lang, hubs=number(h.hubs_active, lang),
                    authorities=number(h.authorities_active, lang)),
        population=number(h.population_active, lang),
        population_share=percent(h.population_share, lang),
    )


def force_glance(ds: Dataset, lang: str = "en") -> list[tuple[str, str]]:
    """One line per force for the status page: how many of its authorities have a MASH."""
    out = []
    for force in ds.forces:
        counts = counts_by_force(ds)[force.force_id]
        total = sum(counts.values())
        text = t("glance.active", lang, n=counts["mash"] + counts["mash_pilot"], total=total)
        if counts["mash_pilot"]:
            text += t("glance.pilot", lang, n=counts["mash_pilot"])
        if counts["mash_ceased"]:
            text += t("glance.ceased", lang, n=counts["mash_ceased"])
        out.append((force.name(lang), text))
    return out


def legend_rows(ds: Dataset, lang: str = "en") -> list[tuple[str, str, int]]:
    """(status, label, count) for all four statuses, always, in display order."""
    counts = counts_by_status(ds)
    return [(s, status_label(s, lang), counts[s]) for s in STATUSES]


def status_by_code(ds: Dataset) -> dict[str, str]:
    return {a.code: ds.status(a.code) for a in ds.authorities}


def tooltips(ds: Dataset, lang: str = "en") -> dict[str, str]:
    """One line per authority: its name and status in words."""
    return {
        a.code: f"{a.name(lang)}: {status_label(ds.status(a.code), lang)}"
        for a in ds.authorities
    }


def tile_labels(ds: Dataset, lang: str = "en", max_word: int = 11) -> dict[str, str]:
    """Labels for the tile map: the full name, never abbreviated. A single word too long for a
    tile gets a soft hyphen (U+00AD) where it may break, so the browser can wrap it as
    "Carmarthen-" / "shire" on two lines.

    >>> from explorer.data import load_dataset
    >>> labels = tile_labels(load_dataset())
    >>> labels["W06000001"], labels["W06000010"].replace("\u00ad", "-")
    ('Isle of Anglesey', 'Carmarthen-shire')
    """
    out = {}
    for a in ds.authorities:
        words = []
        for word in a.name(lang).split(" "):
            if len(word) > max_word:
                cut = len(word) - 5 if word.endswith("shire") else len(word) // 2
                word = word[:cut] + "\u00ad" + word[cut:]
            words.append(word)
        out[a.code] = " ".join(words)
    return out


def authority_details(ds: Dataset, code: str, lang: str = "en") -> dict[str, object]:
    """Everything the details panel shows for one authority, each item with its source."""
    a = ds.authority(code)
    pos = ds.position(code)
    force = ds.force(a.force_id)
    hub = ds.hub_of(code)
    hub_info = None
    if hub is not None:
        others = [authority_name(ds, c, lang) for c in hub.member_codes if c != code]
        hub_info = {
            "name": hub.name,
            "status": status_label(hub.status, lang),
            "others": others,
            "location": hub.location,
            "start_year": hub.start_year,
            "dates_note": hub.dates_note,
            "end_date": hub.end_date,
            "source": ds.citation(hub.section_id),
        }
    return {
        "code": code,
        "name": a.name(lang),
        "other_name": a.name_cy if lang == "en" else a.name_en,
        "status": pos.status,
        "status_label": status_label(pos.status, lang),
        "summary": pos.summary,
        "summary_source": ds.citation(pos.section_id),
        "stance": pos.stance,
        "hub": hub_info,
        "arrangements": [
            {"name": x.name, "summary": x.summary, "source": ds.citation(x.section_id)}
            for x in ds.arrangements_for(code)
        ],
        "events": [
            {"date": e.date_label, "summary": e.summary, "source": ds.citation(e.section_id)}
            for e in ds.events_for(code)
        ],
        "force": force.name(lang),
        "health_board": a.health_board_cy if lang == "cy" else a.health_board,
        "safeguarding_board": a.safeguarding_board,
        "population": number(a.population_census2021, lang),
        "population_mid2018": number(a.population_mid2018, lang),
        "office_town": a.office_town,
    }


def force_view(ds: Dataset, force_id: str, lang: str = "en") -> dict[str, object]:
    """A force's position, authorities, challenges, plans and arrangements (those it has;
    one it is only considering is listed with the plans)."""
    force = ds.force(force_id)
    items = ds.items_for(force_id)

    mine = [x for x in ds.arrangements if x.force_id == force_id]

    def arrangement(x) -> dict[str, str]:
        return {"name": x.name, "status": x.status, "summary": x.summary,
                "source": ds.citation(x.section_id)}

    def pick(kind: str) -> list[dict[str, str]]:
        return [
            {"summary": i.summary, "source": ds.citation(i.section_id)}
            for i in items
            if i.kind == kind
        ]

    return {
        "force_id": force_id,
        "name": force.name(lang),
        "position": force.position_summary,
        "position_source": ds.citation(force.section_id),
        "authorities": [
            {
                "code": a.code,
                "name": a.name(lang),
                "status": ds.status(a.code),
                "status_label": status_label(ds.status(a.code), lang),
                "hub": (ds.hub_of(a.code).name if ds.hub_of(a.code) else ""),
            }
            for a in sorted(ds.authorities_of_force(force_id), key=lambda a: a.name(lang))
        ],
        "context": pick("context") + pick("stance"),
        "challenges": pick("challenge"),
        # An arrangement only under consideration is something that may come next, said
        # once there, not also among what the force has.
        "plans": [arrangement(x) for x in mine if x.status == "proposed"] + pick("plan"),
        "arrangements": [arrangement(x) for x in mine if x.status != "proposed"],
    }


def wales_items(ds: Dataset, lang: str = "en") -> list[dict[str, str]]:
    """Items beyond one force: the scoping of an independent review (Wales) and national
    guidance (its working group spans England and Wales), each with its scope named."""
    return [
        {"kind": i.kind, "scope": scope_name(ds, i.scope, lang), "summary": i.summary,
         "source": ds.citation(i.section_id)}
        for scope in WIDER_SCOPES for i in ds.items_for(scope)
    ]


def scope_name(ds: Dataset, scope: str, lang: str = "en") -> str:
    return t(f"scope.{scope}", lang) if scope in WIDER_SCOPES else ds.force(scope).name(lang)


def timeline(ds: Dataset, scopes: list[str] | None = None, lang: str = "en") -> list[dict]:
    """Dated events in order, optionally only those of the given scopes (force ids, 'wales',
    'england_and_wales')."""
    rows = []
    for e in ds.events:
        if scopes is not None and e.scope not in scopes:
            continue
        rows.append(
            {
                "date": e.date_label,
                "year": e.date[:4],
                "scope": scope_name(ds, e.scope, lang),
                "summary": e.summary,
                "approximate": e.approximate,
                "planned": e.planned,
                "authorities": [authority_name(ds, c, lang) for c in e.member_codes],
                "source": ds.citation(e.section_id),
            }
        )
    return rows


def timeline_dates(ds: Dataset, scopes: list[str] | None = None) -> list[str]:
    """The sortable dates (``YYYY`` or ``YYYY-MM``) of :func:`timeline`'s rows, in order."""
    return [e.date for e in ds.events if scopes is None or e.scope in scopes]


def _before(event_date: str, as_at: str) -> bool:
    """An event dated ``YYYY`` or ``YYYY-MM`` falls on or before a day ``YYYY-MM-DD`` when
    its year (or month) is not after the day's."""
    return event_date <= as_at[: len(event_date)]


def timeline_with_editions(rows: list[dict], event_dates: list[str],
                           editions: Sequence[tuple[int, str, str]],
                           shown_id: int) -> list[dict]:
    """The timeline's rows with a marker for each published edition's as-at date (issue 18:
    "edition dates marked on it"), in date order. ``rows`` are :func:`timeline`'s rows and
    ``event_dates`` their sortable dates (``YYYY`` or ``YYYY-MM``); ``editions`` are (id,
    title, as-at date) oldest first. An event of the edition's month (or year, when only a
    year is known) comes before the marker. A marker is ``{"edition": id, "title": ...,
    "as_at": ..., "shown": bool}``; an event row is returned unchanged.

    >>> rows = [{"date": "2014"}, {"date": "June 2019"}]
    >>> out = timeline_with_editions(rows, ["2014", "2019-06"], [(1, "B", "2019-05-31")], 1)
    >>> [r.get("date") or f"edition {r['edition']}" for r in out]
    ['2014', 'edition 1', 'June 2019']
    """
    out: list[dict] = []
    pending = list(editions)
    for row, date in zip(rows, event_dates, strict=True):
        while pending and not _before(date, pending[0][2]):
            eid, title, as_at = pending.pop(0)
            out.append({"edition": eid, "title": title, "as_at": as_at,
                        "shown": eid == shown_id})
        out.append(row)
    out.extend({"edition": eid, "title": title, "as_at": as_at, "shown": eid == shown_id}
               for eid, title, as_at in pending)
    return out


#: The item that says what Early Action Together is (Gwent Police, paras 2-4).
EAT_ITEM = "gw_eat"


def timeline_notes(ds: Dataset, scopes: list[str] | None = None,
                   lang: str = "en") -> list[dict[str, str]]:
    """Notes above the timeline for the chosen scopes: that the briefing dates none of South
    Wales Police's MASHs (so none is on it), and what Early Action Together is."""
    out = []
    if (scopes is None or "south_wales" in scopes) and any(
            h.start_year is None for h in ds.hubs if h.status == "mash"):
        out.append({"heading": "", "summary": t("timeline.undated", lang),
                    "source": ds.citation("sw-1")})
    eat = [i for i in ds.items if i.item_id == EAT_ITEM]
    if eat and (scopes is None or eat[0].scope in scopes):
        out.append({"heading": t("timeline.eat_heading", lang), "summary": eat[0].summary,
                    "source": ds.citation(eat[0].section_id)})
    return out


TABLE_COLUMNS = (
    "code", "name", "name_cy", "police_force", "status", "hub", "health_board",
    "safeguarding_board", "population", "population_mid2018", "land_area_km2",
    "arrangements", "stance", "summary", "source",
)


def table_rows(ds: Dataset, lang: str = "en") -> list[dict[str, object]]:
    """All 22 authorities with every field, status in words; headers in ``lang``."""
    rows = []
    for rec in status_records(ds):
        row = {}
        for col in TABLE_COLUMNS:
            value = rec[col]
            if col == "status":
                value = status_label(str(value), lang)
            elif col == "arrangements":
                value = "; ".join(value)  # type: ignore[arg-type]
            elif value is None:
                value = ""
            row[t(f"table.{col}", lang)] = value
        rows.append(row)
    return rows


def table_csv(ds: Dataset, lang: str = "en") -> str:
    """The table as CSV text (UTF-8, with a header row)."""
    import csv
    import io

    rows = table_rows(ds, lang)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
