"""What changed between two editions: headline deltas, the authorities whose position
changed (and how), every differing row with the change records (source and reason) that
explain it, and a plain-language summary built only from templates in
``explorer/messages.toml`` filled with names, statuses and sources from the records.

>>> from explorer.data import load_dataset
>>> from explorer.editions.model import BASE_INFO, Edition
>>> e = Edition(BASE_INFO, load_dataset())
>>> d = compare(e, e)
>>> d.rows, d.summary("en")
((), ('No change between 31 May 2019 and 31 May 2019.',))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from explorer.editions.model import Edition, EditionInfo, format_date, row_differences, rows
from explorer.i18n import number, t
from explorer.model import ACTIVE_STATUSES, Change, Dataset
from explorer.summary import Headline, headline

#: How an authority's position changed, in the order the map legend lists them.
AUTHORITY_KINDS = ("gained", "lost", "status", "hub", "details")


@dataclass(frozen=True)
class AuthorityChange:
    """``gained``: now served by an operating or pilot MASH; ``lost``: no longer;
    ``status``: another change of status; ``hub``: same status, another hub; ``details``:
    same status and hub, changed wording or source."""

    code: str
    kind: str
    old_status: str
    new_status: str


@dataclass(frozen=True)
class RowChange:
    """One row that differs, with the change records that explain it, oldest first."""

    file: str
    record_id: str
    kind: str
    fields: tuple[str, ...]
    records: tuple[Change, ...]


@dataclass(frozen=True)
class EditionDiff:
    old: EditionInfo
    new: EditionInfo
    old_headline: Headline
    new_headline: Headline
    authorities: tuple[AuthorityChange, ...]
    rows: tuple[RowChange, ...]
    old_dataset: Dataset
    new_dataset: Dataset

    def summary(self, lang: str = "en") -> tuple[str, ...]:
        """Plain-language sentences, from templates only."""
        return summary_lines(self, lang)

    def to_dict(self) -> dict[str, Any]:
        def head(h: Headline) -> dict[str, int]:
            return {"authorities_served": h.authorities_active, "people_served":
                    h.population_active, "hubs": h.hubs_active}

        return {
            "from": {"id": self.old.id, "title": self.old.title, "as_at": self.old.as_at},
            "to": {"id": self.new.id, "title": self.new.title, "as_at": self.new.as_at},
            "headline": {"from": head(self.old_headline), "to": head(self.new_headline),
                         "delta": {k: head(self.new_headline)[k] - head(self.old_headline)[k]
                                   for k in head(self.old_headline)}},
            "authorities": [{"code": a.code,
                             "name": self.new_dataset.authority(a.code).name_en,
                             "kind": a.kind, "from": a.old_status, "to": a.new_status}
                            for a in self.authorities],
            "changes": [{"file": r.file, "record": r.record_id, "kind": r.kind,
                         "fields": list(r.fields),
                         "sources": [{"change_id": c.change_id, "source_title": c.source_title,
                                      "reported_by": c.reported_by, "date": c.source_date,
                                      "link": c.source_link, "reason": c.reason}
                                     for c in r.records]}
                        for r in self.rows],
            "summary": list(self.summary("en")),
        }


def _authority_changes(old: Dataset, new: Dataset) -> tuple[AuthorityChange, ...]:
    out = []
    for code in new.codes():
        a, b = old.position(code), new.position(code)
        if a == b:
            continue
        was, now = a.status in ACTIVE_STATUSES, b.status in ACTIVE_STATUSES
        if was != now:
            kind = "gained" if now else "lost"
        elif a.status != b.status:
            kind = "status"
        elif a.hub_id != b.hub_id:
            kind = "hub"
        else:
            kind = "details"
        out.append(AuthorityChange(code, kind, a.status, b.status))
    return tuple(out)


def compare(old: Edition, new: Edition,
            between: Sequence[Edition] = ()) -> EditionDiff:
    """The difference from ``old`` to ``new``. ``between`` are the editions whose own
    change records may explain it (the editions after ``old`` up to ``new``; by default
    only ``new`` itself)."""
    editions = tuple(between) or (new,)
    records: dict[tuple[str, str], list[Change]] = {}
    for edition in editions:
        for c in edition.own_changes():
            records.setdefault((c.file, c.record_id), []).append(c)
    diffs = row_differences(old.dataset, new.dataset)
    return EditionDiff(
        old=old.info, new=new.info,
        old_headline=headline(old.dataset), new_headline=headline(new.dataset),
        authorities=_authority_changes(old.dataset, new.dataset),
        rows=tuple(RowChange(d.file, d.record_id, d.kind, d.fields,
                             tuple(records.get((d.file, d.record_id), ())))
                   for d in diffs),
        old_dataset=old.dataset, new_dataset=new.dataset,
    )


def _sources(records: Sequence[Change], lang: str) -> str:
    if not records:
        return t("editions.summary.no_source", lang)
    c = records[-1]
    who = c.source_title or t("editions.summary.reported_by", lang, role=c.reported_by)
    return f"{who}, {format_date(c.source_date, lang)}"


def _label(ds_new: Dataset, ds_old: Dataset, file: str, key: str, lang: str) -> str:
    rec = rows(ds_new, file).get(key) or rows(ds_old, file).get(key)
    if file == "forces.csv":
        return rec.name(lang)
    if file in ("hubs.csv", "arrangements.csv"):
        return rec.name
    if file == "events.csv":
        return f"{rec.date_label}: {key}"
    return key


def summary_lines(d: EditionDiff, lang: str = "en") -> tuple[str, ...]:
    old_date, new_date = format_date(d.old.as_at, lang), format_date(d.new.as_at, lang)
    if not d.rows:
        return (t("editions.summary.none", lang, old=old_date, new=new_date),)
    h0, h1 = d.old_headline, d.new_headline
    lines = [t("editions.summary.headline", lang, old=old_date, new=new_date,
               served_old=h0.authorities_active, served_new=h1.authorities_active,
               total=h1.authorities_total, people_old=number(h0.population_active, lang),
               people_new=number(h1.population_active, lang), hubs_old=h0.hubs_active,
               hubs_new=h1.hubs_active)]
    by_row = {(r.file, r.record_id): r for r in d.rows}
    for a in d.authorities:
        row = by_row.get(("positions.csv", a.code))
        source = _sources(row.records if row else (), lang)
        name = d.new_dataset.authority(a.code).name(lang)
        if a.kind in ("hub", "details"):
            lines.append(t(f"editions.summary.authority_{a.kind}", lang, authority=name,
                           source=source))
        else:
            lines.append(t("editions.summary.authority_status", lang, authority=name,
                           old=t(f"status.{a.old_status}", lang),
                           new=t(f"status.{a.new_status}", lang), source=source))
    for r in d.rows:
        if r.file == "positions.csv":
            continue
        what = t(f"editions.file.{r.file.removesuffix('.csv')}", lang)
        lines.append(t(f"editions.summary.row_{r.kind}", lang, what=what,
                       name=_label(d.new_dataset, d.old_dataset, r.file, r.record_id, lang),
                       source=_sources(r.records, lang)))
    return tuple(lines)
