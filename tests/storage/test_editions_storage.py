"""Editions kept in the database, on SQLite and PostgreSQL (the ``engine`` fixture).
Every later position is plainly fictional (``tests/editions_fixture.py``). Nothing sleeps:
concurrent imports start together at a barrier."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from explorer.data import DATA_DIR, load_dataset
from explorer.editions import store
from explorer.editions.model import EditionError
from explorer.editions.schema import edition_files, editions
from explorer.summary import headline
from tests import editions_fixture as fx

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def folders(tmp_path):
    two = fx.edition_two(tmp_path / "two")
    return two, fx.edition_three(tmp_path / "three", two)


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(editions)).scalar_one(),
                conn.execute(select(func.count()).select_from(edition_files)).scalar_one())


def test_import_makes_a_draft_and_publish_makes_it_the_default(engine, folders):
    two, _ = folders
    assert store.latest_published_id(engine, DATA_DIR) == 1
    info = store.import_edition(engine, two, DATA_DIR, now=NOW)
    assert (info.id, info.status, info.base_id, info.title, info.as_at) == (
        2, "draft", 1, "Test edition two", "2026-03-01")
    assert info.own_changes == ("t2-hub-a", "t2-hub-b", "t2-powys", "t2-ceredigion")
    assert info.created_at == NOW and info.published_at is None
    assert store.latest_published_id(engine, DATA_DIR) == 1  # a draft is not shown by default
    loaded = store.load_edition(engine, 2, DATA_DIR)
    assert loaded.dataset == load_dataset(two)
    published = store.publish(engine, 2, DATA_DIR, now=NOW)
    assert published.status == "published" and published.published_at == NOW
    assert [(e.id, e.status) for e in store.list_editions(engine, DATA_DIR)] == [
        (1, "published"), (2, "published")]
    assert store.latest_published_id(engine, DATA_DIR) == 2


def test_edition_one_is_unchanged_after_a_later_one_is_published(engine, folders):
    two, _ = folders
    store.publish(engine, store.import_edition(engine, two, DATA_DIR).id, DATA_DIR)
    one = store.load_edition(engine, 1, DATA_DIR)
    assert one.dataset == load_dataset(DATA_DIR)
    h1, h2 = headline(one.dataset), headline(store.load_edition(engine, 2, DATA_DIR).dataset)
    assert (h1.authorities_active, h1.hubs_active) == (5, 4)
    assert (h2.authorities_active, h2.hubs_active) == (7, 6)


def test_a_published_edition_refuses_every_change(engine, folders):
    two, _ = folders
    store.publish(engine, store.import_edition(engine, two, DATA_DIR).id, DATA_DIR)
    before = store.load_edition(engine, 2, DATA_DIR)
    with pytest.raises(EditionError, match="edition 2 is already published; a published "
                       "edition never changes"):
        store.publish(engine, 2, DATA_DIR)
    with pytest.raises(EditionError, match="edition 2 is published and never changes"):
        store.discard_draft(engine, 2)
    with pytest.raises(EditionError, match="edition 1 .* never changes"):
        store.publish(engine, 1, DATA_DIR)
    assert store.load_edition(engine, 2, DATA_DIR) == before


def test_the_next_edition_is_checked_against_the_latest_published(engine, folders):
    two, three = folders
    with pytest.raises(EditionError, match="hubs.csv, row test_hub_b is added since "
                       "edition 1"):
        store.import_edition(engine, three, DATA_DIR)
    store.publish(engine, store.import_edition(engine, two, DATA_DIR).id, DATA_DIR)
    info = store.import_edition(engine, three, DATA_DIR)
    assert (info.id, info.base_id, info.own_changes) == (3, 2, ("t3-hub-b", "t3-ceredigion"))


def test_a_draft_overtaken_by_a_publication_must_be_imported_again(engine, folders):
    two, _ = folders
    first = store.import_edition(engine, two, DATA_DIR)
    second = store.import_edition(engine, two, DATA_DIR, title="Test edition two again")
    store.publish(engine, first.id, DATA_DIR)
    with pytest.raises(EditionError, match="edition 3 was checked against edition 1, but "
                       "edition 2 has been published since"):
        store.publish(engine, second.id, DATA_DIR)
    store.discard_draft(engine, second.id)
    assert _counts(engine)[0] == 1


@pytest.mark.parametrize("spoil", ["no_record", "bad_cell", "bad_json"])
def test_a_refused_import_leaves_nothing_behind(engine, folders, spoil):
    two, _ = folders
    if spoil == "no_record":
        fx.edit(two, "items.csv", "dp_footprint", summary="Test summary without a source.")
    elif spoil == "bad_cell":
        fx.edit(two, "positions.csv", fx.POWYS, status="maybe")
    else:
        (two / "edition.json").write_text("{", encoding="utf-8")
    with pytest.raises(EditionError) as err:
        store.import_edition(engine, two, DATA_DIR)
    assert str(err.value).splitlines()[0].startswith(
        {"no_record": "items.csv, row dp_footprint, column 'summary'",
         "bad_cell": "positions.csv, line 22, column 'status': value 'maybe'",
         "bad_json": "edition.json: not valid JSON"}[spoil])
    assert _counts(engine) == (0, 0)


def test_corrections_name_a_published_edition(engine, folders):
    two, _ = folders
    with pytest.raises(EditionError, match="field 'corrects': value 9: no published"):
        store.import_edition(engine, two, DATA_DIR, corrects=9)
    info = store.import_edition(engine, two, DATA_DIR, corrects=1)
    assert info.corrects == 1
    assert _counts(engine) == (1, 9)


def test_export_gives_back_what_was_imported_and_reimports(engine, folders, tmp_path):
    two, _ = folders
    store.publish(engine, store.import_edition(engine, two, DATA_DIR).id, DATA_DIR)
    blob = store.export_edition(engine, 2, DATA_DIR)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        assert z.read("edition-2/positions.csv") == (two / "positions.csv").read_bytes()
        assert z.read("edition-2/changes.csv") == (two / "changes.csv").read_bytes()
        z.extractall(tmp_path / "out")
    assert load_dataset(tmp_path / "out" / "edition-2") == load_dataset(two)
    with pytest.raises(EditionError, match="nothing differs from edition 2"):
        store.import_edition(engine, blob, DATA_DIR)


def test_imports_at_once_get_distinct_ids(engine, folders):
    two, _ = folders
    n = 4
    barrier = threading.Barrier(n)
    results, errors = [], []

    def work(i: int) -> None:
        barrier.wait()
        try:
            results.append(store.import_edition(engine, two, DATA_DIR,
                                                title=f"Test edition {i}").id)
        except Exception as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and sorted(results) == [2, 3, 4, 5]


def test_the_schema_matches_the_migrations(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from explorer.storage.schema import metadata

    assert {"editions", "edition_files"} <= set(metadata.tables)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
