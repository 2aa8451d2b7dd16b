"""The planner's "Send to room" panel, shown when the planner is opened with ``?room=CODE``.

It says which room the member is in, takes an optional display name, and sends (or replaces,
or withdraws) the member's one entry. The first send joins the room. The member's identity
stays in this session and in a cookie for the room (never in the address bar, so the
planner's address and its share link can be passed on safely); the private "continue on
another device" link carries it.

The scenario sent is the one just read from the editor in this same run, so a name typed just
before pressing Send is part of it. Send is offered only once the scenario differs from the
May 2019 position; a scenario opened from another member's entry on the board (``&entry=N``)
says whose it is and asks before it replaces the member's own entry. After a withdrawal and
after the lock the panel says what that means. A database that fails is one calm line: the
planner and its map carry on.
"""

from __future__ import annotations

import streamlit as st

from explorer import rooms
from explorer.i18n import t
from explorer.scenario import Scenario
from explorer.storage import db
from pages.ui import notices
from pages.ui.rooms import keys, voting
from pages.ui.rooms import state as ui
from pages.ui.rooms.board import link_params as board_link_params

#: ``&entry=N`` on a board's "open" link: the scenario is entry N's (not the opener's own).
ENTRY = "entry"
#: {code: (entry number, author)}: the entry the scenario in this planner was opened from.
FROM_ENTRY = "room_from_entry"


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
        notices.refused(ui.refusal(exc, lang))
    else:  # redraw the panel from the stored state (button label, "on the board" line)
        ui.browser_keeps(code, True)  # the browser keeps the identity (ui.keep_in_browser)
        state[FROM_ENTRY] = {k: v for k, v in state.get(FROM_ENTRY, {}).items() if k != code}
        state[keys.WITHDRAWN] = tuple(c for c in state.get(keys.WITHDRAWN, ()) if c != code)
        ui.say("success", t("room_ui.sent", lang))
        st.rerun()


def _withdraw(eng, code: str, lang: str) -> None:
    try:
        rooms.withdraw_entry(eng, code, ui.member_token(code))
    except rooms.RoomError as exc:
        notices.refused(ui.refusal(exc, lang))
    else:  # the browser keeps the identity: after a reload this is still the same member
        # (clearing it would let one person come back as a new member with fresh votes)
        state[keys.WITHDRAWN] = (*state.get(keys.WITHDRAWN, ()), code)
        ui.say("success", t("room_ui.withdrawn", lang))
        st.rerun()


state = st.session_state


def _take_origin(code: str) -> None:
    """Keep ``&entry=N`` (the board's "open" link) in the session, out of the address."""
    if ENTRY not in st.query_params:
        return
    raw = st.query_params.get(ENTRY) or ""
    del st.query_params[ENTRY]
    if raw.isdigit() and len(raw) < 6:
        state[FROM_ENTRY] = {**state.get(FROM_ENTRY, {}), code: int(raw)}


def _origin(eng, code: str, view) -> rooms.Entry | None:
    """The entry (another member's) this planner's scenario was opened from, if any."""
    number = state.get(FROM_ENTRY, {}).get(code)
    if number is None or (view is not None and view.member.number == number):
        return None
    for entry in rooms.board(eng, code).entries:
        if entry.member_number == number:
            return entry
    return None


def unchanged(scenario: Scenario) -> bool:
    """True while the scenario is still the May 2019 position (no hub proposed)."""
    return not scenario.hubs and scenario.include_existing


def panel(lang: str, checked) -> None:
    """The room panel (nothing when the planner was not opened with a room code)."""
    ui.take_private_link()
    if not st.query_params.get(keys.ROOM):
        return
    ui.address_guard()
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
        has_entry = view is not None and view.entry is not None
        _take_origin(code)
        origin = _origin(eng, code, view)
        same = unchanged(checked.scenario)
        if origin is not None:
            st.warning(t("room_ui.others_entry", lang, number=origin.member_number,
                         author=origin.author_label(lang)), icon=":material/content_copy:")
        sure = True
        if origin is not None and has_entry and not room.locked:
            sure = st.checkbox(t("room_ui.replace_sure", lang), key=keys.replace_sure(code))
        if same and not room.locked:
            st.info(t("room_ui.unchanged", lang), icon=":material/edit:")
        # One action a line: three columns in the planner's side panel cut the labels to
        # "Send …", "With…", "Open the" at 1366 px (more so in Welsh).
        c1, c2, c3 = st.container(), st.container(), st.container()
        # A locked room, or the unchanged May 2019 position, shows no Send button (a disabled
        # one cannot meet text contrast): the line above says why.
        send = not room.locked and not same and c1.button(
            t("room_ui.replace" if has_entry else "room_ui.send", lang), type="primary",
            icon=":material/send:", key=keys.SEND)
        withdraw = has_entry and not room.locked and c2.button(
            t("room_ui.withdraw", lang), icon=":material/undo:", key=keys.WITHDRAW)
        if send and not sure:
            st.warning(t("room_ui.replace_first", lang))
        elif send:
            _send(eng, code, checked.scenario, name, lang)
        elif withdraw:
            _withdraw(eng, code, lang)
        ui.flash()
        ui.keep_in_browser(room, "what-if")
        if view is None:
            ui.continue_as_member(code)  # joined in another tab of this browser: continue
        # The board in this same session (so this member can vote there), in the page's
        # language, workshop mode and edition (asat): no token in the link.
        board_params = {keys.ROOM: code, **({"lang": lang} if lang != "en" else {}),
                        **board_link_params()}
        c3.page_link("pages/workshop.py", label=t("room_ui.open_board", lang),
                     icon=":material/open_in_new:", query_params=board_params)
        if view is not None:
            st.text(t("workshop.you_are", lang, name=view.member.label(lang)))
        withdrawn = code in state.get(keys.WITHDRAWN, ())
        when = view.entry.updated_at.strftime("%H:%M") if has_entry else ""
        if room.locked:
            st.info(t("room_ui.locked_sent", lang, when=when) if has_entry
                    else t("room_ui.locked_none", lang), icon=":material/lock:")
        elif has_entry:
            st.caption(t("room_ui.hidden" if view.entry.hidden else "room_ui.on_board", lang,
                         when=when))
        elif withdrawn:
            st.caption(t("room_ui.after_withdraw", lang))
        else:
            st.caption(t("room_ui.not_sent", lang))
        if checked.problems:
            st.caption(t("room_ui.incomplete", lang))
        voting.continue_on_phone(code, lang, "what-if")
