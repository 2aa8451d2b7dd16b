"""Workshop rooms' values, errors and pure rules (codes, names, secrets, expiry).

No database here: :mod:`explorer.rooms.store` reads and writes rooms and returns these values.

Tokens and keys come from :func:`secrets.token_urlsafe`, are stored only as SHA-256 digests
(:func:`hash_secret`) and are compared with :func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from explorer import config
from explorer.i18n import LANGS, t
from explorer.limits import (
    LEGACY_ROOM_CODE_LENGTH,
    MAX_COMBINING_MARKS,
    MAX_PASSCODE_CHARS,
    MAX_SCENARIO_BYTES,
    ROOM_CODE_ALPHABET,
    ROOM_CODE_LENGTH,
)
from explorer.scenario import Scenario, dumps_scenario
from explorer.text import (
    BIDI_CONTROLS,
    TextError,
    clean_text,
    describe_char,
    fold,
    is_unsafe,
    quote,
)

#: Bytes of randomness in a facilitator key and a member token (URL-safe base64 text).
KEY_BYTES = 24
TOKEN_BYTES = 18
#: Longest secret looked at; anything longer cannot be one of ours.
MAX_SECRET_CHARS = 200


# Errors -------------------------------------------------------------------------------------
class RoomError(ValueError):
    """A refused room action, on one line; never contains a key or token.

    Made with :meth:`of`, the refusal is a message of ``[room_error]`` in
    ``explorer/messages.toml``: ``str()`` is its English text (logs, the CLI) and :meth:`say`
    gives it in a page's language.
    """

    def __init__(self, message: str = "", *, key: str | None = None,
                 values: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.values = dict(values or {})

    @classmethod
    def of(cls, key: str, **values: Any):
        """The refusal ``room_error.<key>`` filled with ``values`` (English as its text).

        >>> RoomLocked.of("locked", code="ABC2345").say("cy").startswith("mae ystafell ABC2345")
        True
        """
        return cls(t(f"room_error.{key}", "en", **_in(values, "en")), key=key, values=values)

    def say(self, lang: str) -> str:
        """This refusal in ``lang`` (its English text when it has no message key)."""
        if self.key is None:
            return str(self)
        return t(f"room_error.{self.key}", lang, **_in(self.values, lang))


#: Names of the things a refusal may be about (``what``), translated with the refusal.
_WHAT = {"room name": "what_room_name", "display name": "what_display_name"}


def _in(values: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """``values`` as said in ``lang``: the thing refused by its name there, and a character
    by its code point alone outside English (Unicode names characters in English only).

    >>> _in({"what": "room name", "char": "U+001B ESC"}, "cy")
    {'what': "enw'r ystafell", 'char': 'U+001B'}
    """
    out = dict(values)
    if out.get("what") in _WHAT:
        out["what"] = t(f"room_error.{_WHAT[out['what']]}", lang)
    if lang != "en" and isinstance(out.get("char"), str):
        out["char"] = out["char"].split(" ", 1)[0]
    return out


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
    #: What boards without the key poll: not bumped by votes while votes are hidden.
    board_version: int = 1


@dataclass(frozen=True)
class Created:
    """A new room and its facilitator key (shown once: only its hash is stored)."""

    room: Room
    key: str


def member_label(number: int, name: str = "", lang: str = "en") -> str:
    """A member's name as shown in ``lang``: the name they gave, or, when they gave none (stored
    as ``""``: no English is stored), the label "Member N" in ``lang``.

    >>> member_label(3, "Alice"), member_label(3, "", "en"), member_label(3, "", "cy")
    ('Alice', 'Member 3', 'Aelod 3')
    """
    return name or t("room.member_default", lang, n=number)


def stored_name(name: str, number: int) -> str:
    """What is stored for member ``number``'s name: ``""`` for none, and for their own label
    ("Member 3", "Aelod 3"), which is drawn in each viewer's language (:func:`member_label`).

    >>> stored_name("Member 3", 3), stored_name("aelod 3", 3), stored_name("Alice", 3)
    ('', '', 'Alice')
    """
    return "" if not name or _member_label(name) == number else name


@dataclass(frozen=True)
class Member:
    number: int
    #: The name the member gave; ``""`` for none (shown as :meth:`label`).
    display_name: str

    def label(self, lang: str = "en") -> str:
        """The name as shown in ``lang`` ("Member 3", Welsh "Aelod 3", when none was given)."""
        return member_label(self.number, self.display_name, lang)


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
    #: The author's name as given; ``""`` for none (shown as :meth:`author_label`).
    author: str
    scenario_json: str
    hidden: bool
    created_at: datetime
    updated_at: datetime
    votes: int | None

    def author_label(self, lang: str = "en") -> str:
        """The author as shown in ``lang`` ("Member 3", Welsh "Aelod 3", when no name)."""
        return member_label(self.member_number, self.author, lang)


@dataclass(frozen=True)
class Board:
    """What the board shows; hidden entries only for the facilitator."""

    room: Room
    entries: tuple[Entry, ...]
    members: int
    votes_shown: bool
    #: Members who have cast at least one vote (one person is one member: voters and members
    #: are shown apart).
    voters: int = 0


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
    """A join code as typed ("abc 2345", "ABC-2345") in canonical form, or None if it cannot be
    one. Codes of the earlier length (:data:`~explorer.limits.LEGACY_ROOM_CODE_LENGTH`) are
    accepted for rooms opened before codes grew.

    >>> normalise_code(" abc-2345 "), normalise_code("ABC23"), normalise_code("ABCDE0")
    ('ABC2345', None, None)
    >>> normalise_code("abc234")
    'ABC234'
    """
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = "".join(ch for ch in text.upper() if ch not in " -\t")
    if (len(code) not in (ROOM_CODE_LENGTH, LEGACY_ROOM_CODE_LENGTH)
            or not set(code) <= set(ROOM_CODE_ALPHABET)):
        return None
    return code


def clean_name(value: Any, what: str, max_chars: int, *, optional: bool = False,
               member_labels: bool = False) -> str:
    """User text for a name, by the one rule for names (:func:`explorer.text.clean_text`):
    NFC, one line, no control characters, unpaired surrogates or bidi overrides, at most
    ``max_chars`` characters. ``optional``: nothing typed (None or blanks) gives ``""``.
``member_labels``: "Member N" is let through, for the caller to check that N is the member's
own number (:func:`check_member_label`).

    >>> clean_name("  Ynys Mo\u0302n ", "room name", 80)
    'Ynys Môn'
    >>> clean_name("Board\x1b[31m", "room name", 80)
    Traceback (most recent call last):
    ...
    explorer.rooms.model.BadText: room name contains a control character (U+001B ESC) at \
character 6; text here must be one line of plain text
    >>> clean_name(" ", "display name", 40, optional=True)
    ''

    Names that pass those rules can still mislead on a board, so these are refused too:
    direction marks that reorder the text around them, names with nothing visible in them,
    more than :data:`~explorer.limits.MAX_COMBINING_MARKS` combining marks stacked on one
    character, and the labels the board itself uses ("May 2019 (reference)", "Member 7").

    >>> clean_name("May 2019 (Reference)", "display name", 40)
    Traceback (most recent call last):
    ...
    explorer.rooms.model.BadText: display name 'May 2019 (Reference)' is a label the board \
uses itself; choose another name
    """
    if optional and (value is None or (isinstance(value, str) and not value.strip())):
        return ""
    try:
        text = clean_text(value, what, max_chars)
    except TextError as exc:
        raise _bad_text(value, what, max_chars, str(exc)) from None
    _refuse_misleading(text, what, member_labels)
    return text


#: Marks that change the order of the text around them (the overrides and isolates are refused
#: by :func:`explorer.text.clean_text` already).
DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
#: Characters that draw nothing though Unicode does not class them as format characters.
BLANK_LOOKING = frozenset("\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")


def _bad_text(value: Any, what: str, max_chars: int, problem: str) -> BadText:
    """A :class:`BadText` with its message key, from :func:`explorer.text.clean_text`'s
    one-line refusal (its wording is kept as the English text)."""
    if problem.endswith("must not be empty"):
        key, values = "name_empty", {"what": what}
    elif "characters long; the limit is" in problem:
        key, values = "name_too_long", {"what": what, "n": f"{len(value.strip()):,}",
                                        "limit": f"{max_chars:,}"}
    elif " contains " in problem:
        key, ch, position = _unsafe_detail(value)
        values = {"what": what, "position": position,
                  "char": f"U+{ord(ch):04X}" if key == "name_surrogate" else describe_char(ch)}
    else:
        key, values = "name_not_text", {"what": what}
    error = BadText(problem, key=key, values=values)
    return error


def _unsafe_detail(value: str) -> tuple[str, str, int]:
    """The message key, character and position of the first character
    :func:`explorer.text.clean_text` refused in ``value`` (found as it finds it), so that the
    refusal is said in each language rather than carried over in English.

    >>> _unsafe_detail("Board\\x1b[31m")
    ('name_control', '\\x1b', 6)
    >>> _unsafe_detail(" a\\u202eb")
    ('name_bidi', '\\u202e', 2)
    """
    for position, ch in enumerate(value, start=1):
        if unicodedata.category(ch) == "Cs":
            return "name_surrogate", ch, position
    text = unicodedata.normalize("NFC", value).strip()
    position, ch = next((p, c) for p, c in enumerate(text, start=1) if is_unsafe(c))
    if ch in BIDI_CONTROLS:
        return "name_bidi", ch, position
    if unicodedata.category(ch) in ("Zl", "Zp"):
        return "name_line_break", ch, position
    return "name_control", ch, position


def _member_label(text: str) -> int | None:
    match = re.fullmatch(r"(?:member|aelod) ?(\d{1,9})", fold(text))
    return int(match.group(1)) if match else None


def check_member_label(name: str, number: int) -> None:
    """Refuse "Member N" as the display name of any member but member N.

    >>> check_member_label("Member 3", 3)
    >>> check_member_label("member 4", 3)
    Traceback (most recent call last):
    ...
    explorer.rooms.model.BadText: display name 'member 4' is a label the board uses itself; \
choose another name
    """
    label = _member_label(name)
    if label is not None and label != number:
        raise BadText.of("name_label", what="display name", name=quote(name))


def _refuse_misleading(text: str, what: str, member_labels: bool = False) -> None:
    for position, ch in enumerate(text, start=1):
        if ch in DIRECTION_MARKS:
            raise BadText.of("name_direction", what=what, char=describe_char(ch),
                             position=position)
    if all(unicodedata.category(ch) in ("Cf", "Mn", "Me", "Zs") or ch in BLANK_LOOKING
           for ch in text):
        raise BadText.of("name_invisible", what=what)
    run = 0
    for position, ch in enumerate(text, start=1):
        run = run + 1 if unicodedata.category(ch) in ("Mn", "Me") else 0
        if run > MAX_COMBINING_MARKS:
            raise BadText.of("name_marks", what=what, n=MAX_COMBINING_MARKS, position=position)
    folded = fold(text)
    reserved = {fold(t("room.reference", lang)) for lang in LANGS}
    if folded in reserved or (not member_labels and _member_label(text) is not None):
        raise BadText.of("name_label", what=what, name=quote(text))


class SettingsError(RoomError):
    """A rooms setting in the environment that cannot be used (for whoever runs the server)."""


def expiry_days(env: Mapping[str, str] | None = None) -> int:
    """Days after its last activity that a room is deleted: ``MASH_ROOM_EXPIRY_DAYS`` or 30.

    >>> expiry_days({}), expiry_days({"MASH_ROOM_EXPIRY_DAYS": "7"})
    (30, 7)
    """
    return _settings(env).room_expiry_days


def _settings(env: Mapping[str, str] | None) -> config.Config:
    """The settings of ``env``, else the process's (:func:`explorer.config.current`, read
    once); a setting that cannot be used is a :class:`SettingsError`."""
    try:
        return config.current() if env is None else config.from_env(env)
    except config.ConfigError as exc:
        raise SettingsError(str(exc)) from None


def facilitator_passcode(env: Mapping[str, str] | None = None) -> str | None:
    """The passcode needed to open a room (``MASH_FACILITATOR_PASSCODE``), or None (default:
    anyone may open a room, right for a laptop). It is a secret: never logged or shown.

    >>> facilitator_passcode({}), facilitator_passcode({"MASH_FACILITATOR_PASSCODE": " s3 "})
    (None, 's3')
    """
    raw = _settings(env).facilitator_passcode
    if not raw:
        return None
    if len(raw) > MAX_PASSCODE_CHARS or not raw.isprintable():
        raise SettingsError(f"MASH_FACILITATOR_PASSCODE must be one line of at most "
                            f"{MAX_PASSCODE_CHARS} printable characters")
    return raw


def passcode_matches(expected: str, given: Any) -> bool:
    """Whether ``given`` is the passcode, compared in constant time (digests of both).

    >>> passcode_matches("s3", "s3"), passcode_matches("s3", "S3"), passcode_matches("s3", None)
    (True, False, False)
    """
    if not isinstance(given, str) or len(given) > 4 * MAX_PASSCODE_CHARS:
        return False
    try:
        digest = hashlib.sha256(given.strip().encode("utf-8")).digest()
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(hashlib.sha256(expected.encode("utf-8")).digest(), digest)


def check_settings(env: Mapping[str, str] | None = None) -> None:
    """Read every rooms setting once, so a bad one is named at start (:class:`SettingsError`)."""
    expiry_days(env)
    facilitator_passcode(env)


def scenario_text(scenario: Scenario) -> str:
    text = dumps_scenario(scenario)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise BadText.of("scenario_surrogate") from None
    if size > MAX_SCENARIO_BYTES:
        raise LimitReached.of("scenario_too_large", size=f"{size:,}",
                              limit=f"{MAX_SCENARIO_BYTES:,}")
    return text
