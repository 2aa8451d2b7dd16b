"""Update rounds through the app (AppTest through app.py): the maintainer's review page
behind the key, a force's section through its contributor link, two pages of one force
conflicting without losing text, Welsh, refusals in one line. Every later position is
plainly fictional; each test has its own SQLite database."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from streamlit.testing.v1 import AppTest

from explorer.data import DATA_DIR
from explorer.rounds import store
from explorer.storage import db
from tests import rounds_fixture as fx

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-maintainer-key-1"


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A database on a disk that counts as durable (not under /tmp), removed afterwards."""
    durable = Path(tempfile.mkdtemp(prefix="mash-rounds-test-", dir=os.path.expanduser("~")))
    monkeypatch.setenv("MASH_BOUNDARIES", str(tmp_path / "absent.geojson"))
    monkeypatch.setenv("MASH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MASH_STATE_DIR", str(durable / "state"))
    monkeypatch.setenv("MASH_MAINTAINER_KEY", KEY)
    monkeypatch.delenv("MASH_DATABASE_URL", raising=False)
    monkeypatch.delenv("MASH_DATA_DIR", raising=False)
    yield durable
    shutil.rmtree(durable, ignore_errors=True)


def page(path: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> list[str]:
    return [e.value.replace("\\", "") for e in elements]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def review(key: str = KEY) -> AppTest:
    at = page("pages/rounds.py")
    at.text_input(key="rd_key").input(key)
    button(at, "Unlock").click().run()
    return at


def fill(at: AppTest, file: str, record: str, **values: str) -> None:
    prefix = f"rd_f_{file}_{record}_"
    for name, value in values.items():
        widget = next(w for w in [*at.text_input, *at.text_area] if w.key == prefix + name)
        widget.input(value)


def test_a_round_through_the_pages(env):
    at = review("not the key")
    assert texts(at.warning) == ["That is not the maintainer key."]
    at = review()
    at.text_input(key="rd_title").input("Test round")
    at.text_input(key="rd_asat").input("2026-03-01")
    button(at, "Open the round").click().run()
    links = [c.value for c in at.code]
    assert len(links) == 4 and all(
        link.startswith("http://localhost:8501/contribute?token=") for link in links)
    tokens = {store.contributor(db.shared_engine(), unquote(link.split("token=")[1]))
              .section.force_id: unquote(link.split("token=")[1]) for link in links}

    gwent = page("pages/contribute.py", token=tokens["gwent"])
    assert texts(gwent.title) == ["Update round: Gwent Police"]
    gwent.radio(key="rd_part").set_value("items.csv").run()
    gwent.selectbox(key="rd_row_items.csv").set_value("__new__").run()
    fill(gwent, "items.csv", "__new__", new_id="Test item", summary="Test item <b>text</b>")
    button(gwent, "Keep this change").click().run()
    assert texts(gwent.success) == ["Saved (version 1)."]
    button(gwent, "Submit this section").click().run()
    assert texts(gwent.error) == [
        "needs a source (a document title or who reported it)".join(
            ("items.csv, row 'gwent_test_item': ", "")) + "\n\n"
        "- items.csv, row 'gwent_test_item': source date '' must be a date written YYYY-MM-DD"
        "\n- items.csv, row 'gwent_test_item': needs a reason"]
    gwent.selectbox(key="rd_row_items.csv").set_value("gwent_test_item").run()
    fill(gwent, "items.csv", "gwent_test_item", source_title="Test source",
         source_date="2026-03-01", reason="Fictional test change")
    button(gwent, "Keep this change").click().run()
    assert texts(gwent.success) == ["Saved (version 2)."], texts(gwent.error)
    button(gwent, "Submit this section").click().run()
    assert texts(gwent.success) == ["Submitted. The liaison unit will review it."]
    assert button(gwent, "Keep this change").disabled
    assert "read-only unless the liaison unit returns it" in " ".join(texts(gwent.info))

    at.run()
    at.text_area(key="rd_cmt_1_gwent").input("Test comment <script>")
    button(at, "Return with this comment").click().run()
    gwent.run()
    assert "Test comment <script>" in " ".join(texts(gwent.warning))
    assert not button(gwent, "Keep this change").disabled
    button(gwent, "Submit this section").click().run()

    engine = db.shared_engine()
    t = tokens["dyfed_powys"]
    store.save_draft(engine, DATA_DIR, t, fx.powys_joins_hub_a(), 0)
    store.submit(engine, DATA_DIR, t, 1)
    at.run()
    for _ in range(2):
        button(at, "Accept").click().run()
    with pytest.raises(StopIteration):
        button(at, "Accept")
    button(at, "Publish the new edition").click().run()
    assert texts(at.error) == ["not every section is accepted (north_wales (not started), "
                               "south_wales (not started)); accept them, or give a reason "
                               "to publish without them"]
    at.text_area(key="rd_note").input("Test reason: two forces report next time")
    button(at, "Publish the new edition").click().run()
    assert texts(at.success) == ["Published as edition 2; the as-at choice now offers it."]

    home = page("pages/status_map.py")
    choice = next(s for s in home.sidebar.selectbox if s.key == "_w_asat_en")
    assert choice.value == 2 and choice.options[-1] == "1 March 2026: Test round"
    gwent.run()
    assert "This round is published; nothing in it can change any more." in texts(gwent.info)
    assert button(gwent, "Keep this change").disabled


def test_two_pages_of_one_force_conflict_without_losing_text(env):
    opened = store.open_round(db.shared_engine(), DATA_DIR, "Test round", "2026-03-01")
    token = opened.tokens["gwent"]
    one, two = (page("pages/contribute.py", token=token) for _ in range(2))
    for at in (one, two):
        at.radio(key="rd_part").set_value("forces.csv").run()
    fill(one, "forces.csv", "gwent", position_summary="Test summary from page one")
    button(one, "Keep this change").click().run()
    fill(two, "forces.csv", "gwent", position_summary="Test summary from page two",
         reported_by="Test role")
    button(two, "Keep this change").click().run()
    assert texts(two.warning)[0].startswith("not saved: this section was saved from another "
                                            "page meanwhile (version 1, this page had version 0)")
    assert "- forces.csv, row gwent: added to the draft" in texts(two.markdown)
    area = next(a for a in two.text_area if a.key == "rd_f_forces.csv_gwent_position_summary")
    assert area.value == "Test summary from page two"  # nothing typed is lost
    button(two, "Save mine on top of it (your rows win)").click().run()
    assert texts(two.success) == ["Saved (version 2)."]
    (edit,) = store.contributor(db.shared_engine(), token).section.edits
    assert edit.cells() == {"position_summary": "Test summary from page two"}
    assert edit.reported_by == "Test role"


def test_welsh_and_refusals(env, monkeypatch):
    opened = store.open_round(db.shared_engine(), DATA_DIR, "Test round", "2026-03-01")
    cy = page("pages/contribute.py", token=opened.tokens["north_wales"], lang="cy")
    assert texts(cy.title) == ["Cylch diweddaru: Heddlu Gogledd Cymru"]
    assert "Cyflwyno'r adran hon" in [b.label for b in cy.button]
    bad = page("pages/contribute.py", token="not-a-token")
    assert texts(bad.error) == ["this contributor link does not work (it may have been "
                                "reissued); ask the liaison unit for the current one"]
    none = page("pages/contribute.py")
    assert texts(none.info) == ["Open this page with your force's contributor link."]
    monkeypatch.delenv("MASH_MAINTAINER_KEY")
    closed = page("pages/rounds.py")
    assert "which is not set on this server" in texts(closed.info)[0]
    assert not [w for w in closed.text_input if w.key == "rd_key"]


def test_publishing_is_refused_where_storage_is_not_durable(env, monkeypatch, tmp_path):
    monkeypatch.setenv("MASH_STATE_DIR", str(tmp_path / "state"))  # under /tmp
    store.open_round(db.shared_engine(), DATA_DIR, "Test round", "2026-03-01")
    at = review()
    assert any(w.startswith("publishing is refused: editions would not survive a restart "
                            "here (a temporary folder)") for w in texts(at.warning))
    with pytest.raises(StopIteration):
        button(at, "Publish the new edition")


def test_a_draft_saves_as_each_field_changes_and_a_reload_or_second_tab_finds_it(env):
    """Issue 19 (f): no button pressed: every field change saves the draft (naming the
    version the page showed); a new page (a reload, a second tab, a restarted server: the
    draft is in the database) opens it; a stale page's change is refused and kept."""
    opened = store.open_round(db.shared_engine(), DATA_DIR, "Test round", "2026-03-01")
    token = opened.tokens["gwent"]
    one = page("pages/contribute.py", token=token)
    one.radio(key="rd_part").set_value("forces.csv").run()
    stale = page("pages/contribute.py", token=token)  # a second tab, opened now (version 0)
    stale.radio(key="rd_part").set_value("forces.csv").run()
    area = next(a for a in one.text_area if a.key == "rd_f_forces.csv_gwent_position_summary")
    area.input("Test summary typed, never kept by a button").run()
    assert texts(one.success) == ["Saved (version 1)."]
    one.text_input(key="rd_f_forces.csv_gwent_reported_by").input("Test role").run()
    assert texts(one.success) == ["Saved (version 2)."]
    (edit,) = store.contributor(db.shared_engine(), token).section.edits
    assert edit.cells() == {"position_summary": "Test summary typed, never kept by a button"}
    assert edit.reported_by == "Test role"

    reloaded = page("pages/contribute.py", token=token)
    reloaded.radio(key="rd_part").set_value("forces.csv").run()
    assert next(a.value for a in reloaded.text_area
                if a.key == "rd_f_forces.csv_gwent_position_summary") == (
        "Test summary typed, never kept by a button")
    assert reloaded.text_input(key="rd_f_forces.csv_gwent_reported_by").value == "Test role"
    assert "This section: Draft (version 2)." in texts(reloaded.markdown)

    area = next(a for a in stale.text_area if a.key == "rd_f_forces.csv_gwent_position_summary")
    area.input("Test summary from the stale tab").run()
    assert texts(stale.warning)[0].startswith("not saved: this section was saved from another "
                                              "page meanwhile (version 2, this page had "
                                              "version 0)")
    assert next(a.value for a in stale.text_area
                if a.key == "rd_f_forces.csv_gwent_position_summary") == (
        "Test summary from the stale tab")  # nothing typed is lost
    assert store.contributor(db.shared_engine(), token).section.version == 2


def test_a_new_row_saves_once_it_can_and_says_why_not_before(env):
    opened = store.open_round(db.shared_engine(), DATA_DIR, "Test round", "2026-03-01")
    token = opened.tokens["dyfed_powys"]
    at = page("pages/contribute.py", token=token)
    at.radio(key="rd_part").set_value("hubs.csv").run()
    at.selectbox(key="rd_row_hubs.csv").set_value("__new__").run()
    at.text_input(key="rd_f_hubs.csv___new___name").input("Test hub A").run()
    assert not at.warning and not at.error  # no short name yet: nothing to save, no noise
    at.text_input(key="rd_f_hubs.csv___new___new_id").input("Test hub A").run()
    assert texts(at.warning) == ["Not saved yet: hubs.csv, row 'dyfed_powys_test_hub_a': "
                                 "must name at least one of the force's authorities"]
    assert store.contributor(db.shared_engine(), token).section.edits == ()
    at.multiselect(key="rd_f_hubs.csv___new___member_codes").select(fx.POWYS).run()
    assert texts(at.success) == ["Saved (version 1)."]
    (edit,) = store.contributor(db.shared_engine(), token).section.edits
    assert (edit.record_id, edit.kind, edit.cells()["name"]) == (
        "dyfed_powys_test_hub_a", "added", "Test hub A")
    at.text_input(key="rd_f_hubs.csv___new___location").input("Test town").run()
    (edit,) = store.contributor(db.shared_engine(), token).section.edits  # the same row
    assert edit.cells()["location"] == "Test town"


def test_a_save_cut_short_after_it_was_stored_does_not_conflict_with_its_own_page(env):
    """Streamlit may stop a callback at any session-state access when a newer rerun comes
    in: the database has the save but the page still names the older version. The page's
    next save recognises its own stored draft and goes on, instead of a conflict with
    itself (seen in the browser round test on a loaded machine)."""
    from explorer.rounds.model import edits_to_plain

    opened = store.open_round(db.shared_engine(), DATA_DIR, "Test round", "2026-03-01")
    token = opened.tokens["north_wales"]
    at = page("pages/contribute.py", token=token)
    at.radio(key="rd_part").set_value("forces.csv").run()
    mine = fx.north_wales_summary("Test summary saved, then cut short")
    # what the cut-short callback did: marked and stored its save, never updated the page
    at.session_state[f"rd_p_{opened.info.id}_north_wales"] = [
        {"version": 0, "edits": edits_to_plain(mine)}]
    store.save_draft(db.shared_engine(), DATA_DIR, token, mine, 0)
    at.text_input(key="rd_f_forces.csv_north_wales_source_title").input("Test source").run()
    assert texts(at.success) == ["Saved (version 2)."], texts(at.warning)
    (edit,) = store.contributor(db.shared_engine(), token).section.edits
    assert edit.source_title == "Test source"
    # a real second page's save is still refused
    other = fx.north_wales_summary("Test summary from another page")
    store.save_draft(db.shared_engine(), DATA_DIR, token, other, 2)
    at.text_area(key="rd_f_forces.csv_north_wales_reason").input("Test reason").run()
    assert texts(at.warning)[0].startswith("not saved: this section was saved from another "
                                           "page meanwhile (version 3, this page had version 2)")


def test_the_base_edition_is_parsed_once_per_process(env, monkeypatch):
    """The contributor page's reruns reuse the round's base rows (pages/ui/caches.py)."""
    from explorer.rounds.model import Base

    parsed = []
    real = Base.from_texts.__func__
    monkeypatch.setattr(Base, "from_texts",
                        classmethod(lambda cls, texts: parsed.append(1) or real(cls, texts)))
    opened = store.open_round(db.shared_engine(), DATA_DIR, "Test round", "2026-03-01")
    parsed.clear()
    at = page("pages/contribute.py", token=opened.tokens["gwent"])
    for part in ("forces.csv", "positions.csv", "forces.csv"):
        at.radio(key="rd_part").set_value(part).run()
    again = page("pages/contribute.py", token=opened.tokens["dyfed_powys"])
    assert not again.exception and not at.exception
    assert len(parsed) == 1


def _place(block, key: str, path: tuple[int, ...] = ()) -> tuple[int, ...] | None:
    """Where the widget ``key`` is drawn: its index in each block from the page's main one."""
    for i, child in block.children.items():
        if getattr(child, "key", None) == key:
            return (*path, i)
        if hasattr(child, "children"):
            found = _place(child, key, (*path, i))
            if found:
                return found
    return None


def test_the_form_keeps_its_place_whether_a_message_shows_or_not(env):
    """Issue 19: the browser tells elements apart by their place. A save's message drawn in
    one run and not in the next moved the form, and the browser drew its fields anew, losing
    text typed but not yet sent. Every field keeps its place: before any save, after a save
    (message), on the next run (none), and on a page whose save was refused as stale."""
    opened = store.open_round(db.shared_engine(), DATA_DIR, "Test round", "2026-03-01")
    token = opened.tokens["gwent"]
    one, two = (page("pages/contribute.py", token=token) for _ in range(2))
    for at in (one, two):
        at.radio(key="rd_part").set_value("forces.csv").run()
    keys = [f"rd_f_forces.csv_gwent_{f}" for f in ("position_summary", "source_date", "reason")]
    before = [_place(one.main, k) for k in keys]
    assert all(before)
    one.text_input(key=keys[1]).input("2026-03-01").run()
    assert texts(one.success) == ["Saved (version 1)."]
    assert [_place(one.main, k) for k in keys] == before
    one.run()
    assert not one.success
    assert [_place(one.main, k) for k in keys] == before
    reason = next(a for a in two.text_area if a.key == keys[2])
    reason.input("Fictional test change").run()  # a stale page: refused, the text kept
    assert texts(two.warning)[0].startswith("not saved: this section was saved from another")
    assert [_place(two.main, k) for k in keys] == before
    assert next(a.value for a in two.text_area if a.key == keys[2]) == "Fictional test change"
