"""A workshop room's printable summary for the board papers: one HTML file, no script, no
network. The rows and counts come from :mod:`explorer.rooms.report`.

User text (room name, display names, scenario and hub names) is escaped everywhere.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from explorer.i18n import number, percent, t
from explorer.model import Dataset
from explorer.printing.styles import ROOM_SUMMARY_CSS
from explorer.rooms.model import Board, expiry_days
from explorer.rooms.report import (
    EntryFigures,
    board_rows,
    coverage_counts,
    entry_figures,
    reference_result,
)


def summary_html(
    board: Board, ds: Dataset, *, lang: str = "en", map_svg: str = "", attribution: str = "",
    now: datetime | None = None,
) -> str:
    """A printable one-file summary for the board papers: no script, no network.

    Entries are ordered by votes when they are revealed, else by people covered. ``map_svg``
    (optional, e.g. a map of how many entries cover each authority) is inserted as given:
    pass only markup built by the app, never user text.
    """
    e = html.escape
    figures = entry_figures(board, ds)
    shown = [f for f in figures if not f.entry.hidden]
    revealed = board.room.votes_revealed

    def key(f: EntryFigures):
        people = f.result.population_covered if f.result else -1
        return (-(f.entry.votes or 0), -people) if revealed else (-people,)

    rows = board_rows(tuple(sorted(shown, key=key)), ds, lang, votes=revealed)
    cols = list(rows[0])
    numeric = {t(f"room.col_{k}", lang) for k in (
        "entry", "authorities", "people", "share", "hubs", "farthest", "people_gained", "votes")}

    def cell(c: str, value: Any) -> str:
        if value is None:
            return "<td></td>"
        if isinstance(value, (int, float)) and c in numeric:
            shown_value = number(value, lang) if isinstance(value, int) else f"{value:g}"
            return f'<td class="n">{e(shown_value)}</td>'
        return f"<td>{e(str(value))}</td>"

    table = "<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in cols) + "</tr>"
    for i, row in enumerate(rows):
        table += ('<tr class="ref">' if i == 0 else "<tr>") + "".join(
            cell(c, row[c]) for c in cols) + "</tr>"
    table += "</table>"
    if not shown:
        table += f"<p>{e(t('room.no_entries', lang))}</p>"
    counts = coverage_counts(tuple(shown), ds)
    count_table = (
        f"<table><tr><th>{e(t('room.col_authority', lang))}</th>"
        f"<th>{e(t('room.col_covering', lang))}</th></tr>"
        + "".join(f'<tr><td>{e(ds.authority(c).name(lang))}</td><td class="n">{n}</td></tr>'
                  for c, n in counts.items())
        + "</table>"
    )
    when = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    meta = t("room.summary_meta", lang, code=board.room.code, entries=len(shown),
             members=board.members, when=when)
    order = t("room.summary_order_votes" if revealed else "room.summary_order_people", lang)
    share = percent(reference_result(ds).population_share, lang)
    return f"""<!doctype html>
<html lang="{e(lang)}"><head><meta charset="utf-8">
<title>{e(board.room.name)} – {e(t('room.summary_title', lang))}</title>
<style>{ROOM_SUMMARY_CSS}</style></head><body>
<h1>{e(board.room.name)}</h1>
<p class="meta">{e(t('room.summary_title', lang))} · {e(meta)}</p>
<h2>{e(t('room.summary_entries', lang))}</h2>
<p class="meta">{e(order)} {e(t('room.reference', lang))}: {e(share)}.</p>
{table}
<h2>{e(t('room.coverage_counts', lang))}</h2>
<div style="display:flex;gap:1.2em;align-items:flex-start"><div>{map_svg}</div>
<div>{count_table}</div></div>
<p class="meta">{e(t('room.stored', lang, days=expiry_days()))}</p>
<p class="meta">{e(t('sidebar.as_at', lang))} {e(t('whatif.briefing_data', lang))}
{e(attribution)}</p>
</body></html>
"""
