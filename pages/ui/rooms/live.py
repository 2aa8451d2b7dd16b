"""The live board: redraw a board only when its room changed, and only the part that changed.

How a board stays current (issues 20 and 22):

- **Polling without a rerun.** The board's browser asks a small HTTP endpoint of this server
  (``<app>/_mash/live``, added to Streamlit's own server once per process by
  :func:`route_ready`) every :data:`POLL_S` seconds whether the room's version is still the one
  it drew. The answer comes from memory: each room's version is read from the database at most
  once per :data:`VERSION_TTL_S` for all the boards of that room in this process. Nothing else
  runs: no Streamlit script, no fragment. The request names the room by an opaque watch token
  (never its code), so the endpoint tells nobody whether a code exists.
- **Redrawing.** Only when the version changed does the browser's small component
  (``live_component/index.html``) tell Streamlit, which reruns the board's fragment
  (:func:`board_area`): the table, counts and map, not the page. A change that the rest of the
  page depends on (entries sent, withdrawn or hidden, the room locked or its votes revealed)
  reruns the page; so does any change on the facilitator's board (their controls).
- **Budget.** Each redraw is admitted by :class:`explorer.rooms.redraws.RedrawBudget`: a room
  cannot take more than its share of the server however many boards it opens, and all rooms
  together have a ceiling. A refused board is told to wait and asks again at its next poll;
  within a room the redraws go to the boards that have waited longest (each board asks under
  an id the server signed for its session, ``b``, its place in the queue; a check without one
  waits behind every board in the queue).
  The budget, like the versions read, is per server process (per replica).

Where the endpoint cannot be added (an unknown server, AppTest) the fragment reruns itself
every :data:`POLL_S` seconds instead (``run_every``), as boards did before; a token a replica
does not know (the browser's poll reached another replica) makes the browser ask its own
session to check, so a board is never wrong, only dearer.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from explorer import rooms
from explorer.i18n import t
from explorer.limits import BOARD_POLL_S
from explorer.rooms.redraws import RedrawBudget
from explorer.storage import db
from explorer.storage.db import Engine
from pages.ui import shell
from pages.ui.rooms import keys

log = logging.getLogger("mash.rooms")
state = st.session_state

#: Seconds between a board's checks of its room (an entry reaches a board within this, plus
#: one redraw).
POLL_S = BOARD_POLL_S
#: A room's version read from the database is reused for this long by every board of the room.
VERSION_TTL_S = 0.5
#: The endpoint's path under the app's base path.
ROUTE = "_mash/live"
MAX_WATCHES = 20_000

budget = RedrawBudget()
_SECRET = secrets.token_bytes(16)
_lock = threading.Lock()
_watches: dict[str, tuple[str, bool]] = {}
_engine: list[Engine] = []
#: (code, public) -> (read at, version or None (gone) or the exception)
_versions: dict[tuple[str, bool], tuple[float, object]] = {}
_pending: dict[tuple[str, bool], asyncio.Future] = {}

_component = components.declare_component(
    "mash_live", path=str(Path(__file__).with_name("live_component")))
#: The page-level watchdog for a board whose component never loaded (read once per process).
_WATCHDOG_JS = Path(__file__).with_name("live_watchdog.js").read_text(encoding="utf-8")


# ---- The endpoint --------------------------------------------------------------------------


def watch_token(code: str, public: bool) -> str:
    """The opaque name a board's browser uses for its room (the same for every board of the
    room in this process, so the table of them stays as small as the number of rooms)."""
    token = hmac.new(_SECRET, f"{code}:{int(public)}".encode(), hashlib.sha256).hexdigest()[:24]
    with _lock:
        if token not in _watches and len(_watches) >= MAX_WATCHES:
            _watches.pop(next(iter(_watches)))
        _watches[token] = (code, public)
    return token


def _read_version(eng: Engine, code: str, public: bool) -> object:
    try:
        return rooms.room_version(eng, code, public=public)
    except db.DatabaseError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 (one bad read is "not live", never a crash)
        log.exception("room %s: live check failed", code)
        return exc


def board_id(code: str) -> str:
    """This session's board id for ``code``'s queue of redraws: random, and signed by this
    process (24 hex digits), so a client cannot make up places in the queue without opening
    boards; the same for the session's every redraw."""
    ids = state.get(keys.LIVE_BOARD_IDS)
    if not isinstance(ids, dict):
        ids = {}
    if code not in ids:
        ids = {**ids, code: secrets.token_hex(6)}
        state[keys.LIVE_BOARD_IDS] = ids
    return ids[code] + _board_mac(ids[code], code)


def _board_mac(rand: str, code: str) -> str:
    return hmac.new(_SECRET, f"board:{rand}:{code}".encode(), hashlib.sha256).hexdigest()[:12]


def signed_board(board: str, code: str) -> str | None:
    """``board`` if this process gave it to a board of ``code`` (:func:`board_id`), else None."""
    if len(board) != 24 or not board.isascii() or not board.isalnum():
        return None
    return board if hmac.compare_digest(_board_mac(board[:12], code), board[12:]) else None


async def current_version(code: str, public: bool, *, now: float | None = None) -> object:
    """The room's version as the boards of this process see it (read at most once per
    :data:`VERSION_TTL_S`, however many boards ask); None once the room is gone; an exception
    when the database did not answer."""
    key = (code, public)
    now = time.monotonic() if now is None else now
    cached = _versions.get(key)
    if cached is not None and now - cached[0] < VERSION_TTL_S:
        return cached[1]
    waiting = _pending.get(key)
    if waiting is not None:
        return await waiting
    loop = asyncio.get_running_loop()
    future = _pending[key] = loop.create_future()
    try:
        value = await loop.run_in_executor(None, _read_version, _engine[0], code, public)
        _versions[key] = (time.monotonic(), value)
        if len(_versions) > MAX_WATCHES:
            _versions.pop(next(iter(_versions)))
        future.set_result(value)
        return value
    finally:
        _pending.pop(key, None)


def fresh_version(code: str, public: bool) -> object:
    """The version the endpoint read for this room less than :data:`VERSION_TTL_S` ago (a
    board redrawn because of it need not read it again), or None."""
    cached = _versions.get((code, public))
    if cached is not None and time.monotonic() - cached[0] < VERSION_TTL_S:
        return cached[1]
    return None


async def answer(token: str, drawn: int, board: str | None = None) -> str:
    """What a board that drew version ``drawn`` of the watched room should do: ``same``,
    ``changed`` (redraw), ``wait`` (changed, but the room's or the server's redraw budget is
    spent: ask again later), ``gone``, ``down`` (the database did not answer) or ``unknown``.
    ``board``: the board's own id (its place in the room's queue for redraws)."""
    watched = _watches.get(token)
    if watched is None or not _engine:
        return "unknown"
    code, public = watched
    now = await current_version(code, public)
    if isinstance(now, BaseException):
        return "down"
    if now is None:
        return "gone"
    if now == drawn:
        return "same"
    signed = signed_board(board, code) if board else None
    return "changed" if budget.admit(code, board=signed) else "wait"


async def _endpoint(request):
    from starlette.responses import JSONResponse

    try:
        drawn = int(request.query_params.get("v", "-1"))
    except ValueError:
        drawn = -1
    status = await answer(request.query_params.get("w", ""), drawn,
                          request.query_params.get("b", "")[:32] or None)
    return JSONResponse({"s": status}, headers={"Cache-Control": "no-store"})


def _starlette_app():
    """Streamlit's Starlette application in this process (found from the runtime, which
    Streamlit's server object holds), or None."""
    import gc

    from streamlit import runtime

    if not runtime.exists():
        return None
    for holder in gc.get_referrers(runtime.get_instance()):
        server = getattr(holder, "_server", None)
        app = getattr(getattr(server, "config", None), "app", None)
        if app is not None and hasattr(app, "router"):
            return app
    return None


@st.cache_resource(show_spinner=False)
def route_ready() -> bool:
    """Add the live endpoint to Streamlit's server, once per process; False if it could not
    be added (boards then poll with a fragment rerun)."""
    try:
        from starlette.routing import Route

        app = _starlette_app()
        if app is None:
            return False
        base = (st.get_option("server.baseUrlPath") or "").strip("/")
        path = f"/{base}/{ROUTE}" if base else f"/{ROUTE}"
        app.router.routes.insert(0, Route(path, _endpoint, methods=["GET"]))
    except Exception:  # noqa: BLE001 (a server that changed underneath: poll the old way)
        log.exception("live board endpoint not added; boards poll with fragment reruns")
        return False
    return True


# ---- The board's fragment ------------------------------------------------------------------


def layout(board: rooms.Board) -> tuple:
    """What the page around the table depends on (the votes widget's choices, the map, the
    lock and reveal lines): a change here reruns the page, any other change only the table."""
    room = board.room
    return (room.name, room.locked, room.votes_revealed,
            tuple((e.id, e.member_number, e.author, e.scenario_json, e.hidden)
                  for e in board.entries))


def board_area(eng: Engine, board: rooms.Board, figures, key: str | None, lang: str,
               draw: Callable[[rooms.Board, tuple], None],
               read: Callable[[int], tuple[rooms.Board, tuple]]) -> None:
    """Draw the board (``draw(board, figures)``) and keep it live.

    ``read(version)`` reads the board and its figures at a newer version (for boards without
    the key, once per room and version in the process)."""
    if route_ready():
        _engine[:1] = [eng]
        _watchdog()
        _pushed(eng, board, figures, key, lang, draw, read)
    else:
        _polled(eng, board, figures, key, lang, draw, read)


def watch(eng: Engine, room: rooms.Room, lang: str, public: bool) -> None:
    """For a page drawn whole (the presenter view): the "live" line and the same cheap check,
    rerunning the whole page when the room changed (``public``: a page without the key)."""
    board = rooms.Board(room=room, entries=(), members=0, votes_shown=False)
    key = None if public else ""
    if route_ready():
        _engine[:1] = [eng]
        _watchdog()
        _pushed(eng, board, (), key, lang, None, None)
    else:
        _polled(eng, board, (), key, lang, None, None)


def _area(eng: Engine, board: rooms.Board, figures, key: str | None, lang: str,
          draw, read, pushed: bool) -> None:
    """``draw`` None: the page is drawn whole, so any change reruns it."""
    public = key is None
    code = board.room.code
    with shell.error_boundary():  # a fragment rerun runs outside app.py's boundary
        drawn = board.room.board_version if public else board.room.version
        now, live = fresh_version(code, public), True
        if not isinstance(now, int) or now < drawn:  # versions only grow: older is stale
            try:
                now = rooms.room_version(eng, code, public=public)
            except db.DatabaseError:
                now, live = drawn, False  # tried again at the next poll
        if now is None:
            st.rerun()  # the page says the room is gone
        if now != drawn:
            if not public or draw is None:
                st.rerun()  # the facilitator's controls follow every change
            fresh, fresh_figures = read(now)
            if layout(fresh) != layout(board):
                st.rerun()
            board, figures = fresh, fresh_figures
        if draw is not None:
            draw(board, figures)
        if live:
            st.caption(t("workshop.live", lang) + " " + t(
                "workshop.live_at", lang,
                when=board.room.last_activity.strftime("%H:%M:%S")))
        else:
            st.caption(t("workshop.not_live", lang))
        if pushed:
            seen = state.get(f"_live_{code}")
            _component(w=watch_token(code, public), v=now, b=board_id(code), live=live,
                       poll_ms=int(POLL_S * 1000),
                       seen=seen.get("n", 0) if isinstance(seen, dict) else 0,
                       key=f"_live_{code}", default=None, height=0)


def _watchdog() -> None:
    """The page's watchdog (``live_watchdog.js``), drawn by whole-page runs only, outside the
    board's fragment: a redraw of the board does not send it again."""
    st.html(f'<span class="mash-doc mash-live-watch" hidden></span>'
            f"<script>{_WATCHDOG_JS}</script>", unsafe_allow_javascript=True)


@st.fragment
def _pushed(eng, board, figures, key, lang, draw, read) -> None:
    _area(eng, board, figures, key, lang, draw, read, pushed=True)


@st.fragment(run_every=POLL_S)
def _polled(eng, board, figures, key, lang, draw, read) -> None:
    _area(eng, board, figures, key, lang, draw, read, pushed=False)
