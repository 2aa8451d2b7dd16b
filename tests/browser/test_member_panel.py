"""The member's panel in the planner at 1366x768 (found in the workshop rehearsal): after
Send, "Send again (replaces my entry)", "Withdraw my entry" and "Open the board" are read in
full, in English and in Welsh (three columns cut them to "Send …", "With…", "Open the")."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer import rooms
from explorer.data import load_dataset
from explorer.scenario import encode_share, load_scenario_file
from explorer.storage import db

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DS = load_dataset()
GWENT = load_scenario_file(REPO / "data/scenarios/gwent_regional.json", DS)

#: Every button and page link in the member panel whose text is cut (wider than its box).
CUT_JS = """() => [...document.querySelectorAll(
    '[class*="st-key-"] button, [class*="st-key-"] [data-testid="stPageLink"] a')]
  .filter(el => el.closest('[data-testid="stVerticalBlockBorderWrapper"], [class*="st-key-"]'))
  .flatMap(el => [...el.querySelectorAll('p, span')].filter(
      t => t.children.length === 0 && t.innerText.trim()
           && t.scrollWidth > t.clientWidth + 1).map(t => t.innerText))"""


@pytest.fixture(scope="module")
def site(servers, tmp_path_factory):
    folder = tmp_path_factory.mktemp("panel-rooms")
    server = servers(MASH_STATE_DIR=str(folder))
    engine = db.make_engine(f"sqlite:///{folder / db.DB_FILE_NAME}")
    db.upgrade(engine)
    return server, engine


@pytest.mark.parametrize(("lang", "labels"), [
    ("en", ("Send again (replaces my entry)", "Withdraw my entry", "Open the board")),
    ("cy", None),
])
def test_member_actions_are_not_cut_at_1366(browser, site, lang, labels):
    server, engine = site
    code = rooms.create_room(engine, f"Panel {lang}").room.code
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/what-if?room={code}&lang={lang}"
                  f"&scenario={encode_share(GWENT)}")
        page.locator("[data-testid='stPageLink']").last.wait_for()
        page.get_by_role("button", name="Send to room" if lang == "en"
                         else "Anfon i'r ystafell").click()
        page.get_by_role("button", name="Withdraw my entry" if lang == "en"
                         else "Tynnu fy nghais yn ôl").wait_for()
        page.wait_for_timeout(500)
        if labels:
            for label in labels:
                assert page.get_by_text(label, exact=True).first.is_visible()
        cut = page.evaluate(CUT_JS)
        assert cut == [], cut
    finally:
        context.close()
