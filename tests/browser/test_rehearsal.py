"""The workshop rehearsal (issue 12) in a real browser: a language switch keeps the scenario,
the projector sees the whole map, keyboard focus stays where the user works, and a reload
keeps what a projector needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from explorer.data import load_dataset
from explorer.scenario import decode_share, encode_share, load_scenario_file

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DS = load_dataset()
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def preset(name: str):
    return load_scenario_file(REPO / f"data/scenarios/{name}.json", DS)


def scenario_in_url(page):
    query = page.evaluate("new URLSearchParams(location.search).get('scenario')")
    return decode_share(query, DS)


def wait_for_map(page) -> None:
    frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    frame.wait_for_selector("path.leaflet-interactive")


def test_language_switches_keep_the_scenario(browser, app_server):
    s = preset("north_wales_regional")
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(f"{app_server.url}/what-if?scenario={encode_share(s)}")
        page.get_by_text("11 of 22 authorities covered").first.wait_for()
        sidebar = page.locator("[data-testid='stSidebar']")
        for lang, headline in (("Cymraeg", "11 o 22 awdurdod wedi'u cwmpasu"),
                               ("English", "11 of 22 authorities covered"),
                               ("Cymraeg", "11 o 22 awdurdod wedi'u cwmpasu")):
            sidebar.get_by_text(lang, exact=True).click()
            page.get_by_text(headline).first.wait_for()
            page.wait_for_timeout(500)
            assert scenario_in_url(page) == s, lang
        # Member chips are in Welsh now, and renaming the scenario keeps every member.
        assert page.get_by_text("Sir Ddinbych").first.is_visible()
        name = page.get_by_label("Enw'r senario")
        name.fill("Gogledd Cymru")
        name.press("Enter")
        page.wait_for_function("new URLSearchParams(location.search).get('scenario') !== null")
        page.wait_for_timeout(1000)
        after = scenario_in_url(page)
        assert after.name == "Gogledd Cymru" and after.hubs == s.hubs
        assert page.evaluate("new URLSearchParams(location.search).get('lang')") == "cy"
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/what-if"])
def test_projector_sees_the_whole_map_with_the_sidebar_closed(browser, app_server, path):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(f"{app_server.url}{path}?workshop=1")
        page.locator("h1").first.wait_for()
        wait_for_map(page)
        page.wait_for_timeout(1000)
        box = page.locator(MAP_IFRAME).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 1080, box
        sidebar = page.locator("[data-testid='stSidebar']")
        assert sidebar.get_attribute("data-collapsed") == "true"
        # A reload keeps workshop mode (it is in the URL).
        page.reload()
        page.locator("h1").first.wait_for()
        assert "workshop=1" in page.url
        assert page.locator("[data-testid='stSidebar']").get_attribute("data-collapsed") \
            == "true"
    finally:
        context.close()


def test_keyboard_focus_follows_add_and_remove(page, app_server):
    page.goto(f"{app_server.url}/what-if")
    page.get_by_text("authorities covered").first.wait_for()
    add = page.get_by_role("button", name="Add a hub")
    add.focus()
    page.keyboard.press("Enter")
    hub_name = page.get_by_label("Hub name")
    hub_name.first.wait_for()
    page.wait_for_function(
        "document.activeElement && document.activeElement.closest('[class*=\"st-key-wi_h\"]')"
        " && document.activeElement.tagName === 'INPUT'")
    assert page.evaluate("document.activeElement.value") == "New hub"
    # A second hub, then remove the first: focus goes to the remaining hub's name.
    page.get_by_role("button", name="Add a hub").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.value"
                           " === 'New hub 2'")
    page.get_by_role("button", name="Remove hub").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.value"
                           " === 'New hub 2'")
    # Remove the last hub: focus goes to "Add a hub".
    page.get_by_role("button", name="Remove hub").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.innerText"
                           " && document.activeElement.innerText.includes('Add a hub')")


def test_reload_keeps_language_and_saved_comparisons(page, app_server):
    page.goto(f"{app_server.url}/what-if?lang=cy")
    page.get_by_text("o 22 awdurdod wedi'u cwmpasu").first.wait_for()
    page.get_by_role("tab", name="Cymharu").click()
    page.get_by_role("button", name="Cadw i'w gymharu").click()
    page.wait_for_function("new URLSearchParams(location.search).get('saved') !== null")
    page.reload()
    page.get_by_text("o 22 awdurdod wedi'u cwmpasu").first.wait_for()
    page.get_by_role("tab", name="Cymharu").click()
    # The saved scenario is still there: the side-by-side table shows.
    page.locator("[data-testid='stDataFrame']").first.wait_for()
