"""Workshop rooms: board members send scenarios to one shared board, kept in a database.

The package by job:

* :mod:`~explorer.rooms.model`: values returned, errors, and the pure rules (join codes,
  names, secrets, expiry);
* :mod:`~explorer.rooms.schema`: the tables (migrations in ``explorer/storage/migrations``);
* :mod:`~explorer.rooms.store`: reading and writing rooms (facilitator, members, entries);
* :mod:`~explorer.rooms.votes`: members' votes, one at a time, the limit in the transaction;
* :mod:`~explorer.rooms.operator`: the operator's commands (list, export, delete, purge);
* :mod:`~explorer.rooms.report`: what the board shows and exports (rows, CSV, JSON, ZIP);
* :mod:`~explorer.rooms.links`: join, board, facilitator and member links;
* :mod:`~explorer.rooms.cli`: ``python -m explorer rooms ...``.

The names below are the rooms' public API (``from explorer import rooms``;
``rooms.create_room(engine, "Board")``).
"""

from explorer.rooms.model import (
    BadText,
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
    RoomSummary,
    SettingsError,
    check_settings,
    clean_name,
    expiry_days,
    facilitator_passcode,
    hash_secret,
    new_code,
    normalise_code,
    passcode_matches,
)
from explorer.rooms.operator import delete_as_operator, export_as_operator, list_rooms
from explorer.rooms.store import (
    board,
    check_key,
    create_room,
    delete_room,
    export_data,
    get_room,
    join_room,
    member_view,
    purge,
    remove_member,
    room_version,
    send_entry,
    set_hidden,
    set_locked,
    set_votes_revealed,
    withdraw_entry,
)
from explorer.rooms.votes import add_vote, remove_vote, set_votes

__all__ = [
    "BadText", "Board", "Created", "Entry", "Joined", "LimitReached", "Member", "MemberView",
    "add_vote", "remove_vote",
    "NotAllowed", "Room", "RoomError", "RoomLocked", "RoomNotFound", "RoomSummary",
    "SettingsError", "board", "check_key", "check_settings", "clean_name", "create_room",
    "delete_as_operator", "delete_room", "expiry_days", "export_as_operator", "export_data",
    "facilitator_passcode", "get_room", "hash_secret", "join_room", "list_rooms", "member_view",
    "new_code", "normalise_code", "passcode_matches", "purge", "remove_member", "room_version",
    "send_entry", "set_hidden", "set_locked", "set_votes", "set_votes_revealed",
    "withdraw_entry",
]
