"""Workshop rooms in the app: the database, the room, key and member token from the URL.

The URL carries ``room=CODE`` (anyone in the room), ``member=TOKEN`` (one member's identity, so
a reload or another tab keeps it; no cookies or accounts) and, on the facilitator's board,
``key=KEY``. Session state keeps only plain values: which code and key were checked, the wrong
tries so far (:class:`explorer.throttle.CodeAttempts`) and each room's member token.

Storage is :mod:`explorer.rooms` over :func:`explorer.storage.db.shared_engine` (one migrated
engine per process). Every refusal reaches the page as one line of text, never as markup. The
keys used here are all in :mod:`pages.ui.rooms.keys`.
"""

from __future__ import annotations

import math
import time

import streamlit as st

from explorer import rooms
from explorer.i18n import t
from explorer.storage import db
from explorer.storage.db import Engine
from explorer.text import md_escape
from explorer.throttle import CodeAttempts
from pages.ui.rooms import keys
from pages.ui.rooms.keys import KEY, MEMBER, ROOM

state = st.session_state


def engine(lang: str) -> Engine | None:
    """The rooms database (migrated on first use in this process), or None with an error."""
    try:
        return db.shared_engine()
    except db.DatabaseError as exc:
        st.error(md_escape(t("workshop.unavailable", lang, problem=str(exc))),
                 icon=":material/database_off:")
        return None


def say(kind: str, text: str) -> None:
    """Show ``text`` (may hold user text) after the next rerun, as literal text."""
    state[keys.FLASH] = (kind, text)


def flash() -> None:
    kind, text = state.pop(keys.FLASH, (None, ""))
    if kind:
        getattr(st, kind)(md_escape(text))


def _attempts() -> CodeAttempts:
    return CodeAttempts.from_plain(state.get(keys.ATTEMPTS))


def must_wait(lang: str) -> bool:
    """True (with a notice) while wrong codes or keys from this session are being slowed."""
    wait = _attempts().wait_s(time.time())
    if wait > 0:
        st.warning(t("workshop.wait", lang, seconds=math.ceil(wait)), icon=":material/timer:")
        return True
    return False


def record(ok: bool) -> None:
    attempts = _attempts()
    state[keys.ATTEMPTS] = (attempts.succeeded() if ok else attempts.failed(time.time())
                              ).as_plain()


def find(eng: Engine, typed: str, lang: str) -> rooms.Room | None:
    """The room for a typed or linked code, counting wrong codes; None with a notice."""
    if must_wait(lang):
        return None
    try:
        room = rooms.get_room(eng, typed)
    except rooms.RoomNotFound as exc:
        record(False)
        st.warning(md_escape(t("workshop.not_opened", lang, problem=str(exc))),
                   icon=":material/door_front:")
        return None
    record(True)
    return room


def current_room(eng: Engine, lang: str) -> rooms.Room | None:
    """The room named by ``?room=`` (checked once per code per session), or None."""
    raw = st.query_params.get(ROOM)
    if not raw:
        return None
    known = state.get(keys.KNOWN)
    if known and known[0] == raw:
        try:
            return rooms.get_room(eng, known[1])
        except rooms.RoomNotFound as exc:  # deleted or expired since: not a wrong code
            st.warning(md_escape(t("workshop.not_opened", lang, problem=str(exc))))
            return None
    room = find(eng, raw, lang)
    if room is not None:
        state[keys.KNOWN] = (raw, room.code)
        if raw != room.code:
            st.query_params[ROOM] = room.code
    return room


def facilitator_key(eng: Engine, room: rooms.Room, lang: str) -> str | None:
    """The ``?key=`` of the link when it is this room's facilitator key, else None."""
    key = st.query_params.get(KEY)
    if not key:
        return None
    if state.get(keys.KEY_OK) == (room.code, key):
        return key
    if must_wait(lang):
        return None
    try:
        rooms.check_key(eng, room.code, key)
    except rooms.NotAllowed:
        record(False)
        st.warning(t("workshop.wrong_key", lang), icon=":material/key_off:")
        return None
    record(True)
    state[keys.KEY_OK] = (room.code, key)
    return key


def member_token(code: str) -> str | None:
    """This member's token for room ``code``: from the URL, else from this session."""
    token = st.query_params.get(MEMBER) or state.get(keys.TOKENS, {}).get(code)
    if token and st.query_params.get(MEMBER) != token:
        st.query_params[MEMBER] = token
    return token or None


def remember_member(code: str, token: str | None) -> None:
    """Keep (or with None, forget) this session's token for ``code``, in the URL too."""
    tokens = {k: v for k, v in state.get(keys.TOKENS, {}).items() if k != code}
    if token:
        tokens[code] = token
        st.query_params[MEMBER] = token
    elif MEMBER in st.query_params:
        del st.query_params[MEMBER]
    state[keys.TOKENS] = tokens


def member_view(eng: Engine, code: str, lang: str) -> rooms.MemberView | None:
    """This session's member of the room, or None (an unknown token is dropped with a note)."""
    token = member_token(code)
    if not token:
        return None
    try:
        return rooms.member_view(eng, code, token)
    except rooms.NotAllowed:
        remember_member(code, None)
        st.info(t("room_ui.stranger", lang), icon=":material/person_off:")
        return None


def version(eng: Engine, code: str) -> int | None:
    """The room's change counter; None when it is gone or the database did not answer."""
    try:
        return rooms.room_version(eng, code)
    except db.DatabaseError:
        return None
