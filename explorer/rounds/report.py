"""What a round shows and exports, read from storage: the audit trail as CSV, ``round.json``,
the round's ZIP (with its edition once published), each section as the editions' "what
changed", and an authority's history over the published editions."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from explorer.editions import store as editions
from explorer.editions.model import EditionInfo
from explorer.rounds.model import write_rows
from explorer.rounds.store import (
    AuditEntry,
    RoundInfo,
    SectionInfo,
    audit,
    base_of,
    get_round,
    preview,
    sections,
)

AUDIT_COLUMNS = ("at_utc", "action", "role", "display_name", "force_id", "version", "detail")


def audit_csv(entries: Sequence[AuditEntry]) -> str:
    """The audit trail as CSV (a save's detail is the number of rows in its draft)."""
    def detail(e: AuditEntry) -> str:
        d = dict(e.detail)
        if "edits" in d:
            d["edits"] = len(d["edits"])
        return json.dumps(d, ensure_ascii=False, sort_keys=True) if d else ""

    return write_rows(AUDIT_COLUMNS, ({
        "at_utc": e.at.astimezone(UTC).isoformat(), "action": e.action, "role": e.role,
        "display_name": e.display_name, "force_id": e.force_id or "",
        "version": "" if e.version is None else str(e.version), "detail": detail(e)}
        for e in entries))


def round_json(info: RoundInfo, secs: Sequence[SectionInfo]) -> dict[str, Any]:
    return {"id": info.id, "title": info.title, "as_at": info.as_at, "base": info.base_id,
            "status": info.status, "created_at": info.created_at.isoformat(),
            "published_at": info.published_at.isoformat() if info.published_at else None,
            "edition": info.edition_id, "publish_note": info.publish_note,
            "sections": [{"force_id": s.force_id, "state": s.state, "version": s.version,
                          "rows": len(s.edits), "comment": s.comment} for s in secs]}


def edition_records(engine: Engine, edition_id: int) -> dict[str, str]:
    """The record of the round that made edition ``edition_id`` (``round.json`` and
    ``audit.csv``, as in :func:`export_round`), or nothing for an imported edition."""
    from sqlalchemy import select

    from explorer.rounds.schema import rounds

    with engine.connect() as conn:
        round_id = conn.execute(select(rounds.c.id).where(rounds.c.edition_id == edition_id)
                                ).scalar_one_or_none()
    if round_id is None:
        return {}
    info = get_round(engine, round_id)
    secs, trail = sections(engine, round_id), audit(engine, round_id)
    return {"round.json": json.dumps(round_json(info, secs), ensure_ascii=False, indent=2)
            + "\n", "audit.csv": audit_csv(trail)}


def export_round(engine: Engine, round_id: int, data_dir: Path) -> bytes:
    """A ZIP: ``round.json`` and ``audit.csv``, and once published the edition's own export
    (the ``data/`` files, ``changes.csv``, ``edition.json``) beside them."""
    info = get_round(engine, round_id)
    secs, trail = sections(engine, round_id), audit(engine, round_id)
    buffer = io.BytesIO()
    stamp = (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        if info.edition_id is not None:
            inner = zipfile.ZipFile(io.BytesIO(
                editions.export_edition(engine, info.edition_id, data_dir)))
            for member in inner.infolist():
                out.writestr(member, inner.read(member))
        folder = f"edition-{info.edition_id}" if info.edition_id else f"round-{info.id}"
        for name, text in (("round.json", json.dumps(round_json(info, secs),
                                                     ensure_ascii=False, indent=2) + "\n"),
                           ("audit.csv", audit_csv(trail))):
            entry = zipfile.ZipInfo(f"{folder}/{name}", stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()



def history(engine: Engine | None, data_dir: Path, code: str):
    """``code``'s position over every published edition (see :mod:`explorer.rounds.history`)."""
    from explorer.rounds.history import authority_history

    infos = editions.published_editions(engine, data_dir)
    loaded = [editions.load_edition(engine, i.id, data_dir) for i in infos]
    return authority_history(loaded, code)


def section_diff(engine: Engine, data_dir: Path, round_id: int, force_id: str):
    """A section's draft as the editions' "what changed" against the round's base edition
    (:class:`explorer.editions.diff.EditionDiff`)."""
    from explorer.editions.diff import compare
    from explorer.editions.model import Edition

    info = get_round(engine, round_id)
    section = next(s for s in sections(engine, round_id) if s.force_id == force_id)
    base = base_of(engine, info, data_dir)
    old_ds, new_ds, own = preview(base, round_id, force_id, section.edits)
    old_info = editions.get_info(engine, info.base_id, data_dir)
    new_info = EditionInfo(id=0, title=f"{info.title}: {force_id}", as_at=info.as_at,
                           status="draft", created_at=None, published_at=None, corrects=None,
                           base_id=info.base_id, own_changes=own)
    return compare(Edition(old_info, old_ds), Edition(new_info, new_ds))
