"""Editions kept in the app's database: plain functions over an Engine, returning frozen
dataclasses; every write is one transaction.

Edition 1 (the May 2019 briefing) is read from the data folder and never stored. A later
edition is **imported** as a draft (validated like ``data/``, then checked against the
latest published edition: every differing row has a change record with a source and a
reason), then **published**; a published edition never changes, and a correction is a new
edition naming the one it corrects (``corrects``). Drafts may be discarded.

Writes take one lock for all edition writes (a PostgreSQL advisory lock; SQLite's write lock
through ``BEGIN IMMEDIATE``), so two imports cannot take the same id and a publish sees the
latest published edition. The operator functions need no key; the app asks for the
maintainer key before calling :func:`import_edition` or :func:`publish` (issue 18, item 6).

>>> from explorer.data import DATA_DIR
>>> base_info(DATA_DIR).as_at
'2019-05-31'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, text, update

from explorer.data import load_dataset
from explorer.editions import files as edition_files_io
from explorer.editions.files import DATA_FILES, META_FILE
from explorer.editions.model import (
    BASE_EDITION_ID,
    BASE_INFO,
    Edition,
    EditionError,
    EditionInfo,
    check_against,
    own_change_ids,
)
from explorer.editions.schema import edition_files, editions
from explorer.limits import MAX_EDITIONS
from explorer.storage.db import translated, writer

#: PostgreSQL advisory lock held by every edition write ("MASE").
_LOCK_KEY = 0x4D415345


class EditionNotFound(EditionError):
    """No edition has that id."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def base_info(data_dir: Path) -> EditionInfo:
    """Edition 1's metadata: the briefing's, or the title and as-at date of the
    ``edition.json`` in ``data_dir`` when it is an unzipped export (``MASH_DATA_DIR``)."""
    meta_path = Path(data_dir) / META_FILE
    if not meta_path.is_file():
        return BASE_INFO
    try:
        meta = edition_files_io.parse_meta(meta_path.read_bytes())
    except OSError as exc:
        raise EditionError(f"{META_FILE}: cannot read the file ({exc.strerror})") from None
    return EditionInfo(
        id=BASE_EDITION_ID, title=meta["title"] or BASE_INFO.title,
        as_at=meta["as_at"] or BASE_INFO.as_at, status="published", created_at=None,
        published_at=None if meta["as_at"] else BASE_INFO.published_at,
        corrects=None, base_id=None,
    )


def _info(row: Row) -> EditionInfo:
    return EditionInfo(
        id=row.id, title=row.title, as_at=row.as_at, status=row.status,
        created_at=row.created_at, published_at=row.published_at, corrects=row.corrects,
        base_id=row.base_id, own_changes=tuple(json.loads(row.own_changes)),
    )


def lock(conn: Connection) -> None:
    """Take the one lock every edition write holds (see the module's notes)."""
    _lock(conn)


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


@translated
def list_editions(engine: Engine, data_dir: Path) -> tuple[EditionInfo, ...]:
    """Every edition, oldest first: edition 1, then the stored ones (drafts included)."""
    with engine.connect() as conn:
        stored = conn.execute(select(editions).order_by(editions.c.id)).all()
    return (base_info(data_dir), *(_info(r) for r in stored))


@translated
def published_editions(engine: Engine | None, data_dir: Path) -> tuple[EditionInfo, ...]:
    """Published editions, oldest first (edition 1 only when there is no engine)."""
    if engine is None:
        return (base_info(data_dir),)
    return tuple(e for e in list_editions(engine, data_dir) if e.published)


@translated
def latest_published_id(engine: Engine | None, data_dir: Path) -> int:
    """The default "as at" edition: the latest published (1 while there is no other)."""
    return published_editions(engine, data_dir)[-1].id


def _get_row(conn: Connection, edition_id: int) -> Row:
    row = conn.execute(select(editions).where(editions.c.id == edition_id)).first()
    if row is None:
        raise EditionNotFound(f"no edition {edition_id}")
    return row


@translated
def get_info(engine: Engine | None, edition_id: int, data_dir: Path) -> EditionInfo:
    if edition_id == BASE_EDITION_ID:
        return base_info(data_dir)
    if engine is None:
        raise EditionNotFound(f"no edition {edition_id} (no database)")
    with engine.connect() as conn:
        return _info(_get_row(conn, edition_id))


def _files(conn: Connection, edition_id: int) -> dict[str, str]:
    rows = conn.execute(select(edition_files.c.name, edition_files.c.content)
                        .where(edition_files.c.edition_id == edition_id)).all()
    return {r.name: r.content for r in rows}


def _load_files(texts: dict[str, str], what: str):
    try:
        return edition_files_io.validate({n: t.encode("utf-8") for n, t in texts.items()}).dataset
    except EditionError as exc:  # stored files always passed: only a hand-edited database
        raise EditionError(f"{what} is stored but no longer loads: {exc}") from None


@translated
def edition_texts(engine: Engine | None, edition_id: int, data_dir: Path) -> dict[str, str]:
    """The edition's data files and ``changes.csv``, as text."""
    if edition_id == BASE_EDITION_ID:
        return edition_files_io.base_files(Path(data_dir))
    if engine is None:
        raise EditionNotFound(f"no edition {edition_id} (no database)")
    with engine.connect() as conn:
        _get_row(conn, edition_id)
        return _files(conn, edition_id)


@translated
def load_edition(engine: Engine | None, edition_id: int, data_dir: Path) -> Edition:
    """An edition's metadata and position. Edition 1 needs no engine."""
    if edition_id == BASE_EDITION_ID:
        return Edition(base_info(data_dir), load_dataset(data_dir))
    if engine is None:
        raise EditionNotFound(f"no edition {edition_id} (no database)")
    with engine.connect() as conn:
        info = _info(_get_row(conn, edition_id))
        texts = _files(conn, edition_id)
    return Edition(info, _load_files(texts, f"edition {edition_id}"))


@translated
def between(engine: Engine | None, data_dir: Path, old: int, new: int) -> list[Edition]:
    """The editions whose own changes lead from ``old`` to ``new`` (either order), oldest
    first, following each edition's base back from the later one."""
    lo, hi = sorted((old, new))
    out: list[Edition] = []
    current = hi
    while current > lo and current != BASE_EDITION_ID and len(out) <= MAX_EDITIONS:
        edition = load_edition(engine, current, data_dir)
        out.append(edition)
        current = edition.info.base_id or BASE_EDITION_ID
    return list(reversed(out))


def _latest_published(conn: Connection) -> int:
    latest = conn.execute(select(func.max(editions.c.id))
                          .where(editions.c.status == "published")).scalar_one()
    return latest or BASE_EDITION_ID


def _dataset_in(conn: Connection, edition_id: int, data_dir: Path):
    if edition_id == BASE_EDITION_ID:
        return load_dataset(data_dir), base_info(data_dir)
    return (_load_files(_files(conn, edition_id), f"edition {edition_id}"),
            _info(_get_row(conn, edition_id)))


@translated
def import_edition(engine: Engine, source: Path | str | bytes, data_dir: Path, *,
                   title: str | None = None, as_at: str | None = None,
                   corrects: int | None = None, now: datetime | None = None,
                   label: str = "upload") -> EditionInfo:
    """A new draft from a ZIP (path or bytes) or a folder, after the same validation as
    ``data/`` and the change-record check against the latest published edition.

    ``title``, ``as_at`` and ``corrects`` override ``edition.json``'s. Raises
    :class:`EditionError` with every problem found, one per line; nothing is stored then.
    """
    return create_draft(engine, edition_files_io.read_source(source, label), data_dir,
                        title=title, as_at=as_at, corrects=corrects, now=now)


@translated
def create_draft(engine: Engine, raw: Mapping[str, bytes], data_dir: Path, *,
                 title: str | None = None, as_at: str | None = None,
                 corrects: int | None = None, now: datetime | None = None) -> EditionInfo:
    """A new draft from file contents by name (the data files, ``changes.csv`` and
    optionally ``edition.json``): what :func:`import_edition` does once the files are read,
    and what an update round does with the files :func:`explorer.rounds.model.apply_edits`
    writes (columns in :data:`explorer.data.FILE_COLUMNS` order)."""
    incoming = edition_files_io.validate(raw)
    title = edition_files_io.clean_title(title) if title is not None else incoming.title
    as_at = edition_files_io.check_date(as_at) if as_at is not None else incoming.as_at
    corrects = corrects if corrects is not None else incoming.corrects
    problems = []
    if title is None:
        problems.append(f"{META_FILE}, field 'title': missing (or give --title)")
    if as_at is None:
        problems.append(f"{META_FILE}, field 'as_at': missing (or give --as-at)")
    if problems:
        raise EditionError(problems)
    now = now or _utcnow()
    with writer(engine).begin() as conn:
        _lock(conn)
        return draft_in(conn, incoming, data_dir, title=title, as_at=as_at,
                        corrects=corrects, now=now)


def draft_in(conn: Connection, incoming: edition_files_io.Incoming, data_dir: Path, *,
             title: str, as_at: str, corrects: int | None, now: datetime) -> EditionInfo:
    """Store a validated position as a draft inside the caller's transaction (which holds
    the editions' lock: :func:`_lock`), after the check against the latest published
    edition. An update round publishes with this and :func:`publish_in` in one transaction."""
    count = conn.execute(select(func.count()).select_from(editions)).scalar_one()
    if count >= MAX_EDITIONS:
        raise EditionError(f"this database already holds {MAX_EDITIONS:,} editions")
    base_id = _latest_published(conn)
    base, base_meta = _dataset_in(conn, base_id, data_dir)
    problems = list(check_against(base, incoming.dataset, base_id))
    if as_at < base_meta.as_at:
        problems.append(f"{META_FILE}, field 'as_at': value {as_at!r}: earlier than "
                        f"edition {base_id}'s ({base_meta.as_at})")
    if corrects is not None:
        target = (conn.execute(select(editions.c.status).where(editions.c.id == corrects))
                  .scalar_one_or_none() if corrects != BASE_EDITION_ID else "published")
        if target != "published":
            problems.append(f"{META_FILE}, field 'corrects': value {corrects}: no "
                            "published edition has that id")
    if problems:
        raise EditionError(problems)
    new_id = max(conn.execute(select(func.max(editions.c.id))).scalar_one() or 0,
                 BASE_EDITION_ID) + 1
    conn.execute(insert(editions).values(
        id=new_id, title=title, as_at=as_at, status="draft", created_at=now,
        published_at=None, corrects=corrects, base_id=base_id,
        own_changes=json.dumps(own_change_ids(base, incoming.dataset)),
    ))
    conn.execute(insert(edition_files), [
        {"edition_id": new_id, "name": name, "content": content}
        for name, content in incoming.files.items()
    ])
    return _info(_get_row(conn, new_id))


@translated
def publish(engine: Engine, edition_id: int, data_dir: Path, *,
            now: datetime | None = None) -> EditionInfo:
    """Publish a draft. Refused for a published edition (it never changes) and for a draft
    whose base is no longer the latest published edition (import it again)."""
    now = now or _utcnow()
    with writer(engine).begin() as conn:
        _lock(conn)
        return publish_in(conn, edition_id, now=now)


def publish_in(conn: Connection, edition_id: int, *, now: datetime) -> EditionInfo:
    """Publish a draft inside the caller's transaction (holding the editions' lock)."""
    if edition_id == BASE_EDITION_ID:
        raise EditionError("edition 1 (May 2019) is published and never changes")
    row = _get_row(conn, edition_id)
    if row.status == "published":
        raise EditionError(f"edition {edition_id} is already published; a published "
                           "edition never changes (import a correction instead)")
    latest = _latest_published(conn)
    if row.base_id != latest:
        raise EditionError(
            f"edition {edition_id} was checked against edition {row.base_id}, but "
            f"edition {latest} has been published since; import it again so its changes "
            f"are checked against edition {latest}")
    conn.execute(update(editions).where(editions.c.id == edition_id)
                 .values(status="published", published_at=now))
    return _info(_get_row(conn, edition_id))


@translated
def discard_draft(engine: Engine, edition_id: int) -> None:
    """Delete a draft and its files; a published edition is refused."""
    with writer(engine).begin() as conn:
        _lock(conn)
        if edition_id == BASE_EDITION_ID:
            raise EditionError("edition 1 (May 2019) is published and never changes")
        row = _get_row(conn, edition_id)
        if row.status == "published":
            raise EditionError(f"edition {edition_id} is published and never changes")
        conn.execute(delete(editions).where(editions.c.id == edition_id))


@translated
def export_edition(engine: Engine | None, edition_id: int, data_dir: Path,
                   records: Mapping[str, str] | None = None) -> bytes:
    """The edition as a ZIP: data files, ``changes.csv``, ``edition.json``, and ``records``
    (the update round's ``round.json`` and ``audit.csv``) when given."""
    info = get_info(engine, edition_id, data_dir)
    texts = edition_texts(engine, edition_id, data_dir)
    missing = [n for n in DATA_FILES if n not in texts]
    if missing:
        raise EditionError(f"edition {edition_id} is missing {', '.join(missing)}")
    return edition_files_io.export_zip(info, texts, records)


def info_dict(info: EditionInfo) -> dict[str, Any]:
    """Plain values for JSON output (``editions list --json``)."""
    return {**info.to_json(),
            "created_at": info.created_at.isoformat() if info.created_at else None}
