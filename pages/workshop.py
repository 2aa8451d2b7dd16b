"""Workshop room (/workshop): open a room, show its join code and QR code, and the live board.

``/workshop`` opens a room or goes to one by code; ``/workshop?room=CODE`` is the board (anyone
with the code); ``&key=KEY`` adds the facilitator's controls; ``&member=TOKEN`` lets a member
vote. The pieces live in ``pages/ui/room_board.py``; storage in ``explorer/rooms.py``.
"""

import streamlit as st

from explorer import rooms
from explorer.i18n import t
from explorer.room_links import BOARD_PAGE, app_base
from explorer.text import md_escape
from pages.ui import caches, room_board, shell
from pages.ui import rooms as ui
from pages.ui.room_storage import storage_notice

settings = shell.require_app()

lang = settings.lang
projector = settings.projector
ds = caches.dataset()

ui.flash()
eng = ui.engine(lang)
if eng is None:
    st.title(t("workshop.title", lang))
    st.stop()
room = ui.current_room(eng, lang)
if room is None:
    st.title(t("workshop.title", lang))
    st.caption(t("workshop.intro", lang))
    storage_notice(lang)  # before a room is opened: will it survive a restart?
    room_board.lobby(eng, lang)
    st.caption(t("room.stored", lang, days=rooms.expiry_days()))
    st.stop()

key = ui.facilitator_key(eng, room, lang)
try:
    board = rooms.board(eng, room.code, key=key)
except rooms.RoomError as exc:
    st.warning(md_escape(t("workshop.not_opened", lang, problem=str(exc))))
    st.stop()
view = ui.member_view(eng, room.code, lang) if key is None else None
base = app_base(st.context.url, BOARD_PAGE)

st.title(md_escape(board.room.name), anchor=False)
room_board.join_panel(board.room, base, lang, projector, key)
drawn = room_board.board(ds, board, base, lang, ui.member_token(room.code), key is not None)
if key is not None:
    room_board.controls(eng, ds, board, key, lang, drawn)
else:
    room_board.votes(eng, board, drawn, lang, view)
st.caption(t("room.stored", lang, days=rooms.expiry_days()))
room_board.watch(eng, board.room.code, board.room.version)
