"""A member's votes on the board: one card per entry with its own vote toggle.

* each toggle is keyed by the room and the entry, never by the room's version, and is set
  from storage only when this member's stored vote changes, so another member's vote never
  redraws or resets this member's controls (and a new entry adds a card without touching the
  others); a click whose callback a concurrent rerun swallowed is still stored, because the
  switch's value differs from what is stored;
* each toggle stores one vote (:func:`explorer.rooms.add_vote`, :func:`~explorer.rooms.
  remove_vote`, the limit checked in the same transaction), "2 of 3 votes used" says how many
  are left, and the vote (or the refusal, in the page's language) is confirmed beside it;
* the cards come first on a member's board and stack into one column on a phone;
* "Continue on my phone": a QR code of the member's own private link, so one person stays one
  member on two devices; and a browser that already joined continues as that member instead of
  joining again (:func:`state.continue_as_member`).
"""

from __future__ import annotations

import functools

import streamlit as st

from explorer import rooms
from explorer.i18n import number, percent, t
from explorer.limits import MAX_VOTES_PER_MEMBER
from explorer.printing.qr import qr_img
from explorer.rooms.links import app_base, member_link
from explorer.storage import db
from explorer.storage.db import Engine
from explorer.text import md_escape
from pages.ui import notices
from pages.ui.rooms import focus, keys
from pages.ui.rooms import state as ui

state = st.session_state
#: Cards per row on a wide screen (a phone stacks them in one column).
CARDS_PER_ROW = 3


def _note(entry_id: int, kind: str, text: str) -> None:
    state[keys.VOTE_NOTES] = {**state.get(keys.VOTE_NOTES, {}), entry_id: (kind, text)}


def _store(eng: Engine, code: str, entry_id: int, number_: int, wanted: bool,
           lang: str) -> bool:
    """Store (or take back) one vote; the confirmation or refusal goes beside the switch.
    False when refused."""
    token = ui.member_token(code)
    try:
        if wanted:
            mine = rooms.add_vote(eng, code, token, entry_id)
        else:
            mine = rooms.remove_vote(eng, code, token, entry_id)
    except rooms.RoomError as exc:
        _note(entry_id, "error", ui.refusal(exc, lang))
        return False
    except db.DatabaseError:
        _note(entry_id, "error", t("workshop.unavailable_now", lang))
        return False
    _note(entry_id, "ok", t("workshop.vote_saved" if wanted else "workshop.vote_removed",
                            lang, entry=number_, used=len(mine), n=MAX_VOTES_PER_MEMBER))
    state[keys.VOTES_UNSHOWN] = {**state.get(keys.VOTES_UNSHOWN, {}), code: True}
    return True


def page_behind(code: str) -> bool:
    """True when this session stored a vote that the page's votes have not been drawn with
    since (the run after the click did not finish: "2 of 3 votes used" beside three switches
    on, seen about once in five runs of the twenty-voter browser test). The board's fragment
    then reruns the page; the page's next run clears it."""
    return bool(state.get(keys.VOTES_UNSHOWN, {}).get(code))


def _toggled(eng: Engine, code: str, entry_id: int, number_: int, widget: str,
             lang: str) -> None:
    """The switch's callback: store the vote; a refused one puts the switch back."""
    wanted = bool(state.get(widget))
    if not _store(eng, code, entry_id, number_, wanted, lang):
        state[widget] = not wanted
        state[keys.VOTE_SYNCED] = {**state.get(keys.VOTE_SYNCED, {}), widget: not wanted}


def _join(eng: Engine, board: rooms.Board, lang: str) -> None:
    code = board.room.code
    st.caption(t("workshop.votes_how", lang))
    ui.continue_as_member(code)  # joined in another tab of this browser: continue as them
    # No disabled controls (they cannot meet text contrast): a locked room offers none.
    if not board.room.locked and st.button(t("workshop.votes_join", lang),
                                           icon=":material/how_to_vote:"):
        if not ui.may_join(code, lang):
            return
        try:
            joined = rooms.join_room(eng, code)
        except rooms.RoomError as exc:
            notices.refused(ui.refusal(exc, lang))
        else:
            ui.remember_member(code, joined.token)
            state[focus.JOINED] = code  # the next run puts the focus on the first vote
            st.rerun()


def _figures_line(f, lang: str) -> str:
    r = f.result
    if r is None:
        return t("room.unreadable", lang, problem=f.problem or "?")
    return t("workshop.card_figures", lang, people=number(r.population_covered, lang),
             share=percent(r.population_share, lang), authorities=r.authorities_covered)


def votes(eng: Engine, board: rooms.Board, figures_, lang: str,
          view: rooms.MemberView | None, option) -> None:
    """The member's votes, one card per entry on the board; or how to join to vote. Right
    after "Join to vote" the keyboard focus goes to the first vote switch (the button it was
    on is gone and the votes move to the top of the board)."""
    code = board.room.code
    with st.container(key=focus.votes_key(code)):
        _votes(eng, board, figures_, lang, view, option)
    if view is not None and state.pop(focus.JOINED, None) == code:
        focus.first_vote(code)


def _votes(eng: Engine, board: rooms.Board, figures_, lang: str,
           view: rooms.MemberView | None, option) -> None:
    st.subheader(t("workshop.votes_heading", lang), anchor=False)
    code = board.room.code
    if view is None:
        _join(eng, board, lang)
        return
    st.text(t("workshop.you_are", lang, name=view.member.label(lang)))
    visible = [f for f in figures_ if not f.entry.hidden]
    ids = {f.entry.id for f in visible}
    mine = [i for i in view.voted_for if i in ids]
    used = t("workshop.votes_used", lang, used=len(mine), n=MAX_VOTES_PER_MEMBER)
    st.markdown(f"**{md_escape(used)}**")
    if page_behind(code):  # drawn with what is stored now
        state[keys.VOTES_UNSHOWN] = {c: v for c, v in state[keys.VOTES_UNSHOWN].items()
                                     if c != code}
    if not board.room.votes_revealed:
        st.caption(t("workshop.votes_hidden", lang))
    if board.room.locked:  # frozen: the votes as they stand, as text
        st.text(t("workshop.votes_final", lang, entries="; ".join(
            option(f, lang) for f in visible if f.entry.id in mine) or "–"))
        return
    if not visible:
        st.caption(t("room.no_entries", lang))
        return
    notes = state.get(keys.VOTE_NOTES, {})
    synced = dict(state.get(keys.VOTE_SYNCED, {}))
    pending: list[tuple[int, int, str, bool]] = []
    for start in range(0, len(visible), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, f in zip(columns, visible[start:start + CARDS_PER_ROW], strict=False):
            with column, st.container(border=True, key=f"room_card_{code}_{f.entry.id}"):
                st.text(option(f, lang))
                st.caption(_figures_line(f, lang))
                widget = keys.vote(code, f.entry.id)
                stored = f.entry.id in mine
                # Set from storage only when what is stored has changed (this member's vote
                # from another device): a redraw for others' votes never touches the switch.
                if synced.get(widget) != stored or widget not in state:
                    state[widget] = stored
                    synced[widget] = stored
                shown = st.toggle(
                    t("workshop.vote_toggle", lang, entry=f.entry.member_number), key=widget,
                    on_change=_toggled,
                    args=(eng, code, f.entry.id, f.entry.member_number, widget, lang))
                if shown != stored:  # a click whose callback a concurrent rerun swallowed
                    pending.append((f.entry.id, f.entry.member_number, widget, shown))
                note = notes.get(f.entry.id)
                if note is not None:
                    kind, text = note
                    if kind == "ok":
                        st.caption(":material/check_circle: " + md_escape(text))
                    else:
                        st.error(md_escape(text), icon=":material/block:")
    state[keys.VOTE_SYNCED] = synced
    if pending:  # the switch shows what the member chose: store it, then redraw from storage
        for entry_id, number_, widget, wanted in pending:
            if not _store(eng, code, entry_id, number_, wanted, lang):
                synced.pop(widget, None)  # refused: the switch goes back at the redraw
        state[keys.VOTE_SYNCED] = synced
        st.rerun()
    continue_on_phone(code, lang, "workshop")


@functools.lru_cache(maxsize=256)
def _qr(link: str, label: str) -> str:
    return qr_img(link, label=label, width_css="220px")


def continue_on_phone(code: str, lang: str, page: str) -> None:
    """A QR code (and the link, with copy) of this member's own private link, on request: the
    phone continues as the same member instead of joining again."""
    token = ui.member_token(code)
    if not token:
        return
    with st.expander(t("room_ui.private_link", lang), icon=":material/smartphone:"):
        st.caption(t("room_ui.private_help", lang))
        link = member_link(app_base(st.context.url, page), code, token)
        st.html(_qr(link, t("room_ui.private_qr", lang)))
        st.code(link, language=None, wrap_lines=True)
