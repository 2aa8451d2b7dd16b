"""The presenter view (``/workshop?room=CODE&present=1``) on a 1920x1080 screen, in headless
Chromium against real servers: 30 entries on one screen with thousands separators, no "None"
and nothing cut off; the facilitator key never in its page or address; votes hidden until the
reveal (on the facilitator's board too), then the top three named; "updated" marks; the lock;
an entry opened in the same tab and back; axe-core; a path prefix and Cloud's ``/~/+/`` frame;
and the app's own words in Streamlit's dialog while the server restarts.

Rooms are filled with plainly fictional entries through the storage functions the app calls
(:mod:`tests.browser.presenter_seed`), on the server's own database file.
``MASH_PRESENTER_SHOT=/path.png`` saves the 30-entry screen as a PNG.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from explorer import rooms
from explorer.data import load_dataset
from explorer.scenario import load_scenario_file
from tests import nginx as ngx

from . import presenter_seed as seed
from .conftest import boundaries_setting, join, start_server, stop_server
from .test_prefix import PREFIX, app_frame, areas_drawn, map_frame

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
FULL_HD = {"width": 1920, "height": 1080}
LIVE_S = 20  # generous: the board polls every 2 s
SEPARATED = re.compile(r"\d{1,3}(,\d{3})*")

#: Every row of the presenter tables, with its box, and whether anything is cut off.
LAYOUT_JS = """() => {
  const rows = [...document.querySelectorAll('.pv-cols tbody tr')].map(tr => {
    const r = tr.getBoundingClientRect();
    return {text: tr.innerText, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
            cells: [...tr.querySelectorAll('td')].map(td => td.innerText)};
  });
  const clipped = [...document.querySelectorAll('.pv-cols td, .pv-cols th')]
    .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText);
  const tables = [...document.querySelectorAll('.pv-cols table')]
    .filter(t => t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > innerWidth)
    .length;
  return {rows, clipped, tables, docWidth: document.documentElement.scrollWidth,
          innerWidth, innerHeight};
}"""


# ---- Servers and rooms -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def state(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("presenter-rooms")


@pytest.fixture(scope="module")
def server(servers, state):
    return servers(MASH_STATE_DIR=str(state))


@pytest.fixture
def screen(browser):
    """One person at a 1920x1080 projector."""
    context = browser.new_context(viewport=FULL_HD)
    context.set_default_timeout(60_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def settled(frame) -> None:
    frame.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def open_presenter(page, base: str, code: str, extra: str = ""):
    page.goto(f"{base}/workshop?room={code}&present=1{extra}")
    app = app_frame(page)
    app.locator(".pv-cols table").first.wait_for()
    settled(app)
    return app


def query(frame) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(frame.url).query).items()}


def wait_text(frame, text: str, present: bool = True) -> None:
    deadline = time.monotonic() + LIVE_S
    while time.monotonic() < deadline:
        if (text in frame.locator(".pv-cols").first.inner_text()) == present:
            return
        frame.wait_for_timeout(250)
    raise AssertionError(f"{text!r} {'never appeared' if present else 'never left'}")


# ---- 30 entries on one screen ------------------------------------------------------------------
def test_thirty_entries_fit_a_1920x1080_screen_with_separators_and_no_none(screen, server,
                                                                           state):
    made = seed.seed(state, 30)
    app = open_presenter(screen, server.url, made.code)
    layout = app.evaluate(LAYOUT_JS)
    rows = layout["rows"]
    assert len(rows) == 31  # the May 2019 row and 30 entries
    assert rows[0]["cells"][0].startswith("Position as at 31 May 2019")
    for row in rows:  # all on the screen: nothing below the fold, nothing off to the right
        assert row["bottom"] <= FULL_HD["height"] and row["right"] <= FULL_HD["width"], row
    assert layout["clipped"] == [] and layout["tables"] == 0
    assert layout["docWidth"] <= FULL_HD["width"]
    for i in range(1, 31):  # every scenario name in full, with its entry and author
        assert any(f"Test plan {i}: " in r["text"] and f"Entry {i} · " in r["text"]
                   for r in rows), i
    for row in rows:
        _scenario, authorities, people, share, mashes = row["cells"]
        assert re.fullmatch(r"\d+ of 22", authorities) and SEPARATED.fullmatch(people)
        assert re.fullmatch(r"\d+\.\d%", share) and mashes.isdigit(), row
    assert rows[0]["cells"][1:4] == ["5 of 22", "963,896", "31.0%"]
    text = app.locator("body").inner_text()
    assert "None" not in text and "nan" not in text.split()
    # No member or facilitator controls, no key anywhere.
    assert app.get_by_role("button").filter(has_text=re.compile(
        "Join to vote|Send to room|Delete|Lock")).count() == 0
    assert made.key not in screen.content() and made.key not in app.url
    shot = os.environ.get("MASH_PRESENTER_SHOT")
    if shot:
        screen.screenshot(path=shot)


def test_thirty_entries_fit_a_1920x1080_screen_in_welsh(screen, server, state):
    """Welsh words are longer: the 30 entries still fit."""
    made = seed.seed(state, 30)
    app = open_presenter(screen, server.url, made.code, "&lang=cy")
    layout = app.evaluate(LAYOUT_JS)
    rows = layout["rows"]
    assert len(rows) == 31
    for row in rows:
        assert row["bottom"] <= FULL_HD["height"] and row["right"] <= FULL_HD["width"], row
    assert layout["clipped"] == [] and layout["tables"] == 0
    assert layout["docWidth"] <= FULL_HD["width"]
    assert "None" not in app.locator("body").inner_text()


# ---- The key, the facilitator's link and board -------------------------------------------------
def test_the_key_never_reaches_the_presenter_view(screen, server, state):
    made = seed.seed(state, 3)
    # Even a presenter link with the key pasted in: the key leaves the address at once.
    app = open_presenter(screen, server.url, made.code, f"&key={made.key}&lang=cy")
    deadline = time.monotonic() + 10
    while "key" in query(app) and time.monotonic() < deadline:
        app.wait_for_timeout(100)
    assert "key" not in query(app)
    assert query(app)["workshop"] == "1" and query(app)["lang"] == "cy"
    assert made.key not in screen.content()
    assert "Rheolaethau'r hwylusydd" not in app.locator("body").inner_text()
    # The document is Welsh and the projector mode is on (large type).
    app.wait_for_function("document.documentElement.lang === 'cy'")
    assert app.evaluate("getComputedStyle(document.documentElement).fontSize") == "22px"


def test_the_facilitator_link_to_the_projector_keeps_mode_and_language(screen, server, state):
    made = seed.seed(state, 2)
    seed.vote(state, made, {0: (1,), 1: (1,)})
    screen.goto(f"{server.url}/workshop?room={made.code}&key={made.key}&lang=cy&workshop=1")
    screen.get_by_text("Rheolaethau'r hwylusydd").wait_for()
    settled(screen)
    # No live vote counts before the reveal, not even on the facilitator's own board.
    table = screen.locator("[data-testid='stDataFrame']").first
    table.locator("th").first.wait_for(state="attached")
    headers = [h.strip() for h in table.locator("th").all_text_contents()]
    assert "Pleidleisiau" not in headers, headers
    # The projector's link sits in the open; the private link only on request (issue 16).
    assert screen.get_by_text("Dolen yr hwylusydd").count() == 0
    link = screen.get_by_role("link", name=re.compile("Bwrdd ar gyfer y taflunydd"))
    href = link.get_attribute("href")
    q = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    assert q == {"room": made.code, "present": "1", "workshop": "1", "lang": "cy",
                 "asat": "1"}, href  # and the edition shown (the latest: May 2019 here)
    assert href.startswith(f"{server.url}/workshop?") and made.key not in href


# ---- Reveal, top three, updated, lock, one entry -----------------------------------------------
def test_reveal_sorts_by_votes_and_names_the_top_three_then_updates_and_lock(screen, server,
                                                                              state):
    made = seed.seed(state, 6)
    # Entry 5 gets 4 votes, entry 2 three, entry 6 two, entry 1 one.
    seed.vote(state, made, {0: (4, 1, 5), 1: (4, 1), 2: (4, 1, 5), 3: (4, 0)})
    app = open_presenter(screen, server.url, made.code)
    before = app.evaluate(LAYOUT_JS)["rows"]
    assert [r["text"].split("Entry ")[1].split(" ")[0] for r in before[1:]] == [
        "1", "2", "3", "4", "5", "6"]
    assert "1st" not in app.locator(".pv-cols").inner_text()  # hidden until the reveal
    assert app.get_by_role("columnheader", name="Votes").count() == 0
    seed.facilitate(state, made, reveal=True)
    wait_text(app, "1st")
    settled(app)
    rows = app.evaluate(LAYOUT_JS)["rows"]
    assert rows[0]["cells"][0].startswith("Position as at 31 May 2019")  # pinned
    order = [(r["text"].split("Entry ")[1].split(" ")[0], r["cells"][-1]) for r in rows[1:]]
    assert order == [("5", "4\n★ 1st"), ("2", "3\n★ 2nd"), ("6", "2\n★ 3rd"), ("1", "1"),
                     ("3", "0"), ("4", "0")], order
    # Sending again marks the row "updated" (in words) on the projector.
    eng = seed.engine_for(state)
    try:
        ds = load_dataset()
        again = load_scenario_file(REPO / "data/scenarios/north_wales_regional.json", ds)
        rooms.send_entry(eng, made.code, made.tokens[2], again)
    finally:
        eng.dispose()
    wait_text(app, "updated")
    settled(app)
    marked = [r for r in app.evaluate(LAYOUT_JS)["rows"] if "updated" in r["text"]]
    assert len(marked) == 1 and "Entry 3 · " in marked[0]["text"]
    # Locked: the join strip says so instead.
    seed.facilitate(state, made, lock=True)
    app.get_by_text("Room locked: no new entries or votes.").wait_for(timeout=LIVE_S * 1000)
    assert "Join: code" not in app.locator("body").inner_text()


def test_an_entry_opens_in_the_same_tab_with_its_heading_and_back(screen, server, state):
    made = seed.seed(state, 3)
    seed.vote(state, made, {0: (1,), 1: (1,), 2: (1, 0)})
    seed.facilitate(state, made, reveal=True)
    app = open_presenter(screen, server.url, made.code, "&lang=en")
    app.get_by_role("link", name=re.compile("^Test plan 2: ")).click()
    heading = app.locator("h1").filter(has_text="Entry 2 · ")
    heading.wait_for()
    assert heading.inner_text() == "Entry 2 · Test member Bethan Llŷr 2 · 3 votes"
    assert len(screen.context.pages) == 1  # the same tab
    assert query(app)["entry"] == "2" and query(app)["present"] == "1"
    assert query(app)["workshop"] == "1" and "key" not in query(app)
    settled(app)
    body = app.locator("body").inner_text()
    assert "Send to room" not in body and "Join to vote" not in body
    assert "Authorities covered: 11 of 22" in body
    app.get_by_role("link", name="Back to the board").click()
    app.locator(".pv-cols table").first.wait_for()
    assert "entry" not in query(app) and query(app)["present"] == "1"


# ---- Accessibility -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_presenter_view_passes_axe_and_contrast(screen, server, state, lang):
    from .test_accessibility import CONTRAST_JS, serious_violations

    made = seed.seed(state, 4)
    seed.vote(state, made, {0: (1, 2), 1: (1,)})
    seed.facilitate(state, made, reveal=True)
    app = open_presenter(screen, server.url, made.code, f"&lang={lang}")
    app.wait_for_function(f"document.documentElement.lang === '{lang}'")
    screen.wait_for_function("[...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
                             ".every(e => getComputedStyle(e).opacity === '1')")
    assert serious_violations(screen) == []
    assert screen.evaluate(CONTRAST_JS) == []
    empty = seed.seed(state, 0)  # the large join strip
    screen.goto(f"{server.url}/workshop?room={empty.code}&present=1&lang={lang}")
    screen.locator(".pv-code").wait_for()
    settled(screen)
    assert serious_violations(screen) == []


# ---- Under a path prefix, and inside Cloud's frame ----------------------------------------------
def check_presenter_under(browser, people, base: str, state: Path) -> str:
    """The presenter view at ``base`` (a prefix, or Cloud's shell): drawn, an entry opened in
    the same frame and back, and no request failing."""
    made = seed.seed(state, 3)
    who = join(browser, people)
    app = open_presenter(who.page, base, made.code)
    app.get_by_role("link", name=re.compile("^Test plan 3: ")).click()
    app.locator("h1").filter(has_text="Entry 3 · ").wait_for()
    assert areas_drawn(map_frame(app)) == 22  # the entry's map, from the app's own address
    path = urlsplit(app.url).path
    assert path.endswith("/workshop") and query(app)["entry"] == "3"
    app.get_by_role("link", name="Back to the board").click()
    app.locator(".pv-cols table").first.wait_for()
    return path


@pytest.fixture(scope="module")
def prefix_state(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("presenter-prefix-rooms")


def test_under_a_path_prefix(browser, people, servers, prefix_state):
    app = servers(args=("--server.baseUrlPath", PREFIX), MASH_STATE_DIR=str(prefix_state))
    path = check_presenter_under(browser, people, app.url, prefix_state)
    assert path == f"/{PREFIX}/workshop"


def test_inside_clouds_frame(browser, people, servers, tmp_path_factory):
    from .test_behind_nginx import cloud_wrapper_conf

    ngx.require_nginx()
    cloud_state = tmp_path_factory.mktemp("presenter-cloud-rooms")
    app = servers(MASH_STATE_DIR=str(cloud_state))
    port = int(app.url.rsplit(":", 1)[1])
    proxy = ngx.start_nginx(lambda listen: cloud_wrapper_conf(listen, port))
    try:
        path = check_presenter_under(browser, people, proxy.url, cloud_state)
        assert path == "/~/+/workshop"  # the frame stays inside the wrapper
    finally:
        proxy.stop()


# ---- While the server restarts -----------------------------------------------------------------
@pytest.mark.parametrize(("lang", "words"), [
    ("en", "Reconnecting to the workshop server…"),
    ("cy", "Yn ailgysylltu â gweinydd y gweithdy…"),
])
def test_the_connection_dialog_speaks_the_apps_words(browser, tmp_path, lang, words):
    server = start_server(REPO / "app.py", {"MASH_BOUNDARIES": boundaries_setting(),
                                            "MASH_STATE_DIR": str(tmp_path)})
    context = browser.new_context(viewport=FULL_HD)
    context.set_default_timeout(60_000)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/workshop?lang={lang}")
        page.locator("h1").first.wait_for()
        settled(page)
        stop_server(server)
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=90_000)
        page.wait_for_function(
            "w => [...document.querySelectorAll('[role=dialog]')].some("
            "d => d.innerText.includes(w))", arg=words, timeout=10_000)
        text = dialog.inner_text()
        assert words in text
        assert "Are you connected to the internet" not in text and "Streamlit" not in text
    finally:
        context.close()
        stop_server(server)
