"""The presenter view's entries as HTML: large, escaped, in side-by-side columns.

Rows come from :func:`explorer.rooms.presenter.presenter_rows` (every figure already text as
shown). User text (authors, scenario names) is escaped; the only links are the relative
queries the caller gives for opening an entry (``?room=...&present=1&entry=9``), so they stay
on the board's own page under any path prefix and inside Community Cloud's frame.

>>> from explorer.rooms.presenter import PresenterRow
>>> rows = [PresenterRow(None, "May 2019", "Position", "5 of 22", "963,896", "31.0%", "0"),
...         PresenterRow(3, "<b>Al</b>", "North", "6 of 22", "1,479,801", "47.6%", "1",
...                      votes="8", place=1, change="updated", change_left_s=12.5)]
>>> out = presenter_html([rows], {3: "?room=ABC2345&present=1&entry=3"}, revealed=True)
>>> "&lt;b&gt;Al&lt;/b&gt;" in out and "963,896" in out and "1st" in out and "updated" in out
True
>>> "None" in out, 'href="?room=ABC2345&amp;present=1&amp;entry=3"' in out
(False, True)
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from explorer.i18n import t
from explorer.printing.styles import PRESENTER_CSS
from explorer.rooms.presenter import PresenterRow, place_label


def _badge(row: PresenterRow, lang: str) -> str:
    if row.change is None or row.change_left_s <= 0:
        return ""
    # The mark hides itself when its time is up, without a rerun of the page.
    return (f'<span class="pv-badge" style="animation:pv-fade 1ms linear '
            f'{row.change_left_s:.1f}s forwards">'
            f"{html.escape(t(f'presenter.change_{row.change}', lang))}</span>")


def _place(row: PresenterRow, lang: str) -> str:
    if row.place is None:
        return ""
    label = place_label(row.place, lang)
    spoken = html.escape(t("presenter.place_label", lang, place=label))
    return (f'<span class="pv-place" title="{spoken}">'
            f'<span aria-hidden="true">★ </span>{html.escape(label)}</span>')


def _table(rows: Sequence[PresenterRow], links: Mapping[int, str], revealed: bool, lang: str,
           label: str) -> str:
    # The scenario's name (the link that opens it) over its entry number and author: the
    # widest text gets the most room, and the row stays two lines for most names.
    heads = [("scenario", "pv-s"), ("authorities", "pv-n"), ("people", "pv-n"),
             ("share", "pv-n"), ("mashes", "pv-n")]
    if revealed:
        heads.append(("votes", "pv-n"))
    head = "".join(f'<th scope="col" class="{cls}">'
                   f'{html.escape(t(f"presenter.col_{k}", lang))}</th>' for k, cls in heads)
    body = []
    for row in rows:
        name = html.escape(row.scenario)
        link = links.get(row.number) if row.number is not None else None
        if link:
            name = f'<a href="{html.escape(link)}" target="_self">{name}</a>'
        who = (html.escape(row.author) if row.number is None else html.escape(
            t("presenter.entry_author", lang, number=row.number, author=row.author)))
        votes = ""
        if row.votes is not None and not row.reference:
            votes = html.escape(row.votes)
            if row.place is not None:
                votes += f"<br>{_place(row, lang)}"
        cells = {
            "scenario": f'{name}<br><span class="pv-who">{who}</span>{_badge(row, lang)}',
            "authorities": html.escape(row.authorities),
            "people": html.escape(row.people),
            "share": html.escape(row.share),
            "mashes": html.escape(row.mashes),
            "votes": votes,
        }
        cls = "pv-ref" if row.reference else ("pv-top" if row.place is not None else "")
        body.append(f'<tr class="{cls}">' + "".join(
            f'<td class="{c}">{cells[k]}</td>' for k, c in heads) + "</tr>")
    return (f'<table aria-label="{html.escape(label)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def presenter_html(columns: Sequence[Sequence[PresenterRow]], links: Mapping[int, str], *,
                   revealed: bool, lang: str = "en") -> str:
    """The entries (already split into ``columns``) as side-by-side tables; ``links`` maps an
    entry's number to the (relative) link that opens it."""
    parts = len(columns)
    tables = "".join(
        _table(rows, links, revealed, lang, t("presenter.table_label", lang) if parts == 1
               else t("presenter.table_label_part", lang, part=i, parts=parts))
        for i, rows in enumerate(columns, start=1) if rows)
    kind = "pv-one" if parts == 1 else "pv-two"
    return f'<style>{PRESENTER_CSS}</style><div class="pv-cols {kind}">{tables}</div>'
