"""Regression tests for each kind of failure in the hardening issue (sections 1-4, 7, 8).

Each test names the kind it guards against; the exact hostile cases were kept back, so these
test the rule at its root with several instances each.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer import cli, planner
from explorer.best_sites import best_sites, to_scenario
from explorer.coverage import evaluate_scenario
from explorer.data import DATA_DIR, DataError, load_dataset, resolve_data_dir
from explorer.limits import (
    MAX_BEST_KM,
    MAX_BEST_SITES,
    MAX_SHARE_CHARS,
    MAX_TRAVEL_KM,
    MIN_BEST_KM,
    MIN_TRAVEL_KM,
)
from explorer.scenario import (
    HubSpec,
    Scenario,
    ScenarioError,
    ShareTooLong,
    decode_share,
    dumps_scenario,
    encode_share,
    load_scenario_file,
    loads_scenario,
    parse_scenario,
    scenario_to_dict,
    share_token_or_none,
)
from explorer.text import fold, is_unsafe
from tests.cli import run_cli

DS = load_dataset()
ANGLESEY, POWYS, NEWPORT = "W06000001", "W06000023", "W06000022"


def token_of(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def one_line_error(proc, *needles: str) -> str:
    """The CLI refused: status 2, nothing on stdout, exactly one line on stderr."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    assert proc.stderr.endswith("\n") and proc.stderr.count("\n") == 1, proc.stderr
    line = proc.stderr[:-1]
    assert line.startswith("error: ") and not any(is_unsafe(c) for c in line)
    for bad in ("Traceback", "set_int_max_str_digits", "at at", "Errno", "JSONDecodeError"):
        assert bad not in line
    for needle in needles:
        assert needle in line, line
    return line


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def set_cell(path: Path, key: str, column: str, value: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = rows[0].index(column)
    matches = [row for row in rows[1:] if row[0] == key]
    assert len(matches) == 1, key
    matches[0][col] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


# 1. Valid input the page cannot show --------------------------------------------------------
@pytest.mark.parametrize("km", [1000, 0.5, 500.01, 0.999, 0, -1, 1e308, 10**20])
def test_travel_limit_outside_the_widget_range_is_refused_everywhere(km, tmp_path):
    obj = {"name": "x", "max_travel_km": km}
    expected = (f"max_travel_km must be null (no limit) or a number of kilometres from "
                f"{MIN_TRAVEL_KM:g} to {MAX_TRAVEL_KM:g}")
    with pytest.raises(ScenarioError, match=r"^share link: max_travel_km must be"):
        decode_share(token_of(obj), DS)
    with pytest.raises(ScenarioError) as info:
        loads_scenario(json.dumps(obj).encode(), DS, source="upload.json")
    assert str(info.value).startswith(f"upload.json: {expected}, not ")
    path = tmp_path / "far.json"
    path.write_text(json.dumps(obj))
    one_line_error(run_cli("coverage", str(path)), str(path), "max_travel_km", "from 1 to 500")


@pytest.mark.parametrize("km", [MIN_TRAVEL_KM, 1, 40, 62.5, MAX_TRAVEL_KM, 500])
def test_travel_limits_inside_the_range_are_kept(km):
    s = parse_scenario({"name": "x", "max_travel_km": km}, DS)
    assert s.max_travel_km == float(km)
    assert decode_share(encode_share(s), DS) == s


@pytest.mark.parametrize("k", range(1, MAX_BEST_SITES + 1))
@pytest.mark.parametrize("km", [MIN_BEST_KM, 40.0, MAX_BEST_KM])
def test_every_best_sites_answer_the_page_offers_adopts_as_a_valid_scenario(k, km):
    s = to_scenario(best_sites(DS, k, km), DS)
    assert parse_scenario(scenario_to_dict(s), DS) == s


def test_a_draft_with_a_bad_distance_is_reported_and_the_rest_still_counts():
    draft = planner.toggle_member(planner.add_hub(planner.blank_draft("Far"), "P",
                                                  "per_authority"), 0, POWYS)
    draft["max_travel_km"] = 1000
    checked = planner.check_draft(draft, DS)
    assert checked.scenario.max_travel_km is None and checked.scenario.name == "Far"
    assert [h.name for h in checked.scenario.hubs] == ["P"]
    assert checked.problems[0].startswith("max_travel_km must be null (no limit)")


def test_hub_count_is_capped_by_the_planner_too():
    draft = planner.blank_draft("x")
    for _ in range(60):
        draft = planner.add_hub(draft, "H")
    assert len(draft["hubs"]) == 50 and not planner.can_add_hub(draft)


# 2. User text is data -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("\ud800", "name contains an unpaired surrogate (U+D800) at character 1"),
        ("Gwent\udfff", "unpaired surrogate (U+DFFF) at character 6"),
        ("\x1b[31mRed", "control character (U+001B ESC) at character 1"),
        ("a\x00b", "control character (U+0000 NUL) at character 2"),
        ("two\nlines", "control character (U+000A LINE FEED) at character 4"),
        ("abc\u202egpj.exe", "bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ],
)
def test_surrogates_and_control_characters_are_refused_at_parse_time(name, problem, tmp_path):
    for obj, prefix in (({"name": name}, "name"),
                        ({"name": "x", "hubs": [{"name": name, "model": "per_authority",
                                                 "authorities": ["Powys"]}]}, "hub 1: name")):
        text = json.dumps(obj)  # "\ud800" travels as a JSON escape, as in the issue
        with pytest.raises(ScenarioError) as info:
            loads_scenario(text, DS, source="f.json")
        assert str(info.value).startswith(f"f.json: {prefix} contains ")
        assert problem.removeprefix("name ") in str(info.value)
        with pytest.raises(ScenarioError):
            decode_share(token_of(obj), DS)
        path = tmp_path / "names.json"
        path.write_text(text)
        one_line_error(run_cli("coverage", str(path), "--json"), f"{path}: {prefix} ")


def test_names_are_nfc_normalised_so_both_forms_are_one_name():
    nfd = unicodedata.normalize("NFD", "Hyb Môn")
    s = parse_scenario({"name": nfd, "hubs": [
        {"name": nfd, "model": "per_authority", "authorities": ["Powys"]}]}, DS)
    assert s.name == s.hubs[0].name == "Hyb Môn" and len(s.name) == 7
    with pytest.raises(ScenarioError, match="is already used by hub 1"):
        parse_scenario({"name": "x", "hubs": [
            {"name": "Hyb Môn", "model": "per_authority", "authorities": ["Powys"]},
            {"name": nfd, "model": "per_authority", "authorities": ["Ceredigion"]}]}, DS)


def test_terminal_output_prints_user_text_literally_and_on_one_line(tmp_path):
    path = tmp_path / "md.json"
    path.write_text(json.dumps({"name": "[x](http://e.example) *b*", "hubs": [
        {"name": "<b>Hub</b> $1", "model": "per_authority", "authorities": ["Powys"]}]}))
    proc = run_cli("coverage", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "in scenario '[x](http://e.example) *b*'" in proc.stdout
    assert "  - <b>Hub</b> $1 (per_authority" in proc.stdout
    # A scenario built in code (not parsed) with a control character is still escaped.
    result = evaluate_scenario(Scenario("a\x1b[2Jb\nc", (HubSpec("h\x07", "per_authority",
                                                                 (POWYS,), None),)), DS)
    out = io.StringIO()
    cli._print_coverage(DS, result, out)
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "in scenario 'a\\x1b[2Jb\\nc'" in text and "  - h\\x07 (per_authority" in text


def test_quoted_values_in_messages_are_short_and_escaped():
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"name": "x", "hubs": [{"name": "h", "model": "per_authority",
                                               "authorities": ["\x1b]8;;http://e\x07" * 20]}]},
                       DS)
    message = str(info.value)
    assert message.startswith("hub 1 'h': unknown authority '\\x1b]8;;http://e\\x07")
    assert "...'" in message and len(message) < 200 and not any(is_unsafe(c) for c in message)
    with pytest.raises(ScenarioError) as info:
        loads_scenario('{"name": "x"}'.replace("x", "y" * 100_000) + "}", DS,
                       source="a\u202eb.json")
    assert str(info.value).startswith("a\\u202eb.json: not valid JSON at line 1")


# 3. Names as people type them ----------------------------------------------------------------
def _variants(name: str) -> set[str]:
    stripped = "".join(c for c in unicodedata.normalize("NFD", name)
                       if not unicodedata.combining(c))
    return {name, unicodedata.normalize("NFD", name), unicodedata.normalize("NFC", name),
            stripped, name.upper(), name.lower(), stripped.upper(), f"  {name}  ",
            name.replace("-", " "), name.replace(" ", "  ")}


@pytest.mark.parametrize("authority", DS.authorities, ids=lambda a: a.code)
def test_every_authority_is_found_however_its_name_is_typed(authority):
    for name in (authority.name_en, authority.name_cy, authority.code):
        for typed in _variants(name):
            s = parse_scenario({"name": "x", "hubs": [
                {"name": "h", "model": "per_authority", "authorities": [typed]}]}, DS)
            assert s.hubs[0].authorities == (authority.code,), typed


def test_ynys_mon_as_people_and_ons_files_write_it():
    for typed in ("Ynys Môn", "Ynys Mo\u0302n", "Ynys Mon", "YNYS MÔN", "ynys mon",
                  "Isle of Anglesey", "isle  of anglesey"):
        s = parse_scenario({"name": "x", "hubs": [
            {"name": "h", "model": "regional", "authorities": [typed], "host": typed}]}, DS)
        assert s.hubs[0].authorities == (ANGLESEY,) and s.hubs[0].host == ANGLESEY


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Swanse", "unknown authority 'Swanse' (did you mean Swansea?)"),
        ("Ynys Mn", "unknown authority 'Ynys Mn' (did you mean Ynys Môn?)"),
        ("Pоwys", "unknown authority 'Pоwys' (did you mean Powys? the name given contains "
                  "U+043E CYRILLIC SMALL LETTER O)"),
        ("Atlantis", "unknown authority 'Atlantis'"),
    ],
)
def test_suggestions_differ_visibly_from_what_was_typed(typed, message):
    with pytest.raises(ScenarioError) as info:
        parse_scenario({"name": "x", "hubs": [
            {"name": "h", "model": "per_authority", "authorities": [typed]}]}, DS)
    assert str(info.value) == f"hub 1 'h': {message}"


@settings(max_examples=200)
@given(st.sampled_from([n for a in DS.authorities for n in (a.name_en, a.name_cy)])
       .flatmap(lambda n: st.tuples(st.just(n), st.integers(0, len(n)), st.text(max_size=2),
                                    st.integers(0, 2))))
def test_a_suggestion_never_folds_to_what_was_typed(case):
    name, at, insert, drop = case
    typed = name[:at] + insert + name[at + drop:]
    try:
        parse_scenario({"name": "x", "hubs": [
            {"name": "h", "model": "per_authority", "authorities": [typed]}]}, DS)
    except ScenarioError as exc:
        message = str(exc)
        if "(did you mean " in message:
            suggestion = message.split("(did you mean ", 1)[1].split("?", 1)[0]
            assert fold(suggestion) != fold(typed) and suggestion != typed.strip()


# 4. Wrong numbers with no error -------------------------------------------------------------
def _result(name: str, codes: tuple[str, ...] = ()):
    hubs = tuple(HubSpec(f"h{c}", "per_authority", (c,), None) for c in codes)
    return evaluate_scenario(Scenario(name, hubs), DS)


def test_compare_keeps_a_column_named_like_the_label_column():
    label = "Measure / authority"
    rows = planner.side_by_side_rows([_result(label, (POWYS,)), _result("B")], DS, "en")
    assert list(rows[0]) == [label, f"{label} (2)", "B"]
    assert rows[0][label] == "Authorities covered"
    assert (rows[0][f"{label} (2)"], rows[0]["B"]) == ("6", "5")


def test_compare_keeps_three_columns_for_a_a_and_a_2():
    results = [_result("A"), _result("A", (POWYS,)), _result("A (2)", (POWYS, NEWPORT))]
    rows = planner.side_by_side_rows(results, DS, "en")
    assert list(rows[0])[1:] == ["A", "A (2)", "A (2) (2)"]
    assert [rows[0][c] for c in ("A", "A (2)", "A (2) (2)")] == ["5", "6", "6"]


def test_compare_labels_the_current_unsaved_scenario():
    rows = planner.side_by_side_rows([_result("A"), _result("A", (POWYS,))], DS, "en",
                                     current_index=1)
    assert list(rows[0])[1:] == ["A", "A (current)"]
    rows = planner.side_by_side_rows([_result("A")], DS, "cy", current_index=0)
    assert list(rows[0])[1:] == ["A (presennol)"]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["A", "a", "A (2)", "A (2) (2)", "Measure / authority",
                                 "A (current)", "Ａ", "A\u200b", " A", "B"]) | st.text(max_size=6),
                min_size=1, max_size=5),
       st.none() | st.integers(0, 4))
def test_compare_never_drops_or_overwrites_a_column(names, current):
    current = current if current is not None and current < len(names) else None
    results = [_result(n or "x", (POWYS,) * (i % 2)) for i, n in enumerate(names)]
    rows = planner.side_by_side_rows(results, DS, "en", current_index=current)
    columns = list(rows[0])[1:]
    assert len(columns) == len(results)
    keys = {planner._label_key(c) for c in columns} | {planner._label_key(list(rows[0])[0])}
    assert len(keys) == len(results) + 1  # none looks like another, nor like the label column
    for column, r in zip(columns, results, strict=True):
        assert column.startswith(r.scenario_name)  # the scenario's own name stays visible
        assert rows[0][column] == str(r.authorities_covered)


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


# 7. Command line --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "needles"),
    [
        ('{"name": "x", "max_travel_km": ' + "9" * 5001 + "}",
         ["not valid JSON: a number 5,001 characters long at line 1, column 32"]),
        ('{"name": "x", "hubs": [' + "1" * 5001 + "]}", ["a number 5,001 characters long"]),
        ('{"name": "unterminated', ["not valid JSON at line 1, column 10: text in quotes "
                                    "starts here and is never closed"]),
        ('{"name": "x",\n"hubs": [}', ["not valid JSON at line 2, column 10: expected a value"]),
        ('{"name": "a\tb"}', ["at line 1, column 12: a line break, tab or other control"]),
        ('{"name": "\\ud800"}', ["name contains an unpaired surrogate (U+D800)"]),
        ("[" * 200_000, ["not valid JSON: nested too deeply"]),
        ("", ["expected a value"]),
        ('{"name": "x", "name": "y"}', ["key 'name' appears twice"]),
        ('{"name": "x", "max_travel_km": NaN}', ["NaN is not allowed in JSON"]),
        ('{"name": "x"} trailing', ["more data after the end of the scenario object"]),
        ('{"name": "x", "\\u001b[2J": 1}', ["unknown key '\\x1b[2J'"]),
        ('{"name": "x", "\x1b[2J": 1}', ["line 1, column 16: a line break, tab or other"]),
    ],
)
def test_every_cli_refusal_is_one_line_naming_the_file(tmp_path, content, needles):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    for extra in ((), ("--json",)):
        one_line_error(run_cli("coverage", str(path), *extra), f"error: {path}: ", *needles)


def test_a_path_with_a_newline_or_escape_is_shown_on_one_line(tmp_path):
    folder = tmp_path / "two\nlines\x1b[31m"
    folder.mkdir()
    path = folder / "s.json"
    path.write_text('{"name": "x", "include_existing": "yes"}')
    shown = str(path).replace("\n", "\\n").replace("\x1b", "\\x1b")
    one_line_error(run_cli("coverage", str(path)), f"error: {shown}: include_existing")
    one_line_error(run_cli("coverage", str(folder / "missing.json")), "file not found")
    one_line_error(run_cli("--data", str(folder), "status"), "\\n", "file not found in")


def test_files_the_cli_cannot_use_are_named(tmp_path):
    one_line_error(run_cli("coverage", str(tmp_path)), f"{tmp_path}: is not a file")
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 300_000)
    one_line_error(run_cli("coverage", str(big)), f"{big}: file is 300,000 bytes; the limit")
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Môn"}'.encode("latin-1"))
    one_line_error(run_cli("coverage", str(latin)), f"{latin}: is not UTF-8 text")


def test_output_survives_a_terminal_that_cannot_show_welsh(tmp_path, monkeypatch):
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"name": "Hyb Ynys Môn ŵ 📍"}, ensure_ascii=False),
                    encoding="utf-8")
    monkeypatch.setenv("PYTHONIOENCODING", "ascii")
    proc = run_cli("coverage", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["scenario_name"] == "Hyb Ynys Môn ŵ 📍"  # \\u escapes
    proc = run_cli("coverage", str(path))
    assert proc.returncode == 0 and "Hyb Ynys M\\xf4n \\u0175" in proc.stdout


def test_json_is_built_whole_before_anything_is_printed(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(cli, "status_records", lambda ds: [{"a": 1}, {"b": object()}])
    with pytest.raises(TypeError):
        cli.run(["status", "--json"], out=out)
    assert out.getvalue() == ""  # nothing half-written


# 8. Links too long to travel --------------------------------------------------------------------
def test_share_tokens_never_exceed_the_limit_and_the_page_can_tell():
    hubs = []
    for n in range(50):
        hubs.append(HubSpec(f"Hyb {n:02d} " + "ŵ" * 100, "per_authority", DS.codes(), None))
        s = Scenario("Big", tuple(hubs))
        token = share_token_or_none(s)
        if token is None:
            with pytest.raises(ShareTooLong) as info:
                encode_share(s)
            assert isinstance(info.value, ScenarioError)
            assert "download the scenario file" in str(info.value)
            break
        assert len(token) <= MAX_SHARE_CHARS and decode_share(token, DS) == s
    else:
        raise AssertionError("never grew past the limit")
    # The scenario itself is fine as a file.
    assert loads_scenario(dumps_scenario(s), DS) == parse_scenario(scenario_to_dict(s), DS)


def test_a_whole_link_stays_under_8_kb():
    base = "https://mash-wales-explorer.example.org/what-if?scenario="
    assert len(base) + MAX_SHARE_CHARS < 8 * 1024


def test_a_token_over_the_limit_is_refused_before_decoding():
    with pytest.raises(ScenarioError, match=r"^share link: is 204,800 characters long; "
                                            r"the limit is 6,144$"):
        decode_share("A" * 200 * 1024, DS)


def test_the_files_the_cli_reads_are_the_scenario_files(tmp_path):
    path = tmp_path / "s.json"
    s = parse_scenario({"name": "x"}, DS)
    path.write_text(dumps_scenario(s))
    assert load_scenario_file(path, DS) == s


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
