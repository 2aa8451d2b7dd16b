"""Workshop rooms in the database: plain functions over an :class:`~sqlalchemy.Engine`.

The engine comes from :mod:`explorer.storage.db`; the values and errors returned are in
:mod:`explorer.rooms.model`. Every write is one transaction that first locks the room
(``SELECT ... FOR UPDATE`` on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite) and bumps the
room's ``version``, the cheap number the live board polls.

Who may do what:

* the **join code** (six characters, :data:`~explorer.limits.ROOM_CODE_ALPHABET`) lets anyone
  read the board (:func:`board`) and join (:func:`join_room`);
* a **member token** (given once by :func:`join_room`) lets that member send, replace or
  withdraw their one entry and vote (:func:`send_entry`, :func:`withdraw_entry`,
  :func:`~explorer.rooms.votes.add_vote` and the rest of :mod:`explorer.rooms.votes`);
* the **facilitator key** (given once by :func:`create_room`) unlocks hiding entries,
  locking the room, revealing votes, export and deletion.

Keys and tokens never appear in a message. What is stored: the room's name, members'
display names, their scenarios and votes, and times of activity; nothing else. Rooms are
deleted :func:`~explorer.rooms.model.expiry_days` after their last activity (and look gone
from that moment). A database that cannot be reached raises
:class:`explorer.storage.db.StorageUnavailable` (one line), never a driver's exception.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from explorer.limits import (
    MAX_DISPLAY_NAME_CHARS,
    MAX_OPEN_ROOMS,
    MAX_ROOM_ENTRIES,
    MAX_ROOM_EXPIRY_DAYS,
    MAX_ROOM_MEMBERS,
    MAX_ROOM_NAME_CHARS,
    ROOM_CODE_LENGTH,
    UNJOINED_ROOM_EXPIRY_HOURS,
)
from explorer.rooms.model import (
    KEY_BYTES,
    MAX_SECRET_CHARS,
    TOKEN_BYTES,
    Board,
    Created,
    Entry,
    Joined,
    LimitReached,
    Member,
    MemberView,
    NotAllowed,
    Room,
    RoomError,
    RoomLocked,
    RoomNotFound,
    check_member_label,
    clean_name,
    expiry_days,
    hash_secret,
    new_code,
    normalise_code,
    scenario_text,
    secret_matches,
    stored_name,
    utcnow,
)
from explorer.rooms.schema import entries, members, rooms, votes
from explorer.scenario import Scenario
from explorer.storage.db import translated, writer
from explorer.text import quote


# Reading rows -------------------------------------------------------------------------------
def _room_of(row: Row, days: int) -> Room:
    return Room(
        code=row.code,
        name=row.name,
        created_at=row.created_at,
        last_activity=row.last_activity,
        locked=bool(row.locked),
        votes_revealed=bool(row.votes_revealed),
        version=int(row.version),
        expires_at=row.last_activity + timedelta(days=days),
        board_version=int(row.board_version),
    )


def live(now: datetime | None = None):
    """The condition on ``rooms`` for a room that is still open at ``now``: active within
    :func:`expiry_days`, and, when nobody has joined it, within
    :data:`~explorer.limits.UNJOINED_ROOM_EXPIRY_HOURS`."""
    now = now or utcnow()
    joined = select(members.c.id).where(members.c.room_id == rooms.c.id).exists()
    return and_(
        rooms.c.last_activity >= now - timedelta(days=expiry_days()),
        or_(joined, rooms.c.last_activity >= now - timedelta(hours=UNJOINED_ROOM_EXPIRY_HOURS)),
    )


def _find_room(conn: Connection, code: Any, *, lock: bool = False) -> Row:
    """The open room with this code, or :class:`RoomNotFound`; ``lock`` for writers."""
    canonical = normalise_code(code)
    if canonical is None:
        raise RoomNotFound.of("not_a_code", n=ROOM_CODE_LENGTH)
    query = select(rooms).where(rooms.c.code == canonical, live())
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise RoomNotFound.of("no_room", code=canonical)
    return row


def _check_key(room: Row, key: Any) -> None:
    if not secret_matches(room.key_hash, key):
        raise NotAllowed.of("facilitator_only", code=room.code)


def _find_member(conn: Connection, room: Row, token: Any) -> Row:
    row = None
    if isinstance(token, str) and token and len(token) <= MAX_SECRET_CHARS:
        try:
            digest = hash_secret(token)
        except UnicodeEncodeError:
            digest = None
        if digest is not None:
            row = conn.execute(
                select(members).where(
                    members.c.room_id == room.id, members.c.token_hash == digest
                )
            ).first()
    if row is None or not secret_matches(row.token_hash, token):
        raise NotAllowed.of("unknown_member", code=room.code)
    if row.removed:
        raise NotAllowed.of("member_removed", code=room.code)
    return row


def _touch(conn: Connection, room: Row, *, public: bool = True) -> None:
    """Bump the room's version (and, when ``public``, the version public boards poll)."""
    conn.execute(
        update(rooms)
        .where(rooms.c.id == room.id)
        .values(version=rooms.c.version + 1, last_activity=utcnow(),
                board_version=rooms.c.board_version + (1 if public else 0))
    )


def _entries(conn: Connection, room: Row, *, include_hidden: bool, with_votes: bool):
    counts = (
        select(votes.c.entry_id, func.count().label("n"))
        .where(votes.c.room_id == room.id)
        .group_by(votes.c.entry_id)
        .subquery()
    )
    query = (
        select(
            entries.c.id, entries.c.scenario_json, entries.c.hidden, entries.c.created_at,
            entries.c.updated_at, members.c.number, members.c.display_name,
            func.coalesce(counts.c.n, 0).label("votes"),
        )
        .join(members, members.c.id == entries.c.member_id)
        .outerjoin(counts, counts.c.entry_id == entries.c.id)
        .where(entries.c.room_id == room.id)
        .order_by(entries.c.id)
    )
    if not include_hidden:
        query = query.where(entries.c.hidden.is_(False))
    return tuple(
        Entry(
            id=r.id, member_number=r.number, author=stored_name(r.display_name, r.number),
            scenario_json=r.scenario_json, hidden=bool(r.hidden), created_at=r.created_at,
            updated_at=r.updated_at, votes=int(r.votes) if with_votes else None,
        )
        for r in conn.execute(query)
    )


def _member_count(conn: Connection, room: Row, *, removed: bool = False) -> int:
    """Members of the room (``removed``: counting those the facilitator removed too)."""
    query = select(func.count()).select_from(members).where(members.c.room_id == room.id)
    if not removed:
        query = query.where(members.c.removed.is_(False))
    return conn.execute(query).scalar_one()


# Anyone with the code -----------------------------------------------------------------------
@translated
def create_room(engine: Engine, name: Any, *, now: datetime | None = None) -> Created:
    """Open a room named ``name``; returns it with its facilitator key (shown only now).

    Expired rooms are purged first. The code is unique among stored rooms (a clash with
    another creator at the same moment is retried with a new code).
    """
    clean = clean_name(name, "room name", MAX_ROOM_NAME_CHARS)
    now = now or utcnow()
    purge(engine, expiry_days(), now=now)
    key = secrets.token_urlsafe(KEY_BYTES)
    for _attempt in range(8):
        code = new_code()
        try:
            with writer(engine).begin() as conn:
                open_rooms = conn.execute(select(func.count()).select_from(rooms)).scalar_one()
                if open_rooms >= MAX_OPEN_ROOMS:
                    raise LimitReached.of("server_full", n=open_rooms,
                                          hours=UNJOINED_ROOM_EXPIRY_HOURS)
                if conn.execute(select(rooms.c.id).where(rooms.c.code == code)).first():
                    continue
                conn.execute(
                    insert(rooms).values(
                        code=code, name=clean, key_hash=hash_secret(key), created_at=now,
                        last_activity=now, locked=False, votes_revealed=False, version=1,
                        board_version=1,
                    )
                )
                row = conn.execute(select(rooms).where(rooms.c.code == code)).one()
                return Created(_room_of(row, expiry_days()), key)
        except IntegrityError:
            continue  # another room took the same code at the same moment
    raise RoomError.of("no_free_code")


@translated
def get_room(engine: Engine, code: Any) -> Room:
    """The open room with this code (:class:`RoomNotFound` otherwise)."""
    with engine.connect() as conn:
        return _room_of(_find_room(conn, code), expiry_days())


@translated
def room_version(engine: Engine, code: Any, *, public: bool = False) -> int | None:
    """The room's change counter (one indexed row), or None once the room is gone.

    ``public``: the counter of what a board without the key shows (votes changed while they
    are hidden do not bump it)."""
    canonical = normalise_code(code)
    if canonical is None:
        return None
    column = rooms.c.board_version if public else rooms.c.version
    with engine.connect() as conn:
        return conn.execute(select(column).where(rooms.c.code == canonical, live())).scalar()


@translated
def board(engine: Engine, code: Any, key: str | None = None) -> Board:
    """Everything the board shows, read in one transaction.

    Without a key: visible entries, and vote counts only once the facilitator has revealed
    them. With the facilitator key: hidden entries too, and vote counts always. A wrong key
    is refused (:class:`NotAllowed`) rather than quietly ignored.
    """
    with engine.connect() as conn:
        room = _find_room(conn, code)
        facilitator = key is not None
        if facilitator:
            _check_key(room, key)
        shown = facilitator or bool(room.votes_revealed)
        return Board(
            room=_room_of(room, expiry_days()),
            entries=_entries(conn, room, include_hidden=facilitator, with_votes=shown),
            members=_member_count(conn, room),
            votes_shown=bool(room.votes_revealed),
            voters=conn.execute(
                select(func.count(func.distinct(votes.c.member_id))).where(
                    votes.c.room_id == room.id)).scalar_one(),
        )


@translated
def join_room(engine: Engine, code: Any, display_name: Any = None) -> Joined:
    """Join a room as the next member; returns the member and their token (shown only now).

    N counts members in the order they joined. An empty display name (or the member's own
    label, "Member N") is stored as ``""`` and shown as "Member N" in each viewer's language
    (:meth:`Member.label`): no English is stored.
    """
    name = clean_name(display_name, "display name", MAX_DISPLAY_NAME_CHARS, optional=True,
                      member_labels=True)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        count = _member_count(conn, room, removed=True)
        if count >= MAX_ROOM_MEMBERS:
            raise LimitReached.of("members_full", code=room.code, n=count,
                                  limit=MAX_ROOM_MEMBERS)
        number = 1 + conn.execute(
            select(func.coalesce(func.max(members.c.number), 0)).where(
                members.c.room_id == room.id
            )
        ).scalar_one()
        if name:
            check_member_label(name, number)
        name = stored_name(name, number)
        conn.execute(
            insert(members).values(
                room_id=room.id, number=number, display_name=name,
                token_hash=hash_secret(token), created_at=utcnow(), hidden=False, removed=False,
            )
        )
        _touch(conn, room)
    return Joined(Member(number, name), token)


@translated
def member_view(engine: Engine, code: Any, token: Any) -> MemberView:
    """The member's own name, entry (hidden or not) and votes; :class:`NotAllowed` if unknown."""
    with engine.connect() as conn:
        room = _find_room(conn, code)
        member = _find_member(conn, room, token)
        own = [
            e for e in _entries(conn, room, include_hidden=True, with_votes=False)
            if e.member_number == member.number
        ]
        voted = conn.execute(
            select(votes.c.entry_id).where(votes.c.member_id == member.id).order_by(votes.c.id)
        ).scalars()
        return MemberView(
            room=_room_of(room, expiry_days()),
            member=Member(member.number, stored_name(member.display_name, member.number)),
            entry=own[0] if own else None,
            voted_for=tuple(voted),
        )


@translated
def send_entry(
    engine: Engine, code: Any, token: Any, scenario: Scenario, display_name: Any = None
) -> Entry:
    """Send the member's scenario to the board, replacing their earlier entry if any.

    ``display_name``, when given, renames the member in the same transaction. Refused when
    the room is locked, the scenario is too large, or the room has its 200 visible entries
    (hidden ones do not count). An entry the facilitator hid stays hidden when it is replaced,
    or withdrawn and sent again. A replaced entry keeps its votes only when the scenario is
    the same: votes are for what was voted for.
    """
    text = scenario_text(scenario)
    name = None
    if display_name is not None:
        name = clean_name(display_name, "display name", MAX_DISPLAY_NAME_CHARS, optional=True,
                          member_labels=True)
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        member = _find_member(conn, room, token)
        if room.locked:
            raise RoomLocked.of("locked", code=room.code)
        now = utcnow()
        if name is not None:
            if name:
                check_member_label(name, member.number)
            name = stored_name(name, member.number)
            conn.execute(
                update(members).where(members.c.id == member.id).values(display_name=name)
            )
        found = conn.execute(
            select(entries.c.id, entries.c.scenario_json).where(entries.c.member_id == member.id)
        ).first()
        existing = found.id if found is not None else None
        if existing is None and not member.hidden:
            count = conn.execute(
                select(func.count()).select_from(entries).where(
                    entries.c.room_id == room.id, entries.c.hidden.is_(False))
            ).scalar_one()
            if count >= MAX_ROOM_ENTRIES:
                raise LimitReached.of("entries_full", code=room.code, n=count,
                                      limit=MAX_ROOM_ENTRIES)
        if existing is None:
            existing = conn.execute(
                insert(entries)
                .values(
                    room_id=room.id, member_id=member.id, scenario_json=text,
                    hidden=bool(member.hidden), created_at=now, updated_at=now,
                )
                .returning(entries.c.id)
            ).scalar_one()
        else:
            if found.scenario_json != text:  # a different scenario starts without votes
                conn.execute(delete(votes).where(votes.c.entry_id == existing))
            conn.execute(
                update(entries)
                .where(entries.c.id == existing)
                .values(scenario_json=text, updated_at=now)
            )
        _touch(conn, room)
        (entry,) = [
            e for e in _entries(conn, room, include_hidden=True, with_votes=False)
            if e.id == existing
        ]
        return entry


@translated
def withdraw_entry(engine: Engine, code: Any, token: Any) -> bool:
    """Take the member's entry (and the votes given to it) off the board.

    Refused in a locked room (:class:`RoomLocked`): locking freezes entries and votes, so the
    board and every export show the room as it was locked. Returns False when the member had
    no entry.
    """
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        member = _find_member(conn, room, token)
        if room.locked:
            raise RoomLocked.of("locked_withdraw", code=room.code)
        gone = conn.execute(delete(entries).where(entries.c.member_id == member.id)).rowcount
        if gone:
            _touch(conn, room)
        return bool(gone)


# Facilitator (the key) ----------------------------------------------------------------------
@translated
def check_key(engine: Engine, code: Any, key: Any) -> Room:
    """The room, if ``key`` is its facilitator key; :class:`NotAllowed` otherwise."""
    with engine.connect() as conn:
        room = _find_room(conn, code)
        _check_key(room, key)
        return _room_of(room, expiry_days())


def _facilitator_update(engine: Engine, code: Any, key: Any, **values: Any) -> Room:
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        _check_key(room, key)
        conn.execute(update(rooms).where(rooms.c.id == room.id).values(**values))
        _touch(conn, room)
        return _room_of(_find_room(conn, code), expiry_days())


@translated
def set_locked(engine: Engine, code: Any, key: Any, locked: bool) -> Room:
    """Lock (no new entries, replacements or votes) or unlock the room."""
    return _facilitator_update(engine, code, key, locked=bool(locked))


@translated
def set_votes_revealed(engine: Engine, code: Any, key: Any, revealed: bool) -> Room:
    """Show (or hide again) the vote counts on everyone's board."""
    return _facilitator_update(engine, code, key, votes_revealed=bool(revealed))


@translated
def set_hidden(engine: Engine, code: Any, key: Any, entry_id: Any, hidden: bool) -> None:
    """Hide an entry from the board (it stays stored and can be shown again). Refused while
    the room is locked (the board stays as it was locked)."""
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        _check_key(room, key)
        if room.locked:
            raise RoomLocked.of("locked_facilitator", code=room.code)
        author = conn.execute(
            select(entries.c.member_id).where(
                entries.c.room_id == room.id, entries.c.id == _entry_id(entry_id))
        ).scalar()
        if author is None:
            raise RoomError.of("no_entry", code=room.code, entry=quote(entry_id))
        conn.execute(update(entries).where(entries.c.id == entry_id).values(hidden=bool(hidden)))
        # Kept on the member too, so withdrawing and sending again does not undo it.
        conn.execute(update(members).where(members.c.id == author).values(hidden=bool(hidden)))
        _touch(conn, room)


def _entry_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RoomError.of("entry_not_a_number")
    return value


@translated
def remove_member(engine: Engine, code: Any, key: Any, number: Any) -> None:
    """Remove member ``number`` for good: their entry and votes go, and their member link is
    refused from then on (they cannot send, vote or come back with it). Refused while the
    room is locked."""
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        _check_key(room, key)
        if room.locked:
            raise RoomLocked.of("locked_facilitator", code=room.code)
        if isinstance(number, bool) or not isinstance(number, int):
            raise RoomError.of("member_not_a_number")
        member = conn.execute(
            select(members.c.id).where(members.c.room_id == room.id, members.c.number == number)
        ).scalar()
        if member is None:
            raise RoomError.of("no_member", code=room.code, number=number)
        conn.execute(delete(votes).where(votes.c.member_id == member))
        conn.execute(delete(entries).where(entries.c.member_id == member))
        conn.execute(update(members).where(members.c.id == member).values(removed=True))
        _touch(conn, room)


@translated
def export_data(engine: Engine, code: Any, key: Any) -> Board:
    """Every entry, hidden or not, with its vote count (the facilitator's export)."""
    return board(engine, code, key=key if isinstance(key, str) else "")


@translated
def delete_room(engine: Engine, code: Any, key: Any) -> None:
    """Delete the room with its members, entries and votes, for good."""
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        _check_key(room, key)
        conn.execute(delete(rooms).where(rooms.c.id == room.id))


@translated
def purge(engine: Engine, older_than_days: int, *, now: datetime | None = None) -> int:
    """Delete every room whose last activity is more than ``older_than_days`` days ago.

    Rooms nobody joined go after :data:`~explorer.limits.UNJOINED_ROOM_EXPIRY_HOURS`.
    Returns how many rooms were deleted (with their members, entries and votes).
    """
    if isinstance(older_than_days, bool) or not isinstance(older_than_days, int):
        raise RoomError("the number of days must be a whole number")
    if not 0 <= older_than_days <= MAX_ROOM_EXPIRY_DAYS:
        raise RoomError(
            f"the number of days must be from 0 to {MAX_ROOM_EXPIRY_DAYS}, not {older_than_days}"
        )
    now = now or utcnow()
    cutoff = now - timedelta(days=older_than_days)
    joined = select(members.c.id).where(members.c.room_id == rooms.c.id).exists()
    unjoined_cutoff = now - timedelta(hours=UNJOINED_ROOM_EXPIRY_HOURS)
    with writer(engine).begin() as conn:
        return conn.execute(delete(rooms).where(or_(
            rooms.c.last_activity < cutoff,
            and_(~joined, rooms.c.last_activity < unjoined_cutoff),
        ))).rowcount
