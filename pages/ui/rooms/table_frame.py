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


def column_config(lang: str, ref: Reference) -> dict[str, Any]:
    """Number columns as the planner shows them (``963,896``, ``47.6``); entry and votes as
    plain whole numbers."""
    entry, votes, _authorities, people, _mashes, gained = _integer_columns(lang, ref)
    return {
        entry: st.column_config.NumberColumn(entry, format="%d"),
        votes: st.column_config.NumberColumn(votes, format="%d"),
        people: st.column_config.NumberColumn(people, format="localized"),
        gained: st.column_config.NumberColumn(gained, format="localized"),
        t("room.col_share", lang): st.column_config.NumberColumn(
            t("room.col_share", lang), format="%.1f"),
    }
