"""Workshop rooms in the app: the database, the room, key and member of this session.

The URL carries ``room=CODE`` (anyone in the room). A facilitator link's ``key=KEY`` is taken
out of the address bar as soon as it is read (:func:`take_facilitator_key`) and kept in the
session and in a cookie on the facilitator's own device, so no projected address bar shows it.
A member's identity (their token) is kept in session state and, so that a reload or a reconnect
to another replica keeps it, in a cookie per room in their browser (:mod:`explorer.rooms.identity`,
read back from ``st.context.cookies`` on the next connection). No link a member may pass on
(the planner's address, the board's "open" links, a share link) carries it. To continue on
another device a member uses their private link (``member=TOKEN``), which this module takes out
of the address bar as soon as it is read.

Session state keeps only plain values (see :mod:`pages.ui.rooms.keys`). Wrong codes and keys
are slowed per session and per client address (:class:`explorer.throttle.ClientLimits`, one per
process), and opening rooms and joining them are limited per client address.

Storage is :mod:`explorer.rooms` over :func:`explorer.storage.db.shared_engine`. A database
that is down or full reaches the page as one calm line (the detail goes to the server log,
never to visitors), and the page tries again by itself.
"""

from __future__ import annotations

import logging
import math
import os
import time

import streamlit as st

from explorer import rooms
from explorer.i18n import t
from explorer.limits import (
    MAX_JOINS_PER_CLIENT_PER_MINUTE,
    MAX_MEMBERS_PER_CLIENT,
    MAX_ROOMS_PER_CLIENT_PER_HOUR,
    NOTICE_SECONDS,
)
from explorer.rooms import identity
from explorer.storage import db
from explorer.storage.db import Engine
from explorer.text import md_escape
from explorer.throttle import ClientLimits, CodeAttempts, client_address
from pages.ui.rooms import keys
from pages.ui.rooms.keys import KEY, MEMBER, ROOM

state = st.session_state
log = logging.getLogger("mash.rooms")
#: Per-process counts by client address (wrong codes, rooms opened, members added).
LIMITS = ClientLimits()
#: Seconds between tries while the database is unavailable.
RETRY_S = 10.0


def client() -> str:
    """This visitor's address, to count them by (see :func:`explorer.throttle.client_address`)."""
    trust = os.environ.get("MASH_TRUST_FORWARDED_FOR", "").strip() in ("1", "true", "yes")
    try:
        headers = {str(k): str(v) for k, v in st.context.headers.items()} if trust else None
        peer = st.context.ip_address
    except Exception:  # noqa: BLE001 (no browser connection, e.g. in tests)
        headers, peer = None, None
    return client_address(peer if isinstance(peer, str) else None, headers, trust)


def unavailable(lang: str, exc: BaseException | None = None) -> None:
    """One calm line for visitors; the detail (never a password) for the server log."""
    if exc is not None:
        log.warning("workshop rooms unavailable: %s", exc)
    st.info(t("workshop.unavailable_now", lang), icon=":material/cloud_off:")
    retry_later()


@st.fragment(run_every=RETRY_S)
def retry_later() -> None:
    """While the database is unavailable: try again every few seconds, redraw when it is back."""
    if state.get(keys.RETRY_ARMED):
        try:
            db.shared_engine()
        except db.DatabaseError:
            return
        state.pop(keys.RETRY_ARMED, None)
        st.rerun()
    state[keys.RETRY_ARMED] = True


def engine(lang: str) -> Engine | None:
    """The rooms database (migrated on first use in this process), or None with one line."""
    try:
        rooms.check_settings()
    except rooms.SettingsError as exc:
        log.error("workshop rooms switched off: %s", exc)
        st.warning(t("workshop.misconfigured", lang), icon=":material/settings_alert:")
        return None
    try:
        eng = db.shared_engine()
    except db.DatabaseError as exc:
        unavailable(lang, exc)
        return None
    state.pop(keys.RETRY_ARMED, None)
    return eng


def say(kind: str, text: str) -> None:
    """Show ``text`` (may hold user text) as literal text for the next few seconds, across the
    board's own reruns (a confirmation must not vanish when the room changes meanwhile)."""
    state[keys.FLASH] = (kind, text, time.time() + NOTICE_SECONDS)


def flash() -> None:
    """The notice of :func:`say`, inside a container drawn in every run (present or not, the
    elements after it keep their places, so no widget is drawn afresh when it comes or goes)."""
    slot = st.container()
    value = state.get(keys.FLASH)
    if not value:
        return
    kind, text, until = value if len(value) == 3 else (None, "", 0.0)
    if kind is None or time.time() > until:
        state.pop(keys.FLASH, None)
        return
    getattr(slot, kind)(md_escape(text))


def _attempts() -> CodeAttempts:
    return CodeAttempts.from_plain(state.get(keys.ATTEMPTS))


def must_wait(lang: str) -> bool:
    """True (with a notice) while wrong codes or keys from this session or address are slowed."""
    now = time.time()
    wait = max(_attempts().wait_s(now), LIMITS.code_wait_s(client(), now))
    if wait > 0:
        st.warning(t("workshop.wait", lang, seconds=math.ceil(wait)), icon=":material/timer:")
        return True
    return False


def record(ok: bool) -> None:
    """Count a wrong code or key (a right one changes nothing: it does not reset the count)."""
    if ok:
        return
    now = time.time()
    state[keys.ATTEMPTS] = _attempts().failed(now).as_plain()
    LIMITS.code_failed(client(), now)


def may_open_room(lang: str) -> bool:
    """Count one room opened from this address; False (with the refusal) past the limit."""
    now, address = time.time(), client()
    if LIMITS.allow(("open", address), MAX_ROOMS_PER_CLIENT_PER_HOUR, 3600.0, now=now):
        return True
    minutes = math.ceil(LIMITS.retry_after_s(("open", address), 3600.0, now=now) / 60)
    st.error(t("workshop.too_many_rooms", lang, n=MAX_ROOMS_PER_CLIENT_PER_HOUR,
               minutes=max(minutes, 1)))
    return False


def may_join(code: str, lang: str) -> bool:
    """Count one member added to room ``code`` from this address; False past the limits."""
    now, address = time.time(), client()
    total = ("joined", address, code)
    ok = (LIMITS.count(total, 86400.0 * 365, now=now) < MAX_MEMBERS_PER_CLIENT
          and LIMITS.allow(("join", address, code), MAX_JOINS_PER_CLIENT_PER_MINUTE, 60.0,
                           now=now))
    if ok:
        LIMITS.allow(total, MAX_MEMBERS_PER_CLIENT, 86400.0 * 365, now=now)
        return True
    st.error(t("workshop.too_many_members", lang))
    return False


def find(eng: Engine, typed: str, lang: str) -> rooms.Room | None:
    """The room for a typed or linked code, counting wrong codes; None with a notice."""
    if must_wait(lang):
        return None
    try:
        room = rooms.get_room(eng, typed)
    except rooms.RoomNotFound as exc:
        record(False)
        st.warning(md_escape(t("workshop.not_opened", lang, problem=exc.say(lang))),
                   icon=":material/door_front:")
        return None
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
        except rooms.RoomNotFound:  # deleted or expired since: not a wrong code
            st.info(t("workshop.room_gone", lang), icon=":material/door_front:")
            return None
    room = find(eng, raw, lang)
    if room is not None:
        state[keys.KNOWN] = (raw, room.code)
        if raw != room.code:
            st.query_params[ROOM] = room.code
    return room


def refusal(exc: rooms.RoomError, lang: str) -> str:
    """A refused room action as one line in the page's language (plain text)."""
    return t("workshop.refused", lang, problem=exc.say(lang))


def take_facilitator_key() -> None:
    """Move a facilitator link's ``?key=`` into the session and out of the address bar at
    once, so the key never stays where a projector (or a photo of it) can show it."""
    if KEY not in st.query_params:
        return
    given = st.query_params.get(KEY)
    del st.query_params[KEY]
    scrub_address()
    code = rooms.normalise_code(st.query_params.get(ROOM))
    if given and code:
        state[keys.FAC_KEYS] = {**state.get(keys.FAC_KEYS, {}), code: given}


def _forget_key(code: str) -> None:
    state[keys.FAC_KEYS] = {k: v for k, v in state.get(keys.FAC_KEYS, {}).items() if k != code}


def facilitator_key(eng: Engine, room: rooms.Room, lang: str) -> str | None:
    """This session's facilitator key for the room (from the link it was opened with, or the
    cookie on the facilitator's device), when it is right; else None. A wrong key from a link
    is counted and said; a stale cookie is dropped quietly."""
    take_facilitator_key()
    key = state.get(keys.FAC_KEYS, {}).get(room.code)
    from_cookie = False
    if not key:
        key = _cookie_candidate(room.code, "facilitator")
        from_cookie = key is not None
    if not key:
        return None
    if state.get(keys.KEY_OK) == (room.code, key):
        return key
    if not from_cookie and must_wait(lang):
        return None
    try:
        rooms.check_key(eng, room.code, key)
    except rooms.NotAllowed:
        _forget_key(room.code)
        if not from_cookie:
            record(False)
            st.warning(t("workshop.wrong_key", lang), icon=":material/key_off:")
        return None
    state[keys.KEY_OK] = (room.code, key)
    state[keys.FAC_KEYS] = {**state.get(keys.FAC_KEYS, {}), room.code: key}
    return key


def forget_facilitator(code: str) -> None:
    """After deleting the room: the session and (at the next page) the cookie drop the key."""
    _forget_key(code)
    state.pop(keys.KEY_OK, None)


def scrub_address() -> None:
    """Have :func:`address_guard` take ``key=``/``member=`` out of the browser's address bar,
    the Cloud wrapper's too (Streamlit cleans only its own frame's)."""
    state[keys.SCRUB] = True


def address_guard() -> None:
    """One hidden element, drawn in every run at the same place (so the elements after it keep
    their places and no widget is drawn afresh under a finger): the address-bar scrub when a
    secret has just been taken out of the URL, else nothing."""
    if state.pop(keys.SCRUB, False):
        st.html(f'<span class="mash-doc" hidden></span><script>{identity.SCRUB_JS}</script>',
                unsafe_allow_javascript=True)
    else:
        st.html('<span class="mash-doc" hidden></span>')


def take_private_link() -> None:
    """Move a private link's ``?member=`` into the session and out of the address bar at once
    (before anything else is checked), so the address can be shared safely."""
    given = st.query_params.get(MEMBER)
    if MEMBER not in st.query_params:
        return
    del st.query_params[MEMBER]
    scrub_address()
    code = rooms.normalise_code(st.query_params.get(ROOM))
    if given and code:
        state[keys.TOKENS] = {**state.get(keys.TOKENS, {}), code: given}


def member_token(code: str) -> str | None:
    """This session's token for room ``code`` (a fresh session takes the browser's cookie in
    :func:`member_view`)."""
    take_private_link()
    return state.get(keys.TOKENS, {}).get(code) or None


def remember_member(code: str, token: str | None) -> None:
    """Keep (or with None, forget) this session's token for ``code``; the browser's cookie
    follows at the next :func:`keep_in_browser`."""
    tokens = {k: v for k, v in state.get(keys.TOKENS, {}).items() if k != code}
    if token:
        tokens[code] = token
    state[keys.TOKENS] = tokens
    browser_keeps(code, bool(token))


def browser_keeps(code: str, keep: bool) -> None:
    """Whether the browser's cookie for ``code`` should hold this session's token (Withdraw
    clears it; joining or sending sets it again)."""
    off = set(state.get(keys.COOKIE_OFF, ()))
    off.discard(code) if keep else off.add(code)
    state[keys.COOKIE_OFF] = tuple(sorted(off))


def _browser_cookies() -> dict[str, str]:
    try:
        return {str(k): str(v) for k, v in st.context.cookies.items()}
    except Exception:  # noqa: BLE001 (no browser connection, e.g. in tests)
        return {}


def _cookie_candidate(code: str, kind: str = "member") -> str | None:
    """The browser's cookie token (or facilitator key) for ``code``, read once per session
    (the handshake's cookies do not change during a connection, and one found wrong is not
    tried again)."""
    read = tuple(state.get(keys.COOKIE_READ, ()))
    mark = code if kind == "member" else f"{kind}:{code}"
    if mark in read:
        return None
    state[keys.COOKIE_READ] = (*read, mark)
    return identity.cookie_token(_browser_cookies(), code, kind)


def keep_in_browser(room: rooms.Room, page: str) -> None:
    """Set (or clear) the browser's cookie for ``room`` to this session's token, by a tiny
    hidden script (the token is never logged and never put in a link)."""
    code = room.code
    token = state.get(keys.TOKENS, {}).get(code) or None
    if code in state.get(keys.COOKIE_OFF, ()):
        token = None
    if token is None and identity.cookie_name(code) not in _browser_cookies() \
            and code not in state.get(keys.COOKIE_OFF, ()):
        return  # nothing to set and nothing to clear
    script = identity.cookie_script(code, token, identity.max_age_s(room.expires_at), page)
    st.html(f'<span class="mash-doc" hidden></span><script>{script}</script>',
            unsafe_allow_javascript=True)


def keep_key_in_browser(room: rooms.Room, key: str | None, page: str) -> None:
    """Keep the facilitator's key in a cookie on this device (None: clear it), so a reload
    keeps the controls without the key in the address bar."""
    name = identity.cookie_name(room.code, "facilitator")
    if _browser_cookies().get(name) == key or (key is None and name not in _browser_cookies()):
        return
    script = identity.cookie_script(room.code, key, identity.max_age_s(room.expires_at), page,
                                    "facilitator")
    st.html(f'<span class="mash-doc" hidden></span><script>{script}</script>',
            unsafe_allow_javascript=True)


def continue_as_member(code: str) -> None:
    """With no identity in this session: if this browser holds one for the room (joined in
    another tab after this one connected), reload once to continue as that member, so one
    browser does not join twice."""
    st.html(f'<span class="mash-doc" id="{identity.rejoin_marker(code)}" hidden></span>'
            f"<script>{identity.rejoin_script(code)}</script>", unsafe_allow_javascript=True)


def member_view(eng: Engine, code: str, lang: str) -> rooms.MemberView | None:
    """This session's member of the room, or None (an unknown token is dropped with a note).

    A fresh session (a reload, or a reconnect to another replica) takes the member's token from
    their browser's cookie for this room when storage knows it; a wrong or expired one is
    dropped (and the cookie cleared) quietly: it neither counts as a wrong code nor shows a note.
    """
    token = member_token(code)
    from_cookie = False
    if not token:
        token = _cookie_candidate(code)
        from_cookie = token is not None
    if not token:
        return None
    try:
        view = rooms.member_view(eng, code, token)
    except rooms.NotAllowed as exc:
        remember_member(code, None)
        if not from_cookie:
            st.info(md_escape(exc.say(lang)) if exc.key == "member_removed"
                    else t("room_ui.stranger", lang),
                    icon=":material/person_off:")
        return None
    if from_cookie:
        remember_member(code, token)
    return view
