"""The "as at" choice in the app (AppTest through app.py): the status map and the planner's
baseline follow ``?asat=``; the latest published edition is the default. The later edition is
plainly fictional and lives in a temporary SQLite database (``MASH_STATE_DIR``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer import db
from explorer.data import DATA_DIR
from explorer.editions import store
from tests import editions_fixture as fx
from tests.test_app import figures

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("MASH_DATABASE_URL", raising=False)
    monkeypatch.delenv("MASH_DATA_DIR", raising=False)
    return tmp_path


@pytest.fixture
def published_two(env):
    engine = db.shared_engine()
    two = fx.edition_two(env / "two")
    store.publish(engine, store.import_edition(engine, two, DATA_DIR).id, DATA_DIR)
    return engine


def open_app(asat: str | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if asat is not None:
        at.query_params["asat"] = asat
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_without_a_database_only_may_2019_and_nothing_is_created(env):
    at = open_app()
    assert figures(at)[0] == ("Authorities with a MASH or pilot", "5 of 22")
    assert "asat" not in at.query_params
    assert not [s for s in at.sidebar.selectbox if s.key == "_w_asat_en"]
    assert "All statuses are as at 31 May 2019" in captions(at)
    assert not (env / "state").exists()


def test_the_latest_published_edition_is_the_default(published_two):
    at = open_app()
    assert figures(at)[0] == ("Authorities with a MASH or pilot", "7 of 22")
    assert figures(at)[1] == ("Hubs operating or piloted", "6")
    assert at.query_params["asat"] == "2"
    choice = next(s for s in at.sidebar.selectbox if s.key == "_w_asat_en")
    assert choice.value == 2 and choice.options == ["31 May 2019: " + store.BASE_INFO.title,
                                                    "1 March 2026: Test edition two"]
    assert "as at 1 March 2026 (edition 2: Test edition two)" in captions(at)
    assert "Position as at 1 March 2026, edition 2: Test edition two." in captions(at)


def test_a_link_made_at_edition_one_still_shows_edition_one(published_two):
    at = open_app(asat="1")
    assert figures(at)[0] == ("Authorities with a MASH or pilot", "5 of 22")
    assert at.query_params["asat"] == "1"
    assert "All statuses are as at 31 May 2019" in captions(at)
    at.switch_page("pages/table.py").run()
    assert at.query_params["asat"] == "1"


def test_choosing_an_edition_in_the_sidebar_changes_the_map_and_the_url(published_two):
    at = open_app()
    at.sidebar.selectbox(key="_w_asat_en").select(1).run()
    assert figures(at)[0] == ("Authorities with a MASH or pilot", "5 of 22")
    assert at.query_params["asat"] == "1"


def test_an_unknown_edition_falls_back_to_the_latest(published_two):
    at = open_app(asat="99")
    assert figures(at)[0] == ("Authorities with a MASH or pilot", "7 of 22")
    assert at.query_params["asat"] == "2"


def test_a_later_source_is_shown_with_a_changed_authority(published_two):
    at = open_app()
    at.radio(key="_w_authority_en").set_value(fx.POWYS).run()
    text = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Test source, 2026-03-01" in text


def test_the_planner_baseline_follows_the_edition(published_two):
    at = open_app(asat="2", page="pages/what-if.py")
    head = next(s.value for s in at.header if "authorities covered" in s.value)
    assert head == "7 of 22 authorities covered"
    at = open_app(asat="1", page="pages/what-if.py")
    head = next(s.value for s in at.header if "authorities covered" in s.value)
    assert head == "5 of 22 authorities covered"
