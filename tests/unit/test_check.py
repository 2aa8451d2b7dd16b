"""Deployment checks: Community Cloud detection, rooms' durability, public links and
``python -m explorer check`` (exit 0 when all is well, 2 with one line per problem)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.check import check_database, check_links, run_checks
from explorer.deployment import on_community_cloud, storage_durability
from explorer.links import app_base
from explorer.storage import db

REPO = Path(__file__).resolve().parents[2]


# ---- Community Cloud and durability (pure) ----------------------------------------------------


@pytest.mark.parametrize(("env", "app_dir", "cloud"), [
    ({}, "/srv/mash", False),
    ({"HOSTNAME": "streamlit"}, "/srv/mash", True),
    ({"HOSTNAME": "web-1"}, "/mount/src/mash-wales-explorer", True),
    ({"HOSTNAME": "web-1"}, "/mount/srcx/app", False),
    ({"MASH_HOSTING": "community-cloud"}, "/srv/mash", True),
    ({"MASH_HOSTING": "self-hosted", "HOSTNAME": "streamlit"}, "/mount/src/x", False),
])
def test_community_cloud_is_recognised_by_its_markers(env, app_dir, cloud):
    assert (on_community_cloud(env, app_dir) is not None) is cloud


@pytest.mark.parametrize(("url", "env", "durable"), [
    ("postgresql+psycopg://u:pw@db.example/mash", {"HOSTNAME": "streamlit"}, True),
    ("sqlite:////srv/mash/rooms.db", {}, None),
    ("sqlite:////tmp/mash/rooms.db", {}, False),
    ("sqlite:////home/appuser/.local/share/m/rooms.db", {"HOSTNAME": "streamlit"}, False),
    ("sqlite://", {}, False),
])
def test_storage_durability(url, env, durable):
    storage = storage_durability(url, env, app_dir="/srv/mash")
    assert storage.durable is durable
    assert (storage.problem is not None) is (durable is False)
    assert "pw" not in repr(storage)


def test_on_cloud_the_fix_is_named():
    storage = storage_durability("sqlite:////home/appuser/r.db", {"HOSTNAME": "streamlit"})
    assert "MASH_DATABASE_URL as a root-level secret" in storage.problem


# ---- Links are the public address ---------------------------------------------------------


@pytest.mark.parametrize(("page_url", "env", "base"), [
    ("http://127.0.0.1:8501/mash/what-if", {}, "http://127.0.0.1:8501/mash"),
    ("https://mash-wales.streamlit.app/~/+/what-if", {}, "https://mash-wales.streamlit.app"),
    ("https://mash-wales.streamlit.app/~/+/", {}, "https://mash-wales.streamlit.app"),
    ("https://mash-wales.streamlit.app/%7E/+/workshop", {}, "https://mash-wales.streamlit.app"),
    ("https://council.example/apps/mash/what-if?scenario=x#y", {},
     "https://council.example/apps/mash"),
    ("http://10.1.2.3:8502/what-if", {"MASH_BASE_URL": "https://mash.example.org/"},
     "https://mash.example.org"),
])
def test_links_start_with_the_public_address(page_url, env, base):
    assert app_base(page_url, "what-if" if "what-if" in page_url else "workshop", env=env) == base


@pytest.mark.parametrize(("value", "problem"), [
    ("", False), ("https://mash.example.org", False), ("mash.example.org", True),
    ("https://x.streamlit.app/~/+", True), ("https://h/?a=1", True)])
def test_base_url_setting_is_checked(value, problem):
    assert check_links({"MASH_BASE_URL": value}).problem is problem


# ---- The database line ----------------------------------------------------------------------


def test_fresh_sqlite_is_fine_and_migrated_sqlite_says_so(tmp_path):
    env = {"MASH_STATE_DIR": str(tmp_path / "state")}
    line = check_database(env)
    assert not line.problem and "not made yet" in line.text
    db.upgrade(db.make_engine(db.database_url(env)))
    line = check_database(env)
    assert not line.problem and "reachable, migrated" in line.text
    assert str(tmp_path / "state" / "rooms.db") in line.text


def test_unwritable_sqlite_folder_is_a_problem(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        assert check_database({"MASH_STATE_DIR": str(locked / "state")}).problem
    finally:
        locked.chmod(0o700)


def test_postgresql_reachable_and_migrated_never_shows_the_password(pg_url):
    env = {"MASH_DATABASE_URL": pg_url}
    before = check_database(env)
    assert not before.problem and "migrates it" in before.text
    db.upgrade(db.make_engine(pg_url))
    after = check_database(env)
    assert not after.problem and "reachable, migrated" in after.text
    password = db.make_engine(pg_url).url.password
    assert not password or password not in after.text


def test_unreachable_postgresql_is_one_line_without_the_password():
    line = check_database({"MASH_DATABASE_URL": "postgresql://u:s3cret@127.0.0.1:9/x"})
    assert line.problem and "unreachable" in line.text and "s3cret" not in line.text


# ---- The command --------------------------------------------------------------------------


def run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("MASH_")}
    full.pop("HOSTNAME", None)
    full.update(env)
    return subprocess.run([sys.executable, "-m", "explorer", *args, "check"], cwd=REPO,
                          env=full, capture_output=True, text=True, timeout=120)


def test_check_all_well_exits_0(tmp_path, pg_url):
    db.upgrade(db.make_engine(pg_url))
    done = run_check({"MASH_DATABASE_URL": pg_url, "MASH_CACHE_DIR": str(tmp_path / "cache"),
                      "MASH_BASE_URL": "https://mash.example.org"})
    assert done.returncode == 0, done.stderr
    assert "ok      storage: durable" in done.stdout
    assert "ok      links: start with https://mash.example.org" in done.stdout
    topics = [line.split()[1].rstrip(":") for line in done.stdout.splitlines()]
    assert topics == ["data", "boundaries", "assets", "database", "storage", "hosting",
                      "links"]
    assert done.stderr == ""


def test_sqlite_in_a_temporary_folder_is_not_durable(tmp_path):
    done = run_check({"MASH_STATE_DIR": "/tmp/mash-check-state",
                      "MASH_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 2
    assert done.stderr.startswith("problem: storage: rooms are not durable (a temporary folder)")


def test_check_on_cloud_with_sqlite_exits_2_naming_the_fix(tmp_path):
    done = run_check({"MASH_STATE_DIR": str(tmp_path / "state"),
                      "MASH_CACHE_DIR": str(tmp_path / "cache"),
                      "MASH_HOSTING": "community-cloud"})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "problem: storage: rooms are not durable (Community Cloud wipes its disk when the app "
        "restarts, sleeps or is redeployed); set MASH_DATABASE_URL as a root-level secret in "
        "the app's settings"]


def test_check_reports_each_problem_on_its_own_line(tmp_path):
    bad_data = tmp_path / "data"
    bad_data.mkdir()
    done = run_check({"MASH_DATABASE_URL": "postgresql://u:s3cret@127.0.0.1:9/x",
                      "MASH_BOUNDARIES": str(tmp_path / "missing.geojson"),
                      "MASH_CACHE_DIR": str(tmp_path / "cache"),
                      "MASH_BASE_URL": "mash.example.org"}, "--data", str(bad_data))
    assert done.returncode == 2
    problems = [line.split(":")[1].strip() for line in done.stderr.splitlines()]
    assert problems == ["data", "boundaries", "database", "links"]
    assert "s3cret" not in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_run_checks_never_raises_on_a_bad_database_url(tmp_path):
    lines = run_checks({"MASH_DATABASE_URL": "not a url", "MASH_CACHE_DIR": str(tmp_path)})
    assert any(line.topic == "database" and line.problem for line in lines)


def test_top_level_secrets_are_read_as_streamlit_exports_them(tmp_path):
    from explorer.deployment import secrets_env

    home, project = tmp_path / "home.toml", tmp_path / "project.toml"
    home.write_text('MASH_BASE_URL = "https://old.example"\nMASH_HOSTING = "self-hosted"\n')
    project.write_text('MASH_BASE_URL = "https://mash.example.org"\nPORT = 5\nON = true\n'
                       '[auth]\ncookie_secret = "x"\n')
    assert secrets_env([home, project]) == {"MASH_BASE_URL": "https://mash.example.org",
                                            "MASH_HOSTING": "self-hosted", "PORT": "5"}
    (tmp_path / "bad.toml").write_text("not = [toml")
    assert secrets_env([tmp_path / "bad.toml"]) == {}


def test_check_uses_the_database_named_in_secrets_toml(tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        'MASH_DATABASE_URL = "postgresql://u:s3cret@127.0.0.1:9/x"\n')
    full = {k: v for k, v in os.environ.items() if not k.startswith("MASH_")}
    full.update({"HOME": str(tmp_path / "home"), "MASH_CACHE_DIR": str(tmp_path / "cache"),
                 "PYTHONPATH": str(REPO)})
    done = subprocess.run([sys.executable, "-m", "explorer", "check"], cwd=tmp_path, env=full,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "postgresql 127.0.0.1:9/x: unreachable" in done.stdout
    assert "secrets: Streamlit secrets give the app these settings: MASH_DATABASE_URL" in (
        done.stdout)
    assert "s3cret" not in done.stdout + done.stderr
