"""The live board in Chromium (pages/ui/rooms/live.py): an idle board asks the server's small
endpoint over HTTP and sends nothing on its Streamlit socket; a change made elsewhere (a vote)
reaches it; the endpoint's requests never carry the room's code."""

from __future__ import annotations

import time

import pytest

from explorer import rooms
from explorer.scenario import HubSpec, Scenario
from explorer.storage import db

from .conftest import VIEWPORT

pytestmark = pytest.mark.browser
POWYS = Scenario("Test scenario A", (HubSpec("Test hub A", "per_authority", ("W06000023",),
                                             None),))


def test_an_idle_board_polls_over_http_and_a_vote_reaches_it(browser, servers, tmp_path):
    state_dir = tmp_path / "state"
    server = servers(MASH_STATE_DIR=str(state_dir))
    engine = db.make_engine(db.database_url({"MASH_STATE_DIR": str(state_dir)}))
    db.upgrade(engine)
    try:
        created = rooms.create_room(engine, "Live board")
        code = created.room.code
        alice, bob = rooms.join_room(engine, code), rooms.join_room(engine, code)
        entry = rooms.send_entry(engine, code, alice.token, POWYS)
        rooms.set_votes_revealed(engine, code, created.key, True)

        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        page = context.new_page()
        polls: list[str] = []
        sent: list[float] = []
        page.on("request", lambda r: polls.append(r.url) if "/_mash/live" in r.url else None)
        page.on("websocket", lambda ws: ws.on("framesent", lambda _f: sent.append(
            time.monotonic())))
        page.goto(f"{server.url}/workshop?room={code}")
        page.get_by_text("This board updates by itself").first.wait_for()
        page.get_by_text("Test scenario A").first.wait_for(state="attached")
        page.wait_for_timeout(2_500)  # the first run's messages settle
        quiet_from, polled_before = time.monotonic(), len(polls)
        page.wait_for_timeout(6_500)
        assert len(polls) - polled_before >= 2, polls  # it asked the endpoint, every 2 s
        assert not [t for t in sent if t >= quiet_from], "an idle board used its socket"
        assert all(code not in url for url in polls), polls

        rooms.set_votes(engine, code, bob.token, [entry.id])
        votes = page.locator("[data-testid='stDataFrame'] td")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            row = [c.strip() for c in votes.all_text_contents()]
            # author, scenario, open link, what it is, then the votes
            if "Member 1" in row and row[row.index("Member 1") + 4: row.index("Member 1") + 5] \
                    == ["1"]:
                break
            page.wait_for_timeout(250)
        else:
            raise AssertionError(f"the vote never reached the board: {row}")
        context.close()
    finally:
        engine.dispose()


def test_a_board_comes_back_after_its_server_restarts(browser, tmp_path):
    """Streamlit's page reconnects to the new process without rerunning anything, and the new
    session skips reruns of fragments it never drew: the board notices and loads itself again."""
    from . import conftest

    env = {"MASH_STATE_DIR": str(tmp_path / "state"), "MASH_CACHE_DIR": str(tmp_path / "cache"),
           "MASH_BOUNDARIES": conftest.boundaries_setting()}
    engine = db.make_engine(db.database_url(env))
    db.upgrade(engine)
    created = rooms.create_room(engine, "Restarted board")
    code = created.room.code
    member = rooms.join_room(engine, code)
    first = conftest.start_server(conftest.REPO / "app.py", env, log_path=tmp_path / "a.log")
    second = None
    try:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        page = context.new_page()
        seen: list[str] = []  # what the page did, for the message if the board never returns
        started = time.monotonic()

        def note(what: str) -> None:
            seen.append(f"{time.monotonic() - started:6.1f}s {what}")

        page.on("response", lambda r: note(f"{r.status} {r.url[-60:]}")
                if "/_mash/live" in r.url or "/workshop" in r.url else None)
        page.on("requestfailed", lambda r: note(f"failed {r.url[-60:]}")
                if "/_mash/live" in r.url else None)
        page.on("framenavigated", lambda f: note(f"navigated {f.url[-60:]}")
                if f == page.main_frame else None)
        page.on("console", lambda m: note(f"console {m.type}: {m.text[:120]}"))
        # The board's live check is running (its first answer came) before the server dies;
        # a check that never loaded is the next test's case.
        with page.expect_response(lambda r: "/_mash/live" in r.url):
            page.goto(f"{first.url}/workshop?room={code}")
        page.get_by_text("This board updates by itself").first.wait_for()
        second = conftest.restart_in_place(first, env, tmp_path / "b.log")
        rooms.send_entry(engine, code, member.token, POWYS)
        note("entry sent")
        try:
            page.get_by_text("Test scenario A").first.wait_for(state="attached",
                                                               timeout=120_000)
        except Exception as exc:  # say what the page and the new server did
            raise AssertionError(
                "the board never came back after the restart\n" + "\n".join(seen[-80:])
                + f"\n--- new server's log:\n{second.log_tail(4000)}") from exc
        context.close()
    finally:
        conftest.stop_server(first)
        if second is not None:
            conftest.stop_server(second)
        engine.dispose()


def test_a_board_whose_live_check_never_loaded_loads_itself_again(browser, servers, tmp_path):
    """The server went away while the page was loading the board's live check (Streamlit then
    gives up on that component): the page's watchdog sees no check for 30 s while the server
    answers, and loads the page again, which shows what was sent meanwhile."""
    state_dir = tmp_path / "state"
    server = servers(MASH_STATE_DIR=str(state_dir))
    engine = db.make_engine(db.database_url({"MASH_STATE_DIR": str(state_dir)}))
    db.upgrade(engine)
    try:
        created = rooms.create_room(engine, "Board without its check")
        code = created.room.code
        member = rooms.join_room(engine, code)
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        page = context.new_page()
        refused: list[str] = []

        def refuse_once(route):
            if not refused:
                refused.append(route.request.url)
                route.abort("connectionrefused")
            else:
                route.continue_()

        page.route("**/*mash_live/index.html*", refuse_once)
        loads: list[float] = []
        page.on("load", lambda _p: loads.append(time.monotonic()))
        page.goto(f"{server.url}/workshop?room={code}")
        page.get_by_text("This board updates by itself").first.wait_for()
        rooms.send_entry(engine, code, member.token, POWYS)
        page.get_by_text("Test scenario A").first.wait_for(state="attached", timeout=90_000)
        assert refused, "the live check was never requested"
        assert len(loads) >= 2, "the board showed the entry without loading the page again"
        assert page.evaluate("JSON.parse(sessionStorage.getItem('mash_live_reloads')).length") == 1
        context.close()
    finally:
        engine.dispose()
