"""Every environment setting is named in explorer/config.py and documented in
docs/operations.md; the rooms settings come through the one parsed Config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explorer import config, rooms
from explorer.rooms import cli as rooms_cli

REPO = Path(__file__).resolve().parents[2]


def named_in_config() -> set[str]:
    return {v for k, v in vars(config).items() if k.endswith("_ENV") and isinstance(v, str)}


def test_every_setting_the_code_reads_is_named_in_config() -> None:
    used = set()
    for folder in ("explorer", "geo", "pages"):
        for path in (REPO / folder).rglob("*.py"):
            used |= set(re.findall(r"[\"'](MASH_[A-Z_]+)[\"']", path.read_text("utf-8")))
    used |= set(re.findall(r"[\"'](MASH_[A-Z_]+)[\"']", (REPO / "app.py").read_text("utf-8")))
    assert used - named_in_config() == set()


def test_every_setting_is_in_the_operations_guide() -> None:
    table = (REPO / "docs" / "operations.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `(MASH_[A-Z_]+)` \|", table, re.M))
    assert named_in_config() - documented == set()


@pytest.fixture
def settings(monkeypatch):
    def use(**env: str) -> None:
        for name in ("MASH_ROOM_EXPIRY_DAYS", "MASH_FACILITATOR_PASSCODE", "MASH_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        config.current.cache_clear()

    yield use
    config.current.cache_clear()


def test_rooms_settings_are_read_once(settings, monkeypatch) -> None:
    settings(MASH_ROOM_EXPIRY_DAYS="7", MASH_FACILITATOR_PASSCODE=" s3 ",
             MASH_BASE_URL="https://mash.example.org/")
    assert (rooms.expiry_days(), rooms.facilitator_passcode()) == (7, "s3")
    assert rooms_cli.base_url(None) == "https://mash.example.org"
    monkeypatch.setenv("MASH_ROOM_EXPIRY_DAYS", "9")  # read at the first use, not per query
    assert rooms.expiry_days() == 7
    assert "s3" not in repr(config.current())  # a secret is never in a repr


def test_a_bad_rooms_setting_is_a_settings_error(settings) -> None:
    settings(MASH_ROOM_EXPIRY_DAYS="thirty")
    for read in (rooms.expiry_days, rooms.check_settings):
        with pytest.raises(rooms.SettingsError, match="MASH_ROOM_EXPIRY_DAYS must be a whole"):
            read()
    settings()
    assert rooms.expiry_days() == 30 and rooms.facilitator_passcode() is None
    assert rooms_cli.base_url(None) == rooms_cli.DEFAULT_BASE_URL
