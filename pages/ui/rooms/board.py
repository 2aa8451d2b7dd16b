"""The workshop board's pieces: lobby, join panel (code, link, QR), the facilitator's controls,
the live board and votes.

Live refresh: :mod:`pages.ui.rooms.live` keeps the board current (a cheap check of the
room's version, then a redraw of the board's fragment only). What every board of a room draws
after a change is read and worked out once per process, not once per board: the board itself
per (room, version) (:func:`public_board`), each entry's figures per scenario
(:mod:`explorer.rooms.report`), the table per (room, version, language, link base) and the map's
overlay per set of entries (:mod:`pages.ui.rooms.rendered`: a vote does not rebuild the map),
the QR code per link.

The facilitator's controls are drawn before the entries table, so nothing in the table (an
entry too long for a link, say) can take them away; an entry too long for a link is offered as
a scenario file instead.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import urlencode

import streamlit as st

from explorer import rooms
from explorer.i18n import t
from explorer.model import Dataset
from explorer.printing import palette, room_summary
from explorer.printing.legend import legend, swatch
from explorer.printing.qr import qr_img
from explorer.printing.svg_map import coverage_svg
from explorer.rooms import report as room_report
from explorer.rooms.links import links, presenter_link
from explorer.scenario import may_2019_scenario, share_token_or_none
from explorer.storage import db
from explorer.storage.db import Engine
from explorer.text import md_escape
from geo import maps
from pages.ui import caches, map_component, notices, run_memos, shell
from pages.ui.editions import asat
from pages.ui.rooms import compare, facilitator, keys, live, rendered, table_frame
from pages.ui.rooms import state as ui

state = st.session_state
log = logging.getLogger("mash.rooms")
#: Seconds between a board's checks of its room (:mod:`pages.ui.rooms.live`).
POLL_S = live.POLL_S


def link_params() -> dict[str, str]:
    """What every link a board builds carries: this visitor's settings (language, workshop
    mode) and the edition shown (``asat``), as the sidebar's links do."""
    return {**shell.settings_params(), **asat.link_params()}


def watch(eng: Engine, room: rooms.Room, lang: str, public: bool) -> None:
    """Say whether the board is live and rerun the page when what it shows has changed
    (``public``: a board without the key, which hidden votes do not change); for pages drawn
    whole. The workshop board itself redraws only its table: :func:`live.board_area`."""
    live.watch(eng, room, lang, public)


@st.cache_resource(ttl=120, max_entries=128, show_spinner=False)
def _public_board(_eng: Engine, code: str, version: int) -> rooms.Board:
    return rooms.board(_eng, code)


def read_board(eng: Engine, room: rooms.Room, key: str | None) -> rooms.Board:
    """What this visitor's board shows: read once per (room, version) for everyone without the
    key (every board in the room shares it); the facilitator's own read otherwise."""
    if key is not None:
        return rooms.board(eng, room.code, key=key)
    return _public_board(eng, room.code, room.board_version)


# ---- Lobby (no room in the URL) ----------------------------------------------------------------


def lobby(eng: Engine, lang: str) -> None:
    """Open a new room (with the passcode, when the server asks for one), or go to one."""
    passcode = rooms.facilitator_passcode()
    left, right = st.columns(2)
    with left, st.form(keys.CREATE_FORM):
        st.subheader(t("workshop.create_heading", lang))
        # No max_chars: a pasted name that is too long is kept and named as too long.
        name = st.text_input(t("workshop.room_name", lang),
                             placeholder=t("workshop.room_name_placeholder", lang))
        given = None
        if passcode is not None:
            given = st.text_input(t("workshop.passcode", lang), type="password",
                                  key=keys.PASSCODE, help=t("workshop.passcode_help", lang))
        if st.form_submit_button(t("workshop.create", lang), type="primary",
                                 icon=":material/add_circle:"):
            _create(eng, name, passcode, given, lang)
    with right, st.form(keys.GO_FORM):
        st.subheader(t("workshop.go_heading", lang))
        typed = st.text_input(t("workshop.code", lang), max_chars=16)
        if st.form_submit_button(t("workshop.go", lang), icon=":material/login:"):
            room = ui.find(eng, typed, lang)
            if room is not None:
                st.query_params[keys.ROOM] = room.code
                st.rerun()


def _create(eng: Engine, name: str, passcode: str | None, given: str | None, lang: str) -> None:
    if passcode is not None and not rooms.passcode_matches(passcode, given):
        ui.record(False)  # a wrong passcode is slowed like a wrong code
        st.error(t("workshop.passcode_wrong", lang))
        return
    if ui.must_wait(lang) or not ui.may_open_room(lang):
        return
    try:
        created = rooms.create_room(eng, name)
    except rooms.RoomError as exc:
        notices.refused(ui.refusal(exc, lang))
    except db.DatabaseError as exc:
        ui.unavailable(lang, exc)
    else:
        # The key goes to the session (and the device's cookie), never to the address bar.
        st.query_params[keys.ROOM] = created.room.code
        state[keys.FAC_KEYS] = {**state.get(keys.FAC_KEYS, {}), created.room.code: created.key}
        state[keys.NEW] = created.room.code
        st.rerun()


# ---- Join panel --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _qr(link: str, label: str, width_css: str) -> str:
    return qr_img(link, label=label, width_css=width_css)


def join_panel(room: rooms.Room, base: str, lang: str, workshop: bool, key: str | None) -> None:
    """The join code, join link and QR code, big enough to read from the back of a room."""
    urls = links(base, room.code, key, link_params())
    size = "3.2rem" if workshop else "2.4rem"
    text_col, qr_col = st.columns([3, 2] if workshop else [3, 1])
    with text_col:
        st.html(f'<p style="margin:0">{md_escape(t("workshop.join_code", lang))}</p>'
                f'<p style="font:700 {size}/1.1 monospace;letter-spacing:.18em;margin:0 0 .4rem">'
                f"{room.code}</p>")
        st.caption(t("workshop.join_how", lang))
        st.code(urls["join_link"], language=None, wrap_lines=True)
    with qr_col:
        st.html(_qr(urls["join_link"], t("workshop.qr_label", lang),
                    "52vh" if workshop else "240px"))
    if key is not None:  # the private link only on request: never projected by default
        facilitator.private_link(room, base, key, lang, urls["facilitator_link"])
        st.link_button(t("workshop.projector_link", lang),
                       presenter_link(base, room.code, link_params()),
                       icon=":material/co_present:")


# ---- Board -------------------------------------------------------------------------------------


def _open_link(base: str, code: str, scenario_token: str | None,
               entry: int | None = None) -> str | None:
    """The planner link that opens an entry's scenario in this room, in this board's language,
    projector mode and edition (``asat``), saying which entry it is (so the planner can say
    whose it is): never a member's token."""
    if scenario_token is None:
        return None
    query: dict[str, str | int] = {"scenario": scenario_token, keys.ROOM: code,
                                   **link_params()}
    if entry is not None:
        query["entry"] = entry
    return f"{base}/what-if?{urlencode(query)}"


def figures(ds: Dataset, board: rooms.Board) -> tuple[room_report.EntryFigures, ...]:
    return room_report.entry_figures(board, ds)


def board(ds: Dataset, board: rooms.Board, figures_, base: str, lang: str,
          facilitator: bool, with_map: bool = True) -> None:
    """Counts, the sortable entries table with the May 2019 row, files for entries too long for
    a link, and (``with_map``) the coverage map. A failure here is one line: the rest of the
    page stays."""
    try:
        _board(ds, board, figures_, base, lang, facilitator, with_map)
    except Exception:  # noqa: BLE001 (one entry must never take the board down)
        log.exception("room %s: the board could not be drawn", board.room.code)
        st.warning(t("workshop.table_failed", lang))


def board_map(ds: Dataset, board: rooms.Board, figures_, lang: str) -> None:
    """The coverage map of the entries shown (drawn apart from the table, which a vote redraws
    alone). A failure here is one line."""
    try:
        _map(ds, tuple(f for f in figures_ if not f.entry.hidden), lang)
    except Exception:  # noqa: BLE001 (one entry must never take the board down)
        log.exception("room %s: the board's map could not be drawn", board.room.code)
        st.warning(t("workshop.table_failed", lang))


def heading(board: rooms.Board, lang: str) -> None:
    """The lock line and the entries' heading, drawn by the page above the board's fragment:
    they change only when the page reruns (a lock reruns it), so a redraw does not send them."""
    if board.room.locked:
        st.info(t("workshop.locked", lang), icon=":material/lock:")
    st.subheader(t("workshop.entries", lang))


def _board(ds: Dataset, board: rooms.Board, figures_, base: str, lang: str,
           facilitator: bool, with_map: bool = True) -> None:
    """What a redraw sends: the counts, the table, one line of help, Compare (and the files
    for entries too long for a link); every element here is sent again on every redraw of
    every board, so nothing static is drawn here (:func:`heading`)."""
    shown = tuple(f for f in figures_ if not f.entry.hidden)
    st.text(t("workshop.counts", lang, entries=len(shown), members=board.members,
              voters=board.voters))
    ref = compare.edition_reference(lang)  # the reference row as at the chosen edition
    rows, order, unlinked = _table(ds, board, figures_, base, lang, facilitator, ref)
    if not figures_:
        st.caption(t("room.no_entries", lang))
    # Rows are ticked to compare them (pages/ui/rooms/compare.py); numbers as the planner
    # shows them (963,896 and 47.6); every column one type, a missing figure drawn as "–",
    # text wrapped in columns that fit at 1366 px (table_frame).
    ticked = st.dataframe(
        rows, hide_index=True, width="stretch", key=keys.TABLE, column_order=order,
        on_select="rerun", selection_mode="multi-row", placeholder=table_frame.PLACEHOLDER,
        row_height=table_frame.ROW_HEIGHT_PX, height=table_frame.height_px(len(rows)),
        column_config=table_frame.column_config(lang, ref))
    st.caption(t("workshop.entries_help", lang) + " " + t("room.compare_help", lang))
    compare.panel(ds, compare.ticked(ticked, figures_), lang)
    if unlinked:
        _files(unlinked, board.room.code, lang)
    if with_map:
        _map(ds, shown, lang)


def _table(ds: Dataset, board: rooms.Board, figures_, base: str, lang: str, facilitator: bool,
           ref: room_report.Reference):
    """The entries table's rows (a frame), column order and the entries too long for a link:
    built once per (room, version, language, link base, reference edition) for every board of
    the room."""
    room = board.room
    votes = room.votes_revealed  # no live counts before the reveal, not even here
    # The links carry this visitor's settings (language, workshop mode, map): part of the key;
    # so is the reference row (the edition chosen with ?asat=).
    key = (room.code, room.version if facilitator else room.board_version, facilitator, votes,
           lang, base, tuple(sorted(link_params().items())), ref)

    def build():
        rows = room_report.board_rows(figures_, ds, lang, votes=votes, hidden=facilitator,
                                      ref=ref)
        opener = t("workshop.col_open", lang)
        may_2019 = share_token_or_none(may_2019_scenario())
        unlinked = []
        for row, f in zip(rows, (None, *figures_), strict=True):
            token = room_report.share_token(f) if f else may_2019
            row[opener] = _open_link(base, room.code, token,
                                     f.entry.member_number if f else None)
            if f is not None and token is None and f.scenario is not None:
                unlinked.append(f)
        order = list(rows[0])
        order.insert(3, order.pop())  # the planner link beside the scenario's name
        return _arrow(table_frame.frame(rows, lang, ref)), tuple(order), tuple(unlinked)

    return rendered.once("table", key, ds, build)


def _arrow(frame):
    """The frame as the Arrow table ``st.dataframe`` would make of it (converted once, not on
    every board's every redraw); the frame itself if Streamlit's converter moved."""
    try:
        from streamlit.dataframe_util import convert_pandas_df_to_arrow_table
    except ImportError:  # pragma: no cover (a later Streamlit)
        return frame
    # Shared by every board of the room: its Arrow bytes are made once (pages/ui/run_memos).
    return run_memos.shared_table(convert_pandas_df_to_arrow_table(frame))


def _files(unlinked, code: str, lang: str) -> None:
    """Entries too long for a link: their scenario file, one at a time."""
    st.caption(t("workshop.no_link", lang))
    by_id = {f.entry.id: f for f in unlinked}
    choice = st.selectbox(t("workshop.file_label", lang), list(by_id), key=keys.FILE_CHOICE,
                          format_func=lambda i: option(by_id[i], lang))
    if choice in by_id:
        chosen = by_id[choice]
        st.download_button(t("workshop.file_download", lang),
                           room_report.scenario_file(chosen) or "",
                           file_name=f"room-{code}-entry-{chosen.entry.member_number}.json",
                           mime="application/json", on_click="ignore",
                           icon=":material/download:")


def _map(ds: Dataset, shown, lang: str) -> None:
    st.subheader(t("workshop.map_heading", lang))
    style, names = state.get("map_style", "geographic"), bool(state.get("names"))
    # The planner's base map, rendered once per process; the counts are a small overlay,
    # which depends on the entries shown, not on votes: built once per set of entries.
    bset, payload, points = caches.planner_map(style, lang, 560, key="board_map", names=names)
    overlay = rendered.once(
        "map", (style, lang, names, tuple((f.entry.id, f.entry.scenario_json) for f in shown)),
        ds, lambda: maps.count_js(room_report.coverage_counts(shown, ds), len(shown), points))
    map_component.show_map(payload, key="board_map", height=560, overlay=overlay)
    st.caption(t("workshop.map_caption", lang, attribution=bset.attribution))
    st.html(_legend(lang))


@functools.lru_cache(maxsize=4)
def _legend(lang: str) -> str:
    return legend(((swatch(colour, size_em=1), t(f"workshop.legend_{i}", lang))
                   for i, colour in enumerate(palette.COUNT_COLOURS)),
                  t("workshop.legend_label", lang))


def option(f: room_report.EntryFigures, lang: str) -> str:
    """An entry as a choice in a list: its number, author and scenario name (plain text)."""
    return t("workshop.entry_option", lang, number=f.entry.member_number,
             author=f.entry.author_label(lang), scenario=f.scenario.name if f.scenario else "?")


# ---- Facilitator -------------------------------------------------------------------------------


def _act(fn, *args) -> bool:
    """Run a facilitator action from a widget callback; a refusal is shown as one line
    (False)."""
    lang = state.get("lang", "en")
    try:
        fn(*args)
    except rooms.RoomError as exc:
        ui.say("error", ui.refusal(exc, lang))
    except db.DatabaseError:
        ui.say("info", t("workshop.unavailable_now", lang))
    else:
        return True
    return False


def _switch(column, label: str, widget: str, stored: bool, fn, eng: Engine, code: str,
            key: str) -> None:
    """A facilitator's switch under a key that never changes: set from storage only when
    what is stored changed (another device, or this one's action), put back when refused."""
    synced = dict(state.get(keys.CONTROL_SYNCED, {}))
    if synced.get(widget) != stored or widget not in state:
        state[widget] = stored
        synced[widget] = stored
        state[keys.CONTROL_SYNCED] = synced

    def changed() -> None:
        wanted = bool(state.get(widget))
        if not _act(fn, eng, code, key, wanted):
            state[widget] = not wanted

    column.toggle(label, key=widget, on_change=changed)


def controls(eng: Engine, ds: Dataset, board: rooms.Board, figures_, key: str,
             lang: str) -> None:
    """Lock, reveal votes, hide or remove entries, export, delete (all need the key). Drawn
    before the entries table and from plain values only, so the table cannot take them away."""
    room, code = board.room, board.room.code
    st.subheader(t("workshop.controls", lang))
    c1, c2 = st.columns(2)
    _switch(c1, t("workshop.lock", lang), keys.lock(code), room.locked, rooms.set_locked,
            eng, code, key)
    _switch(c2, t("workshop.reveal", lang), keys.reveal(code), room.votes_revealed,
            rooms.set_votes_revealed, eng, code, key)
    by_id = {f.entry.id: f for f in figures_}
    facilitator.hidden_entries(eng, board, figures_, key, lang, option)
    _remove(eng, code, key, by_id, lang)
    _exports(eng, ds, room, figures_, key, lang)
    facilitator.delete_room(eng, room, lang)


def _remove(eng: Engine, code: str, key: str, by_id: dict, lang: str) -> None:
    """Remove an entry with its member and votes, for good (confirmed first)."""
    if not by_id:
        return
    choice = st.selectbox(t("workshop.remove", lang), [None, *by_id], key=keys.REMOVE_CHOICE,
                          format_func=lambda i: "–" if i is None else (
                              option(by_id[i], lang) if i in by_id else str(i)),
                          help=t("workshop.remove_help", lang))
    if choice is None or choice not in by_id:
        return
    f = by_id[choice]
    sure = st.checkbox(t("workshop.remove_sure", lang), key=keys.REMOVE_SURE)
    if st.button(t("workshop.remove", lang), icon=":material/person_remove:", key=keys.REMOVE):
        if not sure:
            st.warning(t("workshop.remove_first", lang))
            return
        _act(rooms.remove_member, eng, code, key, f.entry.member_number)
        if state.get(keys.FLASH, (None,))[0] != "error":
            ui.say("success", t("workshop.removed", lang, name=f.entry.author_label(lang)))
        state.pop(keys.REMOVE_CHOICE, None)
        state.pop(keys.REMOVE_SURE, None)
        st.rerun()


def _exports(eng: Engine, ds: Dataset, room: rooms.Room, figures_, key: str,
             lang: str) -> None:
    code = room.code
    ref = compare.edition_reference(lang)

    def summary() -> str:
        # Read now: the deferred download runs outside this script run.
        exported = rooms.export_data(eng, code, key)
        shown = tuple(f for f in room_report.entry_figures(exported, ds) if not f.entry.hidden)
        counts = room_report.coverage_counts(shown, ds)
        bset, _payload, points = caches.planner_map("geographic", lang, 560, key="board_map")
        svg = coverage_svg(bset.geojson, maps.count_fills(counts, len(shown)), (), points,
                           names={c: str(n) for c, n in counts.items() if n}, title=room.name)
        return room_summary.summary_html(exported, ds, lang=lang, map_svg=svg,
                                         attribution=bset.attribution, ref=ref)

    st.markdown(f"**{md_escape(t('workshop.export', lang))}**")
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("workshop.download_zip", lang), lambda: room_report.export_zip(
        rooms.export_data(eng, code, key), ds, summary(), lang, ref), file_name=f"room-{code}.zip",
        mime="application/zip", key=keys.DOWNLOAD_ZIP, on_click="ignore",
        icon=":material/download:")
    d2.download_button(t("workshop.download_csv", lang), lambda: room_report.board_csv(
        rooms.export_data(eng, code, key), ds, lang, ref), file_name=f"room-{code}-entries.csv",
        mime="text/csv", key=keys.DOWNLOAD_CSV, on_click="ignore")
    d3.download_button(t("workshop.download_html", lang), summary,
                       file_name=f"room-{code}-summary.html", mime="text/html",
                       key=keys.DOWNLOAD_HTML, on_click="ignore")
    st.caption(t("workshop.export_help", lang))
