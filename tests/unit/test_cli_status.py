"""`python -m explorer status` through a real subprocess."""

import json
import shutil
from pathlib import Path

from tests.cli import run_cli as run

ROOT = Path(__file__).resolve().parents[2]


def test_status_json_gives_22_authorities_as_the_briefing_says():
    proc = run("status", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 22
    required = {
        "code",
        "name",
        "name_cy",
        "police_force",
        "health_board",
        "safeguarding_board",
        "status",
        "hub",
        "population",
    }
    assert all(required <= set(r) for r in rows)
    by_name = {r["name"]: r for r in rows}
    assert by_name["Newport"]["status"] == "mash_pilot"
    assert by_name["Newport"]["police_force"] == "Gwent"
    assert by_name["Wrexham"]["status"] == "mash_ceased"
    assert by_name["Merthyr Tydfil"]["hub"] == by_name["Rhondda Cynon Taf"]["hub"] == "Cwm Taf MASH"
    assert by_name["Powys"] == {
        **by_name["Powys"],
        "status": "no_mash",
        "hub": None,
        "police_force": "Dyfed-Powys",
        "population": 133174,
    }
    assert by_name["Isle of Anglesey"]["name_cy"] == "Ynys Môn"
    assert sorted(r["name"] for r in rows if r["status"] == "mash") == [
        "Bridgend",
        "Cardiff",
        "Merthyr Tydfil",
        "Rhondda Cynon Taf",
    ]


def test_status_table_is_readable():
    proc = run("status")
    assert proc.returncode == 0
    assert "Wrexham" in proc.stdout and "MASH tried and ended" in proc.stdout
    assert "5 of 22 authorities" in proc.stdout


def test_bad_data_dir_exits_2_with_one_line(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "positions.csv").write_text("code,status\nW06000001,maybe\n")
    proc = run("--data", str(tmp_path / "data"), "status", "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "positions.csv" in lines[0] and "Traceback" not in proc.stderr


def test_unknown_command_exits_2_with_one_line():
    proc = run("statsu")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "unknown command 'statsu' (choose from status, coverage" in proc.stderr
