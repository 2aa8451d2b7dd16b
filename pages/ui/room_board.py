"""The workshop board's pieces: lobby, join panel (code, link, QR), live board, votes and the
facilitator's controls.

Live refresh: :func:`watch` is a fragment that reruns every :data:`POLL_S` seconds, reads the
room's version (one indexed row) and draws nothing; only when the version has changed does it
rerun the page, which redraws the board. An idle board therefore costs one tiny query per poll.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from explorer import room_report, rooms
from explorer.i18n import t
from explorer.limits import MAX_ROOM_NAME_CHARS, MAX_VOTES_PER_MEMBER
from explorer.model import Dataset
from explorer.printing import palette
from explorer.printing.qr import qr_img
from explorer.printing.svg_map import coverage_svg
from explorer.room_links import links
from explorer.scenario import encode_share, may_2019_scenario
from explorer.text import md_escape
from geo import maps
from pages.ui import caches, map_component, shell
from pages.ui import rooms as ui

state = st.session_state
#: Seconds between checks of the room's version (an entry reaches the board within this
#: plus one page rerun).
POLL_S = 2.0


@st.fragment(run_every=POLL_S)
def watch(eng: Engine, code: str, seen: int) -> None:
    """Rerun the page when the room has changed since it was drawn (see the module note)."""
    with shell.error_boundary():  # a fragment rerun runs outside app.py's boundary
        try:
            now = rooms.room_version(eng, code)
        except SQLAlchemyError:
            return  # the database did not answer this time: try again at the next poll
        if now != seen:
            st.rerun()


# ---- Lobby (no room in the URL) ----------------------------------------------------------------


def lobby(eng: Engine, lang: str) -> None:
    """Open a new room, or go to one by its code."""
    left, right = st.columns(2)
    with left, st.form("room_create"):
        st.subheader(t("workshop.create_heading", lang))
        name = st.text_input(t("workshop.room_name", lang), max_chars=MAX_ROOM_NAME_CHARS,
                             placeholder=t("workshop.room_name_placeholder", lang))
        if st.form_submit_button(t("workshop.create", lang), type="primary",
                                 icon=":material/add_circle:"):
            try:
                created = rooms.create_room(eng, name)
            except rooms.RoomError as exc:
                st.error(md_escape(t("workshop.refused", lang, problem=str(exc))))
            else:
                st.query_params.update({ui.ROOM: created.room.code, ui.KEY: created.key})
                state["room_new"] = created.room.code
                st.rerun()
    with right, st.form("room_go"):
        st.subheader(t("workshop.go_heading", lang))
        typed = st.text_input(t("workshop.code", lang), max_chars=12)
        if st.form_submit_button(t("workshop.go", lang), icon=":material/login:"):
            room = ui.find(eng, typed, lang)
            if room is not None:
                st.query_params[ui.ROOM] = room.code
                st.rerun()


# ---- Join panel --------------------------------------------------------------------------------


def join_panel(room: rooms.Room, base: str, lang: str, workshop: bool, key: str | None) -> None:
    """The join code, join link and QR code, big enough to read from the back of a room."""
    urls = links(base, room.code, key)
    size = "3.2rem" if workshop else "2.4rem"
    text_col, qr_col = st.columns([3, 2] if workshop else [3, 1])
    with text_col:
        st.html(f'<p style="margin:0">{md_escape(t("workshop.join_code", lang))}</p>'
                f'<p style="font:700 {size}/1.1 monospace;letter-spacing:.18em;margin:0 0 .4rem">'
                f"{room.code}</p>")
        st.caption(t("workshop.join_how", lang))
        st.code(urls["join_link"], language=None, wrap_lines=True)
    with qr_col:
        st.html(qr_img(urls["join_link"], label=t("workshop.qr_label", lang),
                       width_css="52vh" if workshop else "240px"))
    if key is not None:
        with st.expander(t("workshop.facilitator_link", lang), icon=":material/key:",
                         expanded=state.pop("room_new", None) == room.code):
            st.code(urls["facilitator_link"], language=None, wrap_lines=True)
            st.caption(t("workshop.facilitator_keep", lang))
            st.link_button(t("workshop.projector_link", lang), urls["board_link"],
                           icon=":material/co_present:")


# ---- Board -------------------------------------------------------------------------------------


def _open_link(base: str, code: str, token: str | None, scenario_token: str | None):
    if scenario_token is None:
        return None
    params = {"scenario": scenario_token, ui.ROOM: code}
    if token:
        params[ui.MEMBER] = token
    return f"{base}/what-if?{urlencode(params)}"


def board(ds: Dataset, board: rooms.Board, base: str, lang: str, token: str | None,
          facilitator: bool) -> dict:
    """Counts, the sortable entries table with the May 2019 row, and the coverage map."""
    figures = room_report.entry_figures(board, ds)
    shown = tuple(f for f in figures if not f.entry.hidden)
    st.text(t("workshop.counts", lang, entries=len(shown), members=board.members))
    if board.room.locked:
        st.info(t("workshop.locked", lang), icon=":material/lock:")
    st.caption(t("workshop.live", lang))
    st.subheader(t("workshop.entries", lang))
    votes = board.room.votes_revealed or facilitator
    rows = room_report.board_rows(figures, ds, lang, votes=votes, hidden=facilitator)
    opener = t("workshop.col_open", lang)
    may_2019 = encode_share(may_2019_scenario())
    for row, f in zip(rows, (None, *figures), strict=True):
        row[opener] = _open_link(base, board.room.code, token,
                                 room_report.share_token(f) if f else may_2019)
    if not figures:
        st.caption(t("room.no_entries", lang))
    order = list(rows[0])
    order.insert(3, order.pop())  # the planner link beside the scenario's name
    st.dataframe(rows, hide_index=True, width="stretch", key="room_table", column_order=order,
                 column_config={opener: st.column_config.LinkColumn(
                     opener, display_text=t("workshop.open", lang))})
    st.caption(t("workshop.entries_help", lang))

    st.subheader(t("workshop.map_heading", lang))
    counts = room_report.coverage_counts(shown, ds)
    # The planner's base map, rendered once per process; the counts are a small overlay.
    bset, payload, points = caches.planner_map(state.get("map_style", "geographic"), lang, 560,
                                               key="board_map", names=bool(state.get("names")))
    map_component.show_map(payload, key="board_map", height=560,
                           overlay=maps.count_js(counts, len(shown), points))
    st.caption(t("workshop.map_caption", lang, attribution=bset.attribution))
    st.html("".join(
        f'<span style="display:inline-flex;align-items:center;gap:.35em;margin-right:1.2em">'
        f'<span style="width:1em;height:1em;border:1px solid #4D4D4D;background:{colour}">'
        f'</span>{md_escape(t(f"workshop.legend_{i}", lang))}</span>'
        for i, colour in enumerate(palette.COUNT_COLOURS)))
    return {"figures": figures, "shown": shown, "counts": counts, "bset": bset, "points": points}


def votes(eng: Engine, board: rooms.Board, drawn: dict, lang: str,
          view: rooms.MemberView | None) -> None:
    """The member's up-to-three votes (saved as they change), or how to join to vote."""
    st.subheader(t("workshop.votes_heading", lang))
    code = board.room.code
    if view is None:
        st.caption(t("workshop.votes_how", lang))
        # No disabled controls (they cannot meet text contrast): a locked room offers none.
        if not board.room.locked and st.button(t("workshop.votes_join", lang),
                                               icon=":material/how_to_vote:"):
            try:
                joined = rooms.join_room(eng, code)
            except rooms.RoomError as exc:
                st.error(md_escape(t("workshop.refused", lang, problem=str(exc))))
            else:
                ui.remember_member(code, joined.token)
                st.rerun()
        return
    st.text(t("workshop.you_are", lang, name=view.member.display_name))
    visible = {f.entry.id: f for f in drawn["shown"]}
    widget = f"room_votes_{code}_{board.room.version}"
    token = ui.member_token(code)

    def save() -> None:
        try:
            rooms.set_votes(eng, code, token, state[widget])
        except rooms.RoomError as exc:
            ui.say("error", t("workshop.refused", lang, problem=str(exc)))
        else:
            ui.say("success", t("workshop.votes_saved", lang))

    mine = [i for i in view.voted_for if i in visible]
    if board.room.locked:  # the votes as they stand, as text
        st.text(t("workshop.votes_final", lang, entries="; ".join(
            _option(visible[i], lang) for i in mine) or "–"))
    else:
        st.multiselect(
            t("workshop.votes_label", lang, n=MAX_VOTES_PER_MEMBER), list(visible),
            default=mine, key=widget, on_change=save, max_selections=MAX_VOTES_PER_MEMBER,
            format_func=lambda i: _option(visible[i], lang),
            placeholder=t("workshop.votes_placeholder", lang))
    if not board.room.votes_revealed:
        st.caption(t("workshop.votes_hidden", lang))


def _option(f: room_report.EntryFigures, lang: str) -> str:
    """An entry as a choice in a list: its number, author and scenario name (plain text)."""
    return t("workshop.entry_option", lang, number=f.entry.member_number, author=f.entry.author,
             scenario=f.scenario.name if f.scenario else "?")


# ---- Facilitator -------------------------------------------------------------------------------


def _act(fn, *args) -> None:
    """Run a facilitator action from a widget callback; a refusal is shown as one line."""
    try:
        fn(*args)
    except rooms.RoomError as exc:
        ui.say("error", t("workshop.refused", state.get("lang", "en"), problem=str(exc)))


def controls(eng: Engine, ds: Dataset, board: rooms.Board, key: str, lang: str,
             drawn: dict) -> None:
    """Lock, reveal votes, hide entries, export, delete (all need the key)."""
    room, code = board.room, board.room.code
    shown, counts, bset, points = (drawn[k] for k in ("shown", "counts", "bset", "points"))
    v = room.version
    st.subheader(t("workshop.controls", lang))
    c1, c2 = st.columns(2)
    c1.toggle(t("workshop.lock", lang), room.locked, key=f"room_lock_{v}",
              on_change=lambda: _act(rooms.set_locked, eng, code, key,
                                     state[f"room_lock_{v}"]))
    c2.toggle(t("workshop.reveal", lang), room.votes_revealed, key=f"room_reveal_{v}",
              on_change=lambda: _act(rooms.set_votes_revealed, eng, code, key,
                                     state[f"room_reveal_{v}"]))
    by_id = {f.entry.id: f for f in drawn["figures"]}

    def hide() -> None:
        wanted = set(state[f"room_hidden_{v}"])
        for entry_id, f in by_id.items():
            if f.entry.hidden != (entry_id in wanted):
                _act(rooms.set_hidden, eng, code, key, entry_id, entry_id in wanted)

    st.multiselect(t("workshop.hidden", lang), list(by_id),
                   default=[i for i, f in by_id.items() if f.entry.hidden],
                   key=f"room_hidden_{v}", on_change=hide,
                   format_func=lambda i: _option(by_id[i], lang),
                   placeholder=t("workshop.votes_placeholder", lang))

    def summary() -> str:
        svg = coverage_svg(bset.geojson, maps.count_fills(counts, len(shown)), (), points,
                           names={c: str(n) for c, n in counts.items() if n},
                           title=room.name)
        return room_report.summary_html(rooms.export_data(eng, code, key), ds, lang=lang,
                                        map_svg=svg, attribution=bset.attribution)

    st.markdown(f"**{md_escape(t('workshop.export', lang))}**")
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("workshop.download_zip", lang), lambda: room_report.export_zip(
        rooms.export_data(eng, code, key), ds, summary()), file_name=f"room-{code}.zip",
        mime="application/zip", key="room_dl_zip", on_click="ignore", icon=":material/download:")
    d2.download_button(t("workshop.download_csv", lang), lambda: room_report.entries_csv(
        rooms.export_data(eng, code, key), ds), file_name=f"room-{code}-entries.csv",
        mime="text/csv", key="room_dl_csv", on_click="ignore")
    d3.download_button(t("workshop.download_html", lang), summary,
                       file_name=f"room-{code}-summary.html", mime="text/html",
                       key="room_dl_html", on_click="ignore")
    st.caption(t("workshop.export_help", lang))
    sure = st.checkbox(t("workshop.delete_confirm", lang), key=f"room_delete_sure_{code}")
    if st.button(t("workshop.delete", lang), icon=":material/delete:",
                 key=f"room_delete_{code}"):
        if not sure:
            st.warning(t("workshop.delete_first", lang))
            return
        try:
            rooms.delete_room(eng, code, key)
        except rooms.RoomError as exc:
            st.error(md_escape(t("workshop.refused", lang, problem=str(exc))))
            return
        for param in (ui.ROOM, ui.KEY, ui.MEMBER):
            st.query_params.pop(param, None)
        ui.say("success", t("workshop.deleted", lang))
        st.rerun()
