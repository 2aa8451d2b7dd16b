"""WCAG AA text contrast on every page, measured in the browser from computed styles."""

from pathlib import Path

import pytest

from pages.ui.shell import PAGE_SPECS

pytestmark = pytest.mark.browser

CONTRAST_JS = (Path(__file__).with_name("contrast.js")).read_text()


@pytest.mark.parametrize("path", ["/", "/forces", "/timeline", "/table", "/what-if", "/sources",
                                  "/editions"])
def test_text_contrast_meets_wcag_aa(page, app_server, path):
    page.goto(app_server.url + path)
    page.locator("h1").first.wait_for()
    page.wait_for_timeout(1500)  # let late elements (map captions, tables) render
    # Measured once the run has finished (Streamlit fades stale elements while a script runs)
    # and the app's own style sheet is applied.
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.wait_for_function("[...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
                           ".every(e => getComputedStyle(e).opacity === '1')")
    failures = page.evaluate(CONTRAST_JS)
    assert failures == []


# --------------------------------------------------------------------------------------------
# axe-core (bundled by axe-playwright-python: no download) on every page, in both languages
# --------------------------------------------------------------------------------------------

PAGES = ["/", "/forces", "/timeline", "/table", "/what-if", "/sources", "/editions"]
#: Welsh text that shows the page really is in Welsh (the sidebar's own link).
WELSH_MARK = "Ffynonellau"


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    out = []
    for v in results.response["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = [", ".join(map(str, n["target"])) for n in v["nodes"]][:4]
            out.append(f"{v['impact']} {v['id']}: {v['help']} at {targets}")
    return out


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_core_finds_no_serious_or_critical_violation(page, app_server, path, lang):
    page.goto(f"{app_server.url}{path}?lang={lang}")
    page.locator("h1").first.wait_for()
    if lang == "cy":
        page.get_by_text(WELSH_MARK).first.wait_for()
    page.wait_for_timeout(1500)  # late elements (map, tables)
    # The app's own style sheet (caption contrast) is drawn with the sidebar: wait for it.
    page.wait_for_function("[...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
                           ".every(e => getComputedStyle(e).opacity === '1')")
    assert serious_violations(page) == []


# --------------------------------------------------------------------------------------------
# The workshop room page, with a room open, in both languages
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def open_room(servers, tmp_path_factory, browser):
    """A server with a room store, and a room opened in it: (server, code, facilitator key)."""
    from urllib.parse import parse_qs, urlsplit

    server = servers(MASH_STATE_DIR=str(tmp_path_factory.mktemp("a11y-rooms")))
    context = browser.new_context()
    context.set_default_timeout(60_000)
    try:
        tab = context.new_page()
        tab.goto(f"{server.url}/workshop")
        tab.get_by_label("Room name").fill("Accessibility check")
        tab.get_by_role("button", name="Open the room").click()
        tab.get_by_text("Join code", exact=True).wait_for()
        q = {k: v[0] for k, v in parse_qs(urlsplit(tab.url).query).items()}
        tab.get_by_role("button", name="Show my private link").click()
        link = tab.locator("code").filter(has_text="&key=").first
        link.wait_for()
        key = parse_qs(urlsplit(link.inner_text().strip()).query)["key"][0]
    finally:
        context.close()
    return server, q["room"], key


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("view", ["facilitator", "board"])
def test_axe_core_on_the_workshop_room_with_a_room_open(page, open_room, lang, view):
    server, code, key = open_room
    page.set_default_timeout(60_000)  # the board's first draw is slow on a busy machine
    extra = f"&key={key}" if view == "facilitator" else ""
    page.goto(f"{server.url}/workshop?room={code}{extra}&lang={lang}")
    page.locator("h1").first.wait_for()
    # The board of this room is showing (its code in the heading or the join-code panel).
    page.get_by_text(code).first.wait_for()
    if lang == "cy":
        page.get_by_text(WELSH_MARK).first.wait_for()
    page.wait_for_timeout(2000)  # the board's table and map
    page.wait_for_function("[...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
                           ".every(e => getComputedStyle(e).opacity === '1')")
    assert serious_violations(page) == []


# --------------------------------------------------------------------------------------------
# The document's language and the current page's link (Streamlit hard-codes lang="en")
# --------------------------------------------------------------------------------------------
#: Every page the sidebar lists (its URL path), from the shell's one list of pages.
ALL_PAGES = [url for _key, _path, url, _icon, section in PAGE_SPECS if section]

#: True once <html lang> is the expected language and exactly one sidebar page link, the one
#: whose href names this page, carries aria-current="page".
DOC_READY_JS = """([lang, page, pages]) => {
  if (document.documentElement.lang !== lang) return false;
  const links = [...document.querySelectorAll('a[data-testid=stPageLink-NavLink]')];
  if (links.length !== pages.length) return false;
  const seg = a => (a.getAttribute('href') || '').split('?')[0].replace(/\\/+$/, '')
    .split('/').pop();
  const current = links.filter(a => a.getAttribute('aria-current') === 'page');
  if (current.length !== 1) return false;
  const s = seg(current[0]);
  return page ? s === page : !pages.includes(s) || s === '';
}"""


def wait_for_document(frame, lang: str, path: str) -> None:
    frame.wait_for_function(DOC_READY_JS, arg=[lang, path, ALL_PAGES], timeout=30_000)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_page_declares_its_language_and_marks_its_own_link(page, app_server, lang):
    page.set_default_timeout(60_000)
    for path in ALL_PAGES:
        page.goto(f"{app_server.url}/{path}?lang={lang}")
        page.locator("h1").first.wait_for()
        wait_for_document(page, lang, path)
    # Reruns without a reload: a page link clicked (the app changes page itself) moves the
    # mark, and switching language in the sidebar changes the document's language.
    other = "cy" if lang == "en" else "en"
    page.goto(f"{app_server.url}/forces?lang={lang}")
    wait_for_document(page, lang, "forces")
    page.locator("a[data-testid=stPageLink-NavLink][href^=timeline]").click()
    page.wait_for_url("**/timeline**")
    wait_for_document(page, lang, "timeline")
    page.get_by_text({"en": "English", "cy": "Cymraeg"}[other], exact=True).click()
    wait_for_document(page, other, "timeline")


def test_language_and_current_link_under_a_path_prefix_inside_an_iframe(page, servers):
    """As on Community Cloud (the app in an iframe) behind a proxy's prefix: the script sets
    the app document's own language, and matches links whatever the prefix."""
    server = servers(STREAMLIT_SERVER_BASE_URL_PATH="mash")
    assert server.url.endswith("/mash")
    page.set_content(f'<iframe title="app" src="{server.url}/table?lang=cy" '
                     'style="width:1300px;height:1000px"></iframe>')
    frame = page.frame_locator("iframe").first
    frame.locator("h1").first.wait_for(timeout=60_000)
    app = next(f for f in page.frames if f.url.startswith(server.url))
    wait_for_document(app, "cy", "table")
    assert page.evaluate("document.documentElement.lang") == ""  # the wrapper is untouched
