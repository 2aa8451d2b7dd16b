"""Database fixtures: the same storage tests run on SQLite and on PostgreSQL.

PostgreSQL comes from ``MASH_TEST_DATABASE_URL`` when set (``.ci/run`` sets it), else from a
throwaway cluster started here (``tests/pgcluster.py``). When none can be had the PostgreSQL
cases are skipped with the reason, except under ``CI=true``, where they fail: in CI they must
run. Every test gets its own schema (PostgreSQL) or file (SQLite).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from explorer import config
from explorer.storage import db
from tests import pgcluster

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(autouse=True)
def _settings_read_afresh() -> Iterator[None]:
    """explorer.config reads the environment once per process: each test starts (and leaves)
    with nothing read, so the environment its fixtures set is the one used."""
    config.current.cache_clear()
    yield
    config.current.cache_clear()


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL tests not run: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: these tests must run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server URL (psycopg 3) the tests may create schemas in."""
    given = os.environ.get("MASH_TEST_DATABASE_URL", "").strip()
    if given:
        yield db.database_url({"MASH_DATABASE_URL": given})
        return
    try:
        cluster = pgcluster.start_cluster()
    except pgcluster.PgUnavailable as exc:
        _unavailable(str(exc))
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A URL whose connections work in a fresh schema, dropped afterwards."""
    schema = "t_" + uuid.uuid4().hex[:16]
    pgcluster.create_schema(pg_server_url, schema)
    try:
        yield pgcluster.schema_url(pg_server_url, schema)
    finally:
        pgcluster.drop_schema(pg_server_url, schema)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """An empty database on each backend in turn (not yet migrated)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'rooms.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(db_url: str):
    """A migrated engine on each backend in turn."""
    eng = db.make_engine(db_url)
    db.upgrade(eng)
    yield eng
    eng.dispose()
