"""``python -m explorer coverage`` and ``best-sites``, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run_cli as run

REPO = Path(__file__).resolve().parents[2]
PRESETS = REPO / "data" / "scenarios"


def test_coverage_json():
    proc = run("coverage", str(PRESETS / "gwent_regional.json"), "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["scenario_name"] == "Newport pilot extended across Gwent"
    assert (d["authorities_covered"], d["population_covered"]) == (9, 1_391_964)
    assert d["newly_covered_codes"] == ["W06000018", "W06000019", "W06000020", "W06000021"]
    assert d["hubs"][0]["max_distance_km"] == 26.8  # Newport to Ebbw Vale
    assert len(d["per_authority"]) == 22


def test_coverage_text_with_an_excluded_member(tmp_path):
    f = tmp_path / "mw.json"
    f.write_text(
        json.dumps(
            {
                "name": "Mid and West, 60 km",
                "max_travel_km": 60,
                "hubs": [
                    {
                        "name": "MWW MASH",
                        "model": "regional",
                        "authorities": ["Carmarthenshire", "Ceredigion", "Pembrokeshire", "Powys"],
                        "host": "Carmarthenshire",
                    }
                ],
            }
        )
    )
    proc = run("coverage", str(f))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "8 of 22 authorities covered in scenario 'Mid and West, 60 km'"
    assert lines[1] == "Population covered: 1,346,627 of 3,107,489 (43.3%, Census 2021)"
    assert "Newly covered: Ceredigion, Pembrokeshire, Carmarthenshire" in lines
    assert "  - Powys from MWW MASH: 76.8 km (limit 60 km)" in lines


def test_may_2019_text():
    proc = run("coverage", str(PRESETS / "may_2019.json"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("5 of 22 authorities covered")
    assert "Population covered: 963,896 of 3,107,489 (31.0%, Census 2021)" in proc.stdout
    assert "Newly covered: none" in proc.stdout


def test_best_sites_json_and_text():
    proc = run("best-sites", "--k", "2", "--max-km", "40", "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["hosts"] == ["W06000016", "W06000004"]
    assert (d["authorities_covered"], d["population_covered"]) == (15, 2_312_356)
    proc = run("best-sites", "--k", "2", "--max-km", "40", "--objective", "authorities")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Best 2 regional hub site(s) within 40 km, covering the most")
    assert "15 of 22 authorities covered" in proc.stdout
    assert "No hub within 40 km can reach" in proc.stdout


def test_status_still_works():
    proc = run("status", "--json")
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) == 22


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("coverage", "no-such-file.json"), "error: no-such-file.json: file not found"),
        (("coverage",), "the following arguments are required: FILE"),
        (("best-sites", "--k", "0", "--max-km", "40"),
         "argument --k: must be a whole number from 1 to 6, not '0'"),
        (("best-sites", "--k", "two", "--max-km", "40"),
         "argument --k: must be a whole number from 1 to 6, not 'two'"),
        (("best-sites", "--k", "2", "--max-km", "-1"),
         "argument --max-km: must be a number of kilometres from 1 to 300, not '-1'"),
        (("best-sites", "--k", "2", "--max-km", "inf"), "from 1 to 300, not 'inf'"),
        (("best-sites", "--k", "2"), "the following arguments are required: --max-km"),
        (("best-sites", "--k", "2", "--max-km", "9", "--objective", "x"),
         "invalid choice for --objective: 'x'"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message):
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert message in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"name": "x", "hubs": [{"name": "SW", "model": "per_authority", '
         b'"authorities": ["Swanse"]}]}',
         "hub 1 'SW': unknown authority 'Swanse' (did you mean Swansea?)"),
        (b'{"name": "x",\n  "hubs": [,]}', "not valid JSON at line 2, column 12: expected a value"),
        (b'{"name": "\xff"}', "is not UTF-8 text"),
        (b'{"name": "x", "include_existing": "yes"}', "include_existing must be true or false"),
    ],
)
def test_bad_scenario_file_exits_2_naming_the_file(tmp_path, content, message):
    f = tmp_path / "upload.json"
    f.write_bytes(content)
    proc = run("coverage", str(f))
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {f}: {message}")
    assert proc.stderr.count("\n") == 1


def test_coverage_text_counts_the_farthest_trip_as_the_planner_and_board_do(tmp_path):
    """The farthest trip (explorer.figures): a regional hub's farthest *covered* member; a
    virtual hub has no trip."""
    from explorer.coverage import evaluate_scenario
    from explorer.data import load_dataset
    from explorer.figures import hub_farthest_km
    from explorer.scenario import loads_scenario

    ds = load_dataset()
    virtual = run("coverage", str(PRESETS / "dyfed_powys_virtual.json"))
    assert virtual.returncode == 0, virtual.stderr
    (line,) = [x for x in virtual.stdout.splitlines() if x.startswith("  - ")]
    assert "(virtual, host Carmarthenshire)" in line and "farthest" not in line

    f = tmp_path / "mw.json"
    f.write_text(json.dumps({"name": "MW 60", "max_travel_km": 60, "hubs": [
        {"name": "MW", "model": "regional", "host": "Carmarthenshire",
         "authorities": ["Carmarthenshire", "Ceredigion", "Pembrokeshire", "Powys"]}]}))
    hub = evaluate_scenario(loads_scenario(f.read_text(), ds), ds).hubs[0]
    assert hub_farthest_km(hub, ds) == 45.2  # Powys (76.8 km) is left out by the limit
    proc = run("coverage", str(f))
    assert proc.returncode == 0, proc.stderr
    (line,) = [x for x in proc.stdout.splitlines() if x.startswith("  - MW (")]
    assert "farthest member 45.2 km" in line
