"""What the board shows and exports, from literal boards (no database needed)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest

from explorer.data import load_dataset
from explorer.printing.room_summary import summary_html
from explorer.rooms import Board, Entry, Room
from explorer.rooms.report import (
    board_rows,
    coverage_counts,
    entries_csv,
    entry_figures,
    export_dict,
    export_zip,
    share_token,
)
from explorer.scenario import (
    HubSpec,
    Scenario,
    decode_share,
    dumps_scenario,
    loads_scenario,
)

T = datetime(2019, 5, 31, 9, 30, tzinfo=UTC)
GWENT = Scenario("Gwent regional", (HubSpec("Gwent MASH", "regional", (
    "W06000022", "W06000018", "W06000019", "W06000020", "W06000021"), "W06000022"),))
POWYS = Scenario("Powys on its own", (HubSpec("Powys MASH", "per_authority", ("W06000023",),
                                              None),))
HOSTILE = "<img src=x onerror=alert(1)> **bold** [link](http://evil.example) =1+1"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def entry(i: int, author: str, scenario: Scenario | str, *, votes=None, hidden=False) -> Entry:
    text = scenario if isinstance(scenario, str) else dumps_scenario(scenario)
    return Entry(i, i, author, text, hidden, T, T, votes)


def board(*entries: Entry, name="Board", revealed=False) -> Board:
    room = Room("ABC234", name, T, T, False, revealed, 7, T)
    return Board(room, entries, len(entries) + 1, revealed)


def test_entry_figures_against_may_2019(ds):
    gwent, powys = entry_figures(board(entry(1, "A", GWENT), entry(2, "B", POWYS)), ds)
    assert gwent.gained == ("W06000018", "W06000019", "W06000020", "W06000021")
    assert gwent.population_gained == 1_391_964 - 963_896
    assert gwent.farthest_km == 26.8  # Newport to Ebbw Vale, as `coverage --json` says
    assert (gwent.result.authorities_covered, gwent.result.population_covered) == (9, 1_391_964)
    assert (powys.gained, powys.population_gained, powys.farthest_km) == (
        ("W06000023",), 133_174, None)
    assert decode_share(share_token(gwent), ds) == GWENT


def test_coverage_counts(ds):
    counts = coverage_counts(entry_figures(board(entry(1, "A", GWENT), entry(2, "B", POWYS)),
                                           ds), ds)
    assert list(counts) == [a.code for a in ds.authorities]
    assert (counts["W06000015"], counts["W06000022"], counts["W06000023"],
            counts["W06000020"], counts["W06000002"]) == (2, 2, 1, 1, 0)
    assert sum(counts.values()) == 9 + 6


def test_an_entry_that_no_longer_fits_the_data_is_named_not_trusted(ds):
    bad = '{"name":"Old","hubs":[{"name":"X","model":"per_authority","authorities":["W06999999"]}]}'
    (f,) = entry_figures(board(entry(7, "A", bad)), ds)
    assert f.result is None and f.scenario is None
    assert f.problem == "entry 7: hub 1 'X': unknown authority 'W06999999'"
    rows = board_rows((f,), ds)
    assert rows[1]["Scenario"] == (
        "This entry's scenario can no longer be read: entry 7: hub 1 'X': unknown authority "
        "'W06999999'")
    # A missing figure is missing (the number column stays numbers), drawn as "–": the board
    # by its placeholder (tests/app/test_board_table.py), the summary here; never "None".
    assert rows[1]["Authorities covered"] is None and rows[1]["Farthest trip"] == "–"
    page = summary_html(board(entry(7, "A", bad)), ds)
    assert "None" not in page and '<td class="n">–</td>' in page
    assert coverage_counts((f,), ds)["W06000015"] == 0


def test_board_rows(ds):
    figures = entry_figures(board(entry(1, "Alice", GWENT, votes=2)), ds)
    ref, row = board_rows(figures, ds, votes=True, hidden=True)
    assert list(row)[:6] == ["Entry", "Author", "Scenario", "What it is", "Votes", "Hidden"]
    assert ref == {
        "Entry": None, "Author": "May 2019 (reference)", "Scenario": "Position as at 31 May 2019",
        "What it is": "No proposed hubs (existing MASHs only)",
        "Authorities covered": 5, "People covered": 963_896, "Share of people (%)": 31.0,
        "MASHs proposed": 0, "Farthest trip": "n/a", "Gained over May 2019": "",
        "More people than May 2019": 0, "Votes": None, "Hidden": "",
    }
    assert row == {
        "Entry": 1, "Author": "Alice", "Scenario": "Gwent regional",
        "What it is": "1 regional hub at Newport (5 councils)", "Authorities covered": 9,
        "People covered": 1_391_964, "Share of people (%)": 44.8, "MASHs proposed": 1,
        "Farthest trip": "26.8 km",
        "Gained over May 2019": "Caerphilly, Blaenau Gwent, Torfaen, Monmouthshire",
        "More people than May 2019": 428_068, "Votes": 2, "Hidden": "",
    }
    assert "Votes" not in board_rows(figures, ds)[1]
    welsh_ref, welsh = board_rows(figures, ds, "cy")
    assert welsh["Awdur"] == "Alice" and "Caerffili" in welsh["Wedi'u hennill ers Mai 2019"]
    assert welsh["Beth ydyw"] == "1 hyb rhanbarthol: Casnewydd (5 cyngor)"
    # The reference row is in the board's language too.
    assert (welsh_ref["Awdur"], welsh_ref["Senario"]) == (
        "Mai 2019 (llinell sylfaen)", "Sefyllfa fel ar 31 Mai 2019")


def test_export_dict_has_coverage_under_the_cli_keys(ds):
    data = export_dict(board(entry(1, HOSTILE, GWENT, votes=3, hidden=True)), ds)
    assert data["room"] == {
        "code": "ABC234", "name": "Board", "created_at": "2019-05-31T09:30:00Z",
        "last_activity": "2019-05-31T09:30:00Z", "expires_at": "2019-05-31T09:30:00Z",
        "locked": False, "votes_revealed": False, "members": 2,
    }
    (e,) = data["entries"]
    assert (e["author"], e["votes"], e["hidden"], e["problem"]) == (HOSTILE, 3, True, None)
    assert set(e["coverage"]) == {
        "scenario_name", "population_basis", "authorities_total", "authorities_covered",
        "covered_codes", "newly_covered_codes", "population_total", "population_covered",
        "population_share", "excluded", "hubs", "per_authority"}
    assert e["coverage"]["population_covered"] == 1_391_964
    json.dumps(data)  # JSON-ready


def test_csv_cells_are_formula_safe(ds):
    lines = entries_csv(board(entry(1, "=cmd|' /C calc'!A0", GWENT, votes=1)), ds).splitlines()
    assert lines[2].split(",")[:3] == ["1", "'=cmd|' /C calc'!A0", "Gwent regional"]
    assert lines[2].endswith(",1,9,22,1391964,0.4479,census2021,1,26.8,"
                             "Caerphilly; Blaenau Gwent; Torfaen; Monmouthshire,428068,"
                             "2019-05-31T09:30:00Z")


def test_summary_html_escapes_every_user_text_and_leaves_out_hidden_entries(ds):
    b = board(entry(1, HOSTILE, Scenario(HOSTILE, GWENT.hubs), votes=1),
              entry(2, "Hidden author", POWYS, votes=5, hidden=True),
              entry(3, "Bob", POWYS, votes=4), name="<script>alert('room')</script>",
              revealed=True)
    page = summary_html(b, ds, now=T)
    assert "<script" not in page and "<img" not in page and "onerror=alert" not in page.replace(
        "&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&#x27;room&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; **bold** [link](http://evil.example) =1+1" in page
    assert "Hidden author" not in page
    assert "Room ABC234 · 2 entries from 4 members · exported 2019-05-31 09:30 UTC" in page
    # Most votes first: Bob (4) above the hostile author (1); the reference row first of all.
    assert page.index("May 2019 (reference)") < page.index(">Bob<") < page.index("&lt;img")
    assert "Most votes first." in page
    assert "deleted 30 days after its last activity" in page
    assert "http" not in page.replace("http://evil.example", "")  # no outside requests


def test_export_zip(ds):
    b = board(entry(1, "../../etc/passwd", GWENT), entry(2, "Ælfwine ☃", POWYS),
              entry(3, "Siân\x07 Ŵyn/ŷ\u202e", POWYS), entry(4, "Dŵr " * 30, POWYS))
    files = zipfile.ZipFile(io.BytesIO(export_zip(b, ds, "<html></html>", now=T)))
    assert sorted(files.namelist()) == [
        "entries.csv", "room.json", "scenarios/001-etc-passwd.json",
        "scenarios/002-ælfwine.json", "scenarios/003-siân-ŵyn-ŷ.json",
        "scenarios/004-" + "-".join(["dŵr"] * 10) + ".json", "summary.html"]
    text = files.read("scenarios/001-etc-passwd.json").decode()
    assert loads_scenario(text, ds) == GWENT
    assert json.loads(files.read("room.json"))["entries"][1]["author"] == "Ælfwine ☃"
    # Extracted files are readable as usual (rw-r--r--), not 0600.
    assert {(i.external_attr >> 16) & 0o777 for i in files.infolist()} == {0o644}
    assert all((i.external_attr >> 16) & 0o170000 == 0o100000 for i in files.infolist())
