"""``python -m explorer editions ...`` and ``--edition`` through real subprocesses, each test
with its own temporary database (``MASH_STATE_DIR``). Later editions are plainly fictional."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from tests import editions_fixture as fx
from tests.cli import REPO

MAY_2019_COMMANDS = [
    ("status",),
    ("status", "--json"),
    ("coverage", "data/scenarios/may_2019.json"),
    ("coverage", "data/scenarios/north_wales_regional.json", "--json"),
    ("best-sites", "--k", "2", "--max-km", "40"),
    ("best-sites", "--k", "1", "--max-km", "60", "--json"),
]


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "MASH_STATE_DIR": str(tmp_path / "state")}
    env.pop("MASH_DATABASE_URL", None)
    env.pop("MASH_DATA_DIR", None)

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "explorer", *args], cwd=REPO,
                              capture_output=True, text=True, encoding="utf-8", timeout=120,
                              env={**env, **extra})

    return run


@pytest.fixture
def two(tmp_path):
    return fx.edition_two(tmp_path / "two")


def test_edition_one_output_is_byte_for_byte_the_same_before_and_after(cli, two):
    before = {args: cli(*args).stdout for args in MAY_2019_COMMANDS}
    assert all(before.values())
    assert cli("editions", "import", str(two)).returncode == 0
    assert cli("editions", "publish", "2").returncode == 0
    for args in MAY_2019_COMMANDS:
        assert cli(*args).stdout == before[args]
        assert cli(*args, "--edition", "1").stdout == before[args]


def test_a_fictional_edition_through_every_command(cli, two, tmp_path):
    imported = cli("editions", "import", str(two), "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["status"] == "draft"
    published = cli("editions", "publish", "2", "--json")
    assert json.loads(published.stdout)["published_at"]

    listing = json.loads(cli("editions", "list", "--json").stdout)
    assert [(e["id"], e["status"], e["as_at"]) for e in listing] == [
        (1, "published", "2019-05-31"), (2, "published", "2026-03-01")]

    rows = {r["code"]: r for r in json.loads(cli("status", "--edition", "2", "--json").stdout)}
    assert (rows[fx.POWYS]["status"], rows[fx.POWYS]["hub"]) == ("mash", "Test hub A")
    assert rows[fx.POWYS]["source"] == "Test source, 2026-03-01"
    assert rows["W06000015"]["source"] == "South Wales Police › Current Landscape, para 1"
    table = cli("status", "--edition", "2").stdout
    assert "7 of 22 authorities" in table and table.rstrip().endswith(
        "Position as at 1 March 2026, edition 2.")

    cov = json.loads(cli("coverage", "data/scenarios/may_2019.json", "--edition", "2",
                         "--json").stdout)
    assert cov["authorities_covered"] == 7
    best = cli("best-sites", "--k", "1", "--max-km", "40", "--edition", "2").stdout
    assert "keeping the MASHs as at 1 March 2026" in best

    show = json.loads(cli("editions", "show", "2", "--json").stdout)
    assert show["headline"]["authorities_served"] == 7
    assert [c["change_id"] for c in show["own_changes"]] == [
        "t2-hub-a", "t2-hub-b", "t2-powys", "t2-ceredigion"]
    assert show["own_changes"][0]["link"] == "https://example.org/test-source"

    diff = json.loads(cli("editions", "diff", "1", "2", "--json").stdout)
    assert diff["headline"]["delta"]["authorities_served"] == 2
    assert diff["headline"]["delta"]["hubs"] == 2
    assert {a["name"]: a["kind"] for a in diff["authorities"]} == {
        "Ceredigion": "gained", "Powys": "gained"}
    assert all(c["sources"] and c["sources"][0]["reason"] == fx.REASON
               for c in diff["changes"])
    text = cli("editions", "diff", "1", "2").stdout
    assert "Powys: No MASH to MASH operating (source: Test source, 1 March 2026)." in text

    out = tmp_path / "e2.zip"
    exported = cli("editions", "export", "2", "--output", str(out))
    assert exported.returncode == 0, exported.stderr
    with zipfile.ZipFile(out) as z:
        z.extractall(tmp_path / "unzipped")
    folder = str(tmp_path / "unzipped" / "edition-2")
    from_folder = cli("status", "--json", MASH_DATA_DIR=folder).stdout
    assert from_folder == cli("status", "--edition", "2", "--json").stdout
    again = cli("editions", "export", "2", "--output", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_a_refused_import_prints_one_line_per_problem_and_stores_nothing(cli, two):
    fx.edit(two, "items.csv", "dp_footprint", summary="Test summary without a source.")
    fx.edit(two, "authorities.csv", "W06000001", office_town="Test town")
    proc = cli("editions", "import", str(two))
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert "authorities.csv, row W06000001, column 'office_town'" in lines[0]
    assert "items.csv, row dp_footprint, column 'summary'" in lines[1]
    listing = json.loads(cli("editions", "list", "--json").stdout)
    assert [e["id"] for e in listing] == [1]


def test_unknown_editions_and_published_ones_are_refused_in_one_line(cli, two):
    for args in (("status", "--edition", "7"), ("editions", "show", "7"),
                 ("editions", "publish", "1"), ("status", "--edition", "x")):
        proc = cli(*args)
        assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, proc.stderr
        assert "Traceback" not in proc.stderr
    assert cli("editions", "import", str(two)).returncode == 0
    assert cli("editions", "publish", "2").returncode == 0
    proc = cli("editions", "publish", "2")
    assert proc.returncode == 2 and "never changes" in proc.stderr
