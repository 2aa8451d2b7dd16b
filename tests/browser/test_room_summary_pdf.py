"""The workshop room's printed summary (board papers), printed to PDF by headless Chromium as
a secretary would print it, then read back page by page with poppler's ``pdftotext``: no
heading is the last line of a page, the map has its key, the authorities are listed by how
many entries cover them, and each entry's hubs are described."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from explorer.data import load_dataset
from explorer.i18n import t
from explorer.presets import load_presets
from explorer.printing.room_summary import summary_html
from explorer.printing.svg_map import coverage_svg
from explorer.rooms import Board, Entry, Room
from explorer.rooms.report import coverage_counts, entry_figures
from explorer.scenario import dumps_scenario
from geo import maps
from geo.boundaries import load_tiles
from geo.layers import label_points

pytestmark = pytest.mark.browser
if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
    pytest.skip("poppler-utils (pdftotext, pdfinfo) is missing", allow_module_level=True)

DS = load_dataset()
PRESETS = load_presets(DS)
T = datetime(2019, 5, 31, 9, 30, tzinfo=UTC)


def summary(n: int, lang: str) -> str:
    """A revealed, locked room of ``n`` entries cycling through the presets, with its map."""
    entries = tuple(
        Entry(i, i, f"Member {i} Siân", dumps_scenario(PRESETS[i % len(PRESETS)].scenario),
              False, T, T, i % 4) for i in range(1, n + 1))
    room = Room("ABC234", "Mid and West Wales board", T, T, True, True, 7, T)
    board = Board(room, entries, n + 2, True)
    bset = load_tiles()
    points = maps.anchor_points(DS.authorities, label_points(bset.geojson))
    counts = coverage_counts(entry_figures(board, DS), DS)
    svg = coverage_svg(bset.geojson, maps.count_fills(counts, n), (), points,
                       names={c: str(v) for c, v in counts.items() if v}, title=room.name)
    return summary_html(board, DS, lang=lang, map_svg=svg, attribution=bset.attribution, now=T)


def pages_of(pdf_path, *options: str) -> list[list[str]]:
    """Each page's non-empty lines (``pdftotext`` one page at a time; reading order, or as laid
    out with ``-layout``)."""
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True,
                          check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    out = []
    for i in range(1, count + 1):
        text = subprocess.run(["pdftotext", *options, "-f", str(i), "-l", str(i),
                               str(pdf_path), "-"],
                              capture_output=True, text=True, check=True).stdout
        out.append([line.strip() for line in text.splitlines() if line.strip()])
    return out


# 20 entries stranded "How many entries cover each authority" at the foot of page 2 before.
@pytest.mark.parametrize(("n", "lang"), [(4, "en"), (12, "en"), (20, "en"), (25, "en"),
                                         (12, "cy")])
def test_printed_summary_pages(page, tmp_path, n, lang):
    page.set_content(summary(n, lang))
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    pages = pages_of(pdf)
    assert len(pages) >= (2 if n >= 12 else 1)
    headings = {"Mid and West Wales board", t("room.summary_entries", lang),
                t("room.coverage_counts", lang), t("room.summary_hubs", lang)}
    for number, lines in enumerate(pages, start=1):
        assert lines[-1] not in headings, f"page {number} ends with the heading {lines[-1]!r}"
    text = [line for lines in pages for line in lines]
    joined = " ".join(text)  # cells wrap over several lines
    # The map's key, in words (meaning not by colour alone), on the same page as the map.
    map_page = next(lines for lines in pages if t("room.coverage_counts", lang) in lines)
    assert t("room.legend_title", lang) in " ".join(map_page)
    for i in range(5):
        assert t(f"workshop.legend_{i}", lang) in map_page
    # Authorities listed by how many entries cover them, most first (the table as laid out:
    # each row ends "<authority>   <count>").
    index = pages.index(map_page)
    laid_out = pages_of(pdf, "-layout")[index]
    listed = []
    for line in laid_out:
        for a in DS.authorities:
            if m := re.search(rf"(?:^|\s){re.escape(a.name(lang))}\s+(\d+)$", line):
                listed.append((a.code, int(m.group(1))))
    assert len(listed) == 22, laid_out
    assert [c for _, c in listed] == sorted((c for _, c in listed), reverse=True)
    entries = tuple(Entry(i, i, "x", dumps_scenario(PRESETS[i % len(PRESETS)].scenario), False,
                          T, T, 0) for i in range(1, n + 1))
    counts = coverage_counts(entry_figures(Board(Room("ABC234", "x", T, T, True, True, 7, T),
                                                 entries, n + 2, True), DS), DS)
    assert dict(listed) == counts
    # Each entry's hubs described, with model and host.
    regional = t("figures.model_regional", lang)
    assert f"Mid and West Wales MASH: {regional}" in joined
    assert t("figures.no_hubs", lang) in joined  # the reference row says what it is
