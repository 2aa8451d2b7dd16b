"""The what-if planner in headless Chromium: share links, hostile names, map updates without
a remount, upload, and downloads from the real server on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from explorer.data import load_dataset
from explorer.scenario import encode_share, load_scenario_file, parse_scenario

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DS = load_dataset()
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def open_planner(page, server, token: str | None = None):
    url = f"{server.url}/what-if" + (f"?scenario={token}" if token else "")
    page.goto(url)
    page.get_by_text("authorities covered").first.wait_for()
    frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    frame.wait_for_selector("path.leaflet-interactive")
    return frame


def headline(page) -> str:
    return page.locator("h2").filter(has_text="authorities covered").first.inner_text()


def click_authority(page, frame, code: str) -> None:
    """A real mouse click inside the authority's shape (a point where its own path is on top,
    found through Leaflet's layer: the centre of its bounds can be sea)."""
    from tests.browser.test_status_map import POINT_IN_AUTHORITY_JS

    point = frame.evaluate(POINT_IN_AUTHORITY_JS, code)
    assert point is not None, f"no visible point inside {code}"
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_share_link_restores_the_scenario_in_a_fresh_browser(page, app_server, recorder):
    s = load_scenario_file(REPO / "data/scenarios/north_wales_regional.json", DS)
    open_planner(page, app_server, encode_share(s))
    assert headline(page) == "11 of 22 authorities covered"
    assert page.get_by_label("Scenario name").input_value() == s.name
    # The copy-link box holds a link that reproduces this scenario (tabs run when opened).
    page.get_by_role("tab", name="Share").click()
    link = page.locator("code").filter(has_text="?scenario=").first.inner_text().strip()
    assert link.startswith(app_server.url) and link.endswith(encode_share(s) + "&asat=1")
    outside = [u for u in recorder.requests if not u.startswith(("http://127.0.0.1", "data:",
                                                                  "blob:", "about:"))]
    assert outside == []


def test_a_share_link_opened_first_on_a_cold_server_shows_no_error_dialog(browser, tmp_path):
    from tests.browser.conftest import boundaries_setting, start_server, stop_server

    s = load_scenario_file(REPO / "data/scenarios/gwent_regional.json", DS)
    server = start_server(REPO / "app.py", {"MASH_BOUNDARIES": boundaries_setting(),
                                            "MASH_CACHE_DIR": str(tmp_path / "cache")})
    context = browser.new_context()
    try:
        page = context.new_page()
        open_planner(page, server, encode_share(s))
        page.wait_for_timeout(1000)
        assert page.get_by_text("Page not found").count() == 0
        assert headline(page) == "9 of 22 authorities covered"
    finally:
        context.close()
        stop_server(server)


def test_tampered_link_warns_and_shows_may_2019(page, app_server):
    token = encode_share(parse_scenario({"name": "x", "hubs": []}, DS))
    open_planner(page, app_server, token[:-4] + "Zm9v")
    page.get_by_text("could not be opened").wait_for()
    assert headline(page) == "5 of 22 authorities covered"


def test_hostile_hub_name_never_runs(page, app_server):
    evil = '<img src=x onerror="window.__pwned=1;alert(1)">'
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    s = parse_scenario({"name": evil, "max_travel_km": 30, "hubs": [
        {"name": evil, "model": "regional", "authorities": ["Powys", "Ceredigion"],
         "host": "Powys"}]}, DS)
    frame = open_planner(page, app_server, encode_share(s))
    # Shown as text: in the left-out line (Ceredigion is beyond 30 km) and the per-hub table.
    page.get_by_text("(hub <img src=x", exact=False).first.wait_for()
    page.wait_for_timeout(1000)
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert frame.evaluate("window.__pwned") is None


def test_changing_a_hub_updates_the_map_without_remounting_it(page, app_server):
    s = parse_scenario({"name": "Grow", "hubs": [
        {"name": "Mid", "model": "regional", "authorities": ["Powys"], "host": "Powys"}]}, DS)
    frame = open_planner(page, app_server, encode_share(s))
    assert headline(page) == "6 of 22 authorities covered"
    frame.evaluate("window.__same_document = true")
    # Clicking the map adds an authority to the hub chosen below the hub list.
    click_authority(page, frame, "W06000008")  # Ceredigion
    page.get_by_text("7 of 22 authorities covered").wait_for()
    assert frame.evaluate("window.__same_document") is True  # the iframe was not reloaded
    # The overlay now fills both areas (the areas themselves are restyled, not drawn again)
    # and draws one host-to-member line and the host's circle.
    frame.wait_for_function("""() => {
        const fill = {};
        window.map.eachLayer(l => { if (l.feature && l.feature.properties.code && l._path)
            fill[l.feature.properties.code] = l._path.getAttribute('fill'); });
        return fill['W06000008'] === '#009E73' && fill['W06000023'] === '#009E73'
            && document.querySelectorAll('.leaflet-overlay-pane path:not(.leaflet-interactive)')
                .length === 2;
    }""")


def test_upload_a_scenario_and_a_bad_file(page, app_server, tmp_path):
    open_planner(page, app_server)
    page.get_by_role("tab", name="Share").click()
    good = tmp_path / "gwent.json"
    good.write_text((REPO / "data/scenarios/gwent_regional.json").read_text())
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_text("9 of 22 authorities covered").wait_for()
    bad = tmp_path / "broken.json"
    bad.write_text('{"name": "x", "hubs": [{"name": "h", "model": "hexagonal"}]}')
    page.get_by_role("tab", name="Share").click()
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_text("That file was not opened").wait_for()
    assert "broken.json" in page.get_by_text("That file was not opened").inner_text()
    assert headline(page) == "9 of 22 authorities covered"  # nothing lost


def test_the_uploader_states_only_our_limit(page, app_server):
    """Issue 22: the uploader said "1MB per file" beside the label's 256 KB limit."""
    open_planner(page, app_server)
    page.get_by_role("tab", name="Share").click()
    page.get_by_text("up to 256 KB").first.wait_for()
    assert page.get_by_text("per file").filter(visible=True).count() == 0


def test_downloads_from_the_server(page, app_server):
    s = load_scenario_file(REPO / "data/scenarios/mid_west_wales_regional.json", DS)
    open_planner(page, app_server, encode_share(s))
    page.get_by_role("tab", name="Share").click()

    def fetch(label: str) -> str:
        with page.expect_download() as info:
            page.get_by_role("button", name=label).click()
        return Path(info.value.path()).read_text(encoding="utf-8")

    scenario = json.loads(fetch("Scenario (JSON)"))
    assert scenario["name"] == s.name and scenario["hubs"][0]["host"] == "W06000010"
    rows = list(csv.DictReader(io.StringIO(fetch("Result per authority (CSV)"))))
    assert len(rows) == 22
    assert sum(r["covered"] == "yes" for r in rows) == 9
    briefing = fetch("Printable briefing (HTML)")
    assert "9 of 22 authorities covered" in briefing and "<svg" in briefing
    assert "<script" not in briefing
    # The paper carries the link that reopens the scenario (the page's address is read during
    # the page run: the deferred download runs outside it).
    assert f"{app_server.url}/what-if?scenario={encode_share(s)}" in briefing
