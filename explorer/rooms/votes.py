"""Members' votes: one vote at a time (:func:`add_vote`, :func:`remove_vote`) or all at once
(:func:`set_votes`, used by benches and tests). Split from :mod:`explorer.rooms.store`, whose
room and member lookups it shares; every write is one transaction with the room locked, and
the limit (:data:`~explorer.limits.MAX_VOTES_PER_MEMBER`) is checked inside it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, insert, select

from explorer.limits import MAX_VOTES_PER_MEMBER
from explorer.rooms.model import LimitReached, RoomError, RoomLocked, utcnow
from explorer.rooms.schema import entries, votes
from explorer.rooms.store import _find_member, _find_room, _touch
from explorer.storage.db import translated, writer


@translated
def set_votes(engine: Engine, code: Any, token: Any, entry_ids: Iterable[Any]) -> tuple[int, ...]:
    """Replace the member's votes with one vote for each entry in ``entry_ids``.

    At most :data:`MAX_VOTES_PER_MEMBER` distinct visible entries of this room; refused when
    the room is locked.
    """
    wanted: list[int] = []
    for value in entry_ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RoomError.of("vote_not_a_number")
        if value not in wanted:
            wanted.append(value)
    if len(wanted) > MAX_VOTES_PER_MEMBER:
        raise LimitReached.of("too_many_votes", n=len(wanted), limit=MAX_VOTES_PER_MEMBER)
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        member = _find_member(conn, room, token)
        if room.locked:
            raise RoomLocked.of("locked", code=room.code)
        if wanted:
            found = set(
                conn.execute(
                    select(entries.c.id).where(
                        entries.c.room_id == room.id,
                        entries.c.hidden.is_(False),
                        entries.c.id.in_(wanted),
                    )
                ).scalars()
            )
            missing = [i for i in wanted if i not in found]
            if missing:
                raise RoomError.of("no_entry_to_vote", code=room.code, entry=missing[0])
        conn.execute(delete(votes).where(votes.c.member_id == member.id))
        now = utcnow()
        for entry_id in wanted:
            conn.execute(
                insert(votes).values(
                    room_id=room.id, member_id=member.id, entry_id=entry_id, created_at=now
                )
            )
        _touch(conn, room, public=bool(room.votes_revealed))  # hidden votes: boards unchanged
    return tuple(wanted)


def _own_votes(conn: Connection, member: Row) -> tuple[int, ...]:
    """The entries this member votes for that are on the board (oldest vote first)."""
    return tuple(conn.execute(
        select(votes.c.entry_id)
        .join(entries, entries.c.id == votes.c.entry_id)
        .where(votes.c.member_id == member.id, entries.c.hidden.is_(False))
        .order_by(votes.c.id)
    ).scalars())


@translated
def add_vote(engine: Engine, code: Any, token: Any, entry_id: Any) -> tuple[int, ...]:
    """One vote for entry ``entry_id``; returns the member's votes now (entries on the board).

    The limit (:data:`MAX_VOTES_PER_MEMBER` votes for entries on the board) is checked in the
    same transaction as the vote is stored, with the room locked for writing, so members
    voting at the same moment are each stored, and none can pass the limit. Voting again for
    the same entry changes nothing. Refused when the room is locked.
    """
    if isinstance(entry_id, bool) or not isinstance(entry_id, int):
        raise RoomError.of("vote_not_a_number")
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        member = _find_member(conn, room, token)
        if room.locked:
            raise RoomLocked.of("locked", code=room.code)
        on_board = conn.execute(select(entries.c.id).where(
            entries.c.room_id == room.id, entries.c.id == entry_id,
            entries.c.hidden.is_(False))).first()
        if on_board is None:
            raise RoomError.of("no_entry_to_vote", code=room.code, entry=entry_id)
        mine = _own_votes(conn, member)
        if entry_id in mine:
            return mine
        if len(mine) >= MAX_VOTES_PER_MEMBER:
            raise LimitReached.of("votes_used", limit=MAX_VOTES_PER_MEMBER)
        conn.execute(delete(votes).where(  # a vote kept while the entry was hidden
            votes.c.member_id == member.id, votes.c.entry_id == entry_id))
        conn.execute(insert(votes).values(room_id=room.id, member_id=member.id,
                                          entry_id=entry_id, created_at=utcnow()))
        _touch(conn, room, public=bool(room.votes_revealed))
        return (*mine, entry_id)


@translated
def remove_vote(engine: Engine, code: Any, token: Any, entry_id: Any) -> tuple[int, ...]:
    """Take back the member's vote for ``entry_id`` (nothing when there is none); returns the
    member's votes now. Refused when the room is locked."""
    if isinstance(entry_id, bool) or not isinstance(entry_id, int):
        raise RoomError.of("vote_not_a_number")
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        member = _find_member(conn, room, token)
        if room.locked:
            raise RoomLocked.of("locked", code=room.code)
        gone = conn.execute(delete(votes).where(
            votes.c.member_id == member.id, votes.c.entry_id == entry_id)).rowcount
        if gone:
            _touch(conn, room, public=bool(room.votes_revealed))
        return _own_votes(conn, member)
