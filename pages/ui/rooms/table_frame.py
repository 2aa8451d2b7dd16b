"""The board's entries table as a typed frame, for ``st.dataframe`` (board and facilitator).

Every column has one type: the counts are nullable integers, the share a nullable float, a
missing figure (the reference row's entry and votes, an unreadable entry's figures) a real
missing value, drawn as "–" by the table's ``placeholder``; the rest is text. So the frame
converts to Arrow as it is (Streamlit never has to "fix" a mixed column, nor log a traceback
doing it) and Entry and Votes sort as numbers (1, 2, 10), not as text (1, 10, 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from explorer.i18n import t
from explorer.rooms.report import NO_VALUE, Reference

if TYPE_CHECKING:
    import pandas as pd

#: What a missing figure reads in the table.
PLACEHOLDER = NO_VALUE


def _integer_columns(lang: str, ref: Reference) -> tuple[str, ...]:
    return (t("room.col_entry", lang), t("room.col_votes", lang),
            t("room.col_authorities", lang), t("room.col_people", lang),
            t("whatif.mashes_proposed", lang),
            t("room.col_people_gained_ref", lang, reference=ref.short))


def frame(rows: list[dict[str, Any]], lang: str, ref: Reference) -> pd.DataFrame:
    """The rows of :func:`explorer.rooms.report.board_rows` as a frame whose every column has
    one Arrow type: counts ``Int64``, share ``Float64``, the rest text (``None`` stays missing
    in all three)."""
    import pandas as pd  # on the first board drawn, not at page load

    df = pd.DataFrame(rows)
    integers = set(_integer_columns(lang, ref))
    share = t("room.col_share", lang)
    numbers = {c: ("Int64" if c in integers else "Float64") for c in df.columns
               if c in integers or c == share}
    text = {c: df[c].map(lambda v: None if v is None else str(v), na_action="ignore")
            for c in df.columns if c not in numbers}
    return df.astype(numbers).assign(**text)


#: Row height (px) of the board's table: above 4rem Streamlit wraps a cell's text, so "What it
#: is" and long scenario names are read in full (up to three lines) instead of cut off.
ROW_HEIGHT_PX = 68
#: The board's table shows this many rows before it scrolls inside itself (a projected board
#: of 60 members is read whole by scrolling the page, not a small box).
MAX_ROWS_SHOWN = 60


def height_px(rows: int) -> int:
    """The table's height for ``rows`` rows (at least one), header and border included, so
    every entry is drawn without an inner scroll bar (up to :data:`MAX_ROWS_SHOWN`).

    >>> height_px(0), height_px(2), height_px(1000) == height_px(MAX_ROWS_SHOWN)
    (111, 179, True)
    """
    return 40 + ROW_HEIGHT_PX * max(1, min(rows, MAX_ROWS_SHOWN)) + 3


#: Widths (px) of the text columns, so that entry, author, scenario, link and "what it is"
#: fit side by side in the 906 px a 1366 px screen leaves the table; the figures follow.
#: (The link and votes columns are as wide as their headings: a heading is never cut.)
WIDTHS_PX = {"entry": 60, "author": 120, "scenario": 170, "what": 240}


def column_config(lang: str, ref: Reference) -> dict[str, Any]:
    """Number columns as the planner shows them (``963,896``, ``47.6``); entry and votes as
    plain whole numbers; the text columns narrow enough to fit at 1366 px (their text wraps:
    :data:`ROW_HEIGHT_PX`)."""
    entry, votes, _authorities, people, _mashes, gained = _integer_columns(lang, ref)
    share, opener = t("room.col_share", lang), t("workshop.col_open", lang)
    return {
        entry: st.column_config.NumberColumn(entry, format="%d", width=WIDTHS_PX["entry"]),
        votes: st.column_config.NumberColumn(votes, format="%d"),
        people: st.column_config.NumberColumn(people, format="localized"),
        gained: st.column_config.NumberColumn(gained, format="localized"),
        share: st.column_config.NumberColumn(share, format="%.1f"),
        opener: st.column_config.LinkColumn(opener, display_text=t("workshop.open", lang)),
        **{t(f"room.col_{k}", lang): st.column_config.TextColumn(
            t(f"room.col_{k}", lang), width=WIDTHS_PX[k]) for k in ("author", "scenario", "what")},
    }
