"""Rooms for whoever runs the server (``python -m explorer rooms``): no secret needed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, func, select

from explorer.rooms.model import Board, RoomSummary, expiry_days
from explorer.rooms.schema import entries, members, rooms
from explorer.rooms.store import _entries, _find_room, _member_count, _room_of, live, purge
from explorer.storage.db import translated, writer

__all__ = ["delete_as_operator", "export_as_operator", "list_rooms", "purge"]


@translated
def list_rooms(engine: Engine) -> tuple[RoomSummary, ...]:
    """Every open room, newest activity first, with its member and entry counts."""
    days = expiry_days()
    n_members = (
        select(func.count()).where(members.c.room_id == rooms.c.id).scalar_subquery()
    )
    n_entries = (
        select(func.count()).where(entries.c.room_id == rooms.c.id).scalar_subquery()
    )
    with engine.connect() as conn:
        result = conn.execute(
            select(rooms, n_members.label("n_members"), n_entries.label("n_entries"))
            .where(live())
            .order_by(rooms.c.last_activity.desc(), rooms.c.id.desc())
        )
        return tuple(
            RoomSummary(_room_of(r, days), int(r.n_members), int(r.n_entries)) for r in result
        )


@translated
def export_as_operator(engine: Engine, code: Any) -> Board:
    """:func:`export_data` without the key, for the command line."""
    with engine.connect() as conn:
        room = _find_room(conn, code)
        return Board(
            room=_room_of(room, expiry_days()),
            entries=_entries(conn, room, include_hidden=True, with_votes=True),
            members=_member_count(conn, room),
            votes_shown=bool(room.votes_revealed),
        )


@translated
def delete_as_operator(engine: Engine, code: Any) -> None:
    """:func:`delete_room` without the key, for the command line."""
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        conn.execute(delete(rooms).where(rooms.c.id == room.id))
