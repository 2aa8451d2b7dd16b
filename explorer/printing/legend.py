"""Legends in words with a colour swatch each: the one builder for every page and print.

A swatch is decoration (``aria-hidden``): every entry carries its meaning in words, and the
list is named for screen readers. The markup is self-contained (inline styles from
:mod:`explorer.printing.styles`), so it reads the same in the app, a printout or a file.

>>> swatch("#0072B2", size_em=1)  # doctest: +ELLIPSIS
'<span class="swatch" aria-hidden="true" style="...width:1em;height:1em;background:#0072B2;...'
>>> legend([(swatch("#fff"), "<none>")], "Key").count('role="listitem"')
1
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from explorer.i18n import t
from explorer.printing.palette import AREA_EDGE, COVERAGE_COLOURS
from explorer.printing.styles import LEGEND_ITEM_STYLE, LEGEND_LIST_STYLE, swatch_style


def swatch(colour: str, *, edge: str = AREA_EDGE, edge_px: int = 1, dashed: bool = False,
           size_em: float = 1.1) -> str:
    """A square of ``colour`` with a ``edge_px`` solid (or dashed) ``edge``."""
    style = swatch_style(colour, edge=edge, edge_px=edge_px, dashed=dashed, size_em=size_em)
    return f'<span class="swatch" aria-hidden="true" style="{html.escape(style)}"></span>'


def legend(entries: Iterable[tuple[str, str]], label: str) -> str:
    """A list of (swatch markup from :func:`swatch`, plain text) named ``label``; the text
    is escaped here."""
    items = "".join(
        f'<span class="legend-item" role="listitem" style="{LEGEND_ITEM_STYLE}">'
        f"{mark}{html.escape(text)}</span>" for mark, text in entries)
    return (f'<div class="legend" role="list" aria-label="{html.escape(label)}" '
            f'style="{LEGEND_LIST_STYLE}">{items}</div>')


def coverage_legend(lang: str = "en") -> str:
    """The what-if map's key (the planner and the presenter view): covered in 2019, newly
    covered (dashed edge) and not covered."""
    return legend(((swatch(COVERAGE_COLOURS[k], size_em=1, edge_px=2 if k == "newly_covered"
                           else 1, dashed=k == "newly_covered"), t(f"whatif.class_{k}", lang))
                   for k in ("covered", "newly_covered", "not_covered")),
                  t("whatif.legend_label", lang))
