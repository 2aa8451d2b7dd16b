"""Data files that would give wrong numbers with no error are refused with one clear
message, and the CLI and the app read the same folder (hardening issue, section 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explorer.data import DATA_DIR, DataError, load_dataset, resolve_data_dir
from tests.cli import run_cli
from tests.inputs import POWYS, one_line_error, set_cell


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        # Cardiff (line 15) renamed like Newport (line 21): the second row is reported, and
        # the message points at the first.
        ("name_en", "Newport", "line 21, column 'name_en': value 'Newport': is the same as "
                               "the English name 'Newport' of W06000015 (line 15) once case, "
                               "accents and punctuation are ignored"),
        ("name_en", "NEWPORT", "line 21, column 'name_en': value 'Newport': is the same as "
                               "the English name 'NEWPORT' of W06000015"),
        ("name_cy", "Casnewydd", "line 21, column 'name_cy': value 'Casnewydd': is the same "
                                 "as the Welsh name 'Casnewydd' of W06000015"),
        ("name_en", "Casnewydd", "line 21, column 'name_cy': value 'Casnewydd': is the same "
                                 "as the English name 'Casnewydd' of W06000015"),
        ("name_cy", "Ynys Mon", "line 15, column 'name_cy': value 'Ynys Mon': is the same as "
                                "the Welsh name 'Ynys Môn' of W06000001 (line 2)"),
        ("name_en", "---", "line 15, column 'name_en': value '---': must contain a letter"),
        ("name_en", "Card\x1biff", "contains a control character (U+001B ESC)"),
    ],
)
def test_two_authorities_with_one_name_are_refused(data_copy, column, value, message):
    set_cell(data_copy / "authorities.csv", "W06000015", column, value)
    with pytest.raises(DataError) as info:
        load_dataset(data_copy)
    assert str(info.value).startswith("authorities.csv, line ")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("file", "key", "column", "value", "message"),
    [
        ("arrangements.csv", "nw_cru", "force_id", "gwent",
         "disagrees with authorities.csv, where member W06000001 (Isle of Anglesey) is "
         "policed by north_wales"),
        ("arrangements.csv", "gw_eat_pathfinder", "member_codes", "W06000019;W06000023",
         "member W06000023 (Powys) is policed by dyfed_powys"),
        ("events.csv", "gw_projects_live", "scope", "south_wales",
         "member W06000019 (Blaenau Gwent) is policed by gwent"),
        ("authorities.csv", "W06000022", "force_id", "south_wales",
         "member W06000022 (Newport) is policed by south_wales"),
        ("hubs.csv", "cwm_taf", "section_id", "gw-1",
         "cites a section under the gwent heading for a south_wales record"),
        ("positions.csv", "W06000023", "section_id", "nw-2",
         "cites a section under the north_wales heading for a dyfed_powys record"),
        ("authorities.csv", "W06000016", "health_board_cy", "Bwrdd Arall",
         "where health_board 'Cwm Taf Morgannwg University Health Board' goes with"),
    ],
)
def test_force_and_board_assignments_must_agree_across_files(data_copy, file, key, column,
                                                             value, message):
    set_cell(data_copy / file, key, column, value)
    with pytest.raises(DataError) as info:
        load_dataset(data_copy)
    assert message in str(info.value)


def test_an_unclosed_quote_is_reported_where_it_opens(data_copy):
    path = data_copy / "items.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(',"', ',"Unclosed ', 1).replace('",', ",", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(data_copy)
    assert info.value.line == 4 and info.value.file == "items.csv"
    assert 'a quoted cell opens on this line' in str(info.value)
    # The same with the quote left open to the end of the file.
    path.write_text("".join(lines[:5]) + 'x,wales,context,"never closed,intro\n',
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dataset(data_copy)
    assert info.value.line in (4, 6)


def test_a_quote_opening_on_the_last_line_is_reported_there(data_copy):
    path = data_copy / "items.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + 'extra,wales,context,"open to the end,intro\n', encoding="utf-8")
    count = text.count("\n")
    with pytest.raises(DataError) as info:
        load_dataset(data_copy)
    assert info.value.line == count + 1
    assert "never closed" in str(info.value)


def test_the_cli_and_the_app_read_mash_data_dir(data_copy, monkeypatch, tmp_path):
    set_cell(data_copy / "authorities.csv", "W06000023", "population_census2021", "1000")
    monkeypatch.setenv("MASH_DATA_DIR", str(data_copy))
    assert resolve_data_dir() == data_copy and resolve_data_dir("x") == Path("x")
    proc = run_cli("status", "--json")
    assert proc.returncode == 0, proc.stderr
    powys = next(r for r in json.loads(proc.stdout) if r["code"] == POWYS)
    assert powys["population"] == 1000
    from pages.ui.caches import _data_dir

    assert _data_dir() == str(data_copy)
    # A broken folder named by the variable is reported, not silently replaced.
    (data_copy / "hubs.csv").unlink()
    one_line_error(run_cli("status"), f"data folder {data_copy} (from MASH_DATA_DIR): "
                                      "hubs.csv: file not found")
    # --data wins over the variable.
    proc = run_cli("--data", str(DATA_DIR), "status", "--json")
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) == 22
    monkeypatch.setenv("MASH_DATA_DIR", "")
    assert resolve_data_dir() == DATA_DIR




def test_preset_text_is_data_too(data_copy):
    from explorer.presets import load_presets

    path = data_copy / "scenarios" / "presets.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Gwent", "Gw\u202eent", 1),
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_presets(load_dataset(data_copy), data_copy)
    assert str(info.value).startswith("scenarios/presets.csv, line ")
    assert "bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE)" in str(info.value)
    assert "\u202e" not in str(info.value)
