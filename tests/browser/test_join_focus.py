"""Keyboard focus after "Join to vote" (issue 16 leftovers), in headless Chromium with the
keyboard only: the button is pressed with Enter; the focus then lands on the first vote switch
(it had gone back to the top of the page: 29 Tabs to the first vote), Space casts that vote,
and it is stored. With nothing to vote for yet, the focus is on the votes heading. English
and Welsh; the "You are Aelod 3" line shows the default name in the page's language."""

from __future__ import annotations

import pytest

from explorer import rooms
from explorer.i18n import t
from explorer.storage import db

from .test_room_integrity import person, room_with_entries

pytestmark = pytest.mark.browser

ACTIVE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const card = el.closest('[class*="st-key-room_card_"]');
  const votes = el.closest('[class*="st-key-room_votes_"]');
  return {tag: el.tagName, card: card ? [...card.classList].find(
            c => c.startsWith('st-key-room_card_')) : null,
          inVotes: !!votes, text: (el.innerText || el.getAttribute('aria-label') || '').trim()};
}"""


@pytest.fixture(scope="module")
def site(servers, tmp_path_factory):
    folder = tmp_path_factory.mktemp("focus-rooms")
    server = servers(MASH_STATE_DIR=str(folder))
    engine = db.make_engine(f"sqlite:///{folder / db.DB_FILE_NAME}")
    db.upgrade(engine)
    return server, engine


def _press_join(page, lang: str) -> None:
    join = page.get_by_role("button", name=t("workshop.votes_join", lang))
    join.wait_for()
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    join.focus()  # where a keyboard user's Tabs put it
    page.keyboard.press("Enter")


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_after_join_the_focus_is_on_the_first_vote_and_space_votes(browser, site, lang):
    server, engine = site
    created, _authors, ids = room_with_entries(engine, 2, f"Focus {lang}")
    code = created.room.code
    ctx, page = person(browser)
    try:
        page.goto(f"{server.url}/workshop?room={code}&lang={lang}")
        _press_join(page, lang)
        page.get_by_text(t("workshop.you_are", lang, name=t(
            "room.member_default", lang, n=3))).wait_for()
        page.wait_for_function(f"({ACTIVE_JS})() && ({ACTIVE_JS})().card", timeout=10_000)
        active = page.evaluate(ACTIVE_JS)
        assert active["tag"] == "INPUT" and active["inVotes"], active
        assert active["card"] == f"st-key-room_card_{code}_{ids[0]}", active  # the first one
        page.keyboard.press("Space")
        page.get_by_text(t("workshop.votes_used", lang, used=1, n=3)).wait_for()
        view = rooms.board(engine, code, key=created.key)
        assert [e.votes for e in view.entries] == [1, 0]
    finally:
        ctx.close()


def test_with_nothing_to_vote_for_the_focus_is_on_the_votes_heading(browser, site):
    server, engine = site
    code = rooms.create_room(engine, "Focus empty").room.code
    ctx, page = person(browser)
    try:
        page.goto(f"{server.url}/workshop?room={code}")
        _press_join(page, "en")
        page.get_by_text("You are Member 1 in this room.").wait_for()
        page.wait_for_function(f"({ACTIVE_JS})() && ({ACTIVE_JS})().inVotes", timeout=10_000)
        active = page.evaluate(ACTIVE_JS)
        assert active["tag"].startswith("H") and "Your votes" in active["text"], active
    finally:
        ctx.close()
