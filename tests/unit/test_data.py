"""The dataset loads, matches the briefing and the reference, and bad files fail clearly."""

import csv
import shutil
from pathlib import Path

import pytest

from explorer.data import DATA_DIR, DataError, load_dataset
from explorer.model import WELSH_CODES

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit_cell(path: Path, row_key: str, column: str, value: str) -> int:
    """Set one cell of a CSV copy; returns the file line number of that row."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    col = header.index(column)
    for i, row in enumerate(rows[1:], start=2):
        if row[0] == row_key:
            row[col] = value
            line = i
            break
    else:
        raise AssertionError(f"no row {row_key}")
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return line


def test_real_dataset_loads():
    ds = load_dataset()
    assert ds.codes() == WELSH_CODES
    assert [f.short_name for f in ds.forces] == [
        "Dyfed-Powys",
        "Gwent",
        "North Wales",
        "South Wales",
    ]
    assert len(ds.positions) == 22


def test_statuses_are_as_the_briefing_says():
    ds = load_dataset()
    by_status = {}
    for p in ds.positions:
        by_status.setdefault(p.status, set()).add(ds.authority(p.code).name_en)
    assert by_status["mash"] == {"Cardiff", "Bridgend", "Rhondda Cynon Taf", "Merthyr Tydfil"}
    assert by_status["mash_pilot"] == {"Newport"}
    assert by_status["mash_ceased"] == {"Wrexham"}
    assert len(by_status["no_mash"]) == 16
    # Cwm Taf is one hub shared by two authorities.
    assert ds.hub_of("W06000016") == ds.hub_of("W06000024")
    assert ds.hub_of("W06000016").name == "Cwm Taf MASH"
    # Dyfed-Powys has no MASH at all.
    assert {ds.status(a.code) for a in ds.authorities_of_force("dyfed_powys")} == {"no_mash"}


def test_every_citation_resolves_to_a_briefing_heading():
    ds = load_dataset()
    headings = {
        "Introduction",
        "Dyfed-Powys Police",
        "Gwent Police",
        "North Wales Police",
        "South Wales Police",
    }
    for s in ds.sections:
        assert s.force_heading in headings
    assert ds.citation("sw-3") == "South Wales Police › Development of MASH's, para 1"
    assert ds.citation("gw-2") == "Gwent Police, para 2"
    assert ds.citation("gw-8;gw-9") == "Gwent Police, paras 8–9"


def test_a_row_may_cite_several_sections():
    ds = load_dataset()
    assert ds.citation("nw-2;nw-4") == "North Wales Police, paras 2, 4"
    assert ds.citation("nw-4;nw-2") == "North Wales Police, paras 2, 4"
    assert ds.citation("gw-1;gw-2;gw-3;gw-5;gw-6;gw-8;gw-9") == (
        "Gwent Police, paras 1–3, 5–6, 8–9")
    assert ds.citation("sw-2;sw-3;gw-10") == (
        "South Wales Police › Current Landscape, para 2; "
        "South Wales Police › Development of MASH's, para 1; Gwent Police, para 10"
    )


@pytest.mark.parametrize(
    ("value", "shown", "expected"),
    [
        ("nw-2;nw-9", "nw-9", "no such briefing section in sections.csv"),
        ("nw-2;nw-2", "nw-2;nw-2", "lists a section twice"),
        ("nw-2;NW 4", "nw-2;NW 4", "must be an identifier of lower-case letters, digits, _ or -"),
        (" ; ", " ; ", "must not be empty"),
    ],
)
def test_a_bad_section_list_names_the_cell(data_copy, value, shown, expected):
    line = edit_cell(data_copy / "positions.csv", "W06000001", "section_id", value)
    with pytest.raises(DataError) as info:
        load_dataset(data_copy)
    assert str(info.value) == (
        f"positions.csv, line {line}, column 'section_id': value {shown!r}: {expected}"
    )


def test_a_section_list_is_tidied_when_loaded(data_copy):
    edit_cell(data_copy / "positions.csv", "W06000001", "section_id", " nw-2 ; nw-4 ;")
    assert load_dataset(data_copy).position("W06000001").section_id == "nw-2;nw-4"


def test_no_personal_names_from_the_briefing():
    text = " ".join(p.read_text(encoding="utf-8") for p in DATA_DIR.glob("*.csv"))
    for name in ("O’Driscoll", "O'Driscoll", "Supt Thomas", "Jonathan Drake"):
        assert name not in text


@pytest.mark.shared
def test_authorities_match_the_shared_reference():
    ref_path = SHARED / "reference" / "wales_authorities_reference.csv"
    if not ref_path.exists():
        pytest.skip("../shared is absent")
    with ref_path.open(encoding="utf-8") as f:
        ref = {r["gss_code"]: r for r in csv.DictReader(f)}
    ds = load_dataset()
    for a in ds.authorities:
        r = ref[a.code]
        assert a.name_en == r["name_en"] and a.name_cy == r["name_cy"]
        assert ds.force(a.force_id).short_name == r["police_force_area"]
        assert ds.force(a.force_id).code == r["police_force_area_code"]
        assert ds.force(a.force_id).name_cy == r["police_force_cy"]
        assert a.health_board == r["health_board_mid2019"]
        assert a.health_board_cy == r["health_board_mid2019_cy"]
        assert a.population_census2021 == int(r["pop_census2021_usual_residents"])
        assert a.population_mid2018 == int(r["pop_mid2018_ons_mye"])
        assert a.land_area_km2 == float(r["land_area_km2"])
        assert (a.office_lat, a.office_lon) == (
            float(r["main_office_lat_wgs84"]),
            float(r["main_office_lon_wgs84"]),
        )
    assert sum(a.population_census2021 for a in ds.authorities) == 3_107_489
    assert sum(a.population_mid2018 for a in ds.authorities) == 3_138_631


@pytest.mark.parametrize(
    "file, row, column, value, expected",
    [
        ("positions.csv", "W06000022", "status", "mash_planned", "must be one of mash"),
        ("authorities.csv", "W06000015", "code", "W06000017", "is not a Welsh local authority"),
        ("authorities.csv", "W06000015", "population_census2021", "-5", "whole number"),
        ("authorities.csv", "W06000015", "population_census2021", "9999999999", "between"),
        ("authorities.csv", "W06000015", "office_lat", "north", "must be a number"),
        ("authorities.csv", "W06000015", "office_lon", "nan", "between"),
        ("authorities.csv", "W06000015", "force_id", "west_wales", "no such police force"),
        ("hubs.csv", "cwm_taf", "member_codes", "W06000016;W06000099", "not a Welsh"),
        ("hubs.csv", "cardiff", "host_code", "W06000013", "host is not one of the hub"),
        ("positions.csv", "W06000022", "status", "mash", "disagrees with hub 'newport'"),
        ("positions.csv", "W06000015", "hub_id", "atlantis", "no such hub"),
        ("positions.csv", "W06000015", "hub_id", "", "needs a hub_id"),
        ("positions.csv", "W06000011", "hub_id", "cardiff", "disagrees with hub 'cardiff'"),
        ("events.csv", "gw_projects_live", "date", "May 2019", "must be a year"),
        ("events.csv", "gw_projects_live", "approximate", "maybe", "true or false"),
        ("events.csv", "gw_projects_live", "scope", "dyfed", "no such scope"),
        ("items.csv", "wales_review", "section_id", "sw-99", "no such briefing section"),
        ("items.csv", "wales_review", "kind", "rumour", "must be one of"),
        ("arrangements.csv", "nw_cru", "member_codes", "", "at least one"),
        ("forces.csv", "gwent", "code", "W99", "police force area code"),
        ("sections.csv", "gw-2", "paragraphs", "two", "paragraph number"),
    ],
)
def test_corrupted_cell_names_file_line_column_value(data_copy, file, row, column, value, expected):
    line = edit_cell(data_copy / file, row, column, value)
    with pytest.raises(DataError) as info:
        load_dataset(data_copy)
    err = info.value
    assert err.file == file
    assert expected in str(err)
    assert err.line == line
    if column == "hub_id" and value == "cardiff":
        # Swansea is no_mash: the status cell is what disagrees with the hub it now names.
        assert (err.column, err.value) == ("status", "no_mash")
    else:
        assert (err.column, err.value) == (column, value)
    assert str(err).startswith(f"{file}, line {line}, column '{err.column}'")


def test_missing_file(data_copy):
    (data_copy / "hubs.csv").unlink()
    with pytest.raises(DataError, match=r"hubs.csv: file not found"):
        load_dataset(data_copy)


def test_missing_and_unexpected_columns(data_copy):
    path = data_copy / "authorities.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("land_area_km2", "area"), encoding="utf-8")
    with pytest.raises(DataError, match=r"authorities.csv, line 1, column 'land_area_km2'"):
        load_dataset(data_copy)


def test_missing_authority_row(data_copy):
    path = data_copy / "positions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(
        "".join(line for line in lines if not line.startswith("W06000019")), encoding="utf-8"
    )
    with pytest.raises(
        DataError, match=r"positions.csv: expected all 22 authorities; missing W06000019"
    ):
        load_dataset(data_copy)


def test_hub_member_list_must_match_positions(data_copy):
    # Naming Newport inside the Cwm Taf hub: its position row names another hub.
    line = edit_cell(
        data_copy / "hubs.csv", "cwm_taf", "member_codes", "W06000016;W06000024;W06000022"
    )
    with pytest.raises(DataError) as info:
        load_dataset(data_copy)
    assert str(info.value) == (
        f"hubs.csv, line {line}, column 'member_codes': value 'W06000022': "
        "member's row in positions.csv names hub 'newport'"
    )


def test_duplicate_row(data_copy):
    path = data_copy / "hubs.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    with pytest.raises(
        DataError, match=r"hubs.csv, line 7, column 'hub_id': value 'cwm_taf': duplicate"
    ):
        load_dataset(data_copy)


def test_wrong_field_count(data_copy):
    path = data_copy / "forces.csv"
    with path.open("a", encoding="utf-8") as f:
        f.write("extra,row\n")
    with pytest.raises(DataError, match=r"forces.csv, line 6: has 2 fields, expected 7"):
        load_dataset(data_copy)


def test_not_utf8(data_copy):
    path = data_copy / "authorities.csv"
    path.write_bytes(path.read_bytes().replace("Môn".encode(), "M\xf4n".encode("latin-1")))
    with pytest.raises(DataError, match=r"authorities.csv: is not valid UTF-8"):
        load_dataset(data_copy)


def test_empty_file(data_copy):
    (data_copy / "items.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=r"items.csv: file is empty"):
        load_dataset(data_copy)


def test_loading_does_not_change_the_files(data_copy):
    before = {p.name: p.read_bytes() for p in data_copy.glob("*.csv")}
    load_dataset(data_copy)
    assert before == {p.name: p.read_bytes() for p in data_copy.glob("*.csv")}
