"""Issue 22 through the app (AppTest runs app.py): each test failed on the code before the issue.

The database is real (SQLite in a temporary folder); a failing database is a real unreachable
PostgreSQL address, or a storage function made to fail as it does when the disk is full.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer import rooms
from explorer.scenario import HubSpec, Scenario, share_token_or_none
from explorer.storage import db

ROOT = Path(__file__).resolve().parents[2]
AUTHORITIES = ("W06000001", "W06000002", "W06000003", "W06000004", "W06000005", "W06000006",
               "W06000008", "W06000009", "W06000010", "W06000011", "W06000012", "W06000013",
               "W06000014", "W06000015", "W06000016", "W06000018", "W06000019", "W06000020",
               "W06000021", "W06000022", "W06000023", "W06000024")
#: Issue 22's scenario: 26 hubs with 100-character names, within the planner's limits, too
#: long for a share link.
LONG = Scenario("Long names", tuple(
    HubSpec(f"{n:02d} " + "x" * 97, "per_authority", (AUTHORITIES[n % 22],), None)
    for n in range(26)))
POWYS = Scenario("Powys", (HubSpec("Powys MASH", "per_authority", ("W06000023",), None),))


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path / "state"))
    for name in ("MASH_DATABASE_URL", "MASH_ROOM_EXPIRY_DAYS", "MASH_FACILITATOR_PASSCODE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def engine(env):
    return db.shared_engine()


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest) -> str:
    parts = []
    for kind in ("title", "subheader", "text", "caption", "info", "warning", "error",
                 "success", "markdown"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def test_an_entry_too_long_for_a_link_never_breaks_the_board(engine):
    assert share_token_or_none(LONG) is None
    created = rooms.create_room(engine, "Board")
    code = created.room.code
    joined = rooms.join_room(engine, code)
    rooms.send_entry(engine, code, joined.token, LONG)
    for params in ({"room": code}, {"room": code, "key": created.key}):
        at = open_page("pages/workshop.py", **params)
        assert not at.exception
        frame = at.dataframe[0].value
        assert list(frame["Scenario"]) == ["Position as at 31 May 2019", "Long names"]
        assert at.selectbox(key="room_file_choice").value is not None  # offered as a file
        if "key" in params:
            assert "Facilitator controls" in [s.value for s in at.subheader]
    at = open_page("pages/what-if.py", room=code)  # the member's planner, too
    assert not at.exception


def test_the_facilitator_controls_are_drawn_before_the_table(engine):
    created = rooms.create_room(engine, "Board")
    at = open_page("pages/workshop.py", room=created.room.code, key=created.key)
    headings = [s.value for s in at.subheader]
    assert headings.index("Facilitator controls") < headings.index("Entries")


def test_board_links_carry_no_member_token(engine):
    created = rooms.create_room(engine, "Board")
    code = created.room.code
    joined = rooms.join_room(engine, code)
    rooms.send_entry(engine, code, joined.token, POWYS)
    at = open_page("pages/workshop.py", room=code, member=joined.token)
    assert "member" not in at.query_params  # taken out of the address bar at once
    frame = at.dataframe[0].value
    (opener,) = [c for c in frame.columns if str(frame[c].iloc[0]).startswith("http")]
    links = list(frame[opener])
    assert links and all("member" not in link and joined.token not in link for link in links)
    assert at.session_state["room_tokens"][code] == joined.token  # still this member


def test_a_database_that_is_down_is_one_calm_line_without_its_address(env):
    env.setenv("MASH_DATABASE_URL", "postgresql://mash_user:s3cret@127.0.0.1:9/mash_db")
    for page, params in (("pages/workshop.py", {}), ("pages/what-if.py", {"room": "ABC2345"})):
        at = open_page(page, **params)
        shown = text_of(at)
        assert "unavailable for the moment" in shown
        for secret in ("mash_user", "s3cret", "127.0.0.1", "mash_db", "postgresql"):
            assert secret not in shown
    assert at.get("iframe") or at.main  # the planner itself is still drawn


def test_a_failing_database_mid_page_is_one_calm_line(engine, monkeypatch):
    created = rooms.create_room(engine, "Board")

    def full(*_args, **_kwargs):
        raise db.StorageUnavailable("the database did not answer: database or disk is full")

    monkeypatch.setattr(rooms, "board", full)
    monkeypatch.setattr(rooms, "member_view", full)
    at = open_page("pages/workshop.py", room=created.room.code, key=created.key)
    assert "unavailable for the moment" in text_of(at)
    assert "disk is full" not in text_of(at)
    monkeypatch.setattr(rooms, "get_room", full)
    at = open_page("pages/what-if.py", room=created.room.code)
    assert "unavailable for the moment" in text_of(at)


def test_the_board_says_when_it_is_not_live(engine, monkeypatch):
    created = rooms.create_room(engine, "Board")
    at = open_page("pages/workshop.py", room=created.room.code)
    assert "This board updates by itself" in text_of(at)

    def down(*_args, **_kwargs):
        raise db.StorageUnavailable("the database did not answer: connection refused")

    monkeypatch.setattr(rooms, "room_version", down)
    at.run()
    assert "Not live" in text_of(at)


def test_a_bad_expiry_setting_is_one_line_on_every_rooms_page(env):
    env.setenv("MASH_ROOM_EXPIRY_DAYS", "thirty")
    for page, params in (("pages/workshop.py", {}), ("pages/what-if.py", {"room": "ABC2345"})):
        at = open_page(page, **params)
        assert "a setting" in text_of(at) or "settings is wrong" in text_of(at)


def test_a_room_deleted_while_the_page_is_drawn(engine, monkeypatch):
    created = rooms.create_room(engine, "Board")
    real = rooms.check_key

    def deleted_meanwhile(eng, code, key):
        rooms.delete_room(eng, code, key)
        return real(eng, code, key)

    monkeypatch.setattr(rooms, "check_key", deleted_meanwhile)
    at = open_page("pages/workshop.py", room=created.room.code, key=created.key)
    assert "just been closed or deleted" in text_of(at)


def test_a_confirmation_survives_the_boards_own_rerun(engine):
    created = rooms.create_room(engine, "Board")
    code = created.room.code
    at = open_page("pages/what-if.py", room=code, scenario=share_token_or_none(POWYS))
    at.button(key="room_send").click().run()
    assert "sent" in " ".join(s.value for s in at.success).lower()
    other = rooms.join_room(engine, code)  # the room changes meanwhile: the page reruns
    rooms.send_entry(engine, code, other.token, POWYS)
    at.run()
    assert "sent" in " ".join(s.value for s in at.success).lower()


def test_four_votes_in_a_crafted_message_do_not_crash_the_board(engine):
    created = rooms.create_room(engine, "Board")
    code = created.room.code
    ids = []
    for _ in range(4):
        member = rooms.join_room(engine, code)
        ids.append(rooms.send_entry(engine, code, member.token, POWYS).id)
    at = open_page("pages/workshop.py", room=code)
    next(b for b in at.button if b.label == "Join to vote").click().run()
    switches = [t for t in at.toggle if t.key and t.key.startswith("room_vote_")]
    assert len(switches) == 4
    for switch in switches:  # what a crafted websocket message can send: four at once
        switch.set_value(True)
    at.run()
    assert not at.exception
    token = at.session_state["room_tokens"][code]
    assert len(rooms.member_view(engine, code, token).voted_for) == 3
    assert "you have used your 3 votes" in text_of(at)


def test_a_pasted_room_name_that_is_too_long_is_kept_and_named(engine):
    at = open_page("pages/workshop.py")
    long_name = "Mid and West Wales safeguarding board, joint workshop on hubs, March " * 2
    at.text_input[0].set_value(long_name)
    next(b for b in at.button if b.label == "Open the room").click().run()
    refusal = " ".join(e.value for e in at.error)
    assert "137 characters long" in refusal and "the limit is 80" in refusal
    assert "empty" not in refusal
    assert at.text_input[0].value == long_name
    assert rooms.list_rooms(engine) == ()


def test_opening_rooms_is_limited_per_client_address(engine):
    at = open_page("pages/workshop.py")
    opened = 0
    for i in range(6):
        fresh = open_page("pages/workshop.py")  # a reload or another session
        fresh.text_input[0].set_value(f"Room {i}")
        next(b for b in fresh.button if b.label == "Open the room").click().run()
        if "room" in fresh.query_params:
            opened += 1
        else:
            assert "rooms have been opened from this address" in " ".join(
                e.value for e in fresh.error)
    assert opened == 5 and len(rooms.list_rooms(engine)) == 5
    assert at is not None


def test_a_facilitator_passcode_when_the_operator_sets_one(engine, env):
    env.setenv("MASH_FACILITATOR_PASSCODE", "correct horse")
    at = open_page("pages/workshop.py")
    at.text_input[0].set_value("Board")
    at.text_input(key="room_passcode").set_value("wrong")
    next(b for b in at.button if b.label == "Open the room").click().run()
    assert "not the facilitator passcode" in " ".join(e.value for e in at.error)
    assert rooms.list_rooms(engine) == ()
    at.text_input(key="room_passcode").set_value("correct horse")
    next(b for b in at.button if b.label == "Open the room").click().run()
    assert len(rooms.list_rooms(engine)) == 1


def test_wrong_codes_stay_slowed_after_a_right_code_and_a_reload(engine):
    created = rooms.create_room(engine, "Board")
    at = open_page("pages/workshop.py")

    def go(page: AppTest, code: str) -> None:
        page.text_input[1].set_value(code)
        next(b for b in page.button if b.label == "Show the board").click().run()

    for _ in range(8):  # 3 free, then waits of 2, 4, ... 32 s (whether or not waited out)
        go(at, "ZZZ2345")
    assert "Too many wrong codes" in text_of(at)
    fresh = open_page("pages/workshop.py")  # a reload: a new session, the same address
    go(fresh, created.room.code.lower())  # a right code, in another spelling
    assert "Too many wrong codes" in text_of(fresh)


def test_a_private_link_leaves_the_address_even_when_the_room_is_refused(engine):
    """Found by the second attack: a throttled session kept ``member=`` in its address."""
    at = open_page("pages/what-if.py", room="ZZZ2345", member="a-private-token")
    assert "member" not in at.query_params
    at = open_page("pages/workshop.py", room="ZZZ2345", member="a-private-token")
    assert "member" not in at.query_params


def test_a_fresh_session_takes_the_member_from_the_browsers_cookie(engine, monkeypatch):
    """A reload (or a reconnect to another replica) is a new session with no token in it: the
    browser's cookie for the room brings the member back, so Send replaces their entry."""
    from pages.ui.rooms import state as room_state

    created = rooms.create_room(engine, "Cookie")
    code = created.room.code
    joined = rooms.join_room(engine, code, "Bethan")
    rooms.send_entry(engine, code, joined.token, POWYS)
    monkeypatch.setattr(room_state, "_browser_cookies",
                        lambda: {f"mash_member_{code}": joined.token, "_streamlit_xsrf": "x"})
    at = open_page("pages/what-if.py", room=code, scenario=share_token_or_none(POWYS))
    assert at.session_state["room_tokens"][code] == joined.token
    assert "Bethan" in text_of(at)
    next(b for b in at.button if b.label.startswith("Send again")).click().run()
    assert not at.exception, at.exception
    board = rooms.board(engine, code, created.key)
    assert len(board.entries) == 1 and board.members == 1  # replaced, not a second one


@pytest.mark.parametrize("value", ["not-a-token-of-this-room-000", "bad value"])
def test_a_wrong_cookie_is_dropped_quietly(engine, monkeypatch, value):
    from pages.ui.rooms import state as room_state

    created = rooms.create_room(engine, "Cookie")
    code = created.room.code
    monkeypatch.setattr(room_state, "_browser_cookies", lambda: {f"mash_member_{code}": value})
    at = open_page("pages/what-if.py", room=code)
    tokens = at.session_state["room_tokens"] if "room_tokens" in at.session_state else {}
    assert not tokens.get(code)
    assert "room_attempts" not in at.session_state  # not counted as a wrong code
    assert not at.error and "not recognised" not in text_of(at)  # no note either


@pytest.mark.parametrize("name", ["Bwrdd\x1b[31m", "Bwrdd\u202egwael", "Bwrdd\u2028dau",
                                  "Bwrdd\u200fgwael"])
def test_a_welsh_page_refuses_a_name_wholly_in_welsh(engine, name):
    """Issue 22: a Welsh page's refusal of a room name with an unsafe character says which
    character in Welsh (by code point), with no English detail."""
    import unicodedata

    from explorer.i18n import t

    at = open_page("pages/workshop.py", lang="cy")
    at.text_input[0].set_value(name)
    next(b for b in at.button if b.label == t("workshop.create", "cy")).click().run()
    refusal = re.sub(r"\\(.)", r"\1", " ".join(e.value for e in at.error))  # markdown-escaped
    assert "enw'r ystafell: " in refusal, refusal
    assert "U+" in refusal and "yn nod 6" in refusal
    bad = next(ch for ch in name if not (ch.isalnum() or ch in " []"))
    for english in ("contains", "character", "control", "separator", "direction", "text here",
                    unicodedata.name(bad, "ESC"), "ESC"):
        assert english not in refusal, refusal
    assert rooms.list_rooms(engine) == ()


@pytest.mark.parametrize("name", ["Aelod\x07", "Aelod\u2066x", "Aelod\u2029x", "Aelod\u061cx"])
def test_a_welsh_planner_refuses_a_display_name_wholly_in_welsh(engine, name):
    """Issue 22: the member's display name on a Welsh planner: the refusal is Welsh, the
    character by its code point, and nothing is sent."""
    import unicodedata

    created = rooms.create_room(engine, "Board")
    code = created.room.code
    at = open_page("pages/what-if.py", room=code, scenario=share_token_or_none(POWYS),
                   lang="cy")
    at.text_input(key=f"room_display_{code}").set_value(name)
    at.button(key="room_send").click().run()
    refusal = re.sub(r"\\(.)", r"\1", " ".join(e.value for e in at.error))
    assert "enw arddangos: " in refusal and "yn nod 6" in refusal, refusal
    for english in ("contains", "character", "control", "separator", "direction", "text here",
                    unicodedata.name(name[5], "BEL"), "BEL"):
        assert english not in refusal, refusal
    assert rooms.board(engine, code).entries == ()
