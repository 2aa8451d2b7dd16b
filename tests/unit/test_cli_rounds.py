"""``python -m explorer rounds list|show|export|history`` through real subprocesses, on a
round played through the storage functions in a temporary SQLite database. Every later
position is plainly fictional; no contributor secret ever appears in the output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import UTC, datetime

import pytest

from explorer.data import DATA_DIR
from explorer.rounds import store
from explorer.storage import db
from tests import rounds_fixture as fx
from tests.cli import REPO

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def played(tmp_path):
    """A published round (edition 2) and an open one, in ``tmp_path/state``."""
    state = tmp_path / "state"
    engine = db.make_engine(db.database_url({"MASH_STATE_DIR": str(state)}))
    db.upgrade(engine)
    opened = store.open_round(engine, DATA_DIR, "Test round", "2026-03-01", now=NOW,
                              display_name="Test lead")
    token = opened.tokens["dyfed_powys"]
    store.save_draft(engine, DATA_DIR, token, fx.powys_joins_hub_a(), 0, now=NOW,
                     display_name="Test contributor")
    store.submit(engine, DATA_DIR, token, 1, now=NOW)
    store.accept_section(engine, opened.info.id, "dyfed_powys", now=NOW)
    store.publish_round(engine, opened.info.id, DATA_DIR, note="Test reason",
                        check_storage=False, now=NOW)
    second = store.open_round(engine, DATA_DIR, "Test round <b>two</b>", "2026-09-01", now=NOW)
    engine.dispose()
    env = {**os.environ, "MASH_STATE_DIR": str(state)}
    env.pop("MASH_DATABASE_URL", None)
    env.pop("MASH_DATA_DIR", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "explorer", "rounds", *args], cwd=REPO,
                              capture_output=True, text=True, encoding="utf-8", timeout=120,
                              env=env)

    secrets = [*opened.tokens.values(), *second.tokens.values()]
    return run, secrets


def test_list_show_export_and_history(played, tmp_path):
    run, secrets = played
    listing = run("list")
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[1].split()[:5] == ["1", "published", "2026-03-01", "1", "2"]
    assert lines[2].split()[:5] == ["2", "open", "2026-09-01", "2", "-"]
    assert lines[2].endswith("Test round <b>two</b>")  # text, as typed
    as_json = json.loads(run("list", "--json").stdout)
    assert [r["status"] for r in as_json] == ["published", "open"]
    assert as_json[0]["sections"][0] == {"force_id": "dyfed_powys", "state": "accepted",
                                         "version": 3, "rows": 2, "comment": ""}

    shown = run("show", "1")
    assert shown.returncode == 0, shown.stderr
    assert "Published without every section: Test reason" in shown.stdout
    assert "dyfed_powys  accepted     version 3, 2 row(s)" in shown.stdout
    assert "2026-03-02 09:30:00  save     dyfed_powys (Test contributor)" in shown.stdout
    assert "publish  maintainer" in shown.stdout
    actions = [a["action"] for a in json.loads(run("show", "1", "--json").stdout)["audit"]]
    assert actions == ["open", "save", "submit", "accept", "publish"]

    target = tmp_path / "round-1.zip"
    exported = run("export", "1", "--output", str(target))
    assert exported.returncode == 0, exported.stderr
    names = zipfile.ZipFile(target).namelist()
    assert "edition-2/audit.csv" in names and "edition-2/positions.csv" in names
    again = run("export", "1", "--output", str(target))
    assert again.returncode == 2 and again.stderr.startswith("error: ")
    assert "already exists" in again.stderr and len(again.stderr.splitlines()) == 1

    hist = run("history", "Powys")
    assert hist.returncode == 0, hist.stderr
    assert hist.stdout.strip() == (
        "Powys: no MASH as at 31 May 2019 (Dyfed-Powys Police, paras 2–3) -> MASH operating "
        "(Test hub A) as at 1 March 2026 (source: Test source, 2026-03-01; reason: "
        "Fictional test change)")
    for out in (listing, shown, exported, hist):
        assert not any(s in out.stdout + out.stderr for s in secrets)


def test_refusals_are_one_line(played):
    run, _ = played
    for args, message in ((("show", "9"), "error: no round 9"),
                          (("history", "Atlantis"), "error: no authority 'Atlantis'")):
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1


def test_editions_export_carries_the_rounds_audit_trail_and_import_says_it_is_left_out(
        played, tmp_path):
    """Issue 19 (i): ``editions export`` of an edition made by a round holds the round's
    record (round.json, audit.csv); importing that ZIP (into another database, where it is
    new) makes a draft from the edition's files and says, in one line, that the record was not
    imported. No secret is in the export."""
    run, secrets = played
    env = {**os.environ, "MASH_STATE_DIR": str(tmp_path / "state")}
    env.pop("MASH_DATABASE_URL", None)
    env.pop("MASH_DATA_DIR", None)

    def editions(*args: str, state=tmp_path / "state") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "explorer", "editions", *args], cwd=REPO,
                              capture_output=True, text=True, encoding="utf-8", timeout=120,
                              env={**env, "MASH_STATE_DIR": str(state)})

    target = tmp_path / "edition-2.zip"
    done = editions("export", "2", "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert "With its update round's record: round.json and audit.csv." in done.stdout
    archive = zipfile.ZipFile(target)
    assert archive.namelist()[-2:] == ["edition-2/round.json", "edition-2/audit.csv"]
    audit_text = archive.read("edition-2/audit.csv").decode("utf-8")
    assert [line.split(",")[1] for line in audit_text.splitlines()[1:]] == [
        "open", "save", "submit", "accept", "publish"]
    assert "Test contributor" in audit_text
    assert json.loads(archive.read("edition-2/round.json"))["edition"] == 2
    blob = target.read_bytes().decode("latin-1")
    assert not any(s in blob for s in secrets)

    plain = tmp_path / "edition-1.zip"  # an edition no round made: no record
    assert editions("export", "1", "--output", str(plain)).returncode == 0
    assert not any(n.endswith(("audit.csv", "round.json"))
                   for n in zipfile.ZipFile(plain).namelist())

    other = tmp_path / "other-state"
    imported = editions("import", str(target), state=other)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines()[0] == (
        "Not imported: round.json, audit.csv (the record of the round that made the exported "
        "edition; a draft made by an import has no round, so keep the ZIP itself as that "
        "record).")
    assert "Imported draft edition 2" in imported.stdout
    as_json = json.loads(editions("import", str(target), "--json",
                                  state=tmp_path / "third").stdout)
    assert as_json["not_imported"] == ["round.json", "audit.csv"]
