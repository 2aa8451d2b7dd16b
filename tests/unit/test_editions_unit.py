"""Editions without a database: change records, the check against the previous edition,
the diff and its summary, files in and out. Every later position is plainly fictional
(``tests/editions_fixture.py``)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from explorer.data import DATA_DIR, DataError, load_dataset
from explorer.editions import files
from explorer.editions.diff import compare
from explorer.editions.model import (
    BASE_INFO,
    Edition,
    EditionError,
    EditionInfo,
    check_against,
    own_change_ids,
    row_differences,
)
from explorer.limits import MAX_DATA_FILE_BYTES, MAX_EDITION_ZIP_ENTRIES
from explorer.summary import headline
from tests import editions_fixture as fx

BASE = load_dataset()


@pytest.fixture
def two(tmp_path) -> Path:
    return fx.edition_two(tmp_path / "two")


def _edition(info_id: int, ds, base, base_id: int) -> Edition:
    info = EditionInfo(info_id, f"Test edition {info_id}", "2026-03-01", "published", None,
                       None, None, base_id, own_change_ids(base, ds))
    return Edition(info, ds)


# The May 2019 edition is untouched -----------------------------------------------------------
def test_the_2019_data_has_no_change_records_and_the_same_figures():
    assert BASE.changes == ()
    h = headline(BASE)
    assert (h.authorities_active, h.hubs_active, h.population_active) == (5, 4, 963_896)
    assert BASE.citation("nw-2;nw-4") == "North Wales Police, paras 2, 4"


def test_edition_one_exports_the_data_files_byte_for_byte():
    texts = files.base_files(DATA_DIR)
    blob = files.export_zip(BASE_INFO, texts)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in files.DATA_FILES:
            assert z.read(f"edition-1/{name}") == (DATA_DIR / name).read_bytes()
        assert z.read("edition-1/changes.csv").decode() == files.CHANGES_HEADER
        meta = json.loads(z.read("edition-1/edition.json"))
    assert meta == {"id": 1, "title": BASE_INFO.title, "as_at": "2019-05-31",
                    "status": "published", "published_at": "2019-05-31T00:00:00+00:00",
                    "corrects": None, "base": None, "changes": []}
    assert files.export_zip(BASE_INFO, texts) == blob  # deterministic


# A fictional edition 2 -----------------------------------------------------------------------
def test_edition_two_loads_like_data_and_cites_its_later_sources(two):
    ds = load_dataset(two)
    assert ds.status(fx.POWYS) == "mash" and ds.hub_of(fx.POWYS).name == "Test hub A"
    assert ds.citation(ds.position(fx.POWYS).section_id) == "Test source, 2026-03-01"
    assert (ds.citation(ds.position(fx.CEREDIGION).section_id)
            == "reported by Test role, 2026-03-01")
    assert check_against(BASE, ds, 1) == ()
    assert own_change_ids(BASE, ds) == ("t2-hub-a", "t2-hub-b", "t2-powys", "t2-ceredigion")


def test_row_differences_name_file_row_kind_and_columns(two):
    diffs = {(d.file, d.record_id): d for d in row_differences(BASE, load_dataset(two))}
    assert set(diffs) == {("hubs.csv", "test_hub_a"), ("hubs.csv", "test_hub_b"),
                          ("positions.csv", fx.POWYS), ("positions.csv", fx.CEREDIGION)}
    assert diffs[("hubs.csv", "test_hub_a")].kind == "added"
    assert diffs[("positions.csv", fx.POWYS)].fields == ("status", "hub_id", "summary",
                                                         "section_id")


def test_a_change_without_a_record_is_refused_naming_file_row_column_value(two):
    fx.edit(two, "positions.csv", "W06000001", summary="Test summary without a source.")
    problems = check_against(BASE, load_dataset(two), 1)
    assert problems == (
        "positions.csv, row W06000001, column 'summary': value 'Test summary without a "
        "source.': changed since edition 1 but changes.csv has no change record for it "
        "(each change needs a source and a reason)",)


def test_every_problem_is_reported_one_per_line(two):
    fx.edit(two, "positions.csv", "W06000001", summary="Test summary one.")
    fx.edit(two, "items.csv", "dp_footprint", summary="Test summary two.")
    fx.edit(two, "authorities.csv", "W06000001", office_town="Test town")
    problems = check_against(BASE, load_dataset(two), 1)
    assert len(problems) == 3
    assert problems[0].startswith("authorities.csv, row W06000001, column 'office_town': "
                                  "value 'Test town'")
    assert problems[1].startswith("positions.csv, row W06000001, column 'summary'")
    assert problems[2].startswith("items.csv, row dp_footprint, column 'summary'")


def test_a_changed_row_must_cite_its_change(two):
    fx.edit(two, "positions.csv", fx.POWYS, section_id="dp-3")
    problems = check_against(BASE, load_dataset(two), 1)
    assert problems == ("positions.csv, row W06000023, column 'section_id': value 'dp-3': "
                        "must cite its change 't2-powys', so its source is shown with it",)


def test_a_record_without_a_difference_and_a_wrong_kind_are_refused(two):
    records = [
        fx.change("t2-hub-a", "hubs.csv", "test_hub_a", "changed"),
        fx.change("t2-hub-b", "hubs.csv", "test_hub_b", "added"),
        fx.change("t2-powys", "positions.csv", fx.POWYS, "changed"),
        fx.change("t2-ceredigion", "positions.csv", fx.CEREDIGION, "changed"),
        fx.change("t2-stale", "items.csv", "dp_footprint", "changed"),
    ]
    fx.set_changes(two, records)
    problems = check_against(BASE, load_dataset(two), 1)
    assert problems == (
        "changes.csv, change 't2-hub-a', column 'kind': value 'changed': hubs.csv, row "
        "test_hub_a is added since edition 1",
        "changes.csv, change 't2-stale', column 'record_id': value 'dp_footprint': items.csv, "
        "row dp_footprint is the same as in edition 1; a change record needs a change",
    )


def test_nothing_changed_is_refused(tmp_path):
    fx.copy_data(tmp_path / "same")
    assert check_against(BASE, load_dataset(tmp_path / "same"), 1) == (
        "nothing differs from edition 1: an edition must change at least one row",)


@pytest.mark.parametrize(("column", "value", "problem"), [
    ("source_title", "", "a change needs a source"),
    ("reason", "", "must not be empty"),
    ("source_date", "2026-02-30", "must be a date written YYYY-MM-DD"),
    ("source_link", "javascript:alert(1)", "must be an http:// or https:// address"),
    ("kind", "moved", "must be one of added, changed, removed"),
    ("change_id", "nw-1", "is also a section id in sections.csv"),
    ("reason", "Test\x1b[2J reason", "control character"),
])
def test_a_bad_change_record_is_one_line_naming_file_line_column(two, column, value, problem):
    record = fx.change("t2-powys", "positions.csv", fx.POWYS, "changed")
    record[column] = value
    if column == "change_id":
        fx.edit(two, "positions.csv", fx.POWYS, section_id="t2-powys;nw-1")
    fx.set_changes(two, [record, fx.change("t2-hub-a", "hubs.csv", "test_hub_a", "added"),
                         fx.change("t2-hub-b", "hubs.csv", "test_hub_b", "added"),
                         fx.change("t2-ceredigion", "positions.csv", fx.CEREDIGION,
                                   "changed")])
    with pytest.raises(DataError) as err:
        load_dataset(two)
    message = str(err.value)
    assert message.startswith("changes.csv, line 2") and problem in message
    assert "\n" not in message and "\x1b" not in message


def test_hostile_text_in_a_change_is_stored_as_data(two):
    fx.set_changes(two, [
        fx.change("t2-hub-a", "hubs.csv", "test_hub_a", "added",
                  title="<script>alert(1)</script> **Test** [source](https://x.invalid)"),
        fx.change("t2-hub-b", "hubs.csv", "test_hub_b", "added"),
        fx.change("t2-powys", "positions.csv", fx.POWYS, "changed", reason="=1+1"),
        fx.change("t2-ceredigion", "positions.csv", fx.CEREDIGION, "changed"),
    ])
    ds = load_dataset(two)
    assert ds.change("t2-hub-a").source_title.startswith("<script>alert(1)</script> **Test**")
    assert ds.change("t2-powys").reason == "=1+1"


# Diff ----------------------------------------------------------------------------------------
def test_diff_counts_sources_and_summary(tmp_path, two):
    ds2 = load_dataset(two)
    three = fx.edition_three(tmp_path / "three", two)
    ds3 = load_dataset(three)
    assert check_against(ds2, ds3, 2) == ()
    e1, e2 = Edition(BASE_INFO, BASE), _edition(2, ds2, BASE, 1)
    e3 = _edition(3, ds3, ds2, 2)
    d = compare(e1, e2)
    assert (d.old_headline.authorities_active, d.new_headline.authorities_active) == (5, 7)
    assert (d.old_headline.hubs_active, d.new_headline.hubs_active) == (4, 6)
    powys = BASE.authority(fx.POWYS).population_census2021
    ceredigion = BASE.authority(fx.CEREDIGION).population_census2021
    assert d.new_headline.population_active - d.old_headline.population_active == (
        powys + ceredigion)
    assert [(a.code, a.kind) for a in d.authorities] == [(fx.CEREDIGION, "gained"),
                                                          (fx.POWYS, "gained")]
    assert d.summary("en") == (
        "From 31 May 2019 to 1 March 2026: authorities served by an operating or pilot MASH "
        f"5 to 7 of 22; people served 963,896 to {963_896 + powys + ceredigion:,}; operating "
        "or pilot hubs 4 to 6.",
        "Ceredigion: No MASH to MASH pilot (source: reported by Test role, 1 March 2026).",
        "Powys: No MASH to MASH operating (source: Test source, 1 March 2026).",
        "Hub added: Test hub A (source: Test source, 1 March 2026).",
        "Hub added: Test hub B (source: reported by Test role, 1 March 2026).",
    )
    assert d.summary("cy")[1] == ("Ceredigion: Dim MASH i MASH peilot (ffynhonnell: "
                                  "adroddwyd gan Test role, 1 Mawrth 2026).")
    d23 = compare(e2, e3)
    assert [(a.code, a.kind, a.old_status, a.new_status) for a in d23.authorities] == [
        (fx.CEREDIGION, "lost", "mash_pilot", "mash_ceased")]
    ended = {(r.file, r.record_id): r for r in d23.rows}[("hubs.csv", "test_hub_b")]
    assert ended.fields == ("status", "end_year", "section_id")
    assert [(c.change_id, c.source_title, c.reason) for c in ended.records] == [
        ("t3-hub-b", "Test source three", fx.REASON)]
    d13 = compare(e1, e3, (e2, e3)).to_dict()
    assert d13["headline"]["delta"] == {"authorities_served": 1, "people_served": powys,
                                        "hubs": 1}
    sources = {c["record"]: [s["change_id"] for s in c["sources"]] for c in d13["changes"]}
    assert sources["test_hub_b"] == ["t2-hub-b", "t3-hub-b"]


# Files in and out ----------------------------------------------------------------------------
def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_an_unzipped_export_loads_like_data(tmp_path, two):
    incoming = files.validate(files.read_source(two))
    info = EditionInfo(2, "Test edition two", "2026-03-01", "published", None, None, None, 1,
                       ("t2-hub-a",))
    blob = files.export_zip(info, incoming.files)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        z.extractall(tmp_path / "unzipped")
    ds = load_dataset(tmp_path / "unzipped" / "edition-2")
    assert ds == incoming.dataset and ds.status(fx.POWYS) == "mash"
    again = files.validate(files.read_source(blob))
    assert again.files == incoming.files and again.title == "Test edition two"


def test_a_folder_copy_of_data_reads_only_the_edition_files():
    read = files.read_source(DATA_DIR)
    assert set(read) == set(files.DATA_FILES)


@pytest.mark.parametrize(("entries", "problem"), [
    ({"../hubs.csv": b"x"}, "must be at the top of the ZIP or in one folder"),
    ({"a/b/hubs.csv": b"x"}, "must be at the top of the ZIP or in one folder"),
    ({"hubs.csv": b"x", "d/hubs.csv": b"y"}, "holds hubs.csv twice"),
    ({"hubs.csv": b"x" * (MAX_DATA_FILE_BYTES + 1)}, "hubs.csv: file is larger than"),
    ({f"f{i}.txt": b"" for i in range(MAX_EDITION_ZIP_ENTRIES + 1)}, "entries; at most"),
])
def test_hostile_zips_are_refused_in_one_line(entries, problem):
    with pytest.raises(EditionError) as err:
        files.read_source(_zip(entries), "test.zip")
    assert problem in str(err.value) and "\n" not in str(err.value)


def test_not_a_zip_and_bad_edition_json_are_refused():
    with pytest.raises(EditionError, match="upload: not a readable ZIP file"):
        files.read_source(b"PK\x03\x04 not really")
    with pytest.raises(EditionError, match="edition.json: not valid JSON"):
        files.parse_meta(b"{")
    with pytest.raises(EditionError, match="field 'as_at': value '31/05/2026'"):
        files.parse_meta(b'{"as_at": "31/05/2026"}')
    with pytest.raises(EditionError, match="field .title. contains a bidirectional control"):
        files.parse_meta(json.dumps({"title": "Test\u202e edition"}).encode())


def test_a_bad_data_file_in_an_import_names_file_line_column_value(two):
    fx.edit(two, "hubs.csv", "test_hub_a", status="open")
    with pytest.raises(EditionError) as err:
        files.validate(files.read_source(two))
    assert str(err.value).startswith("hubs.csv, line 7, column 'status': value 'open':")


def test_a_position_written_as_files_loads_back_the_same(tmp_path, two):
    for ds in (BASE, load_dataset(two)):
        texts = files.dataset_texts(ds)
        again = files.validate({n: t.encode() for n, t in texts.items()}).dataset
        assert again == ds and again.changes == ds.changes


def test_an_import_lists_every_bad_cell_of_every_file_not_only_the_first(two):
    """Issue 18 (d): one pass, every problem (file, line, column, value), no traceback."""
    fx.edit(two, "hubs.csv", "test_hub_a", status="open", start_year="twenty")
    fx.edit(two, "positions.csv", fx.POWYS, status="maybe")
    fx.edit(two, "items.csv", "dp_footprint", kind="rumour")
    with pytest.raises(EditionError) as err:
        files.validate(files.read_source(two))
    problems = err.value.problems
    assert [p.split(": value")[0] for p in problems] == [
        "hubs.csv, line 7, column 'status'", "hubs.csv, line 7, column 'start_year'",
        "positions.csv, line 22, column 'status'", "items.csv, line 2, column 'kind'"]
    assert "value 'twenty': must be a whole number" in problems[1]


def test_a_bad_header_and_a_bad_cell_in_other_files_are_both_listed(two):
    text = (two / "events.csv").read_text(encoding="utf-8")
    (two / "events.csv").write_text(text.replace("date_label", "label", 1), encoding="utf-8")
    fx.edit(two, "positions.csv", fx.POWYS, status="maybe")
    with pytest.raises(EditionError) as err:
        files.validate(files.read_source(two))
    assert err.value.problems == (  # in the order the files are read
        "positions.csv, line 22, column 'status': value 'maybe': must be one of mash, "
        "mash_pilot, mash_ceased, no_mash",
        "events.csv, line 1, column 'date_label': required column is missing",
        "events.csv, line 1, column 'label': unexpected column")


def test_many_problems_are_limited_and_the_rest_counted(two):
    from explorer.limits import MAX_IMPORT_PROBLEMS_SHOWN

    for code in [a.code for a in BASE.authorities]:
        fx.edit(two, "positions.csv", code, status="maybe", summary="")
    with pytest.raises(EditionError) as err:
        files.validate(files.read_source(two))
    problems = err.value.problems
    assert len(problems) == MAX_IMPORT_PROBLEMS_SHOWN + 1
    assert problems[-1] == f"… and {2 * 22 - MAX_IMPORT_PROBLEMS_SHOWN} more problems not shown"
    assert all(p.startswith("positions.csv, line ") for p in problems[:-1])


def test_an_edition_cannot_change_the_authorities_or_the_briefings_sections(two):
    """Issue 18 (e): authorities.csv (22 authorities on the 2019-2026 boundaries, their
    populations and offices) and sections.csv (the briefing's places) are not part of an
    edition: an import changing either is refused naming file, row, column and value."""
    fx.edit(two, "authorities.csv", fx.POWYS, population_census2021="133000")
    fx.add(two, "sections.csv", section_id="test-section", force_heading="Gwent Police",
           subheading="", paragraphs="1")
    problems = check_against(BASE, load_dataset(two), 1)
    assert problems == (
        "authorities.csv, row W06000023, column 'population_census2021': value '133000': "
        "authorities.csv must be as in edition 1 (changed here); an edition changes "
        "positions, not reference facts or the briefing's sections",
        "sections.csv, row test-section, column 'section_id': value 'test-section': "
        "sections.csv must be as in edition 1 (added here); an edition changes positions, "
        "not reference facts or the briefing's sections")


def _with_end_date(folder: Path, hub_id: str, value: str) -> None:
    header, rows = fx._read(folder, "hubs.csv")
    for r in rows:
        r["end_date"] = value if r["hub_id"] == hub_id else ""
    fx._write(folder, "hubs.csv", [*header, "end_date"], rows)


@pytest.mark.parametrize(("value", "problem"), [
    ("2026", "must be a day (YYYY-MM-DD) or at least a month (YYYY-MM), not a year alone"),
    ("2026-13", "has a month outside 01 to 12"),
    ("2026-02-30", "is not a day of the calendar"),
    ("31/03/2026", "must be a day written YYYY-MM-DD or a month written YYYY-MM"),
])
def test_a_hubs_end_date_is_a_day_or_a_month_with_a_clear_message(two, value, problem):
    """Issue 19 (g): ``hubs.csv`` may carry ``end_date`` (the 2019 files do not)."""
    _with_end_date(two, "test_hub_b", value)
    with pytest.raises(EditionError) as err:
        files.validate(files.read_source(two))
    assert err.value.problems == (
        f"hubs.csv, line 8, column 'end_date': value {value!r}: {problem}",)


def test_a_hubs_end_date_loads_and_must_agree_with_its_year(two):
    _with_end_date(two, "test_hub_b", "2026-08")
    hub = load_dataset(two).hub("test_hub_b")
    assert (hub.end_date, hub.end_year) == ("2026-08", None)
    fx.edit(two, "hubs.csv", "test_hub_b", end_year="2025")
    with pytest.raises(DataError, match=r"column 'end_date': value '2026-08': disagrees with "
                       r"end_year \(2025\)"):
        load_dataset(two)
    assert load_dataset().hub("cardiff").end_date == ""  # May 2019: no such column, empty
