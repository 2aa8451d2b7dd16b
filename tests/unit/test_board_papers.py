"""Board papers (issue 16 §3 and §5): the board counts like the planner, says what each entry
is, compares entries side by side, and exports a CSV a secretary opens in Excel as is."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest

from explorer import figures as fig
from explorer import planner
from explorer.coverage import evaluate_scenario
from explorer.data import load_dataset
from explorer.presets import load_presets
from explorer.rooms import Board, Entry, Room
from explorer.rooms.report import (
    BOM,
    board_csv,
    board_rows,
    compare_rows,
    entry_figures,
    export_dict,
    export_zip,
    reference,
)
from explorer.scenario import HubSpec, Scenario, dumps_scenario, parse_scenario

T = datetime(2019, 5, 31, 9, 30, tzinfo=UTC)
CARM, CERE, PEMB, POWYS = "W06000010", "W06000008", "W06000009", "W06000023"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def entry(i: int, author: str, scenario: Scenario, *, votes=None, hidden=False) -> Entry:
    return Entry(i, i, author, dumps_scenario(scenario), hidden, T, T, votes)


def board(*entries: Entry, revealed=False) -> Board:
    room = Room("ABC234", "Board", T, T, False, revealed, 7, T)
    return Board(room, entries, len(entries) + 1, revealed)


def mid_west(limit=None, model="regional") -> Scenario:
    return Scenario("Mid and West", (HubSpec("MW", model, (CARM, CERE, PEMB, POWYS), CARM),),
                    max_travel_km=limit)


# ---- One set of definitions ---------------------------------------------------------------

def test_farthest_trip_counts_covered_members_only(ds):
    # Carmarthen's office to Ceredigion's is 43.1 km, to Pembrokeshire's 45.2, to Powys's
    # 76.8: with a 45 km limit Pembrokeshire and Powys are left out, so the farthest trip is
    # Ceredigion's (the board said 76.8 before).
    (f,) = entry_figures(board(entry(1, "A", mid_west(45.0))), ds)
    assert f.farthest_km == 43.1
    assert board_rows((f,), ds)[1]["Farthest trip"] == "43.1 km (limit 45 km)"
    (g,) = entry_figures(board(entry(1, "A", mid_west())), ds)
    assert g.farthest_km == 76.8 and board_rows((g,), ds)[1]["Farthest trip"] == "76.8 km"


def test_virtual_and_per_authority_hubs_have_no_trip(ds):
    (v,) = entry_figures(board(entry(1, "A", mid_west(60.0, "virtual"))), ds)
    assert v.farthest_km is None
    assert board_rows((v,), ds)[1]["Farthest trip"] == "n/a (limit 60 km)"
    assert board_rows((v,), ds, "cy")[1]["Taith bellaf"] == "d/b (terfyn 60 km)"
    rows = planner.hub_rows(v.result, ds, "en")
    assert rows[0]["Farthest member"] == "n/a"  # the planner's per-hub table says the same


def test_a_mash_in_every_authority_is_22_mashes_on_the_board(ds):
    every = next(p.scenario for p in load_presets(ds) if p.key == "every_authority")
    (f,) = entry_figures(board(entry(1, "A", every)), ds)
    row = board_rows((f,), ds)[1]
    assert row["MASHs proposed"] == 22 and row["Farthest trip"] == "n/a"
    assert row["What it is"] == "22 MASHs, one in every council"


def test_board_figures_equal_the_planners_for_every_preset(ds):
    presets = load_presets(ds)
    entries = [entry(i, f"M{i}", p.scenario) for i, p in enumerate(presets, start=1)]
    rows = board_rows(entry_figures(board(*entries), ds), ds)[1:]
    for p, row in zip(presets, rows, strict=True):
        result = evaluate_scenario(p.scenario, ds)
        head = planner.headline(result, ds, "en")
        assert head["authorities"] == (
            f"{row['Authorities covered']} of 22 authorities covered"), p.key
        assert head["population"] == f"{row['People covered']:,}", p.key
        assert head["population_share"] == f"{row['Share of people (%)']:.1f}%", p.key
        assert head["hubs"] == str(row["MASHs proposed"]), p.key
        trips = [r["Farthest member"] for r in planner.hub_rows(result, ds, "en")
                 if r["Farthest member"] != "n/a"]
        farthest = max(trips, key=lambda s: float(s.removesuffix(" km")), default="n/a")
        assert row["Farthest trip"] == farthest, p.key


def test_figures_shown_as_on_the_board():
    f = fig.Figures(9, 22, 1_479_801, 0.47621, 22, None, 60.0)
    assert f.shown("en") == {"authorities": "9", "people": "1,479,801", "share": "47.6",
                             "mashes": "22", "farthest": "n/a (limit 60 km)"}


# ---- What it is ---------------------------------------------------------------------------

def test_description_line(ds):
    s = parse_scenario({"name": "x", "max_travel_km": 60, "include_existing": False, "hubs": [
        {"name": "N", "model": "regional", "host": "Newport", "authorities": ["Newport"]},
        {"name": "C", "model": "regional", "host": "Conwy",
         "authorities": ["Conwy", "Denbighshire"]},
        {"name": "L", "model": "per_authority", "authorities": ["Powys"]}]}, ds)
    assert fig.describe(s, ds, "en") == (
        "2 regional hubs at Newport (1 council) and Conwy (2 councils); "
        "1 MASH of its own in Powys, limit 60 km; existing MASHs not counted")
    assert fig.describe(s, ds, "cy") == (
        "2 hyb rhanbarthol: Casnewydd (1 cyngor) a Conwy (2 cyngor); "
        "1 MASH ei hun: Powys, terfyn 60 km; heb gyfrif MASHau presennol")
    five = parse_scenario({"name": "x", "hubs": [
        {"name": f"V{i}", "model": "virtual", "host": a, "authorities": [a]}
        for i, a in enumerate(["Newport", "Conwy", "Powys", "Cardiff", "Swansea"])]}, ds)
    assert fig.describe(five, ds) == (
        "5 virtual hubs at Newport (1 council), Conwy (1 council), Powys (1 council) and "
        "2 more")


def test_entries_that_look_alike_are_told_apart(ds):
    presets = {p.key: p.scenario for p in load_presets(ds)}
    a, b = entry_figures(board(entry(1, "A", presets["mid_west_wales_regional"]),
                               entry(2, "B", presets["dyfed_powys_virtual"])), ds)
    ra, rb = board_rows((a, b), ds)[1:]
    assert ra["People covered"] == rb["People covered"] == 1_479_801
    assert ra["What it is"] == "1 regional hub at Carmarthenshire (4 councils)"
    assert rb["What it is"] == "1 virtual hub at Carmarthenshire (4 councils)"


# ---- Compare --------------------------------------------------------------------------------

def test_compare_rows_reference_first(ds):
    gwent = Scenario("Gwent", (HubSpec("G", "regional", ("W06000022", "W06000021"),
                                       "W06000022"),))
    chosen = entry_figures(board(entry(3, "Alice", gwent), entry(5, "Bob", mid_west(45.0))), ds)
    rows = compare_rows(chosen, ds)
    cols = list(rows[0])
    assert cols == ["Measure / authority", "May 2019 (reference)", "Entry 3 · Alice · Gwent",
                    "Entry 5 · Bob · Mid and West"]
    by = {r["Measure / authority"]: r for r in rows}
    assert list(by["Authorities covered"].values())[1:] == ["5", "6", "7"]
    # May 2019 963,896; + Monmouthshire 92,958; + Carmarthenshire 187,896 + Ceredigion 71,481.
    assert list(by["People covered"].values())[1:] == ["963,896", "1,056,854", "1,223,273"]
    assert list(by["MASHs proposed"].values())[1:] == ["0", "1", "1"]
    assert list(by["Farthest trip"].values())[1:] == [  # Newport to Usk 14.5 km
        "n/a", "14.5 km", "43.1 km (limit 45 km)"]
    assert list(by["Gained over May 2019"].values())[1:] == [
        "–", "Monmouthshire", "Carmarthenshire, Ceredigion"]
    assert by["Powys"]["Entry 5 · Bob · Mid and West"] == "–"
    assert by["Ceredigion"]["Entry 5 · Bob · Mid and West"] == "covered"
    assert len(rows) == 8 + 22
    # Two entries with the same author and scenario still get a column each.
    same = entry_figures(board(entry(3, "A", gwent), entry(3, "A", gwent)), ds)
    assert len(compare_rows(same, ds)[0]) == 4


def test_reference_follows_the_edition():
    ref = reference("cy", 2, "2026-03-01", "Test edition A")
    assert ref.label == "Fel ar 1 Mawrth 2026, argraffiad 2 (llinell sylfaen)"
    assert ref.short == "1 Mawrth 2026"
    assert ref.scenario_name == "Sefyllfa fel ar 1 Mawrth 2026 (argraffiad 2: Test edition A)"


def test_board_rows_name_the_chosen_edition(ds):
    rows = board_rows((), ds, "en", ref=reference("en", 2, "2026-03-01", "Test edition A"))
    assert rows[0]["Author"] == "As at 1 March 2026, edition 2 (reference)"
    assert "Gained over 1 March 2026" in rows[0]


# ---- The secretary's CSV -------------------------------------------------------------------

def test_board_csv_for_a_secretary(ds):
    b = board(entry(1, "Siân ap Dafydd", mid_west(45.0), votes=2),
              entry(2, "=cmd|' /C calc'!A0", mid_west(None, "virtual"), hidden=True),
              revealed=True)
    raw = board_csv(b, ds, "cy").encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only after a BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    ref, first, second = rows
    assert list(ref)[:4] == ["Cais", "Awdur", "Senario", "Beth ydyw"]
    assert ref["Awdur"] == "Mai 2019 (llinell sylfaen)" and ref["Pobl wedi'u cwmpasu"] == "963,896"
    assert first["Awdur"] == "Siân ap Dafydd"  # not "SiÃ¢n"
    # 963,896 + Carmarthenshire 187,896 + Ceredigion 71,481 = 1,223,273 of 3,107,489 (39.4%).
    assert first["Cyfran y bobl (%)"] == "39.4" and first["MASHau arfaethedig"] == "1"
    assert first["Pobl wedi'u cwmpasu"] == "1,223,273"
    assert first["Taith bellaf"] == "43.1 km (terfyn 45 km)"
    assert first["Terfyn pellter"] == "45 km" and first["Pleidleisiau"] == "2"
    assert first["Hybiau (enw: model, gwesteiwr; aelodau)"] == (
        "MW: rhanbarthol, gwesteiwr Sir Gaerfyrddin; aelodau Ceredigion, Powys, Sir Benfro, "
        "Sir Gaerfyrddin; wedi'u gadael allan gan y terfyn: Sir Benfro, Powys")
    assert first["Wedi'u gadael allan gan y terfyn"] == "Sir Benfro; Powys"
    assert first["Mwy o bobl na Mai 2019"] == "259,377"  # as on the board (no sign added)
    assert second["Awdur"] == "'=cmd|' /C calc'!A0" and second["Cudd"] == "ie"
    assert second["Taith bellaf"] == "d/b"
    english = list(csv.reader(io.StringIO(board_csv(b, ds).removeprefix(BOM))))
    assert english[0][:4] == ["Entry", "Author", "Scenario", "What it is"]


def test_zip_holds_the_secretary_csv_and_json_keeps_its_shape(ds):
    b = board(entry(1, "Ŵyn", mid_west(45.0)))
    files = zipfile.ZipFile(io.BytesIO(export_zip(b, ds, "<html></html>", "cy", now=T)))
    assert files.read("entries.csv").startswith(b"\xef\xbb\xbfCais,Awdur")
    (e,) = export_dict(b, ds)["entries"]
    assert {"id", "author", "member_number", "hidden", "created_at", "updated_at", "votes",
            "scenario", "coverage", "problem"} <= set(e)
    assert e["figures"] == {"mashes_proposed": 1, "farthest_trip_km": 43.1,
                            "max_travel_km": 45.0}
    assert e["description"]["en"] == "1 regional hub at Carmarthenshire (4 councils), limit 45 km"


def test_printed_summary_names_the_edition_and_describes_hubs(ds):
    from explorer.printing.room_summary import summary_html

    b = board(entry(1, "Siân", mid_west(45.0)))
    page = summary_html(b, ds, now=T, ref=reference("en", 2, "2026-03-01", "Test edition A"))
    assert "As at 1 March 2026, edition 2 (reference)" in page
    assert "Position as at 1 March 2026 (edition 2: Test edition A)." in page
    assert "All statuses are as at 31 May 2019" not in page
    assert ("MW: regional, host Carmarthenshire; members Carmarthenshire, Ceredigion, "
            "Pembrokeshire, Powys; left out by the limit: Pembrokeshire, Powys") in page
    # Figures as the board shows them: separators, the share to one decimal place.
    assert '<td class="n">1,223,273</td><td class="n">39.4</td>' in page
    assert '<td class="n">259,377</td>' in page
    may = summary_html(b, ds, now=T)
    assert "All statuses are as at 31 May 2019" in may


def test_presenter_reference_row_names_a_later_edition(ds):
    from explorer.rooms.presenter import presenter_rows
    from explorer.rooms.report import reference_result

    base = reference_result(ds)
    (row,) = presenter_rows((), base, revealed=False, now=T)
    assert (row.author, row.scenario) == ("May 2019 (reference)", "Position as at 31 May 2019")
    (row,) = presenter_rows((), base, revealed=False, now=T,
                            named=reference("en", 2, "2026-03-01", "Test edition A"))
    assert row.author == "As at 1 March 2026, edition 2 (reference)"
    assert row.scenario == "Position as at 1 March 2026 (edition 2: Test edition A)"
