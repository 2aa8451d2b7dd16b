"""The printable briefing printed to PDF by headless Chromium, as a board secretary would print
it from the browser: one A4 page for a typical scenario; a long one breaks between rows with
the table header repeated, and every page numbered."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from explorer.coverage import evaluate_scenario
from explorer.data import load_dataset
from explorer.presets import load_presets
from explorer.printing.briefing import briefing_html
from explorer.printing.svg_map import briefing_svg
from geo import maps
from geo.boundaries import load_tiles, obtain_boundaries
from geo.layers import label_points

pypdf = pytest.importorskip("pypdf")
pytestmark = pytest.mark.browser

DS = load_dataset()
PRESETS = {p.key: p.scenario for p in load_presets(DS)}


@pytest.fixture(scope="module", params=["geographic", "tiles"])
def geometry(request, tmp_path_factory):
    """(GeoJSON, hub anchor points, attribution): the bundled real boundaries and the tile
    map, each as the what-if page would draw them."""
    if request.param == "tiles":
        bset = load_tiles()
        return bset.geojson, maps.anchor_points(DS.authorities, label_points(bset.geojson)), \
            bset.attribution
    bset = obtain_boundaries(env={"MASH_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))})
    assert not bset.is_tiles
    return bset.geojson, maps.anchor_points(DS.authorities, None), bset.credit


def print_pdf(page, geometry, key: str, lang: str = "en") -> pypdf.PdfReader:
    geojson, points, attribution = geometry
    s = PRESETS[key]
    result = evaluate_scenario(s, DS)
    html = briefing_html(s, result, DS, briefing_svg(geojson, result, DS, points, lang),
                         attribution=attribution, lang=lang,
                         app_url="http://127.0.0.1:8501/what-if", prepared=dt.date(2025, 3, 2))
    page.set_content(html)
    return pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True,
                                               print_background=True)))


@pytest.mark.parametrize(("key", "lang"), [("may_2019", "en"), ("mid_west_wales_regional", "en"),
                                           ("mid_west_wales_regional", "cy")])
def test_a_typical_scenario_prints_on_one_a4_page(page, recorder, geometry, key, lang):
    pdf = print_pdf(page, geometry, key, lang)
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = pdf.pages[0].extract_text()
    footer = {"en": ("Prepared 2 March 2025", "Page 1 of 1"),
              "cy": ("Paratowyd 2 Mawrth 2025", "Tudalen 1 o 1")}[lang]
    assert all(part in text for part in footer), text[-300:]
    assert "scenario=" in text  # the link that reopens it
    assert recorder.requests == []  # nothing fetched: the paper is self-contained


def test_a_long_scenario_breaks_cleanly_with_the_header_on_every_page(page, geometry):
    pdf = print_pdf(page, geometry, "every_authority")
    n = len(pdf.pages)
    assert n > 1
    texts = [p.extract_text() for p in pdf.pages]
    for i, text in enumerate(texts, start=1):
        assert f"Page {i} of {n}" in text and "Prepared 2 March 2025" in text
    for text in texts[1:]:  # table pages after the first repeat the header row
        if "MASH in each" in text:
            for label in ("Hub", "Model", "Host", "Population", "Safeguarding"):
                assert label in text, (label, text[:300])
    # Every authority's row is printed, and only once (a row split across pages would show
    # up on the page images, which were looked at; the CSS that prevents it is unit-tested).
    result = evaluate_scenario(PRESETS["every_authority"], DS)
    for r in result.per_authority:
        figure = f"{r.population:,}"
        pages = [t for t in texts if figure in t]
        assert len(pages) == 1, (r.name, figure)
