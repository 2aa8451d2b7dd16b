"""Issue 22: rooms that hold against a careless or hostile member (SQLite and PostgreSQL).

Each test here failed on the code before issue 22 and passes after.
"""

from __future__ import annotations

import re

import pytest

from explorer import rooms
from explorer.rooms import store
from explorer.scenario import HubSpec, Scenario

POWYS = Scenario("Powys on its own", (HubSpec("Powys MASH", "per_authority", ("W06000023",),
                                              None),))
GWENT = Scenario("Gwent regional", (HubSpec("Gwent MASH", "regional",
                                            ("W06000022", "W06000020"), "W06000022"),))


def _room(engine, n: int):
    created = rooms.create_room(engine, "Board")
    return created, [rooms.join_room(engine, created.room.code) for _ in range(n)]


def _entry_of(engine, code, key, number):
    (entry,) = [e for e in rooms.board(engine, code, key=key).entries
                if e.member_number == number]
    return entry


def test_hide_survives_withdraw_and_resend(engine):
    created, (mallory,) = _room(engine, 1)
    code, key = created.room.code, created.key
    entry = rooms.send_entry(engine, code, mallory.token, POWYS)
    rooms.set_hidden(engine, code, key, entry.id, True)
    rooms.withdraw_entry(engine, code, mallory.token)
    rooms.send_entry(engine, code, mallory.token, GWENT)
    assert rooms.board(engine, code).entries == ()  # still hidden from everyone
    assert _entry_of(engine, code, key, 1).hidden
    # The facilitator can still show it again.
    rooms.set_hidden(engine, code, key, _entry_of(engine, code, key, 1).id, False)
    assert [e.author_label() for e in rooms.board(engine, code).entries] == ["Member 1"]


def test_hidden_entries_do_not_count_against_the_limit(engine, monkeypatch):
    monkeypatch.setattr(store, "MAX_ROOM_ENTRIES", 2)
    created, (a, b, c) = _room(engine, 3)
    code = created.room.code
    first = rooms.send_entry(engine, code, a.token, POWYS)
    rooms.send_entry(engine, code, b.token, POWYS)
    with pytest.raises(rooms.LimitReached):
        rooms.send_entry(engine, code, c.token, POWYS)
    rooms.set_hidden(engine, code, created.key, first.id, True)
    rooms.send_entry(engine, code, c.token, POWYS)  # the hidden junk no longer fills the room
    assert len(rooms.board(engine, code).entries) == 2


def test_votes_stay_with_the_scenario_they_were_cast_for(engine):
    created, (author, voter) = _room(engine, 2)
    code, key = created.room.code, created.key
    entry = rooms.send_entry(engine, code, author.token, POWYS)
    rooms.set_votes(engine, code, voter.token, [entry.id])
    rooms.send_entry(engine, code, author.token, POWYS, display_name="Author")  # same scenario
    assert _entry_of(engine, code, key, 1).votes == 1
    rooms.send_entry(engine, code, author.token, GWENT)  # a different scenario: no old votes
    assert _entry_of(engine, code, key, 1).votes == 0
    assert rooms.member_view(engine, code, voter.token).voted_for == ()


def test_the_facilitator_removes_a_member_for_good(engine):
    created, (mallory, alice) = _room(engine, 2)
    code, key = created.room.code, created.key
    junk = rooms.send_entry(engine, code, mallory.token, POWYS)
    good = rooms.send_entry(engine, code, alice.token, GWENT)
    rooms.set_votes(engine, code, mallory.token, [good.id])
    rooms.set_votes(engine, code, alice.token, [junk.id])
    with pytest.raises(rooms.NotAllowed):
        rooms.remove_member(engine, code, "not-the-key", 1)
    rooms.remove_member(engine, code, key, 1)
    board = rooms.board(engine, code, key=key)
    assert [(e.author_label(), e.votes) for e in board.entries] == [("Member 2", 0)]
    assert board.members == 1
    for call in (lambda: rooms.send_entry(engine, code, mallory.token, POWYS),
                 lambda: rooms.set_votes(engine, code, mallory.token, [good.id]),
                 lambda: rooms.member_view(engine, code, mallory.token)):
        with pytest.raises(rooms.NotAllowed, match="removed this member"):
            call()
    assert rooms.member_view(engine, code, alice.token).voted_for == ()
    with pytest.raises(rooms.RoomError, match="no member 9"):
        rooms.remove_member(engine, code, key, 9)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("\u200fevil", "direction mark (U+200F RIGHT-TO-LEFT MARK)"),
        ("Alice\u061c", "direction mark (U+061C ARABIC LETTER MARK)"),
        ("\u200b\u200b", "no visible character"),
        ("\u3164", "no visible character"),
        ("\u2800\u2800", "no visible character"),
        ("Z" + "\u0301" * 8, "stacks more than 3 combining marks"),
        ("May 2019 (reference)", "a label the board uses itself"),
        ("Mai 2019 (llinell sylfaen)", "a label the board uses itself"),
        ("Member 1", "a label the board uses itself"),  # member 2 may not pose as member 1
    ],
)
def test_misleading_display_names_are_refused(engine, name, problem):
    created, (first,) = _room(engine, 1)
    with pytest.raises(rooms.BadText, match=re.escape(problem)):
        rooms.join_room(engine, created.room.code, name)
    with pytest.raises(rooms.BadText):
        rooms.send_entry(engine, created.room.code, first.token, POWYS,
                         display_name=name if name != "Member 1" else "Member 3")
    with pytest.raises(rooms.BadText):
        rooms.create_room(engine, name)


def test_a_member_keeps_their_own_default_name(engine):
    created, (first,) = _room(engine, 1)
    rooms.send_entry(engine, created.room.code, first.token, POWYS, display_name="Member 1")
    assert rooms.member_view(engine, created.room.code, first.token).member.label() == (
        "Member 1")
    # Accents, Welsh and ordinary marks still pass.
    rooms.send_entry(engine, created.room.code, first.token, POWYS, display_name="Siân Môn")


def test_the_full_server_tells_the_facilitator_what_to_do(engine, monkeypatch):
    monkeypatch.setattr(store, "MAX_OPEN_ROOMS", 1)
    rooms.create_room(engine, "One")
    with pytest.raises(rooms.LimitReached) as caught:
        rooms.create_room(engine, "Two")
    message = str(caught.value)
    assert "ask whoever runs it" in message and "purge old ones first" not in message


def test_hidden_votes_do_not_make_public_boards_redraw(engine):
    """Issue 22: every change redrew every open board; a vote nobody can see changes nothing
    a board without the key shows, so its polled version stays."""
    created, (author, voter) = _room(engine, 2)
    code, key = created.room.code, created.key
    entry = rooms.send_entry(engine, code, author.token, POWYS)
    public = rooms.room_version(engine, code, public=True)
    private = rooms.room_version(engine, code)
    rooms.set_votes(engine, code, voter.token, [entry.id])
    assert rooms.room_version(engine, code, public=True) == public
    assert rooms.room_version(engine, code) == private + 1  # the facilitator's board redraws
    rooms.set_votes_revealed(engine, code, key, True)
    public = rooms.room_version(engine, code, public=True)
    rooms.set_votes(engine, code, voter.token, [])
    assert rooms.room_version(engine, code, public=True) == public + 1
