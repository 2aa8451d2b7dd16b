"""The facilitator's own pieces of the board that must hold in a room with a projector.

* the private facilitator link is never drawn until asked for ("Show my private link", with a
  copy button), and the key never stays in the address bar (:func:`state.take_facilitator_key`);
* hiding entries is one toggle per entry (no "Select all"), keyed by the entry, never by the
  room's version, so others' changes never reset it;
* deleting the room asks for the private link (or its key) to be pasted again: something a
  photo of the screen cannot give.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import streamlit as st

from explorer import rooms
from explorer.i18n import t
from explorer.rooms.links import links
from explorer.storage import db
from explorer.storage.db import Engine
from explorer.text import md_escape
from pages.ui import notices
from pages.ui.rooms import keys
from pages.ui.rooms import state as ui

state = st.session_state


def private_link(room: rooms.Room, base: str, key: str, lang: str,
                 link: str | None = None) -> None:
    """Shown only on request: the private facilitator link, with copy; hidden again on request.
    A room just opened is told to save it (without showing it)."""
    if state.pop(keys.NEW, None) == room.code:
        st.info(t("workshop.save_private", lang), icon=":material/key:")
    shown = set(state.get(keys.SHOW_PRIVATE, ()))
    if room.code not in shown:
        if st.button(t("workshop.show_private", lang), icon=":material/key:",
                     key=f"room_show_private_{room.code}"):
            state[keys.SHOW_PRIVATE] = (*shown, room.code)
            st.rerun()
        return
    with st.container(border=True):
        st.caption(t("workshop.facilitator_link", lang))
        st.code(link or links(base, room.code, key)["facilitator_link"], language=None,
                wrap_lines=True)
        st.caption(t("workshop.facilitator_keep", lang))
        if st.button(t("workshop.hide_private", lang), icon=":material/visibility_off:",
                     key=f"room_hide_private_{room.code}"):
            state[keys.SHOW_PRIVATE] = tuple(c for c in shown if c != room.code)
            st.rerun()


def _act(fn, *args) -> bool:
    lang = state.get("lang", "en")
    try:
        fn(*args)
    except rooms.RoomError as exc:
        ui.say("error", ui.refusal(exc, lang))
        return False
    except db.DatabaseError:
        ui.say("info", t("workshop.unavailable_now", lang))
        return False
    return True


def hidden_entries(eng: Engine, board: rooms.Board, figures_, key: str, lang: str,
                   option) -> None:
    """One "hidden" toggle per entry, in an expander (no list with "Select all")."""
    code = board.room.code
    if not figures_:
        return
    n_hidden = sum(1 for f in figures_ if f.entry.hidden)
    with st.expander(t("workshop.hidden_heading", lang, n=n_hidden),
                     icon=":material/visibility_off:"):
        if board.room.locked:  # frozen: no controls (a disabled one cannot meet contrast)
            st.caption(t("workshop.hidden_locked", lang))
            for f in figures_:
                if f.entry.hidden:
                    st.text(option(f, lang))
            return
        synced = dict(state.get(keys.VOTE_SYNCED, {}))
        for f in figures_:
            widget = keys.hide_entry(code, f.entry.id)
            # Set from storage only when what is stored changed: members' votes redraw this
            # board often, and must not put a switch back under the facilitator's finger.
            if synced.get(widget) != f.entry.hidden or widget not in state:
                state[widget] = f.entry.hidden
                synced[widget] = f.entry.hidden

            def changed(entry_id=f.entry.id, widget=widget) -> None:
                wanted = bool(state[widget])
                if not _act(rooms.set_hidden, eng, code, key, entry_id, wanted):
                    state[widget] = not wanted

            # A label is markdown: the entry's user text is escaped to show as typed.
            st.toggle(md_escape(t("workshop.hide_entry", lang, entry=option(f, lang))),
                      key=widget,
                      on_change=changed)
        state[keys.VOTE_SYNCED] = synced


def _key_of(pasted: str) -> str:
    """The key in a pasted facilitator link (or the key itself)."""
    text = (pasted or "").strip()
    if "key=" in text:
        found = parse_qs(urlsplit(text).query).get("key")
        return found[0] if found else ""
    return text


def delete_room(eng: Engine, room: rooms.Room, lang: str) -> None:
    """Delete the room once the private link (or its key) is pasted again and checked."""
    code = room.code
    with st.expander(t("workshop.delete_heading", lang), icon=":material/delete:"):
        st.caption(t("workshop.delete_confirm", lang))
        pasted = st.text_input(t("workshop.delete_paste", lang), type="password",
                               key=keys.delete_key(code))
        if st.button(t("workshop.delete", lang), icon=":material/delete:", key=keys.delete(code)):
            given = _key_of(pasted)
            if not given:
                st.warning(t("workshop.delete_first", lang))
                return
            try:
                rooms.delete_room(eng, code, given)
            except rooms.NotAllowed:
                st.error(t("workshop.delete_wrong", lang))
                return
            except rooms.RoomError as exc:
                notices.refused(ui.refusal(exc, lang))
                return
            ui.forget_facilitator(code)
            for param in (keys.ROOM, keys.KEY, keys.MEMBER):
                st.query_params.pop(param, None)
            ui.say("success", t("workshop.deleted", lang))
            st.rerun()
