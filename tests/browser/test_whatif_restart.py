"""The planner's body is a fragment (an edit reruns only the planner). After a server restart
Streamlit's page reconnects to a new session that never drew that fragment and would drop the
edit; the page's guard (pages/ui/rerun_guard.py) sends it as a whole-page run, and the link's
widget numbering (``wk``) makes the new session's widgets the browser's. Here a real server is
killed and started again under an open planner whose hubs are not numbered as a fresh session
would number them (a hub was removed), and the edit made after the restart is shown and kept."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from explorer.data import load_dataset
from explorer.scenario import HubSpec, Scenario, decode_share, encode_share

from .conftest import VIEWPORT

pytestmark = pytest.mark.browser

DS = load_dataset()
TWO_HUBS = Scenario("Test scenario A", (
    HubSpec("Test hub A", "per_authority", ("W06000023",), None),
    HubSpec("Test hub B", "per_authority", ("W06000008",), None)))
STATUS_JS = """() => {
  const w = document.querySelector('[data-testid="stStatusWidget"]');
  return w ? w.innerText : '';
}"""


def linked(page) -> tuple[Scenario, str | None]:
    """The scenario and widget numbering the page's address carries now."""
    query = parse_qs(urlsplit(page.url).query)
    return decode_share(query["scenario"][0], DS), (query.get("wk") or [None])[0]


def wait_linked(page, check, what: str, timeout_s: float = 60) -> Scenario:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        scenario, _wk = linked(page)
        if check(scenario):
            return scenario
        page.wait_for_timeout(200)
    raise AssertionError(f"{what}: the link says {linked(page)}")


def test_an_edit_after_the_server_restarts_is_shown_and_kept(browser, tmp_path):
    from . import conftest

    env = {"MASH_STATE_DIR": str(tmp_path / "state"), "MASH_CACHE_DIR": str(tmp_path / "cache"),
           "MASH_BOUNDARIES": conftest.boundaries_setting()}
    first = conftest.start_server(conftest.REPO / "app.py", env, log_path=tmp_path / "a.log")
    second = None
    try:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        page = context.new_page()
        opened: list[float] = []
        page.on("websocket", lambda _ws: opened.append(time.monotonic()))
        page.goto(f"{first.url}/what-if?scenario={encode_share(TWO_HUBS)}")
        page.get_by_text("authorities covered").first.wait_for()
        # Hub A's own button (by its widget key: draft version 1, hub id 0, English).
        page.locator(".st-key-wi_h0_remove_1_en button").click()
        wait_linked(page, lambda s: [h.name for h in s.hubs] == ["Test hub B"], "removed")
        assert linked(page)[1] == "1.1.2"  # not the numbering a fresh session would guess

        t0 = time.monotonic()
        second = conftest.restart_in_place(first, env, tmp_path / "b.log")
        deadline = time.monotonic() + 120
        while not (any(t > t0 for t in opened)
                   and "connecting" not in page.evaluate(STATUS_JS).lower()):
            assert time.monotonic() < deadline, "the page never reconnected"
            page.wait_for_timeout(100)

        box = page.get_by_label("Hub name")
        assert box.count() == 1
        box.fill("Test hub C")
        box.press("Enter")
        wait_linked(page, lambda s: [h.name for h in s.hubs] == ["Test hub C"],
                    "the edit after the restart")
        assert page.evaluate("window.mashRerunsMadeWhole") >= 1  # the guard did the work
        # Shown by the server, not only typed: the map's click target lists the hub.
        page.get_by_role("radiogroup").filter(has_text="Test hub C").first.wait_for()

        # Kept: the next edit builds on it, and a reload brings both back.
        name = page.get_by_label("Scenario name")
        name.fill("Kept after the restart")
        name.press("Enter")
        wait_linked(page, lambda s: s.name == "Kept after the restart"
                    and [h.name for h in s.hubs] == ["Test hub C"], "the next edit")
        page.reload()
        page.get_by_text("authorities covered").first.wait_for()
        page.get_by_role("radiogroup").filter(has_text="Test hub C").first.wait_for()
        expect(page.get_by_label("Hub name")).to_have_value("Test hub C")
        expect(page.get_by_label("Scenario name")).to_have_value("Kept after the restart")
        context.close()
    finally:
        conftest.stop_server(first)
        if second is not None:
            conftest.stop_server(second)
