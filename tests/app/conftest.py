"""App tests share one process: the per-process limits by client address start afresh."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_client_limits():
    from pages.ui.rooms import state

    limits = getattr(state, "LIMITS", None)  # (absent before issue 22: tests run on old code)
    if limits is not None:
        limits.clear()
    yield
    if limits is not None:
        limits.clear()


@pytest.fixture
def engine(monkeypatch, tmp_path):
    """A room database of the test's own (SQLite under tmp_path, no boundaries file); test
    files that need more (the live endpoint's caches) define their own."""
    from explorer.storage import db

    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("MASH_DATABASE_URL", raising=False)
    return db.shared_engine()
