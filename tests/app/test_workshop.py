"""The workshop page and the planner's room panel through app.py with AppTest (no browser).

Each test has its own SQLite file (``MASH_STATE_DIR``); rooms are made with the storage
module, as another person's browser would have made them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer import rooms
from explorer.scenario import HubSpec, Scenario, dumps_scenario, encode_share
from explorer.text import md_escape

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "**Board** [x](http://evil.example) <img src=x onerror=alert(1)>"
POWYS = Scenario("Powys <b>alone</b>", (HubSpec("Powys MASH", "per_authority", ("W06000023",),
                                               None),))


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


def page_text(at: AppTest) -> str:
    """Every text the page draws (markdown, text, code, captions, notices, labels)."""
    parts = []
    for kind in ("markdown", "text", "code", "caption", "info", "warning", "error", "success",
                 "title", "subheader"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "toggle", "checkbox", "text_input"):
        parts += [str(e.label) for e in getattr(at, kind)]
    return "\n".join(parts)


def test_lobby_opens_a_room(engine):
    at = open_page("pages/workshop.py")
    assert values(at.title) == ["Workshop room"]
    at.text_input[0].set_value("Mid and West Wales board")  # in a form: sent with the submit
    next(b for b in at.button if b.label == "Open the room").click().run()
    assert not at.exception
    (summary,) = rooms.list_rooms(engine)
    assert summary.room.name == "Mid and West Wales board"
    assert at.query_params["room"] == summary.room.code
    # The key never reaches the address bar, nor the page until asked for (issue 16).
    assert "key" not in at.query_params
    key = at.session_state["room_fac_keys"][summary.room.code]
    assert rooms.check_key(engine, summary.room.code, key)
    assert "Facilitator controls" in values(at.subheader)
    assert key not in page_text(at)
    at.button(key=f"room_show_private_{summary.room.code}").click().run()
    assert f"key={key}" in page_text(at)  # revealed on request, with copy (st.code)


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
    # The switches keep their keys whatever the room's version (a key that changed with it
    # made Streamlit show a switch twice while the page reran), and follow storage: a change
    # from the facilitator's other device moves them.
    after = next(t for t in at.toggle if t.label.startswith("Lock the room"))
    assert after.key == lock.key and after.value is True
    rooms.set_locked(engine, created.room.code, created.key, False)
    rooms.set_votes_revealed(engine, created.room.code, created.key, True)
    at.run()
    assert [(t.key, t.value) for t in at.toggle if t.key.startswith("room_")] == [
        (lock.key, False), (f"room_reveal_{created.room.code}", True)]


def test_planner_room_panel_sends_and_keeps_identity(engine):
    created = rooms.create_room(engine, "Board")
    code = created.room.code
    at = open_page("pages/what-if.py", room=code)
    assert f"Workshop room {code}" in values(at.subheader)
    assert "Board" in values(at.text)
    # The unchanged May 2019 position is not offered for sending (issue 16 section 4).
    assert not [b for b in at.button if b.key == "room_send"]
    assert any("still the May 2019 position" in i for i in values(at.info))
    at = open_page("pages/what-if.py", room=code, scenario=encode_share(POWYS))
    at.text_input(key=f"room_display_{code}").set_value("Ffion").run()
    at.button(key="room_send").click().run()
    assert not at.exception
    # The identity stays in the session, never in the address (issue 22: it rode in the
    # planner's address bar, so anyone given the address could act as this member).
    assert "member" not in at.query_params
    token = at.session_state["room_tokens"][code]
    view = rooms.member_view(engine, code, token)
    assert view.member.display_name == "Ffion"
    assert view.entry.scenario_json == dumps_scenario(POWYS)
    assert "You are Ffion in this room." in values(at.text)
    # A new session with the private member link is the same member (another device), and
    # the token leaves the address bar at once.
    again = open_page("pages/what-if.py", room=code, member=token,
                      scenario=encode_share(POWYS))
    assert "You are Ffion in this room." in values(again.text)
    assert "member" not in again.query_params
    assert again.button(key="room_send").label == "Send again (replaces my entry)"
    again.button(key="room_withdraw").click().run()
    assert rooms.member_view(engine, code, token).entry is None


def test_an_unknown_room_is_one_line(engine):
    at = open_page("pages/what-if.py", room="ZZZZZZ")
    assert values(at.warning) == [md_escape(
        "That room could not be opened: no open room has the code ZZZZZZ")]


def test_the_facilitator_key_leaves_the_address_and_delete_needs_it_pasted(engine):
    created = rooms.create_room(engine, "Board")
    code, key = created.room.code, created.key
    at = open_page("pages/workshop.py", room=code, key=key)
    assert "key" not in at.query_params and at.query_params["room"] == code
    assert "Facilitator controls" in values(at.subheader)
    assert key not in page_text(at)
    at.text_input(key=f"room_delete_key_{code}").set_value("a photo cannot give this").run()
    at.button(key=f"room_delete_{code}").click().run()
    assert "not this room's private facilitator link" in " ".join(values(at.error))
    assert rooms.get_room(engine, code)
    at.text_input(key=f"room_delete_key_{code}").set_value(
        f"http://h/workshop?room={code}&key={key}").run()
    at.button(key=f"room_delete_{code}").click().run()
    with pytest.raises(rooms.RoomNotFound):
        rooms.get_room(engine, code)


def _vote_keys(at: AppTest) -> list[str]:
    return sorted(t.key for t in at.toggle if t.key and t.key.startswith("room_vote_"))


def test_votes_per_entry_survive_others_votes_and_say_how_many_are_used(engine):
    created = rooms.create_room(engine, "Board")
    code, key = created.room.code, created.key
    authors = [rooms.join_room(engine, code, f"Author {i}") for i in range(4)]
    ids = [rooms.send_entry(engine, code, a.token, POWYS).id for a in authors]
    rooms.set_votes_revealed(engine, code, key, True)
    me = rooms.join_room(engine, code, "Me")
    at = open_page("pages/workshop.py", room=code, member=me.token)
    keys_before = _vote_keys(at)
    assert keys_before == sorted(f"room_vote_{code}_{i}" for i in ids)
    assert any("0 of 3 votes used" in m for m in values(at.markdown))
    for i in ids[:3]:
        at.toggle(key=f"room_vote_{code}_{i}").set_value(True).run()
        assert not at.exception
    assert rooms.member_view(engine, code, me.token).voted_for == tuple(ids[:3])
    assert any("3 of 3 votes used" in m for m in values(at.markdown))
    assert any("your vote for entry 3 is counted" in c for c in values(at.caption))
    # Each vote's run drew the votes it stored: nothing left for the board's redraw to catch
    # up on (a set flag would rerun the page at every redraw of the board).
    assert not at.session_state["room_votes_unshown"].get(code)
    # A vote stored by a run that did not get as far as drawing the votes (a flag left set):
    # the page's next run draws them and clears it.
    rooms.add_vote(engine, code, authors[0].token, ids[0])
    at.session_state["room_votes_unshown"] = {code: True}
    at.run()
    assert not at.session_state["room_votes_unshown"].get(code)
    # Others vote meanwhile: the page redraws, my toggles keep their keys and their values.
    for a in authors:
        rooms.add_vote(engine, code, a.token, ids[3])
    at.run()
    assert _vote_keys(at) == keys_before
    assert [at.toggle(key=f"room_vote_{code}_{i}").value for i in ids] == [True] * 3 + [False]
    # A fourth vote is refused beside its toggle, and the toggle shows the stored truth.
    at.toggle(key=f"room_vote_{code}_{ids[3]}").set_value(True).run()
    assert "you have used your 3 votes" in " ".join(values(at.error))
    assert at.toggle(key=f"room_vote_{code}_{ids[3]}").value is False
    at.toggle(key=f"room_vote_{code}_{ids[0]}").set_value(False).run()
    assert rooms.member_view(engine, code, me.token).voted_for == tuple(ids[1:3])
    assert not [m for m in at.multiselect if "Vote" in str(m.label)]  # no list with Select all


def test_a_locked_room_says_so_in_welsh_and_offers_no_withdraw(engine):
    created = rooms.create_room(engine, "Board")
    code, key = created.room.code, created.key
    alice = rooms.join_room(engine, code, "Alys")
    rooms.send_entry(engine, code, alice.token, POWYS)
    rooms.set_locked(engine, code, key, True)
    at = open_page("pages/what-if.py", room=code, member=alice.token, lang="cy")
    assert not [b for b in at.button if b.key in ("room_withdraw", "room_send")]
    assert any("mae eich cais yn aros ar y bwrdd" in i for i in values(at.info))
    link = next(p for p in at.get("page_link") if "Agor y bwrdd" in p.proto.label)
    # The board stays Welsh, at the edition shown (the latest: May 2019 here).
    assert link.proto.query_string == f"room={code}&lang=cy&asat=1"
    # A refusal from storage reaches a Welsh page in Welsh.
    with pytest.raises(rooms.RoomLocked) as caught:
        rooms.withdraw_entry(engine, code, alice.token)
    assert caught.value.say("cy").startswith(f"mae ystafell {code} wedi'i chloi")


def test_another_members_entry_says_whose_it_is_and_asks_before_replacing(engine):
    created = rooms.create_room(engine, "Board")
    code = created.room.code
    alice = rooms.join_room(engine, code, "Alice")
    bob = rooms.join_room(engine, code, "Bob")
    rooms.send_entry(engine, code, alice.token, POWYS)
    rooms.send_entry(engine, code, bob.token, Scenario("Bob's own", POWYS.hubs))
    at = open_page("pages/what-if.py", room=code, member=bob.token,
                   scenario=encode_share(POWYS), entry="1")
    assert "entry" not in at.query_params
    assert any("This is entry 1 by Alice" in w for w in values(at.warning))
    at.button(key="room_send").click().run()
    assert any("Tick the box first" in w for w in values(at.warning))
    assert rooms.member_view(engine, code, bob.token).entry.scenario_json == dumps_scenario(
        Scenario("Bob's own", POWYS.hubs))
    at.checkbox(key=f"room_replace_sure_{code}").check().run()
    at.button(key="room_send").click().run()
    assert rooms.member_view(engine, code, bob.token).entry.scenario_json == dumps_scenario(
        POWYS)
