"""Workshop rooms' values, errors and pure rules (codes, names, secrets, expiry).

No database here: :mod:`explorer.rooms.store` reads and writes rooms and returns these values.

Tokens and keys come from :func:`secrets.token_urlsafe`, are stored only as SHA-256 digests
(:func:`hash_secret`) and are compared with :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from explorer.limits import (
    MAX_ROOM_EXPIRY_DAYS,
    MAX_SCENARIO_BYTES,
    ROOM_CODE_ALPHABET,
    ROOM_CODE_LENGTH,
    ROOM_EXPIRY_DAYS,
)
from explorer.scenario import Scenario, dumps_scenario
from explorer.text import TextError, clean_text

#: Bytes of randomness in a facilitator key and a member token (URL-safe base64 text).
KEY_BYTES = 24
TOKEN_BYTES = 18
#: Longest secret looked at; anything longer cannot be one of ours.
MAX_SECRET_CHARS = 200


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
def utcnow() -> datetime:
    return datetime.now(UTC)


def hash_secret(secret: str) -> str:
    """SHA-256 hex digest of a high-entropy secret (keys, tokens).

    >>> hash_secret("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(stored_hash: str, given: Any) -> bool:
    if not isinstance(given, str) or not given or len(given) > MAX_SECRET_CHARS:
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
    explorer.rooms.model.BadText: room name contains a control character (U+001B ESC) at \
character 6; text here must be one line of plain text
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


def scenario_text(scenario: Scenario) -> str:
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
