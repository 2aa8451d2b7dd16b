"""The planner's "Send to room" panel, shown when the planner is opened with ``?room=CODE``.

It says which room the member is in, takes an optional display name, and sends (or replaces,
or withdraws) the member's one entry. The first send joins the room. The member's identity
stays in this session and in a cookie for the room (never in the address bar, so the
planner's address and its share link can be passed on safely); the private "continue on
another device" link carries it.

The scenario sent is the one just read from the editor in this same run, so a name typed just
before pressing Send is part of it. A database that fails is one calm line: the planner and its
map carry on.
"""

from __future__ import annotations

import streamlit as st

from explorer import rooms
from explorer.i18n import t
from explorer.rooms.links import app_base, member_link
from explorer.scenario import Scenario
from explorer.storage import db
from pages.ui import notices
from pages.ui.rooms import keys
from pages.ui.rooms import state as ui


def _send(eng, code: str, scenario: Scenario, name: str, lang: str) -> None:
    token = ui.member_token(code)
    try:
        if not token:
            if not ui.may_join(code, lang):
                return
            token = rooms.join_room(eng, code, name).token
            ui.remember_member(code, token)
        rooms.send_entry(eng, code, token, scenario, display_name=name)
    except rooms.RoomError as exc:
        notices.refused(t("workshop.refused", lang, problem=str(exc)))
    else:  # redraw the panel from the stored state (button label, "on the board" line)
        ui.browser_keeps(code, True)  # the browser keeps the identity (ui.keep_in_browser)
        ui.say("success", t("room_ui.sent", lang))
        st.rerun()


def _withdraw(eng, code: str, lang: str) -> None:
    try:
        rooms.withdraw_entry(eng, code, ui.member_token(code))
    except rooms.RoomError as exc:
        notices.refused(t("workshop.refused", lang, problem=str(exc)))
    else:  # the browser keeps the identity: after a reload this is still the same member
        # (clearing it would let one person come back as a new member with fresh votes)
        ui.say("success", t("room_ui.withdrawn", lang))
        st.rerun()


def panel(lang: str, checked) -> None:
    """The room panel (nothing when the planner was not opened with a room code)."""
    ui.take_private_link()
    if not st.query_params.get(keys.ROOM):
        return
    try:
        _panel(lang, checked)
    except rooms.RoomNotFound:  # deleted while this page was being drawn
        st.info(t("workshop.room_gone", lang), icon=":material/door_front:")
    except db.DatabaseError as exc:
        ui.unavailable(lang, exc)


def _panel(lang: str, checked) -> None:
    eng = ui.engine(lang)
    room = ui.current_room(eng, lang) if eng is not None else None
    if room is None:
        return
    code = room.code
    with st.container(border=True, key=keys.PANEL):
        st.subheader(t("room_ui.heading", lang, code=code), anchor=False)
        st.text(room.name)
        view = ui.member_view(eng, code, lang)
        # No max_chars: a pasted name that is too long is kept and named as too long.
        name = st.text_input(t("room_ui.display_name", lang),
                             view.member.display_name if view else "",
                             key=keys.display_name(code),
                             placeholder=t("room_ui.display_placeholder", lang))
        c1, c2, c3 = st.columns(3)
        has_entry = view is not None and view.entry is not None
        # A locked room shows no Send button (a disabled one cannot meet text contrast).
        send = not room.locked and c1.button(
            t("room_ui.replace" if has_entry else "room_ui.send", lang), type="primary",
            icon=":material/send:", key=keys.SEND)
        withdraw = has_entry and c2.button(t("room_ui.withdraw", lang), icon=":material/undo:",
                                           key=keys.WITHDRAW)
        if send:
            _send(eng, code, checked.scenario, name, lang)
        elif withdraw:
            _withdraw(eng, code, lang)
        ui.flash()
        ui.keep_in_browser(room, "what-if")
        # The board in this same session (so this member can vote there): no token in the link.
        c3.page_link("pages/workshop.py", label=t("room_ui.open_board", lang),
                     icon=":material/open_in_new:", query_params={keys.ROOM: code})
        if room.locked:
            st.info(t("workshop.locked", lang), icon=":material/lock:")
        if view is not None:
            st.text(t("workshop.you_are", lang, name=view.member.display_name))
        if view is not None and view.entry is not None:
            when = view.entry.updated_at.strftime("%H:%M")
            st.caption(t("room_ui.hidden" if view.entry.hidden else "room_ui.on_board", lang,
                         when=when))
        else:
            st.caption(t("room_ui.not_sent", lang))
        if checked.problems:
            st.caption(t("room_ui.incomplete", lang))
        token = ui.member_token(code)
        if token:
            with st.expander(t("room_ui.private_link", lang), icon=":material/lock_person:"):
                st.caption(t("room_ui.private_help", lang))
                st.code(member_link(app_base(st.context.url, "what-if"), code, token),
                        language=None, wrap_lines=True)
