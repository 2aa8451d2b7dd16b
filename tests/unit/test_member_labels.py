"""A member who gives no name is stored without one (no English stored) and labelled in the
viewer's language: "Member 2" on an English board, "Aelod 2" on a Welsh one; board, presenter,
compare, printed summary and exports alike (an export in its own language)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

from explorer.data import load_dataset
from explorer.printing.presenter import presenter_html
from explorer.printing.room_summary import summary_html
from explorer.rooms import Board, Entry, Member, Room
from explorer.rooms.model import member_label, stored_name
from explorer.rooms.presenter import columns, presenter_rows
from explorer.rooms.report import (
    board_csv,
    board_rows,
    compare_rows,
    entries_csv,
    entry_figures,
    export_dict,
    export_zip,
    reference_result,
)
from explorer.scenario import HubSpec, Scenario, dumps_scenario

T = datetime(2026, 3, 1, 10, tzinfo=UTC)
POWYS = Scenario("Powys", (HubSpec("Powys MASH", "per_authority", ("W06000023",), None),))


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def _board(revealed=False) -> Board:
    room = Room("ABC234", "Board", T, T, False, revealed, 3, T)
    text = dumps_scenario(POWYS)
    entries = (Entry(1, 1, "Siân", text, False, T, T, 1), Entry(2, 2, "", text, False, T, T, 2))
    return Board(room, entries, 2, revealed)


def test_the_default_is_a_label_not_a_stored_name():
    assert (stored_name("", 2), stored_name("Member 2", 2), stored_name("AELOD 2", 2)) == (
        "", "", "")
    assert stored_name("Member 2", 3) == "Member 2"  # refused elsewhere; not rewritten here
    assert (member_label(2, "", "en"), member_label(2, "", "cy")) == ("Member 2", "Aelod 2")
    assert Member(2, "").label("cy") == "Aelod 2" and Member(2, "Siân").label("cy") == "Siân"


@pytest.mark.parametrize(("lang", "label"), [("en", "Member 2"), ("cy", "Aelod 2")])
def test_board_presenter_compare_and_summary_label_in_the_viewers_language(ds, lang, label):
    figures = entry_figures(_board(revealed=True), ds)
    rows = board_rows(figures, ds, lang, votes=True)
    assert [r[list(r)[1]] for r in rows[1:]] == ["Siân", label]
    pv = presenter_rows(figures, reference_result(ds), revealed=True, now=T, lang=lang)
    assert [r.author for r in pv[1:]] == [label, "Siân"]  # by votes
    assert label in presenter_html(columns(pv), {}, revealed=True, lang=lang)
    assert any(label in c for c in compare_rows(figures, ds, lang)[0])
    page = summary_html(_board(True), ds, lang=lang, now=T)
    assert label in page and ("Member 2" in page) == (lang == "en")


@pytest.mark.parametrize(("lang", "label"), [("en", "Member 2"), ("cy", "Aelod 2")])
def test_exports_label_in_the_exports_language(ds, lang, label):
    b = _board(revealed=True)
    table = list(csv.reader(io.StringIO(board_csv(b, ds, lang).lstrip("\ufeff"))))
    assert [r[1] for r in table[2:]] == ["Siân", label]
    assert [e["author"] for e in export_dict(b, ds, lang)["entries"]] == ["Siân", label]
    with zipfile.ZipFile(io.BytesIO(export_zip(b, ds, "<p>summary</p>", lang, now=T))) as zf:
        names = zf.namelist()
        data = json.loads(zf.read("room.json"))
    assert [e["author"] for e in data["entries"]] == ["Siân", label]
    assert any(label.lower().replace(" ", "-") in n for n in names), names
    # The operator's CSV stays English (machine columns).
    assert list(csv.reader(io.StringIO(entries_csv(b, ds))))[3][1] == "Member 2"
