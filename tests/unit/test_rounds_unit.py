"""The rules of an update round, on the May 2019 files and plainly fictional edits."""

from __future__ import annotations

import pytest

from explorer.data import DATA_DIR
from explorer.editions import files
from explorer.editions.model import check_against
from explorer.rounds.model import (
    STATES,
    TRANSITIONS,
    Base,
    Edit,
    RoundError,
    apply_edits,
    check_draft,
    draft_changes,
    edits_from_plain,
    edits_to_plain,
    effective,
    next_state,
    submit_problems,
)
from tests import rounds_fixture as fx


@pytest.fixture(scope="module")
def base() -> Base:
    return Base.from_texts(files.base_files(DATA_DIR))


def test_each_force_owns_its_own_rows(base):
    assert base.codes_of("dyfed_powys") == ("W06000008", "W06000009", "W06000010", fx.POWYS)
    hubs = {f: [h["hub_id"] for h in base.section_rows(f, "hubs.csv")]
            for f in ("dyfed_powys", "gwent", "north_wales", "south_wales")}
    assert hubs == {"dyfed_powys": [], "gwent": ["newport"], "north_wales": ["wrexham"],
                    "south_wales": ["cwm_taf", "cardiff", "bridgend"]}
    assert [r["force_id"] for r in base.section_rows("gwent", "forces.csv")] == ["gwent"]


def test_the_state_machine():
    assert {s for (_, s) in TRANSITIONS} | set(TRANSITIONS.values()) <= set(STATES)
    assert next_state("save", "returned") == "returned"
    assert next_state("submit", "returned") == "submitted"
    assert next_state("return", "accepted") == "returned"
    for state in ("submitted", "accepted"):
        assert next_state("save", state) is None and next_state("submit", state) is None
    assert next_state("accept", "draft") is None and next_state("return", "draft") is None


def test_a_section_applied_to_the_base_passes_the_editions_check(base):
    texts = apply_edits(base, 4, {"dyfed_powys": fx.powys_joins_hub_a(),
                                  "gwent": fx.gwent_item()})
    incoming = files.validate({n: t.encode() for n, t in texts.items()})
    old = files.validate({n: t.encode() for n, t in base.texts.items()}).dataset
    assert check_against(old, incoming.dataset, 1) == ()
    assert [c.change_id for c in incoming.dataset.changes] == [
        "r4-dyfed-powys-1", "r4-dyfed-powys-2", "r4-gwent-1"]
    assert incoming.dataset.position(fx.POWYS).section_id == "r4-dyfed-powys-2"
    # untouched files are byte for byte the base's
    assert texts["authorities.csv"] == base.texts["authorities.csv"]
    assert texts["events.csv"] == base.texts["events.csv"]


def test_an_unchanged_row_is_no_change(base):
    same = fx.edit("positions.csv", fx.POWYS, "changed",
                   {"status": base.rows["positions.csv"][fx.POWYS]["status"]}, **fx.SOURCE)
    assert effective(base, (same,)) == ()


@pytest.mark.parametrize("edit, message", [
    (fx.edit("positions.csv", fx.CARDIFF, "changed", {"status": "no_mash"}),
     "belongs to another force"),
    (fx.edit("positions.csv", fx.POWYS, "changed", {"code": fx.CARDIFF}),
     "a section cannot change this column"),
    (fx.edit("positions.csv", fx.POWYS, "changed", {"section_id": "x"}), "no column"),
    (fx.edit("hubs.csv", "dyfed_powys_h", "added",
             {"name": "Test hub", "status": "mash", "member_codes": fx.CARDIFF}),
     "names authorities of another force"),
    (fx.edit("hubs.csv", "dyfed_powys_h", "added",
             {"name": "Test hub", "status": "mash", "member_codes": ""}),
     "must name at least one of the force's authorities"),
    (fx.edit("hubs.csv", "newport", "changed", {"member_codes": fx.NEWPORT}),
     "belongs to another force"),
    (fx.edit("arrangements.csv", "dyfed_powys_a", "added", {"force_id": "gwent"}),
     "a section cannot change this column"),
    (fx.edit("items.csv", "dp_footprint", "removed", {"summary": "x"}),
     "a removed row has no values"),
    (fx.edit("items.csv", "dp_footprint", "added", {"summary": "x"}), "that id is taken"),
    (fx.edit("items.csv", "Dyfed_powys_X", "added", {"summary": "x"}), "must start with"),
    (fx.edit("items.csv", "nope", "changed", {"summary": "x"}), "no such row"),
    (fx.edit("sections.csv", "dp-1", "changed", {}), "a section changes positions"),
    (fx.edit("positions.csv", fx.POWYS, "removed"), "cannot be removed"),
    (fx.edit("items.csv", "dp_footprint", "changed", {"summary": "Test \u202e text"}),
     "bidirectional control"),
    (fx.edit("items.csv", "dp_footprint", "changed", {"summary": "x"},
             reason="r" * 1001), "reason is 1,001 characters long; the limit is 1,000"),
])
def test_what_a_force_may_not_do_is_refused_in_one_line(base, edit, message):
    with pytest.raises(RoundError, match=message) as caught:
        check_draft(base, "dyfed_powys", (edit,))
    assert len(caught.value.problems) == 1 and "\n" not in caught.value.problems[0]


def test_one_change_per_row_and_a_limit_on_rows(base):
    one = fx.gwent_item()[0]
    with pytest.raises(RoundError, match="changed twice in one section"):
        check_draft(base, "gwent", (one, one))
    many = tuple(fx.edit("items.csv", f"gwent_i{n}", "added", {"summary": "x"})
                 for n in range(101))
    with pytest.raises(RoundError, match="at most 100 rows; this one changes 101"):
        check_draft(base, "gwent", many)


def test_user_text_is_kept_as_data(base):
    text = "<script>alert(1)</script> **Test** [link](javascript:x) =cmd|' /C calc'!A0"
    edit = fx.edit("items.csv", "gwent_test_item", "added", {"kind": "plan", "summary": text},
                   **fx.SOURCE)
    (clean,) = check_draft(base, "gwent", (edit,))
    assert clean.cells()["summary"] == text
    texts = apply_edits(base, 1, {"gwent": (clean,)})
    ds = files.validate({n: t.encode() for n, t in texts.items()}).dataset
    assert next(i for i in ds.items if i.item_id == "gwent_test_item").summary == text


def test_submit_problems_and_round_trips():
    bad = fx.edit("items.csv", "gwent_x", "added", {"summary": "x"}, source_date="2026-02-30")
    assert submit_problems((bad,)) == (
        "items.csv, row 'gwent_x': needs a source (a document title or who reported it)",
        "items.csv, row 'gwent_x': source date '2026-02-30' must be a date written YYYY-MM-DD",
        "items.csv, row 'gwent_x': needs a reason")
    edits = (*fx.powys_joins_hub_a(), *fx.gwent_item())
    assert edits_from_plain(edits_to_plain(edits)) == edits
    with pytest.raises(RoundError, match="text only"):
        edits_from_plain([{"file": "items.csv", "values": {"summary": 3}}])


def test_what_another_save_changed():
    a, b = fx.powys_joins_hub_a()
    b2 = Edit(b.file, b.record_id, b.kind, b.values, reason="Other")
    assert draft_changes((a, b), (b2, *fx.gwent_item())) == (
        f"positions.csv, row {fx.POWYS}: changed in the draft",
        "items.csv, row gwent_test_item: added to the draft",
        "hubs.csv, row dyfed_powys_test_hub_a: taken out of the draft")


def _hub_ended(end: str = "2026-02") -> tuple[Edit, ...]:
    return (fx.edit("hubs.csv", "newport", "changed",
                    {"status": "mash_ceased", "end_date": end}, **fx.SOURCE),
            fx.edit("positions.csv", fx.NEWPORT, "changed",
                    {"status": "mash_ceased", "summary": "Test summary: Test pilot ended."},
                    **fx.SOURCE))


def test_every_writer_puts_a_hubs_columns_in_one_order(base):
    """``end_date`` (added after May 2019) has one place, after ``end_year``, whichever
    writer writes ``hubs.csv``: an update round's files, :func:`dataset_texts`, and the
    export of a round's edition; a base that had it last is written in that order too."""
    import io
    import zipfile

    from explorer.data import FILE_COLUMNS
    from explorer.editions.model import EditionInfo
    from explorer.rounds.model import parse_rows, write_rows

    order = ("hub_id,name,status,member_codes,host_code,location,start_year,end_year,"
             "end_date,dates_note,section_id")
    assert ",".join(FILE_COLUMNS["hubs.csv"]) == order
    texts = apply_edits(base, 2, {"gwent": _hub_ended()})
    assert texts["hubs.csv"].splitlines()[0] == order
    ds = files.validate({n: t.encode() for n, t in texts.items()}).dataset
    assert ds.hub("newport").end_date == "2026-02"
    written = files.dataset_texts(ds)
    assert written["hubs.csv"] == texts["hubs.csv"]  # the same text, not only the same header
    assert {n: t.splitlines()[0] for n, t in written.items()} == {
        n: t.splitlines()[0] for n, t in texts.items()}
    info = EditionInfo(id=2, title="Test edition", as_at="2026-03-01", status="published",
                       created_at=None, published_at=None, corrects=None, base_id=1)
    archive = zipfile.ZipFile(io.BytesIO(files.export_zip(info, texts)))
    assert archive.read("edition-2/hubs.csv").decode().splitlines()[0] == order

    # an edition whose hubs.csv has end_date last (as a round wrote it before this fix)
    header, records = parse_rows(texts["hubs.csv"])
    last = {**texts, "hubs.csv": write_rows([*(c for c in header if c != "end_date"),
                                             "end_date"], records)}
    assert last["hubs.csv"].splitlines()[0].endswith(",section_id,end_date")
    again = apply_edits(Base.from_texts(last), 3, {"gwent": _hub_ended("2026-01")})
    assert again["hubs.csv"].splitlines()[0] == order
