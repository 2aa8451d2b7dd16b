"""The per-hub table of a what-if result as HTML (the planner page and the briefing)."""

from __future__ import annotations

import html
from typing import Any

from explorer.coverage import CoverageResult
from explorer.i18n import number
from explorer.model import Dataset
from explorer.planner import hub_rows
from explorer.printing.styles import HUB_TABLE_CSS


def hub_table_html(result: CoverageResult, ds: Dataset, lang: str = "en") -> str:
    """The per-hub table as escaped HTML that reflows into one card per hub in a narrow box.

    Every cell is text (``html.escape``); numbers get thousands separators. Words wrap at
    spaces only, never mid-word ("Carmar thenshi re", "Gweste iwr"): place names are not
    hyphenated; in a box narrower than :data:`~explorer.printing.styles.HUB_CARDS_BELOW_PX`
    each hub is a card instead of a row, so the table never scrolls sideways. The table
    carries the page's language (``lang``) for screen readers.
    """
    rows = hub_rows(result, ds, lang)
    if not rows:
        return ""
    heads = list(rows[0])

    def cell(value: Any) -> str:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return number(value, lang)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    body = "".join(
        "<tr>" + "".join(
            f'<td data-label="{html.escape(h)}">{html.escape(cell(row[h]))}</td>' for h in heads
        ) + "</tr>"
        for row in rows
    )
    return (
        f"<style>{HUB_TABLE_CSS}</style>"
        f'<div class="hub-wrap" lang="{html.escape(lang)}"><table class="hub-table"><thead><tr>'
        + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in heads)
        + f"</tr></thead><tbody>{body}</tbody></table></div>"
    )
