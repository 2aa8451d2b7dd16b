"""Maps in headless Chromium: a fresh install draws real Wales with no network, the status map
starts above the fold, the mouse wheel and touch scroll the page, and a reset-view button.

Servers and the browser come from ``conftest.py``; ``app_server`` is a fresh install (no
``MASH_BOUNDARIES``, an empty cache folder). Screenshots go to ``tests/browser/artifacts/``.
"""

from __future__ import annotations

import pytest

from .test_status_map import (
    ALLOWED_URL_PREFIXES,
    ARTIFACTS,
    MAP_IFRAME,
    map_frame,
    open_page,
    screenshot,
    wait_idle,
)

pytestmark = pytest.mark.browser

TITLE = "Multi-agency safeguarding hubs in Wales"
#: Vertices drawn for each authority's outline (Leaflet path commands), by code.
VERTICES_JS = """() => {
  const out = {};
  window.map.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.code && l._path
        && l._path.classList.contains('leaflet-interactive'))
      out[l.feature.properties.code] = (l._path.getAttribute('d').match(/[LM]/g) || []).length;
  });
  return out;
}"""


@pytest.fixture
def sized_page(browser, recorder):
    """``sized_page(width, height)``: a fresh context of that viewport size, recording."""
    contexts = []

    def make(width: int, height: int, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        tab = context.new_page()
        tab.on("request", lambda request: recorder.requests.append(request.url))
        tab.on("pageerror", lambda exc: recorder.page_errors.append(str(exc)))
        return tab

    yield make
    for context in contexts:
        context.close()


def zoom(frame) -> float:
    return frame.evaluate("window.map.getZoom()")


def main_scroll(page) -> float:
    """How far Streamlit's main area is scrolled (it scrolls inside its own container)."""
    return page.evaluate(
        """() => {
          let best = 0;
          for (const el of document.querySelectorAll('*'))
            if (el.scrollTop > best) best = el.scrollTop;
          return best + window.scrollY;
        }"""
    )


def test_fresh_install_draws_the_bundled_outlines_with_no_network(page, recorder, app_server):
    open_page(page, app_server.url, TITLE)
    frame = map_frame(page)
    vertices = frame.evaluate(VERTICES_JS)
    assert len(vertices) == 22 and all(code.startswith("W06") for code in vertices)
    # Real coastlines and borders: hundreds of vertices for Gwynedd, not a 4-corner tile.
    assert vertices["W06000002"] > 100 and min(vertices.values()) > 10
    assert frame.locator(".tile-label").count() == 0
    credit = frame.locator(".leaflet-control-attribution").inner_text()
    assert "Martin Chorley" in credit and "OGL v3.0" in credit
    caption = page.get_by_text("GeoJSON and TopoJSON UK Boundary Data by Martin Chorley")
    assert "Open Government Licence v3.0" in caption.inner_text()
    assert "/" not in credit and ".geojson" not in caption.inner_text()  # never a server path
    assert page.get_by_text("could not be used").count() == 0  # no notice on a fresh install
    outside = [url for url in recorder.requests if not url.startswith(ALLOWED_URL_PREFIXES)]
    assert outside == []
    screenshot(page, "status_bundled")


@pytest.mark.parametrize(("width", "height", "least_px"), [(1440, 900, 300), (1366, 768, 1)])
def test_status_map_starts_above_the_fold(sized_page, app_server, width, height, least_px):
    page = sized_page(width, height)
    open_page(page, app_server.url, TITLE)
    map_frame(page)
    box = page.locator(MAP_IFRAME).bounding_box()
    visible = min(box["y"] + box["height"], height) - box["y"]
    assert box["y"] >= 0 and visible >= least_px, (box, height)
    assert main_scroll(page) == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"fold_{width}x{height}.png"))


def test_wheel_scrolls_the_page_until_the_map_is_clicked(sized_page, app_server):
    page = sized_page(1366, 768)
    open_page(page, app_server.url, TITLE)
    frame = map_frame(page)
    box = page.locator(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + min(box["height"], 768 - box["y"]) / 2
    start_zoom = zoom(frame)
    page.mouse.move(x, y)
    page.mouse.wheel(0, 400)
    page.wait_for_timeout(600)
    assert zoom(frame) == start_zoom  # the map did not zoom ...
    assert main_scroll(page) > 0  # ... the page scrolled instead
    assert frame.locator(".mash-wheel-hint").inner_text().startswith("Click the map")
    # Ctrl + wheel zooms the map (and a trackpad pinch, which the browser reports so).
    page.evaluate("() => { for (const el of document.querySelectorAll('*')) el.scrollTop = 0; }")
    box = page.locator(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + min(box["height"], 768 - box["y"]) / 2
    page.mouse.move(x, y)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    frame.wait_for_function(f"window.map.getZoom() > {start_zoom}")
    # The reset-view button (a keyboard-operable link) returns to the first view.
    reset = frame.get_by_role("button", name="Reset view")
    reset.focus()
    page.keyboard.press("Enter")
    frame.wait_for_function(f"window.map.getZoom() === {start_zoom}")
    # Leaflet drops clicks while a zoom animation runs: let the reset finish first.
    frame.wait_for_function("!window.map._animatingZoom")
    page.wait_for_timeout(400)
    # After a click on the map, the wheel zooms it.
    wait_idle(page)
    page.evaluate("() => { for (const el of document.querySelectorAll('*')) el.scrollTop = 0; }")
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + box["width"] - 30, box["y"] + 40)  # England: no authority
    frame.wait_for_function("window.map.scrollWheelZoom.enabled()")
    assert page.locator(MAP_IFRAME).bounding_box()["y"] == box["y"]  # no jump on a click
    page.mouse.move(box["x"] + box["width"] - 60, box["y"] + 80, steps=4)  # still on the map
    assert frame.evaluate("window.map.scrollWheelZoom.enabled()")
    page.mouse.wheel(0, -300)
    frame.wait_for_function(f"window.map.getZoom() > {start_zoom}")


def test_touch_one_finger_is_for_the_page(sized_page, app_server):
    page = sized_page(390, 844, has_touch=True, is_mobile=True)
    open_page(page, app_server.url, TITLE)
    frame = map_frame(page)
    # One finger leaves the page to the browser (it scrolls); two fingers pan and zoom.
    assert frame.evaluate("window.map.dragging.enabled()") is False
    assert frame.evaluate("window.map.touchZoom.enabled()") is True
    touch_action = frame.evaluate(
        "getComputedStyle(window.map.getContainer()).touchAction")
    assert touch_action in ("pan-x pan-y", "pan-y pan-x")


def test_what_if_map_has_the_same_controls(page, app_server):
    page.goto(f"{app_server.url}/what-if")
    page.get_by_text("authorities covered").first.wait_for()
    wait_idle(page)
    frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    frame.wait_for_selector("path.leaflet-interactive")
    assert frame.get_by_role("button", name="Reset view").count() == 1
    assert frame.evaluate("window.map.scrollWheelZoom.enabled()") is False
