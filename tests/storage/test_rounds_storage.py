"""Update rounds in the database, on SQLite and PostgreSQL (the ``engine`` fixture). Every
later position is plainly fictional (``tests/rounds_fixture.py``). Nothing sleeps."""

from __future__ import annotations

import csv
import io
import json
import threading
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from explorer.data import DATA_DIR
from explorer.editions import store as editions
from explorer.editions.schema import edition_files
from explorer.editions.schema import editions as editions_table
from explorer.rounds import report, store
from explorer.rounds.model import RoundError
from explorer.rounds.schema import round_audit, round_sections
from explorer.summary import headline
from tests import rounds_fixture as fx

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _open(engine, as_at: str = "2026-03-01"):
    return store.open_round(engine, DATA_DIR, "Test round", as_at, display_name="Test lead",
                            now=NOW)


def _save(engine, token, edits, version=None, name=""):
    if version is None:
        version = store.contributor(engine, token).section.version
    return store.save_draft(engine, DATA_DIR, token, edits, version, display_name=name,
                            now=NOW)


def _submit(engine, token):
    version = store.contributor(engine, token).section.version
    return store.submit(engine, DATA_DIR, token, version, now=NOW)


def test_a_whole_round_makes_the_next_edition(engine):
    opened = _open(engine)
    assert set(opened.tokens) == {"dyfed_powys", "gwent", "north_wales", "south_wales"}
    assert len(set(opened.tokens.values())) == 4
    t = opened.tokens
    # secrets are stored only as digests
    with engine.connect() as conn:
        stored = {r.token_hash for r in conn.execute(select(round_sections.c.token_hash))}
    assert stored == {store.hash_token(v) for v in t.values()}
    assert not stored & set(t.values())

    _save(engine, t["dyfed_powys"], fx.powys_joins_hub_a(), name="Test contributor")
    _save(engine, t["gwent"], fx.gwent_item())
    _save(engine, t["north_wales"], fx.north_wales_summary())
    for force in ("dyfed_powys", "gwent", "north_wales", "south_wales"):
        assert _submit(engine, t[force]).state == "submitted"
    store.return_section(engine, opened.info.id, "gwent", "Test comment: give the date",
                         now=NOW)
    section = store.contributor(engine, t["gwent"]).section
    assert (section.state, section.comment) == ("returned", "Test comment: give the date")
    _save(engine, t["gwent"], fx.gwent_item(source_title="Test source 2",
                                            source_date="2026-02-20", reason="Test reason"))
    assert _submit(engine, t["gwent"]).state == "submitted"
    for force in t:
        store.accept_section(engine, opened.info.id, force, now=NOW)
    states = [s.state for s in store.sections(engine, opened.info.id)]
    assert states == ["accepted"] * 4

    edition = store.publish_round(engine, opened.info.id, DATA_DIR, display_name="Test lead",
                                  check_storage=False, now=NOW + timedelta(hours=1))
    assert (edition.id, edition.status, edition.title, edition.as_at) == (
        2, "published", "Test round", "2026-03-01")
    assert editions.latest_published_id(engine, DATA_DIR) == 2
    ds = editions.load_edition(engine, 2, DATA_DIR).dataset
    h = headline(ds)
    assert (h.authorities_active, h.hubs_active) == (6, 5)  # May 2019: 5 and 4
    assert ds.position(fx.POWYS).status == "mash"
    assert ds.hub(fx.HUB_A).name == "Test hub A"
    assert ds.citation(ds.position(fx.POWYS).section_id) == "Test source, 2026-03-01"
    assert ds.force("north_wales").position_summary == "Test summary for North Wales."
    assert ds.citation(ds.force("north_wales").section_id) == (
        "reported by Test role, 2026-03-01")
    item = next(i for i in ds.items if i.item_id == "gwent_test_item")
    assert ds.change(item.section_id).source_title == "Test source 2"
    info = store.get_round(engine, opened.info.id)
    assert (info.status, info.edition_id) == ("published", 2)

    actions = [(a.action, a.role) for a in store.audit(engine, opened.info.id)]
    assert actions == [
        ("open", "maintainer"), ("save", "dyfed_powys"), ("save", "gwent"),
        ("save", "north_wales"), ("submit", "dyfed_powys"), ("submit", "gwent"),
        ("submit", "north_wales"), ("submit", "south_wales"), ("return", "maintainer"),
        ("save", "gwent"), ("submit", "gwent"), ("accept", "maintainer"),
        ("accept", "maintainer"), ("accept", "maintainer"), ("accept", "maintainer"),
        ("publish", "maintainer")]
    trail = store.audit(engine, opened.info.id)
    assert trail[1].display_name == "Test contributor" and trail[0].display_name == "Test lead"
    assert all(a.at.tzinfo is UTC for a in trail)

    # after publishing, nothing in the round changes
    for token in t.values():
        with pytest.raises(RoundError, match="is published; nothing in it can change"):
            _save(engine, token, ())
    with pytest.raises(RoundError, match="already published"):
        store.publish_round(engine, opened.info.id, DATA_DIR, check_storage=False)

    archive = zipfile.ZipFile(io.BytesIO(report.export_round(engine, opened.info.id, DATA_DIR)))
    names = set(archive.namelist())
    assert {"edition-2/changes.csv", "edition-2/edition.json", "edition-2/round.json",
            "edition-2/audit.csv"} <= names
    rows = list(csv.DictReader(io.StringIO(archive.read("edition-2/audit.csv").decode())))
    assert [r["action"] for r in rows][-1] == "publish"
    assert rows[-1]["at_utc"] == "2026-03-02T10:30:00+00:00"
    exported = archive.read("edition-2/audit.csv").decode() + archive.read(
        "edition-2/round.json").decode()
    assert not any(tok in exported for tok in t.values())
    assert json.loads(archive.read("edition-2/round.json"))["edition"] == 2


def test_a_contributor_changes_only_its_own_force(engine):
    t = _open(engine).tokens
    before = store.contributor(engine, t["gwent"]).section
    refusals = {
        "belongs to another force": fx.edit("positions.csv", fx.POWYS, "changed",
                                            {"status": "no_mash"}),
        "names authorities of another force": fx.edit(
            "hubs.csv", "gwent_test_hub", "added",
            {"name": "Test hub", "status": "mash", "member_codes": f"{fx.NEWPORT};{fx.CARDIFF}"}),
        "must start with 'gwent_'": fx.edit("items.csv", "test_item", "added",
                                            {"kind": "plan", "summary": "Test."}),
        "a section cannot change this column": fx.edit(
            "items.csv", "gwent_test_item", "added",
            {"scope": "north_wales", "kind": "plan", "summary": "Test."}),
        "changes positions, hubs, arrangements, items, events": fx.edit(
            "sections.csv", "gwent_x", "added", {"force_heading": "Test."}),
        # events (issue 19, h): another force's, a Wales-wide one, or naming Cardiff
        "belongs to another force ": fx.edit("events.csv", "nw_jan_2019", "removed"),
        "belongs to another force  ": fx.edit("events.csv", "wales_review_group", "changed",
                                              {"summary": "Test."}),
        "names authorities of another force ": fx.edit(
            "events.csv", "gwent_test_event", "added",
            {"date": "2026-02", "date_label": "February 2026", "approximate": "false",
             "planned": "false", "member_codes": f"{fx.NEWPORT};{fx.CARDIFF}",
             "summary": "Test event."}),
        "cannot be removed": fx.edit("hubs.csv", "newport", "removed"),
    }
    for message, bad in refusals.items():
        with pytest.raises(RoundError, match=message.strip()):
            _save(engine, t["gwent"], (bad,))
    # another force's summary, through a valid edit of its own file
    with pytest.raises(RoundError, match="belongs to another force"):
        _save(engine, t["gwent"], fx.north_wales_summary())
    assert store.contributor(engine, t["gwent"]).section == before
    with engine.connect() as conn:
        assert [r.action for r in conn.execute(select(round_audit.c.action))] == ["open"]


def test_a_force_adds_changes_and_removes_its_own_events_each_with_a_source(engine):
    """Issue 19 (h): events are the force's to edit like its statements."""
    opened = _open(engine)
    token = opened.tokens["gwent"]
    added = fx.edit("events.csv", "gwent_test_event", "added",
                    {"date": "2026-02", "date_label": "February 2026", "approximate": "false",
                     "planned": "false", "member_codes": fx.NEWPORT,
                     "summary": "Test event: a fictional meeting."}, **fx.SOURCE)
    changed = fx.edit("events.csv", "gw_pilot_extended", "changed",
                      {"date": "2019-05", "date_label": "Test label", "approximate": "true",
                       "planned": "false", "member_codes": fx.NEWPORT,
                       "summary": "Test summary of the extension."}, **fx.SOURCE)
    removed = fx.edit("events.csv", "gw_2019_20", "removed", **fx.SOURCE)
    no_source = fx.edit("events.csv", "gw_projects_live", "removed")
    _save(engine, token, (added, changed, removed, no_source))
    with pytest.raises(RoundError) as err:
        _submit(engine, token)
    assert err.value.problems == (
        "events.csv, row 'gw_projects_live': needs a source (a document title or who "
        "reported it)",
        "events.csv, row 'gw_projects_live': source date '' must be a date written YYYY-MM-DD",
        "events.csv, row 'gw_projects_live': needs a reason")
    _save(engine, token, (added, changed, removed))
    _submit(engine, token)
    store.accept_section(engine, opened.info.id, "gwent")
    edition = store.publish_round(engine, opened.info.id, DATA_DIR, note="Test reason",
                                  check_storage=False)
    ds = editions.load_edition(engine, edition.id, DATA_DIR).dataset
    events = {e.event_id: e for e in ds.events}
    assert events["gwent_test_event"].summary == "Test event: a fictional meeting."
    assert events["gwent_test_event"].section_id == "r1-gwent-1"
    assert events["gw_pilot_extended"].date_label == "Test label"
    assert "gw_2019_20" not in events and "gw_projects_live" in events
    assert {(c.record_id, c.kind) for c in ds.changes} == {
        ("gwent_test_event", "added"), ("gw_pilot_extended", "changed"),
        ("gw_2019_20", "removed")}


def test_a_stale_save_is_refused_and_says_what_changed(engine):
    t = _open(engine).tokens["dyfed_powys"]
    first = _save(engine, t, fx.powys_joins_hub_a()[:1])
    assert first.version == 1
    # two tabs both at version 1
    tab_a = fx.powys_joins_hub_a()
    _save(engine, t, tab_a, version=1)
    mine = (fx.edit("items.csv", "dyfed_powys_test_item", "added",
                    {"kind": "plan", "summary": "Test text typed in the second tab."}),)
    with pytest.raises(store.StaleSave) as caught:
        _save(engine, t, mine, version=1)
    err = caught.value
    assert "saved from another page meanwhile (version 2, this page had version 1)" in str(err)
    assert err.changes == (f"positions.csv, row {fx.POWYS}: added to the draft",)
    assert err.current.edits == tab_a
    assert store.contributor(engine, t).section.edits == tab_a  # nothing overwritten
    # saving again from the current version keeps both
    saved = _save(engine, t, (*tab_a, *mine), version=err.current.version)
    assert saved.version == 3 and len(saved.edits) == 3


def test_concurrent_saves_from_one_version_store_exactly_one(engine):
    t = _open(engine).tokens["gwent"]
    barrier = threading.Barrier(4)
    results: list[str] = []

    def save(n: int) -> None:
        edits = fx.gwent_item() if n % 2 else ()
        barrier.wait()
        try:
            store.save_draft(engine, DATA_DIR, t, edits, 0)
            results.append("saved")
        except store.StaleSave:
            results.append("stale")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["saved", "stale", "stale", "stale"]
    assert store.contributor(engine, t).section.version == 1


def test_the_section_state_machine(engine):
    opened = _open(engine)
    rid, t = opened.info.id, opened.tokens["north_wales"]
    with pytest.raises(RoundError, match="only a submitted section can be accepted"):
        store.accept_section(engine, rid, "north_wales")
    with pytest.raises(RoundError, match="only a submitted or accepted section can be returned"):
        store.return_section(engine, rid, "north_wales", "Test comment")
    _save(engine, t, fx.north_wales_summary())
    assert store.contributor(engine, t).section.state == "draft"
    _submit(engine, t)
    with pytest.raises(RoundError, match="submitted and read-only unless the liaison unit"):
        _save(engine, t, ())
    with pytest.raises(RoundError, match="comment must not be empty"):
        store.return_section(engine, rid, "north_wales", "  ")
    store.accept_section(engine, rid, "north_wales")
    with pytest.raises(RoundError, match="accepted and read-only"):
        _save(engine, t, ())
    store.return_section(engine, rid, "north_wales", "Test comment")
    assert _save(engine, t, fx.north_wales_summary("Test summary, again.")).state == "returned"
    with pytest.raises(RoundError, match="no force 'wales'"):
        store.accept_section(engine, rid, "wales")


def test_submit_needs_a_source_a_date_and_a_reason_and_a_loadable_position(engine):
    t = _open(engine).tokens["dyfed_powys"]
    _save(engine, t, fx.powys_joins_hub_a(source_title="", source_date="", reason=""))
    with pytest.raises(RoundError) as caught:
        _submit(engine, t)
    assert caught.value.problems == (
        "hubs.csv, row 'dyfed_powys_test_hub_a': needs a source (a document title or who "
        "reported it)",
        "hubs.csv, row 'dyfed_powys_test_hub_a': source date '' must be a date written "
        "YYYY-MM-DD",
        "hubs.csv, row 'dyfed_powys_test_hub_a': needs a reason",
        f"positions.csv, row '{fx.POWYS}': needs a source (a document title or who reported "
        "it)",
        f"positions.csv, row '{fx.POWYS}': source date '' must be a date written YYYY-MM-DD",
        f"positions.csv, row '{fx.POWYS}': needs a reason",
    )
    # Powys said to have a MASH but no hub: refused by the same loader as data/
    _save(engine, t, fx.powys_joins_hub_a()[1:])
    with pytest.raises(RoundError) as caught:
        _submit(engine, t)
    assert len(caught.value.problems) == 1
    assert "positions.csv" in caught.value.problems[0]
    assert "no such hub" in caught.value.problems[0]
    assert store.contributor(engine, t).section.state == "draft"


def test_links_can_be_reissued_and_the_old_one_stops_working(engine):
    opened = _open(engine)
    old = opened.tokens["gwent"]
    new = store.reissue_link(engine, opened.info.id, "gwent")
    assert new != old
    with pytest.raises(RoundError, match="does not work .it may have been reissued"):
        store.contributor(engine, old)
    assert store.contributor(engine, new).section.force_id == "gwent"
    for bad in ("", "x" * 500, None, 42, "\ud800"):
        with pytest.raises(RoundError, match="does not work"):
            store.contributor(engine, bad)


def test_publish_needs_every_section_accepted_or_a_reason(engine):
    opened = _open(engine)
    rid, t = opened.info.id, opened.tokens
    _save(engine, t["dyfed_powys"], fx.powys_joins_hub_a())
    _save(engine, t["gwent"], fx.gwent_item())
    _submit(engine, t["dyfed_powys"])
    _submit(engine, t["gwent"])
    store.accept_section(engine, rid, "dyfed_powys")
    with pytest.raises(RoundError, match=r"not every section is accepted \(gwent \(submitted\), "
                       r"north_wales \(not started\), south_wales \(not started\)\)"):
        store.publish_round(engine, rid, DATA_DIR, check_storage=False)
    edition = store.publish_round(engine, rid, DATA_DIR, check_storage=False,
                                  note="Test reason: the other forces report next time")
    ds = editions.load_edition(engine, edition.id, DATA_DIR).dataset
    assert ds.position(fx.POWYS).status == "mash"
    assert "gwent_test_item" not in {i.item_id for i in ds.items}  # not accepted: left out
    last = store.audit(engine, rid)[-1]
    assert last.action == "publish"
    assert last.detail["note"] == "Test reason: the other forces report next time"
    assert last.detail["left_out"] == ["gwent", "north_wales", "south_wales"]


def test_publish_is_refused_where_storage_is_not_durable(engine):
    opened = _open(engine)
    if engine.dialect.name == "sqlite":  # a SQLite file on Community Cloud (or in /tmp)
        with pytest.raises(RoundError, match="publishing is refused: editions would not "
                           "survive a restart here"):
            store.publish_round(engine, opened.info.id, DATA_DIR, env={"HOSTNAME": "streamlit"})
    else:  # a database server is durable: the check lets it through to the next rule
        with pytest.raises(RoundError, match="not every section is accepted"):
            store.publish_round(engine, opened.info.id, DATA_DIR, env={"HOSTNAME": "streamlit"})
    assert store.get_round(engine, opened.info.id).status == "open"


def test_a_second_round_waits_and_starts_from_the_new_edition(engine):
    opened = _open(engine)
    with pytest.raises(RoundError, match=f"round {opened.info.id} is still open"):
        _open(engine)
    t = opened.tokens["dyfed_powys"]
    _save(engine, t, fx.powys_joins_hub_a())
    _submit(engine, t)
    store.accept_section(engine, opened.info.id, "dyfed_powys")
    store.publish_round(engine, opened.info.id, DATA_DIR, note="Test reason",
                        check_storage=False)
    with pytest.raises(RoundError, match="must be after the latest published edition's "
                       r"\(2026-03-01, edition 2\)"):
        _open(engine, "2026-03-01")
    second = _open(engine, "2026-09-01")
    assert second.info.base_id == 2
    section = store.contributor(engine, second.tokens["dyfed_powys"]).section
    assert section.edits == () and section.state == "not_started"
    # the new hub is now the force's own row in the next round; it ends on a full date
    token = second.tokens["dyfed_powys"]

    def hub_end(**end: str):
        return fx.edit("hubs.csv", fx.HUB_A, "changed",
                       {"name": "Test hub A", "status": "mash_ceased", "member_codes": fx.POWYS,
                        "host_code": fx.POWYS, "start_year": "2026", **end}, **fx.SOURCE)

    powys = fx.edit("positions.csv", fx.POWYS, "changed", {"status": "mash_ceased"}, **fx.SOURCE)
    with pytest.raises(RoundError, match="a section cannot change this column"):
        _save(engine, token, (hub_end(end_year="2026"), powys))  # the year alone: not a field
    for end, problem in (
            ({}, "an ended hub needs its end date: a day (YYYY-MM-DD) or at least a month"),
            ({"end_date": "2026"}, "end date '2026' must be a day (YYYY-MM-DD) or at least a "
                                   "month (YYYY-MM), not a year alone"),
            ({"end_date": "2026-02-30"}, "end date '2026-02-30' is not a day of the calendar"),
            ({"end_date": "2025-12"}, "hubs.csv, line 7, column 'end_date': value '2025-12': "
                                      "ends before it starts (2026)")):
        _save(engine, token, (hub_end(**end), powys))
        with pytest.raises(RoundError) as err:
            _submit(engine, token)
        assert any(problem in p for p in err.value.problems), err.value.problems
    _save(engine, token, (hub_end(end_date="2026-08-31"), powys))
    assert _submit(engine, token).state == "submitted"
    store.accept_section(engine, second.info.id, "dyfed_powys")
    third = store.publish_round(engine, second.info.id, DATA_DIR, note="Test reason",
                                check_storage=False)
    hub = editions.load_edition(engine, third.id, DATA_DIR).dataset.hub(fx.HUB_A)
    assert (hub.status, hub.end_date, hub.end_year) == ("mash_ceased", "2026-08-31", 2026)
    assert editions.edition_texts(engine, third.id, DATA_DIR)["hubs.csv"].startswith(
        "hub_id,name,status,member_codes,host_code,location,start_year,end_year,end_date,"
        "dates_note,section_id\n")  # the one order (explorer.data.FILE_COLUMNS)
    assert editions.edition_texts(engine, third.id, DATA_DIR)["forces.csv"] == (
        DATA_DIR / "forces.csv").read_text(encoding="utf-8")  # untouched files stay as they were


@pytest.mark.parametrize("fail_at", ["publish_in", "audit"])
def test_a_failure_mid_publish_leaves_nothing_half_published(engine, monkeypatch, fail_at):
    """Issue 19 (l): the new edition, its publication, the round's closing and the audit
    record are one transaction: a failure after the draft is written (while publishing it, or
    while recording the publish) leaves no edition, no closed round, no audit record."""
    opened = _open(engine)
    rid, t = opened.info.id, opened.tokens
    _save(engine, t["dyfed_powys"], fx.powys_joins_hub_a())
    _submit(engine, t["dyfed_powys"])
    store.accept_section(engine, rid, "dyfed_powys")
    audit_before = store.audit(engine, rid)

    class Boom(RuntimeError):
        pass

    if fail_at == "publish_in":
        def broken(conn, edition_id, *, now):
            raise Boom("test: the database fails while publishing")
        monkeypatch.setattr(store.editions, "publish_in", broken)
    else:
        real = store._audit

        def broken(conn, round_id, action, *a, **kw):
            if action == "publish":
                raise Boom("test: the database fails while recording the publish")
            return real(conn, round_id, action, *a, **kw)
        monkeypatch.setattr(store, "_audit", broken)
    with pytest.raises(Boom):
        store.publish_round(engine, rid, DATA_DIR, note="Test reason", check_storage=False)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(editions_table)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(edition_files)).scalar_one() == 0
    assert editions.latest_published_id(engine, DATA_DIR) == 1
    assert store.get_round(engine, rid).status == "open"
    assert store.audit(engine, rid) == audit_before
    monkeypatch.undo()  # and the round can still be published, as edition 2
    edition = store.publish_round(engine, rid, DATA_DIR, note="Test reason",
                                  check_storage=False)
    assert edition.id == 2 and store.get_round(engine, rid).edition_id == 2
