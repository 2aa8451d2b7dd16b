"""The presenter view: a room's board for the projector (``/workshop?room=CODE&present=1``).

Projector mode is built in (the shell turns it on for ``present=1``: large type, sidebar
collapsed). Nothing here reads or shows a facilitator key (one in the address is dropped at
once) or a member's identity, and there are no member or facilitator controls. The join strip
is large until entries arrive, then one line, and "Room locked" after the lock; the entries
take the screen, in two columns when there are many (30 fit on 1920x1080). Votes stay hidden
until the facilitator reveals them; then the rows are sorted by votes with the top three
named. Opening an entry (``&entry=N``) shows it in the same tab, with "Back to the board".

Rows and HTML are pure (:mod:`explorer.rooms.presenter`, :mod:`explorer.printing.presenter`);
live updates are the board's own :func:`pages.ui.rooms.board.watch`.
"""

from __future__ import annotations

import functools
import html

import streamlit as st

from explorer import planner, rooms
from explorer.i18n import number, percent, t
from explorer.model import Dataset
from explorer.printing.hub_table import hub_table_html
from explorer.printing.legend import coverage_legend
from explorer.printing.presenter import presenter_html
from explorer.printing.qr import qr_img
from explorer.rooms import presenter as pv
from explorer.rooms import report as room_report
from explorer.rooms.links import (
    BOARD_PAGE,
    ENTRY,
    PRESENT,
    app_base,
    links,
    presenter_params,
    presenter_query,
)
from explorer.rooms.model import utcnow
from explorer.storage.db import Engine
from explorer.text import md_escape
from geo import maps
from pages.ui import caches, map_component, shell, style
from pages.ui.rooms import board as room_board
from pages.ui.rooms import compare, keys

MAP_KEY = "presenter_map"
MAP_HEIGHT = 560


def wanted() -> bool:
    """True when the address asks for the presenter view (``present=1``)."""
    return st.query_params.get(PRESENT) == "1"


def _entry_number() -> int | None:
    raw = st.query_params.get(ENTRY)
    try:
        return int(str(raw)) if raw is not None else None
    except ValueError:
        return None


@functools.lru_cache(maxsize=64)
def _qr(link: str, label: str) -> str:
    return qr_img(link, label=label, width_css="min(46vh, 100%)")


def show(eng: Engine, ds: Dataset, room: rooms.Room, lang: str) -> None:
    """The presenter view of ``room`` (or of one entry, with ``&entry=N``)."""
    # Never a key on the projector, not even in the address bar.
    for param in (keys.KEY, keys.MEMBER):
        if param in st.query_params:
            del st.query_params[param]
    st.html(f"<style>{style.PRESENTER}</style>")
    board = room_board.read_board(eng, room, None)  # the public board, shared by the room
    figures = room_board.figures(ds, board)
    params = room_board.link_params()  # settings and the edition shown (asat)
    number_ = _entry_number()
    if number_ is None:
        _live(eng, board, figures, lang, lambda b, f: _board(ds, b, f, lang, params))
    else:
        _live(eng, board, figures, lang,
              lambda b, f: _entry(ds, b, f, number_, lang, params))


def _live(eng: Engine, board: rooms.Board, figures, lang: str, draw) -> None:
    """Draw the view (``draw(board, figures)``) and keep it live with the board's own
    mechanism: :func:`pages.ui.rooms.board.watch` checks the room's public version every few
    seconds and reruns the page when it changed (votes count only once revealed)."""
    draw(board, figures)
    room_board.watch(eng, board.room, lang, public=True)


def _board(ds: Dataset, board: rooms.Board, figures, lang: str, params: dict) -> None:
    room = board.room
    shown = [f for f in figures if not f.entry.hidden]
    _head(room, len(shown), lang)
    rows = pv.presenter_rows(figures, room_report.reference_result(ds),
                             revealed=board.votes_shown, now=utcnow(), lang=lang,
                             named=compare.edition_reference(lang))  # as at ?asat=
    opens = {f.entry.member_number: presenter_query(room.code, params, f.entry.member_number)
             for f in shown}
    st.html(presenter_html(pv.columns(rows), opens, revealed=board.votes_shown, lang=lang))
    if not shown:
        st.caption(t("presenter.no_entries", lang))
    st.caption(t("presenter.votes_shown" if board.votes_shown else "presenter.votes_hidden",
                 lang) + " " + t("presenter.open_help", lang))


def _head(room: rooms.Room, entries: int, lang: str) -> None:
    """The room's name and the join strip: large (code, QR, link) until entries arrive, then
    one line beside the name; after the lock, "Room locked" instead."""
    mode = pv.strip_mode(entries, room.locked)
    title = f"<h1>{html.escape(room.name)}</h1>"
    if mode == "locked":
        st.html(f'<div class="pv-head">{title}<p class="pv-strip pv-locked" role="status">'
                f'{html.escape(t("presenter.locked", lang))}</p></div>')
        return
    join = links(app_base(st.context.url, BOARD_PAGE), room.code)["join_link"]
    short = pv.short_link(join)
    if mode == "line":
        # The template escaped, then the code set in its own type.
        line = html.escape(t("presenter.join_line", lang, code="\x00", link=short))
        st.html(f'<div class="pv-head">{title}<p class="pv-strip">'
                + line.replace("\x00", f"<code>{room.code}</code>") + "</p></div>")
        return
    st.html(f'<div class="pv-head">{title}</div>')
    text_col, qr_col = st.columns([3, 2])
    with text_col:
        st.html(f'<p class="pv-big">{html.escape(t("workshop.join_code", lang))}</p>'
                f'<p class="pv-code">{room.code}</p>'
                f'<p class="pv-big">{html.escape(t("presenter.join_big", lang, link=short))}'
                "</p>")
    with qr_col:
        st.html(_qr(join, t("workshop.qr_label", lang)))


def _entry(ds: Dataset, board: rooms.Board, figures, number_: int, lang: str,
           params: dict) -> None:
    """One entry on the projector: "Entry 9 · author · 8 votes", its figures, hubs and map."""
    code = board.room.code
    found = next((f for f in figures
                  if f.entry.member_number == number_ and not f.entry.hidden), None)
    back = presenter_params(code, params)
    if found is None:
        st.title(md_escape(t("presenter.entry_heading", lang, number=number_, author="–")),
                 anchor=False)
        st.info(t("presenter.entry_gone", lang, number=number_), icon=":material/info:")
        st.page_link("pages/workshop.py", label=t("presenter.back", lang),
                     icon=":material/arrow_back:", query_params=back)
        return
    votes = found.entry.votes if board.votes_shown else None
    st.title(md_escape(pv.entry_heading(number_, found.entry.author_label(lang), votes, lang)),
             anchor=False)
    st.page_link("pages/workshop.py", label=t("presenter.back", lang),
                 icon=":material/arrow_back:", query_params=back)
    r = found.result
    if r is None or found.scenario is None:
        st.warning(md_escape(t("room.unreadable", lang, problem=found.problem or "")))
        return
    st.subheader(md_escape(found.scenario.name), anchor=False)
    st.text(t("presenter.entry_figures", lang,
              authorities=t("presenter.of_total", lang, n=number(r.authorities_covered, lang),
                            total=number(r.authorities_total, lang)),
              people=number(r.population_covered, lang),
              share=percent(r.population_share, lang),
              mashes=number(planner.mash_count(r), lang)))
    _map(r, lang)
    if r.hubs:  # the whole width: no column of the per-hub table cut off
        st.html(hub_table_html(r, ds, lang))


def _map(result, lang: str) -> None:
    """The entry's coverage on the planner's map (read-only)."""
    settings = shell.settings()
    bset, payload, points = caches.planner_map(settings.map_style, lang, MAP_HEIGHT,
                                               key=MAP_KEY, names=settings.names, large=True)
    map_component.show_map(payload, key=MAP_KEY, height=MAP_HEIGHT,
                           overlay=maps.coverage_js(planner.coverage_classes(result),
                                                    tuple(planner.hub_links(result)), points))
    st.html(coverage_legend(lang))
    st.caption(t("whatif.map_caption", lang, attribution=bset.attribution))
