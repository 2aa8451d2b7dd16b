"""Deep links on a freshly started server get the whole app (issue 11).

Each case starts its own server, so the deep link is the first thing that server ever runs (as
when a facilitator starts the app, or Community Cloud wakes it, and sends a link). The first and
the second visitor must both get the app's own navigation and sidebar, the right page, and the
link's state (scenario, language). This fails if Streamlit changes how it runs a page of an app
with a ``pages/`` folder before ``st.navigation`` has been called (see ``pages/ui/shell.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from explorer.data import load_dataset
from explorer.i18n import t
from explorer.scenario import encode_share, load_scenario_file
from pages.ui.shell import PAGE_SPECS

from .conftest import VIEWPORT, Server, boundaries_setting, start_server, stop_server

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DS = load_dataset()
#: The sidebar's page links, in order, from the shell's one list of pages and the messages.
NAV_EN = [t(f"nav.{key}", "en") for key, _path, _url, _icon, section in PAGE_SPECS if section]
NAV_CY = [t(f"nav.{key}", "cy") for key, _path, _url, _icon, section in PAGE_SPECS if section]
#: File names Streamlit's automatic navigation would show instead.
RAW_NAMES = ["app", "status map", "what-if", "forces", "table"]


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Server]:
    server = start_server(REPO / "app.py", {"MASH_BOUNDARIES": boundaries_setting(),
                                            "MASH_CACHE_DIR": str(tmp_path / "cache"),
                                            "MASH_STATE_DIR": str(tmp_path / "state")},
                          log_path=tmp_path / "streamlit.log")
    try:
        yield server
    finally:
        stop_server(server)


def sidebar_links(page, count: int) -> list[str]:
    links = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink'] a")
    links.nth(count - 1).wait_for()
    # The label follows the icon (a font ligature, whose name is its text).
    return [text.strip().split("\n")[-1] for text in links.all_inner_texts()]


def north_wales_token() -> str:
    return encode_share(load_scenario_file(REPO / "data/scenarios/north_wales_regional.json", DS))


CASES = {
    "what-if": ("/what-if?scenario={token}", "11 of 22 authorities covered", NAV_EN),
    "what-if-cy": ("/what-if?scenario={token}&lang=cy", "11 o 22 awdurdod wedi'u cwmpasu",
                   NAV_CY),
    "forces": ("/forces", "Dyfed-Powys Police", NAV_EN),
    "table": ("/table?lang=cy", "Pob un o'r 22 awdurdod", NAV_CY),
}


@pytest.mark.parametrize("case", list(CASES))
def test_deep_link_is_the_whole_app_for_the_first_and_second_visitor(browser, fresh_server,
                                                                     case):
    path, expected, nav = CASES[case]
    url = fresh_server.url + path.format(token=north_wales_token())
    for visitor in ("first", "second"):
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        try:
            page = context.new_page()
            page.goto(url)
            page.get_by_text(expected).first.wait_for()
            assert sidebar_links(page, len(nav)) == nav, visitor
            # The settings come before the links in the run, but a browser with nothing cached
            # draws radios and toggles from code it loads on first use (Streamlit shows an
            # stSkeleton meanwhile): for a few tens of ms (once in CI, long enough to be read)
            # the links were drawn and the settings not.
            sidebar = page.locator("[data-testid='stSidebar']")
            sidebar.get_by_text("Cymraeg", exact=True).wait_for()
            sidebar = sidebar.inner_text().lower()
            assert "english" in sidebar and "cymraeg" in sidebar, visitor
            # Streamlit's automatic navigation (file names) never shows.
            auto = page.locator("[data-testid='stSidebarNav']")
            assert auto.count() == 0 or not any(
                name in auto.inner_text().lower() for name in RAW_NAMES), visitor
            # The app's page title, not the script name.
            assert page.title().endswith("MASH Wales explorer") or "MASH" in page.title()
            if case.startswith("what-if"):
                query = page.evaluate("location.search")
                assert "scenario=" in query, visitor
                if case == "what-if-cy":
                    assert "lang=cy" in query
        finally:
            context.close()


ROOM_CASES = {
    # The join link (a member's first visit), the board, and the board in Welsh.
    "join": ("/what-if?room={code}&scenario={token}", "Workshop room {code}", NAV_EN),
    "board": ("/workshop?room={code}", "Cold start board", NAV_EN),
    "board-cy": ("/workshop?room={code}&lang=cy", "Cod ymuno", NAV_CY),
}


@pytest.mark.parametrize("case", list(ROOM_CASES))
def test_room_links_on_a_fresh_server(browser, fresh_server, tmp_path, case):
    from explorer import rooms
    from explorer.storage import db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'state' / 'rooms.db'}")
    db.upgrade(engine)
    code = rooms.create_room(engine, "Cold start board").room.code
    engine.dispose()
    path, expected, nav = ROOM_CASES[case]
    url = fresh_server.url + path.format(code=code, token=north_wales_token())
    for visitor in ("first", "second"):
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        try:
            page = context.new_page()
            page.goto(url)
            page.get_by_text(expected.format(code=code)).first.wait_for()
            assert sidebar_links(page, len(nav)) == nav, visitor
            assert f"room={code}" in page.evaluate("location.search"), visitor
            if case == "join":
                page.get_by_text("11 of 22 authorities covered").first.wait_for()
        finally:
            context.close()
