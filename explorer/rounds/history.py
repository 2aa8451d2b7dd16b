"""Each authority's position edition by edition, with the source and reason of each change.

>>> from explorer.data import load_dataset
>>> from explorer.editions.model import BASE_INFO, Edition
>>> steps = authority_history((Edition(BASE_INFO, load_dataset()),), "W06000023")
>>> history_line(steps, "Powys")
'Powys: no MASH as at 31 May 2019 (Dyfed-Powys Police, paras 2–3)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from explorer.editions.model import Edition, format_date
from explorer.i18n import t
from explorer.model import section_ids


@dataclass(frozen=True)
class HistoryStep:
    """The authority's position in one edition where it differs from the edition before
    (the first edition always): status, hub, and where the claim comes from."""

    edition_id: int
    as_at: str
    status: str
    hub_name: str | None
    source: str
    reason: str | None


def authority_history(published: Sequence[Edition], code: str) -> tuple[HistoryStep, ...]:
    """Steps over ``published`` editions (oldest first) where ``code``'s row changes."""
    out: list[HistoryStep] = []
    before = None
    for edition in published:
        ds = edition.dataset
        pos = ds.position(code)
        if before is not None and pos == before:
            continue
        before = pos
        own = set(edition.info.own_changes)
        records = [ds.change(s) for s in section_ids(pos.section_id) if s in own]
        hub = ds.hub(pos.hub_id).name if pos.hub_id else None
        out.append(HistoryStep(
            edition_id=edition.info.id, as_at=edition.info.as_at, status=pos.status,
            hub_name=hub, source=ds.citation(pos.section_id),
            reason=records[0].reason if records else None))
    return tuple(out)


def history_line(steps: Sequence[HistoryStep], authority: str, lang: str = "en") -> str:
    """One line: ``Powys: no MASH as at 31 May 2019 (...) -> MASH operating as at ...``."""
    parts = []
    for s in steps:
        status = t(f"status.{s.status}", lang)
        if s.status == "no_mash":  # "no MASH" mid-sentence
            status = status[0].lower() + status[1:]
        key = "rounds.history.step_reason" if s.reason else "rounds.history.step"
        parts.append(t(key, lang, status=status, date=format_date(s.as_at, lang),
                       source=s.source, reason=s.reason or "",
                       hub=f" ({s.hub_name})" if s.hub_name else ""))
    return f"{authority}: " + " -> ".join(parts)
