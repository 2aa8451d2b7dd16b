"""A whole update round in headless Chromium, under the path prefix ``/mash``: the maintainer
opens it; each force fills in its section in its own browser context (Gwent in Welsh, North
Wales on a phone); two tabs of one force conflict without losing text; the server is
restarted mid-round; Gwent's section is returned and resubmitted; the maintainer publishes and
the new edition appears in the as-at choice with the right counts. axe-core on both pages.
Every later position is plainly fictional; the database is a temporary SQLite file on a disk
that counts as durable (not under /tmp)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from explorer.data import DATA_DIR
from explorer.editions import store as editions
from explorer.storage import db
from tests.browser.conftest import ERROR_TRAP_JS, REPO, start_server, stop_server
from tests.browser.test_accessibility import serious_violations
from tests.browser.test_status_map import wait_idle

pytestmark = pytest.mark.browser
KEY = "test-maintainer-key-2"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def round_server(tmp_path):
    durable = Path(tempfile.mkdtemp(prefix="mash-rounds-browser-", dir=os.path.expanduser("~")))
    env = {"MASH_STATE_DIR": str(durable / "state"), "MASH_MAINTAINER_KEY": KEY,
           "MASH_BOUNDARIES": "", "MASH_CACHE_DIR": str(tmp_path / "cache")}
    servers = []

    def start():
        server = start_server(REPO / "app.py", env, args=("--server.baseUrlPath", "mash"),
                              log_path=tmp_path / f"streamlit-{len(servers)}.log")
        servers.append(server)
        return server

    try:
        yield start, durable
    finally:
        for server in servers:
            stop_server(server)
        shutil.rmtree(durable, ignore_errors=True)


def tab(browser, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 1000},
                                  is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    context.set_default_timeout(120_000)
    context.add_init_script(ERROR_TRAP_JS)
    return context, context.new_page()


def go(page, url: str) -> None:
    page.goto(url)
    page.locator("h1").first.wait_for(timeout=180_000)
    wait_idle(page)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_idle(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select ``label``. A rerun still under way (a slow machine) can
    redraw the select and close its list, so the list is opened again, up to three times."""
    for attempt in range(3):
        wait_idle(page)
        page.get_by_role("combobox", name=label).first.click()
        wanted = page.get_by_role("option", name=option, exact=True)
        try:
            wanted.wait_for(timeout=20_000)
            wanted.click()
            break
        except Exception:  # noqa: BLE001 (Playwright's timeout; tried again)
            if attempt == 2:
                raise
    wait_idle(page)


def part(page, label: str) -> None:
    page.get_by_role("radiogroup").get_by_text(label, exact=True).click()
    wait_idle(page)


def fill(page, **fields: str) -> None:
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)


def source(page, lang: str = "en") -> None:
    labels = {"en": ("Source: document title", "Date of the source (YYYY-MM-DD)",
                     "Reason for the change"),
              "cy": ("Ffynhonnell: teitl y ddogfen", "Dyddiad y ffynhonnell (BBBB-MM-DD)",
                     "Rheswm dros y newid")}[lang]
    for label, value in zip(labels, ("Test source", "2026-03-01", "Fictional test change"),
                            strict=True):
        page.get_by_label(label, exact=True).fill(value)


def seen(page, text: str) -> None:
    page.get_by_text(text).first.wait_for()


def test_a_whole_round_in_the_browser(browser, round_server):
    start, durable = round_server
    server = start()
    lead_ctx, lead = tab(browser)
    go(lead, f"{server.url}/rounds")
    fill(lead, **{"Maintainer key": KEY})
    click(lead, "Unlock")
    fill(lead, **{"Title": "Test round", "As-at date (YYYY-MM-DD)": "2026-03-01"})
    click(lead, "Open the round")
    codes = lead.locator("[data-testid='stCode'] code")
    codes.first.wait_for()
    links = dict(zip(("dyfed_powys", "gwent", "north_wales", "south_wales"),
                     codes.all_inner_texts(), strict=True))
    for link in links.values():  # the public address, under the prefix
        assert re.fullmatch(rf"{re.escape(server.url)}/contribute\?token=[\w-]{{32}}", link)
    assert serious_violations(lead) == []

    # Dyfed-Powys (desktop): a new hub and Powys joining it; saved before the restart
    dp_ctx, dp = tab(browser)
    go(dp, links["dyfed_powys"])
    seen(dp, "Update round: Dyfed-Powys Police")
    part(dp, "Hubs")
    choose(dp, "Which one", "Add a new one")
    fill(dp, **{"Short name for the new row (letters, digits)": "Test hub A",
                "Name": "Test hub A", "Start year": "2026"})
    choose(dp, "Member authorities", "Powys")
    dp.keyboard.press("Escape")
    choose(dp, "Host authority", "Powys")
    source(dp)
    click(dp, "Keep this change")
    seen(dp, "Saved (version 1).")
    assert serious_violations(dp) == []

    # the server restarts mid-round: the draft is still there
    stop_server(server)
    server = start()
    for name in links:
        links[name] = re.sub(r"http://127\.0\.0\.1:\d+/mash", server.url, links[name])
    go(dp, links["dyfed_powys"])
    seen(dp, "This section: Draft (version 1).")
    part(dp, "Authorities")
    choose(dp, "Which one", "Powys")
    choose(dp, "Status", "MASH operating")
    choose(dp, "Hub", "Test hub A")
    source(dp)
    click(dp, "Keep this change")
    seen(dp, "Saved (version 2).")
    click(dp, "Submit this section")
    seen(dp, "Submitted. The liaison unit will review it.")

    # Gwent, in Welsh: a new statement
    gw_ctx, gw = tab(browser)
    go(gw, links["gwent"] + "&lang=cy")
    seen(gw, "Cylch diweddaru: Heddlu Gwent")
    part(gw, "Datganiadau")
    choose(gw, "Pa un", "Ychwanegu un newydd")
    fill(gw, **{"Enw byr ar gyfer y rhes newydd (llythrennau, digidau)": "Test item",
                "Crynodeb": "Test item text."})
    source(gw, "cy")
    click(gw, "Cadw'r newid hwn")
    seen(gw, "Wedi'i gadw (fersiwn 1).")
    assert serious_violations(gw) == []
    click(gw, "Cyflwyno'r adran hon")

    # North Wales, on a phone, in two tabs that conflict
    nw_ctx, nw = tab(browser, PHONE)
    nw2 = nw_ctx.new_page()
    go(nw, links["north_wales"])
    go(nw2, links["north_wales"])
    for page in (nw, nw2):
        part(page, "Force summary")
    fill(nw, **{"The force's summary": "Test summary from tab one."})
    source(nw)
    click(nw, "Keep this change")
    seen(nw, "Saved (version 1).")
    fill(nw2, **{"The force's summary": "Test summary from tab two."})
    source(nw2)
    click(nw2, "Keep this change")
    seen(nw2, "not saved: this section was saved from another page meanwhile")
    seen(nw2, "forces.csv, row north_wales: added to the draft")
    assert (nw2.get_by_label("The force's summary", exact=True).input_value()
            == "Test summary from tab two.")
    click(nw2, "Save mine on top of it (your rows win)")
    seen(nw2, "Saved (version 2).")
    assert serious_violations(nw2) == []
    click(nw2, "Submit this section")
    seen(nw2, "Submitted. The liaison unit will review it.")

    # South Wales: nothing changed
    sw_ctx, sw = tab(browser)
    go(sw, links["south_wales"])
    click(sw, "Submit this section")
    seen(sw, "Submitted. The liaison unit will review it.")

    # the maintainer returns Gwent's section; Gwent resubmits
    go(lead, f"{server.url}/rounds")
    fill(lead, **{"Maintainer key": KEY})
    click(lead, "Unlock")
    seen(lead, "Powys: No MASH to MASH operating (source: Test source, 1 March 2026).")
    lead.get_by_label("Comment for the force (why it is returned)").nth(1).fill(
        "Test comment: please check the date")
    lead.get_by_role("button", name="Return with this comment").nth(1).click()
    wait_idle(lead)
    go(gw, links["gwent"] + "&lang=cy")
    seen(gw, "Test comment: please check the date")
    click(gw, "Cyflwyno'r adran hon")
    seen(gw, "Wedi'i gyflwyno.")

    go(lead, f"{server.url}/rounds")  # a new session: the key is asked for again
    fill(lead, **{"Maintainer key": KEY})
    click(lead, "Unlock")
    for _ in range(4):
        lead.get_by_role("button", name="Accept", exact=True).first.click()
        wait_idle(lead)
    click(lead, "Publish the new edition")
    seen(lead, "Published as edition 2; the as-at choice now offers it.")

    # the new edition is the default, with the right counts; a link cannot change anything
    home_ctx, home = tab(browser)
    go(home, server.url)
    seen(home, "6 of 22")
    assert re.search(r"[?&]asat=2\b", home.url)
    go(dp, links["dyfed_powys"])
    seen(dp, "This round is published; nothing in it can change any more.")
    assert dp.get_by_role("button", name="Keep this change").is_disabled()

    engine = db.make_engine(db.database_url({"MASH_STATE_DIR": str(durable / "state")}))
    try:
        ds = editions.load_edition(engine, 2, DATA_DIR).dataset
        assert ds.position("W06000023").status == "mash"
        assert ds.force("north_wales").position_summary == "Test summary from tab two."
        assert {c.source_title for c in ds.changes} == {"Test source"}
    finally:
        engine.dispose()
    for ctx in (lead_ctx, dp_ctx, gw_ctx, nw_ctx, sw_ctx, home_ctx):
        ctx.close()


def test_a_section_can_be_filled_in_and_submitted_with_the_keyboard_only(browser, round_server):
    start, durable = round_server
    server = start()
    engine = db.make_engine(db.database_url({"MASH_STATE_DIR": str(durable / "state")}))
    try:
        from explorer.rounds import store

        db.upgrade(engine)
        token = store.open_round(engine, DATA_DIR, "Test round", "2026-03-01").tokens["gwent"]
    finally:
        engine.dispose()
    ctx, page = tab(browser)
    go(page, f"{server.url}/contribute?token={token}")
    part(page, "Force summary")  # (a radio: Streamlit's own keyboard handling)

    def tab_to(name: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            label = page.evaluate("document.activeElement.getAttribute('aria-label') || "
                                  "document.activeElement.innerText || ''")
            if label.strip() == name:
                return
        raise AssertionError(f"{name!r} is not reachable with the Tab key")

    tab_to("The force's summary")
    page.keyboard.press("Control+A")
    page.keyboard.type("Test summary typed with the keyboard.")
    for label, text in (("Or reported by (a role, not a person's name)", "Test role"),
                        ("Date of the source (YYYY-MM-DD)", "2026-03-01"),
                        ("Reason for the change", "Fictional test change")):
        tab_to(label)
        page.keyboard.type(text)
    tab_to("Keep this change")
    page.keyboard.press("Enter")
    wait_idle(page)
    seen(page, "Saved (version 1).")
    tab_to("Submit this section")
    page.keyboard.press("Enter")
    wait_idle(page)
    seen(page, "Submitted. The liaison unit will review it.")
    ctx.close()
