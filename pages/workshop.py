"""Workshop room (/workshop): open a room, show its join code and QR code, and the live board.

``/workshop`` opens a room or goes to one by code; ``/workshop?room=CODE`` is the board (anyone
with the code); ``&key=KEY`` adds the facilitator's controls (the key is taken out of the
address bar at once and kept on the facilitator's device); ``&present=1`` is the presenter
view for the projector (``pages/ui/rooms/presenter.py``: never a key, no controls). A member
votes with the identity kept in their session, their vote cards first
(``pages/ui/rooms/voting.py``). The other pieces live in ``pages/ui/rooms/board.py``; storage
in ``explorer/rooms/``. A database that fails, or a room deleted while the page is drawn, is
one calm line, never an error page.
"""

from dataclasses import replace

import streamlit as st

from explorer import rooms
from explorer.i18n import t
from explorer.rooms.links import BOARD_PAGE, app_base
from explorer.storage import db
from explorer.text import md_escape
from pages.ui import shell
from pages.ui.editions import asat
from pages.ui.rooms import board as room_board
from pages.ui.rooms import live, presenter, rendered, voting
from pages.ui.rooms import state as ui
from pages.ui.rooms.storage_notice import storage_notice

settings = shell.require_app()

lang = settings.lang
projector = settings.projector
# The board's reference row and "gained over" follow the chosen edition (issue 18), as the
# planner's baseline does.
ds = asat.dataset(asat.sync(lang))


def show() -> None:
    ui.take_private_link()
    ui.take_facilitator_key()  # out of the address bar before anything is drawn
    ui.address_guard()
    ui.flash()
    eng = ui.engine(lang)
    if eng is None:
        st.title(t("workshop.title", lang))
        return
    room = ui.current_room(eng, lang)
    if room is None:
        st.title(t("workshop.title", lang))
        st.caption(t("workshop.intro", lang))
        storage_notice(lang)  # before a room is opened: will it survive a restart?
        room_board.lobby(eng, lang)
        st.caption(t("room.stored", lang, days=rooms.expiry_days()))
        return
    if presenter.wanted():  # the projector: before the key is even looked at
        presenter.show(eng, ds, room, lang)
        return
    key = ui.facilitator_key(eng, room, lang)
    board = room_board.read_board(eng, room, key)
    figures = room_board.figures(ds, board)
    view = ui.member_view(eng, room.code, lang) if key is None else None
    base = app_base(st.context.url, BOARD_PAGE)

    st.title(md_escape(board.room.name), anchor=False)
    if view is not None:  # a member: their votes first, the join code folded away
        voting.votes(eng, board, figures, lang, view, room_board.option)
        with st.expander(t("workshop.join_code", lang), icon=":material/qr_code:"):
            room_board.join_panel(board.room, base, lang, projector, key)
    else:
        room_board.join_panel(board.room, base, lang, projector, key)
    if key is not None:  # before the table: nothing in the table can take the controls away
        room_board.controls(eng, ds, board, figures, key, lang)
        ui.keep_key_in_browser(board.room, key, BOARD_PAGE)
    room_board.heading(board, lang)
    # The table in a fragment that the live check redraws alone (pages/ui/rooms/live.py); the
    # map after it, on the page: it changes only with the entries, which rerun the page.
    def draw(b: rooms.Board, f) -> None:
        if view is not None and voting.page_behind(b.room.code):
            st.rerun()  # this member's last vote is stored but not drawn: the page again
        room_board.board(ds, b, f, base, lang, key is not None, with_map=False)

    live.board_area(eng, board, figures, key, lang, draw=draw,
                    read=lambda version: _read(eng, board.room, version, key))
    room_board.board_map(ds, board, figures, lang)
    if key is None:
        if view is None:
            voting.votes(eng, board, figures, lang, view, room_board.option)
        ui.keep_in_browser(board.room, BOARD_PAGE)
    st.caption(t("room.stored", lang, days=rooms.expiry_days()))


def _read(eng, room, version: int, key):
    """The board at ``version`` and its figures (after a change seen by the live check)."""
    fresh = room_board.read_board(eng, replace(room, board_version=version), key)
    if key is not None:
        return fresh, room_board.figures(ds, fresh)
    return fresh, rendered.once("figures", (room.code, version), ds,
                                lambda: room_board.figures(ds, fresh))


try:
    show()
except rooms.RoomNotFound:  # deleted or expired while this page was being drawn
    st.info(t("workshop.room_gone", lang), icon=":material/door_front:")
except db.DatabaseError as exc:
    ui.unavailable(lang, exc)
