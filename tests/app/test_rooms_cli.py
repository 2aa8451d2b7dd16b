"""``python -m explorer rooms ...``, run as a user would, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from explorer import rooms
from explorer.data import load_dataset
from explorer.scenario import load_scenario_file
from explorer.storage import db
from tests.cli import REPO
from tests.cli import run_cli as run

GWENT_FILE = REPO / "data" / "scenarios" / "gwent_regional.json"


@pytest.fixture
def cli_db(db_url, monkeypatch):
    """The CLI's database (through MASH_DATABASE_URL) and an engine on the same one."""
    monkeypatch.setenv("MASH_DATABASE_URL", db_url)
    monkeypatch.delenv("MASH_BASE_URL", raising=False)
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def test_create_list_export_delete(cli_db):
    proc = run("rooms", "create", "--name", "  Mid and West Wales", "--json",
               "--base-url", "https://mash.example.org/")
    assert proc.returncode == 0, proc.stderr
    made = json.loads(proc.stdout)
    code = made["code"]
    assert made["name"] == "Mid and West Wales"
    assert made["join_link"] == f"https://mash.example.org/what-if?room={code}"
    assert made["board_link"] == f"https://mash.example.org/workshop?room={code}"
    query = parse_qs(urlsplit(made["facilitator_link"]).query)
    assert query["room"] == [code]
    assert rooms.check_key(cli_db, code, query["key"][0]).name == "Mid and West Wales"
    assert made["expires_after_days"] == 30

    ds = load_dataset()
    member = rooms.join_room(cli_db, code, "=HYPERLINK(\"http://x\")")
    rooms.send_entry(cli_db, code, member.token, load_scenario_file(GWENT_FILE, ds))
    voter = rooms.join_room(cli_db, code)
    rooms.set_votes(cli_db, code, voter.token, [1])

    listing = run("rooms", "list")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.splitlines()[1].startswith(f"{code}        1        2  ")
    assert listing.stdout.splitlines()[1].endswith("  no      Mid and West Wales")
    records = json.loads(run("rooms", "list", "--json").stdout)
    assert [(r["code"], r["entries"], r["members"]) for r in records] == [(code, 1, 2)]

    exported = run("rooms", "export", code.lower(), "--json")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    (entry,) = data["entries"]
    coverage = json.loads(run("coverage", str(GWENT_FILE), "--json").stdout)
    assert entry["coverage"] == coverage  # the same keys and values as `coverage --json`
    assert (entry["author"], entry["votes"], entry["hidden"]) == (
        "=HYPERLINK(\"http://x\")", 1, False)
    assert entry["scenario"]["hubs"][0]["authorities"][0] == "W06000022"
    assert data["coverage_counts"]["W06000022"] == 1 and data["room"]["members"] == 2

    csv_out = run("rooms", "export", code).stdout.splitlines()
    assert csv_out[0].startswith("entry,author,scenario,hidden,votes,authorities_covered")
    assert csv_out[2].startswith("1,\"'=HYPERLINK(\"\"http://x\"\")\",Newport pilot extended")

    deleted = run("rooms", "delete", code)
    assert deleted.stdout == f"Room {code} deleted, with 1 entries from 2 members.\n"
    assert run("rooms", "list").stdout == "No open rooms.\n"
    gone = run("rooms", "export", code, "--json")
    assert (gone.returncode, gone.stdout, gone.stderr) == (
        2, "", f"error: no open room has the code {code}\n")


def test_purge(cli_db):
    rooms.create_room(cli_db, "One")
    rooms.create_room(cli_db, "Two")
    kept = run("rooms", "purge", "--older-than", "1")
    assert kept.stdout == "Deleted 0 rooms idle for more than 1 days.\n"
    purged = run("rooms", "purge", "--older-than", "0")
    assert purged.stdout == "Deleted 2 rooms idle for more than 0 days.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rooms", "export", "O0I1L!"), "error: that is not a room code (7 letters and digits)"),
        (("rooms", "delete", "ZZZZZZ"), "error: no open room has the code ZZZZZZ"),
        (("rooms", "purge", "--older-than", "9" * 5001),
         "error: python -m explorer rooms purge: argument --older-than: must be at most 3650 "
         "days, not 99999999999999999999..."),
        (("rooms", "purge", "--older-than", "two"),
         "error: python -m explorer rooms purge: argument --older-than: must be a whole number "
         "of days, not 'two'"),
        (("rooms", "create", "--name", "x", "--base-url", "ftp://x"),
         "error: base URL must start with http:// or https:// and hold only printable ASCII, "
         "no spaces, ? or #: 'ftp://x'"),
        # Issue 22: an escape character in --base-url was printed raw into the terminal.
        (("rooms", "create", "--name", "x", "--base-url", "http://x\x1b]0;pwned\x07"),
         "error: base URL must start with http:// or https:// and hold only printable ASCII, "
         "no spaces, ? or #: 'http://x\\x1b]0;pwned\\x07'"),
        (("rooms", "create", "--name", " \n "), "error: room name must not be empty"),
        (("rooms", "create", "--name", "Board\x1b[2J"),
         "error: room name contains a control character (U+001B ESC) at character 6; text "
         "here must be one line of plain text"),
        (("rooms", "create", "--name", "x" * 81),
         "error: room name is 81 characters long; the limit is 80"),
    ],
)
def test_refusals_are_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.delenv("MASH_DATABASE_URL", raising=False)
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path))
    proc = run(*args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", message + "\n")


def test_an_unreachable_database_is_one_line_without_the_password(monkeypatch):
    monkeypatch.setenv("MASH_DATABASE_URL", "postgresql://mash:s3cret-pw@127.0.0.1:1/rooms")
    proc = run("rooms", "list")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith(
        "error: cannot prepare the rooms database at "
        "postgresql+psycopg://mash:***@127.0.0.1:1/rooms: ")
    assert proc.stderr.count("\n") == 1 and "s3cret" not in proc.stderr


def test_the_default_database_is_sqlite_in_the_state_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MASH_DATABASE_URL", raising=False)
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path / "state"))
    assert run("rooms", "create", "--name", "Board").returncode == 0
    assert (tmp_path / "state" / "rooms.db").is_file()
