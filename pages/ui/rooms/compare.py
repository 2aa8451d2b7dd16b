"""Compare two or three of the board's entries side by side, the reference first (issue 16 §3),
and the reference row as at the chosen edition (issue 18: ``?asat=``).

The entries are ticked in the board's table (its row selection); **Compare** shows the table
that :func:`explorer.rooms.report.compare_rows` builds. The comparison stays open while two or
three entries are ticked, through the board's live reruns; it closes with its own button.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence

import streamlit as st

from explorer.i18n import t
from explorer.model import Dataset
from explorer.printing.styles import COMPARE_TABLE_CSS
from explorer.rooms import report as room_report
from explorer.rooms.report import EntryFigures, Reference
from pages.ui.editions import asat

state = st.session_state
#: Session state: True while the comparison is open.
OPEN = "room_compare_open"
BUTTON, CLOSE = "room_compare", "room_compare_close"
#: How many entries a comparison takes.
MIN_ENTRIES, MAX_ENTRIES = 2, 3


def edition_reference(lang: str) -> Reference:
    """The board's reference row for the edition chosen on this page (``?asat=``, read by
    :func:`pages.ui.editions.asat.sync`), May 2019 while there is no other."""
    return _reference(lang, state.get(asat.STATE), asat.published())


@functools.lru_cache(maxsize=64)
def _reference(lang: str, chosen: object, published: tuple) -> Reference:
    """Worked out once per (language, edition chosen, editions published): every redraw of
    every board asks for it. ``Reference`` is frozen, so the shared value cannot change."""
    for edition_id, title, as_at in published:
        if edition_id == chosen:
            return room_report.reference(lang, edition_id, as_at, title)
    return room_report.reference(lang)


def ticked(event, figures_: Sequence[EntryFigures]) -> list[EntryFigures]:
    """The entries ticked in the board's table (its row 0 is the reference: always shown)."""
    try:
        rows = list(event.selection.rows)
    except AttributeError:  # no selection (an older event, or a table drawn without one)
        return []
    return [figures_[i - 1] for i in sorted(rows) if 1 <= i <= len(figures_)]


def panel(ds: Dataset, chosen: Sequence[EntryFigures], lang: str) -> None:
    """The Compare button under the board's table and, once pressed, the side-by-side table."""
    n = len(chosen)
    # One button, no columns: the board redraws this on every change (its help is in the
    # line above the button, with the table's).
    if st.button(t("room.compare", lang), key=BUTTON, icon=":material/compare_arrows:"):
        state[OPEN] = True
    if not state.get(OPEN):
        return
    if not MIN_ENTRIES <= n <= MAX_ENTRIES:
        st.info(t("room.compare_count", lang, n=n))
        return
    st.subheader(t("room.compare_heading", lang), anchor=False)
    rows = room_report.compare_rows(chosen, ds, lang, edition_reference(lang))
    st.html(table_html(rows))
    if st.button(t("room.compare_close", lang), key=CLOSE, icon=":material/close:"):
        state[OPEN] = False
        st.rerun()


def table_html(rows: list[dict[str, str]]) -> str:
    """The comparison as an escaped HTML table (every cell text): measures down the side, the
    reference and the chosen entries across; long text wraps instead of being cut off."""
    if not rows:
        return ""
    e = html.escape
    heads = list(rows[0])
    body = "".join(
        "<tr>" + f'<th scope="row">{e(row[heads[0]])}</th>'
        + "".join(f"<td>{e(row[h])}</td>" for h in heads[1:]) + "</tr>"
        for row in rows)
    return (
        f"<style>{COMPARE_TABLE_CSS}</style>"
        '<div class="cmp-wrap"><table class="cmp"><thead><tr>'
        + "".join(f'<th scope="col">{e(h)}</th>' for h in heads)
        + f"</tr></thead><tbody>{body}</tbody></table></div>")
