"""The Compare panel's pure parts (pages/ui/rooms/compare.py): which ticked rows are entries,
and the side-by-side table as escaped text."""

from __future__ import annotations

from types import SimpleNamespace

from explorer.data import load_dataset
from explorer.rooms.report import compare_rows, entry_figures
from pages.ui.rooms.compare import table_html, ticked
from tests.unit.test_board_papers import board, entry, mid_west

DS = load_dataset()
HOSTILE = "<img src=x onerror=alert(1)> **b**"


def test_ticked_rows_skip_the_reference_and_rows_that_are_gone():
    figures = entry_figures(board(entry(1, "A", mid_west()), entry(2, "B", mid_west(45.0))), DS)
    event = SimpleNamespace(selection=SimpleNamespace(rows=[2, 0, 7, 1]))
    assert [f.entry.author for f in ticked(event, figures)] == ["A", "B"]
    assert ticked(None, figures) == []


def test_table_html_escapes_every_cell():
    figures = entry_figures(board(entry(1, HOSTILE, mid_west())), DS)
    page = table_html(compare_rows(figures, DS))
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt; **b**" in page
    assert page.count('<th scope="col">') == 3 and page.count('<th scope="row">') == 8 + 22
