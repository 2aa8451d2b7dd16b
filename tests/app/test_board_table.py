"""The board's entries table is typed: it converts to Arrow as it is (Streamlit never "fixes" a
mixed column and logs a traceback doing it) and Entry and Votes sort as numbers, on the
members' board and the facilitator's (issue 16 leftovers)."""

from __future__ import annotations

import pyarrow as pa
import pytest
from streamlit import dataframe_util

from explorer import rooms
from explorer.data import load_dataset
from explorer.rooms import report
from pages.ui.rooms import table_frame
from tests.app.test_workshop import POWYS, open_page
from tests.unit.test_room_board import GWENT, board, entry

UNREADABLE = ('{"name":"Old","hubs":[{"name":"X","model":"per_authority",'
              '"authorities":["W06999999"]}]}')


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def _rows(ds, lang="en", **kw):
    figures = report.entry_figures(board(
        entry(2, "Ann", GWENT, votes=10), entry(10, "Bob", GWENT, votes=2),
        entry(3, "Cai", UNREADABLE, votes=1, hidden=True)), ds)
    return report.board_rows(figures, ds, lang, **kw)


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("kw", [{}, {"votes": True}, {"votes": True, "hidden": True}])
def test_the_board_frame_converts_to_arrow_without_fixes(ds, lang, kw, monkeypatch):
    df = table_frame.frame(_rows(ds, lang, **kw), lang, report.reference(lang))
    table = pa.Table.from_pandas(df)  # raises on a mixed column ("–" beside numbers)
    entry_col = report.t("room.col_entry", lang)
    assert pa.types.is_integer(table.schema.field(entry_col).type)
    assert table.column(entry_col).to_pylist() == [None, 2, 10, 3]
    people = report.t("room.col_people", lang)
    assert pa.types.is_integer(table.schema.field(people).type)
    assert table.column(people).to_pylist()[3] is None  # the unreadable entry: missing
    share = report.t("room.col_share", lang)
    assert pa.types.is_floating(table.schema.field(share).type)
    # Streamlit's own converter takes it at the first try: no "automatic fixes", no log.
    logged = []
    monkeypatch.setattr(dataframe_util._LOGGER, "info", lambda *a, **k: logged.append(a))
    dataframe_util.convert_pandas_df_to_arrow_table(df)
    assert logged == []


def test_entry_and_votes_sort_as_numbers(ds):
    df = table_frame.frame(_rows(ds, votes=True), "en", report.reference("en"))
    assert df.sort_values("Entry")["Entry"].tolist()[:3] == [2, 3, 10]  # text gives 10, 2, 3
    assert df.sort_values("Votes")["Votes"].dropna().tolist() == [1, 2, 10]
    assert df["Entry"].isna().tolist() == [True, False, False, False]  # the reference row


def test_missing_figures_are_missing_and_drawn_as_a_dash(ds):
    rows = _rows(ds, votes=True)
    assert rows[0]["Entry"] is None and rows[0]["Votes"] is None
    assert rows[3]["Authorities covered"] is None and rows[3]["Farthest trip"] == "–"
    assert table_frame.PLACEHOLDER == "–"


def test_the_board_and_the_facilitator_get_typed_tables(engine):
    created = rooms.create_room(engine, "Board")
    for name in ("Ann", "Bob"):
        joined = rooms.join_room(engine, created.room.code, name)
        rooms.send_entry(engine, created.room.code, joined.token, POWYS)
    rooms.set_votes_revealed(engine, created.room.code, created.key, True)
    member = open_page("pages/workshop.py", room=created.room.code)
    frame = member.dataframe[0].value
    assert frame["Entry"].isna().tolist() == [True, False, False]
    assert frame["Entry"].dropna().tolist() == [1, 2]
    assert str(frame["Votes"].dtype).lower().startswith("int")
    assert member.dataframe[0].proto.placeholder == "–"  # a missing figure reads "–"
    fac = open_page("pages/workshop.py", room=created.room.code)
    fac.session_state["room_fac_keys"] = {created.room.code: created.key}
    fac.run()
    frame = fac.dataframe[0].value
    assert "Hidden" in frame.columns and frame["Entry"].dropna().tolist() == [1, 2]
    assert str(frame["Entry"].dtype).lower().startswith("int")


def test_the_board_wraps_text_in_columns_that_fit_at_1366(engine):
    """Streamlit wraps a cell's text only in rows taller than 4rem (64 px); the text columns'
    widths leave the link column and the first figures room in the 906 px a 1366 px screen
    gives the table (measured: tests/browser/test_fit_1366.py, /work/notes/shots)."""
    import json

    created = rooms.create_room(engine, "Board")
    joined = rooms.join_room(engine, created.room.code, "Ann")
    rooms.send_entry(engine, created.room.code, joined.token, POWYS)
    for lang in ("en", "cy"):
        at = open_page("pages/workshop.py", room=created.room.code, lang=lang)
        proto = at.dataframe[0].proto
        assert proto.row_height > 64
        config = json.loads(proto.columns)
        widths = {k: v.get("width") for k, v in config.items()}
        what = report.t("room.col_what", lang)
        assert widths[what] == table_frame.WIDTHS_PX["what"]
        # selection box (33 px) + the fixed text columns + the link heading's own width
        fixed = 33 + sum(table_frame.WIDTHS_PX.values())
        assert fixed + 8 * len(report.t("workshop.col_open", lang)) + 20 <= 906
