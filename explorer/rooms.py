"""Workshop rooms: board members send scenarios to one shared board, kept in a database.

Plain functions over a SQLAlchemy :class:`~sqlalchemy.Engine` (see :mod:`explorer.db`),
returning frozen dataclasses. Every write is one transaction that first locks the room
(``SELECT ... FOR UPDATE`` on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite) and bumps the
room's ``version``, the cheap number the live board polls.

Who may do what:

* the **join code** (six characters, :data:`~explorer.limits.ROOM_CODE_ALPHABET`) lets anyone
  read the board (:func:`board`) and join (:func:`join_room`);
* a **member token** (given once by :func:`join_room`) lets that member send, replace or
  withdraw their one entry, rename themselves and vote (:func:`send_entry`,
  :func:`withdraw_entry`, :func:`set_display_name`, :func:`set_votes`);
* the **facilitator key** (given once by :func:`create_room`) unlocks hiding entries,
  locking the room, revealing votes, export and deletion.

Tokens and keys come from :func:`secrets.token_urlsafe`, are stored only as SHA-256 digests,
are compared with :func:`hmac.compare_digest` and never appear in a message. The operator
functions at the end (``list_rooms``, ``export_as_operator``, ``delete_as_operator``,
``purge``) need no secret: they are for whoever runs the server (``python -m explorer rooms``).

What is stored: the room's name, members' display names, their scenarios and votes, and
times of activity; nothing else. Rooms are deleted :func:`expiry_days` after their last
activity (and look gone from that moment).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from explorer.db import writer
from explorer.limits import (
    MAX_DISPLAY_NAME_CHARS,
    MAX_OPEN_ROOMS,
    MAX_ROOM_ENTRIES,
    MAX_ROOM_EXPIRY_DAYS,
    MAX_ROOM_MEMBERS,
    MAX_ROOM_NAME_CHARS,
    MAX_SCENARIO_BYTES,
    MAX_VOTES_PER_MEMBER,
    ROOM_CODE_ALPHABET,
    ROOM_CODE_LENGTH,
    ROOM_EXPIRY_DAYS,
)
from explorer.room_schema import entries, members, rooms, votes
from explorer.scenario import Scenario, dumps_scenario
from explorer.text import TextError, clean_text

#: Bytes of randomness in a facilitator key and a member token (URL-safe base64 text).
KEY_BYTES = 24
TOKEN_BYTES = 18
#: Longest secret looked at; anything longer cannot be one of ours.
_MAX_SECRET_CHARS = 200


# Errors -------------------------------------------------------------------------------------
class RoomError(ValueError):
    """A refused room action, on one line; never contains a key or token."""


class RoomNotFound(RoomError):
    """No open room has that code (never existed, deleted or expired)."""


class NotAllowed(RoomError):
    """The facilitator key or member token is missing or not this room's."""


class RoomLocked(RoomError):
    """The facilitator has locked the room: no new entries or votes."""


class LimitReached(RoomError):
    """A limit from :mod:`explorer.limits` would be exceeded."""


class BadText(RoomError):
    """A name that cannot be stored (not text, unpaired surrogate, too long, empty)."""


# Values returned ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Room:
    code: str
    name: str
    created_at: datetime
    last_activity: datetime
    locked: bool
    votes_revealed: bool
    version: int
    expires_at: datetime


@dataclass(frozen=True)
class Created:
    """A new room and its facilitator key (shown once: only its hash is stored)."""

    room: Room
    key: str


@dataclass(frozen=True)
class Member:
    number: int
    display_name: str


@dataclass(frozen=True)
class Joined:
    """A new member and their token (shown once: only its hash is stored)."""

    member: Member
    token: str


@dataclass(frozen=True)
class Entry:
    """One member's scenario on the board. ``votes`` is None while votes are not shown."""

    id: int
    member_number: int
    author: str
    scenario_json: str
    hidden: bool
    created_at: datetime
    updated_at: datetime
    votes: int | None


@dataclass(frozen=True)
class Board:
    """What the board shows; hidden entries only for the facilitator."""

    room: Room
    entries: tuple[Entry, ...]
    members: int
    votes_shown: bool


@dataclass(frozen=True)
class MemberView:
    """What one member sees of themselves: their entry (if any) and the entries they voted for."""

    room: Room
    member: Member
    entry: Entry | None
    voted_for: tuple[int, ...]


@dataclass(frozen=True)
class RoomSummary:
    room: Room
    members: int
    entries: int


# Small pure helpers -------------------------------------------------------------------------
def _utcnow() -> datetime:
    return datetime.now(UTC)


def hash_secret(secret: str) -> str:
    """SHA-256 hex digest of a high-entropy secret (keys, tokens).

    >>> hash_secret("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _secret_matches(stored_hash: str, given: Any) -> bool:
    if not isinstance(given, str) or not given or len(given) > _MAX_SECRET_CHARS:
        return False
    try:
        digest = hash_secret(given)
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(stored_hash, digest)


def new_code() -> str:
    """A random join code: :data:`ROOM_CODE_LENGTH` characters of the unambiguous alphabet.

    >>> code = new_code()
    >>> len(code) == ROOM_CODE_LENGTH and set(code) <= set(ROOM_CODE_ALPHABET)
    True
    """
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


def normalise_code(text: Any) -> str | None:
    """A join code as typed ("abc 234", "ABC-234") in canonical form, or None if it cannot be one.

    >>> normalise_code(" abc-234 "), normalise_code("ABC23"), normalise_code("ABCDE0")
    ('ABC234', None, None)
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(code) != ROOM_CODE_LENGTH or not set(code) <= set(ROOM_CODE_ALPHABET):
        return None
    return code


def clean_name(value: Any, what: str, max_chars: int, *, optional: bool = False) -> str:
    """User text for a name, by the one rule for names (:func:`explorer.text.clean_text`):
    NFC, one line, no control characters, unpaired surrogates or bidi overrides, at most
    ``max_chars`` characters. ``optional``: nothing typed (None or blanks) gives ``""``.

    >>> clean_name("  Ynys Mo\u0302n ", "room name", 80)
    'Ynys Môn'
    >>> clean_name("Board\x1b[31m", "room name", 80)
    Traceback (most recent call last):
    ...
    explorer.rooms.BadText: room name contains a control character (U+001B ESC) at character 6; \
text here must be one line of plain text
    >>> clean_name(" ", "display name", 40, optional=True)
    ''
    """
    if optional and (value is None or (isinstance(value, str) and not value.strip())):
        return ""
    try:
        return clean_text(value, what, max_chars)
    except TextError as exc:
        raise BadText(str(exc)) from None


def expiry_days(env: Mapping[str, str] | None = None) -> int:
    """Days after its last activity that a room is deleted: ``MASH_ROOM_EXPIRY_DAYS`` or 30.

    >>> expiry_days({}), expiry_days({"MASH_ROOM_EXPIRY_DAYS": "7"})
    (30, 7)
    """
    env = os.environ if env is None else env
    raw = (env.get("MASH_ROOM_EXPIRY_DAYS") or "").strip()
    if not raw:
        return ROOM_EXPIRY_DAYS
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ROOM_EXPIRY_DAYS:
        raise RoomError(
            f"MASH_ROOM_EXPIRY_DAYS must be a whole number of days from 1 to "
            f"{MAX_ROOM_EXPIRY_DAYS}, not {raw[:20]!r}"
        )
    return int(raw)


def _scenario_text(scenario: Scenario) -> str:
    text = dumps_scenario(scenario)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise BadText("the scenario contains an unpaired surrogate (not a character)") from None
    if size > MAX_SCENARIO_BYTES:
        raise LimitReached(
            f"the scenario is {size:,} bytes; the limit is {MAX_SCENARIO_BYTES:,} bytes"
        )
    return text


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
    )


def _find_room(conn: Connection, code: Any, *, lock: bool = False) -> Row:
    """The open room with this code, or :class:`RoomNotFound`; ``lock`` for writers."""
    canonical = normalise_code(code)
    if canonical is None:
        raise RoomNotFound("that is not a room code (six letters and digits)")
    cutoff = _utcnow() - timedelta(days=expiry_days())
    query = select(rooms).where(rooms.c.code == canonical, rooms.c.last_activity >= cutoff)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise RoomNotFound(f"no open room has the code {canonical}")
    return row


def _check_key(room: Row, key: Any) -> None:
    if not _secret_matches(room.key_hash, key):
        raise NotAllowed(f"room {room.code}: only the facilitator link can do that")


def _find_member(conn: Connection, room: Row, token: Any) -> Row:
    row = None
    if isinstance(token, str) and token and len(token) <= _MAX_SECRET_CHARS:
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
    if row is None or not _secret_matches(row.token_hash, token):
        raise NotAllowed(f"room {room.code}: this member link is not recognised in this room")
    return row


def _touch(conn: Connection, room: Row) -> None:
    conn.execute(
        update(rooms)
        .where(rooms.c.id == room.id)
        .values(version=rooms.c.version + 1, last_activity=_utcnow())
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
            id=r.id, member_number=r.number, author=r.display_name,
            scenario_json=r.scenario_json, hidden=bool(r.hidden), created_at=r.created_at,
            updated_at=r.updated_at, votes=int(r.votes) if with_votes else None,
        )
        for r in conn.execute(query)
    )


def _member_count(conn: Connection, room: Row) -> int:
    return conn.execute(
        select(func.count()).select_from(members).where(members.c.room_id == room.id)
    ).scalar_one()


# Anyone with the code -----------------------------------------------------------------------
def create_room(engine: Engine, name: Any, *, now: datetime | None = None) -> Created:
    """Open a room named ``name``; returns it with its facilitator key (shown only now).

    Expired rooms are purged first. The code is unique among stored rooms (a clash with
    another creator at the same moment is retried with a new code).
    """
    clean = clean_name(name, "room name", MAX_ROOM_NAME_CHARS)
    now = now or _utcnow()
    purge(engine, expiry_days(), now=now)
    key = secrets.token_urlsafe(KEY_BYTES)
    for _attempt in range(8):
        code = new_code()
        try:
            with writer(engine).begin() as conn:
                open_rooms = conn.execute(select(func.count()).select_from(rooms)).scalar_one()
                if open_rooms >= MAX_OPEN_ROOMS:
                    raise LimitReached(
                        f"this server already has {open_rooms} open rooms (the limit is "
                        f"{MAX_OPEN_ROOMS}); delete or purge old ones first"
                    )
                if conn.execute(select(rooms.c.id).where(rooms.c.code == code)).first():
                    continue
                conn.execute(
                    insert(rooms).values(
                        code=code, name=clean, key_hash=hash_secret(key), created_at=now,
                        last_activity=now, locked=False, votes_revealed=False, version=1,
                    )
                )
                row = conn.execute(select(rooms).where(rooms.c.code == code)).one()
                return Created(_room_of(row, expiry_days()), key)
        except IntegrityError:
            continue  # another room took the same code at the same moment
    raise RoomError("could not find a free room code; try again")


def get_room(engine: Engine, code: Any) -> Room:
    """The open room with this code (:class:`RoomNotFound` otherwise)."""
    with engine.connect() as conn:
        return _room_of(_find_room(conn, code), expiry_days())


def room_version(engine: Engine, code: Any) -> int | None:
    """The room's change counter (one indexed row), or None once the room is gone."""
    canonical = normalise_code(code)
    if canonical is None:
        return None
    cutoff = _utcnow() - timedelta(days=expiry_days())
    with engine.connect() as conn:
        return conn.execute(
            select(rooms.c.version).where(
                rooms.c.code == canonical, rooms.c.last_activity >= cutoff
            )
        ).scalar()


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
        )


def join_room(engine: Engine, code: Any, display_name: Any = None) -> Joined:
    """Join a room as the next member; returns the member and their token (shown only now).

    An empty display name becomes "Member N" (N counts members in the order they joined).
    """
    name = clean_name(display_name, "display name", MAX_DISPLAY_NAME_CHARS, optional=True)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        count = _member_count(conn, room)
        if count >= MAX_ROOM_MEMBERS:
            raise LimitReached(
                f"room {room.code} already has {count} members; the limit is {MAX_ROOM_MEMBERS}"
            )
        number = 1 + conn.execute(
            select(func.coalesce(func.max(members.c.number), 0)).where(
                members.c.room_id == room.id
            )
        ).scalar_one()
        name = name or f"Member {number}"
        conn.execute(
            insert(members).values(
                room_id=room.id, number=number, display_name=name,
                token_hash=hash_secret(token), created_at=_utcnow(),
            )
        )
        _touch(conn, room)
    return Joined(Member(number, name), token)


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
            member=Member(member.number, member.display_name),
            entry=own[0] if own else None,
            voted_for=tuple(voted),
        )


def set_display_name(engine: Engine, code: Any, token: Any, display_name: Any) -> Member:
    """Rename a member; an empty name goes back to "Member N"."""
    name = clean_name(display_name, "display name", MAX_DISPLAY_NAME_CHARS, optional=True)
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        member = _find_member(conn, room, token)
        name = name or f"Member {member.number}"
        if name != member.display_name:
            conn.execute(
                update(members).where(members.c.id == member.id).values(display_name=name)
            )
            _touch(conn, room)
        return Member(member.number, name)


def send_entry(
    engine: Engine, code: Any, token: Any, scenario: Scenario, display_name: Any = None
) -> Entry:
    """Send the member's scenario to the board, replacing their earlier entry if any.

    ``display_name``, when given, renames the member in the same transaction. Refused when
    the room is locked, the scenario is too large, or the room has its 200 entries.
    A replaced entry keeps its votes and its hidden flag.
    """
    text = _scenario_text(scenario)
    name = None
    if display_name is not None:
        name = clean_name(display_name, "display name", MAX_DISPLAY_NAME_CHARS, optional=True)
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        member = _find_member(conn, room, token)
        if room.locked:
            raise RoomLocked(f"room {room.code} is locked: no new entries or votes")
        now = _utcnow()
        if name is not None:
            name = name or f"Member {member.number}"
            conn.execute(
                update(members).where(members.c.id == member.id).values(display_name=name)
            )
        existing = conn.execute(
            select(entries.c.id).where(entries.c.member_id == member.id)
        ).scalar()
        if existing is None:
            count = conn.execute(
                select(func.count()).select_from(entries).where(entries.c.room_id == room.id)
            ).scalar_one()
            if count >= MAX_ROOM_ENTRIES:
                raise LimitReached(
                    f"room {room.code} has {count} entries; the limit is {MAX_ROOM_ENTRIES}"
                )
            existing = conn.execute(
                insert(entries)
                .values(
                    room_id=room.id, member_id=member.id, scenario_json=text, hidden=False,
                    created_at=now, updated_at=now,
                )
                .returning(entries.c.id)
            ).scalar_one()
        else:
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


def withdraw_entry(engine: Engine, code: Any, token: Any) -> bool:
    """Take the member's entry (and the votes given to it) off the board.

    Allowed even in a locked room: members can always take back what they sent.
    Returns False when the member had no entry.
    """
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        member = _find_member(conn, room, token)
        gone = conn.execute(delete(entries).where(entries.c.member_id == member.id)).rowcount
        if gone:
            _touch(conn, room)
        return bool(gone)


def set_votes(engine: Engine, code: Any, token: Any, entry_ids: Iterable[Any]) -> tuple[int, ...]:
    """Replace the member's votes with one vote for each entry in ``entry_ids``.

    At most :data:`MAX_VOTES_PER_MEMBER` distinct visible entries of this room; refused when
    the room is locked.
    """
    wanted: list[int] = []
    for value in entry_ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RoomError("votes must name entries by their number")
        if value not in wanted:
            wanted.append(value)
    if len(wanted) > MAX_VOTES_PER_MEMBER:
        raise LimitReached(
            f"{len(wanted)} votes given; each member has {MAX_VOTES_PER_MEMBER}"
        )
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        member = _find_member(conn, room, token)
        if room.locked:
            raise RoomLocked(f"room {room.code} is locked: no new entries or votes")
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
                raise RoomError(f"room {room.code} has no entry {missing[0]} to vote for")
        conn.execute(delete(votes).where(votes.c.member_id == member.id))
        now = _utcnow()
        for entry_id in wanted:
            conn.execute(
                insert(votes).values(
                    room_id=room.id, member_id=member.id, entry_id=entry_id, created_at=now
                )
            )
        _touch(conn, room)
    return tuple(wanted)


# Facilitator (the key) ----------------------------------------------------------------------
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


def set_locked(engine: Engine, code: Any, key: Any, locked: bool) -> Room:
    """Lock (no new entries, replacements or votes) or unlock the room."""
    return _facilitator_update(engine, code, key, locked=bool(locked))


def set_votes_revealed(engine: Engine, code: Any, key: Any, revealed: bool) -> Room:
    """Show (or hide again) the vote counts on everyone's board."""
    return _facilitator_update(engine, code, key, votes_revealed=bool(revealed))


def set_hidden(engine: Engine, code: Any, key: Any, entry_id: Any, hidden: bool) -> None:
    """Hide an entry from the board (it stays stored and can be shown again)."""
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        _check_key(room, key)
        changed = conn.execute(
            update(entries)
            .where(entries.c.room_id == room.id, entries.c.id == entry_id)
            .values(hidden=bool(hidden))
        ).rowcount
        if not changed:
            raise RoomError(f"room {room.code} has no entry {entry_id!r}")
        _touch(conn, room)


def export_data(engine: Engine, code: Any, key: Any) -> Board:
    """Every entry, hidden or not, with its vote count (the facilitator's export)."""
    return board(engine, code, key=key if isinstance(key, str) else "")


def delete_room(engine: Engine, code: Any, key: Any) -> None:
    """Delete the room with its members, entries and votes, for good."""
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        _check_key(room, key)
        conn.execute(delete(rooms).where(rooms.c.id == room.id))


# Operator (whoever runs the server; python -m explorer rooms) -------------------------------
def list_rooms(engine: Engine) -> tuple[RoomSummary, ...]:
    """Every open room, newest activity first, with its member and entry counts."""
    days = expiry_days()
    cutoff = _utcnow() - timedelta(days=days)
    n_members = (
        select(func.count()).where(members.c.room_id == rooms.c.id).scalar_subquery()
    )
    n_entries = (
        select(func.count()).where(entries.c.room_id == rooms.c.id).scalar_subquery()
    )
    with engine.connect() as conn:
        result = conn.execute(
            select(rooms, n_members.label("n_members"), n_entries.label("n_entries"))
            .where(rooms.c.last_activity >= cutoff)
            .order_by(rooms.c.last_activity.desc(), rooms.c.id.desc())
        )
        return tuple(
            RoomSummary(_room_of(r, days), int(r.n_members), int(r.n_entries)) for r in result
        )


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


def delete_as_operator(engine: Engine, code: Any) -> None:
    """:func:`delete_room` without the key, for the command line."""
    with writer(engine).begin() as conn:
        room = _find_room(conn, code, lock=True)
        conn.execute(delete(rooms).where(rooms.c.id == room.id))


def purge(engine: Engine, older_than_days: int, *, now: datetime | None = None) -> int:
    """Delete every room whose last activity is more than ``older_than_days`` days ago.

    Returns how many rooms were deleted (with their members, entries and votes).
    """
    if isinstance(older_than_days, bool) or not isinstance(older_than_days, int):
        raise RoomError("the number of days must be a whole number")
    if not 0 <= older_than_days <= MAX_ROOM_EXPIRY_DAYS:
        raise RoomError(
            f"the number of days must be from 0 to {MAX_ROOM_EXPIRY_DAYS}, not {older_than_days}"
        )
    cutoff = (now or _utcnow()) - timedelta(days=older_than_days)
    with writer(engine).begin() as conn:
        return conn.execute(delete(rooms).where(rooms.c.last_activity < cutoff)).rowcount
