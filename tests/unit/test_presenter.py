"""The presenter view's rows, order, places, change marks, HTML and links (no browser)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from explorer.data import load_dataset
from explorer.printing.presenter import presenter_html
from explorer.rooms import Board, Entry, Room
from explorer.rooms.links import links, presenter_link, presenter_params, presenter_query
from explorer.rooms.presenter import (
    CHANGED_S,
    change_mark,
    columns,
    entry_heading,
    places,
    presenter_rows,
    short_link,
    strip_mode,
)
from explorer.rooms.report import entry_figures, reference_result
from explorer.scenario import HubSpec, Scenario, dumps_scenario

T = datetime(2019, 5, 31, 9, 30, tzinfo=UTC)
GWENT = Scenario("Gwent regional", (HubSpec("Gwent MASH", "regional", (
    "W06000022", "W06000018", "W06000019", "W06000020", "W06000021"), "W06000022"),))
EVERY = Scenario("A MASH in each of two", (HubSpec("Each", "per_authority", (
    "W06000023", "W06000008"), None),))
HOSTILE = "<img src=x onerror=alert(1)> **bold**"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def entry(n: int, author: str, scenario, *, votes=None, hidden=False, created=T,
          updated=T) -> Entry:
    text = scenario if isinstance(scenario, str) else dumps_scenario(scenario)
    return Entry(100 + n, n, author, text, hidden, created, updated, votes)


def board(*entries: Entry, revealed=False) -> Board:
    room = Room("ABC2345", "Board", T, T, False, revealed, 7, T)
    return Board(room, entries, len(entries), revealed)


def rows_of(ds, b: Board, now=T + timedelta(hours=1), lang="en"):
    return presenter_rows(entry_figures(b, ds), reference_result(ds),
                          revealed=b.votes_shown, now=now, lang=lang)


# ---- places ----------------------------------------------------------------------------------
def test_places_rank_like_a_competition_and_skip_entries_without_votes():
    assert places([(1, 5), (2, 5), (3, 4), (4, 3)]) == {1: 1, 2: 1, 3: 3}
    assert places([(1, 2), (2, 1), (3, 1), (4, 1)]) == {1: 1, 2: 2, 3: 2, 4: 2}
    assert places([(1, 0), (2, 0)]) == {}
    assert places([(7, 1)]) == {7: 1}


# ---- rows ------------------------------------------------------------------------------------
def test_rows_are_text_with_separators_and_the_reference_first(ds):
    rows = rows_of(ds, board(entry(1, "Alice", GWENT), entry(2, "Bob", EVERY)))
    ref, gwent, every = rows
    assert ref.reference and ref.number is None
    assert (ref.authorities, ref.people, ref.share, ref.mashes) == (
        "5 of 22", "963,896", "31.0%", "0")
    assert (gwent.number, gwent.author, gwent.scenario) == (1, "Alice", "Gwent regional")
    assert (gwent.authorities, gwent.people, gwent.mashes) == ("9 of 22", "1,391,964", "1")
    assert every.mashes == "2"  # a per-authority hub is one MASH in each authority
    for row in rows:
        for value in (row.authorities, row.people, row.share, row.mashes):
            assert isinstance(value, str) and value != "None"
        assert re.fullmatch(r"\d{1,3}(,\d{3})*", row.people)
        assert re.fullmatch(r"\d+\.\d%", row.share)
    assert all(r.votes is None and r.place is None for r in rows)  # not revealed


def test_before_the_reveal_entries_keep_their_order_and_show_no_votes(ds):
    b = board(entry(2, "B", GWENT, votes=None), entry(1, "A", EVERY, votes=None))
    assert [r.number for r in rows_of(ds, b)] == [None, 1, 2]


def test_after_the_reveal_most_votes_first_and_top_three_placed(ds):
    b = board(*(entry(n, f"M{n}", GWENT, votes=v) for n, v in
                [(1, 2), (2, 9), (3, 0), (4, 5), (5, 5), (6, 1)]), revealed=True)
    rows = rows_of(ds, b)
    assert rows[0].reference and rows[0].votes is None
    assert [(r.number, r.votes, r.place) for r in rows[1:]] == [
        (2, "9", 1), (4, "5", 2), (5, "5", 2), (1, "2", None), (6, "1", None), (3, "0", None)]


def test_hidden_entries_are_left_out(ds):
    rows = rows_of(ds, board(entry(1, "A", GWENT), entry(2, "B", GWENT, hidden=True)))
    assert [r.number for r in rows] == [None, 1]


def test_an_unreadable_entry_is_a_row_of_dashes_not_none(ds):
    rows = rows_of(ds, board(entry(1, "A", '{"name": "x", "hubs": [{"name": 3}]}')))
    bad = rows[1]
    assert (bad.authorities, bad.people, bad.share, bad.mashes) == ("–",) * 4
    assert "no longer be read" in bad.scenario
    assert "None" not in presenter_html(columns(rows), {}, revealed=False)


def test_welsh_rows(ds):
    ref, gwent = rows_of(ds, board(entry(1, "A", GWENT)), lang="cy")
    assert ref.author == "Mai 2019 (llinell sylfaen)" and ref.scenario.startswith("Y sefyllfa")
    assert gwent.authorities == "9 o 22"


# ---- change marks ----------------------------------------------------------------------------
def test_new_and_updated_rows_are_marked_for_the_time_left():
    assert change_mark(T, T, T + timedelta(seconds=10)) == ("new", CHANGED_S - 10)
    later = T + timedelta(minutes=5)
    assert change_mark(T, later, later + timedelta(seconds=30)) == ("updated", CHANGED_S - 30)
    assert change_mark(T, later, later + timedelta(seconds=CHANGED_S)) == (None, 0.0)
    # a clock a little behind the database's is not a negative age
    assert change_mark(T, T, T - timedelta(seconds=2)) == ("new", CHANGED_S)


def test_rows_carry_the_change_mark(ds):
    now = T + timedelta(seconds=20)
    b = board(entry(1, "A", GWENT), entry(2, "B", GWENT, updated=T + timedelta(seconds=5)))
    _ref, first, second = rows_of(ds, b, now=now)
    assert (first.change, first.change_left_s) == ("new", CHANGED_S - 20)
    assert (second.change, second.change_left_s) == ("updated", CHANGED_S - 15)


# ---- layout ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "sizes"), [(1, [1]), (16, [16]), (17, [9, 8]), (31, [16, 15]),
                                          (32, [16, 16]), (33, [17, 16]), (61, [31, 30])])
def test_columns_split_evenly_and_keep_the_reference_first(n, sizes):
    rows = list(range(n))
    split = columns(rows, per_column=16)
    assert [len(c) for c in split] == sizes
    assert split[0][0] == 0 and sum(split, []) == rows


def test_strip_mode_and_short_link():
    assert [strip_mode(0, False), strip_mode(1, False), strip_mode(5, True)] == [
        "large", "line", "locked"]
    assert short_link("http://127.0.0.1:8501/mash/what-if?room=ABC2345") == (
        "127.0.0.1:8501/mash/what-if?room=ABC2345")


def test_entry_heading():
    assert entry_heading(9, "Alice", 8) == "Entry 9 · Alice · 8 votes"
    assert entry_heading(9, "Alice", None) == "Entry 9 · Alice"
    assert entry_heading(1_000, "Bob", 1_234, "cy") == "Cais 1000 · Bob · 1,234 pleidlais"


# ---- HTML ------------------------------------------------------------------------------------
def test_html_escapes_user_text_and_links_each_entry(ds):
    b = board(entry(1, HOSTILE, Scenario(HOSTILE, GWENT.hubs), votes=3), revealed=True)
    rows = rows_of(ds, b, now=T + timedelta(seconds=5))
    out = presenter_html(columns(rows), {1: presenter_query("ABC2345", {"lang": "cy"}, 1)},
                         revealed=True)
    assert "<img" not in out and "&lt;img src=x" in out
    assert 'href="?room=ABC2345&amp;present=1&amp;workshop=1&amp;lang=cy&amp;entry=1"' in out
    assert "None" not in out
    assert "1st" in out and ">new<" in out and "animation:pv-fade 1ms linear 55.0s" in out
    assert "Votes" in out


def test_html_has_no_votes_column_before_the_reveal(ds):
    out = presenter_html(columns(rows_of(ds, board(entry(1, "A", GWENT, votes=None)))), {},
                         revealed=False)
    assert ">Votes<" not in out and "1st" not in out and "963,896" in out


# ---- links -----------------------------------------------------------------------------------
def test_presenter_links_never_carry_a_key_or_token():
    params = {"lang": "cy", "key": "SECRET", "member": "TOKEN", "workshop": "0", "map": "tiles"}
    q = presenter_params("ABC2345", params, entry=4)
    assert q == {"room": "ABC2345", "present": "1", "workshop": "1", "lang": "cy",
                 "map": "tiles", "entry": "4"}
    link = presenter_link("https://h.example/mash", "ABC2345", params)
    assert "SECRET" not in link and "TOKEN" not in link
    assert link == ("https://h.example/mash/workshop?room=ABC2345&present=1&workshop=1&lang=cy"
                    "&map=tiles")


def test_board_and_facilitator_links_keep_the_settings_and_the_join_link_stays_short():
    urls = links("http://h", "ABC2345", "k", {"lang": "cy", "workshop": "1"})
    assert urls["facilitator_link"] == "http://h/workshop?room=ABC2345&key=k&lang=cy&workshop=1"
    assert urls["board_link"] == "http://h/workshop?room=ABC2345&lang=cy&workshop=1"
    assert urls["join_link"] == "http://h/what-if?room=ABC2345"
