"""The app in headless Chromium: the map, real clicks and hovers, Welsh, network and safety.

Servers and the browser come from ``conftest.py``. Every test drives a fresh browser context.
Screenshots go to ``tests/browser/artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from explorer.data import DATA_DIR

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
WREXHAM, NEWPORT, CARDIFF = "W06000006", "W06000022", "W06000015"
HOSTILE_NAME = "<script>window.__pwned=1</script>Cardiff"
HOSTILE_HUB = '<img src=x onerror="window.__pwned=2">'
ALLOWED_URL_PREFIXES = ("http://127.0.0.1:", "data:", "blob:", "about:")

#: A point inside authority ``code`` on the map, in the iframe's viewport coordinates: the
#: centre of its bounds if the shape is there, else the first point of a grid over its bounds
#: where the authority's own (clickable) path is the topmost element.
POINT_IN_AUTHORITY_JS = """code => {
  const map = window.map;
  let layer = null;
  map.eachLayer(l => {
    if (!layer && l.feature && l.feature.properties && l.feature.properties.code === code
        && l._path && l._path.classList.contains('leaflet-interactive')) layer = l;
  });
  if (!layer) return null;
  const rect = map.getContainer().getBoundingClientRect();
  const b = layer.getBounds();
  const c = map.latLngToContainerPoint(b.getCenter());
  const sw = map.latLngToContainerPoint(b.getSouthWest());
  const ne = map.latLngToContainerPoint(b.getNorthEast());
  const points = [[c.x, c.y]];
  for (let i = 1; i < 12; i++)
    for (let j = 1; j < 12; j++)
      points.push([sw.x + (ne.x - sw.x) * i / 12, ne.y + (sw.y - ne.y) * j / 12]);
  for (const [x, y] of points) {
    if (document.elementFromPoint(rect.left + x, rect.top + y) === layer._path)
      return {x: rect.left + x, y: rect.top + y};
  }
  return null;
}"""
#: Each authority's tooltip text as built into the map (one per interactive layer).
TIPS_JS = """() => {
  const tips = {};
  window.map.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.tip && l._path
        && l._path.classList.contains('leaflet-interactive'))
      tips[l.feature.properties.code] = l.feature.properties.tip;
  });
  return tips;
}"""


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def wait_idle(page) -> None:
    """Wait until the app's script run has finished."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def open_page(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading, exact=True).wait_for()
    wait_idle(page)


def map_frame(page, n_areas: int = 22):
    """The map iframe's frame, once Leaflet has drawn ``n_areas`` clickable areas."""
    iframe = page.locator(MAP_IFRAME)
    iframe.wait_for()
    frame = iframe.element_handle().content_frame()
    frame.wait_for_function(
        "n => window.map && document.querySelectorAll('path.leaflet-interactive').length === n",
        arg=n_areas,
    )
    return frame


def point_in(page, code: str) -> tuple[float, float]:
    """A page point (for the mouse) inside authority ``code`` on the map."""
    iframe = page.locator(MAP_IFRAME)
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    assert box is not None and box["y"] >= 0
    assert box["y"] + box["height"] <= page.viewport_size["height"], "map not fully in view"
    # Asked until found: while the map is redrawn or pans (a loaded machine), no point of the
    # shape may be the topmost element for a moment.
    try:
        point = map_frame(page).wait_for_function(POINT_IN_AUTHORITY_JS, arg=code,
                                                  timeout=20_000).json_value()
    except PlaywrightTimeout:
        point = None
    assert point is not None, f"no visible point inside {code} on the map within 20 s"
    return box["x"] + point["x"], box["y"] + point["y"]


def click_authority(page, code: str) -> None:
    """A real mouse click on authority ``code`` in the map."""
    page.mouse.click(*point_in(page, code))


def hover_tooltip(page, code: str) -> str:
    """Hover authority ``code`` with the mouse; return the text of the tooltip shown."""
    x, y = point_in(page, code)
    page.mouse.move(x - 2, y - 2)
    page.mouse.move(x, y, steps=3)
    tooltip = map_frame(page).locator(".leaflet-tooltip")
    tooltip.wait_for()
    return tooltip.inner_text()


def details_heading(page, text: str):
    heading = page.get_by_role("heading", name=text, exact=True)
    heading.wait_for()
    wait_idle(page)
    return heading


def details_panel(page):
    """The bordered container holding the details of the chosen authority."""
    return page.locator("h2").locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")


def screenshot(page, name: str) -> Path:
    """A full-page screenshot; Streamlit scrolls inside its main area, so the viewport is
    first made as tall as that area's content."""
    height = page.evaluate(
        """() => {
          let best = document.documentElement;
          for (const el of document.querySelectorAll('*')) {
            const style = getComputedStyle(el);
            if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight
                && el.scrollHeight > best.scrollHeight) best = el;
          }
          return best.scrollHeight + (window.innerHeight - best.clientHeight);
        }"""
    )
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height + 40)})
    page.wait_for_timeout(400)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def trapped_errors(page) -> list[str]:
    """Errors trapped by the init script in the page and in every frame (the map iframe)."""
    errors = []
    for frame in page.frames:
        errors += frame.evaluate("() => window.__errors || []")
    return errors


# --------------------------------------------------------------------------------------------
# Status page
# --------------------------------------------------------------------------------------------


def test_status_page_draws_22_authorities(page, app_server):
    open_page(page, app_server.url, "Multi-agency safeguarding hubs in Wales")
    frame = map_frame(page)
    assert frame.locator("path.leaflet-interactive").count() == 22
    codes = frame.evaluate(TIPS_JS)
    assert len(codes) == 22 and all(code.startswith("W06") for code in codes)
    # Force outlines are drawn on top but are not clickable.
    assert frame.locator("path:not(.leaflet-interactive)").count() >= 1
    assert page.get_by_text("MASH tried and ended: 1 authority").is_visible()
    screenshot(page, "status_en")


def test_click_on_wrexham_opens_its_details(page, app_server):
    open_page(page, app_server.url, "Multi-agency safeguarding hubs in Wales")
    map_frame(page)
    click_authority(page, WREXHAM)
    details_heading(page, "Wrexham (Wrecsam)")
    panel = details_panel(page)
    assert "Status: MASH tried and ended" in panel.inner_text()
    assert page.get_by_role("radio", name="Wrexham", exact=True).is_checked()


def test_welsh_switch_changes_names_labels_and_tooltips(page, app_server):
    open_page(page, app_server.url, "Multi-agency safeguarding hubs in Wales")
    map_frame(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Cymraeg", exact=True).click()
    page.get_by_role("heading", name="Hybiau diogelu amlasiantaethol yng Nghymru").wait_for()
    wait_idle(page)
    assert page.get_by_role("radiogroup", name="Dewiswch awdurdod").count() == 1
    assert page.get_by_text("Cliciwch ar awdurdod ar y map, neu dewiswch un isod").count() == 1
    assert page.get_by_text("Cyfieithiadau drafft").count() == 1
    frame = map_frame(page)
    frame.wait_for_function(f"({TIPS_JS})()['{NEWPORT}'] === 'Casnewydd: MASH peilot'")

    click_authority(page, NEWPORT)
    details_heading(page, "Casnewydd (Newport)")
    assert "Statws: MASH peilot" in details_panel(page).inner_text()
    assert page.get_by_role("radio", name="Casnewydd", exact=True).is_checked()
    screenshot(page, "status_cy")
    assert hover_tooltip(page, WREXHAM) == "Wrecsam: MASH wedi'i dreialu a'i ddirwyn i ben"


def test_no_request_leaves_localhost(page, recorder, app_server):
    open_page(page, app_server.url, "Multi-agency safeguarding hubs in Wales")
    map_frame(page)
    click_authority(page, NEWPORT)
    details_heading(page, "Newport (Casnewydd)")
    hover_tooltip(page, NEWPORT)
    leaflet = "/component/mash_wales_explorer.leaflet/leaflet.js"  # from the XStatic package
    assert any(leaflet in url for url in recorder.requests)
    assert any("streamlit_folium" in url for url in recorder.requests)  # the iframe's own
    outside = [url for url in recorder.requests if not url.startswith(ALLOWED_URL_PREFIXES)]
    assert outside == []


def test_no_console_or_page_errors(page, recorder, app_server):
    open_page(page, app_server.url, "Multi-agency safeguarding hubs in Wales")
    map_frame(page)
    click_authority(page, WREXHAM)
    details_heading(page, "Wrexham (Wrecsam)")
    hover_tooltip(page, WREXHAM)
    assert recorder.console_errors == []
    assert recorder.page_errors == []
    assert trapped_errors(page) == []


# --------------------------------------------------------------------------------------------
# Hostile data and the tile fallback
# --------------------------------------------------------------------------------------------


def _replace_cell(path: Path, key_column: str, key: str, column: str, value: str) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    assert any(row[key_column] == key for row in rows)
    for row in rows:
        if row[key_column] == key:
            row[column] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def hostile_server(servers, tmp_path_factory):
    """The app on a copy of data/ where Cardiff's name is a script and its hub an image."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(DATA_DIR, data)
    _replace_cell(data / "authorities.csv", "code", CARDIFF, "name_en", HOSTILE_NAME)
    _replace_cell(data / "hubs.csv", "hub_id", "cardiff", "name", HOSTILE_HUB)
    return servers(MASH_DATA_DIR=str(data))


def test_hostile_names_are_shown_as_text_never_run(page, recorder, hostile_server):
    open_page(page, hostile_server.url, "Multi-agency safeguarding hubs in Wales")
    frame = map_frame(page)
    click_authority(page, CARDIFF)
    details_heading(page, f"{HOSTILE_NAME} (Caerdydd)")
    panel = details_panel(page)
    assert HOSTILE_HUB in panel.inner_text()
    assert page.get_by_text("<script>window.__pwned=1</script>", exact=False).first.is_visible()
    tip = hover_tooltip(page, CARDIFF)
    assert tip == f"{HOSTILE_NAME}: MASH operating"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert frame.evaluate("typeof window.__pwned") == "undefined"
    assert not any(url.endswith("/x") for url in recorder.requests)


def test_unusable_boundary_file_gives_bundled_outlines_and_a_short_notice(
        page, bad_boundaries_server):
    open_page(page, bad_boundaries_server.url, "Multi-agency safeguarding hubs in Wales")
    frame = map_frame(page)
    assert frame.locator(".tile-label").count() == 0  # real outlines, not the tile map
    notice = page.get_by_text("The boundary file chosen for this server could not be used")
    assert notice.inner_text() == ("The boundary file chosen for this server could not be "
                                   "used, so the map shows the boundaries bundled with the app.")
    page.get_by_text("Details", exact=True).click()
    details = page.get_by_text("MASH_BOUNDARIES names nonexistent.geojson, which does not exist")
    details.wait_for()
    assert "/nonexistent" not in page.locator("[data-testid='stMain']").inner_text()
    screenshot(page, "status_bad_boundaries")


# --------------------------------------------------------------------------------------------
# Other pages: they load, show their content, and are screenshot
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "heading", "text"),
    [
        pytest.param("forces", "Police forces", "Dyfed-Powys Police", id="forces"),
        pytest.param("timeline", "Timeline, 2014 to 2019/20",
                     "North Wales Police trials a MASH in Wrexham", id="timeline"),
        pytest.param("table", "All 22 authorities", "Download CSV", id="table"),
        pytest.param("sources", "Sources and definitions", "31 May 2019", id="sources"),
    ],
)
def test_page_loads_without_errors(page, recorder, app_server, path, heading, text):
    open_page(page, f"{app_server.url}/{path}", heading)
    page.get_by_text(text).first.wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, path)
    assert recorder.console_errors == [] and recorder.page_errors == []


# --------------------------------------------------------------------------------------------
# Readable at a glance: all of Wales in the first view at every width, names never overlap
# --------------------------------------------------------------------------------------------
#: Codes of the authorities not wholly inside the map's first view.
OUT_OF_VIEW_JS = """() => {
  const view = window.map.getBounds(), out = [];
  window.map.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.code && l.getBounds
        && l._path && l._path.classList.contains('leaflet-interactive')
        && !view.contains(l.getBounds())) out.push(l.feature.properties.code);
  });
  return out;
}"""
#: Pairs of names on the map whose boxes overlap on screen.
NAME_OVERLAPS_JS = """() => {
  const r = [...document.querySelectorAll('.map-name')].map(e => e.getBoundingClientRect());
  const out = [];
  for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++)
    if (r[i].left < r[j].right - 1 && r[j].left < r[i].right - 1
        && r[i].top < r[j].bottom - 1 && r[j].top < r[i].bottom - 1) out.push([i, j]);
  return {names: r.length, overlaps: out};
}"""


@pytest.mark.parametrize("style", ["geographic", "tiles"])
@pytest.mark.parametrize("width", [390, 768, 1400])
def test_all_of_wales_is_in_the_first_view_at_every_width(browser, app_server, width, style):
    context = browser.new_context(viewport={"width": width, "height": 844},
                                  is_mobile=width < 500, has_touch=width < 500)
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        suffix = "?map=tiles" if style == "tiles" else ""
        open_page(tab, f"{app_server.url}/{suffix}", "Multi-agency safeguarding hubs in Wales")
        frame = map_frame(tab)
        frame.wait_for_function("() => window.map && !window.map._animatingZoom")
        assert frame.evaluate(OUT_OF_VIEW_JS) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_names_on_the_projector_map_never_overlap(browser, app_server, lang):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(60_000)
    try:
        tab = context.new_page()
        tab.goto(f"{app_server.url}/?workshop=1&names=1&lang={lang}")
        tab.locator("h1").first.wait_for()
        # The date is on the projected page itself, above the map, not only in the sidebar.
        date = tab.locator("p.as-at").first
        date.wait_for(state="visible")
        header = tab.locator('[data-testid="stHeader"]').bounding_box()
        box = date.bounding_box()
        assert box and header and box["y"] >= header["y"] + header["height"]  # not under it
        frame = map_frame(tab)
        frame.wait_for_function("document.querySelectorAll('.map-name').length === 22")
        found = frame.evaluate(NAME_OVERLAPS_JS)
        assert found == {"names": 22, "overlaps": []}
        assert frame.locator("path.leaflet-interactive").count() == 22
    finally:
        context.close()
