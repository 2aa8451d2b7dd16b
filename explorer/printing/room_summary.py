"""A workshop room's printable summary for the board papers: one HTML file, no script, no
network. The rows and counts come from :mod:`explorer.rooms.report`.

User text (room name, display names, scenario and hub names) is escaped everywhere.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from explorer.i18n import collation_key, number, percent, t
from explorer.model import Dataset
from explorer.printing.palette import COUNT_COLOURS
from explorer.printing.styles import ROOM_SUMMARY_CSS
from explorer.rooms.model import Board, expiry_days
from explorer.rooms.report import (
    NO_VALUE,
    EntryFigures,
    Reference,
    board_rows,
    coverage_counts,
    entry_figures,
    hubs_described,
    reference,
    reference_result,
)


def summary_html(
    board: Board, ds: Dataset, *, lang: str = "en", map_svg: str = "", attribution: str = "",
    now: datetime | None = None, ref: Reference | None = None,
) -> str:
    """A printable one-file summary for the board papers: no script, no network.

    Entries are ordered by votes when they are revealed, else by people covered; their figures
    are the board's (:func:`~explorer.rooms.report.board_rows`). ``map_svg`` (optional, e.g. a
    map of how many entries cover each authority, with the number on each) is inserted as
    given, with a key beside it: pass only markup built by the app, never user text. The
    authorities are listed by how many entries cover them, most first. Each entry's hubs are
    described (model, host, members, what the limit left out).
    """
    e = html.escape
    ref = ref or reference(lang)
    figures = entry_figures(board, ds)
    shown = [f for f in figures if not f.entry.hidden]
    revealed = board.room.votes_revealed

    def key(f: EntryFigures):
        people = f.result.population_covered if f.result else -1
        return (-(f.entry.votes or 0), -people) if revealed else (-people,)

    ordered = tuple(sorted(shown, key=key))
    rows = board_rows(ordered, ds, lang, votes=revealed, ref=ref)
    cols = list(rows[0])
    numeric = {t(f"room.col_{k}", lang) for k in (
        "entry", "authorities", "people", "votes")} | {
        t("whatif.mashes_proposed", lang),
        t("room.col_people_gained_ref", lang, reference=ref.short)}
    share_col = t("room.col_share", lang)

    def cell(c: str, value: Any) -> str:
        if value is None:  # a missing number: "–", as the board draws it
            return f'<td class="n">{NO_VALUE}</td>' if c in numeric | {share_col} else "<td></td>"
        if c == share_col and isinstance(value, (int, float)):
            return f'<td class="n">{value:.1f}</td>'
        if isinstance(value, (int, float)) and c in numeric:
            return f'<td class="n">{e(number(value, lang))}</td>'
        return f"<td>{e(str(value))}</td>"

    table = ("<table><thead><tr>" + "".join(f'<th scope="col">{e(c)}</th>' for c in cols)
             + "</tr></thead><tbody>")
    for i, row in enumerate(rows):
        table += ('<tr class="ref">' if i == 0 else "<tr>") + "".join(
            cell(c, row[c]) for c in cols) + "</tr>"
    table += "</tbody></table>"
    if not shown:
        table += f"<p>{e(t('room.no_entries', lang))}</p>"
    counts = coverage_counts(tuple(shown), ds)
    by_count = sorted(counts.items(), key=lambda item: (
        -item[1], collation_key(ds.authority(item[0]).name(lang), lang)))
    count_table = (
        f'<table class="counts"><thead><tr><th scope="col">{e(t("room.col_authority", lang))}'
        f'</th><th scope="col">{e(t("room.col_covering", lang))}</th></tr></thead><tbody>'
        + "".join(f'<tr><td>{e(ds.authority(c).name(lang))}</td><td class="n">{n}</td></tr>'
                  for c, n in by_count)
        + "</tbody></table>"
    )
    legend = ""
    if map_svg:
        legend = (f'<p class="meta">{e(t("room.legend_title", lang))}</p><ul class="legend">'
                  + "".join(f'<li><span class="sw" style="background:{colour}"></span>'
                            f'{e(t(f"workshop.legend_{i}", lang))}</li>'
                            for i, colour in enumerate(COUNT_COLOURS)) + "</ul>")
    proposals = "".join(
        '<div class="entry"><p><strong>'
        + e(t("room.compare_entry", lang, number=f.entry.member_number,
              author=f.entry.author_label(lang), scenario=f.scenario.name if f.scenario else "?"))
        + f"</strong></p><p>{e(f.describe(lang) or (f.problem or ''))}</p>"
        + ("<ul>" + "".join(f"<li>{e(line)}</li>" for line in hubs_described(
            f.scenario, f.result, ds, lang)) + "</ul>" if f.scenario and f.scenario.hubs else "")
        + "</div>"
        for f in ordered)
    when = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    meta = t("room.summary_meta", lang, code=board.room.code, entries=len(shown),
             members=board.members, when=when)
    order = t("room.summary_order_votes" if revealed else "room.summary_order_people", lang)
    share = percent(reference_result(ds).population_share, lang)
    as_at = (t("sidebar.as_at", lang) if ref == reference(lang)
             else f"{ref.scenario_name}.")  # a later edition: its date, never "31 May 2019"
    return f"""<!doctype html>
<html lang="{e(lang)}"><head><meta charset="utf-8">
<title>{e(board.room.name)} – {e(t('room.summary_title', lang))}</title>
<style>{ROOM_SUMMARY_CSS}</style></head><body>
<h1>{e(board.room.name)}</h1>
<p class="meta">{e(t('room.summary_title', lang))} · {e(meta)}</p>
<section><div class="head"><h2>{e(t('room.summary_entries', lang))}</h2>
<p class="meta">{e(order)} {e(ref.label)}: {e(share)}.</p></div>
{table}</section>
<section class="keep"><div class="head"><h2>{e(t('room.coverage_counts', lang))}</h2>
<p class="meta">{e(t('room.summary_sorted', lang))}</p></div>
<div class="maprow"><figure style="margin:0">{map_svg}<figcaption>{legend}</figcaption></figure>
<div>{count_table}</div></div></section>
<section><div class="head"><h2>{e(t('room.summary_hubs', lang))}</h2></div>
{proposals or f"<p>{e(t('room.no_entries', lang))}</p>"}</section>
<p class="meta">{e(t('room.stored', lang, days=expiry_days()))}</p>
<p class="meta">{e(as_at)} {e(t('whatif.briefing_data', lang))}
{e(attribution)}</p>
</body></html>
"""
