"""Workshop rooms storage, run on SQLite and on PostgreSQL (the ``engine`` fixture).

Nothing here sleeps: concurrent writers start together at a barrier and the test waits for
every thread to finish.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from explorer import config, rooms
from explorer.rooms import store
from explorer.rooms.schema import entries, members, votes
from explorer.rooms.schema import rooms as rooms_table
from explorer.scenario import HubSpec, Scenario, dumps_scenario
from explorer.storage import db
from explorer.storage.schema import all_tables
from tests.cli import REPO

POWYS = Scenario("Powys on its own", (HubSpec("Powys MASH", "per_authority", ("W06000023",),
                                              None),))
GWENT = Scenario("Gwent regional", (HubSpec("Gwent MASH", "regional",
                                            ("W06000022", "W06000020"), "W06000022"),))


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _head() -> str:
    """The newest migration (whatever features have added)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config()).get_current_head()


def _room_with_members(engine, n: int):
    created = rooms.create_room(engine, "Board")
    joined = [rooms.join_room(engine, created.room.code) for _ in range(n)]
    return created, joined


# Rooms ---------------------------------------------------------------------------------------
def test_create_room_gives_a_code_a_key_and_a_clean_name(engine):
    created = rooms.create_room(engine, "  Mid and West Wales board, Mo\u0302n ")
    room = created.room
    assert room.name == "Mid and West Wales board, Môn"
    assert len(room.code) == 7 and set(room.code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    assert (room.locked, room.votes_revealed, room.version) == (False, False, 1)
    assert room.created_at.tzinfo is UTC
    assert room.expires_at - room.last_activity == timedelta(days=30)
    assert len(created.key) >= 32
    assert rooms.get_room(engine, room.code.lower()) == room


def test_secrets_are_stored_only_as_hashes(engine):
    created, (joined,) = _room_with_members(engine, 1)
    with engine.connect() as conn:
        stored = [
            str(value)
            for table in all_tables().sorted_tables
            for row in conn.execute(select(table))
            for value in row
        ]
        key_hash = conn.execute(text("SELECT key_hash FROM rooms")).scalar_one()
        token_hash = conn.execute(text("SELECT token_hash FROM members")).scalar_one()
    assert not any(created.key in v or joined.token in v for v in stored)
    assert key_hash == rooms.hash_secret(created.key)
    assert token_hash == rooms.hash_secret(joined.token)


def test_a_taken_code_is_not_handed_out_again(engine, monkeypatch):
    codes = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(store, "new_code", lambda: next(codes))
    first = rooms.create_room(engine, "One")
    second = rooms.create_room(engine, "Two")
    assert (first.room.code, second.room.code) == ("AAAAAA", "BBBBBB")


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "room name must not be empty"),
        (" \n\t ", "room name must not be empty"),
        ("x" * 81, "room name is 81 characters long; the limit is 80"),
        ("Board \ud800", "room name contains an unpaired surrogate (U+D800) at character 7, "
                         "which is not a character; check the file's encoding"),
        ("Two\nlines", "room name contains a control character (U+000A LINE FEED) at "
                       "character 4; text here must be one line of plain text"),
        ("abc\u202eevil", "room name contains a bidirectional control (U+202E RIGHT-TO-LEFT "
                          "OVERRIDE) at character 4; text here must be one line of plain text"),
        (None, "room name must be text, not null"),
    ],
)
def test_bad_room_names_are_refused_with_one_line(engine, name, problem):
    with pytest.raises(rooms.BadText) as caught:
        rooms.create_room(engine, name)
    assert str(caught.value) == problem
    assert _count(engine, rooms_table) == 0


def test_unknown_and_malformed_codes(engine):
    rooms.create_room(engine, "Board")
    with pytest.raises(rooms.RoomNotFound, match="no open room has the code ZZZZZZ"):
        rooms.get_room(engine, "zzz-zzz")
    with pytest.raises(rooms.RoomNotFound, match=r"not a room code \(7 letters and digits\)"):
        rooms.get_room(engine, "O0O0O0")  # 0 and O are not in the alphabet
    assert rooms.room_version(engine, "ZZZZZZ") is None
    assert rooms.room_version(engine, "not a code") is None


# Members and entries -------------------------------------------------------------------------
def test_members_are_numbered_and_named(engine):
    created = rooms.create_room(engine, "Board")
    a = rooms.join_room(engine, created.room.code)
    b = rooms.join_room(engine, created.room.code, "  Dr\u0065\u0301 Jones ")
    c = rooms.join_room(engine, created.room.code, "")
    # No name is stored as none (no English stored), shown in the viewer's language.
    assert [a.member, b.member, c.member] == [
        rooms.Member(1, ""), rooms.Member(2, "Dré Jones"), rooms.Member(3, "")]
    assert [m.label("en") for m in (a.member, b.member, c.member)] == [
        "Member 1", "Dré Jones", "Member 3"]
    assert (c.member.label("cy"), b.member.label("cy")) == ("Aelod 3", "Dré Jones")
    assert a.token != b.token
    code = created.room.code
    rooms.send_entry(engine, code, a.token, POWYS, display_name="Social services")
    assert rooms.member_view(engine, code, a.token).member == rooms.Member(1, "Social services")
    rooms.send_entry(engine, code, a.token, POWYS, display_name=" ")
    assert rooms.member_view(engine, code, a.token).member.display_name == ""
    # A member's own label, typed in either language, is the default too (not stored).
    rooms.send_entry(engine, code, a.token, POWYS, display_name="Aelod 1")
    assert rooms.member_view(engine, code, a.token).member.label("en") == "Member 1"
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT display_name FROM members").scalars().all()
    assert "Member 1" not in stored and "Aelod 1" not in stored and "Member 3" not in stored
    with pytest.raises(rooms.BadText, match=r"^display name contains a control character "
                                            r"\(U\+0000 NUL\) at character 4"):
        rooms.join_room(engine, created.room.code, "Eve\x00")


def test_send_replace_and_withdraw(engine):
    created, (alice, bob) = _room_with_members(engine, 2)
    code = created.room.code
    v0 = rooms.room_version(engine, code)
    first = rooms.send_entry(engine, code, alice.token, POWYS, display_name="Alice")
    assert first.scenario_json == dumps_scenario(POWYS)
    assert (first.author, first.member_number, first.hidden) == ("Alice", 1, False)
    assert rooms.room_version(engine, code) == v0 + 1
    replaced = rooms.send_entry(engine, code, alice.token, GWENT)
    assert replaced.id == first.id and replaced.scenario_json == dumps_scenario(GWENT)
    assert replaced.updated_at >= first.updated_at and replaced.created_at == first.created_at
    rooms.send_entry(engine, code, bob.token, POWYS)
    board = rooms.board(engine, code)
    assert [(e.author_label(), e.scenario_json) for e in board.entries] == [
        ("Alice", dumps_scenario(GWENT)), ("Member 2", dumps_scenario(POWYS))]
    assert rooms.withdraw_entry(engine, code, alice.token) is True
    assert rooms.withdraw_entry(engine, code, alice.token) is False
    assert [e.author_label() for e in rooms.board(engine, code).entries] == ["Member 2"]
    assert rooms.member_view(engine, code, alice.token).entry is None
    assert rooms.member_view(engine, code, bob.token).entry.scenario_json == dumps_scenario(POWYS)


def test_a_scenario_too_large_is_refused(engine):
    created, (alice,) = _room_with_members(engine, 1)
    huge = Scenario("x" * (256 * 1024), ())
    with pytest.raises(rooms.LimitReached, match=r"the limit is 262,144 bytes"):
        rooms.send_entry(engine, created.room.code, alice.token, huge)
    assert _count(engine, entries) == 0


def test_entry_limit_per_room(engine, monkeypatch):
    monkeypatch.setattr(store, "MAX_ROOM_ENTRIES", 2)
    created, joined = _room_with_members(engine, 3)
    code = created.room.code
    rooms.send_entry(engine, code, joined[0].token, POWYS)
    rooms.send_entry(engine, code, joined[1].token, POWYS)
    with pytest.raises(rooms.LimitReached, match=f"room {code} has 2 entries; the limit is 2"):
        rooms.send_entry(engine, code, joined[2].token, POWYS)
    rooms.send_entry(engine, code, joined[0].token, GWENT)  # replacing is not a new entry
    assert _count(engine, entries) == 2


# Votes ---------------------------------------------------------------------------------------
def test_votes_up_to_three_changeable_and_shown_when_revealed(engine):
    created, joined = _room_with_members(engine, 5)
    code, key = created.room.code, created.key
    ids = [rooms.send_entry(engine, code, j.token, POWYS).id for j in joined[:4]]
    voter = joined[4]
    assert rooms.set_votes(engine, code, voter.token, [ids[0], ids[1], ids[0]]) == (
        ids[0], ids[1])
    with pytest.raises(rooms.LimitReached, match="4 votes given; each member has 3"):
        rooms.set_votes(engine, code, voter.token, ids)
    rooms.set_votes(engine, code, voter.token, [ids[2], ids[3], ids[0]])
    rooms.set_votes(engine, code, joined[0].token, [ids[0]])  # one's own entry is allowed
    assert rooms.member_view(engine, code, voter.token).voted_for == (ids[2], ids[3], ids[0])
    hidden_counts = [e.votes for e in rooms.board(engine, code).entries]
    assert hidden_counts == [None, None, None, None]
    assert [e.votes for e in rooms.board(engine, code, key=key).entries] == [2, 0, 1, 1]
    rooms.set_votes_revealed(engine, code, key, True)
    assert [e.votes for e in rooms.board(engine, code).entries] == [2, 0, 1, 1]
    rooms.set_votes(engine, code, voter.token, [])
    assert [e.votes for e in rooms.board(engine, code).entries] == [1, 0, 0, 0]


def test_votes_only_for_visible_entries_of_the_same_room(engine):
    created, (alice, bob) = _room_with_members(engine, 2)
    other, (carol,) = _room_with_members(engine, 1)
    code = created.room.code
    mine = rooms.send_entry(engine, code, alice.token, POWYS).id
    theirs = rooms.send_entry(engine, other.room.code, carol.token, POWYS).id
    with pytest.raises(rooms.RoomError, match=f"room {code} has no entry {theirs} to vote for"):
        rooms.set_votes(engine, code, bob.token, [theirs])
    rooms.set_hidden(engine, code, created.key, mine, True)
    with pytest.raises(rooms.RoomError, match=f"has no entry {mine} to vote for"):
        rooms.set_votes(engine, code, bob.token, [mine])
    with pytest.raises(rooms.RoomError, match="votes must name entries by their number"):
        rooms.set_votes(engine, code, bob.token, ["1"])
    assert _count(engine, votes) == 0


def test_withdrawing_removes_the_votes_given_to_the_entry(engine):
    created, (alice, bob) = _room_with_members(engine, 2)
    code = created.room.code
    entry = rooms.send_entry(engine, code, alice.token, POWYS).id
    rooms.set_votes(engine, code, bob.token, [entry])
    rooms.withdraw_entry(engine, code, alice.token)
    assert _count(engine, votes) == 0
    assert rooms.member_view(engine, code, bob.token).voted_for == ()


# Facilitator ---------------------------------------------------------------------------------
def test_hide_lock_reveal_and_delete(engine):
    created, (alice, bob) = _room_with_members(engine, 2)
    code, key = created.room.code, created.key
    a = rooms.send_entry(engine, code, alice.token, POWYS)
    rooms.send_entry(engine, code, bob.token, GWENT)
    rooms.set_hidden(engine, code, key, a.id, True)
    assert [e.author_label() for e in rooms.board(engine, code).entries] == ["Member 2"]
    assert [(e.author_label(), e.hidden) for e in rooms.board(engine, code, key=key).entries] == [
        ("Member 1", True), ("Member 2", False)]
    assert rooms.member_view(engine, code, alice.token).entry.hidden is True
    rooms.set_hidden(engine, code, key, a.id, False)
    assert len(rooms.board(engine, code).entries) == 2

    assert rooms.set_locked(engine, code, key, True).locked is True
    with pytest.raises(rooms.RoomLocked, match=f"room {code} is locked: no new entries or votes"):
        rooms.send_entry(engine, code, alice.token, GWENT)
    with pytest.raises(rooms.RoomLocked):
        rooms.set_votes(engine, code, alice.token, [a.id])
    with pytest.raises(rooms.RoomLocked, match="entries stay as they were when it was locked"):
        rooms.withdraw_entry(engine, code, bob.token)  # locking freezes the result
    assert rooms.set_locked(engine, code, key, False).locked is False
    assert rooms.withdraw_entry(engine, code, bob.token) is True
    rooms.send_entry(engine, code, bob.token, GWENT)

    rooms.delete_room(engine, code, key)
    with pytest.raises(rooms.RoomNotFound):
        rooms.get_room(engine, code)
    assert (_count(engine, members), _count(engine, entries), _count(engine, votes)) == (0, 0, 0)


FACILITATOR_ONLY = ("hide entry", "lock", "reveal votes", "export", "facilitator board",
                    "check key", "delete room")


def _controls(engine, code: str) -> dict:
    """Every control that needs a secret, as name -> call taking that secret."""
    e = engine
    return {
        "hide entry": lambda s: rooms.set_hidden(e, code, s, 1, True),
        "lock": lambda s: rooms.set_locked(e, code, s, True),
        "reveal votes": lambda s: rooms.set_votes_revealed(e, code, s, True),
        "export": lambda s: rooms.export_data(e, code, s),
        "facilitator board": lambda s: rooms.board(e, code, key=s),
        "check key": lambda s: rooms.check_key(e, code, s),
        "delete room": lambda s: rooms.delete_room(e, code, s),
        "send entry": lambda s: rooms.send_entry(e, code, s, POWYS),
        "withdraw": lambda s: rooms.withdraw_entry(e, code, s),
        "vote": lambda s: rooms.set_votes(e, code, s, [1]),
        "rename": lambda s: rooms.send_entry(e, code, s, POWYS, display_name="Mallory"),
        "member view": lambda s: rooms.member_view(e, code, s),
    }


def test_every_control_refuses_without_the_right_secret(engine):
    created, (alice,) = _room_with_members(engine, 1)
    other, (outsider,) = _room_with_members(engine, 1)
    code = created.room.code
    rooms.send_entry(engine, code, alice.token, POWYS)
    secrets_in_play = (created.key, alice.token, other.key, outsider.token)
    controls = _controls(engine, code)
    refused = 0
    for name, call in controls.items():
        good, swapped = ((created.key, alice.token) if name in FACILITATOR_ONLY
                         else (alice.token, created.key))
        for secret in (None, "", "x" * 500, good[:-1], good + "x", outsider.token, other.key,
                       swapped, good.upper()):
            if secret is None and name == "facilitator board":
                continue  # no key at all is the public board (tested above)
            before = rooms.room_version(engine, code)
            with pytest.raises(rooms.NotAllowed) as caught:
                call(secret)
            message = str(caught.value)
            assert "\n" not in message and message.startswith(f"room {code}: ")
            assert not any(s in message for s in secrets_in_play)
            assert rooms.room_version(engine, code) == before, name
            refused += 1
    assert refused == 12 * 9 - 1
    # The same controls with the right secret all work: members first (before the lock),
    # deletion last.
    order = ["send entry", "vote", "rename", "member view", "hide entry", "reveal votes",
             "export", "facilitator board", "check key", "withdraw", "lock", "delete room"]
    assert sorted(order) == sorted(controls)
    for name in order:
        controls[name](created.key if name in FACILITATOR_ONLY else alice.token)
    assert rooms.room_version(engine, code) is None


# Expiry and purge ----------------------------------------------------------------------------
def _joined_at(engine, code: str, when: datetime) -> None:
    """A member who joined at ``when`` (without touching the room's activity)."""
    with engine.begin() as conn:
        room_id = conn.execute(select(rooms_table.c.id).where(
            rooms_table.c.code == code)).scalar_one()
        conn.execute(members.insert().values(
            room_id=room_id, number=1, display_name="Member 1",
            token_hash=rooms.hash_secret(code), created_at=when))


def test_purge_deletes_rooms_idle_for_longer_than_the_limit(engine):
    now = datetime.now(UTC)
    old = rooms.create_room(engine, "Old", now=now - timedelta(days=25))
    _joined_at(engine, old.room.code, now - timedelta(days=25))
    recent = rooms.create_room(engine, "Recent", now=now - timedelta(days=5))
    _joined_at(engine, recent.room.code, now - timedelta(days=5))
    assert rooms.purge(engine, 10, now=now) == 1
    assert [s.room.code for s in rooms.list_rooms(engine)] == [recent.room.code]
    assert rooms.room_version(engine, old.room.code) is None
    assert rooms.purge(engine, 0, now=now) == 1
    assert rooms.list_rooms(engine) == ()


def test_a_room_nobody_joined_closes_after_48_hours(engine, monkeypatch):
    """Issue 22: one client filled the server with rooms nobody used, for 30 days."""
    now = datetime.now(UTC)
    empty = rooms.create_room(engine, "Empty", now=now - timedelta(hours=49))
    used = rooms.create_room(engine, "Used", now=now - timedelta(hours=49))
    _joined_at(engine, used.room.code, now - timedelta(hours=49))
    assert rooms.room_version(engine, empty.room.code) is None
    assert rooms.room_version(engine, used.room.code) == 1
    assert [s.room.code for s in rooms.list_rooms(engine)] == [used.room.code]
    assert rooms.purge(engine, 30, now=now) == 1


def test_an_expired_room_is_gone_before_it_is_purged(engine, monkeypatch):
    created, (alice,) = _room_with_members(engine, 1)
    later = datetime.now(UTC) + timedelta(days=31)
    monkeypatch.setattr(store, "utcnow", lambda: later)
    with pytest.raises(rooms.RoomNotFound):
        rooms.send_entry(engine, created.room.code, alice.token, POWYS)
    monkeypatch.setenv("MASH_ROOM_EXPIRY_DAYS", "60")
    config.current.cache_clear()  # settings are read once per process
    rooms.send_entry(engine, created.room.code, alice.token, POWYS)  # now within the limit


def test_activity_postpones_expiry(engine, monkeypatch):
    created, (alice,) = _room_with_members(engine, 1)
    later = datetime.now(UTC) + timedelta(days=20)
    monkeypatch.setattr(store, "utcnow", lambda: later)
    rooms.send_entry(engine, created.room.code, alice.token, POWYS)
    assert rooms.get_room(engine, created.room.code).expires_at == later + timedelta(days=30)


# Persistence, concurrency, migrations --------------------------------------------------------
def test_rooms_survive_a_restart(db_url):
    first = db.make_engine(db_url)
    db.upgrade(first)
    created = rooms.create_room(first, "Board")
    joined = rooms.join_room(first, created.room.code, "Alice")
    rooms.send_entry(first, created.room.code, joined.token, POWYS)
    first.dispose()
    second = db.make_engine(db_url)
    db.upgrade(second)
    try:
        board = rooms.board(second, created.room.code)
        assert [(e.author_label(), e.scenario_json) for e in board.entries] == [
            ("Alice", dumps_scenario(POWYS))]
        assert rooms.check_key(second, created.room.code, created.key).name == "Board"
        rooms.withdraw_entry(second, created.room.code, joined.token)  # the token still works
    finally:
        second.dispose()


def _together(n: int, work):
    """Run ``work(i)`` in ``n`` threads released together; returns results and errors."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results, errors


def test_thirty_members_joining_and_sending_at_once(engine):
    created = rooms.create_room(engine, "Board")
    code = created.room.code

    def member(i: int):
        joined = rooms.join_room(engine, code, f"Member from thread {i}")
        return rooms.send_entry(engine, code, joined.token, Scenario(f"Scenario {i}", ()))

    results, errors = _together(30, member)
    assert errors == []
    board = rooms.board(engine, code)
    assert len(board.entries) == 30 == board.members
    assert sorted(e.member_number for e in board.entries) == list(range(1, 31))
    assert sorted(e.author for e in board.entries) == sorted(
        f"Member from thread {i}" for i in range(30))
    assert len({e.scenario_json for e in board.entries}) == 30
    assert board.room.version == 1 + 30 * 2  # every join and every send counted once


def test_the_entry_limit_holds_under_concurrent_sends(engine, monkeypatch):
    monkeypatch.setattr(store, "MAX_ROOM_ENTRIES", 10)
    created, joined = _room_with_members(engine, 30)

    def send(i: int):
        return rooms.send_entry(engine, created.room.code, joined[i].token, POWYS)

    results, errors = _together(30, send)
    assert len([r for r in results if r is not None]) == 10
    assert len(errors) == 20 and all(isinstance(e, rooms.LimitReached) for e in errors)
    assert _count(engine, entries) == 10


def _head() -> str:
    """The newest migration (rooms' 0001, then the editions' and any later one)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config()).get_current_head()


def test_migrations_are_idempotent_and_match_the_schema(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db.upgrade(engine)
    db.upgrade(engine)
    assert db.current_revision(engine) == _head()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), all_tables())
    assert diff == []


def test_processes_starting_at_once_migrate_once(db_url):
    script = "import sys; from explorer.storage import db; db.upgrade(db.make_engine(sys.argv[1]))"
    procs = [
        subprocess.Popen([sys.executable, "-c", script, db_url], cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert outcomes == [(0, "")] * 4
    engine = db.make_engine(db_url)
    try:
        assert db.current_revision(engine) == _head()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    finally:
        engine.dispose()


# Votes one at a time, and the lock that freezes ---------------------------------------------
def test_votes_per_entry_with_the_limit_and_in_welsh(engine):
    created, joined = _room_with_members(engine, 5)
    code, key = created.room.code, created.key
    ids = [rooms.send_entry(engine, code, j.token, POWYS).id for j in joined[:4]]
    voter = joined[4].token
    assert rooms.add_vote(engine, code, voter, ids[0]) == (ids[0],)
    assert rooms.add_vote(engine, code, voter, ids[0]) == (ids[0],)  # again: no change
    assert rooms.add_vote(engine, code, voter, ids[1]) == (ids[0], ids[1])
    assert rooms.add_vote(engine, code, voter, ids[2]) == (ids[0], ids[1], ids[2])
    with pytest.raises(rooms.LimitReached) as caught:
        rooms.add_vote(engine, code, voter, ids[3])
    assert str(caught.value) == "you have used your 3 votes: take one back first"
    assert caught.value.say("cy") == ("rydych wedi defnyddio eich 3 pleidlais: tynnwch un yn "
                                      "ôl yn gyntaf")
    assert rooms.remove_vote(engine, code, voter, ids[1]) == (ids[0], ids[2])
    assert rooms.remove_vote(engine, code, voter, ids[1]) == (ids[0], ids[2])  # none to remove
    assert rooms.add_vote(engine, code, voter, ids[3]) == (ids[0], ids[2], ids[3])
    assert [e.votes for e in rooms.board(engine, code, key=key).entries] == [1, 0, 1, 1]
    with pytest.raises(rooms.RoomError, match="votes must name entries by their number"):
        rooms.add_vote(engine, code, voter, "1")
    with pytest.raises(rooms.NotAllowed):
        rooms.add_vote(engine, code, key, ids[1])
    # A hidden entry cannot be voted for, and its vote does not use one of the three.
    rooms.set_hidden(engine, code, key, ids[0], True)
    with pytest.raises(rooms.RoomError, match=f"has no entry {ids[0]} to vote for"):
        rooms.add_vote(engine, code, voter, ids[0])
    assert rooms.add_vote(engine, code, voter, ids[1]) == (ids[2], ids[3], ids[1])
    board = rooms.board(engine, code, key=key)
    assert (board.members, board.voters) == (5, 1)


def test_twenty_members_voting_at_once_lose_no_vote(engine):
    """20 members cast 3 votes each at the same moment (60 writes): every vote is stored, and
    a 4th vote each, sent at the same moment too, is refused for all of them."""
    created, joined = _room_with_members(engine, 24)
    code, key = created.room.code, created.key
    ids = [rooms.send_entry(engine, code, j.token, POWYS).id for j in joined[20:24]]
    wanted = {i: [ids[(i + k) % 4] for k in range(3)] for i in range(20)}
    calls = [(i, e) for i in range(20) for e in wanted[i]]

    def vote(n: int):
        i, entry = calls[n]
        return rooms.add_vote(engine, code, joined[i].token, entry)

    results, errors = _together(len(calls), vote)
    assert errors == []
    for i in range(20):
        stored = rooms.member_view(engine, code, joined[i].token).voted_for
        assert sorted(stored) == sorted(wanted[i]), i
    board = rooms.board(engine, code, key=key)
    assert sum(e.votes for e in board.entries) == 60 and board.voters == 20

    def fourth(i: int):
        return rooms.add_vote(engine, code, joined[i].token, ids[(i + 3) % 4])

    results, errors = _together(20, fourth)
    assert len(errors) == 20 and all(isinstance(e, rooms.LimitReached) for e in errors)
    assert _count(engine, votes) == 60


def test_a_locked_room_is_frozen_for_members_and_the_facilitator(engine):
    created, (alice, bob, carol) = _room_with_members(engine, 3)
    code, key = created.room.code, created.key
    a = rooms.send_entry(engine, code, alice.token, POWYS).id
    b = rooms.send_entry(engine, code, bob.token, GWENT).id
    rooms.add_vote(engine, code, carol.token, a)
    rooms.add_vote(engine, code, bob.token, a)
    rooms.set_locked(engine, code, key, True)
    rooms.set_votes_revealed(engine, code, key, True)
    before = rooms.export_data(engine, code, key)
    public_before = rooms.board(engine, code)
    attempts = {
        "withdraw": lambda: rooms.withdraw_entry(engine, code, alice.token),
        "send": lambda: rooms.send_entry(engine, code, alice.token, GWENT),
        "replace": lambda: rooms.send_entry(engine, code, bob.token, POWYS),
        "vote": lambda: rooms.add_vote(engine, code, alice.token, b),
        "unvote": lambda: rooms.remove_vote(engine, code, carol.token, a),
        "set votes": lambda: rooms.set_votes(engine, code, bob.token, []),
        "hide": lambda: rooms.set_hidden(engine, code, key, a, True),
        "remove member": lambda: rooms.remove_member(engine, code, key, 1),
    }
    for name, attempt in attempts.items():
        with pytest.raises(rooms.RoomLocked) as caught:
            attempt()
        assert caught.value.say("cy").startswith(f"mae ystafell {code} wedi'i chloi"), name
    after = rooms.export_data(engine, code, key)
    assert after.entries == before.entries and rooms.board(engine, code).entries == \
        public_before.entries
    assert [(e.author_label(), e.votes) for e in after.entries] == [
        ("Member 1", 2), ("Member 2", 0)]


def test_refusals_come_from_the_message_catalogue_in_both_languages(engine):
    from explorer.i18n import catalogue

    created, (alice,) = _room_with_members(engine, 1)
    code = created.room.code
    refusals = [
        lambda: rooms.get_room(engine, "ZZZZZZZ"),
        lambda: rooms.get_room(engine, "??"),
        lambda: rooms.check_key(engine, code, "wrong"),
        lambda: rooms.member_view(engine, code, "wrong-token"),
        lambda: rooms.add_vote(engine, code, alice.token, 999),
        lambda: rooms.create_room(engine, "x" * 200),
        lambda: rooms.create_room(engine, " "),
        lambda: rooms.join_room(engine, code, "May 2019 (reference)"),
        lambda: rooms.join_room(engine, code, "a\u200fb"),
        lambda: rooms.join_room(engine, code, "bad\x1bname"),
    ]
    for refuse in refusals:
        with pytest.raises(rooms.RoomError) as caught:
            refuse()
        error = caught.value
        assert error.key and f"room_error.{error.key}" in catalogue()
        assert error.say("en") == str(error)
        assert error.say("cy") != str(error), error.key
