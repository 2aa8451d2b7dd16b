"""The "as at" choice in the app (AppTest through app.py): the status map and the planner's
baseline follow ``?asat=``; the latest published edition is the default. The later edition is
plainly fictional and lives in a temporary SQLite database (``MASH_STATE_DIR``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explorer.data import DATA_DIR
from explorer.editions import store
from explorer.storage import db
from tests import editions_fixture as fx
from tests.app.test_app import figures

ROOT = Path(__file__).resolve().parents[2]


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
    assert at.query_params["asat"] == "1"  # named even while it is the only edition
    assert not [s for s in at.sidebar.selectbox if s.key == "_w_asat_en"]
    assert "All statuses are as at 31 May 2019" in captions(at)
    assert not (env / "state").exists()


def test_the_latest_published_edition_is_the_default(published_two):
    at = open_app()
    assert figures(at)[0] == ("Authorities with a MASH or pilot", "7 of 22")
    assert figures(at)[1] == ("Hubs (not authorities) operating or piloted", "6")
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


# The editions page ---------------------------------------------------------------------------
KEY = "test-maintainer-key-0123456789"


def editions_page(at: AppTest | None = None) -> AppTest:
    at = at or open_app()
    at.switch_page("pages/editions.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def everything(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return " ".join(parts).replace("\\", "")


def test_the_editions_page_without_later_editions_is_read_only(env):
    at = editions_page()
    assert "Only the May 2019 briefing is published so far" in everything(at)
    assert "the operator has not set a maintainer key" in everything(at)
    assert not at.text_input


def test_the_compare_view_counts_and_sources(published_two):
    at = editions_page()
    assert [m.value for m in at.metric] == ["7 / 22", f"{1_168_551:,}", "6"]
    assert [m.delta for m in at.metric] == ["+2", f"+{1_168_551 - 963_896:,}", "+2"]
    text = everything(at)
    assert "Powys: No MASH to MASH operating (source: Test source, 1 March 2026)." in text
    authorities, changes = at.dataframe
    assert list(authorities.value["Change"]) == ["Now served by a MASH or pilot"] * 2
    assert set(changes.value["Source"]) == {"Test source", "reported by Test role"}
    assert set(changes.value["Reason"]) == {fx.REASON}


def _unzip_bytes(tmp_path, name, folder) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path in folder.iterdir():
            z.write(path, f"{name}/{path.name}")
    return buf.getvalue()


@pytest.fixture
def published_two_pg(env, pg_url, monkeypatch):
    """Edition two published in PostgreSQL: storage that survives a restart, so the app
    offers to publish (a SQLite file under /tmp does not)."""
    monkeypatch.setenv("MASH_DATABASE_URL", pg_url)
    engine = db.shared_engine()
    two = fx.edition_two(env / "two")
    store.publish(engine, store.import_edition(engine, two, DATA_DIR).id, DATA_DIR)
    return engine


def test_the_maintainer_imports_and_publishes_with_the_key(published_two_pg, env,
                                                           monkeypatch):
    published_two = published_two_pg
    monkeypatch.setenv("MASH_MAINTAINER_KEY", KEY)
    three = fx.edition_three(env / "three", env / "two")
    at = editions_page()
    at.text_input(key="ed_key").set_value("not-the-key")
    at.button[0].click().run()
    assert "That is not the maintainer key." in everything(at)
    assert at.text_input(key="ed_key").value == ""
    at.text_input(key="ed_key").set_value(KEY)
    at.button[0].click().run()
    assert "Unlocked for this browser session." in everything(at)
    assert KEY not in everything(at)
    assert not at.text_input  # the key field is gone once unlocked
    assert all(KEY not in str(at.session_state[k]) for k in ("ed_unlocked", "ed_attempts"))
    assert "ed_key" not in at.session_state or at.session_state["ed_key"] == ""
    at.file_uploader(key="ed_upload").set_value(
        ("three.zip", _unzip_bytes(env, "three", three), "application/zip"))
    at.run()
    next(b for b in at.button if b.label == "Import as a draft").click().run()
    assert "Imported draft edition 3 with 2 change(s)" in everything(at)
    next(b for b in at.button if b.label == "Publish edition 3").click().run()
    assert "Published edition 3. It can no longer change." in everything(at)
    assert [e.id for e in store.published_editions(published_two, DATA_DIR)] == [1, 2, 3]


def test_wrong_keys_are_slowed_down(published_two, monkeypatch):
    monkeypatch.setenv("MASH_MAINTAINER_KEY", KEY)
    at = editions_page()
    for _ in range(4):
        at.text_input(key="ed_key").set_value("wrong")
        at.button[0].click().run()
    assert "Too many wrong keys: wait 2 s" in everything(at)
    at.text_input(key="ed_key").set_value(KEY)
    at.button[0].click().run()  # not even looked at while waiting
    assert "Unlocked for this browser session." not in everything(at)


def test_an_import_refused_shows_every_problem_and_stores_nothing(published_two, env,
                                                                   monkeypatch):
    monkeypatch.setenv("MASH_MAINTAINER_KEY", KEY)
    three = fx.edition_three(env / "three", env / "two")
    fx.edit(three, "items.csv", "dp_footprint", summary="**Test** <b>summary</b>")
    at = editions_page()
    at.text_input(key="ed_key").set_value(KEY)
    at.button[0].click().run()
    at.file_uploader(key="ed_upload").set_value(
        ("three.zip", _unzip_bytes(env, "three", three), "application/zip"))
    at.run()
    next(b for b in at.button if b.label == "Import as a draft").click().run()
    error = at.error[0].value
    plain = error.replace("\\", "")
    assert "The edition was not imported (nothing was stored)" in plain
    assert "items.csv, row dp_footprint, column 'summary': value '**Test** <b>summary</b>'" \
        in plain
    assert "\\*\\*Test\\*\\* \\<b\\>summary" in error  # shown as text
    assert len(store.list_editions(published_two, DATA_DIR)) == 2


def test_publishing_is_refused_where_storage_is_not_durable(published_two, env, monkeypatch):
    monkeypatch.setenv("MASH_MAINTAINER_KEY", KEY)
    monkeypatch.setenv("MASH_HOSTING", "community-cloud")
    three = fx.edition_three(env / "three", env / "two")
    store.import_edition(published_two, three, DATA_DIR)
    at = editions_page()
    at.text_input(key="ed_key").set_value(KEY)
    at.button[0].click().run()
    assert "publishing is refused: editions would not survive a restart here" in everything(at)
    assert not [b for b in at.button if b.label == "Publish edition 3"]


def test_table_forces_and_timeline_show_the_chosen_edition(published_two):
    at = open_app(asat="2", page="pages/table.py")
    table = at.dataframe[0].value
    powys = [row for row in table.astype(str).values.tolist() if "Powys" in row]
    assert len(powys) == 1 and "Test hub A" in powys[0]
    assert "Position as at 1 March 2026, edition 2: Test edition two." in captions(at)
    at = open_app(asat="1", page="pages/table.py")
    table = at.dataframe[0].value
    assert "Test hub A" not in table.to_string()
    at = open_app(asat="2", page="pages/forces.py")
    assert "Position as at 1 March 2026, edition 2" in captions(at)
    at = open_app(asat="2", page="pages/timeline.py")
    assert "Position as at 1 March 2026, edition 2" in captions(at)


def test_a_link_made_while_only_may_2019_existed_keeps_showing_may_2019(env):
    """Issue 18 (c): the address and the sidebar's links name edition 1 while it is the
    only one; after edition 2 is published that address still opens May 2019, and an old
    address without asat opens the latest."""
    at = open_app()
    copied = at.query_params["asat"]
    assert copied == "1"
    links = [p.proto.query_string for p in at.sidebar.get("page_link")]
    assert links and all("asat=1" in q for q in links), links
    engine = db.shared_engine()
    store.publish(engine, store.import_edition(engine, fx.edition_two(env / "two"),
                                               DATA_DIR).id, DATA_DIR)
    from pages.ui.editions import asat

    asat.clear_caches()
    at = open_app(asat=copied)
    assert figures(at)[0] == ("Authorities with a MASH or pilot", "5 of 22")
    assert "All statuses are as at 31 May 2019" in captions(at)
    old = open_app()  # no asat at all: the latest
    assert figures(old)[0] == ("Authorities with a MASH or pilot", "7 of 22")
    assert old.query_params["asat"] == "2"


def test_sources_page_states_the_edition_and_its_change_sources(published_two):
    at = open_app(asat="2", page="pages/sources.py")
    warned = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "As at 1 March 2026 (edition 2: Test edition two)" in warned
    texts = " ".join(x.value for x in at.text)
    assert "Test source" in texts and "1 March 2026" in texts
    at = open_app(asat="1", page="pages/sources.py")
    warned = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "As at 31 May 2019." in warned and "edition 2" not in warned
    assert "Test source" not in " ".join(x.value for x in at.text)


def test_timeline_marks_every_published_edition(published_two):
    at = open_app(asat="2", page="pages/timeline.py")
    marks = [m.value.replace("\\", "") for m in at.markdown if ":material/flag:" in m.value]
    assert len(marks) == 2, marks
    assert "31 May 2019" in marks[0] and "Edition 1 published" in marks[0]
    assert "1 March 2026" in marks[1] and "Edition 2, shown on these pages" in marks[1]
    at = open_app(asat="1", page="pages/timeline.py")
    marks = [m.value.replace("\\", "") for m in at.markdown if ":material/flag:" in m.value]
    assert "Edition 1, shown on these pages" in marks[0] and "Edition 2 published" in marks[1]


def test_text_of_a_later_edition_is_shown_as_text(env):
    two = fx.edition_two(env / "two")
    fx.edit(two, "positions.csv", fx.POWYS, summary="**Test** [link](https://x.invalid) <b>x</b>")
    engine = db.shared_engine()
    store.publish(engine, store.import_edition(engine, two, DATA_DIR).id, DATA_DIR)
    at = open_app()
    at.radio(key="_w_authority_en").set_value(fx.POWYS).run()
    summary = next(m.value for m in at.markdown if "Test" in m.value and "link" in m.value)
    assert summary.startswith("\\*\\*Test\\*\\* \\[link\\]")

