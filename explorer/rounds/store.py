"""Update rounds kept in the app's database: plain functions over an Engine, returning
frozen dataclasses; every write is one transaction and leaves one audit record.

* The maintainer (the page asks for ``MASH_MAINTAINER_KEY``; the operator's CLI needs no
  key) opens a round on the latest published edition and gets one contributor link secret
  per force, returned once and stored only as a SHA-256 digest; a link can be reissued.
* A contributor acts only through its secret (:func:`contributor`), which names its round
  and force: :func:`save_draft` and :func:`submit` check every edit against the force's
  own rows (:func:`explorer.rounds.model.check_edit`) here, not only in the page. A save
  names the section version it was made from; an older one is refused with
  :class:`StaleSave`, which says what the other save changed.
* The maintainer returns (with a comment) or accepts each submitted section, then
  :func:`publish_round` writes the accepted sections into the next edition through
  :func:`explorer.editions.store.draft_in` and :func:`~explorer.editions.store.publish_in`,
  in one transaction with the round's closing and its audit record (all or nothing).

Secrets never appear in a message, a log or the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, insert, select, update

from explorer.data import iso_date
from explorer.editions import files as edition_files
from explorer.editions import store as editions
from explorer.editions.maintainer import publish_refusal
from explorer.editions.model import BASE_EDITION_ID, EditionError, EditionInfo
from explorer.limits import (
    MAX_DISPLAY_NAME_CHARS,
    MAX_ROUND_AUDIT,
    MAX_ROUND_COMMENT_CHARS,
    MAX_ROUND_TITLE_CHARS,
    MAX_ROUNDS,
)
from explorer.rounds.model import (
    FORCES,
    MAINTAINER,
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
from explorer.rounds.schema import round_audit, round_sections, rounds
from explorer.storage.db import writer
from explorer.text import TextError, clean_text

#: Bytes of randomness in a contributor link's secret.
TOKEN_BYTES = 24
_MAX_TOKEN_CHARS = 200


def _utcnow() -> datetime:
    return datetime.now(UTC)


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a contributor secret.

    >>> hash_token("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RoundInfo:
    id: int
    title: str
    as_at: str
    base_id: int
    status: str  # open or published
    created_at: datetime
    published_at: datetime | None
    edition_id: int | None
    publish_note: str


@dataclass(frozen=True)
class SectionInfo:
    round_id: int
    force_id: str
    state: str
    version: int
    edits: tuple[Edit, ...]
    comment: str
    updated_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    action: str
    role: str
    display_name: str
    force_id: str | None
    version: int | None
    detail: Mapping[str, Any]


@dataclass(frozen=True)
class OpenedRound:
    """A new round and its contributor secrets by force (shown once, never stored)."""

    info: RoundInfo
    tokens: Mapping[str, str]


@dataclass(frozen=True)
class Contributor:
    round: RoundInfo
    section: SectionInfo


class StaleSave(RoundError):
    """A save from an older version of the section: ``current`` is the stored section and
    ``changes`` what the other save(s) changed, one line per row. Nothing was stored."""

    def __init__(self, given: int, current: SectionInfo, changes: tuple[str, ...]) -> None:
        self.given, self.current, self.changes = given, current, changes
        super().__init__(
            f"not saved: this section was saved from another page meanwhile (version "
            f"{current.version}, this page had version {given}); your text is kept here, "
            "look at what changed, then save again")


# Reading --------------------------------------------------------------------------------
def _round(row: Row) -> RoundInfo:
    return RoundInfo(id=row.id, title=row.title, as_at=row.as_at, base_id=row.base_id,
                     status=row.status, created_at=row.created_at,
                     published_at=row.published_at, edition_id=row.edition_id,
                     publish_note=row.publish_note or "")


def _section(row: Row) -> SectionInfo:
    return SectionInfo(round_id=row.round_id, force_id=row.force_id, state=row.state,
                       version=row.version, edits=edits_from_plain(json.loads(row.draft)),
                       comment=row.comment or "", updated_at=row.updated_at)


def _get_round(conn: Connection, round_id: int, lock: bool = False) -> RoundInfo:
    query = select(rounds).where(rounds.c.id == round_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise RoundError(f"no round {round_id}")
    return _round(row)


def _get_section(conn: Connection, round_id: int, force_id: str,
                 lock: bool = False) -> SectionInfo:
    if force_id not in FORCES:
        raise RoundError(f"no force {force_id!r}; the forces are {', '.join(FORCES)}")
    query = select(round_sections).where(round_sections.c.round_id == round_id,
                                         round_sections.c.force_id == force_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise RoundError(f"round {round_id} has no section for {force_id}")
    return _section(row)


def list_rounds(engine: Engine) -> tuple[RoundInfo, ...]:
    with engine.connect() as conn:
        return tuple(_round(r) for r in conn.execute(select(rounds).order_by(rounds.c.id)))


def get_round(engine: Engine, round_id: int) -> RoundInfo:
    with engine.connect() as conn:
        return _get_round(conn, round_id)


def sections(engine: Engine, round_id: int) -> tuple[SectionInfo, ...]:
    """The round's four sections, in :data:`~explorer.rounds.model.FORCES` order."""
    with engine.connect() as conn:
        _get_round(conn, round_id)
        rows = conn.execute(select(round_sections)
                            .where(round_sections.c.round_id == round_id)).all()
    by_force = {r.force_id: _section(r) for r in rows}
    return tuple(by_force[f] for f in FORCES if f in by_force)


def audit(engine: Engine, round_id: int) -> tuple[AuditEntry, ...]:
    with engine.connect() as conn:
        _get_round(conn, round_id)
        rows = conn.execute(select(round_audit).where(round_audit.c.round_id == round_id)
                            .order_by(round_audit.c.id)).all()
    return tuple(AuditEntry(id=r.id, at=r.at, action=r.action, role=r.role,
                            display_name=r.display_name, force_id=r.force_id,
                            version=r.version, detail=json.loads(r.detail or "{}"))
                 for r in rows)


def _base_in(conn: Connection, base_id: int, data_dir: Path) -> Base:
    texts = (edition_files.base_files(Path(data_dir)) if base_id == BASE_EDITION_ID
             else editions._files(conn, base_id))
    return Base.from_texts(texts)


def base_of(engine: Engine, round_info: RoundInfo, data_dir: Path) -> Base:
    """The edition the round starts from, as rows."""
    return base_edition(engine, round_info.base_id, data_dir)


def base_edition(engine: Engine, edition_id: int, data_dir: Path) -> Base:
    """Published edition ``edition_id`` as rows (the app keeps one per process)."""
    return Base.from_texts(editions.edition_texts(engine, edition_id, data_dir))


# Writing --------------------------------------------------------------------------------
def _name(display_name: str) -> str:
    if not display_name or not display_name.strip():
        return ""
    try:
        return clean_text(display_name, "display name", MAX_DISPLAY_NAME_CHARS)
    except TextError as exc:
        raise RoundError(str(exc)) from None


def _audit(conn: Connection, round_id: int, action: str, role: str, name: str, now: datetime,
           force_id: str | None = None, version: int | None = None,
           detail: Mapping[str, Any] | None = None) -> None:
    count = conn.execute(select(func.count()).select_from(round_audit)
                         .where(round_audit.c.round_id == round_id)).scalar_one()
    if count >= MAX_ROUND_AUDIT:
        raise RoundError(f"round {round_id} already has {MAX_ROUND_AUDIT:,} audit records; "
                         "no more changes can be recorded in it")
    conn.execute(insert(round_audit).values(
        round_id=round_id, at=now, action=action, role=role, display_name=name,
        force_id=force_id, version=version,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)))


def open_round(engine: Engine, data_dir: Path, title: str, as_at: str, *,
               display_name: str = "", now: datetime | None = None) -> OpenedRound:
    """Open a round on the latest published edition, with one contributor secret per force.
    Refused while another round is open."""
    try:
        title = clean_text(title, "round title", MAX_ROUND_TITLE_CHARS)
    except TextError as exc:
        raise RoundError(str(exc)) from None
    try:
        as_at = iso_date(as_at if isinstance(as_at, str) else "")
    except ValueError as exc:
        raise RoundError(f"as-at date {as_at!r}: {exc}") from None
    name, now = _name(display_name), now or _utcnow()
    tokens = {force: secrets.token_urlsafe(TOKEN_BYTES) for force in FORCES}
    with writer(engine).begin() as conn:
        editions._lock(conn)
        open_ids = conn.execute(select(rounds.c.id).where(rounds.c.status == "open")).all()
        if open_ids:
            raise RoundError(f"round {open_ids[0].id} is still open; publish it before "
                             "opening another")
        if conn.execute(select(func.count()).select_from(rounds)).scalar_one() >= MAX_ROUNDS:
            raise RoundError(f"this database already holds {MAX_ROUNDS} rounds")
        base_id = editions._latest_published(conn)
        base_as_at = (editions.base_info(data_dir).as_at if base_id == 1
                      else editions._info(editions._get_row(conn, base_id)).as_at)
        if as_at <= base_as_at:
            raise RoundError(f"as-at date {as_at}: must be after the latest published "
                             f"edition's ({base_as_at}, edition {base_id})")
        round_id = conn.execute(insert(rounds).values(
            title=title, as_at=as_at, base_id=base_id, status="open", created_at=now,
            published_at=None, edition_id=None, publish_note="")).inserted_primary_key[0]
        conn.execute(insert(round_sections), [
            {"round_id": round_id, "force_id": force, "token_hash": hash_token(tok),
             "state": "not_started", "version": 0, "draft": "[]", "comment": "",
             "updated_at": now} for force, tok in tokens.items()])
        _audit(conn, round_id, "open", MAINTAINER, name, now,
               detail={"title": title, "as_at": as_at, "base": base_id})
        info = _get_round(conn, round_id)
    return OpenedRound(info, tokens)


def reissue_link(engine: Engine, round_id: int, force_id: str, *, display_name: str = "",
                 now: datetime | None = None) -> str:
    """A new contributor secret for one force; the old one stops working at once."""
    name, now = _name(display_name), now or _utcnow()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with writer(engine).begin() as conn:
        info = _get_round(conn, round_id, lock=True)
        if info.status != "open":
            raise RoundError(f"round {round_id} is published; its links no longer work")
        _get_section(conn, round_id, force_id, lock=True)
        conn.execute(update(round_sections).where(
            round_sections.c.round_id == round_id, round_sections.c.force_id == force_id)
            .values(token_hash=hash_token(token)))
        _audit(conn, round_id, "reissue", MAINTAINER, name, now, force_id=force_id)
    return token


_BAD_LINK = ("this contributor link does not work (it may have been reissued); ask the "
             "liaison unit for the current one")


def _find(conn: Connection, token: Any, lock: bool = False) -> tuple[RoundInfo, SectionInfo]:
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_CHARS:
        raise RoundError(_BAD_LINK)
    try:
        digest = hash_token(token)
    except UnicodeEncodeError:
        raise RoundError(_BAD_LINK) from None
    row = conn.execute(select(round_sections.c.round_id, round_sections.c.force_id,
                              round_sections.c.token_hash)
                       .where(round_sections.c.token_hash == digest)).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise RoundError(_BAD_LINK)
    info = _get_round(conn, row.round_id, lock=lock)
    return info, _get_section(conn, row.round_id, row.force_id, lock=lock)


def contributor(engine: Engine, token: Any) -> Contributor:
    """The round and section a contributor secret opens (refused in one line otherwise)."""
    with engine.connect() as conn:
        info, section = _find(conn, token)
    return Contributor(info, section)


def _draft_at(conn: Connection, round_id: int, force_id: str, version: int) -> tuple[Edit, ...]:
    if version <= 0:
        return ()
    row = conn.execute(select(round_audit.c.detail).where(
        round_audit.c.round_id == round_id, round_audit.c.force_id == force_id,
        round_audit.c.version == version, round_audit.c.action == "save")
        .order_by(round_audit.c.id.desc())).first()
    if row is None:
        return ()
    return edits_from_plain(json.loads(row.detail).get("edits", []))


def _write_section(conn: Connection, section: SectionInfo, *, state: str,
                   edits: Sequence[Edit] | None = None, comment: str | None = None,
                   now: datetime) -> int:
    version = section.version + 1
    values: dict[str, Any] = {"state": state, "version": version, "updated_at": now}
    if edits is not None:
        values["draft"] = json.dumps(edits_to_plain(edits), ensure_ascii=False)
    if comment is not None:
        values["comment"] = comment
    conn.execute(update(round_sections).where(
        round_sections.c.round_id == section.round_id,
        round_sections.c.force_id == section.force_id,
        round_sections.c.version == section.version).values(**values))
    return version


def _current(conn: Connection, token: Any, action: str,
             version: int) -> tuple[RoundInfo, SectionInfo]:
    """The link's round and section, locked, if ``action`` is allowed and the page's
    ``version`` is the stored one (else :class:`StaleSave` with what changed meanwhile)."""
    info, section = _find(conn, token, lock=True)
    _refuse_closed(info, action, section)
    if version != section.version:
        before = _draft_at(conn, info.id, section.force_id, version)
        raise StaleSave(version, section, draft_changes(before, section.edits))
    return info, section


def _refuse_closed(info: RoundInfo, action: str, section: SectionInfo) -> None:
    if info.status != "open":
        raise RoundError(f"round {info.id} is published; nothing in it can change any more")
    if next_state(action, section.state) is None:
        raise RoundError({
            "submitted": "this section is submitted and read-only unless the liaison unit "
                         "returns it",
            "accepted": "this section is accepted and read-only unless the liaison unit "
                        "returns it",
        }.get(section.state, f"a section that is {section.state.replace('_', ' ')} cannot "
                             f"be {action}ed"))


def save_draft(engine: Engine, data_dir: Path, token: Any, edits: Sequence[Edit],
               version: int, *, display_name: str = "",
               now: datetime | None = None) -> SectionInfo:
    """Store a contributor's draft made from section ``version``.

    Raises :class:`StaleSave` when the section was saved meanwhile, and
    :class:`~explorer.rounds.model.RoundError` (one line) for a closed section or an edit
    outside the force's own rows; nothing is stored then.
    """
    name, now = _name(display_name), now or _utcnow()
    with writer(engine).begin() as conn:
        info, section = _current(conn, token, "save", version)
        base = _base_in(conn, info.base_id, data_dir)
        clean = check_draft(base, section.force_id, edits)
        new_version = _write_section(conn, section, state=next_state("save", section.state),
                                     edits=clean, now=now)
        _audit(conn, info.id, "save", section.force_id, name, now, force_id=section.force_id,
               version=new_version, detail={"edits": edits_to_plain(clean)})
        return _get_section(conn, info.id, section.force_id)


def _check_section(base: Base, round_id: int, force_id: str, edits: Sequence[Edit],
                   base_id: int) -> tuple[str, ...]:
    problems = list(submit_problems(effective(base, edits)))
    if problems or not effective(base, edits):
        return tuple(problems)
    texts = apply_edits(base, round_id, {force_id: edits})
    try:
        edition_files.validate({n: t.encode("utf-8") for n, t in texts.items()})
    except EditionError as exc:
        return exc.problems
    return ()


def preview(base: Base, round_id: int, force_id: str, edits: Sequence[Edit]):
    """The base and the section's position as editions (for "what changed")."""
    from explorer.editions.model import own_change_ids

    texts = apply_edits(base, round_id, {force_id: edits})
    base_ds = edition_files.validate({n: t.encode() for n, t in base.texts.items()}).dataset
    new_ds = edition_files.validate({n: t.encode() for n, t in texts.items()}).dataset
    return base_ds, new_ds, own_change_ids(base_ds, new_ds)


def submit(engine: Engine, data_dir: Path, token: Any, version: int, *,
           display_name: str = "", now: datetime | None = None) -> SectionInfo:
    """Submit the stored draft (as at ``version``): every change needs a source, a date and
    a reason, and the position must load like ``data/``; then the section is read-only."""
    name, now = _name(display_name), now or _utcnow()
    with writer(engine).begin() as conn:
        info, section = _current(conn, token, "submit", version)
        base = _base_in(conn, info.base_id, data_dir)
        problems = _check_section(base, info.id, section.force_id, section.edits,
                                  info.base_id)
        if problems:
            raise RoundError(problems)
        new_version = _write_section(conn, section, state="submitted", now=now)
        _audit(conn, info.id, "submit", section.force_id, name, now,
               force_id=section.force_id, version=new_version,
               detail={"edits": edits_to_plain(section.edits)})
        return _get_section(conn, info.id, section.force_id)


def return_section(engine: Engine, round_id: int, force_id: str, comment: str, *,
                   display_name: str = "", now: datetime | None = None) -> SectionInfo:
    """The maintainer sends a submitted or accepted section back, saying why."""
    try:
        comment = clean_text(comment, "comment", MAX_ROUND_COMMENT_CHARS)
    except TextError as exc:
        raise RoundError(f"{exc} (say why the section is returned)") from None
    name, now = _name(display_name), now or _utcnow()
    with writer(engine).begin() as conn:
        return _decide(conn, round_id, force_id, "return", comment, name, now,
                       "only a submitted or accepted section can be returned")


def accept_section(engine: Engine, round_id: int, force_id: str, *, display_name: str = "",
                   now: datetime | None = None) -> SectionInfo:
    name, now = _name(display_name), now or _utcnow()
    with writer(engine).begin() as conn:
        return _decide(conn, round_id, force_id, "accept", "", name, now,
                       "only a submitted section can be accepted")


def _decide(conn: Connection, round_id: int, force_id: str, action: str, comment: str,
            name: str, now: datetime, refusal: str) -> SectionInfo:
    """The maintainer's ``return`` (with ``comment``) or ``accept`` of a section, audited;
    ``refusal`` says which states allow it."""
    info = _get_round(conn, round_id, lock=True)
    section = _get_section(conn, round_id, force_id, lock=True)
    if info.status != "open":
        raise RoundError(f"round {round_id} is published; nothing in it can change any more")
    new_state = next_state(action, section.state)
    if new_state is None:
        raise RoundError(f"{refusal}; {force_id}'s is {section.state.replace('_', ' ')}")
    version = _write_section(conn, section, state=new_state, comment=comment, now=now)
    _audit(conn, round_id, action, MAINTAINER, name, now, force_id=force_id, version=version,
           detail={"comment": comment} if action == "return" else None)
    return _get_section(conn, round_id, force_id)


def publish_round(engine: Engine, round_id: int, data_dir: Path, *, note: str = "",
                  display_name: str = "", env: Mapping[str, str] | None = None,
                  check_storage: bool = True, now: datetime | None = None) -> EditionInfo:
    """Make the next edition from the accepted sections and publish it.

    Needs every section accepted, or a ``note`` saying why to publish without the others
    (their drafts are left out). Refused where storage is not durable, when another edition
    was published since the round opened, and when nothing changes. ``check_storage=False``
    skips the durability check (tests in a temporary folder).
    """
    refusal = (publish_refusal(engine.url.render_as_string(hide_password=False), env)
               if check_storage else None)
    if refusal:
        raise RoundError(refusal)
    name, now = _name(display_name), now or _utcnow()
    if note and note.strip():
        try:
            note = clean_text(note, "reason for publishing", MAX_ROUND_COMMENT_CHARS)
        except TextError as exc:
            raise RoundError(str(exc)) from None
    else:
        note = ""
    # One transaction, holding the editions' lock: the new edition, its publication, the
    # round's closing and its audit record are stored together or not at all.
    with writer(engine).begin() as conn:
        editions.lock(conn)
        info = _get_round(conn, round_id, lock=True)
        if info.status != "open":
            raise RoundError(f"round {round_id} is already published (edition "
                             f"{info.edition_id})")
        rows = conn.execute(select(round_sections)
                            .where(round_sections.c.round_id == round_id)).all()
        by_force = {r.force_id: _section(r) for r in rows}
        secs = tuple(by_force[f] for f in FORCES if f in by_force)
        pending = [f"{s.force_id} ({s.state.replace('_', ' ')})" for s in secs
                   if s.state != "accepted"]
        if pending and not note:
            raise RoundError("not every section is accepted (" + ", ".join(pending) + "); "
                             "accept them, or give a reason to publish without them")
        latest = editions._latest_published(conn)
        if latest != info.base_id:
            raise RoundError(f"edition {latest} was published after this round opened on "
                             f"edition {info.base_id}; this round cannot be published on top "
                             "of it")
        base = _base_in(conn, info.base_id, data_dir)
        accepted = {s.force_id: s.edits for s in secs if s.state == "accepted"}
        if not any(effective(base, e) for e in accepted.values()):
            raise RoundError("nothing to publish: no accepted section changes anything")
        texts = apply_edits(base, round_id, accepted)
        incoming = edition_files.validate({n: t.encode("utf-8") for n, t in texts.items()})
        draft = editions.draft_in(conn, incoming, data_dir, title=info.title,
                                  as_at=info.as_at, corrects=None, now=now)
        published = editions.publish_in(conn, draft.id, now=now)
        conn.execute(update(rounds).where(rounds.c.id == round_id).values(
            status="published", published_at=now, edition_id=published.id,
            publish_note=note))
        _audit(conn, round_id, "publish", MAINTAINER, name, now,
               detail={"edition": published.id, "note": note,
                       "left_out": [s.force_id for s in secs if s.state != "accepted"]})
    return published
