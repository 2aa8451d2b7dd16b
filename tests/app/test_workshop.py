"""The workshop page and the planner's room panel through app.py with AppTest (no browser).

Each test has its own SQLite file (``MASH_STATE_DIR``); rooms are made with the storage
module, as another person's browser would have made them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer import rooms
from explorer.scenario import HubSpec, Scenario, dumps_scenario
from explorer.storage import db
from explorer.text import md_escape

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "**Board** [x](http://evil.example) <img src=x onerror=alert(1)>"
POWYS = Scenario("Powys <b>alone</b>", (HubSpec("Powys MASH", "per_authority", ("W06000023",),
                                               None),))


@pytest.fixture
def engine(monkeypatch, tmp_path):
    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("MASH_DATABASE_URL", raising=False)
    return db.shared_engine()


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def values(elements) -> list[str]:
    return [e.value for e in elements]


def test_lobby_opens_a_room(engine):
    at = open_page("pages/workshop.py")
    assert values(at.title) == ["Workshop room"]
    at.text_input[0].set_value("Mid and West Wales board")  # in a form: sent with the submit
    next(b for b in at.button if b.label == "Open the room").click().run()
    assert not at.exception
    (summary,) = rooms.list_rooms(engine)
    assert summary.room.name == "Mid and West Wales board"
    assert at.query_params["room"] == summary.room.code
    assert rooms.check_key(engine, summary.room.code, at.query_params["key"])


def test_board_shows_user_text_as_text(engine):
    created = rooms.create_room(engine, HOSTILE)
    joined = rooms.join_room(engine, created.room.code, "<i>Eve</i> **x**")
    rooms.send_entry(engine, created.room.code, joined.token, POWYS)
    at = open_page("pages/workshop.py", room=created.room.code.lower())
    assert values(at.title) == [md_escape(HOSTILE)]  # shown literally, never as a link
    frame = at.dataframe[0].value
    assert list(frame["Author"]) == ["May 2019 (reference)", "<i>Eve</i> **x**"]
    assert list(frame["Scenario"])[1] == "Powys <b>alone</b>"
    assert list(frame["Authorities covered"]) == [5, 6]
    assert "Votes" not in frame.columns and "Hidden" not in frame.columns
    assert at.query_params["room"] == created.room.code  # the code in canonical form
    assert not [c for c in values(at.subheader) if c == "Facilitator controls"]


def test_facilitator_controls_need_the_key(engine):
    created = rooms.create_room(engine, "Board")
    at = open_page("pages/workshop.py", room=created.room.code, key=created.key + "x")
    assert "This facilitator link is not right for this room" in " ".join(values(at.warning))
    assert "Facilitator controls" not in values(at.subheader)
    at = open_page("pages/workshop.py", room=created.room.code, key=created.key)
    assert "Facilitator controls" in values(at.subheader)
    lock = next(t for t in at.toggle if t.label.startswith("Lock the room"))
    lock.set_value(True).run()
    assert rooms.get_room(engine, created.room.code).locked is True


def test_planner_room_panel_sends_and_keeps_identity(engine):
    created = rooms.create_room(engine, "Board")
    code = created.room.code
    at = open_page("pages/what-if.py", room=code)
    assert f"Workshop room {code}" in values(at.subheader)
    assert "Board" in values(at.text)
    at.text_input(key=f"room_display_{code}").set_value("Ffion").run()
    at.button(key="room_send").click().run()
    assert not at.exception
    # The identity stays in the session, never in the address (issue 22: it rode in the
    # planner's address bar, so anyone given the address could act as this member).
    assert "member" not in at.query_params
    token = at.session_state["room_tokens"][code]
    view = rooms.member_view(engine, code, token)
    assert view.member.display_name == "Ffion"
    assert view.entry.scenario_json == dumps_scenario(Scenario(
        "Position as at 31 May 2019", ()))
    assert "You are Ffion in this room." in values(at.text)
    # A new session with the private member link is the same member (another device), and
    # the token leaves the address bar at once.
    again = open_page("pages/what-if.py", room=code, member=token)
    assert "You are Ffion in this room." in values(again.text)
    assert "member" not in again.query_params
    assert again.button(key="room_send").label == "Send again (replaces my entry)"
    again.button(key="room_withdraw").click().run()
    assert rooms.member_view(engine, code, token).entry is None


def test_an_unknown_room_is_one_line(engine):
    at = open_page("pages/what-if.py", room="ZZZZZZ")
    assert values(at.warning) == [md_escape(
        "That room could not be opened: no open room has the code ZZZZZZ")]
