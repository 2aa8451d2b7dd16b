"""The live board (pages/ui/rooms/live.py, pages/ui/rooms/rendered.py): what a board's check
answers, how often it reads the database, and what a change redraws. Real SQLite, AppTest for
the page; the browser side is in tests/browser/test_workshop.py."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer import rooms
from explorer.rooms.redraws import RedrawBudget
from explorer.scenario import HubSpec, Scenario
from explorer.storage import db
from pages.ui.rooms import live, rendered

ROOT = Path(__file__).resolve().parents[2]
POWYS = Scenario("Test scenario A", (HubSpec("Test hub A", "per_authority", ("W06000023",),
                                             None),))
CARDIFF = Scenario("Test scenario B", (HubSpec("Test hub B", "per_authority", ("W06000015",),
                                               None),))


@pytest.fixture
def engine(monkeypatch, tmp_path):
    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("MASH_DATABASE_URL", raising=False)
    eng = db.shared_engine()
    monkeypatch.setattr(live, "_engine", [eng])
    monkeypatch.setattr(live, "_versions", {})
    monkeypatch.setattr(live, "budget", RedrawBudget())
    return eng


def room_with_votes(engine):
    created = rooms.create_room(engine, "Live room")
    code = created.room.code
    alice, bob = rooms.join_room(engine, code), rooms.join_room(engine, code)
    first = rooms.send_entry(engine, code, alice.token, POWYS)
    rooms.set_votes_revealed(engine, code, created.key, True)
    return created, bob, first


def ask(token: str, drawn: int) -> str:
    return asyncio.run(live.answer(token, drawn))


def test_the_check_says_same_changed_gone(engine):
    created, bob, first = room_with_votes(engine)
    code = created.room.code
    token = live.watch_token(code, True)
    drawn = rooms.room_version(engine, code, public=True)
    assert ask(token, drawn) == "same"
    rooms.set_votes(engine, code, bob.token, [first.id])
    live._versions.clear()  # as after the version's short life
    assert ask(token, drawn) == "changed"
    rooms.delete_room(engine, code, created.key)
    live._versions.clear()
    assert ask(token, drawn) == "gone"


def test_the_check_names_no_room_and_knows_no_guessed_token(engine):
    created, _bob, _first = room_with_votes(engine)
    token = live.watch_token(created.room.code, True)
    assert created.room.code not in token
    assert ask("A" * 24, 1) == "unknown"  # a guessed or another replica's token
    assert ask(created.room.code, 1) == "unknown"  # a code is not a token


def test_hidden_votes_do_not_change_a_public_board(engine):
    created = rooms.create_room(engine, "Hidden votes")
    code = created.room.code
    alice, bob = rooms.join_room(engine, code), rooms.join_room(engine, code)
    entry = rooms.send_entry(engine, code, alice.token, POWYS)
    public, facilitator = live.watch_token(code, True), live.watch_token(code, False)
    drawn_public = rooms.room_version(engine, code, public=True)
    drawn_key = rooms.room_version(engine, code)
    rooms.set_votes(engine, code, bob.token, [entry.id])
    assert ask(public, drawn_public) == "same"
    assert ask(facilitator, drawn_key) == "changed"


def test_a_database_that_does_not_answer_is_down(engine, monkeypatch):
    created, _bob, _first = room_with_votes(engine)
    token = live.watch_token(created.room.code, True)

    def down(*_args, **_kwargs):
        raise db.StorageUnavailable("the database did not answer")

    monkeypatch.setattr(rooms, "room_version", down)
    assert ask(token, 1) == "down"


def test_many_boards_of_a_room_read_its_version_once(engine, monkeypatch):
    created, _bob, _first = room_with_votes(engine)
    code = created.room.code
    token = live.watch_token(code, True)
    drawn = rooms.room_version(engine, code, public=True)
    reads = []
    real = rooms.room_version

    def counted(*args, **kwargs):
        reads.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(rooms, "room_version", counted)

    async def sixty_boards():
        return await asyncio.gather(*(live.answer(token, drawn) for _ in range(60)))

    assert set(asyncio.run(sixty_boards())) == {"same"}
    assert reads == [code]


def test_a_flooding_room_is_told_to_wait(engine, monkeypatch):
    created, bob, first = room_with_votes(engine)
    code = created.room.code
    token = live.watch_token(code, True)
    drawn = rooms.room_version(engine, code, public=True)
    rooms.set_votes(engine, code, bob.token, [first.id])
    monkeypatch.setattr(live, "budget", RedrawBudget(room_rate=1, room_burst=3,
                                                     total_rate=100, total_burst=100))
    boards = [f"{i:012x}" for i in range(10)]
    answers = [asyncio.run(live.answer(token, drawn, b + live._board_mac(b, code)))
               for b in boards]
    assert answers.count("changed") == 3 and answers.count("wait") == 7
    assert ask(token, drawn) == "wait"  # a check without a board id: never the last half
    other, _o_bob, _o_first = room_with_votes(engine)
    assert ask(live.watch_token(other.room.code, True), 0) == "changed"  # its own share


def _endpoint(token: str, drawn: int, board: str) -> str:
    """The endpoint's answer to a browser's check (``?w=&v=&b=``, as the component sends it)."""
    import json
    from urllib.parse import urlencode

    from starlette.requests import Request

    query = urlencode({"w": token, "v": drawn, "b": board}).encode()
    request = Request({"type": "http", "method": "GET", "headers": [], "query_string": query})
    return json.loads(asyncio.run(live._endpoint(request)).body)["s"]


def test_in_a_flooding_room_the_board_that_waited_longest_redraws_first(engine, monkeypatch):
    """Issue 22: the room's redraws go to its boards in the order they started waiting, not
    to whichever board asks first; an id this server did not sign for the room is no place in
    the queue (it waits behind every board, even when the burst is full)."""
    created, bob, first = room_with_votes(engine)
    code = created.room.code
    token = live.watch_token(code, True)
    drawn = rooms.room_version(engine, code, public=True)
    rooms.set_votes(engine, code, bob.token, [first.id])
    clock = [0.0]
    monkeypatch.setattr(live, "budget", RedrawBudget(room_rate=1, room_burst=2, total_rate=100,
                                                     total_burst=100, clock=lambda: clock[0]))

    def signed(rand: str) -> str:
        return rand + live._board_mac(rand, code)

    old, new = signed("0123456789ab"), signed("ba9876543210")
    other_room = "0123456789ab" + live._board_mac("0123456789ab", "OTHERRM")
    assert live.signed_board(old, code) == old and live.signed_board(other_room, code) is None
    assert [_endpoint(token, drawn, b) for b in ("x", "y")] == ["changed", "changed"]
    clock[0] = 0.1
    assert _endpoint(token, drawn, old) == "wait"
    assert _endpoint(token, drawn, new) == "wait"
    for forged in ("not one!", other_room, "f" * 24):
        assert _endpoint(token, drawn, forged) == "wait"  # behind both
    clock[0] = 1.5  # 1.5 redraws in hand: kept for "old", which asks last
    assert _endpoint(token, drawn, new) == "wait"
    assert _endpoint(token, drawn, old) == "changed"
    clock[0] = 2.6
    assert _endpoint(token, drawn, new) == "changed"
    clock[0] = 10.0  # the burst is full, nobody queued: a check without an id may redraw
    assert _endpoint(token, drawn, "f" * 24) == "changed"


def test_a_vote_changes_only_the_table(engine):
    created, bob, first = room_with_votes(engine)
    code = created.room.code
    before = rooms.board(engine, code)
    rooms.set_votes(engine, code, bob.token, [first.id])
    voted = rooms.board(engine, code)
    assert voted.room.board_version != before.room.board_version
    assert live.layout(voted) == live.layout(before)  # the page around the table stays
    rooms.send_entry(engine, code, bob.token, CARDIFF)
    assert live.layout(rooms.board(engine, code)) != live.layout(voted)
    rooms.set_locked(engine, code, created.key, True)
    assert live.layout(rooms.board(engine, code)).count(True) >= 2


def open_board(code: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.query_params["room"] = code
    at.switch_page("pages/workshop.py").run()
    assert not at.exception, at.exception
    return at


def test_a_vote_does_not_rebuild_the_map_but_an_entry_does(engine):
    created, bob, first = room_with_votes(engine)
    code = created.room.code
    rendered.clear()
    at = open_board(code)
    assert rendered.builds == {"table": 1, "map": 1}
    rooms.set_votes(engine, code, bob.token, [first.id])
    at.run()
    assert not at.exception
    assert rendered.builds == {"table": 2, "map": 1}  # a new table, the same map overlay
    second = open_board(code)  # another board of the room: nothing built again
    assert not second.exception
    assert rendered.builds == {"table": 2, "map": 1}
    rooms.send_entry(engine, code, bob.token, CARDIFF)
    at.run()
    assert rendered.builds == {"table": 3, "map": 2}
    assert "Test scenario B" in str(at.dataframe[0].value.to_dict())


def _presenter_like_page():
    import os

    from explorer import rooms as rooms_
    from explorer.storage import db as db_
    from pages.ui.rooms import board

    eng = db_.shared_engine()
    board.watch(eng, rooms_.get_room(eng, os.environ["TEST_ROOM_CODE"]), "en", public=True)


def test_a_page_drawn_whole_keeps_its_live_line(engine, monkeypatch):
    created = rooms.create_room(engine, "Presenter")
    monkeypatch.setenv("TEST_ROOM_CODE", created.room.code)
    at = AppTest.from_function(_presenter_like_page, default_timeout=60).run()
    assert not at.exception, at.exception
    assert any("This board updates by itself" in c.value for c in at.caption)

    def down(*_args, **_kwargs):
        raise db.StorageUnavailable("the database did not answer")

    monkeypatch.setattr(rooms, "room_version", down)
    at.run()
    assert any("Not live" in c.value for c in at.caption)
