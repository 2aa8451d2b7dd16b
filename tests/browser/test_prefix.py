"""The app where its users open it: under a path prefix (``--server.baseUrlPath=mash``), and
(through the ``ops`` harness) inside a Cloud-like wrapper that serves the app at ``/~/+/``.

Every test takes ``app_base_url``: the address people open (``http://127.0.0.1:PORT/mash``
here). The checks are plain functions of ``(browser or page, base)``, so another module can
run them against another address, e.g. nginx configured like Community Cloud, whose shell
page at ``/`` loads the app in an iframe at ``/~/+`` + the path: :func:`app_frame` finds that
iframe when there is one, and links must still start with ``base`` (never ``/~/+``).

In every check: no request fails (``requestfailed``, or a response with status >= 400),
apart from Streamlit's own probe for its base path: the ``people`` fixture and
:func:`join` in ``conftest.py`` watch every person's browser context.
"""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from explorer.data import load_dataset
from explorer.scenario import encode_share, load_scenario_file
from tests.browser.conftest import join

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
DS = load_dataset()
NORTH = load_scenario_file(REPO / "data/scenarios/north_wales_regional.json", DS)
MID_WEST = load_scenario_file(REPO / "data/scenarios/mid_west_wales_regional.json", DS)
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
CLOUD_APP_PATH = "/~/+"
LIVE_S = 20  # generous: the board polls every 2 s
PREFIX = "mash"


# ---- Finding the app and its map ------------------------------------------------------------


def app_frame(page):
    """The frame the app runs in: Cloud's inner iframe (``/~/+/``) if there is one, else the
    page itself."""
    deadline = time.monotonic() + 30
    while True:
        for frame in page.frames:
            if urlsplit(frame.url).path.startswith(CLOUD_APP_PATH + "/"):
                return frame
        inner = page.locator("iframe").first
        if not inner.count() or time.monotonic() > deadline or "/~/" not in (
                inner.get_attribute("src") or "~"):
            return page.main_frame
        page.wait_for_timeout(100)


def open_app(page, base: str, path: str = "/"):
    """Go to ``base + path`` and return the app's frame once its title is drawn."""
    page.goto(base + path)
    app = app_frame(page)
    app.locator("h1").first.wait_for()
    return app


def map_frame(app, timeout_s: float = 60.0):
    """The map's frame once its 22 areas are drawn. The iframe is looked up again on each
    try: a rerun may replace it while the page settles."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            frame = app.locator(MAP_IFRAME).first.element_handle(timeout=5_000).content_frame()
            if frame is not None:
                frame.wait_for_function(
                    "n => document.querySelectorAll('path.leaflet-interactive').length >= n",
                    arg=22, timeout=5_000)
                return frame
        except PlaywrightError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError("the map never drew its 22 areas")


def areas_drawn(frame) -> int:
    return frame.locator("path.leaflet-interactive").count()


def headline(app) -> str:
    return app.locator("h2").filter(has_text="authorities covered").first.inner_text()


def query(frame) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(frame.url).query).items()}


# ---- Checks (reused by the ops helper's Cloud-like and load-balancer harnesses) ---------------


def check_status_map(browser, people, base: str) -> None:
    who = join(browser, people)
    app = open_app(who.page, base, "/")
    frame = map_frame(app)
    assert areas_drawn(frame) == 22
    # Leaflet came from this app, under the app's own address (never the site's root).
    app_root = urlsplit(app.url).path.rstrip("/")
    leaflet = [u for u in who.net.requests if u.endswith("/leaflet.js")]
    assert leaflet and all(urlsplit(u).path.startswith(app_root + "/component/")
                           for u in leaflet), leaflet
    controls = [u for u in who.net.requests if u.endswith("/map_controls.js")]
    assert controls and all(urlsplit(u).path == f"{app_root}/app/static/map_controls.js"
                            for u in controls), controls
    icon = app.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href")
    assert urlsplit(icon).path == f"{app_root}/app/static/favicon.png", icon
    outside = [u for u in who.net.requests
               if not u.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))]
    assert outside == []


def check_share_link(browser, people, base: str) -> str:
    """A what-if share link draws all 22 areas and its own headline; the link the Share tab
    offers is the public address and opens the same scenario. Returns that link."""
    token = encode_share(NORTH)
    sender = join(browser, people)
    app = open_app(sender.page, base, f"/what-if?scenario={token}")
    app.get_by_text("authorities covered").first.wait_for()
    assert areas_drawn(map_frame(app)) == 22
    assert headline(app) == "11 of 22 authorities covered"
    app.get_by_role("tab", name="Share").click()
    link = app.locator("code").filter(has_text="?scenario=").first.inner_text().strip()
    assert link == f"{base}/what-if?scenario={token}&asat=1", link  # names its edition
    assert CLOUD_APP_PATH not in link
    receiver = join(browser, people)
    opened = open_app(receiver.page, link, "")
    opened.get_by_text("authorities covered").first.wait_for()
    assert areas_drawn(map_frame(opened)) == 22
    assert headline(opened) == "11 of 22 authorities covered"
    name = opened.get_by_label("Scenario name")
    opened.wait_for_function("([el, want]) => el.value === want",
                             arg=[name.element_handle(), NORTH.name], timeout=10_000)
    return link


def check_downloads(browser, people, base: str) -> None:
    who = join(browser, people)
    token = encode_share(MID_WEST)
    app = open_app(who.page, base, f"/what-if?scenario={token}")
    app.get_by_text("authorities covered").first.wait_for()
    app.get_by_role("tab", name="Share").click()

    def fetch(label: str) -> str:
        with who.page.expect_download() as info:
            app.get_by_role("button", name=label).click()
        return Path(info.value.path()).read_text(encoding="utf-8")

    assert json.loads(fetch("Scenario (JSON)"))["name"] == MID_WEST.name
    rows = list(csv.DictReader(io.StringIO(fetch("Result per authority (CSV)"))))
    assert len(rows) == 22 and sum(r["covered"] == "yes" for r in rows) == 9
    briefing = fetch("Printable briefing (HTML)")
    assert f"{base}/what-if?scenario={token}" in briefing  # the paper's link: public address
    assert CLOUD_APP_PATH not in briefing


def check_room_board_live(browser, people, base: str) -> tuple[str, str]:
    """The facilitator opens a room; a member sends a scenario; the board shows it live.
    Returns (join link, board link) as the board shows them."""
    fac = join(browser, people)
    board = open_app(fac.page, base, "/workshop")
    board.get_by_label("Room name").fill("Prefix board")
    board.get_by_role("button", name="Open the room").click()
    board.get_by_text("Join code", exact=True).wait_for()
    board.get_by_text("Facilitator controls").wait_for()
    code = query(board)["room"]
    # The key is in no address bar (the app's frame, nor Cloud's wrapper around it) and not on
    # the page until asked for (issue 16).
    assert "key" not in query(board) and "key=" not in fac.page.url
    assert "key=" not in board.locator("body").inner_text()
    board.get_by_role("button", name="Show my private link").click()
    board.locator("code").filter(has_text="&key=").first.wait_for()
    codes = board.locator("code").all_inner_texts()
    shown_join = next(c.strip() for c in codes if "what-if?room=" in c)
    assert shown_join == f"{base}/what-if?room={code}", shown_join
    facilitator = next(c.strip() for c in codes if "&key=" in c)
    key = parse_qs(urlsplit(facilitator).query)["key"][0]
    # The private link: this room, its key, and the edition shown (asat), nothing else.
    assert facilitator.startswith(f"{base}/workshop?room={code}&key={key}"), facilitator
    assert set(parse_qs(urlsplit(facilitator).query)) <= {"room", "key", "asat"}, facilitator
    # The private link opened on another device: the key leaves both address bars at once,
    # and no secret is left in the page's HTML.
    other = join(browser, people)
    again = open_app(other.page, base, f"/workshop?room={code}&key={key}")
    again.get_by_text("Facilitator controls").wait_for()
    other.page.wait_for_function("!location.href.includes('key=')", timeout=10_000)
    again.wait_for_function("!location.href.includes('key=')", timeout=10_000)
    assert key not in again.locator("body").inner_text() and key not in again.content()
    projector = board.get_by_role("link", name="Board for the projector").get_attribute("href")
    # The presenter view, in projector mode, never with the key.
    assert projector == f"{base}/workshop?room={code}&present=1&workshop=1&asat=1", projector
    assert map_frame(board) is not None  # the board's map draws under the prefix too

    member = join(browser, people)
    app = open_app(member.page, base, f"/what-if?room={code}&scenario={encode_share(NORTH)}")
    app.get_by_text(f"Workshop room {code}").wait_for()
    app.get_by_role("button", name="Send to room").click()
    app.get_by_text("Sent: your entry is on the board.").wait_for()
    href = app.get_by_role("link", name="Open the board").get_attribute("href")
    open_board = app.evaluate("h => new URL(h, document.baseURI).href", href)  # may be relative
    # Streamlit's own page links navigate inside the frame the app runs in: inside Cloud's
    # wrapper that is /~/+/...; the links the app builds for people never are (checked above).
    open_board = open_board.replace(f"{CLOUD_APP_PATH}/", "/", 1)
    assert open_board.startswith(f"{base}/workshop?room={code}"), open_board

    start = time.monotonic()
    while time.monotonic() - start < LIVE_S:
        if board.get_by_text(NORTH.name).count():
            break
        board.wait_for_timeout(200)
    else:
        raise AssertionError("the member's entry never reached the board")

    # The member's identity cookie (issue 22) is scoped to the app's own path as the browser
    # sees it (the prefix, or the app's frame inside Cloud's wrapper), and a reload keeps them.
    frame_path = app.evaluate("location.pathname").rstrip("/")
    assert frame_path.endswith("/what-if"), frame_path
    want = frame_path[: -len("/what-if")] or "/"
    deadline = time.monotonic() + LIVE_S
    while not (mine := [c for c in member.page.context.cookies()
                        if c["name"] == f"mash_member_{code}"]):
        assert time.monotonic() < deadline, "the member's identity cookie was never set"
        member.page.wait_for_timeout(200)
    assert [c["path"] for c in mine] == [want], (mine[0]["path"], want)
    member.page.wait_for_load_state("networkidle")  # nothing in flight for the reload to cut
    member.page.reload()
    app_frame(member.page).get_by_role("button", name="Send again (replaces my entry)").wait_for()
    return shown_join, open_board


# ---- Under --server.baseUrlPath=mash ----------------------------------------------------------


@pytest.fixture(scope="module")
def app_base_url(servers, tmp_path_factory) -> str:
    """The app served under ``/mash`` (its public address)."""
    server = servers(args=("--server.baseUrlPath", PREFIX),
                     MASH_STATE_DIR=str(tmp_path_factory.mktemp("prefix-rooms")))
    assert server.url.endswith(f"/{PREFIX}")
    return server.url


def test_status_map_draws_all_areas_under_a_prefix(browser, people, app_base_url):
    check_status_map(browser, people, app_base_url)


def test_share_link_under_a_prefix_opens_the_same_scenario(browser, people, app_base_url):
    link = check_share_link(browser, people, app_base_url)
    print(f"share link seen under the prefix: {link}")


def test_downloads_under_a_prefix(browser, people, app_base_url):
    check_downloads(browser, people, app_base_url)


def test_room_board_updates_live_under_a_prefix(browser, people, app_base_url):
    links = check_room_board_live(browser, people, app_base_url)
    print(f"room links seen under the prefix: {links}")
